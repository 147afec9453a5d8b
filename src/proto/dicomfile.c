/*
 * dicomfile.c - DICOM Part 10 files carried by other protocols (HTTP
 * bodies, FTP data, SMB writes): the file is reported, and a preamble that
 * holds an executable header is flagged as CVE-2019-11687.
 *
 * Follows DICOM PS3.10 section 7.1 (the file meta information) and PS3.5
 * section 7.1.2 (explicit VR little endian, in which the meta group is
 * always encoded); multipart bodies per RFC 2046 section 5.1.1 (DICOMweb
 * STOW-RS sends multipart/related, PS3.18 section 10.5).
 *
 *   0                128    132
 *   +----------------+------+---------------------------------------+
 *   | preamble (128) | DICM | (0002,xxxx) meta elements, explicit   |
 *   |  zeros, text,  |      | VR LE: group(2) elem(2) VR(2)         |
 *   |  TIFF, or "MZ" |      | len(2), or 00 00 len(4) for OB, OW,   |
 *   |  (a PE/ELF     |      | OF, SQ, UT, UN, UC, UR...; then the   |
 *   |  polyglot)     |      | data set                              |
 *   +----------------+------+---------------------------------------+
 *
 * A checker (struct dicomfile, in proto-private.h) lives in the state of
 * the dissector that carries the bytes. It keeps the first
 * DICOMFILE_HEAD bytes of the body (or of each part of a multipart body)
 * and never more: the rest is scanned, for multipart delimiters only, and
 * dropped. One dicom_file observation per Part 10 file found; see
 * docs/observations.md.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ward/proto.h"
#include "proto-private.h"
#include "text.h"

#define PREAMBLE_LEN	128
#define MAGIC_OFF	128
#define META_OFF	132
/* Transport padding after a delimiter (RFC 2046: LWSP) and part headers. */
#define MP_TAIL_MAX	256
#define MP_HDR_MAX	8192
#define UID_MAX		64

enum {
	MP_PREAMBLE,	/* before the first delimiter */
	MP_TAIL,	/* rest of a delimiter line */
	MP_HEADERS,	/* part headers, up to the blank line */
	MP_BODY,	/* part content */
	MP_DONE,	/* after the close delimiter, or given up */
};

/* RFC 2046 section 5.1.1: boundary := 0*69<bchars> bcharnospace. */
static bool
bchar(uint8_t ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
	    (ch >= 'A' && ch <= 'Z') || strchr("'()+_,-./:=? ", ch) != NULL;
}

/*
 * The boundary parameter of a multipart Content-Type into delim, after
 * "\r\n--". Returns its length, or 0 if ctype is not multipart or has no
 * usable boundary.
 */
static size_t
multipart_boundary(const uint8_t *ct, size_t n, uint8_t *out, size_t cap)
{
	long at;
	size_t k = 0;
	bool quoted = false;

	if (!text_casepfx(ct, n, "multipart/") ||
	    (at = text_casefind(ct, n, "boundary=")) == -1)
		return 0;
	ct += (size_t)at + 9;
	n -= (size_t)at + 9;
	if (n > 0 && *ct == '"') {
		quoted = true;
		ct++;
		n--;
	}
	while (k < n && k < cap && ct[k] != '"' && (quoted || ct[k] != ';') &&
	    bchar(ct[k]) && (quoted || ct[k] != ' '))
		k++;
	if (k == 0 || k > DICOMFILE_BOUNDARY_MAX)
		return 0;
	memcpy(out, ct, k);
	return k;
}

void
proto_dicomfile_begin(struct dicomfile *df, const char *carrier,
    const uint8_t *ctype, size_t ctypelen)
{
	size_t blen;

	memset(df, 0, sizeof(*df));
	df->carrier = carrier;
	df->active = true;
	if (ctype != NULL && (blen = multipart_boundary(ctype, ctypelen,
	    df->delim + 4, DICOMFILE_BOUNDARY_MAX)) > 0) {
		memcpy(df->delim, "\r\n--", 4);
		df->delimlen = (uint8_t)(4 + blen);
		df->multipart = true;
		df->mstate = MP_PREAMBLE;
		/* The first delimiter may open the body, without a CRLF. */
		df->match = 2;
	}
}

struct preamble {
	const char	*kind;
	bool		 exe;
};

/*
 * What the 128-byte preamble holds (PS3.10 section 7.1 leaves it to the
 * application: zeros, a TIFF header for dual-personality files, or
 * anything). CVE-2019-11687: an executable header there makes the file a
 * valid program too.
 */
