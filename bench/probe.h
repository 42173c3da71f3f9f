/*
 * probe.h — one blocking client at a time against a server on 127.0.0.1,
 * for measurements that time a single exchange (S7: start-up, an export
 * over HTTP, a first snapshot): a TCP connect, an HTTP/1.1 GET, a
 * WebSocket (RFC 6455, subprotocol atelier.v1) that sends one message and
 * reads the reply to it.
 *
 * Boundary: the test-support library's sockets and WebSocket client, each
 * call bounded by PROBE_TIMEOUT_MS; no event loop, no clock (the caller
 * times the calls). The many-client load is load.c's.
 */
#ifndef ATELIER_BENCH_PROBE_H
#define ATELIER_BENCH_PROBE_H

#include <stddef.h>

#define PROBE_TIMEOUT_MS 60000

/* 1 when a TCP connection to 127.0.0.1:port is accepted right now, 0 when
 * it is refused (nobody listens yet). */
int probe_listening(int port);

/* GET path with one extra header line (NULL for none, without CRLF).
 * Returns the HTTP status (and the body, malloc'd, into *body and *len
 * when body is not NULL), or -1 when no whole response came. */
int probe_get(int port, const char *path, const char *header, char **body /* OUT */,
              size_t *len /* OUT */);

/* Opens a WebSocket on /ws, sends msg (a JSON text holding "id": re) and
 * reads messages until the one whose "re" is re. Returns 0 with that
 * message (malloc'd, NUL-terminated) in *reply and its length in *len, or
 * -1 (with what went wrong in err[err_len]). */
int probe_ws_ask(int port, const char *msg, const char *re, char **reply /* OUT */,
                 size_t *len /* OUT */, char *err, size_t err_len);

#endif
