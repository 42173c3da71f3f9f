/*
 * main.c — the `atelier` command line: serve, import, export,
 * organiser-key, version and help. Parses options, resolves paths, opens
 * the store and hands over to the module that does the work. Every
 * failure is one sentence on stderr and a non-zero exit status. A key is
 * printed on standard output only, and only where the rules below say
 * (docs/SECURITY.md): never on stderr.
 *
 * The only file with globals: the stop flag set by SIGINT/SIGTERM, and
 * the process's catalogue, which main() makes and every command passes
 * down (to the store, the definitions, the server and the exports).
 */
#include "defn.h"
#include "export.h"
#include "export_view.h"
#include "i18n.h"
#include "orgkey.h"
#include "server.h"
#include "store.h"
#include "store_keys.h"
#include "text.h"

#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_LISTEN "0.0.0.0:8080"
#define DEFAULT_DB "atelier.db"

static volatile sig_atomic_t stop_requested;
static i18n_cat *cat; /* the language of the environment (i18n_env_lang) */

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* Prints a catalogue message (a printf format) and a newline on stderr. */
static void fail(const char *key, ...)
{
	va_list ap;
	fputs("atelier : ", stderr);
	va_start(ap, key);
	vfprintf(stderr, i18n(key, cat), ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ===== Options ===== */

#define MAX_ORIGINS 16

struct opts {
	const char *listen, *db, *sessions, *web, *public_url, *port_file;
	const char *format, *out;
	const char *organiser_name; /* serve: the first organiser's key's name */
	const char *name, *revoke;  /* organiser-key: the key to make, to revoke */
	int list;                   /* organiser-key --list */
	const char *idle_timeout, *header_timeout, *lag_timeout;
	const char *origins[MAX_ORIGINS]; /* --allow-origin, repeatable */
	int norigins;
	int no_rate_limit;
	const char *args[16]; /* positional arguments */
	int nargs;
	int help;
};

/* Option names each command accepts, and what they set. */
enum opt_kind {
	OPT_VALUE = 0, /* a const char * set once (the last one wins) */
	OPT_LIST,      /* appended to origins[] */
	OPT_FLAG,      /* an int set to 1; takes no value */
};

struct optdef {
	const char *name;
	int offset; /* into struct opts */
	enum opt_kind kind;
};

#define OPT(field) ((int)offsetof(struct opts, field)), OPT_VALUE
#define OPT_AS(field, kind) ((int)offsetof(struct opts, field)), kind

static const struct optdef serve_opts[] = {
	{"--listen", OPT(listen)}, {"--db", OPT(db)}, {"--sessions", OPT(sessions)},
	{"--web", OPT(web)}, {"--public-url", OPT(public_url)},
	{"--port-file", OPT(port_file)}, {"--allow-origin", OPT_AS(origins, OPT_LIST)},
	{"--idle-timeout", OPT(idle_timeout)}, {"--header-timeout", OPT(header_timeout)},
	{"--lag-timeout", OPT(lag_timeout)}, {"--organiser-name", OPT(organiser_name)},
	{"--no-rate-limit", OPT_AS(no_rate_limit, OPT_FLAG)}, {NULL, 0, OPT_VALUE}};
static const struct optdef import_opts[] = {{"--db", OPT(db)}, {NULL, 0, OPT_VALUE}};
static const struct optdef export_opts[] = {
	{"--db", OPT(db)}, {"--format", OPT(format)}, {"--out", OPT(out)}, {NULL, 0, OPT_VALUE}};
static const struct optdef organiser_key_opts[] = {
	{"--db", OPT(db)}, {"--name", OPT(name)}, {"--revoke", OPT(revoke)},
	{"--list", OPT_AS(list, OPT_FLAG)}, {NULL, 0, OPT_VALUE}};

/* Parses argv[1..] of a command. Returns 0, or -1 after saying what is
 * wrong. Accepts "--name value" and "--name=value". */
static int parse_opts(const char *cmd, int argc, char **argv, const struct optdef *defs,
                      struct opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			o->help = 1;
			continue;
		}
		if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
			if (a[0] == '-' && a[1] != '\0') {
				fail("cli.err_unknown_option", a, cmd, cmd);
				return -1;
			}
			if (o->nargs == (int)(sizeof o->args / sizeof o->args[0])) {
				fail("cli.err_too_many_args", cmd);
				return -1;
			}
			o->args[o->nargs++] = a;
			continue;
		}
		const char *eq = strchr(a, '=');
		size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
		const struct optdef *d = defs;
		while (d->name && !(strlen(d->name) == nlen && strncmp(d->name, a, nlen) == 0))
			d++;
		if (!d->name) {
			fail("cli.err_unknown_option", a, cmd, cmd);
			return -1;
		}
		if (d->kind == OPT_FLAG) {
			if (eq) {
				fail("cli.err_unknown_option", a, cmd, cmd);
				return -1;
			}
			*(int *)((char *)o + d->offset) = 1;
			continue;
		}
		const char *val = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (!val || !*val) {
			fail("cli.err_missing_value", d->name);
			return -1;
		}
		if (d->kind == OPT_LIST) {
			if (o->norigins == MAX_ORIGINS) {
				fail("cli.err_too_many_args", cmd);
				return -1;
			}
			o->origins[o->norigins++] = val;
			continue;
		}
		*(const char **)((char *)o + d->offset) = val;
	}
	return 0;
}

