/*
 * bacnet.c - BACnet/IP: BVLC, NPDU, APDU; Who-Is, I-Am, ReadProperty.
 *
 * Follows ANSI/ASHRAE 135-2020: Annex J (BACnet/IP, the BVLC header,
 * J.2), clause 6.2 (NPDU), clause 20.1 (APDU headers), clause 20.2 (tag
 * encoding of application and context data), clause 16.9/16.10 (Who-Is,
 * I-Am) and clause 15.5 (ReadProperty).
 *
 *  BVLC: | type 0x81 | function | length (16, whole message) |
 *        [ Forwarded-NPDU: originating B/IP address (4) and port (2) ]
 *  NPDU: | version 1 | control | [DNET DLEN DADR] [SNET SLEN SADR]
 *        [hop count] [message type [vendor id]]
 *  APDU: | type (4 bits) flags (4) | ... | service choice | tagged data
 *
 *  Tag: | tag number (4) | class (1: context) | length/value/type (3) |
 *       [extended tag] [extended length: 1, or 254 + 16 bits, or 255 + 32]
 *
 * Big-endian throughout. One observation per message.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ward/proto.h"
#include "proto-private.h"

#define BACNET_PORT	47808

#define BVLC_TYPE	0x81
#define BVLC_FORWARDED	0x04

#define NPDU_VERSION	0x01
#define NPDU_NETMSG	0x80
#define NPDU_DNET	0x20
#define NPDU_SNET	0x08

#define APDU_CONFIRMED	0
#define APDU_UNCONFIRMED 1
#define APDU_SIMPLE_ACK	2
#define APDU_COMPLEX_ACK 3
#define APDU_SEGMENT_ACK 4
#define APDU_ERROR	5
#define APDU_REJECT	6
#define APDU_ABORT	7

#define SVC_I_AM	0	/* unconfirmed */
#define SVC_WHO_IS	8	/* unconfirmed */
#define SVC_READ_PROPERTY 12	/* confirmed */

/* Clause 21: property identifiers reported from a ReadProperty-ACK. */
#define PROP_APP_SOFTWARE_VERSION 12
#define PROP_DESCRIPTION	28
#define PROP_FIRMWARE_REVISION	44
#define PROP_LOCATION		58
#define PROP_MODEL_NAME		70
#define PROP_OBJECT_NAME	77
#define PROP_VENDOR_IDENTIFIER	120
#define PROP_VENDOR_NAME	121

#define OBJECT_DEVICE	8

/* Character strings reported are cut here. */
#define BACNET_TEXT_MAX	256

static const char proto_bacnet[] = "bacnet";

static const char *
bvlc_name(uint8_t f)
{
	static const char *const names[] = { "result", "write_bdt",
		"read_bdt", "read_bdt_ack", "forwarded_npdu",
		"register_foreign_device", "read_fdt", "read_fdt_ack",
		"delete_fdt_entry", "distribute_broadcast_to_network",
		"original_unicast_npdu", "original_broadcast_npdu",
		"secure_bvll" };

	return f < sizeof(names) / sizeof(names[0]) ? names[f] : NULL;
}

static const char *
apdu_name(uint8_t t)
{
	static const char *const names[] = { "confirmed_request",
		"unconfirmed_request", "simple_ack", "complex_ack",
		"segment_ack", "error", "reject", "abort" };

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : NULL;
}

static const char *
confirmed_name(uint8_t s)
{
	/* Clause 21, BACnetConfirmedServiceChoice (the common ones). */
	switch (s) {
	case 0: return "acknowledge_alarm";
	case 5: return "subscribe_cov";
	case 6: return "atomic_read_file";
	case 7: return "atomic_write_file";
	case 12: return "read_property";
	case 14: return "read_property_multiple";
	case 15: return "write_property";
	case 16: return "write_property_multiple";
	case 17: return "device_communication_control";
	case 20: return "reinitialize_device";
	case 26: return "read_range";
	default: return NULL;
	}
}

static const char *
unconfirmed_name(uint8_t s)
{
	/* Clause 21, BACnetUnconfirmedServiceChoice. */
	static const char *const names[] = { "i_am", "i_have",
		"unconfirmed_cov_notification",
		"unconfirmed_event_notification",
		"unconfirmed_private_transfer", "unconfirmed_text_message",
		"time_synchronization", "who_has", "who_is",
		"utc_time_synchronization", "write_group" };

	return s < sizeof(names) / sizeof(names[0]) ? names[s] : NULL;
}

