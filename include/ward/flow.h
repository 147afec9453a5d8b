/*
 * flow.h - bidirectional flow table with a memory budget, and in-order TCP
 * stream reassembly per direction.
 *
 * A flow is keyed by VLAN, IP protocol and the two endpoints (addresses and
 * ports), in either order. Side 0 is the initiator (the sender of the first
 * packet seen, or of the SYN), side 1 the responder. Flows end on idle
 * timeout, on active timeout (long flows are cut into records), on TCP
 * close, on eviction when the budget is spent, or at flush. The end
 * callback sees the flow before it is freed.
 */
#ifndef WARD_FLOW_H
#define WARD_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/addr.h"
#include "ward/decode.h"

enum tcp_state {
	TCPS_NONE,		/* not TCP, or mid-stream pickup */
	TCPS_SYN_SENT,
	TCPS_SYN_RECEIVED,
	TCPS_ESTABLISHED,
	TCPS_CLOSING,		/* a FIN was seen */
	TCPS_CLOSED,		/* FIN both ways */
	TCPS_RESET,
};
const char *tcp_state_name(enum tcp_state);

enum flow_end {
	FLOW_END_IDLE,
	FLOW_END_ACTIVE,	/* active timeout: record cut, flow goes on */
	FLOW_END_CLOSED,	/* TCP FIN/RST, after a short linger */
	FLOW_END_EVICTED,
	FLOW_END_FLUSH,		/* end of input */
};
const char *flow_end_name(enum flow_end);

struct flow_side {
	struct ward_addr	 addr;
	uint16_t		 port;
	bool			 has_mac;
	uint8_t			 mac[6];
	uint64_t		 pkts;
	uint64_t		 bytes;		/* IP bytes */
	uint64_t		 first;
	uint64_t		 last;
	uint8_t			 tcp_flags;	/* OR of flags sent */
};

struct stream;
struct dissector;

struct flow {
	/*
	 * The table's chain link and what a lookup compares come first: a
	 * lookup that passes a flow by touches one cache line of it.
	 */
	struct flow		*hnext;
	uint32_t		 hash;
	uint8_t			 proto;
	uint16_t		 vlan;
	struct flow_side	 side[2];	/* 0 initiator, 1 responder */
	uint64_t		 id;
	uint64_t		 first;
	uint64_t		 last;
	enum tcp_state		 state;
	bool			 service_seen;	/* responder accepted */
	bool			 mid_stream;	/* no SYN seen */
	uint8_t			 fin_seen;	/* bit per side */
	uint64_t		 record_start;	/* of the current record */

	/* Application layer, owned by the dispatcher. */
	const struct dissector	*app;
	void			*app_state;
	uint8_t			 app_tried;	/* payload packets probed */
	uint16_t		 malformed_reported;	/* MALFORMED events sent */
	struct stream		*stream[2];

	/* The table's own list links. */
	struct flow		*prev;
	struct flow		*next;
	uint8_t			 lru_class;
};

struct flow_config {
	size_t			 memcap;		/* bytes for flows+streams */
	uint64_t		 tcp_idle_timeout;	/* microseconds */
	uint64_t		 udp_idle_timeout;
	uint64_t		 closed_timeout;	/* linger after FIN/RST */
	uint64_t		 active_timeout;
	size_t			 stream_depth;		/* bytes per direction */
	size_t			 stream_ooo_cap;	/* held out of order */
};

#define FLOW_DEFAULT_MEMCAP (256u << 20)

void flow_config_defaults(struct flow_config *);

struct flow_stats {
	uint64_t		 created;
	uint64_t		 ended[FLOW_END_FLUSH + 1];
	uint64_t		 active;
	uint64_t		 active_peak;
	uint64_t		 dropped;	/* no room even after eviction */
	uint64_t		 stream_gaps;	/* holes skipped */
	uint64_t		 stream_capped;	/* directions past the depth */
	size_t			 mem_used;
	size_t			 mem_peak;
};

typedef void (*flow_end_fn)(struct flow *, enum flow_end, void *arg);

struct flow_table;

struct flow_table *flow_table_new(const struct flow_config *, flow_end_fn,
    void *arg);
/* Ends every flow (FLOW_END_FLUSH) and frees the table. NULL is a no-op. */
void flow_table_free(struct flow_table *);

/*
 * Finds or creates the flow of an IP packet with PKT_L4 and updates its
 * counters, MACs and TCP state. *dir is 0 if the packet goes from the
 * initiator, 1 otherwise; *created tells a new flow. Returns NULL if the
 * packet has no flow (not IP) or if the budget is spent and nothing can be
 * evicted (counted as dropped).
 */
struct flow *flow_track(struct flow_table *, const struct packet *, int *dir,
    bool *created);

/* Ends flows idle past their timeout at time now. Cheap to call often. */
void flow_table_expire(struct flow_table *, uint64_t now);
/* Ends every flow with FLOW_END_FLUSH. */
void flow_table_flush(struct flow_table *);
const struct flow_stats *flow_table_stats(const struct flow_table *);

/*
 * Memory accounting for what hangs off a flow (streams, parser state):
 * 0 if the budget allows n more bytes, -1 otherwise.
 */
int flow_mem_take(struct flow_table *, size_t n);
void flow_mem_give(struct flow_table *, size_t n);

/*
 * Stream reassembly. Feed every TCP segment of one direction; contiguous
 * bytes are handed to deliver() in order. Out-of-order segments are held up
 * to the out-of-order cap; a hole that cannot be filled is reported through
 * gap() and skipped, never guessed. Delivery stops at the depth.
 */
typedef void (*stream_deliver_fn)(struct flow *, int dir, const uint8_t *,
    size_t, void *arg);
typedef void (*stream_gap_fn)(struct flow *, int dir, size_t missing,
    void *arg);

struct stream_cb {
	stream_deliver_fn	 deliver;
	stream_gap_fn		 gap;
	void			*arg;
};

void stream_segment(struct flow_table *, struct flow *, int dir,
    const struct packet *, const struct stream_cb *);
/* Frees both streams of a flow (called by the table when a flow ends). */
void stream_free(struct flow_table *, struct flow *);

#endif
