/*
 * store_objects.c — rows turned into the JSON objects of the protocol
 * (seminar, activity, board, contribution: docs/PROTOCOL.md) and the row
 * builders that the synthesis (store_dump.c) shares.
 *
 * Boundary: reads only. Masks what the protocol masks (a hidden
 * contribution's text and author unless asked for in full, a deleted
 * one's always). Must not write, nor decide who may see what: the caller
 * says "full".
 */
#include "store_private.h"
#include "vocab.h"
#include "store_domain.h"

#include <string.h>

/* ===== Row builders ===== */

static const char *text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? (const char *)t : "";
}

json_t *store__text_or_null(sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return json_null();
	return json_string(text(st, col));
}

json_t *store__activity_row(sqlite3_stmt *st, int flags)
{
	(void)flags;
	json_t *animators = json_loads(text(st, 7), 0, NULL);

	if (!json_is_array(animators)) {
		json_decref(animators);
		animators = json_array();
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:o}",
	                 "id", text(st, 1), "title", text(st, 2),
	                 "question", text(st, 3), "template", text(st, 4),
	                 "state", text(st, 5),
	                 "vote_budget", (json_int_t)sqlite3_column_int64(st, 6),
	                 "animators", animators);
}

json_t *store__board_row(sqlite3_stmt *st, int flags)
{
	(void)flags;
	return json_pack("{s:s, s:s, s:s, s:s}", "id", text(st, 1),
	                 "title", text(st, 2), "prompt", text(st, 3),
	                 "kind", text(st, 4));
}

json_t *store__contribution_row(sqlite3_stmt *st, int flags)
{
	const char *state = text(st, 7);
	int s = vocab_contribution_find(state);
	/* a deleted text is gone for everyone; one not shown (hidden,
	 * awaiting, merged) reaches only a facilitator's full view */
	int masked = s < 0 || s == VOCAB_DELETED ||
	             (!vocab_contribution((vocab_contribution_state)s)->shown &&
	              !(flags & STORE__FULL));
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "id", json_integer(sqlite3_column_int64(st, 0)));
	if (!(flags & STORE__DUMP)) {
		json_object_set_new(o, "activity", json_string(text(st, 1)));
		json_object_set_new(o, "board", json_string(text(st, 2)));
		json_object_set_new(o, "parent", sqlite3_column_type(st, 3) == SQLITE_NULL
		                                     ? json_null()
		                                     : json_integer(sqlite3_column_int64(st, 3)));
		json_object_set_new(o, "position", json_integer(sqlite3_column_int64(st, 4)));
	}
	json_object_set_new(o, "text", masked ? json_null() : store__text_or_null(st, 5));
	json_object_set_new(o, "author", masked ? json_null() : store__text_or_null(st, 6));
	json_object_set_new(o, "state", json_string(state));
	json_object_set_new(o, "votes", json_integer(sqlite3_column_int64(st, 8)));
	json_object_set_new(o, "created", json_string(text(st, 9)));
	json_object_set_new(o, "edited", json_boolean(sqlite3_column_int(st, 10)));
	if (json_object_size(o) != ((flags & STORE__DUMP) ? 7u : 11u)) {
		json_decref(o); /* a member failed to build (out of memory) */
		return NULL;
	}
	return o;
}

/* ===== Lists of ids ===== */

static json_t *id_row(sqlite3_stmt *st, int flags)
{
	(void)flags;
	return json_integer(sqlite3_column_int64(st, 0));
}

/* Runs sql (one integer parameter) and collects its first column. */
static int ids(store *s, const char *sql, long long id, json_t **out)
{
	return store__many(s, store__query(s, sql, "i", id), id_row, 0, out);
}

int store_participant_contributions(store *s, long long participant_id, json_t **out)
{
	return ids(s,
	           "SELECT id FROM contribution"
	           " WHERE participant_id = ? AND state <> 'deleted' ORDER BY id",
	           participant_id, out);
}

int store_participant_votes(store *s, long long participant_id, json_t **out)
{
	return ids(s,
	           "SELECT contribution_id FROM vote WHERE participant_id = ?"
	           " ORDER BY contribution_id",
	           participant_id, out);
}

int store_contribution_actions(store *s, long long parent_id, json_t **out)
{
	return ids(s,
	           "SELECT id FROM contribution"
	           " WHERE parent_id = ? AND state <> 'deleted' ORDER BY position, id",
	           parent_id, out);
}

/* ===== Protocol objects ===== */

