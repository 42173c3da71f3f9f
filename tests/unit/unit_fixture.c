/*
 * unit_fixture.c — the shared set-up of the store and seminar tests: one
 * small seminar imported into a fresh ":memory:" store, and helpers that
 * send messages through the real parser (proto.c) and rules (seminar.c).
 * Sample text uses roles, never people's names.
 */
#include "unit_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "defn.h"
#include "proto.h"

static const char definition[] =
	"{\"id\": \"essai-2022\", \"title\": \"Séminaire d'essai\","
	" \"date\": \"2022-10-11\", \"venue\": \"Salle du conseil\","
	" \"description\": \"Une journée pour essayer l'outil.\","
	" \"activities\": ["
	"  {\"id\": \"axe-1\", \"title\": \"Axe 1 : réussite éducative\","
	"   \"question\": \"Que faudrait-il abandonner, maintenir, inventer ?\","
	"   \"template\": \"ami\", \"animators\": [\"animateur·rice\"], \"vote_budget\": 3,"
	"   \"boards\": ["
	"    {\"id\": \"abandonner\", \"title\": \"Abandonner\","
	"     \"prompt\": \"Ce qu'il faudrait abandonner ?\", \"kind\": \"notes\"},"
	"    {\"id\": \"maintenir\", \"title\": \"Maintenir\","
	"     \"prompt\": \"Ce qu'il faudrait maintenir ?\", \"kind\": \"notes\"},"
	"    {\"id\": \"inventer\", \"title\": \"Inventer\","
	"     \"prompt\": \"Ce qu'il faudrait inventer ?\", \"kind\": \"notes\"}]},"
	"  {\"id\": \"orient\", \"title\": \"Orientations stratégiques\","
	"   \"question\": \"Quelles orientations retenir ?\", \"template\": \"orientations\","
	"   \"animators\": [\"chef de file Éducation nationale\"], \"vote_budget\": 2,"
	"   \"boards\": ["
	"    {\"id\": \"orientations\", \"title\": \"Orientations\","
	"     \"prompt\": \"Une orientation et ses actions\", \"kind\": \"orientations\"}]}]}";

json_t *fx_definition(void)
{
	json_error_t e;
	json_t *d = json_loads(definition, 0, &e);
	assert_non_null(d);
	return d;
}

static void take_key(void *ctx, const char *code, const char *title, const char *date,
                     const char *key)
{
	fixture *f = ctx;
	(void)title;
	(void)date;
	if (strcmp(code, f->code) == 0)
		snprintf(f->key, sizeof f->key, "%s", key);
}

void fx_open(fixture *f)
{
	char err[512];
	json_t *d = fx_definition();

	memset(f, 0, sizeof *f);
	assert_int_equal(store_open(":memory:", NULL, &f->st, err, sizeof err), STORE_OK);
	assert_non_null(f->snaps = snapshot_cache_new());
	assert_int_equal(fx_import_code(f->st, d, f->code, sizeof f->code, err, sizeof err),
	                 STORE_OK);
	json_decref(d);
	fx_read_key(f, f->st);
}

void fx_read_key(fixture *f, store *st)
{
	assert_int_equal(store_list_seminars(st, take_key, f), STORE_OK);
	assert_true(strlen(f->key) >= 32);
}

int fx_store_import(store *st, json_t *doc, int flags, store_import_report *r, char *err,
                    size_t err_len)
{
	defn_seminar *d = NULL;
	int rc = defn_new(doc, &d) ? STORE_ERR : store_import(st, d, flags, r, err, err_len);

	defn_free(d);
	return rc;
}

int fx_import_code(store *st, json_t *defn, char *code, size_t code_len, char *err,
                   size_t err_len)
{
	store_import_report r;
	int rc = fx_store_import(st, defn, 0, &r, err, err_len);

	if (rc == STORE_OK)
		snprintf(code, code_len, "%s", r.code);
	return rc;
}

