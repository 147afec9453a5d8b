/*
 * rules.c - the stateless rules (see detect-private.h). Not written yet:
 * every entry point does nothing.
 */
#include <stdlib.h>

#include "detect-private.h"

struct rules_state {
	int	 unused;
};

struct rules_state *
rules_new(struct detector *d)
{
	(void)d;
	return calloc(1, sizeof(struct rules_state));
}

void
rules_free(struct rules_state *r)
{
	free(r);
}

void
rules_obs(struct detector *d, const struct observation *ob)
{
	(void)d;
	(void)ob;
}

void
rules_change(struct detector *d, const struct asset *a, enum asset_change c,
    const char *detail, uint64_t ts)
{
	(void)d;
	(void)a;
	(void)c;
	(void)detail;
	(void)ts;
}

void
rules_tick(struct detector *d, uint64_t now)
{
	(void)d;
	(void)now;
}

size_t
rules_memory(const struct rules_state *r)
{
	(void)r;
	return 0;
}
