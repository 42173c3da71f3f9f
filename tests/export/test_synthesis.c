/*
 * test_synthesis.c — the whole way of a synthesis, byte for byte: seminars
 * imported from definitions and filled through the core's turn (posts with
 * and without authors, orientations and their example actions, votes,
 * edits, deletions, hidden contributions, attendance, an activity and a
 * board taken out of the programme by a later import), their documents
 * read from the store and rendered in every format, compared with the
 * files of tests/export/golden/. The seminars are the samples of sessions/
 * and a small one of this file.
 *
 * What the database would make vary from one run to the next is set
 * before the documents are read: the creation times (many of them equal,
 * so that ties are settled as the documents say), and the time of the
 * document. The example actions' positions are shuffled (with ties). A few contributions are put directly in the states no command
 * gives yet (awaiting, merged), and a few get a blank author, which a post
 * cannot give.
 *
 * ATELIER_GOLDEN_WRITE=1 writes the files instead of comparing them: do it
 * only for a change of the documents that is meant, and say so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "defn.h"
#include "export.h"
#include "export_view.h"
#include "proc.h"
#include "store.h"
#include "turnh.h"

#define GENERATED "2022-10-11T17:30:00Z"
#define PEOPLE 7

static const char *const codes[] = {"RBX22", "SWOTCE", "ESSAI2"};

/* The small seminar: a custom activity whose second board later leaves
 * the programme, an activity that leaves it as a whole, and one that
 * nobody opens. */
static const char essai[] =
	"{\"format\": \"atelier-seminaire\", \"version\": 1, \"id\": \"essai-synthese\","
	" \"code\": \"ESSAI2\", \"title\": \"Séminaire d'essai\", \"date\": \"2023-06-01\","
	" \"venue\": \"Salle du conseil\", \"activities\": ["
	"  {\"id\": \"ateliers\", \"title\": \"Ateliers\", \"template\": \"custom\","
	"   \"vote_budget\": 4, \"animators\": [\"animateur·rice\", \"CPE\"],"
	"   \"boards\": [{\"id\": \"constats\", \"title\": \"Constats\","
	"     \"prompt\": \"Qu'avez-vous vu ?\"},"
	"    {\"id\": \"brouillon\", \"title\": \"Brouillon\"},"
	"    {\"id\": \"pistes\", \"title\": \"Pistes\", \"kind\": \"orientations\"}]},"
	"  {\"id\": \"retire\", \"title\": \"Atelier retiré\", \"template\": \"ami\"},"
	"  {\"id\": \"plus-tard\", \"title\": \"Plus tard\", \"template\": \"open\"},"
	"  {\"id\": \"orient\", \"title\": \"Orientations\", \"template\": \"orientations\","
	"   \"vote_budget\": 2}]}";

/* Texts of posts, with what each format escapes. */
static const char *const texts[] = {
	"Un conseil des jeunes dans chaque quartier",
	"Plus de *temps* d'échange <entre> parents & enseignants",
	"Voir ville.fr ou =SOMME(A1:A2) — « guillemets »",
	"Ligne 1\nLigne 2",
	"Les devoirs faits au collège",
	"[lien](http://exemple.org) et `code`",
	"Un café des parents 🙂",
	"Moins de réunions, plus d'actions; vraiment",
};

static const char *const authors[] = {NULL, "parent d'élève", "CPE, collège", NULL,
                                      "animateur·rice <b>", "*Mme* la principale"};

struct world {
	char dir[256], db[300];
	store *st;
	turnh *h;
	unsigned rng;
	int serial; /* of the message ids */
};

static unsigned next(struct world *w, unsigned n)
{
	w->rng = w->rng * 1103515245u + 12345u;
	return (w->rng >> 16) % n;
}

static const char *source_dir(void)
{
	const char *d = getenv("ATELIER_SOURCE_DIR");
	return d && *d ? d : ATELIER_SOURCE_DIR;
}

/* ===== Filling a seminar through the turn ===== */

struct seminar {
	const char *code;
	char key[160];
	json_t *defn; /* normalized */
	turn_client *facil;
	turn_client *people[PEOPLE];
	long long ids[512]; /* every contribution made, in order */
	int owner[512];
	size_t n;
};

