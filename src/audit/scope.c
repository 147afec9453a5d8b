/*
 * scope.c - what ward audit may reach: the allow-list file and the
 * targets (URLs on the command line or in a targets file). See audit.h.
 *
 * Only numeric addresses are accepted on either side: a host name would
 * be resolved later, by a resolver the allow-list does not control, so
 * what was allowed and what is connected to could differ.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ward/audit.h"
#include "ward/error.h"

#define LINE_MAX_LEN	1024
#define PORTS_MAX	32	/* ranges per allow-list line */
#define WORDS_MAX	8	/* words after a target's URL */
#define FILE_MAX	(4U << 20)

static const struct {
	const char	*name;
	uint16_t	 port;
} protos[AUDIT_NPROTO] = {
	[AUDIT_SSH] = { "ssh", 22 },
	[AUDIT_TELNET] = { "telnet", 23 },
	[AUDIT_FTP] = { "ftp", 21 },
	[AUDIT_HTTP] = { "http", 80 },
	[AUDIT_TOMCAT] = { "tomcat", 8080 },
	[AUDIT_MYSQL] = { "mysql", 3306 },
	[AUDIT_PGSQL] = { "postgresql", 5432 },
	[AUDIT_WEBLOGIC] = { "weblogic", 7001 },
};

const char *
audit_proto_name(enum audit_proto p)
{
	return (unsigned)p < AUDIT_NPROTO ? protos[p].name : "?";
}

uint16_t
audit_proto_port(enum audit_proto p)
{
	return (unsigned)p < AUDIT_NPROTO ? protos[p].port : 0;
}

int
audit_proto_parse(const char *s, enum audit_proto *p)
{
	for (unsigned i = 0; i < AUDIT_NPROTO; i++)
		if (strcasecmp(s, protos[i].name) == 0) {
			*p = (enum audit_proto)i;
			return 0;
		}
	/* The usual aliases. */
	if (strcasecmp(s, "mariadb") == 0) {
		*p = AUDIT_MYSQL;
		return 0;
	}
	if (strcasecmp(s, "postgres") == 0 || strcasecmp(s, "pgsql") == 0) {
		*p = AUDIT_PGSQL;
		return 0;
	}
	return -1;
}

/* A decimal number in lo..hi, the whole string. */
static int
parse_num(const char *s, unsigned long lo, unsigned long hi,
    unsigned long *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || *v < lo || *v > hi)
		return -1;
	return 0;
}

/* The allow-list. */

struct allow_entry {
	struct ward_addr net;
	unsigned	 prefix;
	size_t		 nports;	/* 0: every port */
	uint16_t	 lo[PORTS_MAX];
	uint16_t	 hi[PORTS_MAX];
};

struct audit_allow {
	struct allow_entry *v;
	size_t		 n;
};

static bool
prefix_match(const struct ward_addr *net, unsigned prefix,
    const struct ward_addr *a)
{
	unsigned bytes = prefix / 8, bits = prefix % 8;

	if (net->family != a->family)
		return false;
	if (memcmp(net->b, a->b, bytes) != 0)
		return false;
	if (bits == 0)
		return true;
	return ((net->b[bytes] ^ a->b[bytes]) & (0xffU << (8 - bits)) &
	    0xff) == 0;
}

bool
audit_allow_permits(const struct audit_allow *al,
    const struct ward_addr *a, uint16_t port)
{
	for (size_t i = 0; al != NULL && i < al->n; i++) {
		const struct allow_entry *e = &al->v[i];

		if (!prefix_match(&e->net, e->prefix, a))
			continue;
		if (e->nports == 0)
			return true;
		for (size_t j = 0; j < e->nports; j++)
			if (port >= e->lo[j] && port <= e->hi[j])
				return true;
	}
	return false;
}

size_t
audit_allow_count(const struct audit_allow *al)
{
	return al != NULL ? al->n : 0;
}

void
audit_allow_free(struct audit_allow *al)
{
	if (al == NULL)
		return;
	free(al->v);
	free(al);
}

