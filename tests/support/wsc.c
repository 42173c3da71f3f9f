/*
 * wsc.c — a small blocking WebSocket client (RFC 6455) for the tests:
 * opening handshake, masked frames, message reassembly, ping answers,
 * close frames, and JSON helpers on top.
 *
 * Boundary: one TCP socket per connection, plain POSIX calls, every wait
 * bounded by poll(). Owns its SHA-1 and base64 (test code: no crypto
 * library for twenty lines). Must not use libwebsockets, so that a test
 * can send what a well-behaved client never would, nor know anything of
 * the Atelier protocol beyond "messages are JSON with a type".
 */
#include "wsc.h"
#include "tcp.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define MAX_HEADER_BYTES 8192
#define MAX_MESSAGE_BYTES (8u * 1024u * 1024u) /* unless wsc_set_max_message says */
#define MAX_QUEUED 4096
#define SEND_TIMEOUT_MS 5000

struct wsc {
	int fd;
	int close_code;     /* 0 while open */
	int close_sent;     /* our close frame is sent: do not echo theirs */
	uint64_t rng;       /* xorshift state for masking keys */
	unsigned char *rbuf; /* bytes received, not yet parsed */
	size_t rlen, rcap;
	char *msg;          /* message being reassembled from fragments */
	size_t msg_len, msg_cap;
	int msg_opcode;     /* 0 when no message is in progress */
	json_t *queue;      /* skipped messages, oldest first */
	size_t max_msg;     /* the longest message taken */
	char err[256];
};

/* ===== Time ===== */

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int remaining_ms(long long deadline)
{
	long long left = deadline - now_ms();
	if (left < 0)
		return 0;
	return left > 60000 ? 60000 : (int)left;
}

/* ===== SHA-1 (FIPS 180-4) and base64 (RFC 4648) ===== */

