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

WARD_WUR int cur_u8(struct cursor *, uint8_t *);
WARD_WUR int cur_be16(struct cursor *, uint16_t *);
WARD_WUR int cur_be24(struct cursor *, uint32_t *);
WARD_WUR int cur_be32(struct cursor *, uint32_t *);
WARD_WUR int cur_be64(struct cursor *, uint64_t *);
WARD_WUR int cur_le16(struct cursor *, uint16_t *);
WARD_WUR int cur_le32(struct cursor *, uint32_t *);
WARD_WUR int cur_le64(struct cursor *, uint64_t *);
/* Copies n bytes into dst (which must hold n). */
WARD_WUR int cur_bytes(struct cursor *, void *dst, size_t n);
WARD_WUR int cur_skip(struct cursor *, size_t n);
/* Splits the next n bytes off into sub (borrowed from the same memory). */
WARD_WUR int cur_sub(struct cursor *, size_t n, struct cursor *sub);
/* Reads without advancing: the byte at offset off, or -1 past the end. */
WARD_WUR int cur_peek_u8(const struct cursor *, size_t off, uint8_t *);
WARD_WUR int cur_peek_be16(const struct cursor *, size_t off, uint16_t *);
/* Restricts the cursor to its first n bytes; -1 if fewer are left. */
WARD_WUR int cur_truncate(struct cursor *, size_t n);

#endif
