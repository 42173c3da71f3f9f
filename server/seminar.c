/*
 * seminar.c — the domain rules' core: per-connection sessions, results,
 * the helpers every actor's handlers share (seminar_private.h), and
 * seminar_handle(), which runs a message's handler from its row in the
 * command table once the row's roles allow its sender.
 *
 * Boundary: a parsed message, its sender and the connection's session in;
 * writes through store_domain.h inside one savepoint per message, and out
 * the reply plus the events to broadcast after commit, each rendered by
 * the views (view_wire.h) for its audiences. Every change appends one
 * event to the seminar's log, with the key that acted. Participant writes
 * (rows with "once") are answered once: what their reply is about is kept
 * under the client's message id, and a resend gets that reply again,
 * rendered anew as the participant may see it now. No network, no SQL, no
 * JSON, no direct I/O.
 */
#include "seminar_private.h"
#include "store_keys.h"
#include "view_wire.h"

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
                           long long *activity_id, view_who *who)
{
	static const view_who nobody = {0, 0, 0};
	*seminar_id = ss ? ss->watch_seminar : 0;
	*activity_id = ss ? ss->watch_activity : 0;
	*who = ss ? ss->who : nobody;
}

void seminar_event_clear(seminar_event *e)
{
	if (!e)
		return;
	view_event_free(e->text);
	memset(e, 0, sizeof *e);
}

int seminar_event_copy(seminar_event *dst, const seminar_event *src)
{
	*dst = *src;
	for (int a = 0; a < VIEW_AUDIENCES; a++) {
		int same = -1;
		dst->text[a] = NULL;
		for (int b = 0; b < a && same < 0; b++)
			if (src->text[b] == src->text[a])
				same = b;
		if (same >= 0)
			dst->text[a] = dst->text[same];
		else if (src->text[a] && !(dst->text[a] = strdup(src->text[a]))) {
			seminar_event_clear(dst);
			return -1;
		}
	}
	return 0;
}

const char *seminar_event_for(const seminar_event *e, const view_who *who, size_t *len,
                              view_audience *audience)
{
	view_audience a = view_reach(who, e->object_activity, e->author);
	if (len)
		*len = e->text[a] ? e->len[a] : 0;
	if (audience)
		*audience = a;
	return e->text[a];
}

