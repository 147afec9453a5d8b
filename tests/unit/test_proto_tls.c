/*
 * test_proto_tls.c - the TLS dissector: hellos with JA3/JA3S/JA4, GREASE,
 * certificates made at test time, reassembly across records and 1-byte
 * slices, TLS 1.3, and every malformation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "proto_test.h"

/*
 * A real ClientHello: curl 7.88.1 (OpenSSL 3.0.19) to
 * https://pacs.ward.test:44301/, captured on loopback. The expected values
 * come from tests/tools/tls_fingerprint.py (a separate Python JA3/JA4
 * implementation that reproduces the published JA4 example values):
 *   tests/tools/tls_fingerprint.py hello <the hex below>
 */
static const char curl_hello_hex[] =
	"1603010200010001fc030368d53376f39c5c371dba3edccde7b2f7f50d802c5b"
	"ab040eb38bd55432bbe95720b98f8159d168e5e9d9507b51c58e9e12b2d5a676"
	"50b02fd178d7b35ec43c8278003e130213031301c02cc030009fcca9cca8ccaa"
	"c02bc02f009ec024c028006bc023c0270067c00ac0140039c009c0130033009d"
	"009c003d003c0035002f00ff0100017500000013001100000e706163732e7761"
	"72642e74657374000b000403000102000a00160014001d0017001e0019001801"
	"0001010102010301040010000e000c02683208687474702f312e310016000000"
	"17000000310000000d002a0028040305030603080708080809080a080b080408"
	"050806040105010601030303010302040205020602002b000908030403030302"
	"0301002d00020101003300260024001d0020a769730bfab49cd7611541139bb5"
	"0f0176e654b5232b12e8b19bf4e56ad8ae5b001500af00000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000"
	;

#define CURL_JA3_STRING "771,4866-4867-4865-49196-49200-159-52393-52392-" \
	"52394-49195-49199-158-49188-49192-107-49187-49191-103-49162-49172-" \
	"57-49161-49171-51-157-156-61-60-53-47-255,0-11-10-16-22-23-49-13-43-" \
	"45-51-21,29-23-30-25-24-256-257-258-259-260,0-1-2"
#define CURL_JA3 "0149f47eabf9a20d0893e2a44e5a6323"
#define CURL_JA4 "t13d3112h2_e8f1e7e78f70_b26ce05bbdd6"

/*
 * A ClientHello with GREASE everywhere (RFC 8701): a GREASE cipher, two
 * GREASE extensions, a GREASE group and a GREASE supported version; its
 * ALPN is the two bytes 0xab 0xcd (JA4 then takes hex digits: "ad"). Made
 * by a few lines of Python with struct.pack; values from the same
 * reference script.
 */
static const char grease_hello_hex[] =
	"16030100820100007e0303000102030405060708090a0b0c0d0e0f1011121314"
	"15161718191a1b1c1d1e1f0000080a0a13011302c02b0100004d1a1a00000000"
	"000e000c000009686c372e6c6f63616c000a000800062a2a001d0017000b0002"
	"0100000d0008000604030804040100100005000302abcd002b0007063a3a0304"
	"0303fafa000100"
	;

#define GREASE_JA3_STRING "771,4865-4866-49195,0-10-11-13-16-43,29-23,0"
#define GREASE_JA3 "11138d9933242c3a03b6aad35a296476"
#define GREASE_JA4 "t13d0306ad_5559582ccdc4_0d385148b956"
#define GREASE_JA4_R "t13d0306ad_1301,1302,c02b_000a,000b,000d,002b_" \
	"0403,0804,0401"

/* A growing byte buffer (certificate chains outgrow struct msg). */
struct buf {
	uint8_t	 b[32768];
	size_t	 n;
};

