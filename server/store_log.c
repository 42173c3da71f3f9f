/*
 * store_log.c — the two logs that make delivery reliable: the per-seminar
 * event log (sequence numbers, catch-up after a reconnection) and the
 * request table (a participant's write answered once, whatever the number
 * of resends).
 *
 * Boundary: both logs hold what happened, never an encoded message: an
 * event is its sequence number, its kind and the object it is about; a
 * request, the contribution its reply was about. Catching up reads each
 * event's object as it is now (store_read.c's columns), so that the views
 * decide again what each audience may see of it. Must not encode
 * messages nor decide what a watch may see beyond the activity filter.
 */
#include "store_private.h"
#include "store_domain.h"

#include <stdlib.h>
#include <string.h>

/* The kinds' names in the event table. */
static const char *const kinds[] = {
	[STORE_EVENT_CONTRIBUTION] = "contribution",
	[STORE_EVENT_ACTIVITY] = "activity",
	[STORE_EVENT_TALLY] = "tally",
	[STORE_EVENT_SCREEN] = "screen",
};

/* ===== Event log ===== */

int store_event_add(store *s, long long seminar_id, long long activity_id, long long key_id,
                    store_event_kind kind, long long object_id, long long *seq)
{
	int rc;

	if ((unsigned)kind >= sizeof kinds / sizeof kinds[0])
		return STORE_ERR;
	/* The next number is the log's own last one plus one: the primary
	 * key (seminar_id, seq) answers MAX at once. */
	rc = store__int(s, seq,
	                "INSERT INTO event (seminar_id, seq, activity_id, key_id, kind, object_id)"
	                " VALUES (?1, (SELECT IFNULL(MAX(seq), 0) + 1 FROM event"
	                " WHERE seminar_id = ?1), ?2, ?3, ?4, ?5) RETURNING seq",
	                "inntn", seminar_id, activity_id, key_id, kinds[kind], object_id);
	return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
}

int store_event_key(store *s, long long seminar_id, long long seq, long long *key_id)
{
	return store__int(s, key_id,
	                  "SELECT IFNULL(key_id, 0) FROM event WHERE seminar_id = ? AND seq = ?",
	                  "ii", seminar_id, seq);
}

int store_contribution_changed(store *s, long long seminar_id, long long contribution_id,
                               long long seen, long long *changed)
{
	/* The primary key (seminar_id, seq) takes the scan to seen at once. */
	int rc = store__int(s, changed,
	                    "SELECT IFNULL(MIN(seq), 0) FROM event WHERE seminar_id = ?1"
	                     " AND seq > ?2 AND kind IN ('contribution', 'tally')"
	                    " AND object_id = ?3",
	                    "iii", seminar_id, seen, contribution_id);
	return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
}

void store_events_free(store_events *e)
{
	if (!e)
		return;
	free(e->items);
	store_contributions_free(e->objects_);
	free(e);
}

/* A log being read: the events, and the room for them. */
struct events_read {
	store_events *e;
	size_t cap;
};

/* One statement: each event with its contribution, as it is now, when it
 * is about one that is still in the programme (columns 3 on). */
#define EVENTS_SINCE                                                             \
	"SELECT e.seq, e.kind, e.object_id, " STORE__INFO_COLS " FROM event e"       \
	 " LEFT JOIN contribution c ON e.kind IN ('contribution', 'tally')"          \
	" AND c.id = e.object_id"                                                    \
	" LEFT JOIN board b ON b.id = c.board_id AND b.archived IS NULL"             \
	" LEFT JOIN activity a ON a.id = b.activity_id AND a.archived IS NULL"       \
	" WHERE e.seminar_id = ?1 AND e.seq > ?2 AND"                                \
	" (e.activity_id IS NULL OR ?3 <= 0 OR e.activity_id = ?3) ORDER BY e.seq"

/* True when an event of kind kind is about a contribution (its object). */
static int about_contribution(store_event_kind kind)
{
	return kind == STORE_EVENT_CONTRIBUTION || kind == STORE_EVENT_TALLY;
}

