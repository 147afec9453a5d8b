/*
 * test_proto_http.c - the HTTP/1.x dissector: requests and responses split
 * at every byte, chunked bodies, pipelining with HEAD, Basic credentials
 * (the password never reported), a STOW-RS multipart body carrying Part 10
 * files, and every malformation.
 */
#include "stream_test.h"

static const char req_get[] =
    "GET /wado?requestType=WADO&studyUID=1.2.3&token=abc123 HTTP/1.1\r\n"
    "Host: pacs.example:8080\r\n"
    "User-Agent: curl/7.88.1\r\n"
    "Accept: */*\r\n"
    "\r\n";

static const char resp_ok[] =
    "HTTP/1.1 200 OK\r\n"
    "Server: Orthanc/1.12\r\n"
    "Content-Type: application/dicom\r\n"
    "Content-Length: 5\r\n"
    "\r\n"
    "hello";

static void
check_get(const struct sess *s)
{
	const struct observation *o = nth(&s->fx, OBS_HTTP, 0);

	assert_non_null(o);
	assert_str(o, "type", "request");
	assert_str(o, "method", "GET");
	/* The token's value is masked. */
	assert_str(o, "uri", "/wado?requestType=WADO&studyUID=1.2.3&token=*");
	assert_str(o, "host", "pacs.example:8080");
	assert_str(o, "user_agent", "curl/7.88.1");
	assert_str(o, "version", "1.1");
	assert_subject_ip(o, CLIENT_IP);
}

static void
check_ok(const struct sess *s, size_t i)
{
	const struct observation *o = nth(&s->fx, OBS_HTTP, i);

	assert_non_null(o);
	assert_str(o, "type", "response");
	assert_int_equal(get_u64(o, "status"), 200);
	assert_str(o, "reason", "OK");
	assert_str(o, "server", "Orthanc/1.12");
	assert_str(o, "content_type", "application/dicom");
	assert_int_equal(get_u64(o, "content_length"), 5);
	assert_subject_ip(o, SERVER_IP);
}

static void
test_split_everywhere(void **state)
{
	(void)state;
	for (size_t k = 0; k <= sizeof(req_get) - 1; k++) {
		struct sess s;

		sess_init(&s, &dissector_http, 8080);
		sess_split(&s, 0, req_get, sizeof(req_get) - 1, k);
		sess_split(&s, 1, resp_ok, sizeof(resp_ok) - 1,
		    k % sizeof(resp_ok));
		/* A second response on the same connection: framing held. */
		sess_str(&s, 0, req_get);
		sess_send(&s, 1, resp_ok, sizeof(resp_ok) - 1, 1);
		assert_int_equal(count_kind(&s.fx, OBS_HTTP), 4);
		check_get(&s);
		check_ok(&s, 1);
		check_ok(&s, 3);
		assert_int_equal(malform_total(&s.fx.mal), 0);
		sess_free(&s);
	}
}

static void
test_chunked_and_pipelined(void **state)
{
	struct sess s;
	const struct observation *o;

	(void)state;
	sess_init(&s, &dissector_http, 80);
	sess_str(&s, 0, "GET /a HTTP/1.1\r\nHost: h\r\n\r\n"
	    "HEAD /b HTTP/1.1\r\nHost: h\r\n\r\n"
	    "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "4;ext=1\r\nabcd\r\n10\r\n0123456789abcdef\r\n0\r\nX-T: 1\r\n\r\n"
	    "GET /d HTTP/1.0\r\n\r\n");
	/* Chunked, then a HEAD answer with a length but no body, then 204. */
	static const char resp[] =
	    "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
	    "5\r\nhello\r\n0\r\n\r\n"
	    "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
	    "HTTP/1.1 100 Continue\r\n\r\n"
	    "HTTP/1.1 204 No Content\r\n\r\n"
	    "HTTP/1.0 404 Not Found\r\nServer: x\r\n\r\ngone";
	sess_send(&s, 1, resp, sizeof(resp) - 1, 3);
	sess_end(&s);
	assert_int_equal(malform_total(&s.fx.mal), 0);
	assert_int_equal(count_kind(&s.fx, OBS_HTTP), 9);
	assert_str(nth(&s.fx, OBS_HTTP, 2), "uri", "/c");
	assert_true(get_bool(nth(&s.fx, OBS_HTTP, 2), "chunked"));
	assert_str(nth(&s.fx, OBS_HTTP, 3), "uri", "/d");
	assert_str(nth(&s.fx, OBS_HTTP, 3), "version", "1.0");
	o = nth(&s.fx, OBS_HTTP, 4);
	assert_true(get_bool(o, "chunked"));
	assert_int_equal(get_u64(nth(&s.fx, OBS_HTTP, 5), "content_length"),
	    1000);
	assert_int_equal(get_u64(nth(&s.fx, OBS_HTTP, 6), "status"), 100);
	assert_int_equal(get_u64(nth(&s.fx, OBS_HTTP, 7), "status"), 204);
	o = nth(&s.fx, OBS_HTTP, 8);
	assert_int_equal(get_u64(o, "status"), 404);
	assert_str(o, "reason", "Not Found");
	assert_str(o, "server", "x");
	sess_free(&s);
}