static void
b_put(struct buf *b, const void *p, size_t n)
{
	assert_true(n <= sizeof(b->b) - b->n);
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void
b_u8(struct buf *b, unsigned int v)
{
	uint8_t x = (uint8_t)v;

	b_put(b, &x, 1);
}

static void
b_u16(struct buf *b, unsigned int v)
{
	b_u8(b, v >> 8);
	b_u8(b, v & 0xff);
}

static void
b_u24(struct buf *b, size_t v)
{
	b_u8(b, (unsigned int)(v >> 16) & 0xff);
	b_u16(b, (unsigned int)v & 0xffff);
}

static void
b_hex(struct buf *b, const char *hex)
{
	for (size_t i = 0; hex[i] != '\0' && hex[i + 1] != '\0'; i += 2) {
		unsigned int v;

		assert_int_equal(sscanf(hex + i, "%2x", &v), 1);
		b_u8(b, v);
	}
}

/* Wraps handshake bytes hs in records of at most per bytes each. */
static void
b_records(struct buf *out, uint8_t type, const uint8_t *p, size_t n,
    size_t per)
{
	for (size_t off = 0; off < n; off += per) {
		size_t k = n - off < per ? n - off : per;

		b_u8(out, type);
		b_u16(out, 0x0303);
		b_u16(out, (unsigned int)k);
		b_put(out, p + off, k);
	}
}

struct tls_run {
	struct fixture	 fx;
	void		*st;
};

static void
run_init(struct tls_run *r)
{
	fixture_init(&r->fx, "10.0.0.5", "10.0.0.9", 50000, 443,
	    IPPROTO_TCP_);
	r->st = calloc(1, dissector_tls.state_size);
	assert_non_null(r->st);
}

static void
run_free(struct tls_run *r)
{
	dissector_tls.end(&r->fx.ctx, r->st);
	free(r->st);
	fixture_free(&r->fx);
}

/* Feeds n bytes in direction dir in pieces of step bytes. */
static void
feed(struct tls_run *r, int dir, const uint8_t *p, size_t n, size_t step)
{
	r->fx.ctx.dir = dir;
	for (size_t off = 0; off < n; off += step)
		dissector_tls.stream(&r->fx.ctx, r->st, p + off,
		    n - off < step ? n - off : step);
}

static void
check_curl_hello(const struct observation *o)
{
	assert_non_null(o);
	assert_str(o, "msg", "client_hello");
	assert_int_equal(get_u64(o, "version"), 0x0303);
	assert_str(o, "sni", "pacs.ward.test");
	assert_str(o, "alpn", "h2,http/1.1");
	assert_str(o, "ja3_string", CURL_JA3_STRING);
	assert_str(o, "ja3", CURL_JA3);
	assert_str(o, "ja4", CURL_JA4);
	assert_str(o, "supported_versions", "0304,0303,0302,0301");
	assert_str(o, "groups", "001d,0017,001e,0019,0018,0100,0101,0102,"
	    "0103,0104");
	assert_list(o, "point_formats", "0,1,2");
	assert_subject_ip(o, "10.0.0.5");
}

static void
test_curl_hello(void **state)
{
	struct tls_run r;
	struct buf b = { .n = 0 };
	size_t steps[] = { 65536, 1, 7 };

	(void)state;
	b_hex(&b, curl_hello_hex);
	assert_true(dissector_tls.probe(b.b, b.n, 0));
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		run_init(&r);
		feed(&r, 0, b.b, b.n, steps[i]);
		assert_int_equal(count_kind(&r.fx, OBS_TLS), 1);
		check_curl_hello(nth(&r.fx, OBS_TLS, 0));
		assert_malformed(&r.fx, MAL_TLS_BAD_RECORD, 0);
		run_free(&r);
	}
}

/* The same hello in three records: the handshake message spans them. */
static void
test_hello_across_records(void **state)
{
	struct tls_run r;
	struct buf b = { .n = 0 }, rec = { .n = 0 };

	(void)state;
	b_hex(&b, curl_hello_hex);
	b_records(&rec, 22, b.b + 5, b.n - 5, 200);
	run_init(&r);
	feed(&r, 0, rec.b, rec.n, 3);
	assert_int_equal(count_kind(&r.fx, OBS_TLS), 1);
	check_curl_hello(nth(&r.fx, OBS_TLS, 0));
	run_free(&r);
}

