/*
 * test_vuln_feeds.c - the NVD CVE API 2.0 and CSAF 2.0 readers over the
 * real samples in tests/vuln/ (IDs, scores, CPE ranges, CSAF product
 * trees and remediations), and malformed inputs with the exact messages
 * that name the file and the JSON path.
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

/* tests/vuln/<name> in the source tree (rules/devices.yaml's sibling). */
static void
sample(char *buf, size_t len, const char *name)
{
	char *slash;
	int i;

	snprintf(buf, len, "%s", WARD_RULES_SRC);
	for (i = 0; i < 2; i++)
		if ((slash = strrchr(buf, '/')) != NULL)
			*slash = '\0';
	snprintf(buf + strlen(buf), len - strlen(buf), "/tests/vuln/%s",
	    name);
}

/* rules/vuln/<name> in the source tree. */
static void
rule(char *buf, size_t len, const char *name)
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
test_nvd_sample(void **state)
{
	const struct vuln_advisory *a;
	struct vuln_list l;
	char path[1024], err[512], buf[64];

	(void)state;
	vuln_list_init(&l);
	sample(path, sizeof(path), "nvd-sample.json");
	assert_int_equal(vuln_nvd_load(&l, path, err, sizeof(err)), 0);
	assert_int_equal(l.n, 4);

	/* The NVD's Primary score, not the CNA's Secondary 7.5. */
	assert_non_null(a = find(&l, "CVE-2022-2119"));
	assert_int_equal(a->origin, VULN_NVD);
	assert_true(a->score > 9.79 && a->score < 9.81);
	assert_int_equal(a->severity, VULN_SEV_CRITICAL);
	assert_non_null(strstr(a->summary, "OFFIS DCMTK's (All versions "
	    "prior to 3.6.7)"));
	assert_int_equal(a->nproducts, 1);
	assert_string_equal(a->products[0].vendor, "offis");
	assert_string_equal(a->products[0].product, "dcmtk");
	assert_string_equal(a->products[0].cpe, "offis:dcmtk");
	assert_null(a->products[0].platform);
	assert_null(a->products[0].purl);
	assert_null(a->products[0].range.exact);
	vuln_range_format(&a->products[0].range, buf, sizeof(buf));
	assert_string_equal(buf, "<3.6.7");
	assert_true(vuln_range_match(&a->products[0].range, "3.6.6"));
	assert_false(vuln_range_match(&a->products[0].range, "3.6.7"));

	/* Received, not yet analysed: no configurations. */
	assert_non_null(a = find(&l, "CVE-2024-28130"));
	assert_true(a->score > 7.49 && a->score < 7.51);
	assert_int_equal(a->severity, VULN_SEV_HIGH);
	assert_int_equal(a->nproducts, 0);

	/* regreSSHion: two ranges, three exact versions, NetApp. */
	assert_non_null(a = find(&l, "CVE-2024-6387"));
	assert_true(a->score > 8.09 && a->score < 8.11);
	assert_int_equal(a->nproducts, 6);
	vuln_range_format(&a->products[0].range, buf, sizeof(buf));
	assert_string_equal(buf, "<4.4");
	vuln_range_format(&a->products[1].range, buf, sizeof(buf));
	assert_string_equal(buf, ">=8.6 <9.8");
	assert_string_equal(a->products[2].range.exact, "4.4");
	assert_string_equal(a->products[3].range.exact, "8.5p1");
	assert_true(vuln_range_match(&a->products[3].range, "8.5p1"));
	assert_string_equal(a->products[4].range.exact, "9.8");
	assert_string_equal(a->products[5].vendor, "netapp");
	assert_string_equal(a->products[5].cpe,
	    "netapp:e-series_santricity_os_controller");
	assert_null(a->products[5].platform);
	vuln_range_format(&a->products[5].range, buf, sizeof(buf));
	assert_string_equal(buf, ">=11.0.0 <=11.70.2");

	assert_non_null(a = find(&l, "CVE-2023-33466"));
	assert_string_equal(a->products[0].vendor, "orthanc-server");
	assert_true(vuln_range_match(&a->products[0].range, "1.11.3"));
	assert_false(vuln_range_match(&a->products[0].range, "1.12.0"));
	vuln_list_clear(&l);
}

