/*
 * proto.h — the WebSocket message protocol "atelier.v1": parsing and
 * validation of client messages, and encoding of server messages.
 *
 * Boundary: pure text <-> structs. No network, no disk, no domain rules
 * (whether an activity is open is seminar.c's business). docs/PROTOCOL.md
 * is the reference for every type, field, limit and error code here.
 */
#ifndef ATELIER_PROTO_H
#define ATELIER_PROTO_H

#include <stddef.h>
#include <jansson.h>

#define PROTO_SUBPROTOCOL "atelier.v1"

/* Limits (characters are Unicode code points, not bytes). */
#define PROTO_MAX_MESSAGE_BYTES 16384 /* one reassembled WebSocket message */
#define PROTO_MAX_ID_CHARS 64         /* client message id: [A-Za-z0-9._:-] */
#define PROTO_MAX_CODE_CHARS 16       /* seminar join code */
#define PROTO_MAX_TOKEN_CHARS 64      /* participant token */
#define PROTO_MAX_KEY_CHARS 128       /* facilitator key */
#define PROTO_MAX_SLUG_CHARS 64       /* activity / board id */
#define PROTO_MAX_TEXT_CHARS 500      /* contribution text, orientation title */
#define PROTO_MAX_LABEL_CHARS 80      /* author, name, structure */
#define PROTO_MAX_ACTION_CHARS 300    /* one example action */
#define PROTO_MAX_ACTIONS 20          /* example actions in one post */
#define PROTO_MAX_PAIRING_CHARS 16    /* a screen's pairing code */

typedef enum proto_type {
	PROTO_JOIN = 1,  /* participant identity */
	PROTO_WATCH,     /* subscribe to a seminar / activity, catch up */
	PROTO_POST,      /* new contribution (or example action with parent) */
	PROTO_EDIT,      /* edit one's own contribution */
	PROTO_DELETE,    /* delete one's own contribution */
	PROTO_VOTE,
	PROTO_UNVOTE,
	PROTO_SET_STATE, /* facilitator: activity state */
	PROTO_HIDE,      /* facilitator: hide a contribution */
	PROTO_SHOW,      /* facilitator: show it again */
	PROTO_GROUP_COUNTS, /* facilitator: participation per stakeholder group */
	/* Moderation (docs/PROTOCOL.md, "Moderation"). */
	PROTO_REPHRASE,  /* facilitator: reword a contribution, the original kept */
	PROTO_UNDO,      /* facilitator: undo one change of the audit trail */
	PROTO_HISTORY,   /* facilitator: a contribution's audit trail */
	PROTO_REMOVE,    /* facilitator: remove a contribution (soft delete) */
	PROTO_RESTORE,   /* facilitator: restore a removed contribution */
	PROTO_MOVE,      /* facilitator: move a contribution to another board */
	PROTO_TIMER_SET,   /* facilitator: an activity's timer, its duration */
	PROTO_TIMER_START, /* facilitator: the timer counts down */
	PROTO_TIMER_PAUSE, /* facilitator: it stops where it is */
	PROTO_TIMER_ADD,   /* facilitator: a minute more */
	PROTO_TIMER_STOP,  /* facilitator: no timer any more */
	PROTO_TIMER_END,   /* the core: a timer's deadline came */
	PROTO_SCREEN_HELLO, /* a projection screen: its pairing code or its mode */
	PROTO_SCREEN_PAIR,  /* facilitator: pair a screen by its code */
	PROTO_SCREEN_SET,   /* facilitator: what a paired screen shows */
	PROTO_SCREEN_LIST   /* facilitator: the seminar's paired screens */
} proto_type;

/* Error codes sent in {"type":"error","code":...}. proto_error_name() gives
 * the wire string. Keep in step with docs/PROTOCOL.md. */