static void
test_grease(void **state)
{
	struct tls_run r;
	struct buf b = { .n = 0 };
	const struct observation *o;

	(void)state;
	b_hex(&b, grease_hello_hex);
	run_init(&r);
	feed(&r, 0, b.b, b.n, b.n);
	o = nth(&r.fx, OBS_TLS, 0);
	assert_non_null(o);
	assert_str(o, "sni", "hl7.local");
	assert_str(o, "ja3_string", GREASE_JA3_STRING);
	assert_str(o, "ja3", GREASE_JA3);
	assert_str(o, "ja4", GREASE_JA4);
	assert_str(o, "ja4_r", GREASE_JA4_R);
	/* The lists as sent keep the GREASE values. */
	assert_str(o, "ciphers", "0a0a,1301,1302,c02b");
	assert_str(o, "supported_versions", "3a3a,0304,0303");
	assert_str(o, "alpn", "\\xab\\xcd");
	assert_malformed(&r.fx, MAL_TLS_BAD_HANDSHAKE, 0);
	run_free(&r);
}

/* A ServerHello: version, random, session id, suite, compression, exts. */
static void
server_hello(struct buf *hs, uint16_t suite, bool tls13, bool alpn)
{
	struct buf body = { .n = 0 }, ext = { .n = 0 };

	b_u16(&body, 0x0303);
	for (int i = 0; i < 32; i++)
		b_u8(&body, (unsigned int)i);
	b_u8(&body, 0);
	b_u16(&body, suite);
	b_u8(&body, 0);
	if (tls13) {
		b_u16(&ext, 43);	/* supported_versions */
		b_u16(&ext, 2);
		b_u16(&ext, 0x0304);
		b_u16(&ext, 51);	/* key_share, x25519, 32 bytes */
		b_u16(&ext, 36);
		b_u16(&ext, 29);
		b_u16(&ext, 32);
		for (int i = 0; i < 32; i++)
			b_u8(&ext, 0x55);
	} else {
		b_u16(&ext, 0xff01);	/* renegotiation_info */
		b_u16(&ext, 1);
		b_u8(&ext, 0);
		if (alpn) {
			b_u16(&ext, 16);
			b_u16(&ext, 5);
			b_u16(&ext, 3);
			b_u8(&ext, 2);
			b_put(&ext, "h2", 2);
		}
		b_u16(&ext, 11);	/* ec_point_formats */
		b_u16(&ext, 2);
		b_u8(&ext, 1);
		b_u8(&ext, 0);
	}
	b_u16(&body, (unsigned int)ext.n);
	b_put(&body, ext.b, ext.n);
	b_u8(hs, 2);
	b_u24(hs, body.n);
	b_put(hs, body.b, body.n);
}

/*
 * JA3S of the TLS 1.2 ServerHello: md5("771,49199,65281-16-11") =
 * 2de81c22ea32a57162df5cb08d4a2795 (python3 hashlib); of the TLS 1.3 one:
 * md5("771,4865,43-51") = f4febc55ea12b31ae17cfb7e614afda8.
 */
static void
test_server_hello(void **state)
{
	struct tls_run r;
	struct buf hs = { .n = 0 }, rec = { .n = 0 };
	const struct observation *o;

	(void)state;
	server_hello(&hs, 0xc02f, false, true);
	b_records(&rec, 22, hs.b, hs.n, hs.n);
	assert_true(dissector_tls.probe(rec.b, rec.n, 1));
	run_init(&r);
	feed(&r, 1, rec.b, rec.n, 1);
	o = nth(&r.fx, OBS_TLS, 0);
	assert_non_null(o);
	assert_str(o, "msg", "server_hello");
	assert_int_equal(get_u64(o, "version"), 0x0303);
	assert_int_equal(get_u64(o, "cipher"), 0xc02f);
	assert_null(obs_get(o, "selected_version"));
	assert_str(o, "alpn", "h2");
	assert_str(o, "ja3s_string", "771,49199,65281-16-11");
	assert_str(o, "ja3s", "2de81c22ea32a57162df5cb08d4a2795");
	run_free(&r);
}

