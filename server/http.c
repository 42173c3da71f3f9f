/*
 * http.c — the dynamic HTTP routes; static pages come from the web/ mount
 * that server.c sets up.
 *
 *   /j/CODE            the phone page (web/index.html) for a join link
 *   /i18n/LANG/PAGE.json  the texts of one page in one language, from
 *                      web/i18n.json (pagecat.c), in gzip if accepted
 *   /qr/CODE.svg       QR code of the seminar's join address
 *   /api/join/CODE     {"code","url"}: the join address, for the screen
 *   /api/export/CODE.FMT  the synthesis (md, html, csv, json) as an
 *                      attachment; needs the header X-Atelier-Key
 *   /api/health        {"status":"ok","version"}
 *
 * Also the gate of WebSocket handshakes: one whose Origin header names
 * another site than the Host it came to (and than --public-url and
 * --allow-origin) is refused with 403, so a page elsewhere cannot use a
 * visitor's browser to talk to Atelier. No Origin (a non-browser client)
 * is let through.
 *
 * Every response carries the vhost's security headers (server.c). Bodies
 * are built whole, then written in pieces of NET_WRITE_BATCH bytes, one
 * per HTTP_WRITEABLE. The key of
 * /api/export is rate-limited and never logged; the key is checked on the
 * loop, then the export is rendered by the worker (worker.h) and the
 * connection answered when the loop collects it (EVENT_WAIT_CANCELLED).
 * A full queue answers 503 at once.
 * Must not touch SQLite directly (store.h only) nor WebSocket state.
 */
#include "net.h"
#include "command.h"
#include "addr.h"
#include "export.h"
#include "i18n.h"
#include "qr.h"
#include "worker.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* Per HTTP connection; reset after each response (keep-alive). */
struct hss {
	char *body;
	size_t len, off;
	/* An export in the worker: its job id (0: none), then, once collected,
	 * its result, answered on the next HTTP_WRITEABLE. */
	unsigned long long job;
	int job_done;
	worker_result result;
	export_format job_f;
	char job_code[32];
};

/* A connection waiting for an export (net.waits): the loop's alone. A
 * closing connection takes itself off, so a result whose id is not
 * here is dropped and no pointer outlives its connection. */
struct http_wait {
	unsigned long long job;
	struct lws *wsi;
};

size_t http_session_size(void)
{
	return sizeof(struct hss);
}

struct find_ctx {
	const char *code;
	int found;
};

static void find_seminar(void *ctx, const char *code, const char *title,
                         const char *date, const char *key)
{
	struct find_ctx *f = ctx;
	(void)title;
	(void)date;
	(void)key;
	if (strcmp(code, f->code) == 0)
		f->found = 1;
}

static int seminar_exists(net *n, const char *code)
{
	struct find_ctx f = {code, 0};
	store_list_seminars(n->st, find_seminar, &f);
	return f.found;
}

void net_join_url(const net *n, const char *host, const char *code, char *out,
                  size_t out_len)
{
	if (n->cfg->public_url) {
		size_t l = strlen(n->cfg->public_url);
		const char *slash = (l && n->cfg->public_url[l - 1] == '/') ? "" : "/";
		snprintf(out, out_len, "%s%sj/%s", n->cfg->public_url, slash, code);
	} else if (host && *host && !addr_is_loopback(host)) {
		snprintf(out, out_len, "http://%s/j/%s", host, code);
	} else if (n->nlan && !addr_is_loopback(n->cfg->host)) {
		snprintf(out, out_len, "http://%s:%d/j/%s", n->lan[0], n->port, code);
	} else if (host && *host) {
		snprintf(out, out_len, "http://%s/j/%s", host, code);
	} else {
		snprintf(out, out_len, "http://127.0.0.1:%d/j/%s", n->port, code);
	}
}

/* Adds the headers of hdrs: name, value, name, value, ..., NULL (a NULL
 * value skips its name). */
static int add_headers(struct lws *wsi, const char *const *hdrs, unsigned char **p,
                       unsigned char *end)
{
	for (; hdrs && hdrs[0]; hdrs += 2)
		if (hdrs[1] && lws_add_http_header_by_name(wsi, (const unsigned char *)hdrs[0],
		                                           (const unsigned char *)hdrs[1],
		                                           (int)strlen(hdrs[1]), p, end))
			return -1;
	return 0;
}

