/*
 * ssh.c - SSH identification banners and key exchange offers (HASSH).
 *
 * Follows RFC 4253: protocol version exchange (section 4.2), binary packet
 * protocol (section 6) and algorithm negotiation (section 7.1); fingerprints
 * follow Salesforce's HASSH and HASSHServer.
 *
 *   banner:  "SSH-" protoversion "-" softwareversion [SP comments] CR LF
 *            (at most 255 bytes; a server may send other lines first)
 *
 *   packet:  +----------------+---------+---------------+---------+-----+
 *            | packet_length  | padding | payload       | padding | MAC |
 *            | (32)           | len (8) |               |         |     |
 *            +----------------+---------+---------------+---------+-----+
 *   KEXINIT: byte 20, cookie (16), name-lists kex_algorithms,
 *            server_host_key_algorithms, encryption c2s, s2c, mac c2s,
 *            s2c, compression c2s, s2c, languages c2s, s2c (each uint32
 *            length and comma-separated names), boolean
 *            first_kex_packet_follows, uint32 reserved
 *
 * Each direction's banner and KEXINIT are reported; the key exchange
 * messages that follow are not read (after NEWKEYS everything is
 * encrypted). Side 0 of the flow (the initiator) is the client.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "ward/proto.h"
#include "proto-private.h"

#define SSH_PORT	22
/* RFC 4253 section 4.2: the identification line, CR LF included. */
#define SSH_BANNER_MAX	255
/* Lines a server may send before its banner before we give up. */
#define SSH_PRELINES_MAX 64
/* RFC 4253 section 6.1: packets of 35000 bytes must be accepted. */
#define SSH_PACKET_MAX	35000
/* Packets read before the KEXINIT (SSH_MSG_IGNORE, DEBUG) at most. */
#define SSH_PACKETS_MAX	8

#define SSH_MSG_KEXINIT	20

static const char *const ssh_name = "ssh";

enum ssh_phase {
	PH_BANNER,
	PH_PACKETS,
	PH_DONE,
};

struct ssh_half {
	enum ssh_phase	 phase;
	char		 line[SSH_BANNER_MAX];
	size_t		 linelen;	/* bytes of the current line */
	bool		 toolong;	/* the line outgrew line[] */
	unsigned int	 prelines;
	uint8_t		 phdr[5];	/* packet_length, padding_length */
	uint8_t		 phave;
	size_t		 plen;		/* bytes after packet_length */
	size_t		 pgot;		/* of which read (header byte too) */
	struct pbuf	 buf;		/* padding_length .. end of padding */
	unsigned int	 npackets;
};

struct ssh_state {
	struct ssh_half	 half[2];
};

static void
half_done(struct proto_ctx *ctx, struct ssh_half *h)
{
	pbuf_free(ctx, &h->buf);
	h->phase = PH_DONE;
}

static bool
line_is_banner(const char *s, size_t n)
{
	return n >= 4 && memcmp(s, "SSH-", 4) == 0;
}

/* One complete identification line, without its CR LF. */
static void
ssh_banner(struct proto_ctx *ctx, struct ssh_half *h, const char *s,
    size_t n)
{
	struct observation o;
	const char *proto, *soft, *sp, *dash;
	size_t nproto, nsoft;

	/* "SSH-" protoversion "-" softwareversion [SP comments] */
	proto = s + 4;
	dash = memchr(proto, '-', n - 4);
	if (dash == NULL || dash == proto) {
		proto_malformed(ctx, MAL_SSH_BAD_BANNER, ssh_name,
		    "banner without a protocol version");
		half_done(ctx, h);
		return;
	}
	nproto = (size_t)(dash - proto);
	soft = dash + 1;
	sp = memchr(soft, ' ', (size_t)(s + n - soft));
	nsoft = (size_t)((sp != NULL ? sp : s + n) - soft);
	if (nsoft == 0) {
		proto_malformed(ctx, MAL_SSH_BAD_BANNER, ssh_name,
		    "banner without a software version");
		half_done(ctx, h);
		return;
	}
	/* SSH-1.99 is a server that speaks 2.0 too (section 5.1). */
	if ((nproto == 3 && memcmp(proto, "2.0", 3) == 0) ||
	    (nproto == 4 && memcmp(proto, "1.99", 4) == 0))
		h->phase = PH_PACKETS;
	else
		h->phase = PH_DONE;
	if (ctx->bus == NULL)
		return;
	proto_obs_init(ctx, &o, OBS_SSH);
	proto_subject_sender(ctx, &o);
	(void)obs_cstr(&o, "msg", "banner");
	(void)obs_cstr(&o, "role", ctx->dir == 0 ? "client" : "server");
	(void)obs_str(&o, "proto_version", proto, nproto);
	(void)obs_str(&o, "software", soft, nsoft);
	if (sp != NULL && sp + 1 < s + n)
		(void)obs_str(&o, "comments", sp + 1,
		    (size_t)(s + n - (sp + 1)));
	(void)obs_str(&o, "banner", s, n);
	obs_emit(ctx->bus, &o);
}

