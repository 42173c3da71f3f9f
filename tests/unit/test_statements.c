/*
 * test_statements.c — what the live path costs the database, counted on
 * the production connection (store_statements: sqlite3_trace_v2 counts
 * every statement SQLite runs): a post takes at most 8 statements besides
 * its turn's BEGIN and COMMIT, which every message of a loop turn shares;
 * a watch, a catch-up and a join take as many on a seminar of 30
 * activities as on one of 2.
 *
 * Boundary: the core's turn driven in process (tests/support/turnh.c), as
 * the server drives it, on fresh ":memory:" stores holding the seminar of
 * unit_fixture.c, once as it is and once with 28 more activities.
 */
#include "unit_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "turnh.h"

/* A post's statements besides its turn's BEGIN and COMMIT. */
#define POST_BUDGET 8
/* What a turn of its own adds to its messages: BEGIN IMMEDIATE, COMMIT. */
#define TURN 2

/* A seminar driven through a turn: a participant, a facilitator's
 * connection, and the activity axe-1 open. */
struct room {
	fixture f;
	turnh *h;
	turn_client *phone, *console;
	int serial;
};

static void room_open(struct room *r, size_t more_activities)
{
	char text[512];
	json_t *d = fx_definition(), *reply;

	fx_open(&r->f);
	for (size_t i = 0; i < more_activities; i++) {
		char id[32];
		snprintf(id, sizeof id, "atelier-%zu", i);
		json_array_append_new(json_object_get(d, "activities"),
		                      json_pack("{s:s, s:s, s:s, s:s, s:[s], s:i, s:[{s:s, s:s, s:s, s:s}]}",
		                                "id", id, "title", "Atelier", "question", "Une question ?",
		                                "template", "open", "animators", "animateur·rice",
		                                "vote_budget", 2, "boards", "id", "salle", "title",
		                                "Questions", "prompt", "", "kind", "notes"));
	}
	if (more_activities)
		fx_import(&r->f, d);
	json_decref(d);
	assert_non_null(r->h = turnh_new(r->f.st));
	assert_non_null(r->phone = turnh_client(r->h));
	assert_non_null(r->console = turnh_client(r->h));
	snprintf(text, sizeof text, "{\"type\":\"join\",\"id\":\"j\",\"code\":\"%s\"}", r->f.code);
	reply = turnh_call(r->h, r->phone, text);
	assert_string_equal(json_string_value(json_object_get(reply, "type")), "joined");
	assert_int_equal(json_array_size(json_object_get(json_object_get(reply, "seminar"),
	                                                 "activities")),
	                 2 + more_activities);
	json_decref(reply);
	snprintf(text, sizeof text,
	         "{\"type\":\"set_state\",\"id\":\"s\",\"code\":\"%s\",\"key\":\"%s\","
	         "\"activity\":\"axe-1\",\"state\":\"open\"}",
	         r->f.code, r->f.key);
	json_decref(turnh_call(r->h, r->console, text));
}

static void room_close(struct room *r)
{
	turnh_free(r->h);
	fx_close(&r->f);
}

/* Statements that one message from c costs, through a whole turn; fails
 * unless its reply is of type want. */
static long long cost(struct room *r, turn_client *c, const char *want, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	long long before = store_statements(r->f.st);
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	json_t *reply = turnh_call(r->h, c, text);
	long long n = store_statements(r->f.st) - before;
	if (!reply || strcmp(json_string_value(json_object_get(reply, "type")), want))
		fail_msg("%s: no %s reply", text, want);
	json_decref(reply);
	return n;
}

static long long post(struct room *r)
{
	return cost(r, r->phone, "ack",
	            "{\"type\":\"post\",\"id\":\"p%d\",\"activity\":\"axe-1\",\"board\":\"inventer\","
	            "\"text\":\"Une idée\"}",
	            ++r->serial);
}

static void a_post_takes_at_most_8_statements(void **state)
{
	(void)state;
	struct room r = {0};
	room_open(&r, 0);

	/* The first post of its participant in the activity records that
	 * they attend it; the next ones know they do. */
	long long first = post(&r), next = post(&r);
	print_message("a post: %lld statements, then %lld, its turn's BEGIN and COMMIT included\n",
	              first, next);
	assert_true(first - TURN <= POST_BUDGET);
	assert_true(next - TURN <= POST_BUDGET - 1);

	/* Ten posts in one loop turn share its BEGIN and COMMIT. */
	long long before = store_statements(r.f.st);
	for (int i = 0; i < 10; i++) {
		char text[256];
		snprintf(text, sizeof text,
		         "{\"type\":\"post\",\"id\":\"t%d\",\"activity\":\"axe-1\","
		         "\"board\":\"inventer\",\"text\":\"Dans le même tour %d\"}",
		         i, i);
		assert_int_equal(turnh_send(r.h, r.phone, text), 0);
	}
	turnh_end(r.h);
	long long batch = store_statements(r.f.st) - before;
	print_message("ten posts in one turn: %lld statements\n", batch);
	assert_true(batch <= TURN + 10 * (POST_BUDGET - 1));
	room_close(&r);
}

/* What the watches and a join of one room cost, in order. */
enum { WATCH_SNAPSHOT, WATCH_SHARED, WATCH_SINCE, WATCH_ACTIVITY, JOIN, KINDS };
static const char *const kinds[KINDS] = {"watch, snapshot", "watch, snapshot shared",
                                         "watch since", "watch of one activity", "join"};

static void measure(struct room *r, long long out[KINDS])
{
	const char *code = r->f.code;
	post(r); /* what the watches show is new: no snapshot is kept yet */
	out[WATCH_SNAPSHOT] =
		cost(r, r->console, "synced", "{\"type\":\"watch\",\"id\":\"w1\",\"code\":\"%s\"}", code);
	out[WATCH_SHARED] =
		cost(r, r->console, "synced", "{\"type\":\"watch\",\"id\":\"w2\",\"code\":\"%s\"}", code);
	out[WATCH_SINCE] = cost(r, r->console, "synced",
	                        "{\"type\":\"watch\",\"id\":\"w3\",\"code\":\"%s\",\"since\":1}", code);
	out[WATCH_ACTIVITY] =
		cost(r, r->phone, "synced",
		     "{\"type\":\"watch\",\"id\":\"w4\",\"code\":\"%s\",\"activity\":\"axe-1\","
		     "\"attend\":true}",
		     code);
	out[JOIN] = cost(r, r->phone, "joined", "{\"type\":\"join\",\"id\":\"j2\",\"code\":\"%s\"}",
	                 code);
}

static void a_watch_costs_the_same_however_many_activities(void **state)
{
	(void)state;
	struct room small = {0}, big = {0};
	long long a[KINDS], b[KINDS];

	room_open(&small, 0);
	room_open(&big, 28);
	measure(&small, a);
	measure(&big, b);
	for (int k = 0; k < KINDS; k++) {
		print_message("%s: %lld statements with 2 activities, %lld with 30\n", kinds[k], a[k],
		              b[k]);
		assert_int_equal(a[k], b[k]);
	}
	room_close(&small);
	room_close(&big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_post_takes_at_most_8_statements),
		cmocka_unit_test(a_watch_costs_the_same_however_many_activities),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
