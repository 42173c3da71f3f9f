/*
 * sec_http.c — hostile HTTP clients against the real server over raw TCP:
 * path traversal in every encoding never serves a file outside the web
 * folder, every kind of response carries the security headers, a
 * slowloris client (or one that never sends a byte) is dropped while
 * others are served, the key of /api/export is throttled after wrong
 * guesses and kept out of the logs, and so are join codes guessed
 * through /api/join and /qr. Text files and the pages' catalogues go in
 * gzip to the clients that take it (and only to them), revalidate by
 * ETag, and the traversal attempts are made both ways.
 *
 * Boundary: the atelier binary over plain sockets; one fresh server per
 * test, on a scratch copy of the pages with a secret file just outside.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"
#include "sec_server.h"

#define SECRET "SECRET-OUTSIDE-WEB-5d41402abc4b2a76"
#define WAIT FIXTURE_WAIT_MS

/* SECRET on many lines: a text the server would compress, so that a leak
 * through the gzip path shows only once the body is inflated. */
static void write_secret(const char *path)
{
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	for (int i = 0; i < 200; i++)
		fprintf(fp, "%s line %d\n", SECRET, i);
	assert_int_equal(fclose(fp), 0);
}

/* Restarts the fixture's server on dir/www (a copy of the pages it needs:
 * index.html, css/base.css, i18n.json) with SECRET in dir/secret.txt,
 * dir/www-secret.txt and dir/wwwx/secret.txt: beside the web folder, and
 * in names that share its prefix. */
static void serve_scratch_web(fixture *f)
{
	const char *src = getenv("ATELIER_SOURCE_DIR");
	char web[1200], path[1300], from[1300];
	assert_non_null(src);
	snprintf(web, sizeof web, "%s/www", f->dir);
	assert_int_equal(mkdir(web, 0700), 0);
	snprintf(path, sizeof path, "%s/css", web);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(from, sizeof from, "%s/web/index.html", src);
	snprintf(path, sizeof path, "%s/index.html", web);
	assert_int_equal(proc_copy_file(from, path), 0);
	snprintf(from, sizeof from, "%s/web/css/base.css", src);
	snprintf(path, sizeof path, "%s/css/base.css", web);
	assert_int_equal(proc_copy_file(from, path), 0);
	snprintf(from, sizeof from, "%s/web/i18n.json", src);
	snprintf(path, sizeof path, "%s/i18n.json", web);
	assert_int_equal(proc_copy_file(from, path), 0);
	snprintf(path, sizeof path, "%s/secret.txt", f->dir);
	write_secret(path);
	snprintf(path, sizeof path, "%s/www-secret.txt", f->dir);
	write_secret(path);
	snprintf(path, sizeof path, "%s/wwwx", f->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/wwwx/secret.txt", f->dir);
	write_secret(path);
	const char *extra[] = {"--web", web, NULL};
	sec_restart(f, extra);
}

/* GET target with extra headers (NULL: none); the response, its length
 * in *len. */
static char *get_n(fixture *f, const char *target, const char *headers, size_t *len)
{
	char req[16384];
	int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%sConnection: close\r\n\r\n",
	                 target, f->port, headers ? headers : "");
	assert_true(n > 0 && n < (int)sizeof req);
	return sec_http_n(f->port, req, (size_t)n, WAIT, len);
}

static char *get(fixture *f, const char *target, const char *headers)
{
	size_t len;
	return get_n(f, target, headers, &len);
}

/* 1 when the response to GET target (with headers) shows the secret,
 * in its bytes or in its body once inflated. */
static int leaks(fixture *f, const char *target, const char *headers)
{
	size_t len;
	char *resp = get_n(f, target, headers, &len);
	char *body = sec_body(resp, len);
	int leak = strstr(resp, SECRET) || strstr(body, SECRET) || strstr(body, "root:x:0:0");
	free(body);
	free(resp);
	return leak;
}

#define GZIP "Accept-Encoding: gzip, deflate\r\n"

/* ===== Path traversal ===== */

