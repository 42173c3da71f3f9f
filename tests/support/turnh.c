/*
 * turnh.c — the core's turn driven in process (turnh.h). Its sinks keep
 * replies per client and events in order; nothing here reaches a network.
 */
#include "turnh.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct conn {
	turn_client *c;
	json_t *replies;
	int closed;
};

struct turnh {
	turn *t;
	long long now;
	struct conn *conns;
	size_t nconns, capconns;
	seminar_event *events;
	size_t nevents, capevents;
};

static long long fake_clock(void *ctx)
{
	return ((turnh *)ctx)->now;
}

static int on_reply(void *ctx, void *conn, const char *text, snapshot *tail)
{
	turnh *h = ctx;
	size_t i = (size_t)(uintptr_t)conn - 1;
	seminar_result r = {.reply = (char *)text, .tail = tail};
	char *whole = seminar_result_text(&r);
	json_t *v = whole ? json_loads(whole, 0, NULL) : NULL;
	if (!v)
		v = json_string(whole ? whole : "");
	free(whole);
	if (i >= h->nconns || !h->conns[i].replies)
		return -1;
	json_array_append_new(h->conns[i].replies, v);
	return 0;
}

static void on_event(void *ctx, const seminar_event *e)
{
	turnh *h = ctx;
	if (h->nevents == h->capevents) {
		size_t ncap = h->capevents ? 2 * h->capevents : 64;
		seminar_event *ne = realloc(h->events, ncap * sizeof *ne);
		if (!ne)
			return;
		h->events = ne;
		h->capevents = ncap;
	}
	if (seminar_event_copy(&h->events[h->nevents], e) == 0)
		h->nevents++;
}

static void on_close(void *ctx, void *conn, int code, const char *reason)
{
	turnh *h = ctx;
	size_t i = (size_t)(uintptr_t)conn - 1;
	(void)reason;
	if (i < h->nconns)
		h->conns[i].closed = code;
}

turnh *turnh_new(store *st)
{
	turnh *h = calloc(1, sizeof *h);
	turn_sinks sinks = {.ctx = h, .reply = on_reply, .event = on_event, .close = on_close};
	if (!h || !(h->t = turn_new(st, NULL, fake_clock, h, &sinks))) {
		free(h);
		return NULL;
	}
	return h;
}

void turnh_free(turnh *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->nconns; i++) {
		turn_client_free(h->conns[i].c);
		json_decref(h->conns[i].replies);
	}
	free(h->conns);
	turnh_clear_events(h);
	free(h->events);
	turn_free(h->t);
	free(h);
}

turn *turnh_turn(turnh *h)
{
	return h->t;
}

turn_client *turnh_client(turnh *h)
{
	if (h->nconns == h->capconns) {
		size_t ncap = h->capconns ? 2 * h->capconns : 16;
		struct conn *nc = realloc(h->conns, ncap * sizeof *nc);
		if (!nc)
			return NULL;
		h->conns = nc;
		h->capconns = ncap;
	}
	struct conn *k = &h->conns[h->nconns];
	memset(k, 0, sizeof *k);
	/* the network's handle of a client is its place here, plus one */
	k->c = turn_client_new(h->t, (void *)(uintptr_t)(h->nconns + 1), "");
	k->replies = json_array();
	if (!k->c || !k->replies) {
		turn_client_free(k->c);
		json_decref(k->replies);
		return NULL;
	}
	h->nconns++;
	return k->c;
}

static struct conn *find(const turnh *h, const turn_client *c)
{
	for (size_t i = 0; i < h->nconns; i++)
		if (h->conns[i].c == c)
			return &h->conns[i];
	return NULL;
}

void turnh_drop(turnh *h, turn_client *c)
{
	struct conn *k = find(h, c);
	if (!k)
		return;
	turn_client_free(k->c);
	k->c = NULL;
	json_decref(k->replies);
	k->replies = NULL;
}

void turnh_set_clock(turnh *h, long long us)
{
	h->now = us;
}

int turnh_send(turnh *h, turn_client *c, const char *text)
{
	return turn_message(h->t, c, text, strlen(text));
}

int turnh_sendn(turnh *h, turn_client *c, const char *buf, size_t len)
{
	return turn_message(h->t, c, buf, len);
}

void turnh_end(turnh *h)
{
	turn_end(h->t);
}

json_t *turnh_replies(turnh *h, turn_client *c)
{
	struct conn *k = find(h, c);
	json_t *out;
	if (!k || !k->replies)
		return json_array();
	out = k->replies;
	k->replies = json_array();
	return out;
}

json_t *turnh_call(turnh *h, turn_client *c, const char *text)
{
	json_t *all, *last;
	if (turnh_send(h, c, text))
		return NULL;
	turnh_end(h);
	all = turnh_replies(h, c);
	last = json_array_size(all) ? json_incref(json_array_get(all, json_array_size(all) - 1))
	                            : NULL;
	json_decref(all);
	return last;
}

size_t turnh_event_count(const turnh *h)
{
	return h->nevents;
}

const seminar_event *turnh_event(const turnh *h, size_t i)
{
	return i < h->nevents ? &h->events[i] : NULL;
}

void turnh_clear_events(turnh *h)
{
	for (size_t i = 0; i < h->nevents; i++)
		seminar_event_clear(&h->events[i]);
	h->nevents = 0;
}

int turnh_closed(const turnh *h, const turn_client *c, int *code)
{
	struct conn *k = find((turnh *)h, c);
	if (code)
		*code = k ? k->closed : 0;
	return k && k->closed;
}
