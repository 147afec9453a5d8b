/*
 * test_ioc.c - indicators from Zeek intel files: every supported type,
 * parents of listed domains, case, '-' meta fields, other types skipped,
 * errors naming the file and line, and the shipped Contec CMS8000 feed.
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

/* rules/ioc/<name> in the source tree, next to rules/devices.yaml. */
static void
feed_path(char *buf, size_t len, const char *name)
{
	char *slash;

	snprintf(buf, len, "%s", WARD_RULES_SRC);
	if ((slash = strrchr(buf, '/')) != NULL)
		*slash = '\0';
	snprintf(buf + strlen(buf), len - strlen(buf), "/ioc/%s", name);
}

static const char feed[] =
    "#separator \\x09\n"
    "# a comment\n"
    "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\n"
    "198.51.100.7\tIntel::ADDR\tfeed-a\tC2 server\n"
    "2001:db8::66\tIntel::ADDR\t-\t-\n"
    "203.0.113.0/25\tIntel::SUBNET\tfeed-b\tbad net\n"
    "Evil.Example.\tIntel::DOMAIN\tfeed-c\tphishing\n"
    "http://x.test/a\tIntel::URL\tfeed-d\tnot looked for\n"
    "E7D705A3286E19EA42F587B344EE6865\tIntel::JA3\tsslbl\ttrickbot\n"
    "t13d1516h2_8daaf6152771_02713d6af862\tIntel::JA4\tja4db\tsliver\n"
    "\n"
    "ec7378c1a92f5a8dde7e8b7a1ddf33d1\tIntel::HASSH\thassh\tgo ssh\r\n";

static struct ioc_set *
load(void)
{
	struct ioc_set *s = ioc_new();
	char err[256] = "";

	assert_non_null(s);
	if (ioc_parse(s, feed, sizeof(feed) - 1, "t.intel", err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	return s;
}

static void
test_types(void **state)
{
	struct ioc_set *s = load();
	struct ioc_hit h;
	struct ward_addr a;

	(void)state;
	assert_int_equal(ioc_count(s), 7);
	assert_int_equal(addr_parse("198.51.100.7", &a), 0);
	assert_true(ioc_addr(s, &a, &h));
	assert_string_equal(h.indicator, "198.51.100.7");
	assert_string_equal(h.type, "Intel::ADDR");
	assert_string_equal(h.source, "feed-a");
	assert_string_equal(h.desc, "C2 server");
	assert_int_equal(addr_parse("198.51.100.8", &a), 0);
	assert_false(ioc_addr(s, &a, &h));
	/* '-' meta: the file names the source, the description is empty. */
	assert_int_equal(addr_parse("2001:db8::66", &a), 0);
	assert_true(ioc_addr(s, &a, &h));
	assert_string_equal(h.source, "t.intel");
	assert_string_equal(h.desc, "");
	assert_int_equal(addr_parse("203.0.113.127", &a), 0);
	assert_true(ioc_addr(s, &a, &h));
	assert_string_equal(h.type, "Intel::SUBNET");
	assert_string_equal(h.indicator, "203.0.113.0/25");
	assert_int_equal(addr_parse("203.0.113.128", &a), 0);
	assert_false(ioc_addr(s, &a, &h));

	assert_true(ioc_domain(s, "evil.example", &h));
	assert_string_equal(h.indicator, "evil.example");
	assert_true(ioc_domain(s, "CDN.a.EVIL.example.", &h));
	assert_string_equal(h.desc, "phishing");
	assert_false(ioc_domain(s, "notevil.example", &h));
	assert_false(ioc_domain(s, "example", &h));
	assert_false(ioc_domain(s, "x.test", &h));

	assert_true(ioc_fingerprint(s, "Intel::JA3",
	    "e7d705a3286e19ea42f587b344ee6865", &h));
	assert_string_equal(h.desc, "trickbot");
	assert_false(ioc_fingerprint(s, "Intel::JA4",
	    "e7d705a3286e19ea42f587b344ee6865", &h));
	assert_true(ioc_fingerprint(s, "Intel::JA4",
	    "t13d1516h2_8daaf6152771_02713d6af862", &h));
	assert_true(ioc_fingerprint(s, "Intel::HASSH",
	    "EC7378C1A92F5A8DDE7E8B7A1DDF33D1", &h));
	assert_false(ioc_fingerprint(s, "Intel::DOMAIN", "evil.example", &h));
	ioc_free(s);
}

static void
expect_error(const char *text, const char *want)
{
	struct ioc_set *s = ioc_new();
	char err[256] = "";

	assert_int_equal(ioc_parse(s, text, strlen(text), "bad.intel", err,
	    sizeof(err)), -1);
	if (strstr(err, want) == NULL)
		fail_msg("'%s' does not say '%s'", err, want);
	ioc_free(s);
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("1.2.3.4\tIntel::ADDR\n",
	    "bad.intel:1: an indicator before the #fields line");
	expect_error("#fields\tindicator\tmeta.source\n",
	    "bad.intel:1: #fields must name indicator and indicator_type");
	expect_error("#fields\tindicator\tindicator_type\n# c\n"
	    "1.2.3.4\tX\n", "bad.intel:3: indicator_type 'X' is not an "
	    "Intel:: type");
	expect_error("#fields\tindicator\tindicator_type\n"
	    "1.2.3.400\tIntel::ADDR\n", "bad.intel:2: indicator '1.2.3.400' "
	    "is not an address");
	expect_error("#fields\tindicator\tindicator_type\n"
	    "1.2.3.0/33\tIntel::SUBNET\n", "bad.intel:2: indicator "
	    "'1.2.3.0/33' is not a prefix");
	expect_error("#fields\tindicator\tindicator_type\n"
	    "1.2.3.4 Intel::ADDR\n", "bad.intel:2: 1 fields where #fields "
	    "names 2");
	expect_error("#fields\tindicator\tindicator_type\n"
	    "abc\tIntel::JA3\n", "is not 32 hex digits");
	expect_error("#fields\tindicator\tindicator_type\n"
	    "a..b\tIntel::DOMAIN\n", "is not a domain name");
	expect_error("#fields\tindicator\tindicator_type\n"
	    "-\tIntel::DOMAIN\n", "is empty");
	expect_error("#fields\tindicator\tindicator_type\tindicator\n",
	    "names 'indicator' twice");
}

static void
test_shipped_feed(void **state)
{
	struct ioc_set *s = ioc_new();
	struct ioc_hit h;
	struct ward_addr a;
	char err[256] = "", path[1024];

	(void)state;
	feed_path(path, sizeof(path), "contec-cms8000.intel");
	if (ioc_load(s, path, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(ioc_count(s), 3);
	assert_int_equal(addr_parse("202.114.4.119", &a), 0);
	assert_true(ioc_addr(s, &a, &h));
	assert_non_null(strstr(h.source, "ICSMA-25-030-01"));
	assert_non_null(strstr(h.source, "CVE-2025-0626"));
	assert_int_equal(addr_parse("202.114.4.120", &a), 0);
	assert_true(ioc_addr(s, &a, &h));
	assert_non_null(strstr(h.source, "CVE-2025-0683"));
	assert_int_equal(addr_parse("202.114.4.9", &a), 0);
	assert_true(ioc_addr(s, &a, &h));
	assert_string_equal(h.type, "Intel::SUBNET");
	assert_int_equal(ioc_load(s, "/nonexistent.intel", err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "/nonexistent.intel: "));
	ioc_free(s);
	ioc_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_shipped_feed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