static void
test_basic_auth(void **state)
{
	struct sess s;
	const struct observation *o;

	(void)state;
	sess_init(&s, &dissector_http, 80);
	/* alice:s3cret-pw */
	static const char req[] = "GET /private HTTP/1.1\r\nHost: pacs\r\n"
	    "Authorization: Basic YWxpY2U6czNjcmV0LXB3\r\n\r\n";
	sess_send(&s, 0, req, sizeof(req) - 1, 7);
	sess_str(&s, 1, "HTTP/1.1 401 Unauthorized\r\n"
	    "WWW-Authenticate: Basic realm=\"PACS admin\", charset=\"UTF-8\"\r\n"
	    "Content-Length: 0\r\n\r\n");
	assert_int_equal(malform_total(&s.fx.mal), 0);
	o = nth(&s.fx, OBS_HTTP, 0);
	assert_str(o, "auth_scheme", "Basic");
	o = nth(&s.fx, OBS_CREDENTIAL, 0);
	assert_non_null(o);
	assert_str(o, "protocol", "http");
	assert_str(o, "scheme", "basic");
	assert_str(o, "user", "alice");
	assert_true(get_bool(o, "password"));
	assert_str(o, "target", "pacs");
	assert_subject_ip(o, CLIENT_IP);
	o = nth(&s.fx, OBS_HTTP, 1);
	assert_str(o, "realm", "PACS admin");
	assert_str(o, "auth_scheme", "Basic");
	assert_secret_absent(&s.fx, "s3cret");
	assert_secret_absent(&s.fx, "YWxpY2U6czNjcmV0LXB3");
	sess_free(&s);
}

static void
test_uri_secrets(void **state)
{
	struct sess s;

	(void)state;
	sess_init(&s, &dissector_http, 80);
	sess_str(&s, 0, "GET http://bob:hunter2@proxy.example/x?a=1&"
	    "password=hunter2&api_key=k HTTP/1.1\r\n\r\n");
	assert_str(nth(&s.fx, OBS_HTTP, 0), "uri",
	    "http://bob:*@proxy.example/x?a=1&password=*&api_key=*");
	assert_secret_absent(&s.fx, "hunter2");
	sess_free(&s);
}

/* A STOW-RS upload: three Part 10 files in a multipart/related body. */
static void
test_stow_multipart(void **state)
{
	static const char *kinds[] = { "pe", "elf", "zero" };
	struct msg body, head;
	char line[128];

	(void)state;
	memset(&body, 0, sizeof(body));
	for (size_t i = 0; i < 3; i++) {
		static const char ph[] = "--BOUNDARY42\r\n"
		    "Content-Type: application/dicom\r\n\r\n";

		if (i > 0)
			putbytes(&body, "\r\n", 2);
		putbytes(&body, ph, sizeof(ph) - 1);
		put_part10(&body, kinds[i]);
	}
	putbytes(&body, "\r\n--BOUNDARY42--\r\n", 18);

	for (size_t step = 1; step <= 1500; step = step * 3 + 1) {
		struct sess s;
		const struct observation *o;

		memset(&head, 0, sizeof(head));
		static const char hl[] =
		    "POST /dicomweb/studies HTTP/1.1\r\nHost: p\r\n"
		    "Content-Type: multipart/related; type=\"application/dicom\""
		    "; boundary=BOUNDARY42\r\n";
		putbytes(&head, hl, sizeof(hl) - 1);
		int k = snprintf(line, sizeof(line),
		    "Content-Length: %zu\r\n\r\n", body.n);
		putbytes(&head, line, (size_t)k);
		sess_init(&s, &dissector_http, 8042);
		sess_send(&s, 0, head.b, head.n, step);
		sess_send(&s, 0, body.b, body.n, step);
		sess_str(&s, 0, "GET / HTTP/1.1\r\n\r\n");
		assert_int_equal(malform_total(&s.fx.mal), 0);
		assert_int_equal(count_kind(&s.fx, OBS_HTTP), 2);
		assert_int_equal(count_kind(&s.fx, OBS_DICOM_FILE), 3);
		for (size_t i = 0; i < 3; i++) {
			o = nth(&s.fx, OBS_DICOM_FILE, i);
			assert_str(o, "carrier", "http");
			assert_str(o, "preamble", kinds[i]);
			assert_int_equal(get_bool(o, "cve_2019_11687"), i < 2);
			assert_int_equal(get_u64(o, "part"), i + 1);
			assert_str(o, "sop_class", SOP_CT);
			assert_str(o, "transfer_syntax", TS_EXPLICIT);
			assert_str(o, "impl_version", "OFFIS_DCMTK_365");
			assert_subject_ip(o, CLIENT_IP);
		}
		sess_free(&s);
	}
}

