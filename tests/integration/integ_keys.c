/*
 * integ_keys.c — organisers' keys through the real binary: the first one
 * at the first start (a file only its owner reads when the output is not
 * a terminal, its path and never the key printed; the key printed on a
 * terminal, a pseudo-terminal here, and no file), a key file that exists
 * never replaced, `atelier organiser-key` (make, list without the keys,
 * revoke at once, refusals in one sentence), and an organiser's key
 * acting wherever a facilitator key does, on every seminar: set_state,
 * hide, watch with a key, GET /api/export.
 *
 * Boundary: the atelier binary ($ATELIER_BIN) as a child process, on a
 * pseudo-terminal for the terminal case; its output, its files and its
 * answers over WebSocket and HTTP.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"
#include "sec_server.h"
#include "srv.h"

#define RUN_MS 15000 /* a server's start on a terminal */
#define KEY_HEX 64

/* ===== Running the binary ===== */

typedef fixture_run_out run;
#define run_free fixture_run_free

/* A refusal (fixture_want_refusal), then freed. */
static void want_refusal(run *r, const char *what, const char *want)
{
	fixture_want_refusal(r, what, want);
	run_free(r);
}

/* The first run of KEY_HEX lowercase hex digits in text after from (NULL:
 * the start) into key[KEY_HEX + 1]; 0, or -1 when there is none. */
static int find_key(const char *text, const char *from, char key[KEY_HEX + 1])
{
	const char *p = from ? strstr(text, from) : text;
	for (; p && *p; p++) {
		size_t n = strspn(p, "0123456789abcdef");
		if (n == KEY_HEX && (p == text || !isxdigit((unsigned char)p[-1]))) {
			memcpy(key, p, KEY_HEX);
			key[KEY_HEX] = '\0';
			return 0;
		}
		if (n)
			p += n - 1;
	}
	return -1;
}

/* The file the first organiser's key goes to for f's database. */
static void key_file(const fixture *f, char *out, size_t len)
{
	snprintf(out, len, "%s.organiser-key", f->db);
}

/* Stops f's server (SIGKILL) and removes its database and key file: the
 * next start is a first start. */
static void forget_database(fixture *f)
{
	char path[1300];
	const char *tails[] = {"", "-wal", "-shm", ".organiser-key"};
	fixture_kill(f);
	for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
		snprintf(path, sizeof path, "%s%s", f->db, tails[i]);
		unlink(path);
	}
}

/* The outcome of a set_state of the open activity by key: "ack" or the
 * error's code (copied into out). */
static const char *set_state(fixture *f, const char *key, const char *state, char *out,
                             size_t len)
{
	wsc *c = fixture_connect(f);
	json_t *r = fixture_call(f, c, "s", "{s:s,s:s,s:s,s:s,s:s,s:s}", "type", "set_state", "id",
	                         "s", "code", f->code, "key", key, "activity",
	                         FIXTURE_OPEN_ACTIVITY, "state", state);
	const char *t = fixture_str(r, "type"), *code = fixture_str(r, "code");
	snprintf(out, len, "%s", t && !strcmp(t, "error") && code ? code : t ? t : "?");
	json_decref(r);
	wsc_close(c);
	return out;
}

/* Fails the test when a process's output holds key. */
static void not_in(const char *text, const char *key, const char *where)
{
	if (text && strstr(text, key))
		fail_msg("a key is in %s", where);
}

/* ===== The first start ===== */

static void test_first_start_writes_an_owner_only_file(void **state)
{
	fixture *f = *state;
	char path[1200], key[KEY_HEX + 1], o[32];
	struct stat sb;
	size_t len = 0;

	/* the fixture's server started on a database without an organiser's
	 * key, its output going to a file: not a terminal */
	key_file(f, path, sizeof path);
	assert_int_equal(lstat(path, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(sb.st_uid, geteuid());
	char *text = proc_slurp(path, &len);
	assert_non_null(text);
	assert_int_equal(len, KEY_HEX + 1);
	assert_int_equal(find_key(text, NULL, key), 0);
	assert_int_equal(text[KEY_HEX], '\n');

	/* its path is printed, the key nowhere */
	char *out = proc_stdout(f->server), *err = proc_stderr(f->server);
	assert_non_null(strstr(out, path));
	assert_non_null(strstr(out, "« organisateur »"));
	not_in(out, key, "the server's stdout");
	not_in(err, key, "the server's stderr");
	free(out);
	free(err);

	/* it is an organiser's key */
	assert_string_equal(set_state(f, key, "open", o, sizeof o), "ack");
	const char *list[] = {"organiser-key", "--list", "--db", f->db, NULL};
	run r = fixture_run(f->dir, list);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "organisateur — créée le 20"));
	not_in(r.out, key, "the list");
	run_free(&r);

	/* the next start makes none: the file stays as it is */
	fixture_stop(f);
	fixture_start(f);
	out = proc_stdout(f->server);
	assert_null(strstr(out, ".organiser-key"));
	free(out);
	char *again = proc_slurp(path, NULL);
	assert_string_equal(again, text);
	assert_string_equal(set_state(f, key, "closed", o, sizeof o), "ack");
	free(again);
	free(text);
}

