/*
 * gzcache.h — gzip copies of the static files, made once per version of
 * a file and kept while the file stays the same.
 *
 * Boundary: bytes in, gzip bytes out (zlib). Reads a file only through a
 * descriptor its caller opened, never by path: what may be served is
 * decided before, by whoever opened it. No network, no globals.
 */
#ifndef ATELIER_GZCACHE_H
#define ATELIER_GZCACHE_H

#include <stddef.h>
#include <sys/stat.h>

/* At most this many files are remembered (the least recently used is
 * forgotten first), each of at most GZCACHE_MAX_FILE bytes. */
#define GZCACHE_ENTRIES 64
#define GZCACHE_MAX_FILE (1024 * 1024)

typedef struct gzcache gzcache;
typedef struct gzcache_copy gzcache_copy; /* one gzip copy, reference-counted */

/* A new, empty cache; NULL when out of memory. */
gzcache *gzcache_new(void);

/* Frees the cache. Copies still held (gzcache_get) stay valid until
 * released. NULL is a no-op. */
void gzcache_free(gzcache *c);

/* The gzip copy of the file open on fd, whose fstat() is st. The copy is
 * known by (st_dev, st_ino) and good while st_size and st_mtim are those
 * it was made from; otherwise it is made again, reading the file from
 * offset 0 with pread() (fd's offset is left alone). NULL when there is
 * none worth sending: not a regular file, empty or over GZCACHE_MAX_FILE
 * bytes, a short read, gzip not smaller than the file, or no memory
 * (such a "none" is remembered too, so a file is read at most once per
 * version). The caller holds one reference: gzcache_release(). */
gzcache_copy *gzcache_get(gzcache *c, int fd, const struct stat *st);

/* The bytes of a copy (a whole gzip member) and their number in *len. */
const unsigned char *gzcache_bytes(const gzcache_copy *g, size_t *len /* OUT */);

/* Drops one reference; the last one frees the copy. NULL is a no-op. */
void gzcache_release(gzcache_copy *g);

/* Compresses in[0..len) into one gzip member (best compression, no name,
 * time 0: the same input always gives the same bytes) in *out (malloc'd,
 * the caller frees) of *out_len bytes. 0, or -1 when out of memory. */
int gzcache_compress(const void *in, size_t len, unsigned char **out /* OUT */,
                     size_t *out_len /* OUT */);

#endif