static uint32_t rol(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

static void sha1_block(uint32_t h[5], const uint8_t *p)
{
	uint32_t w[80];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
	for (int i = 0; i < 80; i++) {
		uint32_t f, k;
		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5A827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ED9EBA1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8F1BBCDC;
		} else {
			f = b ^ c ^ d;
			k = 0xCA62C1D6;
		}
		uint32_t t = rol(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rol(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

void wsc_sha1(const void *data, size_t len, uint8_t out[20])
{
	uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
	const uint8_t *p = data;
	size_t full = len - len % 64;
	for (size_t i = 0; i < full; i += 64)
		sha1_block(h, p + i);

	/* Last block(s): the rest, 0x80, zeros, the length in bits. */
	uint8_t tail[128] = {0};
	size_t rest = len - full;
	memcpy(tail, p + full, rest);
	tail[rest] = 0x80;
	size_t tail_len = rest + 1 + 8 <= 64 ? 64 : 128;
	uint64_t bits = (uint64_t)len * 8;
	for (int i = 0; i < 8; i++)
		tail[tail_len - 1 - i] = (uint8_t)(bits >> (8 * i));
	for (size_t i = 0; i < tail_len; i += 64)
		sha1_block(h, tail + i);

	for (int i = 0; i < 5; i++) {
		out[4 * i] = (uint8_t)(h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(h[i] >> 8);
		out[4 * i + 3] = (uint8_t)h[i];
	}
}

int wsc_base64(const void *data, size_t len, char *out, size_t out_len)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const uint8_t *p = data;
	size_t need = (len + 2) / 3 * 4 + 1;
	if (out_len < need)
		return -1;
	size_t o = 0;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		out[o++] = abc[(v >> 18) & 63];
		out[o++] = abc[(v >> 12) & 63];
		out[o++] = i + 1 < len ? abc[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? abc[v & 63] : '=';
	}
	out[o] = '\0';
	return (int)o;
}

void wsc_accept_key(const char *key, char out[29])
{
	char buf[128];
	uint8_t digest[20];
	int n = snprintf(buf, sizeof buf, "%s%s", key, WS_GUID);
	wsc_sha1(buf, n > 0 ? (size_t)n : 0, digest);
	wsc_base64(digest, sizeof digest, out, 29);
}

/* ===== Socket I/O ===== */

static int fail(wsc *c, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof c->err, fmt, ap);
	va_end(ap);
	return rc;
}

static int random_bytes(void *buf, size_t len)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

static uint32_t next_random(wsc *c)
{
	c->rng ^= c->rng << 13;
	c->rng ^= c->rng >> 7;
	c->rng ^= c->rng << 17;
	return (uint32_t)(c->rng >> 16);
}

/* Writes every byte, waiting at most SEND_TIMEOUT_MS for room. */
static int write_all(wsc *c, const void *buf, size_t len)
{
	int rc = tcp_send_all(c->fd, buf, len, SEND_TIMEOUT_MS);
	if (rc == TCP_TIMEOUT)
		return fail(c, WSC_TIMEOUT, "send: timed out");
	if (rc)
		return fail(c, WSC_ERR, "send: %s", strerror(errno));
	return WSC_OK;
}

/* Reads what is available into rbuf, waiting until deadline for at least
 * one byte. */
static int read_more(wsc *c, long long deadline)
{
	if (c->rcap - c->rlen < 4096) {
		size_t cap = c->rcap ? c->rcap * 2 : 16384;
		unsigned char *nb = realloc(c->rbuf, cap);
		if (!nb)
			return fail(c, WSC_ERR, "out of memory");
		c->rbuf = nb;
		c->rcap = cap;
	}
	for (;;) {
		ssize_t n = recv(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen, 0);
		if (n > 0) {
			c->rlen += (size_t)n;
			return WSC_OK;
		}
		if (n == 0) {
			if (!c->close_code)
				c->close_code = 1006;
			return fail(c, WSC_CLOSED, "connection closed by the server");
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return fail(c, WSC_ERR, "recv: %s", strerror(errno));
		struct pollfd pfd = {.fd = c->fd, .events = POLLIN};
		int left = remaining_ms(deadline);
		int pr = left > 0 ? poll(&pfd, 1, left) : 0;
		if (pr == 0)
			return fail(c, WSC_TIMEOUT, "nothing received in time");
		if (pr < 0 && errno != EINTR)
			return fail(c, WSC_ERR, "poll: %s", strerror(errno));
	}
}

static void consume(wsc *c, size_t n)
{
	memmove(c->rbuf, c->rbuf + n, c->rlen - n);
	c->rlen -= n;
}

/* ===== Frames ===== */

size_t wsc_frame(wsc *c, int opcode, int fin, int masked, const void *buf, size_t len,
                 unsigned char *out)
{
	size_t h = 0;
	unsigned char mbit = masked ? 0x80 : 0;
	out[h++] = (unsigned char)((fin ? 0x80 : 0) | (opcode & 0x0f));
	if (len < 126) {
		out[h++] = (unsigned char)(mbit | len);
	} else if (len <= 0xffff) {
		out[h++] = mbit | 126;
		out[h++] = (unsigned char)(len >> 8);
		out[h++] = (unsigned char)len;
	} else {
		out[h++] = mbit | 127;
		for (int i = 7; i >= 0; i--)
			out[h++] = (unsigned char)((uint64_t)len >> (8 * i));
	}
	unsigned char m[4] = {0, 0, 0, 0};
	if (masked) {
		uint32_t mask = next_random(c);
		m[0] = (unsigned char)(mask >> 24);
		m[1] = (unsigned char)(mask >> 16);
		m[2] = (unsigned char)(mask >> 8);
		m[3] = (unsigned char)mask;
		memcpy(out + h, m, 4);
		h += 4;
	}
	const unsigned char *p = buf;
	for (size_t i = 0; i < len; i++)
		out[h + i] = p[i] ^ m[i & 3];
	return h + len;
}

int wsc_send_frame(wsc *c, int opcode, int fin, const void *buf, size_t len)
{
	unsigned char *frame = malloc(len + WSC_FRAME_OVERHEAD);
	if (!frame)
		return fail(c, WSC_ERR, "out of memory");
	if (opcode == 0x8)
		c->close_sent = 1;
	int rc = write_all(c, frame, wsc_frame(c, opcode, fin, 1, buf, len, frame));
	free(frame);
	return rc;
}

int wsc_send_raw(wsc *c, const void *buf, size_t len)
{
	return write_all(c, buf, len);
}

int wsc_send_text(wsc *c, const char *buf, size_t len, int nframes)
{
	if (nframes < 1)
		nframes = 1;
	size_t part = len / (size_t)nframes;
	size_t off = 0;
	for (int i = 0; i < nframes; i++) {
		int last = i == nframes - 1;
		size_t n = last ? len - off : part;
		int rc = wsc_send_frame(c, i == 0 ? 1 : 0, last, buf + off, n);
		if (rc)
			return rc;
		off += n;
	}
	return WSC_OK;
}

/* Parses one frame from rbuf. Returns 1 and fills the outputs when a whole
 * frame is there (payload points into rbuf, *consumed is its total size),
 * 0 when more bytes are needed, WSC_ERR on a frame a server must not send. */
static int parse_frame(wsc *c, int *fin, int *opcode, const unsigned char **payload,
                       size_t *plen, size_t *consumed)
{
	if (c->rlen < 2)
		return 0;
	const unsigned char *b = c->rbuf;
	if (b[0] & 0x70)
		return fail(c, WSC_ERR, "frame with RSV bits set (0x%02x)", b[0]);
	if (b[1] & 0x80)
		return fail(c, WSC_ERR, "masked frame from the server");
	size_t h = 2;
	uint64_t n = b[1] & 0x7f;
	if (n == 126) {
		if (c->rlen < 4)
			return 0;
		n = (uint64_t)b[2] << 8 | b[3];
		h = 4;
	} else if (n == 127) {
		if (c->rlen < 10)
			return 0;
		n = 0;
		for (int i = 0; i < 8; i++)
			n = n << 8 | b[2 + i];
		h = 10;
	}
	if (n > c->max_msg)
		return fail(c, WSC_ERR, "frame of %llu bytes", (unsigned long long)n);
	if (c->rlen < h + n)
		return 0;
	*fin = (b[0] & 0x80) != 0;
	*opcode = b[0] & 0x0f;
	*payload = b + h;
	*plen = (size_t)n;
	*consumed = h + (size_t)n;
	return 1;
}

static int append_fragment(wsc *c, const unsigned char *p, size_t n)
{
	if (c->msg_len + n + 1 > c->max_msg)
		return fail(c, WSC_ERR, "message over %zu bytes", c->max_msg);
	if (c->msg_len + n + 1 > c->msg_cap) {
		size_t cap = c->msg_cap ? c->msg_cap : 4096;
		while (cap < c->msg_len + n + 1)
			cap *= 2;
		char *nm = realloc(c->msg, cap);
		if (!nm)
			return fail(c, WSC_ERR, "out of memory");
		c->msg = nm;
		c->msg_cap = cap;
	}
	memcpy(c->msg + c->msg_len, p, n);
	c->msg_len += n;
	c->msg[c->msg_len] = '\0';
	return WSC_OK;
}

/* Handles a control frame; returns WSC_CLOSED for a close frame. */
static int control_frame(wsc *c, int opcode, const unsigned char *p, size_t n)
{
	if (opcode == 0x9) {
		unsigned char copy[125];
		size_t m = n < sizeof copy ? n : sizeof copy;
		memcpy(copy, p, m);
		return wsc_send_frame(c, 0xA, 1, copy, m);
	}
	if (opcode == 0xA)
		return WSC_OK;
	if (opcode == 0x8) {
		c->close_code = n >= 2 ? (p[0] << 8 | p[1]) : 1005;
		unsigned char code[2] = {(unsigned char)(c->close_code >> 8),
		                         (unsigned char)c->close_code};
		if (!c->close_sent) {
			c->close_sent = 1;
			wsc_send_frame(c, 0x8, 1, code, c->close_code != 1005 ? 2 : 0);
		}
		return fail(c, WSC_CLOSED, "close frame %d: %.*s", c->close_code,
		            n > 2 ? (int)(n - 2) : 0, n > 2 ? (const char *)p + 2 : "");
	}
	return fail(c, WSC_ERR, "unknown control opcode 0x%x", opcode);
}

int wsc_recv(wsc *c, int timeout_ms, char **msg, size_t *len, int *opcode)
{
	*msg = NULL;
	*len = 0;
	*opcode = 0;
	if (c->close_code)
		return fail(c, WSC_CLOSED, "connection already closed (%d)", c->close_code);
	long long deadline = now_ms() + timeout_ms;
	for (;;) {
		int fin = 0, op = 0;
		const unsigned char *p = NULL;
		size_t n = 0, used = 0;
		int rc = parse_frame(c, &fin, &op, &p, &n, &used);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			rc = read_more(c, deadline);
			if (rc)
				return rc;
			continue;
		}
		if (op & 0x8) {
			rc = control_frame(c, op, p, n);
			consume(c, used);
			if (rc)
				return rc;
			continue;
		}
		if (op == 0 && !c->msg_opcode)
			return fail(c, WSC_ERR, "continuation frame with no message");
		if (op != 0 && c->msg_opcode)
			return fail(c, WSC_ERR, "new message inside a fragmented one");
		if (op != 0 && op != 1 && op != 2)
			return fail(c, WSC_ERR, "unknown data opcode 0x%x", op);
		if (op != 0)
			c->msg_opcode = op;
		rc = append_fragment(c, p, n);
		consume(c, used);
		if (rc)
			return rc;
		if (!fin)
			continue;
		if (!c->msg && append_fragment(c, (const unsigned char *)"", 0))
			return WSC_ERR;
		*msg = c->msg;
		*len = c->msg_len;
		*opcode = c->msg_opcode;
		c->msg = NULL;
		c->msg_len = c->msg_cap = 0;
		c->msg_opcode = 0;
		return WSC_OK;
	}
}

/* ===== Handshake ===== */

/* Value of header name in the response head (NUL-terminated), copied into
 * out[out_len] with surrounding blanks removed; 0 when found. */
static int header_value(const char *head, const char *name, char *out, size_t out_len)
{
	size_t nlen = strlen(name);
	const char *line = strstr(head, "\r\n");
	while (line && line[2] != '\r' && line[2] != '\0') {
		line += 2;
		const char *end = strstr(line, "\r\n");
		if (!end)
			break;
		if (strncasecmp(line, name, nlen) == 0 && line[nlen] == ':') {
			const char *v = line + nlen + 1;
			while (v < end && (*v == ' ' || *v == '\t'))
				v++;
			const char *e = end;
			while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
				e--;
			size_t n = (size_t)(e - v) < out_len - 1 ? (size_t)(e - v) : out_len - 1;
			memcpy(out, v, n);
			out[n] = '\0';
			return 0;
		}
		line = end;
	}
	return -1;
}

static int open_socket(wsc *c, const char *host, int port, long long deadline)
{
	char service[16];
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
	struct addrinfo *res = NULL;
	snprintf(service, sizeof service, "%d", port);
	int gai = getaddrinfo(host, service, &hints, &res);
	if (gai)
		return fail(c, WSC_ERR, "getaddrinfo %s: %s", host, gai_strerror(gai));
	int rc = WSC_ERR;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		                ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
			fail(c, WSC_ERR, "connect %s:%d: %s", host, port, strerror(errno));
			close(fd);
			continue;
		}
		struct pollfd pfd = {.fd = fd, .events = POLLOUT};
		int soerr = 0;
		socklen_t sl = sizeof soerr;
		if (poll(&pfd, 1, remaining_ms(deadline)) <= 0) {
			fail(c, WSC_TIMEOUT, "connect %s:%d: timed out", host, port);
		} else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr) {
			fail(c, WSC_ERR, "connect %s:%d: %s", host, port, strerror(soerr));
		} else {
			c->fd = fd;
			rc = WSC_OK;
			break;
		}
		close(fd);
	}
	freeaddrinfo(res);
	return rc;
}

