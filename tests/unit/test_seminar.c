/*
 * test_seminar.c — the domain rules of docs/PROTOCOL.md, message by
 * message, through the real parser and a fresh ":memory:" store: success
 * and refusals of join, watch, post (orientations and their actions),
 * edit, delete, vote, unvote, set_state, hide, show; idempotent resends;
 * the event log and catch-up after a reconnection; who attends an
 * activity; archived activities and boards out of every reply and
 * refused to every write.
 */
#include "unit_fixture.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_view.h"
#include "store_domain.h"

/* Each test: a fixture, two joined participants (a, b) and a screen that
 * does not join. */
struct world {
	fixture f;
	seminar_session *a, *b, *screen;
	char token_a[64], token_b[64];
};

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	fx_open(&w->f);
	w->a = seminar_session_new();
	w->b = seminar_session_new();
	w->screen = seminar_session_new();
	fx_join(&w->f, w->a, w->token_a, sizeof w->token_a);
	fx_join(&w->f, w->b, w->token_b, sizeof w->token_b);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	seminar_session_free(w->a);
	seminar_session_free(w->b);
	seminar_session_free(w->screen);
	fx_close(&w->f);
	free(w);
	return 0;
}

/* The error code of the reply to one message (NULL for success). The
 * returned text stays valid: it is one of the static wire names. */
static const char *refusal(struct world *w, seminar_session *ss, const char *fmt, ...)
{
	char text[4096];
	va_list ap;
	json_t *r;
	const char *code;
	static const char *const names[] = {
		"bad_field", "unknown_seminar", "unknown_activity", "unknown_board",
		"unknown_contribution", "not_joined", "not_owner", "activity_state",
		"vote_budget", "already_voted", "not_voted", "not_orientation", "bad_key",
		"missing_field", "too_long", "storage", "internal"};

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	r = fx_send(&w->f, ss, NULL, "%s", text);
	code = fx_error(r);
	for (size_t i = 0; code && i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(code, names[i]) == 0) {
			json_decref(r);
			return names[i];
		}
	}
	json_decref(r);
	return code ? "?" : NULL;
}

static json_t *member(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(o, a);
	return b ? json_object_get(v, b) : v;
}

static long long contribution_id(json_t *reply)
{
	return json_integer_value(member(reply, "contribution", "id"));
}

static long long last_seq(struct world *w)
{
	long long sid, seq;
	assert_int_equal(store_seminar_find(w->f.st, w->f.code, &sid), STORE_OK);
	assert_int_equal(store_seminar_seq(w->f.st, sid, &seq), STORE_OK);
	return seq;
}

/* ===== join ===== */

static void join_creates_and_finds_participants(void **state)
{
	struct world *w = *state;
	seminar_session *ss = seminar_session_new();
	json_t *r, *sem;

	assert_int_equal(strlen(w->token_a), 32);
	assert_string_not_equal(w->token_a, w->token_b);
	r = fx_send(&w->f, ss, NULL,
	            "{\"type\":\"join\",\"id\":\"x1\",\"code\":\"%s\",\"token\":\"%s\","
	            "\"name\":\"Animatrice\",\"structure\":\"Centre social\"}",
	            w->f.code, w->token_a);
	assert_string_equal(json_string_value(member(r, "type", NULL)), "joined");
	assert_string_equal(json_string_value(member(r, "re", NULL)), "x1");
	assert_string_equal(json_string_value(member(r, "token", NULL)), w->token_a);
	sem = member(r, "seminar", NULL);
	assert_string_equal(json_string_value(member(sem, "code", NULL)), w->f.code);
	assert_string_equal(json_string_value(member(sem, "date", NULL)), "2022-10-11");
	assert_int_equal(json_array_size(member(sem, "activities", NULL)), 2);
	json_t *a0 = json_array_get(member(sem, "activities", NULL), 0);
	assert_string_equal(json_string_value(member(a0, "id", NULL)), "axe-1");
	assert_string_equal(json_string_value(member(a0, "state", NULL)), "prepared");
	assert_int_equal(json_integer_value(member(a0, "vote_budget", NULL)), 3);
	assert_int_equal(json_array_size(member(a0, "boards", NULL)), 3);
	assert_string_equal(json_string_value(json_object_get(
		                    json_array_get(member(a0, "boards", NULL), 2), "id")),
	                    "inventer");
	assert_int_equal(json_array_size(member(r, "my_contributions", NULL)), 0);
	assert_int_equal(json_array_size(member(r, "my_votes", NULL)), 0);
	json_decref(r);

	/* An unknown token gets a new participant and a new token. */
	r = fx_send(&w->f, ss, NULL,
	            "{\"type\":\"join\",\"id\":\"x2\",\"code\":\"%s\",\"token\":\"inconnu\"}",
	            w->f.code);
	assert_null(fx_error(r));
	assert_string_not_equal(json_string_value(member(r, "token", NULL)), "inconnu");
	assert_int_equal(strlen(json_string_value(member(r, "token", NULL))), 32);
	json_decref(r);

	assert_string_equal(refusal(w, ss, "{\"type\":\"join\",\"id\":\"x3\",\"code\":\"NOPE99\"}"),
	                    "unknown_seminar");

	/* Codes are read without regard to case, as people type them. */
	char lower[32];
	for (size_t i = 0; i <= strlen(w->f.code); i++)
		lower[i] = (char)tolower((unsigned char)w->f.code[i]);
	assert_null(refusal(w, ss, "{\"type\":\"join\",\"id\":\"x4\",\"code\":\"%s\"}", lower));
	seminar_session_free(ss);
}

static void join_lists_my_contributions_and_votes(void **state)
{
	struct world *w = *state;
	seminar_session *again = seminar_session_new();
	long long mine, theirs;
	json_t *r;

	fx_state(&w->f, "axe-1", "open");
	mine = fx_post(&w->f, w->a, "axe-1", "maintenir", "Le périscolaire");
	theirs = fx_post(&w->f, w->b, "axe-1", "maintenir", "Les études du soir");
	assert_null(refusal(w, w->a, "{\"type\":\"vote\",\"id\":\"v\",\"contribution\":%lld}",
	                    theirs));
	r = fx_send(&w->f, again, NULL,
	            "{\"type\":\"join\",\"id\":\"again\",\"code\":\"%s\",\"token\":\"%s\"}",
	            w->f.code, w->token_a);
	assert_int_equal(json_array_size(member(r, "my_contributions", NULL)), 1);
	assert_int_equal(json_integer_value(json_array_get(member(r, "my_contributions", NULL), 0)),
	                 mine);
	assert_int_equal(json_array_size(member(r, "my_votes", NULL)), 1);
	assert_int_equal(json_integer_value(json_array_get(member(r, "my_votes", NULL), 0)), theirs);
	json_decref(r);
	/* The second connection writes as the same participant. */
	assert_string_equal(refusal(w, again,
	                            "{\"type\":\"vote\",\"id\":\"v2\",\"contribution\":%lld}",
	                            theirs),
	                    "already_voted");
	seminar_session_free(again);
}

