/*
 * test_proto_dns.c - DNS, mDNS and LLMNR messages built byte by byte, and
 * the observations and malformations they give.
 */
#include "proto_test.h"

static void
dns_header(struct msg *m, unsigned int id, unsigned int flags,
    unsigned int qd, unsigned int an, unsigned int ns, unsigned int ar)
{
	put16(m, id);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, ns);
	put16(m, ar);
}

/* Name, type, class, TTL, then the caller writes RDLENGTH and RDATA. */
static void
rr_head(struct msg *m, const char *name, unsigned int type,
    unsigned int class, uint32_t ttl)
{
	putlabels(m, name, 1);
	put16(m, type);
	put16(m, class);
	put32(m, ttl);
}

static void
test_query(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };
	const struct observation *o;

	(void)state;
	fixture_init(&fx, "10.0.0.5", "10.0.0.1", 40000, 53, IPPROTO_UDP_);
	dns_header(&m, 0x1234, 0x0100, 1, 0, 0, 0);
	putlabels(&m, "www.example.com", 1);
	put16(&m, 1);
	put16(&m, 1);
	assert_true(dissector_dns.probe(m.b, m.n, 0));
	run_datagram(&fx, &dissector_dns, &m);

	assert_int_equal(fx.col->n, 1);
	o = nth(&fx, OBS_DNS, 0);
	assert_non_null(o);
	assert_str(o, "query", "www.example.com");
	assert_int_equal(get_u64(o, "qtype"), 1);
	assert_int_equal(get_u64(o, "id"), 0x1234);
	assert_null(obs_get(o, "unicast"));
	assert_subject_ip(o, "10.0.0.5");
	assert_true(o->has_mac);
	assert_malformed(&fx, MAL_DNS_TRUNCATED, 0);
	fixture_free(&fx);
}

static void
test_response_compressed(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };
	const struct observation *o;
	static const uint8_t a[4] = { 93, 184, 216, 34 };
	size_t web;

	(void)state;
	fixture_init(&fx, "10.0.0.1", "10.0.0.5", 53, 40000, IPPROTO_UDP_);
	dns_header(&m, 7, 0x8180, 1, 2, 1, 0);
	putlabels(&m, "www.example.com", 1);	/* at offset 12 */
	put16(&m, 1);
	put16(&m, 1);
	/* www.example.com CNAME web.example.com (compressed). */
	put16(&m, 0xc00c);
	put16(&m, 5);
	put16(&m, 1);
	put32(&m, 300);
	put16(&m, 6);
	web = m.n;
	put8(&m, 3);
	putbytes(&m, "web", 3);
	put16(&m, 0xc010);			/* example.com */
	/* web.example.com A (pointer to the CNAME target). */
	put16(&m, 0xc000 | (unsigned int)web);
	put16(&m, 1);
	put16(&m, 1);
	put32(&m, 60);
	put16(&m, 4);
	putbytes(&m, a, 4);
	/* An authority NS record: walked, not reported. */
	put16(&m, 0xc010);
	put16(&m, 2);
	put16(&m, 1);
	put32(&m, 3600);
	put16(&m, 2);
	put16(&m, 0xc010);
	run_datagram(&fx, &dissector_dns, &m);

	assert_int_equal(fx.col->n, 2);
	o = nth(&fx, OBS_DNS, 0);
	assert_str(o, "name", "www.example.com");
	assert_int_equal(get_u64(o, "rrtype"), 5);
	assert_int_equal(get_u64(o, "ttl"), 300);
	assert_str(o, "target", "web.example.com");
	assert_int_equal(get_u64(o, "rcode"), 0);
	assert_int_equal(get_u64(o, "id"), 7);
	assert_subject_ip(o, "10.0.0.1");

	o = nth(&fx, OBS_DNS, 1);
	assert_str(o, "name", "web.example.com");
	assert_int_equal(get_u64(o, "rrtype"), 1);
	assert_addr(o, "addr", "93.184.216.34");
	/* A remote address: the subject, without the server's MAC. */
	assert_subject_ip(o, "93.184.216.34");
	assert_false(o->has_mac);
	assert_malformed(&fx, MAL_DNS_TRUNCATED, 0);
	fixture_free(&fx);
}

