/*
 * defn.c — seminar definition files (sessions/<name>.json): reads one file,
 * checks every field against docs/SESSIONS.md and normalizes the document
 * for store_import(): trimmed texts, defaults filled, each activity's
 * template expanded into its boards (titles and prompts from the
 * catalogue).
 *
 * Then the normalized document as the structs of defn.h, which
 * store_import() takes.
 *
 * Boundary: JSON text in, a validated jansson document or one error
 * sentence (file, JSON path of the field, reason) out, and the structs
 * made from the document. Reads the file it is given and nothing else;
 * writes nothing to disk, knows nothing of SQLite, the network or the
 * rules of a live seminar.
 */
#include "defn.h"
#include "digest.h"
#include "i18n.h"
#include "text.h"
#include "vocab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ===== Limits, in characters unless said otherwise (docs/SESSIONS.md) ===== */
#define MAX_FILE_BYTES (1024 * 1024)
#define MAX_SLUG 64
#define MIN_CODE 4
#define MAX_CODE 12
#define MAX_TITLE 200
#define MAX_VENUE 200
#define MAX_DESCRIPTION 4000
#define MAX_QUESTION 1000
#define MAX_PROMPT 1000
#define MAX_ANIMATOR 200
#define MAX_ANIMATORS 20
#define MAX_ACTIVITIES 100
#define MAX_BOARDS 20
#define MAX_VOTE_BUDGET 50
#define MAX_GROUPS 12
#define MAX_GROUP_LABEL 60
#define DEFAULT_VOTE_BUDGET 3
#define FORMAT_NAME "atelier-seminaire"
#define FORMAT_VERSION 1

#define PATH_LEN 192   /* a JSON path such as activities[2].boards[0].id */
#define QUOTE_CHARS 40 /* user text quoted in a message is cut to this */
#define REASON_LEN 512

/* ===== Constant tables ===== */

static const char *const seminar_fields[] = {
	"format", "version", "id", "code", "title", "date", "venue",
	"description", "groups", "activities", NULL};
static const char *const activity_fields[] = {
	"id", "title", "question", "template", "animators", "vote_budget",
	"boards", "phases", "start", "end", NULL};
static const char *const board_fields[] = {"id", "title", "prompt", "kind", NULL};
static const char *const group_fields[] = {"id", "label", NULL};
static const char *const templates[] = {
	"open", "ami", "swot", "orientations", "custom", NULL};
static const char *const board_kinds[] = {"notes", "orientations", NULL};
static const char *const format_names[] = {FORMAT_NAME, NULL};

/* The boards each template gives, in order. Titles and prompts are the
 * catalogue entries template.<template>.<board>.title / .prompt. */
static const struct template_board {
	const char *template_name;
	const char *id;
	const char *kind;
} template_boards[] = {
	{"open", "salle", "notes"},
	{"ami", "abandonner", "notes"},
	{"ami", "maintenir", "notes"},
	{"ami", "inventer", "notes"},
	{"swot", "forces", "notes"},
	{"swot", "faiblesses", "notes"},
	{"swot", "opportunites", "notes"},
	{"swot", "menaces", "notes"},
	{"orientations", "orientations", "orientations"},
};

/* ===== Error sentences ===== */

/* Where an error sentence goes, the file it names and the catalogue its
 * words (and the templates' titles) come from. One per call. */
typedef struct check {
	const char *file;
	char *err;
	size_t err_len;
	const i18n_cat *cat;
} check;

/* Cuts s so that it does not end inside a UTF-8 sequence (after a
 * truncating snprintf). */
static void cut_partial_utf8(char *s)
{
	size_t len = strlen(s);
	size_t lead = len;
	while (lead > 0 && ((unsigned char)s[lead - 1] & 0xC0) == 0x80)
		lead--;
	if (lead == 0)
		return;
	unsigned char c = (unsigned char)s[lead - 1];
	size_t need = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
	if (len - (lead - 1) < need)
		s[lead - 1] = '\0';
}

/* Copies at most max characters of src into dst[n] for quoting in a
 * message: control characters become '?', a longer text ends with "…". */
static void quote(char *dst, size_t n, const char *src, size_t max)
{
	size_t o = 0, chars = 0;
	const unsigned char *s = (const unsigned char *)src;
	for (; *s && o + 4 < n; s++) {
		if ((*s & 0xC0) != 0x80 && chars++ == max)
			break;
		dst[o++] = (*s < 0x20 || *s == 0x7F) ? '?' : (char)*s;
	}
	dst[o] = '\0';
	if (*s && o + 4 <= n) {
		cut_partial_utf8(dst);
		strcat(dst, "\xE2\x80\xA6");
	}
}

/* Writes into out[n] the catalogue text of key with {1}, {2}, {3}
 * replaced by a1, a2, a3 (NULL: left empty). */
