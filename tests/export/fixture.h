/*
 * fixture.h — what the export tests share: the fixture document
 * (tests/export/fixture.json), rendering it, and finding text in the
 * result. Every helper fails the running cmocka test on error.
 */
#ifndef ATELIER_TEST_EXPORT_FIXTURE_H
#define ATELIER_TEST_EXPORT_FIXTURE_H

#include <stddef.h>
#include <jansson.h>

#include "export.h"

/* The fixture document (caller owns it). */
json_t *fixture_load(void);

/* doc rendered in format f, in French: a malloc'd NUL-terminated text
 * (caller frees); *len (OUT, may be NULL) gets its length, which must
 * equal strlen. */
char *fixture_render(json_t *doc, export_format f, size_t *len /* OUT */);

/* The same in language lang ("fr", "en"). */
char *fixture_render_in(json_t *doc, export_format f, const char *lang, size_t *len /* OUT */);

/* The first occurrence of needle in hay; fails the test when absent. */
const char *fixture_find(const char *hay, const char *needle);

/* Fails the test unless a occurs in hay[0..end) and b after it; end NULL
 * means the whole of hay. */
void fixture_before(const char *hay, const char *end, const char *a, const char *b);

/* Calls fn on every contribution and example action of doc, in document
 * order, with its board, its orientation (NULL for top-level ones) and
 * whether a rendered export must show it (visible, and under a visible
 * orientation). */
typedef void (*fixture_fn)(void *ctx, json_t *activity, json_t *board,
                           json_t *parent, json_t *c, int shown);
void fixture_each(json_t *doc, fixture_fn fn, void *ctx);

#endif
