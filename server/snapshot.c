/*
 * snapshot.c — shared, counted snapshot tails and their small cache (see
 * snapshot.h).
 *
 * A cache is a handful of entries, most recently made first: a seminar
 * with parallel ateliers has a few boards being joined at once. An entry
 * holds what the store gave for one (seminar, activity, sequence number,
 * store version), the participants whose own contributions read otherwise
 * than the public's, and a tail per audience once one was asked for. No
 * state outside the objects it makes. Must not touch the network or SQL,
 * nor decide what an audience sees (view.c does, view_wire.c renders).
 */
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

#include "store_domain.h"
#include "view_wire.h"

#define SLOTS 8

struct snapshot {
	unsigned refs;
	size_t len;
	char *text;
	void *obj;                 /* attached by the user, or NULL */
	void (*obj_free)(void *);
};

struct entry {
	long long seminar_id, activity_id, seq, version;
	store_seminar_info *seminar; /* NULL: the slot is empty */
	store_contributions *list;
	long long *authors;          /* sorted: participants with a tail of their own */
	size_t nauthors;
	snapshot *tail[VIEW_AUDIENCES]; /* the shared ones: public, facilitators */
};

struct snapshot_cache {
	struct entry slot[SLOTS];
	int defer; /* cold snapshots are the turn's to have built elsewhere */
};

struct snapshot_cold {
	struct entry e; /* its version is the cache's to give */
};

snapshot *snapshot_ref(snapshot *s)
{
	if (s)
		s->refs++;
	return s;
}

void snapshot_unref(snapshot *s)
{
	if (!s || --s->refs)
		return;
	if (s->obj && s->obj_free)
		s->obj_free(s->obj);
	free(s->text);
	free(s);
}

const char *snapshot_text(const snapshot *s, size_t *len)
{
	*len = s->len;
	return s->text;
}

void *snapshot_attached(const snapshot *s)
{
	return s->obj;
}

void snapshot_attach(snapshot *s, void *obj, void (*free_fn)(void *))
{
	s->obj = obj;
	s->obj_free = free_fn;
}

static void entry_clear(struct entry *e)
{
	store_seminar_info_free(e->seminar);
	store_contributions_free(e->list);
	free(e->authors);
	for (int a = 0; a < VIEW_AUDIENCES; a++)
		snapshot_unref(e->tail[a]);
	memset(e, 0, sizeof *e);
}

snapshot_cache *snapshot_cache_new(void)
{
	return calloc(1, sizeof(snapshot_cache));
}

void snapshot_cache_free(snapshot_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < SLOTS; i++)
		entry_clear(&c->slot[i]);
	free(c);
}

/* A new tail: the snapshot of e's structs for who. NULL when out of
 * memory. */
static snapshot *render(const struct entry *e, const view_who *who)
{
	snapshot *s = calloc(1, sizeof *s);

	if (!s || !(s->text = view_snapshot_tail(who, e->seq, e->seminar, e->list, &s->len))) {
		free(s);
		return NULL;
	}
	s->refs = 1;
	return s;
}

