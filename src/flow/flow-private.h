/*
 * flow-private.h - the flow table's insides, shared by table.c and
 * stream.c only.
 */
#ifndef WARD_FLOW_PRIVATE_H
#define WARD_FLOW_PRIVATE_H

#include "ward/flow.h"

enum { LRU_TCP, LRU_OTHER, LRU_CLOSED, FLOW_LRU_CLASSES };

struct flow_table {
	struct flow_config	 cfg;
	struct flow		**buckets;
	size_t			 nbuckets;
	size_t			 max_buckets;
	/*
	 * One list per timeout class, each ordered by last activity (least
	 * recent at the head), so expiry stops at the first live flow.
	 */
	struct {
		struct flow	*head;
		struct flow	*tail;
	} lru[FLOW_LRU_CLASSES];
	uint64_t		 next_id;
	uint32_t		 seed;
	flow_end_fn		 end;
	void			*arg;
	struct flow_stats	 stats;
};

#endif
