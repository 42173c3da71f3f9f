/*
 * fixture.c — loading, rendering and searching for the export tests.
 *
 * Boundary: test helpers only; they call the public export API and cmocka's
 * assertions, nothing else of the server.
 */
#include "fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

json_t *fixture_load(void)
{
	const char *src = getenv("ATELIER_SOURCE_DIR");
	char path[4096];
	json_error_t error;

	snprintf(path, sizeof path, "%s/tests/export/fixture.json",
	         src && *src ? src : ATELIER_SOURCE_DIR);
	json_t *doc = json_load_file(path, 0, &error);
	if (!doc)
		fail_msg("%s:%d: %s", path, error.line, error.text);
	return doc;
}

char *fixture_render_in(json_t *doc, export_format f, const char *lang, size_t *len)
{
	i18n_cat *cat = i18n_new(lang);
	char *out = NULL;
	size_t n = 0;

	assert_non_null(cat);
	assert_int_equal(export_render(doc, f, cat, &out, &n), 0);
	i18n_free(cat);
	assert_non_null(out);
	assert_int_equal(strlen(out), n);
	if (len)
		*len = n;
	return out;
}

char *fixture_render(json_t *doc, export_format f, size_t *len)
{
	return fixture_render_in(doc, f, "fr", len);
}

const char *fixture_find(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);
	if (!p)
		fail_msg("not found: \"%s\"", needle);
	return p;
}

void fixture_before(const char *hay, const char *end, const char *a, const char *b)
{
	const char *pa = fixture_find(hay, a);
	const char *pb = strstr(pa + strlen(a), b);
	if (!pb || (end && pb >= end))
		fail_msg("\"%s\" is not followed by \"%s\"", a, b);
	if (end && pa >= end)
		fail_msg("\"%s\" is not in the expected part", a);
}

void fixture_each(json_t *doc, fixture_fn fn, void *ctx)
{
	json_t *a, *b, *c, *x;
	size_t i, j, k, l;

	json_array_foreach(json_object_get(doc, "activities"), i, a) {
		json_array_foreach(json_object_get(a, "boards"), j, b) {
			json_array_foreach(json_object_get(b, "contributions"), k, c) {
				int shown = strcmp(json_string_value(json_object_get(c, "state")),
				                   "visible") == 0;
				fn(ctx, a, b, NULL, c, shown);
				json_array_foreach(json_object_get(c, "actions"), l, x) {
					int visible = strcmp(json_string_value(json_object_get(x, "state")),
					                     "visible") == 0;
					fn(ctx, a, b, c, x, shown && visible);
				}
			}
		}
	}
}
