/*
 * smb.c - SMB2 negotiation and NTLMSSP names, SMB1 negotiate requests,
 * DICOM Part 10 files written to a share.
 *
 * Follows [MS-SMB2] (header 2.2.1, NEGOTIATE 2.2.3/2.2.4, SESSION_SETUP
 * 2.2.5/2.2.6, CLOSE 2.2.15, WRITE 2.2.21), [MS-CIFS] 2.2.4.52 for the
 * SMB1 NEGOTIATE, RFC 1002
 * section 4.3 for the NetBIOS session service framing (on TCP 445 the
 * "direct TCP" variant of [MS-SMB2] 2.1: a zero byte and a 24-bit length)
 * and [MS-NLMP] 2.2.1 for the NTLMSSP messages inside the security blobs.
 *
 *  session service: | type (0x00) |        length (24, big-endian)      |
 *
 *  SMB2 header (64 bytes, little-endian):
 *  +--------------------------------+----------------+----------------+
 *  |        0xFE 'S' 'M' 'B'        | StructureSize  | CreditCharge   |
 *  +--------------------------------+----------------+----------------+
 *  |             Status             |    Command     | Credits        |
 *  +--------------------------------+----------------+----------------+
 *  |             Flags              |          NextCommand            |
 *  +--------------------------------+---------------------------------+
 *  |  MessageId (64)  | AsyncId or Reserved, TreeId | SessionId (64)  |
 *  +------------------+-----------------------------+-----------------+
 *  |                         Signature (16)                           |
 *  +------------------------------------------------------------------+
 *
 *  NTLMSSP: "NTLMSSP\0" | MessageType (32) | fields of 8 bytes, each
 *  Len (16), MaxLen (16), BufferOffset (32) from the signature | payload
 *
 * NTLMSSP is found by its signature inside the security blob, whether the
 * blob is raw NTLMSSP or SPNEGO (RFC 4178) wrapping it: SPNEGO's mechToken
 * and responseToken are plain OCTET STRINGs whose contents are the NTLMSSP
 * message, which then runs to the end of the blob. The NTLM responses are
 * a credential hash and are never kept; only their length is looked at.
 *
 *  WRITE request body (after the header; DataOffset counts from it):
 *  | StructureSize (49) | DataOffset (16) | Length (32) | Offset (64) |
 *  | FileId (16 bytes) | Channel (32) | RemainingBytes | ... | Buffer |
 *
 * A WRITE at file offset 0 starts a Part 10 check (dicomfile.c) of that
 * FileId; WRITEs at the next offset continue it, a CLOSE of the FileId
 * ends it. Only the first DICOMFILE_HEAD bytes of a file matter, and they
 * lie in the part of a WRITE that is kept (SMB_MSG_MAX).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ward/proto.h"
#include "proto-private.h"

#define SMB_PORT	445
#define NBSS_PORT	139

/* A message longer than this is parsed up to here, the rest skipped. */
#define SMB_MSG_MAX	8192
#define SMB2_HDR_LEN	64
/* Commands of one compound chain ([MS-SMB2] 3.2.4.1.4) read at most. */
#define SMB2_MAX_CHAIN	16
/* Dialects read from a NEGOTIATE request (there are six today). */
#define SMB2_MAX_DIALECTS 32
#define SMB1_MAX_DIALECTS 32
/* Text of a name: UTF-16 code units read at most. */
#define NAME_MAX_UNITS	256
#define NAME_TEXT_MAX	(NAME_MAX_UNITS * 3 + 1)
/* AV pairs of a CHALLENGE read at most. */
#define AV_MAX_PAIRS	32

#define SMB2_NEGOTIATE		0x0000
#define SMB2_SESSION_SETUP	0x0001
#define SMB2_CLOSE		0x0006
#define SMB2_WRITE		0x0009
#define SMB2_CHANNEL_NONE	0x00000000U
#define SMB2_FLAGS_SERVER_TO_REDIR 0x00000001U

#define SMB1_COM_NEGOTIATE	0x72
#define SMB1_FLAGS_REPLY	0x80

/* [MS-SMB2] 2.2.3: SecurityMode bits. */
#define SMB2_SIGNING_ENABLED	0x0001
#define SMB2_SIGNING_REQUIRED	0x0002

/* [MS-NLMP] 2.2.2.5: NegotiateFlags. */
#define NTLMSSP_NEGOTIATE_UNICODE	0x00000001U
#define NTLMSSP_NEGOTIATE_VERSION	0x02000000U

