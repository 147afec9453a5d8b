/*
 * ioc.c - indicators of compromise from Zeek intel files (see detect.h).
 *
 * Follows the Zeek Intelligence Framework's input format (the input
 * framework's ASCII reader): tab-separated columns named by a "#fields"
 * line, other lines starting with '#' are comments, '-' is an empty
 * field.
 *
 *	#fields<TAB>indicator<TAB>indicator_type<TAB>meta.source<TAB>meta.desc
 *	202.114.4.119<TAB>Intel::ADDR<TAB>CISA ICSMA-25-030-01<TAB>...
 *
 * Addresses are kept in a hash map, subnets in a list (feeds hold few),
 * domains and fingerprints in one array sorted by (type, value) for
 * binary search. Every size is bounded: a file of at most IOC_FILE_MAX
 * bytes, lines of at most IOC_LINE_MAX, at most IOC_MAX indicators in a
 * set, indicators of at most IOC_VALUE_MAX bytes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/addrmap.h"
#include "ward/detect.h"

#define IOC_FILE_MAX	(64U << 20)
#define IOC_LINE_MAX	4096
#define IOC_MAX		(1U << 20)
#define IOC_VALUE_MAX	255
#define IOC_META_MAX	512
#define IOC_COLUMNS	64

enum ioc_kind {
	IK_ADDR,
	IK_SUBNET,
	IK_DOMAIN,
	IK_JA3,
	IK_JA4,
	IK_HASSH,
	IK_COUNT
};

static const char *const kind_names[IK_COUNT] = {
	"Intel::ADDR", "Intel::SUBNET", "Intel::DOMAIN", "Intel::JA3",
	"Intel::JA4", "Intel::HASSH",
};

struct ioc_ent {
	enum ioc_kind	 kind;
	char		*value;		/* canonical: lower case */
	char		*source;
	char		*desc;
	struct cidr	 net;		/* IK_ADDR, IK_SUBNET */
};

struct ioc_set {
	struct ioc_ent	**all;		/* owned, in order of loading */
	size_t		 n, cap;
	struct addrmap	 addrs;		/* IK_ADDR: address -> entry */
	struct ioc_ent	**nets;		/* IK_SUBNET, borrowed from all */
	size_t		 nnets, netcap;
	struct ioc_ent	**sorted;	/* domains and fingerprints */
	size_t		 nsorted, sortcap;
	size_t		 skipped;	/* lines of other types */
};

struct ioc_set *
ioc_new(void)
{
	struct ioc_set *s = calloc(1, sizeof(*s));

	if (s != NULL)
		addrmap_init(&s->addrs);
	return s;
}

static void
ent_free(struct ioc_ent *e)
{
	if (e == NULL)
		return;
	free(e->value);
	free(e->source);
	free(e->desc);
	free(e);
}

void
ioc_free(struct ioc_set *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		ent_free(s->all[i]);
	free(s->all);
	free(s->nets);
	free(s->sorted);
	addrmap_clear(&s->addrs);
	free(s);
}

size_t
ioc_count(const struct ioc_set *s)
{
	return s->n;
}

