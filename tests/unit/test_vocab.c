/*
 * test_vocab.c — the domain's vocabulary (server/vocab.h) is the one
 * source of what the database, the pages and the catalogue say of states
 * and kinds:
 * - the SQL CHECKs of the schema list exactly the tables' names;
 * - web/js/protocol.js is, byte for byte, what protocol_js() writes from
 *   the server's tables (limits, states and their capabilities, error
 *   codes and which are transient, export formats); `test_vocab
 *   --print-protocol-js` writes it (scripts/protocol-js);
 * - every state has its keys in each family of the catalogue;
 * - the migration that changed a CHECK rebuilt its table without losing a
 *   row or breaking a foreign key.
 *
 * Boundary: vocab.h, proto.h, export.h and a store on a scratch file,
 * read back with sqlite3; web/i18n.json and web/js/protocol.js read from
 * the source tree.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include <sqlite3.h>

#include "export.h"
#include "proc.h"
#include "proto.h"
#include "store.h"
#include "vocab.h"

/* ===== web/js/protocol.js ===== */

/* Appends printf-style text to the growing buffer *b of length *n. */
static void put(char **b, size_t *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *grown = realloc(*b, *n + (size_t)k + 1);
	if (!grown)
		abort();
	*b = grown;
	va_start(ap, fmt);
	vsnprintf(*b + *n, (size_t)k + 1, fmt, ap);
	va_end(ap);
	*n += (size_t)k;
}

static const char *yes(unsigned v)
{
	return v ? "true" : "false";
}

/* The text of web/js/protocol.js, malloc'd. */
static char *protocol_js(void)
{
	char *b = NULL;
	size_t n = 0;
	put(&b, &n,
	    "/*\n"
	    " * protocol.js — what the server's tables say of the protocol, for the\n"
	    " * pages: limits, activity states and what each allows, contribution\n"
	    " * states, board kinds, screen modes, error codes (and which are worth\n"
	    " * a retry) and export formats. Made from server/vocab.c, proto.h and\n"
	    " * export.c by scripts/protocol-js, and checked against them by\n"
	    " * tests/unit/test_vocab.c: change the tables, then run the script;\n"
	    " * never edit this file by hand.\n"
	    " */\n\n");
	put(&b, &n,
	    "export const LIMITS = Object.freeze({\n"
	    "  message_bytes: %d,\n  id: %d,\n  code: %d,\n  key: %d,\n  text: %d,\n"
	    "  label: %d,\n  action: %d,\n  actions: %d\n});\n\n",
	    PROTO_MAX_MESSAGE_BYTES, PROTO_MAX_ID_CHARS, PROTO_MAX_CODE_CHARS, PROTO_MAX_KEY_CHARS,
	    PROTO_MAX_TEXT_CHARS, PROTO_MAX_LABEL_CHARS, PROTO_MAX_ACTION_CHARS, PROTO_MAX_ACTIONS);
	put(&b, &n, "/* Activity states, in the order of a day, with what each allows. */\n");
	put(&b, &n, "export const ACTIVITY_STATES = Object.freeze([");
	for (int s = 0; s < VOCAB_ACTIVITY_STATES; s++)
		put(&b, &n, "%s'%s'", s ? ", " : "", vocab_activity((vocab_activity_state)s)->name);
	put(&b, &n, "]);\n\nexport const CAPABILITIES = Object.freeze({\n");
	for (int s = 0; s < VOCAB_ACTIVITY_STATES; s++) {
		const vocab_activity_row *r = vocab_activity((vocab_activity_state)s);
		put(&b, &n,
		    "  %s: Object.freeze({ post: %s, vote: %s, edit: %s, texts: %s, tallies: %s, ranked: %s, voters: %s })%s\n",
		    r->name, yes(r->may_post), yes(r->may_vote), yes(r->may_edit),
		    yes(r->texts_shown), yes(r->tallies_shown), yes(r->ranked), yes(r->voters_shown),
		    s + 1 < VOCAB_ACTIVITY_STATES ? "," : "");
	}
	put(&b, &n, "});\n\n/* Contribution states: shown to everyone, or not. */\n");
	put(&b, &n, "export const CONTRIBUTION_STATES = Object.freeze({\n");
	for (int s = 0; s < VOCAB_CONTRIBUTION_STATES; s++) {
		const vocab_contribution_row *r = vocab_contribution((vocab_contribution_state)s);
		put(&b, &n, "  %s: Object.freeze({ shown: %s, live: %s, counted: %s })%s\n", r->name,
		    yes(r->shown), yes(r->live), yes(r->counted),
		    s + 1 < VOCAB_CONTRIBUTION_STATES ? "," : "");
	}
	put(&b, &n, "});\n\nexport const BOARD_KINDS = Object.freeze([");
	for (int k = 0; k < VOCAB_BOARD_KINDS; k++)
		put(&b, &n, "%s'%s'", k ? ", " : "", vocab_board_kind_name((vocab_board_kind)k));
	put(&b, &n, "]);\n\n/* What a projection screen may show, chosen from the console. */\n");
	put(&b, &n, "export const SCREEN_MODES = Object.freeze({\n");
	for (int k = 0; k < VOCAB_SCREEN_MODES; k++) {
		const vocab_screen_row *r = vocab_screen((vocab_screen_mode)k);
		put(&b, &n, "  %s: Object.freeze({ one_contribution: %s, whole_seminar: %s })%s\n",
		    r->name, yes(r->one_contribution), yes(r->whole_seminar),
		    k + 1 < VOCAB_SCREEN_MODES ? "," : "");
	}
	put(&b, &n, "});\n\n/* Error codes; TRANSIENT ones are worth sending again later. */\n");
	put(&b, &n, "export const ERRORS = Object.freeze([");
	for (int e = 1; e < PROTO_ERR__COUNT; e++)
		put(&b, &n, "%s'%s'", e > 1 ? ", " : "", proto_error_name((proto_err)e));
	put(&b, &n, "]);\n\nexport const TRANSIENT = Object.freeze([");
	for (int e = 1, first = 1; e < PROTO_ERR__COUNT; e++)
		if (proto_error_transient((proto_err)e)) {
			put(&b, &n, "%s'%s'", first ? "" : ", ", proto_error_name((proto_err)e));
			first = 0;
		}
	put(&b, &n, "]);\n\nexport const EXPORT_FORMATS = Object.freeze([");
	for (int f = 0; f < EXPORT__COUNT; f++)
		put(&b, &n, "%s'%s'", f ? ", " : "", export_format_ext((export_format)f));
	put(&b, &n, "]);\n");
	return b;
}

