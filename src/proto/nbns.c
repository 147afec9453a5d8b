/*
 * nbns.c - NetBIOS name service and browser host announcements.
 *
 * The name service follows RFC 1002 section 4.2 (UDP 137): a DNS-like
 * header and records whose names are NetBIOS names in first-level encoding
 * (RFC 1001 section 14.1: 16 bytes, each split in two half-bytes written as
 * 'A' + nibble, so a 32-byte label, then the scope). NB records
 * (section 4.2.1.3) list flags and addresses; node status responses
 * (section 4.2.18) list the names a node holds.
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-------------------------------+-+-------+-+-+-+-+-+-+-+-------+
 * |         NAME_TRN_ID           |R| OPCODE|AA|TC|RD|RA|0|0|B| RCODE|
 * +-------------------------------+-------------------------------+
 * |          QDCOUNT              |           ANCOUNT             |
 * +-------------------------------+-------------------------------+
 * |          NSCOUNT              |           ARCOUNT             |
 * +-------------------------------+-------------------------------+
 * | questions and resource records as in DNS (RFC 1035 4.1)       |
 * +---------------------------------------------------------------+
 *
 * The datagram service (RFC 1002 section 4.4, UDP 138) carries SMB mailslot
 * writes; browser Host Announcements ([MS-BRWS] section 2.2.1) on
 * \MAILSLOT\BROWSE give a host's name, OS version and server type.
 *
 * +---------------+---------------+-------------------------------+
 * |   MSG_TYPE    |     FLAGS     |           DGM_ID              |
 * +---------------+---------------+-------------------------------+
 * |                           SOURCE_IP                           |
 * +-------------------------------+-------------------------------+
 * |          SOURCE_PORT          |          DGM_LENGTH           |
 * +-------------------------------+-------------------------------+
 * |         PACKET_OFFSET         | SOURCE_NAME, DESTINATION_NAME,|
 * +-------------------------------+ USER_DATA (an SMB Transaction)|
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ward/proto.h"
#include "proto-private.h"

#define NBNS_PORT	137
#define NBDGM_PORT	138

#define NBNS_HDR_LEN	12
#define NBNS_MAX_RECORDS 64

#define NB_TYPE_NB	0x20
#define NB_TYPE_NBSTAT	0x21

#define NB_OPCODE_QUERY	0

static const char proto_nbns[] = "nbns";
static const char proto_nbdgm[] = "nbdgm";

/* A decoded NetBIOS name. */
struct nb_name {
	char		 name[16];	/* trailing spaces removed, NUL-ended */
	size_t		 len;
	uint8_t		 suffix;
	char		 scope[DNS_NAME_MAX];
};

/* The 15 name bytes of a NetBIOS name, trailing spaces (and NULs, which
 * some stacks pad with) dropped. */
static void
nb_trim(struct nb_name *n, const uint8_t raw[16])
{
	size_t len = 15;

	while (len > 0 && (raw[len - 1] == ' ' || raw[len - 1] == '\0'))
		len--;
	memcpy(n->name, raw, len);
	n->name[len] = '\0';
	n->len = len;
	n->suffix = raw[15];
}

/*
 * Reads an encoded NetBIOS name at *off of msg (RFC 1001 section 14.1).
 * Returns DNS_NAME_OK, DNS_NAME_TRUNCATED or DNS_NAME_BAD.
 */
static int
nb_name_read(const struct cursor *msg, size_t *off, struct nb_name *n)
{
	uint8_t wire[DNS_NAME_MAX], raw[16], len, hi, lo;
	struct cursor c;
	size_t wirelen, sn = 0;
	int r;

	if ((r = proto_dns_name(msg, off, wire, &wirelen)) != DNS_NAME_OK)
		return r;
	c = cur_make(wire, wirelen);
	if (cur_u8(&c, &len) == -1 || len != 32)
		return DNS_NAME_BAD;
	for (size_t i = 0; i < 16; i++) {
		if (cur_u8(&c, &hi) == -1 || cur_u8(&c, &lo) == -1 ||
		    hi < 'A' || hi > 'P' || lo < 'A' || lo > 'P')
			return DNS_NAME_BAD;
		raw[i] = (uint8_t)((hi - 'A') << 4 | (lo - 'A'));
	}
	nb_trim(n, raw);
	/* The scope: the remaining labels, dotted (RFC 1001 section 14.2). */
	while (cur_u8(&c, &len) == 0 && len != 0) {
		uint8_t ch;

		if (sn > 0 && sn + 1 < sizeof(n->scope))
			n->scope[sn++] = '.';
		while (len-- > 0 && cur_u8(&c, &ch) == 0)
			if (sn + 1 < sizeof(n->scope))
				n->scope[sn++] = (char)ch;
	}
	n->scope[sn] = '\0';
	return DNS_NAME_OK;
}

