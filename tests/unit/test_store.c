/*
 * test_store.c — the store: opening and migrations (memory and file,
 * reopening, a newer or foreign file refused, a schema-1 file's
 * attendance recomputed by migration 2), transactions and
 * savepoints, import (codes, keys, re-import, updates, all or nothing,
 * archiving what a file no longer holds, template switches, unique
 * positions, the migration that brought them, the report of what changed,
 * passing over an unchanged definition),
 * the keys (found by their digest alone, whatever their kind; names
 * unique among the live keys of a scope; revocation; migration 9, which
 * named them), the facilitator key check and the synthesis document.
 */
#include "unit_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "export_view.h"
#include "proc.h"
#include "store_domain.h"
#include "snapshot.h"
#include "store_keys.h"

#include <sqlite3.h>

/* ===== Files ===== */

struct tmp {
	char dir[256];
	char path[300];
};

static void tmp_make(struct tmp *t)
{
	assert_int_equal(proc_mkdtemp(t->dir, sizeof t->dir), PROC_OK);
	snprintf(t->path, sizeof t->path, "%s/atelier.db", t->dir);
}

static void tmp_remove(struct tmp *t)
{
	proc_rmtree(t->dir);
}

/* Writes PRAGMA user_version directly into a closed database file: it is
 * the big-endian 32-bit integer at offset 60 of the header (SQLite file
 * format, "database header"). */
static void poke_user_version(const char *path, unsigned v)
{
	unsigned char b[4] = {v >> 24, v >> 16, v >> 8, v};
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, 60, SEEK_SET), 0);
	assert_int_equal(fwrite(b, 1, 4, f), 4);
	fclose(f);
}

static void count_seminar(void *ctx, const char *code, const char *title, const char *date,
                          const char *key)
{
	(void)code, (void)title, (void)date, (void)key;
	(*(int *)ctx)++;
}

static int seminars(store *st)
{
	int n = 0;
	assert_int_equal(store_list_seminars(st, count_seminar, &n), STORE_OK);
	return n;
}

static void keep_key(void *ctx, const char *code, const char *title, const char *date,
                     const char *key)
{
	(void)code, (void)title, (void)date;
	snprintf(ctx, 160, "%s", key);
}

/* ===== Opening and migrations ===== */

static void open_memory_runs_migrations(void **state)
{
	(void)state;
	store *st = NULL;
	char err[256];
	assert_int_equal(store_open(":memory:", NULL, &st, err, sizeof err), STORE_OK);
	assert_non_null(st);
	assert_true(store_schema_version(st) >= 1);
	assert_int_equal(seminars(st), 0);
	store_close(st);
	store_close(NULL); /* a no-op */
}

static void reopen_file_keeps_data(void **state)
{
	(void)state;
	struct tmp t;
	store *st = NULL;
	char err[256], code[32], code2[32];
	json_t *d = fx_definition();
	int version;

	tmp_make(&t);
	assert_int_equal(store_open(t.path, NULL, &st, err, sizeof err), STORE_OK);
	version = store_schema_version(st);
	assert_int_equal(fx_import_code(st, d, code, sizeof code, err, sizeof err), STORE_OK);
	store_close(st);

	assert_int_equal(store_open(t.path, NULL, &st, err, sizeof err), STORE_OK);
	assert_int_equal(store_schema_version(st), version);
	assert_int_equal(seminars(st), 1);
	assert_int_equal(fx_import_code(st, d, code2, sizeof code2, err, sizeof err), STORE_OK);
	assert_string_equal(code, code2); /* the same seminar, not a new one */
	assert_int_equal(seminars(st), 1);
	store_close(st);
	json_decref(d);
	tmp_remove(&t);
}

/* A cached snapshot is given again while nothing changed, and built anew
 * once another connection (an `atelier import` beside the server)
 * committed, though no sequence number moved: what it changed may show in
 * a snapshot. */
static void lists_follow_another_connection(void **state)
{
	(void)state;
	struct tmp t;
	store *a = NULL, *b = NULL;
	char err[256], code[32];
	long long sid = 0, seq0 = 0, seq1 = 0, v0 = 0, v1 = 0;
	json_t *d = fx_definition();
	snapshot_cache *c = snapshot_cache_new();
	snapshot *l1 = NULL, *l2 = NULL, *l3 = NULL;
	const view_who screen = {0, 0, 0};

	tmp_make(&t);
	assert_int_equal(store_open(t.path, NULL, &a, err, sizeof err), STORE_OK);
	assert_int_equal(fx_import_code(a, d, code, sizeof code, err, sizeof err), STORE_OK);
	assert_int_equal(store_seminar_find(a, code, &sid), STORE_OK);
	assert_int_equal(store_open(t.path, NULL, &b, err, sizeof err), STORE_OK);

	assert_int_equal(store_seminar_seq(a, sid, &seq0), STORE_OK);
	assert_int_equal(snapshot_get(c, a, &screen, sid, 0, seq0, &l1), STORE_OK);
	assert_int_equal(snapshot_get(c, a, &screen, sid, 0, seq0, &l2), STORE_OK);
	assert_ptr_equal(l1, l2);
	assert_int_equal(store_version(a, &v0), STORE_OK);

	json_object_set_new(d, "title", json_string("Séminaire d'essai, version 2"));
	assert_int_equal(fx_import_code(b, d, code, sizeof code, err, sizeof err), STORE_OK);
	assert_int_equal(store_seminar_seq(a, sid, &seq1), STORE_OK);
	assert_int_equal(seq1, seq0);
	assert_int_equal(store_version(a, &v1), STORE_OK);
	assert_int_not_equal(v1, v0);
	assert_int_equal(snapshot_get(c, a, &screen, sid, 0, seq1, &l3), STORE_OK);
	assert_ptr_not_equal(l3, l1);
	size_t len;
	assert_non_null(strstr(snapshot_text(l3, &len), "version 2"));

	snapshot_unref(l1);
	snapshot_unref(l2);
	snapshot_unref(l3);
	snapshot_cache_free(c);
	store_close(a);
	store_close(b);
	json_decref(d);
	tmp_remove(&t);
}

/* A database that cannot be read is never taken for a wrong key: the
 * facilitator must get a storage error, and no guess may be counted. */
static void key_check_tells_a_fault_from_a_wrong_key(void **state)
{
	(void)state;
	struct tmp t;
	store *st = NULL;
	sqlite3 *db = NULL;
	char err[256], code[32], key[160] = "";
	json_t *d = fx_definition();

	tmp_make(&t);
	assert_int_equal(store_open(t.path, NULL, &st, err, sizeof err), STORE_OK);
	assert_int_equal(fx_import_code(st, d, code, sizeof code, err, sizeof err), STORE_OK);
	assert_int_equal(store_list_seminars(st, keep_key, key), STORE_OK);
	assert_int_equal(store_check_key(st, code, key), 1);
	assert_int_equal(store_check_key(st, code, "0123456789abcdef0123456789abcdef"), 0);
	assert_int_equal(store_check_key(st, "NOPE99", key), 0);
	store_close(st);

	/* The table goes behind the store's back: the lookup fails. */
	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "ALTER TABLE seminar RENAME TO seminar_gone", NULL,
	                              NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(t.path, NULL, &st, err, sizeof err), STORE_OK);
	assert_true(store_check_key(st, code, key) < 0);
	store_close(st);
	json_decref(d);
	tmp_remove(&t);
}

static void newer_database_refused(void **state)
{
	(void)state;
	struct tmp t;
	store *st = NULL;
	char err[512];

	tmp_make(&t);
	assert_int_equal(store_open(t.path, NULL, &st, err, sizeof err), STORE_OK);
	store_close(st);
	poke_user_version(t.path, 999);
	assert_int_equal(store_open(t.path, NULL, &st, err, sizeof err), STORE_ERR);
	assert_null(st);
	assert_non_null(strstr(err, t.path));
	assert_non_null(strstr(err, "plus récente"));
	tmp_remove(&t);
}

static void foreign_file_refused(void **state)
{
	(void)state;
	struct tmp t;
	store *st = NULL;
	char err[512];
	FILE *f;

	tmp_make(&t);
	f = fopen(t.path, "wb");
	assert_non_null(f);
	for (int i = 0; i < 200; i++)
		fputs("Ceci n'est pas une base de données.\n", f);
	fclose(f);
	assert_int_equal(store_open(t.path, NULL, &st, err, sizeof err), STORE_ERR);
	assert_null(st);
	assert_non_null(strstr(err, t.path));
	assert_non_null(strstr(err, "n'est pas une base"));
	tmp_remove(&t);
}

static void keep_code(void *ctx, const char *code, const char *title, const char *date,
                      const char *key)
{
	(void)title, (void)date, (void)key;
	snprintf(ctx, 32, "%s", code);
}

/* The whole of tests/unit/data/<name>, malloc'd and NUL-terminated. */
static char *data_file(const char *name)
{
	const char *src = getenv("ATELIER_SOURCE_DIR");
	char path[512];
	size_t size = 0;

	snprintf(path, sizeof path, "%s/tests/unit/data/%s", src && *src ? src : ATELIER_SOURCE_DIR,
	         name);
	char *text = proc_slurp(path, &size);
	assert_non_null(text);
	assert_true(size > 0);
	return text;
}