#define NTLM_NEGOTIATE		1
#define NTLM_CHALLENGE		2
#define NTLM_AUTHENTICATE	3

static const char proto_smb[] = "smb";
static const char proto_ntlm[] = "ntlmssp";

struct smb_half {
	struct recasm	 ra;		/* session messages */
	/*
	 * The one file whose WRITEs are being checked for a Part 10 file,
	 * per direction, so that a flow's memory stays fixed. A WRITE at
	 * offset 0 of another file ends the check (on the bytes kept so
	 * far) and starts one of the new file; the other WRITEs of a file
	 * not being checked are not looked at.
	 */
	struct dicomfile df;
	uint8_t		 fid[16];	/* FileId of the file in df */
	uint64_t	 next_off;	/* where its next WRITE continues */
};

struct smb_state {
	struct smb_half	 half[2];
};

/*
 * Appends the UTF-16LE text in c (an even number of bytes) to out as
 * UTF-8; lone surrogates become '?'. At most NAME_MAX_UNITS units.
 */
static void
utf16_text(struct cursor c, char out[NAME_TEXT_MAX])
{
	size_t n = 0, units = 0;
	uint16_t u, lo;
	uint32_t cp;

	while (units++ < NAME_MAX_UNITS && cur_le16(&c, &u) == 0) {
		cp = u;
		if (u >= 0xd800 && u < 0xdc00) {
			struct cursor save = c;

			if (cur_le16(&c, &lo) == 0 && lo >= 0xdc00 &&
			    lo < 0xe000)
				cp = 0x10000 + ((uint32_t)(u - 0xd800) << 10) +
				    (lo - 0xdc00);
			else {
				c = save;
				cp = '?';
			}
		} else if (u >= 0xdc00 && u < 0xe000)
			cp = '?';
		if (cp == 0)
			break;
		if (cp < 0x80)
			out[n++] = (char)cp;
		else if (cp < 0x800) {
			out[n++] = (char)(0xc0 | cp >> 6);
			out[n++] = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000 && n + 3 < NAME_TEXT_MAX) {
			out[n++] = (char)(0xe0 | cp >> 12);
			out[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			out[n++] = (char)(0x80 | (cp & 0x3f));
		} else if (n + 4 < NAME_TEXT_MAX) {
			out[n++] = (char)(0xf0 | cp >> 18);
			out[n++] = (char)(0x80 | ((cp >> 12) & 0x3f));
			out[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			out[n++] = (char)(0x80 | (cp & 0x3f));
		}
		if (n + 4 >= NAME_TEXT_MAX)
			break;
	}
	out[n] = '\0';
}

/* OEM (8-bit) text, cut at NAME_MAX_UNITS bytes or a NUL. */
static void
oem_text(struct cursor c, char out[NAME_TEXT_MAX])
{
	size_t n = 0;
	uint8_t ch;

	while (n < NAME_MAX_UNITS && cur_u8(&c, &ch) == 0 && ch != 0)
		out[n++] = (char)ch;
	out[n] = '\0';
}

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" from a GUID in wire order. */
static void
guid_text(const uint8_t g[16], char out[37])
{
	(void)snprintf(out, 37,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x",
	    g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9],
	    g[10], g[11], g[12], g[13], g[14], g[15]);
}

/*
 * One NTLMSSP field ([MS-NLMP] 2.2.1): Len, MaxLen, BufferOffset, the
 * offset counted from the start of the message. Returns -1 when the
 * descriptor or the data it points at lies outside msg.
 */
static int
ntlm_field(const struct cursor *msg, size_t at, struct cursor *data)
{
	struct cursor c = *msg;
	uint32_t off;
	uint16_t len, maxlen;

	if (cur_skip(&c, at) == -1 || cur_le16(&c, &len) == -1 ||
	    cur_le16(&c, &maxlen) == -1 || cur_le32(&c, &off) == -1)
		return -1;
	if (len == 0) {
		*data = cur_make(msg->p, 0);
		return 0;
	}
	c = *msg;
	if (cur_skip(&c, off) == -1 || cur_sub(&c, len, data) == -1)
		return -1;
	return 0;
}

static void
ntlm_text(const struct cursor *s, uint32_t flags, char out[NAME_TEXT_MAX])
{
	if (flags & NTLMSSP_NEGOTIATE_UNICODE)
		utf16_text(*s, out);
	else
		oem_text(*s, out);
}

/* [MS-NLMP] 2.2.2.10: ProductMajor, ProductMinor, ProductBuild. */
static void
ntlm_version(struct observation *o, const struct cursor *msg, size_t at)
{
	struct cursor c = *msg;
	uint16_t build;
	uint8_t major, minor;
	char v[24];

	if (cur_skip(&c, at) == -1 || cur_u8(&c, &major) == -1 ||
	    cur_u8(&c, &minor) == -1 || cur_le16(&c, &build) == -1)
		return;
	(void)snprintf(v, sizeof(v), "%u.%u.%u", major, minor, build);
	(void)obs_cstr(o, "os_version", v);
}

/* [MS-NLMP] 2.2.2.1: the AV pairs of a CHALLENGE's TargetInfo. */
static int
ntlm_av_pairs(struct observation *o, struct cursor ti)
{
	static const char *const keys[] = { NULL, "nb_computer",
		"nb_domain", "dns_computer", "dns_domain", "dns_tree" };
	char text[NAME_TEXT_MAX];
	struct cursor v;
	uint16_t id, len;

	for (int i = 0; i < AV_MAX_PAIRS; i++) {
		if (cur_le16(&ti, &id) == -1 || cur_le16(&ti, &len) == -1 ||
		    cur_sub(&ti, len, &v) == -1)
			return -1;
		if (id == 0)		/* MsvAvEOL */
			return 0;
		/* An empty name (Samba's DNS domain when it has none) is
		 * left out, as absent. */
		if (id < sizeof(keys) / sizeof(keys[0]) && cur_left(&v) > 0) {
			utf16_text(v, text);
			(void)obs_cstr(o, keys[id], text);
		}
	}
	return 0;
}

/*
 * Parses the NTLMSSP message at the start of msg into o (an SMB
 * observation already started); AUTHENTICATE also gives a credential
 * observation.
 */
static void
ntlm_message(struct proto_ctx *ctx, struct observation *o, struct cursor msg)
{
	char user[NAME_TEXT_MAX], domain[NAME_TEXT_MAX], ws[NAME_TEXT_MAX];
	struct cursor c = msg, f, nt;
	struct observation cred;
	const char *ver;
	uint32_t type, flags;

	if (cur_skip(&c, 8) == -1 || cur_le32(&c, &type) == -1)
		goto bad;
	switch (type) {
	case NTLM_NEGOTIATE:
		if (cur_le32(&c, &flags) == -1)
			goto bad;
		(void)obs_cstr(o, "ntlmssp", "negotiate");
		(void)obs_u64(o, "ntlm_flags", flags);
		if (flags & NTLMSSP_NEGOTIATE_VERSION)
			ntlm_version(o, &msg, 32);
		return;
	case NTLM_CHALLENGE:
		/* TargetName at 12, NegotiateFlags at 20, TargetInfo at 40. */
		c = msg;
		if (cur_skip(&c, 20) == -1 || cur_le32(&c, &flags) == -1 ||
		    ntlm_field(&msg, 12, &f) == -1)
			goto bad;
		(void)obs_cstr(o, "ntlmssp", "challenge");
		(void)obs_u64(o, "ntlm_flags", flags);
		if (cur_left(&f) > 0) {
			ntlm_text(&f, flags, user);
			(void)obs_cstr(o, "target_name", user);
		}
		if (cur_left(&msg) >= 48 + 8) {
			if (ntlm_field(&msg, 40, &f) == -1 ||
			    ntlm_av_pairs(o, f) == -1)
				goto bad;
		}
		if ((flags & NTLMSSP_NEGOTIATE_VERSION) &&
		    cur_left(&msg) >= 56)
			ntlm_version(o, &msg, 48);
		return;
	case NTLM_AUTHENTICATE:
		/*
		 * LmChallengeResponse 12, NtChallengeResponse 20, DomainName
		 * 28, UserName 36, Workstation 44, session key 52, flags 60.
		 */
		c = msg;
		if (cur_skip(&c, 60) == -1 || cur_le32(&c, &flags) == -1 ||
		    ntlm_field(&msg, 20, &nt) == -1)
			goto bad;
		if (ntlm_field(&msg, 28, &f) == -1)
			goto bad;
		ntlm_text(&f, flags, domain);
		if (ntlm_field(&msg, 36, &f) == -1)
			goto bad;
		ntlm_text(&f, flags, user);
		if (ntlm_field(&msg, 44, &f) == -1)
			goto bad;
		ntlm_text(&f, flags, ws);
		/*
		 * [MS-NLMP] 3.3: an NTLMv1 response is 24 bytes, an NTLMv2
		 * one (NTProofStr and the client's blob) is longer; an
		 * anonymous logon sends none.
		 */
		if (cur_left(&nt) == 0)
			ver = "anonymous";
		else if (cur_left(&nt) == 24)
			ver = "v1";
		else
			ver = "v2";
		(void)obs_cstr(o, "ntlmssp", "authenticate");
		(void)obs_u64(o, "ntlm_flags", flags);
		(void)obs_cstr(o, "user", user);
		(void)obs_cstr(o, "domain", domain);
		(void)obs_cstr(o, "workstation", ws);
		(void)obs_cstr(o, "ntlm_version", ver);
		if (ctx->bus == NULL)
			return;
		proto_obs_init(ctx, &cred, OBS_CREDENTIAL);
		proto_subject_sender(ctx, &cred);
		(void)obs_cstr(&cred, "protocol", "ntlm");
		(void)obs_cstr(&cred, "user", user);
		(void)obs_cstr(&cred, "domain", domain);
		(void)obs_cstr(&cred, "ntlm_version", ver);
		obs_emit(ctx->bus, &cred);
		return;
	default:
		goto bad;
	}
bad:
	proto_malformed(ctx, MAL_NTLMSSP_BAD, proto_ntlm,
	    "NTLMSSP message cut short or of unknown type");
}

/* Looks for "NTLMSSP\0" in a security blob. */
static bool
ntlm_find(struct cursor blob, struct cursor *msg)
{
	static const uint8_t sig[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0 };
	const uint8_t *p;

	if (cur_left(&blob) < sizeof(sig))
		return false;
	p = memmem(blob.p, blob.len, sig, sizeof(sig));
	if (p == NULL)
		return false;
	*msg = cur_make(p, blob.len - (size_t)(p - blob.p));
	return true;
}

static void
smb_emit_start(struct proto_ctx *ctx, struct observation *o,
    const char *command, bool response)
{
	proto_obs_init(ctx, o, OBS_SMB);
	proto_subject_sender(ctx, o);
	(void)obs_cstr(o, "command", command);
	(void)obs_bool(o, "response", response);
}

static void
smb_security_mode(struct observation *o, uint16_t mode)
{
	(void)obs_u64(o, "security_mode", mode);
	(void)obs_bool(o, "signing_enabled",
	    (mode & SMB2_SIGNING_ENABLED) != 0);
	(void)obs_bool(o, "signing_required",
	    (mode & SMB2_SIGNING_REQUIRED) != 0);
}

/* [MS-SMB2] 2.2.3: NEGOTIATE request. body starts after the header. */
static int
smb2_negotiate_req(struct proto_ctx *ctx, struct cursor body)
{
	struct observation o;
	uint8_t guid[16];
	char text[SMB2_MAX_DIALECTS * 7 + 1], g[37];
	uint32_t caps;
	uint16_t size, count, mode, d;
	size_t n = 0;

	if (cur_le16(&body, &size) == -1 || cur_le16(&body, &count) == -1 ||
	    cur_le16(&body, &mode) == -1 || cur_skip(&body, 2) == -1 ||
	    cur_le32(&body, &caps) == -1 ||
	    cur_bytes(&body, guid, sizeof(guid)) == -1 ||
	    cur_skip(&body, 8) == -1)
		return -1;
	if (size != 36)
		return -1;
	text[0] = '\0';
	for (uint16_t i = 0; i < count && i < SMB2_MAX_DIALECTS; i++) {
		if (cur_le16(&body, &d) == -1)
			return -1;
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s0x%04x",
		    i > 0 ? "," : "", d);
	}
	if (ctx->bus == NULL)
		return 0;
	smb_emit_start(ctx, &o, "negotiate", false);
	(void)obs_cstr(&o, "dialects", text);
	guid_text(guid, g);
	(void)obs_cstr(&o, "client_guid", g);
	smb_security_mode(&o, mode);
	(void)obs_u64(&o, "capabilities", caps);
	obs_emit(ctx->bus, &o);
	return 0;
}

