/*
 * test_text.c — the escaping and wording helpers of the exports, one case
 * at a time (export_text.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "export_text.h"
#include "i18n.h"

typedef int (*escape_fn)(export_text *t, const char *s);

static int md_line(export_text *t, const char *s)
{
	return export_text_md(t, s, NULL);
}

static int md_block(export_text *t, const char *s)
{
	return export_text_md(t, s, "  ");
}

static int md_inline(export_text *t, const char *s)
{
	return export_text_md(t, s, NULL);
}

/* Fails unless escape(s) gives want. */
static void check(escape_fn escape, const char *s, const char *want)
{
	export_text *t = export_text_new(NULL);
	char *out;
	size_t len;

	assert_non_null(t);
	assert_int_equal(escape(t, s), 0);
	assert_int_equal(export_text_take(t, &out, &len), 0);
	assert_string_equal(out, want);
	assert_int_equal(strlen(want), len);
	free(out);
	export_text_free(t);
}

static void test_markdown(void **state)
{
	(void)state;
	check(md_line, "a*b_c `d`", "a\\*b\\_c \\`d\\`");
	check(md_line, "[x](javascript:y)", "`[x](javascript:y)`");
	check(md_line, "![i](http://h/p.png)", "`![i](http://h/p.png)`");
	check(md_line, "<b>&amp;</b>", "\\<b\\>\\&amp;\\</b\\>");
	check(md_line, "# 1. - + | ~ = { } $ ^", "\\# 1\\. \\- \\+ \\| \\~ \\= \\{ \\} \\$ \\^");
	check(md_line, "a\\b", "a\\\\b");
	check(md_line, "Heure : 10:30, voir https://x", "Heure : 10:30, voir `https://x`");
	check(md_line, "  été  à  Lille  ", "été  à  Lille");
	check(md_line, "un\r\ndeux\n\ntrois", "un deux trois");
	check(md_block, "un\r\n  # deux\n\n\ntrois\n", "un\\\n  \\# deux\\\n  trois");
	check(md_block, "\n\nseul\n", "seul");
	check(md_line, "a\xE2\x80\xAE" "b\xE2\x81\xA6" "c\x01" "d\x7F", "abcd");
	check(md_line, "", "");
	check(md_line, NULL, "");
}

/* What a renderer could read as a link is a code span, decided on the
 * text without its left-out characters; sentence ends stay text. */
static void test_markdown_links(void **state)
{
	(void)state;
	check(md_line, "http:\xE2\x80\xAE//h\xE2\x81\xA6/p", "`http://h/p`");
	check(md_line, "ville.\xE2\x80\xAE" "fr", "`ville.fr`");
	check(md_line, "écrire à mail@evil.fr.", "écrire à `mail@evil.fr.`");
	check(md_line, "@ a@b x@", "`@` `a@b` `x@`");
	check(md_line, "www.x //h mailto:a data:x tel:1 ftp:/x", "`www.x` `//h` `mailto:a` `data:x` `tel:1` `ftp:/x`");
	check(md_line, "ville.fr 3.5 a.b p.ex. ville.\xE2\x80\x8B" "fr", "`ville.fr` `3.5` `a.b` `p.ex.` `ville.\xE2\x80\x8B" "fr`");
	check(md_line, "fin. etc.) ... a.- 10:30 1:x javascript: é:x", "fin\\. etc\\.\\) \\.\\.\\. a\\.\\- 10:30 1:x javascript: é:x");
	/* Unicode white space separates words and goes at the ends. */
	check(md_line, "\xC2\xA0" "fin.\xC2\xA0»\xE3\x80\x80", "fin\\.\xC2\xA0»");
	check(md_line, "a\xE3\x80\x80" "b.fr", "a\xE3\x80\x80`b.fr`");
	/* The fence is longer than any run of backticks inside. */
	check(md_line, "`a@b`", "`` `a@b` ``");
	check(md_line, "a``b//c", "```a``b//c```");
	check(md_line, "x`y", "x\\`y");
	/* In a table cell, '|' inside code too. */
	check(export_text_md_cell, "a|b http://x|y", "a\\|b `http://x\\|y`");
	check(md_line, "http://x|y", "`http://x|y`");
	check(md_block, "un\n  a@b.fr\ndeux", "un\\\n  `a@b.fr`\\\n  deux");
}

static void test_blank(void **state)
{
	(void)state;
	assert_int_equal(export_text_blank(NULL), 1);
	assert_int_equal(export_text_blank(""), 1);
	assert_int_equal(export_text_blank(" \t\xC2\xA0\xE2\x80\xAE\n\xE3\x80\x80\x01"), 1);
	assert_int_equal(export_text_blank("\xE2\x80\x8B"), 0); /* U+200B is a character */
	assert_int_equal(export_text_blank(" a "), 0);
}

