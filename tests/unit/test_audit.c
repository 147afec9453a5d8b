/*
 * test_audit.c - ward audit's pure parts: the allow-list, targets, the
 * credential file (every mistake named by file, line and key), the plan
 * (per-model entries first, fewer guesses than the lockout, the cap), the
 * attempt log's lines, and the FTP, HTTP and Telnet reply parsers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ward-config.h"
#include "ward/audit.h"

static struct audit_allow *
allow(const char *text, char *err, size_t len)
{
	return audit_allow_parse(text, strlen(text), "allow.txt", err, len);
}

static bool
permits(const struct audit_allow *al, const char *a, uint16_t port)
{
	struct ward_addr addr;

	assert_int_equal(addr_parse(a, &addr), 0);
	return audit_allow_permits(al, &addr, port);
}

static void
test_allow(void **state)
{
	struct audit_allow *al;
	char err[256];

	(void)state;
	al = allow("# lab\n10.0.0.5 22,80\n10.1.0.0/16 8000-8100\n"
	    "fd00::/64\n\n192.168.1.7   # every port\n", err, sizeof(err));
	if (al == NULL)
		fail_msg("%s", err);
	assert_int_equal(audit_allow_count(al), 4);
	assert_true(permits(al, "10.0.0.5", 22));
	assert_true(permits(al, "10.0.0.5", 80));
	assert_false(permits(al, "10.0.0.5", 23));
	assert_false(permits(al, "10.0.0.6", 22));
	assert_true(permits(al, "10.1.255.3", 8000));
	assert_true(permits(al, "10.1.0.1", 8100));
	assert_false(permits(al, "10.1.0.1", 8101));
	assert_false(permits(al, "10.2.0.1", 8000));
	assert_true(permits(al, "fd00::1234", 5432));
	assert_false(permits(al, "fd00:0:0:1::1", 5432));
	assert_true(permits(al, "192.168.1.7", 1));
	/* An IPv4-looking IPv6 address is not the IPv4 one. */
	assert_false(permits(al, "::ffff:10.0.0.5", 22));
	assert_false(audit_allow_permits(NULL, NULL, 0));
	audit_allow_free(al);
	audit_allow_free(NULL);
}

static void
test_allow_errors(void **state)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "", "allow.txt: no address in the allow-list" },
		{ "# only a comment\n", "allow.txt: no address" },
		{ "10.0.0.1\npacs.local\n", "allow.txt:2: 'pacs.local' is not "
		    "an IPv4 or IPv6 address (host names are not allowed)" },
		{ "10.0.0.0/33\n", "allow.txt:1: '/33' is not a prefix length "
		    "0-32" },
		{ "0.0.0.0/0\n", "allow.txt:1: '0.0.0.0/0' would allow every "
		    "address" },
		{ "10.0.0.1 22,x\n", "allow.txt:1: 'x' is not a port" },
		{ "10.0.0.1 0\n", "allow.txt:1: '0' is not a port" },
		{ "10.0.0.1 90-80\n", "allow.txt:1: range 90-80 is empty" },
		{ "10.0.0.1 22 23\n", "allow.txt:1: expected 'ADDR[/PREFIX] "
		    "[PORTS]'" },
	};
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_null(allow(bad[i].text, err, sizeof(err)));
		if (strstr(err, bad[i].msg) == NULL)
			fail_msg("%zu: '%s' lacks '%s'", i, err, bad[i].msg);
	}
}

