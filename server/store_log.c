/*
 * store_log.c — the two logs that make delivery reliable: the per-seminar
 * event log (sequence numbers, catch-up after a reconnection) and the
 * request table (a participant's write answered once, whatever the number
 * of resends).
 *
 * Boundary: stores and returns encoded messages as text; it does not
 * build them (seminar.c does, through proto.h) nor decide what a watch
 * may see beyond the activity filter.
 */
#include "store_private.h"
#include "store_domain.h"

#include <stdlib.h>
#include <string.h>

/* ===== Event log ===== */

int store_event_next_seq(store *s, long long seminar_id, long long *seq)
{
	return store__int(s, seq,
	                  "UPDATE seminar SET last_seq = last_seq + 1 WHERE id = ?"
	                  " RETURNING last_seq",
	                  "i", seminar_id);
}

int store_event_append(store *s, long long seminar_id, long long seq,
                       long long activity_id, long long key_id, const char *payload)
{
	return store__exec(s,
	                   "INSERT INTO event (seminar_id, seq, activity_id, key_id, payload)"
	                   " VALUES (?, ?, ?, ?, ?)",
	                   "iinnt", seminar_id, seq, activity_id, key_id, payload);
}

int store_event_key(store *s, long long seminar_id, long long seq, long long *key_id)
{
	return store__int(s, key_id,
	                  "SELECT IFNULL(key_id, 0) FROM event WHERE seminar_id = ? AND seq = ?",
	                  "ii", seminar_id, seq);
}

/* A stored payload decoded (NULL if it is not JSON: a bug, an error). */
static json_t *event_row(sqlite3_stmt *st, int flags)
{
	const char *payload = (const char *)sqlite3_column_text(st, 1);
	(void)flags;
	return payload ? json_loads(payload, 0, NULL) : NULL;
}

int store_events_since(store *s, long long seminar_id, long long since,
                       long long activity_id, json_t **out)
{
	return store__many(s,
	                   store__query(s,
	                                "SELECT seq, payload FROM event"
	                                " WHERE seminar_id = ?1 AND seq > ?2 AND"
	                                " (activity_id IS NULL OR ?3 <= 0 OR activity_id = ?3)"
	                                " ORDER BY seq",
	                                "iii", seminar_id, since, activity_id),
	                   event_row, 0, out);
}

/* ===== Idempotence ===== */

int store_request_find(store *s, long long participant_id, const char *client_id,
                       char **reply)
{
	sqlite3_stmt *st = store__query(s,
	                                "SELECT reply FROM request"
	                                " WHERE participant_id = ? AND client_id = ?",
	                                "it", participant_id, client_id);
	int rc;

	*reply = NULL;
	if (!st)
		return store__fail(sqlite3_errcode(s->db));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(st, 0);
		*reply = strdup(text ? text : "");
		rc = *reply ? STORE_OK : STORE_ERR;
	} else {
		rc = rc == SQLITE_DONE ? STORE_NOT_FOUND : store__fail(rc);
	}
	sqlite3_reset(st);
	return rc;
}

int store_request_save(store *s, long long participant_id, const char *client_id,
                       const char *reply)
{
	return store__exec(s,
	                   "INSERT INTO request (participant_id, client_id, reply)"
	                   " VALUES (?, ?, ?)",
	                   "itt", participant_id, client_id, reply);
}