static void
nvd_err(const char *text, const char *want)
{
	struct vuln_list l;
	char err[512];

	vuln_list_init(&l);
	assert_int_equal(vuln_nvd_parse(&l, text, strlen(text), "nvd.json",
	    err, sizeof(err)), WARD_EFORMAT);
	assert_int_equal(l.n, 0);
	assert_string_equal(err, want);
	vuln_list_clear(&l);
}

static void
test_nvd_errors(void **state)
{
	(void)state;
	nvd_err("[]", "nvd.json: not a JSON object");
	nvd_err("{", "nvd.json: line 1, column 1: string or '}' expected "
	    "near end of file");
	nvd_err("{}", "nvd.json: vulnerabilities: missing");
	nvd_err("{\"vulnerabilities\": {}}",
	    "nvd.json: vulnerabilities: not an array");
	nvd_err("{\"vulnerabilities\": [{\"cve\": {\"id\": \"CVE-1\"}}, 3]}",
	    "nvd.json: vulnerabilities[1]: not an object");
	nvd_err("{\"vulnerabilities\": [{\"cve\": {\"id\": 7}}]}",
	    "nvd.json: vulnerabilities[0].cve.id: not a string");
	nvd_err("{\"vulnerabilities\": [{\"cve\": {\"id\": \"CVE-1\", "
	    "\"configurations\": [{\"nodes\": [{\"cpeMatch\": [{"
	    "\"vulnerable\": true, \"criteria\": \"cpe:/a:offis:dcmtk\"}]}]}]"
	    "}}]}",
	    "nvd.json: vulnerabilities[0].cve.configurations[0].nodes[0]."
	    "cpeMatch[0].criteria: not a CPE 2.3 name of a product: "
	    "'cpe:/a:offis:dcmtk'");
	nvd_err("{\"vulnerabilities\": [{\"cve\": {\"id\": \"CVE-1\", "
	    "\"configurations\": [{\"nodes\": [{\"cpeMatch\": [{"
	    "\"vulnerable\": true, \"criteria\": "
	    "\"cpe:2.3:a:x:y:*:*:*:*:*:*:*:*\", \"versionEndExcluding\": "
	    "\"2\", \"versionEndIncluding\": \"3\"}]}]}]}}]}",
	    "nvd.json: vulnerabilities[0].cve.configurations[0].nodes[0]."
	    "cpeMatch[0].versionEndExcluding: a second upper bound");
	nvd_err("{\"vulnerabilities\": [{\"cve\": {\"id\": \"CVE-1\", "
	    "\"metrics\": {\"cvssMetricV31\": [{\"cvssData\": "
	    "{\"baseScore\": 11}}]}}}]}",
	    "nvd.json: vulnerabilities[0].cve.metrics.cvssMetricV31[0]."
	    "cvssData.baseScore: not a number from 0 to 10");
	nvd_err("{\"vulnerabilities\": [{\"cve\": {\"id\": \"CVE-1\", "
	    "\"configurations\": [{\"nodes\": [{\"cpeMatch\": [{"
	    "\"criteria\": \"cpe:2.3:a:x:y:1:*:*:*:*:*:*:*\"}]}]}]}}]}",
	    "nvd.json: vulnerabilities[0].cve.configurations[0].nodes[0]."
	    "cpeMatch[0].vulnerable: missing");
}

/* A failing file leaves what was loaded before untouched. */
static void
test_nvd_atomic(void **state)
{
	static const char good[] = "{\"vulnerabilities\": [{\"cve\": "
	    "{\"id\": \"CVE-2\"}}]}";
	static const char bad[] = "{\"vulnerabilities\": [{\"cve\": "
	    "{\"id\": \"CVE-3\"}}, {}]}";
	struct vuln_list l;
	char err[512];

	(void)state;
	vuln_list_init(&l);
	assert_int_equal(vuln_nvd_parse(&l, good, strlen(good), "a.json",
	    err, sizeof(err)), 0);
	assert_int_equal(vuln_nvd_parse(&l, bad, strlen(bad), "b.json",
	    err, sizeof(err)), WARD_EFORMAT);
	assert_string_equal(err, "b.json: vulnerabilities[1].cve: missing");
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0]->id, "CVE-2");
	assert_true(l.v[0]->score < 0);
	vuln_list_clear(&l);
	vuln_list_clear(&l);	/* cleared twice is harmless */
}

