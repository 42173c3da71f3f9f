/*
 * proto_cases.c — replays the data-driven protocol cases through
 * proto_parse, one cmocka test per case folder:
 *
 *   cases/valid/<name>/input      a raw client message
 *   cases/valid/<name>/expected   dump of the parsed proto_msg (see dump())
 *   cases/invalid/<name>/input    a raw client message
 *   cases/invalid/<name>/error    the expected error code ("too_long")
 *   cases/invalid/<name>/re       optional: the expected re id ("" if none)
 *
 * Adding a case is adding a folder. The folders are read from
 * $ATELIER_SOURCE_DIR/tests/proto/cases; an empty or missing folder fails.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proc.h"
#include "proto.h"

struct pcase {
	char dir[1024];
	char name[256];
	int valid;
};

/* The whole file dir/file (proc_slurp); NULL if it cannot be read. */
static char *case_file(const char *dir, const char *file, size_t *len /* OUT */)
{
	char path[1200];

	snprintf(path, sizeof path, "%s/%s", dir, file);
	return proc_slurp(path, len);
}

/* Drops white space at the end of s, in place. */
static void chomp(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		s[--n] = '\0';
}

static void put(char **out, size_t *cap, size_t *len, const char *s)
{
	size_t n = strlen(s);

	while (*len + n + 1 > *cap) {
		*cap = *cap ? *cap * 2 : 256;
		*out = realloc(*out, *cap);
		assert_non_null(*out);
	}
	memcpy(*out + *len, s, n + 1);
	*len += n;
}

/* One "key=value\n" line, the value with "\\" and "\n" escaped. */
static void put_str(char **out, size_t *cap, size_t *len, const char *key,
                    const char *v)
{
	if (!v)
		return;
	put(out, cap, len, key);
	put(out, cap, len, "=");
	for (const char *p = v; *p; p++) {
		char c[2] = {*p, '\0'};
		put(out, cap, len, *p == '\n' ? "\\n" : *p == '\\' ? "\\\\" : c);
	}
	put(out, cap, len, "\n");
}

static void put_int(char **out, size_t *cap, size_t *len, const char *key,
                    long long v)
{
	char num[32];

	if (v == -1)
		return;
	snprintf(num, sizeof num, "%lld", v);
	put_str(out, cap, len, key, num);
}

/* The canonical dump of a parsed message: the fields that are set, one
 * "field=value" line each, in the order of struct proto_msg. */
static char *dump(const proto_msg *m)
{
	char *out = NULL, key[32];
	size_t cap = 0, len = 0;

	put_str(&out, &cap, &len, "type", proto_type_name(m->type));
	put_str(&out, &cap, &len, "id", m->id);
	put_str(&out, &cap, &len, "code", m->code);
	put_str(&out, &cap, &len, "token", m->token);
	put_str(&out, &cap, &len, "name", m->name);
	put_str(&out, &cap, &len, "structure", m->structure);
	put_str(&out, &cap, &len, "group", m->group);
	if (m->nulls & PROTO_FIELD_BIT(PROTO_F_GROUP))
		put_str(&out, &cap, &len, "group", "null");
	put_str(&out, &cap, &len, "key", m->key);
	put_str(&out, &cap, &len, "activity", m->activity);
	put_str(&out, &cap, &len, "board", m->board);
	put_str(&out, &cap, &len, "text", m->text);
	put_str(&out, &cap, &len, "author", m->author);
	put_str(&out, &cap, &len, "state", m->state);
	put_int(&out, &cap, &len, "contribution", m->contribution);
	put_int(&out, &cap, &len, "parent", m->parent);
	put_int(&out, &cap, &len, "since", m->since);
	put_int(&out, &cap, &len, "seen", m->seen);
	put_int(&out, &cap, &len, "entry", m->entry);
	if (m->attend)
		put_int(&out, &cap, &len, "attend", m->attend);
	put_int(&out, &cap, &len, "seconds", m->seconds);
	if (m->advance)
		put_int(&out, &cap, &len, "advance", m->advance);
	put_str(&out, &cap, &len, "pairing", m->pairing);
	put_int(&out, &cap, &len, "screen", m->screen);
	put_str(&out, &cap, &len, "mode", m->mode);
	put_str(&out, &cap, &len, "console", m->console);
	put_int(&out, &cap, &len, "follow", m->follow);
	put_int(&out, &cap, &len, "join", m->join);
	if (m->nactions)
		put_int(&out, &cap, &len, "actions", (long long)m->nactions);
	for (size_t i = 0; i < m->nactions; i++) {
		snprintf(key, sizeof key, "actions[%zu]", i);
		put_str(&out, &cap, &len, key, m->actions[i]);
	}
	return out;
}

