/*
 * rate.c — token buckets per connection and per client address, and the
 * lock-out of addresses that guess secrets (see rate.h).
 *
 * A bucket holds at most `burst` tokens and regains `per_sec` tokens a
 * second; an action takes one token from its connection's bucket and one
 * from its address's. Per-address buckets are wide because a whole room
 * may share one address (a venue's NAT, a reverse proxy); per-connection
 * ones are narrower, sized for one person on one phone.
 *
 * Addresses live in a chained hash table. An entry is kept while a
 * connection uses it, and afterwards until it is idle again (buckets full,
 * wrong guesses forgotten); idle entries are swept when the table has
 * doubled since the last sweep. Past RATE_MAX_ADDRS, new addresses share
 * one overflow entry, so memory stays bounded whatever clients do.
 * Must not know about sockets, lws or messages.
 */
#include "rate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RATE_BUCKETS 8192       /* hash slots */
#define RATE_MAX_ADDRS 100000   /* remembered addresses, then overflow */
#define RATE_SWEEP_MIN 1024     /* no sweep below this many entries */

/* ===== The numbers (docs/PROTOCOL.md, "Rate limits") ===== */

struct limit {
	double burst;   /* tokens when full */
	double per_sec; /* tokens regained per second */
};

/* One person on one phone (or one console). */
static const struct limit conn_limits[RATE__COUNT] = {
	[RATE_POST] = {20, 1},   /* an outbox of 20 posts resent at once */
	[RATE_VOTE] = {30, 2},
	[RATE_JOIN] = {20, 1},   /* join, watch, and a watch per activity switch */
	[RATE_KEY] = {30, 2},    /* a facilitator moderating quickly */
	[RATE_BAD] = {20, 1},    /* a client gone wrong: a few answers, then closed */
};

/* A whole room behind one address: 300 phones posting at once. */
static const struct limit addr_limits[RATE__COUNT] = {
	[RATE_POST] = {600, 50},
	[RATE_VOTE] = {1000, 50},
	[RATE_JOIN] = {1200, 20}, /* 300 phones reconnecting at once */
	[RATE_KEY] = {120, 4},
	[RATE_BAD] = {2000, 100}, /* per connection above all: one bad phone
	                           * must not silence its room */
};

struct guess_rule {
	double free;      /* wrong guesses before any lock-out */
	double first;     /* first lock-out, seconds; doubles each time */
	double ceiling;   /* longest lock-out, seconds */
	double forget;    /* seconds of quiet to forget one wrong guess */
};

static const struct guess_rule guess_rules[RATE_SECRET__COUNT] = {
	[RATE_SECRET_KEY] = {5, 1, 300, 60},
	/* Join codes are public (projected on the screen): a room typing
	 * them gets more tries and shorter lock-outs. */
	[RATE_SECRET_CODE] = {20, 1, 60, 10},
};

/* ===== Types ===== */

struct bucket {
	double tokens;
	double t; /* when tokens was last brought up to date */
};

struct guess {
	double fails;        /* wrong guesses not forgotten yet */
	double t;            /* when fails was last brought up to date */
	double locked_until; /* refuse every guess before this time */
};

struct addr_entry {
	struct addr_entry *next; /* hash chain */
	unsigned refs;           /* live connections from this address */
	struct bucket b[RATE__COUNT];
	struct guess g[RATE_SECRET__COUNT];
	char addr[];             /* NUL-terminated */
};

struct rate {
	rate_clock_fn clock;
	void *clock_ctx;
	struct addr_entry *slot[RATE_BUCKETS];
	struct addr_entry *overflow; /* shared past RATE_MAX_ADDRS */
	unsigned count;              /* entries in slot[] */
	unsigned sweep_at;           /* sweep when count reaches this */
};

struct rate_conn {
	rate *r;
	struct addr_entry *a;
	struct bucket b[RATE__COUNT];
};

/* ===== Clock and buckets ===== */

static double monotonic(void *ctx)
{
	struct timespec ts;
	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(const rate *r)
{
	return r->clock(r->clock_ctx);
}

static void buckets_fill(struct bucket *b, const struct limit *lim, double t)
{
	for (int i = 0; i < RATE__COUNT; i++) {
		b[i].tokens = lim[i].burst;
		b[i].t = t;
	}
}

/* Tokens the bucket holds at time t (it does not change the bucket). */
static double bucket_level(const struct bucket *b, const struct limit *lim, double t)
{
	double dt = t > b->t ? t - b->t : 0;
	double v = b->tokens + dt * lim->per_sec;
	return v > lim->burst ? lim->burst : v;
}

static void bucket_update(struct bucket *b, const struct limit *lim, double t)
{
	b->tokens = bucket_level(b, lim, t);
	if (t > b->t)
		b->t = t;
}

/* Forgets the wrong guesses that quiet time has paid for. */
static void guess_update(struct guess *g, const struct guess_rule *rule, double t)
{
	if (t > g->t) {
		g->fails -= (t - g->t) / rule->forget;
		if (g->fails < 0)
			g->fails = 0;
		g->t = t;
	}
}

/* 1 when nothing about the entry differs from a fresh one at time t. */
static int entry_idle(const struct addr_entry *a, double t)
{
	if (a->refs)
		return 0;
	for (int i = 0; i < RATE__COUNT; i++)
		if (bucket_level(&a->b[i], &addr_limits[i], t) < addr_limits[i].burst)
			return 0;
	for (int i = 0; i < RATE_SECRET__COUNT; i++) {
		const struct guess *g = &a->g[i];
		double left = g->fails - (t - g->t) / guess_rules[i].forget;
		if (left > 0 || t < g->locked_until)
			return 0;
	}
	return 1;
}

/* ===== Address table ===== */

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % RATE_BUCKETS;
}