/*
 * CVE-2020-6961 (GE CARESCAPE, ICSMA-20-023-01): six AND
 * configurations, each a firmware at risk on its hardware, the hardware
 * node written first. Nine firmware products, each with its hardware as
 * the platform; the hardware is no product.
 */
static void
test_nvd_and(void **state)
{
	const struct vuln_advisory *a;
	const struct vuln_product *pr;
	struct vuln_list l;
	char path[1024], err[512], buf[64];
	size_t i;

	(void)state;
	vuln_list_init(&l);
	sample(path, sizeof(path), "nvd-cve-2020-6961.json");
	assert_int_equal(vuln_nvd_load(&l, path, err, sizeof(err)), 0);
	assert_int_equal(l.n, 1);
	assert_non_null(a = find(&l, "CVE-2020-6961"));
	assert_true(a->score > 9.99);
	assert_int_equal(a->severity, VULN_SEV_CRITICAL);
	assert_int_equal(a->nproducts, 9);
	for (i = 0; i < a->nproducts; i++) {
		assert_string_equal(a->products[i].vendor, "gehealthcare");
		assert_non_null(strstr(a->products[i].product, "_firmware"));
		assert_non_null(a->products[i].platform);
		assert_null(strstr(a->products[i].platform, "_firmware"));
	}
	pr = &a->products[0];
	assert_string_equal(pr->cpe,
	    "gehealthcare:apexpro_telemetry_server_firmware");
	assert_string_equal(pr->platform,
	    "gehealthcare:apexpro_telemetry_server");
	vuln_range_format(&pr->range, buf, sizeof(buf));
	assert_string_equal(buf, "<=4.2");
	pr = &a->products[1];
	assert_string_equal(pr->product,
	    "carescape_central_station_mai700_firmware");
	assert_string_equal(pr->range.exact, "1.0");
	assert_string_equal(pr->platform,
	    "gehealthcare:carescape_central_station_mai700");
	/* Two firmware versions of one configuration share its platform. */
	assert_string_equal(a->products[3].range.exact, "4.0");
	assert_string_equal(a->products[4].range.exact, "5.0");
	assert_string_equal(a->products[3].platform,
	    "gehealthcare:clinical_information_center_mp100d");
	assert_string_equal(a->products[4].platform,
	    a->products[3].platform);
	assert_string_equal(a->products[5].platform,
	    "gehealthcare:clinical_information_center_mp100r");
	pr = &a->products[8];
	assert_string_equal(pr->cpe,
	    "gehealthcare:carescape_telemetry_server_mp100r_firmware");
	assert_string_equal(pr->range.exact, "4.3");
	assert_string_equal(pr->platform,
	    "gehealthcare:carescape_telemetry_server_mp100r");
	vuln_list_clear(&l);
}

#define CM(v, c)	"{\"vulnerable\": " v ", \"criteria\": \"" c "\"}"
#define H(p, v)		"cpe:2.3:h:acme:" p ":" v ":*:*:*:*:*:*:*"

/*
 * The platform text: " or " within a node, " and " between nodes, a
 * version when the CPE gives one, "not" for a negated node; OR
 * configurations and AND ones naming no platform set none.
 */
