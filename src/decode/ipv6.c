/*
 * ipv6.c - Internet Protocol version 6: header, extension headers,
 * fragments.
 *
 * Standards: RFC 8200 (header, extension headers 4.1-4.6, fragments 4.5),
 * RFC 4302 (AH length in 32-bit words), RFC 6946 (atomic fragments),
 * RFC 2675 (jumbograms), RFC 6564 (uniform format of new extension headers).
 *
 *	+-------+---------------+---------------------------------------+
 *	|Version| Traffic Class |              Flow Label               |
 *	+-------+---------------+-------+---------------+---------------+
 *	|         Payload Length        |  Next Header  |   Hop Limit   |
 *	+-------------------------------+---------------+---------------+
 *	|                    Source Address (128 bits)                  |
 *	+---------------------------------------------------------------+
 *	|                 Destination Address (128 bits)                |
 *	+---------------------------------------------------------------+
 * Extension header (hop-by-hop, routing, destination options, RFC 6564):
 *	| Next Header | Hdr Ext Len (8-octet units, not counting the first) |
 * Fragment header (8 bytes):
 *	| Next Header | Reserved | Fragment Offset (13) | Res (2) | M |
 *	| Identification (32)                                          |
 */
#include <string.h>

#include "decode-private.h"

#define IPV6_HLEN	40

#define NH_HOPOPTS	0
#define NH_ROUTING	43
#define NH_FRAGMENT	44
#define NH_ESP		50
#define NH_AH		51
#define NH_NONE		59
#define NH_DSTOPTS	60
#define NH_MOBILITY	135
#define NH_HIP		139
#define NH_SHIM6	140

#define OPT_PAD1	0

/*
 * RFC 8200 4.2: options are Pad1 (a single zero octet) or type, length
 * and that many data octets, and they fill the header exactly.
 */
static int
ipv6_options(struct cursor *o)
{
	uint8_t type, len;

	while (cur_left(o) > 0) {
		if (cur_u8(o, &type) == -1)
			return -1;
		if (type == OPT_PAD1)
			continue;
		if (cur_u8(o, &len) == -1 || cur_skip(o, len) == -1)
			return -1;
	}
	return 0;
}

/*
 * Walks the extension headers from next header nh over c (decl bytes
 * declared by the payload length, more than cur_left(c) when the snap
 * length cut the frame) and hands the upper layer to decode_transport().
 * After reassembly the walk goes on over the fragmentable part, where a
 * second fragment header or a hop-by-hop header has no place.
 */
static enum decode_result
ipv6_walk(struct decoder *d, uint8_t nh, struct cursor *c, size_t decl,
    struct packet *p)
{
	struct cursor ext, whole;
	struct frag_key key;
	enum decode_result r;
	size_t start = decl, size;
	uint32_t id;
	uint16_t offm;
	uint8_t next, len;
	unsigned int n = 0;
	bool reassembled = false;

