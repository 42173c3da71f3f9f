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
#include "vocab.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "text.h"

struct export_text {
	const i18n_cat *cat; /* borrowed */
	char *buf;   /* NUL-terminated when len > 0 */
	size_t len;
	size_t cap;
	int failed;  /* an allocation failed: the text is incomplete */
};

/* ===== The output buffer ===== */

export_text *export_text_new(const i18n_cat *cat)
{
	export_text *t = calloc(1, sizeof(export_text));
	if (t)
		t->cat = cat;
	return t;
}

const i18n_cat *export_text_cat(const export_text *t)
{
	return t->cat;
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
	uint32_t c = (unsigned char)*s;
	if (c < 0x80) { /* most of the text: no need to ask text.c */
		*size = 1;
		return c;
	}
	*size = text_next(s, 4, &c); /* stops at the NUL, see text.h */
	return c;
}

/* 1 for the malformed byte that decode() reads as 0xFFFD: a U+FFFD is
 * written in its place (a real U+FFFD is three bytes, copied as it is). */
static int malformed(uint32_t c, size_t size)
{
	return c == 0xFFFD && size == 1;
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

/* 1 if c is white space inside a line: Unicode White_Space other than
 * the line ends (U+0085 is a C1 control, left out). */
static int blank(uint32_t c)
{
	return c == ' ' || c == '\t' || c == 0xA0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F || c == 0x3000;
}

/* 1 if the ASCII character c is punctuation: ! " # $ % & ' ( ) * + , - .
 * / : ; < = > ? @ [ \ ] ^ _ ` { | } ~ */
static int ascii_punct(uint32_t c)
{
	return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
	       (c >= '{' && c <= '~');
}

/* 1 if c is an ASCII letter or digit. */
static int alnum(uint32_t c)
{
	return (c | 0x20) - 'a' < 26 || c - '0' < 10;
}

/* 1 if the ASCII character c may be in a URI scheme (RFC 3986). */
static int scheme_char(uint32_t c)
{
	return alnum(c) || c == '+' || c == '-' || c == '.';
}

/* ===== Escaping =====
 * Each escaper copies runs of characters that stay as they are in one
 * append: *run is the start of such a run in the input (NULL when there
 * is none), written by flush() when something else must be written or
 * left out. */

/* Appends [*run, to) and ends the run. */
static void flush(export_text *t, const char **run, const char *to)
{
	if (*run && to > *run)
		export_text_putn(t, *run, (size_t)(to - *run));
	*run = NULL;
}

/* Appends the characters of [p, end) without those a rendered export
 * leaves out, U+FFFD for a malformed byte, and a backslash before each
 * ASCII character marked in escape (NULL: none). What is copied as it is
 * goes through the run *run, which is left open at end: the caller
 * flushes it, or a later call goes on with it. */
static void put_chars(export_text *t, const char **run, const char *p, const char *end,
                      const unsigned char escape[128])
{
	while (p < end) {
		unsigned char b = (unsigned char)*p;
		size_t size;
		if (*run && b >= 0x20 && b < 0x7F && !(escape && escape[b])) { /* most of a text */
			p++;
			continue;
		}
		uint32_t c = decode(p, &size);
		if (dropped(c) || malformed(c, size)) {
			flush(t, run, p);
			if (!dropped(c))
				export_text_put(t, REPLACEMENT);
		} else if (c < 0x80 && escape && escape[c]) {
			flush(t, run, p);
			export_text_put(t, "\\");
			*run = p;
		} else if (!*run) {
			*run = p;
		}
		p += size;
	}
}

/* put_chars() of [p, end) on a run of its own. */
static void put_clean(export_text *t, const char *p, const char *end,
                      const unsigned char escape[128])
{
	const char *run = NULL;
	put_chars(t, &run, p, end, escape);
	flush(t, &run, end);
}

/* The ASCII characters Markdown or its extensions read as syntax outside
 * code: \ ` * _ { } [ ] ( ) # + - . ! | < > ~ & @ = $ ^ */
static const unsigned char md_syntax[128] = {
	['\\'] = 1, ['`'] = 1, ['*'] = 1, ['_'] = 1, ['{'] = 1, ['}'] = 1, ['['] = 1,
	[']'] = 1, ['('] = 1, [')'] = 1, ['#'] = 1, ['+'] = 1, ['-'] = 1, ['.'] = 1,
	['!'] = 1, ['|'] = 1, ['<'] = 1, ['>'] = 1, ['~'] = 1, ['&'] = 1, ['@'] = 1,
	['='] = 1, ['$'] = 1, ['^'] = 1,
};

/* What a code span in a GFM table cell escapes: the row is split at each
 * '|' before the span is read, and "\|" gives the '|' back. */
static const unsigned char md_cell_code[128] = {['|'] = 1};

/* One word of a text for Markdown: a run of characters up to white space
 * or a line end, read as written (without the characters left out). */
struct word {
	const char *end; /* where the word ends in the input */
	int linkable;    /* a renderer could read a link in it */
	int plain;       /* nothing in it to escape, leave out or replace */
	size_t ticks;    /* its longest run of backticks */
	int edge_tick;   /* it starts or ends with a backtick */
};

/* Reads the word that starts at p (a character that is written). It is
 * linkable when it holds '@' (e-mail addresses), "//" or ":/" (URLs,
 * protocol-relative ones too), the ':' after a scheme (ASCII letter, then
 * letters, digits, + - .) followed by anything (mailto:, javascript:,
 * data:...), or a '.' followed by anything but ASCII punctuation (www.,
 * bare domains such as ville.fr). Left-out characters are skipped first,
 * so they cannot hide a link from this reading. */
static void read_word(const char *p, struct word *w)
{
	uint32_t prev = 0;
	int scheme = 0; /* in a run of scheme characters: 1 begun by a letter, -1 not */
	int after_scheme = 0; /* prev is the ':' after a scheme */
	size_t ticks = 0;

	*w = (struct word){.plain = 1};
	while (*p) {
		size_t size;
		if (alnum(prev)) { /* most of a word: after a letter or digit, */
			while (alnum((unsigned char)*p)) /* more change nothing */
				p++;
			if (!*p)
				break;
		}
		uint32_t c = decode(p, &size);
		if (line_end(c) || blank(c))
			break;
		p += size;
		if (dropped(c) || malformed(c, size) || (c < 0x80 && md_syntax[c]))
			w->plain = 0;
		if (dropped(c))
			continue;
		if (c == '@' || after_scheme || (c == '/' && (prev == '/' || prev == ':')) ||
		    (prev == '.' && !ascii_punct(c)))
			w->linkable = 1;
		after_scheme = c == ':' && scheme > 0;
		if (!scheme_char(c))
			scheme = 0;
		else if (!scheme)
			scheme = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' ? -1 : 1;
		ticks = c == '`' ? ticks + 1 : 0;
		if (ticks > w->ticks)
			w->ticks = ticks;
		if (!prev && c == '`')
			w->edge_tick = 1;
		prev = c;
	}
	if (prev == '`')
		w->edge_tick = 1;
	w->end = p;
}

/* Appends the word [p, w->end) as a code span, which no renderer reads as
 * a link or as anything else: a fence of backticks longer than any run in
 * the word, and a space inside it when the word starts or ends with a
 * backtick (CommonMark takes that space away). */
static void put_code(export_text *t, const char *p, const struct word *w, int cell)
{
	for (size_t i = 0; i <= w->ticks; i++)
		export_text_put(t, "`");
	if (w->edge_tick)
		export_text_put(t, " ");
	put_clean(t, p, w->end, cell ? md_cell_code : NULL);
	if (w->edge_tick)
		export_text_put(t, " ");
	for (size_t i = 0; i <= w->ticks; i++)
		export_text_put(t, "`");
}

/* export_text_md, and in a table cell (cell 1) export_text_md_cell. Plain
 * words and the white space between them are copied in one run as long
 * as nothing else must be written. */
static int md(export_text *t, const char *s, const char *indent, int cell)
{
	const char *p = s ? s : "";
	const char *run = NULL, *end = NULL; /* run of input copied as it is, up to end */
	const char *space = NULL; /* start of the white space before the next word */
	int started = 0, broken = 0; /* text written; line end pending */
	int clean = 1; /* no left-out character in that white space */

	while (*p) {
		size_t size;
		uint32_t c = decode(p, &size);
		if (line_end(c)) {
			broken = started;
			space = NULL; /* white space closing a line is dropped */
		} else if (blank(c)) {
			if (!space)
				space = p;
		} else if (dropped(c)) {
			clean = 0;
		} else {
			struct word w;
			if (broken) { /* white space opening the new line is dropped */
				flush(t, &run, end);
				export_text_put(t, indent ? "\\\n" : " ");
				if (indent)
					export_text_put(t, indent);
			} else if (space && started) {
				if (!(clean && run && end == space)) {
					flush(t, &run, end);
					put_chars(t, &run, space, p, NULL);
				} /* else the run goes on through the white space */
				end = p;
			}
			read_word(p, &w);
			if (w.linkable) {
				flush(t, &run, end);
				put_code(t, p, &w, cell);
			} else if (!w.plain) {
				put_chars(t, &run, p, w.end, md_syntax);
			} else if (!run) { /* most words: copied as they are */
				run = p;
			}
			end = w.end;
			started = 1;
			broken = 0;
			clean = 1;
			space = NULL;
			p = w.end;
			continue;
		}
		p += size;
	}
	flush(t, &run, end);
	return t->failed ? -1 : 0;
}

int export_text_md(export_text *t, const char *s, const char *indent)
{
	return md(t, s, indent, 0);
}

int export_text_md_cell(export_text *t, const char *s)
{
	return md(t, s, NULL, 1);
}

int export_text_blank(const char *s)
{
	for (const char *p = s ? s : ""; *p;) {
		size_t size;
		uint32_t c = decode(p, &size);
		if (!line_end(c) && !blank(c) && !dropped(c))
			return 0;
		p += size;
	}
	return 1;
}

/* The entity that stands for c in HTML, or NULL. */
static const char *html_entity(uint32_t c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default: return NULL;
	}
}

