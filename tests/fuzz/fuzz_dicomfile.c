/*
 * fuzz_dicomfile.c - the Part 10 checker. The first byte chooses a
 * multipart Content-Type (top bit) and the piece size; the rest is the
 * body, fed to the checker, to the dicom-file TCP dissector and to the
 * ftp-data one (adopted with the body's first bytes as its context).
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
	static const char ct[] = "multipart/related; boundary=\"b\"";
	struct packet pkt;
	struct malform_counts mal;
	struct proto_ctx ctx = { .mal = &mal, .pkt = &pkt };
	struct dicomfile *df;
	size_t step, off;
	void *st;

	if (size < 1 || (ctx.bus = obs_bus_new()) == NULL)
		return 0;
	memset(&pkt, 0, sizeof(pkt));
	memset(&mal, 0, sizeof(mal));
	pkt.flags = PKT_HAS_MAC | PKT_IP | PKT_L4;
	pkt.src.family = pkt.dst.family = 4;
	step = (size_t)(data[0] & 0x7f) * 16 + 1;
	if ((df = calloc(1, sizeof(*df))) != NULL) {
		proto_dicomfile_begin(df, "http", (data[0] & 0x80) ?
		    (const uint8_t *)ct : NULL, (data[0] & 0x80) ?
		    sizeof(ct) - 1 : 0);
		for (off = 1; off < size; off += step)
			proto_dicomfile_feed(&ctx, df, data + off,
			    size - off < step ? size - off : step);
		proto_dicomfile_end(&ctx, df);
		free(df);
	}
	(void)dissector_dicomfile.probe(data + 1, size - 1, 0);
	if ((st = calloc(1, dissector_dicomfile.state_size)) != NULL) {
		dissector_dicomfile.stream(&ctx, st, data + 1, size - 1);
		dissector_dicomfile.end(&ctx, st);
		free(st);
	}
	if ((st = calloc(1, dissector_ftp_data.state_size)) != NULL) {
		dissector_ftp_data.adopt(st, data + 1, size - 1);
		dissector_ftp_data.stream(&ctx, st, data + 1, size - 1);
		dissector_ftp_data.end(&ctx, st);
		free(st);
	}
	obs_bus_free(ctx.bus);
	return 0;
}
