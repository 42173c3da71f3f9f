/*
 * digest.h — a 64-bit digest of bytes (FNV-1a), to tell versions of a
 * text apart: the ETags of the page catalogues, the definition a seminar
 * was last imported from.
 *
 * Boundary: bytes in, a number out. Not for secrets nor against someone
 * who wants a collision: anyone can make two texts with one digest.
 */
#ifndef ATELIER_DIGEST_H
#define ATELIER_DIGEST_H

#include <stddef.h>
#include <stdint.h>

/* The FNV-1a digest of p[0..n). */
uint64_t digest_fnv1a(const void *p, size_t n);

#endif
