/*
 * store_dump.c — the synthesis document of a seminar (docs/EXPORTS.md),
 * from which every export format is rendered.
 *
 * Boundary: reads the database, builds one jansson document: activities in
 * programme order, boards in definition order, top-level contributions by
 * votes then creation, example actions in their own order, hidden ones
 * included with their text, deleted ones left out. Must not render any
 * format (export_*.c) nor write.
 */
#include "store_private.h"

#include <time.h>

/* The figures of a seminar (seminar_id, activity_id 0) or of one of its
 * activities (0, activity_id): {"participants", "contributions", "votes"}
 * into *out. Participants are those of the seminar, or those who watched,
 * posted or voted in the activity; contributions and votes count visible
 * contributions only. */
static int figures(store *s, long long seminar_id, long long activity_id, json_t **out)
{
	long long people = 0, c = 0, v = 0;
	int rc = activity_id
		? store__int(s, &people, "SELECT COUNT(*) FROM attendance WHERE activity_id = ?",
		             "i", activity_id)
		: store__int(s, &people, "SELECT COUNT(*) FROM participant WHERE seminar_id = ?",
		             "i", seminar_id);

	*out = NULL;
	if (rc == STORE_OK)
		rc = store__int(s, &c,
		                "SELECT COUNT(*) FROM contribution c"
		                " JOIN board b ON b.id = c.board_id"
		                " JOIN activity a ON a.id = b.activity_id"
		                " WHERE (?1 = 0 OR a.seminar_id = ?1) AND (?2 = 0 OR a.id = ?2)"
		                " AND c.state = 'visible'",
		                "ii", seminar_id, activity_id);
	if (rc == STORE_OK)
		rc = store__int(s, &v,
		                "SELECT COUNT(*) FROM vote v"
		                " JOIN contribution c ON c.id = v.contribution_id"
		                " JOIN board b ON b.id = c.board_id"
		                " JOIN activity a ON a.id = b.activity_id"
		                " WHERE (?1 = 0 OR a.seminar_id = ?1) AND (?2 = 0 OR a.id = ?2)"
		                " AND c.state = 'visible'",
		                "ii", seminar_id, activity_id);
	if (rc == STORE_OK &&
	    !(*out = json_pack("{s:I, s:I, s:I}", "participants", (json_int_t)people,
	                       "contributions", (json_int_t)c, "votes", (json_int_t)v)))
		rc = STORE_ERR;
	return rc;
}


/* Each function below fills one object of the document from its id: it
 * is a store__child_fn, called by store__collect() for each row. */

/* "actions": the example actions of an orientation, in their order. */
static int add_actions(store *s, json_t *o, long long parent_id)
{
	return store__member(s, o, "actions",
	                     store__query(s,
	                                  STORE__CONTRIBUTIONS " WHERE c.parent_id = ?"
	                                  " AND c.state <> 'deleted' ORDER BY c.position, c.id",
	                                  "i", parent_id),
	                     store__contribution_row, STORE__DUMP | STORE__FULL, NULL);
}

/* "contributions": the top-level ones of a board, most voted first
 * (column 9 is the vote count of STORE__CONTRIBUTION_COLS). */
static int add_contributions(store *s, json_t *board, long long board_id)
{
	return store__member(s, board, "contributions",
	                     store__query(s,
	                                  STORE__CONTRIBUTIONS " WHERE c.board_id = ?"
	                                  " AND c.parent_id IS NULL AND c.state <> 'deleted'"
	                                  " ORDER BY 9 DESC, c.created, c.id",
	                                  "i", board_id),
	                     store__contribution_row, STORE__DUMP | STORE__FULL, add_actions);
}

/* An activity's figures, then its boards with their contributions. */
static int add_activity(store *s, json_t *a, long long activity_id)
{
	json_t *f = NULL;
	int rc = figures(s, 0, activity_id, &f);

	if (rc == STORE_OK && json_object_update(a, f) != 0)
		rc = STORE_ERR;
	json_decref(f);
	return rc == STORE_OK ? store__boards(s, a, activity_id, add_contributions) : rc;
}

static json_t *now_utc(void)
{
	char buf[32];
	time_t t = time(NULL);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return json_null();
	return json_string(buf);
}

/* The document's head: format, version, time and the seminar. */
static json_t *head_row(sqlite3_stmt *st, int flags)
{
	(void)flags;
	return json_pack("{s:s, s:i, s:o, s:{s:o, s:o, s:o, s:o, s:o, s:o}}",
	                 "format", "atelier-synthese", "version", 1, "generated", now_utc(),
	                 "seminar", "id", store__text_or_null(st, 1),
	                 "code", store__text_or_null(st, 2), "title", store__text_or_null(st, 3),
	                 "date", store__text_or_null(st, 4), "venue", store__text_or_null(st, 5),
	                 "description", store__text_or_null(st, 6));
}

/* Totals and activities of the document. */
static int add_body(store *s, json_t *doc, long long seminar_id)
{
	json_t *f = NULL;
	int rc = figures(s, seminar_id, 0, &f);

	if (rc == STORE_OK && json_object_set_new(doc, "totals", f) != 0)
		rc = STORE_ERR;
	return rc == STORE_OK ? store__activities(s, doc, seminar_id, add_activity) : rc;
}

int store_dump(store *s, const char *code, json_t **out)
{
	return store__one(s,
	                  store__query(s,
	                               "SELECT id, slug, code, title, date, venue, description"
	                               " FROM seminar WHERE code = ?",
	                               "t", code),
	                  head_row, 0, add_body, out);
}
