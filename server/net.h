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
#include "turn.h"
#include "worker.h"

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
	turn *turn;              /* the core's unit of work (turn.h), with ws.c's sinks */
	lws_sorted_usec_list_t commit_sul; /* ends the turn once per loop turn with work */
	lws_sorted_usec_list_t deadline_sul; /* the turn's next deadline */
	lws_usec_t now;          /* ws.c: when the turn's end began */
	struct pss **due;        /* ws.c: connections to ask to write at the next
	                          * flush (NULL: closed since) */
	size_t ndue, capdue;
	lws_sorted_usec_list_t flush_sul;
	lws_usec_t last_flush;
	lws_sorted_usec_list_t stop_sul;   /* polls cfg->stop */
	unsigned char *wbuf;     /* LWS_PRE + NET_WRITE_BATCH bytes where one
	                          * write is gathered: a WebSocket's pending
	                          * frames (ws.c), a piece of an HTTP body
	                          * (http.c) */
	worker *exports;         /* renders /api/export off the loop (worker.h) */
	worker *snapshots;       /* builds the watches' cold snapshots (ws.c) */
	struct http_wait *waits; /* http.c: the connections waiting for an export */
	size_t nwaits, capwaits;
} net;

/* The lws receive buffer of a WebSocket connection (server.c). */
#define WS_RX_BUFFER 1024

/* At most this many bytes go out in one write: a WebSocket's frames, a
 * piece of an HTTP body. */
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

/* http.c: the worker's wake-up (any thread): wakes the loop, whose
 * LWS_CALLBACK_EVENT_WAIT_CANCELLED then collects the finished exports. */
void http_exports_wake(void *ctx /* net * */);

/* http.c: at shutdown, after the context is gone: frees the waiting list. */
void http_exports_free(net *n);

/* ws.c: on the loop, after the wake-up: hands the cold snapshots built
 * to the turn (turn_cold_done). */
void ws_snapshots_collect(net *n);

/* ws.c: the broadcast hub wired to this file's wake-up and drop. */
bcast_hub *ws_hub_new(void);

/* ws.c: the core's turn over n->st and n->rl, its sinks writing to the
 * WebSocket connections. NULL when out of memory. */
turn *ws_turn_new(net *n);

/* ws.c: at shutdown. With commit set, ends the last turn (commits and
 * sends what it holds, before the context goes); then, with commit 0,
 * releases what is left (the caller frees n->turn). */
void ws_shutdown(net *n, int commit);

#endif
