/*
 * test_proto_dicom.c - DICOM upper layer PDUs and DIMSE messages built byte
 * by byte, fed through stream() whole and in slices down to one byte, and
 * the observations and malformations they give.
 */
#include "proto_test.h"

/* A growable byte buffer: association PDUs and data sets outgrow struct msg. */
struct buf {
	uint8_t	*b;
	size_t	 n;
	size_t	 cap;
};

static void
b_grow(struct buf *m, size_t more)
{
	if (m->n + more <= m->cap)
		return;
	while (m->n + more > m->cap)
		m->cap = m->cap == 0 ? 1024 : m->cap * 2;
	m->b = realloc(m->b, m->cap);
	assert_non_null(m->b);
}

static void
b8(struct buf *m, unsigned int v)
{
	b_grow(m, 1);
	m->b[m->n++] = (uint8_t)v;
}

static void
b16(struct buf *m, unsigned int v)
{
	b8(m, v >> 8);
	b8(m, v & 0xff);
}

static void
b32(struct buf *m, uint32_t v)
{
	b16(m, v >> 16);
	b16(m, v & 0xffff);
}

static void
l16(struct buf *m, unsigned int v)
{
	b8(m, v & 0xff);
	b8(m, v >> 8);
}

static void
l32(struct buf *m, uint32_t v)
{
	l16(m, v & 0xffff);
	l16(m, v >> 16);
}

static void
bbytes(struct buf *m, const void *p, size_t n)
{
	b_grow(m, n);
	if (n > 0)
		memcpy(m->b + m->n, p, n);
	m->n += n;
}

static void
bstr(struct buf *m, const char *s)
{
	bbytes(m, s, strlen(s));
}

static void
bfree(struct buf *m)
{
	free(m->b);
	memset(m, 0, sizeof(*m));
}

/* Wraps body into a PDU of the given type. */
static void
dc_pdu(struct buf *out, unsigned int type, const struct buf *body)
{
	b8(out, type);
	b8(out, 0);
	b32(out, (uint32_t)body->n);
	bbytes(out, body->b, body->n);
}

/* An item (or sub-item): type, reserved, 16-bit length, value. */
static void
dc_item(struct buf *m, unsigned int type, const void *v, size_t n)
{
	b8(m, type);
	b8(m, 0);
	b16(m, (unsigned int)n);
	bbytes(m, v, n);
}

static void
dc_item_str(struct buf *m, unsigned int type, const char *s)
{
	dc_item(m, type, s, strlen(s));
}

static void
dc_ae(struct buf *m, const char *s)
{
	char f[16];

	memset(f, ' ', sizeof(f));
	memcpy(f, s, strlen(s));
	bbytes(m, f, sizeof(f));
}

#define APP_CTX		"1.2.840.10008.3.1.1.1"
#define VERIFY		"1.2.840.10008.1.1"
#define CT_STORE	"1.2.840.10008.5.1.4.1.1.2"
#define TS_IMPL		"1.2.840.10008.1.2"
#define TS_EXPL		"1.2.840.10008.1.2.1"
#define TS_EXBE		"1.2.840.10008.1.2.2"
#define IMPL_UID	"1.2.276.0.7230010.3.0.3.6.7"
#define IMPL_VER	"OFFIS_DCMTK_367"

static void
assoc_head(struct buf *m, const char *called, const char *calling)
{
	b16(m, 1);
	b16(m, 0);
	dc_ae(m, called);
	dc_ae(m, calling);
	for (int i = 0; i < 32; i++)
		b8(m, 0);
	dc_item_str(m, 0x10, APP_CTX);
}

static void
dc_pc_rq(struct buf *m, unsigned int id, const char *as, const char *ts1,
    const char *ts2)
{
	struct buf pc = { 0 };

	b8(&pc, id);
	b8(&pc, 0);
	b8(&pc, 0);
	b8(&pc, 0);
	dc_item_str(&pc, 0x30, as);
	dc_item_str(&pc, 0x40, ts1);
	if (ts2 != NULL)
		dc_item_str(&pc, 0x40, ts2);
	dc_item(m, 0x20, pc.b, pc.n);
	bfree(&pc);
}

static void
dc_pc_ac(struct buf *m, unsigned int id, unsigned int result, const char *ts)
{
	struct buf pc = { 0 };

	b8(&pc, id);
	b8(&pc, 0);
	b8(&pc, result);
	b8(&pc, 0);
	dc_item_str(&pc, 0x40, ts);
	dc_item(m, 0x21, pc.b, pc.n);
	bfree(&pc);
}

static void
dc_user_info(struct buf *m, uint32_t max, bool extras)
{
	struct buf ui = { 0 }, sub = { 0 };

	b32(&sub, max);
	dc_item(&ui, 0x51, sub.b, sub.n);
	dc_item_str(&ui, 0x52, IMPL_UID);
	if (extras) {
		sub.n = 0;
		b16(&sub, 3);
		b16(&sub, 1);
		dc_item(&ui, 0x53, sub.b, sub.n);
		sub.n = 0;
		b16(&sub, (unsigned int)strlen(CT_STORE));
		bstr(&sub, CT_STORE);
		b8(&sub, 1);
		b8(&sub, 0);
		dc_item(&ui, 0x54, sub.b, sub.n);
		/* User identity: user name and passcode (never reported). */
		sub.n = 0;
		b8(&sub, 2);
		b8(&sub, 0);
		b16(&sub, 5);
		bstr(&sub, "alice");
		b16(&sub, 6);
		bstr(&sub, "s3cret");
		dc_item(&ui, 0x58, sub.b, sub.n);
	}
	dc_item_str(&ui, 0x55, IMPL_VER);
	dc_item(m, 0x50, ui.b, ui.n);
	bfree(&ui);
	bfree(&sub);
}

/* The A-ASSOCIATE-RQ of the tests: Verification and CT on 1 and 3. */
static void
build_rq(struct buf *out, const char *ts_ct)
{
	struct buf body = { 0 };

	assoc_head(&body, "ANY-SCP", "ECHOSCU");
	dc_pc_rq(&body, 1, VERIFY, TS_IMPL, NULL);
	dc_pc_rq(&body, 3, CT_STORE, ts_ct, TS_IMPL);
	dc_user_info(&body, 16384, true);
	dc_pdu(out, 1, &body);
	bfree(&body);
}

static void
build_ac(struct buf *out, const char *ts_ct, unsigned int ct_result)
{
	struct buf body = { 0 };

	assoc_head(&body, "ANY-SCP", "ECHOSCU");
	dc_pc_ac(&body, 1, 0, TS_IMPL);
	dc_pc_ac(&body, 3, ct_result, ts_ct);
	dc_user_info(&body, 32768, false);
	dc_pdu(out, 2, &body);
	bfree(&body);
}

/* Test harness: a fixture, the dissector's state and a feeder. */
struct dct {
	struct fixture	 fx;
	void		*st;
};

static void
dct_init(struct dct *t)
{
	fixture_init(&t->fx, "10.0.0.10", "10.0.0.20", 40000, 104,
	    IPPROTO_TCP_);
	t->st = calloc(1, dissector_dicom.state_size);
	assert_non_null(t->st);
}

static void
dct_free(struct dct *t)
{
	dissector_dicom.end(&t->fx.ctx, t->st);
	free(t->st);
	fixture_free(&t->fx);
}

/* Feeds direction dir in slices of `slice` bytes (0: all at once). */
static void
dc_feed(struct dct *t, int dir, const void *p, size_t n, size_t slice)
{
	struct ward_addr a, b;
	const uint8_t *q = p;

	assert_int_equal(addr_parse("10.0.0.10", &a), 0);
	assert_int_equal(addr_parse("10.0.0.20", &b), 0);
	t->fx.ctx.dir = dir;
	t->fx.pkt.src = dir == 0 ? a : b;
	t->fx.pkt.dst = dir == 0 ? b : a;
	if (slice == 0)
		slice = n > 0 ? n : 1;
	for (size_t off = 0; off < n; off += slice) {
		size_t k = n - off < slice ? n - off : slice;
		/* Exactly k bytes in their own allocation, for ASan. */
		uint8_t *c = malloc(k);

		assert_non_null(c);
		memcpy(c, q + off, k);
		dissector_dicom.stream(&t->fx.ctx, t->st, c, k);
		free(c);
	}
}

static void
dc_feedb(struct dct *t, int dir, const struct buf *m, size_t slice)
{
	dc_feed(t, dir, m->b, m->n, slice);
}

