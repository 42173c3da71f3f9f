/*
 * seminar.c — the domain rules of docs/PROTOCOL.md: what each client
 * message may do to a seminar, and what it changes.
 *
 * Boundary: a parsed message and the connection's session in; checks
 * (joined? activity state? owner? vote budget? facilitator key?), writes
 * through store_domain.h inside one savepoint per message, and out the
 * reply plus the encoded events to broadcast after commit. Every change
 * appends one event to the seminar's log. Participant writes are answered
 * once: their reply is kept under the client's message id and returned
 * again, unchanged, for a resend. No network, no SQL, no direct I/O.
 */
#include "seminar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_domain.h"

/* How far behind (in events) a watch may catch up event by event. */
#define CATCH_UP_EVENTS 1000

struct seminar_session {
	long long participant_id; /* 0 until a join */
	long long joined_seminar;  /* the seminar of that participant */
	char token[STORE_TOKEN_SIZE]; /* that participant's token */
	long long watch_seminar;   /* 0 until a watch */
	long long watch_activity;  /* 0: every activity */
	int full;                  /* the watch carried the facilitator key */
};

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

/* ===== One message being handled ===== */

/* A handler returns 0 when done, REFUSED when a rule says no (job.err and
 * job.detail say which), or a negative store code. */
#define REFUSED 1
#define ANSWERED 2 /* a resend: the reply stored the first time is given */

struct job {
	store *st;
	seminar_session *ss;
	const proto_msg *m;
	seminar_result *r;
	const char *reply_type; /* "ack", "joined", "synced" */
	json_t *body;           /* the reply's fields besides type and re */
	snapshot *tail;         /* instead of body: a shared snapshot's fields */
	proto_err err;
	char detail[160];
	seminar_session next; /* the session once the message succeeds */
};

static int refuse(struct job *j, proto_err err, const char *detail)
{
	j->err = err;
	snprintf(j->detail, sizeof j->detail, "%s", detail);
	return REFUSED;
}

/* A required field of the message: refuses when it is absent. The parser
 * checks these too; this keeps a hand-made message from reaching SQL. */
static int need(struct job *j, const char *value, const char *name)
{
	char detail[64];
	if (value)
		return 0;
	snprintf(detail, sizeof detail, "%s: required", name);
	return refuse(j, PROTO_ERR_MISSING_FIELD, detail);
}

/* Sets the reply body member name (stealing value). */
static int put(struct job *j, const char *name, json_t *value)
{
	if (!j->body)
		j->body = json_object();
	if (!value || !j->body || json_object_set_new(j->body, name, value) != 0)
		return STORE_ERR;
	return 0;
}

/* ===== Events ===== */

/* Appends one event (kind "contribution" or "activity", object borrowed)
 * to the seminar's log and to the result. activity_id 0: seminar-wide. */
