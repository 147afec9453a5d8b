/*
 * fuzz_decode.c - the decode layer, with a decoder that lives across
 * inputs so that fragment reassembly state (held datagrams, tombstones,
 * the memory cap, the timeout) is fuzzed too.
 *
 * Input: one byte, then frames. The low 3 bits of the byte pick the link
 * type (the order of FUZZ_LINKTYPES in tests/pcap/make_decode_captures.py);
 * bit 3 says the frames were cut by a snap length (wirelen > caplen).
 * Each frame is a 2-byte big-endian length and that many bytes (the last
 * one takes what is left).
 */
#include <stdint.h>
#include <stdlib.h>

#include "ward/decode.h"

#define FUZZ_MEMCAP	(64u * 1024)
#define FUZZ_TIMEOUT	(2u * 1000000)

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const int linktypes[8] = {
	LINK_ETHERNET, LINK_LINUX_SLL, LINK_LINUX_SLL2, LINK_RAW,
	LINK_NULL, LINK_LOOP, LINK_IPV4, LINK_IPV6,
};

/* Touches every byte the packet says it may read. */
static void
touch(const struct packet *p)
{
	volatile uint8_t sink = 0;

	for (size_t i = 0; i < p->payload.len; i++)
		sink ^= p->payload.p[i];
	(void)sink;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct decode_config cfg = { FUZZ_MEMCAP, FUZZ_TIMEOUT };
	static struct decoder *d;
	static uint64_t ts = 1;
	struct cursor in, frame;
	struct packet p;
	uint16_t len;
	uint8_t sel;
	int lt;

	if (d == NULL && (d = decoder_new(&cfg)) == NULL)
		abort();
	in = cur_make(data, size);
	if (cur_u8(&in, &sel) == -1)
		return 0;
	lt = linktypes[sel & 7];
	while (cur_left(&in) > 0) {
		/* A short length or frame takes the rest of the input. */
		if (cur_be16(&in, &len) == -1 ||
		    cur_sub(&in, len, &frame) == -1) {
			frame = in;
			in = cur_make(NULL, 0);
		}
		if (decode_packet(d, lt, ts, frame.p, (uint32_t)frame.len,
		    (uint32_t)frame.len + ((sel & 8) ? 100 : 0), &p) ==
		    DECODE_OK)
			touch(&p);
		ts += 1000;
		if (decoder_frag_bytes(d) > FUZZ_MEMCAP)
			abort();
	}
	/* Time moves on between inputs; now and then far enough to expire. */
	ts += (sel & 0x10) ? FUZZ_TIMEOUT : 1000;
	decoder_expire(d, ts);
	return 0;
}
