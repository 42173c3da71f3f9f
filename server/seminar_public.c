/*
 * seminar_public.c — what anyone may ask of a seminar without a key:
 * join it as a participant (join), and watch it, its activities and its
 * live events (watch; with a facilitator's key, hidden texts too).
 *
 * Boundary: handlers of the command table (seminar_handlers.h), on the
 * helpers of seminar_private.h. No network, no SQL.
 */
#include "seminar_private.h"
#include "seminar_handlers.h"

#include <stdio.h>
#include <string.h>

int seminar_do_join(struct seminar_job *j)
{
	const proto_msg *m = j->m;
	char token[STORE_TOKEN_SIZE] = "";
	long long sid = 0, pid = 0;
	json_t *seminar = NULL, *mine = NULL, *votes = NULL;
	int rc = seminar__find_seminar(j, &sid);

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
	if (seminar__put(j, "token", json_string(token)) || seminar__put(j, "seminar", json_incref(seminar)) ||
	    seminar__put(j, "my_contributions", json_incref(mine)) ||
	    seminar__put(j, "my_votes", json_incref(votes)))
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
static int snapshot_tail(struct seminar_job *j, long long sid, long long seq, json_t *list)
{
	json_t *seminar = NULL, *body = NULL;
	int rc;

	if ((j->tail = snapshot_find(j->snaps, list, seq)))
		return 0;
	if ((rc = store_seminar_json(j->st, sid, &seminar)))
		return rc;
	body = json_pack("{s:s, s:I, s:O, s:O}", "mode", "snapshot", "seq", (json_int_t)seq,
	                 "seminar", seminar, "contributions", list);
	if (!body || !(j->tail = snapshot_make(j->snaps, list, seq, body)))
		rc = STORE_ERR;
	json_decref(body);
	json_decref(seminar);
	return rc;
}

int seminar_do_watch(struct seminar_job *j)
{
	const proto_msg *m = j->m;
	store_activity a = {0};
	long long sid = 0, seq = 0;
	json_t *seminar = NULL, *list = NULL;
	int full = 0, events, rc = seminar__find_seminar(j, &sid);

	if (rc)
		return rc;
	if (m->key) {
		if ((rc = seminar__key_holds(j, sid)))
			return rc;
		full = 1;
	}
	if (m->activity && (rc = seminar__find_activity(j, sid, m->activity, &a)))
		return rc;
	if (m->key && (rc = seminar__may_act_on(j, a.id)))
		return rc; /* a key of one activity watches that activity */
	/* Watching is not attending: a phone on the activity list watches one
	 * activity to hear of state changes. Only a participant who opened
	 * the activity ("attend") attends it (docs/EXPORTS.md). */
	if (m->attend && a.id && j->ss->joined_seminar == sid && (rc = seminar__joined(j)) < 0)
		return rc;
	if (rc == 1 && (rc = store_attendance_add(j->st, j->ss->participant_id, a.id)))
		return rc;
	if ((rc = store_seminar_seq(j->st, sid, &seq)))
		return rc;
	j->reply_type = "synced";
	events = m->since >= 0 && m->since <= seq && seq - m->since <= SEMINAR_CATCH_UP_EVENTS;
	if (events) {
		if ((rc = store_seminar_json(j->st, sid, &seminar)) ||
		    (rc = store_events_since(j->st, sid, m->since, a.id, &list)))
			goto done;
		if (seminar__put(j, "mode", json_string("events")) || seminar__put(j, "seq", json_integer(seq)) ||
		    seminar__put(j, "seminar", json_incref(seminar)) || seminar__put(j, "events", json_incref(list)))
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