/* Sends the headers of a response (the common ones, then hdrs, see
 * add_headers) whose body (owned, may be NULL for an empty one) follows
 * on HTTP_WRITEABLE. */
static int respond_with(struct lws *wsi, struct hss *h, unsigned status, const char *mime,
                        char *body, size_t len, const char *const *hdrs)
{
	unsigned char buf[LWS_PRE + 2048], *start = buf + LWS_PRE, *p = start,
	                                   *end = buf + sizeof buf - 1;
	free(h->body);
	h->body = body;
	h->len = len;
	h->off = 0;
	if (lws_add_http_common_headers(wsi, status, mime, len, &p, end) ||
	    add_headers(wsi, hdrs, &p, end) || lws_finalize_write_http_header(wsi, start, &p, end))
		return -1;
	lws_callback_on_writable(wsi);
	return 0;
}

/* A response never to be stored (an API answer, an export). */
static int respond(struct lws *wsi, struct hss *h, unsigned status, const char *mime,
                   char *body, size_t len, const char *disposition)
{
	const char *const hdrs[] = {"cache-control:", "no-store",
	                            "content-disposition:", disposition, NULL};
	return respond_with(wsi, h, status, mime, body, len, hdrs);
}

/* A JSON answer (j stolen) with the headers of hdrs (see add_headers). */
static int respond_json_with(struct lws *wsi, struct hss *h, unsigned status, json_t *j,
                             const char *const *hdrs)
{
	char *body = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!body)
		return -1;
	return respond_with(wsi, h, status, "application/json", body, strlen(body), hdrs);
}

static int respond_json(struct lws *wsi, struct hss *h, unsigned status, json_t *j)
{
	const char *const hdrs[] = {"cache-control:", "no-store", NULL};
	return respond_json_with(wsi, h, status, j, hdrs);
}

static int not_found(struct lws *wsi, struct hss *h)
{
	return respond_json(wsi, h, HTTP_STATUS_NOT_FOUND,
	                    json_pack("{s:s}", "error", "not_found"));
}

/* Copies the request's Host header (empty when absent). */
static void request_host(struct lws *wsi, char *host, size_t len)
{
	host[0] = '\0';
	if (lws_hdr_copy(wsi, host, (int)len, WSI_TOKEN_HOST) < 0)
		host[0] = '\0';
}

/* A seminar code from the URL: letters and digits only, at most 16. */
static int take_code(const char *s, size_t n, char *code, size_t code_len)
{
	if (n == 0 || n > PROTO_MAX_CODE_CHARS || n >= code_len)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9')))
			return -1;
	memcpy(code, s, n);
	code[n] = '\0';
	return 0;
}

static int route_join_page(struct lws *wsi, net *n)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/index.html", n->cfg->web_dir);
	int r = lws_serve_http_file(wsi, path, "text/html", NULL, 0);
	if (r < 0 || (r > 0 && lws_http_transaction_completed(wsi)))
		return -1;
	return 0;
}

/* ===== The catalogue of a page ===== */

/* Cached as lws caches the files of web/: a minute, then revalidated. */
#define I18N_CACHE "must-revalidate, private, max-age=60"

/* /i18n/LANG/PAGE.json (rest is "LANG/PAGE.json"): the texts PAGE needs
 * in LANG, in gzip when Accept-Encoding names it (lws's rule for files),
 * with an ETag; a matching If-None-Match gets a 304 without a body. */