/* Length of the response head up to and with its blank line, 0 when the
 * blank line has not arrived yet. */
static size_t head_end(const unsigned char *b, size_t len)
{
	for (size_t i = 0; i + 4 <= len; i++)
		if (memcmp(b + i, "\r\n\r\n", 4) == 0)
			return i + 4;
	return 0;
}

/* 1 when the comma-separated header value holds token (any case). */
static int has_token(const char *value, const char *token)
{
	size_t tlen = strlen(token);
	const char *p = value;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		const char *e = p;
		while (*e && *e != ',')
			e++;
		const char *t = e;
		while (t > p && (t[-1] == ' ' || t[-1] == '\t'))
			t--;
		if ((size_t)(t - p) == tlen && strncasecmp(p, token, tlen) == 0)
			return 1;
		p = e;
	}
	return 0;
}

/* Reads the response head into head[head_len]; bytes after it stay in rbuf. */
static int read_head(wsc *c, long long deadline, char *head, size_t head_len)
{
	for (;;) {
		size_t n = head_end(c->rbuf, c->rlen);
		if (n) {
			if (n >= head_len)
				return fail(c, WSC_REFUSED, "response head too long");
			memcpy(head, c->rbuf, n);
			head[n] = '\0';
			consume(c, n);
			return WSC_OK;
		}
		if (c->rlen > MAX_HEADER_BYTES)
			return fail(c, WSC_REFUSED, "response head too long");
		int rc = read_more(c, deadline);
		if (rc == WSC_CLOSED)
			return fail(c, WSC_REFUSED, "connection closed during the handshake");
		if (rc)
			return rc;
	}
}

