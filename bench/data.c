/*
 * data.c — scenario S7 (issue 4, "Fast on a cheap machine"): with 10,000
 * contributions each export format within 200 ms; with 100,000, the
 * server serving within 300 ms of its start.
 *
 * Exports: a seminar of N contributions (fill.c) is exported RUNS times
 * per format three ways: in this process through the store and export
 * API (export_view_document, then export_render: what /api/export does),
 * as the command `atelier export CODE --format F` (wall time from fork to
 * exit, its peak RSS), and over HTTP from a running server (GET
 * /api/export/CODE.F with the key). Start-up: a seminar of 10 x N
 * contributions; STARTS times, the time from fork/exec of `atelier serve`
 * to the first accepted TCP connection, to the first answer of
 * /api/health (serving), and to the first watch snapshot delivered to a
 * WebSocket client (a projection screen's watch of one activity); then
 * the facilitator console's watch of the whole seminar (every
 * contribution), timed from its own connect; the server's peak RSS.
 *
 * Boundary: measurement and output. Must not write to the databases once
 * fill.c has made them (the server may: it re-imports the definition at
 * start, which changes nothing).
 */
#define _GNU_SOURCE
#include "data.h"

#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "export.h"
#include "export_view.h"
#include "fill.h"
#include "i18n.h"
#include "probe.h"
#include "proc.h"
#include "stats.h"
#include "store.h"
#include "target.h"
#include "tcp.h"

#define RUNS 7         /* timed runs of each export, each way */
#define STARTS 5       /* timed start-ups */
#define START_MS 60000 /* bound on a start (the snapshot included) */
#define STOP_MS 10000  /* bound on a stop before SIGKILL */
#define TARGET_EXPORT_MS 200.0
#define TARGET_START_MS 300.0

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void pause_us(long us)
{
	struct timespec ts = {0, us * 1000L};
	nanosleep(&ts, NULL);
}

static double mib(double bytes)
{
	return bytes / (1024.0 * 1024.0);
}

/* The bytes of a database: the file and its write-ahead log. */
static long long db_bytes(const char *db)
{
	char wal[600];
	struct stat a, b;
	snprintf(wal, sizeof wal, "%s-wal", db);
	return (stat(db, &a) ? 0 : (long long)a.st_size) + (stat(wal, &b) ? 0 : (long long)b.st_size);
}

/* A sample in µs, capped to what stats keeps. */
static void add_us(stats *s, int64_t us)
{
	stats_add(s, us < 0 ? 0 : us > UINT32_MAX ? UINT32_MAX : (uint32_t)us);
}

/* ===== Child processes ===== */

/* 1 when the child has ended (it is then reaped), else 0. */
static int ended(proc *p)
{
	return proc_wait(p, 0, NULL) == PROC_OK;
}

/* A running `atelier serve` and when it became reachable. */
struct server {
	proc *p; /* NULL when not running */
	int port;
	int64_t listen_us, health_us; /* from fork/exec */
};

/* Starts `bin serve` on db (definitions in sessions), rate limits off
 * (the bench asks for one export after another), and waits until it
 * accepts a connection then answers /api/health. Its output goes to files
 * in dir. */
static int serve(const char *bin, const char *db, const char *sessions, const char *dir,
                 struct server *s, char *err, size_t err_len)
{
	char listen[64];
	memset(s, 0, sizeof *s);
	if ((s->port = tcp_free_port()) < 0) {
		snprintf(err, err_len, "no free port");
		return -1;
	}
	snprintf(listen, sizeof listen, "127.0.0.1:%d", s->port);
	const char *argv[] = {bin, "serve", "--listen", listen, "--db", db, "--sessions",
	                      sessions, "--no-rate-limit", NULL};
	int64_t t0 = now_us(), end = t0 + START_MS * 1000LL;
	if (proc_spawn(argv, dir, &s->p)) {
		snprintf(err, err_len, "cannot start %s: %s", bin, strerror(errno));
		return -1;
	}
	while (!probe_listening(s->port)) {
		if (ended(s->p) || now_us() > end)
			goto fail;
		pause_us(200);
	}
	s->listen_us = now_us() - t0;
	while (probe_get(s->port, "/api/health", NULL, NULL, NULL) != 200) {
		if (ended(s->p) || now_us() > end)
			goto fail;
		pause_us(200);
	}
	s->health_us = now_us() - t0;
	return 0;
fail:
	snprintf(err, err_len, "the server did not start on port %d (see %s)", s->port,
	         proc_stderr_path(s->p));
	proc_free(s->p);
	s->p = NULL;
	return -1;
}