struct nbns_hdr {
	uint16_t	 id;
	uint16_t	 flags;
	uint16_t	 count[4];
	bool		 response;
	unsigned int	 opcode;
	unsigned int	 rcode;
};

/* Starts an observation about name n with the header's fields. */
static void
nbns_obs(struct proto_ctx *ctx, struct observation *o,
    const struct nbns_hdr *h, const struct nb_name *n, uint16_t type,
    bool question)
{
	proto_obs_init(ctx, o, OBS_NBNS);
	/* A question's name is asked for, not held: it is not "name". */
	(void)obs_str(o, question ? "query" : "name", n->name, n->len);
	(void)obs_u64(o, "suffix", n->suffix);
	(void)obs_u64(o, "opcode", h->opcode);
	(void)obs_bool(o, "response", h->response);
	(void)obs_u64(o, "rrtype", type);
	if (n->scope[0] != '\0')
		(void)obs_cstr(o, "scope", n->scope);
}

static int
nbns_bad_name(struct proto_ctx *ctx, int r)
{
	if (r == DNS_NAME_TRUNCATED)
		proto_malformed(ctx, MAL_NBNS_TRUNCATED, proto_nbns,
		    "name runs past the end of the message");
	else
		proto_malformed(ctx, MAL_NBNS_BAD_NAME, proto_nbns,
		    "name is not a first-level encoded NetBIOS name");
	return -1;
}

static int
nbns_question(struct proto_ctx *ctx, const struct cursor *msg, size_t *off,
    const struct nbns_hdr *h, bool emit)
{
	struct nb_name n;
	struct observation o;
	struct cursor c;
	uint16_t qtype, qclass;
	int r;

	if ((r = nb_name_read(msg, off, &n)) != DNS_NAME_OK)
		return nbns_bad_name(ctx, r);
	c = *msg;
	if (cur_skip(&c, *off) == -1 || cur_be16(&c, &qtype) == -1 ||
	    cur_be16(&c, &qclass) == -1) {
		proto_malformed(ctx, MAL_NBNS_TRUNCATED, proto_nbns,
		    "question cut short");
		return -1;
	}
	*off += 4;
	if (!emit || ctx->bus == NULL)
		return 0;
	nbns_obs(ctx, &o, h, &n, qtype, true);
	proto_subject_sender(ctx, &o);
	obs_emit(ctx->bus, &o);
	return 0;
}

/* RFC 1002 section 4.2.1.3: NB_FLAGS (G, ONT) and NB_ADDRESS, repeated. */
static void
nbns_nb_rdata(struct proto_ctx *ctx, struct cursor rd,
    const struct nbns_hdr *h, const struct nb_name *n, uint16_t type)
{
	struct observation o;
	struct ward_addr a;
	uint16_t flags;
	uint8_t b[4];

	if (cur_left(&rd) % 6 != 0) {
		proto_malformed(ctx, MAL_NBNS_BAD_RECORD, proto_nbns,
		    "NB record data not a multiple of 6 bytes");
		return;
	}
	for (int i = 0; i < NBNS_MAX_RECORDS; i++) {
		if (cur_be16(&rd, &flags) == -1 || cur_bytes(&rd, b, 4) == -1)
			return;
		addr_v4(&a, b);
		nbns_obs(ctx, &o, h, n, type, false);
		proto_subject_addr(ctx, &o, &a);
		(void)obs_bool(&o, "group", (flags & 0x8000) != 0);
		(void)obs_addr(&o, "addr", &a);
		obs_emit(ctx->bus, &o);
	}
}

/*
 * RFC 1002 section 4.2.18: NUM_NAMES, then per name 16 raw bytes and
 * NAME_FLAGS (G first), then the statistics, whose first 6 bytes are the
 * unit id (the adapter's MAC on every common implementation).
 */
