/*
 * vuln-private.h - helpers shared by the feed readers: building
 * advisories, reading CPE names, reading a feed file whole.
 */
#ifndef WARD_VULN_PRIVATE_H
#define WARD_VULN_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "ward/vuln.h"

/* A new advisory (score -1, no severity), or NULL out of memory. */
struct vuln_advisory *vuln_adv_new(enum vuln_origin);
void vuln_adv_free(struct vuln_advisory *);

/* A new zeroed product at the end of a's list, or NULL (no memory, or
 * VULN_PRODUCTS_MAX reached). */
struct vuln_product *vuln_adv_product(struct vuln_advisory *a);

/* Appends "category: text" as a line of a->remediation. -1 out of
 * memory or past VULN_TEXT_MAX. */
int vuln_adv_remedy(struct vuln_advisory *a, const char *category,
    const char *text);

/* Appends a to l (which then owns it). -1 out of memory or past
 * VULN_ADVISORIES_MAX. */
int vuln_list_push(struct vuln_list *l, struct vuln_advisory *a);

/* Frees the advisories of l from index n on, leaving n. */
void vuln_list_truncate(struct vuln_list *l, size_t n);

/*
 * A CPE name's fields that ward uses, unquoted: "\:" in a CPE 2.3
 * formatted string and "%3a" in a URI are both ':'. An empty field, "*"
 * and "-" are "any" or "not applicable".
 */
struct vuln_cpe {
	char	part;				/* 'a', 'o' or 'h' */
	char	vendor[VULN_NAME_MAX + 1];
	char	product[VULN_NAME_MAX + 1];
	char	version[VULN_NAME_MAX + 1];
	char	update[VULN_NAME_MAX + 1];
};

/*
 * Reads a CPE 2.3 formatted string ("cpe:2.3:a:offis:dcmtk:3.6.7:*:...",
 * NISTIR 7695 section 6.2) or, when uri, also a CPE 2.2 URI
 * ("cpe:/a:offis:dcmtk:3.6.7", section 6.1). -1 when s is neither, a
 * field is over VULN_NAME_MAX bytes, or it names no product: part not
 * a, o or h, vendor or product "any".
 */
int vuln_cpe_parse(const char *s, bool uri, struct vuln_cpe *c)
    __attribute__((warn_unused_result));

/* "Any" or "not applicable": "*", "-" or empty. */
bool vuln_cpe_any(const char *field);

/* A feed reader over text (vuln_nvd_parse, vuln_csaf_parse). */
typedef int (*vuln_parse_fn)(struct vuln_list *, const char *text,
    size_t len, const char *name, char *err, size_t errlen);

/*
 * Reads path whole and parses it with parse, the file named in messages;
 * WARD_EIO when it cannot be read.
 */
int vuln_load_file(struct vuln_list *l, const char *path,
    vuln_parse_fn parse, char *err, size_t errlen);

/* Reads path whole (at most VULN_FILE_MAX bytes); NULL with err. */
char *vuln_read_file(const char *path, size_t *len, char *err,
    size_t errlen);

#endif
