/*
 * nvd.c - NVD CVE API 2.0 responses read into advisories (see vuln.h).
 *
 * Follows the NVD CVE API 2.0 JSON schema (cve_api_json_2.0.schema) and
 * CPE 2.3 (NISTIR 7695, formatted string binding, section 6.2):
 *
 *	{ "vulnerabilities": [ { "cve": {
 *	    "id": "CVE-2022-2119",
 *	    "descriptions": [ { "lang": "en", "value": "..." } ],
 *	    "metrics": { "cvssMetricV31": [ { "type": "Primary",
 *	        "cvssData": { "baseScore": 9.8, "baseSeverity": "CRITICAL" }
 *	    } ] },
 *	    "configurations": [ { "nodes": [ { "cpeMatch": [ {
 *	        "vulnerable": true,
 *	        "criteria": "cpe:2.3:a:offis:dcmtk:*:*:*:*:*:*:*:*",
 *	        "versionEndExcluding": "3.6.7" } ] } ] } ] } } ] }
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ward/error.h"
#include "ward/vuln.h"
#include "json-private.h"
#include "vuln-private.h"

/*
 * Field i (0: "cpe") of a CPE 2.3 formatted string, unquoted ("\:" is a
 * colon within a field, CPE 2.3 section 6.2.2.2). -1 when s has fewer
 * fields or the field is over outlen - 1 bytes.
 */
static int
cpe_field(const char *s, int i, char *out, size_t outlen)
{
	size_t n = 0;
	int f = 0;

	for (; *s != '\0'; s++) {
		if (*s == ':') {
			if (f++ == i)
				break;
			continue;
		}
		if (*s == '\\' && s[1] != '\0')
			s++;
		if (f == i) {
			if (n + 1 >= outlen)
				return -1;
			out[n++] = *s;
		}
	}
	if (f < i)
		return -1;
	out[n] = '\0';
	return 0;
}

static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * Field i (0: the part) of what follows "cpe:/" in a CPE 2.2 URI,
 * percent-decoded (CPE 2.3 section 6.1.3.2). A field past the last is
 * empty: "cpe:/o:vendor:product" gives no version. -1 when the field is
 * over outlen - 1 bytes or decodes to a NUL.
 */
static int
cpe_uri_field(const char *s, int i, char *out, size_t outlen)
{
	size_t n = 0;
	int f = 0, hi, lo;
	char ch;

	for (; *s != '\0' && f <= i; s++) {
		if (*s == ':') {
			f++;
			continue;
		}
		if (f != i)
			continue;
		ch = *s;
		if (ch == '%' && (hi = hexval(s[1])) != -1 &&
		    (lo = hexval(s[2])) != -1) {
			ch = (char)(hi * 16 + lo);
			s += 2;
			if (ch == '\0')
				return -1;
		}
		if (n + 1 >= outlen)
			return -1;
		out[n++] = ch;
	}
	out[n] = '\0';
	return 0;
}

bool
vuln_cpe_any(const char *v)
{
	/* CPE 2.3 section 6.2.2.1: "*" any, "-" not applicable. */
	return strcmp(v, "*") == 0 || strcmp(v, "-") == 0 || *v == '\0';
}

int
vuln_cpe_parse(const char *s, bool uri, struct vuln_cpe *c)
{
	char part[4];
	int (*field)(const char *, int, char *, size_t);
	int base;

	if (strncmp(s, "cpe:2.3:", 8) == 0) {
		field = cpe_field;
		base = 2;
	} else if (uri && strncasecmp(s, "cpe:/", 5) == 0) {
		field = cpe_uri_field;
		s += 5;
		base = 0;
	} else
		return -1;
	if (field(s, base, part, sizeof(part)) == -1 ||
	    field(s, base + 1, c->vendor, sizeof(c->vendor)) == -1 ||
	    field(s, base + 2, c->product, sizeof(c->product)) == -1 ||
	    field(s, base + 3, c->version, sizeof(c->version)) == -1 ||
	    field(s, base + 4, c->update, sizeof(c->update)) == -1)
		return -1;
	if (strlen(part) != 1 || strchr("aohAOH", part[0]) == NULL ||
	    vuln_cpe_any(c->vendor) || vuln_cpe_any(c->product))
		return -1;
	c->part = (char)(part[0] | 0x20);
	return 0;
}

/*
 * The text of an AND configuration's platforms, kept under
 * VULN_TEXT_MAX: a configuration naming more (a chip vendor's hundreds
 * of boards) ends in "..." rather than failing the feed.
 */
struct ptext {
	char	buf[VULN_TEXT_MAX];
	size_t	len;
	bool	cut;
};

