/*
 * test_escape.c — the escapers of export_text.h against a reference.
 *
 * export_text_md, _html and _csv copy runs of plain text in one append
 * (a big synthesis is mostly plain text). This test writes the rules of
 * export_text.h again, plainly, one character at a time over the decoded
 * text, and checks that both give the same bytes on 20,000 random texts
 * made of the pieces the rules care about: white space (Unicode's too),
 * every kind of line end, left-out controls and bidirectional marks,
 * syntax characters, backticks, what makes a word linkable in Markdown
 * ("@", "//", schemes, dots), accents, a malformed byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "export_text.h"
#include "text.h"

#define CASES 20000
#define MAX_PIECES 14

static const char *const pieces[] = {
	"a", "Zo", "é", "œ", "👍", " ", "  ", "\t", "\n", "\r", "\r\n", "\xe2\x80\xa8",
	"\xe2\x80\xa9", "\xe2\x80\xaa", "\xe2\x81\xa6", "\x01", "\x1b", "\x7f", "\xc2\x85",
	"\xc2\xa0", "\xe3\x80\x80", "\xe2\x80\x8b", "*", "_", "#", "-", ".", "\\", "`", "``",
	"[", ")", "|", "!", ":", "/", "//", "://", "http://x", "mailto:", "x1:", "1:", "www.",
	".fr", "<", ">", "&", "\"", "'", ",", ";", "=", "+", "@", "\xef\xbf\xbd", "\xff", "\xc3",
};
#define NPIECES (sizeof pieces / sizeof pieces[0])

/* ===== The reference: the rules of export_text.h, character by character ===== */

/* One decoded character of the input. */
struct ch {
	uint32_t c;
	const char *at;
	size_t size;
};

/* The characters of s, as the exports decode them. *n gets their count. */
static struct ch *chars_of(const char *s, size_t *n)
{
	struct ch *v = calloc(strlen(s) + 1, sizeof *v);
	size_t k = 0;
	assert_non_null(v);
	for (const char *p = s; *p; k++) {
		v[k].at = p;
		v[k].size = text_next(p, 4, &v[k].c);
		p += v[k].size;
	}
	*n = k;
	return v;
}

static int left_out(uint32_t c)
{
	return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F ||
	       (c >= 0x80 && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) ||
	       (c >= 0x2066 && c <= 0x2069);
}

static int ends_line(uint32_t c)
{
	return c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029;
}

/* The bytes of one character: U+FFFD for a malformed byte, else its own. */
static void put_ch(export_text *t, const struct ch *x)
{
	if (x->c == 0xFFFD && x->size == 1)
		export_text_put(t, "\xef\xbf\xbd");
	else
		export_text_putn(t, x->at, x->size);
}

