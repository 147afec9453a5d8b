/*
 * test_proto_banner.c - Telnet, FTP, SMTP, MySQL and PostgreSQL greetings
 * and cleartext logins, each conversation sent whole and byte by byte;
 * passwords never appear in an observation; every malformation.
 */
#include "stream_test.h"

static void
test_telnet(void **state)
{
	static const uint8_t srv1[] = { 0xff, 0xfd, 0x18, 0xff, 0xfd, 0x20,
		0xff, 0xfa, 0x18, 0x01, 0xff, 0xf0, 0xff, 0xfb, 0x01 };
	static const char srv2[] = "\r\nDebian GNU/Linux 12\r\npacs login: ";
	const struct observation *o;

	(void)state;
	for (size_t step = 0; step <= 1; step++) {
		struct sess s;

		sess_init(&s, &dissector_telnet, 23);
		sess_send(&s, 1, srv1, sizeof(srv1), step);
		sess_send(&s, 0, "\xff\xfc\x18", 3, step);
		sess_send(&s, 1, srv2, sizeof(srv2) - 1, step);
		/* Character mode, echoed, with a backspace. */
		sess_send(&s, 0, "roox\x7ft\r\0", 8, 1);
		sess_send(&s, 1, "root\r\nPassword: ", 16, step);
		sess_send(&s, 0, "Secr3tPw\r\n", 10, 1);
		sess_send(&s, 1, "\r\nLast login: never\r\n$ ", 23, step);
		o = nth(&s.fx, OBS_BANNER, 0);
		assert_non_null(o);
		assert_str(o, "protocol", "telnet");
		assert_str(o, "banner",
		    "Debian GNU/Linux 12\\x0d\\x0apacs login:");
		assert_subject_ip(o, SERVER_IP);
		o = nth(&s.fx, OBS_CREDENTIAL, 0);
		assert_non_null(o);
		assert_str(o, "protocol", "telnet");
		assert_str(o, "user", "root");
		assert_true(get_bool(o, "password"));
		assert_subject_ip(o, CLIENT_IP);
		assert_int_equal(count_kind(&s.fx, OBS_BANNER), 1);
		assert_int_equal(count_kind(&s.fx, OBS_CREDENTIAL), 1);
		assert_secret_absent(&s.fx, "Secr3t");
		assert_int_equal(malform_total(&s.fx.mal), 0);
		sess_free(&s);
	}
}

static void
test_telnet_bad_sb(void **state)
{
	struct sess s;
	uint8_t sb[300];

	(void)state;
	memset(sb, 'x', sizeof(sb));
	sb[0] = 0xff;
	sb[1] = 0xfa;
	sess_init(&s, &dissector_telnet, 23);
	sess_send(&s, 1, sb, sizeof(sb), 0);
	assert_malformed(&s.fx, MAL_TELNET_BAD_OPTION, 1);
	sess_free(&s);
}

static void
test_ftp(void **state)
{
	const struct observation *o;

	(void)state;
	for (size_t step = 0; step <= 1; step++) {
		struct sess s;

		sess_init(&s, &dissector_ftp, 21);
		sess_send(&s, 1, "220-Welcome\r\n220 (vsFTPd 3.0.3)\r\n", 33,
		    step);
		sess_send(&s, 0, "USER radiology\r\n", 16, step);
		sess_send(&s, 1, "331 Please specify the password.\r\n", 34,
		    step);
		sess_send(&s, 0, "PASS hunter2\r\n", 14, step);
		sess_send(&s, 1, "230 Login successful.\r\n", 23, step);
		sess_send(&s, 0, "EPSV\r\n", 6, step);
		sess_send(&s, 1, "229 Entering Extended Passive Mode "
		    "(|||40123|)\r\n", 48, step);
		sess_send(&s, 0, "PASV\r\nPORT 10,0,0,5,156,64\r\n"
		    "EPRT |1|10.0.0.5|40000|\r\nSTOR ct.dcm\r\n", 59, step);
		sess_send(&s, 1, "227 Entering Passive Mode "
		    "(10,0,0,9,156,65).\r\n", 46, step);
		o = nth(&s.fx, OBS_BANNER, 0);
		assert_non_null(o);
		assert_str(o, "protocol", "ftp");
		assert_str(o, "banner", "Welcome");
		assert_int_equal(get_u64(o, "code"), 220);
		o = nth(&s.fx, OBS_CREDENTIAL, 0);
		assert_non_null(o);
		assert_str(o, "user", "radiology");
		assert_true(get_bool(o, "password"));
		assert_secret_absent(&s.fx, "hunter2");
		assert_int_equal(malform_total(&s.fx.mal), 0);
		sess_free(&s);
	}
}

