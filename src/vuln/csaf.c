/*
 * csaf.c - CSAF 2.0 security advisories read into advisories (see
 * vuln.h), as CISA publishes its ICS medical advisories (ICSMA).
 *
 * Follows OASIS CSAF 2.0 (section 3.1.2 branches, 3.2.2 product_tree,
 * 3.2.3 vulnerabilities: 3.2.3.9 product_status, 3.2.3.12 remediations,
 * 3.2.3.13 scores):
 *
 *	{ "document": { "title": "...", "tracking": { "id": "ICSMA-..." } },
 *	  "product_tree": { "branches": [ { "category": "vendor",
 *	      "name": "Baxter", "branches": [ { "category": "product_name",
 *	      "name": "...", "branches": [ { "category":
 *	      "product_version_range", "name": "<=1.52", "product": {
 *	      "name": "...", "product_id": "CSAFPID-0001" } } ] } ] } ] },
 *	  "vulnerabilities": [ { "cve": "CVE-2024-1275",
 *	      "product_status": { "known_affected": [ "CSAFPID-0001" ] },
 *	      "remediations": [ { "category": "vendor_fix", "details": "...",
 *	      "product_ids": [ ... ] } ],
 *	      "scores": [ { "cvss_v3": { "baseScore": 7.4 } } ] } ] }
 *
 * The product tree is walked to a bounded depth and its products kept
 * in a table by product_id; advisories copy what they need from it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/error.h"
#include "ward/vuln.h"
#include "json-private.h"
#include "vuln-private.h"

#define CSAF_DEPTH_MAX		16
#define CSAF_PRODUCTS_MAX	4096

/* A product of the tree; the strings are the JSON document's. */
struct cprod {
	const char	*id;
	const char	*vendor;
	const char	*product;
	const char	*version;	/* NULL: all versions */
	bool		 range;		/* version is a range */
	const char	*cpe;		/* helper's CPE (checked) */
	const char	*purl;		/* helper's Package URL */
};

struct csaf {
	struct jctx	 j;
	struct cprod	*p;
	size_t		 n, cap;
};

static struct cprod *
cprod_find(struct csaf *c, const char *id)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->p[i].id, id) == 0)
			return &c->p[i];
	return NULL;
}

static int
cprod_add(struct csaf *c, const struct cprod *cp, const char *path)
{
	struct cprod *np;
	size_t cap;

	if (cprod_find(c, cp->id) != NULL)
		return jfail(&c->j, path, "product_id '%s' defined twice",
		    cp->id);
	if (c->n >= CSAF_PRODUCTS_MAX)
		return jfail(&c->j, path, "over %d products",
		    CSAF_PRODUCTS_MAX);
	if (c->n == c->cap) {
		cap = c->cap == 0 ? 16 : c->cap * 2;
		if ((np = reallocarray(c->p, cap, sizeof(*np))) == NULL) {
			c->j.rc = WARD_ENOMEM;
			return jfail(&c->j, path, "out of memory");
		}
		c->p = np;
		c->cap = cap;
	}
	c->p[c->n++] = *cp;
	return 0;
}

/*
 * Section 3.1.3.3: a product_identification_helper's CPE (2.3 or 2.2,
 * checked here, read again when copied) and Package URL; either is left
 * out when it cannot be read. A product
 * without one keeps what it inherits (a relationship, its reference's).
 */
static int
helper(struct csaf *c, json_t *fp, const char *path, struct cprod *cp)
{
	char p[JPATH_MAX];
	struct vuln_cpe cpe;
	const char *s;
	json_t *h;

	if ((h = jobj(&c->j, fp, "product_identification_helper", path,
	    false)) == NULL)
		return c->j.rc != 0 ? -1 : 0;
	jkey(p, path, "product_identification_helper");
	if (jstr(&c->j, h, "cpe", p, false, VULN_NAME_MAX, &s) == -1)
		return -1;
	/*
	 * A helper only helps: one ward cannot read (a CPE of no product,
	 * a purl of another scheme) is left out, and the product still
	 * matches by vendor and name. Losing the advisory would be worse.
	 */
	if (s != NULL && vuln_cpe_parse(s, true, &cpe) == 0)
		cp->cpe = s;
	if (jstr(&c->j, h, "purl", p, false, VULN_NAME_MAX, &s) == -1)
		return -1;
	/* Section 3.1.3.3.5: the Package URL specification. */
	if (s != NULL && strncmp(s, "pkg:", 4) == 0)
		cp->purl = s;
	return 0;
}

