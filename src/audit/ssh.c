/*
 * ssh.c - default credentials over SSH (RFC 4252 section 8, the
 * "password" method), through libssh.
 *
 * Several guesses share one connection, as RFC 4252 allows, but only for
 * one user name: OpenSSH disconnects a client that changes it. Three
 * guesses per connection stay below OpenSSH's MaxAuthTries (6) and
 * Dropbear's (10).
 *
 * Each connection first asks for the "none" method (RFC 4252 section
 * 5.2), which OpenSSH does not count as a failure, to learn the methods
 * the server takes: "password", else "keyboard-interactive" (RFC 4256,
 * what PAM-based devices offer; the password answers the prompt that does
 * not echo). A server that takes neither stops the target; one that takes
 * "none" asks no password at all, which is reported as found. The host key is not checked: nothing secret is sent
 * that the device's manual does not already publish, and the audit never
 * opens a session. libssh reads no configuration file (PROCESS_CONFIG
 * off) so that the user's ~/.ssh/config cannot change where it goes.
 */
#include <stdio.h>
#include <string.h>

#include <libssh/libssh.h>

#include "audit-private.h"

enum { M_PASSWORD = 1, M_KBDINT, M_NONE };
#define KBDINT_ROUNDS	4

static int
ssh_open(struct audit_conn *c, char *why, size_t len)
{
	char host[ADDR_STRLEN];
	ssh_session s;
	long tmo = c->timeout_ms / 1000 > 0 ? c->timeout_ms / 1000 : 1;
	unsigned int port = c->t->port;
	int no = 0, verbosity = SSH_LOG_NOLOG, methods;
	bool proc = false;

	if ((s = ssh_new()) == NULL) {
		(void)snprintf(why, len, "ssh: out of memory");
		return -1;
	}
	(void)audit_addr_str(c->t, host, sizeof(host));
	if (ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &proc) != 0 ||
	    ssh_options_set(s, SSH_OPTIONS_HOST, host) != 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PORT, &port) != 0 ||
	    ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &tmo) != 0 ||
	    ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity) != 0 ||
	    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null") != 0 ||
	    ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null") != 0 ||
	    ssh_options_set(s, SSH_OPTIONS_USER, c->user) != 0 ||
	    ssh_options_set(s, SSH_OPTIONS_COMPRESSION, "no") != 0 ||
	    ssh_options_set(s, SSH_OPTIONS_GSSAPI_DELEGATE_CREDENTIALS,
	    &no) != 0) {
		audit_why_text(why, len, "ssh: ", ssh_get_error(s));
		ssh_free(s);
		return -1;
	}
	if (ssh_connect(s) != SSH_OK) {
		audit_why_text(why, len, "ssh: ", ssh_get_error(s));
		ssh_free(s);
		return -1;
	}
	switch (ssh_userauth_none(s, NULL)) {
	case SSH_AUTH_SUCCESS:
		c->method = M_NONE;
		break;
	case SSH_AUTH_DENIED:
	case SSH_AUTH_PARTIAL:
		methods = ssh_userauth_list(s, NULL);
		if (methods & SSH_AUTH_METHOD_PASSWORD) {
			c->method = M_PASSWORD;
		} else if (methods & SSH_AUTH_METHOD_INTERACTIVE) {
			c->method = M_KBDINT;
		} else {
			(void)snprintf(why, len, "the server offers neither "
			    "password nor keyboard-interactive logins");
			goto fail;
		}
		break;
	default:
		audit_why_text(why, len, "ssh: ", ssh_get_error(s));
		goto fail;
	}
	c->h = s;
	return 0;
fail:
	ssh_disconnect(s);
	ssh_free(s);
	return -1;
}

/* RFC 4256: answers every prompt, the password to those that do not
 * echo, the user name to those that do. */
static int
kbdint(ssh_session s, const char *user, const char *pw)
{
	int rc = ssh_userauth_kbdint(s, NULL, NULL);
	char echo;

	for (int round = 0; rc == SSH_AUTH_INFO; round++) {
		int n = ssh_userauth_kbdint_getnprompts(s);

		if (round == KBDINT_ROUNDS || n < 0 || n > 4)
			return SSH_AUTH_ERROR;
		for (int i = 0; i < n; i++) {
			if (ssh_userauth_kbdint_getprompt(s, (unsigned)i,
			    &echo) == NULL ||
			    ssh_userauth_kbdint_setanswer(s, (unsigned)i,
			    echo ? user : pw) < 0)
				return SSH_AUTH_ERROR;
		}
		rc = ssh_userauth_kbdint(s, NULL, NULL);
	}
	return rc;
}

static enum audit_result
ssh_attempt(struct audit_conn *c, const char *user, const char *pw,
    char *why, size_t len, bool *closed)
{
	ssh_session s = c->h;
	int rc;

	(void)user;	/* the connection's user, set when it opened */
	if (c->method == M_NONE) {
		(void)snprintf(why, len, "the server asks no password");
		return AUDIT_FOUND;
	}
	rc = c->method == M_KBDINT ? kbdint(s, user, pw) :
	    ssh_userauth_password(s, NULL, pw);
	switch (rc) {
	case SSH_AUTH_SUCCESS:
		(void)snprintf(why, len, "%s accepted", c->method == M_KBDINT ?
		    "keyboard-interactive" : "password");
		return AUDIT_FOUND;
	case SSH_AUTH_PARTIAL:
		(void)snprintf(why, len, "password accepted, another factor "
		    "asked");
		return AUDIT_FOUND;
	case SSH_AUTH_DENIED:
		*closed = ssh_is_connected(s) == 0;
		(void)snprintf(why, len, "%s refused", c->method == M_KBDINT ?
		    "keyboard-interactive" : "password");
		return AUDIT_DENIED;
	default:
		*closed = true;
		audit_why_text(why, len, "ssh: ", ssh_get_error(s));
		return AUDIT_ERROR;
	}
}

static void
ssh_close(struct audit_conn *c)
{
	if (c->h == NULL)
		return;
	ssh_disconnect(c->h);
	ssh_free(c->h);
	c->h = NULL;
}

const struct audit_driver audit_ssh_driver = {
	.proto = AUDIT_SSH,
	.per_conn = 3,
	.same_user = true,
	.open = ssh_open,
	.attempt = ssh_attempt,
	.close = ssh_close,
};