/*
 * The security buffer at offset off (from the SMB2 header) and len bytes
 * long. Returns -1 if it lies outside the message.
 */
static int
smb2_secbuf(const struct cursor *msg, uint16_t off, uint16_t len,
    struct cursor *blob)
{
	struct cursor c = *msg;

	if (len == 0) {
		*blob = cur_make(msg->p, 0);
		return 0;
	}
	if (cur_skip(&c, off) == -1 || cur_sub(&c, len, blob) == -1)
		return -1;
	return 0;
}

/* [MS-SMB2] 2.2.4: NEGOTIATE response. */
static int
smb2_negotiate_resp(struct proto_ctx *ctx, const struct cursor *msg,
    struct cursor body)
{
	struct observation o;
	struct cursor blob, ntlm;
	uint8_t guid[16];
	char g[37], dialect[8];
	uint32_t caps;
	uint16_t size, mode, d, secoff, seclen;

	if (cur_le16(&body, &size) == -1 || cur_le16(&body, &mode) == -1 ||
	    cur_le16(&body, &d) == -1 || cur_skip(&body, 2) == -1 ||
	    cur_bytes(&body, guid, sizeof(guid)) == -1 ||
	    cur_le32(&body, &caps) == -1 || cur_skip(&body, 12 + 16) == -1 ||
	    cur_le16(&body, &secoff) == -1 || cur_le16(&body, &seclen) == -1)
		return -1;
	if (size != 65)
		return -1;
	if (ctx->bus == NULL)
		return 0;
	smb_emit_start(ctx, &o, "negotiate", true);
	(void)snprintf(dialect, sizeof(dialect), "0x%04x", d);
	(void)obs_cstr(&o, "dialect", dialect);
	guid_text(guid, g);
	(void)obs_cstr(&o, "server_guid", g);
	smb_security_mode(&o, mode);
	(void)obs_u64(&o, "capabilities", caps);
	/* The blob is SPNEGO's hints; an NTLMSSP message here is unusual. */
	if (smb2_secbuf(msg, secoff, seclen, &blob) == 0 &&
	    ntlm_find(blob, &ntlm))
		ntlm_message(ctx, &o, ntlm);
	obs_emit(ctx->bus, &o);
	return 0;
}

