/*
 * integ_export.c — /api/export off the event loop, against the real
 * server: while exports of a 10,000-contribution seminar are being
 * rendered, a phone's post is acknowledged before they are all answered
 * (the loop keeps serving; with exports on the loop, the post waited
 * behind every export read before it); more simultaneous exports than the
 * worker's queue holds get 503 with Retry-After and the catalogue's
 * sentence (err.busy), the others the right document.
 *
 * Boundary: the atelier binary over plain sockets and tests/support's
 * WebSocket client (and the raw TCP helpers of tests/security). The big
 * seminar is written by the benchmark's filler
 * (bench/fill.c, through the server's own write path) before the server
 * starts; the test seminar is imported by the server from its sessions
 * folder. The expected documents are rendered here through the
 * production store and export API. Order and counts are asserted, never
 * durations; every wait is bounded.
 */
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "export.h"
#include "fill.h"
#include "i18n.h"
#include "fixture.h"
#include "sec_server.h"
#include "srv.h"
#include "export_view.h"
#include "store.h"

#define BIG 10000      /* contributions of the exports' seminar */
#define PARALLEL 6     /* exports in flight while the phone posts */
#define BURST 24       /* simultaneous exports, more than the queue holds */
#define QUEUE 8        /* the worker's queue (WORKER_QUEUE_DEFAULT) */
#define READ_MS 30000  /* the bound of one export's answer */
#define BUSY_MS 60000  /* the bound of asking again while the queue is full */

struct env {
	fixture f;            /* the server, the test seminar's code and key */
	fill_result big;      /* the exports' seminar */
	char *want[EXPORT__COUNT]; /* its documents, rendered here */
	size_t want_len[EXPORT__COUNT];
	char busy[512];       /* the catalogue's err.busy, in the server's language */
};

static int setup(void **state)
{
	const char *src = getenv("ATELIER_SOURCE_DIR");
	char from[1200], to[1200], defn[1200], err[1024];
	struct env *e = calloc(1, sizeof *e);
	store *st = NULL;
	assert_non_null(e);
	*state = e;
	assert_non_null(src);
	assert_non_null(proc_bin());
	fixture *f = &e->f;
	assert_int_equal(proc_mkdtemp(f->dir, sizeof f->dir), 0);
	snprintf(f->db, sizeof f->db, "%s/atelier.db", f->dir);
	snprintf(f->sessions, sizeof f->sessions, "%s/sessions", f->dir);
	snprintf(f->port_file, sizeof f->port_file, "%s/port", f->dir);
	assert_int_equal(mkdir(f->sessions, 0700), 0);
	snprintf(defn, sizeof defn, "%s/bench/s7-seminar.json", src);
	if (fill_seminar(f->db, defn, NULL, BIG, &e->big, err, sizeof err))
		fail_msg("fill_seminar: %s", err);
	snprintf(from, sizeof from, "%s/tests/integration/data/test-seminar.json", src);
	snprintf(to, sizeof to, "%s/test-seminar.json", f->sessions);
	assert_int_equal(proc_copy_file(from, to), 0);
	fixture_start(f); /* imports the test seminar from its sessions folder */

	if (srv_seminar_besides(f->db, e->big.code, f->code, sizeof f->code, f->key,
	                        sizeof f->key, err, sizeof err))
		fail_msg("%s", err);
	/* The server speaks the language of the environment it inherits. */
	i18n_cat *cat = i18n_new(i18n_env_lang());
	assert_non_null(cat);
	assert_int_equal(store_open(f->db, cat, &st, err, sizeof err), 0);
	json_t *doc = NULL;
	assert_int_equal(export_view_document(st, e->big.code, &doc), 0);
	for (int i = 0; i < EXPORT__COUNT; i++)
		assert_int_equal(
			export_render(doc, (export_format)i, cat, &e->want[i], &e->want_len[i]), 0);
	json_decref(doc);
	store_close(st);
	snprintf(e->busy, sizeof e->busy, "%s", i18n("err.busy", cat));
	i18n_free(cat);
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	if (!e)
		return 0;
	for (int i = 0; i < EXPORT__COUNT; i++)
		free(e->want[i]);
	proc_free(e->f.server);
	if (e->f.dir[0])
		proc_rmtree(e->f.dir);
	free(e);
	return 0;
}

/* ===== Plain HTTP ===== */

static void send_export(struct env *e, int fd, export_format f)
{
	char req[512];
	int n = snprintf(req, sizeof req,
	                 "GET /api/export/%s.%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
	                 "X-Atelier-Key: %s\r\n\r\n",
	                 e->big.code, export_format_ext(f), e->f.port, e->big.key);
	assert_int_equal(send(fd, req, (size_t)n, MSG_NOSIGNAL), n);
}

/* 1 when fd has something to read (or was closed) right now. */
static int answered(int fd)
{
	struct pollfd p = {fd, POLLIN, 0};
	return poll(&p, 1, 0) == 1;
}

/* A response read whole: its status, Retry-After (or ""), body. */
struct resp {
	int status;
	char retry_after[16];
	char *body;
	size_t len;
};