/* An mDNS announcement as Avahi sends it for a printer. */
static void
mdns_response(struct msg *m)
{
	static const uint8_t a[4] = { 192, 168, 1, 5 };
	static const uint8_t aaaa[16] = { 0xfe, 0x80, 0, 0, 0, 0, 0, 0,
		0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55 };
	size_t ipp, inst;

	dns_header(m, 0, 0x8400, 0, 5, 0, 1);
	rr_head(m, "printer.local", 1, 0x8001, 120);	/* at 12 */
	put16(m, 4);
	putbytes(m, a, 4);
	put16(m, 0xc00c);
	put16(m, 28);
	put16(m, 0x8001);
	put32(m, 120);
	put16(m, 16);
	putbytes(m, aaaa, 16);
	rr_head(m, "5.1.168.192.in-addr.arpa", 12, 0x8001, 120);
	put16(m, 2);
	put16(m, 0xc00c);
	ipp = m->n;
	rr_head(m, "_ipp._tcp.local", 12, 1, 4500);
	/* "Office._ipp._tcp.local": label, then a pointer to _ipp. */
	put16(m, 9);
	inst = m->n;
	put8(m, 6);
	putbytes(m, "Office", 6);
	put16(m, 0xc000 | (unsigned int)ipp);
	/* The SRV record, owner the instance name. */
	put16(m, 0xc000 | (unsigned int)inst);
	put16(m, 33);
	put16(m, 0x8001);
	put32(m, 120);
	put16(m, 8);
	put16(m, 0);
	put16(m, 0);
	put16(m, 631);
	put16(m, 0xc00c);
	/* Additional: TXT of the instance. */
	put16(m, 0xc000 | (unsigned int)inst);
	put16(m, 16);
	put16(m, 0x8001);
	put32(m, 4500);
	put16(m, 27);
	put8(m, 6);
	putbytes(m, "rp=ipp", 6);
	put8(m, 19);
	putbytes(m, "ty=HP LaserJet 4250", 19);
}

static void
test_mdns_response(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };
	const struct observation *o;

	(void)state;
	fixture_init(&fx, "192.168.1.5", "224.0.0.251", 5353, 5353,
	    IPPROTO_UDP_);
	mdns_response(&m);
	assert_true(dissector_mdns.probe(m.b, m.n, 0));
	run_datagram(&fx, &dissector_mdns, &m);

	assert_malformed(&fx, MAL_DNS_TRUNCATED, 0);
	assert_int_equal(count_kind(&fx, OBS_MDNS), 6);

	o = nth(&fx, OBS_MDNS, 0);
	assert_str(o, "name", "printer.local");
	assert_addr(o, "addr", "192.168.1.5");
	assert_true(get_bool(o, "cache_flush"));
	/* The sender's own address: the subject carries its MAC. */
	assert_subject_ip(o, "192.168.1.5");
	assert_true(o->has_mac);
	assert_int_equal(o->mac[5], 0x55);

	o = nth(&fx, OBS_MDNS, 1);
	assert_int_equal(get_u64(o, "rrtype"), 28);
	assert_addr(o, "addr", "fe80::211:22ff:fe33:4455");
	assert_subject_ip(o, "fe80::211:22ff:fe33:4455");
	assert_false(o->has_mac);

	o = nth(&fx, OBS_MDNS, 2);
	assert_str(o, "name", "5.1.168.192.in-addr.arpa");
	assert_str(o, "target", "printer.local");
	assert_subject_ip(o, "192.168.1.5");
	assert_true(o->has_mac);

	o = nth(&fx, OBS_MDNS, 3);
	assert_str(o, "name", "_ipp._tcp.local");
	assert_str(o, "target", "Office._ipp._tcp.local");
	assert_false(get_bool(o, "cache_flush"));
	assert_int_equal(get_u64(o, "ttl"), 4500);

	o = nth(&fx, OBS_MDNS, 4);
	assert_str(o, "name", "Office._ipp._tcp.local");
	assert_int_equal(get_u64(o, "rrtype"), 33);
	assert_int_equal(get_u64(o, "port"), 631);
	assert_str(o, "target", "printer.local");

	o = nth(&fx, OBS_MDNS, 5);
	assert_int_equal(get_u64(o, "rrtype"), 16);
	assert_str(o, "txt", "rp=ipp;ty=HP LaserJet 4250");
	assert_str(o, "model", "HP LaserJet 4250");
	fixture_free(&fx);
}