static struct preamble
preamble_kind(const uint8_t *p, size_t n)
{
	static const uint8_t macho[][4] = {
		{ 0xfe, 0xed, 0xfa, 0xce }, { 0xfe, 0xed, 0xfa, 0xcf },
		{ 0xce, 0xfa, 0xed, 0xfe }, { 0xcf, 0xfa, 0xed, 0xfe },
		{ 0xca, 0xfe, 0xba, 0xbe },	/* fat (universal) binary */
	};
	struct preamble r = { "other", false };
	struct cursor c = cur_make(p, n);
	uint32_t lfanew;
	bool zero = true, text = true;

	if (p[0] == 'M' && p[1] == 'Z') {
		/*
		 * A DOS header: e_lfanew (offset 0x3c) points at the PE
		 * signature, which a polyglot puts after the preamble, inside
		 * the data set; it must lie in the bytes kept.
		 */
		if (cur_skip(&c, 0x3c) == 0 && cur_le32(&c, &lfanew) == 0 &&
		    lfanew >= 0x40 && lfanew <= n - 4 &&
		    memcmp(p + lfanew, "PE\0\0", 4) == 0)
			r.kind = "pe";
		else
			r.kind = "mz";
		r.exe = true;
		return r;
	}
	if (memcmp(p, "\x7f" "ELF", 4) == 0) {
		r.kind = "elf";
		r.exe = true;
		return r;
	}
	for (size_t i = 0; i < sizeof(macho) / sizeof(macho[0]); i++)
		if (memcmp(p, macho[i], 4) == 0) {
			r.kind = "macho";
			r.exe = true;
			return r;
		}
	if (memcmp(p, "II*\0", 4) == 0 || memcmp(p, "MM\0*", 4) == 0) {
		r.kind = "tiff";
		return r;
	}
	for (size_t i = 0; i < PREAMBLE_LEN; i++) {
		if (p[i] != 0)
			zero = false;
		if (p[i] != 0 && p[i] != '\t' && p[i] != '\r' && p[i] != '\n' &&
		    (p[i] < 0x20 || p[i] > 0x7e))
			text = false;
	}
	if (zero)
		r.kind = "zero";
	else if (text)
		r.kind = "text";
	return r;
}

/* PS3.5 section 7.1.2: VRs with a reserved 16 bits and a 32-bit length. */
static bool
vr_long(uint8_t a, uint8_t b)
{
	static const char *const longvr[] = { "OB", "OD", "OF", "OL", "OV",
		"OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV" };

	for (size_t i = 0; i < sizeof(longvr) / sizeof(longvr[0]); i++)
		if (a == (uint8_t)longvr[i][0] && b == (uint8_t)longvr[i][1])
			return true;
	return false;
}

/* Adds a UI/SH value without its padding (PS3.5 section 6.2: NUL, space). */
static void
add_padded(struct observation *o, const char *key, struct cursor v)
{
	size_t n = cur_left(&v);

	while (n > 0 && (v.p[n - 1] == '\0' || v.p[n - 1] == ' '))
		n--;
	if (n > 0)
		(void)obs_str(o, key, v.p, n < UID_MAX ? n : UID_MAX);
}

/*
 * Walks the meta elements (group 0002) in the kept bytes. An element cut
 * by the end of what was kept ends the walk quietly; one that cannot be
 * explicit VR little endian is malformed (PS3.10 section 7.1).
 */
static void
meta_walk(struct proto_ctx *ctx, struct observation *o, struct cursor c)
{
	uint16_t group, elem, len16;
	uint32_t len;
	uint8_t vr[2];
	struct cursor v;

	while (cur_left(&c) >= 8) {
		if (cur_le16(&c, &group) == -1 || group != 0x0002 ||
		    cur_le16(&c, &elem) == -1 || cur_bytes(&c, vr, 2) == -1)
			return;
		if (vr[0] < 'A' || vr[0] > 'Z' || vr[1] < 'A' || vr[1] > 'Z') {
			proto_malformed(ctx, MAL_DICOMFILE_BAD_META, "dicom_file",
			    "meta element without an explicit VR");
			return;
		}
		if (vr_long(vr[0], vr[1])) {
			if (cur_skip(&c, 2) == -1 || cur_le32(&c, &len) == -1)
				return;
			if (len == 0xffffffffU) {
				proto_malformed(ctx, MAL_DICOMFILE_BAD_META,
				    "dicom_file",
				    "undefined length in the meta group");
				return;
			}
		} else {
			if (cur_le16(&c, &len16) == -1)
				return;
			len = len16;
		}
		if (cur_sub(&c, len, &v) == -1)
			return;
		switch (elem) {
		case 0x0002:
			add_padded(o, "sop_class", v);
			break;
		case 0x0010:
			add_padded(o, "transfer_syntax", v);
			break;
		case 0x0012:
			add_padded(o, "impl_class_uid", v);
			break;
		case 0x0013:
			add_padded(o, "impl_version", v);
			break;
		default:
			break;
		}
	}
}

