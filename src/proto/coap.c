/*
 * coap.c - CoAP messages: which device asks which resource of which.
 *
 * Follows RFC 7252 (message format, section 3; options, sections 3.1 and
 * 5.10; codes, section 12.1), RFC 7641 (Observe), RFC 7959 (Block1/Block2)
 * and RFC 8132 (FETCH, PATCH, iPATCH). UDP 5683 (5684 is CoAP over DTLS and
 * not read here).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |Ver| T |  TKL  |      Code     |          Message ID           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Token (if any, TKL bytes) ...
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   Options (if any): | delta (4) | length (4) | ext. | value |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |1 1 1 1 1 1 1 1|    Payload (if any) ...
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * One observation per message (docs/observations.md); the payload is
 * counted, never quoted.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ward/proto.h"
#include "proto-private.h"

#define COAP_PORT	5683
#define COAP_HDR_LEN	4
#define COAP_TOKEN_MAX	8
/* Joined Uri-Path, Uri-Query, Location-Path, cut beyond this. */
#define COAP_JOIN_MAX	1024

/* Option numbers (RFC 7252 section 5.10, RFC 7641, RFC 7959). */
#define OPT_URI_HOST		3
#define OPT_OBSERVE		6
#define OPT_URI_PORT		7
#define OPT_LOCATION_PATH	8
#define OPT_URI_PATH		11
#define OPT_CONTENT_FORMAT	12
#define OPT_URI_QUERY		15
#define OPT_ACCEPT		17
#define OPT_BLOCK2		23
#define OPT_BLOCK1		27

static const char *const coap_types[4] = { "CON", "NON", "ACK", "RST" };

static const char *
coap_method(uint8_t code)
{
	static const char *const names[] = { NULL, "GET", "POST", "PUT",
		"DELETE", "FETCH", "PATCH", "iPATCH" };

	return code < sizeof(names) / sizeof(names[0]) ? names[code] : NULL;
}

/* Response codes (RFC 7252 section 12.1.2, RFC 7959, RFC 8132, 8516). */
static const char *
coap_status_name(uint8_t code)
{
	switch (code) {
	case 65: return "Created";
	case 66: return "Deleted";
	case 67: return "Valid";
	case 68: return "Changed";
	case 69: return "Content";
	case 95: return "Continue";
	case 128: return "Bad Request";
	case 129: return "Unauthorized";
	case 130: return "Bad Option";
	case 131: return "Forbidden";
	case 132: return "Not Found";
	case 133: return "Method Not Allowed";
	case 134: return "Not Acceptable";
	case 136: return "Request Entity Incomplete";
	case 137: return "Conflict";
	case 140: return "Precondition Failed";
	case 141: return "Request Entity Too Large";
	case 143: return "Unsupported Content-Format";
	case 150: return "Unprocessable Entity";
	case 157: return "Too Many Requests";
	case 160: return "Internal Server Error";
	case 161: return "Not Implemented";
	case 162: return "Bad Gateway";
	case 163: return "Service Unavailable";
	case 164: return "Gateway Timeout";
	case 165: return "Proxying Not Supported";
	default: return NULL;
	}
}

/* CoAP Content-Formats registry (RFC 7252 section 12.3 and later). */
static const char *
coap_format_name(uint32_t cf)
{
	switch (cf) {
	case 0: return "text/plain";
	case 16: return "application/cose";
	case 40: return "application/link-format";
	case 41: return "application/xml";
	case 42: return "application/octet-stream";
	case 47: return "application/exi";
	case 50: return "application/json";
	case 51: return "application/json-patch+json";
	case 52: return "application/merge-patch+json";
	case 60: return "application/cbor";
	case 61: return "application/cwt";
	case 62: return "application/multipart-core";
	case 63: return "application/cbor-seq";
	case 110: return "application/senml+json";
	case 111: return "application/sensml+json";
	case 112: return "application/senml+cbor";
	case 113: return "application/sensml+cbor";
	case 114: return "application/senml-exi";
	case 115: return "application/sensml-exi";
	case 256: return "application/coap-group+json";
	case 310: return "application/senml+xml";
	case 311: return "application/sensml+xml";
	case 11542: return "application/vnd.oma.lwm2m+tlv";
	case 11543: return "application/vnd.oma.lwm2m+json";
	case 11544: return "application/vnd.oma.lwm2m+cbor";
	default: return NULL;
	}
}

/* Text joined from repeated options, cut at the end of buf. */
struct coap_join {
	char	 buf[COAP_JOIN_MAX];
	size_t	 n;
	bool	 any;
};

static void
coap_join_add(struct coap_join *j, char sep, const struct cursor *v)
{
	size_t len = cur_left(v);

	if (j->n + 1 + len >= sizeof(j->buf))
		return;
	if (sep != '\0' && (j->any || sep == '/'))
		j->buf[j->n++] = sep;
	if (len > 0)
		memcpy(j->buf + j->n, v->p, len);
	j->n += len;
	j->any = true;
}