static int check_response(wsc *c, const char *head, const char *key, const char *subprotocol)
{
	char value[256], expect[29];
	const char *eol = strstr(head, "\r\n");
	int status_len = eol ? (int)(eol - head) : 0;
	if (strncmp(head, "HTTP/1.1 101", 12) != 0)
		return fail(c, WSC_REFUSED, "handshake refused: %.*s", status_len, head);
	if (header_value(head, "Upgrade", value, sizeof value) || strcasecmp(value, "websocket"))
		return fail(c, WSC_REFUSED, "101 without Upgrade: websocket");
	if (header_value(head, "Connection", value, sizeof value) || !has_token(value, "upgrade"))
		return fail(c, WSC_REFUSED, "101 without Connection: upgrade");
	wsc_accept_key(key, expect);
	if (header_value(head, "Sec-WebSocket-Accept", value, sizeof value) || strcmp(value, expect))
		return fail(c, WSC_REFUSED, "wrong Sec-WebSocket-Accept (want %s)", expect);
	int has_proto = header_value(head, "Sec-WebSocket-Protocol", value, sizeof value) == 0;
	if (subprotocol && (!has_proto || strcmp(value, subprotocol)))
		return fail(c, WSC_REFUSED, "server did not choose subprotocol %s", subprotocol);
	if (!subprotocol && has_proto)
		return fail(c, WSC_REFUSED, "server chose subprotocol %s unasked", value);
	return WSC_OK;
}

