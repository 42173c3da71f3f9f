/*
 * stats.h — latency samples of the load generator: an append-only list of
 * durations in microseconds and its percentiles.
 *
 * Boundary: arithmetic only; no network, no clock, no output.
 */
#ifndef ATELIER_BENCH_STATS_H
#define ATELIER_BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

typedef struct stats stats;

/* A summary of the samples, in milliseconds (all 0 when there are none). */
typedef struct stats_summary {
	size_t n;
	double p50, p90, p99, max;
} stats_summary;

stats *stats_new(void);        /* NULL when out of memory */
void stats_free(stats *s);     /* NULL is a no-op */
void stats_reset(stats *s);    /* drops every sample, keeps the memory */

/* Appends one duration in microseconds. Returns 0, or -1 when out of
 * memory (the sample is lost and counted in stats_lost()). */
int stats_add(stats *s, uint32_t usec);
size_t stats_lost(const stats *s);

/* Sorts the samples (in place) and fills *out. */
void stats_summarize(stats *s, stats_summary *out /* OUT */);

#endif
