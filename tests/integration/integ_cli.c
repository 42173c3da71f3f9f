/*
 * integ_cli.c — the atelier command line: --version, --help of each
 * subcommand, and the refusals an operator meets (unknown option, port in
 * use, database that cannot be written, missing directory, missing
 * definition): one sentence on stderr, a non-zero exit, never a crash;
 * and what `atelier import` and the start-up import say they changed.
 *
 * Boundary: runs the binary ($ATELIER_BIN) as a child process in a
 * scratch directory; reads its exit status, stdout and stderr, and the
 * database it wrote (where an edit made there is checked to survive).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "fixture.h"
#include "proc.h"
#include "srv.h"
#include "store.h"

#define RUN_MS 15000

typedef struct scratch {
	char dir[1024];
	char db[1100];
	char sessions[1100];
	char port_file[1100];
} scratch;

static int scratch_setup(void **state)
{
	scratch *s = calloc(1, sizeof *s);
	if (!s || !proc_bin() || proc_mkdtemp(s->dir, sizeof s->dir)) {
		print_error("no scratch directory, or ATELIER_BIN unset\n");
		free(s);
		return -1;
	}
	snprintf(s->db, sizeof s->db, "%s/atelier.db", s->dir);
	snprintf(s->sessions, sizeof s->sessions, "%s/sessions", s->dir);
	snprintf(s->port_file, sizeof s->port_file, "%s/port", s->dir);
	mkdir(s->sessions, 0700);
	*state = s;
	return 0;
}

static int scratch_teardown(void **state)
{
	scratch *s = *state;
	if (s)
		proc_rmtree(s->dir);
	free(s);
	return 0;
}

typedef fixture_run_out run;
#define run_free fixture_run_free

/* Runs the binary with args in the scratch directory (fixture_run). */
static run run_atelier(const scratch *s, const char *const args[])
{
	return fixture_run(s->dir, args);
}

/* A refusal: non-zero exit and one sentence on stderr. */
static void want_refusal(run *r, const char *what)
{
	fixture_want_refusal(r, what, NULL);
}

static void test_version(void **state)
{
	const char *args[] = {"--version", NULL};
	run r = run_atelier(*state, args);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, ATELIER_VERSION));
	run_free(&r);
}

static void test_help_of_each_subcommand(void **state)
{
	const char *top[] = {"--help", NULL};
	const char *serve[] = {"serve", "--help", NULL};
	const char *import[] = {"import", "--help", NULL};
	const char *const *cases[] = {top, serve, import};
	const char *mentions[] = {"serve", "--port-file", "--db"};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		run r = run_atelier(*state, cases[i]);
		if (r.code != 0)
			fail_msg("atelier %s --help: exit %d; stderr: %s", cases[i][0], r.code, r.err);
		if (!strstr(r.out, mentions[i]) && !strstr(r.err, mentions[i]))
			fail_msg("help for %s does not mention %s", cases[i][0], mentions[i]);
		run_free(&r);
	}
}

static void test_unknown_options(void **state)
{
	const char *top[] = {"--frobnicate", NULL};
	const char *serve[] = {"serve", "--frobnicate", NULL};
	const char *import[] = {"import", "--frobnicate", NULL};
	const char *sub[] = {"frobnicate", NULL};
	const char *const *cases[] = {top, serve, import, sub};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		run r = run_atelier(*state, cases[i]);
		want_refusal(&r, "unknown option");
		if (!strstr(r.err, "frobnicate"))
			fail_msg("the message does not name the unknown word: %s", r.err);
		run_free(&r);
	}
}

/* Runs `atelier serve` on the given listen address and database. */
static run serve(const scratch *s, const char *listen, const char *db)
{
	const char *args[] = {"serve",    "--listen", listen, "--db", db, "--sessions",
	                      s->sessions, "--port-file", s->port_file, NULL};
	return run_atelier(s, args);
}

static void test_port_in_use(void **state)
{
	scratch *s = *state;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t sl = sizeof sa;
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	char listen_on[64];
	snprintf(listen_on, sizeof listen_on, "127.0.0.1:%d", ntohs(sa.sin_port));

	run r = serve(s, listen_on, s->db);
	close(fd);
	want_refusal(&r, "port in use");
	assert_int_not_equal(access(s->port_file, F_OK), 0);
	run_free(&r);
}