/* ===== post ===== */

static void post_rules(void **state)
{
	struct world *w = *state;
	seminar_result r = {0};
	json_t *reply, *c, *ev;

	assert_string_equal(refusal(w, w->screen,
	                            "{\"type\":\"post\",\"id\":\"p\",\"activity\":\"axe-1\","
	                            "\"board\":\"inventer\",\"text\":\"x\"}"),
	                    "not_joined");
	assert_string_equal(refusal(w, w->a,
	                            "{\"type\":\"post\",\"id\":\"p\",\"activity\":\"axe-1\","
	                            "\"board\":\"inventer\",\"text\":\"x\"}"),
	                    "activity_state");
	fx_state(&w->f, "axe-1", "open");
	assert_string_equal(refusal(w, w->a,
	                            "{\"type\":\"post\",\"id\":\"p\",\"activity\":\"axe-9\","
	                            "\"board\":\"inventer\",\"text\":\"x\"}"),
	                    "unknown_activity");
	assert_string_equal(refusal(w, w->a,
	                            "{\"type\":\"post\",\"id\":\"p\",\"activity\":\"axe-1\","
	                            "\"board\":\"orientations\",\"text\":\"x\"}"),
	                    "unknown_board");
	assert_string_equal(refusal(w, w->a,
	                            "{\"type\":\"post\",\"id\":\"p\",\"activity\":\"axe-1\","
	                            "\"board\":\"inventer\",\"text\":\"x\",\"actions\":[\"y\"]}"),
	                    "bad_field");

	long long seq = last_seq(w);
	reply = fx_send(&w->f, w->a, &r,
	                "{\"type\":\"post\",\"id\":\"p\",\"activity\":\"axe-1\","
	                "\"board\":\"inventer\",\"text\":\"Une maison des familles\","
	                "\"author\":\"Parent d'élève\"}");
	assert_string_equal(json_string_value(member(reply, "type", NULL)), "ack");
	assert_string_equal(json_string_value(member(reply, "re", NULL)), "p");
	c = member(reply, "contribution", NULL);
	assert_true(json_integer_value(member(c, "id", NULL)) > 0);
	assert_string_equal(json_string_value(member(c, "activity", NULL)), "axe-1");
	assert_string_equal(json_string_value(member(c, "board", NULL)), "inventer");
	assert_true(json_is_null(member(c, "parent", NULL)));
	assert_int_equal(json_integer_value(member(c, "position", NULL)), 0);
	assert_string_equal(json_string_value(member(c, "text", NULL)), "Une maison des familles");
	assert_string_equal(json_string_value(member(c, "author", NULL)), "Parent d'élève");
	assert_string_equal(json_string_value(member(c, "state", NULL)), "visible");
	assert_int_equal(json_integer_value(member(c, "votes", NULL)), 0);
	assert_int_equal(strlen(json_string_value(member(c, "created", NULL))), 20);
	assert_true(json_is_false(member(c, "edited", NULL)));

	/* One event, the next sequence number, carrying the same object. */
	assert_int_equal(r.nevents, 1);
	assert_int_equal(r.events[0].seq, seq + 1);
	assert_int_equal(last_seq(w), seq + 1);
	assert_true(r.events[0].activity_id > 0);
	assert_int_equal(r.events[0].len[VIEW_PUBLIC], strlen(r.events[0].text[VIEW_PUBLIC]));
	ev = json_loads(r.events[0].text[VIEW_PUBLIC], 0, NULL);
	assert_string_equal(json_string_value(member(ev, "type", NULL)), "event");
	assert_string_equal(json_string_value(member(ev, "kind", NULL)), "contribution");
	assert_int_equal(json_integer_value(member(ev, "seq", NULL)), seq + 1);
	assert_true(json_equal(member(ev, "contribution", NULL), c));
	json_decref(ev);
	json_decref(reply);
	seminar_result_clear(&r);

	fx_state(&w->f, "axe-1", "voting");
	assert_string_equal(refusal(w, w->a,
	                            "{\"type\":\"post\",\"id\":\"p2\",\"activity\":\"axe-1\","
	                            "\"board\":\"inventer\",\"text\":\"x\"}"),
	                    "activity_state");
}

static void resend_returns_the_same_reply_and_stores_once(void **state)
{
	struct world *w = *state;
	seminar_result r1 = {0}, r2 = {0};
	json_t *a, *b, *doc = NULL;
	long long seq;
	const char *msg = "{\"type\":\"post\",\"id\":\"uuid-1\",\"activity\":\"axe-1\","
	                  "\"board\":\"abandonner\",\"text\":\"Les réunions le soir\"}";

	fx_state(&w->f, "axe-1", "open");
	a = fx_send(&w->f, w->a, &r1, "%s", msg);
	seq = last_seq(w);
	b = fx_send(&w->f, w->a, &r2, "%s", msg);
	assert_string_equal(r1.reply, r2.reply);
	assert_int_equal(r2.nevents, 0);
	assert_int_equal(r2.is_error, 0);
	assert_int_equal(last_seq(w), seq);
	assert_int_equal(export_view_document(w->f.st, w->f.code, &doc), STORE_OK);
	assert_int_equal(json_integer_value(member(doc, "totals", "contributions")), 1);
	json_decref(doc);

	/* The same id from another participant is another message. */
	json_t *c = fx_send(&w->f, w->b, NULL, "%s", msg);
	assert_int_not_equal(contribution_id(c), contribution_id(a));

	/* A vote resent after the activity closed still gets its ack. */
	long long id = contribution_id(c);
	json_t *v1 = fx_send(&w->f, w->a, NULL,
	                     "{\"type\":\"vote\",\"id\":\"vote-1\",\"contribution\":%lld}", id);
	fx_state(&w->f, "axe-1", "closed");
	json_t *v2 = fx_send(&w->f, w->a, NULL,
	                     "{\"type\":\"vote\",\"id\":\"vote-1\",\"contribution\":%lld}", id);
	assert_true(json_equal(v1, v2));
	assert_int_equal(json_integer_value(member(v2, "contribution", "votes")), 1);
	json_decref(v1);
	json_decref(v2);
	json_decref(c);
	json_decref(a);
	json_decref(b);
	seminar_result_clear(&r1);
	seminar_result_clear(&r2);
}

/* ===== Orientations ===== */

