/*
 * store_import.c — seminar definitions (the JSON files of sessions/,
 * validated and normalized by defn.c) into the database.
 *
 * Boundary: makes the seminar's programme what the definition says, in one
 * transaction (or one savepoint inside the caller's): all or nothing.
 * Activities are matched by their slug within the seminar, boards by their
 * slug within the activity. A re-import updates what changed, adds what is
 * new, archives what the definition no longer holds (kept, with its
 * contributions, out of the programme) and brings back an archived one
 * whose slug reappears. Positions are rewritten from the definition's
 * order, so no two activities of a seminar (nor boards of an activity)
 * share one. It never deletes an activity, a board or a contribution, and
 * never changes the facilitator key nor an activity's state. Must not
 * validate the definition (defn.c did).
 */
#include "store_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CODE_CHARS 6
#define CODE_TRIES 100
#define KEY_BYTES 32 /* 256 random bits, 64 hex digits */

/* A member's string, "" when absent. */
static const char *str(json_t *o, const char *name)
{
	const char *v = json_string_value(json_object_get(o, name));
	return v ? v : "";
}

/* A join code that no seminar has yet, into code[CODE_CHARS + 1]. */
static int fresh_code(store *s, char *code)
{
	for (int i = 0; i < CODE_TRIES; i++) {
		long long id;
		int rc;
		if (store__random_code(code, CODE_CHARS) != STORE_OK)
			return STORE_ERR;
		rc = store__int(s, &id, "SELECT id FROM seminar WHERE code = ?", "t", code);
		if (rc == STORE_NOT_FOUND)
			return STORE_OK;
		if (rc != STORE_OK)
			return rc;
	}
	return STORE_ERR;
}

/* Inserts or updates the seminar row; its id into *sid, its join code
 * into code[code_len]. */
static int upsert_seminar(store *s, json_t *defn, long long *sid, char *code,
                          size_t code_len, char *err, size_t err_len)
{
	const char *slug = str(defn, "id");
	const char *wanted = json_string_value(json_object_get(defn, "code"));
	sqlite3_stmt *st;
	long long other;
	char key[2 * KEY_BYTES + 1], made[CODE_CHARS + 1];
	int rc;

	rc = store__int(s, sid, "SELECT id FROM seminar WHERE slug = ?", "t", slug);
	if (rc != STORE_OK && rc != STORE_NOT_FOUND)
		return rc;
	if (wanted) {
		int taken = store__int(s, &other,
		                       "SELECT id FROM seminar WHERE code = ? AND slug <> ?", "tt",
		                       wanted, slug);
		if (taken == STORE_OK) {
			store__say(err, err_len, "store.err.code_taken", slug, wanted);
			return STORE_ERR;
		}
		if (taken != STORE_NOT_FOUND)
			return taken;
	}
	if (rc == STORE_OK) {
		rc = store__exec(s,
		                 "UPDATE seminar SET code = COALESCE(?1, code), title = ?2,"
		                 " date = ?3, venue = ?4, description = ?5 WHERE id = ?6 AND NOT"
		                 " (code IS COALESCE(?1, code) AND title IS ?2 AND date IS ?3"
		                 " AND venue IS ?4 AND description IS ?5)",
		                 "ttttti", wanted, str(defn, "title"), str(defn, "date"),
		                 str(defn, "venue"), str(defn, "description"), *sid);
	} else {
		if (!wanted && (rc = fresh_code(s, made)) != STORE_OK)
			return rc;
		if (store__random_hex(key, KEY_BYTES) != STORE_OK)
			return STORE_ERR;
		rc = store__int(s, sid,
		                "INSERT INTO seminar (slug, code, key, title, date, venue,"
		                " description) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
		                "ttttttt", slug, wanted ? wanted : made, key,
		                str(defn, "title"), str(defn, "date"), str(defn, "venue"),
		                str(defn, "description"));
	}
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
	st = store__query(s, "SELECT code FROM seminar WHERE id = ?", "i", *sid);
	if (!st)
		return STORE_ERR;
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(code, code_len, "%s", (const char *)sqlite3_column_text(st, 0));
	else
		rc = STORE_ERR;
	sqlite3_reset(st);
	return rc;
}

/* ===== Archiving and positions =====
 * The activities of a seminar and the boards of an activity follow the
 * same steps, each with its own statements (the cache wants literals):
 * ?1 is the parent's id, ?2 the definition's slugs in order, as a JSON
 * array (json_each gives each slug's index as its "key"). */
struct level {
	/* Archives the rows in the programme whose slug is not in ?2. */
	const char *archive;
	/* Moves the rows in the programme that will change position to
	 * negative ones (-1 - position, all distinct), so that no row sits
	 * on a position another one is about to take. */
	const char *make_room;
};

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

static const struct level activities = {
	"UPDATE activity SET archived = " NOW " WHERE seminar_id = ?1 AND archived IS NULL"
	" AND slug NOT IN (SELECT value FROM json_each(?2))",
	"UPDATE activity SET position = -1 - position WHERE seminar_id = ?1"
	" AND archived IS NULL AND position >= 0"
	" AND position IS NOT (SELECT key FROM json_each(?2) WHERE value = activity.slug)",
};

static const struct level boards = {
	"UPDATE board SET archived = " NOW " WHERE activity_id = ?1 AND archived IS NULL"
	" AND slug NOT IN (SELECT value FROM json_each(?2))",
	"UPDATE board SET position = -1 - position WHERE activity_id = ?1"
	" AND archived IS NULL AND position >= 0"
	" AND position IS NOT (SELECT key FROM json_each(?2) WHERE value = board.slug)",
};