static const char *
vendor_name(uint32_t id)
{
	/* ASHRAE's BACnet vendor identifier list (a few common ones). */
	switch (id) {
	case 0: return "ASHRAE";
	case 2: return "The Trane Company";
	case 5: return "Johnson Controls, Inc.";
	case 7: return "Siemens Schweiz AG";
	case 8: return "Delta Controls";
	case 10: return "Schneider Electric";
	case 17: return "Honeywell Inc.";
	case 24: return "Automated Logic Corporation";
	case 260: return "BACnet Stack at SourceForge";
	default: return NULL;
	}
}

static const char *
segmentation_name(uint32_t s)
{
	static const char *const names[] = { "both", "transmit", "receive",
		"none" };

	return s < 4 ? names[s] : NULL;
}

/* A decoded tag (clause 20.2.1). */
struct tag {
	uint8_t		 number;
	bool		 context;
	bool		 opening, closing;
	uint32_t	 len;		/* or the value of a boolean */
};

/*
 * Reads a tag header. For data tags the caller then takes len bytes.
 * Returns -1 when the header runs past c.
 */
static int
tag_read(struct cursor *c, struct tag *t)
{
	struct cursor save = *c;
	uint16_t l16;
	uint8_t b, ext;
	uint32_t lvt;

	if (cur_u8(c, &b) == -1)
		return -1;
	t->number = b >> 4;
	t->context = (b & 0x08) != 0;
	t->opening = t->closing = false;
	lvt = b & 0x07;
	if (t->number == 15) {
		if (cur_u8(c, &t->number) == -1)
			goto trunc;
	}
	if (t->context && lvt == 6) {
		t->opening = true;
		t->len = 0;
		return 0;
	}
	if (t->context && lvt == 7) {
		t->closing = true;
		t->len = 0;
		return 0;
	}
	if (lvt == 5) {
		if (cur_u8(c, &ext) == -1)
			goto trunc;
		lvt = ext;
		if (ext == 254) {
			if (cur_be16(c, &l16) == -1)
				goto trunc;
			lvt = l16;
		} else if (ext == 255) {
			if (cur_be32(c, &lvt) == -1)
				goto trunc;
		}
	}
	t->len = lvt;
	return 0;
trunc:
	*c = save;
	return -1;
}

/* An unsigned of 1 to 4 bytes (clause 20.2.4). */
static int
unsigned_read(struct cursor *c, uint32_t len, uint32_t *v)
{
	uint8_t b;

	if (len == 0 || len > 4)
		return -1;
	*v = 0;
	for (uint32_t i = 0; i < len; i++) {
		if (cur_u8(c, &b) == -1)
			return -1;
		*v = *v << 8 | b;
	}
	return 0;
}

/* An application-tagged value of the given tag number: its unsigned. */
static int
app_unsigned(struct cursor *c, uint8_t want, uint32_t *v)
{
	struct tag t;

	if (tag_read(c, &t) == -1 || t.context || t.number != want)
		return -1;
	return unsigned_read(c, t.len, v);
}

/* A context tag n holding an unsigned; 1 when absent, -1 when bad. */
static int
ctx_unsigned(struct cursor *c, uint8_t n, uint32_t *v)
{
	struct cursor save = *c;
	struct tag t;

	if (cur_left(c) == 0)
		return 1;
	if (tag_read(c, &t) == -1)
		return -1;
	if (!t.context || t.number != n || t.opening || t.closing) {
		*c = save;
		return 1;
	}
	return unsigned_read(c, t.len, v);
}

static void
object_id(struct observation *o, uint32_t v)
{
	(void)obs_u64(o, "object_type", v >> 22);
	(void)obs_u64(o, "object_instance", v & 0x3fffff);
}

/* Clause 16.10: I-Am. */
static int
bacnet_i_am(struct observation *o, struct cursor c)
{
	uint32_t oid, max_apdu, seg, vendor;
	const char *name;

	if (app_unsigned(&c, 12, &oid) == -1 ||
	    app_unsigned(&c, 2, &max_apdu) == -1 ||
	    app_unsigned(&c, 9, &seg) == -1 ||
	    app_unsigned(&c, 2, &vendor) == -1)
		return -1;
	object_id(o, oid);
	if ((oid >> 22) == OBJECT_DEVICE)
		(void)obs_u64(o, "device_instance", oid & 0x3fffff);
	(void)obs_u64(o, "max_apdu", max_apdu);
	(void)obs_u64(o, "segmentation", seg);
	if ((name = segmentation_name(seg)) != NULL)
		(void)obs_cstr(o, "segmentation_name", name);
	(void)obs_u64(o, "vendor_id", vendor);
	if ((name = vendor_name(vendor)) != NULL)
		(void)obs_cstr(o, "vendor", name);
	return 0;
}

