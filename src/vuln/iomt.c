/*
 * iomt.c - ward's curated IoMT advisories (see vuln.h; the format is in
 * docs/vuln.md): advisories for devices whose feeds carry no CPE, read
 * from YAML into the same model as the NVD and CSAF feeds.
 *
 *	version: 1
 *	advisories:
 *	  - id: CVE-2025-0626
 *	    title: Contec Health CMS8000 ...
 *	    source: https://www.cisa.gov/...icsma-25-030-01
 *	    vendor: ['Contec*']
 *	    product: ['CMS8000*']
 *	    affected: ['*']          # exact versions or ranges: '<=1.52'
 *	    fixed: 1.52.01           # optional
 *	    severity: high
 *	    score: 7.5               # optional
 *	    remediation: ...         # optional
 *
 * Each vendor glob, product glob and affected range becomes a product.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/error.h"
#include "ward/vuln.h"
#include "../lib/yamlfile.h"
#include "vuln-private.h"

#define IOMT_KEYS	"id, title, source, vendor, product, affected, " \
			"fixed, severity, score, summary, remediation"

struct iomt_fields {
	const char	*id, *title, *source, *fixed, *severity, *score;
	const char	*summary, *remediation;
	yaml_node_t	*vendor, *product, *affected;
	yaml_node_t	*node;
};

static const char *
text(struct yamlfile *y, yaml_node_t *v, const char *id, const char *key,
    size_t max)
{
	const char *s = yamlfile_scalar(v);

	if (s == NULL || *s == '\0') {
		yamlfile_fail(y, v, "advisory '%s': '%s' must be a non-empty "
		    "string", id, key);
		return NULL;
	}
	if (strlen(s) > max) {
		yamlfile_fail(y, v, "advisory '%s': '%s' over %zu bytes", id,
		    key, max);
		return NULL;
	}
	return s;
}

/* A list of non-empty strings (or one), each at most max bytes. */
static int
strings(struct yamlfile *y, yaml_node_t *v, const char *id, const char *key)
{
	size_t i, n = yamlfile_len(v);

	if (n == 0) {
		yamlfile_fail(y, v, "advisory '%s': '%s' wants a string or a "
		    "list of strings", id, key);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (text(y, yamlfile_item(y, v, i), id, key, VULN_NAME_MAX) ==
		    NULL)
			return -1;
	return 0;
}

static int
fields(struct yamlfile *y, yaml_node_t *node, struct iomt_fields *f)
{
	yaml_node_pair_t *pr;
	yaml_node_t *k, *v;
	const char *ks, *id = "?";

	memset(f, 0, sizeof(*f));
	f->node = node;
	if (node->type != YAML_MAPPING_NODE) {
		yamlfile_fail(y, node, "an advisory must be a mapping (%s)",
		    IOMT_KEYS);
		return -1;
	}
	for (pr = node->data.mapping.pairs.start;
	    pr < node->data.mapping.pairs.top; pr++) {
		k = yaml_document_get_node(&y->doc, pr->key);
		v = yaml_document_get_node(&y->doc, pr->value);
		if ((ks = yamlfile_scalar(k)) != NULL &&
		    strcmp(ks, "id") == 0) {
			if ((f->id = text(y, v, "?", "id", VULN_NAME_MAX)) ==
			    NULL)
				return -1;
			id = f->id;
		}
	}
	if (f->id == NULL) {
		yamlfile_fail(y, node, "advisory without an 'id'");
		return -1;
	}
	for (pr = node->data.mapping.pairs.start;
	    pr < node->data.mapping.pairs.top && !y->failed; pr++) {
		k = yaml_document_get_node(&y->doc, pr->key);
		v = yaml_document_get_node(&y->doc, pr->value);
		if ((ks = yamlfile_scalar(k)) == NULL)
			yamlfile_fail(y, k, "advisory '%s': a key must be a "
			    "string", id);
		else if (yamlfile_repeated(y, node, pr))
			yamlfile_fail(y, k, "advisory '%s': '%s' given twice",
			    id, ks);
		else if (strcmp(ks, "id") == 0)
			continue;
		else if (strcmp(ks, "title") == 0)
			f->title = text(y, v, id, ks, VULN_NAME_MAX);
		else if (strcmp(ks, "source") == 0)
			f->source = text(y, v, id, ks, VULN_NAME_MAX);
		else if (strcmp(ks, "fixed") == 0)
			f->fixed = text(y, v, id, ks, VULN_NAME_MAX);
		else if (strcmp(ks, "severity") == 0)
			f->severity = text(y, v, id, ks, 16);
		else if (strcmp(ks, "score") == 0)
			f->score = text(y, v, id, ks, 16);
		else if (strcmp(ks, "summary") == 0)
			f->summary = text(y, v, id, ks, VULN_TEXT_MAX);
		else if (strcmp(ks, "remediation") == 0)
			f->remediation = text(y, v, id, ks, VULN_TEXT_MAX);
		else if (strcmp(ks, "vendor") == 0) {
			if (strings(y, v, id, ks) == 0)
				f->vendor = v;
		} else if (strcmp(ks, "product") == 0) {
			if (strings(y, v, id, ks) == 0)
				f->product = v;
		} else if (strcmp(ks, "affected") == 0) {
			if (strings(y, v, id, ks) == 0)
				f->affected = v;
		} else
			yamlfile_fail(y, k, "advisory '%s': unknown key '%s' "
			    "(%s)", id, ks, IOMT_KEYS);
	}
	if (y->failed)
		return -1;
	if (f->title == NULL || f->source == NULL || f->vendor == NULL ||
	    f->product == NULL || f->affected == NULL ||
	    f->severity == NULL) {
		yamlfile_fail(y, node, "advisory '%s': missing '%s'", id,
		    f->title == NULL ? "title" : f->source == NULL ? "source" :
		    f->vendor == NULL ? "vendor" : f->product == NULL ?
		    "product" : f->affected == NULL ? "affected" :
		    "severity");
		return -1;
	}
	return 0;
}

static int
build(struct yamlfile *y, const struct iomt_fields *f,
    struct vuln_advisory *a)
{
	struct vuln_product *pr;
	size_t iv, ip, ia, nv, np, na;
	yaml_node_t *at;
	char why[256], *end;
	double score;
	int sev;

	if ((sev = vuln_severity_parse(f->severity)) == -1) {
		yamlfile_fail(y, f->node, "advisory '%s': severity '%s' is "
		    "none of low, medium, high, critical", f->id,
		    f->severity);
		return -1;
	}
	a->severity = (enum vuln_severity)sev;
	if (f->score != NULL) {
		errno = 0;
		score = strtod(f->score, &end);
		if (errno != 0 || *end != '\0' || !(score >= 0 &&
		    score <= 10)) {
			yamlfile_fail(y, f->node, "advisory '%s': score '%s' "
			    "is not a number from 0 to 10", f->id, f->score);
			return -1;
		}
		a->score = score;
	}
	if ((a->id = strdup(f->id)) == NULL ||
	    (a->title = strdup(f->title)) == NULL ||
	    (a->source = strdup(f->source)) == NULL ||
	    (f->summary != NULL &&
	    (a->summary = strdup(f->summary)) == NULL) ||
	    (f->remediation != NULL &&
	    (a->remediation = strdup(f->remediation)) == NULL))
		goto nomem;
	nv = yamlfile_len(f->vendor);
	np = yamlfile_len(f->product);
	na = yamlfile_len(f->affected);
	if (nv * np * na > VULN_PRODUCTS_MAX) {
		yamlfile_fail(y, f->node, "advisory '%s': over %d vendor, "
		    "product and version combinations", f->id,
		    VULN_PRODUCTS_MAX);
		return -1;
	}
	for (iv = 0; iv < nv; iv++)
		for (ip = 0; ip < np; ip++)
			for (ia = 0; ia < na; ia++) {
				if ((pr = vuln_adv_product(a)) == NULL)
					goto nomem;
				at = yamlfile_item(y, f->affected, ia);
				if (vuln_range_parse(yamlfile_scalar(at),
				    &pr->range, why, sizeof(why)) == -1) {
					yamlfile_fail(y, at, "advisory '%s': "
					    "affected: %s", f->id, why);
					return -1;
				}
				if ((pr->vendor = strdup(yamlfile_scalar(
				    yamlfile_item(y, f->vendor, iv)))) ==
				    NULL || (pr->product = strdup(
				    yamlfile_scalar(yamlfile_item(y,
				    f->product, ip)))) == NULL ||
				    (f->fixed != NULL && (pr->fixed =
				    strdup(f->fixed)) == NULL))
					goto nomem;
			}
	return 0;
nomem:
	yamlfile_fail(y, f->node, "out of memory");
	return -1;
}

static void
load_top(struct yamlfile *y, struct vuln_list *l)
{
	struct iomt_fields f;
	struct vuln_advisory *a;
	yaml_node_t *list, *node;
	size_t i, j, n;

	if ((list = yamlfile_top(y, "advisories", "advisories",
	    "version, advisories", NULL, NULL)) == NULL)
		return;
	n = yamlfile_len(list);
	for (i = 0; i < n && !y->failed; i++) {
		node = yamlfile_item(y, list, i);
		if (fields(y, node, &f) == -1)
			return;
		for (j = 0; j < l->n; j++)
			if (l->v[j]->origin == VULN_IOMT &&
			    strcmp(l->v[j]->id, f.id) == 0) {
				yamlfile_fail(y, node, "advisory '%s' given "
				    "twice", f.id);
				return;
			}
		if ((a = vuln_adv_new(VULN_IOMT)) == NULL) {
			yamlfile_fail(y, node, "out of memory");
			return;
		}
		if (build(y, &f, a) == -1) {
			vuln_adv_free(a);
			return;
		}
		if (vuln_list_push(l, a) == -1) {
			vuln_adv_free(a);
			yamlfile_fail(y, node, "over %u advisories, or out of "
			    "memory", VULN_ADVISORIES_MAX);
			return;
		}
	}
}

int
vuln_iomt_parse(struct vuln_list *l, const char *text_, size_t len,
    const char *name, char *err, size_t errlen)
{
	struct yamlfile y;
	size_t n0 = l->n;

	if (yamlfile_parse(&y, text_, len, name, err, errlen) == -1)
		return WARD_EFORMAT;
	load_top(&y, l);
	yamlfile_done(&y);
	if (y.failed) {
		vuln_list_truncate(l, n0);
		return WARD_EFORMAT;
	}
	return 0;
}

int
vuln_iomt_load(struct vuln_list *l, const char *path, char *err,
    size_t errlen)
{
	char *buf;
	size_t n;
	int rc;

	if ((buf = yamlfile_read(path, VULN_FILE_MAX, &n, err, errlen)) ==
	    NULL)
		return WARD_EIO;
	rc = vuln_iomt_parse(l, buf, n, path, err, errlen);
	free(buf);
	return rc;
}
