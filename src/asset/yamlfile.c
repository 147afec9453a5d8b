/*
 * yamlfile.c - reading and parsing the YAML configuration files of
 * src/asset/ (see yamlfile.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yamlfile.h"

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
