/*
 * test_screen.c — the projection screens' messages (docs/PROTOCOL.md,
 * "Screens") through the real parser and rules on a fresh ":memory:"
 * store: a screen's pairing code, pairing it from the console, what it
 * shows (modes, the spotlight's contribution, following or pinned, the
 * join panel), each change one event with its sequence number, a resent
 * message answered without a second event, and the refusals.
 */
#include "../unit/unit_fixture.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct world {
	fixture f;
	seminar_session *screen, *console;
};

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	fx_open(&w->f);
	w->screen = seminar_session_new();
	w->console = seminar_session_new();
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	seminar_session_free(w->screen);
	seminar_session_free(w->console);
	fx_close(&w->f);
	free(w);
	return 0;
}

/* reply.screen.name */
static json_t *field(json_t *reply, const char *name)
{
	return json_object_get(json_object_get(reply, "screen"), name);
}

/* The screen's hello with token: its reply (the caller frees it). */
static json_t *hello(struct world *w, const char *token, seminar_result *r)
{
	return fx_send(&w->f, w->screen, r, "{\"type\":\"screen_hello\",\"id\":\"h-%d\",\"token\":\"%s\"}",
	               ++w->f.serial, token);
}

/* A new screen's pairing code into pairing[7]; its id returned. */
static long long new_screen(struct world *w, const char *token, char *pairing)
{
	json_t *reply = hello(w, token, NULL);
	long long id = json_integer_value(field(reply, "id"));
	snprintf(pairing, 7, "%s", json_string_value(field(reply, "pairing")));
	json_decref(reply);
	return id;
}

/* Sends a facilitator's message whose fields after code and key are
 * extra; returns the reply and keeps the result in *r. */
static json_t *keyed(struct world *w, seminar_result *r, const char *type, const char *id,
                     const char *extra)
{
	return fx_send(&w->f, w->console, r,
	               "{\"type\":\"%s\",\"id\":\"%s\",\"code\":\"%s\",\"key\":\"%s\"%s%s}", type, id,
	               w->f.code, w->f.key, extra[0] ? "," : "", extra);
}

/* The one event of r, parsed, checked to be a screen's. */
static json_t *screen_event(const seminar_result *r)
{
	json_t *ev;
	assert_int_equal(r->nevents, 1);
	/* one text for every audience: it holds nothing of a participant */
	for (int a = 1; a < VIEW_AUDIENCES; a++)
		assert_ptr_equal(r->events[0].text[a], r->events[0].text[0]);
	assert_int_equal(r->events[0].activity_id, 0); /* seminar-wide */
	ev = json_loads(r->events[0].text[VIEW_PUBLIC], 0, NULL);
	assert_non_null(ev);
	assert_string_equal(json_string_value(json_object_get(ev, "kind")), "screen");
	assert_int_equal(json_integer_value(json_object_get(ev, "seq")), r->events[0].seq);
	return ev;
}

/* A new screen gets a pairing code of 6 digits, the same each time it
 * asks with its token; another token is another screen. Asking writes
 * no event. */
static void hello_gives_a_stable_pairing_code(void **state)
{
	struct world *w = *state;
	seminar_result r = {0};
	json_t *a = hello(w, "ecran-1", &r), *b, *c;
	const char *code = json_string_value(field(a, "pairing"));

	assert_null(fx_error(a));
	assert_string_equal(json_string_value(json_object_get(a, "type")), "screen");
	assert_non_null(code);
	assert_int_equal(strlen(code), 6);
	for (int i = 0; i < 6; i++)
		assert_true(isdigit((unsigned char)code[i]));
	assert_true(json_is_null(field(a, "code")));
	assert_int_equal(r.nevents, 0);
	seminar_result_clear(&r);
	b = hello(w, "ecran-1", NULL);
	assert_string_equal(json_string_value(field(b, "pairing")), code);
	assert_int_equal(json_integer_value(field(b, "id")), json_integer_value(field(a, "id")));
	c = hello(w, "ecran-2", NULL);
	assert_int_not_equal(json_integer_value(field(c, "id")), json_integer_value(field(a, "id")));
	assert_string_not_equal(json_string_value(field(c, "pairing")), code);
	{
		char *text = json_dumps(c, 0);
		assert_null(strstr(text, "ecran-2")); /* never its token */
		free(text);
	}
	json_decref(a);
	json_decref(b);
	json_decref(c);
}

/* The console pairs the screen by its code: one event; the screen's next
 * hello names the seminar and shows the console's activity; the same
 * pairing sent again is acknowledged without another event. */
