/*
 * defn.h — seminar definition files (sessions/<name>.json): reading, validating
 * and normalizing them before the store imports them.
 *
 * Boundary: JSON text -> validated, normalized jansson document. No disk
 * writes, no SQLite. docs/SESSIONS.md is the reference of the format.
 */
#ifndef ATELIER_DEFN_H
#define ATELIER_DEFN_H

#include <stddef.h>
#include <jansson.h>
#include "i18n.h"

/* Validates root in place and normalizes it: fills defaults (vote_budget,
 * animators, description), expands each activity's "template" into its
 * "boards" (with titles from cat, the catalogue). Normalized shape, which
 * store_import() relies on:
 *   { "id": slug, "code": "ABC123" | absent, "title", "date": "YYYY-MM-DD",
 *     "venue", "description",
 *     "activities": [ { "id": slug, "title", "question", "template",
 *        "animators": [string], "vote_budget": int 0..50,
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

#endif