static void
test_targets(void **state)
{
	struct audit_target t, *v = NULL;
	char *words[] = { "vendor=Philips", "model=IntelliVue" };
	char err[256];
	size_t n = 0;
	const char *file = "# pumps\nssh://10.0.0.5 vendor=Philips "
	    "model=IntelliVue\n\ntomcat://[fd00::5]:8443\n"
	    "http://10.0.0.7:8080/admin/\npostgres://10.0.0.8 tls=1\n";

	(void)state;
	assert_int_equal(audit_target_parse("ssh://10.0.0.5", words, 2, &t,
	    err, sizeof(err)), 0);
	assert_int_equal(t.proto, AUDIT_SSH);
	assert_int_equal(t.port, 22);
	assert_string_equal(t.vendor, "Philips");
	assert_string_equal(t.model, "IntelliVue");
	assert_string_equal(t.name, "ssh://10.0.0.5:22");
	assert_int_equal(audit_targets_parse(file, strlen(file), "t.txt", &v,
	    &n, err, sizeof(err)), 0);
	assert_int_equal(n, 4);
	assert_string_equal(v[0].model, "IntelliVue");
	assert_int_equal(v[1].proto, AUDIT_TOMCAT);
	assert_int_equal(v[1].port, 8443);
	assert_string_equal(v[1].path, "/manager/html");
	assert_string_equal(v[1].name, "tomcat://[fd00::5]:8443");
	assert_string_equal(v[2].path, "/admin/");
	assert_int_equal(v[2].port, 8080);
	assert_int_equal(v[3].proto, AUDIT_PGSQL);
	assert_true(v[3].tls);
	free(v);

	assert_int_equal(audit_target_parse("weblogic://10.0.0.9", NULL, 0,
	    &t, err, sizeof(err)), 0);
	assert_string_equal(t.path, "/console/j_security_check");
	assert_int_equal(t.port, 7001);

	static const struct {
		const char *url, *msg;
	} bad[] = {
		{ "10.0.0.5", "is not PROTO://ADDR" },
		{ "smb://10.0.0.5", "unknown protocol 'smb'" },
		{ "ssh://pump.local", "'pump.local' is not an IPv4 or IPv6 "
		    "address (host names are not allowed)" },
		{ "ssh://10.0.0.5:0", "'0' is not a port" },
		{ "ssh://10.0.0.5:99999", "'99999' is not a port" },
		{ "ssh://[fd00::5", "no ']'" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(audit_target_parse(bad[i].url, NULL, 0, &t,
		    err, sizeof(err)), -1);
		if (strstr(err, bad[i].msg) == NULL)
			fail_msg("%s: '%s' lacks '%s'", bad[i].url, err,
			    bad[i].msg);
	}
	{
		char *w[] = { "color=red" };

		assert_int_equal(audit_target_parse("ssh://10.0.0.5", w, 1,
		    &t, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "unknown key 'color'"));
	}
	v = NULL;
	n = 0;
	assert_int_equal(audit_targets_parse("ssh://10.0.0.1\nftp://x\n", 22,
	    "t.txt", &v, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "t.txt:2: 'ftp://x': 'x' is not"));
	free(v);
}

static struct audit_creds *
creds(const char *text, char *err, size_t len)
{
	return audit_creds_parse(text, strlen(text), "c.yaml", err, len);
}

static const char creds_text[] =
    "version: 1\n"
    "credentials:\n"
    "  - id: gen-admin\n"		/* line 3 */
    "    protocols: any\n"
    "    user: admin\n"
    "    password: admin\n"
    "    lockout: 5\n"
    "    source: generic\n"
    "  - id: acme-pump-svc\n"		/* line 9 */
    "    vendor: Acme\n"
    "    model: Pump 3\n"
    "    protocols: [ssh, telnet]\n"
    "    user: service\n"
    "    password: \"\"\n"
    "    lockout: 4\n"
    "    source: Acme Pump 3 service manual, section 7\n"
    "    remediation: Ask Acme for the service password procedure.\n"
    "  - id: acme-any\n"			/* line 18 */
    "    vendor: acme\n"
    "    protocols: ssh\n"
    "    user: acme\n"
    "    password: acme\n"
    "    lockout: 10\n"
    "    source: Acme advisory\n"
    "  - id: gen-dup\n"			/* same pair as gen-admin */
    "    protocols: ssh\n"
    "    user: admin\n"
    "    password: admin\n"
    "    lockout: 6\n"
    "    source: a copy\n"
    "  - id: gen-root\n"
    "    protocols: [ssh, ftp]\n"
    "    user: root\n"
    "    password: root\n"
    "    lockout: 3\n"
    "    source: generic\n"
    "  - id: ftp-only\n"
    "    protocols: ftp\n"
    "    user: ftp\n"
    "    password: ftp\n"
    "    lockout: 3\n"
    "    source: generic\n";

static void
test_creds(void **state)
{
	struct audit_creds *cs;
	char err[256];

	(void)state;
	if ((cs = creds(creds_text, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	assert_int_equal(cs->n, 6);
	assert_string_equal(cs->v[0].id, "gen-admin");
	assert_null(cs->v[0].vendor);
	assert_int_equal(cs->v[0].protos, (1U << AUDIT_NPROTO) - 1);
	assert_string_equal(cs->v[1].model, "Pump 3");
	assert_string_equal(cs->v[1].password, "");
	assert_int_equal(cs->v[1].protos, (1U << AUDIT_SSH) |
	    (1U << AUDIT_TELNET));
	assert_int_equal(cs->v[1].lockout, 4);
	assert_int_equal(cs->v[1].line, 9);
	assert_string_equal(cs->v[1].remediation,
	    "Ask Acme for the service password procedure.");
	audit_creds_free(cs);
	audit_creds_free(NULL);
}

static void target(struct audit_target *, const char *, const char *,
    const char *);

/* The shipped file loads, and every entry says where it comes from. */
static void
test_creds_shipped(void **state)
{
	struct audit_creds *cs;
	char err[256];

	(void)state;
	if ((cs = audit_creds_load(WARD_AUDIT_CREDS_SRC, err,
	    sizeof(err))) == NULL)
		fail_msg("%s", err);
	assert_true(cs->n >= 10);
	for (size_t i = 0; i < cs->n; i++) {
		assert_true(strlen(cs->v[i].source) > 10);
		assert_true(cs->v[i].lockout >= 2);
	}
	/*
	 * A Tomcat manager is Apache Tomcat and a WebLogic console Oracle
	 * WebLogic without being told: their defaults come first, under
	 * their lockout (5: 4 guesses, the cap 4).
	 */
	{
		struct audit_target t;
		struct audit_plan p;

		target(&t, "tomcat://10.0.0.5:8080", NULL, NULL);
		audit_plan_make(cs, &t, 4, &p);
		assert_int_equal(p.lockout, 5);
		assert_int_equal(p.limit, 4);
		assert_string_equal(p.c[0]->id,
		    "tomcat-windows-installer-admin-empty");
		assert_int_equal(p.tier[0], AUDIT_TIER_MODEL);
		assert_string_equal(p.c[2]->id, "tomcat-docs-tomcat-s3cret");
		target(&t, "weblogic://10.0.0.5:7001", NULL, NULL);
		audit_plan_make(cs, &t, 4, &p);
		assert_string_equal(p.c[0]->id, "weblogic-examples-welcome1");
		/* A Tomcat said to be another product is not Tomcat. */
		target(&t, "tomcat://10.0.0.5:8080", "Acme", "Box");
		audit_plan_make(cs, &t, 4, &p);
		assert_true(p.n == 0 ||
		    strncmp(p.c[0]->id, "tomcat-", 7) != 0);
	}
	audit_creds_free(cs);
}

static void
test_creds_errors(void **state)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "version: 1\ncredentials:\n  - id: a\n    protocols: ssh\n"
		    "    user: u\n    password: p\n    lockout: 3\n"
		    "    sorce: x\n", "c.yaml:8: credential 'a': unknown key "
		    "'sorce'" },
		{ "version: 1\ncredentials:\n  - id: a\n    protocols: ssh\n"
		    "    user: u\n    password: p\n    lockout: 3\n",
		    "c.yaml:3: credential 'a': no 'source'" },
		{ "version: 1\ncredentials:\n  - id: a\n    protocols: ssh\n"
		    "    user: u\n    lockout: 3\n    source: s\n",
		    "c.yaml:3: credential 'a': no 'password'" },
		{ "version: 1\ncredentials:\n  - id: a\n    protocols: smb\n"
		    "    user: u\n    password: p\n    lockout: 3\n"
		    "    source: s\n", "c.yaml:4: credential 'a': 'protocols': "
		    "'smb' is not" },
		{ "version: 1\ncredentials:\n  - id: a\n    protocols: ssh\n"
		    "    user: u\n    password: p\n    lockout: 0\n"
		    "    source: s\n", "c.yaml:7: credential 'a': 'lockout' "
		    "must be a number of failed logins, 1 to 1000" },
		{ "version: 1\ncredentials:\n  - id: a\n    protocols: ssh\n"
		    "    user: u\n    password: p\n    lockout: five\n"
		    "    source: s\n", "c.yaml:7: credential 'a': 'lockout'" },
		{ "version: 1\ncredentials:\n  - id: a\n    model: M\n"
		    "    protocols: ssh\n    user: u\n    password: p\n"
		    "    lockout: 3\n    source: s\n", "c.yaml:3: credential "
		    "'a': 'model' without 'vendor'" },
		{ "version: 1\ncredentials:\n  - id: a\n    protocols: ssh\n"
		    "    user: u\n    password: p\n    lockout: 3\n"
		    "    source: s\n  - id: a\n    protocols: ssh\n"
		    "    user: v\n    password: p\n    lockout: 3\n"
		    "    source: s\n", "c.yaml:9: credential 'a': the id is "
		    "used on line 3 too" },
		{ "version: 1\ncredentials:\n  - protocols: ssh\n",
		    "c.yaml:3: a credential without an 'id'" },
		{ "version: 1\ncredentials:\n  - id: a b\n",
		    "c.yaml:3: credential 'a b': 'id' may hold" },
		{ "version: 1\ncredentials:\n  - id: a\n    user: [x]\n",
		    "c.yaml:4: credential 'a': 'user' must be a string" },
		{ "version: 1\ncredentials:\n  - id: a\n    user: x\n"
		    "    user: y\n", "c.yaml:5: credential 'a': 'user' given "
		    "twice" },
		{ "version: 2\ncredentials: []\n", "c.yaml:1: 'version' must "
		    "be 1" },
		{ "version: 1\ncreds: []\n", "c.yaml:2: unknown top-level key "
		    "'creds'" },
		{ "version: 1\ncredentials: [\n", "c.yaml:" },
	};
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_null(creds(bad[i].text, err, sizeof(err)));
		if (strstr(err, bad[i].msg) == NULL)
			fail_msg("%zu: '%s' lacks '%s'", i, err, bad[i].msg);
	}
}

