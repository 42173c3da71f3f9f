/*
 * fuzz_export.c — libFuzzer harness of the exporters: every document is
 * rendered by export_render() in every format, and the JSON export must
 * parse back. Two kinds of input:
 *
 * - JSON text: the document itself, whatever its shape (the export
 *   view's, from export_view_document(), is only the usual case);
 * - anything else: pieces separated by NUL bytes that replace, in order,
 *   the string and integer values of tests/export/fixture.json (an empty
 *   piece keeps the value; a piece that is not UTF-8 or not a number keeps
 *   it too), so hostile texts and counts reach every part of a valid
 *   synthesis, as they would from the database.
 *
 * Boundary: calls export_render() only; never writes a file (export_write
 * is left to the unit tests).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "export.h"
#include "fuzz_common.h"

static json_t *fixture; /* the valid synthesis, loaded once, freed at exit */

static void free_fixture(void)
{
	json_decref(fixture);
	fixture = NULL;
}

struct pieces {
	const char *p, *end;
};

/* Gives the next NUL-separated piece of the input; returns 0 when none is
 * left. */
static int next_piece(struct pieces *in, const char **s, size_t *len)
{
	if (in->p >= in->end)
		return 0;
	const char *nul = memchr(in->p, '\0', (size_t)(in->end - in->p));
	*s = in->p;
	*len = (size_t)((nul ? nul : in->end) - in->p);
	in->p = nul ? nul + 1 : in->end;
	return 1;
}

/* Replaces the string and integer leaves of v, depth first, with the next
 * pieces of in, in place. */
static void replace_leaves(json_t *v, struct pieces *in)
{
	const char *key, *s;
	json_t *child;
	size_t i, len;

	if (json_is_object(v)) {
		json_object_foreach(v, key, child)
			replace_leaves(child, in);
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, child)
			replace_leaves(child, in);
	} else if ((json_is_string(v) || json_is_integer(v)) && next_piece(in, &s, &len) &&
	           len > 0) {
		if (json_is_string(v)) {
			json_string_setn(v, s, len); /* refused (kept) if not UTF-8 */
		} else if (len < 24) {
			char num[24], *stop;
			memcpy(num, s, len);
			num[len] = '\0';
			errno = 0;
			long long n = strtoll(num, &stop, 10);
			if (!errno && *stop == '\0')
				json_integer_set(v, n);
		}
	}
}

static void render_all(json_t *doc)
{
	for (int f = 0; f < EXPORT__COUNT; f++) {
		char *out = NULL;
		size_t len = 0;
		if (export_render(doc, (export_format)f, NULL, &out, &len) == 0) {
			fuzz_check(out != NULL);
			fuzz_check(out[len] == '\0');
			if (f == EXPORT_JSON)
				fuzz_check_json(out, len);
		}
		free(out);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	json_t *doc;

	if (!fixture) {
		fixture = json_load_file(ATELIER_SOURCE_DIR "/tests/export/fixture.json",
		                         JSON_REJECT_DUPLICATES, &jerr);
		fuzz_check(fixture != NULL);
		atexit(free_fixture);
	}
	doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		struct pieces in = {(const char *)data, (const char *)data + size};
		fuzz_check((doc = json_deep_copy(fixture)) != NULL);
		replace_leaves(doc, &in);
	}
	render_all(doc);
	json_decref(doc);
	return 0;
}
