/*
 * hostile.c — the hostile texts of payloads.json through the real server
 * and every export: each one is posted as a contribution, as an author
 * label, as an orientation with the same text as its example action, and
 * as a participant's name and structure; each reply is the one
 * docs/PROTOCOL.md gives (stored, cleaned, or refused with its code); then
 * the synthesis is downloaded over HTTP in every format and each stored
 * text must be there, exactly, and inert: no element or attribute in the
 * HTML, no link, image, HTML or heading in the Markdown, no formula in the
 * CSV (which keeps one column count), the exact text in the JSON.
 *
 * Boundary: the atelier binary over real WebSockets and plain HTTP, like
 * tests/integration (whose fixture it shares). Must not look inside the
 * server; checks only the documents (PROTOCOL.md, EXPORTS.md).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "fixture.h"

#define QUESTIONS FIXTURE_OPEN_ACTIVITY
#define RATE_TRIES 40      /* rate_limited replies tolerated per message */
#define HTTP_WAIT_MS 5000

/* One text the server stored, to find again in every export. */
typedef struct stored {
	const char *name;  /* the payload case */
	char *text;        /* as the server sent it back */
	long long id;      /* contribution holding it */
	int kind;          /* KIND_* */
} stored;

/* Where a stored text is: what field, and in Markdown which context. */
#define KIND_TEXT 0   /* a note's text: a list item */
#define KIND_AUTHOR 1 /* an author label: emphasis, one line */
#define KIND_TITLE 2  /* an orientation's title: strong, in a list item */
#define KIND_ACTION 3 /* an example action: a list item */
#define ACTION_MAX 300 /* characters of an example action */

/* The field of the contribution that holds a text of this kind. */
static const char *kind_field(int kind)
{
	return kind == KIND_AUTHOR ? "author" : "text";
}

/* Filled by the first test, read by the export tests. */
static struct {
	json_t *cases;
	stored *list;
	size_t n, cap;
	char board[80];  /* notes board of QUESTIONS */
	char oboard[80]; /* orientations board of FIXTURE_ORIENT_ACTIVITY */
} run;

/* ===== Payloads ===== */

static json_t *load_cases(void)
{
	const char *src = getenv("ATELIER_SOURCE_DIR");
	char path[1024];
	json_error_t err;
	assert_non_null(src);
	snprintf(path, sizeof path, "%s/tests/hostile/payloads.json", src);
	json_t *doc = json_load_file(path, 0, &err);
	if (!doc)
		fail_msg("%s:%d: %s", path, err.line, err.text);
	json_t *cases = json_incref(json_object_get(doc, "cases"));
	json_decref(doc);
	assert_true(json_array_size(cases) > 20);
	return cases;
}

/* The case's text (repeated as asked), malloc'd; NULL for a raw case. */
static char *case_text(json_t *c)
{
	const char *text = json_string_value(json_object_get(c, "text"));
	json_int_t repeat = json_integer_value(json_object_get(c, "repeat"));
	if (!text)
		return NULL;
	if (repeat < 1)
		repeat = 1;
	size_t len = strlen(text);
	char *out = malloc(len * (size_t)repeat + 1);
	assert_non_null(out);
	for (json_int_t i = 0; i < repeat; i++)
		memcpy(out + len * (size_t)i, text, len);
	out[len * (size_t)repeat] = '\0';
	return out;
}

/* The JSON text of the case's string, as it goes into a message. */
static char *case_literal(json_t *c)
{
	const char *raw = json_string_value(json_object_get(c, "raw"));
	if (raw)
		return strdup(raw);
	char *text = case_text(c);
	json_t *s = json_string(text);
	assert_non_null(s);
	char *out = json_dumps(s, JSON_ENCODE_ANY);
	json_decref(s);
	free(text);
	return out;
}

static const char *expected(json_t *c, const char *field)
{
	const char *v = json_string_value(json_object_get(c, field));
	return v ? v : "ack";
}

