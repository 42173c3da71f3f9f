/*
 * pagecat.c — the catalogue of one page in one language (see pagecat.h).
 *
 * Keeps the catalogue file's bytes as last read, with the version they
 * were read at (inode, size, modification time), and, made on first
 * demand, each (language, page) subset with its gzip form and ETags. A
 * new version of the file drops them all. Runs on the event loop: no
 * locks. Uses jansson, gzcache_compress() and digest_fnv1a(); must not
 * touch the network.
 */
#include "pagecat.h"
#include "digest.h"
#include "gzcache.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_CATALOGUE (4 * 1024 * 1024)

static const char *const langs[] = {"fr", "en"};
static const char *const pages[] = {"phone", "screen", "facil"};
#define NLANGS (sizeof langs / sizeof langs[0])
#define NPAGES (sizeof pages / sizeof pages[0])

/* One (language, page) subset, made on first demand. */
struct subset {
	char *plain;
	size_t plain_len;
	unsigned char *gz;
	size_t gz_len;
	char etag[32], etag_gz[36];
};

struct pagecat {
	char *path;
	int read;                 /* 1 once text holds a version of the file */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	char *text;               /* the file's bytes */
	struct subset sub[NLANGS][NPAGES];
};

static int index_of(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

char *pagecat_subset(const char *catalogue, size_t len, const char *lang, const char *page)
{
	char own[32];
	const char *key;
	json_t *cat, *entry, *out;
	char *text = NULL;

	if (index_of(langs, NLANGS, lang) < 0 || index_of(pages, NPAGES, page) < 0)
		return NULL;
	snprintf(own, sizeof own, "%s.", page);
	cat = json_loadb(catalogue, len, JSON_REJECT_DUPLICATES, NULL);
	out = json_object();
	if (!json_is_object(cat) || !out)
		goto out;
	json_object_foreach(cat, key, entry) {
		if (!starts_with(key, own) && !starts_with(key, "common.") && !starts_with(key, "err."))
			continue;
		const char *s = json_string_value(json_object_get(entry, lang));
		if (!s)
			s = json_string_value(json_object_get(entry, "fr"));
		if (s && json_object_set_new(out, key, json_string(s)))
			goto out;
	}
	text = json_dumps(out, JSON_COMPACT | JSON_SORT_KEYS);
out:
	json_decref(cat);
	json_decref(out);
	return text;
}

pagecat *pagecat_new(const char *path)
{
	pagecat *c = calloc(1, sizeof *c);
	if (!c || !(c->path = strdup(path))) {
		free(c);
		return NULL;
	}
	return c;
}

static void drop_subsets(pagecat *c)
{
	for (size_t l = 0; l < NLANGS; l++)
		for (size_t p = 0; p < NPAGES; p++) {
			free(c->sub[l][p].plain);
			free(c->sub[l][p].gz);
			memset(&c->sub[l][p], 0, sizeof c->sub[l][p]);
		}
}

void pagecat_free(pagecat *c)
{
	if (!c)
		return;
	drop_subsets(c);
	free(c->text);
	free(c->path);
	free(c);
}

/* Reads the file again when it is not the version held. 0, or -2. */
static int refresh(pagecat *c)
{
	struct stat st;
	int fd = open(c->path, O_RDONLY | O_CLOEXEC), rc = -2;
	char *text = NULL;
	if (fd < 0)
		return -2;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > MAX_CATALOGUE)
		goto out;
	if (c->read && c->dev == st.st_dev && c->ino == st.st_ino && c->size == st.st_size &&
	    c->mtime.tv_sec == st.st_mtim.tv_sec && c->mtime.tv_nsec == st.st_mtim.tv_nsec) {
		rc = 0;
		goto out;
	}
	size_t size = (size_t)st.st_size, got = 0;
	if (!(text = malloc(size + 1)))
		goto out;
	while (got < size) {
		ssize_t r = pread(fd, text + got, size - got, (off_t)got);
		if (r <= 0)
			goto out;
		got += (size_t)r;
	}
	text[size] = '\0';
	drop_subsets(c);
	free(c->text);
	c->text = text;
	text = NULL;
	c->read = 1;
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	c->size = st.st_size;
	c->mtime = st.st_mtim;
	rc = 0;
out:
	free(text);
	close(fd);
	return rc;
}

int pagecat_get(pagecat *c, const char *lang, const char *page, int gzip,
                const unsigned char **body, size_t *len, const char **etag)
{
	int l = index_of(langs, NLANGS, lang), p = index_of(pages, NPAGES, page);
	if (l < 0 || p < 0)
		return -1;
	if (refresh(c))
		return -2;
	struct subset *s = &c->sub[l][p];
	if (!s->plain) {
		char *plain = pagecat_subset(c->text, (size_t)c->size, lang, page);
		if (!plain)
			return -2;
		size_t n = strlen(plain);
		if (gzcache_compress(plain, n, &s->gz, &s->gz_len)) {
			free(plain);
			return -2;
		}
		s->plain = plain;
		s->plain_len = n;
		uint64_t h = digest_fnv1a(plain, n); /* the ETag names these bytes */
		snprintf(s->etag, sizeof s->etag, "\"%016llx\"", (unsigned long long)h);
		snprintf(s->etag_gz, sizeof s->etag_gz, "\"%016llx-gz\"", (unsigned long long)h);
	}
	*body = gzip ? s->gz : (const unsigned char *)s->plain;
	*len = gzip ? s->gz_len : s->plain_len;
	*etag = gzip ? s->etag_gz : s->etag;
	return 0;
}