static void take_key(void *ctx, const char *code, const char *title, const char *date,
                     const char *key)
{
	struct seminar *s = ctx;
	(void)title, (void)date;
	if (strcmp(code, s->code) == 0)
		snprintf(s->key, sizeof s->key, "%s", key);
}

/* Sends msg (stolen) from c with a fresh id; returns the reply (caller
 * owns it). */
static json_t *call(struct world *w, turn_client *c, json_t *msg)
{
	char id[32], *text;
	json_t *reply;

	snprintf(id, sizeof id, "m%d", ++w->serial);
	assert_non_null(msg);
	json_object_set_new(msg, "id", json_string(id));
	text = json_dumps(msg, JSON_COMPACT);
	assert_non_null(text);
	reply = turnh_call(w->h, c, text);
	free(text);
	json_decref(msg);
	assert_non_null(reply);
	return reply;
}

static void call_drop(struct world *w, turn_client *c, json_t *msg)
{
	json_decref(call(w, c, msg));
}

/* A facilitator's message on an activity or a contribution. */
static void facil(struct world *w, struct seminar *s, const char *type, const char *activity,
                  const char *state, long long contribution)
{
	json_t *m = json_pack("{s:s, s:s, s:s}", "type", type, "code", s->code, "key", s->key);
	if (activity)
		json_object_set_new(m, "activity", json_string(activity));
	if (state)
		json_object_set_new(m, "state", json_string(state));
	if (contribution)
		json_object_set_new(m, "contribution", json_integer(contribution));
	call_drop(w, s->facil, m);
}

/* A post of person p; its id, or 0 when refused. */
static long long post(struct world *w, struct seminar *s, int p, const char *activity,
                      const char *board, long long parent, int actions)
{
	json_t *m = json_pack("{s:s, s:s, s:s, s:s}", "type", "post", "activity", activity, "board",
	                      board, "text", texts[next(w, sizeof texts / sizeof texts[0])]);
	const char *by = authors[next(w, sizeof authors / sizeof authors[0])];
	json_t *reply, *c;
	long long id = 0;

	if (by)
		json_object_set_new(m, "author", json_string(by));
	if (parent)
		json_object_set_new(m, "parent", json_integer(parent));
	if (actions) {
		json_t *list = json_array();
		for (int i = 0; i < actions; i++)
			json_array_append_new(list, json_string(texts[next(w, 8)]));
		json_object_set_new(m, "actions", list);
	}
	reply = call(w, s->people[p], m);
	c = json_object_get(reply, "contribution");
	if (c) {
		size_t i;
		assert_true(s->n + 4 < sizeof s->ids / sizeof s->ids[0]);
		json_t *a;
		id = json_integer_value(json_object_get(c, "id"));
		s->owner[s->n] = p;
		s->ids[s->n++] = id;
		json_array_foreach(json_object_get(c, "actions"), i, a) {
			s->owner[s->n] = p;
			s->ids[s->n++] = json_integer_value(json_object_get(a, "id"));
		}
	}
	json_decref(reply);
	return id;
}

/* Contributions on every board of activity a (a definition's), votes on
 * them, a few edits, deletions and hidden ones. */
static void fill_activity(struct world *w, struct seminar *s, json_t *a)
{
	const char *slug = json_string_value(json_object_get(a, "id"));
	size_t first = s->n, i;
	json_t *b;

	for (int p = 0; p < PEOPLE; p += 3)
		call_drop(w, s->people[p],
		          json_pack("{s:s, s:s, s:s, s:b}", "type", "watch", "code", s->code,
		                    "activity", slug, "attend", 1));
	json_array_foreach(json_object_get(a, "boards"), i, b) {
		const char *board = json_string_value(json_object_get(b, "id"));
		int orientations = strcmp(json_string_value(json_object_get(b, "kind")),
		                          "orientations") == 0;
		unsigned count = 2 + next(w, 4);
		for (unsigned k = 0; k < count; k++) {
			int p = (int)next(w, PEOPLE);
			int actions = orientations ? (int)next(w, 3) : 0;
			long long id = post(w, s, p, slug, board, 0, actions);
			if (orientations && id && next(w, 2))
				post(w, s, (int)next(w, PEOPLE), slug, board, id, 0);
		}
	}
	for (int p = 0; p < PEOPLE && s->n > first; p++)
		for (unsigned v = next(w, 4); v > 0; v--) {
			long long id = s->ids[first + next(w, (unsigned)(s->n - first))];
			call_drop(w, s->people[p],
			          json_pack("{s:s, s:I}", "type", "vote", "contribution",
			                    (json_int_t)id));
		}
	for (size_t k = first; k < s->n; k++) {
		unsigned what = next(w, 12);
		if (what == 0)
			call_drop(w, s->people[s->owner[k]],
			          json_pack("{s:s, s:I, s:s}", "type", "edit", "contribution",
			                    (json_int_t)s->ids[k], "text",
			                    "Texte revu par son auteur"));
		else if (what == 1)
			call_drop(w, s->people[s->owner[k]],
			          json_pack("{s:s, s:I}", "type", "delete", "contribution",
			                    (json_int_t)s->ids[k]));
		else if (what == 2)
			facil(w, s, "hide", NULL, NULL, s->ids[k]);
	}
}

