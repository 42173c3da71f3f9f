/*
 * test_turn.c — the core's turn (server/turn.h) and its command table
 * (server/command.h): every message type has one sound row; a deadline
 * runs its command when the injected clock reaches it, not before; keys
 * made through the store give their holders the roles the rows allow, a
 * key of one activity acting there only; the key that acted is recorded
 * with its events; the command line's and an HTTP request's way in.
 *
 * Boundary: the turn driven in process (tests/support/turnh.c) on a fresh
 * ":memory:" store holding the seminar of unit_fixture.c.
 */
#include "unit_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "store_domain.h"
#include "store_keys.h"
#include "turnh.h"

/* ===== The command table ===== */

static void every_type_has_one_sound_row(void **state)
{
	(void)state;
	size_t rows = command_count();
	assert_true(rows >= (size_t)PROTO_SHOW);
	for (proto_type t = PROTO_JOIN; t <= PROTO_SHOW; t++)
		assert_non_null(command_of(t));
	for (size_t i = 0; i < rows; i++) {
		const command *c = command_at(i);
		unsigned id = PROTO_FIELD_BIT(PROTO_F_ID);
		assert_ptr_equal(command_named(c->name), c);
		assert_ptr_equal(command_of(c->type), c);
		assert_non_null(c->handler);
		assert_true(c->roles != 0);
		assert_true((unsigned)c->rate < RATE__COUNT);
		assert_true(c->required & id);                 /* an id on every message */
		assert_int_equal(c->required & c->optional, 0); /* a field is one or the other */
		assert_int_equal(c->nullable & ~(c->required | c->optional), 0);
		if (c->once) /* answered once: a participant's write */
			assert_true(c->writes && c->roles == ROLE_PARTICIPANT);
		for (size_t k = i + 1; k < rows; k++)
			assert_string_not_equal(c->name, command_at(k)->name);
	}
	assert_null(command_named("nope"));
	assert_null(command_named(NULL));
}

/* ===== A turn over the fixture's seminar ===== */

struct world {
	fixture f;
	turnh *h;
	long long sid, axe, orient; /* the seminar and its two activities */
};

static int world_setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	store_activity a;
	fx_open(&w->f);
	w->h = turnh_new(w->f.st);
	assert_non_null(w->h);
	assert_int_equal(store_seminar_find(w->f.st, w->f.code, &w->sid), STORE_OK);
	assert_int_equal(store_activity_find(w->f.st, w->sid, "axe-1", &a), STORE_OK);
	w->axe = a.id;
	assert_int_equal(store_activity_find(w->f.st, w->sid, "orient", &a), STORE_OK);
	w->orient = a.id;
	*state = w;
	return 0;
}

static int world_teardown(void **state)
{
	struct world *w = *state;
	turnh_free(w->h);
	fx_close(&w->f);
	free(w);
	return 0;
}

/* The state of activity id, read from the store. */
static const char *state_of(struct world *w, const char *slug, char *out, size_t len)
{
	store_activity a;
	assert_int_equal(store_activity_find(w->f.st, w->sid, slug, &a), STORE_OK);
	snprintf(out, len, "%s", vocab_activity(a.state)->name);
	return out;
}

/* What a reply says: its error code, or its type. Frees reply. */
static const char *outcome(json_t *reply, char *out, size_t len)
{
	assert_non_null(reply);
	const char *code = fx_error(reply);
	snprintf(out, len, "%s",
	         code ? code : json_string_value(json_object_get(reply, "type")));
	json_decref(reply);
	return out;
}

/* ===== Deadlines ===== */