/* A TXT record of owner name with the strings of txt (split at '|'). */
static void
txt_rr(struct msg *m, const char *name, const char *txt)
{
	size_t at;
	const char *p = txt, *bar;

	rr_head(m, name, 16, 0x8001, 4500);
	at = m->n;
	put16(m, 0);
	while (*p != '\0') {
		size_t n = (bar = strchr(p, '|')) != NULL ? (size_t)(bar - p) :
		    strlen(p);

		put8(m, (unsigned int)n);
		putbytes(m, p, n);
		p += n + (bar != NULL);
	}
	m->b[at] = (uint8_t)((m->n - at - 2) >> 8);
	m->b[at + 1] = (uint8_t)(m->n - at - 2);
}

/* DNS-SD TXT keys that carry a model, by service (RFC 6763 section 6). */
static void
test_mdns_txt_model(void **state)
{
	static const struct {
		const char *name, *txt, *model;
	} c[] = {
		{ "Reading Room._device-info._tcp.local",
		    "model=MacBookPro18,3|osxvers=21", "MacBookPro18,3" },
		{ "Chromecast-1a2b._googlecast._tcp.local",
		    "id=1a2b|md=Chromecast Ultra|fn=Ward 3", "Chromecast Ultra" },
		{ "Ward Lab._printer._tcp.local",
		    "txtvers=1|product=(Zebra ZD620)", "Zebra ZD620" },
		{ "Ward Lab._ipps._tcp.local",
		    "product=(Zebra)|TY=Zebra ZD620-203dpi", "Zebra ZD620-203dpi" },
		{ "A1B2C3@Lounge._raop._udp.local",
		    "am=AppleTV6,2|model=x", "AppleTV6,2" },
		{ "Lounge._companion-link._tcp.local", "RPMD=AppleTV14,1",
		    "AppleTV14,1" },
		{ "Bridge._hap._tcp.local", "c#=2|md=Infusion Hub", "Infusion Hub" },
		{ "Lounge._airplay._tcp.local", "model=AppleTV6,2", "AppleTV6,2" },
		/* Not a service with a model key, not a key, empty, no proto. */
		{ "Web._http._tcp.local", "model=NotAModel", NULL },
		{ "Pump._device-info._tcp.local", "modelx=1|xmodel=2", NULL },
		{ "Pump._device-info._tcp.local", "model=", NULL },
		{ "Pump._device-info.local", "model=Alaris 8015", NULL },
		{ "_device-info._tcp.local", "model=Alaris 8015", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct fixture fx;
		struct msg m = { .n = 0 };
		const struct observation *o;

		fixture_init(&fx, "192.168.1.5", "224.0.0.251", 5353, 5353,
		    IPPROTO_UDP_);
		dns_header(&m, 0, 0x8400, 0, 1, 0, 0);
		txt_rr(&m, c[i].name, c[i].txt);
		run_datagram(&fx, &dissector_mdns, &m);
		assert_int_equal(malform_total(&fx.mal), 0);
		o = nth(&fx, OBS_MDNS, 0);
		assert_non_null(o);
		if (c[i].model != NULL)
			assert_str(o, "model", c[i].model);
		else
			assert_null(obs_get(o, "model"));
		assert_subject_ip(o, "192.168.1.5");
		fixture_free(&fx);
	}
}

/* Unicast DNS TXT records are not read for a model. */
static void
test_dns_txt_no_model(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };

	(void)state;
	fixture_init(&fx, "10.0.0.1", "10.0.0.5", 53, 40000, IPPROTO_UDP_);
	dns_header(&m, 9, 0x8180, 0, 1, 0, 0);
	txt_rr(&m, "Pump._device-info._tcp.example.org", "model=Alaris 8015");
	run_datagram(&fx, &dissector_dns, &m);
	assert_null(obs_get(nth(&fx, OBS_DNS, 0), "model"));
	fixture_free(&fx);
}

