/*
 * export_text.c — the text toolkit of the synthesis exports: output buffer,
 * escaping of user text (Markdown, HTML, CSV), dates and vote counts in
 * words, helpers that read the synthesis document, and the outline walked
 * by the Markdown and HTML renderers (see export_text.h).
 *
 * Boundary: strings in, strings out. Owns what user text may become in a
 * rendered export. Must not touch files, the network or SQLite, and knows
 * no markup of its own: the renderers bring it through export_markup.
 */
#include "export_text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "text.h"

struct export_text {
	char *buf;   /* NUL-terminated when len > 0 */
	size_t len;
	size_t cap;
	int failed;  /* an allocation failed: the text is incomplete */
};

/* ===== The output buffer ===== */

export_text *export_text_new(void)
{
	return calloc(1, sizeof(export_text));
}

void export_text_free(export_text *t)
{
	if (!t)
		return;
	free(t->buf);
	free(t);
}

int export_text_putn(export_text *t, const char *s, size_t n)
{
	if (t->failed)
		return -1;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		while (cap < t->len + n + 1)
			cap *= 2;
		char *buf = realloc(t->buf, cap);
		if (!buf) {
			t->failed = 1;
			return -1;
		}
		t->buf = buf;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
	return 0;
}

int export_text_put(export_text *t, const char *s)
{
	return export_text_putn(t, s, strlen(s));
}

int export_text_putll(export_text *t, long long v)
{
	char num[32];
	int n = snprintf(num, sizeof num, "%lld", v);
	return export_text_putn(t, num, (size_t)n);
}

int export_text_take(export_text *t, char **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	if (t->failed || export_text_putn(t, "", 0) < 0)
		return -1;
	*out = t->buf;
	*out_len = t->len;
	t->buf = NULL;
	t->len = t->cap = 0;
	return 0;
}

/* ===== Characters ===== */

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD, written for an invalid byte */

/* Decodes the UTF-8 character at s (NUL-terminated); *size gets its length
 * in bytes. A malformed sequence decodes as one byte of 0xFFFD (jansson
 * strings are valid UTF-8: this is only a safety net). */
static uint32_t decode(const char *s, size_t *size)
{
	uint32_t c = 0;
	*size = text_next(s, 4, &c); /* stops at the NUL, see text.h */
	return c;
}

/* Characters a rendered export leaves out: C0 controls other than tab and
 * line ends, DEL, C1 controls, bidirectional embeddings, overrides and
 * isolates. */
