/*
 * test_flow.c - the flow table (matching both directions, who initiated,
 * timeouts, TCP state, the memory budget) and stream reassembly (order,
 * holes, overlaps, the depth).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ward/flow.h"

#define SEC 1000000ULL

static struct packet
mkpkt(const char *src, uint16_t sport, const char *dst, uint16_t dport,
    uint8_t proto, uint8_t flags, uint64_t ts)
{
	struct packet p;

	memset(&p, 0, sizeof(p));
	assert_int_equal(addr_parse(src, &p.src), 0);
	assert_int_equal(addr_parse(dst, &p.dst), 0);
	p.sport = sport;
	p.dport = dport;
	p.l4proto = proto;
	p.tcp_flags = flags;
	p.ts = ts;
	p.iplen = 60;
	p.flags = PKT_IP | PKT_L4;
	return p;
}

struct ended {
	int		 n;
	enum flow_end	 why[64];
	uint64_t	 pkts0[64];
	uint64_t	 pkts1[64];
};

static void
on_end(struct flow *f, enum flow_end why, void *arg)
{
	struct ended *e = arg;

	if (e->n < 64) {
		e->why[e->n] = why;
		e->pkts0[e->n] = f->side[0].pkts;
		e->pkts1[e->n] = f->side[1].pkts;
	}
	e->n++;
}

static void
test_both_directions_one_flow(void **state)
{
	struct ended e = { 0 };
	struct flow_table *t = flow_table_new(NULL, on_end, &e);
	struct packet syn = mkpkt("10.0.0.1", 40000, "10.0.0.2", 104,
	    IPPROTO_TCP_, TCP_SYN, 1 * SEC);
	struct packet synack = mkpkt("10.0.0.2", 104, "10.0.0.1", 40000,
	    IPPROTO_TCP_, TCP_SYN | TCP_ACK, 1 * SEC + 10);
	struct packet ack = mkpkt("10.0.0.1", 40000, "10.0.0.2", 104,
	    IPPROTO_TCP_, TCP_ACK, 1 * SEC + 20);
	struct flow *f1, *f2, *f3;
	bool created;
	int dir;

	(void)state;
	f1 = flow_track(t, &syn, &dir, &created);
	assert_non_null(f1);
	assert_true(created);
	assert_int_equal(dir, 0);
	assert_int_equal(f1->state, TCPS_SYN_SENT);
	f2 = flow_track(t, &synack, &dir, &created);
	assert_ptr_equal(f1, f2);
	assert_false(created);
	assert_int_equal(dir, 1);
	assert_int_equal(f1->state, TCPS_SYN_RECEIVED);
	f3 = flow_track(t, &ack, &dir, &created);
	assert_ptr_equal(f1, f3);
	assert_int_equal(f1->state, TCPS_ESTABLISHED);
	assert_int_equal(f1->side[0].pkts, 2);
	assert_int_equal(f1->side[1].pkts, 1);
	assert_int_equal(f1->side[0].bytes, 120);
	assert_int_equal(flow_table_stats(t)->active, 1);
	flow_table_free(t);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.why[0], FLOW_END_FLUSH);
}

static void
test_initiator_from_synack_and_ports(void **state)
{
	struct flow_table *t = flow_table_new(NULL, NULL, NULL);
	/* The capture starts at the SYN+ACK: its sender is the server. */
	struct packet synack = mkpkt("10.0.0.2", 22, "10.0.0.1", 50000,
	    IPPROTO_TCP_, TCP_SYN | TCP_ACK, SEC);
	/* A DNS answer seen first: port 53 to an ephemeral port. */
	struct packet answer = mkpkt("10.0.0.53", 53, "10.0.0.1", 33333,
	    IPPROTO_UDP_, 0, SEC);
	struct flow *f;
	bool created;
	int dir;

	(void)state;
	f = flow_track(t, &synack, &dir, &created);
	assert_int_equal(dir, 1);
	assert_int_equal(f->side[1].port, 22);
	assert_int_equal(f->state, TCPS_SYN_RECEIVED);
	f = flow_track(t, &answer, &dir, &created);
	assert_int_equal(dir, 1);
	assert_int_equal(f->side[0].port, 33333);
	flow_table_free(t);
}

static void
test_vlans_and_protocols_separate(void **state)
{
	struct flow_table *t = flow_table_new(NULL, NULL, NULL);
	struct packet a = mkpkt("10.0.0.1", 1000, "10.0.0.2", 2000,
	    IPPROTO_UDP_, 0, SEC);
	struct packet b = a, c = a;
	struct flow *fa, *fb, *fc;
	bool created;
	int dir;

	(void)state;
	b.nvlans = 1;
	b.vlans[0] = 20;
	c.l4proto = IPPROTO_TCP_;
	fa = flow_track(t, &a, &dir, &created);
	fb = flow_track(t, &b, &dir, &created);
	fc = flow_track(t, &c, &dir, &created);
	assert_ptr_not_equal(fa, fb);
	assert_ptr_not_equal(fa, fc);
	assert_ptr_not_equal(fb, fc);
	assert_int_equal(fb->vlan, 20);
	assert_int_equal(flow_table_stats(t)->created, 3);
	flow_table_free(t);
}