static void
ptext_add(struct ptext *t, const char *s)
{
	size_t n = strlen(s);

	if (t->cut)
		return;
	if (t->len + n + sizeof("...") > sizeof(t->buf)) {
		memcpy(t->buf + t->len, "...", sizeof("..."));
		t->len += 3;
		t->cut = true;
		return;
	}
	memcpy(t->buf + t->len, s, n + 1);
	t->len += n;
}

static int
cpe_match(struct jctx *j, struct vuln_advisory *a, json_t *m,
    const char *path, struct ptext *plat, size_t *nplat)
{
	static const struct {
		const char	*key;
		int		 end;
		unsigned	 incl;
	} keys[] = {
		{ "versionStartIncluding", 0, VR_START_INCL },
		{ "versionStartExcluding", 0, 0 },
		{ "versionEndIncluding", 1, VR_END_INCL },
		{ "versionEndExcluding", 1, 0 },
	};
	char p[JPATH_MAX];
	char full[2 * VULN_NAME_MAX + 2], name[3 * VULN_NAME_MAX + 3];
	struct vuln_cpe cpe;
	struct vuln_product *pr;
	const char *crit, *v;
	json_t *vul;
	char **dst;
	size_t k;

	if (!json_is_object(m))
		return jfail(j, path, "not an object");
	vul = json_object_get(m, "vulnerable");
	if (!json_is_boolean(vul))
		return jfail(j, jkey(p, path, "vulnerable"),
		    vul == NULL ? "missing" : "not true or false");
	if (jstr(j, m, "criteria", path, true, VULN_NAME_MAX, &crit) == -1)
		return -1;
	if (vuln_cpe_parse(crit, false, &cpe) == -1)
		return jfail(j, jkey(p, path, "criteria"),
		    "not a CPE 2.3 name of a product: '%s'", crit);
	/* The update field goes with the version: 8.5 p1 is 8.5p1. */
	full[0] = '\0';
	if (!vuln_cpe_any(cpe.version))
		snprintf(full, sizeof(full), "%s%s", cpe.version,
		    vuln_cpe_any(cpe.update) ? "" : cpe.update);
	snprintf(name, sizeof(name), "%s:%s", cpe.vendor, cpe.product);
	if (!json_is_true(vul)) {
		/* A platform, not a product at risk. */
		if (plat != NULL) {
			if ((*nplat)++ > 0)
				ptext_add(plat, " or ");
			ptext_add(plat, name);
			if (full[0] != '\0') {
				ptext_add(plat, ":");
				ptext_add(plat, full);
			}
		}
		return 0;
	}
	if ((pr = vuln_adv_product(a)) == NULL) {
		j->rc = WARD_ENOMEM;
		return jfail(j, path, "over %d products, or out of memory",
		    VULN_PRODUCTS_MAX);
	}
	if ((pr->vendor = jdup(j, cpe.vendor, path)) == NULL ||
	    (pr->product = jdup(j, cpe.product, path)) == NULL ||
	    (pr->cpe = jdup(j, name, path)) == NULL)
		return -1;
	if (full[0] != '\0' && (pr->range.exact = jdup(j, full, path)) == NULL)
		return -1;
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		if (jstr(j, m, keys[k].key, path, false, VULN_NAME_MAX, &v) ==
		    -1)
			return -1;
		if (v == NULL)
			continue;
		if (pr->range.exact != NULL)
			return jfail(j, jkey(p, path, keys[k].key),
			    "a range beside the version in the criteria");
		dst = keys[k].end ? &pr->range.end : &pr->range.start;
		if (*dst != NULL)
			return jfail(j, jkey(p, path, keys[k].key),
			    "a second %s bound", keys[k].end ? "upper" :
			    "lower");
		if ((*dst = jdup(j, v, path)) == NULL)
			return -1;
		pr->range.flags |= keys[k].incl;
	}
	return 0;
}

/* How many platforms (cpeMatch "vulnerable": false) the node names. */
static size_t
platforms(json_t *node)
{
	json_t *ms = json_object_get(node, "cpeMatch"), *m;
	size_t n, count = 0;

	json_array_foreach(ms, n, m)
		if (json_is_false(json_object_get(m, "vulnerable")))
			count++;
	return count;
}

/*
 * One configuration. With operator AND (NVD CVE API 2.0: "configurations"
 * whose nodes must all match) the cpeMatch entries that are not
 * vulnerable name the platform the vulnerable ones are at risk on
 * (firmware on its hardware): they become the platform text of every
 * product the configuration yields, " or " within a node, " and "
 * between nodes, a node with "negate" prefixed by "not".
 */
