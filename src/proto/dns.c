/*
 * dns.c - DNS, multicast DNS and LLMNR messages: questions and records.
 *
 * Follows RFC 1035 (message format, section 4.1; name compression, 4.1.4),
 * RFC 3596 (AAAA), RFC 2782 (SRV), RFC 6762 (mDNS: the top bit of the class
 * is cache-flush in records, section 10.2, and unicast-response in
 * questions, section 5.4) and RFC 4795 (LLMNR, same header layout with the
 * C and T bits). Over TCP (RFC 1035 section 4.2.2, RFC 7766) each message is
 * preceded by a two-byte length.
 *
 *                                 1  1  1  1  1  1
 *   0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
 * +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 * |                      ID                       |
 * +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 * |QR|   Opcode  |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
 * +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 * |          QDCOUNT / ANCOUNT / NSCOUNT / ARCOUNT |
 * +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 * | questions: QNAME, QTYPE (16), QCLASS (16)     |
 * | records: NAME, TYPE, CLASS, TTL (32),         |
 * |          RDLENGTH (16), RDATA                 |
 * +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *
 * One observation is emitted per question of a query and per answer or
 * additional record of a response (authority records are walked, not
 * reported); see docs/observations.md. The TXT records of DNS-SD services
 * (RFC 6763 section 6) that carry a device's model name it in a field of
 * its own.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ward/proto.h"
#include "proto-private.h"
#include "text.h"

#define DNS_PORT	53
#define MDNS_PORT	5353
#define LLMNR_PORT	5355

#define DNS_HDR_LEN	12
/* Questions plus records parsed from one message. */
#define DNS_MAX_RECORDS	64
/* Presentation form of a name: at most 253 characters and a NUL. */
#define DNS_TEXT_MAX	256
/* TXT strings joined with ';', cut beyond this. */
#define DNS_TXT_MAX	1024
/* A TCP message longer than this is parsed up to here, the rest skipped. */
#define DNS_TCP_MAX	8192
/* A model name from a TXT record is cut beyond this. */
#define DNS_MODEL_MAX	128

#define T_A	1
#define T_NS	2
#define T_CNAME	5
#define T_PTR	12
#define T_HINFO	13
#define T_MX	15
#define T_TXT	16
#define T_AAAA	28
#define T_SRV	33
#define T_DNAME	39
#define T_OPT	41

/* What distinguishes the three protocols that share this parser. */
struct dns_flavor {
	const char	*name;
	enum obs_kind	 kind;
	bool		 mdns;	/* class top bit is a flag (RFC 6762) */
};

static const struct dns_flavor flavor_dns = { "dns", OBS_DNS, false };
static const struct dns_flavor flavor_mdns = { "mdns", OBS_MDNS, true };
static const struct dns_flavor flavor_llmnr = { "llmnr", OBS_LLMNR, false };

int
proto_dns_name(const struct cursor *msg, size_t *off,
    uint8_t wire[DNS_NAME_MAX], size_t *wirelen)
{
	struct cursor c;
	size_t pos = *off, run = *off, end = 0, n = 0;
	unsigned int jumps = 0;
	uint8_t b, b2;

	for (;;) {
		if (cur_peek_u8(msg, pos, &b) == -1)
			return DNS_NAME_TRUNCATED;
		if (b == 0) {
			wire[n++] = 0;
			*wirelen = n;
			*off = jumps > 0 ? end : pos + 1;
			return DNS_NAME_OK;
		}
		if ((b & 0xc0) == 0xc0) {
			size_t target;

			if (cur_peek_u8(msg, pos + 1, &b2) == -1)
				return DNS_NAME_TRUNCATED;
			target = (size_t)(b & 0x3f) << 8 | b2;
			/*
			 * RFC 1035 section 4.1.4: a pointer refers to a prior
			 * occurrence of the name. Requiring it to point before
			 * the labels read so far forbids loops outright.
			 */
			if (target >= run || ++jumps > DNS_MAX_JUMPS)
				return DNS_NAME_BAD;
			if (jumps == 1)
				end = pos + 2;
			pos = run = target;
			continue;
		}
		/* 0x40 and 0x80 are the retired extended label types. */
		if ((b & 0xc0) != 0)
			return DNS_NAME_BAD;
		/* RFC 1035 section 2.3.4: 255 octets, the root label too. */
		if (n + 1 + b + 1 > DNS_NAME_MAX)
			return DNS_NAME_BAD;
		c = *msg;
		if (cur_skip(&c, pos + 1) == -1 ||
		    cur_bytes(&c, wire + n + 1, b) == -1)
			return DNS_NAME_TRUNCATED;
		wire[n] = b;
		n += 1 + (size_t)b;
		pos += 1 + (size_t)b;
	}
}