static const char *const final_states[] = {"closed", "voting", "open", "closed"};

/* Joins PEOPLE participants, opens each activity but the one called
 * "plus-tard", fills it, and leaves it in a state of final_states. */
static void fill_seminar(struct world *w, struct seminar *s)
{
	size_t i;
	json_t *a;

	assert_int_equal(store_list_seminars(w->st, take_key, s), STORE_OK);
	assert_true(s->key[0] != '\0');
	s->facil = turnh_client(w->h);
	for (int p = 0; p < PEOPLE; p++) {
		json_t *m = json_pack("{s:s, s:s}", "type", "join", "code", s->code);
		if (p % 2)
			json_object_set_new(m, "name", json_string("parent d'élève"));
		if (p % 3 == 1)
			json_object_set_new(m, "structure", json_string("école Jules-Ferry"));
		s->people[p] = turnh_client(w->h);
		call_drop(w, s->people[p], m);
	}
	json_array_foreach(json_object_get(s->defn, "activities"), i, a) {
		const char *slug = json_string_value(json_object_get(a, "id"));
		if (strcmp(slug, "plus-tard") == 0)
			continue;
		facil(w, s, "set_state", slug, "open", 0);
		fill_activity(w, s, a);
		facil(w, s, "set_state", slug, final_states[i % 4], 0);
	}
}

/* Imports the normalized definition defn (borrowed). */
static void import(struct world *w, json_t *defn)
{
	store_import_report r;
	defn_seminar *d = NULL;
	char err[512];
	assert_int_equal(defn_new(defn, &d), 0);
	if (store_import(w->st, d, 0, &r, err, sizeof err) != STORE_OK)
		fail_msg("import: %s", err);
	defn_free(d);
}

static json_t *load_sample(const char *name)
{
	char path[1024], err[512];
	json_t *d = NULL;
	snprintf(path, sizeof path, "%s/sessions/%s", source_dir(), name);
	if (defn_load_file(path, NULL, &d, err, sizeof err))
		fail_msg("%s", err);
	return d;
}

