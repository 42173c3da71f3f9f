/*
 * store_keys.h — the keys that let someone act beyond a participant:
 * facilitators of a seminar or of one of its activities, the organiser of
 * the server, a steering committee. Implemented by store_keys.c.
 *
 * A key is given out once, as text; the store keeps only its digest.
 */
#ifndef ATELIER_STORE_KEYS_H
#define ATELIER_STORE_KEYS_H

#include <stddef.h>
#include "store.h"

/* Random bytes of a key; its text is twice as many hex digits. */
#define STORE_KEY_BYTES 32
#define STORE_KEY_SIZE (2 * STORE_KEY_BYTES + 1)

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
 * none (an empty or NULL key included). The digests are compared in
 * constant time. */
int store_key_find(store *s, const char *key, store_key *out /* OUT */);

/* A new key of kind for a seminar (0 for an organiser's key) and, for a
 * facilitator of one activity, that activity (else 0), named name (may be
 * NULL). Its text goes to key_out[key_len] (at least STORE_KEY_SIZE); it
 * is not kept anywhere else. *id (OUT, may be NULL) is its row. Runs in
 * the caller's transaction if one is open. */
int store_key_create(store *s, store_key_kind kind, long long seminar_id,
                     long long activity_id, const char *name, char *key_out /* OUT */,
                     size_t key_len, long long *id /* OUT */);

#endif