/* The participants attending activity slug, as "1,2,3" (ids in order). */
static void attendees(sqlite3 *db, const char *slug, char *out, size_t len)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *ids;

	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT group_concat(participant_id) FROM"
	                                    " (SELECT t.participant_id FROM attendance t"
	                                    " JOIN activity a ON a.id = t.activity_id"
	                                    " WHERE a.slug = ? ORDER BY 1)",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	ids = sqlite3_column_text(st, 0);
	snprintf(out, len, "%s", ids ? (const char *)ids : "");
	sqlite3_finalize(st);
}

/* Migration 2 on a database that schema 1's rules filled
 * (tests/unit/data/attendance-v1.sql): of the seven phones counted in
 * the first activity because they sat on the list, only those who posted
 * or voted there still attend it, whether the post was deleted or the
 * vote taken back since; the other activity keeps its attendance; nothing
 * else changes. A reply that is not JSON does not stop the migration. */
/* A scratch database of the first schema (tests/unit/data/attendance-v1.sql),
 * plus a request whose reply is not JSON, which no server wrote; open. */
static sqlite3 *v1_database(struct tmp *t)
{
	sqlite3 *db = NULL;
	char *sql = data_file("attendance-v1.sql");

	tmp_make(t);
	assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "INSERT INTO request VALUES (6, 'x', 'pas du JSON')",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	free(sql);
	return db;
}

static void migration_2_recomputes_attendance(void **state)
{
	(void)state;
	struct tmp t;
	store *st = NULL;
	sqlite3 *db = NULL;
	char err[512], code[32] = "", who[64];
	json_t *doc = NULL, *axe, *orient;

	db = v1_database(&t);
	attendees(db, "axe-1", who, sizeof who);
	assert_string_equal(who, "1,2,3,4,5,6,7");
	sqlite3_close(db);

	assert_int_equal(store_open(t.path, NULL, &st, err, sizeof err), STORE_OK);
	assert_true(store_schema_version(st) >= 2);
	assert_int_equal(store_list_seminars(st, keep_code, code), STORE_OK);
	assert_int_equal(export_view_document(st, code, &doc), STORE_OK);
	axe = json_array_get(json_object_get(doc, "activities"), 0);
	orient = json_array_get(json_object_get(doc, "activities"), 1);
	assert_string_equal(json_string_value(json_object_get(axe, "id")), "axe-1");
	assert_int_equal(json_integer_value(json_object_get(axe, "participants")), 4);
	assert_int_equal(json_integer_value(json_object_get(axe, "contributions")), 1);
	assert_int_equal(json_integer_value(json_object_get(axe, "votes")), 1);
	assert_int_equal(json_integer_value(json_object_get(orient, "participants")), 2);
	assert_int_equal(json_integer_value(json_object_get(orient, "contributions")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "totals"),
	                                                    "participants")),
	                 7);
	json_decref(doc);
	store_close(st);

	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	attendees(db, "axe-1", who, sizeof who);
	assert_string_equal(who, "1,2,3,7");
	attendees(db, "orient", who, sizeof who);
	assert_string_equal(who, "4,5");
	sqlite3_close(db);
	tmp_remove(&t);
}

/* Migration 7: the logs of a database of the first schema keep what they
 * said. Each event gets its kind and object from its payload, which stays;
 * each request the contribution, votes left and actions of its reply; a
 * request whose reply is not JSON (no server wrote one) goes; the
 * sequence numbers go on from the log's last. */
static void migration_7_reads_the_logs_into_rows(void **state)
{
	(void)state;
	struct tmp t;
	store *st = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	char err[512], code[32] = "", token[64] = "";
	long long sid = 0, seq = 0, pid = 2;
	store_events *e = NULL;
	store_request req;
	int joined = 0;

	db = v1_database(&t);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT token FROM participant WHERE id = 2", -1, &q,
	                                    NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	snprintf(token, sizeof token, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	sqlite3_close(db);

	assert_int_equal(store_open(t.path, NULL, &st, err, sizeof err), STORE_OK);
	assert_int_equal(store_list_seminars(st, keep_code, code), STORE_OK);
	assert_int_equal(store_seminar_find(st, code, &sid), STORE_OK);
	assert_int_equal(store_seminar_seq(st, sid, &seq), STORE_OK);
	assert_int_equal(seq, 9);

	/* seq 1 and 2 opened axe-1 (id 1) and orient (id 2); 3 to 9 were
	 * about contributions 1, 1, 1, 2, 2, 3 and 1. */
	static const long long object[] = {1, 2, 1, 1, 1, 2, 2, 3, 1};
	assert_int_equal(store_events_since(st, sid, 0, 0, &e), STORE_OK);
	assert_int_equal(e->n, 9);
	for (size_t i = 0; i < e->n; i++) {
		assert_int_equal(e->items[i].seq, (long long)i + 1);
		assert_int_equal(e->items[i].kind, i < 2 ? STORE_EVENT_ACTIVITY : STORE_EVENT_CONTRIBUTION);
		assert_int_equal(e->items[i].object_id, object[i]);
		if (i >= 2) /* as the contribution is now */
			assert_int_equal(e->items[i].contribution->id, object[i]);
	}
	assert_int_equal(e->items[6].contribution->state, VOCAB_DELETED);
	store_events_free(e);

	/* Participant 2's vote "v2" left 2 votes; "u2", its unvote, 3. */
	assert_int_equal(store_request_find(st, sid, pid, token, "v2", &joined, &req), STORE_OK);
	assert_int_equal(joined, 1);
	assert_int_equal(req.contribution_id, 1);
	assert_int_equal(req.votes_left, 2);
	assert_int_equal(req.actions, 0);
	assert_int_equal(store_request_find(st, sid, pid, token, "u2", &joined, &req), STORE_OK);
	assert_int_equal(req.votes_left, 3);
	assert_int_equal(store_request_find(st, sid, pid, token, "p10", &joined, &req),
	                 STORE_NOT_FOUND); /* participant 1's id, not 2's */
	assert_int_equal(joined, 1);

	/* The next event follows the log; only the old ones have a payload. */
	assert_int_equal(store_tx_begin(st), STORE_OK);
	assert_int_equal(store_event_add(st, sid, 0, 0, STORE_EVENT_ACTIVITY, 1, &seq), STORE_OK);
	assert_int_equal(store_tx_commit(st), STORE_OK);
	assert_int_equal(seq, 10);
	store_close(st);
	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT COUNT(payload), COUNT(*),"
	                                    " (SELECT COUNT(*) FROM request) FROM event",
	                                    -1, &q, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 9);
	assert_int_equal(sqlite3_column_int(q, 1), 10);
	assert_int_equal(sqlite3_column_int(q, 2), 7); /* "pas du JSON" went */
	sqlite3_finalize(q);
	sqlite3_close(db);
	tmp_remove(&t);
}

static void missing_folder_refused(void **state)
{
	(void)state;
	store *st = NULL;
	char err[512];
	assert_true(store_open("/nonexistent-atelier-dir/a.db", NULL, &st, err, sizeof err) < 0);
	assert_null(st);
	assert_non_null(strstr(err, "/nonexistent-atelier-dir/a.db"));
}

static void readonly_file_refused(void **state)
{
	(void)state;
	struct tmp t;
	store *st = NULL;
	char err[512];

	if (geteuid() == 0)
		skip(); /* root writes read-only files anyway */
	tmp_make(&t);
	assert_int_equal(store_open(t.path, NULL, &st, err, sizeof err), STORE_OK);
	store_close(st);
	assert_int_equal(chmod(t.path, 0444), 0);
	assert_int_equal(chmod(t.dir, 0555), 0);
	assert_int_equal(store_open(t.path, NULL, &st, err, sizeof err), STORE_READONLY);
	assert_non_null(strstr(err, t.path));
	chmod(t.dir, 0755);
	tmp_remove(&t);
}

/* ===== Transactions ===== */

static void savepoint_rollback_undoes_one_message(void **state)
{
	(void)state;
	fixture f;
	long long sid, p1, p2, found;
	char token1[STORE_TOKEN_SIZE], token2[STORE_TOKEN_SIZE];

	fx_open(&f);
	assert_int_equal(store_seminar_find(f.st, f.code, &sid), STORE_OK);
	assert_int_equal(store_tx_active(f.st), 0);
	assert_int_equal(store_tx_begin(f.st), STORE_OK);
	assert_int_equal(store_tx_begin(f.st), STORE_OK); /* already open: no-op */
	assert_int_equal(store_tx_active(f.st), 1);

	assert_int_equal(store_savepoint(f.st), STORE_OK);
	assert_int_equal(store_participant_create(f.st, sid, token1, sizeof token1, &p1), 0);
	assert_int_equal(store_savepoint_release(f.st), STORE_OK);

	assert_int_equal(store_savepoint(f.st), STORE_OK);
	assert_int_equal(store_participant_create(f.st, sid, token2, sizeof token2, &p2), 0);
	store_savepoint_rollback(f.st);

	assert_int_equal(store_tx_commit(f.st), STORE_OK);
	assert_int_equal(store_tx_active(f.st), 0);
	assert_int_equal(store_participant_find(f.st, sid, token1, &found), STORE_OK);
	assert_int_equal(found, p1);
	assert_int_equal(store_participant_find(f.st, sid, token2, &found), STORE_NOT_FOUND);
	assert_int_equal(strlen(token1), 32);
	assert_string_not_equal(token1, token2);

	assert_int_equal(store_tx_begin(f.st), STORE_OK);
	assert_int_equal(store_participant_create(f.st, sid, token2, sizeof token2, &p2), 0);
	store_tx_rollback(f.st);
	assert_int_equal(store_participant_find(f.st, sid, token2, &found), STORE_NOT_FOUND);
	assert_int_equal(store_tx_commit(f.st), STORE_OK); /* none open: no-op */
	fx_close(&f);
}

