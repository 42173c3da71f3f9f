/*
 * stats.c — latency samples and their percentiles (nearest rank on the
 * sorted samples, so p99 of 100 samples is the 99th smallest).
 *
 * Boundary: arithmetic only; the caller measures and prints.
 */
#include "stats.h"

#include <stdlib.h>

struct stats {
	uint32_t *v;
	size_t n, cap, lost;
};

stats *stats_new(void)
{
	return calloc(1, sizeof(stats));
}

void stats_free(stats *s)
{
	if (!s)
		return;
	free(s->v);
	free(s);
}

void stats_reset(stats *s)
{
	s->n = 0;
	s->lost = 0;
}

int stats_add(stats *s, uint32_t usec)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4096;
		uint32_t *v = realloc(s->v, cap * sizeof *v);
		if (!v) {
			s->lost++;
			return -1;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = usec;
	return 0;
}

size_t stats_lost(const stats *s)
{
	return s->lost;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* The sample at percentile p (0 < p <= 100) of n sorted samples. */
static double rank(const uint32_t *v, size_t n, double p)
{
	size_t r = (size_t)((p / 100.0) * (double)n + 0.999999);
	if (r < 1)
		r = 1;
	if (r > n)
		r = n;
	return v[r - 1] / 1000.0;
}

void stats_summarize(stats *s, stats_summary *out)
{
	out->n = s->n;
	out->p50 = out->p90 = out->p99 = out->max = 0;
	if (!s->n)
		return;
	qsort(s->v, s->n, sizeof s->v[0], cmp_u32);
	out->p50 = rank(s->v, s->n, 50);
	out->p90 = rank(s->v, s->n, 90);
	out->p99 = rank(s->v, s->n, 99);
	out->max = s->v[s->n - 1] / 1000.0;
}
