/*
 * test_defn.c — seminar definition files: the samples in sessions/ load and
 * normalize as docs/SESSIONS.md says, in-memory documents get their
 * defaults and trimming, and every case in tests/defn/bad/ is refused with
 * an error naming its file and field; a definition as structs holds what
 * its normalized document holds.
 *
 * A bad case is two files: bad/<case>.json and bad/<case>.expect, a text
 * that the error sentence must contain. Adding a case is adding them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "defn.h"
#include "digest.h"
#include "proc.h"
#include "i18n.h"

#define ERR_LEN 512

/* The French catalogue the expected texts come from. */
static i18n_cat *fr;

static int open_catalogue(void **state)
{
	(void)state;
	return (fr = i18n_new("fr")) ? 0 : -1;
}

static int close_catalogue(void **state)
{
	(void)state;
	i18n_free(fr);
	return 0;
}

static const char *source_dir(void)
{
	const char *d = getenv("ATELIER_SOURCE_DIR");
	return d ? d : ATELIER_SOURCE_DIR;
}

/* Loads sessions/<name> and fails the test if it does not validate. */
static json_t *load_sample(const char *name)
{
	char path[1024], err[ERR_LEN];
	json_t *doc = NULL;
	snprintf(path, sizeof path, "%s/sessions/%s", source_dir(), name);
	int rc = defn_load_file(path, NULL, &doc, err, sizeof err);
	if (rc != 0)
		fail_msg("%s", err);
	assert_non_null(doc);
	return doc;
}

static json_t *activity(json_t *doc, size_t i)
{
	json_t *a = json_array_get(json_object_get(doc, "activities"), i);
	assert_non_null(a);
	return a;
}

static const char *str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	assert_non_null(s);
	return s;
}

/* Checks that activity a has exactly the boards ids[] (in order), of kind. */
static void assert_boards(json_t *a, const char *const *ids, size_t n, const char *kind)
{
	json_t *boards = json_object_get(a, "boards");
	assert_int_equal(json_array_size(boards), n);
	for (size_t i = 0; i < n; i++) {
		json_t *b = json_array_get(boards, i);
		assert_string_equal(str(b, "id"), ids[i]);
		assert_string_equal(str(b, "kind"), kind);
		assert_true(strlen(str(b, "title")) > 0);
		assert_non_null(json_object_get(b, "prompt"));
		assert_int_equal(json_object_size(b), 4);
	}
}

/* Every activity has exactly the normalized members of defn.h (a time
 * slot, start and end, when it has one). */
static void assert_normalized(json_t *doc)
{
	static const char *const keys[] = {"id", "title", "question", "template",
	                                   "animators", "vote_budget", "boards"};
	assert_null(json_object_get(doc, "format"));
	assert_null(json_object_get(doc, "version"));
	assert_true(json_is_string(json_object_get(doc, "description")));
	json_t *acts = json_object_get(doc, "activities");
	for (size_t i = 0; i < json_array_size(acts); i++) {
		json_t *a = json_array_get(acts, i);
		int slot = json_object_get(a, "start") != NULL;
		assert_int_equal(slot, json_object_get(a, "end") != NULL);
		assert_int_equal(json_object_size(a), 7 + 2 * slot);
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
			assert_non_null(json_object_get(a, keys[k]));
		assert_true(json_is_array(json_object_get(a, "animators")));
		json_int_t budget = json_integer_value(json_object_get(a, "vote_budget"));
		assert_true(budget >= 0 && budget <= 50);
	}
}

/* ===== The samples ===== */