static void
nbns_nbstat_rdata(struct proto_ctx *ctx, struct cursor rd,
    const struct nbns_hdr *h, uint16_t type)
{
	struct observation o;
	struct nb_name n;
	struct cursor names;
	uint16_t flags;
	uint8_t count, raw[16], unit[6];
	bool has_unit;

	if (cur_u8(&rd, &count) == -1 ||
	    cur_sub(&rd, (size_t)count * 18, &names) == -1) {
		proto_malformed(ctx, MAL_NBNS_BAD_RECORD, proto_nbns,
		    "node status names run past the record");
		return;
	}
	has_unit = cur_bytes(&rd, unit, 6) == 0 &&
	    (unit[0] | unit[1] | unit[2] | unit[3] | unit[4] | unit[5]) != 0;
	for (unsigned int i = 0; i < count && i < NBNS_MAX_RECORDS; i++) {
		if (cur_bytes(&names, raw, 16) == -1 ||
		    cur_be16(&names, &flags) == -1)
			return;
		nb_trim(&n, raw);
		n.scope[0] = '\0';
		nbns_obs(ctx, &o, h, &n, type, false);
		proto_subject_sender(ctx, &o);
		(void)obs_bool(&o, "group", (flags & 0x8000) != 0);
		if (has_unit)
			(void)obs_mac(&o, "unit_id", unit);
		obs_emit(ctx->bus, &o);
	}
}

static int
nbns_record(struct proto_ctx *ctx, const struct cursor *msg, size_t *off,
    const struct nbns_hdr *h, bool emit)
{
	struct nb_name n;
	struct cursor c, rd;
	uint32_t ttl;
	uint16_t type, rclass, rdlen;
	int r;

	if ((r = nb_name_read(msg, off, &n)) != DNS_NAME_OK)
		return nbns_bad_name(ctx, r);
	c = *msg;
	if (cur_skip(&c, *off) == -1 || cur_be16(&c, &type) == -1 ||
	    cur_be16(&c, &rclass) == -1 || cur_be32(&c, &ttl) == -1 ||
	    cur_be16(&c, &rdlen) == -1 || cur_sub(&c, rdlen, &rd) == -1) {
		proto_malformed(ctx, MAL_NBNS_TRUNCATED, proto_nbns,
		    "record cut short");
		return -1;
	}
	*off += 10 + (size_t)rdlen;
	if (!emit || ctx->bus == NULL)
		return 0;
	if (type == NB_TYPE_NB)
		nbns_nb_rdata(ctx, rd, h, &n, type);
	else if (type == NB_TYPE_NBSTAT)
		nbns_nbstat_rdata(ctx, rd, h, type);
	return 0;
}

static void
nbns_datagram(struct proto_ctx *ctx, struct cursor *payload)
{
	struct cursor c = *payload;
	struct nbns_hdr h;
	size_t off = NBNS_HDR_LEN;
	unsigned int budget = NBNS_MAX_RECORDS;
	bool emit_questions, emit_records;

	if (cur_be16(&c, &h.id) == -1 || cur_be16(&c, &h.flags) == -1 ||
	    cur_be16(&c, &h.count[0]) == -1 ||
	    cur_be16(&c, &h.count[1]) == -1 ||
	    cur_be16(&c, &h.count[2]) == -1 ||
	    cur_be16(&c, &h.count[3]) == -1) {
		proto_malformed(ctx, MAL_NBNS_TRUNCATED, proto_nbns,
		    "header cut short");
		return;
	}
	h.response = (h.flags & 0x8000) != 0;
	h.opcode = (h.flags >> 11) & 0x0f;
	h.rcode = h.flags & 0x0f;
	/*
	 * A query reports its questions. Registrations, releases and
	 * refreshes (RFC 1002 sections 4.2.2 to 4.2.4) carry the name and
	 * address in an additional NB record, which is reported instead;
	 * positive responses report their answers. Negative responses and
	 * WACKs (opcode 7) report nothing.
	 */
	emit_questions = !h.response && h.opcode == NB_OPCODE_QUERY;
	emit_records = h.response ? h.rcode == 0 && h.opcode != 7 : true;

	for (unsigned int i = 0; i < h.count[0]; i++) {
		if (budget-- == 0)
			return;
		if (nbns_question(ctx, payload, &off, &h, emit_questions) == -1)
			return;
	}
	for (int s = 1; s < 4; s++) {
		for (unsigned int i = 0; i < h.count[s]; i++) {
			if (budget-- == 0)
				return;
			if (nbns_record(ctx, payload, &off, &h,
			    emit_records && s != 2) == -1)
				return;
		}
	}
}

