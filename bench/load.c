/*
 * load.c — the load generator's clients: one libwebsockets client context,
 * one thread, every connection in one event loop.
 *
 * A run goes through phases driven by a 10 ms tick:
 *   admin   (Atelier only) a facilitator connection opens the activity
 *           with the key; then filler phones post the prefill
 *           contributions, FILL_EACH each (within the server's per-phone
 *           rate limit), and stay connected without watching;
 *   connect phones (join, then watch) and screens (watch) are opened, at
 *           most `ramp` at a time, until each is synced;
 *   idle    one second with everybody connected (RSS "idle");
 *   post    post number k (0-based) is written by phone k mod N at
 *           t0 + k/R, its text holds "bench#k@t" (t: µs since the start
 *           of posting) and its id "pk";
 *   drain   until every receiver holds every acknowledged post, bounded;
 *   slow    (S6) the phone that stopped reading reads again: was it
 *           dropped by the server, or did it get everything?
 * Every receiver keeps a bitmap of the posts it saw: an event seen twice is
 * a duplicate, one never seen is missing. Latencies are measured on this
 * process's monotonic clock, from the lws_write() of the post to the read
 * of the event (or the ack).
 *
 * Boundary: WebSocket client traffic and the clock only; the server
 * process is target.c's, the report main.c's. Events are recognised by
 * their first bytes and the "bench#" marker, not parsed as JSON, so that
 * the generator spends its CPU on the network, not on jansson.
 */
#define _GNU_SOURCE
#include "load.h"

#include <jansson.h>
#include <libwebsockets.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define TICK_US 10000
#define CONNECT_MS 180000 /* bound on connecting every client */
#define ADMIN_MS 60000    /* bound on opening the activity and the prefill */
#define IDLE_MS 1000
#define DRAIN_MS 10000 /* bound on waiting for the last events */
#define SLOW_MS 3000   /* bound on the slow phone's verdict */
#define MARK "bench#"
#define FILL_EACH 10 /* prefill posts per filler phone */

/* What a phone posts: about the size of a real contribution. */
#define POST_TEXT "Proposition : ouvrir la cour de l'école aux familles le samedi matin"
/* What a mirror client sends: under the mirror's 128-byte receive buffer,
 * which would otherwise split it into several messages. */
#define MIRROR_TEXT "Proposition : ouvrir la cour aux familles"

enum kind { K_ADMIN, K_FILLER, K_PHONE, K_SCREEN, K_MIRROR };
enum cstate { C_NEW, C_OPENING, C_READY, C_GONE };
enum phase { P_ADMIN, P_CONNECT, P_IDLE, P_POST, P_DRAIN, P_SLOW, P_DONE };

/* One message waiting for a writeable callback. */
struct out_msg {
	struct out_msg *next;
	long long post; /* the post it carries, or -1 */
	size_t len;
	unsigned char buf[]; /* LWS_PRE bytes, then len bytes */
};

/* One client connection; the run owns an array of them. */
struct conn {
	struct run *run;
	struct lws *wsi;
	int idx;
	enum kind kind;
	enum cstate st;
	int slow;              /* the one that stops reading */
	int64_t t_open;
	struct out_msg *head, *tail;
	char *rx;              /* a message arriving in fragments */
	size_t rx_len, rx_cap;
	uint8_t *seen;         /* bitmap of posts received */
	size_t got, dups;
};

struct run {
	const load_config *c;
	load_result *r;
	struct lws_context *ctx;
	lws_sorted_usec_list_t tick, poster;
	struct conn admin;
	struct conn *fillers; /* prefill phones */
	size_t nfillers;
	struct conn *conns; /* phones, then screens */
	size_t n, opened, ready_n, gone_n;
	char host[64], board[80], err[512];
	char (*ifaces)[16];
	enum phase ph;
	int64_t t_phase, t_first_open, t_last_ready, t_post0, t_post_end, t_last_rss;
	size_t nposts, next_post;
	int64_t *t_sent;  /* per post: when written, 0 before */
	uint8_t *answer;  /* per post: 0 none yet, 1 ack, 2 error */
	size_t *senders, nsenders;
	stats *delivery, *ack, *join;
	double server_cpu0, server_wait0, bench_cpu0;
	int closing, done;
};

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static double self_cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void fail_run(struct run *R, const char *why)
{
	if (!R->err[0])
		snprintf(R->err, sizeof R->err, "%s", why);
	R->ph = P_DONE;
}

