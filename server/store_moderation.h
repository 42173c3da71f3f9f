/*
 * store_moderation.h — what a facilitator's changes to contributions keep:
 * the audit trail (one row per contribution a change touched: the key
 * that acted, when, the command, the event it made, the state and text
 * before and after) and the rewording of a contribution, the
 * participant's words kept beside it. Implemented by store_moderation.c.
 *
 * Boundary: the store's interface, as store_domain.h: no SQLite type, no
 * SQL, no JSON. Whether a change is allowed (the key's scope, "stale") is
 * the rules' decision (seminar_facilitator.c), taken before they call
 * these; what an audience sees is the views'. Every function returns
 * STORE_OK or a negative store code (STORE_NOT_FOUND when a lookup finds
 * nothing); writes happen in the caller's transaction.
 */
#ifndef ATELIER_STORE_MODERATION_H
#define ATELIER_STORE_MODERATION_H

#include <stddef.h>
#include "store.h"
#include "vocab.h"

/* One change of one contribution, as the trail keeps it. A part the
 * change left as it was is absent: has_state 0, text_before and
 * text_after NULL, board_before and board_after 0. */
typedef struct store_audit_change {
	long long contribution_id;
	int has_state;
	vocab_contribution_state state_before, state_after;
	const char *text_before, *text_after;
	long long board_before, board_after; /* board ids (a move) */
} store_audit_change;

/* Appends one row to the trail of seminar seminar_id: change ch, made by
 * key key_id (0: the core itself) under the client's message id
 * client_id with command (its wire name, "hide"), which made event seq;
 * undoes is the row an undo undoes (0: none). *id (OUT) receives the
 * row's id. One statement. */
int store_audit_add(store *s, long long seminar_id, long long key_id, const char *client_id,
                    const char *command, long long seq, const store_audit_change *ch,
                    long long undoes, long long *id /* OUT */);

/* The contribution a facilitator's message client_id of seminar
 * seminar_id sent by key key_id changed (a resent id: the change is not
 * made again), or STORE_NOT_FOUND when that message changed nothing. One
 * statement. */
int store_audit_request(store *s, long long seminar_id, long long key_id,
                        const char *client_id, long long *contribution_id /* OUT */);

/* The first row of the trail about contribution contribution_id after
 * row id that still stands: *later (OUT), 0 when there is none. A row
 * undone since, and the undo of a row after id, do not stand: a change
 * and its undo leave the contribution as it was. One statement. */
int store_audit_later(store *s, long long contribution_id, long long id,
                      long long *later /* OUT */);

/* One row of the trail, read back. */
typedef struct store_audit_entry {
	long long id;
	long long contribution_id;
	long long activity_id;    /* the contribution's */
	long long seq;            /* the event the change made */
	const char *at;           /* ISO 8601 UTC */
	const char *key_name;     /* the name of the key that acted; NULL: the core */
	const char *command;      /* "hide", "show", "rephrase", "undo" */
	int has_state;
	vocab_contribution_state state_before, state_after;
	const char *text_before, *text_after; /* NULL: the text did not change */
	long long board_before, board_after;  /* 0: the board did not change */
	const char *board_slug_before, *board_slug_after; /* their ids (slugs) */
	long long undoes;         /* the row this undo undid, 0: none */
	long long undone_by;      /* the last row that undid this one, 0: none */
} store_audit_entry;

/* Rows of the trail; strings live as long as the list. Freed with
 * store_audit_free. */
typedef struct store_audit {
	store_audit_entry *items;
	size_t n, cap_;
	struct store_mem *mem_; /* private: owns the strings */
} store_audit;

/* The trail of seminar seminar_id, in the order of the changes: every row
 * (contribution_id 0) or those of one contribution. The caller frees
 * *out. One statement. */
int store_audit_get(store *s, long long seminar_id, long long contribution_id,
                    store_audit **out /* OUT */);
/* Row id of seminar seminar_id's trail. The caller frees *out;
 * STORE_NOT_FOUND when there is none. One statement. */
int store_audit_find(store *s, long long seminar_id, long long id, store_audit **out /* OUT */);
void store_audit_free(store_audit *a); /* NULL is a no-op */

/* *live (OUT) 1 when board id and its activity are in the programme (not
 * archived), else 0. One statement. */
int store_board_live(store *s, long long id, long long *live /* OUT */);

/* Contribution id, and its example actions with it, now stand on board
 * board_id (of the same activity: the caller checked). One statement. */
int store_contribution_move(store *s, long long id, long long board_id);

/* Contribution id now reads text. The participant's words are kept in
 * its original the first time; a wording back to those words clears the
 * original (the contribution is no longer reworded). One statement. */
int store_contribution_reword(store *s, long long id, const char *text);

#endif