void fx_import_report(fixture *f, json_t *defn, int flags, store_import_report *r)
{
	store_import_report mine;
	char err[512];

	if (!r)
		r = &mine;
	if (fx_store_import(f->st, defn, flags, r, err, sizeof err) != STORE_OK)
		fail_msg("import: %s", err);
	assert_string_equal(r->code, f->code);
}

void fx_import(fixture *f, json_t *defn)
{
	fx_import_report(f, defn, 0, NULL);
}

json_t *fx_defn_activity(json_t *defn, const char *id)
{
	size_t i;
	json_t *a;

	json_array_foreach(json_object_get(defn, "activities"), i, a)
		if (strcmp(json_string_value(json_object_get(a, "id")), id) == 0)
			return a;
	return NULL;
}

void fx_close(fixture *f)
{
	snapshot_cache_free(f->snaps);
	f->snaps = NULL;
	store_close(f->st);
	f->st = NULL;
}

json_t *fx_send(fixture *f, seminar_session *ss, seminar_result *r, const char *fmt, ...)
{
	char text[PROTO_MAX_MESSAGE_BYTES], detail[160], re[80];
	seminar_result local = {0};
	proto_msg m;
	proto_err err = PROTO_OK;
	json_t *reply;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (proto_parse(text, strlen(text), &m, &err, detail, sizeof detail, re, sizeof re)) {
		print_error("message does not parse (%s): %s\n", detail, text);
		fail();
	}
	if (!r)
		r = &local;
	seminar_principal who;
	assert_int_equal(seminar_sender(f->st, m.key, &who), 0);
	assert_int_equal(seminar_handle(f->st, f->snaps, ss, &who, &m, r), 0);
	proto_msg_clear(&m);
	assert_non_null(r->reply);
	assert_int_equal(store_tx_commit(f->st), STORE_OK);
	char *whole = seminar_result_text(r);
	assert_non_null(whole);
	reply = json_loads(whole, 0, NULL);
	free(whole);
	assert_non_null(reply);
	assert_int_equal(r->is_error, fx_error(reply) != NULL);
	seminar_result_clear(&local);
	return reply;
}

const char *fx_error(json_t *reply)
{
	if (strcmp(json_string_value(json_object_get(reply, "type")), "error") != 0)
		return NULL;
	return json_string_value(json_object_get(reply, "code"));
}

void fx_join(fixture *f, seminar_session *ss, char *token, size_t len)
{
	json_t *r = fx_send(f, ss, NULL, "{\"type\":\"join\",\"id\":\"j%d\",\"code\":\"%s\"}",
	                    ++f->serial, f->code);
	assert_null(fx_error(r));
	snprintf(token, len, "%s", json_string_value(json_object_get(r, "token")));
	json_decref(r);
}

void fx_state(fixture *f, const char *activity, const char *state)
{
	seminar_session *ss = seminar_session_new();
	json_t *r = fx_send(f, ss, NULL,
	                    "{\"type\":\"set_state\",\"id\":\"s%d\",\"code\":\"%s\",\"key\":\"%s\","
	                    "\"activity\":\"%s\",\"state\":\"%s\"}",
	                    ++f->serial, f->code, f->key, activity, state);
	assert_null(fx_error(r));
	json_decref(r);
	seminar_session_free(ss);
}

long long fx_post(fixture *f, seminar_session *ss, const char *activity, const char *board,
                  const char *text)
{
	json_t *r = fx_send(f, ss, NULL,
	                    "{\"type\":\"post\",\"id\":\"p%d\",\"activity\":\"%s\",\"board\":\"%s\","
	                    "\"text\":\"%s\"}",
	                    ++f->serial, activity, board, text);
	long long id;

	assert_null(fx_error(r));
	id = json_integer_value(json_object_get(json_object_get(r, "contribution"), "id"));
	assert_true(id > 0);
	json_decref(r);
	return id;
}
