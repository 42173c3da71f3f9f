/*
 * seminar_handlers.h — the handlers of the command table (command.c),
 * one per message type, implemented by the domain rules by actor:
 * seminar_public.c (join, watch), seminar_participant.c (a participant's
 * writes), seminar_facilitator.c (a facilitator's changes) and
 * seminar_screen.c (the projection screens: pairing and modes).
 *
 * Each takes one message being handled (seminar_private.h) and returns 0,
 * SEMINAR_REFUSED (a rule said no) or a negative store code.
 */
#ifndef ATELIER_SEMINAR_HANDLERS_H
#define ATELIER_SEMINAR_HANDLERS_H

struct seminar_job;

int seminar_do_join(struct seminar_job *j);
int seminar_do_watch(struct seminar_job *j);
int seminar_do_post(struct seminar_job *j);
int seminar_do_edit(struct seminar_job *j);
int seminar_do_delete(struct seminar_job *j);
int seminar_do_vote(struct seminar_job *j);
int seminar_do_unvote(struct seminar_job *j);
int seminar_do_set_state(struct seminar_job *j);
int seminar_do_hide(struct seminar_job *j);
int seminar_do_show(struct seminar_job *j);
int seminar_do_group_counts(struct seminar_job *j);
/* Moderation (seminar_moderation.c). */
int seminar_do_rephrase(struct seminar_job *j);
int seminar_do_undo(struct seminar_job *j);
int seminar_do_history(struct seminar_job *j);
int seminar_do_remove(struct seminar_job *j);
int seminar_do_restore(struct seminar_job *j);
int seminar_do_move(struct seminar_job *j);
/* seminar_timer.c: an activity's timer */
int seminar_do_timer_set(struct seminar_job *j);
int seminar_do_timer_start(struct seminar_job *j);
int seminar_do_timer_pause(struct seminar_job *j);
int seminar_do_timer_add(struct seminar_job *j);
int seminar_do_timer_stop(struct seminar_job *j);
int seminar_do_timer_end(struct seminar_job *j);
/* The screens' (seminar_screen.c). */
int seminar_do_screen_hello(struct seminar_job *j);
int seminar_do_screen_pair(struct seminar_job *j);
int seminar_do_screen_set(struct seminar_job *j);
int seminar_do_screen_list(struct seminar_job *j);

#endif
