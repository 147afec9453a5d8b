/*
 * fuzz_departments.c - the departments loader (YAML), and a lookup of
 * whatever loads for an asset with IPv4, IPv6 and a VLAN.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ward/asset.h"
#include "ward/dept.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dept_map *m;
	struct asset a;
	struct asset_ip ips[2];
	char err[512], how[64];

	m = dept_parse((const char *)data, size, "fuzz.yaml", err,
	    sizeof(err));
	if (m == NULL)
		return 0;
	memset(&a, 0, sizeof(a));
	memset(ips, 0, sizeof(ips));
	(void)addr_parse("10.77.0.21", &ips[0].addr);
	(void)addr_parse("fd00:77:0:1::5", &ips[1].addr);
	a.by_mac = true;
	a.ips = ips;
	a.nips = 2;
	a.vlan = 20;
	(void)dept_of_asset(m, &a, how, sizeof(how));
	a.nips = 0;
	(void)dept_of_asset(m, &a, how, sizeof(how));
	dept_free(m);
	return 0;
}
