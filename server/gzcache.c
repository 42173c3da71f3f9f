/*
 * gzcache.c — gzip copies of the static files (see gzcache.h).
 *
 * A table of GZCACHE_ENTRIES slots, each a file's identity (device,
 * inode), the version it was read at (size, modification time to the
 * nanosecond) and its copy, or none when gzip was not worth it. Looked up
 * by a linear scan (a few dozen files); a full table forgets its least
 * recently used slot. Copies are reference-counted so one being sent
 * outlives its replacement and the table. Runs on the event loop: no
 * locks. Uses zlib; must not open files nor touch the network.
 */
#include "gzcache.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

struct gzcache_copy {
	unsigned refs;
	size_t len;
	unsigned char bytes[]; /* len bytes */
};

struct slot {
	int used;                 /* 1 when the slot holds a file */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	unsigned long long tick;  /* when last asked for */
	gzcache_copy *copy;       /* NULL: gzip not worth it for this version */
};

struct gzcache {
	struct slot slot[GZCACHE_ENTRIES];
	unsigned long long tick;
};

gzcache *gzcache_new(void)
{
	return calloc(1, sizeof(gzcache));
}

void gzcache_release(gzcache_copy *g)
{
	if (g && --g->refs == 0)
		free(g);
}

void gzcache_free(gzcache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < GZCACHE_ENTRIES; i++)
		gzcache_release(c->slot[i].copy);
	free(c);
}

const unsigned char *gzcache_bytes(const gzcache_copy *g, size_t *len)
{
	*len = g->len;
	return g->bytes;
}

int gzcache_compress(const void *in, size_t len, unsigned char **out, size_t *out_len)
{
	z_stream z;
	unsigned char *buf = NULL;
	int rc = -1;

	*out = NULL;
	*out_len = 0;
	memset(&z, 0, sizeof z);
	/* 15 + 16: a 32 KiB window and the gzip wrapper (header with no
	 * name and time 0, CRC-32 and length at the end). */
	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	uLong cap = deflateBound(&z, (uLong)len);
	if (len > (size_t)UINT_MAX || !(buf = malloc(cap)))
		goto out;
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		goto out;
	*out = buf;
	*out_len = (size_t)z.total_out;
	buf = NULL;
	rc = 0;
out:
	deflateEnd(&z);
	free(buf);
	return rc;
}

/* Reads the whole file (st->st_size bytes) and makes its copy; NULL when
 * not worth it or on any failure. */
static gzcache_copy *make_copy(int fd, const struct stat *st)
{
	size_t size = (size_t)st->st_size, got = 0;
	unsigned char *plain = malloc(size), *gz = NULL;
	gzcache_copy *g = NULL;
	size_t gz_len;

	if (!plain)
		return NULL;
	while (got < size) {
		ssize_t r = pread(fd, plain + got, size - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			goto out; /* an error, or the file shrank under us */
		got += (size_t)r;
	}
	if (gzcache_compress(plain, size, &gz, &gz_len) || gz_len >= size)
		goto out;
	g = malloc(sizeof *g + gz_len);
	if (!g)
		goto out;
	g->refs = 1;
	g->len = gz_len;
	memcpy(g->bytes, gz, gz_len);
out:
	free(plain);
	free(gz);
	return g;
}

static int same_version(const struct slot *s, const struct stat *st)
{
	return s->size == st->st_size && s->mtime.tv_sec == st->st_mtim.tv_sec &&
	       s->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

gzcache_copy *gzcache_get(gzcache *c, int fd, const struct stat *st)
{
	struct slot *s = NULL, *oldest = &c->slot[0];

	if (!S_ISREG(st->st_mode) || st->st_size <= 0 || st->st_size > GZCACHE_MAX_FILE)
		return NULL;
	for (size_t i = 0; i < GZCACHE_ENTRIES && !s; i++) {
		struct slot *t = &c->slot[i];
		if (t->used && t->dev == st->st_dev && t->ino == st->st_ino)
			s = t;
		else if (!t->used || (oldest->used && t->tick < oldest->tick))
			oldest = t;
	}
	if (s && !same_version(s, st)) {
		gzcache_release(s->copy);
		s->copy = NULL;
		s->used = 0;
	}
	if (!s || !s->used) {
		if (!s) {
			s = oldest;
			gzcache_release(s->copy);
		}
		memset(s, 0, sizeof *s);
		s->used = 1;
		s->dev = st->st_dev;
		s->ino = st->st_ino;
		s->size = st->st_size;
		s->mtime = st->st_mtim;
		s->copy = make_copy(fd, st);
	}
	s->tick = ++c->tick;
	if (s->copy)
		s->copy->refs++;
	return s->copy;
}