static void test_path_traversal_never_leaves_web(void **state)
{
	fixture *f = *state;
	serve_scratch_web(f);
	/* The control: the pages themselves are served. */
	char *ok = get(f, "/index.html", NULL);
	assert_int_equal(sec_status(ok), 200);
	free(ok);
	const char *dirs[] = {"", "/css", "/j", "/qr", "/api", "/api/export", "/css/x/y"};
	const char *ups[] = {"..", "%2e%2e", "%2E%2E", ".%2e", "%2e.", "%252e%252e", "....",
	                     "..%00", "%c0%ae%c0%ae", "..\\", ".%u002e"};
	const char *seps[] = {"/", "%2f", "%2F", "%252f", "\\", "%5c", "//", "/./"};
	const char *targets[] = {"secret.txt", "www-secret.txt", "wwwx/secret.txt",
	                         "secret.txt%00.html", "secret.txt%00"};
	char path[2048];
	int tried = 0;
	for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++)
		for (size_t u = 0; u < sizeof ups / sizeof ups[0]; u++)
			for (size_t s = 0; s < sizeof seps / sizeof seps[0]; s++)
				for (size_t t = 0; t < sizeof targets / sizeof targets[0]; t++) {
					/* one, two and four levels up */
					for (int depth = 1; depth <= 4; depth *= 2) {
						int k = snprintf(path, sizeof path, "%s", dirs[d]);
						for (int i = 0; i < depth; i++)
							k += snprintf(path + k, sizeof path - (size_t)k, "%s%s",
							              seps[s][0] == '/' || i ? seps[s] : "/", ups[u]);
						snprintf(path + k, sizeof path - (size_t)k, "%s%s", seps[s],
						         targets[t]);
						if (leaks(f, path, NULL))
							fail_msg("GET %s served the secret", path);
						if (leaks(f, path, GZIP))
							fail_msg("GET %s served the secret in gzip", path);
						tried += 2;
					}
				}
	/* Absolute forms, odd request targets, a very long path. */
	char wwwdir[1300], longp[12000];
	snprintf(wwwdir, sizeof wwwdir, "%s/secret.txt", f->dir);
	int k = 0;
	for (int i = 0; i < 1000; i++)
		k += snprintf(longp + k, sizeof longp - (size_t)k, "/..");
	snprintf(longp + k, sizeof longp - (size_t)k, "/secret.txt");
	const char *odd[] = {wwwdir, "/etc/passwd", "//etc/passwd", "/../../../../etc/passwd",
	                     "http://127.0.0.1/../secret.txt", "../secret.txt", "secret.txt",
	                     "/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/./../secret.txt",
	                     "/css/./../../secret.txt", "/index.html/../../secret.txt", longp};
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		if (leaks(f, odd[i], NULL) || leaks(f, odd[i], GZIP))
			fail_msg("GET %.80s served a file outside web/", odd[i]);
	}
	assert_true(tried > 1000);
	/* The server is still up and serving. */
	ok = get(f, "/css/base.css", NULL);
	assert_int_equal(sec_status(ok), 200);
	free(ok);
}

/* ===== Security headers ===== */

static void want_headers(const char *what, const char *resp, int status)
{
	char v[1024];
	if (sec_status(resp) != status)
		fail_msg("%s: status %d, expected %d:\n%.300s", what, sec_status(resp), status, resp);
	if (sec_header(resp, "content-security-policy", v, sizeof v))
		fail_msg("%s: no Content-Security-Policy", what);
	if (!strstr(v, "frame-ancestors 'none'") || !strstr(v, "default-src 'none'") ||
	    strstr(v, "unsafe-inline") || strstr(v, "unsafe-eval"))
		fail_msg("%s: weak Content-Security-Policy: %s", what, v);
	if (sec_header(resp, "x-content-type-options", v, sizeof v) || strcmp(v, "nosniff"))
		fail_msg("%s: no X-Content-Type-Options: nosniff", what);
	if (sec_header(resp, "referrer-policy", v, sizeof v) || strcmp(v, "no-referrer"))
		fail_msg("%s: no Referrer-Policy: no-referrer", what);
	if (sec_header(resp, "x-frame-options", v, sizeof v) || strcmp(v, "DENY"))
		fail_msg("%s: no X-Frame-Options: DENY", what);
}