static void fill(const i18n_cat *cat, char *out, size_t n, const char *key, const char *a1,
                 const char *a2, const char *a3)
{
	const char *args[3] = {a1, a2, a3};
	const char *t = i18n(key, cat);
	size_t o = 0;
	while (*t && o + 1 < n) {
		if (t[0] == '{' && t[1] >= '1' && t[1] <= '3' && t[2] == '}') {
			const char *a = args[t[1] - '1'];
			for (; a && *a && o + 1 < n; a++)
				out[o++] = *a;
			t += 3;
		} else {
			out[o++] = *t++;
		}
	}
	out[o] = '\0';
	cut_partial_utf8(out);
}

/* Writes "<file> : <where> : <reason>." (or "<file> : <reason>." when
 * where is NULL), the reason being the catalogue text of key filled with
 * a1..a3. Returns -1, so that callers can return fail(...). */
static int fail(check *c, const char *where, const char *key, const char *a1,
                const char *a2, const char *a3)
{
	char reason[REASON_LEN];
	if (!c->err || c->err_len == 0)
		return -1;
	fill(c->cat, reason, sizeof reason, key, a1, a2, a3);
	if (where)
		snprintf(c->err, c->err_len, "%s : %s : %s.", c->file, where, reason);
	else
		snprintf(c->err, c->err_len, "%s : %s.", c->file, reason);
	cut_partial_utf8(c->err);
	return -1;
}

static int fail_memory(check *c, const char *where)
{
	return fail(c, where, "defn.err.memory", NULL, NULL, NULL);
}

/* fail() for "got {1}, at most {2}" messages. */
static int fail_count(check *c, const char *where, const char *key, size_t got,
                      size_t max)
{
	char a[24], b[24];
	snprintf(a, sizeof a, "%zu", got);
	snprintf(b, sizeof b, "%zu", max);
	return fail(c, where, key, a, b, NULL);
}

/* ===== Small checks ===== */

/* out = base.key (or key when base is empty). */
static void field_path(char *out, size_t n, const char *base, const char *key)
{
	/* A path longer than the buffer is cut: it still names its start. */
	if (snprintf(out, n, "%s%s%s", base, *base ? "." : "", key) >= (int)n)
		out[n - 1] = '\0';
}

/* out = base[i]. */
static void item_path(char *out, size_t n, const char *base, size_t i)
{
	if (snprintf(out, n, "%s[%zu]", base, i) >= (int)n)
		out[n - 1] = '\0';
}

static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* out = "a, b, c" from a NULL-terminated list. */
static void join_list(char *out, size_t n, const char *const *list)
{
	out[0] = '\0';
	for (const char *const *p = list; *p; p++) {
		if (p != list)
			strncat(out, ", ", n - strlen(out) - 1);
		strncat(out, *p, n - strlen(out) - 1);
	}
}

/* 1 if s is 1..MAX_SLUG characters from a-z, 0-9 and '-'. */
static int is_slug(const char *s)
{
	size_t len = strlen(s);
	if (len < 1 || len > MAX_SLUG)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return 0;
	return 1;
}

/* 1 if s is MIN_CODE..MAX_CODE characters from A-Z and 2-9. */
static int is_code(const char *s)
{
	size_t len = strlen(s);
	if (len < MIN_CODE || len > MAX_CODE)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '2' && *s <= '9')))
			return 0;
	return 1;
}

/* 1 if s is YYYY-MM-DD and names a day of the calendar (1900..2999). */
static int is_real_date(const char *s)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1)
		return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= days[m - 1] + (m == 2 && leap);
}

/* Refuses any member of obj whose name is not in allowed. */
static int known_fields(check *c, json_t *obj, const char *base,
                        const char *const *allowed)
{
	for (void *it = json_object_iter(obj); it; it = json_object_iter_next(obj, it)) {
		const char *key = json_object_iter_key(it);
		if (in_list(key, allowed))
			continue;
		char name[QUOTE_CHARS * 4 + 8], where[PATH_LEN], list[REASON_LEN];
		quote(name, sizeof name, key, QUOTE_CHARS);
		field_path(where, sizeof where, base, name);
		join_list(list, sizeof list, allowed);
		return fail(c, where, "defn.err.unknown_field", list, NULL, NULL);
	}
	return 0;
}

/* ===== Texts ===== */

enum { ONE_LINE = 0, MULTI_LINE = 1 };
enum { OPTIONAL = 0, REQUIRED = 1 };

/* Checks the string v at where: valid UTF-8; once trimmed, not blank when
 * REQUIRED, no control character (a MULTI_LINE text may hold line breaks;
 * "\r\n" becomes "\n"), at most max characters. Stores the trimmed text
 * back into v. */