static int route_i18n(struct lws *wsi, net *n, struct hss *h, const char *rest)
{
	char lang[8], page[16], hdr[512];
	const char *slash = strchr(rest, '/'), *dot = slash ? strstr(slash, ".json") : NULL;
	const unsigned char *bytes;
	const char *etag;
	size_t len;

	if (!dot || dot[5] || (size_t)(slash - rest) >= sizeof lang ||
	    (size_t)(dot - slash - 1) >= sizeof page)
		return not_found(wsi, h);
	snprintf(lang, sizeof lang, "%.*s", (int)(slash - rest), rest);
	snprintf(page, sizeof page, "%.*s", (int)(dot - slash - 1), slash + 1);
	int gzip = lws_hdr_copy(wsi, hdr, sizeof hdr, WSI_TOKEN_HTTP_ACCEPT_ENCODING) > 0 &&
	           strstr(hdr, "gzip");
	int r = pagecat_get(n->pages, lang, page, gzip, &bytes, &len, &etag);
	if (r == -1)
		return not_found(wsi, h);
	if (r)
		return respond_json(wsi, h, HTTP_STATUS_INTERNAL_SERVER_ERROR,
		                    json_pack("{s:s}", "error", "internal"));
	if (lws_hdr_copy(wsi, hdr, sizeof hdr, WSI_TOKEN_HTTP_IF_NONE_MATCH) > 0 &&
	    strcmp(hdr, etag) == 0) {
		unsigned char buf[LWS_PRE + 2048], *start = buf + LWS_PRE, *p = start,
		                                   *end = buf + sizeof buf - 1;
		const char *const hdrs[] = {"etag:", etag, "cache-control:", I18N_CACHE, NULL};
		if (lws_add_http_header_status(wsi, HTTP_STATUS_NOT_MODIFIED, &p, end) ||
		    add_headers(wsi, hdrs, &p, end) ||
		    lws_finalize_write_http_header(wsi, start, &p, end) ||
		    lws_http_transaction_completed(wsi))
			return -1;
		return 0;
	}
	char *body = malloc(len ? len : 1);
	if (!body)
		return -1;
	memcpy(body, bytes, len);
	const char *const hdrs[] = {"etag:", etag, "cache-control:", I18N_CACHE,
	                            "content-encoding:", gzip ? "gzip" : NULL, NULL};
	return respond_with(wsi, h, HTTP_STATUS_OK, "application/json", body, len, hdrs);
}

/* ===== Rate limits of requests that name a secret ===== */

/* The limits of a request carrying a key, or a join code in its path: an
 * HTTP request counts as a connection of its own (the address's buckets
 * and lock-out are what hold). Returns 1 when refused; *rc (NULL when
 * limits are off) is the caller's to free. */
static int guard(struct lws *wsi, net *n, rate_secret s, rate_action a, rate_conn **rc)
{
	char addr[64] = "";
	*rc = NULL;
	if (!n->rl)
		return 0;
	lws_get_peer_simple(wsi, addr, sizeof addr);
	*rc = rate_conn_new(n->rl, addr);
	return !*rc || rate_secret_check(*rc, s) != RATE_OK || rate_take(*rc, a) != RATE_OK;
}

static int too_many(struct lws *wsi, struct hss *h)
{
	return respond_json(wsi, h, 429 /* Too Many Requests */,
	                    json_pack("{s:s}", "error", "rate_limited"));
}

/* 1 when code names a seminar. Else the answer is sent and its result is
 * in *ret: 404, counted as a wrong code guess of the address, or 429
 * while the address is locked out (the same for a real code then), so
 * these routes are no faster an oracle for codes than join is. */
static int known_code(struct lws *wsi, net *n, struct hss *h, const char *code, int *ret)
{
	rate_conn *rc;
	if (guard(wsi, n, RATE_SECRET_CODE, RATE_JOIN, &rc)) {
		rate_conn_free(rc);
		*ret = too_many(wsi, h);
		return 0;
	}
	int found = seminar_exists(n, code);
	if (!found && rc)
		rate_secret_failed(rc, RATE_SECRET_CODE);
	rate_conn_free(rc);
	if (!found)
		*ret = not_found(wsi, h);
	return found;
}

static int route_qr(struct lws *wsi, net *n, struct hss *h, const char *rest)
{
	char code[32], host[256], url[512];
	const char *dot = strstr(rest, ".svg");
	int ret;
	if (!dot || dot[4] || take_code(rest, (size_t)(dot - rest), code, sizeof code))
		return not_found(wsi, h);
	if (!known_code(wsi, n, h, code, &ret))
		return ret;
	request_host(wsi, host, sizeof host);
	net_join_url(n, host, code, url, sizeof url);
	char *svg;
	size_t len;
	if (qr_svg(url, &svg, &len))
		return lws_return_http_status(wsi, HTTP_STATUS_INTERNAL_SERVER_ERROR, NULL), -1;
	return respond(wsi, h, HTTP_STATUS_OK, "image/svg+xml", svg, len, NULL);
}

