/*
 * dicom.c - DICOM upper layer (associations, P-DATA) and DIMSE messages.
 *
 * Follows DICOM PS3.8 section 9.3 (PDU structures) and annex D (user
 * information sub-items), PS3.7 section 9.3/10.3 and annex E (the command
 * set, always implicit VR little endian), and PS3.5 section 7 (data set
 * encoding: implicit VR LE, explicit VR LE and BE, items and delimiters).
 *
 * Every PDU starts with the same header:
 *
 *   0        1        2                                   6
 *   +--------+--------+--------+--------+--------+--------+
 *   |  type  |reserved|          length (32, BE)          |
 *   +--------+--------+--------+--------+--------+--------+
 *
 *   01 A-ASSOCIATE-RQ  02 -AC  03 -RJ  04 P-DATA-TF
 *   05 A-RELEASE-RQ    06 -RP  07 A-ABORT
 *
 * A-ASSOCIATE-RQ/AC: protocol version (16), reserved (16), called AE (16
 * bytes), calling AE (16 bytes), reserved (32 bytes), then items of the
 * form type (8), reserved (8), length (16, BE), value: 10 application
 * context, 20/21 presentation context (RQ/AC) holding 30 abstract syntax and
 * 40 transfer syntax sub-items, 50 user information holding 51..59.
 *
 * P-DATA-TF: a sequence of PDV items, each length (32, BE), presentation
 * context id (8), message control header (8: bit 0 command, bit 1 last
 * fragment), fragment. The fragments of one message (a command set, then
 * an optional data set) are reassembled in order; the command set is
 * buffered (it is small), the data set is parsed element by element as it
 * streams by and only the values of the identifying attributes are kept.
 * Patient attributes (group 0010) are noted by tag, never by value.
 *
 * One observation per association PDU, per DIMSE command and per data set
 * with identifying attributes; see docs/observations.md ("dicom").
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ward/proto.h"
#include "proto-private.h"

#define PDU_HDR_LEN	6
#define PDV_HDR_LEN	6
/* A-ASSOCIATE-RQ/AC fixed fields after the PDU header (PS3.8 9.3.2). */
#define ASSOC_FIXED	68
/* An association PDU is buffered up to this; the rest is skipped. */
#define ASSOC_BUF	32768
/* Association PDUs longer than this are not DICOM: the stream is lost. */
#define ASSOC_HARD	(1u << 20)
/* A P-DATA-TF PDU longer than this is not believed, whatever was agreed. */
#define PDATA_HARD	(16u << 20)
/* PS3.8 9.3.2.2: presentation context ids are odd, 1..255. */
#define MAX_CONTEXTS	128
/* PS3.5 9.1: a UID is at most 64 bytes. */
#define UID_MAX		64
#define AE_MAX		16
/* PS3.8 D.3.3.2.3: implementation version name, 1..16 bytes. */
#define VERSION_MAX	16
/* A user name (user identity negotiation) is reported up to this. */
#define USER_MAX	128
/* A command set longer than this is refused (real ones are ~200 bytes). */
#define CMD_MAX		4096
/* Identifying attribute values are kept up to this many bytes. */
#define VAL_CAP		128
/* Levels of sequences and items in a data set (one SQ takes two). */
#define DS_MAX_DEPTH	16
/* Distinct patient tags reported per data set. */
#define PHI_MAX		32
/*
 * Joined lists in an observation: abstract syntaxes, transfer syntaxes and
 * roles together stay well inside OBS_SCRATCH.
 */
#define JOIN_MAX	1600
#define JOIN_AS		1600
#define JOIN_TS		800
#define JOIN_ROLES	600
/* Transfer syntax sub-items remembered per association PDU. */
#define TS_SEEN		4

enum pdu_type {
	PDU_ASSOC_RQ = 1,
	PDU_ASSOC_AC = 2,
	PDU_ASSOC_RJ = 3,
	PDU_PDATA = 4,
	PDU_RELEASE_RQ = 5,
	PDU_RELEASE_RP = 6,
	PDU_ABORT = 7,
};

/* How a presentation context encodes its data sets (PS3.5 10). */
enum ts_kind {
	TS_UNKNOWN = 0,		/* not negotiated in our sight: sniffed */
	TS_IMPLICIT_LE,
	TS_EXPLICIT_LE,
	TS_EXPLICIT_BE,
	TS_DEFLATE,		/* deflated explicit LE: not inflated here */
};

/*
 * Names of common SOP classes and transfer syntaxes (PS3.6 annex A, PS3.4
 * annex B, C, F, J, K). A UID not in the table is reported without a name.
 */
struct uid_name {
	const char	*uid;
	size_t		 len;
	const char	*name;
	enum ts_kind	 ts;
};

#define UID(uid, name, ts) { uid, sizeof(uid) - 1, name, ts }

static const struct uid_name uid_names[] = {
	UID("1.2.840.10008.1.1", "Verification", 0),
	UID("1.2.840.10008.3.1.1.1", "DICOM Application Context", 0),
	UID("1.2.840.10008.5.1.4.1.1.1", "CR Image Storage", 0),
	UID("1.2.840.10008.5.1.4.1.1.1.1",
	    "Digital X-Ray Image Storage - For Presentation", 0),
	UID("1.2.840.10008.5.1.4.1.1.1.1.1",
	    "Digital X-Ray Image Storage - For Processing", 0),
	UID("1.2.840.10008.5.1.4.1.1.1.2",
	    "Digital Mammography X-Ray Image Storage - For Presentation", 0),
	UID("1.2.840.10008.5.1.4.1.1.2", "CT Image Storage", 0),
	UID("1.2.840.10008.5.1.4.1.1.2.1", "Enhanced CT Image Storage", 0),
	UID("1.2.840.10008.5.1.4.1.1.3.1",
	    "Ultrasound Multi-frame Image Storage", 0),
	UID("1.2.840.10008.5.1.4.1.1.4", "MR Image Storage", 0),
	UID("1.2.840.10008.5.1.4.1.1.4.1", "Enhanced MR Image Storage", 0),
	UID("1.2.840.10008.5.1.4.1.1.6.1", "Ultrasound Image Storage", 0),
	UID("1.2.840.10008.5.1.4.1.1.7", "Secondary Capture Image Storage", 0),
	UID("1.2.840.10008.5.1.4.1.1.11.1",
	    "Grayscale Softcopy Presentation State Storage", 0),
	UID("1.2.840.10008.5.1.4.1.1.12.1",
	    "X-Ray Angiographic Image Storage", 0),
	UID("1.2.840.10008.5.1.4.1.1.20", "Nuclear Medicine Image Storage", 0),
	UID("1.2.840.10008.5.1.4.1.1.77.1.4",
	    "VL Photographic Image Storage", 0),
	UID("1.2.840.10008.5.1.4.1.1.88.11", "Basic Text SR Storage", 0),
	UID("1.2.840.10008.5.1.4.1.1.88.22", "Enhanced SR Storage", 0),
	UID("1.2.840.10008.5.1.4.1.1.104.1", "Encapsulated PDF Storage", 0),
	UID("1.2.840.10008.5.1.4.1.1.128",
	    "Positron Emission Tomography Image Storage", 0),
	UID("1.2.840.10008.5.1.4.1.1.481.1", "RT Image Storage", 0),
	UID("1.2.840.10008.5.1.4.1.2.1.1",
	    "Patient Root Query/Retrieve Information Model - FIND", 0),
	UID("1.2.840.10008.5.1.4.1.2.1.2",
	    "Patient Root Query/Retrieve Information Model - MOVE", 0),
	UID("1.2.840.10008.5.1.4.1.2.1.3",
	    "Patient Root Query/Retrieve Information Model - GET", 0),
	UID("1.2.840.10008.5.1.4.1.2.2.1",
	    "Study Root Query/Retrieve Information Model - FIND", 0),
	UID("1.2.840.10008.5.1.4.1.2.2.2",
	    "Study Root Query/Retrieve Information Model - MOVE", 0),
	UID("1.2.840.10008.5.1.4.1.2.2.3",
	    "Study Root Query/Retrieve Information Model - GET", 0),
	UID("1.2.840.10008.5.1.4.31",
	    "Modality Worklist Information Model - FIND", 0),
	UID("1.2.840.10008.3.1.2.3.3",
	    "Modality Performed Procedure Step", 0),
	UID("1.2.840.10008.1.20.1", "Storage Commitment Push Model", 0),
	UID("1.2.840.10008.1.20.1.1",
	    "Storage Commitment Push Model Instance", 0),
	UID("1.2.840.10008.5.1.1.9",
	    "Basic Grayscale Print Management Meta", 0),
	/* Transfer syntaxes (PS3.6 annex A, PS3.5 section 10). */
	UID("1.2.840.10008.1.2", "Implicit VR Little Endian", TS_IMPLICIT_LE),
	UID("1.2.840.10008.1.2.1", "Explicit VR Little Endian", TS_EXPLICIT_LE),
	UID("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian",
	    TS_DEFLATE),
	UID("1.2.840.10008.1.2.2", "Explicit VR Big Endian", TS_EXPLICIT_BE),
	UID("1.2.840.10008.1.2.4.50", "JPEG Baseline", TS_EXPLICIT_LE),
	UID("1.2.840.10008.1.2.4.51", "JPEG Extended", TS_EXPLICIT_LE),
	UID("1.2.840.10008.1.2.4.57", "JPEG Lossless", TS_EXPLICIT_LE),
	UID("1.2.840.10008.1.2.4.70", "JPEG Lossless SV1", TS_EXPLICIT_LE),
	UID("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless", TS_EXPLICIT_LE),
	UID("1.2.840.10008.1.2.4.81", "JPEG-LS Near-Lossless", TS_EXPLICIT_LE),
	UID("1.2.840.10008.1.2.4.90", "JPEG 2000 Lossless", TS_EXPLICIT_LE),
	UID("1.2.840.10008.1.2.4.91", "JPEG 2000", TS_EXPLICIT_LE),
	UID("1.2.840.10008.1.2.5", "RLE Lossless", TS_EXPLICIT_LE),
};