/* ===== Import ===== */

static void import_generates_code_and_key(void **state)
{
	(void)state;
	fixture f;
	char wrong[160];

	fx_open(&f);
	assert_int_equal(strlen(f.code), 6);
	assert_int_equal(strspn(f.code, "ABCDEFGHJKMNPQRSTUVWXYZ23456789"), 6);
	assert_true(strlen(f.key) >= 32);
	assert_int_equal(strspn(f.key, "0123456789abcdef"), strlen(f.key));
	assert_int_equal(store_check_key(f.st, f.code, f.key), 1);
	snprintf(wrong, sizeof wrong, "%s", f.key);
	wrong[5] = wrong[5] == 'a' ? 'b' : 'a';
	assert_int_equal(store_check_key(f.st, f.code, wrong), 0);
	wrong[strlen(wrong) - 1] = '\0';
	assert_int_equal(store_check_key(f.st, f.code, wrong), 0);
	assert_int_equal(store_check_key(f.st, f.code, ""), 0);
	assert_int_equal(store_check_key(f.st, "NOPE99", f.key), 0);
	fx_close(&f);
}

/* The dump without its "generated" time, as text, for comparisons. */
static char *dump_text(store *st, const char *code)
{
	json_t *doc = NULL;
	char *text;
	assert_int_equal(export_view_document(st, code, &doc), STORE_OK);
	json_object_del(doc, "generated");
	text = json_dumps(doc, JSON_SORT_KEYS);
	json_decref(doc);
	return text;
}

static void import_twice_changes_nothing(void **state)
{
	(void)state;
	fixture f;
	seminar_session *ss = seminar_session_new();
	char token[64], code[32], err[256];
	json_t *d = fx_definition();
	char *before, *after;

	fx_open(&f);
	fx_join(&f, ss, token, sizeof token);
	fx_state(&f, "axe-1", "open");
	fx_post(&f, ss, "axe-1", "inventer", "Un conseil des jeunes");
	before = dump_text(f.st, f.code);
	assert_int_equal(fx_import_code(f.st, d, code, sizeof code, err, sizeof err), STORE_OK);
	assert_string_equal(code, f.code);
	after = dump_text(f.st, f.code);
	assert_string_equal(before, after);
	assert_int_equal(seminars(f.st), 1);
	assert_int_equal(store_check_key(f.st, f.code, f.key), 1); /* key kept */
	free(before);
	free(after);
	json_decref(d);
	seminar_session_free(ss);
	fx_close(&f);
}

static void import_update_adds_and_keeps(void **state)
{
	(void)state;
	fixture f;
	seminar_session *ss = seminar_session_new();
	char token[64], code[32], err[256];
	json_t *d = fx_definition(), *doc = NULL, *acts, *a1, *boards;

	fx_open(&f);
	fx_join(&f, ss, token, sizeof token);
	fx_state(&f, "axe-1", "open");
	fx_post(&f, ss, "axe-1", "maintenir", "Les cafés des parents");

	json_object_set_new(d, "title", json_string("Séminaire d'essai, version 2"));
	acts = json_object_get(d, "activities");
	a1 = json_array_get(acts, 0);
	json_object_set_new(a1, "question", json_string("Nouvelle question"));
	json_array_append_new(json_object_get(a1, "boards"),
	                      json_pack("{s:s, s:s, s:s, s:s}", "id", "questions", "title",
	                                "Questions", "prompt", "Vos questions", "kind", "notes"));
	json_array_insert_new(acts, 0,
	                      json_pack("{s:s, s:s, s:s, s:s, s:[], s:i, s:[{s:s, s:s, s:s, s:s}]}",
	                                "id", "accueil", "title", "Accueil", "question", "",
	                                "template", "open", "animators", "vote_budget", 0,
	                                "boards", "id", "salle", "title", "La salle", "prompt",
	                                "Questions à la salle", "kind", "notes"));
	assert_int_equal(fx_import_code(f.st, d, code, sizeof code, err, sizeof err), STORE_OK);
	assert_string_equal(code, f.code);

	assert_int_equal(export_view_document(f.st, f.code, &doc), STORE_OK);
	assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "seminar"),
	                                                      "title")),
	                    "Séminaire d'essai, version 2");
	acts = json_object_get(doc, "activities");
	assert_int_equal(json_array_size(acts), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(acts, 0), "id")),
	                    "accueil");
	a1 = json_array_get(acts, 1);
	assert_string_equal(json_string_value(json_object_get(a1, "question")),
	                    "Nouvelle question");
	assert_string_equal(json_string_value(json_object_get(a1, "state")), "open");
	boards = json_object_get(a1, "boards");
	assert_int_equal(json_array_size(boards), 4);
	assert_int_equal(json_array_size(json_object_get(json_array_get(boards, 1),
	                                                 "contributions")),
	                 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "totals"),
	                                                    "contributions")),
	                 1);
	json_decref(doc);
	json_decref(d);
	seminar_session_free(ss);
	fx_close(&f);
}

static void import_is_all_or_nothing(void **state)
{
	(void)state;
	store *st = NULL;
	char err[512], code[32];
	long long sid;
	json_t *d = fx_definition();

	assert_int_equal(store_open(":memory:", NULL, &st, err, sizeof err), STORE_OK);
	/* The last board breaks a constraint after the rest was written. */
	json_object_set_new(json_array_get(json_object_get(json_array_get(
	                                                       json_object_get(d, "activities"), 1),
	                                                   "boards"),
	                                   0),
	                    "kind", json_string("bogus"));
	assert_true(fx_import_code(st, d, code, sizeof code, err, sizeof err) < 0);
	assert_non_null(strstr(err, "essai-2022"));
	assert_int_equal(seminars(st), 0);
	assert_int_equal(store_tx_active(st), 0);

	/* Inside the caller's transaction, only the import is undone. */
	json_t *good = fx_definition();
	json_object_set_new(good, "id", json_string("autre"));
	json_object_set_new(good, "code", json_string("AUTRE2"));
	assert_int_equal(store_tx_begin(st), STORE_OK);
	assert_int_equal(fx_import_code(st, good, code, sizeof code, err, sizeof err), STORE_OK);
	assert_string_equal(code, "AUTRE2");
	assert_true(fx_import_code(st, d, code, sizeof code, err, sizeof err) < 0);
	assert_int_equal(store_tx_commit(st), STORE_OK);
	assert_int_equal(seminars(st), 1);
	assert_int_equal(store_seminar_find(st, "AUTRE2", &sid), STORE_OK);
	json_decref(good);
	json_decref(d);
	store_close(st);
}

static void import_code_from_definition_must_be_free(void **state)
{
	(void)state;
	fixture f;
	char err[512], code[32];
	json_t *d = fx_definition();

	fx_open(&f);
	json_object_set_new(d, "id", json_string("autre-seminaire"));
	json_object_set_new(d, "code", json_string(f.code));
	assert_true(fx_import_code(f.st, d, code, sizeof code, err, sizeof err) < 0);
	assert_non_null(strstr(err, f.code));
	assert_int_equal(seminars(f.st), 1);
	json_object_set_new(d, "code", json_string("RBX22"));
	assert_int_equal(fx_import_code(f.st, d, code, sizeof code, err, sizeof err), STORE_OK);
	assert_string_equal(code, "RBX22");
	assert_int_equal(seminars(f.st), 2);
	json_decref(d);
	fx_close(&f);
}

/* ===== Import: archiving and positions ===== */

/* The programme as the synthesis gives it: each activity's id and, in
 * brackets, its boards' ids ("axe-1[abandonner maintenir] orient[...]"),
 * into out; the dump itself into *doc when doc is not NULL. */
static const char *programme(store *st, const char *code, char *out, size_t len,
                             json_t **doc)
{
	json_t *d = NULL, *a, *b;
	size_t i, j, n = 0;

	assert_int_equal(export_view_document(st, code, &d), STORE_OK);
	out[0] = '\0';
	json_array_foreach(json_object_get(d, "activities"), i, a) {
		n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%s[", i ? " " : "",
		                      json_string_value(json_object_get(a, "id")));
		json_array_foreach(json_object_get(a, "boards"), j, b)
			n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s%s", j ? " " : "",
			                      json_string_value(json_object_get(b, "id")));
		n += (size_t)snprintf(out + n, n < len ? len - n : 0, "]");
	}
	if (doc)
		*doc = d;
	else
		json_decref(d);
	return out;
}

static long long total_contributions(json_t *doc)
{
	return json_integer_value(json_object_get(json_object_get(doc, "totals"),
	                                          "contributions"));
}

/* An activity that leaves the file leaves the programme (the synthesis
 * too) with its contributions, which stay in the database; its slug back
 * in the file brings it back with them. */
