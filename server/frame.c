/*
 * frame.c — server-to-client WebSocket frames (see frame.h).
 *
 * A frame: the first byte (FIN bit and opcode), the payload length in 1, 3
 * or 9 bytes (this side never masks), then the payload. Fragments of one
 * message: the first has the message's opcode (text) and the next ones
 * the continuation opcode; only the last has FIN.
 * Must not touch the network or parse JSON.
 */
#include "frame.h"

#include <string.h>

#define FIN 0x80
#define OP_TEXT 0x1
#define OP_CONTINUATION 0x0
/* The largest payload whose frame fits FRAME_MAX (4-byte header). */
#define PAYLOAD_MAX (FRAME_MAX - 4)

static size_t header_size(size_t len)
{
	return len < 126 ? 2 : len < 65536 ? 4 : 10;
}

static size_t put_header(unsigned char *p, unsigned char b0, size_t len)
{
	size_t h = 0;
	p[h++] = b0;
	if (len < 126) {
		p[h++] = (unsigned char)len;
	} else if (len < 65536) {
		p[h++] = 126;
		p[h++] = (unsigned char)(len >> 8);
		p[h++] = (unsigned char)len;
	} else {
		p[h++] = 127;
		for (int shift = 56; shift >= 0; shift -= 8)
			p[h++] = (unsigned char)((unsigned long long)len >> shift);
	}
	return h;
}

bcast_msg *frame_text(frame_part part, const char *text, size_t len, size_t headroom)
{
	size_t nfrag = len ? (len + PAYLOAD_MAX - 1) / PAYLOAD_MAX : 1, total = 0;
	for (size_t i = 0; i < nfrag; i++) {
		size_t piece = i + 1 < nfrag ? PAYLOAD_MAX : len - i * PAYLOAD_MAX;
		total += header_size(piece) + piece;
	}
	bcast_msg *m = bcast_msg_alloc(total, headroom);
	if (!m)
		return NULL;
	unsigned char *p = bcast_msg_data(m);
	for (size_t i = 0; i < nfrag; i++) {
		size_t piece = i + 1 < nfrag ? PAYLOAD_MAX : len - i * PAYLOAD_MAX;
		int first = i == 0, last = i + 1 == nfrag;
		unsigned char b0 = first && part != FRAME_END ? OP_TEXT : OP_CONTINUATION;
		if (last && part != FRAME_START)
			b0 |= FIN;
		p += put_header(p, b0, piece);
		memcpy(p, text + i * PAYLOAD_MAX, piece);
		p += piece;
	}
	return m;
}

size_t frame_size(const unsigned char *p, size_t avail)
{
	size_t len, h;
	if (avail < 2)
		return 0;
	len = p[1] & 0x7f;
	h = len < 126 ? 2 : len == 126 ? 4 : 10;
	if (avail < h)
		return 0;
	if (len == 126) {
		len = (size_t)p[2] << 8 | p[3];
	} else if (len == 127) {
		len = 0;
		for (int i = 2; i < 10; i++)
			len = len << 8 | p[i];
	}
	return h + len;
}
