/*
 * dur_crash.c — acknowledged means durable, and a resend is answered once:
 * many phones post in a burst while the server is killed with SIGKILL at a
 * random moment; after the restart every acknowledged post is there
 * exactly once, with the id its acknowledgement gave, the database passes
 * PRAGMA integrity_check, and resending every post of the burst adds no
 * second copy of anything. Then a phone whose connection drops before it
 * reads its acknowledgement resends and gets the original contribution.
 *
 * The kill moments come from a seed printed at the start of the test;
 * ATELIER_CRASH_SEED=N replays a run. Boundary: the atelier binary over
 * real WebSockets (tests/integration fixture); the database file is
 * opened directly (sqlite3) only while the server is down.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "fixture.h"

#define QUESTIONS FIXTURE_OPEN_ACTIVITY
/* Within the rate limits of docs/PROTOCOL.md: each server instance (they
 * restart with empty buckets) sees one round's resends and the next
 * round's burst, 2 * NCLIENTS * NPOSTS posts from 127.0.0.1, and each
 * connection sends NPOSTS posts. */
#define NCLIENTS 20
#define NPOSTS 10          /* per client and per round */
#define NROUNDS 5
#define WAVE_US 1000       /* between two posts of one phone */
#define KILL_JITTER_US 1000 /* at most this long after the chosen event */
/* The screen may lag behind the phones' acks (ws.c writes one queued
 * message per writable callback: 20 phones get an ack each while the
 * screen gets one event), so the kill comes after one of the first few
 * events. */
#define KILL_AFTER_MAX 8

/* One post of the burst: its message id, text and what became of it. */
struct post {
	char id[32];
	char text[64];
	long long acked; /* contribution id of its ack, 0 when none arrived */
};

struct phone {
	char token[80];
	wsc *c;
};

/* ===== The killer: SIGKILL to the server in the middle of the burst =====
 * It watches the activity like a projection screen (its own connection,
 * used by its thread only), waits for the after-th contribution event
 * (events go out after the commit: that many posts are saved), sleeps
 * delay_us more, and kills. The burst is paced (one post per phone every
 * WAVE_US) and after is small, so posts are still arriving and being
 * committed at that moment, whatever the speed of the build.
 * The wait is bounded: it kills anyway. */

struct killer {
	proc *server;
	wsc *screen;
	int after;    /* events to wait for */
	long delay_us;
	int seen;     /* events it saw before killing */
};

static void *kill_later(void *arg)
{
	struct killer *k = arg;
	struct timespec ts = {0, k->delay_us * 1000};
	json_t *ev;
	while (k->seen < k->after &&
	       (ev = wsc_expect_event(k->screen, "contribution", FIXTURE_WAIT_MS)) != NULL) {
		k->seen++;
		json_decref(ev);
	}
	nanosleep(&ts, NULL);
	proc_signal(k->server, SIGKILL);
	return NULL;
}

/* ===== Helpers ===== */

/* Opens the test activity and returns its notes board. */
static void open_questions(fixture *f, char *board, size_t board_len)
{
	wsc_close(fixture_open_phone(f, board, board_len));
}

static int send_post(wsc *c, const struct post *p, const char *board)
{
	return wsc_send_json(c, "{s:s,s:s,s:s,s:s,s:s}", "type", "post", "id", p->id,
	                     "activity", QUESTIONS, "board", board, "text", p->text);
}

/* Reads what the dead server had sent on c and records every ack. */
static void collect_acks(wsc *c, struct post *posts, size_t n)
{
	json_t *m;
	while ((m = wsc_recv_json(c, FIXTURE_WAIT_MS)) != NULL) {
		const char *type = fixture_str(m, "type"), *re = fixture_str(m, "re");
		if (type && re && !strcmp(type, "error"))
			fail_msg("post %s refused before the kill: %s", re, fixture_str(m, "code"));
		for (size_t i = 0; type && re && !strcmp(type, "ack") && i < n; i++)
			if (!strcmp(posts[i].id, re))
				posts[i].acked = fixture_int(json_object_get(m, "contribution"), "id");
		json_decref(m);
	}
}

/* Runs a pragma on h and fails unless its first row is want. */
static void want_pragma(sqlite3 *h, const char *sql, const char *want)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const char *got = (const char *)sqlite3_column_text(st, 0);
	if (!got || strcmp(got, want))
		fail_msg("%s after the crash: %s", sql, got ? got : "(null)");
	sqlite3_finalize(st);
}

