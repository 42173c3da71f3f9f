/*
 * test_text.c — the UTF-8 helpers of server/text.c: validation (including
 * the classic malformed sequences), counting code points, white space and
 * trimming, control characters, line ends.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text.h"

#define VALID(lit) text_utf8_valid(lit, sizeof lit - 1)

static void utf8_valid_accepts_well_formed(void **state)
{
	(void)state;
	assert_true(text_utf8_valid("", 0));
	assert_true(text_utf8_valid(NULL, 0));
	assert_true(VALID("plain ASCII"));
	assert_true(VALID("Élève, café, « guillemets »"));
	assert_true(VALID("€ \xe2\x80\xa8 \xef\xbb\xbf"));     /* 3 bytes */
	assert_true(VALID("🙂 \xf4\x8f\xbf\xbf"));             /* 4 bytes, U+10FFFF */
	assert_true(VALID("\xc2\x80 \xdf\xbf \xe0\xa0\x80")); /* smallest of each */
	assert_true(VALID("a\0b"));                            /* NUL is UTF-8 */
}

static void utf8_valid_refuses_malformed(void **state)
{
	(void)state;
	assert_false(VALID("\x80"));             /* stray continuation */
	assert_false(VALID("caf\xff"));          /* never in UTF-8 */
	assert_false(VALID("\xc0\xaf"));         /* overlong "/" */
	assert_false(VALID("\xc1\xbf"));         /* overlong */
	assert_false(VALID("\xe0\x80\xaf"));     /* overlong, 3 bytes */
	assert_false(VALID("\xf0\x80\x80\xaf")); /* overlong, 4 bytes */
	assert_false(VALID("\xed\xa0\x80"));     /* surrogate U+D800 */
	assert_false(VALID("\xed\xbf\xbf"));     /* surrogate U+DFFF */
	assert_false(VALID("\xf4\x90\x80\x80")); /* U+110000 */
	assert_false(VALID("\xf5\x80\x80\x80"));
	assert_false(VALID("\xe2\x82"));         /* truncated € */
	assert_false(VALID("\xe2\x82 "));        /* cut by a space */
	/* The length is honoured: the valid prefix of a cut sequence. */
	assert_true(text_utf8_valid("ab\xe2\x82\xac", 2));
	assert_false(text_utf8_valid("ab\xe2\x82\xac", 4));
}

static void char_count_counts_code_points(void **state)
{
	(void)state;
	assert_int_equal(text_char_count(""), 0);
	assert_int_equal(text_char_count(NULL), 0);
	assert_int_equal(text_char_count("abc"), 3);
	assert_int_equal(text_char_count("élève"), 5);
	assert_int_equal(text_char_count("é€🙂a"), 4);
	assert_int_equal(strlen("é€🙂a"), 10);
	assert_int_equal(text_char_countn("é€🙂a", 5), 2); /* é and € */
	assert_int_equal(text_char_countn(NULL, 3), 0);
	/* Malformed bytes still count, one each, and never overrun. */
	assert_int_equal(text_char_countn("a\xff\xe2\x82", 4), 4);
}

static void has_control_finds_c0_del_c1(void **state)
{
	(void)state;
	assert_false(text_has_control("Bonjour à tous", false));
	assert_false(text_has_control(NULL, false));
	assert_true(text_has_control("a\tb", false));
	assert_true(text_has_control("a\tb", true)); /* tab is no newline */
	assert_true(text_has_control("a\rb", true));
	assert_true(text_has_control("a\x1b[31m", true));
	assert_true(text_has_control("a\x7f", true));
	assert_true(text_has_control("a\xc2\x85", true)); /* NEL, C1 */
	assert_true(text_has_control("a\xc2\x9f", true));
	assert_false(text_has_control("a\xc2\xa0" "b", false)); /* NBSP is not */
	assert_false(text_has_control("ligne\nligne", true));
	assert_true(text_has_control("ligne\nligne", false));
	/* An embedded NUL is seen only with the real length. */
	assert_true(text_has_controln("a\0b", 3, true));
	assert_false(text_has_controln("abc", 3, true));
}

static void is_space_knows_unicode_spaces(void **state)
{
	size_t n = 99;

	(void)state;
	assert_true(text_is_space(" ", 1, &n));
	assert_int_equal(n, 1);
	assert_true(text_is_space("\xc2\xa0", 2, &n)); /* NBSP */
	assert_int_equal(n, 2);
	assert_true(text_is_space("\xe3\x80\x80", 3, &n)); /* ideographic */
	assert_int_equal(n, 3);
	assert_true(text_is_space("\xe2\x80\xaf", 3, NULL));  /* narrow NBSP */
	assert_true(text_is_space("\xef\xbb\xbf", 3, NULL));  /* BOM */
	assert_true(text_is_space("\xe2\x80\x8b", 3, NULL));  /* zero width */
	assert_false(text_is_space("\xe2\x80\x8c", 3, NULL)); /* ZWNJ: a letter's */
	assert_false(text_is_space("é", 2, &n));
	assert_int_equal(n, 2);
	assert_false(text_is_space("", 0, &n));
	assert_int_equal(n, 0);
}

static void trim(const char *s, const char *want)
{
	size_t start = 99, tlen = 99;

	assert_int_equal(text_trim(s, strlen(s), &start, &tlen), 0);
	assert_int_equal(tlen, strlen(want));
	assert_memory_equal(s + start, want, tlen);
}

static void trim_drops_white_space_at_both_ends(void **state)
{
	(void)state;
	trim("abc", "abc");
	trim("  abc\n", "abc");
	trim("\xc2\xa0\xe3\x80\x80 Qui ? \xe2\x80\xaf\xef\xbb\xbf", "Qui ?");
	trim("a  b", "a  b");
	trim("\n\na\nb\n\n", "a\nb");
	trim("é", "é");
	trim(" 🙂 ", "🙂");
	trim("", "");
	trim(" \t\n\xc2\xa0 ", "");
}

static void normalize_newlines_turns_crlf_into_lf(void **state)
{
	char *out = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(text_normalize_newlines("a\r\nb\r\n", 6, &out, &len), 0);
	assert_string_equal(out, "a\nb\n");
	assert_int_equal(len, 4);
	free(out);
	assert_int_equal(text_normalize_newlines("a\rb\r", 4, &out, &len), 0);
	assert_string_equal(out, "a\rb\r"); /* a lone CR is kept */
	free(out);
	assert_int_equal(text_normalize_newlines("\r\r\n", 3, &out, &len), 0);
	assert_string_equal(out, "\r\n");
	free(out);
	assert_int_equal(text_normalize_newlines("", 0, &out, &len), 0);
	assert_string_equal(out, "");
	assert_int_equal(len, 0);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8_valid_accepts_well_formed),
		cmocka_unit_test(utf8_valid_refuses_malformed),
		cmocka_unit_test(char_count_counts_code_points),
		cmocka_unit_test(has_control_finds_c0_del_c1),
		cmocka_unit_test(is_space_knows_unicode_spaces),
		cmocka_unit_test(trim_drops_white_space_at_both_ends),
		cmocka_unit_test(normalize_newlines_turns_crlf_into_lf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
