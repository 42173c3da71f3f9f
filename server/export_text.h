/*
 * export_text.h — what the synthesis says, apart from its markup: a growing
 * output buffer, the escaping of user text for Markdown, HTML and CSV, dates
 * written out in words, read-only helpers over the synthesis document, and
 * the outline that the Markdown and HTML renderers share.
 *
 * Private to server/export*.c. No file, no network, no SQLite.
 *
 * Errors: appending to an export_text never fails loudly. A failed
 * allocation marks the buffer as failed, later appends do nothing, and
 * export_text_take() then returns -1. Renderers can therefore append
 * without checking every call and check once at the end.
 */
#ifndef ATELIER_EXPORT_TEXT_H
#define ATELIER_EXPORT_TEXT_H

#include <stddef.h>
#include <jansson.h>
#include "i18n.h"

/* ===== The output buffer ===== */

typedef struct export_text export_text;

/* A new empty buffer whose words (headings, labels, dates) come from cat
 * (borrowed; NULL for a buffer that only escapes), or NULL when out of
 * memory. */
export_text *export_text_new(const i18n_cat *cat);
void export_text_free(export_text *t); /* accepts NULL */

/* The catalogue t was made with. */
const i18n_cat *export_text_cat(const export_text *t);

/* Appends bytes as they are (own markup, never user text). Return 0, or -1
 * once the buffer has failed. */
int export_text_put(export_text *t, const char *s);
int export_text_putn(export_text *t, const char *s, size_t n);
int export_text_putll(export_text *t, long long v); /* in decimal */

/* Hands the text over: *out (OUT) is a malloc'd NUL-terminated string of
 * *out_len (OUT) bytes, and t is left empty. Returns -1 (and *out = NULL)
 * if any append failed. */
int export_text_take(export_text *t, char **out /* OUT */,
                     size_t *out_len /* OUT */);

/* ===== Escaping user text =====
 * In every rendered format (not JSON), the bidirectional embedding,
 * override and isolate controls (U+202A..U+202E, U+2066..U+2069) and the
 * control characters other than tab and line ends are left out, so a text
 * cannot reorder or hide what follows it. Accents and every other
 * character are kept byte for byte. s may be NULL (nothing is written). */

/* Markdown, made so that no common renderer (CommonMark, GFM with its
 * autolinks, markdown-it with linkify) reads anything of the text but
 * text. The left-out characters are removed first, then the text is read
 * word by word (words are separated by white space: Unicode White_Space).
 * A word in which a renderer could find a link (it holds '@', "//", ":/",
 * the ':' after a scheme such as mailto: or javascript: followed by more,
 * or a '.' followed by anything but ASCII punctuation: www., ville.fr) is
 * written as a code span: a fence of backticks longer than any run inside
 * it, with a space inside the fence when the word starts or ends with a
 * backtick. Linkifiers never look into code, and code shows its text as
 * it is. In every other word, each ASCII character that Markdown or its
 * common extensions read as syntax (\ ` * _ { } [ ] ( ) # + - . ! | < > ~
 * & @ = $ ^) gets a backslash, so no link, image, heading, HTML, list or
 * table can come out of it. White space at the start and end of the text
 * and of each line is dropped (so emphasis around a text always holds).
 * With indent NULL the text stays on one line (line ends become spaces:
 * headings, emphasis); otherwise each run of line ends becomes one hard
 * line break ("\" at the end of the line) and the next line starts with
 * indent. */
int export_text_md(export_text *t, const char *s, const char *indent);

/* The same on one line, for a cell of a GFM table: a '|' inside a code
 * span is written "\|" too (GFM splits the row at every other '|' before
 * it reads the cell). */
int export_text_md_cell(export_text *t, const char *s);

/* 1 when s shows nothing in a rendered export (it holds only white space
 * and left-out characters; NULL too), else 0. */
int export_text_blank(const char *s);

/* HTML: & < > " ' become entities, each line end (CR LF counted once)
 * between two lines of text becomes <br> (line ends at the start and end
 * are dropped). Usable in element content and in quoted attributes. */
int export_text_html(export_text *t, const char *s);

/* CSV (RFC 4180): one cell. A cell starting with = + - @ tab or CR gets a
 * leading apostrophe so no spreadsheet reads it as a formula; a cell
 * holding , ; " CR or LF is quoted, with its quotes doubled. */
