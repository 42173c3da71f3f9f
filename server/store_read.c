/*
 * store_read.c — the domain's objects read into C structs (store_domain.h):
 * a seminar with its programme, contributions (a board's, an activity's,
 * one with its example actions), a participant's own contributions and
 * votes; and the arenas those objects live in.
 *
 * Boundary: reads only, and whole: a hidden contribution comes with its
 * text. What an audience may see of it is the views' decision (view.h),
 * never this file's. Each function runs a fixed number of statements,
 * however big the seminar: no statement per activity or per row. Must
 * not build JSON nor write.
 */
#include "store_private.h"
#include "store_domain.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ===== Arenas ===== */

/* Blocks start small (one contribution read after a vote is a few hundred
 * bytes) and double up to the largest, as a list grows. */
#define BLOCK_FIRST 1024
#define BLOCK_LARGEST 65536

struct block {
	struct block *next;
	size_t used, cap;
	max_align_t data[]; /* cap bytes */
};

struct store_mem {
	struct block *head;
	size_t next; /* the size of the next block */
	int failed;
};

struct store_mem *store__mem_new(void)
{
	return calloc(1, sizeof(struct store_mem));
}

void store__mem_free(struct store_mem *m)
{
	if (!m)
		return;
	while (m->head) {
		struct block *b = m->head;
		m->head = b->next;
		free(b);
	}
	free(m);
}

int store__mem_failed(const struct store_mem *m)
{
	return !m || m->failed;
}