/* Reads one response with a Content-Length body, bounded by READ_MS. */
static void read_resp(int fd, struct resp *r)
{
	size_t cap = 1 << 16, used = 0, head_len = 0, body_len = 0;
	char *buf = malloc(cap), cl[32];
	assert_non_null(buf);
	memset(r, 0, sizeof *r);
	for (;;) {
		if (head_len && used >= head_len + body_len)
			break;
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, READ_MS) != 1)
			fail_msg("no whole answer in %d ms (%zu bytes came)", READ_MS, used);
		if (used + 4096 > cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		ssize_t k = recv(fd, buf + used, cap - used - 1, 0);
		if (k <= 0)
			fail_msg("the connection ended after %zu bytes", used);
		used += (size_t)k;
		buf[used] = '\0';
		char *end = head_len ? NULL : strstr(buf, "\r\n\r\n");
		if (end) {
			head_len = (size_t)(end - buf) + 4;
			assert_int_equal(sec_header(buf, "content-length", cl, sizeof cl), 0);
			body_len = strtoul(cl, NULL, 10);
			r->status = sec_status(buf);
			sec_header(buf, "retry-after", r->retry_after, sizeof r->retry_after);
		}
	}
	assert_int_equal(used, head_len + body_len); /* one answer, nothing more */
	r->body = malloc(body_len + 1);
	assert_non_null(r->body);
	memcpy(r->body, buf + head_len, body_len);
	r->body[body_len] = '\0';
	r->len = body_len;
	free(buf);
}

/* Fails unless r is a 200 with the document of format f. The JSON one
 * says to the second when it was made: that field aside, the same
 * document (the others give the day only). */
static void want_document(struct env *e, const struct resp *r, export_format f)
{
	assert_int_equal(r->status, 200);
	if (f == EXPORT_JSON) {
		json_t *got = json_loadb(r->body, r->len, 0, NULL),
		       *want = json_loadb(e->want[f], e->want_len[f], 0, NULL);
		assert_non_null(got);
		assert_non_null(want);
		assert_non_null(json_object_get(got, "generated"));
		json_object_del(got, "generated");
		json_object_del(want, "generated");
		assert_true(json_equal(got, want));
		json_decref(got);
		json_decref(want);
		return;
	}
	assert_int_equal(r->len, e->want_len[f]);
	assert_memory_equal(r->body, e->want[f], r->len);
}

/* ===== Tests ===== */

/* The connections of the exports are opened before the phone's, so that
 * the server, serving ready connections in the order it accepted them,
 * would read every export request before the post if it rendered them
 * on the loop: each export's answer would then be sent before the ack. */
static void test_post_acknowledged_while_exports_render(void **state)
{
	struct env *e = *state;
	fixture *f = &e->f;
	int fd[PARALLEL];
	char board[64];
	for (int i = 0; i < PARALLEL; i++)
		fd[i] = sec_tcp(f->port);
	wsc *phone = fixture_open_phone(f, board, sizeof board);

	for (int i = 0; i < PARALLEL; i++)
		send_export(e, fd[i], (export_format)(i % EXPORT__COUNT));
	fixture_post(f, phone, "pendant", FIXTURE_OPEN_ACTIVITY, board, "Posté pendant l'export");
	int before = 0;
	for (int i = 0; i < PARALLEL; i++)
		before += answered(fd[i]);
	/* The worker renders one export at a time: when the ack came, the
	 * loop had not waited for them all. */
	assert_true(before < PARALLEL);

	for (int i = 0; i < PARALLEL; i++) {
		struct resp r;
		read_resp(fd[i], &r);
		want_document(e, &r, (export_format)(i % EXPORT__COUNT));
		free(r.body);
		close(fd[i]);
	}
	wsc_close(phone);
}

static void test_full_queue_answers_busy(void **state)
{
	struct env *e = *state;
	int fd[BURST], ok = 0, busy = 0;
	for (int i = 0; i < BURST; i++)
		fd[i] = sec_tcp(e->f.port);
	for (int i = 0; i < BURST; i++)
		send_export(e, fd[i], (export_format)(i % EXPORT__COUNT));
	for (int i = 0; i < BURST; i++) {
		struct resp r;
		read_resp(fd[i], &r);
		if (r.status == 503) {
			busy++;
			assert_string_equal(r.retry_after, "1");
			json_t *j = json_loadb(r.body, r.len, 0, NULL);
			assert_non_null(j);
			assert_string_equal(json_string_value(json_object_get(j, "error")), "busy");
			assert_string_equal(json_string_value(json_object_get(j, "message")), e->busy);
			assert_int_equal(json_object_size(j), 2);
			json_decref(j);
		} else {
			ok++;
			want_document(e, &r, (export_format)(i % EXPORT__COUNT));
		}
		free(r.body);
		close(fd[i]);
	}
	/* The first QUEUE always find a place; BURST requests read in less
	 * time than one export takes find it full. */
	assert_true(ok >= QUEUE);
	assert_true(busy >= 1);
	assert_int_equal(ok + busy, BURST);
}

/* Connections that go before their export is done: the results are
 * dropped and give their places back, and the server serves the next
 * ones (were the places kept, the queue would stay full). */
static void test_closed_before_answer(void **state)
{
	struct env *e = *state;
	for (int i = 0; i < QUEUE; i++) {
		int fd = sec_tcp(e->f.port);
		send_export(e, fd, EXPORT_CSV);
		close(fd);
	}
	int fd = sec_tcp(e->f.port);
	struct resp r;
	for (int waited = 0;; waited += 100) { /* the queue may still hold them */
		send_export(e, fd, EXPORT_CSV);
		read_resp(fd, &r);
		if (r.status != 503)
			break;
		if (waited >= BUSY_MS)
			fail_msg("the queue is still full %d ms after the connections went", BUSY_MS);
		free(r.body);
		close(fd);
		fd = sec_tcp(e->f.port);
		struct pollfd p = {-1, 0, 0};
		poll(&p, 0, 100); /* Retry-After asks for a pause */
	}
	want_document(e, &r, EXPORT_CSV);
	free(r.body);
	close(fd);
	fixture_stop(&e->f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_post_acknowledged_while_exports_render),
		cmocka_unit_test(test_full_queue_answers_busy),
		cmocka_unit_test(test_closed_before_answer),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
