/*
 * seminar_moderation.c — what a facilitator changes of a contribution,
 * with nothing lost: hide and show it (hide, show), remove it and restore
 * it (remove, restore), move it to another board of its activity (move),
 * reword it, its author's words kept (rephrase),
 * undo one change (undo); and what a
 * facilitator asks: a contribution's audit trail (history).
 *
 * Boundary: handlers of the command table (seminar_handlers.h), on the
 * helpers of seminar_private.h. Every change made here appends its event,
 * then one row of the audit trail (store_moderation.h): the key that
 * acted, the command, the state and text before and after. A message id
 * a key sent before and that changed something is answered again, the
 * contribution as it is now, and changes nothing (the trail is the record
 * of its first time). The turn found which key sends the message; these
 * check that it holds the seminar, and the contribution's activity for a
 * key of one activity. No network, no SQL, no JSON.
 */
#include "seminar_private.h"
#include "seminar_handlers.h"

#include <stdio.h>
#include <string.h>

#include "proto.h"
#include "store_moderation.h"
#include "text.h"
#include "view_wire.h"

/* 0 when contribution id of seminar sid did not change after the
 * message's "seen" (seen < 0: absent), else stale. */
static int fresh(struct seminar_job *j, long long sid, long long id, long long seen)
{
	long long changed = 0;
	int rc;

	if (seen < 0)
		return 0;
	if ((rc = store_contribution_changed(j->st, sid, id, seen, &changed)))
		return rc;
	if (!changed)
		return 0;
	snprintf(j->detail, sizeof j->detail,
	         "contribution %lld changed at %lld, after seen %lld: look at it again", id,
	         changed, seen);
	j->err = PROTO_ERR_STALE;
	return SEMINAR_REFUSED;
}

/* 1 when this key already sent the message's id and it changed a
 * contribution: the reply is then that contribution as it is now, and
 * nothing is written. 0 when the message is new, or a store code. */
static int resent(struct seminar_job *j, long long sid)
{
	long long id = 0;
	int rc = store_audit_request(j->st, sid, j->who->key_id, j->m->id, &id);

	if (rc == STORE_NOT_FOUND)
		return 0;
	if (rc == STORE_OK && (rc = seminar__changed(j, sid, id, 0, -1)) == 0)
		return 1;
	return rc;
}

/* The facilitator's message names a contribution of its seminar sid that
 * its key may act on: *c (OUT). *done is set when the id was sent before
 * (its reply is made). */
static int target(struct seminar_job *j, long long *sid, store_contribution *c, int *done)
{
	int rc = seminar__facilitated(j, sid);

	if (rc || (rc = seminar__find_contribution(j, *sid, c)) ||
	    (rc = seminar__may_act_on(j, c->activity_id)))
		return rc;
	rc = resent(j, *sid);
	*done = rc == 1;
	return rc == 1 ? 0 : rc;
}

/* Contribution id of seminar sid was just changed as ch says: its event,
 * the reply, and the row of the trail (undoes: the row an undo undoes). */
static int audited(struct seminar_job *j, long long sid, const store_audit_change *ch,
                   long long undoes)
{
	long long row = 0;
	int rc = seminar__changed(j, sid, ch->contribution_id, 1, -1);

	if (rc == 0 && !j->r->nevents)
		rc = STORE_ERR;
	if (rc == 0)
		rc = store_audit_add(j->st, sid, j->who->key_id, j->m->id,
		                     proto_type_name(j->m->type), j->r->events[j->r->nevents - 1].seq,
		                     ch, undoes, &row);
	return rc;
}

/* A move of contribution ch->contribution_id (an orientation takes its
 * example actions with it): an event for each action, whose board
 * changed too, then the contribution's own, audited. */
static int moved(struct seminar_job *j, long long sid, const store_audit_change *ch,
                 long long undoes)
{
	store_contributions *list = NULL;
	int rc = store_contribution_read(j->st, ch->contribution_id, 1, &list);

	for (size_t i = 1; rc == STORE_OK && i < list->n; i++)
		rc = seminar__emit(j, sid, list->items[i].activity_id, &list->items[i], NULL);
	store_contributions_free(list);
	if (rc == STORE_NOT_FOUND)
		rc = STORE_ERR;
	return rc ? rc : audited(j, sid, ch, undoes);
}

/* hide, show, remove, restore: the contribution's state becomes state,
 * from any state (from < 0) or from state from only. One already in that
 * state, or not in state from, is acknowledged, changing nothing and
 * writing no row, whatever "seen" says (two facilitators who did the
 * same). */
