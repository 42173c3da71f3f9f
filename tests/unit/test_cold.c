/*
 * test_cold.c — cold snapshots off the loop (turn.c's sinks.cold): a watch
 * whose snapshot is not in the cache gets no reply from the loop's turn;
 * the snapshot is built by the worker (server/worker.c, a real thread with
 * its own connection, or by hand on a second connection standing for it)
 * while the loop goes on answering posts; when it comes back, every watch
 * waiting for that board gets it, one job for all of them, then the
 * events committed after its sequence number, each once and in order,
 * then its watch. A client that leaves while waiting gets nothing; one
 * that watches anew gets the snapshot of its first watch, alone. A full
 * worker queue is asked again at the next turn's end. A snapshot read
 * before a write the loop knows of is not kept in the cache.
 *
 * Boundary: a database file in a scratch directory (two connections on
 * it), the small seminar of unit_fixture.c, the turn with sinks of this
 * file. Waits on the fake wake-up are bounded; nothing is timed.
 */
#include "unit_fixture.h"
#include "i18n.h"
#include "turn.h"
#include "worker.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WAIT_SECS 20 /* the bound of one wait for a wake-up */
#define CONNS 4

struct env {
	char dir[256], db[300];
	store *st;        /* the loop's */
	i18n_cat *cat;
	fixture f;        /* code and key of the seminar (f.st unused) */
	turn *t;
	json_t *replies[CONNS]; /* per connection, in order */
	int watching[CONNS];    /* watch sink calls */
	int asked;              /* cold sink calls */
	int busy;               /* cold sink calls still to answer "full" */
	long long seminar_id, activity_id;
	int facilitator;
	worker *w;              /* NULL: the test builds the snapshot itself */
	pthread_mutex_t mu;
	pthread_cond_t cond;
	int wakes;
};

static void fake_wake(void *ctx)
{
	struct env *e = ctx;
	pthread_mutex_lock(&e->mu);
	e->wakes++;
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->mu);
}

static void wait_wake(struct env *e)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += WAIT_SECS;
	pthread_mutex_lock(&e->mu);
	int r = 0;
	while (!e->wakes && r == 0)
		r = pthread_cond_timedwait(&e->cond, &e->mu, &until);
	int got = e->wakes;
	pthread_mutex_unlock(&e->mu);
	if (!got)
		fail_msg("the worker did not wake the loop");
}

static int on_reply(void *ctx, void *conn, const char *text, snapshot *tail)
{
	struct env *e = ctx;
	size_t i = (size_t)(uintptr_t)conn;
	seminar_result r = {.reply = (char *)text, .tail = tail};
	char *whole = seminar_result_text(&r);
	json_t *v = whole ? json_loads(whole, 0, NULL) : NULL;
	free(whole);
	assert_non_null(v);
	assert_true(i < CONNS);
	json_array_append_new(e->replies[i], v);
	return 0;
}

static void on_watch(void *ctx, void *conn, long long seminar_id, long long activity_id,
                     const view_who *who)
{
	struct env *e = ctx;
	(void)seminar_id;
	(void)activity_id;
	(void)who;
	e->watching[(size_t)(uintptr_t)conn]++;
}

static int on_cold(void *ctx, long long seminar_id, long long activity_id, int facilitator,
                   unsigned long long *job)
{
	struct env *e = ctx;
	e->asked++;
	e->seminar_id = seminar_id;
	e->activity_id = activity_id;
	e->facilitator = facilitator;
	if (e->busy > 0) {
		e->busy--;
		return WORKER_BUSY;
	}
	if (e->w)
		return worker_submit_snapshot(e->w, seminar_id, activity_id, facilitator, job);
	*job = 41;
	return 0;
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);
	char err[256];
	const char *tmp = getenv("TMPDIR");
	turn_sinks sinks = {.reply = on_reply, .watch = on_watch, .cold = on_cold};
	assert_non_null(e);
	sinks.ctx = e;
	snprintf(e->dir, sizeof e->dir, "%s/atelier-cold-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->db, sizeof e->db, "%s/atelier.db", e->dir);
	assert_non_null(e->cat = i18n_new("fr"));
	assert_int_equal(store_open(e->db, e->cat, &e->st, err, sizeof err), 0);
	json_t *defn = fx_definition();
	assert_int_equal(fx_import_code(e->st, defn, e->f.code, sizeof e->f.code, err, sizeof err),
	                 0);
	json_decref(defn);
	for (int i = 0; i < CONNS; i++)
		assert_non_null(e->replies[i] = json_array());
	assert_non_null(e->t = turn_new(e->st, NULL, NULL, NULL, &sinks));
	pthread_mutex_init(&e->mu, NULL);
	pthread_cond_init(&e->cond, NULL);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	char path[400];
	turn_free(e->t);
	worker_free(e->w);
	store_close(e->st);
	i18n_free(e->cat);
	for (int i = 0; i < CONNS; i++)
		json_decref(e->replies[i]);
	const char *const files[] = {"atelier.db", "atelier.db-wal", "atelier.db-shm"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s", e->dir, files[i]);
		unlink(path);
	}
	rmdir(e->dir);
	pthread_cond_destroy(&e->cond);
	pthread_mutex_destroy(&e->mu);
	free(e);
	return 0;
}

