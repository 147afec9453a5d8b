/*
 * test_expect.c - the table of expected flows: matching with wildcards
 * and in both orientations for flows without a handshake, expiry on
 * capture time, the bound, replacement of an equal pattern, refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ward/expect.h"
#include "ward/flow.h"
#include "ward/proto.h"

#define SEC 1000000ULL

static void
ip(struct ward_addr *a, const char *s)
{
	assert_int_equal(addr_parse(s, a), 0);
}

static void
mkflow(struct flow *f, const char *a, uint16_t ap, const char *b,
    uint16_t bp)
{
	memset(f, 0, sizeof(*f));
	f->proto = IPPROTO_TCP_;
	ip(&f->side[0].addr, a);
	f->side[0].port = ap;
	ip(&f->side[1].addr, b);
	f->side[1].port = bp;
}

/* Client 10.0.0.5 to server 10.0.0.9 port dport, any source port. */
static void
mkexpect(struct expect *e, uint16_t dport, uint64_t deadline)
{
	memset(e, 0, sizeof(*e));
	e->proto = IPPROTO_TCP_;
	ip(&e->src, "10.0.0.5");
	ip(&e->dst, "10.0.0.9");
	e->dport = dport;
	e->deadline = deadline;
	e->d = &dissector_ftp_data;
	memcpy(e->ctx, "ftp", 3);
	e->ctxlen = 3;
}

static void
test_match(void **state)
{
	struct expect_table *t = expect_table_new();
	struct expect e, got;
	struct flow f;

	(void)state;
	assert_non_null(t);
	mkflow(&f, "10.0.0.5", 41000, "10.0.0.9", 30001);
	/* Empty table. */
	assert_int_equal(expect_take(t, &f, SEC, &got), -1);
	mkexpect(&e, 30001, 60 * SEC);
	assert_int_equal(expect_add(t, &e, SEC), 0);
	assert_int_equal(expect_table_stats(t)->active, 1);
	/* Another port, another server, the wrong way round, UDP, VLAN. */
	mkflow(&f, "10.0.0.5", 41000, "10.0.0.9", 30002);
	assert_int_equal(expect_take(t, &f, 2 * SEC, &got), -1);
	mkflow(&f, "10.0.0.5", 41000, "10.0.0.8", 30001);
	assert_int_equal(expect_take(t, &f, 2 * SEC, &got), -1);
	mkflow(&f, "10.0.0.9", 30001, "10.0.0.5", 41000);
	assert_int_equal(expect_take(t, &f, 2 * SEC, &got), -1);
	mkflow(&f, "10.0.0.5", 41000, "10.0.0.9", 30001);
	f.proto = IPPROTO_UDP_;
	assert_int_equal(expect_take(t, &f, 2 * SEC, &got), -1);
	f.proto = IPPROTO_TCP_;
	f.vlan = 20;
	assert_int_equal(expect_take(t, &f, 2 * SEC, &got), -1);
	f.vlan = 0;
	/* The one it announces; any source port. */
	assert_int_equal(expect_take(t, &f, 2 * SEC, &got), 0);
	assert_ptr_equal(got.d, &dissector_ftp_data);
	assert_int_equal(got.ctxlen, 3);
	assert_memory_equal(got.ctx, "ftp", 3);
	/* Taken: a second connection is not claimed. */
	assert_int_equal(expect_take(t, &f, 2 * SEC, &got), -1);
	assert_int_equal(expect_table_stats(t)->matched, 1);
	assert_int_equal(expect_table_stats(t)->active, 0);
	expect_table_free(t);
	expect_table_free(NULL);
}

/* A flow picked up mid-stream may have its sides swapped by the guess. */
static void
test_orientation(void **state)
{
	struct expect_table *t = expect_table_new();
	struct expect e, got;
	struct flow f;

	(void)state;
	mkexpect(&e, 30001, 60 * SEC);
	assert_int_equal(expect_add(t, &e, SEC), 0);
	mkflow(&f, "10.0.0.9", 30001, "10.0.0.5", 41000);
	f.mid_stream = true;
	assert_int_equal(expect_take(t, &f, 2 * SEC, &got), 0);
	expect_table_free(t);
}