static int
grow(void *pv, size_t n, size_t *cap)
{
	void **p = pv;
	size_t ncap = *cap ? *cap * 2 : 64;
	void *np;

	if (n < *cap)
		return 0;
	if ((np = realloc(*p, ncap * sizeof(void *))) == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

static int
ent_cmp(const struct ioc_ent *a, enum ioc_kind kind, const char *value)
{
	if (a->kind != kind)
		return a->kind < kind ? -1 : 1;
	return strcmp(a->value, value);
}

static int
sort_cmp(const void *x, const void *y)
{
	const struct ioc_ent *a = *(struct ioc_ent *const *)x;
	const struct ioc_ent *b = *(struct ioc_ent *const *)y;

	return ent_cmp(a, b->kind, b->value);
}

static const struct ioc_ent *
sorted_find(const struct ioc_set *s, enum ioc_kind kind, const char *value)
{
	size_t lo = 0, hi = s->nsorted;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = ent_cmp(s->sorted[mid], kind, value);

		if (c == 0)
			return s->sorted[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void
fill_hit(const struct ioc_ent *e, struct ioc_hit *hit)
{
	if (hit == NULL)
		return;
	hit->indicator = e->value;
	hit->type = kind_names[e->kind];
	hit->source = e->source;
	hit->desc = e->desc;
}

bool
ioc_addr(const struct ioc_set *s, const struct ward_addr *a,
    struct ioc_hit *hit)
{
	const struct ioc_ent *e;

	if (s == NULL || a == NULL || a->family == 0 || s->n == 0)
		return false;
	if ((e = addrmap_get(&s->addrs, a)) != NULL) {
		fill_hit(e, hit);
		return true;
	}
	for (size_t i = 0; i < s->nnets; i++) {
		struct cidr_list one = { &s->nets[i]->net, 1 };

		if (cidr_list_has(&one, a)) {
			fill_hit(s->nets[i], hit);
			return true;
		}
	}
	return false;
}

/* Lower case, without a trailing dot; false when it does not fit. */
static bool
lower(const char *in, char *out, size_t len)
{
	size_t n = strlen(in);

	if (n > 0 && in[n - 1] == '.')
		n--;
	if (n == 0 || n >= len)
		return false;
	for (size_t i = 0; i < n; i++)
		out[i] = in[i] >= 'A' && in[i] <= 'Z' ? (char)(in[i] - 'A' +
		    'a') : in[i];
	out[n] = '\0';
	return true;
}

bool
ioc_domain(const struct ioc_set *s, const char *name, struct ioc_hit *hit)
{
	char buf[IOC_VALUE_MAX + 1];
	const char *p;
	const struct ioc_ent *e;

	if (s == NULL || name == NULL || s->nsorted == 0 ||
	    !lower(name, buf, sizeof(buf)))
		return false;
	/* The name, then each parent: a.b.evil.example, b.evil.example... */
	for (p = buf; p != NULL; ) {
		if ((e = sorted_find(s, IK_DOMAIN, p)) != NULL) {
			fill_hit(e, hit);
			return true;
		}
		if ((p = strchr(p, '.')) != NULL)
			p++;
	}
	return false;
}

bool
ioc_fingerprint(const struct ioc_set *s, const char *type,
    const char *value, struct ioc_hit *hit)
{
	char buf[IOC_VALUE_MAX + 1];
	const struct ioc_ent *e;
	int k;

	if (s == NULL || type == NULL || value == NULL || s->nsorted == 0 ||
	    !lower(value, buf, sizeof(buf)))
		return false;
	for (k = IK_JA3; k <= IK_HASSH; k++)
		if (strcmp(type, kind_names[k]) == 0)
			break;
	if (k > IK_HASSH)
		return false;
	if ((e = sorted_find(s, (enum ioc_kind)k, buf)) == NULL)
		return false;
	fill_hit(e, hit);
	return true;
}

/* Parsing. */

struct ld {
	struct ioc_set	*s;
	const char	*name;
	size_t		 line;
	char		*err;
	size_t		 errlen;
	/* Columns of the #fields line; -1 when absent. */
	int		 c_ind, c_type, c_source, c_desc;
	int		 ncols;
	bool		 have_fields;
	bool		 added_sorted;
};

static int __attribute__((format(printf, 2, 3)))
fail(struct ld *l, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(void)snprintf(l->err, l->errlen, "%s:%zu: %s", l->name, l->line, msg);
	return -1;
}

/* Splits line at tabs into at most max fields; returns how many. */
static int
split(char *line, char **f, int max)
{
	int n = 0;

	for (char *p = line;;) {
		char *tab = strchr(p, '\t');

		if (n == max)
			return max + 1;
		f[n++] = p;
		if (tab == NULL)
			break;
		*tab = '\0';
		p = tab + 1;
	}
	return n;
}

static int
fields_line(struct ld *l, char *line)
{
	char *f[IOC_COLUMNS + 1];
	int n = split(line, f, IOC_COLUMNS);

	if (n > IOC_COLUMNS)
		return fail(l, "#fields names more than %d columns",
		    IOC_COLUMNS);
	l->c_ind = l->c_type = l->c_source = l->c_desc = -1;
	/* f[0] is "#fields" itself: columns start after it. */
	for (int i = 1; i < n; i++) {
		int *c = NULL;

		if (strcmp(f[i], "indicator") == 0)
			c = &l->c_ind;
		else if (strcmp(f[i], "indicator_type") == 0)
			c = &l->c_type;
		else if (strcmp(f[i], "meta.source") == 0)
			c = &l->c_source;
		else if (strcmp(f[i], "meta.desc") == 0)
			c = &l->c_desc;
		if (c == NULL)
			continue;
		if (*c != -1)
			return fail(l, "#fields names '%s' twice", f[i]);
		*c = i - 1;
	}
	if (l->c_ind == -1 || l->c_type == -1)
		return fail(l, "#fields must name indicator and "
		    "indicator_type");
	l->ncols = n - 1;
	l->have_fields = true;
	return 0;
}

static bool
is_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

static bool
is_domain(const char *s)
{
	if (*s == '.' || *s == '-')
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '-' || *s == '.' || *s == '_') ||
		    (s[0] == '.' && s[1] == '.'))
			return false;
	return true;
}

/* JA4 (FoxIO): a_b_c of letters, digits and underscores. */
static bool
is_ja4(const char *s)
{
	int parts = 1;

	for (; *s != '\0'; s++) {
		if (*s == '_')
			parts++;
		else if (!((*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9')))
			return false;
	}
	return parts == 3;
}

/* A meta field: NULL for '-' or empty. */
static const char *
meta(char **f, int n, int col)
{
	if (col < 0 || col >= n || f[col][0] == '\0' ||
	    strcmp(f[col], "-") == 0)
		return NULL;
	return f[col];
}

static char *
dup_meta(const char *s)
{
	size_t n = strlen(s);
	char *d;

	if (n > IOC_META_MAX)
		n = IOC_META_MAX;
	if ((d = malloc(n + 1)) == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		d[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	d[n] = '\0';
	return d;
}

static int
data_line(struct ld *l, char *line)
{
	char *f[IOC_COLUMNS + 1], val[IOC_VALUE_MAX + 1];
	const char *ind, *type, *src, *desc;
	struct ioc_set *s = l->s;
	struct ioc_ent *e;
	int n, k;

	if (!l->have_fields)
		return fail(l, "an indicator before the #fields line");
	n = split(line, f, IOC_COLUMNS);
	if (n != l->ncols)
		return fail(l, "%d fields where #fields names %d (columns are "
		    "separated by tabs)", n > IOC_COLUMNS ? IOC_COLUMNS : n,
		    l->ncols);
	ind = f[l->c_ind];
	type = f[l->c_type];
	if (strncmp(type, "Intel::", 7) != 0)
		return fail(l, "indicator_type '%.64s' is not an Intel:: type "
		    "(Intel::ADDR, Intel::SUBNET, Intel::DOMAIN, Intel::JA3, "
		    "Intel::JA4, Intel::HASSH)", type);
	for (k = 0; k < IK_COUNT; k++)
		if (strcmp(type, kind_names[k]) == 0)
			break;
	if (k == IK_COUNT) {
		/* Intel::URL, Intel::FILE_HASH...: not looked for. */
		s->skipped++;
		return 0;
	}
	if (strcmp(ind, "-") == 0 || !lower(ind, val, sizeof(val)))
		return fail(l, "indicator '%.64s' is empty or longer than %d "
		    "bytes", ind, IOC_VALUE_MAX);
	if (s->n >= IOC_MAX)
		return fail(l, "more than %u indicators", IOC_MAX);
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return fail(l, "out of memory");
	e->kind = (enum ioc_kind)k;
	switch (e->kind) {
	case IK_ADDR:
		if (strchr(val, '/') != NULL ||
		    cidr_parse(val, &e->net) == -1) {
			free(e);
			return fail(l, "indicator '%s' is not an address "
			    "(Intel::ADDR)", val);
		}
		break;
	case IK_SUBNET:
		if (cidr_parse(val, &e->net) == -1) {
			free(e);
			return fail(l, "indicator '%s' is not a prefix such as "
			    "192.0.2.0/24 (Intel::SUBNET)", val);
		}
		break;
	case IK_DOMAIN:
		if (!is_domain(val)) {
			free(e);
			return fail(l, "indicator '%s' is not a domain name "
			    "(Intel::DOMAIN)", val);
		}
		break;
	case IK_JA3:
	case IK_HASSH:
		if (!is_hex(val, 32)) {
			free(e);
			return fail(l, "indicator '%s' is not 32 hex digits "
			    "(%s: an MD5)", val, kind_names[k]);
		}
		break;
	case IK_JA4:
		if (!is_ja4(val)) {
			free(e);
			return fail(l, "indicator '%s' is not a JA4 "
			    "fingerprint such as t13d1516h2_8daaf6152771_"
			    "02713d6af862 (Intel::JA4)", val);
		}
		break;
	case IK_COUNT:
		break;
	}
	src = meta(f, n, l->c_source);
	desc = meta(f, n, l->c_desc);
	e->value = strdup(val);
	e->source = dup_meta(src != NULL ? src : l->name);
	e->desc = dup_meta(desc != NULL ? desc : "");
	if (e->value == NULL || e->source == NULL || e->desc == NULL ||
	    grow(&s->all, s->n, &s->cap) == -1) {
		ent_free(e);
		return fail(l, "out of memory");
	}
	s->all[s->n++] = e;
	if (e->kind == IK_ADDR) {
		/* The first feed to list an address names it. */
		if (addrmap_get(&s->addrs, &e->net.addr) == NULL &&
		    addrmap_put(&s->addrs, &e->net.addr, e) == -1)
			return fail(l, "out of memory");
	} else if (e->kind == IK_SUBNET) {
		if (grow(&s->nets, s->nnets, &s->netcap) == -1)
			return fail(l, "out of memory");
		s->nets[s->nnets++] = e;
	} else {
		if (grow(&s->sorted, s->nsorted, &s->sortcap) == -1)
			return fail(l, "out of memory");
		s->sorted[s->nsorted++] = e;
		l->added_sorted = true;
	}
	return 0;
}

int
ioc_parse(struct ioc_set *s, const char *text, size_t len, const char *name,
    char *err, size_t errlen)
{
	struct ld l;
	char buf[IOC_LINE_MAX + 1];
	size_t pos = 0;
	int rc = 0;

	memset(&l, 0, sizeof(l));
	l.s = s;
	l.name = name;
	l.err = err;
	l.errlen = errlen;
	while (pos < len && rc == 0) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;

		l.line++;
		if (n > 0 && text[pos + n - 1] == '\r')
			n--;
		if (n > IOC_LINE_MAX) {
			rc = fail(&l, "line longer than %d bytes",
			    IOC_LINE_MAX);
			break;
		}
		memcpy(buf, text + pos, n);
		buf[n] = '\0';
		pos += (nl != NULL ? (size_t)(nl - (text + pos)) + 1 :
		    len - pos);
		if (memchr(buf, '\0', n) != NULL) {
			rc = fail(&l, "a NUL byte in the line");
			break;
		}
		if (n == 0)
			continue;
		if (strncmp(buf, "#fields\t", 8) == 0)
			rc = fields_line(&l, buf);
		else if (buf[0] != '#')
			rc = data_line(&l, buf);
	}
	if (l.added_sorted)
		qsort(s->sorted, s->nsorted, sizeof(*s->sorted), sort_cmp);
	return rc;
}

int
ioc_load(struct ioc_set *s, const char *path, char *err, size_t errlen)
{
	FILE *fp;
	char *text;
	size_t len = 0, cap = 1 << 16;
	int rc;

	if ((fp = fopen(path, "r")) == NULL) {
		(void)snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((text = malloc(cap)) == NULL) {
		fclose(fp);
		(void)snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	for (;;) {
		size_t got;

		if (len == cap) {
			char *nt;

			if (cap >= IOC_FILE_MAX) {
				free(text);
				fclose(fp);
				(void)snprintf(err, errlen, "%s: larger than "
				    "%u MiB", path, IOC_FILE_MAX >> 20);
				return -1;
			}
			if ((nt = realloc(text, cap * 2)) == NULL) {
				free(text);
				fclose(fp);
				(void)snprintf(err, errlen, "%s: out of memory",
				    path);
				return -1;
			}
			text = nt;
			cap *= 2;
		}
		got = fread(text + len, 1, cap - len, fp);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(fp)) {
		free(text);
		fclose(fp);
		(void)snprintf(err, errlen, "%s: read error", path);
		return -1;
	}
	fclose(fp);
	rc = ioc_parse(s, text, len, path, err, errlen);
	free(text);
	return rc;
}