static int route_api_join(struct lws *wsi, net *n, struct hss *h, const char *rest)
{
	char code[32], host[256], url[512];
	int ret;
	if (take_code(rest, strlen(rest), code, sizeof code))
		return not_found(wsi, h);
	if (!known_code(wsi, n, h, code, &ret))
		return ret;
	request_host(wsi, host, sizeof host);
	net_join_url(n, host, code, url, sizeof url);
	return respond_json(wsi, h, HTTP_STATUS_OK,
	                    json_pack("{s:s,s:s}", "code", code, "url", url));
}

/* ===== Exports, rendered by the worker ===== */

/* How long a connection waits for its export. Set in place of the
 * timeout lws keeps on a request not answered yet (5 s, its keep-alive
 * one, whatever --header-timeout says), which a job queued behind others
 * on a loaded server would pass: the connection was dropped without a
 * word. */
#define EXPORT_WAIT_SECS 60

/* Queues the export and keeps the connection waiting for it, without an
 * answer; when the worker's queue is full, 503 "busy" with Retry-After
 * and the catalogue's sentence (err.busy) in the server's language. */
static int submit_export(struct lws *wsi, net *n, struct hss *h, const char *code,
                         export_format f)
{
	unsigned long long id;
	int r = worker_submit(n->exports, code, f, &id);
	if (r == WORKER_BUSY) {
		const char *const hdrs[] = {"cache-control:", "no-store", "retry-after:", "1", NULL};
		return respond_json_with(wsi, h, HTTP_STATUS_SERVICE_UNAVAILABLE,
		                         json_pack("{s:s,s:s}", "error", "busy", "message",
		                                   i18n("err.busy", n->cfg->cat)),
		                         hdrs);
	}
	if (r)
		return respond_json(wsi, h, HTTP_STATUS_INTERNAL_SERVER_ERROR,
		                    json_pack("{s:s}", "error", "internal"));
	if (n->nwaits == n->capwaits) {
		size_t cap = n->capwaits ? n->capwaits * 2 : 8;
		struct http_wait *w = realloc(n->waits, cap * sizeof *w);
		if (!w)
			return -1; /* the job's result finds no one and is dropped */
		n->waits = w;
		n->capwaits = cap;
	}
	n->waits[n->nwaits++] = (struct http_wait){id, wsi};
	lws_set_timeout(wsi, PENDING_TIMEOUT_HTTP_CONTENT, EXPORT_WAIT_SECS);
	h->job = id;
	h->job_done = 0;
	h->job_f = f;
	snprintf(h->job_code, sizeof h->job_code, "%s", code);
	return 0;
}

/* Takes the wait of job off the list; returns its connection, or NULL
 * when it closed meanwhile. */
static struct lws *unwait(net *n, unsigned long long job)
{
	for (size_t i = 0; i < n->nwaits; i++)
		if (n->waits[i].job == job) {
			struct lws *wsi = n->waits[i].wsi;
			n->waits[i] = n->waits[--n->nwaits];
			return wsi;
		}
	return NULL;
}

void http_exports_wake(void *ctx)
{
	net *n = ctx;
	lws_cancel_service(n->ctx);
}

/* On the loop: hands each finished export to its connection, which
 * answers on its next HTTP_WRITEABLE; drops those nobody waits for. */
static void collect_exports(net *n)
{
	worker_result r;
	while (n->exports && worker_collect(n->exports, &r)) {
		struct lws *wsi = unwait(n, r.id);
		struct hss *h = wsi ? lws_wsi_user(wsi) : NULL;
		if (!h || h->job != r.id) {
			free(r.body);
			continue;
		}
		h->result = r;
		h->job_done = 1;
		lws_callback_on_writable(wsi);
	}
}

