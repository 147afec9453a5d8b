/*
 * test_decode.c - the decode layer on hand-built frames: every link type,
 * VLAN tags, ARP, IPv4 options, IPv6 extension headers, TCP, UDP, ICMP,
 * ICMPv6 NDP, fragment reassembly and every malformation it counts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ward/decode.h"

/* A frame under construction. */
struct frame {
	uint8_t	b[4096];
	size_t	n;
};

static const uint8_t mac_a[6] = { 0x00, 0x1b, 0x21, 0x0a, 0x0b, 0x0c };
static const uint8_t mac_b[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t ip4_a[4] = { 10, 1, 2, 3 };
static const uint8_t ip4_b[4] = { 192, 168, 7, 9 };
static const uint8_t ip6_a[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
	0x02, 0x1b, 0x21, 0xff, 0xfe, 0x0a, 0x0b, 0x0c };
static const uint8_t ip6_b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0x42 };

static uint64_t now = 1700000000000000ULL;

static void
f_u8(struct frame *f, uint8_t v)
{
	assert_true(f->n < sizeof(f->b));
	f->b[f->n++] = v;
}

static void
f_be16(struct frame *f, uint16_t v)
{
	f_u8(f, (uint8_t)(v >> 8));
	f_u8(f, (uint8_t)v);
}

static void
f_be32(struct frame *f, uint32_t v)
{
	f_be16(f, (uint16_t)(v >> 16));
	f_be16(f, (uint16_t)v);
}

static void
f_bytes(struct frame *f, const void *p, size_t n)
{
	assert_true(f->n + n <= sizeof(f->b));
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void
f_fill(struct frame *f, uint8_t v, size_t n)
{
	while (n-- > 0)
		f_u8(f, v);
}

static void
f_set16(struct frame *f, size_t off, uint16_t v)
{
	f->b[off] = (uint8_t)(v >> 8);
	f->b[off + 1] = (uint8_t)v;
}

static void
f_eth(struct frame *f, uint16_t type)
{
	f->n = 0;
	f_bytes(f, mac_b, 6);
	f_bytes(f, mac_a, 6);
	f_be16(f, type);
}

/* An IPv4 header; ipv4_fin() sets the total length. Returns its offset. */
static size_t
f_ipv4(struct frame *f, uint8_t proto, uint16_t id, uint16_t frag,
    const uint8_t *opts, size_t optlen)
{
	size_t off = f->n;

	assert_true(optlen % 4 == 0 && optlen <= 40);
	f_u8(f, (uint8_t)(0x40 | (5 + optlen / 4)));
	f_u8(f, 0);
	f_be16(f, 0);
	f_be16(f, id);
	f_be16(f, frag);
	f_u8(f, 64);
	f_u8(f, proto);
	f_be16(f, 0);
	f_bytes(f, ip4_a, 4);
	f_bytes(f, ip4_b, 4);
	if (optlen > 0)
		f_bytes(f, opts, optlen);
	return off;
}

static void
ipv4_fin(struct frame *f, size_t off)
{
	f_set16(f, off + 2, (uint16_t)(f->n - off));
}

static size_t
f_ipv6(struct frame *f, uint8_t nh)
{
	size_t off = f->n;

	f_be32(f, 0x60000000);
	f_be16(f, 0);
	f_u8(f, nh);
	f_u8(f, 255);
	f_bytes(f, ip6_a, 16);
	f_bytes(f, ip6_b, 16);
	return off;
}

static void
ipv6_fin(struct frame *f, size_t off)
{
	f_set16(f, off + 4, (uint16_t)(f->n - off - 40));
}

static size_t
f_udp(struct frame *f, uint16_t sport, uint16_t dport)
{
	size_t off = f->n;

	f_be16(f, sport);
	f_be16(f, dport);
	f_be16(f, 0);
	f_be16(f, 0);
	return off;
}

static void
udp_fin(struct frame *f, size_t off)
{
	f_set16(f, off + 4, (uint16_t)(f->n - off));
}

static void
f_tcp(struct frame *f, uint16_t sport, uint16_t dport, uint8_t doff,
    uint8_t flags)
{
	f_be16(f, sport);
	f_be16(f, dport);
	f_be32(f, 1000);
	f_be32(f, 2000);
	f_u8(f, (uint8_t)(doff << 4));
	f_u8(f, flags);
	f_be16(f, 65535);
	f_be32(f, 0);
	if (doff > 5)
		f_fill(f, 1, (size_t)(doff - 5) * 4);	/* NOP options */
}

/* Ethernet, IPv4, UDP 5353 -> 53 with the given payload. */
static void
udp4_frame(struct frame *f, const char *data)
{
	size_t ip, udp;

	f_eth(f, ETHERTYPE_IPV4);
	ip = f_ipv4(f, IPPROTO_UDP_, 1, 0, NULL, 0);
	udp = f_udp(f, 5353, 53);
	f_bytes(f, data, strlen(data));
	udp_fin(f, udp);
	ipv4_fin(f, ip);
}

static enum decode_result
dec(struct decoder *d, int lt, const struct frame *f, struct packet *p)
{
	return decode_packet(d, lt, now++, f->b, (uint32_t)f->n,
	    (uint32_t)f->n, p);
}

static uint64_t
mal(const struct decoder *d, enum malform k)
{
	return decoder_stats(d)->mal.n[k];
}

/* Decodes f on a fresh decoder: malformed, exactly one kind k counted. */
static void
expect_mal_wire(int lt, const struct frame *f, uint32_t wirelen,
    enum malform k)
{
	struct decoder *d;
	struct packet p;

	assert_non_null(d = decoder_new(NULL));
	assert_int_equal(decode_packet(d, lt, now++, f->b, (uint32_t)f->n,
	    wirelen, &p), DECODE_MALFORMED);
	if (mal(d, k) != 1)
		fail_msg("expected %s, got total %llu", malform_name(k),
		    (unsigned long long)malform_total(&decoder_stats(d)->mal));
	assert_int_equal(malform_total(&decoder_stats(d)->mal), 1);
	decoder_free(d);
}

static void
expect_mal(int lt, const struct frame *f, enum malform k)
{
	expect_mal_wire(lt, f, (uint32_t)f->n, k);
}

static void
test_ether_ipv4_tcp(void **state)
{
	struct decoder *d;
	struct packet p;
	struct frame f;
	size_t ip;

	(void)state;
	f_eth(&f, ETHERTYPE_IPV4);
	ip = f_ipv4(&f, IPPROTO_TCP_, 7, 0x4000, NULL, 0);
	f_tcp(&f, 40000, 104, 6, TCP_SYN | TCP_ACK);
	f_bytes(&f, "DICM", 4);
	ipv4_fin(&f, ip);

	assert_non_null(d = decoder_new(NULL));
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_OK);
	assert_true(p.flags & PKT_HAS_MAC);
	assert_true(p.flags & PKT_SRC_MAC);
	assert_true(p.flags & PKT_IP);
	assert_true(p.flags & PKT_L4);
	assert_false(p.flags & PKT_IP_OPTIONS);
	assert_memory_equal(p.src_mac, mac_a, 6);
	assert_memory_equal(p.dst_mac, mac_b, 6);
	assert_int_equal(p.ethertype, ETHERTYPE_IPV4);
	assert_int_equal(p.src.family, 4);
	assert_memory_equal(p.src.b, ip4_a, 4);
	assert_memory_equal(p.dst.b, ip4_b, 4);
	assert_int_equal(p.l4proto, IPPROTO_TCP_);
	assert_int_equal(p.ttl, 64);
	assert_int_equal(p.iplen, 20 + 24 + 4);
	assert_int_equal(p.sport, 40000);
	assert_int_equal(p.dport, 104);
	assert_int_equal(p.seq, 1000);
	assert_int_equal(p.ack, 2000);
	assert_int_equal(p.win, 65535);
	assert_int_equal(p.tcp_flags, TCP_SYN | TCP_ACK);
	assert_int_equal(cur_left(&p.payload), 4);
	assert_memory_equal(p.payload.p, "DICM", 4);
	assert_int_equal(decoder_stats(d)->tcp, 1);
	assert_int_equal(decoder_stats(d)->ipv4, 1);
	assert_int_equal(decoder_stats(d)->packets, 1);
	assert_int_equal(decoder_stats(d)->bytes, f.n);
	decoder_free(d);
}

