/*
 * target.c — starting, watching and stopping the server under load.
 *
 * Boundary: fork/exec, scratch files, /proc/<pid>. Reads the imported
 * seminar's code and key through the production store API, as an
 * operator would from the database; never writes to the database itself.
 * Must not speak WebSocket (load.c does).
 */
#define _GNU_SOURCE
#include "target.h"
#include "fill.h"
#include "store.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define START_MS 15000 /* bound on a server's start */
#define STOP_MS 5000   /* bound on a clean stop before SIGKILL */

struct target {
	char dir[256];
	char log[300];
	char code[32];
	char key[160];
	char export_code[32];   /* the filled seminar's, "" without one */
	char export_key[160];
	pid_t pid;
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

/* ===== Processes ===== */

pid_t target_spawn(const char *const argv[], const char *dir, const char *log)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
	int null = open("/dev/null", O_RDONLY);
	if (fd < 0 || null < 0 || chdir(dir))
		_exit(127);
	dup2(null, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	execvp(argv[0], (char *const *)argv);
	_exit(127);
}

/* Waits up to ms for pid to end; returns its status, or -1 on timeout. */
static int wait_exit(pid_t pid, int ms)
{
	int status = 0;
	for (int waited = 0;; waited += 10) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (r < 0 || waited >= ms)
			return -1;
		sleep_ms(10);
	}
}

