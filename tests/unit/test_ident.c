/*
 * test_ident.c - fingerprint rules: the YAML loader's checks (each error
 * names the file, line and key) and the evaluation (globs, quoting,
 * "unless", evidence combined, contradictions, the threshold).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ward/ident.h"

static const char rules_text[] =
    "version: 1\n"
    "rules:\n"
    "  - id: dicom-ct\n"
    "    source: DICOM PS3.3 C.7.3.1, Modality CT\n"
    "    when: { dicom.modality: CT }\n"
    "    type: ct\n"
    "    weight: 0.9\n"
    "  - id: ge-dicom\n"
    "    source: GE HealthCare DICOM conformance statements\n"
    "    when:\n"
    "      dicom.manufacturer: ['GE MEDICAL*', 'GE Healthcare*']\n"
    "    vendor: GE HealthCare\n"
    "    model: '{dicom.model}'\n"
    "    version: 'sw {dicom.software_versions}'\n"
    "    weight: 0.6\n"
    "  - id: ge-oui\n"
    "    source: IEEE MA-L, GE HealthCare blocks\n"
    "    when: { oui.vendor: 'GE Healthcare*' }\n"
    "    vendor: GE HealthCare\n"
    "    weight: 0.5\n"
    "  - id: windows-smb\n"
    "    source: NTLM version fields of Windows hosts\n"
    "    when: { smb.dialect: '*' }\n"
    "    unless: { dicom.modality: '*' }\n"
    "    type: workstation_windows\n"
    "    weight: 0.7\n"
    "  - id: printer-ipp\n"
    "    source: IANA service name ipp\n"
    "    when: { service: 'tcp/631' }\n"
    "    type: printer\n"
    "    weight: 0.8\n";

static struct ident_rules *
load(void)
{
	char err[256];
	struct ident_rules *rs;

	rs = ident_rules_parse(rules_text, sizeof(rules_text) - 1, "t.yaml",
	    err, sizeof(err));
	if (rs == NULL)
		fail_msg("%s", err);
	assert_int_equal(ident_rules_count(rs), 5);
	return rs;
}

static void
test_agreeing_evidence_combines(void **state)
{
	struct ident_rules *rs = load();
	struct ident_verdict v;
	const struct ident_attr a[] = {
		{ "oui.vendor", "GE Healthcare" },
		{ "dicom.modality", "ct" },
		{ "dicom.manufacturer", "GE MEDICAL SYSTEMS" },
		{ "dicom.model", "Revolution EVO  " },
		{ "dicom.software_versions", "gmp_vct.42" },
		{ "smb.dialect", "3.1.1" },
	};

	(void)state;
	ident_eval(rs, a, sizeof(a) / sizeof(a[0]), &v);
	assert_string_equal(v.value[IDENT_TYPE], "ct");
	assert_true(v.conf[IDENT_TYPE] > 0.899 && v.conf[IDENT_TYPE] < 0.901);
	/* 1 - (1 - 0.6)(1 - 0.5) */
	assert_string_equal(v.value[IDENT_VENDOR], "GE HealthCare");
	assert_true(v.conf[IDENT_VENDOR] > 0.799 &&
	    v.conf[IDENT_VENDOR] < 0.801);
	/* Quoted, padding dropped; one rule of weight 0.6. */
	assert_string_equal(v.value[IDENT_MODEL], "Revolution EVO");
	assert_string_equal(v.value[IDENT_VERSION], "sw gmp_vct.42");
	/* "unless": a DICOM modality is no Windows workstation. */
	assert_int_equal(v.nev, 3);
	assert_string_equal(v.ev[0].rule, "dicom-ct");
	assert_string_equal(v.ev[0].key, "dicom.modality");
	assert_string_equal(v.ev[0].value, "ct");
	assert_true(v.ev[0].agrees[IDENT_TYPE]);
	assert_string_equal(v.ev[1].rule, "ge-dicom");
	assert_true(v.ev[1].agrees[IDENT_VENDOR]);
	assert_true(v.ev[1].agrees[IDENT_MODEL]);
	assert_string_equal(v.ev[2].source,
	    "IEEE MA-L, GE HealthCare blocks");
	ident_rules_free(rs);
}