static void
test_padding_trimmed(void **state)
{
	struct decoder *d;
	struct packet p;
	struct frame f;

	(void)state;
	udp4_frame(&f, "hi");
	f_fill(&f, 0, 60 - f.n);	/* Ethernet minimum frame */
	assert_non_null(d = decoder_new(NULL));
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_OK);
	assert_int_equal(p.sport, 5353);
	assert_int_equal(p.dport, 53);
	assert_int_equal(cur_left(&p.payload), 2);
	assert_int_equal(decoder_stats(d)->udp, 1);
	decoder_free(d);
}

static void
test_vlan(void **state)
{
	struct decoder *d;
	struct packet p;
	struct frame f, g;

	(void)state;
	assert_non_null(d = decoder_new(NULL));

	/* 802.1Q: one C-TAG, VID 100. */
	udp4_frame(&g, "x");
	f_eth(&f, ETHERTYPE_VLAN);
	f_be16(&f, 0x2000 | 100);
	f_bytes(&f, g.b + 12, g.n - 12);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_OK);
	assert_int_equal(p.nvlans, 1);
	assert_int_equal(p.vlans[0], 100);
	assert_int_equal(p.ethertype, ETHERTYPE_IPV4);
	assert_true(p.flags & PKT_L4);

	/* 802.1ad QinQ: S-TAG 10 outside, C-TAG 20 inside. */
	f_eth(&f, ETHERTYPE_QINQ);
	f_be16(&f, 10);
	f_be16(&f, ETHERTYPE_VLAN);
	f_be16(&f, 20);
	f_bytes(&f, g.b + 12, g.n - 12);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_OK);
	assert_int_equal(p.nvlans, 2);
	assert_int_equal(p.vlans[0], 10);
	assert_int_equal(p.vlans[1], 20);
	assert_int_equal(p.dport, 53);
	assert_int_equal(decoder_stats(d)->vlan, 3);
	decoder_free(d);

	/* Three tags are more than PKT_MAX_VLANS. */
	f_eth(&f, ETHERTYPE_QINQ);
	f_be16(&f, 10);
	f_be16(&f, ETHERTYPE_VLAN);
	f_be16(&f, 20);
	f_be16(&f, ETHERTYPE_VLAN);
	f_be16(&f, 30);
	f_bytes(&f, g.b + 12, g.n - 12);
	expect_mal(LINK_ETHERNET, &f, MAL_VLAN_TOO_DEEP);

	/* A tag cut in the middle. */
	f_eth(&f, ETHERTYPE_VLAN);
	f_be16(&f, 5);
	f_u8(&f, 0x08);
	expect_mal(LINK_ETHERNET, &f, MAL_VLAN_TRUNCATED);
}

static void
test_skip(void **state)
{
	struct decoder *d;
	struct packet p;
	struct frame f;

	(void)state;
	assert_non_null(d = decoder_new(NULL));
	/* 802.3 with LLC (spanning tree): the type field is a length. */
	f_eth(&f, 38);
	f_u8(&f, 0x42);
	f_u8(&f, 0x42);
	f_u8(&f, 0x03);
	f_fill(&f, 0, 35);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_SKIP);
	assert_true(p.flags & PKT_HAS_MAC);
	/* LLDP. */
	f_eth(&f, 0x88cc);
	f_fill(&f, 0, 40);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_SKIP);
	assert_int_equal(decoder_stats(d)->other, 2);
	assert_int_equal(malform_total(&decoder_stats(d)->mal), 0);
	decoder_free(d);

	f.n = 13;
	expect_mal(LINK_ETHERNET, &f, MAL_ETH_TRUNCATED);
	expect_mal(147, &f, MAL_LINK_UNKNOWN);
	assert_false(decode_linktype_supported(147));
	assert_true(decode_linktype_supported(LINK_LINUX_SLL2));
	assert_true(decode_linktype_supported(12));
}

