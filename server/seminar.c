/*
 * seminar.c — the domain rules' core: per-connection sessions, results,
 * the helpers every actor's handlers share (seminar_private.h), and
 * seminar_handle(), which runs a message's handler from its row in the
 * command table once the row's roles allow its sender.
 *
 * Boundary: a parsed message, its sender and the connection's session in;
 * writes through store_domain.h inside one savepoint per message, and out
 * the reply plus the encoded events to broadcast after commit. Every
 * change appends one event to the seminar's log, with the key that acted.
 * Participant writes (rows with "once") are answered once: their reply is
 * kept under the client's message id and returned again, unchanged, for a
 * resend. No network, no SQL, no direct I/O.
 */
#include "seminar_private.h"
#include "store_keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

seminar_session *seminar_session_new(void)
{
	return calloc(1, sizeof(seminar_session));
}

void seminar_session_free(seminar_session *ss)
{
	free(ss);
}

void seminar_session_watch(const seminar_session *ss, long long *seminar_id,
                           long long *activity_id, int *full)
{
	*seminar_id = ss ? ss->watch_seminar : 0;
	*activity_id = ss ? ss->watch_activity : 0;
	*full = ss ? ss->full : 0;
}

void seminar_result_clear(seminar_result *r)
{
	if (!r)
		return;
	free(r->reply);
	snapshot_unref(r->tail);
	for (size_t i = 0; i < r->nevents; i++)
		free(r->events[i].payload);
	free(r->events);
	memset(r, 0, sizeof *r);
}

char *seminar_result_text(const seminar_result *r)
{
	size_t head = r && r->reply ? strlen(r->reply) : 0, tail = 0;
	const char *t = r && r->tail ? snapshot_text(r->tail, &tail) : "";
	char *s = head ? malloc(head + tail + 1) : NULL;

	if (!s)
		return NULL;
	memcpy(s, r->reply, head);
	memcpy(s + head, t, tail + 1);
	return s;
}

/* ===== Helpers shared by the handlers (seminar_private.h) ===== */

int seminar__refuse(struct seminar_job *j, proto_err err, const char *detail)
{
	j->err = err;
	snprintf(j->detail, sizeof j->detail, "%s", detail);
	return SEMINAR_REFUSED;
}

int seminar__need(struct seminar_job *j, const char *value, const char *name)
{
	char detail[64];
	if (value)
		return 0;
	snprintf(detail, sizeof detail, "%s: required", name);
	return seminar__refuse(j, PROTO_ERR_MISSING_FIELD, detail);
}

int seminar__put(struct seminar_job *j, const char *name, json_t *value)
{
	if (!j->body)
		j->body = json_object();
	if (!value || !j->body || json_object_set_new(j->body, name, value) != 0)
		return STORE_ERR;
	return 0;
}

int seminar__emit(struct seminar_job *j, long long seminar_id, long long activity_id,
                  const char *kind, json_t *object)
{
	seminar_result *r = j->r;
	seminar_event *grown;
	long long seq = 0;
	char *payload;
	int rc = store_event_next_seq(j->st, seminar_id, &seq);

	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
	payload = proto_encode_event(seq, kind, object);
	if (!payload)
		return STORE_ERR;
	rc = store_event_append(j->st, seminar_id, seq, activity_id, j->who->key_id, payload);
	grown = rc == STORE_OK ? realloc(r->events, (r->nevents + 1) * sizeof *grown) : NULL;
	if (!grown) {
		free(payload);
		return rc == STORE_OK ? STORE_ERR : rc;
	}
	r->events = grown;
	r->events[r->nevents] = (seminar_event){seminar_id, activity_id, seq, payload,
	                                        strlen(payload)};
	r->nevents++;
	return 0;
}

int seminar__emit_contribution(struct seminar_job *j, long long id)
{
	store_contribution c;
	json_t *o = NULL;
	int rc = store_contribution_get(j->st, id, &c);

	if (rc == STORE_OK)
		rc = store_contribution_json(j->st, id, 0, &o);
	if (rc == STORE_OK)
		rc = seminar__emit(j, c.seminar_id, c.activity_id, "contribution", o);
	json_decref(o);
	return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
}

int seminar__reply_contribution(struct seminar_job *j, long long id, int full)
{
	json_t *o = NULL;
	int rc = store_contribution_json(j->st, id, full, &o);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
	j->reply_type = "ack";
	return seminar__put(j, "contribution", o);
}

