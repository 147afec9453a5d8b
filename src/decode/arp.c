/*
 * arp.c - Address Resolution Protocol for IPv4 over Ethernet.
 *
 * Standard: RFC 826; hardware type 1 (Ethernet) and protocol type 0x0800
 * from the IANA ARP parameters registry.
 *
 *	+------------------+------------------+
 *	| hardware type(2) | protocol type(2) |
 *	+--------+---------+------------------+
 *	| hlen(1)| plen(1) | operation (2)    |
 *	+--------+---------+------------------+
 *	| sender hardware address (hlen = 6)  |
 *	| sender protocol address (plen = 4)  |
 *	| target hardware address (hlen = 6)  |
 *	| target protocol address (plen = 4)  |
 *	+-------------------------------------+
 */
#include "decode-private.h"

#define ARP_HTYPE_ETHER	1

enum decode_result
decode_arp(struct decoder *d, struct cursor *c, struct packet *p)
{
	uint16_t htype, ptype, op;
	uint8_t hlen, plen, spa[4], tpa[4];

	if (cur_be16(c, &htype) == -1 || cur_be16(c, &ptype) == -1 ||
	    cur_u8(c, &hlen) == -1 || cur_u8(c, &plen) == -1 ||
	    cur_be16(c, &op) == -1)
		return decode_short(d, p, MAL_ARP_TRUNCATED);
	/* Other hardware or protocol types are well-formed but not ours. */
	if (htype != ARP_HTYPE_ETHER || ptype != ETHERTYPE_IPV4) {
		d->stats.other++;
		return DECODE_SKIP;
	}
	/* RFC 826: the sizes are those of the hardware and protocol. */
	if (hlen != 6 || plen != 4)
		return decode_mal(d, MAL_ARP_BAD_SIZES);
	if (cur_bytes(c, p->arp.sha, 6) == -1 || cur_bytes(c, spa, 4) == -1 ||
	    cur_bytes(c, p->arp.tha, 6) == -1 || cur_bytes(c, tpa, 4) == -1)
		return decode_short(d, p, MAL_ARP_TRUNCATED);
	p->arp.op = op;
	addr_v4(&p->arp.spa, spa);
	addr_v4(&p->arp.tpa, tpa);
	p->flags |= PKT_ARP;
	d->stats.arp++;
	return DECODE_OK;
}
