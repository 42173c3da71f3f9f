/*
 * test_timer.c — an activity's timer through the core's turn, on the
 * turn's injected clock (nothing waits): set, start, pause, a minute
 * more, stop; a resent command changes nothing; the end is a deadline the
 * core runs through the command path, which finds nothing due when the
 * timer was paused or moved since, and otherwise stops the timer at zero
 * and, when the facilitator chose so, moves the activity on to its next
 * phase, in one event; replies and activity events say the server's time.
 *
 * Boundary: the turn driven in process (tests/support/turnh.c) on the
 * seminar of unit_fixture.c, whose activity axe-1 is given the phases
 * writing, reveal, blind_voting, results.
 */
#include "unit_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_domain.h"
#include "turnh.h"

#define T0 1000000000000LL /* the clock at first, in µs: 1,000,000 s */
#define MS(us) ((us) / 1000)

struct world {
	fixture f;
	turnh *h;
	turn_client *console;
	int serial;
};

static int world_setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	json_t *defn, *phases;

	fx_open(&w->f);
	defn = fx_definition();
	phases = json_pack("[s, s, s, s]", "writing", "reveal", "blind_voting", "results");
	assert_int_equal(json_object_set_new(fx_defn_activity(defn, "axe-1"), "phases", phases), 0);
	fx_import(&w->f, defn);
	json_decref(defn);
	w->h = turnh_new(w->f.st);
	assert_non_null(w->h);
	turnh_set_clock(w->h, T0);
	w->console = turnh_client(w->h);
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

/* Sends a facilitator's message of type on axe-1 (extra: more members,
 * "" for none) through a whole turn; returns the reply (caller owns it). */
static json_t *send(struct world *w, const char *type, const char *extra)
{
	char text[512];
	snprintf(text, sizeof text,
	         "{\"type\":\"%s\",\"id\":\"m%d\",\"code\":\"%s\",\"key\":\"%s\","
	         "\"activity\":\"axe-1\"%s}",
	         type, ++w->serial, w->f.code, w->f.key, extra);
	turnh_clear_events(w->h);
	json_t *reply = turnh_call(w->h, w->console, text);
	assert_non_null(reply);
	return reply;
}

/* The activity of an ack (borrowed from reply). */
static json_t *acked(json_t *reply)
{
	const char *code = fx_error(reply);
	if (code)
		fail_msg("refused: %s", code);
	return json_object_get(reply, "activity");
}