static void
target(struct audit_target *t, const char *url, const char *vendor,
    const char *model)
{
	char err[256];

	assert_int_equal(audit_target_parse(url, NULL, 0, t, err,
	    sizeof(err)), 0);
	if (vendor != NULL)
		(void)snprintf(t->vendor, sizeof(t->vendor), "%s", vendor);
	if (model != NULL)
		(void)snprintf(t->model, sizeof(t->model), "%s", model);
}

static void
test_plan(void **state)
{
	struct audit_creds *cs;
	struct audit_target t;
	struct audit_plan p;
	char err[256];

	(void)state;
	if ((cs = creds(creds_text, err, sizeof(err))) == NULL)
		fail_msg("%s", err);

	/* Named model: its entries first, its lockout (4) rules: 3. */
	target(&t, "ssh://10.0.0.5", "ACME", "pump 3");
	audit_plan_make(cs, &t, 0, &p);
	assert_int_equal(p.lockout, 4);
	assert_int_equal(p.limit, 3);
	assert_int_equal(p.n, 3);
	assert_string_equal(p.c[0]->id, "acme-pump-svc");
	assert_int_equal(p.tier[0], AUDIT_TIER_MODEL);
	assert_string_equal(p.c[1]->id, "acme-any");
	assert_int_equal(p.tier[1], AUDIT_TIER_VENDOR);
	assert_string_equal(p.c[2]->id, "gen-admin");
	assert_int_equal(p.tier[2], AUDIT_TIER_GENERIC);

	/* The cap. */
	audit_plan_make(cs, &t, 2, &p);
	assert_int_equal(p.limit, 2);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.c[1]->id, "acme-any");

	/* Vendor known, model not: the vendor's lockout (10). */
	target(&t, "ssh://10.0.0.5", "Acme", "Pump 4");
	audit_plan_make(cs, &t, 0, &p);
	assert_int_equal(p.lockout, 10);
	assert_int_equal(p.limit, 9);
	/* gen-dup repeats admin/admin: planned once. */
	assert_int_equal(p.n, 3);
	assert_string_equal(p.c[0]->id, "acme-any");
	assert_string_equal(p.c[1]->id, "gen-admin");
	assert_string_equal(p.c[2]->id, "gen-root");

	/* Unknown device: the smallest generic lockout (gen-root's 3). */
	target(&t, "ssh://10.0.0.5", NULL, NULL);
	audit_plan_make(cs, &t, 0, &p);
	assert_int_equal(p.lockout, 3);
	assert_int_equal(p.limit, 2);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.c[0]->id, "gen-admin");
	assert_string_equal(p.c[1]->id, "gen-root");

	/* Protocols filter: Telnet has the model entry and gen-admin. */
	target(&t, "telnet://10.0.0.5", "Acme", "Pump 3");
	audit_plan_make(cs, &t, 0, &p);
	assert_int_equal(p.n, 2);
	assert_string_equal(p.c[0]->id, "acme-pump-svc");
	assert_string_equal(p.c[1]->id, "gen-admin");

	/* Nothing applies to MySQL but gen-admin (lockout 5). */
	target(&t, "mysql://10.0.0.5", NULL, NULL);
	audit_plan_make(cs, &t, 3, &p);
	assert_int_equal(p.lockout, 5);
	assert_int_equal(p.limit, 3);
	assert_int_equal(p.n, 1);
	audit_creds_free(cs);

	/* Lockout 1: not a single guess. */
	cs = creds("version: 1\ncredentials:\n  - id: a\n    protocols: ftp\n"
	    "    user: u\n    password: p\n    lockout: 1\n    source: s\n",
	    err, sizeof(err));
	assert_non_null(cs);
	target(&t, "ftp://10.0.0.5", NULL, NULL);
	audit_plan_make(cs, &t, 0, &p);
	assert_int_equal(p.lockout, 1);
	assert_int_equal(p.limit, 0);
	assert_int_equal(p.n, 0);
	audit_creds_free(cs);

	/* No file: no plan. */
	audit_plan_make(NULL, &t, 0, &p);
	assert_int_equal(p.n, 0);
}

