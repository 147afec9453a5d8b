/*
 * ipv4.c - Internet Protocol version 4: header, options, fragments.
 *
 * Standard: RFC 791 (header, options, fragmentation), RFC 1122 3.2.1
 * (checks a host performs), RFC 6864 (the identification field).
 *
 *	 0                   1                   2                   3
 *	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *	+-------+-------+---------------+-------------------------------+
 *	|Version|  IHL  |Type of Service|          Total Length         |
 *	+-------+-------+---------------+-----+-------------------------+
 *	|         Identification        |Flags|      Fragment Offset    |
 *	+---------------+---------------+-----+-------------------------+
 *	|  Time to Live |    Protocol   |         Header Checksum       |
 *	+---------------+---------------+-------------------------------+
 *	|                       Source Address                          |
 *	+---------------------------------------------------------------+
 *	|                    Destination Address                        |
 *	+-----------------------------------------------+---------------+
 *	|                    Options                    |    Padding    |
 *	+-----------------------------------------------+---------------+
 */
#include <string.h>

#include "decode-private.h"

#define IPV4_MIN_HLEN	20
#define IPV4_FLAG_MF	0x2000
#define IPV4_OFF_MASK	0x1fff

#define IPOPT_EOL	0
#define IPOPT_NOP	1

/*
 * RFC 791 3.1 "Options": an option is a single octet (End of Option List,
 * No Operation) or type, length (counting type and length, so at least 2)
 * and data, and must fit in the header.
 */
static int
ipv4_options(struct cursor *o)
{
	uint8_t type, len;

	while (cur_left(o) > 0) {
		if (cur_u8(o, &type) == -1)
			return -1;
		if (type == IPOPT_EOL)
			return 0;	/* the rest is padding */
		if (type == IPOPT_NOP)
			continue;
		if (cur_u8(o, &len) == -1 || len < 2 ||
		    cur_skip(o, (size_t)len - 2) == -1)
			return -1;
	}
	return 0;
}

enum decode_result
decode_ipv4(struct decoder *d, struct cursor *c, struct packet *p)
{
	struct cursor hdr, whole;
	struct frag_key key;
	enum decode_result r;
	uint8_t vihl, ttl, proto, src[4], dst[4];
	uint16_t total, id, frag;
	size_t hlen, paylen;
	uint32_t off;
	bool more, cut = false;

	if (cur_peek_u8(c, 0, &vihl) == -1)
		return decode_short(d, p, MAL_IPV4_TRUNCATED);
	if (vihl >> 4 != 4)
		return decode_mal(d, MAL_IPV4_BAD_VERSION);
	/* RFC 791: the IHL counts 32-bit words and is at least 5. */
	hlen = (size_t)(vihl & 0x0f) * 4;
	if (hlen < IPV4_MIN_HLEN)
		return decode_mal(d, MAL_IPV4_BAD_IHL);
	if (cur_sub(c, hlen, &hdr) == -1)
		return decode_short(d, p, MAL_IPV4_TRUNCATED);
	if (cur_skip(&hdr, 2) == -1 || cur_be16(&hdr, &total) == -1 ||
	    cur_be16(&hdr, &id) == -1 || cur_be16(&hdr, &frag) == -1 ||
	    cur_u8(&hdr, &ttl) == -1 || cur_u8(&hdr, &proto) == -1 ||
	    cur_skip(&hdr, 2) == -1 || cur_bytes(&hdr, src, 4) == -1 ||
	    cur_bytes(&hdr, dst, 4) == -1)
		return decode_mal(d, MAL_IPV4_TRUNCATED);	/* not reached */

	d->stats.ipv4++;
	addr_v4(&p->src, src);
	addr_v4(&p->dst, dst);
	p->l4proto = proto;
	p->ttl = ttl;
	p->iplen = total;

	/* RFC 791: the total length includes the header. */
	if (total < hlen)
		return decode_mal(d, MAL_IPV4_BAD_LENGTH);
	if (cur_left(&hdr) > 0) {
		p->flags |= PKT_IP_OPTIONS;
		if (ipv4_options(&hdr) == -1)
			return decode_mal(d, MAL_IPV4_BAD_OPTION);
	}
	p->flags |= PKT_IP;

	/*
	 * The total length trims the Ethernet padding of short frames. A
	 * datagram longer than what was captured is truncated, unless the
	 * snap length cut it: then decode what is there.
	 */
	paylen = total - hlen;
	if (cur_left(c) < paylen) {
		if (!d->snapped)
			return decode_mal(d, MAL_IPV4_TRUNCATED);
		cut = true;
	} else if (cur_truncate(c, paylen) == -1)
		return decode_mal(d, MAL_IPV4_TRUNCATED);	/* not reached */
	d->l4len = paylen;

	/* RFC 791: MF set or a non-zero offset makes a fragment. */
	more = (frag & IPV4_FLAG_MF) != 0;
	off = (uint32_t)(frag & IPV4_OFF_MASK) * 8;
	if (!more && off == 0)
		return decode_transport(d, proto, c, p);

	d->stats.fragments++;
	if (cut) {
		/* Missing bytes cannot be reassembled; report the header. */
		d->stats.snapped++;
		return DECODE_OK;
	}
	memset(&key, 0, sizeof(key));
	key.src = p->src;
	key.dst = p->dst;
	key.id = id;
	key.proto = proto;
	r = frag_add(d, &key, p->ts, off, more, hlen, c, &whole);
	if (r != DECODE_OK)
		return r;
	/* Every byte of a reassembled datagram was captured. */
	p->flags |= PKT_REASSEMBLED;
	d->snapped = false;
	d->l4len = cur_left(&whole);
	return decode_transport(d, proto, &whole, p);
}
