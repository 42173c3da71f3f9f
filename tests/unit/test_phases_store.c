/*
 * test_phases_store.c — an activity's phases and timer in the store:
 * migration 11 (the activity and event tables rebuilt) keeps every row as
 * it was, and every activity its state and today's phases; a definition's
 * phases reach the store, and an import again changes them; a timer is
 * written and read back.
 *
 * Boundary: the production store (store_open) on a scratch file, read
 * back through store_domain.h and, for what the migration keeps, SQL.
 */
#include "unit_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"
#include "store_domain.h"

#include <sqlite3.h>

/* The number of the migration of the phases. */
#define PHASES_MIGRATION 11

/* Every row of the activities and of the log, as one text to compare. */
static void rows(const char *path, char *out, size_t len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	size_t n = 0;

	out[0] = '\0';
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT 'a' || id || seminar_id || slug || position || title"
	                                    " || question || template || state || vote_budget || animators"
	                                    " || IFNULL(archived, '-') FROM activity UNION ALL"
	                                    " SELECT 'e' || seminar_id || seq || IFNULL(activity_id, '-')"
	                                    " || IFNULL(key_id, '-') || kind || IFNULL(object_id, '-')"
	                                    " FROM event ORDER BY 1",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s\n", sqlite3_column_text(st, 0));
	assert_true(n < len);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void migration_keeps_every_activity_and_event(void **state)
{
	(void)state;
	char dir[512], path[600], err[256], code[32], before[8192], after[8192], version[64];
	store *st = NULL;
	long long sid, seq;
	store_activity a;
	json_t *d = fx_definition();
	sqlite3 *db = NULL;

	assert_int_equal(proc_mkdtemp(dir, sizeof dir), 0);
	snprintf(path, sizeof path, "%s/atelier.db", dir);
	assert_int_equal(store_open(path, NULL, &st, err, sizeof err), STORE_OK);
	assert_int_equal(fx_import_code(st, d, code, sizeof code, err, sizeof err), STORE_OK);
	assert_int_equal(store_seminar_find(st, code, &sid), STORE_OK);
	assert_int_equal(store_activity_find(st, sid, "axe-1", &a), STORE_OK);
	assert_int_equal(store_activity_set_state(st, a.id, VOCAB_VOTING), STORE_OK);
	assert_int_equal(store_event_add(st, sid, 0, 0, STORE_EVENT_ACTIVITY, a.id, &seq), STORE_OK);
	assert_int_equal(store_event_add(st, sid, a.id, 0, STORE_EVENT_CONTRIBUTION, 7, &seq),
	                 STORE_OK);
	store_close(st);
	json_decref(d);
	rows(path, before, sizeof before);

	/* Back before the migration: it runs again on these rows (and the
	 * screens' after it, its table gone again). */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(version, sizeof version, "DROP TABLE screen; PRAGMA user_version = %d",
	         PHASES_MIGRATION - 1);
	assert_int_equal(sqlite3_exec(db, version, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(path, NULL, &st, err, sizeof err), STORE_OK);
	assert_true(store_schema_version(st) >= PHASES_MIGRATION);
	assert_int_equal(store_activity_find(st, sid, "axe-1", &a), STORE_OK);
	assert_int_equal(a.state, VOCAB_VOTING);
	assert_int_equal(a.phases, vocab_usual_phases()); /* today's four */
	assert_int_equal(a.timer.duration, 0);            /* no timer */
	store_close(st);
	rows(path, after, sizeof after);
	assert_string_equal(after, before);

	/* The new states and the tally's events are the CHECKs' now. */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE activity SET state = 'blind_voting'", NULL, NULL, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE activity SET state = 'paused'", NULL, NULL, NULL),
	                 SQLITE_CONSTRAINT);
	sqlite3_close(db);
	proc_rmtree(dir);
}

static void a_definitions_phases_and_a_timer_are_kept(void **state)
{
	(void)state;
	fixture f;
	long long sid;
	store_activity a;
	json_t *d = fx_definition();

	fx_open(&f);
	assert_int_equal(store_seminar_find(f.st, f.code, &sid), STORE_OK);
	assert_int_equal(store_activity_find(f.st, sid, "orient", &a), STORE_OK);
	assert_int_equal(a.phases, vocab_usual_phases());

	json_object_set_new(fx_defn_activity(d, "orient"), "phases",
	                    json_pack("[s, s]", "writing", "results"));
	fx_import(&f, d);
	assert_int_equal(store_activity_find(f.st, sid, "orient", &a), STORE_OK);
	assert_int_equal(a.phases, VOCAB_PHASE(VOCAB_PREPARED) | VOCAB_PHASE(VOCAB_WRITING) |
	                               VOCAB_PHASE(VOCAB_RESULTS) | VOCAB_PHASE(VOCAB_CLOSED));
	/* the file without them again: the usual ones */
	json_object_del(fx_defn_activity(d, "orient"), "phases");
	fx_import(&f, d);
	assert_int_equal(store_activity_find(f.st, sid, "orient", &a), STORE_OK);
	assert_int_equal(a.phases, vocab_usual_phases());

	store_timer t = {120000, 45000, 0, 1};
	assert_int_equal(store_activity_set_timer(f.st, a.id, &t), STORE_OK);
	assert_int_equal(store_activity_find(f.st, sid, "orient", &a), STORE_OK);
	assert_int_equal(a.timer.duration, 120000);
	assert_int_equal(a.timer.left, 45000);
	assert_int_equal(a.timer.ends, 0);
	assert_int_equal(a.timer.advance, 1);
	json_decref(d);
	fx_close(&f);
}

/* The phases' names in the store's column, read and written. */
static void phases_are_read_and_written_by_name(void **state)
{
	(void)state;
	char out[128];
	unsigned set = VOCAB_PHASE(VOCAB_WRITING) | VOCAB_PHASE(VOCAB_BLIND_VOTING);

	assert_string_equal(vocab_phases_write(set, out, sizeof out), "writing blind_voting");
	assert_int_equal(vocab_phases_read("writing blind_voting"), set);
	assert_int_equal(vocab_phases_read("writing secret"), 0);
	assert_int_equal(vocab_phases_read(""), 0);
	assert_int_equal(vocab_phases_read(NULL), 0);
	assert_int_equal(vocab_phases_of(0), vocab_usual_phases());
	assert_int_equal(vocab_phases_of(set),
	                 set | VOCAB_PHASE(VOCAB_PREPARED) | VOCAB_PHASE(VOCAB_CLOSED));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migration_keeps_every_activity_and_event),
		cmocka_unit_test(a_definitions_phases_and_a_timer_are_kept),
		cmocka_unit_test(phases_are_read_and_written_by_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
