/*
 * test_proto_dicomfile.c - the Part 10 checker through its API and the
 * dicom-file TCP dissector: every preamble kind, files fed byte by byte,
 * multipart bodies, bodies too short, a bad meta group.
 */
#include "stream_test.h"

static const struct observation *
check_file(struct fixture *fx, const struct msg *m, size_t step,
    const char *ctype)
{
	struct dicomfile *df = calloc(1, sizeof(*df));

	assert_non_null(df);
	proto_dicomfile_begin(df, "smb", (const uint8_t *)ctype,
	    ctype != NULL ? strlen(ctype) : 0);
	for (size_t off = 0; off < m->n; off += step)
		proto_dicomfile_feed(&fx->ctx, df, m->b + off,
		    m->n - off < step ? m->n - off : step);
	proto_dicomfile_end(&fx->ctx, df);
	free(df);
	return nth(fx, OBS_DICOM_FILE, 0);
}

static void
test_kinds(void **state)
{
	static const struct {
		const char *kind;
		bool exe;
	} k[] = { { "zero", false }, { "pe", true }, { "mz", true },
		  { "elf", true }, { "macho", true }, { "text", false },
		  { "tiff", false } };

	(void)state;
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		for (size_t step = 1; step < 700; step += 97) {
			struct fixture fx;
			struct msg m;
			const struct observation *o;

			memset(&m, 0, sizeof(m));
			put_part10(&m, k[i].kind);
			fixture_init(&fx, "10.0.0.1", "10.0.0.2", 445, 50000,
			    IPPROTO_TCP_);
			o = check_file(&fx, &m, step, NULL);
			assert_non_null(o);
			assert_str(o, "carrier", "smb");
			assert_str(o, "preamble", k[i].kind);
			assert_int_equal(get_bool(o, "cve_2019_11687"),
			    k[i].exe);
			assert_str(o, "sop_class", SOP_CT);
			assert_str(o, "transfer_syntax", TS_EXPLICIT);
			assert_str(o, "impl_class_uid", "1.2.276.0.7230010.3");
			assert_int_equal(obs_get(o, "preamble_head") != NULL,
			    strcmp(k[i].kind, "zero") != 0);
			assert_int_equal(count_kind(&fx, OBS_DICOM_FILE), 1);
			assert_int_equal(malform_total(&fx.mal), 0);
			fixture_free(&fx);
		}
	}
}

static void
test_not_part10(void **state)
{
	struct fixture fx;
	struct msg m;

	(void)state;
	memset(&m, 0, sizeof(m));
	put_part10(&m, "zero");
	m.b[129] = 'X';
	fixture_init(&fx, "10.0.0.1", "10.0.0.2", 80, 50000, IPPROTO_TCP_);
	assert_null(check_file(&fx, &m, 5, NULL));
	/* Too short for the magic. */
	m.n = 131;
	assert_null(check_file(&fx, &m, 1, NULL));
	assert_int_equal(malform_total(&fx.mal), 0);
	fixture_free(&fx);
}

static void
test_bad_meta(void **state)
{
	struct fixture fx;
	struct msg m;
	const struct observation *o;

	(void)state;
	memset(&m, 0, sizeof(m));
	put_part10(&m, "zero");
	/* The VR of the first element becomes two digits. */
	m.b[136] = '1';
	m.b[137] = '2';
	fixture_init(&fx, "10.0.0.1", "10.0.0.2", 80, 50000, IPPROTO_TCP_);
	o = check_file(&fx, &m, 64, NULL);
	assert_non_null(o);
	assert_null(obs_get(o, "sop_class"));
	assert_malformed(&fx, MAL_DICOMFILE_BAD_META, 1);
	fixture_free(&fx);
}

static void
test_multipart(void **state)
{
	struct fixture fx;
	struct msg m;

	(void)state;
	memset(&m, 0, sizeof(m));
	/* Preamble text, a JSON part, a short part, a PE file, epilogue. */
	putbytes(&m, "ignored preamble\r\n--b\r\n", 23);
	putbytes(&m, "Content-Type: application/json\r\n\r\n{}\r\n--b   \r\n", 46);
	putbytes(&m, "\r\nshort\r\n--b\r\n\r\n", 16);
	put_part10(&m, "pe");
	putbytes(&m, "\r\n--b--\r\nepilogue --b\r\n\r\n", 25);
	for (size_t step = 1; step < 50; step += 7) {
		fixture_init(&fx, "10.0.0.1", "10.0.0.2", 80, 50000,
		    IPPROTO_TCP_);
		check_file(&fx, &m, step,
		    "multipart/related; boundary=\"b\"; type=application/dicom");
		assert_int_equal(count_kind(&fx, OBS_DICOM_FILE), 1);
		assert_int_equal(get_u64(nth(&fx, OBS_DICOM_FILE, 0), "part"),
		    3);
		assert_str(nth(&fx, OBS_DICOM_FILE, 0), "preamble", "pe");
		fixture_free(&fx);
	}
}

static void
test_tcp_dissector(void **state)
{
	struct sess s;
	struct msg m;

	(void)state;
	memset(&m, 0, sizeof(m));
	put_part10(&m, "elf");
	assert_true(dissector_dicomfile.probe(m.b, m.n, 0));
	assert_false(dissector_dicomfile.probe(m.b, 131, 0));
	sess_init(&s, &dissector_dicomfile, 20);
	s.cport = 20;
	s.sport = 40001;
	sess_send(&s, 0, m.b, 300, 0);
	assert_int_equal(count_kind(&s.fx, OBS_DICOM_FILE), 0);
	sess_end(&s);
	assert_int_equal(count_kind(&s.fx, OBS_DICOM_FILE), 1);
	assert_str(nth(&s.fx, OBS_DICOM_FILE, 0), "carrier", "ftp");
	assert_str(nth(&s.fx, OBS_DICOM_FILE, 0), "preamble", "elf");
	sess_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_not_part10),
		cmocka_unit_test(test_bad_meta),
		cmocka_unit_test(test_multipart),
		cmocka_unit_test(test_tcp_dissector),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