/* A uint option value (RFC 7252 section 3.2): at most max bytes. */
static int
coap_uint(const struct cursor *v, size_t max, uint32_t *out)
{
	struct cursor c = *v;
	uint32_t n = 0;
	uint8_t b;

	if (cur_left(&c) > max)
		return -1;
	while (cur_u8(&c, &b) == 0)
		n = n << 8 | b;
	*out = n;
	return 0;
}

/* Extended option delta or length (RFC 7252 section 3.1). */
static int
coap_ext(struct cursor *c, uint8_t nib, uint32_t *v)
{
	uint8_t b;
	uint16_t w;

	if (nib < 13) {
		*v = nib;
		return 0;
	}
	if (nib == 13) {
		if (cur_u8(c, &b) == -1)
			return -1;
		*v = (uint32_t)b + 13;
		return 0;
	}
	if (nib == 14) {
		if (cur_be16(c, &w) == -1)
			return -1;
		*v = (uint32_t)w + 269;
		return 0;
	}
	return -1;
}

struct coap_msg {
	struct coap_join	 path, query, location;
	struct cursor		 host;
	bool			 has_host, has_port, has_cf, has_accept;
	bool			 has_observe, has_block1, has_block2;
	uint32_t		 port, cf, accept, observe, block1, block2;
	size_t			 payload;
};

static void
coap_block(struct observation *o, const char *num, const char *more,
    const char *size, uint32_t v)
{
	/* RFC 7959 section 2.2: NUM, M, SZX (size 2^(SZX+4)). */
	(void)obs_u64(o, num, v >> 4);
	(void)obs_bool(o, more, (v & 0x08) != 0);
	if ((v & 7) < 7)
		(void)obs_u64(o, size, 1u << ((v & 7) + 4));
}

static int
coap_bad(struct proto_ctx *ctx, enum malform k, const char *what)
{
	proto_malformed(ctx, k, "coap", what);
	return -1;
}