static int check_text(check *c, json_t *v, const char *where, size_t max,
                      int lines, int required)
{
	char *norm = NULL;
	size_t len = 0;
	int rc = -1;

	if (!json_is_string(v))
		return fail(c, where, "defn.err.type_string", NULL, NULL, NULL);
	const char *s = json_string_value(v);
	len = json_string_length(v);
	if (!text_utf8_valid(s, len))
		return fail(c, where, "defn.err.utf8", NULL, NULL, NULL);
	if (text_normalize_newlines(s, len, &norm, &len) < 0)
		return fail_memory(c, where);
	size_t start = 0, tlen = 0;
	text_trim(norm, len, &start, &tlen);
	if (tlen == 0 && required == REQUIRED) {
		fail(c, where, "defn.err.empty", NULL, NULL, NULL);
		goto done;
	}
	if (text_has_controln(norm + start, tlen, lines == MULTI_LINE)) {
		fail(c, where, lines == MULTI_LINE ? "defn.err.control" : "defn.err.newline",
		     NULL, NULL, NULL);
		goto done;
	}
	size_t chars = text_char_countn(norm + start, tlen);
	if (chars > max) {
		fail_count(c, where, "defn.err.too_long", chars, max);
		goto done;
	}
	if (json_string_setn(v, norm + start, tlen) < 0) {
		fail_memory(c, where);
		goto done;
	}
	rc = 0;
done:
	free(norm);
	return rc;
}

/* Checks the text member key of obj (base is obj's path). An OPTIONAL
 * member that is absent is set to "". */
static int text_field(check *c, json_t *obj, const char *base, const char *key,
                      size_t max, int lines, int required)
{
	char where[PATH_LEN];
	field_path(where, sizeof where, base, key);
	json_t *v = json_object_get(obj, key);
	if (!v) {
		if (required == REQUIRED)
			return fail(c, where, "defn.err.missing", NULL, NULL, NULL);
		if (json_object_set_new(obj, key, json_string("")) < 0)
			return fail_memory(c, where);
		return 0;
	}
	return check_text(c, v, where, max, lines, required);
}

/* Checks that the member key of obj is a string. *out (OUT) is the string,
 * or NULL when absent and OPTIONAL. */
static int string_field(check *c, json_t *obj, const char *base, const char *key,
                        int required, const char **out /* OUT */)
{
	char where[PATH_LEN];
	field_path(where, sizeof where, base, key);
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v)
		return required == REQUIRED
			       ? fail(c, where, "defn.err.missing", NULL, NULL, NULL)
			       : 0;
	if (!json_is_string(v))
		return fail(c, where, "defn.err.type_string", NULL, NULL, NULL);
	*out = json_string_value(v);
	return 0;
}

/* The required member key of obj is a slug. */
static int slug_field(check *c, json_t *obj, const char *base, const char *key,
                      const char **out /* OUT */)
{
	if (string_field(c, obj, base, key, REQUIRED, out) < 0)
		return -1;
	if (is_slug(*out))
		return 0;
	char where[PATH_LEN], shown[QUOTE_CHARS * 4 + 8];
	field_path(where, sizeof where, base, key);
	quote(shown, sizeof shown, *out, QUOTE_CHARS);
	return fail(c, where, "defn.err.slug", shown, NULL, NULL);
}

/* The member key of obj is one of list; absent and OPTIONAL: dflt is set. */
static int choice_field(check *c, json_t *obj, const char *base, const char *key,
                        const char *const *list, const char *dflt,
                        const char **out /* OUT */)
{
	char where[PATH_LEN];
	if (string_field(c, obj, base, key, dflt ? OPTIONAL : REQUIRED, out) < 0)
		return -1;
	field_path(where, sizeof where, base, key);
	if (!*out) {
		if (json_object_set_new(obj, key, json_string(dflt)) < 0)
			return fail_memory(c, where);
		*out = dflt;
		return 0;
	}
	if (in_list(*out, list))
		return 0;
	char shown[QUOTE_CHARS * 4 + 8], expected[REASON_LEN];
	quote(shown, sizeof shown, *out, QUOTE_CHARS);
	join_list(expected, sizeof expected, list);
	return fail(c, where, "defn.err.bad_value", shown, expected, NULL);
}

/* Refuses an id already used by an earlier item of items (ids at
 * items[j].id, already checked as strings). */
static int unique_id(check *c, json_t *items, size_t i, const char *base,
                     const char *id)
{
	for (size_t j = 0; j < i; j++) {
		const char *other = json_string_value(
			json_object_get(json_array_get(items, j), "id"));
		if (other && strcmp(other, id) == 0) {
			char where[PATH_LEN], first[PATH_LEN], item[PATH_LEN];
			item_path(item, sizeof item, base, i);
			field_path(where, sizeof where, item, "id");
			item_path(item, sizeof item, base, j);
			field_path(first, sizeof first, item, "id");
			return fail(c, where, "defn.err.duplicate", id, first, NULL);
		}
	}
	return 0;
}

/* The member key of obj is an array of 1..max items (min_one) or 0..max.
 * *out (OUT) is the array. */