/* SIGTERM, then reap; its peak RSS in KiB (0 when unknown). */
static long stop(struct server *s)
{
	long rss = 0;
	if (s->p) {
		proc_stop(s->p, STOP_MS, NULL);
		rss = proc_peak_rss_kib(s->p);
	}
	proc_free(s->p);
	s->p = NULL;
	return rss;
}

/* ===== The scratch directory ===== */

struct scratch {
	char dir[256];      /* also the output of every child (proc.h) */
	char sessions[300]; /* the definition, for `atelier serve --sessions` */
	char out[300];      /* files written by `atelier export` */
};

static int scratch_make(struct scratch *w, const char *seminar, char *err, size_t err_len)
{
	char copy[400];
	json_t *d = NULL;
	if (proc_mkdtemp(w->dir, sizeof w->dir)) {
		snprintf(err, err_len, "cannot create a scratch directory: %s", strerror(errno));
		return -1;
	}
	snprintf(w->sessions, sizeof w->sessions, "%s/sessions", w->dir);
	snprintf(w->out, sizeof w->out, "%s/exports", w->dir);
	snprintf(copy, sizeof copy, "%s/s7.json", w->sessions);
	if (mkdir(w->sessions, 0755) || !(d = json_load_file(seminar, 0, NULL)) ||
	    json_dump_file(d, copy, JSON_INDENT(2))) {
		snprintf(err, err_len, "cannot copy %s into %s", seminar, w->sessions);
		json_decref(d);
		return -1;
	}
	json_decref(d);
	return 0;
}

/* Builds db with n contributions and says what it holds. */
static int build(const data_config *c, const i18n_cat *cat, const char *db, size_t n,
                 fill_result *f)
{
	char err[1024];
	fprintf(stderr, "atelier-bench: s7: writing %zu contributions into %s\n", n, db);
	if (fill_seminar(db, c->seminar, cat, n, f, err, sizeof err)) {
		fprintf(stderr, "atelier-bench: s7: %s\n", err);
		return -1;
	}
	printf("  seminar             %zu contributions (%zu example actions, %zu hidden, %zu "
	       "deleted, %zu edits), %zu participants, %zu votes\n",
	       f->contributions, f->actions, f->hidden, f->deleted, f->edited, f->participants,
	       f->votes);
	printf("  database            %.1f MiB, written in %.1f s (%zu messages through "
	       "seminar_handle)\n",
	       mib((double)db_bytes(db)), f->seconds, f->messages);
	fflush(stdout);
	return 0;
}

/* ===== Exports ===== */

/* The timings of one format. */
struct fmt_times {
	stats *dump, *render, *total, *cli, *http;
	long cli_rss_kib;
	size_t bytes, http_bytes;
};

/* In this process: export_view_document (the store's read and the export
 * view) then export_render, RUNS times. */
static int time_api(store *st, const i18n_cat *cat, const char *code, export_format f,
                    struct fmt_times *t)
{
	for (int r = 0; r < RUNS; r++) {
		json_t *doc = NULL;
		char *out = NULL;
		int64_t t0 = now_us();
		if (export_view_document(st, code, &doc))
			return -1;
		int64_t t1 = now_us();
		int rc = export_render(doc, f, cat, &out, &t->bytes);
		int64_t t2 = now_us();
		json_decref(doc);
		free(out);
		if (rc)
			return -1;
		add_us(t->dump, t1 - t0);
		add_us(t->render, t2 - t1);
		add_us(t->total, t2 - t0);
	}
	return 0;
}