/*
 * The data connections an FTP control connection announces (RFC 959 3.2,
 * RFC 2428): passive ones from the client to the server's port, active
 * ones from the server to the client's.
 */
static void
test_ftp_expect(void **state)
{
	static const struct {
		const char *from, *to;
		uint16_t port;
	} want[] = {
		{ CLIENT_IP, SERVER_IP, 40123 },	/* 229 */
		{ SERVER_IP, CLIENT_IP, 40000 },	/* PORT, EPRT */
		{ CLIENT_IP, "10.0.0.7", 40001 },	/* 227 */
	};
	struct expect e;
	struct flow f;
	struct sess s;

	(void)state;
	sess_init(&s, &dissector_ftp, 21);
	s.fx.ctx.expect = expect_table_new();
	assert_non_null(s.fx.ctx.expect);
	sess_str(&s, 1, "220 (vsFTPd 3.0.3)\r\n");
	sess_str(&s, 0, "EPSV\r\n");
	sess_str(&s, 1, "229 Entering Extended Passive Mode (|||40123|)\r\n");
	sess_str(&s, 0, "PORT 10,0,0,5,156,64\r\nEPRT |1|10.0.0.5|40000|\r\n");
	sess_str(&s, 0, "PASV\r\n");
	sess_str(&s, 1, "227 Entering Passive Mode (10,0,0,7,156,65).\r\n");
	assert_int_equal(malform_total(&s.fx.mal), 0);
	/* EPRT repeats PORT's pattern: one expectation for both. */
	assert_int_equal(expect_table_stats(s.fx.ctx.expect)->added, 4);
	assert_int_equal(expect_table_stats(s.fx.ctx.expect)->active, 3);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		memset(&f, 0, sizeof(f));
		f.proto = IPPROTO_TCP_;
		assert_int_equal(addr_parse(want[i].from, &f.side[0].addr), 0);
		f.side[0].port = 20;
		assert_int_equal(addr_parse(want[i].to, &f.side[1].addr), 0);
		f.side[1].port = want[i].port;
		assert_int_equal(expect_take(s.fx.ctx.expect, &f, s.fx.ctx.ts,
		    &e), 0);
		assert_ptr_equal(e.d, &dissector_ftp_data);
		assert_int_equal(e.ctxlen, 3);
		assert_memory_equal(e.ctx, "ftp", 3);
		/* Awaited for a minute. */
		assert_true(e.deadline == s.fx.ctx.ts + 60 * 1000000ULL);
	}
	expect_table_free(s.fx.ctx.expect);
	sess_free(&s);
}

/*
 * After STARTTLS's 220 (RFC 3207) or AUTH TLS's 234 (RFC 4217) the stream
 * is TLS, even when its first bytes share a segment with the reply: they
 * are not read as lines (a 5 KiB "line" would count as malformed).
 */
static void
test_tls_follows(void **state)
{
	static const struct {
		const struct dissector	*d;
		uint16_t		 port;
		const char		*cmd;
		const char		*reply;
	} c[] = {
		{ &dissector_smtp, 25, "STARTTLS\r\n", "220 2.0.0 Ready\r\n" },
		{ &dissector_ftp, 21, "AUTH TLS\r\n", "234 Proceed.\r\n" },
	};
	static uint8_t tls[5120];

	(void)state;
	memset(tls, 0x16, sizeof(tls));
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct sess s;
		uint8_t seg[6000];
		size_t rl = strlen(c[i].reply);

		sess_init(&s, c[i].d, c[i].port);
		sess_str(&s, 1, "220 mail ESMTP\r\n");
		sess_str(&s, 0, c[i].cmd);
		memcpy(seg, c[i].reply, rl);
		memcpy(seg + rl, tls, sizeof(tls));
		sess_send(&s, 1, seg, rl + sizeof(tls), 0);
		sess_send(&s, 0, tls, sizeof(tls), 0);
		assert_int_equal(malform_total(&s.fx.mal), 0);
		sess_free(&s);
	}
}

