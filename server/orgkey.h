/*
 * orgkey.h — the first organiser's key of a server, made at its first
 * start, and the file it goes to when no terminal can show it. Implemented
 * by orgkey.c; main.c calls it and says what happened.
 */
#ifndef ATELIER_ORGKEY_H
#define ATELIER_ORGKEY_H

#include <stddef.h>
#include "store.h"

/* orgkey_first: the key file could not be made (*file_errno says why);
 * no key was made. */
#define ORGKEY_ERR_FILE -30

/* The file the first organiser's key is written to for the database at
 * db: "<db>.organiser-key", into out[len]. 0, or -1 when it does not fit. */
int orgkey_file_path(const char *db, char *out /* OUT */, size_t len);

/* When st holds no organiser's key, live or revoked (a database that
 * never had one: the first start), makes one named name. With file (not
 * NULL) its text goes there and nowhere else: a file made for it
 * (O_EXCL: never one that already exists, nor through a symbolic link)
 * that only its owner may read or write (0600), written and synced inside
 * the transaction that makes the key, so that either both are done or
 * neither. With file NULL its text goes to key_out[key_len] (at least
 * STORE_KEY_SIZE), for the caller to show on a terminal. *made (OUT) is 1
 * when a key was made, 0 when there was one already. Returns 0, a
 * negative store code (store_keys.h's STORE_KEY_NAME_TAKEN included), or
 * ORGKEY_ERR_FILE with errno's value in *file_errno (OUT). */
int orgkey_first(store *st, const char *name, const char *file, char *key_out /* OUT */,
                 size_t key_len, int *made /* OUT */, int *file_errno /* OUT */);

#endif