static void
test_nvd_platform(void **state)
{
	static const char text[] = "{\"vulnerabilities\": [{\"cve\": {"
	    "\"id\": \"CVE-1\", \"configurations\": ["
	    "{\"operator\": \"AND\", \"nodes\": ["
	    "{\"operator\": \"OR\", \"cpeMatch\": ["
	    CM("true", "cpe:2.3:o:acme:fw:*:*:*:*:*:*:*:*") ", "
	    CM("true", "cpe:2.3:o:acme:fw2:2.0:*:*:*:*:*:*:*") "]}, "
	    "{\"operator\": \"OR\", \"cpeMatch\": ["
	    CM("false", H("board_a", "1.0")) ", "
	    CM("false", H("board\\\\:b", "-")) "]}, "
	    "{\"operator\": \"OR\", \"negate\": true, \"cpeMatch\": ["
	    CM("false", H("dock", "*")) "]}]}, "
	    "{\"nodes\": [{\"operator\": \"OR\", \"cpeMatch\": ["
	    CM("true", "cpe:2.3:a:acme:app:*:*:*:*:*:*:*:*") ", "
	    CM("false", H("board_c", "-")) "]}]}, "
	    "{\"operator\": \"AND\", \"nodes\": ["
	    "{\"cpeMatch\": [" CM("true", "cpe:2.3:a:acme:lib:*:*:*:*:*:*:*:*")
	    "]}, {\"cpeMatch\": [" CM("true",
	    "cpe:2.3:a:acme:app:*:*:*:*:*:*:*:*") "]}]}]}}]}";
	const struct vuln_advisory *a;
	struct vuln_list l;
	char err[512];

	(void)state;
	vuln_list_init(&l);
	assert_int_equal(vuln_nvd_parse(&l, text, strlen(text), "p.json",
	    err, sizeof(err)), 0);
	a = l.v[0];
	assert_int_equal(a->nproducts, 5);
	assert_string_equal(a->products[0].cpe, "acme:fw");
	assert_string_equal(a->products[0].platform, "(acme:board_a:1.0 or "
	    "acme:board:b) and not acme:dock");
	assert_string_equal(a->products[1].platform,
	    a->products[0].platform);
	assert_string_equal(a->products[1].range.exact, "2.0");
	assert_string_equal(a->products[2].cpe, "acme:app");
	assert_null(a->products[2].platform);
	assert_string_equal(a->products[3].cpe, "acme:lib");
	assert_null(a->products[3].platform);
	assert_null(a->products[4].platform);
	vuln_list_clear(&l);
}

/* Hundreds of platforms: the text stops short of VULN_TEXT_MAX. */
static void
test_nvd_platform_cap(void **state)
{
	static const char head[] = "{\"vulnerabilities\": [{\"cve\": {"
	    "\"id\": \"CVE-1\", \"configurations\": [{\"operator\": \"AND\", "
	    "\"nodes\": [{\"cpeMatch\": ["
	    CM("true", "cpe:2.3:o:acme:fw:*:*:*:*:*:*:*:*") "]}, "
	    "{\"cpeMatch\": [";
	const struct vuln_product *pr;
	struct vuln_list l;
	char err[512], *text;
	size_t cap = 1U << 20, n, i, len;

	(void)state;
	assert_non_null(text = malloc(cap));
	n = (size_t)snprintf(text, cap, "%s", head);
	for (i = 0; i < 1000; i++)
		n += (size_t)snprintf(text + n, cap - n, "%s" CM("false",
		    "cpe:2.3:h:acme:board_%04zu:-:*:*:*:*:*:*:*"),
		    i > 0 ? ", " : "", i);
	n += (size_t)snprintf(text + n, cap - n, "]}]}]}}]}");
	vuln_list_init(&l);
	assert_int_equal(vuln_nvd_parse(&l, text, n, "c.json", err,
	    sizeof(err)), 0);
	pr = &l.v[0]->products[0];
	assert_non_null(pr->platform);
	len = strlen(pr->platform);
	assert_true(len < VULN_TEXT_MAX);
	assert_true(len > VULN_TEXT_MAX - 64);
	assert_string_equal(pr->platform + len - 3, "...");
	assert_int_equal(strncmp(pr->platform, "acme:board_0000 or "
	    "acme:board_0001 or ", 38), 0);
	vuln_list_clear(&l);
	free(text);
}