/*
 * TLS 1.3: the curl hello, then a ServerHello selecting 1.3, a
 * ChangeCipherSpec and encrypted records (type 23, and a type 22 record
 * after the CCS that must be skipped, not parsed).
 */
static void
test_tls13(void **state)
{
	struct tls_run r;
	struct buf b = { .n = 0 }, hs = { .n = 0 }, rec = { .n = 0 };
	uint8_t junk[300];
	const struct observation *o;

	(void)state;
	memset(junk, 0xee, sizeof(junk));
	b_hex(&b, curl_hello_hex);
	server_hello(&hs, 0x1301, true, false);
	b_records(&rec, 22, hs.b, hs.n, hs.n);
	b_records(&rec, 20, (const uint8_t *)"\x01", 1, 1);
	b_records(&rec, 23, junk, sizeof(junk), sizeof(junk));
	b_records(&rec, 22, junk, 40, 40);
	run_init(&r);
	feed(&r, 0, b.b, b.n, b.n);
	feed(&r, 1, rec.b, rec.n, 5);
	/* The client's CCS and encrypted Finished. */
	rec.n = 0;
	b_records(&rec, 20, (const uint8_t *)"\x01", 1, 1);
	b_records(&rec, 23, junk, 53, 53);
	feed(&r, 0, rec.b, rec.n, rec.n);
	assert_int_equal(count_kind(&r.fx, OBS_TLS), 2);
	o = nth(&r.fx, OBS_TLS, 1);
	assert_str(o, "msg", "server_hello");
	assert_int_equal(get_u64(o, "selected_version"), 0x0304);
	assert_int_equal(get_u64(o, "cipher"), 0x1301);
	assert_str(o, "ja3s", "f4febc55ea12b31ae17cfb7e614afda8");
	assert_malformed(&r.fx, MAL_TLS_BAD_HANDSHAKE, 0);
	run_free(&r);
}

/* Certificates made at test time (nothing secret is committed). */
static EVP_PKEY *
key_ec(void)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");

	assert_non_null(k);
	return k;
}

static X509 *
make_cert(const char *cn, const char *issuer_cn, EVP_PKEY *key,
    EVP_PKEY *signer, long serial, const char *san)
{
	X509 *x = X509_new();
	X509_NAME *n;
	X509V3_CTX v3;
	X509_EXTENSION *ext;

	assert_non_null(x);
	assert_int_equal(X509_set_version(x, 2), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), serial), 1);
	assert_int_equal(ASN1_TIME_set_string(X509_getm_notBefore(x),
	    "20240101000000Z"), 1);
	assert_int_equal(ASN1_TIME_set_string(X509_getm_notAfter(x),
	    "20340101120000Z"), 1);
	assert_int_equal(X509_set_pubkey(x, key), 1);
	n = X509_get_subject_name(x);
	assert_int_equal(X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
	    (const unsigned char *)"Ward Test", -1, -1, 0), 1);
	assert_int_equal(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0), 1);
	n = X509_get_issuer_name(x);
	assert_int_equal(X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
	    (const unsigned char *)"Ward Test", -1, -1, 0), 1);
	assert_int_equal(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)issuer_cn, -1, -1, 0), 1);
	if (san != NULL) {
		X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
		ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, san);
		assert_non_null(ext);
		assert_int_equal(X509_add_ext(x, ext, -1), 1);
		X509_EXTENSION_free(ext);
	}
	assert_true(X509_sign(x, signer, EVP_sha256()) > 0);
	return x;
}

static void
b_cert(struct buf *b, X509 *x)
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);

	assert_true(n > 0);
	b_u24(b, (size_t)n);
	b_put(b, der, (size_t)n);
	OPENSSL_free(der);
}