/* [MS-SMB2] 2.2.5 and 2.2.6: SESSION_SETUP request and response. */
static int
smb2_session_setup(struct proto_ctx *ctx, const struct cursor *msg,
    struct cursor body, bool response, uint64_t session_id)
{
	struct observation o;
	struct cursor blob, ntlm;
	uint16_t size, secoff, seclen;

	if (cur_le16(&body, &size) == -1)
		return -1;
	if (!response) {
		if (size != 25 || cur_skip(&body, 1 + 1 + 4 + 4) == -1)
			return -1;
	} else if (size != 9 || cur_skip(&body, 2) == -1)
		return -1;
	if (cur_le16(&body, &secoff) == -1 || cur_le16(&body, &seclen) == -1)
		return -1;
	if (smb2_secbuf(msg, secoff, seclen, &blob) == -1) {
		proto_malformed(ctx, MAL_SMB_BAD_BLOB, proto_smb,
		    "security buffer outside the message");
		return 0;
	}
	if (!ntlm_find(blob, &ntlm) || ctx->bus == NULL)
		return 0;
	smb_emit_start(ctx, &o, "session_setup", response);
	(void)obs_u64(&o, "session_id", session_id);
	ntlm_message(ctx, &o, ntlm);
	obs_emit(ctx->bus, &o);
	return 0;
}

