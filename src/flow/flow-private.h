/*
 * flow-private.h - the flow table's insides, shared by table.c and
 * stream.c only.
 */
#ifndef WARD_FLOW_PRIVATE_H
#define WARD_FLOW_PRIVATE_H

#include "ward/flow.h"

struct flow_table {
	struct flow_config	 cfg;
	struct flow		**buckets;
	size_t			 nbuckets;
	struct flow		*head;		/* least recently active */
	struct flow		*tail;
	uint64_t		 next_id;
	uint32_t		 seed;
	flow_end_fn		 end;
	void			*arg;
	struct flow_stats	 stats;
};

#endif
