/*
 * proto.c — the "atelier.v1" protocol: strict parsing and validation of
 * client messages into proto_msg, and encoding of server messages.
 *
 * Boundary: owns the wire shapes of docs/PROTOCOL.md (types, fields, JSON
 * types, formats, limits, error codes). Pure text <-> structs: it must not
 * touch the network, the disk or the domain rules (whether a seminar,
 * activity or contribution exists, or an action is allowed, is seminar.c's
 * business). UTF-8 details are text.c's.
 */
#include "proto.h"

#include "command.h"
#include "text.h"
#include "vocab.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ===== Wire names ===== */

static const char *const error_names[PROTO_ERR__COUNT] = {
	[PROTO_OK] = "ok",
	[PROTO_ERR_BAD_JSON] = "bad_json",
	[PROTO_ERR_UNKNOWN_TYPE] = "unknown_type",
	[PROTO_ERR_MISSING_FIELD] = "missing_field",
	[PROTO_ERR_BAD_FIELD] = "bad_field",
	[PROTO_ERR_TOO_LONG] = "too_long",
	[PROTO_ERR_EMPTY_TEXT] = "empty_text",
	[PROTO_ERR_UNKNOWN_SEMINAR] = "unknown_seminar",
	[PROTO_ERR_UNKNOWN_ACTIVITY] = "unknown_activity",
	[PROTO_ERR_UNKNOWN_BOARD] = "unknown_board",
	[PROTO_ERR_UNKNOWN_CONTRIBUTION] = "unknown_contribution",
	[PROTO_ERR_NOT_JOINED] = "not_joined",
	[PROTO_ERR_NOT_OWNER] = "not_owner",
	[PROTO_ERR_ACTIVITY_STATE] = "activity_state",
	[PROTO_ERR_VOTE_BUDGET] = "vote_budget",
	[PROTO_ERR_ALREADY_VOTED] = "already_voted",
	[PROTO_ERR_NOT_VOTED] = "not_voted",
	[PROTO_ERR_NOT_ORIENTATION] = "not_orientation",
	[PROTO_ERR_BAD_KEY] = "bad_key",
	[PROTO_ERR_STORAGE] = "storage",
	[PROTO_ERR_INTERNAL] = "internal",
	[PROTO_ERR_RATE_LIMITED] = "rate_limited",
	[PROTO_ERR_FORBIDDEN] = "forbidden",
	[PROTO_ERR_STALE] = "stale",
	[PROTO_ERR_UNKNOWN_ENTRY] = "unknown_entry",
	[PROTO_ERR_OTHER_ACTIVITY] = "other_activity",
	[PROTO_ERR_UNKNOWN_SCREEN] = "unknown_screen",
};

const char *proto_type_name(proto_type t)
{
	const command *c = command_of(t);
	return c ? c->name : "unknown";
}

int proto_error_transient(proto_err e)
{
	return e == PROTO_ERR_RATE_LIMITED || e == PROTO_ERR_STORAGE || e == PROTO_ERR_INTERNAL;
}

const char *proto_error_name(proto_err e)
{
	if ((unsigned)e < PROTO_ERR__COUNT && error_names[e])
		return error_names[e];
	return error_names[PROTO_ERR_INTERNAL];
}

/* ===== Fields: what each message type takes ===== */

/* How a field's value is checked. */
enum check {
	CHECK_ID,       /* message id: 1..64 of [A-Za-z0-9._:-] */
	CHECK_IDENT,    /* code, token, key, slug: as sent, non-empty, no control */
	CHECK_LABEL,    /* one-line text, trimmed */
	CHECK_TEXT,     /* text that may hold "\n", trimmed */
	CHECK_STATE,    /* an activity state */
	CHECK_POSITIVE, /* integer > 0 */
	CHECK_COUNT,    /* integer >= 0 */
	CHECK_ACTIONS,  /* array of texts */
	CHECK_FLAG,     /* true or false */
	CHECK_MODE      /* a screen mode */
};

