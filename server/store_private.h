/*
 * store_private.h — what the store's own files (server/store*.c) share.
 * This file is private to the store: no other module includes it, since it
 * brings sqlite3.h with it.
 *
 * The store caches its prepared statements: store__stmt() keys the cache
 * by the address of the SQL text, so callers pass string literals (or
 * other text of static storage duration), never a built buffer.
 */
#ifndef ATELIER_STORE_PRIVATE_H
#define ATELIER_STORE_PRIVATE_H

#include <stddef.h>
#include <sqlite3.h>

#include "store.h"
#include "store_domain.h"

/* The store's connection, one per opened database (store_open). */
struct store {
	sqlite3 *db;
	char *path;               /* as given to store_open, for messages */
	const i18n_cat *cat;      /* the sentences' catalogue (NULL: French) */
	struct store_cached *cache; /* prepared statements, by SQL address */
	size_t ncache, capcache;
	int tx;                   /* store_tx_begin opened the turn's transaction */
	long long statements;     /* statements run (sqlite3_trace_v2): store_statements */
	/* store_version: moves at every rollback (a sequence number may then
	 * be given again to other content) and when SQLite's data_version
	 * says another connection committed (an `atelier import` beside the
	 * server), which may change what a snapshot shows without moving a
	 * sequence number. */
	long long version;
	long long data_version;   /* PRAGMA data_version when last read */
};

/* Moves store_version (store.c calls it at rollbacks). */
void store__forget(store *s);

/* Statement for sql (static text), prepared once then reset, with its
 * bindings cleared. NULL on error (store_errmsg() says why). */
sqlite3_stmt *store__stmt(store *s, const char *sql);

/* Bindings are described by a string, one letter per parameter:
 *   'i' long long;  'n' long long, bound as NULL when <= 0 (optional ids);
 *   't' const char *, bound as NULL when NULL.
 * Arguments must have exactly these types (cast integers to long long). */

/* Prepares (from the cache) and binds sql. Caller steps it, then calls
 * sqlite3_reset(). NULL on error. */
sqlite3_stmt *store__query(store *s, const char *sql, const char *types, ...);

/* Runs sql to completion. Returns STORE_OK or the mapped error. */
int store__exec(store *s, const char *sql, const char *types, ...);

/* Runs sql and reads the first column of its first row as an integer.
 * STORE_NOT_FOUND when there is no row. */
int store__int(store *s, long long *out /* OUT */, const char *sql,
               const char *types, ...);

/* Steps st (from store__query, may be NULL after a failed prepare) to its
 * end, calling row(ctx, st) on each row; a row that returns nonzero ends
 * the walk (out of memory: STORE_ERR). Resets st. Returns STORE_OK or the
 * mapped error. */
typedef int (*store__row_fn)(void *ctx, sqlite3_stmt *st);
int store__each(store *s, sqlite3_stmt *st, store__row_fn row, void *ctx);

/* Maps an SQLite result code to STORE_OK, STORE_READONLY, STORE_FULL or
 * STORE_ERR. store__fail() is for a step that did not end as expected:
 * never STORE_OK (a stray SQLITE_ROW or SQLITE_OK becomes STORE_ERR). */
int store__code(int rc);
int store__fail(int rc);

/* Copies the sentence of catalogue key (cat's; NULL: French) into
 * err[err_len], replacing "{file}" by file and "{detail}" by detail
 * (NULL = ""). */
void store__say(const i18n_cat *cat, char *err, size_t err_len, const char *key, const char *file,
                const char *detail);

/* Schema migrations (store_schema.c). Brings the database up to the
 * binary's version; refuses a newer database. err as for store_open. */
int store__migrate(store *s, char *err, size_t err_len);
int store__schema_latest(void);

/* Gives the connection the SQL function atelier_key_hash(text), the
 * digest the key table keeps (store_keys.c). An SQLite result code. */
int store__keys_register(store *s);

/* Random identifiers (store_random.c). store__random_hex writes 2*nbytes
 * hex digits and a NUL into out (size >= 2*nbytes+1); store__random_code
 * writes len characters of the join-code alphabet and a NUL. */
int store__random_hex(char *out, size_t nbytes);
int store__random_code(char *out, size_t len);
/* len decimal digits and a NUL (a screen's pairing code). */
int store__random_digits(char *out, size_t len);

/* The condition that their activity and board are in the programme (not
 * archived), for a WHERE clause over those tables. */
#define STORE__LIVE " a.archived IS NULL AND b.archived IS NULL"

/* ===== Memory of the objects the store returns (store_read.c) =====
 * An object the store hands out (a seminar, a list) owns one arena of
 * blocks that never move: its parts and strings, freed at once. A failed
 * allocation is remembered (store__mem_failed) so that a reader checks
 * once, at the end. */
struct store_mem;
struct store_mem *store__mem_new(void);
void store__mem_free(struct store_mem *m); /* NULL is a no-op */
/* n bytes, zeroed and aligned for any object; NULL when out of memory. */
void *store__alloc(struct store_mem *m, size_t n);
/* A copy of text, or NULL for NULL (or out of memory). */
const char *store__strdup(struct store_mem *m, const char *text);
/* Column col of st's row as a copied string; NULL for SQL NULL. */
const char *store__column(struct store_mem *m, sqlite3_stmt *st, int col);
int store__mem_failed(const struct store_mem *m);

/* The columns store__read_contribution reads, from column `at` on, over
 * contribution c, board b, activity a. */
#define STORE__INFO_COLS \
	"c.id, c.participant_id, a.id, a.slug, b.slug, c.parent_id, c.position, c.text," \
	" c.author, c.state, a.state," \
	" (SELECT COUNT(*) FROM vote v WHERE v.contribution_id = c.id), c.created, c.edited," \
	" c.original"
/* Appends the contribution of st's current row (STORE__INFO_COLS from
 * column at) to list (*list NULL: a new one). */
int store__read_contribution(store_contributions **list, sqlite3_stmt *st, int at);

#endif