static void
test_timeouts(void **state)
{
	struct ended e = { 0 };
	struct flow_config cfg;
	struct flow_table *t;
	struct packet u = mkpkt("10.0.0.1", 41000, "10.0.0.2", 2000,
	    IPPROTO_UDP_, 0, SEC);
	struct packet tcp = mkpkt("10.0.0.1", 1001, "10.0.0.2", 80,
	    IPPROTO_TCP_, TCP_SYN, SEC);
	struct packet rst = mkpkt("10.0.0.2", 80, "10.0.0.1", 1001,
	    IPPROTO_TCP_, TCP_RST | TCP_ACK, SEC + 1);
	struct packet later;
	bool created;
	int dir;

	(void)state;
	flow_config_defaults(&cfg);
	cfg.udp_idle_timeout = 30 * SEC;
	cfg.tcp_idle_timeout = 300 * SEC;
	cfg.closed_timeout = 5 * SEC;
	cfg.active_timeout = 60 * SEC;
	t = flow_table_new(&cfg, on_end, &e);
	assert_non_null(flow_track(t, &u, &dir, &created));
	assert_non_null(flow_track(t, &tcp, &dir, &created));
	assert_non_null(flow_track(t, &rst, &dir, &created));

	flow_table_expire(t, 4 * SEC);
	assert_int_equal(e.n, 0);
	flow_table_expire(t, 7 * SEC);		/* the reset flow lingers 5 s */
	assert_int_equal(e.n, 1);
	assert_int_equal(e.why[0], FLOW_END_CLOSED);
	flow_table_expire(t, 32 * SEC);		/* UDP idles out at 30 s */
	assert_int_equal(e.n, 2);
	assert_int_equal(e.why[1], FLOW_END_IDLE);

	/* A busy flow is cut into records at the active timeout. */
	for (uint64_t s = 100; s <= 170; s += 10) {
		later = u;
		later.ts = s * SEC;
		assert_non_null(flow_track(t, &later, &dir, &created));
	}
	assert_int_equal(e.n, 3);
	assert_int_equal(e.why[2], FLOW_END_ACTIVE);
	assert_int_equal(e.pkts0[2], 6);	/* 100 .. 150 */
	flow_table_free(t);
	assert_int_equal(e.n, 4);
	assert_int_equal(e.why[3], FLOW_END_FLUSH);
	assert_int_equal(e.pkts0[3], 2);	/* 160 and 170 */
}

static void
test_memcap_evicts_oldest(void **state)
{
	struct ended e = { 0 };
	struct flow_config cfg;
	struct flow_table *t;
	struct flow *first = NULL, *f;
	size_t budget;
	bool created;
	int dir;

	(void)state;
	flow_config_defaults(&cfg);
	budget = 10 * sizeof(struct flow);
	cfg.memcap = budget;
	t = flow_table_new(&cfg, on_end, &e);
	for (uint16_t i = 0; i < 25; i++) {
		struct packet p = mkpkt("10.0.0.1", (uint16_t)(1000 + i),
		    "10.0.0.2", 53, IPPROTO_UDP_, 0, (uint64_t)(i + 1) * SEC);

		f = flow_track(t, &p, &dir, &created);
		assert_non_null(f);
		if (i == 0)
			first = f;
		(void)first;
		assert_true(flow_table_stats(t)->mem_used <= budget);
	}
	assert_int_equal(flow_table_stats(t)->active, 10);
	assert_int_equal(flow_table_stats(t)->ended[FLOW_END_EVICTED], 15);
	/* The survivors are the newest: port 1015 .. 1024. */
	{
		struct packet p = mkpkt("10.0.0.1", 1024, "10.0.0.2", 53,
		    IPPROTO_UDP_, 0, 30 * SEC);

		assert_non_null(flow_track(t, &p, &dir, &created));
		assert_false(created);
	}
	assert_int_equal(flow_table_stats(t)->mem_peak <= budget, 1);
	flow_table_free(t);
	assert_int_equal(e.n, 25);
}

/* Stream reassembly. */

struct sink {
	uint8_t		 buf[4096];
	size_t		 len;
	int		 gaps;
	size_t		 missing;
};

