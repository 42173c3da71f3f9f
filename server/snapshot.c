/*
 * snapshot.c — shared, counted snapshot tails and their small cache (see
 * snapshot.h).
 *
 * The cache is a handful of slots, most recently made first: a seminar
 * with parallel ateliers has a few boards being joined at once, each
 * watched with or without the facilitator key. A slot keeps a reference
 * on its list (the key) and on its tail.
 * Must not touch the network, SQLite, or decide what a watcher may see
 * (the store's list already says it).
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

static struct slot {
	json_t *list;
	long long seq;
	snapshot *s;
} cache[SLOTS];

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

void snapshot_cache_clear(void)
{
	for (size_t i = 0; i < SLOTS; i++)
		slot_clear(&cache[i]);
}

snapshot *snapshot_find(json_t *list, long long seq)
{
	for (size_t i = 0; i < SLOTS && cache[i].list; i++)
		if (cache[i].list == list && cache[i].seq == seq)
			return snapshot_ref(cache[i].s);
	return NULL;
}

snapshot *snapshot_make(json_t *list, long long seq, json_t *body)
{
	snapshot *s = calloc(1, sizeof *s);

	if (!s || !list || !(s->text = proto_encode_reply_tail(body, &s->len))) {
		free(s);
		return NULL;
	}
	s->refs = 1;
	/* The oldest slot goes; the others move down one. */
	slot_clear(&cache[SLOTS - 1]);
	memmove(&cache[1], &cache[0], (SLOTS - 1) * sizeof cache[0]);
	cache[0] = (struct slot){json_incref(list), seq, snapshot_ref(s)};
	return s;
}
