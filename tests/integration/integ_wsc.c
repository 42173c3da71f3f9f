/*
 * integ_wsc.c — the test WebSocket client itself (SHA-1, base64 and the
 * accept key against published vectors), then the server's side of the
 * transport: fragmented messages, the required subprotocol, a non-JSON
 * message, and the closing handshake.
 *
 * Boundary: tests/support/wsc.c and the atelier binary over TCP. The
 * primitives are checked first so a failure below is the server's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture.h"

static void hex(const uint8_t *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* FIPS 180 examples, plus lengths around the padding boundary. */
static void test_sha1_vectors(void **state)
{
	(void)state;
	uint8_t d[20];
	char h[41];
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"", "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
		{"abc", "a9993e364706816aba3e25717850c26c9cd0d89d"},
		{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		 "84983e441c3bd26ebaae4aa1f95129e5e54670f1"},
		{"The quick brown fox jumps over the lazy dog",
		 "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		wsc_sha1(cases[i].in, strlen(cases[i].in), d);
		hex(d, 20, h);
		assert_string_equal(h, cases[i].want);
	}
	char *million = malloc(1000000);
	assert_non_null(million);
	memset(million, 'a', 1000000);
	wsc_sha1(million, 1000000, d);
	free(million);
	hex(d, 20, h);
	assert_string_equal(h, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

/* RFC 4648 section 10. */
static void test_base64_vectors(void **state)
{
	(void)state;
	static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const want[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
	                                   "Zm9vYmFy"};
	char out[16];
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(wsc_base64(in[i], strlen(in[i]), out, sizeof out),
		                 (int)strlen(want[i]));
		assert_string_equal(out, want[i]);
	}
	assert_int_equal(wsc_base64("foobar", 6, out, 8), -1);
}

/* RFC 6455 section 1.3. */
static void test_accept_key(void **state)
{
	(void)state;
	char out[29];
	wsc_accept_key("dGhlIHNhbXBsZSBub25jZQ==", out);
	assert_string_equal(out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

/* A join cut into seven frames, then a watch cut into one frame per
 * byte, are reassembled and answered. */
static void test_fragmented_message(void **state)
{
	fixture *f = *state;
	char msg[256];
	int n = snprintf(msg, sizeof msg, "{\"type\":\"join\",\"id\":\"frag\",\"code\":\"%s\","
	                                  "\"name\":\"Élève délégué\"}", f->code);
	wsc *c = fixture_connect(f);
	assert_int_equal(wsc_send_text(c, msg, (size_t)n, 7), WSC_OK);
	json_t *r = wsc_expect_re(c, "frag", FIXTURE_WAIT_MS);
	if (!r)
		fail_msg("no reply to a fragmented join: %s", wsc_error(c));
	assert_string_equal(fixture_str(r, "type"), "joined");
	json_decref(r);

	/* As many frames as bytes. */
	n = snprintf(msg, sizeof msg, "{\"type\":\"watch\",\"id\":\"each\",\"code\":\"%s\"}", f->code);
	assert_int_equal(wsc_send_text(c, msg, (size_t)n, n), WSC_OK);
	r = wsc_expect_re(c, "each", FIXTURE_WAIT_MS);
	if (!r)
		fail_msg("no reply to a watch sent byte by byte: %s", wsc_error(c));
	assert_string_equal(fixture_str(r, "type"), "synced");
	json_decref(r);
	wsc_close(c);
}

/* Without the atelier.v1 subprotocol the handshake is refused. */
static void test_subprotocol_required(void **state)
{
	fixture *f = *state;
	wsc *c = NULL;
	char err[256];
	int rc = wsc_connect("127.0.0.1", f->port, "/ws", NULL, NULL, FIXTURE_WAIT_MS, &c, err,
	                     sizeof err);
	if (rc == WSC_OK) {
		wsc_close(c);
		fail_msg("a handshake without subprotocol was accepted");
	}
	assert_null(c);
	assert_int_equal(rc, WSC_REFUSED);

	/* Absent Origin is fine. */
	rc = wsc_connect("127.0.0.1", f->port, "/ws", "atelier.v1", NULL, FIXTURE_WAIT_MS, &c, err,
	                 sizeof err);
	if (rc)
		fail_msg("refused without Origin: %s", err);
	wsc_close(c);
}

/* Text that is not JSON gets bad_json, and the connection stays usable. */
static void test_not_json_keeps_connection(void **state)
{
	fixture *f = *state;
	wsc *c = fixture_connect(f);
	const char junk[] = "bonjour, ceci n'est pas du JSON";
	assert_int_equal(wsc_send_text(c, junk, sizeof junk - 1, 1), WSC_OK);
	json_t *r = wsc_expect_type(c, "error", FIXTURE_WAIT_MS);
	if (!r)
		fail_msg("no error for a non-JSON message: %s", wsc_error(c));
	assert_string_equal(fixture_str(r, "code"), "bad_json");
	assert_true(json_is_null(json_object_get(r, "re")));
	json_decref(r);

	fixture_want_error(f, fixture_call(f, c, "u1", "{s:s,s:s}", "type", "dance", "id", "u1"),
	                   "unknown_type");
	json_decref(fixture_want(f,
	                         fixture_call(f, c, "ok", "{s:s,s:s,s:s}", "type", "join", "id",
	                                      "ok", "code", f->code),
	                         "joined"));
	wsc_close(c);
}

/* The server answers a close frame with a close frame. */
static void test_closing_handshake(void **state)
{
	fixture *f = *state;
	wsc *c = fixture_connect(f);
	unsigned char code[2] = {1000 >> 8, 1000 & 0xff};
	assert_int_equal(wsc_send_frame(c, 0x8, 1, code, 2), WSC_OK);
	char *msg = NULL;
	size_t len;
	int op;
	assert_int_equal(wsc_recv(c, FIXTURE_WAIT_MS, &msg, &len, &op), WSC_CLOSED);
	free(msg);
	assert_int_equal(wsc_close_code(c), 1000);
	wsc_close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha1_vectors),
		cmocka_unit_test(test_base64_vectors),
		cmocka_unit_test(test_accept_key),
		cmocka_unit_test_setup_teardown(test_fragmented_message, fixture_setup,
		                                fixture_teardown),
		cmocka_unit_test_setup_teardown(test_subprotocol_required, fixture_setup,
		                                fixture_teardown),
		cmocka_unit_test_setup_teardown(test_not_json_keeps_connection, fixture_setup,
		                                fixture_teardown),
		cmocka_unit_test_setup_teardown(test_closing_handshake, fixture_setup,
		                                fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
