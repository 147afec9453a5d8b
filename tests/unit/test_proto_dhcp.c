/*
 * test_proto_dhcp.c - DHCPv4 and DHCPv6 messages built byte by byte, and
 * the observations and malformations they give.
 */
#include "proto_test.h"

static const uint8_t client_mac[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };

/* The BOOTP header up to and including the magic cookie. */
static void
bootp(struct msg *m, unsigned int op, uint32_t xid, uint32_t ciaddr,
    uint32_t yiaddr, uint32_t giaddr)
{
	put8(m, op);
	put8(m, 1);
	put8(m, 6);
	put8(m, 0);
	put32(m, xid);
	put16(m, 0);
	put16(m, 0x8000);
	put32(m, ciaddr);
	put32(m, yiaddr);
	put32(m, 0);
	put32(m, giaddr);
	putbytes(m, client_mac, 6);
	putzero(m, 10 + 64 + 128);
	put32(m, 0x63825363);
}

static void
opt(struct msg *m, unsigned int code, const void *v, size_t n)
{
	put8(m, code);
	put8(m, (unsigned int)n);
	putbytes(m, v, n);
}

static void
discover(struct msg *m)
{
	static const uint8_t params[] = { 1, 3, 6, 15, 31, 33, 43, 44, 46,
		47, 119, 121, 249, 252 };
	static const uint8_t cid[] = { 1, 0x00, 0x11, 0x22, 0x33, 0x44,
		0x55 };
	static const uint8_t type = 1, maxsz[2] = { 0x05, 0xdc };

	bootp(m, 1, 0xdeadbeef, 0, 0, 0);
	opt(m, 53, &type, 1);
	opt(m, 61, cid, sizeof(cid));
	opt(m, 12, "WS-042", 6);
	opt(m, 60, "MSFT 5.0", 8);
	opt(m, 55, params, sizeof(params));
	opt(m, 57, maxsz, 2);
	put8(m, 0);		/* pad */
	put8(m, 255);
}

static void
test_discover(void **state)
{
	static const uint8_t cid[] = { 1, 0x00, 0x11, 0x22, 0x33, 0x44,
		0x55 };
	struct fixture fx;
	struct msg m = { .n = 0 };
	const struct observation *o;
	const struct obs_field *f;

	(void)state;
	fixture_init(&fx, "0.0.0.0", "255.255.255.255", 68, 67, IPPROTO_UDP_);
	discover(&m);
	assert_true(dissector_dhcp.probe(m.b, m.n, 0));
	run_datagram(&fx, &dissector_dhcp, &m);

	assert_int_equal(fx.col->n, 1);
	o = nth(&fx, OBS_DHCP, 0);
	assert_non_null(o);
	assert_int_equal(get_u64(o, "op"), 1);
	assert_int_equal(get_u64(o, "msg_type"), 1);
	assert_int_equal(get_u64(o, "xid"), 0xdeadbeef);
	f = obs_get(o, "chaddr");
	assert_non_null(f);
	assert_memory_equal(f->v.mac, client_mac, 6);
	assert_str(o, "hostname", "WS-042");
	assert_str(o, "vendor_class", "MSFT 5.0");
	assert_list(o, "params", "1,3,6,15,31,33,43,44,46,47,119,121,249,252");
	assert_list(o, "options", "53,61,12,60,55,57");
	assert_hex(o, "client_id", cid, sizeof(cid));
	assert_int_equal(get_u64(o, "max_size"), 1500);
	assert_null(obs_get(o, "ciaddr"));
	assert_null(obs_get(o, "yiaddr"));
	assert_null(obs_get(o, "server_ip"));
	assert_null(obs_get(o, "v6"));
	/* The subject is the client's MAC; it has no address yet. */
	assert_true(o->has_mac);
	assert_memory_equal(o->mac, client_mac, 6);
	assert_int_equal(o->ip.family, 0);
	assert_int_equal(malform_total(&fx.mal), 0);
	fixture_free(&fx);
}

