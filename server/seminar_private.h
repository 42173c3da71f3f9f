/*
 * seminar_private.h — private to the domain rules (seminar*.c): one
 * message being handled, and the helpers every actor's handlers share.
 *
 * A handler returns 0 when done, SEMINAR_REFUSED when a rule says no
 * (job.err and job.detail say which), or a negative store code.
 */
#ifndef ATELIER_SEMINAR_PRIVATE_H
#define ATELIER_SEMINAR_PRIVATE_H

#include <jansson.h>
#include "command.h"
#include "seminar.h"
#include "store_domain.h"

#define SEMINAR_REFUSED 1
#define SEMINAR_ANSWERED 2 /* a resend: the reply stored the first time is given */

/* How far behind (in events) a watch may catch up event by event. */
#define SEMINAR_CATCH_UP_EVENTS 1000

struct seminar_session {
	long long participant_id; /* 0 until a join */
	long long joined_seminar;  /* the seminar of that participant */
	char token[STORE_TOKEN_SIZE]; /* that participant's token */
	long long watch_seminar;   /* 0 until a watch */
	long long watch_activity;  /* 0: every activity */
	int full;                  /* the watch carried a facilitator's key */
};

struct seminar_job {
	store *st;
	snapshot_cache *snaps; /* the turn's cache of snapshot tails, or NULL */
	seminar_session *ss;
	const seminar_principal *who; /* who sends it (never NULL) */
	const proto_msg *m;
	seminar_result *r;
	const char *reply_type; /* "ack", "joined", "synced" */
	json_t *body;           /* the reply's fields besides type and re */
	snapshot *tail;         /* instead of body: a shared snapshot's fields */
	proto_err err;
	char detail[160];
	seminar_session next; /* the session once the message succeeds */
};

/* Records a refusal; returns SEMINAR_REFUSED. */
int seminar__refuse(struct seminar_job *j, proto_err err, const char *detail);
/* A required field: refuses (missing_field) when value is NULL. The parser
 * checks these too; this keeps a hand-made message from reaching SQL. */
int seminar__need(struct seminar_job *j, const char *value, const char *name);
/* Sets the reply body member name (stealing value). */
int seminar__put(struct seminar_job *j, const char *name, json_t *value);

/* Appends one event (kind "contribution" or "activity", object borrowed)
 * to the seminar's log, recording the key that acted, and to the result.
 * activity_id 0: seminar-wide. */
int seminar__emit(struct seminar_job *j, long long seminar_id, long long activity_id,
                  const char *kind, json_t *object);
/* The event of a contribution's current state (hidden text masked). */
int seminar__emit_contribution(struct seminar_job *j, long long id);
/* Puts "contribution": the object of id (full: hidden text too) in the
 * reply, an "ack". */
int seminar__reply_contribution(struct seminar_job *j, long long id, int full);

/* The seminar of m->code, or unknown_seminar. */
int seminar__find_seminar(struct seminar_job *j, long long *sid /* OUT */);
/* The activity slug of seminar sid, in the programme, or unknown_activity
 * (an archived one is no longer in it). */
int seminar__find_activity(struct seminar_job *j, long long sid, const char *slug,
                           store_activity *a /* OUT */);
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

#endif
