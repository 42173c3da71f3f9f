/*
 * fixture.c — one real server per integration test, and the few
 * atelier.v1 exchanges every test repeats (join, watch, post, set_state).
 *
 * Boundary: drives the atelier binary through tests/support (proc, srv,
 * wsc); srv reads the facilitator key through the production store API,
 * the way an operator would read it from the database. Holds no state outside the
 * fixture struct. Must not reach into the server's internals otherwise.
 */
#include "fixture.h"

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

#include "srv.h"

/* ===== Failing with context ===== */

/* Prints what the test was doing, the client's last error and the
 * server's stderr, then fails the current test. */
static void die(fixture *f, wsc *c, const char *what)
{
	char *err = f && f->server ? proc_stderr(f->server) : NULL;
	print_error("%s\n  client: %s\n  server stderr:\n%s\n", what,
	            c ? wsc_error(c) : "-", err ? err : "(server not running)");
	free(err);
	fail_msg("%s", what);
}

static void die_json(fixture *f, const char *what, json_t *got)
{
	char *text = got ? json_dumps(got, JSON_COMPACT) : NULL;
	char line[1024];
	snprintf(line, sizeof line, "%s; got %s", what, text ? text : "nothing");
	free(text);
	die(f, NULL, line);
}

long long fixture_int(json_t *obj, const char *field)
{
	json_t *v = json_object_get(obj, field);
	return json_is_integer(v) ? json_integer_value(v) : -1;
}

const char *fixture_str(json_t *obj, const char *field)
{
	return json_string_value(json_object_get(obj, field));
}

/* ===== Server life ===== */

/* Prints why the fixture could not be built and returns -1. */
static int report(fixture *f, const char *what)
{
	char *err = f->server ? proc_stderr(f->server) : NULL;
	print_error("%s\n  server stderr:\n%s\n", what, err ? err : "(server not running)");
	free(err);
	return -1;
}

/* Imports the test seminar with the command line, then reads its code
 * and key from the database. Returns 0 or -1 after printing why. */
static int import_seminar(fixture *f, const char *defn)
{
	const char *argv[] = {proc_bin(), "import", defn, "--db", f->db, NULL};
	int status = 0, rc = -1;
	char *out = NULL, *err = NULL, line[2048], st[32], serr[512] = "";
	int run = proc_run(argv, f->dir, FIXTURE_START_MS, &status, &out, &err);
	if (run != PROC_OK || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(line, sizeof line, "atelier import: %s; stderr: %s",
		         proc_status_text(status, st, sizeof st), err ? err : "");
		report(f, line);
		goto done;
	}
	if (srv_seminar(f->db, f->code, sizeof f->code, f->key, sizeof f->key, serr,
	                sizeof serr)) {
		report(f, serr);
		goto done;
	}
	if (!out || !strstr(out, f->code)) {
		report(f, "atelier import did not print the join code");
		goto done;
	}
	rc = 0;
done:
	free(out);
	free(err);
	return rc;
}

/* Starts `atelier serve` and waits for its port; returns 0 or -1 after
 * printing why (the server is then killed). */
static int start_server(fixture *f)
{
	int rc = srv_serve(proc_bin(), f->dir, f->db, f->sessions, f->port_file, NULL,
	                   FIXTURE_START_MS, &f->server, &f->port);
	if (rc == PROC_ERR && !f->server)
		return report(f, "cannot start atelier serve");
	if (rc) {
		char line[128], st[32];
		int status = 0;
		if (rc == PROC_EXITED && proc_wait(f->server, 0, &status) == PROC_OK)
			snprintf(line, sizeof line, "atelier serve ended (%s) before writing its port file",
			         proc_status_text(status, st, sizeof st));
		else
			snprintf(line, sizeof line, "atelier serve wrote no port file in %d ms",
			         FIXTURE_START_MS);
		report(f, line);
		proc_free(f->server);
		f->server = NULL;
		return -1;
	}
	return 0;
}