/* Runs `atelier serve` on a pseudo-terminal (its stdin, stdout and
 * stderr) on f's database, the first organiser's key named name, until
 * it has printed its addresses (the stop hint) and written its port file;
 * returns what it printed (malloc'd), its pid in *pid and the terminal's
 * side in *master, to be closed once it has stopped (closing it first
 * would hang it up); f->port is set from its port file. */
static char *serve_on_a_terminal(fixture *f, const char *name, pid_t *pid, int *master)
{
	size_t len = 0, cap = 1 << 16;
	char *text = calloc(1, cap + 1);
	struct timespec t0, now;

	assert_non_null(text);
	unlink(f->port_file);
	*pid = forkpty(master, NULL, NULL, NULL);
	assert_true(*pid >= 0);
	if (*pid == 0) {
		execl(proc_bin(), proc_bin(), "serve", "--listen", "127.0.0.1:0", "--db", f->db,
		      "--sessions", f->sessions, "--port-file", f->port_file, "--organiser-name",
		      name, (char *)NULL);
		_exit(127);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!strstr(text, "Ctrl+C") && len < cap) {
		struct pollfd p = {*master, POLLIN, 0};
		clock_gettime(CLOCK_MONOTONIC, &now);
		long ms = (now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms > RUN_MS || poll(&p, 1, (int)(RUN_MS - ms)) <= 0)
			break;
		ssize_t k = read(*master, text + len, cap - len);
		if (k <= 0)
			break;
		len += (size_t)k;
	}
	if (!strstr(text, "Ctrl+C")) {
		kill(*pid, SIGKILL);
		waitpid(*pid, NULL, 0);
		close(*master);
		fail_msg("atelier serve on a terminal printed no addresses:\n%s", text);
	}
	/* The port file comes right after the addresses. */
	char *port = NULL;
	for (int waited = 0; waited < RUN_MS; waited += 50) {
		port = proc_slurp(f->port_file, NULL);
		if (port && strchr(port, '\n'))
			break;
		free(port);
		port = NULL;
		usleep(50 * 1000);
	}
	if (!port)
		fail_msg("atelier serve on a terminal wrote no port file");
	f->port = atoi(port);
	free(port);
	return text;
}

/* SIGTERM to a server started on a terminal; fails unless it exits 0. */
static void stop_on_a_terminal(pid_t pid, int master)
{
	int status = 0;
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(master);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("atelier serve on a terminal did not stop cleanly (status %d)", status);
}

static void test_first_start_on_a_terminal_prints_the_key(void **state)
{
	fixture *f = *state;
	char path[1200], key[KEY_HEX + 1], o[32], fkey[160], err[256];
	pid_t pid;
	int master;

	forget_database(f);
	key_file(f, path, sizeof path);
	char *text = serve_on_a_terminal(f, "Équipe projet", &pid, &master);
	if (find_key(text, "Clé d'organisation « Équipe projet »", key))
		fail_msg("no key after the organiser key's sentence:\n%s", text);
	assert_non_null(strstr(text, "/organisation.html#cle="));
	assert_int_not_equal(access(path, F_OK), 0); /* no file */
	assert_null(strstr(text, ".organiser-key"));
	assert_int_equal(srv_seminar(f->db, f->code, sizeof f->code, fkey, sizeof fkey, err,
	                             sizeof err),
	                 0);
	assert_string_equal(set_state(f, key, "open", o, sizeof o), "ack");
	free(text);
	stop_on_a_terminal(pid, master);

	/* started again, on a terminal too, it shows no key */
	text = serve_on_a_terminal(f, "Équipe projet", &pid, &master);
	assert_null(strstr(text, "Clé d'organisation"));
	free(text);
	stop_on_a_terminal(pid, master);
}

