/*
 * store_moderation.c — the audit trail of a facilitator's changes and the
 * rewording of a contribution (store_moderation.h).
 *
 * Boundary: SQL over the tables audit and contribution (migration 10).
 * The trail holds states and texts, not encoded messages: the views make
 * its JSON (view_wire.c for the console, export_view.c for the archive).
 * Must not decide whether a change is allowed, nor write an event: the
 * rules append the event, then the row that says who made it and why.
 */
#include "store_private.h"
#include "store_moderation.h"

#include <stdlib.h>
#include <string.h>

/* The states' names, as the contribution table keeps them. */
static const char *state_name(int has, vocab_contribution_state s)
{
	const vocab_contribution_row *row = has ? vocab_contribution(s) : NULL;
	return row ? row->name : NULL;
}

int store_audit_add(store *s, long long seminar_id, long long key_id, const char *client_id,
                    const char *command, long long seq, const store_audit_change *ch,
                    long long undoes, long long *id)
{
	int rc = store__int(
		s, id,
		"INSERT INTO audit (seminar_id, key_id, client_id, at, seq, command, contribution_id,"
		" state_before, state_after, text_before, text_after, board_before, board_after, undoes)"
		" VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" RETURNING id",
		"intitittttnnn", seminar_id, key_id, client_id, seq, command, ch->contribution_id,
		state_name(ch->has_state, ch->state_before), state_name(ch->has_state, ch->state_after),
		ch->text_before, ch->text_after, ch->board_before, ch->board_after, undoes);
	return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
}

int store_audit_request(store *s, long long seminar_id, long long key_id,
                        const char *client_id, long long *contribution_id)
{
	return store__int(s, contribution_id,
	                  "SELECT contribution_id FROM audit WHERE seminar_id = ? AND client_id = ?"
	                  " AND IFNULL(key_id, 0) = ? ORDER BY id LIMIT 1",
	                  "iti", seminar_id, client_id, key_id);
}

int store_audit_later(store *s, long long contribution_id, long long id, long long *later)
{
	int rc = store__int(s, later,
	                    "SELECT IFNULL(MIN(u.id), 0) FROM audit u WHERE u.contribution_id = ?1"
	                    " AND u.id > ?2 AND IFNULL(u.undoes, 0) <= ?2"
	                    " AND NOT EXISTS (SELECT 1 FROM audit v WHERE v.undoes = u.id)",
	                    "ii", contribution_id, id);
	return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
}

/* ===== Reading the trail ===== */

#define AUDIT_COLS                                                                   \
	"SELECT u.id, u.contribution_id, b.activity_id, u.seq, u.at, k.name, u.command,"   \
	" u.state_before, u.state_after, u.text_before, u.text_after, IFNULL(u.undoes, 0),"  \
	" (SELECT IFNULL(MAX(v.id), 0) FROM audit v WHERE v.undoes = u.id),"                \
	" IFNULL(u.board_before, 0), IFNULL(u.board_after, 0), b1.slug, b2.slug"            \
	" FROM audit u JOIN contribution c ON c.id = u.contribution_id"                    \
	" JOIN board b ON b.id = c.board_id LEFT JOIN key k ON k.id = u.key_id"            \
	" LEFT JOIN board b1 ON b1.id = u.board_before LEFT JOIN board b2 ON b2.id = u.board_after"

static store_audit *audit_new(void)
{
	store_audit *a = calloc(1, sizeof *a);
	if (a && !(a->mem_ = store__mem_new())) {
		free(a);
		a = NULL;
	}
	return a;
}

void store_audit_free(store_audit *a)
{
	if (!a)
		return;
	store__mem_free(a->mem_);
	free(a->items);
	free(a);
}

/* A state column: has is cleared when it is NULL. */
static vocab_contribution_state state_of(sqlite3_stmt *st, int col, int *has)
{
	int s = vocab_contribution_find((const char *)sqlite3_column_text(st, col));
	if (s < 0) {
		*has = 0;
		return VOCAB_VISIBLE;
	}
	return (vocab_contribution_state)s;
}

