/*
 * seminar_participant.c — what a joined participant writes: post (a
 * contribution, an orientation with its example actions, or one more
 * example action), edit and delete one's own, vote and unvote.
 *
 * Boundary: handlers of the command table (seminar_handlers.h), on the
 * helpers of seminar_private.h. Each runs only for a participant joined on
 * its connection (seminar.c checks that before, with the resend of an id).
 * A post reads nothing back: the event and the reply are made from what
 * it wrote. No network, no SQL, no JSON.
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

/* The contribution a post has just written, as the store would read it
 * back: made from the message and what the store gave it. */
static store_contribution_info written(const struct seminar_job *j, const store_place *p,
                                       const store_added *added, long long parent_id,
                                       const char *text, const char *author)
{
	return (store_contribution_info){
		.id = added->id,
		.participant_id = j->ss->participant_id,
		.activity_id = p->activity.id,
		.activity = j->m->activity,
		.board = j->m->board,
		.parent_id = parent_id,
		.position = added->position,
		.text = text,
		.author = author,
		.state = VOCAB_VISIBLE,
		.phase = p->activity.state,
		.votes = 0,
		.created = added->created,
		.edited = 0,
	};
}

int seminar_do_post(struct seminar_job *j)
{
	const proto_msg *m = j->m;
	const char *author = m->author && *m->author ? m->author : NULL;
	long long sid = j->ss->joined_seminar, parent = m->parent >= 0 ? m->parent : 0;
	store_place p;
	store_added added;
	store_contribution_info c;
	store_contributions *list = NULL;
	int rc;

	if ((rc = seminar__need(j, m->board, "board")) || (rc = seminar__need(j, m->text, "text")) ||
	    (rc = seminar__need(j, m->activity, "activity")))
		return rc;
	/* the activity, its board and whether the participant attends it,
	 * in one lookup */
	if ((rc = store_place_find(j->st, sid, m->activity, m->board, j->ss->participant_id, &p)) ||
	    (rc = seminar__in_programme(j, &p.activity)))
		return rc;
	if (p.board.id && p.board.archived)
		return seminar__refuse(j, PROTO_ERR_UNKNOWN_BOARD,
		                       "the board was archived: no longer in the activity");
	if (!p.board.id)
		return seminar__refuse(j, PROTO_ERR_UNKNOWN_BOARD, "no such board in the activity");
	if (!vocab_activity(p.activity.state)->may_post)
		return seminar__refuse(j, PROTO_ERR_ACTIVITY_STATE, "the activity is not open");
	if (parent && m->nactions)
		return seminar__refuse(j, PROTO_ERR_BAD_FIELD, "actions: not allowed with parent");
	if (m->nactions && !p.board.orientations)
		return seminar__refuse(j, PROTO_ERR_BAD_FIELD, "actions: only on an orientations board");
	if (m->parent >= 0 && (rc = check_parent(j, &p.board)))
		return rc;
	if ((rc = store_contribution_add(j->st, p.board.id, j->ss->participant_id, parent, m->text,
	                                 author, &added)) ||
	    (!p.attends &&
	     (rc = store_attendance_add(j->st, j->ss->participant_id, p.activity.id))))
		return rc;
	c = written(j, &p, &added, parent, m->text, author);
	if ((rc = seminar__emit(j, sid, p.activity.id, &c, NULL)) ||
	    (rc = store_contributions_add(&list, &c)))
		goto done;
	for (size_t i = 0; i < m->nactions; i++) {
		if ((rc = store_contribution_add(j->st, p.board.id, j->ss->participant_id, c.id,
		                                 m->actions[i], author, &added)))
			goto done;
		store_contribution_info action = written(j, &p, &added, c.id, m->actions[i], author);
		if ((rc = seminar__emit(j, sid, p.activity.id, &action, NULL)) ||
		    (rc = store_contributions_add(&list, &action)))
			goto done;
	}
	rc = seminar__ack(j, list, m->nactions > 0, -1);
done:
	store_contributions_free(list);
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
	if ((rc = store_contribution_set_text(j->st, c.id, j->m->text)))
		return rc;
	return seminar__changed(j, c.seminar_id, c.id, 1, -1);
}

/* Deleting an orientation deletes its example actions with it: they have
 * no place in the synthesis without it. */
int seminar_do_delete(struct seminar_job *j)
{
	store_contribution c;
	store_contributions *with = NULL;
	int rc = own_open_contribution(j, &c);

	if (rc || (rc = store_contribution_read(j->st, c.id, 1, &with)))
		return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
	if (!(rc = store_contribution_delete(j->st, c.id)))
		rc = seminar__emit_contribution(j, c.seminar_id, c.id);
	for (size_t i = 1; !rc && i < with->n; i++) {
		long long id = with->items[i].id;
		if (!(rc = store_contribution_delete(j->st, id)))
			rc = seminar__emit_contribution(j, c.seminar_id, id);
	}
	store_contributions_free(with);
	return rc ? rc : seminar__changed(j, c.seminar_id, c.id, 0, -1);
}

/* vote (add 1) and unvote (add 0): the contribution's activity open or
 * voting, one vote per contribution, at most vote_budget per activity. */
static int vote(struct seminar_job *j, int add)
{
	long long pid = j->ss->participant_id, used = 0;
	store_contribution c;
	store_contributions *now = NULL;
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
	if (rc || (add && (rc = store_attendance_add(j->st, pid, c.activity_id))))
		return rc;
	used += add ? 1 : -1;
	if ((rc = store_contribution_read(j->st, c.id, 0, &now)) ||
	    (rc = seminar__emit_tally(j, c.seminar_id, &now->items[0])))
		goto done;
	rc = seminar__ack(j, now, 0, used < c.vote_budget ? c.vote_budget - used : 0);
done:
	store_contributions_free(now);
	return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
}

int seminar_do_vote(struct seminar_job *j)
{
	return vote(j, 1);
}

int seminar_do_unvote(struct seminar_job *j)
{
	return vote(j, 0);
}
