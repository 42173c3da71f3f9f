/*
 * tcp.h — plain TCP to a server on 127.0.0.1 for the tests and the bench:
 * connect, send every byte, receive an exact number of bytes, and a port
 * nobody listens on. Every wait is bounded by a timeout in milliseconds.
 */
#ifndef ATELIER_TEST_TCP_H
#define ATELIER_TEST_TCP_H

#include <stddef.h>

/* Results: 0 on success, negative on failure. */
#define TCP_OK 0
#define TCP_ERR -1     /* system error (errno says which) or the peer closed */
#define TCP_TIMEOUT -2 /* the bounded wait ran out */

/* A blocking socket connected to 127.0.0.1:port (TCP_NODELAY set), or -1
 * when the connection is refused. */
int tcp_dial(int port);

/* Sends every byte of buf, waiting at most timeout_ms in all for room. The
 * socket may be blocking or not. */
int tcp_send_all(int fd, const void *buf, size_t len, int timeout_ms);

/* Receives exactly len bytes into buf within timeout_ms. TCP_ERR with
 * errno ECONNRESET when the peer closed first. */
int tcp_recv_all(int fd, void *buf, size_t len, int timeout_ms);

/* A port of 127.0.0.1 nobody listens on right now (the kernel's choice),
 * or -1. Another program may take it before it is used. */
int tcp_free_port(void);

#endif
