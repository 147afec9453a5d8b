/*
 * mysql.c - default credentials on MySQL and MariaDB, through MariaDB
 * Connector/C (libmariadb): one connection per guess (the protocol
 * authenticates once per connection; COM_CHANGE_USER needs a login
 * first), no database, no option file read, no reconnect.
 *
 * Errors (MariaDB error codes): 1045 access denied is a refusal; 1129
 * "host blocked" (max_connect_errors) is a lock; anything else, such as
 * 1130 "host not allowed" or 2003 "can't connect", stops the target.
 */
#include <stdio.h>
#include <string.h>

#include <mysql.h>

#include "audit-private.h"

static int
my_open(struct audit_conn *c, char *why, size_t len)
{
	(void)c;
	(void)why;
	(void)len;
	return 0;
}

static enum audit_result
my_attempt(struct audit_conn *c, const char *user, const char *pw,
    char *why, size_t len, bool *closed)
{
	char host[ADDR_STRLEN];
	unsigned int tmo = c->timeout_ms / 1000 > 0 ?
	    (unsigned)c->timeout_ms / 1000 : 1;
	unsigned int err;
	MYSQL *m;
	char no = 0;

	*closed = true;
	if ((m = mysql_init(NULL)) == NULL) {
		(void)snprintf(why, len, "mysql: out of memory");
		return AUDIT_ERROR;
	}
	(void)mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &tmo);
	(void)mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &tmo);
	(void)mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &tmo);
	(void)mysql_options(m, MYSQL_OPT_RECONNECT, &no);
	(void)audit_addr_str(c->t, host, sizeof(host));
	if (mysql_real_connect(m, host, user, pw, NULL, c->t->port, NULL,
	    0) != NULL) {
		(void)snprintf(why, len, "login accepted");
		mysql_close(m);
		return AUDIT_FOUND;
	}
	err = mysql_errno(m);
	audit_why_text(why, len, "", mysql_error(m));
	mysql_close(m);
	switch (err) {
	case 1045:	/* ER_ACCESS_DENIED_ERROR */
		return AUDIT_DENIED;
	case 1820:	/* ER_MUST_CHANGE_PASSWORD: the password was right */
	case 1862:	/* ER_MUST_CHANGE_PASSWORD_LOGIN */
		return AUDIT_FOUND;
	case 1129:	/* ER_HOST_IS_BLOCKED */
		return AUDIT_LOCKED;
	default:
		return AUDIT_ERROR;
	}
}

static void
my_close(struct audit_conn *c)
{
	(void)c;
}

const struct audit_driver audit_mysql_driver = {
	.proto = AUDIT_MYSQL,
	.per_conn = 1,
	.open = my_open,
	.attempt = my_attempt,
	.close = my_close,
};