static void
test_ftp_bad(void **state)
{
	static const struct {
		int dir;
		const char *in;
		enum malform k;
	} c[] = {
		{ 1, "220 hi\r\nnot a reply\r\n", MAL_FTP_BAD_LINE },
		{ 0, "US3R x\r\n", MAL_FTP_BAD_LINE },
		{ 0, "PORT 1,2,3\r\n", MAL_FTP_BAD_ADDRESS },
		{ 0, "PORT 1,2,3,4,5,666\r\n", MAL_FTP_BAD_ADDRESS },
		{ 1, "220 hi\r\n227 nothing\r\n", MAL_FTP_BAD_ADDRESS },
		{ 1, "220 hi\r\n229 (|||x|)\r\n", MAL_FTP_BAD_ADDRESS },
		{ 0, "EPRT |1|1.2.3.4|99999|\r\n", MAL_FTP_BAD_ADDRESS },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct sess s;

		sess_init(&s, &dissector_ftp, 21);
		sess_str(&s, c[i].dir, c[i].in);
		assert_malformed(&s.fx, c[i].k, 1);
		sess_free(&s);
	}
}

static void
test_smtp(void **state)
{
	const struct observation *o;

	(void)state;
	for (size_t step = 0; step <= 1; step++) {
		struct sess s;

		sess_init(&s, &dissector_smtp, 587);
		sess_send(&s, 1, "220 mail.hospital ESMTP Postfix\r\n", 33,
		    step);
		sess_send(&s, 0, "EHLO modality7\r\n", 16, step);
		sess_send(&s, 1, "250-mail.hospital\r\n250 AUTH PLAIN LOGIN\r\n",
		    41, step);
		/* \0nurse\0Pa55word */
		sess_send(&s, 0, "AUTH PLAIN AG51cnNlAFBhNTV3b3Jk\r\n", 33,
		    step);
		sess_send(&s, 1, "235 ok\r\n", 8, step);
		sess_send(&s, 0, "MAIL FROM:<a@b>\r\nDATA\r\n", 23, step);
		sess_send(&s, 1, "354 go\r\n", 8, step);
		sess_send(&s, 0, "AUTH PLAIN !!!\r\n.\r\n", 19, step);
		sess_send(&s, 0, "AUTH LOGIN\r\n", 12, step);
		sess_send(&s, 1, "334 VXNlcm5hbWU6\r\n", 18, step);
		sess_send(&s, 0, "ZG9j\r\n", 6, step);
		sess_send(&s, 1, "334 UGFzc3dvcmQ6\r\n", 18, step);
		sess_send(&s, 0, "c2VjcmV0MQ==\r\n", 14, step);
		o = nth(&s.fx, OBS_BANNER, 0);
		assert_str(o, "banner", "mail.hospital ESMTP Postfix");
		assert_str(o, "role", "server");
		o = nth(&s.fx, OBS_BANNER, 1);
		assert_str(o, "helo", "modality7");
		assert_str(o, "role", "client");
		assert_subject_ip(o, CLIENT_IP);
		assert_int_equal(count_kind(&s.fx, OBS_CREDENTIAL), 2);
		o = nth(&s.fx, OBS_CREDENTIAL, 0);
		assert_str(o, "scheme", "plain");
		assert_str(o, "user", "nurse");
		assert_true(get_bool(o, "password"));
		o = nth(&s.fx, OBS_CREDENTIAL, 1);
		assert_str(o, "scheme", "login");
		assert_str(o, "user", "doc");
		assert_secret_absent(&s.fx, "Pa55");
		assert_secret_absent(&s.fx, "secret1");
		assert_int_equal(malform_total(&s.fx.mal), 0);
		sess_free(&s);
	}
}

static void
test_smtp_bad(void **state)
{
	struct sess s;

	(void)state;
	sess_init(&s, &dissector_smtp, 25);
	sess_str(&s, 1, "220 x\r\nhello\r\n");
	assert_malformed(&s.fx, MAL_SMTP_BAD_LINE, 1);
	sess_free(&s);
	sess_init(&s, &dissector_smtp, 25);
	sess_str(&s, 0, "AUTH PLAIN bm9udWxz\r\n");
	assert_malformed(&s.fx, MAL_SMTP_BAD_AUTH, 1);
	sess_free(&s);
	sess_init(&s, &dissector_smtp, 25);
	sess_str(&s, 0, "M@IL x\r\n");
	assert_malformed(&s.fx, MAL_SMTP_BAD_LINE, 1);
	sess_free(&s);
}

