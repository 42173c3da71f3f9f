/*
 * dur_store_fault.c — the store's way out of a failed write. A test VFS
 * wraps SQLite's default one and, on demand, makes writes fail with
 * SQLITE_FULL or syncs with SQLITE_IOERR_FSYNC, as a full or failing disk
 * does. The messages of one event-loop turn go through the core's turn
 * (server/turn.h, driven by tests/support/turnh.c as the server drives
 * it): commit, and on failure roll back and answer every write with
 * `storage`; the replies are read as the client gets them.
 *
 * What must hold: a failed commit leaves no transaction open; the next
 * turn works ("cannot start a transaction within a transaction" never
 * happens); what failed was not saved and, sent again with the same id, is
 * saved once; and a turn whose transaction SQLite rolled back by itself in
 * the middle (an I/O error while spilling the page cache) is not reported
 * as committed. Boundary: store.h and turn.h on a scratch file; the file
 * is read back with sqlite3 directly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "proc.h"
#include "proto.h"
#include "seminar.h"
#include "store.h"
#include "turnh.h"
#include "unit_fixture.h"

/* ===== A VFS that fails on demand ===== */

enum fault { FAULT_NONE, FAULT_WRITE_FULL, FAULT_WRITE_IOERR, FAULT_SYNC };

static enum fault fault;
static int faults_hit; /* how many calls the fault refused */
static sqlite3_vfs *real_vfs;
static sqlite3_vfs faulty_vfs;

struct ffile {
	sqlite3_file base;
	sqlite3_file *real; /* right after this struct, real_vfs->szOsFile bytes */
};

#define REAL(f) (((struct ffile *)(f))->real)

static int f_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int f_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int f_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	if (fault == FAULT_WRITE_FULL || fault == FAULT_WRITE_IOERR) {
		faults_hit++;
		return fault == FAULT_WRITE_FULL ? SQLITE_FULL : SQLITE_IOERR_WRITE;
	}
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int f_sync(sqlite3_file *f, int flags)
{
	if (fault == FAULT_SYNC) {
		faults_hit++;
		return SQLITE_IOERR_FSYNC;
	}
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int f_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int f_lock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xLock(REAL(f), level);
}

static int f_unlock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), level);
}

static int f_check(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int f_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int f_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int f_caps(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int f_shm_map(sqlite3_file *f, int page, int size, int extend, void volatile **out)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), page, size, extend, out);
}

static int f_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void f_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int f_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

/* Version 2: no memory-mapped I/O, so every write goes through f_write. */
static const sqlite3_io_methods faulty_methods = {
	2,        f_close,   f_read,       f_write,   f_truncate,    f_sync,
	f_size,   f_lock,    f_unlock,     f_check,   f_control,     f_sector,
	f_caps,   f_shm_map, f_shm_lock,   f_shm_barrier, f_shm_unmap, NULL,
	NULL,
};

static int f_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
                  int *out_flags)
{
	struct ffile *ff = (struct ffile *)file;
	(void)vfs;
	ff->real = (sqlite3_file *)(ff + 1);
	int rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out_flags);
	ff->base.pMethods = ff->real->pMethods ? &faulty_methods : NULL;
	return rc;
}

/* Makes the faulty VFS the default, wrapping the one SQLite had. */
static int register_faulty_vfs(void **state)
{
	(void)state;
	if (real_vfs)
		return 0;
	real_vfs = sqlite3_vfs_find(NULL);
	if (!real_vfs)
		return -1;
	faulty_vfs = *real_vfs;
	faulty_vfs.zName = "faulty";
	faulty_vfs.szOsFile = (int)sizeof(struct ffile) + real_vfs->szOsFile;
	faulty_vfs.xOpen = f_open;
	faulty_vfs.pNext = NULL;
	return sqlite3_vfs_register(&faulty_vfs, 1) == SQLITE_OK ? 0 : -1;
}

/* ===== A store on a scratch file, driven turn by turn ===== */

struct scratch {
	char dir[1024];
	char db[1100];
	store *st;
	char code[32];
	char key[160];
	turnh *h;       /* the core's turn, as the server drives it */
	turn_client *c; /* one phone, also the facilitator */
};

static void take_code(void *ctx, const char *code, const char *title, const char *date,
                      const char *key)
{
	struct scratch *s = ctx;
	(void)title;
	(void)date;
	snprintf(s->code, sizeof s->code, "%s", code);
	snprintf(s->key, sizeof s->key, "%s", key ? key : "");
}

