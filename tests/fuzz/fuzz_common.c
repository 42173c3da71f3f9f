/*
 * fuzz_common.c — the helpers every harness shares: the failed-property
 * abort and the JSON check of what the server sends.
 *
 * Boundary: no server module is called here except through jansson; each
 * harness owns its own state.
 */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

void fuzz_fail(const char *what, const char *file, int line)
{
	fprintf(stderr, "%s:%d: property broken: %s\n", file, line, what);
	abort();
}

void fuzz_check_json(const char *text, size_t len)
{
	json_error_t e;
	fuzz_check(text != NULL);
	fuzz_check(strlen(text) == len);
	json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);
	if (!v)
		fprintf(stderr, "not JSON (%s): %.200s\n", e.text, text);
	fuzz_check(v != NULL);
	json_decref(v);
}
