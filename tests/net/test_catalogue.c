/* The interface catalogue (web/i18n.json): every entry has French and
 * English, both carry the same printf conversions in the same order, and
 * every key the server code or a page names exists. */
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

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	size_t got = fread(b, 1, (size_t)n, f);
	b[got] = '\0';
	fclose(f);
	return b;
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
		char *text = slurp(path);
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
		cmocka_unit_test(test_every_named_key_exists),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	json_decref(cat);
	return r;
}