static void
test_ack(void **state)
{
	static const uint8_t type = 5, server[4] = { 10, 0, 0, 1 };
	static const uint8_t lease[4] = { 0, 1, 0x51, 0x80 };
	static const uint8_t mask[4] = { 255, 255, 255, 0 };
	static const uint8_t routers[8] = { 10, 0, 0, 1, 10, 0, 0, 254 };
	static const uint8_t dns[4] = { 10, 0, 0, 2 };
	struct fixture fx;
	struct msg m = { .n = 0 }, fq = { .n = 0 };
	const struct observation *o;
	const struct obs_field *f;

	(void)state;
	fixture_init(&fx, "10.0.0.1", "10.0.0.50", 67, 68, IPPROTO_UDP_);
	bootp(&m, 2, 0xdeadbeef, 0, 0x0a000032, 0);
	opt(&m, 53, &type, 1);
	opt(&m, 54, server, 4);
	opt(&m, 51, lease, 4);
	opt(&m, 1, mask, 4);
	opt(&m, 3, routers, 8);
	opt(&m, 6, dns, 4);
	opt(&m, 15, "hospital.local", 14);
	/* RFC 4702: flags with E set, two RCODEs, canonical wire name. */
	put8(&fq, 0x05);
	put8(&fq, 255);
	put8(&fq, 255);
	putlabels(&fq, "ws-042.hospital.local", 1);
	opt(&m, 81, fq.b, fq.n);
	put8(&m, 255);
	run_datagram(&fx, &dissector_dhcp, &m);

	o = nth(&fx, OBS_DHCP, 0);
	assert_non_null(o);
	assert_int_equal(get_u64(o, "op"), 2);
	assert_int_equal(get_u64(o, "msg_type"), 5);
	assert_addr(o, "yiaddr", "10.0.0.50");
	assert_addr(o, "server_id", "10.0.0.1");
	assert_int_equal(get_u64(o, "lease"), 86400);
	assert_addr(o, "router", "10.0.0.1");
	assert_addr(o, "dns_server", "10.0.0.2");
	assert_str(o, "domain", "hospital.local");
	assert_str(o, "fqdn", "ws-042.hospital.local");
	assert_addr(o, "server_ip", "10.0.0.1");
	f = obs_get(o, "server_mac");
	assert_non_null(f);
	assert_int_equal(f->v.mac[0], 0x00);
	assert_int_equal(f->v.mac[5], 0x55);
	/* The subject is the client: chaddr and the address it got. */
	assert_subject_ip(o, "10.0.0.50");
	assert_memory_equal(o->mac, client_mac, 6);
	assert_int_equal(malform_total(&fx.mal), 0);
	fixture_free(&fx);
}

static void
test_overload_and_concatenation(void **state)
{
	static const uint8_t type = 3, both = 3;
	struct fixture fx;
	struct msg m = { .n = 0 };
	const struct observation *o;
	size_t sname = 44, file = 44 + 64;

	(void)state;
	fixture_init(&fx, "0.0.0.0", "255.255.255.255", 68, 67, IPPROTO_UDP_);
	bootp(&m, 1, 1, 0, 0, 0);
	opt(&m, 53, &type, 1);
	opt(&m, 52, &both, 1);
	/* RFC 3396: two instances of option 12 are one value. */
	opt(&m, 12, "ws-", 3);
	put8(&m, 255);
	/* file is read before sname (RFC 2132 section 9.3). */
	m.b[file] = 12;
	m.b[file + 1] = 3;
	memcpy(m.b + file + 2, "042", 3);
	m.b[file + 5] = 255;
	m.b[sname] = 60;
	m.b[sname + 1] = 5;
	memcpy(m.b + sname + 2, "Cisco", 5);
	m.b[sname + 7] = 255;
	run_datagram(&fx, &dissector_dhcp, &m);

	o = nth(&fx, OBS_DHCP, 0);
	assert_non_null(o);
	assert_str(o, "hostname", "ws-042");
	assert_str(o, "vendor_class", "Cisco");
	assert_list(o, "options", "53,52,12,60");
	assert_int_equal(malform_total(&fx.mal), 0);
	fixture_free(&fx);
}