int store__boards(store *s, json_t *a, long long activity_id, store__child_fn child)
{
	return store__member(s, a, "boards",
	                     store__query(s,
	                                  "SELECT " STORE__BOARD_COLS " FROM board b"
	                                  " WHERE b.activity_id = ? AND b.archived IS NULL"
	                                  " ORDER BY b.position",
	                                  "i", activity_id),
	                     store__board_row, 0, child);
}

/* The boards of an activity object, as the protocol gives them. */
static int add_boards(store *s, json_t *a, long long activity_id)
{
	return store__boards(s, a, activity_id, NULL);
}

int store_activity_json(store *s, long long activity_id, json_t **out)
{
	return store__one(s,
	           store__query(s, "SELECT " STORE__ACTIVITY_COLS " FROM activity a WHERE a.id = ?",
	                        "i", activity_id),
	           store__activity_row, 0, add_boards, out);
}

static json_t *seminar_row(sqlite3_stmt *st, int flags)
{
	(void)flags;
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", text(st, 1),
	                 "title", text(st, 2), "date", text(st, 3), "venue", text(st, 4),
	                 "description", text(st, 5));
}

int store__activities(store *s, json_t *o, long long seminar_id, store__child_fn child)
{
	return store__member(s, o, "activities",
	                     store__query(s,
	                                  "SELECT " STORE__ACTIVITY_COLS " FROM activity a"
	                                  " WHERE a.seminar_id = ? AND a.archived IS NULL"
	                                  " ORDER BY a.position",
	                                  "i", seminar_id),
	                     store__activity_row, 0, child);
}

/* The activities of a seminar object, as the protocol gives them. */
static int add_activities(store *s, json_t *sem, long long seminar_id)
{
	return store__activities(s, sem, seminar_id, add_boards);
}

int store_seminar_json(store *s, long long seminar_id, json_t **out)
{
	return store__one(s,
	           store__query(s,
	                        "SELECT id, code, title, date, venue, description FROM seminar"
	                        " WHERE id = ?",
	                        "i", seminar_id),
	           seminar_row, 0, add_activities, out);
}


int store_contribution_json(store *s, long long id, int full, json_t **out)
{
	return store__one(s, store__query(s, STORE__CONTRIBUTIONS " WHERE c.id = ?", "i", id),
	           store__contribution_row, full ? STORE__FULL : 0, NULL, out);
}

void store__snap_clear(store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < STORE__SNAP_SLOTS; i++)
		json_decref(s->snap[i].list);
	memset(s->snap, 0, sizeof s->snap);
}

int store_contributions_json(store *s, long long seminar_id, long long activity_id,
                             int full, json_t **out)
{
	long long seq = 0, version = 0;
	int rc = store_seminar_seq(s, seminar_id, &seq);
	struct store__snap *sn = s->snap, *last = &s->snap[STORE__SNAP_SLOTS - 1];
	full = !!full;
	if (rc || (rc = store__int(s, &version, "PRAGMA data_version", "")))
		return rc;
	if (version != s->snap_data_version) {
		store__snap_clear(s);
		s->snap_data_version = version;
	}
	for (size_t i = 0; i < STORE__SNAP_SLOTS && sn[i].list; i++)
		if (sn[i].seminar_id == seminar_id && sn[i].activity_id == activity_id &&
		    sn[i].full == full) {
			if (sn[i].seq == seq) {
				*out = json_incref(sn[i].list);
				return STORE_OK;
			}
			last = &sn[i]; /* stale: its slot is the one to reuse */
			break;
		}
	/* One statement per shape: the seminar's, or one activity's. */
	sqlite3_stmt *st =
		activity_id > 0
			? store__query(s, STORE__CONTRIBUTIONS " WHERE a.id = ? AND" STORE__LIVE
			                  " ORDER BY c.id", "i", activity_id)
			: store__query(s, STORE__CONTRIBUTIONS " WHERE a.seminar_id = ? AND" STORE__LIVE
			                  " ORDER BY c.id", "i", seminar_id);
	rc = store__many(s, st, store__contribution_row, full ? STORE__FULL : 0, out);
	if (rc == STORE_OK) {
		/* The slot given up (stale, else the oldest) goes; the newer
		 * ones move down one and the new list comes first. */
		json_decref(last->list);
		memmove(&sn[1], &sn[0], (size_t)(last - sn) * sizeof *sn);
		sn[0] = (struct store__snap){json_incref(*out), seminar_id, activity_id, seq, full};
	}
	return rc;
}
