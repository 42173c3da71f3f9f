/*
 * test_groups_store.c — stakeholder groups through the store and the
 * rules: migration 8 on a database of the first schema (nothing lost,
 * nobody in a group), a re-import that never gives a group's
 * participants to another, the join's "group" (unknown refused, set,
 * kept, cleared), and the figures per group of the console's reply and
 * of the synthesis, masked alike.
 */
#include "unit_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_view.h"
#include "proc.h"
#include "store_domain.h"

#include <sqlite3.h>

/* The definition of the fixture with groups ids[0..n) (labels: the id
 * with a capital). */
static json_t *with_groups(const char *const *ids, size_t n)
{
	json_t *d = fx_definition(), *list = json_array();

	for (size_t i = 0; i < n; i++) {
		char label[64];
		snprintf(label, sizeof label, "%s", ids[i]);
		label[0] = (char)(label[0] - 'a' + 'A');
		json_array_append_new(list, json_pack("{s:s, s:s}", "id", ids[i], "label", label));
	}
	json_object_set_new(d, "groups", list);
	return d;
}

/* Joins a new participant with "group" (a JSON value: "\"parents\"",
 * "null"; NULL: no field); the reply (caller frees it). */
static json_t *join(fixture *f, seminar_session *ss, const char *token, const char *group)
{
	char tok[128] = "", grp[96] = "";
	if (token)
		snprintf(tok, sizeof tok, ",\"token\":\"%s\"", token);
	if (group)
		snprintf(grp, sizeof grp, ",\"group\":%s", group);
	return fx_send(f, ss, NULL, "{\"type\":\"join\",\"id\":\"j%d\",\"code\":\"%s\"%s%s}",
	               ++f->serial, f->code, tok, grp);
}

/* The slug of the participant's group as the store says, "" for none. */
static const char *group_of(fixture *f, json_t *joined)
{
	static char out[64];
	long long sid = 0, pid = 0, gid = 0;
	store_seminar_info *si = NULL;

	out[0] = '\0';
	assert_int_equal(store_seminar_find(f->st, f->code, &sid), STORE_OK);
	assert_int_equal(store_participant_find(f->st, sid,
	                                        json_string_value(json_object_get(joined, "token")),
	                                        &pid),
	                 STORE_OK);
	assert_int_equal(store_participant_group(f->st, pid, &gid), STORE_OK);
	assert_int_equal(store_seminar_get(f->st, sid, 0, &si), STORE_OK);
	for (size_t i = 0; i < si->ngroups; i++)
		if (si->groups[i].id == gid)
			snprintf(out, sizeof out, "%s", si->groups[i].slug);
	store_seminar_info_free(si);
	return out;
}

/* ===== Migration 8 ===== */

