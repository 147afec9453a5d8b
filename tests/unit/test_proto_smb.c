/*
 * test_proto_smb.c - SMB2 negotiation, NTLMSSP in session setups, SMB1
 * negotiate, DICOM files in WRITE requests, built byte by byte, fed whole,
 * byte by byte and split at every byte; and every malformation.
 */
#include "wire_test.h"
#include "stream_test.h"

static const uint8_t guid[16] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
	0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10 };

/* The SPNEGO wrapping of a Windows client's first token, cut short: the
 * dissector finds NTLMSSP by its signature. */
static const uint8_t spnego[] = { 0x60, 0x48, 0x06, 0x06, 0x2b, 0x06, 0x01,
	0x05, 0x05, 0x02, 0xa0, 0x3e, 0x30, 0x3c, 0xa0, 0x0e, 0x30, 0x0c,
	0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02,
	0x0a, 0xa2, 0x2a, 0x04, 0x28 };

/* Wraps body in a direct-TCP session message. */
static void
nbss(struct msg *out, const struct msg *body)
{
	put8(out, 0);
	put8(out, (body->n >> 16) & 0xff);
	put16(out, body->n & 0xffff);
	putbytes(out, body->b, body->n);
}

static void
smb2_hdr(struct msg *m, unsigned int cmd, uint32_t flags, uint32_t next,
    uint64_t sid)
{
	putbytes(m, "\xfeSMB", 4);
	putle16(m, 64);
	putle16(m, 0);
	putle32(m, 0);
	putle16(m, cmd);
	putle16(m, 1);
	putle32(m, flags);
	putle32(m, next);
	putle64(m, 7);
	putle32(m, 0);
	putle32(m, 0);
	putle64(m, sid);
	putzero(m, 16);
}

static void
negotiate_req(struct msg *out)
{
	struct msg m = { .n = 0 };
	static const unsigned int d[] = { 0x0202, 0x0210, 0x0300, 0x0302,
		0x0311 };

	smb2_hdr(&m, 0, 0, 0, 0);
	putle16(&m, 36);
	putle16(&m, 5);
	putle16(&m, 1);			/* signing enabled */
	putle16(&m, 0);
	putle32(&m, 0x7f);
	putbytes(&m, guid, 16);
	putzero(&m, 8);
	for (size_t i = 0; i < 5; i++)
		putle16(&m, d[i]);
	nbss(out, &m);
}

static void
negotiate_resp(struct msg *out)
{
	struct msg m = { .n = 0 };

	smb2_hdr(&m, 0, 1, 0, 0);
	putle16(&m, 65);
	putle16(&m, 3);			/* enabled and required */
	putle16(&m, 0x0311);
	putle16(&m, 0);
	putbytes(&m, guid, 16);
	putle32(&m, 0x2f);
	putle32(&m, 65536);
	putle32(&m, 65536);
	putle32(&m, 65536);
	putzero(&m, 16);
	putle16(&m, 128);
	putle16(&m, sizeof(spnego));
	putle32(&m, 0);
	putbytes(&m, spnego, sizeof(spnego));
	nbss(out, &m);
}

static void
setup_req(struct msg *out, const struct msg *blob, uint64_t sid)
{
	struct msg m = { .n = 0 };

	smb2_hdr(&m, 1, 0, 0, sid);
	putle16(&m, 25);
	put8(&m, 0);
	put8(&m, 1);
	putle32(&m, 1);
	putle32(&m, 0);
	putle16(&m, 88);
	putle16(&m, (unsigned int)blob->n);
	putle64(&m, 0);
	putbytes(&m, blob->b, blob->n);
	nbss(out, &m);
}

static void
setup_resp(struct msg *out, const struct msg *blob, uint64_t sid)
{
	struct msg m = { .n = 0 };

	smb2_hdr(&m, 1, 1, 0, sid);
	putle16(&m, 9);
	putle16(&m, 0);
	putle16(&m, 72);
	putle16(&m, (unsigned int)blob->n);
	putbytes(&m, blob->b, blob->n);
	nbss(out, &m);
}