static int moderate(struct seminar_job *j, vocab_contribution_state state, int from)
{
	store_contribution c;
	store_audit_change ch = {0};
	long long sid = 0;
	int done = 0, rc = target(j, &sid, &c, &done);

	if (rc || done)
		return rc;
	if (c.state == state || (from >= 0 && (int)c.state != from))
		return seminar__changed(j, sid, c.id, 0, -1);
	if ((rc = fresh(j, sid, c.id, j->m->seen)) ||
	    (rc = store_contribution_set_state(j->st, c.id, state)))
		return rc;
	ch = (store_audit_change){.contribution_id = c.id, .has_state = 1, .state_before = c.state,
	                          .state_after = state};
	return audited(j, sid, &ch, 0);
}

int seminar_do_hide(struct seminar_job *j)
{
	return moderate(j, VOCAB_HIDDEN, -1);
}

int seminar_do_show(struct seminar_job *j)
{
	return moderate(j, VOCAB_VISIBLE, -1);
}

/* remove: a soft delete. The contribution leaves the boards of phones and
 * screens; the votes it holds stay but no longer count (vocab.h's
 * "counted"), so its voters have them back to give. */
int seminar_do_remove(struct seminar_job *j)
{
	return moderate(j, VOCAB_REMOVED, -1);
}

/* restore: a removed contribution is visible again, its votes counting
 * again; one that is not removed is acknowledged as it is. */
int seminar_do_restore(struct seminar_job *j)
{
	return moderate(j, VOCAB_VISIBLE, VOCAB_REMOVED);
}

/* move: the contribution, with its example actions, goes to board
 * m->board of its own activity (m->activity, when given, must be that
 * one: a contribution never changes activity), of the same kind. The
 * board it is on already: acknowledged, nothing written. */
int seminar_do_move(struct seminar_job *j)
{
	store_contribution c;
	store_board b;
	store_audit_change ch = {0};
	store_activity a;
	long long sid = 0;
	int done = 0, rc = target(j, &sid, &c, &done);

	if (rc || done || (rc = seminar__need(j, j->m->board, "board")))
		return rc;
	if (j->m->activity) {
		rc = store_activity_find(j->st, sid, j->m->activity, &a);
		if (rc != STORE_OK && rc != STORE_NOT_FOUND)
			return rc;
		if (rc == STORE_NOT_FOUND || a.id != c.activity_id)
			return seminar__refuse(j, PROTO_ERR_OTHER_ACTIVITY,
			                       "activity: a contribution moves to a board of its own "
			                       "activity only");
	}
	if (c.parent_id)
		return seminar__refuse(j, PROTO_ERR_BAD_FIELD,
		                       "contribution: an example action moves with its orientation");
	rc = store_board_find(j->st, c.activity_id, j->m->board, &b);
	if (rc == STORE_NOT_FOUND || (rc == STORE_OK && b.archived))
		return seminar__refuse(j, PROTO_ERR_UNKNOWN_BOARD,
		                       "board: no such board in the contribution's activity");
	if (rc)
		return rc;
	if (b.orientations != c.orientations)
		return seminar__refuse(j, PROTO_ERR_BAD_FIELD,
		                       "board: of another kind (notes and orientations do not mix)");
	if (b.id == c.board_id)
		return seminar__changed(j, sid, c.id, 0, -1);
	if ((rc = fresh(j, sid, c.id, j->m->seen)) || (rc = store_contribution_move(j->st, c.id, b.id)))
		return rc;
	ch = (store_audit_change){.contribution_id = c.id, .board_before = c.board_id,
	                          .board_after = b.id};
	return moved(j, sid, &ch, 0);
}

/* rephrase: the contribution reads the message's text; its author's
 * words stay stored (store_contribution_reword). The same wording again
 * changes nothing. An example action keeps its own limit. */
int seminar_do_rephrase(struct seminar_job *j)
{
	store_contribution c;
	store_contributions *now = NULL;
	store_audit_change ch = {0};
	long long sid = 0;
	int done = 0, rc = target(j, &sid, &c, &done);

	if (rc || done || (rc = seminar__need(j, j->m->text, "text")))
		return rc;
	if (c.parent_id && text_char_count(j->m->text) > PROTO_MAX_ACTION_CHARS)
		return seminar__refuse(j, PROTO_ERR_TOO_LONG, "text: over 300 characters for an "
		                                              "example action");
	if ((rc = store_contribution_read(j->st, c.id, 0, &now)))
		return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
	if (strcmp(now->items[0].text, j->m->text) == 0)
		rc = seminar__changed(j, sid, c.id, 0, -1);
	else if (!(rc = fresh(j, sid, c.id, j->m->seen)) &&
	         !(rc = store_contribution_reword(j->st, c.id, j->m->text))) {
		ch = (store_audit_change){.contribution_id = c.id, .text_before = now->items[0].text,
		                          .text_after = j->m->text};
		rc = audited(j, sid, &ch, 0);
	}
	store_contributions_free(now);
	return rc;
}