/* WADO: a chunked response body that is one Part 10 file. */
static void
test_wado_chunked(void **state)
{
	struct msg f;
	struct sess s;
	char hex[16];
	const struct observation *o;

	(void)state;
	memset(&f, 0, sizeof(f));
	put_part10(&f, "macho");
	sess_init(&s, &dissector_http, 80);
	sess_str(&s, 0, "GET /wado HTTP/1.1\r\n\r\n");
	sess_str(&s, 1, "HTTP/1.1 200 OK\r\nContent-Type: application/dicom"
	    "\r\nTransfer-Encoding: chunked\r\n\r\n");
	/* Chunks of 100 bytes. */
	for (size_t off = 0; off < f.n; off += 100) {
		size_t k = f.n - off < 100 ? f.n - off : 100;

		snprintf(hex, sizeof(hex), "%zx\r\n", k);
		sess_str(&s, 1, hex);
		sess_send(&s, 1, f.b + off, k, 0);
		sess_str(&s, 1, "\r\n");
	}
	sess_str(&s, 1, "0\r\n\r\n");
	assert_int_equal(malform_total(&s.fx.mal), 0);
	o = nth(&s.fx, OBS_DICOM_FILE, 0);
	assert_non_null(o);
	assert_str(o, "preamble", "macho");
	assert_true(get_bool(o, "cve_2019_11687"));
	assert_null(obs_get(o, "part"));
	assert_subject_ip(o, SERVER_IP);
	sess_free(&s);
}

struct bad_case {
	const char	*in;
	int		 dir;
	enum malform	 k;
};