static const struct observation *
dicom_pdu(const struct dct *t, const char *pdu_name, size_t i)
{
	for (size_t j = 0; j < t->fx.col->n; j++) {
		const struct observation *o = &t->fx.col->o[j];
		const char *s;

		if (o->kind != OBS_DICOM || (s = obs_get_str(o, "pdu")) == NULL ||
		    strcmp(s, pdu_name) != 0)
			continue;
		if (i-- == 0)
			return o;
	}
	return NULL;
}

static void
check_rq(const struct observation *o, const char *ts_list)
{
	assert_non_null(o);
	assert_subject_ip(o, "10.0.0.10");
	assert_str(o, "calling_ae", "ECHOSCU");
	assert_str(o, "called_ae", "ANY-SCP");
	assert_int_equal(get_u64(o, "protocol_version"), 1);
	assert_str(o, "app_context", APP_CTX);
	assert_list(o, "contexts", "1,3");
	assert_null(obs_get(o, "results"));
	assert_str(o, "abstract_syntaxes", VERIFY "=Verification;"
	    CT_STORE "=CT Image Storage");
	assert_str(o, "transfer_syntaxes", ts_list);
	assert_int_equal(get_u64(o, "max_pdu"), 16384);
	assert_str(o, "impl_class_uid", IMPL_UID);
	assert_str(o, "impl_version", IMPL_VER);
	assert_int_equal(get_u64(o, "async_invoked"), 3);
	assert_int_equal(get_u64(o, "async_performed"), 1);
	assert_str(o, "roles", CT_STORE "=scu");
	assert_int_equal(get_u64(o, "user_identity"), 2);
}

/* No observation quotes any of these (patient data, a password). */
static void
assert_never_quoted(const struct dct *t, const char *const *secrets)
{
	for (size_t j = 0; j < t->fx.col->n; j++) {
		const struct observation *o = &t->fx.col->o[j];

		for (size_t i = 0; i < o->nfields; i++) {
			if (o->f[i].type != OV_STR)
				continue;
			for (const char *const *s = secrets; *s != NULL; s++)
				if (strstr(o->f[i].v.str.s, *s) != NULL)
					fail_msg("%s quoted in field %s",
					    *s, o->f[i].key);
		}
		/* And not in the scratch either, even unreferenced. */
		for (const char *const *s = secrets; *s != NULL; s++)
			assert_null(memmem(o->scratch, o->used, *s,
			    strlen(*s)));
	}
}

static void
test_assoc_rq(void **state)
{
	static const size_t slices[] = { 0, 1, 7 };
	const struct observation *o;
	static const char *const secrets[] = { "s3cret", NULL };

	(void)state;
	for (size_t s = 0; s < 3; s++) {
		struct dct t;
		struct buf m = { 0 };

		dct_init(&t);
		build_rq(&m, TS_EXPL);
		dc_feedb(&t, 0, &m, slices[s]);
		assert_int_equal(t.fx.col->n, 2);
		check_rq(dicom_pdu(&t, "associate_rq", 0),
		    TS_IMPL "=Implicit VR Little Endian;"
		    TS_EXPL "=Explicit VR Little Endian");
		/* The user name and passcode crossed: a credential. */
		o = nth(&t.fx, OBS_CREDENTIAL, 0);
		assert_non_null(o);
		assert_subject_ip(o, "10.0.0.10");
		assert_str(o, "protocol", "dicom");
		assert_str(o, "scheme", "username-passcode");
		assert_str(o, "user", "alice");
		assert_true(get_bool(o, "password"));
		assert_str(o, "target", "ANY-SCP");
		assert_never_quoted(&t, secrets);
		assert_int_equal(malform_total(&t.fx.mal), 0);
		bfree(&m);
		dct_free(&t);
	}
}

static void
test_assoc_ac(void **state)
{
	struct dct t;
	struct buf m = { 0 };
	const struct observation *o;

	(void)state;
	dct_init(&t);
	build_rq(&m, TS_EXBE);
	dc_feedb(&t, 0, &m, 0);
	m.n = 0;
	build_ac(&m, TS_EXBE, 0);
	dc_feedb(&t, 1, &m, 1);
	o = dicom_pdu(&t, "associate_ac", 0);
	assert_non_null(o);
	assert_subject_ip(o, "10.0.0.20");
	assert_str(o, "calling_ae", "ECHOSCU");
	assert_str(o, "called_ae", "ANY-SCP");
	assert_list(o, "contexts", "1,3");
	assert_list(o, "results", "0,0");
	assert_str(o, "abstract_syntaxes", VERIFY "=Verification;"
	    CT_STORE "=CT Image Storage");
	assert_str(o, "transfer_syntaxes", TS_IMPL
	    "=Implicit VR Little Endian;" TS_EXBE "=Explicit VR Big Endian");
	assert_int_equal(get_u64(o, "max_pdu"), 32768);
	assert_str(o, "impl_version", IMPL_VER);
	assert_null(obs_get(o, "roles"));
	assert_int_equal(malform_total(&t.fx.mal), 0);
	bfree(&m);
	dct_free(&t);

	/* A rejected context: its transfer syntax is not reported. */
	dct_init(&t);
	build_rq(&m, TS_EXPL);
	dc_feedb(&t, 0, &m, 0);
	m.n = 0;
	build_ac(&m, TS_EXPL, 3);
	dc_feedb(&t, 1, &m, 0);
	o = dicom_pdu(&t, "associate_ac", 0);
	assert_list(o, "results", "0,3");
	assert_str(o, "abstract_syntaxes", VERIFY "=Verification");
	assert_str(o, "transfer_syntaxes", TS_IMPL
	    "=Implicit VR Little Endian");
	assert_int_equal(malform_total(&t.fx.mal), 0);
	bfree(&m);
	dct_free(&t);
}

static void
dc_short(struct buf *m, unsigned int type, unsigned int b1, unsigned int b2,
    unsigned int b3)
{
	b8(m, type);
	b8(m, 0);
	b32(m, 4);
	b8(m, 0);
	b8(m, b1);
	b8(m, b2);
	b8(m, b3);
}

static void
test_reject_release_abort(void **state)
{
	struct dct t;
	struct buf m = { 0 };
	const struct observation *o;

	(void)state;
	dct_init(&t);
	dc_short(&m, 3, 1, 1, 7);	/* permanent, user, called AE */
	dc_short(&m, 5, 0, 0, 0);
	dc_feedb(&t, 1, &m, 1);
	m.n = 0;
	dc_short(&m, 6, 0, 0, 0);
	dc_short(&m, 7, 0, 2, 6);	/* provider, invalid parameter */
	dc_feedb(&t, 0, &m, 3);
	o = dicom_pdu(&t, "associate_rj", 0);
	assert_non_null(o);
	assert_subject_ip(o, "10.0.0.20");
	assert_int_equal(get_u64(o, "result"), 1);
	assert_int_equal(get_u64(o, "source"), 1);
	assert_int_equal(get_u64(o, "reason"), 7);
	assert_non_null(dicom_pdu(&t, "release_rq", 0));
	assert_non_null(dicom_pdu(&t, "release_rp", 0));
	o = dicom_pdu(&t, "abort", 0);
	assert_non_null(o);
	assert_subject_ip(o, "10.0.0.10");
	assert_int_equal(get_u64(o, "source"), 2);
	assert_int_equal(get_u64(o, "reason"), 6);
	assert_int_equal(t.fx.col->n, 4);
	assert_int_equal(malform_total(&t.fx.mal), 0);
	bfree(&m);
	dct_free(&t);
}

/* Command sets (always implicit VR LE, PS3.7 E.1). */
static void
cel(struct buf *m, unsigned int elem, const void *v, size_t n)
{
	l16(m, 0);
	l16(m, elem);
	l32(m, (uint32_t)n);
	bbytes(m, v, n);
}

static void
cel_us(struct buf *m, unsigned int elem, unsigned int v)
{
	uint8_t b[2] = { (uint8_t)(v & 0xff), (uint8_t)(v >> 8) };

	cel(m, elem, b, 2);
}

static void
cel_uid(struct buf *m, unsigned int elem, const char *uid)
{
	char b[80];
	size_t n = strlen(uid);

	memcpy(b, uid, n);
	if (n % 2 == 1)
		b[n++] = '\0';
	cel(m, elem, b, n);
}

/* A command set with its group length first. */
static void
dc_command(struct buf *out, const struct buf *rest)
{
	uint8_t gl[4] = { (uint8_t)(rest->n & 0xff),
		(uint8_t)(rest->n >> 8 & 0xff), (uint8_t)(rest->n >> 16 & 0xff),
		(uint8_t)(rest->n >> 24) };

	cel(out, 0x0000, gl, 4);
	bbytes(out, rest->b, rest->n);
}