static void import_archives_what_the_file_no_longer_holds(void **state)
{
	(void)state;
	fixture f;
	seminar_session *ss = seminar_session_new();
	char token[64], prog[256];
	json_t *d = fx_definition(), *doc = NULL;
	store_activity a;
	store_contribution sc;
	long long id;

	fx_open(&f);
	fx_join(&f, ss, token, sizeof token);
	fx_state(&f, "axe-1", "open");
	id = fx_post(&f, ss, "axe-1", "inventer", "Un conseil des jeunes");

	json_array_remove(json_object_get(d, "activities"), 0);
	fx_import(&f, d);
	assert_string_equal(programme(f.st, f.code, prog, sizeof prog, &doc),
	                    "orient[orientations]");
	assert_int_equal(total_contributions(doc), 0);
	json_decref(doc);
	long long sid = 0;
	assert_int_equal(store_seminar_find(f.st, f.code, &sid), STORE_OK);
	assert_int_equal(store_activity_find(f.st, sid, "axe-1", &a), STORE_OK);
	assert_int_equal(a.archived, 1);
	assert_string_equal(vocab_activity(a.state)->name, "open"); /* its state is kept too */
	assert_int_equal(store_contribution_get(f.st, id, &sc), STORE_OK);
	assert_int_equal(sc.archived, 1);
	store_contributions *kept = NULL;
	assert_int_equal(store_contribution_read(f.st, id, 0, &kept), STORE_OK);
	assert_string_equal(kept->items[0].text, "Un conseil des jeunes");
	store_contributions_free(kept);

	json_decref(d);
	d = fx_definition();
	fx_import(&f, d);
	assert_string_equal(programme(f.st, f.code, prog, sizeof prog, &doc),
	                    "axe-1[abandonner maintenir inventer] orient[orientations]");
	assert_int_equal(total_contributions(doc), 1);
	json_decref(doc);
	assert_int_equal(store_activity_find(f.st, sid, "axe-1", &a), STORE_OK);
	assert_int_equal(a.archived, 0);
	json_decref(d);
	seminar_session_free(ss);
	fx_close(&f);
}

/* The seminar as the live path reads it (store_seminar_get): its
 * programme's activities in order with their animators in theirs and
 * their boards in theirs; archived ones out; one activity alone, archived
 * or not. */
static void seminar_info_is_the_programme_in_order(void **state)
{
	(void)state;
	fixture f;
	json_t *d = fx_definition();
	json_t *orient = fx_defn_activity(d, "orient");
	store_seminar_info *si = NULL;
	long long sid = 0, archived_id = 0;
	store_activity a;

	json_object_set_new(orient, "animators",
	                    json_pack("[s, s, s]", "chef de file Éducation nationale",
	                              "coordinatrice", "délégué du préfet"));
	fx_open(&f);
	fx_import(&f, d);
	assert_int_equal(store_seminar_find(f.st, f.code, &sid), STORE_OK);
	assert_int_equal(store_seminar_get(f.st, sid, 0, &si), STORE_OK);
	assert_string_equal(si->code, f.code);
	assert_string_equal(si->date, "2022-10-11");
	assert_int_equal(si->nactivities, 2);
	assert_string_equal(si->activities[0].slug, "axe-1");
	assert_int_equal(si->activities[0].vote_budget, 3);
	assert_int_equal(si->activities[0].nboards, 3);
	assert_string_equal(si->activities[0].boards[2].slug, "inventer");
	assert_int_equal(si->activities[0].nanimators, 1);
	assert_string_equal(si->activities[1].slug, "orient");
	assert_int_equal(si->activities[1].boards[0].kind, VOCAB_ORIENTATIONS);
	assert_int_equal(si->activities[1].nanimators, 3);
	assert_string_equal(si->activities[1].animators[0], "chef de file Éducation nationale");
	assert_string_equal(si->activities[1].animators[1], "coordinatrice");
	assert_string_equal(si->activities[1].animators[2], "délégué du préfet");
	store_seminar_info_free(si);

	/* axe-1 leaves the programme: out of the seminar, still there alone */
	assert_int_equal(store_activity_find(f.st, sid, "axe-1", &a), STORE_OK);
	archived_id = a.id;
	json_array_remove(json_object_get(d, "activities"), 0);
	fx_import(&f, d);
	assert_int_equal(store_seminar_get(f.st, sid, 0, &si), STORE_OK);
	assert_int_equal(si->nactivities, 1);
	assert_string_equal(si->activities[0].slug, "orient");
	store_seminar_info_free(si);
	assert_int_equal(store_seminar_get(f.st, sid, archived_id, &si), STORE_OK);
	assert_int_equal(si->nactivities, 1);
	assert_string_equal(si->activities[0].slug, "axe-1");
	store_seminar_info_free(si);
	assert_int_equal(store_seminar_get(f.st, 999, 0, &si), STORE_NOT_FOUND);
	assert_null(si);
	json_decref(d);
	fx_close(&f);
}

/* A custom activity switched to the "ami" template (and back) has the
 * new template's boards only; the boards it had go out of the programme
 * with their contributions. */
static void import_template_switch_replaces_the_boards(void **state)
{
	(void)state;
	fixture f;
	seminar_session *ss = seminar_session_new();
	char token[64], prog[256];
	json_t *ami = fx_definition(), *custom = fx_definition(), *doc = NULL;
	json_t *a1 = fx_defn_activity(custom, "axe-1");

	json_object_set_new(a1, "template", json_string("custom"));
	json_object_set_new(a1, "boards",
	                    json_pack("[{s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}]", "id",
	                              "constats", "title", "Regard sur l'existant", "prompt", "",
	                              "kind", "notes", "id", "pistes", "title",
	                              "Perspectives d'action", "prompt", "", "kind", "notes"));
	fx_open(&f);
	fx_join(&f, ss, token, sizeof token);
	fx_state(&f, "axe-1", "open");
	fx_post(&f, ss, "axe-1", "inventer", "Une idée sous « ami »");

	fx_import(&f, custom);
	assert_string_equal(programme(f.st, f.code, prog, sizeof prog, &doc),
	                    "axe-1[constats pistes] orient[orientations]");
	assert_int_equal(total_contributions(doc), 0);
	json_decref(doc);
	fx_post(&f, ss, "axe-1", "constats", "Un constat");
	fx_post(&f, ss, "axe-1", "pistes", "Une piste");

	fx_import(&f, ami);
	assert_string_equal(programme(f.st, f.code, prog, sizeof prog, &doc),
	                    "axe-1[abandonner maintenir inventer] orient[orientations]");
	assert_int_equal(total_contributions(doc), 1); /* the one posted under "ami" */
	json_decref(doc);
	json_decref(ami);
	json_decref(custom);
	seminar_session_free(ss);
	fx_close(&f);
}

/* Pairs of activities of a seminar (or boards of an activity) in the
 * programme that share a position, read beside the store. */
static long long shared_positions(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long long n = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM activity"
	                                    " WHERE archived IS NULL GROUP BY seminar_id, position"
	                                    " HAVING COUNT(*) > 1)) + (SELECT COUNT(*) FROM"
	                                    " (SELECT 1 FROM board WHERE archived IS NULL"
	                                    " GROUP BY activity_id, position HAVING COUNT(*) > 1))",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* A definition of the fixture's seminar whose activities are these ids,
 * in this order: the fixture's own, or an "open" one made up. */
static json_t *with_activities(const char *const *ids, size_t n)
{
	json_t *d = fx_definition(), *acts = json_array();

	for (size_t i = 0; i < n; i++) {
		json_t *a = fx_defn_activity(d, ids[i]);
		json_array_append_new(
			acts, a ? json_incref(a)
			        : json_pack("{s:s, s:s, s:s, s:s, s:[], s:i, s:[{s:s, s:s, s:s, s:s}]}",
			                    "id", ids[i], "title", ids[i], "question", "", "template",
			                    "open", "animators", "vote_budget", 0, "boards", "id",
			                    "salle", "title", "La salle", "prompt", "", "kind",
			                    "notes"));
	}
	json_object_set_new(d, "activities", acts);
	return d;
}

/* Removing, adding, moving and bringing back activities: after each
 * import the programme is the file's, in its order, and no two
 * activities share a position; the database refuses two at one. */
static void import_positions_stay_unique(void **state)
{
	(void)state;
	static const char *const steps[][4] = {
		{"orient", "accueil"},             /* axe-1 removed, one added */
		{"axe-1", "orient", "accueil"},    /* axe-1 back, first */
		{"accueil", "orient", "axe-1"},    /* reversed */
		{"orient", "cloture", "axe-1"},    /* one removed, one added between */
	};
	static const char *const want[] = {
		"orient[orientations] accueil[salle]",
		"axe-1[abandonner maintenir inventer] orient[orientations] accueil[salle]",
		"accueil[salle] orient[orientations] axe-1[abandonner maintenir inventer]",
		"orient[orientations] cloture[salle] axe-1[abandonner maintenir inventer]",
	};
	struct tmp t;
	fixture f = {0};
	char err[256], prog[256];
	json_t *d = fx_definition();
	sqlite3 *db = NULL;

	tmp_make(&t);
	assert_int_equal(store_open(t.path, NULL, &f.st, err, sizeof err), STORE_OK);
	assert_int_equal(fx_import_code(f.st, d, f.code, sizeof f.code, err, sizeof err), STORE_OK);
	json_decref(d);
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		size_t n = 0;
		while (n < 4 && steps[i][n])
			n++;
		d = with_activities(steps[i], n);
		fx_import(&f, d);
		json_decref(d);
		assert_string_equal(programme(f.st, f.code, prog, sizeof prog, NULL), want[i]);
		assert_int_equal(shared_positions(t.path), 0);
	}
	store_close(f.st);

	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE activity SET position = 0", NULL, NULL, NULL),
	                 SQLITE_CONSTRAINT);
	sqlite3_close(db);
	tmp_remove(&t);
}

/* The kinds of key, each with its scope: a facilitator of the seminar
 * or of one activity, the organiser (the server), the steering
 * committee. */
