/*
 * fuzz_detect_config.c - the detection policy loader (YAML), and a lookup
 * in whatever prefix and name lists load.
 */
#include <stddef.h>
#include <stdint.h>

#include "ward/detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct detect_config *c;
	struct ward_addr a, b;
	char err[512];

	c = detect_config_parse((const char *)data, size, "fuzz.yaml", err,
	    sizeof(err));
	if (c == NULL)
		return 0;
	(void)addr_parse("10.77.0.21", &a);
	(void)addr_parse("2001:db8::5", &b);
	(void)cidr_list_has(&c->scan_allow, &a);
	(void)cidr_list_has(&c->internet_allow, &b);
	(void)str_list_has(&c->medical_types, "ct");
	detect_config_free(c);
	return 0;
}