/*
 * P-DATA-TF PDUs carrying m in PDVs of at most frag bytes, at most
 * per_pdu PDVs to a PDU.
 */
static void
dc_pdata(struct buf *out, unsigned int pcid, bool is_cmd, const struct buf *m,
    size_t frag, size_t per_pdu)
{
	size_t off = 0;

	do {
		struct buf body = { 0 };

		for (size_t k = 0; k < per_pdu && (off < m->n || m->n == 0);
		    k++) {
			size_t len = m->n - off < frag ? m->n - off : frag;
			bool last = off + len == m->n;

			b32(&body, (uint32_t)len + 2);
			b8(&body, pcid);
			b8(&body, (is_cmd ? 1 : 0) | (last ? 2 : 0));
			bbytes(&body, m->b + off, len);
			off += len;
			if (last)
				break;
		}
		dc_pdu(out, 4, &body);
		bfree(&body);
	} while (off < m->n);
}

static void
echo_rq(struct buf *cmd, unsigned int mid)
{
	struct buf r = { 0 };

	cel_uid(&r, 0x0002, VERIFY);
	cel_us(&r, 0x0100, 0x0030);
	cel_us(&r, 0x0110, mid);
	cel_us(&r, 0x0800, 0x0101);
	dc_command(cmd, &r);
	bfree(&r);
}

static void
test_echo(void **state)
{
	struct dct t;
	struct buf cmd = { 0 }, r = { 0 }, m = { 0 };
	const struct observation *o;

	(void)state;
	dct_init(&t);
	echo_rq(&cmd, 7);
	/* Fragments of 10 bytes, two PDVs to a PDU, fed byte by byte. */
	dc_pdata(&m, 1, true, &cmd, 10, 2);
	dc_feedb(&t, 0, &m, 1);
	o = dicom_pdu(&t, "command", 0);
	assert_non_null(o);
	assert_subject_ip(o, "10.0.0.10");
	assert_str(o, "command", "C-ECHO-RQ");
	assert_int_equal(get_u64(o, "command_field"), 0x30);
	assert_int_equal(get_u64(o, "message_id"), 7);
	assert_int_equal(get_u64(o, "pcid"), 1);
	assert_str(o, "sop_class_uid", VERIFY);
	assert_str(o, "sop_class", "Verification");
	assert_false(get_bool(o, "has_dataset"));
	assert_null(obs_get(o, "status"));

	cel_uid(&r, 0x0002, VERIFY);
	cel_us(&r, 0x0100, 0x8030);
	cel_us(&r, 0x0120, 7);
	cel_us(&r, 0x0800, 0x0101);
	cel_us(&r, 0x0900, 0x0000);
	cmd.n = 0;
	dc_command(&cmd, &r);
	m.n = 0;
	dc_pdata(&m, 1, true, &cmd, 1000, 1);
	dc_feedb(&t, 1, &m, 0);
	o = dicom_pdu(&t, "command", 1);
	assert_non_null(o);
	assert_subject_ip(o, "10.0.0.20");
	assert_str(o, "command", "C-ECHO-RSP");
	assert_int_equal(get_u64(o, "responded_id"), 7);
	assert_int_equal(get_u64(o, "status"), 0);
	assert_int_equal(malform_total(&t.fx.mal), 0);
	assert_int_equal(t.fx.col->n, 2);
	bfree(&cmd);
	bfree(&r);
	bfree(&m);
	dct_free(&t);
}

/* Data set elements in one of three encodings (PS3.5 7.1). */
enum enc { IMPL, EXPL, EXBE };

static bool
long_vr(const char *vr)
{
	static const char *const l[] = { "OB", "OW", "SQ", "UN", "UT", "UC",
		"UR", "OD", "OF", "OL", "OV", "SV", "UV", NULL };

	for (const char *const *p = l; *p != NULL; p++)
		if (strcmp(*p, vr) == 0)
			return true;
	return false;
}

static void
e16(struct buf *m, enum enc e, unsigned int v)
{
	if (e == EXBE)
		b16(m, v);
	else
		l16(m, v);
}

static void
e32(struct buf *m, enum enc e, uint32_t v)
{
	if (e == EXBE)
		b32(m, v);
	else
		l32(m, v);
}

static void
el_head(struct buf *m, enum enc e, unsigned int g, unsigned int el,
    const char *vr, uint32_t len)
{
	e16(m, e, g);
	e16(m, e, el);
	if (g == 0xfffe || e == IMPL) {
		e32(m, e, len);
	} else if (long_vr(vr)) {
		bstr(m, vr);
		b16(m, 0);
		e32(m, e, len);
	} else {
		bstr(m, vr);
		e16(m, e, len);
	}
}

static void
el_str(struct buf *m, enum enc e, unsigned int g, unsigned int el,
    const char *vr, const char *s)
{
	size_t n = strlen(s);

	el_head(m, e, g, el, vr, (uint32_t)(n + n % 2));
	bstr(m, s);
	if (n % 2 == 1)
		b8(m, ' ');
}

#define PAT_NAME	"DOE^JOHN"
#define PAT_ID		"PID12345"
#define PAT_BIRTH	"19700101"
#define PAT_OTHER	"OTHERID9"

static const char *const patient_values[] = { PAT_NAME, PAT_ID, PAT_BIRTH,
	PAT_OTHER, NULL };

/*
 * A CT data set: identifying attributes, patient attributes, a nested
 * sequence (undefined lengths) with a patient ID and a Manufacturer that
 * must not be taken (not top level), and pixel data (defined length, or
 * encapsulated fragments when encap).
 */
static void
ct_dataset(struct buf *m, enum enc e, bool encap)
{
	el_str(m, e, 0x0008, 0x0016, "UI", CT_STORE);
	el_str(m, e, 0x0008, 0x0060, "CS", "CT");
	el_str(m, e, 0x0008, 0x0070, "LO", "GE MEDICAL SYSTEMS");
	el_str(m, e, 0x0008, 0x0080, "LO", "St. Example Hospital");
	el_str(m, e, 0x0008, 0x1010, "SH", "CTSTATION1");
	el_str(m, e, 0x0008, 0x1040, "LO", "Radiology");
	el_str(m, e, 0x0008, 0x1090, "LO", "Revolution CT");
	/* Referenced Study Sequence, undefined lengths, one item. */
	el_head(m, e, 0x0008, 0x1110, "SQ", 0xffffffff);
	el_head(m, e, 0xfffe, 0xe000, NULL, 0xffffffff);
	el_str(m, e, 0x0008, 0x0070, "LO", "NESTED VENDOR");
	el_str(m, e, 0x0010, 0x0020, "LO", PAT_OTHER);
	el_head(m, e, 0xfffe, 0xe00d, NULL, 0);
	el_head(m, e, 0xfffe, 0xe0dd, NULL, 0);
	el_str(m, e, 0x0010, 0x0010, "PN", PAT_NAME);
	el_str(m, e, 0x0010, 0x0020, "LO", PAT_ID);
	el_str(m, e, 0x0010, 0x0030, "DA", PAT_BIRTH);
	/* Empty: a return key in a query, no patient data crossed. */
	el_str(m, e, 0x0010, 0x0040, "CS", "");
	el_str(m, e, 0x0018, 0x1000, "LO", "SN-0042");
	el_str(m, e, 0x0018, 0x1020, "LO", "sw1.2\\fw3.4");
	/* A defined-length sequence with a defined-length item. */
	el_head(m, e, 0x0040, 0x0275, "SQ", 8 + 8 + 4);
	el_head(m, e, 0xfffe, 0xe000, NULL, 8 + 4);
	el_str(m, e, 0x0040, 0x0007, "LO", "ABCD");
	if (encap) {
		el_head(m, e, 0x7fe0, 0x0010, "OB", 0xffffffff);
		el_head(m, e, 0xfffe, 0xe000, NULL, 0);
		el_head(m, e, 0xfffe, 0xe000, NULL, 6);
		bbytes(m, "\xff\xd8\xff\xe0\x00\x10", 6);
		el_head(m, e, 0xfffe, 0xe0dd, NULL, 0);
	} else {
		el_head(m, e, 0x7fe0, 0x0010, "OW", 512);
		for (int i = 0; i < 512; i++)
			b8(m, 0x55);
	}
}

