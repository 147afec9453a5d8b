/*
 * test_capture.c - packet sources on real files written at test time:
 * several files merged in time order, pcapng, truncated, garbage, missing
 * and empty files, BPF filters, and a live capture on the loopback.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "ward/capture.h"

#define PKT_LEN		46	/* Ethernet + IPv4 + UDP + 4 bytes of tag */
#define T0		1700000000ULL	/* seconds */

struct tmp {
	char	dir[64];
};

static int
tmp_setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/ward-capture-XXXXXX");
	if (mkdtemp(t->dir) == NULL) {
		free(t);
		return -1;
	}
	*state = t;
	return 0;
}

static int
tmp_teardown(void **state)
{
	struct tmp *t = *state;
	char p[160];
	static const char *const files[] = { "a.pcap", "b.pcap", "c.pcapng",
		"full.pcap", "cut1.pcap", "cut2.pcap", "garbage.pcap",
		"empty.pcap", "ports.pcap", "nopkts.pcap", "big1.pcap",
		"big2.pcap" };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", t->dir, files[i]);
		(void)unlink(p);
	}
	(void)rmdir(t->dir);
	free(t);
	return 0;
}

static void
path_in(const struct tmp *t, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", t->dir, name);
}

/* An Ethernet/IPv4/UDP frame to dport whose payload is the tag. */
static void
mkpkt(uint8_t b[PKT_LEN], uint16_t dport, uint32_t tag)
{
	static const uint8_t hdr[] = {
		0x02, 0, 0, 0, 0, 0x01,  0x02, 0, 0, 0, 0, 0x02,  0x08, 0x00,
		0x45, 0x00, 0x00, 0x20,  0x00, 0x01, 0x00, 0x00,
		0x40, 0x11, 0x00, 0x00,  10, 0, 0, 1,  10, 0, 0, 2,
		0x03, 0xe8, 0x00, 0x00,  0x00, 0x0c, 0x00, 0x00,
	};

	memcpy(b, hdr, sizeof(hdr));
	b[36] = (uint8_t)(dport >> 8);
	b[37] = (uint8_t)dport;
	b[42] = (uint8_t)(tag >> 24);
	b[43] = (uint8_t)(tag >> 16);
	b[44] = (uint8_t)(tag >> 8);
	b[45] = (uint8_t)tag;
}

static uint32_t
pkt_tag(const struct capture_pkt *p)
{
	assert_true(p->caplen == PKT_LEN);
	return (uint32_t)p->data[42] << 24 | (uint32_t)p->data[43] << 16 |
	    (uint32_t)p->data[44] << 8 | p->data[45];
}

/* Writes n packets at times ts[] (microseconds) with tags and ports. */
static void
write_pcap(const char *path, int n, const uint64_t *ts, const uint32_t *tags,
    const uint16_t *ports)
{
	struct pcap_pkthdr h;
	pcap_dumper_t *d;
	uint8_t b[PKT_LEN];
	pcap_t *p;

	p = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535,
	    PCAP_TSTAMP_PRECISION_MICRO);
	assert_non_null(p);
	if ((d = pcap_dump_open(p, path)) == NULL)
		fail_msg("%s: %s", path, pcap_geterr(p));
	for (int i = 0; i < n; i++) {
		mkpkt(b, ports != NULL ? ports[i] : 53, tags[i]);
		memset(&h, 0, sizeof(h));
		h.ts.tv_sec = (time_t)(ts[i] / 1000000);
		h.ts.tv_usec = (suseconds_t)(ts[i] % 1000000);
		h.caplen = PKT_LEN;
		h.len = PKT_LEN + 100;
		pcap_dump((u_char *)d, &h, b);
	}
	pcap_dump_close(d);
	pcap_close(p);
}