static void
test_attempt_json(void **state)
{
	struct audit_target t;
	struct audit_attempt a;
	char buf[1024];
	int n;

	(void)state;
	target(&t, "ftp://10.0.0.5:2121", NULL, NULL);
	memset(&a, 0, sizeof(a));
	a.time_usec = 1700000000123456ULL;
	a.target = &t;
	a.n = 2;
	a.conn = 1;
	a.entry = "gen-admin";
	a.user = "ad\"min";
	a.result = AUDIT_DENIED;
	a.detail = "530\x01";
	a.duration_usec = 12345;
	n = audit_attempt_json(&a, buf, sizeof(buf));
	assert_true(n > 0);
	assert_string_equal(buf, "{\"time\":\"2023-11-14T22:13:20.123456Z\","
	    "\"target\":\"ftp://10.0.0.5:2121\",\"protocol\":\"ftp\","
	    "\"address\":\"10.0.0.5\",\"port\":2121,\"attempt\":2,"
	    "\"connection\":1,\"entry\":\"gen-admin\",\"user\":\"ad\\\"min\","
	    "\"result\":\"denied\",\"detail\":\"530\\u0001\","
	    "\"duration_ms\":12.345}\n");
	assert_int_equal((size_t)n, strlen(buf));
	/* A probe: no entry, no user. */
	a.entry = NULL;
	a.user = NULL;
	a.n = 0;
	assert_true(audit_attempt_json(&a, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "\"entry\":null,\"user\":null"));
	/* Too small a buffer. */
	assert_int_equal(audit_attempt_json(&a, buf, 40), -1);
}