static void
test_csaf_samples(void **state)
{
	const struct vuln_advisory *a;
	struct vuln_list l;
	char path[1024], err[512], buf[64];

	(void)state;
	vuln_list_init(&l);
	sample(path, sizeof(path), "icsma-24-151-02.json");
	assert_int_equal(vuln_csaf_load(&l, path, err, sizeof(err)), 0);
	sample(path, sizeof(path), "icsma-24-023-01.json");
	assert_int_equal(vuln_csaf_load(&l, path, err, sizeof(err)), 0);
	sample(path, sizeof(path), "icsma-23-047-01.json");
	assert_int_equal(vuln_csaf_load(&l, path, err, sizeof(err)), 0);
	assert_int_equal(l.n, 3);

	assert_non_null(a = find(&l, "CVE-2024-1275"));
	assert_int_equal(a->origin, VULN_CSAF);
	assert_string_equal(a->source, "ICSMA-24-151-02");
	assert_string_equal(a->title, "Baxter Welch Allyn Connex Spot Monitor");
	assert_true(a->score > 7.39 && a->score < 7.41);
	assert_int_equal(a->severity, VULN_SEV_HIGH);
	assert_non_null(strstr(a->summary, "uses a default cryptographic "
	    "key"));
	assert_int_equal(a->nproducts, 1);
	assert_true(a->products[0].affected);
	assert_string_equal(a->products[0].vendor, "Baxter");
	assert_string_equal(a->products[0].product,
	    "Welch Allyn Connex Spot Monitor (CSM)");
	vuln_range_format(&a->products[0].range, buf, sizeof(buf));
	assert_string_equal(buf, "<=1.52");
	assert_true(vuln_range_match(&a->products[0].range, "1.52"));
	assert_false(vuln_range_match(&a->products[0].range, "1.52.01"));
	assert_non_null(strstr(a->remediation, "mitigation: Welch Allyn "
	    "Connex Spot Monitor: Version 1.52.01 (available October 16, "
	    "2023)\n"));

	assert_non_null(a = find(&l, "CVE-2023-7238"));
	assert_string_equal(a->source, "ICSMA-24-023-01");
	assert_string_equal(a->products[0].vendor, "Orthanc");
	assert_string_equal(a->products[0].product, "Osimis WebViewer");
	assert_string_equal(a->products[0].range.exact, "1.4.2.0-9d9eff4");
	assert_true(a->score > 7.09 && a->score < 7.11);

	assert_non_null(a = find(&l, "CVE-2022-47376"));
	assert_string_equal(a->products[0].vendor,
	    "Becton, Dickinson and Company (BD)");
	vuln_range_format(&a->products[0].range, buf, sizeof(buf));
	assert_string_equal(buf, ">=1.1 <=1.3.2");
	assert_non_null(strstr(a->remediation, "vendor_fix: BD is directly "
	    "reaching out"));
	vuln_list_clear(&l);
}

static void
csaf_err(const char *text, const char *want)
{
	struct vuln_list l;
	char err[512];

	vuln_list_init(&l);
	assert_int_equal(vuln_csaf_parse(&l, text, strlen(text),
	    "icsma.json", err, sizeof(err)), WARD_EFORMAT);
	assert_int_equal(l.n, 0);
	assert_string_equal(err, want);
	vuln_list_clear(&l);
}

#define DOC	"\"document\": {\"csaf_version\": \"2.0\", \"title\": \"T\", " \
		"\"tracking\": {\"id\": \"ICSMA-1\"}}"

static void
test_csaf_errors(void **state)
{
	(void)state;
	csaf_err("{}", "icsma.json: document: missing");
	csaf_err("{\"document\": {\"csaf_version\": \"1.2\", \"title\": \"T\", "
	    "\"tracking\": {\"id\": \"X\"}}}",
	    "icsma.json: document.csaf_version: '1.2', not 2.0");
	csaf_err("{" DOC ", \"vulnerabilities\": [{\"cve\": \"CVE-1\", "
	    "\"product_status\": {\"known_affected\": [\"CSAFPID-9\"]}}]}",
	    "icsma.json: vulnerabilities[0].product_status.known_affected[0]: "
	    "unknown product_id 'CSAFPID-9'");
	csaf_err("{" DOC ", \"product_tree\": {\"full_product_names\": ["
	    "{\"name\": \"P\", \"product_id\": \"A\"}, {\"name\": \"Q\", "
	    "\"product_id\": \"A\"}]}}",
	    "icsma.json: product_tree.full_product_names[1]: product_id 'A' "
	    "defined twice");
	csaf_err("{" DOC ", \"vulnerabilities\": [{\"cve\": \"CVE-1\", "
	    "\"remediations\": [{\"category\": \"vendor_fix\"}]}]}",
	    "icsma.json: vulnerabilities[0].remediations[0].details: missing");
	csaf_err("{" DOC ", \"vulnerabilities\": [{\"notes\": []}]}",
	    "icsma.json: vulnerabilities[0]: neither 'cve' nor 'ids'");
}

