/* gzcache.c: gzip copies of files, made once per version of a file.
 * Each test works on files of its own scratch directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "gzcache.h"
#include "proc.h"

static char dir[256];

/* Text that compresses well: n bytes of numbered French lines. */
static char *text(size_t n, int seed)
{
	char *t = malloc(n + 1);
	size_t k = 0;
	for (int i = 0; k < n; i++)
		k += (size_t)snprintf(t + k, n + 1 - k, "Ligne %d-%d : une proposition de l'atelier.\n",
		                      seed, i);
	t[n] = '\0';
	return t;
}

static void write_file(const char *name, const void *data, size_t len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static int open_file(const char *name, struct stat *st)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, st), 0);
	return fd;
}

/* Inflates a gzip member; the result is malloc'd, *len bytes. */
static unsigned char *gunzip(const unsigned char *gz, size_t gz_len, size_t *len)
{
	z_stream z;
	size_t cap = 4 * GZCACHE_MAX_FILE;
	unsigned char *out = malloc(cap);
	memset(&z, 0, sizeof z);
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)gz;
	z.avail_in = (uInt)gz_len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.avail_in, 0); /* one whole member, nothing after */
	*len = z.total_out;
	inflateEnd(&z);
	return out;
}

/* The copy inflates to exactly want[0..len). */
static void assert_copy_of(const gzcache_copy *g, const char *want, size_t len)
{
	size_t gz_len, plain_len;
	const unsigned char *gz = gzcache_bytes(g, &gz_len);
	assert_true(gz_len < len);
	unsigned char *plain = gunzip(gz, gz_len, &plain_len);
	assert_int_equal(plain_len, len);
	assert_memory_equal(plain, want, len);
	free(plain);
}

static int setup(void **state)
{
	(void)state;
	return proc_mkdtemp(dir, sizeof dir);
}

static int teardown(void **state)
{
	(void)state;
	proc_rmtree(dir);
	return 0;
}

static void test_compress_is_gzip_and_repeatable(void **state)
{
	(void)state;
	char *t = text(20000, 1);
	unsigned char *a, *b, *plain;
	size_t la, lb, lp;
	assert_int_equal(gzcache_compress(t, 20000, &a, &la), 0);
	assert_int_equal(gzcache_compress(t, 20000, &b, &lb), 0);
	assert_true(la < 20000 / 4);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la); /* no time nor name in the header */
	assert_int_equal(a[0], 0x1f);
	assert_int_equal(a[1], 0x8b);
	plain = gunzip(a, la, &lp);
	assert_int_equal(lp, 20000);
	assert_memory_equal(plain, t, lp);
	free(plain);
	free(a);
	free(b);
	/* Nothing in, a valid empty member out. */
	assert_int_equal(gzcache_compress("", 0, &a, &la), 0);
	plain = gunzip(a, la, &lp);
	assert_int_equal(lp, 0);
	free(plain);
	free(a);
	free(t);
}

static void test_copy_made_once_per_version(void **state)
{
	(void)state;
	gzcache *c = gzcache_new();
	struct stat st;
	char *v1 = text(10000, 1), *v2 = text(12000, 2);
	write_file("page.js", v1, 10000);
	int fd = open_file("page.js", &st);
	assert_int_equal(lseek(fd, 7, SEEK_SET), 7);
	gzcache_copy *a = gzcache_get(c, fd, &st);
	assert_non_null(a);
	assert_copy_of(a, v1, 10000);
	assert_int_equal(lseek(fd, 0, SEEK_CUR), 7); /* read with pread */
	gzcache_copy *b = gzcache_get(c, fd, &st);
	assert_ptr_equal(a, b); /* the same version: the same copy */
	gzcache_release(b);
	close(fd);

	/* A new version (another size): a new copy; the old one, still held,
	 * stays whole. */
	write_file("page.js", v2, 12000);
	fd = open_file("page.js", &st);
	b = gzcache_get(c, fd, &st);
	assert_non_null(b);
	assert_ptr_not_equal(a, b);
	assert_copy_of(b, v2, 12000);
	assert_copy_of(a, v1, 10000);
	gzcache_release(a);

	/* The same size but another modification time: made again. */
	struct timespec times[2] = {{0, UTIME_OMIT}, {st.st_mtim.tv_sec - 100, 0}};
	assert_int_equal(futimens(fd, times), 0);
	assert_int_equal(fstat(fd, &st), 0);
	a = gzcache_get(c, fd, &st);
	assert_non_null(a);
	assert_ptr_not_equal(a, b);
	assert_copy_of(a, v2, 12000);
	gzcache_release(a);
	close(fd);
	gzcache_free(c);
	/* A copy held outlives the cache. */
	assert_copy_of(b, v2, 12000);
	gzcache_release(b);
	free(v1);
	free(v2);
}

