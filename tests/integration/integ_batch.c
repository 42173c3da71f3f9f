/*
 * integ_batch.c — many server messages pending for one connection go out
 * together (several frames in one write, ws.c write_pending): each still
 * arrives as its own WebSocket message, whole, once, and in order; and a
 * message larger than one write's batch (a big snapshot) arrives whole.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#define PHONES 15
#define POSTS 20 /* per phone: the per-connection burst allowed */
#define TOTAL (PHONES * POSTS)

/* A text of about 300 characters, distinct per post. */
static void post_text(char *out, size_t len, int k)
{
	snprintf(out, len,
	         "Contribution %d : ouvrir les cours d'école le samedi matin aux familles, "
	         "avec les associations du quartier, les centres sociaux et les "
	         "enseignant·es volontaires ; prévoir un temps d'échange régulier, un "
	         "goûter partagé et une information traduite pour les parents. Fin %d.",
	         k, k);
}

static void test_burst_arrives_whole_once_in_order(void **state)
{
	fixture *f = *state;
	json_t *seminar = NULL;
	long long seq0 = 0;
	char board[80], text[600], id[32];
	wsc *phones[PHONES];

	wsc *screen = fixture_screen(f, FIXTURE_OPEN_ACTIVITY, &seq0);
	for (int p = 0; p < PHONES; p++)
		phones[p] = fixture_phone(f, FIXTURE_OPEN_ACTIVITY, p ? NULL : &seminar);
	fixture_board(seminar, FIXTURE_OPEN_ACTIVITY, "notes", board, sizeof board);
	json_decref(seminar);
	wsc *fac = fixture_connect(f);
	fixture_set_state(f, fac, FIXTURE_OPEN_ACTIVITY, "open");

	/* Every phone sends its whole burst without waiting: the screen and
	 * the phones then have many events pending at once. */
	for (int i = 0; i < POSTS; i++)
		for (int p = 0; p < PHONES; p++) {
			int k = p * POSTS + i;
			snprintf(id, sizeof id, "b-%d", k);
			post_text(text, sizeof text, k);
			assert_int_equal(wsc_send_json(phones[p], "{s:s,s:s,s:s,s:s,s:s}", "type",
			                               "post", "id", id, "activity",
			                               FIXTURE_OPEN_ACTIVITY, "board", board, "text",
			                               text),
			                 WSC_OK);
		}

	/* The screen sees every post once, as its own message, in sequence. */
	char seen[TOTAL] = {0};
	long long last = seq0;
	for (int n = 0; n < TOTAL; n++) {
		json_t *ev = wsc_expect_event(screen, "contribution", FIXTURE_WAIT_MS);
		if (!ev)
			fail_msg("event %d of %d missing: %s", n + 1, TOTAL, wsc_error(screen));
		long long seq = fixture_int(ev, "seq");
		if (seq <= last)
			fail_msg("seq %lld after %lld", seq, last);
		last = seq;
		const char *t = fixture_str(json_object_get(ev, "contribution"), "text");
		int k = -1;
		assert_non_null(t);
		assert_int_equal(sscanf(t, "Contribution %d", &k), 1);
		assert_true(k >= 0 && k < TOTAL);
		post_text(text, sizeof text, k);
		assert_string_equal(t, text);
		if (seen[k])
			fail_msg("post %d seen twice", k);
		seen[k] = 1;
		json_decref(ev);
	}

	/* Every phone gets every one of its acks. */
	for (int p = 0; p < PHONES; p++)
		for (int i = 0; i < POSTS; i++) {
			snprintf(id, sizeof id, "b-%d", p * POSTS + i);
			json_t *ack = fixture_want(f, wsc_expect_re(phones[p], id, FIXTURE_WAIT_MS),
			                           "ack");
			json_decref(ack);
		}

	/* A snapshot far over one write's batch (64 KiB) arrives whole. */
	json_t *all = fixture_snapshot(f, NULL);
	char *dump = json_dumps(all, JSON_COMPACT);
	assert_true(strlen(dump) > 65536);
	assert_int_equal(json_array_size(all), TOTAL);
	free(dump);
	json_decref(all);

	for (int p = 0; p < PHONES; p++)
		wsc_close(phones[p]);
	wsc_close(screen);
	wsc_close(fac);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_burst_arrives_whole_once_in_order,
		                                fixture_setup, fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