struct field_spec {
	const char *name;
	enum check check;
	size_t limit; /* in characters, for strings */
};

/* Indexed by proto_field. */
static const struct field_spec fields[PROTO_F__COUNT] = {
	[PROTO_F_ID] = {"id", CHECK_ID, PROTO_MAX_ID_CHARS},
	[PROTO_F_CODE] = {"code", CHECK_IDENT, PROTO_MAX_CODE_CHARS},
	[PROTO_F_TOKEN] = {"token", CHECK_IDENT, PROTO_MAX_TOKEN_CHARS},
	[PROTO_F_NAME] = {"name", CHECK_LABEL, PROTO_MAX_LABEL_CHARS},
	[PROTO_F_STRUCTURE] = {"structure", CHECK_LABEL, PROTO_MAX_LABEL_CHARS},
	[PROTO_F_GROUP] = {"group", CHECK_IDENT, PROTO_MAX_SLUG_CHARS},
	[PROTO_F_KEY] = {"key", CHECK_IDENT, PROTO_MAX_KEY_CHARS},
	[PROTO_F_ACTIVITY] = {"activity", CHECK_IDENT, PROTO_MAX_SLUG_CHARS},
	[PROTO_F_BOARD] = {"board", CHECK_IDENT, PROTO_MAX_SLUG_CHARS},
	[PROTO_F_TEXT] = {"text", CHECK_TEXT, PROTO_MAX_TEXT_CHARS},
	[PROTO_F_AUTHOR] = {"author", CHECK_LABEL, PROTO_MAX_LABEL_CHARS},
	[PROTO_F_STATE] = {"state", CHECK_STATE, 0},
	[PROTO_F_CONTRIBUTION] = {"contribution", CHECK_POSITIVE, 0},
	[PROTO_F_PARENT] = {"parent", CHECK_POSITIVE, 0},
	[PROTO_F_SINCE] = {"since", CHECK_COUNT, 0},
	[PROTO_F_ACTIONS] = {"actions", CHECK_ACTIONS, PROTO_MAX_ACTION_CHARS},
	[PROTO_F_ATTEND] = {"attend", CHECK_FLAG, 0},
	[PROTO_F_SEEN] = {"seen", CHECK_COUNT, 0},
	[PROTO_F_ENTRY] = {"entry", CHECK_POSITIVE, 0},
	[PROTO_F_SECONDS] = {"seconds", CHECK_POSITIVE, 0},
	[PROTO_F_ADVANCE] = {"advance", CHECK_FLAG, 0},
	[PROTO_F_PAIRING] = {"pairing", CHECK_IDENT, PROTO_MAX_PAIRING_CHARS},
	[PROTO_F_SCREEN] = {"screen", CHECK_POSITIVE, 0},
	[PROTO_F_MODE] = {"mode", CHECK_MODE, 0},
	[PROTO_F_FOLLOW] = {"follow", CHECK_FLAG, 0},
	[PROTO_F_CONSOLE] = {"console", CHECK_IDENT, PROTO_MAX_TOKEN_CHARS},
	[PROTO_F_JOIN] = {"join", CHECK_FLAG, 0},
};

const char *proto_field_name(proto_field f)
{
	return (unsigned)f < PROTO_F__COUNT ? fields[f].name : "?";
}


/* ===== Parsing state and error reporting ===== */

struct parse {
	proto_msg *m;
	proto_err err;
	char *detail;
	size_t detail_len;
	bool keyless; /* a message of the core's own: no key needed */
};

