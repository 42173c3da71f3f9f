/*
 * store.h — the SQLite database: schema and numbered migrations, prepared
 * statements, transactions. The only module that includes sqlite3.h.
 *
 * Boundary: rows in, rows (or jansson documents) out. Domain rules (who may
 * post where, vote budgets) live in seminar.c, which calls the functions
 * declared in store_domain.h. Network code only opens, closes and drives
 * transactions through the functions below.
 */
#ifndef ATELIER_STORE_H
#define ATELIER_STORE_H

#include <stddef.h>
#include <jansson.h>
#include "i18n.h"

typedef struct store store;

/* Store results: 0 on success, negative on failure. */
#define STORE_OK 0
#define STORE_ERR -1          /* SQLite error; store_errmsg() says which */
#define STORE_NOT_FOUND -2
#define STORE_READONLY -3     /* the database file cannot be written */
#define STORE_FULL -4         /* disk full */
#define STORE_IOERR -5        /* the disk failed to read, write or sync */

/* Opens (creating if needed) the database at path (":memory:" for tests),
 * sets WAL, foreign keys, busy timeout, and runs the pending migrations.
 * On failure returns a negative code, *out is NULL and a sentence naming
 * the file and the cause is written into err[err_len]. The store's
 * sentences (here and in store_import) come from cat, borrowed for the
 * store's life; NULL: French. */
int store_open(const char *path, const i18n_cat *cat, store **out, char *err, size_t err_len);

/* Closes the database; NULL is a no-op. Rolls back an open transaction. */
void store_close(store *s);

/* Last SQLite error text, for logs. */
const char *store_errmsg(store *s);

/* Schema version after migrations (number of the last migration run). */
int store_schema_version(store *s);

/* ===== Transactions =====
 * The network layer groups every write of one event-loop turn into one
 * transaction: store_tx_begin() (BEGIN IMMEDIATE, no-op when one is
 * already open), then store_tx_commit() once per turn. Each message runs
 * inside a savepoint so a failed message does not undo the others.
 * After a disk error SQLite may roll the whole transaction back by itself
 * in the middle of a turn: the turn is then lost as a whole. Until it
 * ends, store_tx_active() stays 1, store_tx_begin() refuses with
 * STORE_IOERR (rather than open a second transaction that would commit the
 * end of the turn without its beginning), and store_tx_commit() returns
 * STORE_IOERR. After store_tx_commit() or store_tx_rollback() no
 * transaction is open, whatever they return. */
int store_tx_begin(store *s);
int store_tx_commit(store *s);   /* no-op when none is open */
void store_tx_rollback(store *s); /* no-op when none is open */
int store_tx_active(store *s);
int store_savepoint(store *s);
int store_savepoint_release(store *s);
void store_savepoint_rollback(store *s);

/* ===== Seminars ===== */

/* What an import changed, counted by kind of row. */
typedef struct store_import_counts {
	int added;    /* new */
	int changed;  /* in the programme before and after, something of it changed */
	int archived; /* taken out of the programme */
	int restored; /* archived before, back in the programme */
} store_import_counts;

/* What store_import did, for the command line to say. */
typedef struct store_import_report {
	char code[16];        /* the seminar's join code */
	int unchanged;        /* STORE_IMPORT_IF_CHANGED and the definition of the
	                       * last import: nothing was done */
	int created;          /* a new seminar */
	int seminar_changed;  /* its title, date, venue, description or code */
	int reordered;        /* activities kept in the programme changed order */
	store_import_counts activities; /* an activity whose boards changed
	                                 * counts as changed */
	store_import_counts boards;     /* of the activities that were and stay
	                                 * in the programme */
	char archived[256];   /* ids of the archived activities, ", " between
	                       * them, ending with "…" when they do not fit */
	char restored[256];   /* the same for those brought back */
} store_import_report;

/* Flags of store_import. */
#define STORE_IMPORT_IF_CHANGED 1 /* pass over a definition identical to the
                                   * one the seminar was last imported from */

/* Imports a seminar definition already validated and normalized by
 * defn_validate() (borrowed). Inserts or updates by the definition's "id"
 * in one transaction: importing the same file twice changes nothing; a
 * changed file makes the programme the file's (docs/SESSIONS.md,
 * "Importing again"): what changed is updated, what is new added, what
 * the file no longer holds archived (kept with its contributions, out of
 * the programme), what comes back brought back, positions rewritten in
 * the file's order. Generates the join code (if the definition has none)
 * and the facilitator key on first import. Records the digest of the
 * definition; with STORE_IMPORT_IF_CHANGED, a definition with the digest
 * recorded for its seminar is not imported again (report->unchanged), so
 * that an edit made in the database since survives. On success fills
 * *report (may be NULL) with the join code and what changed. On failure
 * nothing is changed, *report is zeroed and err says why. */
int store_import(store *s, json_t *defn, int flags, store_import_report *report /* OUT */,
                 char *err, size_t err_len);

/* Calls fn once per seminar, ordered by date then title. */
typedef void (*store_seminar_fn)(void *ctx, const char *code, const char *title,
                                 const char *date, const char *key);
int store_list_seminars(store *s, store_seminar_fn fn, void *ctx);

/* 1 if key is a facilitator key of the whole seminar with this join code
 * (store_keys.h; compared in constant time), 0 if it is not (or no such
 * seminar), or a negative store code when the database could not be read:
 * a storage fault is never taken for a wrong key. */
int store_check_key(store *s, const char *code, const char *key);

/* The complete synthesis document of a seminar (the JSON export format,
 * see docs/EXPORTS.md). Returns STORE_NOT_FOUND for an unknown code. The
 * caller owns *out. */
int store_dump(store *s, const char *code, json_t **out);

#endif