/* ===== Sending ===== */

/* Queues a text message on k and asks for a writeable callback. */
static void send_text(struct conn *k, long long post, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void send_text(struct conn *k, long long post, const char *fmt, ...)
{
	char body[1024];
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(body, sizeof body, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof body || !k->wsi)
		return;
	struct out_msg *m = malloc(sizeof *m + LWS_PRE + (size_t)len);
	if (!m)
		return;
	m->next = NULL;
	m->post = post;
	m->len = (size_t)len;
	memcpy(m->buf + LWS_PRE, body, (size_t)len);
	if (k->tail)
		k->tail->next = m;
	else
		k->head = m;
	k->tail = m;
	lws_callback_on_writable(k->wsi);
}

static void drop_outbox(struct conn *k)
{
	while (k->head) {
		struct out_msg *m = k->head;
		k->head = m->next;
		free(m);
	}
	k->tail = NULL;
}

/* One message per writeable callback; more are asked for while the
 * outbox is not empty. */
static int on_writeable(struct conn *k)
{
	struct run *R = k->run;
	struct out_msg *m = k->head;
	if (!m)
		return 0;
	if (m->post >= 0) {
		R->t_sent[m->post] = now_us();
		R->r->posts++;
	}
	int n = lws_write(k->wsi, m->buf + LWS_PRE, m->len, LWS_WRITE_TEXT);
	k->head = m->next;
	if (!k->head)
		k->tail = NULL;
	size_t want = m->len;
	free(m);
	if (n < (int)want)
		return -1;
	if (k->head)
		lws_callback_on_writable(k->wsi);
	return 0;
}

static void send_post(struct run *R, size_t post)
{
	struct conn *k = &R->conns[R->senders[post % R->nsenders]];
	long long t = (long long)(now_us() - R->t_post0);
	if (R->c->mirror)
		send_text(k, (long long)post, MARK "%zu@%lld " MIRROR_TEXT, post, t);
	else
		send_text(k, (long long)post,
		          "{\"type\":\"post\",\"id\":\"p%zu\",\"activity\":\"%s\",\"board\":\"%s\","
		          "\"text\":\"" MARK "%zu@%lld " POST_TEXT "\"}",
		          post, R->c->activity, R->board, post, t);
}

/* The poster timer: writes every post that is due, then sleeps until the
 * next one. */
static void post_due(lws_sorted_usec_list_t *sul)
{
	struct run *R = lws_container_of(sul, struct run, poster);
	double rate = R->c->rate;
	int64_t now = now_us();
	size_t due = (size_t)((double)(now - R->t_post0) * rate / 1e6) + 1;
	if (due > R->nposts)
		due = R->nposts;
	while (R->next_post < due)
		send_post(R, R->next_post++);
	if (R->next_post < R->nposts) {
		int64_t at = R->t_post0 + (int64_t)((double)R->next_post * 1e6 / rate);
		lws_sul_schedule(R->ctx, 0, &R->poster, post_due, at > now ? at - now : 1);
	}
}

/* ===== Receiving ===== */

static int starts(const char *m, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && !memcmp(m, prefix, n);
}

/* The number after prefix in m ("re":"p12" -> 12), or -1. */
static long long number_after(const char *m, size_t len, const char *prefix)
{
	const char *p = memmem(m, len, prefix, strlen(prefix));
	if (!p)
		return -1;
	p += strlen(prefix);
	long long v = 0;
	int digits = 0;
	for (; p < m + len && *p >= '0' && *p <= '9'; p++, digits++)
		v = v * 10 + (*p - '0');
	return digits ? v : -1;
}

static void conn_ready(struct conn *k)
{
	struct run *R = k->run;
	int64_t now = now_us();
	if (k->st == C_READY)
		return;
	k->st = C_READY;
	R->ready_n++;
	R->t_last_ready = now;
	stats_add(R->join, (uint32_t)(now - k->t_open));
}

static void deliver(struct conn *k, const char *m, size_t len)
{
	struct run *R = k->run;
	long long post = number_after(m, len, MARK);
	if (post < 0 || (size_t)post >= R->nposts)
		return; /* an activity event, or a prefill contribution */
	uint8_t bit = (uint8_t)(1u << (post & 7));
	if (k->seen[post >> 3] & bit) {
		k->dups++;
		return;
	}
	k->seen[post >> 3] |= bit;
	k->got++;
	if (!k->slow && R->t_sent[post])
		stats_add(R->delivery, (uint32_t)(now_us() - R->t_sent[post]));
}

/* Counts the contributions of a snapshot: their ids are integers, those
 * of the seminar, activities and boards are strings. */
static size_t count_contributions(const char *m, size_t len)
{
	size_t n = 0;
	const char *p = m, *end = m + len;
	while ((p = memmem(p, (size_t)(end - p), "{\"id\":", 6))) {
		p += 6;
		if (p < end && *p >= '0' && *p <= '9')
			n++;
	}
	return n;
}

static void admin_next(struct run *R);

/* Replies the fast paths do not cover: joined, synced, the admin's acks,
 * errors. */
static void on_reply(struct conn *k, const char *m, size_t len)
{
	struct run *R = k->run;
	if (starts(m, len, "{\"type\":\"synced\"")) {
		size_t c = count_contributions(m, len);
		if (!R->r->snapshot_max || c > R->r->snapshot_max)
			R->r->snapshot_max = c;
		if (!R->r->snapshot_min || c < R->r->snapshot_min)
			R->r->snapshot_min = c;
		conn_ready(k);
		return;
	}
	if (starts(m, len, "{\"type\":\"joined\"") && k->kind == K_PHONE) {
		send_text(k, -1, "{\"type\":\"watch\",\"id\":\"w%d\",\"code\":\"%s\",\"activity\":\"%s\"}",
		          k->idx, target_code(R->c->srv), R->c->activity);
		return;
	}
	if (starts(m, len, "{\"type\":\"joined\"") && k->kind == K_FILLER) {
		size_t from = (size_t)k->idx * FILL_EACH, to = from + FILL_EACH;
		for (size_t f = from; f < to && f < (size_t)R->c->prefill; f++)
			send_text(k, -1,
			          "{\"type\":\"post\",\"id\":\"f%zu\",\"activity\":\"%s\",\"board\":\"%s\","
			          "\"text\":\"Contribution déjà là n°%zu : " POST_TEXT "\"}",
			          f, R->c->activity, R->board, f);
		return;
	}
	json_t *j = json_loadb(m, len, 0, NULL);
	const char *type = json_string_value(json_object_get(j, "type"));
	const char *re = json_string_value(json_object_get(j, "re"));
	if (type && !strcmp(type, "error")) {
		if (re && re[0] == 'p') {
			long long post = atoll(re + 1);
			if (post >= 0 && (size_t)post < R->nposts && !R->answer[post]) {
				R->answer[post] = 2;
				R->r->refused++;
			}
		} else {
			char why[300];
			snprintf(why, sizeof why, "the server refused %s: %.200s", re ? re : "a message",
			         json_string_value(json_object_get(j, "code")));
			fail_run(R, why);
		}
	} else if (k->kind == K_ADMIN && type && !strcmp(type, "ack")) {
		json_t *b = json_array_get(json_object_get(json_object_get(j, "activity"), "boards"), 0);
		const char *board = json_string_value(json_object_get(b, "id"));
		if (!board)
			fail_run(R, "the opened activity has no board");
		else {
			snprintf(R->board, sizeof R->board, "%s", board);
			admin_next(R);
		}
	} else if (k->kind == K_FILLER && type && !strcmp(type, "ack")) {
		R->r->prefilled++;
		admin_next(R);
	}
	json_decref(j);
}

static void on_message(struct conn *k, const char *m, size_t len)
{
	struct run *R = k->run;
	if (k->kind == K_MIRROR || starts(m, len, "{\"type\":\"event\"")) {
		deliver(k, m, len);
		return;
	}
	if (starts(m, len, "{\"type\":\"ack\",\"re\":\"p")) {
		long long post = number_after(m, len, "\"re\":\"p");
		if (post >= 0 && (size_t)post < R->nposts && !R->answer[post]) {
			R->answer[post] = 1;
			R->r->acked++;
			if (R->t_sent[post])
				stats_add(R->ack, (uint32_t)(now_us() - R->t_sent[post]));
		}
		return;
	}
	on_reply(k, m, len);
}

/* Reassembles fragments; a message in one piece is handled in place. */
static void on_receive(struct conn *k, const char *in, size_t len, int final)
{
	if (final && !k->rx_len) {
		on_message(k, in, len);
		return;
	}
	if (k->rx_len + len > k->rx_cap) {
		size_t cap = (k->rx_len + len) * 2;
		char *p = realloc(k->rx, cap);
		if (!p)
			return;
		k->rx = p;
		k->rx_cap = cap;
	}
	memcpy(k->rx + k->rx_len, in, len);
	k->rx_len += len;
	if (final) {
		on_message(k, k->rx, k->rx_len);
		k->rx_len = 0;
	}
}

/* ===== Connections ===== */

static void conn_gone(struct conn *k)
{
	struct run *R = k->run;
	if (k->st == C_GONE || R->closing)
		return;
	k->st = C_GONE;
	k->wsi = NULL;
	drop_outbox(k);
	if (k->kind == K_ADMIN || k->kind == K_FILLER) {
		fail_run(R, "the facilitator or a prefill connection was closed");
		return;
	}
	R->gone_n++;
	if (k->slow)
		R->r->slow_dropped = 1;
}

static void on_established(struct conn *k)
{
	struct run *R = k->run;
	const char *code = target_code(R->c->srv);
	switch (k->kind) {
	case K_ADMIN:
		send_text(k, -1,
		          "{\"type\":\"set_state\",\"id\":\"s0\",\"code\":\"%s\",\"key\":\"%s\","
		          "\"activity\":\"%s\",\"state\":\"open\"}",
		          code, target_key(R->c->srv), R->c->activity);
		break;
	case K_PHONE:
	case K_FILLER:
		send_text(k, -1, "{\"type\":\"join\",\"id\":\"j%d\",\"code\":\"%s\"}", k->idx, code);
		break;
	case K_SCREEN:
		send_text(k, -1, "{\"type\":\"watch\",\"id\":\"w%d\",\"code\":\"%s\",\"activity\":\"%s\"}",
		          k->idx, code, R->c->activity);
		break;
	case K_MIRROR:
		conn_ready(k);
		break;
	}
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len)
{
	struct conn *k = user;
	if (!k)
		return 0;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		k->wsi = wsi;
		on_established(k);
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		/* what a phone or a screen is sent until it is synced */
		if (k->st != C_READY && (k->kind == K_PHONE || k->kind == K_SCREEN))
			k->run->r->sync_bytes += (long long)len;
		on_receive(k, in, len, lws_is_final_fragment(wsi));
		break;
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		return on_writeable(k);
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
	case LWS_CALLBACK_CLIENT_CLOSED:
		conn_gone(k);
		break;
	default:
		break;
	}
	return 0;
}

