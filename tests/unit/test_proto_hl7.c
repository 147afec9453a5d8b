/*
 * test_proto_hl7.c - HL7 v2 messages in MLLP blocks fed through stream()
 * whole, byte by byte and in two pieces at every offset; the fields they
 * give, the malformations they count, and that no patient value ever
 * reaches an observation.
 */
#include <stdio.h>

#include "proto_test.h"

#define SB "\x0b"
#define EB "\x1c\r"

static const char adt[] =
    "MSH|^~\\&|PHILIPS_IX|ICU|HIS|HOSP|20240101120000||ADT^A01^ADT_A01|"
    "MSG00001|P|2.5.1\r"
    "EVN|A01|20240101120000\r"
    "PID|1||123456^^^HOSP^MR||DOE^JOHN^Q||19700101|M|||"
    "1 MAIN ST^^BOSTON^MA^02110\r"
    "NK1|1|DOE^JANE|SPO\r"
    "PV1|1|I|ICU^101^A\r";

static const char oru[] =
    "MSH|^~\\&|PHILIPS_IX|ICU|HIS|HOSP|20240101120500+0100||ORU^R01^ORU_R01|"
    "MSG00002|P|2.6\r"
    "PID|1||654321^^^HOSP^MR||ROE^RICHARD\r"
    "OBR|1|||69837-1^Vital signs^LN\r"
    "OBX|1|NM|8867-4^Heart rate^LN||72|/min|||||F|||20240101120500||||"
    "0009FB0300C4E1A2^PHILIPS^0009FB0300C4E1A2^EUI-64\r"
    "OBX|2|NM|8480-6^Systolic^LN||120|mm[Hg]|||||F|||20240101120500||||"
    "0009FB0300C4E1A2^PHILIPS^0009FB0300C4E1A2^EUI-64~MX450\r"
    "PRT|1|AD||EQUIP||||||||||||00884838003288^FDA^2.16.840.1.113883.3.3719^ISO\r";

static const char ack[] =
    "MSH|^~\\&|HIS|HOSP|PHILIPS_IX|ICU|20240101120001||ACK^A01^ACK|"
    "ACK00001|P|2.5.1\r"
    "MSA|AA|MSG00001\r";

/* Values of the patient segments above: none may appear anywhere. */
static const char *const phi_values[] = {
	"123456", "654321", "DOE", "JOHN", "JANE", "ROE", "RICHARD",
	"19700101", "MAIN ST", "BOSTON", "02110", "ICU^101", "Heart rate",
	"72", "Systolic", "SECRET",
};

/* SB text EB CR, appended to m. */
static void
put_frame(struct msg *m, const char *text)
{
	putbytes(m, SB, 1);
	putbytes(m, text, strlen(text));
	putbytes(m, EB, 2);
}

static void *
hl7_new(void)
{
	void *st = calloc(1, dissector_hl7.state_size);

	assert_non_null(st);
	return st;
}

static void
feed(struct fixture *fx, void *st, int dir, const void *p, size_t n)
{
	fx->ctx.dir = dir;
	dissector_hl7.stream(&fx->ctx, st, p, n);
}

static void
assert_no_phi(const struct fixture *fx)
{
	for (size_t i = 0; i < fx->col->n; i++) {
		const struct observation *o = &fx->col->o[i];

		for (size_t j = 0; j < o->nfields; j++) {
			if (o->f[j].type != OV_STR)
				continue;
			for (size_t k = 0; k < sizeof(phi_values) /
			    sizeof(phi_values[0]); k++) {
				if (strstr(o->f[j].v.str.s, phi_values[k]) !=
				    NULL)
					fail_msg("%s=%s quotes patient data",
					    o->f[j].key, o->f[j].v.str.s);
			}
		}
	}
}

