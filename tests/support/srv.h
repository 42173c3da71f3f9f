/*
 * srv.h — the atelier binary as the tests and the bench start it: `serve`
 * on a port the kernel picks, announced in a port file, and the join code
 * and facilitator key of the seminar a database holds, read through the
 * production store API as an operator would read them.
 */
#ifndef ATELIER_TEST_SRV_H
#define ATELIER_TEST_SRV_H

#include <stddef.h>
#include "proc.h"

/* Starts `bin serve --listen 127.0.0.1:0 --db db --sessions sessions
 * --port-file port_file` followed by extra (NULL-terminated, at most 16
 * more arguments; NULL for none), its output in files of dir (proc.h),
 * after removing any old port_file; then waits up to timeout_ms for its
 * port. Returns PROC_OK, or what proc_spawn or proc_wait_port_file said:
 * *out is then the child (ended, or still starting) for its stderr and
 * status, or NULL when it could not be started. The caller frees *out. */
int srv_serve(const char *bin, const char *dir, const char *db, const char *sessions,
              const char *port_file, const char *const *extra, int timeout_ms,
              proc **out /* OUT */, int *port /* OUT */);

/* The join code and facilitator key of the (last listed) seminar of the
 * database db into code[code_len] and key[key_len]. Returns 0, or -1
 * with the reason in err[err_len] (no database, no seminar, no key). */
int srv_seminar(const char *db, char *code, size_t code_len, char *key, size_t key_len,
                char *err, size_t err_len);

#endif