/* Receive buffer of each connection: messages (events, acks) are small; a
 * snapshot comes in pieces of this size and is gathered in conn.rx. */
#define READ_BUFFER 65536
static const struct lws_protocols protocols[] = {
	{"atelier.v1", callback, 0, 4096, 0, NULL, 0},
	{"lws-mirror-protocol", callback, 0, 4096, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0},
};

static void open_conn(struct run *R, struct conn *k)
{
	struct lws_client_connect_info i;
	memset(&i, 0, sizeof i);
	i.context = R->ctx;
	i.address = "127.0.0.1";
	i.port = target_port(R->c->srv);
	i.path = R->c->mirror ? "/?mirror=bench" : "/ws";
	i.host = R->host; /* with the port, as a browser sends it */
	i.origin = R->host; /* lws 4.1 writes "Origin: http://" before it */
	i.protocol = R->c->mirror ? "lws-mirror-protocol" : "atelier.v1";
	i.userdata = k;
	if (R->ifaces && k->kind != K_ADMIN)
		i.iface = R->ifaces[(size_t)k->idx % (size_t)R->c->sources];
	k->st = C_OPENING;
	k->t_open = now_us();
	if (!R->t_first_open && (k->kind != K_ADMIN && k->kind != K_FILLER))
		R->t_first_open = k->t_open;
	if (!lws_client_connect_via_info(&i))
		conn_gone(k);
}

