/*
 * test_proto_nbns.c - NetBIOS name service messages and browser host
 * announcements built byte by byte, and what they give.
 */
#include "proto_test.h"

/* RFC 1001 section 14.1: first-level encoding of name<suffix>. */
static void
nb_encode(struct msg *m, const char *name, unsigned int suffix)
{
	uint8_t raw[16];
	size_t len = strlen(name);

	memset(raw, ' ', 15);
	memcpy(raw, name, len);
	raw[15] = (uint8_t)suffix;
	put8(m, 32);
	for (int i = 0; i < 16; i++) {
		put8(m, 'A' + (raw[i] >> 4));
		put8(m, 'A' + (raw[i] & 15));
	}
	put8(m, 0);
}

static void
nb_header(struct msg *m, unsigned int flags, unsigned int qd,
    unsigned int an, unsigned int ns, unsigned int ar)
{
	put16(m, 0x4242);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, ns);
	put16(m, ar);
}

static void
test_query(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };
	const struct observation *o;

	(void)state;
	fixture_init(&fx, "10.0.0.7", "10.0.0.255", 137, 137, IPPROTO_UDP_);
	nb_header(&m, 0x0110, 1, 0, 0, 0);
	nb_encode(&m, "WS-042", 0x20);
	put16(&m, 0x20);
	put16(&m, 1);
	assert_true(dissector_nbns.probe(m.b, m.n, 0));
	run_datagram(&fx, &dissector_nbns, &m);

	assert_int_equal(fx.col->n, 1);
	o = nth(&fx, OBS_NBNS, 0);
	/* The name asked for is not the sender's: "query", not "name". */
	assert_str(o, "query", "WS-042");
	assert_null(obs_get(o, "name"));
	assert_int_equal(get_u64(o, "suffix"), 0x20);
	assert_int_equal(get_u64(o, "opcode"), 0);
	assert_false(get_bool(o, "response"));
	assert_null(obs_get(o, "addr"));
	assert_subject_ip(o, "10.0.0.7");
	fixture_free(&fx);
}

static void
test_positive_response(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };
	const struct observation *o;

	(void)state;
	fixture_init(&fx, "10.0.0.5", "10.0.0.7", 137, 137, IPPROTO_UDP_);
	nb_header(&m, 0x8500, 0, 1, 0, 0);
	nb_encode(&m, "WS-042", 0x00);
	put16(&m, 0x20);
	put16(&m, 1);
	put32(&m, 300000);
	put16(&m, 12);
	put16(&m, 0x0000);
	put32(&m, 0x0a000005);
	put16(&m, 0x8000);
	put32(&m, 0x0a000006);
	run_datagram(&fx, &dissector_nbns, &m);

	assert_int_equal(malform_total(&fx.mal), 0);
	assert_int_equal(count_kind(&fx, OBS_NBNS), 2);
	o = nth(&fx, OBS_NBNS, 0);
	assert_str(o, "name", "WS-042");
	assert_int_equal(get_u64(o, "suffix"), 0);
	assert_true(get_bool(o, "response"));
	assert_false(get_bool(o, "group"));
	assert_addr(o, "addr", "10.0.0.5");
	assert_subject_ip(o, "10.0.0.5");
	assert_true(o->has_mac);
	o = nth(&fx, OBS_NBNS, 1);
	assert_true(get_bool(o, "group"));
	assert_subject_ip(o, "10.0.0.6");
	assert_false(o->has_mac);
	fixture_free(&fx);
}

static void
test_registration(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };
	const struct observation *o;

	(void)state;
	fixture_init(&fx, "10.0.0.7", "10.0.0.255", 137, 137, IPPROTO_UDP_);
	nb_header(&m, 0x2910, 1, 0, 0, 1);
	nb_encode(&m, "HOSPITAL", 0x1e);
	put16(&m, 0x20);
	put16(&m, 1);
	put16(&m, 0xc00c);
	put16(&m, 0x20);
	put16(&m, 1);
	put32(&m, 300000);
	put16(&m, 6);
	put16(&m, 0x8000);
	put32(&m, 0x0a000007);
	run_datagram(&fx, &dissector_nbns, &m);

	/* The question is not reported twice: only the NB record. */
	assert_int_equal(fx.col->n, 1);
	o = nth(&fx, OBS_NBNS, 0);
	assert_str(o, "name", "HOSPITAL");
	assert_int_equal(get_u64(o, "suffix"), 0x1e);
	assert_int_equal(get_u64(o, "opcode"), 5);
	assert_false(get_bool(o, "response"));
	assert_true(get_bool(o, "group"));
	assert_addr(o, "addr", "10.0.0.7");
	assert_true(o->has_mac);
	fixture_free(&fx);
}

