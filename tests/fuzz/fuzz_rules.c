/*
 * fuzz_rules.c - the fingerprint rules loader (YAML) and the evaluation of
 * whatever loads over a fixed set of attributes.
 */
#include <stddef.h>
#include <stdint.h>

#include "ward/ident.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ident_attr attrs[] = {
		{ "oui.vendor", "GE Healthcare" },
		{ "dicom.modality", "CT" },
		{ "dicom.manufacturer", "GE MEDICAL SYSTEMS" },
		{ "dicom.model", "Revolution {dicom.model}" },
		{ "hostname", "ct-01.radiology" },
		{ "service", "tcp/104" },
		{ "http.user_agent", "" },
	};
	struct ident_rules *rs;
	struct ident_verdict v;
	char err[512];

	rs = ident_rules_parse((const char *)data, size, "fuzz.yaml", err,
	    sizeof(err));
	if (rs != NULL) {
		ident_eval(rs, attrs, sizeof(attrs) / sizeof(attrs[0]), &v);
		ident_rules_free(rs);
	}
	return 0;
}
