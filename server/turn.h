/*
 * turn.h — the unit of work of the core: a command from any source (a
 * client's WebSocket message, an HTTP request's key, a deadline of the
 * loop, the command line) is parsed, authorized for its sender's role,
 * rate-limited by its class and handled by its row of the command table
 * (command.h) inside the turn's transaction; once per loop turn the
 * transaction is committed, then every reply and event is handed to the
 * sinks. Nothing is acknowledged before the commit.
 *
 * Boundary: no network. The network files only move bytes: they give
 * messages to turn_message() and write what the sinks receive. Tests, the
 * fuzzer and the benchmark's filler drive this module as the server does.
 * Time comes from an injected clock, so deadlines are tested without
 * waiting. Runs on the event-loop thread only.
 */
#ifndef ATELIER_TURN_H
#define ATELIER_TURN_H

#include <stddef.h>
#include "rate.h"
#include "seminar.h"
#include "snapshot.h"
#include "store.h"

typedef struct turn turn;

/* One client connection as the core sees it: its session (joined?
 * watching?) and its rate buckets. Made by the network code, which keeps
 * its own handle (conn) for the sinks. */
typedef struct turn_client turn_client;

/* Microseconds on a monotonic clock. */
typedef long long (*turn_clock_fn)(void *ctx);

/* Where the turn's results go. Every member may be NULL (dropped). */
typedef struct turn_sinks {
	void *ctx;
	/* The turn holds work: call turn_end() once every message read in
	 * this loop turn is in (the server: a timer at 0 µs). */
	void (*pending)(void *ctx);
	/* A reply for connection conn, after the commit: text, then tail (a
	 * shared snapshot end) when not NULL. Returns 0 when queued, -1 when
	 * the connection cannot take it (a watch then does not start). */
	int (*reply)(void *ctx, void *conn, const char *text, snapshot *tail);
	/* After the reply of a watch: conn receives the events of seminar_id
	 * (activity_id 0: every activity; else that one and the seminar-wide
	 * ones) from now on, each as who sees it (seminar_event_for). */
	void (*watch)(void *ctx, void *conn, long long seminar_id, long long activity_id,
	              const view_who *who);
	/* While a watch is handled: conn receives no event until its reply,
	 * which holds them. */
	void (*unwatch)(void *ctx, void *conn);
	/* An event for its watchers, after the commit: each gets the text of
	 * its audience (seminar_event_for), none when it has none. */
	void (*event)(void *ctx, const seminar_event *e);
	/* conn must be closed with code and reason once the replies handed
	 * to it before have gone; what it sends meanwhile is not for the
	 * turn. */
	void (*close)(void *ctx, void *conn, int code, const char *reason);
	/* The next deadline is now at (the clock's µs): call turn_tick() then;
	 * at < 0: none. */
	void (*deadline)(void *ctx, long long at);
	/* A watch's snapshot is not in the cache: have it built off the loop
	 * (snapshot_cold_build(seminar_id, activity_id, facilitator) on a
	 * worker), then call turn_cold_done() with *job (OUT, not 0). Returns
	 * 0, or nonzero when it cannot be queued now (full): the watches wait
	 * and it is asked again at the next turn's end. NULL: snapshots are
	 * built on the loop, in the handler. */
	int (*cold)(void *ctx, long long seminar_id, long long activity_id, int facilitator,
	            unsigned long long *job);
} turn_sinks;

/* A turn over st (borrowed), with its own cache of the snapshot tails its
 * watchers share (snapshot.h), freed with it. rl (borrowed, may be NULL:
 * no rate limits).
 * clock NULL: CLOCK_MONOTONIC. sinks is copied. NULL when out of memory. */
turn *turn_new(store *st, rate *rl, turn_clock_fn clock, void *clock_ctx,
               const turn_sinks *sinks);

/* Rolls back what was not committed, drops pending replies and deadlines,
 * frees. NULL is a no-op. Every client must be freed first. */
void turn_free(turn *t);

/* The clock's time now, in µs. */
long long turn_now(const turn *t);

/* A client on connection conn (handed back to the sinks) from address addr
 * ("" when unknown). NULL when out of memory. */
turn_client *turn_client_new(turn *t, void *conn, const char *addr);

/* The client left: its replies still pending go nowhere. NULL is a no-op. */
void turn_client_free(turn_client *c);

/* 1 while the turn holds a reply for c, which goes out at turn_end(). */
int turn_client_waiting(const turn_client *c);

/* The client's session (what it joined and watches). */
const seminar_session *turn_client_session(const turn_client *c);

/* One text message of len bytes from client c. Its reply waits for
 * turn_end(). A client that keeps sending messages that do not parse is
 * closed (sinks.close, 1008) after the replies it is owed. Returns 0, or
 * -1 when out of memory (the network closes the connection). */
int turn_message(turn *t, turn_client *c, const char *buf, size_t len);

/* Ends the turn: commits, then hands every reply (in arrival order, each
 * followed by the start of its watch) and every event to the sinks. If
 * the commit fails, every write of the turn is answered "storage" and no
 * event goes out. */
void turn_end(turn *t);

/* A snapshot asked of sinks.cold is built (s, taken; NULL: it failed).
 * At the turn's next end (sinks.pending is called) every watch waiting
 * for it gets its reply, then the events committed since the snapshot's
 * sequence number, then its watch (a watch its client replaced since:
 * the reply alone); then it goes into the cache, unless the store was
 * written since it was asked for. */
void turn_cold_done(turn *t, unsigned long long job, snapshot_cold *s);

/* ===== Other sources ===== */

/* Results of turn_key(). */
#define TURN_OK 0
#define TURN_BAD_KEY -1    /* wrong, revoked, of another seminar, or not of roles */
#define TURN_LIMITED -2    /* the address is locked out, or over its bucket */
#define TURN_STORAGE -3    /* the database could not be read */

/* A request that carries a key for the seminar with join code code (HTTP:
 * an export). rc (may be NULL) is its connection's buckets: the request
 * takes a RATE_KEY token, a locked-out address is refused before its key
 * is looked at, and a wrong key counts as a wrong guess. roles: the
 * enum command_role bits that may make it. On TURN_OK *who (OUT) is the
 * key's sender. */
int turn_key(turn *t, rate_conn *rc, const char *code, const char *key, unsigned roles,
             seminar_principal *who /* OUT */);

/* Runs text (a message, as a client would send it) as sent by who (NULL:
 * the core itself, ROLE_SYSTEM) when the clock reaches at; a message of a
 * key's row needs no key then. Its reply goes nowhere; its events go out
 * as any others. Returns 0, or -1 when out of memory. */
int turn_at(turn *t, long long at, const seminar_principal *who, const char *text);

/* Schedules the end of every timer the store holds running (a server
 * that starts again: its clock, CLOCK_MONOTONIC, goes on while the
 * machine does). Returns 0, or a negative store code. */
int turn_resume_timers(turn *t);

/* Runs the commands whose time has come, then ends the turn. */
void turn_tick(turn *t);

/* The next deadline (the clock's µs), or -1 for none. */
long long turn_next_deadline(const turn *t);

/* The command line: runs text as sent by who (NULL: ROLE_SYSTEM) and ends
 * the turn at once. *reply (OUT) is the reply, malloc'd (after the
 * commit: "storage" if it failed). Returns 0, or -1 when out of memory. */
int turn_run(turn *t, const seminar_principal *who, const char *text,
             char **reply /* OUT */);

#endif
