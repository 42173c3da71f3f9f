/*
 * export_view.c — the synthesis document (docs/EXPORTS.md) from a
 * seminar's data as the store reads it: the view of the synthesis's
 * readers. The rules are in export_view.h; what a contribution's state
 * does to it is the table by_state below.
 *
 * Boundary: decides what the synthesis holds and in which order, and
 * builds the document that export.c's renderers read. Reads the store
 * through store_synthesis_read only. Must not render a format, write a
 * file, nor know how the store keeps its data.
 */
#include "export_view.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "groups.h"
#include "vocab.h"

/* What the synthesis does with a contribution in each state: whether the
 * document holds it (the JSON export is complete: hidden ones are there,
 * with their text), and whether the figures count it and its votes. A
 * rendered format shows the visible ones only (export_text_visible). */
static const struct synthesis_row {
	unsigned kept : 1;
	unsigned counted : 1;
} by_state[VOCAB_CONTRIBUTION_STATES] = {
	/*                  kept counted */
	[VOCAB_VISIBLE] = {1, 1},
	[VOCAB_AWAITING] = {1, 0},
	[VOCAB_HIDDEN] = {1, 0},
	[VOCAB_MERGED] = {1, 0},
	[VOCAB_DELETED] = {0, 0},
	[VOCAB_REMOVED] = {1, 0},
};
_Static_assert(VOCAB_CONTRIBUTION_STATES == 6,
               "a new contribution state needs its row in export_view.c's by_state");

static const struct synthesis_row *row_of(vocab_contribution_state s)
{
	static const struct synthesis_row none = {0, 0};
	return (unsigned)s < VOCAB_CONTRIBUTION_STATES ? &by_state[s] : &none;
}

/* ===== Orders ===== */

static int cmp_ll(long long x, long long y)
{
	return (x > y) - (x < y);
}

/* Activities: programme order. */
static int programme_order(const void *a, const void *b)
{
	const store_synthesis_activity *x = *(const store_synthesis_activity *const *)a;
	const store_synthesis_activity *y = *(const store_synthesis_activity *const *)b;
	int c = cmp_ll(x->position, y->position);
	return c ? c : cmp_ll(x->id, y->id);
}

/* A board with the figures of its contributions. */
struct tally {
	const store_synthesis_board *b;
	long long contributions, votes;
};

/* Boards by id, to find one. */
static int board_id_order(const void *a, const void *b)
{
	return cmp_ll(((const struct tally *)a)->b->id, ((const struct tally *)b)->b->id);
}

/* Boards by activity, then in their activity's definition order. */
static int board_order(const void *a, const void *b)
{
	const store_synthesis_board *x = (*(const struct tally *const *)a)->b;
	const store_synthesis_board *y = (*(const struct tally *const *)b)->b;
	int c = cmp_ll(x->activity_id, y->activity_id);
	if (!c)
		c = cmp_ll(x->position, y->position);
	return c ? c : cmp_ll(x->id, y->id);
}

/* Top-level contributions by board, then most voted first, then by
 * creation time, then by id. */
static int top_order(const void *a, const void *b)
{
	const store_synthesis_contribution *x = *(const store_synthesis_contribution *const *)a;
	const store_synthesis_contribution *y = *(const store_synthesis_contribution *const *)b;
	int c = cmp_ll(x->board_id, y->board_id);
	if (!c)
		c = cmp_ll(y->votes, x->votes);
	if (!c)
		c = strcmp(x->created ? x->created : "", y->created ? y->created : "");
	return c ? c : cmp_ll(x->id, y->id);
}

/* Stakeholder groups: the definition's order. */
static int group_order(const void *a, const void *b)
{
	const store_synthesis_group *x = *(const store_synthesis_group *const *)a;
	const store_synthesis_group *y = *(const store_synthesis_group *const *)b;
	int c = cmp_ll(x->position, y->position);
	return c ? c : cmp_ll(x->id, y->id);
}

/* Example actions by orientation, then in their own order. */
static int action_order(const void *a, const void *b)
{
	const store_synthesis_contribution *x = *(const store_synthesis_contribution *const *)a;
	const store_synthesis_contribution *y = *(const store_synthesis_contribution *const *)b;
	int c = cmp_ll(x->parent_id, y->parent_id);
	if (!c)
		c = cmp_ll(x->position, y->position);
	return c ? c : cmp_ll(x->id, y->id);
}

/* The first of the n sorted items at base whose key (key_of) is not
 * below key; n when none. */
typedef long long (*key_fn)(const void *item);