static void orientations_with_actions_and_parent(void **state)
{
	struct world *w = *state;
	seminar_result r = {0};
	json_t *reply, *actions, *c;
	long long orient, note, action1;

	fx_state(&w->f, "orient", "open");
	fx_state(&w->f, "axe-1", "open");
	reply = fx_send(&w->f, w->a, &r,
	                "{\"type\":\"post\",\"id\":\"o\",\"activity\":\"orient\","
	                "\"board\":\"orientations\",\"text\":\"Ouvrir l'école aux parents\","
	                "\"actions\":[\"Cafés des parents\",\"Portes ouvertes\"]}");
	assert_null(fx_error(reply));
	orient = contribution_id(reply);
	actions = member(reply, "contribution", "actions");
	assert_int_equal(json_array_size(actions), 2);
	c = json_array_get(actions, 1);
	assert_int_equal(json_integer_value(member(c, "parent", NULL)), orient);
	assert_int_equal(json_integer_value(member(c, "position", NULL)), 1);
	assert_string_equal(json_string_value(member(c, "text", NULL)), "Portes ouvertes");
	action1 = json_integer_value(member(json_array_get(actions, 0), "id", NULL));
	assert_int_equal(r.nevents, 3); /* the orientation, then each action */
	json_decref(reply);
	seminar_result_clear(&r);

	reply = fx_send(&w->f, w->b, NULL,
	                "{\"type\":\"post\",\"id\":\"a3\",\"activity\":\"orient\","
	                "\"board\":\"orientations\",\"text\":\"Un forum des associations\","
	                "\"parent\":%lld}",
	                orient);
	assert_null(fx_error(reply));
	assert_int_equal(json_integer_value(member(reply, "contribution", "parent")), orient);
	assert_int_equal(json_integer_value(member(reply, "contribution", "position")), 2);
	assert_null(member(reply, "contribution", "actions"));
	json_decref(reply);

	/* parent must be a top-level orientation of the same board. */
	assert_string_equal(refusal(w, w->b,
	                            "{\"type\":\"post\",\"id\":\"a4\",\"activity\":\"orient\","
	                            "\"board\":\"orientations\",\"text\":\"x\",\"parent\":%lld}",
	                            action1),
	                    "not_orientation");
	note = fx_post(&w->f, w->a, "axe-1", "inventer", "Une note");
	assert_string_equal(refusal(w, w->b,
	                            "{\"type\":\"post\",\"id\":\"a5\",\"activity\":\"axe-1\","
	                            "\"board\":\"inventer\",\"text\":\"x\",\"parent\":%lld}",
	                            note),
	                    "not_orientation");
	assert_string_equal(refusal(w, w->b,
	                            "{\"type\":\"post\",\"id\":\"a6\",\"activity\":\"orient\","
	                            "\"board\":\"orientations\",\"text\":\"x\",\"parent\":999999}"),
	                    "not_orientation");

	/* Deleting the orientation deletes its example actions. */
	json_t *d = fx_send(&w->f, w->a, &r, "{\"type\":\"delete\",\"id\":\"del\",\"contribution\":%lld}",
	                    orient);
	assert_null(fx_error(d));
	assert_int_equal(r.nevents, 4);
	json_decref(d);
	seminar_result_clear(&r);
	assert_string_equal(refusal(w, w->b,
	                            "{\"type\":\"post\",\"id\":\"a7\",\"activity\":\"orient\","
	                            "\"board\":\"orientations\",\"text\":\"x\",\"parent\":%lld}",
	                            orient),
	                    "not_orientation");
}

/* ===== edit, delete ===== */

static void edit_and_delete_own_only(void **state)
{
	struct world *w = *state;
	seminar_result r = {0};
	json_t *reply;
	long long id;

	fx_state(&w->f, "axe-1", "open");
	id = fx_post(&w->f, w->a, "axe-1", "maintenir", "Le conseil d'enfants");
	assert_string_equal(refusal(w, w->b,
	                            "{\"type\":\"edit\",\"id\":\"e\",\"contribution\":%lld,"
	                            "\"text\":\"pirate\"}",
	                            id),
	                    "not_owner");
	assert_string_equal(refusal(w, w->b,
	                            "{\"type\":\"delete\",\"id\":\"d\",\"contribution\":%lld}", id),
	                    "not_owner");
	assert_string_equal(refusal(w, w->screen,
	                            "{\"type\":\"delete\",\"id\":\"d\",\"contribution\":%lld}", id),
	                    "not_joined");
	assert_string_equal(refusal(w, w->a,
	                            "{\"type\":\"edit\",\"id\":\"e\",\"contribution\":999999,"
	                            "\"text\":\"x\"}"),
	                    "unknown_contribution");

	reply = fx_send(&w->f, w->a, &r,
	                "{\"type\":\"edit\",\"id\":\"e1\",\"contribution\":%lld,"
	                "\"text\":\"Le conseil municipal d'enfants\"}",
	                id);
	assert_string_equal(json_string_value(member(reply, "contribution", "text")),
	                    "Le conseil municipal d'enfants");
	assert_true(json_is_true(member(reply, "contribution", "edited")));
	assert_int_equal(r.nevents, 1);
	json_decref(reply);
	seminar_result_clear(&r);

	fx_state(&w->f, "axe-1", "closed");
	assert_string_equal(refusal(w, w->a,
	                            "{\"type\":\"edit\",\"id\":\"e2\",\"contribution\":%lld,"
	                            "\"text\":\"x\"}",
	                            id),
	                    "activity_state");
	fx_state(&w->f, "axe-1", "open");

	/* A vote on it is given back when it is deleted. */
	assert_null(refusal(w, w->b, "{\"type\":\"vote\",\"id\":\"v\",\"contribution\":%lld}", id));
	reply = fx_send(&w->f, w->a, &r,
	                "{\"type\":\"delete\",\"id\":\"d1\",\"contribution\":%lld}", id);
	assert_string_equal(json_string_value(member(reply, "contribution", "state")), "deleted");
	assert_true(json_is_null(member(reply, "contribution", "text")));
	assert_int_equal(json_integer_value(member(reply, "contribution", "votes")), 0);
	assert_int_equal(r.nevents, 1);
	json_decref(reply);
	seminar_result_clear(&r);
	assert_string_equal(refusal(w, w->a,
	                            "{\"type\":\"edit\",\"id\":\"e3\",\"contribution\":%lld,"
	                            "\"text\":\"x\"}",
	                            id),
	                    "unknown_contribution");
	assert_string_equal(refusal(w, w->b, "{\"type\":\"vote\",\"id\":\"v2\",\"contribution\":%lld}",
	                            id),
	                    "unknown_contribution");
	reply = fx_send(&w->f, w->b, NULL,
	                "{\"type\":\"join\",\"id\":\"jb\",\"code\":\"%s\",\"token\":\"%s\"}",
	                w->f.code, w->token_b);
	assert_int_equal(json_array_size(member(reply, "my_votes", NULL)), 0);
	json_decref(reply);
}

/* ===== vote, unvote ===== */

static json_t *vote(struct world *w, seminar_session *ss, const char *type, long long id)
{
	return fx_send(&w->f, ss, NULL, "{\"type\":\"%s\",\"id\":\"%s-%d\",\"contribution\":%lld}",
	               type, type, ++w->f.serial, id);
}