/* The i-th hl7 observation and the j-th phi one are the ADT's. */
static void
check_adt(const struct fixture *fx, size_t i, size_t j)
{
	const struct observation *o = nth(fx, OBS_HL7, i), *p;

	assert_non_null(o);
	assert_str(o, "sending_app", "PHILIPS_IX");
	assert_str(o, "sending_facility", "ICU");
	assert_str(o, "receiving_app", "HIS");
	assert_str(o, "receiving_facility", "HOSP");
	assert_str(o, "timestamp", "20240101120000");
	assert_str(o, "message_type", "ADT");
	assert_str(o, "trigger", "A01");
	assert_str(o, "message_structure", "ADT_A01");
	assert_str(o, "control_id", "MSG00001");
	assert_str(o, "processing_id", "P");
	assert_str(o, "version", "2.5.1");
	assert_str(o, "segments", "MSH,EVN,PID,NK1,PV1");
	assert_int_equal(get_u64(o, "segment_count"), 5);
	assert_null(obs_get(o, "ack_code"));
	assert_null(obs_get(o, "equipment"));
	assert_null(obs_get(o, "separators"));
	assert_null(obs_get(o, "truncated"));
	assert_subject_ip(o, "10.1.0.20");
	assert_true(o->has_mac);

	p = nth(fx, OBS_PHI, j);
	assert_non_null(p);
	assert_str(p, "proto", "hl7");
	assert_str(p, "segments", "PID,NK1,PV1");
	assert_list(p, "pid_fields", "1,3,5,7,8,11");
	assert_str(p, "message_type", "ADT");
	assert_str(p, "control_id", "MSG00001");
	assert_subject_ip(p, "10.1.0.20");
}

static void
fx_init(struct fixture *fx)
{
	fixture_init(fx, "10.1.0.20", "10.1.0.5", 40000, 6661, IPPROTO_TCP_);
}

static void
test_adt_ack(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 }, a = { .n = 0 };
	const struct observation *o;
	void *st = hl7_new();

	(void)state;
	fx_init(&fx);
	put_frame(&m, adt);
	put_frame(&a, ack);
	assert_true(dissector_hl7.probe(m.b, m.n, 0));
	feed(&fx, st, 0, m.b, m.n);
	assert_int_equal(count_kind(&fx, OBS_HL7), 1);
	check_adt(&fx, 0, 0);

	/* The ACK comes back from the responder. */
	assert_int_equal(addr_parse("10.1.0.5", &fx.pkt.src), 0);
	feed(&fx, st, 1, a.b, a.n);
	assert_int_equal(count_kind(&fx, OBS_HL7), 2);
	assert_int_equal(count_kind(&fx, OBS_PHI), 1);
	o = nth(&fx, OBS_HL7, 1);
	assert_str(o, "sending_app", "HIS");
	assert_str(o, "message_type", "ACK");
	assert_str(o, "trigger", "A01");
	assert_str(o, "control_id", "ACK00001");
	assert_str(o, "ack_code", "AA");
	assert_str(o, "ack_control_id", "MSG00001");
	assert_str(o, "segments", "MSH,MSA");
	assert_subject_ip(o, "10.1.0.5");
	assert_malformed(&fx, MAL_HL7_BAD_FRAMING, 0);
	assert_no_phi(&fx);
	dissector_hl7.end(&fx.ctx, st);
	assert_int_equal(malform_total(&fx.mal), 0);
	dissector_hl7.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);
}

static void
test_oru_devices(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };
	const struct observation *o, *p;
	void *st = hl7_new();

	(void)state;
	fx_init(&fx);
	put_frame(&m, oru);
	feed(&fx, st, 0, m.b, m.n);
	o = nth(&fx, OBS_HL7, 0);
	assert_non_null(o);
	assert_str(o, "timestamp", "20240101120500+0100");
	assert_str(o, "message_type", "ORU");
	assert_str(o, "trigger", "R01");
	assert_str(o, "message_structure", "ORU_R01");
	assert_str(o, "version", "2.6");
	assert_str(o, "segments", "MSH,PID,OBR,OBX,OBX,PRT");
	/* Distinct values of every repetition of every OBX-18. */
	assert_str(o, "equipment",
	    "0009FB0300C4E1A2^PHILIPS^0009FB0300C4E1A2^EUI-64,MX450");
	assert_str(o, "udi",
	    "00884838003288^FDA^2.16.840.1.113883.3.3719^ISO");
	p = nth(&fx, OBS_PHI, 0);
	assert_non_null(p);
	assert_str(p, "segments", "PID,OBR,OBX");
	assert_list(p, "pid_fields", "1,3,5");
	assert_malformed(&fx, MAL_HL7_BAD_MSH, 0);
	assert_no_phi(&fx);
	dissector_hl7.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);
}

