/*
 * integ_phases.c — an activity's phases against the real server, read on
 * the messages phones and screens receive: private writing (another
 * phone and the screen never receive a text before its reveal: not in
 * events, snapshots, catch-ups, nor a resent id's reply), the reveal (a
 * fresh snapshot gives every text), voting with hidden tallies (no vote
 * count, nor which contribution a vote went to, reaches a phone or the
 * screen; the screen learns how many have voted), the results, and the
 * phases a definition chose (another is refused).
 *
 * Every message a watcher receives is read up to the reply to a message
 * it sends last (a "sentinel", answered after every event committed
 * before it), so that nothing is waited for by the clock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "srv.h"

#define SECRET "Texte secret de la participante A"
#define ACT "atelier"
#define BOARD "idees"

/* A seminar whose one activity chooses every phase. */
static const char defn[] =
	"{\"format\":\"atelier-seminaire\",\"version\":1,\"id\":\"phases\",\"code\":\"PHASES\","
	"\"title\":\"Phases\",\"date\":\"2022-10-11\",\"venue\":\"Salle\","
	"\"activities\":[{\"id\":\"" ACT "\",\"title\":\"Atelier\",\"template\":\"custom\","
	"\"vote_budget\":3,\"boards\":[{\"id\":\"" BOARD "\",\"title\":\"Idées\"}],"
	"\"phases\":[\"writing\",\"reveal\",\"blind_voting\",\"results\"]}]}";

struct room {
	fixture *f;
	char code[32], key[160];
	wsc *a, *b, *screen, *console;
	int sentinels;
};

/* Imports the phases seminar beside the test one (the server stopped
 * meanwhile), and connects a console, a screen and two phones. */
static void enter(fixture *f, struct room *r)
{
	char path[1200], err[512] = "";
	FILE *fp;
	memset(r, 0, sizeof *r);
	r->f = f;
	snprintf(path, sizeof path, "%s/phases.json", f->dir);
	assert_non_null(fp = fopen(path, "w"));
	fputs(defn, fp);
	fclose(fp);
	fixture_stop(f);
	const char *args[] = {"import", path, "--db", f->db, NULL};
	fixture_run_out run = fixture_run(f->dir, args);
	assert_int_equal(run.code, 0);
	fixture_run_free(&run);
	if (srv_seminar_besides(f->db, f->code, r->code, sizeof r->code, r->key, sizeof r->key,
	                        err, sizeof err))
		fail_msg("%s", err);
	fixture_start(f);

	r->console = fixture_connect(f);
	json_decref(fixture_want(f, fixture_call(f, r->console, "cw", "{s:s, s:s, s:s, s:s, s:s}",
	                                         "type", "watch", "id", "cw", "code", r->code,
	                                         "activity", ACT, "key", r->key),
	                         "synced"));
	r->screen = fixture_connect(f);
	json_decref(fixture_want(f, fixture_call(f, r->screen, "sw", "{s:s, s:s, s:s, s:s}", "type",
	                                         "watch", "id", "sw", "code", r->code, "activity",
	                                         ACT),
	                         "synced"));
	wsc **phones[] = {&r->a, &r->b};
	for (int i = 0; i < 2; i++) {
		wsc *c = fixture_connect(f);
		json_decref(fixture_want(f, fixture_call(f, c, "j", "{s:s, s:s, s:s}", "type", "join",
		                                         "id", "j", "code", r->code),
		                         "joined"));
		json_decref(fixture_want(f, fixture_call(f, c, "w", "{s:s, s:s, s:s, s:s, s:b}", "type",
		                                         "watch", "id", "w", "code", r->code, "activity",
		                                         ACT, "attend", 1),
		                         "synced"));
		*phones[i] = c;
	}
}

static void leave(struct room *r)
{
	wsc_close(r->a);
	wsc_close(r->b);
	wsc_close(r->screen);
	wsc_close(r->console);
}

static void phase(struct room *r, const char *state)
{
	char id[32];
	snprintf(id, sizeof id, "s-%s", state);
	json_t *ack = fixture_want(r->f, fixture_call(r->f, r->console, id,
	                                              "{s:s, s:s, s:s, s:s, s:s, s:s}", "type",
	                                              "set_state", "id", id, "code", r->code, "key",
	                                              r->key, "activity", ACT, "state", state),
	                           "ack");
	assert_string_equal(fixture_str(json_object_get(ack, "activity"), "state"), state);
	json_decref(ack);
}

