/*
 * store_keys.c — the keys table: who may act as a facilitator (of a whole
 * seminar, or of one activity), as the organiser of the server, or as a
 * steering committee recording decisions. A key is 256 random bits shown
 * once as 64 hex digits; the table keeps only its SHA-256 (nettle), so
 * a copy of the database gives no key away. 256 random bits need no slow
 * password hash: nothing can be guessed from the digest.
 *
 * Each key has a name, unique among the live keys of its scope (a
 * seminar, or the server for organisers' keys: the index key_name of
 * migration 9); revoking a key dates it and keeps its row, which the
 * events it made point to. A revoked key is looked up by the same
 * statement as any other and is not found, as a wrong key is not.
 *
 * Boundary: the key and seminar tables. Also gives the connection the SQL
 * function atelier_key_hash(text), which the migration that made this
 * table used on the keys seminars already had. Whether a key may do
 * something is the domain's decision (seminar.c), on the row it finds
 * here.
 */
#include "store_private.h"
#include "store_keys.h"

#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>

#define DIGEST 32

/* SHA-256 of key into out; 0. nettle keeps no global state: libcrypto's
 * first digest cost the server 2 MiB of memory (docs/BENCHMARKS.md). */
static int digest(const char *key, size_t len, unsigned char out[DIGEST])
{
	struct sha256_ctx c;
	sha256_init(&c);
	sha256_update(&c, len, (const uint8_t *)key);
	sha256_digest(&c, DIGEST, out);
	return 0;
}

static void sql_key_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	unsigned char d[DIGEST];
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	const char *key = (const char *)sqlite3_value_text(argv[0]);
	if (!key || digest(key, (size_t)sqlite3_value_bytes(argv[0]), d)) {
		sqlite3_result_error(ctx, "atelier_key_hash failed", -1);
		return;
	}
	sqlite3_result_blob(ctx, d, DIGEST, SQLITE_TRANSIENT);
}

int store__keys_register(store *s)
{
	return sqlite3_create_function(s->db, "atelier_key_hash", 1,
	                               SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
	                               NULL, sql_key_hash, NULL, NULL);
}

static const char *const kind_names[] = {
	[STORE_KEY_FACILITATOR] = "facilitator",
	[STORE_KEY_ORGANISER] = "organiser",
	[STORE_KEY_VALIDATION] = "validation",
};

#define NKINDS (sizeof kind_names / sizeof kind_names[0])

/* 1 when k is a kind of the table. */
static int known(store_key_kind k)
{
	return (unsigned)k < NKINDS;
}

const char *store_key_kind_name(store_key_kind k)
{
	return known(k) ? kind_names[k] : "?";
}

/* 1 when the two digests are equal; the time does not depend on where
 * they differ. */
