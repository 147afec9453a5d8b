/*
 * fuzz_sensor.c - the whole pipeline: frames through decode, flows,
 * streams, every dissector, the inventory and the EVE writer.
 *
 * Input: a sequence of records [linktype selector: 1][length: 2, big
 * endian][frame], so one input drives many frames through shared flow and
 * reassembly state. Time advances 50 ms per frame so timeouts fire too.
 */
#include <stdint.h>
#include <stdio.h>

#include "ward/asset.h"
#include "ward/output.h"
#include "ward/sensor.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const int linktypes[] = { LINK_ETHERNET, LINK_RAW, LINK_NULL,
	LINK_LOOP, LINK_LINUX_SLL, LINK_LINUX_SLL2, LINK_IPV4, LINK_IPV6 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sensor_config cfg;
	struct sensor *s;
	struct inventory *inv;
	struct eve *eve;
	uint64_t ts = 1700000000ULL * 1000000ULL;
	char err[128];

	sensor_config_defaults(&cfg);
	cfg.flow.memcap = 1u << 20;	/* small, so eviction runs too */
	cfg.flow.stream_ooo_cap = 4096;
	cfg.decode.frag_memcap = 64u << 10;
	s = sensor_new(&cfg);
	inv = inv_new(NULL);
	eve = eve_open("/dev/null", err, sizeof(err));
	if (s == NULL || inv == NULL || eve == NULL ||
	    eve_attach(eve, sensor_bus(s), inv) == -1 ||
	    inv_attach(inv, sensor_bus(s)) == -1)
		__builtin_trap();
	while (size >= 3) {
		int lt = linktypes[data[0] % (sizeof(linktypes) /
		    sizeof(linktypes[0]))];
		size_t len = (size_t)data[1] << 8 | data[2];

		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		sensor_frame(s, lt, ts, data, (uint32_t)len, (uint32_t)len);
		ts += 50000;
		data += len;
		size -= len;
	}
	sensor_finish(s);
	(void)eve_close(eve);
	inv_free(inv);
	sensor_free(s);
	return 0;
}
