/*
 * store.c — the database connection: opening (pragmas, then the
 * migrations of store_schema.c), the prepared-statement cache, binding
 * helpers, error mapping, transactions and savepoints.
 *
 * Boundary: owns the sqlite3 handle and every prepared statement, which
 * the other store files borrow through store__stmt(). It knows no table:
 * schema, import, domain rows and the synthesis live in their own
 * store_*.c files. It must not send anything nor decide domain rules.
 */
#include "store_private.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"

#define BUSY_TIMEOUT_MS 5000

struct store_cached {
	const char *sql; /* cache key: the address of the SQL text */
	sqlite3_stmt *stmt;
};

/* ===== Errors ===== */

int store__code(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return STORE_OK;
	case SQLITE_READONLY:
		return STORE_READONLY;
	case SQLITE_FULL:
		return STORE_FULL;
	case SQLITE_IOERR:
		return STORE_IOERR;
	default:
		return STORE_ERR;
	}
}

int store__fail(int rc)
{
	int code = store__code(rc);
	return code == STORE_OK ? STORE_ERR : code;
}

/* Appends text to out[*n], never past len - 1. */
static void put(char *out, size_t len, size_t *n, const char *text)
{
	for (; text && *text && *n + 1 < len; text++)
		out[(*n)++] = *text;
}

void store__say(const i18n_cat *cat, char *err, size_t err_len, const char *key, const char *file,
                const char *detail)
{
	i18n_cat *own = NULL;
	const char *t;
	size_t n = 0;

	if (!err || err_len == 0)
		return;
	if (!(cat = i18n_or_french(cat, &own))) {
		snprintf(err, err_len, "%s: %s", file ? file : "", detail ? detail : "");
		return;
	}
	t = i18n(key, cat);
	while (*t && n + 1 < err_len) {
		if (strncmp(t, "{file}", 6) == 0) {
			put(err, err_len, &n, file);
			t += 6;
		} else if (strncmp(t, "{detail}", 8) == 0) {
			put(err, err_len, &n, detail);
			t += 8;
		} else {
			err[n++] = *t++;
		}
	}
	err[n] = '\0';
	i18n_free(own);
}

const char *store_errmsg(store *s)
{
	return s && s->db ? sqlite3_errmsg(s->db) : "no database";
}

/* Writes the sentence for an SQLite failure at open time and
 * returns the store code. */
static int open_failure(store *s, int rc, char *err, size_t err_len)
{
	int code = store__code(rc);
	const char *key = "store.err.sqlite";

	if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
		key = "store.err.notadb";
	else if (code == STORE_READONLY)
		key = "store.err.readonly";
	else if (code == STORE_FULL)
		key = "store.err.full";
	else if ((rc & 0xff) == SQLITE_CANTOPEN)
		key = "store.err.cantopen";
	store__say(s->cat, err, err_len, key, s->path,
	           s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
	return code;
}

/* ===== Prepared statements ===== */

sqlite3_stmt *store__stmt(store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;

	for (size_t i = 0; i < s->ncache; i++) {
		if (s->cache[i].sql == sql) {
			st = s->cache[i].stmt;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
	}
	if (s->ncache == s->capcache) {
		size_t cap = s->capcache ? 2 * s->capcache : 32;
		struct store_cached *c = realloc(s->cache, cap * sizeof *c);
		if (!c)
			return NULL;
		s->cache = c;
		s->capcache = cap;
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
	                       NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return NULL;
	}
	s->cache[s->ncache].sql = sql;
	s->cache[s->ncache].stmt = st;
	s->ncache++;
	return st;
}

static int bind_all(sqlite3_stmt *st, const char *types, va_list ap)
{
	int rc = SQLITE_OK;

	for (int i = 1; types && *types && rc == SQLITE_OK; types++, i++) {
		if (*types == 'i') {
			rc = sqlite3_bind_int64(st, i, va_arg(ap, long long));
		} else if (*types == 'n') {
			long long v = va_arg(ap, long long);
			rc = v > 0 ? sqlite3_bind_int64(st, i, v) : sqlite3_bind_null(st, i);
		} else if (*types == 't') {
			const char *v = va_arg(ap, const char *);
			rc = v ? sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT)
			       : sqlite3_bind_null(st, i);
		} else {
			rc = SQLITE_MISUSE;
		}
	}
	return rc;
}

static sqlite3_stmt *query_va(store *s, const char *sql, const char *types,
                              va_list ap)
{
	sqlite3_stmt *st = store__stmt(s, sql);

	if (st && bind_all(st, types, ap) != SQLITE_OK) {
		sqlite3_reset(st);
		return NULL;
	}
	return st;
}

sqlite3_stmt *store__query(store *s, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	sqlite3_stmt *st = query_va(s, sql, types, ap);
	va_end(ap);
	return st;
}

/* Runs a bound statement: to completion when out is NULL, else reads the
 * first column of its first row into *out (STORE_NOT_FOUND: no row). */
static int run_va(store *s, long long *out, const char *sql, const char *types, va_list ap)
{
	sqlite3_stmt *st = query_va(s, sql, types, ap);
	int rc;

	if (!st)
		return store__fail(sqlite3_errcode(s->db));
	rc = sqlite3_step(st);
	while (!out && rc == SQLITE_ROW)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW || (!out && rc == SQLITE_DONE))
		return STORE_OK;
	return out && rc == SQLITE_DONE ? STORE_NOT_FOUND : store__fail(rc);
}

