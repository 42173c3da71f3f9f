/*
 * target.h — the server under load: starts Atelier (scratch database, the
 * bench seminar imported, its join code and facilitator key read through
 * the store) or Debian's libwebsockets-test-server, raises its descriptor
 * limit, reads its CPU time and memory from /proc, and stops it.
 *
 * Boundary: processes and files through the test-support library (proc.h),
 * and /proc. No WebSocket traffic (load.c). A server started here gets
 * SIGKILL when the bench process dies, so an interrupted run leaves
 * nothing behind.
 */
#ifndef ATELIER_BENCH_TARGET_H
#define ATELIER_BENCH_TARGET_H

#include <stddef.h>
#include <sys/types.h>

typedef struct target target;

/* What /proc says about the server at one moment. */
typedef struct target_sample {
	double cpu_s;     /* CPU time since it started: schedstat, else stat */
	double cpu_all_s; /* the same for every thread of the process (stat's
	                     utime + stime, 10 ms ticks): the workers too */
	double wait_s;    /* time it was ready to run but waited for a CPU
	                     (schedstat's run queue delay), 0 when unknown */
	long rss_kib;     /* VmRSS */
	long hwm_kib;     /* VmHWM: the peak RSS so far */
} target_sample;

/* Raises this process's RLIMIT_NOFILE soft limit to its hard limit (the
 * servers started afterwards inherit it). Returns the new soft limit. */
long target_raise_nofile(void);

/* Starts `bin serve` on a fresh scratch database holding the seminar
 * defined in seminar_json (imported first with `bin import`). With fill
 * above 0, the database first holds a second seminar, S7's with fill
 * contributions (fill.h), whose code and key target_export_code() and
 * target_export_key() give. Returns 0, or -1 with the reason in
 * err[err_len]. */
int target_start_atelier(const char *bin, const char *seminar_json, size_t fill,
                         target **out /* OUT */, char *err, size_t err_len);

/* Starts `libwebsockets-test-server` (found in PATH, or bin when not
 * NULL) on a free port and waits until it accepts connections. */
int target_start_mirror(const char *bin, target **out /* OUT */, char *err, size_t err_len);

int target_port(const target *t);
pid_t target_pid(const target *t);
const char *target_code(const target *t); /* "" for the mirror server */
const char *target_key(const target *t);  /* "" for the mirror server */
const char *target_export_code(const target *t); /* "" without a fill */
const char *target_export_key(const target *t);
const char *target_log(const target *t);  /* path of its stderr */

/* Reads /proc/<pid>/stat and /status. Returns 0 or -1 (it ended). */
int target_sample_now(const target *t, target_sample *out /* OUT */);
/* The same for any child process of this one. */
int target_sample_pid(pid_t pid, target_sample *out /* OUT */);

/* SIGTERM, a bounded wait, SIGKILL if needed; removes the scratch
 * directory unless keep is set. NULL is a no-op. */
void target_free(target *t, int keep);

#endif
