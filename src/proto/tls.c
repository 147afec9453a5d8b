/*
 * tls.c - TLS handshakes: ClientHello (JA3, JA4), ServerHello (JA3S) and
 * the server's certificates.
 *
 * Follows RFC 5246 (TLS 1.2: record layer, section 6.2; handshake, 7.4)
 * and RFC 8446 (TLS 1.3: record layer, section 5; handshake, 4), with the
 * extensions of RFC 6066 (server_name), RFC 7301 (ALPN), RFC 8422
 * (supported_groups, ec_point_formats) and RFC 8701 (GREASE). Fingerprints
 * follow Salesforce's JA3/JA3S and FoxIO's JA4 (technical_details/JA4.md).
 *
 *   record:     +------+---------+---------+------------------------+
 *               | type | version | length  | fragment (length bytes)|
 *               |  8   |   16    |   16    | <= 2^14 + 2048         |
 *               +------+---------+---------+------------------------+
 *   handshake:  +------+-------------+----------------------------+
 *   (a stream   | type | length (24) | body                       |
 *   over type   +------+-------------+----------------------------+
 *   22 records)
 *   ClientHello: legacy_version (16), random (32), session_id <0..32>,
 *     cipher_suites <2..2^16-2>, compression_methods <1..2^8-1>,
 *     extensions <0..2^16-1> (each: type (16), length (16), data)
 *
 * Handshake messages are reassembled across records and TCP segments; the
 * three this file reads (ClientHello, ServerHello, Certificate) are held
 * whole up to TLS_MSG_MAX bytes, the others are skipped as they pass. After
 * a ChangeCipherSpec the direction's handshake is encrypted and skipped (in
 * TLS 1.3 everything after the ServerHello is in application_data records
 * anyway). One observation per ClientHello, ServerHello and certificate;
 * see docs/observations.md.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "ward/proto.h"
#include "proto-private.h"

#define TLS_REC_HDR	5
/* RFC 5246 section 6.2.3: a TLSCiphertext fragment is at most 2^14+2048. */
#define TLS_REC_MAX	(16384 + 2048)
/* A handshake message we read is held whole up to this size. */
#define TLS_MSG_MAX	65536
/* Values kept per list (ciphers, extensions...); beyond, no fingerprint. */
#define TLS_LIST_MAX	128
/* Certificates read from one Certificate message. */
#define TLS_CERTS_MAX	10
/* SAN DNS names reported per certificate. */
#define TLS_SAN_MAX	8
/* Longest string field we build (lists, JA3 string, names). */
#define TLS_TEXT_MAX	2048

#define CT_CHANGE_CIPHER_SPEC	20
#define CT_ALERT		21
#define CT_HANDSHAKE		22
#define CT_APPLICATION_DATA	23
#define CT_HEARTBEAT		24

#define HT_CLIENT_HELLO		1
#define HT_SERVER_HELLO		2
#define HT_CERTIFICATE		11

#define EXT_SERVER_NAME		0
#define EXT_SUPPORTED_GROUPS	10
#define EXT_EC_POINT_FORMATS	11
#define EXT_SIGNATURE_ALGS	13
#define EXT_ALPN		16
#define EXT_SUPPORTED_VERSIONS	43

static const char *const tls_name = "tls";

/* Per direction: the record being read and the handshake message in it. */
struct tls_half {
	uint8_t		 rhdr[TLS_REC_HDR];
	uint8_t		 rhave;		/* header bytes so far */
	size_t		 rleft;		/* fragment bytes still to come */
	uint8_t		 hhdr[4];
	uint8_t		 hhave;		/* handshake header bytes so far */
	size_t		 hlen;		/* body length from the header */
	size_t		 hgot;		/* body bytes so far */
	struct pbuf	 buf;		/* the body when split across records */
	bool		 keep;		/* the body is wanted (not skipped) */
	bool		 encrypted;	/* after ChangeCipherSpec */
	bool		 lost;		/* framing lost: ignore the rest */
	unsigned int	 ncerts;	/* certificates reported so far */
};

struct tls_state {
	struct tls_half	 half[2];
};

/* RFC 8701 section 2: 0x0a0a, 0x1a1a ... 0xfafa. */
static bool
tls_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* A bounded text builder: never overflows, remembers that it was cut. */
struct text {
	char	 s[TLS_TEXT_MAX];
	size_t	 n;
	bool	 cut;
};

static void
text_init(struct text *t)
{
	t->s[0] = '\0';
	t->n = 0;
	t->cut = false;
}

static void
text_add(struct text *t, const char *s, size_t len)
{
	if (t->cut || len >= sizeof(t->s) - t->n) {
		t->cut = true;
		return;
	}
	memcpy(t->s + t->n, s, len);
	t->n += len;
	t->s[t->n] = '\0';
}