int store__exec(store *s, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	int rc = run_va(s, NULL, sql, types, ap);
	va_end(ap);
	return rc;
}

int store__int(store *s, long long *out, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	int rc = run_va(s, out, sql, types, ap);
	va_end(ap);
	return rc;
}

int store__each(store *s, sqlite3_stmt *st, store__row_fn row, void *ctx)
{
	int rc;

	if (!st)
		return store__fail(sqlite3_errcode(s->db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (row(ctx, st)) {
			rc = SQLITE_NOMEM;
			break;
		}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : store__fail(rc);
}

/* ===== Opening and closing ===== */

static int is_memory(const char *path)
{
	return path[0] == '\0' || strcmp(path, ":memory:") == 0;
}

/* sqlite3_trace_v2's callback: one more statement run. A trigger's
 * program is reported as its own "statement" (its text begins with "--");
 * the schema has none. */
static int count_statement(unsigned type, void *ctx, void *stmt, void *sql)
{
	(void)type;
	(void)stmt;
	(void)sql;
	((store *)ctx)->statements++;
	return 0;
}

long long store_statements(store *s)
{
	return s ? s->statements : 0;
}

int store_version(store *s, long long *out)
{
	long long v = 0;
	int rc = store__int(s, &v, "PRAGMA data_version", "");

	if (rc != STORE_OK)
		return rc;
	if (v != s->data_version) {
		s->data_version = v;
		s->version++;
	}
	*out = s->version;
	return STORE_OK;
}

void store__forget(store *s)
{
	if (s)
		s->version++;
}

/* Runs one pragma to completion; its result rows, if any, are ignored
 * (journal_mode answers "memory" for an in-memory database, or the mode a
 * file system allows). */
static int pragma(store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

	while (rc == SQLITE_OK || rc == SQLITE_ROW)
		rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int store_open(const char *path, const i18n_cat *cat, store **out, char *err, size_t err_len)
{
	store *s = NULL;
	int rc, code = STORE_ERR;

	*out = NULL;
	if (err && err_len)
		err[0] = '\0';
	if (!path)
		path = ":memory:";
	s = calloc(1, sizeof *s);
	if (!s || !(s->path = strdup(path))) {
		free(s);
		store__say(cat, err, err_len, "store.err.sqlite", path, "out of memory");
		return STORE_ERR;
	}
	s->cat = cat;
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	                     NULL);
	if (rc != SQLITE_OK)
		goto fail;
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	if (sqlite3_db_readonly(s->db, "main") == 1) {
		rc = SQLITE_READONLY;
		goto fail;
	}
	/* The first read of the file: a file that is not a database fails
	 * here with SQLITE_NOTADB. */
	if ((rc = pragma(s, "PRAGMA foreign_keys = ON")) != SQLITE_OK ||
	    (rc = pragma(s, "PRAGMA schema_version")) != SQLITE_OK)
		goto fail;
	/* Every statement run on the connection is counted (store_statements):
	 * the tests hold the live path to its budget with it. */
	sqlite3_trace_v2(s->db, SQLITE_TRACE_STMT, count_statement, s);
	if (!is_memory(path) &&
	    ((rc = pragma(s, "PRAGMA journal_mode = WAL")) != SQLITE_OK ||
	     (rc = pragma(s, "PRAGMA synchronous = FULL")) != SQLITE_OK))
		goto fail;
	if ((rc = store__keys_register(s)) != SQLITE_OK)
		goto fail;
	code = store__migrate(s, err, err_len);
	if (code != STORE_OK)
		goto done;
	*out = s;
	return STORE_OK;
fail:
	code = open_failure(s, rc, err, err_len);
done:
	store_close(s);
	return code;
}

void store_close(store *s)
{
	if (!s)
		return;
	if (s->db && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	for (size_t i = 0; i < s->ncache; i++)
		sqlite3_finalize(s->cache[i].stmt);
	free(s->cache);
	sqlite3_close(s->db);
	free(s->path);
	free(s);
}

int store_autocheckpoint(store *s, int pages)
{
	int rc = sqlite3_wal_autocheckpoint(s->db, pages);
	return rc == SQLITE_OK ? STORE_OK : store__fail(rc);
}

int store_checkpoint(store *s)
{
	int rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return rc == SQLITE_OK ? STORE_OK : store__fail(rc);
}

int store_schema_version(store *s)
{
	long long v = 0;
	if (!s || store__int(s, &v, "PRAGMA user_version", "") != STORE_OK)
		return -1;
	return (int)v;
}

/* ===== Transactions and savepoints ===== */

/* 1 while SQLite holds a transaction open on the connection. */
static int sqlite_tx_open(store *s)
{
	return s && s->db && !sqlite3_get_autocommit(s->db);
}

int store_tx_active(store *s)
{
	return s && (s->tx || sqlite_tx_open(s));
}

int store_tx_begin(store *s)
{
	int rc;

	if (sqlite_tx_open(s))
		return STORE_OK;
	if (s->tx) /* SQLite rolled this turn back after a disk error */
		return STORE_IOERR;
	rc = store__exec(s, "BEGIN IMMEDIATE", "");
	s->tx = rc == STORE_OK;
	return rc;
}

int store_read_begin(store *s)
{
	return store__exec(s, "BEGIN", "");
}

void store_read_end(store *s)
{
	if (sqlite_tx_open(s) && !s->tx)
		store__exec(s, "COMMIT", "");
}

int store_tx_commit(store *s)
{
	int rc;

	if (!store_tx_active(s))
		return STORE_OK;
	if (!sqlite_tx_open(s)) {
		s->tx = 0;
		store__forget(s);
		return STORE_IOERR; /* rolled back by SQLite: nothing was saved */
	}
	rc = store__exec(s, "COMMIT", "");
	if (rc != STORE_OK) {
		if (sqlite_tx_open(s))
			store__exec(s, "ROLLBACK", "");
		store__forget(s);
	}
	s->tx = 0;
	return rc;
}

void store_tx_rollback(store *s)
{
	if (sqlite_tx_open(s))
		store__exec(s, "ROLLBACK", "");
	if (s)
		s->tx = 0;
	store__forget(s);
}

int store_savepoint(store *s)
{
	return store__exec(s, "SAVEPOINT msg", "");
}

int store_savepoint_release(store *s)
{
	return store__exec(s, "RELEASE msg", "");
}

void store_savepoint_rollback(store *s)
{
	/* After a disk-full or I/O error SQLite may already have rolled the
	 * whole transaction back; then there is no savepoint left to undo. */
	if (store__exec(s, "ROLLBACK TO msg", "") == STORE_OK)
		store__exec(s, "RELEASE msg", "");
	else
		store__forget(s); /* the whole transaction went */
	/* Otherwise what was read stays good: only a watch builds a snapshot,
	 * and a watch emits no event, so undoing one message never gives a
	 * sequence number read since to other content. */
}
