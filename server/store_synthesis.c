/*
 * store_synthesis.c — a seminar's data for its synthesis, as the structs
 * of store_synthesis.h: the seminar and its figures, then every activity
 * (with its animators and attendance), board and contribution (with its
 * vote count and its author's group) it holds, its stakeholder groups and
 * how many attend each activity per group, one statement each, read in
 * one transaction so that they agree with each other.
 *
 * Boundary: reads only, and leaves nothing out: archived activities and
 * boards, deleted contributions and the rest come as they are stored,
 * with no order but the one the reads give. Which of them the synthesis
 * shows and in which order is the export view's (export_view.c). Must
 * not build JSON, render a format, nor write.
 */
#include "store_private.h"
#include "store_synthesis.h"

#include <stdlib.h>
#include <string.h>

#define BLOCK_BYTES (64 * 1024)

/* A block of the texts' storage. */
struct block {
	struct block *next;
	size_t used, size;
	char data[];
};

/* What store_synthesis_read allocates: the texts in blocks, the arrays
 * the store_synthesis points to. */
struct store_synthesis_mem {
	struct block *blocks;
	store_synthesis_activity *activities;
	store_synthesis_board *boards;
	store_synthesis_contribution *contributions;
	store_synthesis_group *groups;
	store_synthesis_presence *presence;
	const char **animators;
	size_t *first_animator; /* per activity, its first in animators */
	size_t cap_activities, cap_boards, cap_contributions, cap_animators, nanimators;
	size_t cap_groups, cap_presence;
	store_audit *audit;
};

/* ===== Memory ===== */

/* items (capacity *cap) with room for item n, moved if it had to grow;
 * NULL when memory runs out (items is then left as it was). */
static void *grow(void *items, size_t *cap, size_t n, size_t size)
{
	size_t want = *cap ? *cap * 2 : 64;
	void *more;

	if (n < *cap)
		return items;
	if (!(more = realloc(items, want * size)))
		return NULL;
	*cap = want;
	return more;
}

/* A copy of column col of the current row of st ("" for SQL NULL, or
 * NULL when null_ok), kept in m's blocks. *failed set when memory runs
 * out. */
static const char *keep(struct store_synthesis_mem *m, sqlite3_stmt *st, int col, int null_ok,
                        int *failed)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = (size_t)sqlite3_column_bytes(st, col);
	struct block *b = m->blocks;
	char *out;

	if (!t)
		return null_ok ? NULL : "";
	if (!b || b->size - b->used < n + 1) {
		size_t size = n + 1 > BLOCK_BYTES ? n + 1 : BLOCK_BYTES;
		if (!(b = malloc(sizeof *b + size))) {
			*failed = 1;
			return "";
		}
		*b = (struct block){m->blocks, 0, size};
		m->blocks = b;
	}
	out = b->data + b->used;
	memcpy(out, t, n);
	out[n] = '\0';
	b->used += n + 1;
	return out;
}

void store_synthesis_free(store_synthesis *syn)
{
	struct store_synthesis_mem *m;

	if (!syn)
		return;
	if ((m = syn->mem)) {
		for (struct block *b = m->blocks, *next; b; b = next) {
			next = b->next;
			free(b);
		}
		free(m->activities);
		free(m->boards);
		free(m->contributions);
		free(m->groups);
		free(m->presence);
		free(m->animators);
		free(m->first_animator);
		store_audit_free(m->audit);
		free(m);
	}
	free(syn);
}

/* ===== Reading ===== */

/* Steps st (NULL after a failed prepare) to its end, calling row(syn, m,
 * st) on each row; resets it. */
typedef int (*row_fn)(store_synthesis *syn, struct store_synthesis_mem *m, sqlite3_stmt *st);