/* store__each's row of the log: the event, and its contribution when it
 * is about one still in the programme. */
static int event_row(void *ctx, sqlite3_stmt *st)
{
	struct events_read *r = ctx;
	store_events *e = r->e;
	const char *kind = (const char *)sqlite3_column_text(st, 1);
	store_event_info *it;

	if (e->n == r->cap) {
		size_t ncap = r->cap ? 2 * r->cap : 64;
		store_event_info *items = realloc(e->items, ncap * sizeof *items);
		if (!items)
			return -1;
		e->items = items;
		r->cap = ncap;
	}
	it = &e->items[e->n++];
	memset(it, 0, sizeof *it);
	it->seq = sqlite3_column_int64(st, 0);
	it->kind = STORE_EVENT_CONTRIBUTION;
	for (size_t k = 0; kind && k < sizeof kinds / sizeof kinds[0]; k++)
		if (!strcmp(kind, kinds[k]))
			it->kind = (store_event_kind)k;
	it->object_id = sqlite3_column_int64(st, 2);
	if (about_contribution(it->kind) && sqlite3_column_type(st, 5) != SQLITE_NULL)
		return store__read_contribution(&e->objects_, st, 3) != STORE_OK;
	return 0;
}

int store_events_since(store *s, long long seminar_id, long long since,
                       long long activity_id, store_events **out)
{
	struct events_read r = {calloc(1, sizeof(store_events)), 0};
	store_events *e = r.e;
	int rc = e ? store__each(s, store__query(s, EVENTS_SINCE, "iii", seminar_id, since,
	                                         activity_id),
	                         event_row, &r)
	           : STORE_ERR;

	*out = NULL;
	if (rc != STORE_OK) {
		store_events_free(e);
		return rc;
	}
	/* Each event points at its object once the list no longer moves: the
	 * objects came in the events' order, one for each event whose
	 * contribution is in the programme (two events of one contribution
	 * find it, or miss it, alike). */
	for (size_t i = 0, k = 0; i < e->n; i++) {
		store_event_info *it = &e->items[i];
		if (about_contribution(it->kind) && e->objects_ && k < e->objects_->n &&
		    e->objects_->items[k].id == it->object_id)
			it->contribution = &e->objects_->items[k++];
	}
	*out = e;
	return STORE_OK;
}

/* ===== Idempotence ===== */

int store_request_find(store *s, long long seminar_id, long long participant_id,
                       const char *token, const char *client_id, int *joined,
                       store_request *req)
{
	/* One statement answers both questions a participant's write asks
	 * first: is its participant there, and was this id answered? */
	sqlite3_stmt *st = store__query(s,
	                                "SELECT r.contribution_id, r.votes_left,"
	                                " r.actions FROM participant p LEFT JOIN request r"
	                                " ON r.participant_id = p.id AND r.client_id = ?4"
	                                " WHERE p.id = ?1 AND p.seminar_id = ?2 AND p.token = ?3",
	                                "iitt", participant_id, seminar_id, token, client_id);
	int rc;

	*joined = 0;
	memset(req, 0, sizeof *req);
	if (!st)
		return store__fail(sqlite3_errcode(s->db));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*joined = 1;
		if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
			req->contribution_id = sqlite3_column_int64(st, 0);
			req->votes_left = sqlite3_column_int64(st, 1);
			req->actions = sqlite3_column_int(st, 2);
		}
		rc = req->contribution_id ? STORE_OK : STORE_NOT_FOUND;
	} else {
		rc = rc == SQLITE_DONE ? STORE_NOT_FOUND : store__fail(rc);
	}
	sqlite3_reset(st);
	return rc;
}

int store_request_save(store *s, long long participant_id, const char *client_id,
                       const store_request *req)
{
	return store__exec(s,
	                   "INSERT INTO request"
	                   " (participant_id, client_id, contribution_id, votes_left, actions)"
	                   " VALUES (?, ?, ?, ?, ?)",
	                   "itiii", participant_id, client_id, req->contribution_id,
	                   req->votes_left >= 0 ? req->votes_left : -1LL, (long long)!!req->actions);
}
