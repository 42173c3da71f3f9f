/*
 * main.c — `atelier-bench`: the command line of the load generator. Picks
 * a scenario (docs/BENCHMARKS.md), starts a fresh Atelier server for it,
 * runs the load, then does the same against Debian's
 * libwebsockets-test-server (the baseline, lws-mirror-protocol) and prints
 * both side by side with their ratios: a table for people and one
 * `BENCH ...` / `RATIO ...` line per measurement for scripts.
 *
 * Boundary: options and output. The clients are load.c's, the server
 * processes target.c's; S7 is data.c's, and the console's frame
 * (scenario "console") is a browser script that console.c starts. Exit status: 0 when every run delivered every
 * event exactly once to every receiver, 1 when one did not, 2 when a run
 * could not be done. With --exports, threads of this file fetch exports
 * over HTTP during the load.
 */
#include "console.h"
#include "data.h"
#include "load.h"
#include "export.h"
#include "probe.h"
#include "target.h"

#include <pthread.h>
#include <stdatomic.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ATELIER_BENCH_SERVER
#define ATELIER_BENCH_SERVER "atelier"
#endif

/* One row of the scenario table. */
struct scenario {
	const char *name, *what;
	int phones, screens;
	double rate, duration;
	int prefill, slow, sources, ramp, baseline, capacity;
};

static const struct scenario scenarios[] = {
	{"smoke", "20 phones + 1 screen, 20 posts/s, 3 s", 20, 1, 20, 3, 0, 0, 0, 100, 1, 0},
	{"s1", "steady: 1,000 phones + 1 screen, 100 posts/s, 60 s", 1000, 1, 100, 60, 0, 0, 0,
	 100, 1, 0},
	{"s2", "capacity: 1,000 phones + 1 screen, rate doubled until p99 > 100 ms, 10 s each",
	 1000, 1, 100, 10, 0, 0, 0, 100, 1, 1},
	{"s3", "scale: 10,000 phones + 1 screen, 20 posts/s, 60 s", 10000, 1, 20, 60, 0, 0, 0,
	 200, 1, 0},
	{"s4", "join storm: 2,000 phones join an activity holding 500 contributions", 2000, 0, 0,
	 0, 500, 0, 0, 2000, 0, 0},
	{"s5", "memory: 10,000 idle phones", 10000, 0, 0, 0, 0, 0, 0, 200, 1, 0},
	{"soak", "S5's soak: S1 for 10 minutes, the server's RSS growth", 1000, 1, 100, 600, 0, 0,
	 0, 100, 0, 0},
	{"s6", "slow reader: S1 with one phone that stops reading", 1000, 1, 100, 60, 0, 1, 0,
	 100, 0, 0},
	{"s7", "data: exports of 10,000 contributions, start-up with 100,000 (data.c)", 1, 0, 0,
	 0, 0, 0, 0, 1, 0, 0},
	{"console", "the facilitator console in Chromium: an event's arrival to the next\n"
	            "                              paint, 500, 2,000 and 10,000 contributions on a board",
	 1, 0, 0, 0, 0, 0, 0, 1, 0, 0},
	{NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
};

/* Source addresses when --sources is not given: the server limits each
 * address (a room behind one Wi-Fi) to about 300 phones joining at once
 * and 50 posts/s (server/rate.c), so the load comes from several. */
static int auto_sources(const struct scenario *s)
{
	int clients = s->phones + s->screens;
	int n = (clients + 249) / 250, by_rate = (int)(s->rate / 40) + 1;
	if (by_rate > n)
		n = by_rate;
	return n < 1 ? 1 : n > 254 ? 254 : n;
}

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: atelier-bench [--scenario NAME] [options]\n"
	        "  --scenario NAME   one of:\n");
	for (const struct scenario *s = scenarios; s->name; s++)
		fprintf(f, "                      %-7s %s\n", s->name, s->what);
	fprintf(f,
	        "  --smoke           same as --scenario smoke\n"
	        "  --phones N --screens N --rate R --duration D --prefill N\n"
	        "  --slow            the first phone stops reading\n"
	        "  --sources N       spread clients over 127.0.0.1 .. 127.0.0.N (default:\n"
	        "                    one per 250 clients and per 40 posts/s)\n"
	        "  --ramp N          connections being opened at once\n"
	        "  --baseline / --no-baseline   also run libwebsockets-test-server\n"
	        "  --atelier BIN     the server binary (default: the one built beside)\n"
	        "  --mirror-bin BIN  the baseline binary (default: libwebsockets-test-server)\n"
	        "  --seminar FILE    the seminar definition (default: bench/seminar.json)\n"
	        "  --keep            keep the scratch directories (database, server log)\n"
	        "  --contributions N s7: the exports' seminar holds N contributions (default\n"
	        "                    10,000), the start-up's 10 x N\n"
	        "  --exports N       during the load, N clients each GET /api/export of a\n"
	        "                    second seminar of --contributions contributions (S7's),\n"
	        "                    back to back, the formats in turn\n"
	        "  --sizes A,B,...   console: contributions on the board (default 500,2000,10000)\n"
	        "  --runs N          console: events timed per size (default 20)\n"
	        "  --cpu N           console: Chromium's CPU N times slower (default 1)\n");
}