static void test_a_key_file_that_exists_is_never_replaced(void **state)
{
	fixture *f = *state;
	char path[1200], elsewhere[1300];
	const char *serve[] = {"serve",    "--listen",   "127.0.0.1:0", "--db", f->db, "--sessions",
	                       f->sessions, "--port-file", f->port_file, NULL};
	const char *list[] = {"organiser-key", "--list", "--db", f->db, NULL};

	forget_database(f);
	key_file(f, path, sizeof path);

	FILE *old = fopen(path, "w");
	assert_non_null(old);
	fputs("une clé d'une autre base\n", old);
	fclose(old);
	run r = fixture_run(f->dir, serve);
	want_refusal(&r, "a key file that exists", path);
	char *text = proc_slurp(path, NULL);
	assert_string_equal(text, "une clé d'une autre base\n");
	free(text);
	r = fixture_run(f->dir, list);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "Aucune clé d'organisation"));
	run_free(&r);

	/* nor is a file written through a link */
	assert_int_equal(unlink(path), 0);
	snprintf(elsewhere, sizeof elsewhere, "%s/ailleurs", f->dir);
	assert_int_equal(symlink(elsewhere, path), 0);
	r = fixture_run(f->dir, serve);
	want_refusal(&r, "a key file that is a link", path);
	assert_int_not_equal(access(elsewhere, F_OK), 0);
}

/* ===== atelier organiser-key ===== */

static void test_organiser_key_command(void **state)
{
	fixture *f = *state;
	char key[KEY_HEX + 1], o[32], missing[1200], long_name[128];
	const char *make[] = {"organiser-key", "--name", " Chargée de mission ", "--db", f->db,
	                      NULL};
	const char *list[] = {"organiser-key", "--list", "--db", f->db, NULL};
	const char *revoke[] = {"organiser-key", "--revoke", "Chargée de mission", "--db", f->db,
	                        NULL};

	run r = fixture_run(f->dir, make);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.err, "");
	assert_int_equal(strlen(r.out), KEY_HEX + 1); /* not a terminal: the key alone */
	assert_int_equal(find_key(r.out, NULL, key), 0);
	run_free(&r);
	/* the running server takes it at once */
	assert_string_equal(set_state(f, key, "open", o, sizeof o), "ack");

	r = fixture_run(f->dir, make);
	want_refusal(&r, "a name taken", "« Chargée de mission »");

	r = fixture_run(f->dir, list);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "organisateur — créée le 20"));
	assert_non_null(strstr(r.out, "\nChargée de mission — créée le 20"));
	not_in(r.out, key, "the list");
	run_free(&r);

	r = fixture_run(f->dir, revoke);
	assert_int_equal(r.code, 0);
	assert_non_null(strstr(r.out, "« Chargée de mission » révoquée"));
	not_in(r.out, key, "the revocation's sentence");
	run_free(&r);
	/* refused as a wrong key, by the running server, at once */
	assert_string_equal(set_state(f, key, "closed", o, sizeof o), "bad_key");
	r = fixture_run(f->dir, list);
	assert_non_null(strstr(r.out, "Chargée de mission — créée le 20"));
	assert_non_null(strstr(r.out, ", révoquée le 20"));
	run_free(&r);
	r = fixture_run(f->dir, revoke);
	want_refusal(&r, "revoking twice", "« Chargée de mission »");
	/* its name is free again */
	r = fixture_run(f->dir, make);
	assert_int_equal(r.code, 0);
	run_free(&r);

	/* refusals: one sentence, no key made */
	memset(long_name, 'n', 101);
	long_name[101] = '\0';
	const char *bad_names[] = {"", "   ", "tab\there", long_name};
	for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
		const char *args[] = {"organiser-key", "--name", bad_names[i], "--db", f->db, NULL};
		r = fixture_run(f->dir, args);
		if (i == 0) /* an empty value is a missing one */
			want_refusal(&r, "an empty name", "--name");
		else
			want_refusal(&r, "a bad name", NULL);
	}
	const char *none[] = {"organiser-key", "--db", f->db, NULL};
	r = fixture_run(f->dir, none);
	want_refusal(&r, "no action", "--list");
	const char *two[] = {"organiser-key", "--list", "--revoke", "x", "--db", f->db, NULL};
	r = fixture_run(f->dir, two);
	want_refusal(&r, "two actions", "--list");
	snprintf(missing, sizeof missing, "%s/nulle-part.db", f->dir);
	const char *nodb[] = {"organiser-key", "--list", "--db", missing, NULL};
	r = fixture_run(f->dir, nodb);
	want_refusal(&r, "a missing database", missing);
	assert_int_not_equal(access(missing, F_OK), 0);

	/* help, French first */
	const char *help[] = {"help", "organiser-key", NULL};
	const char *dash[] = {"organiser-key", "--help", NULL};
	const char *const *helps[] = {help, dash};
	for (size_t i = 0; i < 2; i++) {
		r = fixture_run(f->dir, helps[i]);
		assert_int_equal(r.code, 0);
		assert_non_null(strstr(r.out, "--revoke NOM"));
		assert_non_null(strstr(r.out, "clé d'organisation"));
		run_free(&r);
	}
	r = fixture_run(f->dir, (const char *[]){"--help", NULL});
	assert_non_null(strstr(r.out, "organiser-key"));
	run_free(&r);

	/* the server wrote no key anywhere */
	char *err = proc_stderr(f->server), *out = proc_stdout(f->server);
	not_in(err, key, "the server's stderr");
	not_in(out, key, "the server's stdout");
	free(err);
	free(out);
}