static char *source_file(const char *rel)
{
	const char *src = getenv("ATELIER_SOURCE_DIR");
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", src && *src ? src : ".", rel);
	char *text = proc_slurp(path, NULL);
	if (!text)
		fail_msg("cannot read %s", path);
	return text;
}

static void protocol_js_is_made_from_the_tables(void **state)
{
	(void)state;
	char *want = protocol_js(), *have = source_file("web/js/protocol.js");
	if (strcmp(want, have) != 0)
		fail_msg("web/js/protocol.js is not what the server's tables say: run "
		         "scripts/protocol-js");
	free(want);
	free(have);
}

/* ===== The SQL CHECKs ===== */

/* The names listed in the CHECK "column IN (...)" of table's SQL, as
 * "a b c". */
static void check_list(sqlite3 *db, const char *table, const char *column, char *out,
                       size_t len)
{
	sqlite3_stmt *st = NULL;
	char pattern[64];
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE name = ?", -1,
	                                    &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const char *sql = (const char *)sqlite3_column_text(st, 0);
	snprintf(pattern, sizeof pattern, "%s IN (", column);
	const char *p = strstr(sql, pattern);
	assert_non_null(p);
	p += strlen(pattern);
	size_t n = 0;
	out[0] = '\0';
	for (; *p && *p != ')'; p++)
		if (*p != '\'' && *p != ',' && n + 1 < len && !(*p == ' ' && (!n || out[n - 1] == ' ')))
			out[n++] = *p;
	out[n] = '\0';
	sqlite3_finalize(st);
}

static void names(char *out, size_t len, int count, const char *(*name)(int))
{
	size_t n = 0;
	out[0] = '\0';
	for (int i = 0; i < count; i++)
		n += (size_t)snprintf(out + n, len - n, "%s%s", i ? " " : "", name(i));
}

static const char *activity_name(int i)
{
	return vocab_activity((vocab_activity_state)i)->name;
}

static const char *contribution_name(int i)
{
	return vocab_contribution((vocab_contribution_state)i)->name;
}

static const char *kind_name(int i)
{
	return vocab_board_kind_name((vocab_board_kind)i);
}

static const char *screen_mode_name(int i)
{
	return vocab_screen((vocab_screen_mode)i)->name;
}

struct scratch {
	char dir[512], path[600];
};

static void scratch_open(struct scratch *t)
{
	assert_int_equal(proc_mkdtemp(t->dir, sizeof t->dir), 0);
	snprintf(t->path, sizeof t->path, "%s/atelier.db", t->dir);
}