static void votes_budget_and_states(void **state)
{
	struct world *w = *state;
	long long id[4];
	json_t *r;

	fx_state(&w->f, "axe-1", "open");
	for (int i = 0; i < 4; i++)
		id[i] = fx_post(&w->f, w->b, "axe-1", "inventer", "Idée");
	fx_state(&w->f, "axe-1", "prepared");
	r = vote(w, w->a, "vote", id[0]);
	assert_string_equal(fx_error(r), "activity_state");
	json_decref(r);
	fx_state(&w->f, "axe-1", "voting");

	for (int i = 0; i < 3; i++) {
		r = vote(w, w->a, "vote", id[i]);
		assert_null(fx_error(r));
		assert_int_equal(json_integer_value(member(r, "votes_left", NULL)), 2 - i);
		assert_int_equal(json_integer_value(member(r, "contribution", "votes")), 1);
		json_decref(r);
	}
	r = vote(w, w->a, "vote", id[3]);
	assert_string_equal(fx_error(r), "vote_budget");
	json_decref(r);
	r = vote(w, w->a, "vote", id[0]);
	assert_string_equal(fx_error(r), "already_voted");
	json_decref(r);

	r = vote(w, w->a, "unvote", id[0]);
	assert_null(fx_error(r));
	assert_int_equal(json_integer_value(member(r, "votes_left", NULL)), 1);
	assert_int_equal(json_integer_value(member(r, "contribution", "votes")), 0);
	json_decref(r);
	r = vote(w, w->a, "unvote", id[0]);
	assert_string_equal(fx_error(r), "not_voted");
	json_decref(r);
	r = vote(w, w->a, "vote", id[3]);
	assert_null(fx_error(r));
	assert_int_equal(json_integer_value(member(r, "votes_left", NULL)), 0);
	json_decref(r);

	/* The budget is per activity: the other one has its own. */
	fx_state(&w->f, "orient", "open");
	long long o = fx_post(&w->f, w->b, "orient", "orientations", "Orientation");
	r = vote(w, w->a, "vote", o);
	assert_null(fx_error(r));
	assert_int_equal(json_integer_value(member(r, "votes_left", NULL)), 1);
	json_decref(r);

	/* Hidden: no new vote; an existing one may be taken back. */
	r = fx_send(&w->f, w->screen, NULL,
	            "{\"type\":\"hide\",\"id\":\"h\",\"code\":\"%s\",\"key\":\"%s\","
	            "\"contribution\":%lld}",
	            w->f.code, w->f.key, id[1]);
	json_decref(r);
	r = vote(w, w->b, "vote", id[1]);
	assert_string_equal(fx_error(r), "unknown_contribution");
	json_decref(r);
	r = vote(w, w->a, "unvote", id[1]);
	assert_null(fx_error(r));
	json_decref(r);

	fx_state(&w->f, "axe-1", "closed");
	r = vote(w, w->a, "unvote", id[2]);
	assert_string_equal(fx_error(r), "activity_state");
	json_decref(r);
	r = vote(w, w->a, "vote", 999999);
	assert_string_equal(fx_error(r), "unknown_contribution");
	json_decref(r);
}

/* ===== Facilitator messages ===== */

static void set_state_needs_the_key(void **state)
{
	struct world *w = *state;
	seminar_result r = {0};
	json_t *reply, *ev;
	long long seq = last_seq(w);

	assert_string_equal(refusal(w, w->screen,
	                            "{\"type\":\"set_state\",\"id\":\"s\",\"code\":\"%s\","
	                            "\"key\":\"0000\",\"activity\":\"axe-1\",\"state\":\"open\"}",
	                            w->f.code),
	                    "bad_key");
	assert_string_equal(refusal(w, w->screen,
	                            "{\"type\":\"set_state\",\"id\":\"s\",\"code\":\"NOPE99\","
	                            "\"key\":\"%s\",\"activity\":\"axe-1\",\"state\":\"open\"}",
	                            w->f.key),
	                    "unknown_seminar");
	assert_string_equal(refusal(w, w->screen,
	                            "{\"type\":\"set_state\",\"id\":\"s\",\"code\":\"%s\","
	                            "\"key\":\"%s\",\"activity\":\"axe-9\",\"state\":\"open\"}",
	                            w->f.code, w->f.key),
	                    "unknown_activity");
	assert_int_equal(last_seq(w), seq);

	reply = fx_send(&w->f, w->screen, &r,
	                "{\"type\":\"set_state\",\"id\":\"s\",\"code\":\"%s\",\"key\":\"%s\","
	                "\"activity\":\"orient\",\"state\":\"voting\"}",
	                w->f.code, w->f.key);
	assert_string_equal(json_string_value(member(reply, "type", NULL)), "ack");
	assert_string_equal(json_string_value(member(reply, "activity", "id")), "orient");
	assert_string_equal(json_string_value(member(reply, "activity", "state")), "voting");
	assert_int_equal(json_array_size(member(reply, "activity", "boards")), 1);
	assert_int_equal(r.nevents, 1);
	assert_int_equal(r.events[0].activity_id, 0); /* seminar-wide */
	ev = json_loads(r.events[0].text[VIEW_PUBLIC], 0, NULL);
	assert_string_equal(json_string_value(member(ev, "kind", NULL)), "activity");
	assert_true(json_equal(member(ev, "activity", NULL), member(reply, "activity", NULL)));
	json_decref(ev);
	json_decref(reply);
	seminar_result_clear(&r);

	/* The same state again changes nothing: no event. */
	reply = fx_send(&w->f, w->screen, &r,
	                "{\"type\":\"set_state\",\"id\":\"s2\",\"code\":\"%s\",\"key\":\"%s\","
	                "\"activity\":\"orient\",\"state\":\"voting\"}",
	                w->f.code, w->f.key);
	assert_null(fx_error(reply));
	assert_int_equal(r.nevents, 0);
	json_decref(reply);
	seminar_result_clear(&r);
}

