/*
 * ioc.c - indicators of compromise from Zeek intel files (see detect.h).
 * Not written yet: the set holds nothing.
 */
#include <stdlib.h>

#include "ward/detect.h"

struct ioc_set {
	size_t	 n;
};

struct ioc_set *
ioc_new(void)
{
	return calloc(1, sizeof(struct ioc_set));
}

void
ioc_free(struct ioc_set *s)
{
	free(s);
}

int
ioc_load(struct ioc_set *s, const char *path, char *err, size_t errlen)
{
	(void)s;
	(void)path;
	(void)err;
	(void)errlen;
	return 0;
}

size_t
ioc_count(const struct ioc_set *s)
{
	return s->n;
}