/* Every UID in the table is under the DICOM root (PS3.5 9.1). */
#define DICOM_ROOT	"1.2.840.10008."
#define DICOM_ROOT_LEN	(sizeof(DICOM_ROOT) - 1)

/*
 * An association request names up to 128 abstract syntaxes, each with its
 * transfer syntaxes: the shared root is checked once, then only names of
 * the same length are compared.
 */
static const struct uid_name *
uid_lookup(const char *uid)
{
	size_t len = strlen(uid);

	if (len <= DICOM_ROOT_LEN ||
	    memcmp(uid, DICOM_ROOT, DICOM_ROOT_LEN) != 0)
		return NULL;
	for (size_t i = 0; i < sizeof(uid_names) / sizeof(uid_names[0]); i++) {
		const struct uid_name *u = &uid_names[i];

		if (u->len == len && memcmp(u->uid + DICOM_ROOT_LEN,
		    uid + DICOM_ROOT_LEN, len - DICOM_ROOT_LEN) == 0)
			return u;
	}
	return NULL;
}

/* PS3.5 10.1: any other transfer syntax is explicit VR little endian. */
static enum ts_kind
ts_of(const char *uid)
{
	const struct uid_name *u = uid_lookup(uid);

	return u != NULL && u->ts != 0 ? u->ts : TS_EXPLICIT_LE;
}

static const char *
ts_text(enum ts_kind ts)
{
	switch (ts) {
	case TS_IMPLICIT_LE:
		return "implicit_le";
	case TS_EXPLICIT_LE:
		return "explicit_le";
	case TS_EXPLICIT_BE:
		return "explicit_be";
	default:
		return "unknown";
	}
}

/* PS3.7 E.1: Command Field values. */
static const struct {
	uint16_t	 field;
	const char	*name;
} commands[] = {
	{ 0x0001, "C-STORE-RQ" }, { 0x8001, "C-STORE-RSP" },
	{ 0x0010, "C-GET-RQ" }, { 0x8010, "C-GET-RSP" },
	{ 0x0020, "C-FIND-RQ" }, { 0x8020, "C-FIND-RSP" },
	{ 0x0021, "C-MOVE-RQ" }, { 0x8021, "C-MOVE-RSP" },
	{ 0x0030, "C-ECHO-RQ" }, { 0x8030, "C-ECHO-RSP" },
	{ 0x0100, "N-EVENT-REPORT-RQ" }, { 0x8100, "N-EVENT-REPORT-RSP" },
	{ 0x0110, "N-GET-RQ" }, { 0x8110, "N-GET-RSP" },
	{ 0x0120, "N-SET-RQ" }, { 0x8120, "N-SET-RSP" },
	{ 0x0130, "N-ACTION-RQ" }, { 0x8130, "N-ACTION-RSP" },
	{ 0x0140, "N-CREATE-RQ" }, { 0x8140, "N-CREATE-RSP" },
	{ 0x0150, "N-DELETE-RQ" }, { 0x8150, "N-DELETE-RSP" },
	{ 0x0fff, "C-CANCEL-RQ" },
};

static const char *
command_name(uint16_t field)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (commands[i].field == field)
			return commands[i].name;
	return NULL;
}

/* Identifying attributes kept from data sets (top level only). */
static const struct {
	uint32_t	 tag;
	const char	*key;
} attrs[] = {
	{ 0x00080060, "modality" },
	{ 0x00080070, "manufacturer" },
	{ 0x00081090, "model" },
	{ 0x00081010, "station" },
	{ 0x00181020, "software_versions" },
	{ 0x00181000, "serial" },
	{ 0x00080080, "institution" },
	{ 0x00081040, "department" },
};
#define NATTRS (sizeof(attrs) / sizeof(attrs[0]))

/* Names of common patient attributes (PS3.6 section 6, group 0010). */
static const struct {
	uint16_t	 elem;
	const char	*name;
} phi_names[] = {
	{ 0x0010, "PatientName" }, { 0x0020, "PatientID" },
	{ 0x0021, "IssuerOfPatientID" }, { 0x0030, "PatientBirthDate" },
	{ 0x0032, "PatientBirthTime" }, { 0x0040, "PatientSex" },
	{ 0x1000, "OtherPatientIDs" }, { 0x1001, "OtherPatientNames" },
	{ 0x1002, "OtherPatientIDsSequence" }, { 0x1005, "PatientBirthName" },
	{ 0x1010, "PatientAge" }, { 0x1020, "PatientSize" },
	{ 0x1030, "PatientWeight" }, { 0x1040, "PatientAddress" },
	{ 0x1060, "PatientMotherBirthName" }, { 0x2154,
	    "PatientTelephoneNumbers" },
	{ 0x2160, "EthnicGroup" }, { 0x2180, "Occupation" },
	{ 0x21b0, "AdditionalPatientHistory" }, { 0x4000, "PatientComments" },
};

static const char *
phi_name(uint16_t elem)
{
	for (size_t i = 0; i < sizeof(phi_names) / sizeof(phi_names[0]); i++)
		if (phi_names[i].elem == elem)
			return phi_names[i].name;
	return NULL;
}

/*
 * A joined list "a;b;c" that stops (marked "...") when full. Tokens are
 * deduplicated through their hashes: an association request may repeat
 * one abstract syntax in 128 contexts, and a scan of the joined text per
 * token would cost quadratic time on every association.
 */
#define JOIN_TOKENS	MAX_CONTEXTS
_Static_assert(JOIN_MAX <= UINT16_MAX, "token offsets are 16 bits");

struct join {
	char	 s[JOIN_MAX];
	size_t	 n;
	size_t	 cap;		/* bytes of s used at most, NUL included */
	bool	 cut;
	uint16_t ntok;
	uint32_t thash[JOIN_TOKENS];
	uint16_t toff[JOIN_TOKENS];	/* where each token starts in s */
	uint8_t	 tlen[JOIN_TOKENS];
	const struct uid_name *tname[JOIN_TOKENS];	/* join_uid's */
};

static void
join_init(struct join *j, size_t cap)
{
	j->s[0] = '\0';
	j->n = 0;
	j->cap = cap;
	j->cut = false;
	j->ntok = 0;
}

/* FNV-1a, 32 bits. */
static uint32_t
join_hash(const char *p, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)p[i]) * 16777619u;
	return h;
}

/* The index of the token equal to tok, or -1. */
static int
join_find(const struct join *j, const char *tok, size_t len, uint32_t h)
{
	for (unsigned int i = 0; i < j->ntok; i++)
		if (j->thash[i] == h && j->tlen[i] == len &&
		    memcmp(j->s + j->toff[i], tok, len) == 0)
			return (int)i;
	return -1;
}

/*
 * Appends "a" or "a=b" (b may be NULL); duplicates of a are left out.
 * Tokens longer than 255 bytes do not occur (a is a UID).
 */
static void
join_add(struct join *j, const char *a, const char *b)
{
	size_t la, lb, need;
	uint32_t h;

	if (j->cut)
		return;
	la = strlen(a);
	h = join_hash(a, la);
	if (la > UINT8_MAX || join_find(j, a, la, h) != -1)
		return;
	lb = b != NULL ? strlen(b) + 1 : 0;
	need = (j->n > 0) + la + lb;
	/* Room is kept for ";..." after the last token. */
	if (j->ntok == JOIN_TOKENS || j->n + need + 4 >= j->cap) {
		const char *mark = j->n > 0 ? ";..." : "...";
		size_t ml = strlen(mark);

		memcpy(j->s + j->n, mark, ml + 1);
		j->n += ml;
		j->cut = true;
		return;
	}
	if (j->n > 0)
		j->s[j->n++] = ';';
	j->thash[j->ntok] = h;
	j->toff[j->ntok] = (uint16_t)j->n;
	j->tlen[j->ntok] = (uint8_t)la;
	j->tname[j->ntok] = NULL;
	j->ntok++;
	memcpy(j->s + j->n, a, la);
	j->n += la;
	if (b != NULL) {
		j->s[j->n++] = '=';
		memcpy(j->s + j->n, b, lb - 1);
		j->n += lb - 1;
	}
	j->s[j->n] = '\0';
}

