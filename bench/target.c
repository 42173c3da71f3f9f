/*
 * target.c — starting, watching and stopping the server under load.
 *
 * Boundary: processes and scratch files through the test-support library
 * (proc.h, srv.h, tcp.h), and /proc/<pid>. Reads the imported seminar's
 * code and key through the production store API (srv.h), as an operator
 * would from the database; never writes to the database itself. Must not
 * speak WebSocket (load.c does).
 */
#define _GNU_SOURCE
#include "target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fill.h"
#include "proc.h"
#include "srv.h"
#include "tcp.h"

#define START_MS 15000 /* bound on a server's start */
#define STOP_MS 5000   /* bound on a clean stop before SIGKILL */

struct target {
	char dir[256];
	char code[32];
	char key[160];
	char export_code[32]; /* the filled seminar's, "" without one */
	char export_key[160];
	proc *p; /* the server, NULL before it starts */
	int port;
};

long target_raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -1;
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	getrlimit(RLIMIT_NOFILE, &rl);
	return (long)rl.rlim_cur;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static target *target_new(char *err, size_t err_len)
{
	target *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	if (proc_mkdtemp(t->dir, sizeof t->dir)) {
		snprintf(err, err_len, "cannot create a scratch directory");
		free(t);
		return NULL;
	}
	return t;
}

void target_free(target *t, int keep)
{
	if (!t)
		return;
	if (t->p)
		proc_stop(t->p, STOP_MS, NULL);
	proc_free(t->p);
	if (!keep)
		proc_rmtree(t->dir);
	free(t);
}

/* ===== Atelier ===== */

int target_start_atelier(const char *bin, const char *seminar_json, size_t fill,
                         target **out, char *err, size_t err_len)
{
	char sessions[300], defn[340], db[300], port_file[300];
	int status = 0;
	target *t = target_new(err, err_len);
	*out = NULL;
	if (!t)
		return -1;
	snprintf(sessions, sizeof sessions, "%s/sessions", t->dir);
	snprintf(defn, sizeof defn, "%s/bench.json", sessions);
	snprintf(db, sizeof db, "%s/atelier.db", t->dir);
	snprintf(port_file, sizeof port_file, "%s/port", t->dir);
	if (mkdir(sessions, 0755) || proc_copy_file(seminar_json, defn)) {
		snprintf(err, err_len, "cannot copy %s into %s", seminar_json, sessions);
		goto fail;
	}
	if (fill) {
		fill_result fr;
		if (fill_seminar(db, ATELIER_SOURCE_DIR "/bench/s7-seminar.json", NULL, fill, &fr,
		                 err, err_len))
			goto fail;
		snprintf(t->export_code, sizeof t->export_code, "%s", fr.code);
		snprintf(t->export_key, sizeof t->export_key, "%s", fr.key);
	}
	const char *imp[] = {bin, "import", defn, "--db", db, NULL};
	if (proc_run(imp, t->dir, START_MS, &status, NULL, NULL) || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		snprintf(err, err_len, "%s import failed (see %s)", bin, t->dir);
		goto fail;
	}
	if (srv_seminar_besides(db, t->export_code, t->code, sizeof t->code, t->key,
	                        sizeof t->key, err, err_len))
		goto fail;
	int rc = srv_serve(bin, t->dir, db, sessions, port_file, NULL, START_MS, &t->p, &t->port);
	if (rc) {
		snprintf(err, err_len,
		         !t->p                ? "cannot start %s (see %s)"
		         : rc == PROC_EXITED ? "%s ended at start (see %s)"
		                             : "%s wrote no port file in time (see %s)",
		         bin, t->p ? proc_stderr_path(t->p) : t->dir);
		goto fail;
	}
	*out = t;
	return 0;
fail:
	target_free(t, 1);
	return -1;
}

/* ===== The libwebsockets mirror test server ===== */

/* Writes the last error line the mirror server logged ("E: ...") into
 * out[len], for a message about a failed start (its scratch directory is
 * removed afterwards). */
