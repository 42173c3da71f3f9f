/*
 * rate.h — rate limits on what clients ask for: token buckets per
 * connection and per client address, and a growing lock-out of an address
 * that keeps guessing a secret (facilitator key, join code).
 *
 * Boundary: pure bookkeeping on numbers and address strings. No network
 * (the caller says which address a connection comes from), no disk, no
 * knowledge of messages beyond the four kinds of action below. Time comes
 * from a clock the caller may inject, so tests need not sleep.
 * docs/PROTOCOL.md ("Rate limits") gives the numbers of rate.c.
 */
#ifndef ATELIER_RATE_H
#define ATELIER_RATE_H

/* What a client asks for; each kind has its own buckets. */
typedef enum rate_action {
	RATE_POST = 0, /* post, edit, delete */
	RATE_VOTE,     /* vote, unvote */
	RATE_JOIN,     /* join, watch */
	RATE_KEY,      /* anything carrying a facilitator key, /api/export */
	RATE_BAD,      /* a message that does not parse (no client sends one) */
	RATE__COUNT
} rate_action;

/* Secrets whose wrong guesses lock an address out for a while. */
typedef enum rate_secret {
	RATE_SECRET_KEY = 0, /* facilitator key */
	RATE_SECRET_CODE,    /* seminar join code */
	RATE_SECRET__COUNT
} rate_secret;

#define RATE_OK 0
#define RATE_LIMITED -1 /* over a limit, or locked out: refuse, store nothing */

/* Seconds on a monotonic clock. */
typedef double (*rate_clock_fn)(void *ctx);

/* One per server. Remembers every address with a live connection, and for
 * a while those that guessed wrong or used up a bucket. */
typedef struct rate rate;

/* One per client connection (a WebSocket, or an HTTP keep-alive
 * connection), created by the network code, freed when it closes. */
typedef struct rate_conn rate_conn;

/* clock NULL: CLOCK_MONOTONIC. Returns NULL when out of memory. */
rate *rate_new(rate_clock_fn clock, void *clock_ctx);

/* Frees the limiter; every rate_conn of it must be freed first. NULL is a
 * no-op. */
void rate_free(rate *r);

/* A connection from addr (an IP address as text; "" when unknown: every
 * unknown address then shares one set of address buckets). Returns NULL
 * when out of memory. */
rate_conn *rate_conn_new(rate *r, const char *addr);

/* NULL is a no-op. */
void rate_conn_free(rate_conn *c);

/* Takes one token of action a from the connection's bucket and from its
 * address's bucket. RATE_OK when both had one; RATE_LIMITED when either
 * was empty, and then neither is touched. */
int rate_take(rate_conn *c, rate_action a);

/* RATE_LIMITED while the connection's address is locked out of guessing
 * secret s (it guessed wrong too often lately), else RATE_OK. */
int rate_secret_check(rate_conn *c, rate_secret s);

/* Records a wrong guess of secret s from the connection's address. The
 * first few are free; each one after them locks the address out for twice
 * as long as the one before, up to a ceiling. Wrong guesses are forgotten
 * one by one over quiet time. */
void rate_secret_failed(rate_conn *c, rate_secret s);

/* Seconds the address of c stays locked out of guessing s (0 when not). */
double rate_secret_wait(rate_conn *c, rate_secret s);

/* Number of addresses remembered (for tests: memory stays bounded). */
unsigned rate_addr_count(const rate *r);

#endif
