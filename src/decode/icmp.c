/*
 * icmp.c - ICMP for IPv4 and IPv6, with Neighbor Discovery options.
 *
 * Standards: RFC 792 (ICMP), RFC 4443 (ICMPv6), RFC 4861 4.1-4.6 (Router
 * Solicitation 133, Router Advertisement 134, Neighbor Solicitation 135,
 * Neighbor Advertisement 136, Redirect 137 and their options).
 *
 * ICMP and ICMPv6:
 *	+--------+--------+-----------------+
 *	|  Type  |  Code  |    Checksum     |
 *	+--------+--------+-----------------+
 *	|    message body ...
 * NDP bodies, after the 4 bytes above, then options:
 *	133 RS	| reserved (4) |
 *	134 RA	| hop limit | flags | lifetime (2) | reachable (4) | retrans (4) |
 *	135 NS	| reserved (4) | target address (16) |
 *	136 NA	| flags, reserved (4) | target address (16) |
 *	137	| reserved (4) | target address (16) | destination address (16) |
 * NDP option:
 *	| type | length (8-octet units, not 0) | value ... |
 */
#include <string.h>

#include "decode-private.h"

#define ICMP_HLEN		4

#define ND_ROUTER_SOLICIT	133
#define ND_ROUTER_ADVERT	134
#define ND_NEIGHBOR_SOLICIT	135
#define ND_NEIGHBOR_ADVERT	136
#define ND_REDIRECT		137

#define ND_OPT_SOURCE_LLADDR	1
#define ND_OPT_TARGET_LLADDR	2

enum decode_result
decode_icmp(struct decoder *d, struct cursor *c, struct packet *p)
{
	if (d->l4len < ICMP_HLEN)
		return decode_mal(d, MAL_ICMP_TRUNCATED);
	if (cur_u8(c, &p->icmp_type) == -1 || cur_u8(c, &p->icmp_code) == -1 ||
	    cur_skip(c, 2) == -1)
		return decode_short(d, p, MAL_ICMP_TRUNCATED);
	d->stats.icmp++;
	p->flags |= PKT_L4;
	p->payload = *c;
	return DECODE_OK;
}

/*
 * RFC 4861 4.6: options are type, length in units of 8 octets (a zero
 * length must be discarded) and fill the message. The first source or
 * target link-layer address option of Ethernet size is kept.
 */
static enum decode_result
ndp_options(struct decoder *d, struct cursor *c, bool cut, struct packet *p)
{
	struct cursor opt;
	uint8_t type, len;

	while (cur_left(c) > 0) {
		if (cur_u8(c, &type) == -1 || cur_u8(c, &len) == -1 ||
		    len == 0)
			return decode_mal(d, MAL_NDP_BAD_OPTION);
		if (cur_sub(c, (size_t)len * 8 - 2, &opt) == -1) {
			if (cut) {
				d->stats.snapped++;
				return DECODE_OK;
			}
			return decode_mal(d, MAL_NDP_BAD_OPTION);
		}
		if ((type == ND_OPT_SOURCE_LLADDR ||
		    type == ND_OPT_TARGET_LLADDR) && len == 1 &&
		    !p->ndp.has_lladdr) {
			if (cur_bytes(&opt, p->ndp.lladdr, 6) == -1)
				return decode_mal(d, MAL_NDP_BAD_OPTION);
			p->ndp.has_lladdr = true;
		}
	}
	return DECODE_OK;
}

enum decode_result
decode_icmp6(struct decoder *d, struct cursor *c, struct packet *p)
{
	struct cursor body;
	uint8_t target[16];
	size_t fixed;
	bool cut = cur_left(c) < d->l4len;	/* by the snap length */

	if (d->l4len < ICMP_HLEN)
		return decode_mal(d, MAL_ICMP6_TRUNCATED);
	if (cur_u8(c, &p->icmp_type) == -1 || cur_u8(c, &p->icmp_code) == -1 ||
	    cur_skip(c, 2) == -1)
		return decode_short(d, p, MAL_ICMP6_TRUNCATED);
	d->stats.icmp6++;
	p->flags |= PKT_L4;
	p->payload = *c;

	switch (p->icmp_type) {
	case ND_ROUTER_SOLICIT:
		fixed = 4;
		break;
	case ND_ROUTER_ADVERT:
		fixed = 12;
		break;
	case ND_NEIGHBOR_SOLICIT:
	case ND_NEIGHBOR_ADVERT:
		fixed = 20;
		break;
	case ND_REDIRECT:
		fixed = 36;
		break;
	default:
		return DECODE_OK;
	}
	/* RFC 4861 7.1: the message is at least as long as its body. */
	if (d->l4len < ICMP_HLEN + fixed)
		return decode_mal(d, MAL_ICMP6_TRUNCATED);
	body = *c;
	if (cur_skip(&body, 4) == -1)
		return decode_short(d, p, MAL_ICMP6_TRUNCATED);
	if (fixed >= 20) {
		if (cur_bytes(&body, target, 16) == -1)
			return decode_short(d, p, MAL_ICMP6_TRUNCATED);
		addr_v6(&p->ndp.target, target);
	}
	if (cur_skip(&body, fixed - (fixed >= 20 ? 20 : 4)) == -1)
		return decode_short(d, p, MAL_ICMP6_TRUNCATED);
	p->ndp.type = p->icmp_type;
	p->flags |= PKT_NDP;
	return ndp_options(d, &body, cut, p);
}
