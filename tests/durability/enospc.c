/*
 * enospc.c — a full disk on demand, for the durability tests: an
 * LD_PRELOAD library that makes every call that writes to or grows a file
 * (write, pwrite, pwrite64, writev, pwritev, fallocate, posix_fallocate,
 * ftruncate and their 64-bit names) fail with ENOSPC when the file's path
 * begins with $ATELIER_ENOSPC_PREFIX and the control file
 * $ATELIER_ENOSPC_FLAG exists. The test creates the control file to fill
 * the disk and removes it to give the space back, while the server runs.
 * $ATELIER_ENOSPC_ERRNO (a number) gives another error instead, e.g.
 * EROFS for a file system remounted read-only after an error.
 *
 * With the prefix set to the database's path, the database, its -wal and
 * -shm files fail as they would on a full disk, while the server's stderr
 * (which the test reads) and the sockets keep working. Without both
 * variables the library changes nothing. Every call it does not refuse
 * goes to the next definition (the C library, or a sanitizer's wrapper).
 * Must not allocate memory nor write anything itself.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

/* The error to give: ENOSPC, or the number in $ATELIER_ENOSPC_ERRNO. */
static int failure(void)
{
	const char *e = getenv("ATELIER_ENOSPC_ERRNO");
	int n = e ? atoi(e) : 0;
	return n > 0 ? n : ENOSPC;
}

/* 1 when writes to fd must fail now. Keeps errno as it was. */
static int refuse(int fd)
{
	const char *prefix = getenv("ATELIER_ENOSPC_PREFIX");
	const char *flag = getenv("ATELIER_ENOSPC_FLAG");
	char link[64], path[4096];
	int saved = errno, full = 0;

	if (prefix && *prefix && flag && *flag && access(flag, F_OK) == 0) {
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		ssize_t n = readlink(link, path, sizeof path - 1);
		if (n > 0) {
			path[n] = '\0';
			full = strncmp(path, prefix, strlen(prefix)) == 0;
		}
	}
	errno = saved;
	return full;
}

/* next_NAME: the next definition of NAME, looked up once. */
#define NEXT(name) \
	static __typeof__(&name) next_##name; \
	if (!next_##name) \
		next_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

#define FULL(fd, ret) \
	do { \
		if (refuse(fd)) { \
			errno = failure(); \
			return ret; \
		} \
	} while (0)

ssize_t write(int fd, const void *buf, size_t n)
{
	NEXT(write);
	FULL(fd, -1);
	return next_write(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	NEXT(pwrite);
	FULL(fd, -1);
	return next_pwrite(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
	NEXT(pwrite64);
	FULL(fd, -1);
	return next_pwrite64(fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	NEXT(writev);
	FULL(fd, -1);
	return next_writev(fd, iov, cnt);
}

ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	NEXT(pwritev);
	FULL(fd, -1);
	return next_pwritev(fd, iov, cnt, off);
}

int fallocate(int fd, int mode, off_t off, off_t len)
{
	NEXT(fallocate);
	FULL(fd, -1);
	return next_fallocate(fd, mode, off, len);
}

int fallocate64(int fd, int mode, off64_t off, off64_t len)
{
	NEXT(fallocate64);
	FULL(fd, -1);
	return next_fallocate64(fd, mode, off, len);
}

/* posix_fallocate returns the error instead of setting errno. */
int posix_fallocate(int fd, off_t off, off_t len)
{
	NEXT(posix_fallocate);
	if (refuse(fd))
		return failure();
	return next_posix_fallocate(fd, off, len);
}

int posix_fallocate64(int fd, off64_t off, off64_t len)
{
	NEXT(posix_fallocate64);
	if (refuse(fd))
		return failure();
	return next_posix_fallocate64(fd, off, len);
}

int ftruncate(int fd, off_t len)
{
	NEXT(ftruncate);
	FULL(fd, -1);
	return next_ftruncate(fd, len);
}

int ftruncate64(int fd, off64_t len)
{
	NEXT(ftruncate64);
	FULL(fd, -1);
	return next_ftruncate64(fd, len);
}
