/*
 * test_vuln_match.c - advisories to devices over the real samples of
 * tests/vuln/ and the shipped rules/vuln/ files: components read from
 * banners and identity, NVD matches through the CPE aliases, CSAF
 * matches through vendor names and product words, the curated globs,
 * "potentially affected" for unknown versions and distribution builds,
 * fixed versions, and the risk score's terms.
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
#include "ward/ident.h"
#include "ward/vuln.h"
#include "ward/vulnmatch.h"

/* <top>/<dir>/<name> in the source tree (rules/devices.yaml's sibling). */
static void
src_path(char *buf, size_t len, const char *dir, const char *name)
{
	char *slash;

	snprintf(buf, len, "%s", WARD_RULES_SRC);
	for (int i = 0; i < 2; i++)
		if ((slash = strrchr(buf, '/')) != NULL)
			*slash = '\0';
	snprintf(buf + strlen(buf), len - strlen(buf), "/%s/%s", dir, name);
}

struct fixture {
	struct vuln_list	 l;
	struct vuln_aliases	*al;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char path[1024], err[512];

	assert_non_null(f);
	vuln_list_init(&f->l);
	src_path(path, sizeof(path), "tests/vuln", "nvd-sample.json");
	assert_int_equal(vuln_nvd_load(&f->l, path, err, sizeof(err)), 0);
	src_path(path, sizeof(path), "tests/vuln", "nvd-dcmtk-367.json");
	assert_int_equal(vuln_nvd_load(&f->l, path, err, sizeof(err)), 0);
	src_path(path, sizeof(path), "tests/vuln", "nvd-cve-2020-6961.json");
	assert_int_equal(vuln_nvd_load(&f->l, path, err, sizeof(err)), 0);
	src_path(path, sizeof(path), "tests/vuln", "icsma-24-151-02.json");
	assert_int_equal(vuln_csaf_load(&f->l, path, err, sizeof(err)), 0);
	src_path(path, sizeof(path), "tests/vuln", "icsma-23-047-01.json");
	assert_int_equal(vuln_csaf_load(&f->l, path, err, sizeof(err)), 0);
	src_path(path, sizeof(path), "rules/vuln", "iomt.yaml");
	assert_int_equal(vuln_iomt_load(&f->l, path, err, sizeof(err)), 0);
	src_path(path, sizeof(path), "rules/vuln", "aliases.yaml");
	f->al = vuln_alias_load(path, err, sizeof(err));
	assert_non_null(f->al);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	vuln_list_clear(&f->l);
	vuln_alias_free(f->al);
	free(f);
	return 0;
}

/* Every advisory matching c, as "ID status" lines sorted as found. */
static size_t
match_all(const struct fixture *f, const struct vuln_component *c,
    struct vuln_match *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < f->l.n && n < max; i++)
		if (vuln_match(f->al, c, f->l.v[i], &out[n]))
			n++;
	return n;
}

static const struct vuln_match *
find(const struct vuln_match *m, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(m[i].adv->id, id) == 0)
			return &m[i];
	return NULL;
}