static void
test_sll(void **state)
{
	struct decoder *d;
	struct packet p;
	struct frame f, g;

	(void)state;
	udp4_frame(&g, "sll");
	assert_non_null(d = decoder_new(NULL));

	/* Linux cooked v1. */
	f.n = 0;
	f_be16(&f, 0);			/* to us */
	f_be16(&f, 1);			/* ARPHRD_ETHER */
	f_be16(&f, 6);
	f_bytes(&f, mac_a, 6);
	f_be16(&f, 0);
	f_bytes(&f, g.b + 12, g.n - 12);	/* protocol + IPv4 */
	assert_int_equal(dec(d, LINK_LINUX_SLL, &f, &p), DECODE_OK);
	assert_true(p.flags & PKT_SRC_MAC);
	assert_false(p.flags & PKT_HAS_MAC);
	assert_memory_equal(p.src_mac, mac_a, 6);
	assert_int_equal(p.sport, 5353);

	/* Linux cooked v2. */
	f.n = 0;
	f_be16(&f, ETHERTYPE_IPV4);
	f_be16(&f, 0);
	f_be32(&f, 3);			/* ifindex */
	f_be16(&f, 1);
	f_u8(&f, 4);			/* outgoing */
	f_u8(&f, 6);
	f_bytes(&f, mac_b, 6);
	f_be16(&f, 0);
	f_bytes(&f, g.b + 14, g.n - 14);
	assert_int_equal(dec(d, LINK_LINUX_SLL2, &f, &p), DECODE_OK);
	assert_memory_equal(p.src_mac, mac_b, 6);
	assert_int_equal(p.dport, 53);

	/* Netlink is skipped. */
	f.n = 0;
	f_be16(&f, 0);
	f_be16(&f, 824);
	f_be16(&f, 0);
	f_fill(&f, 0, 8);
	f_be16(&f, 0);
	f_fill(&f, 0, 16);
	assert_int_equal(dec(d, LINK_LINUX_SLL, &f, &p), DECODE_SKIP);
	decoder_free(d);

	f.n = 15;
	expect_mal(LINK_LINUX_SLL, &f, MAL_LINK_TRUNCATED);
	expect_mal(LINK_LINUX_SLL2, &f, MAL_LINK_TRUNCATED);
}

static void
test_raw_and_loopback(void **state)
{
	static const int raws[] = { LINK_RAW, 12, 14, LINK_IPV4 };
	static const uint32_t v6fams[] = { 24, 28, 30 };
	struct decoder *d;
	struct packet p;
	struct frame f, g, h;
	size_t ip, udp;

	(void)state;
	udp4_frame(&g, "raw");
	assert_non_null(d = decoder_new(NULL));
	f.n = 0;
	f_bytes(&f, g.b + 14, g.n - 14);
	for (size_t i = 0; i < sizeof(raws) / sizeof(raws[0]); i++) {
		assert_int_equal(dec(d, raws[i], &f, &p), DECODE_OK);
		assert_int_equal(p.dport, 53);
		assert_false(p.flags & PKT_SRC_MAC);
	}

	/* Raw IPv6 and LINKTYPE_IPV6. */
	h.n = 0;
	ip = f_ipv6(&h, IPPROTO_UDP_);
	udp = f_udp(&h, 546, 547);
	f_bytes(&h, "v6", 2);
	udp_fin(&h, udp);
	ipv6_fin(&h, ip);
	assert_int_equal(dec(d, LINK_RAW, &h, &p), DECODE_OK);
	assert_int_equal(p.src.family, 6);
	assert_int_equal(p.dport, 547);
	assert_int_equal(dec(d, LINK_IPV6, &h, &p), DECODE_OK);
	assert_int_equal(p.iplen, 40 + 10);

	/* DLT_NULL: AF_INET in either byte order. */
	f.n = 0;
	f_bytes(&f, "\x02\x00\x00\x00", 4);
	f_bytes(&f, g.b + 14, g.n - 14);
	assert_int_equal(dec(d, LINK_NULL, &f, &p), DECODE_OK);
	assert_int_equal(p.dport, 53);
	f.n = 0;
	f_be32(&f, 2);
	f_bytes(&f, g.b + 14, g.n - 14);
	assert_int_equal(dec(d, LINK_NULL, &f, &p), DECODE_OK);
	assert_int_equal(dec(d, LINK_LOOP, &f, &p), DECODE_OK);
	/* The IPv6 families of the BSDs, in both orders. */
	for (size_t i = 0; i < 3; i++) {
		f.n = 0;
		f_be32(&f, v6fams[i]);
		f_bytes(&f, h.b, h.n);
		assert_int_equal(dec(d, LINK_NULL, &f, &p), DECODE_OK);
		assert_int_equal(p.src.family, 6);
		assert_int_equal(dec(d, LINK_LOOP, &f, &p), DECODE_OK);
		f.b[0] = (uint8_t)v6fams[i];
		f.b[3] = 0;
		assert_int_equal(dec(d, LINK_NULL, &f, &p), DECODE_OK);
		assert_int_equal(p.dport, 547);
	}
	/* AF_APPLETALK and friends: not for us. */
	f.n = 0;
	f_be32(&f, 16);
	f_bytes(&f, g.b + 14, g.n - 14);
	assert_int_equal(dec(d, LINK_NULL, &f, &p), DECODE_SKIP);
	assert_int_equal(dec(d, LINK_LOOP, &f, &p), DECODE_SKIP);
	assert_int_equal(malform_total(&decoder_stats(d)->mal), 0);
	decoder_free(d);

	f.n = 0;
	f_u8(&f, 0x55);
	f_fill(&f, 0, 30);
	expect_mal(LINK_RAW, &f, MAL_RAW_BAD_VERSION);
	f.n = 0;
	expect_mal(LINK_RAW, &f, MAL_LINK_TRUNCATED);
	f_u8(&f, 2);
	expect_mal(LINK_NULL, &f, MAL_LINK_TRUNCATED);
	expect_mal(LINK_LOOP, &f, MAL_LINK_TRUNCATED);
}