static size_t lower_bound(const void *base, size_t n, size_t size, long long key, key_fn key_of)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (key_of((const char *)base + mid * size) < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static long long tally_board(const void *p)
{
	return ((const struct tally *)p)->b->id;
}

static long long tally_activity(const void *p)
{
	return (*(const struct tally *const *)p)->b->activity_id;
}

static long long board_of(const void *p)
{
	return (*(const store_synthesis_contribution *const *)p)->board_id;
}

static long long parent_of(const void *p)
{
	return (*(const store_synthesis_contribution *const *)p)->parent_id;
}

/* ===== The selection ===== */

/* The seminar's data, chosen and ordered. Every array borrows from syn. */
struct view {
	const store_synthesis *syn;
	const store_synthesis_activity **acts; /* in the programme, in its order */
	size_t nacts;
	struct tally *tallies; /* boards not archived (their activity may be), by id */
	size_t ntallies;
	struct tally **boards; /* the same, by activity and definition order */
	const store_synthesis_contribution **tops; /* kept, top-level, in order */
	size_t ntops;
	const store_synthesis_contribution **actions; /* kept example actions */
	size_t nactions;
	const store_synthesis_group **groups; /* not archived, in their order */
	size_t ngroups;
	/* Per activity of syn (its index there) and group (its index in
	 * groups, ngroups: « sans groupe »): who attend it, and their counted
	 * contributions. NULL when the seminar has no group. */
	long long *people, *written;
};

static void view_clear(struct view *v)
{
	free(v->acts);
	free(v->tallies);
	free(v->boards);
	free(v->tops);
	free(v->actions);
	free(v->groups);
	free(v->people);
	free(v->written);
}

/* The index in v->groups of the group group_id; v->ngroups (« sans
 * groupe ») for none, or for a group the definition no longer holds. */
static size_t group_index(const struct view *v, long long group_id)
{
	size_t g = 0;
	while (g < v->ngroups && v->groups[g]->id != group_id)
		g++;
	return g;
}

/* The index in syn->activities of the activity activity_id (nactivities
 * when none). */
static size_t activity_index(const store_synthesis *syn, long long activity_id)
{
	size_t i = 0;
	while (i < syn->nactivities && syn->activities[i].id != activity_id)
		i++;
	return i;
}

/* Chooses the groups of the definition, in their order, and counts per
 * activity and group who attend (their contributions are counted with
 * the boards', count_written): 0, or -1 when memory runs out. Nothing
 * when the seminar has no group. */
static int count_groups(struct view *v)
{
	const store_synthesis *syn = v->syn;
	size_t width, i;

	for (i = 0; i < syn->ngroups; i++)
		if (!syn->groups[i].archived)
			v->groups[v->ngroups++] = &syn->groups[i];
	if (!v->ngroups)
		return 0;
	qsort(v->groups, v->ngroups, sizeof *v->groups, group_order);
	width = v->ngroups + 1;
	v->people = calloc(syn->nactivities * width + 1, sizeof *v->people);
	v->written = calloc(syn->nactivities * width + 1, sizeof *v->written);
	if (!v->people || !v->written)
		return -1;
	for (i = 0; i < syn->npresence; i++) {
		size_t a = activity_index(syn, syn->presence[i].activity_id);
		if (a < syn->nactivities)
			v->people[a * width + group_index(v, syn->presence[i].group_id)] +=
				syn->presence[i].participants;
	}
	return 0;
}

/* Counts c, a counted contribution on board b (in the programme), for
 * its author's group in b's activity; nothing when the seminar has no
 * group. */
static void count_written(struct view *v, const store_synthesis_board *b,
                          const store_synthesis_contribution *c)
{
	size_t a;

	if (v->written && (a = activity_index(v->syn, b->activity_id)) < v->syn->nactivities)
		v->written[a * (v->ngroups + 1) + group_index(v, c->group_id)]++;
}

/* Fills v from syn: 0, or -1 when memory runs out. */
static int choose(struct view *v, const store_synthesis *syn)
{
	size_t i, n = syn->ncontributions;

	*v = (struct view){.syn = syn};
	v->acts = malloc((syn->nactivities + 1) * sizeof *v->acts);
	v->tallies = malloc((syn->nboards + 1) * sizeof *v->tallies);
	v->boards = malloc((syn->nboards + 1) * sizeof *v->boards);
	v->tops = malloc((n + 1) * sizeof *v->tops);
	v->actions = malloc((n + 1) * sizeof *v->actions);
	v->groups = malloc((syn->ngroups + 1) * sizeof *v->groups);
	if (!v->acts || !v->tallies || !v->boards || !v->tops || !v->actions || !v->groups)
		return -1;
	for (i = 0; i < syn->nactivities; i++)
		if (!syn->activities[i].archived)
			v->acts[v->nacts++] = &syn->activities[i];
	qsort(v->acts, v->nacts, sizeof *v->acts, programme_order);
	for (i = 0; i < syn->nboards; i++)
		if (!syn->boards[i].archived)
			v->tallies[v->ntallies++] = (struct tally){&syn->boards[i], 0, 0};
	qsort(v->tallies, v->ntallies, sizeof *v->tallies, board_id_order);
	for (i = 0; i < v->ntallies; i++)
		v->boards[i] = &v->tallies[i];
	qsort(v->boards, v->ntallies, sizeof *v->boards, board_order);
	if (count_groups(v))
		return -1;
	for (i = 0; i < n; i++) {
		const store_synthesis_contribution *c = &syn->contributions[i];
		const struct synthesis_row *r = row_of(c->state);
		if (r->counted) {
			struct tally *t = v->tallies;
			size_t k = lower_bound(t, v->ntallies, sizeof *t, c->board_id, tally_board);
			if (k < v->ntallies && t[k].b->id == c->board_id) {
				t[k].contributions++;
				t[k].votes += c->votes;
				count_written(v, t[k].b, c);
			}
		}
		if (!r->kept)
			continue;
		if (c->parent_id)
			v->actions[v->nactions++] = c;
		else
			v->tops[v->ntops++] = c;
	}
	qsort(v->tops, v->ntops, sizeof *v->tops, top_order);
	qsort(v->actions, v->nactions, sizeof *v->actions, action_order);
	return 0;
}

/* ===== The document ===== */

/* Sets member key of o to value (stolen): 0, or -1 when either is NULL
 * or memory runs out. */
static int set(json_t *o, const char *key, json_t *value)
{
	return json_object_set_new(o, key, value) ? -1 : 0;
}

static int append(json_t *list, json_t *value)
{
	return json_array_append_new(list, value) ? -1 : 0;
}

static json_t *text_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *text(const char *s)
{
	return json_string(s ? s : "");
}

/* A contribution, without its "actions". */
static json_t *contribution(const store_synthesis_contribution *c)
{
	const vocab_contribution_row *r = vocab_contribution(c->state);
	json_t *o = json_object();
	int bad = set(o, "id", json_integer(c->id));

	bad |= set(o, "text", text_or_null(c->text));
	bad |= set(o, "author", text_or_null(c->author));
	bad |= set(o, "state", text(r ? r->name : NULL));
	bad |= set(o, "votes", json_integer(c->votes));
	bad |= set(o, "created", text(c->created));
	bad |= set(o, "edited", json_boolean(c->edited));
	bad |= set(o, "original", text_or_null(c->original));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The top-level contributions of board b, each with its actions. */
static json_t *contributions(const struct view *v, const store_synthesis_board *b)
{
	json_t *list = json_array();
	size_t i = lower_bound(v->tops, v->ntops, sizeof *v->tops, b->id, board_of);
	int bad = !list;

	for (; !bad && i < v->ntops && v->tops[i]->board_id == b->id; i++) {
		const store_synthesis_contribution *top = v->tops[i];
		json_t *o = contribution(top), *actions = json_array();
		size_t k = lower_bound(v->actions, v->nactions, sizeof *v->actions, top->id,
		                       parent_of);
		bad = set(o, "actions", actions) | append(list, o);
		for (; !bad && k < v->nactions && v->actions[k]->parent_id == top->id; k++)
			bad = append(actions, contribution(v->actions[k]));
	}
	if (bad) {
		json_decref(list);
		return NULL;
	}
	return list;
}

/* The boards of activity a, from the i-th of v->boards on, each with its
 * contributions. */
static json_t *boards(const struct view *v, const store_synthesis_activity *a, size_t i)
{
	json_t *list = json_array();
	int bad = !list;

	for (; !bad && i < v->ntallies && v->boards[i]->b->activity_id == a->id; i++) {
		const store_synthesis_board *b = v->boards[i]->b;
		json_t *o = json_object();
		bad = set(o, "id", text(b->slug));
		bad |= set(o, "title", text(b->title));
		bad |= set(o, "prompt", text(b->prompt));
		bad |= set(o, "kind", text(vocab_board_kind_name(b->kind)));
		bad |= set(o, "contributions", contributions(v, b));
		if (bad)
			json_decref(o);
		else
			bad = append(list, o);
	}
	if (bad) {
		json_decref(list);
		return NULL;
	}
	return list;
}

/* Activity a's participation per group, masked (groups.h); null when
 * the seminar has no group. */
static json_t *by_group(const struct view *v, const store_synthesis_activity *a)
{
	size_t width = v->ngroups + 1, at = (size_t)(a - v->syn->activities) * width;
	groups_row *rows;
	json_t *table;

	if (!v->ngroups)
		return json_null();
	if (!(rows = calloc(width, sizeof *rows)))
		return NULL;
	for (size_t g = 0; g < width; g++)
		rows[g] = (groups_row){g < v->ngroups ? v->groups[g]->slug : NULL,
		                       g < v->ngroups ? v->groups[g]->label : NULL,
		                       v->people[at + g], v->written[at + g]};
	table = groups_table(rows, width);
	free(rows);
	return table;
}

/* An activity of the programme, with its figures and boards; its figures
 * are added to *c and *votes. */
static json_t *activity(const struct view *v, const store_synthesis_activity *a,
                        long long *c, long long *votes)
{
	const vocab_activity_row *state = vocab_activity(a->state);
	json_t *o = json_object(), *animators = json_array();
	long long n = 0, nv = 0;
	size_t first =
		lower_bound(v->boards, v->ntallies, sizeof *v->boards, a->id, tally_activity);
	int bad = set(o, "id", text(a->slug));

	for (size_t i = first; i < v->ntallies && v->boards[i]->b->activity_id == a->id; i++) {
		n += v->boards[i]->contributions;
		nv += v->boards[i]->votes;
	}
	*c += n;
	*votes += nv;
	bad |= set(o, "title", text(a->title));
	bad |= set(o, "question", text(a->question));
	bad |= set(o, "template", text(a->template_name));
	bad |= set(o, "state", text(state ? state->name : NULL));
	bad |= set(o, "vote_budget", json_integer(a->vote_budget));
	for (size_t k = 0; k < a->nanimators; k++)
		bad |= append(animators, text(a->animators[k]));
	bad |= set(o, "animators", animators);
	bad |= set(o, "participants", json_integer(a->attendance));
	bad |= set(o, "contributions", json_integer(n));
	bad |= set(o, "votes", json_integer(nv));
	bad |= set(o, "by_group", by_group(v, a));
	if (!bad)
		bad = set(o, "boards", boards(v, a, first));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The seminar's groups in the definition: [{"id", "label"}]. */
static json_t *groups(const struct view *v)
{
	json_t *list = json_array();
	int bad = !list;

	for (size_t g = 0; !bad && g < v->ngroups; g++)
		bad = append(list, json_pack("{s:o, s:o}", "id", text(v->groups[g]->slug), "label",
		                             text(v->groups[g]->label)));
	if (bad) {
		json_decref(list);
		return NULL;
	}
	return list;
}

int export_view_build(const store_synthesis *syn, const char *generated, json_t **out)
{
	struct view v;
	json_t *doc = NULL, *seminar = NULL, *totals = NULL, *acts = NULL;
	long long c = 0, votes = 0;
	int bad = choose(&v, syn);

	*out = NULL;
	if (!bad) {
		/* The activities first: the totals, which come before them, are
		 * their sums. */
		bad = !(acts = json_array());
		for (size_t i = 0; !bad && i < v.nacts; i++)
			bad = append(acts, activity(&v, v.acts[i], &c, &votes));
		seminar = json_object();
		bad |= set(seminar, "id", text(syn->slug));
		bad |= set(seminar, "code", text(syn->code));
		bad |= set(seminar, "title", text(syn->title));
		bad |= set(seminar, "date", text(syn->date));
		bad |= set(seminar, "venue", text(syn->venue));
		bad |= set(seminar, "description", text(syn->description));
		bad |= set(seminar, "groups", groups(&v));
		totals = json_object();
		bad |= set(totals, "participants", json_integer(syn->participants));
		bad |= set(totals, "contributions", json_integer(c));
		bad |= set(totals, "votes", json_integer(votes));
	}
	if (!bad) {
		doc = json_object();
		bad = set(doc, "format", json_string("atelier-synthese"));
		bad |= set(doc, "version", json_integer(1));
		bad |= set(doc, "generated", text_or_null(generated));
		bad |= set(doc, "seminar", seminar);
		bad |= set(doc, "totals", totals);
		bad |= set(doc, "activities", acts);
		bad |= set(doc, "audit", audit_json(syn->audit));
		seminar = totals = acts = NULL; /* the document's, even on failure */
	}
	view_clear(&v);
	json_decref(seminar);
	json_decref(totals);
	json_decref(acts);
	if (bad) {
		json_decref(doc);
		return -1;
	}
	*out = doc;
	return 0;
}

int export_view_document(store *s, const char *code, json_t **out)
{
	store_synthesis *syn = NULL;
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	int rc = store_synthesis_read(s, code, &syn);

	*out = NULL;
	if (rc != STORE_OK)
		return rc;
	if (!gmtime_r(&t, &tm) || !strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm))
		rc = export_view_build(syn, NULL, out);
	else
		rc = export_view_build(syn, now, out);
	store_synthesis_free(syn);
	return rc ? STORE_ERR : STORE_OK;
}