static void
text_str(struct text *t, const char *s)
{
	text_add(t, s, strlen(s));
}

static void
text_fmt_u(struct text *t, const char *fmt, unsigned int v)
{
	char b[16];
	int n = snprintf(b, sizeof(b), fmt, v);

	if (n > 0 && (size_t)n < sizeof(b))
		text_add(t, b, (size_t)n);
}

/* A list of 16-bit values from the wire. */
struct u16list {
	uint16_t	 v[TLS_LIST_MAX];
	size_t		 n;
	bool		 over;		/* more than TLS_LIST_MAX */
	bool		 present;	/* the extension was there */
};

static void
list_add(struct u16list *l, uint16_t v)
{
	if (l->n == TLS_LIST_MAX) {
		l->over = true;
		return;
	}
	l->v[l->n++] = v;
}

/* The values of l joined by sep, as decimal or 4-digit hex, GREASE out. */
static void
list_text(struct text *t, const struct u16list *l, const char *sep,
    bool hex, bool nogrease)
{
	bool first = true;

	for (size_t i = 0; i < l->n; i++) {
		if (nogrease && tls_grease(l->v[i]))
			continue;
		if (!first)
			text_str(t, sep);
		first = false;
		text_fmt_u(t, hex ? "%04x" : "%u", l->v[i]);
	}
}