static int gone(pid_t pid)
{
	int status;
	return waitpid(pid, &status, WNOHANG) == pid;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void target_remove_dir(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static target *target_new(char *err, size_t err_len)
{
	target *t = calloc(1, sizeof *t);
	const char *tmp = getenv("TMPDIR");
	if (!t)
		return NULL;
	snprintf(t->dir, sizeof t->dir, "%s/atelier-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(t->dir)) {
		snprintf(err, err_len, "cannot create a scratch directory: %s", strerror(errno));
		free(t);
		return NULL;
	}
	snprintf(t->log, sizeof t->log, "%s/server.log", t->dir);
	t->pid = -1;
	return t;
}

void target_free(target *t, int keep)
{
	if (!t)
		return;
	if (t->pid > 0 && !gone(t->pid)) {
		kill(t->pid, SIGTERM);
		if (wait_exit(t->pid, STOP_MS) < 0) {
			kill(t->pid, SIGKILL);
			waitpid(t->pid, NULL, 0);
		}
	}
	if (!keep)
		target_remove_dir(t->dir);
	free(t);
}

/* ===== Atelier ===== */

static void find_seminar(void *ctx, const char *code, const char *title, const char *date,
                         const char *key)
{
	target *t = ctx;
	(void)title;
	(void)date;
	if (!strcmp(code, t->export_code))
		return; /* the filled seminar */
	snprintf(t->code, sizeof t->code, "%s", code);
	snprintf(t->key, sizeof t->key, "%s", key ? key : "");
}

static int copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
	char buf[8192];
	size_t n;
	int rc = in && out ? 0 : -1;
	while (!rc && (n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -1;
	if (in)
		fclose(in);
	if (out && fclose(out))
		rc = -1;
	return rc;
}

/* Waits for the port file the server writes once it listens. */
static int wait_port_file(target *t, const char *path, char *err, size_t err_len)
{
	for (int waited = 0; waited < START_MS; waited += 20) {
		FILE *f = fopen(path, "r");
		int port = 0;
		char nl = 0;
		if (f) {
			int got = fscanf(f, "%d%c", &port, &nl);
			fclose(f);
			if (got == 2 && nl == '\n' && port > 0) {
				t->port = port;
				return 0;
			}
		}
		if (gone(t->pid)) {
			t->pid = -1;
			snprintf(err, err_len, "the server ended at start (see %s)", t->log);
			return -1;
		}
		sleep_ms(20);
	}
	snprintf(err, err_len, "the server wrote no port file in %d ms", START_MS);
	return -1;
}

int target_start_atelier(const char *bin, const char *seminar_json, size_t fill,
                         target **out, char *err, size_t err_len)
{
	char sessions[300], defn[340], db[300], port_file[300], serr[512] = "";
	store *st = NULL;
	target *t = target_new(err, err_len);
	*out = NULL;
	if (!t)
		return -1;
	snprintf(sessions, sizeof sessions, "%s/sessions", t->dir);
	snprintf(defn, sizeof defn, "%s/bench.json", sessions);
	snprintf(db, sizeof db, "%s/atelier.db", t->dir);
	snprintf(port_file, sizeof port_file, "%s/port", t->dir);
	if (mkdir(sessions, 0755) || copy_file(seminar_json, defn)) {
		snprintf(err, err_len, "cannot copy %s into %s", seminar_json, sessions);
		goto fail;
	}
	if (fill) {
		fill_result fr;
		if (fill_seminar(db, ATELIER_SOURCE_DIR "/bench/s7-seminar.json", fill, &fr, err,
		                 err_len))
			goto fail;
		snprintf(t->export_code, sizeof t->export_code, "%s", fr.code);
		snprintf(t->export_key, sizeof t->export_key, "%s", fr.key);
	}
	const char *imp[] = {bin, "import", defn, "--db", db, NULL};
	pid_t pid = target_spawn(imp, t->dir, t->log);
	int status = pid > 0 ? wait_exit(pid, START_MS) : -1;
	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (pid > 0 && status < 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		snprintf(err, err_len, "%s import failed (see %s)", bin, t->log);
		goto fail;
	}
	if (store_open(db, &st, serr, sizeof serr) || store_list_seminars(st, find_seminar, t) ||
	    !t->code[0] || !t->key[0]) {
		snprintf(err, err_len, "cannot read the seminar's code and key: %s",
		         serr[0] ? serr : st ? store_errmsg(st) : "?");
		goto fail;
	}
	store_close(st);
	st = NULL;
	const char *serve[] = {bin, "serve", "--listen", "127.0.0.1:0", "--db", db,
	                       "--sessions", sessions, "--port-file", port_file, NULL};
	t->pid = target_spawn(serve, t->dir, t->log);
	if (t->pid < 0) {
		snprintf(err, err_len, "cannot start %s: %s", bin, strerror(errno));
		goto fail;
	}
	if (wait_port_file(t, port_file, err, err_len))
		goto fail;
	*out = t;
	return 0;
fail:
	store_close(st);
	target_free(t, 1);
	return -1;
}

/* ===== The libwebsockets mirror test server ===== */

/* Writes the last error line the mirror server logged ("E: ...") into
 * out[len], for a message about a failed start (its scratch directory is
 * removed afterwards). */
static void last_error(const char *path, char *out, size_t len)
{
	char buf[256];
	FILE *f = fopen(path, "r");
	snprintf(out, len, "no error logged");
	while (f && fgets(buf, sizeof buf, f))
		if (strstr(buf, "E: ")) {
			buf[strcspn(buf, "\n")] = '\0';
			snprintf(out, len, "%s", buf);
		}
	if (f)
		fclose(f);
}

int target_free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;
	if (fd < 0)
		return -1;
	if (!bind(fd, (struct sockaddr *)&a, sizeof a) &&
	    !getsockname(fd, (struct sockaddr *)&a, &len))
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static int accepts(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int ok = fd >= 0 && !connect(fd, (struct sockaddr *)&a, sizeof a);
	if (fd >= 0)
		close(fd);
	return ok;
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
	t->port = target_free_port();
	snprintf(portarg, sizeof portarg, "--port=%d", t->port);
	const char *argv[] = {bin ? bin : "libwebsockets-test-server", portarg, "-d", "1", NULL};
	t->pid = target_spawn(argv, t->dir, t->log);
	if (t->pid < 0 || t->port < 0) {
		snprintf(err, err_len, "cannot start %s", argv[0]);
		goto fail;
	}
	for (int waited = 0; !accepts(t->port); waited += 20) {
		if (gone(t->pid)) {
			t->pid = -1;
			int n = snprintf(err, err_len, "%s ended at start: ", argv[0]);
			if (n > 0 && (size_t)n < err_len)
				last_error(t->log, err + n, err_len - (size_t)n);
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
	return t->pid;
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
	return t->log;
}

int target_sample_now(const target *t, target_sample *out)
{
	return target_sample_pid(t->pid, out);
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
	/* The same in nanoseconds rather than 10 ms ticks: the time on CPU of
	 * the main thread (both servers run one thread). */
	snprintf(path, sizeof path, "/proc/%d/schedstat", (int)pid);
	if ((f = fopen(path, "r"))) {
		unsigned long long ns;
		if (fscanf(f, "%llu", &ns) == 1)
			out->cpu_s = (double)ns / 1e9;
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
