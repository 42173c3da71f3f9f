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
	long long seminar_id, activity_id;
	seminar_event *events;
	size_t nevents;
};

/* A command to run when the clock reaches at. */
struct deadline {
	long long at;
	seminar_principal who;
	char *text;
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
		free(p->events[i].payload);
	free(p->events);
	memset(p, 0, sizeof *p);
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

void turn_client_free(turn_client *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->t->npend; i++)
		if (c->t->pend[i].c == c)
			c->t->pend[i].c = NULL;
	seminar_session_free(c->ss);
	rate_conn_free(c->rc);
	free(c);
}

int turn_client_waiting(const turn_client *c)
{
	for (size_t i = 0; i < c->t->npend; i++)
		if (c->t->pend[i].c == c)
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
			/* nothing of this turn was saved: no event goes out */
		}
		if (p->out) {
			*p->out = p->tail ? seminar_result_text(&(seminar_result){.reply = p->reply,
			                                                          .tail = p->tail})
			                  : p->reply;
			if (!p->tail)
				p->reply = NULL;
		} else if (p->c && p->reply && k->reply &&
		           k->reply(k->ctx, p->c->conn, p->reply, p->tail) == 0 && p->watch &&
		           k->watch) {
			k->watch(k->ctx, p->c->conn, p->seminar_id, p->activity_id);
		}
		if (!failed && k->event)
			for (size_t e = 0; e < p->nevents; e++)
				k->event(k->ctx, &p->events[e]);
		pending_clear(p);
	}
	if (t->npend > n)
		memmove(t->pend, t->pend + n, (t->npend - n) * sizeof *t->pend);
	t->npend -= n;
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

/* RATE_OK when the message may go on; else writes why into detail. An
 * address locked out of guessing is refused before its guess is looked
 * at, so the refusal says nothing about the secret. A message carrying a
 * key takes a key token besides its row's. */
static int rate_check(rate_conn *rc, const command *row, const proto_msg *m, char *detail,
                      size_t len)
{
	int s = secret_of(m);
	if (!rc)
		return RATE_OK;
	if (s >= 0 && rate_secret_check(rc, (rate_secret)s) != RATE_OK) {
		snprintf(detail, len, "too many wrong %s from this address: retry in %.0f s",
		         s == RATE_SECRET_KEY ? "facilitator keys" : "seminar codes",
		         ceil(rate_secret_wait(rc, (rate_secret)s)));
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

	seminar_handle(t->st, t->snaps, ss, who, m, &r);
	if (c)
		rate_note(c->rc, m, &r);
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
	if (c && m->type == PROTO_WATCH && !p->is_error) {
		int full;
		seminar_session_watch(ss, &p->seminar_id, &p->activity_id, &full);
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
	if (rate_check(c->rc, command_of(m.type), &m, detail, sizeof detail) != RATE_OK) {
		p->reply = proto_encode_error(m.id, PROTO_ERR_RATE_LIMITED, detail);
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
