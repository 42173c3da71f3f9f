/*
 * turn.c — the unit of work of the core (turn.h): parse, authenticate the
 * key, rate-limit by the row's class, handle in the turn's transaction
 * (seminar_handle), then once per loop turn commit and hand the replies
 * and events to the sinks. Also the deadlines the loop runs, the key of an
 * HTTP request and the command line's messages.
 *
 * Boundary: drives the store's transaction and the domain rules; holds
 * the replies of the turn until its commit. Must not touch the network
 * (the sinks do) nor SQL (store.h, store_keys.h only).
 */
#include "turn.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "command.h"
#include "proto.h"
#include "store_domain.h"

/* A reply of this turn, handed to the sinks after the commit. */
struct pending {
	turn_client *c;    /* NULL: the client left, or nobody waits */
	char **out;        /* turn_run: where the reply goes instead */
	char *reply;
	snapshot *tail;    /* the reply's shared end (a snapshot), or NULL */
	char re[PROTO_MAX_ID_CHARS + 1];
	int is_error;
	int wrote;         /* reached the store: needs the commit */
	int watch;         /* the reply starts a watch */
	int cold;          /* its snapshot is to be built off the loop */
	long long seminar_id, activity_id;
	view_who who;      /* who receives what the watch sends */
	seminar_event *events;
	size_t nevents;
};

/* A command to run when the clock reaches at. */
struct deadline {
	long long at;
	seminar_principal who;
	char *text;
};

/* A watch waiting for a cold snapshot: its reply's head, who it is for. */
struct waiter {
	turn_client *c;    /* NULL: the client left */
	int replaced;      /* the client watched anew since: the snapshot
	                    * answers this watch, nothing follows it */
	char *head;
	char re[PROTO_MAX_ID_CHARS + 1];
	view_who who;
};

/* One cold snapshot being built (or waiting for a place in the worker's
 * queue), and the watches waiting for it: one per board and shared
 * audience, however many watch it. The events handed out meanwhile are
 * kept, for the waiters, after the snapshot (those it holds are not). */
struct cold {
	unsigned long long job; /* 0: not queued yet */
	long long seminar_id, activity_id;
	int facilitator;
	long long version;      /* the store's when it was asked (snapshot.h) */
	int done;               /* turn_cold_done came: result */
	int failed;             /* no snapshot, or an event lost: errors */
	snapshot_cold *result;
	struct waiter *w;
	size_t nw, capw;
	seminar_event *held;
	size_t nheld, capheld;
};

struct turn {
	store *st;
	snapshot_cache *snaps; /* the snapshot tails shared by this turn's watchers */
	rate *rl;
	turn_clock_fn clock;
	void *clock_ctx;
	turn_sinks sinks;
	struct pending *pend;
	size_t npend, cappend;
	struct deadline *dl;
	size_t ndl, capdl;
	struct cold **cold;    /* the cold snapshots being built */
	size_t ncold, capcold;
};

struct turn_client {
	turn *t;
	void *conn;
	seminar_session *ss;
	rate_conn *rc;     /* NULL when rate limits are off */
	int closing;       /* closed for too many bad messages: nothing more */
};

static long long monotonic_us(void *ctx)
{
	struct timespec ts;
	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

turn *turn_new(store *st, rate *rl, turn_clock_fn clock, void *clock_ctx,
               const turn_sinks *sinks)
{
	turn *t = calloc(1, sizeof *t);
	if (!t || !(t->snaps = snapshot_cache_new())) {
		free(t);
		return NULL;
	}
	t->st = st;
	t->rl = rl;
	t->clock = clock ? clock : monotonic_us;
	t->clock_ctx = clock_ctx;
	if (sinks)
		t->sinks = *sinks;
	return t;
}

long long turn_now(const turn *t)
{
	return t->clock(t->clock_ctx);
}

static void pending_clear(struct pending *p)
{
	free(p->reply);
	snapshot_unref(p->tail);
	for (size_t i = 0; i < p->nevents; i++)
		seminar_event_clear(&p->events[i]);
	free(p->events);
	memset(p, 0, sizeof *p);
}

static void cold_free(struct cold *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->nw; i++)
		free(g->w[i].head);
	free(g->w);
	for (size_t i = 0; i < g->nheld; i++)
		seminar_event_clear(&g->held[i]);
	free(g->held);
	snapshot_cold_free(g->result);
	free(g);
}