/* Records the first failure: code and a printf-style English detail, cut
 * on a UTF-8 boundary so that it can always be encoded. Returns -1. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int fail(struct parse *p, proto_err err, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	p->err = err;
	if (p->detail && p->detail_len) {
		va_start(ap, fmt);
		vsnprintf(p->detail, p->detail_len, fmt, ap);
		va_end(ap);
		n = strlen(p->detail);
		while (n > 0 && !text_utf8_valid(p->detail, n))
			p->detail[--n] = '\0';
	}
	return -1;
}

static void msg_reset(proto_msg *m)
{
	memset(m, 0, sizeof *m);
	m->contribution = -1;
	m->parent = -1;
	m->since = -1;
	m->seen = -1;
	m->entry = -1;
	m->seconds = -1;
	m->screen = -1;
	m->follow = -1;
	m->join = -1;
}

void proto_msg_clear(proto_msg *m)
{
	if (!m)
		return;
	json_decref(m->root_);
	free((void *)m->actions);
	msg_reset(m);
}

/* The slot of proto_msg that holds a string field, or NULL. */
static const char **string_slot(proto_msg *m, proto_field f)
{
	switch (f) {
	case PROTO_F_ID: return &m->id;
	case PROTO_F_CODE: return &m->code;
	case PROTO_F_TOKEN: return &m->token;
	case PROTO_F_NAME: return &m->name;
	case PROTO_F_STRUCTURE: return &m->structure;
	case PROTO_F_GROUP: return &m->group;
	case PROTO_F_KEY: return &m->key;
	case PROTO_F_ACTIVITY: return &m->activity;
	case PROTO_F_BOARD: return &m->board;
	case PROTO_F_TEXT: return &m->text;
	case PROTO_F_AUTHOR: return &m->author;
	case PROTO_F_STATE: return &m->state;
	case PROTO_F_PAIRING: return &m->pairing;
	case PROTO_F_MODE: return &m->mode;
	case PROTO_F_CONSOLE: return &m->console;
	default: return NULL;
	}
}

static long long *int_slot(proto_msg *m, proto_field f)
{
	switch (f) {
	case PROTO_F_CONTRIBUTION: return &m->contribution;
	case PROTO_F_PARENT: return &m->parent;
	case PROTO_F_SINCE: return &m->since;
	case PROTO_F_SEEN: return &m->seen;
	case PROTO_F_ENTRY: return &m->entry;
	case PROTO_F_SECONDS: return &m->seconds;
	case PROTO_F_SCREEN: return &m->screen;
	default: return NULL;
	}
}

/* The slot of a flag (true or false). */
static int *flag_slot(proto_msg *m, proto_field f)
{
	switch (f) {
	case PROTO_F_FOLLOW: return &m->follow;
	case PROTO_F_JOIN: return &m->join;
	case PROTO_F_ADVANCE: return &m->advance;
	default: return &m->attend;
	}
}

/* ===== Checks of one value ===== */

static bool id_valid(const char *s, size_t len)
{
	if (len == 0 || len > PROTO_MAX_ID_CHARS)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' ||
		      c == '-'))
			return false;
	}
	return true;
}

/* Cleans the text value v of field name (element index of an array when
 * index >= 0): "\r\n" becomes "\n" (multiline only), control characters
 * are refused, white space at both ends is trimmed, then the length is
 * checked. On success *out (OUT) is a new string value for the caller to
 * put in place of v. */
static int clean_text(struct parse *p, const char *name, long index, json_t *v,
                      bool multiline, size_t limit, json_t **out /* OUT */)
{
	const char *s = json_string_value(v);
	size_t len = json_string_length(v), start, tlen;
	char *norm = NULL, where[48];
	int rc = -1;

	*out = NULL;
	if (index >= 0)
		snprintf(where, sizeof where, "%s[%ld]", name, index);
	else
		snprintf(where, sizeof where, "%s", name);
	if (multiline) {
		if (text_normalize_newlines(s, len, &norm, &len) < 0) {
			fail(p, PROTO_ERR_INTERNAL, "out of memory");
			goto done;
		}
		s = norm;
	}
	if (text_has_controln(s, len, multiline)) {
		fail(p, PROTO_ERR_BAD_FIELD, "%s: control character", where);
		goto done;
	}
	text_trim(s, len, &start, &tlen);
	if (tlen == 0) {
		fail(p, PROTO_ERR_EMPTY_TEXT, "%s: empty", where);
		goto done;
	}
	if (text_char_countn(s + start, tlen) > limit) {
		fail(p, PROTO_ERR_TOO_LONG, "%s: over %zu characters", where, limit);
		goto done;
	}
	*out = json_stringn(s + start, tlen);
	if (!*out) {
		fail(p, PROTO_ERR_INTERNAL, "out of memory");
		goto done;
	}
	rc = 0;
done:
	free(norm);
	return rc;
}