struct opts {
	struct scenario s;
	const char *atelier, *mirror_bin, *seminar;
	int keep;
	long contributions; /* s7, and the exports' seminar of --exports */
	int exports;        /* export loops during the load */
	console_config console;
};

static int parse(int argc, char **argv, struct opts *o)
{
	o->s = scenarios[1];
	o->atelier = ATELIER_BENCH_SERVER;
	o->seminar = ATELIER_SOURCE_DIR "/bench/seminar.json";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int takes = 1;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		} else if (!strcmp(a, "--smoke")) {
			o->s = scenarios[0];
			takes = 0;
		} else if (!strcmp(a, "--slow")) {
			o->s.slow = 1;
			takes = 0;
		} else if (!strcmp(a, "--baseline") || !strcmp(a, "--no-baseline")) {
			o->s.baseline = a[2] == 'b';
			takes = 0;
		} else if (!strcmp(a, "--keep")) {
			o->keep = 1;
			takes = 0;
		} else if (!v) {
			fprintf(stderr, "atelier-bench: %s needs a value (or is unknown)\n", a);
			return -1;
		} else if (!strcmp(a, "--scenario")) {
			const struct scenario *s = scenarios;
			while (s->name && strcmp(s->name, v))
				s++;
			if (!s->name) {
				fprintf(stderr, "atelier-bench: unknown scenario %s\n", v);
				return -1;
			}
			o->s = *s;
		} else if (!strcmp(a, "--phones"))
			o->s.phones = atoi(v);
		else if (!strcmp(a, "--screens"))
			o->s.screens = atoi(v);
		else if (!strcmp(a, "--rate"))
			o->s.rate = atof(v);
		else if (!strcmp(a, "--duration"))
			o->s.duration = atof(v);
		else if (!strcmp(a, "--prefill"))
			o->s.prefill = atoi(v);
		else if (!strcmp(a, "--sources"))
			o->s.sources = atoi(v);
		else if (!strcmp(a, "--ramp"))
			o->s.ramp = atoi(v);
		else if (!strcmp(a, "--atelier"))
			o->atelier = v;
		else if (!strcmp(a, "--mirror-bin"))
			o->mirror_bin = v;
		else if (!strcmp(a, "--seminar"))
			o->seminar = v;
		else if (!strcmp(a, "--contributions"))
			o->contributions = atol(v);
		else if (!strcmp(a, "--exports"))
			o->exports = atoi(v);
		else if (!strcmp(a, "--sizes"))
			o->console.sizes = v;
		else if (!strcmp(a, "--runs"))
			o->console.runs = atoi(v);
		else if (!strcmp(a, "--cpu"))
			o->console.cpu = atoi(v);
		else {
			fprintf(stderr, "atelier-bench: unknown option %s (see --help)\n", a);
			return -1;
		}
		i += takes;
	}
	if (o->s.phones < 1 || o->s.screens < 0 || o->s.rate < 0 || o->s.duration < 0 ||
	    o->s.sources < 0 || o->s.sources > 254 || o->s.ramp < 1 || o->s.prefill < 0 ||
	    o->contributions < 0 || o->exports < 0 || o->exports > 64 || o->console.runs < 0 ||
	    o->console.cpu < 0) {
		fprintf(stderr, "atelier-bench: out-of-range value (see --help)\n");
		return -1;
	}
	return 0;
}

/* ===== Output ===== */

/* Server CPU per delivered event, in µs (0 without deliveries). */
static double cpu_per_delivery(const load_result *r)
{
	size_t n = r->delivered + r->slow_received;
	return n ? r->server_cpu_s * 1e6 / (double)n : 0;
}

static double kib_per_conn(const load_result *r)
{
	return r->ready ? (double)(r->idle.rss_kib - r->before.rss_kib) / (double)r->ready : 0;
}

/* Server CPU from no client to every client synced, per client, in ms. */
static double connect_cpu_ms(const load_result *r)
{
	return r->ready ? r->sync_server_cpu_s * 1e3 / (double)r->ready : 0;
}

