/*
 * decode.h - from a captured frame to a packet view, without copying.
 *
 * decode_packet() reads link, network and transport headers through one
 * cursor and fills a struct packet whose pointers borrow the frame (or, for
 * a reassembled IP datagram, the decoder's reassembly buffer, valid until
 * the next call). Malformed headers are counted in the decoder's stats and
 * the packet is reported as DECODE_MALFORMED; nothing is trusted or logged.
 *
 * Link types: Ethernet II (with 802.1Q and 802.1ad tags), Linux cooked
 * capture v1 and v2, raw IP, BSD loopback (DLT_NULL and DLT_LOOP).
 * Network: ARP, IPv4 (options checked, fragments reassembled under a memory
 * cap), IPv6 (extension headers walked, fragments reassembled).
 * Transport: TCP, UDP, ICMP, ICMPv6 (with NDP options).
 */
#ifndef WARD_DECODE_H
#define WARD_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "ward/addr.h"
#include "ward/cursor.h"
#include "ward/malform.h"

/* Link-layer header types, numbered as in the pcap LINKTYPE_ registry. */
enum {
	LINK_NULL = 0,		/* BSD loopback, family in host byte order */
	LINK_ETHERNET = 1,
	LINK_RAW = 101,		/* raw IPv4 or IPv6 (DLT_RAW is 12 or 14) */
	LINK_LOOP = 108,	/* OpenBSD loopback, family in network order */
	LINK_LINUX_SLL = 113,
	LINK_IPV4 = 228,
	LINK_IPV6 = 229,
	LINK_LINUX_SLL2 = 276,
};

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8
#define ETHERTYPE_IPV6 0x86dd

#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ICMPV6_ 58

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20

#define PKT_HAS_MAC	(1U << 0)	/* src_mac/dst_mac are valid */
#define PKT_ARP		(1U << 1)	/* arp is valid */
#define PKT_IP		(1U << 2)	/* src/dst/l4proto are valid */
#define PKT_L4		(1U << 3)	/* ports (or ICMP type/code) are valid */
#define PKT_REASSEMBLED	(1U << 4)	/* IP datagram rebuilt from fragments */
#define PKT_NDP		(1U << 5)	/* ndp is valid */
#define PKT_IP_OPTIONS	(1U << 6)	/* IPv4 options present */
#define PKT_SRC_MAC	(1U << 7)	/* src_mac is valid (cooked captures
					   know only the sender) */

#define PKT_MAX_VLANS 2

/*
 * What decode_packet() made of a frame. Only the flags of a DECODE_OK packet
 * say which fields are valid; on DECODE_HELD the IP fields (PKT_IP, src, dst,
 * l4proto, iplen) describe the fragment that was stored, so that byte counts
 * stay exact; on DECODE_MALFORMED nothing but ts, caplen and wirelen is
 * meaningful.
 *
 * A frame cut by the capture's snap length (caplen < wirelen) is decoded as
 * far as it goes: a header cut by the snap length is not malformed, the
 * packet is DECODE_OK with the flags of the layers that were complete (or
 * DECODE_SKIP if not even the link header was), and stats.snapped counts
 * it. A fragment whose data was cut is not reassembled. When caplen equals
 * wirelen, a length field that points past the end is malformed.
 */
enum decode_result {
	DECODE_OK,		/* packet is filled in */
	DECODE_HELD,		/* a fragment was stored for reassembly */
	DECODE_SKIP,		/* well-formed but not for us (other ethertype) */
	DECODE_MALFORMED,	/* counted in the stats */
};

struct packet {
	uint64_t		 ts;		/* microseconds since the epoch */
	uint32_t		 caplen;
	uint32_t		 wirelen;
	uint32_t		 flags;		/* PKT_* */

	uint8_t			 src_mac[6];
	uint8_t			 dst_mac[6];
	uint16_t		 vlans[PKT_MAX_VLANS];	/* outermost first */
	uint8_t			 nvlans;
	uint16_t		 ethertype;

