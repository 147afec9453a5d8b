/*
 * yamlfile.h - the YAML configuration files (fingerprint rules,
 * departments, the detection policy): reading a file whole, parsing it into a libyaml
 * document that keeps every node's line, and errors that name the file
 * and the line.
 */
#ifndef WARD_YAMLFILE_H
#define WARD_YAMLFILE_H

#include <stdbool.h>
#include <stddef.h>

#include <yaml.h>

struct yamlfile {
	yaml_document_t	 doc;
	const char	*name;		/* the file, for messages */
	char		*err;
	size_t		 errlen;
	bool		 failed;	/* an error is in err */
};

/*
 * Reads path whole into a buffer the caller frees; *len is its length.
 * NULL, with err naming the file and the reason, when it cannot be read
 * or is over max bytes.
 */
char *yamlfile_read(const char *path, size_t max, size_t *len, char *err,
    size_t errlen);

/*
 * Parses text into y->doc. -1 when it is not YAML (err says where and
 * why; y holds nothing to free), else 0 and yamlfile_done() frees it.
 */
int yamlfile_parse(struct yamlfile *y, const char *text, size_t len,
    const char *name, char *err, size_t errlen);
void yamlfile_done(struct yamlfile *y);

/* The first error only: "name:line: message". */
void yamlfile_fail(struct yamlfile *y, const yaml_node_t *at,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A scalar's text, or NULL for any other node (or NULL). */
const char *yamlfile_scalar(const yaml_node_t *);

/*
 * "One or a list": a scalar counts as a list of itself. The number of
 * items (0 for any other node), and item i.
 */
size_t yamlfile_len(const yaml_node_t *);
yaml_node_t *yamlfile_item(struct yamlfile *y, yaml_node_t *v, size_t i);

/* Is the key of pr, in mapping m, the key of an earlier pair too? */
bool yamlfile_repeated(struct yamlfile *y, const yaml_node_t *m,
    const yaml_node_pair_t *pr);

/*
 * The top of a configuration file: a mapping with "version: 1" and a list
 * under the key list ("a list of <what>"). Any other top-level key goes
 * to extra(), which returns false for a key it does not know or after
 * failing on its value (extra NULL: none is known); keys names every key
 * for the message about an unknown one.
 * Returns the list, or NULL after an error.
 */
typedef bool (*yamlfile_key_fn)(struct yamlfile *, const char *key,
    yaml_node_t *k, yaml_node_t *v, void *arg);
yaml_node_t *yamlfile_top(struct yamlfile *y, const char *list,
    const char *what, const char *keys, yamlfile_key_fn extra, void *arg);

#endif
