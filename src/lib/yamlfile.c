/*
 * yamlfile.c - reading and parsing ward's YAML configuration files (see
 * yamlfile.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/lib/yamlfile.h"

char *
yamlfile_read(const char *path, size_t max, size_t *len, char *err,
    size_t errlen)
{
	FILE *f;
	char *buf = NULL, *nb;
	size_t n = 0, cap = 0, got;

	if ((f = fopen(path, "r")) == NULL) {
		(void)snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	do {
		if (n == cap) {
			cap = cap == 0 ? 65536 : cap * 2;
			if (cap > max + 1 || (nb = realloc(buf, cap)) == NULL) {
				(void)snprintf(err, errlen, "%s: larger than "
				    "%zu MiB", path, max >> 20);
				goto fail;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (ferror(f)) {
		(void)snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	(void)fclose(f);
	*len = n;
	return buf;
fail:
	free(buf);
	(void)fclose(f);
	return NULL;
}

int
yamlfile_parse(struct yamlfile *y, const char *text, size_t len,
    const char *name, char *err, size_t errlen)
{
	yaml_parser_t p;

	memset(y, 0, sizeof(*y));
	y->name = name;
	y->err = err;
	y->errlen = errlen;
	if (!yaml_parser_initialize(&p)) {
		(void)snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	if (!yaml_parser_load(&p, &y->doc)) {
		(void)snprintf(err, errlen, "%s:%lu: %s%s%s", name,
		    (unsigned long)p.problem_mark.line + 1,
		    p.problem != NULL ? p.problem : "not YAML",
		    p.context != NULL ? " " : "",
		    p.context != NULL ? p.context : "");
		yaml_parser_delete(&p);
		return -1;
	}
	yaml_parser_delete(&p);
	return 0;
}

void
yamlfile_done(struct yamlfile *y)
{
	yaml_document_delete(&y->doc);
}

void
yamlfile_fail(struct yamlfile *y, const yaml_node_t *at, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (y->failed)
		return;
	y->failed = true;
	n = snprintf(y->err, y->errlen, "%s:%lu: ", y->name,
	    at != NULL ? (unsigned long)at->start_mark.line + 1 : 1UL);
	if (n < 0 || (size_t)n >= y->errlen)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(y->err + n, y->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

const char *
yamlfile_scalar(const yaml_node_t *n)
{
	return n != NULL && n->type == YAML_SCALAR_NODE ?
	    (const char *)n->data.scalar.value : NULL;
}

size_t
yamlfile_len(const yaml_node_t *v)
{
	if (v->type == YAML_SCALAR_NODE)
		return 1;
	if (v->type != YAML_SEQUENCE_NODE)
		return 0;
	return (size_t)(v->data.sequence.items.top -
	    v->data.sequence.items.start);
}

yaml_node_t *
yamlfile_item(struct yamlfile *y, yaml_node_t *v, size_t i)
{
	if (v->type == YAML_SCALAR_NODE)
		return v;
	return yaml_document_get_node(&y->doc, v->data.sequence.items.start[i]);
}

bool
yamlfile_repeated(struct yamlfile *y, const yaml_node_t *m,
    const yaml_node_pair_t *pr)
{
	const char *ks = yamlfile_scalar(yaml_document_get_node(&y->doc,
	    pr->key)), *qs;

	if (ks == NULL)
		return false;
	for (const yaml_node_pair_t *q = m->data.mapping.pairs.start; q < pr;
	    q++)
		if ((qs = yamlfile_scalar(yaml_document_get_node(&y->doc,
		    q->key))) != NULL && strcmp(qs, ks) == 0)
			return true;
	return false;
}

yaml_node_t *
yamlfile_top(struct yamlfile *y, const char *list, const char *what,
    const char *keys, yamlfile_key_fn extra, void *arg)
{
	yaml_node_t *root = yaml_document_get_root_node(&y->doc), *l = NULL;
	bool have_version = false;
	const char *s;

	if (root == NULL || root->type != YAML_MAPPING_NODE) {
		yamlfile_fail(y, root, "the file must be a mapping with "
		    "'version' and '%s'", list);
		return NULL;
	}
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
	    pr < root->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(&y->doc, pr->key);
		yaml_node_t *v = yaml_document_get_node(&y->doc, pr->value);
		const char *ks = yamlfile_scalar(k);

		if (ks == NULL) {
			yamlfile_fail(y, k, "a top-level key must be a string");
			return NULL;
		} else if (strcmp(ks, "version") == 0) {
			if ((s = yamlfile_scalar(v)) == NULL ||
			    strcmp(s, "1") != 0) {
				yamlfile_fail(y, v, "'version' must be 1");
				return NULL;
			}
			have_version = true;
		} else if (strcmp(ks, list) == 0) {
			l = v;
		} else if (extra == NULL || !extra(y, ks, k, v, arg)) {
			yamlfile_fail(y, k, "unknown top-level key '%s' (%s)",
			    ks, keys);
			return NULL;
		}
	}
	if (!have_version) {
		yamlfile_fail(y, root, "no 'version'");
		return NULL;
	}
	if (l == NULL || l->type != YAML_SEQUENCE_NODE) {
		yamlfile_fail(y, l != NULL ? l : root,
		    "'%s' must be a list of %s", list, what);
		return NULL;
	}
	return l;
}
