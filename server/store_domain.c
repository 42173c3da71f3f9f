/*
 * store_domain.c — the lookups and writes behind the domain rules:
 * seminars by code, activities and boards by slug, participants by token,
 * contributions, votes, attendance.
 *
 * Boundary: one bound statement per function, nothing decided here
 * (store_place_find answers three questions of a post at once).
 * seminar.c checks the rules before it calls a write; this file only
 * relies on the database's constraints. Must not encode protocol
 * messages nor touch the event log (store_log.c).
 */
#include "store_private.h"
#include "store_domain.h"

#include <stdio.h>
#include <string.h>

/* Steps a bound lookup once: SQLITE_ROW leaves the row for the caller,
 * which resets the statement. Returns STORE_OK on a row. */
static int one_row(store *s, sqlite3_stmt *st)
{
	int rc;

	if (!st)
		return store__fail(sqlite3_errcode(s->db));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_NOT_FOUND : store__fail(rc);
}

/* ===== Lookups ===== */

int store_seminar_find(store *s, const char *code, long long *seminar_id)
{
	return store__int(s, seminar_id, "SELECT id FROM seminar WHERE code = ?", "t", code);
}

int store_seminar_seq(store *s, long long seminar_id, long long *seq)
{
	/* The event log's primary key (seminar_id, seq) answers at once. */
	return store__int(s, seq, "SELECT IFNULL(MAX(seq), 0) FROM event WHERE seminar_id = ?", "i",
	                  seminar_id);
}

int store_activity_find(store *s, long long seminar_id, const char *slug,
                        store_activity *out)
{
	sqlite3_stmt *st = store__query(s,
	                                "SELECT id, seminar_id, state, vote_budget,"
	                                " archived IS NOT NULL, phases, timer_duration, timer_left,"
	                                " IFNULL(timer_ends, 0), timer_advance FROM activity"
	                                " WHERE seminar_id = ? AND slug = ?",
	                                "it", seminar_id, slug);
	int rc = one_row(s, st);

	memset(out, 0, sizeof *out);
	if (rc != STORE_OK)
		return rc;
	out->id = sqlite3_column_int64(st, 0);
	out->seminar_id = sqlite3_column_int64(st, 1);
	out->state = (vocab_activity_state)vocab_activity_find(
		(const char *)sqlite3_column_text(st, 2));
	out->vote_budget = sqlite3_column_int(st, 3);
	out->archived = sqlite3_column_int(st, 4);
	out->phases = vocab_phases_of(vocab_phases_read((const char *)sqlite3_column_text(st, 5)));
	out->timer = (store_timer){sqlite3_column_int64(st, 6), sqlite3_column_int64(st, 7),
	                           sqlite3_column_int64(st, 8), sqlite3_column_int(st, 9)};
	sqlite3_reset(st);
	return STORE_OK;
}

int store_board_find(store *s, long long activity_id, const char *slug, store_board *out)
{
	sqlite3_stmt *st = store__query(s,
	                                "SELECT id, activity_id, kind = 'orientations',"
	                                " archived IS NOT NULL FROM board"
	                                " WHERE activity_id = ? AND slug = ?",
	                                "it", activity_id, slug);
	int rc = one_row(s, st);

	memset(out, 0, sizeof *out);
	if (rc != STORE_OK)
		return rc;
	out->id = sqlite3_column_int64(st, 0);
	out->activity_id = sqlite3_column_int64(st, 1);
	out->orientations = sqlite3_column_int(st, 2);
	out->archived = sqlite3_column_int(st, 3);
	sqlite3_reset(st);
	return STORE_OK;
}

int store_place_find(store *s, long long seminar_id, const char *activity, const char *board,
                     long long participant_id, store_place *out)
{
	sqlite3_stmt *st = store__query(
		s,
		"SELECT a.id, a.state, a.vote_budget, a.archived IS NOT NULL,"
		" b.id, b.kind = 'orientations', b.archived IS NOT NULL,"
		" EXISTS (SELECT 1 FROM attendance t WHERE t.participant_id = ?4"
		"         AND t.activity_id = a.id)"
		" FROM activity a LEFT JOIN board b ON b.activity_id = a.id AND b.slug = ?3"
		" WHERE a.seminar_id = ?1 AND a.slug = ?2",
		"itti", seminar_id, activity, board, participant_id);
	int rc = one_row(s, st);

	memset(out, 0, sizeof *out);
	if (rc == STORE_NOT_FOUND)
		return STORE_OK;
	if (rc != STORE_OK)
		return rc;
	out->activity.id = sqlite3_column_int64(st, 0);
	out->activity.seminar_id = seminar_id;
	out->activity.state = (vocab_activity_state)vocab_activity_find(
		(const char *)sqlite3_column_text(st, 1));
	out->activity.vote_budget = sqlite3_column_int(st, 2);
	out->activity.archived = sqlite3_column_int(st, 3);
	if (sqlite3_column_type(st, 4) != SQLITE_NULL) {
		out->board.id = sqlite3_column_int64(st, 4);
		out->board.activity_id = out->activity.id;
		out->board.orientations = sqlite3_column_int(st, 5);
		out->board.archived = sqlite3_column_int(st, 6);
	}
	out->attends = sqlite3_column_int(st, 7);
	sqlite3_reset(st);
	return STORE_OK;
}

