/*
 * server.c — creates the libwebsockets context (one vhost, one port for
 * HTTP and WebSocket), prints where to connect, and runs the event loop
 * until asked to stop.
 *
 * Owns the mounts (web/ as static files, /j, /i18n, /qr, /api as
 * callbacks), the file operations behind them (text files in gzip for
 * clients that take it, from gzcache.c), the security headers sent with
 * every response, the timeouts (ping/pong on idle WebSockets, a bounded
 * time to send an HTTP request head, so a slowloris client holds nothing
 * for long), the rate limiter's life, the pages' catalogues' life and the
 * export worker's (worker.h: started once the context exists, stopped
 * before it goes).
 * Must not touch SQLite directly nor parse messages.
 */
#include "net.h"
#include "addr.h"
#include "gzcache.h"
#include "i18n.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Sent with every HTTP response: a strict CSP (no inline script or style,
 * no other host), no framing, no sniffing, no referrer. And Vary: the
 * files of web/ differ by Accept-Encoding (gzip or not); saying so on
 * every response is harmless and reaches lws's own 304 answers, which
 * carry only these headers. */
static const struct lws_protocol_vhost_options hdr_vary = {
	NULL, NULL, "vary:", "Accept-Encoding"};
static const struct lws_protocol_vhost_options hdr_perm = {
	&hdr_vary, NULL, "permissions-policy:", "camera=(), microphone=(), geolocation=()"};
static const struct lws_protocol_vhost_options hdr_ref = {
	&hdr_perm, NULL, "referrer-policy:", "no-referrer"};
static const struct lws_protocol_vhost_options hdr_frame = {
	&hdr_ref, NULL, "x-frame-options:", "DENY"};
static const struct lws_protocol_vhost_options hdr_nosniff = {
	&hdr_frame, NULL, "x-content-type-options:", "nosniff"};
static const struct lws_protocol_vhost_options hdr_csp = {
	&hdr_nosniff, NULL, "content-security-policy:",
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
	"connect-src 'self' ws: wss:; font-src 'self'; manifest-src 'self'; "
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"};

/* ===== Static files in gzip ===== */

/* The context's file operations: the platform's, except that a text file
 * opened for a client that accepts gzip (lws sets
 * LWS_FOP_FLAG_COMPR_ACCEPTABLE_GZIP from Accept-Encoding) is read from
 * its gzip copy. The file is still opened by the platform's code, with
 * the path and flags lws chose, and stays open (lws fstat()s its fd):
 * what can be served is exactly what could be before. lws then says
 * "Content-Encoding: gzip", and the ETag it makes from the length is the
 * copy's, not the plain file's. */
struct gz_fops {
	struct lws_plat_file_ops ops; /* first: lws hands this pointer back */
	const struct lws_plat_file_ops *plat;
	gzcache *cache;
};

/* An open file served from its copy. */
struct gz_fd {
	struct lws_fop_fd fd; /* first: what lws sees */
	lws_fop_fd_t file;    /* the platform's, open on the real file */
	gzcache_copy *copy;
};

/* Text worth compressing, by the name's ending. */
static int compressible(const char *name)
{
	static const char *const ext[] = {".html", ".css", ".js", ".json", ".svg", ".txt"};
	size_t l = strlen(name);
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		size_t e = strlen(ext[i]);
		if (l > e && strcmp(name + l - e, ext[i]) == 0)
			return 1;
	}
	return 0;
}

static lws_fop_fd_t gz_open(const struct lws_plat_file_ops *fops, const char *filename,
                            const char *vpath, lws_fop_flags_t *flags)
{
	const struct gz_fops *g = (const struct gz_fops *)fops;
	lws_fop_fd_t file = g->plat->LWS_FOP_OPEN(g->plat, filename, vpath, flags);
	struct stat st;
	if (!file || !(*flags & LWS_FOP_FLAG_COMPR_ACCEPTABLE_GZIP) || !compressible(filename) ||
	    fstat(file->fd, &st))
		return file;
	gzcache_copy *copy = gzcache_get(g->cache, file->fd, &st);
	struct gz_fd *z = copy ? calloc(1, sizeof *z) : NULL;
	if (!z) {
		gzcache_release(copy);
		return file; /* served as it is */
	}
	size_t len;
	gzcache_bytes(copy, &len);
	*flags |= LWS_FOP_FLAG_COMPR_IS_GZIP;
	z->fd.fd = file->fd;
	z->fd.fops = fops;
	z->fd.len = len;
	z->fd.flags = *flags;
	z->fd.mod_time = file->mod_time;
	z->file = file;
	z->copy = copy;
	return &z->fd;
}

static int gz_close(lws_fop_fd_t *fop_fd)
{
	struct gz_fd *z = (struct gz_fd *)*fop_fd;
	int r = lws_vfs_file_close(&z->file);
	gzcache_release(z->copy);
	free(z);
	*fop_fd = NULL;
	return r;
}

