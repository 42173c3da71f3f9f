/*
 * seminar_screen.c — the projection screens' rules: a screen asks for its
 * pairing code (screen_hello, anyone); a facilitator types that code in
 * the console to pair it to the seminar (screen_pair), then chooses what
 * it shows (screen_set: the activity, following the console or pinned,
 * the mode, the contribution in the spotlight, the join panel) and lists
 * the seminar's screens (screen_list).
 *
 * Boundary: handlers of the command table (seminar_handlers.h), on the
 * helpers of seminar_private.h and the screens' store (store_screen.h);
 * replies and events are view_screen.h's. A change is one event of kind
 * "screen", seminar-wide; a change to what the screen already shows (a
 * resend, two consoles doing the same) is acknowledged without one. No
 * network, no SQL, no JSON.
 */
#include "seminar_private.h"
#include "seminar_handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_screen.h"
#include "view_screen.h"

/* The event of screen sc of seminar sid, as it is now: one text for
 * every audience (it holds nothing of a participant). */
static int emit(struct seminar_job *j, long long sid, const store_screen *sc)
{
	seminar_event e = {sid, 0, 0, 0, 0, {NULL}, {0}};
	char *text;
	int rc = store_event_add(j->st, sid, 0, j->who->key_id, STORE_EVENT_SCREEN, sc->id, &e.seq);

	if (rc != STORE_OK)
		return rc;
	if (!(text = view_screen_event(e.seq, sc)))
		return STORE_ERR;
	for (int a = 0; a < VIEW_AUDIENCES; a++)
		e.text[a] = text;
	return seminar__push(j, &e);
}

static int ack(struct seminar_job *j, const store_screen *sc)
{
	free(j->reply);
	j->reply = view_screen_ack(j->m->id, sc);
	return j->reply ? 0 : STORE_ERR;
}

static int unknown_screen(struct seminar_job *j, const char *detail)
{
	return seminar__refuse(j, PROTO_ERR_UNKNOWN_SCREEN, detail);
}

int seminar_do_screen_hello(struct seminar_job *j)
{
	store_screen sc;
	int rc = seminar__need(j, j->m->token, "token");

	if (rc || (rc = store_screen_hello(j->st, j->m->token, &sc)))
		return rc;
	j->reply = view_screen_hello(j->m->id, &sc);
	return j->reply ? 0 : STORE_ERR;
}

/* The activity a message names, in the programme, that the sender may
 * act on; *aid (OUT) 0 when it names none. */
static int named_activity(struct seminar_job *j, long long sid, long long *aid)
{
	store_activity a = {0};
	int rc;

	*aid = 0;
	if (j->m->activity && (rc = seminar__find_activity(j, sid, j->m->activity, &a)))
		return rc;
	if ((rc = seminar__may_act_on(j, a.id)))
		return rc;
	*aid = a.id;
	return 0;
}

int seminar_do_screen_pair(struct seminar_job *j)
{
	store_screen sc;
	long long sid = 0, aid = 0;
	int rc = seminar__facilitated(j, &sid);

	if (rc || (rc = seminar__need(j, j->m->pairing, "pairing")) ||
	    (rc = named_activity(j, sid, &aid)))
		return rc;
	rc = store_screen_by_pairing(j->st, j->m->pairing, &sc);
	/* A screen paired to another seminar is refused as an unknown code:
	 * the refusal tells nothing of other seminars. */
	if (rc == STORE_NOT_FOUND || (rc == STORE_OK && sc.seminar_id && sc.seminar_id != sid))
		return unknown_screen(j, "no screen shows this pairing code");
	if (rc)
		return rc;
	if (sc.seminar_id == sid)
		return ack(j, &sc); /* already paired here: a resend, or two consoles */
	if ((rc = store_screen_pair(j->st, sc.id, sid, aid, j->m->console)) ||
	    (rc = store_screen_get(j->st, sid, sc.id, &sc)) || (rc = emit(j, sid, &sc)))
		return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
	return ack(j, &sc);
}

/* What screen_set asks, applied to a copy of the screen (next): each
 * field given changes its part, the others stay. */
static int apply(struct seminar_job *j, long long sid, store_screen *next)
{
	const proto_msg *m = j->m;
	int rc, mode;

	if (m->activity) {
		if ((rc = named_activity(j, sid, &next->activity_id)))
			return rc;
		snprintf(next->activity, sizeof next->activity, "%s", m->activity);
	} else if ((rc = seminar__may_act_on(j, next->activity_id))) {
		return rc; /* an animator drives a screen that shows their activity */
	}
	if (m->mode) {
		if ((mode = vocab_screen_find(m->mode)) < 0)
			return seminar__refuse(j, PROTO_ERR_BAD_FIELD, "mode: not a screen mode");
		next->mode = (vocab_screen_mode)mode;
	}
	if (m->contribution > 0) {
		store_contribution c;
		if ((rc = seminar__find_contribution(j, sid, &c)))
			return rc;
		next->contribution_id = c.id;
	}
	if (vocab_screen(next->mode)->one_contribution && !next->contribution_id)
		return seminar__refuse(j, PROTO_ERR_MISSING_FIELD,
		                       "contribution: this mode shows one, none is chosen");
	if (m->follow >= 0)
		next->follow = m->follow;
	if (m->join >= 0)
		next->join_panel = m->join;
	if (m->console)
		snprintf(next->console, sizeof next->console, "%s", m->console);
	return 0;
}

static int same(const store_screen *a, const store_screen *b)
{
	return a->activity_id == b->activity_id && a->follow == b->follow && a->mode == b->mode &&
	       a->contribution_id == b->contribution_id && a->join_panel == b->join_panel &&
	       strcmp(a->console, b->console) == 0;
}

int seminar_do_screen_set(struct seminar_job *j)
{
	store_screen sc, next;
	long long sid = 0;
	int rc = seminar__facilitated(j, &sid);

	if (rc)
		return rc;
	if ((rc = store_screen_get(j->st, sid, j->m->screen, &sc)) == STORE_NOT_FOUND)
		return unknown_screen(j, "no screen of this seminar has this id");
	if (rc)
		return rc;
	next = sc;
	if ((rc = apply(j, sid, &next)))
		return rc;
	if (same(&sc, &next))
		return ack(j, &sc); /* it shows that already: a resend, or two consoles */
	if ((rc = store_screen_update(j->st, &next)) ||
	    (rc = store_screen_get(j->st, sid, sc.id, &sc)) || (rc = emit(j, sid, &sc)))
		return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
	return ack(j, &sc);
}

int seminar_do_screen_list(struct seminar_job *j)
{
	store_screen *items = NULL;
	size_t n = 0;
	long long sid = 0;
	int rc = seminar__facilitated(j, &sid);

	if (rc || (rc = store_screen_list(j->st, sid, &items, &n)))
		return rc;
	if (!(j->reply = view_screen_list(j->m->id, items, n)))
		rc = STORE_ERR;
	free(items);
	return rc;
}
