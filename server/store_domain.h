/*
 * store_domain.h — what the domain rules (seminar*.c) and the views read
 * and write: the rows the rules check, the writes, the event log and the
 * request table, and the domain's objects as C structs. Implemented by
 * store_domain.c (lookups and writes), store_log.c (event log,
 * idempotence table) and store_read.c (the objects).
 *
 * Boundary: the store's interface, what a second backend would implement:
 * no SQLite type, no SQL, no JSON. These functions check nothing but the
 * database's own constraints; whether a participant may do something is
 * seminar.c's decision, taken before it calls them, and what an audience
 * may see of an object is the views' (view.h): the store returns every
 * object whole, hidden texts included. Every function returns STORE_OK or
 * a negative store code (STORE_NOT_FOUND when a lookup finds nothing).
 * Writes happen in the caller's transaction (store_tx_begin).
 */
#ifndef ATELIER_STORE_DOMAIN_H
#define ATELIER_STORE_DOMAIN_H

#include <stddef.h>
#include "store.h"
#include "vocab.h"

/* A participant token: 32 hex digits (128 random bits) and a NUL. */
#define STORE_TOKEN_SIZE 33

/* An activity's timer (duration 0: none). Times in ms of the server's
 * clock (the turn's). */
typedef struct store_timer {
	long long duration; /* as set */
	long long left;     /* while it does not run: what is left */
	long long ends;     /* while it runs: when it reaches zero; else 0 */
	int advance;        /* at zero, the activity moves on to its next phase */
} store_timer;

/* What the rules need to know of an activity. */
typedef struct store_activity {
	long long id;
	long long seminar_id;
	vocab_activity_state state;
	int vote_budget;
	int archived; /* 1 when it is out of the programme (store_import) */
	unsigned phases; /* its phases: VOCAB_PHASE() bits (vocab.h) */
	store_timer timer;
} store_activity;

/* What the rules need to know of a board. */
typedef struct store_board {
	long long id;
	long long activity_id;
	int orientations; /* 1 for kind "orientations", 0 for "notes" */
	int archived;     /* 1 when it is out of its activity's programme */
} store_board;

/* What the rules need to know of a contribution. */
typedef struct store_contribution {
	long long id;
	long long board_id;
	long long activity_id;
	long long seminar_id;
	long long participant_id; /* its author */
	long long parent_id;      /* 0 when top-level */
	int orientations;         /* its board is an orientations board */
	vocab_contribution_state state;
	vocab_activity_state activity_state; /* its activity's */
	int vote_budget;          /* its activity's vote budget */
	int archived;             /* its board or its activity is archived */
} store_contribution;

/* Where a post goes: an activity of a seminar and a board of it, found by
 * their slugs in one lookup (store_place_find). */
typedef struct store_place {
	store_activity activity; /* id 0: no such activity in the seminar */
	store_board board;       /* id 0: no such board in the activity */
	int attends;             /* the participant already attends the activity */
} store_place;

/* ===== Lookups ===== */

/* The seminar with this join code. */
int store_seminar_find(store *s, const char *code, long long *seminar_id /* OUT */);
/* The last event sequence number of a seminar (0 before any event). */
int store_seminar_seq(store *s, long long seminar_id, long long *seq /* OUT */);
/* The activity with this slug in a seminar, archived or not. */
int store_activity_find(store *s, long long seminar_id, const char *slug,
                        store_activity *out /* OUT */);
/* The board with this slug in an activity, archived or not. */
int store_board_find(store *s, long long activity_id, const char *slug,
                     store_board *out /* OUT */);
/* The activity with slug activity in a seminar and its board with slug
 * board, archived or not, and whether participant_id (0: nobody) already
 * attends the activity: one statement. STORE_OK even when neither is
 * found (their ids are then 0). */
int store_place_find(store *s, long long seminar_id, const char *activity, const char *board,
                     long long participant_id, store_place *out /* OUT */);
/* A contribution by id, with its activity and seminar. */
int store_contribution_get(store *s, long long id, store_contribution *out /* OUT */);
/* The participant of a seminar with this token. */
int store_participant_find(store *s, long long seminar_id, const char *token,
                           long long *participant_id /* OUT */);
