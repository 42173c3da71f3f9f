/*
 * vocab.c — the vocabulary tables of vocab.h. docs/PROTOCOL.md describes
 * what each state allows; web/js/protocol.js carries the same rows for the
 * pages (tests/unit/test_vocab.c checks both, and the SQL CHECKs).
 *
 * Boundary: data and lookups only; it must not grow rules.
 */
#include "vocab.h"

#include <string.h>

static const vocab_activity_row activity_rows[VOCAB_ACTIVITY_STATES] = {
	/*                name        post vote edit texts tallies ranked voters always usual */
	[VOCAB_PREPARED] = {"prepared", 0, 0, 0, 1, 1, 0, 0, 1, 1},
	[VOCAB_OPEN] = {"open", 1, 1, 1, 1, 1, 0, 0, 0, 1},
	[VOCAB_WRITING] = {"writing", 1, 0, 1, 0, 0, 0, 0, 0, 0},
	[VOCAB_REVEAL] = {"reveal", 0, 0, 0, 1, 0, 0, 0, 0, 0},
	[VOCAB_VOTING] = {"voting", 0, 1, 0, 1, 1, 1, 0, 0, 1},
	[VOCAB_BLIND_VOTING] = {"blind_voting", 0, 1, 0, 1, 0, 0, 1, 0, 0},
	[VOCAB_RESULTS] = {"results", 0, 0, 0, 1, 1, 1, 0, 0, 0},
	[VOCAB_CLOSED] = {"closed", 0, 0, 0, 1, 1, 1, 0, 1, 1},
};

static const vocab_contribution_row contribution_rows[VOCAB_CONTRIBUTION_STATES] = {
	/*                 name      shown live counted */
	[VOCAB_VISIBLE] = {"visible", 1, 1, 1},
	[VOCAB_AWAITING] = {"awaiting", 0, 1, 1},
	[VOCAB_HIDDEN] = {"hidden", 0, 1, 1},
	[VOCAB_MERGED] = {"merged", 0, 0, 1},
	[VOCAB_DELETED] = {"deleted", 0, 0, 1},
	/* Removed by a facilitator: off the boards, on the console (to be
	 * restored), its votes given back to their voters' budgets. */
	[VOCAB_REMOVED] = {"removed", 0, 1, 0},
};

static const char *const board_kinds[VOCAB_BOARD_KINDS] = {
	[VOCAB_NOTES] = "notes",
	[VOCAB_ORIENTATIONS] = "orientations",
};

const vocab_activity_row *vocab_activity(vocab_activity_state s)
{
	return (unsigned)s < VOCAB_ACTIVITY_STATES ? &activity_rows[s] : NULL;
}

int vocab_activity_find(const char *name)
{
	for (int i = 0; name && i < VOCAB_ACTIVITY_STATES; i++)
		if (strcmp(activity_rows[i].name, name) == 0)
			return i;
	return -1;
}

unsigned vocab_usual_phases(void)
{
	unsigned set = 0;

	for (int i = 0; i < VOCAB_ACTIVITY_STATES; i++)
		if (activity_rows[i].usual)
			set |= VOCAB_PHASE(i);
	return set;
}

unsigned vocab_phases_of(unsigned chosen)
{
	unsigned set = 0;

	if (!chosen)
		return vocab_usual_phases();
	for (int i = 0; i < VOCAB_ACTIVITY_STATES; i++)
		if (activity_rows[i].always || (chosen & VOCAB_PHASE(i)))
			set |= VOCAB_PHASE(i);
	return set;
}

unsigned vocab_phases_read(const char *names)
{
	unsigned set = 0;

	while (names && *names) {
		size_t n = strcspn(names, " ");
		int found = -1;
		for (int i = 0; n && found < 0 && i < VOCAB_ACTIVITY_STATES; i++)
			if (strlen(activity_rows[i].name) == n && !strncmp(activity_rows[i].name, names, n))
				found = i;
		if (n && found < 0)
			return 0;
		if (n)
			set |= VOCAB_PHASE(found);
		names += n + (names[n] == ' ');
	}
	return set;
}

char *vocab_phases_write(unsigned set, char *out, size_t n)
{
	size_t at = 0;

	if (n)
		out[0] = '\0';
	for (int i = 0; i < VOCAB_ACTIVITY_STATES; i++) {
		size_t len = strlen(activity_rows[i].name);
		if (!(set & VOCAB_PHASE(i)) || at + len + 2 > n)
			continue;
		if (at)
			out[at++] = ' ';
		memcpy(out + at, activity_rows[i].name, len + 1);
		at += len;
	}
	return out;
}

const vocab_contribution_row *vocab_contribution(vocab_contribution_state s)
{
	return (unsigned)s < VOCAB_CONTRIBUTION_STATES ? &contribution_rows[s] : NULL;
}

int vocab_contribution_find(const char *name)
{
	for (int i = 0; name && i < VOCAB_CONTRIBUTION_STATES; i++)
		if (strcmp(contribution_rows[i].name, name) == 0)
			return i;
	return -1;
}

const char *vocab_board_kind_name(vocab_board_kind k)
{
	return (unsigned)k < VOCAB_BOARD_KINDS ? board_kinds[k] : NULL;
}

int vocab_board_kind_find(const char *name)
{
	for (int i = 0; name && i < VOCAB_BOARD_KINDS; i++)
		if (strcmp(board_kinds[i], name) == 0)
			return i;
	return -1;
}

/* ===== Screen modes ===== */

static const vocab_screen_row screen_rows[VOCAB_SCREEN_MODES] = {
	/*                          name   one_contribution whole_seminar */
	[VOCAB_SCREEN_BOARD] = {"board", 0, 0},
	[VOCAB_SCREEN_RESULTS] = {"results", 0, 0},
	[VOCAB_SCREEN_SWOT] = {"swot", 0, 0},
	[VOCAB_SCREEN_SPOTLIGHT] = {"spotlight", 1, 0},
	[VOCAB_SCREEN_PLENARY] = {"plenary", 0, 1},
};

const vocab_screen_row *vocab_screen(vocab_screen_mode m)
{
	return (unsigned)m < VOCAB_SCREEN_MODES ? &screen_rows[m] : NULL;
}

int vocab_screen_find(const char *name)
{
	for (int i = 0; name && i < VOCAB_SCREEN_MODES; i++)
		if (strcmp(screen_rows[i].name, name) == 0)
			return i;
	return -1;
}
