/*
 * store_import.c — seminar definitions (the JSON files of sessions/,
 * validated and normalized by defn.c) into the database.
 *
 * Boundary: inserts or updates the seminar, its activities and boards, in
 * one transaction (or one savepoint inside the caller's): all or nothing.
 * A re-import updates titles, questions, prompts and order and adds what
 * is new; it never deletes an activity, a board or a contribution, and
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
		/* the first facilitator key, kept readable in the seminar row
		 * so that `atelier serve` can print the console's address */
		if (rc == STORE_OK)
			rc = store__exec(s,
			                 "INSERT INTO key (kind, seminar_id, hash, created)"
			                 " VALUES ('facilitator', ?, atelier_key_hash(?),"
			                 " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
			                 "it", *sid, key);
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

/* Inserts or updates one activity (at position pos) and its boards. */
static int upsert_activity(store *s, long long sid, long long pos, json_t *act)
{
	char *animators = json_dumps(json_object_get(act, "animators"), JSON_COMPACT);
	json_t *boards = json_object_get(act, "boards");
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
	                 " vote_budget = excluded.vote_budget, animators = excluded.animators"
	                 " WHERE NOT (position IS excluded.position AND title IS excluded.title"
	                 " AND question IS excluded.question AND template IS excluded.template"
	                 " AND vote_budget IS excluded.vote_budget"
	                 " AND animators IS excluded.animators)",
	                 "ititttit", sid, str(act, "id"), pos, str(act, "title"),
	                 str(act, "question"), str(act, "template"),
	                 (long long)json_integer_value(json_object_get(act, "vote_budget")),
	                 animators);
	if (rc == STORE_OK)
		rc = store__int(s, &aid, "SELECT id FROM activity WHERE seminar_id = ? AND slug = ?",
		                "it", sid, str(act, "id"));
	for (size_t j = 0; rc == STORE_OK && j < json_array_size(boards); j++) {
		json_t *b = json_array_get(boards, j);
		rc = store__exec(s,
		                 "INSERT INTO board (activity_id, slug, position, title, prompt, kind)"
		                 " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (activity_id, slug)"
		                 " DO UPDATE SET position = excluded.position,"
		                 " title = excluded.title, prompt = excluded.prompt,"
		                 " kind = excluded.kind WHERE NOT (position IS excluded.position"
		                 " AND title IS excluded.title AND prompt IS excluded.prompt"
		                 " AND kind IS excluded.kind)",
		                 "itittt", aid, str(b, "id"), (long long)j, str(b, "title"),
		                 str(b, "prompt"), str(b, "kind"));
	}
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