	struct {
		uint16_t	 op;		/* 1 request, 2 reply */
		uint8_t		 sha[6];
		uint8_t		 tha[6];
		struct ward_addr spa;
		struct ward_addr tpa;
	} arp;

	struct ward_addr	 src;
	struct ward_addr	 dst;
	uint8_t			 l4proto;
	uint8_t			 ttl;		/* or IPv6 hop limit */
	/*
	 * IP datagram length on the wire: the IPv4 total length or 40 plus
	 * the IPv6 payload length of this frame, also for a fragment that
	 * completed a datagram (so summing iplen counts each byte once).
	 */
	uint32_t		 iplen;

	uint16_t		 sport;
	uint16_t		 dport;
	uint8_t			 tcp_flags;
	uint32_t		 seq;
	uint32_t		 ack;
	uint16_t		 win;
	uint8_t			 icmp_type;	/* ICMP and ICMPv6; the ports */
	uint8_t			 icmp_code;	/* stay 0 */

	struct {
		uint8_t		 type;		/* 133..137 */
		bool		 has_lladdr;
		uint8_t		 lladdr[6];	/* source or target LL addr */
		struct ward_addr target;	/* NS/NA/redirect target */
	} ndp;

	/*
	 * After the transport header (TCP options, the UDP header, the
	 * 4-byte ICMP type/code/checksum), trimmed to the length fields.
	 * For another transport protocol, the whole transport segment.
	 */
	struct cursor		 payload;
};

struct decode_stats {
	uint64_t		 packets;
	uint64_t		 bytes;
	uint64_t		 arp;
	uint64_t		 ipv4;
	uint64_t		 ipv6;
	uint64_t		 tcp;
	uint64_t		 udp;
	uint64_t		 icmp;
	uint64_t		 icmp6;
	uint64_t		 other;		/* other ethertype, LLC, family
						   or transport protocol */
	uint64_t		 vlan;		/* 802.1Q/802.1ad tags read */
	uint64_t		 fragments;	/* IPv4 and IPv6 fragments */
	uint64_t		 reassembled;	/* datagrams completed */
	uint64_t		 snapped;	/* headers cut by the snap length */
	struct malform_counts	 mal;
};

/* A zero field takes its default. */
struct decode_config {
	size_t			 frag_memcap;	/* bytes held for reassembly */
	uint64_t		 frag_timeout;	/* microseconds */
};

#define DECODE_DEFAULT_FRAG_MEMCAP (16u << 20)
#define DECODE_DEFAULT_FRAG_TIMEOUT (30u * 1000000u)

struct decoder;

/*
 * Fragment reassembly keeps at most frag_memcap bytes (fragment data and
 * bookkeeping). Overlapping fragments are never resolved: the datagram is
 * dropped (MAL_FRAG_OVERLAP) and later fragments of it are dropped too until
 * the timeout, so no "first wins" or "last wins" policy can be played
 * against the sensor. Identical duplicates (a SPAN port that sees a frame
 * twice) are ignored.
 */

/* NULL config means defaults. Returns NULL when out of memory. */
struct decoder *decoder_new(const struct decode_config *);
void decoder_free(struct decoder *);

/*
 * Decodes one frame into *out (which is cleared first). The packet borrows
 * frame, or for PKT_REASSEMBLED the decoder's buffer, which stays valid
 * until the next decode_packet() or decoder_free() call.
 */
enum decode_result decode_packet(struct decoder *, int linktype, uint64_t ts,
    const uint8_t *frame, uint32_t caplen, uint32_t wirelen,
    struct packet *out);

/* Drops fragments older than the timeout relative to now. */
void decoder_expire(struct decoder *, uint64_t now);
const struct decode_stats *decoder_stats(const struct decoder *);
/* For parsers that share the decoder's counters. */
struct malform_counts *decoder_malform(struct decoder *);
/* Bytes currently held for fragment reassembly. */
size_t decoder_frag_bytes(const struct decoder *);

/* True if linktype is one decode_packet() understands. */
bool decode_linktype_supported(int linktype);

#endif