/* store__each's row: appends the row of the trail to the list. */
static int audit_row(void *ctx, sqlite3_stmt *st)
{
	store_audit *a = ctx;
	store_audit_entry *e;

	if (a->n == a->cap_) {
		size_t cap = a->cap_ ? 2 * a->cap_ : 8;
		store_audit_entry *items = realloc(a->items, cap * sizeof *items);
		if (!items)
			return 1;
		a->items = items;
		a->cap_ = cap;
	}
	e = &a->items[a->n++];
	memset(e, 0, sizeof *e);
	e->id = sqlite3_column_int64(st, 0);
	e->contribution_id = sqlite3_column_int64(st, 1);
	e->activity_id = sqlite3_column_int64(st, 2);
	e->seq = sqlite3_column_int64(st, 3);
	e->at = store__column(a->mem_, st, 4);
	e->key_name = store__column(a->mem_, st, 5);
	e->command = store__column(a->mem_, st, 6);
	e->has_state = 1;
	e->state_before = state_of(st, 7, &e->has_state);
	e->state_after = state_of(st, 8, &e->has_state);
	e->text_before = store__column(a->mem_, st, 9);
	e->text_after = store__column(a->mem_, st, 10);
	e->undoes = sqlite3_column_int64(st, 11);
	e->undone_by = sqlite3_column_int64(st, 12);
	e->board_before = sqlite3_column_int64(st, 13);
	e->board_after = sqlite3_column_int64(st, 14);
	e->board_slug_before = store__column(a->mem_, st, 15);
	e->board_slug_after = store__column(a->mem_, st, 16);
	return !e->at || !e->command;
}

static int read_audit(store *s, sqlite3_stmt *st, store_audit **out)
{
	int rc = (*out = audit_new()) ? store__each(s, st, audit_row, *out) : STORE_ERR;

	if (rc == STORE_OK && store__mem_failed((*out)->mem_))
		rc = STORE_ERR;
	if (rc != STORE_OK) {
		store_audit_free(*out);
		*out = NULL;
	}
	return rc;
}

int store_audit_get(store *s, long long seminar_id, long long contribution_id,
                    store_audit **out)
{
	return read_audit(s,
	                  store__query(s,
	                               AUDIT_COLS " WHERE u.seminar_id = ?1 AND"
	                               " (?2 <= 0 OR u.contribution_id = ?2) ORDER BY u.id",
	                               "ii", seminar_id, contribution_id),
	                  out);
}

int store_audit_find(store *s, long long seminar_id, long long id, store_audit **out)
{
	int rc = read_audit(s,
	                    store__query(s, AUDIT_COLS " WHERE u.seminar_id = ? AND u.id = ?",
	                                 "ii", seminar_id, id),
	                    out);
	if (rc == STORE_OK && !(*out)->n) {
		store_audit_free(*out);
		*out = NULL;
		rc = STORE_NOT_FOUND;
	}
	return rc;
}

/* ===== Moving and rewording ===== */

int store_board_live(store *s, long long id, long long *live)
{
	int rc = store__int(s, live,
	                    "SELECT b.archived IS NULL AND a.archived IS NULL FROM board b"
	                    " JOIN activity a ON a.id = b.activity_id WHERE b.id = ?",
	                    "i", id);
	if (rc == STORE_NOT_FOUND) {
		*live = 0;
		rc = STORE_OK;
	}
	return rc;
}

int store_contribution_move(store *s, long long id, long long board_id)
{
	return store__exec(s, "UPDATE contribution SET board_id = ?1 WHERE id = ?2 OR parent_id = ?2",
	                   "ii", board_id, id);
}

int store_contribution_reword(store *s, long long id, const char *text)
{
	/* The right-hand sides read the row as it was. */
	return store__exec(s,
	                   "UPDATE contribution SET text = ?1,"
	                   " original = NULLIF(IFNULL(original, text), ?1) WHERE id = ?2",
	                   "ti", text, id);
}
