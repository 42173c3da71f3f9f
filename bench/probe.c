/*
 * probe.c — single blocking exchanges with a server on 127.0.0.1 (see
 * probe.h): a connect, an HTTP GET read to its Content-Length, a
 * WebSocket handshake then one message and its reply.
 *
 * Boundary: plain sockets, just enough of HTTP/1.1 and RFC 6455 for these
 * three exchanges (client frames masked, server frames of any length, in
 * fragments; pings answered). Must not keep a connection past a call.
 */
#define _GNU_SOURCE
#include "probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* A connected socket to 127.0.0.1:port with the call's time bound, or -1. */
static int dial(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct timeval tv = {PROBE_TIMEOUT_MS / 1000, 0};
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&a, sizeof a)) {
		close(fd);
		return -1;
	}
	return fd;
}

int probe_listening(int port)
{
	int fd = dial(port);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static int send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int recv_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	while (len) {
		ssize_t n = recv(fd, p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			errno = ECONNRESET; /* the peer closed */
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads a response head (through the blank line) into head[len], one
 * byte at a time so that nothing after it is consumed. */
static int read_head(int fd, char *head, size_t len)
{
	size_t n = 0;
	while (n + 1 < len) {
		if (recv_all(fd, head + n, 1))
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
	int fd = dial(port), status = -1, code;
	if (body)
		*body = NULL;
	if (len)
		*len = 0;
	if (fd < 0)
		return -1;
	snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s%s\r\n", path, port,
	         header ? header : "", header ? "\r\n" : "");
	if (send_all(fd, req, strlen(req)) || read_head(fd, head, sizeof head) ||
	    sscanf(head, "HTTP/1.%*d %d", &code) != 1)
		goto done;
	const char *cl = strcasestr(head, "\r\ncontent-length:");
	size_t n = cl ? strtoul(cl + 17, NULL, 10) : 0;
	if (!(data = malloc(n + 1)) || recv_all(fd, data, n))
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

/* Sends one masked frame (opcode, payload). The mask is fixed: it guards
 * against proxies, not against this test's own server. */
static int send_frame(int fd, int opcode, const char *data, size_t len)
{
	unsigned char h[14], mask[4] = {0x12, 0x34, 0x56, 0x78};
	size_t n = 0;
	h[n++] = (unsigned char)(0x80 | opcode);
	if (len < 126) {
		h[n++] = (unsigned char)(0x80 | len);
	} else if (len < 65536) {
		h[n++] = 0x80 | 126;
		h[n++] = (unsigned char)(len >> 8);
		h[n++] = (unsigned char)len;
	} else {
		h[n++] = 0x80 | 127;
		for (int i = 7; i >= 0; i--)
			h[n++] = (unsigned char)((uint64_t)len >> (8 * i));
	}
	memcpy(h + n, mask, 4);
	n += 4;
	char *masked = malloc(len ? len : 1);
	if (!masked)
		return -1;
	for (size_t i = 0; i < len; i++)
		masked[i] = (char)(data[i] ^ mask[i % 4]);
	int rc = send_all(fd, h, n) || send_all(fd, masked, len) ? -1 : 0;
	free(masked);
	return rc;
}

/* Reads one whole message (its fragments joined; pings answered) into a
 * malloc'd *out. Returns its opcode (1 text, 2 binary, 8 close) or -1. */
static int read_message(int fd, char **out, size_t *out_len)
{
	char *msg = NULL;
	size_t have = 0;
	int opcode = -1;
	*out = NULL;
	for (;;) {
		unsigned char h[8];
		if (recv_all(fd, h, 2))
			goto fail;
		int fin = h[0] & 0x80, op = h[0] & 0x0f;
		uint64_t len = h[1] & 0x7f;
		if (h[1] & 0x80)
			goto fail; /* a server never masks */
		if (len >= 126) {
			int k = len == 126 ? 2 : 8;
			if (recv_all(fd, h, (size_t)k))
				goto fail;
			len = 0;
			for (int i = 0; i < k; i++)
				len = len << 8 | h[i];
		}
		char *grown = realloc(msg, have + len + 1);
		if (!grown)
			goto fail;
		msg = grown;
		if (recv_all(fd, msg + have, (size_t)len))
			goto fail;
		if (op == 9) { /* ping: pong with its data, and read on */
			if (send_frame(fd, 10, msg + have, (size_t)len))
				goto fail;
			continue;
		}
		if (op == 10)
			continue;
		if (op != 0)
			opcode = op;
		have += (size_t)len;
		if (fin)
			break;
	}
	msg[have] = '\0';
	*out = msg;
	*out_len = have;
	return opcode;
fail:
	free(msg);
	return -1;
}

int probe_ws_ask(int port, const char *msg, const char *re, char **reply, size_t *len,
                 char *err, size_t err_len)
{
	char req[512], head[4096], want[128];
	int fd = dial(port), rc = -1;
	*reply = NULL;
	*len = 0;
	if (fd < 0) {
		snprintf(err, err_len, "cannot connect to port %d", port);
		return -1;
	}
	snprintf(req, sizeof req,
	         "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
	         "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	         "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: atelier.v1\r\n\r\n",
	         port);
	if (send_all(fd, req, strlen(req)) || read_head(fd, head, sizeof head) ||
	    strncmp(head, "HTTP/1.1 101", 12)) {
		snprintf(err, err_len, "WebSocket handshake refused");
		goto done;
	}
	if (send_frame(fd, 1, msg, strlen(msg))) {
		snprintf(err, err_len, "cannot send the message");
		goto done;
	}
	snprintf(want, sizeof want, "\"re\":\"%s\"", re);
	for (;;) {
		char *m = NULL;
		size_t n = 0;
		int op = read_message(fd, &m, &n);
		if (op != 1) {
			snprintf(err, err_len, "%s before the reply",
			         op == 8    ? "the server closed the WebSocket"
			         : op >= 0  ? "a binary message"
			         : errno == EAGAIN ? "no message in time"
			                           : "the connection ended");
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
	close(fd);
	return rc;
}
