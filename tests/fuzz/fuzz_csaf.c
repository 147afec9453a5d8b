/*
 * fuzz_csaf.c - the CSAF 2.0 reader, and every range it yields
 * matched against a version.
 */
#include <stddef.h>
#include <stdint.h>

#include "ward/vuln.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vuln_list l;
	char err[512];
	size_t i, k;

	vuln_list_init(&l);
	(void)vuln_csaf_parse(&l, (const char *)data, size, "fuzz.json", err,
	    sizeof(err));
	for (i = 0; i < l.n; i++)
		for (k = 0; k < l.v[i]->nproducts; k++)
			(void)vuln_range_match(&l.v[i]->products[k].range,
			    "9.7p1");
	vuln_list_clear(&l);
	return 0;
}