/* The stakeholder group with this slug among those of the seminar's
 * definition (an archived one is not: STORE_NOT_FOUND). */
int store_group_find(store *s, long long seminar_id, const char *slug,
                     long long *group_id /* OUT */);
/* The group the participant said they belong to, 0 when none (or when
 * that group is no longer in the definition). */
int store_participant_group(store *s, long long participant_id, long long *group_id /* OUT */);
/* 1 in *voted if the participant votes for the contribution, else 0. */
int store_vote_exists(store *s, long long participant_id, long long contribution_id,
                      int *voted /* OUT */);
/* How many votes the participant holds on contributions of an activity's
 * boards in the programme (votes on an archived board's contributions,
 * and on a contribution a facilitator removed — vocab.h's "counted" — are
 * kept but no longer count). */
int store_votes_used(store *s, long long participant_id, long long activity_id,
                     long long *n /* OUT */);

/* ===== Writes ===== */

/* A new participant of a seminar with a fresh random token, written into
 * token_out (at least STORE_TOKEN_SIZE bytes). */
int store_participant_create(store *s, long long seminar_id,
                             char *token_out /* OUT */, size_t token_len,
                             long long *participant_id /* OUT */);
/* Updates name and/or structure; a NULL argument keeps the old value. */
int store_participant_update(store *s, long long participant_id, const char *name,
                             const char *structure);
/* Sets the participant's stakeholder group; 0: none. */
int store_participant_set_group(store *s, long long participant_id, long long group_id);
/* Records that a participant attends an activity (idempotent): the caller
 * has decided they do (docs/EXPORTS.md). */
int store_attendance_add(store *s, long long participant_id, long long activity_id);
int store_activity_set_state(store *s, long long activity_id, vocab_activity_state state);
/* Sets an activity's timer. */
int store_activity_set_timer(store *s, long long activity_id, const store_timer *timer);
/* Calls fn(ctx, code, slug, ends) for every running timer of an activity
 * in a programme (the seminar's join code, the activity's slug, when it
 * ends); fn returns 0 to go on. One statement. */
int store_running_timers(store *s,
                         int (*fn)(void *ctx, const char *code, const char *slug, long long ends),
                         void *ctx);

/* What the store gave a new contribution. */
typedef struct store_added {
	long long id;
	long long position; /* 0 for a top-level one; its place among the example
	                     * actions of its orientation otherwise */
	char created[32];   /* ISO 8601 UTC, "2022-10-11T09:42:07Z" */
} store_added;

/* A new visible contribution. parent_id 0 makes it top-level (position
 * 0); otherwise it is the next example action of that orientation (the
 * caller has checked parent_id is one, on the same board). author may be
 * NULL. One statement. */
int store_contribution_add(store *s, long long board_id, long long participant_id,
                           long long parent_id, const char *text, const char *author,
                           store_added *out /* OUT */);
/* New text (its author's): marks the contribution edited, and no longer
 * reworded by a facilitator (the trail keeps the words it had). */
int store_contribution_set_text(store *s, long long id, const char *text);
int store_contribution_set_state(store *s, long long id, vocab_contribution_state state);
/* Marks the contribution deleted and removes the votes it held. */
int store_contribution_delete(store *s, long long id);
/* Adds or removes one participant's vote (the caller has checked it is
 * absent, or present). */
int store_vote_add(store *s, long long participant_id, long long contribution_id);
int store_vote_remove(store *s, long long participant_id, long long contribution_id);

/* ===== The domain's objects (store_read.c) =====
 * What a seminar, its activities, their boards and their contributions
 * hold, whole. Strings belong to the object (or list) that holds them and
 * live as long as it does; a NULL string is an absent value. */

typedef struct store_board_info {
	long long id;
	const char *slug, *title, *prompt;
	vocab_board_kind kind;
} store_board_info;