static int by_value(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

/* Reads what e's key names from the store, and who among the authors
 * sees some of their own contributions otherwise than the public. */
static int load(struct entry *e, store *st)
{
	int rc = store_seminar_get(st, e->seminar_id, 0, &e->seminar);
	size_t n = 0, cap = 0;

	if (rc == STORE_OK)
		rc = store_contributions_get(st, e->seminar_id, e->activity_id, &e->list);
	if (rc != STORE_OK)
		return rc;
	for (size_t i = 0; i < e->list->n; i++) {
		const store_contribution_info *c = &e->list->items[i];
		const vocab_activity_row *phase = vocab_activity(c->phase);
		int reworded = c->original != NULL; /* its author sees their words too */
		if (view_sees_reworded(VIEW_SELF, c->state, phase, reworded) ==
		    view_sees_reworded(VIEW_PUBLIC, c->state, phase, reworded))
			continue;
		if (n == cap) {
			long long *a = realloc(e->authors, (cap ? 2 * cap : 16) * sizeof *a);
			if (!a)
				return STORE_ERR;
			e->authors = a;
			cap = cap ? 2 * cap : 16;
		}
		e->authors[n++] = c->participant_id;
	}
	e->nauthors = n;
	if (n)
		qsort(e->authors, n, sizeof *e->authors, by_value);
	return STORE_OK;
}

/* The shared audience of a snapshot of activity_id for who, or -1 when
 * who needs a tail of their own. */
static int shared_audience(const struct entry *e, const view_who *who)
{
	if (who->facilitator && (!who->activity_id || who->activity_id == e->activity_id))
		return VIEW_FACILITATOR;
	if (who->participant_id && e->nauthors &&
	    bsearch(&who->participant_id, e->authors, e->nauthors, sizeof *e->authors, by_value))
		return -1;
	return VIEW_PUBLIC;
}

static const view_who canonical[VIEW_AUDIENCES] = {
	[VIEW_PUBLIC] = {0, 0, 0},
	[VIEW_FACILITATOR] = {1, 0, 0},
};

/* c's entry for the key, or NULL. */
static struct entry *lookup(snapshot_cache *c, long long seminar_id, long long activity_id,
                            long long seq, long long version)
{
	for (size_t i = 0; c && i < SLOTS && c->slot[i].seminar; i++) {
		struct entry *x = &c->slot[i];
		if (x->seminar_id == seminar_id && x->activity_id == activity_id && x->seq == seq &&
		    x->version == version)
			return x;
	}
	return NULL;
}

/* Puts fresh (taken) first in c; the oldest goes, the others move down
 * one. Returns where it is now. */
static struct entry *keep(snapshot_cache *c, struct entry *fresh)
{
	entry_clear(&c->slot[SLOTS - 1]);
	memmove(&c->slot[1], &c->slot[0], (SLOTS - 1) * sizeof c->slot[0]);
	c->slot[0] = *fresh;
	memset(fresh, 0, sizeof *fresh);
	return &c->slot[0];
}

/* The tail of e for who (a new reference), rendered for its audience the
 * first time. NULL when out of memory. */
static snapshot *tail_for(struct entry *e, const view_who *who)
{
	int a = shared_audience(e, who);
	if (a < 0)
		return render(e, who);
	if (!e->tail[a])
		e->tail[a] = render(e, &canonical[a]);
	return snapshot_ref(e->tail[a]);
}

int snapshot_get(snapshot_cache *c, store *st, const view_who *who, long long seminar_id,
                 long long activity_id, long long seq, snapshot **out)
{
	struct entry *e = NULL, fresh = {0};
	long long version = 0;
	int rc = store_version(st, &version);

	*out = NULL;
	if (rc != STORE_OK)
		return rc;
	if (!(e = lookup(c, seminar_id, activity_id, seq, version))) {
		fresh = (struct entry){.seminar_id = seminar_id, .activity_id = activity_id,
		                       .seq = seq, .version = version};
		if ((rc = load(&fresh, st)) != STORE_OK) {
			entry_clear(&fresh);
			return rc;
		}
		e = c ? keep(c, &fresh) : &fresh;
	}
	*out = tail_for(e, who);
	if (e == &fresh)
		entry_clear(&fresh);
	return *out ? STORE_OK : STORE_ERR;
}

void snapshot_cache_defer(snapshot_cache *c, int on)
{
	c->defer = on;
}

int snapshot_cache_defers(const snapshot_cache *c)
{
	return c && c->defer;
}

int snapshot_find(snapshot_cache *c, store *st, const view_who *who, long long seminar_id,
                  long long activity_id, long long seq, snapshot **out)
{
	long long version = 0;
	int rc = store_version(st, &version);
	struct entry *e;

	*out = NULL;
	if (rc != STORE_OK)
		return rc;
	if ((e = lookup(c, seminar_id, activity_id, seq, version)) && !(*out = tail_for(e, who)))
		return STORE_ERR;
	return STORE_OK;
}

int snapshot_cold_build(store *st, long long seminar_id, long long activity_id, int facilitator,
                        snapshot_cold **out)
{
	snapshot_cold *s = calloc(1, sizeof *s);
	int a = facilitator ? VIEW_FACILITATOR : VIEW_PUBLIC;
	int rc = s ? store_read_begin(st) : STORE_ERR;

	*out = NULL;
	if (rc != STORE_OK) {
		free(s);
		return rc;
	}
	s->e.seminar_id = seminar_id;
	s->e.activity_id = activity_id;
	if ((rc = store_seminar_seq(st, seminar_id, &s->e.seq)) == STORE_OK)
		rc = load(&s->e, st);
	store_read_end(st);
	if (rc == STORE_OK && !(s->e.tail[a] = render(&s->e, &canonical[a])))
		rc = STORE_ERR;
	if (rc != STORE_OK) {
		snapshot_cold_free(s);
		return rc;
	}
	*out = s;
	return STORE_OK;
}

long long snapshot_cold_seq(const snapshot_cold *s)
{
	return s->e.seq;
}

int snapshot_cold_tail(snapshot_cold *s, const view_who *who, snapshot **out)
{
	return (*out = tail_for(&s->e, who)) ? STORE_OK : STORE_ERR;
}

void snapshot_cache_put(snapshot_cache *c, store *st, snapshot_cold *s, long long version)
{
	long long now = 0;

	if (c && s && store_version(st, &now) == STORE_OK && now == version &&
	    !lookup(c, s->e.seminar_id, s->e.activity_id, s->e.seq, version)) {
		s->e.version = version;
		keep(c, &s->e);
	}
	snapshot_cold_free(s);
}

void snapshot_cold_free(snapshot_cold *s)
{
	if (!s)
		return;
	entry_clear(&s->e);
	free(s);
}
