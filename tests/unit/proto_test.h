/*
 * proto_test.h - shared by the dissector unit tests: a byte builder for
 * messages, a fake packet and a collector of observations.
 */
#ifndef WARD_PROTO_TEST_H
#define WARD_PROTO_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ward/proto.h"
#include "src/proto/proto-private.h"

/* A message under construction. */
struct msg {
	uint8_t	 b[4096];
	size_t	 n;
};

static inline void
put8(struct msg *m, unsigned int v)
{
	assert_true(m->n < sizeof(m->b));
	m->b[m->n++] = (uint8_t)v;
}

static inline void
put16(struct msg *m, unsigned int v)
{
	put8(m, v >> 8);
	put8(m, v & 0xff);
}

static inline void
put32(struct msg *m, uint32_t v)
{
	put16(m, v >> 16);
	put16(m, v & 0xffff);
}

static inline void
putbytes(struct msg *m, const void *p, size_t n)
{
	assert_true(n <= sizeof(m->b) - m->n);
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static inline void
putzero(struct msg *m, size_t n)
{
	assert_true(n <= sizeof(m->b) - m->n);
	memset(m->b + m->n, 0, n);
	m->n += n;
}

/* Writes "a.b.c" as labels; with root, ends it with the zero label. */
static inline void
putlabels(struct msg *m, const char *name, int root)
{
	const char *p = name, *dot;

	while (*p != '\0') {
		dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		put8(m, (unsigned int)len);
		putbytes(m, p, len);
		p += len;
		if (*p == '.')
			p++;
	}
	if (root)
		put8(m, 0);
}

/* Collected observations, deep-copied (their strings live in scratch). */
#define COLLECT_MAX 128

struct collector {
	size_t			 n;
	struct observation	 o[COLLECT_MAX];
};

static inline void
collect(const struct observation *o, void *arg)
{
	struct collector *col = arg;
	struct observation *c;

	assert_true(col->n < COLLECT_MAX);
	c = &col->o[col->n++];
	*c = *o;
	for (size_t i = 0; i < c->nfields; i++) {
		struct obs_field *f = &c->f[i];

		if (f->type == OV_STR)
			f->v.str.s = (const char *)c->scratch +
			    ((const uint8_t *)o->f[i].v.str.s - o->scratch);
		else if (f->type == OV_LIST || f->type == OV_HEX)
			f->v.list.v = c->scratch +
			    (o->f[i].v.list.v - o->scratch);
	}
}

/* Everything one test needs: bus, counters, packet, context. */
struct fixture {
	struct obs_bus		*bus;
	struct collector	*col;
	struct malform_counts	 mal;
	struct packet		 pkt;
	struct proto_ctx	 ctx;
};

static inline void
fixture_init(struct fixture *fx, const char *src, const char *dst,
    uint16_t sport, uint16_t dport, uint8_t l4)
{
	static const uint8_t smac[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t dmac[6] = { 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb };

	memset(fx, 0, sizeof(*fx));
	fx->bus = obs_bus_new();
	assert_non_null(fx->bus);
	fx->col = calloc(1, sizeof(*fx->col));
	assert_non_null(fx->col);
	assert_int_equal(obs_subscribe(fx->bus, OBS_MASK_ALL, collect,
	    fx->col), 0);
	fx->pkt.flags = PKT_HAS_MAC | PKT_IP | PKT_L4;
	memcpy(fx->pkt.src_mac, smac, 6);
	memcpy(fx->pkt.dst_mac, dmac, 6);
	assert_int_equal(addr_parse(src, &fx->pkt.src), 0);
	assert_int_equal(addr_parse(dst, &fx->pkt.dst), 0);
	fx->pkt.sport = sport;
	fx->pkt.dport = dport;
	fx->pkt.l4proto = l4;
	fx->pkt.ts = 1700000000000000ULL;
	fx->ctx.bus = fx->bus;
	fx->ctx.mal = &fx->mal;
	fx->ctx.pkt = &fx->pkt;
	fx->ctx.ts = fx->pkt.ts;
}

static inline void
fixture_free(struct fixture *fx)
{
	obs_bus_free(fx->bus);
	free(fx->col);
}

static inline void
run_datagram(struct fixture *fx, const struct dissector *d,
    const struct msg *m)
{
	struct cursor c = cur_make(m->b, m->n);

	fx->pkt.payload = c;
	d->datagram(&fx->ctx, &c);
}

/* The i-th collected observation of kind k, or NULL. */
static inline const struct observation *
nth(const struct fixture *fx, enum obs_kind k, size_t i)
{
	for (size_t j = 0; j < fx->col->n; j++)
		if (fx->col->o[j].kind == k && i-- == 0)
			return &fx->col->o[j];
	return NULL;
}

static inline size_t
count_kind(const struct fixture *fx, enum obs_kind k)
{
	size_t n = 0;

	for (size_t j = 0; j < fx->col->n; j++)
		if (fx->col->o[j].kind == k)
			n++;
	return n;
}

static inline uint64_t
get_u64(const struct observation *o, const char *key)
{
	const struct obs_field *f = obs_get(o, key);

	assert_non_null(f);
	assert_int_equal(f->type, OV_U64);
	return f->v.u;
}

static inline bool
get_bool(const struct observation *o, const char *key)
{
	const struct obs_field *f = obs_get(o, key);

	assert_non_null(f);
	assert_int_equal(f->type, OV_BOOL);
	return f->v.b;
}

static inline void
assert_str(const struct observation *o, const char *key, const char *want)
{
	const char *s = obs_get_str(o, key);

	assert_non_null(s);
	assert_string_equal(s, want);
}

static inline void
assert_addr(const struct observation *o, const char *key, const char *want)
{
	const struct obs_field *f = obs_get(o, key);
	char buf[ADDR_STRLEN];

	assert_non_null(f);
	assert_int_equal(f->type, OV_ADDR);
	assert_string_equal(addr_fmt(&f->v.addr, buf, sizeof(buf)), want);
}

static inline void
assert_subject_ip(const struct observation *o, const char *want)
{
	char buf[ADDR_STRLEN];

	assert_string_equal(addr_fmt(&o->ip, buf, sizeof(buf)), want);
}

static inline void
assert_list(const struct observation *o, const char *key, const char *want)
{
	const struct obs_field *f = obs_get(o, key);
	char buf[1024];

	assert_non_null(f);
	assert_int_equal(f->type, OV_LIST);
	assert_string_equal(obs_list_fmt(f, buf, sizeof(buf)), want);
}

static inline void
assert_hex(const struct observation *o, const char *key, const void *want,
    size_t n)
{
	const struct obs_field *f = obs_get(o, key);

	assert_non_null(f);
	assert_int_equal(f->type, OV_HEX);
	assert_int_equal(f->v.list.n, n);
	assert_memory_equal(f->v.list.v, want, n);
}

/* The counter of the one malformation reported, checked on both paths. */
static inline void
assert_malformed(const struct fixture *fx, enum malform k, uint64_t n)
{
	assert_int_equal(fx->mal.n[k], n);
	assert_int_equal(malform_total(&fx->mal), n);
	assert_int_equal(count_kind(fx, OBS_MALFORMED), n);
	if (n > 0)
		assert_str(nth(fx, OBS_MALFORMED, 0), "counter",
		    malform_name(k));
}

/*
 * Runs d on every prefix of m (each a truncation) and checks nothing
 * crashes; returns the number of prefixes that counted a malformation.
 */
static inline size_t
run_prefixes(const struct dissector *d, const struct msg *m, const char *src,
    const char *dst, uint16_t sport, uint16_t dport)
{
	struct fixture fx;
	size_t bad = 0;

	for (size_t len = 0; len < m->n; len++) {
		/* Exactly len bytes, so that ASan sees any overread. */
		uint8_t *p = malloc(len > 0 ? len : 1);
		struct cursor c;

		assert_non_null(p);
		memcpy(p, m->b, len);
		c = cur_make(p, len);
		fixture_init(&fx, src, dst, sport, dport, IPPROTO_UDP_);
		fx.pkt.payload = c;
		d->datagram(&fx.ctx, &c);
		if (malform_total(&fx.mal) > 0)
			bad++;
		fixture_free(&fx);
		free(p);
	}
	return bad;
}

#endif
