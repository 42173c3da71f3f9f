/*
 * snapshot.h — the end of a "synced" snapshot reply, rendered for an
 * audience (view.h) and shared by every watcher of that audience watching
 * the same board at the same point.
 *
 * A watch answered with a snapshot sends the seminar and every
 * contribution of what it watches: for 500 contributions about 150 KB of
 * JSON. Only the reply's head ({"type":"synced","re":<id>,) differs
 * between two watchers of one audience, board and sequence number, so the
 * rest (proto_encode_reply_tail) is made once, counted, and cached here,
 * once per audience: the public's (screens, participants), the
 * facilitators' (hidden texts given). A participant whose own
 * contributions they see otherwise than the public (one awaiting
 * moderation) gets a tail made for them alone.
 *
 * The cache keys on (seminar, activity, sequence number, store_version):
 * anything that changes what a snapshot shows moves one of them. It keeps
 * the structs it read from the store with its tails, so that a tail for
 * another audience costs no read. One cache per turn (turn.c makes it
 * with the turn and frees it with it); event-loop thread only (like the
 * store). No network, no SQL.
 */
#ifndef ATELIER_SNAPSHOT_H
#define ATELIER_SNAPSHOT_H

#include <stddef.h>
#include "store.h"
#include "view.h"

typedef struct snapshot snapshot;

/* A small cache of tails, the most recently made first. */
typedef struct snapshot_cache snapshot_cache;

/* An empty cache, or NULL when out of memory. */
snapshot_cache *snapshot_cache_new(void);

/* Drops every cached tail (references held elsewhere stay valid) and
 * frees the cache. NULL is a no-op. */
void snapshot_cache_free(snapshot_cache *c);

/* The tail of a snapshot of seminar_id's activity activity_id (0: every
 * activity) at sequence number seq, for who: from c when it holds one for
 * who's audience, else read from st, rendered and kept in c (c NULL: kept
 * nowhere). *out (OUT) is a new reference. Returns STORE_OK or a store
 * code. */
int snapshot_get(snapshot_cache *c, store *st, const view_who *who, long long seminar_id,
                 long long activity_id, long long seq, snapshot **out /* OUT */);

/* ===== Cold snapshots =====
 * A watch whose snapshot is not in the cache (a cold one) need not read
 * and render it on the loop: with snapshot_cache_defer(c, 1) (the server
 * does, with a worker for them), the handler asks snapshot_find() and, on
 * a miss, leaves the reply to the turn, which has the snapshot built on a
 * worker thread (snapshot_cold_build), puts it in the cache
 * (snapshot_cache_put) and answers every watch waiting for it from there
 * (turn.c). */

/* Whether c's handlers leave cold snapshots to a worker (0 at first). */
void snapshot_cache_defer(snapshot_cache *c, int on);
int snapshot_cache_defers(const snapshot_cache *c); /* NULL: 0 */

/* snapshot_get without reading: *out is NULL when c holds nothing for
 * that key (one statement: the store's version). */
int snapshot_find(snapshot_cache *c, store *st, const view_who *who, long long seminar_id,
                  long long activity_id, long long seq, snapshot **out /* OUT */);

/* A snapshot built off the loop: the structs of one board read as of one
 * sequence number, and the tail of one shared audience. */
typedef struct snapshot_cold snapshot_cold;

/* Reads seminar_id's activity_id on st in one read transaction, at the
 * seminar's sequence number then, and renders its tail for the
 * facilitators (facilitator set) or the public. For a thread with a store
 * connection of its own. Returns STORE_OK or a store code. */
int snapshot_cold_build(store *st, long long seminar_id, long long activity_id, int facilitator,
                        snapshot_cold **out /* OUT */);

/* The sequence number it was read at. */
long long snapshot_cold_seq(const snapshot_cold *s);

/* The tail of s for who (a new reference in *out): shared by every
 * watcher of one audience, as snapshot_get's. Returns STORE_OK, or
 * STORE_ERR when out of memory. */
int snapshot_cold_tail(snapshot_cold *s, const view_who *who, snapshot **out /* OUT */);

/* Puts s in c (taken: freed in any case), under st's version, when that
 * version is still `version`, the one read before s was asked for (so no
 * write came between: what s holds is what the store holds), and c holds
 * no entry of that key. Then snapshot_get(..., snapshot_cold_seq(s), ...)
 * finds it. */
void snapshot_cache_put(snapshot_cache *c, store *st, snapshot_cold *s, long long version);

void snapshot_cold_free(snapshot_cold *s); /* NULL is a no-op */

/* The tail's bytes (a NUL follows them) and their length. */
const char *snapshot_text(const snapshot *s, size_t *len);

/* One object the user of the tail attaches to it (ws.c: the tail framed
 * for the wire, so that it is framed once too), released with free_fn
 * when the tail goes. Attach only to a tail with nothing attached yet
 * (snapshot_attached says NULL). */
void *snapshot_attached(const snapshot *s);
void snapshot_attach(snapshot *s, void *obj, void (*free_fn)(void *));

snapshot *snapshot_ref(snapshot *s);
void snapshot_unref(snapshot *s); /* NULL is a no-op */

#endif
