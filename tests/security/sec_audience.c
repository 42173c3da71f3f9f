/*
 * sec_audience.c — a text that an audience may not see never reaches a
 * member of it, checked on every message each client receives from the
 * real server: live events, replies (a resent id's reply included),
 * snapshots and `since` catch-ups. The case: a contribution hidden by a
 * facilitator (then edited by its author, so that its new text was never
 * visible), and one deleted by its author. The public (screens), the other
 * participants, its author, and an animator of another activity never get
 * those texts once hidden or deleted; a facilitator of the seminar and an
 * animator of its activity do get the hidden one's (docs/PROTOCOL.md, *Who
 * sees what*).
 *
 * Boundary: the atelier binary over real WebSockets (tests/support, the
 * integration fixture); animators' keys are made through the store API,
 * as an organiser's page will. Messages are searched as the bytes the
 * client reassembled, so a text cannot hide in any field or frame.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"
#include "store_domain.h"
#include "store_keys.h"

#define QUESTIONS FIXTURE_OPEN_ACTIVITY
#define ORIENT FIXTURE_ORIENT_ACTIVITY

/* ASCII words found nowhere else, so a search of the raw bytes is exact. */
#define HIDDEN_THEN "qzhidden7then"   /* visible, then hidden */
#define HIDDEN_NOW "qzedited7hidden"  /* its text once edited while hidden */
#define DELETED "qzdeleted7text"      /* visible, then deleted by its author */

/* One connection and every message it received since its record began. */
typedef struct client {
	const char *name;
	wsc *c;
	char *seen;
	size_t len, cap;
	int fences;
} client;

static void keep(client *k, const char *msg, size_t len)
{
	if (k->len + len + 2 > k->cap) {
		size_t cap = (k->cap + len + 2) * 2;
		char *n = realloc(k->seen, cap);
		assert_non_null(n);
		k->seen = n;
		k->cap = cap;
	}
	memcpy(k->seen + k->len, msg, len);
	k->len += len;
	k->seen[k->len++] = '\n';
	k->seen[k->len] = '\0';
}

/* Forgets what k received so far: its record begins now. */
static void forget(client *k)
{
	k->len = 0;
	if (k->seen)
		k->seen[0] = '\0';
}

/* Receives every message until the reply whose "re" is re, keeping each;
 * returns that reply (caller owns it). */
static json_t *until_reply(client *k, const char *re)
{
	for (;;) {
		char *msg = NULL;
		size_t len = 0;
		int op = 0;
		int rc = wsc_recv(k->c, FIXTURE_WAIT_MS, &msg, &len, &op);
		if (rc != WSC_OK)
			fail_msg("%s: no reply to %s (%s)", k->name, re, wsc_error(k->c));
		keep(k, msg, len);
		json_t *v = json_loads(msg, 0, NULL);
		free(msg);
		const char *got = fixture_str(v, "re");
		if (got && !strcmp(got, re))
			return v;
		json_decref(v);
	}
}

/* Sends message m (stolen) and returns its reply (caller owns it). */
static json_t *exchange(client *k, json_t *m)
{
	char id[80], *text;
	assert_non_null(m);
	snprintf(id, sizeof id, "%s", fixture_str(m, "id"));
	text = json_dumps(m, JSON_COMPACT);
	json_decref(m);
	assert_int_equal(wsc_send_text(k->c, text, strlen(text), 1), WSC_OK);
	free(text);
	return until_reply(k, id);
}

/* Sends the json_pack() message (its "id" names its reply) and returns
 * its reply. */
static json_t *ask(client *k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	json_t *m = json_vpack_ex(NULL, 0, fmt, ap);
	va_end(ap);
	return exchange(k, m);
}

/* The type of a reply, or its error code; frees it. */
static const char *outcome(json_t *r, char *out, size_t len)
{
	const char *code = fixture_str(r, "code");
	snprintf(out, len, "%s", code ? code : fixture_str(r, "type"));
	json_decref(r);
	return out;
}

/* Every event committed before this point has reached k: its queue is
 * in order, and a reply it asks for now comes after them. The question
 * (a vote for no contribution) changes nothing. */
static void fence(client *k)
{
	char id[32];
	snprintf(id, sizeof id, "fence-%d", ++k->fences);
	json_decref(ask(k, "{s:s,s:s,s:i}", "type", "vote", "id", id, "contribution",
	                999999));
}

static void connect_as(fixture *f, client *k, const char *name)
{
	memset(k, 0, sizeof *k);
	k->name = name;
	k->c = fixture_connect(f);
}