/* The start of a command without positional arguments: parses its
 * options into o and prints its help (catalogue key help) when asked.
 * Returns -1 to go on, else the exit status to return. */
static int begin(const char *cmd, int argc, char **argv, const struct optdef *defs,
                 const char *help, struct opts *o)
{
	if (parse_opts(cmd, argc, argv, defs, o))
		return 2;
	if (o->help) {
		puts(i18n(help, cat));
		return 0;
	}
	if (o->nargs) {
		fail("cli.err_unexpected_arg", o->args[0], cmd);
		return 2;
	}
	return -1;
}

/* Seconds from an option: a whole number from 1 to 3600; *out stays as
 * it is when the option is absent. -1 after saying what is wrong. */
static int parse_secs(const char *name, const char *val, int *out)
{
	char *end;
	long v;
	if (!val)
		return 0;
	v = strtol(val, &end, 10);
	if (*end || end == val || v < 1 || v > 3600) {
		fail("cli.err_bad_seconds", name, val);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* An allowed origin: http:// or https:// and a host, nothing after. */
static int check_origin(const char *val)
{
	const char *host = strncmp(val, "http://", 7) == 0    ? val + 7
	                   : strncmp(val, "https://", 8) == 0 ? val + 8
	                                                      : NULL;
	size_t l = host ? strlen(host) : 0;
	const char *slash = host ? strchr(host, '/') : NULL;
	if (!host || !l || host[0] == '/' || (slash && slash != host + l - 1) ||
	    strpbrk(host, "?#@ ")) {
		fail("cli.err_bad_origin", val);
		return -1;
	}
	return 0;
}

/* ===== Paths ===== */

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A data folder (web, sessions): the option, else ./name when present,
 * else the source tree's. Made absolute into out. */
static int resolve_dir(const char *opt, const char *name, char *out, size_t len)
{
	char tmp[PATH_MAX];
	if (opt)
		snprintf(tmp, sizeof tmp, "%s", opt);
	else if (is_dir(name))
		snprintf(tmp, sizeof tmp, "%s", name);
	else
		snprintf(tmp, sizeof tmp, "%s/%s", ATELIER_SOURCE_DIR, name);
	if (!realpath(tmp, out) || !is_dir(out) || strlen(out) >= len) {
		fail("cli.err_no_dir", tmp);
		return -1;
	}
	return 0;
}

static int open_store(const char *path, store **st)
{
	char err[512];
	if (store_open(path, cat, st, err, sizeof err)) {
		fprintf(stderr, "atelier : %s\n", err);
		return -1;
	}
	return 0;
}

/* ===== What an import did ===== */

/* Appends a printf-formatted text to out[len] at *n, never past len - 1. */
static void append(char *out, size_t len, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*n + 1 >= len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(out + *n, len - *n, fmt, ap);
	va_end(ap);
	if (w > 0)
		*n = *n + (size_t)w < len ? *n + (size_t)w : len - 1;
}

/* Appends one part of a report, after the separator when out already
 * says something. */
static void part(char *out, size_t len, size_t *n, const char *text)
{
	if (*n)
		append(out, len, n, "%s", i18n("cli.import_sep", cat));
	append(out, len, n, "%s", text);
}

/* The changes of one kind of row, the catalogue's kind wrapped around
 * them: « ateliers : 1 ajouté, 2 modifiés, 1 archivé (axe-3) ». Nothing
 * when nothing of that kind changed. */
static void counts(char *out, size_t len, size_t *n, const char *kind,
                   const store_import_counts *c, const char *archived, const char *restored)
{
	const struct {
		int count;
		const char *key, *names;
	} parts[] = {
		{c->added, "cli.import_added", NULL},
		{c->changed, "cli.import_changed", NULL},
		{c->archived, "cli.import_archived", archived},
		{c->restored, "cli.import_restored", restored},
	};
	char list[1024] = "", text[1200];
	size_t l = 0, t = 0;

	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if (!parts[i].count)
			continue;
		if (l)
			append(list, sizeof list, &l, ", ");
		append(list, sizeof list, &l, i18n_plural(parts[i].key, parts[i].count, cat),
		       parts[i].count);
		if (parts[i].names && *parts[i].names)
			append(list, sizeof list, &l, " (%s)", parts[i].names);
	}
	if (!l)
		return;
	append(text, sizeof text, &t, i18n(kind, cat), list);
	part(out, len, n, text);
}

/* Prints what an import of path did, on one line: « sessions/x.json :
 * « Titre » (code RBX22) — ateliers : 1 ajouté, 1 archivé (axe-3) ;
 * panneaux : 3 ajoutés. » */
static void print_report(const char *path, const char *title, const store_import_report *r)
{
	char what[3072] = "";
	size_t n = 0;

	if (r->unchanged) {
		part(what, sizeof what, &n, i18n("cli.import_unchanged_file", cat));
	} else {
		if (r->created || r->seminar_changed)
			part(what, sizeof what, &n,
			     i18n(r->created ? "cli.import_created" : "cli.import_seminar_changed",
			          cat));
		if (r->reordered)
			part(what, sizeof what, &n, i18n("cli.import_reordered", cat));
		counts(what, sizeof what, &n, "cli.import_activities", &r->activities, r->archived,
		       r->restored);
		counts(what, sizeof what, &n, "cli.import_boards", &r->boards, NULL, NULL);
		if (!n)
			part(what, sizeof what, &n, i18n("cli.import_nothing", cat));
	}
	printf(i18n("cli.import_report", cat), path, title, r->code, what);
	putchar('\n');
}

/* Imports one definition file (flags: store_import's) and says what it
 * changed. */
static int import_file(store *st, const char *path, int flags)
{
	char err[1024];
	store_import_report report;
	defn_seminar *d = NULL;
	if (defn_load(path, cat, &d, err, sizeof err)) {
		fprintf(stderr, "atelier : %s\n", err);
		return -1;
	}
	int r = store_import(st, d, flags, &report, err, sizeof err);
	if (r)
		fprintf(stderr, "atelier : %s : %s\n", path, err);
	else
		print_report(path, d->title ? d->title : "", &report);
	defn_free(d);
	return r ? -1 : 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Imports every *.json of dir, in name order, except those unchanged
 * since their seminar's last import: the database is the source of
 * truth, and an edit made there since must survive a restart. Any broken
 * file stops the start: a facilitator must see it, not discover a
 * missing seminar. */
static int import_dir(store *st, const char *dir)
{
	DIR *d = opendir(dir);
	char *names[256];
	size_t n = 0;
	int r = 0;
	if (!d) {
		fail("cli.err_no_dir", dir);
		return -1;
	}
	for (struct dirent *e; (e = readdir(d)) && n < 256;) {
		size_t l = strlen(e->d_name);
		if (l > 5 && strcmp(e->d_name + l - 5, ".json") == 0 && e->d_name[0] != '.')
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof names[0], name_cmp);
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX];
		if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) >= (int)sizeof path) {
			if (!r)
				fail("cli.err_no_dir", dir); /* a path too long to open */
			r = -1;
		} else if (!r && import_file(st, path, STORE_IMPORT_IF_CHANGED))
			r = -1;
		free(names[i]);
	}
	return r;
}

