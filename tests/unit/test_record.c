/*
 * test_record.c - the dissectors' growable buffers and record assembler
 * (src/proto/record.c): records whole in one piece are handed over in
 * place, split ones gathered, long ones cut, bad starts reported, and every
 * byte held is charged to a real flow table's budget and given back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ward/flow.h"
#include "ward/proto.h"
#include "src/proto/proto-private.h"

/* Records: a type byte, a 16-bit length, then that many bytes. */
static int64_t
tlv_frame(const uint8_t *p, size_t n)
{
	if (n >= 1 && p[0] == 0xff)
		return REC_BAD;
	if (n < 3)
		return REC_MORE;
	return 3 + ((int64_t)p[1] << 8 | p[2]);
}

#define MAXREC 16

struct got {
	unsigned int	 n;
	const uint8_t	*where[MAXREC];
	uint8_t		 rec[MAXREC][600];
	size_t		 len[MAXREC];
	bool		 cut[MAXREC];
};

static void
tlv_record(struct proto_ctx *ctx, void *arg, const uint8_t *p, size_t len,
    bool cut)
{
	struct got *g = arg;

	(void)ctx;
	assert_true(g->n < MAXREC);
	assert_true(len <= sizeof(g->rec[0]));
	g->where[g->n] = p;
	memcpy(g->rec[g->n], p, len);
	g->len[g->n] = len;
	g->cut[g->n] = cut;
	g->n++;
}

static const struct rec_cfg tlv = {
	.frame = tlv_frame,
	.hdr_max = 3,
	.max = 520,
	.record = tlv_record,
};

struct rig {
	struct flow_table	*ft;
	struct proto_ctx	 ctx;
	size_t			 base;	/* budget used before the test */
};

static void
rig_init(struct rig *r, size_t memcap)
{
	struct flow_config cfg;

	flow_config_defaults(&cfg);
	cfg.memcap = memcap;
	r->ft = flow_table_new(&cfg, NULL, NULL);
	assert_non_null(r->ft);
	memset(&r->ctx, 0, sizeof(r->ctx));
	r->ctx.ft = r->ft;
	r->base = flow_table_stats(r->ft)->mem_used;
}

static size_t
rig_used(const struct rig *r)
{
	return flow_table_stats(r->ft)->mem_used - r->base;
}

/* Three records of lengths 0, 5 and 2 back to back. */
static size_t
three(uint8_t *b)
{
	static const uint8_t s[] = { 1, 0, 0, 2, 0, 5, 'h', 'e', 'l', 'l',
		'o', 3, 0, 2, 'o', 'k' };

	memcpy(b, s, sizeof(s));
	return sizeof(s);
}

static void
test_whole_records_in_place(void **state)
{
	struct rig r;
	struct recasm ra = { 0 };
	struct got g = { 0 };
	uint8_t b[64];
	size_t n = three(b);

	(void)state;
	rig_init(&r, 1 << 20);
	assert_int_equal(recasm_feed(&r.ctx, &ra, &tlv, &g, b, n), 0);
	assert_int_equal(g.n, 3);
	/* No copy: the records point into the caller's bytes. */
	assert_ptr_equal(g.where[0], b);
	assert_ptr_equal(g.where[1], b + 3);
	assert_ptr_equal(g.where[2], b + 11);
	assert_int_equal(g.len[1], 8);
	assert_memory_equal(g.rec[1] + 3, "hello", 5);
	assert_false(g.cut[1]);
	assert_int_equal(rig_used(&r), 0);
	recasm_free(&r.ctx, &ra);
	flow_table_free(r.ft);
}

/* Every split of the stream gives the same records. */
static void
test_any_split(void **state)
{
	uint8_t b[64];
	size_t n = three(b);

	(void)state;
	for (size_t step = 1; step <= n; step++) {
		struct rig r;
		struct recasm ra = { 0 };
		struct got g = { 0 };

		rig_init(&r, 1 << 20);
		for (size_t off = 0; off < n; off += step)
			assert_int_equal(recasm_feed(&r.ctx, &ra, &tlv, &g,
			    b + off, n - off < step ? n - off : step), 0);
		assert_int_equal(g.n, 3);
		assert_int_equal(g.len[0], 3);
		assert_int_equal(g.len[1], 8);
		assert_memory_equal(g.rec[1] + 3, "hello", 5);
		assert_int_equal(g.len[2], 5);
		assert_memory_equal(g.rec[2] + 3, "ok", 2);
		recasm_free(&r.ctx, &ra);
		assert_int_equal(rig_used(&r), 0);
		flow_table_free(r.ft);
	}
}

