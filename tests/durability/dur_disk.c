/*
 * dur_disk.c — the disk says no: a full disk while serving, and a
 * database that cannot be written at start-up.
 *
 * Disk full: the server runs with the enospc library preloaded
 * (ATELIER_ENOSPC_LIB, see enospc.c) so that every write to its database
 * files fails with ENOSPC while a control file exists. The sender of a
 * post then gets an `error` with code `storage` and no ack, nothing is
 * broadcast, the server keeps answering others, and once the space is
 * back the same post, resent with the same id, is stored once.
 *
 * The same with EROFS: the file system was remounted read-only while the
 * server runs (as Linux does after an I/O error with errors=remount-ro).
 *
 * Read-only database: `atelier serve` on a database file, or a folder,
 * that the server's user cannot write ends with a non-zero status and one
 * French sentence, never a crash. Root writes anywhere, so as root the
 * server runs as nobody (setpriv); the test is skipped when neither is
 * possible. Boundary: the atelier binary and the integration fixture.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"

#define QUESTIONS FIXTURE_OPEN_ACTIVITY
#define SETPRIV "/usr/bin/setpriv"
#define NOBODY 65534

/* ===== Disk full ===== */

/* Restarts the fixture's server with the enospc library preloaded, its
 * writes to f->db* failing with error err while the file flag exists. */
static void restart_with_enospc(fixture *f, const char *flag, int err)
{
	char errtext[16];
	const char *lib = getenv("ATELIER_ENOSPC_LIB");
	const char *asan = getenv("ASAN_OPTIONS");
	char *saved = asan ? strdup(asan) : NULL;
	char opts[1024];

	assert_non_null(lib);
	fixture_stop(f);
	/* A sanitizer runtime wants to be the first library loaded; it
	 * still is for every function but the few the shim wraps. */
	snprintf(opts, sizeof opts, "%s%sverify_asan_link_order=0", asan ? asan : "",
	         asan && *asan ? ":" : "");
	assert_int_equal(setenv("ASAN_OPTIONS", opts, 1), 0);
	assert_int_equal(setenv("LD_PRELOAD", lib, 1), 0);
	assert_int_equal(setenv("ATELIER_ENOSPC_PREFIX", f->db, 1), 0);
	assert_int_equal(setenv("ATELIER_ENOSPC_FLAG", flag, 1), 0);
	snprintf(errtext, sizeof errtext, "%d", err);
	assert_int_equal(setenv("ATELIER_ENOSPC_ERRNO", errtext, 1), 0);
	fixture_start(f);
	unsetenv("LD_PRELOAD");
	if (saved)
		setenv("ASAN_OPTIONS", saved, 1);
	else
		unsetenv("ASAN_OPTIONS");
	free(saved);
}

static void set_flag(const char *flag, int full)
{
	if (full) {
		FILE *fp = fopen(flag, "w");
		assert_non_null(fp);
		fclose(fp);
	} else {
		assert_int_equal(unlink(flag), 0);
	}
}

/* The id of the contribution of the next event on the screen. */
static long long next_event_id(fixture *f, wsc *screen)
{
	json_t *ev = fixture_event(f, screen);
	long long id = fixture_int(json_object_get(ev, "contribution"), "id");
	json_decref(ev);
	return id;
}

/* The disk refuses writes with error err, then accepts them again. */
static void disk_fails_while_serving(void **state, int err)
{
	fixture *f = *state;
	char flag[1200], board[80], token[80];
	long long seq;
	json_t *joined = NULL;
	const char *lost = "Écrite quand le disque était plein";

	snprintf(flag, sizeof flag, "%s/disque-plein", f->dir);
	restart_with_enospc(f, flag, err);
	wsc *fac = fixture_connect(f);
	fixture_set_state(f, fac, QUESTIONS, "open");
	wsc_close(fac);
	wsc *screen = fixture_screen(f, QUESTIONS, &seq);
	wsc *c = fixture_join(f, NULL, token, sizeof token, &joined);
	fixture_board(json_object_get(joined, "seminar"), QUESTIONS, "notes", board, sizeof board);
	json_decref(joined);
	long long before = fixture_post(f, c, "avant", QUESTIONS, board, "Avant la panne");
	assert_int_equal(next_event_id(f, screen), before);

	/* The disk is full: a clear error, no ack. */
	set_flag(flag, 1);
	fixture_want_error(f, fixture_post_reply(f, c, "plein", QUESTIONS, board, lost),
	                   "storage");
	fixture_want_error(f, fixture_post_reply(f, c, "plein", QUESTIONS, board, lost),
	                   "storage");

	/* A phone that joins now gets the same error, and stays unjoined. */
	wsc *late = fixture_connect(f);
	fixture_want_error(f, fixture_call(f, late, "j", "{s:s,s:s,s:s}", "type", "join", "id", "j",
	                                   "code", f->code),
	                   "storage");

	/* The server keeps serving readers. */
	json_t *all = fixture_snapshot(f, NULL);
	assert_int_equal(json_array_size(all), 1);
	assert_non_null(fixture_find(all, before));
	json_decref(all);

	/* Space is back: posting works, the failed post is stored once. */
	set_flag(flag, 0);
	/* The phone whose join failed is not anybody, not even the next
	 * participant to join (who may get the id its join had). */
	char other[80];
	wsc *next = fixture_join(f, NULL, other, sizeof other, NULL);
	fixture_want_error(f, fixture_post_reply(f, late, "l-1", QUESTIONS, board, "Qui suis-je ?"),
	                   "not_joined");
	wsc_close(next);
	wsc_close(late);
	long long after = fixture_post(f, c, "apres", QUESTIONS, board, "Après la panne");
	long long resent = fixture_post(f, c, "plein", QUESTIONS, board, lost);
	assert_int_equal(fixture_post(f, c, "plein", QUESTIONS, board, lost), resent);
	wsc_close(c);

	/* The screen saw nothing of the failed attempts. */
	assert_int_equal(next_event_id(f, screen), after);
	assert_int_equal(next_event_id(f, screen), resent);
	assert_null(wsc_expect_event(screen, "contribution", 200));
	wsc_close(screen);

	all = fixture_snapshot(f, NULL);
	assert_int_equal(json_array_size(all), 3);
	assert_string_equal(fixture_str(fixture_find(all, resent), "text"), lost);
	json_decref(all);

	/* The same phone rejoins: the server still knows it. */
	c = fixture_join(f, token, NULL, 0, &joined);
	assert_int_equal(json_array_size(json_object_get(joined, "my_contributions")), 3);
	json_decref(joined);
	wsc_close(c);
}

