/*
 * proc.h — child processes, scratch directories and files for the tests
 * and the bench: run a program to completion or in the background, wait
 * for its port file, stop it, kill it, reap it, and keep what it wrote on
 * stdout and stderr; read a whole file.
 *
 * Every wait is bounded. A child dies with the test program (it gets
 * SIGKILL when its parent exits), so a failed or killed test leaves no
 * server behind; proc_free() kills and reaps as well.
 */
#ifndef ATELIER_TEST_PROC_H
#define ATELIER_TEST_PROC_H

#include <stddef.h>

typedef struct proc proc;

/* Results: 0 on success, negative on failure. */
#define PROC_OK 0
#define PROC_ERR -1      /* system error */
#define PROC_TIMEOUT -2  /* the bounded wait ran out */
#define PROC_EXITED -3   /* the child ended before doing what was awaited */

/* The binary under test: $ATELIER_BIN, or NULL when unset. */
const char *proc_bin(void);

/* Creates a fresh directory $TMPDIR/atelier-test-XXXXXX (or under /tmp)
 * and writes its path into out[out_len]. */
int proc_mkdtemp(char *out, size_t out_len);

/* Removes a directory and everything under it; NULL is a no-op. */
void proc_rmtree(const char *dir);

/* Copies a file; 0 on success. */
int proc_copy_file(const char *from, const char *to);

/* Reads a whole file into a malloc'd buffer with a NUL after its bytes
 * (caller frees); *len (may be NULL) gets their number. NULL when the
 * file cannot be read. */
char *proc_slurp(const char *path, size_t *len /* OUT */);

/* Starts argv[0] (a path, or a name searched in PATH) with argv in the
 * background. Its stdout and stderr go to files in dir (named after a
 * counter so several children can share a dir). */
int proc_spawn(const char *const argv[], const char *dir, proc **out /* OUT */);

/* Waits up to timeout_ms for port_file to hold a port number followed by a
 * newline. PROC_EXITED when the child ends first. */
int proc_wait_port_file(proc *p, const char *port_file, int timeout_ms,
                        int *port /* OUT */);

/* Waits up to timeout_ms for the child to end on its own and reaps it.
 * *status is the raw waitpid status. PROC_TIMEOUT leaves it running. */
int proc_wait(proc *p, int timeout_ms, int *status /* OUT */);

/* SIGTERM, then waits up to timeout_ms; on timeout SIGKILL and reap, and
 * PROC_TIMEOUT. *status is the raw status of a child that ended. */
int proc_stop(proc *p, int timeout_ms, int *status /* OUT */);

/* Sends sig to the child if it has not been reaped. */
int proc_signal(proc *p, int sig);

/* SIGKILL and reap; no-op on a child already reaped. */
int proc_kill(proc *p);

/* 1 while the child has not been reaped. */
int proc_running(const proc *p);

/* The child's process id (0 once reaped). */
int proc_pid(const proc *p);

/* The child's peak resident set in KiB, known once it is reaped (0
 * before). */
long proc_peak_rss_kib(const proc *p);

/* The file that holds what the child writes on stderr. */
const char *proc_stderr_path(const proc *p);

/* What the child wrote so far on stderr / stdout (malloc'd, caller frees;
 * "" when nothing, never NULL unless out of memory). */
char *proc_stderr(const proc *p);
char *proc_stdout(const proc *p);

/* Kills the child if it still runs, reaps it, frees. NULL is a no-op. */
void proc_free(proc *p);

/* Runs argv to completion within timeout_ms (killed after that, which is
 * PROC_TIMEOUT). *status is the raw waitpid status; *out and *err
 * (each optional) receive its stdout and stderr, malloc'd. */
int proc_run(const char *const argv[], const char *dir, int timeout_ms,
             int *status /* OUT */, char **out /* OUT */, char **err /* OUT */);

/* A short description of a raw status ("exit 0", "signal 11") in buf. */
const char *proc_status_text(int status, char *buf, size_t len);

#endif
