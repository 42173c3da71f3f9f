/*
 * export_md.c — the synthesis in Markdown (CommonMark with a GFM table).
 *
 * Boundary: the Markdown markup of the outline walked by
 * export_text_outline(); every text it receives goes through
 * export_text_md() (export_text_md_cell() in the table), so user text
 * stays inert. Must not walk the document itself, write files or decide
 * what the synthesis contains.
 */
#include "export.h"

#include <stdio.h>
#include <string.h>

#include "export_text.h"
#include "i18n.h"

/* State of one rendering: the indentation that continues the content of
 * the current list item at each depth ("  " after "- ", "   " after
 * "1. ", and so on). */
typedef struct md {
	char indent[2][32];
} md;

/* Indent of depth, or "" above the outermost list. */
static const char *outer(md *s, int depth)
{
	return depth > 0 ? s->indent[depth - 1] : "";
}

/* "**label :** value" as a paragraph. */
static void field(void *ctx, export_text *t, const char *label, const char *value)
{
	char head[256]; /* label and colon as one text: alone, the colon's
	                 * no-break space would be dropped as leading space */
	(void)ctx;
	snprintf(head, sizeof head, "%s%s", label, i18n("export.colon", export_text_cat(t)));
	export_text_put(t, "**");
	export_text_md(t, head, NULL);
	export_text_put(t, "** ");
	export_text_md(t, value, "");
	export_text_put(t, "\n\n");
}

static void head(void *ctx, export_text *t, const char *title, const char *date,
                 const char *venue, const char *description)
{
	export_text_put(t, "# ");
	export_text_md(t, title, NULL);
	export_text_put(t, "\n\n");
	if (*date)
		field(ctx, t, i18n("export.date", export_text_cat(t)), date);
	if (*venue)
		field(ctx, t, i18n("export.venue", export_text_cat(t)), venue);
	if (*description) {
		export_text_md(t, description, "");
		export_text_put(t, "\n\n");
	}
}

static void section(void *ctx, export_text *t, int level, const char *cls,
                    const char *title)
{
	(void)ctx;
	(void)cls;
	export_text_putn(t, "####", (size_t)level);
	export_text_put(t, " ");
	export_text_md(t, title, NULL);
	export_text_put(t, "\n\n");
}

static void prompt(void *ctx, export_text *t, const char *text)
{
	(void)ctx;
	export_text_put(t, "*");
	export_text_md(t, text, NULL);
	export_text_put(t, "*\n\n");
}

static void note(void *ctx, export_text *t, const char *text)
{
	(void)ctx;
	export_text_md(t, text, "");
	export_text_put(t, "\n\n");
}

static void table(void *ctx, export_text *t, const char *const h[4])
{
	(void)ctx;
	for (int i = 0; i < 4; i++) {
		export_text_put(t, "| ");
		export_text_md_cell(t, h[i]);
		export_text_put(t, " ");
	}
	export_text_put(t, "|\n| --- | ---: | ---: | ---: |\n");
}

static void row(void *ctx, export_text *t, const char *label, int total,
                const long long n[3])
{
	(void)ctx;
	export_text_put(t, total ? "| **" : "| ");
	export_text_md_cell(t, label);
	export_text_put(t, total ? "** |" : " |");
	for (int i = 0; i < 3; i++) {
		export_text_put(t, " ");
		export_text_putll(t, n[i]);
		export_text_put(t, " |");
	}
	export_text_put(t, "\n");
}

static void table_end(void *ctx, export_text *t)
{
	(void)ctx;
	export_text_put(t, "\n");
}

/* "- text — 7 votes — *author*", or "1. **title** — 7 votes" for an
 * orientation; later lines of the text continue under the marker. */
static void item(void *ctx, export_text *t, int depth, long long number,
                 const char *text, const char *votes, const char *author, const char *mark)
{
	md *s = ctx;
	char marker[32];
	int n = number ? snprintf(marker, sizeof marker, "%lld. ", number)
	               : snprintf(marker, sizeof marker, "- ");

	/* Through a local copy: gcc -O2 cannot tell indent[depth - 1] from
	 * indent[depth] and warns of an overlap (-Wrestrict). */
	char indent[sizeof s->indent[0]];
	snprintf(indent, sizeof indent, "%s%*s", outer(s, depth), n, "");
	memcpy(s->indent[depth], indent, sizeof indent);
	int shown = !export_text_blank(text);
	export_text_put(t, outer(s, depth));
	export_text_put(t, marker);
	if (number && shown) /* around nothing, "****" would show */
		export_text_put(t, "**");
	export_text_md(t, text, s->indent[depth]);
	if (number && shown)
		export_text_put(t, "**");
	/* After a blank text, one space only after the marker: the item's
	 * content, and so its later lines, start where the indent says. */
	export_text_put(t, shown ? " — " : "— ");
	export_text_md(t, votes, NULL);
	if (author) {
		export_text_put(t, " — *");
		export_text_md(t, author, NULL);
		export_text_put(t, "*");
	}
	if (mark) {
		export_text_put(t, " — *");
		export_text_md(t, mark, NULL);
		export_text_put(t, "*");
	}
	export_text_put(t, "\n");
}

/* A paragraph inside the item at depth, then a blank line before the
 * nested list. */
static void label(void *ctx, export_text *t, int depth, const char *text)
{
	md *s = ctx;
	export_text_put(t, "\n");
	export_text_put(t, s->indent[depth]);
	export_text_md(t, text, NULL);
	export_text_put(t, "\n\n");
}

static void list_end(void *ctx, export_text *t, int depth, int ordered)
{
	(void)ctx;
	(void)ordered;
	(void)depth;
	export_text_put(t, "\n");
}

static void foot(void *ctx, export_text *t, const char *text)
{
	(void)ctx;
	if (!*text)
		return;
	export_text_put(t, "---\n\n*");
	export_text_md(t, text, NULL);
	export_text_put(t, "*\n");
}

static const export_markup markdown = {
	head, section, NULL, field, prompt, note, table, row, table_end,
	NULL, item, label, NULL, list_end, foot,
};

int export_markdown(json_t *doc, const i18n_cat *cat, char **out, size_t *out_len)
{
	export_text *t = export_text_new(cat);
	md state = {{"", ""}};
	int rc = -1;

	*out = NULL;
	*out_len = 0;
	if (!t)
		goto done;
	if (export_text_outline(doc, &markdown, &state, t) < 0)
		goto done;
	rc = export_text_take(t, out, out_len);
done:
	export_text_free(t);
	return rc;
}