static bool
nbns_probe(const uint8_t *p, size_t n, int dir)
{
	struct cursor c = cur_make(p, n);
	uint16_t flags, qd, an;
	uint8_t len;
	unsigned int opcode;

	(void)dir;
	if (cur_peek_be16(&c, 2, &flags) == -1 ||
	    cur_peek_be16(&c, 4, &qd) == -1 || cur_peek_be16(&c, 6, &an) == -1)
		return false;
	/* RFC 1002 section 4.2.1.1: opcodes 0, 5 to 9. */
	opcode = (flags >> 11) & 0x0f;
	if (opcode != 0 && (opcode < 5 || opcode > 9))
		return false;
	/* The first name is a 32-byte encoded label. */
	return (qd > 0 || an > 0) && cur_peek_u8(&c, NBNS_HDR_LEN, &len) == 0 &&
	    len == 32;
}

/* The datagram service: browser announcements. */

#define DGM_DIRECT_UNIQUE	0x10
#define DGM_BROADCAST		0x12

#define SMB_COM_TRANSACTION	0x25
#define SMB_HDR_LEN		32

#define BROWSE_HOST_ANNOUNCE	0x01
#define BROWSE_LOCAL_MASTER	0x0f

static const char browse_mailslot[] = "\\MAILSLOT\\BROWSE";

static void
nbdgm_bad(struct proto_ctx *ctx, enum malform k, const char *what)
{
	proto_malformed(ctx, k, proto_nbdgm, what);
}

/*
 * [MS-BRWS] section 2.2.1: Opcode, UpdateCount, Periodicity (4),
 * ServerName (16), OSVersionMajor, OSVersionMinor, ServerType (4),
 * BrowserConfigVersionMajor, Minor, Signature (2), Comment (NUL-ended).
 */
static void
nbdgm_announce(struct proto_ctx *ctx, struct cursor data,
    const struct ward_addr *src, const struct nb_name *dst)
{
	struct observation o;
	struct nb_name host;
	uint8_t op, raw[16], osmaj, osmin, comment[64];
	uint32_t type;
	size_t clen = 0;

	if (cur_u8(&data, &op) == -1)
		return;
	if (op != BROWSE_HOST_ANNOUNCE && op != BROWSE_LOCAL_MASTER)
		return;
	if (cur_skip(&data, 5) == -1 || cur_bytes(&data, raw, 16) == -1 ||
	    cur_u8(&data, &osmaj) == -1 || cur_u8(&data, &osmin) == -1 ||
	    cur_le32(&data, &type) == -1 || cur_skip(&data, 4) == -1) {
		nbdgm_bad(ctx, MAL_NBDGM_TRUNCATED, "host announcement cut short");
		return;
	}
	while (clen < sizeof(comment) && cur_u8(&data, &comment[clen]) == 0 &&
	    comment[clen] != '\0')
		clen++;
	/* ServerName is NUL-padded; keep what precedes the first NUL. */
	raw[15] = 0;
	nb_trim(&host, raw);
	host.len = strnlen(host.name, host.len);
	if (ctx->bus == NULL)
		return;

	proto_obs_init(ctx, &o, OBS_NBNS);
	proto_subject_addr(ctx, &o, src);
	(void)obs_str(&o, "name", host.name, host.len);
	/* The browse list holds server (<20>) names. */
	(void)obs_u64(&o, "suffix", 0x20);
	(void)obs_bool(&o, "announce", true);
	(void)obs_u64(&o, "os_major", osmaj);
	(void)obs_u64(&o, "os_minor", osmin);
	(void)obs_u64(&o, "server_type", type);
	if (clen > 0)
		(void)obs_str(&o, "comment", comment, clen);
	/* Host announcements go to the workgroup's <1D> name. */
	if (dst->suffix == 0x1d || dst->suffix == 0x1e)
		(void)obs_str(&o, "workgroup", dst->name, dst->len);
	obs_emit(ctx->bus, &o);
}

