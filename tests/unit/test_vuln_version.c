/*
 * test_vuln_version.c - vendor version strings compared (a table of real
 * ones: OpenSSH, DCMTK, Siemens syngo MR, GE, MATLAB, Philips, Baxter,
 * Contec firmware) and version ranges as NVD, CSAF and ward's IoMT file
 * write them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ward/vuln.h"

static int
sign(int x)
{
	return x < 0 ? -1 : x > 0;
}

static void
test_cmp_table(void **state)
{
	static const struct {
		const char	*a, *b;
		int		 want;
	} t[] = {
		{ "4.5.1", "4.10", -1 },		/* numeric, not text */
		{ "4.10", "4.5.1", 1 },
		{ "3.6.7", "3.6.7", 0 },
		{ "3.6.6", "3.6.7", -1 },		/* DCMTK */
		{ "3.6.8", "3.6.7", 1 },
		{ "Rev J", "Rev K", -1 },		/* hardware revisions */
		{ "rev k", "Rev K", 0 },
		{ "VE11C", "VE11E", -1 },		/* Siemens syngo MR */
		{ "VE11E", "VE11C", 1 },
		{ "VB17A", "VE11A", -1 },
		{ "VE11", "VE11A", -1 },
		{ "v20D29", "20D29", 0 },		/* leading v */
		{ "V2.1", "2.1", 0 },
		{ "v20D29", "v20D30", -1 },
		{ "v20D29", "v20E01", -1 },
		{ "1.2.3-rc1", "1.2.3", -1 },		/* pre-release */
		{ "1.2.3-rc1", "1.2.3-rc2", -1 },
		{ "1.2.3-beta", "1.2.3-rc1", -1 },
		{ "1.2.3", "1.2.3-rc1", 1 },
		{ "1.2.rc1", "1.2.0", -1 },
		{ "R2023a", "R2023b", -1 },		/* MATLAB */
		{ "R2022b", "R2023a", -1 },
		{ "1.0", "1", 0 },			/* trailing zeros */
		{ "1.0.0", "1.0", 0 },
		{ "1.0.1", "1", 1 },
		{ "9.8p1", "9.8", 1 },			/* OpenSSH portable */
		{ "9.7p1", "9.8", -1 },
		{ "8.5p1", "8.5p1", 0 },
		{ "OpenSSH_9.6p1", "openssh_9.6p1", 0 },
		{ "1.52", "1.52.01", -1 },		/* Baxter CSM */
		{ "1.52.01", "1.52.1", 0 },		/* leading zeros */
		{ "1.9.4.1", "1.9.4.2", -1 },
		{ "CMS7.820.075.08/0.74(0.75)",		/* Contec */
		    "CMS7.820.120.01/0.93(0.95)", -1 },
		{ "1.4.2.0-9d9eff4", "1.4.2.0-9d9eff4", 0 },
		{ "12345678901234567890", "12345678901234567891", -1 },
		{ "007", "7", 0 },
		{ "", "0", 0 },
		{ "", "1", -1 },
		{ NULL, "1", -1 },
		{ NULL, NULL, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (sign(vuln_version_cmp(t[i].a, t[i].b)) != t[i].want) {
			fprintf(stderr, "'%s' vs '%s': want %d\n",
			    t[i].a ? t[i].a : "(null)",
			    t[i].b ? t[i].b : "(null)", t[i].want);
			fail();
		}
		if (sign(vuln_version_cmp(t[i].b, t[i].a)) != -t[i].want) {
			fprintf(stderr, "'%s' vs '%s': not antisymmetric\n",
			    t[i].b ? t[i].b : "(null)",
			    t[i].a ? t[i].a : "(null)");
			fail();
		}
	}
}