/* `atelier export CODE --format F`, RUNS times: wall time and peak RSS. */
static int time_cli(const data_config *c, const struct scratch *w, const char *db,
                    const char *code, export_format f, struct fmt_times *t)
{
	const char *argv[] = {c->atelier, "export", code, "--db", db, "--format",
	                      export_format_ext(f), "--out", w->out, NULL};
	for (int r = 0; r < RUNS; r++) {
		int status = 0;
		proc *p = NULL;
		int64_t t0 = now_us();
		int rc = proc_spawn(argv, w->dir, &p) || proc_wait(p, START_MS, &status) ||
		         !WIFEXITED(status) || WEXITSTATUS(status);
		int64_t t1 = now_us();
		long rss = proc_peak_rss_kib(p);
		proc_free(p);
		if (rc)
			return -1;
		add_us(t->cli, t1 - t0);
		t->cli_rss_kib = rss > t->cli_rss_kib ? rss : t->cli_rss_kib;
	}
	return 0;
}

/* GET /api/export/CODE.F with the key, RUNS times, on a running server. */
static int time_http(const struct server *s, const char *code, const char *key,
                     export_format f, struct fmt_times *t)
{
	char path[128], header[256];
	snprintf(path, sizeof path, "/api/export/%s.%s", code, export_format_ext(f));
	snprintf(header, sizeof header, "X-Atelier-Key: %s", key);
	for (int r = 0; r < RUNS; r++) {
		int64_t t0 = now_us();
		if (probe_get(s->port, path, header, NULL, &t->http_bytes) != 200)
			return -1;
		add_us(t->http, now_us() - t0);
	}
	return 0;
}

static void print_export(size_t n, long long bytes, export_format f, struct fmt_times *t,
                         int bench_line)
{
	stats_summary d, r, a, cl, h;
	stats_summarize(t->dump, &d);
	stats_summarize(t->render, &r);
	stats_summarize(t->total, &a);
	stats_summarize(t->cli, &cl);
	stats_summarize(t->http, &h);
	if (bench_line) {
		printf("BENCH scenario=s7 part=export format=%s contributions=%zu db_bytes=%lld "
		       "runs=%d dump_p50_ms=%.2f render_p50_ms=%.2f api_p50_ms=%.2f api_max_ms=%.2f "
		       "cli_p50_ms=%.2f cli_max_ms=%.2f cli_rss_peak_kib=%ld http_p50_ms=%.2f "
		       "http_max_ms=%.2f bytes=%zu\n",
		       export_format_ext(f), n, bytes, RUNS, d.p50, r.p50, a.p50, a.max, cl.p50,
		       cl.max, t->cli_rss_kib, h.p50, h.max, t->bytes);
		return;
	}
	printf("  %-5s %9.1f %10.1f %10.1f / %-7.1f %9.1f / %-7.1f %6.1f %9.1f / %-7.1f %8.2f  %s\n",
	       export_format_ext(f), d.p50, r.p50, a.p50, a.max, cl.p50, cl.max,
	       (double)t->cli_rss_kib / 1024.0, h.p50, h.max, mib((double)t->bytes),
	       cl.p50 < TARGET_EXPORT_MS && a.p50 < TARGET_EXPORT_MS && h.p50 < TARGET_EXPORT_MS
	           ? "yes"
	           : "NO");
}

