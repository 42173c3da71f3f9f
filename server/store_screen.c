/*
 * store_screen.c — the projection screens' rows (store_screen.h): made on
 * a screen's first request, paired by a facilitator, changed from the
 * console.
 *
 * Boundary: SQL over the screen table (migration 12 of the programme,
 * store_schema.c) and the seminar and activity it names; structs out. It
 * must not decide who may pair or what a mode needs (seminar_screen.c).
 */
#include "store_private.h"
#include "store_screen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A screen's columns, over screen s, seminar m and activity a. */
#define SCREEN_COLS                                                                       \
	"SELECT s.id, IFNULL(s.seminar_id, 0), s.pairing, IFNULL(m.code, ''),"               \
	" IFNULL(s.activity_id, 0), IFNULL(a.slug, ''), s.follow, s.mode,"                   \
	" IFNULL(s.contribution_id, 0), s.join_panel, IFNULL(s.console, '') FROM screen s"    \
	" LEFT JOIN seminar m ON m.id = s.seminar_id"                                        \
	" LEFT JOIN activity a ON a.id = s.activity_id AND a.archived IS NULL"

static void copy(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const char *v = (const char *)sqlite3_column_text(st, col);
	snprintf(dst, size, "%s", v ? v : "");
}

static void read_row(sqlite3_stmt *st, store_screen *out)
{
	char mode[16];
	int m;

	memset(out, 0, sizeof *out);
	out->id = sqlite3_column_int64(st, 0);
	out->seminar_id = sqlite3_column_int64(st, 1);
	copy(out->pairing, sizeof out->pairing, st, 2);
	copy(out->code, sizeof out->code, st, 3);
	out->activity_id = sqlite3_column_int64(st, 4);
	copy(out->activity, sizeof out->activity, st, 5);
	if (!out->activity[0])
		out->activity_id = 0; /* archived since: as if none */
	out->follow = sqlite3_column_int(st, 6);
	copy(mode, sizeof mode, st, 7);
	m = vocab_screen_find(mode);
	out->mode = m < 0 ? VOCAB_SCREEN_BOARD : (vocab_screen_mode)m;
	out->contribution_id = sqlite3_column_int64(st, 8);
	out->join_panel = sqlite3_column_int(st, 9);
	copy(out->console, sizeof out->console, st, 10);
}

/* Steps st for one screen into *out. */
static int one(store *s, sqlite3_stmt *st, store_screen *out)
{
	int rc;

	if (!st)
		return store__fail(sqlite3_errcode(s->db));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_row(st, out);
		rc = STORE_OK;
	} else {
		rc = rc == SQLITE_DONE ? STORE_NOT_FOUND : store__fail(rc);
	}
	sqlite3_reset(st);
	return rc;
}

static int by_token(store *s, const char *token, store_screen *out)
{
	return one(s, store__query(s, SCREEN_COLS " WHERE s.token = ?", "t", token), out);
}

int store_screen_hello(store *s, const char *token, store_screen *out)
{
	char pairing[STORE_PAIRING_DIGITS + 1];
	int rc = by_token(s, token, out);

	/* A new screen gets a pairing code no other screen shows: a few
	 * draws among a million are enough. */
	for (int tries = 0; rc == STORE_NOT_FOUND && tries < 8; tries++) {
		long long taken = 0;
		if (store__random_digits(pairing, STORE_PAIRING_DIGITS) != STORE_OK)
			return STORE_ERR;
		if ((rc = store__int(s, &taken, "SELECT COUNT(*) FROM screen WHERE pairing = ?", "t",
		                     pairing)))
			return rc;
		if (taken) {
			rc = STORE_NOT_FOUND;
			continue;
		}
		if ((rc = store__exec(s,
		                      "INSERT INTO screen (token, pairing, created) VALUES"
		                      " (?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
		                      "tt", token, pairing)))
			return rc;
		rc = by_token(s, token, out);
	}
	return rc;
}

int store_screen_by_pairing(store *s, const char *pairing, store_screen *out)
{
	return one(s, store__query(s, SCREEN_COLS " WHERE s.pairing = ?", "t", pairing), out);
}

int store_screen_get(store *s, long long seminar_id, long long id, store_screen *out)
{
	return one(s,
	           store__query(s, SCREEN_COLS " WHERE s.id = ? AND s.seminar_id = ?", "ii", id,
	                        seminar_id),
	           out);
}

int store_screen_pair(store *s, long long id, long long seminar_id, long long activity_id,
                      const char *console)
{
	return store__exec(s,
	                   "UPDATE screen SET seminar_id = ?2, activity_id = ?3, console = ?4,"
	                   " follow = 1, mode = 'board', contribution_id = NULL, join_panel = 1,"
	                   " paired = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1",
	                   "iint", id, seminar_id, activity_id, console);
}

int store_screen_update(store *s, const store_screen *sc)
{
	const vocab_screen_row *mode = vocab_screen(sc->mode);

	if (!mode)
		return STORE_ERR;
	return store__exec(s,
	                   "UPDATE screen SET activity_id = ?2, follow = ?3, mode = ?4,"
	                   " contribution_id = ?5, join_panel = ?6, console = ?7 WHERE id = ?1",
	                   "initnit", sc->id, sc->activity_id, (long long)!!sc->follow, mode->name,
	                   sc->contribution_id, (long long)!!sc->join_panel,
	                   sc->console[0] ? sc->console : (const char *)NULL);
}

/* A list being read. */
struct list_read {
	store_screen *items;
	size_t n, cap;
};

static int list_row(void *ctx, sqlite3_stmt *st)
{
	struct list_read *r = ctx;

	if (r->n == r->cap) {
		size_t ncap = r->cap ? 2 * r->cap : 8;
		store_screen *items = realloc(r->items, ncap * sizeof *items);
		if (!items)
			return -1;
		r->items = items;
		r->cap = ncap;
	}
	read_row(st, &r->items[r->n++]);
	return 0;
}

int store_screen_list(store *s, long long seminar_id, store_screen **items, size_t *n)
{
	struct list_read r = {NULL, 0, 0};
	int rc = store__each(s,
	                     store__query(s, SCREEN_COLS " WHERE s.seminar_id = ? ORDER BY s.id", "i",
	                                  seminar_id),
	                     list_row, &r);

	*items = NULL;
	*n = 0;
	if (rc != STORE_OK) {
		free(r.items);
		return rc;
	}
	*items = r.items;
	*n = r.n;
	return STORE_OK;
}
