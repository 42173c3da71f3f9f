/*
 * console.c — scenario "console" of atelier-bench: runs the browser
 * instrument tests/browser/console-frame.mjs with node, in place of the
 * bench (exec), so that its figures print as they come and its exit
 * status is the bench's.
 *
 * Boundary: the command line and the environment of the script
 * (ATELIER_BIN, ATELIER_SOURCE_DIR). It does not measure anything itself
 * and touches no server: the script starts its own.
 */
#include "console.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef ATELIER_BENCH_NODE
#define ATELIER_BENCH_NODE "node"
#endif

#define SCRIPT ATELIER_SOURCE_DIR "/tests/browser/console-frame.mjs"

int console_run(const console_config *c)
{
	char bin[PATH_MAX], runs[16], cpu[16];
	const char *argv[10];
	int n = 0;
	if (!realpath(c->atelier, bin)) {
		fprintf(stderr, "atelier-bench: console: %s: %s\n", c->atelier, strerror(errno));
		return 2;
	}
	argv[n++] = ATELIER_BENCH_NODE;
	argv[n++] = SCRIPT;
	if (c->sizes) {
		argv[n++] = "--sizes";
		argv[n++] = c->sizes;
	}
	if (c->runs > 0) {
		snprintf(runs, sizeof runs, "%d", c->runs);
		argv[n++] = "--runs";
		argv[n++] = runs;
	}
	if (c->cpu > 1) {
		snprintf(cpu, sizeof cpu, "%d", c->cpu);
		argv[n++] = "--cpu";
		argv[n++] = cpu;
	}
	argv[n] = NULL;
	if (setenv("ATELIER_BIN", bin, 1) || setenv("ATELIER_SOURCE_DIR", ATELIER_SOURCE_DIR, 1)) {
		fprintf(stderr, "atelier-bench: console: %s\n", strerror(errno));
		return 2;
	}
	fflush(stdout);
	fflush(stderr);
	execvp(argv[0], (char *const *)argv);
	fprintf(stderr, "atelier-bench: console: cannot run %s: %s (node and npm ci --prefix "
	                "tests/browser are needed)\n",
	        argv[0], strerror(errno));
	return 2;
}
