/*
 * integ_live.c — phones, a screen and a facilitator on one real server:
 * fan-out of a post, idempotent resends, catching up with since, the
 * facilitator key, activity states, vote budgets, ownership of edits and
 * deletes, orientations with example actions.
 *
 * Boundary: the atelier binary over real WebSockets (tests/support); one
 * fresh server and database per test. Checks only what docs/PROTOCOL.md
 * promises; must not look inside the server.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

#define QUESTIONS FIXTURE_OPEN_ACTIVITY
#define ORIENT FIXTURE_ORIENT_ACTIVITY

/* Two phones, a projection screen and a facilitator console, all on the
 * activity under test, with the id of its first board of the given kind. */
typedef struct room {
	wsc *a, *b, *screen, *fac;
	long long seq;    /* the screen's synced seq */
	char board[80];
} room;

static void room_enter(fixture *f, room *r, const char *activity, const char *kind)
{
	json_t *seminar = NULL;
	memset(r, 0, sizeof *r);
	r->screen = fixture_screen(f, activity, &r->seq);
	r->a = fixture_phone(f, activity, &seminar);
	r->b = fixture_phone(f, activity, NULL);
	r->fac = fixture_connect(f);
	fixture_board(seminar, activity, kind, r->board, sizeof r->board);
	json_decref(seminar);
}

/* room_enter, then the facilitator opens the activity. */
static void room_open(fixture *f, room *r, const char *activity, const char *kind)
{
	room_enter(f, r, activity, kind);
	fixture_set_state(f, r->fac, activity, "open");
}

static void room_leave(room *r)
{
	wsc_close(r->a);
	wsc_close(r->b);
	wsc_close(r->screen);
	wsc_close(r->fac);
}

/* The state of an activity in a seminar object, or NULL. */
static const char *activity_state(json_t *seminar, const char *activity)
{
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(seminar, "activities"), i, a) {
		const char *id = fixture_str(a, "id");
		if (id && !strcmp(id, activity))
			return fixture_str(a, "state");
	}
	return NULL;
}

/* A post from phone A reaches A as an ack, and the screen and phone B as
 * one event carrying the same contribution. */
static void test_post_reaches_screen_and_other_phone(void **state)
{
	fixture *f = *state;
	room r;
	room_open(f, &r, QUESTIONS, "notes");

	json_t *ack = fixture_want(
		f,
		fixture_call(f, r.a, "post-1", "{s:s,s:s,s:s,s:s,s:s,s:s}", "type", "post", "id",
		             "post-1", "activity", QUESTIONS, "board", r.board, "text",
		             "  Comment associer les parents aux décisions ?  ", "author",
		             "parent d'élève"),
		"ack");
	json_t *mine = json_object_get(ack, "contribution");
	assert_true(fixture_int(mine, "id") > 0);
	assert_string_equal(fixture_str(mine, "text"), "Comment associer les parents aux décisions ?");
	assert_string_equal(fixture_str(mine, "author"), "parent d'élève");
	assert_string_equal(fixture_str(mine, "activity"), QUESTIONS);
	assert_string_equal(fixture_str(mine, "board"), r.board);
	assert_string_equal(fixture_str(mine, "state"), "visible");
	assert_int_equal(fixture_int(mine, "votes"), 0);
	assert_true(json_is_null(json_object_get(mine, "parent")));
	assert_true(json_is_false(json_object_get(mine, "edited")));
	assert_non_null(fixture_str(mine, "created"));

	json_t *on_screen = fixture_event(f, r.screen);
	json_t *on_b = fixture_event(f, r.b);
	assert_true(json_equal(json_object_get(on_screen, "contribution"), mine));
	assert_true(json_equal(json_object_get(on_b, "contribution"), mine));
	assert_int_equal(fixture_int(on_screen, "seq"), fixture_int(on_b, "seq"));
	assert_true(fixture_int(on_screen, "seq") > r.seq);

	json_decref(on_b);
	json_decref(on_screen);
	json_decref(ack);
	room_leave(&r);
}

