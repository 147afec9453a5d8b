/*
 * test_pipeline.c - frames in, observations out: ARP bindings, new flows,
 * services (TCP SYN+ACK, UDP replies), flow records with their counters,
 * dissector choice by port and content, FTP data connections given to
 * their dissector by the control connection, and the inventory at the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ward/asset.h"
#include "ward/proto.h"
#include "ward/sensor.h"

#define SEC 1000000ULL

static const uint8_t mac_a[6] = { 0x00, 0x1b, 0x21, 0x00, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x00, 0x1b, 0x21, 0x00, 0x00, 0x0b };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

struct frame {
	uint8_t		 b[1600];
	size_t		 len;
};

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static size_t
eth(uint8_t *b, const uint8_t *dst, const uint8_t *src, unsigned type)
{
	memcpy(b, dst, 6);
	memcpy(b + 6, src, 6);
	put16(b + 12, type);
	return 14;
}

/* Ethernet + IPv4 + TCP or UDP. Checksums are left zero: ward does not
 * verify them (offloading makes captured checksums unreliable). */
static void
ip4(struct frame *f, const uint8_t *dmac, const uint8_t *smac,
    const char *src, const char *dst, uint8_t proto, unsigned sport,
    unsigned dport, uint8_t flags, uint32_t seq, const void *payload,
    size_t plen)
{
	uint8_t *ip = f->b + eth(f->b, dmac, smac, 0x0800);
	size_t l4 = proto == 6 ? 20 : 8;
	struct ward_addr s, d;

	assert_int_equal(addr_parse(src, &s), 0);
	assert_int_equal(addr_parse(dst, &d), 0);
	memset(ip, 0, 20 + l4);
	ip[0] = 0x45;
	put16(ip + 2, (unsigned)(20 + l4 + plen));
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, s.b, 4);
	memcpy(ip + 16, d.b, 4);
	put16(ip + 20, sport);
	put16(ip + 22, dport);
	if (proto == 6) {
		put32(ip + 24, seq);
		ip[32] = 5 << 4;
		ip[33] = flags;
		put16(ip + 34, 65535);
	} else {
		put16(ip + 24, (unsigned)(8 + plen));
	}
	if (plen > 0)
		memcpy(ip + 20 + l4, payload, plen);
	f->len = 14 + 20 + l4 + plen;
}

static void
arp_frame(struct frame *f, const uint8_t *smac, const char *sip,
    const char *tip)
{
	uint8_t *a = f->b + eth(f->b, bcast, smac, 0x0806);
	struct ward_addr s, t;

	assert_int_equal(addr_parse(sip, &s), 0);
	assert_int_equal(addr_parse(tip, &t), 0);
	put16(a, 1);
	put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, 1);
	memcpy(a + 8, smac, 6);
	memcpy(a + 14, s.b, 4);
	memset(a + 18, 0, 6);
	memcpy(a + 24, t.b, 4);
	f->len = 14 + 28;
}

struct seen {
	int		 count[OBS_KIND_COUNT];
	uint64_t	 flow_pkts_toserver;
	uint64_t	 flow_bytes_toclient;
	char		 service_port[8];
	char		 app[16];
};

static void
collect(const struct observation *o, void *arg)
{
	struct seen *s = arg;
	const struct obs_field *f;

	s->count[o->kind]++;
	if (o->kind == OBS_FLOW && (f = obs_get(o, "pkts_toserver")) != NULL &&
	    obs_get(o, "dst_port")->v.u == 104) {
		s->flow_pkts_toserver = f->v.u;
		s->flow_bytes_toclient = obs_get(o, "bytes_toclient")->v.u;
	}
	if (o->kind == OBS_SERVICE)
		snprintf(s->service_port, sizeof(s->service_port), "%llu",
		    (unsigned long long)obs_get(o, "dst_port")->v.u);
	if (o->kind == OBS_FLOW && obs_get_str(o, "app") != NULL)
		snprintf(s->app, sizeof(s->app), "%s", obs_get_str(o, "app"));
}

static void
feed(struct sensor *s, const struct frame *f, uint64_t ts)
{
	sensor_frame(s, 1, ts, f->b, (uint32_t)f->len, (uint32_t)f->len);
}