static void
nbdgm_datagram(struct proto_ctx *ctx, struct cursor *payload)
{
	struct cursor c = *payload, smb, data, name;
	struct nb_name srcname, dstname;
	struct ward_addr src;
	uint32_t magic;
	uint16_t dataoff, datacount;
	uint8_t type, cmd, wc, ip[4], slot[sizeof(browse_mailslot)];
	size_t off;
	int r;

	if (cur_u8(&c, &type) == -1 || cur_skip(&c, 3) == -1 ||
	    cur_bytes(&c, ip, 4) == -1) {
		nbdgm_bad(ctx, MAL_NBDGM_TRUNCATED, "header cut short");
		return;
	}
	/* RFC 1002 section 4.4.1: only these three carry user data. */
	if (type < DGM_DIRECT_UNIQUE || type > DGM_BROADCAST)
		return;
	/* SOURCE_PORT, DGM_LENGTH, PACKET_OFFSET. */
	if (cur_skip(&c, 6) == -1) {
		nbdgm_bad(ctx, MAL_NBDGM_TRUNCATED, "header cut short");
		return;
	}
	addr_v4(&src, ip);
	off = cur_left(payload) - cur_left(&c);
	if ((r = nb_name_read(payload, &off, &srcname)) != DNS_NAME_OK ||
	    (r = nb_name_read(payload, &off, &dstname)) != DNS_NAME_OK) {
		nbdgm_bad(ctx, r == DNS_NAME_TRUNCATED ? MAL_NBDGM_TRUNCATED :
		    MAL_NBDGM_BAD_FRAME, "bad source or destination name");
		return;
	}
	smb = *payload;
	if (cur_skip(&smb, off) == -1)
		return;

	/*
	 * [MS-SMB] 2.2.3.1 header, then [MS-CIFS] 2.2.4.33.1 Transaction
	 * request: 17 words, DataCount and DataOffset (from the start of
	 * the SMB header) in words 11 and 12, then the mailslot name.
	 */
	if (cur_be32(&smb, &magic) == -1 || magic != 0xff534d42u)
		return;
	if (cur_u8(&smb, &cmd) == -1 || cmd != SMB_COM_TRANSACTION)
		return;
	name = smb;
	if (cur_skip(&name, SMB_HDR_LEN - 5) == -1 ||
	    cur_u8(&name, &wc) == -1 || wc < 14 ||
	    cur_skip(&name, 22) == -1 || cur_le16(&name, &datacount) == -1 ||
	    cur_le16(&name, &dataoff) == -1 ||
	    cur_skip(&name, (size_t)wc * 2 - 26) == -1 ||
	    cur_skip(&name, 2) == -1 ||
	    cur_bytes(&name, slot, sizeof(slot)) == -1) {
		nbdgm_bad(ctx, MAL_NBDGM_TRUNCATED, "SMB transaction cut short");
		return;
	}
	if (memcmp(slot, browse_mailslot, sizeof(slot)) != 0)
		return;
	data = *payload;
	if (cur_skip(&data, off) == -1 || cur_skip(&data, dataoff) == -1 ||
	    cur_truncate(&data, datacount) == -1) {
		nbdgm_bad(ctx, MAL_NBDGM_BAD_FRAME,
		    "mailslot data outside the datagram");
		return;
	}
	nbdgm_announce(ctx, data, &src, &dstname);
}

static bool
nbdgm_probe(const uint8_t *p, size_t n, int dir)
{
	struct cursor c = cur_make(p, n);
	uint8_t type;

	(void)dir;
	/* RFC 1002 section 4.4.1: message types 0x10 to 0x16. */
	return cur_u8(&c, &type) == 0 && type >= 0x10 && type <= 0x16 &&
	    cur_left(&c) >= 9;
}

const struct dissector dissector_nbns = {
	.name = "nbns",
	.l4proto = IPPROTO_UDP_,
	.ports = { NBNS_PORT },
	.probe = nbns_probe,
	.datagram = nbns_datagram,
};

const struct dissector dissector_nbdgm = {
	.name = "nbdgm",
	.l4proto = IPPROTO_UDP_,
	.ports = { NBDGM_PORT },
	.probe = nbdgm_probe,
	.datagram = nbdgm_datagram,
};