/* The participants of a database as "id token name structure;" lines. */
static void participants(sqlite3 *db, char *out, size_t len)
{
	sqlite3_stmt *st = NULL;
	out[0] = '\0';
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT group_concat(id || ' ' || token || ' ' ||"
	                                    " IFNULL(name, '-') || ' ' || IFNULL(structure, '-'), ';')"
	                                    " FROM (SELECT * FROM participant ORDER BY id)",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

static void migration_8_keeps_every_participant_without_a_group(void **state)
{
	(void)state;
	const char *src = getenv("ATELIER_SOURCE_DIR");
	char dir[256], path[300], sqlpath[512], before[4096], after[4096], err[512];
	size_t size = 0;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	store *s = NULL;
	char *sql;

	snprintf(sqlpath, sizeof sqlpath, "%s/tests/unit/data/attendance-v1.sql",
	         src && *src ? src : ATELIER_SOURCE_DIR);
	assert_non_null(sql = proc_slurp(sqlpath, &size));
	assert_int_equal(proc_mkdtemp(dir, sizeof dir), PROC_OK);
	snprintf(path, sizeof path, "%s/atelier.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	free(sql);
	participants(db, before, sizeof before);
	assert_true(strlen(before) > 0);
	sqlite3_close(db);

	assert_int_equal(store_open(path, NULL, &s, err, sizeof err), STORE_OK);
	assert_true(store_schema_version(s) >= 8);
	store_close(s);

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	participants(db, after, sizeof after);
	assert_string_equal(after, before);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT (SELECT COUNT(*) FROM participant WHERE group_id"
	                                    " IS NOT NULL), (SELECT COUNT(*) FROM stakeholder_group)",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	assert_int_equal(sqlite3_column_int(st, 1), 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	proc_rmtree(dir);
}

/* ===== Import ===== */

/* Groups are matched by id: a label changes, an order changes, a group
 * leaves and comes back, and each participant stays with their own. */
static void reimport_never_mixes_groups(void **state)
{
	(void)state;
	static const char *const first[] = {"parents", "ville"};
	static const char *const second[] = {"jeunes", "ville"};
	fixture f;
	seminar_session *a = seminar_session_new(), *b = seminar_session_new();
	store_import_report r;
	json_t *d = with_groups(first, 2), *ja, *jb, *x;
	long long sid = 0;
	store_seminar_info *si = NULL;

	fx_open(&f);
	fx_import_report(&f, d, 0, &r);
	assert_int_equal(r.seminar_changed, 1);
	ja = join(&f, a, NULL, "\"parents\"");
	jb = join(&f, b, NULL, "\"ville\"");
	assert_null(fx_error(ja));
	assert_string_equal(json_string_value(json_object_get(ja, "group")), "parents");
	assert_string_equal(group_of(&f, ja), "parents");
	assert_string_equal(group_of(&f, jb), "ville");

	/* parents leaves, jeunes comes first, ville gets a new label */
	json_decref(d);
	d = with_groups(second, 2);
	json_object_set_new(json_array_get(json_object_get(d, "groups"), 1), "label",
	                    json_string("Ville et CCAS"));
	fx_import_report(&f, d, 0, &r);
	assert_int_equal(r.seminar_changed, 1);
	assert_string_equal(group_of(&f, ja), "");
	assert_string_equal(group_of(&f, jb), "ville");
	assert_int_equal(store_seminar_find(f.st, f.code, &sid), STORE_OK);
	assert_int_equal(store_seminar_get(f.st, sid, 0, &si), STORE_OK);
	assert_int_equal(si->ngroups, 2);
	assert_string_equal(si->groups[0].slug, "jeunes");
	assert_string_equal(si->groups[1].label, "Ville et CCAS");
	store_seminar_info_free(si);
	/* an archived group is no longer one of the seminar's */
	x = join(&f, a, NULL, "\"parents\"");
	assert_string_equal(fx_error(x), "bad_field");
	json_decref(x);
	/* the same file again changes nothing */
	fx_import_report(&f, d, 0, &r);
	assert_int_equal(r.seminar_changed, 0);

	/* parents back: its participant with it */
	json_decref(d);
	d = with_groups(first, 2);
	fx_import(&f, d);
	assert_string_equal(group_of(&f, ja), "parents");
	assert_string_equal(group_of(&f, jb), "ville");
	json_decref(ja);
	json_decref(jb);
	json_decref(d);
	seminar_session_free(a);
	seminar_session_free(b);
	fx_close(&f);
}

/* ===== Joining with a group ===== */

static void join_sets_keeps_and_clears_the_group(void **state)
{
	(void)state;
	static const char *const ids[] = {"parents", "ville"};
	fixture f;
	seminar_session *ss = seminar_session_new();
	json_t *d = with_groups(ids, 2), *r, *first;
	char token[64];
	long long sid = 0;
	store_seminar_info *si = NULL;
	size_t before;

	fx_open(&f);
	fx_import(&f, d);
	assert_int_equal(store_seminar_find(f.st, f.code, &sid), STORE_OK);

	/* unknown: refused, and nobody is made */
	assert_int_equal(store_seminar_get(f.st, sid, 0, &si), STORE_OK);
	store_seminar_info_free(si);
	r = join(&f, ss, NULL, "\"Parents\"");
	assert_string_equal(fx_error(r), "bad_field");
	assert_non_null(strstr(json_string_value(json_object_get(r, "message")), "group"));
	json_decref(r);
	/* a group that does not parse (a number, empty) is the parser's:
	 * tests/proto/cases/invalid/group-* */

	/* none: "group" null in the reply, the groups in the seminar */
	first = join(&f, ss, NULL, NULL);
	assert_null(fx_error(first));
	snprintf(token, sizeof token, "%s", json_string_value(json_object_get(first, "token")));
	assert_true(json_is_null(json_object_get(first, "group")));
	before = json_array_size(json_object_get(json_object_get(first, "seminar"), "groups"));
	assert_int_equal(before, 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
				    json_object_get(json_object_get(first, "seminar"), "groups"), 1),
	                                                      "label")),
	                    "Ville");

	/* set, kept by a rejoin without the field, changed, cleared by null */
	r = join(&f, ss, token, "\"ville\"");
	assert_string_equal(json_string_value(json_object_get(r, "group")), "ville");
	json_decref(r);
	r = join(&f, ss, token, NULL);
	assert_string_equal(json_string_value(json_object_get(r, "group")), "ville");
	assert_string_equal(group_of(&f, r), "ville");
	json_decref(r);
	r = join(&f, ss, token, "\"parents\"");
	assert_string_equal(group_of(&f, r), "parents");
	json_decref(r);
	r = join(&f, ss, token, "null");
	assert_true(json_is_null(json_object_get(r, "group")));
	assert_string_equal(group_of(&f, r), "");
	json_decref(r);

	json_decref(first);
	json_decref(d);
	seminar_session_free(ss);
	fx_close(&f);
}

/* ===== The figures ===== */

/* The "by_group" of activity id in the synthesis document. */
static json_t *by_group(json_t *doc, const char *id)
{
	json_t *acts = json_object_get(doc, "activities");
	for (size_t i = 0; i < json_array_size(acts); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(acts, i), "id")), id) == 0)
			return json_object_get(json_array_get(acts, i), "by_group");
	return NULL;
}

