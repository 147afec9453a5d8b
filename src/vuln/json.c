/*
 * json.c - typed getters over jansson for the feed readers, with errors
 * that name the file and the JSON path (see json-private.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/error.h"
#include "json-private.h"

int
jfail(struct jctx *j, const char *path, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (j->rc != 0)
		return -1;
	j->rc = WARD_EFORMAT;
	if (j->errlen == 0)
		return -1;
	n = snprintf(j->err, j->errlen, "%s: %s%s", j->name, path,
	    *path != '\0' ? ": " : "");
	if (n < 0 || (size_t)n >= j->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(j->err + n, j->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

const char *
jkey(char *buf, const char *path, const char *key)
{
	snprintf(buf, JPATH_MAX, "%s%s%s", path, *path != '\0' ? "." : "",
	    key);
	return buf;
}

const char *
jidx(char *buf, const char *path, size_t i)
{
	snprintf(buf, JPATH_MAX, "%s[%zu]", path, i);
	return buf;
}

int
jstr(struct jctx *j, json_t *o, const char *key, const char *path,
    bool required, size_t max, const char **out)
{
	char p[JPATH_MAX];
	json_t *v = json_object_get(o, key);
	size_t n;

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (required)
			return jfail(j, jkey(p, path, key), "missing");
		return 0;
	}
	if (!json_is_string(v))
		return jfail(j, jkey(p, path, key), "not a string");
	n = json_string_length(v);
	if (n == 0)
		return jfail(j, jkey(p, path, key), "empty");
	if (n > max)
		return jfail(j, jkey(p, path, key), "over %zu bytes", max);
	if (strlen(json_string_value(v)) != n)
		return jfail(j, jkey(p, path, key), "holds a NUL");
	*out = json_string_value(v);
	return 0;
}

static json_t *
jtyped(struct jctx *j, json_t *o, const char *key, const char *path,
    bool required, json_type t, const char *what)
{
	char p[JPATH_MAX];
	json_t *v = json_object_get(o, key);

	if (v == NULL) {
		if (required)
			jfail(j, jkey(p, path, key), "missing");
		return NULL;
	}
	if (json_typeof(v) != t) {
		jfail(j, jkey(p, path, key), "not %s", what);
		return NULL;
	}
	return v;
}

json_t *
jarr(struct jctx *j, json_t *o, const char *key, const char *path,
    bool required)
{
	return jtyped(j, o, key, path, required, JSON_ARRAY, "an array");
}

json_t *
jobj(struct jctx *j, json_t *o, const char *key, const char *path,
    bool required)
{
	return jtyped(j, o, key, path, required, JSON_OBJECT, "an object");
}

json_t *
jload(struct jctx *j, const char *text, size_t len)
{
	json_error_t e;
	json_t *root;

	/* Depth is bounded by jansson itself (JSON_PARSER_MAX_DEPTH). */
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);
	if (root == NULL) {
		jfail(j, "", "line %d, column %d: %s", e.line, e.column,
		    e.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		jfail(j, "", "not a JSON object");
		json_decref(root);
		return NULL;
	}
	return root;
}

char *
jdup(struct jctx *j, const char *s, const char *path)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL) {
		jfail(j, path, "out of memory");
		j->rc = WARD_ENOMEM;
	}
	return d;
}
