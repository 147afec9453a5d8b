/*
 * test_proto_bacnet.c - BACnet/IP Who-Is, I-Am, ReadProperty and its ACK,
 * network layer messages and forwarded NPDUs, built byte by byte; and
 * every malformation.
 */
#include "wire_test.h"

/* BVLC around an NPDU (with its version and control bytes). */
static void
bvlc(struct msg *m, unsigned int func, const struct msg *npdu)
{
	put8(m, 0x81);
	put8(m, func);
	put16(m, (unsigned int)(4 + npdu->n));
	putbytes(m, npdu->b, npdu->n);
}

static const struct observation *
run(struct fixture *fx, const struct msg *m)
{
	run_datagram(fx, &dissector_bacnet, m);
	return nth(fx, OBS_BACNET, count_kind(fx, OBS_BACNET) - 1);
}

static void
test_who_is_i_am(void **state)
{
	struct fixture fx;
	struct msg n = { .n = 0 }, m = { .n = 0 };
	const struct observation *o;

	(void)state;
	putbytes(&n, "\x01\x20\xff\xff\x00\xff", 6);	/* DNET 65535 */
	putbytes(&n, "\x10\x08\x09\x64\x1a\x27\x10", 7); /* 100..10000 */
	bvlc(&m, 0x0b, &n);
	assert_true(dissector_bacnet.probe(m.b, m.n, 0));
	fixture_init(&fx, "10.0.0.5", "10.0.0.255", 47808, 47808,
	    IPPROTO_UDP_);
	o = run(&fx, &m);
	assert_str(o, "bvlc", "original_broadcast_npdu");
	assert_int_equal(get_u64(o, "dnet"), 65535);
	assert_str(o, "apdu", "unconfirmed_request");
	assert_str(o, "service_name", "who_is");
	assert_int_equal(get_u64(o, "low_limit"), 100);
	assert_int_equal(get_u64(o, "high_limit"), 10000);
	n.n = m.n = 0;
	putbytes(&n, "\x01\x00", 2);
	/* I-Am device 1234, max APDU 1476, segmentation both (0),
	 * vendor 5. */
	putbytes(&n, "\x10\x00\xc4\x02\x00\x04\xd2\x22\x05\xc4\x91\x00"
	    "\x21\x05", 14);
	bvlc(&m, 0x0b, &n);
	o = run(&fx, &m);
	assert_int_equal(get_u64(o, "device_instance"), 1234);
	assert_int_equal(get_u64(o, "object_type"), 8);
	assert_int_equal(get_u64(o, "max_apdu"), 1476);
	assert_int_equal(get_u64(o, "segmentation"), 0);
	assert_str(o, "segmentation_name", "both");
	assert_int_equal(get_u64(o, "vendor_id"), 5);
	assert_str(o, "vendor", "Johnson Controls, Inc.");
	assert_malformed(&fx, MAL_BACNET_BAD_APDU, 0);
	fixture_free(&fx);
}

static void
test_read_property(void **state)
{
	struct fixture fx;
	struct msg n = { .n = 0 }, m = { .n = 0 };
	const struct observation *o;

	(void)state;
	fixture_init(&fx, "10.0.0.5", "10.0.0.9", 47808, 47808,
	    IPPROTO_UDP_);
	/* ReadProperty(device 1234, model-name). */
	putbytes(&n, "\x01\x04\x00\x05\x07\x0c", 6);
	putbytes(&n, "\x0c\x02\x00\x04\xd2\x19\x46", 7);
	bvlc(&m, 0x0a, &n);
	o = run(&fx, &m);
	assert_str(o, "apdu", "confirmed_request");
	assert_str(o, "service_name", "read_property");
	assert_int_equal(get_u64(o, "invoke_id"), 7);
	assert_int_equal(get_u64(o, "property"), 70);
	assert_int_equal(get_u64(o, "object_instance"), 1234);
	/* ComplexACK with model-name "AHU-Ctl 3", from a router (SNET). */
	n.n = m.n = 0;
	putbytes(&n, "\x01\x08\x00\x02\x01\x07", 6);
	putbytes(&n, "\x30\x07\x0c", 3);
	putbytes(&n, "\x0c\x02\x00\x04\xd2\x19\x46\x3e\x75\x0a\x00", 11);
	putstr(&n, "AHU-Ctl 3");
	put8(&n, 0x3f);
	bvlc(&m, 0x0a, &n);
	o = run(&fx, &m);
	assert_str(o, "apdu", "complex_ack");
	assert_int_equal(get_u64(o, "snet"), 2);
	assert_str(o, "model_name", "AHU-Ctl 3");
	/* vendor-identifier and an extended-length object-name. */
	n.n = m.n = 0;
	putbytes(&n, "\x01\x00\x30\x08\x0c\x0c\x02\x00\x04\xd2\x19\x78\x3e"
	    "\x22\x01\x04\x3f", 17);
	bvlc(&m, 0x0a, &n);
	o = run(&fx, &m);
	assert_int_equal(get_u64(o, "vendor_id"), 260);
	assert_str(o, "vendor", "BACnet Stack at SourceForge");
	n.n = m.n = 0;
	putbytes(&n, "\x01\x00\x30\x09\x0c\x0c\x02\x00\x04\xd2\x19\x4d\x3e"
	    "\x75\x0b\x00", 16);
	putstr(&n, "Ward-Room1");
	put8(&n, 0x3f);
	bvlc(&m, 0x0a, &n);
	o = run(&fx, &m);
	assert_str(o, "object_name", "Ward-Room1");
	assert_malformed(&fx, MAL_BACNET_BAD_APDU, 0);
	fixture_free(&fx);
}