static void
test_arp(void **state)
{
	struct decoder *d;
	struct packet p;
	struct frame f;

	(void)state;
	f_eth(&f, ETHERTYPE_ARP);
	f_be16(&f, 1);
	f_be16(&f, ETHERTYPE_IPV4);
	f_u8(&f, 6);
	f_u8(&f, 4);
	f_be16(&f, 2);
	f_bytes(&f, mac_a, 6);
	f_bytes(&f, ip4_a, 4);
	f_bytes(&f, mac_b, 6);
	f_bytes(&f, ip4_b, 4);
	f_fill(&f, 0, 18);		/* padding */
	assert_non_null(d = decoder_new(NULL));
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_OK);
	assert_true(p.flags & PKT_ARP);
	assert_false(p.flags & PKT_IP);
	assert_int_equal(p.arp.op, 2);
	assert_memory_equal(p.arp.sha, mac_a, 6);
	assert_memory_equal(p.arp.tha, mac_b, 6);
	assert_memory_equal(p.arp.spa.b, ip4_a, 4);
	assert_memory_equal(p.arp.tpa.b, ip4_b, 4);
	assert_int_equal(decoder_stats(d)->arp, 1);
	decoder_free(d);

	f.b[18] = 8;			/* hlen 8 */
	expect_mal(LINK_ETHERNET, &f, MAL_ARP_BAD_SIZES);
	f.b[18] = 6;
	f.n = 14 + 20;
	expect_mal(LINK_ETHERNET, &f, MAL_ARP_TRUNCATED);
	f.n = 14 + 5;
	expect_mal(LINK_ETHERNET, &f, MAL_ARP_TRUNCATED);
}

static void
test_ipv4_options(void **state)
{
	/* NOP, NOP, Router Alert (RFC 2113), EOL and padding. */
	static const uint8_t good[] = { 1, 1, 148, 4, 0, 0, 0, 0 };
	static const uint8_t zero_len[] = { 1, 7, 0, 0 };
	static const uint8_t one_len[] = { 130, 1, 0, 0 };
	static const uint8_t too_long[] = { 1, 1, 68, 12 };
	struct decoder *d;
	struct packet p;
	struct frame f;
	size_t ip, udp;

	(void)state;
	f_eth(&f, ETHERTYPE_IPV4);
	ip = f_ipv4(&f, IPPROTO_UDP_, 1, 0, good, sizeof(good));
	udp = f_udp(&f, 1, 2);
	udp_fin(&f, udp);
	ipv4_fin(&f, ip);
	assert_non_null(d = decoder_new(NULL));
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_OK);
	assert_true(p.flags & PKT_IP_OPTIONS);
	assert_int_equal(p.dport, 2);
	decoder_free(d);

	f_eth(&f, ETHERTYPE_IPV4);
	ip = f_ipv4(&f, IPPROTO_UDP_, 1, 0, zero_len, sizeof(zero_len));
	ipv4_fin(&f, ip);
	expect_mal(LINK_ETHERNET, &f, MAL_IPV4_BAD_OPTION);
	f_eth(&f, ETHERTYPE_IPV4);
	ip = f_ipv4(&f, IPPROTO_UDP_, 1, 0, one_len, sizeof(one_len));
	ipv4_fin(&f, ip);
	expect_mal(LINK_ETHERNET, &f, MAL_IPV4_BAD_OPTION);
	f_eth(&f, ETHERTYPE_IPV4);
	ip = f_ipv4(&f, IPPROTO_UDP_, 1, 0, too_long, sizeof(too_long));
	ipv4_fin(&f, ip);
	expect_mal(LINK_ETHERNET, &f, MAL_IPV4_BAD_OPTION);
}

static void
test_ipv4_malformed(void **state)
{
	struct decoder *d;
	struct packet p;
	struct frame f;

	(void)state;
	udp4_frame(&f, "abcdefgh");
	f.b[14] = 0x55;
	expect_mal(LINK_ETHERNET, &f, MAL_IPV4_BAD_VERSION);
	f.b[14] = 0x44;
	expect_mal(LINK_ETHERNET, &f, MAL_IPV4_BAD_IHL);
	f.b[14] = 0x45;
	f_set16(&f, 16, 19);		/* total < header */
	expect_mal(LINK_ETHERNET, &f, MAL_IPV4_BAD_LENGTH);
	f_set16(&f, 16, 200);		/* total > frame */
	expect_mal(LINK_ETHERNET, &f, MAL_IPV4_TRUNCATED);
	f.n = 14 + 19;
	expect_mal(LINK_ETHERNET, &f, MAL_IPV4_TRUNCATED);

	/* The same frame cut by a snap length is not malformed. */
	udp4_frame(&f, "abcdefgh");
	assert_non_null(d = decoder_new(NULL));
	assert_int_equal(decode_packet(d, LINK_ETHERNET, now++, f.b, 14 + 24,
	    (uint32_t)f.n, &p), DECODE_OK);
	assert_true(p.flags & PKT_IP);
	assert_false(p.flags & PKT_L4);
	assert_int_equal(p.iplen, 20 + 8 + 8);
	assert_int_equal(decode_packet(d, LINK_ETHERNET, now++, f.b, 14 + 30,
	    (uint32_t)f.n, &p), DECODE_OK);
	assert_true(p.flags & PKT_L4);
	assert_int_equal(cur_left(&p.payload), 2);
	assert_int_equal(decode_packet(d, LINK_ETHERNET, now++, f.b, 10,
	    (uint32_t)f.n, &p), DECODE_SKIP);
	assert_int_equal(decode_packet(d, LINK_ETHERNET, now++, f.b, 20,
	    (uint32_t)f.n, &p), DECODE_OK);
	assert_false(p.flags & PKT_IP);
	assert_int_equal(malform_total(&decoder_stats(d)->mal), 0);
	assert_int_equal(decoder_stats(d)->snapped, 3);
	decoder_free(d);
}

static void
test_tcp_malformed(void **state)
{
	struct frame f;
	size_t ip;

	(void)state;
	f_eth(&f, ETHERTYPE_IPV4);
	ip = f_ipv4(&f, IPPROTO_TCP_, 1, 0, NULL, 0);
	f_tcp(&f, 1, 2, 4, TCP_SYN);
	ipv4_fin(&f, ip);
	expect_mal(LINK_ETHERNET, &f, MAL_TCP_BAD_OFFSET);

	f_eth(&f, ETHERTYPE_IPV4);
	ip = f_ipv4(&f, IPPROTO_TCP_, 1, 0, NULL, 0);
	f_tcp(&f, 1, 2, 5, TCP_SYN);
	f.b[f.n - 8] = 0xf0;		/* 60 bytes of header in 20 */
	ipv4_fin(&f, ip);
	expect_mal(LINK_ETHERNET, &f, MAL_TCP_BAD_OFFSET);

	f_eth(&f, ETHERTYPE_IPV4);
	ip = f_ipv4(&f, IPPROTO_TCP_, 1, 0, NULL, 0);
	f_fill(&f, 0, 19);
	ipv4_fin(&f, ip);
	expect_mal(LINK_ETHERNET, &f, MAL_TCP_TRUNCATED);
}