/* A full_product_name object ({ name, product_id }) as product. */
static int
full_name(struct csaf *c, json_t *fp, const char *path, struct cprod *cp)
{
	const char *name;

	if (!json_is_object(fp))
		return jfail(&c->j, path, "not an object");
	if (jstr(&c->j, fp, "name", path, true, VULN_TEXT_MAX, &name) == -1 ||
	    jstr(&c->j, fp, "product_id", path, true, VULN_NAME_MAX,
	    &cp->id) == -1 || helper(c, fp, path, cp) == -1)
		return -1;
	if (cp->product == NULL)
		cp->product = name;
	return 0;
}

/* CSAF 2.0 section 3.1.2: branches nest vendor, product_name, version. */
static int
branches(struct csaf *c, json_t *bs, const char *path, struct cprod ctx,
    int depth)
{
	char pb[JPATH_MAX], pk[JPATH_MAX];
	struct cprod here;
	const char *cat, *name;
	json_t *b, *sub, *prod;
	size_t i;

	if (depth > CSAF_DEPTH_MAX)
		return jfail(&c->j, path, "branches nested over %d deep",
		    CSAF_DEPTH_MAX);
	json_array_foreach(bs, i, b) {
		jidx(pb, path, i);
		if (!json_is_object(b))
			return jfail(&c->j, pb, "not an object");
		if (jstr(&c->j, b, "category", pb, true, 64, &cat) == -1 ||
		    jstr(&c->j, b, "name", pb, true, VULN_NAME_MAX, &name) ==
		    -1)
			return -1;
		here = ctx;
		if (strcmp(cat, "vendor") == 0)
			here.vendor = name;
		else if (strcmp(cat, "product_name") == 0)
			here.product = name;
		else if (strcmp(cat, "product_version") == 0) {
			here.version = name;
			here.range = false;
		} else if (strcmp(cat, "product_version_range") == 0) {
			here.version = name;
			here.range = true;
		}
		if ((prod = jobj(&c->j, b, "product", pb, false)) != NULL) {
			if (full_name(c, prod, jkey(pk, pb, "product"),
			    &here) == -1 || cprod_add(c, &here, pk) == -1)
				return -1;
		} else if (c->j.rc != 0)
			return -1;
		if ((sub = jarr(&c->j, b, "branches", pb, false)) != NULL) {
			if (branches(c, sub, jkey(pk, pb, "branches"), here,
			    depth + 1) == -1)
				return -1;
		} else if (c->j.rc != 0)
			return -1;
	}
	return 0;
}

static int
product_tree(struct csaf *c, json_t *root)
{
	char p[JPATH_MAX], pe[JPATH_MAX], pk[JPATH_MAX];
	struct cprod none = { 0 }, cp, *ref;
	const char *rid;
	json_t *tree, *a, *e, *fp;
	size_t i;

	if ((tree = jobj(&c->j, root, "product_tree", "", false)) == NULL)
		return c->j.rc != 0 ? -1 : 0;
	if ((a = jarr(&c->j, tree, "branches", "product_tree", false)) !=
	    NULL && branches(c, a, "product_tree.branches", none, 0) == -1)
		return -1;
	if (c->j.rc != 0)
		return -1;
	if ((a = jarr(&c->j, tree, "full_product_names", "product_tree",
	    false)) != NULL) {
		json_array_foreach(a, i, e) {
			jidx(p, "product_tree.full_product_names", i);
			cp = none;
			if (full_name(c, e, p, &cp) == -1 ||
			    cprod_add(c, &cp, p) == -1)
				return -1;
		}
	}
	if (c->j.rc != 0)
		return -1;
	/* Section 3.2.2.4: a product installed on or part of another. */
	if ((a = jarr(&c->j, tree, "relationships", "product_tree",
	    false)) != NULL) {
		json_array_foreach(a, i, e) {
			jidx(pe, "product_tree.relationships", i);
			if (!json_is_object(e))
				return jfail(&c->j, pe, "not an object");
			if (jstr(&c->j, e, "product_reference", pe, true,
			    VULN_NAME_MAX, &rid) == -1)
				return -1;
			if ((ref = cprod_find(c, rid)) == NULL)
				return jfail(&c->j, jkey(pk, pe,
				    "product_reference"),
				    "unknown product_id '%s'", rid);
			cp = *ref;
			if ((fp = jobj(&c->j, e, "full_product_name", pe,
			    true)) == NULL ||
			    full_name(c, fp, jkey(pk, pe,
			    "full_product_name"), &cp) == -1 ||
			    cprod_add(c, &cp, pk) == -1)
				return -1;
		}
	}
	return c->j.rc != 0 ? -1 : 0;
}