/* Clause 16.9: Who-Is with its optional range. */
static int
bacnet_who_is(struct observation *o, struct cursor c)
{
	uint32_t lo, hi;
	int r1, r2;

	if ((r1 = ctx_unsigned(&c, 0, &lo)) == -1)
		return -1;
	if ((r2 = ctx_unsigned(&c, 1, &hi)) == -1)
		return -1;
	/* Clause 16.9.1.1: both limits or neither. */
	if (r1 != r2)
		return -1;
	if (r1 == 0) {
		(void)obs_u64(o, "low_limit", lo);
		(void)obs_u64(o, "high_limit", hi);
	}
	return 0;
}

static const char *
property_key(uint32_t prop)
{
	switch (prop) {
	case PROP_OBJECT_NAME: return "object_name";
	case PROP_VENDOR_NAME: return "vendor_name";
	case PROP_MODEL_NAME: return "model_name";
	case PROP_FIRMWARE_REVISION: return "firmware_revision";
	case PROP_APP_SOFTWARE_VERSION: return "application_software_version";
	case PROP_DESCRIPTION: return "description";
	case PROP_LOCATION: return "location";
	default: return NULL;
	}
}

/* Appends code point cp to out (cap bytes) as UTF-8; false when full. */
static bool
utf8_put(char *out, size_t cap, size_t *n, uint32_t cp)
{
	size_t l = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;

	if (cap - *n < l)
		return false;
	if (l == 1) {
		out[(*n)++] = (char)cp;
		return true;
	}
	out[(*n)++] = (char)(l == 2 ? 0xc0 | cp >> 6 : l == 3 ?
	    0xe0 | cp >> 12 : 0xf0 | cp >> 18);
	if (l == 4)
		out[(*n)++] = (char)(0x80 | (cp >> 12 & 0x3f));
	if (l >= 3)
		out[(*n)++] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[(*n)++] = (char)(0x80 | (cp & 0x3f));
	return true;
}

/*
 * A CharacterString (clause 20.2.9): a character set byte, then the text.
 * ISO 10646 UCS-2 (4, big-endian), UCS-4 (3) and ISO 8859-1 (5) are
 * converted to UTF-8, so that a name reads the same whatever the device's
 * character set (surrogates and code points past U+10FFFF become '?');
 * UTF-8 (0) and the double-byte sets (1, 2) are kept as bytes.
 */
static void
char_string(struct observation *o, const char *key, struct cursor v)
{
	char text[BACNET_TEXT_MAX];
	size_t n = 0;
	uint32_t cp;
	uint16_t u;
	uint8_t enc, b;

	if (cur_u8(&v, &enc) == -1)
		return;
	if (enc != 3 && enc != 4 && enc != 5) {
		(void)obs_str(o, key, v.p, v.len < BACNET_TEXT_MAX ? v.len :
		    BACNET_TEXT_MAX);
		return;
	}
	for (;;) {
		if (enc == 5) {
			if (cur_u8(&v, &b) == -1)
				break;
			cp = b;
		} else if (enc == 4) {
			if (cur_be16(&v, &u) == -1)
				break;
			cp = u;
		} else if (cur_be32(&v, &cp) == -1)
			break;
		if ((cp >= 0xd800 && cp < 0xe000) || cp > 0x10ffff)
			cp = '?';
		if (!utf8_put(text, sizeof(text), &n, cp))
			break;
	}
	(void)obs_str(o, key, text, n);
}

/*
 * Clause 15.5.1.1/15.5.1.3: ReadProperty request and ACK share their
 * first fields: objectIdentifier [0], propertyIdentifier [1], optional
 * propertyArrayIndex [2]; the ACK then holds the value in [3].
 */