/* Protocol::HandshakeV10 as MariaDB 10.11 sends it. */
static void
mysql_greeting(struct msg *m)
{
	static const char ver[] = "5.5.5-10.11.6-MariaDB-0+deb12u1";
	struct msg p;

	memset(&p, 0, sizeof(p));
	put8(&p, 10);
	putbytes(&p, ver, sizeof(ver));
	put_le32(&p, 31);
	putbytes(&p, "abcdefgh", 8);
	put8(&p, 0);
	put_le16(&p, 0xf7fe);
	put8(&p, 45);
	put_le16(&p, 2);
	put_le16(&p, 0x81bf);	/* with CLIENT_PLUGIN_AUTH, SECURE_CONN */
	put8(&p, 21);
	putzero(&p, 10);
	putbytes(&p, "ijklmnopqrst", 13);
	putbytes(&p, "mysql_native_password", 22);
	put_le16(m, p.n & 0xffff);
	put8(m, 0);
	put8(m, 0);
	putbytes(m, p.b, p.n);
}

static void
mysql_login(struct msg *m)
{
	struct msg p;

	memset(&p, 0, sizeof(p));
	put_le32(&p, 0x000a8a0d);	/* PROTOCOL_41, SECURE, DB, PLUGIN */
	put_le32(&p, 1 << 24);
	put8(&p, 45);
	putzero(&p, 23);
	putbytes(&p, "pacsadmin", 10);
	put8(&p, 20);
	putbytes(&p, "01234567890123456789", 20);
	putbytes(&p, "pacsdb", 7);
	putbytes(&p, "mysql_native_password", 22);
	put_le16(m, p.n & 0xffff);
	put8(m, 0);
	put8(m, 1);
	putbytes(m, p.b, p.n);
}

static void
test_mysql(void **state)
{
	struct msg g, r;
	const struct observation *o;

	(void)state;
	memset(&g, 0, sizeof(g));
	memset(&r, 0, sizeof(r));
	mysql_greeting(&g);
	mysql_login(&r);
	assert_true(dissector_mysql.probe(g.b, g.n, 1));
	assert_false(dissector_mysql.probe(r.b, r.n, 0));
	for (size_t step = 0; step <= 1; step++) {
		struct sess s;

		sess_init(&s, &dissector_mysql, 3306);
		sess_send(&s, 1, g.b, g.n, step);
		sess_send(&s, 0, r.b, r.n, step);
		o = nth(&s.fx, OBS_BANNER, 0);
		assert_non_null(o);
		assert_str(o, "protocol", "mysql");
		assert_str(o, "version", "5.5.5-10.11.6-MariaDB-0+deb12u1");
		assert_int_equal(get_u64(o, "connection_id"), 31);
		assert_str(o, "auth_plugin", "mysql_native_password");
		o = nth(&s.fx, OBS_CREDENTIAL, 0);
		assert_non_null(o);
		assert_str(o, "user", "pacsadmin");
		assert_str(o, "target", "pacsdb");
		assert_str(o, "scheme", "mysql_native_password");
		assert_false(get_bool(o, "password"));
		assert_int_equal(malform_total(&s.fx.mal), 0);
		sess_free(&s);
	}
}

static void
test_mysql_bad(void **state)
{
	struct sess s;

	(void)state;
	sess_init(&s, &dissector_mysql, 3306);
	sess_send(&s, 1, "\x05\0\0\0\x0a" "abcd", 9, 0);
	assert_malformed(&s.fx, MAL_MYSQL_BAD_PACKET, 1);
	sess_free(&s);
	sess_init(&s, &dissector_mysql, 3306);
	sess_send(&s, 1, "\xff\xff\xff\0\x0a", 5, 0);
	assert_malformed(&s.fx, MAL_MYSQL_BAD_PACKET, 1);
	sess_free(&s);
}

static void
pg_msg(struct msg *m, uint8_t type, const void *body, size_t n)
{
	if (type != 0)
		put8(m, type);
	put32(m, (uint32_t)(n + 4));
	putbytes(m, body, n);
}

