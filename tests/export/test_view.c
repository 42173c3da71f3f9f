/*
 * test_view.c — the export view (server/export_view.c): each rule of what
 * the synthesis document holds and in which order, on a seminar's data
 * made by hand as the store would give it (store_synthesis.h), in an
 * order that is not the document's. One test per rule.
 *
 * Boundary: export_view_build only; no store, no renderer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "export_view.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Two activities and one archived, given out of programme order. */
static const char *const roles[] = {"animateur·rice", "CPE"};
static const store_synthesis_activity activities[] = {
	{.id = 1, .position = 1, .slug = "second", .title = "Deuxième", .template_name = "custom",
	 .state = VOCAB_CLOSED, .vote_budget = 3, .attendance = 4},
	{.id = 2, .position = 0, .slug = "first", .title = "Premier", .question = "Quoi ?",
	 .template_name = "ami", .state = VOCAB_OPEN, .vote_budget = 2, .animators = roles,
	 .nanimators = 2, .attendance = 5},
	{.id = 3, .position = 0, .slug = "gone", .title = "Retiré", .template_name = "open",
	 .state = VOCAB_OPEN, .archived = 1, .attendance = 9},
};

/* Boards: "first" has b-two (position 1), b-one (position 0) and an
 * archived one; "second" an orientations board; "gone" one board. */
static const store_synthesis_board boards[] = {
	{.id = 10, .activity_id = 2, .position = 1, .slug = "b-two", .title = "Deux"},
	{.id = 11, .activity_id = 2, .position = 0, .slug = "b-one", .title = "Un", .prompt = "?"},
	{.id = 12, .activity_id = 2, .position = 2, .slug = "b-old", .title = "Vieux",
	 .archived = 1},
	{.id = 13, .activity_id = 1, .position = 0, .slug = "orient", .title = "Orientations",
	 .kind = VOCAB_ORIENTATIONS},
	{.id = 14, .activity_id = 3, .position = 0, .slug = "salle", .title = "Salle"},
};

/* A contribution of board, with v votes, made at 09:0<when>. */
#define T(i, board, v, when, st) \
	{.id = i, .board_id = board, .text = "texte", .state = VOCAB_##st, .votes = v, \
	 .created = "2022-10-11T09:0" when ":00Z"}
