/*
 * test_worker.c — the export worker (server/worker.c) with a fake
 * wake-up: a job submitted comes back rendered as the loop would render
 * it, an unknown seminar comes back "not found", a full queue answers
 * WORKER_BUSY until a result is collected, stopping with jobs still
 * queued drops them without a leak (ASan build), and the thread
 * checkpoints the log that the loop's connection leaves.
 *
 * Boundary: a database file in a scratch directory (the worker opens its
 * own connection on it, as the server's does), the small seminar of
 * unit_fixture.c. Waits on the fake wake-up are bounded; nothing is timed.
 */
#define _GNU_SOURCE /* SCHED_IDLE */
#include "unit_fixture.h"
#include "export.h"
#include "export_view.h"
#include "i18n.h"
#include "worker.h"

#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define WAIT_SECS 20 /* the bound of one wait for a wake-up */

/* The fake wake-up: counts calls, from the worker thread. */
struct wakes {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	int count;
};

static void fake_wake(void *ctx)
{
	struct wakes *w = ctx;
	pthread_mutex_lock(&w->mu);
	w->count++;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->mu);
}

/* Waits (bounded) until at least n wake-ups came; fails the test else. */
static void wait_wakes(struct wakes *w, int n)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += WAIT_SECS;
	pthread_mutex_lock(&w->mu);
	int r = 0;
	while (w->count < n && r == 0)
		r = pthread_cond_timedwait(&w->cond, &w->mu, &until);
	int got = w->count;
	pthread_mutex_unlock(&w->mu);
	if (got < n)
		fail_msg("%d wake-ups of the worker, %d awaited", got, n);
}

/* A database file holding the small seminar, and the loop's store on it. */
struct env {
	char dir[256], db[300];
	store *st;
	i18n_cat *cat;
	char code[32];
	struct wakes wk;
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);
	char err[256];
	const char *tmp = getenv("TMPDIR");
	assert_non_null(e);
	snprintf(e->dir, sizeof e->dir, "%s/atelier-worker-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->db, sizeof e->db, "%s/atelier.db", e->dir);
	assert_non_null(e->cat = i18n_new("fr"));
	assert_int_equal(store_open(e->db, e->cat, &e->st, err, sizeof err), 0);
	json_t *defn = fx_definition();
	assert_int_equal(fx_import_code(e->st, defn, e->code, sizeof e->code, err, sizeof err),
	                 0);
	json_decref(defn);
	pthread_mutex_init(&e->wk.mu, NULL);
	pthread_cond_init(&e->wk.cond, NULL);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	char path[400];
	store_close(e->st);
	i18n_free(e->cat);
	const char *const files[] = {"atelier.db", "atelier.db-wal", "atelier.db-shm"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s", e->dir, files[i]);
		unlink(path);
	}
	rmdir(e->dir);
	pthread_cond_destroy(&e->wk.cond);
	pthread_mutex_destroy(&e->wk.mu);
	free(e);
	return 0;
}

static worker *start_in(struct env *e, const i18n_cat *cat, size_t queue_len)
{
	worker *w = NULL;
	char err[256] = "";
	if (worker_new(e->db, cat, queue_len, fake_wake, &e->wk, &w, err, sizeof err))
		fail_msg("worker_new: %s", err);
	return w;
}

static worker *start(struct env *e, size_t queue_len)
{
	return start_in(e, e->cat, queue_len);
}

/* What the loop would render itself, on its own store, in cat's language. */
static char *render_here(struct env *e, const i18n_cat *cat, export_format f, size_t *len)
{
	json_t *doc = NULL;
	char *out = NULL;
	assert_int_equal(export_view_document(e->st, e->code, &doc), 0);
	assert_int_equal(export_render(doc, f, cat, &out, len), 0);
	json_decref(doc);
	return out;
}

static void test_submit_then_collect(void **state)
{
	struct env *e = *state;
	worker *w = start(e, 0);
	unsigned long long ids[EXPORT__COUNT];
	worker_result r;
	assert_int_equal(worker_collect(w, &r), 0); /* nothing done yet */
	for (int f = 0; f < EXPORT__COUNT; f++) {
		assert_int_equal(worker_submit(w, e->code, (export_format)f, &ids[f]), WORKER_OK);
		assert_true(ids[f] != 0);
		for (int g = 0; g < f; g++)
			assert_true(ids[f] != ids[g]);
	}
	wait_wakes(&e->wk, EXPORT__COUNT);
	for (int f = 0; f < EXPORT__COUNT; f++) {
		size_t len;
		char *want = render_here(e, e->cat, (export_format)f, &len);
		assert_int_equal(worker_collect(w, &r), 1);
		assert_true(r.id == ids[f]); /* in the order submitted */
		assert_int_equal(r.status, WORKER_OK);
		assert_non_null(r.body);
		assert_int_equal(r.len, len);
		assert_memory_equal(r.body, want, len);
		free(r.body);
		free(want);
	}
	assert_int_equal(worker_collect(w, &r), 0);
	worker_free(w);
}