/* "22,80,8000-8100" into e. -1 with err on a bad list. */
static int
parse_ports(char *s, struct allow_entry *e, char *err, size_t errlen)
{
	char *tok, *save = NULL, *dash;
	unsigned long lo, hi;

	for (tok = strtok_r(s, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (e->nports == PORTS_MAX) {
			(void)snprintf(err, errlen, "more than %d port ranges",
			    PORTS_MAX);
			return -1;
		}
		if ((dash = strchr(tok, '-')) != NULL)
			*dash++ = '\0';
		if (parse_num(tok, 1, 65535, &lo) == -1 ||
		    (dash != NULL && parse_num(dash, 1, 65535, &hi) == -1)) {
			(void)snprintf(err, errlen, "'%s%s%s' is not a port "
			    "(1-65535) or a range", tok, dash ? "-" : "",
			    dash ? dash : "");
			return -1;
		}
		if (dash == NULL)
			hi = lo;
		if (hi < lo) {
			(void)snprintf(err, errlen, "range %lu-%lu is empty",
			    lo, hi);
			return -1;
		}
		e->lo[e->nports] = (uint16_t)lo;
		e->hi[e->nports] = (uint16_t)hi;
		e->nports++;
	}
	if (e->nports == 0) {
		(void)snprintf(err, errlen, "an empty port list");
		return -1;
	}
	return 0;
}

/* "ADDR[/PREFIX]" into e. */
static int
parse_net(char *s, struct allow_entry *e, char *err, size_t errlen)
{
	char *slash = strchr(s, '/');
	unsigned long p;
	unsigned max;

	if (slash != NULL)
		*slash++ = '\0';
	if (addr_parse(s, &e->net) == -1) {
		(void)snprintf(err, errlen, "'%s' is not an IPv4 or IPv6 "
		    "address (host names are not allowed)", s);
		return -1;
	}
	max = e->net.family == 4 ? 32 : 128;
	if (slash == NULL) {
		e->prefix = max;
	} else if (parse_num(slash, 0, max, &p) == -1) {
		(void)snprintf(err, errlen, "'/%s' is not a prefix length "
		    "0-%u", slash, max);
		return -1;
	} else {
		e->prefix = (unsigned)p;
	}
	if (e->prefix == 0) {
		(void)snprintf(err, errlen, "'%s/0' would allow every address",
		    s);
		return -1;
	}
	return 0;
}

/*
 * Splits a line into words (blanks), a '#' ends it. The line is changed
 * in place; the number of words, or -1 for more than max.
 */
static int
split_words(char *line, char **w, size_t max)
{
	size_t n = 0;
	char *p = line, *hash;

	if ((hash = strchr(line, '#')) != NULL)
		*hash = '\0';
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (*p == '\0')
			return (int)n;
		if (n == max)
			return -1;
		w[n++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		if (*p != '\0')
			*p++ = '\0';
	}
}

/*
 * Calls fn on each line of text (a copy, NUL-terminated, at most
 * LINE_MAX_LEN), with its number. Stops at the first -1.
 */
typedef int (*line_fn)(char *line, unsigned lineno, void *arg, char *err,
    size_t errlen);

static int
each_line(const char *text, size_t len, const char *name, line_fn fn,
    void *arg, char *err, size_t errlen)
{
	char line[LINE_MAX_LEN + 1], why[256];
	unsigned lineno = 0;
	size_t i = 0, j, n;

	while (i < len) {
		lineno++;
		for (j = i; j < len && text[j] != '\n'; j++)
			;
		n = j - i;
		if (n > LINE_MAX_LEN) {
			(void)snprintf(err, errlen, "%s:%u: line longer than "
			    "%d bytes", name, lineno, LINE_MAX_LEN);
			return -1;
		}
		if (memchr(text + i, '\0', n) != NULL) {
			(void)snprintf(err, errlen, "%s:%u: a NUL byte", name,
			    lineno);
			return -1;
		}
		memcpy(line, text + i, n);
		line[n] = '\0';
		why[0] = '\0';
		if (fn(line, lineno, arg, why, sizeof(why)) == -1) {
			(void)snprintf(err, errlen, "%s:%u: %s", name, lineno,
			    why);
			return -1;
		}
		i = j + 1;
	}
	return 0;
}

static int
allow_line(char *line, unsigned lineno, void *arg, char *err, size_t errlen)
{
	struct audit_allow *al = arg;
	struct allow_entry e, *nv;
	char *w[3];
	int n;

	(void)lineno;
	if ((n = split_words(line, w, 2)) == -1) {
		(void)snprintf(err, errlen, "expected 'ADDR[/PREFIX] "
		    "[PORTS]', found more words");
		return -1;
	}
	if (n == 0)
		return 0;
	memset(&e, 0, sizeof(e));
	if (parse_net(w[0], &e, err, errlen) == -1 ||
	    (n == 2 && parse_ports(w[1], &e, err, errlen) == -1))
		return -1;
	if ((nv = reallocarray(al->v, al->n + 1, sizeof(*nv))) == NULL) {
		(void)snprintf(err, errlen, "out of memory");
		return -1;
	}
	al->v = nv;
	al->v[al->n++] = e;
	return 0;
}

struct audit_allow *
audit_allow_parse(const char *text, size_t len, const char *name, char *err,
    size_t errlen)
{
	struct audit_allow *al;

	if ((al = calloc(1, sizeof(*al))) == NULL) {
		(void)snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	if (each_line(text, len, name, allow_line, al, err, errlen) == -1) {
		audit_allow_free(al);
		return NULL;
	}
	if (al->n == 0) {
		(void)snprintf(err, errlen, "%s: no address in the allow-list",
		    name);
		audit_allow_free(al);
		return NULL;
	}
	return al;
}

/* Reads a small text file whole; NULL with err naming it. */
static char *
read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f;
	char *buf;
	size_t n;

	if ((f = fopen(path, "r")) == NULL) {
		(void)snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((buf = malloc(FILE_MAX + 1)) == NULL) {
		(void)snprintf(err, errlen, "%s: out of memory", path);
		(void)fclose(f);
		return NULL;
	}
	n = fread(buf, 1, FILE_MAX + 1, f);
	if (ferror(f) || n > FILE_MAX) {
		(void)snprintf(err, errlen, "%s: %s", path, ferror(f) ?
		    strerror(errno) : "larger than 4 MiB");
		free(buf);
		(void)fclose(f);
		return NULL;
	}
	(void)fclose(f);
	*len = n;
	return buf;
}

struct audit_allow *
audit_allow_load(const char *path, char *err, size_t errlen)
{
	struct audit_allow *al;
	size_t len;
	char *text;

	if ((text = read_file(path, &len, err, errlen)) == NULL)
		return NULL;
	al = audit_allow_parse(text, len, path, err, errlen);
	free(text);
	return al;
}

/* Targets. */

static int
copy_word(char *dst, size_t cap, const char *v, const char *key, char *err,
    size_t errlen)
{
	size_t n = strlen(v);

	if (n == 0 || n >= cap) {
		(void)snprintf(err, errlen, "%s= must have 1 to %zu "
		    "characters", key, cap - 1);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f ||
		    v[i] == '"' || v[i] == '\\') {
			(void)snprintf(err, errlen, "%s= holds a control "
			    "character, quote or backslash", key);
			return -1;
		}
	memcpy(dst, v, n + 1);
	return 0;
}

static int
target_word(struct audit_target *t, const char *w, char *err, size_t errlen)
{
	const char *eq = strchr(w, '=');
	size_t kn;

	if (eq == NULL) {
		(void)snprintf(err, errlen, "'%s' is not key=value (vendor=, "
		    "model=, path=, tls=)", w);
		return -1;
	}
	kn = (size_t)(eq - w);
	eq++;
	if (kn == 6 && strncmp(w, "vendor", kn) == 0)
		return copy_word(t->vendor, sizeof(t->vendor), eq, "vendor",
		    err, errlen);
	if (kn == 5 && strncmp(w, "model", kn) == 0)
		return copy_word(t->model, sizeof(t->model), eq, "model", err,
		    errlen);
	if (kn == 4 && strncmp(w, "path", kn) == 0) {
		if (eq[0] != '/' || strpbrk(eq, " ?#") != NULL) {
			(void)snprintf(err, errlen, "path= must start with '/'"
			    " and hold no blank, '?' or '#'");
			return -1;
		}
		return copy_word(t->path, sizeof(t->path), eq, "path", err,
		    errlen);
	}
	if (kn == 3 && strncmp(w, "tls", kn) == 0) {
		if (strcmp(eq, "1") != 0 && strcmp(eq, "0") != 0) {
			(void)snprintf(err, errlen, "tls= must be 0 or 1");
			return -1;
		}
		t->tls = eq[0] == '1';
		return 0;
	}
	(void)snprintf(err, errlen, "unknown key '%.*s' (vendor, model, path, "
	    "tls)", (int)kn, w);
	return -1;
}

int
audit_target_parse(const char *url, char *const *words, size_t nwords,
    struct audit_target *t, char *err, size_t errlen)
{
	char buf[AUDIT_TARGET_MAX], *host, *rest, *port = NULL, *path = NULL;
	const char *sep;
	char a[ADDR_STRLEN];
	unsigned long pn;
	size_t n;

	memset(t, 0, sizeof(*t));
	if ((sep = strstr(url, "://")) == NULL ||
	    (size_t)(sep - url) >= 16) {
		(void)snprintf(err, errlen, "'%s' is not PROTO://ADDR[:PORT]",
		    url);
		return -1;
	}
	n = (size_t)(sep - url);
	memcpy(buf, url, n);
	buf[n] = '\0';
	if (audit_proto_parse(buf, &t->proto) == -1) {
		(void)snprintf(err, errlen, "'%s': unknown protocol '%s' (ssh, "
		    "telnet, ftp, http, tomcat, mysql, postgresql, weblogic)",
		    url, buf);
		return -1;
	}
	if (strlen(sep + 3) >= sizeof(buf)) {
		(void)snprintf(err, errlen, "'%.40s...' is too long", url);
		return -1;
	}
	memcpy(buf, sep + 3, strlen(sep + 3) + 1);
	host = buf;
	if (host[0] == '[') {
		if ((rest = strchr(host, ']')) == NULL) {
			(void)snprintf(err, errlen, "'%s': no ']' after the "
			    "IPv6 address", url);
			return -1;
		}
		host++;
		*rest++ = '\0';
	} else {
		rest = host + strcspn(host, ":/");
	}
	if (*rest == ':') {
		*rest++ = '\0';
		port = rest;
		rest += strcspn(rest, "/");
	}
	if (*rest == '/') {
		/* Keep the path; cut the port (or host) before it. */
		memmove(rest + 1, rest, strlen(rest) + 1);
		*rest++ = '\0';
		path = rest;
	} else if (*rest != '\0') {
		(void)snprintf(err, errlen, "'%s': unexpected '%s' after the "
		    "address", url, rest);
		return -1;
	}
	if (addr_parse(host, &t->addr) == -1) {
		(void)snprintf(err, errlen, "'%s': '%s' is not an IPv4 or IPv6 "
		    "address (host names are not allowed)", url, host);
		return -1;
	}
	t->port = audit_proto_port(t->proto);
	if (port != NULL) {
		if (parse_num(port, 1, 65535, &pn) == -1) {
			(void)snprintf(err, errlen, "'%s': '%s' is not a port "
			    "1-65535", url, port);
			return -1;
		}
		t->port = (uint16_t)pn;
	}
	if (path != NULL) {
		char pw[AUDIT_PATH_MAX + 8];

		(void)snprintf(pw, sizeof(pw), "path=%s", path);
		if (target_word(t, pw, err, errlen) == -1)
			return -1;
	}
	for (size_t i = 0; i < nwords; i++)
		if (target_word(t, words[i], err, errlen) == -1)
			return -1;
	if (t->path[0] == '\0') {
		const char *def = t->proto == AUDIT_TOMCAT ? "/manager/html" :
		    t->proto == AUDIT_WEBLOGIC ?
		    "/console/j_security_check" : "/";

		memcpy(t->path, def, strlen(def) + 1);
	}
	(void)addr_fmt(&t->addr, a, sizeof(a));
	(void)snprintf(t->name, sizeof(t->name), t->addr.family == 6 ?
	    "%s://[%s]:%u" : "%s://%s:%u", audit_proto_name(t->proto), a,
	    t->port);
	return 0;
}

struct targets_ctx {
	struct audit_target **v;
	size_t		*n;
};

static int
target_line(char *line, unsigned lineno, void *arg, char *err,
    size_t errlen)
{
	struct targets_ctx *tc = arg;
	struct audit_target t, *nv;
	char *w[WORDS_MAX + 1];
	int n;

	(void)lineno;
	if ((n = split_words(line, w, WORDS_MAX + 1)) == -1) {
		(void)snprintf(err, errlen, "more than %d words after the "
		    "target", WORDS_MAX);
		return -1;
	}
	if (n == 0)
		return 0;
	if (audit_target_parse(w[0], w + 1, (size_t)n - 1, &t, err,
	    errlen) == -1)
		return -1;
	if ((nv = reallocarray(*tc->v, *tc->n + 1, sizeof(*nv))) == NULL) {
		(void)snprintf(err, errlen, "out of memory");
		return -1;
	}
	*tc->v = nv;
	nv[(*tc->n)++] = t;
	return 0;
}

int
audit_targets_parse(const char *text, size_t len, const char *name,
    struct audit_target **v, size_t *n, char *err, size_t errlen)
{
	struct targets_ctx tc = { v, n };

	return each_line(text, len, name, target_line, &tc, err, errlen);
}

int
audit_targets_load(const char *path, struct audit_target **v, size_t *n,
    char *err, size_t errlen)
{
	size_t len;
	char *text;
	int rc;

	if ((text = read_file(path, &len, err, errlen)) == NULL)
		return -1;
	rc = audit_targets_parse(text, len, path, v, n, err, errlen);
	free(text);
	return rc;
}