static void test_disk_full_while_serving(void **state)
{
	disk_fails_while_serving(state, ENOSPC);
}

static void test_read_only_while_serving(void **state)
{
	disk_fails_while_serving(state, EROFS);
}

/* ===== Read-only database at start-up ===== */

/* Runs `atelier serve` on f->db, as nobody when root; *err gets stderr.
 * Returns the raw status, or -1 when this machine cannot run the case. */
static int serve_unprivileged(fixture *f, char **err)
{
	/* Pages of its own beside the database: nobody may not be able to
	 * enter the source tree (a private clone), and the start-up must get
	 * as far as the database. */
	char web[1200];
	snprintf(web, sizeof web, "%s/web", f->dir);
	if (mkdir(web, 0755) && errno != EEXIST)
		fail_msg("mkdir %s: %s", web, strerror(errno));
	const char *as_root[] = {SETPRIV, "--reuid=65534", "--regid=65534", "--clear-groups",
	                         proc_bin(), "serve", "--listen", "127.0.0.1:0", "--db", f->db,
	                         "--sessions", f->sessions, "--web", web, NULL};
	const char *const *argv = as_root;
	int status = 0;

	if (geteuid() == 0) {
		if (access(SETPRIV, X_OK))
			return -1;
	} else {
		argv = as_root + 4;
	}
	assert_int_equal(proc_run(argv, f->dir, FIXTURE_START_MS, &status, NULL, err), PROC_OK);
	return status;
}

/* One French sentence naming the file, a non-zero exit, no crash. */
static void want_one_sentence(fixture *f, int status, char *err, const char *words)
{
	char st[32];
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 0)
		fail_msg("atelier serve on a read-only database: %s; stderr: %s",
		         proc_status_text(status, st, sizeof st), err);
	const char *nl = strchr(err, '\n');
	if (!nl || nl[1] != '\0' || !strstr(err, f->db) || !strstr(err, words))
		fail_msg("expected one sentence naming %s with \"%s\"; got: %s", f->db, words, err);
	free(err);
}

static void test_readonly_database_at_start(void **state)
{
	fixture *f = *state;
	char *err = NULL, defn[1200];
	int status;

	fixture_stop(f);
	/* nobody may enter the scratch directory and read the seminar. */
	snprintf(defn, sizeof defn, "%s/test-seminar.json", f->sessions);
	assert_int_equal(chmod(f->dir, 0755) | chmod(f->sessions, 0755) | chmod(defn, 0644), 0);

	/* The file is read-only, its folder is not. */
	assert_int_equal(chmod(f->db, 0444) | chmod(f->dir, 0777), 0);
	status = serve_unprivileged(f, &err);
	if (status == -1)
		skip();
	want_one_sentence(f, status, err, "lecture seule");

	/* The file may be written, its folder may not (no journal can be
	 * created beside it). */
	assert_int_equal(chmod(f->db, 0666) | chmod(f->dir, 0555), 0);
	status = serve_unprivileged(f, &err);
	assert_int_equal(chmod(f->dir, 0700), 0);
	want_one_sentence(f, status, err, "lecture seule");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_disk_full_while_serving, fixture_setup,
		                                fixture_teardown),
		cmocka_unit_test_setup_teardown(test_read_only_while_serving, fixture_setup,
		                                fixture_teardown),
		cmocka_unit_test_setup_teardown(test_readonly_database_at_start, fixture_setup,
		                                fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