static int white(uint32_t c)
{
	return c == ' ' || c == '\t' || c == 0xA0 || c == 0x1680 ||
	       (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F || c == 0x3000;
}

static int letter(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* 1 if the Markdown word w[0..n) (left-out characters removed) could be
 * read as a link: it holds '@', "//" or ":/"; or a ':' with a character
 * after it and, right before it, a run of letters, digits, + - . that
 * starts with a letter; or a '.' followed by anything but ASCII
 * punctuation. */
static int linkable(const struct ch *w, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		uint32_t c = w[k].c, next = k + 1 < n ? w[k + 1].c : 0;
		if (c == '@' || ((c == '/' || c == ':') && next == '/'))
			return 1;
		if (c == '.' && next && !(next < 0x80 && strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", (int)next)))
			return 1;
		if (c == ':' && next) {
			size_t j = k;
			while (j > 0 && w[j - 1].c < 0x80 &&
			       (letter(w[j - 1].c) || strchr("0123456789+-.", (int)w[j - 1].c)))
				j--;
			if (j < k && letter(w[j].c))
				return 1;
		}
	}
	return 0;
}

/* One Markdown word: as a code span when linkable (fence one backtick
 * longer than its longest run, a space inside when it starts or ends with
 * a backtick; "\|" for '|' in a table cell), else with a backslash before
 * each syntax character. */
static void ref_word(export_text *t, const struct ch *w, size_t n, int cell)
{
	if (!linkable(w, n)) {
		for (size_t k = 0; k < n; k++) {
			if (w[k].c < 0x80 && strchr("\\`*_{}[]()#+-.!|<>~&@=$^", (int)w[k].c))
				export_text_put(t, "\\");
			put_ch(t, &w[k]);
		}
		return;
	}
	size_t longest = 0, run = 0;
	for (size_t k = 0; k < n; k++) {
		run = w[k].c == '`' ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	int pad = w[0].c == '`' || w[n - 1].c == '`';
	for (size_t k = 0; k <= longest; k++)
		export_text_put(t, "`");
	export_text_put(t, pad ? " " : "");
	for (size_t k = 0; k < n; k++) {
		if (cell && w[k].c == '|')
			export_text_put(t, "\\");
		put_ch(t, &w[k]);
	}
	export_text_put(t, pad ? " " : "");
	for (size_t k = 0; k <= longest; k++)
		export_text_put(t, "`");
}

/* Markdown: the text without its left-out characters, cut into lines at
 * line ends; each line without the white space at its ends, empty lines
 * left out; the lines joined by a space (indent NULL) or by "\" newline
 * indent; in a line, the white space between words kept, each word as
 * ref_word writes it. */
static void ref_md(export_text *t, const char *s, const char *indent, int cell)
{
	size_t n, m = 0, i = 0, lines = 0;
	struct ch *all = chars_of(s, &n), *v = calloc(n + 1, sizeof *v);
	assert_non_null(v);
	for (size_t k = 0; k < n; k++)
		if (!left_out(all[k].c))
			v[m++] = all[k];
	while (i <= m) {
		size_t from = i, to, first, last;
		while (i < m && !ends_line(v[i].c))
			i++;
		to = i++; /* the line is [from, to) */
		for (first = from; first < to && white(v[first].c);)
			first++;
		for (last = to; last > first && white(v[last - 1].c);)
			last--;
		if (first == last)
			continue;
		if (lines++) {
			export_text_put(t, indent ? "\\\n" : " ");
			if (indent)
				export_text_put(t, indent);
		}
		for (size_t k = first; k < last;) {
			size_t end = k;
			if (white(v[k].c)) {
				put_ch(t, &v[k++]);
				continue;
			}
			while (end < last && !white(v[end].c))
				end++;
			ref_word(t, v + k, end - k, cell);
			k = end;
		}
	}
	free(v);
	free(all);
}

/* HTML: left-out characters vanish; before each character written, one
 * <br> per line end since the previous one written (none before the
 * first; CR LF is one); & < > " ' as entities. */
static void ref_html(export_text *t, const char *s)
{
	size_t n, ends = 0, written = 0;
	struct ch *v = chars_of(s, &n);
	for (size_t k = 0; k < n; k++) {
		uint32_t c = v[k].c;
		if (ends_line(c)) {
			ends += written && !(c == '\n' && k && v[k - 1].c == '\r');
			continue;
		}
		if (left_out(c))
			continue;
		for (; ends; ends--)
			export_text_put(t, "<br>");
		written++;
		if (c == '&' || c == '<' || c == '>' || c == '"' || c == '\'') {
			const char *e[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
			export_text_put(t, e[strchr("&<>\"'", (int)c) - "&<>\"'"]);
		} else {
			put_ch(t, &v[k]);
		}
	}
	free(v);
}

/* CSV: the cell without left-out characters; an apostrophe before a
 * leading = + - @ tab or CR; quoted when it holds , ; " CR or LF; quotes
 * doubled. */
static void ref_csv(export_text *t, const char *s)
{
	size_t n;
	struct ch *v = chars_of(s, &n);
	export_text *cell = export_text_new(NULL);
	char *clean;
	size_t len;
	assert_non_null(cell);
	for (size_t k = 0; k < n; k++)
		if (!left_out(v[k].c))
			put_ch(cell, &v[k]);
	assert_int_equal(export_text_take(cell, &clean, &len), 0);
	int quote = strpbrk(clean, ",;\"\r\n") != NULL;
	if (quote)
		export_text_put(t, "\"");
	if (len && strchr("=+-@\t\r", clean[0]))
		export_text_put(t, "'");
	for (size_t k = 0; k < len; k++)
		export_text_put(t, clean[k] == '"' ? "\"\"" : (char[2]){clean[k], 0});
	if (quote)
		export_text_put(t, "\"");
	free(clean);
	export_text_free(cell);
	free(v);
}

/* ===== The comparison ===== */

enum kind { MD_LINE, MD_BLOCK, MD_CELL, HTML, CSV };

static char *render(enum kind k, const char *s, int reference)
{
	export_text *t = export_text_new(NULL);
	char *out;
	size_t len;
	assert_non_null(t);
	switch (k) {
	case MD_LINE:
		reference ? ref_md(t, s, NULL, 0) : (void)export_text_md(t, s, NULL);
		break;
	case MD_BLOCK:
		reference ? ref_md(t, s, "   ", 0) : (void)export_text_md(t, s, "   ");
		break;
	case MD_CELL:
		reference ? ref_md(t, s, NULL, 1) : (void)export_text_md_cell(t, s);
		break;
	case HTML:
		reference ? ref_html(t, s) : (void)export_text_html(t, s);
		break;
	case CSV:
		reference ? ref_csv(t, s) : (void)export_text_csv(t, s);
		break;
	}
	assert_int_equal(export_text_take(t, &out, &len), 0);
	assert_int_equal(strlen(out), len);
	export_text_free(t);
	return out;
}

static void test_random_texts(void **state)
{
	static const char *const names[] = {"md", "md indented", "md cell", "html", "csv"};
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	char text[MAX_PIECES * 16 + 1];
	(void)state;
	for (int i = 0; i < CASES; i++) {
		size_t used = 0;
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		for (int p = (int)(x % (MAX_PIECES + 1)); p > 0; p--) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			const char *piece = pieces[x % NPIECES];
			memcpy(text + used, piece, strlen(piece));
			used += strlen(piece);
		}
		text[used] = '\0';
		for (enum kind k = MD_LINE; k <= CSV; k++) {
			char *got = render(k, text, 0), *want = render(k, text, 1);
			if (strcmp(got, want))
				fail_msg("%s of case %d differs from the reference:\n"
				         "  text \"%s\"\n  got  \"%s\"\n  want \"%s\"",
				         names[k], i, text, got, want);
			free(got);
			free(want);
		}
	}
}

/* The same on the pieces themselves and pairs of them, every one. */
static void test_all_pairs(void **state)
{
	char text[64];
	(void)state;
	for (size_t a = 0; a < NPIECES; a++)
		for (size_t b = 0; b <= NPIECES; b++) {
			snprintf(text, sizeof text, "%s%s", pieces[a], b < NPIECES ? pieces[b] : "");
			for (enum kind k = MD_LINE; k <= CSV; k++) {
				char *got = render(k, text, 0), *want = render(k, text, 1);
				assert_string_equal(got, want);
				free(got);
				free(want);
			}
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_pairs),
		cmocka_unit_test(test_random_texts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
