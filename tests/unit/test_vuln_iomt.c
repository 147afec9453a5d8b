/*
 * test_vuln_iomt.c - ward's curated IoMT advisories and the aliases
 * between ward's names and the feeds' (the shipped rules/vuln/ files and
 * malformed ones, with messages naming the file, the line and the key).
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
#include "ward/error.h"
#include "ward/vuln.h"

/* rules/vuln/<name> in the source tree, next to rules/devices.yaml. */
static void
rule_path(char *buf, size_t len, const char *name)
{
	char *slash;

	snprintf(buf, len, "%s", WARD_RULES_SRC);
	if ((slash = strrchr(buf, '/')) != NULL)
		*slash = '\0';
	snprintf(buf + strlen(buf), len - strlen(buf), "/vuln/%s", name);
}

static const struct vuln_advisory *
find(const struct vuln_list *l, const char *id)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i]->id, id) == 0)
			return l->v[i];
	return NULL;
}

static void
test_iomt_shipped(void **state)
{
	const struct vuln_advisory *a;
	struct vuln_list l;
	char path[1024], err[512], buf[64];
	size_t i;

	(void)state;
	vuln_list_init(&l);
	rule_path(path, sizeof(path), "iomt.yaml");
	if (vuln_iomt_load(&l, path, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_true(l.n >= 5);
	for (i = 0; i < l.n; i++) {
		/* Every entry cites its source. */
		assert_non_null(l.v[i]->source);
		assert_int_equal(strncmp(l.v[i]->source, "https://", 8), 0);
		assert_int_equal(l.v[i]->origin, VULN_IOMT);
		assert_true(l.v[i]->nproducts > 0);
	}

	assert_non_null(a = find(&l, "CVE-2025-0626"));
	assert_string_equal(a->source, "https://www.cisa.gov/news-events/"
	    "ics-medical-advisories/icsma-25-030-01");
	assert_int_equal(a->severity, VULN_SEV_HIGH);
	assert_true(a->score > 7.49 && a->score < 7.51);
	assert_int_equal(a->nproducts, 4);	/* 2 vendors x 2 products */
	assert_string_equal(a->products[0].vendor, "Contec*");
	assert_string_equal(a->products[0].product, "CMS8000*");
	assert_true(vuln_range_match(&a->products[0].range, "any"));
	assert_non_null(strstr(a->remediation, "block 202.114.4.0/24"));

	assert_non_null(a = find(&l, "CVE-2024-12248"));
	assert_int_equal(a->severity, VULN_SEV_CRITICAL);
	assert_int_equal(a->nproducts, 12);	/* 2 x 2 x 3 versions */
	assert_string_equal(a->products[1].range.exact,
	    "CMS7.820.075.08/0.74(0.75)");

	assert_non_null(a = find(&l, "CVE-2024-1275"));
	assert_string_equal(a->products[0].fixed, "1.52.01");
	vuln_range_format(&a->products[0].range, buf, sizeof(buf));
	assert_string_equal(buf, "<=1.52");
	assert_false(vuln_range_match(&a->products[0].range, "1.52.01"));

	assert_non_null(a = find(&l, "CVE-2022-47376"));
	assert_true(vuln_range_match(&a->products[0].range, "1.3.2"));
	assert_false(vuln_range_match(&a->products[0].range, "1.3.3"));
	vuln_list_clear(&l);
}

static void
iomt_err(const char *text, const char *want)
{
	struct vuln_list l;
	char err[512];

	vuln_list_init(&l);
	assert_int_equal(vuln_iomt_parse(&l, text, strlen(text), "iomt.yaml",
	    err, sizeof(err)), WARD_EFORMAT);
	assert_int_equal(l.n, 0);
	assert_string_equal(err, want);
	vuln_list_clear(&l);
}

#define HEAD	"version: 1\nadvisories:\n"
#define ENTRY	"  - id: X-1\n    title: t\n    source: https://x\n" \
		"    vendor: V\n    product: P\n"

static void
test_iomt_errors(void **state)
{
	(void)state;
	iomt_err(HEAD ENTRY "    affected: ['*']\n",
	    "iomt.yaml:3: advisory 'X-1': missing 'severity'");
	iomt_err(HEAD ENTRY "    affected: ['*']\n    severity: severe\n",
	    "iomt.yaml:3: advisory 'X-1': severity 'severe' is none of low, "
	    "medium, high, critical");
	iomt_err(HEAD ENTRY "    affected: ['<1 <2']\n    severity: low\n",
	    "iomt.yaml:8: advisory 'X-1': affected: range '<1 <2' gives a "
	    "bound twice");
	iomt_err(HEAD ENTRY "    affected: '*'\n    severity: low\n"
	    "    score: 11\n",
	    "iomt.yaml:3: advisory 'X-1': score '11' is not a number from 0 "
	    "to 10");
	iomt_err(HEAD ENTRY "    affected: '*'\n    severity: low\n"
	    "    cpe: x\n",
	    "iomt.yaml:10: advisory 'X-1': unknown key 'cpe' (id, title, "
	    "source, vendor, product, affected, fixed, severity, score, "
	    "summary, remediation)");
	iomt_err(HEAD ENTRY "    affected: '*'\n    severity: low\n" ENTRY
	    "    affected: '*'\n    severity: low\n",
	    "iomt.yaml:10: advisory 'X-1' given twice");
	iomt_err(HEAD "  - title: t\n",
	    "iomt.yaml:3: advisory without an 'id'");
	iomt_err(HEAD ENTRY "    affected: {a: b}\n    severity: low\n",
	    "iomt.yaml:8: advisory 'X-1': 'affected' wants a string or a "
	    "list of strings");
}

static void
test_alias_shipped(void **state)
{
	struct vuln_aliases *a;
	char path[1024], err[512];

	(void)state;
	rule_path(path, sizeof(path), "aliases.yaml");
	if ((a = vuln_alias_load(path, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	assert_string_equal(vuln_alias_cpe(a, "OpenBSD", "OpenSSH", 0),
	    "openbsd:openssh");
	assert_string_equal(vuln_alias_cpe(a, "offis", "DCMTK 3.6.7", 0),
	    "offis:dcmtk");
	assert_null(vuln_alias_cpe(a, "OFFIS", "storescp", 0));
	assert_null(vuln_alias_cpe(a, "OFFIS", "DCMTK", 1));
	assert_string_equal(vuln_alias_cpe(a, "Orthanc", NULL, 0),
	    "orthanc-server:orthanc");
	assert_string_equal(vuln_alias_csaf(a, "BD", 0),
	    "Becton, Dickinson and Company (BD)");
	assert_string_equal(vuln_alias_csaf(a, "Baxter", 0), "Baxter");
	assert_string_equal(vuln_alias_csaf(a, "Baxter", 1), "Hillrom");
	assert_string_equal(vuln_alias_csaf(a, "Contec", 0), "Contec Health");
	assert_string_equal(vuln_alias_csaf(a, "GE HealthCare", 0),
	    "GE Healthcare");
	assert_null(vuln_alias_csaf(a, "Nobody", 0));
	assert_string_equal(vuln_alias_vendor_of_cpe(a, "offis"), "OFFIS");
	assert_null(vuln_alias_vendor_of_cpe(a, "off"));
	vuln_alias_free(a);
	vuln_alias_free(NULL);
}

static void
alias_err(const char *text, const char *want)
{
	char err[512];

	assert_null(vuln_alias_parse(text, strlen(text), "aliases.yaml", err,
	    sizeof(err)));
	assert_string_equal(err, want);
}

static void
test_alias_errors(void **state)
{
	(void)state;
	alias_err("version: 1\naliases:\n  - vendor: X\n",
	    "aliases.yaml:3: alias 'X': neither 'cpe' nor 'csaf'");
	alias_err("version: 1\naliases:\n  - vendor: X\n    cpe: [x]\n",
	    "aliases.yaml:4: alias 'X': cpe 'x' is not 'vendor:product'");
	alias_err("version: 1\naliases:\n  - vendor: X\n    cpe: ['a:b:c']\n",
	    "aliases.yaml:4: alias 'X': cpe 'a:b:c' is not 'vendor:product'");
	alias_err("version: 1\naliases:\n  - cpe: ['a:b']\n",
	    "aliases.yaml:3: alias without a 'vendor'");
	alias_err("version: 1\naliases:\n  - vendor: X\n    csaf: [Y]\n"
	    "    model: Z\n",
	    "aliases.yaml:5: alias 'X': unknown key 'model' (vendor, product, "
	    "cpe, csaf)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iomt_shipped),
		cmocka_unit_test(test_iomt_errors),
		cmocka_unit_test(test_alias_shipped),
		cmocka_unit_test(test_alias_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