static int
coap_message(struct proto_ctx *ctx, const struct cursor *cur)
{
	struct coap_msg m;
	struct observation o;
	struct cursor c = *cur, token, val;
	uint32_t number = 0, delta, len, u;
	uint16_t id;
	uint8_t b0, code, b, tkl, type;
	char text[8];
	const char *name;

	memset(&m, 0, sizeof(m));
	if (cur_u8(&c, &b0) == -1 || cur_u8(&c, &code) == -1 ||
	    cur_be16(&c, &id) == -1)
		return coap_bad(ctx, MAL_COAP_TRUNCATED, "header cut short");
	type = (b0 >> 4) & 3;
	tkl = b0 & 0x0f;
	/* Section 3: unknown versions are ignored, TKL 9-15 is an error. */
	if ((b0 >> 6) != 1)
		return coap_bad(ctx, MAL_COAP_BAD_HEADER, "version is not 1");
	if (tkl > COAP_TOKEN_MAX)
		return coap_bad(ctx, MAL_COAP_BAD_HEADER,
		    "token length 9-15 (reserved)");
	if (cur_sub(&c, tkl, &token) == -1)
		return coap_bad(ctx, MAL_COAP_TRUNCATED, "token cut short");
	/* Section 4.1: an Empty message is the 4-byte header alone. */
	if (code == 0 && (tkl != 0 || cur_left(&c) != 0))
		return coap_bad(ctx, MAL_COAP_BAD_HEADER,
		    "Empty message with a token, options or payload");
	/* Section 12.1: classes 1, 6 and 7 are reserved (7 is signalling
	 * over TCP, RFC 8323). */
	if ((code >> 5) == 1 || (code >> 5) >= 6)
		return coap_bad(ctx, MAL_COAP_BAD_HEADER,
		    "code of a reserved class");

	while (cur_u8(&c, &b) == 0) {
		if (b == 0xff) {
			/* Section 3: a marker before an empty payload is an
			 * error. */
			if (cur_left(&c) == 0)
				return coap_bad(ctx, MAL_COAP_BAD_OPTION,
				    "payload marker with no payload");
			m.payload = cur_left(&c);
			break;
		}
		/* Section 3.1: nibble 15 is reserved except in the marker. */
		if (coap_ext(&c, b >> 4, &delta) == -1 ||
		    coap_ext(&c, b & 0x0f, &len) == -1)
			return coap_bad(ctx, MAL_COAP_BAD_OPTION,
			    "option nibble 15 or extended field cut short");
		if (cur_sub(&c, len, &val) == -1)
			return coap_bad(ctx, MAL_COAP_BAD_OPTION,
			    "option value runs past the message");
		number += delta;
		if (number > 0xffff)
			return coap_bad(ctx, MAL_COAP_BAD_OPTION,
			    "option number above 65535");
		/*
		 * Section 5.4.3: a value of the wrong length is treated as an
		 * unrecognized option; ward counts it and ignores the value.
		 */
		switch (number) {
		case OPT_URI_HOST:
			if (len < 1 || len > 255)
				goto badlen;
			m.host = val;
			m.has_host = true;
			break;
		case OPT_URI_PORT:
			if (coap_uint(&val, 2, &m.port) == -1)
				goto badlen;
			m.has_port = true;
			break;
		case OPT_URI_PATH:
		case OPT_URI_QUERY:
		case OPT_LOCATION_PATH:
			if (len > 255)
				goto badlen;
			if (number == OPT_URI_PATH)
				coap_join_add(&m.path, '/', &val);
			else if (number == OPT_URI_QUERY)
				coap_join_add(&m.query, '&', &val);
			else
				coap_join_add(&m.location, '/', &val);
			break;
		case OPT_CONTENT_FORMAT:
		case OPT_ACCEPT:
			if (coap_uint(&val, 2, &u) == -1)
				goto badlen;
			if (number == OPT_ACCEPT) {
				m.accept = u;
				m.has_accept = true;
			} else {
				m.cf = u;
				m.has_cf = true;
			}
			break;
		case OPT_OBSERVE:
		case OPT_BLOCK1:
		case OPT_BLOCK2:
			if (coap_uint(&val, 3, &u) == -1)
				goto badlen;
			if (number == OPT_OBSERVE) {
				m.observe = u;
				m.has_observe = true;
			} else if (number == OPT_BLOCK1) {
				m.block1 = u;
				m.has_block1 = true;
			} else {
				m.block2 = u;
				m.has_block2 = true;
			}
			break;
		default:
			break;
		}
		continue;
badlen:
		proto_malformed(ctx, MAL_COAP_BAD_OPTION, "coap",
		    "option value of the wrong length");
	}

	if (ctx->bus == NULL)
		return 0;
	proto_obs_init(ctx, &o, OBS_COAP);
	proto_subject_sender(ctx, &o);
	(void)obs_cstr(&o, "type", coap_types[type]);
	(void)obs_u64(&o, "code", code);
	if (code != 0 && (code >> 5) == 0) {
		if ((name = coap_method(code)) != NULL)
			(void)obs_cstr(&o, "method", name);
	} else if (code != 0) {
		(void)snprintf(text, sizeof(text), "%u.%02u", code >> 5,
		    code & 0x1f);
		(void)obs_cstr(&o, "status", text);
		if ((name = coap_status_name(code)) != NULL)
			(void)obs_cstr(&o, "status_name", name);
	}
	(void)obs_u64(&o, "msg_id", id);
	(void)obs_u64(&o, "token_len", tkl);
	if (tkl > 0)
		(void)obs_hex(&o, "token", token.p, tkl);
	if (m.has_host)
		(void)obs_str(&o, "uri_host", m.host.p, cur_left(&m.host));
	if (m.has_port)
		(void)obs_u64(&o, "uri_port", m.port);
	if (m.path.any)
		(void)obs_str(&o, "uri_path", m.path.buf, m.path.n);
	if (m.query.any)
		(void)obs_str(&o, "uri_query", m.query.buf, m.query.n);
	if (m.location.any)
		(void)obs_str(&o, "location_path", m.location.buf,
		    m.location.n);
	if (m.has_cf) {
		(void)obs_u64(&o, "content_format", m.cf);
		if ((name = coap_format_name(m.cf)) != NULL)
			(void)obs_cstr(&o, "content_format_name", name);
	}
	if (m.has_accept)
		(void)obs_u64(&o, "accept", m.accept);
	if (m.has_observe)
		(void)obs_u64(&o, "observe", m.observe);
	if (m.has_block2)
		coap_block(&o, "block2_num", "block2_more", "block2_size",
		    m.block2);
	if (m.has_block1)
		coap_block(&o, "block1_num", "block1_more", "block1_size",
		    m.block1);
	(void)obs_u64(&o, "payload_len", m.payload);
	obs_emit(ctx->bus, &o);
	return 0;
}

static void
coap_datagram(struct proto_ctx *ctx, struct cursor *c)
{
	(void)coap_message(ctx, c);
}

/* Version 1, a token length that exists, a code of a defined class. */
static bool
coap_probe(const uint8_t *p, size_t n, int dir)
{
	struct cursor c = cur_make(p, n);
	uint8_t b0, code;

	(void)dir;
	if (cur_u8(&c, &b0) == -1 || cur_u8(&c, &code) == -1 ||
	    cur_left(&c) < 2)
		return false;
	if ((b0 >> 6) != 1 || (b0 & 0x0f) > COAP_TOKEN_MAX)
		return false;
	if (code == 0)
		return n == COAP_HDR_LEN;
	return (code >> 5) == 0 || (code >> 5) == 2 || (code >> 5) == 4 ||
	    (code >> 5) == 5;
}

const struct dissector dissector_coap = {
	.name = "coap",
	.l4proto = IPPROTO_UDP_,
	.ports = { COAP_PORT },
	.probe = coap_probe,
	.datagram = coap_datagram,
};
