/*
 * ws.c — the "atelier.v1" WebSocket protocol: reassembles client messages,
 * hands them to the domain rules, commits once per event-loop turn, then
 * acknowledges and broadcasts.
 *
 * The path of a message: RECEIVE (fragments into a capped buffer) ->
 * proto_parse -> seminar_handle inside the turn's transaction -> the reply
 * waits in net.pend -> commit_turn() (a timer at 0 µs, so it runs after
 * every message read in this turn) commits, then queues each reply on its
 * connection and publishes the events. Nothing is acknowledged before the
 * commit; if the commit fails every write of the turn gets a "storage"
 * error and nothing is broadcast.
 * Every server message is framed once (frame.h: RFC 6455 text frames,
 * headers and payload in one shared buffer); on each SERVER_WRITEABLE a
 * connection sends its pending frames, whole, up to NET_WRITE_BATCH bytes,
 * in one write (issued raw: lws does not frame it again, and buffers a
 * partial send).
 * This relies on WebSocket over HTTP/1.1 with no extension negotiated,
 * which is all Atelier serves (plain HTTP, no TLS, so never WebSocket over
 * HTTP/2, and no permessage-deflate); adding either means framing through
 * LWS_WRITE_TEXT again.
 * Rate limits (rate.h) are applied between parsing and the domain rules:
 * a refused message gets a "rate_limited" error and reaches nothing.
 * Facilitator keys are never logged nor echoed.
 * A connection closed for a fault of its client (1003, 1008, 1009) gets
 * the replies it is owed first, then the close frame; what it sends
 * meanwhile is read and left, within a bound (close_after_replies).
 * Must not touch SQLite directly (store.h only) nor the HTTP routes.
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
	seminar_session *ss;
	bcast_queue *q;
	size_t sent;       /* bytes of the queue's oldest frame already written */
	lws_usec_t waiting; /* since when its queue waits for the socket */
	size_t due;        /* 1 + its place in net.due (a write is asked at the
	                    * next flush); 0 when not there */
	rate_conn *rc;     /* its buckets; NULL when rate limits are off */
	char *rx;          /* reassembly of a fragmented message; NULL until one comes */
	size_t rx_len;
	int dropped;       /* too slow: being closed */
	int closing;       /* a close code decided (1008, 1009): the replies
	                    * queued so far go out, then the close; what the
	                    * client still sends is read and left */
	size_t drained;    /* bytes read and left since closing was decided */
};