static void
ntlm_negotiate(struct msg *m)
{
	putbytes(m, spnego, sizeof(spnego));
	putbytes(m, "NTLMSSP", 8);
	putle32(m, 1);
	putle32(m, 0xe2088297);
	putzero(m, 16);
	put8(m, 10);
	put8(m, 0);
	putle16(m, 19041);
	putbytes(m, "\0\0\0\x0f", 4);
}

static void
av(struct msg *m, unsigned int id, const char *s)
{
	putle16(m, id);
	putle16(m, (unsigned int)strlen(s) * 2);
	pututf16(m, s);
}

static void
ntlm_challenge(struct msg *m)
{
	size_t start = m->n, ti;

	putbytes(m, "NTLMSSP", 8);
	putle32(m, 2);
	putle16(m, 8);			/* TargetName: "WARD" */
	putle16(m, 8);
	putle32(m, 56);
	putle32(m, 0xe28a8215);		/* unicode, version */
	putbytes(m, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	putzero(m, 8);
	putle16(m, 0);			/* TargetInfo, set below */
	putle16(m, 0);
	putle32(m, 64);
	put8(m, 6);
	put8(m, 1);
	putle16(m, 7601);
	putbytes(m, "\0\0\0\x0f", 4);
	pututf16(m, "WARD");
	ti = m->n;
	av(m, 2, "WARD");
	av(m, 1, "FILES");
	av(m, 4, "ward.test");
	av(m, 3, "files.ward.test");
	av(m, 5, "ward.test");
	putle16(m, 7);
	putle16(m, 8);
	putzero(m, 8);
	putle32(m, 0);			/* MsvAvEOL */
	setle16(m, start + 40, (unsigned int)(m->n - ti));
	setle16(m, start + 42, (unsigned int)(m->n - ti));
}

static void
field(struct msg *m, size_t at, size_t len, size_t off)
{
	setle16(m, at, (unsigned int)len);
	setle16(m, at + 2, (unsigned int)len);
	setle32(m, at + 4, (uint32_t)off);
}

/* AUTHENTICATE with an NT response of ntlen bytes. */
static void
ntlm_authenticate(struct msg *m, size_t ntlen)
{
	size_t s = m->n, p;

	putbytes(m, "NTLMSSP", 8);
	putle32(m, 3);
	putzero(m, 48);
	putle32(m, 0xe2888215);
	putzero(m, 8 + 16);
	p = m->n - s;
	field(m, s + 12, 24, p);
	putzero(m, 24);
	p = m->n - s;
	field(m, s + 20, ntlen, p);
	for (size_t i = 0; i < ntlen; i++)
		put8(m, 0xaa);
	p = m->n - s;
	field(m, s + 28, 12, p);
	pututf16(m, "WARDDOM");
	m->n -= 2;		/* "WARDDO": the length says 12 bytes */
	p = m->n - s;
	field(m, s + 36, 10, p);
	pututf16(m, "alice");
	p = m->n - s;
	field(m, s + 44, 8, p);
	pututf16(m, "WS01");
}

static void
test_negotiate(void **state)
{
	struct fixture fx;
	struct msg req = { .n = 0 }, resp = { .n = 0 };
	const struct observation *o;
	void *st;

	(void)state;
	negotiate_req(&req);
	negotiate_resp(&resp);
	assert_true(dissector_smb.probe(req.b, req.n, 0));
	assert_true(dissector_smb_any.probe(req.b, req.n, 0));
	assert_false(dissector_smb_any.probe(req.b, 4, 0));
	fixture_init(&fx, "10.0.0.5", "10.0.0.9", 40000, 445, IPPROTO_TCP_);
	st = stream_state(&dissector_smb);
	feed(&fx, &dissector_smb, st, 0, req.b, req.n, req.n);
	feed(&fx, &dissector_smb, st, 1, resp.b, resp.n, resp.n);
	assert_int_equal(count_kind(&fx, OBS_SMB), 2);
	o = nth(&fx, OBS_SMB, 0);
	assert_str(o, "command", "negotiate");
	assert_false(get_bool(o, "response"));
	assert_str(o, "dialects", "0x0202,0x0210,0x0300,0x0302,0x0311");
	assert_str(o, "client_guid", "04030201-0605-0807-090a-0b0c0d0e0f10");
	assert_true(get_bool(o, "signing_enabled"));
	assert_false(get_bool(o, "signing_required"));
	assert_int_equal(get_u64(o, "capabilities"), 0x7f);
	o = nth(&fx, OBS_SMB, 1);
	assert_true(get_bool(o, "response"));
	assert_str(o, "dialect", "0x0311");
	assert_str(o, "server_guid", "04030201-0605-0807-090a-0b0c0d0e0f10");
	assert_true(get_bool(o, "signing_required"));
	assert_int_equal(get_u64(o, "security_mode"), 3);
	assert_malformed(&fx, MAL_SMB_TRUNCATED, 0);
	dissector_smb.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);
	check_splits(&dissector_smb, &req, 0, OBS_SMB, 1);
	check_splits(&dissector_smb, &resp, 1, OBS_SMB, 1);
}