/* The same message id sent twice, then again from a new connection with
 * the same participant token, is stored once and answered each time with
 * the original contribution. */
static void test_resent_id_is_stored_once(void **state)
{
	fixture *f = *state;
	room r;
	room_open(f, &r, QUESTIONS, "notes");

	/* A phone of its own, to know its token. */
	char token[80];
	wsc *c = fixture_join(f, NULL, token, sizeof token, NULL);

	long long first = fixture_post(f, c, "dup-1", QUESTIONS, r.board, "Une seule fois");
	json_t *again = fixture_want(
		f, fixture_post_reply(f, c, "dup-1", QUESTIONS, r.board, "Une seule fois"), "ack");
	assert_int_equal(fixture_int(json_object_get(again, "contribution"), "id"), first);
	json_decref(again);

	/* The acknowledgement was "lost": the phone reconnects and resends. */
	wsc_close(c);
	json_t *joined;
	c = fixture_join(f, token, NULL, 0, &joined);
	json_t *mine = json_object_get(joined, "my_contributions");
	assert_int_equal(json_array_size(mine), 1);
	assert_int_equal(json_integer_value(json_array_get(mine, 0)), first);
	json_decref(joined);
	again = fixture_want(
		f, fixture_post_reply(f, c, "dup-1", QUESTIONS, r.board, "Une seule fois"), "ack");
	assert_int_equal(fixture_int(json_object_get(again, "contribution"), "id"), first);
	json_decref(again);

	/* The screen saw one event for it: the next one is B's post. */
	json_t *ev = fixture_event(f, r.screen);
	assert_int_equal(fixture_int(json_object_get(ev, "contribution"), "id"), first);
	json_decref(ev);
	long long other = fixture_post(f, r.b, "b-1", QUESTIONS, r.board, "Une autre");
	ev = fixture_event(f, r.screen);
	assert_int_equal(fixture_int(json_object_get(ev, "contribution"), "id"), other);
	json_decref(ev);

	json_t *all = fixture_snapshot(f, NULL);
	size_t i, copies = 0;
	json_t *x;
	json_array_foreach(all, i, x) {
		const char *text = fixture_str(x, "text");
		copies += text && !strcmp(text, "Une seule fois");
	}
	assert_int_equal(copies, 1);
	assert_non_null(fixture_find(all, first));
	json_decref(all);
	wsc_close(c);
	room_leave(&r);
}

/* A screen that saw seq S and reconnects with since=S receives exactly
 * the events it missed, in order. */
static void test_reconnect_since_gets_missed_events(void **state)
{
	fixture *f = *state;
	room r;
	room_open(f, &r, QUESTIONS, "notes");
	fixture_post(f, r.a, "s-0", QUESTIONS, r.board, "Avant la coupure");
	json_t *ev = fixture_event(f, r.screen);
	long long seen = fixture_int(ev, "seq");
	json_decref(ev);
	wsc_close(r.screen);
	r.screen = NULL;

	long long ids[3];
	const char *texts[3] = {"Pendant la coupure 1", "Pendant la coupure 2",
	                        "Pendant la coupure 3"};
	const char *msg_ids[3] = {"s-1", "s-2", "s-3"};
	for (int i = 0; i < 3; i++)
		ids[i] = fixture_post(f, r.a, msg_ids[i], QUESTIONS, r.board, texts[i]);

	r.screen = fixture_connect(f);
	json_t *synced = fixture_want(f,
	                              fixture_call(f, r.screen, "w2", "{s:s,s:s,s:s,s:s,s:I}",
	                                           "type", "watch", "id", "w2", "code", f->code,
	                                           "activity", QUESTIONS, "since",
	                                           (json_int_t)seen),
	                              "synced");
	assert_string_equal(fixture_str(synced, "mode"), "events");
	json_t *events = json_object_get(synced, "events");
	assert_int_equal(json_array_size(events), 3);
	long long prev = seen;
	for (size_t i = 0; i < 3; i++) {
		json_t *e = json_array_get(events, i);
		assert_string_equal(fixture_str(e, "type"), "event");
		assert_string_equal(fixture_str(e, "kind"), "contribution");
		assert_true(fixture_int(e, "seq") > prev);
		prev = fixture_int(e, "seq");
		json_t *c = json_object_get(e, "contribution");
		assert_int_equal(fixture_int(c, "id"), ids[i]);
		assert_string_equal(fixture_str(c, "text"), texts[i]);
	}
	assert_int_equal(fixture_int(synced, "seq"), prev);
	json_decref(synced);

	/* And it is live again. */
	long long next = fixture_post(f, r.b, "s-4", QUESTIONS, r.board, "Après la coupure");
	ev = fixture_event(f, r.screen);
	assert_int_equal(fixture_int(json_object_get(ev, "contribution"), "id"), next);
	assert_true(fixture_int(ev, "seq") > prev);
	json_decref(ev);
	room_leave(&r);
}