static int
bacnet_read_property(struct observation *o, struct cursor c, bool ack)
{
	struct tag t;
	struct cursor v;
	const char *key;
	uint32_t oid, prop, idx, vendor;
	int r;

	if (tag_read(&c, &t) == -1 || !t.context || t.number != 0 ||
	    t.len != 4 || unsigned_read(&c, 4, &oid) == -1)
		return -1;
	if (ctx_unsigned(&c, 1, &prop) != 0)
		return -1;
	object_id(o, oid);
	(void)obs_u64(o, "property", prop);
	if ((r = ctx_unsigned(&c, 2, &idx)) == -1)
		return -1;
	if (r == 0)
		(void)obs_u64(o, "array_index", idx);
	if (!ack)
		return 0;
	if (tag_read(&c, &t) == -1 || !t.opening || t.number != 3)
		return -1;
	/* The first value only: the properties reported hold one. */
	if (tag_read(&c, &t) == -1 || t.opening || t.closing ||
	    cur_sub(&c, t.len, &v) == -1)
		return -1;
	if (t.context)
		return 0;
	if (prop == PROP_VENDOR_IDENTIFIER && t.number == 2 &&
	    unsigned_read(&v, t.len, &vendor) == 0) {
		(void)obs_u64(o, "vendor_id", vendor);
		if ((key = vendor_name(vendor)) != NULL)
			(void)obs_cstr(o, "vendor", key);
		return 0;
	}
	if ((key = property_key(prop)) != NULL && t.number == 7)
		char_string(o, key, v);
	return 0;
}

/* Clause 20.1: the APDU header, then the services we read. */
static int
bacnet_apdu(struct observation *o, struct cursor c)
{
	const char *name;
	uint8_t b0, type, b, invoke, svc;

	if (cur_u8(&c, &b0) == -1)
		return -1;
	type = b0 >> 4;
	(void)obs_u64(o, "apdu_type", type);
	if ((name = apdu_name(type)) != NULL)
		(void)obs_cstr(o, "apdu", name);
	switch (type) {
	case APDU_CONFIRMED:
		/* 20.1.2: flags, max segments/APDU, invoke id, [seq, win]. */
		if (cur_u8(&c, &b) == -1 || cur_u8(&c, &invoke) == -1 ||
		    ((b0 & 0x08) && cur_skip(&c, 2) == -1) ||
		    cur_u8(&c, &svc) == -1)
			return -1;
		(void)obs_u64(o, "invoke_id", invoke);
		(void)obs_u64(o, "service", svc);
		if ((name = confirmed_name(svc)) != NULL)
			(void)obs_cstr(o, "service_name", name);
		if (svc == SVC_READ_PROPERTY && !(b0 & 0x08))
			return bacnet_read_property(o, c, false);
		return 0;
	case APDU_UNCONFIRMED:
		if (cur_u8(&c, &svc) == -1)
			return -1;
		(void)obs_u64(o, "service", svc);
		if ((name = unconfirmed_name(svc)) != NULL)
			(void)obs_cstr(o, "service_name", name);
		if (svc == SVC_I_AM)
			return bacnet_i_am(o, c);
		if (svc == SVC_WHO_IS)
			return bacnet_who_is(o, c);
		return 0;
	case APDU_SIMPLE_ACK:
	case APDU_COMPLEX_ACK:
	case APDU_ERROR:
		/* 20.1.4-20.1.7: invoke id, [seq, win], service choice. */
		if (cur_u8(&c, &invoke) == -1 ||
		    (type == APDU_COMPLEX_ACK && (b0 & 0x08) &&
		    cur_skip(&c, 2) == -1) || cur_u8(&c, &svc) == -1)
			return -1;
		(void)obs_u64(o, "invoke_id", invoke);
		(void)obs_u64(o, "service", svc);
		if ((name = confirmed_name(svc)) != NULL)
			(void)obs_cstr(o, "service_name", name);
		/* A segmented ACK's first segment holds the start only. */
		if (type == APDU_COMPLEX_ACK && svc == SVC_READ_PROPERTY &&
		    !(b0 & 0x08))
			return bacnet_read_property(o, c, true);
		return 0;
	case APDU_SEGMENT_ACK:
	case APDU_REJECT:
	case APDU_ABORT:
		if (cur_u8(&c, &invoke) == -1)
			return -1;
		(void)obs_u64(o, "invoke_id", invoke);
		return 0;
	default:
		return -1;
	}
}