static void test_roubaix(void **state)
{
	(void)state;
	static const char *const salle[] = {"salle"};
	static const char *const ami[] = {"abandonner", "maintenir", "inventer"};
	static const char *const orient[] = {"orientations"};
	static const char *const ateliers[] = {"constats", "pistes"};
	json_t *doc = load_sample("roubaix-2022.json");

	assert_normalized(doc);
	assert_string_equal(str(doc, "id"), "roubaix-2022");
	assert_string_equal(str(doc, "code"), "RBX22");
	assert_string_equal(str(doc, "date"), "2022-10-11");
	assert_int_equal(json_array_size(json_object_get(doc, "activities")), 9);
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(str(activity(doc, i), "template"), "open");
		assert_boards(activity(doc, i), salle, 1, "notes");
		assert_int_equal(json_integer_value(json_object_get(activity(doc, i), "vote_budget")), 3);
	}
	for (size_t i = 3; i < 7; i++) {
		assert_string_equal(str(activity(doc, i), "template"), "custom");
		assert_int_equal(json_array_size(json_object_get(activity(doc, i), "animators")), 1);
		/* the four ateliers of the afternoon run in parallel */
		assert_string_equal(str(activity(doc, i), "start"), "14:30");
		assert_string_equal(str(activity(doc, i), "end"), "16:00");
	}
	assert_boards(activity(doc, 3), ateliers, 2, "notes");
	json_t *demain = activity(doc, 7);
	assert_string_equal(str(demain, "template"), "ami");
	assert_boards(demain, ami, 3, "notes");
	assert_int_equal(json_integer_value(json_object_get(demain, "vote_budget")), 5);
	json_t *abandon = json_array_get(json_object_get(demain, "boards"), 0);
	assert_string_equal(str(abandon, "title"), i18n("template.ami.abandonner.title", fr));
	assert_string_equal(str(abandon, "prompt"), "Ce qu'il faudrait abandonner\xc2\xa0?");
	assert_boards(activity(doc, 8), orient, 1, "orientations");
	json_decref(doc);
}

static void test_diagnostic(void **state)
{
	(void)state;
	static const char *const swot[] = {"forces", "faiblesses", "opportunites", "menaces"};
	static const char *const orient[] = {"orientations"};
	json_t *doc = load_sample("diagnostic-partage-2021.json");

	assert_normalized(doc);
	assert_string_equal(str(doc, "code"), "SWOTCE");
	assert_int_equal(json_array_size(json_object_get(doc, "activities")), 4);
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(str(activity(doc, i), "template"), "swot");
		assert_boards(activity(doc, i), swot, 4, "notes");
	}
	json_t *forces = json_array_get(json_object_get(activity(doc, 0), "boards"), 0);
	assert_string_equal(str(forces, "title"), "Forces");
	assert_string_equal(str(activity(doc, 3), "template"), "orientations");
	assert_boards(activity(doc, 3), orient, 1, "orientations");
	json_decref(doc);
}

/* Every file in sessions/ is a valid definition. */
static void test_every_sample(void **state)
{
	(void)state;
	char dir[1024];
	size_t n = 0;
	snprintf(dir, sizeof dir, "%s/sessions", source_dir());
	DIR *d = opendir(dir);
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		json_decref(load_sample(e->d_name));
		n++;
	}
	closedir(d);
	assert_true(n >= 2);
}

/* ===== In-memory documents ===== */

static json_t *minimal(void)
{
	json_error_t jerr;
	json_t *doc = json_loads(
		"{\"format\":\"atelier-seminaire\",\"version\":1,\"id\":\"s\","
		"\"title\":\"  Titre \\n \",\"date\":\"2024-02-29\",\"venue\":\"\\u00a0Ici\","
		"\"activities\":[{\"id\":\"a\",\"title\":\"A\",\"template\":\"custom\","
		"\"question\":\"Ligne 1\\r\\nLigne 2  \","
		"\"boards\":[{\"id\":\"b\",\"title\":\"B\",\"kind\":\"orientations\"}]}]}",
		0, &jerr);
	if (!doc)
		fail_msg("%s", jerr.text);
	return doc;
}

