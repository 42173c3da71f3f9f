/*
 * seminar_public.c — what anyone may ask of a seminar without a key:
 * join it as a participant (join), and watch it, its activities and its
 * live events (watch; with a facilitator's key, as a facilitator sees
 * them).
 *
 * Boundary: handlers of the command table (seminar_handlers.h), on the
 * helpers of seminar_private.h; their replies are the views' (view_wire.h,
 * snapshot.h), for who asks. No network, no SQL, no JSON.
 */
#include "seminar_private.h"
#include "seminar_handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view_wire.h"

int seminar_do_join(struct seminar_job *j)
{
	const proto_msg *m = j->m;
	char token[STORE_TOKEN_SIZE] = "";
	long long sid = 0, pid = 0, gid = 0;
	store_seminar_info *seminar = NULL;
	store_ids mine = {0}, votes = {0};
	const char *group = NULL;
	/* "group" sets it, null clears it, absent keeps it (a rejoin). */
	int says_group = m->group || (m->nulls & PROTO_FIELD_BIT(PROTO_F_GROUP));
	int rc = seminar__find_seminar(j, &sid);

	if (rc)
		return rc;
	/* A group is one of the seminar's, checked before anything is made. */
	if (m->group && (rc = store_group_find(j->st, sid, m->group, &gid)) == STORE_NOT_FOUND)
		return seminar__refuse(j, PROTO_ERR_BAD_FIELD,
		                       "group: not one of this seminar's groups");
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
	if (says_group && (rc = store_participant_set_group(j->st, pid, gid)))
		return rc;
	if ((rc = store_seminar_get(j->st, sid, 0, &seminar)) ||
	    (rc = store_participant_items(j->st, pid, &mine, &votes)))
		goto done;
	if (!says_group && (rc = store_participant_group(j->st, pid, &gid)))
		goto done;
	for (size_t i = 0; i < seminar->ngroups; i++)
		if (seminar->groups[i].id == gid)
			group = seminar->groups[i].slug;
	if (!(j->reply = view_joined(m->id, token, seminar, group, &mine, &votes)))
		rc = STORE_ERR;
	j->next.participant_id = pid;
	j->next.joined_seminar = sid;
	snprintf(j->next.token, sizeof j->next.token, "%s", token);
done:
	store_seminar_info_free(seminar);
	free(mine.ids);
	free(votes.ids);
	return rc;
}

/* Who receives what a watch of seminar sid sends: a facilitator (key),
 * the participant joined on the connection for that seminar, or the
 * public. */
static view_who watcher(const struct seminar_job *j, long long sid)
{
	view_who w = {0, 0, 0};
	if (j->m->key) {
		w.facilitator = 1;
		w.activity_id = j->who->activity_id;
	} else if (j->next.joined_seminar == sid) {
		w.participant_id = j->next.participant_id;
	}
	return w;
}

/* The missed events after since, rendered for w. */
static int catch_up(struct seminar_job *j, const view_who *w, long long sid, long long aid,
                    long long seq)
{
	store_seminar_info *seminar = NULL;
	store_events *events = NULL;
	int rc;

	if (!(rc = store_seminar_get(j->st, sid, 0, &seminar)) &&
	    !(rc = store_events_since(j->st, sid, j->m->since, aid, &events)) &&
	    !(j->reply = view_synced_events(j->m->id, w, seq, j->now, seminar, events)))
		rc = STORE_ERR;
	store_events_free(events);
	store_seminar_info_free(seminar);
	return rc;
}

int seminar_do_watch(struct seminar_job *j)
{
	const proto_msg *m = j->m;
	store_activity a = {0};
	long long sid = 0, seq = 0;
	view_who w;
	int rc = seminar__find_seminar(j, &sid);

	if (rc)
		return rc;
	if (m->key && (rc = seminar__key_holds(j, sid)))
		return rc;
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
	w = watcher(j, sid);
	if (m->since >= 0 && m->since <= seq && seq - m->since <= SEMINAR_CATCH_UP_EVENTS)
		rc = catch_up(j, &w, sid, a.id, seq);
	else if (snapshot_cache_defers(j->snaps) &&
	         (rc = snapshot_find(j->snaps, j->st, &w, sid, a.id, seq, &j->tail)) == STORE_OK)
		j->cold = !j->tail; /* not in the cache: built off the loop (turn.c) */
	else
		rc = snapshot_get(j->snaps, j->st, &w, sid, a.id, seq, &j->tail);
	if (rc)
		return rc;
	j->next.watch_seminar = sid;
	j->next.watch_activity = a.id;
	j->next.who = w;
	return 0;
}