/* A reply of this turn, sent after the commit. */
struct pending {
	struct pss *pss;   /* NULL once the connection closed */
	char *reply;
	snapshot *tail;    /* the reply's shared end (a snapshot), or NULL */
	char re[PROTO_MAX_ID_CHARS + 1];
	int is_error;
	int wrote;         /* needs the commit (any message that reached the store) */
	int watch;         /* the reply starts a watch: register it when sent */
	long long seminar_id, activity_id;
	seminar_event *events;
	size_t nevents;
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
static void send_text(struct pss *pss, const char *text, snapshot *tail)
{
	bcast_msg *m = frame_text(tail ? FRAME_START : FRAME_WHOLE, text, strlen(text), LWS_PRE);
	int rc = send_frame(pss, m);
	bcast_msg_unref(m);
	if (rc == 0 && tail)
		send_frame(pss, tail_frame(tail));
}

/* ===== The turn: pending replies and the group commit ===== */

static void pending_clear(struct pending *p)
{
	free(p->reply);
	snapshot_unref(p->tail);
	for (size_t i = 0; i < p->nevents; i++)
		free(p->events[i].payload);
	free(p->events);
	memset(p, 0, sizeof *p);
}

static void commit_turn(lws_sorted_usec_list_t *sul);

static struct pending *pending_add(net *n, struct pss *pss)
{
	if (n->npend == n->cappend) {
		size_t ncap = n->cappend ? n->cappend * 2 : 64;
		struct pending *np = realloc(n->pend, ncap * sizeof *np);
		if (!np)
			return NULL;
		n->pend = np;
		n->cappend = ncap;
	}
	if (n->npend == 0)
		lws_sul_schedule(n->ctx, 0, &n->commit_sul, commit_turn, 1);
	struct pending *p = &n->pend[n->npend++];
	memset(p, 0, sizeof *p);
	p->pss = pss;
	return p;
}

static void publish(net *n, const seminar_event *e)
{
	bcast_msg *m = frame_text(FRAME_WHOLE, e->payload, e->len, LWS_PRE);
	if (!m)
		return;
	bcast_publish(n->hub, e->seminar_id, e->activity_id, m);
	bcast_msg_unref(m);
}

/* Commits the turn's transaction, then sends every reply in arrival order.
 * A watch is registered when its reply is queued, so the watcher receives
 * exactly the events committed after its snapshot or catch-up. */
static void commit_turn(lws_sorted_usec_list_t *sul)
{
	net *n = lws_container_of(sul, net, commit_sul);
	int failed = 0;
	n->now = lws_now_usecs();
	if (store_tx_active(n->st) && store_tx_commit(n->st)) {
		lwsl_err("commit failed: %s\n", store_errmsg(n->st));
		store_tx_rollback(n->st);
		failed = 1;
	}
	for (size_t i = 0; i < n->npend; i++) {
		struct pending *p = &n->pend[i];
		if (failed && p->wrote && !p->is_error) {
			free(p->reply);
			snapshot_unref(p->tail);
			p->tail = NULL;
			p->reply = proto_encode_error(p->re[0] ? p->re : NULL, PROTO_ERR_STORAGE,
			                              "the write could not be saved");
			p->watch = 0;
			/* nothing of this turn was saved: no event goes out */
		}
		if (p->pss && p->reply) {
			send_text(p->pss, p->reply, p->tail);
			if (p->watch && !p->pss->dropped && !p->pss->closing)
				bcast_watch(n->hub, p->pss, p->pss->q, p->seminar_id, p->activity_id);
		}
		if (!failed)
			for (size_t k = 0; k < p->nevents; k++)
				publish(n, &p->events[k]);
		pending_clear(p);
	}
	n->npend = 0;
}

void ws_shutdown(net *n, int commit)
{
	if (commit) {
		if (n->npend) {
			lws_sul_cancel(&n->commit_sul);
			commit_turn(&n->commit_sul);
		}
		return;
	}
	store_tx_rollback(n->st);
	for (size_t i = 0; i < n->npend; i++)
		pending_clear(&n->pend[i]);
	free(n->pend);
	n->pend = NULL;
	n->npend = n->cappend = 0;
	free(n->due);
	n->due = NULL;
	n->ndue = n->capdue = 0;
	snapshot_cache_clear();
}

/* ===== Rate limits ===== */

static rate_action action_of(proto_type t)
{
	switch (t) {
	case PROTO_JOIN:
	case PROTO_WATCH:
		return RATE_JOIN;
	case PROTO_VOTE:
	case PROTO_UNVOTE:
		return RATE_VOTE;
	case PROTO_POST:
	case PROTO_EDIT:
	case PROTO_DELETE:
		return RATE_POST;
	default:
		return RATE_KEY;
	}
}

/* The secret a message guesses: the key when it carries one, else the
 * join code of a join or watch; -1 for none. */
static int secret_of(const proto_msg *m)
{
	if (m->key)
		return RATE_SECRET_KEY;
	if (m->type == PROTO_JOIN || m->type == PROTO_WATCH)
		return RATE_SECRET_CODE;
	return -1;
}

/* RATE_OK when the message may go on; else writes why into detail. An
 * address locked out of guessing is refused before its guess is looked
 * at, so the refusal says nothing about the secret. */
static int rate_check(struct pss *pss, const proto_msg *m, char *detail, size_t len)
{
	int s = secret_of(m);
	if (!pss->rc)
		return RATE_OK;
	if (s >= 0 && rate_secret_check(pss->rc, (rate_secret)s) != RATE_OK) {
		snprintf(detail, len, "too many wrong %s from this address: retry in %.0f s",
		         s == RATE_SECRET_KEY ? "facilitator keys" : "seminar codes",
		         ceil(rate_secret_wait(pss->rc, (rate_secret)s)));
		return RATE_LIMITED;
	}
	if (rate_take(pss->rc, action_of(m->type)) != RATE_OK ||
	    (m->key && m->type == PROTO_WATCH && rate_take(pss->rc, RATE_KEY) != RATE_OK)) {
		snprintf(detail, len, "too many %s requests: retry in a few seconds",
		         proto_type_name(m->type));
		return RATE_LIMITED;
	}
	return RATE_OK;
}

/* Counts a wrong guess of the key or of a join code. */
static void rate_note(struct pss *pss, const proto_msg *m, const seminar_result *r)
{
	int s = secret_of(m);
	if (!pss->rc || !r->is_error || s < 0)
		return;
	if (r->err == PROTO_ERR_BAD_KEY || r->err == PROTO_ERR_UNKNOWN_SEMINAR)
		rate_secret_failed(pss->rc, (rate_secret)s);
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

/* ===== One complete message ===== */

/* Returns 0, or -1 when the connection must close at once (out of
 * memory). Too many messages that do not parse close it after the
 * replies it is owed (close_after_replies). */
static int handle_message(net *n, struct pss *pss, const char *buf, size_t len)
{
	proto_msg m;
	proto_err err;
	char detail[160], re[PROTO_MAX_ID_CHARS + 1];
	struct pending *p = pending_add(n, pss);
	if (!p) {
		lws_close_reason(pss->wsi, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION, NULL, 0);
		return -1;
	}
	if (proto_parse(buf, len, &m, &err, detail, sizeof detail, re, sizeof re)) {
		/* Answered, within a bound: a client that keeps sending what
		 * does not parse is closed rather than served reply after reply. */
		if (pss->rc && rate_take(pss->rc, RATE_BAD) != RATE_OK) {
			p->pss = NULL; /* this one gets the close, not a reply */
			close_after_replies(pss, LWS_CLOSE_STATUS_POLICY_VIOLATION,
			                    "too many invalid messages");
			return 0;
		}
		p->reply = proto_encode_error(re[0] ? re : NULL, err, detail);
		p->is_error = 1;
		return 0;
	}
	snprintf(p->re, sizeof p->re, "%s", m.id);
	if (rate_check(pss, &m, detail, sizeof detail) != RATE_OK) {
		p->reply = proto_encode_error(m.id, PROTO_ERR_RATE_LIMITED, detail);
		p->is_error = 1;
		proto_msg_clear(&m);
		return 0;
	}

	seminar_result r = {0};
	seminar_handle(n->st, pss->ss, &m, &r);
	rate_note(pss, &m, &r);
	p->reply = r.reply;
	p->tail = r.tail;
	p->is_error = r.is_error;
	p->wrote = 1;
	p->events = r.events;
	p->nevents = r.nevents;
	r.reply = NULL;
	r.tail = NULL;
	r.events = NULL;
	r.nevents = 0;
	seminar_result_clear(&r);

	if (m.type == PROTO_WATCH && !p->is_error) {
		int full;
		seminar_session_watch(pss->ss, &p->seminar_id, &p->activity_id, &full);
		p->watch = 1;
		/* Until the reply goes out, events go nowhere for this
		 * connection: they are in its snapshot or catch-up. */
		bcast_unwatch(n->hub, pss->q);
	}
	proto_msg_clear(&m);
	return 0;
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

/* 1 while the turn still holds a reply for pss (it goes out after the
 * commit). */
static int owed_replies(const net *n, const struct pss *pss)
{
	for (size_t i = 0; i < n->npend; i++)
		if (n->pend[i].pss == pss)
			return 1;
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
		if (n->rl) {
			lws_get_peer_simple(wsi, addr, sizeof addr);
			pss->rc = rate_conn_new(n->rl, addr);
			if (!pss->rc)
				return -1;
		}
		pss->ss = seminar_session_new();
		pss->q = bcast_queue_new(QUEUE_MAX_MSGS, QUEUE_MAX_BYTES);
		if (!pss->ss || !pss->q)
			return -1;
		break;
	}

	case LWS_CALLBACK_CLOSED:
		bcast_unwatch(n->hub, pss->q);
		if (pss->due)
			n->due[pss->due - 1] = NULL;
		for (size_t i = 0; i < n->npend; i++)
			if (n->pend[i].pss == pss)
				n->pend[i].pss = NULL;
		seminar_session_free(pss->ss);
		bcast_queue_free(pss->q);
		free(pss->rx);
		rate_conn_free(pss->rc);
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
			if (handle_message(n, pss, in, len))
				return -1;
			break;
		}
		if (!pss->rx && !(pss->rx = malloc(PROTO_MAX_MESSAGE_BYTES)))
			return -1;
		memcpy(pss->rx + pss->rx_len, in, len);
		pss->rx_len += len;
		if (!lws_is_final_fragment(wsi))
			break;
		int rc = handle_message(n, pss, pss->rx, pss->rx_len);
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
		if (bcast_queue_count(pss->q) || (pss->closing && owed_replies(n, pss)))
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
