/*
 * test_json.c — the JSON synthesis is the document itself: it re-parses
 * equal to the input, hidden contributions included, pretty-printed with
 * UTF-8 left as is and keys in document order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

static void test_round_trip(void **state)
{
	(void)state;
	json_t *doc = fixture_load();
	size_t len;
	char *text = fixture_render(doc, EXPORT_JSON, &len);
	json_error_t error;
	json_t *back = json_loadb(text, len, 0, &error);

	assert_non_null(back);
	assert_true(json_equal(doc, back));
	assert_true(len > 2 && text[len - 1] == '\n' && text[len - 2] == '}');
	json_decref(back);
	free(text);
	json_decref(doc);
}

static void test_layout(void **state)
{
	(void)state;
	json_t *doc = fixture_load();
	char *text = fixture_render(doc, EXPORT_JSON, NULL);

	assert_ptr_equal(strstr(text, "{\n  \"format\": \"atelier-synthese\",\n  \"version\": 1,\n"), text);
	fixture_before(text, NULL, "\"generated\"", "\"seminar\"");
	fixture_before(text, NULL, "\"seminar\"", "\"totals\"");
	fixture_before(text, NULL, "\"totals\"", "\"activities\"");
	fixture_find(text, "\n    \"title\": \"Cité éducative : séminaire de l’année\",\n");
	assert_null(strstr(text, "\\u00e9"));
	/* JSON is complete: hidden ones are there; control characters are
	 * escaped the JSON way. */
	fixture_find(text, "\"TEXTE MASQUÉ qui ne doit pas paraître\"");
	fixture_find(text, "\"ACTION D’UNE ORIENTATION MASQUÉE\"");
	fixture_find(text, "\"\\tcellule qui commence");
	free(text);
	json_decref(doc);
}

static void test_not_a_document(void **state)
{
	(void)state;
	json_t *arr = json_array();
	char *out = (char *)1;
	size_t len = 1;

	for (int f = 0; f < EXPORT__COUNT; f++) {
		assert_int_equal(export_render(arr, (export_format)f, NULL, &out, &len), -1);
		assert_null(out);
		assert_int_equal(len, 0);
	}
	assert_int_equal(export_render(arr, EXPORT__COUNT, NULL, &out, &len), -1);
	json_decref(arr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_not_a_document),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
