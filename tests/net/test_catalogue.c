/* The interface catalogue (web/i18n.json): every entry has French and
 * English, both carry the same printf conversions in the same order,
 * French puts a no-break space before ? ! ; and :, every key the server
 * code or a page names exists, and each page names only keys of the
 * subset the server gives it (pagecat.c: its own prefix, common., err.). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"

static json_t *cat;
static char root[4096];

/* The conversions of a printf format ("%s%d"), "%%" left out. */
static void conversions(const char *s, char *out, size_t len)
{
	size_t n = 0;
	for (; *s; s++) {
		if (*s != '%')
			continue;
		s++;
		if (*s == '%' || !*s)
			continue;
		while (*s && strchr("0123456789.-+ #lhz$", *s))
			s++;
		if (*s && n + 2 < len) {
			out[n++] = '%';
			out[n++] = *s;
		}
	}
	out[n] = '\0';
}

static void test_every_entry_is_complete(void **state)
{
	(void)state;
	const char *key;
	json_t *e;
	assert_true(json_object_size(cat) > 20);
	json_object_foreach(cat, key, e) {
		const char *fr = json_string_value(json_object_get(e, "fr"));
		const char *en = json_string_value(json_object_get(e, "en"));
		if (!fr || !en || !*fr || !*en)
			fail_msg("catalogue entry %s lacks French or English", key);
		char cf[64], ce[64];
		conversions(fr, cf, sizeof cf);
		conversions(en, ce, sizeof ce);
		if (strcmp(cf, ce) != 0)
			fail_msg("catalogue entry %s: French has \"%s\", English \"%s\"", key, cf, ce);
	}
}

/* 1 when s starts with one of French's high punctuation marks. */
static int is_high_mark(const char *s)
{
	return *s == '?' || *s == '!' || *s == ';' || *s == ':';
}

/* 1 when a mark followed by s ends a word: s is the end of the text,
 * white space (U+00A0 too), closing punctuation (» ) ] . , ") or another
 * mark ("?!"). */
static int ends_word(const char *s)
{
	return !*s || strchr(" \t\n)].,\"", *s) || is_high_mark(s) ||
	       strncmp(s, "\xc2\xa0", 2) == 0 || strncmp(s, "\xc2\xbb", 2) == 0;
}

/* French typography puts a space before ? ! ; and :, and it must be one
 * where no line breaks, or a lone "?" may start a line on a narrow phone.
 * In every French text, each of these marks that ends a word comes right
 * after U+00A0 NO-BREAK SPACE (the character export.colon uses too; not
 * the narrow U+202F, which old phones' fonts may lack), or after another
 * mark ("?!"). A mark followed by anything else is inside a token, not
 * punctuation of the sentence, and is left alone: a URL (https://), a
 * time or a port (10:30, 0.0.0.0:8080), ADRESSE:PORT, a format (%s:%d), a
 * query (?code=). Placeholders are words like others: "{title} :" needs
 * the same space. */
static void test_french_marks_have_a_no_break_space(void **state)
{
	(void)state;
	const char *key;
	json_t *e;
	int checked = 0;
	json_object_foreach(cat, key, e) {
		const char *fr = json_string_value(json_object_get(e, "fr"));
		if (!fr)
			continue;
		for (const char *p = fr; *p; p++) {
			if (!is_high_mark(p) || !ends_word(p + 1))
				continue;
			checked++;
			size_t at = (size_t)(p - fr);
			if ((at >= 2 && strncmp(p - 2, "\xc2\xa0", 2) == 0) || (at >= 1 && is_high_mark(p - 1)))
				continue;
			size_t from = at > 24 ? at - 24 : 0;
			fail_msg("catalogue entry %s: \"%.*s\" needs U+00A0 (no-break space) right before '%c'",
			         key, (int)(at + 1 - from), fr + from, *p);
		}
	}
	assert_true(checked > 20);
}

/* Checks every literal key after `marker` (up to `end`) in the files of
 * dir with the given suffix. Returns how many were checked. */