/* Facilitator messages without the key or with a wrong one are refused
 * with bad_key and change nothing. */
static void test_facilitator_needs_the_key(void **state)
{
	fixture *f = *state;
	room r;
	room_enter(f, &r, QUESTIONS, "notes");

	fixture_want_error(f,
	                   fixture_call(f, r.fac, "k-1", "{s:s,s:s,s:s,s:s,s:s}", "type",
	                                "set_state", "id", "k-1", "code", f->code, "activity",
	                                QUESTIONS, "state", "open"),
	                   "bad_key");
	fixture_want_error(f,
	                   fixture_call(f, r.fac, "k-2", "{s:s,s:s,s:s,s:s,s:s,s:s}", "type",
	                                "set_state", "id", "k-2", "code", f->code, "key",
	                                "pas-la-bonne-cle", "activity", QUESTIONS, "state", "open"),
	                   "bad_key");

	/* Still prepared: a post is refused, a new watcher sees "prepared". */
	fixture_want_error(f, fixture_post_reply(f, r.a, "k-3", QUESTIONS, r.board, "Trop tôt"),
	                   "activity_state");
	wsc *w = fixture_connect(f);
	json_t *synced = fixture_want(f,
	                              fixture_call(f, w, "k-4", "{s:s,s:s,s:s}", "type", "watch",
	                                           "id", "k-4", "code", f->code),
	                              "synced");
	assert_string_equal(activity_state(json_object_get(synced, "seminar"), QUESTIONS),
	                    "prepared");
	json_decref(synced);
	wsc_close(w);

	/* With the key it opens; hiding then needs the key too. */
	fixture_set_state(f, r.fac, QUESTIONS, "open");
	long long id = fixture_post(f, r.a, "k-5", QUESTIONS, r.board, "À masquer ?");
	fixture_want_error(f,
	                   fixture_call(f, r.fac, "k-6", "{s:s,s:s,s:s,s:I}", "type", "hide", "id",
	                                "k-6", "code", f->code, "contribution", (json_int_t)id),
	                   "bad_key");
	fixture_want_error(f,
	                   fixture_call(f, r.fac, "k-7", "{s:s,s:s,s:s,s:s,s:I}", "type", "hide",
	                                "id", "k-7", "code", f->code, "key", "faux",
	                                "contribution", (json_int_t)id),
	                   "bad_key");
	json_t *all = fixture_snapshot(f, NULL);
	json_t *c = fixture_find(all, id);
	assert_non_null(c);
	assert_string_equal(fixture_str(c, "state"), "visible");
	assert_string_equal(fixture_str(c, "text"), "À masquer ?");
	json_decref(all);

	/* With the key: hidden for everyone but the facilitator. */
	json_t *ack = fixture_want(f,
	                           fixture_call(f, r.fac, "k-8", "{s:s,s:s,s:s,s:s,s:I}", "type",
	                                        "hide", "id", "k-8", "code", f->code, "key", f->key,
	                                        "contribution", (json_int_t)id),
	                           "ack");
	assert_string_equal(fixture_str(json_object_get(ack, "contribution"), "state"), "hidden");
	assert_string_equal(fixture_str(json_object_get(ack, "contribution"), "text"), "À masquer ?");
	json_decref(ack);
	all = fixture_snapshot(f, NULL);
	c = fixture_find(all, id);
	assert_non_null(c);
	assert_string_equal(fixture_str(c, "state"), "hidden");
	assert_true(json_is_null(json_object_get(c, "text")));
	json_decref(all);
	all = fixture_snapshot(f, f->key);
	assert_string_equal(fixture_str(fixture_find(all, id), "text"), "À masquer ?");
	json_decref(all);
	room_leave(&r);
}

