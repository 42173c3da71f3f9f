/*
 * test_moderation.c — moderation with nothing lost (seminar_moderation.c,
 * store_moderation.c): every facilitator change of a contribution leaves
 * one row of the audit trail, with the key's name, the state or text
 * before and after; a rewording keeps the author's words, which the
 * public never receives; undo reverses one change, is audited itself and
 * is refused (stale) once the contribution changed again; a resent id
 * changes nothing twice; a removed contribution leaves the public's
 * boards and its votes go back to their voters' budgets until restored.
 *
 * Boundary: the real parser and rules on the seminar of unit_fixture.c,
 * and the store's trail read back (store_moderation.h).
 */
#include "unit_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_domain.h"
#include "store_moderation.h"

typedef struct world {
	fixture f;
	seminar_session *author, *console;
	long long id; /* a contribution of the author on axe-1/inventer */
} world;

static int setup(void **state)
{
	world *w = calloc(1, sizeof *w);
	char token[64];

	assert_non_null(w);
	fx_open(&w->f);
	w->author = seminar_session_new();
	w->console = seminar_session_new();
	fx_join(&w->f, w->author, token, sizeof token);
	fx_state(&w->f, "axe-1", "open");
	w->id = fx_post(&w->f, w->author, "axe-1", "inventer", "ecole ouverte le samedi");
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	world *w = *state;
	seminar_session_free(w->author);
	seminar_session_free(w->console);
	fx_close(&w->f);
	free(w);
	return 0;
}

/* Sends a facilitator's message of type with its id and extra members
 * (", ..." JSON text); the reply (caller frees), its events into *r when
 * r is set. */
static json_t *facilitator(world *w, seminar_result *r, const char *type, const char *id,
                           const char *extra)
{
	return fx_send(&w->f, w->console, r,
	               "{\"type\":\"%s\",\"id\":\"%s\",\"code\":\"%s\",\"key\":\"%s\"%s}", type, id,
	               w->f.code, w->f.key, extra);
}

/* The same, expecting a reply of type want ("ack", "history") or the
 * error code want. */
static void expect(world *w, const char *type, const char *id, const char *extra,
                   const char *want)
{
	json_t *reply = facilitator(w, NULL, type, id, extra);
	const char *got = fx_error(reply);
	if (!got)
		got = json_string_value(json_object_get(reply, "type"));
	if (strcmp(got, want) != 0)
		fail_msg("%s %s%s: %s, not %s", type, id, extra, got, want);
	json_decref(reply);
}

static store_audit *trail(world *w)
{
	store_audit *a = NULL;
	long long sid = 0;
	assert_int_equal(store_seminar_find(w->f.st, w->f.code, &sid), STORE_OK);
	assert_int_equal(store_audit_get(w->f.st, sid, w->id, &a), STORE_OK);
	return a;
}

static json_t *contribution_of(json_t *reply)
{
	return json_object_get(reply, "contribution");
}

static const char *text_of(json_t *c, const char *member)
{
	return json_string_value(json_object_get(c, member));
}

/* Hide and show leave one row each, with the key's name and the states;
 * a hide of a hidden one, and a resent id, leave none. */
static void hide_and_show_are_audited(void **state)
{
	world *w = *state;
	store_audit *a;

	expect(w, "hide", "h1", ",\"contribution\":7777", "unknown_contribution");
	char extra[64];
	snprintf(extra, sizeof extra, ",\"contribution\":%lld", w->id);
	expect(w, "hide", "h1", extra, "ack");
	expect(w, "hide", "h1", extra, "ack"); /* resent */
	expect(w, "hide", "h2", extra, "ack"); /* hidden already */
	expect(w, "show", "s1", extra, "ack");
	expect(w, "hide", "h1", extra, "ack"); /* resent after a show: no change */

	a = trail(w);
	assert_int_equal(a->n, 2);
	assert_string_equal(a->items[0].command, "hide");
	assert_string_equal(a->items[0].key_name, "animation");
	assert_true(a->items[0].has_state);
	assert_int_equal(a->items[0].state_before, VOCAB_VISIBLE);
	assert_int_equal(a->items[0].state_after, VOCAB_HIDDEN);
	assert_null(a->items[0].text_before);
	assert_null(a->items[0].text_after);
	assert_non_null(a->items[0].at);
	assert_string_equal(a->items[1].command, "show");
	assert_int_equal(a->items[1].state_after, VOCAB_VISIBLE);
	assert_true(a->items[1].seq > a->items[0].seq);
	store_audit_free(a);
	/* Still visible: the resent hide did nothing. */
	json_t *reply = facilitator(w, NULL, "history", "q1", extra);
	assert_int_equal(json_array_size(json_object_get(reply, "entries")), 2);
	json_decref(reply);
}