static void
put_raw_name(struct msg *m, const char *name, unsigned int suffix,
    unsigned int flags)
{
	uint8_t raw[16];

	memset(raw, ' ', 15);
	memcpy(raw, name, strlen(name));
	raw[15] = (uint8_t)suffix;
	putbytes(m, raw, 16);
	put16(m, flags);
}

static void
test_node_status(void **state)
{
	static const uint8_t unit[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	struct fixture fx;
	struct msg m = { .n = 0 };
	const struct observation *o;
	const struct obs_field *f;
	uint8_t star[16] = { '*' };
	size_t rdlen_at;

	(void)state;
	fixture_init(&fx, "10.0.0.5", "10.0.0.7", 137, 137, IPPROTO_UDP_);
	nb_header(&m, 0x8400, 0, 1, 0, 0);
	put8(&m, 32);
	for (int i = 0; i < 16; i++) {
		put8(&m, 'A' + (star[i] >> 4));
		put8(&m, 'A' + (star[i] & 15));
	}
	put8(&m, 0);
	put16(&m, 0x21);
	put16(&m, 1);
	put32(&m, 0);
	rdlen_at = m.n;
	put16(&m, 0);
	put8(&m, 3);
	put_raw_name(&m, "WS-042", 0x00, 0x0400);
	put_raw_name(&m, "HOSPITAL", 0x00, 0x8400);
	put_raw_name(&m, "WS-042", 0x20, 0x0400);
	putbytes(&m, unit, 6);
	putzero(&m, 40);
	m.b[rdlen_at] = (uint8_t)((m.n - rdlen_at - 2) >> 8);
	m.b[rdlen_at + 1] = (uint8_t)(m.n - rdlen_at - 2);
	run_datagram(&fx, &dissector_nbns, &m);

	assert_int_equal(malform_total(&fx.mal), 0);
	assert_int_equal(count_kind(&fx, OBS_NBNS), 3);
	o = nth(&fx, OBS_NBNS, 1);
	assert_str(o, "name", "HOSPITAL");
	assert_true(get_bool(o, "group"));
	assert_int_equal(get_u64(o, "rrtype"), 0x21);
	f = obs_get(o, "unit_id");
	assert_non_null(f);
	assert_memory_equal(f->v.mac, unit, 6);
	assert_subject_ip(o, "10.0.0.5");
	o = nth(&fx, OBS_NBNS, 2);
	assert_int_equal(get_u64(o, "suffix"), 0x20);
	assert_false(get_bool(o, "group"));
	fixture_free(&fx);
}

static void
test_malformed(void **state)
{
	struct fixture fx;
	struct msg m;

	(void)state;
	/* A 31-byte first label. */
	fixture_init(&fx, "10.0.0.7", "10.0.0.255", 137, 137, IPPROTO_UDP_);
	m.n = 0;
	nb_header(&m, 0x0110, 1, 0, 0, 0);
	put8(&m, 31);
	for (int i = 0; i < 31; i++)
		put8(&m, 'A');
	put8(&m, 0);
	put16(&m, 0x20);
	put16(&m, 1);
	run_datagram(&fx, &dissector_nbns, &m);
	assert_malformed(&fx, MAL_NBNS_BAD_NAME, 1);
	fixture_free(&fx);

	/* A character outside 'A'..'P'. */
	fixture_init(&fx, "10.0.0.7", "10.0.0.255", 137, 137, IPPROTO_UDP_);
	m.n = 0;
	nb_header(&m, 0x0110, 1, 0, 0, 0);
	nb_encode(&m, "WS-042", 0x20);
	put16(&m, 0x20);
	put16(&m, 1);
	m.b[15] = 'Z';
	run_datagram(&fx, &dissector_nbns, &m);
	assert_malformed(&fx, MAL_NBNS_BAD_NAME, 1);
	assert_int_equal(count_kind(&fx, OBS_NBNS), 0);
	fixture_free(&fx);

	/* NB data of 7 bytes. */
	fixture_init(&fx, "10.0.0.5", "10.0.0.7", 137, 137, IPPROTO_UDP_);
	m.n = 0;
	nb_header(&m, 0x8500, 0, 1, 0, 0);
	nb_encode(&m, "WS-042", 0x00);
	put16(&m, 0x20);
	put16(&m, 1);
	put32(&m, 0);
	put16(&m, 7);
	putzero(&m, 7);
	run_datagram(&fx, &dissector_nbns, &m);
	assert_malformed(&fx, MAL_NBNS_BAD_RECORD, 1);
	fixture_free(&fx);

	/* The header alone is short. */
	fixture_init(&fx, "10.0.0.5", "10.0.0.7", 137, 137, IPPROTO_UDP_);
	m.n = 5;
	run_datagram(&fx, &dissector_nbns, &m);
	assert_malformed(&fx, MAL_NBNS_TRUNCATED, 1);
	fixture_free(&fx);

	/* Every prefix of a registration is cut somewhere. */
	m.n = 0;
	nb_header(&m, 0x2910, 1, 0, 0, 1);
	nb_encode(&m, "HOSPITAL", 0x1e);
	put16(&m, 0x20);
	put16(&m, 1);
	put16(&m, 0xc00c);
	put16(&m, 0x20);
	put16(&m, 1);
	put32(&m, 300000);
	put16(&m, 6);
	put16(&m, 0x8000);
	put32(&m, 0x0a000007);
	assert_int_equal(run_prefixes(&dissector_nbns, &m, "10.0.0.7",
	    "10.0.0.255", 137, 137), m.n);
}

/* A browser Host Announcement in a NetBIOS datagram. */
static void
host_announcement(struct msg *m)
{
	static const uint8_t smb_magic[4] = { 0xff, 'S', 'M', 'B' };
	static const char slot[] = "\\MAILSLOT\\BROWSE";
	struct msg d = { .n = 0 };
	uint8_t name[16] = "WS-042";
	size_t smb;

	/* The announcement ([MS-BRWS] 2.2.1), little-endian fields. */
	put8(&d, 0x01);
	put8(&d, 0);
	putbytes(&d, "\x80\xfc\x0a\x00", 4);
	putbytes(&d, name, 16);
	put8(&d, 10);
	put8(&d, 0);
	putbytes(&d, "\x03\x10\x01\x00", 4);
	put8(&d, 15);
	put8(&d, 1);
	putbytes(&d, "\x55\xaa", 2);
	putbytes(&d, "Nurse station", 14);

	put8(m, 0x11);
	put8(m, 0x02);
	put16(m, 0x1234);
	put32(m, 0x0a000005);
	put16(m, 138);
	put16(m, 0);
	put16(m, 0);
	nb_encode(m, "WS-042", 0x00);
	nb_encode(m, "HOSPITAL", 0x1d);
	smb = m->n;
	putbytes(m, smb_magic, 4);
	put8(m, 0x25);
	putzero(m, 27);
	put8(m, 17);
	/* Words, little-endian: counts, then DataCount and DataOffset. */
	put8(m, 0); put8(m, 0);
	put8(m, (unsigned int)d.n); put8(m, 0);
	putzero(m, 4 + 2 + 2 + 4 + 2 + 2);
	put8(m, 86); put8(m, 0);		/* ParameterOffset */
	put8(m, (unsigned int)d.n); put8(m, 0);
	put8(m, 86); put8(m, 0);		/* DataOffset */
	put8(m, 3); put8(m, 0);
	put8(m, 1); put8(m, 0);
	put8(m, 1); put8(m, 0);
	put8(m, 2); put8(m, 0);
	put8(m, (unsigned int)(sizeof(slot) + d.n)); put8(m, 0);
	putbytes(m, slot, sizeof(slot));
	assert_int_equal(m->n - smb, 86);
	putbytes(m, d.b, d.n);
}

static void
test_host_announcement(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };
	const struct observation *o;

	(void)state;
	fixture_init(&fx, "10.0.0.5", "10.0.0.255", 138, 138, IPPROTO_UDP_);
	host_announcement(&m);
	assert_true(dissector_nbdgm.probe(m.b, m.n, 0));
	run_datagram(&fx, &dissector_nbdgm, &m);

	assert_int_equal(malform_total(&fx.mal), 0);
	assert_int_equal(fx.col->n, 1);
	o = nth(&fx, OBS_NBNS, 0);
	assert_str(o, "name", "WS-042");
	assert_int_equal(get_u64(o, "suffix"), 0x20);
	assert_true(get_bool(o, "announce"));
	assert_int_equal(get_u64(o, "os_major"), 10);
	assert_int_equal(get_u64(o, "os_minor"), 0);
	assert_int_equal(get_u64(o, "server_type"), 0x00011003);
	assert_str(o, "comment", "Nurse station");
	assert_str(o, "workgroup", "HOSPITAL");
	assert_subject_ip(o, "10.0.0.5");
	assert_true(o->has_mac);
	fixture_free(&fx);

	/* No crash on any prefix. */
	(void)run_prefixes(&dissector_nbdgm, &m, "10.0.0.5", "10.0.0.255",
	    138, 138);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_positive_response),
		cmocka_unit_test(test_registration),
		cmocka_unit_test(test_node_status),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_host_announcement),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