/* What the server keeps when it stores the case: "stored" or the text. */
static char *case_stored(json_t *c)
{
	const char *s = json_string_value(json_object_get(c, "stored"));
	return s ? strdup(s) : case_text(c);
}

/* ===== Sending one message ===== */

struct re_ctx {
	const char *id;
};

/* The reply to id, or an error that could not name it (re null). */
static int is_reply(json_t *msg, const void *arg)
{
	const struct re_ctx *ctx = arg;
	const char *type = fixture_str(msg, "type");
	json_t *re = json_object_get(msg, "re");
	if (!type || !strcmp(type, "event"))
		return 0;
	if (json_is_string(re))
		return !strcmp(json_string_value(re), ctx->id);
	return json_is_null(re) && !strcmp(type, "error");
}

/* Sends the message made by fmt with %s = id then literal, and returns
 * the reply; a rate_limited refusal is waited out and sent again with a
 * new id. When the server closes the connection instead, returns NULL and
 * *closed gets the close code. */
static json_t *send_case(wsc *c, const char *base_id, const char *fmt, const char *literal,
                         int *closed)
{
	*closed = 0;
	for (int attempt = 0; attempt < RATE_TRIES; attempt++) {
		char id[96];
		snprintf(id, sizeof id, "%s-%d", base_id, attempt);
		size_t cap = strlen(fmt) + strlen(literal) + 256;
		char *msg = malloc(cap);
		assert_non_null(msg);
		snprintf(msg, cap, fmt, id, literal);
		assert_int_equal(wsc_send_text(c, msg, strlen(msg), 1), WSC_OK);
		free(msg);
		struct re_ctx ctx = { id };
		json_t *r = wsc_expect(c, is_reply, &ctx, FIXTURE_WAIT_MS);
		if (!r) {
			*closed = wsc_close_code(c);
			if (!*closed)
				fail_msg("%s: no reply (%s)", base_id, wsc_error(c));
			return NULL;
		}
		const char *code = fixture_str(r, "code");
		if (!code || strcmp(code, "rate_limited"))
			return r;
		json_decref(r);
		struct timespec pause = { 0, 500 * 1000 * 1000 };
		nanosleep(&pause, NULL);
	}
	fail_msg("%s: still rate_limited after %d tries", base_id, RATE_TRIES);
	return NULL;
}

/* "ack", "joined" or the error code of a reply; "too_long" also for a
 * connection closed with 1009 (message too big). */
static const char *outcome(json_t *r, int closed)
{
	if (!r)
		return closed == 1009 ? "too_long" : "closed";
	const char *type = fixture_str(r, "type");
	if (type && !strcmp(type, "error"))
		return fixture_str(r, "code");
	return type ? type : "?";
}

static void remember(const char *name, const char *text, long long id, int kind)
{
	if (run.n == run.cap) {
		run.cap = run.cap ? 2 * run.cap : 64;
		run.list = realloc(run.list, run.cap * sizeof *run.list);
		assert_non_null(run.list);
	}
	run.list[run.n++] = (stored){ name, strdup(text), id, kind };
}

/* Number of code points of a valid UTF-8 text. */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* A joined participant connection (re-made after the server closed one). */
static wsc *phone(fixture *f)
{
	return fixture_join(f, NULL, NULL, 0, NULL);
}

/* ===== Test 1: every payload, every field ===== */

static void check_reply(const char *name, const char *field, const char *want, json_t *r,
                        int closed)
{
	const char *got = outcome(r, closed);
	if (strcmp(want, "ack") == 0 && strcmp(got, "joined") == 0)
		return;
	if (strcmp(got, want) != 0) {
		char *text = r ? json_dumps(r, JSON_COMPACT) : NULL;
		fail_msg("payload \"%s\" as %s: wanted %s, got %s (%s)", name, field, want, got,
		         text ? text : "no reply");
	}
}