int wsc_connect(const char *host, int port, const char *path, const char *subprotocol,
                const char *origin, int timeout_ms, wsc **out, char *err, size_t err_len)
{
	long long deadline = now_ms() + timeout_ms;
	unsigned char nonce[16];
	char key[32], req[1024], head[MAX_HEADER_BYTES + 1];
	int rc = WSC_ERR;
	*out = NULL;
	wsc *c = calloc(1, sizeof *c);
	if (!c) {
		snprintf(err, err_len, "out of memory");
		return WSC_ERR;
	}
	c->fd = -1;
	c->max_msg = MAX_MESSAGE_BYTES;
	c->queue = json_array();
	if (!c->queue || random_bytes(nonce, sizeof nonce) ||
	    random_bytes(&c->rng, sizeof c->rng)) {
		fail(c, WSC_ERR, "no randomness");
		goto done;
	}
	c->rng |= 1;
	wsc_base64(nonce, sizeof nonce, key, sizeof key);

	int n = snprintf(req, sizeof req,
	                 "GET %s HTTP/1.1\r\n"
	                 "Host: %s:%d\r\n"
	                 "Upgrade: websocket\r\n"
	                 "Connection: Upgrade\r\n"
	                 "Sec-WebSocket-Key: %s\r\n"
	                 "Sec-WebSocket-Version: 13\r\n"
	                 "%s%s%s%s%s%s"
	                 "\r\n",
	                 path, host, port, key,
	                 subprotocol ? "Sec-WebSocket-Protocol: " : "",
	                 subprotocol ? subprotocol : "", subprotocol ? "\r\n" : "",
	                 origin ? "Origin: " : "", origin ? origin : "", origin ? "\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof req) {
		fail(c, WSC_ERR, "request too long");
		goto done;
	}
	rc = open_socket(c, host, port, deadline);
	if (rc)
		goto done;
	rc = write_all(c, req, (size_t)n);
	if (rc)
		goto done;
	rc = read_head(c, deadline, head, sizeof head);
	if (rc)
		goto done;
	rc = check_response(c, head, key, subprotocol);

done:
	if (rc) {
		snprintf(err, err_len, "%s", c->err);
		c->close_code = 1006; /* nothing to say goodbye to */
		wsc_close(c);
		return rc;
	}
	*out = c;
	return WSC_OK;
}