/* ===== Phases ===== */

/* The clients' phase: CPU of both sides is counted from here to the
 * last synced client. */
static void start_connect(struct run *R)
{
	target_sample s;
	target_sample_now(R->c->srv, &s);
	R->server_cpu0 = s.cpu_s;
	R->bench_cpu0 = self_cpu_s();
	R->ph = P_CONNECT;
	R->t_phase = now_us();
}

/* Called once the activity is open, then after each prefill ack: opens
 * the filler phones once, and moves on to the clients when every prefill
 * contribution is acknowledged. */
static void admin_next(struct run *R)
{
	if (R->ph != P_ADMIN)
		return;
	if (R->r->prefilled < (size_t)R->c->prefill) {
		for (size_t i = 0; i < R->nfillers; i++)
			if (R->fillers[i].st == C_NEW)
				open_conn(R, &R->fillers[i]);
		return;
	}
	start_connect(R);
}

/* 1 when every post has its answer and every live receiver holds every
 * acknowledged one. */
static int drained(struct run *R)
{
	size_t due = R->c->mirror ? R->r->posts : R->r->acked;
	if (!R->c->mirror && R->r->acked + R->r->refused < R->nposts)
		return 0;
	for (size_t i = 0; i < R->n; i++) {
		struct conn *k = &R->conns[i];
		if (k->st == C_READY && !k->slow && k->got < due)
			return 0;
	}
	return 1;
}