static void pairing_is_one_event_and_idempotent(void **state)
{
	struct world *w = *state;
	seminar_result r = {0};
	char pairing[8], extra[160];
	long long id = new_screen(w, "ecran-p", pairing);
	json_t *reply, *ev;
	char *text;

	snprintf(extra, sizeof extra,
	         "\"pairing\":\"%s\",\"activity\":\"axe-1\",\"console\":\"console-a\"", pairing);
	reply = keyed(w, &r, "screen_pair", "p1", extra);
	assert_null(fx_error(reply));
	assert_string_equal(json_string_value(json_object_get(reply, "type")), "ack");
	assert_int_equal(json_integer_value(field(reply, "id")), id);
	assert_string_equal(json_string_value(field(reply, "code")), w->f.code);
	assert_string_equal(json_string_value(field(reply, "activity")), "axe-1");
	assert_string_equal(json_string_value(field(reply, "mode")), "board");
	assert_string_equal(json_string_value(field(reply, "console")), "console-a");
	assert_true(json_is_true(field(reply, "follow")));
	assert_true(json_is_true(field(reply, "join")));
	assert_true(json_is_null(field(reply, "pairing"))); /* not shown once paired */
	ev = screen_event(&r);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(ev, "screen"), "id")),
	                 id);
	text = json_dumps(ev, 0);
	assert_null(strstr(text, "ecran-p"));
	free(text);
	json_decref(ev);
	json_decref(reply);
	seminar_result_clear(&r);

	/* Sent again (its reply lost): the same answer, no event. */
	reply = keyed(w, &r, "screen_pair", "p1", extra);
	assert_null(fx_error(reply));
	assert_string_equal(json_string_value(field(reply, "code")), w->f.code);
	assert_int_equal(r.nevents, 0);
	json_decref(reply);
	seminar_result_clear(&r);

	/* The projector reloads: its hello finds it paired, as it was. */
	reply = hello(w, "ecran-p", NULL);
	assert_string_equal(json_string_value(field(reply, "code")), w->f.code);
	assert_string_equal(json_string_value(field(reply, "activity")), "axe-1");
	assert_true(json_is_null(field(reply, "pairing")));
	json_decref(reply);
}

/* The refusals of a pairing: no key, a wrong key, a code no screen
 * shows, an unknown activity. Nothing is paired. */
static void pairing_refusals(void **state)
{
	struct world *w = *state;
	char pairing[8], extra[160], msg[320];
	json_t *reply;

	new_screen(w, "ecran-r", pairing);
	snprintf(msg, sizeof msg,
	         "{\"type\":\"screen_pair\",\"id\":\"r1\",\"code\":\"%s\",\"key\":\"mauvaise\","
	         "\"pairing\":\"%s\"}",
	         w->f.code, pairing);
	reply = fx_send(&w->f, w->console, NULL, "%s", msg);
	assert_string_equal(fx_error(reply), "bad_key");
	json_decref(reply);
	/* a code of 6 digits that no screen shows: one more than ours */
	snprintf(extra, sizeof extra, "\"pairing\":\"%06ld\"", (strtol(pairing, NULL, 10) + 1) % 1000000);
	reply = keyed(w, NULL, "screen_pair", "r2", extra);
	assert_string_equal(fx_error(reply), "unknown_screen");
	json_decref(reply);
	snprintf(extra, sizeof extra, "\"pairing\":\"%s\",\"activity\":\"nulle-part\"", pairing);
	reply = keyed(w, NULL, "screen_pair", "r3", extra);
	assert_string_equal(fx_error(reply), "unknown_activity");
	json_decref(reply);
	reply = hello(w, "ecran-r", NULL);
	assert_string_equal(json_string_value(field(reply, "pairing")), pairing);
	assert_true(json_is_null(field(reply, "code")));
	json_decref(reply);
}

/* A paired screen, its id returned. */
static long long paired(struct world *w, const char *token)
{
	char pairing[8], extra[160];
	long long id = new_screen(w, token, pairing);
	json_t *reply;

	snprintf(extra, sizeof extra, "\"pairing\":\"%s\",\"activity\":\"axe-1\"", pairing);
	reply = keyed(w, NULL, "screen_pair", "pair", extra);
	assert_null(fx_error(reply));
	json_decref(reply);
	return id;
}

/* Each mode, the activity, following or pinned, the join panel: each
 * change one event, the same asked again none; the screen's hello gives
 * what was chosen last. */
