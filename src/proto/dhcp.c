/*
 * dhcp.c - DHCPv4 and DHCPv6 messages: who the client is and what it asks.
 *
 * DHCPv4 follows RFC 2131 (the BOOTP header, section 2), RFC 2132 (options;
 * overload of sname and file, section 9.3), RFC 3396 (an option split in
 * several instances is their concatenation), RFC 4702 (client FQDN, option
 * 81) and RFC 3004 (user class, option 77). UDP ports 67 and 68.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------+---------------+---------------+---------------+
 * |     op (1)    |   htype (1)   |   hlen (1)    |   hops (1)    |
 * +---------------+---------------+---------------+---------------+
 * |                            xid (4)                            |
 * +-------------------------------+-------------------------------+
 * |           secs (2)            |           flags (2)           |
 * +-------------------------------+-------------------------------+
 * |              ciaddr, yiaddr, siaddr, giaddr (4 each)          |
 * +---------------------------------------------------------------+
 * |                     chaddr (16), sname (64), file (128)       |
 * +---------------------------------------------------------------+
 * |         magic cookie 99.130.83.99, then options (code, len)   |
 * +---------------------------------------------------------------+
 *
 * DHCPv6 follows RFC 8415 (client/server messages, section 8; relay
 * messages, section 9; options, section 21) and RFC 4704 (client FQDN).
 * UDP ports 546 and 547.
 *
 * +---------------+-----------------------------------------------+
 * |  msg-type (1) |              transaction-id (3)               |
 * +---------------+-----------------------------------------------+
 * |      options: option-code (2), option-len (2), data           |
 * +---------------------------------------------------------------+
 * Relay-forward and relay-reply carry hop-count (1), link-address (16),
 * peer-address (16), then options, one of which (9) holds the relayed
 * message.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ward/proto.h"
#include "proto-private.h"

#define DHCP_SERVER_PORT	67
#define DHCP_CLIENT_PORT	68
#define DHCP6_CLIENT_PORT	546
#define DHCP6_SERVER_PORT	547

#define DHCP_COOKIE		0x63825363u
/* RFC 2131 section 2: the fixed header before the cookie. */
#define DHCP_FIXED_LEN		236
#define DHCP_SNAME_LEN		64
#define DHCP_FILE_LEN		128

/* Option pieces kept per message; a real message has a few dozen. */
#define DHCP_MAX_PIECES		128
/* An option's value after RFC 3396 concatenation is cut at this size. */
#define DHCP_OPT_MAX		255

#define OPT_PAD			0
#define OPT_ROUTER		3
#define OPT_DNS			6
#define OPT_HOSTNAME		12
#define OPT_DOMAIN		15
#define OPT_REQUESTED_IP	50
#define OPT_LEASE		51
#define OPT_OVERLOAD		52
#define OPT_MSG_TYPE		53
#define OPT_SERVER_ID		54
#define OPT_PARAMS		55
#define OPT_MAX_SIZE		57
#define OPT_VENDOR_CLASS	60
#define OPT_CLIENT_ID		61
#define OPT_USER_CLASS		77
#define OPT_FQDN		81
#define OPT_END			255

static const char proto_v4[] = "dhcp";
static const char proto_v6[] = "dhcpv6";

struct dhcp_piece {
	uint8_t		 code;
	struct cursor	 data;
};

struct dhcp_opts {
	size_t		 npieces;
	struct dhcp_piece piece[DHCP_MAX_PIECES];
	size_t		 ncodes;
	uint8_t		 codes[256];	/* in order of first appearance */
	bool		 seen[256];
};

/*
 * Collects the options of one area (the options field, or file or sname
 * when overloaded). Returns 0, or -1 when an option runs past the area or
 * there are too many of them; what was read before stays collected.
 */
static int
dhcp_area(struct cursor area, struct dhcp_opts *o)
{
	uint8_t code, len;
	struct cursor data;

	while (cur_u8(&area, &code) == 0) {
		/* RFC 2132 section 3.1 and 3.2: pad and end have no length. */
		if (code == OPT_PAD)
			continue;
		if (code == OPT_END)
			return 0;
		if (cur_u8(&area, &len) == -1 ||
		    cur_sub(&area, len, &data) == -1)
			return -1;
		if (o->npieces == DHCP_MAX_PIECES)
			return -1;
		o->piece[o->npieces].code = code;
		o->piece[o->npieces].data = data;
		o->npieces++;
		if (!o->seen[code]) {
			o->seen[code] = true;
			o->codes[o->ncodes++] = code;
		}
	}
	/* No end option: tolerated, many stacks pad to the end instead. */
	return 0;
}