static void
test_ntlmssp(void **state)
{
	struct fixture fx;
	struct msg b1 = { .n = 0 }, b2 = { .n = 0 }, b3 = { .n = 0 };
	struct msg m1 = { .n = 0 }, m2 = { .n = 0 }, m3 = { .n = 0 };
	const struct observation *o;
	void *st;

	(void)state;
	ntlm_negotiate(&b1);
	ntlm_challenge(&b2);
	ntlm_authenticate(&b3, 120);
	setup_req(&m1, &b1, 0);
	setup_resp(&m2, &b2, 0x1122);
	setup_req(&m3, &b3, 0x1122);
	fixture_init(&fx, "10.0.0.5", "10.0.0.9", 40000, 445, IPPROTO_TCP_);
	st = stream_state(&dissector_smb);
	feed(&fx, &dissector_smb, st, 0, m1.b, m1.n, 7);
	feed(&fx, &dissector_smb, st, 1, m2.b, m2.n, 5);
	feed(&fx, &dissector_smb, st, 0, m3.b, m3.n, 3);
	assert_int_equal(count_kind(&fx, OBS_SMB), 3);
	o = nth(&fx, OBS_SMB, 0);
	assert_str(o, "command", "session_setup");
	assert_str(o, "ntlmssp", "negotiate");
	assert_str(o, "os_version", "10.0.19041");
	o = nth(&fx, OBS_SMB, 1);
	assert_str(o, "ntlmssp", "challenge");
	assert_true(get_bool(o, "response"));
	assert_int_equal(get_u64(o, "session_id"), 0x1122);
	assert_str(o, "target_name", "WARD");
	assert_str(o, "nb_domain", "WARD");
	assert_str(o, "nb_computer", "FILES");
	assert_str(o, "dns_domain", "ward.test");
	assert_str(o, "dns_computer", "files.ward.test");
	assert_str(o, "dns_tree", "ward.test");
	assert_str(o, "os_version", "6.1.7601");
	o = nth(&fx, OBS_SMB, 2);
	assert_str(o, "ntlmssp", "authenticate");
	assert_str(o, "user", "alice");
	assert_str(o, "domain", "WARDDO");
	assert_str(o, "workstation", "WS01");
	assert_str(o, "ntlm_version", "v2");
	assert_int_equal(count_kind(&fx, OBS_CREDENTIAL), 1);
	o = nth(&fx, OBS_CREDENTIAL, 0);
	assert_str(o, "protocol", "ntlm");
	assert_str(o, "user", "alice");
	assert_str(o, "domain", "WARDDO");
	assert_str(o, "ntlm_version", "v2");
	assert_null(obs_get(o, "workstation"));
	assert_subject_ip(o, "10.0.0.5");
	assert_malformed(&fx, MAL_NTLMSSP_BAD, 0);
	dissector_smb.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);
	check_splits(&dissector_smb, &m2, 1, OBS_SMB, 1);
	check_splits(&dissector_smb, &m3, 0, OBS_CREDENTIAL, 1);
}