typedef enum proto_err {
	PROTO_OK = 0,
	PROTO_ERR_BAD_JSON,          /* "bad_json": not JSON, or root not an object */
	PROTO_ERR_UNKNOWN_TYPE,      /* "unknown_type" */
	PROTO_ERR_MISSING_FIELD,     /* "missing_field" */
	PROTO_ERR_BAD_FIELD,         /* "bad_field": wrong type, bad format, unknown field */
	PROTO_ERR_TOO_LONG,          /* "too_long": a text over its limit */
	PROTO_ERR_EMPTY_TEXT,        /* "empty_text": empty or only white space */
	PROTO_ERR_UNKNOWN_SEMINAR,   /* "unknown_seminar" */
	PROTO_ERR_UNKNOWN_ACTIVITY,  /* "unknown_activity" */
	PROTO_ERR_UNKNOWN_BOARD,     /* "unknown_board" */
	PROTO_ERR_UNKNOWN_CONTRIBUTION, /* "unknown_contribution" */
	PROTO_ERR_NOT_JOINED,        /* "not_joined": join first */
	PROTO_ERR_NOT_OWNER,         /* "not_owner": not one's own contribution */
	PROTO_ERR_ACTIVITY_STATE,    /* "activity_state": not allowed in this state */
	PROTO_ERR_VOTE_BUDGET,       /* "vote_budget": no vote left */
	PROTO_ERR_ALREADY_VOTED,     /* "already_voted" */
	PROTO_ERR_NOT_VOTED,         /* "not_voted" */
	PROTO_ERR_NOT_ORIENTATION,   /* "not_orientation": parent is not an orientation */
	PROTO_ERR_BAD_KEY,           /* "bad_key": facilitator key missing or wrong */
	PROTO_ERR_STORAGE,           /* "storage": the write could not be committed */
	PROTO_ERR_INTERNAL,          /* "internal" */
	PROTO_ERR_RATE_LIMITED,      /* "rate_limited": too many requests, try later */
	PROTO_ERR_FORBIDDEN,         /* "forbidden": a right key that may not do this */
	PROTO_ERR_STALE,             /* "stale": the contribution changed after "seen" */
	PROTO_ERR_UNKNOWN_ENTRY,     /* "unknown_entry": no such row of the audit trail */
	PROTO_ERR_OTHER_ACTIVITY,    /* "other_activity": a move to another activity */
	PROTO_ERR_UNKNOWN_SCREEN,    /* "unknown_screen": no screen waits with this
	                              * pairing code, or none of the seminar has this id */
	PROTO_ERR__COUNT
} proto_err;

/* The fields a client message may carry; a command's row in the command
 * table (command.h) lists which it requires, allows, and allows null, as
 * sets of PROTO_FIELD_BIT(). The order is also the order in which fields
 * are checked, so a message with several faults always gets the same
 * error. */
typedef enum proto_field {
	PROTO_F_ID, PROTO_F_CODE, PROTO_F_TOKEN, PROTO_F_NAME, PROTO_F_STRUCTURE,
	PROTO_F_GROUP, PROTO_F_KEY, PROTO_F_ACTIVITY, PROTO_F_BOARD, PROTO_F_TEXT, PROTO_F_AUTHOR,
	PROTO_F_STATE, PROTO_F_CONTRIBUTION, PROTO_F_PARENT, PROTO_F_SINCE,
	PROTO_F_ACTIONS, PROTO_F_ATTEND, PROTO_F_SEEN, PROTO_F_ENTRY, PROTO_F_SECONDS, PROTO_F_ADVANCE,
	/* the screens' (screen_hello, screen_pair, screen_set) */
	PROTO_F_PAIRING, PROTO_F_SCREEN, PROTO_F_MODE, PROTO_F_FOLLOW, PROTO_F_CONSOLE,
	PROTO_F_JOIN,
	PROTO_F__COUNT
} proto_field;

#define PROTO_FIELD_BIT(f) (1u << (f))

/* Wire name of a field ("contribution"). */
const char *proto_field_name(proto_field f);

/* One parsed and validated client message. Every string points into
 * memory owned by the message (valid until proto_msg_clear) and is valid
 * UTF-8 without NUL or control characters (except \n in text fields).
 * Optional strings are NULL when absent. Integers are -1 when absent. */
