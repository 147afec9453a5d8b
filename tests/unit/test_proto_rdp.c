/*
 * test_proto_rdp.c - RDP X.224 connection requests and confirms, built
 * byte by byte, fed whole, byte by byte and split at every byte; and
 * every malformation.
 */
#include "wire_test.h"

/* TPKT + X.224 CR or CC around the variable part v. */
static void
x224(struct msg *m, unsigned int code, const struct msg *v)
{
	put8(m, 3);
	put8(m, 0);
	put16(m, (unsigned int)(4 + 7 + v->n));
	put8(m, (unsigned int)(6 + v->n));
	put8(m, code);
	put16(m, 0);
	put16(m, code == 0xe0 ? 0 : 0x1234);
	put8(m, 0);
	putbytes(m, v->b, v->n);
}

static void
neg(struct msg *v, unsigned int type, unsigned int flags, uint32_t val)
{
	put8(v, type);
	put8(v, flags);
	putle16(v, 8);
	putle32(v, val);
}

static const struct observation *
run_one(struct fixture *fx, const struct msg *m, int dir)
{
	void *st = stream_state(&dissector_rdp);

	feed(fx, &dissector_rdp, st, dir, m->b, m->n, m->n);
	free(st);
	return nth(fx, OBS_RDP, 0);
}

static void
test_request_confirm(void **state)
{
	struct fixture fx;
	struct msg v = { .n = 0 }, req = { .n = 0 }, cc = { .n = 0 };
	const struct observation *o;
	void *st;

	(void)state;
	putstr(&v, "Cookie: mstshash=nurse01\r\n");
	neg(&v, 1, 0, 0x0b);		/* ssl, hybrid, hybrid_ex */
	x224(&req, 0xe0, &v);
	v.n = 0;
	neg(&v, 2, 0x1f, 2);
	x224(&cc, 0xd0, &v);
	assert_true(dissector_rdp.probe(req.b, req.n, 0));
	assert_true(dissector_rdp.probe(cc.b, cc.n, 1));
	assert_false(dissector_rdp.probe((const uint8_t *)"\x16\x03\x01",
	    3, 0));
	fixture_init(&fx, "10.0.0.5", "10.0.0.9", 40000, 3389, IPPROTO_TCP_);
	st = stream_state(&dissector_rdp);
	feed(&fx, &dissector_rdp, st, 0, req.b, req.n, req.n);
	feed(&fx, &dissector_rdp, st, 1, cc.b, cc.n, cc.n);
	/* TLS after the confirm is left alone. */
	feed(&fx, &dissector_rdp, st, 0, (const uint8_t *)"\x16\x03\x01\x00",
	    4, 4);
	assert_int_equal(count_kind(&fx, OBS_RDP), 2);
	o = nth(&fx, OBS_RDP, 0);
	assert_str(o, "type", "request");
	assert_str(o, "cookie", "nurse01");
	assert_int_equal(get_u64(o, "requested_protocols"), 0x0b);
	assert_str(o, "protocols", "ssl,hybrid,hybrid_ex");
	o = nth(&fx, OBS_RDP, 1);
	assert_str(o, "type", "confirm");
	assert_int_equal(get_u64(o, "selected_protocol"), 2);
	assert_str(o, "selected", "hybrid");
	assert_malformed(&fx, MAL_RDP_BAD_TPKT, 0);
	free(st);
	fixture_free(&fx);
	check_splits(&dissector_rdp, &req, 0, OBS_RDP, 1);
	check_splits(&dissector_rdp, &cc, 1, OBS_RDP, 1);
}

