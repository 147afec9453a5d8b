/*
 * decode_dump.c - prints what the decode layer makes of a capture, one line
 * per frame, in the shape of tshark -T fields:
 *
 *	frame_number <TAB> src <TAB> dst <TAB> l4proto <TAB> sport <TAB> dport
 *
 * Fields a frame does not have are empty: no addresses for ARP or skipped
 * frames, no ports but for TCP and UDP headers (not for a fragment held
 * for reassembly). A malformed frame prints "#malformed N kind" instead, and
 * the last line is "#stats" with the decoder's counters.
 *
 * usage: decode_dump capture.pcap
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "ward/decode.h"

static void
print_stats(const struct decode_stats *s)
{
	printf("#stats packets=%" PRIu64 " bytes=%" PRIu64 " arp=%" PRIu64
	    " ipv4=%" PRIu64 " ipv6=%" PRIu64 " tcp=%" PRIu64 " udp=%" PRIu64
	    " icmp=%" PRIu64 " icmp6=%" PRIu64 " other=%" PRIu64
	    " vlan=%" PRIu64 " fragments=%" PRIu64 " reassembled=%" PRIu64
	    " snapped=%" PRIu64, s->packets, s->bytes, s->arp, s->ipv4,
	    s->ipv6, s->tcp, s->udp, s->icmp, s->icmp6, s->other, s->vlan,
	    s->fragments, s->reassembled, s->snapped);
	for (int k = 0; k < MAL_COUNT; k++)
		if (s->mal.n[k] != 0)
			printf(" %s=%" PRIu64, malform_name(k), s->mal.n[k]);
	printf("\n");
}

/* The kind whose counter moved since before; "unknown" if none did. */
static const char *
moved(const struct malform_counts *before, const struct malform_counts *now)
{
	for (int k = 0; k < MAL_COUNT; k++)
		if (now->n[k] != before->n[k])
			return malform_name(k);
	return "unknown";
}

int
main(int argc, char *argv[])
{
	char errbuf[PCAP_ERRBUF_SIZE], src[ADDR_STRLEN], dst[ADDR_STRLEN];
	struct malform_counts before;
	struct pcap_pkthdr *h;
	const u_char *data;
	struct decoder *d;
	struct packet p;
	enum decode_result r;
	unsigned long n = 0;
	pcap_t *pc;
	int lt, rc;

	if (argc != 2) {
		fprintf(stderr, "usage: decode_dump capture.pcap\n");
		return 2;
	}
	pc = pcap_open_offline_with_tstamp_precision(argv[1],
	    PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (pc == NULL) {
		fprintf(stderr, "decode_dump: %s: %s\n", argv[1], errbuf);
		return 1;
	}
	if ((d = decoder_new(NULL)) == NULL) {
		fprintf(stderr, "decode_dump: out of memory\n");
		return 1;
	}
	lt = pcap_datalink(pc);
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
		n++;
		before = decoder_stats(d)->mal;
		r = decode_packet(d, lt, (uint64_t)h->ts.tv_sec * 1000000 +
		    (uint64_t)h->ts.tv_usec, data, h->caplen, h->len, &p);
		if (r == DECODE_MALFORMED) {
			printf("#malformed %lu %s\n", n,
			    moved(&before, &decoder_stats(d)->mal));
			continue;
		}
		if ((p.flags & PKT_IP) == 0) {
			printf("%lu\t\t\t\t\t\n", n);
			continue;
		}
		printf("%lu\t%s\t%s\t%u\t", n,
		    addr_fmt(&p.src, src, sizeof(src)),
		    addr_fmt(&p.dst, dst, sizeof(dst)), p.l4proto);
		if (r == DECODE_OK && (p.flags & PKT_L4) != 0 &&
		    (p.l4proto == IPPROTO_TCP_ || p.l4proto == IPPROTO_UDP_))
			printf("%u\t%u\n", p.sport, p.dport);
		else
			printf("\t\n");
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "decode_dump: %s: %s\n", argv[1],
		    pcap_geterr(pc));
		return 1;
	}
	print_stats(decoder_stats(d));
	decoder_free(d);
	pcap_close(pc);
	return 0;
}