/*
 * A UID (len bytes) and its name; repeats are dropped before the name is
 * looked up. Returns the name's entry (NULL for an unknown UID, or when
 * the list is full and the UID not in it).
 */
static const struct uid_name *
join_uid(struct join *j, const char *uid, size_t len)
{
	const struct uid_name *u;
	uint32_t h;
	int i;

	if (j->cut)
		return NULL;
	h = join_hash(uid, len);
	if ((i = join_find(j, uid, len, h)) != -1)
		return j->tname[i];
	u = uid_lookup(uid);
	join_add(j, uid, u != NULL ? u->name : NULL);
	if (!j->cut && j->ntok > 0 && j->thash[j->ntok - 1] == h)
		j->tname[j->ntok - 1] = u;
	return u;
}

/* Data set parser state (PS3.5 section 7). */
enum lv_kind {
	LV_SEQ,		/* inside an SQ: items and a delimiter */
	LV_ITEM,	/* inside an item: elements */
	LV_FRAG,	/* encapsulated pixel data: opaque fragments */
};

#define UNDEFINED	0xffffffffu
#define END_NONE	UINT64_MAX

struct ds_level {
	uint64_t	 end;		/* offset where it ends, or END_NONE */
	uint8_t		 kind;		/* enum lv_kind */
	uint8_t		 ts;		/* encoding of the elements inside */
};

struct dataset {
	bool		 active;
	bool		 skipping;	/* abandoned or not parsed: to the end */
	uint8_t		 ts;		/* of the data set (top level) */
	uint64_t	 off;		/* bytes consumed */
	unsigned int	 depth;
	struct ds_level	 lv[DS_MAX_DEPTH];
	uint8_t		 hdr[12];
	uint8_t		 hdrhave;
	uint64_t	 vleft;		/* value bytes still to come */
	int		 want;		/* attrs[] index being captured, or -1 */
	uint8_t		 val[VAL_CAP];
	size_t		 vallen;
	char		 got[NATTRS][VAL_CAP + 1];
	uint32_t	 phi[PHI_MAX];
	unsigned int	 nphi;
	unsigned int	 phi_sent;	/* tags already reported */
	bool		 phi_cut;
	bool		 emitted;	/* the attributes were reported */
	char		 cmd[24];	/* the command it belongs to */
};

enum msg_state {
	MSG_IDLE,	/* next PDV starts a command set */
	MSG_CMD,	/* command fragments coming */
	MSG_DATA,	/* data set fragments coming */
};

/* One direction of a connection. */
struct dicom_half {
	bool		 lost;		/* framing lost: ignore the rest */
	uint8_t		 hdr[PDU_HDR_LEN];
	uint8_t		 hdrhave;
	uint8_t		 type;
	uint32_t	 len;		/* of the PDU body */
	uint32_t	 left;		/* body bytes still to come */

	struct pbuf	 abuf;		/* association PDU, up to ASSOC_BUF */

	uint8_t		 pdvhdr[PDV_HDR_LEN];
	uint8_t		 pdvhave;
	uint32_t	 pdvleft;	/* fragment bytes still to come */
	uint8_t		 pcid;
	uint8_t		 mch;
	bool		 pdvskip;	/* bad PDV: its bytes are dropped */

	enum msg_state	 ms;
	uint8_t		 msg_pcid;
	struct pbuf	 cmd;		/* command set, up to CMD_MAX */
	bool		 cmd_over;
	struct dataset	 ds;

	uint32_t	 max_recv;	/* max PDU this side receives, 0 none */
};

struct dicom_state {
	struct dicom_half half[2];
	/* Per presentation context id: encoding and abstract syntax. */
	uint8_t		 pc_ts[256];
	struct pbuf	 pc_as;		/* [MAX_CONTEXTS][UID_MAX + 1] */
};

/* The abstract syntax proposed for context pcid, or NULL without room. */
static char *
pc_as(struct dicom_state *st, uint8_t pcid)
{
	if (st->pc_as.len == 0)
		return NULL;
	return (char *)st->pc_as.p + (size_t)(pcid >> 1) * (UID_MAX + 1);
}

#define PROTO "dicom"

static void
bad(struct proto_ctx *ctx, enum malform k, const char *what)
{
	proto_malformed(ctx, k, PROTO, what);
}

/*
 * Copies a fixed-width text field (AE title, value) without its padding:
 * PS3.5 6.2, leading and trailing spaces are not significant, UIDs are
 * padded with a NUL. Returns the length written to out (outlen > len).
 */
static size_t
trim_copy(const uint8_t *p, size_t len, char *out)
{
	size_t a = 0, b = len;

	while (a < b && p[a] == ' ')
		a++;
	while (b > a && (p[b - 1] == ' ' || p[b - 1] == '\0'))
		b--;
	memcpy(out, p + a, b - a);
	out[b - a] = '\0';
	return b - a;
}

/*
 * A UID (PS3.5 9.1): 1..64 digits and dots, NUL padding removed (spaces
 * around it tolerated). Returns its length, or -1.
 */
static int
uid_read(struct cursor *c, char out[UID_MAX + 1])
{
	size_t n = cur_left(c), a = 0, b;

	if (n == 0 || n > UID_MAX)
		return -1;
	while (a < n && c->p[a] == ' ')
		a++;
	b = n;
	while (b > a && (c->p[b - 1] == ' ' || c->p[b - 1] == '\0'))
		b--;
	if (b == a)
		return -1;
	for (size_t i = a; i < b; i++) {
		uint8_t ch = c->p[i];

		if (!((ch >= '0' && ch <= '9') || ch == '.'))
			return -1;
		out[i - a] = (char)ch;
	}
	out[b - a] = '\0';
	return (int)(b - a);
}

/* Association PDUs (PS3.8 9.3.2 - 9.3.7). */

struct assoc {
	char		 called[AE_MAX + 1];
	char		 calling[AE_MAX + 1];
	uint16_t	 version;
	char		 app_ctx[UID_MAX + 1];
	size_t		 npc;
	bool		 has_max;
	uint32_t	 max_pdu;
	char		 impl_uid[UID_MAX + 1];
	char		 impl_ver[VERSION_MAX + 1];
	bool		 has_async;
	uint16_t	 async_inv, async_perf;
	int		 user_identity;	/* type, or -1 */
	char		 user[USER_MAX + 1];	/* types 1 and 2 */
	bool		 identity_ack;
	/*
	 * The last transfer syntax sub-items read, as sent: a requestor
	 * proposes the same few for every context, read once.
	 */
	uint8_t		 ts_raw[TS_SEEN][UID_MAX];
	uint8_t		 ts_rawlen[TS_SEEN];
	unsigned int	 nts_raw;
	/* From here on, set up by join_init() or read below npc only. */
	struct join	 as;		/* abstract syntaxes */
	struct join	 ts;		/* transfer syntaxes */
	struct join	 roles;
	uint8_t		 pcids[MAX_CONTEXTS];
	uint8_t		 results[MAX_CONTEXTS];
};

/* Outcome of one item: ok, or stop reading the PDU. */
#define ITEM_OK		0
#define ITEM_STOP	(-1)

/*
 * Reports a malformation unless the bytes ran out because of our own
 * buffer cap (partial), which is not the sender's fault.
 */
static int
item_trunc(struct proto_ctx *ctx, bool partial, const char *what)
{
	if (!partial)
		bad(ctx, MAL_DICOM_TRUNCATED_PDU, what);
	return ITEM_STOP;
}

/* Was this transfer syntax sub-item (its bytes) read already? */
static bool
ts_seen(const struct assoc *a, const struct cursor *sub)
{
	size_t n = cur_left(sub);

	for (unsigned int i = 0; i < a->nts_raw && i < TS_SEEN; i++)
		if (a->ts_rawlen[i] == n && memcmp(a->ts_raw[i], sub->p, n) == 0)
			return true;
	return false;
}

/* Remembers a valid transfer syntax sub-item (at most UID_MAX bytes). */
static void
ts_remember(struct assoc *a, const struct cursor *sub)
{
	unsigned int i = a->nts_raw++ % TS_SEEN;
	size_t n = cur_left(sub);

	memcpy(a->ts_raw[i], sub->p, n);
	a->ts_rawlen[i] = (uint8_t)n;
}

static void
pc_rq(struct proto_ctx *ctx, struct dicom_state *st, struct assoc *a,
    struct cursor v)
{
	uint8_t pcid, type;
	uint16_t len;
	struct cursor sub;
	char uid[UID_MAX + 1], *as;
	bool have_as = false;
	unsigned int nts = 0;
	int ul;

