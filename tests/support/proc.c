/*
 * proc.c — child processes, scratch directories and files for the tests
 * and the bench: spawn with stdout/stderr captured to files, bounded
 * waits, stop (SIGTERM), kill (SIGKILL), reap (with the child's peak
 * memory), temporary directories, and a whole file read at once.
 *
 * Boundary: POSIX process and file calls only. Knows nothing of what the
 * child is; the test decides the arguments. Must not leave a child behind:
 * each child asks the kernel to kill it when its parent dies.
 */
#include "proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define POLL_STEP_NS 1000000L /* 1 ms between checks: the bench times exits */

struct proc {
	pid_t pid;       /* 0 once reaped */
	int status;      /* raw waitpid status once reaped */
	long maxrss_kib; /* peak resident set, once reaped */
	char out_path[4096];
	char err_path[4096];
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void nap(void)
{
	struct timespec ts = {0, POLL_STEP_NS};
	nanosleep(&ts, NULL);
}

const char *proc_bin(void)
{
	const char *bin = getenv("ATELIER_BIN");
	return bin && *bin ? bin : NULL;
}

/* ===== Files and directories ===== */

int proc_mkdtemp(char *out, size_t out_len)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = "/tmp";
	int n = snprintf(out, out_len, "%s/atelier-test-XXXXXX", tmp);
	if (n < 0 || (size_t)n >= out_len)
		return PROC_ERR;
	return mkdtemp(out) ? PROC_OK : PROC_ERR;
}

void proc_rmtree(const char *dir)
{
	if (!dir)
		return;
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		char path[4096];
		while ((e = readdir(d)) != NULL) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			struct stat st;
			if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
				chmod(path, 0700);
				proc_rmtree(path);
			} else {
				unlink(path);
			}
		}
		closedir(d);
	}
	rmdir(dir);
}

char *proc_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (len)
		*len = 0;
	if (!f)
		return NULL;
	size_t cap = 4096, got = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t n = fread(buf + got, 1, cap - got - 1, f);
		got += n;
		if (got + 1 < cap) {
			if (ferror(f)) {
				free(buf);
				buf = NULL;
			}
			break;
		}
		char *nb = realloc(buf, cap * 2);
		if (!nb) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	fclose(f);
	if (buf) {
		buf[got] = '\0';
		if (len)
			*len = got;
	}
	return buf;
}

int proc_copy_file(const char *from, const char *to)
{
	int rc = PROC_ERR;
	size_t len = 0;
	char *text = proc_slurp(from, &len);
	FILE *f = text ? fopen(to, "wb") : NULL;
	if (f) {
		if (fwrite(text, 1, len, f) == len)
			rc = PROC_OK;
		if (fclose(f))
			rc = PROC_ERR;
	}
	free(text);
	return rc;
}

/* ===== Children ===== */

