/*
 * store_synthesis.h — a seminar's data as its synthesis reads it: the
 * seminar, every activity, board, contribution and stakeholder group it
 * holds, with their figures, as C structs (store_synthesis.c).
 *
 * Boundary: the store gives everything it holds, in no order a reader
 * may rely on: archived activities and boards, and contributions in
 * every state, deleted ones included. What the synthesis shows, and in
 * which order, is the export view's decision (export_view.c). No SQLite
 * type and no JSON here: a second backend gives the same structs.
 */
#ifndef ATELIER_STORE_SYNTHESIS_H
#define ATELIER_STORE_SYNTHESIS_H

#include <stddef.h>
#include "store.h"
#include "store_moderation.h"
#include "vocab.h"

/* Every text below is borrowed from the store_synthesis it belongs to and
 * lives as long as it; NULL only where a comment says so. */

/* A contribution or an example action, whatever its state. */
typedef struct store_synthesis_contribution {
	long long id;
	long long board_id;
	long long parent_id; /* its orientation, for an example action; else 0 */
	long long position;  /* among its orientation's example actions */
	const char *text;
	const char *author;  /* NULL when none was given */
	vocab_contribution_state state;
	long long votes;     /* votes held on it */
	const char *created; /* ISO 8601 UTC: "2022-10-11T09:42:07Z" */
	int edited;          /* 1 once its author edited it */
	const char *original; /* its author's words when a facilitator reworded
	                       * it (text is the new wording); NULL otherwise */
	long long group_id;  /* its author's stakeholder group (a
	                      * store_synthesis_group's id, archived or not); 0: none */
} store_synthesis_contribution;

/* A stakeholder group of the seminar, archived or not. */
typedef struct store_synthesis_group {
	long long id;
	long long position; /* in the definition */
	const char *slug;
	const char *label;
	int archived; /* 1 when the definition no longer holds it */
} store_synthesis_group;

/* How many of an activity's participants (who attend it, docs/EXPORTS.md)
 * belong to one group: one per (activity, group) with someone. */
typedef struct store_synthesis_presence {
	long long activity_id;
	long long group_id; /* as store_synthesis_contribution's */
	long long participants;
} store_synthesis_presence;

/* A board of an activity, archived or not. */
typedef struct store_synthesis_board {
	long long id;
	long long activity_id;
	long long position; /* in its activity's definition */
	const char *slug;
	const char *title;
	const char *prompt;
	vocab_board_kind kind;
	int archived; /* 1 when out of its activity's programme */
} store_synthesis_board;

/* An activity of the seminar, archived or not. */
typedef struct store_synthesis_activity {
	long long id;
	long long position; /* in the programme */
	const char *slug;
	const char *title;
	const char *question;
	const char *template_name;
	vocab_activity_state state;
	long long vote_budget;
	const char *const *animators; /* nanimators roles, in their order */
	size_t nanimators;
	long long attendance; /* participants who attended it (docs/EXPORTS.md) */
	int archived;         /* 1 when out of the programme */
} store_synthesis_activity;

/* One seminar. Made by store_synthesis_read, freed by
 * store_synthesis_free; the arrays may also be made by hand (tests), with
 * mem NULL. */
typedef struct store_synthesis {
	const char *slug;
	const char *code;
	const char *title;
	const char *date; /* YYYY-MM-DD */
	const char *venue;
	const char *description;
	long long participants; /* who joined the seminar, attending or not */
	const store_synthesis_activity *activities;
	size_t nactivities;
	const store_synthesis_board *boards;
	size_t nboards;
	const store_synthesis_contribution *contributions;
	size_t ncontributions;
	const store_synthesis_group *groups;
	size_t ngroups;
	const store_synthesis_presence *presence;
	size_t npresence;
	const store_audit *audit; /* the seminar's whole audit trail, in order
	                           * (NULL: none) */
	struct store_synthesis_mem *mem; /* private to the store */
} store_synthesis;

/* Reads the seminar with this join code (compared as the store compares
 * codes: case aside) into *out (caller frees it). STORE_NOT_FOUND for an
 * unknown code; another negative store code when the database could not
 * be read, or STORE_ERR when memory ran out. */
int store_synthesis_read(store *s, const char *code, store_synthesis **out /* OUT */);

/* Frees what store_synthesis_read made; NULL is a no-op. */
void store_synthesis_free(store_synthesis *syn);

#endif
