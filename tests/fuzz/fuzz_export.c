/*
 * fuzz_export.c — libFuzzer harness of the exporters: the input, parsed as
 * JSON, is rendered by export_render() in every format, whatever its
 * shape (a store_dump() document is only the usual case).
 *
 * Boundary: calls export_render() only; never writes a file (export_write
 * is left to the unit tests).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "export.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		return 0;
	for (int f = 0; f < EXPORT__COUNT; f++) {
		char *out = NULL;
		size_t len = 0;
		if (export_render(doc, (export_format)f, &out, &len) == 0) {
			fuzz_check(out != NULL);
			fuzz_check(out[len] == '\0');
			if (f == EXPORT_JSON)
				fuzz_check_json(out, len);
		}
		free(out);
	}
	json_decref(doc);
	return 0;
}