static void
store_rq(struct buf *cmd, unsigned int mid)
{
	struct buf r = { 0 };

	cel_uid(&r, 0x0002, CT_STORE);
	cel_us(&r, 0x0100, 0x0001);
	cel_us(&r, 0x0110, mid);
	cel_us(&r, 0x0700, 0);
	cel_us(&r, 0x0800, 0x0000);
	cel_uid(&r, 0x1000, "1.2.3.4.5.6.7.8.9");
	dc_command(cmd, &r);
	bfree(&r);
}

static void
check_dataset(const struct dct *t, const char *encoding)
{
	const struct observation *o = dicom_pdu(t, "dataset", 0);

	assert_non_null(o);
	assert_subject_ip(o, "10.0.0.10");
	assert_str(o, "command", "C-STORE-RQ");
	assert_str(o, "encoding", encoding);
	assert_str(o, "modality", "CT");
	assert_str(o, "manufacturer", "GE MEDICAL SYSTEMS");
	assert_str(o, "model", "Revolution CT");
	assert_str(o, "station", "CTSTATION1");
	assert_str(o, "software_versions", "sw1.2;fw3.4");
	assert_str(o, "serial", "SN-0042");
	assert_str(o, "institution", "St. Example Hospital");
	assert_str(o, "department", "Radiology");
	o = nth(&t->fx, OBS_PHI, 0);
	assert_non_null(o);
	assert_subject_ip(o, "10.0.0.10");
	assert_str(o, "proto", "dicom");
	assert_str(o, "tags", "(0010,0020);(0010,0010);(0010,0030)");
	assert_str(o, "names", "PatientID;PatientName;PatientBirthDate");
	assert_int_equal(get_u64(o, "count"), 3);
	assert_int_equal(count_kind(&t->fx, OBS_PHI), 1);
	assert_never_quoted(t, patient_values);
	assert_null(memmem(t->st, dissector_dicom.state_size, PAT_NAME,
	    strlen(PAT_NAME)));
	assert_null(memmem(t->st, dissector_dicom.state_size, PAT_ID,
	    strlen(PAT_ID)));
}

static void
store_in(enum enc e, const char *ts, const char *encoding, bool encap,
    size_t slice, bool negotiate)
{
	struct dct t;
	struct buf m = { 0 }, cmd = { 0 }, ds = { 0 };
	const struct observation *o;

	dct_init(&t);
	if (negotiate) {
		build_rq(&m, ts);
		dc_feedb(&t, 0, &m, 0);
		m.n = 0;
		build_ac(&m, ts, 0);
		dc_feedb(&t, 1, &m, 0);
		m.n = 0;
	}
	store_rq(&cmd, 9);
	ct_dataset(&ds, e, encap);
	dc_pdata(&m, 3, true, &cmd, 16, 3);
	/* The data set in fragments of 37 bytes, 4 PDVs to a PDU. */
	dc_pdata(&m, 3, false, &ds, 37, 4);
	dc_feedb(&t, 0, &m, slice);
	o = dicom_pdu(&t, "command", 0);
	assert_non_null(o);
	assert_str(o, "command", "C-STORE-RQ");
	assert_int_equal(get_u64(o, "message_id"), 9);
	assert_str(o, "sop_class", "CT Image Storage");
	assert_str(o, "sop_instance_uid", "1.2.3.4.5.6.7.8.9");
	assert_true(get_bool(o, "has_dataset"));
	check_dataset(&t, encoding);
	assert_int_equal(malform_total(&t.fx.mal), 0);
	bfree(&m);
	bfree(&cmd);
	bfree(&ds);
	dct_free(&t);
}

static void
test_store_implicit(void **state)
{
	(void)state;
	store_in(IMPL, TS_IMPL, "implicit_le", false, 0, true);
	store_in(IMPL, TS_IMPL, "implicit_le", false, 1, true);
}

static void
test_store_explicit(void **state)
{
	(void)state;
	store_in(EXPL, TS_EXPL, "explicit_le", false, 0, true);
	store_in(EXPL, TS_EXPL, "explicit_le", true, 1, true);
	/* JPEG baseline: explicit VR LE with encapsulated pixel data. */
	store_in(EXPL, "1.2.840.10008.1.2.4.50", "explicit_le", true, 5, true);
}

static void
test_store_big_endian(void **state)
{
	(void)state;
	store_in(EXBE, TS_EXBE, "explicit_be", false, 0, true);
	store_in(EXBE, TS_EXBE, "explicit_be", false, 1, true);
}

/* Without the association in sight, the encoding is told from the bytes. */
static void
test_store_sniffed(void **state)
{
	(void)state;
	store_in(IMPL, NULL, "implicit_le", false, 3, false);
	store_in(EXPL, NULL, "explicit_le", true, 0, false);
	store_in(EXBE, NULL, "explicit_be", false, 2, false);
}

/*
 * A C-STORE of 500 MB: the pixel data streams by in PDUs of the negotiated
 * maximum (32768) and nothing of it is kept; the state stays its fixed size.
 */
static void
test_store_huge(void **state)
{
	struct dct t;
	struct buf m = { 0 }, cmd = { 0 }, ds = { 0 };
	const uint32_t total = 500u << 20, maxdata = 32768 - 6;
	uint8_t *chunk;
	uint32_t sent = 0;

	(void)state;
	assert_true(dissector_dicom.state_size < 128 * 1024);
	dct_init(&t);
	build_rq(&m, TS_EXPL);
	dc_feedb(&t, 0, &m, 0);
	m.n = 0;
	build_ac(&m, TS_EXPL, 0);
	dc_feedb(&t, 1, &m, 0);
	m.n = 0;
	store_rq(&cmd, 1);
	dc_pdata(&m, 3, true, &cmd, 1000, 1);
	el_str(&ds, EXPL, 0x0008, 0x0070, "LO", "GE MEDICAL SYSTEMS");
	el_head(&ds, EXPL, 0x7fe0, 0x0010, "OW", total);
	/* First PDU: the attribute and the pixel data header. */
	b8(&m, 4);
	b8(&m, 0);
	b32(&m, (uint32_t)ds.n + 6);
	b32(&m, (uint32_t)ds.n + 2);
	b8(&m, 3);
	b8(&m, 0);
	bbytes(&m, ds.b, ds.n);
	dc_feedb(&t, 0, &m, 0);
	/*
	 * Reported at the pixel data header, past the last attribute: a
	 * stream cut by the capture's depth still gives it.
	 */
	assert_non_null(dicom_pdu(&t, "dataset", 0));
	chunk = calloc(1, maxdata);
	assert_non_null(chunk);
	t.fx.ctx.dir = 0;
	while (sent < total) {
		uint32_t len = total - sent < maxdata ? total - sent : maxdata;
		bool last = sent + len == total;
		uint8_t h[12] = { 4, 0, (uint8_t)((len + 6) >> 24),
			(uint8_t)((len + 6) >> 16), (uint8_t)((len + 6) >> 8),
			(uint8_t)(len + 6), (uint8_t)((len + 2) >> 24),
			(uint8_t)((len + 2) >> 16), (uint8_t)((len + 2) >> 8),
			(uint8_t)(len + 2), 3, last ? 2 : 0 };

		dissector_dicom.stream(&t.fx.ctx, t.st, h, sizeof(h));
		dissector_dicom.stream(&t.fx.ctx, t.st, chunk, len);
		sent += len;
	}
	free(chunk);
	assert_str(dicom_pdu(&t, "dataset", 0), "manufacturer",
	    "GE MEDICAL SYSTEMS");
	assert_int_equal(malform_total(&t.fx.mal), 0);
	bfree(&m);
	bfree(&cmd);
	bfree(&ds);
	dct_free(&t);
}

/* Feeds bytes to a fresh state and checks exactly n of kind k. */
static void
dc_expect_bad(const struct buf *m, int dir, enum malform k, uint64_t n)
{
	struct dct t;

	dct_init(&t);
	dc_feedb(&t, dir, m, 0);
	if (t.fx.mal.n[k] != n || malform_total(&t.fx.mal) != n)
		fail_msg("expected %llu of %s, got %llu (total %llu)",
		    (unsigned long long)n, malform_name(k),
		    (unsigned long long)t.fx.mal.n[k],
		    (unsigned long long)malform_total(&t.fx.mal));
	assert_malformed(&t.fx, k, n);
	dct_free(&t);

	/* The same byte by byte. */
	dct_init(&t);
	dc_feedb(&t, dir, m, 1);
	assert_int_equal(t.fx.mal.n[k], n);
	assert_int_equal(malform_total(&t.fx.mal), n);
	dct_free(&t);
}