static void test_defaults_and_trimming(void **state)
{
	(void)state;
	char err[ERR_LEN];
	json_t *doc = minimal();
	assert_int_equal(defn_validate(doc, "x.json", NULL, err, sizeof err), 0);
	assert_string_equal(err, "");
	assert_string_equal(str(doc, "title"), "Titre");
	assert_string_equal(str(doc, "venue"), "Ici");
	assert_string_equal(str(doc, "description"), "");
	assert_null(json_object_get(doc, "code"));
	json_t *a = activity(doc, 0);
	assert_string_equal(str(a, "question"), "Ligne 1\nLigne 2");
	assert_int_equal(json_integer_value(json_object_get(a, "vote_budget")), 3);
	assert_int_equal(json_array_size(json_object_get(a, "animators")), 0);
	json_t *b = json_array_get(json_object_get(a, "boards"), 0);
	assert_string_equal(str(b, "prompt"), "");
	assert_string_equal(str(b, "kind"), "orientations");
	/* no groups: none added (the digest of a file without them stays) */
	assert_null(json_object_get(doc, "groups"));
	json_decref(doc);

	/* groups: labels trimmed, an empty list kept */
	doc = minimal();
	json_object_set_new(doc, "groups",
	                    json_pack("[{s:s, s:s}]", "id", "parents", "label", " Parents\xC2\xA0"));
	assert_int_equal(defn_validate(doc, "x.json", NULL, err, sizeof err), 0);
	assert_string_equal(str(json_array_get(json_object_get(doc, "groups"), 0), "label"), "Parents");
	json_decref(doc);
	doc = minimal();
	json_object_set_new(doc, "groups", json_array());
	assert_int_equal(defn_validate(doc, "x.json", NULL, err, sizeof err), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "groups")), 0);
	json_decref(doc);
}

/* Limits count characters, not bytes: 200 "é" pass, 201 do not. */
static void test_limits_in_characters(void **state)
{
	(void)state;
	char title[201 * 2 + 1], err[ERR_LEN];
	for (int i = 0; i < 201; i++)
		memcpy(title + 2 * i, "\xC3\xA9", 2);
	title[200 * 2] = '\0';
	json_t *doc = minimal();
	json_object_set_new(doc, "title", json_string(title));
	assert_int_equal(defn_validate(doc, "x.json", NULL, err, sizeof err), 0);
	json_decref(doc);

	title[200 * 2] = '\xC3';
	title[201 * 2] = '\0';
	doc = minimal();
	json_object_set_new(doc, "title", json_string(title));
	assert_int_equal(defn_validate(doc, "x.json", NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "x.json : title : "));
	assert_non_null(strstr(err, "201"));
	json_decref(doc);
}

/* Template boards on a non-template activity are expanded in order, with
 * the catalogue's texts, and a NULL path is still named. */
static void test_template_expansion(void **state)
{
	(void)state;
	char err[ERR_LEN];
	json_t *doc = minimal();
	json_t *a = activity(doc, 0);
	json_object_del(a, "boards");
	json_object_set_new(a, "template", json_string("swot"));
	assert_int_equal(defn_validate(doc, NULL, NULL, err, sizeof err), 0);
	json_t *boards = json_object_get(a, "boards");
	assert_int_equal(json_array_size(boards), 4);
	json_t *menaces = json_array_get(boards, 3);
	assert_string_equal(str(menaces, "id"), "menaces");
	assert_string_equal(str(menaces, "title"), i18n("template.swot.menaces.title", fr));
	assert_string_not_equal(str(menaces, "title"), "template.swot.menaces.title");
	assert_string_equal(str(menaces, "prompt"), i18n("template.swot.menaces.prompt", fr));
	json_decref(doc);

	doc = minimal();
	json_object_set_new(doc, "date", json_string("2100-02-29"));
	assert_int_equal(defn_validate(doc, NULL, NULL, err, sizeof err), -1);
	assert_true(strncmp(err, i18n("defn.unnamed", fr), strlen(i18n("defn.unnamed", fr))) == 0);
	assert_non_null(strstr(err, " : date : "));
	json_decref(doc);
}

/* A short error buffer is filled, cut cleanly, never overrun. */
static void test_short_error_buffer(void **state)
{
	(void)state;
	char err[24];
	memset(err, 'Z', sizeof err);
	json_t *doc = minimal();
	json_object_set_new(doc, "date", json_string("demain"));
	assert_int_equal(defn_validate(doc, "sessions/essai.json", NULL, err, 20), -1);
	assert_true(strlen(err) < 20);
	assert_int_equal(err[23], 'Z');
	assert_true(strncmp(err, "sessions/essai.json", strlen(err)) == 0);
	assert_int_equal(defn_validate(doc, "x.json", NULL, NULL, 0), -1);
	json_decref(doc);
}

