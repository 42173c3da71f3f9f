/*
 * seminar.h — the domain rules: what a client message does to a seminar.
 * seminar.c runs a message's handler (its row in command.h) after the
 * row's roles allow its sender; the handlers live by actor in
 * seminar_public.c, seminar_participant.c and seminar_facilitator.c.
 *
 * Boundary: takes a parsed proto_msg and the connection's session, checks
 * the rules (joined? activity open? own contribution? vote budget? key?),
 * writes through the store, and returns the reply for the sender and the
 * events to broadcast once the transaction commits. No network: the turn
 * (turn.c) hands what this returns to the sinks. Runs on the event-loop
 * thread only.
 */
#ifndef ATELIER_SEMINAR_H
#define ATELIER_SEMINAR_H

#include <stddef.h>
#include "proto.h"
#include "snapshot.h"
#include "store.h"
#include "view.h"

/* Who sends a message: the turn (turn.h) makes it from the message's key,
 * or from the source of a command the core runs itself. */
typedef struct seminar_principal {
	unsigned role;         /* one enum command_role bit (command.h) */
	long long key_id;      /* the key that acts; 0 without a key */
	long long seminar_id;  /* the key's seminar; 0 for an organiser's key
	                        * (every seminar) or without a key */
	long long activity_id; /* ROLE_ANIMATOR: its one activity; else 0 */
} seminar_principal;

/* Who sends a message carrying key (NULL: none): the holder of the key
 * when it is known and not revoked, else nobody in particular
 * (ROLE_ANYONE; the rules then refuse what needs a key). Returns 0, or a
 * negative store code when the keys could not be read. */
int seminar_sender(store *st, const char *key, seminar_principal *who /* OUT */);

/* Per-connection state: the turn makes one per client (turn_client_new). */
typedef struct seminar_session seminar_session;

seminar_session *seminar_session_new(void);
void seminar_session_free(seminar_session *ss); /* NULL is a no-op */

/* What the connection watches, for routing broadcasts: *seminar_id is 0
 * when it watches nothing yet; *activity_id is 0 when it watches every
 * activity of the seminar. *who is who receives what it watches (view.h):
 * a facilitator's watch, a participant's, or the public's. */
void seminar_session_watch(const seminar_session *ss, long long *seminar_id,
                           long long *activity_id, view_who *who /* OUT */);

/* One event to broadcast after commit, rendered once for each audience
 * (view_wire.h): sent to every connection that watches seminar_id and
 * either every activity or activity_id (activity_id 0 = seminar-wide, goes
 * to every watcher of the seminar), each receiving its audience's text. */
typedef struct seminar_event {
	long long seminar_id;
	long long activity_id;
	long long seq;
	long long object_activity; /* the activity of the event's object: an
	                            * animator of it is a facilitator for it */
	long long author;          /* the participant who wrote its contribution
	                            * (the audience "self"); 0 for none */
	char *text[VIEW_AUDIENCES]; /* NULL: not for that audience; audiences
	                             * given the same bytes share one text */
	size_t len[VIEW_AUDIENCES];
} seminar_event;

/* The text of e that who receives (its length into *len, its audience
 * into *audience; both may be NULL), or NULL when e is not for who. */
const char *seminar_event_for(const seminar_event *e, const view_who *who, size_t *len,
                              view_audience *audience);
/* A copy of src into *dst (texts shared alike); -1 when out of memory
 * (*dst then holds nothing). */
int seminar_event_copy(seminar_event *dst, const seminar_event *src);
/* Frees e's texts and zeroes it; NULL is a no-op. */
void seminar_event_clear(seminar_event *e);

typedef struct seminar_result {
	char *reply;          /* malloc'd JSON for the sender (ack, joined,
	                         synced or error); never NULL after handle.
	                         When tail is set, only the reply's head: the
	                         reply is reply's bytes then tail's. */
	snapshot *tail;       /* a snapshot's shared end, or NULL (owned) */
	int cold;             /* a watch whose snapshot was not in the cache
	                         (snapshot_cache_defers): reply is only the
	                         head, the turn has the rest built elsewhere */
	int is_error;         /* reply is an error; nothing was written */
	proto_err err;
	seminar_event *events; /* malloc'd array, to send after commit */
	size_t nevents;
	long long deadline;    /* > 0: run deadline_text as the core at this
	                         * time (ms of the server's clock): a timer's end */
	char *deadline_text;   /* malloc'd message, or NULL */
} seminar_result;

void seminar_result_clear(seminar_result *r); /* frees and zeroes; NULL ok */

/* The whole reply (reply then tail) as one malloc'd text, or NULL. */
char *seminar_result_text(const seminar_result *r);

/* Handles one message, sent by who (NULL: a connection without a key),
 * with snaps the cache that shares snapshot tails between watchers (the
 * turn's; NULL: every watch makes its own), inside the current
 * transaction (starts one with
 * store_tx_begin when none is open) and a savepoint of its own: on a rule
 * error the savepoint is rolled back, r->reply is an error and r->nevents
 * is 0. The caller commits (store_tx_commit) before sending r->reply if
 * r->nevents > 0 or the message wrote anything, and broadcasts r->events
 * only after a successful commit. Returns 0 when handled (even with an
 * error reply), negative only on an internal failure (r->reply is then an
 * "internal" or "storage" error). */
int seminar_handle(store *st, snapshot_cache *snaps, seminar_session *ss,
                   const seminar_principal *who, const proto_msg *m, seminar_result *r /* OUT */);

/* The message the core runs when the timer of activity slug of the
 * seminar of join code code ends at ends (ms of the server's clock):
 * timer_end, into out[len]. Returns 0, or -1 when it does not fit or a
 * name would need escaping. */
int seminar_timer_end_message(const char *code, const char *slug, long long ends, char *out,
                              size_t len);

/* seminar_handle at now, the server's clock in ms (the turn's): what a
 * timer counts from, and the time replies and activity events say
 * ("now") so that clients count down from the server's clock.
 * seminar_handle is this at 0 (no timer runs; "now" is not said). */
int seminar_handle_at(store *st, snapshot_cache *snaps, seminar_session *ss,
                      const seminar_principal *who, const proto_msg *m, long long now,
                      seminar_result *r /* OUT */);

#endif