typedef struct store_activity_info {
	long long id;
	const char *slug, *title, *question;
	const char *template_name; /* "open", "ami", "swot", "orientations", "custom" */
	vocab_activity_state state;
	unsigned phases;        /* its phases: VOCAB_PHASE() bits (vocab.h) */
	long long voters;       /* how many participants hold a vote in it, when
	                         * its state's row says voters_shown; else 0 */
	store_timer timer;
	long long vote_budget;
	const char *start, *end;  /* its time slot "HH:MM", NULL when none */
	const char **animators; /* in their order */
	size_t nanimators;
	store_board_info *boards; /* those in the programme, in its order */
	size_t nboards;
} store_activity_info;

/* A stakeholder group of the seminar's definition. */
typedef struct store_group_info {
	long long id;
	const char *slug, *label;
} store_group_info;

/* A seminar and its programme. Made by store_seminar_get, freed with
 * store_seminar_info_free. */
typedef struct store_seminar_info {
	long long id;
	const char *code, *title, *date, *venue, *description;
	store_group_info *groups; /* the definition's, in its order (programme
	                           * shape only: none with one activity) */
	size_t ngroups;
	store_activity_info *activities; /* in the programme, in its order */
	size_t nactivities;
	struct store_mem *mem_; /* private: owns all of the above */
} store_seminar_info;

typedef struct store_contribution_info {
	long long id;
	long long participant_id;  /* its author */
	long long activity_id;
	const char *activity;      /* its activity's slug */
	const char *board;         /* its board's slug */
	long long parent_id;       /* 0 when top-level */
	long long position;        /* among the example actions of its parent */
	const char *text;
	const char *author;        /* the label its author gave, or NULL */
	vocab_contribution_state state;
	vocab_activity_state phase; /* its activity's state */
	long long votes;
	const char *created;       /* ISO 8601 UTC */
	int edited;
	const char *original;      /* the participant's words when a facilitator
	                            * reworded them (text is then the new
	                            * wording), else NULL */
} store_contribution_info;

/* Contributions, in the order the function that made them says. Freed
 * with store_contributions_free. */
typedef struct store_contributions {
	store_contribution_info *items;
	size_t n, cap_;
	struct store_mem *mem_; /* private: owns the strings */
} store_contributions;

/* Ids, in increasing order; free(ids) releases them. */
typedef struct store_ids {
	long long *ids;
	size_t n;
} store_ids;

/* The seminar seminar_id and its programme: activity_id 0, every activity
 * in it (archived ones left out) and the stakeholder groups of its
 * definition; otherwise that activity alone (in the programme or not) and
 * no group. Each activity has its boards in the programme. The caller
 * frees *out. Four statements (three for one activity), however many
 * activities. */
int store_seminar_get(store *s, long long seminar_id, long long activity_id,
                      store_seminar_info **out /* OUT */);
void store_seminar_info_free(store_seminar_info *si); /* NULL is a no-op */

/* Every contribution of a seminar (activity_id 0) or of one activity, in
 * id order, deleted ones included, those of archived activities and
 * boards left out. The caller frees *out. One statement. */
int store_contributions_get(store *s, long long seminar_id, long long activity_id,
                            store_contributions **out /* OUT */);
/* Contribution id, then (with_actions) its example actions that are not
 * deleted, in their order. STORE_NOT_FOUND when id is not there. The
 * caller frees *out. One statement. */
int store_contribution_read(store *s, long long id, int with_actions,
                            store_contributions **out /* OUT */);
/* Appends to list the contribution a rule has just written (made by its
 * handler from what it wrote, read nowhere). Its strings are copied.
 * *list NULL: a new list. */
int store_contributions_add(store_contributions **list /* IN/OUT */,
                            const store_contribution_info *c);
void store_contributions_free(store_contributions *l); /* NULL is a no-op */

/* The contributions of the participant that are not deleted, and those
 * the participant votes for. One statement. The caller frees both. */
int store_participant_items(store *s, long long participant_id, store_ids *mine /* OUT */,
                            store_ids *votes /* OUT */);