static void
test_variants(void **state)
{
	struct fixture fx;
	struct msg v = { .n = 0 }, m = { .n = 0 };
	const struct observation *o;

	(void)state;
	/* Routing token, no negotiation: standard RDP security. */
	putstr(&v, "Cookie: msts=3640205228.15629.0000\r\n");
	x224(&m, 0xe0, &v);
	fixture_init(&fx, "10.0.0.5", "10.0.0.9", 40000, 3389, IPPROTO_TCP_);
	o = run_one(&fx, &m, 0);
	assert_str(o, "routing_token", "Cookie: msts=3640205228.15629.0000");
	assert_null(obs_get(o, "cookie"));
	assert_null(obs_get(o, "requested_protocols"));
	fixture_free(&fx);
	/* Negotiation failure. */
	v.n = m.n = 0;
	neg(&v, 3, 0, 5);
	x224(&m, 0xd0, &v);
	fixture_init(&fx, "10.0.0.9", "10.0.0.5", 3389, 40000, IPPROTO_TCP_);
	o = run_one(&fx, &m, 1);
	assert_int_equal(get_u64(o, "failure_code"), 5);
	assert_str(o, "failure", "hybrid_required_by_server");
	fixture_free(&fx);
	/* Standard RDP only: protocols "rdp". */
	v.n = m.n = 0;
	neg(&v, 1, 0, 0);
	x224(&m, 0xe0, &v);
	fixture_init(&fx, "10.0.0.5", "10.0.0.9", 40000, 3389, IPPROTO_TCP_);
	o = run_one(&fx, &m, 0);
	assert_str(o, "protocols", "rdp");
	assert_malformed(&fx, MAL_RDP_BAD_NEG, 0);
	fixture_free(&fx);
}

static void
expect_bad(const struct msg *m, enum malform k)
{
	struct fixture fx;

	fixture_init(&fx, "10.0.0.5", "10.0.0.9", 40000, 3389, IPPROTO_TCP_);
	(void)run_one(&fx, m, 0);
	assert_malformed(&fx, k, 1);
	fixture_free(&fx);
}

static void
test_malformed(void **state)
{
	struct msg v = { .n = 0 }, m = { .n = 0 };

	(void)state;
	/* Not a TPKT version 3. */
	putbytes(&m, "\x04\x00\x00\x13", 4);
	putzero(&m, 15);
	expect_bad(&m, MAL_RDP_BAD_TPKT);
	/* TPKT shorter than an X.224 header. */
	m.n = 0;
	putbytes(&m, "\x03\x00\x00\x06\x01\x02", 6);
	expect_bad(&m, MAL_RDP_BAD_TPKT);
	/* LI past the TPKT. */
	m.n = 0;
	x224(&m, 0xe0, &v);
	m.b[4] = 40;
	expect_bad(&m, MAL_RDP_BAD_X224);
	/* Token without CR LF. */
	v.n = m.n = 0;
	putstr(&v, "Cookie: mstshash=x");
	x224(&m, 0xe0, &v);
	expect_bad(&m, MAL_RDP_BAD_X224);
	/* RDP_NEG_REQ of a wrong length. */
	v.n = m.n = 0;
	neg(&v, 1, 0, 3);
	v.b[2] = 9;
	x224(&m, 0xe0, &v);
	expect_bad(&m, MAL_RDP_BAD_NEG);
	/* RDP_NEG_REQ cut short. */
	v.n = m.n = 0;
	neg(&v, 1, 0, 3);
	v.n = 5;
	x224(&m, 0xe0, &v);
	expect_bad(&m, MAL_RDP_BAD_NEG);
	/* Confirm with an unknown negotiation type. */
	v.n = m.n = 0;
	neg(&v, 7, 0, 3);
	x224(&m, 0xd0, &v);
	expect_bad(&m, MAL_RDP_BAD_NEG);
}

static void
test_gap_and_long(void **state)
{
	struct fixture fx;
	struct msg v = { .n = 0 }, m = { .n = 0 };
	void *st;

	(void)state;
	neg(&v, 1, 0, 3);
	x224(&m, 0xe0, &v);
	fixture_init(&fx, "10.0.0.5", "10.0.0.9", 40000, 3389, IPPROTO_TCP_);
	st = stream_state(&dissector_rdp);
	dissector_rdp.gap(&fx.ctx, st);
	feed(&fx, &dissector_rdp, st, 0, m.b, m.n, m.n);
	assert_int_equal(count_kind(&fx, OBS_RDP), 0);
	free(st);
	/* A TPKT longer than any CR: MCS, ignored. */
	st = stream_state(&dissector_rdp);
	feed(&fx, &dissector_rdp, st, 0, (const uint8_t *)"\x03\x00\x10\x00",
	    4, 4);
	assert_int_equal(count_kind(&fx, OBS_RDP), 0);
	assert_int_equal(malform_total(&fx.mal), 0);
	free(st);
	fixture_free(&fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_confirm),
		cmocka_unit_test(test_variants),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_gap_and_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
