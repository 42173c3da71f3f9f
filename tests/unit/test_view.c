/*
 * test_view.c — who sees what (server/view.h): the audiences' table state
 * by state and phase by phase, the audience each receiver belongs to,
 * events rendered once per audience; then, through the core's turn, a
 * contribution awaiting moderation (a state no command makes yet, set
 * here through the store) seen by its author and the facilitators only,
 * in snapshots, catch-ups and events, while the public's snapshot stays
 * shared.
 *
 * Boundary: view.c and view_wire.c alone, then the turn driven in process
 * (tests/support/turnh.c) on the seminar of unit_fixture.c.
 */
#include "unit_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "store_domain.h"
#include "turnh.h"
#include "view.h"
#include "view_wire.h"

#define ALL (VIEW_SENT | VIEW_TEXT | VIEW_TALLY)
#define MASKED (VIEW_SENT | VIEW_TALLY)

/* ===== The table ===== */

static void the_public_sees_the_texts_the_pages_show(void **state)
{
	(void)state;
	const vocab_activity_row *open = vocab_activity(VOCAB_OPEN);
	/* web/js/protocol.js gives the pages the vocabulary's "shown": the
	 * public's texts are those, no more, no less. */
	for (int s = 0; s < VOCAB_CONTRIBUTION_STATES; s++) {
		unsigned sees = view_sees(VIEW_PUBLIC, (vocab_contribution_state)s, open);
		assert_int_equal(!!(sees & VIEW_TEXT), vocab_contribution((vocab_contribution_state)s)->shown);
	}
	for (int a = 0; a < VIEW_AUDIENCES; a++)
		assert_non_null(view_row_of((view_audience)a)->name);
	assert_null(view_row_of(VIEW_AUDIENCES));
}

static void each_state_for_each_audience(void **state)
{
	(void)state;
	const vocab_activity_row *open = vocab_activity(VOCAB_OPEN);
	static const struct {
		vocab_contribution_state s;
		unsigned seen[VIEW_AUDIENCES]; /* public, self, facilitator */
	} rows[] = {
		{VOCAB_VISIBLE, {ALL, ALL, ALL}},
		/* awaiting moderation: its author and the facilitators only */
		{VOCAB_AWAITING, {0, ALL, ALL}},
		/* hidden or merged: out of the boards, text for facilitators */
		{VOCAB_HIDDEN, {MASKED, MASKED, ALL}},
		{VOCAB_MERGED, {MASKED, MASKED, ALL}},
		/* deleted: its text reaches nobody */
		{VOCAB_DELETED, {MASKED, MASKED, MASKED}},
		/* removed by a facilitator: out of the boards, text for facilitators */
		{VOCAB_REMOVED, {MASKED, MASKED, ALL}},
	};
	assert_int_equal(sizeof rows / sizeof rows[0], VOCAB_CONTRIBUTION_STATES);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		for (int a = 0; a < VIEW_AUDIENCES; a++) {
			unsigned got = view_sees((view_audience)a, rows[i].s, open);
			if (got != rows[i].seen[a])
				fail_msg("%s sees %u of a %s contribution, not %u",
				         view_row_of((view_audience)a)->name, got,
				         vocab_contribution(rows[i].s)->name, rows[i].seen[a]);
		}
}

/* Private writing and voting with hidden tallies are rows of the
 * vocabulary with texts_shown or tallies_shown off: the table says who
 * they keep them from. */
