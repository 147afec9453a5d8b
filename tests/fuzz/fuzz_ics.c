/*
 * fuzz_ics.c - ssdp and bacnet datagrams and the modbus stream path. The
 * first byte picks the dissector (bits 0-1: ssdp, bacnet, modbus) and,
 * for modbus, the piece size (bits 2-6) and the directions (bit 7).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ward/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct packet pkt;
	struct malform_counts mal;
	struct proto_ctx ctx = { .mal = &mal, .pkt = &pkt };
	const struct dissector *d;
	struct cursor c;
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
	switch (data[0] & 3) {
	case 0:
	case 1:
		d = (data[0] & 1) ? &dissector_bacnet : &dissector_ssdp;
		(void)d->probe(c.p, c.len, 0);
		d->datagram(&ctx, &c);
		break;
	default:
		d = &dissector_modbus;
		(void)d->probe(c.p, c.len, 0);
		if ((st = calloc(1, d->state_size)) == NULL)
			break;
		step = (size_t)((data[0] >> 2) & 31) + 1;
		for (off = 0; off < c.len; off += step) {
			ctx.dir = (data[0] & 0x80) ? (int)((off / step) & 1) :
			    (int)(data[0] & 1);
			d->stream(&ctx, st, c.p + off,
			    c.len - off < step ? c.len - off : step);
		}
		d->gap(&ctx, st);
		if (d->end != NULL)
			d->end(&ctx, st);
		free(st);
		break;
	}
	obs_bus_free(ctx.bus);
	return 0;
}