static void
test_bad_pdu_type_and_lengths(void **state)
{
	struct buf m = { 0 }, body = { 0 };

	(void)state;
	/* Type 9 is not a PDU: the direction is abandoned after one. */
	b8(&m, 9);
	b8(&m, 0);
	b32(&m, 4);
	b32(&m, 0);
	dc_short(&m, 9, 0, 0, 0);
	dc_expect_bad(&m, 0, MAL_DICOM_BAD_PDU_TYPE, 1);

	/* Release of 2 bytes: truncated; of 5 bytes: too long. */
	m.n = 0;
	b8(&m, 5);
	b8(&m, 0);
	b32(&m, 2);
	b16(&m, 0);
	dc_expect_bad(&m, 0, MAL_DICOM_TRUNCATED_PDU, 1);
	m.n = 0;
	b8(&m, 5);
	b8(&m, 0);
	b32(&m, 5);
	b32(&m, 0);
	b8(&m, 0);
	dc_short(&m, 6, 0, 0, 0);	/* framing kept: this one is read */
	dc_expect_bad(&m, 0, MAL_DICOM_PDU_TOO_LONG, 1);

	/* Association PDU shorter than its 68 fixed bytes. */
	m.n = 0;
	assoc_head(&body, "A", "B");
	body.n = 67;
	dc_pdu(&m, 1, &body);
	dc_expect_bad(&m, 0, MAL_DICOM_TRUNCATED_PDU, 1);

	/* At the hard caps: 1 MiB association, 16 MiB P-DATA. */
	m.n = 0;
	b8(&m, 1);
	b8(&m, 0);
	b32(&m, (1u << 20) + 1);
	dc_expect_bad(&m, 0, MAL_DICOM_PDU_TOO_LONG, 1);
	m.n = 0;
	b8(&m, 4);
	b8(&m, 0);
	b32(&m, (16u << 20) + 1);
	dc_expect_bad(&m, 0, MAL_DICOM_PDU_TOO_LONG, 1);
	m.n = 0;
	b8(&m, 4);
	b8(&m, 0);
	b32(&m, 16u << 20);	/* at the cap: fine, just incomplete */
	dc_expect_bad(&m, 0, MAL_DICOM_PDU_TOO_LONG, 0);
	bfree(&m);
	bfree(&body);
}

/* P-DATA over the receiver's negotiated maximum, and at it. */
static void
test_negotiated_max(void **state)
{
	struct dct t;
	struct buf m = { 0 }, cmd = { 0 }, body = { 0 };

	(void)state;
	for (int over = 0; over < 2; over++) {
		dct_init(&t);
		build_rq(&m, TS_EXPL);	/* the requestor receives 16384 */
		dc_feedb(&t, 0, &m, 0);
		m.n = 0;
		build_ac(&m, TS_EXPL, 0);
		dc_feedb(&t, 1, &m, 0);
		m.n = 0;
		/* One PDV of exactly 16384 - 6 (+ over) bytes of padding. */
		body.n = 0;
		b32(&body, 16384 - 4 + (uint32_t)over);
		b8(&body, 1);
		b8(&body, 1);	/* command, not last: never parsed */
		for (uint32_t i = 0; i < 16384 - 6 + (uint32_t)over; i++)
			b8(&body, 0);
		dc_pdu(&m, 4, &body);
		dc_feedb(&t, 1, &m, 0);
		assert_int_equal(t.fx.mal.n[MAL_DICOM_PDU_TOO_LONG],
		    (uint64_t)over);
		assert_int_equal(malform_total(&t.fx.mal), (uint64_t)over);
		m.n = 0;
		dct_free(&t);
	}
	bfree(&m);
	bfree(&cmd);
	bfree(&body);
}

static void
test_bad_items(void **state)
{
	struct buf m = { 0 }, body = { 0 }, pc = { 0 }, ui = { 0 };
	char uid[80];

	(void)state;
	/* An item that runs past the end of its PDU. */
	assoc_head(&body, "A", "B");
	b8(&body, 0x20);
	b8(&body, 0);
	b16(&body, 200);
	b32(&body, 0);
	dc_pdu(&m, 1, &body);
	dc_expect_bad(&m, 0, MAL_DICOM_TRUNCATED_PDU, 1);

	/* Unknown item type; AC item in an RQ; even context id. */
	body.n = m.n = 0;
	assoc_head(&body, "A", "B");
	dc_item_str(&body, 0x77, "x");
	dc_pdu(&m, 1, &body);
	dc_expect_bad(&m, 0, MAL_DICOM_BAD_ITEM, 1);
	body.n = m.n = 0;
	assoc_head(&body, "A", "B");
	dc_pc_ac(&body, 1, 0, TS_IMPL);
	dc_pdu(&m, 1, &body);
	dc_expect_bad(&m, 0, MAL_DICOM_BAD_ITEM, 1);
	body.n = m.n = 0;
	assoc_head(&body, "A", "B");
	dc_pc_rq(&body, 2, VERIFY, TS_IMPL, NULL);
	dc_pdu(&m, 1, &body);
	dc_expect_bad(&m, 0, MAL_DICOM_BAD_ITEM, 1);
	/* Result 5 in an AC. */
	body.n = m.n = 0;
	assoc_head(&body, "A", "B");
	dc_pc_ac(&body, 1, 5, TS_IMPL);
	dc_pdu(&m, 2, &body);
	dc_expect_bad(&m, 1, MAL_DICOM_BAD_ITEM, 1);

	/* A context without transfer syntax. */
	body.n = m.n = 0;
	assoc_head(&body, "A", "B");
	b8(&pc, 1);
	b8(&pc, 0);
	b8(&pc, 0);
	b8(&pc, 0);
	dc_item_str(&pc, 0x30, VERIFY);
	dc_item(&body, 0x20, pc.b, pc.n);
	dc_pdu(&m, 1, &body);
	dc_expect_bad(&m, 0, MAL_DICOM_BAD_ITEM, 1);

	/* UIDs of 64 bytes pass, of 65 fail; so do non-digits. */
	memset(uid, '1', sizeof(uid));
	uid[64] = '\0';
	body.n = m.n = 0;
	assoc_head(&body, "A", "B");
	dc_pc_rq(&body, 1, uid, TS_IMPL, NULL);
	dc_pdu(&m, 1, &body);
	dc_expect_bad(&m, 0, MAL_DICOM_BAD_ITEM, 0);
	uid[64] = '1';
	uid[65] = '\0';
	body.n = m.n = 0;
	assoc_head(&body, "A", "B");
	dc_pc_rq(&body, 1, uid, TS_IMPL, NULL);
	dc_pdu(&m, 1, &body);
	dc_expect_bad(&m, 0, MAL_DICOM_BAD_ITEM, 1);
	body.n = m.n = 0;
	assoc_head(&body, "A", "B");
	dc_pc_rq(&body, 1, "1.2.x", TS_IMPL, NULL);
	dc_pdu(&m, 1, &body);
	dc_expect_bad(&m, 0, MAL_DICOM_BAD_ITEM, 1);

	/* Implementation version name: 16 bytes pass, 17 fail. */
	for (int extra = 0; extra < 2; extra++) {
		body.n = m.n = ui.n = 0;
		assoc_head(&body, "A", "B");
		dc_item_str(&ui, 0x55, extra ? "ABCDEFGHIJKLMNOPQ" :
		    "ABCDEFGHIJKLMNOP");
		dc_item(&body, 0x50, ui.b, ui.n);
		dc_pdu(&m, 1, &body);
		dc_expect_bad(&m, 0, MAL_DICOM_BAD_ITEM, (uint64_t)extra);
	}
	/* User identity type 2 without its passcode; type 9. */
	for (unsigned int type = 2; type < 10; type += 7) {
		body.n = m.n = ui.n = 0;
		assoc_head(&body, "A", "B");
		dc_item(&ui, 0x58, (const uint8_t[]){ (uint8_t)type, 0, 0, 1,
		    'u', 0, 0 }, 7);
		dc_item(&body, 0x50, ui.b, ui.n);
		dc_pdu(&m, 1, &body);
		dc_expect_bad(&m, 0, MAL_DICOM_BAD_ITEM, 1);
	}
	/* Max length sub-item of 3 bytes. */
	body.n = m.n = ui.n = 0;
	assoc_head(&body, "A", "B");
	dc_item(&ui, 0x51, "\0\0\1", 3);
	dc_item(&body, 0x50, ui.b, ui.n);
	dc_pdu(&m, 1, &body);
	dc_expect_bad(&m, 0, MAL_DICOM_BAD_ITEM, 1);
	bfree(&m);
	bfree(&body);
	bfree(&pc);
	bfree(&ui);
}

