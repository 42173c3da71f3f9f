/*
 * snapshot.h — the end of a "synced" snapshot reply, encoded once and
 * shared by every watcher of the same board at the same point.
 *
 * A watch answered with a snapshot sends the seminar and every
 * contribution of what it watches: for 500 contributions about 150 KB of
 * JSON. Only the reply's head ({"type":"synced","re":<id>,) differs
 * between two watchers of one board at one sequence number, so the rest
 * (proto_encode_reply_tail) is made once, counted, and cached here.
 *
 * The cache keys on the contribution list the store gave (store.h keeps
 * one list per seminar, activity, full flag and sequence number, and gives
 * the same object until the seminar moves) and on the sequence number. It
 * holds a reference on each list it keys on, so a list's address cannot be
 * reused by another while it is cached. One cache per turn (turn.c makes
 * it with the turn and frees it with it); event-loop thread only (like the
 * store). No network, no SQLite.
 */
#ifndef ATELIER_SNAPSHOT_H
#define ATELIER_SNAPSHOT_H

#include <jansson.h>
#include <stddef.h>

typedef struct snapshot snapshot;

/* A small cache of tails, the most recently made first. */
typedef struct snapshot_cache snapshot_cache;

/* An empty cache, or NULL when out of memory. */
snapshot_cache *snapshot_cache_new(void);

/* Drops every cached tail (references held elsewhere stay valid) and
 * frees the cache. NULL is a no-op. */
void snapshot_cache_free(snapshot_cache *c);

/* The tail cached in c for list at seq, as a new reference; NULL when
 * there is none (or c is NULL). */
snapshot *snapshot_find(snapshot_cache *c, json_t *list, long long seq);

/* Encodes body (the reply's members besides type and re; borrowed) as a
 * reply tail, caches it in c for (list, seq) (c NULL: caches nothing) and
 * returns a new reference. NULL when body cannot be a tail or out of
 * memory. */
snapshot *snapshot_make(snapshot_cache *c, json_t *list, long long seq, json_t *body);

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