/* On HTTP_WRITEABLE after collect_exports: the export's answer. */
static int answer_export(struct lws *wsi, struct hss *h)
{
	worker_result r = h->result;
	char disp[128];
	h->job = 0;
	h->job_done = 0;
	h->result = (worker_result){0};
	lws_set_timeout(wsi, NO_PENDING_TIMEOUT, 0); /* the answer begins */
	if (r.status == WORKER_NOT_FOUND)
		return not_found(wsi, h);
	if (r.status != WORKER_OK)
		return respond_json(wsi, h, HTTP_STATUS_INTERNAL_SERVER_ERROR,
		                    json_pack("{s:s}", "error", "internal"));
	snprintf(disp, sizeof disp, "attachment; filename=\"%s-synthese.%s\"", h->job_code,
	         export_format_ext(h->job_f));
	return respond(wsi, h, HTTP_STATUS_OK, export_format_mime(h->job_f), r.body, r.len,
	               disp);
}

void http_exports_free(net *n)
{
	free(n->waits);
	n->waits = NULL;
	n->nwaits = n->capwaits = 0;
}

static int route_api_export(struct lws *wsi, net *n, struct hss *h, const char *rest)
{
	char code[32], key[PROTO_MAX_KEY_CHARS + 1];
	const char *dot = strrchr(rest, '.');
	if (!dot || take_code(rest, (size_t)(dot - rest), code, sizeof code))
		return not_found(wsi, h);
	int f = export_format_parse(dot + 1);
	if (f < 0)
		return not_found(wsi, h);
	/* The same key check as a facilitator's message (turn.h), with the
	 * address's buckets and lock-out of an HTTP request. */
	char addr[64] = "";
	rate_conn *rc = NULL;
	seminar_principal who;
	if (n->rl) {
		lws_get_peer_simple(wsi, addr, sizeof addr);
		if (!(rc = rate_conn_new(n->rl, addr)))
			return too_many(wsi, h);
	}
	int ok = lws_hdr_custom_copy(wsi, key, sizeof key, "x-atelier-key:", 14) > 0
	                 ? turn_key(n->turn, rc, code, key, ROLES_FACILITATING, &who)
	                 : turn_key(n->turn, rc, code, NULL, ROLES_FACILITATING, &who);
	rate_conn_free(rc);
	if (ok == TURN_LIMITED)
		return too_many(wsi, h);
	if (ok == TURN_STORAGE) /* the database, not the key: no guess counted */
		return respond_json(wsi, h, HTTP_STATUS_INTERNAL_SERVER_ERROR,
		                    json_pack("{s:s}", "error", "storage"));
	if (ok != TURN_OK)
		return respond_json(wsi, h, HTTP_STATUS_FORBIDDEN,
		                    json_pack("{s:s}", "error", "bad_key"));
	return submit_export(wsi, n, h, code, (export_format)f);
}

/* ===== The Origin of WebSocket handshakes ===== */

/* Lower-cases "scheme://host[:port][/path]" into "scheme://host[:port]",
 * dropping the scheme's default port. -1 when it is not of that form. */
static int origin_normalize(const char *in, char *out, size_t len)
{
	const char *sep = strstr(in, "://");
	size_t k = 0;
	if (!sep || sep == in)
		return -1;
	for (const char *c = in; *c && *c != '/' && *c != '?' && *c != '#' && k + 1 < len;
	     c = c == sep ? c + 3 : c + 1) {
		if (c == sep) {
			if (k + 4 >= len)
				return -1;
			memcpy(out + k, "://", 3);
			k += 3;
			continue;
		}
		out[k++] = (char)tolower((unsigned char)*c);
	}
	out[k] = '\0';
	const char *host = strstr(out, "://") + 3;
	if (!*host)
		return -1;
	size_t hl = strlen(host);
	int secure = strncmp(out, "https:", 6) == 0 || strncmp(out, "wss:", 4) == 0;
	const char *dflt = secure ? ":443" : ":80";
	size_t dl = strlen(dflt);
	if (hl > dl && strcmp(host + hl - dl, dflt) == 0)
		out[k - dl] = '\0';
	return 0;
}