static void
test_tcp_service_and_flow_record(void **state)
{
	struct sensor *s = sensor_new(NULL);
	struct inventory *inv = inv_new(NULL);
	struct seen seen;
	struct frame f;
	struct asset *a;
	struct ward_addr pacs;

	(void)state;
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(obs_subscribe(sensor_bus(s), OBS_MASK_ALL, collect,
	    &seen), 0);
	assert_int_equal(inv_attach(inv, sensor_bus(s)), 0);

	arp_frame(&f, mac_a, "10.1.0.10", "10.1.0.20");
	feed(s, &f, 1 * SEC);
	assert_int_equal(seen.count[OBS_ARP], 1);

	/* A modality opens an association to the PACS on port 104. */
	ip4(&f, mac_b, mac_a, "10.1.0.10", "10.1.0.20", 6, 40000, 104, 0x02,
	    1000, NULL, 0);
	feed(s, &f, 2 * SEC);
	ip4(&f, mac_a, mac_b, "10.1.0.20", "10.1.0.10", 6, 104, 40000, 0x12,
	    5000, NULL, 0);
	feed(s, &f, 2 * SEC + 100);
	ip4(&f, mac_b, mac_a, "10.1.0.10", "10.1.0.20", 6, 40000, 104, 0x10,
	    1001, "hello", 5);
	feed(s, &f, 2 * SEC + 200);
	assert_int_equal(seen.count[OBS_FLOW_NEW], 1);
	assert_int_equal(seen.count[OBS_SERVICE], 1);
	assert_string_equal(seen.service_port, "104");
	assert_int_equal(seen.count[OBS_FLOW], 0);
	sensor_finish(s);
	assert_int_equal(seen.count[OBS_FLOW], 1);
	assert_int_equal(seen.flow_pkts_toserver, 2);
	assert_int_equal(seen.flow_bytes_toclient, 40);

	assert_int_equal(addr_parse("10.1.0.20", &pacs), 0);
	a = inv_find_ip(inv, &pacs);
	assert_non_null(a);
	assert_memory_equal(a->mac, mac_b, 6);
	assert_int_equal(a->nservices, 1);
	assert_int_equal(a->services[0].port, 104);
	assert_int_equal(a->npeers, 1);
	assert_int_equal(a->bytes_in, 40 + 45);
	assert_int_equal(inv_count(inv), 2);
	inv_free(inv);
	sensor_free(s);
}

static void
test_udp_reply_is_a_service_and_dissector_runs(void **state)
{
	struct sensor *s = sensor_new(NULL);
	struct seen seen;
	struct frame f;
	/* A DNS query for pacs.example (RFC 1035 4.1). */
	static const uint8_t query[] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0,
		0, 0, 0, 0, 4, 'p', 'a', 'c', 's', 7, 'e', 'x', 'a', 'm', 'p',
		'l', 'e', 0, 0, 1, 0, 1 };

	(void)state;
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(obs_subscribe(sensor_bus(s), OBS_MASK_ALL, collect,
	    &seen), 0);
	ip4(&f, mac_b, mac_a, "10.1.0.10", "10.1.0.53", 17, 33000, 53, 0, 0,
	    query, sizeof(query));
	feed(s, &f, SEC);
	assert_int_equal(seen.count[OBS_SERVICE], 0);
	assert_int_equal(seen.count[OBS_DNS], 1);
	ip4(&f, mac_a, mac_b, "10.1.0.53", "10.1.0.10", 17, 53, 33000, 0, 0,
	    query, sizeof(query));
	feed(s, &f, SEC + 500);
	assert_int_equal(seen.count[OBS_SERVICE], 1);
	assert_string_equal(seen.service_port, "53");
	sensor_finish(s);
	assert_string_equal(seen.app, "dns");
	sensor_free(s);
}

static void
test_garbage_frames_are_counted_not_fatal(void **state)
{
	struct sensor *s = sensor_new(NULL);
	struct malform_counts m;
	struct frame f;

	(void)state;
	ip4(&f, mac_b, mac_a, "10.1.0.10", "10.1.0.20", 6, 40000, 104, 0x02,
	    1, NULL, 0);
	/* IHL of 3 words is below the minimum of 5 (RFC 791). */
	f.b[14] = 0x43;
	feed(s, &f, SEC);
	/* Cut inside the TCP header. */
	ip4(&f, mac_b, mac_a, "10.1.0.10", "10.1.0.20", 6, 40000, 104, 0x02,
	    1, NULL, 0);
	sensor_frame(s, 1, SEC, f.b, 40, 40);
	sensor_malformations(s, &m);
	assert_true(malform_total(&m) >= 2);
	assert_int_equal(sensor_stats(s)->frames, 2);
	assert_int_equal(sensor_flow_stats(s)->created, 0);
	sensor_finish(s);
	sensor_free(s);
}