static int dropped(uint32_t c)
{
	if (c < 0x20)
		return c != '\t' && c != '\n' && c != '\r';
	return c == 0x7F || (c >= 0x80 && c <= 0x9F) ||
	       (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

/* 1 if c ends a line: LF, CR, U+2028 LINE SEPARATOR, U+2029 PARAGRAPH
 * SEPARATOR. */
static int line_end(uint32_t c)
{
	return c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029;
}

/* Writes the character that decode() read at s (size bytes). */
static void put_char(export_text *t, const char *s, uint32_t c, size_t size)
{
	if (c == 0xFFFD && size == 1)
		export_text_put(t, REPLACEMENT);
	else
		export_text_putn(t, s, size);
}

/* ===== Escaping ===== */

/* Appends the spaces and tabs of [from, to): a run of white space that
 * may hold left-out characters, which are not written. */
static void put_blanks(export_text *t, const char *from, const char *to)
{
	for (const char *q = from; q < to; q++)
		if (*q == ' ' || *q == '\t')
			export_text_putn(t, q, 1);
}

#define MD_SYNTAX "\\`*_{}[]()#+-.!|<>~&@=$^"

int export_text_md(export_text *t, const char *s, const char *indent)
{
	const char *p = s ? s : "";
	const char *blank = NULL; /* start of pending white space */
	size_t nblank = 0;
	int started = 0, broken = 0; /* text written; line end pending */

	while (*p) {
		size_t size;
		uint32_t c = decode(p, &size);
		if (line_end(c)) {
			broken = started;
			nblank = 0;
		} else if (c == ' ' || c == '\t') {
			if (!nblank)
				blank = p;
			nblank += size;
		} else if (!dropped(c)) {
			if (broken) { /* white space opening the new line is dropped */
				export_text_put(t, indent ? "\\\n" : " ");
				if (indent)
					export_text_put(t, indent);
			} else if (nblank && started) {
				put_blanks(t, blank, p);
			}
			if (c < 0x80 && strchr(MD_SYNTAX, (int)c))
				export_text_put(t, "\\");
			else if (c == ':' && strncmp(p + 1, "//", 2) == 0)
				export_text_put(t, "\\");
			put_char(t, p, c, size);
			started = 1;
			broken = 0;
			nblank = 0;
		}
		p += size;
	}
	return t->failed ? -1 : 0;
}

int export_text_html(export_text *t, const char *s)
{
	const char *p = s ? s : "";
	uint32_t prev = 0;
	int started = 0, breaks = 0; /* text written; line ends pending */

	while (*p) {
		size_t size;
		uint32_t c = decode(p, &size);
		if (line_end(c)) {
			breaks += started && !(c == '\n' && prev == '\r');
		} else if (!dropped(c)) {
			for (; breaks; breaks--)
				export_text_put(t, "<br>");
			started = 1;
			switch (c) {
			case '&': export_text_put(t, "&amp;"); break;
			case '<': export_text_put(t, "&lt;"); break;
			case '>': export_text_put(t, "&gt;"); break;
			case '"': export_text_put(t, "&quot;"); break;
			case '\'': export_text_put(t, "&#39;"); break;
			default: put_char(t, p, c, size);
			}
		}
		prev = c;
		p += size;
	}
	return t->failed ? -1 : 0;
}

/* Appends s without the characters a rendered export leaves out. */
static void put_clean(export_text *t, const char *s)
{
	const char *p = s;
	while (*p) {
		size_t size;
		uint32_t c = decode(p, &size);
		if (!dropped(c))
			put_char(t, p, c, size);
		p += size;
	}
}

int export_text_csv(export_text *t, const char *s)
{
	export_text clean = {0};
	const char *cell;
	int rc = -1;

	put_clean(&clean, s ? s : "");
	if (clean.failed)
		goto done;
	cell = clean.len ? clean.buf : "";
	int quote = strpbrk(cell, ",;\"\r\n") != NULL;
	if (quote)
		export_text_put(t, "\"");
	if (*cell && strchr("=+-@\t\r", *cell))
		export_text_put(t, "'");
	for (const char *q = cell; *q; q++) {
		if (*q == '"')
			export_text_put(t, "\"");
		export_text_putn(t, q, 1);
	}
	if (quote)
		export_text_put(t, "\"");
	rc = t->failed ? -1 : 0;
done:
	free(clean.buf);
	return rc;
}

/* ===== Words ===== */

/* Reads exactly n decimal digits at s into *v; returns 0 or -1. */
static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

int export_text_date(const char *iso, char *out, size_t len)
{
	int y, m, d;
	const char *s = iso ? iso : "";

	if (digits(s, 4, &y) < 0 || s[4] != '-' || digits(s + 5, 2, &m) < 0 ||
	    s[7] != '-' || digits(s + 8, 2, &d) < 0 || m < 1 || m > 12 || d < 1 ||
	    d > 31 || (s[10] != '\0' && s[10] != 'T')) {
		snprintf(out, len, "%s", s);
		return 0;
	}
	char key[32], day[16];
	snprintf(key, sizeof key, "export.month.%02d", m);
	if (d == 1)
		snprintf(day, sizeof day, "%s", i18n("export.date.day1"));
	else
		snprintf(day, sizeof day, "%d", d);
	snprintf(out, len, "%s %s %d", day, i18n(key), y);
	return 0;
}

int export_text_votes(long long n, char *out, size_t len)
{
	/* French keeps the singular for 0 and 1, English for 1 only. */
	int one = strcmp(i18n_lang(), "fr") == 0 ? n <= 1 : n == 1;
	snprintf(out, len, "%lld %s", n, i18n(one ? "export.vote.one" : "export.vote.many"));
	return 0;
}

/* ===== Reading the document ===== */

const char *export_text_str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "";
}

long long export_text_int(json_t *obj, const char *key)
{
	return (long long)json_integer_value(json_object_get(obj, key));
}

int export_text_visible(json_t *c)
{
	return strcmp(export_text_str(c, "state"), "visible") == 0;
}

int export_text_orientations(json_t *b)
{
	return strcmp(export_text_str(b, "kind"), "orientations") == 0;
}

/* qsort order of export_text_chrono: creation time, then id. */
static int by_created(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(export_text_str(x, "created"), export_text_str(y, "created"));
	if (c)
		return c;
	long long i = export_text_int(x, "id"), j = export_text_int(y, "id");
	return (i > j) - (i < j);
}

int export_text_chrono(json_t *list, json_t ***out, size_t *n)
{
	size_t i, k = 0;
	json_t *c;

	*n = 0;
	*out = malloc((json_array_size(list) + 1) * sizeof(json_t *));
	if (!*out)
		return -1;
	json_array_foreach(list, i, c) {
		if (export_text_visible(c))
			(*out)[k++] = c;
	}
	qsort(*out, k, sizeof(json_t *), by_created);
	*n = k;
	return 0;
}

/* ===== The outline ===== */

/* Calls the callback fn of m when the renderer has one. */
#define CALL(m, fn, ...) \
	do { \
		if ((m)->fn) \
			(m)->fn(__VA_ARGS__); \
	} while (0)

/* Calls m->item for the contribution c at depth, with its vote count. */
static void item(const export_markup *m, void *ctx, export_text *t, int depth,
                 long long number, json_t *c)
{
	char votes[64];
	const char *author = json_string_value(json_object_get(c, "author"));

	export_text_votes(export_text_int(c, "votes"), votes, sizeof votes);
	m->item(ctx, t, depth, number, export_text_str(c, "text"), votes,
	        author && *author ? author : NULL);
}

/* The visible example actions of orientation o, under their label, as a
 * nested list. Nothing when it has none. */
static void actions(const export_markup *m, void *ctx, export_text *t, json_t *o)
{
	json_t *list = json_object_get(o, "actions"), *a;
	size_t i, shown = 0;

	json_array_foreach(list, i, a) {
		if (!export_text_visible(a))
			continue;
		if (!shown++) {
			m->label(ctx, t, 0, i18n("export.examples"));
			CALL(m, list, ctx, t, 1, 0);
		}
		item(m, ctx, t, 1, 0, a);
		CALL(m, item_end, ctx, t, 1);
	}
	if (shown)
		CALL(m, list_end, ctx, t, 1, 0);
}

/* The visible contributions of board b in list order (document order, or
 * creation order for the appendix); orientations are numbered and carry
 * their example actions. */
static void contributions(const export_markup *m, void *ctx, export_text *t,
                          json_t *b, json_t **list, size_t n)
{
	int ordered = export_text_orientations(b);
	long long number = 0;

	if (!n) {
		m->note(ctx, t, i18n("export.none"));
		return;
	}
	CALL(m, list, ctx, t, 0, ordered);
	for (size_t i = 0; i < n; i++) {
		item(m, ctx, t, 0, ordered ? ++number : 0, list[i]);
		actions(m, ctx, t, list[i]);
		CALL(m, item_end, ctx, t, 0);
	}
	CALL(m, list_end, ctx, t, 0, ordered);
}

/* The participation table: one row per activity, then the totals. */
static void participation(const export_markup *m, void *ctx, export_text *t,
                          json_t *doc)
{
	const char *head[4] = {i18n("export.activity"), i18n("export.participants"),
	                       i18n("export.contributions"), i18n("export.votes")};
	json_t *a, *totals = json_object_get(doc, "totals");
	size_t i;

	m->section(ctx, t, 2, "participation", i18n("export.participation"));
	m->table(ctx, t, head);
	json_array_foreach(json_object_get(doc, "activities"), i, a) {
		long long n[3] = {export_text_int(a, "participants"),
		                  export_text_int(a, "contributions"),
		                  export_text_int(a, "votes")};
		m->row(ctx, t, export_text_str(a, "title"), 0, n);
	}
	long long n[3] = {export_text_int(totals, "participants"),
	                  export_text_int(totals, "contributions"),
	                  export_text_int(totals, "votes")};
	m->row(ctx, t, i18n("export.total"), 1, n);
	m->table_end(ctx, t);
	CALL(m, section_end, ctx, t, 2);
}

/* The question and the animators (roles, joined with ", ") of activity a. */
static void activity_fields(const export_markup *m, void *ctx, export_text *t,
                            json_t *a)
{
	export_text *who = export_text_new();
	json_t *name;
	size_t i;
	char *joined = NULL;
	size_t len;

	if (*export_text_str(a, "question"))
		m->field(ctx, t, i18n("export.question"), export_text_str(a, "question"));
	if (!who) {
		t->failed = 1;
		return;
	}
	json_array_foreach(json_object_get(a, "animators"), i, name) {
		if (json_string_value(name) && *json_string_value(name)) {
			if (who->len)
				export_text_put(who, ", ");
			export_text_put(who, json_string_value(name));
		}
	}
	if (export_text_take(who, &joined, &len) < 0)
		t->failed = 1;
	else if (len)
		m->field(ctx, t, i18n("export.animators"), joined);
	free(joined);
	export_text_free(who);
}

/* One activity: its heading and fields, then each board with its prompt
 * and its visible contributions in document order (by votes). */
static void activity(const export_markup *m, void *ctx, export_text *t, json_t *a)
{
	json_t *b, *c;
	size_t i, j;

	m->section(ctx, t, 2, "activity", export_text_str(a, "title"));
	activity_fields(m, ctx, t, a);
	json_array_foreach(json_object_get(a, "boards"), i, b) {
		json_t *list = json_object_get(b, "contributions");
		json_t **shown = malloc((json_array_size(list) + 1) * sizeof(json_t *));
		size_t n = 0;
		if (!shown) {
			t->failed = 1;
			return;
		}
		json_array_foreach(list, j, c) {
			if (export_text_visible(c))
				shown[n++] = c;
		}
		m->section(ctx, t, 3, "board", export_text_str(b, "title"));
		if (*export_text_str(b, "prompt"))
			m->prompt(ctx, t, export_text_str(b, "prompt"));
		contributions(m, ctx, t, b, shown, n);
		CALL(m, section_end, ctx, t, 3);
		free(shown);
	}
	CALL(m, section_end, ctx, t, 2);
}

/* The appendix: every visible contribution per activity and board, in
 * creation order. */
static void appendix(const export_markup *m, void *ctx, export_text *t, json_t *doc)
{
	json_t *a, *b;
	size_t i, j;

	m->section(ctx, t, 2, "appendix", i18n("export.appendix"));
	json_array_foreach(json_object_get(doc, "activities"), i, a) {
		m->section(ctx, t, 3, "annex-activity", export_text_str(a, "title"));
		json_array_foreach(json_object_get(a, "boards"), j, b) {
			json_t **list;
			size_t n;
			if (export_text_chrono(json_object_get(b, "contributions"), &list, &n) < 0) {
				t->failed = 1;
				return;
			}
			m->section(ctx, t, 4, "annex-board", export_text_str(b, "title"));
			contributions(m, ctx, t, b, list, n);
			CALL(m, section_end, ctx, t, 4);
			free(list);
		}
		CALL(m, section_end, ctx, t, 3);
	}
	CALL(m, section_end, ctx, t, 2);
}

int export_text_outline(json_t *doc, const export_markup *m, void *ctx, export_text *t)
{
	json_t *seminar = json_object_get(doc, "seminar"), *a;
	char date[128], foot[256];
	size_t i;

	if (!json_is_object(doc))
		return -1;
	export_text_date(export_text_str(seminar, "date"), date, sizeof date);
	m->head(ctx, t, export_text_str(seminar, "title"), date,
	        export_text_str(seminar, "venue"), export_text_str(seminar, "description"));
	participation(m, ctx, t, doc);
	json_array_foreach(json_object_get(doc, "activities"), i, a)
		activity(m, ctx, t, a);
	appendix(m, ctx, t, doc);
	foot[0] = '\0';
	if (*export_text_str(doc, "generated")) {
		export_text_date(export_text_str(doc, "generated"), date, sizeof date);
		snprintf(foot, sizeof foot, "%s %s.", i18n("export.generated"), date);
	}
	m->foot(ctx, t, foot);
	return t->failed ? -1 : 0;
}