/* Posting needs the activity open: refused while prepared and once
 * closed, and nothing is stored. */
static void test_post_needs_an_open_activity(void **state)
{
	fixture *f = *state;
	room r;
	room_enter(f, &r, QUESTIONS, "notes");
	fixture_want_error(f, fixture_post_reply(f, r.a, "o-1", QUESTIONS, r.board, "Préparé"),
	                   "activity_state");
	fixture_set_state(f, r.fac, QUESTIONS, "open");
	long long id = fixture_post(f, r.a, "o-2", QUESTIONS, r.board, "Ouvert");
	fixture_set_state(f, r.fac, QUESTIONS, "closed");
	fixture_want_error(f, fixture_post_reply(f, r.a, "o-3", QUESTIONS, r.board, "Fermé"),
	                   "activity_state");

	json_t *all = fixture_snapshot(f, f->key);
	assert_int_equal(json_array_size(all), 1);
	assert_non_null(fixture_find(all, id));
	json_decref(all);
	room_leave(&r);
}

/* Sends a vote or unvote and returns the reply. */
static json_t *vote(fixture *f, wsc *c, const char *type, const char *id, long long cid)
{
	return fixture_call(f, c, id, "{s:s,s:s,s:I}", "type", type, "id", id, "contribution",
	                    (json_int_t)cid);
}

/* Checks a vote ack: the contribution's votes and the votes left. */
static void want_vote_ack(fixture *f, json_t *reply, long long cid, long long votes,
                          long long left)
{
	fixture_want(f, reply, "ack");
	json_t *c = json_object_get(reply, "contribution");
	assert_int_equal(fixture_int(c, "id"), cid);
	assert_int_equal(fixture_int(c, "votes"), votes);
	assert_int_equal(fixture_int(reply, "votes_left"), left);
	json_decref(reply);
}

/* vote_budget 2: two votes, then vote_budget; one vote per contribution;
 * unvote gives the vote back. */
static void test_vote_budget(void **state)
{
	fixture *f = *state;
	room r;
	room_open(f, &r, QUESTIONS, "notes");
	long long c1 = fixture_post(f, r.b, "v-p1", QUESTIONS, r.board, "Première idée");
	long long c2 = fixture_post(f, r.b, "v-p2", QUESTIONS, r.board, "Deuxième idée");
	long long c3 = fixture_post(f, r.b, "v-p3", QUESTIONS, r.board, "Troisième idée");

	want_vote_ack(f, vote(f, r.a, "vote", "v-1", c1), c1, 1, 1);
	fixture_want_error(f, vote(f, r.a, "vote", "v-2", c1), "already_voted");
	want_vote_ack(f, vote(f, r.a, "vote", "v-3", c2), c2, 1, 0);
	fixture_want_error(f, vote(f, r.a, "vote", "v-4", c3), "vote_budget");
	want_vote_ack(f, vote(f, r.a, "unvote", "v-5", c2), c2, 0, 1);
	fixture_want_error(f, vote(f, r.a, "unvote", "v-6", c2), "not_voted");
	want_vote_ack(f, vote(f, r.a, "vote", "v-7", c3), c3, 1, 0);
	want_vote_ack(f, vote(f, r.b, "vote", "v-8", c3), c3, 2, 1);

	/* Votes still count while voting; posts no longer do. */
	fixture_set_state(f, r.fac, QUESTIONS, "voting");
	want_vote_ack(f, vote(f, r.b, "vote", "v-9", c1), c1, 2, 0);
	fixture_want_error(f, fixture_post_reply(f, r.a, "v-10", QUESTIONS, r.board, "Trop tard"),
	                   "activity_state");

	json_t *all = fixture_snapshot(f, NULL);
	assert_int_equal(fixture_int(fixture_find(all, c1), "votes"), 2);
	assert_int_equal(fixture_int(fixture_find(all, c2), "votes"), 0);
	assert_int_equal(fixture_int(fixture_find(all, c3), "votes"), 2);
	json_decref(all);
	room_leave(&r);
}