static void
test_banners(void **state)
{
	struct vuln_component c[4];

	(void)state;
	assert_int_equal(vuln_components_of_banner("ssh.server_banner",
	    "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3", c, 4), 1);
	assert_string_equal(c[0].vendor, "OpenBSD");
	assert_string_equal(c[0].product, "OpenSSH");
	assert_string_equal(c[0].version, "9.2p1");
	assert_string_equal(c[0].build, "Debian-2+deb12u3");
	assert_string_equal(c[0].evidence,
	    "ssh.server_banner=SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3");

	assert_int_equal(vuln_components_of_banner("ssh.server_banner",
	    "SSH-2.0-OpenSSH_8.0", c, 4), 1);
	assert_string_equal(c[0].build, "");

	assert_int_equal(vuln_components_of_banner("http.server",
	    "Apache/2.4.57 (Debian) OpenSSL/3.0.11", c, 4), 2);
	assert_string_equal(c[0].product, "httpd");
	assert_string_equal(c[0].version, "2.4.57");
	assert_string_equal(c[0].build, "Debian");
	assert_string_equal(c[1].product, "OpenSSL");
	assert_string_equal(c[1].version, "3.0.11");

	/* A server that names no version, or software ward does not know. */
	assert_int_equal(vuln_components_of_banner("http.server", "nginx",
	    c, 4), 0);
	assert_int_equal(vuln_components_of_banner("http.server",
	    "Mongoose/6.18", c, 4), 0);

	assert_int_equal(vuln_components_of_banner("dicom.impl_version",
	    "OFFIS_DCMTK_367", c, 4), 1);
	assert_string_equal(c[0].product, "DCMTK");
	assert_string_equal(c[0].version, "3.6.7");
	assert_int_equal(vuln_components_of_banner("dicom.impl_version",
	    "OFFIS_DCMTK_3610", c, 4), 1);
	assert_string_equal(c[0].version, "3.6.10");
	assert_int_equal(vuln_components_of_banner("dicom.impl_version",
	    "OFFIS_DCMTK_36", c, 4), 0);

	assert_int_equal(vuln_components_of_banner("ftp.banner",
	    "220 (vsFTPd 3.0.3)", c, 4), 1);
	assert_string_equal(c[0].product, "vsftpd");
	assert_string_equal(c[0].version, "3.0.3");

	assert_int_equal(vuln_components_of_banner("mysql.version",
	    "10.11.6-MariaDB-0+deb12u1", c, 4), 1);
	assert_string_equal(c[0].vendor, "MariaDB");
	assert_string_equal(c[0].version, "10.11.6");
	assert_string_equal(c[0].build, "0+deb12u1");
	assert_int_equal(vuln_components_of_banner("mysql.version",
	    "8.0.36", c, 4), 1);
	assert_string_equal(c[0].product, "MySQL");

	/* BusyBox's udhcpc in DHCP option 60; another client's not. */
	assert_int_equal(vuln_components_of_banner("dhcp.vendor_class",
	    "udhcp 1.35.0", c, 4), 1);
	assert_string_equal(c[0].vendor, "BusyBox");
	assert_string_equal(c[0].version, "1.35.0");
	assert_int_equal(vuln_components_of_banner("dhcp.vendor_class",
	    "MSFT 5.0", c, 4), 0);
	assert_int_equal(vuln_components_of_banner("dhcp.vendor_class",
	    "udhcp 1.35.0 extra", c, 4), 0);

	assert_int_equal(vuln_components_of_banner("ssh.banner",
	    "SSH-2.0-OpenSSH_9.2p1", c, 4), 0);
	assert_int_equal(vuln_components_of_banner("ssh.server_banner",
	    "SSH-2.0-", c, 4), 0);
}

static void
test_nvd_openssh(void **state)
{
	struct fixture *f = *state;
	struct vuln_component c[1];
	struct vuln_match m[8];
	const struct vuln_match *x;
	size_t n;

	/* A vanilla 9.2p1 is within 8.6 to 9.8: affected. */
	assert_int_equal(vuln_components_of_banner("ssh.server_banner",
	    "SSH-2.0-OpenSSH_9.2p1", c, 1), 1);
	n = match_all(f, c, m, 8);
	assert_int_equal(n, 1);
	assert_non_null(x = find(m, n, "CVE-2024-6387"));
	assert_int_equal(x->status, VULN_AFFECTED);
	assert_true(x->confidence > 0.8 && x->confidence <= 0.9);
	assert_non_null(strstr(x->why, "9.2p1 is within >=8.6 <9.8"));

	/* Debian's build of it: potentially, at lower confidence. */
	assert_int_equal(vuln_components_of_banner("ssh.server_banner",
	    "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3", c, 1), 1);
	n = match_all(f, c, m, 8);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].status, VULN_POTENTIAL);
	assert_true(m[0].confidence < 0.5);
	assert_non_null(strstr(m[0].why, "Debian-2+deb12u3"));

	/* 9.8p1 and 8.5 are outside every range. */
	assert_int_equal(vuln_components_of_banner("ssh.server_banner",
	    "SSH-2.0-OpenSSH_9.8p1", c, 1), 1);
	assert_int_equal(match_all(f, c, m, 8), 0);
	assert_int_equal(vuln_components_of_banner("ssh.server_banner",
	    "SSH-2.0-OpenSSH_8.5", c, 1), 1);
	assert_int_equal(match_all(f, c, m, 8), 0);
	/* 8.5p1 is listed exactly. */
	assert_int_equal(vuln_components_of_banner("ssh.server_banner",
	    "SSH-2.0-OpenSSH_8.5p1", c, 1), 1);
	assert_int_equal(match_all(f, c, m, 8), 1);
}

