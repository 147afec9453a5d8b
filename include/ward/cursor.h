/*
 * cursor.h - bounds-checked reader over borrowed bytes.
 *
 * Every byte that comes from the wire is read through a cursor. Each getter
 * returns 0 and advances, or returns -1 and leaves the cursor untouched, so
 * a chain of reads joined with || either completes or changes nothing:
 *
 *	if (cur_u8(c, &type) == -1 || cur_skip(c, 1) == -1 ||
 *	    cur_be32(c, &len) == -1 || cur_sub(c, len, &pdu) == -1)
 *		return malformed;
 *
 * A cursor borrows its memory: it never owns, copies or frees it.
 */
#ifndef WARD_CURSOR_H
#define WARD_CURSOR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cursor {
	const uint8_t	*p;
	size_t		 len;
};

#define WARD_WUR __attribute__((warn_unused_result))

static inline struct cursor
cur_make(const void *p, size_t len)
{
	struct cursor c = { p, len };
	return c;
}

static inline size_t
cur_left(const struct cursor *c)
{
	return c->len;
}

/* Small enough to inline: every byte from the wire goes through these. */

static inline WARD_WUR int
cur_u8(struct cursor *c, uint8_t *v)
{
	if (c->len < 1)
		return -1;
	*v = c->p[0];
	c->p++;
	c->len--;
	return 0;
}

static inline WARD_WUR int
cur_be16(struct cursor *c, uint16_t *v)
{
	if (c->len < 2)
		return -1;
	*v = (uint16_t)(c->p[0] << 8 | c->p[1]);
	c->p += 2;
	c->len -= 2;
	return 0;
}

static inline WARD_WUR int
cur_be24(struct cursor *c, uint32_t *v)
{
	if (c->len < 3)
		return -1;
	*v = (uint32_t)c->p[0] << 16 | (uint32_t)c->p[1] << 8 | c->p[2];
	c->p += 3;
	c->len -= 3;
	return 0;
}

static inline WARD_WUR int
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

static inline WARD_WUR int
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

static inline WARD_WUR int
cur_le16(struct cursor *c, uint16_t *v)
{
	if (c->len < 2)
		return -1;
	*v = (uint16_t)(c->p[1] << 8 | c->p[0]);
	c->p += 2;
	c->len -= 2;
	return 0;
}

static inline WARD_WUR int
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

static inline WARD_WUR int
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

/* Copies n bytes into dst (which must hold n). */
static inline WARD_WUR int
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

static inline WARD_WUR int
cur_skip(struct cursor *c, size_t n)
{
	if (c->len < n)
		return -1;
	c->p += n;
	c->len -= n;
	return 0;
}

/* Splits the next n bytes off into sub (borrowed from the same memory). */
static inline WARD_WUR int
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

/* Reads without advancing: the byte at offset off, or -1 past the end. */
static inline WARD_WUR int
cur_peek_u8(const struct cursor *c, size_t off, uint8_t *v)
{
	if (off >= c->len)
		return -1;
	*v = c->p[off];
	return 0;
}

static inline WARD_WUR int
cur_peek_be16(const struct cursor *c, size_t off, uint16_t *v)
{
	if (c->len < 2 || off > c->len - 2)
		return -1;
	*v = (uint16_t)(c->p[off] << 8 | c->p[off + 1]);
	return 0;
}

/* Restricts the cursor to its first n bytes; -1 if fewer are left. */
static inline WARD_WUR int
cur_truncate(struct cursor *c, size_t n)
{
	if (c->len < n)
		return -1;
	c->len = n;
	return 0;
}

#endif
