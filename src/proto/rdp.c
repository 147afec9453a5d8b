/*
 * rdp.c - RDP connection request and confirm: cookie, security protocols.
 *
 * Follows [MS-RDPBCGR] 2.2.1.1 (Client X.224 Connection Request PDU) and
 * 2.2.1.2 (Server X.224 Connection Confirm PDU), carried in a TPKT
 * (RFC 1006 section 6) around an X.224 (ISO 8073, ITU-T X.224 section
 * 13.3) CR or CC TPDU.
 *
 *  TPKT:  | version (3) | reserved (0) |      length (16, whole TPKT)     |
 *  X.224: | LI | CR 0xE0 / CC 0xD0 | DST-REF (16) | SRC-REF (16) | class |
 *  CR:    [ "Cookie: mstshash=USER\r\n" or another routing token \r\n ]
 *         [ RDP_NEG_REQ: type 1 | flags | length 8 (16 LE) |
 *                        requestedProtocols (32 LE) ]
 *  CC:    [ RDP_NEG_RSP: type 2 | flags | length 8 | selectedProtocol ]
 *         [ RDP_NEG_FAILURE: type 3 | flags | length 8 | failureCode ]
 *
 * Only the first TPKT of each direction is read: after it the connection
 * turns to TLS or to MCS, which this dissector leaves alone.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ward/proto.h"
#include "proto-private.h"

#define RDP_PORT	3389

/* The first TPKT of a direction is buffered up to this. */
#define RDP_TPKT_MAX	1024
#define TPKT_HDR_LEN	4
#define COOKIE_MAX	256

#define X224_CR		0xe0
#define X224_CC		0xd0

#define NEG_REQ		0x01
#define NEG_RSP		0x02
#define NEG_FAILURE	0x03

static const char proto_rdp[] = "rdp";

struct rdp_half {
	uint8_t		 buf[RDP_TPKT_MAX];
	size_t		 have;
	size_t		 want;		/* TPKT length, once known */
	bool		 done;
};

struct rdp_state {
	struct rdp_half	 half[2];
};

/* [MS-RDPBCGR] 2.2.1.1.1: requestedProtocols / selectedProtocol bits. */
static void
rdp_protocol_names(uint32_t v, char *out, size_t outlen)
{
	static const struct {
		uint32_t	 bit;
		const char	*name;
	} names[] = {
		{ 0x01, "ssl" },		/* PROTOCOL_SSL */
		{ 0x02, "hybrid" },		/* PROTOCOL_HYBRID (CredSSP) */
		{ 0x04, "rdstls" },		/* PROTOCOL_RDSTLS */
		{ 0x08, "hybrid_ex" },		/* PROTOCOL_HYBRID_EX */
		{ 0x10, "rdsaad" },		/* PROTOCOL_RDSAAD */
	};
	size_t n = 0, l;

	out[0] = '\0';
	if (v == 0) {
		if (outlen >= 4)
			memcpy(out, "rdp", 4);	/* PROTOCOL_RDP */
		return;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((v & names[i].bit) == 0)
			continue;
		l = strlen(names[i].name);
		if (n + l + 2 > outlen)
			break;
		if (n > 0)
			out[n++] = ',';
		memcpy(out + n, names[i].name, l + 1);
		n += l;
	}
}

static const char *
rdp_failure_name(uint32_t code)
{
	/* [MS-RDPBCGR] 2.2.1.2.2. */
	switch (code) {
	case 1: return "ssl_required_by_server";
	case 2: return "ssl_not_allowed_by_server";
	case 3: return "ssl_cert_not_on_server";
	case 4: return "inconsistent_flags";
	case 5: return "hybrid_required_by_server";
	case 6: return "ssl_with_user_auth_required_by_server";
	default: return NULL;
	}
}

static void
rdp_malformed(struct proto_ctx *ctx, enum malform k, const char *what)
{
	proto_malformed(ctx, k, proto_rdp, what);
}

/* The variable part of a CR: optional token line, optional RDP_NEG_REQ. */
static void
rdp_request(struct proto_ctx *ctx, struct observation *o, struct cursor c)
{
	static const char mstshash[] = "Cookie: mstshash=";
	char names[64];
	const uint8_t *eol;
	struct cursor line;
	uint32_t protos;
	uint16_t len;
	uint8_t type, flags;

	/* A token ends with CR LF (2.2.1.1); an RDP_NEG_REQ begins 0x01. */
	if (cur_left(&c) > 0 && c.p[0] != NEG_REQ) {
		eol = memmem(c.p, c.len, "\r\n", 2);
		if (eol == NULL) {
			rdp_malformed(ctx, MAL_RDP_BAD_X224,
			    "routing token without CR LF");
			return;
		}
		if (cur_sub(&c, (size_t)(eol - c.p), &line) == -1 ||
		    cur_skip(&c, 2) == -1)
			return;
		if (cur_left(&line) >= sizeof(mstshash) - 1 &&
		    memcmp(line.p, mstshash, sizeof(mstshash) - 1) == 0 &&
		    cur_skip(&line, sizeof(mstshash) - 1) == 0) {
			(void)obs_str(o, "cookie", line.p,
			    cur_left(&line) < COOKIE_MAX ? cur_left(&line) :
			    COOKIE_MAX);
		} else
			(void)obs_str(o, "routing_token", line.p,
			    cur_left(&line) < COOKIE_MAX ? cur_left(&line) :
			    COOKIE_MAX);
	}
	if (cur_left(&c) == 0)
		return;
	if (cur_u8(&c, &type) == -1 || cur_u8(&c, &flags) == -1 ||
	    cur_le16(&c, &len) == -1 || cur_le32(&c, &protos) == -1 ||
	    type != NEG_REQ || len != 8) {
		rdp_malformed(ctx, MAL_RDP_BAD_NEG,
		    "RDP_NEG_REQ cut short or badly formed");
		return;
	}
	(void)obs_u64(o, "requested_protocols", protos);
	rdp_protocol_names(protos, names, sizeof(names));
	(void)obs_cstr(o, "protocols", names);
	(void)obs_u64(o, "neg_flags", flags);
}

