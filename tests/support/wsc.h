/*
 * wsc.h — a small blocking WebSocket client (RFC 6455) for the tests.
 *
 * Plain POSIX sockets, no libwebsockets, so a test can also send frames a
 * real client never would (raw bytes, odd fragmentations). One connection
 * per wsc; every read is bounded by a timeout in milliseconds.
 *
 * Messages that wsc_expect*() skips while looking for another one are kept
 * in a small queue, in arrival order, and returned first by the next
 * wsc_recv*() or wsc_expect*(): a test never loses an event by waiting for
 * an acknowledgement.
 */
#ifndef ATELIER_TEST_WSC_H
#define ATELIER_TEST_WSC_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

typedef struct wsc wsc;

/* Results: 0 on success, negative on failure. */
#define WSC_OK 0
#define WSC_ERR -1        /* system or protocol error; wsc_error() says which */
#define WSC_TIMEOUT -2    /* nothing complete arrived in time */
#define WSC_CLOSED -3     /* the server sent a close frame or hung up */
#define WSC_REFUSED -4    /* the handshake did not end in a valid 101 */

/* Connects to host:port, sends the opening handshake for path with the
 * subprotocol (NULL: no Sec-WebSocket-Protocol header) and Origin (NULL:
 * no Origin header), and checks the 101 answer, the Sec-WebSocket-Accept
 * value and the subprotocol the server chose. Bounded by timeout_ms.
 * On failure *out is NULL and err[err_len] says why (WSC_REFUSED carries
 * the server's status line). */
int wsc_connect(const char *host, int port, const char *path,
                const char *subprotocol, const char *origin, int timeout_ms,
                wsc **out /* OUT */, char *err, size_t err_len);

/* Sends a close frame (1000), waits up to 1 s for the server's, closes the
 * socket and frees. NULL is a no-op. */
void wsc_close(wsc *c);

/* Messages longer than max bytes end the read with WSC_ERR (8 MiB until
 * this is called), so a test cannot swallow a runaway server's output. */
void wsc_set_max_message(wsc *c, size_t max);

/* Last error text of this connection. */
const char *wsc_error(const wsc *c);

/* Close code the server sent (1005 when its close frame had none, 1006
 * when it hung up without one), 0 while the connection is open. */
int wsc_close_code(const wsc *c);

/* Sends one text message, masked, split into nframes frames (1 = one
 * frame; the split is by bytes, so it may cut a UTF-8 sequence, as a real
 * network stack may). */
int wsc_send_text(wsc *c, const char *buf, size_t len, int nframes);

/* Sends one frame with this opcode and FIN bit as given, masked. */
int wsc_send_frame(wsc *c, int opcode, int fin, const void *buf, size_t len);

/* The most a frame's header adds to its payload. */
#define WSC_FRAME_OVERHEAD 14

/* Writes one client frame into out (len + WSC_FRAME_OVERHEAD bytes at
 * least) and returns its size: opcode and FIN as given, masked with a new
 * key, or unmasked (which no real client sends) when masked is 0. For
 * tests that send several frames in one write, or frames a real client
 * never would. */
size_t wsc_frame(wsc *c, int opcode, int fin, int masked, const void *buf, size_t len,
                 unsigned char *out /* OUT */);

/* Sends bytes as they are, no framing. */
int wsc_send_raw(wsc *c, const void *buf, size_t len);

/* Receives one complete data message within timeout_ms: reassembles
 * fragments, answers pings, skips pongs. On success *msg is malloc'd and
 * NUL-terminated (the caller frees it), *len its length and *opcode
 * 1 (text) or 2 (binary). A close frame gives WSC_CLOSED; wsc_close_code()
 * then says its code. */
int wsc_recv(wsc *c, int timeout_ms, char **msg /* OUT */,
             size_t *len /* OUT */, int *opcode /* OUT */);

/* Builds a JSON object with jansson's json_pack() format and sends it as
 * one text message in one frame. */
int wsc_send_json(wsc *c, const char *fmt, ...);

/* The next message as JSON (caller owns it), or NULL on timeout, close,
 * error or a message that is not JSON. */
json_t *wsc_recv_json(wsc *c, int timeout_ms);

/* Returns 1 when msg is the one wanted. */
typedef int (*wsc_match_fn)(json_t *msg, const void *ctx);

/* Receives until a message matches, for at most timeout_ms in all;
 * messages that do not match are queued for later reads. Returns the
 * matching message (caller owns it) or NULL. */
json_t *wsc_expect(wsc *c, wsc_match_fn match, const void *ctx, int timeout_ms);

/* The first message whose "type" is type. */
json_t *wsc_expect_type(wsc *c, const char *type, int timeout_ms);

/* The reply to the message whose id is re (an "ack", "joined", "synced" or
 * "error" whose "re" is re). */
json_t *wsc_expect_re(wsc *c, const char *re, int timeout_ms);

/* The first "event" whose "kind" is kind ("contribution", "activity"). */
json_t *wsc_expect_event(wsc *c, const char *kind, int timeout_ms);

/* Number of messages waiting in the queue of skipped messages. */
size_t wsc_pending(const wsc *c);

/* ===== Primitives, exposed for their own tests ===== */

/* SHA-1 of len bytes into out[20]. */
void wsc_sha1(const void *data, size_t len, uint8_t out[20]);

/* Standard base64 (with padding) of len bytes into out[out_len]; returns
 * the length written, or -1 when out is too small. */
int wsc_base64(const void *data, size_t len, char *out, size_t out_len);

/* The Sec-WebSocket-Accept value for a Sec-WebSocket-Key, into out[29]. */
void wsc_accept_key(const char *key, char out[29]);

#endif