int export_text_csv(export_text *t, const char *s);

/* ===== Words ===== */

/* "2022-10-11" (or a longer ISO 8601 text starting so) written out in the
 * language of cat: "11 octobre 2022", "1er octobre 2022". Anything else
 * is copied as is. out is always NUL-terminated. Returns 0. */
int export_text_date(const i18n_cat *cat, const char *iso, char *out /* OUT */, size_t len);

/* "0 vote", "1 vote", "7 votes" in the language of cat. Returns 0. */
int export_text_votes(const i18n_cat *cat, long long n, char *out /* OUT */, size_t len);

/* ===== Reading the synthesis document (docs/EXPORTS.md) ===== */

/* The string member key of obj, "" when absent, null or not a string. */
const char *export_text_str(json_t *obj, const char *key);
/* The integer member key of obj, 0 when absent or not an integer. */
long long export_text_int(json_t *obj, const char *key);
/* 1 if the contribution c has "state": "visible", else 0. */
int export_text_visible(json_t *c);
/* 1 if the board b has "kind": "orientations", else 0. */
int export_text_orientations(json_t *b);

/* The visible contributions of the array list in creation order ("created",
 * then "id"): *out (OUT) is a malloc'd array of *n (OUT) borrowed
 * pointers, which the caller frees. Returns 0 or -1 (out of memory). */
int export_text_chrono(json_t *list, json_t ***out /* OUT */, size_t *n /* OUT */);

/* ===== The outline shared by Markdown and HTML =====
 * export_text_outline() walks the document once, in the order of the
 * synthesis (header, participation table, activities with their boards,
 * appendix, footer), and calls one markup callback per element. Every text
 * it passes is raw (user text or catalogue text): the callbacks escape all
 * of it. Callbacks only append to t, so they return nothing (see Errors).
 * section_end, list, item_end and list_end may be NULL (nothing to close). */
typedef struct export_markup {
	/* The document header. date is written out already; venue and
	 * description may be "". */
	void (*head)(void *ctx, export_text *t, const char *title, const char *date,
	             const char *venue, const char *description);
	/* Opens a section of level 2..4 with its heading; cls names its kind:
	 * "participation", "activity", "board", "appendix", and in the
	 * appendix "annex-activity", "annex-board". */
	void (*section)(void *ctx, export_text *t, int level, const char *cls,
	                const char *title);
	void (*section_end)(void *ctx, export_text *t, int level);
	/* "label : value" below a heading. */
	void (*field)(void *ctx, export_text *t, const char *label, const char *value);
	/* The prompt of a board (not called for a blank one). */
	void (*prompt)(void *ctx, export_text *t, const char *text);
	/* A sentence of our own ("Aucune contribution."). */
	void (*note)(void *ctx, export_text *t, const char *text);
	/* The participation table: 4 column heads, rows, one total row last. */
	void (*table)(void *ctx, export_text *t, const char *const head[4]);
	void (*row)(void *ctx, export_text *t, const char *label, int total,
	            const long long n[3]);
	void (*table_end)(void *ctx, export_text *t);
	/* Lists nest at most one level (depth 0 and 1). number is 1, 2, ... in
	 * an ordered list and 0 in a bulleted one. author is NULL when the
	 * contribution has none or a blank one (export_text_blank); mark is
	 * « reformulée » (export.rephrased) for a contribution a facilitator
	 * reworded, else NULL. Inside
	 * an item, label() and a list of depth + 1 may come before item_end. */
	void (*list)(void *ctx, export_text *t, int depth, int ordered);
	void (*item)(void *ctx, export_text *t, int depth, long long number,
	             const char *text, const char *votes, const char *author,
	             const char *mark);
	void (*label)(void *ctx, export_text *t, int depth, const char *text);
	void (*item_end)(void *ctx, export_text *t, int depth);
	void (*list_end)(void *ctx, export_text *t, int depth, int ordered);
	/* The end of the document, with its closing line ("Synthèse générée
	 * par Atelier le …"), "" when the document has no date. */
	void (*foot)(void *ctx, export_text *t, const char *text);
} export_markup;

/* Walks doc (borrowed) with m. Returns 0, or -1 if doc is not an object or
 * memory ran out (the failure is also recorded in t). */
int export_text_outline(json_t *doc, const export_markup *m, void *ctx,
                        export_text *t);

#endif
