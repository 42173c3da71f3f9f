/*
 * defn.h — seminar definition files (sessions/<name>.json): reading, validating
 * and normalizing them, then the definition as C structs, which the store
 * imports (store_import).
 *
 * Boundary: JSON text -> validated, normalized jansson document -> defn.
 * No disk writes, no SQLite. docs/SESSIONS.md is the reference of the
 * format.
 */
#ifndef ATELIER_DEFN_H
#define ATELIER_DEFN_H

#include <stddef.h>
#include <jansson.h>
#include "i18n.h"

/* ===== The definition as structs =====
 * Made by defn_new (or defn_load) from a normalized document, freed by
 * defn_free; every text is the definition's own copy, "" for a member the
 * document lacks, unless a comment says NULL. */

/* A stakeholder group participants may say they belong to. */
typedef struct defn_group {
	const char *id;    /* slug */
	const char *label; /* one line, at most 60 characters */
} defn_group;

typedef struct defn_board {
	const char *id; /* slug */
	const char *title;
	const char *prompt;
	const char *kind; /* "notes" or "orientations" once validated */
} defn_board;

typedef struct defn_activity {
	const char *id; /* slug */
	const char *title;
	const char *question;
	const char *template_name;
	const char *start, *end;  /* its time slot "HH:MM", both NULL when none */
	const char *const *animators; /* nanimators roles */
	size_t nanimators;
	long long vote_budget;
	unsigned phases; /* the phases chosen: VOCAB_PHASE() bits of vocab.h's
	                  * states; 0 when none (the usual ones) */
	const defn_board *boards; /* in their order */
	size_t nboards;
} defn_activity;

typedef struct defn_seminar {
	const char *id;    /* the seminar's slug; NULL when not a string */
	const char *code;  /* the join code; NULL: the store makes one */
	const char *title; /* NULL when not a string */
	const char *date;  /* YYYY-MM-DD */
	const char *venue;
	const char *description;
	const defn_group *groups; /* in the definition's order; none: ngroups 0 */
	size_t ngroups;
	const defn_activity *activities; /* in programme order */
	size_t nactivities;
	/* The digest (digest.c) of the normalized document with its members
	 * sorted, as 16 hex digits: the order of a file's keys, its spaces
	 * and a byte order mark do not change it. */
	char digest[17];
	struct defn_mem *mem; /* private to defn.c */
} defn_seminar;

/* The definition of the normalized document doc (borrowed; the shape
 * below, as defn_validate leaves it) into *out (caller frees it with
 * defn_free). doc is read as it is, not checked: a member of another type
 * counts as absent. Returns 0, or -1 when memory runs out. */
int defn_new(json_t *doc, defn_seminar **out /* OUT */);

/* Frees what defn_new made; NULL is a no-op. */
void defn_free(defn_seminar *d);

/* Validates root in place and normalizes it: fills defaults (vote_budget,
 * animators, description), expands each activity's "template" into its
 * "boards" (with titles from cat, the catalogue). Normalized shape, which
 * store_import() relies on:
 *   { "id": slug, "code": "ABC123" | absent, "title", "date": "YYYY-MM-DD",
 *     "venue", "description",
 *     "groups": [ { "id": slug, "label" } ] | absent (0 to 12, ids unique),
 *     "activities": [ { "id": slug, "title", "question", "template",
 *        "animators": [string], "vote_budget": int 0..50,
 *        "phases": [state name, in the order of a day] | absent,
 *        "start", "end": "HH:MM" (both, or neither: absent),
 *        "boards": [ { "id": slug, "title", "prompt", "kind": "notes" |
 *                      "orientations" } ] } ] }
 * On failure returns -1 and writes into err[err_len] one sentence of the
 * catalogue naming the file (path), the field (as a JSON path such as
 * "activities[2].boards[0].id") and the reason. cat (borrowed) is the
 * language of titles and sentences; NULL: French. */
int defn_validate(json_t *root, const char *path, const i18n_cat *cat, char *err, size_t err_len);

/* Reads path, parses it and validates it (cat as for defn_validate). On
 * success *out is the normalized document (caller owns it). On failure
 * *out is NULL and err says file, line/field and reason. */
int defn_load_file(const char *path, const i18n_cat *cat, json_t **out, char *err, size_t err_len);

/* defn_load_file, then defn_new: the definition of the file at path as
 * structs into *out (caller frees it with defn_free). On failure *out is
 * NULL and err says file, line/field and reason. */
int defn_load(const char *path, const i18n_cat *cat, defn_seminar **out, char *err,
              size_t err_len);

#endif
