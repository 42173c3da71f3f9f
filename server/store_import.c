/*
 * store_import.c — seminar definitions (the JSON files of sessions/,
 * validated and normalized by defn.c, which gives them as defn.h's
 * structs) into the database.
 *
 * Boundary: makes the seminar's programme what the definition says, in one
 * transaction (or one savepoint inside the caller's): all or nothing.
 * Activities are matched by their slug within the seminar, boards by their
 * slug within the activity. A re-import updates what changed, adds what is
 * new, archives what the definition no longer holds (kept, with its
 * contributions, out of the programme) and brings back an archived one
 * whose slug reappears. Positions are rewritten from the definition's
 * order, so no two activities of a seminar (nor boards of an activity)
 * share one. It never deletes an activity, a board or a contribution, and
 * never changes the facilitator key nor an activity's state. It counts
 * what it changes into a store_import_report and records the digest of
 * the definition, so that an unchanged one can be passed over. Must not
 * validate the definition (defn.c did) nor phrase the report (main.c
 * does).
 */
#include "store_private.h"
#include "defn.h"
#include "store_keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CODE_CHARS 6
#define CODE_TRIES 100
#define KEY_BYTES 32 /* 256 random bits, 64 hex digits */

/* ===== Lists as JSON text =====
 * The store keeps an activity's animators as the JSON text of an array of
 * strings, and hands the definition's slugs to SQLite's json_each() the
 * same way. The text is written as jansson's compact dump writes it, the
 * form every stored list has, so that an unchanged list reads as
 * unchanged. */

/* A JSON array of strings being written; text is malloc'd. */
struct list {
	char *text;
	size_t len, cap;
	int failed; /* memory ran out: text is NULL */
};

static void list_put(struct list *l, const char *s, size_t n)
{
	if (l->failed)
		return;
	if (l->len + n + 1 > l->cap) {
		size_t cap = 2 * (l->len + n + 1) + 64;
		char *more = realloc(l->text, cap);
		if (!more) {
			free(l->text);
			*l = (struct list){NULL, 0, 0, 1};
			return;
		}
		l->text = more;
		l->cap = cap;
	}
	memcpy(l->text + l->len, s, n);
	l->len += n;
	l->text[l->len] = '\0';
}

/* Appends the string s to the array. */
static void list_add(struct list *l, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *t = (const unsigned char *)s;

	list_put(l, l->len ? ",\"" : "[\"", 2);
	for (const unsigned char *run = t;; t++) {
		char esc[7] = "\\";
		size_t n = 2;
		if (*t >= 0x20 && *t != '"' && *t != '\\')
			continue;
		list_put(l, (const char *)run, (size_t)(t - run));
		if (!*t)
			break;
		switch (*t) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[*t >> 4];
			esc[5] = hex[*t & 15];
			n = 6;
		}
		list_put(l, esc, n);
		run = t + 1;
	}
	list_put(l, "\"", 1);
}

/* Ends the array: its text (caller frees it), NULL when memory ran out. */
static char *list_end(struct list *l)
{
	list_put(l, l->len ? "]" : "[]", l->len ? 1 : 2);
	return l->text;
}

/* A join code that no seminar has yet, into code[CODE_CHARS + 1]. */
static int fresh_code(store *s, char *code)
{
	for (int i = 0; i < CODE_TRIES; i++) {
		long long id;
		int rc;
		if (store__random_code(code, CODE_CHARS) != STORE_OK)
			return STORE_ERR;
		rc = store__int(s, &id, "SELECT id FROM seminar WHERE code = ?", "t", code);
		if (rc == STORE_NOT_FOUND)
			return STORE_OK;
		if (rc != STORE_OK)
			return rc;
	}
	return STORE_ERR;
}

/* The number of rows the last statement changed. */
static int changed_rows(store *s, long long *n)
{
	return store__int(s, n, "SELECT changes()", "");
}

/* Steps st (from store__query, NULL after a failed prepare), which gives
 * a seminar's join code, once: the code into r->code. STORE_NOT_FOUND
 * without a row. Resets st. */