/* Only its author edits or deletes a contribution. */
static void test_edit_and_delete_own_only(void **state)
{
	fixture *f = *state;
	room r;
	room_open(f, &r, QUESTIONS, "notes");
	long long id = fixture_post(f, r.a, "e-1", QUESTIONS, r.board, "Texte avec une faute");
	json_decref(fixture_event(f, r.screen));

	fixture_want_error(f,
	                   fixture_call(f, r.b, "e-2", "{s:s,s:s,s:I,s:s}", "type", "edit", "id",
	                                "e-2", "contribution", (json_int_t)id, "text", "Volé"),
	                   "not_owner");
	fixture_want_error(f,
	                   fixture_call(f, r.b, "e-3", "{s:s,s:s,s:I}", "type", "delete", "id",
	                                "e-3", "contribution", (json_int_t)id),
	                   "not_owner");
	fixture_want_error(f,
	                   fixture_call(f, r.b, "e-4", "{s:s,s:s,s:I,s:s}", "type", "edit", "id",
	                                "e-4", "contribution", (json_int_t)999999, "text", "?"),
	                   "unknown_contribution");

	json_t *ack = fixture_want(f,
	                           fixture_call(f, r.a, "e-5", "{s:s,s:s,s:I,s:s}", "type", "edit",
	                                        "id", "e-5", "contribution", (json_int_t)id, "text",
	                                        "Texte corrigé"),
	                           "ack");
	json_t *c = json_object_get(ack, "contribution");
	assert_string_equal(fixture_str(c, "text"), "Texte corrigé");
	assert_true(json_is_true(json_object_get(c, "edited")));
	json_t *ev = fixture_event(f, r.screen);
	assert_true(json_equal(json_object_get(ev, "contribution"), c));
	json_decref(ev);
	json_decref(ack);

	ack = fixture_want(f,
	                   fixture_call(f, r.a, "e-6", "{s:s,s:s,s:I}", "type", "delete", "id",
	                                "e-6", "contribution", (json_int_t)id),
	                   "ack");
	c = json_object_get(ack, "contribution");
	assert_string_equal(fixture_str(c, "state"), "deleted");
	assert_true(json_is_null(json_object_get(c, "text")));
	/* Phone B saw the post, the edit, then the deletion. */
	for (;;) {
		ev = fixture_event(f, r.b);
		json_t *seen = json_object_get(ev, "contribution");
		const char *st = fixture_str(seen, "state");
		int done = fixture_int(seen, "id") == id && st && !strcmp(st, "deleted");
		json_decref(ev);
		if (done)
			break;
	}
	json_decref(ack);

	json_t *all = fixture_snapshot(f, NULL);
	c = fixture_find(all, id);
	if (c) {
		assert_string_equal(fixture_str(c, "state"), "deleted");
		assert_true(json_is_null(json_object_get(c, "text")));
	}
	json_decref(all);
	room_leave(&r);
}

/* An orientation posted with its example actions, an action added to it
 * later, and parents that are not orientations. */