/* ===== Organisers' keys ===== */

#define KEY_NAME_CHARS 100

/* A key's name as a person typed it: valid UTF-8 without control
 * characters, white space trimmed at both ends, 1 to KEY_NAME_CHARS
 * characters; copied into out[len]. -1 after saying what is wrong. */
static int key_name(const char *typed, char *out, size_t len)
{
	size_t start = 0, n = 0, l = strlen(typed);

	if (text_utf8_valid(typed, l) && !text_has_control(typed, false))
		text_trim(typed, l, &start, &n);
	if (!n || n >= len || text_char_countn(typed + start, n) > KEY_NAME_CHARS) {
		fail("cli.err_key_name", KEY_NAME_CHARS);
		return -1;
	}
	memcpy(out, typed + start, n);
	out[n] = '\0';
	return 0;
}

/* The first organiser's key, at the first start on a database that never
 * had one (docs/SECURITY.md): shown here when standard output is a
 * terminal, else written to a file beside the database that only this
 * user may read, whose path is shown. port: the one listened on, 0 when
 * the kernel picks it. -1 after saying what is wrong. */
static int first_organiser_key(store *st, const char *db, const char *typed, int port)
{
	char key[STORE_KEY_SIZE], name[STORE_KEY_NAME_MAX + 1], file[PATH_MAX], base[64] = "";
	int terminal = isatty(STDOUT_FILENO), made = 0, file_errno = 0, rc;

	if (key_name(typed ? typed : STORE_KEY_NAME_ORGANISER, name, sizeof name))
		return -1;
	if (!terminal && orgkey_file_path(db, file, sizeof file)) {
		fail("cli.err_key_file", db, strerror(ENAMETOOLONG));
		return -1;
	}
	rc = orgkey_first(st, name, terminal ? NULL : file, key, sizeof key, &made, &file_errno);
	if (rc == ORGKEY_ERR_FILE) {
		fail(file_errno == EEXIST ? "cli.err_key_file_exists" : "cli.err_key_file", file,
		     strerror(file_errno));
		return -1;
	}
	if (rc) {
		fail("cli.err_key_store", store_errmsg(st));
		return -1;
	}
	if (made && terminal) {
		if (port > 0)
			snprintf(base, sizeof base, "http://127.0.0.1:%d", port);
		printf(i18n("cli.organiser_key_shown", cat), name, key, base, key);
		putchar('\n');
	} else if (made) {
		printf(i18n("cli.organiser_key_file", cat), name, file);
		putchar('\n');
	}
	memset(key, 0, sizeof key);
	return 0;
}

