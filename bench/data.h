/*
 * data.h — scenario S7 of atelier-bench (docs/BENCHMARKS.md): a big
 * seminar's exports and the server's start-up on a big database.
 *
 * Boundary: the measurements and their output (a table and `BENCH ...`
 * lines). The database is fill.c's, single exchanges with the server are
 * probe.c's, processes target.c's.
 */
#ifndef ATELIER_BENCH_DATA_H
#define ATELIER_BENCH_DATA_H

#include <stddef.h>

#define DATA_CONTRIBUTIONS 10000 /* the exports' seminar; start-up: ten times */

typedef struct data_config {
	const char *atelier;  /* the server binary */
	const char *seminar;  /* the definition (bench/s7-seminar.json) */
	size_t contributions; /* the exports' seminar; the start-up's holds 10 x */
	int keep;             /* keep the scratch directory */
} data_config;

/* Builds both databases, measures, prints. Returns 0 when every
 * measurement was made and every export and snapshot was whole, 1 when one
 * was not, 2 when the run could not be done. */
int data_run(const data_config *c);

#endif
