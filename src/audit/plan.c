/*
 * plan.c - which credentials ward audit tries on a target, in which
 * order and how many (audit_plan_make), and the line each attempt leaves
 * in the log (audit_attempt_json). See audit.h and docs/audit.md.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ward/audit.h"

static bool
same(const char *a, const char *b)
{
	return a != NULL && b != NULL && b[0] != '\0' &&
	    strcasecmp(a, b) == 0;
}

/*
 * The target's vendor and model: as given, else what a product's own
 * protocol says (a Tomcat manager is Apache Tomcat, a WebLogic console
 * Oracle WebLogic), so that the product's defaults come first.
 */
static void
target_product(const struct audit_target *t, const char **vendor,
    const char **model)
{
	*vendor = t->vendor;
	*model = t->model;
	if (t->vendor[0] != '\0')
		return;
	if (t->proto == AUDIT_TOMCAT) {
		*vendor = "Apache";
		*model = "Tomcat";
	} else if (t->proto == AUDIT_WEBLOGIC) {
		*vendor = "Oracle";
		*model = "WebLogic";
	}
}

/* The tier of c for t, or -1 when c does not apply to t. */
static int
tier_of(const struct audit_cred *c, const struct audit_target *t)
{
	const char *vendor, *model;

	if ((c->protos & (1U << t->proto)) == 0)
		return -1;
	if (c->vendor == NULL)
		return AUDIT_TIER_GENERIC;
	target_product(t, &vendor, &model);
	if (!same(c->vendor, vendor))
		return -1;
	if (c->model == NULL)
		return AUDIT_TIER_VENDOR;
	return same(c->model, model) ? AUDIT_TIER_MODEL : -1;
}

void
audit_plan_make(const struct audit_creds *cs, const struct audit_target *t,
    unsigned max_guesses, struct audit_plan *p)
{
	unsigned lo[3] = { 0, 0, 0 };
	int tier;

	memset(p, 0, sizeof(*p));
	if (cs == NULL)
		return;
	/* The device's lockout: what its most specific tier says. */
	for (size_t i = 0; i < cs->n; i++) {
		if ((tier = tier_of(&cs->v[i], t)) == -1)
			continue;
		if (lo[tier] == 0 || cs->v[i].lockout < lo[tier])
			lo[tier] = cs->v[i].lockout;
	}
	for (tier = AUDIT_TIER_MODEL; tier <= AUDIT_TIER_GENERIC; tier++)
		if (lo[tier] != 0) {
			p->lockout = lo[tier];
			break;
		}
	if (p->lockout == 0)
		return;
	p->limit = p->lockout - 1;
	if (max_guesses != 0 && max_guesses < p->limit)
		p->limit = max_guesses;
	if (p->limit > AUDIT_PLAN_MAX)
		p->limit = AUDIT_PLAN_MAX;
	for (tier = AUDIT_TIER_MODEL; tier <= AUDIT_TIER_GENERIC; tier++)
		for (size_t i = 0; i < cs->n && p->n < p->limit; i++) {
			const struct audit_cred *c = &cs->v[i];
			bool dup = false;

			if (tier_of(c, t) != tier)
				continue;
			for (size_t j = 0; j < p->n && !dup; j++)
				dup = strcmp(p->c[j]->user, c->user) == 0 &&
				    strcmp(p->c[j]->password, c->password) == 0;
			if (dup)
				continue;
			p->tier[p->n] = (enum audit_tier)tier;
			p->c[p->n++] = c;
		}
}

const char *
audit_result_name(enum audit_result r)
{
	switch (r) {
	case AUDIT_DENIED:
		return "denied";
	case AUDIT_FOUND:
		return "found";
	case AUDIT_ERROR:
		return "error";
	case AUDIT_LOCKED:
		return "locked";
	}
	return "?";
}