/* A rewording: everyone gets the new wording; the author's words reach
 * the author and the facilitators, never the public; a second rewording
 * keeps the first words; the trail has both texts. */
static void rephrase_keeps_the_original(void **state)
{
	world *w = *state;
	seminar_result r = {0};
	json_t *reply, *pub, *self, *fac;
	char extra[160];
	store_audit *a;

	snprintf(extra, sizeof extra, ",\"contribution\":%lld,\"text\":\"L'école ouverte le samedi\"",
	         w->id);
	reply = facilitator(w, &r, "rephrase", "r1", extra);
	assert_null(fx_error(reply));
	assert_string_equal(text_of(contribution_of(reply), "text"), "L'école ouverte le samedi");
	assert_string_equal(text_of(contribution_of(reply), "original"), "ecole ouverte le samedi");
	assert_int_equal(r.nevents, 1);
	pub = json_loads(r.events[0].text[VIEW_PUBLIC], 0, NULL);
	self = json_loads(r.events[0].text[VIEW_SELF], 0, NULL);
	fac = json_loads(r.events[0].text[VIEW_FACILITATOR], 0, NULL);
	assert_string_equal(text_of(contribution_of(pub), "text"), "L'école ouverte le samedi");
	assert_true(json_is_null(json_object_get(contribution_of(pub), "original")));
	assert_true(json_is_true(json_object_get(contribution_of(pub), "rephrased")));
	assert_null(strstr(r.events[0].text[VIEW_PUBLIC], "ecole ouverte"));
	assert_string_equal(text_of(contribution_of(self), "original"), "ecole ouverte le samedi");
	assert_string_equal(text_of(contribution_of(fac), "original"), "ecole ouverte le samedi");
	json_decref(pub);
	json_decref(self);
	json_decref(fac);
	json_decref(reply);
	seminar_result_clear(&r);

	snprintf(extra, sizeof extra, ",\"contribution\":%lld,\"text\":\"Ouvrir l'école le samedi\"",
	         w->id);
	reply = facilitator(w, NULL, "rephrase", "r2", extra);
	assert_string_equal(text_of(contribution_of(reply), "original"), "ecole ouverte le samedi");
	json_decref(reply);
	expect(w, "rephrase", "r3", extra, "ack"); /* the same wording: no row */

	a = trail(w);
	assert_int_equal(a->n, 2);
	assert_string_equal(a->items[0].command, "rephrase");
	assert_false(a->items[0].has_state);
	assert_string_equal(a->items[0].text_before, "ecole ouverte le samedi");
	assert_string_equal(a->items[0].text_after, "L'école ouverte le samedi");
	assert_string_equal(a->items[1].text_before, "L'école ouverte le samedi");
	store_audit_free(a);

	/* The parser refuses malformed ones (tests/proto/cases); the rules,
	 * what does not exist. */
	expect(w, "rephrase", "r5", ",\"contribution\":7777,\"text\":\"x\"", "unknown_contribution");
}

/* Undo reverses one change and is a row of its own; a change followed by
 * another is stale; undoing the undo makes the change again. */
static void undo_reverses_one_change(void **state)
{
	world *w = *state;
	char extra[160], entry[64];
	json_t *reply;
	store_audit *a;
	long long hide, rephrase;

	snprintf(extra, sizeof extra, ",\"contribution\":%lld,\"text\":\"Samedi : école ouverte\"",
	         w->id);
	expect(w, "rephrase", "r1", extra, "ack");
	snprintf(extra, sizeof extra, ",\"contribution\":%lld", w->id);
	expect(w, "hide", "h1", extra, "ack");
	a = trail(w);
	rephrase = a->items[0].id;
	hide = a->items[1].id;
	store_audit_free(a);

	snprintf(entry, sizeof entry, ",\"entry\":%lld", rephrase);
	expect(w, "undo", "u1", entry, "stale"); /* hidden since: undo that first */
	expect(w, "undo", "u2", ",\"entry\":9999", "unknown_entry");
	snprintf(entry, sizeof entry, ",\"entry\":%lld", hide);
	reply = facilitator(w, NULL, "undo", "u4", entry);
	assert_string_equal(text_of(contribution_of(reply), "state"), "visible");
	json_decref(reply);
	expect(w, "undo", "u4", entry, "ack"); /* resent: not undone twice */
	snprintf(entry, sizeof entry, ",\"entry\":%lld", rephrase);
	reply = facilitator(w, NULL, "undo", "u5", entry);
	assert_string_equal(text_of(contribution_of(reply), "text"), "ecole ouverte le samedi");
	assert_true(json_is_null(json_object_get(contribution_of(reply), "original")));
	assert_true(json_is_false(json_object_get(contribution_of(reply), "rephrased")));
	json_decref(reply);

	a = trail(w);
	assert_int_equal(a->n, 4);
	assert_string_equal(a->items[2].command, "undo");
	assert_int_equal(a->items[2].undoes, hide);
	assert_int_equal(a->items[2].state_after, VOCAB_VISIBLE);
	assert_int_equal(a->items[1].undone_by, a->items[2].id);
	assert_int_equal(a->items[3].undoes, rephrase);
	assert_string_equal(a->items[3].text_after, "ecole ouverte le samedi");
	assert_int_equal(a->items[0].undone_by, a->items[3].id);
	/* Undoing the undo words it again. */
	snprintf(entry, sizeof entry, ",\"entry\":%lld", a->items[3].id);
	store_audit_free(a);
	reply = facilitator(w, NULL, "undo", "u6", entry);
	assert_string_equal(text_of(contribution_of(reply), "text"), "Samedi : école ouverte");
	assert_string_equal(text_of(contribution_of(reply), "original"), "ecole ouverte le samedi");
	json_decref(reply);
}

