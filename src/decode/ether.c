/*
 * ether.c - link layers: Ethernet II with 802.1Q/802.1ad tags, Linux cooked
 * capture v1 and v2, BSD loopback (DLT_NULL, DLT_LOOP) and raw IP.
 *
 * Standards: IEEE 802.3 clause 3.2.6 (length/type field), IEEE 802.1Q-2018
 * clause 9 (C-TAG 0x8100, S-TAG 0x88a8), tcpdump.org LINKTYPE_LINUX_SLL and
 * LINKTYPE_LINUX_SLL2, LINKTYPE_NULL and LINKTYPE_LOOP.
 *
 * Ethernet II:
 *	+-----------------+-----------------+------------+---------
 *	| destination (6) | source (6)      | type (2)   | payload
 *	+-----------------+-----------------+------------+---------
 * 802.1Q / 802.1ad tag, inserted before the type (repeated for QinQ):
 *	+------------------+-----+-----+-----------+----------+
 *	| TPID 8100/88a8   | PCP | DEI | VID (12)  | type (2) |
 *	+------------------+-----+-----+-----------+----------+
 * Linux cooked v1 (16 bytes):
 *	| packet type (2) | ARPHRD (2) | addr len (2) | addr (8) | protocol (2) |
 * Linux cooked v2 (20 bytes):
 *	| protocol (2) | reserved (2) | ifindex (4) | ARPHRD (2) |
 *	| packet type (1) | addr len (1) | addr (8) |
 * BSD loopback: a 4-byte address family, host order (NULL) or network
 * order (LOOP), then the IP packet.
 */
#include <string.h>

#include "decode-private.h"

#define ETHERTYPE_QINQ_OLD	0x9100	/* pre-802.1ad QinQ, still seen */
#define ETHER_MIN_TYPE		0x0600	/* below: an 802.3 length (LLC) */

#define ARPHRD_ETHER		1
#define ARPHRD_NETLINK		824

/* Address families of BSD loopback headers. */
#define BSD_AF_INET		2
#define BSD_AF_INET6_BSD	24	/* NetBSD, OpenBSD, BSD/OS */
#define BSD_AF_INET6_FREEBSD	28
#define BSD_AF_INET6_DARWIN	30

enum decode_result
decode_ether(struct decoder *d, struct cursor *c, struct packet *p)
{
	uint16_t type;

	if (cur_bytes(c, p->dst_mac, 6) == -1 ||
	    cur_bytes(c, p->src_mac, 6) == -1 ||
	    cur_be16(c, &type) == -1)
		return decode_short(d, p, MAL_ETH_TRUNCATED);
	p->flags |= PKT_HAS_MAC | PKT_SRC_MAC;
	return decode_ethertype(d, type, c, p);
}

/*
 * Takes the type field of an Ethernet, VLAN tag or cooked header and
 * decodes what follows, reading VLAN tags first.
 */
enum decode_result
decode_ethertype(struct decoder *d, uint16_t type, struct cursor *c,
    struct packet *p)
{
	uint16_t tci;

	while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ ||
	    type == ETHERTYPE_QINQ_OLD) {
		if (p->nvlans == PKT_MAX_VLANS)
			return decode_mal(d, MAL_VLAN_TOO_DEEP);
		if (cur_be16(c, &tci) == -1 || cur_be16(c, &type) == -1)
			return decode_short(d, p, MAL_VLAN_TRUNCATED);
		/* 802.1Q 9.6: the VID is the low 12 bits of the TCI. */
		p->vlans[p->nvlans++] = tci & 0x0fff;
		d->stats.vlan++;
	}
	p->ethertype = type;

	switch (type) {
	case ETHERTYPE_IPV4:
		return decode_ipv4(d, c, p);
	case ETHERTYPE_IPV6:
		return decode_ipv6(d, c, p);
	case ETHERTYPE_ARP:
		return decode_arp(d, c, p);
	default:
		/*
		 * 802.3 3.2.6: a value below 0x0600 is a length and an LLC
		 * header follows (STP, CDP, NetBIOS over LLC); well-formed,
		 * not for us, like any other ethertype.
		 */
		d->stats.other++;
		return DECODE_SKIP;
	}
}