/* A Certificate handshake message of the given certificates. */
static void
certificate_msg(struct buf *hs, X509 **certs, size_t n)
{
	struct buf list = { .n = 0 };

	for (size_t i = 0; i < n; i++)
		b_cert(&list, certs[i]);
	b_u8(hs, 11);
	b_u24(hs, list.n + 3);
	b_u24(hs, list.n);
	b_put(hs, list.b, list.n);
}

/*
 * A chain (leaf with an RSA key, signed by an EC CA) in a Certificate
 * message split over records of 100 bytes, fed in 1-byte slices after a
 * ServerHello; then the CA alone, self-signed.
 */
static void
test_certificate_chain(void **state)
{
	struct tls_run r;
	struct buf hs = { .n = 0 }, rec = { .n = 0 };
	EVP_PKEY *ca_key = key_ec(), *leaf_key = EVP_RSA_gen(2048);
	X509 *certs[2];
	const struct observation *o;

	(void)state;
	assert_non_null(leaf_key);
	certs[1] = make_cert("Ward Test CA", "Ward Test CA", ca_key, ca_key,
	    1, NULL);
	certs[0] = make_cert("pacs.ward.test", "Ward Test CA", leaf_key,
	    ca_key, 0x1234abcd, "DNS:pacs.ward.test,IP:10.0.0.9,"
	    "DNS:dicom.ward.test");
	server_hello(&hs, 0xc02f, false, false);
	certificate_msg(&hs, certs, 2);
	b_records(&rec, 22, hs.b, hs.n, 100);
	run_init(&r);
	feed(&r, 1, rec.b, rec.n, 1);
	assert_int_equal(count_kind(&r.fx, OBS_TLS), 3);
	assert_malformed(&r.fx, MAL_TLS_BAD_CERTIFICATE, 0);

	o = nth(&r.fx, OBS_TLS, 1);
	assert_str(o, "msg", "certificate");
	assert_int_equal(get_u64(o, "index"), 0);
	assert_str(o, "subject", "CN=pacs.ward.test,O=Ward Test");
	assert_str(o, "issuer", "CN=Ward Test CA,O=Ward Test");
	assert_str(o, "serial", "1234abcd");
	assert_str(o, "not_before", "2024-01-01T00:00:00Z");
	assert_str(o, "not_after", "2034-01-01T12:00:00Z");
	assert_false(get_bool(o, "self_signed"));
	assert_str(o, "key_type", "rsa");
	assert_int_equal(get_u64(o, "key_bits"), 2048);
	assert_str(o, "san_dns", "pacs.ward.test,dicom.ward.test");
	assert_non_null(obs_get_str(o, "sha256"));
	assert_int_equal(strlen(obs_get_str(o, "sha256")), 64);

	o = nth(&r.fx, OBS_TLS, 2);
	assert_int_equal(get_u64(o, "index"), 1);
	assert_str(o, "subject", "CN=Ward Test CA,O=Ward Test");
	assert_true(get_bool(o, "self_signed"));
	assert_str(o, "key_type", "ec");
	assert_int_equal(get_u64(o, "key_bits"), 256);
	assert_null(obs_get(o, "san_dns"));
	run_free(&r);
	X509_free(certs[0]);
	X509_free(certs[1]);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(leaf_key);
}

/*
 * Self-signed means both: subject == issuer and a signature that its own
 * key verifies. A certificate that names itself as issuer but is signed
 * by another key is not.
 */
