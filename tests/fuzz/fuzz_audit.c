/*
 * fuzz_audit.c - ward audit's parsers of untrusted text: the FTP reply,
 * HTTP response head and Telnet parsers (what a device sends back), and
 * the allow-list, targets and credential files. The first byte picks the
 * parser; the rest is the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ward/audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c;
	char err[256];

	if (size < 1)
		return 0;
	c = cur_make(data + 1, size - 1);
	switch (data[0] % 6) {
	case 0: {
		unsigned code;
		size_t used;

		while (audit_ftp_reply(&c, &code, &used) == 1 && used > 0 &&
		    cur_skip(&c, used) == 0)
			;
		break;
	}
	case 1: {
		struct audit_http_resp r;

		(void)audit_http_head(&c, &r);
		break;
	}
	case 2: {
		struct audit_telnet t;
		uint8_t text[512], reply[64];
		size_t tl = 0, rl = 0, step = size % 7 + 1;

		memset(&t, 0, sizeof(t));
		for (size_t off = 1; off < size; off += step)
			audit_telnet_feed(&t, data + off, size - off < step ?
			    size - off : step, text, sizeof(text), &tl, reply,
			    sizeof(reply), &rl);
		(void)audit_telnet_prompt(text, tl);
		(void)audit_telnet_prompt(data + 1, size - 1);
		break;
	}
	case 3:
		audit_allow_free(audit_allow_parse((const char *)data + 1,
		    size - 1, "fuzz", err, sizeof(err)));
		break;
	case 4: {
		struct audit_target *v = NULL;
		size_t n = 0;

		(void)audit_targets_parse((const char *)data + 1, size - 1,
		    "fuzz", &v, &n, err, sizeof(err));
		free(v);
		break;
	}
	case 5: {
		struct audit_creds *cs = audit_creds_parse((const char *)data +
		    1, size - 1, "fuzz", err, sizeof(err));
		struct audit_target t;
		struct audit_plan p;

		if (cs != NULL && audit_target_parse("ssh://10.0.0.1", NULL, 0,
		    &t, err, sizeof(err)) == 0)
			audit_plan_make(cs, &t, 0, &p);
		audit_creds_free(cs);
		break;
	}
	}
	return 0;
}
