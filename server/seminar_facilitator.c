/*
 * seminar_facilitator.c — what a facilitator changes: an activity's state
 * (set_state; a contribution's changes are seminar_moderation.c's); and
 * what a facilitator asks: the participation per stakeholder group
 * (group_counts, the figures masked as the synthesis's).
 *
 * Boundary: handlers of the command table (seminar_handlers.h), on the
 * helpers of seminar_private.h. The turn found which key sends the message;
 * these check that it holds the seminar, and the activity when it is a key
 * of one activity. Their replies are a facilitator's view (hidden texts
 * given). No network, no SQL, no JSON.
 */
#include "seminar_private.h"
#include "seminar_handlers.h"

#include <stdlib.h>

#include "view_wire.h"

int seminar_do_set_state(struct seminar_job *j)
{
	store_activity a;
	long long sid = 0;
	int state, rc = seminar__facilitated(j, &sid);

	if (rc || (rc = seminar__find_activity(j, sid, j->m->activity, &a)) ||
	    (rc = seminar__may_act_on(j, a.id)) || (rc = seminar__need(j, j->m->state, "state")))
		return rc;
	if ((state = vocab_activity_find(j->m->state)) < 0)
		return seminar__refuse(j, PROTO_ERR_BAD_FIELD, "state: not a state");
	if (!(a.phases & VOCAB_PHASE(state)))
		return seminar__refuse(j, PROTO_ERR_ACTIVITY_STATE,
		                       "state: not one of this activity's phases");
	return seminar__set_state(j, sid, &a, (vocab_activity_state)state);
}

int seminar__set_state(struct seminar_job *j, long long sid, const store_activity *a,
                       vocab_activity_state state)
{
	int rc;

	if (a->state != state && (rc = store_activity_set_state(j->st, a->id, state)))
		return rc;
	return seminar__activity_changed(j, sid, a->id, a->state != state);
}

int seminar__activity_changed(struct seminar_job *j, long long sid, long long activity_id,
                              int emit)
{
	store_seminar_info *now = NULL;
	int rc;

	if ((rc = store_seminar_get(j->st, sid, activity_id, &now)) || !now->nactivities) {
		store_seminar_info_free(now);
		return rc && rc != STORE_NOT_FOUND ? rc : STORE_ERR;
	}
	if (emit)
		rc = seminar__emit(j, sid, 0, NULL, &now->activities[0]);
	free(j->reply);
	j->reply = NULL;
	if (!rc && !(j->reply = view_ack_activity(j->m->id, &now->activities[0])))
		rc = STORE_ERR;
	store_seminar_info_free(now);
	return rc;
}

int seminar_do_group_counts(struct seminar_job *j)
{
	store_seminar_info *seminar = NULL;
	store_group_figures figures = {0};
	long long sid = 0;
	int rc = seminar__facilitated(j, &sid);

	if (rc)
		return rc;
	if (!(rc = store_seminar_get(j->st, sid, 0, &seminar)) &&
	    !(rc = store_group_figures_get(j->st, sid, &figures)) &&
	    !(j->reply = view_group_counts(j->m->id, seminar, &figures, j->who->activity_id)))
		rc = STORE_ERR;
	store_seminar_info_free(seminar);
	free(figures.items);
	return rc;
}