/* Relationships and a product fixed in a version. */
static void
test_csaf_relationships(void **state)
{
	static const char text[] = "{" DOC ", \"product_tree\": {"
	    "\"branches\": [{\"category\": \"vendor\", \"name\": \"Acme\", "
	    "\"branches\": [{\"category\": \"product_name\", \"name\": "
	    "\"Pump\", \"branches\": [{\"category\": \"product_version\", "
	    "\"name\": \"2.0\", \"product\": {\"name\": \"Acme Pump 2.0\", "
	    "\"product_id\": \"P2\"}}]}]}], \"relationships\": [{"
	    "\"category\": \"installed_on\", \"product_reference\": \"P2\", "
	    "\"relates_to_product_reference\": \"P2\", "
	    "\"full_product_name\": {\"name\": \"Pump on X\", \"product_id\": "
	    "\"R1\"}}]}, \"vulnerabilities\": [{\"ids\": [{\"system_name\": "
	    "\"acme\", \"text\": \"ACME-7\"}], \"product_status\": "
	    "{\"fixed\": [\"R1\"]}}]}";
	struct vuln_list l;
	char err[512];

	(void)state;
	vuln_list_init(&l);
	assert_int_equal(vuln_csaf_parse(&l, text, strlen(text), "r.json",
	    err, sizeof(err)), 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0]->id, "ACME-7");
	assert_int_equal(l.v[0]->nproducts, 1);
	assert_false(l.v[0]->products[0].affected);
	assert_string_equal(l.v[0]->products[0].vendor, "Acme");
	assert_string_equal(l.v[0]->products[0].product, "Pump");
	assert_string_equal(l.v[0]->products[0].fixed, "2.0");
	vuln_list_clear(&l);
}

/*
 * Ranges as CISA writes some of them (icsa-24-284-19: "8.001|8.002|9.001";
 * icsma-22-251-01: prose): a list of versions becomes a product each,
 * prose is kept as text that matches nothing.
 */
static void
test_csaf_prose(void **state)
{
	static const char text[] = "{" DOC ", \"product_tree\": {"
	    "\"branches\": [{\"category\": \"vendor\", \"name\": \"V\", "
	    "\"branches\": [{\"category\": \"product_version_range\", "
	    "\"name\": \"8.001|8.002 | 9.001\", \"product\": {\"name\": "
	    "\"P\", \"product_id\": \"A\"}}, {\"category\": "
	    "\"product_version_range\", \"name\": \"9.x (with Wireless "
	    "Battery Modules >= 22D19 | <= v22D28)\", \"product\": {"
	    "\"name\": \"Q\", \"product_id\": \"B\"}}]}]}, "
	    "\"vulnerabilities\": [{\"cve\": \"CVE-1\", \"product_status\": "
	    "{\"known_affected\": [\"A\", \"B\"]}}]}";
	const struct vuln_advisory *a;
	struct vuln_list l;
	char err[512], buf[128];

	(void)state;
	vuln_list_init(&l);
	assert_int_equal(vuln_csaf_parse(&l, text, strlen(text), "p.json",
	    err, sizeof(err)), 0);
	assert_int_equal(l.n, 1);
	a = l.v[0];
	assert_int_equal(a->nproducts, 4);
	assert_string_equal(a->products[0].range.exact, "8.001");
	assert_string_equal(a->products[1].range.exact, "8.002");
	assert_string_equal(a->products[2].range.exact, "9.001");
	assert_string_equal(a->products[2].product, "P");
	assert_int_equal(a->products[3].range.flags, VR_UNPARSED);
	assert_false(vuln_range_match(&a->products[3].range, "9.1"));
	vuln_range_format(&a->products[3].range, buf, sizeof(buf));
	assert_string_equal(buf, "9.x (with Wireless Battery Modules >= "
	    "22D19 | <= v22D28)");
	vuln_list_clear(&l);
}