/* Clause 6.2: the NPDU header; then a network message or an APDU. */
static int
bacnet_npdu(struct proto_ctx *ctx, struct observation *o, struct cursor c)
{
	struct cursor addr;
	uint16_t net, vendor;
	uint8_t version, control, len, hops, msg;

	if (cur_u8(&c, &version) == -1 || cur_u8(&c, &control) == -1 ||
	    version != NPDU_VERSION) {
		proto_malformed(ctx, MAL_BACNET_BAD_NPDU, proto_bacnet,
		    "NPDU cut short or version not 1");
		return -1;
	}
	if (control & NPDU_DNET) {
		if (cur_be16(&c, &net) == -1 || cur_u8(&c, &len) == -1 ||
		    cur_sub(&c, len, &addr) == -1)
			goto bad;
		(void)obs_u64(o, "dnet", net);
	}
	if (control & NPDU_SNET) {
		if (cur_be16(&c, &net) == -1 || cur_u8(&c, &len) == -1 ||
		    len == 0 || cur_sub(&c, len, &addr) == -1)
			goto bad;
		(void)obs_u64(o, "snet", net);
		(void)obs_hex(o, "sadr", addr.p, addr.len);
	}
	if ((control & NPDU_DNET) && cur_u8(&c, &hops) == -1)
		goto bad;
	if (control & NPDU_NETMSG) {
		/* Clause 6.2.4: 0x80 and above carry a vendor id. */
		if (cur_u8(&c, &msg) == -1 ||
		    (msg >= 0x80 && cur_be16(&c, &vendor) == -1))
			goto bad;
		(void)obs_u64(o, "network_message", msg);
		return 0;
	}
	if (bacnet_apdu(o, c) == -1) {
		proto_malformed(ctx, MAL_BACNET_BAD_APDU, proto_bacnet,
		    "APDU cut short or badly tagged");
		return -1;
	}
	return 0;
bad:
	proto_malformed(ctx, MAL_BACNET_BAD_NPDU, proto_bacnet,
	    "NPDU addresses or message type cut short");
	return -1;
}

static void
bacnet_datagram(struct proto_ctx *ctx, struct cursor *cp)
{
	struct observation o;
	struct cursor c = *cp, npdu;
	struct ward_addr orig;
	const char *name;
	uint16_t len, port;
	uint8_t type, func, ip[4];

	/* Annex J.2: type, function, length of the whole BVLL message. */
	if (cur_u8(&c, &type) == -1 || cur_u8(&c, &func) == -1 ||
	    cur_be16(&c, &len) == -1 || type != BVLC_TYPE || len < 4 ||
	    cur_truncate(&c, len - 4) == -1) {
		proto_malformed(ctx, MAL_BACNET_BAD_BVLC, proto_bacnet,
		    "BVLC type not 0x81 or length not that of the datagram");
		return;
	}
	proto_obs_init(ctx, &o, OBS_BACNET);
	if (func == BVLC_FORWARDED) {
		/* J.2.9: the B/IP address of the original sender. */
		if (cur_bytes(&c, ip, 4) == -1 || cur_be16(&c, &port) == -1) {
			proto_malformed(ctx, MAL_BACNET_BAD_BVLC, proto_bacnet,
			    "Forwarded-NPDU without its origin");
			return;
		}
		addr_v4(&orig, ip);
		proto_subject_addr(ctx, &o, &orig);
		(void)obs_addr(&o, "origin", &orig);
	} else
		proto_subject_sender(ctx, &o);
	(void)obs_u64(&o, "bvlc_function", func);
	if ((name = bvlc_name(func)) != NULL)
		(void)obs_cstr(&o, "bvlc", name);
	/* Only these carry an NPDU (J.2.9 to J.2.12). */
	if (func == BVLC_FORWARDED || func == 0x09 || func == 0x0a ||
	    func == 0x0b) {
		npdu = c;
		if (bacnet_npdu(ctx, &o, npdu) == -1)
			return;
	}
	if (ctx->bus != NULL)
		obs_emit(ctx->bus, &o);
}

/* BVLC type 0x81, a known function and a length that fits. */
static bool
bacnet_probe(const uint8_t *p, size_t n, int dir)
{
	struct cursor c = cur_make(p, n);
	uint16_t len;
	uint8_t type, func;

	(void)dir;
	if (cur_u8(&c, &type) == -1 || cur_u8(&c, &func) == -1 ||
	    cur_be16(&c, &len) == -1)
		return false;
	return type == BVLC_TYPE && func <= 0x0c && len >= 4 && len <= n;
}

const struct dissector dissector_bacnet = {
	.name = "bacnet",
	.l4proto = IPPROTO_UDP_,
	.ports = { BACNET_PORT },
	.probe = bacnet_probe,
	.datagram = bacnet_datagram,
};
