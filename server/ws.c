/*
 * ws.c — the "atelier.v1" WebSocket: moves bytes between the clients and
 * the core's turn (turn.h). Reassembles each client message (capped) and
 * gives it to turn_message(); ends the turn once per event-loop turn (a
 * timer at 0 µs, so it runs after every message read in this turn); the
 * turn's sinks, here, queue each reply on its connection and publish each
 * event to its watchers (bcast.h). Also runs the turn's deadlines.
 * Every server message is framed once (frame.h: RFC 6455 text frames,
 * headers and payload in one shared buffer); on each SERVER_WRITEABLE a
 * connection sends its pending frames, whole, up to NET_WRITE_BATCH bytes,
 * in one write (issued raw: lws does not frame it again, and buffers a
 * partial send).
 * This relies on WebSocket over HTTP/1.1 with no extension negotiated,
 * which is all Atelier serves (plain HTTP, no TLS, so never WebSocket over
 * HTTP/2, and no permessage-deflate); adding either means framing through
 * LWS_WRITE_TEXT again.
 * A connection closed for a fault of its client (1003, 1008, 1009) gets
 * the replies it is owed first, then the close frame; what it sends
 * meanwhile is read and left, within a bound (close_after_replies).
 * Must not parse messages nor apply rules (the turn does), nor touch
 * SQLite or the HTTP routes.
 */
#include "net.h"
#include "frame.h"

#include <math.h>
#include <stdio.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>

/* What one connection may have waiting: frames queued, their bytes, and
 * how long it may take nothing of them before it is dropped. */
#define QUEUE_MAX_MSGS 4096
#define QUEUE_MAX_BYTES (8u << 20)
#define LAG_SECS_DEFAULT 15
_Static_assert(NET_WRITE_BATCH >= FRAME_MAX, "a write must hold any frame");
/* Writes to one connection are at least this far apart under load
 * (-DFLUSH_US=N builds another interval, to measure: docs/BENCHMARKS.md). */
#ifndef FLUSH_US
#define FLUSH_US (10 * LWS_US_PER_MS)
#endif
/* What the kernel may hold for one connection (it doubles this): beyond,
 * a phone that stopped reading leaves its frames in our queue, where the
 * bounds above see them. Unbounded, loopback or a fast LAN lets the
 * kernel absorb megabytes (minutes of events) before anything shows. */
#define SOCKET_SEND_BUFFER (64 * 1024)

/* Per connection, zeroed by lws, lives from ESTABLISHED to CLOSED. */
struct pss {
	struct lws *wsi;
	turn_client *tc;   /* the connection as the core sees it */
	view_who who;      /* who it receives events as, since its last watch */
	bcast_queue *q;
	size_t sent;       /* bytes of the queue's oldest frame already written */
	lws_usec_t waiting; /* since when its queue waits for the socket */
	size_t due;        /* 1 + its place in net.due (a write is asked at the
	                    * next flush); 0 when not there */
	char *rx;          /* reassembly of a fragmented message; NULL until one comes */
	size_t rx_len;
	int dropped;       /* too slow: being closed */
	int closing;       /* a close code decided (1003, 1008, 1009): the
	                    * replies owed go out, then the close; what the
	                    * client still sends is read and left */
	size_t drained;    /* bytes read and left since closing was decided */
};

size_t ws_session_size(void)
{
	return sizeof(struct pss);
}

/* ===== Queues and wake-ups ===== */

static void drop_slow(void *conn)
{
	struct pss *pss = conn;
	net *n = net_from_wsi(pss->wsi);
	if (pss->dropped)
		return;
	pss->dropped = 1;
	bcast_unwatch(n->hub, pss->q);
	lwsl_notice("dropping a connection that does not read what it is sent\n");
	lws_set_timeout(pss->wsi, PENDING_TIMEOUT_LAGGING, LWS_TO_KILL_ASYNC);
}

/* Asks every connection with something new queued to write. */
static void flush(lws_sorted_usec_list_t *sul)
{
	net *n = lws_container_of(sul, net, flush_sul);
	for (size_t i = 0; i < n->ndue; i++)
		if (n->due[i]) {
			n->due[i]->due = 0;
			lws_callback_on_writable(n->due[i]->wsi);
		}
	n->ndue = 0;
	n->last_flush = lws_now_usecs();
}

/* Something was queued for pss: it writes at the next flush, unless it
 * has taken nothing of its queue for --lag-timeout (the phone stopped
 * reading, its socket buffers are full): then it is dropped, and catches
 * up with "since" when it comes back.
 * Flushes are FLUSH_US apart at least: a connection that gets several
 * events within that time sends them in one write (the cost of a write,
 * in the kernel, hardly depends on its size); the first event after a
 * quiet spell goes at once. */
