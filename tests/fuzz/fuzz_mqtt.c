/*
 * fuzz_mqtt.c - the MQTT dissector's stream path: the first byte picks the
 * slice size (1 to 64 bytes) and whether slices alternate direction; a
 * second pass feeds the whole input at once to a fresh state.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ward/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct dissector *d = &dissector_mqtt;
	struct packet pkt;
	struct malform_counts mal;
	struct proto_ctx ctx = { .mal = &mal, .pkt = &pkt };
	size_t step, off, n;
	void *st;

	if (size < 1 || (ctx.bus = obs_bus_new()) == NULL)
		return 0;
	memset(&pkt, 0, sizeof(pkt));
	memset(&mal, 0, sizeof(mal));
	pkt.flags = PKT_HAS_MAC | PKT_IP | PKT_L4;
	pkt.src.family = pkt.dst.family = 4;
	(void)dissector_mqtt.probe(data + 1, size - 1, 0);
	(void)dissector_mqtt_any.probe(data + 1, size - 1, 0);
	if ((st = calloc(1, d->state_size)) != NULL) {
		step = (size_t)(data[0] & 0x3f) + 1;
		for (off = 1; off < size; off += step) {
			ctx.dir = (int)(((off - 1) / step) & (data[0] >> 7));
			n = size - off < step ? size - off : step;
			d->stream(&ctx, st, data + off, n);
		}
		if (data[0] & 0x40)
			d->gap(&ctx, st);
		d->end(&ctx, st);
		memset(st, 0, d->state_size);
		ctx.dir = 0;
		d->stream(&ctx, st, data + 1, size - 1);
		if (d->end != NULL)
			d->end(&ctx, st);
		free(st);
	}
	obs_bus_free(ctx.bus);
	return 0;
}
