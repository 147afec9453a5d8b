/*
 * fuzz_stream_common.h - the body of the fuzz targets of one TCP
 * dissector's stream path (fuzz_ssh.c, fuzz_tls.c): the input is cut into
 * pieces of 1 to 64 bytes (first byte) and each piece goes to the
 * direction the next bit of the second byte names; bit 6 of the first
 * byte ends the run with a gap; the flow's end follows.
 */
#ifndef WARD_FUZZ_STREAM_COMMON_H
#define WARD_FUZZ_STREAM_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ward/proto.h"

static int
fuzz_stream(const struct dissector *d, const uint8_t *data, size_t size)
{
	struct packet pkt;
	struct malform_counts mal;
	struct proto_ctx ctx = { .mal = &mal, .pkt = &pkt };
	size_t step, off, i = 0;
	uint8_t dirs, flags;
	void *st;

	if (size < 2 || (ctx.bus = obs_bus_new()) == NULL)
		return 0;
	memset(&pkt, 0, sizeof(pkt));
	memset(&mal, 0, sizeof(mal));
	pkt.flags = PKT_HAS_MAC | PKT_IP | PKT_L4;
	pkt.src.family = pkt.dst.family = 4;
	flags = data[0];
	step = (size_t)(flags & 63) + 1;
	dirs = data[1];
	data += 2;
	size -= 2;
	(void)d->probe(data, size, 0);
	if ((st = calloc(1, d->state_size)) != NULL) {
		for (off = 0; off < size; off += step, i++) {
			ctx.dir = (dirs >> (i & 7)) & 1;
			d->stream(&ctx, st, data + off,
			    size - off < step ? size - off : step);
		}
		if (flags & 0x40)
			d->gap(&ctx, st);
		d->end(&ctx, st);
		free(st);
	}
	obs_bus_free(ctx.bus);
	return 0;
}

#endif