static int array_field(check *c, json_t *obj, const char *base, const char *key,
                       size_t max, int min_one, json_t **out /* OUT */)
{
	char where[PATH_LEN];
	field_path(where, sizeof where, base, key);
	*out = json_object_get(obj, key);
	if (!*out)
		return fail(c, where, "defn.err.missing", NULL, NULL, NULL);
	if (!json_is_array(*out))
		return fail(c, where, "defn.err.type_array", NULL, NULL, NULL);
	size_t n = json_array_size(*out);
	if (n == 0 && min_one)
		return fail(c, where, "defn.err.empty_list", NULL, NULL, NULL);
	if (n > max)
		return fail_count(c, where, "defn.err.too_many", n, max);
	return 0;
}

/* What activities and boards share: an object with only the fields of
 * allowed, a slug "id" and a one-line "title". */
static int check_item(check *c, json_t *item, const char *where,
                      const char *const *allowed)
{
	const char *id;
	if (!json_is_object(item))
		return fail(c, where, "defn.err.type_object", NULL, NULL, NULL);
	if (known_fields(c, item, where, allowed) < 0 ||
	    slug_field(c, item, where, "id", &id) < 0 ||
	    text_field(c, item, where, "title", MAX_TITLE, ONE_LINE, REQUIRED) < 0)
		return -1;
	return 0;
}

/* ===== Boards ===== */

/* One board of a "custom" activity, at where. */
static int check_board(check *c, json_t *b, const char *where)
{
	const char *kind;
	if (check_item(c, b, where, board_fields) < 0 ||
	    text_field(c, b, where, "prompt", MAX_PROMPT, MULTI_LINE, OPTIONAL) < 0 ||
	    choice_field(c, b, where, "kind", board_kinds, "notes", &kind) < 0)
		return -1;
	return 0;
}

/* The boards of a "custom" activity (base is the activity's path). */
static int check_custom_boards(check *c, json_t *act, const char *base)
{
	char where[PATH_LEN], item[PATH_LEN];
	json_t *boards;
	field_path(where, sizeof where, base, "boards");
	if (!json_object_get(act, "boards"))
		return fail(c, where, "defn.err.boards_required", NULL, NULL, NULL);
	if (array_field(c, act, base, "boards", MAX_BOARDS, 1, &boards) < 0)
		return -1;
	for (size_t i = 0; i < json_array_size(boards); i++) {
		json_t *b = json_array_get(boards, i);
		item_path(item, sizeof item, where, i);
		if (check_board(c, b, item) < 0 ||
		    unique_id(c, boards, i, where, json_string_value(json_object_get(b, "id"))) < 0)
			return -1;
	}
	return 0;
}

/* Sets act.boards to the boards of template name, with their titles and
 * prompts from the catalogue, in its language. */
static int expand_template(check *c, json_t *act, const char *base, const char *name)
{
	char where[PATH_LEN], key_title[96], key_prompt[96];
	json_t *boards = json_array();
	int rc = -1;

	field_path(where, sizeof where, base, "boards");
	if (!boards)
		goto done;
	for (size_t i = 0; i < sizeof template_boards / sizeof template_boards[0]; i++) {
		const struct template_board *t = &template_boards[i];
		if (strcmp(t->template_name, name) != 0)
			continue;
		snprintf(key_title, sizeof key_title, "template.%s.%s.title", name, t->id);
		snprintf(key_prompt, sizeof key_prompt, "template.%s.%s.prompt", name, t->id);
		json_t *b = json_pack("{s:s, s:s, s:s, s:s}", "id", t->id, "title",
		                      i18n(key_title, c->cat), "prompt", i18n(key_prompt, c->cat),
		                      "kind", t->kind);
		if (!b || json_array_append_new(boards, b) < 0)
			goto done;
	}
	rc = json_object_set(act, "boards", boards);
done:
	json_decref(boards);
	return rc < 0 ? fail_memory(c, where) : 0;
}

/* ===== Activities ===== */

/* animators: optional array of one-line role strings; absent gives []. */
static int check_animators(check *c, json_t *act, const char *base)
{
	char where[PATH_LEN], item[PATH_LEN];
	json_t *list;
	field_path(where, sizeof where, base, "animators");
	if (!json_object_get(act, "animators")) {
		if (json_object_set_new(act, "animators", json_array()) < 0)
			return fail_memory(c, where);
		return 0;
	}
	if (array_field(c, act, base, "animators", MAX_ANIMATORS, 0, &list) < 0)
		return -1;
	for (size_t i = 0; i < json_array_size(list); i++) {
		item_path(item, sizeof item, where, i);
		if (check_text(c, json_array_get(list, i), item, MAX_ANIMATOR, ONE_LINE,
		               REQUIRED) < 0)
			return -1;
	}
	return 0;
}