void turn_free(turn *t)
{
	if (!t)
		return;
	store_tx_rollback(t->st);
	for (size_t i = 0; i < t->npend; i++)
		pending_clear(&t->pend[i]);
	free(t->pend);
	for (size_t i = 0; i < t->ndl; i++)
		free(t->dl[i].text);
	free(t->dl);
	for (size_t i = 0; i < t->ncold; i++)
		cold_free(t->cold[i]);
	free(t->cold);
	snapshot_cache_free(t->snaps);
	free(t);
}

/* ===== Clients ===== */

turn_client *turn_client_new(turn *t, void *conn, const char *addr)
{
	turn_client *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->t = t;
	c->conn = conn;
	c->ss = seminar_session_new();
	if (t->rl)
		c->rc = rate_conn_new(t->rl, addr ? addr : "");
	if (!c->ss || (t->rl && !c->rc)) {
		turn_client_free(c);
		return NULL;
	}
	return c;
}

/* c's watches waiting for a cold snapshot: forgotten (gone set: the
 * client left), or replaced by a newer one (answered, not followed). */
static void cold_forget(turn *t, const turn_client *c, int gone)
{
	for (size_t i = 0; i < t->ncold; i++)
		for (size_t k = 0; k < t->cold[i]->nw; k++) {
			struct waiter *w = &t->cold[i]->w[k];
			if (w->c == c && gone)
				w->c = NULL;
			else if (w->c == c)
				w->replaced = 1;
		}
}

void turn_client_free(turn_client *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->t->npend; i++)
		if (c->t->pend[i].c == c)
			c->t->pend[i].c = NULL;
	cold_forget(c->t, c, 1);
	seminar_session_free(c->ss);
	rate_conn_free(c->rc);
	free(c);
}

int turn_client_waiting(const turn_client *c)
{
	for (size_t i = 0; i < c->t->npend; i++)
		if (c->t->pend[i].c == c)
			return 1;
	for (size_t i = 0; i < c->t->ncold; i++)
		for (size_t k = 0; k < c->t->cold[i]->nw; k++)
			if (c->t->cold[i]->w[k].c == c)
				return 1;
	return 0;
}

const seminar_session *turn_client_session(const turn_client *c)
{
	return c->ss;
}

/* ===== The turn's replies ===== */

static struct pending *pending_add(turn *t, turn_client *c)
{
	if (t->npend == t->cappend) {
		size_t ncap = t->cappend ? t->cappend * 2 : 64;
		struct pending *np = realloc(t->pend, ncap * sizeof *np);
		if (!np)
			return NULL;
		t->pend = np;
		t->cappend = ncap;
	}
	if (t->npend == 0 && t->sinks.pending)
		t->sinks.pending(t->sinks.ctx);
	struct pending *p = &t->pend[t->npend++];
	memset(p, 0, sizeof *p);
	p->c = c;
	return p;
}

/* ===== Cold snapshots ===== */

/* Asks the worker for g's snapshot if it is not asked yet; 0 when it is. */
static int cold_queue(turn *t, struct cold *g)
{
	const turn_sinks *k = &t->sinks;
	if (g->job)
		return 0;
	return k->cold(k->ctx, g->seminar_id, g->activity_id, g->facilitator, &g->job) || !g->job
	               ? -1
	               : 0;
}

/* p's watch waits for its snapshot: with the others of its board and
 * audience, or in a new group. Takes p's reply (the head). -1 when out
 * of memory: p then gets no reply. */