/*
 * The value of option code: its instances concatenated (RFC 3396 section
 * 5), cut at DHCP_OPT_MAX bytes. Returns the length, or -1 when absent.
 */
static int
dhcp_opt(const struct dhcp_opts *o, uint8_t code, uint8_t buf[DHCP_OPT_MAX])
{
	size_t n = 0;

	if (!o->seen[code])
		return -1;
	for (size_t i = 0; i < o->npieces; i++) {
		struct cursor d = o->piece[i].data;
		size_t take;

		if (o->piece[i].code != code)
			continue;
		take = cur_left(&d);
		if (take > DHCP_OPT_MAX - n)
			take = DHCP_OPT_MAX - n;
		if (cur_bytes(&d, buf + n, take) == -1)
			return -1;
		n += take;
	}
	return (int)n;
}

/*
 * A domain name in the wire format of RFC 1035 section 3.1 without
 * compression, possibly partial (no root label, RFC 4702 section 2.3.1), as
 * dotted text into out (DHCP_OPT_MAX + 1 bytes). -1 if a label overruns.
 */
static int
wire_name_text(struct cursor c, char *out)
{
	size_t n = 0;
	uint8_t len, ch;

	while (cur_u8(&c, &len) == 0 && len != 0) {
		struct cursor label;

		if (len > 63 || cur_sub(&c, len, &label) == -1)
			return -1;
		if (n > 0 && n < DHCP_OPT_MAX)
			out[n++] = '.';
		while (cur_u8(&label, &ch) == 0 && n < DHCP_OPT_MAX)
			out[n++] = (char)ch;
	}
	out[n] = '\0';
	return 0;
}

/* Joins length-prefixed items (lenbytes 1 or 2) with sep; -1 if framing
 * fails. Used for RFC 3004 user classes and RFC 8415 class data. */
static int
join_items(struct cursor c, int lenbytes, char sep, char *out, size_t outlen)
{
	size_t n = 0;
	bool first = true;

	out[0] = '\0';
	while (cur_left(&c) > 0) {
		struct cursor item;
		uint16_t len16;
		uint8_t len8, ch;

		if (lenbytes == 1) {
			if (cur_u8(&c, &len8) == -1)
				return -1;
			len16 = len8;
		} else if (cur_be16(&c, &len16) == -1)
			return -1;
		if (cur_sub(&c, len16, &item) == -1)
			return -1;
		if (!first && n + 1 < outlen)
			out[n++] = sep;
		first = false;
		while (cur_u8(&item, &ch) == 0 && n + 1 < outlen)
			out[n++] = (char)ch;
	}
	out[n] = '\0';
	return 0;
}

static bool
ip4_nonzero(const uint8_t b[4])
{
	return (b[0] | b[1] | b[2] | b[3]) != 0;
}

/* Adds an IPv4 address field from an option of exactly 4 bytes (or, with
 * list, the first of a multiple of 4); counts a bad option otherwise. */
static void
dhcp_addr_opt(struct proto_ctx *ctx, struct observation *o,
    const struct dhcp_opts *opts, uint8_t code, const char *key, bool list)
{
	uint8_t v[DHCP_OPT_MAX];
	struct ward_addr a;
	int n;

	if ((n = dhcp_opt(opts, code, v)) == -1)
		return;
	if (n == 4 || (list && n > 0 && n % 4 == 0)) {
		addr_v4(&a, v);
		(void)obs_addr(o, key, &a);
	} else
		proto_malformed(ctx, MAL_DHCP_BAD_OPTION, proto_v4,
		    "address option of the wrong length");
}

static void
dhcp_str_opt(struct observation *o, const struct dhcp_opts *opts,
    uint8_t code, const char *key)
{
	uint8_t v[DHCP_OPT_MAX];
	int n;

	if ((n = dhcp_opt(opts, code, v)) > 0)
		(void)obs_str(o, key, v, (size_t)n);
}