static void
test_ntlm_v1_anonymous(void **state)
{
	struct fixture fx;
	struct msg b = { .n = 0 }, m = { .n = 0 };
	void *st;

	(void)state;
	ntlm_authenticate(&b, 24);
	setup_req(&m, &b, 1);
	b.n = 0;
	ntlm_authenticate(&b, 0);
	setup_req(&m, &b, 1);
	fixture_init(&fx, "10.0.0.5", "10.0.0.9", 40000, 445, IPPROTO_TCP_);
	st = stream_state(&dissector_smb);
	feed(&fx, &dissector_smb, st, 0, m.b, m.n, m.n);
	assert_int_equal(count_kind(&fx, OBS_CREDENTIAL), 2);
	assert_str(nth(&fx, OBS_SMB, 0), "ntlm_version", "v1");
	assert_str(nth(&fx, OBS_SMB, 1), "ntlm_version", "anonymous");
	dissector_smb.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);
}

static void
test_smb1(void **state)
{
	struct fixture fx;
	struct msg s = { .n = 0 }, m = { .n = 0 }, r = { .n = 0 };
	struct msg rm = { .n = 0 };
	static const char *const d[] = { "PC NETWORK PROGRAM 1.0",
		"NT LM 0.12", "SMB 2.002", "SMB 2.???" };
	size_t bc;
	void *st;

	(void)state;
	putbytes(&s, "\xffSMB", 4);
	put8(&s, 0x72);
	putzero(&s, 4);
	put8(&s, 0x18);
	putzero(&s, 22);
	put8(&s, 0);			/* WordCount */
	bc = s.n;
	putle16(&s, 0);
	for (size_t i = 0; i < 4; i++) {
		put8(&s, 2);
		putbytes(&s, d[i], strlen(d[i]) + 1);
	}
	setle16(&s, bc, (unsigned int)(s.n - bc - 2));
	nbss(&m, &s);
	putbytes(&r, "\xffSMB", 4);
	put8(&r, 0x72);
	putzero(&r, 4);
	put8(&r, 0x98);
	putzero(&r, 22);
	put8(&r, 17);
	putle16(&r, 1);
	putzero(&r, 32);
	putle16(&r, 0);
	nbss(&rm, &r);
	assert_true(dissector_smb.probe(m.b, m.n, 0));
	fixture_init(&fx, "10.0.0.5", "10.0.0.9", 40000, 445, IPPROTO_TCP_);
	st = stream_state(&dissector_smb);
	feed(&fx, &dissector_smb, st, 0, m.b, m.n, m.n);
	feed(&fx, &dissector_smb, st, 1, rm.b, rm.n, rm.n);
	assert_int_equal(count_kind(&fx, OBS_SMB), 2);
	assert_true(get_bool(nth(&fx, OBS_SMB, 0), "smb1"));
	assert_str(nth(&fx, OBS_SMB, 0), "dialects",
	    "PC NETWORK PROGRAM 1.0,NT LM 0.12,SMB 2.002,SMB 2.???");
	assert_int_equal(get_u64(nth(&fx, OBS_SMB, 1), "dialect_index"), 1);
	assert_malformed(&fx, MAL_SMB_TRUNCATED, 0);
	dissector_smb.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);
	check_splits(&dissector_smb, &m, 0, OBS_SMB, 1);
}

/* Runs one stream from dir 0 and checks the one malformation k. */
static void
expect_bad(const struct msg *m, enum malform k)
{
	struct fixture fx;
	void *st;

	fixture_init(&fx, "10.0.0.5", "10.0.0.9", 40000, 445, IPPROTO_TCP_);
	st = stream_state(&dissector_smb);
	feed(&fx, &dissector_smb, st, 0, m->b, m->n, m->n);
	assert_malformed(&fx, k, 1);
	dissector_smb.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);
}

