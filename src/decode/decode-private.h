/*
 * decode-private.h - helpers shared by the files of the decode layer.
 *
 * Each layer is a function that takes the decoder, a cursor positioned at
 * its header and the packet being filled, and returns what the frame came
 * to (enum decode_result). A layer consumes its header from the cursor and
 * hands the rest to the next one; nothing here keeps a pointer into the
 * frame beyond the call except the packet's payload cursor.
 */
#ifndef WARD_DECODE_PRIVATE_H
#define WARD_DECODE_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/cursor.h"
#include "ward/decode.h"

/* Extension headers walked before giving up (RFC 8200 sets no limit). */
#define IPV6_MAX_EXT		8
/* Fragments held for one datagram; more is MAL_FRAG_TOO_MANY. */
#define FRAG_MAX_PIECES		128

struct frag_table;

struct decoder {
	struct decode_config	 cfg;
	struct decode_stats	 stats;
	struct frag_table	*frags;
	uint8_t			*reasm;	/* last reassembled datagram */
	bool			 snapped; /* this frame: caplen < wirelen */
	/*
	 * Length of the transport segment as the IP header declares it; the
	 * cursor handed to the transport layer may be shorter when the frame
	 * was snapped.
	 */
	size_t			 l4len;
};

/* Counts one malformation and reports the frame as malformed. */
static inline enum decode_result
decode_mal(struct decoder *d, enum malform k)
{
	malform_count(&d->stats.mal, k);
	return DECODE_MALFORMED;
}

/*
 * A header ran past the captured bytes. If the snap length cut the frame
 * this is expected: keep what the outer layers found. Otherwise the frame
 * is truncated and that is counted as kind k.
 */
static inline enum decode_result
decode_short(struct decoder *d, const struct packet *p, enum malform k)
{
	if (!d->snapped)
		return decode_mal(d, k);
	d->stats.snapped++;
	if ((p->flags & (PKT_SRC_MAC | PKT_ARP | PKT_IP)) != 0)
		return DECODE_OK;
	return DECODE_SKIP;
}

/* ether.c */
enum decode_result decode_ether(struct decoder *, struct cursor *,
    struct packet *);
enum decode_result decode_ethertype(struct decoder *, uint16_t,
    struct cursor *, struct packet *);
enum decode_result decode_sll(struct decoder *, struct cursor *,
    struct packet *);
enum decode_result decode_sll2(struct decoder *, struct cursor *,
    struct packet *);
enum decode_result decode_null(struct decoder *, struct cursor *,
    struct packet *);
enum decode_result decode_loop(struct decoder *, struct cursor *,
    struct packet *);
enum decode_result decode_raw(struct decoder *, struct cursor *,
    struct packet *);

/* arp.c, ipv4.c, ipv6.c */
enum decode_result decode_arp(struct decoder *, struct cursor *,
    struct packet *);
enum decode_result decode_ipv4(struct decoder *, struct cursor *,
    struct packet *);
enum decode_result decode_ipv6(struct decoder *, struct cursor *,
    struct packet *);

/*
 * decode.c: hands the transport segment c (d->l4len set by the IP layer)
 * to tcp.c, udp.c or icmp.c; another protocol is DECODE_OK with PKT_IP and
 * the whole segment as payload.
 */
enum decode_result decode_transport(struct decoder *, uint8_t proto,
    struct cursor *, struct packet *);
enum decode_result decode_tcp(struct decoder *, struct cursor *,
    struct packet *);
enum decode_result decode_udp(struct decoder *, struct cursor *,
    struct packet *);
enum decode_result decode_icmp(struct decoder *, struct cursor *,
    struct packet *);
enum decode_result decode_icmp6(struct decoder *, struct cursor *,
    struct packet *);

/* frag.c */
struct frag_key {
	struct ward_addr	 src;
	struct ward_addr	 dst;
	uint32_t		 id;
	uint8_t			 proto;
};

struct frag_table *frag_table_new(void);
void frag_table_free(struct frag_table *);
/*
 * Stores the fragment data (offset off in bytes, more = MF/M flag) of the
 * datagram key, whose headers in front of the fragmentable part are hdrlen
 * bytes long. Returns DECODE_HELD while the datagram is incomplete,
 * DECODE_MALFORMED (counted) when the fragment or its datagram is dropped,
 * or DECODE_OK with *whole set to the reassembled fragmentable part, held
 * in d->reasm until the next decode_packet() call.
 */
enum decode_result frag_add(struct decoder *, const struct frag_key *,
    uint64_t ts, uint32_t off, bool more, size_t hdrlen,
    const struct cursor *data, struct cursor *whole);
void frag_expire(struct decoder *, uint64_t now);
size_t frag_table_bytes(const struct frag_table *);

#endif