static void
test_mdns_query_qu(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };
	const struct observation *o;

	(void)state;
	fixture_init(&fx, "192.168.1.9", "224.0.0.251", 5353, 5353,
	    IPPROTO_UDP_);
	/* Two questions and a known answer, which is not reported. */
	dns_header(&m, 0, 0, 2, 1, 0, 0);
	putlabels(&m, "_ipp._tcp.local", 1);
	put16(&m, 12);
	put16(&m, 0x8001);
	put8(&m, 4);
	putbytes(&m, "_ssh", 4);
	put16(&m, 0xc000 | 17);		/* _tcp.local */
	put16(&m, 12);
	put16(&m, 1);
	put16(&m, 0xc00c);
	put16(&m, 12);
	put16(&m, 1);
	put32(&m, 4500);
	put16(&m, 2);
	put16(&m, 0xc00c);
	run_datagram(&fx, &dissector_mdns, &m);

	assert_int_equal(fx.col->n, 2);
	o = nth(&fx, OBS_MDNS, 0);
	assert_str(o, "query", "_ipp._tcp.local");
	assert_true(get_bool(o, "unicast"));
	o = nth(&fx, OBS_MDNS, 1);
	assert_str(o, "query", "_ssh._tcp.local");
	assert_false(get_bool(o, "unicast"));
	fixture_free(&fx);
}

static void
test_llmnr(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };
	const struct observation *o;
	static const uint8_t a[4] = { 10, 1, 2, 3 };

	(void)state;
	fixture_init(&fx, "10.1.2.3", "10.1.2.50", 5355, 51000, IPPROTO_UDP_);
	/* A cooked (SLL) capture knows only the sender's MAC. */
	fx.pkt.flags = PKT_SRC_MAC | PKT_IP | PKT_L4;
	dns_header(&m, 0xbeef, 0x8000, 1, 1, 0, 0);
	putlabels(&m, "WS-042", 1);
	put16(&m, 1);
	put16(&m, 1);
	put16(&m, 0xc00c);
	put16(&m, 1);
	put16(&m, 1);
	put32(&m, 30);
	put16(&m, 4);
	putbytes(&m, a, 4);
	run_datagram(&fx, &dissector_llmnr, &m);

	assert_int_equal(fx.col->n, 1);
	o = nth(&fx, OBS_LLMNR, 0);
	assert_non_null(o);
	assert_str(o, "name", "WS-042");
	assert_addr(o, "addr", "10.1.2.3");
	assert_true(o->has_mac);
	fixture_free(&fx);
}

/* A name that points at itself, forwards, or back into a loop. */
static void
test_bad_pointers(void **state)
{
	static const unsigned int ptrs[] = { 12, 13, 40 };
	struct fixture fx;
	struct msg m;

	(void)state;
	for (size_t i = 0; i < sizeof(ptrs) / sizeof(ptrs[0]); i++) {
		fixture_init(&fx, "10.0.0.5", "10.0.0.1", 1, 53, IPPROTO_UDP_);
		m.n = 0;
		dns_header(&m, 1, 0x0100, 1, 0, 0, 0);
		put16(&m, 0xc000 | ptrs[i]);
		put16(&m, 1);
		put16(&m, 1);
		putzero(&m, 40);
		run_datagram(&fx, &dissector_dns, &m);
		assert_malformed(&fx, MAL_DNS_BAD_NAME, 1);
		assert_int_equal(count_kind(&fx, OBS_DNS), 0);
		fixture_free(&fx);
	}

	/* "ab" then a pointer back to "ab": backwards, yet a loop. */
	fixture_init(&fx, "10.0.0.5", "10.0.0.1", 1, 53, IPPROTO_UDP_);
	m.n = 0;
	dns_header(&m, 1, 0x0100, 1, 0, 0, 0);
	put8(&m, 2);
	putbytes(&m, "ab", 2);
	put16(&m, 0xc00c);
	put16(&m, 1);
	put16(&m, 1);
	run_datagram(&fx, &dissector_dns, &m);
	assert_malformed(&fx, MAL_DNS_BAD_NAME, 1);
	fixture_free(&fx);

	/* Two names pointing at each other: the first pointer is forward. */
	fixture_init(&fx, "10.0.0.5", "10.0.0.1", 1, 53, IPPROTO_UDP_);
	m.n = 0;
	dns_header(&m, 1, 0x0100, 2, 0, 0, 0);
	put8(&m, 1);
	putbytes(&m, "a", 1);
	put16(&m, 0xc000 | 22);		/* forward, to the second name */
	put16(&m, 1);
	put16(&m, 1);
	put8(&m, 1);			/* at 22 */
	putbytes(&m, "b", 1);
	put16(&m, 0xc00c);
	put16(&m, 1);
	put16(&m, 1);
	run_datagram(&fx, &dissector_dns, &m);
	assert_malformed(&fx, MAL_DNS_BAD_NAME, 1);
	fixture_free(&fx);
}