static void a_deadline_runs_when_the_clock_reaches_it(void **state)
{
	struct world *w = *state;
	turn *t = turnh_turn(w->h);
	char st[16];

	assert_int_equal(turn_next_deadline(t), -1);
	/* at 5 s, a command on a seminar that does not exist; at 7 s, one
	 * on the fixture's */
	assert_int_equal(turn_at(t, 5000000, NULL,
	                         "{\"type\":\"set_state\",\"id\":\"timer-1\",\"code\":\"NOPE99\","
	                         "\"activity\":\"axe-1\",\"state\":\"open\"}"),
	                 0);
	char text[256];
	snprintf(text, sizeof text,
	         "{\"type\":\"set_state\",\"id\":\"timer-2\",\"code\":\"%s\","
	         "\"activity\":\"axe-1\",\"state\":\"voting\"}",
	         w->f.code);
	assert_int_equal(turn_at(t, 7000000, NULL, text), 0);
	assert_int_equal(turn_next_deadline(t), 5000000);

	turnh_set_clock(w->h, 4999999);
	turn_tick(t);
	assert_int_equal(turnh_event_count(w->h), 0);
	assert_string_equal(state_of(w, "axe-1", st, sizeof st), "prepared");

	/* the first deadline names an unknown code: it runs, and is refused */
	turnh_set_clock(w->h, 5000000);
	turn_tick(t);
	assert_int_equal(turnh_event_count(w->h), 0);
	assert_int_equal(turn_next_deadline(t), 7000000);

	turnh_set_clock(w->h, 7000001);
	turn_tick(t);
	assert_string_equal(state_of(w, "axe-1", st, sizeof st), "voting");
	assert_int_equal(turnh_event_count(w->h), 1);
	json_t *e = json_loads(turnh_event(w->h, 0)->text[VIEW_PUBLIC], 0, NULL);
	assert_string_equal(json_string_value(json_object_get(e, "kind")), "activity");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(e, "activity"), "state")), "voting");
	/* made by the core itself: no key */
	long long key_id = -1;
	assert_int_equal(store_event_key(w->f.st, w->sid,
	                                 json_integer_value(json_object_get(e, "seq")), &key_id),
	                 STORE_OK);
	assert_int_equal(key_id, 0);
	json_decref(e);
	assert_int_equal(turn_next_deadline(t), -1);
}

/* The command line's way in: a message of a key's row needs no key, and
 * its reply comes back after the commit. */
static void the_command_line_runs_a_message_as_the_core(void **state)
{
	struct world *w = *state;
	char text[256], *reply = NULL, st[16];
	snprintf(text, sizeof text,
	         "{\"type\":\"set_state\",\"id\":\"cli\",\"code\":\"%s\",\"activity\":\"orient\","
	         "\"state\":\"closed\"}",
	         w->f.code);
	assert_int_equal(turn_run(turnh_turn(w->h), NULL, text, &reply), 0);
	json_t *r = json_loads(reply, 0, NULL);
	free(reply);
	assert_string_equal(outcome(r, st, sizeof st), "ack");
	assert_string_equal(state_of(w, "orient", st, sizeof st), "closed");
	assert_false(store_tx_active(w->f.st));
}

/* ===== Roles ===== */

struct keys {
	char facilitator[STORE_KEY_SIZE], animator[STORE_KEY_SIZE], organiser[STORE_KEY_SIZE],
		validation[STORE_KEY_SIZE], elsewhere[STORE_KEY_SIZE];
	long long animator_id;
};

/* Keys of every kind, made through the store; "elsewhere" is a
 * facilitator key of another seminar. */
static void make_keys(struct world *w, struct keys *k)
{
	char err[256], code[32];
	long long other = 0;
	json_t *d = fx_definition();
	json_object_set_new(d, "id", json_string("autre-2022"));
	assert_int_equal(fx_import_code(w->f.st, d, code, sizeof code, err, sizeof err), STORE_OK);
	json_decref(d);
	assert_int_equal(store_seminar_find(w->f.st, code, &other), STORE_OK);
	assert_int_equal(store_key_create(w->f.st, STORE_KEY_FACILITATOR, w->sid, 0, "seconde clé",
	                                  k->facilitator, sizeof k->facilitator, NULL),
	                 STORE_OK);
	assert_int_equal(store_key_create(w->f.st, STORE_KEY_FACILITATOR, w->sid, w->axe,
	                                  "animation de l'axe 1", k->animator, sizeof k->animator,
	                                  &k->animator_id),
	                 STORE_OK);
	assert_int_equal(store_key_create(w->f.st, STORE_KEY_ORGANISER, 0, 0, "organisation",
	                                  k->organiser, sizeof k->organiser, NULL),
	                 STORE_OK);
	assert_int_equal(store_key_create(w->f.st, STORE_KEY_VALIDATION, w->sid, 0, "copil",
	                                  k->validation, sizeof k->validation, NULL),
	                 STORE_OK);
	assert_int_equal(store_key_create(w->f.st, STORE_KEY_FACILITATOR, other, 0, "autre",
	                                  k->elsewhere, sizeof k->elsewhere, NULL),
	                 STORE_OK);
	assert_int_equal(store_tx_commit(w->f.st), STORE_OK);
	assert_int_equal(strlen(k->animator), 2 * STORE_KEY_BYTES);
}