static void
test_malformed_events_bounded_per_flow(void **state)
{
	struct obs_bus *bus = obs_bus_new();
	struct malform_counts mal;
	struct seen seen;
	struct proto_ctx ctx;
	struct flow f;

	(void)state;
	memset(&seen, 0, sizeof(seen));
	memset(&mal, 0, sizeof(mal));
	memset(&f, 0, sizeof(f));
	memset(&ctx, 0, sizeof(ctx));
	assert_int_equal(obs_subscribe(bus, OBS_MASK_ALL, collect, &seen), 0);
	ctx.bus = bus;
	ctx.mal = &mal;
	ctx.flow = &f;
	for (int i = 0; i < 100; i++)
		proto_malformed(&ctx, MAL_DNS_BAD_NAME, "dns", "test");
	/* Every one is counted; a few are reported. */
	assert_int_equal(mal.n[MAL_DNS_BAD_NAME], 100);
	assert_int_equal(seen.count[OBS_MALFORMED], PROTO_MALFORMED_PER_FLOW);
	obs_bus_free(bus);
}

/* What the FTP test looks at: apps of new flows and services, files. */
struct ftp_seen {
	char		 new_app[8][16];
	int		 nnew;
	char		 service_app[8][16];
	int		 nservice;
	char		 carrier[4][8];
	bool		 cve[4];
	char		 file_ip[4][ADDR_STRLEN];
	int		 nfiles;
};

static void
app_of(const struct observation *o, char out[16])
{
	const char *a = obs_get_str(o, "app");

	snprintf(out, 16, "%s", a != NULL ? a : "-");
}

static void
ftp_collect(const struct observation *o, void *arg)
{
	struct ftp_seen *s = arg;

	if (o->kind == OBS_FLOW_NEW && s->nnew < 8)
		app_of(o, s->new_app[s->nnew++]);
	else if (o->kind == OBS_SERVICE && s->nservice < 8)
		app_of(o, s->service_app[s->nservice++]);
	else if (o->kind == OBS_DICOM_FILE && s->nfiles < 4) {
		snprintf(s->carrier[s->nfiles], 8, "%s",
		    obs_get_str(o, "carrier"));
		s->cve[s->nfiles] = obs_get(o, "cve_2019_11687")->v.b;
		addr_fmt(&o->ip, s->file_ip[s->nfiles], ADDR_STRLEN);
		s->nfiles++;
	}
}

/* A TCP connection's two sequence numbers, as a test walks it. */
struct conn {
	const char	*cip, *sip;
	unsigned	 cport, sport;
	const uint8_t	*cmac, *smac;
	uint32_t	 cseq, sseq;
	uint64_t	 ts;
};

static void
conn_send(struct sensor *s, struct conn *c, int dir, uint8_t flags,
    const void *p, size_t n)
{
	struct frame f;

	if (dir == 0) {
		ip4(&f, c->smac, c->cmac, c->cip, c->sip, 6, c->cport,
		    c->sport, flags, c->cseq, p, n);
		c->cseq += (uint32_t)n + ((flags & 0x03) != 0);
	} else {
		ip4(&f, c->cmac, c->smac, c->sip, c->cip, 6, c->sport,
		    c->cport, flags, c->sseq, p, n);
		c->sseq += (uint32_t)n + ((flags & 0x03) != 0);
	}
	feed(s, &f, c->ts);
	c->ts += 1000;
}

static void
conn_open(struct sensor *s, struct conn *c)
{
	conn_send(s, c, 0, 0x02, NULL, 0);
	conn_send(s, c, 1, 0x12, NULL, 0);
	conn_send(s, c, 0, 0x10, NULL, 0);
}

static void
conn_text(struct sensor *s, struct conn *c, int dir, const char *text)
{
	conn_send(s, c, dir, 0x18, text, strlen(text));
}

/* A small Part 10 file: preamble, "DICM", one meta element. */
static size_t
part10(uint8_t *b, bool mz)
{
	static const char uid[] = "1.2.840.10008.5.1.4.1.1.2";

	memset(b, 0, 128);
	if (mz)
		memcpy(b, "MZ\x90", 3);
	memcpy(b + 128, "DICM\x02\x00\x02\x00UI", 10);
	b[138] = sizeof(uid);
	b[139] = 0;
	memcpy(b + 140, uid, sizeof(uid));
	memset(b + 140 + sizeof(uid), 0x55, 200);
	return 140 + sizeof(uid) + 200;
}

