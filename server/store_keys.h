/*
 * store_keys.h — the keys that let someone act beyond a participant:
 * facilitators of a seminar or of one of its activities, the organiser of
 * the server, a steering committee. Implemented by store_keys.c.
 *
 * A key is given out once, as text; the store keeps only its digest.
 * Each key has a name, unique among the live keys of its scope (a
 * seminar, or the server for an organiser's key), so that who acted can
 * be told by name; a revoked key stays in the table (the events it made
 * point to it) and is refused as a wrong one is.
 */
#ifndef ATELIER_STORE_KEYS_H
#define ATELIER_STORE_KEYS_H

#include <stddef.h>
#include "store.h"

/* Random bytes of a key; its text is twice as many hex digits. */
#define STORE_KEY_BYTES 32
#define STORE_KEY_SIZE (2 * STORE_KEY_BYTES + 1)

/* A key's name: 1 to STORE_KEY_NAME_MAX bytes (the command line checks
 * what a person types: store_keys only refuses what does not fit). */
#define STORE_KEY_NAME_MAX 400

/* The names the server gives the keys it makes by itself: a seminar's
 * first facilitator key (store_import), the first organiser's key
 * (`atelier serve` on a database without one, unless named otherwise). */
#define STORE_KEY_NAME_FACILITATOR "animation"
#define STORE_KEY_NAME_ORGANISER "organisateur"

/* store_key_create: a live key of the same scope already has this name. */
#define STORE_KEY_NAME_TAKEN -20

typedef enum store_key_kind {
	STORE_KEY_FACILITATOR = 0, /* runs a seminar, or one activity of it */
	STORE_KEY_ORGANISER,       /* the server: every seminar */
	STORE_KEY_VALIDATION,      /* records a steering committee's decisions */
} store_key_kind;

typedef struct store_key {
	long long id;
	store_key_kind kind;
	long long seminar_id;  /* 0 for an organiser's key */
	long long activity_id; /* a facilitator key of one activity; else 0 */
} store_key;

/* "facilitator", "organiser", "validation" (the table's kind column). */
const char *store_key_kind_name(store_key_kind k);

/* The key that is not revoked and whose text is key. STORE_NOT_FOUND for
 * none (an empty or NULL key, and a revoked key, included: the same
 * statement answers both). The digests are compared in constant time. */
int store_key_find(store *s, const char *key, store_key *out /* OUT */);

/* A new key of kind for a seminar (0 for an organiser's key) and, for a
 * facilitator of one activity, that activity (else 0), named name (1 to
 * STORE_KEY_NAME_MAX bytes, else STORE_ERR). Its text goes to
 * key_out[key_len] (at least STORE_KEY_SIZE); it is not kept anywhere
 * else. *id (OUT, may be NULL) is its row. STORE_KEY_NAME_TAKEN when a
 * live key of the same seminar (or, for an organiser's key, another live
 * organiser's key) has that name. Runs in the caller's transaction if one
 * is open. */
int store_key_create(store *s, store_key_kind kind, long long seminar_id,
                     long long activity_id, const char *name, char *key_out /* OUT */,
                     size_t key_len, long long *id /* OUT */);

/* Revokes the live key of kind named name in the scope of seminar_id (0:
 * the server's, for an organiser's key): from now on it is refused as a
 * wrong key. Its row stays, with the time of its revocation. STORE_OK,
 * STORE_NOT_FOUND when no live key has that name there, or a store code.
 * *id (OUT, may be NULL) is its row. */
int store_key_revoke(store *s, store_key_kind kind, long long seminar_id, const char *name,
                     long long *id /* OUT */);

/* One key as store_key_list gives it: never its text, which the store
 * does not have. The strings are valid during the call only. */
typedef struct store_key_row {
	long long id;
	const char *name;
	const char *created; /* 2026-12-07T19:30:00Z */
	const char *revoked; /* the same, or NULL while the key is live */
} store_key_row;

/* Calls fn once per key of kind in the scope of seminar_id (0: the
 * server's), revoked ones included, in the order they were made. */
typedef void (*store_key_fn)(void *ctx, const store_key_row *row);
int store_key_list(store *s, store_key_kind kind, long long seminar_id, store_key_fn fn,
                   void *ctx);

/* How many keys of kind the database holds, in every scope: *all (OUT)
 * revoked ones included, *live (OUT, may be NULL) not revoked. */
int store_key_count(store *s, store_key_kind kind, long long *all /* OUT */,
                    long long *live /* OUT */);

/* The name of key id (an event's key_id: who acted) into out[len].
 * STORE_NOT_FOUND for no such key. */
int store_key_name(store *s, long long id, char *out /* OUT */, size_t len);

#endif
