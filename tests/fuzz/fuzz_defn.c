/*
 * fuzz_defn.c — libFuzzer harness of the seminar definition importer: the
 * input is a definition file's bytes, parsed as defn_load_file() does,
 * validated and normalized by defn_validate(), then, NULL, when valid, imported
 * by store_import() into an in-memory store, twice: the second import
 * must report no change.
 *
 * Boundary: calls defn.c and the store only; never writes a file. The
 * store is opened once per process; every input runs in a transaction
 * rolled back at the end, so the database never grows.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "defn.h"
#include "fuzz_common.h"
#include "store.h"

/* Larger definitions are refused by defn_load_file() before parsing. */
#define MAX_INPUT (1024 * 1024)

static store *st; /* one per process, closed at exit */

static void close_store(void)
{
	store_close(st);
	st = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[1024];
	store_import_report r, again;
	const store_import_counts none = {0, 0, 0, 0};
	json_error_t jerr;

	if (!st) {
		fuzz_check(store_open(":memory:", NULL, &st, err, sizeof err) == STORE_OK);
		atexit(close_store);
	}
	if (size > MAX_INPUT)
		return 0;
	size_t skip = (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) ? 3 : 0;
	json_t *root = json_loadb((const char *)data + skip, size - skip,
	                         JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return 0;
	err[0] = '\0';
	if (defn_validate(root, "fuzz.json", NULL, err, sizeof err) < 0) {
		fuzz_check(err[0] != '\0');
		json_decref(root);
		return 0;
	}
	fuzz_check(store_tx_begin(st) == STORE_OK);
	if (store_import(st, root, 0, &r, err, sizeof err) == STORE_OK) {
		fuzz_check(r.code[0] != '\0');
		/* Importing the same document twice works and changes nothing,
		 * and says so. */
		fuzz_check(store_import(st, root, 0, &again, err, sizeof err) == STORE_OK);
		fuzz_check(strcmp(again.code, r.code) == 0);
		fuzz_check(!again.created && !again.seminar_changed && !again.reordered &&
		           !again.unchanged);
		fuzz_check(!memcmp(&again.activities, &none, sizeof none) &&
		           !memcmp(&again.boards, &none, sizeof none));
		json_t *doc = NULL;
		fuzz_check(store_dump(st, r.code, &doc) == STORE_OK);
		json_decref(doc);
	}
	store_tx_rollback(st);
	json_decref(root);
	return 0;
}
