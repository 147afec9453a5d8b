/*
 * telnet.c - default credentials over Telnet (RFC 854): wait for the
 * login prompt, type the user name, wait for the password prompt, type
 * the password, and read what follows: a new login prompt or a refusal
 * ("Login incorrect") is a refusal, a shell prompt is a login.
 *
 * Every option the server offers is refused (RFC 855), so the session is
 * a plain NVT; audit_telnet_feed and audit_telnet_prompt (reply.c) parse
 * and classify what the server sends. Two guesses per connection: login(1)
 * re-prompts after a failure and closes after LOGIN_RETRIES (5 on
 * Debian), many embedded shells after three.
 */
#include <stdio.h>
#include <string.h>

#include "audit-private.h"

#define TEXT_MAX	8192

/*
 * Reads until the text received holds a prompt audit_telnet_prompt
 * recognises; NONE at a timeout or the end (why says which).
 */
/* Is the last line of text a login prompt (after a refusal, say)? */
static bool
ends_in_login(const uint8_t *text, size_t n)
{
	size_t end = n, start;

	while (end > 0 && (text[end - 1] == '\r' || text[end - 1] == '\n'))
		end--;
	for (start = end; start > 0 && text[start - 1] != '\n' &&
	    text[start - 1] != '\r'; start--)
		;
	return audit_telnet_prompt(text + start, end - start) ==
	    AUDIT_PROMPT_LOGIN;
}

static enum audit_prompt
wait_prompt(struct audit_conn *c, char *why, size_t len, bool *eof)
{
	uint8_t in[2048], text[TEXT_MAX], reply[512];
	size_t tl = 0, rl;
	enum audit_prompt p;
	ssize_t r;

	*eof = false;
	c->at_login = false;
	for (;;) {
		r = audit_recv(c->fd, in, sizeof(in), c->timeout_ms, why, len);
		if (r <= 0) {
			*eof = r == 0;
			if (r == 0)
				(void)snprintf(why, len, "the server closed "
				    "the connection");
			/* What came before the end still counts. */
			p = audit_telnet_prompt(text, tl);
			explicit_bzero(text, sizeof(text));
			return p == AUDIT_PROMPT_DENIED ||
			    p == AUDIT_PROMPT_LOCKED ? p : AUDIT_PROMPT_NONE;
		}
		rl = 0;
		audit_telnet_feed(&c->tn, in, (size_t)r, text, sizeof(text),
		    &tl, reply, sizeof(reply), &rl);
		explicit_bzero(in, sizeof(in));
		if (rl > 0 && audit_send(c->fd, reply, rl, c->timeout_ms, why,
		    len) == -1)
			return AUDIT_PROMPT_NONE;
		if ((p = audit_telnet_prompt(text, tl)) != AUDIT_PROMPT_NONE) {
			c->at_login = ends_in_login(text, tl);
			explicit_bzero(text, sizeof(text));
			return p;
		}
		if (tl == sizeof(text)) {
			(void)snprintf(why, len, "no prompt in %d bytes",
			    TEXT_MAX);
			return AUDIT_PROMPT_NONE;
		}
	}
}

static int
tn_line(struct audit_conn *c, const char *s, char *why, size_t len)
{
	char line[AUDIT_TEXT_MAX * 2 + 600];
	int n, rc;

	n = snprintf(line, sizeof(line), "%s\r\n", s);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		(void)snprintf(why, len, "line too long");
		return -1;
	}
	rc = audit_send(c->fd, line, (size_t)n, c->timeout_ms, why, len);
	explicit_bzero(line, sizeof(line));
	return rc;
}

static int
tn_open(struct audit_conn *c, char *why, size_t len)
{
	enum audit_prompt p;
	bool eof;

	memset(&c->tn, 0, sizeof(c->tn));
	if ((c->fd = audit_tcp_connect(c->t, c->timeout_ms, why, len)) == -1)
		return -1;
	p = wait_prompt(c, why, len, &eof);
	if (p == AUDIT_PROMPT_LOGIN)
		return 0;
	if (p != AUDIT_PROMPT_NONE)
		(void)snprintf(why, len, "no login prompt (%s)",
		    p == AUDIT_PROMPT_PASSWORD ? "a password prompt only" :
		    p == AUDIT_PROMPT_SHELL ? "a shell without a login" :
		    "a refusal");
	else if (why[0] == '\0')
		(void)snprintf(why, len, "no login prompt");
	audit_conn_close_fd(c);
	return -1;
}

static enum audit_result
tn_attempt(struct audit_conn *c, const char *user, const char *pw,
    char *why, size_t len, bool *closed)
{
	enum audit_prompt p;
	bool eof;

	if (!c->at_login) {
		(void)snprintf(why, len, "no login prompt");
		*closed = true;
		return AUDIT_ERROR;
	}
	if (tn_line(c, user, why, len) == -1)
		return AUDIT_ERROR;
	p = wait_prompt(c, why, len, &eof);
	if (p == AUDIT_PROMPT_SHELL) {
		(void)snprintf(why, len, "a shell without a password");
		c->in_shell = true;
		return AUDIT_FOUND;
	}
	if (p != AUDIT_PROMPT_PASSWORD) {
		if (why[0] == '\0')
			(void)snprintf(why, len, "no password prompt");
		return p == AUDIT_PROMPT_LOCKED ? AUDIT_LOCKED : AUDIT_ERROR;
	}
	if (tn_line(c, pw, why, len) == -1)
		return AUDIT_ERROR;
	p = wait_prompt(c, why, len, &eof);
	switch (p) {
	case AUDIT_PROMPT_SHELL:
		(void)snprintf(why, len, "shell prompt");
		c->in_shell = true;
		return AUDIT_FOUND;
	case AUDIT_PROMPT_LOGIN:
	case AUDIT_PROMPT_DENIED:
		/* "Login incorrect" may come before the next prompt. */
		if (!c->at_login && !eof)
			(void)wait_prompt(c, why, len, &eof);
		*closed = !c->at_login;
		(void)snprintf(why, len, "login refused");
		return AUDIT_DENIED;
	case AUDIT_PROMPT_LOCKED:
		(void)snprintf(why, len, "the server says locked or too many");
		return AUDIT_LOCKED;
	default:
		if (why[0] == '\0')
			(void)snprintf(why, len, "no answer after the password");
		return AUDIT_ERROR;
	}
}

static void
tn_close(struct audit_conn *c)
{
	char why[64];

	/* Leave a shell the way a user would; nothing else is typed. */
	if (c->in_shell && c->fd != -1)
		(void)tn_line(c, "exit", why, sizeof(why));
	c->in_shell = false;
	c->at_login = false;
	audit_conn_close_fd(c);
}

const struct audit_driver audit_telnet_driver = {
	.proto = AUDIT_TELNET,
	.per_conn = 2,
	.open = tn_open,
	.attempt = tn_attempt,
	.close = tn_close,
};
