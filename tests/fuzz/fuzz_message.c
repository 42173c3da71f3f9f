/*
 * fuzz_message.c — libFuzzer harness of the message handler: each input is
 * a short conversation, one client message per line, run through
 * proto_parse() and seminar_handle() as ws.c does, on an in-memory store
 * holding one imported seminar (join code FUZZ22). Every reply and every
 * event must be JSON; an error reply writes and broadcasts nothing.
 *
 * Input format (docs/FUZZING.md): lines split at '\n', at most MAX_LINES.
 * A line starting with "@0", "@1" or "@2" is sent by that connection
 * (default @0) and loses the prefix. In a message, "@KEY" becomes the
 * seminar's facilitator key and "@TOK" the token of the last "joined"
 * reply, which a fuzzer could not guess.
 *
 * Boundary: calls proto.c, seminar.c and the store only; no network, no
 * file. State stays bounded: the store is opened and the seminar imported
 * once per process, and each input runs inside one transaction rolled back
 * at its end, with fresh connections.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "defn.h"
#include "fuzz_common.h"
#include "proto.h"
#include "seminar.h"
#include "store.h"

#define MAX_LINES 64
#define SESSIONS 3

static const char definition[] =
	"{\"format\": \"atelier-seminaire\", \"version\": 1,"
	" \"id\": \"fuzz-2022\", \"code\": \"FUZZ22\", \"title\": \"Séminaire d'essai\","
	" \"date\": \"2022-10-11\", \"venue\": \"Salle du conseil\","
	" \"activities\": ["
	"  {\"id\": \"axe-1\", \"title\": \"Axe 1\", \"question\": \"Abandonner, maintenir,"
	"   inventer ?\", \"template\": \"ami\", \"vote_budget\": 2},"
	"  {\"id\": \"swot\", \"title\": \"Groupe de travail\", \"question\": \"Forces et"
	"   faiblesses ?\", \"template\": \"swot\", \"vote_budget\": 0},"
	"  {\"id\": \"orient\", \"title\": \"Orientations\", \"question\": \"Quelles"
	"   orientations retenir ?\", \"template\": \"orientations\", \"vote_budget\": 3}]}";

static store *st;        /* one per process, closed at exit */
static char key[256];    /* the seminar's facilitator key */
static char token[128];  /* the token of the last "joined" reply */
static int trace = -1;   /* FUZZ_TRACE=1 prints every reply to stderr */

static void close_store(void)
{
	store_close(st);
	st = NULL;
}

static void take_key(void *ctx, const char *code, const char *title, const char *date,
                     const char *k)
{
	(void)ctx;
	(void)code;
	(void)title;
	(void)date;
	snprintf(key, sizeof key, "%s", k);
}

static void setup(void)
{
	char err[1024];
	store_import_report r;
	json_error_t jerr;
	json_t *d = json_loads(definition, 0, &jerr);

	fuzz_check(d != NULL);
	err[0] = '\0';
	if (defn_validate(d, "fuzz.json", err, sizeof err) ||
	    store_open(":memory:", &st, err, sizeof err) != STORE_OK ||
	    store_import(st, d, 0, &r, err, sizeof err) != STORE_OK)
		fuzz_fail(err, __FILE__, __LINE__);
	fuzz_check(strcmp(r.code, "FUZZ22") == 0);
	fuzz_check(store_list_seminars(st, take_key, NULL) == STORE_OK);
	fuzz_check(key[0] != '\0');
	json_decref(d);
	atexit(close_store);
}

/* Copies line[len] into a malloc'd buffer with "@KEY" and "@TOK" replaced.
 * *out_len (OUT) gets its length. */
static char *expand(const char *line, size_t len, size_t *out_len)
{
	size_t klen = strlen(key), tlen = strlen(token);
	size_t cap = len * (klen > tlen ? klen : tlen) / 4 + len + 1, n = 0;
	char *buf = malloc(cap);

	fuzz_check(buf != NULL);
	for (size_t i = 0; i < len;) {
		if (len - i >= 4 && memcmp(line + i, "@KEY", 4) == 0) {
			memcpy(buf + n, key, klen);
			n += klen;
			i += 4;
		} else if (len - i >= 4 && memcmp(line + i, "@TOK", 4) == 0) {
			memcpy(buf + n, token, tlen);
			n += tlen;
			i += 4;
		} else {
			buf[n++] = line[i++];
		}
	}
	buf[n] = '\0';
	*out_len = n;
	return buf;
}

/* Remembers the token of a "joined" reply. */
static void keep_token(const char *reply)
{
	json_t *v = json_loads(reply, 0, NULL);
	const char *t = json_string_value(json_object_get(v, "token"));
	if (t && strcmp(json_string_value(json_object_get(v, "type")), "joined") == 0)
		snprintf(token, sizeof token, "%s", t);
	json_decref(v);
}

/* One message from one connection, as ws.c handles it. */
static void run_message(seminar_session *ss, const char *text, size_t len)
{
	proto_msg m;
	proto_err err = PROTO_OK;
	char detail[160], re[PROTO_MAX_ID_CHARS + 1];

	if (proto_parse(text, len, &m, &err, detail, sizeof detail, re, sizeof re)) {
		fuzz_check(err != PROTO_OK && err < PROTO_ERR__COUNT);
		char *reply = proto_encode_error(re[0] ? re : NULL, err, detail);
		fuzz_check_json(reply, strlen(reply));
		free(reply);
		return;
	}
	seminar_result r = {0};
	seminar_handle(st, ss, &m, &r);
	char *whole = seminar_result_text(&r);
	fuzz_check(whole != NULL);
	if (trace)
		fprintf(stderr, "%s -> %s\n", proto_type_name(m.type), whole);
	fuzz_check_json(whole, strlen(whole));
	free(whole);
	if (r.is_error)
		fuzz_check(r.nevents == 0);
	else if (m.type == PROTO_JOIN)
		keep_token(r.reply);
	for (size_t i = 0; i < r.nevents; i++) {
		fuzz_check(r.events[i].seminar_id > 0 && r.events[i].seq > 0);
		fuzz_check_json(r.events[i].payload, r.events[i].len);
	}
	long long sem, act;
	int full;
	seminar_session_watch(ss, &sem, &act, &full);
	seminar_result_clear(&r);
	proto_msg_clear(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	seminar_session *ss[SESSIONS];
	const char *p = (const char *)data, *end = p + size;

	if (!st)
		setup();
	if (trace < 0)
		trace = getenv("FUZZ_TRACE") != NULL;
	token[0] = '\0';
	for (int i = 0; i < SESSIONS; i++)
		fuzz_check((ss[i] = seminar_session_new()) != NULL);
	fuzz_check(store_tx_begin(st) == STORE_OK);
	for (int n = 0; n < MAX_LINES && p < end; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;
		int who = 0;
		if (stop - p >= 2 && p[0] == '@' && p[1] >= '0' && p[1] < '0' + SESSIONS) {
			who = p[1] - '0';
			p += 2;
		}
		size_t len;
		char *text = expand(p, (size_t)(stop - p), &len);
		run_message(ss[who], text, len);
		free(text);
		p = nl ? nl + 1 : end;
	}
	/* Whatever happened, nothing of this input stays. */
	store_tx_rollback(st);
	for (int i = 0; i < SESSIONS; i++)
		seminar_session_free(ss[i]);
	return 0;
}
