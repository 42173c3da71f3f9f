/*
 * worker.c — the export worker: one thread, a bounded queue of jobs, a
 * store connection of its own, which also checkpoints the database's
 * write-ahead log (see worker.h).
 *
 * Locking: one mutex guards everything the two threads share (the
 * waiting and done lists, the count of jobs held, the stop flag, the
 * open result); one condition wakes the thread when a job comes or when
 * it must stop, and tells worker_new that the store is open (or not). The
 * thread renders with the mutex released: a job being run belongs to the
 * thread alone, on neither list. The wake-up is called with the mutex
 * released, after the job is on the done list.
 *
 * Boundary: store.h (its own connection, opened and closed on the worker
 * thread, which reads the seminars and checkpoints the log) and export.h.
 * Must not touch the network, the loop's store nor any connection.
 */
#define _GNU_SOURCE /* SCHED_IDLE */
#include "worker.h"
#include "export_view.h"
#include "i18n.h"
#include "snapshot.h"
#include "store.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The thread's nice value above the process's: on a machine with few
 * cores, a phone's post waits for the loop, an export can wait for the
 * loop's turns. Linux gives each thread its own nice value. */
#define WORKER_NICE 10

/* How long a job may wait, or run, under SCHED_IDLE before the thread
 * takes its turn with the others (worker_tick): on a machine whose cores
 * are all busy, an idle-class thread would never run. */
#define BACKGROUND_GRACE_US (2 * 1000000LL)

/* How often the thread checkpoints the log: after a job or an idle wait
 * once this long has passed since the last checkpoint. */
#define CHECKPOINT_MS 1000

/* One job, on the waiting list, run by the thread, or on the done list. */
struct job {
	unsigned long long id;
	char code[64];
	export_format f;
	int snapshot;               /* a snapshot job: the fields below */
	long long seminar_id, activity_id;
	int facilitator;
	snapshot_cold *cold;
	int status;
	char *body;
	size_t len;
	struct job *next;
};

/* A FIFO of jobs. */
struct list {
	struct job *head, *tail;
};

struct worker {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	struct list waiting, done;  /* under mu */
	size_t held, cap;           /* under mu: jobs waiting, running or done */
	int stop;                   /* under mu: the thread must end */
	int quiet;                  /* under mu: checkpoints nothing */
	int opened;                 /* under mu: 0 opening, 1 open, -1 failed */
	char err[256];              /* written by the thread before opened = -1 */
	unsigned long long next_id; /* the loop's alone */
	long long *since;           /* the loop's alone: when each job not yet
	                             * collected was queued, oldest first (a
	                             * ring of cap; jobs end in that order) */
	size_t since_head, since_n;
	int background;             /* the loop's alone: worker_background */
	int promoted;               /* the loop's alone: out of SCHED_IDLE now */
	worker_wake_fn wake;
	void *ctx;
	char *path;
	i18n_cat *cat;              /* the thread's own, in the loop's language */
};

static void push(struct list *l, struct job *j)
{
	j->next = NULL;
	if (l->tail)
		l->tail->next = j;
	else
		l->head = j;
	l->tail = j;
}

static struct job *pop(struct list *l)
{
	struct job *j = l->head;
	if (j && !(l->head = j->next))
		l->tail = NULL;
	return j;
}

static void job_free(struct job *j)
{
	if (j) {
		free(j->body);
		snapshot_cold_free(j->cold);
	}
	free(j);
}

/* Reads, views and renders one job into its status, body and len. */
static void run(store *st, const i18n_cat *cat, struct job *j)
{
	json_t *doc = NULL;
	int r;
	if (j->snapshot) {
		r = snapshot_cold_build(st, j->seminar_id, j->activity_id, j->facilitator, &j->cold);
		j->status = r == STORE_OK ? WORKER_OK : WORKER_ERR;
		return;
	}
	if ((r = export_view_document(st, j->code, &doc))) {
		j->status = r == STORE_NOT_FOUND ? WORKER_NOT_FOUND : WORKER_ERR;
		return;
	}
	r = export_render(doc, j->f, cat, &j->body, &j->len);
	json_decref(doc);
	if (r) {
		free(j->body);
		j->body = NULL;
		j->len = 0;
	}
	j->status = r ? WORKER_ERR : WORKER_OK;
}