/* store_key_list's row: one line; *ctx counts the lines. */
static void print_key_row(void *ctx, const store_key_row *row)
{
	++*(long long *)ctx;
	if (row->revoked)
		printf(i18n("cli.organiser_key_row_revoked", cat), row->name, row->created,
		       row->revoked);
	else
		printf(i18n("cli.organiser_key_row", cat), row->name, row->created);
	putchar('\n');
}

/* atelier organiser-key: makes another organiser's key and prints it (on
 * a terminal with a sentence around it, otherwise the key alone, for the
 * person who asked for it to put where they choose), lists the keys by
 * name without their text, or revokes one. */
static int cmd_organiser_key(int argc, char **argv)
{
	struct opts o = {.db = DEFAULT_DB}; /* options override */
	char key[STORE_KEY_SIZE], name[STORE_KEY_NAME_MAX + 1];
	store *st = NULL;
	long long listed = 0;
	int rc = 1, r;

	if ((rc = begin("organiser-key", argc, argv, organiser_key_opts, "cli.help_organiser_key",
	                &o)) >= 0)
		return rc;
	rc = 1;
	if ((o.name != NULL) + (o.revoke != NULL) + o.list != 1) {
		fail("cli.err_key_what");
		return 2;
	}
	if ((o.name || o.revoke) && key_name(o.name ? o.name : o.revoke, name, sizeof name))
		return 2;
	if (access(o.db, F_OK)) {
		fail("cli.err_no_db", o.db);
		return 1;
	}
	if (open_store(o.db, &st))
		return 1;
	if (o.list) {
		r = store_key_list(st, STORE_KEY_ORGANISER, 0, print_key_row, &listed);
		if (r == STORE_OK && !listed)
			printf("%s\n", i18n("cli.organiser_key_none", cat));
	} else if (o.revoke) {
		r = store_key_revoke(st, STORE_KEY_ORGANISER, 0, name, NULL);
		if (r == STORE_NOT_FOUND) {
			fail("cli.err_key_unknown", name);
			goto out;
		}
		if (r == STORE_OK) {
			printf(i18n("cli.organiser_key_revoked", cat), name);
			putchar('\n');
		}
	} else {
		r = store_key_create(st, STORE_KEY_ORGANISER, 0, 0, name, key, sizeof key, NULL);
		if (r == STORE_KEY_NAME_TAKEN) {
			fail("cli.err_key_name_taken", name);
			goto out;
		}
		if (r == STORE_OK && isatty(STDOUT_FILENO)) {
			printf(i18n("cli.organiser_key_made", cat), name, key);
			putchar('\n');
		} else if (r == STORE_OK) {
			printf("%s\n", key);
		}
		memset(key, 0, sizeof key);
	}
	if (r != STORE_OK) {
		fail("cli.err_key_store", store_errmsg(st));
		goto out;
	}
	rc = fflush(stdout) ? 1 : 0;
out:
	store_close(st);
	return rc;
}