/* An option that must hold exactly size bytes (1, 2 or 4), big-endian. */
static int
dhcp_uint_opt(struct proto_ctx *ctx, const struct dhcp_opts *opts,
    uint8_t code, size_t size, uint32_t *val)
{
	uint8_t v[DHCP_OPT_MAX];
	struct cursor c;
	int n;

	if ((n = dhcp_opt(opts, code, v)) == -1)
		return -1;
	c = cur_make(v, (size_t)n);
	*val = 0;
	if ((size_t)n != size) {
		proto_malformed(ctx, MAL_DHCP_BAD_OPTION, proto_v4,
		    "integer option of the wrong length");
		return -1;
	}
	for (size_t i = 0; i < size; i++) {
		uint8_t b;

		if (cur_u8(&c, &b) == -1)
			return -1;
		*val = *val << 8 | b;
	}
	return 0;
}

static void
dhcp_emit_options(struct proto_ctx *ctx, struct observation *o,
    const struct dhcp_opts *opts)
{
	uint8_t v[DHCP_OPT_MAX];
	char text[DHCP_OPT_MAX + 1];
	uint32_t u;
	int n;

	dhcp_addr_opt(ctx, o, opts, OPT_REQUESTED_IP, "requested_ip", false);
	dhcp_str_opt(o, opts, OPT_HOSTNAME, "hostname");
	/* RFC 4702 section 2: flags, two obsolete RCODEs, domain name. */
	if ((n = dhcp_opt(opts, OPT_FQDN, v)) != -1) {
		struct cursor c = cur_make(v, (size_t)n);
		uint8_t flags;
		size_t left;

		if (cur_u8(&c, &flags) == -1 || cur_skip(&c, 2) == -1)
			proto_malformed(ctx, MAL_DHCP_BAD_OPTION, proto_v4,
			    "client FQDN option too short");
		else if ((flags & 0x04) == 0) {
			/* E clear: the deprecated ASCII encoding. */
			left = cur_left(&c);
			if (cur_bytes(&c, text, left) == 0 && left > 0)
				(void)obs_str(o, "fqdn", text, left);
		} else if (wire_name_text(c, text) == -1)
			proto_malformed(ctx, MAL_DHCP_BAD_OPTION, proto_v4,
			    "client FQDN with a bad label");
		else if (text[0] != '\0')
			(void)obs_cstr(o, "fqdn", text);
	}
	dhcp_str_opt(o, opts, OPT_VENDOR_CLASS, "vendor_class");
	/* RFC 3004 section 4: length-prefixed classes, but many clients
	 * send plain text; take the RFC form only when it frames exactly. */
	if ((n = dhcp_opt(opts, OPT_USER_CLASS, v)) > 0) {
		if (join_items(cur_make(v, (size_t)n), 1, ',', text,
		    sizeof(text)) == 0)
			(void)obs_cstr(o, "user_class", text);
		else
			(void)obs_str(o, "user_class", v, (size_t)n);
	}
	if ((n = dhcp_opt(opts, OPT_PARAMS, v)) != -1)
		(void)obs_list(o, "params", v, (size_t)n);
	(void)obs_list(o, "options", opts->codes, opts->ncodes);
	if ((n = dhcp_opt(opts, OPT_CLIENT_ID, v)) > 0)
		(void)obs_hex(o, "client_id", v, (size_t)n);
	if (dhcp_uint_opt(ctx, opts, OPT_MAX_SIZE, 2, &u) == 0)
		(void)obs_u64(o, "max_size", u);
	if (dhcp_uint_opt(ctx, opts, OPT_LEASE, 4, &u) == 0)
		(void)obs_u64(o, "lease", u);
	dhcp_addr_opt(ctx, o, opts, OPT_SERVER_ID, "server_id", false);
	dhcp_addr_opt(ctx, o, opts, OPT_ROUTER, "router", true);
	dhcp_addr_opt(ctx, o, opts, OPT_DNS, "dns_server", true);
	dhcp_str_opt(o, opts, OPT_DOMAIN, "domain");
}

