/*
 * test_csv.c — the CSV synthesis of the fixture, read back with an RFC 4180
 * parser: BOM, CRLF rows of equal width, one row per shown contribution and
 * example action in document order, and no cell a spreadsheet would run as
 * a formula.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "i18n.h"

#define COLUMNS 10
#define MAX_ROWS 64

enum { ACTIVITY, BOARD, TYPE, PARENT, ID, TEXT, AUTHOR, VOTES, CREATED, EDITED };

typedef struct table {
	char *cell[MAX_ROWS][COLUMNS];
	int rows;
} table;

/* Parses RFC 4180 text (after the BOM) into t; fails the test on a bare
 * quote, a row not ended by CRLF, or a row of another width. */
static void parse(const char *s, table *t)
{
	memset(t, 0, sizeof *t);
	while (*s) {
		assert_true(t->rows < MAX_ROWS);
		for (int col = 0;; col++) {
			char *cell = malloc(strlen(s) + 1);
			size_t n = 0;
			assert_non_null(cell);
			if (*s == '"') {
				for (s++;; s++) {
					assert_true(*s != '\0');
					if (*s == '"' && s[1] == '"')
						cell[n++] = *s++;
					else if (*s == '"')
						break;
					else
						cell[n++] = *s;
				}
				s++;
			} else {
				while (*s && !strchr(",\r\n\"", *s))
					cell[n++] = *s++;
				assert_true(*s != '"');
			}
			cell[n] = '\0';
			assert_true(col < COLUMNS);
			t->cell[t->rows][col] = cell;
			if (*s == ',') {
				s++;
				continue;
			}
			assert_memory_equal(s, "\r\n", 2);
			s += 2;
			assert_int_equal(col + 1, COLUMNS);
			break;
		}
		t->rows++;
	}
}

static void table_free(table *t)
{
	for (int r = 0; r < t->rows; r++)
		for (int c = 0; c < COLUMNS; c++)
			free(t->cell[r][c]);
}

/* What a cell must hold for text: without bidi overrides, and with an
 * apostrophe before a formula start. */
static void expected(const char *text, char *out, size_t len)
{
	size_t n = 0;
	if (*text && strchr("=+-@\t\r", *text))
		out[n++] = '\'';
	for (; *text && n + 1 < len; text++) {
		if (strncmp(text, "\xE2\x80\xAE", 3) == 0)
			text += 2;
		else
			out[n++] = *text;
	}
	out[n] = '\0';
}

/* fixture_each: the next row must be this contribution when shown. */
static void check_row(void *ctx, json_t *a, json_t *b, json_t *parent, json_t *c,
                      int shown)
{
	void **args = ctx;
	table *t = args[0];
	int *row = args[1];
	char want[2048], id[32];
	const char *author = json_string_value(json_object_get(c, "author"));
	int orientations = strcmp(json_string_value(json_object_get(b, "kind")),
	                          "orientations") == 0;

	snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(c, "id")));
	if (!shown) {
		for (int r = 1; r < t->rows; r++)
			assert_string_not_equal(t->cell[r][ID], id);
		return;
	}
	assert_true(*row < t->rows);
	char **cell = t->cell[(*row)++];
	assert_string_equal(cell[ID], id);
	assert_string_equal(cell[ACTIVITY], json_string_value(json_object_get(a, "title")));
	assert_string_equal(cell[BOARD], json_string_value(json_object_get(b, "title")));
	expected(json_string_value(json_object_get(c, "text")), want, sizeof want);
	assert_string_equal(cell[TEXT], want);
	assert_string_equal(cell[AUTHOR], author ? author : "");
	snprintf(want, sizeof want, "%lld", (long long)json_integer_value(json_object_get(c, "votes")));
	assert_string_equal(cell[VOTES], want);
	assert_string_equal(cell[CREATED], json_string_value(json_object_get(c, "created")));
	assert_string_equal(cell[EDITED], json_is_true(json_object_get(c, "edited")) ? "oui" : "non");
	if (parent) {
		assert_string_equal(cell[TYPE], "action");
		snprintf(want, sizeof want, "%lld", (long long)json_integer_value(json_object_get(parent, "id")));
		assert_string_equal(cell[PARENT], want);
	} else {
		assert_string_equal(cell[TYPE], orientations ? "orientation" : "contribution");
		assert_string_equal(cell[PARENT], "");
	}
}

static void test_rows(void **state)
{
	(void)state;
	json_t *doc = fixture_load();
	size_t len;
	char *csv = fixture_render(doc, EXPORT_CSV, &len);
	table t;
	int row = 1;
	void *args[2] = {&t, &row};

	assert_memory_equal(csv, "\xEF\xBB\xBF", 3);
	parse(csv + 3, &t);
	assert_string_equal(t.cell[0][ACTIVITY], "activité");
	assert_string_equal(t.cell[0][PARENT], "orientation parente (id)");
	assert_string_equal(t.cell[0][TEXT], "texte");
	assert_string_equal(t.cell[0][CREATED], "créé le");
	fixture_each(doc, check_row, args);
	assert_int_equal(row, t.rows);
	assert_int_equal(t.rows, 1 + 27);
	assert_null(strstr(csv, "MASQU"));
	table_free(&t);
	free(csv);
	json_decref(doc);
}

static void test_formula_guard(void **state)
{
	(void)state;
	json_t *doc = fixture_load();
	char *csv = fixture_render(doc, EXPORT_CSV, NULL);
	table t;

	parse(csv + 3, &t);
	for (int r = 0; r < t.rows; r++) {
		for (int c = 0; c < COLUMNS; c++)
			if (strchr("=+-@\t\r", t.cell[r][c][0]) && t.cell[r][c][0])
				fail_msg("row %d column %d starts a formula: %s", r, c, t.cell[r][c]);
	}
	/* As written: guarded cells, quoting only where needed. */
	fixture_find(csv, ",20,'=SUM(A1:A2),,2,");
	fixture_find(csv, ",21,'+cmd,,");
	fixture_find(csv, ",22,'-2+3,,");
	fixture_find(csv, ",23,'@x,,");
	fixture_find(csv, ",24,'\tcellule qui commence par une tabulation,,");
	fixture_find(csv, ",25,\"'\rretour chariot au début\",,");
	fixture_find(csv, ",26,\"Il a dit \"\"bonjour\"\", puis « merci » et c'est tout\",Enseignant·e,0,");
	fixture_find(csv, ",15,<script>alert(1)</script>,,5,");
	table_free(&t);
	free(csv);
	json_decref(doc);
}

static void test_english_heads(void **state)
{
	(void)state;
	json_t *doc = fixture_load();
	char *csv = fixture_render_in(doc, EXPORT_CSV, "en", NULL);

	assert_ptr_equal(strstr(csv, "\xEF\xBB\xBF" "activity,board,type,parent orientation (id),id,"
	                             "text,author,votes,created,edited\r\n"), csv);
	fixture_find(csv, ",2022-10-11T11:05:00Z,yes\r\n");
	free(csv);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_formula_guard),
		cmocka_unit_test(test_english_heads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