/* A line ended (at LF): the banner, or a line a server sent before it. */
static void
ssh_line(struct proto_ctx *ctx, struct ssh_half *h)
{
	size_t n = h->linelen;
	bool banner = line_is_banner(h->line, n);

	h->linelen = 0;
	if (banner && h->toolong) {
		proto_malformed(ctx, MAL_SSH_BAD_BANNER, ssh_name,
		    "banner longer than 255 bytes");
		half_done(ctx, h);
		return;
	}
	h->toolong = false;
	if (banner) {
		/* CR LF ends it; a bare LF is tolerated as OpenSSH does. */
		if (n > 0 && h->line[n - 1] == '\r')
			n--;
		ssh_banner(ctx, h, h->line, n);
		return;
	}
	/* RFC 4253 section 4.2: only the server may send other lines. */
	if (ctx->dir == 0 || ++h->prelines > SSH_PRELINES_MAX) {
		proto_malformed(ctx, MAL_SSH_BAD_BANNER, ssh_name,
		    ctx->dir == 0 ? "client did not start with its banner" :
		    "too many lines before the banner");
		half_done(ctx, h);
	}
}

/* Reads one name-list (RFC 4251 section 5) into *l. */
static int
name_list(struct cursor *c, struct cursor *l)
{
	uint32_t len;

	return cur_be32(c, &len) == -1 || cur_sub(c, len, l) == -1 ? -1 : 0;
}

static const char *const kex_keys[10] = {
	"kex", "host_key", "enc_c2s", "enc_s2c", "mac_c2s", "mac_s2c",
	"cmp_c2s", "cmp_s2c", "lang_c2s", "lang_s2c",
};

/*
 * HASSH: MD5 of "kex;enc;mac;cmp" with the client-to-server lists for a
 * client, the server-to-client lists for a server (hasshServer).
 */
