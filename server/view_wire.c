/*
 * view_wire.c — the protocol's messages rendered for an audience
 * (view_wire.h): the seminar, activity, board and contribution objects of
 * docs/PROTOCOL.md, and the replies, events and snapshot tails made of
 * them.
 *
 * Boundary: applies view.c's table to the store's structs and encodes
 * (proto.h for the envelopes, jansson for the rest). A contribution's
 * text, author and tally are put in only when the audience's bits say
 * so. Must not read the store, decide rules, or touch the network.
 */
#include "view_wire.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include "audit.h"
#include "groups.h"
#include "proto.h"

/* ===== Objects ===== */

static json_t *str(const char *s)
{
	return json_string(s ? s : "");
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* The contribution object with the parts that sees (VIEW_* bits) lets
 * through; NULL when sees is 0 or out of memory. */
static json_t *contribution(const store_contribution_info *c, unsigned sees)
{
	const vocab_contribution_row *state = vocab_contribution(c->state);
	int text = (sees & VIEW_TEXT) != 0;
	json_t *o = sees ? json_object() : NULL;

	if (!o || !state)
		goto fail;
	if (json_object_set_new(o, "id", json_integer(c->id)) ||
	    json_object_set_new(o, "activity", str(c->activity)) ||
	    json_object_set_new(o, "board", str(c->board)) ||
	    json_object_set_new(o, "parent", c->parent_id ? json_integer(c->parent_id) : json_null()) ||
	    json_object_set_new(o, "position", json_integer(c->position)) ||
	    json_object_set_new(o, "text", text ? str(c->text) : json_null()) ||
	    json_object_set_new(o, "author", text ? str_or_null(c->author) : json_null()) ||
	    json_object_set_new(o, "state", json_string(state->name)) ||
	    json_object_set_new(o, "votes",
	                        (sees & VIEW_TALLY) ? json_integer(c->votes) : json_null()) ||
	    json_object_set_new(o, "created", str(c->created)) ||
	    json_object_set_new(o, "edited", json_boolean(c->edited)) ||
	    json_object_set_new(o, "rephrased", json_boolean(text && c->original)) ||
	    json_object_set_new(o, "original",
	                        (sees & VIEW_ORIGINAL) ? str_or_null(c->original) : json_null()))
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

/* What who sees of c. */
static unsigned sees_of(const view_who *who, const store_contribution_info *c)
{
	return view_sees_reworded(view_reach(who, c->activity_id, c->participant_id), c->state,
	                          vocab_activity(c->phase), c->original != NULL);
}

static json_t *board(const store_board_info *b)
{
	return json_pack("{s:o, s:o, s:o, s:s}", "id", str(b->slug), "title", str(b->title),
	                 "prompt", str(b->prompt), "kind",
	                 vocab_board_kind_name(b->kind) ? vocab_board_kind_name(b->kind) : "notes");
}

/* An activity's timer: {"duration","left","ends","running","advance"}
 * (ms of the server's clock; "ends" null while it does not run, "left"
 * what is left while it does not), or null when it has none. */
static json_t *timer(const store_timer *t)
{
	if (!t->duration)
		return json_null();
	return json_pack("{s:I, s:I, s:o, s:b, s:b}", "duration", (json_int_t)t->duration, "left",
	                 (json_int_t)t->left, "ends",
	                 t->ends ? json_integer(t->ends) : json_null(), "running", t->ends != 0,
	                 "advance", t->advance != 0);
}

/* The names of the phases of set, in the order of a day. */
static json_t *phases(unsigned set)
{
	json_t *list = json_array();

	for (int k = 0; list && k < VOCAB_ACTIVITY_STATES; k++)
		if ((set & VOCAB_PHASE(k)) &&
		    json_array_append_new(list, json_string(vocab_activity((vocab_activity_state)k)->name))) {
			json_decref(list);
			list = NULL;
		}
	return list;
}

static json_t *activity(const store_activity_info *a)
{
	const vocab_activity_row *state = vocab_activity(a->state);
	json_t *animators = json_array(), *boards = json_array(), *o;

	for (size_t i = 0; animators && i < a->nanimators; i++)
		if (json_array_append_new(animators, str(a->animators[i]))) {
			json_decref(animators);
			animators = NULL;
		}
	for (size_t i = 0; boards && i < a->nboards; i++)
		if (json_array_append_new(boards, board(&a->boards[i]))) {
			json_decref(boards);
			boards = NULL;
		}
	if (!animators || !boards || !state) {
		json_decref(animators);
		json_decref(boards);
		return NULL;
	}
	o = json_pack("{s:o, s:o, s:o, s:o, s:s, s:I, s:o, s:o, s:o, s:o}", "id", str(a->slug),
	              "title", str(a->title), "question", str(a->question), "template",
	              str(a->template_name), "state", state->name, "vote_budget",
	              (json_int_t)a->vote_budget, "start", str_or_null(a->start), "end",
	              str_or_null(a->end), "animators", animators, "boards", boards);
	if (o && (json_object_set_new(o, "phases", phases(a->phases)) ||
	          json_object_set_new(o, "timer", timer(&a->timer)) ||
	          json_object_set_new(o, "voters", state->voters_shown
	                                                  ? json_integer(a->voters)
	                                                  : json_null()))) {
		json_decref(o);
		o = NULL;
	}
	return o;
}

static json_t *seminar(const store_seminar_info *s)
{
	json_t *acts = json_array(), *groups = json_array();

	for (size_t i = 0; acts && i < s->nactivities; i++)
		if (json_array_append_new(acts, activity(&s->activities[i]))) {
			json_decref(acts);
			acts = NULL;
		}
	for (size_t i = 0; groups && i < s->ngroups; i++)
		if (json_array_append_new(groups, json_pack("{s:o, s:o}", "id", str(s->groups[i].slug),
		                                            "label", str(s->groups[i].label)))) {
			json_decref(groups);
			groups = NULL;
		}
	if (!acts || !groups) {
		json_decref(acts);
		json_decref(groups);
		return NULL;
	}
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "code", str(s->code), "title",
	                 str(s->title), "date", str(s->date), "venue", str(s->venue),
	                 "description", str(s->description), "groups", groups, "activities",
	                 acts);
}

static const store_activity_info *activity_by_id(const store_seminar_info *s, long long id)
{
	for (size_t i = 0; s && i < s->nactivities; i++)
		if (s->activities[i].id == id)
			return &s->activities[i];
	return NULL;
}

static json_t *ids(const store_ids *list)
{
	json_t *a = json_array();

	for (size_t i = 0; a && list && i < list->n; i++)
		if (json_array_append_new(a, json_integer(list->ids[i]))) {
			json_decref(a);
			a = NULL;
		}
	return a;
}

/* Encodes reply type re with body (stolen; NULL: out of memory). */
static char *reply(const char *type, const char *re, json_t *body)
{
	char *text = body ? proto_encode_reply(type, re, body) : NULL;
	json_decref(body);
	return text;
}

/* ===== Replies ===== */

char *view_joined(const char *re, const char *token, const store_seminar_info *s,
                  const char *group, const store_ids *mine, const store_ids *votes)
{
	return reply("joined", re,
	             json_pack("{s:s, s:o, s:o, s:o, s:o}", "token", token, "group",
	                       str_or_null(group), "seminar", seminar(s), "my_contributions",
	                       ids(mine), "my_votes", ids(votes)));
}

/* The table of activity a's figures per group (groups.h), from the
 * seminar's figures f; NULL when out of memory. */
static json_t *activity_groups(const store_seminar_info *s, const store_activity_info *a,
                               const store_group_figures *f)
{
	size_t n = s->ngroups + 1; /* « sans groupe » last */
	groups_row *rows = calloc(n, sizeof *rows);
	json_t *o = NULL;

	if (!rows)
		return NULL;
	for (size_t g = 0; g < s->ngroups; g++)
		rows[g] = (groups_row){s->groups[g].slug, s->groups[g].label, 0, 0};
	for (size_t i = 0; i < f->n; i++) {
		size_t g = 0;
		if (f->items[i].activity_id != a->id)
			continue;
		while (g < s->ngroups && s->groups[g].id != f->items[i].group_id)
			g++; /* not one of them: « sans groupe » */
		rows[g].participants += f->items[i].participants;
		rows[g].contributions += f->items[i].contributions;
	}
	json_t *table = groups_table(rows, n);
	o = table ? json_pack("{s:o}", "id", str(a->slug)) : NULL;
	if (o && json_object_update(o, table)) {
		json_decref(o);
		o = NULL;
	}
	json_decref(table);
	free(rows);
	return o;
}

char *view_group_counts(const char *re, const store_seminar_info *s,
                        const store_group_figures *f, long long only_activity)
{
	json_t *acts = json_array();

	for (size_t i = 0; acts && s->ngroups && i < s->nactivities; i++) {
		if (only_activity && s->activities[i].id != only_activity)
			continue;
		if (json_array_append_new(acts, activity_groups(s, &s->activities[i], f))) {
			json_decref(acts);
			acts = NULL;
		}
	}
	return reply("group_counts", re, acts ? json_pack("{s:o}", "activities", acts) : NULL);
}

char *view_history(const char *re, long long contribution_id, const store_audit *a)
{
	json_t *entries = audit_json(a);
	return reply("history", re,
	             entries ? json_pack("{s:I, s:o}", "contribution", (json_int_t)contribution_id,
	                                 "entries", entries)
	                     : NULL);
}

char *view_ack_contribution(const char *re, const view_who *who,
                            const store_contributions *list, int actions,
                            long long votes_left)
{
	const store_contribution_info *c = list && list->n ? &list->items[0] : NULL;
	json_t *o = c ? contribution(c, sees_of(who, c)) : NULL, *acts = NULL, *body = NULL;

	if (!o)
		return NULL;
	if (actions) {
		acts = json_array();
		for (size_t i = 1; acts && i < list->n; i++) {
			unsigned sees = sees_of(who, &list->items[i]);
			if (sees && json_array_append_new(acts, contribution(&list->items[i], sees))) {
				json_decref(acts);
				acts = NULL;
			}
		}
		if (!acts || json_object_set_new(o, "actions", acts)) {
			json_decref(o);
			return NULL;
		}
	}
	body = json_pack("{s:o}", "contribution", o);
	if (body && votes_left >= 0 &&
	    json_object_set_new(body, "votes_left", json_integer(votes_left))) {
		json_decref(body);
		body = NULL;
	}
	return reply("ack", re, body);
}

char *view_ack_activity(const char *re, const store_activity_info *a)
{
	return reply("ack", re, json_pack("{s:o}", "activity", activity(a)));
}

/* The event object of a contribution or an activity, or NULL. */
static json_t *event(long long seq, const char *kind, json_t *object)
{
	if (!object)
		return NULL;
	return json_pack("{s:s, s:I, s:s, s:o}", "type", "event", "seq", (json_int_t)seq, "kind",
	                 kind, kind, object);
}

char *view_synced_events(const char *re, const view_who *who, long long seq, long long now,
                         const store_seminar_info *s, const store_events *events)
{
	json_t *list = json_array();

	for (size_t i = 0; list && events && i < events->n; i++) {
		const store_event_info *e = &events->items[i];
		const store_activity_info *a;
		json_t *o = NULL;
		unsigned sees;

		if (e->kind == STORE_EVENT_ACTIVITY) {
			if (!(a = activity_by_id(s, e->object_id)))
				continue; /* out of the programme: the seminar says so */
			o = event(e->seq, "activity", activity(a));
		} else {
			if (!e->contribution || !(sees = sees_of(who, e->contribution)))
				continue;
			if (e->kind == STORE_EVENT_TALLY && !(sees & VIEW_TALLY))
				continue; /* a vote, to one who does not see the tallies */
			o = event(e->seq, "contribution", contribution(e->contribution, sees));
		}
		if (json_array_append_new(list, o)) {
			json_decref(list);
			list = NULL;
		}
	}
	if (!list)
		return NULL;
	json_t *body = json_object();
	if (body && now > 0 && json_object_set_new(body, "now", json_integer(now))) {
		json_decref(body);
		body = NULL;
	}
	if (body && json_object_update_new(body, json_pack("{s:s, s:I, s:o, s:o}", "mode", "events",
	                                                   "seq", (json_int_t)seq, "seminar",
	                                                   seminar(s), "events", list))) {
		json_decref(body);
		body = NULL;
	} else if (!body) {
		json_decref(list);
	}
	return reply("synced", re, body);
}

/* A text that grows: the snapshot tail is written into one, object by
 * object, so that no tree of every contribution is ever held. */
struct text {
	char *p;
	size_t len, cap;
};

/* Makes room for need more bytes (and a NUL); -1 when out of memory. */
static int text_room(struct text *t, size_t need)
{
	if (t->len + need < t->cap)
		return 0;
	size_t cap = t->cap ? t->cap : 4096;
	while (cap <= t->len + need)
		cap = cap / 2 * 3;
	char *p = realloc(t->p, cap);
	if (!p)
		return -1;
	t->p = p;
	t->cap = cap;
	return 0;
}

static int text_add(struct text *t, const char *s, size_t n)
{
	if (text_room(t, n))
		return -1;
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
	return 0;
}

/* Appends o (stolen) compact; -1 when out of memory. */
static int text_add_json(struct text *t, json_t *o)
{
	size_t n = o ? json_dumpb(o, t->p + t->len, t->cap - t->len, JSON_COMPACT) : 0;
	int rc = n ? 0 : -1;

	if (n && n >= t->cap - t->len) { /* it did not fit: room, then again */
		rc = text_room(t, n);
		if (!rc && json_dumpb(o, t->p + t->len, t->cap - t->len, JSON_COMPACT) != n)
			rc = -1;
	}
	if (!rc) {
		t->len += n;
		t->p[t->len] = '\0';
	}
	json_decref(o);
	return rc;
}

char *view_snapshot_tail(const view_who *who, long long seq, const store_seminar_info *s,
                         const store_contributions *list, size_t *len)
{
	static const char open[] = ",\"contributions\":[", close[] = "]}";
	json_t *body = json_pack("{s:s, s:I, s:o}", "mode", "snapshot", "seq", (json_int_t)seq,
	                         "seminar", seminar(s));
	size_t head_len = 0, n = list ? list->n : 0;
	char *head = body ? proto_encode_reply_tail(body, &head_len) : NULL;
	/* About what a contribution takes; the text is fitted at the end. */
	struct text t = {NULL, 0, 0};
	int first = 1;

	json_decref(body);
	if (!head || text_room(&t, head_len + sizeof open + n * 256 + sizeof close) ||
	    text_add(&t, head, head_len - 1) || /* without its '}' */
	    text_add(&t, open, sizeof open - 1))
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const store_contribution_info *c = &list->items[i];
		unsigned sees = sees_of(who, c);
		if (!sees)
			continue;
		if ((!first && text_add(&t, ",", 1)) || text_add_json(&t, contribution(c, sees)))
			goto fail;
		first = 0;
	}
	if (text_add(&t, close, sizeof close - 1))
		goto fail;
	free(head);
	char *fit = realloc(t.p, t.len + 1);
	*len = t.len;
	return fit ? fit : t.p;
fail:
	free(head);
	free(t.p);
	return NULL;
}