/* vote_budget: optional integer 0..MAX_VOTE_BUDGET, default 3. */
static int check_vote_budget(check *c, json_t *act, const char *base)
{
	char where[PATH_LEN];
	field_path(where, sizeof where, base, "vote_budget");
	json_t *v = json_object_get(act, "vote_budget");
	if (!v) {
		if (json_object_set_new(act, "vote_budget", json_integer(DEFAULT_VOTE_BUDGET)) < 0)
			return fail_memory(c, where);
		return 0;
	}
	if (!json_is_integer(v))
		return fail(c, where, "defn.err.type_integer", NULL, NULL, NULL);
	json_int_t n = json_integer_value(v);
	if (n < 0 || n > MAX_VOTE_BUDGET) {
		char got[32], hi[16];
		snprintf(got, sizeof got, "%" JSON_INTEGER_FORMAT, n);
		snprintf(hi, sizeof hi, "%d", MAX_VOTE_BUDGET);
		return fail(c, where, "defn.err.range", got, "0", hi);
	}
	return 0;
}

/* phases: optional array of the activity's phases (vocab.h), each once,
 * in the order of a day; the phases every activity has (prepared,
 * closed) are not named. Absent: the usual ones, and it stays absent. */
static int check_phases(check *c, json_t *act, const char *base)
{
	char where[PATH_LEN], item[PATH_LEN], shown[QUOTE_CHARS * 4 + 8], expected[REASON_LEN];
	const char *names[VOCAB_ACTIVITY_STATES + 1];
	size_t n = 0;
	json_t *list;
	int last = -1;

	if (!json_object_get(act, "phases"))
		return 0;
	for (int k = 0; k < VOCAB_ACTIVITY_STATES; k++)
		if (!vocab_activity((vocab_activity_state)k)->always)
			names[n++] = vocab_activity((vocab_activity_state)k)->name;
	names[n] = NULL;
	if (array_field(c, act, base, "phases", n, 1, &list) < 0)
		return -1;
	field_path(where, sizeof where, base, "phases");
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *v = json_array_get(list, i);
		int k;
		item_path(item, sizeof item, where, i);
		if (!json_is_string(v))
			return fail(c, item, "defn.err.type_string", NULL, NULL, NULL);
		quote(shown, sizeof shown, json_string_value(v), QUOTE_CHARS);
		join_list(expected, sizeof expected, names);
		if (!in_list(json_string_value(v), names))
			return fail(c, item, "defn.err.bad_value", shown, expected, NULL);
		k = vocab_activity_find(json_string_value(v));
		if (k == last)
			return fail(c, item, "defn.err.phase_twice", shown, NULL, NULL);
		if (k < last)
			return fail(c, item, "defn.err.phase_order", shown, expected, NULL);
		last = k;
	}
	return 0;
}

/* A time of the day "HH:MM", 00:00 to 23:59. */
static int is_time(const char *s)
{
	return strlen(s) == 5 && s[0] >= '0' && s[0] <= '2' && s[1] >= '0' && s[1] <= '9' &&
	       (s[0] < '2' || s[1] <= '3') && s[2] == ':' && s[3] >= '0' && s[3] <= '5' &&
	       s[4] >= '0' && s[4] <= '9';
}

/* start and end: an activity's time slot, both or neither, each "HH:MM",
 * the end after the start. Activities with the same slot run in parallel
 * (the screen's plenary shows them side by side). */
static int check_slot(check *c, json_t *act, const char *base)
{
	static const char *const keys[] = {"start", "end"};
	const char *t[2];
	char where[PATH_LEN], shown[QUOTE_CHARS * 4 + 8];

	for (int i = 0; i < 2; i++) {
		if (string_field(c, act, base, keys[i], OPTIONAL, &t[i]) < 0)
			return -1;
		field_path(where, sizeof where, base, keys[i]);
		if (t[i] && !is_time(t[i])) {
			quote(shown, sizeof shown, t[i], QUOTE_CHARS);
			return fail(c, where, "defn.err.time", shown, NULL, NULL);
		}
	}
	if (!t[0] != !t[1]) {
		field_path(where, sizeof where, base, keys[t[0] ? 1 : 0]);
		return fail(c, where, "defn.err.slot_half", NULL, NULL, NULL);
	}
	if (t[0] && strcmp(t[0], t[1]) >= 0) {
		field_path(where, sizeof where, base, "end");
		return fail(c, where, "defn.err.slot_order", t[1], t[0], NULL);
	}
	return 0;
}

/* One activity, at where. */
static int check_activity(check *c, json_t *act, const char *where)
{
	const char *name;
	if (check_item(c, act, where, activity_fields) < 0 ||
	    check_slot(c, act, where) < 0 ||
	    text_field(c, act, where, "question", MAX_QUESTION, MULTI_LINE, OPTIONAL) < 0 ||
	    choice_field(c, act, where, "template", templates, NULL, &name) < 0 ||
	    check_animators(c, act, where) < 0 ||
	    check_vote_budget(c, act, where) < 0 ||
	    check_phases(c, act, where) < 0)
		return -1;
	if (strcmp(name, "custom") == 0)
		return check_custom_boards(c, act, where);
	if (json_object_get(act, "boards")) {
		char boards[PATH_LEN];
		field_path(boards, sizeof boards, where, "boards");
		return fail(c, boards, "defn.err.boards_not_custom", name, NULL, NULL);
	}
	return expand_template(c, act, where, name);
}

/* ===== The seminar ===== */