static void test_security_headers_on_every_response(void **state)
{
	fixture *f = *state;
	char target[128], hdr[256];
	struct {
		const char *what, *target, *headers;
		int status;
	} cases[] = {
		{"static page", "/index.html", NULL, 200},
		{"static page in gzip", "/index.html", GZIP, 200},
		{"default page", "/", NULL, 200},
		{"stylesheet", "/css/base.css", NULL, 200},
		{"missing file", "/nope.html", NULL, 404},
		{"health", "/api/health", NULL, 200},
		{"unknown api", "/api/nope", NULL, 404},
		{"join link", "/j/%s", NULL, 200},
		{"join link in gzip", "/j/%s", GZIP, 200},
		{"page catalogue", "/i18n/fr/phone.json", NULL, 200},
		{"page catalogue in gzip", "/i18n/en/screen.json", GZIP, 200},
		{"unknown page catalogue", "/i18n/fr/cli.json", NULL, 404},
		{"join link, unknown code", "/j/ZZZZ99", NULL, 200}, /* the page says so */
		{"join link, bad code", "/j/a.b", NULL, 404},
		{"join address", "/api/join/%s", NULL, 200},
		{"QR code", "/qr/%s.svg", NULL, 200},
		{"QR code, unknown", "/qr/ZZZZ99.svg", NULL, 404},
		{"export without key", "/api/export/%s.md", NULL, 403},
		{"export", "/api/export/%s.md", "X-Atelier-Key: %s\r\n", 200},
		{"foreign origin", "/ws",
		 "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
		 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: "
		 "atelier.v1\r\nOrigin: http://evil.example\r\n",
		 403},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(target, sizeof target, cases[i].target, f->code);
		snprintf(hdr, sizeof hdr, cases[i].headers ? cases[i].headers : "", f->key);
		char *resp = get(f, target, hdr);
		want_headers(cases[i].what, resp, cases[i].status);
		free(resp);
	}
}

/* ===== Static files in gzip ===== */

/* The body of GET target (with headers), inflated; *enc and *etag get
 * its Content-Encoding and ETag ("" when absent). */
static char *body_of(fixture *f, const char *target, const char *headers, int status,
                     char *enc, char *etag)
{
	size_t len;
	char *resp = get_n(f, target, headers, &len), v[256];
	want_headers(target, resp, status);
	if (sec_header(resp, "vary", v, sizeof v) || strcasecmp(v, "Accept-Encoding"))
		fail_msg("GET %s: no Vary: Accept-Encoding", target);
	if (sec_header(resp, "content-encoding", enc, 32))
		enc[0] = '\0';
	if (sec_header(resp, "etag", etag, 64))
		etag[0] = '\0';
	char *body = sec_body(resp, len);
	free(resp);
	return body;
}

/* target's two ETags differ, and each, sent back with the same
 * Accept-Encoding, gets a 304 (with the security headers and Vary) that
 * names it. */
static void revalidates(fixture *f, const char *target, const char *etag_gz, const char *etag)
{
	char hdr[256], enc[32], got[64];
	assert_true(etag_gz[0] && etag[0] && strcmp(etag_gz, etag) != 0);
	snprintf(hdr, sizeof hdr, GZIP "If-None-Match: %s\r\n", etag_gz);
	free(body_of(f, target, hdr, 304, enc, got));
	assert_string_equal(got, etag_gz);
	snprintf(hdr, sizeof hdr, "If-None-Match: %s\r\n", etag);
	free(body_of(f, target, hdr, 304, enc, got));
	assert_string_equal(got, etag);
}

static void test_text_files_in_gzip_to_those_who_take_it(void **state)
{
	fixture *f = *state;
	char enc[32], etag_gz[64], etag[64], path[1300], target[64];
	serve_scratch_web(f);
	snprintf(path, sizeof path, "%s/www/css/base.css", f->dir);
	char *file = proc_slurp(path, NULL);
	assert_true(file && *file);

	/* Asked with gzip: the same bytes, compressed; without: as they are. */
	char *b = body_of(f, "/css/base.css", GZIP, 200, enc, etag_gz);
	assert_string_equal(enc, "gzip");
	assert_string_equal(b, file);
	free(b);
	const char *plain[] = {NULL, "Accept-Encoding: identity\r\n", "Accept-Encoding: br\r\n"};
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
		b = body_of(f, "/css/base.css", plain[i], 200, enc, etag);
		assert_string_equal(enc, "");
		assert_string_equal(b, file);
		free(b);
	}
	/* Each form has its own ETag, and each revalidates. */
	revalidates(f, "/css/base.css", etag_gz, etag);

	/* A changed file: its new bytes, under a new ETag. */
	FILE *fp = fopen(path, "a");
	assert_non_null(fp);
	fputs("\n/* changed */\n.changed { color: red; }\n", fp);
	assert_int_equal(fclose(fp), 0);
	free(file);
	file = proc_slurp(path, NULL);
	assert_true(file && *file);
	b = body_of(f, "/css/base.css", GZIP, 200, enc, etag);
	assert_string_equal(enc, "gzip");
	assert_string_equal(b, file);
	assert_string_not_equal(etag, etag_gz);
	free(b);
	free(file);

	/* A page's catalogue: the same text either way, each form with its
	 * ETag, each revalidated. */
	char *gzcat = body_of(f, "/i18n/fr/phone.json", GZIP, 200, enc, etag_gz);
	assert_string_equal(enc, "gzip");
	assert_true(strstr(gzcat, "\"phone.code_label\":\"") && !strstr(gzcat, "\"cli."));
	b = body_of(f, "/i18n/fr/phone.json", NULL, 200, enc, etag);
	assert_string_equal(enc, "");
	assert_string_equal(b, gzcat);
	free(b);
	free(gzcat);
	revalidates(f, "/i18n/fr/phone.json", etag_gz, etag);

	/* The join link's page too. */
	snprintf(path, sizeof path, "%s/www/index.html", f->dir);
	file = proc_slurp(path, NULL);
	assert_true(file && *file);
	snprintf(target, sizeof target, "/j/%s", f->code);
	b = body_of(f, target, GZIP, 200, enc, etag);
	assert_string_equal(enc, "gzip");
	assert_string_equal(b, file);
	free(b);
	free(file);
}

