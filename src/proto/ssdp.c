/*
 * ssdp.c - SSDP searches, announcements and answers (UPnP discovery).
 *
 * Follows the UPnP Device Architecture 2.0, section 1 (Discovery): HTTP
 * messages over UDP (HTTPU/HTTPMU) to 239.255.255.250:1900 or [FF02::C]:
 * 1900. A search is "M-SEARCH * HTTP/1.1" with MAN "ssdp:discover", ST and
 * MX; an announcement is "NOTIFY * HTTP/1.1" with NT, NTS, USN, LOCATION,
 * CACHE-CONTROL and SERVER; an answer is "HTTP/1.1 200 OK" with ST in the
 * place of NT. Header names are case-insensitive (RFC 7230 section 3.2).
 *
 *   M-SEARCH * HTTP/1.1\r\n             NOTIFY * HTTP/1.1\r\n
 *   HOST: 239.255.255.250:1900\r\n      HOST: 239.255.255.250:1900\r\n
 *   MAN: "ssdp:discover"\r\n            CACHE-CONTROL: max-age=1800\r\n
 *   MX: 2\r\n                           LOCATION: http://.../desc.xml\r\n
 *   ST: ssdp:all\r\n                    NT: upnp:rootdevice\r\n
 *   USER-AGENT: OS/1 UPnP/2.0 X/1\r\n   NTS: ssdp:alive\r\n
 *   \r\n                                SERVER: OS/1 UPnP/2.0 X/1\r\n
 *                                       USN: uuid:...::upnp:rootdevice\r\n
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "ward/proto.h"
#include "proto-private.h"

#define SSDP_PORT	1900
/* Header lines read at most; a value is cut at VALUE_MAX bytes. */
#define SSDP_MAX_HEADERS 32
#define VALUE_MAX	512

static const char proto_ssdp[] = "ssdp";

/* Header name -> observation key, for the headers reported. */
static const struct {
	const char	*name;
	const char	*key;
} ssdp_headers[] = {
	{ "ST", "st" },
	{ "NT", "nt" },
	{ "NTS", "nts" },
	{ "MAN", "man" },
	{ "USN", "usn" },
	{ "LOCATION", "location" },
	{ "SERVER", "server" },
	{ "USER-AGENT", "user_agent" },
	{ "CACHE-CONTROL", "cache_control" },
};

static const char *
start_kind(struct cursor line)
{
	static const char *const starts[] = { "M-SEARCH * HTTP/1.",
		"NOTIFY * HTTP/1.", "HTTP/1." };

	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		size_t l = strlen(starts[i]);

		if (cur_left(&line) >= l && memcmp(line.p, starts[i], l) == 0)
			return i == 0 ? "M-SEARCH" : i == 1 ? "NOTIFY" :
			    "response";
	}
	return NULL;
}

/* Splits off the next line (without CR LF or LF); -1 at the end. */
static int
next_line(struct cursor *c, struct cursor *line)
{
	const uint8_t *nl;
	size_t l;

	if (cur_left(c) == 0)
		return -1;
	nl = memchr(c->p, '\n', c->len);
	l = nl != NULL ? (size_t)(nl - c->p) : c->len;
	if (cur_sub(c, l, line) == -1)
		return -1;
	if (nl != NULL && cur_skip(c, 1) == -1)
		return -1;
	if (cur_left(line) > 0 && line->p[line->len - 1] == '\r')
		line->len--;
	return 0;
}

static void
trim(struct cursor *v)
{
	while (cur_left(v) > 0 && (v->p[0] == ' ' || v->p[0] == '\t')) {
		v->p++;
		v->len--;
	}
	while (cur_left(v) > 0 &&
	    (v->p[v->len - 1] == ' ' || v->p[v->len - 1] == '\t'))
		v->len--;
}

/* Decimal value of v, or -1 if it is not a number below 2^32. */
static int64_t
decimal(struct cursor v)
{
	int64_t n = 0;
	uint8_t ch;

	if (cur_left(&v) == 0)
		return -1;
	while (cur_u8(&v, &ch) == 0) {
		if (ch < '0' || ch > '9' || n > 0xffffffffLL / 10)
			return -1;
		n = n * 10 + (ch - '0');
	}
	return n;
}

/* "max-age = N" inside a CACHE-CONTROL value, or -1. */
static int64_t
max_age(struct cursor v)
{
	static const char ma[] = "max-age";
	struct cursor d;
	size_t i;

	for (i = 0; i + sizeof(ma) - 1 <= cur_left(&v); i++)
		if (strncasecmp((const char *)v.p + i, ma, sizeof(ma) - 1) == 0)
			break;
	if (i + sizeof(ma) - 1 > cur_left(&v))
		return -1;
	if (cur_skip(&v, i + sizeof(ma) - 1) == -1)
		return -1;
	trim(&v);
	if (cur_left(&v) == 0 || v.p[0] != '=' || cur_skip(&v, 1) == -1)
		return -1;
	trim(&v);
	d = v;
	for (i = 0; i < cur_left(&v) && v.p[i] >= '0' && v.p[i] <= '9'; i++)
		;
	d.len = i;
	return decimal(d);
}

