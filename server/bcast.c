/*
 * bcast.c — shared message buffers, per-connection queues and the watch
 * table (see bcast.h).
 *
 * A message is allocated once with its headroom and freed when the last
 * queue lets it go. A queue is a ring of message pointers that grows up to
 * its bound. The watch table is a flat array scanned on publish (the
 * place to index by seminar when many seminars run at once); each queue
 * knows its slot, so watching and leaving cost O(1) however many watch.
 * Must not touch the network, the disk or JSON.
 */
#include "bcast.h"

#include <stdlib.h>
#include <string.h>

struct bcast_msg {
	unsigned refs;
	size_t len;
	size_t headroom;
	unsigned char bytes[]; /* headroom, payload, NUL */
};

bcast_msg *bcast_msg_alloc(size_t len, size_t headroom)
{
	bcast_msg *m = malloc(sizeof *m + headroom + len + 1);
	if (!m)
		return NULL;
	m->refs = 1;
	m->len = len;
	m->headroom = headroom;
	m->bytes[headroom + len] = '\0';
	return m;
}

bcast_msg *bcast_msg_new(const char *data, size_t len, size_t headroom)
{
	bcast_msg *m = bcast_msg_alloc(len, headroom);
	if (m)
		memcpy(m->bytes + headroom, data, len);
	return m;
}

void bcast_msg_ref(bcast_msg *m)
{
	m->refs++;
}

void bcast_msg_unref(bcast_msg *m)
{
	if (m && --m->refs == 0)
		free(m);
}

unsigned char *bcast_msg_data(bcast_msg *m)
{
	return m->bytes + m->headroom;
}

size_t bcast_msg_len(const bcast_msg *m)
{
	return m->len;
}

/* ===== Queues ===== */

struct bcast_queue {
	bcast_msg **ring;
	size_t cap;   /* slots allocated */
	size_t head;  /* index of the oldest */
	size_t count;
	size_t bytes;
	size_t max_msgs;
	size_t max_bytes;
	size_t slot;  /* 1 + its index in the hub's watch table; 0: watches nothing */
};

bcast_queue *bcast_queue_new(size_t max_msgs, size_t max_bytes)
{
	bcast_queue *q = calloc(1, sizeof *q);
	if (!q)
		return NULL;
	q->max_msgs = max_msgs;
	q->max_bytes = max_bytes;
	return q;
}

void bcast_queue_free(bcast_queue *q)
{
	if (!q)
		return;
	while (q->count)
		bcast_queue_pop(q);
	free(q->ring);
	free(q);
}

/* Doubles the ring, keeping the order. */
static int grow(bcast_queue *q)
{
	size_t ncap = q->cap ? q->cap * 2 : 8;
	bcast_msg **n = malloc(ncap * sizeof *n);
	if (!n)
		return -1;
	for (size_t i = 0; i < q->count; i++)
		n[i] = q->ring[(q->head + i) % q->cap];
	free(q->ring);
	q->ring = n;
	q->cap = ncap;
	q->head = 0;
	return 0;
}

static int push(bcast_queue *q, bcast_msg *m, int bytes_bound)
{
	if (q->count >= q->max_msgs || (bytes_bound && q->bytes + m->len > q->max_bytes))
		return -1;
	if (q->count == q->cap && grow(q))
		return -1;
	q->ring[(q->head + q->count) % q->cap] = m;
	q->count++;
	q->bytes += m->len;
	bcast_msg_ref(m);
	return 0;
}

int bcast_queue_push(bcast_queue *q, bcast_msg *m)
{
	return push(q, m, 1);
}

int bcast_queue_push_reply(bcast_queue *q, bcast_msg *m)
{
	return push(q, m, 0);
}

bcast_msg *bcast_queue_peek(bcast_queue *q)
{
	return q->count ? q->ring[q->head] : NULL;
}

void bcast_queue_pop(bcast_queue *q)
{
	if (!q->count)
		return;
	bcast_msg *m = q->ring[q->head];
	q->head = (q->head + 1) % q->cap;
	q->count--;
	q->bytes -= m->len;
	bcast_msg_unref(m);
}

size_t bcast_queue_count(const bcast_queue *q)
{
	return q->count;
}

/* ===== Watch table ===== */

struct watcher {
	void *conn;
	bcast_queue *q;
	long long seminar_id;
	long long activity_id;
};

struct bcast_hub {
	struct watcher *w;
	size_t n, cap;
	bcast_conn_fn wake;
	bcast_conn_fn overflow;
};

bcast_hub *bcast_hub_new(bcast_conn_fn wake, bcast_conn_fn overflow)
{
	bcast_hub *h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->wake = wake;
	h->overflow = overflow;
	return h;
}

void bcast_hub_free(bcast_hub *h)
{
	if (!h)
		return;
	free(h->w);
	free(h);
}

int bcast_watch(bcast_hub *h, void *conn, bcast_queue *q, long long seminar_id,
                long long activity_id)
{
	struct watcher *w = q->slot ? &h->w[q->slot - 1] : NULL;
	if (!w) {
		if (h->n == h->cap) {
			size_t ncap = h->cap ? h->cap * 2 : 16;
			struct watcher *nw = realloc(h->w, ncap * sizeof *nw);
			if (!nw)
				return -1;
			h->w = nw;
			h->cap = ncap;
		}
		w = &h->w[h->n++];
		w->q = q;
		q->slot = h->n;
	}
	w->conn = conn;
	w->seminar_id = seminar_id;
	w->activity_id = activity_id;
	return 0;
}

void bcast_unwatch(bcast_hub *h, bcast_queue *q)
{
	if (!q || !q->slot)
		return;
	struct watcher *w = &h->w[q->slot - 1];
	q->slot = 0;
	*w = h->w[--h->n];
	if (w != &h->w[h->n])
		w->q->slot = (size_t)(w - h->w) + 1;
}

size_t bcast_watchers(const bcast_hub *h)
{
	return h->n;
}

/* The one message of bcast_publish, whoever the connection. */
static bcast_msg *the_one(void *ctx, void *conn)
{
	(void)conn;
	return ctx;
}

size_t bcast_publish(bcast_hub *h, long long seminar_id, long long activity_id,
                     bcast_msg *m)
{
	return bcast_publish_each(h, seminar_id, activity_id, the_one, m);
}

size_t bcast_publish_each(bcast_hub *h, long long seminar_id, long long activity_id,
                          bcast_pick_fn pick, void *ctx)
{
	size_t sent = 0;
	/* overflow() may unwatch, which moves the last entry into slot i:
	 * walk backwards so every entry is visited once. */
	for (size_t i = h->n; i-- > 0;) {
		struct watcher *w = &h->w[i];
		bcast_msg *m;
		if (w->seminar_id != seminar_id)
			continue;
		if (activity_id && w->activity_id && w->activity_id != activity_id)
			continue;
		void *conn = w->conn;
		if (!(m = pick(ctx, conn)))
			continue;
		if (bcast_queue_push(w->q, m)) {
			if (h->overflow)
				h->overflow(conn);
			continue;
		}
		sent++;
		if (h->wake)
			h->wake(conn);
	}
	return sent;
}