/* ===== Slowloris ===== */

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void test_slowloris_dropped_others_served(void **state)
{
	fixture *f = *state;
	enum { SLOW = 40 };
	const char *extra[] = {"--header-timeout", "2", NULL};
	const char *head = "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: "
	                   "slow-slow-slow-slow-slow-slow-slow-slow-slow-slow-slow\r\n"
	                   "X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
	int fds[SLOW], open_fds = SLOW;
	size_t pos = 0;
	sec_restart(f, extra);
	int silent[5];
	for (int i = 0; i < SLOW; i++)
		fds[i] = sec_tcp(f->port);
	for (int i = 0; i < 5; i++)
		silent[i] = sec_tcp(f->port); /* connect and never send a byte */
	/* One byte per connection every 100 ms, for at most 15 s: the request
	 * head is never complete before then. */
	long long start = now_ms();
	int asked = 0, served = 0, held = 0;
	while (open_fds && now_ms() - start < 15000 && pos < strlen(head)) {
		for (int i = 0; i < SLOW; i++)
			if (fds[i] >= 0 && send(fds[i], head + pos, 1, MSG_NOSIGNAL) != 1) {
				close(fds[i]);
				fds[i] = -1;
				open_fds--;
			}
		pos++;
		/* Meanwhile ordinary clients are served, every one of them. */
		if (pos % 5 == 3) {
			char *resp = get(f, "/api/health", NULL);
			asked++;
			if (sec_status(resp) == 200 && strstr(resp, "\"ok\"")) {
				served++;
				held += open_fds == SLOW;
			}
			free(resp);
		}
		usleep(100 * 1000);
	}
	/* Whatever was not refused while sending is closed by now: reading
	 * gives the end of the stream, never the health answer. */
	for (int i = 0; i < SLOW; i++) {
		if (fds[i] < 0)
			continue;
		int closed = 0;
		char *rest = sec_read_all(fds[i], 3000, 4096, &closed);
		if (strstr(rest, "\"ok\""))
			fail_msg("a slowloris request was answered after %zu bytes", pos);
		if (!closed)
			fail_msg("a slowloris connection is still open after %zu bytes", pos);
		free(rest);
		close(fds[i]);
	}
	for (int i = 0; i < 5; i++) {
		int closed = 0;
		free(sec_read_all(silent[i], 3000, 4096, &closed));
		close(silent[i]);
		if (!closed)
			fail_msg("a connection that never sent anything is still open");
	}
	assert_true(pos < strlen(head));
	assert_int_equal(served, asked);
	assert_true(held >= 1); /* served while all 40 were held open */
	char *after = get(f, "/api/health", NULL);
	assert_int_equal(sec_status(after), 200);
	free(after);
	assert_true(proc_running(f->server));
}

/* ===== Guessing secrets over HTTP ===== */

/* One wrong guess; returns the status. */
typedef int (*guess_fn)(fixture *f, int i);

static int guess_key(fixture *f, int i)
{
	char target[128], hdr[256];
	snprintf(target, sizeof target, "/api/export/%s.json", f->code);
	snprintf(hdr, sizeof hdr, "X-Atelier-Key: guessed-key-%04d\r\n", i);
	char *resp = get(f, target, hdr);
	int st = sec_status(resp);
	free(resp);
	return st;
}

static int guess_code(fixture *f, int i)
{
	char target[128];
	if (i % 2)
		snprintf(target, sizeof target, "/api/join/ZZ%04d", i);
	else
		snprintf(target, sizeof target, "/qr/ZZ%04d.svg", i);
	char *resp = get(f, target, NULL);
	int st = sec_status(resp);
	free(resp);
	return st;
}

/* Guesses until answered 429; returns how many were answered
 * free_status before. Then, twice, waits for the lock-out to end and
 * guesses wrong again, so that it lasts 4 s and the checks that follow
 * run inside it even on a slow machine. */