static void a_phase_keeps_texts_and_tallies_from_the_public(void **state)
{
	(void)state;
	const vocab_activity_row writing = *vocab_activity(VOCAB_WRITING);
	const vocab_activity_row counting = *vocab_activity(VOCAB_BLIND_VOTING);

	assert_false(writing.texts_shown || writing.tallies_shown);
	assert_true(counting.texts_shown && !counting.tallies_shown && counting.voters_shown);

	assert_int_equal(view_sees(VIEW_PUBLIC, VOCAB_VISIBLE, &writing), VIEW_SENT);
	assert_int_equal(view_sees(VIEW_SELF, VOCAB_VISIBLE, &writing), VIEW_SENT | VIEW_TEXT);
	assert_int_equal(view_sees(VIEW_FACILITATOR, VOCAB_VISIBLE, &writing), ALL);
	assert_int_equal(view_sees(VIEW_PUBLIC, VOCAB_VISIBLE, &counting), VIEW_SENT | VIEW_TEXT);
	assert_int_equal(view_sees(VIEW_SELF, VOCAB_VISIBLE, &counting), VIEW_SENT | VIEW_TEXT);
	assert_int_equal(view_sees(VIEW_FACILITATOR, VOCAB_VISIBLE, &counting), ALL);
}

static void who_belongs_to_which_audience(void **state)
{
	(void)state;
	const view_who screen = {0, 0, 0}, phone = {0, 0, 7}, console = {1, 0, 0},
	               animator = {1, 3, 0};

	assert_int_equal(view_reach(&screen, 3, 7), VIEW_PUBLIC);
	assert_int_equal(view_reach(NULL, 3, 7), VIEW_PUBLIC);
	assert_int_equal(view_reach(&phone, 3, 7), VIEW_SELF);   /* its own */
	assert_int_equal(view_reach(&phone, 3, 8), VIEW_PUBLIC); /* another's */
	assert_int_equal(view_reach(&phone, 3, 0), VIEW_PUBLIC); /* an activity */
	assert_int_equal(view_reach(&console, 3, 7), VIEW_FACILITATOR);
	assert_int_equal(view_reach(&console, 4, 0), VIEW_FACILITATOR);
	assert_int_equal(view_reach(&animator, 3, 7), VIEW_FACILITATOR);
	assert_int_equal(view_reach(&animator, 4, 7), VIEW_PUBLIC); /* another activity */
}

/* ===== Events, once per audience ===== */

static store_contribution_info note(vocab_contribution_state s)
{
	return (store_contribution_info){.id = 5, .participant_id = 7, .activity_id = 3,
	                                 .activity = "axe-1", .board = "inventer",
	                                 .text = "Un texte", .author = "Parent", .state = s,
	                                 .phase = VOCAB_OPEN, .votes = 2,
	                                 .created = "2022-10-11T09:42:07Z"};
}

static void an_event_is_made_once_per_audience(void **state)
{
	(void)state;
	char *t[VIEW_AUDIENCES];
	store_contribution_info c = note(VOCAB_VISIBLE);
	store_board_info board = {1, "salle", "Salle", "", VOCAB_NOTES};
	store_activity_info a = {.id = 3, .slug = "axe-1", .title = "Axe", .question = "?",
	                         .template_name = "open", .state = VOCAB_OPEN, .boards = &board,
	                         .nboards = 1};

	/* Visible: the same bytes for everyone, made once. */
	assert_int_equal(view_event(9, &c, NULL, t), 0);
	assert_non_null(strstr(t[VIEW_PUBLIC], "\"text\":\"Un texte\""));
	assert_ptr_equal(t[VIEW_SELF], t[VIEW_PUBLIC]);
	assert_ptr_equal(t[VIEW_FACILITATOR], t[VIEW_PUBLIC]);
	view_event_free(t);

	/* Hidden: the public and the author share one text without it, the
	 * facilitators have theirs. */
	c = note(VOCAB_HIDDEN);
	assert_int_equal(view_event(9, &c, NULL, t), 0);
	assert_non_null(strstr(t[VIEW_PUBLIC], "\"text\":null,\"author\":null"));
	assert_null(strstr(t[VIEW_PUBLIC], "Un texte"));
	assert_ptr_equal(t[VIEW_SELF], t[VIEW_PUBLIC]);
	assert_non_null(strstr(t[VIEW_FACILITATOR], "\"text\":\"Un texte\",\"author\":\"Parent\""));
	view_event_free(t);

	/* Awaiting: not for the public at all. */
	c = note(VOCAB_AWAITING);
	assert_int_equal(view_event(9, &c, NULL, t), 0);
	assert_null(t[VIEW_PUBLIC]);
	assert_non_null(strstr(t[VIEW_SELF], "Un texte"));
	assert_ptr_equal(t[VIEW_FACILITATOR], t[VIEW_SELF]);
	view_event_free(t);

	/* A vote while the tallies are kept back: only the facilitators
	 * hear of it (to the others it would say where a vote went). */
	c = note(VOCAB_VISIBLE);
	c.phase = VOCAB_BLIND_VOTING;
	assert_int_equal(view_event_tally(9, &c, t), 0);
	assert_null(t[VIEW_PUBLIC]);
	assert_null(t[VIEW_SELF]);
	assert_non_null(strstr(t[VIEW_FACILITATOR], "\"votes\":2"));
	view_event_free(t);
	c.phase = VOCAB_RESULTS;
	assert_int_equal(view_event_tally(9, &c, t), 0);
	assert_non_null(strstr(t[VIEW_PUBLIC], "\"votes\":2"));
	view_event_free(t);

	/* An activity is the same for everyone. */
	assert_int_equal(view_event(10, NULL, &a, t), 0);
	assert_non_null(strstr(t[VIEW_PUBLIC], "\"kind\":\"activity\""));
	assert_ptr_equal(t[VIEW_SELF], t[VIEW_PUBLIC]);
	assert_ptr_equal(t[VIEW_FACILITATOR], t[VIEW_PUBLIC]);
	view_event_free(t);
	assert_null(t[VIEW_PUBLIC]);
}