static void
test_malformed(void **state)
{
	struct msg s, m, b;

	(void)state;
	/* Unknown protocol id. */
	s.n = m.n = 0;
	putbytes(&s, "\xfaSMB1234", 8);
	nbss(&m, &s);
	expect_bad(&m, MAL_SMB_BAD_HEADER);
	/* Header size not 64. */
	s.n = m.n = 0;
	smb2_hdr(&s, 0, 0, 0, 0);
	setle16(&s, 4, 63);
	nbss(&m, &s);
	expect_bad(&m, MAL_SMB_BAD_HEADER);
	/* Message shorter than an SMB2 header. */
	s.n = m.n = 0;
	smb2_hdr(&s, 0, 0, 0, 0);
	s.n = 40;
	nbss(&m, &s);
	expect_bad(&m, MAL_SMB_TRUNCATED);
	/* Too short for its protocol id. */
	s.n = m.n = 0;
	putbytes(&s, "\xfeS", 2);
	nbss(&m, &s);
	expect_bad(&m, MAL_SMB_TRUNCATED);
	/* NextCommand not aligned. */
	s.n = m.n = 0;
	smb2_hdr(&s, 5, 0, 65, 0);
	putzero(&s, 80);
	nbss(&m, &s);
	expect_bad(&m, MAL_SMB_BAD_HEADER);
	/* NEGOTIATE request cut inside its dialects. */
	m.n = 0;
	negotiate_req(&m);
	m.b[3] -= 2;
	m.n -= 2;
	expect_bad(&m, MAL_SMB_TRUNCATED);
	/* Unknown session packet type. */
	m.n = 0;
	putbytes(&m, "\x42\0\0\0", 4);
	expect_bad(&m, MAL_SMB_BAD_FRAMING);
	/* Security buffer beyond the message. */
	b.n = m.n = 0;
	ntlm_negotiate(&b);
	setup_req(&m, &b, 0);
	m.b[4 + 64 + 14] = 0xff;
	expect_bad(&m, MAL_SMB_BAD_BLOB);
	/* NTLMSSP of an unknown type. */
	b.n = m.n = 0;
	putbytes(&b, "NTLMSSP", 8);
	putle32(&b, 9);
	setup_req(&m, &b, 0);
	expect_bad(&m, MAL_NTLMSSP_BAD);
	/* AUTHENTICATE whose user name points past the message. */
	b.n = m.n = 0;
	ntlm_authenticate(&b, 24);
	setle32(&b, 36 + 4, 4000);
	setup_req(&m, &b, 0);
	expect_bad(&m, MAL_NTLMSSP_BAD);
	/* CHALLENGE with an AV pair past TargetInfo. */
	b.n = m.n = 0;
	ntlm_challenge(&b);
	setle16(&b, 40, 10);
	setup_resp(&m, &b, 0);
	expect_bad(&m, MAL_NTLMSSP_BAD);
	/* SMB1 negotiate with a dialect not starting 0x02. */
	s.n = m.n = 0;
	putbytes(&s, "\xffSMB", 4);
	put8(&s, 0x72);
	putzero(&s, 4 + 1 + 22);
	put8(&s, 0);
	putle16(&s, 3);
	putbytes(&s, "\x05" "A", 3);
	nbss(&m, &s);
	expect_bad(&m, MAL_SMB_TRUNCATED);
}