/* Contradicting evidence lowers confidence below the threshold. */
static void
test_contradiction_stays_unknown(void **state)
{
	struct ident_rules *rs = load();
	struct ident_verdict v;
	const struct ident_attr a[] = {
		{ "smb.dialect", "2.1" },
		{ "service", "tcp/631" },
		{ "hostname", "ward-test" },
	};

	(void)state;
	ident_eval(rs, a, sizeof(a) / sizeof(a[0]), &v);
	/* printer 0.8 against windows 0.7: 0.8 * 0.3 = 0.24 < 0.5 */
	assert_string_equal(v.value[IDENT_TYPE], "");
	assert_true(v.conf[IDENT_TYPE] > 0.239 && v.conf[IDENT_TYPE] < 0.241);
	assert_int_equal(v.nev, 2);
	assert_false(v.ev[0].agrees[IDENT_TYPE]);
	assert_string_equal(v.value[IDENT_VENDOR], "");
	assert_true(v.conf[IDENT_VENDOR] == 0);
	ident_rules_free(rs);
}

static void
test_nothing_known(void **state)
{
	struct ident_rules *rs = load();
	struct ident_verdict v;
	const struct ident_attr a[] = { { "hostname", "x" },
		{ "no.such.key", "CT" } };

	(void)state;
	ident_eval(rs, a, 2, &v);
	for (int d = 0; d < IDENT_DIMS; d++)
		assert_string_equal(v.value[d], "");
	assert_int_equal(v.nev, 0);
	ident_eval(rs, NULL, 0, &v);
	assert_int_equal(v.nev, 0);
	ident_rules_free(rs);
}

/* Each bad file gives one message naming the file, line and key. */
/*
 * Plain, "prefix*" and "*middle*" patterns are matched without fnmatch:
 * they must agree with it (case-insensitive, whole value).
 */
static void
test_pattern_kinds(void **state)
{
	static const char text[] =
	    "version: 1\nrules:\n"
	    "  - { id: exact, source: s, when: { hostname: AbC }, "
	    "model: exact, weight: 0.9 }\n"
	    "  - { id: prefix, source: s, when: { hostname: 'pRe*' }, "
	    "vendor: prefix, weight: 0.9 }\n"
	    "  - { id: middle, source: s, when: { hostname: '*MiD*' }, "
	    "version: middle, weight: 0.9 }\n"
	    "  - { id: glob, source: s, when: { hostname: 'g?o[b]*' }, "
	    "type: printer, weight: 0.9 }\n";
	static const struct {
		const char	*value;
		bool		 fire[IDENT_DIMS];	/* type vendor model version */
	} cases[] = {
		{ "abc", { false, false, true, false } },
		{ "abcd", { false, false, false, false } },
		{ "xabc", { false, false, false, false } },
		{ "PREFIX", { false, true, false, false } },
		{ "xpre", { false, false, false, false } },
		{ "amidst", { false, false, false, true } },
		{ "mid", { false, false, false, true } },
		{ "mi", { false, false, false, false } },
		{ "GLOBAL", { true, false, false, false } },
		{ "gob", { false, false, false, false } },
		{ "premid", { false, true, false, true } },
	};
	struct ident_rules *rs;
	struct ident_verdict v;
	char err[256];

	(void)state;
	rs = ident_rules_parse(text, sizeof(text) - 1, "p.yaml", err,
	    sizeof(err));
	if (rs == NULL)
		fail_msg("%s", err);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ident_attr a = { "hostname", cases[i].value };

		ident_eval(rs, &a, 1, &v);
		for (int d = 0; d < IDENT_DIMS; d++)
			if ((v.value[d][0] != '\0') != cases[i].fire[d])
				fail_msg("%s: dimension %d", cases[i].value, d);
	}
	ident_rules_free(rs);
}

