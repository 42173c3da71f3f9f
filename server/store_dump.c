/*
 * store_dump.c — the synthesis document of a seminar (docs/EXPORTS.md),
 * from which every export format is rendered.
 *
 * Boundary: reads the database, builds one jansson document: activities in
 * programme order, boards in definition order (archived activities and
 * boards left out, with their contributions), top-level contributions by
 * votes then creation, example actions in their own order, hidden ones
 * included with their text, deleted ones left out. Must not render any
 * format (export_*.c) nor write.
 */
#include "store_private.h"

#include <stdlib.h>
#include <time.h>

/* The figures of one activity: {"participants", "contributions",
 * "votes"} into *out. Participants are those who attended it (opened it
 * on purpose, posted or voted: docs/EXPORTS.md); contributions and votes
 * count visible contributions only. Each count reaches the rows through
 * the activity's boards (indexes), never through a scan of every
 * contribution. */
static int figures(store *s, long long activity_id, json_t **out)
{
	long long people = 0, c = 0, v = 0;
	int rc = store__int(s, &people, "SELECT COUNT(*) FROM attendance WHERE activity_id = ?",
	                    "i", activity_id);

	*out = NULL;
	if (rc == STORE_OK)
		rc = store__int(s, &c,
		                "SELECT COUNT(*) FROM board b JOIN contribution c ON c.board_id = b.id"
		                " WHERE b.activity_id = ? AND b.archived IS NULL"
		                " AND c.state = 'visible'",
		                "i", activity_id);
	if (rc == STORE_OK)
		rc = store__int(s, &v,
		                "SELECT COUNT(*) FROM board b JOIN contribution c ON c.board_id = b.id"
		                " JOIN vote v ON v.contribution_id = c.id"
		                " WHERE b.activity_id = ? AND b.archived IS NULL"
		                " AND c.state = 'visible'",
		                "i", activity_id);
	if (rc == STORE_OK &&
	    !(*out = json_pack("{s:I, s:I, s:I}", "participants", (json_int_t)people,
	                       "contributions", (json_int_t)c, "votes", (json_int_t)v)))
		rc = STORE_ERR;
	return rc;
}

/* Each function below fills one object of the document from its id: it
 * is a store__child_fn, called by store__collect() for each row. */

/* Each top-level contribution gets "actions", filled by add_actions. */
static int no_actions(store *s, json_t *o, long long id)
{
	(void)s;
	(void)id;
	return json_object_set_new(o, "actions", json_array()) ? STORE_ERR : STORE_OK;
}

/* A top-level contribution of a board, by id (for bsearch). */
struct parent {
	long long id;
	json_t *o;
};

static int by_id(const void *a, const void *b)
{
	long long x = ((const struct parent *)a)->id, y = ((const struct parent *)b)->id;
	return (x > y) - (x < y);
}

/* Fills "actions" of the top-level contributions list of a board: the
 * example actions of each, not deleted, in their order. One statement for
 * the whole board rather than one per contribution. */
static int add_actions(store *s, json_t *list, long long board_id)
{
	size_t n = json_array_size(list), i;
	struct parent *parents = malloc((n ? n : 1) * sizeof *parents), key, *p;
	sqlite3_stmt *st = NULL;
	json_t *o;
	int rc = STORE_ERR, step;

	if (!parents)
		return STORE_ERR;
	json_array_foreach(list, i, o)
		parents[i] = (struct parent){json_integer_value(json_object_get(o, "id")), o};
	qsort(parents, n, sizeof *parents, by_id);
	/* Column 3 of STORE__CONTRIBUTION_COLS is the parent's id. In the
	 * order of the indexes walked (parents by id, then each one's actions
	 * by position): no sort. */
	st = store__query(s,
	                  "SELECT " STORE__CONTRIBUTION_COLS " FROM contribution p"
	                  " JOIN contribution c ON c.parent_id = p.id"
	                  " JOIN board b ON b.id = c.board_id JOIN activity a ON a.id = b.activity_id"
	                  " WHERE p.board_id = ? AND p.parent_id IS NULL AND p.state <> 'deleted'"
	                  " AND c.state <> 'deleted' ORDER BY p.id, c.position, c.id",
	                  "i", board_id);
	if (!st) {
		rc = store__fail(sqlite3_errcode(s->db));
		goto done;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		key.id = sqlite3_column_int64(st, 3);
		p = bsearch(&key, parents, n, sizeof *parents, by_id);
		if (!p) /* never: the parents are the list's own rows */
			continue;
		o = store__contribution_row(st, STORE__DUMP | STORE__FULL);
		if (!o || json_array_append_new(json_object_get(p->o, "actions"), o))
			break;
	}
	sqlite3_reset(st);
	rc = step == SQLITE_DONE ? STORE_OK : store__fail(step);
done:
	free(parents);
	return rc;
}

/* "contributions": the top-level ones of a board, most voted first
 * (column 9 is the vote count of STORE__CONTRIBUTION_COLS), each with its
 * example actions. */
static int add_contributions(store *s, json_t *board, long long board_id)
{
	int rc = store__member(s, board, "contributions",
	                       store__query(s,
	                                    STORE__CONTRIBUTIONS " WHERE c.board_id = ?"
	                                    " AND c.parent_id IS NULL AND c.state <> 'deleted'"
	                                    " ORDER BY 9 DESC, c.created, c.id",
	                                    "i", board_id),
	                       store__contribution_row, STORE__DUMP | STORE__FULL, no_actions);
	return rc == STORE_OK ? add_actions(s, json_object_get(board, "contributions"), board_id)
	                      : rc;
}

/* An activity's figures, then its boards with their contributions. */
static int add_activity(store *s, json_t *a, long long activity_id)
{
	json_t *f = NULL;
	int rc = figures(s, activity_id, &f);

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

/* Totals and activities of the document. The totals are the seminar's
 * participants and the sums of its activities' figures (every
 * contribution belongs to one activity of its seminar), set once the
 * activities are made; the member comes first all the same. */
static int add_body(store *s, json_t *doc, long long seminar_id)
{
	long long people = 0, c = 0, v = 0;
	json_t *totals, *a;
	size_t i;
	int rc = store__int(s, &people, "SELECT COUNT(*) FROM participant WHERE seminar_id = ?",
	                    "i", seminar_id);

	if (rc != STORE_OK)
		return rc;
	totals = json_pack("{s:I, s:I, s:I}", "participants", (json_int_t)people,
	                   "contributions", (json_int_t)0, "votes", (json_int_t)0);
	if (json_object_set_new(doc, "totals", totals) != 0)
		return STORE_ERR;
	rc = store__activities(s, doc, seminar_id, add_activity);
	json_array_foreach(json_object_get(doc, "activities"), i, a) {
		c += json_integer_value(json_object_get(a, "contributions"));
		v += json_integer_value(json_object_get(a, "votes"));
	}
	if (rc == STORE_OK &&
	    (json_integer_set(json_object_get(totals, "contributions"), (json_int_t)c) ||
	     json_integer_set(json_object_get(totals, "votes"), (json_int_t)v)))
		rc = STORE_ERR;
	return rc;
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