/* Checks a string field that is taken as sent (not trimmed): the message
 * id, or an identifier (code, token, key, activity or board id). */
static int check_ident(struct parse *p, proto_field f, json_t *v)
{
	const struct field_spec *fs = &fields[f];
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);

	if (fs->check == CHECK_ID) {
		if (!id_valid(s, len))
			return fail(p, PROTO_ERR_BAD_FIELD,
			            "id: 1 to %d characters of A-Z a-z 0-9 . _ : -",
			            PROTO_MAX_ID_CHARS);
		return 0;
	}
	if (len == 0)
		return fail(p, PROTO_ERR_BAD_FIELD, "%s: empty", fs->name);
	if (text_has_controln(s, len, false))
		return fail(p, PROTO_ERR_BAD_FIELD, "%s: control character", fs->name);
	if (text_char_countn(s, len) > fs->limit)
		return fail(p, PROTO_ERR_BAD_FIELD, "%s: over %zu characters", fs->name,
		            fs->limit);
	return 0;
}

static int check_actions(struct parse *p, json_t *arr)
{
	const struct field_spec *fs = &fields[PROTO_F_ACTIONS];
	size_t n = json_array_size(arr);
	const char **list = NULL;

	if (n > PROTO_MAX_ACTIONS)
		return fail(p, PROTO_ERR_TOO_LONG, "actions: more than %d",
		            PROTO_MAX_ACTIONS);
	if (n == 0)
		return 0;
	list = calloc(n, sizeof *list);
	if (!list)
		return fail(p, PROTO_ERR_INTERNAL, "out of memory");
	p->m->actions = list; /* released by proto_msg_clear on any failure */
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(arr, i), *clean;
		if (!json_is_string(v))
			return fail(p, PROTO_ERR_BAD_FIELD, "actions[%zu]: not a string", i);
		if (clean_text(p, fs->name, (long)i, v, true, fs->limit, &clean) < 0)
			return -1;
		if (json_array_set_new(arr, i, clean) < 0)
			return fail(p, PROTO_ERR_INTERNAL, "out of memory");
		list[i] = json_string_value(json_array_get(arr, i));
	}
	p->m->nactions = n;
	return 0;
}

/* Checks field f, present in the root as v, and stores it in the message.
 * limit overrides the field's character limit when not 0. */