static void wake(void *conn)
{
	struct pss *pss = conn;
	net *n = net_from_wsi(pss->wsi);
	int lag = n->cfg->lag_secs > 0 ? n->cfg->lag_secs : LAG_SECS_DEFAULT;
	if (bcast_queue_count(pss->q) == 1)
		pss->waiting = n->now;
	else if (n->now - pss->waiting > (lws_usec_t)lag * LWS_US_PER_SEC) {
		drop_slow(pss);
		return;
	}
	if (pss->due)
		return;
	if (n->ndue == n->capdue) {
		size_t ncap = n->capdue ? n->capdue * 2 : 256;
		struct pss **nd = realloc(n->due, ncap * sizeof *nd);
		if (!nd) {
			lws_callback_on_writable(pss->wsi); /* no batching, still sent */
			return;
		}
		n->due = nd;
		n->capdue = ncap;
	}
	if (n->ndue == 0) {
		lws_usec_t at = n->last_flush + FLUSH_US, t = lws_now_usecs();
		lws_sul_schedule(n->ctx, 0, &n->flush_sul, flush, at > t ? at - t : 0);
	}
	n->due[n->ndue++] = pss;
	pss->due = n->ndue;
}

/* Queues m for this connection only; 0, or -1 when it was dropped. */
static int send_frame(struct pss *pss, bcast_msg *m)
{
	if (pss->dropped)
		return -1;
	if (!m || bcast_queue_push_reply(pss->q, m)) {
		drop_slow(pss);
		return -1;
	}
	wake(pss);
	return 0;
}

static void frame_free(void *m)
{
	bcast_msg_unref(m);
}

/* The tail's frame, made the first time a connection sends it and kept
 * with it for the next ones. NULL when out of memory. */
static bcast_msg *tail_frame(snapshot *tail)
{
	bcast_msg *m = snapshot_attached(tail);
	size_t len;
	const char *text;
	if (m)
		return m;
	text = snapshot_text(tail, &len);
	m = frame_text(FRAME_END, text, len, LWS_PRE);
	if (m)
		snapshot_attach(tail, m, frame_free);
	return m;
}

/* Queues a reply for this connection only: text alone, or text as the
 * start of a message that tail ends (one shared frame for every watcher
 * of a board). */
static int send_text(struct pss *pss, const char *text, snapshot *tail)
{
	bcast_msg *m = frame_text(tail ? FRAME_START : FRAME_WHOLE, text, strlen(text), LWS_PRE);
	int rc = send_frame(pss, m);
	bcast_msg_unref(m);
	if (rc == 0 && tail)
		rc = send_frame(pss, tail_frame(tail));
	return rc;
}

static void close_after_replies(struct pss *pss, enum lws_close_status code,
                                const char *reason);

/* ===== The turn's sinks (turn.h) ===== */

/* Ends the turn after every message this loop turn read. */
static void end_turn(lws_sorted_usec_list_t *sul)
{
	net *n = lws_container_of(sul, net, commit_sul);
	n->now = lws_now_usecs();
	turn_end(n->turn);
}

static void sink_pending(void *ctx)
{
	net *n = ctx;
	lws_sul_schedule(n->ctx, 0, &n->commit_sul, end_turn, 1);
}

static int sink_reply(void *ctx, void *conn, const char *text, snapshot *tail)
{
	(void)ctx;
	return send_text(conn, text, tail);
}

/* A watch starts when its reply is queued, so the watcher receives
 * exactly the events committed after its snapshot or catch-up. */
static void sink_watch(void *ctx, void *conn, long long seminar_id, long long activity_id,
                       const view_who *who)
{
	net *n = ctx;
	struct pss *pss = conn;
	if (pss->dropped || pss->closing)
		return;
	pss->who = *who;
	bcast_watch(n->hub, pss, pss->q, seminar_id, activity_id);
}

static void sink_unwatch(void *ctx, void *conn)
{
	net *n = ctx;
	bcast_unwatch(n->hub, ((struct pss *)conn)->q);
}

/* One event being published: its frames, made for an audience the first
 * time a connection of that audience is met. */
struct publishing {
	const seminar_event *e;
	bcast_msg *frame[VIEW_AUDIENCES];
};