/*
 * Writes the labels of a wire name as dotted text ("." for the root) into
 * out (DNS_TEXT_MAX bytes). A NUL byte inside a label is refused (-1): no
 * legitimate name carries one and it would cut the reported string short.
 */
static int
dns_name_text(const uint8_t *wire, size_t wirelen, char *out)
{
	struct cursor c = cur_make(wire, wirelen);
	size_t n = 0;
	uint8_t len, ch;

	while (cur_u8(&c, &len) == 0 && len != 0) {
		if (n > 0)
			out[n++] = '.';
		while (len-- > 0) {
			if (cur_u8(&c, &ch) == -1 || ch == '\0')
				return -1;
			out[n++] = (char)ch;
		}
	}
	if (n == 0)
		out[n++] = '.';
	out[n] = '\0';
	return 0;
}

/* Case-insensitive comparison of one label with a lowercase string. */
static bool
label_is(const struct cursor *label, const char *s)
{
	size_t n = strlen(s);
	uint8_t ch;

	if (cur_left(label) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (cur_peek_u8(label, i, &ch) == -1)
			return false;
		if (ch >= 'A' && ch <= 'Z')
			ch = (uint8_t)(ch - 'A' + 'a');
		if (ch != (uint8_t)s[i])
			return false;
	}
	return true;
}

