/*
 * seminar_participant.c — what a joined participant writes: post (a
 * contribution, an orientation with its example actions, or one more
 * example action), edit and delete one's own, vote and unvote.
 *
 * Boundary: handlers of the command table (seminar_handlers.h), on the
 * helpers of seminar_private.h. Each runs only for a participant joined on
 * its connection (seminar.c checks that before, with the resend of an id).
 * No network, no SQL.
 */
#include "seminar_private.h"
#include "seminar_handlers.h"

#include <string.h>

/* The participant's own contribution m->contribution, its activity open. */
static int own_open_contribution(struct seminar_job *j, store_contribution *c)
{
	int rc = seminar__find_contribution(j, j->ss->joined_seminar, c);
	if (rc)
		return rc;
	if (c->participant_id != j->ss->participant_id)
		return seminar__refuse(j, PROTO_ERR_NOT_OWNER, "not one's own contribution");
	if (!vocab_activity(c->activity_state)->may_edit)
		return seminar__refuse(j, PROTO_ERR_ACTIVITY_STATE, "the activity is not open");
	return 0;
}

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
static int check_parent(struct seminar_job *j, const store_board *b)
{
	store_contribution p;
	int rc = store_contribution_get(j->st, j->m->parent, &p);

	if (rc != STORE_OK && rc != STORE_NOT_FOUND)
		return rc;
	if (rc == STORE_NOT_FOUND || p.seminar_id != j->ss->joined_seminar ||
	    !p.orientations || p.parent_id || p.state == VOCAB_DELETED)
		return seminar__refuse(j, PROTO_ERR_NOT_ORIENTATION, "parent is not an orientation");
	if (p.board_id != b->id)
		return seminar__refuse(j, PROTO_ERR_NOT_ORIENTATION, "parent is on another board");
	if (chars(j->m->text) > PROTO_MAX_ACTION_CHARS)
		return seminar__refuse(j, PROTO_ERR_TOO_LONG, "text: an example action is too long");
	return 0;
}

int seminar_do_post(struct seminar_job *j)
{
	const proto_msg *m = j->m;
	const char *author = m->author && *m->author ? m->author : NULL;
	store_activity a;
	store_board b;
	long long id = 0, action = 0;
	json_t *actions = NULL, *o = NULL;
	int rc;

	if ((rc = seminar__need(j, m->board, "board")) || (rc = seminar__need(j, m->text, "text")) ||
	    (rc = seminar__find_activity(j, j->ss->joined_seminar, m->activity, &a)))
		return rc;
	rc = store_board_find(j->st, a.id, m->board, &b);
	if (rc == STORE_OK && b.archived)
		return seminar__refuse(j, PROTO_ERR_UNKNOWN_BOARD,
		                       "the board was archived: no longer in the activity");
	if (rc == STORE_NOT_FOUND)
		return seminar__refuse(j, PROTO_ERR_UNKNOWN_BOARD, "no such board in the activity");
	if (rc)
		return rc;
	if (!vocab_activity(a.state)->may_post)
		return seminar__refuse(j, PROTO_ERR_ACTIVITY_STATE, "the activity is not open");
	if (m->parent >= 0 && m->nactions)
		return seminar__refuse(j, PROTO_ERR_BAD_FIELD, "actions: not allowed with parent");
	if (m->nactions && !b.orientations)
		return seminar__refuse(j, PROTO_ERR_BAD_FIELD, "actions: only on an orientations board");
	if (m->parent >= 0 && (rc = check_parent(j, &b)))
		return rc;
	rc = store_contribution_add(j->st, b.id, j->ss->participant_id,
	                            m->parent >= 0 ? m->parent : 0, m->text, author, &id);
	if (rc || (rc = store_attendance_add(j->st, j->ss->participant_id, a.id)) ||
	    (rc = seminar__emit_contribution(j, id)) || (rc = seminar__reply_contribution(j, id, 0)))
		return rc;
	if (!m->nactions)
		return 0;
	if (!(actions = json_array()))
		rc = STORE_ERR;
	for (size_t i = 0; !rc && i < m->nactions; i++) {
		rc = store_contribution_add(j->st, b.id, j->ss->participant_id, id,
		                            m->actions[i], author, &action);
		if (!rc && !(rc = seminar__emit_contribution(j, action)) &&
		    !(rc = store_contribution_json(j->st, action, 0, &o)))
			rc = json_array_append_new(actions, o) ? STORE_ERR : 0;
	}
	if (!rc)
		rc = json_object_set(json_object_get(j->body, "contribution"), "actions", actions)
		         ? STORE_ERR : 0;
	json_decref(actions);
	return rc;
}

