/*
 * fuzz_dicom.c - the DICOM dissector's stream path: both directions fed
 * through stream() in slices whose sizes and directions the input picks.
 *
 * Input: a list of records, each a control byte and then up to 255 bytes:
 * bit 7 of the control byte is the direction, bit 6 asks for a gap before
 * the record, bits 0-5 are the slice size (1 to 64) the record is fed in;
 * the byte after the control byte is the record's length.
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
	struct packet pkt;
	struct malform_counts mal;
	struct proto_ctx ctx = { .mal = &mal, .pkt = &pkt };
	const struct dissector *d = &dissector_dicom;
	size_t off = 0;
	void *st;

	if ((ctx.bus = obs_bus_new()) == NULL)
		return 0;
	memset(&pkt, 0, sizeof(pkt));
	memset(&mal, 0, sizeof(mal));
	pkt.flags = PKT_HAS_MAC | PKT_IP | PKT_L4;
	pkt.src.family = pkt.dst.family = 4;
	(void)d->probe(data, size, 0);
	if ((st = calloc(1, d->state_size)) == NULL) {
		obs_bus_free(ctx.bus);
		return 0;
	}
	while (off + 2 <= size) {
		uint8_t ctl = data[off], len = data[off + 1];
		size_t n = size - off - 2 < len ? size - off - 2 : len;
		size_t step = (size_t)(ctl & 0x3f) + 1;
		const uint8_t *p = data + off + 2;

		ctx.dir = ctl >> 7;
		if (ctl & 0x40)
			d->gap(&ctx, st);
		for (size_t i = 0; i < n; i += step)
			d->stream(&ctx, st, p + i, n - i < step ? n - i : step);
		off += 2 + n;
	}
	if (d->end != NULL)
		d->end(&ctx, st);
	free(st);
	obs_bus_free(ctx.bus);
	return 0;
}
