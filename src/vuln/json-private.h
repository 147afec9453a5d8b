/*
 * json-private.h - reading the JSON feeds (NVD, CSAF) with jansson:
 * typed getters that name the JSON path of whatever is wrong.
 */
#ifndef WARD_VULN_JSON_PRIVATE_H
#define WARD_VULN_JSON_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#define JPATH_MAX	256

struct jctx {
	const char	*name;		/* the file, for messages */
	char		*err;
	size_t		 errlen;
	int		 rc;		/* the first error's WARD_E*, or 0 */
};

/* The first error only: "name: path: message"; returns -1. */
int jfail(struct jctx *, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* path + ".key" or path + "[i]" into buf (cut short if need be). */
const char *jkey(char *buf, const char *path, const char *key);
const char *jidx(char *buf, const char *path, size_t i);

/*
 * The string at o.key: *out is NULL when absent and !required; -1 after
 * an error (absent and required, not a string, empty, over max bytes or
 * holding a NUL).
 */
int jstr(struct jctx *, json_t *o, const char *key, const char *path,
    bool required, size_t max, const char **out);

/* The array at o.key: NULL when absent (an error when required) or not
 * an array (always an error; j->rc says which). */
json_t *jarr(struct jctx *, json_t *o, const char *key, const char *path,
    bool required);

/* The object at o.key, as jarr(). */
json_t *jobj(struct jctx *, json_t *o, const char *key, const char *path,
    bool required);

/* Parses text; NULL after an error naming line and column. */
json_t *jload(struct jctx *, const char *text, size_t len);

/* A copy of s, or NULL after an "out of memory" error at path. */
char *jdup(struct jctx *, const char *s, const char *path);

#endif
