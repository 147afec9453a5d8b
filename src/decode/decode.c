/*
 * decode.c - decoder state, the decode_packet() entry and the link-type
 * and transport dispatch.
 *
 * Link-layer header types follow the tcpdump.org LINKTYPE_ registry
 * (https://www.tcpdump.org/linktypes.html); the DLT_ values a platform's
 * libpcap returns for raw IP (12, or 14 on OpenBSD) are accepted as well.
 *
 *	frame --> link (ether.c: Ethernet, VLAN, SLL, SLL2, NULL, LOOP, raw)
 *	      --> network (arp.c, ipv4.c, ipv6.c; fragments to frag.c)
 *	      --> transport (tcp.c, udp.c, icmp.c)
 */
#include <stdlib.h>
#include <string.h>

#include "decode-private.h"

#define DLT_RAW_COMMON	12	/* DLT_RAW on most platforms */
#define DLT_RAW_OPENBSD	14	/* DLT_RAW on OpenBSD */

struct decoder *
decoder_new(const struct decode_config *cfg)
{
	struct decoder *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->cfg.frag_memcap = DECODE_DEFAULT_FRAG_MEMCAP;
	d->cfg.frag_timeout = DECODE_DEFAULT_FRAG_TIMEOUT;
	if (cfg != NULL) {
		if (cfg->frag_memcap != 0)
			d->cfg.frag_memcap = cfg->frag_memcap;
		if (cfg->frag_timeout != 0)
			d->cfg.frag_timeout = cfg->frag_timeout;
	}
	if ((d->frags = frag_table_new()) == NULL) {
		free(d);
		return NULL;
	}
	return d;
}

void
decoder_free(struct decoder *d)
{
	if (d == NULL)
		return;
	frag_table_free(d->frags);
	free(d->reasm);
	free(d);
}

bool
decode_linktype_supported(int linktype)
{
	switch (linktype) {
	case LINK_NULL:
	case LINK_ETHERNET:
	case LINK_RAW:
	case DLT_RAW_COMMON:
	case DLT_RAW_OPENBSD:
	case LINK_LOOP:
	case LINK_LINUX_SLL:
	case LINK_IPV4:
	case LINK_IPV6:
	case LINK_LINUX_SLL2:
		return true;
	default:
		return false;
	}
}

enum decode_result
decode_packet(struct decoder *d, int linktype, uint64_t ts,
    const uint8_t *frame, uint32_t caplen, uint32_t wirelen,
    struct packet *out)
{
	struct cursor c;

	/* The previous reassembled datagram is no longer borrowed. */
	free(d->reasm);
	d->reasm = NULL;

	memset(out, 0, sizeof(*out));
	out->ts = ts;
	out->caplen = caplen;
	out->wirelen = wirelen;
	d->stats.packets++;
	d->stats.bytes += wirelen;
	d->snapped = caplen < wirelen;
	d->l4len = 0;
	c = cur_make(frame, frame == NULL ? 0 : caplen);

	switch (linktype) {
	case LINK_ETHERNET:
		return decode_ether(d, &c, out);
	case LINK_LINUX_SLL:
		return decode_sll(d, &c, out);
	case LINK_LINUX_SLL2:
		return decode_sll2(d, &c, out);
	case LINK_NULL:
		return decode_null(d, &c, out);
	case LINK_LOOP:
		return decode_loop(d, &c, out);
	case LINK_RAW:
	case DLT_RAW_COMMON:
	case DLT_RAW_OPENBSD:
		return decode_raw(d, &c, out);
	case LINK_IPV4:
		return decode_ipv4(d, &c, out);
	case LINK_IPV6:
		return decode_ipv6(d, &c, out);
	default:
		return decode_mal(d, MAL_LINK_UNKNOWN);
	}
}

enum decode_result
decode_transport(struct decoder *d, uint8_t proto, struct cursor *c,
    struct packet *p)
{
	p->l4proto = proto;
	switch (proto) {
	case IPPROTO_TCP_:
		return decode_tcp(d, c, p);
	case IPPROTO_UDP_:
		return decode_udp(d, c, p);
	case IPPROTO_ICMP_:
		return decode_icmp(d, c, p);
	case IPPROTO_ICMPV6_:
		return decode_icmp6(d, c, p);
	default:
		d->stats.other++;
		p->payload = *c;
		return DECODE_OK;
	}
}

void
decoder_expire(struct decoder *d, uint64_t now)
{
	frag_expire(d, now);
}

const struct decode_stats *
decoder_stats(const struct decoder *d)
{
	return &d->stats;
}

struct malform_counts *
decoder_malform(struct decoder *d)
{
	return &d->stats.mal;
}

size_t
decoder_frag_bytes(const struct decoder *d)
{
	return frag_table_bytes(d->frags);
}
