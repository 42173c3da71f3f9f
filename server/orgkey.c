/*
 * orgkey.c — the first organiser's key, at the first start of a server
 * on a database that never had one. On a terminal the caller shows it;
 * otherwise (a service, a script) it is written to a file beside the
 * database that only the service's user may read, and only the file's path
 * is shown: a key never goes to a log or to an output someone else keeps.
 *
 * Boundary: the key table through store_keys.h, and the one key file it
 * makes. Must not print anything (main.c says what happened, in the
 * catalogue's words) nor touch a file that exists.
 */
#include "orgkey.h"
#include "store_keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int orgkey_file_path(const char *db, char *out, size_t len)
{
	int n = snprintf(out, len, "%s.organiser-key", db);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Writes key and a newline to path, a file made for it that only its
 * owner may read or write, synced. 0, or errno's value (the file is then
 * removed). */
static int write_key_file(const char *path, const char *key)
{
	char line[STORE_KEY_SIZE + 1];
	size_t len = (size_t)snprintf(line, sizeof line, "%s\n", key), done = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	int err = 0;

	if (fd < 0)
		return errno;
	/* The umask may only take bits away; this makes it owner-only
	 * whatever it was. */
	if (fchmod(fd, 0600))
		err = errno;
	while (!err && done < len) {
		ssize_t w = write(fd, line + done, len - done);
		if (w < 0 && errno != EINTR)
			err = errno;
		else if (w > 0)
			done += (size_t)w;
	}
	if (!err && fsync(fd))
		err = errno;
	if (close(fd) && !err)
		err = errno;
	if (err)
		unlink(path);
	memset(line, 0, sizeof line);
	return err;
}

int orgkey_first(store *st, const char *name, const char *file, char *key_out,
                 size_t key_len, int *made, int *file_errno)
{
	char key[STORE_KEY_SIZE];
	long long all = 0;
	int rc, err = 0;

	*made = 0;
	*file_errno = 0;
	if (!file && key_len < sizeof key)
		return STORE_ERR;
	if ((rc = store_tx_begin(st)) != STORE_OK)
		return rc;
	rc = store_key_count(st, STORE_KEY_ORGANISER, &all, NULL);
	if (rc != STORE_OK || all > 0)
		goto out;
	rc = store_key_create(st, STORE_KEY_ORGANISER, 0, 0, name, key, sizeof key, NULL);
	if (rc != STORE_OK)
		goto out;
	if (file && (err = write_key_file(file, key)) != 0) {
		*file_errno = err;
		rc = ORGKEY_ERR_FILE;
		goto out;
	}
	if ((rc = store_tx_commit(st)) != STORE_OK) {
		if (file)
			unlink(file);
		goto out;
	}
	*made = 1;
	if (!file)
		memcpy(key_out, key, sizeof key);
out:
	store_tx_rollback(st); /* no-op after the commit */
	memset(key, 0, sizeof key);
	return rc;
}