static void hide_and_show(void **state)
{
	struct world *w = *state;
	seminar_result r = {0};
	json_t *reply, *ev;
	long long id;

	fx_state(&w->f, "axe-1", "open");
	id = fx_post(&w->f, w->a, "axe-1", "inventer", "Texte à masquer");
	assert_string_equal(refusal(w, w->b,
	                            "{\"type\":\"hide\",\"id\":\"h\",\"code\":\"%s\",\"key\":\"nope\","
	                            "\"contribution\":%lld}",
	                            w->f.code, id),
	                    "bad_key");
	assert_string_equal(refusal(w, w->b,
	                            "{\"type\":\"hide\",\"id\":\"h\",\"code\":\"%s\",\"key\":\"%s\","
	                            "\"contribution\":999999}",
	                            w->f.code, w->f.key),
	                    "unknown_contribution");

	reply = fx_send(&w->f, w->screen, &r,
	                "{\"type\":\"hide\",\"id\":\"h\",\"code\":\"%s\",\"key\":\"%s\","
	                "\"contribution\":%lld}",
	                w->f.code, w->f.key, id);
	assert_string_equal(json_string_value(member(reply, "contribution", "state")), "hidden");
	assert_string_equal(json_string_value(member(reply, "contribution", "text")),
	                    "Texte à masquer");
	assert_int_equal(r.nevents, 1);
	ev = json_loads(r.events[0].text[VIEW_PUBLIC], 0, NULL);
	assert_string_equal(json_string_value(member(member(ev, "contribution", NULL), "state",
	                                             NULL)),
	                    "hidden");
	assert_true(json_is_null(member(member(ev, "contribution", NULL), "text", NULL)));
	json_decref(ev);
	/* The facilitators' event gives its text; its author's, as the
	 * public's, does not. */
	assert_non_null(strstr(r.events[0].text[VIEW_FACILITATOR], "Texte à masquer"));
	assert_null(strstr(r.events[0].text[VIEW_SELF], "Texte à masquer"));
	json_decref(reply);
	seminar_result_clear(&r);

	reply = fx_send(&w->f, w->screen, &r,
	                "{\"type\":\"show\",\"id\":\"s\",\"code\":\"%s\",\"key\":\"%s\","
	                "\"contribution\":%lld}",
	                w->f.code, w->f.key, id);
	assert_string_equal(json_string_value(member(reply, "contribution", "state")), "visible");
	assert_int_equal(r.nevents, 1);
	ev = json_loads(r.events[0].text[VIEW_PUBLIC], 0, NULL);
	assert_string_equal(json_string_value(member(member(ev, "contribution", NULL), "text",
	                                             NULL)),
	                    "Texte à masquer");
	json_decref(ev);
	json_decref(reply);
	seminar_result_clear(&r);
}

/* Sends a hide or show (type) of contribution id naming seen, from
 * session ss, and checks its outcome: want is the state it is then
 * acknowledged in ("hidden", "visible"), or else the error code; events
 * is how many events it makes. */
static void moderate_seen(struct world *w, seminar_session *ss, const char *type, const char *mid,
                          long long id, long long seen, const char *want, size_t events)
{
	seminar_result r = {0};
	json_t *reply = fx_send(&w->f, ss, &r,
	                        "{\"type\":\"%s\",\"id\":\"%s\",\"code\":\"%s\",\"key\":\"%s\","
	                        "\"contribution\":%lld,\"seen\":%lld}",
	                        type, mid, w->f.code, w->f.key, id, seen);
	const char *err = fx_error(reply);

	if (vocab_contribution_find(want) >= 0) {
		assert_null(err);
		assert_string_equal(json_string_value(member(reply, "contribution", "state")), want);
	} else {
		assert_non_null(err);
		assert_string_equal(err, want);
	}
	assert_int_equal(r.nevents, events);
	json_decref(reply);
	seminar_result_clear(&r);
}

/* Two consoles: a hide or show naming what its sender saw ("seen") is
 * refused (stale) when the contribution changed after that, and nothing
 * is written; one already in the asked state is acknowledged unchanged. */
static void stale_moderation_is_refused(void **state)
{
	struct world *w = *state;
	seminar_session *other = seminar_session_new();
	store_contributions *c = NULL;
	json_t *reply;
	long long id, seen, now, sid;

	assert_non_null(other);
	fx_state(&w->f, "axe-1", "open");
	id = fx_post(&w->f, w->a, "axe-1", "inventer", "Deux consoles");
	assert_int_equal(store_seminar_find(w->f.st, w->f.code, &sid), STORE_OK);
	assert_int_equal(store_seminar_seq(w->f.st, sid, &seen), STORE_OK);

	/* The first console hides it, having seen it as it was. */
	moderate_seen(w, w->screen, "hide", "h1", id, seen, "hidden", 1);
	assert_int_equal(store_seminar_seq(w->f.st, sid, &now), STORE_OK);
	assert_true(now > seen);

	/* The second, which saw it before that, asks to show it: refused,
	 * no event, still hidden. */
	moderate_seen(w, other, "show", "s1", id, seen, "stale", 0);
	moderate_seen(w, other, "show", "s2", id, 0, "stale", 0);
	assert_int_equal(store_contribution_read(w->f.st, id, 0, &c), STORE_OK);
	assert_int_equal(c->items[0].state, VOCAB_HIDDEN);
	store_contributions_free(c);

	/* The same hide sent again (its reply lost), or the second console
	 * hiding what is hidden: acknowledged, nothing written. */
	moderate_seen(w, other, "hide", "h1", id, seen, "hidden", 0);
	/* Having seen the hide, the second console shows it. */
	moderate_seen(w, other, "show", "s3", id, now, "visible", 1);

	/* A vote is a change too; a change to another contribution is not. */
	assert_int_equal(store_seminar_seq(w->f.st, sid, &now), STORE_OK);
	reply = vote(w, w->b, "vote", id);
	assert_null(fx_error(reply));
	json_decref(reply);
	fx_post(&w->f, w->a, "axe-1", "inventer", "Une autre");
	moderate_seen(w, w->screen, "hide", "h2", id, now, "stale", 0);
	assert_int_equal(store_seminar_seq(w->f.st, sid, &now), STORE_OK);
	fx_post(&w->f, w->a, "axe-1", "inventer", "Encore une autre");
	moderate_seen(w, w->screen, "hide", "h3", id, now, "hidden", 1);
	seminar_session_free(other);
}

/* ===== watch ===== */

static json_t *watch(struct world *w, seminar_session *ss, const char *extra)
{
	return fx_send(&w->f, ss, NULL, "{\"type\":\"watch\",\"id\":\"w%d\",\"code\":\"%s\"%s}",
	               ++w->f.serial, w->f.code, extra);
}