int seminar_do_edit(struct seminar_job *j)
{
	store_contribution c;
	int rc = seminar__need(j, j->m->text, "text");

	if (rc || (rc = own_open_contribution(j, &c)))
		return rc;
	if (c.parent_id && chars(j->m->text) > PROTO_MAX_ACTION_CHARS)
		return seminar__refuse(j, PROTO_ERR_TOO_LONG, "text: an example action is too long");
	if ((rc = store_contribution_set_text(j->st, c.id, j->m->text)) ||
	    (rc = seminar__emit_contribution(j, c.id)))
		return rc;
	return seminar__reply_contribution(j, c.id, 0);
}

/* Deleting an orientation deletes its example actions with it: they have
 * no place in the synthesis without it. */
int seminar_do_delete(struct seminar_job *j)
{
	store_contribution c;
	json_t *actions = NULL;
	int rc = own_open_contribution(j, &c);

	if (rc || (rc = store_contribution_actions(j->st, c.id, &actions)))
		return rc;
	if (!(rc = store_contribution_delete(j->st, c.id)))
		rc = seminar__emit_contribution(j, c.id);
	for (size_t i = 0; !rc && i < json_array_size(actions); i++) {
		long long id = json_integer_value(json_array_get(actions, i));
		if (!(rc = store_contribution_delete(j->st, id)))
			rc = seminar__emit_contribution(j, id);
	}
	json_decref(actions);
	return rc ? rc : seminar__reply_contribution(j, c.id, 0);
}

/* vote (add 1) and unvote (add 0): the contribution's activity open or
 * voting, one vote per contribution, at most vote_budget per activity. */
static int vote(struct seminar_job *j, int add)
{
	long long pid = j->ss->participant_id, used = 0;
	store_contribution c;
	int voted = 0, rc = seminar__find_contribution(j, j->ss->joined_seminar, &c);

	if (rc)
		return rc;
	if (add && !vocab_contribution(c.state)->shown)
		return seminar__refuse(j, PROTO_ERR_UNKNOWN_CONTRIBUTION, "the contribution is hidden");
	if (!vocab_activity(c.activity_state)->may_vote)
		return seminar__refuse(j, PROTO_ERR_ACTIVITY_STATE, "the activity is not open to votes");
	if ((rc = store_vote_exists(j->st, pid, c.id, &voted)) ||
	    (rc = store_votes_used(j->st, pid, c.activity_id, &used)))
		return rc;
	if (add && voted)
		return seminar__refuse(j, PROTO_ERR_ALREADY_VOTED, "already voted for this contribution");
	if (!add && !voted)
		return seminar__refuse(j, PROTO_ERR_NOT_VOTED, "no vote for this contribution");
	if (add && used >= c.vote_budget)
		return seminar__refuse(j, PROTO_ERR_VOTE_BUDGET, "no vote left in this activity");
	rc = add ? store_vote_add(j->st, pid, c.id) : store_vote_remove(j->st, pid, c.id);
	if (rc || (add && (rc = store_attendance_add(j->st, pid, c.activity_id))) ||
	    (rc = seminar__emit_contribution(j, c.id)) || (rc = seminar__reply_contribution(j, c.id, 0)))
		return rc;
	used += add ? 1 : -1;
	return seminar__put(j, "votes_left", json_integer(used < c.vote_budget ? c.vote_budget - used : 0));
}

int seminar_do_vote(struct seminar_job *j)
{
	return vote(j, 1);
}

int seminar_do_unvote(struct seminar_job *j)
{
	return vote(j, 0);
}
