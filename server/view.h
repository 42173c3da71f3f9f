/*
 * view.h — who sees what: the audiences of the protocol's messages and, as
 * a table, what each may see of a contribution. Every reply, event,
 * snapshot and catch-up is rendered for an audience (view_wire.h) from
 * the store's structs, and a buffer shared between receivers is shared
 * only by receivers of one audience.
 *
 * The audiences: the public (screens, and every participant for the
 * others' contributions); the participant themself (their own
 * contributions); a facilitator of the seminar, or of the object's
 * activity (an animator). Which audience a receiver belongs to depends on
 * the object: an animator is a facilitator for its activity, the public
 * elsewhere; a participant is themself for their own contributions only.
 *
 * Boundary: decisions only, as data (view.c's table). No JSON, no
 * network, no SQLite. A new state of a contribution (vocab.h), or a phase
 * of an activity that keeps texts or tallies back (texts_shown,
 * tallies_shown), is a value in this table's rows, not a new branch.
 */
#ifndef ATELIER_VIEW_H
#define ATELIER_VIEW_H

#include "vocab.h"

typedef enum view_audience {
	VIEW_PUBLIC = 0,   /* anyone: screens, other participants */
	VIEW_SELF,         /* the participant who wrote the contribution */
	VIEW_FACILITATOR,  /* a facilitator of the seminar or of its activity */
	VIEW_AUDIENCES     /* how many */
} view_audience;

/* Who receives a message: made by the rules from its sender (a reply) or
 * from a watch (events, snapshots, catch-up). All zero: the public. */
typedef struct view_who {
	int facilitator;          /* holds a facilitator's key of the seminar, an
	                           * organiser's, or is the core itself */
	long long activity_id;    /* a facilitator key of one activity: that
	                           * activity; 0 for the whole seminar */
	long long participant_id; /* the participant joined on the connection,
	                           * for the seminar watched; 0 for none */
} view_who;

/* The audience who belongs to for an object of activity activity_id
 * written by author (0: nobody: an activity, say). */
view_audience view_reach(const view_who *who, long long activity_id, long long author);

/* What an audience sees of a contribution: a set of these bits; 0 when
 * the contribution does not reach it at all (it is left out of lists,
 * catch-ups and events). */
#define VIEW_SENT 1u  /* it reaches the audience (without the bits below:
                       * its text and author's label are null) */
#define VIEW_TEXT 2u  /* its text and its author's label */
#define VIEW_TALLY 4u /* its vote count (else null) */
#define VIEW_ORIGINAL 8u /* the participant's words of a reworded one
                          * (else null), with its text only */

/* A set of contribution states, for the table's rows. */
#define VIEW_STATE(s) (1u << (s))

/* One row of the table: what an audience sees. */
typedef struct view_row {
	const char *name;          /* "public", "self", "facilitator" */
	unsigned sent;             /* VIEW_STATE() set: the states that reach it */
	unsigned texts;            /* the states whose text it sees */
	unsigned any_phase_texts : 1;   /* sees texts while its activity's
	                                 * phase keeps them back (texts_shown 0) */
	unsigned any_phase_tallies : 1; /* sees vote counts while the phase
	                                 * keeps them back (tallies_shown 0) */
	unsigned originals : 1;    /* sees the participant's words of a
	                            * contribution a facilitator reworded */
} view_row;

/* The row of audience a; NULL when a is not one. */
const view_row *view_row_of(view_audience a);

/* What audience a sees (VIEW_* bits) of a contribution in state, whose
 * activity is in the phase given by its row (vocab_activity()). */
unsigned view_sees(view_audience a, vocab_contribution_state state,
                   const vocab_activity_row *phase);
/* The same for a contribution a facilitator reworded (reworded 1): the
 * audiences whose row says originals also see its author's words
 * (VIEW_ORIGINAL) with its text. view_sees() is this with reworded 0. */
unsigned view_sees_reworded(view_audience a, vocab_contribution_state state,
                            const vocab_activity_row *phase, int reworded);

#endif