static int
ftp(const char *s, unsigned *code, size_t *used)
{
	struct cursor c = cur_make(s, strlen(s));

	return audit_ftp_reply(&c, code, used);
}

static void
test_ftp_reply(void **state)
{
	unsigned code;
	size_t used;
	char big[AUDIT_FTP_LINE_MAX + 16];
	const char *multi = "230-Welcome\r\n 230 indented, not the end\r\n"
	    "230-nor this\r\n230 Logged in.\r\n331 next";

	(void)state;
	assert_int_equal(ftp("220 ready\r\n", &code, &used), 1);
	assert_int_equal(code, 220);
	assert_int_equal(used, 11);
	assert_int_equal(ftp("220 ready", &code, &used), 0);
	assert_int_equal(ftp("", &code, &used), 0);
	assert_int_equal(ftp("530\n", &code, &used), 1);
	assert_int_equal(code, 530);
	assert_int_equal(ftp("220-a\r\nb\r\n", &code, &used), 0);
	/* RFC 959 4.2: "ddd " of the same code ends a multi-line reply. */
	assert_int_equal(ftp(multi, &code, &used), 1);
	assert_int_equal(code, 230);
	assert_int_equal(used, strlen(multi) - strlen("331 next"));
	assert_int_equal(ftp("2x0 no\r\n", &code, &used), -1);
	assert_int_equal(ftp("620 no\r\n", &code, &used), -1);
	assert_int_equal(ftp("220_no\r\n", &code, &used), -1);
	memset(big, 'a', sizeof(big));
	memcpy(big, "220 ", 4);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(ftp(big, &code, &used), -1);
	{
		/* 64 lines at most. */
		char many[70 * 8 + 16] = "220-x\r\n";

		for (int i = 0; i < 70; i++)
			strncat(many, "line\r\n", sizeof(many) - strlen(many) -
			    1);
		assert_int_equal(ftp(many, &code, &used), -1);
	}
}