static lws_fileofs_t gz_seek_cur(lws_fop_fd_t fop_fd, lws_fileofs_t offset)
{
	lws_fileofs_t to = (lws_fileofs_t)fop_fd->pos + offset;
	if (to < 0 || (lws_filepos_t)to > fop_fd->len)
		return -1;
	fop_fd->pos = (lws_filepos_t)to;
	return to;
}

static int gz_read(lws_fop_fd_t fop_fd, lws_filepos_t *amount, uint8_t *buf, lws_filepos_t len)
{
	const struct gz_fd *z = (const struct gz_fd *)fop_fd;
	size_t total;
	const unsigned char *bytes = gzcache_bytes(z->copy, &total);
	lws_filepos_t left = fop_fd->pos < total ? total - fop_fd->pos : 0;
	*amount = len < left ? len : left;
	memcpy(buf, bytes + fop_fd->pos, (size_t)*amount);
	fop_fd->pos += *amount;
	return 0;
}

static int gz_write(lws_fop_fd_t fop_fd, lws_filepos_t *amount, uint8_t *buf, lws_filepos_t len)
{
	(void)fop_fd;
	(void)buf;
	(void)len;
	*amount = 0;
	return -1; /* a copy is read-only */
}

/* Makes g the context's file operations, over the platform's. */
static void gz_install(struct lws_context *ctx, struct gz_fops *g, gzcache *cache)
{
	memset(g, 0, sizeof *g);
	g->plat = lws_get_fops(ctx);
	g->cache = cache;
	g->ops.LWS_FOP_OPEN = gz_open;
	g->ops.LWS_FOP_CLOSE = gz_close;
	g->ops.LWS_FOP_SEEK_CUR = gz_seek_cur;
	g->ops.LWS_FOP_READ = gz_read;
	g->ops.LWS_FOP_WRITE = gz_write;
	lws_set_fops(ctx, &g->ops);
}

#define IDLE_SECS_DEFAULT 75   /* silent WebSocket closed after this */
#define HEADER_SECS_DEFAULT 10 /* to send a whole HTTP request head */

/* Checks that host:port can be listened on, to say why in one sentence
 * instead of letting the library fail obscurely. 0 when it can. */
static int probe_listen(const server_config *cfg)
{
	const char *host = cfg->host;
	int port = cfg->port;
	struct sockaddr_in sa = {0};
	int fd, one = 1, r = 0;
	if (port == 0)
		return 0;
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return 0; /* not an IPv4 address: let the library judge */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return 0;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa)) {
		fputs("atelier : ", stderr);
		if (errno == EADDRINUSE)
			fprintf(stderr, i18n("cli.err_port_in_use", cfg->cat), port, host);
		else if (errno == EACCES)
			fprintf(stderr, i18n("cli.err_port_denied", cfg->cat), port);
		else if (errno == EADDRNOTAVAIL)
			fprintf(stderr, i18n("cli.err_addr_unavailable", cfg->cat), host);
		else
			fprintf(stderr, i18n("cli.err_listen", cfg->cat), host, port,
			        strerror(errno));
		fputc('\n', stderr);
		r = -1;
	}
	close(fd);
	return r;
}