/* Sends text from c and ends the turn. */
static void send_end(struct env *e, turn_client *c, const char *text)
{
	assert_int_equal(turn_message(e->t, c, text, strlen(text)), 0);
	turn_end(e->t);
}

/* The replies of connection i since the last call (a new reference). */
static json_t *take(struct env *e, int i)
{
	json_t *r = e->replies[i];
	assert_non_null(e->replies[i] = json_array());
	return r;
}

static const char *type_of(json_t *r, size_t i)
{
	return json_string_value(json_object_get(json_array_get(r, i), "type"));
}

/* Opens axe-1 (through the turn, with the seminar's key) and joins a
 * phone on connection phone_i. */
static turn_client *open_and_join(struct env *e, int phone_i)
{
	char text[512];
	turn_client *desk = turn_client_new(e->t, (void *)(uintptr_t)3, "");
	turn_client *phone = turn_client_new(e->t, (void *)(uintptr_t)phone_i, "");
	assert_non_null(desk);
	assert_non_null(phone);
	fx_read_key(&e->f, e->st);
	snprintf(text, sizeof text,
	         "{\"type\":\"set_state\",\"id\":\"s\",\"code\":\"%s\",\"key\":\"%s\","
	         "\"activity\":\"axe-1\",\"state\":\"open\"}",
	         e->f.code, e->f.key);
	send_end(e, desk, text);
	json_t *r = take(e, 3);
	assert_string_equal(type_of(r, 0), "ack");
	json_decref(r);
	snprintf(text, sizeof text, "{\"type\":\"join\",\"id\":\"j\",\"code\":\"%s\"}", e->f.code);
	send_end(e, phone, text);
	json_decref(take(e, phone_i));
	turn_client_free(desk);
	return phone;
}

static void post(struct env *e, turn_client *phone, int phone_i, int n)
{
	char text[256];
	snprintf(text, sizeof text,
	         "{\"type\":\"post\",\"id\":\"p%d\",\"activity\":\"axe-1\",\"board\":\"abandonner\","
	         "\"text\":\"Idée %d\"}",
	         n, n);
	send_end(e, phone, text);
	json_t *r = take(e, phone_i);
	assert_int_equal(json_array_size(r), 1);
	assert_string_equal(type_of(r, 0), "ack");
	json_decref(r);
}

static void watch(struct env *e, turn_client *c, int n)
{
	char text[256];
	snprintf(text, sizeof text,
	         "{\"type\":\"watch\",\"id\":\"w%d\",\"code\":\"%s\",\"activity\":\"axe-1\"}", n,
	         e->f.code);
	send_end(e, c, text);
}

/* The worker builds it: meanwhile the loop answers a post. */
static void cold_watch_is_built_off_the_loop(void **state)
{
	struct env *e = *state;
	char err[256] = "";
	worker_result res;
	assert_int_equal(worker_new(e->db, e->cat, 0, fake_wake, e, &e->w, err, sizeof err), 0);
	turn_client *phone = open_and_join(e, 1);
	turn_client *screen = turn_client_new(e->t, (void *)(uintptr_t)0, "");
	assert_non_null(screen);

	watch(e, screen, 1);
	assert_int_equal(e->asked, 1);
	json_t *r = take(e, 0);
	assert_int_equal(json_array_size(r), 0); /* the loop did not build it */
	json_decref(r);
	assert_int_equal(turn_client_waiting(screen), 1);
	post(e, phone, 1, 1); /* answered while the snapshot is being built */

	wait_wake(e);
	assert_int_equal(worker_collect(e->w, &res), 1);
	assert_int_equal(res.status, WORKER_OK);
	turn_cold_done(e->t, res.id, res.cold);
	turn_end(e->t);
	r = take(e, 0);
	assert_true(json_array_size(r) >= 1);
	assert_string_equal(type_of(r, 0), "synced");
	json_t *snap = json_array_get(r, 0);
	assert_string_equal(json_string_value(json_object_get(snap, "re")), "w1");
	assert_string_equal(json_string_value(json_object_get(snap, "mode")), "snapshot");
	/* the post is there once: in the snapshot, or as an event after it */
	size_t seen = json_array_size(json_object_get(snap, "contributions")) +
	              json_array_size(r) - 1;
	assert_int_equal(seen, 1);
	assert_int_equal(e->watching[0], 1);
	assert_int_equal(turn_client_waiting(screen), 0);
	json_decref(r);
	turn_client_free(screen);
	turn_client_free(phone);
}