static int
http(const char *s, struct audit_http_resp *r)
{
	struct cursor c = cur_make(s, strlen(s));

	return audit_http_head(&c, r);
}

static void
test_http_head(void **state)
{
	struct audit_http_resp r;
	const char *ok = "HTTP/1.1 401 Unauthorized\r\nServer: x\r\n"
	    "www-authenticate:  Digest realm=\"a\", Basic realm=\"pump\"\r\n"
	    "\r\nbody";

	(void)state;
	assert_int_equal(http(ok, &r), 1);
	assert_int_equal(r.status, 401);
	assert_true(r.basic);
	assert_int_equal(r.head_len, strlen(ok) - 4);
	assert_int_equal(http("HTTP/1.1 401 X\r\nWWW-Authenticate: "
	    "Basicx\r\n\r\n", &r), 1);
	assert_false(r.basic);
	assert_int_equal(http("HTTP/1.0 302 Found\r\nLocation: /console/"
	    "login/LoginForm.jsp\r\n\r\n", &r), 1);
	assert_int_equal(r.status, 302);
	assert_true(r.has_location);
	assert_string_equal(r.location, "/console/login/LoginForm.jsp");
	assert_int_equal(http("HTTP/1.1 200\r\n\r\n", &r), 1);
	assert_int_equal(r.status, 200);
	assert_int_equal(http("HTTP/1.1 200 OK\r\nA: b\r\n", &r), 0);
	assert_int_equal(http("HTTP/1.1 20", &r), 0);
	assert_int_equal(http("HTTP/2 200 OK\r\n\r\n", &r), -1);
	assert_int_equal(http("HTTP/1.1 099 x\r\n\r\n", &r), -1);
	assert_int_equal(http("HTTP/1.1 200 OK\r\nno colon\r\n\r\n", &r), -1);
	assert_int_equal(http("HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n",
	    &r), -1);
	assert_int_equal(http("SSH-2.0-OpenSSH\r\n", &r), -1);
	{
		/* A head over AUDIT_HTTP_HEAD_MAX. */
		size_t n = AUDIT_HTTP_HEAD_MAX + 64;
		char *big = malloc(n + 1);

		assert_non_null(big);
		memcpy(big, "HTTP/1.1 200 OK\r\n", 17);
		for (size_t i = 17; i < n; i += 8)
			memcpy(big + i, "X: yyy\r\n", n - i < 8 ? n - i : 8);
		big[n] = '\0';
		assert_int_equal(http(big, &r), -1);
		free(big);
	}
}