/* The monotonic clock in µs. */
static long long now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000LL + t.tv_nsec / 1000;
}

/* 1 when the monotonic clock has reached *t. */
static int passed(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > t->tv_sec || (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

/* *t = now + CHECKPOINT_MS on the monotonic clock. */
static void next_checkpoint(struct timespec *t)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += CHECKPOINT_MS / 1000;
	t->tv_nsec += (long)(CHECKPOINT_MS % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

/* The thread: opens its store, then runs the jobs in order, and between
 * them, at most every CHECKPOINT_MS, a checkpoint of the log (best
 * effort: one that fails is tried again next time). */
static void *thread_main(void *arg)
{
	worker *w = arg;
	store *st = NULL;
	char err[256] = "";
	id_t self = (id_t)syscall(SYS_gettid);
	errno = 0;
	int prio = getpriority(PRIO_PROCESS, self);
	if (errno == 0)
		setpriority(PRIO_PROCESS, self, prio + WORKER_NICE); /* best effort */
	int r = store_open(w->path, w->cat, &st, err, sizeof err);

	pthread_mutex_lock(&w->mu);
	if (r) {
		snprintf(w->err, sizeof w->err, "%s", err);
		w->opened = -1;
	} else {
		w->opened = 1;
	}
	pthread_cond_broadcast(&w->cond);
	struct timespec checkpoint;
	next_checkpoint(&checkpoint);
	while (!r) {
		while (!w->stop && !w->waiting.head && (w->quiet || !passed(&checkpoint))) {
			if (w->quiet)
				pthread_cond_wait(&w->cond, &w->mu);
			else
				pthread_cond_timedwait(&w->cond, &w->mu, &checkpoint);
		}
		if (w->stop)
			break;
		struct job *j = pop(&w->waiting);
		int quiet = w->quiet;
		pthread_mutex_unlock(&w->mu);
		if (j) {
			run(st, w->cat, j);
			pthread_mutex_lock(&w->mu);
			push(&w->done, j);
			pthread_mutex_unlock(&w->mu);
			w->wake(w->ctx);
		}
		if (!quiet && passed(&checkpoint)) {
			store_checkpoint(st);
			next_checkpoint(&checkpoint);
		}
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	store_close(st);
	return NULL;
}

int worker_new(const char *db_path, const i18n_cat *cat, size_t queue_len,
               worker_wake_fn wake, void *ctx, worker **out, char *err, size_t err_len)
{
	worker *w = calloc(1, sizeof *w);
	int mu = 0, cond = 0;
	*out = NULL;
	/* A catalogue of the thread's own: no jansson value is shared between
	 * the two threads. */
	if (!w || !(w->path = strdup(db_path)) ||
	    !(w->cat = i18n_new(i18n_lang(cat))))
		goto fail;
	w->cap = queue_len ? queue_len : WORKER_QUEUE_DEFAULT;
	if (!(w->since = calloc(w->cap, sizeof *w->since)))
		goto fail;
	w->wake = wake;
	w->ctx = ctx;
	if (pthread_mutex_init(&w->mu, NULL))
		goto fail;
	mu = 1;
	pthread_condattr_t ca;
	if (pthread_condattr_init(&ca))
		goto fail;
	/* Timed waits (the checkpoints) on the monotonic clock. */
	int rc = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) ||
	         pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (rc)
		goto fail;
	cond = 1;
	if (pthread_create(&w->thread, NULL, thread_main, w))
		goto fail;
	pthread_mutex_lock(&w->mu);
	while (!w->opened)
		pthread_cond_wait(&w->cond, &w->mu);
	int opened = w->opened;
	pthread_mutex_unlock(&w->mu);
	if (opened < 0) {
		pthread_join(w->thread, NULL);
		snprintf(err, err_len, "%s", w->err);
		err = NULL; /* said */
		goto fail;
	}
	*out = w;
	return WORKER_OK;
fail:
	if (err)
		snprintf(err, err_len, "%s", i18n("cli.err_worker", cat));
	if (cond)
		pthread_cond_destroy(&w->cond);
	if (mu)
		pthread_mutex_destroy(&w->mu);
	if (w) {
		free(w->path);
		free(w->since);
		i18n_free(w->cat);
	}
	free(w);
	return WORKER_ERR;
}

/* Puts w's thread in the idle class (idle set) or back with the others. */
static int set_class(worker *w, int idle)
{
	struct sched_param p = {.sched_priority = 0};
	return pthread_setschedparam(w->thread, idle ? SCHED_IDLE : SCHED_OTHER, &p) ? WORKER_ERR
	                                                                            : WORKER_OK;
}

int worker_background(worker *w)
{
	int r = set_class(w, 1);
	w->background = r == WORKER_OK;
	w->promoted = 0;
	return r;
}

void worker_tick(worker *w, long long now)
{
	if (!w || !w->background)
		return;
	int late = w->since_n && now - w->since[w->since_head] > BACKGROUND_GRACE_US;
	if (late != w->promoted && set_class(w, !late) == WORKER_OK)
		w->promoted = late;
}

void worker_no_checkpoints(worker *w)
{
	pthread_mutex_lock(&w->mu);
	w->quiet = 1;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->mu);
}

/* Takes a place in the queue for a new job: NULL with *r WORKER_BUSY or
 * WORKER_ERR when there is none. */
static struct job *job_new(worker *w, int *r)
{
	struct job *j;
	pthread_mutex_lock(&w->mu);
	int full = w->held >= w->cap;
	if (!full)
		w->held++; /* the place is taken before the lock is let go */
	pthread_mutex_unlock(&w->mu);
	*r = WORKER_BUSY;
	if (full)
		return NULL;
	if (!(j = calloc(1, sizeof *j))) {
		pthread_mutex_lock(&w->mu);
		w->held--;
		pthread_mutex_unlock(&w->mu);
		*r = WORKER_ERR;
	}
	return j;
}

/* Gives j an id and to the thread. */
static void job_queue(worker *w, struct job *j, unsigned long long *id)
{
	j->id = *id = ++w->next_id;
	w->since[(w->since_head + w->since_n++) % w->cap] = now_us();
	pthread_mutex_lock(&w->mu);
	push(&w->waiting, j);
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->mu);
}

int worker_submit(worker *w, const char *code, export_format f, unsigned long long *id)
{
	struct job *j;
	int r;
	if (strlen(code) >= sizeof j->code)
		return WORKER_ERR;
	if (!(j = job_new(w, &r)))
		return r;
	memcpy(j->code, code, strlen(code) + 1);
	j->f = f;
	job_queue(w, j, id);
	return WORKER_OK;
}

int worker_submit_snapshot(worker *w, long long seminar_id, long long activity_id,
                           int facilitator, unsigned long long *id)
{
	int r;
	struct job *j = job_new(w, &r);
	if (!j)
		return r;
	j->snapshot = 1;
	j->seminar_id = seminar_id;
	j->activity_id = activity_id;
	j->facilitator = facilitator;
	job_queue(w, j, id);
	return WORKER_OK;
}

int worker_collect(worker *w, worker_result *out)
{
	pthread_mutex_lock(&w->mu);
	struct job *j = pop(&w->done);
	if (j)
		w->held--;
	pthread_mutex_unlock(&w->mu);
	if (!j)
		return 0;
	w->since_head = (w->since_head + 1) % w->cap;
	w->since_n--;
	out->id = j->id;
	out->status = j->status;
	out->body = j->body;
	out->len = j->len;
	out->cold = j->cold;
	j->body = NULL;
	j->cold = NULL;
	job_free(j);
	return 1;
}

void worker_free(worker *w)
{
	struct job *j;
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	/* The thread is gone: the lists are this thread's alone now. */
	while ((j = pop(&w->waiting)))
		job_free(j);
	while ((j = pop(&w->done)))
		job_free(j);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->mu);
	free(w->path);
	free(w->since);
	i18n_free(w->cat);
	free(w);
}
