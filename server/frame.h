/*
 * frame.h — WebSocket frames from the server to a client (RFC 6455, text,
 * unmasked), built once in a shared bcast_msg however many connections
 * send them.
 *
 * No frame is larger than FRAME_MAX bytes, header included: a longer text
 * is cut into fragments (a first frame, then continuation frames) inside
 * the same buffer. ws.c writes whole frames only, so a control frame lws
 * sends between two writes (ping, pong, close) always falls between two
 * frames, never inside one.
 * Boundary: bytes only. No network, no JSON.
 */
#ifndef ATELIER_FRAME_H
#define ATELIER_FRAME_H

#include <stddef.h>
#include "bcast.h"

#define FRAME_MAX 65536

typedef enum frame_part {
	FRAME_WHOLE, /* the text is a whole message */
	FRAME_START, /* the text starts a message; frames of another call end it */
	FRAME_END,   /* the text continues a message started before, and ends it */
} frame_part;

/* The frames holding text (len bytes) as that part of a message, after
 * `headroom` bytes (lws needs LWS_PRE). One reference; NULL when out of
 * memory. */
bcast_msg *frame_text(frame_part part, const char *text, size_t len, size_t headroom);

/* Size, header included, of the frame that starts at p, of which avail
 * bytes are readable; 0 when its header is not all there. */
size_t frame_size(const unsigned char *p, size_t avail);

#endif