static int check_keys(const char *dir, const char *suffix, const char *marker, char end)
{
	char path[8192];
	int checked = 0;
	snprintf(path, sizeof path, "%s/%s", root, dir);
	DIR *d = opendir(path);
	if (!d)
		return 0;
	for (struct dirent *e; (e = readdir(d));) {
		size_t l = strlen(e->d_name), sl = strlen(suffix);
		if (l <= sl || strcmp(e->d_name + l - sl, suffix) != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s/%s", root, dir, e->d_name);
		char *text = proc_slurp(path, NULL);
		assert_non_null(text);
		for (char *p = text; (p = strstr(p, marker)); ) {
			p += strlen(marker);
			char *q = strchr(p, end);
			if (!q)
				break;
			char key[128];
			size_t kl = (size_t)(q - p);
			/* Only whole literal keys (no format pieces or concatenation). */
			if (kl && kl < sizeof key && !memchr(p, '%', kl) && !memchr(p, '\n', kl)) {
				memcpy(key, p, kl);
				key[kl] = '\0';
				if (key[kl - 1] != '.' && key[kl - 1] != '_') {
					if (!json_object_get(cat, key))
						fail_msg("%s names catalogue key \"%s\", which is missing", path, key);
					checked++;
				}
			}
			p = q;
		}
		free(text);
	}
	closedir(d);
	return checked;
}

static void test_every_named_key_exists(void **state)
{
	(void)state;
	assert_true(check_keys("server", ".c", "i18n(\"", '"') > 10);
	check_keys("web", ".html", "data-i18n=\"", '"');
}

/* The page a file of web/ belongs to (the prefix of its own keys), or
 * NULL for a module the pages share. */
static const char *page_of(const char *name)
{
	static const char *const map[][2] = {
		{"index.html", "phone"}, {"phone", "phone"},   {"ecran.html", "screen"},
		{"screen", "screen"},    {"animation.html", "facil"}, {"facil", "facil"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strncmp(name, map[i][0], strlen(map[i][0])) == 0)
			return map[i][1];
	return NULL;
}

/* 1 when some catalogue key starts with "word." */
static int is_prefix(const char *word, size_t n)
{
	const char *key;
	json_t *e;
	json_object_foreach(cat, key, e) {
		if (strncmp(key, word, n) == 0 && key[n] == '.')
			return 1;
	}
	return 0;
}

/* Every quoted "prefix." in the files of dir with the given suffix names
 * the page's own keys, common. or err. Returns how many were checked. */
static int check_pages(const char *dir, const char *suffix)
{
	char path[8192];
	int checked = 0;
	snprintf(path, sizeof path, "%s/%s", root, dir);
	DIR *d = opendir(path);
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d));) {
		size_t l = strlen(e->d_name), sl = strlen(suffix);
		if (l <= sl || strcmp(e->d_name + l - sl, suffix) != 0)
			continue;
		const char *page = page_of(e->d_name);
		snprintf(path, sizeof path, "%s/%s/%s", root, dir, e->d_name);
		char *text = proc_slurp(path, NULL);
		assert_non_null(text);
		for (char *p = text; *p; p++) {
			if (*p != '\'' && *p != '"' && *p != '`')
				continue;
			size_t n = 0;
			while ((p[1 + n] >= 'a' && p[1 + n] <= 'z') || p[1 + n] == '_')
				n++;
			if (!n || p[1 + n] != '.' || !is_prefix(p + 1, n))
				continue;
			checked++;
			if ((page && strlen(page) == n && strncmp(p + 1, page, n) == 0) ||
			    (n == 6 && strncmp(p + 1, "common", 6) == 0) ||
			    (n == 3 && strncmp(p + 1, "err", 3) == 0))
				continue;
			fail_msg("%s names \"%.*s.\" keys, which the server does not give %s",
			         path, (int)n, p + 1, page ? page : "every page");
		}
		free(text);
	}
	closedir(d);
	return checked;
}

static void test_each_page_names_only_its_own_keys(void **state)
{
	(void)state;
	assert_true(check_pages("web", ".html") > 20);
	assert_true(check_pages("web/js", ".js") > 20);
}

int main(void)
{
	const char *src = getenv("ATELIER_SOURCE_DIR");
	snprintf(root, sizeof root, "%s", src ? src : ".");
	char path[8192];
	snprintf(path, sizeof path, "%s/web/i18n.json", root);
	json_error_t err;
	cat = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (!cat) {
		fprintf(stderr, "%s:%d: %s\n", path, err.line, err.text);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_entry_is_complete),
		cmocka_unit_test(test_french_marks_have_a_no_break_space),
		cmocka_unit_test(test_every_named_key_exists),
		cmocka_unit_test(test_each_page_names_only_its_own_keys),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	json_decref(cat);
	return r;
}