static void test_missing_file(void **state)
{
	(void)state;
	char err[ERR_LEN];
	json_t *doc = json_null(); /* not NULL: the call must clear it */
	assert_int_equal(defn_load_file("/nonexistent/nope.json", NULL, &doc, err, sizeof err), -1);
	assert_null(doc);
	assert_non_null(strstr(err, "/nonexistent/nope.json : "));
	assert_non_null(strstr(err, "No such file"));
}

/* ===== The definition as structs ===== */

/* A sample file as structs: every member of the normalized document, in
 * its order, the digest of that document; the structs hold their own
 * copies (the document is gone when they are read). */
static void test_structs_of_a_sample(void **state)
{
	(void)state;
	char path[1024], err[ERR_LEN], digest[17];
	json_t *doc = load_sample("roubaix-2022.json");
	char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	defn_seminar *d = NULL;

	snprintf(digest, sizeof digest, "%016llx",
	         (unsigned long long)digest_fnv1a(text, strlen(text)));
	snprintf(path, sizeof path, "%s/sessions/roubaix-2022.json", source_dir());
	assert_int_equal(defn_load(path, NULL, &d, err, sizeof err), 0);
	assert_string_equal(d->digest, digest);
	assert_string_equal(d->id, "roubaix-2022");
	assert_string_equal(d->code, "RBX22");
	assert_string_equal(d->title, str(doc, "title"));
	assert_string_equal(d->date, "2022-10-11");
	assert_string_equal(d->venue, str(doc, "venue"));
	assert_string_equal(d->description, str(doc, "description"));
	assert_int_equal(d->ngroups, json_array_size(json_object_get(doc, "groups")));
	assert_int_equal(d->ngroups, 7);
	for (size_t i = 0; i < d->ngroups; i++) {
		json_t *g = json_array_get(json_object_get(doc, "groups"), i);
		assert_string_equal(d->groups[i].id, str(g, "id"));
		assert_string_equal(d->groups[i].label, str(g, "label"));
	}
	assert_string_equal(d->groups[0].label, "\xC3\x89" "ducation nationale");
	assert_int_equal(d->nactivities, json_array_size(json_object_get(doc, "activities")));
	for (size_t i = 0; i < d->nactivities; i++) {
		const defn_activity *a = &d->activities[i];
		json_t *ja = activity(doc, i), *boards = json_object_get(ja, "boards");
		assert_string_equal(a->id, str(ja, "id"));
		assert_string_equal(a->title, str(ja, "title"));
		assert_string_equal(a->question, str(ja, "question"));
		assert_string_equal(a->template_name, str(ja, "template"));
		assert_int_equal(a->vote_budget,
		                 json_integer_value(json_object_get(ja, "vote_budget")));
		assert_int_equal(a->nanimators, json_array_size(json_object_get(ja, "animators")));
		for (size_t k = 0; k < a->nanimators; k++)
			assert_string_equal(a->animators[k],
			                    json_string_value(json_array_get(
			                            json_object_get(ja, "animators"), k)));
		assert_int_equal(a->nboards, json_array_size(boards));
		for (size_t k = 0; k < a->nboards; k++) {
			json_t *b = json_array_get(boards, k);
			assert_string_equal(a->boards[k].id, str(b, "id"));
			assert_string_equal(a->boards[k].title, str(b, "title"));
			assert_string_equal(a->boards[k].prompt, str(b, "prompt"));
			assert_string_equal(a->boards[k].kind, str(b, "kind"));
		}
	}
	free(text);
	json_decref(doc);
	assert_string_equal(d->activities[8].boards[0].kind, "orientations");
	defn_free(d);
	defn_free(NULL); /* a no-op */

	d = (defn_seminar *)1;
	assert_int_equal(defn_load("/nonexistent/nope.json", NULL, &d, err, sizeof err), -1);
	assert_null(d);
	assert_non_null(strstr(err, "/nonexistent/nope.json : "));
}

