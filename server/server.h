/*
 * server.h — runs the HTTP + WebSocket server on one port until asked to
 * stop. The only entry point main.c needs into the network files.
 */
#ifndef ATELIER_SERVER_H
#define ATELIER_SERVER_H

#include <signal.h>
#include "i18n.h"
#include "store.h"

typedef struct server_config {
	const char *host;       /* address to listen on, e.g. "0.0.0.0" */
	int port;               /* 0 = any free port */
	const char *web_dir;    /* absolute path of the pages */
	const char *public_url; /* address phones use, e.g. "http://10.0.0.2:8080"; NULL = guess */
	const char *port_file;  /* write the port here once listening; NULL = no */
	volatile sig_atomic_t *stop; /* set by a signal handler to stop */
	/* Browser origins allowed to open the WebSocket besides the page's own
	 * (Origin matching the Host it came to) and public_url's, e.g. a
	 * reverse proxy's "https://atelier.ville.fr". Borrowed. */
	const char *const *allow_origins;
	size_t nallow_origins;
	int idle_secs;          /* close a silent WebSocket after this; 0 = 75 */
	int header_secs;        /* drop an HTTP request not fully received
	                           after this; 0 = 10 */
	int lag_secs;           /* drop a WebSocket that took nothing of what
	                           waits for it for this long; 0 = 15 */
	int no_rate_limit;      /* 1: no rate limits (load tests on one host) */
	const i18n_cat *cat;    /* the language of the printout, the command
	                           line's messages and the exports (borrowed) */
} server_config;

/* Listens, prints the addresses of each seminar of st (phones, screen,
 * facilitator with its key) and serves until *cfg->stop. Returns 0 after a
 * clean stop, or -1 after printing one sentence on stderr (port in use,
 * no permission, ...). */
int server_run(store *st, const server_config *cfg);

#endif
