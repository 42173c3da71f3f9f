/*
 * server.h — runs the HTTP + WebSocket server on one port until asked to
 * stop. The only entry point main.c needs into the network files.
 */
#ifndef ATELIER_SERVER_H
#define ATELIER_SERVER_H

#include <signal.h>
#include "store.h"

typedef struct server_config {
	const char *host;       /* address to listen on, e.g. "0.0.0.0" */
	int port;               /* 0 = any free port */
	const char *web_dir;    /* absolute path of the pages */
	const char *public_url; /* address phones use, e.g. "http://10.0.0.2:8080"; NULL = guess */
	const char *port_file;  /* write the port here once listening; NULL = no */
	volatile sig_atomic_t *stop; /* set by a signal handler to stop */
} server_config;

/* Listens, prints the addresses of each seminar of st (phones, screen,
 * facilitator with its key) and serves until *cfg->stop. Returns 0 after a
 * clean stop, or -1 after printing one sentence on stderr (port in use,
 * no permission, ...). */
int server_run(store *st, const server_config *cfg);

#endif
