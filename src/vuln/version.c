/*
 * version.c - vendor version strings compared, and version ranges (see
 * vuln.h for the rules).
 *
 * Vendors write versions every way: "4.5.1", "Rev J", "VE11C" (Siemens
 * MR software), "v20D29", "R2023a", "1.2.3-rc1", "CMS7.820.075.08". The
 * comparison splits a version into runs of digits and runs of letters and
 * compares run by run; it never allocates and reads each byte once.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ward/vuln.h"
#include "vuln-private.h"

struct vtok {
	const char	*p;
	size_t		 len;
	int		 num;		/* digits, else letters */
};

/* The next token of *s, or 0 at the end. */
static int
vtok_next(const char **s, struct vtok *t)
{
	const char *p = *s;

	while (*p != '\0' && !isalnum((unsigned char)*p))
		p++;
	if (*p == '\0') {
		*s = p;
		return 0;
	}
	t->p = p;
	t->num = isdigit((unsigned char)*p) != 0;
	if (t->num)
		while (isdigit((unsigned char)*p))
			p++;
	else
		while (isalpha((unsigned char)*p))
			p++;
	t->len = (size_t)(p - t->p);
	*s = p;
	return 1;
}

static int
num_cmp(const struct vtok *a, const struct vtok *b)
{
	const char *pa = a->p, *pb = b->p;
	size_t la = a->len, lb = b->len;
	int c;

	while (la > 1 && *pa == '0')
		pa++, la--;
	while (lb > 1 && *pb == '0')
		pb++, lb--;
	if (la != lb)
		return la < lb ? -1 : 1;
	c = memcmp(pa, pb, la);
	return c < 0 ? -1 : c > 0;
}

static int
word_cmp(const struct vtok *a, const struct vtok *b)
{
	size_t i, n = a->len < b->len ? a->len : b->len;
	int ca, cb;

	for (i = 0; i < n; i++) {
		ca = tolower((unsigned char)a->p[i]);
		cb = tolower((unsigned char)b->p[i]);
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return 0;
}

static int
is_prerelease(const struct vtok *t)
{
	static const char *const words[] = {
		"alpha", "beta", "pre", "preview", "rc", "dev", "snapshot",
	};
	size_t i;

	if (t->num)
		return 0;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == t->len &&
		    strncasecmp(words[i], t->p, t->len) == 0)
			return 1;
	return 0;
}

static int
is_zero(const struct vtok *t)
{
	size_t i;

	if (!t->num)
		return 0;
	for (i = 0; i < t->len; i++)
		if (t->p[i] != '0')
			return 0;
	return 1;
}

/*
 * What the rest of a version, s, after the other one ended, says of the
 * one it belongs to: 0 when only zeros remain, -1 when it begins with a
 * pre-release word, else 1.
 */
static int
rest_sign(const char *s, const struct vtok *first)
{
	struct vtok t = *first;

	if (is_prerelease(&t))
		return -1;
	do {
		if (!is_zero(&t))
			return 1;
	} while (vtok_next(&s, &t));
	return 0;
}

static const char *
skip_v(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	if ((*s == 'v' || *s == 'V') && isdigit((unsigned char)s[1]))
		s++;
	return s;
}

int
vuln_version_cmp(const char *a, const char *b)
{
	struct vtok ta, tb;
	int ha, hb, c;

	if (a == NULL || b == NULL)
		return a == b ? 0 : a == NULL ? -1 : 1;
	a = skip_v(a);
	b = skip_v(b);
	for (;;) {
		ha = vtok_next(&a, &ta);
		hb = vtok_next(&b, &tb);
		if (!ha && !hb)
			return 0;
		if (!hb)
			return rest_sign(a, &ta);
		if (!ha)
			return -rest_sign(b, &tb);
		if (ta.num != tb.num)
			return ta.num ? 1 : -1;
		c = ta.num ? num_cmp(&ta, &tb) : word_cmp(&ta, &tb);
		if (c != 0)
			return c;
	}
}

