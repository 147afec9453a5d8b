/*
 * fuzz_tls.c - the TLS dissector's stream path, cut into pieces and
 * directions by the input's first two bytes (fuzz_stream_common.h).
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_stream_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_stream(&dissector_tls, data, size);
}