static void test_payloads_stored_or_refused(void **state)
{
	fixture *f = *state;
	json_t *seminar = NULL;
	run.cases = load_cases();

	wsc *fac = fixture_connect(f);
	fixture_set_state(f, fac, QUESTIONS, "open");
	fixture_set_state(f, fac, FIXTURE_ORIENT_ACTIVITY, "open");
	wsc *c = fixture_phone(f, QUESTIONS, &seminar);
	fixture_board(seminar, QUESTIONS, "notes", run.board, sizeof run.board);
	fixture_board(seminar, FIXTURE_ORIENT_ACTIVITY, "orientations", run.oboard, sizeof run.oboard);
	json_decref(seminar);
	wsc_close(c);

	char post_text[512], post_author[512], post_orient[512], join_name[256], join_structure[256];
	snprintf(post_text, sizeof post_text,
	         "{\"type\":\"post\",\"id\":\"%%s\",\"activity\":\"%s\",\"board\":\"%s\",\"text\":%%s}",
	         QUESTIONS, run.board);
	snprintf(post_orient, sizeof post_orient,
	         "{\"type\":\"post\",\"id\":\"%%s\",\"activity\":\"%s\",\"board\":\"%s\","
	         "\"text\":%%s]}",
	         FIXTURE_ORIENT_ACTIVITY, run.oboard);
	snprintf(join_name, sizeof join_name,
	         "{\"type\":\"join\",\"id\":\"%%s\",\"code\":\"%s\",\"name\":%%s}", f->code);
	snprintf(join_structure, sizeof join_structure,
	         "{\"type\":\"join\",\"id\":\"%%s\",\"code\":\"%s\",\"structure\":%%s}", f->code);

	size_t i;
	json_t *cs;
	json_array_foreach(run.cases, i, cs) {
		const char *name = json_string_value(json_object_get(cs, "name"));
		char *literal = case_literal(cs);
		char id[64], label[160];
		int closed;
		assert_non_null(name);
		/* A phone per case, so that the per-connection rate limit on
		 * posts is never what a case meets. */
		c = phone(f);

		/* As a contribution's text. */
		snprintf(id, sizeof id, "text-%zu", i);
		json_t *r = send_case(c, id, post_text, literal, &closed);
		check_reply(name, "text", expected(cs, "text_reply"), r, closed);
		if (r && !strcmp(outcome(r, closed), "ack")) {
			json_t *contrib = json_object_get(r, "contribution");
			char *want = case_stored(cs);
			const char *got = fixture_str(contrib, "text");
			if (!got || strcmp(got, want))
				fail_msg("payload \"%s\": stored as \"%s\", wanted \"%s\"", name,
				         got ? got : "(null)", want);
			remember(name, got, fixture_int(contrib, "id"), KIND_TEXT);
			free(want);
		}
		json_decref(r);
		if (closed) {
			wsc_close(c);
			c = phone(f);
		}

		/* As the author label of a plain text. */
		snprintf(id, sizeof id, "author-%zu", i);
		snprintf(label, sizeof label, "Signé : cas %zu", i);
		snprintf(post_author, sizeof post_author,
		         "{\"type\":\"post\",\"id\":\"%%s\",\"activity\":\"%s\",\"board\":\"%s\","
		         "\"text\":\"%s\",\"author\":%%s}",
		         QUESTIONS, run.board, label);
		r = send_case(c, id, post_author, literal, &closed);
		check_reply(name, "author", expected(cs, "label_reply"), r, closed);
		if (r && !strcmp(outcome(r, closed), "ack")) {
			json_t *contrib = json_object_get(r, "contribution");
			char *want = case_stored(cs);
			const char *got = fixture_str(contrib, "author");
			if (!got || strcmp(got, want))
				fail_msg("payload \"%s\": author stored as \"%s\"", name, got ? got : "(null)");
			remember(name, got, fixture_int(contrib, "id"), KIND_AUTHOR);
			free(want);
		}
		json_decref(r);

		/* As an orientation's title and its one example action, when the
		 * case is stored and short enough for an action. */
		char *keep = case_stored(cs);
		if (!strcmp(expected(cs, "text_reply"), "ack") && utf8_chars(keep) <= ACTION_MAX) {
			size_t cap = 2 * strlen(literal) + 32;
			char *both = malloc(cap);
			assert_non_null(both);
			snprintf(both, cap, "%s,\"actions\":[%s", literal, literal);
			snprintf(id, sizeof id, "orient-%zu", i);
			r = send_case(c, id, post_orient, both, &closed);
			check_reply(name, "orientation", "ack", r, closed);
			json_t *o = json_object_get(r, "contribution");
			json_t *a = json_array_get(json_object_get(o, "actions"), 0);
			if (strcmp(fixture_str(o, "text"), keep) || !a || strcmp(fixture_str(a, "text"), keep))
				fail_msg("payload \"%s\": orientation or action not stored as sent", name);
			remember(name, keep, fixture_int(o, "id"), KIND_TITLE);
			remember(name, keep, fixture_int(a, "id"), KIND_ACTION);
			json_decref(r);
			free(both);
		}
		free(keep);
		wsc_close(c);

		/* As a participant's name, then structure, on a fresh connection. */
		const char *fmts[2] = { join_name, join_structure };
		for (int k = 0; k < 2; k++) {
			wsc *p = fixture_connect(f);
			snprintf(id, sizeof id, "join-%zu-%d", i, k);
			r = send_case(p, id, fmts[k], literal, &closed);
			check_reply(name, k ? "structure" : "name", expected(cs, "label_reply"), r, closed);
			json_decref(r);
			wsc_close(p);
		}
		free(literal);
	}
	assert_true(run.n > 30);

	/* The facilitator's snapshot holds each stored text once, exactly. */
	json_t *snap = fixture_snapshot(f, f->key);
	for (size_t k = 0; k < run.n; k++) {
		json_t *got = fixture_find(snap, run.list[k].id);
		const char *v = fixture_str(got, kind_field(run.list[k].kind));
		if (!v || strcmp(v, run.list[k].text))
			fail_msg("snapshot: payload \"%s\" is \"%s\"", run.list[k].name, v ? v : "(null)");
	}
	json_decref(snap);
	wsc_close(fac);
}

