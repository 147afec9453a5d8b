/*
 * pgsql.c - default credentials on PostgreSQL, through libpq: one
 * connection per guess (the protocol authenticates once per connection),
 * to the "postgres" database.
 *
 * sslmode is "disable", or "require" with the target's tls=1, never
 * "prefer": with prefer, libpq retries a refused login without TLS, and
 * one guess would become two. No password file, no service file, no
 * GSSAPI. A login refused only because the database does not exist
 * proves the password (the server checks it first).
 */
#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "audit-private.h"

static int
pg_open(struct audit_conn *c, char *why, size_t len)
{
	(void)c;
	(void)why;
	(void)len;
	return 0;
}

static enum audit_result
pg_attempt(struct audit_conn *c, const char *user, const char *pw,
    char *why, size_t len, bool *closed)
{
	char host[ADDR_STRLEN], port[8], tmo[16];
	const char *keys[] = { "hostaddr", "port", "user", "password",
		"dbname", "connect_timeout", "sslmode", "gssencmode",
		"passfile", "application_name", "client_encoding", NULL };
	const char *vals[12];
	const char *msg;
	PGconn *pc;
	enum audit_result res;

	*closed = true;
	(void)audit_addr_str(c->t, host, sizeof(host));
	(void)snprintf(port, sizeof(port), "%u", c->t->port);
	(void)snprintf(tmo, sizeof(tmo), "%d", c->timeout_ms / 1000 > 2 ?
	    c->timeout_ms / 1000 : 2);
	vals[0] = host;
	vals[1] = port;
	vals[2] = user;
	vals[3] = pw;
	vals[4] = "postgres";
	vals[5] = tmo;
	vals[6] = c->t->tls ? "require" : "disable";
	vals[7] = "disable";
	vals[8] = "/dev/null";
	vals[9] = "ward-audit";
	vals[10] = "UTF8";
	vals[11] = NULL;
	if ((pc = PQconnectdbParams(keys, vals, 0)) == NULL) {
		(void)snprintf(why, len, "postgresql: out of memory");
		return AUDIT_ERROR;
	}
	if (PQstatus(pc) == CONNECTION_OK) {
		(void)snprintf(why, len, "login accepted");
		PQfinish(pc);
		return AUDIT_FOUND;
	}
	msg = PQerrorMessage(pc);
	/* libpq prefixes "connection to server at ... failed: ". */
	{
		const char *f = strstr(msg, "failed: ");

		audit_why_text(why, len, "", f != NULL ? f + 8 : msg);
	}
	if (strstr(msg, "password authentication failed") != NULL ||
	    strstr(msg, "no password supplied") != NULL)
		res = AUDIT_DENIED;
	else if (strstr(msg, "database \"postgres\" does not exist") != NULL)
		res = AUDIT_FOUND;
	else
		res = AUDIT_ERROR;
	PQfinish(pc);
	return res;
}

static void
pg_close(struct audit_conn *c)
{
	(void)c;
}

const struct audit_driver audit_pgsql_driver = {
	.proto = AUDIT_PGSQL,
	.per_conn = 1,
	.open = pg_open,
	.attempt = pg_attempt,
	.close = pg_close,
};