int fixture_setup(void **state)
{
	const char *src = getenv("ATELIER_SOURCE_DIR");
	char defn[1200], from[1200];
	fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	*state = f;
	if (!proc_bin() || !src) {
		report(f, "ATELIER_BIN and ATELIER_SOURCE_DIR must be set");
		goto fail;
	}
	if (proc_mkdtemp(f->dir, sizeof f->dir)) {
		f->dir[0] = '\0';
		report(f, "cannot create a scratch directory");
		goto fail;
	}
	snprintf(f->db, sizeof f->db, "%s/atelier.db", f->dir);
	snprintf(f->sessions, sizeof f->sessions, "%s/sessions", f->dir);
	snprintf(f->port_file, sizeof f->port_file, "%s/port", f->dir);
	snprintf(defn, sizeof defn, "%s/test-seminar.json", f->sessions);
	snprintf(from, sizeof from, "%s/tests/integration/data/test-seminar.json", src);
	if (mkdir(f->sessions, 0700) || proc_copy_file(from, defn)) {
		report(f, "cannot copy the test seminar");
		goto fail;
	}
	if (import_seminar(f, defn) || start_server(f))
		goto fail;
	return 0;
fail:
	fixture_teardown(state);
	return -1;
}

int fixture_teardown(void **state)
{
	fixture *f = *state;
	if (!f)
		return 0;
	proc_free(f->server);
	if (f->dir[0])
		proc_rmtree(f->dir);
	free(f);
	*state = NULL;
	return 0;
}

void fixture_start(fixture *f)
{
	assert_null(f->server);
	if (start_server(f))
		fail_msg("atelier serve did not start");
}

