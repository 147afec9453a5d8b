/*
 * ssh.c - default credentials over SSH (RFC 4252 section 8, the
 * "password" method), through libssh.
 *
 * Several guesses share one connection, as RFC 4252 allows, but only for
 * one user name: OpenSSH disconnects a client that changes it. Three
 * guesses per connection stay below OpenSSH's MaxAuthTries (6) and
 * Dropbear's (10). The host key is not checked: nothing secret is sent
 * that the device's manual does not already publish, and the audit never
 * opens a session. libssh reads no configuration file (PROCESS_CONFIG
 * off) so that the user's ~/.ssh/config cannot change where it goes.
 */
#include <stdio.h>
#include <string.h>

#include <libssh/libssh.h>

#include "audit-private.h"

static int
ssh_open(struct audit_conn *c, char *why, size_t len)
{
	char host[ADDR_STRLEN];
	ssh_session s;
	long tmo = c->timeout_ms / 1000 > 0 ? c->timeout_ms / 1000 : 1;
	unsigned int port = c->t->port;
	int no = 0, verbosity = SSH_LOG_NOLOG;
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
	c->h = s;
	return 0;
}

static enum audit_result
ssh_attempt(struct audit_conn *c, const char *user, const char *pw,
    char *why, size_t len, bool *closed)
{
	ssh_session s = c->h;
	int rc, methods;

	rc = ssh_userauth_password(s, user, pw);
	switch (rc) {
	case SSH_AUTH_SUCCESS:
		(void)snprintf(why, len, "password accepted");
		return AUDIT_FOUND;
	case SSH_AUTH_PARTIAL:
		(void)snprintf(why, len, "password accepted, another factor "
		    "asked");
		return AUDIT_FOUND;
	case SSH_AUTH_DENIED:
		*closed = ssh_is_connected(s) == 0;
		methods = ssh_userauth_list(s, user);
		if (!(methods & SSH_AUTH_METHOD_PASSWORD)) {
			(void)snprintf(why, len, "the server offers no "
			    "password method");
			return AUDIT_ERROR;
		}
		(void)snprintf(why, len, "password refused");
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