static void
rdp_confirm(struct proto_ctx *ctx, struct observation *o, struct cursor c)
{
	char names[64];
	const char *fname;
	uint32_t v;
	uint16_t len;
	uint8_t type, flags;

	/* No RDP_NEG_RSP: a server that speaks standard RDP security only. */
	if (cur_left(&c) == 0)
		return;
	if (cur_u8(&c, &type) == -1 || cur_u8(&c, &flags) == -1 ||
	    cur_le16(&c, &len) == -1 || cur_le32(&c, &v) == -1 || len != 8 ||
	    (type != NEG_RSP && type != NEG_FAILURE)) {
		rdp_malformed(ctx, MAL_RDP_BAD_NEG,
		    "RDP_NEG_RSP cut short or badly formed");
		return;
	}
	(void)obs_u64(o, "neg_flags", flags);
	if (type == NEG_RSP) {
		(void)obs_u64(o, "selected_protocol", v);
		rdp_protocol_names(v, names, sizeof(names));
		(void)obs_cstr(o, "selected", names);
	} else {
		(void)obs_u64(o, "failure_code", v);
		if ((fname = rdp_failure_name(v)) != NULL)
			(void)obs_cstr(o, "failure", fname);
	}
}

/* One whole TPKT (its header included). */
static void
rdp_tpkt(struct proto_ctx *ctx, struct cursor c)
{
	struct observation o;
	struct cursor x;
	uint8_t li, code;

	/* RFC 1006 section 6: version 3, reserved, length. */
	if (cur_skip(&c, TPKT_HDR_LEN) == -1 || cur_u8(&c, &li) == -1 ||
	    cur_sub(&c, li, &x) == -1 || cur_u8(&x, &code) == -1 ||
	    cur_skip(&x, 5) == -1) {
		rdp_malformed(ctx, MAL_RDP_BAD_X224,
		    "X.224 TPDU cut short or length indicator past the TPKT");
		return;
	}
	if ((code & 0xf0) != X224_CR && (code & 0xf0) != X224_CC) {
		/* Data TPDUs and the rest belong to MCS: not ours. */
		return;
	}
	/*
	 * The LI counts the header after itself and, for a CR or CC, the
	 * variable part too (2.2.1.1: the cookie and RDP_NEG_REQ sit inside
	 * the TPDU's length indicator); what is left of the TPKT is ignored.
	 */
	if (ctx->bus == NULL)
		return;
	proto_obs_init(ctx, &o, OBS_RDP);
	proto_subject_sender(ctx, &o);
	if ((code & 0xf0) == X224_CR) {
		(void)obs_cstr(&o, "type", "request");
		rdp_request(ctx, &o, x);
	} else {
		(void)obs_cstr(&o, "type", "confirm");
		rdp_confirm(ctx, &o, x);
	}
	obs_emit(ctx->bus, &o);
}

static void
rdp_stream(struct proto_ctx *ctx, void *state, const uint8_t *p, size_t n)
{
	struct rdp_state *st = state;
	struct rdp_half *h = &st->half[ctx->dir != 0];
	struct cursor c = cur_make(p, n), hdr;
	uint16_t len;
	size_t take, need;

	while (!h->done && cur_left(&c) > 0) {
		need = h->want > 0 ? h->want : TPKT_HDR_LEN;
		take = need - h->have;
		if (take > cur_left(&c))
			take = cur_left(&c);
		if (cur_bytes(&c, h->buf + h->have, take) == -1)
			return;
		h->have += take;
		if (h->have < need)
			return;
		if (h->want == 0) {
			hdr = cur_make(h->buf, h->have);
			if (h->buf[0] != 3 || cur_skip(&hdr, 2) == -1 ||
			    cur_be16(&hdr, &len) == -1 ||
			    len < TPKT_HDR_LEN + 7) {
				/* Not a TPKT: TLS or garbage; stop here. */
				h->done = true;
				rdp_malformed(ctx, MAL_RDP_BAD_TPKT,
				    "bad TPKT version or length");
				return;
			}
			if (len > RDP_TPKT_MAX) {
				/* Longer than any CR or CC: MCS, not ours. */
				h->done = true;
				return;
			}
			h->want = len;
			continue;
		}
		h->done = true;
		rdp_tpkt(ctx, cur_make(h->buf, h->have));
	}
}

static void
rdp_gap(struct proto_ctx *ctx, void *state)
{
	struct rdp_state *st = state;

	st->half[ctx->dir != 0].done = true;
}

/* TPKT version 3, reserved 0, and (when there) an X.224 CR or CC. */
static bool
rdp_probe(const uint8_t *p, size_t n, int dir)
{
	(void)dir;
	if (n < 2 || p[0] != 3 || p[1] != 0)
		return false;
	return n < 6 || (p[5] & 0xf0) == X224_CR || (p[5] & 0xf0) == X224_CC;
}

const struct dissector dissector_rdp = {
	.name = "rdp",
	.l4proto = IPPROTO_TCP_,
	.ports = { RDP_PORT },
	.probe = rdp_probe,
	.state_size = sizeof(struct rdp_state),
	.stream = rdp_stream,
	.gap = rdp_gap,
};
