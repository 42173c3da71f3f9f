/*
 * fuzz_message.c — libFuzzer harness of the message handler: each input is
 * a short conversation, one client message per line, each given to the
 * core's turn (server/turn.h, through tests/support/turnh.c) and its turn
 * ended, as the server does, on an in-memory store holding one imported
 * seminar (join code FUZZ22). Every reply and every event must be JSON;
 * an error reply broadcasts nothing.
 *
 * Input format (docs/FUZZING.md): lines split at '\n', at most MAX_LINES.
 * A line starting with "@0", "@1" or "@2" is sent by that connection
 * (default @0) and loses the prefix. In a message, "@KEY" becomes the
 * seminar's facilitator key and "@TOK" the token of the last "joined"
 * reply, which a fuzzer could not guess.
 *
 * Boundary: calls the turn and the store only; no network, no file. State
 * stays bounded: each input runs on a store of its own, opened in memory
 * with the seminar imported, and closed at its end, with fresh
 * connections.
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
#include "turnh.h"

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

static store *st;        /* the input's store */
static char key[256];    /* the seminar's facilitator key */
static char token[128];  /* the token of the last "joined" reply */
static int trace = -1;   /* FUZZ_TRACE=1 prints every reply to stderr */

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
	if (defn_validate(d, "fuzz.json", NULL, err, sizeof err) ||
	    store_open(":memory:", NULL, &st, err, sizeof err) != STORE_OK ||
	    store_import(st, d, 0, &r, err, sizeof err) != STORE_OK)
		fuzz_fail(err, __FILE__, __LINE__);
	fuzz_check(strcmp(r.code, "FUZZ22") == 0);
	fuzz_check(store_list_seminars(st, take_key, NULL) == STORE_OK);
	fuzz_check(key[0] != '\0');
	json_decref(d);
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
static void keep_token(json_t *v)
{
	const char *t = json_string_value(json_object_get(v, "token"));
	const char *type = json_string_value(json_object_get(v, "type"));
	if (t && type && strcmp(type, "joined") == 0)
		snprintf(token, sizeof token, "%s", t);
}

/* One message from one connection, in a turn of its own. */
static void run_message(turnh *h, turn_client *c, const char *text, size_t len)
{
	turnh_clear_events(h);
	fuzz_check(turnh_sendn(h, c, text, len) == 0);
	turnh_end(h);
	json_t *replies = turnh_replies(h, c);
	size_t i;
	json_t *v;
	int error = 0;
	json_array_foreach(replies, i, v) {
		char *dump = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		fuzz_check(json_is_object(v)); /* not JSON: kept as a string */
		if (trace)
			fprintf(stderr, "%.60s -> %s\n", text, dump ? dump : "?");
		free(dump);
		error |= strcmp(json_string_value(json_object_get(v, "type")), "error") == 0;
		keep_token(v);
	}
	json_decref(replies);
	if (error)
		fuzz_check(turnh_event_count(h) == 0);
	for (size_t k = 0; k < turnh_event_count(h); k++) {
		const seminar_event *e = turnh_event(h, k);
		fuzz_check(e->seminar_id > 0 && e->seq > 0);
		fuzz_check_json(e->payload, e->len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	turn_client *c[SESSIONS];
	const char *p = (const char *)data, *end = p + size;
	turnh *h;

	setup();
	if (trace < 0)
		trace = getenv("FUZZ_TRACE") != NULL;
	token[0] = '\0';
	fuzz_check((h = turnh_new(st)) != NULL);
	for (int i = 0; i < SESSIONS; i++)
		fuzz_check((c[i] = turnh_client(h)) != NULL);
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
		run_message(h, c[who], text, len);
		free(text);
		p = nl ? nl + 1 : end;
	}
	turnh_free(h);
	store_close(st);
	st = NULL;
	return 0;
}