static void
dhcp_server_fields(struct proto_ctx *ctx, struct observation *o)
{
	const struct packet *pkt = ctx->pkt;

	if (pkt == NULL)
		return;
	if (pkt->flags & PKT_IP)
		(void)obs_addr(o, "server_ip", &pkt->src);
	if (proto_sender_mac(ctx) != NULL)
		(void)obs_mac(o, "server_mac", proto_sender_mac(ctx));
}

static void
dhcp4_datagram(struct proto_ctx *ctx, struct cursor *payload)
{
	struct cursor c = *payload, sname, file;
	struct observation o;
	struct dhcp_opts optsbuf, *opts = &optsbuf;
	struct ward_addr a;
	uint8_t op, htype, hlen, ciaddr[4], yiaddr[4], siaddr[4], giaddr[4];
	uint8_t chaddr[16];
	uint32_t xid, cookie, u;
	bool ether, truncated = false;

	if (cur_u8(&c, &op) == -1 || cur_u8(&c, &htype) == -1 ||
	    cur_u8(&c, &hlen) == -1 || cur_skip(&c, 1) == -1 ||
	    cur_be32(&c, &xid) == -1 || cur_skip(&c, 4) == -1 ||
	    cur_bytes(&c, ciaddr, 4) == -1 || cur_bytes(&c, yiaddr, 4) == -1 ||
	    cur_bytes(&c, siaddr, 4) == -1 || cur_bytes(&c, giaddr, 4) == -1 ||
	    cur_bytes(&c, chaddr, 16) == -1 ||
	    cur_sub(&c, DHCP_SNAME_LEN, &sname) == -1 ||
	    cur_sub(&c, DHCP_FILE_LEN, &file) == -1 ||
	    cur_be32(&c, &cookie) == -1) {
		proto_malformed(ctx, MAL_DHCP_TRUNCATED, proto_v4,
		    "BOOTP header cut short");
		return;
	}
	/* RFC 2131 section 3: options follow the magic cookie. */
	if (cookie != DHCP_COOKIE) {
		proto_malformed(ctx, MAL_DHCP_BAD_MAGIC, proto_v4,
		    "no DHCP magic cookie");
		return;
	}

	opts->npieces = 0;
	opts->ncodes = 0;
	memset(opts->seen, 0, sizeof(opts->seen));
	if (dhcp_area(c, opts) == -1)
		truncated = true;
	/*
	 * RFC 2132 section 9.3: with option 52, file (1), sname (2) or both
	 * (3) hold more options, read in the order options, file, sname.
	 */
	if (!truncated && dhcp_uint_opt(ctx, opts, OPT_OVERLOAD, 1, &u) == 0) {
		if (u < 1 || u > 3)
			proto_malformed(ctx, MAL_DHCP_BAD_OPTION, proto_v4,
			    "option overload value not 1, 2 or 3");
		else {
			if ((u & 1) && dhcp_area(file, opts) == -1)
				truncated = true;
			if (!truncated && (u & 2) &&
			    dhcp_area(sname, opts) == -1)
				truncated = true;
		}
	}
	if (truncated)
		proto_malformed(ctx, MAL_DHCP_TRUNCATED, proto_v4,
		    "option runs past the end of its field");
	if (ctx->bus == NULL)
		return;

	proto_obs_init(ctx, &o, OBS_DHCP);
	/* RFC 2131 section 2: htype 1 is Ethernet, whose hlen is 6. */
	ether = htype == 1 && hlen == 6;
	if (ip4_nonzero(ciaddr))
		addr_v4(&a, ciaddr);
	else if (op == 2 && ip4_nonzero(yiaddr))
		addr_v4(&a, yiaddr);
	else
		memset(&a, 0, sizeof(a));
	obs_subject(&o, ether ? chaddr : NULL, a.family != 0 ? &a : NULL);

	(void)obs_u64(&o, "op", op);
	if (dhcp_uint_opt(ctx, opts, OPT_MSG_TYPE, 1, &u) == 0)
		(void)obs_u64(&o, "msg_type", u);
	(void)obs_u64(&o, "xid", xid);
	if (ether)
		(void)obs_mac(&o, "chaddr", chaddr);
	if (ip4_nonzero(ciaddr)) {
		addr_v4(&a, ciaddr);
		(void)obs_addr(&o, "ciaddr", &a);
	}
	if (ip4_nonzero(yiaddr)) {
		addr_v4(&a, yiaddr);
		(void)obs_addr(&o, "yiaddr", &a);
	}
	if (ip4_nonzero(giaddr)) {
		addr_v4(&a, giaddr);
		(void)obs_addr(&o, "relay", &a);
	}
	dhcp_emit_options(ctx, &o, opts);
	if (op == 2)
		dhcp_server_fields(ctx, &o);
	obs_emit(ctx->bus, &o);
}

