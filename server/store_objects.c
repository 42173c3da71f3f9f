/*
 * store_objects.c — rows turned into the JSON objects of the synthesis
 * (store_dump.c): the row builders and the lists of activities and
 * boards it fills. The live path no longer comes here: the store gives it
 * C structs (store_read.c) and the views build its JSON.
 *
 * Boundary: reads only. Masks a deleted contribution's text and, unless
 * asked for in full, a hidden one's. Must not write. Goes with the
 * synthesis's move to structs and its export views.
 */
#include "store_private.h"
#include "vocab.h"

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

/* ===== Lists the synthesis fills ===== */

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
