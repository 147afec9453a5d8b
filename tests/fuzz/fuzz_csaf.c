/*
 * fuzz_csaf.c - the CSAF 2.0 reader, and every product it yields read
 * and its range matched (fuzz_vuln_common.h).
 */
#include "fuzz_vuln_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_vuln(vuln_csaf_parse, data, size);
}