/* Events committed between the snapshot's read and its delivery reach
 * every waiter after it, each once, in order; one job for all waiters; a
 * waiter that left gets nothing. */
static void racing_events_follow_the_snapshot_once(void **state)
{
	struct env *e = *state;
	char err[256];
	store *worker_st = NULL;
	snapshot_cold *cold = NULL;
	turn_client *phone = open_and_join(e, 1);
	turn_client *a = turn_client_new(e->t, (void *)(uintptr_t)0, "");
	turn_client *b = turn_client_new(e->t, (void *)(uintptr_t)2, "");
	turn_client *gone = turn_client_new(e->t, (void *)(uintptr_t)3, "");
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(gone);

	post(e, phone, 1, 1); /* in the snapshot */
	watch(e, a, 1);
	watch(e, gone, 2);
	assert_int_equal(e->asked, 1);
	/* the worker reads now, on its own connection */
	assert_int_equal(store_open(e->db, e->cat, &worker_st, err, sizeof err), 0);
	assert_int_equal(snapshot_cold_build(worker_st, e->seminar_id, e->activity_id,
	                                     e->facilitator, &cold),
	                 STORE_OK);
	store_close(worker_st);
	long long seq = snapshot_cold_seq(cold);
	post(e, phone, 1, 2); /* after it: events */
	watch(e, b, 3);       /* joins the same job */
	post(e, phone, 1, 3);
	turn_client_free(gone);
	assert_int_equal(e->asked, 1);
	json_t *ra = take(e, 0), *rb = take(e, 2);
	assert_int_equal(json_array_size(ra) + json_array_size(rb), 0);
	json_decref(ra);
	json_decref(rb);

	turn_cold_done(e->t, 41, cold);
	turn_end(e->t);
	for (int k = 0; k < 2; k++) {
		json_t *r = take(e, k ? 2 : 0);
		assert_int_equal(json_array_size(r), 3);
		assert_string_equal(type_of(r, 0), "synced");
		json_t *snap = json_array_get(r, 0);
		assert_int_equal(json_integer_value(json_object_get(snap, "seq")), seq);
		assert_int_equal(json_array_size(json_object_get(snap, "contributions")), 1);
		long long last = seq;
		for (size_t i = 1; i < 3; i++) {
			assert_string_equal(type_of(r, i), "event");
			long long s = json_integer_value(json_object_get(json_array_get(r, i), "seq"));
			assert_true(s > last);
			last = s;
		}
		json_decref(r);
	}
	assert_int_equal(e->watching[0], 1);
	assert_int_equal(e->watching[2], 1);
	json_t *r3 = take(e, 3);
	assert_int_equal(json_array_size(r3), 0);
	json_decref(r3);
	turn_client_free(a);
	turn_client_free(b);
	turn_client_free(phone);
}

/* Builds the snapshot asked for last on a connection of its own, as the
 * worker would, now. */
static snapshot_cold *build(struct env *e)
{
	char err[256];
	store *worker_st = NULL;
	snapshot_cold *cold = NULL;
	assert_int_equal(store_open(e->db, e->cat, &worker_st, err, sizeof err), 0);
	assert_int_equal(snapshot_cold_build(worker_st, e->seminar_id, e->activity_id,
	                                     e->facilitator, &cold),
	                 STORE_OK);
	store_close(worker_st);
	return cold;
}

/* The worker's queue is full: the watch waits, and is asked for again at
 * the next turn's end, until there is a place. */
