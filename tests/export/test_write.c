/*
 * test_write.c — export_write(): the file lands at DIR/<code>-synthese.<ext>
 * with the rendered text, missing folders are created, no temporary file is
 * left behind, and failures give a French sentence naming the path.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"
#include "proc.h"

typedef struct scratch {
	char base[256]; /* a fresh directory */
	char dir[512];  /* base/sous/dossier, not created yet */
} scratch;

static int setup(void **state)
{
	scratch *s = calloc(1, sizeof *s);
	assert_non_null(s);
	assert_int_equal(proc_mkdtemp(s->base, sizeof s->base), PROC_OK);
	snprintf(s->dir, sizeof s->dir, "%s/sous/dossier", s->base);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	scratch *s = *state;
	proc_rmtree(s->base);
	free(s);
	return 0;
}

/* The names in dir, sorted, joined by spaces. */
static void names(const char *dir, char *out, size_t len)
{
	struct dirent **list;
	int n = scandir(dir, &list, NULL, alphasort);
	size_t used = 0;
	assert_true(n >= 0);
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (strcmp(list[i]->d_name, ".") && strcmp(list[i]->d_name, ".."))
			used += (size_t)snprintf(out + used, len - used, "%s%s",
			                         used ? " " : "", list[i]->d_name);
		free(list[i]);
	}
	free(list);
}

static void test_writes_every_format(void **state)
{
	scratch *s = *state;
	json_t *doc = fixture_load();
	char path[1024], want[1024], err[512], list[1024];
	struct stat st;

	for (int round = 0; round < 2; round++) {
		for (int f = 0; f < EXPORT__COUNT; f++) {
			size_t len, n;
			err[0] = '\0';
			assert_int_equal(export_write(doc, (export_format)f, NULL, s->dir, path,
			                              sizeof path, err, sizeof err), 0);
			assert_string_equal(err, "");
			snprintf(want, sizeof want, "%s/RBX22-synthese.%s", s->dir,
			         export_format_ext((export_format)f));
			assert_string_equal(path, want);
			char *text = fixture_render(doc, (export_format)f, &len);
			char *file = proc_slurp(path, &n);
			assert_non_null(file);
			assert_int_equal(n, len);
			assert_memory_equal(file, text, len);
			assert_int_equal(stat(path, &st), 0);
			assert_int_equal(st.st_mode & 0777, 0644);
			free(file);
			free(text);
		}
	}
	/* Written twice, and nothing else: no temporary file is left. */
	names(s->dir, list, sizeof list);
	assert_string_equal(list, "RBX22-synthese.csv RBX22-synthese.html "
	                          "RBX22-synthese.json RBX22-synthese.md");
	json_decref(doc);
}

static void test_dir_is_a_file(void **state)
{
	scratch *s = *state;
	json_t *doc = fixture_load();
	char blocker[600], under[700], path[1024] = "x", err[512], list[256];
	FILE *f;

	snprintf(blocker, sizeof blocker, "%s/fichier", s->base);
	f = fopen(blocker, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(export_write(doc, EXPORT_MD, NULL, blocker, path, sizeof path,
	                              err, sizeof err), -1);
	assert_string_equal(path, "");
	fixture_find(err, "Impossible de créer le dossier « ");
	fixture_find(err, blocker);
	fixture_find(err, "n’est pas un dossier");
	snprintf(under, sizeof under, "%s/dessous", blocker);
	assert_int_equal(export_write(doc, EXPORT_MD, NULL, under, path, sizeof path,
	                              err, sizeof err), -1);
	fixture_find(err, under);
	names(s->base, list, sizeof list);
	assert_string_equal(list, "fichier");
	unlink(blocker);
	json_decref(doc);
}

/* When the final rename fails (the target is a folder), the temporary file
 * is removed and the error names the target. */
static void test_rename_fails(void **state)
{
	scratch *s = *state;
	json_t *doc = fixture_load();
	char target[700], inside[800], err[512], list[256];
	FILE *f;

	snprintf(target, sizeof target, "%s/RBX22-synthese.md", s->base);
	assert_int_equal(mkdir(target, 0755), 0);
	snprintf(inside, sizeof inside, "%s/garde", target);
	f = fopen(inside, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(export_write(doc, EXPORT_MD, NULL, s->base, NULL, 0, err, sizeof err), -1);
	fixture_find(err, "Impossible d’écrire le fichier « ");
	fixture_find(err, target);
	names(s->base, list, sizeof list);
	assert_string_equal(list, "RBX22-synthese.md");
	unlink(inside);
	rmdir(target);
	json_decref(doc);
}

static void test_unsafe_code(void **state)
{
	scratch *s = *state;
	json_t *doc = fixture_load();
	json_t *seminar = json_object_get(doc, "seminar");
	const char *bad[] = {"../RBX22", "a/b", "", "CODE-BEAUCOUP-TROP-LONG", ".."};
	char err[512], list[256];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_object_set_new(seminar, "code", json_string(bad[i]));
		assert_int_equal(export_write(doc, EXPORT_JSON, NULL, s->base, NULL, 0,
		                              err, sizeof err), -1);
		fixture_find(err, "code de séminaire");
		fixture_find(err, s->base);
	}
	json_object_del(seminar, "code");
	assert_int_equal(export_write(doc, EXPORT_JSON, NULL, s->base, NULL, 0, err, sizeof err),
	                 -1);
	names(s->base, list, sizeof list);
	assert_string_equal(list, "");
	/* A short error buffer is still a terminated string. */
	assert_int_equal(export_write(doc, EXPORT_JSON, NULL, s->base, NULL, 0, err, 8), -1);
	assert_int_equal(strlen(err), 7);
	json_decref(doc);
}

static void test_format_names(void **state)
{
	(void)state;
	const char *names_[] = {"md", "html", "csv", "json"};
	for (int f = 0; f < EXPORT__COUNT; f++) {
		assert_int_equal(export_format_parse(names_[f]), f);
		assert_string_equal(export_format_ext((export_format)f), names_[f]);
		assert_non_null(strstr(export_format_mime((export_format)f), "charset=utf-8"));
	}
	assert_string_equal(export_format_mime(EXPORT_MD), "text/markdown; charset=utf-8");
	assert_string_equal(export_format_mime(EXPORT_CSV), "text/csv; charset=utf-8");
	assert_int_equal(export_format_parse("pdf"), -1);
	assert_int_equal(export_format_parse("MD"), -1);
	assert_int_equal(export_format_parse(NULL), -1);
	assert_null(export_format_ext(EXPORT__COUNT));
	assert_null(export_format_mime(EXPORT__COUNT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_writes_every_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir_is_a_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsafe_code, setup, teardown),
		cmocka_unit_test(test_format_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
