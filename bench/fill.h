/*
 * fill.h — a seminar database as a busy day would leave it, for the S7
 * scenario (docs/BENCHMARKS.md): N contributions over several activities
 * and boards, written through the server's own path.
 *
 * Boundary: the database file only. Imports the definition as `atelier
 * import` does (defn_load_file, store_import), then hands every write to
 * seminar_handle() as parsed client messages (proto_parse), grouped in
 * transactions as ws.c groups one loop turn: the rows, events and stored
 * replies are exactly those a served seminar holds. No network, no clock
 * other than the duration it reports.
 */
#ifndef ATELIER_BENCH_FILL_H
#define ATELIER_BENCH_FILL_H

#include <stddef.h>
#include "i18n.h"

/* What was written. */
typedef struct fill_result {
	size_t contributions; /* rows, example actions and deleted ones included */
	size_t actions;       /* example actions among them */
	size_t hidden;        /* hidden by the facilitator at the end */
	size_t deleted;       /* deleted by their authors */
	size_t edited;        /* edits sent (a contribution may be edited twice) */
	size_t participants;
	size_t votes;         /* votes held at the end */
	size_t messages;      /* client messages handled, none refused */
	double seconds;       /* wall time of the whole fill */
	char code[32];        /* the seminar's join code */
	char key[160];        /* its facilitator key */
} fill_result;

/* Creates the database db_path (which must not exist yet), imports the
 * seminar definition defn_path (its template titles and the sentences of
 * its errors from cat, borrowed; NULL: French) and writes n contributions
 * into it, from a fixed random seed (the same n gives the same seminar).
 * Returns 0, or -1 with the reason in err[err_len]. */
int fill_seminar(const char *db_path, const char *defn_path, const i18n_cat *cat, size_t n,
                 fill_result *out /* OUT */, char *err, size_t err_len);

#endif
