/*
 * replay.c — the main() of a harness outside libFuzzer: runs every file of
 * the folders (or the files) named on the command line through
 * LLVMFuzzerTestOneInput, so the committed corpus is replayed by ctest in
 * the normal and the sanitizer builds.
 *
 * Boundary: reads files, calls the harness; knows nothing of the server.
 * Exit status 0 when every input ran (a fault aborts earlier), 1 when a
 * folder is empty or unreadable (a replay of nothing proves nothing).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"
#include "proc.h"

/* Runs one file through the harness. Returns 0, or -1 if unreadable. */
static int run_file(const char *path)
{
	size_t size = 0;
	/* An empty file still gets a real pointer (to its NUL). */
	char *buf = proc_slurp(path, &size);

	if (!buf) {
		fprintf(stderr, "cannot read %s\n", path);
		return -1;
	}
	LLVMFuzzerTestOneInput((const unsigned char *)buf, size);
	free(buf);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file of dir, in name order. Returns the number run,
 * or -1 when the folder cannot be read or a file fails. */
static int run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = -1;

	if (!d) {
		fprintf(stderr, "cannot open %s\n", dir);
		return -1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			char **p = realloc(names, ncap * sizeof *p);
			if (!p)
				goto cleanup;
			names = p;
			cap = ncap;
		}
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		if (!(names[n] = malloc(len)))
			goto cleanup;
		snprintf(names[n++], len, "%s/%s", dir, e->d_name);
	}
	if (n)
		qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++)
		if (run_file(names[i]))
			goto cleanup;
	rc = (int)n;
cleanup:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	int total = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat sb;
		int n;
		if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode))
			n = run_dir(argv[i]);
		else
			n = run_file(argv[i]) ? -1 : 1;
		if (n <= 0) {
			fprintf(stderr, "%s: nothing replayed\n", argv[i]);
			return 1;
		}
		total += n;
	}
	printf("%d inputs replayed\n", total);
	return 0;
}