/* bcast's pick: the frame of the connection's audience (NULL: none). */
static bcast_msg *frame_for(void *ctx, void *conn)
{
	struct publishing *p = ctx;
	view_audience a;
	size_t len;
	const char *text = seminar_event_for(p->e, &((struct pss *)conn)->who, &len, &a);

	if (!text)
		return NULL;
	if (!p->frame[a]) {
		/* audiences given the same text share its frame */
		for (int b = 0; b < VIEW_AUDIENCES && !p->frame[a]; b++)
			if (p->frame[b] && p->e->text[b] == text) {
				p->frame[a] = p->frame[b];
				bcast_msg_ref(p->frame[a]);
			}
		if (!p->frame[a])
			p->frame[a] = frame_text(FRAME_WHOLE, text, len, LWS_PRE);
	}
	return p->frame[a];
}

static void sink_event(void *ctx, const seminar_event *e)
{
	net *n = ctx;
	struct publishing p = {e, {NULL}};
	bcast_publish_each(n->hub, e->seminar_id, e->activity_id, frame_for, &p);
	for (int a = 0; a < VIEW_AUDIENCES; a++)
		bcast_msg_unref(p.frame[a]);
}

static void sink_close(void *ctx, void *conn, int code, const char *reason)
{
	(void)ctx;
	close_after_replies(conn, (enum lws_close_status)code, reason);
}

static void run_deadlines(lws_sorted_usec_list_t *sul)
{
	net *n = lws_container_of(sul, net, deadline_sul);
	turn_tick(n->turn);
}

/* The turn's clock is lws's: deadlines are lws_now_usecs() values. */
static long long lws_clock(void *ctx)
{
	(void)ctx;
	return (long long)lws_now_usecs();
}

static void sink_deadline(void *ctx, long long at)
{
	net *n = ctx;
	long long now = lws_clock(NULL);
	if (at < 0)
		lws_sul_cancel(&n->deadline_sul);
	else
		lws_sul_schedule(n->ctx, 0, &n->deadline_sul, run_deadlines,
		                 (lws_usec_t)(at > now ? at - now : 0));
}

/* A cold snapshot to build: a job of the snapshot worker. */
static int sink_cold(void *ctx, long long seminar_id, long long activity_id, int facilitator,
                     unsigned long long *job)
{
	net *n = ctx;
	return n->snapshots ? worker_submit_snapshot(n->snapshots, seminar_id, activity_id,
	                                             facilitator, job)
	                    : WORKER_ERR;
}

void ws_snapshots_collect(net *n)
{
	worker_result r;
	while (n->snapshots && worker_collect(n->snapshots, &r))
		turn_cold_done(n->turn, r.id, r.status == WORKER_OK ? r.cold : NULL);
}

turn *ws_turn_new(net *n)
{
	turn_sinks sinks = {n,          sink_pending, sink_reply, sink_watch,    sink_unwatch,
	                    sink_event, sink_close,   sink_deadline, sink_cold};
	return turn_new(n->st, n->rl, lws_clock, NULL, &sinks);
}

void ws_shutdown(net *n, int commit)
{
	if (commit) {
		lws_sul_cancel(&n->commit_sul);
		lws_sul_cancel(&n->deadline_sul);
		turn_end(n->turn);
		return;
	}
	free(n->due);
	n->due = NULL;
	n->ndue = n->capdue = 0;
}

/* ===== Closing a connection that broke the rules ===== */

/* What a closing connection may still send that is read and left, and
 * how long its close may wait for the replies before it: past either
 * bound it is closed at once (the client may then see a bare TCP close). */
#define DRAIN_MAX_BYTES (1u << 20)
#define DRAIN_MAX_SECS 2

/* Decides to close pss with code and reason, without closing yet: the
 * replies this turn already owes it (and those queued) go out first, then
 * the close frame (SERVER_WRITEABLE); meanwhile what the client still
 * sends is read and left, up to DRAIN_MAX_BYTES, so the kernel never has
 * unread input when the socket closes, which would make it answer with a
 * reset that discards the close frame at the client. */
static void close_after_replies(struct pss *pss, enum lws_close_status code,
                                const char *reason)
{
	if (pss->closing)
		return;
	pss->closing = (int)code;
	bcast_unwatch(net_from_wsi(pss->wsi)->hub, pss->q); /* replies only, from now */
	lws_close_reason(pss->wsi, code, (unsigned char *)reason, strlen(reason));
	free(pss->rx);
	pss->rx = NULL;
	pss->rx_len = 0;
	lws_set_timeout(pss->wsi, PENDING_TIMEOUT_CLOSE_SEND, DRAIN_MAX_SECS);
	lws_callback_on_writable(pss->wsi);
}