	for (;;) {
		switch (nh) {
		case NH_HOPOPTS:
		case NH_DSTOPTS:
		case NH_ROUTING:
		case NH_MOBILITY:
		case NH_HIP:
		case NH_SHIM6:
		case NH_AH:
		case NH_FRAGMENT:
			break;
		case NH_ESP:
		case NH_NONE:
			/* Nothing after these can be read. */
			p->l4proto = nh;
			d->stats.other++;
			p->payload = *c;
			return DECODE_OK;
		default:
			d->l4len = decl;
			return decode_transport(d, nh, c, p);
		}

		if (++n > IPV6_MAX_EXT)
			return decode_mal(d, MAL_IPV6_TOO_MANY_EXT);
		/* RFC 8200 4.3: hop-by-hop options only right after the header. */
		if (nh == NH_HOPOPTS && (n != 1 || reassembled))
			return decode_mal(d, MAL_IPV6_BAD_EXT);
		if (cur_peek_u8(c, 0, &next) == -1 ||
		    cur_peek_u8(c, 1, &len) == -1) {
			if (decl < 2)
				return decode_mal(d, MAL_IPV6_BAD_EXT);
			return decode_short(d, p, MAL_IPV6_TRUNCATED);
		}
		if (nh == NH_FRAGMENT)
			size = 8;
		else if (nh == NH_AH)
			size = ((size_t)len + 2) * 4;	/* RFC 4302 2.2 */
		else
			size = ((size_t)len + 1) * 8;
		/* The header must fit in the declared payload. */
		if (size > decl)
			return decode_mal(d, MAL_IPV6_BAD_EXT);
		if (cur_sub(c, size, &ext) == -1)
			return decode_short(d, p, MAL_IPV6_TRUNCATED);
		decl -= size;
		if (cur_skip(&ext, 2) == -1)
			return decode_mal(d, MAL_IPV6_BAD_EXT);	/* not reached */

		if (nh == NH_HOPOPTS || nh == NH_DSTOPTS) {
			if (ipv6_options(&ext) == -1)
				return decode_mal(d, MAL_IPV6_BAD_EXT);
		}
		if (nh != NH_FRAGMENT) {
			nh = next;
			continue;
		}

		/* RFC 8200 4.5: fragment header. */
		if (cur_be16(&ext, &offm) == -1 || cur_be32(&ext, &id) == -1)
			return decode_mal(d, MAL_IPV6_BAD_EXT);	/* not reached */
		if (reassembled)
			return decode_mal(d, MAL_IPV6_BAD_EXT);
		/* RFC 6946: an atomic fragment is processed on its own. */
		if ((offm & 0xfff8) == 0 && (offm & 1) == 0) {
			nh = next;
			continue;
		}
		d->stats.fragments++;
		p->l4proto = next;
		if (cur_left(c) < decl) {
			d->stats.snapped++;
			return DECODE_OK;
		}
		memset(&key, 0, sizeof(key));
		key.src = p->src;
		key.dst = p->dst;
		key.id = id;
		key.proto = next;
		/*
		 * The extension headers in front of the fragment header (the
		 * unfragmentable part) count towards the 65535-byte limit.
		 */
		r = frag_add(d, &key, p->ts, offm & 0xfff8, (offm & 1) != 0,
		    start - decl - size, c, &whole);
		if (r != DECODE_OK)
			return r;
		p->flags |= PKT_REASSEMBLED;
		d->snapped = false;
		reassembled = true;
		*c = whole;
		decl = cur_left(c);
		nh = next;
	}
}

enum decode_result
decode_ipv6(struct decoder *d, struct cursor *c, struct packet *p)
{
	struct cursor hdr;
	uint32_t vtcfl;
	uint16_t plen;
	uint8_t nh, hlim, src[16], dst[16];
	size_t decl;

	if (cur_sub(c, IPV6_HLEN, &hdr) == -1)
		return decode_short(d, p, MAL_IPV6_TRUNCATED);
	if (cur_be32(&hdr, &vtcfl) == -1 || cur_be16(&hdr, &plen) == -1 ||
	    cur_u8(&hdr, &nh) == -1 || cur_u8(&hdr, &hlim) == -1 ||
	    cur_bytes(&hdr, src, 16) == -1 || cur_bytes(&hdr, dst, 16) == -1)
		return decode_mal(d, MAL_IPV6_TRUNCATED);	/* not reached */
	if (vtcfl >> 28 != 6)
		return decode_mal(d, MAL_IPV6_BAD_VERSION);

	d->stats.ipv6++;
	addr_v6(&p->src, src);
	addr_v6(&p->dst, dst);
	p->l4proto = nh;
	p->ttl = hlim;
	p->iplen = IPV6_HLEN + (uint32_t)plen;

	decl = plen;
	if (plen == 0 && nh == NH_HOPOPTS) {
		/* RFC 2675: a jumbogram; its length is what was captured. */
		decl = cur_left(c);
		p->iplen = IPV6_HLEN + (uint32_t)decl;
	} else if (plen == 0 && nh != NH_NONE)
		return decode_mal(d, MAL_IPV6_BAD_LENGTH);
	p->flags |= PKT_IP;

	/* As for IPv4: trim the padding, tolerate only the snap length. */
	if (cur_left(c) < decl) {
		if (!d->snapped)
			return decode_mal(d, MAL_IPV6_TRUNCATED);
	} else if (cur_truncate(c, decl) == -1)
		return decode_mal(d, MAL_IPV6_TRUNCATED);	/* not reached */
	return ipv6_walk(d, nh, c, decl, p);
}