static int check_field(struct parse *p, proto_field f, json_t *v, size_t limit)
{
	const struct field_spec *fs = &fields[f];
	json_t *root = p->m->root_, *clean;
	long long n;

	switch (fs->check) {
	case CHECK_ID:
	case CHECK_IDENT:
	case CHECK_LABEL:
	case CHECK_TEXT:
	case CHECK_STATE:
	case CHECK_MODE:
		if (!json_is_string(v))
			return fail(p, PROTO_ERR_BAD_FIELD, "%s: not a string", fs->name);
		break;
	case CHECK_POSITIVE:
	case CHECK_COUNT:
		if (!json_is_integer(v))
			return fail(p, PROTO_ERR_BAD_FIELD, "%s: not an integer", fs->name);
		n = json_integer_value(v);
		if (fs->check == CHECK_POSITIVE && n <= 0)
			return fail(p, PROTO_ERR_BAD_FIELD, "%s: not positive", fs->name);
		if (n < 0)
			return fail(p, PROTO_ERR_BAD_FIELD, "%s: negative", fs->name);
		*int_slot(p->m, f) = n;
		return 0;
	case CHECK_ACTIONS:
		if (!json_is_array(v))
			return fail(p, PROTO_ERR_BAD_FIELD, "%s: not an array", fs->name);
		return check_actions(p, v);
	case CHECK_FLAG:
		if (!json_is_boolean(v))
			return fail(p, PROTO_ERR_BAD_FIELD, "%s: not true or false", fs->name);
		*flag_slot(p->m, f) = json_is_true(v);
		return 0;
	}

	switch (fs->check) {
	case CHECK_STATE: {
		const vocab_activity_row *row =
			vocab_activity((vocab_activity_state)vocab_activity_find(json_string_value(v)));
		if (row) {
			*string_slot(p->m, f) = row->name;
			return 0;
		}
		return fail(p, PROTO_ERR_BAD_FIELD,
		            "state: not a state of an activity");
	}
	case CHECK_MODE: {
		const vocab_screen_row *row =
			vocab_screen((vocab_screen_mode)vocab_screen_find(json_string_value(v)));
		if (row) {
			*string_slot(p->m, f) = row->name;
			return 0;
		}
		return fail(p, PROTO_ERR_BAD_FIELD,
		            "mode: not board, results, swot, spotlight or plenary");
	}
	case CHECK_LABEL:
	case CHECK_TEXT:
		if (clean_text(p, fs->name, -1, v, fs->check == CHECK_TEXT,
		               limit ? limit : fs->limit, &clean) < 0)
			return -1;
		if (json_object_set_new(root, fs->name, clean) < 0)
			return fail(p, PROTO_ERR_INTERNAL, "out of memory");
		v = json_object_get(root, fs->name);
		break;
	default:
		if (check_ident(p, f, v) < 0)
			return -1;
		break;
	}
	*string_slot(p->m, f) = json_string_value(v);
	return 0;
}

/* ===== Parsing a message ===== */

/* Reads "type" into p->m->type, or fails. */
static int read_type(struct parse *p, json_t *root)
{
	json_t *v = json_object_get(root, "type");
	const char *s;

	if (!v)
		return fail(p, PROTO_ERR_MISSING_FIELD, "type: missing");
	if (!json_is_string(v))
		return fail(p, PROTO_ERR_BAD_FIELD, "type: not a string");
	s = json_string_value(v);
	const command *c = command_named(s);
	if (c) {
		p->m->type = c->type;
		return 0;
	}
	return fail(p, PROTO_ERR_UNKNOWN_TYPE, "type: unknown \"%.32s\"", s);
}

