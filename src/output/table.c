/*
 * table.c - the inventory as an aligned table for people.
 *
 * One line per asset; a long cell is cut with '~' so columns stay aligned
 * (the JSON output has everything).
 */
#include <stdio.h>
#include <string.h>

#include "ward/output.h"

struct col {
	const char	*title;
	int		 width;
};

static const struct col cols[] = {
	{ "ASSET", 17 }, { "VENDOR", 22 }, { "IP", 26 }, { "HOSTNAME", 20 },
	{ "DHCP VENDOR CLASS", 18 }, { "SERVICES", 22 }, { "PEERS", 5 },
	{ "LAST SEEN", 19 },
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

static void
cell(FILE *fp, const char *s, int width, int last)
{
	int n = (int)strlen(s);

	if (n > width)
		fprintf(fp, "%.*s~", width - 1, s);
	else if (last)
		fputs(s, fp);
	else
		fprintf(fp, "%-*s", width, s);
	if (!last)
		fputs("  ", fp);
}

static void
services_text(const struct asset *a, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < a->nservices && off < len; i++) {
		int n = snprintf(buf + off, len - off, "%s%s/%u", i ? "," : "",
		    proto_name(a->services[i].proto), a->services[i].port);

		if (n < 0)
			break;
		off += (size_t)n;
	}
}

static void
ips_text(const struct asset *a, char *buf, size_t len)
{
	char ip[ADDR_STRLEN];
	size_t shown = 0, off = 0;

	buf[0] = '\0';
	if (!a->by_mac) {
		snprintf(buf, len, "%s", addr_fmt(&a->key_ip, ip, sizeof(ip)));
		return;
	}
	/* IPv4 first: it is what people look for. */
	for (int fam = 4; fam <= 6; fam += 2)
		for (size_t i = 0; i < a->nips; i++) {
			int n;

			if (a->ips[i].addr.family != fam)
				continue;
			if (shown == 1) {
				snprintf(buf + off, len - off, " +%zu",
				    a->nips - 1);
				return;
			}
			n = snprintf(buf + off, len - off, "%s",
			    addr_fmt(&a->ips[i].addr, ip, sizeof(ip)));
			if (n < 0 || (size_t)n >= len - off)
				return;
			off += (size_t)n;
			shown++;
		}
}

static const char *
vendor_text(const struct asset *a, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", a->router ? "(router) " : "",
	    a->vendor != NULL ? a->vendor : "-");
	return buf;
}

void
table_print(FILE *fp, struct asset *const *v, size_t n)
{
	char key[ADDR_STRLEN], ips[128], svc[256], peers[16], seen[40];
	char vend[128];

	for (size_t c = 0; c < NCOLS; c++)
		cell(fp, cols[c].title, cols[c].width, c == NCOLS - 1);
	fputc('\n', fp);
	for (size_t i = 0; i < n; i++) {
		const struct asset *a = v[i];
		const struct asset_dhcp *d = asset_dhcp_latest(a);
		const char *host = asset_hostname(a);

		ips_text(a, ips, sizeof(ips));
		services_text(a, svc, sizeof(svc));
		snprintf(peers, sizeof(peers), "%zu", a->npeers);
		fmt_time(a->last, seen, sizeof(seen));
		seen[19] = '\0';	/* to the second */
		if (seen[10] == 'T')
			seen[10] = ' ';
		cell(fp, asset_key(a, key, sizeof(key)), cols[0].width, 0);
		cell(fp, vendor_text(a, vend, sizeof(vend)), cols[1].width, 0);
		cell(fp, ips[0] ? ips : "-", cols[2].width, 0);
		cell(fp, host ? host : "-", cols[3].width, 0);
		cell(fp, d && d->vendor_class ? d->vendor_class : "-",
		    cols[4].width, 0);
		cell(fp, svc[0] ? svc : "-", cols[5].width, 0);
		cell(fp, peers, cols[6].width, 0);
		cell(fp, seen, cols[7].width, 1);
		fputc('\n', fp);
	}
}