/* MSH-1 '#', MSH-2 "$*!%": nothing assumes '|^~\&'. */
static void
test_separators(void **state)
{
	static const char text[] =
	    "MSH#$*!%#MON!F!1#FAC$1.2.3$ISO#RAPP#RFAC#20240102#SECRET#"
	    "ADT$A04$ADT_A01#C1#T$I#2.3.1\r"
	    "PID#1##SECRET$$$H#PAT|NAME\r"
	    "OBX#1#ST#X##SECRET#############DEV1*DEV2\r";
	struct fixture fx;
	struct msg m = { .n = 0 };
	const struct observation *o;
	void *st = hl7_new();

	(void)state;
	fx_init(&fx);
	put_frame(&m, text);
	feed(&fx, st, 0, m.b, m.n);
	o = nth(&fx, OBS_HL7, 0);
	assert_non_null(o);
	/* \F\ is the field separator, the components joined with '^'. */
	assert_str(o, "sending_app", "MON#1");
	assert_str(o, "sending_facility", "FAC^1.2.3^ISO");
	assert_str(o, "receiving_app", "RAPP");
	assert_str(o, "message_type", "ADT");
	assert_str(o, "trigger", "A04");
	assert_str(o, "message_structure", "ADT_A01");
	assert_str(o, "control_id", "C1");
	assert_str(o, "processing_id", "T");
	assert_str(o, "version", "2.3.1");
	assert_str(o, "separators", "#$*!%");
	assert_str(o, "segments", "MSH,PID,OBX");
	assert_str(o, "equipment", "DEV1,DEV2");
	assert_list(nth(&fx, OBS_PHI, 0), "pid_fields", "1,3,4");
	assert_int_equal(malform_total(&fx.mal), 0);
	assert_no_phi(&fx);
	dissector_hl7.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);
}

/* Byte by byte, and in two pieces split at every offset. */
static void
test_split_everywhere(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };
	void *st;

	(void)state;
	put_frame(&m, adt);
	fx_init(&fx);
	st = hl7_new();
	for (size_t i = 0; i < m.n; i++)
		feed(&fx, st, 0, m.b + i, 1);
	assert_int_equal(count_kind(&fx, OBS_HL7), 1);
	check_adt(&fx, 0, 0);
	assert_int_equal(malform_total(&fx.mal), 0);
	dissector_hl7.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);

	for (size_t cut = 0; cut <= m.n; cut++) {
		fx_init(&fx);
		st = hl7_new();
		feed(&fx, st, 0, m.b, cut);
		feed(&fx, st, 0, m.b + cut, m.n - cut);
		assert_int_equal(count_kind(&fx, OBS_HL7), 1);
		check_adt(&fx, 0, 0);
		assert_int_equal(malform_total(&fx.mal), 0);
		dissector_hl7.end(&fx.ctx, st);
		free(st);
		fixture_free(&fx);
	}
}

/* Two directions interleaved byte by byte keep their own buffers. */
static void
test_directions_interleaved(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 }, a = { .n = 0 };
	void *st = hl7_new();

	(void)state;
	fx_init(&fx);
	put_frame(&m, adt);
	put_frame(&a, ack);
	for (size_t i = 0; i < m.n || i < a.n; i++) {
		if (i < m.n)
			feed(&fx, st, 0, m.b + i, 1);
		if (i < a.n)
			feed(&fx, st, 1, a.b + i, 1);
	}
	assert_int_equal(count_kind(&fx, OBS_HL7), 2);
	assert_str(nth(&fx, OBS_HL7, 0), "ack_code", "AA");
	check_adt(&fx, 1, 0);
	assert_int_equal(malform_total(&fx.mal), 0);
	dissector_hl7.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);
}

static void
test_two_in_one(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };
	void *st = hl7_new();

	(void)state;
	fx_init(&fx);
	put_frame(&m, adt);
	put_frame(&m, oru);
	feed(&fx, st, 0, m.b, m.n);
	assert_int_equal(count_kind(&fx, OBS_HL7), 2);
	check_adt(&fx, 0, 0);
	assert_str(nth(&fx, OBS_HL7, 1), "message_type", "ORU");
	assert_int_equal(count_kind(&fx, OBS_PHI), 2);
	assert_int_equal(malform_total(&fx.mal), 0);
	dissector_hl7.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);
}

static void
test_garbage(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };
	void *st = hl7_new();

	(void)state;
	fx_init(&fx);
	putbytes(&m, "junk", 4);
	put_frame(&m, adt);
	putbytes(&m, "\r\nmore junk\r\n", 13);
	put_frame(&m, ack);
	/* One run of junk split over two segments counts once. */
	feed(&fx, st, 0, m.b, 2);
	feed(&fx, st, 0, m.b + 2, m.n - 2);
	assert_int_equal(count_kind(&fx, OBS_HL7), 2);
	check_adt(&fx, 0, 0);
	assert_str(nth(&fx, OBS_HL7, 1), "ack_code", "AA");
	assert_malformed(&fx, MAL_HL7_BAD_FRAMING, 2);
	dissector_hl7.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);
}

