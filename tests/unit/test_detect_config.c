/*
 * test_detect_config.c - the detection policy: the shipped file says what
 * the built-in defaults are, every setting is read, and every kind of
 * mistake is refused with a message naming the file, the line and the key.
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
#include "ward/detect.h"

#define SEC 1000000ULL

static struct detect_config *
parse(const char *text, char *err, size_t len)
{
	return detect_config_parse(text, strlen(text), "p.yaml", err, len);
}

/* rules/detect.yaml spells out the defaults: loading it changes nothing. */
static void
test_shipped_is_default(void **state)
{
	struct detect_config *c, d;
	char err[512];

	(void)state;
	c = detect_config_load(WARD_DETECT_SRC, err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	detect_config_defaults(&d);
	assert_int_equal(c->mode, d.mode);
	assert_int_equal(c->learn_period, d.learn_period);
	assert_int_equal(c->scan_window, d.scan_window);
	assert_int_equal(c->scan_ports, d.scan_ports);
	assert_int_equal(c->scan_hosts, d.scan_hosts);
	assert_int_equal(c->scan_ports_medical, d.scan_ports_medical);
	assert_int_equal(c->scan_hosts_medical, d.scan_hosts_medical);
	assert_int_equal(c->brute_window, d.brute_window);
	assert_int_equal(c->brute_failures, d.brute_failures);
	assert_int_equal(c->dhcp_window, d.dhcp_window);
	assert_int_equal(c->dhcp_starvation_macs, d.dhcp_starvation_macs);
	assert_int_equal(c->volume_floor, d.volume_floor);
	assert_true(c->volume_factor == d.volume_factor);
	assert_int_equal(c->hours_min_days, d.hours_min_days);
	assert_int_equal(c->type_min_assets, d.type_min_assets);
	assert_int_equal(c->limits.dedup_window, d.limits.dedup_window);
	assert_int_equal(c->limits.burst, d.limits.burst);
	assert_int_equal(c->limits.refill, d.limits.refill);
	assert_int_equal(c->limits.max_keys, d.limits.max_keys);
	assert_int_equal(c->medical_types.n, d.medical_types.n);
	for (size_t i = 0; i < d.medical_types.n; i++)
		assert_true(str_list_has(&c->medical_types,
		    d.medical_types.v[i]));
	assert_int_equal(c->life_critical_types.n, d.life_critical_types.n);
	for (size_t i = 0; i < d.life_critical_types.n; i++)
		assert_true(str_list_has(&c->life_critical_types,
		    d.life_critical_types.v[i]));
	/* What only the file has: priors and the indicator feed. */
	assert_true(c->npriors >= 10);
	assert_int_equal(c->ioc_files.n, 1);
	assert_non_null(strstr(c->ioc_files.v[0],
	    "rules/ioc/contec-cms8000.intel"));
	for (int t = 0; t < ALERT_TYPE_COUNT; t++)
		assert_false(c->alerts[t].disabled);
	detect_config_free(c);
	free(d.medical_types.v[0]);
	for (size_t i = 1; i < d.medical_types.n; i++)
		free(d.medical_types.v[i]);
	free(d.medical_types.v);
	for (size_t i = 0; i < d.life_critical_types.n; i++)
		free(d.life_critical_types.v[i]);
	free(d.life_critical_types.v);
}

static void
test_settings(void **state)
{
	struct detect_config *c;
	struct ward_addr a;
	char err[512];

	(void)state;
	c = parse("version: 1\n"
	    "learning: {mode: enforce, period: 36h}\n"
	    "scan: {window: 90s, ports: 20, allow: [10.9.0.0/16, 2001:db8::1]}\n"
	    "internet: {allow: 192.0.2.0/24, allow_domains: [vendor.example]}\n"
	    "device_types: {medical: [ct], life_critical: []}\n"
	    "baseline: {volume_factor: 2.5, volume_floor: 512K}\n"
	    "priors:\n"
	    "  - type: ct\n"
	    "    protocols: [dicom]\n"
	    "    services: [tcp/104]\n"
	    "indicators: [/etc/ward/a.intel, b.intel]\n"
	    "alerts:\n"
	    "  burst: 5\n"
	    "  types:\n"
	    "    new_peer: {severity: high}\n"
	    "    off_hours_activity: {enabled: false}\n", err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	assert_int_equal(c->mode, DETECT_ENFORCE);
	assert_int_equal(c->learn_period, 36 * 3600 * SEC);
	assert_int_equal(c->scan_window, 90 * SEC);
	assert_int_equal(c->scan_ports, 20);
	assert_int_equal(c->scan_hosts, 25);
	assert_int_equal(c->scan_allow.n, 2);
	assert_int_equal(addr_parse("10.9.200.1", &a), 0);
	assert_true(cidr_list_has(&c->scan_allow, &a));
	assert_int_equal(addr_parse("10.10.0.1", &a), 0);
	assert_false(cidr_list_has(&c->scan_allow, &a));
	assert_int_equal(addr_parse("2001:db8::1", &a), 0);
	assert_true(cidr_list_has(&c->scan_allow, &a));
	assert_int_equal(addr_parse("2001:db8::2", &a), 0);
	assert_false(cidr_list_has(&c->scan_allow, &a));
	assert_int_equal(addr_parse("192.0.2.200", &a), 0);
	assert_true(cidr_list_has(&c->internet_allow, &a));
	assert_true(str_list_has(&c->internet_allow_domains,
	    "vendor.example"));
	assert_int_equal(c->medical_types.n, 1);
	assert_int_equal(c->life_critical_types.n, 0);
	assert_true(c->volume_factor == 2.5);
	assert_int_equal(c->volume_floor, 512 * 1024);
	assert_int_equal(c->npriors, 1);
	assert_string_equal(c->priors[0].type, "ct");
	assert_true(str_list_has(&c->priors[0].services, "tcp/104"));
	assert_string_equal(c->ioc_files.v[0], "/etc/ward/a.intel");
	assert_string_equal(c->ioc_files.v[1], "b.intel");
	assert_int_equal(c->limits.burst, 5);
	assert_int_equal(c->alerts[ALERT_NEW_PEER].severity, ALERT_SEV_HIGH);
	assert_true(c->alerts[ALERT_OFF_HOURS].disabled);
	assert_false(c->alerts[ALERT_PORT_SCAN].disabled);
	detect_config_free(c);
}

static void
test_cidr(void **state)
{
	struct cidr c;

	(void)state;
	assert_int_equal(cidr_parse("10.1.2.3/8", &c), 0);
	assert_int_equal(c.plen, 8);
	assert_int_equal(c.addr.b[1], 0);
	assert_int_equal(cidr_parse("10.0.0.0/33", &c), -1);
	assert_int_equal(cidr_parse("10.0.0.0/", &c), -1);
	assert_int_equal(cidr_parse("ten/8", &c), -1);
	assert_int_equal(cidr_parse("fe80::/10", &c), 0);
	assert_int_equal(c.addr.b[1], 0x80);
}

static void
expect_error(const char *text, const char *msg)
{
	char err[512];
	struct detect_config *c = parse(text, err, sizeof(err));

	if (c != NULL) {
		detect_config_free(c);
		fail_msg("accepted: %s", text);
	}
	if (strstr(err, msg) == NULL)
		fail_msg("error '%s' lacks '%s'", err, msg);
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("scan: {ports: 3}\n", "p.yaml:1: no 'version'");
	expect_error("version: 2\n", "p.yaml:1: 'version' must be 1");
	expect_error("version: 1\nscans: {}\n",
	    "p.yaml:2: unknown top-level key 'scans'");
	expect_error("version: 1\nscan: {ports: many}\n",
	    "p.yaml:2: scan.ports: 'many' is not a number from 2 to");
	expect_error("version: 1\nscan: {window: 5w}\n",
	    "p.yaml:2: scan.window: '5w' is not a duration");
	expect_error("version: 1\nscan: {window: 0s}\n", "is not a duration");
	expect_error("version: 1\nscan:\n  ports: 3\n  ports: 4\n",
	    "p.yaml:4: 'scan.ports' is given twice");
	expect_error("version: 1\nscan: {port: 3}\n",
	    "p.yaml:2: unknown key 'scan.port'");
	expect_error("version: 1\nlearning: {mode: watch}\n",
	    "learning.mode: 'watch' is not auto, learn or enforce");
	expect_error("version: 1\ninternet: {allow: [10.0.0.0/40]}\n",
	    "internet.allow: '10.0.0.0/40' is not an address or prefix");
	expect_error("version: 1\ninternet: {allow_domains: [Vendor.COM]}\n",
	    "is not a domain name in lower case");
	expect_error("version: 1\nbaseline: {volume_factor: 0.5}\n",
	    "is not a factor from 1 to 1000");
	expect_error("version: 1\npriors: [{protocols: [dicom]}]\n",
	    "p.yaml:2: a prior has no 'type'");
	expect_error("version: 1\npriors:\n  - type: ct\n    services: "
	    "[tcp/0]\n", "p.yaml:4: priors.services: 'tcp/0' is not a service");
	expect_error("version: 1\npriors: [{type: ct}, {type: ct}]\n",
	    "priors: type 'ct' is given twice");
	expect_error("version: 1\nalerts: {types: {port_scans: {}}}\n",
	    "alerts.types: 'port_scans' is not an alert type");
	expect_error("version: 1\nalerts: {types: {port_scan: {severity: "
	    "urgent}}}\n", "alerts.types.port_scan.severity: 'urgent'");
	expect_error("version: 1\nalerts: {types: {port_scan: {enabled: "
	    "no}}}\n", "alerts.types.port_scan.enabled: 'no' is not true");
	expect_error("version: 1\nalerts: {max_keys: 4}\n",
	    "alerts.max_keys: '4' is not a number from 16");
	expect_error("version: 1\nscan: [1, 2]\n",
	    "'scan' must be a mapping");
	expect_error("version: 1\n? [a]\n: x\n",
	    "a top-level key must be a string");
	expect_error("version: 1\nscan: {ports: [3]}\n",
	    "scan.ports must be a single value");
	expect_error("- a\n", "the file must be a mapping");
	expect_error("version: 1\nscan: {ports: 3\n", "p.yaml");
}

static void
test_load_missing(void **state)
{
	char err[512];

	(void)state;
	assert_null(detect_config_load("/nonexistent/detect.yaml", err,
	    sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/detect.yaml"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_is_default),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_load_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
