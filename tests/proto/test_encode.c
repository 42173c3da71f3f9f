/*
 * test_encode.c — the encoders and wire names of server/proto.c: every
 * output parses back, keys come in a stable order, quotes and newlines
 * are escaped, non-ASCII is sent as UTF-8, not as \u escapes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proto.h"

/* Parses text (which must be JSON), checks it is compact (no spaces after
 * commas, no newlines) and returns the object. */
static json_t *parse_back(const char *text)
{
	json_error_t jerr;
	json_t *o;

	assert_non_null(text);
	o = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (!o)
		fail_msg("not JSON: %s in %s", jerr.text, text);
	assert_true(json_is_object(o));
	assert_null(strstr(text, ", "));
	assert_null(strchr(text, '\n'));
	return o;
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void error_has_re_code_message(void **state)
{
	char *s = proto_encode_error("m-1", PROTO_ERR_TOO_LONG, "text: over 500 characters");
	json_t *o;

	(void)state;
	assert_string_equal(s, "{\"type\":\"error\",\"re\":\"m-1\",\"code\":\"too_long\","
	                       "\"message\":\"text: over 500 characters\"}");
	o = parse_back(s);
	assert_string_equal(str(o, "code"), "too_long");
	json_decref(o);
	free(s);
}

/* A refusal for the rate says when to retry, in whole seconds (at least 1). */
static void rate_limited_says_its_retry(void **state)
{
	char *s = proto_encode_limited("m-2", "too many wrong facilitator keys", 12);
	char *t = proto_encode_limited(NULL, NULL, 0);

	(void)state;
	assert_string_equal(s, "{\"type\":\"error\",\"re\":\"m-2\",\"code\":\"rate_limited\","
	                       "\"message\":\"too many wrong facilitator keys\",\"retry\":12}");
	assert_string_equal(t, "{\"type\":\"error\",\"re\":null,\"code\":\"rate_limited\","
	                       "\"message\":\"\",\"retry\":1}");
	free(s);
	free(t);
}

static void error_without_re_says_null(void **state)
{
	char *s = proto_encode_error(NULL, PROTO_ERR_BAD_JSON, NULL);
	char *t = proto_encode_error("", PROTO_ERR_BAD_JSON, "root: not an object");
	json_t *o = parse_back(s), *p = parse_back(t);

	(void)state;
	assert_true(json_is_null(json_object_get(o, "re")));
	assert_true(json_is_null(json_object_get(p, "re")));
	assert_string_equal(str(o, "message"), "");
	assert_string_equal(str(p, "code"), "bad_json");
	json_decref(o);
	json_decref(p);
	free(s);
	free(t);
}

static void error_escapes_quotes_and_newlines(void **state)
{
	const char *detail = "unknown field \"x\\y\"\nsecond line\t</script>";
	char *s = proto_encode_error("r", PROTO_ERR_BAD_FIELD, detail);
	json_t *o = parse_back(s);

	(void)state;
	assert_non_null(strstr(s, "\\\"x\\\\y\\\"\\nsecond line\\t"));
	assert_string_equal(str(o, "message"), detail);
	json_decref(o);
	free(s);
}

static void error_name_out_of_range_is_internal(void **state)
{
	char *s = proto_encode_error("r", (proto_err)999, "x");
	json_t *o = parse_back(s);

	(void)state;
	assert_string_equal(str(o, "code"), "internal");
	json_decref(o);
	free(s);
}

static void reply_keeps_body_order_and_utf8(void **state)
{
	json_t *body = json_pack("{s:i, s:{s:s, s:s}, s:[i,i]}", "votes_left", 2,
	                         "contribution", "text", "Élève « ici » 🙂\n\"ok\"",
	                         "author", "animateur·rice", "ids", 3, 4);
	char *s;
	json_t *o;

	(void)state;
	assert_non_null(body);
	s = proto_encode_reply("ack", "p-7", body);
	assert_non_null(s);
	/* Head first, then the body in its own order; UTF-8 kept as is. */
	assert_string_equal(s, "{\"type\":\"ack\",\"re\":\"p-7\",\"votes_left\":2,"
	                       "\"contribution\":{\"text\":\"Élève « ici » 🙂\\n\\\"ok\\\"\","
	                       "\"author\":\"animateur·rice\"},\"ids\":[3,4]}");
	assert_null(strstr(s, "\\u"));
	o = parse_back(s);
	assert_string_equal(str(json_object_get(o, "contribution"), "text"),
	                    "Élève « ici » 🙂\n\"ok\"");
	/* body is borrowed: still ours, unchanged. */
	assert_int_equal(body->refcount, 1);
	assert_int_equal(json_object_size(body), 3);
	json_decref(o);
	json_decref(body);
	free(s);
}

static void reply_arguments_win_over_body(void **state)
{
	json_t *body = json_pack("{s:s, s:s, s:i}", "type", "event", "re", "other", "seq", 5);
	char *s = proto_encode_reply("synced", "w1", body);

	(void)state;
	assert_string_equal(s, "{\"type\":\"synced\",\"re\":\"w1\",\"seq\":5}");
	free(s);
	s = proto_encode_reply("joined", "j1", NULL);
	assert_string_equal(s, "{\"type\":\"joined\",\"re\":\"j1\"}");
	free(s);
	json_decref(body);
}

static void reply_refuses_bad_arguments(void **state)
{
	json_t *arr = json_array();

	(void)state;
	assert_null(proto_encode_reply(NULL, "r", NULL));
	assert_null(proto_encode_reply("", "r", NULL));
	assert_null(proto_encode_reply("ack", "r", arr));
	json_decref(arr);
}

/* Head + tail is the whole reply, with or without re; a body that names
 * the head's keys, or an empty one, has no tail. */
static void reply_in_two_pieces_is_the_reply(void **state)
{
	json_t *body = json_pack("{s:s, s:I, s:[{s:i, s:s}]}", "mode", "snapshot", "seq",
	                         (json_int_t)42, "contributions", "id", 7, "text", "Élève 🙂");
	const char *res[] = {"w-1", NULL, ""};
	size_t len = 0;
	char *tail;

	(void)state;
	assert_non_null(body);
	tail = proto_encode_reply_tail(body, &len);
	assert_non_null(tail);
	assert_int_equal(len, strlen(tail));
	assert_int_equal(tail[len - 1], '}');
	for (size_t i = 0; i < sizeof res / sizeof *res; i++) {
		char *whole = proto_encode_reply("synced", res[i], body);
		char *head = proto_encode_reply_head("synced", res[i]);
		char *joined = malloc(strlen(head) + len + 1);
		assert_non_null(whole);
		assert_non_null(head);
		assert_non_null(joined);
		strcpy(joined, head);
		strcat(joined, tail);
		assert_string_equal(joined, whole);
		json_decref(parse_back(joined));
		free(whole);
		free(head);
		free(joined);
	}
	free(tail);

	json_object_set_new(body, "re", json_string("x"));
	assert_null(proto_encode_reply_tail(body, &len));
	json_decref(body);
	body = json_object();
	assert_null(proto_encode_reply_tail(body, &len));
	assert_null(proto_encode_reply_tail(NULL, &len));
	assert_null(proto_encode_reply_head("", "w"));
	json_decref(body);
}

static void event_has_seq_kind_object(void **state)
{
	json_t *c = json_pack("{s:i, s:s, s:n}", "id", 12, "text", "Café \"noir\"", "parent");
	char *s = proto_encode_event(4242, "contribution", c);
	json_t *o;

	(void)state;
	assert_string_equal(s, "{\"type\":\"event\",\"seq\":4242,\"kind\":\"contribution\","
	                       "\"contribution\":{\"id\":12,\"text\":\"Café \\\"noir\\\"\","
	                       "\"parent\":null}}");
	o = parse_back(s);
	assert_int_equal(json_integer_value(json_object_get(o, "seq")), 4242);
	assert_true(json_equal(json_object_get(o, "contribution"), c));
	assert_int_equal(c->refcount, 1);
	json_decref(o);
	free(s);
	assert_null(proto_encode_event(1, NULL, c));
	assert_null(proto_encode_event(1, "seq", c));
	assert_null(proto_encode_event(1, "activity", NULL));
	json_decref(c);
}

static void wire_names(void **state)
{
	(void)state;
	assert_string_equal(proto_type_name(PROTO_JOIN), "join");
	assert_string_equal(proto_type_name(PROTO_SET_STATE), "set_state");
	assert_string_equal(proto_type_name(PROTO_SHOW), "show");
	assert_string_equal(proto_type_name((proto_type)0), "unknown");
	assert_string_equal(proto_type_name((proto_type)77), "unknown");
	assert_string_equal(proto_error_name(PROTO_ERR_BAD_JSON), "bad_json");
	assert_string_equal(proto_error_name(PROTO_ERR_NOT_ORIENTATION), "not_orientation");
	assert_string_equal(proto_error_name(PROTO_ERR_INTERNAL), "internal");
	/* Every code has its own name. */
	for (int a = 1; a < PROTO_ERR__COUNT; a++)
		for (int b = a + 1; b < PROTO_ERR__COUNT; b++)
			assert_string_not_equal(proto_error_name((proto_err)a),
			                        proto_error_name((proto_err)b));
}

/* A message parsed and answered: the error names the message it answers. */
static void parse_then_encode_error_names_the_message(void **state)
{
	const char *in = "{\"type\":\"post\",\"id\":\"ph-1\",\"activity\":\"a\","
	                 "\"board\":\"b\",\"text\":\"   \"}";
	proto_msg m;
	proto_err err;
	char detail[128], re[65], *s;
	json_t *o;

	(void)state;
	assert_int_equal(proto_parse(in, strlen(in), &m, &err, detail, sizeof detail,
	                             re, sizeof re), -1);
	s = proto_encode_error(re, err, detail);
	o = parse_back(s);
	assert_string_equal(str(o, "re"), "ph-1");
	assert_string_equal(str(o, "code"), "empty_text");
	assert_string_equal(str(o, "message"), "text: empty");
	json_decref(o);
	free(s);
	proto_msg_clear(&m);
	proto_msg_clear(NULL);
}

/* A small detail buffer cuts the detail on a character boundary, and a
 * small re buffer leaves re empty rather than cut. */
static void small_buffers_are_respected(void **state)
{
	const char *in = "{\"type\":\"join\",\"id\":\"abcdefgh\",\"code\":\"X\",\"éééé\":1}";
	proto_msg m;
	proto_err err;
	char detail[19], re[8];
	char *s;

	(void)state;
	assert_int_equal(proto_parse(in, strlen(in), &m, &err, detail, sizeof detail,
	                             re, sizeof re), -1);
	assert_int_equal(err, PROTO_ERR_BAD_FIELD);
	assert_string_equal(re, "");
	assert_true(strlen(detail) < sizeof detail);
	s = proto_encode_error(re, err, detail); /* needs valid UTF-8 */
	assert_non_null(s);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(error_has_re_code_message),
		cmocka_unit_test(rate_limited_says_its_retry),
		cmocka_unit_test(error_without_re_says_null),
		cmocka_unit_test(error_escapes_quotes_and_newlines),
		cmocka_unit_test(error_name_out_of_range_is_internal),
		cmocka_unit_test(reply_keeps_body_order_and_utf8),
		cmocka_unit_test(reply_arguments_win_over_body),
		cmocka_unit_test(reply_refuses_bad_arguments),
		cmocka_unit_test(reply_in_two_pieces_is_the_reply),
		cmocka_unit_test(event_has_seq_kind_object),
		cmocka_unit_test(wire_names),
		cmocka_unit_test(parse_then_encode_error_names_the_message),
		cmocka_unit_test(small_buffers_are_respected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