/* 1 for a byte that is a whole character HTML copies as it is. */
static int html_plain(unsigned char b)
{
	return b >= 0x20 && b < 0x7F && !html_entity(b);
}

int export_text_html(export_text *t, const char *s)
{
	const char *p = s ? s : "", *run = NULL;
	uint32_t prev = 0;
	int started = 0, breaks = 0; /* text written; line ends pending */

	while (*p) {
		size_t size;
		if (run && html_plain((unsigned char)*p)) { /* most of a text */
			prev = (unsigned char)*p++;
			continue;
		}
		uint32_t c = decode(p, &size);
		if (line_end(c) || dropped(c)) {
			flush(t, &run, p);
			if (line_end(c))
				breaks += started && !(c == '\n' && prev == '\r');
		} else {
			const char *entity = html_entity(c);
			for (; breaks; breaks--) /* a line end ended any run */
				export_text_put(t, "<br>");
			started = 1;
			if (entity || malformed(c, size)) {
				flush(t, &run, p);
				export_text_put(t, entity ? entity : REPLACEMENT);
			} else if (!run) {
				run = p;
			}
		}
		prev = c;
		p += size;
	}
	flush(t, &run, p);
	return t->failed ? -1 : 0;
}

/* 1 when s holds a character that a rendered export leaves out or
 * replaces. */