/* Four parents, two from the city and one without a group post in axe-1:
 * the console's reply and the synthesis give the same masked table. */
static void console_and_synthesis_agree(void **state)
{
	(void)state;
	static const char *const ids[] = {"parents", "ville", "jeunes"};
	static const char *const who[] = {"\"parents\"", "\"parents\"", "\"parents\"", "\"parents\"",
	                                  "\"ville\"",   "\"ville\"",   NULL};
	fixture f;
	json_t *d = with_groups(ids, 3), *doc = NULL, *r, *console, *synthesis;
	seminar_session *keyed = seminar_session_new();
	char *a, *b;

	fx_open(&f);
	fx_import(&f, d);
	fx_state(&f, "axe-1", "open");
	for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
		seminar_session *ss = seminar_session_new();
		json_decref(join(&f, ss, NULL, who[i]));
		fx_post(&f, ss, "axe-1", "inventer", "Une idée");
		if (i == 0)
			fx_post(&f, ss, "axe-1", "maintenir", "Une autre");
		seminar_session_free(ss);
	}
	r = fx_send(&f, keyed, NULL,
	            "{\"type\":\"group_counts\",\"id\":\"g1\",\"code\":\"%s\",\"key\":\"%s\"}", f.code,
	            f.key);
	assert_null(fx_error(r));
	console = json_array_get(json_object_get(r, "activities"), 0);
	assert_string_equal(json_string_value(json_object_get(console, "id")), "axe-1");
	assert_int_equal(export_view_document(f.st, f.code, &doc), STORE_OK);
	synthesis = by_group(doc, "axe-1");
	/* parents 4 (5 contributions), ville « moins de 3 », jeunes 0, none
	 * 1 « moins de 3 »: two masked, nothing more; the total shown */
	a = json_dumps(json_object_get(synthesis, "groups"), JSON_COMPACT);
	assert_string_equal(
		a, "[{\"id\":\"parents\",\"label\":\"Parents\",\"participants\":4,\"contributions\":5,"
		   "\"masked\":null},{\"id\":\"ville\",\"label\":\"Ville\",\"participants\":null,"
		   "\"contributions\":null,\"masked\":\"fewer_than_3\"},{\"id\":\"jeunes\",\"label\":"
		   "\"Jeunes\",\"participants\":0,\"contributions\":0,\"masked\":null},{\"id\":null,"
		   "\"label\":null,\"participants\":null,\"contributions\":null,\"masked\":"
		   "\"fewer_than_3\"}]");
	assert_int_equal(json_integer_value(json_object_get(synthesis, "participants")), 7);
	assert_int_equal(json_integer_value(json_object_get(synthesis, "contributions")), 8);
	free(a);
	/* the console's entry is the synthesis's table with the activity's id */
	json_object_del(console, "id");
	a = json_dumps(console, JSON_COMPACT | JSON_SORT_KEYS);
	b = json_dumps(synthesis, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* the other activity: nobody, nothing masked */
	assert_int_equal(json_integer_value(json_object_get(by_group(doc, "orient"), "participants")),
	                 0);
	json_decref(r);
	json_decref(doc);

	/* without groups: no table in either */
	json_decref(d);
	d = fx_definition();
	fx_import(&f, d);
	r = fx_send(&f, keyed, NULL,
	            "{\"type\":\"group_counts\",\"id\":\"g2\",\"code\":\"%s\",\"key\":\"%s\"}", f.code,
	            f.key);
	assert_int_equal(json_array_size(json_object_get(r, "activities")), 0);
	assert_int_equal(export_view_document(f.st, f.code, &doc), STORE_OK);
	assert_true(json_is_null(by_group(doc, "axe-1")));
	json_decref(r);
	json_decref(doc);

	/* a participant's message gets no figures */
	r = fx_send(&f, keyed, NULL, "{\"type\":\"group_counts\",\"id\":\"g3\",\"code\":\"%s\","
	                             "\"key\":\"wrong\"}", f.code);
	assert_string_equal(fx_error(r), "bad_key");
	json_decref(r);
	json_decref(d);
	seminar_session_free(keyed);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(migration_8_keeps_every_participant_without_a_group),
		cmocka_unit_test(reimport_never_mixes_groups),
		cmocka_unit_test(join_sets_keeps_and_clears_the_group),
		cmocka_unit_test(console_and_synthesis_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