/* A message longer than the buffer is parsed up to the cap, no fuss. */
static void
test_long_and_gap(void **state)
{
	struct fixture fx;
	struct msg s = { .n = 0 }, m = { .n = 0 }, req = { .n = 0 };
	uint8_t *big;
	size_t bigl = 70000;
	void *st;

	(void)state;
	smb2_hdr(&s, 9, 0, 0, 0);	/* a WRITE */
	putle16(&s, 49);
	big = calloc(1, bigl);
	assert_non_null(big);
	memcpy(big, "\0\x01\x11\x6c", 4);
	memcpy(big + 4, s.b, s.n);
	negotiate_req(&req);
	fixture_init(&fx, "10.0.0.5", "10.0.0.9", 40000, 445, IPPROTO_TCP_);
	st = stream_state(&dissector_smb);
	feed(&fx, &dissector_smb, st, 0, big, bigl, 1000);
	feed(&fx, &dissector_smb, st, 0, req.b, req.n, req.n);
	assert_int_equal(count_kind(&fx, OBS_SMB), 1);
	dissector_smb.gap(&fx.ctx, st);
	feed(&fx, &dissector_smb, st, 0, req.b, req.n, req.n);
	assert_int_equal(count_kind(&fx, OBS_SMB), 1);
	assert_int_equal(malform_total(&fx.mal), 0);
	(void)m;
	dissector_smb.end(&fx.ctx, st);
	free(st);
	free(big);
	fixture_free(&fx);
}

/* [MS-SMB2] 2.2.21: a WRITE request of n bytes at off to file id fid. */
static void
write_req(struct msg *out, unsigned int fid, uint64_t off, const void *data,
    size_t n)
{
	struct msg m = { .n = 0 };

	smb2_hdr(&m, 9, 0, 0, 0x1122);
	putle16(&m, 49);
	putle16(&m, 64 + 48);		/* DataOffset */
	putle32(&m, (uint32_t)n);
	putle64(&m, off);
	putle64(&m, fid);		/* FileId: persistent, volatile */
	putle64(&m, fid);
	putle32(&m, 0);			/* Channel */
	putle32(&m, 0);
	putle16(&m, 0);
	putle16(&m, 0);
	putle32(&m, 0);
	putbytes(&m, data, n);
	nbss(out, &m);
}

/* [MS-SMB2] 2.2.15: CLOSE of file id fid. */
static void
close_req(struct msg *out, unsigned int fid)
{
	struct msg m = { .n = 0 };

	smb2_hdr(&m, 6, 0, 0, 0x1122);
	putle16(&m, 24);
	putle16(&m, 0);
	putle32(&m, 0);
	putle64(&m, fid);
	putle64(&m, fid);
	nbss(out, &m);
}

static void
feed_all(struct fixture *fx, void *st, const struct msg *m)
{
	feed(fx, &dissector_smb, st, 0, m->b, m->n, m->n);
}

/* A Part 10 file written in one WRITE, then closed; and its MZ twin. */
static void
test_write_dicom(void **state)
{
	struct fixture fx;
	struct msg f = { .n = 0 }, m = { .n = 0 };
	const struct observation *o;
	void *st;

	(void)state;
	put_part10(&f, "zero");
	write_req(&m, 5, 0, f.b, f.n);
	close_req(&m, 5);
	fixture_init(&fx, "10.0.0.5", "10.0.0.9", 40000, 445, IPPROTO_TCP_);
	st = stream_state(&dissector_smb);
	feed_all(&fx, st, &m);
	assert_int_equal(count_kind(&fx, OBS_DICOM_FILE), 1);
	o = nth(&fx, OBS_DICOM_FILE, 0);
	assert_str(o, "carrier", "smb");
	assert_str(o, "preamble", "zero");
	assert_false(get_bool(o, "cve_2019_11687"));
	assert_str(o, "sop_class", SOP_CT);
	assert_str(o, "transfer_syntax", TS_EXPLICIT);
	assert_subject_ip(o, "10.0.0.5");
	assert_int_equal(malform_total(&fx.mal), 0);
	/* The flow's end finds nothing more to report. */
	dissector_smb.end(&fx.ctx, st);
	assert_int_equal(count_kind(&fx, OBS_DICOM_FILE), 1);
	dissector_smb.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);
	check_splits(&dissector_smb, &m, 0, OBS_DICOM_FILE, 1);

	f.n = m.n = 0;
	put_part10(&f, "mz");
	write_req(&m, 6, 0, f.b, f.n);
	close_req(&m, 6);
	fixture_init(&fx, "10.0.0.5", "10.0.0.9", 40000, 445, IPPROTO_TCP_);
	st = stream_state(&dissector_smb);
	feed_all(&fx, st, &m);
	assert_int_equal(count_kind(&fx, OBS_DICOM_FILE), 1);
	o = nth(&fx, OBS_DICOM_FILE, 0);
	assert_str(o, "preamble", "mz");
	assert_true(get_bool(o, "cve_2019_11687"));
	assert_hex(o, "preamble_head", "MZ\x90\0\0\0\0\0", 8);
	dissector_smb.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);
}