static bool
dhcp4_probe(const uint8_t *p, size_t n, int dir)
{
	struct cursor c = cur_make(p, n);
	uint32_t cookie;
	uint8_t op;

	(void)dir;
	return cur_u8(&c, &op) == 0 && (op == 1 || op == 2) &&
	    cur_skip(&c, DHCP_FIXED_LEN - 1) == 0 &&
	    cur_be32(&c, &cookie) == 0 && cookie == DHCP_COOKIE;
}

/* DHCPv6 (RFC 8415). */

#define D6_SOLICIT		1
#define D6_ADVERTISE		2
#define D6_REPLY		7
#define D6_RECONFIGURE		10
#define D6_RELAY_FORW		12
#define D6_RELAY_REPL		13

#define O6_CLIENTID		1
#define O6_SERVERID		2
#define O6_IA_NA		3
#define O6_IAADDR		5
#define O6_ORO			6
#define O6_RELAY_MSG		9
#define O6_USER_CLASS		15
#define O6_VENDOR_CLASS		16
#define O6_CLIENT_FQDN		39

/* RFC 8415 section 7.6: HOP_COUNT_LIMIT. */
#define D6_MAX_RELAY_DEPTH	8
#define D6_MAX_OPTIONS		64
/* RFC 8415 section 11.1: a DUID is at most 128 octets plus its type. */
#define D6_DUID_MAX		130
#define D6_TEXT_MAX		512

struct dhcp6_msg {
	uint8_t		 type;
	uint32_t	 xid;
	struct cursor	 client_id;
	struct cursor	 server_id;
	bool		 has_client_id, has_server_id;
	struct ward_addr ia_addr;
	struct ward_addr peer;		/* innermost relay's peer-address */
	uint8_t		 codes[D6_MAX_OPTIONS];
	size_t		 ncodes;
	uint8_t		 oro[D6_MAX_OPTIONS];
	size_t		 noro;
	bool		 has_oro;
	char		 fqdn[DHCP_OPT_MAX + 1];
	char		 vendor[D6_TEXT_MAX];
	bool		 has_vendor;
	uint32_t	 enterprise;
	char		 user_class[D6_TEXT_MAX];
	bool		 has_user_class;
};

/* The first IA Address option (RFC 8415 section 21.6) of an IA_NA. */
static int
dhcp6_ia_na(struct cursor c, struct dhcp6_msg *m)
{
	uint16_t code, len;
	struct cursor data;
	uint8_t b[16];

	/* RFC 8415 section 21.4: IAID, T1, T2, then IA_NA-options. */
	if (cur_skip(&c, 12) == -1)
		return -1;
	for (int i = 0; i < D6_MAX_OPTIONS && cur_left(&c) > 0; i++) {
		if (cur_be16(&c, &code) == -1 || cur_be16(&c, &len) == -1 ||
		    cur_sub(&c, len, &data) == -1)
			return -1;
		if (code != O6_IAADDR)
			continue;
		if (cur_bytes(&data, b, 16) == -1)
			return -1;
		if (m->ia_addr.family == 0)
			addr_v6(&m->ia_addr, b);
	}
	return 0;
}

/*
 * Walks the options of a message, unwrapping relay messages up to the
 * depth limit. Returns 0, or the malformation to count.
 */
static int
dhcp6_parse(struct cursor c, struct dhcp6_msg *m, int depth,
    enum malform *bad, const char **what)
{
	uint16_t code, len;
	uint8_t type, flags, b[16];
	struct cursor data, relayed;
	bool has_relayed = false;

