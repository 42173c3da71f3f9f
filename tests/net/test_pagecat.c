/* pagecat.c: the catalogue of one page in one language, made from the
 * catalogue file as it is now. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "pagecat.h"
#include "proc.h"

static const char CATALOGUE[] =
        "{\"phone.join\": {\"fr\": \"Rejoindre\", \"en\": \"Join\"},"
        " \"phone.only_fr\": {\"fr\": \"Seulement en français\"},"
        " \"phone.\": {\"fr\": \"clé courte\", \"en\": \"short key\"},"
        " \"phones.other\": {\"fr\": \"autre page\", \"en\": \"another page\"},"
        " \"screen.title\": {\"fr\": \"Écran\", \"en\": \"Screen\"},"
        " \"facil.title\": {\"fr\": \"Animation\", \"en\": \"Facilitation\"},"
        " \"common.other_lang\": {\"fr\": \"English\", \"en\": \"Français\"},"
        " \"err.too_long\": {\"fr\": \"Trop long\", \"en\": \"Too long\"},"
        " \"cli.usage\": {\"fr\": \"Usage\", \"en\": \"Usage\"},"
        " \"export.title\": {\"fr\": \"Synthèse\", \"en\": \"Synthesis\"},"
        " \"common.broken\": {\"fr\": 3}}";

/* The subset as a JSON object (the test's to free). */
static json_t *subset(const char *lang, const char *page)
{
	char *text = pagecat_subset(CATALOGUE, strlen(CATALOGUE), lang, page);
	assert_non_null(text);
	json_t *j = json_loads(text, 0, NULL);
	assert_non_null(j);
	free(text);
	return j;
}

static const char *text_of(json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

static void test_subset_holds_the_page_its_language_and_the_shared_keys(void **state)
{
	(void)state;
	json_t *fr = subset("fr", "phone");
	assert_int_equal(json_object_size(fr), 5);
	assert_string_equal(text_of(fr, "phone.join"), "Rejoindre");
	assert_string_equal(text_of(fr, "phone.only_fr"), "Seulement en français");
	assert_string_equal(text_of(fr, "phone."), "clé courte");
	assert_string_equal(text_of(fr, "common.other_lang"), "English");
	assert_string_equal(text_of(fr, "err.too_long"), "Trop long");
	json_decref(fr);

	/* English, French where English has none; nothing of the others. */
	json_t *en = subset("en", "phone");
	assert_int_equal(json_object_size(en), 5);
	assert_string_equal(text_of(en, "phone.join"), "Join");
	assert_string_equal(text_of(en, "phone.only_fr"), "Seulement en français");
	assert_string_equal(text_of(en, "common.other_lang"), "Français");
	assert_null(json_object_get(en, "phones.other"));
	assert_null(json_object_get(en, "screen.title"));
	assert_null(json_object_get(en, "cli.usage"));
	assert_null(json_object_get(en, "common.broken"));
	json_decref(en);

	json_t *screen = subset("en", "screen");
	assert_int_equal(json_object_size(screen), 3);
	assert_string_equal(text_of(screen, "screen.title"), "Screen");
	json_decref(screen);
	json_t *facil = subset("fr", "facil");
	assert_int_equal(json_object_size(facil), 3);
	assert_string_equal(text_of(facil, "facil.title"), "Animation");
	json_decref(facil);

	/* Compact, keys sorted: the same catalogue gives the same bytes. */
	char *text = pagecat_subset(CATALOGUE, strlen(CATALOGUE), "fr", "facil");
	assert_string_equal(text, "{\"common.other_lang\":\"English\",\"err.too_long\":\"Trop long\","
	                          "\"facil.title\":\"Animation\"}");
	free(text);
}

static void test_subset_refuses_unknown_pages_languages_and_bad_catalogues(void **state)
{
	(void)state;
	const char *bad[][2] = {{"de", "phone"}, {"FR", "phone"}, {"", "phone"}, {"fr", "cli"},
	                        {"fr", "export"}, {"fr", "common"}, {"fr", ""}, {"fr", "phone.x"}};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_null(pagecat_subset(CATALOGUE, strlen(CATALOGUE), bad[i][0], bad[i][1]));
	const char *broken[] = {"", "[]", "{\"phone.a\": 1,", "{\"a\": 1, \"a\": 2}"};
	for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++)
		assert_null(pagecat_subset(broken[i], strlen(broken[i]), "fr", "phone"));
}