static void run_valid(const struct pcase *c, const char *input, size_t len)
{
	proto_msg m;
	proto_err err = PROTO_OK;
	char detail[256], re[80], *got, *want;
	int rc = proto_parse(input, len, &m, &err, detail, sizeof detail, re,
	                     sizeof re);

	if (rc != 0)
		fail_msg("%s: refused with %s (%s)", c->name, proto_error_name(err),
		         detail);
	assert_string_equal(re, m.id);
	want = case_file(c->dir, "expected", NULL);
	if (!want)
		fail_msg("%s: no expected file", c->name);
	got = dump(&m);
	chomp(want);
	chomp(got);
	if (strcmp(got, want) != 0)
		print_error("%s:\n--- expected\n%s\n--- got\n%s\n", c->name, want, got);
	assert_string_equal(got, want);
	free(got);
	free(want);
	proto_msg_clear(&m);
	proto_msg_clear(&m); /* a cleared message clears again harmlessly */
}

static void run_invalid(const struct pcase *c, const char *input, size_t len)
{
	proto_msg m;
	proto_err err = PROTO_OK;
	char detail[256], re[80], *want, *want_re, *reply;
	int rc = proto_parse(input, len, &m, &err, detail, sizeof detail, re,
	                     sizeof re);
	json_t *back;

	want = case_file(c->dir, "error", NULL);
	if (!want)
		fail_msg("%s: no error file", c->name);
	chomp(want);
	if (rc == 0)
		fail_msg("%s: accepted, expected %s", c->name, want);
	assert_int_equal(rc, -1);
	if (strcmp(proto_error_name(err), want) != 0)
		fail_msg("%s: got %s (%s), expected %s", c->name,
		         proto_error_name(err), detail, want);
	assert_true(detail[0] != '\0');
	assert_null(m.root_);
	assert_null(m.id);
	want_re = case_file(c->dir, "re", NULL);
	if (want_re) {
		chomp(want_re);
		assert_string_equal(re, want_re);
		free(want_re);
	}
	/* The error reply for it is valid JSON naming the code. */
	reply = proto_encode_error(re, err, detail);
	assert_non_null(reply);
	back = json_loads(reply, 0, NULL);
	assert_non_null(back);
	assert_string_equal(json_string_value(json_object_get(back, "code")), want);
	json_decref(back);
	free(reply);
	free(want);
	proto_msg_clear(&m);
}

static void run_case(void **state)
{
	const struct pcase *c = *state;
	size_t len = 0;
	char *input = case_file(c->dir, "input", &len);

	if (!input)
		fail_msg("%s: no input file", c->name);
	if (c->valid)
		run_valid(c, input, len);
	else
		run_invalid(c, input, len);
	free(input);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct pcase *)a)->name, ((const struct pcase *)b)->name);
}

/* Appends the case folders of root/kind to *cases. Returns how many. */
static size_t collect(const char *root, const char *kind, struct pcase **cases,
                      size_t *n)
{
	char path[1024];
	DIR *d;
	struct dirent *e;
	size_t found = 0, first = *n;

	snprintf(path, sizeof path, "%s/%s", root, kind);
	d = opendir(path);
	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		struct pcase *c, *more;
		if (e->d_name[0] == '.')
			continue;
		more = realloc(*cases, (*n + 1) * sizeof **cases);
		if (!more)
			break;
		*cases = more;
		c = &more[(*n)++];
		/* A name too long for this runner fails its case (no input). */
		if (snprintf(c->dir, sizeof c->dir, "%s/%s", path, e->d_name) >=
		    (int)sizeof c->dir)
			c->dir[0] = '\0';
		if (snprintf(c->name, sizeof c->name, "%s/%s", kind, e->d_name) >=
		    (int)sizeof c->name)
			c->name[sizeof c->name - 1] = '\0';
		c->valid = strcmp(kind, "valid") == 0;
		found++;
	}
	closedir(d);
	if (*cases)
		qsort(*cases + first, found, sizeof **cases, by_name);
	return found;
}

int main(void)
{
	const char *src = getenv("ATELIER_SOURCE_DIR");
	char root[900];
	struct pcase *cases = NULL;
	struct CMUnitTest *tests = NULL;
	size_t n = 0, nvalid, ninvalid;
	int rc = 1;

	snprintf(root, sizeof root, "%s/tests/proto/cases", src ? src : ".");
	nvalid = collect(root, "valid", &cases, &n);
	ninvalid = collect(root, "invalid", &cases, &n);
	if (nvalid == 0 || ninvalid == 0 || !cases) {
		fprintf(stderr, "no cases under %s/{valid,invalid}\n", root);
		goto done;
	}
	tests = calloc(n, sizeof *tests);
	if (!tests)
		goto done;
	for (size_t i = 0; i < n; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = run_case;
		tests[i].initial_state = &cases[i];
	}
	printf("%zu valid and %zu invalid cases\n", nvalid, ninvalid);
	rc = _cmocka_run_group_tests("proto_cases", tests, n, NULL, NULL);
done:
	free(tests);
	free(cases);
	return rc;
}