/* Every message c received until now, as one text (one per line): a
 * message is sent that the server answers after every event committed
 * before it, and everything up to its answer is read. Caller frees. */
static char *received(struct room *r, wsc *c)
{
	char id[32], *all = calloc(1, 1);
	size_t n = 0;
	snprintf(id, sizeof id, "sentinel-%d", ++r->sentinels);
	assert_int_equal(wsc_send_json(c, "{s:s, s:s}", "type", "no_such_type", "id", id), 0);
	for (;;) {
		json_t *m = wsc_recv_json(c, FIXTURE_WAIT_MS);
		if (!m)
			fail_msg("no answer to %s", id);
		char *text = json_dumps(m, JSON_COMPACT);
		int last = fixture_str(m, "re") && !strcmp(fixture_str(m, "re"), id);
		json_decref(m);
		if (last) {
			free(text);
			return all;
		}
		all = realloc(all, n + strlen(text) + 2);
		memcpy(all + n, text, strlen(text));
		n += strlen(text);
		all[n++] = '\n';
		all[n] = '\0';
		free(text);
	}
}

/* The first snapshot or catch-up c gets for watch message fields. */
static json_t *watch(struct room *r, wsc *c, const char *id, long long since, const char *key)
{
	json_t *msg = json_pack("{s:s, s:s, s:s, s:s}", "type", "watch", "id", id, "code", r->code,
	                        "activity", ACT);
	if (since >= 0)
		json_object_set_new(msg, "since", json_integer(since));
	if (key)
		json_object_set_new(msg, "key", json_string(key));
	char *text = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	assert_int_equal(wsc_send_text(c, text, strlen(text), 1), 0);
	free(text);
	json_t *reply = wsc_expect_re(c, id, FIXTURE_WAIT_MS);
	assert_non_null(reply);
	return fixture_want(r->f, reply, "synced");
}

static int holds(json_t *m, const char *s)
{
	char *text = json_dumps(m, JSON_COMPACT);
	int yes = text && strstr(text, s) != NULL;
	free(text);
	return yes;
}

static void private_writing_keeps_texts_until_the_reveal(void **state)
{
	fixture *f = *state;
	struct room r;
	char *seen;

	enter(f, &r);
	phase(&r, "writing");
	free(received(&r, r.b));
	free(received(&r, r.screen));
	free(received(&r, r.a));
	long long id = fixture_post(f, r.a, "p1", ACT, BOARD, SECRET);

	/* The other phone and the screen hear of it, without its text. */
	seen = received(&r, r.b);
	assert_non_null(strstr(seen, "\"kind\":\"contribution\""));
	assert_non_null(strstr(seen, "\"text\":null"));
	assert_null(strstr(seen, SECRET));
	free(seen);
	seen = received(&r, r.screen);
	assert_non_null(strstr(seen, "\"text\":null"));
	assert_null(strstr(seen, SECRET));
	free(seen);
	/* Its author and the console have it. */
	seen = received(&r, r.console);
	assert_non_null(strstr(seen, SECRET));
	free(seen);

	/* Nor in a snapshot, a catch-up, or another one's reply to its id. */
	json_t *snap = watch(&r, r.b, "w2", -1, NULL);
	assert_false(holds(snap, SECRET));
	assert_non_null(fixture_find(json_object_get(snap, "contributions"), id));
	json_decref(snap);
	snap = watch(&r, r.screen, "w3", 0, NULL);
	assert_string_equal(fixture_str(snap, "mode"), "events");
	assert_false(holds(snap, SECRET));
	json_decref(snap);
	snap = watch(&r, r.a, "w4", -1, NULL);
	assert_true(holds(snap, SECRET)); /* its own, in its own snapshot */
	json_decref(snap);
	json_t *again = fixture_post_reply(f, r.a, "p1", ACT, BOARD, SECRET);
	assert_true(holds(again, SECRET));
	assert_int_equal(fixture_int(json_object_get(again, "contribution"), "id"), id);
	json_decref(again);
	free(received(&r, r.b));

	/* The reveal: the phones and the screen get it with the next snapshot
	 * (the activity's event tells them), and no vote yet. */
	phase(&r, "reveal");
	seen = received(&r, r.b);
	assert_non_null(strstr(seen, "\"state\":\"reveal\""));
	free(seen);
	snap = watch(&r, r.b, "w5", -1, NULL);
	assert_true(holds(snap, SECRET));
	json_decref(snap);
	fixture_want_error(f, fixture_post_reply(f, r.b, "p2", ACT, BOARD, "Trop tard"),
	                   "activity_state");
	leave(&r);
}