/* The author's own edit after a rewording makes the undo of the
 * rewording stale: the author's words are not overwritten. */
static void undo_after_the_author_edited_is_stale(void **state)
{
	world *w = *state;
	char extra[160], entry[64];
	store_audit *a;
	json_t *reply;

	snprintf(extra, sizeof extra, ",\"contribution\":%lld,\"text\":\"Samedi\"", w->id);
	expect(w, "rephrase", "r1", extra, "ack");
	reply = fx_send(&w->f, w->author, NULL,
	                "{\"type\":\"edit\",\"id\":\"e1\",\"contribution\":%lld,\"text\":\"Le samedi aussi\"}",
	                w->id);
	assert_null(fx_error(reply));
	assert_true(json_is_null(json_object_get(contribution_of(reply), "original")));
	json_decref(reply);
	a = trail(w);
	snprintf(entry, sizeof entry, ",\"entry\":%lld", a->items[0].id);
	store_audit_free(a);
	expect(w, "undo", "u1", entry, "stale");
}

/* Remove: a soft delete. The public loses its text, the facilitators keep
 * it; the votes it holds no longer count against its voters' budgets,
 * and count again once it is restored; an undo of the removal restores
 * it too. Restoring one that is not removed changes nothing. */
static void remove_gives_the_votes_back(void **state)
{
	world *w = *state;
	seminar_session *voter = seminar_session_new();
	seminar_result r = {0};
	char token[64], extra[64];
	long long used = -1, activity = 0, sid = 0, pid = 0;
	store_contribution c;
	json_t *reply, *pub;
	store_audit *a;

	fx_join(&w->f, voter, token, sizeof token);
	assert_int_equal(store_seminar_find(w->f.st, w->f.code, &sid), STORE_OK);
	assert_int_equal(store_participant_find(w->f.st, sid, token, &pid), STORE_OK);
	reply = fx_send(&w->f, voter, NULL, "{\"type\":\"vote\",\"id\":\"v1\",\"contribution\":%lld}",
	                w->id);
	assert_int_equal(json_integer_value(json_object_get(reply, "votes_left")), 2);
	json_decref(reply);
	assert_int_equal(store_contribution_get(w->f.st, w->id, &c), STORE_OK);
	activity = c.activity_id;
	assert_int_equal(store_votes_used(w->f.st, pid, activity, &used), STORE_OK);
	assert_int_equal(used, 1);

	snprintf(extra, sizeof extra, ",\"contribution\":%lld", w->id);
	expect(w, "restore", "x0", extra, "ack"); /* not removed: nothing */
	reply = facilitator(w, &r, "remove", "x1", extra);
	assert_string_equal(text_of(contribution_of(reply), "state"), "removed");
	assert_string_equal(text_of(contribution_of(reply), "text"), "ecole ouverte le samedi");
	pub = json_loads(r.events[0].text[VIEW_PUBLIC], 0, NULL);
	assert_true(json_is_null(json_object_get(contribution_of(pub), "text")));
	assert_string_equal(text_of(contribution_of(pub), "state"), "removed");
	json_decref(pub);
	json_decref(reply);
	seminar_result_clear(&r);
	assert_int_equal(store_votes_used(w->f.st, pid, activity, &used), STORE_OK);
	assert_int_equal(used, 0);
	/* The voter cannot vote for it, and has the vote back to give. */
	reply = fx_send(&w->f, voter, NULL, "{\"type\":\"vote\",\"id\":\"v2\",\"contribution\":%lld}",
	                w->id);
	assert_non_null(fx_error(reply));
	json_decref(reply);

	expect(w, "restore", "x2", extra, "ack");
	assert_int_equal(store_votes_used(w->f.st, pid, activity, &used), STORE_OK);
	assert_int_equal(used, 1);
	expect(w, "remove", "x3", extra, "ack");
	a = trail(w);
	assert_int_equal(a->n, 3);
	assert_string_equal(a->items[0].command, "remove");
	assert_int_equal(a->items[0].state_after, VOCAB_REMOVED);
	assert_string_equal(a->items[1].command, "restore");
	assert_int_equal(a->items[1].state_before, VOCAB_REMOVED);
	assert_int_equal(a->items[1].state_after, VOCAB_VISIBLE);
	snprintf(extra, sizeof extra, ",\"entry\":%lld", a->items[2].id);
	store_audit_free(a);
	reply = facilitator(w, NULL, "undo", "u1", extra);
	assert_string_equal(text_of(contribution_of(reply), "state"), "visible");
	json_decref(reply);
	assert_int_equal(store_votes_used(w->f.st, pid, activity, &used), STORE_OK);
	assert_int_equal(used, 1);
	seminar_session_free(voter);
}