/*
 * [MS-SMB2] 2.2.21: a WRITE request. one is the whole command (header
 * included, as DataOffset counts from the header); partial says it was
 * cut by SMB_MSG_MAX, so that its data may be only partly in one.
 */
static int
smb2_write(struct proto_ctx *ctx, struct smb_half *h, const struct cursor *one,
    struct cursor body, bool partial)
{
	struct cursor c = *one, data;
	uint8_t fid[16];
	uint64_t off;
	uint32_t len, channel;
	uint16_t size, dataoff;
	size_t have;

	if (cur_le16(&body, &size) == -1 || cur_le16(&body, &dataoff) == -1 ||
	    cur_le32(&body, &len) == -1 || cur_le64(&body, &off) == -1 ||
	    cur_bytes(&body, fid, sizeof(fid)) == -1 ||
	    cur_le32(&body, &channel) == -1)
		return -1;
	if (size != 49)
		return -1;
	/* Data sent over RDMA ([MS-SMB2] 2.2.21 Channel) is not inline. */
	if (len == 0 || channel != SMB2_CHANNEL_NONE)
		return 0;
	if (cur_skip(&c, dataoff) == -1 || dataoff < SMB2_HDR_LEN + 48) {
		if (!partial)
			proto_malformed(ctx, MAL_SMB_TRUNCATED, proto_smb,
			    "WRITE data offset outside the message");
		return 0;
	}
	have = cur_left(&c) < len ? cur_left(&c) : len;
	if (have < len && !partial) {
		proto_malformed(ctx, MAL_SMB_TRUNCATED, proto_smb,
		    "WRITE data longer than the message");
		return 0;
	}
	if (cur_sub(&c, have, &data) == -1)
		return 0;
	if (off == 0) {
		/* A new file, or the same one written again from the start. */
		proto_dicomfile_end(ctx, &h->df);
		proto_dicomfile_begin(&h->df, proto_smb, NULL, 0);
		memcpy(h->fid, fid, sizeof(fid));
	} else if (!h->df.active || memcmp(h->fid, fid, sizeof(fid)) != 0) {
		return 0;
	} else if (off != h->next_off) {
		/*
		 * A hole or a rewrite: what was kept is all that is known of
		 * the start of the file.
		 */
		proto_dicomfile_end(ctx, &h->df);
		return 0;
	}
	proto_dicomfile_feed(ctx, &h->df, data.p, cur_left(&data));
	h->next_off = off + len;
	/* Bytes past the cap were not seen: the file is known this far. */
	if (have < len)
		proto_dicomfile_end(ctx, &h->df);
	return 0;
}

