/*
 * fuzz_vuln_match.c - the banner readers of vulnerability matching
 * (vuln_components_of_banner: SSH, HTTP Server, DICOM implementation
 * version, FTP, MySQL) over text from the wire, and each component they
 * give matched against a small advisory list whose range comes from the
 * input too.
 *
 * The first byte picks the attribute; the rest is its value.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ward/vuln.h"
#include "ward/vulnmatch.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const keys[] = {
	"ssh.server_banner", "http.server", "dicom.impl_version",
	"ftp.banner", "mysql.version", "ssh.banner",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vuln_component c[VULN_COMP_MAX];
	struct vuln_advisory *a;
	struct vuln_product *p;
	struct vuln_match m;
	struct vuln_keys k;
	char err[128], *s;
	size_t n;

	if (size < 1 || (s = malloc(size)) == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	n = vuln_components_of_banner(keys[data[0] % 6], s, c, VULN_COMP_MAX);
	if ((a = vuln_advisory_new(VULN_IOMT)) != NULL &&
	    (p = vuln_advisory_add_product(a)) != NULL) {
		p->vendor = strdup("*");
		p->product = strdup("*");
		p->affected = true;
		if (vuln_range_parse(s, &p->range, err, sizeof(err)) != 0)
			memset(&p->range, 0, sizeof(p->range));
		for (size_t i = 0; i < n; i++) {
			vuln_component_keys(NULL, &c[i], &k);
			(void)vuln_match(NULL, &c[i], a, &m);
		}
	}
	vuln_advisory_free(a);
	free(s);
	return 0;
}