static char dir[256];
static char path[300];

static int setup(void **state)
{
	(void)state;
	if (proc_mkdtemp(dir, sizeof dir))
		return -1;
	snprintf(path, sizeof path, "%s/i18n.json", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	proc_rmtree(dir);
	return 0;
}

static void write_catalogue(const char *text)
{
	char tmp[320];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(rename(tmp, path), 0); /* as scripts/i18n-add does */
}

/* The gzip body inflated, NUL-terminated (the test's to free). */
static char *gunzip(const unsigned char *gz, size_t len)
{
	char *out = calloc(1, 65536);
	z_stream z;
	memset(&z, 0, sizeof z);
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)gz;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out;
	z.avail_out = 65535;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	inflateEnd(&z);
	return out;
}

static void test_get_follows_the_file(void **state)
{
	(void)state;
	const unsigned char *body, *gz;
	const char *etag, *etag_gz;
	size_t len, gz_len;
	char plain[4096], first_etag[64];
	pagecat *c = pagecat_new(path);

	/* No file yet. */
	assert_int_equal(pagecat_get(c, "fr", "phone", 0, &body, &len, &etag), -2);
	write_catalogue(CATALOGUE);
	assert_int_equal(pagecat_get(c, "de", "phone", 0, &body, &len, &etag), -1);
	assert_int_equal(pagecat_get(c, "fr", "cli", 0, &body, &len, &etag), -1);

	assert_int_equal(pagecat_get(c, "fr", "phone", 0, &body, &len, &etag), 0);
	char *want = pagecat_subset(CATALOGUE, strlen(CATALOGUE), "fr", "phone");
	assert_int_equal(len, strlen(want));
	assert_memory_equal(body, want, len);
	snprintf(plain, sizeof plain, "%.*s", (int)len, (const char *)body);
	snprintf(first_etag, sizeof first_etag, "%s", etag);
	assert_true(etag[0] == '"' && etag[strlen(etag) - 1] == '"');

	/* The gzip form: the same text, under another ETag. */
	assert_int_equal(pagecat_get(c, "fr", "phone", 1, &gz, &gz_len, &etag_gz), 0);
	char *inflated = gunzip(gz, gz_len);
	assert_string_equal(inflated, plain);
	free(inflated);
	assert_string_not_equal(etag_gz, first_etag);

	/* Another language: other bytes, another ETag. */
	assert_int_equal(pagecat_get(c, "en", "phone", 0, &body, &len, &etag), 0);
	char english[4096];
	snprintf(english, sizeof english, "%.*s", (int)len, (const char *)body);
	assert_non_null(strstr(english, "\"phone.join\":\"Join\""));
	assert_string_not_equal(etag, first_etag);

	/* The file changes (a key added): the new text, a new ETag. */
	write_catalogue("{\"phone.join\": {\"fr\": \"Entrer\", \"en\": \"Enter\"}}");
	assert_int_equal(pagecat_get(c, "fr", "phone", 0, &body, &len, &etag), 0);
	assert_int_equal(len, strlen("{\"phone.join\":\"Entrer\"}"));
	assert_memory_equal(body, "{\"phone.join\":\"Entrer\"}", len);
	assert_string_not_equal(etag, first_etag);
	assert_int_equal(pagecat_get(c, "fr", "phone", 1, &gz, &gz_len, &etag_gz), 0);
	inflated = gunzip(gz, gz_len);
	assert_string_equal(inflated, "{\"phone.join\":\"Entrer\"}");
	free(inflated);

	/* A broken file: an error, not the old text. */
	write_catalogue("{\"phone.join\": ");
	assert_int_equal(pagecat_get(c, "fr", "phone", 0, &body, &len, &etag), -2);
	free(want);
	pagecat_free(c);
	pagecat_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subset_holds_the_page_its_language_and_the_shared_keys),
		cmocka_unit_test(test_subset_refuses_unknown_pages_languages_and_bad_catalogues),
		cmocka_unit_test_setup_teardown(test_get_follows_the_file, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