/* The database file left by the crash: intact, and still in WAL mode
 * (a setting kept in the file). */
static void check_integrity(const char *db)
{
	sqlite3 *h = NULL;
	assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	want_pragma(h, "PRAGMA integrity_check", "ok");
	want_pragma(h, "PRAGMA journal_mode", "wal");
	sqlite3_close(h);
}

/* How many contributions of the snapshot carry this text; *id gets the
 * last one's id. */
static int count_text(json_t *all, const char *text, long long *id)
{
	size_t i;
	json_t *x;
	int n = 0;
	json_array_foreach(all, i, x) {
		const char *t = fixture_str(x, "text");
		if (t && !strcmp(t, text)) {
			n++;
			*id = fixture_int(x, "id");
		}
	}
	return n;
}

/* Resends every post of one phone on a new connection (as its outbox
 * does after a reconnect) and checks the answers: an acknowledged post
 * gets its original contribution back. */
static void resend_all(fixture *f, struct phone *ph, struct post *posts, size_t n,
                       const char *board)
{
	wsc *c = fixture_join(f, ph->token, NULL, 0, NULL);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(send_post(c, &posts[i], board), WSC_OK);
	for (size_t i = 0; i < n; i++) {
		json_t *r = wsc_expect_re(c, posts[i].id, FIXTURE_WAIT_MS);
		if (!r)
			fail_msg("no reply to the resent post %s", posts[i].id);
		fixture_want(f, r, "ack");
		long long got = fixture_int(json_object_get(r, "contribution"), "id");
		if (posts[i].acked && got != posts[i].acked)
			fail_msg("resent post %s: contribution %lld, its first ack said %lld",
			         posts[i].id, got, posts[i].acked);
		json_decref(r);
	}
	wsc_close(c);
}

/* ===== Tests ===== */

static void test_sigkill_during_burst(void **state)
{
	fixture *f = *state;
	static struct phone phones[NCLIENTS];
	static struct post posts[NROUNDS][NCLIENTS][NPOSTS];
	char board[80];
	const char *env = getenv("ATELIER_CRASH_SEED");
	unsigned seed = env ? (unsigned)strtoul(env, NULL, 10)
	                    : (unsigned)time(NULL) ^ (unsigned)getpid();
	size_t total_acked = 0;

	print_message("crash seed %u (replay with ATELIER_CRASH_SEED=%u)\n", seed, seed);
	srand(seed);
	open_questions(f, board, sizeof board);
	for (int i = 0; i < NCLIENTS; i++)
		wsc_close(fixture_join(f, NULL, phones[i].token, sizeof phones[i].token, NULL));

	for (int r = 0; r < NROUNDS; r++) {
		long long seq;
		struct killer k = {f->server, fixture_screen(f, QUESTIONS, &seq),
		                   1 + rand() % KILL_AFTER_MAX, rand() % KILL_JITTER_US, 0};
		pthread_t killer;
		size_t acked = 0;

		for (int i = 0; i < NCLIENTS; i++) {
			phones[i].c = fixture_join(f, phones[i].token, NULL, 0, NULL);
			for (int j = 0; j < NPOSTS; j++) {
				struct post *p = &posts[r][i][j];
				snprintf(p->id, sizeof p->id, "r%d-c%d-p%d", r, i, j);
				snprintf(p->text, sizeof p->text, "Panne %d, téléphone %d, idée %d", r, i,
				         j);
			}
		}
		/* The burst: every phone sends one post in turn, while the
		 * killer sleeps; sends to a dead server just fail. */
		assert_int_equal(pthread_create(&killer, NULL, kill_later, &k), 0);
		for (int j = 0; j < NPOSTS; j++) {
			struct timespec wave = {0, WAVE_US * 1000L};
			for (int i = 0; i < NCLIENTS; i++)
				send_post(phones[i].c, &posts[r][i][j], board);
			nanosleep(&wave, NULL);
		}
		pthread_join(killer, NULL);
		for (int i = 0; i < NCLIENTS; i++) {
			collect_acks(phones[i].c, posts[r][i], NPOSTS);
			wsc_close(phones[i].c);
			for (int j = 0; j < NPOSTS; j++)
				acked += posts[r][i][j].acked > 0;
		}
		wsc_close(k.screen);
		fixture_kill(f); /* reaps it */
		print_message("round %d: kill %ld us after event %d (saw %d), %zu of %d posts "
		              "acknowledged\n",
		              r, k.delay_us, k.after, k.seen, acked, NCLIENTS * NPOSTS);
		total_acked += acked;

		check_integrity(f->db);
		fixture_start(f);

		/* Every acknowledged post is there once, with its id; the others
		 * at most once. */
		json_t *all = fixture_snapshot(f, NULL);
		for (int i = 0; i < NCLIENTS; i++)
			for (int j = 0; j < NPOSTS; j++) {
				struct post *p = &posts[r][i][j];
				long long id = 0;
				int n = count_text(all, p->text, &id);
				if (n > 1 || (p->acked && (n != 1 || id != p->acked)))
					fail_msg("post %s (ack %lld) is in the snapshot %d times (id %lld)",
					         p->id, p->acked, n, id);
			}
		json_decref(all);

		/* The phones resend the whole burst: afterwards every post of
		 * every round so far is there exactly once. */
		for (int i = 0; i < NCLIENTS; i++)
			resend_all(f, &phones[i], posts[r][i], NPOSTS, board);
		all = fixture_snapshot(f, NULL);
		assert_int_equal(json_array_size(all), (size_t)(r + 1) * NCLIENTS * NPOSTS);
		for (int q = 0; q <= r; q++)
			for (int i = 0; i < NCLIENTS; i++)
				for (int j = 0; j < NPOSTS; j++) {
					long long id = 0;
					if (count_text(all, posts[q][i][j].text, &id) != 1)
						fail_msg("post %s is not there exactly once", posts[q][i][j].id);
				}
		json_decref(all);
	}
	print_message("%zu posts acknowledged before a kill in all\n", total_acked);
	/* A run where no kill fell after an ack would prove nothing. */
	assert_true(total_acked > 0);
}