/* format and version: the file says what it is. */
static int check_format(check *c, json_t *root)
{
	const char *name;
	if (choice_field(c, root, "", "format", format_names, NULL, &name) < 0)
		return -1;
	json_t *v = json_object_get(root, "version");
	if (!v)
		return fail(c, "version", "defn.err.missing", NULL, NULL, NULL);
	if (!json_is_integer(v))
		return fail(c, "version", "defn.err.type_integer", NULL, NULL, NULL);
	if (json_integer_value(v) != FORMAT_VERSION) {
		char got[32];
		snprintf(got, sizeof got, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return fail(c, "version", "defn.err.version", got, NULL, NULL);
	}
	return 0;
}

/* id, code, title, date, venue, description. */
static int check_header(check *c, json_t *root)
{
	const char *id, *code, *date;
	char shown[QUOTE_CHARS * 4 + 8];
	if (slug_field(c, root, "", "id", &id) < 0 ||
	    string_field(c, root, "", "code", OPTIONAL, &code) < 0)
		return -1;
	if (code && !is_code(code)) {
		quote(shown, sizeof shown, code, QUOTE_CHARS);
		return fail(c, "code", "defn.err.code", shown, NULL, NULL);
	}
	if (text_field(c, root, "", "title", MAX_TITLE, ONE_LINE, REQUIRED) < 0 ||
	    string_field(c, root, "", "date", REQUIRED, &date) < 0)
		return -1;
	if (!is_real_date(date)) {
		quote(shown, sizeof shown, date, QUOTE_CHARS);
		return fail(c, "date", "defn.err.date", shown, NULL, NULL);
	}
	if (text_field(c, root, "", "venue", MAX_VENUE, ONE_LINE, REQUIRED) < 0 ||
	    text_field(c, root, "", "description", MAX_DESCRIPTION, MULTI_LINE, OPTIONAL) < 0)
		return -1;
	return 0;
}

/* groups: optional array of 0..MAX_GROUPS stakeholder groups, each
 * {"id": slug, "label": one-line text}, ids unique; absent stays absent
 * (the seminar has none). */
static int check_groups(check *c, json_t *root)
{
	char item[PATH_LEN];
	json_t *list;
	const char *id;

	if (!json_object_get(root, "groups"))
		return 0;
	if (array_field(c, root, "", "groups", MAX_GROUPS, 0, &list) < 0)
		return -1;
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *g = json_array_get(list, i);
		item_path(item, sizeof item, "groups", i);
		if (!json_is_object(g))
			return fail(c, item, "defn.err.type_object", NULL, NULL, NULL);
		if (known_fields(c, g, item, group_fields) < 0 || slug_field(c, g, item, "id", &id) < 0 ||
		    text_field(c, g, item, "label", MAX_GROUP_LABEL, ONE_LINE, REQUIRED) < 0 ||
		    unique_id(c, list, i, "groups", id) < 0)
			return -1;
	}
	return 0;
}

/* defn_validate() with a catalogue (not NULL). */
static int validate(json_t *root, const char *path, const i18n_cat *cat, char *err, size_t err_len)
{
	check c = {path ? path : i18n("defn.unnamed", cat), err, err_len, cat};
	char item[PATH_LEN];
	json_t *acts;

	if (err && err_len)
		err[0] = '\0';
	if (!json_is_object(root))
		return fail(&c, i18n("defn.root", cat), "defn.err.type_object", NULL, NULL, NULL);
	if (known_fields(&c, root, "", seminar_fields) < 0 || check_format(&c, root) < 0 ||
	    check_header(&c, root) < 0 || check_groups(&c, root) < 0 ||
	    array_field(&c, root, "", "activities", MAX_ACTIVITIES, 1, &acts) < 0)
		return -1;
	for (size_t i = 0; i < json_array_size(acts); i++) {
		json_t *act = json_array_get(acts, i);
		item_path(item, sizeof item, "activities", i);
		if (check_activity(&c, act, item) < 0 ||
		    unique_id(&c, acts, i, "activities",
		              json_string_value(json_object_get(act, "id"))) < 0)
			return -1;
	}
	/* The normalized shape (defn.h) does not carry the file's own label. */
	json_object_del(root, "format");
	json_object_del(root, "version");
	return 0;
}

/* The sentence when no catalogue could be made. */
static int no_memory(char *err, size_t err_len)
{
	if (err && err_len)
		snprintf(err, err_len, "out of memory");
	return -1;
}

int defn_validate(json_t *root, const char *path, const i18n_cat *cat, char *err, size_t err_len)
{
	i18n_cat *own = NULL;
	int rc;

	if (!(cat = i18n_or_french(cat, &own)))
		return no_memory(err, err_len);
	rc = validate(root, path, cat, err, err_len);
	i18n_free(own);
	return rc;
}

/* ===== Files ===== */

