/*
 * vocab.h — the domain's vocabulary as tables: the states an activity may
 * be in, each with what it allows (a row of capabilities); the states of
 * a contribution; the kinds of board. Rules ask a row, never compare a
 * state's name. The SQL CHECKs (store_schema.c) and the pages' protocol
 * module (web/js/protocol.js) are checked against these tables by tests,
 * and the catalogue's families of keys per state too.
 *
 * The phases of an activity are these states: the usual ones (prepared,
 * open, voting, closed) and those a definition may choose instead
 * (private writing, reveal, voting with hidden tallies, results). The
 * enum is in the order of a day: an activity's phases follow it.
 *
 * Boundary: data only, no dependency.
 */
#ifndef ATELIER_VOCAB_H
#define ATELIER_VOCAB_H

#include <stddef.h>

/* ===== Activity states ===== */

typedef enum vocab_activity_state {
	VOCAB_PREPARED = 0,
	VOCAB_OPEN,
	VOCAB_WRITING,      /* private writing: each phone sees its own only */
	VOCAB_REVEAL,       /* every text appears at once, no vote yet */
	VOCAB_VOTING,
	VOCAB_BLIND_VOTING, /* voting with hidden tallies */
	VOCAB_RESULTS,      /* the tallies and the ranks appear */
	VOCAB_CLOSED,
	VOCAB_ACTIVITY_STATES /* how many */
} vocab_activity_state;

typedef struct vocab_activity_row {
	const char *name;      /* wire and database name: "open" */
	unsigned may_post : 1; /* participants post (and add example actions) */
	unsigned may_vote : 1; /* participants vote and take votes back */
	unsigned may_edit : 1; /* authors edit and delete their own */
	unsigned texts_shown : 1;   /* a participant sees the others' texts */
	unsigned tallies_shown : 1; /* vote counts are shown */
	unsigned ranked : 1;   /* the votes are in: lists go by votes first
	                        * (the console's default order) */
	unsigned voters_shown : 1; /* how many participants have voted is
	                            * shown (while the tallies are not) */
	unsigned always : 1;   /* a phase of every activity (prepared, closed) */
	unsigned usual : 1;    /* a phase of an activity whose definition
	                        * chooses none (today's four) */
} vocab_activity_row;

/* A set of activity states: bit (1u << state). */
#define VOCAB_PHASE(s) (1u << (s))

/* The row of state s; NULL when s is not a state. */
const vocab_activity_row *vocab_activity(vocab_activity_state s);

/* The state named name (case matters), or -1. */
int vocab_activity_find(const char *name);

/* The phases of an activity whose definition chooses none: the rows
 * marked usual. */
unsigned vocab_usual_phases(void);

/* The phases an activity has when its definition chooses chosen (a set
 * of VOCAB_PHASE bits; 0: none chosen): chosen with the rows marked
 * always, or the usual ones. */
unsigned vocab_phases_of(unsigned chosen);

/* The set of the states named in names, separated by spaces (the store's
 * column); 0 for NULL, an empty text, or any name that is not a state. */
unsigned vocab_phases_read(const char *names);

/* The names of the states of set, in the order of a day, separated by a
 * space, into out[n] (an empty text for 0). Returns out. */
char *vocab_phases_write(unsigned set, char *out, size_t n);

/* ===== Contribution states ===== */

typedef enum vocab_contribution_state {
	VOCAB_VISIBLE = 0, /* shown to everyone */
	VOCAB_AWAITING,    /* waits for a facilitator (pre-moderation) */
	VOCAB_HIDDEN,      /* hidden by a facilitator */
	VOCAB_MERGED,      /* merged into another one, kept as its source */
	VOCAB_DELETED,     /* deleted by its author (its text is kept) */
	VOCAB_REMOVED,     /* removed by a facilitator (a soft delete: restore
	                    * brings it back, its votes with it) */
	VOCAB_CONTRIBUTION_STATES
} vocab_contribution_state;

typedef struct vocab_contribution_row {
	const char *name;    /* "visible" */
	unsigned shown : 1;  /* its text reaches every audience */
	unsigned live : 1;   /* it may still be acted on (voted, edited, hidden…) */
	unsigned counted : 1; /* the votes it holds count against its voters'
	                       * budgets (docs/PROTOCOL.md, "vote") */
} vocab_contribution_row;

const vocab_contribution_row *vocab_contribution(vocab_contribution_state s);
int vocab_contribution_find(const char *name);

/* ===== Board kinds ===== */

typedef enum vocab_board_kind {
	VOCAB_NOTES = 0,    /* contributions */
	VOCAB_ORIENTATIONS, /* orientations with their example actions */
	VOCAB_BOARD_KINDS
} vocab_board_kind;

const char *vocab_board_kind_name(vocab_board_kind k);
int vocab_board_kind_find(const char *name);

/* ===== Screen modes ===== */

/* What a projection screen shows, chosen from the console
 * (docs/PROTOCOL.md, screen_set). The screen's page draws each mode; the
 * rows say what the server and the page need to know of it. */
typedef enum vocab_screen_mode {
	VOCAB_SCREEN_BOARD = 0, /* the activity's boards, paged */
	VOCAB_SCREEN_RESULTS,   /* ranked by votes, with rank numbers and bars */
	VOCAB_SCREEN_SWOT,      /* the four SWOT boards as a 2x2 grid */
	VOCAB_SCREEN_SPOTLIGHT, /* one contribution, full screen */
	VOCAB_SCREEN_PLENARY,   /* the parallel activities of a slot, side by side */
	VOCAB_SCREEN_MODES
} vocab_screen_mode;

typedef struct vocab_screen_row {
	const char *name;            /* wire and database name: "board" */
	unsigned one_contribution : 1; /* shows the screen's chosen contribution */
	unsigned whole_seminar : 1;  /* shows several activities: watches them all */
} vocab_screen_row;

const vocab_screen_row *vocab_screen(vocab_screen_mode m);
int vocab_screen_find(const char *name);

#endif
