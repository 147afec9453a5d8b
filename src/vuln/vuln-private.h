/*
 * vuln-private.h - helpers shared by the feed readers: building
 * advisories, reading a feed file whole.
 */
#ifndef WARD_VULN_PRIVATE_H
#define WARD_VULN_PRIVATE_H

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

/* Reads path whole (at most VULN_FILE_MAX bytes); NULL with err. */
char *vuln_read_file(const char *path, size_t *len, char *err,
    size_t errlen);

#endif