/* [MS-SMB2] 2.2.15: a CLOSE request ends the check of its file. */
static int
smb2_close(struct proto_ctx *ctx, struct smb_half *h, struct cursor body)
{
	uint8_t fid[16];
	uint16_t size;

	if (cur_le16(&body, &size) == -1 || cur_skip(&body, 2 + 4) == -1 ||
	    cur_bytes(&body, fid, sizeof(fid)) == -1)
		return -1;
	if (size != 24)
		return -1;
	if (h->df.active && memcmp(h->fid, fid, sizeof(fid)) == 0)
		proto_dicomfile_end(ctx, &h->df);
	return 0;
}

/*
 * One SMB2 message (a compound chain of commands). partial is set when
 * the message was cut by our cap.
 */
static void
smb2_message(struct proto_ctx *ctx, struct smb_half *h, struct cursor msg,
    bool partial)
{
	for (int i = 0; i < SMB2_MAX_CHAIN; i++) {
		struct cursor c = msg, one, body;
		uint64_t session_id;
		uint32_t magic, flags, next;
		uint16_t size, command;
		int r = 0;

		if (cur_be32(&c, &magic) == -1 || cur_le16(&c, &size) == -1 ||
		    cur_skip(&c, 2 + 4) == -1 || cur_le16(&c, &command) == -1 ||
		    cur_skip(&c, 2) == -1 || cur_le32(&c, &flags) == -1 ||
		    cur_le32(&c, &next) == -1 || cur_skip(&c, 8 + 8) == -1 ||
		    cur_le64(&c, &session_id) == -1 || cur_skip(&c, 16) == -1) {
			if (!partial)
				proto_malformed(ctx, MAL_SMB_TRUNCATED,
				    proto_smb, "SMB2 header cut short");
			return;
		}
		if (magic != 0xfe534d42U || size != SMB2_HDR_LEN) {
			proto_malformed(ctx, MAL_SMB_BAD_HEADER, proto_smb,
			    "bad SMB2 protocol id or header size");
			return;
		}
		/* [MS-SMB2] 2.2.1: NextCommand is 8-byte aligned, or 0. */
		one = msg;
		if (next != 0) {
			if (next < SMB2_HDR_LEN || (next & 7) != 0 ||
			    next > cur_left(&msg)) {
				if (!(partial && next > cur_left(&msg)))
					proto_malformed(ctx, MAL_SMB_BAD_HEADER,
					    proto_smb,
					    "bad NextCommand offset");
				return;
			}
			one.len = next;
		}
		body = one;
		if (cur_skip(&body, SMB2_HDR_LEN) == -1)
			return;
		switch (command) {
		case SMB2_NEGOTIATE:
			r = (flags & SMB2_FLAGS_SERVER_TO_REDIR) ?
			    smb2_negotiate_resp(ctx, &one, body) :
			    smb2_negotiate_req(ctx, body);
			break;
		case SMB2_SESSION_SETUP:
			r = smb2_session_setup(ctx, &one, body,
			    (flags & SMB2_FLAGS_SERVER_TO_REDIR) != 0,
			    session_id);
			break;
		case SMB2_WRITE:
			if (!(flags & SMB2_FLAGS_SERVER_TO_REDIR))
				r = smb2_write(ctx, h, &one, body, partial);
			break;
		case SMB2_CLOSE:
			if (!(flags & SMB2_FLAGS_SERVER_TO_REDIR))
				r = smb2_close(ctx, h, body);
			break;
		default:
			break;
		}
		/*
		 * An error response has a 9-byte body ([MS-SMB2] 2.2.2):
		 * its wrong structure size is not a malformation.
		 */
		if (r == -1 && !partial && cur_left(&body) > 9)
			proto_malformed(ctx, MAL_SMB_TRUNCATED, proto_smb,
			    "SMB2 command body cut short or of a wrong size");
		if (next == 0)
			return;
		if (cur_skip(&msg, next) == -1)
			return;
	}
}