static void
hex_text(char *out, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* MD5 (JA3) or SHA-256 (JA4) of s as lowercase hex into out (65 bytes). */
static int
digest_hex(const EVP_MD *md, const char *s, size_t n, char out[65])
{
	uint8_t d[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;

	if (EVP_Digest(s, n, d, &dlen, md, NULL) != 1 || dlen > 32) {
		ERR_clear_error();
		return -1;
	}
	hex_text(out, d, dlen);
	return 0;
}

/* What a ClientHello or ServerHello carries that we report. */
struct hello {
	uint16_t	 version;	/* legacy_version */
	uint16_t	 cipher;	/* ServerHello: the chosen suite */
	uint16_t	 selected;	/* ServerHello: supported_versions */
	struct u16list	 ciphers;
	struct u16list	 exts;
	struct u16list	 groups;
	struct u16list	 sigalgs;
	struct u16list	 versions;
	uint8_t		 pf[32];	/* ec_point_formats */
	size_t		 npf;
	bool		 has_pf;
	bool		 bad_pf;	/* more point formats than pf holds */
	bool		 has_sni;
	struct cursor	 sni;		/* the first host_name */
	bool		 has_alpn;
	struct text	 alpn;		/* protocols joined with ',' */
	struct cursor	 alpn_first;
};

static int
u16_vector(struct cursor *c, size_t lenbytes, struct u16list *l)
{
	struct cursor v;
	uint16_t len16, x;
	uint8_t len8;

	if (lenbytes == 1) {
		if (cur_u8(c, &len8) == -1 || cur_sub(c, len8, &v) == -1)
			return -1;
	} else if (cur_be16(c, &len16) == -1 || cur_sub(c, len16, &v) == -1)
		return -1;
	if (cur_left(&v) % 2 != 0)
		return -1;
	while (cur_be16(&v, &x) == 0)
		list_add(l, x);
	l->present = true;
	return 0;
}

/* One extension's data (RFC 8446 section 4.2); client or server side. */
static int
hello_ext(struct hello *h, uint16_t type, struct cursor d, bool client)
{
	struct cursor list, name;
	uint16_t len16, v;
	uint8_t len8, ntype;

	switch (type) {
	case EXT_SERVER_NAME:
		h->has_sni = true;
		/* RFC 6066 section 3: a ServerHello's is empty. */
		if (!client || cur_left(&d) == 0)
			return 0;
		if (cur_be16(&d, &len16) == -1 ||
		    cur_sub(&d, len16, &list) == -1 || cur_left(&d) != 0)
			return -1;
		while (cur_left(&list) > 0) {
			if (cur_u8(&list, &ntype) == -1 ||
			    cur_be16(&list, &len16) == -1 ||
			    cur_sub(&list, len16, &name) == -1)
				return -1;
			if (ntype == 0 && h->sni.p == NULL)
				h->sni = name;
		}
		return 0;
	case EXT_ALPN:
		/* RFC 7301 section 3.1: a list of non-empty names. */
		h->has_alpn = true;
		if (cur_be16(&d, &len16) == -1 ||
		    cur_sub(&d, len16, &list) == -1 || cur_left(&d) != 0)
			return -1;
		while (cur_left(&list) > 0) {
			if (cur_u8(&list, &len8) == -1 ||
			    cur_sub(&list, len8, &name) == -1)
				return -1;
			if (h->alpn_first.p == NULL)
				h->alpn_first = name;
			if (h->alpn.n > 0)
				text_str(&h->alpn, ",");
			text_add(&h->alpn, (const char *)name.p, name.len);
		}
		return 0;
	case EXT_SUPPORTED_GROUPS:
		return u16_vector(&d, 2, &h->groups) == -1 ||
		    cur_left(&d) != 0 ? -1 : 0;
	case EXT_SIGNATURE_ALGS:
		return u16_vector(&d, 2, &h->sigalgs) == -1 ||
		    cur_left(&d) != 0 ? -1 : 0;
	case EXT_EC_POINT_FORMATS:
		if (cur_u8(&d, &len8) == -1 || cur_sub(&d, len8, &list) == -1 ||
		    cur_left(&d) != 0)
			return -1;
		h->has_pf = true;
		while (cur_u8(&list, &len8) == 0) {
			if (h->npf == sizeof(h->pf)) {
				h->bad_pf = true;
				break;
			}
			h->pf[h->npf++] = len8;
		}
		return 0;
	case EXT_SUPPORTED_VERSIONS:
		if (client)
			return u16_vector(&d, 1, &h->versions) == -1 ||
			    cur_left(&d) != 0 ? -1 : 0;
		/* RFC 8446 section 4.2.1: the server names one version. */
		if (cur_be16(&d, &v) == -1 || cur_left(&d) != 0)
			return -1;
		h->selected = v;
		return 0;
	default:
		return 0;
	}
}

/*
 * The fields both hellos share after the random and session id: the
 * extensions block (optional before TLS 1.3, RFC 5246 section 7.4.1.2).
 */
static int
hello_exts(struct hello *h, struct cursor *c, bool client)
{
	struct cursor exts, d;
	uint16_t len, type;

	if (cur_left(c) == 0)
		return 0;
	if (cur_be16(c, &len) == -1 || cur_sub(c, len, &exts) == -1 ||
	    cur_left(c) != 0)
		return -1;
	while (cur_left(&exts) > 0) {
		if (cur_be16(&exts, &type) == -1 ||
		    cur_be16(&exts, &len) == -1 ||
		    cur_sub(&exts, len, &d) == -1)
			return -1;
		list_add(&h->exts, type);
		if (hello_ext(h, type, d, client) == -1)
			return -1;
	}
	return 0;
}

static int
client_hello_parse(struct hello *h, struct cursor c)
{
	struct cursor sid, suites, comp;
	uint16_t len, v;
	uint8_t len8;

	if (cur_be16(&c, &h->version) == -1 || cur_skip(&c, 32) == -1 ||
	    cur_u8(&c, &len8) == -1 || len8 > 32 ||
	    cur_sub(&c, len8, &sid) == -1 ||
	    cur_be16(&c, &len) == -1 || len % 2 != 0 ||
	    cur_sub(&c, len, &suites) == -1 ||
	    cur_u8(&c, &len8) == -1 || len8 == 0 ||
	    cur_sub(&c, len8, &comp) == -1)
		return -1;
	while (cur_be16(&suites, &v) == 0)
		list_add(&h->ciphers, v);
	return hello_exts(h, &c, true);
}

static int
server_hello_parse(struct hello *h, struct cursor c)
{
	struct cursor sid;
	uint8_t len8, comp;

	if (cur_be16(&c, &h->version) == -1 || cur_skip(&c, 32) == -1 ||
	    cur_u8(&c, &len8) == -1 || len8 > 32 ||
	    cur_sub(&c, len8, &sid) == -1 ||
	    cur_be16(&c, &h->cipher) == -1 || cur_u8(&c, &comp) == -1)
		return -1;
	return hello_exts(h, &c, false);
}

static bool
list_over(const struct hello *h)
{
	return h->ciphers.over || h->exts.over || h->groups.over ||
	    h->sigalgs.over || h->versions.over || h->bad_pf;
}

/*
 * JA3: SSLVersion,Ciphers,Extensions,EllipticCurves,PointFormats, each list
 * in wire order as decimals joined by '-', GREASE values left out.
 */
static void
ja3_text(struct text *t, const struct hello *h)
{
	text_init(t);
	text_fmt_u(t, "%u", h->version);
	text_str(t, ",");
	list_text(t, &h->ciphers, "-", false, true);
	text_str(t, ",");
	list_text(t, &h->exts, "-", false, true);
	text_str(t, ",");
	list_text(t, &h->groups, "-", false, true);
	text_str(t, ",");
	for (size_t i = 0; i < h->npf; i++) {
		if (i > 0)
			text_str(t, "-");
		text_fmt_u(t, "%u", h->pf[i]);
	}
}

static int
u16_cmp(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;

	return (x > y) - (x < y);
}

/* The values of l without GREASE (and without skip1, skip2), sorted. */
static size_t
sorted(const struct u16list *l, uint16_t *out, int skip1, int skip2)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++) {
		if (tls_grease(l->v[i]) || l->v[i] == skip1 ||
		    l->v[i] == skip2)
			continue;
		out[n++] = l->v[i];
	}
	qsort(out, n, sizeof(out[0]), u16_cmp);
	return n;
}