static void
test_self_signed(void **state)
{
	struct tls_run r;
	struct buf hs = { .n = 0 }, rec = { .n = 0 };
	EVP_PKEY *k1 = key_ec(), *k2 = key_ec();
	X509 *certs[2];

	(void)state;
	certs[0] = make_cert("infusion-07", "infusion-07", k1, k1, 7,
	    "DNS:infusion-07");
	certs[1] = make_cert("impostor", "impostor", k1, k2, 8, NULL);
	certificate_msg(&hs, certs, 2);
	b_records(&rec, 22, hs.b, hs.n, hs.n);
	run_init(&r);
	feed(&r, 1, rec.b, rec.n, rec.n);
	assert_int_equal(count_kind(&r.fx, OBS_TLS), 2);
	assert_true(get_bool(nth(&r.fx, OBS_TLS, 0), "self_signed"));
	assert_str(nth(&r.fx, OBS_TLS, 0), "san_dns", "infusion-07");
	assert_false(get_bool(nth(&r.fx, OBS_TLS, 1), "self_signed"));
	run_free(&r);
	X509_free(certs[0]);
	X509_free(certs[1]);
	EVP_PKEY_free(k1);
	EVP_PKEY_free(k2);
}

static void
test_probe(void **state)
{
	static const uint8_t ok[] = { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01 };
	static const uint8_t http[] = "GET / HTTP/1.1\r\n";
	static const uint8_t ccs[] = { 0x14, 0x03, 0x03, 0x00, 0x01, 0x01 };
	static const uint8_t fin[] = { 0x16, 0x03, 0x03, 0x00, 0x40, 0x14 };
	static const uint8_t big[] = { 0x16, 0x03, 0x03, 0xff, 0xff, 0x01 };

	(void)state;
	assert_true(dissector_tls.probe(ok, sizeof(ok), 0));
	assert_true(dissector_tls.probe(ok, 3, 0));
	assert_false(dissector_tls.probe(http, sizeof(http) - 1, 0));
	assert_false(dissector_tls.probe(ccs, sizeof(ccs), 0));
	assert_false(dissector_tls.probe(fin, sizeof(fin), 0));
	assert_false(dissector_tls.probe(big, sizeof(big), 0));
	assert_false(dissector_tls.probe(ok, 0, 0));
}

/* Feeds bytes to a fresh state and checks the one malformation. */
static void
expect_malformed(const uint8_t *p, size_t n, enum malform k, size_t nobs)
{
	struct tls_run r;

	run_init(&r);
	feed(&r, 0, p, n, 1);
	assert_malformed(&r.fx, k, 1);
	assert_int_equal(count_kind(&r.fx, OBS_TLS), nobs);
	run_free(&r);
	/* Whole, too. */
	run_init(&r);
	feed(&r, 0, p, n, n);
	assert_malformed(&r.fx, k, 1);
	run_free(&r);
}

