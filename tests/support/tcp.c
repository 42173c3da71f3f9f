/*
 * tcp.c — plain TCP for the tests and the bench (tcp.h): the socket calls
 * every client of theirs repeats, with bounded waits (poll).
 *
 * Boundary: POSIX sockets on 127.0.0.1 only. Knows no protocol above TCP
 * (wsc.c speaks WebSocket, the callers HTTP). Must not keep a socket it
 * did not hand back.
 */
#include "tcp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until fd is ready for events or deadline passes. */
static int ready(int fd, short events, long long deadline)
{
	for (;;) {
		long long left = deadline - now_ms();
		struct pollfd p = {.fd = fd, .events = events};
		if (left <= 0)
			return TCP_TIMEOUT;
		int n = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (n > 0)
			return TCP_OK;
		if (n < 0 && errno != EINTR)
			return TCP_ERR;
	}
}

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
	                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	return a;
}

int tcp_dial(int port)
{
	struct sockaddr_in a = loopback(port);
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&a, sizeof a)) {
		close(fd);
		return -1;
	}
	return fd;
}

int tcp_send_all(int fd, const void *buf, size_t len, int timeout_ms)
{
	const char *p = buf;
	long long deadline = now_ms() + timeout_ms;
	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int rc = ready(fd, POLLOUT, deadline);
			if (rc)
				return rc;
			continue;
		}
		return TCP_ERR;
	}
	return TCP_OK;
}

int tcp_recv_all(int fd, void *buf, size_t len, int timeout_ms)
{
	char *p = buf;
	long long deadline = now_ms() + timeout_ms;
	while (len > 0) {
		ssize_t n = recv(fd, p, len, MSG_DONTWAIT);
		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n == 0) {
			errno = ECONNRESET; /* the peer closed */
			return TCP_ERR;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return TCP_ERR;
		int rc = ready(fd, POLLIN, deadline);
		if (rc)
			return rc;
	}
	return TCP_OK;
}

int tcp_free_port(void)
{
	struct sockaddr_in a = loopback(0);
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = -1;
	if (fd < 0)
		return -1;
	if (!bind(fd, (struct sockaddr *)&a, sizeof a) &&
	    !getsockname(fd, (struct sockaddr *)&a, &len))
		port = ntohs(a.sin_port);
	close(fd);
	return port;
}