static void
test_missing_trailer(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };
	void *st = hl7_new();

	(void)state;
	/* SB ADT (no EB CR) SB ACK EB CR: the ADT is read, flagged. */
	fx_init(&fx);
	putbytes(&m, SB, 1);
	putbytes(&m, adt, strlen(adt));
	put_frame(&m, ack);
	feed(&fx, st, 0, m.b, m.n);
	assert_int_equal(count_kind(&fx, OBS_HL7), 2);
	assert_str(nth(&fx, OBS_HL7, 0), "control_id", "MSG00001");
	assert_true(get_bool(nth(&fx, OBS_HL7, 0), "truncated"));
	assert_null(obs_get(nth(&fx, OBS_HL7, 1), "truncated"));
	assert_malformed(&fx, MAL_HL7_BAD_FRAMING, 1);
	dissector_hl7.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);

	/* EB without CR. */
	fx_init(&fx);
	st = hl7_new();
	m.n = 0;
	putbytes(&m, SB, 1);
	putbytes(&m, adt, strlen(adt));
	putbytes(&m, "\x1c", 1);
	put_frame(&m, ack);
	feed(&fx, st, 0, m.b, m.n);
	assert_int_equal(count_kind(&fx, OBS_HL7), 2);
	check_adt(&fx, 0, 0);
	assert_malformed(&fx, MAL_HL7_BAD_FRAMING, 1);
	dissector_hl7.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);

	/* The stream ends inside a block: end() reads what there is. */
	fx_init(&fx);
	st = hl7_new();
	m.n = 0;
	putbytes(&m, SB, 1);
	putbytes(&m, adt, strlen(adt));
	feed(&fx, st, 0, m.b, m.n);
	assert_int_equal(count_kind(&fx, OBS_HL7), 0);
	fx.ctx.pkt = NULL;
	dissector_hl7.end(&fx.ctx, st);
	assert_int_equal(count_kind(&fx, OBS_HL7), 1);
	assert_str(nth(&fx, OBS_HL7, 0), "control_id", "MSG00001");
	assert_true(get_bool(nth(&fx, OBS_HL7, 0), "truncated"));
	assert_malformed(&fx, MAL_HL7_BAD_FRAMING, 1);
	dissector_hl7.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);
}

static void
test_too_long(void **state)
{
	static const char obx[] = "OBX|1|ST|NOTE||SECRET SECRET SECRET\r";
	struct fixture fx;
	struct msg m = { .n = 0 };
	size_t n = 0, cap = 200000;
	uint8_t *big = malloc(cap);
	void *st = hl7_new();

	(void)state;
	assert_non_null(big);
	fx_init(&fx);
	big[n++] = 0x0b;
	memcpy(big + n, oru, strlen(oru));
	n += strlen(oru);
	while (n + sizeof(obx) < cap - 2) {
		memcpy(big + n, obx, sizeof(obx) - 1);
		n += sizeof(obx) - 1;
	}
	big[n++] = 0x1c;
	big[n++] = 0x0d;
	/* In pieces of 1000 bytes, then a normal message after it. */
	for (size_t off = 0; off < n; off += 1000)
		feed(&fx, st, 0, big + off, n - off < 1000 ? n - off : 1000);
	put_frame(&m, ack);
	feed(&fx, st, 0, m.b, m.n);
	assert_int_equal(count_kind(&fx, OBS_HL7), 2);
	assert_str(nth(&fx, OBS_HL7, 0), "message_type", "ORU");
	assert_str(nth(&fx, OBS_HL7, 0), "udi",
	    "00884838003288^FDA^2.16.840.1.113883.3.3719^ISO");
	assert_true(get_bool(nth(&fx, OBS_HL7, 0), "truncated"));
	assert_null(obs_get(nth(&fx, OBS_HL7, 1), "truncated"));
	assert_str(nth(&fx, OBS_HL7, 1), "ack_code", "AA");
	assert_malformed(&fx, MAL_HL7_FRAME_TOO_LONG, 1);
	assert_no_phi(&fx);
	free(big);
	dissector_hl7.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);
}