static void
test_udp(void **state)
{
	struct decoder *d;
	struct packet p;
	struct frame f;

	(void)state;
	/* A UDP length shorter than the IP payload trims the payload. */
	udp4_frame(&f, "abcdef");
	f_set16(&f, 14 + 20 + 4, 8 + 3);
	assert_non_null(d = decoder_new(NULL));
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_OK);
	assert_int_equal(cur_left(&p.payload), 3);
	decoder_free(d);

	f_set16(&f, 14 + 20 + 4, 7);
	expect_mal(LINK_ETHERNET, &f, MAL_UDP_BAD_LENGTH);
	f_set16(&f, 14 + 20 + 4, 8 + 7);
	expect_mal(LINK_ETHERNET, &f, MAL_UDP_BAD_LENGTH);
	udp4_frame(&f, "");
	f.n -= 1;
	f_set16(&f, 16, 27);
	expect_mal(LINK_ETHERNET, &f, MAL_UDP_TRUNCATED);
}

static void
test_icmp(void **state)
{
	struct decoder *d;
	struct packet p;
	struct frame f;
	size_t ip;

	(void)state;
	f_eth(&f, ETHERTYPE_IPV4);
	ip = f_ipv4(&f, IPPROTO_ICMP_, 1, 0, NULL, 0);
	f_u8(&f, 8);
	f_u8(&f, 0);
	f_be16(&f, 0);
	f_be32(&f, 0x00010002);
	ipv4_fin(&f, ip);
	assert_non_null(d = decoder_new(NULL));
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_OK);
	assert_true(p.flags & PKT_L4);
	assert_int_equal(p.icmp_type, 8);
	assert_int_equal(p.sport, 0);
	assert_int_equal(cur_left(&p.payload), 4);
	assert_int_equal(decoder_stats(d)->icmp, 1);
	decoder_free(d);

	f.n = 14 + 20 + 3;
	ipv4_fin(&f, ip);
	expect_mal(LINK_ETHERNET, &f, MAL_ICMP_TRUNCATED);
}

/* An Ethernet IPv6 ICMPv6 NDP frame of the given type and body. */
static void
ndp_frame(struct frame *f, uint8_t type, const uint8_t *body, size_t n)
{
	size_t ip;

	f_eth(f, ETHERTYPE_IPV6);
	ip = f_ipv6(f, IPPROTO_ICMPV6_);
	f_u8(f, type);
	f_u8(f, 0);
	f_be16(f, 0);
	f_bytes(f, body, n);
	ipv6_fin(f, ip);
}

static void
test_ndp(void **state)
{
	uint8_t body[64];
	struct decoder *d;
	struct packet p;
	struct frame f;

	(void)state;
	assert_non_null(d = decoder_new(NULL));

	/* NS: reserved, target, source link-layer address option. */
	memset(body, 0, sizeof(body));
	memcpy(body + 4, ip6_b, 16);
	body[20] = 1;
	body[21] = 1;
	memcpy(body + 22, mac_a, 6);
	ndp_frame(&f, 135, body, 28);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_OK);
	assert_true(p.flags & PKT_NDP);
	assert_int_equal(p.ndp.type, 135);
	assert_true(p.ndp.has_lladdr);
	assert_memory_equal(p.ndp.lladdr, mac_a, 6);
	assert_int_equal(p.ndp.target.family, 6);
	assert_memory_equal(p.ndp.target.b, ip6_b, 16);
	assert_int_equal(p.icmp_type, 135);

	/* NA with a target link-layer address after a nonce option. */
	body[20] = 14;			/* nonce, RFC 3971 */
	body[21] = 1;
	body[28] = 2;
	body[29] = 1;
	memcpy(body + 30, mac_b, 6);
	ndp_frame(&f, 136, body, 36);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_OK);
	assert_int_equal(p.ndp.type, 136);
	assert_true(p.ndp.has_lladdr);
	assert_memory_equal(p.ndp.lladdr, mac_b, 6);

	/* RS without options, RA with one, redirect without. */
	memset(body, 0, sizeof(body));
	ndp_frame(&f, 133, body, 4);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_OK);
	assert_int_equal(p.ndp.type, 133);
	assert_false(p.ndp.has_lladdr);
	body[12] = 1;
	body[13] = 1;
	memcpy(body + 14, mac_a, 6);
	ndp_frame(&f, 134, body, 20);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_OK);
	assert_int_equal(p.ndp.type, 134);
	assert_true(p.ndp.has_lladdr);
	memset(body, 0, sizeof(body));
	memcpy(body + 4, ip6_a, 16);
	ndp_frame(&f, 137, body, 36);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_OK);
	assert_int_equal(p.ndp.type, 137);
	assert_memory_equal(p.ndp.target.b, ip6_a, 16);

	/* Echo request: ICMPv6 but not NDP. */
	ndp_frame(&f, 128, body, 8);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_OK);
	assert_false(p.flags & PKT_NDP);
	assert_int_equal(decoder_stats(d)->icmp6, 6);
	assert_int_equal(malform_total(&decoder_stats(d)->mal), 0);
	decoder_free(d);

	/* RFC 4861 4.6: an option of length zero. */
	memset(body, 0, sizeof(body));
	body[20] = 1;
	ndp_frame(&f, 135, body, 28);
	expect_mal(LINK_ETHERNET, &f, MAL_NDP_BAD_OPTION);
	/* An option longer than the message. */
	body[21] = 2;
	ndp_frame(&f, 135, body, 28);
	expect_mal(LINK_ETHERNET, &f, MAL_NDP_BAD_OPTION);
	/* A lone option type byte. */
	ndp_frame(&f, 135, body, 21);
	expect_mal(LINK_ETHERNET, &f, MAL_NDP_BAD_OPTION);
	/* An NS without its target. */
	ndp_frame(&f, 135, body, 10);
	expect_mal(LINK_ETHERNET, &f, MAL_ICMP6_TRUNCATED);
	ndp_frame(&f, 128, body, 0);
	f.n -= 1;
	f_set16(&f, 18, 3);
	expect_mal(LINK_ETHERNET, &f, MAL_ICMP6_TRUNCATED);
}

