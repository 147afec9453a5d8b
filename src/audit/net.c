/*
 * net.c - the sockets of ward audit's hand-written clients (FTP, Telnet,
 * HTTP): a TCP connection with a deadline, and sends and receives that
 * each wait at most the run's timeout, so a silent device never holds
 * the audit.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit-private.h"

const char *
audit_addr_str(const struct audit_target *t, char *buf, size_t len)
{
	return addr_fmt(&t->addr, buf, len);
}

void
audit_why_text(char *why, size_t len, const char *prefix, const char *msg)
{
	size_t off;

	(void)snprintf(why, len, "%s", prefix);
	off = strlen(why);
	for (; msg != NULL && *msg != '\0' && *msg != '\n' && off + 1 < len &&
	    off < 120; msg++)
		why[off++] = (unsigned char)*msg < 0x20 ||
		    (unsigned char)*msg >= 0x7f ? '?' : *msg;
	why[off] = '\0';
}

static int
wait_fd(int fd, short ev, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = ev };
	int n;

	do
		n = poll(&p, 1, timeout_ms);
	while (n == -1 && errno == EINTR);
	if (n == 0)
		errno = ETIMEDOUT;
	return n > 0 ? 0 : -1;
}

static void
why_errno(char *why, size_t len, const char *what, int e)
{
	(void)snprintf(why, len, "%s: %s", what,
	    e == ETIMEDOUT ? "timed out" :
	    e == ECONNREFUSED ? "connection refused" :
	    e == ECONNRESET ? "connection reset" : strerror(e));
}

int
audit_tcp_connect(const struct audit_target *t, int timeout_ms, char *why,
    size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, e = 0, one = 1;
	socklen_t el = sizeof(e);

	memset(&ss, 0, sizeof(ss));
	if (t->addr.family == 4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(t->port);
		memcpy(&s4->sin_addr, t->addr.b, 4);
		sl = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(t->port);
		memcpy(&s6->sin6_addr, t->addr.b, 16);
		sl = sizeof(*s6);
	}
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		why_errno(why, len, "socket", errno);
		return -1;
	}
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&ss, sl) == -1) {
		if (errno != EINPROGRESS) {
			e = errno;
			goto fail;
		}
		if (wait_fd(fd, POLLOUT, timeout_ms) == -1) {
			e = errno;
			goto fail;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) == -1)
			e = errno;
		if (e != 0)
			goto fail;
	}
	return fd;
fail:
	why_errno(why, len, "connect", e);
	(void)close(fd);
	return -1;
}

int
audit_send(int fd, const void *p, size_t n, int timeout_ms, char *why,
    size_t len)
{
	const uint8_t *b = p;
	ssize_t w;

	while (n > 0) {
		if (wait_fd(fd, POLLOUT, timeout_ms) == -1) {
			why_errno(why, len, "send", errno);
			return -1;
		}
		if ((w = send(fd, b, n, MSG_NOSIGNAL)) == -1) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			why_errno(why, len, "send", errno);
			return -1;
		}
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

ssize_t
audit_recv(int fd, void *p, size_t cap, int timeout_ms, char *why,
    size_t len)
{
	ssize_t r;

	for (;;) {
		if (wait_fd(fd, POLLIN, timeout_ms) == -1) {
			why_errno(why, len, "receive", errno);
			return -1;
		}
		if ((r = recv(fd, p, cap, 0)) >= 0)
			return r;
		if (errno != EAGAIN && errno != EINTR) {
			why_errno(why, len, "receive", errno);
			return -1;
		}
	}
}

ssize_t
audit_fill(struct audit_conn *c, char *why, size_t len)
{
	ssize_t r;

	if (c->buf == NULL && (c->buf = malloc(AUDIT_BUF_MAX)) == NULL) {
		(void)snprintf(why, len, "out of memory");
		return -1;
	}
	if (c->buflen == AUDIT_BUF_MAX) {
		(void)snprintf(why, len, "the server sent more than %d bytes "
		    "without an answer", AUDIT_BUF_MAX);
		return -1;
	}
	r = audit_recv(c->fd, c->buf + c->buflen, AUDIT_BUF_MAX - c->buflen,
	    c->timeout_ms, why, len);
	if (r > 0)
		c->buflen += (size_t)r;
	return r;
}

void
audit_consume(struct audit_conn *c, size_t n)
{
	if (n >= c->buflen) {
		c->buflen = 0;
		return;
	}
	memmove(c->buf, c->buf + n, c->buflen - n);
	c->buflen -= n;
}

void
audit_conn_close_fd(struct audit_conn *c)
{
	if (c->fd != -1)
		(void)close(c->fd);
	c->fd = -1;
	c->buflen = 0;
	if (c->buf != NULL) {
		/* It may hold an echoed password (Telnet). */
		explicit_bzero(c->buf, AUDIT_BUF_MAX);
	}
}