static void
write_bytes(const char *path, const void *b, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	if (n > 0)
		assert_int_equal(fwrite(b, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static uint64_t
file_size(const char *path)
{
	struct stat sb;

	assert_int_equal(stat(path, &sb), 0);
	return (uint64_t)sb.st_size;
}

/* Copies the first n bytes of src to dst. */
static void
copy_prefix(const char *src, const char *dst, size_t n)
{
	uint8_t *b = malloc(n);
	FILE *f;

	assert_non_null(b);
	assert_non_null(f = fopen(src, "rb"));
	assert_int_equal(fread(b, 1, n, f), n);
	fclose(f);
	write_bytes(dst, b, n);
	free(b);
}

static int
has(const char *s, const char *sub)
{
	return s != NULL && strstr(s, sub) != NULL;
}

static void
test_merge_two_files(void **state)
{
	struct tmp *t = *state;
	/* Interleaved, and a tie at the end that goes to the first file. */
	const uint64_t ta[] = { T0 * 1000000 + 1, T0 * 1000000 + 3000,
		T0 * 1000000 + 5000, (T0 + 9) * 1000000 };
	const uint64_t tb[] = { T0 * 1000000 + 2, T0 * 1000000 + 4000,
		(T0 + 1) * 1000000 + 999999, (T0 + 9) * 1000000 };
	const uint32_t taga[] = { 1, 3, 5, 7 };
	const uint32_t tagb[] = { 2, 4, 6, 8 };
	const uint32_t want[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	const int want_in[] = { 0, 1, 0, 1, 0, 1, 0, 1 };
	char a[160], b[160], err[256];
	char *paths[2] = { a, b };
	struct capture_pkt pkt;
	struct capture *c;
	uint64_t last = 0;
	int n = 0;

	path_in(t, "a.pcap", a, sizeof(a));
	path_in(t, "b.pcap", b, sizeof(b));
	write_pcap(a, 4, ta, taga, NULL);
	write_pcap(b, 4, tb, tagb, NULL);

	c = capture_open_files(paths, 2, NULL, err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	assert_int_equal(capture_ninputs(c), 2);
	assert_int_equal(capture_linktype(c, 0), DLT_EN10MB);
	assert_int_equal(capture_linktype(c, 1), DLT_EN10MB);
	assert_string_equal(capture_input_name(c, 1), b);
	assert_true(capture_bytes_total(c) == file_size(a) + file_size(b));
	while (capture_next(c, &pkt) == 1) {
		assert_true(n < 8);
		assert_int_equal(pkt_tag(&pkt), want[n]);
		assert_int_equal(pkt.input, want_in[n]);
		assert_int_equal(pkt.linktype, DLT_EN10MB);
		assert_int_equal(pkt.wirelen, PKT_LEN + 100);
		assert_true(pkt.ts >= last);
		last = pkt.ts;
		n++;
	}
	assert_int_equal(n, 8);
	assert_true(last == (T0 + 9) * 1000000);
	assert_int_equal(capture_nerrors(c), 0);
	assert_null(capture_error(c, 0));
	assert_true(capture_input_packets(c, 0) == 4);
	assert_true(capture_bytes_done(c) == capture_bytes_total(c));
	assert_true(capture_drops(c) == 0);
	assert_int_equal(capture_fd(c), -1);
	/* The end stays the end. */
	assert_int_equal(capture_next(c, &pkt), 0);
	capture_close(c);
	capture_close(NULL);
}

static void
put32(uint8_t *b, size_t *off, uint32_t v)
{
	/* Little-endian section: the byte-order magic says so. */
	b[(*off)++] = (uint8_t)v;
	b[(*off)++] = (uint8_t)(v >> 8);
	b[(*off)++] = (uint8_t)(v >> 16);
	b[(*off)++] = (uint8_t)(v >> 24);
}

/*
 * A pcapng file by hand (draft-ietf-opsawg-pcapng): a Section Header
 * Block, one Interface Description Block (Ethernet, default microsecond
 * resolution) and one Enhanced Packet Block per packet.
 */
static void
write_pcapng(const char *path, int n, const uint64_t *ts,
    const uint32_t *tags)
{
	uint8_t b[1024], pkt[PKT_LEN];
	size_t off = 0, padded = (PKT_LEN + 3) & ~(size_t)3;

	put32(b, &off, 0x0a0d0d0a);		/* SHB */
	put32(b, &off, 28);
	put32(b, &off, 0x1a2b3c4d);
	put32(b, &off, 1);			/* major 1, minor 0 */
	put32(b, &off, 0xffffffff);		/* section length: unknown */
	put32(b, &off, 0xffffffff);
	put32(b, &off, 28);
	put32(b, &off, 1);			/* IDB */
	put32(b, &off, 20);
	put32(b, &off, DLT_EN10MB);		/* linktype, reserved 0 */
	put32(b, &off, 65535);
	put32(b, &off, 20);
	for (int i = 0; i < n; i++) {
		assert_true(off + 32 + padded <= sizeof(b));
		put32(b, &off, 6);		/* EPB */
		put32(b, &off, (uint32_t)(32 + padded));
		put32(b, &off, 0);		/* interface 0 */
		put32(b, &off, (uint32_t)(ts[i] >> 32));
		put32(b, &off, (uint32_t)ts[i]);
		put32(b, &off, PKT_LEN);
		put32(b, &off, PKT_LEN);
		mkpkt(pkt, 53, tags[i]);
		memset(b + off, 0, padded);
		memcpy(b + off, pkt, PKT_LEN);
		off += padded;
		put32(b, &off, (uint32_t)(32 + padded));
	}
	write_bytes(path, b, off);
}

static void
test_pcapng_merged_with_pcap(void **state)
{
	struct tmp *t = *state;
	const uint64_t tng[] = { T0 * 1000000 + 10, T0 * 1000000 + 30,
		T0 * 1000000 + 50 };
	const uint64_t tp[] = { T0 * 1000000 + 20, T0 * 1000000 + 40 };
	const uint32_t tagng[] = { 10, 30, 50 };
	const uint32_t tagp[] = { 20, 40 };
	const uint32_t want[] = { 10, 20, 30, 40, 50 };
	char ng[160], pc[160], err[256];
	char *paths[2] = { ng, pc };
	struct capture_pkt pkt;
	struct capture *c;
	int n = 0;

	path_in(t, "c.pcapng", ng, sizeof(ng));
	path_in(t, "a.pcap", pc, sizeof(pc));
	write_pcapng(ng, 3, tng, tagng);
	write_pcap(pc, 2, tp, tagp, NULL);

	c = capture_open_files(paths, 2, NULL, err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	if (capture_nerrors(c) > 0)
		fail_msg("%s", capture_error(c, 0));
	assert_int_equal(capture_linktype(c, 0), DLT_EN10MB);
	while (capture_next(c, &pkt) == 1) {
		assert_true(n < 5);
		assert_int_equal(pkt_tag(&pkt), want[n]);
		if (want[n] == 10)
			assert_true(pkt.ts == tng[0]);
		n++;
	}
	assert_int_equal(n, 5);
	capture_close(c);
}

static void
test_truncated(void **state)
{
	struct tmp *t = *state;
	uint64_t ts[5];
	uint32_t tags[5];
	char full[160], cut1[160], cut2[160], err[256];
	char *paths[3] = { cut1, cut2, full };
	struct capture_pkt pkt;
	struct capture *c;
	uint64_t size;
	int n = 0, from[3] = { 0, 0, 0 };

	for (int i = 0; i < 5; i++) {
		ts[i] = T0 * 1000000 + (uint64_t)i * 10;
		tags[i] = (uint32_t)i + 1;
	}
	path_in(t, "full.pcap", full, sizeof(full));
	path_in(t, "cut1.pcap", cut1, sizeof(cut1));
	path_in(t, "cut2.pcap", cut2, sizeof(cut2));
	write_pcap(full, 5, ts, tags, NULL);
	size = file_size(full);
	assert_true(size == 24 + 5 * (16 + PKT_LEN));
	/* Cut in the last packet's data, and in the last record header. */
	copy_prefix(full, cut1, (size_t)size - 10);
	copy_prefix(full, cut2, (size_t)size - PKT_LEN - 16 + 5);

	c = capture_open_files(paths, 3, NULL, err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	while (capture_next(c, &pkt) == 1) {
		from[pkt.input]++;
		n++;
	}
	/* Everything before the cuts, and all of the whole file. */
	assert_int_equal(from[0], 4);
	assert_int_equal(from[1], 4);
	assert_int_equal(from[2], 5);
	assert_int_equal(n, 13);
	assert_int_equal(capture_nerrors(c), 2);
	for (size_t i = 0; i < 2; i++) {
		const char *e = capture_error(c, i);

		print_message("%s\n", e);
		assert_true(has(e, i == 0 ? cut1 : cut2));
		assert_true(has(e, "truncated after 4 packets"));
	}
	assert_true(capture_bytes_done(c) == capture_bytes_total(c));
	capture_close(c);
}

static void
test_bad_files(void **state)
{
	struct tmp *t = *state;
	const uint64_t ts[] = { T0 * 1000000 };
	const uint32_t tags[] = { 42 };
	uint8_t junk[1000];
	char garbage[160], missing[160], empty[160], good[160], nopkts[160];
	char err[256];
	char *paths[5] = { missing, garbage, empty, nopkts, good };
	struct capture_pkt pkt;
	struct capture *c;
	int n = 0;

	path_in(t, "garbage.pcap", garbage, sizeof(garbage));
	path_in(t, "no-such-file.pcap", missing, sizeof(missing));
	path_in(t, "empty.pcap", empty, sizeof(empty));
	path_in(t, "nopkts.pcap", nopkts, sizeof(nopkts));
	path_in(t, "a.pcap", good, sizeof(good));
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 7 + 3);
	write_bytes(garbage, junk, sizeof(junk));
	write_bytes(empty, NULL, 0);
	write_pcap(nopkts, 0, ts, tags, NULL);
	write_pcap(good, 1, ts, tags, NULL);

	c = capture_open_files(paths, 5, "udp", err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	while (capture_next(c, &pkt) == 1) {
		assert_int_equal(pkt.input, 4);
		assert_int_equal(pkt_tag(&pkt), 42);
		n++;
	}
	assert_int_equal(n, 1);
	assert_int_equal(capture_nerrors(c), 3);
	for (size_t i = 0; i < 3; i++)
		print_message("%s\n", capture_error(c, i));
	assert_true(has(capture_error(c, 0), missing));
	assert_true(has(capture_error(c, 0), ": No such file or directory"));
	assert_true(has(capture_error(c, 1), garbage));
	assert_true(has(capture_error(c, 1), ": not a pcap or pcapng file ("));
	assert_true(has(capture_error(c, 2), empty));
	assert_true(has(capture_error(c, 2), ": empty file"));
	assert_int_equal(capture_linktype(c, 0), -1);
	assert_int_equal(capture_linktype(c, 1), -1);
	/* A capture with no packets is a valid capture. */
	assert_int_equal(capture_linktype(c, 3), DLT_EN10MB);
	capture_close(c);

	/* Nothing that can be opened: a capture that ends at once. */
	c = capture_open_files(paths, 1, NULL, err, sizeof(err));
	assert_non_null(c);
	assert_int_equal(capture_next(c, &pkt), 0);
	assert_int_equal(capture_nerrors(c), 1);
	capture_close(c);
	assert_null(capture_open_files(paths, 0, NULL, err, sizeof(err)));
}

static void
test_bad_filter(void **state)
{
	struct tmp *t = *state;
	const uint64_t ts[] = { T0 * 1000000 };
	const uint32_t tags[] = { 1 };
	char good[160], missing[160], err[256];
	char *paths[1] = { good };
	char *paths_missing[1] = { missing };
	struct capture *c;

	path_in(t, "a.pcap", good, sizeof(good));
	path_in(t, "no-such-file.pcap", missing, sizeof(missing));
	write_pcap(good, 1, ts, tags, NULL);

	c = capture_open_files(paths, 1, "udp port nope", err, sizeof(err));
	assert_null(c);
	print_message("%s\n", err);
	assert_true(has(err, "bad filter `udp port nope': "));
	/* Still fatal when no file could be opened to compile it for. */
	err[0] = '\0';
	c = capture_open_files(paths_missing, 1, "tcp and and", err,
	    sizeof(err));
	assert_null(c);
	assert_true(has(err, "bad filter `tcp and and': "));
}

static void
test_filter_keeps_some(void **state)
{
	struct tmp *t = *state;
	uint64_t ts[6];
	uint32_t tags[6];
	uint16_t ports[6];
	char path[160], err[256];
	char *paths[1] = { path };
	struct capture_pkt pkt;
	struct capture *c;
	uint32_t got[6];
	int n = 0;

	for (int i = 0; i < 6; i++) {
		ts[i] = T0 * 1000000 + (uint64_t)i;
		tags[i] = (uint32_t)i;
		ports[i] = i % 2 == 0 ? 53 : 80;
	}
	path_in(t, "ports.pcap", path, sizeof(path));
	write_pcap(path, 6, ts, tags, ports);

	c = capture_open_files(paths, 1, "udp dst port 80", err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	while (capture_next(c, &pkt) == 1) {
		assert_true(n < 6);
		got[n++] = pkt_tag(&pkt);
	}
	assert_int_equal(n, 3);
	assert_int_equal(got[0], 1);
	assert_int_equal(got[1], 3);
	assert_int_equal(got[2], 5);
	assert_int_equal(capture_nerrors(c), 0);
	capture_close(c);
}

static void
test_break_files(void **state)
{
	struct tmp *t = *state;
	const uint64_t ts[] = { T0 * 1000000, T0 * 1000000 + 1 };
	const uint32_t tags[] = { 1, 2 };
	char path[160], err[256];
	char *paths[1] = { path };
	struct capture_pkt pkt;
	struct capture *c;

	path_in(t, "a.pcap", path, sizeof(path));
	write_pcap(path, 2, ts, tags, NULL);
	c = capture_open_files(paths, 1, NULL, err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	assert_int_equal(capture_next(c, &pkt), 1);
	capture_break(c);
	assert_int_equal(capture_next(c, &pkt), 0);
	capture_close(c);
}

/* Frame i of stream s: its length and every byte follow from (s, i). */
static size_t
big_frame(unsigned s, unsigned i, uint8_t *b, size_t cap)
{
	size_t len = 60 + (i * 7919u + s * 104729u) % 9000;

	assert_true(len <= cap);
	for (size_t k = 0; k < len; k++)
		b[k] = (uint8_t)(i * 31u + k * 7u + s);
	return len;
}

/*
 * Enough data to wrap the reader thread's ring many times, in frames of
 * every size up to jumbo, from two files interleaved in time: every
 * frame arrives whole, in order, exactly once.
 */
static void
test_many_frames_through_the_ring(void **state)
{
	enum { N = 6000 };
	struct tmp *t = *state;
	static uint8_t b[9100];
	char p1[160], p2[160], err[256];
	char *paths[2] = { p1, p2 };
	unsigned next[2] = { 0, 0 };
	struct capture_pkt pkt;
	struct capture *c;

	path_in(t, "big1.pcap", p1, sizeof(p1));
	path_in(t, "big2.pcap", p2, sizeof(p2));
	for (unsigned s = 0; s < 2; s++) {
		pcap_t *p = pcap_open_dead(DLT_EN10MB, 65535);
		pcap_dumper_t *d = pcap_dump_open(p, paths[s]);
		struct pcap_pkthdr h;

		assert_non_null(d);
		for (unsigned i = 0; i < N; i++) {
			size_t len = big_frame(s, i, b, sizeof(b));

			/* File s holds the even (s = 0) or odd microseconds. */
			h.ts.tv_sec = (time_t)T0;
			h.ts.tv_usec = (suseconds_t)(2 * i + s);
			h.caplen = h.len = (bpf_u_int32)len;
			pcap_dump((u_char *)d, &h, b);
		}
		pcap_dump_close(d);
		pcap_close(p);
	}
	c = capture_open_files(paths, 2, NULL, err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	for (unsigned k = 0; k < 2 * N; k++) {
		unsigned s, i;
		size_t len;

		assert_int_equal(capture_next(c, &pkt), 1);
		s = (unsigned)pkt.input;
		i = next[s]++;
		assert_int_equal(s, k % 2);
		assert_true(pkt.ts == T0 * 1000000 + 2 * i + s);
		len = big_frame(s, i, b, sizeof(b));
		assert_int_equal(pkt.caplen, len);
		assert_int_equal(pkt.wirelen, len);
		assert_memory_equal(pkt.data, b, len);
	}
	assert_int_equal(capture_next(c, &pkt), 0);
	assert_int_equal(capture_next(c, &pkt), 0);
	assert_int_equal(capture_nerrors(c), 0);
	assert_true(capture_bytes_done(c) == capture_bytes_total(c));
	capture_close(c);
}

static struct capture *live_cap;

static void
on_alarm(int sig)
{
	(void)sig;
	if (live_cap != NULL)
		capture_break(live_cap);
}

static void
test_live_loopback(void **state)
{
	static const char msg[] = "ward-live-test";
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	struct sigaction sa, osa;
	struct capture_pkt pkt;
	char bpf[64], err[512];
	int rx, tx, found = 0;

	(void)state;
	err[0] = '\0';
	assert_null(capture_open_live("ward-nosuch0", NULL, 0, false, err,
	    sizeof(err)));
	print_message("%s\n", err);
	assert_true(has(err, "ward-nosuch0: no such device") ||
	    has(err, "ward-nosuch0: permission denied"));

	assert_true((rx = socket(AF_INET, SOCK_DGRAM, 0)) != -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(rx, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(rx, (struct sockaddr *)&sin, &slen), 0);
	snprintf(bpf, sizeof(bpf), "udp and dst port %u",
	    (unsigned)ntohs(sin.sin_port));

	live_cap = capture_open_live("lo", bpf, 0, false, err, sizeof(err));
	if (live_cap == NULL) {
		close(rx);
		if (has(err, "permission denied") ||
		    has(err, "Operation not permitted")) {
			print_message("skipping live capture: %s\n", err);
			skip();
		}
		fail_msg("%s", err);
	}
	assert_true(capture_fd(live_cap) >= 0);
	assert_int_equal(capture_linktype(live_cap, 0), DLT_EN10MB);

	assert_true((tx = socket(AF_INET, SOCK_DGRAM, 0)) != -1);
	assert_int_equal(sendto(tx, msg, sizeof(msg), 0,
	    (struct sockaddr *)&sin, sizeof(sin)), (ssize_t)sizeof(msg));

	/* A missing packet must end the test, not hang it. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGALRM, &sa, &osa), 0);
	alarm(5);
	while (!found && capture_next(live_cap, &pkt) == 1) {
		if (pkt.caplen >= sizeof(msg) &&
		    memmem(pkt.data, pkt.caplen, msg, sizeof(msg)) != NULL)
			found = 1;
	}
	assert_true(found);
	assert_true(pkt.ts > T0 * 1000000);

	/* A quiet link: with idle ticks on, the read timeout returns. */
	capture_idle_ticks(live_cap, true);
	alarm(5);
	assert_int_equal(capture_next(live_cap, &pkt), CAPTURE_IDLE);
	alarm(0);
	capture_idle_ticks(live_cap, false);

	/* Broken from a signal while blocked: returns 0, stays stopped. */
	alarm(1);
	assert_int_equal(capture_next(live_cap, &pkt), 0);
	assert_int_equal(capture_next(live_cap, &pkt), 0);
	alarm(0);
	sigaction(SIGALRM, &osa, NULL);
	print_message("live drops: %llu\n",
	    (unsigned long long)capture_drops(live_cap));
	assert_int_equal(capture_nerrors(live_cap), 0);
	assert_true(capture_bytes_total(live_cap) == 0);
	capture_close(live_cap);
	live_cap = NULL;
	close(tx);
	close(rx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_merge_two_files,
		    tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_pcapng_merged_with_pcap,
		    tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_truncated,
		    tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_bad_files,
		    tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_bad_filter,
		    tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_filter_keeps_some,
		    tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(
		    test_many_frames_through_the_ring, tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_break_files,
		    tmp_setup, tmp_teardown),
		cmocka_unit_test(test_live_loopback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