/* A database file nobody may create: under a read-only directory, or for
 * root (who writes anywhere) in sysfs. Returns 0 and the path, or -1 when
 * this machine has no such place. */
static int unwritable_path(const scratch *s, char *out, size_t len)
{
	if (geteuid() != 0) {
		snprintf(out, len, "%s/ro", s->dir);
		if (mkdir(out, 0500))
			return -1;
		snprintf(out, len, "%s/ro/atelier.db", s->dir);
		return 0;
	}
	snprintf(out, len, "/sys/atelier-test-%d.db", (int)getpid());
	int fd = open(out, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd >= 0) {
		close(fd);
		unlink(out);
		return -1;
	}
	return 0;
}

static void test_unwritable_database(void **state)
{
	scratch *s = *state;
	char db[1200];
	if (unwritable_path(s, db, sizeof db))
		skip();
	run r = serve(s, "127.0.0.1:0", db);
	want_refusal(&r, "unwritable database");
	run_free(&r);
}

static void test_missing_database_directory(void **state)
{
	scratch *s = *state;
	char db[1200];
	snprintf(db, sizeof db, "%s/no/such/dir/atelier.db", s->dir);
	run r = serve(s, "127.0.0.1:0", db);
	want_refusal(&r, "missing database directory");
	run_free(&r);

	const char *args[] = {"import", "x.json", "--db", db, NULL};
	r = run_atelier(s, args);
	want_refusal(&r, "import into a missing directory");
	run_free(&r);
}

static void test_import_missing_or_invalid_definition(void **state)
{
	scratch *s = *state;
	char bad[1200];
	snprintf(bad, sizeof bad, "%s/cassé.json", s->sessions);
	FILE *fp = fopen(bad, "w");
	assert_non_null(fp);
	fputs("{\"id\": \"x\", \"title\": ", fp);
	fclose(fp);

	const char *missing[] = {"import", "absent.json", "--db", s->db, NULL};
	run r = run_atelier(s, missing);
	want_refusal(&r, "import of a missing file");
	run_free(&r);

	const char *broken[] = {"import", bad, "--db", s->db, NULL};
	r = run_atelier(s, broken);
	want_refusal(&r, "import of broken JSON");
	run_free(&r);
}

/* ===== What an import says ===== */

/* A definition of two activities; then (V2) one removed and the other
 * switched from the "orientations" template to "ami"; then (V3) V2 with
 * another title. */
#define DEFN_HEAD \
	"{\"format\": \"atelier-seminaire\", \"version\": 1, \"id\": \"journee-essai\"," \
	" \"code\": \"ESSAI2\", \"date\": \"2022-10-11\", \"venue\": \"Salle du conseil\","
#define DEFN_QUESTIONS \
	"{\"id\": \"questions\", \"title\": \"Questions à la salle\", \"template\": \"open\"},"
#define DEFN_V1 \
	DEFN_HEAD " \"title\": \"Journée d'essai\", \"activities\": [" DEFN_QUESTIONS \
	" {\"id\": \"pistes\", \"title\": \"Pistes\", \"template\": \"orientations\"}]}"
#define DEFN_V2 \
	DEFN_HEAD " \"title\": \"Journée d'essai\", \"activities\": [" \
	" {\"id\": \"pistes\", \"title\": \"Pistes\", \"template\": \"ami\"}]}"
#define DEFN_V3 \
	DEFN_HEAD " \"title\": \"Journée d'essai, version 3\", \"activities\": [" \
	" {\"id\": \"pistes\", \"title\": \"Pistes\", \"template\": \"ami\"}]}"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* Fails unless text holds want. */
static void want_text(const char *text, const char *want, const char *what)
{
	if (!strstr(text, want))
		fail_msg("%s: want \"%s\" in:\n%s", what, want, text);
}