static void start_posting(struct run *R, int64_t now)
{
	R->senders = calloc(R->n ? R->n : 1, sizeof *R->senders);
	if (!R->senders) {
		fail_run(R, "out of memory");
		return;
	}
	for (size_t i = 0; i < R->n; i++) {
		struct conn *k = &R->conns[i];
		if (k->kind != K_SCREEN && k->st == C_READY && !k->slow)
			R->senders[R->nsenders++] = i;
		if (k->slow && k->wsi)
			lws_rx_flow_control(k->wsi, 0);
	}
	if (!R->nsenders) {
		fail_run(R, "no phone is connected to post");
		return;
	}
	target_sample s;
	target_sample_now(R->c->srv, &s);
	R->server_cpu0 = s.cpu_s;
	R->server_wait0 = s.wait_s;
	R->bench_cpu0 = self_cpu_s();
	R->t_post0 = now;
	R->ph = P_POST;
	lws_sul_schedule(R->ctx, 0, &R->poster, post_due, 1);
}

static void finish_posting(struct run *R, int64_t now)
{
	target_sample_now(R->c->srv, &R->r->after);
	R->r->server_cpu_s = R->r->after.cpu_s - R->server_cpu0;
	R->r->server_wait_s = R->r->after.wait_s - R->server_wait0;
	R->r->bench_cpu_s = self_cpu_s() - R->bench_cpu0;
	R->r->post_s = (double)(now - R->t_post0) / 1e6;
	for (size_t i = 0; i < R->n; i++)
		if (R->conns[i].slow && R->conns[i].wsi) {
			lws_rx_flow_control(R->conns[i].wsi, 1);
			R->ph = P_SLOW;
			R->t_phase = now;
			return;
		}
	R->ph = P_DONE;
}