int store_contribution_get(store *s, long long id, store_contribution *out)
{
	sqlite3_stmt *st = store__query(
		s,
		"SELECT c.id, c.board_id, b.activity_id, a.seminar_id, c.participant_id,"
		" COALESCE(c.parent_id, 0), b.kind = 'orientations', c.state, a.state,"
		" a.vote_budget, a.archived IS NOT NULL OR b.archived IS NOT NULL"
		" FROM contribution c JOIN board b ON b.id = c.board_id"
		" JOIN activity a ON a.id = b.activity_id WHERE c.id = ?",
		"i", id);
	int rc = one_row(s, st);

	memset(out, 0, sizeof *out);
	if (rc != STORE_OK)
		return rc;
	out->id = sqlite3_column_int64(st, 0);
	out->board_id = sqlite3_column_int64(st, 1);
	out->activity_id = sqlite3_column_int64(st, 2);
	out->seminar_id = sqlite3_column_int64(st, 3);
	out->participant_id = sqlite3_column_int64(st, 4);
	out->parent_id = sqlite3_column_int64(st, 5);
	out->orientations = sqlite3_column_int(st, 6);
	out->state = (vocab_contribution_state)vocab_contribution_find(
		(const char *)sqlite3_column_text(st, 7));
	out->activity_state = (vocab_activity_state)vocab_activity_find(
		(const char *)sqlite3_column_text(st, 8));
	out->vote_budget = sqlite3_column_int(st, 9);
	out->archived = sqlite3_column_int(st, 10);
	sqlite3_reset(st);
	return STORE_OK;
}

int store_participant_find(store *s, long long seminar_id, const char *token,
                           long long *participant_id)
{
	return store__int(s, participant_id,
	                  "SELECT id FROM participant WHERE seminar_id = ? AND token = ?", "it",
	                  seminar_id, token);
}

int store_group_find(store *s, long long seminar_id, const char *slug, long long *group_id)
{
	return store__int(s, group_id,
	                  "SELECT id FROM stakeholder_group WHERE seminar_id = ? AND slug = ?"
	                  " AND archived IS NULL",
	                  "it", seminar_id, slug);
}

int store_participant_group(store *s, long long participant_id, long long *group_id)
{
	int rc = store__int(s, group_id,
	                    "SELECT g.id FROM participant p JOIN stakeholder_group g"
	                    " ON g.id = p.group_id AND g.archived IS NULL WHERE p.id = ?",
	                    "i", participant_id);
	if (rc == STORE_NOT_FOUND)
		*group_id = 0;
	return rc == STORE_NOT_FOUND ? STORE_OK : rc;
}

int store_vote_exists(store *s, long long participant_id, long long contribution_id,
                      int *voted)
{
	long long one = 0;
	int rc = store__int(s, &one,
	                    "SELECT 1 FROM vote WHERE participant_id = ? AND contribution_id = ?",
	                    "ii", participant_id, contribution_id);

	*voted = rc == STORE_OK;
	return rc == STORE_NOT_FOUND ? STORE_OK : rc;
}

int store_votes_used(store *s, long long participant_id, long long activity_id,
                     long long *n)
{
	return store__int(s, n,
	                  "SELECT COUNT(*) FROM vote v"
	                  " JOIN contribution c ON c.id = v.contribution_id"
	                  " JOIN board b ON b.id = c.board_id"
	                  " WHERE v.participant_id = ? AND b.activity_id = ?"
	                  " AND b.archived IS NULL AND c.state <> 'removed'",
	                  "ii", participant_id, activity_id);
}

/* ===== Writes ===== */

int store_participant_create(store *s, long long seminar_id, char *token_out,
                             size_t token_len, long long *participant_id)
{
	char token[STORE_TOKEN_SIZE];
	int rc;

	if (token_len < sizeof token || store__random_hex(token, 16) != STORE_OK)
		return STORE_ERR;
	rc = store__int(s, participant_id,
	                "INSERT INTO participant (seminar_id, token, created)"
	                " VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) RETURNING id",
	                "it", seminar_id, token);
	if (rc == STORE_OK)
		memcpy(token_out, token, sizeof token);
	return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
}

