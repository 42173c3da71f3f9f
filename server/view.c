/*
 * view.c — the audiences' table (view.h): for each audience, the states
 * of a contribution that reach it and those whose text it sees, and
 * whether an activity's phase may keep texts or tallies back from it.
 *
 * Boundary: data and the two questions asked of it; it must not grow
 * rules of its own. tests/unit/test_view.c checks the public's row
 * against the vocabulary's "shown" column, which the pages read.
 */
#include "view.h"

#include <stddef.h>

#define S(x) VIEW_STATE(VOCAB_##x)
#define EVERY (S(VISIBLE) | S(AWAITING) | S(HIDDEN) | S(MERGED) | S(DELETED) | S(REMOVED))

static const view_row rows[VIEW_AUDIENCES] = {
	/* A contribution awaiting moderation reaches its author and the
	 * facilitators only; a hidden or merged one reaches everyone without
	 * its text (so that it leaves their boards) but the facilitators, and
	 * so does one a facilitator removed; a
	 * deleted one's text reaches nobody. The participant's own writing
	 * stays theirs while the phase keeps the others' back. A reworded
	 * one shows its new wording to all; its author and the facilitators
	 * also see the words it had (originals).
	 *                     name           sent     texts                     phase: texts tallies, originals */
	[VIEW_PUBLIC] = {"public", EVERY & ~S(AWAITING), S(VISIBLE), 0, 0, 0},
	[VIEW_SELF] = {"self", EVERY, S(VISIBLE) | S(AWAITING), 1, 0, 1},
	[VIEW_FACILITATOR] = {"facilitator", EVERY,
	                      S(VISIBLE) | S(AWAITING) | S(HIDDEN) | S(MERGED) | S(REMOVED), 1, 1,
	                      1},
};

const view_row *view_row_of(view_audience a)
{
	return (unsigned)a < VIEW_AUDIENCES ? &rows[a] : NULL;
}

view_audience view_reach(const view_who *who, long long activity_id, long long author)
{
	if (!who)
		return VIEW_PUBLIC;
	if (who->facilitator && (!who->activity_id || who->activity_id == activity_id))
		return VIEW_FACILITATOR;
	if (who->participant_id && who->participant_id == author)
		return VIEW_SELF;
	return VIEW_PUBLIC;
}

unsigned view_sees(view_audience a, vocab_contribution_state state,
                   const vocab_activity_row *phase)
{
	return view_sees_reworded(a, state, phase, 0);
}

unsigned view_sees_reworded(view_audience a, vocab_contribution_state state,
                            const vocab_activity_row *phase, int reworded)
{
	const view_row *r = view_row_of(a);
	unsigned k = VIEW_SENT;

	if (!r || !(r->sent & VIEW_STATE(state)))
		return 0;
	if ((r->texts & VIEW_STATE(state)) && (r->any_phase_texts || (phase && phase->texts_shown)))
		k |= VIEW_TEXT | (r->originals && reworded ? VIEW_ORIGINAL : 0);
	if (r->any_phase_tallies || (phase && phase->tallies_shown))
		k |= VIEW_TALLY;
	return k;
}