/* ===== A contribution awaiting moderation, through the turn ===== */

struct world {
	fixture f;
	turnh *h;
	turn_client *author, *other, *screen, *console;
	long long sid, awaiting, visible, seq;
};

static json_t *call(struct world *w, turn_client *c, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	json_t *r = turnh_call(w->h, c, text);
	assert_non_null(r);
	assert_null(fx_error(r));
	return r;
}

static void join(struct world *w, turn_client *c)
{
	json_decref(call(w, c, "{\"type\":\"join\",\"id\":\"j\",\"code\":\"%s\"}", w->f.code));
}

static long long post(struct world *w, turn_client *c, const char *id, const char *text)
{
	json_t *r = call(w, c,
	                 "{\"type\":\"post\",\"id\":\"%s\",\"activity\":\"axe-1\","
	                 "\"board\":\"inventer\",\"text\":\"%s\"}",
	                 id, text);
	long long cid = json_integer_value(json_object_get(json_object_get(r, "contribution"), "id"));
	json_decref(r);
	return cid;
}

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	fx_open(&w->f);
	assert_non_null(w->h = turnh_new(w->f.st));
	w->author = turnh_client(w->h);
	w->other = turnh_client(w->h);
	w->screen = turnh_client(w->h);
	w->console = turnh_client(w->h);
	assert_int_equal(store_seminar_find(w->f.st, w->f.code, &w->sid), STORE_OK);
	join(w, w->author);
	join(w, w->other);
	json_decref(call(w, w->console,
	                 "{\"type\":\"set_state\",\"id\":\"s\",\"code\":\"%s\",\"key\":\"%s\","
	                 "\"activity\":\"axe-1\",\"state\":\"open\"}",
	                 w->f.code, w->f.key));
	assert_int_equal(store_seminar_seq(w->f.st, w->sid, &w->seq), STORE_OK);
	w->visible = post(w, w->other, "p1", "Une idée de tous");
	w->awaiting = post(w, w->author, "p2", "En attente de modération");
	/* Pre-moderation is to come: the store sets the state it will set. */
	assert_int_equal(store_tx_begin(w->f.st), STORE_OK);
	assert_int_equal(store_contribution_set_state(w->f.st, w->awaiting, VOCAB_AWAITING),
	                 STORE_OK);
	assert_int_equal(store_tx_commit(w->f.st), STORE_OK);
	/* an event moves the sequence number past the change, as the command
	 * that sets the state will */
	w->visible = post(w, w->other, "p3", "Une autre idée");
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	turnh_free(w->h);
	fx_close(&w->f);
	free(w);
	return 0;
}