/* A document made by hand is read as it is: no id or title (not strings)
 * gives NULL, a missing text "", no code NULL, members of another type
 * count as absent. */
static void test_structs_of_a_partial_document(void **state)
{
	(void)state;
	json_error_t jerr;
	json_t *doc = json_loads("{\"id\": 7, \"activities\": [{\"id\": \"a\", \"animators\":"
	                         " [\"r\u00f4le\", 3], \"boards\": [{\"id\": \"b\"}]}, 5]}",
	                         0, &jerr);
	defn_seminar *d = NULL;

	assert_non_null(doc);
	assert_int_equal(defn_new(doc, &d), 0);
	json_decref(doc);
	assert_null(d->id);
	assert_null(d->title);
	assert_null(d->code);
	assert_string_equal(d->venue, "");
	assert_int_equal(d->nactivities, 2);
	assert_string_equal(d->activities[0].id, "a");
	assert_string_equal(d->activities[0].question, "");
	assert_int_equal(d->activities[0].nanimators, 1);
	assert_string_equal(d->activities[0].animators[0], "r\xc3\xb4le");
	assert_int_equal(d->activities[0].nboards, 1);
	assert_string_equal(d->activities[0].boards[0].kind, "");
	assert_string_equal(d->activities[1].id, "");
	assert_int_equal(d->activities[1].nboards, 0);
	assert_int_equal(strlen(d->digest), 16);
	defn_free(d);
}

/* ===== Data-driven bad cases ===== */

/* Reads a whole small file into buf[n], without its final line break. */
static int read_text(const char *path, char *buf, size_t n)
{
	size_t len = 0;
	char *text = proc_slurp(path, &len);
	if (!text)
		return -1;
	snprintf(buf, n, "%s", text);
	free(text);
	len = strlen(buf);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_bad_cases(void **state)
{
	(void)state;
	char dir[1024], path[1200], expect[ERR_LEN], err[ERR_LEN];
	char *names[256];
	size_t n = 0, nexpect = 0, failures = 0;

	snprintf(dir, sizeof dir, "%s/tests/defn/bad", source_dir());
	DIR *d = opendir(dir);
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (len > 7 && strcmp(e->d_name + len - 7, ".expect") == 0)
			nexpect++;
		if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0 && n < 256)
			names[n++] = strndup(e->d_name, len - 5);
	}
	closedir(d);
	qsort(names, n, sizeof names[0], by_name);
	assert_true(n >= 12);
	assert_int_equal(nexpect, n); /* every case has its .expect, and only them */

	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s.expect", dir, names[i]);
		if (read_text(path, expect, sizeof expect) < 0 || !*expect) {
			print_error("%s: no expect text\n", names[i]);
			failures++;
			continue;
		}
		snprintf(path, sizeof path, "%s/%s.json", dir, names[i]);
		json_t *doc = json_null(); /* not NULL: the call must clear it */
		int rc = defn_load_file(path, NULL, &doc, err, sizeof err);
		size_t elen = strlen(err);
		if (rc != -1 || doc != NULL) {
			print_error("%s: accepted\n", names[i]);
			failures++;
		} else if (!strstr(err, expect)) {
			print_error("%s:\n  error:    %s\n  expected: %s\n", names[i], err, expect);
			failures++;
		} else if (strncmp(err, path, strlen(path)) != 0 || strchr(err, '\n') ||
		           elen < 2 || err[elen - 1] != '.') {
			print_error("%s: not one sentence naming the file: %s\n", names[i], err);
			failures++;
		}
		free(names[i]);
	}
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roubaix),
		cmocka_unit_test(test_diagnostic),
		cmocka_unit_test(test_every_sample),
		cmocka_unit_test(test_defaults_and_trimming),
		cmocka_unit_test(test_limits_in_characters),
		cmocka_unit_test(test_template_expansion),
		cmocka_unit_test(test_short_error_buffer),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_structs_of_a_sample),
		cmocka_unit_test(test_structs_of_a_partial_document),
		cmocka_unit_test(test_bad_cases),
	};
	return cmocka_run_group_tests(tests, open_catalogue, close_catalogue);
}