static void a_full_queue_is_asked_again(void **state)
{
	struct env *e = *state;
	turn_client *phone = open_and_join(e, 1);
	turn_client *screen = turn_client_new(e->t, (void *)(uintptr_t)0, "");
	assert_non_null(screen);

	e->busy = 2;
	watch(e, screen, 1);
	assert_int_equal(e->asked, 1);
	assert_int_equal(turn_client_waiting(screen), 1);
	post(e, phone, 1, 1); /* the second ask, full again */
	assert_int_equal(e->asked, 2);
	post(e, phone, 1, 2); /* the third finds a place */
	assert_int_equal(e->asked, 3);
	post(e, phone, 1, 3); /* queued: not asked again */
	assert_int_equal(e->asked, 3);
	json_t *r = take(e, 0);
	assert_int_equal(json_array_size(r), 0);
	json_decref(r);

	turn_cold_done(e->t, 41, build(e));
	turn_end(e->t);
	r = take(e, 0);
	assert_string_equal(type_of(r, 0), "synced");
	assert_string_equal(json_string_value(json_object_get(json_array_get(r, 0), "re")), "w1");
	assert_int_equal(json_array_size(json_object_get(json_array_get(r, 0), "contributions")), 3);
	assert_int_equal(e->watching[0], 1);
	assert_int_equal(turn_client_waiting(screen), 0);
	json_decref(r);
	turn_client_free(screen);
	turn_client_free(phone);
}

/* A client watches anew while its first watch waits: the first is
 * answered with its snapshot alone (the client knows it replaced it), the
 * second with the snapshot, the events since, and the watch; one job. */
static void a_replaced_watch_gets_its_snapshot_alone(void **state)
{
	struct env *e = *state;
	turn_client *phone = open_and_join(e, 1);
	turn_client *screen = turn_client_new(e->t, (void *)(uintptr_t)0, "");
	assert_non_null(screen);

	watch(e, screen, 1);
	snapshot_cold *cold = build(e);
	post(e, phone, 1, 1); /* after the snapshot: an event */
	watch(e, screen, 2);
	assert_int_equal(e->asked, 1);
	json_t *r = take(e, 0);
	assert_int_equal(json_array_size(r), 0);
	json_decref(r);

	turn_cold_done(e->t, 41, cold);
	turn_end(e->t);
	r = take(e, 0);
	assert_int_equal(json_array_size(r), 3);
	assert_string_equal(type_of(r, 0), "synced");
	assert_string_equal(json_string_value(json_object_get(json_array_get(r, 0), "re")), "w1");
	assert_string_equal(type_of(r, 1), "synced");
	assert_string_equal(json_string_value(json_object_get(json_array_get(r, 1), "re")), "w2");
	assert_string_equal(type_of(r, 2), "event");
	assert_int_equal(e->watching[0], 1); /* the second watch only */
	json_decref(r);
	turn_client_free(screen);
	turn_client_free(phone);
}

/* Another process writes while the snapshot is being built (a change the
 * loop learns through the store's version, with no event): the waiters
 * get what was read, but the cache does not keep it, so the next watch
 * reads again and sees the change. */
static void a_snapshot_read_before_a_write_is_not_kept(void **state)
{
	struct env *e = *state;
	sqlite3 *other = NULL;
	turn_client *a = turn_client_new(e->t, (void *)(uintptr_t)0, "");
	turn_client *b = turn_client_new(e->t, (void *)(uintptr_t)2, "");
	assert_non_null(a);
	assert_non_null(b);

	watch(e, a, 1);
	assert_int_equal(e->asked, 1);
	snapshot_cold *cold = build(e);
	assert_int_equal(sqlite3_open(e->db, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "UPDATE seminar SET title = 'Titre corrigé'", NULL,
	                              NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(other);
	turn_cold_done(e->t, 41, cold);
	turn_end(e->t);
	json_t *r = take(e, 0);
	assert_string_equal(type_of(r, 0), "synced");
	json_decref(r);

	watch(e, b, 2);
	assert_int_equal(e->asked, 2); /* not from the cache */
	turn_cold_done(e->t, 41, build(e));
	turn_end(e->t);
	r = take(e, 2);
	assert_string_equal(type_of(r, 0), "synced");
	json_t *seminar = json_object_get(json_array_get(r, 0), "seminar");
	assert_string_equal(json_string_value(json_object_get(seminar, "title")), "Titre corrigé");
	json_decref(r);
	turn_client_free(a);
	turn_client_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(cold_watch_is_built_off_the_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(racing_events_follow_the_snapshot_once, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(a_full_queue_is_asked_again, setup, teardown),
		cmocka_unit_test_setup_teardown(a_replaced_watch_gets_its_snapshot_alone, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(a_snapshot_read_before_a_write_is_not_kept, setup,
		                                teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
