/*
 * alias.c - the names feeds give the vendors and products ward
 * identifies (see vuln.h), from rules/vuln/aliases.yaml:
 *
 *	version: 1
 *	aliases:
 *	  - vendor: OFFIS              # as ward's identification names it
 *	    product: 'DCMTK*'          # optional glob; absent: any product
 *	    cpe: [offis:dcmtk]         # CPE 2.3 vendor:product pairs
 *	    csaf: [OFFIS]              # CSAF product_tree vendor names
 *
 * Entries are few (hundreds): lookups walk them in file order.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ward/vuln.h"
#include "../lib/yamlfile.h"

#define ALIAS_MAX	4096
#define ALIAS_NAMES_MAX	64
#define ALIAS_FILE_MAX	(4U << 20)
#define ALIAS_KEYS	"vendor, product, cpe, csaf"

struct alias {
	char	*vendor;
	char	*product;		/* glob, or NULL */
	char	**cpe;			/* "vendor:product" */
	size_t	 ncpe;
	char	**csaf;
	size_t	 ncsaf;
};

struct vuln_aliases {
	struct alias	*a;
	size_t		 n;
};

static void
alias_clear(struct alias *al)
{
	size_t i;

	free(al->vendor);
	free(al->product);
	for (i = 0; i < al->ncpe; i++)
		free(al->cpe[i]);
	free(al->cpe);
	for (i = 0; i < al->ncsaf; i++)
		free(al->csaf[i]);
	free(al->csaf);
}

void
vuln_alias_free(struct vuln_aliases *va)
{
	size_t i;

	if (va == NULL)
		return;
	for (i = 0; i < va->n; i++)
		alias_clear(&va->a[i]);
	free(va->a);
	free(va);
}

static char *
text(struct yamlfile *y, yaml_node_t *v, const char *who, const char *key)
{
	const char *s = yamlfile_scalar(v);
	char *d;

	if (s == NULL || *s == '\0' || strlen(s) > VULN_NAME_MAX) {
		yamlfile_fail(y, v, "alias '%s': '%s' must be a string of "
		    "1 to %d bytes", who, key, VULN_NAME_MAX);
		return NULL;
	}
	if ((d = strdup(s)) == NULL)
		yamlfile_fail(y, v, "out of memory");
	return d;
}