/* One activity's figures for one stakeholder group. */
typedef struct store_group_figure {
	long long activity_id;
	long long group_id;      /* 0: no group (none said, or one archived since) */
	long long participants;  /* who attend the activity (docs/EXPORTS.md) */
	long long contributions; /* their visible contributions in it, example
	                          * actions included */
} store_group_figure;

typedef struct store_group_figures {
	store_group_figure *items; /* free(items) releases them */
	size_t n, cap_;
} store_group_figures;

/* The figures per activity of the programme and group of a seminar (the
 * pairs with someone only), in no order. One statement. */
int store_group_figures_get(store *s, long long seminar_id,
                            store_group_figures *out /* OUT */);

/* ===== Event log (store_log.c) ===== */

/* What an event is about. */
typedef enum store_event_kind {
	STORE_EVENT_CONTRIBUTION = 0, /* a contribution changed */
	STORE_EVENT_ACTIVITY,         /* an activity changed (its state) */
	STORE_EVENT_TALLY,            /* a contribution's vote count changed, and
	                               * nothing else: it reaches only those who
	                               * see the tallies (view.h) */
	STORE_EVENT_SCREEN,           /* a screen was paired or changed mode
	                               * (store_screen.h); left out of catch-ups:
	                               * a screen and a console ask again */
} store_event_kind;

/* Appends an event about object_id (a contribution or an activity) with
 * the seminar's next sequence number, which *seq (OUT) receives;
 * activity_id 0 for a seminar-wide event; key_id the key that acted
 * (store_keys.h), 0 for none (a participant). One statement. */
int store_event_add(store *s, long long seminar_id, long long activity_id, long long key_id,
                    store_event_kind kind, long long object_id, long long *seq /* OUT */);
/* The key that made event seq of a seminar (0: none, a participant or the
 * core itself), for the audit trail. STORE_NOT_FOUND when no such event. */
int store_event_key(store *s, long long seminar_id, long long seq, long long *key_id /* OUT */);

/* Whether contribution contribution_id of seminar seminar_id changed
 * after sequence number seen: *changed is the sequence number of the
 * first event about it after seen, or 0 when there is none. It reads the
 * log from seen on only. One statement. */
int store_contribution_changed(store *s, long long seminar_id, long long contribution_id,
                               long long seen, long long *changed /* OUT */);

/* One event of the log, with its object as it is now. */
typedef struct store_event_info {
	long long seq;
	store_event_kind kind;
	long long object_id;
	/* STORE_EVENT_CONTRIBUTION, _TALLY: the contribution now, or NULL when it is
	 * no longer in the programme (its board or activity archived). */
	const store_contribution_info *contribution;
} store_event_info;

typedef struct store_events {
	store_event_info *items;
	size_t n;
	store_contributions *objects_; /* private: what the items point to */
} store_events;

/* The events after since, in order, that a watch of activity_id (0 = every
 * activity) receives: its activity's and the seminar-wide ones; each
 * contribution's as it is now. An activity's event names the activity
 * (object_id): the caller has the seminar's programme. The caller frees
 * *out. One statement. */
int store_events_since(store *s, long long seminar_id, long long since,
                       long long activity_id, store_events **out /* OUT */);
void store_events_free(store_events *e); /* NULL is a no-op */

/* ===== Idempotence (store_log.c) ===== */

/* What a participant's write was answered, kept under its message id: the
 * views render the reply again from it (the contribution as it is now, as
 * that participant may see it). */
typedef struct store_request {
	long long contribution_id; /* the contribution the reply is about */
	long long votes_left;      /* a vote's, an unvote's; -1: none */
	int actions;               /* the reply lists the orientation's example actions */
} store_request;

/* Whether the participant participant_id of seminar seminar_id, with this
 * token, is in the database (*joined 1, else 0), and the reply kept under
 * its message id client_id: STORE_OK with *req filled when there is one,
 * STORE_NOT_FOUND when there is none (or no such participant). One
 * statement. */
int store_request_find(store *s, long long seminar_id, long long participant_id,
                       const char *token, const char *client_id, int *joined /* OUT */,
                       store_request *req /* OUT */);
int store_request_save(store *s, long long participant_id, const char *client_id,
                       const store_request *req);

#endif
