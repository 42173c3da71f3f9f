/*
 * audit.h — the audit trail's JSON shape (docs/PROTOCOL.md, "history";
 * docs/EXPORTS.md, the archive's "audit"), shared by the console's view
 * (view_wire.c) and the archive's (export_view.c), so that both say a
 * change the same way.
 *
 * Boundary: a row of the trail (store_moderation.h) in, a jansson object
 * out. No rule, no store, no network.
 */
#ifndef ATELIER_AUDIT_H
#define ATELIER_AUDIT_H

#include <jansson.h>
#include "store_moderation.h"

/* {"id","contribution","seq","at","key","command","before":{"state",
 * "text","board"},"after":{"state","text","board"},"undoes","undone_by"}:
 * a part the change left as it was is null (a state, a text, a board's
 * id), and so are undoes and
 * undone_by when there is none; key is the name of the key that acted
 * (null: the core itself). A new reference, or NULL when out of memory. */
json_t *audit_entry_json(const store_audit_entry *e);

/* The rows of a as a new array, or NULL when out of memory. */
json_t *audit_json(const store_audit *a);

#endif