/* ===== HTTP ===== */

/* GET path with the facilitator key; returns the body (malloc'd) of a 200
 * answer, fails the test otherwise. Reads until the server closes. */
static char *http_get(fixture *f, const char *path, size_t *body_len)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { 0 };
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)f->port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	char req[1024];
	int n = snprintf(req, sizeof req,
	                 "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nX-Atelier-Key: %s\r\n"
	                 "Connection: close\r\n\r\n",
	                 path, f->port, f->key);
	assert_int_equal(write(fd, req, (size_t)n), n);

	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		if (poll(&pfd, 1, HTTP_WAIT_MS) <= 0)
			fail_msg("GET %s: no answer in time", path);
		if (len + 4096 > cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		ssize_t got = read(fd, buf + len, cap - len - 1);
		if (got < 0)
			fail_msg("GET %s: read failed", path);
		if (got == 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	buf[len] = '\0';
	if (strncmp(buf, "HTTP/1.1 200", 12) != 0)
		fail_msg("GET %s: %.60s", path, buf);
	char *body = strstr(buf, "\r\n\r\n");
	assert_non_null(body);
	body += 4;
	/* Chunked bodies are joined. */
	size_t head = (size_t)(body - buf);
	char *out = malloc(len - head + 1);
	assert_non_null(out);
	size_t olen = 0;
	buf[head - 2] = '\0';
	int chunked = strstr(buf, "chunked") != NULL;
	if (!chunked) {
		olen = len - head;
		memcpy(out, body, olen);
	} else {
		char *p = body;
		for (;;) {
			char *end;
			unsigned long size = strtoul(p, &end, 16);
			if (end == p || strncmp(end, "\r\n", 2) != 0)
				fail_msg("GET %s: bad chunk", path);
			if (size == 0)
				break;
			memcpy(out + olen, end + 2, size);
			olen += size;
			p = end + 2 + size + 2;
		}
	}
	out[olen] = '\0';
	free(buf);
	*body_len = olen;
	return out;
}

static char *export(fixture *f, const char *fmt)
{
	char path[128];
	size_t len;
	snprintf(path, sizeof path, "/api/export/%s.%s", f->code, fmt);
	char *body = http_get(f, path, &len);
	assert_int_equal(strlen(body), len); /* no NUL in any export */
	json_t *s = json_stringn(body, len); /* NULL unless valid UTF-8 */
	if (!s)
		fail_msg("%s export: not valid UTF-8", fmt);
	json_decref(s);
	return body;
}

/* ===== What a rendered format keeps of a text ===== */

static uint32_t decode(const char *p, size_t *size)
{
	const unsigned char *s = (const unsigned char *)p;
	if (s[0] < 0x80) {
		*size = 1;
		return s[0];
	}
	if (s[0] < 0xE0) {
		*size = 2;
		return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
	}
	if (s[0] < 0xF0) {
		*size = 3;
		return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
	}
	*size = 4;
	return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
	       ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

/* Characters EXPORTS.md says a rendered format leaves out. */
static int left_out(uint32_t c)
{
	if (c < 0x20)
		return c != '\t' && c != '\n' && c != '\r';
	return c == 0x7F || (c >= 0x80 && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) ||
	       (c >= 0x2066 && c <= 0x2069);
}

static int line_end(uint32_t c)
{
	return c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029;
}

/*
 * The text as a rendered export shows it once its escaping is undone:
 * without the left-out characters; with sep NULL, that is all (CSV);
 * else runs of line ends made one `sep` with lines trimmed of spaces and
 * tabs (one_break), or each line end one `sep` (CR LF counted once).
 */
static char *rendered(const char *s, const char *sep, int one_break)
{
	size_t cap = strlen(s) * 2 + 8, n = 0;
	char *out = malloc(cap);
	assert_non_null(out);
	const char *p = s;
	int pending = 0, started = 0;
	uint32_t prev = 0;
	while (*p) {
		size_t size;
		uint32_t c = decode(p, &size);
		if (line_end(c) && sep) {
			if (started && !(c == '\n' && prev == '\r'))
				pending = one_break ? 1 : pending + 1;
			while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t') && one_break)
				n--;
		} else if (!left_out(c) && !(one_break && pending && (c == ' ' || c == '\t'))) {
			for (; pending; pending--)
				n += (size_t)sprintf(out + n, "%s", sep);
			memcpy(out + n, p, size);
			n += size;
			started = 1;
		}
		prev = c;
		p += size;
	}
	out[n] = '\0';
	return out;
}

/* ===== HTML ===== */

static const char *const html_tags[] = {
	"html", "head", "meta", "title", "style", "body", "header", "footer", "section", "h1",
	"h2", "h3", "h4", "p", "strong", "em", "table", "thead", "tbody", "tr", "th", "td",
	"ul", "ol", "li", "span", "br", NULL,
};
static const char *const html_attrs[] = {
	"lang", "charset", "name", "content", "http-equiv", "class", NULL,
};

static int in_list(const char *const *list, const char *s, size_t n)
{
	for (; *list; list++)
		if (strlen(*list) == n && strncmp(*list, s, n) == 0)
			return 1;
	return 0;
}

/* Walks every tag against the allow-lists and returns the page's text:
 * tags removed (<br> becomes a line end, others a 0x01 boundary), the
 * style element skipped, the five entities decoded. */
static char *html_text(const char *html)
{
	char *out = malloc(strlen(html) + 1);
	size_t n = 0;
	const char *p = html;
	assert_non_null(out);
	if (strncmp(p, "<!DOCTYPE html>", 15) == 0)
		p += 15;
	while (*p) {
		if (*p == '&') {
			static const char *const ent[][2] = {
				{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" },
				{ "&quot;", "\"" }, { "&#39;", "'" },
			};
			size_t k;
			for (k = 0; k < 5; k++)
				if (strncmp(p, ent[k][0], strlen(ent[k][0])) == 0)
					break;
			if (k == 5)
				fail_msg("HTML: unknown entity at \"%.20s\"", p);
			out[n++] = ent[k][1][0];
			p += strlen(ent[k][0]);
			continue;
		}
		if (*p != '<') {
			out[n++] = *p++;
			continue;
		}
		p++;
		int closing = *p == '/';
		p += closing;
		size_t len = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789");
		if (!in_list(html_tags, p, len))
			fail_msg("HTML: element <%.*s> at \"%.40s\"", (int)len, p, p);
		int style = !closing && len == 5 && !strncmp(p, "style", 5);
		out[n++] = len == 2 && !strncmp(p, "br", 2) ? '\n' : '\x01';
		p += len;
		while (*p && *p != '>') {
			p += strspn(p, " \n");
			if (*p == '>')
				break;
			len = strcspn(p, "= >");
			if (!in_list(html_attrs, p, len))
				fail_msg("HTML: attribute %.*s at \"%.40s\"", (int)len, p, p);
			p += len;
			if (*p == '=') {
				assert_int_equal(p[1], '"');
				const char *q = strchr(p + 2, '"');
				assert_non_null(q);
				if (memchr(p + 2, '<', (size_t)(q - p - 2)))
					fail_msg("HTML: '<' inside an attribute value");
				p = q + 1;
			}
		}
		assert_int_equal(*p, '>');
		p++;
		if (style) {
			p = strstr(p, "</style>");
			assert_non_null(p);
		}
	}
	out[n] = '\0';
	return out;
}

static void test_html_inert(void **state)
{
	fixture *f = *state;
	assert_true(run.n > 0);
	char *html = export(f, "html");
	char *text = html_text(html);
	for (size_t k = 0; k < run.n; k++) {
		char *want = rendered(run.list[k].text, "\n", 0);
		if (!strstr(text, want))
			fail_msg("HTML: payload \"%s\" is not shown as its text \"%s\"", run.list[k].name,
			         want);
		free(want);
	}
	free(text);
	free(html);
}

/* ===== Markdown ===== */

/* Characters the Markdown template itself never writes unescaped outside
 * a code span, so an unescaped one could only come from user text: HTML
 * and autolinks, links and images, entities, block quotes. */
#define MD_NEVER "<>[]!&"

/* Copies the code span that opens at the backtick run *pp of the line
 * that starts at line (the next run of the same length on the line closes
 * it) to out as its text: one space inside each fence goes when both are
 * there, and in a table row "\\|" is '|'. Leaves *pp on the last
 * backtick. Returns the length written. */
static size_t md_code(const char **pp, const char *line, char *out)
{
	const char *p = *pp, *q;
	size_t n = strspn(p, "`"), m, len = 0;
	int cell = line[strspn(line, " ")] == '|';
	for (q = p + n; (q = strpbrk(q, "`\n")) && *q == '`' && (m = strspn(q, "`")) != n;)
		q += m;
	if (!q || *q != '`')
		fail_msg("Markdown: unescaped '`' in \"%.60s\"", p);
	const char *from = p + n, *to = q;
	if (to - from >= 2 && *from == ' ' && to[-1] == ' ' && strspn(from, " ") < (size_t)(to - from))
		from++, to--;
	for (const char *c = from; c < to; c++) {
		if (cell && *c == '\\' && c[1] == '|')
			c++;
		out[len++] = *c;
	}
	*pp = q + n - 1;
	return len;
}

/* Checks the escaping of the whole file and returns it unescaped: a
 * backslash before punctuation goes, a code span gives its text, a hard
 * break "\\\n" + indent becomes one line end. */
static char *md_text(const char *md)
{
	char *out = malloc(strlen(md) + 1);
	size_t n = 0;
	const char *line = md;
	assert_non_null(out);
	for (const char *p = md; *p; p++) {
		if (*p == '\n') {
			line = p + 1;
			out[n++] = '\n';
			continue;
		}
		if (*p == '\\' && p[1] == '\n') {
			out[n++] = '\n';
			p++;
			line = p + 1;
			while (p[1] == ' ')
				p++;
			continue;
		}
		if (*p == '\\' && p[1] && strchr("\\`*_{}[]()#+-.!|<>~&@=$^:", p[1])) {
			out[n++] = *++p;
			continue;
		}
		if (*p == '`') {
			n += md_code(&p, line, out + n);
			continue;
		}
		if (strchr(MD_NEVER, *p))
			fail_msg("Markdown: unescaped '%c' in \"%.60s\"", *p, line);
		if (*p == '|' && line[strspn(line, " ")] != '|')
			fail_msg("Markdown: a table cell outside the table: \"%.60s\"", line);
		if (!strncmp(p, "://", 3) || !strncmp(p, "www.", 4))
			fail_msg("Markdown: an automatic link in \"%.60s\"", line);
		out[n++] = *p;
	}
	out[n] = '\0';
	return out;
}

static void test_markdown_inert(void **state)
{
	fixture *f = *state;
	assert_true(run.n > 0);
	char *md = export(f, "md");
	char *plain = md_text(md);

	/* A heading or table line of the file (before unescaping: an unescaped
	 * # or | starts it) never holds user text. */
	const char *line = md;
	while (*line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		const char *s = line + strspn(line, " ");
		if (*s == '#' || *s == '|') {
			char *copy = strndup(line, len);
			char *unesc = md_text(copy);
			for (size_t k = 0; k < run.n; k++) {
				char *want = rendered(run.list[k].text, " ", 1);
				if (strlen(want) > 3 && strstr(unesc, want))
					fail_msg("Markdown: payload \"%s\" made the line \"%s\"", run.list[k].name,
					         copy);
				free(want);
			}
			free(unesc);
			free(copy);
		}
		line = end ? end + 1 : line + len;
	}

	for (size_t k = 0; k < run.n; k++) {
		int one_line = run.list[k].kind == KIND_AUTHOR;
		char *want = rendered(run.list[k].text, one_line ? " " : "\n", 1);
		if (!strstr(plain, want))
			fail_msg("Markdown: payload \"%s\" is not shown as its text \"%s\"",
			         run.list[k].name, want);
		free(want);
	}
	free(plain);
	free(md);
}

/* ===== CSV ===== */

/* Parses RFC 4180 text into cells; *ncols is every record's column count
 * (fails when one differs). Returns the cells, a NULL-terminated array. */
static char **csv_cells(const char *csv, size_t *ncols)
{
	size_t cap = 1024, n = 0, cols = 0, row_start = 0;
	char **cells = malloc(cap * sizeof *cells);
	const char *p = csv;
	assert_non_null(cells);
	if (strncmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	*ncols = 0;
	while (*p) {
		char *cell = malloc(strlen(p) + 1);
		size_t len = 0;
		assert_non_null(cell);
		if (*p == '"') {
			for (p++;; p++) {
				if (!*p)
					fail_msg("CSV: unterminated quoted cell");
				if (*p == '"' && p[1] == '"')
					cell[len++] = *p++;
				else if (*p == '"')
					break;
				else
					cell[len++] = *p;
			}
			p++;
			if (*p && !strchr(",\r\n", *p))
				fail_msg("CSV: text after a closing quote: \"%.20s\"", p);
		} else {
			while (*p && !strchr(",\r\n", *p)) {
				if (*p == '"')
					fail_msg("CSV: quote inside an unquoted cell");
				cell[len++] = *p++;
			}
		}
		cell[len] = '\0';
		if (n + 2 > cap) {
			cap *= 2;
			cells = realloc(cells, cap * sizeof *cells);
			assert_non_null(cells);
		}
		cells[n++] = cell;
		cols++;
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '\r')
			p++;
		if (*p == '\n')
			p++;
		if (*ncols == 0)
			*ncols = cols;
		else if (cols != *ncols)
			fail_msg("CSV: a record of %zu cells (from cell %zu), the header has %zu", cols,
			         row_start, *ncols);
		row_start = n;
		cols = 0;
	}
	cells[n] = NULL;
	return cells;
}

static void test_csv_inert(void **state)
{
	fixture *f = *state;
	assert_true(run.n > 0);
	char *csv = export(f, "csv");
	size_t ncols;
	char **cells = csv_cells(csv, &ncols);
	assert_true(ncols > 3);
	for (char **c = cells; *c; c++) {
		if (**c && strchr("=+-@\t\r", **c))
			fail_msg("CSV: the cell \"%s\" starts a formula", *c);
	}
	for (size_t k = 0; k < run.n; k++) {
		char *clean = rendered(run.list[k].text, NULL, 0);
		char *want = malloc(strlen(clean) + 2);
		assert_non_null(want);
		sprintf(want, "%s%s", strchr("=+-@", clean[0]) ? "'" : "", clean);
		int found = 0;
		for (char **c = cells; *c; c++)
			found += !strcmp(*c, want);
		if (found == 0)
			fail_msg("CSV: payload \"%s\" is in %d cells as \"%s\"", run.list[k].name, found,
			         want);
		free(want);
		free(clean);
	}
	for (char **c = cells; *c; c++)
		free(*c);
	free(cells);
	free(csv);
}

/* ===== JSON ===== */

/* Counts the contributions (and actions) of doc whose field is value. */
static int json_count(json_t *node, const char *field, const char *value)
{
	int n = 0;
	if (json_is_object(node)) {
		const char *k;
		json_t *v;
		const char *mine = json_string_value(json_object_get(node, field));
		if (mine && json_object_get(node, "votes") && !strcmp(mine, value))
			n++;
		json_object_foreach(node, k, v) n += json_count(v, field, value);
	} else if (json_is_array(node)) {
		size_t i;
		json_t *v;
		json_array_foreach(node, i, v) n += json_count(v, field, value);
	}
	return n;
}

static void test_json_exact(void **state)
{
	fixture *f = *state;
	json_error_t err;
	assert_true(run.n > 0);
	char *text = export(f, "json");
	json_t *doc = json_loads(text, 0, &err);
	if (!doc)
		fail_msg("JSON export: line %d: %s", err.line, err.text);
	for (size_t k = 0; k < run.n; k++) {
		const char *field = kind_field(run.list[k].kind);
		int want = 0;
		for (size_t j = 0; j < run.n; j++)
			want += !strcmp(kind_field(run.list[j].kind), field) &&
			        !strcmp(run.list[j].text, run.list[k].text);
		int n = json_count(doc, field, run.list[k].text);
		if (n != want)
			fail_msg("JSON: payload \"%s\" is there %d times, not %d", run.list[k].name, n, want);
	}
	json_decref(doc);
	free(text);
}

static int group_teardown(void **state)
{
	for (size_t k = 0; k < run.n; k++)
		free(run.list[k].text);
	free(run.list);
	json_decref(run.cases);
	return fixture_teardown(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_payloads_stored_or_refused),
		cmocka_unit_test(test_html_inert),
		cmocka_unit_test(test_markdown_inert),
		cmocka_unit_test(test_csv_inert),
		cmocka_unit_test(test_json_exact),
	};
	return cmocka_run_group_tests(tests, fixture_setup, group_teardown);
}