/* WebSocket payload each client was sent until it was synced (a phone:
 * its joined and synced replies): what a join costs the network. */
static double connect_bytes(const load_result *r)
{
	return r->ready ? (double)r->sync_bytes / (double)r->ready : 0;
}

/* Growth of the server's RSS while posting, from warm to the end, in %. */
static double rss_growth(const load_result *r)
{
	return r->rss_warm_kib ? 100.0 * (double)(r->rss_end_kib - r->rss_warm_kib) /
	                                 (double)r->rss_warm_kib
	                       : 0;
}

static void print_result(const char *scn, const char *server, const struct scenario *s,
                         const load_result *r)
{
	printf("\n== %s on %s: %d phones + %d screens, %.0f posts/s for %.0f s", scn, server,
	       s->phones, s->screens, s->rate, s->duration);
	if (s->prefill)
		printf(", %d contributions before", s->prefill);
	printf("\n");
	printf("  clients synced      %zu / %zu (%zu failed or closed) in %.2f s\n", r->ready,
	       r->clients, r->failed, r->ready_s);
	printf("  connect+join ms     p50 %.1f  p90 %.1f  p99 %.1f  max %.1f\n", r->join.p50,
	       r->join.p90, r->join.p99, r->join.max);
	if (r->snapshot_max)
		printf("  snapshot holds      %zu .. %zu contributions\n", r->snapshot_min,
		       r->snapshot_max);
	if (r->posts) {
		printf("  posts               %zu written, %zu acked, %zu refused\n", r->posts, r->acked,
		       r->refused);
		printf("  deliveries          %zu of %zu expected, %zu duplicates, %zu of %zu receivers "
		       "complete\n",
		       r->delivered, r->expected, r->duplicates, r->complete,
		       r->clients - (s->slow ? 1 : 0));
		printf("  post->delivery ms   p50 %.2f  p90 %.2f  p99 %.2f  max %.2f  (%zu samples)\n",
		       r->delivery.p50, r->delivery.p90, r->delivery.p99, r->delivery.max,
		       r->delivery.n);
		if (r->ack.n)
			printf("  post->ack ms        p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", r->ack.p50,
			       r->ack.p90, r->ack.p99, r->ack.max);
		printf("  server CPU          %.2f s over %.1f s = %.2f us per delivery "
		       "(%.0f deliveries/s); load generator %.2f s\n",
		       r->server_cpu_s, r->post_s, cpu_per_delivery(r),
		       r->post_s > 0 ? (double)(r->delivered + r->slow_received) / r->post_s : 0,
		       r->bench_cpu_s);
		printf("  server run queue    %.3f s ready to run but waiting for a CPU\n",
		       r->server_wait_s);
	}
	printf("  server CPU to sync  %.2f s = %.3f ms per client; load generator %.2f s\n",
	       r->sync_server_cpu_s, connect_cpu_ms(r), r->sync_bench_cpu_s);
	printf("  bytes sent to sync  %lld of WebSocket payload = %.0f per client\n",
	       r->sync_bytes, connect_bytes(r));
	printf("  server RSS KiB      before %ld, idle %ld, peak %ld: %.2f KiB per connection\n",
	       r->before.rss_kib, r->idle.rss_kib, r->after.hwm_kib, kib_per_conn(r));
	if (r->rss_warm_kib)
		printf("  server RSS posting  %ld KiB once warm, %ld KiB at the end: %+.2f%%\n",
		       r->rss_warm_kib, r->rss_end_kib, rss_growth(r));
	if (s->slow)
		printf("  slow phone          %s by the server; read %zu events in the end\n",
		       r->slow_dropped ? "dropped" : "NOT dropped", r->slow_received);
	printf("BENCH scenario=%s server=%s phones=%d screens=%d rate=%.0f duration=%.0f "
	       "prefill=%d ready=%zu clients=%zu failed=%zu ready_s=%.3f join_p50_ms=%.2f "
	       "join_p99_ms=%.2f join_max_ms=%.2f snapshot_min=%zu posts=%zu acked=%zu refused=%zu "
	       "expected=%zu delivered=%zu duplicates=%zu complete=%zu delivery_p50_ms=%.3f "
	       "delivery_p90_ms=%.3f delivery_p99_ms=%.3f delivery_max_ms=%.3f ack_p50_ms=%.3f "
	       "ack_p99_ms=%.3f ack_max_ms=%.3f server_cpu_s=%.2f server_runq_s=%.3f "
	       "cpu_us_per_delivery=%.3f "
	       "rss_before_kib=%ld rss_idle_kib=%ld rss_peak_kib=%ld kib_per_conn=%.3f "
	       "connect_cpu_ms_per_client=%.3f connect_bytes_per_client=%.0f "
	       "connect_bench_cpu_s=%.2f bench_cpu_s=%.2f "
	       "slow_dropped=%d "
	       "rss_warm_kib=%ld rss_end_kib=%ld rss_growth_pct=%.2f\n",
	       scn, server, s->phones, s->screens, s->rate, s->duration, s->prefill, r->ready,
	       r->clients, r->failed, r->ready_s, r->join.p50, r->join.p99, r->join.max,
	       r->snapshot_min, r->posts, r->acked, r->refused, r->expected, r->delivered,
	       r->duplicates, r->complete, r->delivery.p50, r->delivery.p90, r->delivery.p99,
	       r->delivery.max, r->ack.p50, r->ack.p99, r->ack.max, r->server_cpu_s,
	       r->server_wait_s, cpu_per_delivery(r), r->before.rss_kib, r->idle.rss_kib,
	       r->after.hwm_kib, kib_per_conn(r), connect_cpu_ms(r), connect_bytes(r),
	       r->sync_bench_cpu_s, r->bench_cpu_s,
	       s->slow ? r->slow_dropped : 0,
	       r->rss_warm_kib, r->rss_end_kib, rss_growth(r));
	fflush(stdout);
}

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

