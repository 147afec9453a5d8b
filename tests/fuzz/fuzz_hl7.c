/*
 * fuzz_hl7.c - the HL7/MLLP dissector through stream(): the first byte
 * seeds the slicing, the rest is cut into slices of 1 to 64 bytes that go
 * to either direction; an optional gap, then end() reads open blocks.
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
	const struct dissector *d = &dissector_hl7;
	struct packet pkt;
	struct malform_counts mal;
	struct proto_ctx ctx = { .mal = &mal, .pkt = &pkt };
	uint32_t rnd;
	size_t off, step;
	void *st;

	if (size < 1 || (ctx.bus = obs_bus_new()) == NULL)
		return 0;
	memset(&pkt, 0, sizeof(pkt));
	memset(&mal, 0, sizeof(mal));
	pkt.flags = PKT_HAS_MAC | PKT_IP | PKT_L4;
	pkt.src.family = pkt.dst.family = 4;
	rnd = data[0] * 2654435761u + 1;
	(void)d->probe(data + 1, size - 1, 0);
	if ((st = calloc(1, d->state_size)) != NULL) {
		for (off = 1; off < size; off += step) {
			/* A small LCG picks each slice's size and direction. */
			rnd = rnd * 1103515245u + 12345u;
			step = (size_t)(rnd >> 16) % 64 + 1;
			if (step > size - off)
				step = size - off;
			ctx.dir = (int)((rnd >> 30) & (data[0] >> 7));
			d->stream(&ctx, st, data + off, step);
			if ((data[0] & 0x40) && (rnd >> 8) % 97 == 0)
				d->gap(&ctx, st);
		}
		ctx.pkt = NULL;
		d->end(&ctx, st);
		free(st);
	}
	obs_bus_free(ctx.bus);
	return 0;
}