/* Archives the rows of parent_id that items (activities or boards of the
 * definition) no longer hold and frees the positions items will take. */
static int prepare_level(store *s, const struct level *l, long long parent_id, json_t *items)
{
	json_t *slugs = json_array();
	char *text = NULL;
	size_t i;
	json_t *it;
	int rc = STORE_ERR;

	if (!slugs)
		return STORE_ERR;
	json_array_foreach(items, i, it)
		if (json_array_append(slugs, json_object_get(it, "id")))
			goto done;
	if (!(text = json_dumps(slugs, JSON_COMPACT)))
		goto done;
	rc = store__exec(s, l->archive, "it", parent_id, text);
	if (rc == STORE_OK)
		rc = store__exec(s, l->make_room, "it", parent_id, text);
done:
	free(text);
	json_decref(slugs);
	return rc;
}

/* ===== Activities and boards ===== */

/* Inserts or updates one board of an activity, at position pos, in the
 * programme. */
static int upsert_board(store *s, long long aid, long long pos, json_t *b)
{
	return store__exec(s,
	                   "INSERT INTO board (activity_id, slug, position, title, prompt, kind)"
	                   " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (activity_id, slug)"
	                   " DO UPDATE SET position = excluded.position,"
	                   " title = excluded.title, prompt = excluded.prompt,"
	                   " kind = excluded.kind, archived = NULL"
	                   " WHERE NOT (position IS excluded.position"
	                   " AND title IS excluded.title AND prompt IS excluded.prompt"
	                   " AND kind IS excluded.kind AND archived IS NULL)",
	                   "itittt", aid, str(b, "id"), pos, str(b, "title"),
	                   str(b, "prompt"), str(b, "kind"));
}

/* Inserts or updates one activity (at position pos, in the programme)
 * and makes its boards the definition's. */
static int upsert_activity(store *s, long long sid, long long pos, json_t *act)
{
	char *animators = json_dumps(json_object_get(act, "animators"), JSON_COMPACT);
	json_t *items = json_object_get(act, "boards");
	long long aid = 0;
	int rc = STORE_ERR;

	if (!animators) {
		animators = strdup("[]");
		if (!animators)
			goto done;
	}
	rc = store__exec(s,
	                 "INSERT INTO activity (seminar_id, slug, position, title, question,"
	                 " template, vote_budget, animators) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
	                 " ON CONFLICT (seminar_id, slug) DO UPDATE SET"
	                 " position = excluded.position, title = excluded.title,"
	                 " question = excluded.question, template = excluded.template,"
	                 " vote_budget = excluded.vote_budget, animators = excluded.animators,"
	                 " archived = NULL"
	                 " WHERE NOT (position IS excluded.position AND title IS excluded.title"
	                 " AND question IS excluded.question AND template IS excluded.template"
	                 " AND vote_budget IS excluded.vote_budget"
	                 " AND animators IS excluded.animators AND archived IS NULL)",
	                 "ititttit", sid, str(act, "id"), pos, str(act, "title"),
	                 str(act, "question"), str(act, "template"),
	                 (long long)json_integer_value(json_object_get(act, "vote_budget")),
	                 animators);
	if (rc == STORE_OK)
		rc = store__int(s, &aid, "SELECT id FROM activity WHERE seminar_id = ? AND slug = ?",
		                "it", sid, str(act, "id"));
	if (rc == STORE_OK)
		rc = prepare_level(s, &boards, aid, items);
	for (size_t j = 0; rc == STORE_OK && j < json_array_size(items); j++)
		rc = upsert_board(s, aid, (long long)j, json_array_get(items, j));
done:
	free(animators);
	return rc;
}

int store_import(store *s, json_t *defn, char *code_out, size_t code_len, char *err,
                 size_t err_len)
{
	const char *slug = json_string_value(json_object_get(defn, "id"));
	json_t *acts = json_object_get(defn, "activities");
	int own = !store_tx_active(s);
	char code[64];
	long long sid = 0;
	int rc;

	if (err && err_len)
		err[0] = '\0';
	code[0] = '\0';
	if (!slug || !json_is_string(json_object_get(defn, "title"))) {
		store__say(err, err_len, "store.err.import", slug ? slug : "?",
		           "« id » ou « title » manque");
		return STORE_ERR;
	}
	rc = own ? store_tx_begin(s) : store__exec(s, "SAVEPOINT import", "");
	if (rc != STORE_OK)
		goto fail;
	rc = upsert_seminar(s, defn, &sid, code, sizeof code, err, err_len);
	if (rc == STORE_OK)
		rc = prepare_level(s, &activities, sid, acts);
	for (size_t i = 0; rc == STORE_OK && i < json_array_size(acts); i++)
		rc = upsert_activity(s, sid, (long long)i, json_array_get(acts, i));
	if (rc == STORE_OK)
		rc = own ? store_tx_commit(s) : store__exec(s, "RELEASE import", "");
	if (rc != STORE_OK) {
		if (own)
			store_tx_rollback(s);
		else if (store__exec(s, "ROLLBACK TO import", "") == STORE_OK)
			store__exec(s, "RELEASE import", "");
		goto fail;
	}
	if (code_out && code_len)
		snprintf(code_out, code_len, "%s", code);
	return STORE_OK;
fail:
	if (err && err_len && !err[0])
		store__say(err, err_len,
		           rc == STORE_READONLY ? "store.err.readonly"
		           : rc == STORE_FULL   ? "store.err.full"
		                                : "store.err.import",
		           rc == STORE_READONLY || rc == STORE_FULL ? s->path : slug,
		           store_errmsg(s));
	return rc;
}