static void watch_snapshot_masks_hidden_unless_key(void **state)
{
	struct world *w = *state;
	long long sid, aid, full_id;
	view_who who;
	json_t *r, *list;
	char extra[256];

	fx_state(&w->f, "axe-1", "open");
	fx_state(&w->f, "orient", "open");
	long long visible = fx_post(&w->f, w->a, "axe-1", "inventer", "Visible");
	long long hidden = fx_post(&w->f, w->a, "axe-1", "inventer", "Masquée");
	long long gone = fx_post(&w->f, w->a, "axe-1", "inventer", "Effacée");
	fx_post(&w->f, w->a, "orient", "orientations", "Ailleurs");
	json_decref(fx_send(&w->f, w->screen, NULL,
	                    "{\"type\":\"hide\",\"id\":\"h\",\"code\":\"%s\",\"key\":\"%s\","
	                    "\"contribution\":%lld}",
	                    w->f.code, w->f.key, hidden));
	json_decref(fx_send(&w->f, w->a, NULL,
	                    "{\"type\":\"delete\",\"id\":\"d\",\"contribution\":%lld}", gone));

	r = watch(w, w->screen, ",\"activity\":\"axe-1\"");
	assert_string_equal(json_string_value(member(r, "type", NULL)), "synced");
	assert_string_equal(json_string_value(member(r, "mode", NULL)), "snapshot");
	assert_int_equal(json_integer_value(member(r, "seq", NULL)), last_seq(w));
	assert_non_null(member(r, "seminar", "activities"));
	list = member(r, "contributions", NULL);
	assert_int_equal(json_array_size(list), 3);
	assert_int_equal(json_integer_value(member(json_array_get(list, 0), "id", NULL)), visible);
	assert_string_equal(json_string_value(member(json_array_get(list, 0), "text", NULL)),
	                    "Visible");
	assert_true(json_is_null(member(json_array_get(list, 1), "text", NULL)));
	assert_string_equal(json_string_value(member(json_array_get(list, 2), "state", NULL)),
	                    "deleted");
	assert_true(json_is_null(member(json_array_get(list, 2), "text", NULL)));
	json_decref(r);
	seminar_session_watch(w->screen, &sid, &aid, &who);
	assert_int_equal(store_seminar_find(w->f.st, w->f.code, &full_id), STORE_OK);
	assert_int_equal(sid, full_id);
	assert_true(aid > 0);
	assert_int_equal(who.facilitator, 0);

	snprintf(extra, sizeof extra, ",\"key\":\"%s\"", w->f.key);
	r = watch(w, w->screen, extra);
	list = member(r, "contributions", NULL);
	assert_int_equal(json_array_size(list), 4); /* every activity */
	assert_string_equal(json_string_value(member(json_array_get(list, 1), "text", NULL)),
	                    "Masquée");
	assert_true(json_is_null(member(json_array_get(list, 2), "text", NULL)));
	json_decref(r);
	seminar_session_watch(w->screen, &sid, &aid, &who);
	assert_int_equal(aid, 0);
	assert_int_equal(who.facilitator, 1);

	r = watch(w, w->screen, ",\"key\":\"faux\"");
	assert_string_equal(fx_error(r), "bad_key");
	json_decref(r);
	r = watch(w, w->screen, ",\"activity\":\"axe-9\"");
	assert_string_equal(fx_error(r), "unknown_activity");
	json_decref(r);
	/* A refused watch leaves the previous one in place. */
	seminar_session_watch(w->screen, &sid, &aid, &who);
	assert_int_equal(who.facilitator, 1);
	assert_string_equal(refusal(w, w->screen,
	                            "{\"type\":\"watch\",\"id\":\"w\",\"code\":\"NOPE99\"}"),
	                    "unknown_seminar");
}

/* One message handled inside the open transaction, not committed. */
static json_t *uncommitted(struct world *w, seminar_session *ss, const char *text)
{
	char detail[160], re[80];
	proto_msg m;
	proto_err err;
	seminar_result r = {0};
	assert_int_equal(proto_parse(text, strlen(text), &m, &err, detail, sizeof detail, re,
	                             sizeof re),
	                 0);
	assert_int_equal(seminar_handle(w->f.st, w->f.snaps, ss, NULL, &m, &r), 0);
	proto_msg_clear(&m);
	char *whole = seminar_result_text(&r);
	json_t *reply = whole ? json_loads(whole, 0, NULL) : NULL;
	free(whole);
	seminar_result_clear(&r);
	assert_non_null(reply);
	return reply;
}

/* Many watchers of one board share one snapshot until anything changes; a
 * turn rolled back gives its sequence numbers again to other content, and
 * no snapshot of the rolled-back content may come back. */
static void snapshot_shared_but_never_stale(void **state)
{
	struct world *w = *state;
	char text[512];
	json_t *r, *list;

	fx_state(&w->f, "axe-1", "open");
	fx_post(&w->f, w->a, "axe-1", "inventer", "Avant");
	long long seq = last_seq(w);

	/* A turn that posts, is watched, and is rolled back. */
	snprintf(text, sizeof text,
	         "{\"type\":\"post\",\"id\":\"lost\",\"activity\":\"axe-1\","
	         "\"board\":\"inventer\",\"text\":\"Annulée\"}");
	r = uncommitted(w, w->a, text);
	assert_null(fx_error(r));
	json_decref(r);
	snprintf(text, sizeof text,
	         "{\"type\":\"watch\",\"id\":\"w-lost\",\"code\":\"%s\","
	         "\"activity\":\"axe-1\"}", w->f.code);
	r = uncommitted(w, w->screen, text);
	assert_int_equal(json_array_size(member(r, "contributions", NULL)), 2);
	json_decref(r);
	store_tx_rollback(w->f.st);
	assert_int_equal(last_seq(w), seq);

	/* The next post takes the same sequence number. */
	fx_post(&w->f, w->b, "axe-1", "inventer", "Gardée");
	assert_int_equal(last_seq(w), seq + 1);
	for (int i = 0; i < 2; i++) { /* built, then given again */
		r = watch(w, w->screen, ",\"activity\":\"axe-1\"");
		list = member(r, "contributions", NULL);
		assert_int_equal(json_array_size(list), 2);
		assert_string_equal(json_string_value(member(json_array_get(list, 0), "text", NULL)),
		                    "Avant");
		assert_string_equal(json_string_value(member(json_array_get(list, 1), "text", NULL)),
		                    "Gardée");
		json_decref(r);
	}

	/* Any change shows at once: a hide moves the sequence number. */
	long long encore = fx_post(&w->f, w->b, "axe-1", "inventer", "Encore");
	r = watch(w, w->screen, ",\"activity\":\"axe-1\"");
	assert_int_equal(json_array_size(member(r, "contributions", NULL)), 3);
	json_decref(r);
	json_decref(fx_send(&w->f, w->screen, NULL,
	                    "{\"type\":\"hide\",\"id\":\"h2\",\"code\":\"%s\",\"key\":\"%s\","
	                    "\"contribution\":%lld}",
	                    w->f.code, w->f.key, encore));
	r = watch(w, w->screen, ",\"activity\":\"axe-1\"");
	list = member(r, "contributions", NULL);
	assert_true(json_is_null(member(json_array_get(list, 2), "text", NULL)));
	json_decref(r);
}

/* The end of a snapshot reply is one shared object for every watcher of
 * a board at one point (two boards watched in turn each keep theirs); the
 * head names each watch; a change makes a new one. */