void fixture_stop(fixture *f)
{
	int status = 0;
	char st[32], line[128];
	assert_non_null(f->server);
	int rc = proc_stop(f->server, FIXTURE_START_MS, &status);
	snprintf(line, sizeof line, "atelier serve after SIGTERM: %s%s",
	         proc_status_text(status, st, sizeof st), rc ? " (did not stop in time)" : "");
	if (rc || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die(f, NULL, line);
	proc_free(f->server);
	f->server = NULL;
}

void fixture_kill(fixture *f)
{
	assert_non_null(f->server);
	proc_free(f->server);
	f->server = NULL;
}

/* ===== atelier.v1 exchanges ===== */

wsc *fixture_connect(fixture *f)
{
	char origin[64], err[256], line[400];
	wsc *c = NULL;
	snprintf(origin, sizeof origin, "http://127.0.0.1:%d", f->port);
	int rc = wsc_connect("127.0.0.1", f->port, "/ws", "atelier.v1", origin, FIXTURE_WAIT_MS,
	                     &c, err, sizeof err);
	if (rc) {
		snprintf(line, sizeof line, "WebSocket connection refused: %s", err);
		die(f, NULL, line);
	}
	return c;
}

json_t *fixture_call(fixture *f, wsc *c, const char *id, const char *fmt, ...)
{
	json_error_t jerr;
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	json_t *msg = json_vpack_ex(&jerr, 0, fmt, ap);
	va_end(ap);
	if (!msg)
		die(f, c, jerr.text);
	char *text = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	int rc = text ? wsc_send_text(c, text, strlen(text), 1) : WSC_ERR;
	free(text);
	if (rc)
		die(f, c, "cannot send");
	json_t *reply = wsc_expect_re(c, id, FIXTURE_WAIT_MS);
	if (!reply) {
		snprintf(line, sizeof line, "no reply to message %s", id);
		die(f, c, line);
	}
	return reply;
}

json_t *fixture_want(fixture *f, json_t *reply, const char *type)
{
	const char *t = fixture_str(reply, "type");
	if (!t || strcmp(t, type)) {
		char what[64];
		snprintf(what, sizeof what, "expected a %s", type);
		die_json(f, what, reply);
	}
	return reply;
}

void fixture_want_error(fixture *f, json_t *reply, const char *code)
{
	const char *t = fixture_str(reply, "type");
	const char *got = fixture_str(reply, "code");
	if (!t || strcmp(t, "error") || !got || strcmp(got, code)) {
		char what[64];
		snprintf(what, sizeof what, "expected error %s", code);
		die_json(f, what, reply);
	}
	json_decref(reply);
}

/* Sends watch (with since when >= 0, key when not NULL) and returns the
 * synced reply. */
static json_t *watch(fixture *f, wsc *c, const char *activity, long long since,
                     const char *key)
{
	json_t *msg = json_pack("{s:s,s:s,s:s}", "type", "watch", "id", "w", "code", f->code);
	if (activity)
		json_object_set_new(msg, "activity", json_string(activity));
	if (since >= 0)
		json_object_set_new(msg, "since", json_integer(since));
	if (key)
		json_object_set_new(msg, "key", json_string(key));
	return fixture_want(f, fixture_call(f, c, "w", "o", msg), "synced");
}

wsc *fixture_join(fixture *f, const char *token, char *token_out, size_t token_len,
                  json_t **joined)
{
	wsc *c = fixture_connect(f);
	json_t *msg = json_pack("{s:s,s:s,s:s}", "type", "join", "id", "j", "code", f->code);
	if (token)
		json_object_set_new(msg, "token", json_string(token));
	json_t *r = fixture_want(f, fixture_call(f, c, "j", "o", msg), "joined");
	const char *got = fixture_str(r, "token");
	if (!got || (token && strcmp(got, token)))
		die_json(f, token ? "joined with another token" : "joined without a token", r);
	if (token_out)
		snprintf(token_out, token_len, "%s", got);
	if (joined)
		*joined = r;
	else
		json_decref(r);
	return c;
}

wsc *fixture_phone(fixture *f, const char *activity, json_t **seminar)
{
	json_t *joined;
	wsc *c = fixture_join(f, NULL, NULL, 0, &joined);
	if (seminar)
		*seminar = json_incref(json_object_get(joined, "seminar"));
	json_decref(joined);
	json_decref(watch(f, c, activity, -1, NULL));
	return c;
}

wsc *fixture_screen(fixture *f, const char *activity, long long *seq)
{
	wsc *c = fixture_connect(f);
	json_t *synced = watch(f, c, activity, -1, NULL);
	*seq = fixture_int(synced, "seq");
	if (*seq < 0)
		die_json(f, "synced without seq", synced);
	json_decref(synced);
	return c;
}

void fixture_set_state(fixture *f, wsc *c, const char *activity, const char *state)
{
	char id[96];
	snprintf(id, sizeof id, "st-%s-%s", activity, state);
	json_t *r = fixture_want(f,
	                         fixture_call(f, c, id, "{s:s,s:s,s:s,s:s,s:s,s:s}", "type",
	                                      "set_state", "id", id, "code", f->code, "key", f->key,
	                                      "activity", activity, "state", state),
	                         "ack");
	json_t *a = json_object_get(r, "activity");
	const char *got = fixture_str(a, "state");
	const char *aid = fixture_str(a, "id");
	if (!got || strcmp(got, state) || !aid || strcmp(aid, activity))
		die_json(f, "set_state acknowledged another state", r);
	json_decref(r);
}

void fixture_board(json_t *seminar, const char *activity, const char *kind, char *out,
                   size_t out_len)
{
	size_t i, j;
	json_t *a, *b;
	out[0] = '\0';
	json_array_foreach(json_object_get(seminar, "activities"), i, a) {
		if (strcmp(fixture_str(a, "id") ? fixture_str(a, "id") : "", activity))
			continue;
		json_array_foreach(json_object_get(a, "boards"), j, b) {
			const char *k = fixture_str(b, "kind");
			if (k && !strcmp(k, kind) && fixture_str(b, "id")) {
				snprintf(out, out_len, "%s", fixture_str(b, "id"));
				return;
			}
		}
	}
	fail_msg("activity %s has no %s board in the seminar object", activity, kind);
}

json_t *fixture_post_reply(fixture *f, wsc *c, const char *id, const char *activity,
                           const char *board, const char *text)
{
	return fixture_call(f, c, id, "{s:s,s:s,s:s,s:s,s:s}", "type", "post", "id", id,
	                    "activity", activity, "board", board, "text", text);
}

long long fixture_post(fixture *f, wsc *c, const char *id, const char *activity,
                       const char *board, const char *text)
{
	json_t *r = fixture_want(f, fixture_post_reply(f, c, id, activity, board, text), "ack");
	json_t *contrib = json_object_get(r, "contribution");
	long long cid = fixture_int(contrib, "id");
	const char *got = fixture_str(contrib, "text");
	if (cid <= 0 || !got || strcmp(got, text))
		die_json(f, "ack without the posted contribution", r);
	json_decref(r);
	return cid;
}

json_t *fixture_event(fixture *f, wsc *c)
{
	json_t *ev = wsc_expect_event(c, "contribution", FIXTURE_WAIT_MS);
	if (!ev)
		die(f, c, "no contribution event");
	if (fixture_int(ev, "seq") <= 0)
		die_json(f, "event without a positive seq", ev);
	return ev;
}

json_t *fixture_snapshot(fixture *f, const char *key)
{
	wsc *c = fixture_connect(f);
	json_t *synced = watch(f, c, NULL, -1, key);
	wsc_close(c);
	const char *mode = fixture_str(synced, "mode");
	json_t *list = json_object_get(synced, "contributions");
	if (!mode || strcmp(mode, "snapshot") || !json_is_array(list))
		die_json(f, "a watch without since must give a snapshot", synced);
	json_incref(list);
	json_decref(synced);
	return list;
}

json_t *fixture_find(json_t *contributions, long long id)
{
	size_t i;
	json_t *c;
	json_array_foreach(contributions, i, c) {
		if (fixture_int(c, "id") == id)
			return c;
	}
	return NULL;
}

wsc *fixture_open_phone(fixture *f, char *board, size_t board_len)
{
	json_t *seminar = NULL;
	wsc *fac = fixture_connect(f);
	fixture_set_state(f, fac, FIXTURE_OPEN_ACTIVITY, "open");
	wsc_close(fac);
	wsc *c = fixture_phone(f, FIXTURE_OPEN_ACTIVITY, &seminar);
	fixture_board(seminar, FIXTURE_OPEN_ACTIVITY, "notes", board, board_len);
	json_decref(seminar);
	return c;
}

/* ===== The binary run to completion ===== */

fixture_run_out fixture_run(const char *dir, const char *const args[])
{
	const char *argv[16] = {proc_bin()};
	size_t n = 1;
	int status = 0;
	fixture_run_out r = {0};
	char st[32];

	for (; args[n - 1] && n < 15; n++)
		argv[n] = args[n - 1];
	argv[n] = NULL;
	int rc = proc_run(argv, dir, FIXTURE_START_MS, &status, &r.out, &r.err);
	if (rc == PROC_TIMEOUT)
		fail_msg("atelier %s ... did not end within %d ms; stderr: %s", args[0],
		         FIXTURE_START_MS, r.err ? r.err : "");
	assert_int_equal(rc, PROC_OK);
	if (!WIFEXITED(status))
		fail_msg("atelier %s ... crashed (%s); stderr: %s", args[0],
		         proc_status_text(status, st, sizeof st), r.err ? r.err : "");
	r.code = WEXITSTATUS(status);
	assert_non_null(r.out);
	assert_non_null(r.err);
	return r;
}

void fixture_run_free(fixture_run_out *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

/* The lines of text that are not blank. */
static int count_lines(const char *text)
{
	int n = 0;
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		size_t blank = strspn(p, " \t\r");
		n += blank < len;
		p += len + (e != NULL);
	}
	return n;
}

void fixture_want_refusal(const fixture_run_out *r, const char *what, const char *want)
{
	if (r->code == 0)
		fail_msg("%s: exit 0; stderr: %s", what, r->err);
	if (count_lines(r->err) != 1)
		fail_msg("%s: want one sentence on stderr, got:\n%s", what, r->err);
	if (want && !strstr(r->err, want))
		fail_msg("%s: the sentence does not say \"%s\": %s", what, want, r->err);
}