static void
test_telnet(void **state)
{
	struct audit_telnet t;
	/* WILL ECHO, DO TTYPE, SB TTYPE SEND IAC SE, IAC IAC, text. */
	const uint8_t in[] = { 255, 251, 1, 255, 253, 24, 255, 250, 24, 1,
		255, 240, 'a', 255, 255, 0, 'b', 255, 241, 'c' };
	uint8_t text[16], reply[16];
	size_t tl = 0, rl = 0;

	(void)state;
	memset(&t, 0, sizeof(t));
	audit_telnet_feed(&t, in, sizeof(in), text, sizeof(text), &tl, reply,
	    sizeof(reply), &rl);
	assert_int_equal(tl, 4);
	assert_memory_equal(text, "a\xff" "bc", 4);
	assert_int_equal(rl, 6);
	assert_memory_equal(reply, "\xff\xfe\x01\xff\xfc\x18", 6);

	/* Split across calls, one byte at a time. */
	memset(&t, 0, sizeof(t));
	tl = rl = 0;
	for (size_t i = 0; i < sizeof(in); i++)
		audit_telnet_feed(&t, in + i, 1, text, sizeof(text), &tl,
		    reply, sizeof(reply), &rl);
	assert_int_equal(tl, 4);
	assert_int_equal(rl, 6);

	/* Full buffers drop, never overflow. */
	memset(&t, 0, sizeof(t));
	tl = rl = 0;
	audit_telnet_feed(&t, in, sizeof(in), text, 2, &tl, reply, 4, &rl);
	assert_int_equal(tl, 2);
	assert_int_equal(rl, 3);
}

static enum audit_prompt
prompt(const char *s)
{
	return audit_telnet_prompt((const uint8_t *)s, strlen(s));
}

static void
test_telnet_prompt(void **state)
{
	(void)state;
	assert_int_equal(prompt("\r\nDebian GNU/Linux 12\r\npump login: "),
	    AUDIT_PROMPT_LOGIN);
	assert_int_equal(prompt("Username:"), AUDIT_PROMPT_LOGIN);
	assert_int_equal(prompt("admin\r\nPassword: "),
	    AUDIT_PROMPT_PASSWORD);
	assert_int_equal(prompt("\r\n\r\nLogin incorrect\r\npump login: "),
	    AUDIT_PROMPT_DENIED);
	assert_int_equal(prompt("\r\nLogin incorrect\r\n"),
	    AUDIT_PROMPT_DENIED);
	assert_int_equal(prompt("Access denied\r\n"), AUDIT_PROMPT_DENIED);
	assert_int_equal(prompt("Account locked\r\n"), AUDIT_PROMPT_LOCKED);
	assert_int_equal(prompt("Too many failures\r\n"),
	    AUDIT_PROMPT_LOCKED);
	assert_int_equal(prompt("Last login: Sun\r\n$ "), AUDIT_PROMPT_SHELL);
	assert_int_equal(prompt("pump# "), AUDIT_PROMPT_SHELL);
	assert_int_equal(prompt("CLI> "), AUDIT_PROMPT_SHELL);
	assert_int_equal(prompt("Welcome\r\n"), AUDIT_PROMPT_NONE);
	assert_int_equal(prompt(""), AUDIT_PROMPT_NONE);
}

static void
test_protos(void **state)
{
	enum audit_proto p;

	(void)state;
	for (unsigned i = 0; i < AUDIT_NPROTO; i++) {
		assert_int_equal(audit_proto_parse(audit_proto_name(
		    (enum audit_proto)i), &p), 0);
		assert_int_equal(p, i);
		assert_true(audit_proto_port(p) > 0);
		assert_true(strlen(audit_remediation(p)) > 20);
	}
	assert_int_equal(audit_proto_parse("MariaDB", &p), 0);
	assert_int_equal(p, AUDIT_MYSQL);
	assert_int_equal(audit_proto_parse("postgres", &p), 0);
	assert_int_equal(p, AUDIT_PGSQL);
	assert_int_equal(audit_proto_parse("rdp", &p), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allow),
		cmocka_unit_test(test_allow_errors),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_creds),
		cmocka_unit_test(test_creds_shipped),
		cmocka_unit_test(test_creds_errors),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_attempt_json),
		cmocka_unit_test(test_ftp_reply),
		cmocka_unit_test(test_http_head),
		cmocka_unit_test(test_telnet),
		cmocka_unit_test(test_telnet_prompt),
		cmocka_unit_test(test_protos),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