static const char *
ja4_version(uint16_t v)
{
	switch (v) {
	case 0x0304: return "13";
	case 0x0303: return "12";
	case 0x0302: return "11";
	case 0x0301: return "10";
	case 0x0300: return "s3";
	case 0x0002: return "s2";
	case 0xfeff: return "d1";
	case 0xfefd: return "d2";
	case 0xfefc: return "d3";
	default: return "00";
	}
}

static bool
is_alnum(uint8_t ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= 'a' && ch <= 'z');
}

/*
 * JA4 (FoxIO): t, version, d/i, cipher count, extension count, ALPN first
 * and last character, then the truncated SHA-256 of the sorted ciphers and
 * of the sorted extensions (SNI and ALPN left out) with the signature
 * algorithms in wire order. raw gets the same with the lists in clear
 * (JA4_r). Returns -1 if a digest fails.
 */
static int
ja4_make(const struct hello *h, char out[40], struct text *raw)
{
	static const char hex[] = "0123456789abcdef";
	uint16_t tmp[TLS_LIST_MAX];
	struct text t;
	struct u16list l;
	char a[11], bh[65], ch[65], alpn[3] = "00";
	uint16_t ver = h->version;
	size_t nc, ne, nx = 0;
	bool have_ver = false;

	/* The highest supported_versions value, else legacy_version. */
	for (size_t i = 0; i < h->versions.n; i++) {
		uint16_t v = h->versions.v[i];

		if (tls_grease(v) || (have_ver && v <= ver))
			continue;
		ver = v;
		have_ver = true;
	}
	for (size_t i = 0; i < h->exts.n; i++)
		if (!tls_grease(h->exts.v[i]))
			nx++;
	nc = sorted(&h->ciphers, tmp, -1, -1);
	if (h->alpn_first.p != NULL && h->alpn_first.len > 0) {
		uint8_t f = h->alpn_first.p[0];
		uint8_t l2 = h->alpn_first.p[h->alpn_first.len - 1];

		if (is_alnum(f) && is_alnum(l2)) {
			alpn[0] = (char)f;
			alpn[1] = (char)l2;
		} else {
			alpn[0] = hex[f >> 4];
			alpn[1] = hex[l2 & 15];
		}
	}
	(void)snprintf(a, sizeof(a), "t%s%c%02u%02u%s", ja4_version(ver),
	    h->has_sni ? 'd' : 'i', (unsigned int)(nc > 99 ? 99 : nc),
	    (unsigned int)(nx > 99 ? 99 : nx), alpn);

	/* b: sorted ciphers. */
	memset(&l, 0, sizeof(l));
	memcpy(l.v, tmp, nc * sizeof(tmp[0]));
	l.n = nc;
	text_init(&t);
	list_text(&t, &l, ",", true, false);
	text_init(raw);
	text_str(raw, a);
	text_str(raw, "_");
	text_str(raw, t.s);
	if (nc == 0)
		memcpy(bh, "000000000000", 13);
	else if (digest_hex(EVP_sha256(), t.s, t.n, bh) == -1)
		return -1;

	/* c: sorted extensions less SNI and ALPN, then signature algs. */
	ne = sorted(&h->exts, tmp, EXT_SERVER_NAME, EXT_ALPN);
	memcpy(l.v, tmp, ne * sizeof(tmp[0]));
	l.n = ne;
	text_init(&t);
	list_text(&t, &l, ",", true, false);
	if (h->sigalgs.n > 0) {
		text_str(&t, "_");
		list_text(&t, &h->sigalgs, ",", true, true);
	}
	text_str(raw, "_");
	text_str(raw, t.s);
	if (ne == 0)
		memcpy(ch, "000000000000", 13);
	else if (digest_hex(EVP_sha256(), t.s, t.n, ch) == -1)
		return -1;
	if (t.cut || raw->cut)
		return -1;
	(void)snprintf(out, 40, "%s_%.12s_%.12s", a, bh, ch);
	return 0;
}

static void
emit_list(struct observation *o, const char *key, const struct u16list *l)
{
	struct text t;

	if (!l->present && l->n == 0)
		return;
	text_init(&t);
	list_text(&t, l, ",", true, false);
	if (!t.cut)
		(void)obs_str(o, key, t.s, t.n);
}