/* The contributions of a synced reply, and whether it holds id with its
 * text (1), without it (0) or not at all (-1). */
static int holds(json_t *synced, long long id)
{
	json_t *list = json_object_get(synced, "contributions"), *c;
	size_t i;
	json_array_foreach(list, i, c)
		if (json_integer_value(json_object_get(c, "id")) == id)
			return json_is_string(json_object_get(c, "text"));
	/* a catch-up: its events' contributions */
	json_array_foreach(json_object_get(synced, "events"), i, c) {
		json_t *o = json_object_get(c, "contribution");
		if (json_integer_value(json_object_get(o, "id")) == id)
			return json_is_string(json_object_get(o, "text"));
	}
	return -1;
}

static json_t *watch(struct world *w, turn_client *c, const char *extra)
{
	return call(w, c, "{\"type\":\"watch\",\"id\":\"w\",\"code\":\"%s\",\"activity\":\"axe-1\"%s}",
	            w->f.code, extra);
}

static void awaiting_reaches_its_author_and_the_facilitators_only(void **state)
{
	struct world *w = *state;
	char since[64], key[256];
	json_t *r;

	snprintf(since, sizeof since, ",\"since\":%lld", w->seq);
	snprintf(key, sizeof key, ",\"key\":\"%s\"", w->f.key);
	struct {
		turn_client *c;
		const char *extra;
		int want; /* what holds() says of the awaiting contribution */
	} cases[] = {
		{w->author, "", 1},  {w->other, "", -1}, {w->screen, "", -1}, {w->console, key, 1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char extra[384];
		r = watch(w, cases[i].c, cases[i].extra);
		assert_int_equal(holds(r, w->awaiting), cases[i].want);
		assert_int_equal(holds(r, w->visible), 1);
		json_decref(r);
		snprintf(extra, sizeof extra, "%s%s", cases[i].extra, since);
		r = watch(w, cases[i].c, extra);
		assert_string_equal(json_string_value(json_object_get(r, "mode")), "events");
		assert_int_equal(holds(r, w->awaiting), cases[i].want);
		json_decref(r);
	}

	/* Its author edits it: the event is the author's and the
	 * facilitators', never the public's. */
	turnh_clear_events(w->h);
	json_decref(call(w, w->author,
	                 "{\"type\":\"edit\",\"id\":\"e\",\"contribution\":%lld,"
	                 "\"text\":\"Reformulée en attendant\"}",
	                 w->awaiting));
	assert_int_equal(turnh_event_count(w->h), 1);
	const seminar_event *e = turnh_event(w->h, 0);
	const view_who author = {0, 0, e->author}, other = {0, 0, e->author + 1},
	               screen = {0, 0, 0}, facilitator = {1, 0, 0};
	assert_true(e->author > 0);
	assert_non_null(strstr(seminar_event_for(e, &author, NULL, NULL), "Reformulée"));
	assert_non_null(strstr(seminar_event_for(e, &facilitator, NULL, NULL), "Reformulée"));
	assert_null(seminar_event_for(e, &other, NULL, NULL));
	assert_null(seminar_event_for(e, &screen, NULL, NULL));
}

/* The public's snapshot stays one shared tail; the author, who sees one
 * of their own contributions otherwise, gets a tail of their own. */
static void the_public_snapshot_stays_shared(void **state)
{
	struct world *w = *state;
	snapshot_cache *c = snapshot_cache_new();
	snapshot *screen = NULL, *other = NULL, *author = NULL;
	long long seq = 0, other_id = 0, author_id = 0;
	size_t len;

	assert_int_equal(store_seminar_seq(w->f.st, w->sid, &seq), STORE_OK);
	store_contribution sc;
	assert_int_equal(store_contribution_get(w->f.st, w->awaiting, &sc), STORE_OK);
	author_id = sc.participant_id;
	assert_int_equal(store_contribution_get(w->f.st, w->visible, &sc), STORE_OK);
	other_id = sc.participant_id;
	const view_who s = {0, 0, 0}, o = {0, 0, other_id}, a = {0, 0, author_id};
	assert_int_equal(snapshot_get(c, w->f.st, &s, w->sid, 0, seq, &screen), STORE_OK);
	assert_int_equal(snapshot_get(c, w->f.st, &o, w->sid, 0, seq, &other), STORE_OK);
	assert_int_equal(snapshot_get(c, w->f.st, &a, w->sid, 0, seq, &author), STORE_OK);
	assert_ptr_equal(other, screen);
	assert_ptr_not_equal(author, screen);
	assert_null(strstr(snapshot_text(screen, &len), "En attente"));
	assert_non_null(strstr(snapshot_text(author, &len), "En attente"));
	snapshot_unref(screen);
	snapshot_unref(other);
	snapshot_unref(author);
	snapshot_cache_free(c);
}

/* A snapshot tail is written contribution by contribution into a text
 * that grows: texts longer than its first guess, a hidden one left out of
 * the public's, and the whole still one JSON object. */
static void a_snapshot_tail_holds_every_contribution(void **state)
{
	(void)state;
	enum { N = 300 };
	static store_contribution_info list[N];
	static char texts[N][501];
	store_board_info board = {1, "salle", "Salle", "", VOCAB_NOTES};
	store_activity_info a = {.id = 3, .slug = "axe-1", .title = "Axe", .question = "?",
	                         .template_name = "open", .state = VOCAB_OPEN, .boards = &board,
	                         .nboards = 1};
	store_seminar_info s = {.code = "ABC123", .title = "Séminaire", .activities = &a,
	                        .nactivities = 1};
	const view_who screen = {0, 0, 0};

	for (int i = 0; i < N; i++) {
		memset(texts[i], 'a' + i % 26, 500);
		texts[i][500] = '\0';
		list[i] = note(i == 7 ? VOCAB_AWAITING : VOCAB_VISIBLE);
		list[i].id = i + 1;
		list[i].text = texts[i];
	}
	store_contributions l = {.items = list, .n = N};
	size_t len = 0;
	char *tail = view_snapshot_tail(&screen, 42, &s, &l, &len);
	assert_non_null(tail);
	assert_int_equal(len, strlen(tail));

	/* The tail follows a reply's head: "{" makes it a whole object. */
	char *whole = malloc(len + 2);
	assert_non_null(whole);
	whole[0] = '{';
	memcpy(whole + 1, tail, len + 1);
	json_error_t err;
	json_t *o = json_loads(whole, 0, &err);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "mode")), "snapshot");
	assert_int_equal(json_integer_value(json_object_get(o, "seq")), 42);
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "seminar"),
	                                                      "code")),
	                    "ABC123");
	json_t *all = json_object_get(o, "contributions");
	assert_int_equal(json_array_size(all), N - 1); /* the awaiting one is not the public's */
	for (size_t i = 0; i < json_array_size(all); i++) {
		json_t *c = json_array_get(all, i);
		long long id = json_integer_value(json_object_get(c, "id"));
		assert_true(id != 8);
		assert_string_equal(json_string_value(json_object_get(c, "text")), texts[id - 1]);
	}
	json_decref(o);
	free(whole);
	free(tail);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_public_sees_the_texts_the_pages_show),
		cmocka_unit_test(each_state_for_each_audience),
		cmocka_unit_test(a_phase_keeps_texts_and_tallies_from_the_public),
		cmocka_unit_test(who_belongs_to_which_audience),
		cmocka_unit_test(an_event_is_made_once_per_audience),
		cmocka_unit_test(a_snapshot_tail_holds_every_contribution),
		cmocka_unit_test_setup_teardown(awaiting_reaches_its_author_and_the_facilitators_only,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(the_public_snapshot_stays_shared, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