const char *
audit_remediation(enum audit_proto p)
{
	switch (p) {
	case AUDIT_SSH:
		return "Set a unique strong password for this account or turn "
		    "password logins off (PasswordAuthentication no) and use "
		    "keys; ask the vendor before changing a service account.";
	case AUDIT_TELNET:
		return "Turn Telnet off and use SSH; until then set a unique "
		    "strong password and restrict the port to the management "
		    "network.";
	case AUDIT_FTP:
		return "Set a unique strong password, prefer SFTP or FTPS, and "
		    "restrict the port to the hosts that transfer files.";
	case AUDIT_HTTP:
		return "Change the web interface's password and restrict it to "
		    "the management network; prefer HTTPS.";
	case AUDIT_TOMCAT:
		return "Change or remove the manager users in "
		    "tomcat-users.xml, restrict /manager with a "
		    "RemoteAddrValve, or undeploy the manager application.";
	case AUDIT_MYSQL:
		return "Set a strong password for the account (ALTER USER), "
		    "drop accounts that are not needed and bind the server to "
		    "the hosts that use it.";
	case AUDIT_PGSQL:
		return "Set a strong password for the role (ALTER ROLE ... "
		    "PASSWORD), use scram-sha-256 in pg_hba.conf and allow only "
		    "the hosts that use the database.";
	case AUDIT_WEBLOGIC:
		return "Change the administrator's password and restrict the "
		    "console (or turn it off in production domains).";
	case AUDIT_NPROTO:
		break;
	}
	return "Change the password.";
}

/* Appends to buf at *off; false when it no longer fits. */
static bool __attribute__((format(printf, 4, 5)))
put(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= len)
		return false;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - *off)
		return false;
	*off += (size_t)n;
	return true;
}

/* A JSON string: quotes, escapes, control characters as \u00XX. */
static bool
put_str(char *buf, size_t len, size_t *off, const char *s)
{
	if (!put(buf, len, off, "\""))
		return false;
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;
		bool ok;

		if (ch == '"' || ch == '\\')
			ok = put(buf, len, off, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			ok = put(buf, len, off, "\\u%04x", ch);
		else
			ok = put(buf, len, off, "%c", ch);
		if (!ok)
			return false;
	}
	return put(buf, len, off, "\"");
}

int
audit_attempt_json(const struct audit_attempt *a, char *buf, size_t len)
{
	const struct audit_target *t = a->target;
	char ts[32], addr[ADDR_STRLEN];
	time_t sec = (time_t)(a->time_usec / 1000000);
	struct tm tm;
	size_t off = 0;

	if (gmtime_r(&sec, &tm) == NULL ||
	    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		return -1;
	(void)addr_fmt(&t->addr, addr, sizeof(addr));
	if (!put(buf, len, &off, "{\"time\":\"%s.%06" PRIu64 "Z\","
	    "\"target\":", ts, a->time_usec % 1000000) ||
	    !put_str(buf, len, &off, t->name) ||
	    !put(buf, len, &off, ",\"protocol\":\"%s\",\"address\":\"%s\","
	    "\"port\":%u,\"attempt\":%u,\"connection\":%u,\"entry\":",
	    audit_proto_name(t->proto), addr, t->port, a->n, a->conn))
		return -1;
	if (a->entry != NULL ? !put_str(buf, len, &off, a->entry) :
	    !put(buf, len, &off, "null"))
		return -1;
	if (!put(buf, len, &off, ",\"user\":") ||
	    (a->user != NULL ? !put_str(buf, len, &off, a->user) :
	    !put(buf, len, &off, "null")) ||
	    !put(buf, len, &off, ",\"result\":\"%s\",\"detail\":",
	    audit_result_name(a->result)) ||
	    !put_str(buf, len, &off, a->detail != NULL ? a->detail : "") ||
	    !put(buf, len, &off, ",\"duration_ms\":%" PRIu64 ".%03" PRIu64
	    "}\n", a->duration_usec / 1000, a->duration_usec % 1000))
		return -1;
	return (int)off;
}
