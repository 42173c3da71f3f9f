/*
 * audit.c — a row of the audit trail as JSON (audit.h), the one shape the
 * console's history and the archive's trail share.
 *
 * Boundary: encodes what the store read; decides nothing about who may
 * see it (the callers are a facilitator's reply and the full archive).
 */
#include "audit.h"

#include "vocab.h"

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *id_or_null(long long id)
{
	return id > 0 ? json_integer(id) : json_null();
}

/* {"state","text","board"} of one side of a change. */
static json_t *side(int has_state, vocab_contribution_state state, const char *text,
                    const char *board)
{
	const vocab_contribution_row *row = has_state ? vocab_contribution(state) : NULL;
	return json_pack("{s:o, s:o, s:o}", "state", str_or_null(row ? row->name : NULL), "text",
	                 str_or_null(text), "board", str_or_null(board));
}

json_t *audit_entry_json(const store_audit_entry *e)
{
	return json_pack("{s:I, s:I, s:I, s:s, s:o, s:s, s:o, s:o, s:o, s:o}", "id",
	                 (json_int_t)e->id, "contribution", (json_int_t)e->contribution_id, "seq",
	                 (json_int_t)e->seq, "at", e->at, "key", str_or_null(e->key_name), "command",
	                 e->command, "before",
	                 side(e->has_state, e->state_before, e->text_before,
	                      e->board_before ? e->board_slug_before : NULL),
	                 "after",
	                 side(e->has_state, e->state_after, e->text_after,
	                      e->board_after ? e->board_slug_after : NULL),
	                 "undoes",
	                 id_or_null(e->undoes), "undone_by", id_or_null(e->undone_by));
}

json_t *audit_json(const store_audit *a)
{
	json_t *list = json_array();

	for (size_t i = 0; list && a && i < a->n; i++)
		if (json_array_append_new(list, audit_entry_json(&a->items[i]))) {
			json_decref(list);
			list = NULL;
		}
	return list;
}
