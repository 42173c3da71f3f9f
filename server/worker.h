/*
 * worker.h — one thread that renders exports and cold snapshots off the
 * event loop.
 *
 * The loop submits a job (seminar code, format) and gets an id back at
 * once, or WORKER_BUSY when the bounded queue is full. The worker thread
 * reads the seminar through a store connection of its own on the same
 * database file (SQLite's WAL lets it read while the loop writes), renders
 * it, puts the result on a done list and calls the wake-up given at
 * creation (lws_cancel_service() in the network code). The loop then
 * collects the results with worker_collect(). Nothing here knows the
 * network: ids tie a result to whoever asked.
 *
 * The thread also checkpoints the database's write-ahead log through its
 * connection, between jobs, about once a second (store_checkpoint), so
 * that the loop's connection can leave that slow work, two syncs of the
 * disk, to it (store_autocheckpoint(st, 0)). One worker per database is
 * enough for that: the others are told worker_no_checkpoints().
 *
 * Threads: worker_new, worker_submit, worker_collect and worker_free are
 * for one thread (the loop); the wake-up runs on the worker thread and
 * must only do what is safe from any thread.
 */
#ifndef ATELIER_WORKER_H
#define ATELIER_WORKER_H

#include <stddef.h>
#include "export.h"
#include "i18n.h"
#include "snapshot.h"

typedef struct worker worker;

/* Results: 0 on success, negative on failure. */
#define WORKER_OK 0
#define WORKER_ERR -1       /* out of memory, no thread, no store */
#define WORKER_BUSY -2      /* the queue is full: retry later */
#define WORKER_NOT_FOUND -3 /* (a result's status) no such seminar */

/* Jobs held at once when worker_new is given 0: waiting, running, or done
 * and not collected yet. */
#define WORKER_QUEUE_DEFAULT 8

/* Called on the worker thread after a job is done. */
typedef void (*worker_wake_fn)(void *ctx);

/* Starts the thread, which opens db_path (copied) with store_open(). The
 * thread renders in the language of cat (borrowed, not NULL) with a
 * catalogue of its own. At most queue_len jobs are held (0:
 * WORKER_QUEUE_DEFAULT). Returns 0, or WORKER_ERR with a sentence of
 * cat's in err[err_len] (the store's when the database cannot be
 * opened); *out is then NULL. */
int worker_new(const char *db_path, const i18n_cat *cat, size_t queue_len,
               worker_wake_fn wake, void *ctx, worker **out /* OUT */, char *err,
               size_t err_len);

/* w's thread runs only on a core nothing else wants (Linux's SCHED_IDLE,
 * no privilege needed): the loop, and anything else the machine runs,
 * take the CPU from it at once when they wake; with a core left idle it
 * runs at full speed. So that a machine whose cores are all busy does not
 * starve it, worker_tick puts it back with the others (at its nice value)
 * while a job has been waiting or running for more than 2 s. Returns
 * WORKER_OK, or WORKER_ERR when the system refused (the thread keeps its
 * nice value). */
int worker_background(worker *w);

/* Called by the loop now and then (the server: every 200 ms) with the
 * monotonic clock's time in µs: moves a background worker's thread out
 * of SCHED_IDLE while its oldest job not yet collected was queued more
 * than 2 s before now, and back when none is. NULL is a no-op. */
void worker_tick(worker *w, long long now_us);

/* From now on, w's thread checkpoints nothing (another worker on the
 * same database does). */
void worker_no_checkpoints(worker *w);

/* Queues the export of seminar code in format f. Returns 0 with the job's
 * id (never 0) in *id, WORKER_BUSY when queue_len jobs are held, or
 * WORKER_ERR. */
int worker_submit(worker *w, const char *code, export_format f,
                  unsigned long long *id /* OUT */);

/* Queues a cold snapshot of seminar_id's activity_id (0: every activity)
 * for the facilitators (facilitator set) or the public
 * (snapshot_cold_build). Returns as worker_submit does. */
int worker_submit_snapshot(worker *w, long long seminar_id, long long activity_id,
                           int facilitator, unsigned long long *id /* OUT */);

/* A finished job. body is the caller's once collected (free it), NULL
 * unless status is WORKER_OK. */
typedef struct worker_result {
	unsigned long long id;
	int status;  /* WORKER_OK, WORKER_NOT_FOUND or WORKER_ERR */
	char *body;  /* the rendered export, NUL-terminated */
	size_t len;
	snapshot_cold *cold; /* a snapshot job's, the caller's once collected
	                      * (NULL unless status is WORKER_OK) */
} worker_result;

/* Takes the oldest finished job into *out and frees its place in the
 * queue. Returns 1 when one was taken, 0 when none is done. */
int worker_collect(worker *w, worker_result *out /* OUT */);

/* Stops the thread: jobs not started are dropped, the one running is
 * finished, then the thread is joined, its store closed and the results
 * not collected freed. NULL is a no-op. */
void worker_free(worker *w);

#endif