/* The worker renders in the language of the catalogue it was given (it
 * makes its own copy): an English one gives the English document, which
 * is not the French one. */
static void test_renders_in_the_catalogues_language(void **state)
{
	struct env *e = *state;
	i18n_cat *en = i18n_new("en");
	assert_non_null(en);
	worker *w = start_in(e, en, 0);
	i18n_free(en); /* borrowed by worker_new only */
	unsigned long long id;
	worker_result r;
	size_t len, fr_len;
	assert_int_equal(worker_submit(w, e->code, EXPORT_MD, &id), WORKER_OK);
	wait_wakes(&e->wk, 1);
	assert_int_equal(worker_collect(w, &r), 1);
	assert_int_equal(r.status, WORKER_OK);
	assert_non_null(en = i18n_new("en"));
	char *want = render_here(e, en, EXPORT_MD, &len);
	char *fr = render_here(e, e->cat, EXPORT_MD, &fr_len);
	assert_int_equal(r.len, len);
	assert_memory_equal(r.body, want, len);
	assert_false(fr_len == len && !memcmp(fr, want, len));
	free(fr);
	free(want);
	free(r.body);
	i18n_free(en);
	worker_free(w);
}

static void test_unknown_seminar(void **state)
{
	struct env *e = *state;
	worker *w = start(e, 0);
	unsigned long long id;
	worker_result r;
	assert_int_equal(worker_submit(w, "NOSUCHCODE", EXPORT_MD, &id), WORKER_OK);
	wait_wakes(&e->wk, 1);
	assert_int_equal(worker_collect(w, &r), 1);
	assert_true(r.id == id);
	assert_int_equal(r.status, WORKER_NOT_FOUND);
	assert_null(r.body);
	worker_free(w);
}

/* A job holds its place until its result is collected: with a queue of
 * 2, the third is refused however fast the thread is. */
static void test_full_queue_is_busy(void **state)
{
	struct env *e = *state;
	worker *w = start(e, 2);
	unsigned long long a, b, c;
	worker_result r;
	assert_int_equal(worker_submit(w, e->code, EXPORT_JSON, &a), WORKER_OK);
	assert_int_equal(worker_submit(w, e->code, EXPORT_CSV, &b), WORKER_OK);
	assert_int_equal(worker_submit(w, e->code, EXPORT_MD, &c), WORKER_BUSY);
	wait_wakes(&e->wk, 2);
	assert_int_equal(worker_submit(w, e->code, EXPORT_MD, &c), WORKER_BUSY);
	assert_int_equal(worker_collect(w, &r), 1);
	assert_true(r.id == a);
	free(r.body);
	assert_int_equal(worker_submit(w, e->code, EXPORT_MD, &c), WORKER_OK);
	assert_true(c != a && c != b);
	assert_int_equal(worker_submit(w, e->code, EXPORT_MD, &c), WORKER_BUSY);
	worker_free(w); /* one result and one job (done or not) left */
}

static void test_stop_with_jobs_pending(void **state)
{
	struct env *e = *state;
	worker *w = start(e, 8);
	unsigned long long id;
	for (int i = 0; i < 8; i++)
		assert_int_equal(worker_submit(w, e->code, (export_format)(i % EXPORT__COUNT), &id),
		                 WORKER_OK);
	worker_free(w); /* joins; what is left is freed (ASan says if not) */
	worker_free(NULL);
}

/* Bytes of a file, -1 when it cannot be read. */
static long long file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) ? -1 : (long long)sb.st_size;
}

/* Commits a second seminar on the loop's connection, which checkpoints
 * nothing (as the server's): it stays in the log. Returns the size of the
 * database file then; wal (OUT) is the log's path. */