static const struct kind_case {
	const char *what;
	store_key_kind kind;
	int seminar, activity; /* 1: the key has one */
} kinds[] = {
	{"facilitator of the seminar", STORE_KEY_FACILITATOR, 1, 0},
	{"facilitator of one activity", STORE_KEY_FACILITATOR, 1, 1},
	{"organiser", STORE_KEY_ORGANISER, 0, 0},
	{"validation", STORE_KEY_VALIDATION, 1, 0},
};

/* A key is kept as its standard SHA-256 and looked up by it alone, for
 * every kind of key: a row written beside the store with the digest of
 * "abc" given in FIPS 180-2 is found by the text "abc" with its kind and
 * scope, and by nothing else (a prefix, a longer text, one character
 * changed, the empty text); once revoked, not even by "abc". The lookup
 * is one statement whatever the text, and the digests are compared by
 * same_digest() whose time does not depend on where they differ: what
 * constant time means here, since no test may time it. */
static void every_kind_of_key_is_found_by_its_digest_alone(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		const struct kind_case *c = &kinds[i];
		struct tmp t;
		store *st = NULL;
		store_key k;
		char err[256], code[32], sql[512];
		long long sid = 0, aid = 0;
		sqlite3 *db = NULL;
		json_t *d = fx_definition();

		tmp_make(&t);
		assert_int_equal(store_open(t.path, NULL, &st, err, sizeof err), STORE_OK);
		assert_int_equal(fx_import_code(st, d, code, sizeof code, err, sizeof err), STORE_OK);
		assert_int_equal(store_seminar_find(st, code, &sid), STORE_OK);
		store_close(st);
		json_decref(d);
		assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
		snprintf(sql, sizeof sql,
		         "INSERT INTO key (kind, seminar_id, activity_id, name, hash, created)"
		         " VALUES ('%s', %s, %s, 'abc',"
		         " X'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',"
		         " '2026-12-07T00:00:00Z')",
		         store_key_kind_name(c->kind), c->seminar ? "(SELECT id FROM seminar)" : "NULL",
		         c->activity ? "(SELECT MIN(id) FROM activity)" : "NULL");
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);

		assert_int_equal(store_open(t.path, NULL, &st, err, sizeof err), STORE_OK);
		if (c->activity) {
			store_activity a;
			assert_int_equal(store_activity_find(st, sid, "axe-1", &a), STORE_OK);
			aid = a.id;
		}
		assert_int_equal(store_key_find(st, "abc", &k), STORE_OK);
		if (k.kind != c->kind || k.seminar_id != (c->seminar ? sid : 0) ||
		    k.activity_id != aid)
			fail_msg("%s: found as another kind or scope", c->what);
		static const char *const others[] = {"abd", "ab", "abcd", "Abc", "", " abc"};
		for (size_t o = 0; o < sizeof others / sizeof others[0]; o++)
			if (store_key_find(st, others[o], &k) != STORE_NOT_FOUND)
				fail_msg("%s: found by \"%s\"", c->what, others[o]);
		assert_int_equal(store_key_find(st, NULL, &k), STORE_NOT_FOUND);
		assert_int_equal(store_key_revoke(st, c->kind, c->seminar ? sid : 0, "abc", NULL),
		                 STORE_OK);
		if (store_key_find(st, "abc", &k) != STORE_NOT_FOUND)
			fail_msg("%s: a revoked key is still found", c->what);
		store_close(st);
		tmp_remove(&t);
	}
}

/* Collects store_key_list's rows as "name:live" or "name:revoked". */
static void list_row(void *ctx, const store_key_row *row)
{
	char *out = ctx;
	size_t n = strlen(out);
	assert_non_null(row->created);
	snprintf(out + n, 512 - n, "%s%s:%s", n ? " " : "", row->name,
	         row->revoked ? "revoked" : "live");
}

/* A key's name is unique among the live keys of its scope (a seminar for
 * its facilitators' and validation keys, the server for organisers'), a
 * revoked key frees its name and stays listed, a key's text is never
 * listed, and the name of the key that acted is found from its id. */
static void key_names_are_unique_among_live_keys_of_a_scope(void **state)
{
	(void)state;
	fixture f;
	char key[STORE_KEY_SIZE], again[STORE_KEY_SIZE], list[512] = "", name[64];
	long long sid = 0, first = 0, second = 0, all = -1, live = -1;
	store_key k;

	fx_open(&f);
	assert_int_equal(store_seminar_find(f.st, f.code, &sid), STORE_OK);
	assert_int_equal(store_key_create(f.st, STORE_KEY_ORGANISER, 0, 0, "Coordinatrice", key,
	                                  sizeof key, &first),
	                 STORE_OK);
	assert_int_equal(store_key_create(f.st, STORE_KEY_ORGANISER, 0, 0, "Coordinatrice",
	                                  again, sizeof again, NULL),
	                 STORE_KEY_NAME_TAKEN);
	/* another scope: the seminar's */
	assert_int_equal(store_key_create(f.st, STORE_KEY_FACILITATOR, sid, 0, "Coordinatrice",
	                                  again, sizeof again, NULL),
	                 STORE_OK);
	assert_int_equal(store_key_create(f.st, STORE_KEY_VALIDATION, sid, 0, "Coordinatrice",
	                                  again, sizeof again, NULL),
	                 STORE_KEY_NAME_TAKEN);
	assert_int_equal(store_key_create(f.st, STORE_KEY_FACILITATOR, sid, 0,
	                                  STORE_KEY_NAME_FACILITATOR, again, sizeof again, NULL),
	                 STORE_KEY_NAME_TAKEN); /* the key the import made */
	assert_int_equal(store_key_create(f.st, STORE_KEY_ORGANISER, 0, 0, "", again, sizeof again,
	                                  NULL),
	                 STORE_ERR);
	assert_int_equal(store_key_create(f.st, STORE_KEY_ORGANISER, 0, 0, NULL, again,
	                                  sizeof again, NULL),
	                 STORE_ERR);

	assert_int_equal(store_key_revoke(f.st, STORE_KEY_ORGANISER, 0, "Coordinatrice", NULL),
	                 STORE_OK);
	assert_int_equal(store_key_find(f.st, key, &k), STORE_NOT_FOUND);
	assert_int_equal(store_key_revoke(f.st, STORE_KEY_ORGANISER, 0, "Coordinatrice", NULL),
	                 STORE_NOT_FOUND);
	assert_int_equal(store_key_revoke(f.st, STORE_KEY_ORGANISER, 0, "personne", NULL),
	                 STORE_NOT_FOUND);
	assert_int_equal(store_key_create(f.st, STORE_KEY_ORGANISER, 0, 0, "Coordinatrice",
	                                  again, sizeof again, &second),
	                 STORE_OK);
	assert_int_equal(store_key_find(f.st, again, &k), STORE_OK);
	assert_int_equal(k.id, second);
	assert_int_equal(k.kind, STORE_KEY_ORGANISER);

	assert_int_equal(store_key_list(f.st, STORE_KEY_ORGANISER, 0, list_row, list), STORE_OK);
	assert_string_equal(list, "Coordinatrice:revoked Coordinatrice:live");
	assert_null(strstr(list, key));
	list[0] = '\0';
	assert_int_equal(store_key_list(f.st, STORE_KEY_FACILITATOR, sid, list_row, list),
	                 STORE_OK);
	assert_string_equal(list, "animation:live Coordinatrice:live");
	assert_int_equal(store_key_count(f.st, STORE_KEY_ORGANISER, &all, &live), STORE_OK);
	assert_int_equal(all, 2);
	assert_int_equal(live, 1);
	assert_int_equal(store_key_name(f.st, first, name, sizeof name), STORE_OK);
	assert_string_equal(name, "Coordinatrice");
	assert_int_equal(store_key_name(f.st, 999999, name, sizeof name), STORE_NOT_FOUND);
	fx_close(&f);
}

/* Collects "name" or "name (revoked)" of every key row, in id order. */
static void key_names(const char *path, char *out, size_t len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	size_t n = 0;

	out[0] = '\0';
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT name, revoked IS NOT NULL FROM key ORDER BY id",
	                                    -1, &q, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW)
		n += (size_t)snprintf(out + n, len - n, "%s%s%s", n ? "|" : "",
		                      (const char *)sqlite3_column_text(q, 0),
		                      sqlite3_column_int(q, 1) ? " (revoked)" : "");
	sqlite3_finalize(q);
	sqlite3_close(db);
}

/* The keys' digests and dates, in id order, to see that a migration
 * keeps them. */
