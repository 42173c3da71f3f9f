/*
 * net.h — private to the network files (server.c, http.c, ws.c): the
 * per-vhost state they share. Nothing else includes this file.
 */
#ifndef ATELIER_NET_H
#define ATELIER_NET_H

#include <libwebsockets.h>
#include "bcast.h"
#include "pagecat.h"
#include "rate.h"
#include "seminar.h"
#include "server.h"
#include "store.h"

struct pending; /* ws.c: a reply waiting for the turn's commit */
struct pss;     /* ws.c: one WebSocket connection */

/* One per process, created by server.c, reached through
 * lws_context_user(). */
typedef struct net {
	store *st;
	const server_config *cfg;
	struct lws_context *ctx;
	int port;                /* the port actually listened on */
	char lan[4][16];         /* LAN addresses, private ranges first */
	size_t nlan;
	bcast_hub *hub;
	rate *rl;                /* rate limits; NULL when turned off */
	pagecat *pages;          /* http.c: the pages' catalogues, from web/i18n.json */
	struct pending *pend;    /* replies of this turn, in arrival order */
	size_t npend, cappend;
	lws_sorted_usec_list_t commit_sul; /* fires once per turn with writes */
	lws_usec_t now;          /* ws.c: when the turn's commit began */
	struct pss **due;        /* ws.c: connections to ask to write at the next
	                          * flush (NULL: closed since) */
	size_t ndue, capdue;
	lws_sorted_usec_list_t flush_sul;
	lws_usec_t last_flush;
	lws_sorted_usec_list_t stop_sul;   /* polls cfg->stop */
	unsigned char *wbuf;     /* ws.c: LWS_PRE + NET_WRITE_BATCH bytes where a
	                          * connection's pending frames are gathered */
} net;

/* The lws receive buffer of a WebSocket connection (server.c). */
#define WS_RX_BUFFER 1024

/* At most this many bytes of frames go out in one write. */
#define NET_WRITE_BATCH 65536

static inline net *net_from_wsi(struct lws *wsi)
{
	return (net *)lws_context_user(lws_get_context(wsi));
}

/* Join address for a seminar code into out: the configured public URL,
 * else the Host the request came with when it is not loopback, else the
 * first LAN address. host may be NULL. */
void net_join_url(const net *n, const char *host, const char *code, char *out,
                  size_t out_len);

/* Protocol callbacks. */
int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                  void *in, size_t len);
int ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                void *in, size_t len);

/* Per-connection data sizes, for the protocol table. */
size_t http_session_size(void);
size_t ws_session_size(void);

/* ws.c: the broadcast hub wired to this file's wake-up and drop. */
bcast_hub *ws_hub_new(void);

/* ws.c: at shutdown. With commit set, commits and sends what the last
 * turn holds (before the context goes); then, with commit 0, releases
 * what is left. */
void ws_shutdown(net *n, int commit);

#endif