static void
ssdp_datagram(struct proto_ctx *ctx, struct cursor *cp)
{
	struct cursor c = *cp, line, name, value;
	struct observation o;
	const char *kind;
	const uint8_t *colon;
	int64_t v;
	int nh = 0;

	if (next_line(&c, &line) == -1 || (kind = start_kind(line)) == NULL) {
		proto_malformed(ctx, MAL_SSDP_BAD_START, proto_ssdp,
		    "not an M-SEARCH, NOTIFY or HTTP response line");
		return;
	}
	proto_obs_init(ctx, &o, OBS_SSDP);
	proto_subject_sender(ctx, &o);
	(void)obs_cstr(&o, "method", kind);
	if (strcmp(kind, "response") == 0) {
		/* "HTTP/1.1 200 OK": the status code after the first space. */
		const uint8_t *sp = memchr(line.p, ' ', line.len);
		struct cursor code;

		if (sp == NULL || (size_t)(sp - line.p) + 4 > line.len) {
			proto_malformed(ctx, MAL_SSDP_BAD_START, proto_ssdp,
			    "response line without a status code");
			return;
		}
		code = cur_make(sp + 1, 3);
		if ((v = decimal(code)) == -1) {
			proto_malformed(ctx, MAL_SSDP_BAD_START, proto_ssdp,
			    "response status code is not a number");
			return;
		}
		(void)obs_u64(&o, "status", (uint64_t)v);
	}
	while (next_line(&c, &line) == 0 && cur_left(&line) > 0) {
		if (++nh > SSDP_MAX_HEADERS)
			break;
		colon = memchr(line.p, ':', line.len);
		if (colon == NULL || colon == line.p) {
			proto_malformed(ctx, MAL_SSDP_BAD_HEADER, proto_ssdp,
			    "header line without a name and a colon");
			break;
		}
		name = cur_make(line.p, (size_t)(colon - line.p));
		value = cur_make(colon + 1, line.len - cur_left(&name) - 1);
		trim(&name);
		trim(&value);
		if (cur_left(&value) > VALUE_MAX)
			value.len = VALUE_MAX;
		if (cur_left(&name) == 2 &&
		    strncasecmp((const char *)name.p, "MX", 2) == 0) {
			if ((v = decimal(value)) != -1)
				(void)obs_u64(&o, "mx", (uint64_t)v);
			continue;
		}
		for (size_t i = 0; i < sizeof(ssdp_headers) /
		    sizeof(ssdp_headers[0]); i++) {
			size_t l = strlen(ssdp_headers[i].name);

			if (cur_left(&name) != l || strncasecmp(
			    (const char *)name.p, ssdp_headers[i].name, l) != 0)
				continue;
			/* The first of a repeated header is reported. */
			if (obs_get(&o, ssdp_headers[i].key) != NULL)
				break;
			(void)obs_str(&o, ssdp_headers[i].key, value.p,
			    value.len);
			if (strcmp(ssdp_headers[i].key, "cache_control") == 0 &&
			    (v = max_age(value)) != -1)
				(void)obs_u64(&o, "max_age", (uint64_t)v);
			break;
		}
	}
	if (ctx->bus != NULL)
		obs_emit(ctx->bus, &o);
}

/* The start line of a search or an announcement, or an answer to one. */
static bool
ssdp_probe(const uint8_t *p, size_t n, int dir)
{
	struct cursor c = cur_make(p, n), line;
	const char *kind;

	(void)dir;
	if (next_line(&c, &line) == -1 || (kind = start_kind(line)) == NULL)
		return false;
	if (strcmp(kind, "response") != 0)
		return true;
	/* An answer carries ST and USN (UDA 2.0 section 1.3.3). */
	return memmem(p, n, "\nST:", 4) != NULL ||
	    memmem(p, n, "\nst:", 4) != NULL ||
	    memmem(p, n, "\nUSN:", 5) != NULL ||
	    memmem(p, n, "\nusn:", 5) != NULL;
}

const struct dissector dissector_ssdp = {
	.name = "ssdp",
	.l4proto = IPPROTO_UDP_,
	.ports = { SSDP_PORT },
	.probe = ssdp_probe,
	.probe_any_port = true,
	.datagram = ssdp_datagram,
};
