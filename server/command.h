/*
 * command.h — the command table: one row per message type of the core,
 * read by the parser (which fields), the turn (which roles, which rate
 * class, whether it writes) and the domain rules (which handler).
 *
 * Boundary: data only. Adding a message is adding a proto_type, a row in
 * command.c and a handler (seminar_handlers.h). No code elsewhere
 * switches on a message type.
 */
#ifndef ATELIER_COMMAND_H
#define ATELIER_COMMAND_H

#include <stddef.h>
#include "proto.h"
#include "rate.h"

/* Who may send a command: a set of these bits. A message's sender has
 * exactly one role (turn.h decides which). */
enum command_role {
	ROLE_ANYONE = 1u << 0,      /* any connection, with no key */
	ROLE_PARTICIPANT = 1u << 1, /* joined on this connection (no key) */
	ROLE_FACILITATOR = 1u << 2, /* a facilitator key of the whole seminar */
	ROLE_ANIMATOR = 1u << 3,    /* a facilitator key of one activity */
	ROLE_ORGANISER = 1u << 4,   /* an organiser key: every seminar */
	ROLE_VALIDATION = 1u << 5,  /* a validation key (steering committee) */
	ROLE_SYSTEM = 1u << 6,      /* the core itself: a deadline, the command line */
};

/* The roles that hold a key of a seminar and act on it as facilitators. */
#define ROLES_FACILITATING (ROLE_FACILITATOR | ROLE_ANIMATOR | ROLE_ORGANISER | ROLE_SYSTEM)

struct seminar_job; /* seminar_private.h: one message being handled */

/* Runs the command: 0 when done, or a refusal / store code (seminar.c). */
typedef int (*command_handler)(struct seminar_job *j);

typedef struct command {
	proto_type type;
	const char *name;       /* wire name: "post" */
	unsigned required;      /* PROTO_FIELD_BIT() sets */
	unsigned optional;
	unsigned nullable;      /* of those, the ones that may be null */
	command_handler handler;
	unsigned roles;         /* enum command_role bits that may send it */
	int writes;             /* may change the seminar: the turn commits
	                         * before its reply goes out */
	int once;               /* a participant's write, answered once: its reply
	                         * is kept under its message id and given again,
	                         * unchanged, for a resend */
	rate_action rate;       /* the buckets it takes from (rate.h); a message
	                         * carrying a key also takes a RATE_KEY token */
} command;

/* The row of a type, or NULL for none. */
const command *command_of(proto_type t);

/* The row with this wire name (case matters), or NULL. */
const command *command_named(const char *name);

/* Rows in table order, for tests and documents: i < command_count(). */
size_t command_count(void);
const command *command_at(size_t i);

#endif
