/*
 * fuzz_nvd.c - the NVD CVE API 2.0 reader, and every product it yields
 * read and its range matched (fuzz_vuln_common.h).
 */
#include "fuzz_vuln_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_vuln(vuln_nvd_parse, data, size);
}