int seminar__find_seminar(struct seminar_job *j, long long *sid)
{
	int rc = seminar__need(j, j->m->code, "code");
	if (rc)
		return rc;
	rc = store_seminar_find(j->st, j->m->code, sid);
	if (rc == STORE_NOT_FOUND)
		return seminar__refuse(j, PROTO_ERR_UNKNOWN_SEMINAR, "no seminar has this code");
	return rc;
}

int seminar__key_holds(struct seminar_job *j, long long sid)
{
	if (!(j->who->role & ROLES_FACILITATING) ||
	    (j->who->seminar_id && j->who->seminar_id != sid))
		return seminar__refuse(j, PROTO_ERR_BAD_KEY, "facilitator key missing or wrong");
	return 0;
}

int seminar__facilitated(struct seminar_job *j, long long *sid)
{
	int rc = seminar__find_seminar(j, sid);
	return rc ? rc : seminar__key_holds(j, *sid);
}

int seminar__may_act_on(struct seminar_job *j, long long activity_id)
{
	if (j->who->role == ROLE_ANIMATOR && j->who->activity_id != activity_id)
		return seminar__refuse(j, PROTO_ERR_FORBIDDEN,
		                       "this key is for another activity of the seminar");
	return 0;
}

int seminar__find_activity(struct seminar_job *j, long long sid, const char *slug,
                           store_activity *a)
{
	int rc = seminar__need(j, slug, "activity");
	if (rc)
		return rc;
	rc = store_activity_find(j->st, sid, slug, a);
	if (rc == STORE_OK && a->archived)
		return seminar__refuse(j, PROTO_ERR_UNKNOWN_ACTIVITY,
		                       "the activity was archived: no longer in the programme");
	if (rc == STORE_NOT_FOUND)
		return seminar__refuse(j, PROTO_ERR_UNKNOWN_ACTIVITY,
		                       "no such activity in the seminar");
	return rc;
}

int seminar__find_contribution(struct seminar_job *j, long long sid, store_contribution *c)
{
	int rc = store_contribution_get(j->st, j->m->contribution, c);
	if (rc == STORE_OK && c->seminar_id == sid && c->archived)
		return seminar__refuse(j, PROTO_ERR_UNKNOWN_CONTRIBUTION,
		                       "the contribution's board was archived: no longer in the "
		                       "programme");
	if (rc == STORE_NOT_FOUND || (rc == STORE_OK && (c->seminar_id != sid ||
	                                                 c->state == VOCAB_DELETED)))
		return seminar__refuse(j, PROTO_ERR_UNKNOWN_CONTRIBUTION,
		                       "no such contribution in the seminar");
	return rc;
}

/* Asks the database, not the session alone: the session is set when a
 * join is handled, before the commit; if that commit failed the
 * participant does not exist, and its id may be given to the next one to
 * join: the token, random, tells them apart. */
int seminar__joined(struct seminar_job *j)
{
	long long pid = 0;
	int rc;

	if (!j->ss->participant_id)
		return 0;
	rc = store_participant_find(j->st, j->ss->joined_seminar, j->ss->token, &pid);
	if (rc != STORE_OK && rc != STORE_NOT_FOUND)
		return rc;
	if (rc == STORE_OK && pid == j->ss->participant_id)
		return 1;
	j->ss->participant_id = j->ss->joined_seminar = 0;
	j->ss->token[0] = '\0';
	j->next = *j->ss;
	return 0;
}

/* ===== Who sends a message ===== */

int seminar_sender(store *st, const char *key, seminar_principal *who)
{
	store_key k;
	int rc;

	*who = (seminar_principal){ROLE_ANYONE, 0, 0, 0};
	if (!key)
		return 0;
	rc = store_key_find(st, key, &k);
	if (rc == STORE_NOT_FOUND)
		return 0;
	if (rc != STORE_OK)
		return rc;
	who->key_id = k.id;
	who->seminar_id = k.seminar_id;
	who->activity_id = k.activity_id;
	switch (k.kind) {
	case STORE_KEY_FACILITATOR:
		who->role = k.activity_id ? ROLE_ANIMATOR : ROLE_FACILITATOR;
		break;
	case STORE_KEY_ORGANISER:
		who->role = ROLE_ORGANISER;
		break;
	case STORE_KEY_VALIDATION:
		who->role = ROLE_VALIDATION;
		break;
	}
	return 0;
}

