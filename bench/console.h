/*
 * console.h — scenario "console" of atelier-bench (docs/BENCHMARKS.md):
 * what one event costs the facilitator console in Chromium, from its
 * arrival to the next paint, on a board of 500, 2,000 and 10,000
 * contributions.
 *
 * Boundary: starting the instrument, tests/browser/console-frame.mjs (node,
 * playwright-core from tests/browser/node_modules, /usr/bin/chromium),
 * with the server binary and the options given. The browser, the server
 * it starts, the measurements and the figures printed are the script's.
 */
#ifndef ATELIER_BENCH_CONSOLE_H
#define ATELIER_BENCH_CONSOLE_H

typedef struct console_config {
	const char *atelier; /* the server binary */
	const char *sizes;   /* contributions on the board, "500,2000,10000"; NULL: the script's */
	int runs;            /* probes per size; 0: the script's (20) */
	int cpu;             /* Chromium's CPU slowdown; 0: none */
} console_config;

/* Runs the instrument in place of this process: its output and exit
 * status (0 when every probe reached the console) are the bench's.
 * Returns 2, having said why, only when it could not be started. */
int console_run(const console_config *c);

#endif
