/*
 * hl7.c - HL7 v2 messages over MLLP: header, acknowledgement, device
 * identifiers and the list of segments; patient data by segment name only.
 *
 * Follows HL7 v2.x chapter 2 (message construction: segments, fields,
 * components, escape sequences, section 2.7; MSH, section 2.14.9; MSA,
 * section 2.14.8), chapter 7 (OBX-18 equipment instance identifier) and
 * v2.8 chapter 7 (PRT-16 UDI device identifier), framed by the Minimal Lower
 * Layer Protocol of HL7 v2 appendix C and the "MLLP release 2" transport
 * specification:
 *
 *   +------+------------------------------------------+------+------+
 *   | 0x0B | segments, each ended by CR (0x0D)        | 0x1C | 0x0D |
 *   | <SB> | MSH|^~\&|APP|FAC|...<CR>PID|...<CR>...   | <EB> | <CR> |
 *   +------+------------------------------------------+------+------+
 *
 *   MSH  <fs>  <cs><rs><ec><ss>[<tc>]  <fs> MSH-3 <fs> MSH-4 ... MSH-12 ...
 *        MSH-1 MSH-2: the separators every later byte is split with
 *
 * The message declares its own separators (MSH-1, MSH-2); none is assumed.
 * One `hl7` observation per message and, when the message identifies a
 * patient, one `phi` observation that names the segments (and the PID
 * fields present) but never quotes a value; see docs/observations.md.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ward/proto.h"
#include "proto-private.h"

#define HL7_PORT	2575	/* IANA "hl7" */
#define MIRTH_PORT	6661	/* Mirth Connect's default LLP listener */

#define MLLP_SB		0x0b	/* start block */
#define MLLP_EB		0x1c	/* end block */
#define MLLP_CR		0x0d

/* A message longer than this is parsed up to here, the rest skipped. */
#define HL7_MSG_MAX	65536
/* One reported string (an identifier, a timestamp). */
#define HL7_TEXT_MAX	256
/* The segment names joined with ',', cut beyond this. */
#define HL7_SEGS_MAX	1024
/* Distinct OBX-18 or PRT-16 identifiers joined with ',', cut beyond this. */
#define HL7_IDS_MAX	512
#define HL7_IDS_COUNT	8
/* PID fields looked at for the phi observation's pid_fields. */
#define HL7_PID_FIELDS	64
/* Repetitions of OBX-18 or PRT-16 read per segment. */
#define HL7_MAX_REPS	8

/* The separators a message declares in MSH-1 and MSH-2; -1 when absent. */
struct hl7_seps {
	int	 fs;	/* field */
	int	 cs;	/* component */
	int	 rs;	/* repetition */
	int	 ec;	/* escape */
	int	 ss;	/* subcomponent */
};

/*
 * Segments that carry patient data (chapters 3, 6, 4, 7: administration,
 * financial, orders, observations). The first group identifies the patient:
 * a message holding any of them gives a phi observation.
 */
static const char *const hl7_patient_segs[] = {
	"PID", "PD1", "NK1", "MRG", "GT1", "IN1", "IN2", "IN3",
#define HL7_IDENTIFYING	8
	"PV1", "PV2", "ACC", "DG1", "DRG", "PR1", "AL1", "IAM", "ORC", "OBR",
	"OBX", "NTE", "SPM", "TXA", "RXA", "RXE", "RXO", "RXD", "RXG",
};
#define HL7_NPATIENT (sizeof(hl7_patient_segs) / sizeof(hl7_patient_segs[0]))
_Static_assert(HL7_NPATIENT <= 32, "patient segments must fit a mask");

/* One message being read: the MSH, and what its other segments add. */
struct hl7_msg {
	struct hl7_seps	 seps;
	struct cursor	 msh;		/* borrowed from the direction's buffer */
	struct cursor	 msa;
	bool		 has_msa;
	struct cursor	 sft;		/* the last SFT segment */
	bool		 has_sft;
	char		 segs[HL7_SEGS_MAX];
	size_t		 segslen;
	uint64_t	 nsegs;
	char		 equip[HL7_IDS_MAX];
	size_t		 equiplen;
	unsigned int	 nequip;
	char		 udi[HL7_IDS_MAX];
	size_t		 udilen;
	unsigned int	 nudi;
	uint32_t	 patient;	/* bit i: hl7_patient_segs[i] seen */
	char		 phi[HL7_NPATIENT * 4];
	size_t		 philen;
	uint8_t		 pid_fields[HL7_PID_FIELDS];
	size_t		 npid_fields;
	bool		 bad_segment;	/* counted once per message */
};