	if (cur_u8(&c, &type) == -1)
		goto truncated;
	m->type = type;
	if (type == D6_RELAY_FORW || type == D6_RELAY_REPL) {
		/* RFC 8415 section 9: hop-count, link-address, peer-address. */
		if (cur_skip(&c, 17) == -1 || cur_bytes(&c, b, 16) == -1)
			goto truncated;
		addr_v6(&m->peer, b);
	} else {
		uint32_t xid;

		if (cur_be24(&c, &xid) == -1)
			goto truncated;
		m->xid = xid;
	}
	for (int i = 0; cur_left(&c) > 0; i++) {
		if (i == D6_MAX_OPTIONS) {
			*bad = MAL_DHCP6_BAD_OPTION;
			*what = "too many options";
			return -1;
		}
		if (cur_be16(&c, &code) == -1 || cur_be16(&c, &len) == -1 ||
		    cur_sub(&c, len, &data) == -1)
			goto truncated;
		if (type == D6_RELAY_FORW || type == D6_RELAY_REPL) {
			if (code == O6_RELAY_MSG) {
				relayed = data;
				has_relayed = true;
			}
			continue;
		}
		/* Codes above 255 do not fit the list type; none is common. */
		if (code <= 255 && m->ncodes < D6_MAX_OPTIONS)
			m->codes[m->ncodes++] = (uint8_t)code;
		switch (code) {
		case O6_CLIENTID:
			m->client_id = data;
			m->has_client_id = true;
			break;
		case O6_SERVERID:
			m->server_id = data;
			m->has_server_id = true;
			break;
		case O6_IA_NA:
			if (dhcp6_ia_na(data, m) == -1)
				goto bad_option;
			break;
		case O6_ORO:
			/* RFC 8415 section 21.7: a list of 16-bit codes. */
			if (cur_left(&data) % 2 != 0)
				goto bad_option;
			m->has_oro = true;
			while (cur_be16(&data, &code) == 0)
				if (code <= 255 && m->noro < D6_MAX_OPTIONS)
					m->oro[m->noro++] = (uint8_t)code;
			break;
		case O6_USER_CLASS:
			/* RFC 8415 section 21.15: len (2), data, repeated. */
			if (join_items(data, 2, ',', m->user_class,
			    sizeof(m->user_class)) == -1)
				goto bad_option;
			m->has_user_class = true;
			break;
		case O6_VENDOR_CLASS:
			/* RFC 8415 section 21.16: enterprise, class data. */
			if (cur_be32(&data, &m->enterprise) == -1 ||
			    join_items(data, 2, ';', m->vendor,
			    sizeof(m->vendor)) == -1)
				goto bad_option;
			m->has_vendor = true;
			break;
		case O6_CLIENT_FQDN:
			/* RFC 4704 section 4: flags, then the name. */
			if (cur_u8(&data, &flags) == -1 ||
			    wire_name_text(data, m->fqdn) == -1)
				goto bad_option;
			break;
		default:
			break;
		}
	}
	if (type == D6_RELAY_FORW || type == D6_RELAY_REPL) {
		if (!has_relayed) {
			*bad = MAL_DHCP6_BAD_OPTION;
			*what = "relay message without a relayed message";
			return -1;
		}
		if (depth + 1 >= D6_MAX_RELAY_DEPTH) {
			*bad = MAL_DHCP6_BAD_OPTION;
			*what = "relay messages nested too deep";
			return -1;
		}
		return dhcp6_parse(relayed, m, depth + 1, bad, what);
	}
	return 0;

truncated:
	*bad = MAL_DHCP6_TRUNCATED;
	*what = "message cut short";
	return -1;
bad_option:
	*bad = MAL_DHCP6_BAD_OPTION;
	*what = "option does not match its format";
	return -1;
}

/* A MAC address inside a DUID-LLT or DUID-LL (RFC 8415 sections 11.2 and
 * 11.4) with hardware type 1 (Ethernet), or -1. */
static int
duid_mac(struct cursor c, uint8_t mac[6])
{
	uint16_t type, hw;

	if (cur_be16(&c, &type) == -1 || cur_be16(&c, &hw) == -1 || hw != 1)
		return -1;
	if (type == 1 && cur_skip(&c, 4) == -1)
		return -1;
	if ((type != 1 && type != 3) || cur_left(&c) != 6)
		return -1;
	return cur_bytes(&c, mac, 6);
}

