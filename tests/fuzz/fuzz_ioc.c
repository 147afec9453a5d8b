/*
 * fuzz_ioc.c - the Zeek intel file reader, and lookups of every kind in
 * whatever loads.
 */
#include <stddef.h>
#include <stdint.h>

#include "ward/detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ioc_set *s;
	struct ioc_hit h;
	struct ward_addr a, b;
	char err[512];

	if ((s = ioc_new()) == NULL)
		return 0;
	(void)ioc_parse(s, (const char *)data, size, "fuzz.intel", err,
	    sizeof(err));
	(void)addr_parse("202.114.4.119", &a);
	(void)addr_parse("2001:db8::1", &b);
	(void)ioc_addr(s, &a, &h);
	(void)ioc_addr(s, &b, &h);
	(void)ioc_domain(s, "a.b.evil.example", &h);
	(void)ioc_fingerprint(s, "Intel::JA3",
	    "e7d705a3286e19ea42f587b344ee6865", &h);
	(void)ioc_fingerprint(s, "Intel::JA4",
	    "t13d1516h2_8daaf6152771_02713d6af862", &h);
	ioc_free(s);
	return 0;
}
