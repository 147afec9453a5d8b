/*
 * audit-private.h - inside ward audit: the protocol drivers, the socket
 * helpers they share and the loop that runs a target's plan (engine.c).
 * Linked into the ward program only (libssh, libmariadb and libpq stay
 * out of libward, its tests and fuzz targets).
 */
#ifndef WARD_AUDIT_PRIVATE_H
#define WARD_AUDIT_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ward/audit.h"

#define AUDIT_WHY_MAX	160
#define AUDIT_BUF_MAX	(AUDIT_HTTP_HEAD_MAX + 65536)

/* One connection to a target (or, for one-shot drivers, none between
 * attempts). */
struct audit_conn {
	const struct audit_target *t;
	int		 timeout_ms;
	int		 fd;		/* -1: none */
	void		*h;		/* a library's session */
	char		 user[AUDIT_TEXT_MAX * 2];	/* the open one's */
	bool		 at_login;	/* Telnet: a login prompt is waiting */
	bool		 in_shell;	/* Telnet: logged in, a shell waits */
	int		 method;	/* SSH: how passwords are sent */
	struct audit_telnet tn;
	uint8_t		*buf;		/* received, not yet consumed */
	size_t		 buflen;
};

/*
 * A protocol. open() connects (or does nothing for one-shot drivers) and
 * returns 0, or -1 with why. attempt() tries one credential on the open
 * connection and sets *closed when the connection can serve no more
 * guesses. close() ends the connection politely; a no-op when none is
 * open. probe(), when not NULL, runs once before the first guess and
 * sends no credential.
 */
struct audit_driver {
	enum audit_proto proto;
	unsigned	 per_conn;	/* guesses on one connection */
	bool		 same_user;	/* a connection serves one user name */
	int		(*open)(struct audit_conn *, char *why, size_t);
	enum audit_result (*attempt)(struct audit_conn *, const char *user,
			    const char *password, char *why, size_t,
			    bool *closed);
	void		(*close)(struct audit_conn *);
	enum audit_result (*probe)(struct audit_conn *, char *why, size_t);
};

extern const struct audit_driver audit_ssh_driver;
extern const struct audit_driver audit_telnet_driver;
extern const struct audit_driver audit_ftp_driver;
extern const struct audit_driver audit_http_driver;
extern const struct audit_driver audit_tomcat_driver;
extern const struct audit_driver audit_weblogic_driver;
extern const struct audit_driver audit_mysql_driver;
extern const struct audit_driver audit_pgsql_driver;

/* Sockets with a deadline on every call (net.c). */

/* A TCP connection to t; the descriptor, or -1 with why. */
int audit_tcp_connect(const struct audit_target *t, int timeout_ms,
    char *why, size_t);
/* Sends all n bytes; 0, or -1 with why. */
int audit_send(int fd, const void *p, size_t n, int timeout_ms, char *why,
    size_t);
/* Receives up to cap bytes: the count, 0 at the end, -1 with why. */
ssize_t audit_recv(int fd, void *p, size_t cap, int timeout_ms, char *why,
    size_t);
/* Receives more into c->buf (AUDIT_BUF_MAX); as audit_recv. */
ssize_t audit_fill(struct audit_conn *c, char *why, size_t);
void audit_consume(struct audit_conn *c, size_t n);
void audit_conn_close_fd(struct audit_conn *c);
/* The address as text, for libraries that take a string. */
const char *audit_addr_str(const struct audit_target *t, char *buf,
    size_t len);
/* A short, printable copy of a server's message (first line). */
void audit_why_text(char *why, size_t len, const char *prefix,
    const char *msg);

/* What the command asks of a run. */
struct audit_run_opts {
	unsigned	 max_guesses;	/* 0: no cap beyond the lockout */
	uint64_t	 delay_usec;	/* between two attempts */
	int		 timeout_ms;	/* each connect, send and receive */
	FILE		*log;		/* the attempt log (JSON lines) */
};

enum audit_status {
	AUDIT_ST_FOUND,		/* a credential works */
	AUDIT_ST_CLEAN,		/* every planned guess was refused */
	AUDIT_ST_STOPPED,	/* stopped on an error or a lock */
	AUDIT_ST_NOPLAN,	/* no credential applies, or lockout 1 */
};

struct audit_outcome {
	struct audit_plan plan;
	enum audit_status status;
	unsigned	 attempts;	/* guesses sent */
	unsigned	 conns;		/* connections opened */
	const struct audit_cred *found;
	enum audit_tier	 found_tier;
	char		 why[AUDIT_WHY_MAX];	/* of a stop */
};

const struct audit_driver *audit_driver_for(enum audit_proto);

/*
 * Runs the plan on t, one connection at a time, never more than
 * plan->limit guesses, each logged; stops at the first credential that
 * works and at the first error or lock. -1 only when the log cannot be
 * written.
 */
int audit_run_target(const struct audit_target *t,
    const struct audit_run_opts *, struct audit_outcome *);

#endif
