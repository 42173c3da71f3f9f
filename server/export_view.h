/*
 * export_view.h — the synthesis document (docs/EXPORTS.md), made from a
 * seminar's data as the store reads it (store_synthesis.h): the view of
 * the synthesis's readers. It decides what the document holds and in
 * which order; the renderers (export.h) then write it in each format.
 *
 * Boundary: structs in, one jansson document out. No SQLite, no files.
 */
#ifndef ATELIER_EXPORT_VIEW_H
#define ATELIER_EXPORT_VIEW_H

#include <jansson.h>
#include "store.h"
#include "store_synthesis.h"

/* The synthesis document of the seminar with this join code, read from s,
 * ready for export_render() and export_write(); "generated" is the time
 * of the call. The caller owns *out. Returns 0, STORE_NOT_FOUND for an
 * unknown code, or another negative store code (STORE_ERR when memory ran
 * out). */
int export_view_document(store *s, const char *code, json_t **out /* OUT */);

/* The document of syn (borrowed), whose "generated" is the text generated
 * (NULL: JSON null). The rules it applies:
 *   - activities in programme order (position, then id), boards in their
 *     activity's definition order (the same); archived ones left out, with
 *     their contributions, everywhere (figures included);
 *   - on each board its top-level contributions, most voted first, then by
 *     creation time, then by id; each with its example actions ("actions")
 *     in their own order (position, then id);
 *   - every contribution but the deleted ones, hidden, awaiting and merged
 *     ones with their text (the JSON export is complete); an example
 *     action only under its orientation, so none of a deleted one;
 *   - an activity's "participants" are those who attended it, its
 *     "contributions" and "votes" count the visible contributions of its
 *     boards (example actions included, whatever their orientation) and
 *     the votes on them; "totals" are the seminar's participants and the
 *     sums of the activities' figures.
 * Returns 0, or -1 when memory runs out (*out is then NULL). */
int export_view_build(const store_synthesis *syn, const char *generated, json_t **out /* OUT */);

#endif