/* A ReadProperty-ACK of device 1234's property prop holding string s. */
static void
ack_string(struct msg *m, unsigned int prop, const void *s, size_t len)
{
	struct msg n = { .n = 0 };

	m->n = 0;
	putbytes(&n, "\x01\x00\x30\x0a\x0c\x0c\x02\x00\x04\xd2\x19", 11);
	put8(&n, prop);
	putbytes(&n, "\x3e\x75", 2);
	put8(&n, (unsigned int)len);
	putbytes(&n, s, len);
	put8(&n, 0x3f);
	bvlc(m, 0x0a, &n);
}

/*
 * Clause 20.2.9: ISO 8859-1, UCS-2 and UCS-4 strings come out as UTF-8
 * (node-bacnet's ISO 8859-1 location and UCS-2 description were reported
 * as raw Latin-1 bytes and as '?' for every non-ASCII character).
 */
static void
test_char_sets(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };
	const struct observation *o;

	(void)state;
	fixture_init(&fx, "10.0.0.5", "10.0.0.9", 47808, 47808,
	    IPPROTO_UDP_);
	ack_string(&m, 58, "\x05" "B\xe2timent B", 11);
	o = run(&fx, &m);
	assert_str(o, "location", "B\\xc3\\xa2timent B");
	/* UCS-2 "Op\u00e9ra \u2126" and a lone surrogate. */
	ack_string(&m, 28, "\x04\x00O\x00p\x00\xe9\x00r\x00" "a\x00 \x21\x26"
	    "\xd8\x00", 17);
	o = run(&fx, &m);
	assert_str(o, "description",
	    "Op\\xc3\\xa9ra \\xe2\\x84\\xa6?");
	/* UCS-4 U+1F3E5 (hospital) and one past U+10FFFF. */
	ack_string(&m, 77, "\x03\x00\x00\x00W\x00\x01\xf3\xe5"
	    "\x00\x11\x00\x00", 13);
	o = run(&fx, &m);
	assert_str(o, "object_name", "W\\xf0\\x9f\\x8f\\xa5?");
	/* UTF-8 is kept as it is. */
	ack_string(&m, 70, "\x00" "\xc3\xa9", 3);
	o = run(&fx, &m);
	assert_str(o, "model_name", "\\xc3\\xa9");
	assert_malformed(&fx, MAL_BACNET_BAD_APDU, 0);
	fixture_free(&fx);
}