/* A file in three WRITEs at consecutive offsets, split at every byte. */
static void
test_write_pieces(void **state)
{
	struct msg f = { .n = 0 }, m = { .n = 0 };

	(void)state;
	put_part10(&f, "pe");
	write_req(&m, 7, 0, f.b, 100);
	write_req(&m, 7, 100, f.b + 100, 50);
	write_req(&m, 7, 150, f.b + 150, f.n - 150);
	close_req(&m, 7);
	check_splits(&dissector_smb, &m, 0, OBS_DICOM_FILE, 1);
}

/* Holes, other files, files that are not DICOM. */
static void
test_write_other(void **state)
{
	struct fixture fx;
	struct msg f = { .n = 0 }, m = { .n = 0 };
	static const char text[] = "study 1.2.840.113619, not a Part 10 file";
	void *st;

	(void)state;
	put_part10(&f, "zero");
	fixture_init(&fx, "10.0.0.5", "10.0.0.9", 40000, 445, IPPROTO_TCP_);
	st = stream_state(&dissector_smb);
	/* A hole after 100 bytes: "DICM" at 128 is never seen. */
	write_req(&m, 1, 0, f.b, 100);
	write_req(&m, 1, 120, f.b + 120, f.n - 120);
	close_req(&m, 1);
	/* Writes into the middle of a file not being checked. */
	write_req(&m, 2, 4096, f.b, f.n);
	close_req(&m, 2);
	/* A text file. */
	write_req(&m, 3, 0, text, sizeof(text) - 1);
	close_req(&m, 3);
	feed_all(&fx, st, &m);
	assert_int_equal(count_kind(&fx, OBS_DICOM_FILE), 0);
	/*
	 * A second file starting while the first is written: the first is
	 * checked on what was kept, the second from its start; a WRITE of
	 * the first after that is not looked at.
	 */
	m.n = 0;
	write_req(&m, 8, 0, f.b, f.n);
	write_req(&m, 9, 0, f.b, f.n);
	write_req(&m, 8, f.n, text, sizeof(text) - 1);
	feed_all(&fx, st, &m);
	assert_int_equal(count_kind(&fx, OBS_DICOM_FILE), 1);
	/* The second was never closed: the end of the flow checks it. */
	dissector_smb.end(&fx.ctx, st);
	assert_int_equal(count_kind(&fx, OBS_DICOM_FILE), 2);
	assert_int_equal(malform_total(&fx.mal), 0);
	dissector_smb.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);
}

