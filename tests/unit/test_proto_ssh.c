/*
 * test_proto_ssh.c - the SSH dissector: banners of both sides, lines
 * before a server's banner, KEXINIT with HASSH and HASSHServer, slices
 * of any size, and every malformation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proto_test.h"

/*
 * A real client's first bytes: OpenSSH 9.2p1 (Debian 12) banner and its
 * SSH_MSG_KEXINIT packet, captured on loopback.
 */
static const char client_hex[] =
	"5353482d322e302d4f70656e5353485f392e3270312044656269616e2d322b64"
	"656231327531300d0a0000061408140456f7f76da55e809fb3a4268ca3fb0d00"
	"000148736e747275703736317832353531392d7368613531322c736e74727570"
	"3736317832353531392d736861353132406f70656e7373682e636f6d2c637572"
	"766532353531392d7368613235362c637572766532353531392d736861323536"
	"406c69627373682e6f72672c656364682d736861322d6e697374703235362c65"
	"6364682d736861322d6e697374703338342c656364682d736861322d6e697374"
	"703532312c6469666669652d68656c6c6d616e2d67726f75702d65786368616e"
	"67652d7368613235362c6469666669652d68656c6c6d616e2d67726f75703136"
	"2d7368613531322c6469666669652d68656c6c6d616e2d67726f757031382d73"
	"68613531322c6469666669652d68656c6c6d616e2d67726f757031342d736861"
	"3235362c6578742d696e666f2d632c6b65782d7374726963742d632d76303040"
	"6f70656e7373682e636f6d000001cf7373682d656432353531392d636572742d"
	"763031406f70656e7373682e636f6d2c65636473612d736861322d6e69737470"
	"3235362d636572742d763031406f70656e7373682e636f6d2c65636473612d73"
	"6861322d6e697374703338342d636572742d763031406f70656e7373682e636f"
	"6d2c65636473612d736861322d6e697374703532312d636572742d763031406f"
	"70656e7373682e636f6d2c736b2d7373682d656432353531392d636572742d76"
	"3031406f70656e7373682e636f6d2c736b2d65636473612d736861322d6e6973"
	"74703235362d636572742d763031406f70656e7373682e636f6d2c7273612d73"
	"6861322d3531322d636572742d763031406f70656e7373682e636f6d2c727361"
	"2d736861322d3235362d636572742d763031406f70656e7373682e636f6d2c73"
	"73682d656432353531392c65636473612d736861322d6e697374703235362c65"
	"636473612d736861322d6e697374703338342c65636473612d736861322d6e69"
	"7374703532312c736b2d7373682d65643235353139406f70656e7373682e636f"
	"6d2c736b2d65636473612d736861322d6e69737470323536406f70656e737368"
	"2e636f6d2c7273612d736861322d3531322c7273612d736861322d3235360000"
	"006c63686163686132302d706f6c7931333035406f70656e7373682e636f6d2c"
	"6165733132382d6374722c6165733139322d6374722c6165733235362d637472"
	"2c6165733132382d67636d406f70656e7373682e636f6d2c6165733235362d67"
	"636d406f70656e7373682e636f6d0000006c63686163686132302d706f6c7931"
	"333035406f70656e7373682e636f6d2c6165733132382d6374722c6165733139"
	"322d6374722c6165733235362d6374722c6165733132382d67636d406f70656e"
	"7373682e636f6d2c6165733235362d67636d406f70656e7373682e636f6d0000"
	"00d5756d61632d36342d65746d406f70656e7373682e636f6d2c756d61632d31"
	"32382d65746d406f70656e7373682e636f6d2c686d61632d736861322d323536"
	"2d65746d406f70656e7373682e636f6d2c686d61632d736861322d3531322d65"
	"746d406f70656e7373682e636f6d2c686d61632d736861312d65746d406f7065"
	"6e7373682e636f6d2c756d61632d3634406f70656e7373682e636f6d2c756d61"
	"632d313238406f70656e7373682e636f6d2c686d61632d736861322d3235362c"
	"686d61632d736861322d3531322c686d61632d73686131000000d5756d61632d"
	"36342d65746d406f70656e7373682e636f6d2c756d61632d3132382d65746d40"
	"6f70656e7373682e636f6d2c686d61632d736861322d3235362d65746d406f70"
	"656e7373682e636f6d2c686d61632d736861322d3531322d65746d406f70656e"
	"7373682e636f6d2c686d61632d736861312d65746d406f70656e7373682e636f"
	"6d2c756d61632d3634406f70656e7373682e636f6d2c756d61632d313238406f"
	"70656e7373682e636f6d2c686d61632d736861322d3235362c686d61632d7368"
	"61322d3531322c686d61632d736861310000001a6e6f6e652c7a6c6962406f70"
	"656e7373682e636f6d2c7a6c69620000001a6e6f6e652c7a6c6962406f70656e"
	"7373682e636f6d2c7a6c69620000000000000000000000000000000000000000"
	"00"
	;