static void snapshot_tail_is_shared(void **state)
{
	struct world *w = *state;
	seminar_result r[4] = {{0}};
	const char *act[4] = {"axe-1", "orient", "axe-1", "orient"};

	fx_state(&w->f, "axe-1", "open");
	fx_state(&w->f, "orient", "open");
	fx_post(&w->f, w->a, "axe-1", "inventer", "Une");
	for (int i = 0; i < 4; i++)
		json_decref(fx_send(&w->f, i % 2 ? w->a : w->screen, &r[i],
		                    "{\"type\":\"watch\",\"id\":\"w-%d\",\"code\":\"%s\","
		                    "\"activity\":\"%s\"}", i, w->f.code, act[i]));
	for (int i = 0; i < 4; i++) {
		char expect[32];
		snprintf(expect, sizeof expect, "{\"type\":\"synced\",\"re\":\"w-%d\",", i);
		assert_string_equal(r[i].reply, expect);
		assert_non_null(r[i].tail);
	}
	assert_ptr_equal(r[0].tail, r[2].tail);
	assert_ptr_equal(r[1].tail, r[3].tail);
	assert_ptr_not_equal(r[0].tail, r[1].tail);

	fx_post(&w->f, w->b, "axe-1", "inventer", "Deux");
	seminar_result after = {0};
	json_t *j = fx_send(&w->f, w->screen, &after,
	                    "{\"type\":\"watch\",\"id\":\"w-9\",\"code\":\"%s\","
	                    "\"activity\":\"axe-1\"}", w->f.code);
	assert_ptr_not_equal(after.tail, r[0].tail);
	assert_int_equal(json_array_size(member(j, "contributions", NULL)), 2);
	json_decref(j);
	seminar_result_clear(&after);
	for (int i = 0; i < 4; i++)
		seminar_result_clear(&r[i]);
}

static void watch_since_returns_exactly_the_missed_events(void **state)
{
	struct world *w = *state;
	json_t *r, *events;
	char extra[64];
	long long since, mine;

	fx_state(&w->f, "axe-1", "open");
	fx_state(&w->f, "orient", "open");
	fx_post(&w->f, w->a, "axe-1", "inventer", "Avant");
	since = last_seq(w);

	mine = fx_post(&w->f, w->a, "axe-1", "inventer", "Manquée 1");
	fx_post(&w->f, w->b, "orient", "orientations", "Autre activité");
	fx_state(&w->f, "orient", "voting");
	json_decref(vote(w, w->b, "vote", mine));

	snprintf(extra, sizeof extra, ",\"activity\":\"axe-1\",\"since\":%lld", since);
	r = watch(w, w->screen, extra);
	assert_string_equal(json_string_value(member(r, "mode", NULL)), "events");
	assert_int_equal(json_integer_value(member(r, "seq", NULL)), since + 4);
	assert_null(member(r, "contributions", NULL));
	events = member(r, "events", NULL);
	assert_int_equal(json_array_size(events), 3); /* not the other activity's post */
	assert_int_equal(json_integer_value(member(json_array_get(events, 0), "seq", NULL)),
	                 since + 1);
	assert_int_equal(json_integer_value(member(json_array_get(events, 1), "seq", NULL)),
	                 since + 3);
	assert_string_equal(json_string_value(member(json_array_get(events, 1), "kind", NULL)),
	                    "activity");
	assert_int_equal(json_integer_value(member(member(json_array_get(events, 2),
	                                                  "contribution", NULL),
	                                           "votes", NULL)),
	                 1);
	json_decref(r);

	snprintf(extra, sizeof extra, ",\"since\":%lld", since);
	r = watch(w, w->screen, extra);
	assert_int_equal(json_array_size(member(r, "events", NULL)), 4);
	json_decref(r);

	snprintf(extra, sizeof extra, ",\"since\":%lld", since + 4);
	r = watch(w, w->screen, extra);
	assert_string_equal(json_string_value(member(r, "mode", NULL)), "events");
	assert_int_equal(json_array_size(member(r, "events", NULL)), 0);
	json_decref(r);

	/* A client ahead of the server (a database restored) resyncs. */
	snprintf(extra, sizeof extra, ",\"since\":%lld", since + 50);
	r = watch(w, w->screen, extra);
	assert_string_equal(json_string_value(member(r, "mode", NULL)), "snapshot");
	json_decref(r);
}

static void watch_too_far_behind_gets_a_snapshot(void **state)
{
	struct world *w = *state;
	json_t *r;
	long long start = last_seq(w);
	char extra[64];

	for (int i = 0; i < 1001; i++)
		fx_state(&w->f, "axe-1", i % 2 ? "prepared" : "open");
	assert_int_equal(last_seq(w), start + 1001);
	snprintf(extra, sizeof extra, ",\"since\":%lld", start);
	r = watch(w, w->screen, extra);
	assert_string_equal(json_string_value(member(r, "mode", NULL)), "snapshot");
	json_decref(r);
	snprintf(extra, sizeof extra, ",\"since\":%lld", start + 1);
	r = watch(w, w->screen, extra);
	assert_string_equal(json_string_value(member(r, "mode", NULL)), "events");
	assert_int_equal(json_array_size(member(r, "events", NULL)), 1000);
	json_decref(r);
}

/* The "participants" figure of the synthesis for activity number i. */
static long long attending(struct world *w, size_t i)
{
	json_t *doc = NULL;
	long long n;

	assert_int_equal(export_view_document(w->f.st, w->f.code, &doc), STORE_OK);
	n = json_integer_value(
		member(json_array_get(member(doc, "activities", NULL), i), "participants", NULL));
	json_decref(doc);
	return n;
}

/* Attending an activity (docs/EXPORTS.md) is opening it on purpose (a
 * watch with "attend" from a joined participant), posting or voting in
 * it; a phone on the activity list, the screen and the console watch it
 * without attending. */
static void attendance_is_opening_posting_or_voting(void **state)
{
	struct world *w = *state;
	seminar_session *c = seminar_session_new();
	char token[64], extra[256];
	long long id;
	json_t *r;

	fx_join(&w->f, c, token, sizeof token);
	/* Phones on the list watch the first activity for its state. */
	json_decref(watch(w, w->a, ",\"activity\":\"axe-1\""));
	json_decref(watch(w, c, ",\"activity\":\"axe-1\""));
	json_decref(watch(w, w->a, ""));
	assert_int_equal(attending(w, 0), 0);
	json_decref(watch(w, w->b, ",\"activity\":\"axe-1\",\"attend\":false"));
	assert_int_equal(attending(w, 0), 0);

	/* The screen and the console never attend, even if they say so. */
	json_decref(watch(w, w->screen, ",\"activity\":\"axe-1\",\"attend\":true"));
	snprintf(extra, sizeof extra, ",\"activity\":\"axe-1\",\"attend\":true,\"key\":\"%s\"",
	         w->f.key);
	json_decref(watch(w, w->screen, extra));
	assert_int_equal(attending(w, 0), 0);

	/* a opens it, twice: one participant. */
	r = watch(w, w->a, ",\"activity\":\"axe-1\",\"attend\":true");
	assert_string_equal(json_string_value(member(r, "type", NULL)), "synced");
	json_decref(r);
	json_decref(watch(w, w->a, ",\"activity\":\"axe-1\",\"attend\":true"));
	assert_int_equal(attending(w, 0), 1);
	assert_int_equal(attending(w, 1), 0);

	/* b posts without opening it on purpose; c votes, then takes the
	 * vote back: both took part. */
	fx_state(&w->f, "axe-1", "open");
	id = fx_post(&w->f, w->b, "axe-1", "inventer", "Idée");
	assert_int_equal(attending(w, 0), 2);
	r = vote(w, c, "vote", id);
	assert_null(fx_error(r));
	json_decref(r);
	assert_int_equal(attending(w, 0), 3);
	r = vote(w, c, "unvote", id);
	assert_null(fx_error(r));
	json_decref(r);
	assert_int_equal(attending(w, 0), 3);
	assert_int_equal(attending(w, 1), 0);
	seminar_session_free(c);
}