/*
 * [MS-CIFS] 2.2.4.52.1: an SMB1 NEGOTIATE request lists its dialects as
 * 0x02 followed by a NUL-ended string; the response names the index of
 * the one chosen (0xFFFF: none).
 */
static void
smb1_message(struct proto_ctx *ctx, struct cursor msg, bool partial)
{
	struct observation o;
	struct cursor c = msg, bytes;
	char text[512];
	size_t n = 0;
	uint16_t bc, index;
	uint8_t command, flags, wc, fmt, ch;
	int count = 0;

	if (cur_skip(&c, 4) == -1 || cur_u8(&c, &command) == -1 ||
	    cur_skip(&c, 4) == -1 || cur_u8(&c, &flags) == -1 ||
	    cur_skip(&c, 22) == -1 || cur_u8(&c, &wc) == -1) {
		if (!partial)
			proto_malformed(ctx, MAL_SMB_TRUNCATED, proto_smb,
			    "SMB1 header cut short");
		return;
	}
	if (command != SMB1_COM_NEGOTIATE)
		return;
	if (flags & SMB1_FLAGS_REPLY) {
		if (wc == 0 || cur_le16(&c, &index) == -1)
			goto bad;
		if (ctx->bus == NULL)
			return;
		smb_emit_start(ctx, &o, "negotiate", true);
		(void)obs_bool(&o, "smb1", true);
		(void)obs_u64(&o, "dialect_index", index);
		obs_emit(ctx->bus, &o);
		return;
	}
	if (wc != 0 || cur_le16(&c, &bc) == -1)
		goto bad;
	if (cur_sub(&c, bc, &bytes) == -1) {
		if (!partial)
			goto bad;
		bytes = c;
	}
	text[0] = '\0';
	while (cur_left(&bytes) > 0 && count < SMB1_MAX_DIALECTS) {
		if (cur_u8(&bytes, &fmt) == -1 || fmt != 0x02)
			goto bad;
		if (count++ > 0 && n + 1 < sizeof(text))
			text[n++] = ',';
		for (;;) {
			if (cur_u8(&bytes, &ch) == -1) {
				if (partial)
					break;
				goto bad;
			}
			if (ch == 0)
				break;
			if (n + 1 < sizeof(text))
				text[n++] = (char)ch;
		}
		text[n] = '\0';
	}
	if (ctx->bus == NULL)
		return;
	smb_emit_start(ctx, &o, "negotiate", false);
	(void)obs_bool(&o, "smb1", true);
	(void)obs_cstr(&o, "dialects", text);
	obs_emit(ctx->bus, &o);
	return;
bad:
	proto_malformed(ctx, MAL_SMB_TRUNCATED, proto_smb,
	    "SMB1 NEGOTIATE cut short or badly formed");
}

static void
smb_message(struct proto_ctx *ctx, struct smb_half *h, struct cursor msg,
    bool partial)
{
	struct cursor c = msg;
	uint32_t magic;

	if (cur_be32(&c, &magic) == -1) {
		if (!partial)
			proto_malformed(ctx, MAL_SMB_TRUNCATED, proto_smb,
			    "session message shorter than a protocol id");
		return;
	}
	switch (magic) {
	case 0xfe534d42U:	/* SMB2 */
		smb2_message(ctx, h, msg, partial);
		break;
	case 0xff534d42U:	/* SMB1 */
		smb1_message(ctx, msg, partial);
		break;
	case 0xfd534d42U:	/* SMB3 transform (encrypted) */
	case 0xfc534d42U:	/* SMB3 compression */
		break;
	default:
		proto_malformed(ctx, MAL_SMB_BAD_HEADER, proto_smb,
		    "unknown SMB protocol id");
		break;
	}
}

