/*
 * fuzz_smb.c - the smb and rdp stream paths. The first byte picks the
 * dissector (bit 0), the piece size (bits 1-5: 1 to 32 bytes), whether
 * pieces alternate directions (bit 6) and whether a gap ends the run
 * (bit 7); the flow's end follows.
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
	size_t step, off;
	void *st;

	if (size < 1 || (ctx.bus = obs_bus_new()) == NULL)
		return 0;
	memset(&pkt, 0, sizeof(pkt));
	memset(&mal, 0, sizeof(mal));
	pkt.flags = PKT_HAS_MAC | PKT_IP | PKT_L4;
	pkt.src.family = pkt.dst.family = 4;
	d = (data[0] & 1) ? &dissector_rdp : &dissector_smb;
	(void)d->probe(data + 1, size - 1, 0);
	(void)dissector_smb_any.probe(data + 1, size - 1, 0);
	if ((st = calloc(1, d->state_size)) != NULL) {
		step = (size_t)((data[0] >> 1) & 31) + 1;
		for (off = 1; off < size; off += step) {
			ctx.dir = (data[0] & 0x40) ? (int)((off / step) & 1) : 0;
			d->stream(&ctx, st, data + off,
			    size - off < step ? size - off : step);
		}
		if (data[0] & 0x80)
			d->gap(&ctx, st);
		if (d->end != NULL)
			d->end(&ctx, st);
		free(st);
	}
	obs_bus_free(ctx.bus);
	return 0;
}