static void on_tick(lws_sorted_usec_list_t *sul)
{
	struct run *R = lws_container_of(sul, struct run, tick);
	int64_t now = now_us(), in_phase = (now - R->t_phase) / 1000;
	switch (R->ph) {
	case P_ADMIN:
		if (in_phase > ADMIN_MS)
			fail_run(R, "the activity could not be opened and filled in time");
		break;
	case P_CONNECT:
		while (R->opened < R->n && R->opened - R->ready_n - R->gone_n < (size_t)R->c->ramp)
			open_conn(R, &R->conns[R->opened++]);
		if (R->ready_n + R->gone_n >= R->n || in_phase > CONNECT_MS) {
			target_sample s;
			target_sample_now(R->c->srv, &s);
			R->r->sync_server_cpu_s = s.cpu_s - R->server_cpu0;
			R->r->sync_bench_cpu_s = self_cpu_s() - R->bench_cpu0;
			R->r->ready_s = (double)(R->t_last_ready - R->t_first_open) / 1e6;
			R->ph = P_IDLE;
			R->t_phase = now;
		}
		break;
	case P_IDLE:
		if (in_phase < IDLE_MS)
			break;
		target_sample_now(R->c->srv, &R->r->idle);
		if (R->nposts)
			start_posting(R, now);
		else {
			R->r->after = R->r->idle;
			R->ph = P_DONE;
		}
		break;
	case P_POST: {
		/* The server's RSS once warm, then every 10 s: its growth over a
		 * long run (a leak, a cache without bound) shows as end / warm. */
		int64_t warm = (int64_t)(R->c->duration * 1e5);
		if (warm > 60 * 1000000LL)
			warm = 60 * 1000000LL;
		if (now - R->t_post0 >= warm && now - R->t_last_rss >= 10 * 1000000LL) {
			target_sample s;
			if (target_sample_now(R->c->srv, &s) == 0) {
				if (!R->r->rss_warm_kib)
					R->r->rss_warm_kib = s.rss_kib;
				R->r->rss_end_kib = s.rss_kib;
			}
			R->t_last_rss = now;
		}
		if (R->next_post >= R->nposts) {
			R->t_post_end = now;
			R->ph = P_DRAIN;
		}
		break;
	}
	case P_DRAIN:
		if (drained(R) || now - R->t_post_end > (int64_t)DRAIN_MS * 1000)
			finish_posting(R, now);
		break;
	case P_SLOW: {
		struct conn *k = &R->conns[0];
		size_t due = R->c->mirror ? R->r->posts : R->r->acked;
		if (k->st != C_READY || k->got >= due || in_phase > SLOW_MS)
			R->ph = P_DONE;
		break;
	}
	case P_DONE:
		break;
	}
	if (R->ph == P_DONE) {
		R->done = 1;
		lws_cancel_service(R->ctx); /* the loop's poll would wait for a timeout */
	} else
		lws_sul_schedule(R->ctx, 0, &R->tick, on_tick, TICK_US);
}

/* ===== The run ===== */

static void summarize(struct run *R)
{
	load_result *r = R->r;
	size_t due = R->c->mirror ? r->posts : r->acked;
	for (size_t i = 0; i < R->n; i++) {
		struct conn *k = &R->conns[i];
		if (k->slow) {
			r->slow_received = k->got;
			continue;
		}
		if (k->st == C_NEW)
			continue;
		r->expected += due;
		r->delivered += k->got;
		r->duplicates += k->dups;
		if (k->got >= due && k->st == C_READY)
			r->complete++;
	}
	r->clients = R->n;
	r->ready = R->ready_n;
	r->failed = R->gone_n;
	stats_summarize(R->delivery, &r->delivery);
	stats_summarize(R->ack, &r->ack);
	stats_summarize(R->join, &r->join);
}