static void
test_bad_labels(void **state)
{
	struct fixture fx;
	struct msg m;

	(void)state;
	/* Extended label type 0x40. */
	fixture_init(&fx, "10.0.0.5", "10.0.0.1", 1, 53, IPPROTO_UDP_);
	m.n = 0;
	dns_header(&m, 1, 0x0100, 1, 0, 0, 0);
	put8(&m, 0x41);
	putzero(&m, 70);
	run_datagram(&fx, &dissector_dns, &m);
	assert_malformed(&fx, MAL_DNS_BAD_NAME, 1);
	fixture_free(&fx);

	/* 5 labels of 63: 320 bytes, over 255. */
	fixture_init(&fx, "10.0.0.5", "10.0.0.1", 1, 53, IPPROTO_UDP_);
	m.n = 0;
	dns_header(&m, 1, 0x0100, 1, 0, 0, 0);
	for (int i = 0; i < 5; i++) {
		put8(&m, 63);
		for (int j = 0; j < 63; j++)
			put8(&m, 'x');
	}
	put8(&m, 0);
	put16(&m, 1);
	put16(&m, 1);
	run_datagram(&fx, &dissector_dns, &m);
	assert_malformed(&fx, MAL_DNS_BAD_NAME, 1);
	fixture_free(&fx);

	/* 4 labels of 63 and the root: 257 bytes, still over. */
	fixture_init(&fx, "10.0.0.5", "10.0.0.1", 1, 53, IPPROTO_UDP_);
	m.n = 0;
	dns_header(&m, 1, 0x0100, 1, 0, 0, 0);
	for (int i = 0; i < 4; i++) {
		put8(&m, 63);
		for (int j = 0; j < 63; j++)
			put8(&m, 'x');
	}
	put8(&m, 0);
	put16(&m, 1);
	put16(&m, 1);
	run_datagram(&fx, &dissector_dns, &m);
	assert_malformed(&fx, MAL_DNS_BAD_NAME, 1);
	fixture_free(&fx);

	/* 3 of 63 and one of 61: 255 exactly, accepted. */
	fixture_init(&fx, "10.0.0.5", "10.0.0.1", 1, 53, IPPROTO_UDP_);
	m.n = 0;
	dns_header(&m, 1, 0x0100, 1, 0, 0, 0);
	for (int i = 0; i < 4; i++) {
		put8(&m, i < 3 ? 63 : 61);
		for (int j = 0; j < (i < 3 ? 63 : 61); j++)
			put8(&m, 'x');
	}
	put8(&m, 0);
	put16(&m, 1);
	put16(&m, 1);
	run_datagram(&fx, &dissector_dns, &m);
	assert_malformed(&fx, MAL_DNS_BAD_NAME, 0);
	assert_int_equal(strlen(obs_get_str(nth(&fx, OBS_DNS, 0), "query")),
	    253);
	fixture_free(&fx);

	/* A NUL byte inside a label. */
	fixture_init(&fx, "10.0.0.5", "10.0.0.1", 1, 53, IPPROTO_UDP_);
	m.n = 0;
	dns_header(&m, 1, 0x0100, 1, 0, 0, 0);
	put8(&m, 3);
	putbytes(&m, "a\0b", 3);
	put8(&m, 0);
	put16(&m, 1);
	put16(&m, 1);
	run_datagram(&fx, &dissector_dns, &m);
	assert_malformed(&fx, MAL_DNS_BAD_NAME, 1);
	fixture_free(&fx);
}

static void
test_bad_record(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };
	const struct observation *o;

	(void)state;
	fixture_init(&fx, "10.0.0.1", "10.0.0.5", 53, 1, IPPROTO_UDP_);
	dns_header(&m, 1, 0x8180, 0, 2, 0, 0);
	rr_head(&m, "a.example", 1, 1, 5);
	put16(&m, 5);				/* an A of 5 bytes */
	putzero(&m, 5);
	rr_head(&m, "b.example", 1, 1, 5);
	put16(&m, 4);
	put32(&m, 0x0a000009);
	run_datagram(&fx, &dissector_dns, &m);
	assert_malformed(&fx, MAL_DNS_BAD_RECORD, 1);
	/* The bad record spoils only itself. */
	assert_int_equal(count_kind(&fx, OBS_DNS), 1);
	o = nth(&fx, OBS_DNS, 0);
	assert_str(o, "name", "b.example");
	assert_addr(o, "addr", "10.0.0.9");
	fixture_free(&fx);
}

