/*
 * groups.c — an activity's participation per stakeholder group, masked so
 * that nobody is singled out (groups.h, docs/EXPORTS.md), and the JSON
 * shape of that table.
 *
 * Boundary: pure functions of the figures they are given. Counting who
 * attends and who wrote is the store's; which groups a seminar has and
 * their order, the definition's; the words « moins de 3 » and « masqué »,
 * the catalogue's (the pages and renderers read the "masked" code). Must
 * not read the store nor know any audience.
 */
#include "groups.h"

#include <stdlib.h>

int groups_mask_figures(const long long *participants, size_t n, groups_mask *mask)
{
	long long total = 0;
	size_t masked = 0, second = n;

	for (size_t i = 0; i < n; i++) {
		total += participants[i];
		mask[i] = participants[i] > 0 && participants[i] < GROUPS_THRESHOLD
		                  ? GROUPS_FEWER_THAN_3
		                  : GROUPS_SHOWN;
		masked += mask[i] != GROUPS_SHOWN;
	}
	if (masked == 1) {
		/* the smallest other group with someone, the first on a tie */
		for (size_t i = 0; i < n; i++)
			if (mask[i] == GROUPS_SHOWN && participants[i] > 0 &&
			    (second == n || participants[i] < participants[second]))
				second = i;
		if (second < n)
			mask[second] = GROUPS_COMPLEMENT;
	}
	return total > 0 && total < GROUPS_THRESHOLD;
}

/* Sets member key of o to value (stolen): 0, or -1 when either is NULL
 * or memory runs out. */
static int set(json_t *o, const char *key, json_t *value)
{
	return json_object_set_new(o, key, value) ? -1 : 0;
}

static json_t *figure(long long n, int masked)
{
	return masked ? json_null() : json_integer(n);
}

static json_t *text_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *groups_table(const groups_row *rows, size_t n)
{
	static const char *const masks[] = {
		[GROUPS_SHOWN] = NULL,
		[GROUPS_FEWER_THAN_3] = "fewer_than_3",
		[GROUPS_COMPLEMENT] = "complement",
	};
	long long *people = calloc(n ? n : 1, sizeof *people), p = 0, c = 0;
	groups_mask *mask = calloc(n ? n : 1, sizeof *mask);
	json_t *table = json_object(), *list = json_array();
	int bad = !people || !mask || !table || !list, total_masked;

	for (size_t i = 0; !bad && i < n; i++) {
		people[i] = rows[i].participants;
		p += rows[i].participants;
		c += rows[i].contributions;
	}
	total_masked = bad ? 1 : groups_mask_figures(people, n, mask);
	for (size_t i = 0; !bad && i < n; i++) {
		json_t *o = json_object();
		int hidden = mask[i] != GROUPS_SHOWN;
		bad = set(o, "id", text_or_null(rows[i].id));
		bad |= set(o, "label", text_or_null(rows[i].label));
		bad |= set(o, "participants", figure(rows[i].participants, hidden));
		bad |= set(o, "contributions", figure(rows[i].contributions, hidden));
		bad |= set(o, "masked", text_or_null(masks[mask[i]]));
		if (bad)
			json_decref(o);
		else
			bad = json_array_append_new(list, o) ? -1 : 0;
	}
	if (!bad) {
		bad = set(table, "participants", figure(p, total_masked));
		bad |= set(table, "contributions", figure(c, total_masked));
		bad |= set(table, "groups", list);
		list = NULL; /* the table's, even on failure */
	}
	free(people);
	free(mask);
	json_decref(list);
	if (bad) {
		json_decref(table);
		return NULL;
	}
	return table;
}