static int
configuration(struct jctx *j, struct vuln_advisory *a, json_t *conf,
    const char *pc)
{
	char pi[JPATH_MAX], pn[JPATH_MAX], pm[JPATH_MAX];
	struct ptext *plat = NULL;
	struct vuln_product *pr;
	const char *op;
	json_t *nodes, *node, *ms, *m;
	size_t k, n, n0 = a->nproducts, groups = 0, items, nth = 0;
	bool paren, neg;
	int rc = -1;

	if (!json_is_object(conf))
		return jfail(j, pc, "not an object");
	if (jstr(j, conf, "operator", pc, false, 16, &op) == -1 ||
	    (nodes = jarr(j, conf, "nodes", pc, true)) == NULL)
		return -1;
	if (op != NULL && strcmp(op, "AND") == 0) {
		json_array_foreach(nodes, k, node)
			if (platforms(node) > 0)
				groups++;
		if (groups > 0 && (plat = calloc(1, sizeof(*plat))) == NULL) {
			j->rc = WARD_ENOMEM;
			return jfail(j, pc, "out of memory");
		}
	}
	json_array_foreach(nodes, k, node) {
		jidx(pn, jkey(pi, pc, "nodes"), k);
		if (!json_is_object(node)) {
			jfail(j, pn, "not an object");
			goto out;
		}
		if ((ms = jarr(j, node, "cpeMatch", pn, true)) == NULL)
			goto out;
		/* Parenthesised only when a list is one of several. */
		paren = false;
		if (plat != NULL && (items = platforms(node)) > 0) {
			neg = json_is_true(json_object_get(node, "negate"));
			if (nth++ > 0)
				ptext_add(plat, " and ");
			if (neg)
				ptext_add(plat, "not ");
			if ((paren = items > 1 && (groups > 1 || neg)))
				ptext_add(plat, "(");
		}
		items = 0;
		json_array_foreach(ms, n, m) {
			jidx(pm, jkey(pi, pn, "cpeMatch"), n);
			if (cpe_match(j, a, m, pm, plat, &items) == -1)
				goto out;
		}
		if (paren)
			ptext_add(plat, ")");
	}
	for (k = n0; plat != NULL && k < a->nproducts; k++) {
		pr = &a->products[k];
		if ((pr->platform = jdup(j, plat->buf, pc)) == NULL)
			goto out;
	}
	rc = 0;
out:
	free(plat);
	return rc;
}

static int
configurations(struct jctx *j, struct vuln_advisory *a, json_t *cve,
    const char *path)
{
	char p[JPATH_MAX], pc[JPATH_MAX];
	json_t *confs, *conf;
	size_t i;

	if ((confs = jarr(j, cve, "configurations", path, false)) == NULL)
		return j->rc != 0 ? -1 : 0;
	jkey(p, path, "configurations");
	json_array_foreach(confs, i, conf) {
		if (configuration(j, a, conf, jidx(pc, p, i)) == -1)
			return -1;
	}
	return 0;
}

/*
 * The score of one metrics array: the first "Primary" entry's (the NVD's
 * own), else the first entry's. 0 when the array is absent or empty.
 */
static int
metric(struct jctx *j, struct vuln_advisory *a, json_t *metrics,
    const char *key, const char *path)
{
	char p[JPATH_MAX], pe[JPATH_MAX], pd[JPATH_MAX];
	json_t *arr, *e, *pick = NULL, *data, *score;
	const char *type, *sev;
	size_t i, at = 0;
	bool primary = false;
	int s;

	if ((arr = jarr(j, metrics, key, path, false)) == NULL)
		return j->rc != 0 ? -1 : 0;
	jkey(p, path, key);
	json_array_foreach(arr, i, e) {
		if (!json_is_object(e))
			return jfail(j, jidx(pe, p, i), "not an object");
		type = json_string_value(json_object_get(e, "type"));
		if (pick == NULL || (!primary && type != NULL &&
		    strcmp(type, "Primary") == 0)) {
			pick = e;
			at = i;
			primary = type != NULL && strcmp(type, "Primary") == 0;
		}
	}
	if (pick == NULL)
		return 0;
	jidx(pe, p, at);
	if ((data = jobj(j, pick, "cvssData", pe, true)) == NULL)
		return -1;
	jkey(pd, pe, "cvssData");
	score = json_object_get(data, "baseScore");
	if (!json_is_number(score) || json_number_value(score) < 0 ||
	    json_number_value(score) > 10)
		return jfail(j, jkey(p, pd, "baseScore"), score == NULL ?
		    "missing" : "not a number from 0 to 10");
	a->score = json_number_value(score);
	/* v3.x and v4.0 keep the severity in cvssData. */
	if (jstr(j, data, "baseSeverity", pd, false, 16, &sev) == -1)
		return -1;
	if (sev != NULL) {
		if ((s = vuln_severity_parse(sev)) == -1)
			return jfail(j, jkey(p, pd, "baseSeverity"),
			    "unknown severity '%s'", sev);
		a->severity = (enum vuln_severity)s;
	}
	return 1;
}