/* 1 when a WebSocket handshake with this Origin may proceed. */
static int origin_allowed(struct lws *wsi, const net *n)
{
	char origin[512], want[512], host[300], tmp[320];
	int l = lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN);
	if (l <= 0)
		return 1; /* not a browser: nothing to protect against */
	if (l >= (int)sizeof origin || lws_hdr_copy(wsi, origin, sizeof origin,
	                                            WSI_TOKEN_ORIGIN) <= 0 ||
	    origin_normalize(origin, tmp, sizeof tmp))
		return 0;
	snprintf(origin, sizeof origin, "%s", tmp);
	/* The page's own site: same host and port as the request's Host. */
	request_host(wsi, host, sizeof host);
	if (host[0]) {
		const char *sep = strstr(origin, "://");
		snprintf(tmp, sizeof tmp, "%.*s%s", (int)(sep + 3 - origin), origin, host);
		if (!origin_normalize(tmp, want, sizeof want) && !strcmp(want, origin))
			return 1;
	}
	if (n->cfg->public_url && !origin_normalize(n->cfg->public_url, want, sizeof want) &&
	    !strcmp(want, origin))
		return 1;
	for (size_t i = 0; i < n->cfg->nallow_origins; i++)
		if (!origin_normalize(n->cfg->allow_origins[i], want, sizeof want) &&
		    !strcmp(want, origin))
			return 1;
	return 0;
}

/* path is the whole URI path (lws gives it so for callback mounts). */
static int route(struct lws *wsi, net *n, struct hss *h, const char *path)
{
	if (strncmp(path, "/j/", 3) == 0) {
		char code[32];
		if (take_code(path + 3, strlen(path + 3), code, sizeof code))
			return not_found(wsi, h);
		return route_join_page(wsi, n);
	}
	if (strncmp(path, "/i18n/", 6) == 0)
		return route_i18n(wsi, n, h, path + 6);
	if (strncmp(path, "/qr/", 4) == 0)
		return route_qr(wsi, n, h, path + 4);
	if (strncmp(path, "/api/join/", 10) == 0)
		return route_api_join(wsi, n, h, path + 10);
	if (strncmp(path, "/api/export/", 12) == 0)
		return route_api_export(wsi, n, h, path + 12);
	if (strcmp(path, "/api/health") == 0)
		return respond_json(wsi, h, HTTP_STATUS_OK,
		                    json_pack("{s:s,s:s}", "status", "ok", "version",
		                              ATELIER_VERSION));
	return not_found(wsi, h);
}

int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
                  void *in, size_t len)
{
	struct hss *h = user;
	net *n = net_from_wsi(wsi);

	switch (reason) {
	case LWS_CALLBACK_HTTP:
		if (route(wsi, n, h, in ? (const char *)in : ""))
			return -1;
		return 0;

	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		collect_exports(n);
		ws_snapshots_collect(n);
		break;

	case LWS_CALLBACK_HTTP_WRITEABLE: {
		if (h->job)
			return h->job_done && answer_export(wsi, h) ? -1 : 0;
		if (!h->body && h->len)
			return -1;
		size_t left = h->len - h->off, k = left > NET_WRITE_BATCH ? NET_WRITE_BATCH : left;
		int last = k == left;
		if (k)
			memcpy(n->wbuf + LWS_PRE, h->body + h->off, k);
		if (lws_write(wsi, n->wbuf + LWS_PRE, k,
		              last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)k)
			return -1;
		h->off += k;
		if (!last) {
			lws_callback_on_writable(wsi);
			return 0;
		}
		free(h->body);
		h->body = NULL;
		h->len = h->off = 0;
		if (lws_http_transaction_completed(wsi))
			return -1;
		return 0;
	}

	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
		if (origin_allowed(wsi, n))
			return 0;
		/* Refused with a 403 (with the vhost's security headers); lws
		 * ends the transaction when told so by 1. */
		if (lws_return_http_status(wsi, HTTP_STATUS_FORBIDDEN, "origin not allowed"))
			return -1;
		return 1;

	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		/* A WebSocket handshake without the "atelier.v1" subprotocol
		 * lands on this first protocol: refuse it. */
		return -1;

	case LWS_CALLBACK_CLOSED_HTTP:
		if (h && h->job && !h->job_done)
			unwait(n, h->job); /* its result will find no one */
		if (h) {
			free(h->body);
			free(h->result.body);
			memset(h, 0, sizeof *h);
		}
		break;

	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}