static void modes_are_events_and_idempotent(void **state)
{
	struct world *w = *state;
	long long id = paired(w, "ecran-m"), seq = 0;
	seminar_result r = {0};
	char extra[200];
	json_t *reply, *ev;
	static const char *const modes[] = {"results", "swot", "plenary", "board"};

	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		snprintf(extra, sizeof extra, "\"screen\":%lld,\"mode\":\"%s\"", id, modes[i]);
		reply = keyed(w, &r, "screen_set", "m", extra);
		assert_null(fx_error(reply));
		assert_string_equal(json_string_value(field(reply, "mode")), modes[i]);
		ev = screen_event(&r);
		assert_true(r.events[0].seq > seq);
		seq = r.events[0].seq;
		json_decref(ev);
		json_decref(reply);
		seminar_result_clear(&r);
		/* the same again: acknowledged, no event */
		reply = keyed(w, &r, "screen_set", "m", extra);
		assert_null(fx_error(reply));
		assert_int_equal(r.nevents, 0);
		json_decref(reply);
		seminar_result_clear(&r);
	}
	snprintf(extra, sizeof extra,
	         "\"screen\":%lld,\"activity\":\"orient\",\"follow\":false,\"join\":false", id);
	reply = keyed(w, &r, "screen_set", "pin", extra);
	assert_null(fx_error(reply));
	assert_string_equal(json_string_value(field(reply, "activity")), "orient");
	assert_true(json_is_false(field(reply, "follow")));
	assert_true(json_is_false(field(reply, "join")));
	assert_string_equal(json_string_value(field(reply, "mode")), "board"); /* kept */
	assert_int_equal(r.nevents, 1);
	json_decref(reply);
	seminar_result_clear(&r);

	reply = hello(w, "ecran-m", NULL);
	assert_string_equal(json_string_value(field(reply, "activity")), "orient");
	assert_true(json_is_false(field(reply, "follow")));
	assert_true(json_is_false(field(reply, "join")));
	json_decref(reply);

	reply = keyed(w, NULL, "screen_list", "l", "");
	assert_string_equal(json_string_value(json_object_get(reply, "type")), "screens");
	assert_int_equal(json_array_size(json_object_get(reply, "screens")), 1);
	assert_int_equal(json_integer_value(json_object_get(
	                         json_array_get(json_object_get(reply, "screens"), 0), "id")),
	                 id);
	json_decref(reply);
}

/* The spotlight shows one contribution of the seminar: without one
 * chosen it is refused; an unknown one too; then it is shown. */
static void spotlight_needs_a_contribution(void **state)
{
	struct world *w = *state;
	long long id = paired(w, "ecran-s"), cid;
	seminar_session *phone = seminar_session_new();
	char extra[200], token[64];
	seminar_result r = {0};
	json_t *reply;

	snprintf(extra, sizeof extra, "\"screen\":%lld,\"mode\":\"spotlight\"", id);
	reply = keyed(w, NULL, "screen_set", "s1", extra);
	assert_string_equal(fx_error(reply), "missing_field");
	json_decref(reply);
	snprintf(extra, sizeof extra, "\"screen\":%lld,\"mode\":\"spotlight\",\"contribution\":999",
	         id);
	reply = keyed(w, NULL, "screen_set", "s2", extra);
	assert_string_equal(fx_error(reply), "unknown_contribution");
	json_decref(reply);

	fx_join(&w->f, phone, token, sizeof token);
	fx_state(&w->f, "axe-1", "open");
	cid = fx_post(&w->f, phone, "axe-1", "inventer", "Une maison des parents");
	snprintf(extra, sizeof extra,
	         "\"screen\":%lld,\"mode\":\"spotlight\",\"contribution\":%lld", id, cid);
	reply = keyed(w, &r, "screen_set", "s3", extra);
	assert_null(fx_error(reply));
	assert_string_equal(json_string_value(field(reply, "mode")), "spotlight");
	assert_int_equal(json_integer_value(field(reply, "contribution")), cid);
	assert_int_equal(r.nevents, 1);
	json_decref(reply);
	seminar_result_clear(&r);
	seminar_session_free(phone);
}

/* A screen of this seminar only: another id is unknown; the screen's
 * own hello cannot set anything. */
static void set_refusals(void **state)
{
	struct world *w = *state;
	long long id = paired(w, "ecran-x");
	char extra[200];
	json_t *reply;

	snprintf(extra, sizeof extra, "\"screen\":%lld,\"mode\":\"results\"", id + 100);
	reply = keyed(w, NULL, "screen_set", "x1", extra);
	assert_string_equal(fx_error(reply), "unknown_screen");
	json_decref(reply);
	snprintf(extra, sizeof extra, "\"screen\":%lld,\"activity\":\"nulle-part\"", id);
	reply = keyed(w, NULL, "screen_set", "x2", extra);
	assert_string_equal(fx_error(reply), "unknown_activity");
	json_decref(reply);
	reply = fx_send(&w->f, w->screen, NULL,
	                "{\"type\":\"screen_set\",\"id\":\"x3\",\"code\":\"%s\",\"key\":\"faux\","
	                "\"screen\":%lld,\"mode\":\"results\"}",
	                w->f.code, id);
	assert_string_equal(fx_error(reply), "bad_key");
	json_decref(reply);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(hello_gives_a_stable_pairing_code, setup, teardown),
		cmocka_unit_test_setup_teardown(pairing_is_one_event_and_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(pairing_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(modes_are_events_and_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(spotlight_needs_a_contribution, setup, teardown),
		cmocka_unit_test_setup_teardown(set_refusals, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