static void
tls_client_hello(struct proto_ctx *ctx, struct cursor c)
{
	struct hello *h;
	struct observation o;
	struct text *t;
	char md5[65], ja4[40];

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return;
	if ((t = malloc(sizeof(*t))) == NULL)
		goto out;
	text_init(&h->alpn);
	if (client_hello_parse(h, c) == -1) {
		proto_malformed(ctx, MAL_TLS_BAD_HANDSHAKE, tls_name,
		    "ClientHello cut short or with a bad length");
		goto out;
	}
	if (ctx->bus == NULL)
		goto out;
	proto_obs_init(ctx, &o, OBS_TLS);
	proto_subject_sender(ctx, &o);
	(void)obs_cstr(&o, "msg", "client_hello");
	(void)obs_u64(&o, "version", h->version);
	if (h->sni.p != NULL)
		(void)obs_str(&o, "sni", h->sni.p, h->sni.len);
	if (h->has_alpn)
		(void)obs_str(&o, "alpn", h->alpn.s, h->alpn.n);
	if (!list_over(h)) {
		ja3_text(t, h);
		if (!t->cut &&
		    digest_hex(EVP_md5(), t->s, t->n, md5) == 0) {
			(void)obs_cstr(&o, "ja3", md5);
			(void)obs_str(&o, "ja3_string", t->s, t->n);
		}
		if (ja4_make(h, ja4, t) == 0) {
			(void)obs_cstr(&o, "ja4", ja4);
			(void)obs_str(&o, "ja4_r", t->s, t->n);
		}
	}
	emit_list(&o, "supported_versions", &h->versions);
	emit_list(&o, "ciphers", &h->ciphers);
	emit_list(&o, "extensions", &h->exts);
	emit_list(&o, "groups", &h->groups);
	emit_list(&o, "sig_algs", &h->sigalgs);
	if (h->has_pf)
		(void)obs_list(&o, "point_formats", h->pf, h->npf);
	obs_emit(ctx->bus, &o);
out:
	free(t);
	free(h);
}

static void
tls_server_hello(struct proto_ctx *ctx, struct cursor c)
{
	struct hello *h;
	struct observation o;
	struct text *t;
	char md5[65];

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return;
	if ((t = malloc(sizeof(*t))) == NULL)
		goto out;
	text_init(&h->alpn);
	if (server_hello_parse(h, c) == -1) {
		proto_malformed(ctx, MAL_TLS_BAD_HANDSHAKE, tls_name,
		    "ServerHello cut short or with a bad length");
		goto out;
	}
	if (ctx->bus == NULL)
		goto out;
	proto_obs_init(ctx, &o, OBS_TLS);
	proto_subject_sender(ctx, &o);
	(void)obs_cstr(&o, "msg", "server_hello");
	(void)obs_u64(&o, "version", h->version);
	(void)obs_u64(&o, "cipher", h->cipher);
	if (h->selected != 0)
		(void)obs_u64(&o, "selected_version", h->selected);
	if (h->has_alpn)
		(void)obs_str(&o, "alpn", h->alpn.s, h->alpn.n);
	/* JA3S: SSLVersion,Cipher,Extensions (decimal, '-' joined). */
	if (!h->exts.over) {
		text_init(t);
		text_fmt_u(t, "%u,", h->version);
		text_fmt_u(t, "%u,", h->cipher);
		list_text(t, &h->exts, "-", false, true);
		if (!t->cut && digest_hex(EVP_md5(), t->s, t->n, md5) == 0) {
			(void)obs_cstr(&o, "ja3s", md5);
			(void)obs_str(&o, "ja3s_string", t->s, t->n);
		}
	}
	emit_list(&o, "extensions", &h->exts);
	obs_emit(ctx->bus, &o);
out:
	free(t);
	free(h);
}

/* An X509_NAME as a one-line RFC 2253 string into t. */
static int
name_text(const X509_NAME *name, struct text *t)
{
	BIO *b;
	char *p;
	long n;
	int r = -1;

	text_init(t);
	if ((b = BIO_new(BIO_s_mem())) == NULL)
		return -1;
	if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) >= 0 &&
	    (n = BIO_get_mem_data(b, &p)) >= 0) {
		text_add(t, p, (size_t)n);
		r = 0;
	}
	BIO_free(b);
	return r;
}