/* A record over max is cut to max and the rest skipped, split or not. */
static void
test_long_record_cut(void **state)
{
	static uint8_t b[3 + 1000 + 5];
	size_t n = 0;

	(void)state;
	b[n++] = 7;
	b[n++] = 1000 >> 8;
	b[n++] = 1000 & 0xff;
	for (int i = 0; i < 1000; i++)
		b[n++] = (uint8_t)i;
	memcpy(b + n, "\x09\x00\x02hi", 5);
	n += 5;
	for (size_t step = 1; step <= n; step += 97) {
		struct rig r;
		struct recasm ra = { 0 };
		struct got g = { 0 };

		rig_init(&r, 1 << 20);
		for (size_t off = 0; off < n; off += step)
			(void)recasm_feed(&r.ctx, &ra, &tlv, &g, b + off,
			    n - off < step ? n - off : step);
		assert_int_equal(g.n, 2);
		assert_int_equal(g.len[0], 520);
		assert_true(g.cut[0]);
		assert_int_equal(g.rec[0][519], (uint8_t)516);
		assert_int_equal(g.len[1], 5);
		assert_memory_equal(g.rec[1], "\x09\x00\x02hi", 5);
		assert_false(g.cut[1]);
		recasm_free(&r.ctx, &ra);
		assert_int_equal(rig_used(&r), 0);
		flow_table_free(r.ft);
	}
}

static void
test_bad_start_loses_framing(void **state)
{
	struct rig r;
	struct recasm ra = { 0 };
	struct got g = { 0 };
	uint8_t b[64];
	size_t n = three(b);

	(void)state;
	rig_init(&r, 1 << 20);
	b[3] = 0xff;
	assert_int_equal(recasm_feed(&r.ctx, &ra, &tlv, &g, b, n), REC_BAD);
	assert_int_equal(g.n, 1);
	assert_true(ra.lost);
	/* Nothing more once lost, and nothing held. */
	assert_int_equal(recasm_feed(&r.ctx, &ra, &tlv, &g, b, 3), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(rig_used(&r), 0);
	recasm_free(&r.ctx, &ra);
	flow_table_free(r.ft);
}

/* Bytes held across pieces are charged; a refused charge cuts. */
static void
test_budget(void **state)
{
	static uint8_t b[3 + 500];
	struct rig r;
	struct recasm ra = { 0 };
	struct got g = { 0 };
	struct pbuf pb = { 0 };

	(void)state;
	b[0] = 1;
	b[1] = 500 >> 8;
	b[2] = 500 & 0xff;
	rig_init(&r, 1 << 20);
	assert_int_equal(recasm_feed(&r.ctx, &ra, &tlv, &g, b, 100), 0);
	assert_int_equal(g.n, 0);
	assert_true(rig_used(&r) >= 100);
	assert_int_equal(rig_used(&r), ra.buf.cap);
	assert_int_equal(recasm_feed(&r.ctx, &ra, &tlv, &g, b + 100, 403), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.len[0], 503);
	recasm_free(&r.ctx, &ra);
	assert_int_equal(rig_used(&r), 0);

	/* Leave 300 bytes of budget: the record is handed over cut. */
	flow_table_free(r.ft);
	rig_init(&r, 1 << 20);
	assert_int_equal(flow_mem_take(r.ft, (1 << 20) - r.base - 300), 0);
	memset(&g, 0, sizeof(g));
	assert_int_equal(recasm_feed(&r.ctx, &ra, &tlv, &g, b, 100), 0);
	assert_int_equal(recasm_feed(&r.ctx, &ra, &tlv, &g, b + 100, 403), 0);
	assert_int_equal(g.n, 1);
	assert_true(g.cut[0]);
	assert_true(g.len[0] < 503);
	/* The rest of the record was skipped, the next one is whole. */
	assert_int_equal(recasm_feed(&r.ctx, &ra, &tlv, &g,
	    (const uint8_t *)"\x02\x00\x01z", 4), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.len[1], 4);
	recasm_free(&r.ctx, &ra);

	/* pbuf: growth is charged, clearing a large one gives it back. */
	flow_mem_give(r.ft, (1 << 20) - r.base - 300);
	assert_int_equal(rig_used(&r), 0);
	for (int i = 0; i < 100; i++)
		assert_int_equal(pbuf_append(&r.ctx, &pb, b, 503, 1 << 20),
		    503);
	assert_int_equal(pb.len, 50300);
	assert_int_equal(rig_used(&r), pb.cap);
	pbuf_clear(&r.ctx, &pb);
	assert_int_equal(rig_used(&r), 0);
	assert_int_equal(pbuf_append(&r.ctx, &pb, b, 10, 4), 4);
	assert_int_equal(pbuf_zero(&r.ctx, &pb, 64), 0);
	assert_int_equal(pb.len, 64);
	assert_int_equal(pb.p[3], 0);
	pbuf_free(&r.ctx, &pb);
	assert_int_equal(rig_used(&r), 0);
	flow_table_free(r.ft);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_records_in_place),
		cmocka_unit_test(test_any_split),
		cmocka_unit_test(test_long_record_cut),
		cmocka_unit_test(test_bad_start_loses_framing),
		cmocka_unit_test(test_budget),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
