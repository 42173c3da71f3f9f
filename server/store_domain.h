/*
 * store_domain.h — the rows and objects the domain rules (seminar.c) read
 * and write. Implemented by store_domain.c (lookups and writes),
 * store_log.c (event log, idempotence table) and store_objects.c (the
 * protocol's JSON objects).
 *
 * Boundary: these functions check nothing but the database's own
 * constraints; whether a participant may do something is seminar.c's
 * decision, taken before it calls them. Every function returns STORE_OK
 * or a negative store code (STORE_NOT_FOUND when a lookup finds nothing).
 * Writes happen in the caller's transaction (store_tx_begin).
 */
#ifndef ATELIER_STORE_DOMAIN_H
#define ATELIER_STORE_DOMAIN_H

#include <stddef.h>
#include <jansson.h>
#include "store.h"
#include "vocab.h"

/* A participant token: 32 hex digits (128 random bits) and a NUL. */
#define STORE_TOKEN_SIZE 33

/* What the rules need to know of an activity. */
typedef struct store_activity {
	long long id;
	long long seminar_id;
	vocab_activity_state state;
	int vote_budget;
	int archived; /* 1 when it is out of the programme (store_import) */
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
/* A contribution by id, with its activity and seminar. */
int store_contribution_get(store *s, long long id, store_contribution *out /* OUT */);
/* The participant of a seminar with this token. */
int store_participant_find(store *s, long long seminar_id, const char *token,
                           long long *participant_id /* OUT */);
/* 1 in *voted if the participant votes for the contribution, else 0. */
int store_vote_exists(store *s, long long participant_id, long long contribution_id,
                      int *voted /* OUT */);
/* How many votes the participant holds on contributions of an activity's
 * boards in the programme (votes on an archived board's contributions
 * are kept but no longer count). */
int store_votes_used(store *s, long long participant_id, long long activity_id,
                     long long *n /* OUT */);
/* Ids of the example actions of an orientation that are not deleted, in
 * their order. The caller owns *ids (a JSON array of integers). */
int store_contribution_actions(store *s, long long parent_id, json_t **ids /* OUT */);

/* ===== Writes ===== */

/* A new participant of a seminar with a fresh random token, written into
 * token_out (at least STORE_TOKEN_SIZE bytes). */
int store_participant_create(store *s, long long seminar_id,
                             char *token_out /* OUT */, size_t token_len,
                             long long *participant_id /* OUT */);
/* Updates name and/or structure; a NULL argument keeps the old value. */
int store_participant_update(store *s, long long participant_id, const char *name,
                             const char *structure);
/* Records that a participant attends an activity (idempotent): the caller
 * has decided they do (docs/EXPORTS.md). */
int store_attendance_add(store *s, long long participant_id, long long activity_id);
int store_activity_set_state(store *s, long long activity_id, vocab_activity_state state);
/* A new visible contribution. parent_id 0 makes it top-level (position
 * 0); otherwise it is the next example action of that orientation (the
 * caller has checked parent_id is one, on the same board). author may be
 * NULL. */
int store_contribution_add(store *s, long long board_id, long long participant_id,
                           long long parent_id, const char *text, const char *author,
                           long long *contribution_id /* OUT */);
/* New text; marks the contribution edited. */
int store_contribution_set_text(store *s, long long id, const char *text);
int store_contribution_set_state(store *s, long long id, vocab_contribution_state state);
/* Marks the contribution deleted and removes the votes it held. */
int store_contribution_delete(store *s, long long id);
/* Adds or removes one participant's vote (the caller has checked it is
 * absent, or present). */
int store_vote_add(store *s, long long participant_id, long long contribution_id);
int store_vote_remove(store *s, long long participant_id, long long contribution_id);

/* ===== Event log (store_log.c) ===== */

/* Increments the seminar's last sequence number and returns the new one. */
int store_event_next_seq(store *s, long long seminar_id, long long *seq /* OUT */);
/* Appends an event; activity_id 0 for a seminar-wide event; key_id the
 * key that acted (store_keys.h), 0 for none (a participant). payload is
 * the encoded event message. */
int store_event_append(store *s, long long seminar_id, long long seq,
                       long long activity_id, long long key_id, const char *payload);
/* The key that made event seq of a seminar (0: none, a participant or the
 * core itself), for the audit trail. STORE_NOT_FOUND when no such event. */
int store_event_key(store *s, long long seminar_id, long long seq, long long *key_id /* OUT */);
/* The events after since, in order, that a watch of activity_id (0 = every
 * activity) receives: its activity's and the seminar-wide ones. *out is a
 * new JSON array of the decoded event messages. */
int store_events_since(store *s, long long seminar_id, long long since,
                       long long activity_id, json_t **out /* OUT */);

/* ===== Idempotence (store_log.c) ===== */

/* The reply stored for (participant, client message id): *reply is
 * malloc'd. STORE_NOT_FOUND when this id was never answered. */
int store_request_find(store *s, long long participant_id, const char *client_id,
                       char **reply /* OUT */);
int store_request_save(store *s, long long participant_id, const char *client_id,
                       const char *reply);

/* ===== Protocol objects (store_objects.c), shapes in docs/PROTOCOL.md ===== */

/* The seminar object, with its activities and their boards: those in the
 * programme, archived ones left out. */
int store_seminar_json(store *s, long long seminar_id, json_t **out /* OUT */);
/* The activity object, with its boards. */
int store_activity_json(store *s, long long activity_id, json_t **out /* OUT */);
/* The contribution object. full: give a hidden one's text and author. */
int store_contribution_json(store *s, long long id, int full, json_t **out /* OUT */);
/* Every contribution of a seminar (activity_id 0) or of one activity, in
 * id order, deleted ones included (text null), those of archived
 * activities and boards left out. The list is kept and given
 * again (a new reference) until the seminar's sequence number moves, so
 * many watchers of one board cost one query: do not modify it. */
int store_contributions_json(store *s, long long seminar_id, long long activity_id,
                             int full, json_t **out /* OUT */);
/* Ids of the participant's contributions that are not deleted, and of the
 * contributions the participant votes for: JSON arrays of integers. */
int store_participant_contributions(store *s, long long participant_id,
                                    json_t **ids /* OUT */);
int store_participant_votes(store *s, long long participant_id, json_t **ids /* OUT */);

#endif