static int cold_wait(turn *t, struct pending *p)
{
	int fac = p->who.facilitator && (!p->who.activity_id || p->who.activity_id == p->activity_id);
	struct cold *g = NULL;

	for (size_t i = 0; i < t->ncold && !g; i++) {
		struct cold *x = t->cold[i];
		if (!x->failed && x->seminar_id == p->seminar_id && x->activity_id == p->activity_id &&
		    x->facilitator == fac)
			g = x;
	}
	if (!g) {
		if (t->ncold == t->capcold) {
			size_t ncap = t->capcold ? 2 * t->capcold : 8;
			struct cold **nc = realloc(t->cold, ncap * sizeof *nc);
			if (!nc)
				return -1;
			t->cold = nc;
			t->capcold = ncap;
		}
		if (!(g = calloc(1, sizeof *g)))
			return -1;
		if (store_version(t->st, &g->version) != STORE_OK)
			g->version = -1; /* never cached */
		g->seminar_id = p->seminar_id;
		g->activity_id = p->activity_id;
		g->facilitator = fac;
		t->cold[t->ncold++] = g; /* asked for at the turn's end (cold_end) */
	}
	if (g->nw == g->capw) {
		size_t ncap = g->capw ? 2 * g->capw : 8;
		struct waiter *nw = realloc(g->w, ncap * sizeof *nw);
		if (!nw)
			return -1;
		g->w = nw;
		g->capw = ncap;
	}
	struct waiter *w = &g->w[g->nw++];
	memset(w, 0, sizeof *w);
	w->c = p->c;
	w->head = p->reply;
	w->who = p->who;
	memcpy(w->re, p->re, sizeof w->re);
	p->reply = NULL;
	return 0;
}

/* Answers the watch re (empty: none) of c with an error, now. */
static void cold_error(turn *t, const turn_client *c, const char *re, proto_err code,
                       const char *why)
{
	const turn_sinks *k = &t->sinks;
	char *err = proto_encode_error(re[0] ? re : NULL, code, why);
	if (err && k->reply)
		k->reply(k->ctx, c->conn, err, NULL);
	free(err);
}

/* Keeps a copy of e for the waiters of every group it would reach. */
static void cold_hold(turn *t, const seminar_event *e)
{
	for (size_t i = 0; i < t->ncold; i++) {
		struct cold *g = t->cold[i];
		if (g->failed || g->seminar_id != e->seminar_id ||
		    (g->activity_id && e->activity_id && g->activity_id != e->activity_id))
			continue;
		if (g->nheld == g->capheld) {
			size_t ncap = g->capheld ? 2 * g->capheld : 16;
			seminar_event *nh = realloc(g->held, ncap * sizeof *nh);
			if (!nh) {
				g->failed = g->done = 1; /* lost an event: the waiters get an error */
				continue;
			}
			g->held = nh;
			g->capheld = ncap;
		}
		if (seminar_event_copy(&g->held[g->nheld], e) == 0)
			g->nheld++;
		else
			g->failed = g->done = 1; /* as above */
	}
}

void turn_cold_done(turn *t, unsigned long long job, snapshot_cold *s)
{
	for (size_t i = 0; i < t->ncold; i++) {
		struct cold *g = t->cold[i];
		if (g->job == job && !g->done) {
			g->result = s;
			g->done = 1;
			g->failed |= !s;
			if (t->npend == 0 && t->sinks.pending)
				t->sinks.pending(t->sinks.ctx);
			return;
		}
	}
	snapshot_cold_free(s);
}

/* Answers g's waiters: the snapshot, the events after it, the watch;
 * then keeps the snapshot in the cache if nothing was written since it
 * was asked for. */
static void cold_answer(turn *t, struct cold *g)
{
	const turn_sinks *k = &t->sinks;
	long long seq = g->result ? snapshot_cold_seq(g->result) : 0;
	int ok = g->result && !g->failed;

	for (size_t i = 0; i < g->nw; i++) {
		struct waiter *w = &g->w[i];
		snapshot *tail = NULL;
		if (!w->c || !k->reply)
			continue;
		if (!ok || snapshot_cold_tail(g->result, &w->who, &tail) != STORE_OK) {
			cold_error(t, w->c, w->re, PROTO_ERR_STORAGE, "the snapshot could not be read");
			continue;
		}
		int sent = k->reply(k->ctx, w->c->conn, w->head, tail) == 0 && !w->replaced;
		snapshot_unref(tail);
		for (size_t e = 0; sent && e < g->nheld; e++) {
			const char *text;
			if (g->held[e].seq <= seq)
				continue; /* in the snapshot */
			if ((text = seminar_event_for(&g->held[e], &w->who, NULL, NULL)))
				sent = k->reply(k->ctx, w->c->conn, text, NULL) == 0;
		}
		if (sent && k->watch)
			k->watch(k->ctx, w->c->conn, g->seminar_id, g->activity_id, &w->who);
	}
	snapshot_cache_put(ok ? t->snaps : NULL, t->st, g->result, g->version);
	g->result = NULL;
}

/* At the turn's end: answers the groups whose snapshot came, asks for
 * the new ones and again for those the worker had no place for. */