/*
 * The sender of the bytes: from the packet, or from the flow when the
 * check runs at the end of a flow (end() has no packet).
 */
static void
subject_sender(struct proto_ctx *ctx, struct observation *o)
{
	const struct flow_side *s;

	if (ctx->pkt != NULL) {
		proto_subject_sender(ctx, o);
	} else if (ctx->flow != NULL) {
		s = &ctx->flow->side[ctx->dir != 0];
		obs_subject(o, s->has_mac ? s->mac : NULL, &s->addr);
	}
}

/* Reports the kept bytes if they start a Part 10 file. */
static void
dicomfile_check(struct proto_ctx *ctx, struct dicomfile *df)
{
	struct observation o;
	struct preamble pk;
	struct cursor c;

	df->checked = true;
	if (df->have < META_OFF ||
	    memcmp(df->head + MAGIC_OFF, "DICM", 4) != 0 || ctx->bus == NULL)
		return;
	pk = preamble_kind(df->head, df->have);
	proto_obs_init(ctx, &o, OBS_DICOM_FILE);
	subject_sender(ctx, &o);
	(void)obs_cstr(&o, "carrier", df->carrier);
	(void)obs_cstr(&o, "preamble", pk.kind);
	(void)obs_bool(&o, "cve_2019_11687", pk.exe);
	if (strcmp(pk.kind, "zero") != 0)
		(void)obs_hex(&o, "preamble_head", df->head, 8);
	if (df->multipart)
		(void)obs_u64(&o, "part", df->part);
	c = cur_make(df->head + META_OFF, df->have - META_OFF);
	meta_walk(ctx, &o, c);
	obs_emit(ctx->bus, &o);
}

/* Keeps bytes of the current file or part while there is room. */
static void
keep(struct proto_ctx *ctx, struct dicomfile *df, const uint8_t *p,
    size_t n)
{
	size_t room = DICOMFILE_HEAD - df->have;

	if (df->checked)
		return;
	if (n > room)
		n = room;
	memcpy(df->head + df->have, p, n);
	df->have += n;
	if (df->have == DICOMFILE_HEAD && !df->multipart)
		dicomfile_check(ctx, df);
}

/* Advances the delimiter match by one byte; true when it completes. */
static bool
delim_step(struct dicomfile *df, uint8_t ch)
{
	if (ch == df->delim[df->match]) {
		if (++df->match == df->delimlen) {
			df->match = 0;
			return true;
		}
		return false;
	}
	/* '\r' occurs in the delimiter only at its start. */
	df->match = ch == '\r' ? 1 : 0;
	return false;
}

static void
multipart_feed(struct proto_ctx *ctx, struct dicomfile *df, const uint8_t *p,
    size_t n)
{
	size_t i = 0;
	uint8_t ch;

	while (i < n) {
		switch (df->mstate) {
		case MP_PREAMBLE:
			if (delim_step(df, p[i++])) {
				df->mstate = MP_TAIL;
				df->count = 0;
			}
			break;
		case MP_TAIL:
			ch = p[i++];
			/* "--" right after a delimiter closes the body. */
			if (df->count < 2 && ch == '-') {
				if (++df->dashes == 2) {
					df->mstate = MP_DONE;
					break;
				}
			} else if (ch == '\n') {
				df->mstate = MP_HEADERS;
				df->count = 0;
				df->linelen = 0;
				break;
			}
			if (++df->count > MP_TAIL_MAX)
				df->mstate = MP_DONE;
			break;
		case MP_HEADERS:
			ch = p[i++];
			if (ch == '\n') {
				if (df->linelen == 0) {
					df->mstate = MP_BODY;
					df->part++;
					df->have = 0;
					df->off = 0;
					df->checked = false;
					df->match = 0;
					break;
				}
				df->linelen = 0;
			} else if (ch != '\r') {
				df->linelen++;
			}
			if (++df->count > MP_HDR_MAX)
				df->mstate = MP_DONE;
			break;
		case MP_BODY:
			/* Past the kept bytes, jump to the next CR. */
			if (df->checked && df->match == 0) {
				const uint8_t *cr = memchr(p + i, '\r', n - i);
				size_t skip = cr != NULL ?
				    (size_t)(cr - (p + i)) : n - i;

				df->off += skip;
				i += skip;
				if (i == n)
					break;
			}
			ch = p[i++];
			df->off++;
			keep(ctx, df, &ch, 1);
			if (delim_step(df, ch)) {
				/* The delimiter was kept too: drop it. */
				uint64_t len = df->off - df->delimlen;

				if (df->have > len)
					df->have = (size_t)len;
				if (!df->checked)
					dicomfile_check(ctx, df);
				df->mstate = MP_TAIL;
				df->count = 0;
				df->dashes = 0;
			}
			break;
		default:
			return;
		}
	}
}