static void
test_ftp_data_expected(void **state)
{
	struct sensor *s = sensor_new(NULL);
	struct ftp_seen seen;
	uint8_t file[512];
	size_t n;
	struct conn ctl = { "10.1.0.10", "10.1.0.21", 40100, 21, mac_a,
		mac_b, 1000, 5000, 2 * SEC };
	struct conn pasv = { "10.1.0.10", "10.1.0.21", 40101, 30001, mac_a,
		mac_b, 9000, 7000, 3 * SEC };
	struct conn port = { "10.1.0.21", "10.1.0.10", 20, 40001, mac_b,
		mac_a, 3000, 8000, 4 * SEC };
	struct conn late = { "10.1.0.10", "10.1.0.21", 40102, 30002, mac_a,
		mac_b, 100, 200, 100 * SEC };

	(void)state;
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(obs_subscribe(sensor_bus(s), OBS_MASK_ALL,
	    ftp_collect, &seen), 0);
	conn_open(s, &ctl);
	conn_text(s, &ctl, 1, "220 FTP server ready\r\n");
	/* Passive (RFC 959 4.1.2): the client connects to 10.1.0.21:30001. */
	conn_text(s, &ctl, 0, "PASV\r\n");
	conn_text(s, &ctl, 1, "227 Entering Passive Mode (10,1,0,21,117,49).\r\n");
	conn_text(s, &ctl, 0, "RETR ct.dcm\r\n");
	assert_int_equal(sensor_expect_stats(s)->active, 1);
	conn_open(s, &pasv);
	assert_int_equal(sensor_expect_stats(s)->matched, 1);
	n = part10(file, false);
	conn_send(s, &pasv, 1, 0x18, file, n);
	conn_send(s, &pasv, 1, 0x11, NULL, 0);
	conn_send(s, &pasv, 0, 0x11, NULL, 0);
	/* Active: the server connects from port 20 to 10.1.0.10:40001. */
	conn_text(s, &ctl, 0, "PORT 10,1,0,10,156,65\r\n");
	conn_text(s, &ctl, 1, "200 PORT command successful\r\n");
	conn_text(s, &ctl, 0, "STOR ct-mz.dcm\r\n");
	conn_open(s, &port);
	n = part10(file, true);
	conn_send(s, &port, 1, 0x18, file, n);
	conn_send(s, &port, 1, 0x11, NULL, 0);
	/* A passive port announced but connected to after the deadline. */
	conn_text(s, &ctl, 0, "PASV\r\n");
	conn_text(s, &ctl, 1, "227 Entering Passive Mode (10,1,0,21,117,50).\r\n");
	conn_open(s, &late);
	conn_text(s, &late, 1, "-rw-r--r-- 1 ftp ftp 300 ct.dcm\r\n");
	sensor_finish(s);

	/* Control, passive data, active data, the late one. */
	assert_int_equal(seen.nnew, 4);
	assert_string_equal(seen.new_app[0], "-");
	assert_string_equal(seen.new_app[1], "ftp-data");
	assert_string_equal(seen.new_app[2], "ftp-data");
	assert_string_equal(seen.new_app[3], "-");
	assert_int_equal(seen.nservice, 4);
	assert_string_equal(seen.service_app[1], "ftp-data");
	assert_string_equal(seen.service_app[2], "ftp-data");
	assert_int_equal(seen.nfiles, 2);
	assert_string_equal(seen.carrier[0], "ftp");
	assert_false(seen.cve[0]);
	assert_string_equal(seen.file_ip[0], "10.1.0.21");
	assert_string_equal(seen.carrier[1], "ftp");
	assert_true(seen.cve[1]);
	assert_string_equal(seen.file_ip[1], "10.1.0.10");
	assert_int_equal(sensor_expect_stats(s)->matched, 2);
	assert_int_equal(sensor_expect_stats(s)->expired, 1);
	assert_int_equal(sensor_expect_stats(s)->active, 0);
	sensor_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_service_and_flow_record),
		cmocka_unit_test(test_udp_reply_is_a_service_and_dissector_runs),
		cmocka_unit_test(test_garbage_frames_are_counted_not_fatal),
		cmocka_unit_test(test_malformed_events_bounded_per_flow),
		cmocka_unit_test(test_ftp_data_expected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