void wsc_close(wsc *c)
{
	if (!c)
		return;
	if (c->fd >= 0 && !c->close_code) {
		unsigned char code[2] = {1000 >> 8, 1000 & 0xff};
		if (wsc_send_frame(c, 0x8, 1, code, 2) == WSC_OK) {
			/* Wait briefly for the server's close frame. */
			char *m;
			size_t len;
			int op;
			long long deadline = now_ms() + 1000;
			while (!c->close_code && remaining_ms(deadline) > 0) {
				int rc = wsc_recv(c, remaining_ms(deadline), &m, &len, &op);
				free(m);
				if (rc)
					break;
			}
		}
	}
	if (c->fd >= 0)
		close(c->fd);
	free(c->rbuf);
	free(c->msg);
	json_decref(c->queue);
	free(c);
}

void wsc_set_max_message(wsc *c, size_t max)
{
	c->max_msg = max;
}

const char *wsc_error(const wsc *c)
{
	return c ? c->err : "no connection";
}

int wsc_close_code(const wsc *c)
{
	return c ? c->close_code : 0;
}

/* ===== JSON helpers ===== */

int wsc_send_json(wsc *c, const char *fmt, ...)
{
	json_error_t jerr;
	va_list ap;
	va_start(ap, fmt);
	json_t *v = json_vpack_ex(&jerr, 0, fmt, ap);
	va_end(ap);
	if (!v)
		return fail(c, WSC_ERR, "json_pack: %s", jerr.text);
	char *text = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	if (!text)
		return fail(c, WSC_ERR, "json_dumps failed");
	int rc = wsc_send_text(c, text, strlen(text), 1);
	free(text);
	return rc;
}

/* The next message from the network (not the queue) as JSON. */
static json_t *recv_json_net(wsc *c, int timeout_ms)
{
	char *msg;
	size_t len;
	int op;
	if (wsc_recv(c, timeout_ms, &msg, &len, &op))
		return NULL;
	json_error_t jerr;
	json_t *v = json_loadb(msg, len, 0, &jerr);
	if (!v)
		fail(c, WSC_ERR, "not JSON (%s): %.80s", jerr.text, msg);
	free(msg);
	return v;
}

json_t *wsc_recv_json(wsc *c, int timeout_ms)
{
	if (json_array_size(c->queue) > 0) {
		json_t *v = json_incref(json_array_get(c->queue, 0));
		json_array_remove(c->queue, 0);
		return v;
	}
	return recv_json_net(c, timeout_ms);
}

json_t *wsc_expect(wsc *c, wsc_match_fn match, const void *ctx, int timeout_ms)
{
	for (size_t i = 0; i < json_array_size(c->queue); i++) {
		json_t *v = json_array_get(c->queue, i);
		if (match(v, ctx)) {
			json_incref(v);
			json_array_remove(c->queue, i);
			return v;
		}
	}
	long long deadline = now_ms() + timeout_ms;
	for (;;) {
		int left = remaining_ms(deadline);
		if (left <= 0) {
			fail(c, WSC_TIMEOUT, "no matching message in %d ms", timeout_ms);
			return NULL;
		}
		json_t *v = recv_json_net(c, left);
		if (!v)
			return NULL;
		if (match(v, ctx))
			return v;
		if (json_array_size(c->queue) >= MAX_QUEUED)
			json_array_remove(c->queue, 0);
		json_array_append_new(c->queue, v);
	}
}

static int field_is(json_t *msg, const char *field, const char *want)
{
	const char *s = json_string_value(json_object_get(msg, field));
	return s && strcmp(s, want) == 0;
}

static int match_type(json_t *msg, const void *ctx)
{
	return field_is(msg, "type", ctx);
}

static int match_re(json_t *msg, const void *ctx)
{
	return field_is(msg, "re", ctx);
}

static int match_event(json_t *msg, const void *ctx)
{
	return field_is(msg, "type", "event") && field_is(msg, "kind", ctx);
}

json_t *wsc_expect_type(wsc *c, const char *type, int timeout_ms)
{
	return wsc_expect(c, match_type, type, timeout_ms);
}

json_t *wsc_expect_re(wsc *c, const char *re, int timeout_ms)
{
	return wsc_expect(c, match_re, re, timeout_ms);
}

json_t *wsc_expect_event(wsc *c, const char *kind, int timeout_ms)
{
	return wsc_expect(c, match_event, kind, timeout_ms);
}

size_t wsc_pending(const wsc *c)
{
	return json_array_size(c->queue);
}
