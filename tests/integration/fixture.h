/*
 * fixture.h — one real server for one integration test: a scratch
 * directory with the test seminar imported, the server binary listening on
 * a free port, the seminar's join code and facilitator key, and helpers
 * that speak atelier.v1 through the test WebSocket client.
 *
 * Every helper that waits is bounded by FIXTURE_WAIT_MS; a helper that
 * cannot do its job fails the current cmocka test with the client's error
 * and the server's stderr.
 */
#ifndef ATELIER_TEST_FIXTURE_H
#define ATELIER_TEST_FIXTURE_H

#include <jansson.h>
#include "proc.h"
#include "wsc.h"

#define FIXTURE_WAIT_MS 5000     /* one reply or event */
#define FIXTURE_START_MS 15000   /* the server's port file */

/* Activity ids of tests/integration/data/test-seminar.json. */
#define FIXTURE_OPEN_ACTIVITY "questions"
#define FIXTURE_ORIENT_ACTIVITY "orientations"

typedef struct fixture {
	char dir[1024];       /* scratch directory, removed by fixture_free */
	char db[1100];        /* dir/atelier.db */
	char sessions[1100];  /* dir/sessions, holds the test seminar */
	char port_file[1100]; /* dir/port */
	char code[32];        /* join code */
	char key[160];        /* facilitator key */
	proc *server;         /* NULL while stopped */
	int port;
} fixture;

/* Creates the scratch directory, imports the test seminar with
 * `atelier import`, reads the code and key through the store, and starts
 * the server. Fails the test on any error. For cmocka setup: *state. */
int fixture_setup(void **state);

/* Kills the server if it runs and removes the directory. For cmocka
 * teardown; also safe on a half-built fixture. */
int fixture_teardown(void **state);

/* Starts `atelier serve` on the fixture's database and waits for its port. */
void fixture_start(fixture *f);

/* SIGTERM and a bounded wait; fails the test unless it exits 0. */
void fixture_stop(fixture *f);

/* SIGKILL: what a power cut does to the server. */
void fixture_kill(fixture *f);

/* A WebSocket connection to the server (subprotocol atelier.v1, Origin
 * http://127.0.0.1:PORT). */
wsc *fixture_connect(fixture *f);

/* Sends the json_pack() object and returns the reply whose "re" is id
 * (an ack, joined, synced or error; caller owns it). */
json_t *fixture_call(fixture *f, wsc *c, const char *id, const char *fmt, ...);

/* Fails the test unless reply's "type" is type; returns reply. */
json_t *fixture_want(fixture *f, json_t *reply, const char *type);

/* Fails the test unless reply is an error with this code; frees reply. */
void fixture_want_error(fixture *f, json_t *reply, const char *code);

/* Connects and joins: as a new participant when token is NULL, else as
 * the participant with this token (fails unless the server keeps it).
 * token_out (optional) receives the token; *joined (optional) the whole
 * joined reply (caller owns it). */
wsc *fixture_join(fixture *f, const char *token, char *token_out, size_t token_len,
                  json_t **joined);

/* Connects, joins (new participant) and watches the activity (NULL: all).
 * Returns the connection; *seminar (optional) receives the seminar object
 * of the joined reply (caller owns it). */
wsc *fixture_phone(fixture *f, const char *activity, json_t **seminar);

/* Connects and watches like a projection screen; *seq receives the
 * synced sequence number. */
wsc *fixture_screen(fixture *f, const char *activity, long long *seq);

/* Facilitator: sets an activity's state on connection c; fails unless
 * acknowledged with that state. */
void fixture_set_state(fixture *f, wsc *c, const char *activity, const char *state);

/* The facilitator opens FIXTURE_OPEN_ACTIVITY; returns a phone that joined
 * and watches it, with the id of its notes board in board. */
wsc *fixture_open_phone(fixture *f, char *board, size_t board_len);

/* Id of the first board of this kind ("notes", "orientations") of the
 * activity in a seminar object, copied into out[out_len]. */
void fixture_board(json_t *seminar, const char *activity, const char *kind, char *out,
                   size_t out_len);

/* Posts text on a board and returns the reply, ack or error. */
json_t *fixture_post_reply(fixture *f, wsc *c, const char *id, const char *activity,
                           const char *board, const char *text);

/* Posts text on a board; fails unless acknowledged; returns the
 * contribution id. */
long long fixture_post(fixture *f, wsc *c, const char *id, const char *activity,
                       const char *board, const char *text);

/* The next contribution event on c; returns the event (caller owns it). */
json_t *fixture_event(fixture *f, wsc *c);

/* Watches the seminar on a fresh connection and returns the snapshot's
 * "contributions" array (caller owns it); fails unless mode "snapshot". */
json_t *fixture_snapshot(fixture *f, const char *key);

/* The contribution with this id in an array, or NULL (borrowed). */
json_t *fixture_find(json_t *contributions, long long id);

/* ===== The binary run to completion ===== */

/* What one finished run of the binary wrote, and its exit code. */
typedef struct fixture_run_out {
	int code;  /* exit code */
	char *out; /* stdout, never NULL */
	char *err; /* stderr, never NULL */
} fixture_run_out;

/* Runs $ATELIER_BIN with args (NULL-terminated, without argv[0], at most
 * 14) in dir; fails the test if it does not end within FIXTURE_START_MS
 * or ends by a signal. */
fixture_run_out fixture_run(const char *dir, const char *const args[]);
void fixture_run_free(fixture_run_out *r);

/* Fails the test unless r is a refusal: a non-zero exit and one sentence
 * (one line that is not blank) on stderr, which holds want (NULL: any). */
void fixture_want_refusal(const fixture_run_out *r, const char *what, const char *want);

/* Integer field of an object, -1 when absent or not an integer. */
long long fixture_int(json_t *obj, const char *field);

/* String field of an object, NULL when absent or not a string. */
const char *fixture_str(json_t *obj, const char *field);

#endif