static int take_code(store *s, sqlite3_stmt *st, store_import_report *r)
{
	int rc;

	if (!st)
		return store__fail(sqlite3_errcode(s->db));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(r->code, sizeof r->code, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : store__fail(rc);
}

/* Inserts or updates the seminar row; its id into *sid, its join code
 * into r->code, whether it is new or changed into r. */
static int upsert_seminar(store *s, const defn_seminar *d, long long *sid,
                          store_import_report *r, char *err, size_t err_len)
{
	const char *slug = d->id, *wanted = d->code;
	long long other, n = 0;
	char key[2 * KEY_BYTES + 1], made[CODE_CHARS + 1];
	int rc;

	rc = store__int(s, sid, "SELECT id FROM seminar WHERE slug = ?", "t", slug);
	if (rc != STORE_OK && rc != STORE_NOT_FOUND)
		return rc;
	if (wanted) {
		int taken = store__int(s, &other,
		                       "SELECT id FROM seminar WHERE code = ? AND slug <> ?", "tt",
		                       wanted, slug);
		if (taken == STORE_OK) {
			store__say(s->cat, err, err_len, "store.err.code_taken", slug, wanted);
			return STORE_ERR;
		}
		if (taken != STORE_NOT_FOUND)
			return taken;
	}
	if (rc == STORE_OK) {
		rc = store__exec(s,
		                 "UPDATE seminar SET code = COALESCE(?1, code), title = ?2,"
		                 " date = ?3, venue = ?4, description = ?5 WHERE id = ?6 AND NOT"
		                 " (code IS COALESCE(?1, code) AND title IS ?2 AND date IS ?3"
		                 " AND venue IS ?4 AND description IS ?5)",
		                 "ttttti", wanted, d->title, d->date, d->venue, d->description,
		                 *sid);
		if (rc == STORE_OK && (rc = changed_rows(s, &n)) == STORE_OK)
			r->seminar_changed = n > 0;
	} else {
		if (!wanted && (rc = fresh_code(s, made)) != STORE_OK)
			return rc;
		if (store__random_hex(key, KEY_BYTES) != STORE_OK)
			return STORE_ERR;
		rc = store__int(s, sid,
		                "INSERT INTO seminar (slug, code, key, title, date, venue,"
		                " description) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
		                "ttttttt", slug, wanted ? wanted : made, key, d->title, d->date,
		                d->venue, d->description);
		/* the first facilitator key, kept readable in the seminar row
		 * so that `atelier serve` can print the console's address */
		if (rc == STORE_OK)
			rc = store__exec(s,
			                 "INSERT INTO key (kind, seminar_id, name, hash, created)"
			                 " VALUES ('facilitator', ?, ?, atelier_key_hash(?),"
			                 " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
			                 "itt", *sid, STORE_KEY_NAME_FACILITATOR, key);
		r->created = 1;
	}
	if (rc != STORE_OK)
		return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
	rc = take_code(s, store__query(s, "SELECT code FROM seminar WHERE id = ?", "i", *sid), r);
	return rc == STORE_NOT_FOUND ? STORE_ERR : rc;
}

/* Appends name to the list of ids list[len] (", " between them); when it
 * does not fit, the list ends with "…" and takes no more. */
static void add_name(char *list, size_t len, const char *name)
{
	static const char more[] = "…";
	size_t n = strlen(list), need = (n ? 2 : 0) + strlen(name);

	if (n >= sizeof more - 1 && strcmp(list + n - (sizeof more - 1), more) == 0)
		return;
	if (n + need + sizeof ", " + sizeof more - 1 <= len)
		snprintf(list + n, len - n, "%s%s", n ? ", " : "", name);
	else
		snprintf(list + n, len - n, "%s%s", n ? ", " : "", more);
}

/* ===== Archiving and positions =====
 * The activities of a seminar and the boards of an activity follow the
 * same steps, each with its own statements (the cache wants literals):
 * ?1 is the parent's id, ?2 the definition's slugs in order, as a JSON
 * array (json_each gives each slug's index as its "key"). */
struct level {
	/* 1 when two rows in the programme that the definition keeps come
	 * in the other order in ?2 than in the programme: read in the
	 * programme's order, their indexes in ?2 do not always grow. */
	const char *reordered;
	/* Archives the rows in the programme whose slug is not in ?2, and
	 * gives their slugs. */
	const char *archive;
	/* Moves the rows in the programme that will change position to
	 * negative ones (-1 - position, all distinct), so that no row sits
	 * on a position another one is about to take. */
	const char *make_room;
};

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

static const struct level activities = {
	"SELECT EXISTS (SELECT 1 FROM (SELECT f.key AS k, LAG(f.key) OVER (ORDER BY x.position)"
	" AS prev FROM activity x JOIN json_each(?2) f ON f.value = x.slug"
	" WHERE x.seminar_id = ?1 AND x.archived IS NULL) WHERE prev > k)",
	"UPDATE activity SET archived = " NOW " WHERE seminar_id = ?1 AND archived IS NULL"
	" AND slug NOT IN (SELECT value FROM json_each(?2)) RETURNING slug",
	"UPDATE activity SET position = -1 - position WHERE seminar_id = ?1"
	" AND archived IS NULL AND position >= 0"
	" AND position IS NOT (SELECT key FROM json_each(?2) WHERE value = activity.slug)",
};

static const struct level boards = {
	"SELECT EXISTS (SELECT 1 FROM (SELECT f.key AS k, LAG(f.key) OVER (ORDER BY x.position)"
	" AS prev FROM board x JOIN json_each(?2) f ON f.value = x.slug"
	" WHERE x.activity_id = ?1 AND x.archived IS NULL) WHERE prev > k)",
	"UPDATE board SET archived = " NOW " WHERE activity_id = ?1 AND archived IS NULL"
	" AND slug NOT IN (SELECT value FROM json_each(?2)) RETURNING slug",
	"UPDATE board SET position = -1 - position WHERE activity_id = ?1"
	" AND archived IS NULL AND position >= 0"
	" AND position IS NOT (SELECT key FROM json_each(?2) WHERE value = board.slug)",
};

static const struct level groups = {
	"SELECT EXISTS (SELECT 1 FROM (SELECT f.key AS k, LAG(f.key) OVER (ORDER BY x.position)"
	" AS prev FROM stakeholder_group x JOIN json_each(?2) f ON f.value = x.slug"
	" WHERE x.seminar_id = ?1 AND x.archived IS NULL) WHERE prev > k)",
	"UPDATE stakeholder_group SET archived = " NOW " WHERE seminar_id = ?1"
	" AND archived IS NULL AND slug NOT IN (SELECT value FROM json_each(?2)) RETURNING slug",
	"UPDATE stakeholder_group SET position = -1 - position WHERE seminar_id = ?1"
	" AND archived IS NULL AND position >= 0"
	" AND position IS NOT (SELECT key FROM json_each(?2) WHERE value = stakeholder_group.slug)",
};

/* What one level of the definition (the activities of a seminar, the
 * boards of an activity) changed, as the import goes. */
struct tally {
	store_import_counts n;
	int reordered;
	char *names;      /* the archived slugs go here (NULL: not kept) */
	size_t names_len;
};

/* Whether the level counted in t changed at all. */
static int changed(const struct tally *t)
{
	return t->reordered || t->n.added || t->n.changed || t->n.archived || t->n.restored;
}

/* Archives, with RETURNING, and counts into t. */
static int archive(store *s, const char *sql, long long parent_id, const char *slugs,
                   struct tally *t)
{
	sqlite3_stmt *st = store__query(s, sql, "it", parent_id, slugs);
	int rc;

	if (!st)
		return store__fail(sqlite3_errcode(s->db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		t->n.archived++;
		if (t->names)
			add_name(t->names, t->names_len, (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : store__fail(rc);
}

/* Archives the rows of parent_id that the definition no longer holds
 * (slugs: the slugs of this level of the definition as a JSON array,
 * freed here; NULL when memory ran out) and frees the positions the
 * definition's rows will take; counts the archived ones and a change of
 * order into t. */
static int prepare_level(store *s, const struct level *l, long long parent_id, char *slugs,
                         struct tally *t)
{
	long long reordered = 0;
	int rc;

	if (!slugs)
		return STORE_ERR;
	rc = store__int(s, &reordered, l->reordered, "it", parent_id, slugs);
	t->reordered = reordered != 0;
	if (rc == STORE_OK)
		rc = archive(s, l->archive, parent_id, slugs, t);
	if (rc == STORE_OK)
		rc = store__exec(s, l->make_room, "it", parent_id, slugs);
	free(slugs);
	return rc;
}

/* The slugs of the boards of an activity, of the activities of a
 * definition: prepare_level's argument. */
static char *board_slugs(const defn_activity *a)
{
	struct list l = {0};
	for (size_t i = 0; i < a->nboards; i++)
		list_add(&l, a->boards[i].id);
	return list_end(&l);
}

static char *activity_slugs(const defn_seminar *d)
{
	struct list l = {0};
	for (size_t i = 0; i < d->nactivities; i++)
		list_add(&l, d->activities[i].id);
	return list_end(&l);
}

static char *group_slugs(const defn_seminar *d)
{
	struct list l = {0};
	for (size_t i = 0; i < d->ngroups; i++)
		list_add(&l, d->groups[i].id);
	return list_end(&l);
}

/* How a row of the definition stood before the import, from a statement
 * that gives 2 for an archived row, 1 for one in the programme that the
 * definition leaves as it is, 0 for one it changes, and no row for a new
 * one. */
enum before { BEFORE_NEW = -1, BEFORE_CHANGED = 0, BEFORE_SAME = 1, BEFORE_ARCHIVED = 2 };

/* Counts a row into t by how it stood before; also_changed: something
 * under it changed (an activity's boards). */
static void count(struct tally *t, enum before was, int also_changed)
{
	if (was == BEFORE_NEW)
		t->n.added++;
	else if (was == BEFORE_ARCHIVED)
		t->n.restored++;
	else if (was == BEFORE_CHANGED || also_changed)
		t->n.changed++;
}

/* What a "before" statement gave (rc and v from store__int, see enum
 * before) into *was. */
static int before(int rc, long long v, enum before *was)
{
	*was = rc == STORE_NOT_FOUND ? BEFORE_NEW : (enum before)v;
	return rc == STORE_NOT_FOUND ? STORE_OK : rc;
}

/* ===== Activities and boards ===== */

/* Inserts or updates one board of an activity, at position pos, in the
 * programme; counts it into t. */
static int upsert_board(store *s, long long aid, long long pos, const defn_board *b,
                        struct tally *t)
{
	enum before was;
	long long v = 0;
	int rc = store__int(s, &v,
	                    "SELECT CASE WHEN archived IS NOT NULL THEN 2 WHEN title IS ?3"
	                    " AND prompt IS ?4 AND kind IS ?5 THEN 1 ELSE 0 END FROM board"
	                    " WHERE activity_id = ?1 AND slug = ?2",
	                    "itttt", aid, b->id, b->title, b->prompt, b->kind);

	rc = before(rc, v, &was);
	if (rc == STORE_OK)
		rc = store__exec(s,
		                 "INSERT INTO board (activity_id, slug, position, title, prompt, kind)"
		                 " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (activity_id, slug)"
		                 " DO UPDATE SET position = excluded.position,"
		                 " title = excluded.title, prompt = excluded.prompt,"
		                 " kind = excluded.kind, archived = NULL"
		                 " WHERE NOT (position IS excluded.position"
		                 " AND title IS excluded.title AND prompt IS excluded.prompt"
		                 " AND kind IS excluded.kind AND archived IS NULL)",
		                 "itittt", aid, b->id, pos, b->title, b->prompt, b->kind);
	if (rc == STORE_OK)
		count(t, was, 0);
	return rc;
}

/* Inserts or updates one stakeholder group of a seminar, at position pos,
 * in the definition; counts it into t. A group is matched by its slug, so
 * the participants who chose it stay with it whatever its label becomes;
 * one the definition no longer holds is archived (prepare_level), never
 * deleted nor given to another: its participants count as without a
 * group until its slug comes back. */
static int upsert_group(store *s, long long sid, long long pos, const defn_group *g,
                        struct tally *t)
{
	enum before was;
	long long v = 0;
	int rc = store__int(s, &v,
	                    "SELECT CASE WHEN archived IS NOT NULL THEN 2 WHEN label IS ?3"
	                    " AND position IS ?4 THEN 1 ELSE 0 END FROM stakeholder_group"
	                    " WHERE seminar_id = ?1 AND slug = ?2",
	                    "itti", sid, g->id, g->label, pos);

	rc = before(rc, v, &was);
	if (rc == STORE_OK)
		rc = store__exec(s,
		                 "INSERT INTO stakeholder_group (seminar_id, slug, position, label)"
		                 " VALUES (?, ?, ?, ?) ON CONFLICT (seminar_id, slug)"
		                 " DO UPDATE SET position = excluded.position, label = excluded.label,"
		                 " archived = NULL WHERE NOT (position IS excluded.position"
		                 " AND label IS excluded.label AND archived IS NULL)",
		                 "itit", sid, g->id, pos, g->label);
	if (rc == STORE_OK)
		count(t, was, 0);
	return rc;
}

/* Inserts or updates one activity (at position pos, in the programme)
 * and makes its boards the definition's; counts it into r->activities
 * (t) and, when it was in the programme already, its boards into
 * r->boards. */
static int upsert_activity(store *s, long long sid, long long pos,
                           const defn_activity *act, struct tally *t, store_import_report *r)
{
	struct list list = {0};
	char *animators, phases[128];
	struct tally b = {{0}, 0, NULL, 0};
	enum before was = BEFORE_NEW;
	long long aid = 0, v = 0;
	int rc = STORE_ERR;

	for (size_t i = 0; i < act->nanimators; i++)
		list_add(&list, act->animators[i]);
	if (!(animators = list_end(&list)))
		goto done;
	vocab_phases_write(act->phases, phases, sizeof phases);
	rc = store__int(s, &v,
	                "SELECT CASE WHEN archived IS NOT NULL THEN 2 WHEN title IS ?3"
	                " AND question IS ?4 AND template IS ?5 AND vote_budget IS ?6"
	                " AND animators IS ?7 AND phases IS ?8 AND slot_start IS ?9 AND slot_end IS ?10"
	                " THEN 1 ELSE 0 END FROM activity"
	                " WHERE seminar_id = ?1 AND slug = ?2",
	                "ittttitttt", sid, act->id, act->title, act->question, act->template_name,
	                act->vote_budget, animators, *phases ? phases : NULL, act->start, act->end);
	rc = before(rc, v, &was);
	if (rc == STORE_OK)
		rc = store__exec(s,
		                 "INSERT INTO activity (seminar_id, slug, position, title, question,"
		                 " template, vote_budget, animators, phases, slot_start, slot_end)"
		                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		                 " ON CONFLICT (seminar_id, slug) DO UPDATE SET"
		                 " position = excluded.position, title = excluded.title,"
		                 " question = excluded.question, template = excluded.template,"
		                 " vote_budget = excluded.vote_budget, animators = excluded.animators,"
		                 " phases = excluded.phases,"
		                 " slot_start = excluded.slot_start, slot_end = excluded.slot_end,"
		                 " archived = NULL"
		                 " WHERE NOT (position IS excluded.position AND title IS excluded.title"
		                 " AND question IS excluded.question AND template IS excluded.template"
		                 " AND vote_budget IS excluded.vote_budget"
		                 " AND animators IS excluded.animators AND phases IS excluded.phases"
		                 " AND slot_start IS excluded.slot_start AND slot_end IS excluded.slot_end"
		                 " AND archived IS NULL)",
		                 "ititttitttt", sid, act->id, pos, act->title, act->question,
		                 act->template_name, act->vote_budget, animators,
		                 *phases ? phases : NULL, act->start, act->end);
	if (rc == STORE_OK)
		rc = store__int(s, &aid, "SELECT id FROM activity WHERE seminar_id = ? AND slug = ?",
		                "it", sid, act->id);
	if (rc == STORE_OK)
		rc = prepare_level(s, &boards, aid, board_slugs(act), &b);
	for (size_t j = 0; rc == STORE_OK && j < act->nboards; j++)
		rc = upsert_board(s, aid, (long long)j, &act->boards[j], &b);
	if (rc != STORE_OK)
		goto done;
	if (was == BEFORE_CHANGED || was == BEFORE_SAME) {
		r->boards.added += b.n.added;
		r->boards.changed += b.n.changed;
		r->boards.archived += b.n.archived;
		r->boards.restored += b.n.restored;
	}
	count(t, was, changed(&b));
	if (was == BEFORE_ARCHIVED)
		add_name(r->restored, sizeof r->restored, act->id);
done:
	free(animators);
	return rc;
}

/* When the seminar was last imported from a definition of this digest:
 * its code into r->code, r->unchanged set. STORE_NOT_FOUND otherwise. */
static int same_as_last(store *s, const char *slug, const char *digest,
                        store_import_report *r)
{
	int rc = take_code(s,
	                   store__query(s,
	                                "SELECT code FROM seminar WHERE slug = ? AND defn_digest = ?",
	                                "tt", slug, digest),
	                   r);
	r->unchanged = rc == STORE_OK;
	return rc;
}

/* The import itself, inside the transaction or savepoint. */
static int import(store *s, const defn_seminar *d, int flags, store_import_report *r,
                  char *err, size_t err_len)
{
	struct tally t = {{0}, 0, r->archived, sizeof r->archived};
	struct tally g = {{0}, 0, NULL, 0};
	long long sid = 0;
	int rc;

	if (flags & STORE_IMPORT_IF_CHANGED) {
		rc = same_as_last(s, d->id, d->digest, r);
		if (rc != STORE_NOT_FOUND)
			return rc;
	}
	rc = upsert_seminar(s, d, &sid, r, err, err_len);
	if (rc == STORE_OK)
		rc = prepare_level(s, &groups, sid, group_slugs(d), &g);
	for (size_t i = 0; rc == STORE_OK && i < d->ngroups; i++)
		rc = upsert_group(s, sid, (long long)i, &d->groups[i], &g);
	/* the groups are the seminar's: a change of them is a change of it */
	if (!r->created && changed(&g))
		r->seminar_changed = 1;
	if (rc == STORE_OK)
		rc = prepare_level(s, &activities, sid, activity_slugs(d), &t);
	for (size_t i = 0; rc == STORE_OK && i < d->nactivities; i++)
		rc = upsert_activity(s, sid, (long long)i, &d->activities[i], &t, r);
	if (rc == STORE_OK)
		rc = store__exec(s,
		                 "UPDATE seminar SET defn_digest = ?2 WHERE id = ?1"
		                 " AND defn_digest IS NOT ?2",
		                 "it", sid, d->digest);
	r->activities = t.n;
	r->reordered = !r->created && t.reordered;
	return rc;
}

int store_import(store *s, const defn_seminar *d, int flags, store_import_report *report,
                 char *err, size_t err_len)
{
	const char *slug = d ? d->id : NULL;
	int own = !store_tx_active(s);
	store_import_report mine;
	store_import_report *r = report ? report : &mine;
	int rc;

	memset(r, 0, sizeof *r);
	if (err && err_len)
		err[0] = '\0';
	if (!slug || !d->title) {
		store__say(s->cat, err, err_len, "store.err.import", slug ? slug : "?",
		           "« id » ou « title » manque");
		return STORE_ERR;
	}
	rc = own ? store_tx_begin(s) : store__exec(s, "SAVEPOINT import", "");
	if (rc != STORE_OK)
		goto fail;
	rc = import(s, d, flags, r, err, err_len);
	if (rc == STORE_OK)
		rc = own ? store_tx_commit(s) : store__exec(s, "RELEASE import", "");
	if (rc != STORE_OK) {
		if (own)
			store_tx_rollback(s);
		else if (store__exec(s, "ROLLBACK TO import", "") == STORE_OK)
			store__exec(s, "RELEASE import", "");
		goto fail;
	}
	return STORE_OK;
fail:
	memset(r, 0, sizeof *r);
	if (err && err_len && !err[0])
		store__say(s->cat, err, err_len,
		           rc == STORE_READONLY ? "store.err.readonly"
		           : rc == STORE_FULL   ? "store.err.full"
		                                : "store.err.import",
		           rc == STORE_READONLY || rc == STORE_FULL ? s->path : slug,
		           store_errmsg(s));
	return rc;
}