static void
test_pgsql(void **state)
{
	static const char startup[] = "\x00\x03\x00\x00user\0clinician\0"
	    "database\0emr\0application_name\0psql\0";
	struct msg c1, c2, s1;
	const struct observation *o;

	(void)state;
	memset(&c1, 0, sizeof(c1));
	memset(&c2, 0, sizeof(c2));
	memset(&s1, 0, sizeof(s1));
	pg_msg(&c1, 0, "\x04\xd2\x16\x2f", 4);		/* SSLRequest */
	pg_msg(&c2, 0, startup, sizeof(startup));
	pg_msg(&s1, 'R', "\0\0\0\x03", 4);
	assert_true(dissector_pgsql.probe(c1.b, c1.n, 0));
	assert_true(dissector_pgsql.probe(c2.b, c2.n, 0));
	for (size_t step = 0; step <= 1; step++) {
		struct sess s;
		struct msg c3, s2;

		memset(&c3, 0, sizeof(c3));
		memset(&s2, 0, sizeof(s2));
		pg_msg(&c3, 'p', "Tr0ub4dor\0", 10);
		pg_msg(&s2, 'R', "\0\0\0\0", 4);
		pg_msg(&s2, 'S', "server_version\0" "15.5 (Debian 15.5-0+deb12u1)",
		    44);
		pg_msg(&s2, 'Z', "I", 1);
		sess_init(&s, &dissector_pgsql, 5432);
		sess_send(&s, 0, c1.b, c1.n, step);
		sess_send(&s, 1, "N", 1, step);
		sess_send(&s, 0, c2.b, c2.n, step);
		sess_send(&s, 1, s1.b, s1.n, step);
		sess_send(&s, 0, c3.b, c3.n, step);
		sess_send(&s, 1, s2.b, s2.n, step);
		o = nth(&s.fx, OBS_BANNER, 0);
		assert_str(o, "role", "client");
		assert_str(o, "user", "clinician");
		assert_str(o, "database", "emr");
		assert_str(o, "application_name", "psql");
		assert_true(get_bool(o, "ssl_refused"));
		o = nth(&s.fx, OBS_CREDENTIAL, 0);
		assert_str(o, "scheme", "cleartext");
		assert_str(o, "user", "clinician");
		assert_true(get_bool(o, "password"));
		assert_subject_ip(o, CLIENT_IP);
		o = nth(&s.fx, OBS_BANNER, 1);
		assert_non_null(o);
		assert_str(o, "role", "server");
		assert_str(o, "version", "15.5 (Debian 15.5-0+deb12u1)");
		assert_subject_ip(o, SERVER_IP);
		assert_int_equal(count_kind(&s.fx, OBS_CREDENTIAL), 1);
		assert_secret_absent(&s.fx, "Tr0ub");
		assert_int_equal(malform_total(&s.fx.mal), 0);
		sess_free(&s);
	}
}

/*
 * Refused logins: FTP 530 after PASS, Telnet "Login incorrect" after a
 * password, PostgreSQL ErrorResponse of SQLSTATE class 28; an accepted
 * login and a "failed" in the message of the day give nothing.
 */