static void key_digests(const char *path, char *out, size_t len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT group_concat(hex(hash) || kind ||"
	                                    " IFNULL(seminar_id, '-') || IFNULL(activity_id, '-') ||"
	                                    " created || IFNULL(revoked, '-'), ',') FROM"
	                                    " (SELECT * FROM key ORDER BY id)",
	                                    -1, &q, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	snprintf(out, len, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	sqlite3_close(db);
}

/* The number of the migration that named the keys (store_schema.c): a
 * migration merged before it moves it. */
#define KEY_NAMES_MIGRATION 9

/* Takes a database of the latest schema back to schema 9: what migration
 * 10 (the audit trail, a contribution's original words) added goes (its
 * CHECK with 'removed' stays: no row holds it, and migration 10 rebuilds
 * the table again). */
#define UNDO_MIGRATION_10 "DROP TABLE audit; ALTER TABLE contribution DROP COLUMN original;"

/* What the screens' migration (12) added, taken away again by the tests
 * that bring a database back to an older schema. */
#define UNDO_SCREENS                                                      \
	"DROP TABLE screen; ALTER TABLE activity DROP COLUMN slot_start;"   \
	"ALTER TABLE activity DROP COLUMN slot_end;"

/* Migration 9 on the keys a database of schema 8 may hold: the
 * seminar's first key, others without a name or with a name met twice
 * in their scope, a revoked one. Every key gets a name, unique among the
 * live keys of its scope; a revoked key keeps its name; no row, digest,
 * kind, scope or date changes; the unique index then holds. */
static void migration_9_names_every_key(void **state)
{
	(void)state;
	struct tmp t;
	store *st = NULL;
	sqlite3 *db = NULL;
	char err[256], code[32], names[1024], before[4096], after[4096], version[64];
	json_t *d = fx_definition();

	snprintf(version, sizeof version, "PRAGMA user_version = %d", KEY_NAMES_MIGRATION - 1);
	tmp_make(&t);
	assert_int_equal(store_open(t.path, NULL, &st, err, sizeof err), STORE_OK);
	assert_int_equal(fx_import_code(st, d, code, sizeof code, err, sizeof err), STORE_OK);
	store_close(st);
	json_decref(d);

	/* Back to schema 8: no index, the names that version gave (none). */
	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, UNDO_MIGRATION_10, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              UNDO_SCREENS
	                              "DROP INDEX key_name; UPDATE key SET name = '';"
	                              "INSERT INTO key (kind, seminar_id, activity_id, name, hash,"
	                              " created, revoked) VALUES"
	                              " ('facilitator', 1, NULL, '', X'01', '2026-01-01T00:00:00Z', NULL),"
	                              " ('facilitator', 1, (SELECT MIN(id) FROM activity), '', X'02',"
	                              "  '2026-01-02T00:00:00Z', NULL),"
	                              " ('organiser', NULL, NULL, '', X'03', '2026-01-03T00:00:00Z', NULL),"
	                              " ('organiser', NULL, NULL, '', X'04', '2026-01-04T00:00:00Z', NULL),"
	                              " ('validation', 1, NULL, '', X'05', '2026-01-05T00:00:00Z', NULL),"
	                              " ('validation', 1, NULL, 'copil', X'06', '2026-01-06T00:00:00Z',"
	                              "  '2026-02-01T00:00:00Z'),"
	                              " ('validation', 1, NULL, 'copil', X'07', '2026-01-07T00:00:00Z', NULL),"
	                              " ('facilitator', 1, NULL, 'copil', X'08', '2026-01-08T00:00:00Z', NULL),"
	                              " ('organiser', NULL, NULL, 'copil', X'09', '2026-01-09T00:00:00Z', NULL);",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, version, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	key_digests(t.path, before, sizeof before);

	assert_int_equal(store_open(t.path, NULL, &st, err, sizeof err), STORE_OK);
	assert_true(store_schema_version(st) >= KEY_NAMES_MIGRATION);
	store_close(st);
	key_names(t.path, names, sizeof names);
	assert_string_equal(names, "animation|animation (2)|animation axe-1|organisateur|"
	                           "organisateur (2)|validation|copil (revoked)|copil|copil (2)|"
	                           "copil");
	key_digests(t.path, after, sizeof after);
	assert_string_equal(before, after);

	/* The index holds: a live name is not given twice in a scope; a
	 * revoked key's name is free. */
	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "INSERT INTO key (kind, seminar_id, name, hash, created)"
	                              " VALUES ('facilitator', 1, 'copil', X'10', 'x')",
	                              NULL, NULL, NULL),
	                 SQLITE_CONSTRAINT);
	assert_int_equal(sqlite3_exec(db,
	                              "INSERT INTO key (kind, name, hash, created)"
	                              " VALUES ('organiser', 'organisateur', X'11', 'x')",
	                              NULL, NULL, NULL),
	                 SQLITE_CONSTRAINT);
	assert_int_equal(sqlite3_exec(db,
	                              "UPDATE key SET revoked = 'x' WHERE hash = X'09';"
	                              "INSERT INTO key (kind, name, hash, created)"
	                              " VALUES ('organiser', 'copil', X'12', 'x')",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);
	tmp_remove(&t);
}

/* 1 when every count is 0. */
static int none(const store_import_counts *c)
{
	return !c->added && !c->changed && !c->archived && !c->restored;
}

/* The report says what each import changed: a new seminar; an activity
 * removed and a template switched in one import, both; nothing for the
 * same file again; what comes back; a change of order. */
static void import_reports_what_it_changes(void **state)
{
	(void)state;
	store *st = NULL;
	store_import_report r;
	char err[256];
	json_t *d = fx_definition(), *changed = fx_definition(), *swapped;
	json_t *a1 = fx_defn_activity(changed, "axe-1");
	static const char *const order[] = {"orient", "axe-1"};

	assert_int_equal(store_open(":memory:", NULL, &st, err, sizeof err), STORE_OK);
	assert_int_equal(fx_store_import(st, d, 0, &r, err, sizeof err), STORE_OK);
	assert_int_equal(strlen(r.code), 6);
	assert_true(r.created);
	assert_int_equal(r.activities.added, 2);
	assert_true(none(&r.boards)); /* the boards of new activities are theirs */

	json_array_remove(json_object_get(changed, "activities"), 1);
	json_object_set_new(a1, "template", json_string("custom"));
	json_object_set_new(a1, "boards",
	                    json_pack("[{s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}]", "id",
	                              "constats", "title", "Constats", "prompt", "", "kind",
	                              "notes", "id", "pistes", "title", "Pistes", "prompt", "",
	                              "kind", "notes"));
	assert_int_equal(fx_store_import(st, changed, 0, &r, err, sizeof err), STORE_OK);
	assert_false(r.created || r.seminar_changed || r.reordered || r.unchanged);
	assert_int_equal(r.activities.added, 0);
	assert_int_equal(r.activities.changed, 1);
	assert_int_equal(r.activities.archived, 1);
	assert_int_equal(r.activities.restored, 0);
	assert_string_equal(r.archived, "orient");
	assert_int_equal(r.boards.added, 2);
	assert_int_equal(r.boards.changed, 0);
	assert_int_equal(r.boards.archived, 3);

	assert_int_equal(fx_store_import(st, changed, 0, &r, err, sizeof err), STORE_OK);
	assert_false(r.created || r.seminar_changed || r.reordered || r.unchanged);
	assert_true(none(&r.activities) && none(&r.boards));
	assert_string_equal(r.archived, "");

	json_object_set_new(d, "venue", json_string("Médiathèque"));
	assert_int_equal(fx_store_import(st, d, 0, &r, err, sizeof err), STORE_OK);
	assert_true(r.seminar_changed);
	assert_int_equal(r.activities.changed, 1);
	assert_int_equal(r.activities.restored, 1);
	assert_string_equal(r.restored, "orient");
	assert_int_equal(r.boards.restored, 3);
	assert_int_equal(r.boards.archived, 2);

	swapped = with_activities(order, 2);
	json_object_set_new(swapped, "venue", json_string("Médiathèque"));
	assert_int_equal(fx_store_import(st, swapped, 0, &r, err, sizeof err), STORE_OK);
	assert_true(r.reordered);
	assert_false(r.seminar_changed);
	assert_true(none(&r.activities) && none(&r.boards));

	/* Only a board's prompt: its activity counts as changed too. */
	json_object_set_new(json_array_get(json_object_get(fx_defn_activity(swapped, "orient"),
	                                                   "boards"),
	                                   0),
	                    "prompt", json_string("Une orientation, ses actions"));
	assert_int_equal(fx_store_import(st, swapped, 0, &r, err, sizeof err), STORE_OK);
	assert_false(r.reordered);
	assert_int_equal(r.activities.changed, 1);
	assert_int_equal(r.boards.changed, 1);
	assert_int_equal(r.activities.added + r.activities.archived + r.boards.added, 0);
	json_decref(swapped);
	json_decref(changed);
	json_decref(d);
	store_close(st);
}

/* With STORE_IMPORT_IF_CHANGED the definition the seminar was last
 * imported from is passed over, so an edit made in the database since
 * survives; a changed definition is imported, and so is any without the
 * flag. */
static void import_if_changed_keeps_edits_made_since(void **state)
{
	(void)state;
	struct tmp t;
	store *st = NULL;
	store_import_report r;
	sqlite3 *db = NULL;
	char err[256], prog[256];
	json_t *d = fx_definition(), *doc = NULL;

	tmp_make(&t);
	assert_int_equal(store_open(t.path, NULL, &st, err, sizeof err), STORE_OK);
	assert_int_equal(fx_store_import(st, d, STORE_IMPORT_IF_CHANGED, &r, err, sizeof err),
	                 STORE_OK);
	assert_true(r.created);
	assert_false(r.unchanged);

	/* An edit in the database (as the organiser's page will make). */
	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE seminar SET title = 'Titre revu'", NULL, NULL,
	                              NULL),
	                 SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(fx_store_import(st, d, STORE_IMPORT_IF_CHANGED, &r, err, sizeof err),
	                 STORE_OK);
	assert_true(r.unchanged);
	assert_int_equal(strlen(r.code), 6);
	assert_int_equal(export_view_document(st, r.code, &doc), STORE_OK);
	assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "seminar"),
	                                                      "title")),
	                    "Titre revu");
	json_decref(doc);

	json_array_remove(json_object_get(d, "activities"), 1);
	assert_int_equal(fx_store_import(st, d, STORE_IMPORT_IF_CHANGED, &r, err, sizeof err),
	                 STORE_OK);
	assert_false(r.unchanged);
	assert_true(r.seminar_changed); /* the file's title again */
	assert_int_equal(r.activities.archived, 1);
	assert_string_equal(programme(st, r.code, prog, sizeof prog, NULL),
	                    "axe-1[abandonner maintenir inventer]");

	assert_int_equal(fx_store_import(st, d, 0, &r, err, sizeof err), STORE_OK);
	assert_false(r.unchanged);
	assert_true(none(&r.activities));
	store_close(st);
	json_decref(d);
	tmp_remove(&t);
}