static struct addr_entry *entry_new(const char *addr, double t)
{
	size_t len = strlen(addr);
	struct addr_entry *a = calloc(1, sizeof *a + len + 1);
	if (!a)
		return NULL;
	memcpy(a->addr, addr, len + 1);
	buckets_fill(a->b, addr_limits, t);
	for (int i = 0; i < RATE_SECRET__COUNT; i++)
		a->g[i].t = t;
	return a;
}

/* Removes every idle entry. */
static void sweep(rate *r, double t)
{
	for (unsigned i = 0; i < RATE_BUCKETS; i++) {
		struct addr_entry **pp = &r->slot[i];
		while (*pp) {
			struct addr_entry *a = *pp;
			if (entry_idle(a, t)) {
				*pp = a->next;
				free(a);
				r->count--;
			} else {
				pp = &a->next;
			}
		}
	}
	r->sweep_at = r->count * 2 > RATE_SWEEP_MIN ? r->count * 2 : RATE_SWEEP_MIN;
}

/* The entry of addr, created when new; the overflow entry when the table
 * is full. NULL only when out of memory. */
static struct addr_entry *entry_get(rate *r, const char *addr, double t)
{
	unsigned h = hash(addr);
	for (struct addr_entry *a = r->slot[h]; a; a = a->next)
		if (strcmp(a->addr, addr) == 0)
			return a;
	if (r->count >= r->sweep_at)
		sweep(r, t);
	if (r->count >= RATE_MAX_ADDRS)
		return r->overflow;
	struct addr_entry *a = entry_new(addr, t);
	if (!a)
		return NULL;
	a->next = r->slot[h];
	r->slot[h] = a;
	r->count++;
	return a;
}

/* ===== Public ===== */

rate *rate_new(rate_clock_fn clock, void *clock_ctx)
{
	rate *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->clock = clock ? clock : monotonic;
	r->clock_ctx = clock_ctx;
	r->sweep_at = RATE_SWEEP_MIN;
	r->overflow = entry_new("", now(r));
	if (!r->overflow) {
		free(r);
		return NULL;
	}
	return r;
}

void rate_free(rate *r)
{
	if (!r)
		return;
	for (unsigned i = 0; i < RATE_BUCKETS; i++) {
		struct addr_entry *a = r->slot[i];
		while (a) {
			struct addr_entry *next = a->next;
			free(a);
			a = next;
		}
	}
	free(r->overflow);
	free(r);
}

rate_conn *rate_conn_new(rate *r, const char *addr)
{
	double t = now(r);
	rate_conn *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->r = r;
	c->a = entry_get(r, addr ? addr : "", t);
	if (!c->a) {
		free(c);
		return NULL;
	}
	c->a->refs++;
	buckets_fill(c->b, conn_limits, t);
	return c;
}

void rate_conn_free(rate_conn *c)
{
	if (!c)
		return;
	c->a->refs--;
	free(c);
}

int rate_take(rate_conn *c, rate_action a)
{
	if ((unsigned)a >= RATE__COUNT)
		return RATE_LIMITED;
	double t = now(c->r);
	struct bucket *mine = &c->b[a], *shared = &c->a->b[a];
	bucket_update(mine, &conn_limits[a], t);
	bucket_update(shared, &addr_limits[a], t);
	if (mine->tokens < 1 || shared->tokens < 1)
		return RATE_LIMITED;
	mine->tokens -= 1;
	shared->tokens -= 1;
	return RATE_OK;
}

double rate_secret_wait(rate_conn *c, rate_secret s)
{
	if ((unsigned)s >= RATE_SECRET__COUNT)
		return 0;
	double t = now(c->r), until = c->a->g[s].locked_until;
	return until > t ? until - t : 0;
}

int rate_secret_check(rate_conn *c, rate_secret s)
{
	if ((unsigned)s >= RATE_SECRET__COUNT)
		return RATE_LIMITED;
	return rate_secret_wait(c, s) > 0 ? RATE_LIMITED : RATE_OK;
}

void rate_secret_failed(rate_conn *c, rate_secret s)
{
	if ((unsigned)s >= RATE_SECRET__COUNT)
		return;
	const struct guess_rule *rule = &guess_rules[s];
	struct guess *g = &c->a->g[s];
	double t = now(c->r);
	guess_update(g, rule, t);
	g->fails += 1;
	if (g->fails <= rule->free)
		return;
	double over = ceil(g->fails - rule->free); /* 1, 2, 3, ... */
	double lock = over > 30 ? rule->ceiling : rule->first * pow(2, over - 1);
	if (lock > rule->ceiling)
		lock = rule->ceiling;
	if (t + lock > g->locked_until)
		g->locked_until = t + lock;
}

unsigned rate_addr_count(const rate *r)
{
	return r->count;
}