int store_participant_update(store *s, long long participant_id, const char *name,
                             const char *structure)
{
	return store__exec(s,
	                   "UPDATE participant SET name = COALESCE(?, name),"
	                   " structure = COALESCE(?, structure) WHERE id = ?",
	                   "tti", name, structure, participant_id);
}

int store_participant_set_group(store *s, long long participant_id, long long group_id)
{
	return store__exec(s, "UPDATE participant SET group_id = NULLIF(?, 0) WHERE id = ?", "ii",
	                   group_id, participant_id);
}

int store_attendance_add(store *s, long long participant_id, long long activity_id)
{
	return store__exec(s,
	                   "INSERT OR IGNORE INTO attendance (participant_id, activity_id)"
	                   " VALUES (?, ?)",
	                   "ii", participant_id, activity_id);
}

int store_activity_set_state(store *s, long long activity_id, vocab_activity_state state)
{
	const vocab_activity_row *row = vocab_activity(state);
	if (!row)
		return STORE_ERR;
	return store__exec(s, "UPDATE activity SET state = ? WHERE id = ?", "ti", row->name,
	                   activity_id);
}

int store_activity_set_timer(store *s, long long activity_id, const store_timer *timer)
{
	return store__exec(s,
	                   "UPDATE activity SET timer_duration = ?, timer_left = ?, timer_ends = ?,"
	                   " timer_advance = ? WHERE id = ?",
	                   "iinii", timer->duration, timer->left, timer->ends,
	                   (long long)(timer->advance != 0), activity_id);
}

/* store__each's row of the running timers. */
struct running {
	int (*fn)(void *ctx, const char *code, const char *slug, long long ends);
	void *ctx;
};

static int running_row(void *ctx, sqlite3_stmt *st)
{
	struct running *r = ctx;
	return r->fn(r->ctx, (const char *)sqlite3_column_text(st, 0),
	             (const char *)sqlite3_column_text(st, 1), sqlite3_column_int64(st, 2));
}

int store_running_timers(store *s,
                         int (*fn)(void *ctx, const char *code, const char *slug, long long ends),
                         void *ctx)
{
	struct running r = {fn, ctx};
	return store__each(s,
	                   store__query(s,
	                                "SELECT s.code, a.slug, a.timer_ends FROM activity a"
	                                " JOIN seminar s ON s.id = a.seminar_id"
	                                " WHERE a.timer_ends IS NOT NULL AND a.archived IS NULL",
	                                ""),
	                   running_row, &r);
}

int store_contribution_add(store *s, long long board_id, long long participant_id,
                           long long parent_id, const char *text, const char *author,
                           store_added *out)
{
	sqlite3_stmt *st = store__query(
		s,
		"INSERT INTO contribution"
		" (board_id, participant_id, parent_id, position, text, author, created)"
		" VALUES (?1, ?2, ?3, CASE WHEN ?3 IS NULL THEN 0 ELSE"
		" (SELECT COALESCE(MAX(position) + 1, 0) FROM contribution WHERE parent_id = ?3)"
		" END, ?4, ?5, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"
		" RETURNING id, position, created",
		"iintt", board_id, participant_id, parent_id, text, author);
	int rc = one_row(s, st);

	memset(out, 0, sizeof *out);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
	out->id = sqlite3_column_int64(st, 0);
	out->position = sqlite3_column_int64(st, 1);
	snprintf(out->created, sizeof out->created, "%s",
	         (const char *)sqlite3_column_text(st, 2));
	sqlite3_reset(st); /* the insert was done by the first step */
	return STORE_OK;
}

int store_contribution_set_text(store *s, long long id, const char *text)
{
	return store__exec(s, "UPDATE contribution SET text = ?, edited = 1, original = NULL WHERE id = ?",
	                   "ti", text, id);
}

int store_contribution_set_state(store *s, long long id, vocab_contribution_state state)
{
	const vocab_contribution_row *row = vocab_contribution(state);
	if (!row)
		return STORE_ERR;
	return store__exec(s, "UPDATE contribution SET state = ? WHERE id = ?", "ti", row->name,
	                   id);
}

int store_contribution_delete(store *s, long long id)
{
	int rc = store__exec(s, "UPDATE contribution SET state = 'deleted' WHERE id = ?", "i",
	                     id);
	if (rc == STORE_OK)
		rc = store__exec(s, "DELETE FROM vote WHERE contribution_id = ?", "i", id);
	return rc;
}

int store_vote_add(store *s, long long participant_id, long long contribution_id)
{
	return store__exec(s, "INSERT INTO vote (participant_id, contribution_id) VALUES (?, ?)",
	                   "ii", participant_id, contribution_id);
}

int store_vote_remove(store *s, long long participant_id, long long contribution_id)
{
	return store__exec(s, "DELETE FROM vote WHERE participant_id = ? AND contribution_id = ?",
	                   "ii", participant_id, contribution_id);
}