static void last_error(const proc *p, char *out, size_t len)
{
	char *log = proc_stderr(p);
	snprintf(out, len, "no error logged");
	for (char *line = log ? strtok(log, "\n") : NULL; line; line = strtok(NULL, "\n"))
		if (strstr(line, "E: "))
			snprintf(out, len, "%s", line);
	free(log);
}

/* 1 when a TCP connection to 127.0.0.1:port is accepted. */
static int accepts(int port)
{
	int fd = tcp_dial(port);
	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

static int start_mirror_once(const char *bin, target **out, char *err, size_t err_len);

/* The port is chosen before the server binds it, so another program may
 * take it in between: a failed start is tried again on another port. */
int target_start_mirror(const char *bin, target **out, char *err, size_t err_len)
{
	int rc = -1;
	for (int attempt = 0; attempt < 5 && rc; attempt++)
		rc = start_mirror_once(bin, out, err, err_len);
	return rc;
}

static int start_mirror_once(const char *bin, target **out, char *err, size_t err_len)
{
	char portarg[32];
	target *t = target_new(err, err_len);
	*out = NULL;
	if (!t)
		return -1;
	t->port = tcp_free_port();
	snprintf(portarg, sizeof portarg, "--port=%d", t->port);
	const char *argv[] = {bin ? bin : "libwebsockets-test-server", portarg, "-d", "1", NULL};
	if (t->port < 0 || proc_spawn(argv, t->dir, &t->p)) {
		snprintf(err, err_len, "cannot start %s", argv[0]);
		goto fail;
	}
	for (int waited = 0; !accepts(t->port); waited += 20) {
		if (proc_wait(t->p, 0, NULL) == PROC_OK) {
			int n = snprintf(err, err_len, "%s ended at start: ", argv[0]);
			if (n > 0 && (size_t)n < err_len)
				last_error(t->p, err + n, err_len - (size_t)n);
			goto fail;
		}
		if (waited >= START_MS) {
			snprintf(err, err_len, "%s does not listen after %d ms", argv[0], START_MS);
			goto fail;
		}
		sleep_ms(20);
	}
	*out = t;
	return 0;
fail:
	target_free(t, 0);
	return -1;
}

/* ===== Accessors and /proc ===== */

int target_port(const target *t)
{
	return t->port;
}

pid_t target_pid(const target *t)
{
	return (pid_t)proc_pid(t->p);
}

const char *target_code(const target *t)
{
	return t->code;
}

const char *target_key(const target *t)
{
	return t->key;
}

const char *target_export_code(const target *t)
{
	return t->export_code;
}

const char *target_export_key(const target *t)
{
	return t->export_key;
}

const char *target_log(const target *t)
{
	return t->p ? proc_stderr_path(t->p) : t->dir;
}

int target_sample_now(const target *t, target_sample *out)
{
	return target_sample_pid(target_pid(t), out);
}

int target_sample_pid(pid_t pid, target_sample *out)
{
	char path[64], buf[4096];
	unsigned long long ut = 0, stime = 0;
	memset(out, 0, sizeof *out);
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields after the command name, which may hold spaces: state is 3,
	 * utime 14, stime 15. */
	char *p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut,
	                 &stime) != 2)
		return -1;
	out->cpu_s = (double)(ut + stime) / (double)sysconf(_SC_CLK_TCK);
	out->cpu_all_s = out->cpu_s;
	/* The same in nanoseconds rather than 10 ms ticks: the time on CPU of
	 * the main thread (the mirror's only one, Atelier's loop: its export
	 * worker's time is left out). */
	snprintf(path, sizeof path, "/proc/%d/schedstat", (int)pid);
	if ((f = fopen(path, "r"))) {
		unsigned long long ns, wait_ns;
		int got = fscanf(f, "%llu %llu", &ns, &wait_ns);
		if (got >= 1)
			out->cpu_s = (double)ns / 1e9;
		if (got == 2)
			out->wait_s = (double)wait_ns / 1e9;
		fclose(f);
	}
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(buf, sizeof buf, f)) {
		if (!strncmp(buf, "VmRSS:", 6))
			out->rss_kib = atol(buf + 6);
		else if (!strncmp(buf, "VmHWM:", 6))
			out->hwm_kib = atol(buf + 6);
	}
	fclose(f);
	return 0;
}