static void
test_malformed(void **state)
{
	struct buf b = { .n = 0 }, hs = { .n = 0 }, rec = { .n = 0 };
	uint8_t garbage[64];
	size_t cut;

	(void)state;
	/* A record type that does not exist (RFC 5246 section 6.2.1). */
	b_hex(&b, "630303000401000000");
	expect_malformed(b.b, b.n, MAL_TLS_BAD_RECORD, 0);
	/* A record longer than 2^14 + 2048. */
	b.n = 0;
	b_hex(&b, "1603034801");
	expect_malformed(b.b, b.n, MAL_TLS_BAD_RECORD, 0);
	/* An empty handshake record. */
	b.n = 0;
	b_hex(&b, "1603030000");
	expect_malformed(b.b, b.n, MAL_TLS_BAD_RECORD, 0);

	/* The curl hello with its cipher list length one byte too long. */
	b.n = 0;
	b_hex(&b, curl_hello_hex);
	/* record 5, hs header 4, version 2, random 32, sid len + sid. */
	cut = 5 + 4 + 2 + 32;
	cut += 1 + b.b[cut];
	b.b[cut + 1]++;
	expect_malformed(b.b, b.n, MAL_TLS_BAD_HANDSHAKE, 0);
	/* A ClientHello body cut short (header and record agree). */
	b.n = 0;
	b_hex(&b, "16030300080100000403030000");
	expect_malformed(b.b, b.n, MAL_TLS_BAD_HANDSHAKE, 0);
	/* An unknown handshake type. */
	b.n = 0;
	b_hex(&b, "1603030004c8000000");
	expect_malformed(b.b, b.n, MAL_TLS_BAD_HANDSHAKE, 0);
	/* A handshake message cut by an application data record. */
	b.n = 0;
	b_hex(&b, "16030300020100" "1703030001ff");
	expect_malformed(b.b, b.n, MAL_TLS_BAD_HANDSHAKE, 0);

	/* A Certificate message over 64 KiB: skipped, counted once. */
	hs.n = 0;
	b_u8(&hs, 11);
	b_u24(&hs, 70000);
	b_u24(&hs, 69997);
	{
		static uint8_t body[70004];
		struct tls_run r;
		struct buf *one = calloc(1, sizeof(*one));

		assert_non_null(one);
		memset(body, 0, sizeof(body));
		memcpy(body, hs.b, hs.n);
		run_init(&r);
		for (size_t off = 0; off < sizeof(body); off += 16000) {
			size_t k = sizeof(body) - off < 16000 ?
			    sizeof(body) - off : 16000;

			one->n = 0;
			b_records(one, 22, body + off, k, k);
			feed(&r, 1, one->b, one->n, 1000);
		}
		/* A ServerHello after it is read normally. */
		one->n = 0;
		hs.n = 0;
		server_hello(&hs, 0xc02f, false, false);
		b_records(one, 22, hs.b, hs.n, hs.n);
		feed(&r, 1, one->b, one->n, one->n);
		assert_malformed(&r.fx, MAL_TLS_MESSAGE_TOO_LONG, 1);
		assert_int_equal(count_kind(&r.fx, OBS_TLS), 1);
		run_free(&r);
		free(one);
	}

	/* A certificate that is not DER. */
	memset(garbage, 0x30, sizeof(garbage));
	hs.n = 0;
	b_u8(&hs, 11);
	b_u24(&hs, 3 + 3 + sizeof(garbage));
	b_u24(&hs, 3 + sizeof(garbage));
	b_u24(&hs, sizeof(garbage));
	b_put(&hs, garbage, sizeof(garbage));
	rec.n = 0;
	b_records(&rec, 22, hs.b, hs.n, hs.n);
	expect_malformed(rec.b, rec.n, MAL_TLS_BAD_CERTIFICATE, 0);
	/* A certificate list whose entry runs past it. */
	hs.n = 0;
	b_u8(&hs, 11);
	b_u24(&hs, 3 + 3 + 4);
	b_u24(&hs, 3 + 4);
	b_u24(&hs, 9);
	b_put(&hs, garbage, 4);
	rec.n = 0;
	b_records(&rec, 22, hs.b, hs.n, hs.n);
	expect_malformed(rec.b, rec.n, MAL_TLS_BAD_HANDSHAKE, 0);
}

/* A gap loses the direction; the other one goes on. */
static void
test_gap(void **state)
{
	struct tls_run r;
	struct buf b = { .n = 0 }, hs = { .n = 0 }, rec = { .n = 0 };

	(void)state;
	b_hex(&b, curl_hello_hex);
	run_init(&r);
	feed(&r, 0, b.b, 100, 100);
	dissector_tls.gap(&r.fx.ctx, r.st);
	feed(&r, 0, b.b + 200, b.n - 200, 50);
	server_hello(&hs, 0xc02f, false, false);
	b_records(&rec, 22, hs.b, hs.n, hs.n);
	feed(&r, 1, rec.b, rec.n, rec.n);
	assert_int_equal(count_kind(&r.fx, OBS_TLS), 1);
	assert_malformed(&r.fx, MAL_TLS_BAD_RECORD, 0);
	run_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_curl_hello),
		cmocka_unit_test(test_hello_across_records),
		cmocka_unit_test(test_grease),
		cmocka_unit_test(test_server_hello),
		cmocka_unit_test(test_tls13),
		cmocka_unit_test(test_certificate_chain),
		cmocka_unit_test(test_self_signed),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_gap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
