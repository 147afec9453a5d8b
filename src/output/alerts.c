/*
 * alerts.c - alerts as JSON (the EVE "alert" event, docs/eve.md), as CEF
 * (ArcSight Common Event Format 25, the line SIEMs read), and a syslog
 * sender for the CEF lines: a file, UDP, TCP (newline framed, RFC 6587
 * 3.4.2) or a local datagram socket such as /dev/log.
 *
 *	<132>Nov 21 10:00:01 sensor1 ward[412]: CEF:0|ward|ward|0.5.0|
 *	    port_scan|Port scan|5|rt=... src=10.0.0.9 cs1Label=asset cs1=...
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ward-config.h"
#include "ward/output.h"
#include "ward/store.h"

static void
set_addr(json_t *o, const char *key, const struct ward_addr *a)
{
	char buf[ADDR_STRLEN];

	if (a->family != 0)
		json_object_set_new(o, key, json_string(addr_fmt(a, buf,
		    sizeof(buf))));
}

json_t *
json_alert_evidence(const struct alert *a)
{
	json_t *ev = json_object();

	for (size_t i = 0; i < a->nev; i++) {
		json_t *old = json_object_get(ev, a->ev[i].key);

		/* A key given twice becomes a list of its values. */
		if (old == NULL)
			json_object_set_new(ev, a->ev[i].key,
			    json_string(a->ev[i].value));
		else if (json_is_array(old))
			json_array_append_new(old,
			    json_string(a->ev[i].value));
		else {
			json_t *l = json_array();

			json_array_append(l, old);
			json_array_append_new(l, json_string(a->ev[i].value));
			json_object_set_new(ev, a->ev[i].key, l);
		}
	}
	return ev;
}

json_t *
json_alert(const struct alert_record *r)
{
	const struct alert *a = r->alert;
	json_t *o = json_object();
	char buf[40];

	json_object_set_new(o, "id", json_integer((json_int_t)r->id));
	json_object_set_new(o, "type", json_string(alert_type_name(a->type)));
	json_object_set_new(o, "category",
	    json_string(alert_type_category(a->type)));
	json_object_set_new(o, "severity",
	    json_string(alert_severity_name(alert_severity(a))));
	json_object_set_new(o, "asset", json_string(a->asset));
	set_addr(o, "ip", &a->ip);
	if (a->peer[0] != '\0')
		json_object_set_new(o, "peer", json_string(a->peer));
	json_object_set_new(o, "object", json_string(a->object));
	json_object_set_new(o, "message", json_string(a->message));
	json_object_set_new(o, "evidence", json_alert_evidence(a));
	json_object_set_new(o, "count", json_integer((json_int_t)r->count));
	json_object_set_new(o, "first", json_string(fmt_time(r->first, buf,
	    sizeof(buf))));
	json_object_set_new(o, "last", json_string(fmt_time(r->last, buf,
	    sizeof(buf))));
	json_object_set_new(o, "update", json_boolean(r->update));
	return o;
}

void
eve_alert(struct eve *e, const struct alert_record *r)
{
	const struct alert *a = r->alert;
	json_t *body = json_object();
	char buf[ADDR_STRLEN];

	if (a->proto != 0) {
		json_object_set_new(body, "@proto",
		    json_string(proto_name(a->proto)));
		json_object_set_new(body, "@src_ip", json_string(addr_fmt(
		    &a->src_ip, buf, sizeof(buf))));
		json_object_set_new(body, "@src_port",
		    json_integer(a->src_port));
		json_object_set_new(body, "@dest_ip", json_string(addr_fmt(
		    &a->dst_ip, buf, sizeof(buf))));
		json_object_set_new(body, "@dest_port",
		    json_integer(a->dst_port));
	}
	json_object_set_new(body, "alert", json_alert(r));
	eve_write(e, r->last, "alert", body);
	json_decref(body);
}

/*
 * CEF escaping (CEF 25, "Character encoding"): in the header a backslash
 * and a pipe are escaped; in extension values a backslash and an equals
 * sign, and line breaks become \n and \r. Anything else not printable
 * ASCII was made \xHH when the text came off the wire.
 */