static void print_ratios(const char *scn, const load_result *a, const load_result *m)
{
	printf("\n== %s: Atelier / libwebsockets-test-server\n", scn);
	printf("  post->delivery p50 x%.2f  p99 x%.2f  max x%.2f\n",
	       ratio(a->delivery.p50, m->delivery.p50), ratio(a->delivery.p99, m->delivery.p99),
	       ratio(a->delivery.max, m->delivery.max));
	printf("  CPU per delivery   x%.2f   KiB per connection x%.2f   connect p99 x%.2f\n",
	       ratio(cpu_per_delivery(a), cpu_per_delivery(m)), ratio(kib_per_conn(a), kib_per_conn(m)),
	       ratio(a->join.p99, m->join.p99));
	printf("RATIO scenario=%s delivery_p50=%.3f delivery_p99=%.3f delivery_max=%.3f "
	       "cpu_per_delivery=%.3f kib_per_conn=%.3f join_p99=%.3f\n",
	       scn, ratio(a->delivery.p50, m->delivery.p50), ratio(a->delivery.p99, m->delivery.p99),
	       ratio(a->delivery.max, m->delivery.max), ratio(cpu_per_delivery(a), cpu_per_delivery(m)),
	       ratio(kib_per_conn(a), kib_per_conn(m)), ratio(a->join.p99, m->join.p99));
	fflush(stdout);
}

/* ===== Runs ===== */

/* 1 when every receiver got every event due exactly once. */
static int complete(const struct scenario *s, const load_result *r)
{
	size_t receivers = r->clients - (s->slow ? 1 : 0);
	return r->ready == r->clients && r->duplicates == 0 && r->delivered == r->expected &&
	       (!r->posts || r->complete == receivers) && r->snapshot_min >= (size_t)s->prefill;
}

/* ===== Exports during the load (--exports) ===== */

/* One export loop: GET /api/export of the filled seminar, back to back,
 * the formats in turn, until stop. */
struct export_loop {
	pthread_t thread;
	const target *t;
	atomic_int *stop;
	int first;                  /* the format it starts with */
	long ok, busy, failed;
};

static void *export_loop_main(void *arg)
{
	struct export_loop *l = arg;
	char path[128], header[256];
	snprintf(header, sizeof header, "X-Atelier-Key: %s", target_export_key(l->t));
	for (int i = l->first; !atomic_load(l->stop); i++) {
		snprintf(path, sizeof path, "/api/export/%s.%s", target_export_code(l->t),
		         export_format_ext((export_format)(i % EXPORT__COUNT)));
		size_t bytes = 0;
		int st = probe_get(target_port(l->t), path, header, NULL, &bytes);
		if (st == 200)
			l->ok++;
		else if (st == 503)
			l->busy++; /* the worker's queue was full: ask again */
		else
			l->failed++;
	}
	return NULL;
}

/* Starts a server, runs the load against it, stops it. Returns 0 when
 * complete, 1 when not, 2 when the run failed. */
