/*
 * fuzz_dns.c - the DNS parser through dns, mdns and llmnr datagrams and
 * the TCP stream path; the first byte picks the dissector and, for TCP,
 * where the input is split into pieces.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ward/proto.h"
#include "src/proto/proto-private.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct dissector *const dg[] = { &dissector_dns,
		&dissector_mdns, &dissector_llmnr };
	struct packet pkt;
	struct malform_counts mal;
	struct proto_ctx ctx = { .mal = &mal, .pkt = &pkt };
	struct cursor c;
	const struct dissector *d;
	size_t step, off;
	void *st;

	if (size < 1 || (ctx.bus = obs_bus_new()) == NULL)
		return 0;
	memset(&pkt, 0, sizeof(pkt));
	memset(&mal, 0, sizeof(mal));
	pkt.flags = PKT_HAS_MAC | PKT_IP | PKT_L4;
	pkt.src.family = pkt.dst.family = 4;
	c = cur_make(data + 1, size - 1);
	pkt.payload = c;
	if ((data[0] & 3) < 3) {
		d = dg[data[0] & 3];
		(void)d->probe(c.p, c.len, 0);
		d->datagram(&ctx, &c);
	} else {
		d = (data[0] & 4) ? &dissector_llmnr_tcp : &dissector_dns_tcp;
		(void)d->probe(c.p, c.len, 0);
		if ((st = calloc(1, d->state_size)) != NULL) {
			/* Pieces of 1 to 32 bytes, directions alternating. */
			step = (size_t)(data[0] >> 3) + 1;
			for (off = 0; off < c.len; off += step) {
				ctx.dir = (int)((off / step) & (data[0] >> 7));
				d->stream(&ctx, st, c.p + off,
				    c.len - off < step ? c.len - off : step);
			}
			if (data[0] & 0x40)
				d->gap(&ctx, st);
			if (d->end != NULL)
				d->end(&ctx, st);
			free(st);
		}
	}
	obs_bus_free(ctx.bus);
	return 0;
}