static int exports(const data_config *c, const i18n_cat *cat, const struct scratch *w)
{
	char db[400], err[512];
	fill_result fr;
	store *st = NULL;
	struct server s = {0};
	struct fmt_times t[EXPORT__COUNT];
	int rc = 2;

	memset(t, 0, sizeof t);
	snprintf(db, sizeof db, "%s/exports.db", w->dir);
	printf("\n== s7 exports: %zu contributions, %d runs of each\n", c->contributions, RUNS);
	if (build(c, cat, db, c->contributions, &fr))
		return 2;
	for (int f = 0; f < EXPORT__COUNT; f++)
		if (!(t[f].dump = stats_new()) || !(t[f].render = stats_new()) ||
		    !(t[f].total = stats_new()) || !(t[f].cli = stats_new()) ||
		    !(t[f].http = stats_new()))
			goto done;
	if (store_open(db, cat, &st, err, sizeof err)) {
		fprintf(stderr, "atelier-bench: s7: %s\n", err);
		goto done;
	}
	for (int f = 0; f < EXPORT__COUNT; f++)
		if (time_api(st, cat, fr.code, (export_format)f, &t[f])) {
			fprintf(stderr, "atelier-bench: s7: in-process %s export failed\n",
			        export_format_ext((export_format)f));
			goto done;
		}
	store_close(st);
	st = NULL;
	for (int f = 0; f < EXPORT__COUNT; f++)
		if (time_cli(c, w, db, fr.code, (export_format)f, &t[f])) {
			fprintf(stderr, "atelier-bench: s7: atelier export --format %s failed (see %s)\n",
			        export_format_ext((export_format)f), w->dir);
			goto done;
		}
	if (serve(c->atelier, db, w->sessions, w->dir, &s, err, sizeof err)) {
		fprintf(stderr, "atelier-bench: s7: %s\n", err);
		goto done;
	}
	for (int f = 0; f < EXPORT__COUNT; f++)
		if (time_http(&s, fr.code, fr.key, (export_format)f, &t[f])) {
			fprintf(stderr, "atelier-bench: s7: GET /api/export/%s.%s failed (see %s)\n",
			        fr.code, export_format_ext((export_format)f), proc_stderr_path(s.p));
			goto done;
		}
	printf("  (ms; dump = export_view_document (store and view), api = dump + export_render "
	       "in-process; cli = `atelier export` wall time, RSS its peak in MiB; http = GET "
	       "/api/export)\n");
	printf("  %-5s %9s %10s %20s %19s %6s %19s %8s  %s\n", "fmt", "dump p50", "render p50",
	       "api p50 / max", "cli p50 / max", "RSS", "http p50 / max", "out MiB",
	       "p50s < 200 ms");
	for (int line = 0; line < 2; line++)
		for (int f = 0; f < EXPORT__COUNT; f++)
			print_export(c->contributions, db_bytes(db), (export_format)f, &t[f], line);
	rc = 0;
	for (int f = 0; f < EXPORT__COUNT; f++)
		if (t[f].http_bytes != t[f].bytes && f != EXPORT_JSON) {
			/* JSON carries the time it was made, to the second: its length
			 * does not move, but compare only the formats without it. */
			fprintf(stderr, "atelier-bench: s7: %s over HTTP is %zu bytes, in-process %zu\n",
			        export_format_ext((export_format)f), t[f].http_bytes, t[f].bytes);
			rc = 1;
		}
done:
	stop(&s);
	store_close(st);
	for (int f = 0; f < EXPORT__COUNT; f++) {
		stats_free(t[f].dump);
		stats_free(t[f].render);
		stats_free(t[f].total);
		stats_free(t[f].cli);
		stats_free(t[f].http);
	}
	fflush(stdout);
	return rc;
}

/* ===== Start-up ===== */

/* The number of contributions in a synced reply, or -1. */
static long snapshot_size(const char *reply, size_t len)
{
	json_t *m = json_loadb(reply, len, 0, NULL);
	json_t *list = json_object_get(m, "contributions");
	long n = json_is_array(list) ? (long)json_array_size(list) : -1;
	json_decref(m);
	return n;
}