/*
 * One product of a status list. A product_version_range CSAF writes as
 * versions apart by '|' ("8.001|8.002|9.001") becomes one product each;
 * one ward cannot read is kept as text (VR_UNPARSED) rather than losing
 * the advisory.
 */
static int
add_product(struct csaf *c, struct vuln_advisory *a, const struct cprod *cp,
    bool affected, const char *path)
{
	char why[256], name[2 * VULN_NAME_MAX + 2];
	struct vuln_product *pr;
	struct vuln_cpe cpe;
	const char *v = cp->version, *bar;
	size_t n;
	bool list;

	list = cp->range && v != NULL && strchr(v, '|') != NULL &&
	    strpbrk(v, "<>") == NULL;
	do {
		if ((pr = vuln_adv_product(a)) == NULL) {
			c->j.rc = WARD_ENOMEM;
			return jfail(&c->j, path, "over %d products, or out "
			    "of memory", VULN_PRODUCTS_MAX);
		}
		pr->affected = affected;
		if ((cp->vendor != NULL &&
		    (pr->vendor = jdup(&c->j, cp->vendor, path)) == NULL) ||
		    (pr->product = jdup(&c->j, cp->product, path)) == NULL ||
		    (cp->purl != NULL &&
		    (pr->purl = jdup(&c->j, cp->purl, path)) == NULL))
			return -1;
		if (cp->cpe != NULL) {
			if (vuln_cpe_parse(cp->cpe, true, &cpe) == -1)
				return jfail(&c->j, path, "CPE '%s' unread",
				    cp->cpe);	/* checked in the tree */
			snprintf(name, sizeof(name), "%s:%s", cpe.vendor,
			    cpe.product);
			if ((pr->cpe = jdup(&c->j, name, path)) == NULL)
				return -1;
		}
		if (v == NULL)
			return 0;
		if (list) {
			while (*v == ' ')
				v++;
			bar = strchr(v, '|');
			n = bar != NULL ? (size_t)(bar - v) : strlen(v);
			while (n > 0 && v[n - 1] == ' ')
				n--;
			if ((pr->range.exact = strndup(v, n)) == NULL) {
				c->j.rc = WARD_ENOMEM;
				return jfail(&c->j, path, "out of memory");
			}
			v = bar != NULL ? bar + 1 : NULL;
		} else if (!cp->range) {
			if ((pr->range.exact = jdup(&c->j, v, path)) == NULL)
				return -1;
			v = NULL;
		} else {
			if (vuln_range_parse(v, &pr->range, why,
			    sizeof(why)) == -1) {
				pr->range.flags = VR_UNPARSED;
				if ((pr->range.text = jdup(&c->j, v, path)) ==
				    NULL)
					return -1;
			}
			v = NULL;
		}
		if (!affected && pr->range.exact != NULL &&
		    (pr->fixed = jdup(&c->j, pr->range.exact, path)) == NULL)
			return -1;
	} while (v != NULL);
	return 0;
}

/* Section 3.2.3.9: the product_status lists. */
static int
product_status(struct csaf *c, struct vuln_advisory *a, json_t *v,
    const char *path)
{
	static const struct {
		const char	*key;
		bool		 affected;
	} lists[] = {
		{ "known_affected", true },
		{ "first_affected", true },
		{ "last_affected", true },
		{ "fixed", false },
		{ "first_fixed", false },
	};
	char p[JPATH_MAX], pl[JPATH_MAX], pi[JPATH_MAX];
	struct cprod *cp;
	json_t *st, *arr, *e;
	size_t k, i;

	if ((st = jobj(&c->j, v, "product_status", path, false)) == NULL)
		return c->j.rc != 0 ? -1 : 0;
	jkey(p, path, "product_status");
	for (k = 0; k < sizeof(lists) / sizeof(lists[0]); k++) {
		if ((arr = jarr(&c->j, st, lists[k].key, p, false)) == NULL) {
			if (c->j.rc != 0)
				return -1;
			continue;
		}
		jkey(pl, p, lists[k].key);
		json_array_foreach(arr, i, e) {
			jidx(pi, pl, i);
			if (!json_is_string(e))
				return jfail(&c->j, pi, "not a string");
			if ((cp = cprod_find(c, json_string_value(e))) == NULL)
				return jfail(&c->j, pi, "unknown product_id "
				    "'%s'", json_string_value(e));
			if (add_product(c, a, cp, lists[k].affected, pi) == -1)
				return -1;
		}
	}
	return 0;
}