int proc_spawn(const char *const argv[], const char *dir, proc **out)
{
	static const char *const names[] = {"out", "err"};
	*out = NULL;
	proc *p = calloc(1, sizeof *p);
	if (!p)
		return PROC_ERR;

	/* Pick file names no earlier child of this dir used. */
	for (int i = 0;; i++) {
		snprintf(p->out_path, sizeof p->out_path, "%s/child-%d.%s", dir, i, names[0]);
		snprintf(p->err_path, sizeof p->err_path, "%s/child-%d.%s", dir, i, names[1]);
		if (access(p->err_path, F_OK) != 0)
			break;
	}
	int fd_out = open(p->out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int fd_err = open(p->err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	pid_t parent = getpid();
	pid_t pid = (fd_out >= 0 && fd_err >= 0) ? fork() : -1;
	if (pid == 0) {
		/* Child: die with the test program, whatever becomes of it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(fd_out, 1) < 0 || dup2(fd_err, 2) < 0)
			_exit(127);
		execvp(argv[0], (char *const *)argv);
		dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (fd_out >= 0)
		close(fd_out);
	if (fd_err >= 0)
		close(fd_err);
	if (pid < 0) {
		free(p);
		return PROC_ERR;
	}
	p->pid = pid;
	*out = p;
	return PROC_OK;
}

/* Reaps the child if it has ended (with flags WNOHANG) or once it ends
 * (flags 0); 1 when it is (now) reaped. */
static int reap(proc *p, int flags)
{
	if (!p->pid)
		return 1;
	int st = 0;
	struct rusage ru = {0};
	pid_t r;
	while ((r = wait4(p->pid, &st, flags, &ru)) < 0 && errno == EINTR)
		;
	if (r == p->pid || (r < 0 && errno == ECHILD)) {
		p->status = r == p->pid ? st : 0;
		p->maxrss_kib = r == p->pid ? ru.ru_maxrss : 0;
		p->pid = 0;
		return 1;
	}
	return 0;
}

static int reaped(proc *p)
{
	return reap(p, WNOHANG);
}

int proc_running(const proc *p)
{
	return p && p->pid != 0;
}

int proc_pid(const proc *p)
{
	return p ? (int)p->pid : 0;
}

long proc_peak_rss_kib(const proc *p)
{
	return p ? p->maxrss_kib : 0;
}

const char *proc_stderr_path(const proc *p)
{
	return p->err_path;
}

int proc_wait(proc *p, int timeout_ms, int *status)
{
	long long deadline = now_ms() + timeout_ms;
	while (!reaped(p)) {
		if (now_ms() >= deadline)
			return PROC_TIMEOUT;
		nap();
	}
	if (status)
		*status = p->status;
	return PROC_OK;
}

int proc_kill(proc *p)
{
	if (!p || !p->pid)
		return PROC_OK;
	kill(p->pid, SIGKILL);
	reap(p, 0);
	return PROC_OK;
}

int proc_signal(proc *p, int sig)
{
	if (!p || !p->pid)
		return PROC_ERR;
	return kill(p->pid, sig) == 0 ? PROC_OK : PROC_ERR;
}

int proc_stop(proc *p, int timeout_ms, int *status)
{
	proc_signal(p, SIGTERM);
	int rc = proc_wait(p, timeout_ms, status);
	if (rc == PROC_TIMEOUT) {
		proc_kill(p);
		if (status)
			*status = p->status;
	}
	return rc;
}

int proc_wait_port_file(proc *p, const char *port_file, int timeout_ms, int *port)
{
	long long deadline = now_ms() + timeout_ms;
	*port = 0;
	for (;;) {
		char *text = proc_slurp(port_file, NULL);
		if (text) {
			char *end;
			long v = strtol(text, &end, 10);
			int complete = end != text && *end == '\n' && v > 0 && v < 65536;
			free(text);
			if (complete) {
				*port = (int)v;
				return PROC_OK;
			}
		}
		if (reaped(p))
			return PROC_EXITED;
		if (now_ms() >= deadline)
			return PROC_TIMEOUT;
		nap();
	}
}

static char *read_or_empty(const char *path)
{
	char *text = proc_slurp(path, NULL);
	return text ? text : strdup("");
}

char *proc_stderr(const proc *p)
{
	return read_or_empty(p->err_path);
}

char *proc_stdout(const proc *p)
{
	return read_or_empty(p->out_path);
}

void proc_free(proc *p)
{
	if (!p)
		return;
	proc_kill(p);
	free(p);
}

int proc_run(const char *const argv[], const char *dir, int timeout_ms, int *status,
             char **out, char **err)
{
	proc *p;
	if (out)
		*out = NULL;
	if (err)
		*err = NULL;
	int rc = proc_spawn(argv, dir, &p);
	if (rc)
		return rc;
	rc = proc_wait(p, timeout_ms, status);
	if (rc == PROC_TIMEOUT) {
		proc_kill(p);
		*status = p->status;
	}
	if (out)
		*out = proc_stdout(p);
	if (err)
		*err = proc_stderr(p);
	proc_free(p);
	return rc;
}

const char *proc_status_text(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "signal %d", WTERMSIG(status));
	else
		snprintf(buf, len, "status 0x%x", status);
	return buf;
}
