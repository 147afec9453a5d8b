/*
 * test_proto_coap.c - the CoAP dissector: requests with path, query and
 * content format, responses, extended option forms, and bad messages.
 */
#include "proto_test.h"

/* An option: delta from the previous number, with the 13/14 forms. */
static void
putopt(struct msg *m, unsigned int *last, unsigned int number,
    const void *val, size_t len)
{
	unsigned int delta = number - *last;
	unsigned int dn = delta < 13 ? delta : delta < 269 ? 13 : 14;
	unsigned int ln = len < 13 ? (unsigned int)len : len < 269 ? 13 : 14;

	put8(m, dn << 4 | ln);
	if (dn == 13)
		put8(m, delta - 13);
	else if (dn == 14)
		put16(m, delta - 269);
	if (ln == 13)
		put8(m, (unsigned int)len - 13);
	else if (ln == 14)
		put16(m, (unsigned int)len - 269);
	putbytes(m, val, len);
	*last = number;
}

static void
putopt_str(struct msg *m, unsigned int *last, unsigned int number,
    const char *s)
{
	putopt(m, last, number, s, strlen(s));
}

static void
puthdr(struct msg *m, unsigned int type, unsigned int tkl, unsigned int code,
    unsigned int id)
{
	put8(m, 0x40 | type << 4 | tkl);
	put8(m, code);
	put16(m, id);
}

static void
run(struct fixture *fx, const struct msg *m)
{
	fixture_init(fx, "10.0.0.7", "10.0.0.20", 40001, 5683, IPPROTO_UDP_);
	run_datagram(fx, &dissector_coap, m);
}

static void
test_get(void **state)
{
	static const uint8_t token[4] = { 0xde, 0xad, 0xbe, 0xef };
	static const uint8_t cf[1] = { 50 }, port[2] = { 0x16, 0x34 };
	static const uint8_t block[1] = { 0x1a };	/* num 1, M, szx 2 */
	struct fixture fx;
	struct msg m = { .n = 0 };
	unsigned int last = 0;
	const struct observation *o;

	(void)state;
	puthdr(&m, 0, 4, 1, 0x1234);
	putbytes(&m, token, 4);
	putopt_str(&m, &last, 3, "pump.ward.lan");
	putopt(&m, &last, 6, "", 0);			/* observe 0 */
	putopt(&m, &last, 7, port, 2);
	putopt_str(&m, &last, 11, "sensors");
	putopt_str(&m, &last, 11, "temp");
	putopt(&m, &last, 12, cf, 1);
	putopt_str(&m, &last, 15, "unit=c");
	putopt_str(&m, &last, 15, "rt=x");
	putopt(&m, &last, 23, block, 1);
	/* An unknown elective option far away: delta in the 14 form. */
	putopt_str(&m, &last, 2100, "x");
	put8(&m, 0xff);
	putbytes(&m, "{}", 2);
	run(&fx, &m);
	assert_int_equal(count_kind(&fx, OBS_COAP), 1);
	o = nth(&fx, OBS_COAP, 0);
	assert_str(o, "type", "CON");
	assert_int_equal(get_u64(o, "code"), 1);
	assert_str(o, "method", "GET");
	assert_null(obs_get(o, "status"));
	assert_int_equal(get_u64(o, "msg_id"), 0x1234);
	assert_int_equal(get_u64(o, "token_len"), 4);
	assert_hex(o, "token", token, 4);
	assert_str(o, "uri_host", "pump.ward.lan");
	assert_int_equal(get_u64(o, "uri_port"), 5684);
	assert_str(o, "uri_path", "/sensors/temp");
	assert_str(o, "uri_query", "unit=c&rt=x");
	assert_int_equal(get_u64(o, "content_format"), 50);
	assert_str(o, "content_format_name", "application/json");
	assert_int_equal(get_u64(o, "observe"), 0);
	assert_int_equal(get_u64(o, "block2_num"), 1);
	assert_true(get_bool(o, "block2_more"));
	assert_int_equal(get_u64(o, "block2_size"), 64);
	assert_int_equal(get_u64(o, "payload_len"), 2);
	assert_subject_ip(o, "10.0.0.7");
	assert_int_equal(malform_total(&fx.mal), 0);
	fixture_free(&fx);

	/* Every truncation is counted or parsed, never read past. */
	(void)run_prefixes(&dissector_coap, &m, "10.0.0.7", "10.0.0.20",
	    40001, 5683);
}

