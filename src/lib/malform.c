/*
 * malform.c - names of the malformation counters (see malform.h).
 */
#include "ward/malform.h"

static const char *const names[MAL_COUNT] = {
#define X(id, name) [MAL_##id] = name,
	WARD_MALFORMS(X)
#undef X
};

const char *
malform_name(enum malform k)
{
	if ((unsigned)k >= MAL_COUNT)
		return "unknown";
	return names[k];
}

uint64_t
malform_total(const struct malform_counts *m)
{
	uint64_t t = 0;

	for (int i = 0; i < MAL_COUNT; i++)
		t += m->n[i];
	return t;
}