static int emit(struct job *j, long long seminar_id, long long activity_id,
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
	rc = store_event_append(j->st, seminar_id, seq, activity_id, payload);
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

/* The event of a contribution's current state (hidden text masked). */
static int emit_contribution(struct job *j, long long id)
{
	store_contribution c;
	json_t *o = NULL;
	int rc = store_contribution_get(j->st, id, &c);

	if (rc == STORE_OK)
		rc = store_contribution_json(j->st, id, 0, &o);
	if (rc == STORE_OK)
		rc = emit(j, c.seminar_id, c.activity_id, "contribution", o);
	json_decref(o);
	return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
}

/* Puts "contribution": the object of id in the reply body. */
static int reply_contribution(struct job *j, long long id, int full)
{
	json_t *o = NULL;
	int rc = store_contribution_json(j->st, id, full, &o);
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
	j->reply_type = "ack";
	return put(j, "contribution", o);
}

/* ===== Lookups that refuse ===== */

/* The seminar of m->code, or unknown_seminar. */
static int find_seminar(struct job *j, long long *sid)
{
	int rc = need(j, j->m->code, "code");
	if (rc)
		return rc;
	rc = store_seminar_find(j->st, j->m->code, sid);
	if (rc == STORE_NOT_FOUND)
		return refuse(j, PROTO_ERR_UNKNOWN_SEMINAR, "no seminar has this code");
	return rc;
}

/* A facilitator message: its seminar, and its key checked. */
/* The message's facilitator key: 0 when right, REFUSED (bad_key) when
 * absent or wrong, a negative store code when it could not be checked. */
static int check_key(struct job *j)
{
	int ok = j->m->key ? store_check_key(j->st, j->m->code, j->m->key) : 0;
	if (ok < 0)
		return ok;
	return ok ? 0 : refuse(j, PROTO_ERR_BAD_KEY, "facilitator key missing or wrong");
}

static int facilitator(struct job *j, long long *sid)
{
	int rc = find_seminar(j, sid);
	return rc ? rc : check_key(j);
}

/* The activity slug of seminar sid, in the programme, or
 * unknown_activity (an archived one is no longer in it). */
static int find_activity(struct job *j, long long sid, const char *slug,
                         store_activity *a)
{
	int rc = need(j, slug, "activity");
	if (rc)
		return rc;
	rc = store_activity_find(j->st, sid, slug, a);
	if (rc == STORE_OK && a->archived)
		return refuse(j, PROTO_ERR_UNKNOWN_ACTIVITY,
		              "the activity was archived: no longer in the programme");
	if (rc == STORE_NOT_FOUND)
		return refuse(j, PROTO_ERR_UNKNOWN_ACTIVITY, "no such activity in the seminar");
	return rc;
}

/* m->contribution, if it belongs to seminar sid, is not deleted and its
 * board is in the programme. */
static int find_contribution(struct job *j, long long sid, store_contribution *c)
{
	int rc = store_contribution_get(j->st, j->m->contribution, c);
	if (rc == STORE_OK && c->seminar_id == sid && c->archived)
		return refuse(j, PROTO_ERR_UNKNOWN_CONTRIBUTION,
		              "the contribution's board was archived: no longer in the programme");
	if (rc == STORE_NOT_FOUND || (rc == STORE_OK && (c->seminar_id != sid ||
	                                                 strcmp(c->state, "deleted") == 0)))
		return refuse(j, PROTO_ERR_UNKNOWN_CONTRIBUTION,
		              "no such contribution in the seminar");
	return rc;
}

/* The participant's own contribution m->contribution, its activity open. */
static int own_open_contribution(struct job *j, store_contribution *c)
{
	int rc = find_contribution(j, j->ss->joined_seminar, c);
	if (rc)
		return rc;
	if (c->participant_id != j->ss->participant_id)
		return refuse(j, PROTO_ERR_NOT_OWNER, "not one's own contribution");
	if (strcmp(c->activity_state, "open") != 0)
		return refuse(j, PROTO_ERR_ACTIVITY_STATE, "the activity is not open");
	return 0;
}

/* ===== join, watch ===== */

/* 1 when the connection's participant is in the database, 0 when it is
 * not (and the connection is then no longer joined), or a store code.
 * The session is set when a join is handled, before the commit; if that
 * commit failed the participant does not exist, and its id may be given
 * to the next one to join: the token, random, tells them apart. */
static int joined(struct job *j)
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

static int do_join(struct job *j)
{
	const proto_msg *m = j->m;
	char token[STORE_TOKEN_SIZE] = "";
	long long sid = 0, pid = 0;
	json_t *seminar = NULL, *mine = NULL, *votes = NULL;
	int rc = find_seminar(j, &sid);

	if (rc)
		return rc;
	if (m->token) {
		rc = store_participant_find(j->st, sid, m->token, &pid);
		if (rc == STORE_OK)
			snprintf(token, sizeof token, "%s", m->token);
		else if (rc != STORE_NOT_FOUND)
			return rc;
	}
	if (!pid && (rc = store_participant_create(j->st, sid, token, sizeof token, &pid)))
		return rc;
	if ((m->name || m->structure) &&
	    (rc = store_participant_update(j->st, pid, m->name, m->structure)))
		return rc;
	if ((rc = store_seminar_json(j->st, sid, &seminar)) ||
	    (rc = store_participant_contributions(j->st, pid, &mine)) ||
	    (rc = store_participant_votes(j->st, pid, &votes)))
		goto done;
	j->reply_type = "joined";
	if (put(j, "token", json_string(token)) || put(j, "seminar", json_incref(seminar)) ||
	    put(j, "my_contributions", json_incref(mine)) ||
	    put(j, "my_votes", json_incref(votes)))
		rc = STORE_ERR;
	j->next.participant_id = pid;
	j->next.joined_seminar = sid;
	snprintf(j->next.token, sizeof j->next.token, "%s", token);
done:
	json_decref(seminar);
	json_decref(mine);
	json_decref(votes);
	return rc;
}

/* A snapshot's fields, made once for every watcher of list at seq. */
static int snapshot_tail(struct job *j, long long sid, long long seq, json_t *list)
{
	json_t *seminar = NULL, *body = NULL;
	int rc;

	if ((j->tail = snapshot_find(list, seq)))
		return 0;
	if ((rc = store_seminar_json(j->st, sid, &seminar)))
		return rc;
	body = json_pack("{s:s, s:I, s:O, s:O}", "mode", "snapshot", "seq", (json_int_t)seq,
	                 "seminar", seminar, "contributions", list);
	if (!body || !(j->tail = snapshot_make(list, seq, body)))
		rc = STORE_ERR;
	json_decref(body);
	json_decref(seminar);
	return rc;
}

static int do_watch(struct job *j)
{
	const proto_msg *m = j->m;
	store_activity a = {0};
	long long sid = 0, seq = 0;
	json_t *seminar = NULL, *list = NULL;
	int full = 0, events, rc = find_seminar(j, &sid);

	if (rc)
		return rc;
	if (m->key) {
		if ((rc = check_key(j)))
			return rc;
		full = 1;
	}
	if (m->activity && (rc = find_activity(j, sid, m->activity, &a)))
		return rc;
	if (j->ss->joined_seminar == sid && a.id && (rc = joined(j)) < 0)
		return rc;
	if (rc == 1 && (rc = store_attendance_add(j->st, j->ss->participant_id, a.id)))
		return rc;
	if ((rc = store_seminar_seq(j->st, sid, &seq)))
		return rc;
	j->reply_type = "synced";
	events = m->since >= 0 && m->since <= seq && seq - m->since <= CATCH_UP_EVENTS;
	if (events) {
		if ((rc = store_seminar_json(j->st, sid, &seminar)) ||
		    (rc = store_events_since(j->st, sid, m->since, a.id, &list)))
			goto done;
		if (put(j, "mode", json_string("events")) || put(j, "seq", json_integer(seq)) ||
		    put(j, "seminar", json_incref(seminar)) || put(j, "events", json_incref(list)))
			rc = STORE_ERR;
	} else if (!(rc = store_contributions_json(j->st, sid, a.id, full, &list))) {
		rc = snapshot_tail(j, sid, seq, list);
	}
	if (rc)
		goto done;
	j->next.watch_seminar = sid;
	j->next.watch_activity = a.id;
	j->next.full = full;
done:
	json_decref(seminar);
	json_decref(list);
	return rc;
}

/* ===== A participant's writes ===== */

/* Unicode code points in a UTF-8 text. */
static size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Checks m->parent for a post on board b: a top-level, not deleted
 * contribution of an orientations board, the same board. */
static int check_parent(struct job *j, const store_board *b)
{
	store_contribution p;
	int rc = store_contribution_get(j->st, j->m->parent, &p);

	if (rc != STORE_OK && rc != STORE_NOT_FOUND)
		return rc;
	if (rc == STORE_NOT_FOUND || p.seminar_id != j->ss->joined_seminar ||
	    !p.orientations || p.parent_id || strcmp(p.state, "deleted") == 0)
		return refuse(j, PROTO_ERR_NOT_ORIENTATION, "parent is not an orientation");
	if (p.board_id != b->id)
		return refuse(j, PROTO_ERR_NOT_ORIENTATION, "parent is on another board");
	if (chars(j->m->text) > PROTO_MAX_ACTION_CHARS)
		return refuse(j, PROTO_ERR_TOO_LONG, "text: an example action is too long");
	return 0;
}

static int do_post(struct job *j)
{
	const proto_msg *m = j->m;
	const char *author = m->author && *m->author ? m->author : NULL;
	store_activity a;
	store_board b;
	long long id = 0, action = 0;
	json_t *actions = NULL, *o = NULL;
	int rc;

	if ((rc = need(j, m->board, "board")) || (rc = need(j, m->text, "text")) ||
	    (rc = find_activity(j, j->ss->joined_seminar, m->activity, &a)))
		return rc;
	rc = store_board_find(j->st, a.id, m->board, &b);
	if (rc == STORE_OK && b.archived)
		return refuse(j, PROTO_ERR_UNKNOWN_BOARD,
		              "the board was archived: no longer in the activity");
	if (rc == STORE_NOT_FOUND)
		return refuse(j, PROTO_ERR_UNKNOWN_BOARD, "no such board in the activity");
	if (rc)
		return rc;
	if (strcmp(a.state, "open") != 0)
		return refuse(j, PROTO_ERR_ACTIVITY_STATE, "the activity is not open");
	if (m->parent >= 0 && m->nactions)
		return refuse(j, PROTO_ERR_BAD_FIELD, "actions: not allowed with parent");
	if (m->nactions && !b.orientations)
		return refuse(j, PROTO_ERR_BAD_FIELD, "actions: only on an orientations board");
	if (m->parent >= 0 && (rc = check_parent(j, &b)))
		return rc;
	rc = store_contribution_add(j->st, b.id, j->ss->participant_id,
	                            m->parent >= 0 ? m->parent : 0, m->text, author, &id);
	if (rc || (rc = store_attendance_add(j->st, j->ss->participant_id, a.id)) ||
	    (rc = emit_contribution(j, id)) || (rc = reply_contribution(j, id, 0)))
		return rc;
	if (!m->nactions)
		return 0;
	if (!(actions = json_array()))
		rc = STORE_ERR;
	for (size_t i = 0; !rc && i < m->nactions; i++) {
		rc = store_contribution_add(j->st, b.id, j->ss->participant_id, id,
		                            m->actions[i], author, &action);
		if (!rc && !(rc = emit_contribution(j, action)) &&
		    !(rc = store_contribution_json(j->st, action, 0, &o)))
			rc = json_array_append_new(actions, o) ? STORE_ERR : 0;
	}
	if (!rc)
		rc = json_object_set(json_object_get(j->body, "contribution"), "actions", actions)
		         ? STORE_ERR : 0;
	json_decref(actions);
	return rc;
}

static int do_edit(struct job *j)
{
	store_contribution c;
	int rc = need(j, j->m->text, "text");

	if (rc || (rc = own_open_contribution(j, &c)))
		return rc;
	if (c.parent_id && chars(j->m->text) > PROTO_MAX_ACTION_CHARS)
		return refuse(j, PROTO_ERR_TOO_LONG, "text: an example action is too long");
	if ((rc = store_contribution_set_text(j->st, c.id, j->m->text)) ||
	    (rc = emit_contribution(j, c.id)))
		return rc;
	return reply_contribution(j, c.id, 0);
}

/* Deleting an orientation deletes its example actions with it: they have
 * no place in the synthesis without it. */
static int do_delete(struct job *j)
{
	store_contribution c;
	json_t *actions = NULL;
	int rc = own_open_contribution(j, &c);

	if (rc || (rc = store_contribution_actions(j->st, c.id, &actions)))
		return rc;
	if (!(rc = store_contribution_delete(j->st, c.id)))
		rc = emit_contribution(j, c.id);
	for (size_t i = 0; !rc && i < json_array_size(actions); i++) {
		long long id = json_integer_value(json_array_get(actions, i));
		if (!(rc = store_contribution_delete(j->st, id)))
			rc = emit_contribution(j, id);
	}
	json_decref(actions);
	return rc ? rc : reply_contribution(j, c.id, 0);
}

/* vote (add 1) and unvote (add 0): the contribution's activity open or
 * voting, one vote per contribution, at most vote_budget per activity. */
static int do_vote(struct job *j, int add)
{
	long long pid = j->ss->participant_id, used = 0;
	store_contribution c;
	int voted = 0, rc = find_contribution(j, j->ss->joined_seminar, &c);

	if (rc)
		return rc;
	if (add && strcmp(c.state, "visible") != 0)
		return refuse(j, PROTO_ERR_UNKNOWN_CONTRIBUTION, "the contribution is hidden");
	if (strcmp(c.activity_state, "open") != 0 && strcmp(c.activity_state, "voting") != 0)
		return refuse(j, PROTO_ERR_ACTIVITY_STATE, "the activity is not open to votes");
	if ((rc = store_vote_exists(j->st, pid, c.id, &voted)) ||
	    (rc = store_votes_used(j->st, pid, c.activity_id, &used)))
		return rc;
	if (add && voted)
		return refuse(j, PROTO_ERR_ALREADY_VOTED, "already voted for this contribution");
	if (!add && !voted)
		return refuse(j, PROTO_ERR_NOT_VOTED, "no vote for this contribution");
	if (add && used >= c.vote_budget)
		return refuse(j, PROTO_ERR_VOTE_BUDGET, "no vote left in this activity");
	rc = add ? store_vote_add(j->st, pid, c.id) : store_vote_remove(j->st, pid, c.id);
	if (rc || (add && (rc = store_attendance_add(j->st, pid, c.activity_id))) ||
	    (rc = emit_contribution(j, c.id)) || (rc = reply_contribution(j, c.id, 0)))
		return rc;
	used += add ? 1 : -1;
	return put(j, "votes_left", json_integer(used < c.vote_budget ? c.vote_budget - used : 0));
}

/* ===== Facilitator messages ===== */

static int do_set_state(struct job *j)
{
	static const char *const states[] = {"prepared", "open", "voting", "closed"};
	const char *state = j->m->state;
	store_activity a;
	long long sid = 0;
	json_t *o = NULL;
	int known = 0, rc = facilitator(j, &sid);

	if (rc || (rc = find_activity(j, sid, j->m->activity, &a)) ||
	    (rc = need(j, state, "state")))
		return rc;
	for (size_t i = 0; i < sizeof states / sizeof states[0]; i++)
		known |= strcmp(state, states[i]) == 0;
	if (!known)
		return refuse(j, PROTO_ERR_BAD_FIELD, "state: not a state");
	if (strcmp(a.state, state) != 0 &&
	    (rc = store_activity_set_state(j->st, a.id, state)))
		return rc;
	if ((rc = store_activity_json(j->st, a.id, &o)))
		return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
	if (strcmp(a.state, state) != 0)
		rc = emit(j, sid, 0, "activity", o);
	j->reply_type = "ack";
	if (!rc)
		return put(j, "activity", o);
	json_decref(o);
	return rc;
}

/* hide and show: state becomes "hidden" or "visible". */
static int do_moderate(struct job *j, const char *state)
{
	store_contribution c;
	long long sid = 0;
	int rc = facilitator(j, &sid);

	if (rc || (rc = find_contribution(j, sid, &c)))
		return rc;
	if (strcmp(c.state, state) != 0 &&
	    ((rc = store_contribution_set_state(j->st, c.id, state)) ||
	     (rc = emit_contribution(j, c.id))))
		return rc;
	return reply_contribution(j, c.id, 1);
}

/* ===== Dispatch ===== */

static int is_participant_write(proto_type t)
{
	return t == PROTO_POST || t == PROTO_EDIT || t == PROTO_DELETE || t == PROTO_VOTE ||
	       t == PROTO_UNVOTE;
}

static int dispatch(struct job *j)
{
	switch (j->m->type) {
	case PROTO_JOIN: return do_join(j);
	case PROTO_WATCH: return do_watch(j);
	case PROTO_POST: return do_post(j);
	case PROTO_EDIT: return do_edit(j);
	case PROTO_DELETE: return do_delete(j);
	case PROTO_VOTE: return do_vote(j, 1);
	case PROTO_UNVOTE: return do_vote(j, 0);
	case PROTO_SET_STATE: return do_set_state(j);
	case PROTO_HIDE: return do_moderate(j, "hidden");
	case PROTO_SHOW: return do_moderate(j, "visible");
	}
	return refuse(j, PROTO_ERR_UNKNOWN_TYPE, "unknown message type");
}

/* A participant write seen before: its stored reply into r->reply.
 * Returns ANSWERED when found, 0 when new, REFUSED or a store code. */
static int answered_before(struct job *j)
{
	int rc = joined(j);

	if (rc < 0)
		return rc;
	if (rc == 0)
		return refuse(j, PROTO_ERR_NOT_JOINED, "join first");
	rc = store_request_find(j->st, j->ss->participant_id, j->m->id, &j->r->reply);
	if (rc == STORE_NOT_FOUND)
		return 0;
	return rc == STORE_OK ? ANSWERED : rc;
}

int seminar_handle(store *st, seminar_session *ss, const proto_msg *m, seminar_result *r)
{
	struct job j = {.st = st, .ss = ss, .m = m, .r = r, .next = *ss};
	int logged = is_participant_write(m->type), rc;

	memset(r, 0, sizeof *r);
	rc = store_tx_begin(st);
	if (rc == STORE_OK && (rc = store_savepoint(st)) == STORE_OK) {
		rc = logged ? answered_before(&j) : 0;
		if (rc == ANSWERED) /* the original reply, nothing written */
			return store_savepoint_release(st) == STORE_OK ? 0 : -1;
		if (rc == 0)
			rc = dispatch(&j);
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
	if (rc == REFUSED) {
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