static size_t
cef_escape(char *out, size_t len, const char *s, bool header)
{
	size_t o = 0;

	for (; s != NULL && *s != '\0'; s++) {
		char c = *s, esc = 0;

		if (c == '\\' || (header && c == '|') || (!header && c == '='))
			esc = c;
		else if (!header && c == '\n')
			esc = 'n';
		else if (!header && c == '\r')
			esc = 'r';
		else if (header && (c == '\n' || c == '\r'))
			c = ' ';
		if (esc != 0) {
			if (o + 2 >= len)
				break;
			out[o++] = '\\';
			out[o++] = esc;
		} else {
			if (o + 1 >= len)
				break;
			out[o++] = c;
		}
	}
	if (len > 0)
		out[o < len ? o : len - 1] = '\0';
	return o;
}

/* CEF severity 0-10 from ward's five levels. */
static int
cef_severity(enum alert_severity s)
{
	switch (s) {
	case ALERT_SEV_INFO:
		return 1;
	case ALERT_SEV_LOW:
		return 3;
	case ALERT_SEV_MEDIUM:
		return 5;
	case ALERT_SEV_HIGH:
		return 8;
	case ALERT_SEV_CRITICAL:
		return 10;
	default:
		return 5;
	}
}

/* The alert type as a readable name: "port_scan" -> "Port scan". */
static void
type_title(enum alert_type t, char *buf, size_t len)
{
	(void)snprintf(buf, len, "%s", alert_type_name(t));
	for (char *p = buf; *p != '\0'; p++)
		if (*p == '_')
			*p = ' ';
	if (buf[0] >= 'a' && buf[0] <= 'z')
		buf[0] = (char)(buf[0] - 'a' + 'A');
}

struct cefbuf {
	char	*p;
	size_t	 len;
	size_t	 used;
	bool	 cut;
};

static void
cef_put(struct cefbuf *b, const char *key, const char *value)
{
	char esc[1024];
	int w;

	if (value == NULL || value[0] == '\0' || b->cut)
		return;
	cef_escape(esc, sizeof(esc), value, false);
	w = snprintf(b->p + b->used, b->len - b->used, "%s%s=%s",
	    b->used > 0 && b->p[b->used - 1] != '|' ? " " : "", key, esc);
	if (w < 0 || (size_t)w >= b->len - b->used) {
		b->p[b->used] = '\0';
		b->cut = true;
		return;
	}
	b->used += (size_t)w;
}

static void
cef_put_u64(struct cefbuf *b, const char *key, uint64_t v)
{
	char num[24];

	(void)snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	cef_put(b, key, num);
}

size_t
cef_format(const struct alert_record *r, char *out, size_t len)
{
	const struct alert *a = r->alert;
	struct cefbuf b = { out, len, 0, false };
	char title[64], name[64], addr[ADDR_STRLEN], ev[1024];
	size_t evused = 0;
	int w;

	if (len == 0)
		return 0;
	type_title(a->type, title, sizeof(title));
	cef_escape(name, sizeof(name), title, true);
	w = snprintf(out, len, "CEF:0|ward|ward|%s|%s|%s|%d|", WARD_VERSION,
	    alert_type_name(a->type), name, cef_severity(alert_severity(a)));
	if (w < 0 || (size_t)w >= len) {
		out[len - 1] = '\0';
		return strlen(out);
	}
	b.used = (size_t)w;
	/* Device event times are milliseconds since the epoch (CEF "rt"). */
	cef_put_u64(&b, "rt", r->last / 1000);
	cef_put_u64(&b, "start", r->first / 1000);
	cef_put_u64(&b, "end", r->last / 1000);
	cef_put_u64(&b, "cnt", r->count);
	cef_put(&b, "cat", alert_type_category(a->type));
	cef_put(&b, "msg", a->message);
	if (a->proto != 0) {
		cef_put(&b, "proto", proto_name(a->proto));
		cef_put(&b, "src", addr_fmt(&a->src_ip, addr, sizeof(addr)));
		cef_put_u64(&b, "spt", a->src_port);
		cef_put(&b, "dst", addr_fmt(&a->dst_ip, addr, sizeof(addr)));
		cef_put_u64(&b, "dpt", a->dst_port);
	} else if (a->ip.family != 0)
		cef_put(&b, "src", addr_fmt(&a->ip, addr, sizeof(addr)));
	cef_put_u64(&b, "externalId", r->id);
	cef_put(&b, "cs1Label", "asset");
	cef_put(&b, "cs1", a->asset);
	cef_put(&b, "cs2Label", "object");
	cef_put(&b, "cs2", a->object);
	cef_put(&b, "cs3Label", "peer");
	cef_put(&b, "cs3", a->peer);
	ev[0] = '\0';
	for (size_t i = 0; i < a->nev; i++) {
		w = snprintf(ev + evused, sizeof(ev) - evused, "%s%s=%s",
		    evused ? "; " : "", a->ev[i].key, a->ev[i].value);
		if (w < 0 || (size_t)w >= sizeof(ev) - evused)
			break;
		evused += (size_t)w;
	}
	cef_put(&b, "cs4Label", "evidence");
	cef_put(&b, "cs4", ev);
	if (r->update)
		cef_put(&b, "act", "update");
	return b.used;
}

