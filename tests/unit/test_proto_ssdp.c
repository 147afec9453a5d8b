/*
 * test_proto_ssdp.c - SSDP searches, announcements and answers, and every
 * malformation.
 */
#include "wire_test.h"

static void
run(struct fixture *fx, const char *text)
{
	struct msg m = { .n = 0 };

	putstr(&m, text);
	run_datagram(fx, &dissector_ssdp, &m);
}

static void
test_msearch(void **state)
{
	struct fixture fx;
	const struct observation *o;
	static const char s[] = "M-SEARCH * HTTP/1.1\r\n"
	    "HOST: 239.255.255.250:1900\r\n"
	    "MAN: \"ssdp:discover\"\r\n"
	    "MX: 2\r\n"
	    "ST: urn:schemas-upnp-org:device:MediaServer:1\r\n"
	    "user-agent: Linux/6.1 UPnP/2.0 Ward/1.0\r\n\r\n";

	(void)state;
	assert_true(dissector_ssdp.probe((const uint8_t *)s, strlen(s), 0));
	fixture_init(&fx, "10.0.0.5", "239.255.255.250", 40000, 1900,
	    IPPROTO_UDP_);
	run(&fx, s);
	assert_int_equal(count_kind(&fx, OBS_SSDP), 1);
	o = nth(&fx, OBS_SSDP, 0);
	assert_str(o, "method", "M-SEARCH");
	assert_str(o, "man", "\"ssdp:discover\"");
	assert_int_equal(get_u64(o, "mx"), 2);
	assert_str(o, "st", "urn:schemas-upnp-org:device:MediaServer:1");
	assert_str(o, "user_agent", "Linux/6.1 UPnP/2.0 Ward/1.0");
	assert_subject_ip(o, "10.0.0.5");
	assert_malformed(&fx, MAL_SSDP_BAD_HEADER, 0);
	fixture_free(&fx);
}

static void
test_notify_and_answer(void **state)
{
	struct fixture fx;
	const struct observation *o;
	static const char n[] = "NOTIFY * HTTP/1.1\r\n"
	    "HOST: 239.255.255.250:1900\r\n"
	    "CACHE-CONTROL: max-age = 1800\r\n"
	    "LOCATION: http://10.0.0.9:49152/desc.xml\r\n"
	    "NT: upnp:rootdevice\r\n"
	    "NTS: ssdp:alive\r\n"
	    "SERVER: Linux/3.10 UPnP/1.0 Infusion/2.1\r\n"
	    "USN: uuid:1234::upnp:rootdevice\r\n"
	    "USN: uuid:ignored\r\n\r\n";
	static const char r[] = "HTTP/1.1 200 OK\r\n"
	    "CACHE-CONTROL: max-age=120\r\n"
	    "ST: upnp:rootdevice\r\n"
	    "USN: uuid:abcd::upnp:rootdevice\n"
	    "EXT:\r\n"
	    "Server: Pump/1\r\n"
	    "LOCATION: http://10.0.0.9/d.xml\r\n\r\n";

	(void)state;
	assert_true(dissector_ssdp.probe((const uint8_t *)r, strlen(r), 1));
	assert_false(dissector_ssdp.probe((const uint8_t *)"HTTP/1.1 200 OK"
	    "\r\nContent-Length: 0\r\n\r\n", 37, 1));
	fixture_init(&fx, "10.0.0.9", "239.255.255.250", 1900, 1900,
	    IPPROTO_UDP_);
	run(&fx, n);
	run(&fx, r);
	assert_int_equal(count_kind(&fx, OBS_SSDP), 2);
	o = nth(&fx, OBS_SSDP, 0);
	assert_str(o, "method", "NOTIFY");
	assert_str(o, "cache_control", "max-age = 1800");
	assert_int_equal(get_u64(o, "max_age"), 1800);
	assert_str(o, "location", "http://10.0.0.9:49152/desc.xml");
	assert_str(o, "nt", "upnp:rootdevice");
	assert_str(o, "nts", "ssdp:alive");
	assert_str(o, "server", "Linux/3.10 UPnP/1.0 Infusion/2.1");
	assert_str(o, "usn", "uuid:1234::upnp:rootdevice");
	o = nth(&fx, OBS_SSDP, 1);
	assert_str(o, "method", "response");
	assert_int_equal(get_u64(o, "status"), 200);
	assert_int_equal(get_u64(o, "max_age"), 120);
	assert_str(o, "st", "upnp:rootdevice");
	assert_str(o, "usn", "uuid:abcd::upnp:rootdevice");
	assert_str(o, "server", "Pump/1");
	assert_malformed(&fx, MAL_SSDP_BAD_HEADER, 0);
	fixture_free(&fx);
}

