/*
 * store_catalog.c — the seminars held by the database, as the command
 * line and the facilitator's login see them: the list, and the check of a
 * facilitator key.
 *
 * Boundary: reads the seminar table only. The key is compared in constant
 * time and never copied out except through store_list_seminars (the
 * command line shows it to the person who runs the server).
 */
#include "store_private.h"

#include <string.h>

int store_list_seminars(store *s, store_seminar_fn fn, void *ctx)
{
	sqlite3_stmt *st = store__query(s,
	                                "SELECT code, title, date, key FROM seminar"
	                                " ORDER BY date, title, id",
	                                "");
	int rc;

	if (!st)
		return store__fail(sqlite3_errcode(s->db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(ctx, (const char *)sqlite3_column_text(st, 0),
		   (const char *)sqlite3_column_text(st, 1),
		   (const char *)sqlite3_column_text(st, 2),
		   (const char *)sqlite3_column_text(st, 3));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : store__fail(rc);
}