/* One watch: the reply's size and contributions. Returns 0 or -1. */
static int watch(int port, const char *code, const char *key, const char *activity,
                 size_t *bytes, long *contributions, char *err, size_t err_len)
{
	json_t *m = json_pack("{s:s, s:s, s:s}", "type", "watch", "id", "w1", "code", code);
	char *text, *reply = NULL;
	if (m && key)
		json_object_set_new(m, "key", json_string(key));
	if (m && activity)
		json_object_set_new(m, "activity", json_string(activity));
	text = m ? json_dumps(m, JSON_COMPACT) : NULL;
	json_decref(m);
	int rc = text ? probe_ws_ask(port, text, "w1", &reply, bytes, err, err_len) : -1;
	free(text);
	if (!rc && strncmp(reply, "{\"type\":\"synced\"", 16)) {
		snprintf(err, err_len, "watch answered %.200s", reply);
		rc = -1;
	}
	*contributions = rc ? -1 : snapshot_size(reply, *bytes);
	free(reply);
	return rc;
}

/* The activity whose watch is the first snapshot after a start: a
 * projection screen's (no key), on the biggest activity whose snapshot
 * stays under the server's 8 MiB queue bound at 100,000 contributions. */
#define FIRST_WATCH "orientations"

static int startup(const data_config *c, const i18n_cat *cat, const struct scratch *w)
{
	char db[400], err[512] = "";
	size_t n = c->contributions * 10, first_bytes = 0, full_bytes = 0;
	fill_result fr;
	long first_n = 0, full_n = 0, rss_max = 0, rss_first = 0;
	/* The server's CPU time for each watch (its workers' too): on a
	 * machine shared with other work the wall times measure the
	 * neighbours as much as the server, its CPU time much less. */
	stats *first_cpu = stats_new(), *full_cpu = stats_new();
	int full_failed = 0;
	stats *listen = stats_new(), *health = stats_new(), *first = stats_new(),
	      *full = stats_new();
	int rc = 2;

	snprintf(db, sizeof db, "%s/startup.db", w->dir);
	printf("\n== s7 start-up: %zu contributions, %d starts\n", n, STARTS);
	if (!listen || !health || !first || !full || !first_cpu || !full_cpu ||
	    build(c, cat, db, n, &fr))
		goto done;
	for (int r = 0; r < STARTS; r++) {
		struct server s;
		int64_t t0 = now_us();
		target_sample before = {0}, after = {0};
		if (serve(c->atelier, db, w->sessions, w->dir, &s, err, sizeof err) ||
		    target_sample_pid((pid_t)proc_pid(s.p), &before) ||
		    watch(s.port, fr.code, NULL, FIRST_WATCH, &first_bytes, &first_n, err,
		          sizeof err)) {
			fprintf(stderr, "atelier-bench: s7: start %d: %s\n", r + 1, err);
			stop(&s);
			goto done;
		}
		add_us(first, now_us() - t0);
		add_us(listen, s.listen_us);
		add_us(health, s.health_us);
		if (!target_sample_pid((pid_t)proc_pid(s.p), &after)) {
			add_us(first_cpu, (int64_t)((after.cpu_all_s - before.cpu_all_s) * 1e6));
			rss_first = after.hwm_kib > rss_first ? after.hwm_kib : rss_first;
		}
		before = after;
		/* The facilitator console: every contribution, hidden text too. */
		int64_t t1 = now_us();
		if (watch(s.port, fr.code, fr.key, NULL, &full_bytes, &full_n, err, sizeof err))
			full_failed++;
		add_us(full, now_us() - t1);
		if (!target_sample_pid((pid_t)proc_pid(s.p), &after))
			add_us(full_cpu, (int64_t)((after.cpu_all_s - before.cpu_all_s) * 1e6));
		long rss = stop(&s);
		rss_max = rss > rss_max ? rss : rss_max;
	}
	stats_summary l, h, f1, fu, f1c, fuc;
	stats_summarize(first_cpu, &f1c);
	stats_summarize(full_cpu, &fuc);
	stats_summarize(listen, &l);
	stats_summarize(health, &h);
	stats_summarize(first, &f1);
	stats_summarize(full, &fu);
	printf("  (ms from fork/exec of `atelier serve`)\n");
	printf("  listening           p50 %.1f  max %.1f   (first TCP connection accepted)\n", l.p50,
	       l.max);
	printf("  serving             p50 %.1f  max %.1f   (first /api/health answer)  max < %.0f ms: "
	       "%s\n",
	       h.p50, h.max, TARGET_START_MS, h.max < TARGET_START_MS ? "yes" : "NO");
	printf("  first snapshot      p50 %.1f  max %.1f   (a screen's watch of activity %s: %ld "
	       "contributions, %.1f MiB)\n",
	       f1.p50, f1.max, FIRST_WATCH, first_n, mib((double)first_bytes));
	if (full_failed)
		printf("  facilitator watch   FAILED %d of %d times after p50 %.1f ms: %s\n",
		       full_failed, STARTS, fu.p50, err);
	else
		printf("  facilitator watch   p50 %.1f  max %.1f   (from its connect, the whole seminar: "
		       "%ld contributions, %.1f MiB)\n",
		       fu.p50, fu.max, full_n, mib((double)full_bytes));
	printf("  server CPU          p50 %.1f for the first snapshot, p50 %.1f for the "
	       "facilitator's watch\n",
	       f1c.p50, fuc.p50);
	printf("  server peak RSS     %.1f MiB after the first snapshot, %.1f MiB in all\n",
	       (double)rss_first / 1024.0, (double)rss_max / 1024.0);
	printf("BENCH scenario=s7 part=startup contributions=%zu db_bytes=%lld starts=%d "
	       "listen_p50_ms=%.2f listen_max_ms=%.2f health_p50_ms=%.2f health_max_ms=%.2f "
	       "first_snapshot_p50_ms=%.2f first_snapshot_max_ms=%.2f first_snapshot_bytes=%zu "
	       "first_snapshot_contributions=%ld full_watch_p50_ms=%.2f full_watch_max_ms=%.2f "
	       "full_watch_bytes=%zu full_watch_contributions=%ld full_watch_failed=%d "
	       "first_snapshot_cpu_p50_ms=%.2f full_watch_cpu_p50_ms=%.2f "
	       "rss_first_snapshot_kib=%ld rss_peak_kib=%ld\n",
	       n, db_bytes(db), STARTS, l.p50, l.max, h.p50, h.max, f1.p50, f1.max, first_bytes,
	       first_n, fu.p50, fu.max, full_bytes, full_failed ? -1 : full_n, full_failed,
	       f1c.p50, fuc.p50, rss_first, rss_max);
	rc = !full_failed && full_n == (long)fr.contributions ? 0 : 1;
	fflush(stdout);
	if (rc)
		fprintf(stderr, "atelier-bench: s7: the facilitator's snapshot held %ld of %zu "
		        "contributions\n", full_failed ? 0 : full_n, fr.contributions);
done:
	stats_free(listen);
	stats_free(health);
	stats_free(first);
	stats_free(full);
	stats_free(first_cpu);
	stats_free(full_cpu);
	fflush(stdout);
	return rc;
}

int data_run(const data_config *c)
{
	struct scratch w;
	char err[512];
	/* The language `atelier export` will speak. */
	i18n_cat *cat = i18n_new(i18n_env_lang());
	if (!cat || c->contributions < 1 || scratch_make(&w, c->seminar, err, sizeof err)) {
		fprintf(stderr, "atelier-bench: s7: %s\n",
		        !cat                   ? "out of memory"
		        : c->contributions < 1 ? "--contributions must be 1 or more"
		                               : err);
		i18n_free(cat);
		return 2;
	}
	int rc = exports(c, cat, &w);
	if (rc != 2) {
		int r2 = startup(c, cat, &w);
		rc = r2 > rc ? r2 : rc;
	}
	if (c->keep || rc == 2)
		fprintf(stderr, "atelier-bench: s7: scratch directory kept: %s\n", w.dir);
	else
		proc_rmtree(w.dir);
	i18n_free(cat);
	return rc;
}