static void
expect_bad(const char *text, enum malform k, size_t obs)
{
	struct fixture fx;

	fixture_init(&fx, "10.0.0.9", "239.255.255.250", 1900, 1900,
	    IPPROTO_UDP_);
	run(&fx, text);
	assert_malformed(&fx, k, 1);
	assert_int_equal(count_kind(&fx, OBS_SSDP), obs);
	fixture_free(&fx);
}

static void
test_malformed(void **state)
{
	struct msg m = { .n = 0 };

	(void)state;
	expect_bad("GET / HTTP/1.1\r\n\r\n", MAL_SSDP_BAD_START, 0);
	expect_bad("", MAL_SSDP_BAD_START, 0);
	expect_bad("HTTP/1.1\r\n\r\n", MAL_SSDP_BAD_START, 0);
	expect_bad("HTTP/1.1 2x0 OK\r\n\r\n", MAL_SSDP_BAD_START, 0);
	/* A header line without a colon stops the headers; the rest is
	 * still reported. */
	expect_bad("NOTIFY * HTTP/1.1\r\nNT: a\r\nbroken line\r\nUSN: b\r\n",
	    MAL_SSDP_BAD_HEADER, 1);
	expect_bad("NOTIFY * HTTP/1.1\r\n: empty name\r\n",
	    MAL_SSDP_BAD_HEADER, 1);
	/* Every prefix of an announcement: no crash. */
	putstr(&m, "NOTIFY * HTTP/1.1\r\nCACHE-CONTROL: max-age=9\r\nMX: 3\r\n"
	    "USN: x\r\n\r\n");
	(void)run_prefixes(&dissector_ssdp, &m, "10.0.0.9",
	    "239.255.255.250", 1900, 1900);
}

static void
test_caps(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };
	const struct observation *o;

	(void)state;
	putstr(&m, "NOTIFY * HTTP/1.1\r\n");
	for (int i = 0; i < 40; i++)
		putstr(&m, "X-Filler: 1\r\n");
	putstr(&m, "USN: too-late\r\nSERVER: ");
	for (int i = 0; i < 600; i++)
		put8(&m, 'a');
	putstr(&m, "\r\n");
	fixture_init(&fx, "10.0.0.9", "239.255.255.250", 1900, 1900,
	    IPPROTO_UDP_);
	run_datagram(&fx, &dissector_ssdp, &m);
	o = nth(&fx, OBS_SSDP, 0);
	assert_non_null(o);
	assert_null(obs_get(o, "usn"));
	assert_int_equal(malform_total(&fx.mal), 0);
	fixture_free(&fx);
	/* A long value is cut at 512 bytes. */
	m.n = 0;
	putstr(&m, "NOTIFY * HTTP/1.1\r\nSERVER: ");
	for (int i = 0; i < 600; i++)
		put8(&m, 'a');
	putstr(&m, "\r\nmx: 99999999999\r\n");
	fixture_init(&fx, "10.0.0.9", "239.255.255.250", 1900, 1900,
	    IPPROTO_UDP_);
	run_datagram(&fx, &dissector_ssdp, &m);
	o = nth(&fx, OBS_SSDP, 0);
	assert_int_equal(strlen(obs_get_str(o, "server")), 512);
	assert_null(obs_get(o, "mx"));
	fixture_free(&fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msearch),
		cmocka_unit_test(test_notify_and_answer),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_caps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