static void
test_truncations(void **state)
{
	struct msg m = { .n = 0 };
	size_t bad;

	(void)state;
	mdns_response(&m);
	bad = run_prefixes(&dissector_mdns, &m, "192.168.1.5", "224.0.0.251",
	    5353, 5353);
	/* Every strict prefix is cut inside some record. */
	assert_int_equal(bad, m.n);

	/* The header alone: truncated, counted once. */
	{
		struct fixture fx;
		struct msg h = { .n = 0 };

		fixture_init(&fx, "10.0.0.1", "10.0.0.5", 53, 1,
		    IPPROTO_UDP_);
		putzero(&h, 11);
		run_datagram(&fx, &dissector_dns, &h);
		assert_malformed(&fx, MAL_DNS_TRUNCATED, 1);
		fixture_free(&fx);
	}
}

static void
test_record_cap(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };

	(void)state;
	fixture_init(&fx, "10.0.0.1", "10.0.0.5", 53, 1, IPPROTO_UDP_);
	dns_header(&m, 1, 0x8180, 1, 200, 0, 0);
	putlabels(&m, "x", 1);
	put16(&m, 1);
	put16(&m, 1);
	for (int i = 0; i < 200; i++) {
		put16(&m, 0xc00c);
		put16(&m, 1);
		put16(&m, 1);
		put32(&m, 1);
		put16(&m, 4);
		put32(&m, 0x0a000000 + (uint32_t)i);
	}
	run_datagram(&fx, &dissector_dns, &m);
	assert_int_equal(count_kind(&fx, OBS_DNS), 63);
	assert_int_equal(malform_total(&fx.mal), 0);
	fixture_free(&fx);
}

/* Two messages with their TCP length prefixes. */
static void
tcp_pair(struct msg *m)
{
	for (int i = 0; i < 2; i++) {
		size_t start = m->n;

		put16(m, 0);
		dns_header(m, 100 + (unsigned int)i, 0x0100, 1, 0, 0, 0);
		putlabels(m, i == 0 ? "one.example" : "two.example", 1);
		put16(m, 1);
		put16(m, 1);
		m->b[start] = (uint8_t)((m->n - start - 2) >> 8);
		m->b[start + 1] = (uint8_t)(m->n - start - 2);
	}
}

static void
test_tcp_stream(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };
	void *st;

	(void)state;
	tcp_pair(&m);
	assert_true(dissector_dns_tcp.probe(m.b, m.n, 0));
	assert_true(dissector_dns_tcp.probe(m.b, 2, 0));

	/* All at once. */
	fixture_init(&fx, "10.0.0.5", "10.0.0.1", 40000, 53, IPPROTO_TCP_);
	st = calloc(1, dissector_dns_tcp.state_size);
	dissector_dns_tcp.stream(&fx.ctx, st, m.b, m.n);
	assert_int_equal(count_kind(&fx, OBS_DNS), 2);
	assert_str(nth(&fx, OBS_DNS, 1), "query", "two.example");
	dissector_dns_tcp.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);

	/* One byte at a time. */
	fixture_init(&fx, "10.0.0.5", "10.0.0.1", 40000, 53, IPPROTO_TCP_);
	st = calloc(1, dissector_dns_tcp.state_size);
	for (size_t i = 0; i < m.n; i++)
		dissector_dns_tcp.stream(&fx.ctx, st, m.b + i, 1);
	assert_int_equal(count_kind(&fx, OBS_DNS), 2);
	assert_str(nth(&fx, OBS_DNS, 0), "query", "one.example");
	assert_int_equal(get_u64(nth(&fx, OBS_DNS, 1), "id"), 101);
	assert_int_equal(malform_total(&fx.mal), 0);

	/* A gap loses the framing: the direction is abandoned. */
	dissector_dns_tcp.gap(&fx.ctx, st);
	dissector_dns_tcp.stream(&fx.ctx, st, m.b, m.n);
	assert_int_equal(count_kind(&fx, OBS_DNS), 2);
	/* The other direction is unaffected. */
	fx.ctx.dir = 1;
	dissector_dns_tcp.stream(&fx.ctx, st, m.b, m.n);
	assert_int_equal(count_kind(&fx, OBS_DNS), 4);
	dissector_dns_tcp.end(&fx.ctx, st);
	free(st);
	fixture_free(&fx);
}

