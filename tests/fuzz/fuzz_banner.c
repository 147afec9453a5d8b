/*
 * fuzz_banner.c - the Telnet, FTP, SMTP, MySQL and PostgreSQL dissectors.
 * The first byte picks the dissector (low 3 bits), the piece size (next 4
 * bits) and whether directions alternate (top bit); the rest is the
 * conversation. FTP's data connections are announced into a real table.
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
	static const struct dissector *const ds[] = { &dissector_telnet,
		&dissector_ftp, &dissector_smtp, &dissector_mysql,
		&dissector_pgsql };
	const struct dissector *d;
	struct packet pkt;
	struct malform_counts mal;
	struct proto_ctx ctx = { .mal = &mal, .pkt = &pkt };
	size_t step, off;
	void *st;

	if (size < 1 || (ctx.bus = obs_bus_new()) == NULL)
		return 0;
	if ((ctx.expect = expect_table_new()) == NULL) {
		obs_bus_free(ctx.bus);
		return 0;
	}
	d = ds[(data[0] & 7) % 5];
	memset(&pkt, 0, sizeof(pkt));
	memset(&mal, 0, sizeof(mal));
	pkt.flags = PKT_HAS_MAC | PKT_IP | PKT_L4;
	pkt.src.family = pkt.dst.family = 4;
	if (d->probe != NULL) {
		(void)d->probe(data + 1, size - 1, 0);
		(void)d->probe(data + 1, size - 1, 1);
	}
	if ((st = calloc(1, d->state_size)) != NULL) {
		step = (size_t)((data[0] >> 3) & 0x0f) + 1;
		for (off = 1; off < size; off += step) {
			/* Alternating, or server first then the client. */
			ctx.dir = (data[0] & 0x80) ? (int)((off / step) & 1) :
			    off * 2 < size;
			d->stream(&ctx, st, data + off,
			    size - off < step ? size - off : step);
		}
		if (d->gap != NULL)
			d->gap(&ctx, st);
		if (d->end != NULL)
			d->end(&ctx, st);
		free(st);
	}
	expect_table_free(ctx.expect);
	obs_bus_free(ctx.bus);
	return 0;
}