int defn_load_file(const char *path, const i18n_cat *cat, json_t **out, char *err, size_t err_len)
{
	i18n_cat *own = NULL;
	FILE *f = NULL;
	char *buf = NULL;
	json_t *root = NULL;
	json_error_t jerr;
	int rc = -1;

	if (out)
		*out = NULL;
	if (!(cat = i18n_or_french(cat, &own)))
		return no_memory(err, err_len);
	check c = {path ? path : i18n("defn.unnamed", cat), err, err_len, cat};
	if (err && err_len)
		err[0] = '\0';
	if (!out)
		goto done;
	f = path ? fopen(path, "rb") : NULL;
	if (!f) {
		fail(&c, NULL, "defn.err.read", strerror(path ? errno : EINVAL), NULL, NULL);
		goto done;
	}
	buf = malloc(MAX_FILE_BYTES + 1);
	if (!buf) {
		fail_memory(&c, NULL);
		goto done;
	}
	errno = 0;
	size_t n = fread(buf, 1, MAX_FILE_BYTES + 1, f);
	if (ferror(f)) {
		/* e.g. EISDIR: fopen() opens a directory, reading it fails */
		fail(&c, NULL, "defn.err.read", strerror(errno ? errno : EIO), NULL, NULL);
		goto done;
	}
	if (n > MAX_FILE_BYTES) {
		char lim[24];
		snprintf(lim, sizeof lim, "%d", MAX_FILE_BYTES);
		fail(&c, NULL, "defn.err.too_big", lim, NULL, NULL);
		goto done;
	}
	size_t skip = (n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
	root = json_loadb(buf + skip, n - skip, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		char line[24], col[24], where[PATH_LEN], why[REASON_LEN];
		snprintf(line, sizeof line, "%d", jerr.line);
		snprintf(col, sizeof col, "%d", jerr.column);
		fill(cat, where, sizeof where, "defn.err.position", line, col, NULL);
		quote(why, sizeof why, jerr.text, REASON_LEN / 4);
		fail(&c, where, "defn.err.syntax", why, NULL, NULL);
		goto done;
	}
	if (validate(root, path, cat, err, err_len) < 0)
		goto done;
	*out = root;
	root = NULL;
	rc = 0;
done:
	json_decref(root);
	free(buf);
	if (f)
		fclose(f);
	i18n_free(own);
	return rc;
}

/* ===== The definition as structs ===== */

/* What defn_new allocates besides the defn: its arrays and the texts. */
struct defn_mem {
	defn_activity *activities;
	defn_board *boards;     /* every activity's, one after the other */
	const char **animators; /* the same */
	defn_group *groups;
	char *text, *end;       /* the texts, and where the next one goes */
};

/* The items of the member key of o when it is an array, else none. */
static size_t items(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_array(v) ? json_array_size(v) : 0;
}

/* The bytes of the string v with its NUL, 0 when v is not a string. */
static size_t bytes(json_t *v)
{
	const char *t = json_string_value(v);
	return t ? strlen(t) + 1 : 0;
}

/* Bytes the texts of doc take in a defn (what keep() will take). */
static size_t text_bytes(json_t *doc)
{
	static const char *const seminar_texts[] = {"id",    "code",        "title", "date",
	                                            "venue", "description", NULL};
	static const char *const activity_texts[] = {"id",  "title", "question", "template",
	                                             "start", "end", NULL};
	json_t *acts = json_object_get(doc, "activities");
	size_t n = 0;

	for (const char *const *k = seminar_texts; *k; k++)
		n += bytes(json_object_get(doc, *k));
	for (size_t i = 0; i < items(doc, "groups"); i++) {
		json_t *g = json_array_get(json_object_get(doc, "groups"), i);
		for (const char *const *k = group_fields; *k; k++)
			n += bytes(json_object_get(g, *k));
	}
	for (size_t i = 0; i < items(doc, "activities"); i++) {
		json_t *a = json_array_get(acts, i);
		for (const char *const *k = activity_texts; *k; k++)
			n += bytes(json_object_get(a, *k));
		for (size_t j = 0; j < items(a, "animators"); j++)
			n += bytes(json_array_get(json_object_get(a, "animators"), j));
		for (size_t j = 0; j < items(a, "boards"); j++) {
			json_t *b = json_array_get(json_object_get(a, "boards"), j);
			for (const char *const *k = board_fields; *k; k++)
				n += bytes(json_object_get(b, *k));
		}
	}
	return n;
}

/* A copy of the string v in m's texts (text_bytes() counted the room), or
 * absent when v is not a string. */
static const char *keep(struct defn_mem *m, json_t *v, const char *absent)
{
	size_t n = bytes(v);
	char *out = m->end;

	if (!n)
		return absent;
	memcpy(out, json_string_value(v), n);
	m->end += n;
	return out;
}

/* The digest of doc (defn.h), into out[17]. */
static int digest_of(json_t *doc, char out[17])
{
	char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);

	if (!text)
		return -1;
	snprintf(out, 17, "%016llx", (unsigned long long)digest_fnv1a(text, strlen(text)));
	free(text);
	return 0;
}