/* Wildcard responder address (a port alone), specific source port. */
static void
test_wildcards(void **state)
{
	struct expect_table *t = expect_table_new();
	struct expect e, got;
	struct flow f;

	(void)state;
	mkexpect(&e, 30001, 60 * SEC);
	memset(&e.dst, 0, sizeof(e.dst));
	e.sport = 20;
	assert_int_equal(expect_add(t, &e, SEC), 0);
	mkflow(&f, "10.0.0.5", 21, "10.0.0.77", 30001);
	assert_int_equal(expect_take(t, &f, 2 * SEC, &got), -1);
	mkflow(&f, "10.0.0.5", 20, "10.0.0.77", 30001);
	assert_int_equal(expect_take(t, &f, 2 * SEC, &got), 0);
	/* Any initiator. */
	mkexpect(&e, 30002, 60 * SEC);
	memset(&e.src, 0, sizeof(e.src));
	assert_int_equal(expect_add(t, &e, SEC), 0);
	mkflow(&f, "192.168.1.1", 5000, "10.0.0.9", 30002);
	assert_int_equal(expect_take(t, &f, 2 * SEC, &got), 0);
	expect_table_free(t);
}

static void
test_expiry(void **state)
{
	struct expect_table *t = expect_table_new();
	struct expect e, got;
	struct flow f;

	(void)state;
	mkexpect(&e, 30001, 61 * SEC);
	assert_int_equal(expect_add(t, &e, SEC), 0);
	mkexpect(&e, 30002, 11 * SEC);
	assert_int_equal(expect_add(t, &e, SEC), 0);
	/* At its deadline an expectation is gone, found or not. */
	mkflow(&f, "10.0.0.5", 41000, "10.0.0.9", 30002);
	assert_int_equal(expect_take(t, &f, 11 * SEC, &got), -1);
	assert_int_equal(expect_table_stats(t)->expired, 1);
	expect_expire(t, 30 * SEC);
	assert_int_equal(expect_table_stats(t)->active, 1);
	expect_expire(t, 61 * SEC);
	assert_int_equal(expect_table_stats(t)->active, 0);
	assert_int_equal(expect_table_stats(t)->expired, 2);
	mkflow(&f, "10.0.0.5", 41000, "10.0.0.9", 30001);
	assert_int_equal(expect_take(t, &f, 62 * SEC, &got), -1);
	expect_table_free(t);
}

static void
test_bound_and_replace(void **state)
{
	struct expect_table *t = expect_table_new();
	struct expect e, got;
	struct flow f;

	(void)state;
	/* Deadlines rise with the port: 30000 is the nearest. */
	for (unsigned i = 0; i < EXPECT_MAX; i++) {
		mkexpect(&e, (uint16_t)(30000 + i), (100 + i) * SEC);
		assert_int_equal(expect_add(t, &e, SEC), 0);
	}
	assert_int_equal(expect_table_stats(t)->active, EXPECT_MAX);
	/* The same pattern again replaces, with its new deadline. */
	mkexpect(&e, 30001, 500 * SEC);
	assert_int_equal(expect_add(t, &e, SEC), 0);
	assert_int_equal(expect_table_stats(t)->active, EXPECT_MAX);
	assert_int_equal(expect_table_stats(t)->replaced, 0);
	/* One more: the one nearest its deadline (30000) goes. */
	mkexpect(&e, 40000, 200 * SEC);
	assert_int_equal(expect_add(t, &e, SEC), 0);
	assert_int_equal(expect_table_stats(t)->active, EXPECT_MAX);
	assert_int_equal(expect_table_stats(t)->replaced, 1);
	mkflow(&f, "10.0.0.5", 41000, "10.0.0.9", 30000);
	assert_int_equal(expect_take(t, &f, 2 * SEC, &got), -1);
	mkflow(&f, "10.0.0.5", 41000, "10.0.0.9", 40000);
	assert_int_equal(expect_take(t, &f, 150 * SEC, &got), 0);
	/* 30001 lives past its first deadline (101 s). */
	mkflow(&f, "10.0.0.5", 41000, "10.0.0.9", 30001);
	assert_int_equal(expect_take(t, &f, 300 * SEC, &got), 0);
	expect_table_free(t);
}

static void
test_refused(void **state)
{
	struct expect_table *t = expect_table_new();
	struct expect e;

	(void)state;
	mkexpect(&e, 30001, 60 * SEC);
	e.d = NULL;
	assert_int_equal(expect_add(t, &e, SEC), -1);
	mkexpect(&e, 30001, 60 * SEC);
	e.ctxlen = EXPECT_CTX_MAX + 1;
	assert_int_equal(expect_add(t, &e, SEC), -1);
	mkexpect(&e, 30001, SEC);
	assert_int_equal(expect_add(t, &e, SEC), -1);
	/* Neither responder address nor port: it would claim too much. */
	mkexpect(&e, 0, 60 * SEC);
	memset(&e.dst, 0, sizeof(e.dst));
	assert_int_equal(expect_add(t, &e, SEC), -1);
	assert_int_equal(expect_table_stats(t)->active, 0);
	expect_table_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_orientation),
		cmocka_unit_test(test_wildcards),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_bound_and_replace),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