/* The outcome of a set_state of activity by key. */
static const char *set_state(struct world *w, turn_client *c, const char *key,
                             const char *activity, const char *state, char *out, size_t len)
{
	char text[512];
	snprintf(text, sizeof text,
	         "{\"type\":\"set_state\",\"id\":\"s%d\",\"code\":\"%s\",\"key\":\"%s\","
	         "\"activity\":\"%s\",\"state\":\"%s\"}",
	         ++w->f.serial, w->f.code, key, activity, state);
	return outcome(turnh_call(w->h, c, text), out, len);
}

/* The outcome of a hide of contribution id by key. */
static const char *hide(struct world *w, turn_client *c, const char *key, long long id,
                        char *out, size_t len)
{
	char text[512];
	snprintf(text, sizeof text,
	         "{\"type\":\"hide\",\"id\":\"h%d\",\"code\":\"%s\",\"key\":\"%s\","
	         "\"contribution\":%lld}",
	         ++w->f.serial, w->f.code, key, id);
	return outcome(turnh_call(w->h, c, text), out, len);
}

/* The outcome of a watch of activity (NULL: all) with key. */
static const char *watch(struct world *w, turn_client *c, const char *key,
                         const char *activity, char *out, size_t len)
{
	char text[512], act[64] = "null";
	if (activity)
		snprintf(act, sizeof act, "\"%s\"", activity);
	snprintf(text, sizeof text,
	         "{\"type\":\"watch\",\"id\":\"w%d\",\"code\":\"%s\",\"key\":\"%s\","
	         "\"activity\":%s}",
	         ++w->f.serial, w->f.code, key, act);
	return outcome(turnh_call(w->h, c, text), out, len);
}

/* A participant's post on activity/board; returns its id. */
static long long post(struct world *w, turn_client *c, const char *activity, const char *board)
{
	char text[256];
	snprintf(text, sizeof text,
	         "{\"type\":\"post\",\"id\":\"p%d\",\"activity\":\"%s\",\"board\":\"%s\","
	         "\"text\":\"Une idée\"}",
	         ++w->f.serial, activity, board);
	json_t *r = turnh_call(w->h, c, text);
	assert_non_null(r);
	assert_null(fx_error(r));
	long long id = json_integer_value(json_object_get(json_object_get(r, "contribution"), "id"));
	json_decref(r);
	return id;
}

static void every_role_gets_what_its_rows_allow(void **state)
{
	struct world *w = *state;
	struct keys k;
	char o[32], text[256];
	turn_client *desk = turnh_client(w->h), *phone = turnh_client(w->h);

	make_keys(w, &k);
	/* the seminar's first key, and a second facilitator key: everything */
	assert_string_equal(set_state(w, desk, w->f.key, "axe-1", "open", o, sizeof o), "ack");
	assert_string_equal(set_state(w, desk, k.facilitator, "orient", "open", o, sizeof o),
	                    "ack");
	snprintf(text, sizeof text, "{\"type\":\"join\",\"id\":\"j\",\"code\":\"%s\"}", w->f.code);
	assert_string_equal(outcome(turnh_call(w->h, phone, text), o, sizeof o), "joined");
	long long on_axe = post(w, phone, "axe-1", "abandonner");
	long long on_orient = post(w, phone, "orient", "orientations");
	assert_string_equal(hide(w, desk, k.facilitator, on_orient, o, sizeof o), "ack");
	assert_string_equal(watch(w, desk, k.facilitator, NULL, o, sizeof o), "synced");

	/* a key of one activity: that activity only */
	assert_string_equal(set_state(w, desk, k.animator, "axe-1", "voting", o, sizeof o), "ack");
	assert_string_equal(set_state(w, desk, k.animator, "orient", "voting", o, sizeof o),
	                    "forbidden");
	assert_string_equal(hide(w, desk, k.animator, on_axe, o, sizeof o), "ack");
	assert_string_equal(hide(w, desk, k.animator, on_orient, o, sizeof o), "forbidden");
	assert_string_equal(watch(w, desk, k.animator, "axe-1", o, sizeof o), "synced");
	assert_string_equal(watch(w, desk, k.animator, "orient", o, sizeof o), "forbidden");
	assert_string_equal(watch(w, desk, k.animator, NULL, o, sizeof o), "forbidden");

	/* the organiser: every seminar of the server */
	assert_string_equal(set_state(w, desk, k.organiser, "orient", "voting", o, sizeof o), "ack");
	assert_string_equal(watch(w, desk, k.organiser, NULL, o, sizeof o), "synced");

	/* a validation key records decisions, and does nothing else yet */
	assert_string_equal(set_state(w, desk, k.validation, "orient", "closed", o, sizeof o),
	                    "forbidden");
	assert_string_equal(watch(w, desk, k.validation, NULL, o, sizeof o), "forbidden");

	/* another seminar's key, a wrong key, and a participant: bad_key */
	assert_string_equal(set_state(w, desk, k.elsewhere, "orient", "closed", o, sizeof o),
	                    "bad_key");
	assert_string_equal(set_state(w, phone, "0123456789abcdef0123456789abcdef", "orient",
	                              "closed", o, sizeof o),
	                    "bad_key");
	assert_string_equal(watch(w, phone, k.elsewhere, NULL, o, sizeof o), "bad_key");
	char st[16];
	assert_string_equal(state_of(w, "orient", st, sizeof st), "voting");
}