static void
test_ipv6_ext(void **state)
{
	struct decoder *d;
	struct packet p;
	struct frame f;
	size_t ip, udp;

	(void)state;
	assert_non_null(d = decoder_new(NULL));

	/* Hop-by-hop (router alert, PadN), routing, AH, dest opts, UDP. */
	f_eth(&f, ETHERTYPE_IPV6);
	ip = f_ipv6(&f, 0);
	f_u8(&f, 43);
	f_u8(&f, 0);
	f_bytes(&f, "\x05\x02\x00\x00\x01\x00", 6);
	f_u8(&f, 51);			/* routing type 4, 1 segment */
	f_u8(&f, 2);
	f_u8(&f, 4);
	f_u8(&f, 0);
	f_fill(&f, 0, 20);
	f_u8(&f, 60);			/* AH: 12 + 4 bytes of ICV */
	f_u8(&f, 2);
	f_fill(&f, 0, 14);
	f_u8(&f, IPPROTO_UDP_);		/* dest opts: Pad1 x 6 */
	f_u8(&f, 0);
	f_fill(&f, 0, 6);
	udp = f_udp(&f, 1000, 2000);
	f_bytes(&f, "six", 3);
	udp_fin(&f, udp);
	ipv6_fin(&f, ip);
	f_fill(&f, 0xee, 6);		/* trailing padding */
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_OK);
	assert_int_equal(p.l4proto, IPPROTO_UDP_);
	assert_int_equal(p.sport, 1000);
	assert_int_equal(cur_left(&p.payload), 3);
	assert_int_equal(p.ttl, 255);
	assert_int_equal(p.iplen, 40 + 8 + 24 + 16 + 8 + 11);

	/* ESP stops the walk; so does No Next Header. */
	f_eth(&f, ETHERTYPE_IPV6);
	ip = f_ipv6(&f, 50);
	f_fill(&f, 0xaa, 24);
	ipv6_fin(&f, ip);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_OK);
	assert_int_equal(p.l4proto, 50);
	assert_false(p.flags & PKT_L4);
	f_eth(&f, ETHERTYPE_IPV6);
	ip = f_ipv6(&f, 59);
	ipv6_fin(&f, ip);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_OK);
	assert_int_equal(p.l4proto, 59);
	assert_int_equal(malform_total(&decoder_stats(d)->mal), 0);
	decoder_free(d);

	/* Hop-by-hop after another header. */
	f_eth(&f, ETHERTYPE_IPV6);
	ip = f_ipv6(&f, 60);
	f_u8(&f, 0);
	f_u8(&f, 0);
	f_fill(&f, 0, 6);
	f_u8(&f, 59);
	f_u8(&f, 0);
	f_fill(&f, 0, 6);
	ipv6_fin(&f, ip);
	expect_mal(LINK_ETHERNET, &f, MAL_IPV6_BAD_EXT);

	/* An option running past its header. */
	f_eth(&f, ETHERTYPE_IPV6);
	ip = f_ipv6(&f, 60);
	f_u8(&f, 59);
	f_u8(&f, 0);
	f_bytes(&f, "\x01\x05\x00\x00\x00\x00", 6);
	ipv6_fin(&f, ip);
	expect_mal(LINK_ETHERNET, &f, MAL_IPV6_BAD_EXT);

	/* A header longer than the payload. */
	f_eth(&f, ETHERTYPE_IPV6);
	ip = f_ipv6(&f, 43);
	f_u8(&f, 59);
	f_u8(&f, 4);
	f_fill(&f, 0, 6);
	ipv6_fin(&f, ip);
	expect_mal(LINK_ETHERNET, &f, MAL_IPV6_BAD_EXT);

	/* Nine destination options headers. */
	f_eth(&f, ETHERTYPE_IPV6);
	ip = f_ipv6(&f, 60);
	for (int i = 0; i < 9; i++) {
		f_u8(&f, i == 8 ? 59 : 60);
		f_u8(&f, 0);
		f_fill(&f, 0, 6);
	}
	ipv6_fin(&f, ip);
	expect_mal(LINK_ETHERNET, &f, MAL_IPV6_TOO_MANY_EXT);

	/* Header problems. */
	f_eth(&f, ETHERTYPE_IPV6);
	ip = f_ipv6(&f, IPPROTO_TCP_);
	f_tcp(&f, 1, 2, 5, TCP_SYN);
	ipv6_fin(&f, ip);
	f.b[14] = 0x40;
	expect_mal(LINK_ETHERNET, &f, MAL_IPV6_BAD_VERSION);
	f.b[14] = 0x60;
	f_set16(&f, 18, 0);
	expect_mal(LINK_ETHERNET, &f, MAL_IPV6_BAD_LENGTH);
	f_set16(&f, 18, 100);
	expect_mal(LINK_ETHERNET, &f, MAL_IPV6_TRUNCATED);
	f.n = 14 + 39;
	expect_mal(LINK_ETHERNET, &f, MAL_IPV6_TRUNCATED);
}

/* An IPv4 UDP fragment: data bytes [off, off + n) of a datagram. */
static void
frag4(struct frame *f, uint16_t id, uint32_t off, bool more,
    const uint8_t *dgram, size_t n)
{
	size_t ip;

	f_eth(f, ETHERTYPE_IPV4);
	ip = f_ipv4(f, IPPROTO_UDP_, id,
	    (uint16_t)((more ? 0x2000 : 0) | off / 8), NULL, 0);
	f_bytes(f, dgram + off, n);
	ipv4_fin(f, ip);
}

/* A UDP datagram (header and data) of n bytes, 7777 -> 161. */
static void
make_dgram(uint8_t *b, size_t n)
{
	b[0] = 7777 >> 8;
	b[1] = 7777 & 0xff;
	b[2] = 0;
	b[3] = 161;
	b[4] = (uint8_t)(n >> 8);
	b[5] = (uint8_t)n;
	b[6] = b[7] = 0;
	for (size_t i = 8; i < n; i++)
		b[i] = (uint8_t)(i * 7);
}

static void
check_whole(const struct packet *p, const uint8_t *dgram, size_t n)
{
	assert_true(p->flags & PKT_REASSEMBLED);
	assert_true(p->flags & PKT_L4);
	assert_int_equal(p->sport, 7777);
	assert_int_equal(p->dport, 161);
	assert_int_equal(cur_left(&p->payload), n - 8);
	assert_memory_equal(p->payload.p, dgram + 8, n - 8);
}