/* What an import stores from a definition's JSON, an activity's animators
 * (the JSON text of an array of strings) and the definition's digest, is
 * byte for byte what it stored when it read the document with jansson: a
 * database made before finds them unchanged. */
static void import_stores_lists_and_digest_as_before(void **state)
{
	(void)state;
	struct tmp t;
	store *st = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	char err[256], digest[17], code[32];
	json_t *d = fx_definition();
	json_t *roles = json_pack("[s, s, s, s, s]", "rôle \"cité\" \\ éducative", "tab\there",
	                          "ctl\x01\x1f\x7f end", "a/b é 🙂", "nl\nbs\bff\fcr\r");
	char *want = json_dumps(roles, JSON_COMPACT), *text;

	json_object_set_new(fx_defn_activity(d, "axe-1"), "animators", roles);
	text = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	snprintf(digest, sizeof digest, "%016llx",
	         (unsigned long long)digest_fnv1a(text, strlen(text)));
	tmp_make(&t);
	assert_int_equal(store_open(t.path, NULL, &st, err, sizeof err), STORE_OK);
	assert_int_equal(fx_import_code(st, d, code, sizeof code, err, sizeof err), STORE_OK);
	store_close(st);
	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT a.animators, s.defn_digest FROM activity a"
	                                    " JOIN seminar s ON s.id = a.seminar_id"
	                                    " WHERE a.slug = 'axe-1'",
	                                    -1, &q, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), want);
	assert_string_equal((const char *)sqlite3_column_text(q, 1), digest);
	sqlite3_finalize(q);
	sqlite3_close(db);
	free(want);
	free(text);
	json_decref(d);
	tmp_remove(&t);
}

/* A database of the first schema whose activities (and boards) share
 * positions, as re-imports left them, opens with every row kept, in the
 * same order, at distinct positions. */
static void migration_keeps_rows_and_separates_positions(void **state)
{
	(void)state;
	struct tmp t;
	fixture f = {0};
	seminar_session *ss = seminar_session_new();
	char err[256], prog[256], token[64];
	json_t *d = fx_definition(), *doc = NULL;
	sqlite3 *db = NULL;

	tmp_make(&t);
	assert_int_equal(store_open(t.path, NULL, &f.st, err, sizeof err), STORE_OK);
	assert_int_equal(fx_import_code(f.st, d, f.code, sizeof f.code, err, sizeof err), STORE_OK);
	assert_int_equal(store_list_seminars(f.st, keep_key, f.key), STORE_OK);
	fx_join(&f, ss, token, sizeof token);
	fx_state(&f, "orient", "open");
	fx_post(&f, ss, "orient", "orientations", "Ouvrir l'école");
	store_close(f.st);

	/* Back to the first schema's shape, every position at 0. */
	assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, UNDO_MIGRATION_10, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              UNDO_SCREENS
	                              "DROP INDEX stakeholder_group_position;"
	                              "ALTER TABLE participant DROP COLUMN group_id;"
	                              "DROP TABLE stakeholder_group;"
	                              "DROP INDEX activity_position; DROP INDEX board_position;"
	                              "ALTER TABLE activity DROP COLUMN archived;"
	                              "ALTER TABLE board DROP COLUMN archived;"
	                              "ALTER TABLE seminar DROP COLUMN defn_digest;"
	                              "DROP TABLE event; DROP TABLE key;"
	                              "CREATE TABLE event (seminar_id INTEGER NOT NULL"
	                              " REFERENCES seminar(id), seq INTEGER NOT NULL,"
	                              " activity_id INTEGER REFERENCES activity(id),"
	                              " payload TEXT NOT NULL, PRIMARY KEY (seminar_id, seq))"
	                              " WITHOUT ROWID;"
	                              "DROP TABLE request;"
	                              "CREATE TABLE request (participant_id INTEGER NOT NULL"
	                              " REFERENCES participant(id), client_id TEXT NOT NULL,"
	                              " reply TEXT NOT NULL, PRIMARY KEY (participant_id,"
	                              " client_id)) WITHOUT ROWID;"
	                              "ALTER TABLE seminar ADD COLUMN last_seq INTEGER NOT NULL"
	                              " DEFAULT 0;"
	                              "UPDATE activity SET position = 0; UPDATE board SET position = 0;"
	                              "PRAGMA user_version = 1",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(store_open(t.path, NULL, &f.st, err, sizeof err), STORE_OK);
	assert_true(store_schema_version(f.st) >= 2);
	assert_string_equal(programme(f.st, f.code, prog, sizeof prog, &doc),
	                    "axe-1[abandonner maintenir inventer] orient[orientations]");
	assert_int_equal(total_contributions(doc), 1);
	json_decref(doc);
	assert_int_equal(shared_positions(t.path), 0);
	store_close(f.st);
	json_decref(d);
	seminar_session_free(ss);
	tmp_remove(&t);
}

/* ===== Synthesis ===== */

static json_t *board_of(json_t *doc, size_t activity, size_t board)
{
	json_t *a = json_array_get(json_object_get(doc, "activities"), activity);
	return json_array_get(json_object_get(a, "boards"), board);
}

static long long id_at(json_t *list, size_t i)
{
	return json_integer_value(json_object_get(json_array_get(list, i), "id"));
}

static void vote(fixture *f, seminar_session *ss, long long id)
{
	json_t *r = fx_send(f, ss, NULL, "{\"type\":\"vote\",\"id\":\"v%d\",\"contribution\":%lld}",
	                    ++f->serial, id);
	assert_null(fx_error(r));
	json_decref(r);
}

static void dump_shape_and_order(void **state)
{
	(void)state;
	fixture f;
	seminar_session *a = seminar_session_new(), *b = seminar_session_new(),
	                *c = seminar_session_new();
	char token[64];
	long long first, second, third, hidden, gone, orient;
	json_t *doc = NULL, *r, *list, *act, *o;

	fx_open(&f);
	fx_join(&f, a, token, sizeof token);
	fx_join(&f, b, token, sizeof token);
	fx_join(&f, c, token, sizeof token); /* joined, never took part */
	fx_state(&f, "axe-1", "open");
	fx_state(&f, "orient", "open");
	first = fx_post(&f, a, "axe-1", "inventer", "Premier");
	second = fx_post(&f, a, "axe-1", "inventer", "Deuxième");
	third = fx_post(&f, b, "axe-1", "inventer", "Troisième");
	hidden = fx_post(&f, b, "axe-1", "inventer", "Masqué");
	gone = fx_post(&f, b, "axe-1", "inventer", "Effacé");
	vote(&f, a, third);
	vote(&f, b, third);
	vote(&f, b, second);
	vote(&f, b, hidden);
	r = fx_send(&f, b, NULL, "{\"type\":\"delete\",\"id\":\"d1\",\"contribution\":%lld}", gone);
	json_decref(r);
	r = fx_send(&f, a, NULL,
	            "{\"type\":\"hide\",\"id\":\"h1\",\"code\":\"%s\",\"key\":\"%s\","
	            "\"contribution\":%lld}",
	            f.code, f.key, hidden);
	json_decref(r);
	r = fx_send(&f, a, NULL,
	            "{\"type\":\"post\",\"id\":\"o1\",\"activity\":\"orient\","
	            "\"board\":\"orientations\",\"text\":\"Ouvrir l'école\","
	            "\"author\":\"chef de file\",\"actions\":[\"Cafés des parents\","
	            "\"Portes ouvertes\"]}");
	orient = json_integer_value(json_object_get(json_object_get(r, "contribution"), "id"));
	json_decref(r);

	assert_int_equal(export_view_document(f.st, "NOPE99", &doc), STORE_NOT_FOUND);
	assert_int_equal(export_view_document(f.st, f.code, &doc), STORE_OK);
	assert_string_equal(json_string_value(json_object_get(doc, "format")), "atelier-synthese");
	assert_int_equal(json_integer_value(json_object_get(doc, "version")), 1);
	assert_int_equal(strlen(json_string_value(json_object_get(doc, "generated"))), 20);
	o = json_object_get(doc, "seminar");
	assert_string_equal(json_string_value(json_object_get(o, "id")), "essai-2022");
	assert_string_equal(json_string_value(json_object_get(o, "code")), f.code);
	assert_string_equal(json_string_value(json_object_get(o, "venue")), "Salle du conseil");
	o = json_object_get(doc, "totals");
	assert_int_equal(json_integer_value(json_object_get(o, "participants")), 3);
	/* first, second, third + orientation and its two actions */
	assert_int_equal(json_integer_value(json_object_get(o, "contributions")), 6);
	assert_int_equal(json_integer_value(json_object_get(o, "votes")), 3);

	act = json_array_get(json_object_get(doc, "activities"), 0);
	assert_string_equal(json_string_value(json_object_get(act, "id")), "axe-1");
	assert_int_equal(json_integer_value(json_object_get(act, "participants")), 2);
	assert_int_equal(json_integer_value(json_object_get(act, "contributions")), 3);
	assert_int_equal(json_integer_value(json_object_get(act, "votes")), 3);
	assert_string_equal(json_string_value(json_array_get(json_object_get(act, "animators"), 0)),
	                    "animateur·rice");
	assert_string_equal(json_string_value(json_object_get(board_of(doc, 0, 0), "id")),
	                    "abandonner");
	list = json_object_get(board_of(doc, 0, 2), "contributions");
	assert_int_equal(json_array_size(list), 4); /* deleted left out, hidden kept */
	assert_int_equal(id_at(list, 0), third);     /* 2 votes */
	assert_int_equal(id_at(list, 1), second);    /* 1 vote */
	assert_int_equal(id_at(list, 2), hidden);    /* 1 vote, created later */
	assert_int_equal(id_at(list, 3), first);     /* 0 votes */
	o = json_array_get(list, 2);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "hidden");
	assert_string_equal(json_string_value(json_object_get(o, "text")), "Masqué");
	assert_true(json_is_null(json_object_get(o, "author")));
	assert_false(json_is_true(json_object_get(o, "edited")));
	assert_int_equal(json_array_size(json_object_get(o, "actions")), 0);
	assert_null(json_object_get(o, "board")); /* synthesis shape */

	act = json_array_get(json_object_get(doc, "activities"), 1);
	assert_int_equal(json_integer_value(json_object_get(act, "participants")), 1);
	list = json_object_get(board_of(doc, 1, 0), "contributions");
	assert_int_equal(json_array_size(list), 1);
	o = json_array_get(list, 0);
	assert_int_equal(id_at(list, 0), orient);
	assert_string_equal(json_string_value(json_object_get(o, "author")), "chef de file");
	list = json_object_get(o, "actions");
	assert_int_equal(json_array_size(list), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "text")),
	                    "Cafés des parents");
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "text")),
	                    "Portes ouvertes");
	assert_null(json_object_get(json_array_get(list, 0), "actions"));
	json_decref(doc);
	seminar_session_free(a);
	seminar_session_free(b);
	seminar_session_free(c);
	fx_close(&f);
}

