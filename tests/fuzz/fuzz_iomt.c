/*
 * fuzz_iomt.c - the curated IoMT advisories and the aliases (both YAML
 * files of rules/vuln/), and the version comparison over the input's
 * two halves.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ward/vuln.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vuln_aliases *a;
	struct vuln_list l;
	char err[512], *s;
	size_t i, k;

	vuln_list_init(&l);
	(void)vuln_iomt_parse(&l, (const char *)data, size, "fuzz.yaml", err,
	    sizeof(err));
	for (i = 0; i < l.n; i++)
		for (k = 0; k < l.v[i]->nproducts; k++)
			(void)vuln_range_match(&l.v[i]->products[k].range,
			    "1.52");
	vuln_list_clear(&l);
	if ((a = vuln_alias_parse((const char *)data, size, "fuzz.yaml", err,
	    sizeof(err))) != NULL) {
		(void)vuln_alias_cpe(a, "OFFIS", "DCMTK", 0);
		(void)vuln_alias_csaf(a, "Baxter", 1);
		(void)vuln_alias_vendor_of_cpe(a, "offis");
		vuln_alias_free(a);
	}
	if ((s = malloc(size + 1)) != NULL) {
		memcpy(s, data, size);
		s[size] = '\0';
		(void)vuln_version_cmp(s, s + strlen(s) / 2);
		free(s);
	}
	return 0;
}
