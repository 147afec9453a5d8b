/*
 * baseline.c - behaviour baselines (see detect-private.h). Not written yet:
 * every entry point does nothing.
 */
#include <stdlib.h>

#include "detect-private.h"

struct baseline {
	int	 unused;
};

struct baseline *
baseline_new(struct detector *d)
{
	(void)d;
	return calloc(1, sizeof(struct baseline));
}

void
baseline_free(struct baseline *r)
{
	free(r);
}

void
baseline_obs(struct detector *d, const struct observation *ob)
{
	(void)d;
	(void)ob;
}

void
baseline_change(struct detector *d, const struct asset *a, enum asset_change c,
    const char *detail, uint64_t ts)
{
	(void)d;
	(void)a;
	(void)c;
	(void)detail;
	(void)ts;
}

void
baseline_tick(struct detector *d, uint64_t now)
{
	(void)d;
	(void)now;
}

int
baseline_load(struct detector *d, struct store *s)
{
	(void)d;
	(void)s;
	return 0;
}

int
baseline_save(struct detector *d, struct store *s)
{
	(void)d;
	(void)s;
	return 0;
}