/* The contribution of id in list, or NULL. */
static json_t *with_id(json_t *list, long long id)
{
	json_t *o;
	size_t i;
	json_array_foreach(list, i, o)
		if (json_integer_value(json_object_get(o, "id")) == id)
			return o;
	return NULL;
}

/* Posts an orientation with its example actions (a JSON array text) and
 * returns its id; the actions' ids go to ids[]. */
static long long orientation(fixture *f, seminar_session *ss, const char *text,
                             const char *actions, long long *ids)
{
	json_t *r = fx_send(f, ss, NULL,
	                    "{\"type\":\"post\",\"id\":\"o%d\",\"activity\":\"orient\","
	                    "\"board\":\"orientations\",\"text\":\"%s\",\"actions\":%s}",
	                    ++f->serial, text, actions);
	json_t *c = json_object_get(r, "contribution"), *x;
	size_t i;
	assert_null(fx_error(r));
	json_array_foreach(json_object_get(c, "actions"), i, x)
		ids[i] = json_integer_value(json_object_get(x, "id"));
	long long id = json_integer_value(json_object_get(c, "id"));
	json_decref(r);
	return id;
}

/* Sends a message that must succeed. */
#define OK(f, ss, ...) \
	do { \
		json_t *r_ = fx_send(f, ss, NULL, __VA_ARGS__); \
		assert_null(fx_error(r_)); \
		json_decref(r_); \
	} while (0)

/* Example actions go under their own orientation, in their order, without
 * the deleted ones, a hidden orientation keeping its own; the totals are
 * the sums of the activities; the members come in the documented order
 * (the JSON export writes them in it). */
static void dump_actions_and_totals(void **state)
{
	(void)state;
	fixture f;
	seminar_session *a = seminar_session_new(), *b = seminar_session_new();
	char token[64];
	long long one, two, alone, as[2], bs[2];
	json_t *doc = NULL, *list, *acts, *x, *activities;
	const char *order[] = {"format", "version", "generated", "seminar", "totals",
	                       "activities", "audit"};
	size_t i = 0;

	fx_open(&f);
	fx_join(&f, a, token, sizeof token);
	fx_join(&f, b, token, sizeof token);
	fx_state(&f, "orient", "open");
	fx_state(&f, "axe-1", "open");
	fx_post(&f, b, "axe-1", "inventer", "Une note");
	one = orientation(&f, a, "Une", "[\"a1\",\"a2\"]", as);
	two = orientation(&f, b, "Deux", "[\"b1\"]", bs);
	alone = fx_post(&f, a, "orient", "orientations", "Seule");
	x = fx_send(&f, a, NULL,
	            "{\"type\":\"post\",\"id\":\"p1\",\"activity\":\"orient\","
	            "\"board\":\"orientations\",\"text\":\"b2\",\"parent\":%lld}",
	            two);
	bs[1] = json_integer_value(json_object_get(json_object_get(x, "contribution"), "id"));
	json_decref(x);
	OK(&f, a, "{\"type\":\"delete\",\"id\":\"d1\",\"contribution\":%lld}", as[0]);
	OK(&f, a,
	   "{\"type\":\"hide\",\"id\":\"h1\",\"code\":\"%s\",\"key\":\"%s\","
	   "\"contribution\":%lld}",
	   f.code, f.key, one);

	assert_int_equal(export_view_document(f.st, f.code, &doc), STORE_OK);
	for (void *it = json_object_iter(doc); it; it = json_object_iter_next(doc, it))
		assert_string_equal(json_object_iter_key(it), order[i++]);
	assert_int_equal(i, 7);
	/* The archive's trail: the hide, by the seminar's first key. */
	x = json_object_get(doc, "audit");
	assert_int_equal(json_array_size(x), 1);
	x = json_array_get(x, 0);
	assert_string_equal(json_string_value(json_object_get(x, "command")), "hide");
	assert_string_equal(json_string_value(json_object_get(x, "key")), "animation");
	assert_int_equal(json_integer_value(json_object_get(x, "contribution")), one);
	assert_string_equal(json_string_value(json_object_get(json_object_get(x, "before"),
	                                                      "state")), "visible");
	assert_string_equal(json_string_value(json_object_get(json_object_get(x, "after"),
	                                                      "state")), "hidden");
	assert_true(json_is_null(json_object_get(json_object_get(x, "after"), "text")));
	list = json_object_get(board_of(doc, 1, 0), "contributions");
	assert_int_equal(json_array_size(list), 3);
	acts = json_object_get(with_id(list, one), "actions");
	assert_int_equal(json_array_size(acts), 1); /* a1 deleted */
	assert_int_equal(id_at(acts, 0), as[1]);
	acts = json_object_get(with_id(list, two), "actions");
	assert_int_equal(json_array_size(acts), 2);
	assert_int_equal(id_at(acts, 0), bs[0]);
	assert_int_equal(id_at(acts, 1), bs[1]);
	assert_int_equal(json_array_size(json_object_get(with_id(list, alone), "actions")), 0);
	/* visible: the note; "Deux", b1, b2, a2 (under the hidden "Une") and
	 * "Seule" */
	x = json_object_get(doc, "totals");
	assert_int_equal(json_integer_value(json_object_get(x, "contributions")), 6);
	assert_int_equal(json_integer_value(json_object_get(x, "participants")), 2);
	activities = json_object_get(doc, "activities");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(activities, 0),
	                                                    "contributions")),
	                 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(activities, 1),
	                                                    "contributions")),
	                 5);
	json_decref(doc);
	seminar_session_free(a);
	seminar_session_free(b);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_memory_runs_migrations),
		cmocka_unit_test(reopen_file_keeps_data),
		cmocka_unit_test(key_check_tells_a_fault_from_a_wrong_key),
		cmocka_unit_test(lists_follow_another_connection),
		cmocka_unit_test(newer_database_refused),
		cmocka_unit_test(foreign_file_refused),
		cmocka_unit_test(migration_2_recomputes_attendance),
		cmocka_unit_test(migration_7_reads_the_logs_into_rows),
		cmocka_unit_test(missing_folder_refused),
		cmocka_unit_test(readonly_file_refused),
		cmocka_unit_test(savepoint_rollback_undoes_one_message),
		cmocka_unit_test(import_generates_code_and_key),
		cmocka_unit_test(import_twice_changes_nothing),
		cmocka_unit_test(import_update_adds_and_keeps),
		cmocka_unit_test(import_is_all_or_nothing),
		cmocka_unit_test(import_code_from_definition_must_be_free),
		cmocka_unit_test(import_archives_what_the_file_no_longer_holds),
		cmocka_unit_test(import_template_switch_replaces_the_boards),
		cmocka_unit_test(seminar_info_is_the_programme_in_order),
		cmocka_unit_test(import_positions_stay_unique),
		cmocka_unit_test(every_kind_of_key_is_found_by_its_digest_alone),
		cmocka_unit_test(key_names_are_unique_among_live_keys_of_a_scope),
		cmocka_unit_test(migration_9_names_every_key),
		cmocka_unit_test(migration_keeps_rows_and_separates_positions),
		cmocka_unit_test(import_reports_what_it_changes),
		cmocka_unit_test(import_if_changed_keeps_edits_made_since),
		cmocka_unit_test(import_stores_lists_and_digest_as_before),
		cmocka_unit_test(dump_shape_and_order),
		cmocka_unit_test(dump_actions_and_totals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