static void cold_end(turn *t)
{
	size_t kept = 0;
	for (size_t i = 0; i < t->ncold; i++) {
		struct cold *g = t->cold[i];
		if (g->done) {
			cold_answer(t, g);
			cold_free(g);
			continue;
		}
		cold_queue(t, g);
		t->cold[kept++] = g;
	}
	t->ncold = kept;
}

void turn_end(turn *t)
{
	const turn_sinks *k = &t->sinks;
	int failed = 0;

	if (store_tx_active(t->st) && store_tx_commit(t->st)) {
		fprintf(stderr, "atelier: commit failed: %s\n", store_errmsg(t->st));
		store_tx_rollback(t->st);
		failed = 1;
	}
	/* Sinks may add to the turn (a reply's sink never does today); the
	 * count is read once so that anything added waits for the next end. */
	size_t n = t->npend;
	for (size_t i = 0; i < n; i++) {
		struct pending *p = &t->pend[i];
		if (failed && p->wrote && !p->is_error) {
			free(p->reply);
			snapshot_unref(p->tail);
			p->tail = NULL;
			p->reply = proto_encode_error(p->re[0] ? p->re : NULL, PROTO_ERR_STORAGE,
			                              "the write could not be saved");
			p->watch = 0;
			p->cold = 0;
			/* nothing of this turn was saved: no event goes out */
		}
		if (p->out) {
			*p->out = p->tail ? seminar_result_text(&(seminar_result){.reply = p->reply,
			                                                          .tail = p->tail})
			                  : p->reply;
			if (!p->tail)
				p->reply = NULL;
		} else if (p->c && p->reply && p->cold) {
			/* answered when its snapshot is built (cold_end) */
			if (cold_wait(t, p) != 0) /* out of memory: the client asks again */
				cold_error(t, p->c, p->re, PROTO_ERR_INTERNAL,
				           "the snapshot could not be asked for");
		} else if (p->c && p->reply && k->reply && !p->cold &&
		           k->reply(k->ctx, p->c->conn, p->reply, p->tail) == 0 && p->watch &&
		           k->watch) {
			k->watch(k->ctx, p->c->conn, p->seminar_id, p->activity_id, &p->who);
		}
		for (size_t e = 0; !failed && e < p->nevents; e++) {
			if (k->event)
				k->event(k->ctx, &p->events[e]);
			cold_hold(t, &p->events[e]);
		}
		pending_clear(p);
	}
	if (t->npend > n)
		memmove(t->pend, t->pend + n, (t->npend - n) * sizeof *t->pend);
	t->npend -= n;
	cold_end(t);
}

/* ===== Keys and rate limits ===== */

/* The secret a message guesses: the key when it carries one, else the
 * join code of a message that names a seminar without a key; -1 for none. */
static int secret_of(const proto_msg *m)
{
	if (m->key)
		return RATE_SECRET_KEY;
	if (m->code)
		return RATE_SECRET_CODE;
	return -1;
}

/* RATE_OK when the message may go on; else writes why into detail and
 * the whole seconds to wait into *wait: a lock-out's time left, or 1 for
 * an empty bucket (every bucket regains a token within a second). An
 * address locked out of guessing is refused before its guess is looked
 * at, so the refusal says nothing about the secret. A message carrying a
 * key takes a key token besides its row's. */
static int rate_check(rate_conn *rc, const command *row, const proto_msg *m, char *detail,
                      size_t len, long long *wait /* OUT */)
{
	int s = secret_of(m);
	*wait = 1;
	if (!rc)
		return RATE_OK;
	if (s >= 0 && rate_secret_check(rc, (rate_secret)s) != RATE_OK) {
		*wait = (long long)ceil(rate_secret_wait(rc, (rate_secret)s));
		if (*wait < 1)
			*wait = 1;
		snprintf(detail, len, "too many wrong %s from this address: retry in %lld s",
		         s == RATE_SECRET_KEY ? "facilitator keys" : "seminar codes", *wait);
		return RATE_LIMITED;
	}
	if (rate_take(rc, row->rate) != RATE_OK ||
	    (m->key && row->rate != RATE_KEY && rate_take(rc, RATE_KEY) != RATE_OK)) {
		snprintf(detail, len, "too many %s requests: retry in a few seconds", row->name);
		return RATE_LIMITED;
	}
	return RATE_OK;
}

