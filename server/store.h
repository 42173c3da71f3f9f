/*
 * store.h — the SQLite database: schema and numbered migrations, prepared
 * statements, transactions. The only module that includes sqlite3.h.
 *
 * Boundary: rows in, C structs out, what a second backend would implement:
 * no SQLite type and no JSON in its interface. The live path reads and
 * writes through store_domain.h's structs; a seminar's definition comes in
 * as defn.h's structs, its synthesis goes out as store_synthesis.h's.
 * Domain rules (who may post where, vote budgets) live in seminar.c.
 * Network code only opens, closes and drives transactions through the
 * functions below.
 */
#ifndef ATELIER_STORE_H
#define ATELIER_STORE_H

#include <stddef.h>
#include "i18n.h"

typedef struct store store;
typedef struct defn_seminar defn_seminar; /* defn.h */

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

/* Statements run on this connection since it was opened, every kind
 * (BEGIN, SAVEPOINT, reads, writes), counted with sqlite3_trace_v2: the
 * tests hold the live path to its budget with it. */
long long store_statements(store *s);

/* A number that moves whenever what the store holds may have changed
 * without a new event of a seminar: a rollback (a sequence number may then
 * be given again to other content), or a commit by another connection (an
 * `atelier import` beside the server). What is built from the store and
 * kept (a snapshot) is good while the sequence number and this number stay
 * the same. One statement. */
int store_version(store *s, long long *out /* OUT */);

/* ===== The write-ahead log =====
 * A commit appends to the log (WAL); a checkpoint copies the log into the
 * database file and syncs it. By default the connection that commits
 * checkpoints once the log holds 1000 pages, and then after every commit
 * for as long as a reader on another connection keeps the log from
 * starting over. The server's loop leaves that to the export worker's
 * connection (worker.h): store_autocheckpoint(s, 0) on the loop's,
 * store_checkpoint() now and then on the worker's. */

/* Checkpoints after a commit that leaves pages or more in the log; 0:
 * never. A connection starts with STORE_AUTOCHECKPOINT. */
#define STORE_AUTOCHECKPOINT 1000 /* SQLite's default */
int store_autocheckpoint(store *s, int pages);

/* Copies into the database file what the log holds and no reader still
 * needs, without waiting for any reader or writer (SQLite's PASSIVE
 * checkpoint). 0, or a negative code. */
int store_checkpoint(store *s);

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
/* A connection that only reads (a worker's) reads several things as of one
 * point: store_read_begin() (BEGIN, which takes no lock until the first
 * read, and never the write lock), then store_read_end(). */
int store_read_begin(store *s);
void store_read_end(store *s); /* no-op when none is open */
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
	int seminar_changed;  /* its title, date, venue, description, code or
	                       * stakeholder groups */
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

/* Imports a seminar definition (borrowed), made by defn.c from a
 * validated and normalized document (defn_load, defn_new). Inserts or
 * updates by the definition's "id" in one transaction: importing the same
 * file twice changes nothing; a changed file makes the programme the
 * file's (docs/SESSIONS.md, "Importing again"): what changed is updated,
 * what is new added, what the file no longer holds archived (kept with
 * its contributions, out of the programme), what comes back brought back,
 * positions rewritten in the file's order. Generates the join code (if
 * the definition has none) and the facilitator key on first import.
 * Records the digest of the definition; with STORE_IMPORT_IF_CHANGED, a
 * definition with the digest recorded for its seminar is not imported
 * again (report->unchanged), so that an edit made in the database since
 * survives. On success fills *report (may be NULL) with the join code and
 * what changed. On failure nothing is changed, *report is zeroed and err
 * says why. */
int store_import(store *s, const defn_seminar *d, int flags,
                 store_import_report *report /* OUT */, char *err, size_t err_len);

/* Calls fn once per seminar, ordered by date then title. */
typedef void (*store_seminar_fn)(void *ctx, const char *code, const char *title,
                                 const char *date, const char *key);
int store_list_seminars(store *s, store_seminar_fn fn, void *ctx);

/* 1 if key is a facilitator key of the whole seminar with this join code
 * (store_keys.h; compared in constant time), 0 if it is not (or no such
 * seminar), or a negative store code when the database could not be read:
 * a storage fault is never taken for a wrong key. */
int store_check_key(store *s, const char *code, const char *key);

#endif