/* Checks every field of the root against the spec of the message's type. */
static int read_fields(struct parse *p, json_t *root)
{
	const command *ts = command_of(p->m->type);
	unsigned allowed = ts->required | ts->optional;
	const char *key;
	json_t *v;

	json_object_foreach(root, key, v) {
		bool known = strcmp(key, "type") == 0;
		for (int f = 0; f < PROTO_F__COUNT && !known; f++)
			known = (allowed & PROTO_FIELD_BIT(f)) && strcmp(key, fields[f].name) == 0;
		if (!known)
			return fail(p, PROTO_ERR_BAD_FIELD, "unknown field \"%.40s\" in %s",
			            key, ts->name);
	}
	for (int f = 0; f < PROTO_F__COUNT; f++) {
		size_t limit = 0;
		if (!(allowed & PROTO_FIELD_BIT(f)))
			continue;
		v = json_object_get(root, fields[f].name);
		if (!v) {
			/* A facilitator message without its key is refused
			 * as any wrong key is (docs/PROTOCOL.md). */
			if ((ts->required & PROTO_FIELD_BIT(f)) && f == PROTO_F_KEY && p->keyless)
				continue;
			if ((ts->required & PROTO_FIELD_BIT(f)) && f == PROTO_F_KEY)
				return fail(p, PROTO_ERR_BAD_KEY, "key: missing");
			if (ts->required & PROTO_FIELD_BIT(f))
				return fail(p, PROTO_ERR_MISSING_FIELD, "%s: missing",
				            fields[f].name);
			continue;
		}
		if (json_is_null(v) && (ts->nullable & PROTO_FIELD_BIT(f))) {
			p->m->nulls |= PROTO_FIELD_BIT(f);
			continue;
		}
		/* A post with "parent" is one example action: its limit applies. */
		if (f == PROTO_F_TEXT && p->m->type == PROTO_POST &&
		    json_object_get(root, "parent"))
			limit = PROTO_MAX_ACTION_CHARS;
		if (check_field(p, (proto_field)f, v, limit) < 0)
			return -1;
	}
	if (p->m->type == PROTO_POST && json_object_get(root, "parent") &&
	    json_object_get(root, "actions"))
		return fail(p, PROTO_ERR_BAD_FIELD,
		            "actions: not allowed with parent");
	/* One attends an activity, not a whole seminar. */
	if (p->m->attend && !p->m->activity)
		return fail(p, PROTO_ERR_BAD_FIELD, "attend: needs an activity");
	return 0;
}

static int parse(const char *buf, size_t len, bool keyless, proto_msg *out, proto_err *err,
                 char *detail, size_t detail_len, char *re, size_t re_len)
{
	struct parse p = {out, PROTO_OK, detail, detail_len, keyless};
	json_error_t jerr;
	json_t *root, *id;
	int rc = -1;

	msg_reset(out);
	if (detail && detail_len)
		detail[0] = '\0';
	if (re && re_len)
		re[0] = '\0';
	if (!buf) {
		fail(&p, PROTO_ERR_BAD_JSON, "message: none");
		goto done;
	}
	if (len > PROTO_MAX_MESSAGE_BYTES) {
		fail(&p, PROTO_ERR_TOO_LONG, "message: over %d bytes",
		     PROTO_MAX_MESSAGE_BYTES);
		goto done;
	}
	if (!text_utf8_valid(buf, len)) {
		fail(&p, PROTO_ERR_BAD_JSON, "message: not valid UTF-8");
		goto done;
	}
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		fail(&p, PROTO_ERR_BAD_JSON, "not JSON (line %d, column %d): %s",
		     jerr.line, jerr.column, jerr.text);
		goto done;
	}
	out->root_ = root;
	if (!json_is_object(root)) {
		fail(&p, PROTO_ERR_BAD_JSON, "root: not an object");
		goto done;
	}
	id = json_object_get(root, "id");
	if (id && json_is_string(id) &&
	    id_valid(json_string_value(id), json_string_length(id)) && re &&
	    json_string_length(id) < re_len)
		memcpy(re, json_string_value(id), json_string_length(id) + 1);
	if (read_type(&p, root) < 0 || read_fields(&p, root) < 0)
		goto done;
	rc = 0;
done:
	if (rc < 0)
		proto_msg_clear(out);
	if (err)
		*err = p.err;
	return rc;
}

int proto_parse(const char *buf, size_t len, proto_msg *out, proto_err *err,
                char *detail, size_t detail_len, char *re, size_t re_len)
{
	return parse(buf, len, false, out, err, detail, detail_len, re, re_len);
}

int proto_parse_keyless(const char *buf, size_t len, proto_msg *out, proto_err *err,
                        char *detail, size_t detail_len, char *re, size_t re_len)
{
	return parse(buf, len, true, out, err, detail, detail_len, re, re_len);
}

/* ===== Encoding ===== */

/* Dumps o compactly (keys in insertion order, UTF-8 as is) and releases
 * it. Returns a malloc'd text, or NULL if o is NULL or on failure. */