static long long fill_the_log(struct env *e, char *wal, size_t wal_len)
{
	char code[32], err[256];
	assert_int_equal(store_autocheckpoint(e->st, 0), STORE_OK);
	json_t *defn = fx_definition();
	json_object_set_new(defn, "id", json_string("essai-bis"));
	assert_int_equal(fx_import_code(e->st, defn, code, sizeof code, err, sizeof err), 0);
	json_decref(defn);
	snprintf(wal, wal_len, "%s-wal", e->db);
	long long before = file_size(e->db);
	assert_true(file_size(wal) > before); /* the imports are in the log */
	return before;
}

/* What the loop commits stays in the log until the worker, with no job
 * to do, copies it into the database file. */
static void test_checkpoints_the_log(void **state)
{
	struct env *e = *state;
	char wal[320];
	long long before = fill_the_log(e, wal, sizeof wal);

	worker *w = start(e, 0);
	for (int waited = 0; file_size(e->db) <= before; waited += 10) {
		if (waited >= WAIT_SECS * 1000)
			fail_msg("the database file stayed at %lld bytes (log: %lld)", before,
			         file_size(wal));
		usleep(10000);
	}
	worker_free(w);
}

/* A worker told worker_no_checkpoints() leaves the log to another: more
 * than two of its checkpoint intervals (1 s) and a job later, the
 * database file has not grown. */
static void test_a_quiet_worker_leaves_the_log(void **state)
{
	struct env *e = *state;
	char wal[320];
	worker_result res;
	unsigned long long id = 0;
	long long before = fill_the_log(e, wal, sizeof wal);

	worker *w = start(e, 0);
	worker_no_checkpoints(w);
	usleep(2500 * 1000);
	assert_int_equal(worker_submit(w, e->code, EXPORT_CSV, &id), WORKER_OK);
	wait_wakes(&e->wk, 1);
	assert_int_equal(worker_collect(w, &res), 1);
	assert_int_equal(res.status, WORKER_OK);
	free(res.body);
	assert_int_equal(file_size(e->db), before);
	worker_free(w);
}

/* The threads of this process under SCHED_IDLE. */
static int idle_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *t;
	int n = 0;
	assert_non_null(d);
	while ((t = readdir(d)))
		if (t->d_name[0] != '.' && sched_getscheduler((pid_t)atoi(t->d_name)) == SCHED_IDLE)
			n++;
	closedir(d);
	return n;
}

static long long monotonic_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000LL + t.tv_nsec / 1000;
}

/* worker_background puts the worker's thread, and it alone, under
 * SCHED_IDLE; its jobs still run. worker_tick takes it out while a job
 * not yet collected is more than 2 s old (by the clock it is given), and
 * puts it back once none is. */
static void test_background_runs_on_idle_cores(void **state)
{
	struct env *e = *state;
	worker_result res;
	unsigned long long id = 0;
	worker *w = start(e, 0);

	assert_int_equal(idle_threads(), 0);
	assert_int_equal(worker_background(w), WORKER_OK);
	assert_int_equal(idle_threads(), 1);
	assert_int_equal(sched_getscheduler(0), SCHED_OTHER); /* not the caller */
	long long queued = monotonic_us();
	assert_int_equal(worker_submit(w, e->code, EXPORT_CSV, &id), WORKER_OK);
	wait_wakes(&e->wk, 1);
	worker_tick(w, queued + 1000000LL);
	assert_int_equal(idle_threads(), 1); /* young */
	worker_tick(w, monotonic_us() + 3000000LL);
	assert_int_equal(idle_threads(), 0); /* late: with the others */
	assert_int_equal(worker_collect(w, &res), 1);
	assert_int_equal(res.status, WORKER_OK);
	free(res.body);
	worker_tick(w, monotonic_us() + 3000000LL);
	assert_int_equal(idle_threads(), 1); /* nothing held */
	worker_free(w);
}

static void test_unopenable_database(void **state)
{
	struct env *e = *state;
	worker *w = (worker *)1;
	char path[400], err[256] = "";
	snprintf(path, sizeof path, "%s/no/such/dir/atelier.db", e->dir);
	assert_int_equal(worker_new(path, e->cat, 0, fake_wake, &e->wk, &w, err, sizeof err),
	                 WORKER_ERR);
	assert_null(w);
	assert_non_null(strstr(err, "atelier.db"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_submit_then_collect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_renders_in_the_catalogues_language, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_unknown_seminar, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_queue_is_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_with_jobs_pending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoints_the_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_quiet_worker_leaves_the_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_background_runs_on_idle_cores, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unopenable_database, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