/*
 * CSAF 2.0 section 3.1.3.3: product_identification_helper's CPE (2.3,
 * or a 2.2 URI percent-decoded) as "vendor:product", and its purl; a
 * relationship inherits its reference's unless it names its own.
 */
static void
test_csaf_helper(void **state)
{
	static const char text[] = "{" DOC ", \"product_tree\": {"
	    "\"branches\": [{\"category\": \"vendor\", \"name\": \"Acme\", "
	    "\"branches\": [{\"category\": \"product_version_range\", "
	    "\"name\": \"2.0|2.1\", \"product\": {\"name\": \"Acme Pump\", "
	    "\"product_id\": \"P\", \"product_identification_helper\": {"
	    "\"cpe\": \"cpe:2.3:h:acme:pump:*:*:*:*:*:*:*:*\", \"purl\": "
	    "\"pkg:generic/acme/pump@2.0\"}}}]}], \"full_product_names\": ["
	    "{\"name\": \"Acme Gateway\", \"product_id\": \"G\", "
	    "\"product_identification_helper\": {\"cpe\": "
	    "\"cpe:/o:acme%21:gateway_firmware:1.0\"}}, {\"name\": "
	    "\"Plain\", \"product_id\": \"N\"}], \"relationships\": [{"
	    "\"category\": \"installed_on\", \"product_reference\": \"P\", "
	    "\"relates_to_product_reference\": \"G\", \"full_product_name\": "
	    "{\"name\": \"Pump on Gateway\", \"product_id\": \"R\"}}, {"
	    "\"category\": \"installed_on\", \"product_reference\": \"N\", "
	    "\"relates_to_product_reference\": \"G\", \"full_product_name\": "
	    "{\"name\": \"Plain on Gateway\", \"product_id\": \"S\", "
	    "\"product_identification_helper\": {\"cpe\": "
	    "\"cpe:2.3:a:acme:plain\\\\:x:1:*:*:*:*:*:*:*\"}}}]}, "
	    "\"vulnerabilities\": [{\"cve\": \"CVE-1\", \"product_status\": "
	    "{\"known_affected\": [\"P\", \"G\", \"N\", \"R\", \"S\"]}}]}";
	const struct vuln_advisory *a;
	struct vuln_list l;
	char err[512];

	(void)state;
	vuln_list_init(&l);
	if (vuln_csaf_parse(&l, text, strlen(text), "h.json", err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	a = l.v[0];
	assert_int_equal(a->nproducts, 7);
	/* One product per listed version, each with the helper's names. */
	assert_string_equal(a->products[0].range.exact, "2.0");
	assert_string_equal(a->products[0].cpe, "acme:pump");
	assert_string_equal(a->products[0].purl, "pkg:generic/acme/pump@2.0");
	assert_string_equal(a->products[1].range.exact, "2.1");
	assert_string_equal(a->products[1].cpe, "acme:pump");
	assert_string_equal(a->products[2].product, "Acme Gateway");
	assert_string_equal(a->products[2].cpe, "acme!:gateway_firmware");
	assert_null(a->products[2].purl);
	assert_string_equal(a->products[3].product, "Plain");
	assert_null(a->products[3].cpe);
	assert_null(a->products[3].platform);
	assert_string_equal(a->products[4].cpe, "acme:pump");
	assert_string_equal(a->products[6].product, "Plain");
	assert_string_equal(a->products[6].cpe, "acme:plain:x");
	vuln_list_clear(&l);
}

/* A helper ward cannot read is left out; the product stays. */
static void
csaf_no_helper(const char *text)
{
	struct vuln_list l;
	char err[512];

	vuln_list_init(&l);
	if (vuln_csaf_parse(&l, text, strlen(text), "icsma.json", err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0]->nproducts, 1);
	assert_string_equal(l.v[0]->products[0].product, "P");
	assert_null(l.v[0]->products[0].cpe);
	assert_null(l.v[0]->products[0].purl);
	vuln_list_clear(&l);
}

#define HELPER_DOC(helper) "{" DOC ", \"product_tree\": " \
	"{\"full_product_names\": [{\"name\": \"P\", \"product_id\": " \
	"\"A\", \"product_identification_helper\": " helper "}]}, " \
	"\"vulnerabilities\": [{\"cve\": \"CVE-2024-0001\", " \
	"\"product_status\": {\"known_affected\": [\"A\"]}}]}"

static void
test_csaf_helper_errors(void **state)
{
	(void)state;
	csaf_no_helper(HELPER_DOC("{\"cpe\": "
	    "\"cpe:2.3:a:*:x:*:*:*:*:*:*:*:*\"}"));
	csaf_no_helper(HELPER_DOC("{\"cpe\": \"cpe:/x:v:p\"}"));
	csaf_no_helper(HELPER_DOC("{\"cpe\": \"cpe:/a:v%00:p\"}"));
	csaf_no_helper(HELPER_DOC("{\"purl\": \"http://x\"}"));
	/* Not an object at all: the document is wrong. */
	csaf_err("{" DOC ", \"product_tree\": {\"full_product_names\": ["
	    "{\"name\": \"P\", \"product_id\": \"A\", "
	    "\"product_identification_helper\": []}]}}",
	    "icsma.json: product_tree.full_product_names[0]."
	    "product_identification_helper: not an object");
}

/*
 * rules/vuln/aliases.yaml: the NVD's CPE names for medical makers reach
 * ward's vendor and model names, and back.
 */
static void
test_aliases_medical(void **state)
{
	struct vuln_aliases *va;
	char path[1024], err[512];

	(void)state;
	rule(path, sizeof(path), "aliases.yaml");
	va = vuln_alias_load(path, err, sizeof(err));
	if (va == NULL)
		fail_msg("%s", err);
	assert_string_equal(vuln_alias_cpe(va, "Philips", "IntelliVue MX800",
	    0), "philips:intellivue_mx800_firmware");
	assert_null(vuln_alias_cpe(va, "Philips", "IntelliVue MX800", 1));
	assert_string_equal(vuln_alias_cpe(va, "GE HealthCare",
	    "CARESCAPE Central Station", 1),
	    "gehealthcare:carescape_central_station_mas700_firmware");
	assert_null(vuln_alias_cpe(va, "GE HealthCare", "CARESCAPE Gateway",
	    0));
	assert_string_equal(vuln_alias_cpe(va, "hillrom",
	    "Welch Allyn Q-Stress", 0),
	    "baxter:welch_allyn_q-stress_cardiac_stress_testing_system_"
	    "firmware");
	assert_string_equal(vuln_alias_cpe(va, "Welch Allyn",
	    "Welch Allyn Q-Stress", 0),
	    "baxter:welch_allyn_q-stress_cardiac_stress_testing_system_"
	    "firmware");
	assert_string_equal(vuln_alias_vendor_of_cpe(va, "gehealthcare"),
	    "GE HealthCare");
	assert_string_equal(vuln_alias_vendor_of_cpe(va, "draeger"),
	    "Dräger");
	assert_string_equal(vuln_alias_vendor_of_cpe(va, "bbraun"),
	    "B. Braun");
	assert_string_equal(vuln_alias_csaf(va, "Hillrom", 0), "Hillrom");
	vuln_alias_free(va);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nvd_sample),
		cmocka_unit_test(test_nvd_errors),
		cmocka_unit_test(test_nvd_atomic),
		cmocka_unit_test(test_nvd_and),
		cmocka_unit_test(test_nvd_platform),
		cmocka_unit_test(test_nvd_platform_cap),
		cmocka_unit_test(test_csaf_samples),
		cmocka_unit_test(test_csaf_errors),
		cmocka_unit_test(test_csaf_relationships),
		cmocka_unit_test(test_csaf_prose),
		cmocka_unit_test(test_csaf_helper),
		cmocka_unit_test(test_csaf_helper_errors),
		cmocka_unit_test(test_aliases_medical),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