/* Every facilitator change records the key that made it. */
static void the_key_that_acted_is_recorded(void **state)
{
	struct world *w = *state;
	struct keys k;
	char o[32];
	turn_client *desk = turnh_client(w->h);
	make_keys(w, &k);
	turnh_clear_events(w->h);
	assert_string_equal(set_state(w, desk, k.animator, "axe-1", "open", o, sizeof o), "ack");
	assert_int_equal(turnh_event_count(w->h), 1);
	long long key_id = 0;
	assert_int_equal(store_event_key(w->f.st, w->sid, turnh_event(w->h, 0)->seq, &key_id),
	                 STORE_OK);
	assert_int_equal(key_id, k.animator_id);
	/* the audit trail will name who acted */
	char name[64];
	assert_int_equal(store_key_name(w->f.st, key_id, name, sizeof name), STORE_OK);
	assert_string_equal(name, "animation de l'axe 1");
}

/* A revoked key, of every kind, is refused as a wrong key is: bad_key
 * (even where its kind would have been forbidden: nothing tells that it
 * once existed), on a message and on an HTTP request, and each use counts
 * as a wrong guess towards the lock-out. */
static void revoked_keys_of_every_kind_are_wrong_keys(void **state)
{
	struct world *w = *state;
	struct keys k;
	seminar_principal who;
	char o[32];
	rate *rl = rate_new(NULL, NULL);
	rate_conn *rc = rate_conn_new(rl, "192.0.2.2");
	turn *t = turnh_turn(w->h);
	turn_client *desk = turnh_client(w->h);
	make_keys(w, &k);

	assert_int_equal(store_key_revoke(w->f.st, STORE_KEY_FACILITATOR, w->sid, "seconde clé", NULL),
	                 STORE_OK);
	assert_int_equal(store_key_revoke(w->f.st, STORE_KEY_FACILITATOR, w->sid,
	                                  "animation de l'axe 1", NULL),
	                 STORE_OK);
	assert_int_equal(store_key_revoke(w->f.st, STORE_KEY_ORGANISER, 0, "organisation", NULL),
	                 STORE_OK);
	assert_int_equal(store_key_revoke(w->f.st, STORE_KEY_VALIDATION, w->sid, "copil", NULL),
	                 STORE_OK);
	assert_int_equal(store_tx_commit(w->f.st), STORE_OK);
	const char *revoked[] = {k.facilitator, k.animator, k.organiser, k.validation};
	for (size_t i = 0; i < sizeof revoked / sizeof revoked[0]; i++) {
		assert_string_equal(set_state(w, desk, revoked[i], "axe-1", "open", o, sizeof o),
		                    "bad_key");
		assert_string_equal(watch(w, desk, revoked[i], "axe-1", o, sizeof o), "bad_key");
	}
	char st[16];
	assert_string_equal(state_of(w, "axe-1", st, sizeof st), "prepared");
	/* the seminar's first key still works */
	assert_string_equal(set_state(w, desk, w->f.key, "axe-1", "open", o, sizeof o), "ack");

	/* over HTTP, revoked keys alone lock the address out */
	int locked = 0, wrong = 0;
	for (int i = 0; i < 50 && !locked; i++) {
		int r = turn_key(t, rc, w->f.code, revoked[i % 4], ROLES_FACILITATING, &who);
		locked = r == TURN_LIMITED;
		if (!locked) {
			assert_int_equal(r, TURN_BAD_KEY);
			wrong++;
		}
	}
	assert_true(locked);
	assert_true(wrong >= 4 && wrong <= 10); /* the lock-out, not the bucket (30) */
	assert_int_equal(turn_key(t, rc, w->f.code, w->f.key, ROLES_FACILITATING, &who),
	                 TURN_LIMITED);
	rate_conn_free(rc);
	rate_free(rl);
}