/* The database of the three seminars, filled, with its varying parts set. */
static int make_world(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	struct seminar s[3] = {{.code = "RBX22"}, {.code = "SWOTCE"}, {.code = "ESSAI2"}};
	char err[512];
	json_error_t jerr;
	sqlite3 *db = NULL;

	assert_non_null(w);
	w->rng = 20221011u;
	assert_int_equal(proc_mkdtemp(w->dir, sizeof w->dir), PROC_OK);
	snprintf(w->db, sizeof w->db, "%s/synthese.db", w->dir);
	assert_int_equal(store_open(w->db, NULL, &w->st, err, sizeof err), STORE_OK);
	s[0].defn = load_sample("roubaix-2022.json");
	s[1].defn = load_sample("diagnostic-partage-2021.json");
	s[2].defn = json_loads(essai, 0, &jerr);
	assert_non_null(s[2].defn);
	assert_int_equal(defn_validate(s[2].defn, "essai", NULL, err, sizeof err), 0);
	assert_non_null(w->h = turnh_new(w->st));
	for (int i = 0; i < 3; i++) {
		import(w, s[i].defn);
		fill_seminar(w, &s[i]);
	}
	/* The small seminar's board "brouillon" and activity "retire" leave
	 * the programme, with what they hold; its activity "orient" comes
	 * first and the board "pistes" of "ateliers" before "constats". */
	json_t *acts = json_object_get(s[2].defn, "activities");
	json_t *ateliers = json_object_get(json_array_get(acts, 0), "boards");
	json_array_remove(ateliers, 1);
	json_array_insert(ateliers, 0, json_array_get(ateliers, 1));
	json_array_remove(ateliers, 2);
	json_array_remove(acts, 1);
	json_array_insert(acts, 0, json_array_get(acts, 2));
	json_array_remove(acts, 3);
	import(w, s[2].defn);
	turnh_free(w->h);
	w->h = NULL;
	store_close(w->st);
	w->st = NULL;
	for (int i = 0; i < 3; i++)
		json_decref(s[i].defn);

	assert_int_equal(sqlite3_open(w->db, &db), SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(db,
		             "UPDATE contribution SET created = printf('2022-10-11T09:%02d:00Z',"
		             " CASE WHEN id % 3 = 0 THEN id % 4 ELSE 1 END);"
		             "UPDATE contribution SET position = (id * 7) % 3"
		             " WHERE parent_id IS NOT NULL;"
		             "UPDATE contribution SET state = 'awaiting' WHERE state = 'visible'"
		             " AND id % 17 = 3;"
		             "UPDATE contribution SET state = 'merged' WHERE state = 'visible'"
		             " AND id % 19 = 4;"
		             "UPDATE contribution SET author = ' \t' WHERE id % 23 = 5;"
		             /* reworded by a facilitator: marked « reformulée » */
		             "UPDATE contribution SET original = text, text = 'Reformulée : ' || text"
		             " WHERE state = 'visible' AND id % 13 = 6;"
		             "UPDATE audit SET at = printf('2022-10-11T10:%02d:00Z', id % 60);",
		             NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(store_open(w->db, NULL, &w->st, err, sizeof err), STORE_OK);
	*state = w;
	return 0;
}

static int free_world(void **state)
{
	struct world *w = *state;
	store_close(w->st);
	proc_rmtree(w->dir);
	free(w);
	return 0;
}

/* ===== The documents against the golden files ===== */

/* Fails with the first line where got and want part. */
static void same_text(const char *name, const char *got, const char *want)
{
	size_t line = 1;
	const char *g = got, *x = want;

	if (strcmp(got, want) == 0)
		return;
	while (*g && *g == *x) {
		if (*g == '\n')
			line++;
		g++, x++;
	}
	fail_msg("%s differs from its golden file at line %zu:\n  got:  %.120s\n  want: %.120s",
	         name, line, g, x);
}

static void golden(void **state, const char *code)
{
	struct world *w = *state;
	const char *write = getenv("ATELIER_GOLDEN_WRITE");
	i18n_cat *fr = i18n_new("fr");
	json_t *doc = NULL;

	assert_non_null(fr);
	assert_int_equal(export_view_document(w->st, code, &doc), STORE_OK);
	json_object_set_new(doc, "generated", json_string(GENERATED));
	for (int f = 0; f < EXPORT__COUNT; f++) {
		char path[1200], *text = NULL, *want;
		size_t len = 0;
		snprintf(path, sizeof path, "%s/tests/export/golden/%s-synthese.%s", source_dir(),
		         code, export_format_ext((export_format)f));
		assert_int_equal(export_render(doc, (export_format)f, fr, &text, &len), 0);
		if (write && *write) {
			FILE *out = fopen(path, "wb");
			assert_non_null(out);
			assert_int_equal(fwrite(text, 1, len, out), len);
			assert_int_equal(fclose(out), 0);
		} else {
			want = proc_slurp(path, NULL);
			if (!want)
				fail_msg("%s: cannot be read", path);
			same_text(path, text, want);
			free(want);
		}
		free(text);
	}
	json_decref(doc);
	i18n_free(fr);
}

static void roubaix(void **state)
{
	golden(state, codes[0]);
}

static void diagnostic(void **state)
{
	golden(state, codes[1]);
}

static void essai_seminar(void **state)
{
	golden(state, codes[2]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roubaix),
		cmocka_unit_test(diagnostic),
		cmocka_unit_test(essai_seminar),
	};
	return cmocka_run_group_tests(tests, make_world, free_world);
}
