/*
 * store_screen.h — the projection screens in the store: a screen is made
 * the first time its page asks (with a random token its browser keeps),
 * shows a pairing code until a facilitator pairs it to a seminar, then
 * keeps what the console chose for it (activity, mode, the contribution
 * in the spotlight, the join panel, the console it follows), so that a
 * projector that reloads comes back to the same view.
 *
 * Boundary: C structs in and out, no SQLite type, no JSON (the views,
 * view_screen.h, shape the wire). What may be chosen is the rules'
 * business (seminar_screen.c).
 */
#ifndef ATELIER_STORE_SCREEN_H
#define ATELIER_STORE_SCREEN_H

#include "store.h"
#include "vocab.h"

#define STORE_PAIRING_DIGITS 6 /* a pairing code: 6 digits, typed in the console */

/* One screen as the store holds it. Strings are "" when absent. */
typedef struct store_screen {
	long long id;
	long long seminar_id;  /* 0 until paired */
	char pairing[STORE_PAIRING_DIGITS + 1];
	char code[17];         /* the seminar's join code, once paired */
	long long activity_id; /* 0: none chosen yet */
	char activity[65];     /* its slug ("" when none, or archived since) */
	int follow;            /* 1: follows its console; 0: pinned */
	vocab_screen_mode mode;
	long long contribution_id; /* the spotlight's, 0: none */
	int join_panel;        /* 1: the join panel is shown */
	char console[65];      /* the console it follows ("" none) */
} store_screen;

/* The screen whose browser keeps token, made (with a fresh pairing code)
 * when there is none. */
int store_screen_hello(store *s, const char *token, store_screen *out /* OUT */);

/* The screen showing pairing code pairing (paired or not), or
 * STORE_NOT_FOUND. */
int store_screen_by_pairing(store *s, const char *pairing, store_screen *out /* OUT */);

/* Screen id of seminar seminar_id, or STORE_NOT_FOUND (another
 * seminar's included). */
int store_screen_get(store *s, long long seminar_id, long long id, store_screen *out /* OUT */);

/* Pairs screen id to seminar_id, showing activity_id (0: none) and
 * following console (NULL: none), in mode board with the join panel. */
int store_screen_pair(store *s, long long id, long long seminar_id, long long activity_id,
                      const char *console);

/* Writes what sc says the screen shows (activity, follow, mode,
 * contribution, join panel, console). */
int store_screen_update(store *s, const store_screen *sc);

/* The screens paired to seminar_id, by id: *items (OUT, malloc'd, the
 * caller frees it) and *n. */
int store_screen_list(store *s, long long seminar_id, store_screen **items /* OUT */,
                      size_t *n /* OUT */);

#endif