static void leave(client *k)
{
	wsc_close(k->c);
	free(k->seen);
	memset(k, 0, sizeof *k);
}

/* A watch (since < 0: none; key, activity: NULL for none); returns the
 * synced reply's mode. */
static const char *watch(fixture *f, client *k, const char *activity, long long since,
                         const char *key)
{
	static char mode[16];
	json_t *m = json_pack("{s:s,s:s,s:s}", "type", "watch", "id", "w", "code", f->code);
	if (activity)
		json_object_set_new(m, "activity", json_string(activity));
	if (since >= 0)
		json_object_set_new(m, "since", json_integer(since));
	if (key)
		json_object_set_new(m, "key", json_string(key));
	json_t *r = exchange(k, m);
	snprintf(mode, sizeof mode, "%s",
	         fixture_str(r, "mode") ? fixture_str(r, "mode") : fixture_str(r, "code"));
	json_decref(r);
	return mode;
}

/* Joins as a new participant (token_out may be NULL) or as token. */
static void join(fixture *f, client *k, const char *token, char *token_out, size_t len)
{
	json_t *m = json_pack("{s:s,s:s,s:s}", "type", "join", "id", "j", "code", f->code);
	if (token)
		json_object_set_new(m, "token", json_string(token));
	json_t *r = exchange(k, m);
	assert_string_equal(fixture_str(r, "type"), "joined");
	if (token_out)
		snprintf(token_out, len, "%s", fixture_str(r, "token"));
	json_decref(r);
}

/* A facilitator key of one activity of the fixture's seminar. */
static void animator_key(fixture *f, const char *activity, char *key, size_t len)
{
	store *st = NULL;
	store_activity a;
	long long sid = 0;
	char err[256], name[128];
	assert_int_equal(store_open(f->db, NULL, &st, err, sizeof err), STORE_OK);
	assert_int_equal(store_seminar_find(st, f->code, &sid), STORE_OK);
	assert_int_equal(store_activity_find(st, sid, activity, &a), STORE_OK);
	/* a key's name is unique among the seminar's live keys */
	snprintf(name, sizeof name, "animateur·rice de %s", activity);
	assert_int_equal(store_key_create(st, STORE_KEY_FACILITATOR, sid, a.id, name, key, len, NULL),
	                 STORE_OK);
	store_close(st);
}

/* How many of the checks below failed: each is said, then the test fails
 * once they are all done, so that a run lists every leak. */
static int faults;

/* The message of k's record that holds at, for the report. */
static void say(const client *k, const char *what, const char *secret, const char *at)
{
	const char *start = at, *end = at;
	while (at && start > k->seen && start[-1] != '\n')
		start--;
	while (at && *end && *end != '\n')
		end++;
	print_error("%s %s \"%s\"%s%.*s\n", k->name, what, secret, at ? ", in: " : "",
	            at ? (int)(end - start > 400 ? 400 : end - start) : 0, at ? start : "");
	faults++;
}

/* k's record holds secret nowhere / somewhere. */
static void never(const client *k, const char *secret)
{
	const char *at = k->seen ? strstr(k->seen, secret) : NULL;
	if (at)
		say(k, "received", secret, at);
}

static void got(const client *k, const char *secret)
{
	if (!k->seen || !strstr(k->seen, secret))
		say(k, "never received", secret, NULL);
}

static long long post(client *k, const char *id, const char *board,
                      const char *text)
{
	json_t *r = ask(k, "{s:s,s:s,s:s,s:s,s:s}", "type", "post", "id", id, "activity",
	                QUESTIONS, "board", board, "text", text);
	long long cid = fixture_int(json_object_get(r, "contribution"), "id");
	assert_string_equal(fixture_str(r, "type"), "ack");
	json_decref(r);
	return cid;
}

