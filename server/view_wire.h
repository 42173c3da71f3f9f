/*
 * view_wire.h — the views of the protocol: the store's structs turned into
 * the JSON messages of docs/PROTOCOL.md for one audience (view.h). Every
 * reply, event, snapshot and catch-up the server sends is made here.
 *
 * Boundary: structs in, encoded text out (jansson inside). What an
 * audience may see is view.c's table; this file only applies it. No
 * network, no SQLite, no rules. Each function returns a malloc'd,
 * NUL-terminated text (the caller frees it), or NULL when out of memory.
 */
#ifndef ATELIER_VIEW_WIRE_H
#define ATELIER_VIEW_WIRE_H

#include <stddef.h>
#include "store_domain.h"
#include "store_moderation.h"
#include "view.h"

/* ===== Replies ===== */

/* {"type":"joined","re","token","group","seminar","my_contributions",
 * "my_votes"}: what the participant themself gets on joining; group is
 * the slug of their stakeholder group, NULL for none. */
char *view_joined(const char *re, const char *token, const store_seminar_info *s,
                  const char *group, const store_ids *mine, const store_ids *votes);

/* {"type":"group_counts","re","activities":[{"id", the masked table of
 * groups.h}]}: the participation per stakeholder group of every activity
 * of the programme s (only_activity: that one alone, 0: all), from the
 * seminar's figures f; no activity when the seminar has no groups. A
 * facilitator's, and masked all the same: the console is projected. */
char *view_group_counts(const char *re, const store_seminar_info *s,
                        const store_group_figures *f, long long only_activity);

/* {"type":"ack","re","contribution"[,"votes_left"]} for who: the
 * contribution is list->items[0]; with actions, items[1..] are its
 * example actions ("contribution.actions"); votes_left < 0: none. */
char *view_ack_contribution(const char *re, const view_who *who,
                            const store_contributions *list, int actions,
                            long long votes_left);

/* {"type":"history","re","contribution","entries":[audit.h's rows]}: the
 * audit trail of one contribution, for a facilitator. */
char *view_history(const char *re, long long contribution_id, const store_audit *a);
/* {"type":"ack","re","activity"}. */
char *view_ack_activity(const char *re, const store_activity_info *a);

/* {"type":"synced","re","mode":"events","seq","seminar","events"}: the
 * events after a watch's since, each rendered for who; an event whose
 * object who does not see (or that is no longer in the programme) is left
 * out. now > 0: the server's time (ms), said first ("now") so that the
 * client counts its timers down from the server's clock. */
char *view_synced_events(const char *re, const view_who *who, long long seq, long long now,
                         const store_seminar_info *s, const store_events *events);

/* The end of a snapshot reply ("mode":"snapshot","seq","seminar",
 * "contributions"}: proto.h's reply tail) for who: every contribution of
 * list as who sees it. *len receives its length. */
char *view_snapshot_tail(const view_who *who, long long seq, const store_seminar_info *s,
                         const store_contributions *list, size_t *len /* OUT */);

/* ===== Events ===== */

/* One event, {"type":"event","seq","kind",<kind>:object}, for each
 * audience: text[a] (OUT) is audience a's, NULL when the object does not
 * reach it; audiences that would get the same bytes share one text (the
 * same pointer: free each distinct one once). Exactly one of c (a
 * contribution) and act (an activity) is given. Returns 0, or -1 when out
 * of memory (every text is then NULL). */
int view_event(long long seq, const store_contribution_info *c, const store_activity_info *act,
               char *text[VIEW_AUDIENCES] /* OUT */);

/* view_event, for an activity (act) with the server's time now (ms, > 0)
 * in its object ("activity":{…,"now"}), from which clients count its
 * timer down. */
int view_event_at(long long seq, const store_contribution_info *c, const store_activity_info *act,
                  long long now, char *text[VIEW_AUDIENCES] /* OUT */);

/* The event of a change of c's vote count alone (a vote, an unvote), as
 * view_event's, for the audiences that see c's tally only: to the others
 * it would say where a vote went while the phase keeps the tallies back
 * (text[a] NULL). */
int view_event_tally(long long seq, const store_contribution_info *c,
                     char *text[VIEW_AUDIENCES] /* OUT */);

/* Frees the texts of view_event (each distinct one once) and sets them
 * to NULL. */
void view_event_free(char *text[VIEW_AUDIENCES]);

#endif
