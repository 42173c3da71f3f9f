/*
 * groups.h — the participation of one activity per stakeholder group, as
 * the public and the partners may see it: the masking rule that keeps a
 * group of one or two people from being singled out, and the table's
 * JSON shape, which the export view and the console's view both give.
 *
 * Boundary: figures in, masked figures (and their JSON) out. Pure: no
 * store, no network, no catalogue. docs/EXPORTS.md, "Participation by
 * stakeholder group", states the rule this file implements.
 */
#ifndef ATELIER_GROUPS_H
#define ATELIER_GROUPS_H

#include <stddef.h>
#include <jansson.h>

/* A group of fewer participants than this (and more than 0) is masked. */
#define GROUPS_THRESHOLD 3

/* What is shown of one group's figures. */
typedef enum groups_mask {
	GROUPS_SHOWN = 0,     /* its figures as they are */
	GROUPS_FEWER_THAN_3,  /* 1 or 2 participants: « moins de 3 » */
	GROUPS_COMPLEMENT,    /* masked only so that the total minus the groups
	                       * shown does not give a group of fewer than 3 away */
} groups_mask;

/* Decides, for the n groups of one activity whose participants are
 * participants[0..n) (the definition's order, « sans groupe » last, which
 * counts as a group), what is shown of each into mask[0..n) (OUT):
 * a group of 1 or 2 is GROUPS_FEWER_THAN_3, 0 is shown; when exactly one
 * group is so masked, the smallest other group with at least 1
 * participant (ties: the first in order) is GROUPS_COMPLEMENT. Returns 1
 * when the activity's total is masked too (1 or 2: every group with
 * someone is then masked), else 0 (a total of 0 is shown). */
int groups_mask_figures(const long long *participants, size_t n, groups_mask *mask /* OUT */);

/* One group's figures in an activity. */
typedef struct groups_row {
	const char *id;    /* the group's id (slug); NULL: « sans groupe » */
	const char *label; /* its label; NULL for « sans groupe » */
	long long participants; /* who attend the activity (docs/EXPORTS.md) */
	long long contributions; /* their visible contributions in it */
} groups_row;

/* The table of an activity's n groups (rows in the order of
 * groups_mask_figures), masked:
 *   {"participants": total | null, "contributions": total | null,
 *    "groups": [{"id": slug | null, "label": text | null,
 *                "participants": n | null, "contributions": n | null,
 *                "masked": null | "fewer_than_3" | "complement"}]}
 * A masked figure is null; a masked group's contributions are masked
 * with it, and the totals with the total. A new reference, or NULL when
 * memory runs out. */
json_t *groups_table(const groups_row *rows, size_t n);

#endif