/* ===== The organiser on every seminar ===== */

/* GET /api/export/CODE.json with key; returns the status. */
static int export_status(fixture *f, const char *code, const char *key)
{
	char req[512];
	snprintf(req, sizeof req,
	         "GET /api/export/%s.json HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nX-Atelier-Key: %s\r\n"
	         "Connection: close\r\n\r\n",
	         code, f->port, key);
	char *resp = sec_http(f->port, req, strlen(req), 30000);
	int st = sec_status(resp);
	free(resp);
	return st;
}

static void test_the_organiser_key_acts_on_every_seminar(void **state)
{
	fixture *f = *state;
	char path[1200], defn[1200], board[80], codes[2][32], fkey[160], err[256], key[KEY_HEX + 1];

	key_file(f, path, sizeof path);
	char *text = proc_slurp(path, NULL);
	assert_non_null(text);
	assert_int_equal(find_key(text, NULL, key), 0);
	free(text);

	/* a second seminar, imported beside the running server */
	snprintf(defn, sizeof defn, "%s/second.json", f->dir);
	snprintf(path, sizeof path, "%s/test-seminar.json", f->sessions);
	json_t *d = json_load_file(path, 0, NULL);
	assert_non_null(d);
	json_object_set_new(d, "id", json_string("seminaire-essai-bis"));
	json_object_set_new(d, "title", json_string("Second séminaire d'essai"));
	assert_int_equal(json_dump_file(d, defn, 0), 0);
	json_decref(d);
	const char *imp[] = {"import", defn, "--db", f->db, NULL};
	run r = fixture_run(f->dir, imp);
	assert_int_equal(r.code, 0);
	run_free(&r);
	snprintf(codes[0], sizeof codes[0], "%s", f->code);
	assert_int_equal(srv_seminar_besides(f->db, f->code, codes[1], sizeof codes[1], fkey,
	                                     sizeof fkey, err, sizeof err),
	                 0);
	assert_string_not_equal(codes[0], codes[1]);

	/* everything a seminar's facilitator key does, on both */
	snprintf(f->key, sizeof f->key, "%s", key);
	for (int i = 0; i < 2; i++) {
		memcpy(f->code, codes[i], sizeof f->code);
		wsc *phone = fixture_open_phone(f, board, sizeof board); /* set_state */
		long long id = fixture_post(f, phone, "p", FIXTURE_OPEN_ACTIVITY, board, "Une idée");
		wsc *desk = fixture_connect(f);
		json_t *h = fixture_call(f, desk, "h", "{s:s,s:s,s:s,s:s,s:I}", "type", "hide", "id",
		                         "h", "code", f->code, "key", key, "contribution",
		                         (json_int_t)id);
		fixture_want(f, h, "ack");
		json_decref(h);
		json_t *s = fixture_call(f, desk, "v", "{s:s,s:s,s:s,s:s,s:I}", "type", "show", "id",
		                         "v", "code", f->code, "key", key, "contribution",
		                         (json_int_t)id);
		fixture_want(f, s, "ack");
		json_decref(s);
		json_t *snap = fixture_snapshot(f, key); /* a watch with the key */
		assert_non_null(fixture_find(snap, id));
		json_decref(snap);
		assert_int_equal(export_status(f, f->code, key), 200);
		wsc_close(desk);
		wsc_close(phone);
	}
}

int main(void)
{
	/* The sentences checked are the French ones. */
	setenv("LC_ALL", "fr_FR.UTF-8", 1);
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
		T(test_first_start_writes_an_owner_only_file),
		T(test_first_start_on_a_terminal_prints_the_key),
		T(test_a_key_file_that_exists_is_never_replaced),
		T(test_organiser_key_command),
		T(test_the_organiser_key_acts_on_every_seminar),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