/* Section 3.2.3.13: the first CVSS v3 (else v2) base score. */
static int
scores(struct csaf *c, struct vuln_advisory *a, json_t *v, const char *path)
{
	char p[JPATH_MAX], pe[JPATH_MAX], pc[JPATH_MAX], pk[JPATH_MAX];
	json_t *arr, *e, *cv, *bs;
	const char *sev;
	size_t i;
	int s;

	if ((arr = jarr(&c->j, v, "scores", path, false)) == NULL)
		return c->j.rc != 0 ? -1 : 0;
	jkey(p, path, "scores");
	json_array_foreach(arr, i, e) {
		jidx(pe, p, i);
		if (!json_is_object(e))
			return jfail(&c->j, pe, "not an object");
		if ((cv = jobj(&c->j, e, "cvss_v3", pe, false)) == NULL &&
		    (cv = jobj(&c->j, e, "cvss_v2", pe, false)) == NULL) {
			if (c->j.rc != 0)
				return -1;
			continue;
		}
		jkey(pc, pe, json_object_get(e, "cvss_v3") != NULL ?
		    "cvss_v3" : "cvss_v2");
		bs = json_object_get(cv, "baseScore");
		if (!json_is_number(bs) || json_number_value(bs) < 0 ||
		    json_number_value(bs) > 10)
			return jfail(&c->j, jkey(pk, pc, "baseScore"),
			    bs == NULL ? "missing" :
			    "not a number from 0 to 10");
		a->score = json_number_value(bs);
		if (jstr(&c->j, cv, "baseSeverity", pc, false, 16, &sev) ==
		    -1)
			return -1;
		if (sev != NULL) {
			if ((s = vuln_severity_parse(sev)) == -1)
				return jfail(&c->j, jkey(pk, pc,
				    "baseSeverity"), "unknown severity '%s'",
				    sev);
			a->severity = (enum vuln_severity)s;
		}
		return 0;
	}
	return 0;
}

/* Section 3.2.3.12: remediations, as "category: details" lines. */
static int
remediations(struct csaf *c, struct vuln_advisory *a, json_t *v,
    const char *path)
{
	char p[JPATH_MAX], pe[JPATH_MAX];
	const char *cat, *details;
	json_t *arr, *e;
	size_t i;

	if ((arr = jarr(&c->j, v, "remediations", path, false)) == NULL)
		return c->j.rc != 0 ? -1 : 0;
	jkey(p, path, "remediations");
	json_array_foreach(arr, i, e) {
		jidx(pe, p, i);
		if (!json_is_object(e))
			return jfail(&c->j, pe, "not an object");
		if (jstr(&c->j, e, "category", pe, true, 64, &cat) == -1 ||
		    jstr(&c->j, e, "details", pe, true, VULN_TEXT_MAX,
		    &details) == -1)
			return -1;
		if (vuln_adv_remedy(a, cat, details) == -1)
			return jfail(&c->j, pe, "remediations over %d bytes",
			    VULN_TEXT_MAX);
	}
	return 0;
}

static int
summary(struct csaf *c, struct vuln_advisory *a, json_t *v, const char *path)
{
	char p[JPATH_MAX], pe[JPATH_MAX];
	const char *cat, *text;
	json_t *arr, *e;
	size_t i;

	if ((arr = jarr(&c->j, v, "notes", path, false)) == NULL)
		return c->j.rc != 0 ? -1 : 0;
	jkey(p, path, "notes");
	json_array_foreach(arr, i, e) {
		jidx(pe, p, i);
		if (!json_is_object(e))
			return jfail(&c->j, pe, "not an object");
		if (jstr(&c->j, e, "category", pe, true, 64, &cat) == -1 ||
		    jstr(&c->j, e, "text", pe, true, VULN_TEXT_MAX, &text) ==
		    -1)
			return -1;
		if (a->summary == NULL && (strcmp(cat, "summary") == 0 ||
		    strcmp(cat, "description") == 0))
			if ((a->summary = jdup(&c->j, text, pe)) == NULL)
				return -1;
	}
	return 0;
}

