/*
 * seminar_private.h — private to the domain rules (seminar*.c): one
 * message being handled, and the helpers every actor's handlers share.
 *
 * A handler returns 0 when done, SEMINAR_REFUSED when a rule says no
 * (job.err and job.detail say which), or a negative store code. It reads
 * and writes structs through the store, and its reply and events are
 * rendered by the views (view_wire.h) for their audiences: no JSON here.
 */
#ifndef ATELIER_SEMINAR_PRIVATE_H
#define ATELIER_SEMINAR_PRIVATE_H

#include "command.h"
#include "seminar.h"
#include "store_domain.h"
#include "view.h"

#define SEMINAR_REFUSED 1
#define SEMINAR_ANSWERED 2 /* a resend: the reply kept the first time is given */

/* How far behind (in events) a watch may catch up event by event. */
#define SEMINAR_CATCH_UP_EVENTS 1000

struct seminar_session {
	long long participant_id; /* 0 until a join */
	long long joined_seminar;  /* the seminar of that participant */
	char token[STORE_TOKEN_SIZE]; /* that participant's token */
	long long watch_seminar;   /* 0 until a watch */
	long long watch_activity;  /* 0: every activity */
	view_who who;              /* who receives what it watches */
};

struct seminar_job {
	store *st;
	snapshot_cache *snaps; /* the turn's cache of snapshot tails, or NULL */
	seminar_session *ss;
	const seminar_principal *who; /* who sends it (never NULL) */
	const proto_msg *m;
	seminar_result *r;
	char *reply;            /* the reply, rendered through the views */
	snapshot *tail;         /* a snapshot's shared end: reply is then its head */
	int cold;               /* the snapshot is to be built off the loop (the
	                         * reply is then its head too) */
	store_request ack;      /* a write answered once: what its reply is about,
	                         * kept under its id (seminar__ack) */
	proto_err err;
	char detail[160];
	seminar_session next; /* the session once the message succeeds */
	long long now;        /* the server's clock, in ms (seminar_handle_at) */
};

/* Puts activity a (looked up in seminar sid) in state (one of its
 * phases: the caller checked), and emits its event and acknowledges it
 * as it is then (a facilitator's set_state, a timer's end). */
int seminar__set_state(struct seminar_job *j, long long sid, const store_activity *a,
                       vocab_activity_state state);
/* Activity a of seminar sid changed (its timer): emits its event, with
 * the server's time, and acknowledges it as it is now. */
int seminar__activity_changed(struct seminar_job *j, long long sid, long long activity_id,
                              int emit);

/* Records a refusal; returns SEMINAR_REFUSED. */
int seminar__refuse(struct seminar_job *j, proto_err err, const char *detail);
/* A required field: refuses (missing_field) when value is NULL. The parser
 * checks these too; this keeps a hand-made message from reaching SQL. */
int seminar__need(struct seminar_job *j, const char *value, const char *name);

/* Who the reply to the sender is for: a facilitator (of its key's
 * activity, if any) or the participant joined on the connection. */
view_who seminar__sender(const struct seminar_job *j);

/* Appends one event about a contribution (c) or an activity (a) to the
 * seminar's log, recording the key that acted, and its texts for each
 * audience to the result. activity_id 0: seminar-wide. */
int seminar__emit(struct seminar_job *j, long long seminar_id, long long activity_id,
                  const store_contribution_info *c, const store_activity_info *a);
/* The event of a vote or an unvote on c (STORE_EVENT_TALLY: for those who
 * see its tally only) and, where the phase shows how many have voted
 * (voters_shown), its activity's event with the new count. */
int seminar__emit_tally(struct seminar_job *j, long long seminar_id,
                        const store_contribution_info *c);
/* Adds event e (its seq and texts made; taken, cleared on failure) to
 * the result, to go out after the commit. */
int seminar__push(struct seminar_job *j, seminar_event *e);
/* The event of contribution id of seminar seminar_id as it is now, read
 * from the store. */
int seminar__emit_contribution(struct seminar_job *j, long long seminar_id, long long id);
/* The reply "ack" about list->items[0] (with its example actions when
 * actions is set; votes_left < 0: none) for the sender, and, for a write
 * answered once, what is kept under its id. */
int seminar__ack(struct seminar_job *j, const store_contributions *list, int actions,
                 long long votes_left);
/* Contribution id of seminar seminar_id changed: reads it as it is now,
 * emits its event (when emit is set) and acknowledges it (seminar__ack). */
int seminar__changed(struct seminar_job *j, long long seminar_id, long long id, int emit,
                     long long votes_left);

/* The seminar of m->code, or unknown_seminar. */
int seminar__find_seminar(struct seminar_job *j, long long *sid /* OUT */);
/* The activity slug of seminar sid, in the programme, or unknown_activity
 * (an archived one is no longer in it). */
int seminar__find_activity(struct seminar_job *j, long long sid, const char *slug,
                           store_activity *a /* OUT */);
/* Refuses an activity a lookup found (a.id 0: none) but that is not in
 * the programme, as seminar__find_activity does. */
int seminar__in_programme(struct seminar_job *j, const store_activity *a);
/* m->contribution, if it belongs to seminar sid, is not deleted and its
 * board is in the programme. */
int seminar__find_contribution(struct seminar_job *j, long long sid,
                               store_contribution *c /* OUT */);
/* 0 when the sender holds a facilitator's key of seminar sid (the turn
 * found which key it is), else bad_key. */
int seminar__key_holds(struct seminar_job *j, long long sid);
/* A facilitator's message: its seminar, and seminar__key_holds(). */
int seminar__facilitated(struct seminar_job *j, long long *sid /* OUT */);
/* 0 when the sender may act on activity activity_id of its seminar: a
 * key of one activity acts on that activity only (forbidden otherwise). */
int seminar__may_act_on(struct seminar_job *j, long long activity_id);
/* 1 when the connection's participant is in the database, 0 when it is
 * not (the connection is then no longer joined), or a store code. */
int seminar__joined(struct seminar_job *j);
/* The connection is no longer joined (its participant is not there). */
void seminar__unjoin(struct seminar_job *j);

#endif