static void
test_malformed(void **state)
{
	static const struct bad_case cases[] = {
		{ "GET\r\n\r\n", 0, MAL_HTTP_BAD_REQUEST_LINE },
		{ "GET / HTTP/2.0\r\n\r\n", 0, MAL_HTTP_BAD_REQUEST_LINE },
		{ "GET  / HTTP/1.1\r\n\r\n", 0, MAL_HTTP_BAD_REQUEST_LINE },
		{ "HTTP/1.1 2x0 OK\r\n\r\n", 1, MAL_HTTP_BAD_STATUS_LINE },
		{ "HTTP/1.1 200OK\r\n\r\n", 1, MAL_HTTP_BAD_STATUS_LINE },
		{ "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 0,
		    MAL_HTTP_BAD_HEADER },
		{ "GET / HTTP/1.1\r\nno colon\r\n\r\n", 0,
		    MAL_HTTP_BAD_HEADER },
		{ "POST / HTTP/1.1\r\nContent-Length: 12a\r\n\r\n", 0,
		    MAL_HTTP_BAD_CONTENT_LENGTH },
		{ "POST / HTTP/1.1\r\nContent-Length: 1\r\n"
		    "Content-Length: 2\r\n\r\n", 0,
		    MAL_HTTP_BAD_CONTENT_LENGTH },
		{ "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "zz\r\n", 0, MAL_HTTP_BAD_CHUNK },
		{ "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "fffffffffffffffff\r\n", 0, MAL_HTTP_BAD_CHUNK },
		{ "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "2\r\nabcd\r\n", 0, MAL_HTTP_BAD_CHUNK },
		{ "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 0,
		    MAL_HTTP_BAD_CHUNK },
		{ "GET / HTTP/1.1\r\nAuthorization: Basic !!!\r\n\r\n", 0,
		    MAL_HTTP_BAD_AUTH },
		{ "GET / HTTP/1.1\r\nAuthorization: Basic bm9jb2xvbg==\r\n\r\n",
		    0, MAL_HTTP_BAD_AUTH },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sess s;

		sess_init(&s, &dissector_http, 80);
		sess_str(&s, cases[i].dir, cases[i].in);
		/* Once lost, nothing more is parsed or counted. */
		if (cases[i].k != MAL_HTTP_BAD_HEADER &&
		    cases[i].k != MAL_HTTP_BAD_AUTH)
			sess_str(&s, cases[i].dir, "\r\n\r\nGET x\r\n\r\n");
		assert_malformed(&s.fx, cases[i].k, 1);
		sess_free(&s);
	}
}

static void
test_header_too_long(void **state)
{
	struct sess s;
	char fill[1000];

	(void)state;
	memset(fill, 'a', sizeof(fill) - 3);
	memcpy(fill + sizeof(fill) - 3, "\r\n", 3);
	fill[0] = 'X';
	fill[1] = ':';
	sess_init(&s, &dissector_http, 80);
	sess_str(&s, 0, "GET / HTTP/1.1\r\n");
	for (int i = 0; i < 20; i++)
		sess_str(&s, 0, fill);
	assert_malformed(&s.fx, MAL_HTTP_HEADER_TOO_LONG, 1);
	assert_int_equal(count_kind(&s.fx, OBS_HTTP), 0);
	sess_free(&s);

	/* One line longer than the cap, in one piece with no LF. */
	sess_init(&s, &dissector_http, 80);
	{
		size_t n = 20000;
		char *big = malloc(n);

		assert_non_null(big);
		memset(big, 'b', n);
		memcpy(big, "GET /", 5);
		sess_send(&s, 0, big, n, 0);
		free(big);
	}
	assert_malformed(&s.fx, MAL_HTTP_HEADER_TOO_LONG, 1);
	sess_free(&s);
}

static void
test_long_uri(void **state)
{
	struct sess s;
	char line[3000];
	const struct observation *o;

	(void)state;
	memset(line, 'u', sizeof(line));
	memcpy(line, "GET /", 5);
	memcpy(line + sizeof(line) - 13, " HTTP/1.1\r\n\r\n", 13);
	sess_init(&s, &dissector_http, 80);
	sess_send(&s, 0, line, sizeof(line), 0);
	o = nth(&s.fx, OBS_HTTP, 0);
	assert_non_null(o);
	assert_int_equal(strlen(obs_get_str(o, "uri")), 512);
	assert_int_equal(get_u64(o, "uri_len"), sizeof(line) - 13 - 4);
	assert_null(obs_get(o, "version"));
	assert_int_equal(malform_total(&s.fx.mal), 0);
	sess_free(&s);
}

static void
test_probe(void **state)
{
	(void)state;
	assert_true(dissector_http.probe((const uint8_t *)"GET / HTTP/1.1",
	    14, 0));
	assert_true(dissector_http.probe((const uint8_t *)"PROPFIND /x", 11,
	    0));
	assert_true(dissector_http.probe((const uint8_t *)"HTTP/1.1 200", 12,
	    1));
	assert_true(dissector_http.probe((const uint8_t *)"OPTIONS * HTTP",
	    14, 0));
	assert_true(dissector_http.probe((const uint8_t *)"CONNECT a:443",
	    13, 0));
	assert_false(dissector_http.probe((const uint8_t *)"GET", 3, 0));
	assert_false(dissector_http.probe((const uint8_t *)"get / ", 6, 0));
	assert_false(dissector_http.probe((const uint8_t *)"SSH-2.0-x", 9,
	    0));
	assert_false(dissector_http.probe((const uint8_t *)"\x16\x03\x01", 3,
	    0));
}

static void
test_upgrade_stops(void **state)
{
	struct sess s;

	(void)state;
	sess_init(&s, &dissector_http, 80);
	sess_str(&s, 0, "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n");
	sess_str(&s, 1, "HTTP/1.1 101 Switching Protocols\r\n\r\n");
	sess_str(&s, 1, "\x81\x05hello garbage\r\n\r\n");
	sess_str(&s, 0, "\x81\x85masked\r\n\r\n");
	assert_int_equal(count_kind(&s.fx, OBS_HTTP), 2);
	assert_int_equal(malform_total(&s.fx.mal), 0);
	sess_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_everywhere),
		cmocka_unit_test(test_chunked_and_pipelined),
		cmocka_unit_test(test_basic_auth),
		cmocka_unit_test(test_uri_secrets),
		cmocka_unit_test(test_stow_multipart),
		cmocka_unit_test(test_wado_chunked),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_header_too_long),
		cmocka_unit_test(test_long_uri),
		cmocka_unit_test(test_probe),
		cmocka_unit_test(test_upgrade_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
