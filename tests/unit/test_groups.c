/*
 * test_groups.c — the masking of an activity's participation per
 * stakeholder group (server/groups.c, docs/EXPORTS.md): every way of
 * putting 0 to 5 people in each of 1 to 5 groups, against the rule
 * stated as properties; a few cases by hand; and the table's JSON.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "groups.h"

#define MAX_GROUPS 5
#define MAX_PEOPLE 5

/* The rule, read one property at a time on one case: p[0..n) people in
 * each group, the function's mask m and total_masked. */
static void check_case(const long long *p, size_t n, const groups_mask *m, int total_masked)
{
	long long total = 0, hidden = 0;
	size_t under = 0, complement = 0, shown_nonzero = 0;

	for (size_t i = 0; i < n; i++) {
		total += p[i];
		/* 1 or 2: « moins de 3 », nothing else is */
		assert_int_equal(m[i] == GROUPS_FEWER_THAN_3, p[i] == 1 || p[i] == 2);
		/* 0 singles nobody out: shown */
		if (p[i] == 0)
			assert_int_equal(m[i], GROUPS_SHOWN);
		under += m[i] == GROUPS_FEWER_THAN_3;
		complement += m[i] == GROUPS_COMPLEMENT;
		if (m[i] != GROUPS_SHOWN)
			hidden += p[i];
		else if (p[i] > 0)
			shown_nonzero++;
	}
	assert_int_equal(total_masked, total > 0 && total < GROUPS_THRESHOLD);
	/* a second group is masked exactly when one group alone is under 3
	 * and another has someone */
	assert_int_equal(complement, under == 1 && shown_nonzero + complement > 0 ? 1 : 0);
	if (complement) {
		size_t second = 0;
		while (m[second] != GROUPS_COMPLEMENT)
			second++;
		/* the smallest of the others with someone, the first on a tie */
		for (size_t i = 0; i < n; i++) {
			if (i == second || m[i] == GROUPS_FEWER_THAN_3 || p[i] == 0)
				continue;
			assert_true(p[i] > p[second] || (p[i] == p[second] && i > second));
		}
	}
	/* What the figures shown give away: when the total is shown, the
	 * masked groups are never one alone with someone in it. */
	if (!total_masked && hidden > 0)
		assert_true(under + complement >= 2);
}

/* Every case of n groups with 0..MAX_PEOPLE each. */
static void exhaustive(void **state)
{
	(void)state;
	long long p[MAX_GROUPS];
	groups_mask m[MAX_GROUPS];
	size_t cases = 0;

	for (size_t n = 1; n <= MAX_GROUPS; n++) {
		size_t count = 1;
		for (size_t i = 0; i < n; i++)
			count *= MAX_PEOPLE + 1;
		for (size_t k = 0; k < count; k++) {
			size_t rest = k;
			for (size_t i = 0; i < n; i++) {
				p[i] = (long long)(rest % (MAX_PEOPLE + 1));
				rest /= MAX_PEOPLE + 1;
			}
			memset(m, 0xff, sizeof m);
			check_case(p, n, m, groups_mask_figures(p, n, m));
			cases++;
		}
	}
	assert_int_equal(cases, 6 + 36 + 216 + 1296 + 7776);
}

/* A few cases as a reader of docs/EXPORTS.md would work them out. */
static void by_hand(void **state)
{
	(void)state;
	static const struct {
		long long p[4];
		groups_mask want[4];
		int total_masked;
	} cases[] = {
		/* nobody under 3: all shown */
		{{5, 3, 0, 4}, {GROUPS_SHOWN, GROUPS_SHOWN, GROUPS_SHOWN, GROUPS_SHOWN}, 0},
		/* one group of 2: the smallest other (3) is masked too */
		{{5, 2, 3, 4}, {GROUPS_SHOWN, GROUPS_FEWER_THAN_3, GROUPS_COMPLEMENT, GROUPS_SHOWN}, 0},
		/* a tie: the first in the definition's order, « sans groupe » last */
		{{4, 1, 0, 4}, {GROUPS_COMPLEMENT, GROUPS_FEWER_THAN_3, GROUPS_SHOWN, GROUPS_SHOWN}, 0},
		/* two under 3: they hide each other, nothing more */
		{{6, 1, 2, 0}, {GROUPS_SHOWN, GROUPS_FEWER_THAN_3, GROUPS_FEWER_THAN_3, GROUPS_SHOWN}, 0},
		/* « sans groupe » counts as a group */
		{{3, 0, 7, 1}, {GROUPS_COMPLEMENT, GROUPS_SHOWN, GROUPS_SHOWN, GROUPS_FEWER_THAN_3}, 0},
		/* a total below 3: every group with someone and the total */
		{{1, 0, 1, 0}, {GROUPS_FEWER_THAN_3, GROUPS_SHOWN, GROUPS_FEWER_THAN_3, GROUPS_SHOWN}, 1},
		{{0, 2, 0, 0}, {GROUPS_SHOWN, GROUPS_FEWER_THAN_3, GROUPS_SHOWN, GROUPS_SHOWN}, 1},
		/* nobody: nothing to hide, the total 0 shown */
		{{0, 0, 0, 0}, {GROUPS_SHOWN, GROUPS_SHOWN, GROUPS_SHOWN, GROUPS_SHOWN}, 0},
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		groups_mask m[4];
		assert_int_equal(groups_mask_figures(cases[k].p, 4, m), cases[k].total_masked);
		for (size_t i = 0; i < 4; i++)
			assert_int_equal(m[i], cases[k].want[i]);
	}
}

/* The table: masked figures are null with their reason, contributions
 * masked with their group, the totals with the total. */
static void table_json(void **state)
{
	(void)state;
	const groups_row rows[] = {
		{"education-nationale", "Éducation nationale", 4, 9},
		{"parents", "Parents", 2, 5},
		{"ville", "Ville", 3, 1},
		{NULL, NULL, 0, 0},
	};
	json_t *t = groups_table(rows, 4);
	char *text;

	assert_non_null(t);
	text = json_dumps(t, JSON_COMPACT);
	assert_string_equal(
		text,
		"{\"participants\":9,\"contributions\":15,\"groups\":["
		"{\"id\":\"education-nationale\",\"label\":\"\xC3\x89" "ducation nationale\","
		"\"participants\":4,\"contributions\":9,\"masked\":null},"
		"{\"id\":\"parents\",\"label\":\"Parents\",\"participants\":null,"
		"\"contributions\":null,\"masked\":\"fewer_than_3\"},"
		"{\"id\":\"ville\",\"label\":\"Ville\",\"participants\":null,"
		"\"contributions\":null,\"masked\":\"complement\"},"
		"{\"id\":null,\"label\":null,\"participants\":0,\"contributions\":0,\"masked\":null}]}");
	free(text);
	json_decref(t);

	const groups_row two[] = {{"parents", "Parents", 2, 3}, {NULL, NULL, 0, 0}};
	t = groups_table(two, 2);
	assert_true(json_is_null(json_object_get(t, "participants")));
	assert_true(json_is_null(json_object_get(t, "contributions")));
	json_decref(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exhaustive),
		cmocka_unit_test(by_hand),
		cmocka_unit_test(table_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
