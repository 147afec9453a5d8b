/*
 * wire_test.h - helpers for the tests of the smb, rdp, ssdp, modbus and
 * bacnet dissectors: little-endian builders, feeding a stream whole, byte
 * by byte and split at every byte.
 */
#ifndef WARD_WIRE_TEST_H
#define WARD_WIRE_TEST_H

#include "proto_test.h"

static inline void
putle16(struct msg *m, unsigned int v)
{
	put8(m, v & 0xff);
	put8(m, (v >> 8) & 0xff);
}

static inline void
putle32(struct msg *m, uint32_t v)
{
	putle16(m, v & 0xffff);
	putle16(m, v >> 16);
}

static inline void
putle64(struct msg *m, uint64_t v)
{
	putle32(m, (uint32_t)v);
	putle32(m, (uint32_t)(v >> 32));
}

static inline void
putstr(struct msg *m, const char *s)
{
	putbytes(m, s, strlen(s));
}

/* UTF-16LE of an ASCII string. */
static inline void
pututf16(struct msg *m, const char *s)
{
	while (*s != '\0')
		putle16(m, (unsigned char)*s++);
}

static inline void
setle16(struct msg *m, size_t at, unsigned int v)
{
	m->b[at] = v & 0xff;
	m->b[at + 1] = (v >> 8) & 0xff;
}

static inline void
setle32(struct msg *m, size_t at, uint32_t v)
{
	setle16(m, at, v & 0xffff);
	setle16(m, at + 2, v >> 16);
}

/* A stream dissector's state, zeroed as the dispatcher allocates it. */
static inline void *
stream_state(const struct dissector *d)
{
	void *st = calloc(1, d->state_size);

	assert_non_null(st);
	return st;
}

/* Feeds n bytes in pieces of step bytes from direction dir. */
static inline void
feed(struct fixture *fx, const struct dissector *d, void *st, int dir,
    const uint8_t *p, size_t n, size_t step)
{
	fx->ctx.dir = dir;
	for (size_t off = 0; off < n; off += step) {
		/* Exactly the piece, so that ASan sees any overread. */
		size_t len = n - off < step ? n - off : step;
		uint8_t *piece = malloc(len);

		assert_non_null(piece);
		memcpy(piece, p + off, len);
		d->stream(&fx->ctx, st, piece, len);
		free(piece);
	}
}

/*
 * Feeds m from dir byte by byte and split in two at every byte; each run
 * must give want observations of kind k and no malformation.
 */
static inline void
check_splits(const struct dissector *d, const struct msg *m, int dir,
    enum obs_kind k, size_t want)
{
	struct fixture fx;
	void *st;

	for (size_t cut = 0; cut <= m->n; cut++) {
		fixture_init(&fx, "10.0.0.5", "10.0.0.9", 40000, 1,
		    IPPROTO_TCP_);
		st = stream_state(d);
		if (cut == 0) {
			feed(&fx, d, st, dir, m->b, m->n, 1);
		} else {
			feed(&fx, d, st, dir, m->b, cut, cut);
			if (cut < m->n)
				feed(&fx, d, st, dir, m->b + cut, m->n - cut,
				    m->n - cut);
		}
		assert_int_equal(count_kind(&fx, k), want);
		assert_int_equal(malform_total(&fx.mal), 0);
		if (d->end != NULL)
			d->end(&fx.ctx, st);
		free(st);
		fixture_free(&fx);
	}
}

#endif
