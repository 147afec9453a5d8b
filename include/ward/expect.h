/*
 * expect.h - expected flows: connections that a dissector announces on one
 * flow for another one (an FTP data connection announced on the control
 * connection by PORT, EPRT, 227 or 229).
 *
 * An expectation names the connection's initiator and responder (either
 * address and either port may be a wildcard), a deadline on capture time,
 * and the dissector the connection belongs to with a few bytes of context
 * for it. The pipeline looks new flows up in the table and gives a flow
 * that matches its dissector at once, without probing.
 *
 * The table holds at most EXPECT_MAX expectations in a fixed array: an
 * expectation past its deadline is dropped, and a new one when the table
 * is full replaces the one nearest its deadline (counted as replaced). A
 * match takes the expectation out of the table: one connection each.
 */
#ifndef WARD_EXPECT_H
#define WARD_EXPECT_H

#include <stddef.h>
#include <stdint.h>

#include "ward/addr.h"

#define EXPECT_MAX	64
#define EXPECT_CTX_MAX	16

struct dissector;
struct flow;

struct expect {
	uint8_t			 proto;		/* IPPROTO_TCP_, IPPROTO_UDP_ */
	uint16_t		 vlan;
	struct ward_addr	 src;		/* initiator; family 0: any */
	struct ward_addr	 dst;		/* responder; family 0: any */
	uint16_t		 sport;		/* 0: any */
	uint16_t		 dport;		/* 0: any */
	uint64_t		 deadline;	/* capture time, microseconds */
	const struct dissector	*d;
	uint8_t			 ctx[EXPECT_CTX_MAX];	/* for d->adopt() */
	uint8_t			 ctxlen;
};

struct expect_stats {
	uint64_t		 added;
	uint64_t		 matched;
	uint64_t		 expired;	/* dropped at their deadline */
	uint64_t		 replaced;	/* dropped for room */
	size_t			 active;
};

struct expect_table;

struct expect_table *expect_table_new(void);
/* NULL is a no-op. */
void expect_table_free(struct expect_table *);

/*
 * Adds a copy of e at capture time now. An expectation with the same
 * pattern (protocol, VLAN, addresses and ports) is replaced by it. Returns
 * 0, or -1 when e is not valid: no dissector, a context longer than
 * EXPECT_CTX_MAX, a deadline not after now, or neither a responder address
 * nor a responder port (it would claim too much).
 */
int expect_add(struct expect_table *, const struct expect *e, uint64_t now)
    __attribute__((warn_unused_result));

/*
 * The expectation that the new flow f matches at capture time now, taken
 * out of the table and copied to *out. Side 0 of f must match src and
 * side 1 dst; for a flow picked up without its handshake, whose sides
 * were guessed, the other way round is tried too. Returns 0, or -1 when
 * nothing matches (cheap when the table is empty).
 */
int expect_take(struct expect_table *, const struct flow *f, uint64_t now,
    struct expect *out);

/* Drops the expectations past their deadline at time now. */
void expect_expire(struct expect_table *, uint64_t now);

const struct expect_stats *expect_table_stats(const struct expect_table *);

#endif