void defn_free(defn_seminar *d)
{
	if (!d)
		return;
	if (d->mem) {
		free(d->mem->activities);
		free(d->mem->boards);
		free(d->mem->animators);
		free(d->mem->groups);
		free(d->mem->text);
		free(d->mem);
	}
	free(d);
}

/* The activity a of the document into *out, its boards and animators
 * taken from m's arrays at *nb and *nn. */
static void make_activity(struct defn_mem *m, json_t *a, defn_activity *out, size_t *nb,
                          size_t *nn)
{
	json_t *list = json_object_get(a, "animators"), *boards = json_object_get(a, "boards");
	json_t *phases = json_object_get(a, "phases");

	*out = (defn_activity){
		.id = keep(m, json_object_get(a, "id"), ""),
		.title = keep(m, json_object_get(a, "title"), ""),
		.question = keep(m, json_object_get(a, "question"), ""),
		.template_name = keep(m, json_object_get(a, "template"), ""),
		.start = keep(m, json_object_get(a, "start"), NULL),
		.end = keep(m, json_object_get(a, "end"), NULL),
		.animators = &m->animators[*nn],
		.vote_budget = (long long)json_integer_value(json_object_get(a, "vote_budget")),
		.boards = &m->boards[*nb],
		.nboards = items(a, "boards"),
	};
	for (size_t j = 0; j < items(a, "phases"); j++) {
		int k = vocab_activity_find(json_string_value(json_array_get(phases, j)));
		if (k >= 0)
			out->phases |= VOCAB_PHASE(k);
	}
	for (size_t j = 0; j < items(a, "animators"); j++) {
		const char *t = keep(m, json_array_get(list, j), NULL);
		if (t) {
			m->animators[(*nn)++] = t;
			out->nanimators++;
		}
	}
	for (size_t j = 0; j < out->nboards; j++) {
		json_t *b = json_array_get(boards, j);
		m->boards[(*nb)++] = (defn_board){keep(m, json_object_get(b, "id"), ""),
		                                  keep(m, json_object_get(b, "title"), ""),
		                                  keep(m, json_object_get(b, "prompt"), ""),
		                                  keep(m, json_object_get(b, "kind"), "")};
	}
}

int defn_new(json_t *doc, defn_seminar **out)
{
	json_t *acts = json_object_get(doc, "activities"), *groups = json_object_get(doc, "groups");
	size_t na = items(doc, "activities"), ng = items(doc, "groups"), nb = 0, nn = 0, i;
	defn_seminar *d = calloc(1, sizeof *d);
	struct defn_mem *m = d ? calloc(1, sizeof *m) : NULL;

	*out = NULL;
	if (!m)
		goto fail;
	d->mem = m;
	for (i = 0; i < na; i++) {
		nb += items(json_array_get(acts, i), "boards");
		nn += items(json_array_get(acts, i), "animators");
	}
	m->activities = malloc((na ? na : 1) * sizeof *m->activities);
	m->boards = malloc((nb ? nb : 1) * sizeof *m->boards);
	m->animators = malloc((nn ? nn : 1) * sizeof *m->animators);
	m->groups = malloc((ng ? ng : 1) * sizeof *m->groups);
	m->text = m->end = malloc(text_bytes(doc) + 1);
	if (!m->activities || !m->boards || !m->animators || !m->groups || !m->text ||
	    digest_of(doc, d->digest))
		goto fail;
	d->id = keep(m, json_object_get(doc, "id"), NULL);
	d->code = keep(m, json_object_get(doc, "code"), NULL);
	d->title = keep(m, json_object_get(doc, "title"), NULL);
	d->date = keep(m, json_object_get(doc, "date"), "");
	d->venue = keep(m, json_object_get(doc, "venue"), "");
	d->description = keep(m, json_object_get(doc, "description"), "");
	for (i = 0; i < ng; i++) {
		json_t *g = json_array_get(groups, i);
		m->groups[i] = (defn_group){keep(m, json_object_get(g, "id"), ""),
		                            keep(m, json_object_get(g, "label"), "")};
	}
	d->groups = m->groups;
	d->ngroups = ng;
	nb = nn = 0;
	for (i = 0; i < na; i++)
		make_activity(m, json_array_get(acts, i), &m->activities[i], &nb, &nn);
	d->activities = m->activities;
	d->nactivities = na;
	*out = d;
	return 0;
fail:
	defn_free(d);
	return -1;
}

int defn_load(const char *path, const i18n_cat *cat, defn_seminar **out, char *err,
              size_t err_len)
{
	json_t *doc = NULL;
	int rc = defn_load_file(path, cat, &doc, err, err_len);

	*out = NULL;
	if (rc == 0 && defn_new(doc, out)) {
		i18n_cat *own = NULL;
		check c = {path, err, err_len, i18n_or_french(cat, &own)};
		rc = c.cat ? fail_memory(&c, NULL) : no_memory(err, err_len);
		i18n_free(own);
	}
	json_decref(doc);
	return rc;
}