static void test_no_copy_when_not_worth_it(void **state)
{
	(void)state;
	gzcache *c = gzcache_new();
	struct stat st;
	int fd;

	write_file("tiny.txt", "ok\n", 3); /* gzip would be bigger */
	fd = open_file("tiny.txt", &st);
	assert_null(gzcache_get(c, fd, &st));
	assert_null(gzcache_get(c, fd, &st)); /* remembered as none */
	close(fd);

	write_file("empty.css", "", 0);
	fd = open_file("empty.css", &st);
	assert_null(gzcache_get(c, fd, &st));
	close(fd);

	char *big = text(GZCACHE_MAX_FILE + 1, 3);
	write_file("big.json", big, GZCACHE_MAX_FILE + 1);
	fd = open_file("big.json", &st);
	assert_null(gzcache_get(c, fd, &st));
	close(fd);
	free(big);

	fd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_null(gzcache_get(c, fd, &st));
	close(fd);

	/* A file that is shorter than its fstat() said (it shrank): no copy
	 * of a partial read. */
	char *t = text(5000, 4);
	write_file("short.html", t, 5000);
	fd = open_file("short.html", &st);
	st.st_size = 6000;
	assert_null(gzcache_get(c, fd, &st));
	close(fd);
	free(t);

	gzcache_free(c);
	gzcache_free(NULL);
	gzcache_release(NULL);
}

static void test_least_recently_used_is_forgotten(void **state)
{
	(void)state;
	gzcache *c = gzcache_new();
	gzcache_copy *first, *second, *g;
	struct stat st;
	char name[32];
	char *t = text(4000, 5);
	int fd;

	for (int i = 0; i <= GZCACHE_ENTRIES; i++) {
		snprintf(name, sizeof name, "f%d.js", i);
		write_file(name, t, 4000);
	}
	fd = open_file("f0.js", &st);
	first = gzcache_get(c, fd, &st);
	close(fd);
	fd = open_file("f1.js", &st);
	second = gzcache_get(c, fd, &st);
	close(fd);
	for (int i = 2; i <= GZCACHE_ENTRIES; i++) {
		if (i == GZCACHE_ENTRIES) { /* the table is full: ask for f1 again */
			fd = open_file("f1.js", &st);
			gzcache_release(gzcache_get(c, fd, &st));
			close(fd);
		}
		snprintf(name, sizeof name, "f%d.js", i);
		fd = open_file(name, &st);
		g = gzcache_get(c, fd, &st);
		assert_non_null(g);
		gzcache_release(g);
		close(fd);
	}
	/* 65 files in 64 slots: f0, the least recently used, was dropped and
	 * is made again; f1 is still there. */
	fd = open_file("f0.js", &st);
	g = gzcache_get(c, fd, &st);
	assert_ptr_not_equal(g, first);
	gzcache_release(g);
	close(fd);
	fd = open_file("f1.js", &st);
	g = gzcache_get(c, fd, &st);
	assert_ptr_equal(g, second);
	gzcache_release(g);
	close(fd);
	gzcache_release(first);
	gzcache_release(second);
	gzcache_free(c);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compress_is_gzip_and_repeatable),
		cmocka_unit_test_setup_teardown(test_copy_made_once_per_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_copy_when_not_worth_it, setup, teardown),
		cmocka_unit_test_setup_teardown(test_least_recently_used_is_forgotten, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
