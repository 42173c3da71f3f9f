/*
 * srv.c — the atelier binary started as the tests and the bench start it,
 * and its seminar's code and key read from its database (srv.h).
 *
 * Boundary: runs the binary through proc.c and reads the database only
 * through store.h (never SQL, never a write). Knows the command line's
 * options, nothing of the server's internals.
 */
#include "srv.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store.h"

#define MAX_EXTRA 16

int srv_serve(const char *bin, const char *dir, const char *db, const char *sessions,
              const char *port_file, const char *const *extra, int timeout_ms, proc **out,
              int *port)
{
	const char *argv[10 + MAX_EXTRA + 1] = {bin,        "serve",  "--listen", "127.0.0.1:0",
	                                        "--db",     db,       "--sessions", sessions,
	                                        "--port-file", port_file};
	size_t n = 10;
	*out = NULL;
	*port = 0;
	for (size_t i = 0; extra && extra[i] && i < MAX_EXTRA; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	unlink(port_file);
	int rc = proc_spawn(argv, dir, out);
	return rc ? rc : proc_wait_port_file(*out, port_file, timeout_ms, port);
}

struct found {
	char *code, *key;
	size_t code_len, key_len;
};

static void found_seminar(void *ctx, const char *code, const char *title, const char *date,
                          const char *key)
{
	struct found *f = ctx;
	(void)title;
	(void)date;
	snprintf(f->code, f->code_len, "%s", code);
	snprintf(f->key, f->key_len, "%s", key ? key : "");
}

int srv_seminar(const char *db, char *code, size_t code_len, char *key, size_t key_len,
                char *err, size_t err_len)
{
	struct found f = {code, key, code_len, key_len};
	char serr[512] = "";
	store *st = NULL;
	int rc = -1;
	code[0] = key[0] = '\0';
	if (store_open(db, NULL, &st, serr, sizeof serr) ||
	    store_list_seminars(st, found_seminar, &f))
		snprintf(err, err_len, "cannot read the seminars of %s: %s", db,
		         serr[0] ? serr : store_errmsg(st));
	else if (!code[0] || !key[0])
		snprintf(err, err_len, "%s holds no seminar with a code and a key", db);
	else
		rc = 0;
	store_close(st);
	return rc;
}