static int write_port_file(const char *path, int port)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return -1;
	fprintf(f, "%d\n", port);
	if (fclose(f) || rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Prints "  label" padded to width characters (not bytes: labels are
 * French). */
static void print_label(const char *label, int width)
{
	int chars = 0;
	for (const char *c = label; *c; c++)
		chars += ((unsigned char)*c & 0xC0) != 0x80;
	printf("  %s%*s", label, width > chars ? width - chars : 1, "");
}

struct print_ctx {
	net *n;
	int count;
};

static void print_seminar(void *ctx, const char *code, const char *title,
                          const char *date, const char *key)
{
	struct print_ctx *pc = ctx;
	net *n = pc->n;
	char join[512], base[300];
	net_join_url(n, NULL, code, join, sizeof join);
	/* The base address is the join URL without "/j/CODE". */
	snprintf(base, sizeof base, "%.*s", (int)(strstr(join, "/j/") - join), join);
	printf("\n%s « %s » (%s) — %s %s\n", i18n("cli.serve_seminar", n->cfg->cat), title, date,
	       i18n("cli.serve_code", n->cfg->cat), code);
	print_label(i18n("cli.serve_phones", n->cfg->cat), 14);
	printf("%s\n", join);
	print_label(i18n("cli.serve_screen", n->cfg->cat), 14);
	printf("%s/ecran.html?code=%s\n", base, code);
	print_label(i18n("cli.serve_facilitator", n->cfg->cat), 14);
	printf("http://127.0.0.1:%d/animation.html#code=%s&cle=%s\n", n->port, code, key);
	pc->count++;
}

static void print_addresses(net *n)
{
	struct print_ctx pc = {n, 0};
	printf(i18n("cli.serve_listening", n->cfg->cat), ATELIER_VERSION, n->cfg->host, n->port);
	putchar('\n');
	if (!addr_is_loopback(n->cfg->host) && n->nlan) {
		printf("  %s", i18n("cli.serve_lan", n->cfg->cat));
		for (size_t i = 0; i < n->nlan; i++)
			printf(" http://%s:%d", n->lan[i], n->port);
		putchar('\n');
	}
	store_list_seminars(n->st, print_seminar, &pc);
	if (!pc.count)
		printf("%s\n", i18n("cli.serve_no_seminar", n->cfg->cat));
	printf("\n%s\n", i18n("cli.serve_stop_hint", n->cfg->cat));
	fflush(stdout);
}

/* Every 200 ms: ends the loop when asked to stop, and lets a starved
 * export worker take its turn (worker_tick). */
static void check_stop(lws_sorted_usec_list_t *sul)
{
	net *n = lws_container_of(sul, net, stop_sul);
	if (*n->cfg->stop) {
		lws_cancel_service(n->ctx);
		return;
	}
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	worker_tick(n->exports, (long long)t.tv_sec * 1000000LL + t.tv_nsec / 1000);
	lws_sul_schedule(n->ctx, 0, &n->stop_sul, check_stop, 200 * LWS_US_PER_MS);
}

int server_run(store *st, const server_config *cfg)
{
	struct lws_context_creation_info info;
	struct lws_protocols protocols[3];
	struct lws_http_mount m_root, m_j, m_i18n, m_qr, m_api;
	char catalogue[4096];
	struct gz_fops gz;
	gzcache *cache = NULL;
	/* A silent connection is pinged after 2/5 of the idle time and closed
	 * when nothing valid (not even a pong) came back in the idle time. */
	int idle = cfg->idle_secs > 0 ? cfg->idle_secs : IDLE_SECS_DEFAULT;
	lws_retry_bo_t idle_policy = {
		.secs_since_valid_ping = (uint16_t)(idle * 2 / 5 > 0 ? idle * 2 / 5 : 1),
		.secs_since_valid_hangup = (uint16_t)(idle > 1 ? idle : 2),
	};
	net n;
	int rc = -1;

	memset(&n, 0, sizeof n);
	n.st = st;
	n.cfg = cfg;
	n.nlan = addr_lan_ipv4(n.lan, 4);
	n.hub = ws_hub_new();
	n.wbuf = malloc(LWS_PRE + NET_WRITE_BATCH);
	if (!n.hub || !n.wbuf) {
		bcast_hub_free(n.hub);
		free(n.wbuf);
		return -1;
	}
	if (!cfg->no_rate_limit && !(n.rl = rate_new(NULL, NULL)))
		goto out;
	if (!(n.turn = ws_turn_new(&n)))
		goto out;
	snprintf(catalogue, sizeof catalogue, "%s/i18n.json", cfg->web_dir);
	if (!(cache = gzcache_new()) || !(n.pages = pagecat_new(catalogue)))
		goto out;
	if (probe_listen(cfg))
		goto out;

	memset(protocols, 0, sizeof protocols);
	/* HTTP bodies go out NET_WRITE_BATCH bytes a time (http.c): left 0,
	 * the last field made lws send 4 KiB a loop turn (an export of 4 MB
	 * took 1,050 turns, each a poll() of every connection). */
	protocols[0] = (struct lws_protocols){"http", http_callback, http_session_size(),
	                                      0, 0, NULL, NET_WRITE_BATCH};
	/* Each WebSocket owns an lws receive buffer of this size: 1 KiB holds
	 * nearly every client message whole (ws.c gathers a longer one in a
	 * buffer of its own), where the default 4 KiB doubled an idle
	 * connection's memory. The last field lets one send() carry a whole
	 * batch of ws.c: left 0, lws would cut every write into sends of the
	 * receive buffer's size and copy the rest aside. */
	protocols[1] = (struct lws_protocols){PROTO_SUBPROTOCOL, ws_callback, ws_session_size(),
	                                      WS_RX_BUFFER, 0, NULL, NET_WRITE_BATCH};

	memset(&m_root, 0, sizeof m_root);
	m_root.mountpoint = "/";
	m_root.mountpoint_len = 1;
	m_root.origin = cfg->web_dir;
	m_root.def = "index.html";
	m_root.origin_protocol = LWSMPRO_FILE;
	/* Pages may be cached a minute, then revalidated (ETag, 304): a phone on
	 * saturated Wi-Fi loads them once, and never runs a stale page. */
	m_root.cache_reusable = 1;
	m_root.cache_revalidate = 1;
	m_root.cache_max_age = 60;
	m_j = m_root;
	m_j.mountpoint = "/j";
	m_j.mountpoint_len = 2;
	m_j.origin = "http";
	m_j.def = NULL;
	m_j.origin_protocol = LWSMPRO_CALLBACK;
	m_j.cache_reusable = m_j.cache_revalidate = 0;
	m_i18n = m_j;
	m_i18n.mountpoint = "/i18n";
	m_i18n.mountpoint_len = 5;
	m_qr = m_j;
	m_qr.mountpoint = "/qr";
	m_qr.mountpoint_len = 3;
	m_api = m_j;
	m_api.mountpoint = "/api";
	m_api.mountpoint_len = 4;
	m_root.mount_next = &m_j;
	m_j.mount_next = &m_i18n;
	m_i18n.mount_next = &m_qr;
	m_qr.mount_next = &m_api;

	memset(&info, 0, sizeof info);
	info.port = cfg->port;
	info.iface = (strcmp(cfg->host, "0.0.0.0") == 0) ? NULL : cfg->host;
	info.protocols = protocols;
	info.mounts = &m_root;
	info.headers = &hdr_csp;
	info.user = &n;
	info.retry_and_idle_policy = &idle_policy;
	/* A request head (headers) must arrive whole within this time, however
	 * slowly it trickles in; idle keep-alive connections go after 5 s. */
	info.timeout_secs_ah_idle =
	        (unsigned)(cfg->header_secs > 0 ? cfg->header_secs : HEADER_SECS_DEFAULT);
	info.keepalive_timeout = 5;
	info.options = LWS_SERVER_OPTION_VALIDATE_UTF8 | LWS_SERVER_OPTION_DISABLE_IPV6;
	info.vhost_name = "atelier";

	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
	n.ctx = lws_create_context(&info);
	if (!n.ctx) {
		fputs("atelier : ", stderr);
		fprintf(stderr, i18n("cli.err_listen", cfg->cat), cfg->host, cfg->port,
		        "libwebsockets");
		fputc('\n', stderr);
		goto out;
	}
	gz_install(n.ctx, &gz, cache);
	/* The timers that ran when the server stopped end as they were to. */
	if (turn_resume_timers(n.turn))
		fprintf(stderr, "atelier : %s\n", i18n("cli.err_timers", cfg->cat));
	char err[512];
	if (worker_new(cfg->db_path, cfg->cat, 0, http_exports_wake, &n, &n.exports, err,
	               sizeof err)) {
		fprintf(stderr, "atelier : %s\n", err);
		goto out;
	}
	/* A second worker, for the watches' cold snapshots: they do not wait
	 * behind exports, nor fail when the exports' queue is full. */
	if (worker_new(cfg->db_path, cfg->cat, 0, http_exports_wake, &n, &n.snapshots, err,
	               sizeof err)) {
		fprintf(stderr, "atelier : %s\n", err);
		goto out;
	}
	/* The snapshots' worker checkpoints the log, between jobs that are
	 * short (an export may read for seconds): no commit of the loop waits
	 * for a checkpoint's syncs (worker.h). */
	worker_no_checkpoints(n.exports);
	/* An export takes only the CPU nobody else wants: the posts made
	 * while one renders keep their latency (docs/BENCHMARKS.md). */
	worker_background(n.exports);
	store_autocheckpoint(st, 0);
	struct lws_vhost *vh = lws_get_vhost_by_name(n.ctx, "atelier");
	n.port = vh ? lws_get_vhost_listen_port(vh) : cfg->port;

	print_addresses(&n);
	if (cfg->port_file && write_port_file(cfg->port_file, n.port)) {
		fputs("atelier : ", stderr);
		fprintf(stderr, i18n("cli.err_port_file", cfg->cat), cfg->port_file);
		fputc('\n', stderr);
		goto out;
	}

	lws_sul_schedule(n.ctx, 0, &n.stop_sul, check_stop, 200 * LWS_US_PER_MS);
	while (!*cfg->stop)
		if (lws_service(n.ctx, 0) < 0)
			break;
	/* Whatever arrived in the last turn is committed before we go. */
	lws_sul_cancel(&n.stop_sul);
	rc = 0;
out:
	if (n.ctx) {
		ws_shutdown(&n, 1);
		/* Before the context: the thread's wake-up uses it. */
		if (n.snapshots)
			store_autocheckpoint(st, STORE_AUTOCHECKPOINT);
		worker_free(n.exports);
		n.exports = NULL;
		worker_free(n.snapshots);
		n.snapshots = NULL;
		lws_context_destroy(n.ctx);
	}
	http_exports_free(&n);
	ws_shutdown(&n, 0);
	turn_free(n.turn);
	gzcache_free(cache);
	pagecat_free(n.pages);
	bcast_hub_free(n.hub);
	rate_free(n.rl);
	free(n.wbuf);
	return rc;
}