/* A WRITE longer than the message cap: the file's head is in the part kept. */
static void
test_write_long(void **state)
{
	struct fixture fx;
	struct msg f = { .n = 0 }, m = { .n = 0 }, c = { .n = 0 };
	size_t n = 70000, at;
	uint8_t *big;
	void *st;

	(void)state;
	put_part10(&f, "elf");
	write_req(&m, 4, 0, f.b, f.n);
	big = calloc(1, n);
	assert_non_null(big);
	memcpy(big, m.b, m.n);
	/* Lengths as if the WRITE carried n - m.n more bytes of pixels. */
	at = m.n - f.n;
	big[1] = (uint8_t)((n - 4) >> 16);
	big[2] = (uint8_t)((n - 4) >> 8);
	big[3] = (uint8_t)(n - 4);
	big[4 + 64 + 4] = (uint8_t)(n - at);
	big[4 + 64 + 5] = (uint8_t)((n - at) >> 8);
	big[4 + 64 + 6] = (uint8_t)((n - at) >> 16);
	close_req(&c, 4);
	fixture_init(&fx, "10.0.0.5", "10.0.0.9", 40000, 445, IPPROTO_TCP_);
	st = stream_state(&dissector_smb);
	feed(&fx, &dissector_smb, st, 0, big, n, 1400);
	assert_int_equal(count_kind(&fx, OBS_DICOM_FILE), 1);
	assert_str(nth(&fx, OBS_DICOM_FILE, 0), "preamble", "elf");
	feed_all(&fx, st, &c);
	dissector_smb.end(&fx.ctx, st);
	assert_int_equal(count_kind(&fx, OBS_DICOM_FILE), 1);
	assert_int_equal(malform_total(&fx.mal), 0);
	dissector_smb.end(&fx.ctx, st);
	free(st);
	free(big);
	fixture_free(&fx);
}

static void
test_write_malformed(void **state)
{
	struct msg f = { .n = 0 }, m = { .n = 0 };

	(void)state;
	put_part10(&f, "zero");
	/* DataOffset inside the fixed part of the request. */
	write_req(&m, 1, 0, f.b, f.n);
	setle16(&m, 4 + 64 + 2, 64);
	expect_bad(&m, MAL_SMB_TRUNCATED);
	/* DataOffset past the end of the message. */
	m.n = 0;
	write_req(&m, 1, 0, f.b, f.n);
	setle16(&m, 4 + 64 + 2, 0xfff0);
	expect_bad(&m, MAL_SMB_TRUNCATED);
	/* Length past the end of the message. */
	m.n = 0;
	write_req(&m, 1, 0, f.b, f.n);
	setle32(&m, 4 + 64 + 4, (uint32_t)f.n + 1);
	expect_bad(&m, MAL_SMB_TRUNCATED);
	/* A WRITE whose StructureSize is not 49. */
	m.n = 0;
	write_req(&m, 1, 0, f.b, f.n);
	setle16(&m, 4 + 64, 48);
	expect_bad(&m, MAL_SMB_TRUNCATED);
	/* A CLOSE cut short. */
	m.n = 0;
	close_req(&m, 1);
	m.b[3] -= 8;
	m.n -= 8;
	expect_bad(&m, MAL_SMB_TRUNCATED);
}

static void
test_prefixes_never_crash(void **state)
{
	struct msg b = { .n = 0 }, m = { .n = 0 };
	struct fixture fx;

	(void)state;
	ntlm_challenge(&b);
	setup_resp(&m, &b, 0);
	for (size_t len = 0; len < m.n; len++) {
		struct msg cut = m;
		void *st;

		/* The session header claims the full length: the stream
		 * just waits for more. Make it claim the prefix instead. */
		if (len < 4)
			continue;
		cut.n = len;
		cut.b[1] = ((len - 4) >> 16) & 0xff;
		cut.b[2] = ((len - 4) >> 8) & 0xff;
		cut.b[3] = (len - 4) & 0xff;
		fixture_init(&fx, "10.0.0.9", "10.0.0.5", 445, 40000,
		    IPPROTO_TCP_);
		st = stream_state(&dissector_smb);
		feed(&fx, &dissector_smb, st, 1, cut.b, cut.n, cut.n);
		free(st);
		fixture_free(&fx);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_negotiate),
		cmocka_unit_test(test_ntlmssp),
		cmocka_unit_test(test_ntlm_v1_anonymous),
		cmocka_unit_test(test_smb1),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_long_and_gap),
		cmocka_unit_test(test_prefixes_never_crash),
		cmocka_unit_test(test_write_dicom),
		cmocka_unit_test(test_write_pieces),
		cmocka_unit_test(test_write_other),
		cmocka_unit_test(test_write_long),
		cmocka_unit_test(test_write_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