/* 0 when contribution c is still as trail row e left it: no later row
 * about it that stands (store_audit_later: undone changes are as none,
 * so that changes are undone last first), and its state and text are
 * those e gave it (its author may have edited it); else stale. */
static int as_left(struct seminar_job *j, const store_contribution *c,
                   const store_audit_entry *e)
{
	store_contributions *now = NULL;
	long long later = 0;
	int rc = store_audit_later(j->st, c->id, e->id, &later);

	if (rc == STORE_OK && !later && e->text_after &&
	    (rc = store_contribution_read(j->st, c->id, 0, &now)) == STORE_OK &&
	    strcmp(now->items[0].text, e->text_after) != 0)
		later = -1;
	store_contributions_free(now);
	if (rc == STORE_OK && !later && e->has_state && c->state != e->state_after)
		later = -1;
	if (rc == STORE_OK && !later && e->board_after && c->board_id != e->board_after)
		later = -1;
	if (rc != STORE_OK || !later)
		return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
	if (later > 0)
		snprintf(j->detail, sizeof j->detail,
		         "contribution %lld changed again (entry %lld): undo that change first",
		         c->id, later);
	else
		snprintf(j->detail, sizeof j->detail,
		         "contribution %lld is no longer as entry %lld left it", c->id, e->id);
	j->err = PROTO_ERR_STALE;
	return SEMINAR_REFUSED;
}

/* 0 when board id is still in the programme (an undone move goes back
 * to it), else unknown_board. */
static int board_live(struct seminar_job *j, long long id)
{
	long long live = 0;
	int rc = store_board_live(j->st, id, &live);

	if (rc == STORE_OK && !live)
		return seminar__refuse(j, PROTO_ERR_UNKNOWN_BOARD,
		                       "the board it came from was archived since");
	return rc;
}

/* undo: the change of row m->entry is reversed: the contribution gets
 * back the state and text it had before it. Refused as stale when the
 * contribution changed after it (as_left): undo the later change first.
 * Undoing an undo makes the change again. */
int seminar_do_undo(struct seminar_job *j)
{
	store_audit *a = NULL;
	store_contribution c;
	store_audit_change ch = {0};
	const store_audit_entry *e;
	long long sid = 0;
	int rc = seminar__facilitated(j, &sid);

	if (rc)
		return rc;
	rc = store_audit_find(j->st, sid, j->m->entry, &a);
	if (rc == STORE_NOT_FOUND)
		return seminar__refuse(j, PROTO_ERR_UNKNOWN_ENTRY,
		                       "entry: no such change in the seminar's trail");
	if (rc)
		return rc;
	e = &a->items[0];
	if ((rc = store_contribution_get(j->st, e->contribution_id, &c)) ||
	    (rc = seminar__may_act_on(j, c.activity_id)))
		goto done;
	if ((rc = resent(j, sid)) != 0) {
		rc = rc == 1 ? 0 : rc;
		goto done;
	}
	if (c.state == VOCAB_DELETED || c.archived) {
		rc = seminar__refuse(j, PROTO_ERR_UNKNOWN_CONTRIBUTION,
		                     "the contribution was deleted or archived since");
		goto done;
	}
	if ((rc = as_left(j, &c, e)))
		goto done;
	ch = (store_audit_change){c.id,          e->has_state,   e->state_after,
	                          e->state_before, e->text_after, e->text_before,
	                          e->board_after,  e->board_before};
	if (ch.board_after && (rc = board_live(j, ch.board_after)))
		goto done;
	if ((ch.has_state && (rc = store_contribution_set_state(j->st, c.id, ch.state_after))) ||
	    (ch.text_after && (rc = store_contribution_reword(j->st, c.id, ch.text_after))) ||
	    (ch.board_after && (rc = store_contribution_move(j->st, c.id, ch.board_after))))
		goto done;
	rc = ch.board_after ? moved(j, sid, &ch, e->id) : audited(j, sid, &ch, e->id);
done:
	store_audit_free(a);
	return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
}

int seminar_do_history(struct seminar_job *j)
{
	store_contribution c;
	store_audit *a = NULL;
	long long sid = 0;
	int rc = seminar__facilitated(j, &sid);

	if (rc || (rc = seminar__find_contribution(j, sid, &c)) ||
	    (rc = seminar__may_act_on(j, c.activity_id)))
		return rc;
	if (!(rc = store_audit_get(j->st, sid, c.id, &a)) &&
	    !(j->reply = view_history(j->m->id, c.id, a)))
		rc = STORE_ERR;
	store_audit_free(a);
	return rc;
}
