/*
 * unit_fixture.h — a fresh store holding one small seminar, and a way to
 * send protocol messages through the real parser and rules, for the store
 * and seminar tests.
 */
#ifndef ATELIER_UNIT_FIXTURE_H
#define ATELIER_UNIT_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>

#include "seminar.h"
#include "store.h"

typedef struct fixture {
	store *st;
	snapshot_cache *snaps; /* shares snapshot tails, as the turn's does */
	char code[32];  /* join code of the imported seminar */
	char key[160];  /* its facilitator key */
	int serial;     /* for message ids made by the helpers */
} fixture;

/* The normalized definition (defn.h shape) of a small seminar, slug
 * "essai-2022": activity "axe-1" (template ami, three notes boards,
 * vote_budget 3) and activity "orient" (one orientations board
 * "orientations", vote_budget 2). Caller owns it. */
json_t *fx_definition(void);

/* Opens ":memory:" and a snapshot cache, imports fx_definition(), fills
 * code and key. fx_close() closes both. */
void fx_open(fixture *f);
void fx_close(fixture *f);

/* The facilitator key of the seminar of f->code in st, into f->key. */
void fx_read_key(fixture *f, store *st);

/* store_import of the definition of the normalized document doc
 * (defn_new): returns what store_import returned (STORE_ERR when memory
 * ran out before). */
int fx_store_import(store *st, json_t *doc, int flags, store_import_report *r, char *err,
                    size_t err_len);

/* fx_store_import(st, defn, 0, ...) with the join code copied into
 * code[code_len] on success; returns what store_import returned. */
int fx_import_code(store *st, json_t *defn, char *code, size_t code_len, char *err,
                   size_t err_len);

/* Imports defn (borrowed) again into the fixture's store with flags;
 * fails the test unless it succeeds and keeps the seminar's code. The
 * report into *r when r is not NULL. */
void fx_import(fixture *f, json_t *defn);
void fx_import_report(fixture *f, json_t *defn, int flags, store_import_report *r);

/* The activity with this id in a definition's "activities" (borrowed),
 * or NULL. */
json_t *fx_defn_activity(json_t *defn, const char *id);

/* Sends one message (printf-style JSON text) from the session through
 * proto_parse and seminar_handle, commits, and returns the parsed reply.
 * *r keeps the raw result (events) until the caller clears it; r may be
 * NULL. Fails the test if the text does not parse. */
json_t *fx_send(fixture *f, seminar_session *ss, seminar_result *r, const char *fmt, ...);

/* The "code" of an error reply, or NULL if it is not an error. */
const char *fx_error(json_t *reply);

/* Joins the session to the fixture's seminar; its token into token. */
void fx_join(fixture *f, seminar_session *ss, char *token, size_t len);

/* Sets an activity's state with the facilitator key. */
void fx_state(fixture *f, const char *activity, const char *state);

/* Posts text to activity/board and returns the new contribution id. */
long long fx_post(fixture *f, seminar_session *ss, const char *activity, const char *board,
                  const char *text);

#endif