static void
sink_deliver(struct flow *f, int dir, const uint8_t *p, size_t n, void *arg)
{
	struct sink *s = arg;

	(void)f;
	(void)dir;
	assert_true(s->len + n <= sizeof(s->buf));
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

static void
sink_gap(struct flow *f, int dir, size_t missing, void *arg)
{
	struct sink *s = arg;

	(void)f;
	(void)dir;
	s->gaps++;
	s->missing += missing;
}

static void
segment(struct flow_table *t, struct flow *f, uint32_t seq, const char *data,
    uint8_t flags, struct sink *s)
{
	struct stream_cb cb = { sink_deliver, sink_gap, s };
	struct packet p = mkpkt("10.0.0.1", 40000, "10.0.0.2", 104,
	    IPPROTO_TCP_, flags, SEC);

	p.seq = seq;
	p.payload = cur_make(data, strlen(data));
	stream_segment(t, f, 0, &p, &cb);
}

static struct flow *
tcp_flow(struct flow_table *t)
{
	struct packet p = mkpkt("10.0.0.1", 40000, "10.0.0.2", 104,
	    IPPROTO_TCP_, TCP_SYN, SEC);
	bool created;
	int dir;

	return flow_track(t, &p, &dir, &created);
}

static void
test_stream_in_order_and_reordered(void **state)
{
	struct flow_table *t = flow_table_new(NULL, NULL, NULL);
	struct flow *f = tcp_flow(t);
	struct sink s = { .len = 0 };

	(void)state;
	segment(t, f, 999, "", TCP_SYN, &s);	/* ISN 999: data at 1000 */
	segment(t, f, 1000, "hello ", TCP_ACK, &s);
	segment(t, f, 1012, "there", TCP_ACK, &s);	/* early */
	assert_int_equal(s.len, 6);
	segment(t, f, 1006, "world ", TCP_ACK, &s);	/* fills the hole */
	assert_int_equal(s.len, 17);
	assert_memory_equal(s.buf, "hello world there", 17);
	/* A retransmission overlapping delivered bytes adds only news. */
	segment(t, f, 1012, "there!", TCP_ACK, &s);
	assert_int_equal(s.len, 18);
	assert_memory_equal(s.buf, "hello world there!", 18);
	segment(t, f, 1000, "HELLO", TCP_ACK, &s);
	assert_int_equal(s.len, 18);
	assert_int_equal(s.gaps, 0);
	flow_table_free(t);
}

static void
test_stream_gap_when_ooo_cap_full(void **state)
{
	struct flow_config cfg;
	struct flow_table *t;
	struct flow *f;
	struct sink s = { .len = 0 };

	(void)state;
	flow_config_defaults(&cfg);
	cfg.stream_ooo_cap = 8;
	t = flow_table_new(&cfg, NULL, NULL);
	f = tcp_flow(t);
	segment(t, f, 99, "", TCP_SYN, &s);
	segment(t, f, 100, "abc", TCP_ACK, &s);
	/* 103..109 never arrives. */
	segment(t, f, 110, "12345", TCP_ACK, &s);	/* held */
	assert_int_equal(s.len, 3);
	segment(t, f, 115, "67890", TCP_ACK, &s);	/* no room: skip hole */
	assert_int_equal(s.gaps, 1);
	assert_int_equal(s.missing, 7);
	assert_int_equal(s.len, 13);
	assert_memory_equal(s.buf, "abc1234567890", 13);
	assert_int_equal(flow_table_stats(t)->stream_gaps, 1);
	flow_table_free(t);
}

static void
test_stream_depth_and_midstream(void **state)
{
	struct flow_config cfg;
	struct flow_table *t;
	struct flow *f;
	struct sink s = { .len = 0 };

	(void)state;
	flow_config_defaults(&cfg);
	cfg.stream_depth = 10;
	t = flow_table_new(&cfg, NULL, NULL);
	f = tcp_flow(t);
	/* No SYN seen for this direction: picked up where it is. */
	segment(t, f, 5000, "0123456", TCP_ACK, &s);
	segment(t, f, 5007, "789abc", TCP_ACK, &s);
	segment(t, f, 5013, "more", TCP_ACK, &s);
	assert_int_equal(s.len, 10);
	assert_memory_equal(s.buf, "0123456789", 10);
	assert_int_equal(flow_table_stats(t)->stream_capped, 1);
	flow_table_free(t);
}

static void
test_stream_sequence_wrap(void **state)
{
	struct flow_table *t = flow_table_new(NULL, NULL, NULL);
	struct flow *f = tcp_flow(t);
	struct sink s = { .len = 0 };

	(void)state;
	segment(t, f, 0xfffffffdu, "", TCP_SYN, &s);
	segment(t, f, 0xfffffffeu, "ab", TCP_ACK, &s);
	segment(t, f, 2, "ef", TCP_ACK, &s);		/* early, after wrap */
	segment(t, f, 0, "cd", TCP_ACK, &s);
	assert_int_equal(s.len, 6);
	assert_memory_equal(s.buf, "abcdef", 6);
	flow_table_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_both_directions_one_flow),
		cmocka_unit_test(test_initiator_from_synack_and_ports),
		cmocka_unit_test(test_vlans_and_protocols_separate),
		cmocka_unit_test(test_timeouts),
		cmocka_unit_test(test_memcap_evicts_oldest),
		cmocka_unit_test(test_stream_in_order_and_reordered),
		cmocka_unit_test(test_stream_gap_when_ooo_cap_full),
		cmocka_unit_test(test_stream_depth_and_midstream),
		cmocka_unit_test(test_stream_sequence_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