static void
test_lf(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };
	char text[sizeof(adt)];
	char crlf[2 * sizeof(adt)];
	size_t k = 0;
	void *st = hl7_new();

	(void)state;
	/* LF alone. */
	memcpy(text, adt, sizeof(adt));
	for (size_t i = 0; text[i] != '\0'; i++)
		if (text[i] == '\r')
			text[i] = '\n';
	fx_init(&fx);
	put_frame(&m, text);
	feed(&fx, st, 0, m.b, m.n);
	assert_int_equal(count_kind(&fx, OBS_HL7), 1);
	check_adt(&fx, 0, 0);
	assert_malformed(&fx, MAL_HL7_LF_SEPARATOR, 1);
	dissector_hl7.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);

	/* CR LF. */
	for (size_t i = 0; adt[i] != '\0'; i++) {
		crlf[k++] = adt[i];
		if (adt[i] == '\r')
			crlf[k++] = '\n';
	}
	crlf[k] = '\0';
	fx_init(&fx);
	st = hl7_new();
	m.n = 0;
	put_frame(&m, crlf);
	feed(&fx, st, 0, m.b, m.n);
	assert_int_equal(count_kind(&fx, OBS_HL7), 1);
	check_adt(&fx, 0, 0);
	assert_malformed(&fx, MAL_HL7_LF_SEPARATOR, 1);
	dissector_hl7.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);
}

static void
test_bad_msh(void **state)
{
	static const char *const bad[] = {
		"MSH",				/* no field separator */
		"MSHA^~\\&A",			/* a letter as separator */
		"MSH|^^\\&|A|B",		/* repeated encoding character */
		"MSH||A|B",			/* no encoding characters */
		"MSH|^~\\&|A|B|C|D|2024||",	/* no message type */
		"PID|1||SECRET\rMSH",		/* not MSH first, then bad */
	};
	static const uint64_t want[] = { 1, 1, 1, 1, 1, 2 };
	struct fixture fx;
	struct msg m;
	void *st;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fx_init(&fx);
		st = hl7_new();
		m.n = 0;
		put_frame(&m, bad[i]);
		feed(&fx, st, 0, m.b, m.n);
		assert_malformed(&fx, MAL_HL7_BAD_MSH, want[i]);
		/* Only the one without MSH-9 is still reported. */
		assert_int_equal(count_kind(&fx, OBS_HL7), i == 4 ? 1 : 0);
		assert_no_phi(&fx);
		dissector_hl7.end(&fx.ctx, st);
		free(st);
		fixture_free(&fx);
	}

	/* A bad segment name spoils only itself. */
	fx_init(&fx);
	st = hl7_new();
	m.n = 0;
	put_frame(&m, "MSH|^~\\&|A|B|C|D|2024||ACK|1|P|2.5\rmsa|AA|1\rMSA|AE|2\r");
	feed(&fx, st, 0, m.b, m.n);
	assert_malformed(&fx, MAL_HL7_BAD_SEGMENT, 1);
	assert_str(nth(&fx, OBS_HL7, 0), "segments", "MSH,MSA");
	assert_str(nth(&fx, OBS_HL7, 0), "ack_code", "AE");
	dissector_hl7.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);
}

/* A batch: FHS, BHS, two messages, BTS, FTS in one block. */
static void
test_batch(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };
	char text[1024];
	void *st = hl7_new();

	(void)state;
	fx_init(&fx);
	assert_true((size_t)snprintf(text, sizeof(text),
	    "FHS|^~\\&|A\rBHS|^~\\&|A\r%s%sBTS|2\rFTS|1\r", ack, ack) <
	    sizeof(text));
	put_frame(&m, text);
	assert_true(dissector_hl7.probe(m.b, m.n, 0));
	feed(&fx, st, 0, m.b, m.n);
	assert_int_equal(count_kind(&fx, OBS_HL7), 2);
	assert_str(nth(&fx, OBS_HL7, 0), "segments", "MSH,MSA");
	assert_str(nth(&fx, OBS_HL7, 1), "segments", "MSH,MSA,BTS,FTS");
	assert_int_equal(malform_total(&fx.mal), 0);
	dissector_hl7.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);
}