static int unclean(const char *s)
{
	for (const char *p = s; *p;) {
		size_t size;
		uint32_t c = decode(p, &size);
		if (dropped(c) || malformed(c, size))
			return 1;
		p += size;
	}
	return 0;
}

int export_text_csv(export_text *t, const char *s)
{
	export_text clean = {0};
	const char *cell = s ? s : "";
	int rc = -1;

	if (unclean(cell)) { /* rare: most texts are copied as they are */
		put_clean(&clean, cell, cell + strlen(cell), NULL);
		if (clean.failed)
			goto done;
		cell = clean.len ? clean.buf : "";
	}
	int quote = strpbrk(cell, ",;\"\r\n") != NULL;
	if (quote)
		export_text_put(t, "\"");
	if (*cell && strchr("=+-@\t\r", *cell))
		export_text_put(t, "'");
	for (const char *q = cell, *dq; *q; q = dq + 1) {
		if (!(dq = strchr(q, '"'))) {
			export_text_put(t, q);
			break;
		}
		export_text_putn(t, q, (size_t)(dq - q) + 1);
		export_text_put(t, "\""); /* a quote is doubled */
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

int export_text_date(const i18n_cat *cat, const char *iso, char *out, size_t len)
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
		snprintf(day, sizeof day, "%s", i18n("export.date.day1", cat));
	else
		snprintf(day, sizeof day, "%d", d);
	snprintf(out, len, "%s %s %d", day, i18n(key, cat), y);
	return 0;
}

int export_text_votes(const i18n_cat *cat, long long n, char *out, size_t len)
{
	snprintf(out, len, "%lld %s", n, i18n_plural("export.vote", n, cat));
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
	int s = vocab_contribution_find(export_text_str(c, "state"));
	return s >= 0 && vocab_contribution((vocab_contribution_state)s)->shown;
}

int export_text_orientations(json_t *b)
{
	return vocab_board_kind_find(export_text_str(b, "kind")) == VOCAB_ORIENTATIONS;
}

/* A visible contribution and its sort keys, read once. */
struct dated {
	const char *created;
	long long id;
	json_t *c;
};

/* qsort order of export_text_chrono: creation time, then id. */
static int by_created(const void *a, const void *b)
{
	const struct dated *x = a, *y = b;
	int c = strcmp(x->created, y->created);
	if (c)
		return c;
	return (x->id > y->id) - (x->id < y->id);
}

int export_text_chrono(json_t *list, json_t ***out, size_t *n)
{
	size_t i, k = 0, size = json_array_size(list);
	struct dated *keys = malloc((size + 1) * sizeof *keys);
	json_t *c;

	*n = 0;
	*out = malloc((size + 1) * sizeof(json_t *));
	if (!*out || !keys) {
		free(*out);
		free(keys);
		*out = NULL;
		return -1;
	}
	json_array_foreach(list, i, c) {
		if (export_text_visible(c))
			keys[k++] = (struct dated){export_text_str(c, "created"),
			                           export_text_int(c, "id"), c};
	}
	qsort(keys, k, sizeof *keys, by_created);
	for (i = 0; i < k; i++)
		(*out)[i] = keys[i].c;
	*n = k;
	free(keys);
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

	export_text_votes(t->cat, export_text_int(c, "votes"), votes, sizeof votes);
	m->item(ctx, t, depth, number, export_text_str(c, "text"), votes,
	        export_text_blank(author) ? NULL : author,
	        json_is_string(json_object_get(c, "original")) ? i18n("export.rephrased", t->cat)
	                                                        : NULL);
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
			m->label(ctx, t, 0, i18n("export.examples", t->cat));
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
		m->note(ctx, t, i18n("export.none", t->cat));
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
	const char *head[4] = {i18n("export.activity", t->cat), i18n("export.participants", t->cat),
	                       i18n("export.contributions", t->cat), i18n("export.votes", t->cat)};
	json_t *a, *totals = json_object_get(doc, "totals");
	size_t i;

	m->section(ctx, t, 2, "participation", i18n("export.participation", t->cat));
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
	m->row(ctx, t, i18n("export.total", t->cat), 1, n);
	m->table_end(ctx, t);
	CALL(m, section_end, ctx, t, 2);
}

/* The question and the animators (roles, joined with ", ") of activity a. */
static void activity_fields(const export_markup *m, void *ctx, export_text *t,
                            json_t *a)
{
	export_text *who = export_text_new(t->cat);
	json_t *name;
	size_t i;
	char *joined = NULL;
	size_t len;

	if (*export_text_str(a, "question"))
		m->field(ctx, t, i18n("export.question", t->cat), export_text_str(a, "question"));
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
		m->field(ctx, t, i18n("export.animators", t->cat), joined);
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
		if (!export_text_blank(export_text_str(b, "prompt")))
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

	m->section(ctx, t, 2, "appendix", i18n("export.appendix", t->cat));
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
	export_text_date(t->cat, export_text_str(seminar, "date"), date, sizeof date);
	m->head(ctx, t, export_text_str(seminar, "title"), date,
	        export_text_str(seminar, "venue"), export_text_str(seminar, "description"));
	participation(m, ctx, t, doc);
	json_array_foreach(json_object_get(doc, "activities"), i, a)
		activity(m, ctx, t, a);
	appendix(m, ctx, t, doc);
	foot[0] = '\0';
	if (*export_text_str(doc, "generated")) {
		export_text_date(t->cat, export_text_str(doc, "generated"), date, sizeof date);
		snprintf(foot, sizeof foot, "%s %s.", i18n("export.generated", t->cat), date);
	}
	m->foot(ctx, t, foot);
	return t->failed ? -1 : 0;
}