/* 128 presentation contexts pass, a 129th is refused. */
static void
test_context_cap(void **state)
{
	struct buf m = { 0 }, body = { 0 };
	struct dct t;
	const struct observation *o;

	(void)state;
	for (int extra = 0; extra < 2; extra++) {
		body.n = m.n = 0;
		assoc_head(&body, "A", "B");
		for (unsigned int i = 0; i < 128; i++)
			dc_pc_rq(&body, 2 * i + 1, VERIFY, TS_IMPL, NULL);
		if (extra)
			dc_pc_rq(&body, 255, CT_STORE, TS_IMPL, NULL);
		dc_pdu(&m, 1, &body);
		dc_expect_bad(&m, 0, MAL_DICOM_BAD_ITEM, (uint64_t)extra);
		dct_init(&t);
		dc_feedb(&t, 0, &m, 0);
		o = dicom_pdu(&t, "associate_rq", 0);
		assert_non_null(o);
		assert_int_equal(obs_get(o, "contexts")->v.list.n, 128);
		assert_str(o, "abstract_syntaxes", VERIFY "=Verification");
		dct_free(&t);
	}
	bfree(&m);
	bfree(&body);
}

/*
 * An RQ bigger than the buffer (128 contexts of five 60-digit transfer
 * syntaxes, about 45 KB): read up to the buffer, the rest skipped quietly.
 */
static void
test_assoc_partial(void **state)
{
	struct buf m = { 0 }, body = { 0 };
	struct dct t;
	const struct observation *o;
	char ts[5][61];
	size_t n;

	(void)state;
	for (int k = 0; k < 5; k++) {
		memset(ts[k], '1' + k, 60);
		ts[k][60] = '\0';
	}
	assoc_head(&body, "BIG", "CALLER");
	for (unsigned int i = 0; i < 128; i++) {
		struct buf pc = { 0 };

		b8(&pc, 2 * i + 1);
		b8(&pc, 0);
		b8(&pc, 0);
		b8(&pc, 0);
		dc_item_str(&pc, 0x30, VERIFY);
		for (int k = 0; k < 5; k++)
			dc_item_str(&pc, 0x40, ts[k]);
		dc_item(&body, 0x20, pc.b, pc.n);
		bfree(&pc);
	}
	assert_true(body.n > 40000);
	dc_pdu(&m, 1, &body);
	dc_short(&m, 5, 0, 0, 0);
	dct_init(&t);
	dc_feedb(&t, 0, &m, 999);
	o = dicom_pdu(&t, "associate_rq", 0);
	assert_non_null(o);
	assert_str(o, "called_ae", "BIG");
	n = obs_get(o, "contexts")->v.list.n;
	assert_true(n > 64 && n < 128);
	assert_non_null(dicom_pdu(&t, "release_rq", 0));
	assert_int_equal(malform_total(&t.fx.mal), 0);
	dct_free(&t);
	bfree(&m);
	bfree(&body);
}

static void
test_bad_pdv(void **state)
{
	struct buf m = { 0 }, body = { 0 }, cmd = { 0 };

	(void)state;
	/* PDV length 1: less than its own header. */
	b32(&body, 1);
	b8(&body, 1);
	b8(&body, 3);
	dc_pdu(&m, 4, &body);
	dc_expect_bad(&m, 0, MAL_DICOM_BAD_PDV, 1);
	/* PDV longer than its PDU. */
	body.n = m.n = 0;
	b32(&body, 100);
	b8(&body, 1);
	b8(&body, 3);
	b32(&body, 0);
	dc_pdu(&m, 4, &body);
	dc_expect_bad(&m, 0, MAL_DICOM_BAD_PDV, 1);
	/* Reserved control bits; even context id. */
	body.n = m.n = 0;
	b32(&body, 2);
	b8(&body, 1);
	b8(&body, 0x07);
	dc_pdu(&m, 4, &body);
	dc_expect_bad(&m, 0, MAL_DICOM_BAD_PDV, 1);
	body.n = m.n = 0;
	b32(&body, 2);
	b8(&body, 2);
	b8(&body, 3);
	dc_pdu(&m, 4, &body);
	dc_expect_bad(&m, 0, MAL_DICOM_BAD_PDV, 1);
	/* Data set without its command; P-DATA without PDV. */
	body.n = m.n = 0;
	b32(&body, 4);
	b8(&body, 1);
	b8(&body, 2);
	b16(&body, 0);
	dc_pdu(&m, 4, &body);
	dc_expect_bad(&m, 0, MAL_DICOM_BAD_PDV, 1);
	body.n = m.n = 0;
	dc_pdu(&m, 4, &body);
	dc_expect_bad(&m, 0, MAL_DICOM_BAD_PDV, 1);
	/* PDU ends inside a PDV header. */
	body.n = m.n = 0;
	b32(&body, 2);
	b8(&body, 1);
	dc_pdu(&m, 4, &body);
	dc_expect_bad(&m, 0, MAL_DICOM_BAD_PDV, 1);
	/* A command fragment of context 3 while context 1's is open. */
	m.n = 0;
	echo_rq(&cmd, 1);
	body.n = 0;
	b32(&body, 2 + 4);
	b8(&body, 1);
	b8(&body, 1);
	bbytes(&body, cmd.b, 4);
	b32(&body, (uint32_t)cmd.n - 4 + 2);
	b8(&body, 3);
	b8(&body, 3);
	bbytes(&body, cmd.b + 4, cmd.n - 4);
	dc_pdu(&m, 4, &body);
	dc_expect_bad(&m, 0, MAL_DICOM_BAD_PDV, 1);
	/* A command inside a data set. */
	m.n = cmd.n = 0;
	store_rq(&cmd, 2);
	dc_pdata(&m, 1, true, &cmd, 1000, 1);
	body.n = 0;
	b32(&body, 2 + 8);
	b8(&body, 1);
	b8(&body, 0);	/* data, not last */
	l16(&body, 8);
	l16(&body, 0x60);
	l32(&body, 2);
	dc_pdu(&m, 4, &body);
	cmd.n = 0;
	echo_rq(&cmd, 3);
	dc_pdata(&m, 1, true, &cmd, 1000, 1);
	dc_expect_bad(&m, 0, MAL_DICOM_BAD_PDV, 1);
	bfree(&m);
	bfree(&body);
	bfree(&cmd);
}

static void
test_bad_command(void **state)
{
	struct buf m = { 0 }, r = { 0 }, cmd = { 0 };
	char ae17[18];

	(void)state;
	/* Not group 0000. */
	l16(&r, 0x0008);
	l16(&r, 0x0100);
	l32(&r, 2);
	l16(&r, 0x30);
	dc_pdata(&m, 1, true, &r, 1000, 1);
	dc_expect_bad(&m, 0, MAL_DICOM_BAD_COMMAND, 1);
	/* No command field. */
	m.n = r.n = 0;
	cel_us(&r, 0x0110, 1);
	cel_us(&r, 0x0800, 0x0101);
	dc_pdata(&m, 1, true, &r, 1000, 1);
	dc_expect_bad(&m, 0, MAL_DICOM_BAD_COMMAND, 1);
	/* Unknown command field. */
	m.n = r.n = 0;
	cel_us(&r, 0x0100, 0x0042);
	cel_us(&r, 0x0800, 0x0101);
	dc_pdata(&m, 1, true, &r, 1000, 1);
	dc_expect_bad(&m, 0, MAL_DICOM_BAD_COMMAND, 1);
	/* Element running past the command set; US of 3 bytes. */
	m.n = r.n = 0;
	cel_us(&r, 0x0100, 0x0030);
	l16(&r, 0);
	l16(&r, 0x0800);
	l32(&r, 10);
	l16(&r, 0x0101);
	dc_pdata(&m, 1, true, &r, 1000, 1);
	dc_expect_bad(&m, 0, MAL_DICOM_BAD_COMMAND, 1);
	m.n = r.n = 0;
	cel(&r, 0x0100, "\x30\0\0", 3);
	cel_us(&r, 0x0800, 0x0101);
	dc_pdata(&m, 1, true, &r, 1000, 1);
	dc_expect_bad(&m, 0, MAL_DICOM_BAD_COMMAND, 1);
	/* Move destination: 16 bytes pass, 17 fail. */
	memset(ae17, 'M', sizeof(ae17));
	for (int extra = 0; extra < 2; extra++) {
		m.n = r.n = cmd.n = 0;
		cel_uid(&r, 0x0002, "1.2.840.10008.5.1.4.1.2.2.2");
		cel_us(&r, 0x0100, 0x0021);
		cel_us(&r, 0x0110, 5);
		cel(&r, 0x0600, ae17, 16 + (size_t)extra);
		cel_us(&r, 0x0800, 0x0101);
		dc_command(&cmd, &r);
		dc_pdata(&m, 1, true, &cmd, 1000, 1);
		dc_expect_bad(&m, 0, MAL_DICOM_BAD_COMMAND, (uint64_t)extra);
	}
	/* A command set of 4096 bytes passes, 4097 fails. */
	for (int extra = 0; extra < 2; extra++) {
		m.n = r.n = cmd.n = 0;
		cel_us(&r, 0x0100, 0x0030);
		cel_us(&r, 0x0800, 0x0101);
		/* Error comment padding up to the size wanted. */
		l16(&r, 0);
		l16(&r, 0x0902);
		l32(&r, 4096 - 20 - 8 + (uint32_t)extra);
		while (r.n < 4096 + (size_t)extra)
			b8(&r, 'c');
		dc_pdata(&m, 1, true, &r, 1000, 1);
		dc_expect_bad(&m, 0, MAL_DICOM_BAD_COMMAND, (uint64_t)extra);
	}
	bfree(&m);
	bfree(&r);
	bfree(&cmd);
}

