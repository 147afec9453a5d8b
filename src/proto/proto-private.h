/*
 * proto-private.h - helpers shared by the dissectors in src/proto/.
 *
 * The public table (proto_dissectors[] in proto.h) lists every dissector;
 * the ones below are not named in proto.h because nothing outside src/proto/
 * needs them by name (the TCP variants of DNS and LLMNR share their names
 * with the UDP ones and differ only in l4proto).
 */
#ifndef WARD_PROTO_PRIVATE_H
#define WARD_PROTO_PRIVATE_H

#include "ward/proto.h"

extern const struct dissector dissector_dhcpv6;
extern const struct dissector dissector_dns_tcp;
extern const struct dissector dissector_llmnr_tcp;
extern const struct dissector dissector_nbdgm;

/*
 * Starts an observation of kind k for the packet in ctx: timestamp, flow and
 * VLAN are filled in, the subject is left empty.
 */
void proto_obs_init(const struct proto_ctx *, struct observation *,
    enum obs_kind);

/*
 * The sender's MAC address, or NULL when the capture has none (raw IP) or
 * the packet is not IP. Cooked captures know the sender's MAC only.
 */
const uint8_t *proto_sender_mac(const struct proto_ctx *);

/*
 * Sets the subject of o to address a, with the sender's MAC when a is the
 * sender's own address (a responder naming itself).
 */
void proto_subject_addr(const struct proto_ctx *, struct observation *o,
    const struct ward_addr *a);

/*
 * Domain names (RFC 1035 section 4.1.4), shared by DNS and NBNS. Reads the
 * name that starts at offset *off of msg (the whole message, so that
 * compression pointers can be followed) into wire, as uncompressed labels
 * (length byte, bytes) ending with the zero root label, and stores its
 * length in *wirelen. Pointers must point strictly before the start of
 * the labels being read (so every jump goes backwards and a loop is
 * impossible), at most DNS_MAX_JUMPS of them; the uncompressed name is at
 * most DNS_NAME_MAX bytes and labels at most 63. On success *off is just
 * past the name as it sits in the message (after the first pointer).
 * Returns DNS_NAME_OK, DNS_NAME_TRUNCATED when the message ends inside the
 * name, or DNS_NAME_BAD.
 */
#define DNS_NAME_MAX	255
#define DNS_MAX_JUMPS	32
#define DNS_NAME_OK		0
#define DNS_NAME_TRUNCATED	(-1)
#define DNS_NAME_BAD		(-2)

int proto_dns_name(const struct cursor *msg, size_t *off,
    uint8_t wire[DNS_NAME_MAX], size_t *wirelen);

/*
 * DICOM Part 10 files inside other protocols (dicomfile.c, PS3.10 section
 * 7.1): a dissector that carries a body or a file (HTTP, FTP data, SMB
 * writes) embeds a struct dicomfile per direction, calls begin() at the
 * start of each body with the carrier's name ("http", "ftp", "smb"; a
 * static string) and its Content-Type (NULL if none; a multipart type
 * with a boundary makes each part a candidate), feed() with the body's
 * bytes in order (any piece size; after the first DICOMFILE_HEAD bytes of
 * each file they are only scanned for multipart delimiters) and end() when
 * the body ends. Each Part 10 file found gives one dicom_file observation
 * whose subject is the sender of ctx->dir; a preamble holding an
 * executable header is flagged as CVE-2019-11687.
 */
#define DICOMFILE_HEAD		1024
#define DICOMFILE_BOUNDARY_MAX	70

struct dicomfile {
	const char	*carrier;
	bool		 active;	/* between begin() and end() */
	bool		 checked;	/* the current file was looked at */
	bool		 multipart;
	uint8_t		 mstate;
	uint8_t		 delimlen;	/* "\r\n--" and the boundary */
	uint8_t		 match;		/* delimiter bytes matched so far */
	uint8_t		 dashes;
	uint32_t	 part;		/* 1-based index of the current part */
	size_t		 count;		/* bytes in the current state */
	size_t		 linelen;
	uint64_t	 off;		/* bytes of the current part */
	size_t		 have;		/* bytes kept in head */
	uint8_t		 delim[4 + DICOMFILE_BOUNDARY_MAX];
	uint8_t		 head[DICOMFILE_HEAD];
};

void proto_dicomfile_begin(struct dicomfile *, const char *carrier,
    const uint8_t *ctype, size_t ctypelen);
void proto_dicomfile_feed(struct proto_ctx *, struct dicomfile *,
    const uint8_t *, size_t);
void proto_dicomfile_end(struct proto_ctx *, struct dicomfile *);

/*
 * Growable buffers for dissector state (record.c). A dissector's fixed
 * state stays small; bytes it must hold across packets (a record split
 * over segments, a message being assembled) go to a pbuf, allocated when
 * first needed, grown by doubling up to the dissector's cap and charged
 * to the flow memory budget (ctx->ft; none without a table, as in unit
 * tests). A refused charge is a cap reached early: the dissector parses
 * what it has, as it does with anything longer than its cap.
 */
struct pbuf {
	uint8_t		*p;
	size_t		 len;		/* bytes held */
	size_t		 cap;		/* bytes allocated and charged */
};

/* Appends up to n bytes while len stays <= max; returns how many. */
size_t pbuf_append(struct proto_ctx *, struct pbuf *, const void *, size_t n,
    size_t max);
/* Makes b hold n zero bytes; -1 (b unchanged) when the budget refuses. */
int pbuf_zero(struct proto_ctx *, struct pbuf *, size_t n);
/* Forgets the bytes; an allocation over PBUF_KEEP is given back. */
#define PBUF_KEEP	16384
void pbuf_clear(struct proto_ctx *, struct pbuf *);
void pbuf_free(struct proto_ctx *, struct pbuf *);

/*
 * Length-prefixed records of a stream (DNS and LLMNR over TCP, NetBIOS
 * session messages, TPKT, Modbus MBAP, MQTT control packets): frame()
 * looks at the first n bytes of a record and returns its whole length
 * (header included, > 0), REC_MORE when n bytes do not yet tell, or
 * REC_BAD when they cannot start a record. A record that arrives whole
 * within one piece of the stream is handed over in place, without a copy;
 * one split across pieces is gathered in a pbuf. Records longer than max
 * are handed over cut to their first max bytes, the rest skipped.
 */
#define REC_MORE	0
#define REC_BAD		(-1)

struct rec_cfg {
	int64_t		(*frame)(const uint8_t *, size_t n);
	size_t		 hdr_max;	/* bytes frame() needs at most */
	size_t		 max;		/* bytes of a record kept at most */
	void		(*record)(struct proto_ctx *, void *arg,
			    const uint8_t *, size_t len, bool cut);
};

struct recasm {
	struct pbuf	 buf;
	uint64_t	 reclen;	/* of the record being gathered, or 0 */
	uint64_t	 skip;		/* bytes past max still to skip */
	bool		 lost;		/* framing lost: the rest is ignored */
};

/*
 * Feeds n bytes of one direction. Returns 0, or REC_BAD when frame()
 * rejected a record start (the recasm is lost from then on; the caller
 * counts the malformation).
 */
int recasm_feed(struct proto_ctx *, struct recasm *, const struct rec_cfg *,
    void *arg, const uint8_t *, size_t n);
/* A gap in the stream: record boundaries are lost. */
void recasm_lose(struct proto_ctx *, struct recasm *);
void recasm_free(struct proto_ctx *, struct recasm *);

#endif