static void
test_frag4(void **state)
{
	static const uint32_t order[][3] = {
		{ 0, 1, 2 }, { 2, 1, 0 }, { 1, 2, 0 }, { 2, 0, 1 },
	};
	uint8_t dgram[48];
	struct decoder *d;
	struct packet p;
	struct frame f;
	uint16_t id = 100;

	(void)state;
	make_dgram(dgram, sizeof(dgram));
	assert_non_null(d = decoder_new(NULL));
	for (size_t o = 0; o < 4; o++, id++) {
		for (size_t i = 0; i < 3; i++) {
			uint32_t k = order[o][i];

			frag4(&f, id, k * 16, k != 2, dgram, 16);
			if (i < 2) {
				assert_int_equal(dec(d, LINK_ETHERNET, &f,
				    &p), DECODE_HELD);
				assert_true(p.flags & PKT_IP);
				assert_int_equal(p.iplen, 36);
				/* An identical copy changes nothing. */
				assert_int_equal(dec(d, LINK_ETHERNET, &f,
				    &p), DECODE_HELD);
				continue;
			}
			assert_int_equal(dec(d, LINK_ETHERNET, &f, &p),
			    DECODE_OK);
			check_whole(&p, dgram, sizeof(dgram));
			assert_int_equal(p.iplen, 36);
		}
		assert_int_equal(decoder_frag_bytes(d), 0);
	}
	assert_int_equal(decoder_stats(d)->reassembled, 4);
	assert_int_equal(decoder_stats(d)->fragments, 4 * 5);
	assert_int_equal(decoder_stats(d)->udp, 4);
	assert_int_equal(malform_total(&decoder_stats(d)->mal), 0);

	/* Overlap with other bytes drops the datagram, and what follows. */
	frag4(&f, 200, 0, true, dgram, 16);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_HELD);
	frag4(&f, 200, 8, true, dgram, 16);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_MALFORMED);
	assert_int_equal(mal(d, MAL_FRAG_OVERLAP), 1);
	assert_int_equal(decoder_frag_bytes(d) < 1024, true);
	frag4(&f, 200, 16, true, dgram, 16);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_MALFORMED);
	frag4(&f, 200, 32, false, dgram, 16);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_MALFORMED);
	assert_int_equal(mal(d, MAL_FRAG_DROPPED), 2);
	/* Same offset, same length, other bytes: an overlap too. */
	frag4(&f, 201, 0, true, dgram, 16);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_HELD);
	f.b[f.n - 1] ^= 0xff;
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_MALFORMED);
	assert_int_equal(mal(d, MAL_FRAG_OVERLAP), 2);

	/* The tombstones go with the timeout. */
	decoder_expire(d, now + DECODE_DEFAULT_FRAG_TIMEOUT + 1);
	assert_int_equal(decoder_frag_bytes(d), 0);
	assert_int_equal(mal(d, MAL_FRAG_TIMEOUT), 0);
	decoder_free(d);
}

static void
test_frag4_bad(void **state)
{
	uint8_t dgram[2048];
	struct decoder *d;
	struct packet p;
	struct frame f;
	size_t ip;

	(void)state;
	make_dgram(dgram, sizeof(dgram));

	/* A fragment with more to come must carry a multiple of 8. */
	frag4(&f, 1, 0, true, dgram, 12);
	expect_mal(LINK_ETHERNET, &f, MAL_FRAG_BAD_OFFSET);
	/* A fragment past the last one. */
	assert_non_null(d = decoder_new(NULL));
	frag4(&f, 2, 16, false, dgram, 16);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_HELD);
	frag4(&f, 2, 32, true, dgram, 16);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_MALFORMED);
	assert_int_equal(mal(d, MAL_FRAG_BAD_OFFSET), 1);
	/* A last fragment in front of held data. */
	frag4(&f, 3, 32, true, dgram, 16);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_HELD);
	frag4(&f, 3, 16, false, dgram, 8);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_MALFORMED);
	assert_int_equal(mal(d, MAL_FRAG_BAD_OFFSET), 2);
	/* Two different ends. */
	frag4(&f, 4, 16, false, dgram, 16);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_HELD);
	frag4(&f, 4, 40, false, dgram, 16);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_MALFORMED);
	assert_int_equal(mal(d, MAL_FRAG_BAD_OFFSET), 3);
	decoder_free(d);

	/* Ping of death: offset 65528 and more data. */
	f_eth(&f, ETHERTYPE_IPV4);
	ip = f_ipv4(&f, IPPROTO_ICMP_, 5, 0x1fff, NULL, 0);
	f_fill(&f, 0, 100);
	ipv4_fin(&f, ip);
	expect_mal(LINK_ETHERNET, &f, MAL_FRAG_TOO_BIG);

	/* More fragments than FRAG_MAX_PIECES (128). */
	assert_non_null(d = decoder_new(NULL));
	for (uint32_t i = 0; i < 128; i++) {
		frag4(&f, 6, i * 8, true, dgram, 8);
		assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_HELD);
	}
	frag4(&f, 6, 128 * 8, true, dgram, 8);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_MALFORMED);
	assert_int_equal(mal(d, MAL_FRAG_TOO_MANY), 1);
	assert_int_equal(malform_total(&decoder_stats(d)->mal), 1);
	decoder_free(d);
}

static void
test_frag4_memcap_timeout(void **state)
{
	struct decode_config cfg = { 4096, 1000000 };
	uint8_t dgram[2048];
	struct decoder *d;
	struct packet p;
	struct frame f;

	(void)state;
	make_dgram(dgram, sizeof(dgram));
	assert_non_null(d = decoder_new(&cfg));

	/* 1 KB fragments of different datagrams until the cap bites. */
	for (uint16_t id = 1; id <= 3; id++) {
		frag4(&f, id, 0, true, dgram, 1024);
		assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_HELD);
	}
	assert_true(decoder_frag_bytes(d) > 3 * 1024);
	frag4(&f, 4, 0, true, dgram, 1024);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_MALFORMED);
	assert_int_equal(mal(d, MAL_FRAG_MEMCAP), 1);
	assert_true(decoder_frag_bytes(d) <= cfg.frag_memcap);

	/* decoder_expire() drops the three after the timeout. */
	decoder_expire(d, now + 500000);
	assert_int_equal(mal(d, MAL_FRAG_TIMEOUT), 0);
	decoder_expire(d, now + 2000000);
	assert_int_equal(mal(d, MAL_FRAG_TIMEOUT), 3);
	assert_int_equal(decoder_frag_bytes(d), 0);

	/* A new fragment expires old ones too: the datagram never joins. */
	frag4(&f, 9, 0, true, dgram, 16);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_HELD);
	now += 2000000;
	frag4(&f, 9, 16, false, dgram, 16);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_HELD);
	assert_int_equal(mal(d, MAL_FRAG_TIMEOUT), 4);
	assert_int_equal(decoder_stats(d)->reassembled, 0);
	decoder_free(d);
}