/* After a hole the block in progress is dropped, silently. */
static void
test_gap(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 }, a = { .n = 0 };
	void *st = hl7_new();

	(void)state;
	fx_init(&fx);
	put_frame(&m, adt);
	put_frame(&a, ack);
	feed(&fx, st, 0, m.b, 40);
	dissector_hl7.gap(&fx.ctx, st);
	feed(&fx, st, 0, m.b + 60, m.n - 60);
	feed(&fx, st, 0, a.b, a.n);
	assert_int_equal(count_kind(&fx, OBS_HL7), 1);
	assert_str(nth(&fx, OBS_HL7, 0), "ack_code", "AA");
	assert_int_equal(malform_total(&fx.mal), 0);
	dissector_hl7.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);
}

/* Every prefix of a conversation, then end(): nothing crashes. */
static void
test_prefixes(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };
	void *st;

	(void)state;
	put_frame(&m, oru);
	put_frame(&m, "MSH#$*!%#A!X41!!Z!#B!\rPID#1\r");
	for (size_t len = 0; len <= m.n; len++) {
		uint8_t *p = malloc(len > 0 ? len : 1);

		assert_non_null(p);
		memcpy(p, m.b, len);
		fx_init(&fx);
		st = hl7_new();
		feed(&fx, st, 0, p, len);
		dissector_hl7.end(&fx.ctx, st);
		assert_no_phi(&fx);
		dissector_hl7.end(&fx.ctx, st);
		free(st);
		free(p);
		fixture_free(&fx);
	}
}

static void
test_probe_and_table(void **state)
{
	const struct dissector *const *d;
	bool found = false;

	(void)state;
	assert_true(dissector_hl7.probe((const uint8_t *)SB "MSH|^~", 6, 0));
	assert_true(dissector_hl7.probe((const uint8_t *)SB "MS", 3, 0));
	assert_true(dissector_hl7.probe((const uint8_t *)SB, 1, 0));
	assert_true(dissector_hl7.probe((const uint8_t *)SB "BHS|", 5, 1));
	assert_false(dissector_hl7.probe((const uint8_t *)"MSH|^~", 6, 0));
	assert_false(dissector_hl7.probe((const uint8_t *)SB "GET ", 5, 0));
	assert_false(dissector_hl7.probe((const uint8_t *)SB "MSx", 4, 0));
	assert_false(dissector_hl7.probe((const uint8_t *)"", 0, 0));
	assert_true(dissector_hl7.probe_any_port);
	for (d = proto_dissectors; *d != NULL; d++)
		if (*d == &dissector_hl7)
			found = true;
	assert_true(found);
}

/* SFT (v2.5 section 2.15.12): the software that sent the message. */
static void
test_software_segment(void **state)
{
	static const char text[] =
	    "MSH|^~\\&|CSM|WARD3|HIS|HOSP|20240103||ORU^R01^ORU_R01|M3|P|"
	    "2.5.1\r"
	    "SFT|Other Vendor|9.9|Other Product\r"
	    "SFT|Welch Allyn^L^WA1|1.52|Connex Spot Monitor|BIN-77||20230501\r"
	    "OBX|1|NM|8867-4^Heart rate^LN||72|/min\r";
	static const char empty[] =
	    "MSH|^~\\&|A|B|C|D|20240103||ADT^A01|M4|P|2.5\r"
	    "SFT|||\r";
	struct fixture fx;
	struct msg m = { .n = 0 };
	const struct observation *o;
	void *st = hl7_new();

	(void)state;
	fx_init(&fx);
	put_frame(&m, text);
	put_frame(&m, empty);
	feed(&fx, st, 0, m.b, m.n);
	o = nth(&fx, OBS_HL7, 0);
	assert_non_null(o);
	/* The last SFT: the newest sender's; SFT-1.1 names it. */
	assert_str(o, "software_vendor", "Welch Allyn");
	assert_str(o, "software_version", "1.52");
	assert_str(o, "software_product", "Connex Spot Monitor");
	o = nth(&fx, OBS_HL7, 1);
	assert_non_null(o);
	assert_null(obs_get(o, "software_vendor"));
	assert_null(obs_get(o, "software_version"));
	assert_int_equal(malform_total(&fx.mal), 0);
	dissector_hl7.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_adt_ack),
		cmocka_unit_test(test_oru_devices),
		cmocka_unit_test(test_separators),
		cmocka_unit_test(test_software_segment),
		cmocka_unit_test(test_split_everywhere),
		cmocka_unit_test(test_directions_interleaved),
		cmocka_unit_test(test_two_in_one),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_missing_trailer),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_lf),
		cmocka_unit_test(test_bad_msh),
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_probe_and_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