/*
 * Its HASSH, computed apart from the dissector with python3 hashlib: the
 * name-lists read from the hex above by a few lines of Python, then
 * md5(";".join([kex, enc_c2s, mac_c2s, cmp_c2s])).
 */
#define CLIENT_HASSH "472b5de333ad665af5cbf10ff892c4df"
#define CLIENT_ENC "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr," \
	"aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com"

/*
 * md5("curve25519-sha256,kex-strict-s-v00@openssh.com;"
 *     "aes256-gcm@openssh.com;hmac-sha1;none"), python3 hashlib.
 */
#define SERVER_HASSH "e238c5bc75ec26bc220af8365a35c62b"

static void
m_hex(struct msg *m, const char *hex)
{
	for (size_t i = 0; hex[i] != '\0' && hex[i + 1] != '\0'; i += 2) {
		unsigned int v;

		assert_int_equal(sscanf(hex + i, "%2x", &v), 1);
		put8(m, v);
	}
}

static void
m_str(struct msg *m, const char *s)
{
	put32(m, (uint32_t)strlen(s));
	putbytes(m, s, strlen(s));
}

/* A binary packet around payload p (RFC 4253 section 6), padding 8+. */
static void
m_packet(struct msg *m, const struct msg *p, unsigned int padlen)
{
	put32(m, (uint32_t)(p->n + padlen + 1));
	put8(m, padlen);
	putbytes(m, p->b, p->n);
	putzero(m, padlen);
}

static void
server_kexinit(struct msg *m)
{
	struct msg p = { .n = 0 };

	put8(&p, 20);
	putzero(&p, 16);
	m_str(&p, "curve25519-sha256,kex-strict-s-v00@openssh.com");
	m_str(&p, "ssh-ed25519");
	m_str(&p, "aes128-ctr");
	m_str(&p, "aes256-gcm@openssh.com");
	m_str(&p, "hmac-sha2-256");
	m_str(&p, "hmac-sha1");
	m_str(&p, "none");
	m_str(&p, "none");
	m_str(&p, "");
	m_str(&p, "");
	put8(&p, 0);
	put32(&p, 0);
	m_packet(m, &p, 8);
}

struct ssh_run {
	struct fixture	 fx;
	void		*st;
};

static void
run_init(struct ssh_run *r)
{
	fixture_init(&r->fx, "10.0.0.5", "10.0.0.22", 50022, 22,
	    IPPROTO_TCP_);
	r->st = calloc(1, dissector_ssh.state_size);
	assert_non_null(r->st);
}

static void
run_free(struct ssh_run *r)
{
	dissector_ssh.end(&r->fx.ctx, r->st);
	free(r->st);
	fixture_free(&r->fx);
}

static void
feed(struct ssh_run *r, int dir, const uint8_t *p, size_t n, size_t step)
{
	r->fx.ctx.dir = dir;
	for (size_t off = 0; off < n; off += step)
		dissector_ssh.stream(&r->fx.ctx, r->st, p + off,
		    n - off < step ? n - off : step);
}