static void
test_long_option(void **state)
{
	char seg[300];
	struct fixture fx;
	struct msg m = { .n = 0 };
	unsigned int last = 0;
	const struct observation *o;

	(void)state;
	/* A 20-byte segment (length in the 13 form); a 300-byte query is
	 * over the 255 limit of Uri-Query and counted. */
	memset(seg, 'p', sizeof(seg));
	puthdr(&m, 1, 0, 2, 7);
	putopt(&m, &last, 11, seg, 20);
	putopt(&m, &last, 15, seg, 300);
	run(&fx, &m);
	o = nth(&fx, OBS_COAP, 0);
	assert_non_null(o);
	assert_str(o, "type", "NON");
	assert_str(o, "method", "POST");
	assert_str(o, "uri_path", "/pppppppppppppppppppp");
	assert_null(obs_get(o, "uri_query"));
	assert_malformed(&fx, MAL_COAP_BAD_OPTION, 1);
	fixture_free(&fx);
}

static void
test_response(void **state)
{
	static const uint8_t cf[1] = { 40 }, obs[3] = { 0x01, 0x00, 0x02 };
	struct fixture fx;
	struct msg m = { .n = 0 };
	unsigned int last = 0;
	const struct observation *o;

	(void)state;
	puthdr(&m, 2, 1, 2 << 5 | 5, 0x1234);
	put8(&m, 0x42);
	putopt(&m, &last, 6, obs, 3);
	putopt(&m, &last, 12, cf, 1);
	put8(&m, 0xff);
	putbytes(&m, "</sensors>", 10);
	run(&fx, &m);
	o = nth(&fx, OBS_COAP, 0);
	assert_non_null(o);
	assert_str(o, "type", "ACK");
	assert_int_equal(get_u64(o, "code"), 69);
	assert_str(o, "status", "2.05");
	assert_str(o, "status_name", "Content");
	assert_null(obs_get(o, "method"));
	assert_int_equal(get_u64(o, "observe"), 0x010002);
	assert_str(o, "content_format_name", "application/link-format");
	assert_int_equal(get_u64(o, "payload_len"), 10);
	assert_int_equal(malform_total(&fx.mal), 0);
	fixture_free(&fx);

	/* 4.04 with a Location-Path-less body; an empty RST. */
	m.n = 0;
	puthdr(&m, 2, 0, 4 << 5 | 4, 9);
	run(&fx, &m);
	o = nth(&fx, OBS_COAP, 0);
	assert_str(o, "status", "4.04");
	assert_str(o, "status_name", "Not Found");
	fixture_free(&fx);
	m.n = 0;
	puthdr(&m, 3, 0, 0, 9);
	run(&fx, &m);
	o = nth(&fx, OBS_COAP, 0);
	assert_str(o, "type", "RST");
	assert_null(obs_get(o, "status"));
	assert_null(obs_get(o, "method"));
	assert_int_equal(malform_total(&fx.mal), 0);
	fixture_free(&fx);
}

static void
expect(const struct msg *m, enum malform k)
{
	struct fixture fx;

	run(&fx, m);
	assert_malformed(&fx, k, 1);
	assert_int_equal(count_kind(&fx, OBS_COAP), 0);
	fixture_free(&fx);
}