/* Move: to another board of its activity, audited with both boards, and
 * undone back; another activity's board is refused with other_activity,
 * a board its activity does not have with unknown_board. */
static void move_within_the_activity(void **state)
{
	world *w = *state;
	char extra[160];
	json_t *reply;
	store_audit *a;

	snprintf(extra, sizeof extra, ",\"contribution\":%lld,\"board\":\"maintenir\"", w->id);
	reply = facilitator(w, NULL, "move", "m1", extra);
	assert_string_equal(text_of(contribution_of(reply), "board"), "maintenir");
	json_decref(reply);
	expect(w, "move", "m2", extra, "ack"); /* there already: no row */
	snprintf(extra, sizeof extra,
	         ",\"contribution\":%lld,\"board\":\"orientations\",\"activity\":\"orient\"", w->id);
	expect(w, "move", "m3", extra, "other_activity");
	snprintf(extra, sizeof extra, ",\"contribution\":%lld,\"board\":\"orientations\"", w->id);
	expect(w, "move", "m4", extra, "unknown_board");
	snprintf(extra, sizeof extra, ",\"contribution\":%lld,\"board\":\"inventer\",\"activity\":\"axe-1\"",
	         w->id);
	expect(w, "move", "m5", extra, "ack");

	a = trail(w);
	assert_int_equal(a->n, 2);
	assert_string_equal(a->items[0].command, "move");
	assert_false(a->items[0].has_state);
	assert_null(a->items[0].text_after);
	assert_string_equal(a->items[0].board_slug_before, "inventer");
	assert_string_equal(a->items[0].board_slug_after, "maintenir");
	snprintf(extra, sizeof extra, ",\"entry\":%lld", a->items[0].id);
	expect(w, "undo", "u1", extra, "stale"); /* moved back since */
	snprintf(extra, sizeof extra, ",\"entry\":%lld", a->items[1].id);
	store_audit_free(a);
	reply = facilitator(w, NULL, "undo", "u2", extra);
	assert_string_equal(text_of(contribution_of(reply), "board"), "maintenir");
	json_decref(reply);
}

/* Only a facilitator's key reads the trail or changes anything. */
static void only_facilitators(void **state)
{
	world *w = *state;
	json_t *reply = fx_send(&w->f, w->author, NULL,
	                        "{\"type\":\"history\",\"id\":\"q1\",\"code\":\"%s\",\"key\":\"wrong\","
	                        "\"contribution\":%lld}",
	                        w->f.code, w->id);
	assert_string_equal(fx_error(reply), "bad_key");
	json_decref(reply);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(hide_and_show_are_audited, setup, teardown),
		cmocka_unit_test_setup_teardown(rephrase_keeps_the_original, setup, teardown),
		cmocka_unit_test_setup_teardown(undo_reverses_one_change, setup, teardown),
		cmocka_unit_test_setup_teardown(undo_after_the_author_edited_is_stale, setup, teardown),
		cmocka_unit_test_setup_teardown(remove_gives_the_votes_back, setup, teardown),
		cmocka_unit_test_setup_teardown(move_within_the_activity, setup, teardown),
		cmocka_unit_test_setup_teardown(only_facilitators, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
