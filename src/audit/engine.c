/*
 * engine.c - runs one target's plan: one connection at a time, at most
 * the plan's limit of guesses, a pause between any two attempts, every
 * attempt logged (never a password), and a stop at the first credential
 * that works and at the first error or lock: a device that struggles is
 * left alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit-private.h"

const struct audit_driver *
audit_driver_for(enum audit_proto p)
{
	switch (p) {
	case AUDIT_SSH:
		return &audit_ssh_driver;
	case AUDIT_TELNET:
		return &audit_telnet_driver;
	case AUDIT_FTP:
		return &audit_ftp_driver;
	case AUDIT_HTTP:
		return &audit_http_driver;
	case AUDIT_TOMCAT:
		return &audit_tomcat_driver;
	case AUDIT_MYSQL:
		return &audit_mysql_driver;
	case AUDIT_PGSQL:
		return &audit_pgsql_driver;
	case AUDIT_WEBLOGIC:
		return &audit_weblogic_driver;
	case AUDIT_NPROTO:
		break;
	}
	return NULL;
}

static uint64_t
clock_usec(clockid_t id)
{
	struct timespec ts;

	(void)clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* The end of the last attempt, over every target (monotonic). */
static uint64_t last_end;

/* Waits until delay has passed since the last attempt ended. */
static void
pace(uint64_t delay)
{
	uint64_t now = clock_usec(CLOCK_MONOTONIC), until;
	struct timespec ts;

	if (last_end == 0 || now >= last_end + delay)
		return;
	until = last_end + delay;
	ts.tv_sec = (time_t)(until / 1000000);
	ts.tv_nsec = (long)(until % 1000000) * 1000;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	    EINTR)
		;
}

static int
log_attempt(const struct audit_run_opts *o, const struct audit_attempt *a)
{
	char line[2048];
	int n;

	if (o->log == NULL)
		return 0;
	if ((n = audit_attempt_json(a, line, sizeof(line))) < 0)
		return -1;
	if (fwrite(line, 1, (size_t)n, o->log) != (size_t)n ||
	    fflush(o->log) == EOF)
		return -1;
	return 0;
}

static void
begin(struct audit_attempt *a, const struct audit_target *t, uint64_t *mono)
{
	memset(a, 0, sizeof(*a));
	a->target = t;
	a->time_usec = clock_usec(CLOCK_REALTIME);
	*mono = clock_usec(CLOCK_MONOTONIC);
}

static void
end(struct audit_attempt *a, uint64_t mono)
{
	last_end = clock_usec(CLOCK_MONOTONIC);
	a->duration_usec = last_end - mono;
}

int
audit_run_target(const struct audit_target *t,
    const struct audit_run_opts *o, struct audit_outcome *out)
{
	const struct audit_driver *d = audit_driver_for(t->proto);
	const struct audit_plan *p = &out->plan;
	struct audit_conn c;
	struct audit_attempt a;
	char why[AUDIT_WHY_MAX];
	unsigned on_conn = 0;
	bool open = false, closed;
	uint64_t mono;
	int rc = 0;

	out->status = AUDIT_ST_NOPLAN;
	out->attempts = out->conns = 0;
	out->found = NULL;
	out->why[0] = '\0';
	if (d == NULL || p->n == 0)
		return 0;
	memset(&c, 0, sizeof(c));
	c.t = t;
	c.fd = -1;
	c.timeout_ms = o->timeout_ms;
	out->status = AUDIT_ST_CLEAN;
	if (d->probe != NULL) {
		pace(o->delay_usec);
		begin(&a, t, &mono);
		why[0] = '\0';
		a.conn = ++out->conns;
		a.result = d->probe(&c, why, sizeof(why));
		a.detail = why;
		end(&a, mono);
		if (log_attempt(o, &a) == -1)
			rc = -1;
		if (a.result != AUDIT_DENIED) {
			out->status = AUDIT_ST_STOPPED;
			(void)snprintf(out->why, sizeof(out->why), "probe: %.150s",
			    why);
			goto done;
		}
	}
	for (size_t i = 0; i < p->n && out->attempts < p->limit; i++) {
		const struct audit_cred *cr = p->c[i];

		/* A connection serves per_conn guesses (and one user). */
		if (open && (on_conn >= d->per_conn ||
		    (d->same_user && strcmp(c.user, cr->user) != 0))) {
			d->close(&c);
			open = false;
		}
		pace(o->delay_usec);
		begin(&a, t, &mono);
		a.n = out->attempts + 1;
		a.entry = cr->id;
		a.user = cr->user;
		why[0] = '\0';
		if (!open) {
			(void)snprintf(c.user, sizeof(c.user), "%s", cr->user);
			out->conns++;
			on_conn = 0;
			if (d->open(&c, why, sizeof(why)) == -1) {
				/* No guess went out: logged, not counted. */
				a.n = 0;
				a.conn = out->conns;
				a.result = AUDIT_ERROR;
				a.detail = why;
				end(&a, mono);
				if (log_attempt(o, &a) == -1)
					rc = -1;
				out->status = AUDIT_ST_STOPPED;
				(void)snprintf(out->why, sizeof(out->why),
				    "%s", why);
				goto done;
			}
			open = true;
		}
		a.conn = out->conns;
		closed = false;
		a.result = d->attempt(&c, cr->user, cr->password, why,
		    sizeof(why), &closed);
		a.detail = why;
		end(&a, mono);
		out->attempts++;
		on_conn++;
		if (closed) {
			d->close(&c);
			open = false;
		}
		/* An attempt that cannot be logged ends the audit's guessing. */
		if (log_attempt(o, &a) == -1) {
			rc = -1;
			out->status = AUDIT_ST_STOPPED;
			(void)snprintf(out->why, sizeof(out->why), "the attempt "
			    "log cannot be written");
			break;
		}
		if (a.result == AUDIT_FOUND) {
			out->status = AUDIT_ST_FOUND;
			out->found = cr;
			out->found_tier = p->tier[i];
			break;
		}
		if (a.result == AUDIT_ERROR || a.result == AUDIT_LOCKED) {
			out->status = AUDIT_ST_STOPPED;
			(void)snprintf(out->why, sizeof(out->why), "%s%s",
			    a.result == AUDIT_LOCKED ? "locked: " : "", why);
			break;
		}
	}
done:
	if (open || c.fd != -1 || c.h != NULL)
		d->close(&c);
	audit_conn_close_fd(&c);
	free(c.buf);
	return rc;
}