/* ===== Running a message ===== */

/* A participant write seen before: its stored reply into r->reply.
 * Returns SEMINAR_ANSWERED when found, 0 when new, SEMINAR_REFUSED or a
 * store code. */
static int answered_before(struct seminar_job *j)
{
	int rc = seminar__joined(j);

	if (rc < 0)
		return rc;
	if (rc == 0)
		return seminar__refuse(j, PROTO_ERR_NOT_JOINED, "join first");
	rc = store_request_find(j->st, j->ss->participant_id, j->m->id, &j->r->reply);
	if (rc == STORE_NOT_FOUND)
		return 0;
	return rc == STORE_OK ? SEMINAR_ANSWERED : rc;
}

/* 0 when the row of m lets who send it. A key that is right but of a kind
 * or scope the row does not take is forbidden; a message that needs a key
 * and came without one (only a hand-made one can) gets bad_key. */
static int allowed(struct seminar_job *j, const command *row)
{
	if (row->roles & j->who->role)
		return 0;
	if (j->who->role == ROLE_ANYONE && (row->roles & ROLE_PARTICIPANT))
		return 0; /* whether it joined is the handler's question */
	if (j->who->role == ROLE_ANYONE || j->who->role == ROLE_PARTICIPANT) {
		long long sid; /* an unknown code is said before a wrong key */
		int rc = j->m->code ? seminar__find_seminar(j, &sid) : 0;
		return rc ? rc : seminar__refuse(j, PROTO_ERR_BAD_KEY,
		                                 "facilitator key missing or wrong");
	}
	return seminar__refuse(j, PROTO_ERR_FORBIDDEN, "this key may not do this");
}

int seminar_handle(store *st, snapshot_cache *snaps, seminar_session *ss,
                   const seminar_principal *who, const proto_msg *m, seminar_result *r)
{
	static const seminar_principal nobody = {ROLE_ANYONE, 0, 0, 0};
	const command *row = command_of(m->type);
	struct seminar_job j = {.st = st, .snaps = snaps, .ss = ss, .who = who ? who : &nobody,
	                        .m = m, .r = r, .next = *ss};
	int logged = row && row->once, rc;

	memset(r, 0, sizeof *r);
	rc = store_tx_begin(st);
	if (rc == STORE_OK && (rc = store_savepoint(st)) == STORE_OK) {
		rc = row ? allowed(&j, row)
		         : seminar__refuse(&j, PROTO_ERR_UNKNOWN_TYPE, "unknown message type");
		if (rc == 0 && logged)
			rc = answered_before(&j);
		if (rc == SEMINAR_ANSWERED) /* the original reply, nothing written */
			return store_savepoint_release(st) == STORE_OK ? 0 : -1;
		if (rc == 0)
			rc = row->handler(&j);
		if (rc == 0 && j.tail) {
			r->tail = j.tail;
			j.tail = NULL;
			if (!(r->reply = proto_encode_reply_head(j.reply_type, m->id)))
				rc = STORE_ERR;
		} else if (rc == 0 && !(r->reply = proto_encode_reply(j.reply_type, m->id, j.body))) {
			rc = STORE_ERR;
		}
		if (rc == 0 && logged)
			rc = store_request_save(st, ss->participant_id, m->id, r->reply);
		if (rc == 0)
			rc = store_savepoint_release(st);
		if (rc != 0)
			store_savepoint_rollback(st);
	}
	json_decref(j.body);
	snapshot_unref(j.tail);
	if (rc == 0) {
		*ss = j.next;
		return 0;
	}
	seminar_result_clear(r);
	if (rc == SEMINAR_REFUSED) {
		r->err = j.err;
		rc = 0;
	} else {
		r->err = rc == STORE_FULL || rc == STORE_READONLY || rc == STORE_IOERR
		             ? PROTO_ERR_STORAGE
		             : PROTO_ERR_INTERNAL;
		snprintf(j.detail, sizeof j.detail, "%s",
		         r->err == PROTO_ERR_STORAGE ? "the write could not be saved"
		                                     : "server fault");
		rc = -1;
	}
	r->is_error = 1;
	r->reply = proto_encode_error(m->id, r->err, j.detail);
	return rc;
}
