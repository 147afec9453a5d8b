/*
 * cursor.c - bounds-checked reads over borrowed bytes (see cursor.h).
 */
#include <string.h>

#include "ward/cursor.h"

int
cur_u8(struct cursor *c, uint8_t *v)
{
	if (c->len < 1)
		return -1;
	*v = c->p[0];
	c->p++;
	c->len--;
	return 0;
}

int
cur_be16(struct cursor *c, uint16_t *v)
{
	if (c->len < 2)
		return -1;
	*v = (uint16_t)(c->p[0] << 8 | c->p[1]);
	c->p += 2;
	c->len -= 2;
	return 0;
}

int
cur_be24(struct cursor *c, uint32_t *v)
{
	if (c->len < 3)
		return -1;
	*v = (uint32_t)c->p[0] << 16 | (uint32_t)c->p[1] << 8 | c->p[2];
	c->p += 3;
	c->len -= 3;
	return 0;
}

int
cur_be32(struct cursor *c, uint32_t *v)
{
	if (c->len < 4)
		return -1;
	*v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 |
	    (uint32_t)c->p[2] << 8 | c->p[3];
	c->p += 4;
	c->len -= 4;
	return 0;
}

int
cur_be64(struct cursor *c, uint64_t *v)
{
	uint32_t hi, lo;
	struct cursor save = *c;

	if (cur_be32(c, &hi) == -1 || cur_be32(c, &lo) == -1) {
		*c = save;
		return -1;
	}
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

int
cur_le16(struct cursor *c, uint16_t *v)
{
	if (c->len < 2)
		return -1;
	*v = (uint16_t)(c->p[1] << 8 | c->p[0]);
	c->p += 2;
	c->len -= 2;
	return 0;
}

int
cur_le32(struct cursor *c, uint32_t *v)
{
	if (c->len < 4)
		return -1;
	*v = (uint32_t)c->p[3] << 24 | (uint32_t)c->p[2] << 16 |
	    (uint32_t)c->p[1] << 8 | c->p[0];
	c->p += 4;
	c->len -= 4;
	return 0;
}

int
cur_le64(struct cursor *c, uint64_t *v)
{
	uint32_t hi, lo;
	struct cursor save = *c;

	if (cur_le32(c, &lo) == -1 || cur_le32(c, &hi) == -1) {
		*c = save;
		return -1;
	}
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

int
cur_bytes(struct cursor *c, void *dst, size_t n)
{
	if (c->len < n)
		return -1;
	if (n > 0)
		memcpy(dst, c->p, n);
	c->p += n;
	c->len -= n;
	return 0;
}

int
cur_skip(struct cursor *c, size_t n)
{
	if (c->len < n)
		return -1;
	c->p += n;
	c->len -= n;
	return 0;
}

int
cur_sub(struct cursor *c, size_t n, struct cursor *sub)
{
	if (c->len < n)
		return -1;
	sub->p = c->p;
	sub->len = n;
	c->p += n;
	c->len -= n;
	return 0;
}

int
cur_peek_u8(const struct cursor *c, size_t off, uint8_t *v)
{
	if (off >= c->len)
		return -1;
	*v = c->p[off];
	return 0;
}

int
cur_peek_be16(const struct cursor *c, size_t off, uint16_t *v)
{
	if (c->len < 2 || off > c->len - 2)
		return -1;
	*v = (uint16_t)(c->p[off] << 8 | c->p[off + 1]);
	return 0;
}

int
cur_truncate(struct cursor *c, size_t n)
{
	if (c->len < n)
		return -1;
	c->len = n;
	return 0;
}