/* Runs `atelier import file` and checks it says want. */
static void import_says(const scratch *s, const char *file, const char *want)
{
	const char *args[] = {"import", file, "--db", s->db, NULL};
	run r = run_atelier(s, args);
	if (r.code != 0)
		fail_msg("atelier import: exit %d; stderr: %s", r.code, r.err);
	want_text(r.out, want, "atelier import");
	run_free(&r);
}

/* Removing an activity and switching another's template in one file:
 * the import says both, then that the same file again changes nothing. */
static void test_import_says_what_it_changes(void **state)
{
	scratch *s = *state;
	char file[1200];

	snprintf(file, sizeof file, "%s/journee.json", s->sessions);
	write_file(file, DEFN_V1);
	import_says(s, file, "(code ESSAI2) — séminaire créé ; ateliers : 2 ajoutés.");
	write_file(file, DEFN_V2);
	import_says(s, file,
	            "ateliers : 1 modifié, 1 archivé (questions) ;"
	            " panneaux : 3 ajoutés, 1 archivé.");
	import_says(s, file, "— aucun changement.");
}

static void keep_title(void *ctx, const char *code, const char *title, const char *date,
                       const char *key)
{
	(void)code, (void)date, (void)key;
	snprintf(ctx, 256, "%s", title);
}

/* The seminar's title in the database. */
static void db_title(const scratch *s, char title[256])
{
	store *st = NULL;
	char err[512];
	title[0] = '\0';
	if (store_open(s->db, NULL, &st, err, sizeof err))
		fail_msg("%s", err);
	assert_int_equal(store_list_seminars(st, keep_title, title), STORE_OK);
	store_close(st);
}

/* Starts `atelier serve` on the scratch's database and sessions, waits
 * for its port, stops it and returns what it printed (caller frees). */
static char *serve_and_stop(const scratch *s)
{
	proc *p = NULL;
	int port = 0, status = 0;
	char *out, *err;

	int rc = srv_serve(proc_bin(), s->dir, s->db, s->sessions, s->port_file, NULL, RUN_MS, &p,
	                   &port);
	assert_non_null(p); /* started */
	if (rc != PROC_OK) {
		err = proc_stderr(p);
		fail_msg("atelier serve did not start; stderr: %s", err ? err : "");
	}
	assert_int_equal(proc_stop(p, RUN_MS, &status), PROC_OK);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	out = proc_stdout(p);
	proc_free(p);
	assert_non_null(out);
	return out;
}

/* At start-up a file of sessions/ unchanged since its last import is
 * not imported again: an edit made in the database since survives the
 * restart. A changed file is imported, and the start-up says what it
 * changed. */
static void test_startup_imports_only_changed_files(void **state)
{
	scratch *s = *state;
	char file[1200], title[256];
	sqlite3 *db = NULL;
	char *out;

	snprintf(file, sizeof file, "%s/journee.json", s->sessions);
	write_file(file, DEFN_V2);
	import_says(s, file, "séminaire créé");
	assert_int_equal(sqlite3_open(s->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE seminar SET title = 'Titre revu dans la base'",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);

	out = serve_and_stop(s);
	want_text(out, "(code ESSAI2) — inchangé depuis son dernier import, non réimporté.",
	          "start-up with an unchanged file");
	free(out);
	db_title(s, title);
	assert_string_equal(title, "Titre revu dans la base");

	write_file(file, DEFN_V3);
	out = serve_and_stop(s);
	want_text(out, "(code ESSAI2) — séminaire modifié.", "start-up with a changed file");
	free(out);
	db_title(s, title);
	assert_string_equal(title, "Journée d'essai, version 3");
}

int main(void)
{
	/* The sentences checked below are the French ones. */
	setenv("LC_ALL", "fr_FR.UTF-8", 1);
#define T(fn) cmocka_unit_test_setup_teardown(fn, scratch_setup, scratch_teardown)
	const struct CMUnitTest tests[] = {
		T(test_version),
		T(test_help_of_each_subcommand),
		T(test_unknown_options),
		T(test_port_in_use),
		T(test_unwritable_database),
		T(test_missing_database_directory),
		T(test_import_missing_or_invalid_definition),
		T(test_import_says_what_it_changes),
		T(test_startup_imports_only_changed_files),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