static void
test_bad_files(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} bad[] = {
		{ "rules: []\n", "b.yaml:1: no 'version'" },
		{ "version: 2\nrules: []\n", "b.yaml:1: 'version' must be 1" },
		{ "version: 1\nrule: []\n",
		    "b.yaml:2: unknown top-level key 'rule'" },
		{ "version: 1\nrules: {}\n",
		    "b.yaml:2: 'rules' must be a list of rules" },
		{ "version: 1\nrules:\n  - id: a\n    source: s\n"
		    "    when: { dicom.modality: CT }\n    type: ct\n"
		    "    weight: 1.5\n",
		    "b.yaml:7: rule 'a': 'weight' must be a number above 0 "
		    "and at most 1" },
		{ "version: 1\nrules:\n  - id: a\n    source: s\n"
		    "    when: { dicom.modalty: CT }\n    type: ct\n"
		    "    weight: 0.5\n",
		    "b.yaml:5: rule 'a': 'when' names an unknown attribute "
		    "'dicom.modalty'" },
		{ "version: 1\nrules:\n  - id: a\n    source: s\n"
		    "    when: { dicom.modality: CT }\n    type: scanner\n"
		    "    weight: 0.5\n",
		    "b.yaml:6: rule 'a': unknown device type 'scanner'" },
		{ "version: 1\nrules:\n  - id: a\n"
		    "    when: { dicom.modality: CT }\n    type: ct\n"
		    "    weight: 0.5\n",
		    "b.yaml:3: rule 'a': no 'source'" },
		{ "version: 1\nrules:\n  - id: a\n    source: s\n"
		    "    when: { dicom.modality: CT }\n    model: '{dicom.mdl}'\n"
		    "    weight: 0.5\n",
		    "b.yaml:6: rule 'a': 'model' quotes '{dicom.mdl}', which "
		    "is not an attribute key" },
		{ "version: 1\nrules:\n  - id: a\n    source: s\n"
		    "    when: { dicom.modality: CT }\n    type: ct\n"
		    "    weight: 0.5\n  - id: a\n    source: s\n"
		    "    when: { dicom.modality: MR }\n    type: mri\n"
		    "    weight: 0.5\n",
		    "b.yaml:8: rule id 'a' is already used on line 3" },
		{ "version: 1\nrules:\n  - id: a\n    source: s\n"
		    "    when: { dicom.modality: CT }\n    weight: 0.5\n",
		    "b.yaml:3: rule 'a': asserts none of type, vendor, model, "
		    "version" },
		{ "version: 1\nrules:\n  - id: a\n    source: s\n"
		    "    when: { dicom.modality: [] }\n    type: ct\n"
		    "    weight: 0.5\n",
		    "b.yaml:5: rule 'a': 'when: dicom.modality' wants 1 to 64 "
		    "patterns" },
		{ "version: 1\nrules:\n  - id: a\n    source: s\n"
		    "    when: { dicom.modality: CT }\n    type: ct\n"
		    "    weight: 0.5\n    colour: red\n",
		    "b.yaml:8: rule 'a': unknown key 'colour'" },
		{ "version: 1\nrules:\n  - source: s\n", "b.yaml:3: rule "
		    "without an 'id'" },
		{ "version: 1\nrules:\n  - id: a\n    source: s\n"
		    "    source: t\n    when: { dicom.modality: CT }\n"
		    "    type: ct\n    weight: 0.5\n",
		    "b.yaml:5: rule 'a': 'source' given twice" },
		{ "version: 1\nrules:\n  - id: a\n    id: b\n",
		    "b.yaml:4: rule 'a': 'id' given twice" },
		{ "version: 1\nrules:\n  - id: a\n    source: s\n"
		    "    when: { dicom.modality: CT }\n    type: ct\n"
		    "    type: mri\n    weight: 0.5\n",
		    "b.yaml:7: rule 'a': 'type' given twice" },
		{ "version: 1\nrules: [\n", "b.yaml:" },
	};
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_null(ident_rules_parse(bad[i].text, strlen(bad[i].text),
		    "b.yaml", err, sizeof(err)));
		if (strncmp(err, bad[i].want, strlen(bad[i].want)) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s...\"", i, err,
			    bad[i].want);
	}
	assert_null(ident_rules_load("/nonexistent/ward-rules.yaml", err,
	    sizeof(err)));
	assert_string_equal(err,
	    "/nonexistent/ward-rules.yaml: No such file or directory");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agreeing_evidence_combines),
		cmocka_unit_test(test_contradiction_stays_unknown),
		cmocka_unit_test(test_nothing_known),
		cmocka_unit_test(test_pattern_kinds),
		cmocka_unit_test(test_bad_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
