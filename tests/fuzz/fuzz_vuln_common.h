/*
 * fuzz_vuln_common.h - the body the vulnerability feed targets share
 * (fuzz_nvd.c, fuzz_csaf.c): a reader run over the input, then every
 * product it yields read whole, so that a string left dangling or
 * unterminated is caught by ASan, then the list freed.
 */
#ifndef WARD_FUZZ_VULN_COMMON_H
#define WARD_FUZZ_VULN_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ward/vuln.h"

/* Where the lengths go, so that reading them is not optimised away. */
static volatile size_t fuzz_vuln_sink;

static size_t
fuzz_vuln_len(const char *s)
{
	return s != NULL ? strlen(s) : 0;
}

/* Always 0, as libFuzzer wants. */
static int
fuzz_vuln(int (*read)(struct vuln_list *, const char *, size_t,
    const char *, char *, size_t), const uint8_t *data, size_t size)
{
	const struct vuln_product *pr;
	struct vuln_list l;
	char err[512], buf[128];
	size_t i, k, n = 0;

	vuln_list_init(&l);
	(void)read(&l, (const char *)data, size, "fuzz.json", err,
	    sizeof(err));
	for (i = 0; i < l.n; i++) {
		for (k = 0; k < l.v[i]->nproducts; k++) {
			pr = &l.v[i]->products[k];
			(void)vuln_range_match(&pr->range, "9.7p1");
			vuln_range_format(&pr->range, buf, sizeof(buf));
			n += fuzz_vuln_len(pr->vendor) +
			    fuzz_vuln_len(pr->product) +
			    fuzz_vuln_len(pr->fixed) + fuzz_vuln_len(pr->cpe) +
			    fuzz_vuln_len(pr->purl) +
			    fuzz_vuln_len(pr->platform);
		}
	}
	fuzz_vuln_sink = n;
	vuln_list_clear(&l);
	return 0;
}

#endif