/* Sends the connection's pending frames, oldest first, in one write of at
 * most NET_WRITE_BATCH bytes. Whole frames only: a control frame lws
 * writes before the next call (ping, pong, close) must fall between two
 * frames; a long message is made of several frames (frame.h), which may
 * go in successive writes. LWS_WRITE_HTTP makes lws send the bytes as
 * they are (lws keeps what the socket did not take and sends it before
 * anything else). Returns 0, or -1 when the connection failed. */
static int write_pending(net *n, struct pss *pss)
{
	unsigned char *out = n->wbuf + LWS_PRE;
	size_t used = 0;
	bcast_msg *m;
	while ((m = bcast_queue_peek(pss->q))) {
		const unsigned char *at = bcast_msg_data(m) + pss->sent;
		size_t f = frame_size(at, bcast_msg_len(m) - pss->sent);
		if (!f || used + f > NET_WRITE_BATCH)
			break;
		memcpy(out + used, at, f);
		used += f;
		pss->sent += f;
		if (pss->sent == bcast_msg_len(m)) {
			pss->sent = 0;
			bcast_queue_pop(pss->q);
		}
	}
	if (used && lws_write(pss->wsi, out, used, LWS_WRITE_HTTP) < (int)used)
		return -1;
	pss->waiting = lws_now_usecs();
	return 0;
}

/* ===== The lws callback ===== */

int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                void *in, size_t len)
{
	struct pss *pss = user;
	net *n = net_from_wsi(wsi);

	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED: {
		char addr[64] = "";
		int sndbuf = SOCKET_SEND_BUFFER;
		pss->wsi = wsi;
		/* best effort: without it only the kernel's own bound applies */
		(void)setsockopt(lws_get_socket_fd(wsi), SOL_SOCKET, SO_SNDBUF, &sndbuf,
		                 sizeof sndbuf);
		if (n->rl)
			lws_get_peer_simple(wsi, addr, sizeof addr);
		pss->tc = turn_client_new(n->turn, pss, addr);
		pss->q = bcast_queue_new(QUEUE_MAX_MSGS, QUEUE_MAX_BYTES);
		if (!pss->tc || !pss->q)
			return -1;
		break;
	}

	case LWS_CALLBACK_CLOSED:
		bcast_unwatch(n->hub, pss->q);
		if (pss->due)
			n->due[pss->due - 1] = NULL;
		turn_client_free(pss->tc);
		bcast_queue_free(pss->q);
		free(pss->rx);
		memset(pss, 0, sizeof *pss);
		break;

	case LWS_CALLBACK_RECEIVE:
		if (pss->closing) { /* read and left, within a bound */
			pss->drained += len;
			return pss->drained > DRAIN_MAX_BYTES ? -1 : 0;
		}
		if (lws_frame_is_binary(wsi)) {
			close_after_replies(pss, LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE,
			                    "text only");
			break;
		}
		if (pss->rx_len + len > PROTO_MAX_MESSAGE_BYTES) {
			close_after_replies(pss, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
			                    "message too large");
			break;
		}
		/* Most messages arrive whole in one callback: parsed where they
		 * lie. Only a message that comes in pieces (fragmented, or over
		 * the protocol's rx_buffer_size) is gathered, in a buffer made for
		 * it and freed after it: an idle phone owns none. */
		if (!pss->rx && lws_is_final_fragment(wsi)) {
			if (turn_message(n->turn, pss->tc, in, len))
				return -1;
			break;
		}
		if (!pss->rx && !(pss->rx = malloc(PROTO_MAX_MESSAGE_BYTES)))
			return -1;
		memcpy(pss->rx + pss->rx_len, in, len);
		pss->rx_len += len;
		if (!lws_is_final_fragment(wsi))
			break;
		int rc = turn_message(n->turn, pss->tc, pss->rx, pss->rx_len);
		free(pss->rx);
		pss->rx = NULL;
		pss->rx_len = 0;
		if (rc)
			return -1;
		break;

	case LWS_CALLBACK_SERVER_WRITEABLE: {
		if (pss->dropped)
			return -1;
		if (write_pending(n, pss))
			return -1;
		if (bcast_queue_count(pss->q) || (pss->closing && turn_client_waiting(pss->tc)))
			lws_callback_on_writable(wsi);
		else if (pss->closing)
			return -1; /* lws sends the close frame decided earlier */
		break;
	}

	default:
		break;
	}
	return 0;
}

/* Keeps the wake/overflow functions private to this file while server.c
 * builds the hub. */
bcast_hub *ws_hub_new(void)
{
	return bcast_hub_new(wake, drop_slow);
}