static void
test_frag4_snapped(void **state)
{
	uint8_t dgram[64];
	struct decoder *d;
	struct packet p;
	struct frame f;

	(void)state;
	make_dgram(dgram, sizeof(dgram));
	frag4(&f, 1, 0, true, dgram, 32);
	assert_non_null(d = decoder_new(NULL));
	assert_int_equal(decode_packet(d, LINK_ETHERNET, now++, f.b, 40,
	    (uint32_t)f.n, &p), DECODE_OK);
	assert_true(p.flags & PKT_IP);
	assert_false(p.flags & PKT_L4);
	assert_int_equal(decoder_frag_bytes(d), 0);
	decoder_free(d);
}

/* An IPv6 fragment of dgram; dstopts puts a header before the data. */
static void
frag6(struct frame *f, uint32_t id, uint32_t off, bool more,
    const uint8_t *dgram, size_t n)
{
	size_t ip;

	f_eth(f, ETHERTYPE_IPV6);
	ip = f_ipv6(f, 44);
	f_u8(f, IPPROTO_UDP_);
	f_u8(f, 0);
	f_be16(f, (uint16_t)(off | (more ? 1 : 0)));
	f_be32(f, id);
	f_bytes(f, dgram + off, n);
	ipv6_fin(f, ip);
}

static void
test_frag6(void **state)
{
	uint8_t dgram[1500 + 40];
	struct decoder *d;
	struct packet p;
	struct frame f;
	size_t ip;

	(void)state;
	make_dgram(dgram, 1500);
	assert_non_null(d = decoder_new(NULL));

	/* In order. */
	frag6(&f, 0x11223344, 0, true, dgram, 1232);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_HELD);
	assert_int_equal(p.l4proto, IPPROTO_UDP_);
	frag6(&f, 0x11223344, 1232, false, dgram, 1500 - 1232);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_OK);
	check_whole(&p, dgram, 1500);
	assert_int_equal(p.src.family, 6);

	/* Out of order. */
	frag6(&f, 7, 1232, false, dgram, 1500 - 1232);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_HELD);
	frag6(&f, 7, 0, true, dgram, 1232);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_OK);
	check_whole(&p, dgram, 1500);
	assert_int_equal(decoder_stats(d)->reassembled, 2);

	/* Overlap. */
	frag6(&f, 8, 0, true, dgram, 64);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_HELD);
	frag6(&f, 8, 56, false, dgram, 64);
	f.b[f.n - 60] ^= 1;
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_MALFORMED);
	assert_int_equal(mal(d, MAL_FRAG_OVERLAP), 1);

	/* RFC 6946 atomic fragment: offset 0, M clear. */
	frag6(&f, 9, 0, false, dgram, 100);
	f_set16(&f, 14 + 40 + 8 + 4, 100);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_OK);
	assert_false(p.flags & PKT_REASSEMBLED);
	assert_int_equal(p.dport, 161);
	assert_int_equal(cur_left(&p.payload), 92);

	/* A fragment header in a reassembled datagram. */
	dgram[0] = 59;
	dgram[1] = 0;
	dgram[2] = 0;
	dgram[3] = 8;			/* offset 0... */
	f_eth(&f, ETHERTYPE_IPV6);
	ip = f_ipv6(&f, 44);
	f_u8(&f, 44);
	f_u8(&f, 0);
	f_be16(&f, 0);
	f_be32(&f, 10);
	f_bytes(&f, dgram, 16);
	ipv6_fin(&f, ip);
	f_set16(&f, 14 + 40 + 2, 1);	/* M set: a real fragment */
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_HELD);
	f_eth(&f, ETHERTYPE_IPV6);
	ip = f_ipv6(&f, 44);
	f_u8(&f, 44);
	f_u8(&f, 0);
	f_be16(&f, 16);
	f_be32(&f, 10);
	f_fill(&f, 0, 8);
	ipv6_fin(&f, ip);
	assert_int_equal(dec(d, LINK_ETHERNET, &f, &p), DECODE_MALFORMED);
	assert_int_equal(mal(d, MAL_IPV6_BAD_EXT), 1);
	decoder_free(d);
}

static void
test_frag6_too_big(void **state)
{
	uint8_t dgram[64];
	struct frame f;

	(void)state;
	memset(dgram, 0, sizeof(dgram));
	/* The last 8-byte unit of the offset field and 16 bytes of data. */
	frag6(&f, 1, 0, false, dgram, 16);
	f_set16(&f, 14 + 40 + 2, 0xfff8);
	expect_mal(LINK_ETHERNET, &f, MAL_FRAG_TOO_BIG);
	frag6(&f, 1, 0, true, dgram, 0);
	expect_mal(LINK_ETHERNET, &f, MAL_FRAG_BAD_OFFSET);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ether_ipv4_tcp),
		cmocka_unit_test(test_padding_trimmed),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_sll),
		cmocka_unit_test(test_raw_and_loopback),
		cmocka_unit_test(test_arp),
		cmocka_unit_test(test_ipv4_options),
		cmocka_unit_test(test_ipv4_malformed),
		cmocka_unit_test(test_tcp_malformed),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_icmp),
		cmocka_unit_test(test_ndp),
		cmocka_unit_test(test_ipv6_ext),
		cmocka_unit_test(test_frag4),
		cmocka_unit_test(test_frag4_bad),
		cmocka_unit_test(test_frag4_memcap_timeout),
		cmocka_unit_test(test_frag4_snapped),
		cmocka_unit_test(test_frag6),
		cmocka_unit_test(test_frag6_too_big),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