/* ===== Archived activities and boards ===== */

/* The "id"s of a list of objects, each followed by a space, into out. */
static const char *ids_of(json_t *list, char *out, size_t len)
{
	size_t i, n = 0;
	json_t *o;

	out[0] = '\0';
	json_array_foreach(list, i, o)
		n += (size_t)snprintf(out + n, n < len ? len - n : 0, "%s ",
		                      json_string_value(json_object_get(o, "id")));
	return out;
}

/* 1 when a contribution with this id is in a list. */
static int holds(json_t *list, long long id)
{
	size_t i;
	json_t *c;

	json_array_foreach(list, i, c)
		if (json_integer_value(json_object_get(c, "id")) == id)
			return 1;
	return 0;
}

/* An import that drops a board and an activity takes them out of what
 * phones and screens get, refuses every write there (a phone may still
 * hold their ids), and loses nothing: back in the file, back with their
 * contributions. */
static void archived_ones_are_out_of_the_programme(void **state)
{
	struct world *w = *state;
	json_t *d = fx_definition(), *again = fx_definition(), *r, *acts;
	long long kept, gone, voted;
	char ids[256], key[256];

	fx_state(&w->f, "axe-1", "open");
	fx_state(&w->f, "orient", "open");
	kept = fx_post(&w->f, w->a, "axe-1", "maintenir", "Les cafés des parents");
	gone = fx_post(&w->f, w->a, "axe-1", "inventer", "Un conseil des jeunes");
	voted = fx_post(&w->f, w->b, "axe-1", "inventer", "Une fête de quartier");
	r = vote(w, w->a, "vote", voted);
	assert_int_equal(json_integer_value(member(r, "votes_left", NULL)), 2);
	json_decref(r);

	json_array_remove(json_object_get(fx_defn_activity(d, "axe-1"), "boards"), 2);
	json_array_remove(json_object_get(d, "activities"), 1);
	fx_import(&w->f, d);

	r = fx_send(&w->f, w->a, NULL,
	            "{\"type\":\"join\",\"id\":\"ja\",\"code\":\"%s\",\"token\":\"%s\"}",
	            w->f.code, w->token_a);
	acts = member(member(r, "seminar", NULL), "activities", NULL);
	assert_string_equal(ids_of(acts, ids, sizeof ids), "axe-1 ");
	assert_string_equal(ids_of(member(json_array_get(acts, 0), "boards", NULL), ids,
	                           sizeof ids),
	                    "abandonner maintenir ");
	json_decref(r);
	snprintf(key, sizeof key, ",\"key\":\"%s\"", w->f.key);
	r = watch(w, w->screen, key);
	assert_string_equal(ids_of(member(member(r, "seminar", NULL), "activities", NULL), ids,
	                           sizeof ids),
	                    "axe-1 ");
	assert_true(holds(member(r, "contributions", NULL), kept));
	assert_false(holds(member(r, "contributions", NULL), gone));
	assert_false(holds(member(r, "contributions", NULL), voted));
	json_decref(r);

	assert_string_equal(refusal(w, w->a,
	                            "{\"type\":\"post\",\"id\":\"p-b\",\"activity\":\"axe-1\","
	                            "\"board\":\"inventer\",\"text\":\"Encore\"}"),
	                    "unknown_board");
	assert_string_equal(refusal(w, w->a,
	                            "{\"type\":\"post\",\"id\":\"p-a\",\"activity\":\"orient\","
	                            "\"board\":\"orientations\",\"text\":\"Encore\"}"),
	                    "unknown_activity");
	assert_string_equal(refusal(w, w->screen,
	                            "{\"type\":\"watch\",\"id\":\"w-a\",\"code\":\"%s\","
	                            "\"activity\":\"orient\"}",
	                            w->f.code),
	                    "unknown_activity");
	assert_string_equal(refusal(w, w->screen,
	                            "{\"type\":\"set_state\",\"id\":\"s-a\",\"code\":\"%s\","
	                            "\"key\":\"%s\",\"activity\":\"orient\",\"state\":\"closed\"}",
	                            w->f.code, w->f.key),
	                    "unknown_activity");
	assert_string_equal(refusal(w, w->a,
	                            "{\"type\":\"edit\",\"id\":\"e-c\",\"contribution\":%lld,"
	                            "\"text\":\"Autre\"}",
	                            gone),
	                    "unknown_contribution");
	assert_string_equal(refusal(w, w->screen,
	                            "{\"type\":\"hide\",\"id\":\"h-c\",\"code\":\"%s\","
	                            "\"key\":\"%s\",\"contribution\":%lld}",
	                            w->f.code, w->f.key, gone),
	                    "unknown_contribution");
	r = vote(w, w->a, "unvote", voted);
	assert_string_equal(fx_error(r), "unknown_contribution");
	json_decref(r);
	/* The vote held on the archived board no longer counts. */
	r = vote(w, w->a, "vote", kept);
	assert_null(fx_error(r));
	assert_int_equal(json_integer_value(member(r, "votes_left", NULL)), 2);
	json_decref(r);

	fx_import(&w->f, again);
	r = watch(w, w->screen, key);
	assert_string_equal(ids_of(member(member(r, "seminar", NULL), "activities", NULL), ids,
	                           sizeof ids),
	                    "axe-1 orient ");
	assert_true(holds(member(r, "contributions", NULL), gone));
	assert_true(holds(member(r, "contributions", NULL), voted));
	json_decref(r);
	fx_post(&w->f, w->b, "axe-1", "inventer", "De retour");
	json_decref(d);
	json_decref(again);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(join_creates_and_finds_participants),
		T(join_lists_my_contributions_and_votes),
		T(post_rules),
		T(resend_returns_the_same_reply_and_stores_once),
		T(orientations_with_actions_and_parent),
		T(edit_and_delete_own_only),
		T(votes_budget_and_states),
		T(set_state_needs_the_key),
		T(hide_and_show),
		T(stale_moderation_is_refused),
		T(watch_snapshot_masks_hidden_unless_key),
		T(snapshot_shared_but_never_stale),
		T(snapshot_tail_is_shared),
		T(watch_since_returns_exactly_the_missed_events),
		T(watch_too_far_behind_gets_a_snapshot),
		T(attendance_is_opening_posting_or_voting),
		T(archived_ones_are_out_of_the_programme),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