/* Gives one message to the turn (printf-style text); its reply comes at
 * the end of the turn. */
static void send(struct scratch *s, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	assert_int_equal(turnh_send(s->h, s->c, text), 0);
}

/* Ends the turn as the server does; returns the replies of the turn, in
 * order (caller owns them). */
static json_t *end_turn(struct scratch *s)
{
	turnh_end(s->h);
	return turnh_replies(s->h, s->c);
}

/* A post of text with message id id, in its own turn; returns the
 * contribution id, or 0 when it was answered with an error (the turn's
 * or its own). */
static long long post_turn(struct scratch *s, const char *id, const char *text)
{
	send(s,
	     "{\"type\":\"post\",\"id\":\"%s\",\"activity\":\"axe-1\","
	     "\"board\":\"abandonner\",\"text\":\"%s\"}",
	     id, text);
	json_t *all = end_turn(s);
	assert_int_equal(json_array_size(all), 1);
	json_t *r = json_array_get(all, 0);
	long long cid = fx_error(r) ? 0 : json_integer_value(json_object_get(
	                                         json_object_get(r, "contribution"), "id"));
	json_decref(all);
	return cid;
}

/* Contributions with this text in the file, read by another connection. */
static int count_rows(struct scratch *s, const char *text)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	int n = -1;
	if (sqlite3_open_v2(s->db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, "SELECT COUNT(*) FROM contribution WHERE text = ?", -1, &st,
	                       NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return n;
}

static int scratch_setup(void **state)
{
	char err[512];
	struct scratch *s = calloc(1, sizeof *s);
	json_t *d = fx_definition();
	*state = s;
	fault = FAULT_NONE;
	if (!s || !d || proc_mkdtemp(s->dir, sizeof s->dir))
		return -1;
	snprintf(s->db, sizeof s->db, "%s/atelier.db", s->dir);
	if (store_open(s->db, NULL, &s->st, err, sizeof err) ||
	    fx_import_code(s->st, d, s->code, sizeof s->code, err, sizeof err) ||
	    store_list_seminars(s->st, take_code, s) || !(s->h = turnh_new(s->st)) ||
	    !(s->c = turnh_client(s->h))) {
		print_error("%s\n", err);
		json_decref(d);
		return -1;
	}
	json_decref(d);
	return 0;
}

static int scratch_teardown(void **state)
{
	struct scratch *s = *state;
	fault = FAULT_NONE;
	sqlite3_soft_heap_limit64(0);
	if (s) {
		turnh_free(s->h);
		store_close(s->st);
		proc_rmtree(s->dir[0] ? s->dir : NULL);
		free(s);
	}
	return 0;
}

/* Opens activity axe-1 with the facilitator key and joins, in one turn. */
static void join_and_open(struct scratch *s)
{
	send(s,
	     "{\"type\":\"set_state\",\"id\":\"s\",\"code\":\"%s\",\"key\":\"%s\","
	     "\"activity\":\"axe-1\",\"state\":\"open\"}",
	     s->code, s->key);
	send(s, "{\"type\":\"join\",\"id\":\"j\",\"code\":\"%s\"}", s->code);
	json_t *all = end_turn(s);
	assert_int_equal(json_array_size(all), 2);
	assert_null(fx_error(json_array_get(all, 0)));
	assert_null(fx_error(json_array_get(all, 1)));
	json_decref(all);
}

/* ===== Tests ===== */

/* The turn's commit fails (disk full, or fsync fails): nothing of it is
 * saved, no transaction stays open, the next turns work, and the failed
 * post sent again is saved once. */
static void commit_fails_then_recovers(void **state, enum fault kind)
{
	struct scratch *s = *state;
	join_and_open(s);

	fault = kind;
	faults_hit = 0;
	assert_int_equal(post_turn(s, "p-1", "Perdue puis renvoyée"), 0);
	assert_true(faults_hit > 0);
	assert_false(store_tx_active(s->st));
	fault = FAULT_NONE;

	long long a = post_turn(s, "p-2", "Après la panne");
	assert_true(a > 0);
	long long b = post_turn(s, "p-1", "Perdue puis renvoyée");
	assert_true(b > 0);
	assert_int_equal(post_turn(s, "p-1", "Perdue puis renvoyée"), b);
	assert_int_equal(count_rows(s, "Perdue puis renvoyée"), 1);
	assert_int_equal(count_rows(s, "Après la panne"), 1);
}

static void test_commit_disk_full(void **state)
{
	commit_fails_then_recovers(state, FAULT_WRITE_FULL);
}

static void test_commit_fsync_error(void **state)
{
	commit_fails_then_recovers(state, FAULT_SYNC);
}

static void test_commit_write_ioerr(void **state)
{
	commit_fails_then_recovers(state, FAULT_WRITE_IOERR);
}

/* A long author label (72 characters): the turn of
 * failure_in_the_middle_of_a_turn must write enough after its fault for
 * SQLite to spill pages to the file, and a post writes little else (its
 * event and its request are a few numbers). */
#define LONG_AUTHOR "Collectif des parents d'élèves du groupe scolaire, conseil école-collège"

/* Gives post i of a turn to the turn. */
static void post_in_turn(struct scratch *s, int i)
{
	send(s,
	     "{\"type\":\"post\",\"id\":\"m-%d\",\"activity\":\"axe-1\","
	     "\"board\":\"abandonner\",\"text\":\"Message %d du même tour\","
	     "\"author\":\"%s\"}",
	     i, i, LONG_AUTHOR);
}

/* A turn of many posts; in its middle SQLite must spill pages to the
 * file and cannot (kind: disk full or I/O error), and may roll the whole
 * transaction back by itself. Every post of the turn that the client sees
 * acknowledged after the turn's end is saved, and every other one gets
 * `storage`: either the turn committed (posts before the fault are all
 * acknowledged), or it failed as a whole (none is). */
static void failure_in_the_middle_of_a_turn(void **state, enum fault kind)
{
	struct scratch *s = *state;
	/* N: enough posts after the fault for the pager to spill, whatever
	 * the file's layout (with the event table rebuilt by the screens'
	 * migration, 200 no longer were). */
	enum { N = 400, FAULT_AT = 20 };
	int failed_at = -1, acked = 0;
	join_and_open(s);

	for (int i = 0; i < N; i++) {
		if (i == FAULT_AT) {
			/* Memory pressure makes the pager spill dirty pages. */
			sqlite3_soft_heap_limit64(1);
			fault = kind;
		}
		post_in_turn(s, i);
	}
	fault = FAULT_NONE;
	sqlite3_soft_heap_limit64(0);
	json_t *all = end_turn(s);
	assert_int_equal(json_array_size(all), N);
	for (int i = 0; i < N; i++) {
		json_t *r = json_array_get(all, (size_t)i);
		char text[64];
		snprintf(text, sizeof text, "Message %d du même tour", i);
		if (fx_error(r)) {
			assert_string_equal(fx_error(r), "storage");
			if (failed_at < 0)
				failed_at = i;
		} else if (count_rows(s, text) != 1) {
			fail_msg("message %d was acknowledged after the turn, and it is lost", i);
		} else {
			acked++;
		}
	}
	json_decref(all);
	print_message("first failure at message %d of the turn, %d acknowledged\n", failed_at,
	              acked);
	assert_true(failed_at >= 0);                       /* the fault did hit */
	assert_true(failed_at >= FAULT_AT || failed_at == 0); /* committed, or lost whole */
	if (failed_at == 0)
		assert_int_equal(acked, 0);
	assert_false(store_tx_active(s->st));

	/* The next turns work, and the turn's posts sent again are saved once. */
	for (int i = 0; i < N; i++) {
		char text[64], id[16];
		snprintf(id, sizeof id, "m-%d", i);
		snprintf(text, sizeof text, "Message %d du même tour", i);
		assert_true(post_turn(s, id, text) > 0);
		assert_int_equal(count_rows(s, text), 1);
	}
}

static void test_io_error_in_the_middle_of_a_turn(void **state)
{
	failure_in_the_middle_of_a_turn(state, FAULT_WRITE_IOERR);
}

static void test_disk_full_in_the_middle_of_a_turn(void **state)
{
	failure_in_the_middle_of_a_turn(state, FAULT_WRITE_FULL);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, scratch_setup, scratch_teardown)
	const struct CMUnitTest tests[] = {
		T(test_commit_disk_full),
		T(test_commit_fsync_error),
		T(test_commit_write_ioerr),
		T(test_io_error_in_the_middle_of_a_turn),
		T(test_disk_full_in_the_middle_of_a_turn),
	};
	return cmocka_run_group_tests(tests, register_faulty_vfs, NULL);
}
