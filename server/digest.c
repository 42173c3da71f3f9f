/*
 * digest.c — FNV-1a over 64 bits (see digest.h).
 *
 * Boundary: pure computation. Must not allocate, read files or keep state.
 */
#include "digest.h"

uint64_t digest_fnv1a(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 1099511628211ULL;
	}
	return h;
}