	if (cur_u8(&v, &pcid) == -1 || cur_skip(&v, 3) == -1) {
		bad(ctx, MAL_DICOM_BAD_ITEM, "presentation context too short");
		return;
	}
	/* PS3.8 9.3.2.2: odd integers between 1 and 255. */
	if ((pcid & 1) == 0) {
		bad(ctx, MAL_DICOM_BAD_ITEM, "even presentation context id");
		return;
	}
	if (a->npc == MAX_CONTEXTS) {
		bad(ctx, MAL_DICOM_BAD_ITEM,
		    "more than 128 presentation contexts");
		return;
	}
	while (cur_left(&v) > 0) {
		if (cur_u8(&v, &type) == -1 || cur_skip(&v, 1) == -1 ||
		    cur_be16(&v, &len) == -1 || cur_sub(&v, len, &sub) == -1) {
			bad(ctx, MAL_DICOM_BAD_ITEM,
			    "sub-item runs past its presentation context");
			return;
		}
		if (type == 0x40 && ts_seen(a, &sub)) {
			nts++;
			continue;
		}
		if ((type != 0x30 && type != 0x40) ||
		    (ul = uid_read(&sub, uid)) == -1 ||
		    (type == 0x30 && have_as)) {
			bad(ctx, MAL_DICOM_BAD_ITEM,
			    "bad abstract or transfer syntax sub-item");
			return;
		}
		if (type == 0x30) {
			have_as = true;
			(void)join_uid(&a->as, uid, (size_t)ul);
			if ((as = pc_as(st, pcid)) != NULL)
				memcpy(as, uid, sizeof(uid));
		} else {
			nts++;
			(void)join_uid(&a->ts, uid, (size_t)ul);
			ts_remember(a, &sub);
		}
	}
	if (!have_as || nts == 0) {
		bad(ctx, MAL_DICOM_BAD_ITEM,
		    "presentation context without abstract or transfer syntax");
		return;
	}
	a->pcids[a->npc] = pcid;
	a->results[a->npc] = 0;
	a->npc++;
}

static void
pc_ac(struct proto_ctx *ctx, struct dicom_state *st, struct assoc *a,
    struct cursor v)
{
	uint8_t pcid, result, type;
	uint16_t len;
	struct cursor sub;
	char uid[UID_MAX + 1], *as;
	bool have_ts = false;
	const struct uid_name *u;
	int ul;

	if (cur_u8(&v, &pcid) == -1 || cur_skip(&v, 1) == -1 ||
	    cur_u8(&v, &result) == -1 || cur_skip(&v, 1) == -1) {
		bad(ctx, MAL_DICOM_BAD_ITEM, "presentation context too short");
		return;
	}
	/* PS3.8 9.3.3.2: results 0 (acceptance) to 4. */
	if ((pcid & 1) == 0 || result > 4) {
		bad(ctx, MAL_DICOM_BAD_ITEM,
		    "even presentation context id or unknown result");
		return;
	}
	if (a->npc == MAX_CONTEXTS) {
		bad(ctx, MAL_DICOM_BAD_ITEM,
		    "more than 128 presentation contexts");
		return;
	}
	while (cur_left(&v) > 0) {
		if (cur_u8(&v, &type) == -1 || cur_skip(&v, 1) == -1 ||
		    cur_be16(&v, &len) == -1 || cur_sub(&v, len, &sub) == -1) {
			bad(ctx, MAL_DICOM_BAD_ITEM,
			    "sub-item runs past its presentation context");
			return;
		}
		/*
		 * PS3.8 9.3.3.2: one transfer syntax, not significant when
		 * the context is rejected (it may then be empty).
		 */
		if (type != 0x40 || have_ts) {
			bad(ctx, MAL_DICOM_BAD_ITEM,
			    "bad transfer syntax sub-item");
			return;
		}
		have_ts = true;
		if (result != 0)
			continue;
		if ((ul = uid_read(&sub, uid)) == -1) {
			bad(ctx, MAL_DICOM_BAD_ITEM, "bad transfer syntax UID");
			return;
		}
		u = join_uid(&a->ts, uid, (size_t)ul);
		/* The list's entry names it, unless the list is full. */
		st->pc_ts[pcid] = (uint8_t)(a->ts.cut ? ts_of(uid) :
		    u != NULL && u->ts != 0 ? u->ts : TS_EXPLICIT_LE);
		if ((as = pc_as(st, pcid)) != NULL && as[0] != '\0')
			(void)join_uid(&a->as, as, strlen(as));
	}
	if (result == 0 && !have_ts) {
		bad(ctx, MAL_DICOM_BAD_ITEM,
		    "accepted presentation context without transfer syntax");
		return;
	}
	a->pcids[a->npc] = pcid;
	a->results[a->npc] = result;
	a->npc++;
}

static const char *
role_text(uint8_t scu, uint8_t scp)
{
	static const char *const t[] = { "none", "scu", "scp", "scu+scp" };

	return t[(scu != 0) | (scp != 0) << 1];
}

/* User information sub-items (PS3.8 D.1, PS3.7 D.3.3). */
static void
user_info(struct proto_ctx *ctx, struct assoc *a, struct cursor v)
{
	uint8_t type, b1, b2;
	uint16_t len, ulen;
	struct cursor sub, u;
	char uid[UID_MAX + 1];

	while (cur_left(&v) > 0) {
		if (cur_u8(&v, &type) == -1 || cur_skip(&v, 1) == -1 ||
		    cur_be16(&v, &len) == -1 || cur_sub(&v, len, &sub) == -1) {
			bad(ctx, MAL_DICOM_BAD_ITEM,
			    "sub-item runs past the user information");
			return;
		}
		switch (type) {
		case 0x51:
			if (len != 4 || cur_be32(&sub, &a->max_pdu) == -1)
				goto bad;
			a->has_max = true;
			break;
		case 0x52:
			if (uid_read(&sub, a->impl_uid) == -1)
				goto bad;
			break;
		case 0x53:
			if (len != 4 || cur_be16(&sub, &a->async_inv) == -1 ||
			    cur_be16(&sub, &a->async_perf) == -1)
				goto bad;
			a->has_async = true;
			break;
		case 0x54:
			if (cur_be16(&sub, &ulen) == -1 ||
			    cur_sub(&sub, ulen, &u) == -1 ||
			    uid_read(&u, uid) == -1 || cur_u8(&sub, &b1) == -1 ||
			    cur_u8(&sub, &b2) == -1 || cur_left(&sub) != 0)
				goto bad;
			join_add(&a->roles, uid, role_text(b1, b2));
			break;
		case 0x55:
			if (len == 0 || len > VERSION_MAX)
				goto bad;
			(void)trim_copy(sub.p, len, a->impl_ver);
			break;
		case 0x58:
			/*
			 * PS3.7 D.3.3.7: user identity type (1 user name,
			 * 2 user name and passcode, 3 Kerberos, 4 SAML,
			 * 5 JWT), positive response requested, primary
			 * field, secondary field (the passcode, type 2).
			 * Only a user name is kept; tickets, assertions,
			 * tokens and the passcode are never read.
			 */
			if (cur_u8(&sub, &b1) == -1 || b1 < 1 || b1 > 5 ||
			    cur_skip(&sub, 1) == -1 ||
			    cur_be16(&sub, &ulen) == -1 ||
			    cur_sub(&sub, ulen, &u) == -1 ||
			    cur_be16(&sub, &len) == -1 ||
			    cur_skip(&sub, len) == -1 || cur_left(&sub) != 0 ||
			    (b1 == 2) != (len > 0))
				goto bad;
			a->user_identity = b1;
			if (b1 <= 2) {
				size_t n = ulen < USER_MAX ? ulen : USER_MAX;

				memcpy(a->user, u.p, n);
				a->user[n] = '\0';
			}
			break;
		case 0x59:
			a->identity_ack = true;
			break;
		default:
			/* 56, 57 (extended negotiation) and unknown ones. */
			break;
		}
	}
	return;
bad:
	bad(ctx, MAL_DICOM_BAD_ITEM, "bad user information sub-item");
}

static void
emit_assoc(struct proto_ctx *ctx, const char *pdu, const struct assoc *a)
{
	struct observation o;

	if (ctx->bus == NULL)
		return;
	proto_obs_init(ctx, &o, OBS_DICOM);
	proto_subject_sender(ctx, &o);
	(void)obs_cstr(&o, "pdu", pdu);
	(void)obs_cstr(&o, "calling_ae", a->calling);
	(void)obs_cstr(&o, "called_ae", a->called);
	(void)obs_u64(&o, "protocol_version", a->version);
	if (a->app_ctx[0] != '\0')
		(void)obs_cstr(&o, "app_context", a->app_ctx);
	(void)obs_list(&o, "contexts", a->pcids, a->npc);
	if (strcmp(pdu, "associate_ac") == 0)
		(void)obs_list(&o, "results", a->results, a->npc);
	if (a->as.n > 0)
		(void)obs_cstr(&o, "abstract_syntaxes", a->as.s);
	if (a->ts.n > 0)
		(void)obs_cstr(&o, "transfer_syntaxes", a->ts.s);
	if (a->has_max)
		(void)obs_u64(&o, "max_pdu", a->max_pdu);
	if (a->impl_uid[0] != '\0')
		(void)obs_cstr(&o, "impl_class_uid", a->impl_uid);
	if (a->impl_ver[0] != '\0')
		(void)obs_cstr(&o, "impl_version", a->impl_ver);
	if (a->has_async) {
		(void)obs_u64(&o, "async_invoked", a->async_inv);
		(void)obs_u64(&o, "async_performed", a->async_perf);
	}
	if (a->roles.n > 0)
		(void)obs_cstr(&o, "roles", a->roles.s);
	if (a->user_identity > 0)
		(void)obs_u64(&o, "user_identity", (uint64_t)a->user_identity);
	if (a->identity_ack)
		(void)obs_bool(&o, "user_identity_ack", true);
	obs_emit(ctx->bus, &o);
}