/* ASN1_TIME as 2024-01-31T12:00:00Z. */
static int
time_text(const ASN1_TIME *at, char out[32])
{
	struct tm tm;

	if (at == NULL || ASN1_TIME_to_tm(at, &tm) != 1 ||
	    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return -1;
	return 0;
}

static const char *
key_type(const EVP_PKEY *k)
{
	switch (EVP_PKEY_get_base_id(k)) {
	case EVP_PKEY_RSA: return "rsa";
	case EVP_PKEY_RSA_PSS: return "rsa-pss";
	case EVP_PKEY_EC: return "ec";
	case EVP_PKEY_DSA: return "dsa";
	case EVP_PKEY_DH: return "dh";
	case EVP_PKEY_ED25519: return "ed25519";
	case EVP_PKEY_ED448: return "ed448";
	default: return "other";
	}
}

/* One DER certificate (RFC 5280) from a Certificate message. */
static void
tls_cert(struct proto_ctx *ctx, struct cursor der, unsigned int index)
{
	const uint8_t *p = der.p;
	X509 *x;
	EVP_PKEY *key;
	GENERAL_NAMES *san;
	const ASN1_INTEGER *serial;
	BIGNUM *bn;
	struct observation o;
	struct text *t;
	char when[32], *hx;
	uint8_t fp[EVP_MAX_MD_SIZE];
	char fphex[2 * 32 + 1];
	unsigned int fplen = 0;
	bool self;

	/* d2i_X509 reads at most der.len bytes: the message bounds it. */
	x = d2i_X509(NULL, &p, (long)der.len);
	if (x == NULL || p != der.p + der.len) {
		ERR_clear_error();
		X509_free(x);
		proto_malformed(ctx, MAL_TLS_BAD_CERTIFICATE, tls_name,
		    "certificate is not one DER X.509 structure");
		return;
	}
	if (ctx->bus == NULL || (t = malloc(sizeof(*t))) == NULL) {
		X509_free(x);
		return;
	}
	proto_obs_init(ctx, &o, OBS_TLS);
	proto_subject_sender(ctx, &o);
	(void)obs_cstr(&o, "msg", "certificate");
	(void)obs_u64(&o, "index", index);
	if (name_text(X509_get_subject_name(x), t) == 0 && !t->cut)
		(void)obs_str(&o, "subject", t->s, t->n);
	if (name_text(X509_get_issuer_name(x), t) == 0 && !t->cut)
		(void)obs_str(&o, "issuer", t->s, t->n);
	serial = X509_get0_serialNumber(x);
	if (serial != NULL && (bn = ASN1_INTEGER_to_BN(serial, NULL)) != NULL) {
		if ((hx = BN_bn2hex(bn)) != NULL) {
			for (char *q = hx; *q != '\0'; q++)
				if (*q >= 'A' && *q <= 'F')
					*q = (char)(*q - 'A' + 'a');
			(void)obs_cstr(&o, "serial", hx);
			OPENSSL_free(hx);
		}
		BN_free(bn);
	}
	if (time_text(X509_get0_notBefore(x), when) == 0)
		(void)obs_cstr(&o, "not_before", when);
	if (time_text(X509_get0_notAfter(x), when) == 0)
		(void)obs_cstr(&o, "not_after", when);
	key = X509_get0_pubkey(x);
	/* Self-signed: issued by its own name and signed by its own key. */
	self = X509_NAME_cmp(X509_get_subject_name(x),
	    X509_get_issuer_name(x)) == 0 && key != NULL &&
	    X509_verify(x, key) == 1;
	(void)obs_bool(&o, "self_signed", self);
	if (key != NULL) {
		(void)obs_cstr(&o, "key_type", key_type(key));
		(void)obs_u64(&o, "key_bits", (uint64_t)EVP_PKEY_get_bits(key));
	}
	san = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	if (san != NULL) {
		int nsan = sk_GENERAL_NAME_num(san), kept = 0;

		text_init(t);
		for (int i = 0; i < nsan && kept < TLS_SAN_MAX; i++) {
			const GENERAL_NAME *gn = sk_GENERAL_NAME_value(san, i);
			int type;
			const ASN1_IA5STRING *dns = GENERAL_NAME_get0_value(gn,
			    &type);

			if (type != GEN_DNS || dns == NULL)
				continue;
			if (kept++ > 0)
				text_str(t, ",");
			text_add(t, (const char *)ASN1_STRING_get0_data(dns),
			    (size_t)ASN1_STRING_length(dns));
		}
		if (kept > 0 && !t->cut)
			(void)obs_str(&o, "san_dns", t->s, t->n);
		GENERAL_NAMES_free(san);
	}
	if (EVP_Digest(der.p, der.len, fp, &fplen, EVP_sha256(), NULL) == 1 &&
	    fplen == 32) {
		hex_text(fphex, fp, fplen);
		(void)obs_cstr(&o, "sha256", fphex);
	}
	ERR_clear_error();
	obs_emit(ctx->bus, &o);
	free(t);
	X509_free(x);
}

/*
 * Certificate (RFC 5246 section 7.4.2): certificate_list <0..2^24-1> of
 * ASN.1Cert <1..2^24-1>. The TLS 1.3 form (RFC 8446 section 4.4.2) is
 * always encrypted, so never seen here.
 */
static void
tls_certificate(struct proto_ctx *ctx, struct tls_half *h, struct cursor c)
{
	struct cursor list, der;
	uint32_t len;

	if (cur_be24(&c, &len) == -1 || cur_sub(&c, len, &list) == -1 ||
	    cur_left(&c) != 0) {
		proto_malformed(ctx, MAL_TLS_BAD_HANDSHAKE, tls_name,
		    "Certificate list length does not match the message");
		return;
	}
	while (cur_left(&list) > 0) {
		if (cur_be24(&list, &len) == -1 || len == 0 ||
		    cur_sub(&list, len, &der) == -1) {
			proto_malformed(ctx, MAL_TLS_BAD_HANDSHAKE, tls_name,
			    "certificate runs past its list");
			return;
		}
		if (h->ncerts >= TLS_CERTS_MAX)
			continue;
		tls_cert(ctx, der, h->ncerts++);
	}
}

static void
tls_message(struct proto_ctx *ctx, struct tls_half *h, uint8_t type,
    struct cursor body)
{
	switch (type) {
	case HT_CLIENT_HELLO:
		tls_client_hello(ctx, body);
		break;
	case HT_SERVER_HELLO:
		tls_server_hello(ctx, body);
		break;
	case HT_CERTIFICATE:
		tls_certificate(ctx, h, body);
		break;
	default:
		break;
	}
}

/* RFC 8446 section 4 and RFC 5246 section 7.4: the known types. */
static bool
hs_type_known(uint8_t t)
{
	return t <= 24 || t == 254;
}

static bool
hs_type_wanted(uint8_t t)
{
	return t == HT_CLIENT_HELLO || t == HT_SERVER_HELLO ||
	    t == HT_CERTIFICATE;
}

static void
half_reset_hs(struct proto_ctx *ctx, struct tls_half *h)
{
	pbuf_clear(ctx, &h->buf);
	h->keep = false;
	h->hhave = 0;
	h->hlen = h->hgot = 0;
}

static void
half_lose(struct proto_ctx *ctx, struct tls_half *h)
{
	half_reset_hs(ctx, h);
	h->lost = true;
}

static void
hs_complete(struct proto_ctx *ctx, struct tls_half *h)
{
	uint8_t type = h->hhdr[0];

	if (h->keep)
		tls_message(ctx, h, type, cur_make(h->buf.p, h->buf.len));
	half_reset_hs(ctx, h);
}

/* Handshake bytes from one plaintext record fragment. */
static void
hs_feed(struct proto_ctx *ctx, struct tls_half *h, struct cursor c)
{
	size_t take;

	while (cur_left(&c) > 0 && !h->lost) {
		if (h->hhave < 4) {
			if (cur_u8(&c, &h->hhdr[h->hhave]) == -1)
				return;
			if (++h->hhave < 4)
				continue;
			h->hlen = (size_t)h->hhdr[1] << 16 |
			    (size_t)h->hhdr[2] << 8 | h->hhdr[3];
			h->hgot = 0;
			if (!hs_type_known(h->hhdr[0])) {
				proto_malformed(ctx, MAL_TLS_BAD_HANDSHAKE,
				    tls_name, "unknown handshake message type");
				half_lose(ctx, h);
				return;
			}
			if (hs_type_wanted(h->hhdr[0])) {
				if (h->hlen > TLS_MSG_MAX)
					proto_malformed(ctx,
					    MAL_TLS_MESSAGE_TOO_LONG, tls_name,
					    "handshake message over 64 KiB");
				else
					h->keep = true;
			}
			/* Whole in this fragment: read in place. */
			if (h->keep && h->hlen > 0 && cur_left(&c) >= h->hlen) {
				tls_message(ctx, h, h->hhdr[0],
				    cur_make(c.p, h->hlen));
				if (cur_skip(&c, h->hlen) == -1)
					return;
				half_reset_hs(ctx, h);
				continue;
			}
			if (h->hlen == 0)
				hs_complete(ctx, h);
			continue;
		}
		take = h->hlen - h->hgot;
		if (take > cur_left(&c))
			take = cur_left(&c);
		if (h->keep && pbuf_append(ctx, &h->buf, c.p, take,
		    h->hlen) != take)
			h->keep = false;	/* refused by the flow budget */
		if (cur_skip(&c, take) == -1)
			return;
		h->hgot += take;
		if (h->hgot == h->hlen)
			hs_complete(ctx, h);
	}
}

/* A piece of the current record's fragment (type in rhdr[0]). */
static void
record_feed(struct proto_ctx *ctx, struct tls_half *h, struct cursor c)
{
	switch (h->rhdr[0]) {
	case CT_HANDSHAKE:
		if (!h->encrypted)
			hs_feed(ctx, h, c);
		break;
	case CT_CHANGE_CIPHER_SPEC:
		/* What follows in this direction is encrypted. */
		h->encrypted = true;
		/* FALLTHROUGH */
	default:
		/* RFC 8446 section 5.1: no interleaving with a message. */
		if (h->hhave > 0) {
			proto_malformed(ctx, MAL_TLS_BAD_HANDSHAKE, tls_name,
			    "handshake message interrupted by another record");
			half_reset_hs(ctx, h);
		}
		break;
	}
}

static bool
record_header_ok(const uint8_t *r)
{
	size_t len = (size_t)r[3] << 8 | r[4];

	return r[0] >= CT_CHANGE_CIPHER_SPEC && r[0] <= CT_HEARTBEAT &&
	    r[1] == 3 && r[2] <= 4 && len <= TLS_REC_MAX;
}

static void
tls_stream(struct proto_ctx *ctx, void *state, const uint8_t *p, size_t n)
{
	struct tls_state *st = state;
	struct tls_half *h = &st->half[ctx->dir != 0];
	struct cursor c = cur_make(p, n), frag;
	size_t take;

	while (cur_left(&c) > 0 && !h->lost) {
		if (h->rhave < TLS_REC_HDR) {
			if (cur_u8(&c, &h->rhdr[h->rhave]) == -1)
				return;
			if (++h->rhave < TLS_REC_HDR)
				continue;
			if (!record_header_ok(h->rhdr)) {
				proto_malformed(ctx, MAL_TLS_BAD_RECORD,
				    tls_name, "bad record type, version or "
				    "length");
				half_lose(ctx, h);
				return;
			}
			h->rleft = (size_t)h->rhdr[3] << 8 | h->rhdr[4];
			/* RFC 5246 section 6.2.1: no empty handshake. */
			if (h->rleft == 0 && h->rhdr[0] == CT_HANDSHAKE &&
			    !h->encrypted)
				proto_malformed(ctx, MAL_TLS_BAD_RECORD,
				    tls_name, "empty handshake record");
			if (h->rleft == 0) {
				record_feed(ctx, h, cur_make(NULL, 0));
				h->rhave = 0;
			}
			continue;
		}
		take = h->rleft < cur_left(&c) ? h->rleft : cur_left(&c);
		if (cur_sub(&c, take, &frag) == -1)
			return;
		record_feed(ctx, h, frag);
		h->rleft -= take;
		if (h->rleft == 0)
			h->rhave = 0;
	}
}

static void
tls_gap(struct proto_ctx *ctx, void *state)
{
	struct tls_state *st = state;

	half_lose(ctx, &st->half[ctx->dir != 0]);
}

static void
tls_end(struct proto_ctx *ctx, void *state)
{
	struct tls_state *st = state;

	for (int i = 0; i < 2; i++) {
		half_reset_hs(ctx, &st->half[i]);
		pbuf_free(ctx, &st->half[i].buf);
	}
}

/*
 * A handshake record header whose first message is a ClientHello or a
 * ServerHello (SSL 2.0 compatible hellos are not recognised).
 */
static bool
tls_probe(const uint8_t *p, size_t n, int dir)
{
	struct cursor c = cur_make(p, n);
	uint16_t len;
	uint8_t type, major, minor, ht;

	(void)dir;
	if (cur_u8(&c, &type) == -1 || type != CT_HANDSHAKE ||
	    cur_u8(&c, &major) == -1 || major != 3 ||
	    cur_u8(&c, &minor) == -1 || minor > 4)
		return false;
	if (cur_be16(&c, &len) == -1)
		return n >= 3;
	if (len < 4 || len > TLS_REC_MAX)
		return false;
	if (cur_u8(&c, &ht) == -1)
		return true;
	return ht == HT_CLIENT_HELLO || ht == HT_SERVER_HELLO;
}

const struct dissector dissector_tls = {
	.name = "tls",
	.l4proto = IPPROTO_TCP_,
	/* HTTPS, alt HTTPS, DICOM TLS, syslog TLS, MQTT TLS, SIP TLS,
	 * LDAPS, IMAPS. */
	.ports = { 443, 8443, 2762, 6514, 8883, 5061, 636, 993 },
	.probe = tls_probe,
	.probe_any_port = true,
	.state_size = sizeof(struct tls_state),
	.stream = tls_stream,
	.gap = tls_gap,
	.end = tls_end,
};