static void
test_malformed(void **state)
{
	static const uint8_t type = 1, bad_lease[3] = { 1, 2, 3 }, four = 4;
	struct fixture fx;
	struct msg m;

	(void)state;
	/* Cut inside the header. */
	fixture_init(&fx, "0.0.0.0", "255.255.255.255", 68, 67, IPPROTO_UDP_);
	m.n = 0;
	discover(&m);
	m.n = 100;
	run_datagram(&fx, &dissector_dhcp, &m);
	assert_malformed(&fx, MAL_DHCP_TRUNCATED, 1);
	assert_int_equal(count_kind(&fx, OBS_DHCP), 0);
	fixture_free(&fx);

	/* No magic cookie. */
	fixture_init(&fx, "0.0.0.0", "255.255.255.255", 68, 67, IPPROTO_UDP_);
	m.n = 0;
	discover(&m);
	m.b[236] = 0;
	assert_false(dissector_dhcp.probe(m.b, m.n, 0));
	run_datagram(&fx, &dissector_dhcp, &m);
	assert_malformed(&fx, MAL_DHCP_BAD_MAGIC, 1);
	fixture_free(&fx);

	/* An option running past the end: what came before is kept. */
	fixture_init(&fx, "0.0.0.0", "255.255.255.255", 68, 67, IPPROTO_UDP_);
	m.n = 0;
	bootp(&m, 1, 1, 0, 0, 0);
	opt(&m, 53, &type, 1);
	put8(&m, 12);
	put8(&m, 40);
	putbytes(&m, "short", 5);
	run_datagram(&fx, &dissector_dhcp, &m);
	assert_malformed(&fx, MAL_DHCP_TRUNCATED, 1);
	assert_int_equal(get_u64(nth(&fx, OBS_DHCP, 0), "msg_type"), 1);
	assert_null(obs_get(nth(&fx, OBS_DHCP, 0), "hostname"));
	fixture_free(&fx);

	/* A lease of 3 bytes. */
	fixture_init(&fx, "0.0.0.0", "255.255.255.255", 68, 67, IPPROTO_UDP_);
	m.n = 0;
	bootp(&m, 2, 1, 0, 0, 0);
	opt(&m, 51, bad_lease, 3);
	put8(&m, 255);
	run_datagram(&fx, &dissector_dhcp, &m);
	assert_malformed(&fx, MAL_DHCP_BAD_OPTION, 1);
	assert_null(obs_get(nth(&fx, OBS_DHCP, 0), "lease"));
	fixture_free(&fx);

	/* Overload value 4. */
	fixture_init(&fx, "0.0.0.0", "255.255.255.255", 68, 67, IPPROTO_UDP_);
	m.n = 0;
	bootp(&m, 1, 1, 0, 0, 0);
	opt(&m, 52, &four, 1);
	put8(&m, 255);
	run_datagram(&fx, &dissector_dhcp, &m);
	assert_malformed(&fx, MAL_DHCP_BAD_OPTION, 1);
	fixture_free(&fx);

	/* Every prefix: no crash; those cut in the header count. */
	m.n = 0;
	discover(&m);
	assert_true(run_prefixes(&dissector_dhcp, &m, "0.0.0.0",
	    "255.255.255.255", 68, 67) >= 240);
}

/* DHCPv6 (RFC 8415). */

static void
opt6(struct msg *m, unsigned int code, const void *v, size_t n)
{
	put16(m, code);
	put16(m, (unsigned int)n);
	putbytes(m, v, n);
}