static int guess_until_locked(fixture *f, guess_fn guess, int free_status)
{
	int i = 0, st;
	for (; i < 60 && (st = guess(f, i)) != 429; i++)
		if (st != free_status)
			fail_msg("guess %d: status %d", i, st);
	if (i == 60)
		fail_msg("no lock-out after %d wrong guesses", i);
	for (int round = 0; round < 2; round++) {
		int k = 0;
		for (; k < 50; k++) {
			usleep(200 * 1000);
			st = guess(f, 100 * (round + 1) + k);
			if (st == free_status)
				break;
			assert_int_equal(st, 429);
		}
		assert_true(k < 50);
	}
	return i;
}

static void test_export_key_guessing_throttled_and_not_logged(void **state)
{
	fixture *f = *state;
	sec_kind_key k[SEC_KINDS];
	char target[128], hdr[256];
	sec_every_kind(f, FIXTURE_OPEN_ACTIVITY, k);
	int refused = guess_until_locked(f, guess_key, 403);
	assert_true(refused >= 3 && refused <= 10);
	/* Locked out: a right key, of every kind, is refused the same way
	 * for now. */
	snprintf(target, sizeof target, "/api/export/%s.json", f->code);
	for (int i = 0; i < SEC_KINDS; i++) {
		snprintf(hdr, sizeof hdr, "X-Atelier-Key: %s\r\n", k[i].key);
		char *resp = get(f, target, hdr);
		if (sec_status(resp) != 429)
			fail_msg("the %s key while locked out: %d", k[i].what, sec_status(resp));
		assert_null(strstr(resp, k[i].key));
		free(resp);
	}
	sec_no_key_logged(f, k, "guessed-key-");
}

static void test_code_guessing_over_http_throttled(void **state)
{
	fixture *f = *state;
	char target[128];
	assert_true(guess_until_locked(f, guess_code, 404) >= 5);
	/* Locked out: a real code gets the same answer, on every route that
	 * would tell, and over the WebSocket too. */
	snprintf(target, sizeof target, "/api/join/%s", f->code);
	char *resp = get(f, target, NULL);
	assert_int_equal(sec_status(resp), 429);
	free(resp);
	snprintf(target, sizeof target, "/qr/%s.svg", f->code);
	resp = get(f, target, NULL);
	assert_int_equal(sec_status(resp), 429);
	free(resp);
	wsc *c = fixture_connect(f);
	json_t *r = fixture_call(f, c, "j", "{s:s,s:s,s:s}", "type", "join", "id", "j", "code",
	                         f->code);
	fixture_want_error(f, r, "rate_limited");
	wsc_close(c);
}

/* ===== Options ===== */

static void test_bad_security_options_refused(void **state)
{
	char dir[1024];
	(void)state;
	assert_int_equal(proc_mkdtemp(dir, sizeof dir), PROC_OK);
	const char *bad[][3] = {
		{"--idle-timeout", "0", "--idle-timeout"},
		{"--idle-timeout", "5s", "--idle-timeout"},
		{"--header-timeout", "99999", "--header-timeout"},
		{"--allow-origin", "https://atelier.example.org/chemin", "https://atelier.example.org/chemin"},
		{"--allow-origin", "atelier.example.org", "atelier.example.org"},
		{"--allow-origin", "https://user@evil.example", "https://user@evil.example"},
		{"--no-rate-limit=1", NULL, "--no-rate-limit=1"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *argv[] = {proc_bin(), "serve", "--listen", "127.0.0.1:0", bad[i][0],
		                      bad[i][1], NULL};
		int status = 0;
		char *out = NULL, *err = NULL;
		assert_int_equal(proc_run(argv, dir, WAIT, &status, &out, &err), PROC_OK);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 2 || !strstr(err, bad[i][2]) ||
		    strncmp(err, "atelier : ", 10) || strchr(err, '\n') != err + strlen(err) - 1)
			fail_msg("serve %s %s: status %d, stderr: %s", bad[i][0],
			         bad[i][1] ? bad[i][1] : "", status, err);
		free(out);
		free(err);
	}
	proc_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_path_traversal_never_leaves_web, fixture_setup,
		                                fixture_teardown),
		cmocka_unit_test_setup_teardown(test_security_headers_on_every_response,
		                                fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_text_files_in_gzip_to_those_who_take_it,
		                                fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_slowloris_dropped_others_served, fixture_setup,
		                                fixture_teardown),
		cmocka_unit_test_setup_teardown(test_export_key_guessing_throttled_and_not_logged,
		                                fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_code_guessing_over_http_throttled, fixture_setup,
		                                fixture_teardown),
		cmocka_unit_test(test_bad_security_options_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