static int same_digest(const unsigned char *a, const unsigned char *b)
{
	unsigned char diff = 0;
	for (size_t i = 0; i < DIGEST; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

int store_key_find(store *s, const char *key, store_key *out)
{
	unsigned char d[DIGEST];
	sqlite3_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if (!key || !*key)
		return STORE_NOT_FOUND;
	if (digest(key, strlen(key), d))
		return STORE_ERR;
	st = store__stmt(s, "SELECT id, kind, seminar_id, activity_id, hash FROM key"
	                    " WHERE hash = ? AND revoked IS NULL");
	if (!st)
		return STORE_ERR;
	sqlite3_bind_blob(st, 1, d, DIGEST, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 4) == DIGEST &&
	    same_digest(sqlite3_column_blob(st, 4), d)) {
		const char *kind = (const char *)sqlite3_column_text(st, 1);
		out->id = sqlite3_column_int64(st, 0);
		out->seminar_id = sqlite3_column_int64(st, 2);
		out->activity_id = sqlite3_column_int64(st, 3);
		for (size_t k = 0; k < NKINDS; k++)
			if (kind && strcmp(kind, kind_names[k]) == 0)
				out->kind = (store_key_kind)k;
		rc = STORE_OK;
	} else {
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_NOT_FOUND : store__fail(rc);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

int store_key_create(store *s, store_key_kind kind, long long seminar_id,
                     long long activity_id, const char *name, char *key_out, size_t key_len,
                     long long *id)
{
	char key[2 * STORE_KEY_BYTES + 1];
	long long other;
	int rc;

	if (key_len < sizeof key || !known(kind) || !name || !*name ||
	    strlen(name) > STORE_KEY_NAME_MAX)
		return STORE_ERR;
	rc = store__int(s, &other,
	                "SELECT id FROM key WHERE IFNULL(seminar_id, 0) = ? AND name = ?"
	                " AND revoked IS NULL",
	                "it", seminar_id, name);
	if (rc == STORE_OK)
		return STORE_KEY_NAME_TAKEN;
	if (rc != STORE_NOT_FOUND)
		return rc;
	if ((rc = store__random_hex(key, STORE_KEY_BYTES)) != STORE_OK)
		return rc;
	rc = store__exec(s,
	                 "INSERT INTO key (kind, seminar_id, activity_id, name, hash, created)"
	                 " VALUES (?, ?, ?, ?, atelier_key_hash(?),"
	                 " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
	                 "tnntt", kind_names[kind], seminar_id, activity_id, name, key);
	if (rc == STORE_OK && id)
		rc = store__int(s, id, "SELECT last_insert_rowid()", "");
	if (rc == STORE_OK)
		memcpy(key_out, key, sizeof key);
	memset(key, 0, sizeof key);
	return rc;
}

int store_key_revoke(store *s, store_key_kind kind, long long seminar_id, const char *name,
                     long long *id)
{
	long long row = 0;
	int rc;

	if (!known(kind) || !name)
		return STORE_ERR;
	rc = store__int(s, &row,
	                "UPDATE key SET revoked = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
	                " WHERE kind = ? AND IFNULL(seminar_id, 0) = ? AND name = ?"
	                " AND revoked IS NULL RETURNING id",
	                "tit", kind_names[kind], seminar_id, name);
	if (rc == STORE_OK && id)
		*id = row;
	return rc;
}

/* store__each's row: one key, without its text, to the caller's fn. */
struct list_ctx {
	store_key_fn fn;
	void *ctx;
};

static int list_row(void *ctx, sqlite3_stmt *st)
{
	struct list_ctx *l = ctx;
	store_key_row row = {
		sqlite3_column_int64(st, 0),
		(const char *)sqlite3_column_text(st, 1),
		(const char *)sqlite3_column_text(st, 2),
		(const char *)sqlite3_column_text(st, 3),
	};
	l->fn(l->ctx, &row);
	return 0;
}

int store_key_list(store *s, store_key_kind kind, long long seminar_id, store_key_fn fn,
                   void *ctx)
{
	struct list_ctx l = {fn, ctx};
	sqlite3_stmt *st;

	if (!known(kind))
		return STORE_ERR;
	st = store__query(s,
	                  "SELECT id, name, created, revoked FROM key"
	                  " WHERE kind = ? AND IFNULL(seminar_id, 0) = ? ORDER BY id",
	                  "ti", kind_names[kind], seminar_id);
	return store__each(s, st, list_row, &l);
}

int store_key_count(store *s, store_key_kind kind, long long *all, long long *live)
{
	long long n = 0;
	int rc;

	if (!known(kind))
		return STORE_ERR;
	rc = store__int(s, all, "SELECT COUNT(*) FROM key WHERE kind = ?", "t", kind_names[kind]);
	if (rc == STORE_OK && live)
		rc = store__int(s, &n, "SELECT COUNT(*) FROM key WHERE kind = ? AND revoked IS NULL",
		                "t", kind_names[kind]);
	if (rc == STORE_OK && live)
		*live = n;
	return rc;
}

int store_key_name(store *s, long long id, char *out, size_t len)
{
	sqlite3_stmt *st = store__query(s, "SELECT name FROM key WHERE id = ?", "i", id);
	int rc;

	if (!st)
		return store__fail(sqlite3_errcode(s->db));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		snprintf(out, len, "%s", name ? name : "");
		rc = STORE_OK;
	} else {
		rc = rc == SQLITE_DONE ? STORE_NOT_FOUND : store__fail(rc);
	}
	sqlite3_reset(st);
	return rc;
}

int store_check_key(store *s, const char *code, const char *key)
{
	long long sid = 0;
	store_key k;
	int rc;

	if (!s || !code || !key || !*key)
		return 0;
	rc = store__int(s, &sid, "SELECT id FROM seminar WHERE code = ?", "t", code);
	if (rc == STORE_NOT_FOUND)
		return 0;
	if (rc == STORE_OK)
		rc = store_key_find(s, key, &k);
	if (rc == STORE_NOT_FOUND)
		return 0;
	if (rc != STORE_OK)
		return rc;
	return k.kind == STORE_KEY_FACILITATOR && k.seminar_id == sid && !k.activity_id;
}