/* The syslog sender. */

struct syslog_out {
	int		 fd;		/* -1 for a file */
	FILE		*fp;
	bool		 stream;	/* TCP: lines end with LF */
	int		 facility;
	char		 host[256];
	char		 target[512];
	uint64_t	 failed;
};

static int
connect_inet(const char *hostport, int type, char *err, size_t errlen)
{
	char host[256], *colon;
	const char *port;
	struct addrinfo hints, *res, *ai;
	int fd = -1, rc;

	(void)snprintf(host, sizeof(host), "%s", hostport);
	if (host[0] == '[') {
		/* [2001:db8::1]:514 */
		char *close = strchr(host, ']');

		if (close == NULL || close[1] != ':') {
			snprintf(err, errlen, "'%s' is not [address]:port",
			    hostport);
			return -1;
		}
		*close = '\0';
		port = close + 2;
		memmove(host, host + 1, strlen(host));
	} else if ((colon = strrchr(host, ':')) != NULL) {
		*colon = '\0';
		port = colon + 1;
	} else
		port = "514";
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = type;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", hostport, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol)) == -1)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	if (fd == -1)
		snprintf(err, errlen, "%s: %s", hostport, strerror(errno));
	freeaddrinfo(res);
	return fd;
}

static int
connect_unix(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

struct syslog_out *
syslog_open(const char *target, int facility, char *err, size_t errlen)
{
	struct syslog_out *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->fd = -1;
	s->facility = facility;
	(void)snprintf(s->target, sizeof(s->target), "%s", target);
	if (gethostname(s->host, sizeof(s->host) - 1) == -1 ||
	    s->host[0] == '\0')
		(void)snprintf(s->host, sizeof(s->host), "ward");
	if (strncmp(target, "udp://", 6) == 0)
		s->fd = connect_inet(target + 6, SOCK_DGRAM, err, errlen);
	else if (strncmp(target, "tcp://", 6) == 0) {
		s->fd = connect_inet(target + 6, SOCK_STREAM, err, errlen);
		s->stream = true;
	} else if (strncmp(target, "unix://", 7) == 0)
		s->fd = connect_unix(target + 7, err, errlen);
	else {
		const char *path = strncmp(target, "file://", 7) == 0 ?
		    target + 7 : target;

		if ((s->fp = fopen(path, "a")) == NULL)
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
	}
	if (s->fd == -1 && s->fp == NULL) {
		free(s);
		return NULL;
	}
	return s;
}

/* Syslog severity (RFC 5424 6.2.1) from ward's. */
static int
syslog_severity(enum alert_severity s)
{
	switch (s) {
	case ALERT_SEV_CRITICAL:
		return 2;
	case ALERT_SEV_HIGH:
		return 3;
	case ALERT_SEV_MEDIUM:
		return 4;
	case ALERT_SEV_LOW:
		return 5;
	default:
		return 6;
	}
}

/* One CEF line: on its own to a file, else under the BSD syslog header. */
static void
syslog_line(struct syslog_out *s, int severity, uint64_t ts, const char *cef)
{
	char line[2400], stamp[32];
	struct tm tm;
	time_t t = (time_t)(ts / 1000000);
	int n;

	if (s->fp != NULL) {
		if (fprintf(s->fp, "%s\n", cef) < 0)
			s->failed++;
		return;
	}
	/* The BSD syslog header (RFC 3164 4.1) the CEF guide shows. */
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm) == 0)
		(void)snprintf(stamp, sizeof(stamp), "Jan  1 00:00:00");
	n = snprintf(line, sizeof(line), "<%d>%s %s ward[%ld]: %s%s",
	    s->facility * 8 + severity, stamp, s->host, (long)getpid(), cef,
	    s->stream ? "\n" : "");
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		n = (int)sizeof(line) - 1;
		if (s->stream)
			line[n - 1] = '\n';
	}
	if (send(s->fd, line, (size_t)n, MSG_NOSIGNAL) != n)
		s->failed++;
}