static void
test_nvd_dcmtk(void **state)
{
	struct fixture *f = *state;
	struct vuln_component c[1];
	struct vuln_match m[8];
	size_t n;

	/* 3.6.7: CVE-2022-43272 names it; CVE-2022-2119 ends before it. */
	assert_int_equal(vuln_components_of_banner("dicom.impl_version",
	    "OFFIS_DCMTK_367", c, 1), 1);
	n = match_all(f, c, m, 8);
	assert_int_equal(n, 1);
	assert_string_equal(m[0].adv->id, "CVE-2022-43272");
	assert_int_equal(m[0].status, VULN_AFFECTED);
	/* 3.6.6: CVE-2022-2119 (< 3.6.7) only. */
	assert_int_equal(vuln_components_of_banner("dicom.impl_version",
	    "OFFIS_DCMTK_366", c, 1), 1);
	n = match_all(f, c, m, 8);
	assert_int_equal(n, 1);
	assert_string_equal(m[0].adv->id, "CVE-2022-2119");
}

/* An identified device, as inv_identify leaves it. */
static void
device(struct asset *a, struct ident_verdict *v, const char *vendor,
    const char *model, const char *version)
{
	memset(a, 0, sizeof(*a));
	memset(v, 0, sizeof(*v));
	snprintf(v->value[IDENT_VENDOR], IDENT_VALUE_MAX, "%s", vendor);
	snprintf(v->value[IDENT_MODEL], IDENT_VALUE_MAX, "%s", model);
	snprintf(v->value[IDENT_VERSION], IDENT_VALUE_MAX, "%s", version);
	v->conf[IDENT_VENDOR] = 0.9;
	v->conf[IDENT_MODEL] = 0.8;
	v->conf[IDENT_VERSION] = version[0] != '\0' ? 0.7 : 0;
	v->nev = 1;
	v->ev[0].rule = "dicom-software-versions";
	v->ev[0].key = "dicom.software_versions";
	snprintf(v->ev[0].value, IDENT_VALUE_MAX, "%s", version);
	v->ev[0].dims = 1U << IDENT_VERSION;
	v->ev[0].agrees[IDENT_VERSION] = true;
	a->ident = v;
}

