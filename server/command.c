/*
 * command.c — the command table (command.h): for each message type its
 * wire name, its fields, its handler, the roles that may send it, whether
 * it writes and its rate class. docs/PROTOCOL.md describes each row.
 *
 * Boundary: data only; it must not grow logic. The parser, the turn and
 * the domain rules read these rows.
 */
#include "command.h"

#include <string.h>

#include "seminar_handlers.h"

#define F(f) PROTO_FIELD_BIT(PROTO_F_##f)

/* A message id is required on every message. */
#define ID F(ID)
/* What a facilitator's message names: its seminar and its key. */
#define KEYED (F(ID) | F(CODE) | F(KEY))
#define FACILITATORS ROLES_FACILITATING

static const command table[] = {
	{PROTO_JOIN, "join", ID | F(CODE), F(TOKEN) | F(NAME) | F(STRUCTURE) | F(GROUP), F(GROUP),
	 seminar_do_join, ROLE_ANYONE | ROLE_PARTICIPANT | ROLE_SYSTEM, 1, 0, RATE_JOIN},
	{PROTO_WATCH, "watch", ID | F(CODE), F(ACTIVITY) | F(SINCE) | F(KEY) | F(ATTEND),
	 F(ACTIVITY),
	 seminar_do_watch, ROLE_ANYONE | ROLE_PARTICIPANT | FACILITATORS, 1, 0, RATE_JOIN},
	{PROTO_POST, "post", ID | F(ACTIVITY) | F(BOARD) | F(TEXT),
	 F(AUTHOR) | F(PARENT) | F(ACTIONS), 0, seminar_do_post, ROLE_PARTICIPANT, 1, 1, RATE_POST},
	{PROTO_EDIT, "edit", ID | F(CONTRIBUTION) | F(TEXT), 0, 0, seminar_do_edit,
	 ROLE_PARTICIPANT, 1, 1, RATE_POST},
	{PROTO_DELETE, "delete", ID | F(CONTRIBUTION), 0, 0, seminar_do_delete,
	 ROLE_PARTICIPANT, 1, 1, RATE_POST},
	{PROTO_VOTE, "vote", ID | F(CONTRIBUTION), 0, 0, seminar_do_vote, ROLE_PARTICIPANT, 1, 1,
	 RATE_VOTE},
	{PROTO_UNVOTE, "unvote", ID | F(CONTRIBUTION), 0, 0, seminar_do_unvote,
	 ROLE_PARTICIPANT, 1, 1, RATE_VOTE},
	{PROTO_SET_STATE, "set_state", KEYED | F(ACTIVITY) | F(STATE), 0, 0,
	 seminar_do_set_state, FACILITATORS, 1, 0, RATE_KEY},
	{PROTO_HIDE, "hide", KEYED | F(CONTRIBUTION), F(SEEN), 0, seminar_do_hide, FACILITATORS,
	 1, 0, RATE_KEY},
	{PROTO_SHOW, "show", KEYED | F(CONTRIBUTION), F(SEEN), 0, seminar_do_show, FACILITATORS,
	 1, 0, RATE_KEY},
	{PROTO_GROUP_COUNTS, "group_counts", KEYED, 0, 0, seminar_do_group_counts, FACILITATORS, 0,
	 0, RATE_KEY},
	/* Moderation with nothing lost: each change is audited (seminar_moderation.c). */
	{PROTO_REPHRASE, "rephrase", KEYED | F(CONTRIBUTION) | F(TEXT), F(SEEN), 0,
	 seminar_do_rephrase, FACILITATORS, 1, 0, RATE_KEY},
	{PROTO_UNDO, "undo", KEYED | F(ENTRY), 0, 0, seminar_do_undo, FACILITATORS, 1, 0, RATE_KEY},
	{PROTO_HISTORY, "history", KEYED | F(CONTRIBUTION), 0, 0, seminar_do_history, FACILITATORS,
	 0, 0, RATE_KEY},
	{PROTO_REMOVE, "remove", KEYED | F(CONTRIBUTION), F(SEEN), 0, seminar_do_remove,
	 FACILITATORS, 1, 0, RATE_KEY},
	{PROTO_RESTORE, "restore", KEYED | F(CONTRIBUTION), F(SEEN), 0, seminar_do_restore,
	 FACILITATORS, 1, 0, RATE_KEY},
	{PROTO_MOVE, "move", KEYED | F(CONTRIBUTION) | F(BOARD), F(ACTIVITY) | F(SEEN), 0,
	 seminar_do_move, FACILITATORS, 1, 0, RATE_KEY},
	/* An activity's timer (seminar_timer.c); its end is the core's. */
	{PROTO_TIMER_SET, "timer_set", KEYED | F(ACTIVITY) | F(SECONDS), F(ADVANCE), 0,
	 seminar_do_timer_set, FACILITATORS, 1, 0, RATE_KEY},
	{PROTO_TIMER_START, "timer_start", KEYED | F(ACTIVITY), 0, 0, seminar_do_timer_start,
	 FACILITATORS, 1, 0, RATE_KEY},
	{PROTO_TIMER_PAUSE, "timer_pause", KEYED | F(ACTIVITY), 0, 0, seminar_do_timer_pause,
	 FACILITATORS, 1, 0, RATE_KEY},
	{PROTO_TIMER_ADD, "timer_add", KEYED | F(ACTIVITY), 0, 0, seminar_do_timer_add,
	 FACILITATORS, 1, 0, RATE_KEY},
	{PROTO_TIMER_STOP, "timer_stop", KEYED | F(ACTIVITY), 0, 0, seminar_do_timer_stop,
	 FACILITATORS, 1, 0, RATE_KEY},
	{PROTO_TIMER_END, "timer_end", ID | F(CODE) | F(ACTIVITY), 0, 0, seminar_do_timer_end,
	 ROLE_SYSTEM, 1, 0, RATE_KEY},
	/* The projection screens (seminar_screen.c): a screen asks for its
	 * pairing code, or once paired for what it shows; a facilitator pairs
	 * it, sets what it shows and lists the seminar's screens. */
	{PROTO_SCREEN_HELLO, "screen_hello", ID | F(TOKEN), 0, 0, seminar_do_screen_hello,
	 ROLE_ANYONE | ROLE_PARTICIPANT, 1, 0, RATE_JOIN},
	{PROTO_SCREEN_PAIR, "screen_pair", KEYED | F(PAIRING), F(ACTIVITY) | F(CONSOLE), 0,
	 seminar_do_screen_pair, FACILITATORS, 1, 0, RATE_KEY},
	{PROTO_SCREEN_SET, "screen_set", KEYED | F(SCREEN),
	 F(MODE) | F(ACTIVITY) | F(FOLLOW) | F(CONSOLE) | F(CONTRIBUTION) | F(JOIN), 0,
	 seminar_do_screen_set, FACILITATORS, 1, 0, RATE_KEY},
	{PROTO_SCREEN_LIST, "screen_list", KEYED, 0, 0, seminar_do_screen_list, FACILITATORS, 0, 0,
	 RATE_KEY},
};

#define NROWS (sizeof table / sizeof table[0])

const command *command_of(proto_type t)
{
	for (size_t i = 0; i < NROWS; i++)
		if (table[i].type == t)
			return &table[i];
	return NULL;
}

const command *command_named(const char *name)
{
	for (size_t i = 0; name && i < NROWS; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

size_t command_count(void)
{
	return NROWS;
}

const command *command_at(size_t i)
{
	return i < NROWS ? &table[i] : NULL;
}
