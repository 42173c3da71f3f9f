/*
 * export_html.c — the synthesis as one standalone HTML page, made to be
 * downloaded, opened locally and printed (to paper or PDF).
 *
 * Boundary: the HTML markup and the print style of the outline walked by
 * export_text_outline(); every text it receives goes through
 * export_text_html(), and nothing becomes a link, an image or a script.
 * The page carries its own <style> (this file only: the pages in web/
 * have no inline style) and a Content-Security-Policy that allows nothing
 * else. Must not walk the document itself or write files.
 */
#include "export.h"

#include <stdio.h>

#include "export_text.h"
#include "i18n.h"

/* Screen and print style: black on white, 11pt, bordered tables, a new
 * page before each activity and before the appendix. */
static const char style[] =
	"body{font:11pt/1.45 \"DejaVu Sans\",Arial,sans-serif;color:#111;"
	"background:#fff;max-width:46em;margin:2em auto;padding:0 1em}\n"
	"h1{font-size:1.8em;margin:0 0 .4em}\n"
	"h2{font-size:1.4em;margin:1.6em 0 .4em;border-bottom:1px solid #999}\n"
	"h3{font-size:1.15em;margin:1.2em 0 .3em}\n"
	"h4{font-size:1em;margin:1em 0 .3em}\n"
	"p{margin:.3em 0}\n"
	".prompt{font-style:italic}\n"
	"table{border-collapse:collapse;margin:.5em 0}\n"
	"th,td{border:1px solid #444;padding:.2em .6em;text-align:left;"
	"vertical-align:top}\n"
	"td.n{text-align:right}\n"
	"tr.total th,tr.total td{font-weight:bold}\n"
	"li{margin:.2em 0}\n"
	".votes{white-space:nowrap;color:#333}\n"
	".author{font-style:italic;color:#333}\n"
	".orientation>.text{font-weight:bold}\n"
	".label{font-weight:bold;margin-top:.3em}\n"
	"footer{margin-top:2em;border-top:1px solid #999;font-size:.9em}\n"
	"@media print{\n"
	"@page{margin:2cm}\n"
	"body{max-width:none;margin:0;padding:0;font-size:11pt}\n"
	"*{background:#fff!important;color:#000!important}\n"
	"section.activity,section.appendix{break-before:page;"
	"page-break-before:always}\n"
	"h1,h2,h3,h4{break-after:avoid;page-break-after:avoid}\n"
	"li,tr{break-inside:avoid;page-break-inside:avoid}\n"
	"}\n";

/* <tag class="cls">text</tag>, text escaped. */
static void element(export_text *t, const char *tag, const char *cls,
                    const char *text)
{
	export_text_put(t, "<");
	export_text_put(t, tag);
	if (cls) {
		export_text_put(t, " class=\"");
		export_text_put(t, cls);
		export_text_put(t, "\"");
	}
	export_text_put(t, ">");
	export_text_html(t, text);
	export_text_put(t, "</");
	export_text_put(t, tag);
	export_text_put(t, ">");
}

static void field(void *ctx, export_text *t, const char *label, const char *value)
{
	(void)ctx;
	export_text_put(t, "<p class=\"field\"><strong>");
	export_text_html(t, label);
	export_text_html(t, i18n("export.colon", export_text_cat(t)));
	export_text_put(t, "</strong> ");
	export_text_html(t, value);
	export_text_put(t, "</p>\n");
}

static void head(void *ctx, export_text *t, const char *title, const char *date,
                 const char *venue, const char *description)
{
	export_text_put(t, "<!DOCTYPE html>\n<html lang=\"");
	export_text_put(t, i18n_lang(export_text_cat(t)));
	export_text_put(t, "\">\n<head>\n<meta charset=\"utf-8\">\n"
	                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	                   "<meta http-equiv=\"Content-Security-Policy\" "
	                   "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
	                   "<title>");
	export_text_html(t, i18n("export.synthesis", export_text_cat(t)));
	export_text_put(t, " — ");
	export_text_html(t, title);
	export_text_put(t, "</title>\n<style>\n");
	export_text_put(t, style);
	export_text_put(t, "</style>\n</head>\n<body>\n<header>\n");
	element(t, "h1", NULL, title);
	export_text_put(t, "\n");
	if (*date)
		field(ctx, t, i18n("export.date", export_text_cat(t)), date);
	if (*venue)
		field(ctx, t, i18n("export.venue", export_text_cat(t)), venue);
	if (*description) {
		element(t, "p", "description", description);
		export_text_put(t, "\n");
	}
	export_text_put(t, "</header>\n");
}

