/*
 * export.c — the export formats by name, the dispatch to their renderers,
 * and the writing of a synthesis file.
 *
 * Boundary: owns the file names (DIR/<code>-synthese.<ext>) and the only
 * file writes of the exports: a temporary file in DIR, then rename(), so a
 * reader never sees half a synthesis. Must not render anything itself
 * (export_<format>.c do), nor touch SQLite or the network.
 */
#include "export.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export_text.h"
#include "i18n.h"

#define DEFAULT_DIR "exports"
#define CODE_MAX 16

typedef int (*render_fn)(json_t *doc, const i18n_cat *cat, char **out, size_t *out_len);

/* One row per export_format, in enum order. */
static const struct {
	const char *name; /* also the file extension */
	const char *mime;
	render_fn render;
} formats[EXPORT__COUNT] = {
	{"md", "text/markdown; charset=utf-8", export_markdown},
	{"html", "text/html; charset=utf-8", export_html},
	{"csv", "text/csv; charset=utf-8", export_csv},
	{"json", "application/json; charset=utf-8", export_json},
};

/* Causes the catalogue words; others fall back to strerror(). */
static const struct {
	int errnum;
	const char *key;
} causes[] = {
	{EACCES, "export.cause.access"}, {EPERM, "export.cause.access"},
	{ENOENT, "export.cause.missing"}, {ENOTDIR, "export.cause.notdir"},
	{ENOSPC, "export.cause.full"},    {EDQUOT, "export.cause.quota"},
	{EROFS, "export.cause.readonly"}, {ENOMEM, "export.cause.memory"},
	{EIO, "export.cause.io"},         {ENAMETOOLONG, "export.cause.toolong"},
};

int export_format_parse(const char *name)
{
	for (int f = 0; name && f < EXPORT__COUNT; f++) {
		if (strcmp(name, formats[f].name) == 0)
			return f;
	}
	return -1;
}

const char *export_format_ext(export_format f)
{
	return (unsigned)f < EXPORT__COUNT ? formats[f].name : NULL;
}

const char *export_format_mime(export_format f)
{
	return (unsigned)f < EXPORT__COUNT ? formats[f].mime : NULL;
}

int export_render(json_t *doc, export_format f, const i18n_cat *cat, char **out, size_t *out_len)
{
	i18n_cat *own = NULL;
	int rc = -1;

	*out = NULL;
	*out_len = 0;
	if ((unsigned)f < EXPORT__COUNT && (cat = i18n_or_french(cat, &own)))
		rc = formats[f].render(doc, cat, out, out_len);
	i18n_free(own);
	return rc;
}

/* ===== Writing a file ===== */

/* The length of s[0..n) without an incomplete UTF-8 character at its end. */
static size_t whole_chars(const char *s, size_t n)
{
	size_t start = n, need;
	while (start > 0 && ((unsigned char)s[start - 1] & 0xC0) == 0x80)
		start--;
	if (start == 0)
		return n;
	unsigned char lead = (unsigned char)s[start - 1];
	need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
	return n - (start - 1) < need ? start - 1 : n;
}

/* Writes into err the catalogue sentence key with "{path}" and "{cause}"
 * replaced by path and by the words for errnum. */
static void say(const i18n_cat *cat, char *err, size_t len, const char *key, const char *path,
                int errnum)
{
	const char *cause = strerror(errnum);
	const char *p;
	size_t n = 0;

	if (!err || !len)
		return;
	if (!cat) {
		snprintf(err, len, "%s: %s", path, cause); /* no catalogue: out of memory */
		return;
	}
	p = i18n(key, cat);
	for (size_t i = 0; i < sizeof causes / sizeof causes[0]; i++) {
		if (causes[i].errnum == errnum)
			cause = i18n(causes[i].key, cat);
	}
	while (*p && n + 1 < len) {
		const char *with = NULL;
		size_t skip = 0;
		if (strncmp(p, "{path}", 6) == 0) {
			with = path;
			skip = 6;
		} else if (strncmp(p, "{cause}", 7) == 0) {
			with = cause;
			skip = 7;
		}
		if (with) {
			n += (size_t)snprintf(err + n, len - n, "%s", with);
			n = n < len ? n : len - 1;
			p += skip;
		} else {
			err[n++] = *p++;
		}
	}
	if (*p) /* cut short: do not end inside a UTF-8 character */
		n = whole_chars(err, n);
	err[n] = '\0';
}

/* 1 if code can name a file: 1 to CODE_MAX of [A-Za-z0-9_-]. */
static int safe_code(const char *code)
{
	size_t n = strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	                        "0123456789_-");
	return n > 0 && n <= CODE_MAX && code[n] == '\0';
}

/* Creates dir and its missing parents (like mkdir -p). Returns 0, or -1
 * with errno set. */
static int make_dirs(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;

	if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -1;
	if (stat(path, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

/* Writes all of buf to fd. Returns 0, or -1 with errno set. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Flushes the directory entry of a rename to disk; best effort. */
static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int export_write(json_t *doc, export_format f, const i18n_cat *cat, const char *dir, char *path_out,
                 size_t path_len, char *err, size_t err_len)
{
	const char *code = export_text_str(json_object_get(doc, "seminar"), "code");
	char path[PATH_MAX], tmp[PATH_MAX];
	char *text = NULL;
	i18n_cat *own = NULL;
	size_t len = 0;
	int fd = -1, made = 0, rc = -1;

	cat = i18n_or_french(cat, &own);

	if (!dir || !*dir)
		dir = DEFAULT_DIR;
	if (path_out && path_len)
		path_out[0] = '\0';
	if ((unsigned)f >= EXPORT__COUNT || !safe_code(code)) {
		say(cat, err, err_len, "export.err.code", dir, EINVAL);
		goto done;
	}
	if (snprintf(path, sizeof path, "%s/%s-synthese.%s", dir, code,
	             formats[f].name) >= (int)sizeof path ||
	    snprintf(tmp, sizeof tmp, "%s/.%s-synthese.%s.XXXXXX", dir, code,
	             formats[f].name) >= (int)sizeof tmp) {
		say(cat, err, err_len, "export.err.write", dir, ENAMETOOLONG);
		goto done;
	}
	if (make_dirs(dir) < 0) {
		say(cat, err, err_len, "export.err.mkdir", dir, errno);
		goto done;
	}
	if (export_render(doc, f, cat, &text, &len) < 0) {
		say(cat, err, err_len, "export.err.render", path, ENOMEM);
		goto done;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		say(cat, err, err_len, "export.err.write", path, errno);
		goto done;
	}
	made = 1;
	if (fchmod(fd, 0644) < 0 || write_all(fd, text, len) < 0 || fsync(fd) < 0) {
		say(cat, err, err_len, "export.err.write", path, errno);
		goto done;
	}
	if (close(fd) < 0) {
		fd = -1;
		say(cat, err, err_len, "export.err.write", path, errno);
		goto done;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		say(cat, err, err_len, "export.err.write", path, errno);
		goto done;
	}
	made = 0;
	sync_dir(dir);
	if (path_out && path_len)
		snprintf(path_out, path_len, "%s", path);
	rc = 0;
done:
	if (fd >= 0)
		close(fd);
	if (made)
		unlink(tmp);
	free(text);
	i18n_free(own);
	return rc;
}
