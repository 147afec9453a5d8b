/*
 * advisory.c - the advisory model the feed readers fill (see vuln.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ward/error.h"
#include "ward/vuln.h"
#include "vuln-private.h"

static const char *const sev_names[] = {
	"none", "low", "medium", "high", "critical",
};

const char *
vuln_severity_name(enum vuln_severity s)
{
	if ((size_t)s >= sizeof(sev_names) / sizeof(sev_names[0]))
		return "none";
	return sev_names[s];
}

int
vuln_severity_parse(const char *s)
{
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < sizeof(sev_names) / sizeof(sev_names[0]); i++)
		if (strcasecmp(s, sev_names[i]) == 0)
			return (int)i;
	return -1;
}

struct vuln_advisory *
vuln_adv_new(enum vuln_origin o)
{
	struct vuln_advisory *a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->origin = o;
	a->score = -1;
	a->severity = VULN_SEV_NONE;
	return a;
}

void
vuln_adv_free(struct vuln_advisory *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < a->nproducts; i++) {
		free(a->products[i].vendor);
		free(a->products[i].product);
		free(a->products[i].fixed);
		free(a->products[i].cpe);
		free(a->products[i].purl);
		free(a->products[i].platform);
		vuln_range_clear(&a->products[i].range);
	}
	free(a->products);
	free(a->id);
	free(a->source);
	free(a->title);
	free(a->summary);
	free(a->remediation);
	free(a);
}

struct vuln_product *
vuln_adv_product(struct vuln_advisory *a)
{
	struct vuln_product *p;
	size_t cap;

	if (a->nproducts >= VULN_PRODUCTS_MAX)
		return NULL;
	/* Grown one at a time past powers of two: 1, 2, 4, 8 ... */
	if ((a->nproducts & (a->nproducts - 1)) == 0) {
		cap = a->nproducts == 0 ? 1 : a->nproducts * 2;
		p = reallocarray(a->products, cap, sizeof(*p));
		if (p == NULL)
			return NULL;
		a->products = p;
	}
	p = &a->products[a->nproducts++];
	memset(p, 0, sizeof(*p));
	p->affected = true;
	return p;
}

int
vuln_adv_remedy(struct vuln_advisory *a, const char *category,
    const char *text)
{
	size_t old = a->remediation != NULL ? strlen(a->remediation) : 0;
	size_t add = strlen(category) + 2 + strlen(text) + 1;
	char *r;

	if (old + add + 1 > VULN_TEXT_MAX)
		return -1;
	if ((r = realloc(a->remediation, old + add + 1)) == NULL)
		return -1;
	snprintf(r + old, add + 1, "%s%s: %s", old > 0 ? "\n" : "",
	    category, text);
	a->remediation = r;
	return 0;
}

void
vuln_list_init(struct vuln_list *l)
{
	memset(l, 0, sizeof(*l));
}

void
vuln_list_truncate(struct vuln_list *l, size_t n)
{
	while (l->n > n)
		vuln_adv_free(l->v[--l->n]);
}

void
vuln_list_clear(struct vuln_list *l)
{
	if (l == NULL)
		return;
	vuln_list_truncate(l, 0);
	free(l->v);
	vuln_list_init(l);
}

int
vuln_list_push(struct vuln_list *l, struct vuln_advisory *a)
{
	struct vuln_advisory **v;
	size_t cap;

	if (l->n >= VULN_ADVISORIES_MAX)
		return -1;
	if (l->n == l->cap) {
		cap = l->cap == 0 ? 16 : l->cap * 2;
		if ((v = reallocarray(l->v, cap, sizeof(*v))) == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = a;
	return 0;
}

char *
vuln_read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f;
	char *buf = NULL, *nb;
	size_t n = 0, cap = 0, got;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - n < 65536) {
			cap = cap == 0 ? 65536 : cap * 2;
			if (cap > (size_t)VULN_FILE_MAX + 65536)
				cap = (size_t)VULN_FILE_MAX + 65536;
			if ((nb = realloc(buf, cap + 1)) == NULL) {
				snprintf(err, errlen, "%s: out of memory",
				    path);
				goto fail;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n > VULN_FILE_MAX) {
			snprintf(err, errlen, "%s: over %u bytes", path,
			    VULN_FILE_MAX);
			goto fail;
		}
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto fail;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

int
vuln_load_file(struct vuln_list *l, const char *path, vuln_parse_fn parse,
    char *err, size_t errlen)
{
	char *buf;
	size_t n;
	int rc;

	if ((buf = vuln_read_file(path, &n, err, errlen)) == NULL)
		return WARD_EIO;
	rc = parse(l, buf, n, path, err, errlen);
	free(buf);
	return rc;
}