static void
test_client(void **state)
{
	struct msg m = { .n = 0 };
	struct ssh_run r;
	const struct observation *o;
	size_t steps[] = { 4096, 1, 13 };

	(void)state;
	m_hex(&m, client_hex);
	assert_true(dissector_ssh.probe(m.b, m.n, 0));
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		run_init(&r);
		feed(&r, 0, m.b, m.n, steps[i]);
		assert_int_equal(count_kind(&r.fx, OBS_SSH), 2);
		o = nth(&r.fx, OBS_SSH, 0);
		assert_str(o, "msg", "banner");
		assert_str(o, "role", "client");
		assert_str(o, "proto_version", "2.0");
		assert_str(o, "software", "OpenSSH_9.2p1");
		assert_str(o, "comments", "Debian-2+deb12u10");
		assert_str(o, "banner", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10");
		assert_subject_ip(o, "10.0.0.5");
		o = nth(&r.fx, OBS_SSH, 1);
		assert_str(o, "msg", "kexinit");
		assert_str(o, "hassh", CLIENT_HASSH);
		assert_null(obs_get(o, "hassh_server"));
		assert_str(o, "enc_c2s", CLIENT_ENC);
		assert_str(o, "enc_s2c", CLIENT_ENC);
		assert_str(o, "cmp_c2s", "none,zlib@openssh.com,zlib");
		assert_null(obs_get(o, "lang_c2s"));
		assert_false(get_bool(o, "first_kex_follows"));
		assert_non_null(obs_get_str(o, "kex"));
		assert_non_null(obs_get_str(o, "host_key"));
		assert_non_null(obs_get_str(o, "mac_s2c"));
		assert_int_equal(malform_total(&r.fx.mal), 0);
		/* Later (encrypted) bytes are not read. */
		feed(&r, 0, (const uint8_t *)"\xff\xff\xff\xff\x00", 5, 5);
		assert_int_equal(malform_total(&r.fx.mal), 0);
		run_free(&r);
	}
}

/* A server with lines before its banner, a bare LF, no comments. */
static void
test_server(void **state)
{
	static const char pre[] = "Welcome to the PACS archive\r\n"
	    "Authorised users only\r\n"
	    "SSH-1.99-Cisco-1.25\n";
	struct msg m = { .n = 0 };
	struct ssh_run r;
	const struct observation *o;

	(void)state;
	putbytes(&m, pre, sizeof(pre) - 1);
	server_kexinit(&m);
	run_init(&r);
	feed(&r, 1, m.b, m.n, 1);
	assert_int_equal(count_kind(&r.fx, OBS_SSH), 2);
	o = nth(&r.fx, OBS_SSH, 0);
	assert_str(o, "role", "server");
	assert_str(o, "proto_version", "1.99");
	assert_str(o, "software", "Cisco-1.25");
	assert_null(obs_get(o, "comments"));
	o = nth(&r.fx, OBS_SSH, 1);
	assert_str(o, "hassh_server", SERVER_HASSH);
	assert_null(obs_get(o, "hassh"));
	assert_str(o, "host_key", "ssh-ed25519");
	assert_str(o, "enc_s2c", "aes256-gcm@openssh.com");
	assert_int_equal(malform_total(&r.fx.mal), 0);
	run_free(&r);
}

/* An SSH-1 server: the banner only, the rest is not SSH-2 packets. */
static void
test_ssh1(void **state)
{
	static const char b[] = "SSH-1.5-OldDevice_1.0\r\n\x00\x00\x01\x02";
	struct ssh_run r;

	(void)state;
	run_init(&r);
	feed(&r, 1, (const uint8_t *)b, sizeof(b) - 1, sizeof(b) - 1);
	assert_int_equal(count_kind(&r.fx, OBS_SSH), 1);
	assert_str(nth(&r.fx, OBS_SSH, 0), "proto_version", "1.5");
	assert_int_equal(malform_total(&r.fx.mal), 0);
	run_free(&r);
}

/* An SSH_MSG_IGNORE before the KEXINIT is passed over. */
static void
test_ignore_first(void **state)
{
	struct msg m = { .n = 0 }, p = { .n = 0 };
	struct ssh_run r;

	(void)state;
	putbytes(&m, "SSH-2.0-x\r\n", 11);
	put8(&p, 2);
	m_str(&p, "padding");
	m_packet(&m, &p, 4);
	server_kexinit(&m);
	run_init(&r);
	feed(&r, 1, m.b, m.n, 3);
	assert_int_equal(count_kind(&r.fx, OBS_SSH), 2);
	assert_str(nth(&r.fx, OBS_SSH, 1), "hassh_server", SERVER_HASSH);
	run_free(&r);
}