enum mllp_state {
	MLLP_OUT,		/* between frames */
	MLLP_IN,		/* after SB */
	MLLP_END,		/* after EB, waiting for CR */
};

struct hl7_half {
	struct pbuf	 buf;		/* the frame being read */
	uint8_t		 state;		/* enum mllp_state */
	bool		 over;		/* this frame passed HL7_MSG_MAX */
	bool		 junk;		/* bytes outside a frame counted */
	bool		 lost;		/* after a gap, until the next SB */
};

struct hl7_state {
	struct hl7_half	 half[2];
};

/* Length of the run at the start of c holding neither a nor b (a run). */
static size_t
hl7_span(const struct cursor *c, int a, int b)
{
	const uint8_t *pa, *pb;
	size_t n = cur_left(c);

	if (n == 0)
		return 0;
	pa = a >= 0 ? memchr(c->p, a, n) : NULL;
	pb = b >= 0 ? memchr(c->p, b, n) : NULL;
	if (pa != NULL)
		n = (size_t)(pa - c->p);
	if (pb != NULL && (size_t)(pb - c->p) < n)
		n = (size_t)(pb - c->p);
	return n;
}

/*
 * The n-th piece (from 0) of c split at sep; with sep -1 c is one piece.
 * Returns -1 when c has fewer pieces.
 */
static int
hl7_piece(struct cursor c, int sep, size_t n, struct cursor *out)
{
	size_t len;

	for (;;) {
		len = sep < 0 ? cur_left(&c) : hl7_span(&c, sep, -1);
		if (n == 0)
			return cur_sub(&c, len, out);
		if (len == cur_left(&c) || cur_skip(&c, len + 1) == -1)
			return -1;
		n--;
	}
}

/* Field n of a segment (n >= 1); MSH counts its separator as MSH-1. */
static int
hl7_field(const struct hl7_seps *s, struct cursor seg, bool msh, size_t n,
    struct cursor *out)
{
	if (msh) {
		if (n < 2)
			return -1;
		n--;
	}
	return hl7_piece(seg, s->fs, n, out);
}

/* Component k (from 1) of the first repetition of a field. */
static int
hl7_comp(const struct hl7_seps *s, struct cursor field, size_t k,
    struct cursor *out)
{
	struct cursor rep;

	if (hl7_piece(field, s->rs, 0, &rep) == -1)
		return -1;
	return hl7_piece(rep, s->cs, k - 1, out);
}

