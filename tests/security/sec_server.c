/*
 * sec_server.c — restarting the fixture's server with extra options, keys
 * of every kind, and raw TCP helpers for HTTP (see sec_server.h).
 *
 * Boundary: drives the atelier binary through tests/support and plain
 * sockets; knows nothing of the server's internals.
 */
#include "sec_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "srv.h"
#include "store.h"
#include "store_domain.h"
#include "tcp.h"

void sec_restart(fixture *f, const char *const *extra)
{
	if (f->server)
		fixture_kill(f);
	int rc = srv_serve(proc_bin(), f->dir, f->db, f->sessions, f->port_file, extra,
	                   FIXTURE_START_MS, &f->server, &f->port);
	assert_non_null(f->server);
	if (rc) {
		char *err = proc_stderr(f->server);
		fail_msg("atelier serve with extra options did not start: %s", err ? err : "");
	}
}

void sec_store_key(fixture *f, const char *activity, store_key_kind kind, int one_activity,
                   const char *name, int revoke, char *key, size_t len)
{
	store *st = NULL;
	store_activity a = {0};
	long long sid = 0, scope;
	char err[256];
	assert_int_equal(store_open(f->db, NULL, &st, err, sizeof err), STORE_OK);
	assert_int_equal(store_seminar_find(st, f->code, &sid), STORE_OK);
	if (one_activity)
		assert_int_equal(store_activity_find(st, sid, activity, &a), STORE_OK);
	scope = kind == STORE_KEY_ORGANISER ? 0 : sid;
	assert_int_equal(store_key_create(st, kind, scope, a.id, name, key, len, NULL), STORE_OK);
	if (revoke)
		assert_int_equal(store_key_revoke(st, kind, scope, name, NULL), STORE_OK);
	store_close(st);
}

void sec_every_kind(fixture *f, const char *activity, sec_kind_key k[SEC_KINDS])
{
	char path[1200];
	k[0] = (sec_kind_key){"facilitator of the seminar", "", "ack"};
	snprintf(k[0].key, sizeof k[0].key, "%s", f->key);
	k[1] = (sec_kind_key){"facilitator of the activity", "", "ack"};
	sec_store_key(f, activity, STORE_KEY_FACILITATOR, 1, "animation de l'activité", 0,
	              k[1].key, sizeof k[1].key);
	k[2] = (sec_kind_key){"organiser", "", "ack"};
	snprintf(path, sizeof path, "%s.organiser-key", f->db);
	char *text = proc_slurp(path, NULL);
	if (!text)
		fail_msg("no organiser's key file beside %s", f->db);
	snprintf(k[2].key, sizeof k[2].key, "%.*s", (int)strcspn(text, "\n"), text);
	free(text);
	k[3] = (sec_kind_key){"validation", "", "forbidden"};
	sec_store_key(f, activity, STORE_KEY_VALIDATION, 0, "copil", 0, k[3].key, sizeof k[3].key);
}

void sec_no_key_logged(fixture *f, const sec_kind_key k[SEC_KINDS], const char *wrong)
{
	char *err = proc_stderr(f->server), *out = proc_stdout(f->server);
	assert_non_null(err);
	assert_non_null(out);
	if (strstr(err, wrong) || strstr(out, wrong))
		fail_msg("a wrong key (\"%s\") is in the server's output", wrong);
	for (int i = 0; i < SEC_KINDS; i++)
		if (strstr(err, k[i].key) || (i > 0 && strstr(out, k[i].key)))
			fail_msg("the %s key is in the server's output", k[i].what);
	free(err);
	free(out);
}

int sec_tcp(int port)
{
	int fd = tcp_dial(port);
	if (fd < 0)
		fail_msg("cannot connect to port %d", port);
	return fd;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* sec_read_all, with the number of bytes read in *got. */
static char *read_all(int fd, int timeout_ms, size_t max, int *closed, size_t *got)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap + 1);
	long long end = now_ms() + timeout_ms;
	assert_non_null(buf);
	if (closed)
		*closed = 0;
	while (len < max) {
		long long left = end - now_ms();
		struct pollfd p = {fd, POLLIN, 0};
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
		ssize_t k = recv(fd, buf + len, cap - len, 0);
		if (k <= 0) {
			if (closed)
				*closed = 1;
			break;
		}
		len += (size_t)k;
	}
	buf[len] = '\0';
	*got = len;
	return buf;
}

char *sec_read_all(int fd, int timeout_ms, size_t max, int *closed)
{
	size_t got;
	return read_all(fd, timeout_ms, max, closed, &got);
}

char *sec_http_n(int port, const char *req, size_t len, int timeout_ms, size_t *resp_len)
{
	int fd = sec_tcp(port);
	assert_int_equal(send(fd, req, len, MSG_NOSIGNAL), (ssize_t)len);
	char *resp = read_all(fd, timeout_ms, 1 << 20, NULL, resp_len);
	close(fd);
	return resp;
}

char *sec_http(int port, const char *req, size_t len, int timeout_ms)
{
	size_t got;
	return sec_http_n(port, req, len, timeout_ms, &got);
}

char *sec_body(const char *resp, size_t resp_len)
{
	const char *head_end = strstr(resp, "\r\n\r\n");
	char v[64];
	if (!head_end)
		return strdup("");
	const char *body = head_end + 4;
	size_t avail = resp_len - (size_t)(body - resp), len = avail;
	if (!sec_header(resp, "content-length", v, sizeof v))
		len = (size_t)strtoull(v, NULL, 10);
	if (len > avail)
		fail_msg("response body cut: %zu of %zu bytes", avail, len);
	if (sec_header(resp, "content-encoding", v, sizeof v)) {
		char *plain = malloc(len + 1);
		assert_non_null(plain);
		memcpy(plain, body, len);
		plain[len] = '\0';
		return plain;
	}
	if (strcmp(v, "gzip"))
		fail_msg("unknown Content-Encoding: %s", v);
	z_stream z;
	size_t cap = 4 << 20;
	char *plain = malloc(cap + 1);
	assert_non_null(plain);
	memset(&z, 0, sizeof z);
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)body;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)plain;
	z.avail_out = (uInt)cap;
	if (inflate(&z, Z_FINISH) != Z_STREAM_END || z.avail_in)
		fail_msg("a gzip body that does not inflate whole (%zu bytes)", len);
	plain[z.total_out] = '\0';
	inflateEnd(&z);
	return plain;
}

int sec_status(const char *resp)
{
	int status;
	if (strncmp(resp, "HTTP/1.", 7) || sscanf(resp + 8, " %d", &status) != 1)
		return -1;
	return status;
}

int sec_header(const char *resp, const char *name, char *out, size_t out_len)
{
	const char *end = strstr(resp, "\r\n\r\n");
	size_t nl = strlen(name);
	for (const char *l = strstr(resp, "\r\n"); l && (!end || l < end); l = strstr(l + 2, "\r\n")) {
		const char *h = l + 2;
		if (strncasecmp(h, name, nl) == 0 && h[nl] == ':') {
			const char *v = h + nl + 1, *e = strstr(v, "\r\n");
			while (*v == ' ')
				v++;
			snprintf(out, out_len, "%.*s", e ? (int)(e - v) : (int)strlen(v), v);
			return 0;
		}
	}
	return -1;
}