static void
test_probe(void **state)
{
	(void)state;
	assert_true(dissector_ssh.probe((const uint8_t *)"SSH-2.0-x", 9, 1));
	assert_true(dissector_ssh.probe((const uint8_t *)"SS", 2, 0));
	assert_false(dissector_ssh.probe((const uint8_t *)"GET /", 5, 0));
	assert_false(dissector_ssh.probe((const uint8_t *)"", 0, 0));
}

static void
expect_bad(int dir, const struct msg *m, enum malform k, size_t nobs)
{
	size_t steps[] = { 1, 4096 };

	for (size_t i = 0; i < 2; i++) {
		struct ssh_run r;

		run_init(&r);
		feed(&r, dir, m->b, m->n, steps[i]);
		assert_malformed(&r.fx, k, 1);
		assert_int_equal(count_kind(&r.fx, OBS_SSH), nobs);
		run_free(&r);
	}
}

static void
test_malformed(void **state)
{
	struct msg m = { .n = 0 }, p = { .n = 0 };
	char longline[300];

	(void)state;
	/* A client that starts with something else. */
	putbytes(&m, "hello\r\nSSH-2.0-x\r\n", 18);
	expect_bad(0, &m, MAL_SSH_BAD_BANNER, 0);
	/* A banner over 255 bytes. */
	memset(longline, 'a', sizeof(longline));
	memcpy(longline, "SSH-2.0-", 8);
	m.n = 0;
	putbytes(&m, longline, sizeof(longline));
	putbytes(&m, "\r\n", 2);
	expect_bad(1, &m, MAL_SSH_BAD_BANNER, 0);
	/* No protocol version, no software version. */
	m.n = 0;
	putbytes(&m, "SSH-2.0\r\n", 9);
	expect_bad(1, &m, MAL_SSH_BAD_BANNER, 0);
	m.n = 0;
	putbytes(&m, "SSH-2.0- comment\r\n", 18);
	expect_bad(1, &m, MAL_SSH_BAD_BANNER, 0);
	/* Too many lines before a server's banner. */
	m.n = 0;
	for (int i = 0; i < 65; i++)
		putbytes(&m, "x\r\n", 3);
	expect_bad(1, &m, MAL_SSH_BAD_BANNER, 0);

	/* A packet length over 35000, then padding under 4 bytes. */
	m.n = 0;
	putbytes(&m, "SSH-2.0-x\r\n", 11);
	put32(&m, 40000);
	put8(&m, 4);
	expect_bad(0, &m, MAL_SSH_BAD_PACKET, 1);
	m.n = 0;
	putbytes(&m, "SSH-2.0-x\r\n", 11);
	put32(&m, 12);
	put8(&m, 2);
	putzero(&m, 11);
	expect_bad(0, &m, MAL_SSH_BAD_PACKET, 1);
	/* Padding as long as the packet: no payload. */
	m.n = 0;
	putbytes(&m, "SSH-2.0-x\r\n", 11);
	put32(&m, 5);
	put8(&m, 4);
	putzero(&m, 4);
	expect_bad(0, &m, MAL_SSH_BAD_PACKET, 1);

	/* A KEXINIT whose name-list runs past the payload. */
	m.n = 0;
	putbytes(&m, "SSH-2.0-x\r\n", 11);
	put8(&p, 20);
	putzero(&p, 16);
	put32(&p, 1000);
	putbytes(&p, "curve25519-sha256", 17);
	m_packet(&m, &p, 6);
	expect_bad(0, &m, MAL_SSH_BAD_KEXINIT, 1);
}

static void
test_gap(void **state)
{
	struct msg m = { .n = 0 };
	struct ssh_run r;

	(void)state;
	m_hex(&m, client_hex);
	run_init(&r);
	feed(&r, 0, m.b, 60, 60);
	dissector_ssh.gap(&r.fx.ctx, r.st);
	feed(&r, 0, m.b + 60, m.n - 60, 100);
	assert_int_equal(count_kind(&r.fx, OBS_SSH), 1);
	assert_int_equal(malform_total(&r.fx.mal), 0);
	run_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_client),
		cmocka_unit_test(test_server),
		cmocka_unit_test(test_ssh1),
		cmocka_unit_test(test_ignore_first),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_gap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
