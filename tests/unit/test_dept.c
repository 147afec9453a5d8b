/*
 * test_dept.c - the departments file: the shipped example against the
 * sample capture's subnets, the most specific prefix winning, IPv6, VLANs
 * when no subnet matches, and every kind of mistake refused with a message
 * naming the file, the line and the key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ward-config.h"
#include "ward/asset.h"
#include "ward/dept.h"

static struct ward_addr
ip(const char *s)
{
	struct ward_addr a;

	assert_int_equal(addr_parse(s, &a), 0);
	return a;
}

static const char *
dept_name_of(const struct dept_map *m, const char *s)
{
	struct ward_addr a = ip(s);
	const struct dept *d = dept_by_ip(m, &a, NULL);

	return d != NULL ? d->name : "(none)";
}

/* rules/departments.example.yaml, beside the source tree's devices.yaml. */
static void
example_path(char *buf, size_t len)
{
	const char *slash;

	snprintf(buf, len, "%s", WARD_RULES_SRC);
	if ((slash = strrchr(buf, '/')) != NULL)
		snprintf(buf + (slash - buf) + 1, len - (size_t)(slash - buf) - 1,
		    "departments.example.yaml");
}

static void
test_example_on_sample(void **state)
{
	/* The hosts of samples/hospital-lan.pcapng and where they belong. */
	static const struct {
		const char	*ip;
		const char	*dept;
	} want[] = {
		{ "10.77.0.1", "IT and data centre" },		/* infra-01 */
		{ "10.77.0.10", "IT and data centre" },		/* pacs-01 */
		{ "10.77.0.21", "Radiology" },			/* ct-scanner */
		{ "10.77.0.32", "Radiology" },			/* workstation */
		{ "10.77.0.122", "Laboratory" },		/* analyzer */
		{ "10.77.0.128", "Intensive care" },		/* monitor */
		{ "10.77.0.135", "Intensive care" },		/* monitor */
		{ "10.77.0.160", "Nursing" },			/* handheld */
		{ "10.77.0.179", "Intensive care" },		/* pump */
		{ "10.77.0.99", "Hospital network" },		/* the /24 */
		{ "10.78.0.1", "(none)" },
		{ "fd00:77:0:1::5", "IT and data centre" },
		{ "fe80::1", "(none)" },
	};
	struct dept_map *m;
	const struct dept *d;
	char path[512], err[512];
	int plen = -1;

	(void)state;
	example_path(path, sizeof(path));
	if ((m = dept_load(path, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	assert_int_equal(dept_count(m), 6);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_string_equal(dept_name_of(m, want[i].ip), want[i].dept);

	/* The handheld's /28 inside the ICU's /26: the longer prefix. */
	struct ward_addr a = ip("10.77.0.160");
	d = dept_by_ip(m, &a, &plen);
	assert_non_null(d);
	assert_int_equal(plen, 28);
	assert_null(d->building);
	a = ip("10.77.0.21");
	d = dept_by_ip(m, &a, &plen);
	assert_string_equal(d->location, "Level 1, east wing");
	assert_string_equal(d->building, "Main");

	assert_string_equal(dept_by_vlan(m, 30)->name, "Intensive care");
	assert_string_equal(dept_by_vlan(m, 21)->name, "Radiology");
	assert_null(dept_by_vlan(m, 99));
	assert_null(dept_by_vlan(m, 0));
	dept_free(m);
	dept_free(NULL);
}

static void
test_asset_department(void **state)
{
	static const char yaml[] =
	    "version: 1\n"
	    "departments:\n"
	    "  - name: Site\n"
	    "    subnets: [10.0.0.0/8, \"fd00::/16\"]\n"
	    "  - name: Cardiology\n"
	    "    subnets: 10.5.0.0/16\n"
	    "    vlans: 5\n"
	    "  - name: Cath lab\n"
	    "    location: Level 2\n"
	    "    subnets: [\"fd00:5:1::/48\"]\n"
	    "  - name: Wards\n"
	    "    vlans: [7, 8]\n";
	struct asset a;
	struct asset_ip ips[2];
	struct dept_map *m;
	const struct dept *d;
	char err[512], how[64];

	(void)state;
	if ((m = dept_parse(yaml, sizeof(yaml) - 1, "t.yaml", err,
	    sizeof(err))) == NULL)
		fail_msg("%s", err);
	memset(&a, 0, sizeof(a));
	memset(ips, 0, sizeof(ips));
	a.by_mac = true;
	a.ips = ips;

	/* Of two addresses, the one in the longer prefix decides. */
	ips[0].addr = ip("10.9.9.9");		/* Site /8 */
	ips[1].addr = ip("fd00:5:1::7");	/* Cath lab /48 */
	a.nips = 2;
	d = dept_of_asset(m, &a, how, sizeof(how));
	assert_string_equal(d->name, "Cath lab");
	assert_string_equal(how, "fd00:5:1::/48");
	ips[1].addr = ip("10.5.1.1");		/* Cardiology /16 */
	d = dept_of_asset(m, &a, how, sizeof(how));
	assert_string_equal(d->name, "Cardiology");
	assert_string_equal(how, "10.5.0.0/16");

	/* No subnet holds it: the VLAN decides. */
	ips[0].addr = ip("192.168.1.5");
	a.nips = 1;
	a.vlan = 8;
	d = dept_of_asset(m, &a, how, sizeof(how));
	assert_string_equal(d->name, "Wards");
	assert_string_equal(how, "vlan 8");
	a.vlan = 9;
	assert_null(dept_of_asset(m, &a, how, sizeof(how)));
	assert_null(dept_of_asset(NULL, &a, how, sizeof(how)));

	/* An asset keyed by IP, with no list of addresses. */
	memset(&a, 0, sizeof(a));
	a.key_ip = ip("10.5.2.2");
	assert_string_equal(dept_of_asset(m, &a, how, sizeof(how))->name,
	    "Cardiology");
	dept_free(m);
}

static void
test_errors(void **state)
{
	static const struct {
		const char	*yaml;
		const char	*want;		/* in the message */
	} bad[] = {
		{ "version: 1\ndepartments: []\ncolour: red\n",
		    "t.yaml:3: unknown top-level key 'colour'" },
		{ "departments: []\n", "t.yaml:1: no 'version'" },
		{ "version: 2\ndepartments: []\n",
		    "t.yaml:1: 'version' must be 1" },
		{ "version: 1\ndepartments:\n  - name: A\n"
		    "    location: L1\n    location: L2\n",
		    "t.yaml:5: department 'A': 'location' given twice" },
		{ "version: 1\ndepartments:\n  - name: A\n"
		    "    vlans: [1]\n    vlans: [2]\n",
		    "t.yaml:5: department 'A': 'vlans' given twice" },
		{ "version: 1\ndepartments: {a: b}\n",
		    "t.yaml:2: 'departments' must be a list" },
		{ "version: 1\ndepartments:\n  - name: A\n"
		    "    subnets: [10.1.2.3/16]\n",
		    "t.yaml:4: department 'A': 'subnets' entry '10.1.2.3/16' has "
		    "host bits set (did you mean 10.1.0.0/16?)" },
		{ "version: 1\ndepartments:\n  - name: A\n"
		    "    subnets: [10.1.0.0/33]\n",
		    "t.yaml:4: department 'A': 'subnets' entry '10.1.0.0/33' has "
		    "a prefix length that is not 0 to 32" },
		{ "version: 1\ndepartments:\n  - name: A\n"
		    "    subnets: [10.1.0.0]\n",
		    "'subnets' entry '10.1.0.0' has no prefix length" },
		{ "version: 1\ndepartments:\n  - name: A\n"
		    "    subnets: [ward.example/8]\n",
		    "t.yaml:4: department 'A': 'subnets' entry 'ward.example/8' "
		    "is not a subnet" },
		{ "version: 1\ndepartments:\n  - name: A\n"
		    "    subnets: [10.1.0.0/16]\n  - name: B\n"
		    "    subnets: [10.1.0.0/16]\n",
		    "t.yaml:6: department 'B': 'subnets' entry '10.1.0.0/16' is "
		    "already department 'A''s (line 4)" },
		{ "version: 1\ndepartments:\n  - name: A\n    vlans: [4095]\n",
		    "t.yaml:4: department 'A': 'vlans' entry '4095' is not a VLAN "
		    "id from 1 to 4094" },
		{ "version: 1\ndepartments:\n  - name: A\n    vlans: [7]\n"
		    "  - name: B\n    vlans: 7\n",
		    "t.yaml:6: department 'B': VLAN 7 is already department 'A''s "
		    "(line 4)" },
		{ "version: 1\ndepartments:\n  - name: A\n    vlans: 1\n"
		    "  - name: A\n    vlans: 2\n",
		    "t.yaml:5: department 'A' is already defined on line 3" },
		{ "version: 1\ndepartments:\n  - location: X\n    vlans: 1\n",
		    "t.yaml:3: department without a 'name'" },
		{ "version: 1\ndepartments:\n  - name: A\n    vlans: 1\n"
		    "    floor: 2\n",
		    "t.yaml:5: department 'A': unknown key 'floor'" },
		{ "version: 1\ndepartments:\n  - name: A\n    location: L\n",
		    "t.yaml:3: department 'A': neither 'subnets' nor 'vlans'" },
		{ "version: 1\ndepartments:\n  - name: A\n    vlans: 1\n"
		    "    location: [a, b]\n",
		    "t.yaml:5: department 'A': 'location' must be a string" },
		{ "version: 1\ndepartments:\n  - name: A\n    subnets: {}\n",
		    "t.yaml:4: department 'A': 'subnets' wants a subnet" },
		{ "version: 1\ndepartments:\n  - just a string\n",
		    "t.yaml:3: a department must be a mapping" },
		{ "version: 1\ndepartments: [\n",
		    "t.yaml:" },
		{ "", "t.yaml:1: the file must be a mapping" },
		{ "version: 1\ndepartments:\n  - name: A\n    name: B\n"
		    "    vlans: 1\n", "t.yaml:4: department 'A': 'name' given "
		    "twice" },
		{ "version: 1\ndepartments:\n  - name: A\n    vlans: 1\n"
		    "    vlans: 2\n", "t.yaml:5: department 'A': 'vlans' given "
		    "twice" },
	};
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct dept_map *m = dept_parse(bad[i].yaml,
		    strlen(bad[i].yaml), "t.yaml", err, sizeof(err));

		if (m != NULL)
			fail_msg("case %zu accepted", i);
		if (strstr(err, bad[i].want) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, err,
			    bad[i].want);
	}
	assert_null(dept_load("/nonexistent/departments.yaml", err,
	    sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/departments.yaml: "));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_on_sample),
		cmocka_unit_test(test_asset_department),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