static int
metrics(struct jctx *j, struct vuln_advisory *a, json_t *cve,
    const char *path)
{
	static const char *const order[] = {
		"cvssMetricV31", "cvssMetricV40", "cvssMetricV30",
	};
	char p[JPATH_MAX];
	json_t *ms;
	size_t i;
	int r;

	if ((ms = jobj(j, cve, "metrics", path, false)) == NULL)
		return j->rc != 0 ? -1 : 0;
	jkey(p, path, "metrics");
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if ((r = metric(j, a, ms, order[i], p)) != 0)
			return r == -1 ? -1 : 0;
	return 0;
}

static int
descriptions(struct jctx *j, struct vuln_advisory *a, json_t *cve,
    const char *path)
{
	char p[JPATH_MAX], pe[JPATH_MAX];
	json_t *ds, *d;
	const char *lang, *value;
	size_t i;

	if ((ds = jarr(j, cve, "descriptions", path, false)) == NULL)
		return j->rc != 0 ? -1 : 0;
	jkey(p, path, "descriptions");
	json_array_foreach(ds, i, d) {
		jidx(pe, p, i);
		if (!json_is_object(d))
			return jfail(j, pe, "not an object");
		if (jstr(j, d, "lang", pe, true, 16, &lang) == -1 ||
		    jstr(j, d, "value", pe, true, VULN_TEXT_MAX, &value) ==
		    -1)
			return -1;
		if (a->summary == NULL && strncmp(lang, "en", 2) == 0 &&
		    (a->summary = jdup(j, value, pe)) == NULL)
			return -1;
	}
	return 0;
}

static int
one_cve(struct jctx *j, struct vuln_list *l, json_t *item, const char *pi)
{
	char p[JPATH_MAX];
	struct vuln_advisory *a;
	const char *id;
	json_t *cve;

	if (!json_is_object(item))
		return jfail(j, pi, "not an object");
	if ((cve = jobj(j, item, "cve", pi, true)) == NULL)
		return -1;
	jkey(p, pi, "cve");
	if (jstr(j, cve, "id", p, true, VULN_NAME_MAX, &id) == -1)
		return -1;
	if ((a = vuln_adv_new(VULN_NVD)) == NULL ||
	    (a->id = strdup(id)) == NULL) {
		vuln_adv_free(a);
		jfail(j, p, "out of memory");
		j->rc = WARD_ENOMEM;
		return -1;
	}
	if (descriptions(j, a, cve, p) == -1 || metrics(j, a, cve, p) == -1 ||
	    configurations(j, a, cve, p) == -1) {
		vuln_adv_free(a);
		return -1;
	}
	if (vuln_list_push(l, a) == -1) {
		vuln_adv_free(a);
		jfail(j, pi, "over %u advisories, or out of memory",
		    VULN_ADVISORIES_MAX);
		j->rc = WARD_ENOMEM;
		return -1;
	}
	return 0;
}

int
vuln_nvd_parse(struct vuln_list *l, const char *text, size_t len,
    const char *name, char *err, size_t errlen)
{
	struct jctx j = { name, err, errlen, 0 };
	char p[JPATH_MAX];
	size_t i, n0 = l->n;
	json_t *root, *vs, *item;

	if (errlen > 0)
		*err = '\0';
	if (len > VULN_FILE_MAX) {
		jfail(&j, "", "over %u bytes", VULN_FILE_MAX);
		return WARD_EFORMAT;
	}
	if ((root = jload(&j, text, len)) == NULL)
		return j.rc;
	if ((vs = jarr(&j, root, "vulnerabilities", "", true)) == NULL)
		goto out;
	json_array_foreach(vs, i, item) {
		if (one_cve(&j, l, item, jidx(p, "vulnerabilities", i)) == -1)
			goto out;
	}
out:
	json_decref(root);
	if (j.rc != 0)
		vuln_list_truncate(l, n0);
	return j.rc;
}

int
vuln_nvd_load(struct vuln_list *l, const char *path, char *err,
    size_t errlen)
{
	return vuln_load_file(l, path, vuln_nvd_parse, err, errlen);
}
