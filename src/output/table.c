/*
 * table.c - the inventory as an aligned table for people.
 *
 * One line per asset; a long cell is cut with '~' so columns stay aligned
 * (the JSON output has everything).
 */
#include <stdio.h>
#include <string.h>

#include "ward/dept.h"
#include "ward/ident.h"
#include "ward/output.h"

struct col {
	const char	*title;
	int		 width;
};

static const struct col cols[] = {
	{ "ASSET", 17 }, { "IP", 18 }, { "HOSTNAME", 18 }, { "TYPE", 22 },
	{ "VENDOR", 20 }, { "MODEL", 16 }, { "VERSION", 10 },
	{ "DEPARTMENT", 16 }, { "STATUS", 7 }, { "SERVICES", 18 },
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

/*
 * The identified vendor; else the MAC's (OUI) in parentheses: the maker
 * of the network interface, which is not always the device's.
 */
static const char *
vendor_text(const struct asset *a, char *buf, size_t len)
{
	const char *v = a->ident != NULL ? a->ident->value[IDENT_VENDOR] : "";

	if (v[0] != '\0')
		snprintf(buf, len, "%s", v);
	else if (a->vendor != NULL)
		snprintf(buf, len, "(%s)", a->vendor);
	else
		snprintf(buf, len, "-");
	return buf;
}

/* "ct 85%", "(router)", or "-". */
static const char *
type_text(const struct asset *a, char *buf, size_t len)
{
	const char *t = a->ident != NULL ? a->ident->value[IDENT_TYPE] : "";

	if (t[0] != '\0')
		snprintf(buf, len, "%s %.0f%%", t,
		    100 * a->ident->conf[IDENT_TYPE]);
	else
		snprintf(buf, len, "%s", a->router ? "(router)" : "-");
	return buf;
}

static const char *
ident_text(const struct asset *a, enum ident_dim d)
{
	const char *v = a->ident != NULL ? a->ident->value[d] : "";

	if (v[0] == '\0' && d == IDENT_MODEL && a->model != NULL)
		return a->model;
	return v[0] != '\0' ? v : "-";
}

void
table_print_header(FILE *fp)
{
	for (size_t c = 0; c < NCOLS; c++)
		cell(fp, cols[c].title, cols[c].width, c == NCOLS - 1);
	fputc('\n', fp);
}

void
table_print_row(FILE *fp, const struct asset *a)
{
	char key[ADDR_STRLEN], ips[128], svc[256], seen[40];
	char vend[128], type[IDENT_VALUE_MAX + 8];
	const char *host = asset_hostname(a);

	ips_text(a, ips, sizeof(ips));
	services_text(a, svc, sizeof(svc));
	fmt_time(a->last, seen, sizeof(seen));
	seen[19] = '\0';	/* to the second */
	if (seen[10] == 'T')
		seen[10] = ' ';
	cell(fp, asset_key(a, key, sizeof(key)), cols[0].width, 0);
	cell(fp, ips[0] ? ips : "-", cols[1].width, 0);
	cell(fp, host ? host : "-", cols[2].width, 0);
	cell(fp, type_text(a, type, sizeof(type)), cols[3].width, 0);
	cell(fp, vendor_text(a, vend, sizeof(vend)), cols[4].width, 0);
	cell(fp, ident_text(a, IDENT_MODEL), cols[5].width, 0);
	cell(fp, ident_text(a, IDENT_VERSION), cols[6].width, 0);
	cell(fp, a->dept != NULL ? a->dept->name : "-", cols[7].width, 0);
	cell(fp, a->status != ASSET_STATUS_UNKNOWN ?
	    asset_status_name(a->status) : "-", cols[8].width, 0);
	cell(fp, svc[0] ? svc : "-", cols[9].width, 0);
	cell(fp, seen, cols[10].width, 1);
	fputc('\n', fp);
}

void
table_print(FILE *fp, struct asset *const *v, size_t n)
{
	table_print_header(fp);
	for (size_t i = 0; i < n; i++)
		table_print_row(fp, v[i]);
}
