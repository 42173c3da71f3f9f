/*
 * load.h — the load itself: N phones and S screens on one activity of a
 * running server (atelier.v1), or N+S clients of the libwebsockets mirror
 * protocol, posts at a steady rate, and what every receiver saw.
 *
 * Boundary: the WebSocket client side (libwebsockets) and the clock. The
 * server process is started and read from /proc by target.c; the numbers
 * are printed by main.c.
 */
#ifndef ATELIER_BENCH_LOAD_H
#define ATELIER_BENCH_LOAD_H

#include <stddef.h>
#include "stats.h"
#include "target.h"

typedef struct load_config {
	int mirror;           /* 1: lws-mirror-protocol, else atelier.v1 */
	const target *srv;    /* the server (port, code, key, /proc) */
	const char *activity; /* the activity every phone and screen watches */
	int phones, screens;  /* clients that receive; phones also post */
	double rate;          /* posts per second over all phones (0: none) */
	double duration;      /* seconds of posting */
	int prefill;          /* contributions posted before the clients come */
	int slow;             /* 1: the first phone stops reading once synced */
	int sources;          /* source addresses 127.0.0.1 .. 127.0.0.<sources> */
	int ramp;             /* connections being opened at once, at most */
} load_config;

typedef struct load_result {
	stats_summary delivery;   /* post written -> event read, every receiver */
	stats_summary ack;        /* post written -> ack read, at the sender */
	stats_summary join;       /* connect -> synced (mirror: -> established) */
	double ready_s;           /* first connect -> last client synced */
	double sync_server_cpu_s; /* server CPU over the clients' connect phase */
	double sync_bench_cpu_s;  /* this process, same phase */
	long long sync_bytes;     /* WebSocket payload the clients received until
	                           * each was synced (its joined, its synced) */
	size_t clients;           /* phones + screens asked for */
	size_t ready;             /* ... that got synced */
	size_t failed;            /* ... that could not connect or were closed */
	size_t snapshot_min, snapshot_max; /* contributions in the snapshots */
	size_t prefilled;         /* contributions acknowledged before the clients */
	size_t posts;             /* posts written */
	size_t acked;             /* posts acknowledged (mirror: = posts) */
	size_t refused;           /* posts answered with an error */
	size_t expected;          /* sum over receivers of the events due */
	size_t delivered;         /* distinct events received, all receivers */
	size_t duplicates;        /* events received twice or more */
	size_t complete;          /* receivers that got every event due */
	double post_s;            /* first post -> every receiver complete */
	target_sample before;     /* server, no client connected */
	target_sample idle;       /* every client connected, 1 s after */
	target_sample after;      /* once delivered (peak RSS = after.hwm_kib) */
	double server_cpu_s;      /* server CPU from first post to the end */
	double server_wait_s;     /* ... and time it waited for a CPU */
	double bench_cpu_s;       /* this process, same window */
	long rss_warm_kib;        /* server RSS once posting is warm: after a
	                           tenth of the duration, at most 60 s */
	long rss_end_kib;         /* ... and when posting ends (S5's soak) */
	int slow_dropped;         /* slow phone: 1 closed by the server, 0 not */
	size_t slow_received;     /* slow phone: events it read in the end */
} load_result;

/* Runs one scenario against c->srv. Returns 0, or -1 with the reason in
 * err[err_len] (a partial *out is still filled). Every wait is bounded. */
int load_run(const load_config *c, load_result *out /* OUT */, char *err, size_t err_len);

#endif