/* A store command then the data set ds as-is, on context 3. */
static void
store_with(struct buf *m, const struct buf *ds)
{
	struct buf cmd = { 0 };

	store_rq(&cmd, 1);
	dc_pdata(m, 3, true, &cmd, 1000, 1);
	dc_pdata(m, 3, false, ds, 1000, 1);
	bfree(&cmd);
}

/* After an association in explicit VR LE, ds gives n bad elements. */
static void
expect_bad_ds(const struct buf *ds, uint64_t n)
{
	for (size_t slice = 0; slice < 2; slice++) {
		struct buf m = { 0 };
		struct dct t;

		dct_init(&t);
		build_rq(&m, TS_EXPL);
		dc_feedb(&t, 0, &m, 0);
		m.n = 0;
		build_ac(&m, TS_EXPL, 0);
		dc_feedb(&t, 1, &m, 0);
		m.n = 0;
		store_with(&m, ds);
		dc_feedb(&t, 0, &m, slice);
		assert_int_equal(t.fx.mal.n[MAL_DICOM_BAD_ELEMENT], n);
		assert_int_equal(malform_total(&t.fx.mal), n);
		dct_free(&t);
		bfree(&m);
	}
}

static void
dc_nest(struct buf *ds, int levels)
{
	for (int i = 0; i < levels; i++) {
		el_head(ds, EXPL, 0x0008, 0x1110, "SQ", 0xffffffff);
		el_head(ds, EXPL, 0xfffe, 0xe000, NULL, 0xffffffff);
	}
	el_str(ds, EXPL, 0x0010, 0x0010, "PN", PAT_NAME);
	for (int i = 0; i < levels; i++) {
		el_head(ds, EXPL, 0xfffe, 0xe00d, NULL, 0);
		el_head(ds, EXPL, 0xfffe, 0xe0dd, NULL, 0);
	}
}

static void
test_bad_element(void **state)
{
	struct buf ds = { 0 };

	(void)state;
	/* Unknown VR. */
	e16(&ds, EXPL, 0x0008);
	e16(&ds, EXPL, 0x0070);
	bstr(&ds, "ZZ");
	l16(&ds, 2);
	bstr(&ds, "GE");
	expect_bad_ds(&ds, 1);
	/* The data set ends inside a value. */
	ds.n = 0;
	el_head(&ds, EXPL, 0x0008, 0x0070, "LO", 20);
	bstr(&ds, "GE");
	expect_bad_ds(&ds, 1);
	/* ... inside a header, inside an open sequence. */
	ds.n = 0;
	el_str(&ds, EXPL, 0x0008, 0x0060, "CS", "MR");
	bstr(&ds, "\x08\x00");
	expect_bad_ds(&ds, 1);
	ds.n = 0;
	el_head(&ds, EXPL, 0x0008, 0x1110, "SQ", 0xffffffff);
	expect_bad_ds(&ds, 1);
	/* An element that runs past its defined-length item. */
	ds.n = 0;
	el_head(&ds, EXPL, 0x0008, 0x1110, "SQ", 8 + 10);
	el_head(&ds, EXPL, 0xfffe, 0xe000, NULL, 10);
	el_head(&ds, EXPL, 0x0008, 0x0070, "LO", 4);
	bstr(&ds, "ABCD");
	expect_bad_ds(&ds, 1);
	/* Delimiters out of place; an element directly in a sequence. */
	ds.n = 0;
	el_head(&ds, EXPL, 0xfffe, 0xe0dd, NULL, 0);
	expect_bad_ds(&ds, 1);
	ds.n = 0;
	el_head(&ds, EXPL, 0x0008, 0x1110, "SQ", 0xffffffff);
	el_str(&ds, EXPL, 0x0008, 0x0070, "LO", "GE");
	expect_bad_ds(&ds, 1);
	ds.n = 0;
	el_head(&ds, EXPL, 0x0008, 0x1110, "SQ", 0xffffffff);
	el_head(&ds, EXPL, 0xfffe, 0xe0dd, NULL, 4);
	expect_bad_ds(&ds, 1);
	/* Undefined length on a plain value. */
	ds.n = 0;
	el_head(&ds, EXPL, 0x0008, 0x2111, "UT", 0xffffffff);
	expect_bad_ds(&ds, 1);
	/* Nesting: 8 sequences (16 levels) pass, 9 fail. */
	ds.n = 0;
	dc_nest(&ds, 8);
	expect_bad_ds(&ds, 0);
	ds.n = 0;
	dc_nest(&ds, 9);
	expect_bad_ds(&ds, 1);
	/* A 200-byte Manufacturer is kept to 128 bytes: not malformed. */
	ds.n = 0;
	el_head(&ds, EXPL, 0x0008, 0x0070, "LO", 200);
	for (int i = 0; i < 200; i++)
		b8(&ds, 'A' + i % 26);
	expect_bad_ds(&ds, 0);
	bfree(&ds);
}

/* Patient tags inside sequences are reported; PHI never quoted. */
static void
test_phi_nested(void **state)
{
	struct buf m = { 0 }, ds = { 0 };
	struct dct t;
	const struct observation *o;

	(void)state;
	dc_nest(&ds, 3);
	store_with(&m, &ds);
	dct_init(&t);
	dc_feedb(&t, 0, &m, 0);
	o = nth(&t.fx, OBS_PHI, 0);
	assert_non_null(o);
	assert_str(o, "tags", "(0010,0010)");
	assert_str(o, "names", "PatientName");
	assert_str(o, "command", "C-STORE-RQ");
	/* No identifying attribute: no data set observation. */
	assert_null(dicom_pdu(&t, "dataset", 0));
	assert_never_quoted(&t, patient_values);
	dct_free(&t);

	/*
	 * Attributes are reported at the first element past them; a patient
	 * tag found later (in a sequence) is reported at the end, apart.
	 */
	m.n = ds.n = 0;
	el_str(&ds, EXPL, 0x0008, 0x0070, "LO", "ACME");
	el_str(&ds, EXPL, 0x0010, 0x0020, "LO", PAT_ID);
	el_head(&ds, EXPL, 0x0040, 0x0275, "SQ", 0xffffffff);
	el_head(&ds, EXPL, 0xfffe, 0xe000, NULL, 0xffffffff);
	el_str(&ds, EXPL, 0x0010, 0x0010, "PN", PAT_NAME);
	el_head(&ds, EXPL, 0xfffe, 0xe00d, NULL, 0);
	el_head(&ds, EXPL, 0xfffe, 0xe0dd, NULL, 0);
	store_with(&m, &ds);
	dct_init(&t);
	dc_feedb(&t, 0, &m, 1);
	assert_int_equal(count_kind(&t.fx, OBS_PHI), 2);
	assert_str(nth(&t.fx, OBS_PHI, 0), "tags", "(0010,0020)");
	assert_str(nth(&t.fx, OBS_PHI, 1), "tags", "(0010,0010)");
	assert_int_equal(get_u64(nth(&t.fx, OBS_PHI, 1), "count"), 1);
	o = dicom_pdu(&t, "dataset", 0);
	assert_str(o, "manufacturer", "ACME");
	assert_null(dicom_pdu(&t, "dataset", 1));
	assert_int_equal(malform_total(&t.fx.mal), 0);
	assert_never_quoted(&t, patient_values);
	dct_free(&t);
	bfree(&m);
	bfree(&ds);
}

