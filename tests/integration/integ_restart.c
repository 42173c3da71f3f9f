/*
 * integ_restart.c — what survives the server: acknowledged contributions
 * after SIGKILL, idempotence across a restart, a clean stop on SIGTERM and
 * SIGINT, and sequence numbers that keep growing after a restart.
 *
 * Boundary: the atelier binary over real WebSockets (tests/support), one
 * fresh database per test, restarted on the same file. Must not open the
 * database while the server writes except through the fixture.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "fixture.h"

#define QUESTIONS FIXTURE_OPEN_ACTIVITY
#define NPOSTS 5

/* Opens the activity and returns a joined phone (not watching), with its
 * token and the activity's notes board. */
static wsc *open_and_join(fixture *f, char *token, size_t token_len, char *board,
                          size_t board_len)
{
	json_t *joined;
	wsc *fac = fixture_connect(f);
	fixture_set_state(f, fac, QUESTIONS, "open");
	wsc_close(fac);
	wsc *c = fixture_join(f, NULL, token, token_len, &joined);
	fixture_board(json_object_get(joined, "seminar"), QUESTIONS, "notes", board, board_len);
	json_decref(joined);
	return c;
}

/* Every acknowledged post is in the database after kill -9, and resending
 * one of them after the restart gives back the same contribution. */
static void test_ack_survives_sigkill(void **state)
{
	fixture *f = *state;
	char token[80], board[80], id[16], text[64];
	long long ids[NPOSTS];
	wsc *c = open_and_join(f, token, sizeof token, board, sizeof board);

	/* Send them all at once (they may share a commit), then collect. */
	for (int i = 0; i < NPOSTS; i++) {
		snprintf(id, sizeof id, "k-%d", i);
		snprintf(text, sizeof text, "Contribution %d avant la panne", i);
		assert_int_equal(wsc_send_json(c, "{s:s,s:s,s:s,s:s,s:s}", "type", "post", "id", id,
		                               "activity", QUESTIONS, "board", board, "text", text),
		                 WSC_OK);
	}
	for (int i = 0; i < NPOSTS; i++) {
		snprintf(id, sizeof id, "k-%d", i);
		json_t *ack = wsc_expect_re(c, id, FIXTURE_WAIT_MS);
		assert_non_null(ack);
		fixture_want(f, ack, "ack");
		ids[i] = fixture_int(json_object_get(ack, "contribution"), "id");
		assert_true(ids[i] > 0);
		json_decref(ack);
	}
	fixture_kill(f);
	wsc_close(c);

	fixture_start(f);
	json_t *all = fixture_snapshot(f, NULL);
	for (int i = 0; i < NPOSTS; i++) {
		json_t *x = fixture_find(all, ids[i]);
		assert_non_null(x);
		snprintf(text, sizeof text, "Contribution %d avant la panne", i);
		assert_string_equal(fixture_str(x, "text"), text);
	}
	assert_int_equal(json_array_size(all), NPOSTS);
	json_decref(all);

	/* The phone never saw its last ack: it rejoins and resends. */
	c = fixture_join(f, token, NULL, 0, NULL);
	snprintf(id, sizeof id, "k-%d", NPOSTS - 1);
	snprintf(text, sizeof text, "Contribution %d avant la panne", NPOSTS - 1);
	json_t *again = fixture_want(f, fixture_post_reply(f, c, id, QUESTIONS, board, text), "ack");
	assert_int_equal(fixture_int(json_object_get(again, "contribution"), "id"), ids[NPOSTS - 1]);
	json_decref(again);
	wsc_close(c);

	all = fixture_snapshot(f, NULL);
	assert_int_equal(json_array_size(all), NPOSTS);
	json_decref(all);
}

/* After a clean stop and a restart, a watch gives a snapshot with what
 * was there, and sequence numbers go on from where they were: clients
 * ignore events whose seq is not above the last they saw. */
static void test_watch_after_restart(void **state)
{
	fixture *f = *state;
	char token[80], board[80];
	long long seq;
	wsc *c = open_and_join(f, token, sizeof token, board, sizeof board);
	wsc *screen = fixture_screen(f, QUESTIONS, &seq);
	long long before = fixture_post(f, c, "r-1", QUESTIONS, board, "Avant l'arrêt");
	json_t *ev = fixture_event(f, screen);
	long long seen = fixture_int(ev, "seq");
	json_decref(ev);
	wsc_close(screen);
	wsc_close(c);

	fixture_stop(f);
	fixture_start(f);

	json_t *all = fixture_snapshot(f, NULL);
	json_t *x = fixture_find(all, before);
	assert_non_null(x);
	assert_string_equal(fixture_str(x, "text"), "Avant l'arrêt");
	json_decref(all);

	/* Catching up from before the restart: whatever the mode, the seq
	 * does not go back. */
	screen = fixture_connect(f);
	json_t *synced = fixture_want(f,
	                              fixture_call(f, screen, "w", "{s:s,s:s,s:s,s:s,s:I}", "type",
	                                           "watch", "id", "w", "code", f->code, "activity",
	                                           QUESTIONS, "since", (json_int_t)seen),
	                              "synced");
	const char *mode = fixture_str(synced, "mode");
	assert_non_null(mode);
	assert_true(!strcmp(mode, "events") || !strcmp(mode, "snapshot"));
	if (!strcmp(mode, "events"))
		assert_int_equal(json_array_size(json_object_get(synced, "events")), 0);
	assert_true(fixture_int(synced, "seq") >= seen);
	json_decref(synced);

	c = fixture_join(f, token, NULL, 0, NULL);
	long long after = fixture_post(f, c, "r-2", QUESTIONS, board, "Après le redémarrage");
	ev = fixture_event(f, screen);
	assert_int_equal(fixture_int(json_object_get(ev, "contribution"), "id"), after);
	assert_true(fixture_int(ev, "seq") > seen);
	json_decref(ev);
	wsc_close(c);
	wsc_close(screen);
}

/* SIGINT stops the server as cleanly as SIGTERM, connections open. */
static void test_sigint_is_a_clean_stop(void **state)
{
	fixture *f = *state;
	long long seq;
	wsc *screen = fixture_screen(f, NULL, &seq);
	int status = 0;
	char st[32];
	assert_int_equal(proc_signal(f->server, SIGINT), PROC_OK);
	int rc = proc_wait(f->server, FIXTURE_START_MS, &status);
	wsc_close(screen);
	proc_free(f->server); /* kills it if it did not stop */
	f->server = NULL;
	if (rc || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("after SIGINT: %s%s", proc_status_text(status, st, sizeof st),
		         rc ? " (did not stop in time)" : "");
	fixture_start(f);
	json_t *all = fixture_snapshot(f, NULL);
	assert_int_equal(json_array_size(all), 0);
	json_decref(all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ack_survives_sigkill, fixture_setup,
		                                fixture_teardown),
		cmocka_unit_test_setup_teardown(test_watch_after_restart, fixture_setup,
		                                fixture_teardown),
		cmocka_unit_test_setup_teardown(test_sigint_is_a_clean_stop, fixture_setup,
		                                fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