void seminar_result_clear(seminar_result *r)
{
	if (!r)
		return;
	free(r->reply);
	snapshot_unref(r->tail);
	for (size_t i = 0; i < r->nevents; i++)
		seminar_event_clear(&r->events[i]);
	free(r->events);
	free(r->deadline_text);
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

view_who seminar__sender(const struct seminar_job *j)
{
	view_who w = {0, 0, 0};
	if (j->who->role & ROLES_FACILITATING) {
		w.facilitator = 1;
		w.activity_id = j->who->activity_id;
	} else {
		w.participant_id = j->ss->participant_id;
	}
	return w;
}

/* seminar__emit, of kind kind. */
static int emit(struct seminar_job *j, long long seminar_id, long long activity_id,
                store_event_kind kind, const store_contribution_info *c,
                const store_activity_info *a)
{
	seminar_event e = {seminar_id, activity_id, 0, 0, 0, {NULL}, {0}};
	int rc = store_event_add(j->st, seminar_id, activity_id, j->who->key_id, kind,
	                         c ? c->id : a->id, &e.seq);

	if (rc != STORE_OK)
		return rc;
	e.object_activity = c ? c->activity_id : a->id;
	e.author = c ? c->participant_id : 0;
	if (kind == STORE_EVENT_TALLY ? view_event_tally(e.seq, c, e.text)
	                              : view_event_at(e.seq, c, a, j->now, e.text))
		return STORE_ERR;
	return seminar__push(j, &e);
}

int seminar__push(struct seminar_job *j, seminar_event *e)
{
	seminar_result *r = j->r;
	seminar_event *grown;

	for (int k = 0; k < VIEW_AUDIENCES; k++)
		e->len[k] = e->text[k] ? strlen(e->text[k]) : 0;
	grown = realloc(r->events, (r->nevents + 1) * sizeof *grown);
	if (!grown) {
		seminar_event_clear(e);
		return STORE_ERR;
	}
	r->events = grown;
	r->events[r->nevents++] = *e;
	return 0;
}

int seminar__emit(struct seminar_job *j, long long seminar_id, long long activity_id,
                  const store_contribution_info *c, const store_activity_info *a)
{
	return emit(j, seminar_id, activity_id, c ? STORE_EVENT_CONTRIBUTION : STORE_EVENT_ACTIVITY,
	            c, a);
}

int seminar__emit_tally(struct seminar_job *j, long long seminar_id,
                        const store_contribution_info *c)
{
	store_seminar_info *now = NULL;
	int rc = emit(j, seminar_id, c->activity_id, STORE_EVENT_TALLY, c, NULL);

	/* Where the phase shows how many have voted and not where, the
	 * activity tells everyone the new count. */
	if (rc || !vocab_activity(c->phase)->voters_shown)
		return rc;
	if (!(rc = store_seminar_get(j->st, seminar_id, c->activity_id, &now)) &&
	    now->nactivities)
		rc = seminar__emit(j, seminar_id, 0, NULL, &now->activities[0]);
	store_seminar_info_free(now);
	return rc;
}

int seminar__emit_contribution(struct seminar_job *j, long long seminar_id, long long id)
{
	store_contributions *now = NULL;
	int rc = store_contribution_read(j->st, id, 0, &now);

	if (rc == STORE_OK)
		rc = seminar__emit(j, seminar_id, now->items[0].activity_id, &now->items[0], NULL);
	store_contributions_free(now);
	return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
}

int seminar__ack(struct seminar_job *j, const store_contributions *list, int actions,
                 long long votes_left)
{
	view_who w = seminar__sender(j);

	free(j->reply);
	j->ack = (store_request){list->items[0].id, votes_left, actions};
	j->reply = view_ack_contribution(j->m->id, &w, list, actions, votes_left);
	return j->reply ? 0 : STORE_ERR;
}

int seminar__changed(struct seminar_job *j, long long seminar_id, long long id, int emit,
                     long long votes_left)
{
	store_contributions *now = NULL;
	int rc = store_contribution_read(j->st, id, 0, &now);

	if (rc == STORE_OK && emit)
		rc = seminar__emit(j, seminar_id, now->items[0].activity_id, &now->items[0], NULL);
	if (rc == STORE_OK)
		rc = seminar__ack(j, now, 0, votes_left);
	store_contributions_free(now);
	return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
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

int seminar__in_programme(struct seminar_job *j, const store_activity *a)
{
	if (!a->id)
		return seminar__refuse(j, PROTO_ERR_UNKNOWN_ACTIVITY,
		                       "no such activity in the seminar");
	if (a->archived)
		return seminar__refuse(j, PROTO_ERR_UNKNOWN_ACTIVITY,
		                       "the activity was archived: no longer in the programme");
	return 0;
}

int seminar__find_activity(struct seminar_job *j, long long sid, const char *slug,
                           store_activity *a)
{
	int rc = seminar__need(j, slug, "activity");
	if (rc)
		return rc;
	rc = store_activity_find(j->st, sid, slug, a);
	if (rc == STORE_OK || rc == STORE_NOT_FOUND)
		return seminar__in_programme(j, a);
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
	seminar__unjoin(j);
	return 0;
}

void seminar__unjoin(struct seminar_job *j)
{
	j->ss->participant_id = j->ss->joined_seminar = 0;
	j->ss->token[0] = '\0';
	j->next = *j->ss;
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

/* A participant's write seen before: its reply, rendered again from what
 * was kept (the contribution as it is now, as the participant may see it
 * now), into j->reply. One statement tells whether the participant is
 * there and whether the id was answered. Returns SEMINAR_ANSWERED when it
 * was, 0 when the write is new, SEMINAR_REFUSED or a store code. */
static int answered_before(struct seminar_job *j)
{
	store_request req;
	store_contributions *now = NULL;
	view_who w;
	int joined = 0, rc;

	if (!j->ss->participant_id)
		return seminar__refuse(j, PROTO_ERR_NOT_JOINED, "join first");
	rc = store_request_find(j->st, j->ss->joined_seminar, j->ss->participant_id, j->ss->token,
	                        j->m->id, &joined, &req);
	if (rc != STORE_OK && rc != STORE_NOT_FOUND)
		return rc;
	if (!joined) {
		seminar__unjoin(j);
		return seminar__refuse(j, PROTO_ERR_NOT_JOINED, "join first");
	}
	if (rc == STORE_NOT_FOUND)
		return 0;
	if ((rc = store_contribution_read(j->st, req.contribution_id, req.actions, &now)))
		return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
	w = seminar__sender(j);
	j->reply = view_ack_contribution(j->m->id, &w, now, req.actions, req.votes_left);
	store_contributions_free(now);
	return j->reply ? SEMINAR_ANSWERED : STORE_ERR;
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
	return seminar_handle_at(st, snaps, ss, who, m, 0, r);
}

int seminar_handle_at(store *st, snapshot_cache *snaps, seminar_session *ss,
                      const seminar_principal *who, const proto_msg *m, long long now,
                      seminar_result *r)
{
	static const seminar_principal nobody = {ROLE_ANYONE, 0, 0, 0};
	const command *row = command_of(m->type);
	struct seminar_job j = {.st = st, .snaps = snaps, .ss = ss, .who = who ? who : &nobody,
	                        .m = m, .r = r, .next = *ss, .now = now};
	int logged = row && row->once, rc;

	memset(r, 0, sizeof *r);
	rc = store_tx_begin(st);
	if (rc == STORE_OK && (rc = store_savepoint(st)) == STORE_OK) {
		rc = row ? allowed(&j, row)
		         : seminar__refuse(&j, PROTO_ERR_UNKNOWN_TYPE, "unknown message type");
		if (rc == 0 && logged)
			rc = answered_before(&j);
		if (rc == SEMINAR_ANSWERED) { /* the same reply, nothing written */
			r->reply = j.reply;
			return store_savepoint_release(st) == STORE_OK ? 0 : -1;
		}
		if (rc == 0)
			rc = row->handler(&j);
		if (rc == 0 && (j.tail || j.cold) && !(j.reply = proto_encode_synced_head(m->id, now)))
			rc = STORE_ERR;
		if (rc == 0 && !j.reply) /* a handler that rendered no reply: a bug */
			rc = STORE_ERR;
		if (rc == 0 && logged)
			rc = store_request_save(st, ss->participant_id, m->id, &j.ack);
		if (rc == 0)
			rc = store_savepoint_release(st);
		if (rc != 0)
			store_savepoint_rollback(st);
	}
	if (rc == 0) {
		r->reply = j.reply;
		r->tail = j.tail;
		r->cold = j.cold;
		j.reply = NULL;
		j.tail = NULL;
	}
	free(j.reply);
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
