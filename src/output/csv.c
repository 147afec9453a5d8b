/*
 * csv.c - the inventory as CSV (RFC 4180): one line per asset, a header
 * line first, CRLF line ends.
 *
 * A field with a comma, a quote or a line break is quoted, its quotes
 * doubled. A field that starts with '=', '+', '-' or '@' (a host name
 * from the wire) gets a leading apostrophe, so that a spreadsheet shows
 * it as text instead of running it as a formula.
 */
#include <stdio.h>
#include <string.h>

#include "ward/dept.h"
#include "ward/ident.h"
#include "ward/output.h"

static const char *const columns[] = {
	"key", "mac", "ips", "hostname", "type", "type_confidence", "vendor",
	"vendor_confidence", "model", "model_confidence", "version",
	"version_confidence", "mac_vendor", "department", "location",
	"building", "vlan", "status", "first_seen", "last_seen",
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

void
csv_field(FILE *fp, const char *s, int last)
{
	bool quote;

	if (s == NULL)
		s = "";
	quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		fputc('"', fp);
	if (s[0] != '\0' && strchr("=+-@", s[0]) != NULL)
		fputc('\'', fp);
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '"')
			fputc('"', fp);
		fputc(*p, fp);
	}
	if (quote)
		fputc('"', fp);
	fputs(last ? "\r\n" : ",", fp);
}

void
csv_print_header(FILE *fp)
{
	for (size_t i = 0; i < NCOLUMNS; i++)
		csv_field(fp, columns[i], i == NCOLUMNS - 1);
}

static const char *
dim(const struct asset *a, enum ident_dim d)
{
	return a->ident != NULL && a->ident->value[d][0] != '\0' ?
	    a->ident->value[d] : NULL;
}

static const char *
conf(const struct asset *a, enum ident_dim d, char *buf, size_t len)
{
	if (dim(a, d) == NULL)
		return "";
	(void)snprintf(buf, len, "%.2f", a->ident->conf[d]);
	return buf;
}

void
csv_print_asset(FILE *fp, const struct asset *a)
{
	char key[ADDR_STRLEN], mac[MAC_STRLEN], ip[ADDR_STRLEN], ips[1024];
	char c[4][16], vlan[8], first[40], last[40];
	const char *model = dim(a, IDENT_MODEL);
	size_t off = 0;

	ips[0] = '\0';
	for (size_t i = 0; i < a->nips; i++) {
		int n = snprintf(ips + off, sizeof(ips) - off, "%s%s",
		    i ? " " : "", addr_fmt(&a->ips[i].addr, ip, sizeof(ip)));

		if (n < 0 || (size_t)n >= sizeof(ips) - off)
			break;
		off += (size_t)n;
	}
	if (model == NULL)
		model = a->model;
	(void)snprintf(vlan, sizeof(vlan), "%u", a->vlan);
	csv_field(fp, asset_key(a, key, sizeof(key)), 0);
	csv_field(fp, a->by_mac ? mac_fmt(a->mac, mac, sizeof(mac)) : "", 0);
	csv_field(fp, ips, 0);
	csv_field(fp, asset_hostname(a), 0);
	csv_field(fp, dim(a, IDENT_TYPE), 0);
	csv_field(fp, conf(a, IDENT_TYPE, c[0], sizeof(c[0])), 0);
	csv_field(fp, dim(a, IDENT_VENDOR), 0);
	csv_field(fp, conf(a, IDENT_VENDOR, c[1], sizeof(c[1])), 0);
	csv_field(fp, model, 0);
	csv_field(fp, conf(a, IDENT_MODEL, c[2], sizeof(c[2])), 0);
	csv_field(fp, dim(a, IDENT_VERSION), 0);
	csv_field(fp, conf(a, IDENT_VERSION, c[3], sizeof(c[3])), 0);
	csv_field(fp, a->vendor, 0);
	csv_field(fp, a->dept != NULL ? a->dept->name : NULL, 0);
	csv_field(fp, a->dept != NULL ? a->dept->location : NULL, 0);
	csv_field(fp, a->dept != NULL ? a->dept->building : NULL, 0);
	csv_field(fp, a->vlan != 0 ? vlan : NULL, 0);
	csv_field(fp, a->status != ASSET_STATUS_UNKNOWN ?
	    asset_status_name(a->status) : NULL, 0);
	csv_field(fp, fmt_time(a->first, first, sizeof(first)), 0);
	csv_field(fp, fmt_time(a->last, last, sizeof(last)), 1);
}