static void test_html(void **state)
{
	(void)state;
	check(export_text_html, "<a href='x' onclick=\"y\">&</a>",
	      "&lt;a href=&#39;x&#39; onclick=&quot;y&quot;&gt;&amp;&lt;/a&gt;");
	check(export_text_html, "un\r\ndeux\rtrois\nquatre", "un<br>deux<br>trois<br>quatre");
	check(export_text_html, "\r\nun\n\ndeux\n", "un<br><br>deux");
	check(export_text_html, "élève · œuvre 🎉", "élève · œuvre 🎉");
	check(export_text_html, "\xE2\x80\xAEgpj.exe", "gpj.exe");
	check(export_text_html, "bad \xFF byte \xC3", "bad \xEF\xBF\xBD byte \xEF\xBF\xBD");
	/* Inline Markdown joins lines with one space, whatever opened them. */
	check(md_inline, "a\n  b\n\tc", "a b c");
	check(md_inline, "a  b", "a  b");
	/* An overlong '<' is three bad bytes, never a character. */
	check(export_text_html, "\xE0\x80\xBC", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	check(md_block, "a\xE0\x80\xBC", "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	check(export_text_html, NULL, "");
}

static void test_csv(void **state)
{
	(void)state;
	check(export_text_csv, "simple texte", "simple texte");
	check(export_text_csv, "=1+1", "'=1+1");
	check(export_text_csv, "+33 6", "'+33 6");
	check(export_text_csv, "-x", "'-x");
	check(export_text_csv, "@SUM(A1)", "'@SUM(A1)");
	check(export_text_csv, "\tx", "'\tx");
	check(export_text_csv, "\rx", "\"'\rx\"");
	check(export_text_csv, "a,b", "\"a,b\"");
	check(export_text_csv, "a;b", "\"a;b\"");
	check(export_text_csv, "dit \"oui\"", "\"dit \"\"oui\"\"\"");
	check(export_text_csv, "=A1,\"B\"", "\"'=A1,\"\"B\"\"\"");
	check(export_text_csv, "l1\nl2", "\"l1\nl2\"");
	check(export_text_csv, "x=1", "x=1");
	check(export_text_csv, "\xE2\x80\xAE=cmd", "'=cmd");
	check(export_text_csv, "", "");
	check(export_text_csv, NULL, "");
}

static void test_words(void **state)
{
	(void)state;
	char out[64];
	const struct {
		const char *iso, *fr, *en;
	} dates[] = {
		{"2022-10-11", "11 octobre 2022", "11 October 2022"},
		{"2021-06-01", "1er juin 2021", "1 June 2021"},
		{"2022-02-28T17:30:00Z", "28 février 2022", "28 February 2022"},
		{"2022-13-01", "2022-13-01", "2022-13-01"},
		{"2022-1-01", "2022-1-01", "2022-1-01"},
		{"2022-10-11x", "2022-10-11x", "2022-10-11x"},
		{"", "", ""},
	};
	i18n_cat *fr = i18n_new("fr"), *en = i18n_new("en");
	assert_non_null(fr);
	assert_non_null(en);
	for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
		export_text_date(fr, dates[i].iso, out, sizeof out);
		assert_string_equal(out, dates[i].fr);
		export_text_date(en, dates[i].iso, out, sizeof out);
		assert_string_equal(out, dates[i].en);
	}
	export_text_votes(fr, 0, out, sizeof out);
	assert_string_equal(out, "0 vote");
	export_text_votes(fr, 1, out, sizeof out);
	assert_string_equal(out, "1 vote");
	export_text_votes(fr, 12, out, sizeof out);
	assert_string_equal(out, "12 votes");
	export_text_votes(en, 0, out, sizeof out);
	assert_string_equal(out, "0 votes");
	export_text_votes(en, 1, out, sizeof out);
	assert_string_equal(out, "1 vote");
	i18n_free(fr);
	i18n_free(en);
}

static void test_chrono(void **state)
{
	(void)state;
	json_t *list = json_pack("[{s:i,s:s,s:s},{s:i,s:s,s:s},{s:i,s:s,s:s},{s:i,s:s,s:s}]",
	                         "id", 5, "state", "visible", "created", "2022-10-11T10:00:00Z",
	                         "id", 3, "state", "hidden", "created", "2022-10-11T08:00:00Z",
	                         "id", 4, "state", "visible", "created", "2022-10-11T10:00:00Z",
	                         "id", 9, "state", "visible", "created", "2022-10-11T09:00:00Z");
	json_t **out;
	size_t n;

	assert_non_null(list);
	assert_int_equal(export_text_chrono(list, &out, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(export_text_int(out[0], "id"), 9);
	assert_int_equal(export_text_int(out[1], "id"), 4);
	assert_int_equal(export_text_int(out[2], "id"), 5);
	free(out);
	assert_int_equal(export_text_chrono(NULL, &out, &n), 0);
	assert_int_equal(n, 0);
	free(out);
	json_decref(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_markdown),
		cmocka_unit_test(test_markdown_links),
		cmocka_unit_test(test_blank),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_chrono),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