static int
names(struct yamlfile *y, yaml_node_t *v, const char *who, const char *key,
    char ***out, size_t *nout)
{
	size_t i, n = yamlfile_len(v);
	const char *s;

	if (n == 0 || n > ALIAS_NAMES_MAX) {
		yamlfile_fail(y, v, "alias '%s': '%s' wants 1 to %d names",
		    who, key, ALIAS_NAMES_MAX);
		return -1;
	}
	if ((*out = calloc(n, sizeof(**out))) == NULL) {
		yamlfile_fail(y, v, "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++) {
		yaml_node_t *e = yamlfile_item(y, v, i);

		if (((*out)[i] = text(y, e, who, key)) == NULL)
			return -1;
		*nout = i + 1;
		s = (*out)[i];
		/* CPE 2.3 names are "vendor:product", both given. */
		if (strcmp(key, "cpe") == 0 && (strchr(s, ':') == NULL ||
		    *s == ':' || s[strlen(s) - 1] == ':' ||
		    strchr(strchr(s, ':') + 1, ':') != NULL)) {
			yamlfile_fail(y, e, "alias '%s': cpe '%s' is not "
			    "'vendor:product'", who, s);
			return -1;
		}
	}
	return 0;
}

static void
load_alias(struct yamlfile *y, struct alias *al, yaml_node_t *node)
{
	yaml_node_pair_t *pr;
	yaml_node_t *k, *v;
	const char *ks, *who;

	if (node->type != YAML_MAPPING_NODE) {
		yamlfile_fail(y, node, "an alias must be a mapping (%s)",
		    ALIAS_KEYS);
		return;
	}
	for (pr = node->data.mapping.pairs.start;
	    pr < node->data.mapping.pairs.top; pr++) {
		k = yaml_document_get_node(&y->doc, pr->key);
		v = yaml_document_get_node(&y->doc, pr->value);
		if ((ks = yamlfile_scalar(k)) != NULL &&
		    strcmp(ks, "vendor") == 0 && al->vendor == NULL &&
		    (al->vendor = text(y, v, "?", "vendor")) == NULL)
			return;
	}
	if (al->vendor == NULL) {
		yamlfile_fail(y, node, "alias without a 'vendor'");
		return;
	}
	who = al->vendor;
	for (pr = node->data.mapping.pairs.start;
	    pr < node->data.mapping.pairs.top && !y->failed; pr++) {
		k = yaml_document_get_node(&y->doc, pr->key);
		v = yaml_document_get_node(&y->doc, pr->value);
		if ((ks = yamlfile_scalar(k)) == NULL)
			yamlfile_fail(y, k, "alias '%s': a key must be a "
			    "string", who);
		else if (yamlfile_repeated(y, node, pr))
			yamlfile_fail(y, k, "alias '%s': '%s' given twice",
			    who, ks);
		else if (strcmp(ks, "vendor") == 0)
			continue;
		else if (strcmp(ks, "product") == 0)
			al->product = text(y, v, who, ks);
		else if (strcmp(ks, "cpe") == 0)
			(void)names(y, v, who, ks, &al->cpe, &al->ncpe);
		else if (strcmp(ks, "csaf") == 0)
			(void)names(y, v, who, ks, &al->csaf, &al->ncsaf);
		else
			yamlfile_fail(y, k, "alias '%s': unknown key '%s' (%s)",
			    who, ks, ALIAS_KEYS);
	}
	if (!y->failed && al->ncpe == 0 && al->ncsaf == 0)
		yamlfile_fail(y, node, "alias '%s': neither 'cpe' nor 'csaf'",
		    who);
}

struct vuln_aliases *
vuln_alias_parse(const char *text_, size_t len, const char *name, char *err,
    size_t errlen)
{
	struct vuln_aliases *va;
	struct yamlfile y;
	yaml_node_t *list;
	size_t i, n;

	if (yamlfile_parse(&y, text_, len, name, err, errlen) == -1)
		return NULL;
	if ((va = calloc(1, sizeof(*va))) == NULL) {
		yamlfile_fail(&y, NULL, "out of memory");
		goto out;
	}
	if ((list = yamlfile_top(&y, "aliases", "aliases",
	    "version, aliases", NULL, NULL)) == NULL)
		goto out;
	if ((n = yamlfile_len(list)) > ALIAS_MAX) {
		yamlfile_fail(&y, list, "more than %d aliases", ALIAS_MAX);
		goto out;
	}
	if (n > 0 && (va->a = calloc(n, sizeof(*va->a))) == NULL) {
		yamlfile_fail(&y, list, "out of memory");
		goto out;
	}
	for (i = 0; i < n && !y.failed; i++) {
		va->n = i + 1;
		load_alias(&y, &va->a[i], yamlfile_item(&y, list, i));
	}
out:
	yamlfile_done(&y);
	if (y.failed) {
		vuln_alias_free(va);
		return NULL;
	}
	return va;
}

struct vuln_aliases *
vuln_alias_load(const char *path, char *err, size_t errlen)
{
	struct vuln_aliases *va;
	char *buf;
	size_t n;

	if ((buf = yamlfile_read(path, ALIAS_FILE_MAX, &n, err, errlen)) ==
	    NULL)
		return NULL;
	va = vuln_alias_parse(buf, n, path, err, errlen);
	free(buf);
	return va;
}

static bool
alias_fits(const struct alias *al, const char *vendor, const char *product)
{
	if (vendor == NULL || strcasecmp(al->vendor, vendor) != 0)
		return false;
	if (al->product == NULL)
		return true;
	return product != NULL &&
	    fnmatch(al->product, product, FNM_CASEFOLD) == 0;
}

const char *
vuln_alias_cpe(const struct vuln_aliases *va, const char *vendor,
    const char *product, size_t i)
{
	size_t k;

	for (k = 0; va != NULL && k < va->n; k++) {
		if (!alias_fits(&va->a[k], vendor, product))
			continue;
		if (i < va->a[k].ncpe)
			return va->a[k].cpe[i];
		i -= va->a[k].ncpe;
	}
	return NULL;
}

const char *
vuln_alias_csaf(const struct vuln_aliases *va, const char *vendor, size_t i)
{
	size_t k;

	for (k = 0; va != NULL && k < va->n; k++) {
		if (vendor == NULL || strcasecmp(va->a[k].vendor, vendor) != 0)
			continue;
		if (i < va->a[k].ncsaf)
			return va->a[k].csaf[i];
		i -= va->a[k].ncsaf;
	}
	return NULL;
}

const char *
vuln_alias_vendor_of_cpe(const struct vuln_aliases *va,
    const char *cpe_vendor)
{
	size_t k, i, n;

	if (va == NULL || cpe_vendor == NULL)
		return NULL;
	n = strlen(cpe_vendor);
	for (k = 0; k < va->n; k++)
		for (i = 0; i < va->a[k].ncpe; i++)
			if (strncasecmp(va->a[k].cpe[i], cpe_vendor, n) == 0 &&
			    va->a[k].cpe[i][n] == ':')
				return va->a[k].vendor;
	return NULL;
}
