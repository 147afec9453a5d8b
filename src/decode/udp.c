/*
 * udp.c - User Datagram Protocol header.
 *
 * Standard: RFC 768 (the length counts header and data, so at least 8).
 *
 *	 0      7 8     15 16    23 24    31
 *	+--------+--------+--------+--------+
 *	|   Source Port   |   Dest. Port    |
 *	+--------+--------+--------+--------+
 *	|     Length      |    Checksum     |
 *	+--------+--------+--------+--------+
 *	|          data octets ...
 *	+-----------------------------------
 */
#include "decode-private.h"

#define UDP_HLEN	8

enum decode_result
decode_udp(struct decoder *d, struct cursor *c, struct packet *p)
{
	uint16_t sport, dport, len;

	if (d->l4len < UDP_HLEN)
		return decode_mal(d, MAL_UDP_TRUNCATED);
	if (cur_be16(c, &sport) == -1 || cur_be16(c, &dport) == -1 ||
	    cur_be16(c, &len) == -1 || cur_skip(c, 2) == -1)
		return decode_short(d, p, MAL_UDP_TRUNCATED);
	/*
	 * RFC 768: the length covers the header and the data, and cannot
	 * claim more than the IP payload that carries it.
	 */
	if (len < UDP_HLEN || len > d->l4len)
		return decode_mal(d, MAL_UDP_BAD_LENGTH);

	d->stats.udp++;
	p->sport = sport;
	p->dport = dport;
	p->flags |= PKT_L4;
	/* Trim to the UDP length; keep less if the snap length cut it. */
	if (cur_left(c) > (size_t)len - UDP_HLEN &&
	    cur_truncate(c, (size_t)len - UDP_HLEN) == -1)
		return decode_mal(d, MAL_UDP_TRUNCATED);	/* not reached */
	p->payload = *c;
	return DECODE_OK;
}
