/*
 * fuzz_http.c - the HTTP dissector's stream path (and so the Part 10
 * checker behind it). The first byte sets the piece size (1 to 64) and
 * whether directions alternate between pieces; the rest is the stream.
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
	const struct dissector *d = &dissector_http;
	struct packet pkt;
	struct malform_counts mal;
	struct proto_ctx ctx = { .mal = &mal, .pkt = &pkt };
	size_t step, off;
	void *st;

	if (size < 1 || (ctx.bus = obs_bus_new()) == NULL)
		return 0;
	memset(&pkt, 0, sizeof(pkt));
	memset(&mal, 0, sizeof(mal));
	pkt.flags = PKT_HAS_MAC | PKT_IP | PKT_L4;
	pkt.src.family = pkt.dst.family = 4;
	(void)d->probe(data + 1, size - 1, 0);
	if ((st = calloc(1, d->state_size)) != NULL) {
		step = (size_t)(data[0] & 0x3f) + 1;
		for (off = 1; off < size; off += step) {
			ctx.dir = (int)(((off / step) & 1) & (data[0] >> 7));
			d->stream(&ctx, st, data + off,
			    size - off < step ? size - off : step);
		}
		if (data[0] & 0x40)
			d->gap(&ctx, st);
		d->end(&ctx, st);
		free(st);
	}
	obs_bus_free(ctx.bus);
	return 0;
}