/* A response longer than the TCP buffer: parsed up to the cap, silently. */
static void
test_tcp_large(void **state)
{
	struct fixture fx;
	uint8_t *big;
	size_t n = 0, total = 20000;
	void *st;
	int recs = 0;

	(void)state;
	big = calloc(1, total + 2);
	assert_non_null(big);
	big[n++] = (uint8_t)(total >> 8);
	big[n++] = (uint8_t)total;
	/* Header: response, 1 question, 1000 answers (capped at 63). */
	big[n++] = 0;
	big[n++] = 9;
	big[n++] = 0x81;
	big[n++] = 0x80;
	big[n++] = 0;
	big[n++] = 1;
	big[n++] = 0x03;
	big[n++] = 0xe8;
	n += 4;
	big[n++] = 1;
	big[n++] = 'x';
	big[n++] = 0;
	big[n++] = 0;
	big[n++] = 16;
	big[n++] = 0;
	big[n++] = 1;
	while (n + 2 + 10 + 255 <= total + 2) {
		big[n++] = 0xc0;
		big[n++] = 12;
		big[n++] = 0;
		big[n++] = 16;
		big[n++] = 0;
		big[n++] = 1;
		n += 4;
		big[n++] = 0;
		big[n++] = 255;
		big[n++] = 254;
		n += 254;
		recs++;
	}
	assert_true(recs > 63);
	fixture_init(&fx, "10.0.0.1", "10.0.0.5", 53, 40000, IPPROTO_TCP_);
	fx.ctx.dir = 1;
	st = calloc(1, dissector_dns_tcp.state_size);
	dissector_dns_tcp.stream(&fx.ctx, st, big, total + 2);
	/* 8192 bytes hold 30 records and a part; the cut is not malformed. */
	assert_int_equal(count_kind(&fx, OBS_DNS), (8192 - 19) / 267);
	assert_int_equal(malform_total(&fx.mal), 0);
	/* The next message is framed correctly after the skipped tail. */
	{
		struct msg m = { .n = 0 };

		tcp_pair(&m);
		dissector_dns_tcp.stream(&fx.ctx, st, m.b, m.n);
		assert_int_equal(count_kind(&fx, OBS_DNS),
		    (8192 - 19) / 267 + 2);
	}
	dissector_dns_tcp.end(&fx.ctx, st);
	free(st);
	free(big);
	fixture_free(&fx);
}

static void
test_table(void **state)
{
	size_t n = 0;
	bool dns_udp = false, dns_tcp = false;

	(void)state;
	for (const struct dissector *const *d = proto_dissectors; *d != NULL;
	    d++, n++) {
		assert_non_null((*d)->name);
		if (strcmp((*d)->name, "dns") == 0) {
			if ((*d)->l4proto == IPPROTO_UDP_)
				dns_udp = (*d)->datagram != NULL;
			else
				dns_tcp = (*d)->stream != NULL;
		}
		/* Each has exactly the callbacks of its transport. */
		if ((*d)->l4proto == IPPROTO_UDP_)
			assert_non_null((*d)->datagram);
		else
			assert_true((*d)->stream != NULL &&
			    (*d)->state_size > 0);
	}
	assert_true(dns_udp && dns_tcp);
	assert_true(n >= 9);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_response_compressed),
		cmocka_unit_test(test_mdns_response),
		cmocka_unit_test(test_mdns_query_qu),
		cmocka_unit_test(test_mdns_txt_model),
		cmocka_unit_test(test_dns_txt_no_model),
		cmocka_unit_test(test_llmnr),
		cmocka_unit_test(test_bad_pointers),
		cmocka_unit_test(test_bad_labels),
		cmocka_unit_test(test_bad_record),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_record_cap),
		cmocka_unit_test(test_tcp_stream),
		cmocka_unit_test(test_tcp_large),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
