/*
 * seminar_timer.c — an activity's timer: a facilitator sets it (its
 * duration, and whether the activity then moves on to its next phase),
 * starts, pauses, adds a minute, stops it; the core ends it when the
 * server's clock reaches its end (timer_end, a deadline of the turn that
 * runs through the same command path as every other write).
 *
 * Time is the server's clock in ms (seminar_job.now: the turn's injected
 * clock), so that a test sets it and nothing waits. A running timer is
 * stored as the time it ends; phones and screens count down from it with
 * the server's time that replies and activity events carry ("now").
 *
 * Boundary: handlers of the command table (seminar_handlers.h), on the
 * helpers of seminar_private.h. No network, no SQL, no JSON: the timer's
 * wire shape is view_wire.c's.
 */
#include "seminar_private.h"
#include "seminar_handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIMER_MAX_SECONDS (24 * 3600) /* a day */
#define TIMER_MINUTE_MS 60000LL

/* The activity the message names, which the sender may act on (a key of
 * one activity acts on that one), into *a, and its seminar into *sid. */
static int timed_activity(struct seminar_job *j, long long *sid, store_activity *a)
{
	int rc = j->who->role == ROLE_SYSTEM ? seminar__find_seminar(j, sid)
	                                     : seminar__facilitated(j, sid);

	if (rc || (rc = seminar__find_activity(j, *sid, j->m->activity, a)))
		return rc;
	return seminar__may_act_on(j, a->id);
}

/* 1 when s may stand in a JSON string as it is (no quote, backslash nor
 * control character: a code or slug the store matched holds none). */
static int plain(const char *s)
{
	for (; s && *s; s++)
		if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20)
			return 0;
	return s != NULL;
}

int seminar_timer_end_message(const char *code, const char *slug, long long ends, char *out,
                              size_t len)
{
	int n;

	if (!plain(code) || !plain(slug))
		return -1;
	n = snprintf(out, len,
	             "{\"type\":\"timer_end\",\"id\":\"timer-%lld\",\"code\":\"%s\","
	             "\"activity\":\"%s\"}",
	             ends, code, slug);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Has the core run timer_end for the message's activity at t->ends. A
 * message that cannot be made is not scheduled (the timer still ends on
 * the pages; its phase stays). */
static int schedule_end(struct seminar_job *j, const store_timer *t)
{
	char text[256];
	size_t n;

	if (seminar_timer_end_message(j->m->code, j->m->activity, t->ends, text, sizeof text))
		return 0;
	n = strlen(text);
	free(j->r->deadline_text);
	if (!(j->r->deadline_text = malloc(n + 1)))
		return STORE_ERR;
	memcpy(j->r->deadline_text, text, n + 1);
	j->r->deadline = t->ends;
	return 0;
}

/* Writes timer t of activity a (when it differs from a's) and
 * acknowledges the activity as it is then, with its event when it
 * changed; a running timer gets its end scheduled. */
static int set(struct seminar_job *j, long long sid, const store_activity *a,
               const store_timer *t)
{
	const store_timer *was = &a->timer;
	int same = was->duration == t->duration && was->left == t->left && was->ends == t->ends &&
	           !was->advance == !t->advance;
	int rc;

	if (!same && (rc = store_activity_set_timer(j->st, a->id, t)))
		return rc;
	if (!same && t->ends && (rc = schedule_end(j, t)))
		return rc;
	return seminar__activity_changed(j, sid, a->id, !same);
}

/* One change of a timer: writes the timer t the message makes of the
 * activity's, or refuses it (a rule's code). */
typedef int (*timer_op)(struct seminar_job *j, store_timer *t);

/* The handlers' one path: the activity, its timer changed by op, then
 * written and acknowledged (set()). */
static int change(struct seminar_job *j, timer_op op)
{
	store_activity a;
	long long sid = 0;
	int rc = timed_activity(j, &sid, &a);
	store_timer t;

	if (rc)
		return rc;
	t = a.timer;
	if ((rc = op(j, &t)))
		return rc;
	return set(j, sid, &a, &t);
}

/* A duration: stopped, all of it left. */
static int set_op(struct seminar_job *j, store_timer *t)
{
	long long ms = j->m->seconds * 1000;

	if (j->m->seconds < 1 || j->m->seconds > TIMER_MAX_SECONDS)
		return seminar__refuse(j, PROTO_ERR_BAD_FIELD, "seconds: 1 to 86400");
	*t = (store_timer){ms, ms, 0, j->m->advance};
	return 0;
}

/* Runs from what is left; at zero, from its duration again. */
static int start_op(struct seminar_job *j, store_timer *t)
{
	if (!t->duration)
		return seminar__refuse(j, PROTO_ERR_ACTIVITY_STATE, "the activity has no timer");
	if (!t->ends) {
		t->ends = j->now + (t->left > 0 ? t->left : t->duration);
		t->left = 0;
	}
	return 0;
}

/* Stops where it is. */
static int pause_op(struct seminar_job *j, store_timer *t)
{
	if (t->ends) {
		t->left = t->ends > j->now ? t->ends - j->now : 0;
		t->ends = 0;
	}
	return 0;
}

/* A minute more: on the time left, or on the end of a running timer;
 * without a timer, a timer of a minute. */
static int add_op(struct seminar_job *j, store_timer *t)
{
	t->duration += TIMER_MINUTE_MS;
	if (t->ends)
		t->ends = (t->ends > j->now ? t->ends : j->now) + TIMER_MINUTE_MS;
	else
		t->left += TIMER_MINUTE_MS;
	return 0;
}

/* No timer any more. */
static int stop_op(struct seminar_job *j, store_timer *t)
{
	(void)j;
	*t = (store_timer){0, 0, 0, 0};
	return 0;
}

int seminar_do_timer_set(struct seminar_job *j)
{
	return change(j, set_op);
}

int seminar_do_timer_start(struct seminar_job *j)
{
	return change(j, start_op);
}

int seminar_do_timer_pause(struct seminar_job *j)
{
	return change(j, pause_op);
}

int seminar_do_timer_add(struct seminar_job *j)
{
	return change(j, add_op);
}

int seminar_do_timer_stop(struct seminar_job *j)
{
	return change(j, stop_op);
}

/* The next of a's phases after its state (the order of a day), or -1. */
static int next_phase(const store_activity *a)
{
	for (int k = (int)a->state + 1; k < VOCAB_ACTIVITY_STATES; k++)
		if (a->phases & VOCAB_PHASE(k))
			return k;
	return -1;
}

/* The core, when the clock reaches a timer's end: a timer paused, stopped
 * or moved since (its end is not due) is left as it is; one that is due
 * stops at zero and, when its facilitator chose so, the activity moves on
 * to its next phase: one event for both. */
int seminar_do_timer_end(struct seminar_job *j)
{
	store_activity a;
	long long sid = 0;
	int rc = timed_activity(j, &sid, &a), next;
	store_timer t;

	if (rc)
		return rc;
	t = a.timer;
	if (!t.ends || t.ends > j->now)
		return seminar__activity_changed(j, sid, a.id, 0);
	t.ends = 0;
	t.left = 0;
	if ((rc = store_activity_set_timer(j->st, a.id, &t)))
		return rc;
	next = t.advance ? next_phase(&a) : -1;
	if (next >= 0 && (rc = store_activity_set_state(j->st, a.id, (vocab_activity_state)next)))
		return rc;
	return seminar__activity_changed(j, sid, a.id, 1);
}