static void
test_bad(void **state)
{
	static const uint8_t big[5] = { 1, 2, 3, 4, 5 };
	struct msg m = { .n = 0 };
	unsigned int last = 0;

	(void)state;
	/* truncated: header, token. */
	put8(&m, 0x40); put8(&m, 1); put8(&m, 0);
	expect(&m, MAL_COAP_TRUNCATED);
	m.n = 0;
	puthdr(&m, 0, 4, 1, 1); put8(&m, 1);
	expect(&m, MAL_COAP_TRUNCATED);
	/* bad_header: version 2, TKL 9, Empty with a token, class 1. */
	m.n = 0;
	put8(&m, 0x80); put8(&m, 1); put16(&m, 1);
	expect(&m, MAL_COAP_BAD_HEADER);
	m.n = 0;
	puthdr(&m, 0, 9, 1, 1); putzero(&m, 9);
	expect(&m, MAL_COAP_BAD_HEADER);
	m.n = 0;
	puthdr(&m, 0, 1, 0, 1); put8(&m, 0);
	expect(&m, MAL_COAP_BAD_HEADER);
	m.n = 0;
	puthdr(&m, 0, 0, 1 << 5 | 1, 1);
	expect(&m, MAL_COAP_BAD_HEADER);
	/* bad_option: delta nibble 15, length nibble 15, value past the
	 * end, marker before no payload, Uri-Port of 5 bytes. */
	m.n = 0;
	puthdr(&m, 0, 0, 1, 1); put8(&m, 0xf1); put8(&m, 0);
	expect(&m, MAL_COAP_BAD_OPTION);
	m.n = 0;
	puthdr(&m, 0, 0, 1, 1); put8(&m, 0xbf);
	expect(&m, MAL_COAP_BAD_OPTION);
	m.n = 0;
	puthdr(&m, 0, 0, 1, 1); put8(&m, 0xb5); putbytes(&m, "ab", 2);
	expect(&m, MAL_COAP_BAD_OPTION);
	m.n = 0;
	puthdr(&m, 0, 0, 1, 1); put8(&m, 0xd0);	/* 13 form cut */
	expect(&m, MAL_COAP_BAD_OPTION);
	m.n = 0;
	puthdr(&m, 0, 0, 1, 1); put8(&m, 0xff);
	expect(&m, MAL_COAP_BAD_OPTION);
	m.n = 0;
	puthdr(&m, 0, 0, 1, 1);
	putopt(&m, &last, 7, big, 5);
	{
		struct fixture fx;

		run(&fx, &m);
		/* Counted, but the message is still reported. */
		assert_malformed(&fx, MAL_COAP_BAD_OPTION, 1);
		assert_int_equal(count_kind(&fx, OBS_COAP), 1);
		assert_null(obs_get(nth(&fx, OBS_COAP, 0), "uri_port"));
		fixture_free(&fx);
	}
	/* An option number past 65535 through repeated 14-form deltas. */
	m.n = 0;
	puthdr(&m, 0, 0, 1, 1);
	for (int i = 0; i < 2; i++) {
		put8(&m, 0xe0);
		put16(&m, 0xffff - 269);
	}
	expect(&m, MAL_COAP_BAD_OPTION);
}

static void
test_probe(void **state)
{
	struct msg m = { .n = 0 };

	(void)state;
	puthdr(&m, 0, 0, 1, 1);
	assert_true(dissector_coap.probe(m.b, m.n, 0));
	m.n = 0;
	puthdr(&m, 2, 0, 69, 1);
	assert_true(dissector_coap.probe(m.b, m.n, 1));
	m.n = 0;
	put8(&m, 0x80); put8(&m, 1); put16(&m, 1);
	assert_false(dissector_coap.probe(m.b, m.n, 0));
	assert_false(dissector_coap.probe(m.b, 3, 0));
	assert_int_equal(dissector_coap.ports[0], 5683);
	assert_int_equal(dissector_coap.l4proto, IPPROTO_UDP_);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_long_option),
		cmocka_unit_test(test_response),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_probe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