/*
 * A user identity in an A-ASSOCIATE-RQ: a login whose kind (and, for a
 * user name, the name) crossed in clear, reported like the other
 * protocols' logins (docs/observations.md, credential).
 */
static void
emit_credential(struct proto_ctx *ctx, const struct assoc *a)
{
	static const char *const schemes[] = { NULL, "username",
		"username-passcode", "kerberos", "saml", "jwt" };
	struct observation o;

	if (ctx->bus == NULL)
		return;
	proto_obs_init(ctx, &o, OBS_CREDENTIAL);
	proto_subject_sender(ctx, &o);
	(void)obs_cstr(&o, "protocol", PROTO);
	(void)obs_cstr(&o, "scheme", schemes[a->user_identity]);
	if (a->user_identity <= 2)
		(void)obs_str(&o, "user", a->user, strlen(a->user));
	(void)obs_bool(&o, "password", a->user_identity == 2);
	(void)obs_cstr(&o, "target", a->called);
	obs_emit(ctx->bus, &o);
}

/*
 * A-ASSOCIATE-RQ or -AC in c (the PDU body, or the part of it that fitted
 * our buffer when partial).
 */
static void
assoc_pdu(struct proto_ctx *ctx, struct dicom_state *st,
    struct dicom_half *h, struct cursor c, bool rq, bool partial)
{
	struct assoc as, *a = &as;
	struct cursor v;
	uint8_t called[AE_MAX], calling[AE_MAX], type;
	uint16_t len;

	/* Kilobytes of join buffers are not cleared for every PDU. */
	memset(a, 0, offsetof(struct assoc, as));
	join_init(&a->as, JOIN_AS);
	join_init(&a->ts, JOIN_TS);
	join_init(&a->roles, JOIN_ROLES);
	a->user_identity = -1;

	if (cur_be16(&c, &a->version) == -1 || cur_skip(&c, 2) == -1 ||
	    cur_bytes(&c, called, AE_MAX) == -1 ||
	    cur_bytes(&c, calling, AE_MAX) == -1 || cur_skip(&c, 32) == -1) {
		(void)item_trunc(ctx, false, "association PDU too short");
		return;
	}
	(void)trim_copy(called, AE_MAX, a->called);
	(void)trim_copy(calling, AE_MAX, a->calling);
	if (rq) {
		(void)pbuf_zero(ctx, &st->pc_as,
		    MAX_CONTEXTS * (UID_MAX + 1));
		memset(st->pc_ts, 0, sizeof(st->pc_ts));
	}
	while (cur_left(&c) > 0) {
		if (cur_u8(&c, &type) == -1 || cur_skip(&c, 1) == -1 ||
		    cur_be16(&c, &len) == -1 || cur_sub(&c, len, &v) == -1) {
			(void)item_trunc(ctx, partial,
			    "item runs past the end of the PDU");
			break;
		}
		switch (type) {
		case 0x10:
			if (uid_read(&v, a->app_ctx) == -1)
				bad(ctx, MAL_DICOM_BAD_ITEM,
				    "bad application context name");
			break;
		case 0x20:
		case 0x21:
			if ((type == 0x20) != rq) {
				bad(ctx, MAL_DICOM_BAD_ITEM,
				    "presentation context of the wrong PDU");
				break;
			}
			if (rq)
				pc_rq(ctx, st, a, v);
			else
				pc_ac(ctx, st, a, v);
			break;
		case 0x50:
			user_info(ctx, a, v);
			break;
		default:
			bad(ctx, MAL_DICOM_BAD_ITEM, "unknown item type");
			break;
		}
	}
	/* PS3.8 D.1: the receiver's maximum; 0 means no limit. */
	if (a->has_max)
		h->max_recv = a->max_pdu;
	emit_assoc(ctx, rq ? "associate_rq" : "associate_ac", a);
	if (rq && a->user_identity > 0)
		emit_credential(ctx, a);
}

/* A-ASSOCIATE-RJ, A-RELEASE-RQ/RP, A-ABORT: four bytes (PS3.8 9.3.4-8). */
static void
short_pdu(struct proto_ctx *ctx, uint8_t type, struct cursor c)
{
	static const char *const names[] = { NULL, NULL, NULL, "associate_rj",
		NULL, "release_rq", "release_rp", "abort" };
	struct observation o;
	uint8_t b[4];

	if (cur_bytes(&c, b, 4) == -1) {
		bad(ctx, MAL_DICOM_TRUNCATED_PDU, "PDU shorter than 4 bytes");
		return;
	}
	if (ctx->bus == NULL)
		return;
	proto_obs_init(ctx, &o, OBS_DICOM);
	proto_subject_sender(ctx, &o);
	(void)obs_cstr(&o, "pdu", names[type]);
	if (type == PDU_ASSOC_RJ) {
		(void)obs_u64(&o, "result", b[1]);
		(void)obs_u64(&o, "source", b[2]);
		(void)obs_u64(&o, "reason", b[3]);
	} else if (type == PDU_ABORT) {
		(void)obs_u64(&o, "source", b[2]);
		(void)obs_u64(&o, "reason", b[3]);
	}
	obs_emit(ctx->bus, &o);
}

/* Data sets (PS3.5 section 7), parsed as they stream by. */

