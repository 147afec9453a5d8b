/*
 * tcp.c - Transmission Control Protocol header.
 *
 * Standard: RFC 9293 3.1 (header format, data offset), RFC 3168 (ECE, CWR).
 *
 *	 0                   1                   2                   3
 *	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *	+-------------------------------+-------------------------------+
 *	|          Source Port          |       Destination Port        |
 *	+-------------------------------+-------------------------------+
 *	|                        Sequence Number                        |
 *	+---------------------------------------------------------------+
 *	|                    Acknowledgment Number                      |
 *	+-------+-------+---------------+-------------------------------+
 *	|  Data |       |C|E|U|A|P|R|S|F|                               |
 *	| Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 *	+-------+-------+---------------+-------------------------------+
 *	|           Checksum            |         Urgent Pointer        |
 *	+-------------------------------+-------------------------------+
 *	|                    Options                    |    Padding    |
 *	+---------------------------------------------------------------+
 */
#include "decode-private.h"

#define TCP_MIN_HLEN	20

enum decode_result
decode_tcp(struct decoder *d, struct cursor *c, struct packet *p)
{
	uint16_t sport, dport, offflags, win;
	uint32_t seq, ack;
	size_t hlen;

	/* The declared segment, not only the capture, must hold a header. */
	if (d->l4len < TCP_MIN_HLEN)
		return decode_mal(d, MAL_TCP_TRUNCATED);
	if (cur_be16(c, &sport) == -1 || cur_be16(c, &dport) == -1 ||
	    cur_be32(c, &seq) == -1 || cur_be32(c, &ack) == -1 ||
	    cur_be16(c, &offflags) == -1 || cur_be16(c, &win) == -1 ||
	    cur_skip(c, 4) == -1)
		return decode_short(d, p, MAL_TCP_TRUNCATED);

	/* RFC 9293 3.1: the data offset counts 32-bit words, at least 5. */
	hlen = (size_t)(offflags >> 12) * 4;
	if (hlen < TCP_MIN_HLEN || hlen > d->l4len)
		return decode_mal(d, MAL_TCP_BAD_OFFSET);

	d->stats.tcp++;
	p->sport = sport;
	p->dport = dport;
	p->seq = seq;
	p->ack = ack;
	p->win = win;
	p->tcp_flags = offflags & 0xff;
	p->flags |= PKT_L4;
	if (cur_skip(c, hlen - TCP_MIN_HLEN) == -1) {
		/* Options cut by the snap length: the header fields stand. */
		d->stats.snapped++;
		p->payload = cur_make(NULL, 0);
		return DECODE_OK;
	}
	p->payload = *c;
	return DECODE_OK;
}