/* The connection goes away after the post was committed but before the
 * phone read its ack: the phone reconnects, rejoins with its token and
 * resends; it gets the original contribution and nothing is stored twice. */
static void test_lost_ack(void **state)
{
	fixture *f = *state;
	char board[80], token[80];
	long long seq;
	const char *text = "Une idée dont l'accusé de réception s'est perdu";

	open_questions(f, board, sizeof board);
	wsc *screen = fixture_screen(f, QUESTIONS, &seq);
	wsc *c = fixture_join(f, NULL, token, sizeof token, NULL);
	struct post p = {"perdu-1", "", 0};
	snprintf(p.text, sizeof p.text, "%s", text);
	assert_int_equal(send_post(c, &p, board), WSC_OK);
	wsc_close(c); /* the ack, if it came, is never read */

	/* The screen's event proves the commit. */
	json_t *ev = fixture_event(f, screen);
	json_t *contrib = json_object_get(ev, "contribution");
	long long id = fixture_int(contrib, "id");
	assert_string_equal(fixture_str(contrib, "text"), text);
	json_decref(ev);

	c = fixture_join(f, token, NULL, 0, NULL);
	json_t *r = fixture_want(f, fixture_post_reply(f, c, p.id, QUESTIONS, board, text), "ack");
	assert_int_equal(fixture_int(json_object_get(r, "contribution"), "id"), id);
	json_decref(r);
	/* Twice more, for good measure, then a new post to fence the screen. */
	r = fixture_want(f, fixture_post_reply(f, c, p.id, QUESTIONS, board, text), "ack");
	assert_int_equal(fixture_int(json_object_get(r, "contribution"), "id"), id);
	json_decref(r);
	long long next = fixture_post(f, c, "perdu-2", QUESTIONS, board, "Une autre idée");
	wsc_close(c);

	/* No event for the resends: the next one is the new post. */
	ev = fixture_event(f, screen);
	assert_int_equal(fixture_int(json_object_get(ev, "contribution"), "id"), next);
	json_decref(ev);
	wsc_close(screen);

	json_t *all = fixture_snapshot(f, NULL);
	assert_int_equal(json_array_size(all), 2);
	long long found = 0;
	assert_int_equal(count_text(all, text, &found), 1);
	assert_int_equal(found, id);
	json_decref(all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sigkill_during_burst, fixture_setup,
		                                fixture_teardown),
		cmocka_unit_test_setup_teardown(test_lost_ack, fixture_setup, fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