void
proto_dicomfile_feed(struct proto_ctx *ctx, struct dicomfile *df,
    const uint8_t *p, size_t n)
{
	if (!df->active || n == 0)
		return;
	if (df->multipart)
		multipart_feed(ctx, df, p, n);
	else
		keep(ctx, df, p, n);
}

void
proto_dicomfile_end(struct proto_ctx *ctx, struct dicomfile *df)
{
	if (!df->active)
		return;
	/* A body shorter than the kept bytes, or a part left unclosed. */
	if (!df->checked && (!df->multipart || df->mstate == MP_BODY))
		dicomfile_check(ctx, df);
	df->active = false;
}

/*
 * A Part 10 file sent alone on a TCP connection: FTP data connections
 * (STOR, RETR) and other raw transfers. The FTP control dissector
 * announces its data connections (expect.h), which come here as
 * dissector_ftp_data with the carrier as context; a data connection it
 * did not see announced, or another raw transfer, is recognised by
 * content: the first segment holds the preamble and "DICM" at offset 128.
 */
struct dicomfile_tcp_state {
	struct dicomfile df[2];
	bool		 started[2];
	char		 carrier[EXPECT_CTX_MAX + 1];	/* from adopt() */
};

static bool
dicomfile_probe(const uint8_t *p, size_t n, int dir)
{
	(void)dir;
	return n >= META_OFF && memcmp(p + MAGIC_OFF, "DICM", 4) == 0;
}

static void
dicomfile_stream(struct proto_ctx *ctx, void *state, const uint8_t *p,
    size_t n)
{
	struct dicomfile_tcp_state *st = state;
	int d = ctx->dir != 0;
	const char *carrier = "tcp";

	if (!st->started[d]) {
		/* Active-mode FTP data comes from port 20 (RFC 959 3.2). */
		if (st->carrier[0] != '\0')
			carrier = st->carrier;
		else if (ctx->pkt != NULL && (ctx->pkt->flags & PKT_L4) &&
		    (ctx->pkt->sport == 20 || ctx->pkt->dport == 20))
			carrier = "ftp";
		proto_dicomfile_begin(&st->df[d], carrier, NULL, 0);
		st->started[d] = true;
	}
	proto_dicomfile_feed(ctx, &st->df[d], p, n);
}

static void
dicomfile_gap(struct proto_ctx *ctx, void *state)
{
	struct dicomfile_tcp_state *st = state;

	proto_dicomfile_end(ctx, &st->df[ctx->dir != 0]);
}

static void
dicomfile_end(struct proto_ctx *ctx, void *state)
{
	struct dicomfile_tcp_state *st = state;

	for (int d = 0; d < 2; d++) {
		ctx->dir = d;
		proto_dicomfile_end(ctx, &st->df[d]);
	}
}

/* The context of an announced connection is the carrier's name. */
static void
dicomfile_adopt(void *state, const uint8_t *ctx, size_t n)
{
	struct dicomfile_tcp_state *st = state;

	if (n > EXPECT_CTX_MAX)
		n = EXPECT_CTX_MAX;
	for (size_t i = 0; i < n && ctx[i] >= 0x21 && ctx[i] <= 0x7e; i++)
		st->carrier[i] = (char)ctx[i];
}

const struct dissector dissector_dicomfile = {
	.name = "dicom-file",
	.l4proto = IPPROTO_TCP_,
	.probe = dicomfile_probe,
	.probe_any_port = true,
	.state_size = sizeof(struct dicomfile_tcp_state),
	.stream = dicomfile_stream,
	.gap = dicomfile_gap,
	.end = dicomfile_end,
	.adopt = dicomfile_adopt,
};

/*
 * The same checker on an FTP data connection announced by the control
 * connection (PORT, EPRT, 227, 229), so that its flow records name it
 * ftp-data. Never chosen by port or content: only by announcement.
 */
const struct dissector dissector_ftp_data = {
	.name = "ftp-data",
	.l4proto = IPPROTO_TCP_,
	.state_size = sizeof(struct dicomfile_tcp_state),
	.stream = dicomfile_stream,
	.gap = dicomfile_gap,
	.end = dicomfile_end,
	.adopt = dicomfile_adopt,
};