typedef struct proto_msg {
	proto_type type;
	const char *id;         /* client message id (required on every message) */
	const char *code;       /* join, watch, facilitator messages */
	const char *token;      /* join: token from an earlier join */
	const char *name;       /* join */
	const char *structure;  /* join */
	const char *group;      /* join: a stakeholder group's id */
	const char *key;        /* facilitator key: set_state/hide/show; optional on watch */
	const char *activity;   /* watch (NULL = all activities), post, set_state */
	const char *board;      /* post */
	const char *text;       /* post, edit (trimmed) */
	const char *author;     /* post */
	const char *state;      /* set_state: "prepared"|"open"|"voting"|"closed" */
	long long contribution; /* edit, delete, vote, unvote, hide, show */
	long long parent;       /* post: add an example action to this orientation */
	long long since;        /* watch: last sequence seen */
	long long seen;         /* hide, show: the sequence number up to which the
	                         * sender saw the contribution (-1: absent) */
	long long entry;        /* undo: the id of a row of the audit trail */
	int attend;             /* watch: 1 when "attend" is true (the participant
	                         * opened the activity), else 0 */
	long long seconds;      /* timer_set: the duration */
	int advance;            /* timer_set: 1 when "advance" is true (at zero the
	                         * activity moves on to its next phase), else 0 */
	const char *pairing;    /* screen_pair: the code the screen shows */
	long long screen;       /* screen_set: the screen's id */
	const char *mode;       /* screen_set: a screen mode (vocab.h) */
	const char *console;    /* screen_pair, screen_set: the console the
	                         * screen follows */
	int follow;             /* screen_set: 1 follow the console, 0 pinned,
	                         * -1 absent */
	int join;               /* screen_set: 1 show the join panel, 0 hide
	                         * it, -1 absent */
	unsigned nulls;         /* PROTO_FIELD_BIT()s of the nullable fields given
	                         * as null (join: "group": null, no group) */
	size_t nactions;        /* post: example actions of a new orientation */
	const char **actions;
	json_t *root_;          /* private: owns the strings */
} proto_msg;

/* Parses one complete message of len bytes (need not be NUL-terminated).
 * On success returns 0 and fills *out (release with proto_msg_clear).
 * On failure returns -1, sets *err and writes a short English detail
 * (field name, reason) into detail[detail_len]; *out holds nothing to
 * release. If the message id could be read it is copied into
 * re[re_len], else re[0] = '\0', so the error reply can name it. */
int proto_parse(const char *buf, size_t len, proto_msg *out, /* OUT */
                proto_err *err, char *detail, size_t detail_len,
                char *re, size_t re_len);

/* The same for a message the core runs itself (a deadline, the command
 * line, turn.h): its sender is known, so the key its type requires may be
 * absent. */
int proto_parse_keyless(const char *buf, size_t len, proto_msg *out, /* OUT */
                        proto_err *err, char *detail, size_t detail_len,
                        char *re, size_t re_len);

/* Releases what proto_parse gave; NULL or a cleared message is a no-op. */
void proto_msg_clear(proto_msg *m);

/* 1 when error e is transient: nothing was done, and the same message may
 * be sent again later as it is (rate_limited, storage, internal). */
int proto_error_transient(proto_err e);

/* Wire name of a message type or error code ("post", "too_long"). */
const char *proto_type_name(proto_type t);
const char *proto_error_name(proto_err e);

/* ===== Encoding: each returns a malloc'd NUL-terminated JSON text ===== */

/* {"type":"error","re":re|null,"code":...,"message":detail} */
char *proto_encode_error(const char *re, proto_err e, const char *detail);

/* {"type":"error","re":re|null,"code":"rate_limited","message":detail,
 * "retry":seconds}: a refusal by the rate limits, with the whole seconds
 * to wait before the same message may be taken (at least 1). */
char *proto_encode_limited(const char *re, const char *detail, long long seconds);

/* {"type":<type>,"re":re, ...fields of body}. body is borrowed. Used for
 * "joined", "synced" and "ack". */
char *proto_encode_reply(const char *type, const char *re, json_t *body);

/* The same reply in two pieces, so that one body can end many replies:
 * the head {"type":<type>,"re":re|null, (an open object ending with a
 * comma) and the tail: body's members then the closing brace. head + tail
 * is byte for byte what proto_encode_reply gives. The tail's length is
 * stored in *len. NULL on a bad argument (body empty, not an object, or
 * naming "type" or "re") or out of memory. */
char *proto_encode_reply_head(const char *type, const char *re);

/* The head of a "synced" reply with the server's time: {"type":"synced",
 * "re":re|null,"now":now, (now <= 0: without it, as
 * proto_encode_reply_head). */
char *proto_encode_synced_head(const char *re, long long now);
char *proto_encode_reply_tail(json_t *body, size_t *len);

/* {"type":"event","seq":seq,"kind":kind,<kind>:object}; kind is
 * "contribution" or "activity". object is borrowed. */
char *proto_encode_event(long long seq, const char *kind, json_t *object);

#endif