static int each(store *s, store_synthesis *syn, sqlite3_stmt *st, row_fn row)
{
	int rc = STORE_OK, step = SQLITE_ROW;

	if (!st)
		return store__fail(sqlite3_errcode(s->db));
	while (rc == STORE_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = row(syn, syn->mem, st);
	sqlite3_reset(st);
	if (rc != STORE_OK)
		return rc;
	return step == SQLITE_DONE ? STORE_OK : store__fail(step);
}

static int seminar_row(store_synthesis *syn, struct store_synthesis_mem *m, sqlite3_stmt *st)
{
	int failed = 0;

	syn->slug = keep(m, st, 1, 0, &failed);
	syn->code = keep(m, st, 2, 0, &failed);
	syn->title = keep(m, st, 3, 0, &failed);
	syn->date = keep(m, st, 4, 0, &failed);
	syn->venue = keep(m, st, 5, 0, &failed);
	syn->description = keep(m, st, 6, 0, &failed);
	syn->participants = sqlite3_column_int64(st, 7);
	return failed ? STORE_ERR : STORE_OK;
}

static int activity_row(store_synthesis *syn, struct store_synthesis_mem *m, sqlite3_stmt *st)
{
	store_synthesis_activity *a;
	int failed = 0, state = vocab_activity_find((const char *)sqlite3_column_text(st, 6));

	if (state < 0) /* the schema's CHECK keeps this from happening */
		return STORE_ERR;
	if (!(a = grow(m->activities, &m->cap_activities, syn->nactivities, sizeof *a)))
		return STORE_ERR;
	m->activities = a;
	a = &m->activities[syn->nactivities++];
	*a = (store_synthesis_activity){
		.id = sqlite3_column_int64(st, 0),
		.position = sqlite3_column_int64(st, 1),
		.slug = keep(m, st, 2, 0, &failed),
		.title = keep(m, st, 3, 0, &failed),
		.question = keep(m, st, 4, 0, &failed),
		.template_name = keep(m, st, 5, 0, &failed),
		.state = (vocab_activity_state)state,
		.vote_budget = sqlite3_column_int64(st, 7),
		.archived = sqlite3_column_int(st, 8) != 0,
		.attendance = sqlite3_column_int64(st, 9),
	};
	return failed ? STORE_ERR : STORE_OK;
}

/* One animator of an activity: the rows come in the activities' order
 * (by id, as activity_row's), each activity's in its list's order. */
static int animator_row(store_synthesis *syn, struct store_synthesis_mem *m, sqlite3_stmt *st)
{
	long long id = sqlite3_column_int64(st, 0);
	store_synthesis_activity *a = m->activities, *end = a + syn->nactivities;
	const char **list = grow(m->animators, &m->cap_animators, m->nanimators, sizeof *list);
	int failed = 0;

	if (!list)
		return STORE_ERR;
	m->animators = list;
	while (a < end && a->id < id)
		a++;
	if (a == end || a->id != id) /* never: both statements read one seminar */
		return STORE_OK;
	if (a->nanimators++ == 0)
		m->first_animator[a - m->activities] = m->nanimators;
	m->animators[m->nanimators++] = keep(m, st, 1, 0, &failed);
	return failed ? STORE_ERR : STORE_OK;
}

static int board_row(store_synthesis *syn, struct store_synthesis_mem *m, sqlite3_stmt *st)
{
	store_synthesis_board *b;
	int failed = 0, kind = vocab_board_kind_find((const char *)sqlite3_column_text(st, 6));

	if (kind < 0)
		return STORE_ERR;
	if (!(b = grow(m->boards, &m->cap_boards, syn->nboards, sizeof *b)))
		return STORE_ERR;
	m->boards = b;
	b = &m->boards[syn->nboards++];
	*b = (store_synthesis_board){
		.id = sqlite3_column_int64(st, 0),
		.activity_id = sqlite3_column_int64(st, 1),
		.position = sqlite3_column_int64(st, 2),
		.slug = keep(m, st, 3, 0, &failed),
		.title = keep(m, st, 4, 0, &failed),
		.prompt = keep(m, st, 5, 0, &failed),
		.kind = (vocab_board_kind)kind,
		.archived = sqlite3_column_int(st, 7) != 0,
	};
	return failed ? STORE_ERR : STORE_OK;
}

static int contribution_row(store_synthesis *syn, struct store_synthesis_mem *m,
                            sqlite3_stmt *st)
{
	store_synthesis_contribution *c;
	int failed = 0, state = vocab_contribution_find((const char *)sqlite3_column_text(st, 6));

	if (state < 0)
		return STORE_ERR;
	if (!(c = grow(m->contributions, &m->cap_contributions, syn->ncontributions, sizeof *c)))
		return STORE_ERR;
	m->contributions = c;
	c = &m->contributions[syn->ncontributions++];
	*c = (store_synthesis_contribution){
		.id = sqlite3_column_int64(st, 0),
		.board_id = sqlite3_column_int64(st, 1),
		.parent_id = sqlite3_column_int64(st, 2), /* NULL reads 0 */
		.position = sqlite3_column_int64(st, 3),
		.text = keep(m, st, 4, 0, &failed),
		.author = keep(m, st, 5, 1, &failed),
		.state = (vocab_contribution_state)state,
		.votes = sqlite3_column_int64(st, 7),
		.created = keep(m, st, 8, 0, &failed),
		.edited = sqlite3_column_int(st, 9) != 0,
		.group_id = sqlite3_column_int64(st, 10),
		.original = keep(m, st, 11, 1, &failed),
	};
	return failed ? STORE_ERR : STORE_OK;
}

static int group_row(store_synthesis *syn, struct store_synthesis_mem *m, sqlite3_stmt *st)
{
	store_synthesis_group *g;
	int failed = 0;

	if (!(g = grow(m->groups, &m->cap_groups, syn->ngroups, sizeof *g)))
		return STORE_ERR;
	m->groups = g;
	g = &m->groups[syn->ngroups++];
	*g = (store_synthesis_group){
		.id = sqlite3_column_int64(st, 0),
		.position = sqlite3_column_int64(st, 1),
		.slug = keep(m, st, 2, 0, &failed),
		.label = keep(m, st, 3, 0, &failed),
		.archived = sqlite3_column_int(st, 4) != 0,
	};
	return failed ? STORE_ERR : STORE_OK;
}

static int presence_row(store_synthesis *syn, struct store_synthesis_mem *m, sqlite3_stmt *st)
{
	store_synthesis_presence *p;

	if (!(p = grow(m->presence, &m->cap_presence, syn->npresence, sizeof *p)))
		return STORE_ERR;
	m->presence = p;
	m->presence[syn->npresence++] = (store_synthesis_presence){
		sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
		sqlite3_column_int64(st, 2)};
	return STORE_OK;
}

/* The statements, one per table, each for one seminar's id. The
 * activities come by id, so that their animators (by activity id too)
 * are merged in. An activity's animators are a JSON array of strings
 * (store_import.c writes it); anything else reads as no animator. */
static const char seminar_sql[] =
	"SELECT id, slug, code, title, date, venue, description,"
	" (SELECT COUNT(*) FROM participant p WHERE p.seminar_id = ?1)"
	" FROM seminar WHERE id = ?1";
static const char activities_sql[] =
	"SELECT a.id, a.position, a.slug, a.title, a.question, a.template, a.state,"
	" a.vote_budget, a.archived IS NOT NULL,"
	" (SELECT COUNT(*) FROM attendance t WHERE t.activity_id = a.id)"
	" FROM activity a WHERE a.seminar_id = ? ORDER BY a.id";
static const char animators_sql[] =
	"SELECT a.id, j.value FROM activity a, json_each(CASE WHEN json_valid(a.animators)"
	" THEN CASE json_type(a.animators) WHEN 'array' THEN a.animators END END) j"
	" WHERE a.seminar_id = ? AND j.type = 'text' ORDER BY a.id, j.key";
static const char boards_sql[] =
	"SELECT b.id, b.activity_id, b.position, b.slug, b.title, b.prompt, b.kind,"
	" b.archived IS NOT NULL"
	" FROM activity a JOIN board b ON b.activity_id = a.id WHERE a.seminar_id = ?";
static const char contributions_sql[] =
	"SELECT c.id, c.board_id, c.parent_id, c.position, c.text, c.author, c.state,"
	" (SELECT COUNT(*) FROM vote v WHERE v.contribution_id = c.id), c.created, c.edited,"
	" IFNULL(p.group_id, 0), c.original"
	" FROM activity a JOIN board b ON b.activity_id = a.id"
	" JOIN contribution c ON c.board_id = b.id"
	" JOIN participant p ON p.id = c.participant_id WHERE a.seminar_id = ?";
static const char groups_sql[] =
	"SELECT id, position, slug, label, archived IS NOT NULL FROM stakeholder_group"
	" WHERE seminar_id = ?";
static const char presence_sql[] =
	"SELECT t.activity_id, IFNULL(p.group_id, 0), COUNT(*) FROM activity a"
	" JOIN attendance t ON t.activity_id = a.id JOIN participant p ON p.id = t.participant_id"
	" WHERE a.seminar_id = ? GROUP BY 1, 2";

/* Everything of the seminar with this code into syn. */
static int read_all(store *s, store_synthesis *syn, const char *code)
{
	struct store_synthesis_mem *m = syn->mem;
	long long id = 0;
	int rc = store__int(s, &id, "SELECT id FROM seminar WHERE code = ?", "t", code);

	if (rc == STORE_OK)
		rc = each(s, syn, store__query(s, seminar_sql, "i", id), seminar_row);
	if (rc == STORE_OK)
		rc = each(s, syn, store__query(s, activities_sql, "i", id), activity_row);
	if (rc == STORE_OK &&
	    !(m->first_animator = calloc(syn->nactivities + 1, sizeof *m->first_animator)))
		rc = STORE_ERR;
	if (rc == STORE_OK)
		rc = each(s, syn, store__query(s, animators_sql, "i", id), animator_row);
	if (rc == STORE_OK)
		rc = each(s, syn, store__query(s, boards_sql, "i", id), board_row);
	if (rc == STORE_OK)
		rc = each(s, syn, store__query(s, contributions_sql, "i", id), contribution_row);
	if (rc == STORE_OK)
		rc = each(s, syn, store__query(s, groups_sql, "i", id), group_row);
	if (rc == STORE_OK)
		rc = each(s, syn, store__query(s, presence_sql, "i", id), presence_row);
	if (rc == STORE_OK)
		rc = store_audit_get(s, id, 0, &m->audit);
	if (rc != STORE_OK)
		return rc;
	/* The arrays stay where they are from now on: point into them. */
	for (size_t i = 0; i < syn->nactivities; i++)
		if (m->activities[i].nanimators)
			m->activities[i].animators = &m->animators[m->first_animator[i]];
	syn->activities = m->activities;
	syn->boards = m->boards;
	syn->contributions = m->contributions;
	syn->groups = m->groups;
	syn->presence = m->presence;
	syn->audit = m->audit;
	return STORE_OK;
}

int store_synthesis_read(store *s, const char *code, store_synthesis **out)
{
	store_synthesis *syn = calloc(1, sizeof *syn);
	int own = !store_tx_active(s), rc = STORE_ERR;

	*out = NULL;
	if (!syn || !(syn->mem = calloc(1, sizeof *syn->mem)))
		goto done;
	/* One read transaction: the statements see one state of the
	 * database, whatever another connection commits meanwhile. Inside
	 * the caller's transaction, that one. */
	if (own && (rc = store__exec(s, "BEGIN", "")) != STORE_OK)
		goto done;
	rc = read_all(s, syn, code);
	if (own && store__exec(s, "COMMIT", "") != STORE_OK)
		store__exec(s, "ROLLBACK", "");
done:
	if (rc == STORE_OK) {
		*out = syn;
		syn = NULL;
	}
	store_synthesis_free(syn);
	return rc;
}