static void test_hidden_and_deleted_texts_reach_no_one_who_may_not_see_them(void **state)
{
	fixture *f = *state;
	faults = 0;
	char board[80], token[80], key_q[STORE_KEY_SIZE], key_o[STORE_KEY_SIZE], what[32];
	client fac, anim_q, anim_o, screen, all, author, other;
	client *live[] = {&fac, &anim_q, &anim_o, &screen, &all, &author, &other};
	const size_t nlive = sizeof live / sizeof live[0];
	json_t *seminar = NULL;

	animator_key(f, QUESTIONS, key_q, sizeof key_q);
	animator_key(f, ORIENT, key_o, sizeof key_o);

	/* Who watches live: the console (the whole seminar), an animator of
	 * each activity on its own, a screen of the activity and one of the
	 * whole seminar, the author's phone and another participant's. */
	connect_as(f, &fac, "the facilitator");
	assert_string_equal(watch(f, &fac, NULL, -1, f->key), "snapshot");
	connect_as(f, &anim_q, "the animator of the activity");
	assert_string_equal(watch(f, &anim_q, QUESTIONS, -1, key_q), "snapshot");
	connect_as(f, &anim_o, "an animator of another activity");
	assert_string_equal(watch(f, &anim_o, ORIENT, -1, key_o), "snapshot");
	connect_as(f, &screen, "the screen of the activity");
	assert_string_equal(watch(f, &screen, QUESTIONS, -1, NULL), "snapshot");
	connect_as(f, &all, "a screen of the whole seminar");
	assert_string_equal(watch(f, &all, NULL, -1, NULL), "snapshot");
	connect_as(f, &author, "the author");
	join(f, &author, NULL, token, sizeof token);
	assert_string_equal(watch(f, &author, QUESTIONS, -1, NULL), "snapshot");
	connect_as(f, &other, "another participant");
	join(f, &other, NULL, NULL, 0);
	assert_string_equal(watch(f, &other, QUESTIONS, -1, NULL), "snapshot");

	fixture_set_state(f, fac.c, QUESTIONS, "open");
	wsc *p = fixture_phone(f, QUESTIONS, &seminar);
	fixture_board(seminar, QUESTIONS, "notes", board, sizeof board);
	json_decref(seminar);
	wsc_close(p);
	long long before = -1;
	{
		client probe;
		connect_as(f, &probe, "probe");
		json_t *r = ask(&probe, "{s:s,s:s,s:s}", "type", "watch", "id", "s", "code",
		                f->code);
		before = fixture_int(r, "seq"); /* the point before the texts */
		json_decref(r);
		leave(&probe);
	}

	/* Both texts are visible for a while: everyone may see them then. */
	long long hidden = post(&author, "p-hidden", board, HIDDEN_THEN);
	long long gone = post(&author, "p-deleted", board, DELETED);
	for (size_t i = 0; i < nlive; i++) {
		fence(live[i]);
		forget(live[i]);
	}

	/* From here on, every message of every client is kept. */
	json_t *r = ask(&fac, "{s:s,s:s,s:s,s:s,s:I}", "type", "hide", "id", "h", "code",
	                f->code, "key", f->key, "contribution", (json_int_t)hidden);
	assert_string_equal(outcome(r, what, sizeof what), "ack");
	r = ask(&author, "{s:s,s:s,s:I,s:s}", "type", "edit", "id", "e", "contribution",
	        (json_int_t)hidden, "text", HIDDEN_NOW);
	assert_string_equal(outcome(r, what, sizeof what), "ack");
	r = ask(&author, "{s:s,s:s,s:I}", "type", "delete", "id", "d", "contribution",
	        (json_int_t)gone);
	assert_string_equal(outcome(r, what, sizeof what), "ack");

	/* The author's phone lost its acks and sends the posts again: the
	 * replies kept under their ids come back as the contributions are
	 * now. */
	r = ask(&author, "{s:s,s:s,s:s,s:s,s:s}", "type", "post", "id", "p-hidden",
	        "activity", QUESTIONS, "board", board, "text", HIDDEN_THEN);
	assert_int_equal(fixture_int(json_object_get(r, "contribution"), "id"), hidden);
	json_decref(r);
	r = ask(&author, "{s:s,s:s,s:s,s:s,s:s}", "type", "post", "id",
	        "p-deleted", "activity", QUESTIONS, "board", board, "text", DELETED);
	assert_int_equal(fixture_int(json_object_get(r, "contribution"), "id"), gone);
	json_decref(r);
	/* Again from a new connection of the same participant. */
	client again;
	connect_as(f, &again, "the author, reconnected");
	join(f, &again, token, NULL, 0);
	r = ask(&again, "{s:s,s:s,s:s,s:s,s:s}", "type", "post", "id", "p-hidden",
	        "activity", QUESTIONS, "board", board, "text", HIDDEN_THEN);
	assert_int_equal(fixture_int(json_object_get(r, "contribution"), "id"), hidden);
	json_decref(r);
	assert_string_equal(watch(f, &again, QUESTIONS, before, NULL), "events");
	assert_string_equal(watch(f, &again, QUESTIONS, -1, NULL), "snapshot");

	/* An animator of another activity may not act here nor watch it with
	 * its key; without its key it is the public. */
	r = ask(&anim_o, "{s:s,s:s,s:s,s:s,s:I}", "type", "show", "id", "ho", "code",
	        f->code, "key", key_o, "contribution", (json_int_t)hidden);
	assert_string_equal(outcome(r, what, sizeof what), "forbidden");
	r = ask(&anim_o, "{s:s,s:s,s:s,s:s,s:I}", "type", "hide", "id", "hh", "code",
	        f->code, "key", key_o, "contribution", (json_int_t)hidden);
	assert_string_equal(outcome(r, what, sizeof what), "forbidden");
	client anim_o2;
	connect_as(f, &anim_o2, "an animator of another activity, watching");
	assert_string_equal(watch(f, &anim_o2, QUESTIONS, before, key_o), "forbidden");
	assert_string_equal(watch(f, &anim_o2, NULL, 0, key_o), "forbidden");
	assert_string_equal(watch(f, &anim_o2, ORIENT, 0, key_o), "events");
	assert_string_equal(watch(f, &anim_o2, QUESTIONS, before, NULL), "events");
	assert_string_equal(watch(f, &anim_o2, QUESTIONS, -1, NULL), "snapshot");

	/* Newcomers: screens and phones that catch up or take a snapshot. */
	client late_screen, late_all, late_phone;
	connect_as(f, &late_screen, "a screen catching up");
	assert_string_equal(watch(f, &late_screen, QUESTIONS, before, NULL), "events");
	assert_string_equal(watch(f, &late_screen, QUESTIONS, -1, NULL), "snapshot");
	connect_as(f, &late_all, "a screen of the whole seminar catching up");
	assert_string_equal(watch(f, &late_all, NULL, 0, NULL), "events");
	assert_string_equal(watch(f, &late_all, NULL, -1, NULL), "snapshot");
	connect_as(f, &late_phone, "a participant catching up");
	join(f, &late_phone, NULL, NULL, 0);
	assert_string_equal(watch(f, &late_phone, QUESTIONS, before, NULL), "events");
	assert_string_equal(watch(f, &late_phone, QUESTIONS, -1, NULL), "snapshot");

	/* Facilitators who come later: the seminar's and the activity's. */
	client late_fac, late_anim;
	connect_as(f, &late_fac, "the facilitator catching up");
	assert_string_equal(watch(f, &late_fac, NULL, before, f->key), "events");
	connect_as(f, &late_anim, "the animator of the activity catching up");
	assert_string_equal(watch(f, &late_anim, QUESTIONS, before, key_q), "events");

	for (size_t i = 0; i < nlive; i++)
		fence(live[i]);

	/* Who may not see the hidden texts never got them. */
	const client *public_side[] = {&screen, &all, &author, &other, &anim_o, &again,
	                               &anim_o2, &late_screen, &late_all, &late_phone};
	for (size_t i = 0; i < sizeof public_side / sizeof public_side[0]; i++) {
		never(public_side[i], HIDDEN_THEN);
		never(public_side[i], HIDDEN_NOW);
	}
	/* A deleted text reaches nobody, facilitators included. */
	const client *everyone[] = {&fac, &anim_q, &anim_o, &screen, &all, &author, &other,
	                            &again, &anim_o2, &late_screen, &late_all, &late_phone,
	                            &late_fac, &late_anim};
	for (size_t i = 0; i < sizeof everyone / sizeof everyone[0]; i++)
		never(everyone[i], DELETED);
	/* The facilitators of the seminar and of the activity see the hidden
	 * contribution's text: live, and when they catch up. */
	got(&fac, HIDDEN_NOW);
	got(&anim_q, HIDDEN_NOW);
	got(&late_fac, HIDDEN_NOW);
	got(&late_anim, HIDDEN_NOW);

	/* And in a snapshot. */
	client snap_fac;
	connect_as(f, &snap_fac, "the facilitator's snapshot");
	assert_string_equal(watch(f, &snap_fac, NULL, -1, f->key), "snapshot");
	got(&snap_fac, HIDDEN_NOW);
	never(&snap_fac, DELETED);

	assert_int_equal(faults, 0);
	client *all_clients[] = {&fac, &anim_q, &anim_o, &screen, &all, &author, &other, &again,
	                         &anim_o2, &late_screen, &late_all, &late_phone, &late_fac,
	                         &late_anim, &snap_fac};
	for (size_t i = 0; i < sizeof all_clients / sizeof all_clients[0]; i++)
		leave(all_clients[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_hidden_and_deleted_texts_reach_no_one_who_may_not_see_them, fixture_setup,
			fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