/* Wherever a facilitator key of the whole seminar is taken, an
 * organiser's key is taken too (for every seminar: its key has none). */
static void the_organiser_sends_what_a_facilitator_sends(void **state)
{
	(void)state;
	int rows = 0;
	for (size_t i = 0; i < command_count(); i++) {
		const command *c = command_at(i);
		if (!(c->roles & ROLE_FACILITATOR))
			continue;
		rows++;
		if (!(c->roles & ROLE_ORGANISER))
			fail_msg("%s: a facilitator may send it, the organiser may not", c->name);
	}
	assert_true(rows >= 4); /* watch, set_state, hide, show */
	assert_true(ROLES_FACILITATING & ROLE_ORGANISER); /* GET /api/export */
}

/* An HTTP request's key goes through the same check, with its rate
 * bookkeeping: a wrong key counts as a wrong guess. */
static void an_http_key_is_checked_as_a_message_key(void **state)
{
	struct world *w = *state;
	struct keys k;
	seminar_principal who;
	rate *rl = rate_new(NULL, NULL);
	rate_conn *rc = rate_conn_new(rl, "192.0.2.1");
	turn *t = turnh_turn(w->h);
	make_keys(w, &k);

	assert_int_equal(turn_key(t, rc, w->f.code, w->f.key, ROLES_FACILITATING, &who), TURN_OK);
	assert_int_equal(who.role, ROLE_FACILITATOR);
	assert_int_equal(turn_key(t, rc, w->f.code, k.animator, ROLES_FACILITATING, &who),
	                 TURN_OK);
	assert_int_equal(who.role, ROLE_ANIMATOR);
	assert_int_equal(who.activity_id, w->axe);
	assert_int_equal(turn_key(t, rc, w->f.code, k.organiser, ROLES_FACILITATING, &who),
	                 TURN_OK);
	assert_int_equal(turn_key(t, rc, w->f.code, k.validation, ROLES_FACILITATING, &who),
	                 TURN_BAD_KEY);
	assert_int_equal(turn_key(t, rc, w->f.code, k.elsewhere, ROLES_FACILITATING, &who),
	                 TURN_BAD_KEY);
	assert_int_equal(turn_key(t, rc, "NOPE99", w->f.key, ROLES_FACILITATING, &who),
	                 TURN_BAD_KEY);
	assert_int_equal(turn_key(t, rc, w->f.code, NULL, ROLES_FACILITATING, &who), TURN_BAD_KEY);
	/* guesses add up: the address is locked out, the right key too */
	int locked = 0;
	for (int i = 0; i < 50 && !locked; i++)
		locked = turn_key(t, rc, w->f.code, "f00", ROLES_FACILITATING, &who) == TURN_LIMITED;
	assert_true(locked);
	assert_int_equal(turn_key(t, rc, w->f.code, w->f.key, ROLES_FACILITATING, &who),
	                 TURN_LIMITED);
	rate_conn_free(rc);
	rate_free(rl);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, world_setup, world_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_type_has_one_sound_row),
		cmocka_unit_test(the_organiser_sends_what_a_facilitator_sends),
		T(a_deadline_runs_when_the_clock_reaches_it),
		T(the_command_line_runs_a_message_as_the_core),
		T(every_role_gets_what_its_rows_allow),
		T(the_key_that_acted_is_recorded),
		T(revoked_keys_of_every_kind_are_wrong_keys),
		T(an_http_key_is_checked_as_a_message_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