static void
test_login_failed(void **state)
{
	static const char pgstart[] = "\x00\x03\x00\x00user\0admin\0"
	    "database\0emr\0";
	static const char pgerr[] = "SFATAL\0VFATAL\0C28P01\0Mpassword "
	    "authentication failed for user \"admin\"\0\0";
	const struct observation *o;

	(void)state;
	for (size_t step = 0; step <= 1; step++) {
		struct sess s;
		struct msg c1, s1, c2, s2;

		sess_init(&s, &dissector_ftp, 21);
		sess_send(&s, 1, "220 (vsFTPd 3.0.3)\r\n", 20, step);
		sess_send(&s, 0, "USER admin\r\n", 12, step);
		sess_send(&s, 1, "331 Please specify the password.\r\n", 34,
		    step);
		sess_send(&s, 0, "PASS guess1\r\n", 13, step);
		sess_send(&s, 1, "530 Login incorrect.\r\n", 22, step);
		sess_send(&s, 0, "PASS guess2\r\n", 13, step);
		sess_send(&s, 1, "230 Login successful.\r\n", 23, step);
		sess_send(&s, 1, "530 Please login with USER and PASS.\r\n",
		    38, step);
		o = nth(&s.fx, OBS_BANNER, 1);
		assert_non_null(o);
		assert_str(o, "protocol", "ftp");
		assert_str(o, "login", "failed");
		assert_int_equal(get_u64(o, "code"), 530);
		assert_str(o, "user", "admin");
		assert_subject_ip(o, SERVER_IP);
		assert_int_equal(count_kind(&s.fx, OBS_BANNER), 2);
		assert_int_equal(count_kind(&s.fx, OBS_CREDENTIAL), 2);
		assert_secret_absent(&s.fx, "guess");
		sess_free(&s);

		sess_init(&s, &dissector_telnet, 23);
		sess_send(&s, 1, "pacs login: ", 12, step);
		sess_send(&s, 0, "root\r\n", 6, 1);
		sess_send(&s, 1, "Password: ", 10, step);
		sess_send(&s, 0, "wrong\r\n", 7, 1);
		sess_send(&s, 1, "\r\nLogin incorrect\r\npacs login: ", 32,
		    step);
		sess_send(&s, 0, "root\r\n", 6, 1);
		sess_send(&s, 1, "Password: ", 10, step);
		sess_send(&s, 0, "right\r\n", 7, 1);
		sess_send(&s, 1, "Last failed login: never\r\n$ ", 29,
		    step);
		o = nth(&s.fx, OBS_BANNER, 1);
		assert_non_null(o);
		assert_str(o, "protocol", "telnet");
		assert_str(o, "login", "failed");
		assert_str(o, "user", "root");
		assert_int_equal(count_kind(&s.fx, OBS_BANNER), 2);
		assert_int_equal(count_kind(&s.fx, OBS_CREDENTIAL), 2);
		sess_free(&s);

		memset(&c1, 0, sizeof(c1));
		memset(&s1, 0, sizeof(s1));
		memset(&c2, 0, sizeof(c2));
		memset(&s2, 0, sizeof(s2));
		pg_msg(&c1, 0, pgstart, sizeof(pgstart));
		pg_msg(&s1, 'R', "\0\0\0\x03", 4);
		pg_msg(&c2, 'p', "guess\0", 6);
		pg_msg(&s2, 'E', pgerr, sizeof(pgerr) - 1);
		sess_init(&s, &dissector_pgsql, 5432);
		sess_send(&s, 0, c1.b, c1.n, step);
		sess_send(&s, 1, s1.b, s1.n, step);
		sess_send(&s, 0, c2.b, c2.n, step);
		sess_send(&s, 1, s2.b, s2.n, step);
		o = nth(&s.fx, OBS_BANNER, 1);
		assert_non_null(o);
		assert_str(o, "protocol", "postgresql");
		assert_str(o, "login", "failed");
		assert_str(o, "user", "admin");
		assert_subject_ip(o, SERVER_IP);
		assert_int_equal(malform_total(&s.fx.mal), 0);
		sess_free(&s);
	}
}

static void
test_pgsql_bad(void **state)
{
	struct sess s;

	(void)state;
	sess_init(&s, &dissector_pgsql, 5432);
	sess_send(&s, 0, "\0\0\0\x02", 4, 0);
	assert_malformed(&s.fx, MAL_PGSQL_BAD_MESSAGE, 1);
	sess_free(&s);
	sess_init(&s, &dissector_pgsql, 5432);
	sess_send(&s, 0, "\0\0\0\x0c\0\x03\0\0user", 12, 0);
	assert_malformed(&s.fx, MAL_PGSQL_BAD_MESSAGE, 1);
	sess_free(&s);
	sess_init(&s, &dissector_pgsql, 5432);
	sess_send(&s, 1, "R\0\0\0\x05x", 6, 0);
	assert_malformed(&s.fx, MAL_PGSQL_BAD_MESSAGE, 1);
	sess_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_telnet),
		cmocka_unit_test(test_telnet_bad_sb),
		cmocka_unit_test(test_ftp),
		cmocka_unit_test(test_ftp_bad),
		cmocka_unit_test(test_ftp_expect),
		cmocka_unit_test(test_login_failed),
		cmocka_unit_test(test_smtp),
		cmocka_unit_test(test_smtp_bad),
		cmocka_unit_test(test_tls_follows),
		cmocka_unit_test(test_mysql),
		cmocka_unit_test(test_mysql_bad),
		cmocka_unit_test(test_pgsql),
		cmocka_unit_test(test_pgsql_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