static void
test_csaf_and_iomt(void **state)
{
	struct fixture *f = *state;
	struct ident_verdict v;
	struct asset a;
	struct vuln_component c[4];
	struct vuln_match m[8];
	const struct vuln_match *x;
	size_t n;

	/* CVE-2024-1275 is in the CSAF sample and in the curated file. */
	device(&a, &v, "Baxter", "Connex Spot Monitor", "1.52");
	assert_int_equal(vuln_components(&a, c, 4), 1);
	assert_string_equal(c[0].source, "identity");
	assert_non_null(strstr(c[0].evidence, "version 1.52 (0.70)"));
	assert_non_null(strstr(c[0].evidence,
	    "dicom-software-versions: dicom.software_versions=1.52"));
	n = match_all(f, c, m, 8);
	assert_int_equal(n, 2);
	assert_int_equal(m[0].status, VULN_AFFECTED);
	assert_int_equal(m[1].status, VULN_AFFECTED);
	assert_string_equal(m[0].adv->id, "CVE-2024-1275");
	assert_string_equal(m[1].adv->id, "CVE-2024-1275");
	/* The CSAF name says more than the model: words, 0.8. */
	x = m[0].adv->origin == VULN_CSAF ? &m[0] : &m[1];
	assert_true(x->confidence > 0.9 * 0.8 * 0.8 * 0.7 - 1e-9 &&
	    x->confidence < 0.9 * 0.8 * 0.8 * 0.7 + 1e-9);

	/* Fixed in 1.52.01: nothing. */
	device(&a, &v, "Baxter", "Connex Spot Monitor", "1.52.01");
	assert_int_equal(vuln_components(&a, c, 4), 1);
	assert_int_equal(match_all(f, c, m, 8), 0);

	/* Version unknown: potentially affected, never silence. */
	device(&a, &v, "Baxter", "Connex Spot Monitor", "");
	assert_int_equal(vuln_components(&a, c, 4), 1);
	n = match_all(f, c, m, 8);
	assert_int_equal(n, 2);
	assert_int_equal(m[0].status, VULN_POTENTIAL);
	assert_non_null(strstr(m[0].why, "version unknown"));

	/* Contec CMS8000: every version for CVE-2025-0626 and -0683. */
	device(&a, &v, "Contec", "CMS8000", "");
	assert_int_equal(vuln_components(&a, c, 4), 1);
	n = match_all(f, c, m, 8);
	assert_int_equal(n, 3);
	assert_non_null(x = find(m, n, "CVE-2025-0626"));
	assert_int_equal(x->status, VULN_AFFECTED);
	assert_non_null(x = find(m, n, "CVE-2024-12248"));
	assert_int_equal(x->status, VULN_POTENTIAL);

	/* BD Alaris Infusion Central 1.3.2 (>= 1.1 | <= 1.3.2), not 1.4. */
	device(&a, &v, "BD", "Alaris Infusion Central", "1.3.2");
	assert_int_equal(vuln_components(&a, c, 4), 1);
	n = match_all(f, c, m, 8);
	assert_int_equal(n, 2);
	device(&a, &v, "BD", "Alaris Infusion Central", "1.4");
	assert_int_equal(vuln_components(&a, c, 4), 1);
	assert_int_equal(match_all(f, c, m, 8), 0);

	/* The same monitor known by its HL7 SFT segment only. */
	{
		struct asset_attr sft[3] = {
			{ .key = "hl7.software_vendor",
			    .value = "Welch Allyn", .last = 1 },
			{ .key = "hl7.software_product",
			    .value = "Connex Spot Monitor", .last = 1 },
			{ .key = "hl7.software_version", .value = "1.52",
			    .last = 1 },
		};

		memset(&a, 0, sizeof(a));
		a.attrs = sft;
		a.nattrs = 3;
		assert_int_equal(vuln_components(&a, c, 4), 1);
		assert_string_equal(c[0].source, "hl7.sft");
		assert_string_equal(c[0].version, "1.52");
		n = match_all(f, c, m, 8);
		/* The curated file's glob 'Welch Allyn*', and CISA's CSAF,
		 * which names the vendor Baxter (an alias of Welch Allyn). */
		assert_int_equal(n, 2);
		assert_int_equal(m[0].status, VULN_AFFECTED);
		assert_int_equal(m[1].status, VULN_AFFECTED);
		assert_true(m[0].adv->origin != m[1].adv->origin);
		assert_non_null(strstr(m[0].why, "1.52 is within <=1.52"));
	}

	/*
	 * CVE-2020-6961: ApexPro telemetry server firmware <= 4.2, AND on
	 * its hardware, which ward's model does not prove: potential.
	 */
	device(&a, &v, "GE HealthCare", "ApexPro Telemetry Server", "4.2");
	assert_int_equal(vuln_components(&a, c, 4), 1);
	n = match_all(f, c, m, 8);
	assert_int_equal(n, 1);
	assert_string_equal(m[0].adv->id, "CVE-2020-6961");
	assert_int_equal(m[0].status, VULN_POTENTIAL);
	assert_non_null(strstr(m[0].why, "only when running on "
	    "gehealthcare:apexpro_telemetry_server"));
	device(&a, &v, "GE HealthCare", "ApexPro Telemetry Server", "4.3");
	assert_int_equal(vuln_components(&a, c, 4), 1);
	assert_int_equal(match_all(f, c, m, 8), 0);

	/* Another vendor's monitor of the same words: not concerned. */
	device(&a, &v, "Philips", "Connex Spot Monitor", "1.0");
	assert_int_equal(vuln_components(&a, c, 4), 1);
	assert_int_equal(match_all(f, c, m, 8), 0);
	/* A vendor without a model gives no component. */
	device(&a, &v, "Baxter", "", "1.0");
	assert_int_equal(vuln_components(&a, c, 4), 0);
}