bool
vuln_range_match(const struct vuln_range *r, const char *version)
{
	int c;

	if (r->flags & VR_UNPARSED)
		return false;
	if (r->exact == NULL && r->start == NULL && r->end == NULL)
		return true;
	if (version == NULL || *version == '\0')
		return false;
	if (r->exact != NULL)
		return vuln_version_cmp(version, r->exact) == 0;
	if (r->start != NULL) {
		c = vuln_version_cmp(version, r->start);
		if (c < 0 || (c == 0 && !(r->flags & VR_START_INCL)))
			return false;
	}
	if (r->end != NULL) {
		c = vuln_version_cmp(version, r->end);
		if (c > 0 || (c == 0 && !(r->flags & VR_END_INCL)))
			return false;
	}
	return true;
}

void
vuln_range_clear(struct vuln_range *r)
{
	if (r == NULL)
		return;
	free(r->exact);
	free(r->start);
	free(r->end);
	free(r->text);
	memset(r, 0, sizeof(*r));
}

static int
set_bound(char **dst, const char *v, size_t n, const char *s, char *err,
    size_t errlen)
{
	if (*dst != NULL) {
		snprintf(err, errlen, "range '%s' gives a bound twice", s);
		return -1;
	}
	if (n == 0 || n > VULN_NAME_MAX) {
		snprintf(err, errlen, "range '%s': a bound without a version",
		    s);
		return -1;
	}
	if ((*dst = strndup(v, n)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int
vuln_range_parse(const char *s, struct vuln_range *r, char *err,
    size_t errlen)
{
	const char *p = s, *v;
	size_t n;
	int lt, incl;

	memset(r, 0, sizeof(*r));
	if (strncmp(p, "vers:", 5) == 0) {
		/* Package URL "vers": vers:<scheme>/<constraints>. */
		if ((p = strchr(p, '/')) == NULL) {
			snprintf(err, errlen, "range '%s': 'vers:' without "
			    "'/'", s);
			return -1;
		}
		p++;
	}
	while (*p == ' ')
		p++;
	if (strncasecmp(p, "all versions", 12) == 0) {
		p += 12;
		while (*p == ' ')
			p++;
		if (*p == '\0')
			return 0;
	}
	if (strcmp(p, "*") == 0)
		return 0;
	if (*p != '<' && *p != '>') {
		n = strlen(p);
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n == 0 || strpbrk(p, "<>|") != NULL) {
			snprintf(err, errlen, "range '%s' is neither a "
			    "version, '*' nor bounds like '>=1.0 <2.0'", s);
			return -1;
		}
		return set_bound(&r->exact, p, n, s, err, errlen);
	}
	while (*p != '\0') {
		if (*p == ' ' || *p == '|') {
			p++;
			continue;
		}
		if (*p != '<' && *p != '>') {
			snprintf(err, errlen, "range '%s': '%c' where '<' or "
			    "'>' belongs", s, *p);
			goto fail;
		}
		lt = *p++ == '<';
		incl = *p == '=';
		if (incl)
			p++;
		while (*p == ' ')
			p++;
		/* The version runs to the next bound: "< V1.0 SP2". */
		v = p;
		while (*p != '\0' && *p != '|' && *p != '<' && *p != '>')
			p++;
		n = (size_t)(p - v);
		while (n > 0 && v[n - 1] == ' ')
			n--;
		if (set_bound(lt ? &r->end : &r->start, v, n, s, err,
		    errlen) == -1)
			goto fail;
		if (incl)
			r->flags |= lt ? VR_END_INCL : VR_START_INCL;
	}
	return 0;
fail:
	vuln_range_clear(r);
	return -1;
}

void
vuln_range_format(const struct vuln_range *r, char *buf, size_t len)
{
	if (len == 0)
		return;
	if ((r->flags & VR_UNPARSED) && r->text != NULL)
		snprintf(buf, len, "%s", r->text);
	else if (r->exact != NULL)
		snprintf(buf, len, "%s", r->exact);
	else if (r->start != NULL && r->end != NULL)
		snprintf(buf, len, ">%s%s <%s%s",
		    r->flags & VR_START_INCL ? "=" : "", r->start,
		    r->flags & VR_END_INCL ? "=" : "", r->end);
	else if (r->start != NULL)
		snprintf(buf, len, ">%s%s",
		    r->flags & VR_START_INCL ? "=" : "", r->start);
	else if (r->end != NULL)
		snprintf(buf, len, "<%s%s",
		    r->flags & VR_END_INCL ? "=" : "", r->end);
	else
		snprintf(buf, len, "*");
}
