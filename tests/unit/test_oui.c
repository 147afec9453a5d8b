/*
 * test_oui.c - the IEEE registry loader: longest prefix wins, quoted
 * fields (with commas and line breaks), clear errors for bad files, and
 * the real Debian ieee-data files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ward-config.h"
#include "ward/addr.h"
#include "ward/oui.h"

static char dir[] = "/tmp/ward-oui-XXXXXX";

static void
write_file(const char *name, const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
remove_files(void)
{
	static const char *const names[] = { "oui.csv", "mam.csv",
		"oui36.csv", "iab.csv" };
	char path[256];

	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
}

static int
setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	remove_files();
	rmdir(dir);
	return 0;
}

static void
test_longest_prefix_and_quotes(void **state)
{
	uint8_t m[6];
	struct oui_db *db;
	char err[256];

	(void)state;
	write_file("oui.csv", "Registry,Assignment,Organization Name,"
	    "Organization Address\r\n"
	    "MA-L,70B3D5,IEEE Registration Authority,445 Hoes Lane\r\n"
	    "MA-L,0009FB,Philips Patient Monitoring,\"Hewlett-Packard Strasse"
	    " 2\r\nBoeblingen  DE 71034 \"\r\n"
	    "MA-L,000D5D,\"Raritan Computer, Inc\",400 Cottontail Lane\r\n");
	write_file("mam.csv", "Registry,Assignment,Organization Name,"
	    "Organization Address\n"
	    "MA-M,70B3D51,Block Holder M,addr\n");
	write_file("oui36.csv", "Registry,Assignment,Organization Name,"
	    "Organization Address\n"
	    "MA-S,70B3D5F2F,Tiny Block,\"a, b\"\n");
	db = oui_load(dir, err, sizeof(err));
	assert_non_null(db);
	assert_int_equal(oui_count(db), 5);

	assert_int_equal(mac_parse("00:09:fb:01:02:03", m), 0);
	assert_string_equal(oui_lookup(db, m), "Philips Patient Monitoring");
	assert_string_equal(oui_lookup_registry(db, m), "MA-L");
	assert_int_equal(mac_parse("00:0d:5d:01:02:03", m), 0);
	assert_string_equal(oui_lookup(db, m), "Raritan Computer, Inc");
	/* 70:b3:d5:f2:f0:01 is in the 36-bit block. */
	assert_int_equal(mac_parse("70:b3:d5:f2:f0:01", m), 0);
	assert_string_equal(oui_lookup(db, m), "Tiny Block");
	assert_string_equal(oui_lookup_registry(db, m), "MA-S");
	/* 70:b3:d5:1x is in the 28-bit block. */
	assert_int_equal(mac_parse("70:b3:d5:1a:00:01", m), 0);
	assert_string_equal(oui_lookup(db, m), "Block Holder M");
	/* Elsewhere in 70:b3:d5 only the 24-bit owner matches. */
	assert_int_equal(mac_parse("70:b3:d5:99:00:01", m), 0);
	assert_string_equal(oui_lookup(db, m), "IEEE Registration Authority");
	assert_int_equal(mac_parse("02:00:00:00:00:01", m), 0);
	assert_null(oui_lookup(db, m));
	oui_free(db);
	remove_files();
}

static void
test_errors_name_file_and_line(void **state)
{
	struct oui_db *db;
	char err[256];

	(void)state;
	write_file("oui.csv", "Registry,Assignment,Organization Name,x\n"
	    "MA-L,00000C,Cisco,addr\n"
	    "MA-L,XYZ123,Bad,addr\n");
	db = oui_load(dir, err, sizeof(err));
	assert_null(db);
	assert_non_null(strstr(err, "oui.csv:3"));
	assert_non_null(strstr(err, "hex"));

	write_file("oui.csv", "MA-Q,00000C,Cisco,addr\n");
	assert_null(oui_load(dir, err, sizeof(err)));
	assert_non_null(strstr(err, "oui.csv:1: unknown registry"));

	write_file("oui.csv", "MA-L,00000C,\"Cisco,addr\n");
	assert_null(oui_load(dir, err, sizeof(err)));
	assert_non_null(strstr(err, "unterminated"));
	remove_files();

	assert_null(oui_load(dir, err, sizeof(err)));
	assert_non_null(strstr(err, "ieee-data"));
}

static void
test_debian_ieee_data(void **state)
{
	struct oui_db *db;
	uint8_t m[6];
	char err[256];

	(void)state;
	if (access(WARD_OUI_DIR "/oui.csv", R_OK) != 0)
		skip();
	db = oui_load(WARD_OUI_DIR, err, sizeof(err));
	if (db == NULL)
		fail_msg("%s", err);
	assert_true(oui_count(db) > 40000);
	/* The first MA-L block ever assigned. */
	assert_int_equal(mac_parse("00:00:0c:00:00:01", m), 0);
	assert_non_null(strstr(oui_lookup(db, m), "Cisco"));
	oui_free(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_longest_prefix_and_quotes),
		cmocka_unit_test(test_errors_name_file_and_line),
		cmocka_unit_test(test_debian_ieee_data),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