static void
solicit(struct msg *m)
{
	static const uint8_t duid[] = { 0, 1, 0, 1, 0x2a, 0x2b, 0x2c, 0x2d,
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t oro[] = { 0, 23, 0, 24, 0, 39, 0, 17, 0x01,
		0x00 };
	static const uint8_t elapsed[2] = { 0, 0 };
	static const uint8_t iana[12] = { 0, 0, 0, 1 };
	struct msg fq = { .n = 0 }, vc = { .n = 0 };

	put8(m, 1);
	put8(m, 0x12);
	put16(m, 0x3456);
	opt6(m, 1, duid, sizeof(duid));
	opt6(m, 6, oro, sizeof(oro));
	opt6(m, 8, elapsed, 2);
	opt6(m, 3, iana, sizeof(iana));
	put8(&fq, 0x01);
	putlabels(&fq, "ws-042.hospital.local", 1);
	opt6(m, 39, fq.b, fq.n);
	put32(&vc, 311);
	put16(&vc, 8);
	putbytes(&vc, "MSFT 5.0", 8);
	opt6(m, 16, vc.b, vc.n);
}

static void
test_dhcpv6_solicit(void **state)
{
	static const uint8_t duid[] = { 0, 1, 0, 1, 0x2a, 0x2b, 0x2c, 0x2d,
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	struct fixture fx;
	struct msg m = { .n = 0 };
	const struct observation *o;

	(void)state;
	fixture_init(&fx, "fe80::211:22ff:fe33:4455", "ff02::1:2", 546, 547,
	    IPPROTO_UDP_);
	solicit(&m);
	assert_true(dissector_dhcpv6.probe(m.b, m.n, 0));
	run_datagram(&fx, &dissector_dhcpv6, &m);

	assert_int_equal(malform_total(&fx.mal), 0);
	o = nth(&fx, OBS_DHCP, 0);
	assert_non_null(o);
	assert_true(get_bool(o, "v6"));
	assert_int_equal(get_u64(o, "msg_type"), 1);
	assert_int_equal(get_u64(o, "xid"), 0x123456);
	assert_hex(o, "client_id", duid, sizeof(duid));
	/* Option 256 does not fit the list and is left out. */
	assert_list(o, "params", "23,24,39,17");
	assert_list(o, "options", "1,6,8,3,39,16");
	assert_str(o, "fqdn", "ws-042.hospital.local");
	assert_int_equal(get_u64(o, "enterprise"), 311);
	assert_str(o, "vendor_class", "MSFT 5.0");
	assert_subject_ip(o, "fe80::211:22ff:fe33:4455");
	assert_true(o->has_mac);
	assert_null(obs_get(o, "server_ip"));
	fixture_free(&fx);
}

static void
test_dhcpv6_reply_and_relay(void **state)
{
	static const uint8_t duid_ll[] = { 0, 3, 0, 1, 0x00, 0x11, 0x22, 0x33,
		0x44, 0x55 };
	static const uint8_t sduid[] = { 0, 3, 0, 1, 0x66, 0x77, 0x88, 0x99,
		0xaa, 0xbb };
	static const uint8_t addr[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0x50 };
	static const uint8_t peer[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0x12, 0x34 };
	struct fixture fx;
	struct msg m = { .n = 0 }, ia = { .n = 0 }, inner = { .n = 0 };
	const struct observation *o;

	(void)state;
	fixture_init(&fx, "fe80::1", "fe80::211:22ff:fe33:4455", 547, 546,
	    IPPROTO_UDP_);
	put8(&m, 7);
	put8(&m, 0x12);
	put16(&m, 0x3456);
	opt6(&m, 1, duid_ll, sizeof(duid_ll));
	opt6(&m, 2, sduid, sizeof(sduid));
	put32(&ia, 1);
	put32(&ia, 3600);
	put32(&ia, 5400);
	put16(&ia, 5);
	put16(&ia, 24);
	putbytes(&ia, addr, 16);
	put32(&ia, 7200);
	put32(&ia, 7500);
	opt6(&m, 3, ia.b, ia.n);
	run_datagram(&fx, &dissector_dhcpv6, &m);

	assert_int_equal(malform_total(&fx.mal), 0);
	o = nth(&fx, OBS_DHCP, 0);
	assert_int_equal(get_u64(o, "msg_type"), 7);
	assert_addr(o, "ia_addr", "2001:db8::50");
	assert_hex(o, "server_duid", sduid, sizeof(sduid));
	assert_addr(o, "server_ip", "fe80::1");
	/* The client: the MAC inside its DUID-LL, the address it got. */
	assert_subject_ip(o, "2001:db8::50");
	assert_true(o->has_mac);
	assert_memory_equal(o->mac, client_mac, 6);
	fixture_free(&fx);

	/* A SOLICIT inside a RELAY-FORW: the subject is the peer. */
	fixture_init(&fx, "2001:db8:1::1", "2001:db8::2", 547, 547,
	    IPPROTO_UDP_);
	solicit(&inner);
	m.n = 0;
	put8(&m, 12);
	put8(&m, 0);
	putzero(&m, 16);
	putbytes(&m, peer, 16);
	opt6(&m, 9, inner.b, inner.n);
	run_datagram(&fx, &dissector_dhcpv6, &m);
	assert_int_equal(malform_total(&fx.mal), 0);
	o = nth(&fx, OBS_DHCP, 0);
	assert_non_null(o);
	assert_int_equal(get_u64(o, "msg_type"), 1);
	assert_subject_ip(o, "fe80::1234");
	assert_false(o->has_mac);
	fixture_free(&fx);
}

static void
test_dhcpv6_malformed(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 }, in = { .n = 0 }, tmp;

	(void)state;
	/* Relays nested deeper than the hop limit. */
	solicit(&in);
	for (int i = 0; i < 10; i++) {
		tmp.n = 0;
		put8(&tmp, 12);
		put8(&tmp, (unsigned int)i);
		putzero(&tmp, 32);
		opt6(&tmp, 9, in.b, in.n);
		in = tmp;
	}
	fixture_init(&fx, "2001:db8:1::1", "2001:db8::2", 547, 547,
	    IPPROTO_UDP_);
	run_datagram(&fx, &dissector_dhcpv6, &in);
	assert_malformed(&fx, MAL_DHCP6_BAD_OPTION, 1);
	assert_int_equal(count_kind(&fx, OBS_DHCP), 0);
	fixture_free(&fx);

	/* An odd-length ORO. */
	fixture_init(&fx, "fe80::1", "ff02::1:2", 546, 547, IPPROTO_UDP_);
	put8(&m, 1);
	put8(&m, 0);
	put16(&m, 1);
	opt6(&m, 6, "\0\x17\0", 3);
	run_datagram(&fx, &dissector_dhcpv6, &m);
	assert_malformed(&fx, MAL_DHCP6_BAD_OPTION, 1);
	/* The message is still reported with what was read. */
	assert_int_equal(count_kind(&fx, OBS_DHCP), 1);
	fixture_free(&fx);

	/* Every prefix of a SOLICIT: cut options count as truncated. */
	m.n = 0;
	solicit(&m);
	assert_true(run_prefixes(&dissector_dhcpv6, &m, "fe80::1",
	    "ff02::1:2", 546, 547) > 0);
	fixture_init(&fx, "fe80::1", "ff02::1:2", 546, 547, IPPROTO_UDP_);
	m.n -= 3;
	run_datagram(&fx, &dissector_dhcpv6, &m);
	assert_malformed(&fx, MAL_DHCP6_TRUNCATED, 1);
	fixture_free(&fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discover),
		cmocka_unit_test(test_ack),
		cmocka_unit_test(test_overload_and_concatenation),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_dhcpv6_solicit),
		cmocka_unit_test(test_dhcpv6_reply_and_relay),
		cmocka_unit_test(test_dhcpv6_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