static int
vulnerability(struct csaf *c, struct vuln_list *l, json_t *v,
    const char *path, const char *tracking, const char *title)
{
	char pk[JPATH_MAX];
	struct vuln_advisory *a;
	const char *id;
	json_t *ids;

	if (!json_is_object(v))
		return jfail(&c->j, path, "not an object");
	if (jstr(&c->j, v, "cve", path, false, VULN_NAME_MAX, &id) == -1)
		return -1;
	if (id == NULL) {
		/* Section 3.2.3.6: ids, when the vulnerability has no CVE. */
		ids = jarr(&c->j, v, "ids", path, false);
		if (ids == NULL || json_array_size(ids) == 0)
			return jfail(&c->j, path, "neither 'cve' nor 'ids'");
		if (jstr(&c->j, json_array_get(ids, 0), "text",
		    jidx(pk, jkey(pk, path, "ids"), 0), true, VULN_NAME_MAX,
		    &id) == -1)
			return -1;
	}
	if ((a = vuln_adv_new(VULN_CSAF)) == NULL ||
	    (a->id = strdup(id)) == NULL ||
	    (a->source = strdup(tracking)) == NULL ||
	    (a->title = strdup(title)) == NULL) {
		vuln_adv_free(a);
		c->j.rc = WARD_ENOMEM;
		return jfail(&c->j, path, "out of memory");
	}
	if (summary(c, a, v, path) == -1 || scores(c, a, v, path) == -1 ||
	    product_status(c, a, v, path) == -1 ||
	    remediations(c, a, v, path) == -1) {
		vuln_adv_free(a);
		return -1;
	}
	if (vuln_list_push(l, a) == -1) {
		vuln_adv_free(a);
		c->j.rc = WARD_ENOMEM;
		return jfail(&c->j, path, "over %u advisories, or out of "
		    "memory", VULN_ADVISORIES_MAX);
	}
	return 0;
}

int
vuln_csaf_parse(struct vuln_list *l, const char *text, size_t len,
    const char *name, char *err, size_t errlen)
{
	struct csaf c;
	char p[JPATH_MAX];
	const char *tracking, *title, *ver;
	size_t i, n0 = l->n;
	json_t *root, *doc, *tr, *vs, *v;

	memset(&c, 0, sizeof(c));
	c.j.name = name;
	c.j.err = err;
	c.j.errlen = errlen;
	if (errlen > 0)
		*err = '\0';
	if (len > VULN_FILE_MAX) {
		jfail(&c.j, "", "over %u bytes", VULN_FILE_MAX);
		return WARD_EFORMAT;
	}
	if ((root = jload(&c.j, text, len)) == NULL)
		return c.j.rc;
	if ((doc = jobj(&c.j, root, "document", "", true)) == NULL ||
	    jstr(&c.j, doc, "csaf_version", "document", true, 16, &ver) ==
	    -1 ||
	    jstr(&c.j, doc, "title", "document", true, VULN_NAME_MAX,
	    &title) == -1 ||
	    (tr = jobj(&c.j, doc, "tracking", "document", true)) == NULL ||
	    jstr(&c.j, tr, "id", "document.tracking", true, VULN_NAME_MAX,
	    &tracking) == -1)
		goto out;
	if (strcmp(ver, "2.0") != 0) {
		jfail(&c.j, "document.csaf_version", "'%s', not 2.0", ver);
		goto out;
	}
	if (product_tree(&c, root) == -1)
		goto out;
	if ((vs = jarr(&c.j, root, "vulnerabilities", "", false)) == NULL)
		goto out;
	json_array_foreach(vs, i, v) {
		if (vulnerability(&c, l, v, jidx(p, "vulnerabilities", i),
		    tracking, title) == -1)
			goto out;
	}
out:
	json_decref(root);
	free(c.p);
	if (c.j.rc != 0)
		vuln_list_truncate(l, n0);
	return c.j.rc;
}

int
vuln_csaf_load(struct vuln_list *l, const char *path, char *err,
    size_t errlen)
{
	return vuln_load_file(l, path, vuln_csaf_parse, err, errlen);
}
