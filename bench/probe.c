/*
 * probe.c — single blocking exchanges with a server on 127.0.0.1 (see
 * probe.h): a connect, an HTTP GET read to its Content-Length, a
 * WebSocket handshake then one message and its reply.
 *
 * Boundary: the test-support library's plain TCP (tcp.h) and WebSocket
 * client (wsc.h), and just enough of HTTP/1.1 for a GET. Must not keep a
 * connection past a call.
 */
#define _GNU_SOURCE
#include "probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tcp.h"
#include "wsc.h"

int probe_listening(int port)
{
	int fd = tcp_dial(port);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* Reads a response head (through the blank line) into head[len], one
 * byte at a time so that nothing after it is consumed. */
static int read_head(int fd, char *head, size_t len)
{
	size_t n = 0;
	while (n + 1 < len) {
		if (tcp_recv_all(fd, head + n, 1, PROBE_TIMEOUT_MS))
			return -1;
		head[++n] = '\0';
		if (n >= 4 && !memcmp(head + n - 4, "\r\n\r\n", 4))
			return 0;
	}
	return -1;
}

int probe_get(int port, const char *path, const char *header, char **body, size_t *len)
{
	char req[1024], head[4096], *data = NULL;
	int fd = tcp_dial(port), status = -1, code;
	if (body)
		*body = NULL;
	if (len)
		*len = 0;
	if (fd < 0)
		return -1;
	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s%s\r\n", path, port,
	         header ? header : "", header ? "\r\n" : "");
	if (tcp_send_all(fd, req, strlen(req), PROBE_TIMEOUT_MS) ||
	    read_head(fd, head, sizeof head) || sscanf(head, "HTTP/1.%*d %d", &code) != 1)
		goto done;
	const char *cl = strcasestr(head, "\r\ncontent-length:");
	size_t n = cl ? strtoul(cl + 17, NULL, 10) : 0;
	if (!(data = malloc(n + 1)) || tcp_recv_all(fd, data, n, PROBE_TIMEOUT_MS))
		goto done;
	data[n] = '\0';
	status = code;
	if (body) {
		*body = data;
		data = NULL;
	}
	if (len)
		*len = n;
done:
	free(data);
	close(fd);
	return status;
}

/* ===== WebSocket ===== */

/* The longest reply read: a snapshot of every contribution of a big
 * seminar (≈ 380 bytes each). */
#define MAX_REPLY_BYTES (1024u * 1024u * 1024u)

int probe_ws_ask(int port, const char *msg, const char *re, char **reply, size_t *len,
                 char *err, size_t err_len)
{
	char want[128], why[256];
	wsc *c = NULL;
	int rc = -1;
	*reply = NULL;
	*len = 0;
	if (wsc_connect("127.0.0.1", port, "/ws", "atelier.v1", NULL, PROBE_TIMEOUT_MS, &c, why,
	                sizeof why)) {
		snprintf(err, err_len, "WebSocket to port %d: %s", port, why);
		return -1;
	}
	wsc_set_max_message(c, MAX_REPLY_BYTES);
	if (wsc_send_text(c, msg, strlen(msg), 1)) {
		snprintf(err, err_len, "cannot send the message: %s", wsc_error(c));
		goto done;
	}
	snprintf(want, sizeof want, "\"re\":\"%s\"", re);
	for (;;) {
		char *m = NULL;
		size_t n = 0;
		int op = 0, got = wsc_recv(c, PROBE_TIMEOUT_MS, &m, &n, &op);
		if (got || op != 1) {
			snprintf(err, err_len, "%s before the reply (%s)",
			         got == WSC_CLOSED    ? "the server closed the WebSocket"
			         : !got               ? "a binary message"
			         : got == WSC_TIMEOUT ? "no message in time"
			                              : "the connection ended",
			         wsc_error(c));
			free(m);
			goto done;
		}
		/* The reply names its request near its start. */
		if (memmem(m, n < 256 ? n : 256, want, strlen(want))) {
			*reply = m;
			*len = n;
			rc = 0;
			goto done;
		}
		free(m);
	}
done:
	wsc_close(c);
	return rc;
}