/* Counts a wrong guess of the key or of a join code. */
static void rate_note(rate_conn *rc, const proto_msg *m, const seminar_result *r)
{
	int s = secret_of(m);
	if (!rc || !r->is_error || s < 0)
		return;
	if (r->err == PROTO_ERR_BAD_KEY || r->err == PROTO_ERR_UNKNOWN_SEMINAR)
		rate_secret_failed(rc, (rate_secret)s);
}

int turn_key(turn *t, rate_conn *rc, const char *code, const char *key, unsigned roles,
             seminar_principal *who)
{
	long long sid = 0;
	int r;

	*who = (seminar_principal){ROLE_ANYONE, 0, 0, 0};
	if (rc && (rate_secret_check(rc, RATE_SECRET_KEY) != RATE_OK ||
	           rate_take(rc, RATE_KEY) != RATE_OK))
		return TURN_LIMITED;
	r = key && *key ? seminar_sender(t->st, key, who) : 0;
	if (r == 0 && who->role != ROLE_ANYONE && who->seminar_id) {
		r = store_seminar_find(t->st, code, &sid);
		if (r == STORE_NOT_FOUND) {
			sid = -1;
			r = 0;
		}
	}
	if (r)
		return TURN_STORAGE; /* the database, not the key: no guess counted */
	if (!(who->role & roles) || (who->seminar_id && who->seminar_id != sid)) {
		if (rc)
			rate_secret_failed(rc, RATE_SECRET_KEY);
		*who = (seminar_principal){ROLE_ANYONE, 0, 0, 0};
		return TURN_BAD_KEY;
	}
	return TURN_OK;
}

/* ===== Handling one message ===== */

/* Handles m (parsed) for p, sent by who over c (NULL: no connection). */
static void handle(turn *t, turn_client *c, seminar_session *ss, const seminar_principal *who,
                   const proto_msg *m, struct pending *p)
{
	seminar_result r = {0};

	/* A client's cold snapshot may be built off the loop (sinks.cold). */
	snapshot_cache_defer(t->snaps, c && t->sinks.cold);
	seminar_handle_at(t->st, t->snaps, ss, who, m, turn_now(t) / 1000, &r);
	/* A timer's end, run by the core through this same path (a timer
	 * moved since finds nothing due then). */
	if (r.deadline > 0 && r.deadline_text &&
	    turn_at(t, r.deadline * 1000, NULL, r.deadline_text))
		fprintf(stderr, "atelier: out of memory for a timer's end\n");
	if (c)
		rate_note(c->rc, m, &r);
	p->reply = r.reply;
	p->tail = r.tail;
	p->is_error = r.is_error;
	p->cold = r.cold;
	p->wrote = 1;
	p->events = r.events;
	p->nevents = r.nevents;
	r.reply = NULL;
	r.tail = NULL;
	r.events = NULL;
	r.nevents = 0;
	seminar_result_clear(&r);
	if (c && m->type == PROTO_WATCH)
		cold_forget(t, c, 0); /* a newer watch replaces one still waiting */
	if (c && m->type == PROTO_WATCH && !p->is_error) {
		seminar_session_watch(ss, &p->seminar_id, &p->activity_id, &p->who);
		p->watch = 1;
		/* Until the reply goes out, events go nowhere for this
		 * connection: they are in its snapshot or catch-up. */
		if (t->sinks.unwatch)
			t->sinks.unwatch(t->sinks.ctx, c->conn);
	}
}

int turn_message(turn *t, turn_client *c, const char *buf, size_t len)
{
	proto_msg m;
	proto_err err;
	seminar_principal who;
	char detail[160], re[PROTO_MAX_ID_CHARS + 1];
	long long retry;
	struct pending *p;

	if (c->closing)
		return 0;
	if (!(p = pending_add(t, c)))
		return -1;
	if (proto_parse(buf, len, &m, &err, detail, sizeof detail, re, sizeof re)) {
		/* Answered, within a bound: a client that keeps sending what
		 * does not parse is closed rather than served reply after reply. */
		if (c->rc && rate_take(c->rc, RATE_BAD) != RATE_OK) {
			p->c = NULL; /* this one gets the close, not a reply */
			c->closing = 1;
			if (t->sinks.close)
				t->sinks.close(t->sinks.ctx, c->conn, 1008, "too many invalid messages");
			return 0;
		}
		p->reply = proto_encode_error(re[0] ? re : NULL, err, detail);
		p->is_error = 1;
		return 0;
	}
	snprintf(p->re, sizeof p->re, "%s", m.id);
	if (rate_check(c->rc, command_of(m.type), &m, detail, sizeof detail, &retry) != RATE_OK) {
		p->reply = proto_encode_limited(m.id, detail, retry);
		p->is_error = 1;
	} else if (seminar_sender(t->st, m.key, &who)) {
		p->reply = proto_encode_error(m.id, PROTO_ERR_STORAGE, "the key could not be read");
		p->is_error = 1;
	} else {
		handle(t, c, c->ss, &who, &m, p);
	}
	proto_msg_clear(&m);
	return 0;
}

