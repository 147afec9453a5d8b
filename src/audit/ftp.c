/*
 * ftp.c - default credentials over FTP (RFC 959 sections 4.1.1 and
 * 5.4: USER, PASS, QUIT and their replies).
 *
 *   S: 220 greeting           C: USER name     S: 331 need password
 *   C: PASS secret            S: 230 logged in | 530 not logged in
 *
 * Two guesses per connection: below the three failures after which
 * vsftpd (max_login_fails) and ProFTPD (MaxLoginAttempts) close the
 * session, so a server's own limit never ends a guess half-way.
 * Replies are read by audit_ftp_reply (reply.c).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "audit-private.h"

/* The next reply: its code, its text in text (NUL-terminated). */
static int
ftp_read(struct audit_conn *c, unsigned *code, char *text, size_t tlen,
    char *why, size_t len)
{
	struct cursor cur;
	size_t used;
	ssize_t r;
	int rc;

	for (;;) {
		cur = cur_make(c->buf, c->buflen);
		if (c->buf != NULL &&
		    (rc = audit_ftp_reply(&cur, code, &used)) != 0) {
			if (rc == -1) {
				(void)snprintf(why, len, "not an FTP reply");
				return -1;
			}
			(void)snprintf(text, tlen, "%.*s", (int)(used < tlen ?
			    used : tlen - 1), (const char *)c->buf);
			audit_consume(c, used);
			return 0;
		}
		if ((r = audit_fill(c, why, len)) == 0) {
			(void)snprintf(why, len, "the server closed the "
			    "connection");
			return -1;
		}
		if (r < 0)
			return -1;
	}
}

static int
ftp_cmd(struct audit_conn *c, const char *verb, const char *arg,
    unsigned *code, char *text, size_t tlen, char *why, size_t len)
{
	char line[2 * AUDIT_TEXT_MAX + 600];
	int n, rc;

	n = snprintf(line, sizeof(line), "%s %s\r\n", verb, arg);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		(void)snprintf(why, len, "%s too long", verb);
		return -1;
	}
	rc = audit_send(c->fd, line, (size_t)n, c->timeout_ms, why, len);
	explicit_bzero(line, sizeof(line));
	if (rc == -1)
		return -1;
	return ftp_read(c, code, text, tlen, why, len);
}

static int
ftp_open(struct audit_conn *c, char *why, size_t len)
{
	char text[256];
	unsigned code;

	if ((c->fd = audit_tcp_connect(c->t, c->timeout_ms, why, len)) == -1)
		return -1;
	if (ftp_read(c, &code, text, sizeof(text), why, len) == -1)
		goto fail;
	if (code != 220) {
		audit_why_text(why, len, "greeting: ", text);
		goto fail;
	}
	return 0;
fail:
	audit_conn_close_fd(c);
	return -1;
}

/* RFC 959 4.2: 530 is "not logged in"; some servers say why. */
static enum audit_result
refused(unsigned code, const char *text, char *why, size_t len)
{
	if (code == 530) {
		if (strcasestr(text, "lock") != NULL) {
			audit_why_text(why, len, "", text);
			return AUDIT_LOCKED;
		}
		(void)snprintf(why, len, "530");
		return AUDIT_DENIED;
	}
	audit_why_text(why, len, "unexpected reply: ", text);
	return AUDIT_ERROR;
}

static enum audit_result
ftp_attempt(struct audit_conn *c, const char *user, const char *pw,
    char *why, size_t len, bool *closed)
{
	char text[256];
	unsigned code;

	if (ftp_cmd(c, "USER", user, &code, text, sizeof(text), why,
	    len) == -1)
		return AUDIT_ERROR;
	if (code == 230) {
		(void)snprintf(why, len, "230 after USER: no password asked");
		return AUDIT_FOUND;
	}
	if (code != 331 && code != 332) {
		*closed = code == 421;
		return refused(code, text, why, len);
	}
	if (ftp_cmd(c, "PASS", pw, &code, text, sizeof(text), why,
	    len) == -1)
		return AUDIT_ERROR;
	if (code == 230 || code == 202) {
		(void)snprintf(why, len, "%u", code);
		return AUDIT_FOUND;
	}
	*closed = code == 421;
	return refused(code, text, why, len);
}

static void
ftp_close(struct audit_conn *c)
{
	char why[64];

	if (c->fd == -1)
		return;
	(void)audit_send(c->fd, "QUIT\r\n", 6, c->timeout_ms, why,
	    sizeof(why));
	audit_conn_close_fd(c);
}

const struct audit_driver audit_ftp_driver = {
	.proto = AUDIT_FTP,
	.per_conn = 2,
	.open = ftp_open,
	.attempt = ftp_attempt,
	.close = ftp_close,
};