static int
hex_digit(uint8_t ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * Decodes the escape sequence after an escape character at the start of v
 * (section 2.7.4: \F\ \S\ \T\ \R\ \E\ stand for the separators,
 * \Xhh..\ for bytes) into out. Returns false, leaving v alone, for any
 * other sequence (highlighting, formatting, character sets): it is then
 * copied as written.
 */
static bool
hl7_escape(const struct hl7_seps *s, struct cursor *v, char *out,
    size_t outlen, size_t *n)
{
	struct cursor seq, rest = *v;
	size_t len = hl7_span(&rest, s->ec, -1);
	uint8_t code, a, b;
	int ch = -1, hi, lo;

	if (len == 0 || len == cur_left(&rest) ||
	    cur_sub(&rest, len, &seq) == -1 || cur_skip(&rest, 1) == -1 ||
	    cur_u8(&seq, &code) == -1)
		return false;
	if (code == 'X') {
		if (cur_left(&seq) % 2 != 0)
			return false;
		for (size_t i = 0; i < cur_left(&seq); i += 2)
			if (cur_peek_u8(&seq, i, &a) == -1 ||
			    cur_peek_u8(&seq, i + 1, &b) == -1 ||
			    hex_digit(a) < 0 || hex_digit(b) < 0)
				return false;
		while (*n + 1 < outlen && cur_u8(&seq, &a) == 0 &&
		    cur_u8(&seq, &b) == 0) {
			hi = hex_digit(a);
			lo = hex_digit(b);
			out[(*n)++] = (char)(hi << 4 | lo);
		}
		*v = rest;
		return true;
	}
	if (cur_left(&seq) != 0)
		return false;
	switch (code) {
	case 'F': ch = s->fs; break;
	case 'S': ch = s->cs; break;
	case 'T': ch = s->ss; break;
	case 'R': ch = s->rs; break;
	case 'E': ch = s->ec; break;
	default: break;
	}
	if (ch < 0)
		return false;
	out[(*n)++] = (char)ch;
	*v = rest;
	return true;
}

/*
 * Writes a value as text into out (outlen bytes, NUL-ended, cut when full)
 * and returns its length. Escape sequences are decoded (hl7_escape).
 * Components and subcomponents are joined with '^' and '&' and repetitions
 * with '~' whatever the message's own separators, so identifiers read the
 * same from every sender.
 */
static size_t
hl7_text(const struct hl7_seps *s, struct cursor v, char *out, size_t outlen)
{
	size_t n = 0;
	uint8_t ch;

	while (n + 1 < outlen && cur_u8(&v, &ch) == 0) {
		if (s->ec >= 0 && ch == s->ec &&
		    hl7_escape(s, &v, out, outlen, &n))
			continue;
		if (ch == s->cs)
			ch = '^';
		else if (ch == s->ss)
			ch = '&';
		else if (ch == s->rs)
			ch = '~';
		out[n++] = (char)ch;
	}
	out[n] = '\0';
	return n;
}

/* Adds key = text of v to o, unless v is empty. */
static void
hl7_add(struct observation *o, const struct hl7_seps *s, const char *key,
    const struct cursor *v)
{
	char text[HL7_TEXT_MAX];
	size_t n;

	if (cur_left(v) == 0)
		return;
	n = hl7_text(s, *v, text, sizeof(text));
	if (n > 0)
		(void)obs_str(o, key, text, n);
}

/* Adds MSH-n whole (first repetition) or its component k (k > 0). */
static void
hl7_add_msh(struct observation *o, const struct hl7_msg *m, const char *key,
    size_t n, size_t k)
{
	struct cursor f, v;

	if (hl7_field(&m->seps, m->msh, true, n, &f) == -1)
		return;
	if (k == 0 ? hl7_piece(f, m->seps.rs, 0, &v) :
	    hl7_comp(&m->seps, f, k, &v))
		return;
	hl7_add(o, &m->seps, key, &v);
}

/* Appends s to a list joined with ',' unless it is there or full. */
static void
hl7_list_add(char *list, size_t size, size_t *len, unsigned int *count,
    const char *s, size_t slen)
{
	const char *p = list, *end = list + *len, *comma;

	if (slen == 0 || *count >= HL7_IDS_COUNT)
		return;
	while (p < end) {
		comma = memchr(p, ',', (size_t)(end - p));
		if (comma == NULL)
			comma = end;
		if ((size_t)(comma - p) == slen && memcmp(p, s, slen) == 0)
			return;
		p = comma + 1;
	}
	if (*len + (*len > 0) + slen + 1 > size)
		return;
	if (*len > 0)
		list[(*len)++] = ',';
	memcpy(list + *len, s, slen);
	*len += slen;
	list[*len] = '\0';
	(*count)++;
}

/* Every repetition of field n of seg, as text, into a list. */
static void
hl7_ids(const struct hl7_msg *m, struct cursor seg, size_t n, char *list,
    size_t *len, unsigned int *count)
{
	char text[HL7_TEXT_MAX];
	struct cursor f, rep;
	size_t tl;

	if (hl7_field(&m->seps, seg, false, n, &f) == -1)
		return;
	for (size_t r = 0; r < HL7_MAX_REPS; r++) {
		if (hl7_piece(f, m->seps.rs, r, &rep) == -1)
			break;
		tl = hl7_text(&m->seps, rep, text, sizeof(text));
		/* A list joined with ',' cannot hold a value with one. */
		if (memchr(text, ',', tl) == NULL)
			hl7_list_add(list, HL7_IDS_MAX, len, count, text, tl);
	}
}

static bool
hl7_is_name_char(uint8_t ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

static bool
hl7_is_sep_char(int ch)
{
	/* Printable, and neither a letter nor a digit nor a space. */
	return ch > 0x20 && ch < 0x7f &&
	    !hl7_is_name_char((uint8_t)ch) && !(ch >= 'a' && ch <= 'z');
}

/*
 * Reads the separators of an MSH segment (section 2.14.9.1 and 2.14.9.2):
 * MSH-1 is the byte after "MSH", MSH-2 the encoding characters up to the
 * next field separator, in the order component, repetition, escape,
 * subcomponent (and, from v2.7, truncation). Returns NULL or what is wrong.
 */
static const char *
hl7_seps_read(struct cursor seg, struct hl7_seps *s)
{
	struct cursor enc;
	uint8_t fs, ch[5];
	size_t n;

	if (cur_skip(&seg, 3) == -1 || cur_u8(&seg, &fs) == -1)
		return "MSH without a field separator";
	if (!hl7_is_sep_char(fs))
		return "field separator (MSH-1) is not a printable symbol";
	n = hl7_span(&seg, fs, -1);
	if (n == 0 || n > 5 || cur_sub(&seg, n, &enc) == -1 ||
	    cur_bytes(&enc, ch, n) == -1)
		return "encoding characters (MSH-2) missing or too long";
	for (size_t i = 0; i < n; i++) {
		if (!hl7_is_sep_char(ch[i]) || ch[i] == fs)
			return "bad encoding character (MSH-2)";
		for (size_t j = 0; j < i; j++)
			if (ch[j] == ch[i])
				return "repeated encoding character (MSH-2)";
	}
	s->fs = fs;
	s->cs = ch[0];
	s->rs = n > 1 ? ch[1] : -1;
	s->ec = n > 2 ? ch[2] : -1;
	s->ss = n > 3 ? ch[3] : -1;
	return NULL;
}

static void
hl7_subject(struct proto_ctx *ctx, struct observation *o)
{
	const struct flow_side *side;

	if (ctx->pkt != NULL) {
		proto_subject_sender(ctx, o);
	} else if (ctx->flow != NULL) {
		/* end(): no packet, the flow knows the sender. */
		side = &ctx->flow->side[ctx->dir != 0];
		obs_subject(o, side->has_mac ? side->mac : NULL, &side->addr);
	}
}

/* The hl7 observation and, when a patient is identified, the phi one. */
static void
hl7_emit(struct proto_ctx *ctx, const struct hl7_msg *m, bool truncated)
{
	struct observation o;
	struct cursor f, v;
	bool bad = false;

	/* MSH-9 is required (section 2.14.9.9): without it, it is no message. */
	if (hl7_field(&m->seps, m->msh, true, 9, &f) == -1 ||
	    hl7_comp(&m->seps, f, 1, &v) == -1 || cur_left(&v) == 0)
		bad = true;
	if (bad)
		proto_malformed(ctx, MAL_HL7_BAD_MSH, "hl7",
		    "no message type (MSH-9)");
	if (m->bad_segment)
		proto_malformed(ctx, MAL_HL7_BAD_SEGMENT, "hl7",
		    "segment name is not three capitals or digits");
	if (ctx->bus == NULL)
		return;

	proto_obs_init(ctx, &o, OBS_HL7);
	hl7_subject(ctx, &o);
	hl7_add_msh(&o, m, "sending_app", 3, 0);
	hl7_add_msh(&o, m, "sending_facility", 4, 0);
	hl7_add_msh(&o, m, "receiving_app", 5, 0);
	hl7_add_msh(&o, m, "receiving_facility", 6, 0);
	hl7_add_msh(&o, m, "timestamp", 7, 1);
	hl7_add_msh(&o, m, "message_type", 9, 1);
	hl7_add_msh(&o, m, "trigger", 9, 2);
	hl7_add_msh(&o, m, "message_structure", 9, 3);
	hl7_add_msh(&o, m, "control_id", 10, 0);
	hl7_add_msh(&o, m, "processing_id", 11, 1);
	hl7_add_msh(&o, m, "version", 12, 1);
	(void)obs_str(&o, "segments", m->segs, m->segslen);
	(void)obs_u64(&o, "segment_count", m->nsegs);
	if (m->has_msa) {
		if (hl7_field(&m->seps, m->msa, false, 1, &f) == 0 &&
		    hl7_comp(&m->seps, f, 1, &v) == 0)
			hl7_add(&o, &m->seps, "ack_code", &v);
		if (hl7_field(&m->seps, m->msa, false, 2, &f) == 0 &&
		    hl7_piece(f, m->seps.rs, 0, &v) == 0)
			hl7_add(&o, &m->seps, "ack_control_id", &v);
	}
	/*
	 * SFT-1 vendor organization (XON, its name), SFT-2 software
	 * certified version or release number, SFT-3 software product name.
	 */
	if (m->has_sft) {
		if (hl7_field(&m->seps, m->sft, false, 1, &f) == 0 &&
		    hl7_comp(&m->seps, f, 1, &v) == 0)
			hl7_add(&o, &m->seps, "software_vendor", &v);
		if (hl7_field(&m->seps, m->sft, false, 2, &f) == 0 &&
		    hl7_piece(f, m->seps.rs, 0, &v) == 0)
			hl7_add(&o, &m->seps, "software_version", &v);
		if (hl7_field(&m->seps, m->sft, false, 3, &f) == 0 &&
		    hl7_piece(f, m->seps.rs, 0, &v) == 0)
			hl7_add(&o, &m->seps, "software_product", &v);
	}
	if (m->equiplen > 0)
		(void)obs_str(&o, "equipment", m->equip, m->equiplen);
	if (m->udilen > 0)
		(void)obs_str(&o, "udi", m->udi, m->udilen);
	if (m->seps.fs != '|' || m->seps.cs != '^' || m->seps.rs != '~' ||
	    m->seps.ec != '\\' || m->seps.ss != '&') {
		const int sv[5] = { m->seps.fs, m->seps.cs, m->seps.rs,
			m->seps.ec, m->seps.ss };
		char sep[5];
		size_t n = 0;

		for (size_t i = 0; i < 5 && sv[i] >= 0; i++)
			sep[n++] = (char)sv[i];
		(void)obs_str(&o, "separators", sep, n);
	}
	if (truncated)
		(void)obs_bool(&o, "truncated", true);
	obs_emit(ctx->bus, &o);

	if ((m->patient & ((1U << HL7_IDENTIFYING) - 1)) == 0)
		return;
	proto_obs_init(ctx, &o, OBS_PHI);
	hl7_subject(ctx, &o);
	(void)obs_cstr(&o, "proto", "hl7");
	(void)obs_str(&o, "segments", m->phi, m->philen);
	if (m->npid_fields > 0)
		(void)obs_list(&o, "pid_fields", m->pid_fields,
		    m->npid_fields);
	hl7_add_msh(&o, m, "message_type", 9, 1);
	hl7_add_msh(&o, m, "trigger", 9, 2);
	hl7_add_msh(&o, m, "control_id", 10, 0);
	obs_emit(ctx->bus, &o);
}

/* Which PID fields hold something; the values are never looked at. */
static void
hl7_pid_fields(struct hl7_msg *m, struct cursor seg)
{
	struct cursor f;

	m->npid_fields = 0;
	for (size_t i = 1; i <= HL7_PID_FIELDS; i++) {
		if (hl7_field(&m->seps, seg, false, i, &f) == -1)
			break;
		if (cur_left(&f) > 0 && m->npid_fields < HL7_PID_FIELDS)
			m->pid_fields[m->npid_fields++] = (uint8_t)i;
	}
}

/* Adds a segment (not MSH) to the message. */
static void
hl7_segment(struct hl7_msg *m, struct cursor seg)
{
	struct cursor id = seg;
	char name[4];
	size_t n = hl7_span(&seg, m->seps.fs, -1);

	/* Section 2.5: a segment ID is three capitals or digits. */
	if (n != 3 || cur_bytes(&id, name, 3) == -1 ||
	    !hl7_is_name_char((uint8_t)name[0]) ||
	    !hl7_is_name_char((uint8_t)name[1]) ||
	    !hl7_is_name_char((uint8_t)name[2])) {
		m->bad_segment = true;
		return;
	}
	name[3] = '\0';
	m->nsegs++;
	if (m->segslen + 4 + 1 <= sizeof(m->segs)) {
		m->segs[m->segslen++] = ',';
		memcpy(m->segs + m->segslen, name, 3);
		m->segslen += 3;
	}
	for (size_t i = 0; i < HL7_NPATIENT; i++) {
		if (strcmp(name, hl7_patient_segs[i]) != 0 ||
		    (m->patient & (1U << i)) != 0)
			continue;
		m->patient |= 1U << i;
		if (m->philen > 0)
			m->phi[m->philen++] = ',';
		memcpy(m->phi + m->philen, name, 3);
		m->philen += 3;
	}
	if (strcmp(name, "PID") == 0 && m->npid_fields == 0)
		hl7_pid_fields(m, seg);
	else if (strcmp(name, "MSA") == 0 && !m->has_msa) {
		m->msa = seg;
		m->has_msa = true;
	} else if (strcmp(name, "SFT") == 0) {
		/*
		 * Each application that modifies a message adds its own SFT
		 * (section 2.15.12): the last one is the newest sender's.
		 */
		m->sft = seg;
		m->has_sft = true;
	} else if (strcmp(name, "OBX") == 0)
		hl7_ids(m, seg, 18, m->equip, &m->equiplen, &m->nequip);
	else if (strcmp(name, "PRT") == 0)
		hl7_ids(m, seg, 16, m->udi, &m->udilen, &m->nudi);
}

static bool
hl7_seg_is(const struct cursor *seg, const char *name)
{
	return cur_left(seg) >= 3 && memcmp(seg->p, name, 3) == 0;
}

/*
 * Reads the messages of one frame: usually one, but a batch (FHS, BHS,
 * section 2.10.3) holds several, each starting at its MSH. truncated is
 * set when the frame was cut (by our cap or a missing trailer).
 */
static void
hl7_frame(struct proto_ctx *ctx, struct hl7_half *h, bool truncated)
{
	struct cursor c = cur_make(h->buf.p, h->buf.len), seg;
	struct hl7_msg m;
	const char *why;
	bool open = false, first = true, lf = false;
	size_t n;
	uint8_t ch;

	truncated = truncated || h->over;
	h->over = false;
	while (cur_left(&c) > 0) {
		/* Section 2.5: segments end with CR; LF is counted, accepted. */
		n = hl7_span(&c, '\r', '\n');
		if (cur_sub(&c, n, &seg) == -1)
			break;
		if (cur_u8(&c, &ch) == 0 && ch == '\n')
			lf = true;
		if (n == 0)
			continue;
		if (hl7_seg_is(&seg, "MSH")) {
			if (open)
				hl7_emit(ctx, &m, false);
			memset(&m, 0, sizeof(m));
			if ((why = hl7_seps_read(seg, &m.seps)) != NULL) {
				proto_malformed(ctx, MAL_HL7_BAD_MSH, "hl7",
				    why);
				open = false;
			} else {
				m.msh = seg;
				memcpy(m.segs, "MSH", 4);
				m.segslen = 3;
				m.nsegs = 1;
				open = true;
			}
		} else if (open) {
			hl7_segment(&m, seg);
		} else if (first && !hl7_seg_is(&seg, "FHS") &&
		    !hl7_seg_is(&seg, "BHS")) {
			proto_malformed(ctx, MAL_HL7_BAD_MSH, "hl7",
			    "frame does not start with MSH");
		}
		first = false;
	}
	if (lf)
		proto_malformed(ctx, MAL_HL7_LF_SEPARATOR, "hl7",
		    "segments ended by LF instead of CR");
	if (open)
		hl7_emit(ctx, &m, truncated);
	pbuf_clear(ctx, &h->buf);
}

/* Buffers the bytes of a frame up to the cap; the rest is skipped. */
static void
hl7_take(struct proto_ctx *ctx, struct hl7_half *h, struct cursor *c,
    size_t n)
{
	size_t take = pbuf_append(ctx, &h->buf, c->p, n, HL7_MSG_MAX);

	if (cur_skip(c, take) == -1)
		return;
	if (take < n) {
		/* Past the cap, or refused by the flow budget. */
		if (!h->over && h->buf.len == HL7_MSG_MAX)
			proto_malformed(ctx, MAL_HL7_FRAME_TOO_LONG, "hl7",
			    "MLLP frame longer than 64 KiB");
		h->over = true;
		if (cur_skip(c, n - take) == -1)
			return;
	}
}

static void
hl7_stream(struct proto_ctx *ctx, void *state, const uint8_t *p, size_t n)
{
	struct hl7_state *st = state;
	struct hl7_half *h = &st->half[ctx->dir != 0];
	struct cursor c = cur_make(p, n);
	size_t run;
	uint8_t b;

	while (cur_left(&c) > 0) {
		switch (h->state) {
		case MLLP_OUT:
			run = hl7_span(&c, MLLP_SB, -1);
			if (run > 0) {
				/* Appendix C: nothing travels outside a block. */
				if (!h->junk && !h->lost)
					proto_malformed(ctx,
					    MAL_HL7_BAD_FRAMING, "hl7",
					    "data outside an MLLP frame");
				h->junk = true;
				if (cur_skip(&c, run) == -1)
					return;
				break;
			}
			if (cur_skip(&c, 1) == -1)
				return;
			h->state = MLLP_IN;
			pbuf_clear(ctx, &h->buf);
			h->over = h->junk = h->lost = false;
			break;
		case MLLP_IN:
			run = hl7_span(&c, MLLP_SB, MLLP_EB);
			hl7_take(ctx, h, &c, run);
			if (cur_peek_u8(&c, 0, &b) == -1)
				break;
			if (b == MLLP_EB) {
				if (cur_skip(&c, 1) == -1)
					return;
				h->state = MLLP_END;
				break;
			}
			/* A new block starts: this one lost its trailer. */
			proto_malformed(ctx, MAL_HL7_BAD_FRAMING, "hl7",
			    "MLLP frame without 0x1C 0x0D before the next");
			h->state = MLLP_OUT;
			hl7_frame(ctx, h, true);
			break;
		case MLLP_END:
			if (cur_peek_u8(&c, 0, &b) == -1)
				return;
			h->state = MLLP_OUT;
			if (b == MLLP_CR) {
				if (cur_skip(&c, 1) == -1)
					return;
			} else {
				proto_malformed(ctx, MAL_HL7_BAD_FRAMING,
				    "hl7", "MLLP 0x1C not followed by 0x0D");
				/* What follows is counted with this. */
				h->junk = true;
			}
			hl7_frame(ctx, h, false);
			break;
		default:
			h->state = MLLP_OUT;
			break;
		}
	}
}

/* After a hole the frame in progress is dropped; resync at the next SB. */
static void
hl7_gap(struct proto_ctx *ctx, void *state)
{
	struct hl7_state *st = state;
	struct hl7_half *h = &st->half[ctx->dir != 0];

	h->state = MLLP_OUT;
	pbuf_clear(ctx, &h->buf);
	h->over = h->junk = false;
	h->lost = true;
}

/* A frame still open when the flow ends lost its trailer: read it. */
static void
hl7_end(struct proto_ctx *ctx, void *state)
{
	struct hl7_state *st = state;
	struct hl7_half *h;

	for (int dir = 0; dir < 2; dir++) {
		h = &st->half[dir];
		if (h->state == MLLP_OUT)
			continue;
		ctx->dir = dir;
		proto_malformed(ctx, MAL_HL7_BAD_FRAMING, "hl7",
		    h->state == MLLP_IN ?
		    "stream ended inside an MLLP frame" :
		    "stream ended after 0x1C without 0x0D");
		hl7_frame(ctx, h, h->state == MLLP_IN);
		h->state = MLLP_OUT;
	}
	pbuf_free(ctx, &st->half[0].buf);
	pbuf_free(ctx, &st->half[1].buf);
}

/*
 * A start block then the first bytes of MSH (or of a batch header, FHS or
 * BHS): the block's first segment (appendix C, section 2.10.3). The first
 * payload may hold only part of that, so a prefix is enough.
 */
static bool
hl7_probe(const uint8_t *p, size_t n, int dir)
{
	static const char *const heads[] = { "MSH", "FHS", "BHS" };
	struct cursor c = cur_make(p, n);
	uint8_t b, ch;
	size_t k;

	(void)dir;
	if (cur_u8(&c, &b) == -1 || b != MLLP_SB)
		return false;
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		for (k = 0; k < 3; k++)
			if (cur_peek_u8(&c, k, &ch) == -1 ||
			    ch != (uint8_t)heads[i][k])
				break;
		if (k == 3 || k == cur_left(&c))
			return true;
	}
	return false;
}

const struct dissector dissector_hl7 = {
	.name = "hl7",
	.l4proto = IPPROTO_TCP_,
	.ports = { HL7_PORT, MIRTH_PORT },
	.probe = hl7_probe,
	.probe_any_port = true,
	.state_size = sizeof(struct hl7_state),
	.stream = hl7_stream,
	.gap = hl7_gap,
	.end = hl7_end,
};