static long long num(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

/* The public text of the only event of the last turn, parsed, or NULL
 * when it had none. */
static json_t *the_event(struct world *w)
{
	if (turnh_event_count(w->h) == 0)
		return NULL;
	assert_int_equal(turnh_event_count(w->h), 1);
	return json_loads(turnh_event(w->h, 0)->text[VIEW_PUBLIC], 0, NULL);
}

static void set_start_pause_add_stop(void **state)
{
	struct world *w = *state;
	turn *t = turnh_turn(w->h);
	json_t *r, *timer, *e;

	/* set: five minutes, the activity moves on at zero */
	r = send(w, "timer_set", ",\"seconds\":300,\"advance\":true");
	timer = json_object_get(acked(r), "timer");
	assert_int_equal(num(timer, "duration"), 300000);
	assert_int_equal(num(timer, "left"), 300000);
	assert_true(json_is_null(json_object_get(timer, "ends")));
	assert_true(json_is_false(json_object_get(timer, "running")));
	assert_true(json_is_true(json_object_get(timer, "advance")));
	json_decref(r);
	assert_non_null(e = the_event(w));
	assert_int_equal(num(json_object_get(e, "activity"), "now"), MS(T0));
	json_decref(e);
	assert_int_equal(turn_next_deadline(t), -1);

	/* start: it ends five minutes from the server's now */
	r = send(w, "timer_start", "");
	timer = json_object_get(acked(r), "timer");
	assert_int_equal(num(timer, "ends"), MS(T0) + 300000);
	assert_true(json_is_true(json_object_get(timer, "running")));
	json_decref(r);
	json_decref(the_event(w));
	assert_int_equal(turn_next_deadline(t), T0 + 300000000LL);
	/* sent again: the same, no event */
	r = send(w, "timer_start", "");
	assert_int_equal(num(json_object_get(acked(r), "timer"), "ends"), MS(T0) + 300000);
	json_decref(r);
	assert_null(the_event(w));

	/* 100 s later, paused: 200 s left */
	turnh_set_clock(w->h, T0 + 100000000LL);
	r = send(w, "timer_pause", "");
	timer = json_object_get(acked(r), "timer");
	assert_int_equal(num(timer, "left"), 200000);
	assert_true(json_is_null(json_object_get(timer, "ends")));
	json_decref(r);
	json_decref(the_event(w));

	/* the deadline of the first start comes: nothing is due */
	turnh_set_clock(w->h, T0 + 300000000LL);
	turnh_clear_events(w->h);
	turn_tick(t);
	assert_null(the_event(w));

	/* a minute more while paused, then started again */
	r = send(w, "timer_add", "");
	assert_int_equal(num(json_object_get(acked(r), "timer"), "left"), 260000);
	assert_int_equal(num(json_object_get(acked(r), "timer"), "duration"), 360000);
	json_decref(r);
	r = send(w, "timer_start", "");
	assert_int_equal(num(json_object_get(acked(r), "timer"), "ends"), MS(T0) + 300000 + 260000);
	json_decref(r);
	/* a minute more while it runs: on its end */
	r = send(w, "timer_add", "");
	assert_int_equal(num(json_object_get(acked(r), "timer"), "ends"), MS(T0) + 300000 + 320000);
	json_decref(r);

	/* stop: no timer any more */
	r = send(w, "timer_stop", "");
	assert_true(json_is_null(json_object_get(acked(r), "timer")));
	json_decref(r);
	json_decref(the_event(w));
	turnh_set_clock(w->h, T0 + 700000000LL);
	turnh_clear_events(w->h);
	turn_tick(t);
	assert_null(the_event(w));
}

/* The phase of axe-1 now. */
static const char *phase(struct world *w, char *out, size_t len)
{
	long long sid;
	store_activity a;
	assert_int_equal(store_seminar_find(w->f.st, w->f.code, &sid), STORE_OK);
	assert_int_equal(store_activity_find(w->f.st, sid, "axe-1", &a), STORE_OK);
	snprintf(out, len, "%s", vocab_activity(a.state)->name);
	return out;
}

static void at_zero_the_activity_moves_on_when_chosen(void **state)
{
	struct world *w = *state;
	turn *t = turnh_turn(w->h);
	char st[32];
	json_t *e;

	json_decref(send(w, "set_state", ",\"state\":\"writing\""));
	json_decref(send(w, "timer_set", ",\"seconds\":60,\"advance\":true"));
	json_decref(send(w, "timer_start", ""));

	/* a minute more at 30 s: the first end is no longer due */
	turnh_set_clock(w->h, T0 + 30000000LL);
	json_decref(send(w, "timer_add", ""));
	turnh_set_clock(w->h, T0 + 60000000LL);
	turnh_clear_events(w->h);
	turn_tick(t);
	assert_null(the_event(w));
	assert_string_equal(phase(w, st, sizeof st), "writing");
	turnh_set_clock(w->h, T0 + 119999999LL);
	turn_tick(t);
	assert_null(the_event(w));

	/* at zero: one event, the timer at zero and the next phase */
	turnh_set_clock(w->h, T0 + 120000000LL);
	turn_tick(t);
	assert_non_null(e = the_event(w));
	json_t *a = json_object_get(e, "activity");
	assert_string_equal(json_string_value(json_object_get(a, "state")), "reveal");
	assert_int_equal(num(json_object_get(a, "timer"), "left"), 0);
	assert_true(json_is_false(json_object_get(json_object_get(a, "timer"), "running")));
	assert_int_equal(num(a, "now"), MS(T0) + 120000);
	json_decref(e);
	assert_string_equal(phase(w, st, sizeof st), "reveal");
	assert_int_equal(turn_next_deadline(t), -1);

	/* without "advance": the timer stops at zero, the phase stays */
	json_decref(send(w, "timer_set", ",\"seconds\":30"));
	json_decref(send(w, "timer_start", ""));
	turnh_set_clock(w->h, T0 + 150000000LL);
	turnh_clear_events(w->h);
	turn_tick(t);
	assert_non_null(e = the_event(w));
	json_decref(e);
	assert_string_equal(phase(w, st, sizeof st), "reveal");

	/* started again at zero: from its duration */
	json_t *r = send(w, "timer_start", "");
	assert_int_equal(num(json_object_get(acked(r), "timer"), "ends"), MS(T0) + 150000 + 30000);
	json_decref(r);

	/* at the last phase, nothing comes after closed */
	json_decref(send(w, "set_state", ",\"state\":\"closed\""));
	json_decref(send(w, "timer_set", ",\"seconds\":1,\"advance\":true"));
	json_decref(send(w, "timer_start", ""));
	turnh_set_clock(w->h, T0 + 300000000LL);
	turn_tick(t);
	assert_string_equal(phase(w, st, sizeof st), "closed");
}

static void refusals(void **state)
{
	struct world *w = *state;
	char text[256];
	json_t *r;

	r = send(w, "timer_start", "");
	assert_string_equal(fx_error(r), "activity_state"); /* no timer yet */
	json_decref(r);
	static const char *const bad[] = {",\"seconds\":0", ",\"seconds\":86401",
	                                  ",\"seconds\":1.5", ",\"seconds\":60,\"advance\":1"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		r = send(w, "timer_set", bad[i]);
		assert_string_equal(fx_error(r), "bad_field");
		json_decref(r);
	}
	r = send(w, "timer_set", "");
	assert_string_equal(fx_error(r), "missing_field");
	json_decref(r);
	/* without the key; and the end, which is the core's, from a client */
	for (const char *const *type = (const char *const[]){"timer_start", "timer_end", NULL}; *type;
	     type++) {
		snprintf(text, sizeof text,
		         "{\"type\":\"%s\",\"id\":\"k\",\"code\":\"%s\",\"activity\":\"axe-1\"}",
		         *type, w->f.code);
		r = turnh_call(w->h, w->console, text);
		assert_string_equal(fx_error(r), "bad_key");
		json_decref(r);
	}
}

/* A server started again schedules the ends of the timers that run. */
static void a_restart_resumes_the_running_timers(void **state)
{
	struct world *w = *state;
	char st[32];

	json_decref(send(w, "set_state", ",\"state\":\"writing\""));
	json_decref(send(w, "timer_set", ",\"seconds\":60,\"advance\":true"));
	json_decref(send(w, "timer_start", ""));
	turnh_free(w->h); /* the server stops: its deadlines go with it */
	w->h = turnh_new(w->f.st);
	assert_non_null(w->h);
	turnh_set_clock(w->h, T0 + 1000000LL);
	w->console = turnh_client(w->h);
	turn *t = turnh_turn(w->h);
	assert_int_equal(turn_next_deadline(t), -1);
	assert_int_equal(turn_resume_timers(t), 0);
	assert_int_equal(turn_next_deadline(t), T0 + 60000000LL);
	turnh_set_clock(w->h, T0 + 60000000LL);
	turn_tick(t);
	assert_string_equal(phase(w, st, sizeof st), "reveal");
}

/* A watch's reply says the server's time, snapshot or catch-up. */
static void a_watch_says_the_servers_time(void **state)
{
	struct world *w = *state;
	turn_client *screen = turnh_client(w->h);
	char text[256];
	json_t *r;

	snprintf(text, sizeof text, "{\"type\":\"watch\",\"id\":\"w1\",\"code\":\"%s\"}", w->f.code);
	r = turnh_call(w->h, screen, text);
	assert_string_equal(json_string_value(json_object_get(r, "mode")), "snapshot");
	assert_int_equal(num(r, "now"), MS(T0));
	json_decref(r);
	turnh_set_clock(w->h, T0 + 5000000LL);
	snprintf(text, sizeof text, "{\"type\":\"watch\",\"id\":\"w2\",\"code\":\"%s\",\"since\":0}",
	         w->f.code);
	r = turnh_call(w->h, screen, text);
	assert_string_equal(json_string_value(json_object_get(r, "mode")), "events");
	assert_int_equal(num(r, "now"), MS(T0) + 5000);
	json_decref(r);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, world_setup, world_teardown)
	const struct CMUnitTest tests[] = {
		T(set_start_pause_add_stop),
		T(at_zero_the_activity_moves_on_when_chosen),
		T(refusals),
		T(a_restart_resumes_the_running_timers),
		T(a_watch_says_the_servers_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