static void
test_components_of_asset(void **state)
{
	struct asset a;
	struct asset_attr attrs[4] = {
		{ .key = "ssh.banner", .value = "SSH-2.0-OpenSSH_9.2p1" },
		{ .key = "ssh.server_banner", .value = "SSH-2.0-OpenSSH_9.2p1" },
		{ .key = "http.server", .value = "nginx/1.22.1" },
		{ .key = "ssh.server_banner", .value = "SSH-2.0-OpenSSH_9.2p1" },
	};
	struct vuln_component c[VULN_COMP_MAX];
	struct vuln_keys k;

	(void)state;
	memset(&a, 0, sizeof(a));
	a.attrs = attrs;
	a.nattrs = 4;
	/* A client's banner is no server; a repeat is one component. */
	assert_int_equal(vuln_components(&a, c, VULN_COMP_MAX), 2);
	assert_string_equal(c[0].product, "OpenSSH");
	assert_string_equal(c[1].product, "nginx");
	assert_int_equal(vuln_components(&a, c, 1), 1);

	vuln_component_keys(NULL, &c[1], &k);
	assert_int_equal(k.ncpe, 0);
	assert_int_equal(k.nvendor, 1);
	assert_string_equal(k.vendor[0], "nginx");
}

static void
test_keys(void **state)
{
	struct fixture *f = *state;
	struct vuln_component c;
	struct vuln_keys k;

	memset(&c, 0, sizeof(c));
	snprintf(c.vendor, sizeof(c.vendor), "Baxter");
	snprintf(c.product, sizeof(c.product), "Connex Spot Monitor");
	vuln_component_keys(f->al, &c, &k);
	assert_true(k.nvendor >= 3);
	assert_string_equal(k.vendor[0], "baxter");
	assert_string_equal(k.vendor[1], "hillrom");
	snprintf(c.vendor, sizeof(c.vendor), "OpenBSD");
	snprintf(c.product, sizeof(c.product), "OpenSSH");
	vuln_component_keys(f->al, &c, &k);
	assert_int_equal(k.ncpe, 1);
	assert_string_equal(k.cpe[0], "openbsd:openssh");
}

static void
test_risk(void **state)
{
	struct vuln_risk r;
	double v[2], e[2], al[1];

	(void)state;
	vuln_risk_compute(&r, NULL, 0, NULL, 0, NULL, 0, true, true, false);
	assert_true(r.score == 0);

	v[0] = vuln_risk_vuln_weight(7.5, "high", 0.9, VULN_AFFECTED);
	assert_true(v[0] > 0.674 && v[0] < 0.676);
	v[1] = vuln_risk_vuln_weight(-1, "critical", 1, VULN_POTENTIAL);
	assert_true(v[1] > 0.474 && v[1] < 0.476);
	e[0] = vuln_risk_severity_weight("high");
	e[1] = vuln_risk_severity_weight("MEDIUM");
	assert_true(e[0] == 0.5 && e[1] == 0.25);
	al[0] = vuln_risk_severity_weight("nonsense");
	assert_true(al[0] == 0);

	vuln_risk_compute(&r, v, 2, e, 2, al, 1, true, true, false);
	/* V = 1 - 0.325 x 0.525, E = 1 - 0.5 x 0.75, A = 0, C = 1. */
	assert_true(r.vulns > 0.8293 && r.vulns < 0.8294);
	assert_true(r.exposures == 0.625);
	assert_true(r.score > 45 * 0.82937 + 35 * 0.625 - 0.01 &&
	    r.score < 45 * 0.82937 + 35 * 0.625 + 0.01);
	assert_string_equal(r.criticality_why, "life-critical device type");

	/* The same findings on a printer weigh less. */
	vuln_risk_compute(&r, v, 2, e, 2, al, 1, false, false, false);
	assert_true(r.criticality == 0.25);
	assert_true(r.score < 0.71 * (45 * 0.83 + 35 * 0.625));
	assert_true(vuln_type_clinical("pacs"));
	assert_false(vuln_type_clinical("printer"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_banners),
		cmocka_unit_test(test_components_of_asset),
		cmocka_unit_test(test_risk),
		cmocka_unit_test_setup_teardown(test_nvd_openssh, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_nvd_dcmtk, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_csaf_and_iomt, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