static int
hex_digit(uint8_t ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * The address a reverse-mapping name stands for: d.c.b.a.in-addr.arpa
 * (RFC 1035 section 3.5) or 32 nibbles under ip6.arpa (RFC 3596 section
 * 2.5). Returns 0 and fills a, or -1 if the name is neither.
 */
static int
dns_reverse_addr(const uint8_t *wire, size_t wirelen, struct ward_addr *a)
{
	struct cursor c = cur_make(wire, wirelen), label[34];
	uint8_t b[16], len;
	size_t nl = 0;

	while (cur_u8(&c, &len) == 0 && len != 0) {
		if (nl == sizeof(label) / sizeof(label[0]) ||
		    cur_sub(&c, len, &label[nl]) == -1)
			return -1;
		nl++;
	}
	if (nl == 6 && label_is(&label[4], "in-addr") &&
	    label_is(&label[5], "arpa")) {
		for (size_t i = 0; i < 4; i++) {
			unsigned int v = 0;
			size_t ll = cur_left(&label[i]);
			uint8_t ch;

			if (ll == 0 || ll > 3)
				return -1;
			while (cur_u8(&label[i], &ch) == 0) {
				if (ch < '0' || ch > '9')
					return -1;
				v = v * 10 + (unsigned int)(ch - '0');
			}
			if (v > 255)
				return -1;
			b[3 - i] = (uint8_t)v;
		}
		addr_v4(a, b);
		return 0;
	}
	if (nl == 34 && label_is(&label[32], "ip6") &&
	    label_is(&label[33], "arpa")) {
		memset(b, 0, sizeof(b));
		for (size_t i = 0; i < 32; i++) {
			uint8_t ch;
			int d;

			if (cur_left(&label[i]) != 1 ||
			    cur_u8(&label[i], &ch) == -1 ||
			    (d = hex_digit(ch)) == -1)
				return -1;
			/* The first label is the lowest nibble. */
			b[15 - i / 2] |= (uint8_t)(i % 2 == 0 ? d : d << 4);
		}
		addr_v6(a, b);
		return 0;
	}
	return -1;
}

/*
 * Joins the <character-string>s of rdata (RFC 1035 section 3.3) with ';'
 * into out (outlen bytes, NUL-ended, cut when full). Returns -1 if a string
 * runs past the rdata.
 */
static int
dns_strings(struct cursor rd, char *out, size_t outlen)
{
	size_t n = 0;
	uint8_t len, ch;
	bool first = true;

	out[0] = '\0';
	while (cur_left(&rd) > 0) {
		struct cursor s;

		if (cur_u8(&rd, &len) == -1 || cur_sub(&rd, len, &s) == -1)
			return -1;
		if (!first && n + 1 < outlen)
			out[n++] = ';';
		first = false;
		while (cur_u8(&s, &ch) == 0 && n + 1 < outlen)
			out[n++] = (char)ch;
	}
	out[n] = '\0';
	return 0;
}

/*
 * DNS-SD TXT keys that name the device's model, by service (RFC 6763
 * section 6: keys are the service's own, compared without case). Apple's
 * device-info service says model=; Google Cast md=; the printer services
 * (Bonjour Printing 1.2.1) ty= with the make and model, or product= in
 * parentheses; AirPlay model=, RAOP am=, the companion link rpMd=; HomeKit
 * accessories (HAP section 6.4) md=. The first key found wins.
 */
static const struct {
	const char	*service;
	const char	*keys[2];
} model_keys[] = {
	{ "_device-info", { "model", NULL } },
	{ "_googlecast", { "md", NULL } },
	{ "_ipp", { "ty", "product" } },
	{ "_ipps", { "ty", "product" } },
	{ "_printer", { "ty", "product" } },
	{ "_pdl-datastream", { "ty", "product" } },
	{ "_airplay", { "model", NULL } },
	{ "_raop", { "am", "model" } },
	{ "_companion-link", { "rpmd", "model" } },
	{ "_hap", { "md", NULL } },
};

/*
 * The value of key in the TXT strings rd ("key=value" each), into out
 * (DNS_MODEL_MAX bytes, not NUL-ended); returns its length, 0 when the
 * key is absent or empty. product= is "(model)": the parentheses go.
 */
static size_t
txt_value(struct cursor rd, const char *key, uint8_t *out)
{
	size_t kl = strlen(key), n;
	struct cursor s;
	uint8_t len;

	while (cur_u8(&rd, &len) == 0 && cur_sub(&rd, len, &s) == 0) {
		if (len <= kl || s.p[kl] != '=' || !text_caseeq(s.p, kl, key) ||
		    cur_skip(&s, kl + 1) == -1)
			continue;
		if (strcmp(key, "product") == 0 && cur_left(&s) >= 2 &&
		    s.p[0] == '(' && s.p[cur_left(&s) - 1] == ')') {
			s.p++;
			s.len -= 2;
		}
		n = cur_left(&s) < DNS_MODEL_MAX ? cur_left(&s) : DNS_MODEL_MAX;
		memcpy(out, s.p, n);
		return n;
	}
	return 0;
}

/*
 * The model named by a TXT record whose owner is <Instance>.<_service>.
 * <_tcp|_udp>.<domain> (RFC 6763 section 4.1), for the services of
 * model_keys[]; 0 for any other record.
 */
static size_t
txt_model(const uint8_t *wire, size_t wirelen, struct cursor rd,
    uint8_t *out)
{
	struct cursor c = cur_make(wire, wirelen), svc, proto;
	size_t n;
	uint8_t len;

	if (cur_u8(&c, &len) == -1 || len == 0 || cur_skip(&c, len) == -1 ||
	    cur_u8(&c, &len) == -1 || cur_sub(&c, len, &svc) == -1 ||
	    cur_u8(&c, &len) == -1 || cur_sub(&c, len, &proto) == -1)
		return 0;
	if (!label_is(&proto, "_tcp") && !label_is(&proto, "_udp"))
		return 0;
	for (size_t i = 0; i < sizeof(model_keys) / sizeof(model_keys[0]);
	    i++) {
		if (!label_is(&svc, model_keys[i].service))
			continue;
		for (size_t k = 0; k < 2 && model_keys[i].keys[k] != NULL; k++)
			if ((n = txt_value(rd, model_keys[i].keys[k], out)) > 0)
				return n;
		return 0;
	}
	return 0;
}

struct dns_hdr {
	uint16_t	 id;
	uint16_t	 flags;
	uint16_t	 count[4];	/* qd, an, ns, ar */
};

#define DNS_QR(f)	(((f) >> 15) & 1)
#define DNS_RCODE(f)	((f) & 0x0f)

/* Outcome of parsing one question or record. */
enum dns_step {
	STEP_OK,
	STEP_STOP,		/* error counted (or silent): stop the message */
};

/* Counts a malformation unless the message was cut by our own cap. */
static enum dns_step
dns_bad(struct proto_ctx *ctx, const struct dns_flavor *fl, enum malform k,
    bool partial, const char *what)
{
	if (!(partial && k == MAL_DNS_TRUNCATED))
		proto_malformed(ctx, k, fl->name, what);
	return STEP_STOP;
}

static enum dns_step
dns_name_step(struct proto_ctx *ctx, const struct dns_flavor *fl,
    int r, bool partial)
{
	if (r == DNS_NAME_TRUNCATED)
		return dns_bad(ctx, fl, MAL_DNS_TRUNCATED, partial,
		    "name runs past the end of the message");
	return dns_bad(ctx, fl, MAL_DNS_BAD_NAME, partial,
	    "bad name: loop, forward pointer, bad label or too long");
}

static enum dns_step
dns_question(struct proto_ctx *ctx, const struct dns_flavor *fl,
    const struct cursor *msg, size_t *off, const struct dns_hdr *h,
    bool emit, bool partial)
{
	uint8_t wire[DNS_NAME_MAX];
	char text[DNS_TEXT_MAX];
	struct observation o;
	struct cursor c;
	size_t wirelen;
	uint16_t qtype, qclass;
	int r;

	if ((r = proto_dns_name(msg, off, wire, &wirelen)) != DNS_NAME_OK)
		return dns_name_step(ctx, fl, r, partial);
	c = *msg;
	if (cur_skip(&c, *off) == -1 || cur_be16(&c, &qtype) == -1 ||
	    cur_be16(&c, &qclass) == -1)
		return dns_bad(ctx, fl, MAL_DNS_TRUNCATED, partial,
		    "question cut short");
	*off += 4;
	if (!emit || ctx->bus == NULL)
		return STEP_OK;
	if (dns_name_text(wire, wirelen, text) == -1)
		return dns_bad(ctx, fl, MAL_DNS_BAD_NAME, partial,
		    "NUL byte in a name");

	proto_obs_init(ctx, &o, fl->kind);
	proto_subject_sender(ctx, &o);
	(void)obs_cstr(&o, "query", text);
	(void)obs_u64(&o, "qtype", qtype);
	(void)obs_u64(&o, "id", h->id);
	/* RFC 6762 section 5.4: the QU bit asks for a unicast reply. */
	if (fl->mdns)
		(void)obs_bool(&o, "unicast", (qclass & 0x8000) != 0);
	obs_emit(ctx->bus, &o);
	return STEP_OK;
}

/* Reads a name that must end inside the rdata (which ends at rdend). */
static int
dns_rdata_name(const struct cursor *msg, size_t *off, size_t rdend,
    uint8_t wire[DNS_NAME_MAX], size_t *wirelen)
{
	int r;

	if ((r = proto_dns_name(msg, off, wire, wirelen)) != DNS_NAME_OK)
		return r;
	return *off > rdend ? DNS_NAME_BAD : DNS_NAME_OK;
}

static enum dns_step
dns_record(struct proto_ctx *ctx, const struct dns_flavor *fl,
    const struct cursor *msg, size_t *off, const struct dns_hdr *h,
    bool emit, bool partial)
{
	uint8_t wire[DNS_NAME_MAX], twire[DNS_NAME_MAX];
	char text[DNS_TEXT_MAX], target[DNS_TEXT_MAX], txt[DNS_TXT_MAX];
	uint8_t model[DNS_MODEL_MAX];
	struct observation o;
	struct ward_addr a, rev;
	struct cursor c, rd;
	size_t wirelen, twirelen, rdoff, rdend, modellen = 0;
	uint32_t ttl;
	uint16_t type, rclass, rdlen, port = 0;
	uint8_t ab[16];
	bool has_addr = false, has_target = false, has_port = false;
	bool has_txt = false, has_hinfo = false;
	int r;

	if ((r = proto_dns_name(msg, off, wire, &wirelen)) != DNS_NAME_OK)
		return dns_name_step(ctx, fl, r, partial);
	c = *msg;
	if (cur_skip(&c, *off) == -1 || cur_be16(&c, &type) == -1 ||
	    cur_be16(&c, &rclass) == -1 || cur_be32(&c, &ttl) == -1 ||
	    cur_be16(&c, &rdlen) == -1)
		return dns_bad(ctx, fl, MAL_DNS_TRUNCATED, partial,
		    "record header cut short");
	if (cur_sub(&c, rdlen, &rd) == -1)
		return dns_bad(ctx, fl, MAL_DNS_TRUNCATED, partial,
		    "record data runs past the end of the message");
	rdoff = *off + 10;
	rdend = rdoff + rdlen;
	*off = rdend;
	if (!emit || ctx->bus == NULL || type == T_OPT)
		return STEP_OK;
	if (dns_name_text(wire, wirelen, text) == -1) {
		proto_malformed(ctx, MAL_DNS_BAD_NAME, fl->name,
		    "NUL byte in a name");
		return STEP_OK;
	}

	/* The record is framed by RDLENGTH: bad data spoils only itself. */
	switch (type) {
	case T_A:
	case T_AAAA:
		if (rdlen != (type == T_A ? 4 : 16) ||
		    cur_bytes(&rd, ab, rdlen) == -1)
			goto bad;
		if (type == T_A)
			addr_v4(&a, ab);
		else
			addr_v6(&a, ab);
		has_addr = true;
		break;
	case T_NS:
	case T_CNAME:
	case T_PTR:
	case T_DNAME:
	case T_MX:
	case T_SRV:
		if (type == T_MX)
			rdoff += 2;
		if (type == T_SRV) {
			/* RFC 2782: priority, weight, port, target. */
			if (cur_skip(&rd, 4) == -1 || cur_be16(&rd, &port) == -1)
				goto bad;
			has_port = true;
			rdoff += 6;
		}
		if (rdoff > rdend ||
		    dns_rdata_name(msg, &rdoff, rdend, twire, &twirelen) !=
		    DNS_NAME_OK || dns_name_text(twire, twirelen, target) == -1)
			goto bad;
		has_target = true;
		break;
	case T_TXT:
		if (dns_strings(rd, txt, sizeof(txt)) == -1)
			goto bad;
		has_txt = true;
		if (fl->mdns)
			modellen = txt_model(wire, wirelen, rd, model);
		break;
	case T_HINFO:
		if (dns_strings(rd, txt, sizeof(txt)) == -1)
			goto bad;
		has_hinfo = true;
		break;
	default:
		break;
	}

	proto_obs_init(ctx, &o, fl->kind);
	if (has_addr)
		proto_subject_addr(ctx, &o, &a);
	else if (type == T_PTR && dns_reverse_addr(wire, wirelen, &rev) == 0)
		proto_subject_addr(ctx, &o, &rev);
	else
		proto_subject_sender(ctx, &o);
	(void)obs_cstr(&o, "name", text);
	(void)obs_u64(&o, "rrtype", type);
	(void)obs_u64(&o, "ttl", ttl);
	if (fl->mdns)
		(void)obs_bool(&o, "cache_flush", (rclass & 0x8000) != 0);
	if (has_addr)
		(void)obs_addr(&o, "addr", &a);
	if (has_target)
		(void)obs_cstr(&o, "target", target);
	if (has_port)
		(void)obs_u64(&o, "port", port);
	if (has_txt)
		(void)obs_cstr(&o, "txt", txt);
	if (modellen > 0)
		(void)obs_str(&o, "model", model, modellen);
	if (has_hinfo)
		(void)obs_cstr(&o, "hinfo", txt);
	(void)obs_u64(&o, "rcode", DNS_RCODE(h->flags));
	(void)obs_u64(&o, "id", h->id);
	obs_emit(ctx->bus, &o);
	return STEP_OK;

bad:
	proto_malformed(ctx, MAL_DNS_BAD_RECORD, fl->name,
	    "record data does not match its type");
	return STEP_OK;
}

/*
 * Parses one whole message. partial is set when the message was cut by
 * our TCP buffer cap: running out of bytes then is not the sender's fault.
 */
static void
dns_message(struct proto_ctx *ctx, const struct dns_flavor *fl,
    struct cursor msg, bool partial)
{
	struct dns_hdr h;
	struct cursor c = msg;
	size_t off = DNS_HDR_LEN;
	unsigned int budget = DNS_MAX_RECORDS;
	bool response;

	if (cur_be16(&c, &h.id) == -1 || cur_be16(&c, &h.flags) == -1 ||
	    cur_be16(&c, &h.count[0]) == -1 ||
	    cur_be16(&c, &h.count[1]) == -1 ||
	    cur_be16(&c, &h.count[2]) == -1 ||
	    cur_be16(&c, &h.count[3]) == -1) {
		(void)dns_bad(ctx, fl, MAL_DNS_TRUNCATED, partial,
		    "header cut short");
		return;
	}
	response = DNS_QR(h.flags) != 0;

	for (unsigned int i = 0; i < h.count[0]; i++) {
		if (budget-- == 0)
			return;
		if (dns_question(ctx, fl, &msg, &off, &h, !response,
		    partial) != STEP_OK)
			return;
	}
	/*
	 * A query reports its questions only: the answers an mDNS query
	 * carries are the querier's known answers (RFC 6762 section 7.1),
	 * its authority records are probes (section 8.1).
	 */
	if (!response)
		return;
	for (int s = 1; s < 4; s++) {
		for (unsigned int i = 0; i < h.count[s]; i++) {
			if (budget-- == 0)
				return;
			if (dns_record(ctx, fl, &msg, &off, &h, s != 2,
			    partial) != STEP_OK)
				return;
		}
	}
}

/* A plausible DNS header (RFC 1035 section 4.1.1) at the start of c. */
static bool
dns_header_plausible(const struct cursor *c)
{
	uint16_t flags, qd, an;
	unsigned int opcode;

	if (cur_peek_be16(c, 2, &flags) == -1 ||
	    cur_peek_be16(c, 4, &qd) == -1 || cur_peek_be16(c, 6, &an) == -1 ||
	    cur_left(c) < DNS_HDR_LEN)
		return false;
	/* Opcodes: 0 QUERY, 1 IQUERY, 2 STATUS, 4 NOTIFY, 5 UPDATE. */
	opcode = (flags >> 11) & 0x0f;
	if (opcode == 3 || opcode > 5)
		return false;
	/* A query asks something; a response answers or echoes it. */
	if (!DNS_QR(flags) && qd == 0)
		return false;
	return qd <= 256 && an <= 1024;
}

static bool
dns_probe(const uint8_t *p, size_t n, int dir)
{
	struct cursor c = cur_make(p, n);

	(void)dir;
	return dns_header_plausible(&c);
}

static void
dns_datagram(struct proto_ctx *ctx, struct cursor *c)
{
	dns_message(ctx, &flavor_dns, *c, false);
}

static void
mdns_datagram(struct proto_ctx *ctx, struct cursor *c)
{
	dns_message(ctx, &flavor_mdns, *c, false);
}

static void
llmnr_datagram(struct proto_ctx *ctx, struct cursor *c)
{
	dns_message(ctx, &flavor_llmnr, *c, false);
}

/*
 * TCP: each direction is a sequence of <length (16)> <message>. A message
 * is buffered whole up to DNS_TCP_MAX bytes; a longer one is parsed up to
 * the cap and the rest skipped. After a gap the framing is lost and the
 * direction is abandoned.
 */
struct dns_tcp_state {
	struct recasm	 half[2];
};

struct dns_tcp_arg {
	const struct dns_flavor *fl;
};

static int64_t
dns_tcp_frame(const uint8_t *p, size_t n)
{
	return n < 2 ? REC_MORE : 2 + ((int64_t)p[0] << 8 | p[1]);
}

static void
dns_tcp_record(struct proto_ctx *ctx, void *arg, const uint8_t *p,
    size_t len, bool cut)
{
	const struct dns_flavor *fl = ((struct dns_tcp_arg *)arg)->fl;

	if (len == 2) {
		proto_malformed(ctx, MAL_DNS_TRUNCATED, fl->name,
		    "zero-length message over TCP");
		return;
	}
	dns_message(ctx, fl, cur_make(p + 2, len - 2), cut);
}

static const struct rec_cfg dns_tcp_rec = {
	.frame = dns_tcp_frame,
	.hdr_max = 2,
	.max = 2 + DNS_TCP_MAX,
	.record = dns_tcp_record,
};

static void
dns_tcp_stream(struct proto_ctx *ctx, const struct dns_flavor *fl,
    void *state, const uint8_t *p, size_t n)
{
	struct dns_tcp_state *st = state;
	struct dns_tcp_arg arg = { fl };

	(void)recasm_feed(ctx, &st->half[ctx->dir != 0], &dns_tcp_rec, &arg,
	    p, n);
}

static bool
dns_tcp_probe(const uint8_t *p, size_t n, int dir)
{
	struct cursor c = cur_make(p, n);
	uint16_t len;

	(void)dir;
	if (cur_be16(&c, &len) == -1 || len < DNS_HDR_LEN)
		return false;
	/* The length may come in a segment of its own. */
	return cur_left(&c) == 0 || dns_header_plausible(&c);
}

static void
dns_tcp_gap(struct proto_ctx *ctx, void *state)
{
	struct dns_tcp_state *st = state;

	recasm_lose(ctx, &st->half[ctx->dir != 0]);
}

static void
dns_tcp_end(struct proto_ctx *ctx, void *state)
{
	struct dns_tcp_state *st = state;

	recasm_free(ctx, &st->half[0]);
	recasm_free(ctx, &st->half[1]);
}

static void
dns_stream(struct proto_ctx *ctx, void *state, const uint8_t *p, size_t n)
{
	dns_tcp_stream(ctx, &flavor_dns, state, p, n);
}

static void
llmnr_stream(struct proto_ctx *ctx, void *state, const uint8_t *p, size_t n)
{
	dns_tcp_stream(ctx, &flavor_llmnr, state, p, n);
}

const struct dissector dissector_dns = {
	.name = "dns",
	.l4proto = IPPROTO_UDP_,
	.ports = { DNS_PORT },
	.probe = dns_probe,
	.datagram = dns_datagram,
};

const struct dissector dissector_dns_tcp = {
	.name = "dns",
	.l4proto = IPPROTO_TCP_,
	.ports = { DNS_PORT },
	.probe = dns_tcp_probe,
	.state_size = sizeof(struct dns_tcp_state),
	.stream = dns_stream,
	.gap = dns_tcp_gap,
	.end = dns_tcp_end,
};

const struct dissector dissector_mdns = {
	.name = "mdns",
	.l4proto = IPPROTO_UDP_,
	.ports = { MDNS_PORT },
	.probe = dns_probe,
	.datagram = mdns_datagram,
};

const struct dissector dissector_llmnr = {
	.name = "llmnr",
	.l4proto = IPPROTO_UDP_,
	.ports = { LLMNR_PORT },
	.probe = dns_probe,
	.datagram = llmnr_datagram,
};

const struct dissector dissector_llmnr_tcp = {
	.name = "llmnr",
	.l4proto = IPPROTO_TCP_,
	.ports = { LLMNR_PORT },
	.probe = dns_tcp_probe,
	.state_size = sizeof(struct dns_tcp_state),
	.stream = llmnr_stream,
	.gap = dns_tcp_gap,
	.end = dns_tcp_end,
};