static void test_orientation_with_actions(void **state)
{
	fixture *f = *state;
	room r, q;
	room_open(f, &r, ORIENT, "orientations");

	json_t *ack = fixture_want(
		f,
		fixture_call(f, r.a, "or-1", "{s:s,s:s,s:s,s:s,s:s,s:[s,s]}", "type", "post", "id",
		             "or-1", "activity", ORIENT, "board", r.board, "text",
		             "Renforcer la coéducation avec les familles", "actions",
		             "Café des parents dans chaque école", "Formation commune enseignants-animateurs"),
		"ack");
	json_t *o = json_object_get(ack, "contribution");
	long long oid = fixture_int(o, "id");
	assert_true(oid > 0);
	assert_true(json_is_null(json_object_get(o, "parent")));
	json_t *actions = json_object_get(o, "actions");
	assert_int_equal(json_array_size(actions), 2);
	for (size_t i = 0; i < 2; i++) {
		json_t *act = json_array_get(actions, i);
		assert_int_equal(fixture_int(act, "parent"), oid);
		assert_int_equal(fixture_int(act, "position"), (long long)i);
	}
	assert_string_equal(fixture_str(json_array_get(actions, 0), "text"),
	                    "Café des parents dans chaque école");
	long long first_action = fixture_int(json_array_get(actions, 0), "id");
	json_decref(ack);

	ack = fixture_want(f,
	                   fixture_call(f, r.b, "or-2", "{s:s,s:s,s:s,s:s,s:s,s:I}", "type", "post",
	                                "id", "or-2", "activity", ORIENT, "board", r.board, "text",
	                                "Un temps d'accueil à la rentrée", "parent",
	                                (json_int_t)oid),
	                   "ack");
	json_t *added = json_object_get(ack, "contribution");
	long long added_id = fixture_int(added, "id");
	assert_int_equal(fixture_int(added, "parent"), oid);
	assert_int_equal(fixture_int(added, "position"), 2);
	json_decref(ack);

	/* An example action is not an orientation. */
	fixture_want_error(f,
	                   fixture_call(f, r.b, "or-3", "{s:s,s:s,s:s,s:s,s:s,s:I}", "type", "post",
	                                "id", "or-3", "activity", ORIENT, "board", r.board, "text",
	                                "Sous-action", "parent", (json_int_t)first_action),
	                   "not_orientation");

	/* Nor is a note of another activity. */
	room_open(f, &q, QUESTIONS, "notes");
	long long note = fixture_post(f, q.a, "or-4", QUESTIONS, q.board, "Une simple remarque");
	fixture_want_error(f,
	                   fixture_call(f, r.b, "or-5", "{s:s,s:s,s:s,s:s,s:s,s:I}", "type", "post",
	                                "id", "or-5", "activity", ORIENT, "board", r.board, "text",
	                                "Rattachée à une remarque", "parent", (json_int_t)note),
	                   "not_orientation");

	/* Actions belong on an orientations board only. */
	json_t *bad = fixture_call(f, q.a, "or-6", "{s:s,s:s,s:s,s:s,s:s,s:[s]}", "type", "post",
	                           "id", "or-6", "activity", QUESTIONS, "board", q.board, "text",
	                           "Pas une orientation", "actions", "action");
	assert_string_equal(fixture_str(bad, "type"), "error");
	json_decref(bad);

	json_t *all = fixture_snapshot(f, NULL);
	assert_non_null(fixture_find(all, oid));
	assert_int_equal(fixture_int(fixture_find(all, first_action), "parent"), oid);
	assert_int_equal(fixture_int(fixture_find(all, added_id), "parent"), oid);
	assert_int_equal(fixture_int(fixture_find(all, added_id), "position"), 2);
	json_decref(all);
	room_leave(&q);
	room_leave(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_post_reaches_screen_and_other_phone,
		                                fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_resent_id_is_stored_once, fixture_setup,
		                                fixture_teardown),
		cmocka_unit_test_setup_teardown(test_reconnect_since_gets_missed_events,
		                                fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_facilitator_needs_the_key, fixture_setup,
		                                fixture_teardown),
		cmocka_unit_test_setup_teardown(test_post_needs_an_open_activity, fixture_setup,
		                                fixture_teardown),
		cmocka_unit_test_setup_teardown(test_vote_budget, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_edit_and_delete_own_only, fixture_setup,
		                                fixture_teardown),
		cmocka_unit_test_setup_teardown(test_orientation_with_actions, fixture_setup,
		                                fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