static int run_one(const struct opts *o, const struct scenario *s, const char *scn, int mirror,
                   load_result *r)
{
	char err[512];
	target *t = NULL;
	size_t fill = o->exports ? (size_t)(o->contributions ? o->contributions
	                                                     : DATA_CONTRIBUTIONS) : 0;
	int rc = mirror ? target_start_mirror(o->mirror_bin, &t, err, sizeof err)
	                : target_start_atelier(o->atelier, o->seminar, fill, &t, err, sizeof err);
	if (rc) {
		fprintf(stderr, "atelier-bench: %s\n", err);
		return 2;
	}
	fprintf(stderr, "atelier-bench: %s: %s pid %d on port %d\n", scn,
	        mirror ? "libwebsockets-test-server" : "atelier", (int)target_pid(t), target_port(t));
	load_config c = {
		.mirror = mirror, .srv = t, .activity = "pleniere", .phones = s->phones,
		.screens = s->screens, .rate = s->rate, .duration = s->duration,
		.prefill = mirror ? 0 : s->prefill, .slow = s->slow, .sources = s->sources,
		.ramp = s->ramp,
	};
	struct export_loop loops[64];
	atomic_int stop = 0;
	int nloops = mirror ? 0 : o->exports;
	for (int i = 0; i < nloops; i++) {
		loops[i] = (struct export_loop){.t = t, .stop = &stop, .first = i};
		if (pthread_create(&loops[i].thread, NULL, export_loop_main, &loops[i]))
			nloops = i;
	}
	rc = load_run(&c, r, err, sizeof err);
	atomic_store(&stop, 1);
	long ok = 0, busy = 0, failed = 0;
	for (int i = 0; i < nloops; i++) {
		pthread_join(loops[i].thread, NULL);
		ok += loops[i].ok;
		busy += loops[i].busy;
		failed += loops[i].failed;
	}
	print_result(scn, mirror ? "lws-test-server" : "atelier", s, r);
	if (nloops)
		printf("EXPORTS scenario=%s loops=%d contributions=%zu ok=%ld busy=%ld failed=%ld\n",
		       scn, nloops, fill, ok, busy, failed);
	if (rc)
		fprintf(stderr, "atelier-bench: %s (server log: %s)\n", err, target_log(t));
	target_free(t, o->keep || rc);
	if (rc)
		return 2;
	if (!complete(s, r) && !mirror) {
		fprintf(stderr, "atelier-bench: %s: not every event reached every receiver once\n",
		        scn);
		return 1;
	}
	return 0;
}

/* S2: the rate doubles until p99 passes 100 ms or delivery is incomplete;
 * prints the last rate that stayed within (0: not even the first). */
static int capacity(const struct opts *o)
{
	struct scenario s = o->s;
	double best_rate = 0, best = 0;
	for (; s.rate <= 100000; s.rate *= 2) {
		load_result r;
		char scn[32];
		snprintf(scn, sizeof scn, "s2@%.0f", s.rate);
		if (auto_sources(&s) > s.sources)
			s.sources = auto_sources(&s);
		int rc = run_one(o, &s, scn, 0, &r);
		if (rc == 2)
			return 2;
		if (rc || r.delivery.p99 > 100)
			break;
		best_rate = s.rate;
		best = r.post_s > 0 ? (double)r.delivered / r.post_s : 0;
	}
	printf("CAPACITY scenario=s2 rate_within_100ms=%.0f deliveries_per_s=%.0f\n", best_rate,
	       best);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	memset(&o, 0, sizeof o);
	if (parse(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(o.s.name, "console")) {
		o.console.atelier = o.atelier;
		return console_run(&o.console);
	}
	if (!strcmp(o.s.name, "s7")) {
		data_config dc = {o.atelier, o.seminar, (size_t)o.contributions, o.keep};
		if (!strcmp(o.seminar, ATELIER_SOURCE_DIR "/bench/seminar.json"))
			dc.seminar = ATELIER_SOURCE_DIR "/bench/s7-seminar.json";
		if (!dc.contributions)
			dc.contributions = DATA_CONTRIBUTIONS;
		return data_run(&dc);
	}
	long nofile = target_raise_nofile();
	long need = (long)o.s.phones + o.s.screens + 64;
	if (nofile < need)
		fprintf(stderr, "atelier-bench: descriptor limit %ld, %ld wanted: some clients will fail\n",
		        nofile, need);
	if (!o.s.sources)
		o.s.sources = auto_sources(&o.s);
	if (o.s.capacity)
		return capacity(&o);
	load_result a, m;
	int rc = run_one(&o, &o.s, o.s.name, 0, &a);
	if (rc != 2 && o.s.baseline) {
		int rm = run_one(&o, &o.s, o.s.name, 1, &m);
		if (rm == 2)
			return 2;
		print_ratios(o.s.name, &a, &m);
	}
	return rc;
}