static json_t *vote(struct room *r, wsc *c, const char *id, long long cid)
{
	return fixture_call(r->f, c, id, "{s:s, s:s, s:I}", "type", "vote", "id", id,
	                    "contribution", (json_int_t)cid);
}

static void hidden_tallies_reach_no_phone_nor_screen(void **state)
{
	fixture *f = *state;
	struct room r;
	char *seen;

	enter(f, &r);
	phase(&r, "writing");
	long long id = fixture_post(f, r.a, "p1", ACT, BOARD, SECRET);
	fixture_want_error(f, vote(&r, r.b, "v0", id), "activity_state");
	phase(&r, "blind_voting");
	for (wsc **c = (wsc *[]){r.a, r.b, r.screen, r.console, NULL}; *c; c++)
		free(received(&r, *c));

	/* B votes: its own reply says it holds the vote, not the count. */
	json_t *ack = fixture_want(f, vote(&r, r.b, "v1", id), "ack");
	assert_true(json_is_null(json_object_get(json_object_get(ack, "contribution"), "votes")));
	assert_int_equal(fixture_int(ack, "votes_left"), 2);
	json_decref(ack);
	json_decref(fixture_want(f, vote(&r, r.b, "v1", id), "ack")); /* resent: the same */

	/* The author and the screen hear that one more has voted, not where:
	 * no event about the contribution, no count. */
	for (wsc **c = (wsc *[]){r.a, r.screen, NULL}; *c; c++) {
		seen = received(&r, *c);
		assert_null(strstr(seen, "\"kind\":\"contribution\""));
		assert_null(strstr(seen, "\"votes\":1"));
		assert_non_null(strstr(seen, "\"voters\":1"));
		free(seen);
	}
	/* The console sees the count. */
	seen = received(&r, r.console);
	assert_non_null(strstr(seen, "\"votes\":1"));
	free(seen);
	/* Nor in a snapshot or a catch-up. */
	json_t *snap = watch(&r, r.screen, "w2", -1, NULL);
	assert_false(holds(snap, "\"votes\":1"));
	assert_true(holds(snap, "\"voters\":1"));
	json_decref(snap);
	snap = watch(&r, r.a, "w3", 0, NULL);
	assert_false(holds(snap, "\"votes\":1"));
	json_decref(snap);

	/* The results: the count is everyone's. */
	phase(&r, "results");
	snap = watch(&r, r.screen, "w4", -1, NULL);
	assert_true(holds(snap, "\"votes\":1"));
	json_decref(snap);
	leave(&r);
}

static void only_the_chosen_phases(void **state)
{
	fixture *f = *state;
	struct room r;

	enter(f, &r);
	/* The activity says which are its phases. */
	json_t *snap = watch(&r, r.screen, "w1", -1, NULL);
	assert_true(holds(snap, "\"phases\":[\"prepared\",\"writing\",\"reveal\",\"blind_voting\","
	                        "\"results\",\"closed\"]"));
	json_decref(snap);
	fixture_want_error(f, fixture_call(f, r.console, "x", "{s:s, s:s, s:s, s:s, s:s, s:s}",
	                                   "type", "set_state", "id", "x", "code", r.code, "key",
	                                   r.key, "activity", ACT, "state", "open"),
	                   "activity_state");
	fixture_want_error(f, fixture_call(f, r.console, "y", "{s:s, s:s, s:s, s:s, s:s, s:s}",
	                                   "type", "set_state", "id", "y", "code", r.code, "key",
	                                   r.key, "activity", ACT, "state", "secret"),
	                   "bad_field");
	phase(&r, "closed"); /* every activity's */
	/* An activity whose definition chose none has today's four. */
	json_t *other = fixture_want(f, fixture_call(f, r.screen, "w2", "{s:s, s:s, s:s}", "type",
	                                             "watch", "id", "w2", "code", f->code),
	                             "synced");
	assert_true(holds(other, "\"phases\":[\"prepared\",\"open\",\"voting\",\"closed\"]"));
	json_decref(other);
	leave(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(private_writing_keeps_texts_until_the_reveal,
		                                fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(hidden_tallies_reach_no_phone_nor_screen,
		                                fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(only_the_chosen_phases, fixture_setup,
		                                fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