/* The NVD's four keys: CVE-2024-6387 is >=8.6 <9.8 for OpenSSH. */
static void
test_range_nvd(void **state)
{
	char s6[] = "8.6", s8[] = "9.8";
	struct vuln_range r = { NULL, s6, s8, NULL, VR_START_INCL };
	char buf[64];

	(void)state;
	assert_true(vuln_range_match(&r, "8.6"));
	assert_true(vuln_range_match(&r, "8.6p1"));
	assert_true(vuln_range_match(&r, "9.7p1"));
	assert_false(vuln_range_match(&r, "9.8"));
	assert_false(vuln_range_match(&r, "9.8p1"));
	assert_false(vuln_range_match(&r, "8.5p1"));
	assert_false(vuln_range_match(&r, NULL));
	vuln_range_format(&r, buf, sizeof(buf));
	assert_string_equal(buf, ">=8.6 <9.8");
	r.flags = VR_END_INCL;
	assert_false(vuln_range_match(&r, "8.6"));
	assert_true(vuln_range_match(&r, "9.8"));
	r.start = NULL;
	r.end = NULL;
	assert_true(vuln_range_match(&r, NULL));	/* all versions */
}

static void
test_range_parse(void **state)
{
	struct vuln_range r;
	char err[256], buf[64];

	(void)state;
	assert_int_equal(vuln_range_parse("<=1.52", &r, err, sizeof(err)), 0);
	assert_null(r.start);
	assert_string_equal(r.end, "1.52");
	assert_int_equal(r.flags, VR_END_INCL);
	assert_true(vuln_range_match(&r, "1.52"));
	assert_true(vuln_range_match(&r, "1.40"));
	assert_false(vuln_range_match(&r, "1.52.01"));
	vuln_range_clear(&r);

	/* ICSMA-23-047-01 writes its range this way. */
	assert_int_equal(vuln_range_parse(">= 1.1 | <= 1.3.2", &r, err,
	    sizeof(err)), 0);
	vuln_range_format(&r, buf, sizeof(buf));
	assert_string_equal(buf, ">=1.1 <=1.3.2");
	assert_true(vuln_range_match(&r, "1.3.2"));
	assert_false(vuln_range_match(&r, "1.0.9"));
	vuln_range_clear(&r);

	assert_int_equal(vuln_range_parse("vers:all/*", &r, err,
	    sizeof(err)), 0);
	assert_true(vuln_range_match(&r, "anything"));
	vuln_range_clear(&r);

	assert_int_equal(vuln_range_parse("vers:generic/>=2.0|<2.3", &r, err,
	    sizeof(err)), 0);
	assert_true(vuln_range_match(&r, "2.2.9"));
	assert_false(vuln_range_match(&r, "2.3"));
	vuln_range_clear(&r);

	assert_int_equal(vuln_range_parse("CMS7.820.075.08/0.74(0.75)", &r,
	    err, sizeof(err)), 0);
	assert_string_equal(r.exact, "CMS7.820.075.08/0.74(0.75)");
	vuln_range_clear(&r);

	/* Siemens ProductCERT, as CISA copies it into CSAF. */
	assert_int_equal(vuln_range_parse("All versions < V1.0 SP2 Update 2",
	    &r, err, sizeof(err)), 0);
	assert_string_equal(r.end, "V1.0 SP2 Update 2");
	assert_true(vuln_range_match(&r, "V1.0 SP2 Update 1"));
	assert_true(vuln_range_match(&r, "V1.0 SP1"));
	assert_false(vuln_range_match(&r, "V1.0 SP2 Update 2"));
	vuln_range_clear(&r);
	assert_int_equal(vuln_range_parse("All versions", &r, err,
	    sizeof(err)), 0);
	assert_true(vuln_range_match(&r, "3"));
	vuln_range_clear(&r);

	assert_int_equal(vuln_range_parse("<1.0 <2.0", &r, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "range '<1.0 <2.0' gives a bound twice");
	assert_int_equal(vuln_range_parse(">=", &r, err, sizeof(err)), -1);
	assert_string_equal(err, "range '>=': a bound without a version");
	assert_int_equal(vuln_range_parse("1.0 | 2.0", &r, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "range '1.0 | 2.0' is neither a version, "
	    "'*' nor bounds like '>=1.0 <2.0'");
	assert_int_equal(vuln_range_parse(">1.0 | x", &r, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "range '>1.0 | x': 'x' where '<' or '>' "
	    "belongs");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmp_table),
		cmocka_unit_test(test_range_nvd),
		cmocka_unit_test(test_range_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