void
syslog_alert(struct syslog_out *s, const struct alert_record *r)
{
	char cef[2048];

	cef_format(r, cef, sizeof(cef));
	syslog_line(s, syslog_severity(alert_severity(r->alert)), r->last, cef);
}

/* A finding's severity as an alert's ("high"; none: medium). */
static enum alert_severity
finding_severity(const struct store_vuln_finding *f)
{
	enum alert_severity sev = f->severity != NULL ?
	    alert_severity_parse(f->severity) : (enum alert_severity)0;

	/* 0 is "not a severity name" (ALERT_SEV_DEFAULT). */
	return sev == 0 ? ALERT_SEV_MEDIUM : sev;
}

size_t
cef_format_vuln(const struct store_vuln_finding *f, uint64_t ts, char *out,
    size_t len)
{
	struct cefbuf b = { out, len, 0, false };
	char name[128], title[128], conf[16];
	int w;

	if (len == 0)
		return 0;
	(void)snprintf(title, sizeof(title), "%s %s", f->advisory, f->status);
	cef_escape(name, sizeof(name), title, true);
	w = snprintf(out, len, "CEF:0|ward|ward|%s|vulnerability|%s|%d|",
	    WARD_VERSION, name, cef_severity(finding_severity(f)));
	if (w < 0 || (size_t)w >= len) {
		out[len - 1] = '\0';
		return strlen(out);
	}
	b.used = (size_t)w;
	cef_put_u64(&b, "rt", ts / 1000);
	cef_put(&b, "cat", "vulnerability");
	cef_put(&b, "msg", f->reason);
	cef_put(&b, "cs1Label", "asset");
	cef_put(&b, "cs1", f->asset);
	cef_put(&b, "cs2Label", "advisory");
	cef_put(&b, "cs2", f->advisory);
	cef_put(&b, "cs3Label", "status");
	cef_put(&b, "cs3", f->status);
	cef_put(&b, "cs4Label", "evidence");
	cef_put(&b, "cs4", f->evidence);
	cef_put(&b, "cs5Label", "component");
	cef_put(&b, "cs5", f->component);
	(void)snprintf(conf, sizeof(conf), "%.2f", f->confidence);
	cef_put(&b, "cfp1Label", "confidence");
	cef_put(&b, "cfp1", conf);
	return b.used;
}

void
syslog_vuln(struct syslog_out *s, const struct store_vuln_finding *f,
    uint64_t ts)
{
	char cef[2048];

	cef_format_vuln(f, ts, cef, sizeof(cef));
	syslog_line(s, syslog_severity(finding_severity(f)), ts, cef);
}

uint64_t
syslog_failures(const struct syslog_out *s)
{
	return s->failed;
}

int
syslog_close(struct syslog_out *s)
{
	int rc = 0;

	if (s == NULL)
		return 0;
	if (s->fp != NULL && (fflush(s->fp) == EOF || fclose(s->fp) == EOF))
		rc = -1;
	if (s->fd != -1)
		close(s->fd);
	if (s->failed > 0)
		rc = -1;
	free(s);
	return rc;
}