static void
dhcp6_datagram(struct proto_ctx *ctx, struct cursor *payload)
{
	struct dhcp6_msg m;
	struct observation o;
	enum malform bad = MAL_DHCP6_TRUNCATED;
	const char *what = "";
	uint8_t duid[D6_DUID_MAX], mac[6];
	bool server, relayed;
	size_t n;
	int r;

	memset(&m, 0, sizeof(m));
	r = dhcp6_parse(*payload, &m, 0, &bad, &what);
	if (r == -1)
		proto_malformed(ctx, bad, proto_v6, what);
	/* Nothing worth reporting before the message type and id. */
	if (m.type == 0 || m.type == D6_RELAY_FORW ||
	    m.type == D6_RELAY_REPL || ctx->bus == NULL)
		return;

	relayed = m.peer.family != 0;
	server = m.type == D6_ADVERTISE || m.type == D6_REPLY ||
	    m.type == D6_RECONFIGURE;
	proto_obs_init(ctx, &o, OBS_DHCP);
	if (!server && !relayed)
		proto_subject_sender(ctx, &o);
	else if (!server)
		obs_subject(&o, NULL, &m.peer);
	else {
		bool has_mac = m.has_client_id && duid_mac(m.client_id, mac) == 0;

		obs_subject(&o, has_mac ? mac : NULL,
		    m.ia_addr.family != 0 ? &m.ia_addr :
		    relayed ? &m.peer : NULL);
	}

	(void)obs_bool(&o, "v6", true);
	(void)obs_u64(&o, "msg_type", m.type);
	(void)obs_u64(&o, "xid", m.xid);
	if (m.has_client_id) {
		n = cur_left(&m.client_id) < sizeof(duid) ?
		    cur_left(&m.client_id) : sizeof(duid);
		if (cur_bytes(&m.client_id, duid, n) == 0)
			(void)obs_hex(&o, "client_id", duid, n);
	}
	if (m.has_server_id) {
		n = cur_left(&m.server_id) < sizeof(duid) ?
		    cur_left(&m.server_id) : sizeof(duid);
		if (cur_bytes(&m.server_id, duid, n) == 0)
			(void)obs_hex(&o, "server_duid", duid, n);
	}
	if (m.ia_addr.family != 0)
		(void)obs_addr(&o, "ia_addr", &m.ia_addr);
	if (m.fqdn[0] != '\0')
		(void)obs_cstr(&o, "fqdn", m.fqdn);
	if (m.has_vendor) {
		(void)obs_u64(&o, "enterprise", m.enterprise);
		(void)obs_cstr(&o, "vendor_class", m.vendor);
	}
	if (m.has_user_class)
		(void)obs_cstr(&o, "user_class", m.user_class);
	if (m.has_oro)
		(void)obs_list(&o, "params", m.oro, m.noro);
	(void)obs_list(&o, "options", m.codes, m.ncodes);
	if (server && !relayed)
		dhcp_server_fields(ctx, &o);
	obs_emit(ctx->bus, &o);
}

static bool
dhcp6_probe(const uint8_t *p, size_t n, int dir)
{
	struct cursor c = cur_make(p, n);
	uint8_t type;

	(void)dir;
	/* RFC 8415 section 7.3: message types 1 to 13 (plus later ones). */
	if (cur_u8(&c, &type) == -1 || type == 0 || type > 13)
		return false;
	if (type == D6_RELAY_FORW || type == D6_RELAY_REPL)
		return cur_left(&c) >= 33;
	return cur_left(&c) >= 3;
}

const struct dissector dissector_dhcp = {
	.name = "dhcp",
	.l4proto = IPPROTO_UDP_,
	.ports = { DHCP_SERVER_PORT, DHCP_CLIENT_PORT },
	.probe = dhcp4_probe,
	.datagram = dhcp4_datagram,
};

const struct dissector dissector_dhcpv6 = {
	.name = "dhcpv6",
	.l4proto = IPPROTO_UDP_,
	.ports = { DHCP6_CLIENT_PORT, DHCP6_SERVER_PORT },
	.probe = dhcp6_probe,
	.datagram = dhcp6_datagram,
};