/* ===== Commands ===== */

static int cmd_serve(int argc, char **argv)
{
	struct opts o = {.db = DEFAULT_DB}; /* options override */
	char web[PATH_MAX], sessions[PATH_MAX], host[256];
	store *st = NULL;
	int port, rc;
	if ((rc = begin("serve", argc, argv, serve_opts, "cli.help_serve", &o)) >= 0)
		return rc;
	rc = 1;
	const char *listen = o.listen ? o.listen : DEFAULT_LISTEN;
	const char *colon = strrchr(listen, ':');
	char *endp;
	long p = colon ? strtol(colon + 1, &endp, 10) : -1;
	if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof host ||
	    colon[1] == '\0' || *endp || p < 0 || p > 65535) {
		fail("cli.err_bad_listen", listen);
		return 2;
	}
	snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
	port = (int)p;
	int idle = 0, header = 0, lag = 0;
	if (parse_secs("--idle-timeout", o.idle_timeout, &idle) ||
	    parse_secs("--header-timeout", o.header_timeout, &header) ||
	    parse_secs("--lag-timeout", o.lag_timeout, &lag))
		return 2;
	for (int i = 0; i < o.norigins; i++)
		if (check_origin(o.origins[i]))
			return 2;
	if (resolve_dir(o.web, "web", web, sizeof web) ||
	    resolve_dir(o.sessions, "sessions", sessions, sizeof sessions))
		return 1;
	if (open_store(o.db, &st))
		return 1;
	if (import_dir(st, sessions) || first_organiser_key(st, o.db, o.organiser_name, port))
		goto out;

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	server_config cfg = {host,           port,       web,    o.public_url, o.port_file,
	                     &stop_requested, o.origins, (size_t)o.norigins,
	                     idle,           header,     lag,    o.no_rate_limit,
	                     cat,            o.db};
	if (server_run(st, &cfg) == 0) {
		printf("%s\n", i18n("cli.serve_stopped", cat));
		rc = 0;
	}
