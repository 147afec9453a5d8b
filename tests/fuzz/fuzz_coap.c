/*
 * fuzz_coap.c - the CoAP dissector: probe and datagram on the input.
 */
#include <stdint.h>
#include <string.h>

#include "ward/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct packet pkt;
	struct malform_counts mal;
	struct proto_ctx ctx = { .mal = &mal, .pkt = &pkt };
	struct cursor c = cur_make(data, size);

	if ((ctx.bus = obs_bus_new()) == NULL)
		return 0;
	memset(&pkt, 0, sizeof(pkt));
	memset(&mal, 0, sizeof(mal));
	pkt.flags = PKT_HAS_MAC | PKT_IP | PKT_L4;
	pkt.src.family = pkt.dst.family = 4;
	pkt.payload = c;
	(void)dissector_coap.probe(data, size, 0);
	dissector_coap.datagram(&ctx, &c);
	obs_bus_free(ctx.bus);
	return 0;
}
