/*
 * turnh.h — the core's turn (server/turn.h) driven in process, as the
 * server drives it, for the tests, the fuzzer and the benchmark's filler:
 * clients, messages, the end of a turn, and sinks that keep every reply
 * and event for reading. Its clock is a number the caller sets, so
 * deadlines are run without waiting.
 */
#ifndef ATELIER_TEST_TURNH_H
#define ATELIER_TEST_TURNH_H

#include <stddef.h>
#include <jansson.h>
#include "store.h"
#include "turn.h"

typedef struct turnh turnh;

/* A turn over st (borrowed), without rate limits, its clock at 0. NULL
 * when out of memory. */
turnh *turnh_new(store *st);
/* Frees the clients, the turn and what was kept. NULL is a no-op. */
void turnh_free(turnh *h);

turn *turnh_turn(turnh *h);

/* A new client, freed with h (or by turnh_drop). NULL when out of memory. */
turn_client *turnh_client(turnh *h);
/* The client leaves: what the turn still owes it goes nowhere. */
void turnh_drop(turnh *h, turn_client *c);

/* The clock the turn reads, in µs. */
void turnh_set_clock(turnh *h, long long us);

/* Gives text to the turn from c (turn_message); turnh_sendn for len
 * bytes that may hold a NUL. */
int turnh_send(turnh *h, turn_client *c, const char *text);
int turnh_sendn(turnh *h, turn_client *c, const char *buf, size_t len);

/* Ends the turn (turn_end): the replies and events it holds are kept. */
void turnh_end(turnh *h);

/* The replies c received since the last call, in order, parsed (a reply
 * that is not JSON is kept as a JSON string). Caller owns the array. */
json_t *turnh_replies(turnh *h, turn_client *c);

/* One message through a whole turn: sends it, ends the turn, returns the
 * last reply c got (caller owns it), or NULL when none came. */
json_t *turnh_call(turnh *h, turn_client *c, const char *text);

/* The events kept since the last turnh_clear_events(), in order. */
size_t turnh_event_count(const turnh *h);
const seminar_event *turnh_event(const turnh *h, size_t i);
void turnh_clear_events(turnh *h);

/* 1 when c was closed by the turn (too many invalid messages), with its
 * code in *code (may be NULL). */
int turnh_closed(const turnh *h, const turn_client *c, int *code);

#endif