/* A UN element of undefined length holds implicit VR LE (PS3.5 6.2.2). */
static void
test_un_sequence(void **state)
{
	struct buf m = { 0 }, ds = { 0 };
	struct dct t;

	(void)state;
	el_head(&ds, EXPL, 0x0009, 0x1010, "UN", 0xffffffff);
	el_head(&ds, IMPL, 0xfffe, 0xe000, NULL, 0xffffffff);
	el_str(&ds, IMPL, 0x0010, 0x0020, NULL, PAT_ID);
	el_head(&ds, IMPL, 0xfffe, 0xe00d, NULL, 0);
	el_head(&ds, IMPL, 0xfffe, 0xe0dd, NULL, 0);
	el_str(&ds, EXPL, 0x0008, 0x0060, "CS", "US");
	store_with(&m, &ds);
	dct_init(&t);
	dc_feedb(&t, 0, &m, 0);
	assert_int_equal(malform_total(&t.fx.mal), 0);
	assert_str(dicom_pdu(&t, "dataset", 0), "modality", "US");
	assert_str(nth(&t.fx, OBS_PHI, 0), "names", "PatientID");
	dct_free(&t);
	bfree(&m);
	bfree(&ds);
}

/* Deflated data sets are skipped whole, without complaint. */
static void
test_deflate_skipped(void **state)
{
	struct buf m = { 0 }, cmd = { 0 }, junk = { 0 };
	struct dct t;

	(void)state;
	dct_init(&t);
	build_rq(&m, "1.2.840.10008.1.2.1.99");
	dc_feedb(&t, 0, &m, 0);
	m.n = 0;
	build_ac(&m, "1.2.840.10008.1.2.1.99", 0);
	dc_feedb(&t, 1, &m, 0);
	m.n = 0;
	store_rq(&cmd, 1);
	dc_pdata(&m, 3, true, &cmd, 1000, 1);
	bstr(&junk, "\x78\x9c\xff\xff\x00\x01\x02\x03 deflated bytes");
	dc_pdata(&m, 3, false, &junk, 1000, 1);
	dc_feedb(&t, 0, &m, 0);
	assert_int_equal(malform_total(&t.fx.mal), 0);
	assert_null(dicom_pdu(&t, "dataset", 0));
	assert_non_null(dicom_pdu(&t, "command", 0));
	dct_free(&t);
	bfree(&m);
	bfree(&cmd);
	bfree(&junk);
}

/* A gap loses the direction's framing; the other goes on. */
static void
test_gap(void **state)
{
	struct buf m = { 0 };
	struct dct t;

	(void)state;
	dct_init(&t);
	dc_short(&m, 5, 0, 0, 0);
	t.fx.ctx.dir = 0;
	dissector_dicom.gap(&t.fx.ctx, t.st);
	dc_feedb(&t, 0, &m, 0);
	assert_null(dicom_pdu(&t, "release_rq", 0));
	m.n = 0;
	dc_short(&m, 6, 0, 0, 0);
	dc_feedb(&t, 1, &m, 0);
	assert_non_null(dicom_pdu(&t, "release_rp", 0));
	dct_free(&t);
	bfree(&m);
}

/* A JWT (type 5): the kind is reported, never the token. */
static void
test_user_identity_jwt(void **state)
{
	struct buf m = { 0 }, body = { 0 }, ui = { 0 }, sub = { 0 };
	static const char *const secrets[] = { "eyJhbGciOi", NULL };
	struct dct t;
	const struct observation *o;

	(void)state;
	assoc_head(&body, "PACS", "CLIENT");
	dc_pc_rq(&body, 1, VERIFY, TS_IMPL, NULL);
	b8(&sub, 5);
	b8(&sub, 1);
	b16(&sub, 10);
	bstr(&sub, "eyJhbGciOi");
	b16(&sub, 0);
	dc_item(&ui, 0x58, sub.b, sub.n);
	dc_item(&body, 0x50, ui.b, ui.n);
	dc_pdu(&m, 1, &body);
	dct_init(&t);
	dc_feedb(&t, 0, &m, 0);
	assert_int_equal(get_u64(dicom_pdu(&t, "associate_rq", 0),
	    "user_identity"), 5);
	o = nth(&t.fx, OBS_CREDENTIAL, 0);
	assert_non_null(o);
	assert_str(o, "scheme", "jwt");
	assert_null(obs_get(o, "user"));
	assert_false(get_bool(o, "password"));
	assert_str(o, "target", "PACS");
	assert_never_quoted(&t, secrets);
	assert_int_equal(malform_total(&t.fx.mal), 0);
	dct_free(&t);
	bfree(&m);
	bfree(&body);
	bfree(&ui);
	bfree(&sub);
}

/* Every prefix of a whole conversation: no crash, no false observation. */
static void
test_truncations(void **state)
{
	struct buf m = { 0 }, cmd = { 0 }, ds = { 0 };

	(void)state;
	build_rq(&m, TS_EXPL);
	store_rq(&cmd, 1);
	dc_pdata(&m, 3, true, &cmd, 30, 2);
	ct_dataset(&ds, EXPL, true);
	dc_pdata(&m, 3, false, &ds, 100, 2);
	for (size_t len = 0; len < m.n; len++) {
		struct dct t;

		dct_init(&t);
		dc_feed(&t, 0, m.b, len, 0);
		/*
		 * A prefix is just unfinished, never malformed; what it
		 * reports (once past the last identifying attribute) is
		 * right and quotes nothing.
		 */
		assert_int_equal(malform_total(&t.fx.mal), 0);
		assert_true(count_kind(&t.fx, OBS_PHI) <= 1);
		if (count_kind(&t.fx, OBS_PHI) == 1)
			assert_str(nth(&t.fx, OBS_PHI, 0), "tags",
			    "(0010,0020);(0010,0010);(0010,0030)");
		assert_never_quoted(&t, patient_values);
		dct_free(&t);
	}
	bfree(&m);
	bfree(&cmd);
	bfree(&ds);
}

static void
test_probe_and_table(void **state)
{
	struct buf m = { 0 }, cmd = { 0 };
	const struct dissector *const *d;
	bool found = false;

	(void)state;
	build_rq(&m, TS_EXPL);
	assert_true(dissector_dicom.probe(m.b, m.n, 0));
	assert_true(dissector_dicom.probe(m.b, 10, 0));
	assert_false(dissector_dicom.probe(m.b, 7, 0));
	m.b[7] = 0;	/* protocol version 0 */
	assert_false(dissector_dicom.probe(m.b, m.n, 0));
	m.n = 0;
	echo_rq(&cmd, 1);
	dc_pdata(&m, 1, true, &cmd, 1000, 1);
	assert_true(dissector_dicom.probe(m.b, m.n, 0));
	m.b[10] = 2;	/* even context id */
	assert_false(dissector_dicom.probe(m.b, m.n, 0));
	assert_false(dissector_dicom.probe((const uint8_t *)"GET / HTTP/1.1\r\n",
	    16, 0));
	m.n = 0;
	dc_short(&m, 5, 0, 0, 0);
	assert_false(dissector_dicom.probe(m.b, m.n, 0));

	for (d = proto_dissectors; *d != NULL; d++)
		if (*d == &dissector_dicom)
			found = true;
	assert_true(found);
	assert_int_equal(dissector_dicom.ports[0], 104);
	assert_int_equal(dissector_dicom.ports[1], 11112);
	assert_int_equal(dissector_dicom.ports[2], 4242);
	assert_true(dissector_dicom.probe_any_port);
	assert_int_equal(dissector_dicom.l4proto, IPPROTO_TCP_);
	bfree(&m);
	bfree(&cmd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_assoc_rq),
		cmocka_unit_test(test_assoc_ac),
		cmocka_unit_test(test_reject_release_abort),
		cmocka_unit_test(test_echo),
		cmocka_unit_test(test_store_implicit),
		cmocka_unit_test(test_store_explicit),
		cmocka_unit_test(test_store_big_endian),
		cmocka_unit_test(test_store_sniffed),
		cmocka_unit_test(test_store_huge),
		cmocka_unit_test(test_bad_pdu_type_and_lengths),
		cmocka_unit_test(test_negotiated_max),
		cmocka_unit_test(test_bad_items),
		cmocka_unit_test(test_context_cap),
		cmocka_unit_test(test_assoc_partial),
		cmocka_unit_test(test_bad_pdv),
		cmocka_unit_test(test_bad_command),
		cmocka_unit_test(test_bad_element),
		cmocka_unit_test(test_phi_nested),
		cmocka_unit_test(test_un_sequence),
		cmocka_unit_test(test_deflate_skipped),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_user_identity_jwt),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_probe_and_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
