/*
 * snapshot.c — shared, counted snapshot tails and their small cache (see
 * snapshot.h).
 *
 * A cache is a handful of slots, most recently made first: a seminar
 * with parallel ateliers has a few boards being joined at once, each
 * watched with or without the facilitator key. A slot keeps a reference
 * on its list (the key) and on its tail. No state outside the objects it
 * makes. Must not touch the network, SQLite, or decide what a watcher may
 * see (the store's list already says it).
 */
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

#include "proto.h"

#define SLOTS 8

struct snapshot {
	unsigned refs;
	size_t len;
	char *text;
	void *obj;                 /* attached by the user, or NULL */
	void (*obj_free)(void *);
};

struct slot {
	json_t *list;
	long long seq;
	snapshot *s;
};

struct snapshot_cache {
	struct slot slot[SLOTS];
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

static void slot_clear(struct slot *sl)
{
	json_decref(sl->list);
	snapshot_unref(sl->s);
	memset(sl, 0, sizeof *sl);
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
		slot_clear(&c->slot[i]);
	free(c);
}

snapshot *snapshot_find(snapshot_cache *c, json_t *list, long long seq)
{
	for (size_t i = 0; c && i < SLOTS && c->slot[i].list; i++)
		if (c->slot[i].list == list && c->slot[i].seq == seq)
			return snapshot_ref(c->slot[i].s);
	return NULL;
}

snapshot *snapshot_make(snapshot_cache *c, json_t *list, long long seq, json_t *body)
{
	snapshot *s = calloc(1, sizeof *s);

	if (!s || !list || !(s->text = proto_encode_reply_tail(body, &s->len))) {
		free(s);
		return NULL;
	}
	s->refs = 1;
	if (!c)
		return s;
	/* The oldest slot goes; the others move down one. */
	slot_clear(&c->slot[SLOTS - 1]);
	memmove(&c->slot[1], &c->slot[0], (SLOTS - 1) * sizeof c->slot[0]);
	c->slot[0] = (struct slot){json_incref(list), seq, snapshot_ref(s)};
	return s;
}