static void sql_checks_list_the_tables_names(void **state)
{
	(void)state;
	struct scratch t;
	store *st = NULL;
	sqlite3 *db = NULL;
	char err[256], have[256], want[256];

	scratch_open(&t);
	assert_int_equal(store_open(t.path, NULL, &st, err, sizeof err), STORE_OK);
	store_close(st);
	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	check_list(db, "activity", "state", have, sizeof have);
	names(want, sizeof want, VOCAB_ACTIVITY_STATES, activity_name);
	assert_string_equal(have, want);
	check_list(db, "contribution", "state", have, sizeof have);
	names(want, sizeof want, VOCAB_CONTRIBUTION_STATES, contribution_name);
	assert_string_equal(have, want);
	check_list(db, "board", "kind", have, sizeof have);
	names(want, sizeof want, VOCAB_BOARD_KINDS, kind_name);
	assert_string_equal(have, want);
	check_list(db, "screen", "mode", have, sizeof have);
	names(want, sizeof want, VOCAB_SCREEN_MODES, screen_mode_name);
	assert_string_equal(have, want);
	sqlite3_close(db);
	proc_rmtree(t.dir);
}

/* ===== The catalogue ===== */

/* Each state's keys in each family ("%s" is the state's name); a family
 * may hold a plural pair (_one, _other) instead. The phone's note says why
 * one cannot write: it exists for the states that do not let one post. */
static void every_state_has_its_texts(void **state)
{
	(void)state;
	static const struct {
		const char *pattern;
		int only_without_post;
	} families[] = {{"common.state_%s", 0}, {"facil.set_%s", 0}, {"phone.note_%s", 1},
	                {"screen.hint_%s", 0}};
	char *text = source_file("web/i18n.json"), key[96], one[100];
	json_t *cat = json_loads(text, 0, NULL);
	assert_non_null(cat);
	for (int s = 0; s < VOCAB_ACTIVITY_STATES; s++)
		for (size_t f = 0; f < sizeof families / sizeof families[0]; f++) {
			if (families[f].only_without_post &&
			    vocab_activity((vocab_activity_state)s)->may_post)
				continue;
			snprintf(key, sizeof key, families[f].pattern, activity_name(s));
			snprintf(one, sizeof one, "%s_one", key);
			json_t *e = json_object_get(cat, key);
			if (!e)
				e = json_object_get(cat, one);
			if (!e || !json_object_get(e, "fr") || !json_object_get(e, "en"))
				fail_msg("%s: no French and English text in web/i18n.json", key);
		}
	/* and every error code has its text */
	for (int e = 1; e < PROTO_ERR__COUNT; e++) {
		snprintf(key, sizeof key, "err.%s", proto_error_name((proto_err)e));
		if (!json_object_get(cat, key))
			fail_msg("%s: no text in web/i18n.json", key);
	}
	json_decref(cat);
	free(text);
}

/* ===== The rebuild of a table ===== */

static long long count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long long n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* A database of the first schema, filled by its rules (votes, example
 * actions, replies pointing at contributions), goes through every
 * migration, the contribution table's rebuild included: every row stays,
 * no foreign key breaks, the new states are taken and others refused. */
static void the_rebuild_keeps_every_row_and_key(void **state)
{
	(void)state;
	struct scratch t;
	store *st = NULL;
	sqlite3 *db = NULL;
	char err[256];
	char *sql = source_file("tests/unit/data/attendance-v1.sql");
	static const char *const counts[] = {
		"SELECT COUNT(*) FROM contribution",
		"SELECT COUNT(*) FROM contribution WHERE parent_id IS NOT NULL",
		"SELECT COUNT(*) FROM vote",
		"SELECT COUNT(*) FROM request",
		"SELECT SUM(length(text)) + SUM(id * position) FROM contribution",
	};
	long long before[5];

	scratch_open(&t);
	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	for (int i = 0; i < 5; i++)
		before[i] = count(db, counts[i]);
	assert_true(before[0] > 0 && before[2] > 0);
	sqlite3_close(db);

	assert_int_equal(store_open(t.path, NULL, &st, err, sizeof err), STORE_OK);
	store_close(st);
	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	for (int i = 0; i < 5; i++)
		assert_int_equal(count(db, counts[i]), before[i]);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM pragma_foreign_key_check"), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM sqlite_master WHERE name IN"
	                           " ('contribution_board', 'contribution_parent',"
	                           " 'contribution_participant', 'contribution__new')"),
	                 3);
	assert_int_equal(sqlite3_exec(db, "UPDATE contribution SET state = 'merged' WHERE id = 1",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE contribution SET state = 'gone' WHERE id = 1",
	                              NULL, NULL, NULL),
	                 SQLITE_CONSTRAINT);
	sqlite3_close(db);
	free(sql);
	proc_rmtree(t.dir);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--print-protocol-js") == 0) {
		char *js = protocol_js();
		fputs(js, stdout);
		free(js);
		return 0;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(protocol_js_is_made_from_the_tables),
		cmocka_unit_test(sql_checks_list_the_tables_names),
		cmocka_unit_test(every_state_has_its_texts),
		cmocka_unit_test(the_rebuild_keeps_every_row_and_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