/*
 * Each direction is a sequence of session service packets (RFC 1002
 * section 4.3.1): type, then a length in 17 bits (NBT, port 139) or 24
 * bits (direct TCP, [MS-SMB2] 2.1). Session messages (type 0) carry SMB;
 * requests, responses and keepalives (0x81..0x85) are skipped. Any other
 * type means the framing is lost and the direction is abandoned, as after
 * a gap.
 */
/*
 * Session packets (RFC 1002 4.3, [MS-SMB2] 2.1): a type byte and a length,
 * 24 bits for session messages (Direct TCP), 17 for the NetBIOS session
 * service's requests and responses, which are skipped.
 */
static int64_t
smb_frame(const uint8_t *p, size_t n)
{
	if (n < 4)
		return REC_MORE;
	if (p[0] == 0x00)
		return 4 + ((int64_t)p[1] << 16 | (int64_t)p[2] << 8 | p[3]);
	if (p[0] >= 0x81 && p[0] <= 0x85)
		return 4 + ((int64_t)(p[1] & 1) << 16 | (int64_t)p[2] << 8 |
		    p[3]);
	return REC_BAD;
}

static void
smb_record(struct proto_ctx *ctx, void *arg, const uint8_t *p, size_t len,
    bool cut)
{
	if (p[0] != 0x00 || len == 4)
		return;
	smb_message(ctx, arg, cur_make(p + 4, len - 4), cut);
}

static const struct rec_cfg smb_rec = {
	.frame = smb_frame,
	.hdr_max = 4,
	.max = 4 + SMB_MSG_MAX,
	.record = smb_record,
};

static void
smb_stream(struct proto_ctx *ctx, void *state, const uint8_t *p, size_t n)
{
	struct smb_state *st = state;
	struct smb_half *h = &st->half[ctx->dir != 0];

	if (recasm_feed(ctx, &h->ra, &smb_rec, h, p, n) == REC_BAD)
		proto_malformed(ctx, MAL_SMB_BAD_FRAMING, proto_smb,
		    "unknown session packet type");
}

static void
smb_gap(struct proto_ctx *ctx, void *state)
{
	struct smb_half *h = &((struct smb_state *)state)->half[ctx->dir != 0];

	recasm_lose(ctx, &h->ra);
	/* The bytes of the file kept before the hole are still its start. */
	proto_dicomfile_end(ctx, &h->df);
}

/* A file still being written when the flow ends is checked as it is. */
static void
smb_end(struct proto_ctx *ctx, void *state)
{
	struct smb_state *st = state;

	for (int d = 0; d < 2; d++) {
		ctx->dir = d;
		proto_dicomfile_end(ctx, &st->half[d].df);
		recasm_free(ctx, &st->half[d].ra);
	}
}

/*
 * A session message holding SMB1 or SMB2 (the protocol id is four bytes
 * after the session header), or an NBT session request on port 139.
 */
static bool
smb_probe(const uint8_t *p, size_t n, int dir)
{
	if (n < 8)
		return n >= 1 && (p[0] == 0x00 || (p[0] == 0x81 && dir == 0));
	if (p[0] == 0x81 && dir == 0)
		return true;
	return p[0] == 0x00 && (p[4] == 0xfe || p[4] == 0xff) &&
	    p[5] == 'S' && p[6] == 'M' && p[7] == 'B';
}

/* Without a port hint: the whole session header and protocol id. */
static bool
smb_probe_strict(const uint8_t *p, size_t n, int dir)
{
	return n >= 8 && p[0] == 0x00 && smb_probe(p, n, dir);
}

const struct dissector dissector_smb = {
	.name = "smb",
	.l4proto = IPPROTO_TCP_,
	.ports = { SMB_PORT, NBSS_PORT },
	.probe = smb_probe,
	.state_size = sizeof(struct smb_state),
	.stream = smb_stream,
	.gap = smb_gap,
	.end = smb_end,
};

/* The same dissector found by content alone on other ports. */
const struct dissector dissector_smb_any = {
	.name = "smb",
	.l4proto = IPPROTO_TCP_,
	.probe = smb_probe_strict,
	.probe_any_port = true,
	.state_size = sizeof(struct smb_state),
	.stream = smb_stream,
	.gap = smb_gap,
	.end = smb_end,
};