static uint16_t
rd16(const uint8_t *p, bool be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t
rd32(const uint8_t *p, bool be)
{
	return be ? (uint32_t)rd16(p, true) << 16 | rd16(p + 2, true) :
	    (uint32_t)rd16(p + 2, false) << 16 | rd16(p, false);
}

/* PS3.5 table 7.1-1: VRs with a 2-byte reserved field and 32-bit length. */
static int
vr_class(const uint8_t *vr)
{
	static const char long_vrs[][3] = { "OB", "OD", "OF", "OL", "OV", "OW",
		"SQ", "SV", "UC", "UN", "UR", "UT", "UV" };
	static const char short_vrs[][3] = { "AE", "AS", "AT", "CS", "DA",
		"DS", "DT", "FL", "FD", "IS", "LO", "LT", "PN", "SH", "SL",
		"SS", "ST", "TM", "UI", "UL", "US" };

	for (size_t i = 0; i < sizeof(long_vrs) / sizeof(long_vrs[0]); i++)
		if (memcmp(vr, long_vrs[i], 2) == 0)
			return 2;
	for (size_t i = 0; i < sizeof(short_vrs) / sizeof(short_vrs[0]); i++)
		if (memcmp(vr, short_vrs[i], 2) == 0)
			return 1;
	return 0;
}

static void
ds_start(struct dataset *ds, enum ts_kind ts, const char *cmd)
{
	memset(ds, 0, sizeof(*ds));
	memcpy(ds->cmd, cmd, strlen(cmd) + 1);
	ds->active = true;
	ds->ts = (uint8_t)ts;
	ds->want = -1;
	/* Deflated data sets are not inflated: nothing is read from them. */
	ds->skipping = ts == TS_DEFLATE;
}

static void
ds_fail(struct proto_ctx *ctx, struct dataset *ds, const char *what)
{
	bad(ctx, MAL_DICOM_BAD_ELEMENT, what);
	ds->skipping = true;
}

static uint8_t
ds_cur_ts(const struct dataset *ds)
{
	return ds->depth > 0 ? ds->lv[ds->depth - 1].ts : ds->ts;
}

/* The end of the innermost level with a defined length. */
static uint64_t
ds_limit(const struct dataset *ds)
{
	for (unsigned int i = ds->depth; i > 0; i--)
		if (ds->lv[i - 1].end != END_NONE)
			return ds->lv[i - 1].end;
	return END_NONE;
}

static int
ds_push(struct proto_ctx *ctx, struct dataset *ds, uint8_t kind, uint8_t ts,
    uint32_t len)
{
	if (ds->depth == DS_MAX_DEPTH) {
		ds_fail(ctx, ds, "sequences nested too deep");
		return -1;
	}
	ds->lv[ds->depth].kind = kind;
	ds->lv[ds->depth].ts = ts;
	ds->lv[ds->depth].end = len == UNDEFINED ? END_NONE : ds->off + len;
	ds->depth++;
	return 0;
}

/* Leaves every defined-length level that ends here. */
static void
ds_pop_ended(struct dataset *ds)
{
	while (ds->depth > 0 && ds->lv[ds->depth - 1].end == ds->off)
		ds->depth--;
}

static void
ds_note_phi(struct dataset *ds, uint32_t tag)
{
	for (unsigned int i = 0; i < ds->nphi; i++)
		if (ds->phi[i] == tag)
			return;
	if (ds->nphi == PHI_MAX) {
		ds->phi_cut = true;
		return;
	}
	ds->phi[ds->nphi++] = tag;
}

static void emit_dataset(struct proto_ctx *, struct dataset *);

/*
 * The highest tag of the identifying attributes: data set elements come in
 * ascending order (PS3.5 7.1), so past it the attributes are reported
 * without waiting for the end of a data set that may be very long (and
 * beyond the stream depth).
 */
#define LAST_ATTR_TAG	0x00181020u

/* The element header in ds->hdr is complete: act on it. */
static void
ds_element(struct proto_ctx *ctx, struct dataset *ds, uint16_t group,
    uint16_t elem, const uint8_t *vr, uint32_t len)
{
	struct ds_level *top = ds->depth > 0 ? &ds->lv[ds->depth - 1] : NULL;
	uint32_t tag = (uint32_t)group << 16 | elem;
	uint64_t limit = ds_limit(ds);
	uint8_t ts = ds_cur_ts(ds);
	bool in_items = top != NULL && top->kind != LV_ITEM;

	if (ds->off > limit) {
		ds_fail(ctx, ds, "element header runs past its item");
		return;
	}
	if (len != UNDEFINED && limit != END_NONE && len > limit - ds->off) {
		ds_fail(ctx, ds, "element runs past its item");
		return;
	}
	if (group == 0xfffe) {
		/* PS3.5 7.5: items and delimiters. */
		if (elem == 0xe000 && in_items) {
			if (top->kind == LV_FRAG) {
				if (len == UNDEFINED) {
					ds_fail(ctx, ds,
					    "fragment of undefined length");
					return;
				}
			} else {
				(void)ds_push(ctx, ds, LV_ITEM, top->ts, len);
				ds_pop_ended(ds);
				return;
			}
		} else if ((elem == 0xe00d && top != NULL &&
		    top->kind == LV_ITEM && top->end == END_NONE) ||
		    (elem == 0xe0dd && in_items && top->end == END_NONE)) {
			if (len != 0) {
				ds_fail(ctx, ds, "delimiter with a length");
				return;
			}
			ds->depth--;
			ds_pop_ended(ds);
			return;
		} else {
			ds_fail(ctx, ds, "item or delimiter out of place");
			return;
		}
	} else if (in_items) {
		ds_fail(ctx, ds, "element where an item was expected");
		return;
	} else {
		bool sq = false, frag = false;
		uint8_t inner = ts;

		if (group == 0x0010 && elem != 0x0000 && len != 0)
			ds_note_phi(ds, tag);
		if (vr != NULL && memcmp(vr, "SQ", 2) == 0)
			sq = true;
		else if (len == UNDEFINED) {
			/*
			 * PS3.5 A.4: encapsulated pixel data is a sequence
			 * of opaque fragments; PS3.5 6.2.2: UN of undefined
			 * length holds an implicit VR LE sequence; in
			 * implicit VR an undefined length means SQ.
			 */
			if (tag == 0x7fe00010 || (vr != NULL &&
			    (memcmp(vr, "OB", 2) == 0 ||
			    memcmp(vr, "OW", 2) == 0)))
				frag = true;
			else if (vr == NULL)
				sq = true;
			else if (memcmp(vr, "UN", 2) == 0) {
				sq = true;
				inner = TS_IMPLICIT_LE;
			} else {
				ds_fail(ctx, ds,
				    "undefined length on a plain value");
				return;
			}
		}
		if (ds->depth == 0 && tag > LAST_ATTR_TAG && !ds->emitted)
			emit_dataset(ctx, ds);
		if (sq || frag) {
			if (ds_push(ctx, ds, frag ? LV_FRAG : LV_SEQ, inner,
			    len) == 0)
				ds_pop_ended(ds);
			return;
		}
		if (ds->depth == 0)
			for (size_t i = 0; i < NATTRS; i++)
				if (attrs[i].tag == tag)
					ds->want = (int)i;
	}
	ds->vleft = len;
	ds->vallen = 0;
	if (len == 0) {
		ds->want = -1;
		ds_pop_ended(ds);
	}
}

/* Bytes of the element header needed, given what is in ds->hdr. */
static size_t
ds_hdr_need(const struct dataset *ds)
{
	uint8_t ts = ds_cur_ts(ds);

	if (ds->hdrhave < 6)
		return 6;
	if (ts == TS_IMPLICIT_LE)
		return 8;
	if (rd16(ds->hdr, ts == TS_EXPLICIT_BE) == 0xfffe)
		return 8;
	return vr_class(ds->hdr + 4) == 2 ? 12 : 8;
}

/*
 * PS3.5 10: without the negotiation in sight, tell the encoding from the
 * first element: its group is small in the right byte order, and explicit
 * VR puts two capital letters of a known VR after the tag.
 */
static void
ds_sniff(struct dataset *ds)
{
	bool be = rd16(ds->hdr, true) < rd16(ds->hdr, false);

	if (vr_class(ds->hdr + 4) != 0)
		ds->ts = be ? TS_EXPLICIT_BE : TS_EXPLICIT_LE;
	else
		ds->ts = TS_IMPLICIT_LE;
}

static void
ds_header_done(struct proto_ctx *ctx, struct dataset *ds)
{
	uint8_t ts = ds_cur_ts(ds);
	bool be = ts == TS_EXPLICIT_BE;
	uint16_t group = rd16(ds->hdr, be), elem = rd16(ds->hdr + 2, be);
	const uint8_t *vr = NULL;
	uint32_t len;

	if (ts == TS_IMPLICIT_LE || group == 0xfffe)
		len = rd32(ds->hdr + 4, be);
	else {
		vr = ds->hdr + 4;
		switch (vr_class(vr)) {
		case 2:
			len = rd32(ds->hdr + 8, be);
			break;
		case 1:
			len = rd16(ds->hdr + 6, be);
			break;
		default:
			ds_fail(ctx, ds, "unknown VR");
			return;
		}
	}
	ds->hdrhave = 0;
	ds_element(ctx, ds, group, elem, vr, len);
}

static void
ds_value_done(struct dataset *ds)
{
	if (ds->want >= 0) {
		char *v = ds->got[ds->want];
		size_t n = trim_copy(ds->val, ds->vallen, v);

		/*
		 * PS3.5 6.4: the values of a multi-valued attribute are
		 * split by a backslash; they are reported joined with ';'
		 * like the other lists.
		 */
		for (size_t i = 0; i < n; i++)
			if (v[i] == '\\')
				v[i] = ';';
		ds->want = -1;
	}
	ds_pop_ended(ds);
}

static void
ds_feed(struct proto_ctx *ctx, struct dataset *ds, const uint8_t *p,
    size_t n)
{
	size_t take, need;

	while (n > 0 && !ds->skipping) {
		if (ds->vleft > 0) {
			take = ds->vleft < n ? (size_t)ds->vleft : n;
			if (ds->want >= 0 && ds->vallen < VAL_CAP) {
				size_t c = VAL_CAP - ds->vallen;

				c = c < take ? c : take;
				memcpy(ds->val + ds->vallen, p, c);
				ds->vallen += c;
			}
			ds->vleft -= take;
			ds->off += take;
			p += take;
			n -= take;
			if (ds->vleft == 0)
				ds_value_done(ds);
			continue;
		}
		need = ds_hdr_need(ds);
		take = need - ds->hdrhave < n ? need - ds->hdrhave : n;
		memcpy(ds->hdr + ds->hdrhave, p, take);
		ds->hdrhave = (uint8_t)(ds->hdrhave + take);
		ds->off += take;
		p += take;
		n -= take;
		if (ds->hdrhave < need)
			continue;
		if (ds->ts == TS_UNKNOWN)
			ds_sniff(ds);
		/* Six bytes tell how long the whole header is. */
		if (ds->hdrhave == ds_hdr_need(ds))
			ds_header_done(ctx, ds);
	}
}

/*
 * Reports the identifying attributes (once) and the patient tags not yet
 * reported.
 */
static void
emit_dataset(struct proto_ctx *ctx, struct dataset *ds)
{
	struct observation o;
	char tags[PHI_MAX * 12 + 8], names[PHI_MAX * 28 + 8];
	size_t nt = 0, nn = 0;
	bool any = false;

	if (ctx->bus == NULL)
		return;
	for (size_t i = 0; i < NATTRS; i++)
		any = any || ds->got[i][0] != '\0';
	if (any && !ds->emitted) {
		proto_obs_init(ctx, &o, OBS_DICOM);
		proto_subject_sender(ctx, &o);
		(void)obs_cstr(&o, "pdu", "dataset");
		if (ds->cmd[0] != '\0')
			(void)obs_cstr(&o, "command", ds->cmd);
		(void)obs_cstr(&o, "encoding", ts_text(ds->ts));
		for (size_t i = 0; i < NATTRS; i++)
			if (ds->got[i][0] != '\0')
				(void)obs_cstr(&o, attrs[i].key, ds->got[i]);
		obs_emit(ctx->bus, &o);
	}
	ds->emitted = true;
	if (ds->nphi == ds->phi_sent)
		return;
	/* Tags and names only: a patient value is never read into memory. */
	for (unsigned int i = ds->phi_sent; i < ds->nphi; i++) {
		static const char hex[] = "0123456789ABCDEF";
		uint32_t t = ds->phi[i];
		const char *nm = phi_name((uint16_t)(t & 0xffff));
		size_t l;

		if (nt > 0)
			tags[nt++] = ';';
		tags[nt++] = '(';
		for (int s = 28; s >= 0; s -= 4) {
			tags[nt++] = hex[(t >> s) & 0xf];
			if (s == 16)
				tags[nt++] = ',';
		}
		tags[nt++] = ')';
		if (nn > 0)
			names[nn++] = ';';
		nm = nm != NULL ? nm : "?";
		l = strlen(nm);
		memcpy(names + nn, nm, l);
		nn += l;
	}
	tags[nt] = '\0';
	names[nn] = '\0';
	proto_obs_init(ctx, &o, OBS_PHI);
	proto_subject_sender(ctx, &o);
	(void)obs_cstr(&o, "proto", PROTO);
	(void)obs_cstr(&o, "tags", tags);
	(void)obs_cstr(&o, "names", names);
	(void)obs_u64(&o, "count", ds->nphi - ds->phi_sent);
	if (ds->phi_cut)
		(void)obs_bool(&o, "truncated", true);
	if (ds->cmd[0] != '\0')
		(void)obs_cstr(&o, "command", ds->cmd);
	obs_emit(ctx->bus, &o);
	ds->phi_sent = ds->nphi;
}

static void
ds_finish(struct proto_ctx *ctx, struct dicom_half *h)
{
	struct dataset *ds = &h->ds;

	if (!ds->skipping && (ds->hdrhave > 0 || ds->vleft > 0 ||
	    ds->depth > 0))
		ds_fail(ctx, ds, "data set ends inside an element");
	emit_dataset(ctx, ds);
	ds->active = false;
}

/* DIMSE command sets (PS3.7 section 6.3, annex E). */

struct command {
	bool		 has_field, has_type, has_status, has_mid, has_rid;
	uint16_t	 field, data_type, status, mid, rid;
	char		 sop_class[UID_MAX + 1];
	char		 sop_inst[UID_MAX + 1];
	char		 move_dest[AE_MAX + 1];
	bool		 has_sub[4];
	uint16_t	 sub[4];
	bool		 has_event, has_action;
	uint16_t	 event, action;
};

static int
cmd_us(struct cursor *v, bool *has, uint16_t *out)
{
	if (cur_left(v) != 2 || cur_le16(v, out) == -1)
		return -1;
	*has = true;
	return 0;
}

static void
command_set(struct proto_ctx *ctx, struct dicom_state *st,
    struct dicom_half *h)
{
	static const char *const sub_keys[] = { "remaining", "completed",
		"failed", "warning" };
	struct cursor c = cur_make(h->cmd.p, h->cmd.len), v;
	struct command cmd;
	struct observation o;
	uint16_t group, elem;
	uint32_t len;
	const char *name;

	memset(&cmd, 0, sizeof(cmd));
	while (cur_left(&c) > 0) {
		int r = 0;

		if (cur_le16(&c, &group) == -1 || cur_le16(&c, &elem) == -1 ||
		    cur_le32(&c, &len) == -1 || cur_sub(&c, len, &v) == -1)
			goto bad;
		/* PS3.7 6.3: a command set holds group 0000 only. */
		if (group != 0x0000)
			goto bad;
		switch (elem) {
		case 0x0002:
		case 0x0003:
			r = uid_read(&v, cmd.sop_class);
			break;
		case 0x1000:
		case 0x1001:
			r = uid_read(&v, cmd.sop_inst);
			break;
		case 0x0100:
			r = cmd_us(&v, &cmd.has_field, &cmd.field);
			break;
		case 0x0110:
			r = cmd_us(&v, &cmd.has_mid, &cmd.mid);
			break;
		case 0x0120:
			r = cmd_us(&v, &cmd.has_rid, &cmd.rid);
			break;
		case 0x0800:
			r = cmd_us(&v, &cmd.has_type, &cmd.data_type);
			break;
		case 0x0900:
			r = cmd_us(&v, &cmd.has_status, &cmd.status);
			break;
		case 0x0600:
			if (len == 0 || len > AE_MAX)
				r = -1;
			else
				(void)trim_copy(v.p, len, cmd.move_dest);
			break;
		case 0x1002:
			r = cmd_us(&v, &cmd.has_event, &cmd.event);
			break;
		case 0x1008:
			r = cmd_us(&v, &cmd.has_action, &cmd.action);
			break;
		case 0x1020:
		case 0x1021:
		case 0x1022:
		case 0x1023:
			r = cmd_us(&v, &cmd.has_sub[elem - 0x1020],
			    &cmd.sub[elem - 0x1020]);
			break;
		default:
			break;
		}
		if (r == -1)
			goto bad;
	}
	if (!cmd.has_field || !cmd.has_type)
		goto bad;
	name = command_name(cmd.field);
	if (name == NULL)
		goto bad;
	/* PS3.7 E.1: 0x0101 means no data set follows. */
	if (cmd.data_type != 0x0101) {
		h->ms = MSG_DATA;
		ds_start(&h->ds, (enum ts_kind)st->pc_ts[h->msg_pcid], name);
	} else
		h->ms = MSG_IDLE;
	if (ctx->bus == NULL)
		return;
	proto_obs_init(ctx, &o, OBS_DICOM);
	proto_subject_sender(ctx, &o);
	(void)obs_cstr(&o, "pdu", "command");
	(void)obs_cstr(&o, "command", name);
	(void)obs_u64(&o, "command_field", cmd.field);
	(void)obs_u64(&o, "pcid", h->msg_pcid);
	if (cmd.has_mid)
		(void)obs_u64(&o, "message_id", cmd.mid);
	if (cmd.has_rid)
		(void)obs_u64(&o, "responded_id", cmd.rid);
	if (cmd.sop_class[0] != '\0') {
		const struct uid_name *u = uid_lookup(cmd.sop_class);

		(void)obs_cstr(&o, "sop_class_uid", cmd.sop_class);
		if (u != NULL)
			(void)obs_cstr(&o, "sop_class", u->name);
	}
	if (cmd.sop_inst[0] != '\0')
		(void)obs_cstr(&o, "sop_instance_uid", cmd.sop_inst);
	if (cmd.has_status)
		(void)obs_u64(&o, "status", cmd.status);
	if (cmd.move_dest[0] != '\0')
		(void)obs_cstr(&o, "move_destination", cmd.move_dest);
	if (cmd.has_event)
		(void)obs_u64(&o, "event_type", cmd.event);
	if (cmd.has_action)
		(void)obs_u64(&o, "action_type", cmd.action);
	for (int i = 0; i < 4; i++)
		if (cmd.has_sub[i])
			(void)obs_u64(&o, sub_keys[i], cmd.sub[i]);
	(void)obs_bool(&o, "has_dataset", cmd.data_type != 0x0101);
	obs_emit(ctx->bus, &o);
	return;
bad:
	bad(ctx, MAL_DICOM_BAD_COMMAND, "bad command set");
	h->ms = MSG_IDLE;
}

/* P-DATA-TF: PDVs to messages (PS3.8 9.3.5, annex E). */

static void
pdv_begin(struct proto_ctx *ctx, struct dicom_half *h)
{
	bool command = (h->mch & 1) != 0;

	h->pdvskip = false;
	/* PS3.8 E.2: bits 2-7 of the message control header are 0. */
	if ((h->mch & 0xfc) != 0 || (h->pcid & 1) == 0) {
		bad(ctx, MAL_DICOM_BAD_PDV,
		    "reserved control bits or even context id");
		goto drop;
	}
	if (h->ms != MSG_IDLE && h->pcid != h->msg_pcid) {
		bad(ctx, MAL_DICOM_BAD_PDV,
		    "fragment of another presentation context mid-message");
		goto drop;
	}
	if (command) {
		if (h->ms == MSG_DATA) {
			bad(ctx, MAL_DICOM_BAD_PDV,
			    "command fragment inside a data set");
			goto drop;
		}
		if (h->ms == MSG_IDLE) {
			h->ms = MSG_CMD;
			h->msg_pcid = h->pcid;
			pbuf_clear(ctx, &h->cmd);
			h->cmd_over = false;
		}
		return;
	}
	if (h->ms != MSG_DATA) {
		bad(ctx, MAL_DICOM_BAD_PDV,
		    "data set fragment without its command");
		goto drop;
	}
	return;
drop:
	h->pdvskip = true;
	h->ms = MSG_IDLE;
	h->ds.active = false;
}

static void
pdv_data(struct proto_ctx *ctx, struct dicom_half *h, const uint8_t *p,
    size_t n)
{
	if (h->pdvskip)
		return;
	if (h->ms == MSG_CMD) {
		if (!h->cmd_over &&
		    pbuf_append(ctx, &h->cmd, p, n, CMD_MAX) < n)
			h->cmd_over = true;
	} else if (h->ms == MSG_DATA)
		ds_feed(ctx, &h->ds, p, n);
}

static void
pdv_end(struct proto_ctx *ctx, struct dicom_state *st, struct dicom_half *h)
{
	if (h->pdvskip || (h->mch & 2) == 0)
		return;
	if (h->ms == MSG_CMD) {
		if (h->cmd_over) {
			bad(ctx, MAL_DICOM_BAD_COMMAND,
			    "command set longer than 4096 bytes");
			h->ms = MSG_IDLE;
			return;
		}
		command_set(ctx, st, h);
	} else if (h->ms == MSG_DATA) {
		ds_finish(ctx, h);
		h->ms = MSG_IDLE;
	}
}

/* Consumes up to n bytes of a P-DATA-TF body; returns how many. */
static size_t
pdata_feed(struct proto_ctx *ctx, struct dicom_state *st,
    struct dicom_half *h, const uint8_t *p, size_t n)
{
	size_t used = 0, take;
	uint32_t pdvlen;

	while (used < n && h->left > 0) {
		if (h->pdvleft > 0) {
			take = n - used < h->pdvleft ? n - used : h->pdvleft;
			pdv_data(ctx, h, p + used, take);
			used += take;
			h->pdvleft -= (uint32_t)take;
			h->left -= (uint32_t)take;
			if (h->pdvleft == 0)
				pdv_end(ctx, st, h);
			continue;
		}
		h->pdvhdr[h->pdvhave++] = p[used++];
		h->left--;
		if (h->pdvhave < PDV_HDR_LEN) {
			if (h->left == 0)
				bad(ctx, MAL_DICOM_BAD_PDV,
				    "PDU ends inside a PDV header");
			continue;
		}
		h->pdvhave = 0;
		pdvlen = rd32(h->pdvhdr, true);
		h->pcid = h->pdvhdr[4];
		h->mch = h->pdvhdr[5];
		/* The length counts the context id and control header. */
		if (pdvlen < 2 || pdvlen - 2 > h->left) {
			bad(ctx, MAL_DICOM_BAD_PDV,
			    "PDV length out of its PDU");
			h->ms = MSG_IDLE;
			h->ds.active = false;
			/* The rest of this PDU is dropped. */
			h->pdvskip = true;
			h->pdvleft = h->left;
			h->mch = 0;
			continue;
		}
		h->pdvleft = pdvlen - 2;
		pdv_begin(ctx, h);
		if (h->pdvleft == 0)
			pdv_end(ctx, st, h);
	}
	return used;
}

/* The six-byte PDU header is in h->hdr. */
static void
pdu_begin(struct proto_ctx *ctx, struct dicom_half *h, int dir,
    const struct dicom_state *st)
{
	uint32_t limit = st->half[!dir].max_recv;

	h->type = h->hdr[0];
	h->len = h->left = rd32(h->hdr + 2, true);
	pbuf_clear(ctx, &h->abuf);
	h->pdvhave = 0;
	h->pdvleft = 0;
	h->pdvskip = false;
	switch (h->type) {
	case PDU_PDATA:
		if (h->len > PDATA_HARD) {
			bad(ctx, MAL_DICOM_PDU_TOO_LONG,
			    "P-DATA-TF longer than 16 MiB");
			h->lost = true;
		} else if (limit != 0 && h->len > limit)
			/* PS3.8 D.1: over the receiver's maximum. */
			bad(ctx, MAL_DICOM_PDU_TOO_LONG,
			    "P-DATA-TF longer than the negotiated maximum");
		else if (h->len == 0)
			bad(ctx, MAL_DICOM_BAD_PDV, "P-DATA-TF without PDV");
		break;
	case PDU_ASSOC_RQ:
	case PDU_ASSOC_AC:
		if (h->len > ASSOC_HARD) {
			bad(ctx, MAL_DICOM_PDU_TOO_LONG,
			    "association PDU longer than 1 MiB");
			h->lost = true;
		} else if (h->len < ASSOC_FIXED) {
			bad(ctx, MAL_DICOM_TRUNCATED_PDU,
			    "association PDU shorter than its fixed fields");
			h->type = 0;	/* skipped */
		}
		break;
	case PDU_ASSOC_RJ:
	case PDU_RELEASE_RQ:
	case PDU_RELEASE_RP:
	case PDU_ABORT:
		if (h->len > 4) {
			bad(ctx, MAL_DICOM_PDU_TOO_LONG,
			    "PDU longer than 4 bytes");
			if (h->len > ASSOC_HARD)
				h->lost = true;
			h->type = 0;
		}
		break;
	default:
		bad(ctx, MAL_DICOM_BAD_PDU_TYPE, "unknown PDU type");
		h->lost = true;
		break;
	}
}

static void
pdu_end(struct proto_ctx *ctx, struct dicom_state *st, struct dicom_half *h)
{
	struct cursor c = cur_make(h->abuf.p, h->abuf.len);

	switch (h->type) {
	case PDU_ASSOC_RQ:
	case PDU_ASSOC_AC:
		assoc_pdu(ctx, st, h, c, h->type == PDU_ASSOC_RQ,
		    h->abuf.len < h->len);
		break;
	case PDU_ASSOC_RJ:
	case PDU_RELEASE_RQ:
	case PDU_RELEASE_RP:
	case PDU_ABORT:
		short_pdu(ctx, h->type, c);
		break;
	default:
		break;
	}
	h->hdrhave = 0;
}

static void
dicom_stream(struct proto_ctx *ctx, void *state, const uint8_t *p, size_t n)
{
	struct dicom_state *st = state;
	int dir = ctx->dir != 0;
	struct dicom_half *h = &st->half[dir];
	size_t take;

	while (n > 0 && !h->lost) {
		if (h->hdrhave < PDU_HDR_LEN) {
			h->hdr[h->hdrhave++] = *p++;
			n--;
			if (h->hdrhave < PDU_HDR_LEN)
				continue;
			pdu_begin(ctx, h, dir, st);
			if (!h->lost && h->left == 0)
				pdu_end(ctx, st, h);
			continue;
		}
		if (h->type == PDU_PDATA) {
			take = pdata_feed(ctx, st, h, p, n);
		} else {
			take = n < h->left ? n : h->left;
			if (h->type != 0)
				(void)pbuf_append(ctx, &h->abuf, p, take,
				    ASSOC_BUF);
			h->left -= (uint32_t)take;
		}
		p += take;
		n -= take;
		if (h->left == 0)
			pdu_end(ctx, st, h);
	}
}

/* After a hole the PDU framing is lost: this direction is abandoned. */
static void
dicom_gap(struct proto_ctx *ctx, void *state)
{
	struct dicom_state *st = state;

	st->half[ctx->dir != 0].lost = true;
}

static void
dicom_end(struct proto_ctx *ctx, void *state)
{
	struct dicom_state *st = state;

	for (int i = 0; i < 2; i++) {
		pbuf_free(ctx, &st->half[i].abuf);
		pbuf_free(ctx, &st->half[i].cmd);
	}
	pbuf_free(ctx, &st->pc_as);
}

/*
 * PS3.8 9.3.2: an A-ASSOCIATE-RQ (type 1, a length that covers the fixed
 * fields, protocol version bit 0 set) or, for a capture that starts inside
 * an association, a P-DATA-TF whose first PDV fits its PDU.
 */
static bool
dicom_probe(const uint8_t *p, size_t n, int dir)
{
	struct cursor c = cur_make(p, n);
	uint8_t type, res, pcid, mch;
	uint32_t len, pdvlen;
	uint16_t version;

	(void)dir;
	if (cur_u8(&c, &type) == -1 || cur_u8(&c, &res) == -1 ||
	    cur_be32(&c, &len) == -1 || res != 0)
		return false;
	if (type == PDU_ASSOC_RQ)
		return len >= ASSOC_FIXED && len <= ASSOC_HARD &&
		    cur_be16(&c, &version) == 0 && (version & 1) != 0;
	if (type == PDU_PDATA)
		return len >= PDV_HDR_LEN && len <= PDATA_HARD &&
		    cur_be32(&c, &pdvlen) == 0 && cur_u8(&c, &pcid) == 0 &&
		    cur_u8(&c, &mch) == 0 && pdvlen >= 2 &&
		    pdvlen <= len - 4 && (pcid & 1) != 0 && mch <= 3;
	return false;
}

const struct dissector dissector_dicom = {
	.name = "dicom",
	.l4proto = IPPROTO_TCP_,
	.ports = { 104, 11112, 4242 },
	.probe = dicom_probe,
	.probe_any_port = true,
	.state_size = sizeof(struct dicom_state),
	.stream = dicom_stream,
	.gap = dicom_gap,
	.end = dicom_end,
};