void *store__alloc(struct store_mem *m, size_t n)
{
	const size_t align = sizeof(max_align_t);
	struct block *b = m ? m->head : NULL;
	void *p;

	if (!m)
		return NULL;
	n = (n + align - 1) / align * align;
	if (!b || b->cap - b->used < n) {
		size_t size = m->next ? m->next : BLOCK_FIRST, cap = n > size ? n : size;
		if (!(b = malloc(sizeof *b + cap))) {
			m->failed = 1;
			return NULL;
		}
		b->used = 0;
		b->cap = cap;
		m->next = size < BLOCK_LARGEST ? 2 * size : size;
		/* a block made for one big part goes behind the current one, so
		 * that the current one's room is not lost */
		if (cap > size && m->head) {
			b->next = m->head->next;
			m->head->next = b;
		} else {
			b->next = m->head;
			m->head = b;
		}
	}
	p = (char *)b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

/* A copy of len bytes and a NUL; NULL when out of memory. */
static char *copy(struct store_mem *m, const char *text, size_t len)
{
	char *p = store__alloc(m, len + 1);
	if (p)
		memcpy(p, text, len);
	return p;
}

const char *store__strdup(struct store_mem *m, const char *text)
{
	return text ? copy(m, text, strlen(text)) : NULL;
}

const char *store__column(struct store_mem *m, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	if (!t)
		return NULL;
	return copy(m, (const char *)t, (size_t)sqlite3_column_bytes(st, col));
}

/* ===== Contributions ===== */

/* A new empty list, or NULL. */
static store_contributions *list_new(void)
{
	store_contributions *l = calloc(1, sizeof *l);
	if (l && !(l->mem_ = store__mem_new())) {
		free(l);
		l = NULL;
	}
	return l;
}

void store_contributions_free(store_contributions *l)
{
	if (!l)
		return;
	free(l->items);
	store__mem_free(l->mem_);
	free(l);
}

/* The next item of *list (made when NULL), zeroed; NULL when out of
 * memory. */
static store_contribution_info *list_push(store_contributions **list)
{
	store_contributions *l = *list ? *list : (*list = list_new());

	if (!l)
		return NULL;
	if (l->n == l->cap_) {
		size_t cap = l->cap_ ? 2 * l->cap_ : 16;
		store_contribution_info *items = realloc(l->items, cap * sizeof *items);
		if (!items)
			return NULL;
		l->items = items;
		l->cap_ = cap;
	}
	memset(&l->items[l->n], 0, sizeof l->items[0]);
	return &l->items[l->n++];
}

int store__read_contribution(store_contributions **list, sqlite3_stmt *st, int at)
{
	store_contribution_info *c = list_push(list);
	struct store_mem *m;
	int state, phase;

	if (!c)
		return STORE_ERR;
	m = (*list)->mem_;
	state = vocab_contribution_find((const char *)sqlite3_column_text(st, at + 9));
	phase = vocab_activity_find((const char *)sqlite3_column_text(st, at + 10));
	c->id = sqlite3_column_int64(st, at);
	c->participant_id = sqlite3_column_int64(st, at + 1);
	c->activity_id = sqlite3_column_int64(st, at + 2);
	c->activity = store__column(m, st, at + 3);
	c->board = store__column(m, st, at + 4);
	c->parent_id = sqlite3_column_int64(st, at + 5); /* NULL reads as 0 */
	c->position = sqlite3_column_int64(st, at + 6);
	c->text = store__column(m, st, at + 7);
	c->author = store__column(m, st, at + 8);
	/* The schema's CHECKs hold the states to the vocabulary's. */
	c->state = state < 0 ? VOCAB_DELETED : (vocab_contribution_state)state;
	c->phase = phase < 0 ? VOCAB_CLOSED : (vocab_activity_state)phase;
	c->votes = sqlite3_column_int64(st, at + 11);
	c->created = store__column(m, st, at + 12);
	c->edited = sqlite3_column_int(st, at + 13);
	c->original = store__column(m, st, at + 14);
	if (!c->activity || !c->board || !c->text || !c->created) {
		(*list)->n--;
		return STORE_ERR;
	}
	return STORE_OK;
}

int store_contributions_add(store_contributions **list, const store_contribution_info *c)
{
	store_contribution_info *to = list_push(list);
	struct store_mem *m;

	if (!to)
		return STORE_ERR;
	m = (*list)->mem_;
	*to = *c;
	to->activity = store__strdup(m, c->activity);
	to->board = store__strdup(m, c->board);
	to->text = store__strdup(m, c->text);
	to->author = store__strdup(m, c->author);
	to->created = store__strdup(m, c->created);
	to->original = store__strdup(m, c->original);
	if (store__mem_failed(m)) {
		(*list)->n--;
		return STORE_ERR;
	}
	return STORE_OK;
}

/* store__each's row: appends the contribution of the row to the list. */
static int read_row(void *list, sqlite3_stmt *st)
{
	return store__read_contribution(list, st, 0) != STORE_OK;
}

/* Steps st to its end, appending each row to a new list *out. On failure
 * *out is NULL. */
static int read_all(store *s, sqlite3_stmt *st, store_contributions **out)
{
	int rc = (*out = list_new()) ? store__each(s, st, read_row, out) : STORE_ERR;

	if (rc != STORE_OK) {
		store_contributions_free(*out);
		*out = NULL;
	}
	return rc;
}

#define CONTRIBUTIONS                                                            \
	"SELECT " STORE__INFO_COLS " FROM contribution c"                            \
	" JOIN board b ON b.id = c.board_id JOIN activity a ON a.id = b.activity_id"

int store_contributions_get(store *s, long long seminar_id, long long activity_id,
                            store_contributions **out)
{
	*out = NULL;
	/* One statement per shape: the seminar's, or one activity's. */
	return read_all(s,
	                activity_id > 0
	                    ? store__query(s, CONTRIBUTIONS " WHERE a.id = ? AND" STORE__LIVE
	                                      " ORDER BY c.id", "i", activity_id)
	                    : store__query(s, CONTRIBUTIONS " WHERE a.seminar_id = ? AND"
	                                      STORE__LIVE " ORDER BY c.id", "i", seminar_id),
	                out);
}

int store_contribution_read(store *s, long long id, int with_actions,
                            store_contributions **out)
{
	int rc;

	*out = NULL;
	rc = read_all(s,
	              with_actions
	                  ? store__query(s, CONTRIBUTIONS " WHERE c.id = ?1"
	                                    " OR (c.parent_id = ?1 AND c.state <> 'deleted')"
	                                    " ORDER BY c.id <> ?1, c.position, c.id", "i", id)
	                  : store__query(s, CONTRIBUTIONS " WHERE c.id = ?", "i", id),
	              out);
	if (rc == STORE_OK && ((*out)->n == 0 || (*out)->items[0].id != id)) {
		store_contributions_free(*out);
		*out = NULL;
		rc = STORE_NOT_FOUND;
	}
	return rc;
}

/* The two lists of store_participant_items being read. */
struct items {
	store_ids *list[2];
	size_t cap[2];
};

/* store__each's row: column 0 says which list, column 1 is the id. */
static int item_row(void *ctx, sqlite3_stmt *st)
{
	struct items *it = ctx;
	int k = sqlite3_column_int(st, 0) ? 1 : 0;
	store_ids *ids = it->list[k];

	if (ids->n == it->cap[k]) {
		size_t ncap = it->cap[k] ? 2 * it->cap[k] : 16;
		long long *n = realloc(ids->ids, ncap * sizeof *n);
		if (!n)
			return -1;
		ids->ids = n;
		it->cap[k] = ncap;
	}
	ids->ids[ids->n++] = sqlite3_column_int64(st, 1);
	return 0;
}

int store_participant_items(store *s, long long participant_id, store_ids *mine,
                            store_ids *votes)
{
	struct items it = {{mine, votes}, {0, 0}};
	int rc;

	memset(mine, 0, sizeof *mine);
	memset(votes, 0, sizeof *votes);
	rc = store__each(s,
	                 store__query(s,
	                              "SELECT 0, id FROM contribution"
	                              " WHERE participant_id = ?1 AND state <> 'deleted'"
	                              " UNION ALL SELECT 1, contribution_id FROM vote"
	                              " WHERE participant_id = ?1 ORDER BY 1, 2",
	                              "i", participant_id),
	                 item_row, &it);
	if (rc != STORE_OK) {
		free(mine->ids);
		free(votes->ids);
		memset(mine, 0, sizeof *mine);
		memset(votes, 0, sizeof *votes);
	}
	return rc;
}

/* ===== A seminar and its programme ===== */

void store_seminar_info_free(store_seminar_info *si)
{
	if (si)
		store__mem_free(si->mem_); /* si lives in its own arena */
}

/* What a seminar's activities and groups are read into before their
 * arrays are made to measure. */
struct gather {
	struct store_mem *m; /* where the strings go */
	store_activity_info *acts;
	size_t nacts, capacts;
	const char **names; /* animators, activity after activity */
	long long *keys;    /* the place of each in its activity's array */
	size_t nnames, capnames, capkeys;
	store_board_info *boards; /* boards, activity after activity */
	size_t nboards, capboards;
	size_t *first_name; /* per activity: its first animator in names */
	size_t capfirst;
	size_t at; /* the activity whose boards are being read */
	store_group_info *groups; /* the seminar's stakeholder groups */
	size_t ngroups, capgroups;
};

/* Grows the array *a of n elements of size sz to hold one more. */
static int grow(void **a, size_t n, size_t *cap, size_t sz)
{
	void *p;
	if (n < *cap)
		return 0;
	*cap = *cap ? 2 * *cap : 16;
	if (!(p = realloc(*a, *cap * sz)))
		return -1;
	*a = p;
	return 0;
}

/* store__each's row of the activities (with their animators: one row per
 * animator, an activity without any on one row whose last column is
 * NULL). */
static int activity_row(void *ctx, sqlite3_stmt *st)
{
	struct gather *g = ctx;
	long long id = sqlite3_column_int64(st, 0);

	if (!g->nacts || g->acts[g->nacts - 1].id != id) {
		store_activity_info *a;
		int state = vocab_activity_find((const char *)sqlite3_column_text(st, 5));
		if (grow((void **)&g->acts, g->nacts, &g->capacts, sizeof *g->acts) ||
		    grow((void **)&g->first_name, g->nacts, &g->capfirst, sizeof(size_t)))
			return -1;
		a = &g->acts[g->nacts];
		memset(a, 0, sizeof *a);
		g->first_name[g->nacts++] = g->nnames;
		a->id = id;
		a->slug = store__column(g->m, st, 1);
		a->title = store__column(g->m, st, 2);
		a->question = store__column(g->m, st, 3);
		a->template_name = store__column(g->m, st, 4);
		a->state = state < 0 ? VOCAB_PREPARED : (vocab_activity_state)state;
		a->vote_budget = sqlite3_column_int64(st, 6);
		a->phases = vocab_phases_of(vocab_phases_read((const char *)sqlite3_column_text(st, 9)));
		a->voters = sqlite3_column_int64(st, 10);
		a->timer = (store_timer){sqlite3_column_int64(st, 11), sqlite3_column_int64(st, 12),
		                         sqlite3_column_int64(st, 13), sqlite3_column_int(st, 14)};
		a->start = store__column(g->m, st, 15);
		a->end = store__column(g->m, st, 16);
	}
	if (sqlite3_column_type(st, 7) != SQLITE_NULL) {
		size_t at = g->nnames, first = g->first_name[g->nacts - 1];
		long long key = sqlite3_column_int64(st, 8);
		if (grow((void **)&g->names, g->nnames, &g->capnames, sizeof *g->names) ||
		    grow((void **)&g->keys, g->nnames, &g->capkeys, sizeof *g->keys))
			return -1;
		/* into its place among the activity's animators, by key */
		for (; at > first && g->keys[at - 1] > key; at--) {
			g->names[at] = g->names[at - 1];
			g->keys[at] = g->keys[at - 1];
		}
		g->names[at] = store__column(g->m, st, 7);
		g->keys[at] = key;
		g->nnames++;
		g->acts[g->nacts - 1].nanimators++;
	}
	return 0;
}

/* store__each's row of the boards, which come in the order of the
 * activities read before (a board of none of them is left). */
static int board_row(void *ctx, sqlite3_stmt *st)
{
	struct gather *g = ctx;
	long long activity_id = sqlite3_column_int64(st, 0);
	store_board_info *b;
	int kind;

	while (g->at < g->nacts && g->acts[g->at].id != activity_id)
		g->at++;
	if (g->at == g->nacts)
		return 0; /* never: the same order as the activities */
	if (grow((void **)&g->boards, g->nboards, &g->capboards, sizeof *g->boards))
		return -1;
	b = &g->boards[g->nboards++];
	kind = vocab_board_kind_find((const char *)sqlite3_column_text(st, 5));
	b->id = sqlite3_column_int64(st, 1);
	b->slug = store__column(g->m, st, 2);
	b->title = store__column(g->m, st, 3);
	b->prompt = store__column(g->m, st, 4);
	b->kind = kind < 0 ? VOCAB_NOTES : (vocab_board_kind)kind;
	g->acts[g->at].nboards++;
	return 0;
}

/* Gives each activity of g its animators and boards, and si its groups,
 * in arrays of m. */
static int settle(struct store_mem *m, struct gather *g, store_seminar_info *si)
{
	const char **names = g->nnames ? store__alloc(m, g->nnames * sizeof *names) : NULL;
	store_group_info *groups = g->ngroups ? store__alloc(m, g->ngroups * sizeof *groups) : NULL;
	store_board_info *boards = g->nboards ? store__alloc(m, g->nboards * sizeof *boards) : NULL;
	store_activity_info *acts = g->nacts ? store__alloc(m, g->nacts * sizeof *acts) : NULL;
	size_t b = 0;

	if (store__mem_failed(m))
		return STORE_ERR;
	if (g->nnames)
		memcpy(names, g->names, g->nnames * sizeof *names);
	if (g->nboards)
		memcpy(boards, g->boards, g->nboards * sizeof *boards);
	if (g->ngroups)
		memcpy(groups, g->groups, g->ngroups * sizeof *groups);
	for (size_t i = 0; i < g->nacts; i++) {
		acts[i] = g->acts[i];
		acts[i].animators = acts[i].nanimators ? names + g->first_name[i] : NULL;
		acts[i].boards = acts[i].nboards ? boards + b : NULL;
		b += acts[i].nboards;
	}
	si->activities = acts;
	si->nactivities = g->nacts;
	si->groups = groups;
	si->ngroups = g->ngroups;
	return STORE_OK;
}

/* store__each's row of the groups, in their order. */
static int group_row(void *ctx, sqlite3_stmt *st)
{
	struct gather *g = ctx;
	store_group_info *gi;

	if (grow((void **)&g->groups, g->ngroups, &g->capgroups, sizeof *g->groups))
		return -1;
	gi = &g->groups[g->ngroups++];
	gi->id = sqlite3_column_int64(st, 0);
	gi->slug = store__column(g->m, st, 1);
	gi->label = store__column(g->m, st, 2);
	return 0;
}

/* store__each's row of the seminar. */
static int seminar_row(void *ctx, sqlite3_stmt *st)
{
	store_seminar_info *si = ctx;
	si->id = sqlite3_column_int64(st, 0);
	si->code = store__column(si->mem_, st, 1);
	si->title = store__column(si->mem_, st, 2);
	si->date = store__column(si->mem_, st, 3);
	si->venue = store__column(si->mem_, st, 4);
	si->description = store__column(si->mem_, st, 5);
	return 0;
}

/* The animators of an activity are a JSON array of strings in its row:
 * json_each lists them with their place in it (activity_row puts them in
 * that order: sorting them in SQL would cost the query a temporary
 * b-tree); anything else in the column is read as none. The programme's
 * positions are unique, so each activity's rows come together. */
#define ACTIVITIES(where)                                                        \
	"SELECT a.id, a.slug, a.title, a.question, a.template, a.state, a.vote_budget," \
	" j.value, j.key, a.phases, CASE WHEN instr(?2, '|' || a.state || '|') THEN"    \
	" (SELECT COUNT(DISTINCT v.participant_id) FROM board vb"                     \
	" JOIN contribution vc ON vc.board_id = vb.id"                                \
	" JOIN vote v ON v.contribution_id = vc.id WHERE vb.activity_id = a.id)"      \
	" ELSE 0 END, a.timer_duration, a.timer_left, IFNULL(a.timer_ends, 0),"       \
	" a.timer_advance, a.slot_start, a.slot_end FROM activity a"                  \
	" LEFT JOIN json_each(CASE WHEN json_valid(a.animators) THEN a.animators"    \
	" ELSE '[]' END) j ON j.type = 'text' WHERE " where " ORDER BY a.position"
#define PROGRAMME "a.seminar_id = ?1 AND a.archived IS NULL"
#define BOARDS(where)                                                            \
	"SELECT b.activity_id, b.id, b.slug, b.title, b.prompt, b.kind FROM board b" \
	" JOIN activity a ON a.id = b.activity_id WHERE " where                      \
	" AND b.archived IS NULL ORDER BY a.position, a.id, b.position"

int store_seminar_get(store *s, long long seminar_id, long long activity_id,
                      store_seminar_info **out)
{
	struct store_mem *m = store__mem_new();
	store_seminar_info *si = m ? store__alloc(m, sizeof *si) : NULL;
	struct gather g = {0};
	int one = activity_id > 0, rc = STORE_ERR;
	char voting[128] = "|";

	/* The states whose voters are counted, as "|name|name|": the count
	 * is read for the activities in one of them only. */
	for (int k = 0; k < VOCAB_ACTIVITY_STATES; k++)
		if (vocab_activity((vocab_activity_state)k)->voters_shown) {
			strncat(voting, vocab_activity((vocab_activity_state)k)->name,
			        sizeof voting - strlen(voting) - 2);
			strcat(voting, "|");
		}
	*out = NULL;
	if (!si)
		goto done;
	si->mem_ = m;
	rc = store__each(s,
	                 store__query(s,
	                              "SELECT id, code, title, date, venue, description FROM seminar"
	                              " WHERE id = ?",
	                              "i", seminar_id),
	                 seminar_row, si);
	if (rc == STORE_OK && !si->id)
		rc = STORE_NOT_FOUND;
	/* One statement per shape: the programme, or one activity. */
	g.m = m;
	if (rc == STORE_OK)
		rc = store__each(s, store__query(s, one ? ACTIVITIES("a.id = ?1") : ACTIVITIES(PROGRAMME),
		                                 "it", one ? activity_id : seminar_id, voting),
		                 activity_row, &g);
	if (rc == STORE_OK)
		rc = store__each(s, store__query(s, one ? BOARDS("a.id = ?1") : BOARDS(PROGRAMME), "i",
		                                 one ? activity_id : seminar_id),
		                 board_row, &g);
	if (rc == STORE_OK && !one)
		rc = store__each(s, store__query(s, "SELECT id, slug, label FROM stakeholder_group"
		                                    " WHERE seminar_id = ? AND archived IS NULL"
		                                    " ORDER BY position", "i", seminar_id),
		                 group_row, &g);
	if (rc == STORE_OK)
		rc = settle(m, &g, si);
	if (rc == STORE_OK && store__mem_failed(m))
		rc = STORE_ERR;
	if (rc == STORE_OK) {
		*out = si;
		m = NULL;
	}
done:
	free(g.acts);
	free(g.names);
	free(g.keys);
	free(g.boards);
	free(g.first_name);
	free(g.groups);
	store__mem_free(m);
	return rc;
}

/* ===== Figures per stakeholder group ===== */

/* store__each's row of the figures. */
static int figure_row(void *ctx, sqlite3_stmt *st)
{
	store_group_figures *f = ctx;

	if (grow((void **)&f->items, f->n, &f->cap_, sizeof *f->items))
		return -1;
	f->items[f->n++] = (store_group_figure){sqlite3_column_int64(st, 0),
	                                        sqlite3_column_int64(st, 1),
	                                        sqlite3_column_int64(st, 2),
	                                        sqlite3_column_int64(st, 3)};
	return 0;
}

int store_group_figures_get(store *s, long long seminar_id, store_group_figures *out)
{
	int rc;

	memset(out, 0, sizeof *out);
	/* A participant's group counts while it is in the definition; the
	 * contributions counted are the visible ones, as the synthesis's. */
	rc = store__each(s,
	                 store__query(s,
	                              "SELECT x.aid, x.gid, SUM(x.np), SUM(x.nc) FROM ("
	                              " SELECT t.activity_id AS aid, IFNULL(g.id, 0) AS gid,"
	                              "  1 AS np, 0 AS nc FROM attendance t"
	                              "  JOIN activity a ON a.id = t.activity_id"
	                              "  JOIN participant p ON p.id = t.participant_id"
	                              "  LEFT JOIN stakeholder_group g ON g.id = p.group_id"
	                              "   AND g.archived IS NULL"
	                              "  WHERE a.seminar_id = ?1 AND a.archived IS NULL"
	                              " UNION ALL"
	                              " SELECT b.activity_id, IFNULL(g.id, 0), 0, 1 FROM contribution c"
	                              "  JOIN board b ON b.id = c.board_id"
	                              "  JOIN activity a ON a.id = b.activity_id"
	                              "  JOIN participant p ON p.id = c.participant_id"
	                              "  LEFT JOIN stakeholder_group g ON g.id = p.group_id"
	                              "   AND g.archived IS NULL"
	                              "  WHERE a.seminar_id = ?1 AND a.archived IS NULL"
	                              "  AND b.archived IS NULL AND c.state = 'visible'"
	                              ") x GROUP BY x.aid, x.gid",
	                              "i", seminar_id),
	                 figure_row, out);
	if (rc != STORE_OK) {
		free(out->items);
		memset(out, 0, sizeof *out);
	}
	return rc;
}