/* Handles text as sent by who (NULL: the core) with no connection; the
 * reply goes to *out when out is not NULL. */
static int run_text(turn *t, const seminar_principal *who, const char *text, char **out)
{
	static const seminar_principal core = {ROLE_SYSTEM, 0, 0, 0};
	proto_msg m;
	proto_err err;
	char detail[160], re[PROTO_MAX_ID_CHARS + 1];
	struct pending *p = pending_add(t, NULL);
	seminar_session *ss = seminar_session_new();

	if (!p || !ss) {
		seminar_session_free(ss);
		return -1;
	}
	p->out = out;
	if (proto_parse_keyless(text, strlen(text), &m, &err, detail, sizeof detail, re,
	                        sizeof re)) {
		p->reply = proto_encode_error(re[0] ? re : NULL, err, detail);
		p->is_error = 1;
	} else {
		snprintf(p->re, sizeof p->re, "%s", m.id);
		handle(t, NULL, ss, who ? who : &core, &m, p);
		proto_msg_clear(&m);
	}
	seminar_session_free(ss);
	return 0;
}

int turn_run(turn *t, const seminar_principal *who, const char *text, char **reply)
{
	*reply = NULL;
	if (run_text(t, who, text, reply))
		return -1;
	turn_end(t);
	return *reply ? 0 : -1;
}

/* ===== Deadlines ===== */

long long turn_next_deadline(const turn *t)
{
	long long at = -1;
	for (size_t i = 0; i < t->ndl; i++)
		if (at < 0 || t->dl[i].at < at)
			at = t->dl[i].at;
	return at;
}

static void deadline_moved(turn *t)
{
	if (t->sinks.deadline)
		t->sinks.deadline(t->sinks.ctx, turn_next_deadline(t));
}

int turn_at(turn *t, long long at, const seminar_principal *who, const char *text)
{
	static const seminar_principal core = {ROLE_SYSTEM, 0, 0, 0};
	char *copy = strdup(text);

	if (!copy)
		return -1;
	if (t->ndl == t->capdl) {
		size_t ncap = t->capdl ? t->capdl * 2 : 8;
		struct deadline *nd = realloc(t->dl, ncap * sizeof *nd);
		if (!nd) {
			free(copy);
			return -1;
		}
		t->dl = nd;
		t->capdl = ncap;
	}
	t->dl[t->ndl++] = (struct deadline){at, who ? *who : core, copy};
	deadline_moved(t);
	return 0;
}

/* store_running_timers' callback: one timer's end scheduled. */
static int resume_one(void *ctx, const char *code, const char *slug, long long ends)
{
	char text[256];

	if (seminar_timer_end_message(code, slug, ends, text, sizeof text))
		return 0;
	return turn_at(ctx, ends * 1000, NULL, text);
}

int turn_resume_timers(turn *t)
{
	return store_running_timers(t->st, resume_one, t);
}

void turn_tick(turn *t)
{
	long long now = turn_now(t);
	size_t i = 0;
	int ran = 0;

	/* Deadlines that come due while these run (one sets another) wait
	 * for the next tick. */
	while (i < t->ndl) {
		if (t->dl[i].at > now) {
			i++;
			continue;
		}
		struct deadline d = t->dl[i];
		t->dl[i] = t->dl[--t->ndl];
		if (run_text(t, &d.who, d.text, NULL))
			fprintf(stderr, "atelier: out of memory for a deadline's command\n");
		free(d.text);
		ran = 1;
	}
	if (ran)
		turn_end(t);
	deadline_moved(t);
}