static void
test_forwarded_and_network(void **state)
{
	struct fixture fx;
	struct msg n = { .n = 0 }, m = { .n = 0 };
	const struct observation *o;

	(void)state;
	fixture_init(&fx, "10.0.0.1", "10.0.0.255", 47808, 47808,
	    IPPROTO_UDP_);
	put8(&m, 0x81);
	put8(&m, 0x04);
	put16(&m, 4 + 6 + 4);
	putbytes(&m, "\x0a\x00\x01\x07\xba\xc0", 6);
	putbytes(&m, "\x01\x00\x10\x08", 4);
	o = run(&fx, &m);
	assert_subject_ip(o, "10.0.1.7");
	assert_addr(o, "origin", "10.0.1.7");
	assert_str(o, "service_name", "who_is");
	/* I-Am-Router-To-Network. */
	putbytes(&n, "\x01\x80\x01\x00\x02", 5);
	m.n = 0;
	bvlc(&m, 0x0b, &n);
	o = run(&fx, &m);
	assert_int_equal(get_u64(o, "network_message"), 1);
	/* BVLC-Result: no NPDU. */
	m.n = 0;
	putbytes(&m, "\x81\x00\x00\x06\x00\x00", 6);
	o = run(&fx, &m);
	assert_str(o, "bvlc", "result");
	assert_malformed(&fx, MAL_BACNET_BAD_NPDU, 0);
	fixture_free(&fx);
}

static void
expect_bad(const char *b, size_t n, enum malform k)
{
	struct fixture fx;
	struct msg m = { .n = 0 };

	putbytes(&m, b, n);
	fixture_init(&fx, "10.0.0.5", "10.0.0.9", 47808, 47808,
	    IPPROTO_UDP_);
	run_datagram(&fx, &dissector_bacnet, &m);
	assert_malformed(&fx, k, 1);
	assert_int_equal(count_kind(&fx, OBS_BACNET), 0);
	fixture_free(&fx);
}

static void
test_malformed(void **state)
{
	struct msg m = { .n = 0 };

	(void)state;
	expect_bad("\x82\x0a\x00\x04", 4, MAL_BACNET_BAD_BVLC);
	expect_bad("\x81\x0a\x00\x09\x01", 5, MAL_BACNET_BAD_BVLC);
	expect_bad("\x81\x0a\x00\x03", 4, MAL_BACNET_BAD_BVLC);
	expect_bad("\x81\x04\x00\x08\x0a\x00\x01\x07", 8,
	    MAL_BACNET_BAD_BVLC);
	expect_bad("\x81\x0a\x00\x06\x02\x00", 6, MAL_BACNET_BAD_NPDU);
	expect_bad("\x81\x0a\x00\x08\x01\x20\xff\xff", 8,
	    MAL_BACNET_BAD_NPDU);
	expect_bad("\x81\x0a\x00\x07\x01\x08\x00", 7, MAL_BACNET_BAD_NPDU);
	expect_bad("\x81\x0a\x00\x07\x01\x80\x80", 7, MAL_BACNET_BAD_NPDU);
	expect_bad("\x81\x0a\x00\x06\x01\x00", 6, MAL_BACNET_BAD_APDU);
	expect_bad("\x81\x0a\x00\x07\x01\x00\x80", 7, MAL_BACNET_BAD_APDU);
	/* I-Am with the vendor missing. */
	expect_bad("\x81\x0b\x00\x12\x01\x00\x10\x00\xc4\x02\x00\x04\xd2"
	    "\x22\x05\xc4\x91\x00", 18, MAL_BACNET_BAD_APDU);
	/* Who-Is with only a low limit. */
	expect_bad("\x81\x0b\x00\x0a\x01\x00\x10\x08\x09\x01", 10,
	    MAL_BACNET_BAD_APDU);
	/* ReadProperty-ACK without its opening tag. */
	expect_bad("\x81\x0a\x00\x10\x01\x00\x30\x01\x0c\x0c\x02\x00\x04"
	    "\xd2\x19\x46", 16, MAL_BACNET_BAD_APDU);
	/* Extended length that runs past the message. */
	expect_bad("\x81\x0a\x00\x14\x01\x00\x30\x01\x0c\x0c\x02\x00\x04"
	    "\xd2\x19\x46\x3e\x75\xff\x00", 20, MAL_BACNET_BAD_APDU);
	putbytes(&m, "\x81\x0a\x00\x1a\x01\x00\x30\x09\x0c\x0c\x02\x00\x04"
	    "\xd2\x19\x4d\x3e\x75\x06\x00Room1\x3f", 26);
	(void)run_prefixes(&dissector_bacnet, &m, "10.0.0.5", "10.0.0.9",
	    47808, 47808);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_who_is_i_am),
		cmocka_unit_test(test_read_property),
		cmocka_unit_test(test_char_sets),
		cmocka_unit_test(test_forwarded_and_network),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