static enum decode_result
sll_common(struct decoder *d, uint16_t hatype, uint16_t halen,
    const uint8_t addr[8], uint16_t proto, struct cursor *c, struct packet *p)
{
	/* The address is the sender's, whichever way the packet went. */
	if (hatype == ARPHRD_ETHER && halen == 6) {
		memcpy(p->src_mac, addr, 6);
		p->flags |= PKT_SRC_MAC;
	}
	/* Netlink messages carry a netlink family, not an ethertype. */
	if (hatype == ARPHRD_NETLINK) {
		d->stats.other++;
		return DECODE_SKIP;
	}
	/* Protocol values below 0x0600 (802.2 LLC, Novell) are skipped. */
	return decode_ethertype(d, proto, c, p);
}

enum decode_result
decode_sll(struct decoder *d, struct cursor *c, struct packet *p)
{
	uint16_t pkttype, hatype, halen, proto;
	uint8_t addr[8];

	if (cur_be16(c, &pkttype) == -1 || cur_be16(c, &hatype) == -1 ||
	    cur_be16(c, &halen) == -1 || cur_bytes(c, addr, 8) == -1 ||
	    cur_be16(c, &proto) == -1)
		return decode_short(d, p, MAL_LINK_TRUNCATED);
	(void)pkttype;
	return sll_common(d, hatype, halen, addr, proto, c, p);
}

enum decode_result
decode_sll2(struct decoder *d, struct cursor *c, struct packet *p)
{
	uint16_t proto, hatype;
	uint8_t pkttype, halen, addr[8];

	if (cur_be16(c, &proto) == -1 || cur_skip(c, 2 + 4) == -1 ||
	    cur_be16(c, &hatype) == -1 || cur_u8(c, &pkttype) == -1 ||
	    cur_u8(c, &halen) == -1 || cur_bytes(c, addr, 8) == -1)
		return decode_short(d, p, MAL_LINK_TRUNCATED);
	(void)pkttype;
	return sll_common(d, hatype, halen, addr, proto, c, p);
}

/* Hands the packet after a BSD loopback header to IPv4 or IPv6. */
static enum decode_result
loopback_family(struct decoder *d, uint32_t family, struct cursor *c,
    struct packet *p)
{
	switch (family) {
	case BSD_AF_INET:
		return decode_ipv4(d, c, p);
	case BSD_AF_INET6_BSD:
	case BSD_AF_INET6_FREEBSD:
	case BSD_AF_INET6_DARWIN:
		return decode_ipv6(d, c, p);
	default:
		return DECODE_SKIP;
	}
}

static bool
loopback_known(uint32_t family)
{
	return family == BSD_AF_INET || family == BSD_AF_INET6_BSD ||
	    family == BSD_AF_INET6_FREEBSD || family == BSD_AF_INET6_DARWIN;
}

enum decode_result
decode_null(struct decoder *d, struct cursor *c, struct packet *p)
{
	struct cursor save = *c;
	uint32_t le, be;

	/*
	 * LINKTYPE_NULL stores the family in the byte order of the host that
	 * wrote the capture, which the file does not record: accept either.
	 */
	if (cur_le32(c, &le) == -1)
		return decode_short(d, p, MAL_LINK_TRUNCATED);
	if (loopback_known(le))
		return loopback_family(d, le, c, p);
	if (cur_be32(&save, &be) == -1)
		return decode_short(d, p, MAL_LINK_TRUNCATED);
	if (loopback_known(be))
		return loopback_family(d, be, c, p);
	d->stats.other++;
	return DECODE_SKIP;
}

enum decode_result
decode_loop(struct decoder *d, struct cursor *c, struct packet *p)
{
	uint32_t family;

	if (cur_be32(c, &family) == -1)
		return decode_short(d, p, MAL_LINK_TRUNCATED);
	if (!loopback_known(family)) {
		d->stats.other++;
		return DECODE_SKIP;
	}
	return loopback_family(d, family, c, p);
}

enum decode_result
decode_raw(struct decoder *d, struct cursor *c, struct packet *p)
{
	uint8_t v;

	/* Raw IP: the version nibble is all there is to tell v4 from v6. */
	if (cur_peek_u8(c, 0, &v) == -1)
		return decode_short(d, p, MAL_LINK_TRUNCATED);
	switch (v >> 4) {
	case 4:
		return decode_ipv4(d, c, p);
	case 6:
		return decode_ipv6(d, c, p);
	default:
		return decode_mal(d, MAL_RAW_BAD_VERSION);
	}
}