/* ===== Events ===== */

void view_event_free(char *text[VIEW_AUDIENCES])
{
	for (int a = 0; a < VIEW_AUDIENCES; a++) {
		int shared = 0;
		for (int b = 0; b < a; b++)
			shared |= text[b] == text[a];
		if (!shared)
			free(text[a]);
	}
	for (int a = 0; a < VIEW_AUDIENCES; a++)
		text[a] = NULL;
}

/* view_event_at, and view_event_tally when tally is set. */
static int event_texts(long long seq, const store_contribution_info *c,
                       const store_activity_info *act, int tally, long long now,
                       char *text[VIEW_AUDIENCES])
{
	unsigned sees[VIEW_AUDIENCES];

	for (int a = 0; a < VIEW_AUDIENCES; a++) {
		text[a] = NULL;
		/* an activity is the same for everyone */
		sees[a] = c ? view_sees_reworded((view_audience)a, c->state, vocab_activity(c->phase),
		                                 c->original != NULL)
		            : VIEW_SENT | VIEW_TEXT | VIEW_TALLY;
		if (tally && !(sees[a] & VIEW_TALLY))
			sees[a] = 0;
	}
	for (int a = 0; a < VIEW_AUDIENCES; a++) {
		json_t *o;
		int same = -1;
		if (!sees[a])
			continue;
		for (int b = 0; b < a && same < 0; b++)
			if (sees[b] == sees[a])
				same = b;
		if (same >= 0) {
			text[a] = text[same];
			continue;
		}
		o = c ? contribution(c, sees[a]) : activity(act);
		if (o && !c && now > 0 && json_object_set_new(o, "now", json_integer(now))) {
			json_decref(o);
			o = NULL;
		}
		text[a] = o ? proto_encode_event(seq, c ? "contribution" : "activity", o) : NULL;
		json_decref(o);
		if (!text[a]) {
			view_event_free(text);
			return -1;
		}
	}
	return 0;
}

int view_event(long long seq, const store_contribution_info *c, const store_activity_info *act,
               char *text[VIEW_AUDIENCES])
{
	return event_texts(seq, c, act, 0, 0, text);
}

int view_event_at(long long seq, const store_contribution_info *c, const store_activity_info *act,
                  long long now, char *text[VIEW_AUDIENCES])
{
	return event_texts(seq, c, act, 0, now, text);
}

int view_event_tally(long long seq, const store_contribution_info *c,
                     char *text[VIEW_AUDIENCES])
{
	return event_texts(seq, c, NULL, 1, 0, text);
}