static char *dump_and_free(json_t *o)
{
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;

	json_decref(o);
	return s;
}

/* A new object {"type":type,"re":re|null}, or NULL. */
static json_t *reply_head(const char *type, const char *re)
{
	json_t *o = json_object();

	if (!o || json_object_set_new(o, "type", json_string(type)) < 0 ||
	    json_object_set_new(o, "re", re && *re ? json_string(re) : json_null()) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* A new object {"type":"error","re":re|null,"code":...,"message":detail},
 * or NULL. */
static json_t *error_head(const char *re, proto_err e, const char *detail)
{
	json_t *o = reply_head("error", re);

	if (o && (json_object_set_new(o, "code", json_string(proto_error_name(e))) < 0 ||
	          json_object_set_new(o, "message", json_string(detail ? detail : "")) < 0)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

char *proto_encode_error(const char *re, proto_err e, const char *detail)
{
	return dump_and_free(error_head(re, e, detail));
}

char *proto_encode_limited(const char *re, const char *detail, long long seconds)
{
	json_t *o = error_head(re, PROTO_ERR_RATE_LIMITED, detail);

	if (o && json_object_set_new(o, "retry", json_integer(seconds < 1 ? 1 : seconds)) < 0) {
		json_decref(o);
		o = NULL;
	}
	return dump_and_free(o);
}

char *proto_encode_reply(const char *type, const char *re, json_t *body)
{
	json_t *o = NULL, *v;
	const char *key;

	if (!type || !*type || (body && !json_is_object(body)))
		goto fail;
	o = reply_head(type, re);
	if (!o)
		goto fail;
	json_object_foreach(body, key, v) {
		if (strcmp(key, "type") == 0 || strcmp(key, "re") == 0)
			continue; /* the arguments name the reply */
		if (json_object_set(o, key, v) < 0)
			goto fail;
	}
	return dump_and_free(o);
fail:
	json_decref(o);
	return NULL;
}

char *proto_encode_reply_head(const char *type, const char *re)
{
	char *s = type && *type ? dump_and_free(reply_head(type, re)) : NULL;
	size_t n = s ? strlen(s) : 0;

	if (n)
		s[n - 1] = ','; /* {"type":..,"re":..} -> {"type":..,"re":.., */
	return s;
}

char *proto_encode_synced_head(const char *re, long long now)
{
	char *head = proto_encode_reply_head("synced", re), *s;
	size_t n = head ? strlen(head) : 0;

	if (!head || now <= 0)
		return head;
	s = realloc(head, n + 32);
	if (!s) {
		free(head);
		return NULL;
	}
	snprintf(s + n, 32, "\"now\":%lld,", now);
	return s;
}

char *proto_encode_reply_tail(json_t *body, size_t *len)
{
	char *s;
	size_t n;

	if (!json_is_object(body) || json_object_size(body) == 0 ||
	    json_object_get(body, "type") || json_object_get(body, "re"))
		return NULL;
	s = json_dumps(body, JSON_COMPACT);
	if (!s)
		return NULL;
	n = strlen(s);
	memmove(s, s + 1, n); /* drops the '{'; the NUL moves too */
	*len = n - 1;
	return s;
}

char *proto_encode_event(long long seq, const char *kind, json_t *object)
{
	json_t *o = NULL;

	if (!kind || !*kind || !json_is_object(object) || strcmp(kind, "type") == 0 ||
	    strcmp(kind, "seq") == 0 || strcmp(kind, "kind") == 0)
		goto fail;
	o = json_object();
	if (!o || json_object_set_new(o, "type", json_string("event")) < 0 ||
	    json_object_set_new(o, "seq", json_integer(seq)) < 0 ||
	    json_object_set_new(o, "kind", json_string(kind)) < 0 ||
	    json_object_set(o, kind, object) < 0)
		goto fail;
	return dump_and_free(o);
fail:
	json_decref(o);
	return NULL;
}