static int setup(struct run *R, const load_config *c, load_result *r)
{
	R->c = c;
	R->r = r;
	R->n = (size_t)c->phones + (size_t)c->screens;
	R->nposts = c->rate > 0 ? (size_t)(c->rate * c->duration + 0.5) : 0;
	size_t bytes = R->nposts / 8 + 1;
	R->conns = calloc(R->n ? R->n : 1, sizeof *R->conns);
	R->t_sent = calloc(R->nposts + 1, sizeof *R->t_sent);
	R->answer = calloc(R->nposts + 1, 1);
	R->delivery = stats_new();
	R->ack = stats_new();
	R->join = stats_new();
	if (!R->conns || !R->t_sent || !R->answer || !R->delivery || !R->ack || !R->join)
		return -1;
	for (size_t i = 0; i < R->n; i++) {
		struct conn *k = &R->conns[i];
		k->run = R;
		k->idx = (int)i;
		k->kind = c->mirror ? K_MIRROR : i < (size_t)c->phones ? K_PHONE : K_SCREEN;
		k->slow = c->slow && i == 0;
		if (!(k->seen = calloc(bytes, 1)))
			return -1;
	}
	R->admin.run = R;
	R->admin.kind = K_ADMIN;
	R->admin.idx = -1;
	R->nfillers = ((size_t)c->prefill + FILL_EACH - 1) / FILL_EACH;
	if (R->nfillers && !(R->fillers = calloc(R->nfillers, sizeof *R->fillers)))
		return -1;
	for (size_t i = 0; i < R->nfillers; i++) {
		R->fillers[i].run = R;
		R->fillers[i].kind = K_FILLER;
		R->fillers[i].idx = (int)i;
	}
	if (c->sources > 1) {
		R->ifaces = calloc((size_t)c->sources, sizeof *R->ifaces);
		if (!R->ifaces)
			return -1;
		for (int i = 0; i < c->sources; i++)
			snprintf(R->ifaces[i], sizeof R->ifaces[i], "127.0.0.%u", (unsigned char)(i + 1));
	}
	snprintf(R->host, sizeof R->host, "127.0.0.1:%d", target_port(c->srv));
	return 0;
}

static void teardown(struct run *R)
{
	R->closing = 1;
	if (R->ctx)
		lws_context_destroy(R->ctx);
	for (size_t i = 0; R->conns && i < R->n; i++) {
		drop_outbox(&R->conns[i]);
		free(R->conns[i].seen);
		free(R->conns[i].rx);
	}
	drop_outbox(&R->admin);
	free(R->admin.rx);
	for (size_t i = 0; R->fillers && i < R->nfillers; i++) {
		drop_outbox(&R->fillers[i]);
		free(R->fillers[i].rx);
	}
	free(R->fillers);
	free(R->conns);
	free(R->t_sent);
	free(R->answer);
	free(R->senders);
	free(R->ifaces);
	stats_free(R->delivery);
	stats_free(R->ack);
	stats_free(R->join);
}

int load_run(const load_config *c, load_result *out, char *err, size_t err_len)
{
	struct run R;
	struct lws_context_creation_info info;
	int rc = -1;
	memset(&R, 0, sizeof R);
	memset(out, 0, sizeof *out);
	if (setup(&R, c, out)) {
		snprintf(err, err_len, "out of memory for %zu clients", R.n);
		goto cleanup;
	}
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	/* One read takes up to this much of a connection's socket: a
	 * snapshot of 150 KB in a few reads, not forty. */
	info.pt_serv_buf_size = READ_BUFFER;
	info.gid = -1;
	info.uid = -1;
	/* ATELIER_BENCH_LWS_LOG: a libwebsockets log level mask, for debugging. */
	const char *lvl = getenv("ATELIER_BENCH_LWS_LOG");
	lws_set_log_level(lvl ? atoi(lvl) : LLL_ERR, NULL);
	R.ctx = lws_create_context(&info);
	if (!R.ctx) {
		snprintf(err, err_len, "cannot create the libwebsockets client context");
		goto cleanup;
	}
	target_sample_now(c->srv, &out->before);
	R.t_phase = now_us();
	if (c->mirror) {
		start_connect(&R);
	} else {
		R.ph = P_ADMIN;
		open_conn(&R, &R.admin);
	}
	lws_sul_schedule(R.ctx, 0, &R.tick, on_tick, TICK_US);
	while (!R.done)
		if (lws_service(R.ctx, 0) < 0) {
			fail_run(&R, "the event loop failed");
			break;
		}
	summarize(&R);
	if (R.err[0])
		snprintf(err, err_len, "%s", R.err);
	else
		rc = 0;
cleanup:
	teardown(&R);
	return rc;
}