out:
	store_close(st);
	return rc;
}

static int cmd_import(int argc, char **argv)
{
	struct opts o = {.db = DEFAULT_DB}; /* options override */
	store *st = NULL;
	int rc = 0;
	if (parse_opts("import", argc, argv, import_opts, &o))
		return 2;
	if (o.help) {
		puts(i18n("cli.help_import", cat));
		return 0;
	}
	if (!o.nargs) {
		fail("cli.err_import_no_file");
		return 2;
	}
	if (open_store(o.db, &st))
		return 1;
	for (int i = 0; i < o.nargs; i++)
		if (import_file(st, o.args[i], 0))
			rc = 1;
	store_close(st);
	return rc;
}

static int cmd_export(int argc, char **argv)
{
	struct opts o = {.db = DEFAULT_DB}; /* options override */
	store *st = NULL;
	json_t *doc = NULL;
	int rc = 1, first = 0, last = EXPORT__COUNT - 1;
	if (parse_opts("export", argc, argv, export_opts, &o))
		return 2;
	if (o.help) {
		puts(i18n("cli.help_export", cat));
		return 0;
	}
	if (o.nargs != 1) {
		fail("cli.err_export_code");
		return 2;
	}
	if (o.format) {
		first = last = export_format_parse(o.format);
		if (first < 0) {
			fail("cli.err_bad_format", o.format);
			return 2;
		}
	}
	if (access(o.db, F_OK)) {
		fail("cli.err_no_db", o.db);
		return 1;
	}
	if (open_store(o.db, &st))
		return 1;
	if (export_view_document(st, o.args[0], &doc)) {
		fail("cli.err_unknown_code", o.args[0]);
		goto out;
	}
	/* Everything is read: the store goes before the files are made (and
	 * before the document's many small blocks are freed, which would make
	 * freeing the store's cache walk them all). */
	store_close(st);
	st = NULL;
	for (int f = first; f <= last; f++) {
		char path[PATH_MAX], err[512];
		if (export_write(doc, (export_format)f, cat, o.out /* NULL: export.c's default */,
		                 path, sizeof path, err, sizeof err)) {
			fprintf(stderr, "atelier : %s\n", err);
			goto out;
		}
		printf("%s\n", path);
	}
	rc = 0;
out:
	json_decref(doc);
	store_close(st);
	return rc;
}

/* Runs the command of argv; returns the exit status. */
static int run(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		if (argc >= 3 && strcmp(argv[1], "help") == 0) {
			char key[64];
			snprintf(key, sizeof key, "cli.help_%s", argv[2]);
			for (char *c = key; *c; c++) /* organiser-key: cli.help_organiser_key */
				if (*c == '-')
					*c = '_';
			if (strcmp(i18n(key, cat), key) != 0) {
				puts(i18n(key, cat));
				return 0;
			}
		}
		puts(i18n("cli.help", cat));
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("atelier %s\n", ATELIER_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "serve") == 0)
		return cmd_serve(argc - 1, argv + 1);
	if (strcmp(argv[1], "import") == 0)
		return cmd_import(argc - 1, argv + 1);
	if (strcmp(argv[1], "export") == 0)
		return cmd_export(argc - 1, argv + 1);
	if (strcmp(argv[1], "organiser-key") == 0)
		return cmd_organiser_key(argc - 1, argv + 1);
	fail("cli.err_unknown_command", argv[1]);
	return 2;
}

int main(int argc, char **argv)
{
	if (!(cat = i18n_new(i18n_env_lang()))) {
		fputs("atelier : out of memory\n", stderr);
		return 1;
	}
	int rc = run(argc, argv);
	i18n_free(cat);
	return rc;
}
