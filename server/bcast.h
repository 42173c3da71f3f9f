/*
 * bcast.h — fan-out of server messages: shared reference-counted buffers,
 * a bounded queue of them per connection, and the list of who watches what.
 *
 * Boundary: memory and routing only. No network (ws.c writes what the
 * queues hold and is woken through the callback given to the hub), no
 * SQLite, no JSON. Runs on the event-loop thread only.
 */
#ifndef ATELIER_BCAST_H
#define ATELIER_BCAST_H

#include <stddef.h>

/* One encoded message, shared by every queue that holds it. The payload
 * is preceded by `headroom` writable bytes (lws needs LWS_PRE). */
typedef struct bcast_msg bcast_msg;

/* Copies len bytes of data. Returns NULL when out of memory. The new
 * message has one reference, owned by the caller. */
bcast_msg *bcast_msg_new(const char *data, size_t len, size_t headroom);
/* A message of len bytes for the caller to fill through bcast_msg_data()
 * (a NUL follows them). NULL when out of memory. One reference. */
bcast_msg *bcast_msg_alloc(size_t len, size_t headroom);
void bcast_msg_ref(bcast_msg *m);
void bcast_msg_unref(bcast_msg *m); /* NULL is a no-op */
unsigned char *bcast_msg_data(bcast_msg *m); /* the payload, headroom before it */
size_t bcast_msg_len(const bcast_msg *m);

/* A connection's outgoing queue, bounded in messages and bytes. */
typedef struct bcast_queue bcast_queue;

bcast_queue *bcast_queue_new(size_t max_msgs, size_t max_bytes);
void bcast_queue_free(bcast_queue *q); /* drops its references; NULL ok */
/* Takes a new reference on m. Returns 0, or -1 when the queue is full
 * (the connection is too slow: the caller drops it). */
int bcast_queue_push(bcast_queue *q, bcast_msg *m);
/* The same for a reply: the message bound holds, the byte bound does not
 * (its size is what the client asked for, e.g. the snapshot of a very big
 * board; its bytes still count against what later pushes may add). */
int bcast_queue_push_reply(bcast_queue *q, bcast_msg *m);
bcast_msg *bcast_queue_peek(bcast_queue *q); /* oldest, or NULL; borrowed */
void bcast_queue_pop(bcast_queue *q);        /* drops the oldest */
size_t bcast_queue_count(const bcast_queue *q);

/* The routing table: which connection watches which seminar/activity. */
typedef struct bcast_hub bcast_hub;

/* wake(conn) is called when a message was queued for conn; overflow(conn)
 * when conn's queue was full (the message was not queued). */
typedef void (*bcast_conn_fn)(void *conn);

bcast_hub *bcast_hub_new(bcast_conn_fn wake, bcast_conn_fn overflow);
void bcast_hub_free(bcast_hub *h); /* NULL ok; does not free the queues */

/* Registers (or moves) the connection conn, whose queue is q, as watching
 * seminar_id, and activity_id or every activity when activity_id is 0.
 * A queue watches through one hub at a time. Returns 0 or -1 (memory). */
int bcast_watch(bcast_hub *h, void *conn, bcast_queue *q, long long seminar_id,
                long long activity_id);
/* Stops q's watch; a queue that watches nothing (or NULL) is a no-op. */
void bcast_unwatch(bcast_hub *h, bcast_queue *q);
size_t bcast_watchers(const bcast_hub *h);

/* Queues m for every connection watching seminar_id and either every
 * activity, or activity_id; activity_id 0 means seminar-wide (everyone
 * watching the seminar). Returns how many connections got it. */
size_t bcast_publish(bcast_hub *h, long long seminar_id, long long activity_id,
                     bcast_msg *m);

/* The message for connection conn (borrowed; NULL: none for it). */
typedef bcast_msg *(*bcast_pick_fn)(void *ctx, void *conn);

/* The same, each connection getting the message pick(ctx, conn) gives it:
 * one message per audience, made once and shared by that audience's
 * connections (the caller's pick decides, bcast only routes). */
size_t bcast_publish_each(bcast_hub *h, long long seminar_id, long long activity_id,
                          bcast_pick_fn pick, void *ctx);

#endif