static void section(void *ctx, export_text *t, int level, const char *cls,
                    const char *title)
{
	char tag[4];
	(void)ctx;
	snprintf(tag, sizeof tag, "h%d", level);
	export_text_put(t, "<section class=\"");
	export_text_put(t, cls);
	export_text_put(t, "\">\n");
	element(t, tag, NULL, title);
	export_text_put(t, "\n");
}

static void section_end(void *ctx, export_text *t, int level)
{
	(void)ctx;
	(void)level;
	export_text_put(t, "</section>\n");
}

static void prompt(void *ctx, export_text *t, const char *text)
{
	(void)ctx;
	element(t, "p", "prompt", text);
	export_text_put(t, "\n");
}

static void note(void *ctx, export_text *t, const char *text)
{
	(void)ctx;
	element(t, "p", "none", text);
	export_text_put(t, "\n");
}

static void table(void *ctx, export_text *t, const char *const h[4])
{
	(void)ctx;
	export_text_put(t, "<table>\n<thead><tr>");
	for (int i = 0; i < 4; i++)
		element(t, "th", NULL, h[i]);
	export_text_put(t, "</tr></thead>\n<tbody>\n");
}

static void row(void *ctx, export_text *t, const char *label, int total,
                const long long n[3])
{
	(void)ctx;
	export_text_put(t, total ? "<tr class=\"total\">" : "<tr>");
	element(t, total ? "th" : "td", NULL, label);
	for (int i = 0; i < 3; i++) {
		export_text_put(t, "<td class=\"n\">");
		export_text_putll(t, n[i]);
		export_text_put(t, "</td>");
	}
	export_text_put(t, "</tr>\n");
}

static void table_end(void *ctx, export_text *t)
{
	(void)ctx;
	export_text_put(t, "</tbody>\n</table>\n");
}

static void list(void *ctx, export_text *t, int depth, int ordered)
{
	(void)ctx;
	(void)depth;
	export_text_put(t, ordered ? "<ol class=\"orientations\">\n"
	                           : "<ul class=\"contributions\">\n");
}

static void item(void *ctx, export_text *t, int depth, long long number,
                 const char *text, const char *votes, const char *author, const char *mark)
{
	(void)ctx;
	(void)depth;
	export_text_put(t, number ? "<li class=\"orientation\">" : "<li>");
	element(t, "span", "text", text);
	export_text_put(t, " — ");
	element(t, "span", "votes", votes);
	if (author) {
		export_text_put(t, " — ");
		element(t, "span", "author", author);
	}
	if (mark) {
		export_text_put(t, " — ");
		element(t, "em", "rephrased", mark);
	}
}

static void label(void *ctx, export_text *t, int depth, const char *text)
{
	(void)ctx;
	(void)depth;
	export_text_put(t, "\n");
	element(t, "p", "label", text);
	export_text_put(t, "\n");
}

static void item_end(void *ctx, export_text *t, int depth)
{
	(void)ctx;
	(void)depth;
	export_text_put(t, "</li>\n");
}

static void list_end(void *ctx, export_text *t, int depth, int ordered)
{
	(void)ctx;
	(void)depth;
	export_text_put(t, ordered ? "</ol>\n" : "</ul>\n");
}

static void foot(void *ctx, export_text *t, const char *text)
{
	(void)ctx;
	if (*text) {
		export_text_put(t, "<footer>");
		element(t, "p", NULL, text);
		export_text_put(t, "</footer>\n");
	}
	export_text_put(t, "</body>\n</html>\n");
}

static const export_markup html = {
	head, section, section_end, field, prompt, note, table, row, table_end,
	list, item, label, item_end, list_end, foot,
};

int export_html(json_t *doc, const i18n_cat *cat, char **out, size_t *out_len)
{
	export_text *t = export_text_new(cat);
	int rc = -1;

	*out = NULL;
	*out_len = 0;
	if (!t)
		goto done;
	if (export_text_outline(doc, &html, NULL, t) < 0)
		goto done;
	rc = export_text_take(t, out, out_len);
done:
	export_text_free(t);
	return rc;
}
