/*
 * sec_server.h — what the security tests need beyond the integration
 * fixture: the fixture's server restarted with extra `serve` options, and
 * raw TCP for HTTP requests no well-behaved client would send.
 *
 * Every wait is bounded; a helper that cannot do its job fails the
 * current cmocka test.
 */
#ifndef ATELIER_TEST_SEC_SERVER_H
#define ATELIER_TEST_SEC_SERVER_H

#include <stddef.h>
#include "fixture.h"
#include "store_keys.h"

/* Stops f's server (SIGKILL: nothing is pending) and starts it again on
 * the same database with the usual options plus extra (NULL-terminated,
 * at most 16). */
void sec_restart(fixture *f, const char *const *extra);

/* ===== Every kind of key =====
 * The key tests run over every kind of key: a facilitator's of the
 * seminar, of one activity, the organiser's, a validation key. */

/* A right key of one kind for the fixture's seminar, and what a
 * set_state of its open activity gets with it when the address is not
 * locked out. */
typedef struct sec_kind_key {
	const char *what;
	char key[STORE_KEY_SIZE + 96];
	const char *right; /* "ack", or "forbidden" for a kind set_state does not take */
} sec_kind_key;

enum { SEC_KINDS = 4 };

/* Fills k with the right keys of every kind: the seminar's first
 * facilitator key (f->key), a facilitator key of activity (made through
 * the store), the server's first organiser's key (read from the file the
 * first start wrote beside the database), a validation key (made). */
void sec_every_kind(fixture *f, const char *activity, sec_kind_key k[SEC_KINDS]);

/* Makes through the store, beside the running server, a key of kind for
 * f's seminar (the server's for an organiser's key; for activity when
 * one_activity) named name, revoked at once when revoke; its text into
 * key[len]. */
void sec_store_key(fixture *f, const char *activity, store_key_kind kind, int one_activity,
                   const char *name, int revoke, char *key, size_t len);

/* Fails the test when wrong (a wrong key's text) or a key of k is in
 * what f's server wrote: stderr for every one; stdout for all but the
 * seminar's first facilitator key, which the start-up printout shows by
 * design. */
void sec_no_key_logged(fixture *f, const sec_kind_key k[SEC_KINDS], const char *wrong);

/* A TCP connection to 127.0.0.1:port; fails the test when refused. */
int sec_tcp(int port);

/* Reads what the peer sends until it closes, timeout_ms passes or max
 * bytes came; returns them NUL-terminated (malloc'd). *closed (optional)
 * is 1 when the peer closed the connection. */
char *sec_read_all(int fd, int timeout_ms, size_t max, int *closed /* OUT */);

/* Sends len bytes of req on a new connection and returns the whole
 * response (see sec_read_all), read for at most timeout_ms. */
char *sec_http(int port, const char *req, size_t len, int timeout_ms);

/* sec_http, with the number of bytes of the response in *resp_len
 * (a body may hold NUL bytes). */
char *sec_http_n(int port, const char *req, size_t len, int timeout_ms,
                 size_t *resp_len /* OUT */);

/* The body of a response of resp_len bytes (its Content-Length, else the
 * rest), inflated when it says Content-Encoding: gzip: malloc'd and
 * NUL-terminated. Fails the test when the body is cut short or a gzip
 * body does not inflate whole. */
char *sec_body(const char *resp, size_t resp_len);

/* The HTTP status of a response ("HTTP/1.1 403 ..." -> 403), -1 if none. */
int sec_status(const char *resp);

/* The value of a response header (case-insensitive name, in the head
 * only) copied into out[out_len]; 0 when found, -1 when absent. */
int sec_header(const char *resp, const char *name, char *out, size_t out_len);

#endif