static int
hassh(const struct cursor *lists, bool client, char out[33])
{
	static const char hex[] = "0123456789abcdef";
	const int pick[2][4] = { { 0, 3, 5, 7 }, { 0, 2, 4, 6 } };
	EVP_MD_CTX *md;
	uint8_t d[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	int r = -1;

	if ((md = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (EVP_DigestInit_ex(md, EVP_md5(), NULL) != 1)
		goto out;
	for (int i = 0; i < 4; i++) {
		const struct cursor *l = &lists[pick[client][i]];

		if ((i > 0 && EVP_DigestUpdate(md, ";", 1) != 1) ||
		    EVP_DigestUpdate(md, l->p, l->len) != 1)
			goto out;
	}
	if (EVP_DigestFinal_ex(md, d, &dlen) != 1 || dlen != 16)
		goto out;
	for (unsigned int i = 0; i < dlen; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[32] = '\0';
	r = 0;
out:
	ERR_clear_error();
	EVP_MD_CTX_free(md);
	return r;
}

/* SSH_MSG_KEXINIT (RFC 4253 section 7.1); payload starts at the type. */
static void
ssh_kexinit(struct proto_ctx *ctx, struct cursor c)
{
	struct observation o;
	struct cursor lists[10];
	char fp[33];
	bool client = ctx->dir == 0;
	uint8_t type, follows;
	uint32_t reserved;

	if (cur_u8(&c, &type) == -1 || cur_skip(&c, 16) == -1)
		goto bad;
	for (int i = 0; i < 10; i++)
		if (name_list(&c, &lists[i]) == -1)
			goto bad;
	if (cur_u8(&c, &follows) == -1 || cur_be32(&c, &reserved) == -1)
		goto bad;
	if (ctx->bus == NULL)
		return;
	proto_obs_init(ctx, &o, OBS_SSH);
	proto_subject_sender(ctx, &o);
	(void)obs_cstr(&o, "msg", "kexinit");
	(void)obs_cstr(&o, "role", client ? "client" : "server");
	if (hassh(lists, client, fp) == 0)
		(void)obs_cstr(&o, client ? "hassh" : "hassh_server", fp);
	/* The languages are nearly always empty: reported when not. */
	for (int i = 0; i < 10; i++)
		if (i < 8 || cur_left(&lists[i]) > 0)
			(void)obs_str(&o, kex_keys[i], lists[i].p,
			    lists[i].len);
	(void)obs_bool(&o, "first_kex_follows", follows != 0);
	obs_emit(ctx->bus, &o);
	return;
bad:
	proto_malformed(ctx, MAL_SSH_BAD_KEXINIT, ssh_name,
	    "KEXINIT cut short");
}

/* A whole packet is in h->buf (padding_length, payload, padding). */
static void
ssh_packet(struct proto_ctx *ctx, struct ssh_half *h)
{
	size_t padlen = h->phdr[4];
	struct cursor c = cur_make(h->buf.p, h->buf.len), payload;
	uint8_t type;

	if (cur_skip(&c, 1) == -1 ||
	    cur_sub(&c, h->plen - 1 - padlen, &payload) == -1 ||
	    cur_peek_u8(&payload, 0, &type) == -1) {
		proto_malformed(ctx, MAL_SSH_BAD_PACKET, ssh_name,
		    "empty packet");
		half_done(ctx, h);
		return;
	}
	if (type == SSH_MSG_KEXINIT) {
		ssh_kexinit(ctx, payload);
		half_done(ctx, h);
		return;
	}
	pbuf_clear(ctx, &h->buf);
	if (++h->npackets >= SSH_PACKETS_MAX)
		half_done(ctx, h);
}

/* Binary packets before NEWKEYS: no encryption, no MAC (section 6). */
static void
ssh_packets(struct proto_ctx *ctx, struct ssh_half *h, struct cursor *c)
{
	size_t take;

	while (cur_left(c) > 0 && h->phase == PH_PACKETS) {
		if (h->phave < 5) {
			if (cur_u8(c, &h->phdr[h->phave]) == -1)
				return;
			if (++h->phave < 5)
				continue;
			h->plen = (size_t)h->phdr[0] << 24 |
			    (size_t)h->phdr[1] << 16 |
			    (size_t)h->phdr[2] << 8 | h->phdr[3];
			/*
			 * Section 6: at least 4 bytes of padding, a payload
			 * byte, and no more than we must accept.
			 */
			if (h->plen > SSH_PACKET_MAX || h->phdr[4] < 4 ||
			    (size_t)h->phdr[4] + 2 > h->plen) {
				proto_malformed(ctx, MAL_SSH_BAD_PACKET,
				    ssh_name, "bad packet or padding length");
				half_done(ctx, h);
				return;
			}
			pbuf_clear(ctx, &h->buf);
			if (pbuf_append(ctx, &h->buf, &h->phdr[4], 1,
			    h->plen) != 1) {
				half_done(ctx, h);
				return;
			}
			h->pgot = 1;
			continue;
		}
		take = h->plen - h->pgot;
		if (take > cur_left(c))
			take = cur_left(c);
		if (pbuf_append(ctx, &h->buf, c->p, take, h->plen) != take) {
			/* Refused by the flow budget. */
			half_done(ctx, h);
			return;
		}
		if (cur_skip(c, take) == -1)
			return;
		h->pgot += take;
		if (h->pgot == h->plen) {
			h->phave = 0;
			ssh_packet(ctx, h);
		}
	}
}

static void
ssh_stream(struct proto_ctx *ctx, void *state, const uint8_t *p, size_t n)
{
	struct ssh_state *st = state;
	struct ssh_half *h = &st->half[ctx->dir != 0];
	struct cursor c = cur_make(p, n);
	uint8_t ch;

	while (cur_left(&c) > 0 && h->phase == PH_BANNER) {
		if (cur_u8(&c, &ch) == -1)
			return;
		if (ch == '\n') {
			ssh_line(ctx, h);
			continue;
		}
		/* 255 bytes with the LF: 254 before it. */
		if (h->linelen < SSH_BANNER_MAX - 1)
			h->line[h->linelen++] = (char)ch;
		else
			h->toolong = true;
		/* A banner too long is known before its end. */
		if (h->toolong && line_is_banner(h->line, h->linelen)) {
			proto_malformed(ctx, MAL_SSH_BAD_BANNER, ssh_name,
			    "banner longer than 255 bytes");
			half_done(ctx, h);
			return;
		}
	}
	ssh_packets(ctx, h, &c);
}

static void
ssh_gap(struct proto_ctx *ctx, void *state)
{
	struct ssh_state *st = state;

	half_done(ctx, &st->half[ctx->dir != 0]);
}

static void
ssh_end(struct proto_ctx *ctx, void *state)
{
	struct ssh_state *st = state;

	(void)ctx;
	half_done(ctx, &st->half[0]);
	half_done(ctx, &st->half[1]);
}

/* "SSH-" at the start, or as much of it as arrived. */
static bool
ssh_probe(const uint8_t *p, size_t n, int dir)
{
	(void)dir;
	return n > 0 && memcmp(p, "SSH-", n < 4 ? n : 4) == 0;
}

const struct dissector dissector_ssh = {
	.name = "ssh",
	.l4proto = IPPROTO_TCP_,
	.ports = { SSH_PORT },
	.probe = ssh_probe,
	.probe_any_port = true,
	.state_size = sizeof(struct ssh_state),
	.stream = ssh_stream,
	.gap = ssh_gap,
	.end = ssh_end,
};
