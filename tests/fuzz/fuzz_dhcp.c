/*
 * fuzz_dhcp.c - DHCPv4 and DHCPv6 dissectors; the first byte picks which.
 */
#include <stdint.h>
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
	struct cursor c;
	const struct dissector *d;

	if (size < 1 || (ctx.bus = obs_bus_new()) == NULL)
		return 0;
	memset(&pkt, 0, sizeof(pkt));
	memset(&mal, 0, sizeof(mal));
	pkt.flags = PKT_HAS_MAC | PKT_IP | PKT_L4;
	pkt.src.family = pkt.dst.family = (data[0] & 1) ? 6 : 4;
	pkt.src.b[3] = 1;
	d = (data[0] & 1) ? &dissector_dhcpv6 : &dissector_dhcp;
	c = cur_make(data + 1, size - 1);
	pkt.payload = c;
	(void)d->probe(c.p, c.len, 0);
	d->datagram(&ctx, &c);
	obs_bus_free(ctx.bus);
	return 0;
}