/* An example action of parent, at position pos. */
#define A(i, parent, pos, v, st) \
	{.id = i, .board_id = 13, .parent_id = parent, .position = pos, .text = "action", \
	 .state = VOCAB_##st, .votes = v, .created = "2022-10-11T09:09:00Z"}

static const store_synthesis_contribution contributions[] = {
	/* b-one: 21 (1 vote, 09:02), 22 (3 votes), 23 (1 vote, 09:01),
	 * 24 (1 vote, 09:01: after 23), 25 deleted (5 votes) */
	T(24, 11, 1, "1", VISIBLE), T(21, 11, 1, "2", VISIBLE), T(25, 11, 5, "0", DELETED),
	T(23, 11, 1, "1", VISIBLE), T(22, 11, 3, "5", VISIBLE),
	/* b-two: 30 hidden (with an author), 31 awaiting, 32 merged: all kept */
	T(31, 10, 0, "1", AWAITING),
	{.id = 30, .board_id = 10, .text = "texte", .author = "parent d'élève",
	 .state = VOCAB_HIDDEN, .votes = 2, .created = "2022-10-11T09:01:00Z"},
	T(32, 10, 0, "1", MERGED),
	/* b-old (archived) and salle (archived activity): never shown */
	T(40, 12, 7, "1", VISIBLE), T(41, 14, 8, "1", VISIBLE),
	/* orient: orientations 50 (visible), 51 (hidden), 52 (deleted), with
	 * their actions (65, still visible, under the deleted one) */
	T(50, 13, 4, "1", VISIBLE), T(51, 13, 2, "1", HIDDEN), T(52, 13, 1, "1", DELETED),
	A(60, 50, 2, 1, VISIBLE), A(62, 50, 1, 0, VISIBLE), A(61, 50, 1, 1, VISIBLE),
	A(63, 50, 0, 0, DELETED), A(64, 51, 0, 2, VISIBLE), A(65, 52, 0, 1, VISIBLE),
};

static store_synthesis seminar(void)
{
	return (store_synthesis){
		.slug = "essai", .code = "ESSAI2", .title = "Essai", .date = "2023-06-01",
		.venue = "Ici", .description = "", .participants = 11,
		.activities = activities, .nactivities = N(activities),
		.boards = boards, .nboards = N(boards),
		.contributions = contributions, .ncontributions = N(contributions),
	};
}

static json_t *build(void)
{
	store_synthesis syn = seminar();
	json_t *doc = NULL;
	assert_int_equal(export_view_build(&syn, "2023-06-01T17:00:00Z", &doc), 0);
	assert_non_null(doc);
	return doc;
}

static json_t *activity(json_t *doc, size_t i)
{
	return json_array_get(json_object_get(doc, "activities"), i);
}

static json_t *board(json_t *doc, size_t a, size_t b)
{
	return json_array_get(json_object_get(activity(doc, a), "boards"), b);
}

static json_t *list_of(json_t *doc, size_t a, size_t b)
{
	return json_object_get(board(doc, a, b), "contributions");
}

/* The ids of a list of contributions, "21 22 23". */
static const char *ids(json_t *list, char *out, size_t len)
{
	size_t i, n = 0;
	json_t *c;
	out[0] = '\0';
	json_array_foreach(list, i, c)
		n += (size_t)snprintf(out + n, len - n, "%s%lld", i ? " " : "",
		                      (long long)json_integer_value(json_object_get(c, "id")));
	return out;
}

static long long num(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* ===== The rules ===== */

/* Activities in programme order, not in the order the store gave them;
 * an archived one left out (it held position 0 too). */
static void activities_in_programme_order(void **state)
{
	(void)state;
	json_t *doc = build();
	assert_int_equal(json_array_size(json_object_get(doc, "activities")), 2);
	assert_string_equal(str(activity(doc, 0), "id"), "first");
	assert_string_equal(str(activity(doc, 1), "id"), "second");
	json_decref(doc);
}

/* Boards in their activity's definition order; an archived one left out. */
static void boards_in_definition_order(void **state)
{
	(void)state;
	json_t *doc = build();
	assert_int_equal(json_array_size(json_object_get(activity(doc, 0), "boards")), 2);
	assert_string_equal(str(board(doc, 0, 0), "id"), "b-one");
	assert_string_equal(str(board(doc, 0, 1), "id"), "b-two");
	assert_int_equal(json_array_size(json_object_get(activity(doc, 1), "boards")), 1);
	json_decref(doc);
}

/* Most voted first, then the earliest, then the lowest id. */
static void contributions_by_votes_then_time_then_id(void **state)
{
	(void)state;
	char got[128];
	json_t *doc = build();
	assert_string_equal(ids(list_of(doc, 0, 0), got, sizeof got), "22 23 24 21");
	json_decref(doc);
}

/* Deleted contributions are left out; hidden, awaiting and merged ones
 * are in, with their text and author. */
static void every_state_but_deleted(void **state)
{
	(void)state;
	char got[128];
	json_t *doc = build(), *hidden;
	assert_string_equal(ids(list_of(doc, 0, 1), got, sizeof got), "30 31 32");
	hidden = json_array_get(list_of(doc, 0, 1), 0);
	assert_string_equal(str(hidden, "state"), "hidden");
	assert_string_equal(str(hidden, "text"), "texte");
	assert_string_equal(str(hidden, "author"), "parent d'élève");
	assert_string_equal(str(json_array_get(list_of(doc, 0, 1), 1), "state"), "awaiting");
	assert_string_equal(str(json_array_get(list_of(doc, 0, 1), 2), "state"), "merged");
	assert_string_equal(ids(list_of(doc, 1, 0), got, sizeof got), "50 51");
	json_decref(doc);
}

/* Example actions under their orientation only, in their own order
 * (position, then id), the deleted ones left out; a hidden orientation
 * keeps its actions, a deleted one takes its with it. */
static void actions_under_their_orientation(void **state)
{
	(void)state;
	char got[128];
	json_t *doc = build(), *list = list_of(doc, 1, 0);
	assert_string_equal(ids(json_object_get(json_array_get(list, 0), "actions"), got,
	                        sizeof got),
	                    "61 62 60");
	assert_string_equal(ids(json_object_get(json_array_get(list, 1), "actions"), got,
	                        sizeof got),
	                    "64");
	/* the deleted orientation's action is nowhere; an action is no
	 * top-level contribution, and has no "actions" */
	assert_string_equal(ids(list, got, sizeof got), "50 51");
	assert_null(json_object_get(json_array_get(json_object_get(json_array_get(list, 0),
	                                                           "actions"),
	                                           0),
	                            "actions"));
	assert_int_equal(json_array_size(json_object_get(json_array_get(list_of(doc, 0, 0), 0),
	                                                 "actions")),
	                 0);
	json_decref(doc);
}

/* An activity's figures: its attendance, and the visible contributions of
 * its boards in the programme (actions included, whatever their
 * orientation: a hidden one's, even a deleted one's) with their votes. */
static void activity_figures_count_visible_ones(void **state)
{
	(void)state;
	json_t *doc = build(), *first = activity(doc, 0), *second = activity(doc, 1);
	assert_int_equal(num(first, "participants"), 5);
	assert_int_equal(num(first, "contributions"), 4); /* 21 22 23 24 */
	assert_int_equal(num(first, "votes"), 6);
	assert_int_equal(num(second, "participants"), 4);
	assert_int_equal(num(second, "contributions"), 6); /* 50 60 61 62 64 65 */
	assert_int_equal(num(second, "votes"), 9);
	json_decref(doc);
}

/* The totals: the seminar's participants, the sums of the activities in
 * the programme (nothing of the archived activity nor board). */
static void totals_are_the_programme_s(void **state)
{
	(void)state;
	json_t *doc = build(), *totals = json_object_get(doc, "totals");
	assert_int_equal(num(totals, "participants"), 11);
	assert_int_equal(num(totals, "contributions"), 10);
	assert_int_equal(num(totals, "votes"), 15);
	json_decref(doc);
}

/* The document's members, in the order of docs/EXPORTS.md. */
static void members_in_document_order(void **state)
{
	(void)state;
	static const char *const top[] = {"format", "version", "generated", "seminar", "totals",
	                                  "activities", "audit"};
	static const char *const act[] = {"id",        "title",    "question",     "template",
	                                  "state",     "vote_budget", "animators", "participants",
	                                  "contributions", "votes", "by_group", "boards"};
	static const char *const contribution[] = {"id",    "text",    "author", "state", "votes",
	                                           "created", "edited", "original", "actions"};
	json_t *doc = build(), *c = json_array_get(list_of(doc, 0, 0), 0);
	size_t i = 0;
	for (void *it = json_object_iter(doc); it; it = json_object_iter_next(doc, it))
		assert_string_equal(json_object_iter_key(it), top[i++]);
	assert_int_equal(i, N(top));
	i = 0;
	for (void *it = json_object_iter(activity(doc, 0)); it;
	     it = json_object_iter_next(activity(doc, 0), it))
		assert_string_equal(json_object_iter_key(it), act[i++]);
	assert_int_equal(i, N(act));
	i = 0;
	for (void *it = json_object_iter(c); it; it = json_object_iter_next(c, it))
		assert_string_equal(json_object_iter_key(it), contribution[i++]);
	assert_int_equal(i, N(contribution));
	assert_string_equal(str(doc, "generated"), "2023-06-01T17:00:00Z");
	assert_string_equal(str(json_object_get(doc, "seminar"), "code"), "ESSAI2");
	assert_string_equal(str(activity(doc, 0), "state"), "open");
	assert_string_equal(str(board(doc, 1, 0), "kind"), "orientations");
	assert_string_equal(json_string_value(json_array_get(json_object_get(activity(doc, 0),
	                                                                     "animators"),
	                                                     1)),
	                    "CPE");
	assert_true(json_is_null(json_object_get(c, "author")));
	json_decref(doc);
}

/* Participation by group: the groups in their order (an archived one's
 * people « sans groupe »), attendance as the store counted it, the
 * counted contributions on boards in the programme only, masked
 * (groups.c); null without groups. */
static void participation_by_group(void **state)
{
	(void)state;
	static const store_synthesis_group groups[] = {
		{.id = 100, .position = 1, .slug = "ville", .label = "Ville"},
		{.id = 101, .position = 0, .slug = "parents", .label = "Parents"},
		{.id = 102, .position = 2, .slug = "old", .label = "Ancien", .archived = 1},
	};
	static const store_synthesis_presence presence[] = {
		{2, 101, 4}, {2, 100, 2}, {2, 102, 1}, {2, 0, 3}, {3, 101, 9},
	};
#define G(i, board, st, g) \
	{.id = i, .board_id = board, .text = "t", .state = VOCAB_##st, \
	 .created = "2022-10-11T09:00:00Z", .group_id = g}
	static const store_synthesis_contribution written[] = {
		G(1, 11, VISIBLE, 101), G(2, 11, VISIBLE, 101), G(3, 10, VISIBLE, 101),
		G(4, 11, HIDDEN, 101), G(5, 12, VISIBLE, 101), G(6, 14, VISIBLE, 101),
		G(7, 10, VISIBLE, 100), G(8, 11, VISIBLE, 102), G(9, 11, VISIBLE, 102),
		G(10, 11, VISIBLE, 0), G(11, 11, DELETED, 0),
	};
#undef G
	store_synthesis syn = seminar();
	json_t *doc = NULL;
	char *text;

	syn.contributions = written;
	syn.ncontributions = N(written);
	syn.groups = groups;
	syn.ngroups = N(groups);
	syn.presence = presence;
	syn.npresence = N(presence);
	assert_int_equal(export_view_build(&syn, NULL, &doc), 0);
	text = json_dumps(json_object_get(json_object_get(doc, "seminar"), "groups"), JSON_COMPACT);
	assert_string_equal(text, "[{\"id\":\"parents\",\"label\":\"Parents\"},"
	                          "{\"id\":\"ville\",\"label\":\"Ville\"}]");
	free(text);
	text = json_dumps(json_object_get(activity(doc, 0), "by_group"), JSON_COMPACT);
	assert_string_equal(
		text, "{\"participants\":10,\"contributions\":7,\"groups\":["
		      "{\"id\":\"parents\",\"label\":\"Parents\",\"participants\":null,"
		      "\"contributions\":null,\"masked\":\"complement\"},"
		      "{\"id\":\"ville\",\"label\":\"Ville\",\"participants\":null,"
		      "\"contributions\":null,\"masked\":\"fewer_than_3\"},"
		      "{\"id\":null,\"label\":null,\"participants\":4,\"contributions\":3,"
		      "\"masked\":null}]}");
	free(text);
	text = json_dumps(json_object_get(activity(doc, 1), "by_group"), JSON_COMPACT);
	assert_non_null(strstr(text, "{\"participants\":0,\"contributions\":0,\"groups\":["));
	free(text);
	json_decref(doc);

	doc = build();
	assert_true(json_is_null(json_object_get(activity(doc, 0), "by_group")));
	assert_int_equal(json_array_size(json_object_get(json_object_get(doc, "seminar"), "groups")),
	                 0);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(activities_in_programme_order),
		cmocka_unit_test(boards_in_definition_order),
		cmocka_unit_test(contributions_by_votes_then_time_then_id),
		cmocka_unit_test(every_state_but_deleted),
		cmocka_unit_test(actions_under_their_orientation),
		cmocka_unit_test(activity_figures_count_visible_ones),
		cmocka_unit_test(totals_are_the_programme_s),
		cmocka_unit_test(members_in_document_order),
		cmocka_unit_test(participation_by_group),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
