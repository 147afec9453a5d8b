/*
 * test_exposure.c - exposure findings, fed real observations through a
 * real bus and inventory: each kind fires on the asset with its evidence,
 * and stays quiet on the secure variant (SSH, SMB2 only, NLA, TLS 1.3
 * with a CA-signed unexpired certificate, DICOM within the department,
 * an authenticated MQTT client, a private peer, a Modbus read...).
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
#include "ward/dept.h"
#include "ward/detect.h"
#include "ward/exposure.h"
#include "ward/flow.h"
#include "ward/ident.h"
#include "ward/obs.h"

#define SEC	1000000ULL
#define T0	(1795300000ULL * SEC)	/* 2026-11-21 */

static const char ident_text[] =
    "version: 1\nrules:\n"
    "  - { id: pump, source: test, when: { hostname: 'pump-*' }, "
    "type: infusion_pump, weight: 0.9 }\n"
    "  - { id: ws, source: test, when: { hostname: 'ws-*' }, "
    "type: workstation_windows, weight: 0.9 }\n";

static const char dept_text[] =
    "version: 1\n"
    "departments:\n"
    "  - name: Radiology\n"
    "    subnets: 10.1.0.0/16\n"
    "  - name: Cardiology\n"
    "    subnets: 10.2.0.0/16\n"
    "  - name: IT\n"
    "    subnets: 10.3.0.0/16\n";

struct fx {
	struct obs_bus	*bus;
	struct inventory *inv;
	struct ident_rules *rules;
	struct dept_map	*depts;
	struct exposure	*ex;
	struct exposure_list l;
	uint64_t	 flow_id;
};

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	char err[256];

	assert_non_null(fx);
	fx->bus = obs_bus_new();
	fx->inv = inv_new(NULL);
	assert_int_equal(inv_attach(fx->inv, fx->bus), 0);
	fx->rules = ident_rules_parse(ident_text, sizeof(ident_text) - 1,
	    "t.yaml", err, sizeof(err));
	if (fx->rules == NULL)
		fail_msg("%s", err);
	fx->depts = dept_parse(dept_text, sizeof(dept_text) - 1, "d.yaml",
	    err, sizeof(err));
	if (fx->depts == NULL)
		fail_msg("%s", err);
	fx->ex = exposure_new(NULL, fx->inv, fx->depts);
	assert_non_null(fx->ex);
	assert_int_equal(exposure_attach(fx->ex, fx->bus), 0);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	exposure_list_clear(&fx->l);
	exposure_free(fx->ex);
	inv_free(fx->inv);
	obs_bus_free(fx->bus);
	ident_rules_free(fx->rules);
	dept_free(fx->depts);
	free(fx);
	return 0;
}

static struct ward_addr
ip(const char *s)
{
	struct ward_addr a;

	assert_int_equal(addr_parse(s, &a), 0);
	return a;
}

/* Departments and identities, as the program sets them between batches. */
static void
settle(struct fx *fx)
{
	struct asset *const *v;
	size_t n;

	assert_int_equal(inv_identify(fx->inv, fx->rules), 0);
	v = inv_assets(fx->inv, &n);
	for (size_t i = 0; i < n; i++)
		v[i]->dept = dept_of_asset(fx->depts, v[i], v[i]->dept_how,
		    sizeof(v[i]->dept_how));
}

/* The findings of the asset at addr (in fx->l). */
static const struct exposure_list *
eval(struct fx *fx, const char *addr)
{
	struct ward_addr a = ip(addr);
	const struct asset *as;

	settle(fx);
	exposure_list_clear(&fx->l);
	as = inv_find_ip(fx->inv, &a);
	if (as == NULL)
		fail_msg("no asset %s", addr);
	assert_int_equal(exposure_eval(fx->ex, as, &fx->l), 0);
	return &fx->l;
}

static const struct exposure_finding *
must(const struct exposure_list *l, enum exposure_kind k, uint16_t port)
{
	const struct exposure_finding *f = exposure_list_find(l, k, port);

	if (f == NULL)
		fail_msg("no %s finding on port %u", exposure_kind_name(k),
		    port);
	return f;
}

static void
assert_ev(const struct exposure_finding *f, const char *key,
    const char *want)
{
	const char *v = exposure_ev_get(f, key);

	if (v == NULL)
		fail_msg("%s: no evidence '%s'", exposure_kind_name(f->kind),
		    key);
	if (strcmp(v, want) != 0)
		fail_msg("%s: %s is '%s', not '%s'",
		    exposure_kind_name(f->kind), key, v, want);
}

static void
assert_none(const struct exposure_list *l, enum exposure_kind k)
{
	const struct exposure_finding *f = exposure_list_find(l, k, 0);

	if (f != NULL)
		fail_msg("unexpected %s: %s", exposure_kind_name(k), f->title);
}

/* Observations. */

static void
flow_make(struct fx *fx, struct flow *f, const char *cli, const char *srv,
    uint16_t dport)
{
	memset(f, 0, sizeof(*f));
	f->proto = 6;
	f->id = ++fx->flow_id;
	f->side[0].addr = ip(cli);
	f->side[0].port = (uint16_t)(40000 + fx->flow_id);
	f->side[1].addr = ip(srv);
	f->side[1].port = dport;
}

/*
 * A connection the server accepted: the pipeline's flow_new (which makes
 * the client an asset) and service records.
 */
static void
service(struct fx *fx, uint64_t ts, const uint8_t *m, const char *cli,
    const char *srv, uint16_t dport)
{
	struct observation o;
	struct flow f;
	uint8_t proto = dport == 47808 ? 17 : 6;	/* BACnet/IP: UDP */

	flow_make(fx, &f, cli, srv, dport);
	f.proto = proto;
	obs_init(&o, OBS_FLOW_NEW, ts);
	o.flow = &f;
	obs_subject(&o, NULL, &f.side[0].addr);
	(void)obs_u64(&o, "proto", proto);
	(void)obs_addr(&o, "src_ip", &f.side[0].addr);
	(void)obs_addr(&o, "dst_ip", &f.side[1].addr);
	(void)obs_u64(&o, "src_port", f.side[0].port);
	(void)obs_u64(&o, "dst_port", dport);
	obs_emit(fx->bus, &o);
	obs_init(&o, OBS_SERVICE, ts);
	o.flow = &f;
	obs_subject(&o, m, &f.side[1].addr);
	(void)obs_u64(&o, "proto", proto);
	(void)obs_addr(&o, "src_ip", &f.side[0].addr);
	(void)obs_addr(&o, "dst_ip", &f.side[1].addr);
	(void)obs_u64(&o, "src_port", f.side[0].port);
	(void)obs_u64(&o, "dst_port", dport);
	if (m != NULL)
		(void)obs_mac(&o, "dst_mac", m);
	obs_emit(fx->bus, &o);
}

/* An observation on flow f sent by its client (0) or server (1). */
static void
on_flow(struct observation *o, enum obs_kind k, const struct flow *f,
    int side)
{
	obs_init(o, k, T0);
	o->flow = f;
	obs_subject(o, NULL, &f->side[side].addr);
}

static void
dhcp(struct fx *fx, uint64_t type, const uint8_t *m, const char *yiaddr,
    const char *hostname)
{
	struct observation o;
	struct ward_addr y, s = ip("10.0.0.1");
	bool reply = type == 5;

	obs_init(&o, OBS_DHCP, T0);
	if (reply) {
		y = ip(yiaddr);
		obs_subject(&o, m, &y);
	} else
		obs_subject(&o, m, NULL);
	(void)obs_u64(&o, "op", reply ? 2 : 1);
	(void)obs_u64(&o, "msg_type", type);
	(void)obs_mac(&o, "chaddr", m);
	if (reply) {
		(void)obs_addr(&o, "yiaddr", &y);
		(void)obs_addr(&o, "server_id", &s);
	}
	if (hostname != NULL)
		(void)obs_cstr(&o, "hostname", hostname);
	obs_emit(fx->bus, &o);
}

static void
device(struct fx *fx, const uint8_t *m, const char *addr,
    const char *hostname)
{
	dhcp(fx, 3, m, NULL, hostname);
	dhcp(fx, 5, m, addr, NULL);
}

/* Tests. */

static void
test_risky_services(void **state)
{
	struct fx *fx = *state;
	const struct exposure_list *l;
	const struct exposure_finding *f;
	struct observation o;
	struct flow fl;

	service(fx, T0, NULL, "10.1.0.9", "10.1.0.10", 23);
	service(fx, T0 + SEC, NULL, "10.1.0.9", "10.1.0.10", 23);
	flow_make(fx, &fl, "10.1.0.9", "10.1.0.10", 23);
	on_flow(&o, OBS_BANNER, &fl, 1);
	(void)obs_cstr(&o, "protocol", "telnet");
	(void)obs_cstr(&o, "role", "server");
	(void)obs_cstr(&o, "banner", "Linux 6.1 (pacs)\r\npacs login:");
	obs_emit(fx->bus, &o);
	service(fx, T0, NULL, "10.1.0.9", "10.1.0.10", 21);
	service(fx, T0, NULL, "10.1.0.9", "10.1.0.10", 5901);

	l = eval(fx, "10.1.0.10");
	f = must(l, EXPOSURE_TELNET, 23);
	assert_int_equal(f->severity, ALERT_SEV_HIGH);
	assert_ev(f, "port", "23");
	assert_ev(f, "connections", "2");
	assert_ev(f, "banner", "Linux 6.1 (pacs)\\x0d\\x0apacs login:");
	assert_non_null(strstr(exposure_kind_remediation(f->kind), "SSH"));
	f = must(l, EXPOSURE_FTP, 21);
	assert_int_equal(f->severity, ALERT_SEV_MEDIUM);
	f = must(l, EXPOSURE_VNC, 5901);
	assert_ev(f, "port", "5901");
	assert_int_equal(l->n, 3);
	/* Sorted by kind. */
	assert_int_equal(l->v[0].kind, EXPOSURE_TELNET);

	/* SSH and a port past VNC's displays: nothing. */
	service(fx, T0, NULL, "10.1.0.9", "10.1.0.11", 22);
	service(fx, T0, NULL, "10.1.0.9", "10.1.0.11", 5910);
	l = eval(fx, "10.1.0.11");
	assert_int_equal(l->n, 0);
}

static void
smb_negotiate(struct fx *fx, const char *srv, bool smb1, uint64_t index,
    const char *dialect)
{
	struct observation o;
	struct flow f;

	service(fx, T0, NULL, "10.1.0.9", srv, 445);
	flow_make(fx, &f, "10.1.0.9", srv, 445);
	on_flow(&o, OBS_SMB, &f, 1);
	(void)obs_cstr(&o, "command", "negotiate");
	(void)obs_bool(&o, "response", true);
	if (smb1) {
		(void)obs_bool(&o, "smb1", true);
		(void)obs_u64(&o, "dialect_index", index);
	} else
		(void)obs_cstr(&o, "dialect", dialect);
	obs_emit(fx->bus, &o);
}

static void
test_smb1(void **state)
{
	struct fx *fx = *state;
	const struct exposure_finding *f;

	smb_negotiate(fx, "10.1.0.20", true, 0, NULL);
	f = must(eval(fx, "10.1.0.20"), EXPOSURE_SMB1, 445);
	assert_ev(f, "smb1", "true");
	assert_ev(f, "dialect_index", "0");

	/* SMB2 only, and an SMB1 negotiate refused (no dialect). */
	smb_negotiate(fx, "10.1.0.21", false, 0, "0x0311");
	assert_none(eval(fx, "10.1.0.21"), EXPOSURE_SMB1);
	smb_negotiate(fx, "10.1.0.22", true, 0xffff, NULL);
	assert_none(eval(fx, "10.1.0.22"), EXPOSURE_SMB1);
}

static void
rdp_confirm(struct fx *fx, const char *srv, const char *selected)
{
	struct observation o;
	struct flow f;

	service(fx, T0, NULL, "10.1.0.9", srv, 3389);
	flow_make(fx, &f, "10.1.0.9", srv, 3389);
	on_flow(&o, OBS_RDP, &f, 1);
	(void)obs_cstr(&o, "type", "confirm");
	(void)obs_cstr(&o, "selected", selected);
	obs_emit(fx->bus, &o);
}

static void
test_rdp_nla(void **state)
{
	struct fx *fx = *state;
	const struct exposure_finding *f;

	rdp_confirm(fx, "10.1.0.30", "ssl");
	f = must(eval(fx, "10.1.0.30"), EXPOSURE_RDP_NO_NLA, 3389);
	assert_ev(f, "selected", "ssl");
	rdp_confirm(fx, "10.1.0.31", "rdp");
	f = must(eval(fx, "10.1.0.31"), EXPOSURE_RDP_NO_NLA, 3389);
	assert_ev(f, "selected", "rdp");
	rdp_confirm(fx, "10.1.0.32", "hybrid");
	assert_int_equal(eval(fx, "10.1.0.32")->n, 0);
}

static void
http_response(struct fx *fx, const char *srv, uint64_t status,
    const char *scheme, const char *realm)
{
	struct observation o;
	struct flow f;

	service(fx, T0, NULL, "10.1.0.9", srv, 80);
	flow_make(fx, &f, "10.1.0.9", srv, 80);
	on_flow(&o, OBS_HTTP, &f, 1);
	(void)obs_cstr(&o, "type", "response");
	(void)obs_u64(&o, "status", status);
	(void)obs_cstr(&o, "server", "lighttpd/1.4.35");
	if (scheme != NULL)
		(void)obs_cstr(&o, "auth_scheme", scheme);
	if (realm != NULL)
		(void)obs_cstr(&o, "realm", realm);
	obs_emit(fx->bus, &o);
}

static void
test_http_login(void **state)
{
	struct fx *fx = *state;
	const struct exposure_finding *f;

	http_response(fx, "10.1.0.40", 401, "Basic", "Pump admin");
	f = must(eval(fx, "10.1.0.40"), EXPOSURE_HTTP_LOGIN, 80);
	assert_ev(f, "status", "401");
	assert_ev(f, "auth_scheme", "Basic");
	assert_ev(f, "realm", "Pump admin");
	assert_ev(f, "server", "lighttpd/1.4.35");
	assert_non_null(strstr(f->title, "Pump admin"));

	http_response(fx, "10.1.0.41", 200, NULL, NULL);
	assert_none(eval(fx, "10.1.0.41"), EXPOSURE_HTTP_LOGIN);
}

static void
associate(struct fx *fx, const char *cli, const char *srv)
{
	struct observation o;
	struct flow f;

	service(fx, T0, NULL, cli, srv, 104);
	flow_make(fx, &f, cli, srv, 104);
	on_flow(&o, OBS_DICOM, &f, 0);
	(void)obs_cstr(&o, "pdu", "associate_rq");
	(void)obs_cstr(&o, "calling_ae", "CATH_WS");
	(void)obs_cstr(&o, "called_ae", "PACS");
	obs_emit(fx->bus, &o);
}

static void
test_dicom_departments(void **state)
{
	struct fx *fx = *state;
	const struct exposure_finding *f;

	/* From Cardiology to Radiology's PACS, in clear. */
	service(fx, T0, NULL, "10.1.0.9", "10.2.0.7", 22);	/* an asset */
	associate(fx, "10.2.0.7", "10.1.0.5");
	f = must(eval(fx, "10.1.0.5"), EXPOSURE_DICOM_CLEAR, 104);
	assert_ev(f, "peer", "10.2.0.7");
	assert_ev(f, "dept", "Radiology");
	assert_ev(f, "peer_dept", "Cardiology");
	assert_ev(f, "calling_ae", "CATH_WS");
	assert_ev(f, "called_ae", "PACS");

	/* A peer no department holds is outside it too. */
	associate(fx, "192.168.7.7", "10.1.0.6");
	f = must(eval(fx, "10.1.0.6"), EXPOSURE_DICOM_CLEAR, 104);
	assert_ev(f, "peer_dept", "none");

	/* Within Radiology: nothing. */
	associate(fx, "10.1.0.8", "10.1.0.7");
	assert_int_equal(eval(fx, "10.1.0.7")->n, 0);

	/* Many modalities of its own do not crowd out an outsider. */
	for (int i = 0; i < 2 * EXPOSURE_PEERS_MAX; i++) {
		char a[32];

		(void)snprintf(a, sizeof(a), "10.1.1.%d", i + 1);
		associate(fx, a, "10.1.0.7");
	}
	associate(fx, "10.2.0.7", "10.1.0.7");
	f = must(eval(fx, "10.1.0.7"), EXPOSURE_DICOM_CLEAR, 104);
	assert_ev(f, "peer", "10.2.0.7");
	assert_int_equal(fx->l.n, 1);
}

static void
mqtt_session(struct fx *fx, const char *srv, bool auth, uint64_t code)
{
	struct observation o;
	struct flow f;

	service(fx, T0, NULL, "10.3.0.9", srv, 1883);
	flow_make(fx, &f, "10.3.0.9", srv, 1883);
	on_flow(&o, OBS_MQTT, &f, 0);
	(void)obs_cstr(&o, "type", "connect");
	(void)obs_cstr(&o, "client_id", "monitor-7");
	(void)obs_bool(&o, "auth", auth);
	if (auth)
		(void)obs_cstr(&o, "user", "monitor");
	obs_emit(fx->bus, &o);
	on_flow(&o, OBS_MQTT, &f, 1);
	(void)obs_cstr(&o, "type", "connack");
	(void)obs_u64(&o, "code", code);
	obs_emit(fx->bus, &o);
}

static void
test_mqtt_anonymous(void **state)
{
	struct fx *fx = *state;
	const struct exposure_finding *f;

	mqtt_session(fx, "10.3.0.2", false, 0);
	f = must(eval(fx, "10.3.0.2"), EXPOSURE_MQTT_ANON, 1883);
	assert_ev(f, "client", "10.3.0.9");
	assert_ev(f, "client_id", "monitor-7");
	assert_ev(f, "auth", "false");

	/* An authenticated client; an anonymous one refused (5). */
	mqtt_session(fx, "10.3.0.3", true, 0);
	assert_none(eval(fx, "10.3.0.3"), EXPOSURE_MQTT_ANON);
	mqtt_session(fx, "10.3.0.4", false, 5);
	assert_none(eval(fx, "10.3.0.4"), EXPOSURE_MQTT_ANON);
}

static void
credential(struct fx *fx, const char *cli, const char *srv, uint16_t port,
    const char *proto, const char *user, bool password)
{
	struct observation o;
	struct flow f;

	service(fx, T0, NULL, cli, srv, port);
	flow_make(fx, &f, cli, srv, port);
	on_flow(&o, OBS_CREDENTIAL, &f, 0);
	(void)obs_cstr(&o, "protocol", proto);
	(void)obs_cstr(&o, "scheme", "user-pass");
	(void)obs_cstr(&o, "user", user);
	(void)obs_bool(&o, "password", password);
	obs_emit(fx->bus, &o);
}

static void
test_credentials(void **state)
{
	struct fx *fx = *state;
	const struct exposure_list *l;
	const struct exposure_finding *f;
	json_t *j;
	char *s;

	credential(fx, "10.1.0.9", "10.1.0.50", 21, "ftp", "admin", true);
	credential(fx, "10.1.0.9", "10.1.0.50", 21, "ftp", "admin", true);
	l = eval(fx, "10.1.0.50");
	f = must(l, EXPOSURE_CREDENTIAL, 21);
	assert_ev(f, "role", "server");
	assert_ev(f, "protocol", "ftp");
	assert_ev(f, "user", "admin");
	assert_ev(f, "client", "10.1.0.9");
	assert_int_equal(f->count, 2);
	assert_null(exposure_ev_get(f, "password"));
	j = json_exposure(l);
	assert_non_null(j);
	s = json_dumps(j, JSON_COMPACT);
	assert_non_null(s);
	assert_null(strstr(s, "\"password\""));
	free(s);
	json_decref(j);

	/* The client that sends it has the finding too. */
	f = must(eval(fx, "10.1.0.9"), EXPOSURE_CREDENTIAL, 21);
	assert_ev(f, "role", "client");
	assert_ev(f, "server", "10.1.0.50");

	/* A challenge-response login (no password in clear): nothing. */
	credential(fx, "10.1.0.8", "10.1.0.51", 445, "ntlm", "jdoe", false);
	assert_none(eval(fx, "10.1.0.51"), EXPOSURE_CREDENTIAL);
	assert_none(eval(fx, "10.1.0.8"), EXPOSURE_CREDENTIAL);
}

static void
tls_server(struct fx *fx, const char *srv, uint64_t version,
    uint64_t selected, bool self_signed, const char *not_after,
    uint64_t bits)
{
	struct observation o;
	struct flow f;

	service(fx, T0, NULL, "10.1.0.9", srv, 443);
	flow_make(fx, &f, "10.1.0.9", srv, 443);
	on_flow(&o, OBS_TLS, &f, 1);
	(void)obs_cstr(&o, "msg", "server_hello");
	(void)obs_u64(&o, "version", version);
	(void)obs_u64(&o, "cipher", 0x002f);
	if (selected != 0)
		(void)obs_u64(&o, "selected_version", selected);
	obs_emit(fx->bus, &o);
	on_flow(&o, OBS_TLS, &f, 1);
	(void)obs_cstr(&o, "msg", "certificate");
	(void)obs_u64(&o, "index", 0);
	(void)obs_cstr(&o, "subject", "CN=pump-gw.ward.test");
	(void)obs_cstr(&o, "issuer", self_signed ? "CN=pump-gw.ward.test" :
	    "CN=Hospital CA");
	(void)obs_cstr(&o, "not_before", "2019-01-01T00:00:00Z");
	(void)obs_cstr(&o, "not_after", not_after);
	(void)obs_bool(&o, "self_signed", self_signed);
	(void)obs_cstr(&o, "key_type", "rsa");
	(void)obs_u64(&o, "key_bits", bits);
	(void)obs_cstr(&o, "sha256", "ab12");
	obs_emit(fx->bus, &o);
	/* The CA's certificate in the chain is not the server's. */
	on_flow(&o, OBS_TLS, &f, 1);
	(void)obs_cstr(&o, "msg", "certificate");
	(void)obs_u64(&o, "index", 1);
	(void)obs_cstr(&o, "subject", "CN=Hospital CA");
	(void)obs_cstr(&o, "not_after", "2001-01-01T00:00:00Z");
	(void)obs_bool(&o, "self_signed", true);
	(void)obs_cstr(&o, "key_type", "rsa");
	(void)obs_u64(&o, "key_bits", 1024);
	obs_emit(fx->bus, &o);
}

static void
test_tls(void **state)
{
	struct fx *fx = *state;
	const struct exposure_list *l;
	const struct exposure_finding *f;

	tls_server(fx, "10.1.0.60", 0x0301, 0, true, "2024-06-30T23:59:59Z",
	    1024);
	l = eval(fx, "10.1.0.60");
	f = must(l, EXPOSURE_TLS_OLD, 443);
	assert_ev(f, "version", "TLS 1.0");
	assert_ev(f, "version_code", "769");
	f = must(l, EXPOSURE_TLS_SELF_SIGNED, 443);
	assert_ev(f, "subject", "CN=pump-gw.ward.test");
	assert_ev(f, "issuer", "CN=pump-gw.ward.test");
	f = must(l, EXPOSURE_TLS_EXPIRED, 443);
	assert_ev(f, "not_after", "2024-06-30T23:59:59Z");
	f = must(l, EXPOSURE_TLS_WEAK_KEY, 443);
	assert_ev(f, "key_type", "rsa");
	assert_ev(f, "key_bits", "1024");
	assert_int_equal(l->n, 4);

	/* TLS 1.1 by legacy_version alone. */
	tls_server(fx, "10.1.0.61", 0x0302, 0, false, "2030-01-01T00:00:00Z",
	    2048);
	l = eval(fx, "10.1.0.61");
	assert_ev(must(l, EXPOSURE_TLS_OLD, 443), "version", "TLS 1.1");
	assert_int_equal(l->n, 1);

	/* TLS 1.3, a CA-signed certificate valid until 2030, RSA 2048. */
	tls_server(fx, "10.1.0.62", 0x0303, 0x0304, false,
	    "2030-01-01T00:00:00Z", 2048);
	assert_int_equal(eval(fx, "10.1.0.62")->n, 0);
	/* TLS 1.2 is fine too. */
	tls_server(fx, "10.1.0.63", 0x0303, 0, false,
	    "2030-01-01T00:00:00Z", 4096);
	assert_int_equal(eval(fx, "10.1.0.63")->n, 0);
}

static void
test_inbound(void **state)
{
	struct fx *fx = *state;
	const struct exposure_list *l;
	const struct exposure_finding *f;
	static const uint8_t pump[6] = { 0x00, 0x1b, 0x21, 0, 0, 1 };
	static const uint8_t ws[6] = { 0x00, 0x1b, 0x21, 0, 0, 2 };

	device(fx, pump, "10.2.0.70", "pump-1");
	device(fx, ws, "10.2.0.71", "ws-1");
	service(fx, T0, pump, "203.0.113.9", "10.2.0.70", 443);
	service(fx, T0, pump, "172.16.9.9", "10.2.0.70", 22);
	service(fx, T0, pump, "10.1.0.9", "10.2.0.70", 22);
	service(fx, T0, ws, "203.0.113.9", "10.2.0.71", 3389);

	l = eval(fx, "10.2.0.70");
	f = must(l, EXPOSURE_INBOUND_EXTERNAL, 443);
	assert_ev(f, "peer", "203.0.113.9");
	assert_ev(f, "where", "internet");
	assert_ev(f, "type", "infusion_pump");
	f = must(l, EXPOSURE_INBOUND_EXTERNAL, 22);
	assert_ev(f, "peer", "172.16.9.9");
	assert_ev(f, "where", "outside_departments");
	assert_int_equal(l->n, 2);

	/* Not a medical device. */
	assert_int_equal(eval(fx, "10.2.0.71")->n, 0);

	/* Scanned from the internet: a few peers kept, the rest counted. */
	for (int i = 0; i < 20; i++) {
		char a[32];

		(void)snprintf(a, sizeof(a), "198.51.100.%d", i + 1);
		service(fx, T0, pump, a, "10.2.0.70", 8080);
	}
	l = eval(fx, "10.2.0.70");
	assert_int_equal(l->n, EXPOSURE_PEERS_MAX);
	assert_true(exposure_stats(fx->ex)->facts_dropped >= 14);
}

static void
modbus_reply(struct fx *fx, const char *cli, const char *srv, uint64_t fn,
    bool exception)
{
	struct observation o;
	struct flow f;

	service(fx, T0, NULL, cli, srv, 502);
	flow_make(fx, &f, cli, srv, 502);
	on_flow(&o, OBS_MODBUS, &f, 1);
	(void)obs_u64(&o, "transaction_id", 1);
	(void)obs_u64(&o, "unit_id", 1);
	(void)obs_bool(&o, "response", true);
	(void)obs_u64(&o, "function", fn);
	(void)obs_cstr(&o, "function_name", fn == 6 ?
	    "write_single_register" : "read_holding_registers");
	if (exception) {
		(void)obs_u64(&o, "exception", 1);
		(void)obs_cstr(&o, "exception_name", "illegal_function");
	}
	obs_emit(fx->bus, &o);
}

static void
bacnet_ack(struct fx *fx, const char *cli, const char *srv, uint64_t type,
    uint64_t svc)
{
	struct observation o;
	struct flow f;

	service(fx, T0, NULL, cli, srv, 47808);
	flow_make(fx, &f, cli, srv, 47808);
	f.proto = 17;
	on_flow(&o, OBS_BACNET, &f, 1);
	(void)obs_u64(&o, "apdu_type", type);
	(void)obs_u64(&o, "service", svc);
	obs_emit(fx->bus, &o);
}

static void
test_ics_writes(void **state)
{
	struct fx *fx = *state;
	const struct exposure_list *l;
	const struct exposure_finding *f;

	/* From Cardiology to IT's controller: high. */
	modbus_reply(fx, "10.2.0.9", "10.3.0.20", 6, false);
	f = must(eval(fx, "10.3.0.20"), EXPOSURE_MODBUS_WRITE, 502);
	assert_int_equal(f->severity, ALERT_SEV_HIGH);
	assert_ev(f, "peer", "10.2.0.9");
	assert_ev(f, "function", "write_single_register");
	assert_ev(f, "where", "other_department");
	assert_ev(f, "peer_dept", "Cardiology");

	/* Reads and refused writes: nothing. */
	modbus_reply(fx, "10.2.0.9", "10.3.0.22", 3, false);
	modbus_reply(fx, "10.2.0.9", "10.3.0.22", 6, true);
	assert_int_equal(eval(fx, "10.3.0.22")->n, 0);

	/* Its own department's writers: one medium finding, room left. */
	for (int i = 0; i < 2 * EXPOSURE_PEERS_MAX; i++) {
		char a[32];

		(void)snprintf(a, sizeof(a), "10.3.1.%d", i + 1);
		modbus_reply(fx, a, "10.3.0.23", 6, false);
	}
	modbus_reply(fx, "10.2.0.9", "10.3.0.23", 6, false);
	l = eval(fx, "10.3.0.23");
	assert_int_equal(l->n, 2);
	assert_int_equal(l->v[0].kind, EXPOSURE_MODBUS_WRITE);
	f = NULL;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(exposure_ev_get(&l->v[i], "where"),
		    "same_department") == 0)
			f = &l->v[i];
	assert_non_null(f);
	assert_int_equal(f->severity, ALERT_SEV_MEDIUM);
	assert_int_equal(f->count, 2 * EXPOSURE_PEERS_MAX);

	/* BACnet WriteProperty acknowledged to the internet. */
	bacnet_ack(fx, "203.0.113.5", "10.3.0.21", 2, 15);
	f = must(eval(fx, "10.3.0.21"), EXPOSURE_BACNET_WRITE, 47808);
	assert_int_equal(f->proto, 17);
	assert_int_equal(f->severity, ALERT_SEV_HIGH);
	assert_ev(f, "function", "write_property");
	assert_ev(f, "where", "internet");
	/* A ReadProperty ComplexACK: nothing. */
	bacnet_ack(fx, "10.2.0.9", "10.3.0.24", 3, 12);
	assert_int_equal(eval(fx, "10.3.0.24")->n, 0);
}

static void
test_json(void **state)
{
	struct fx *fx = *state;
	const struct exposure_list *l;
	json_t *j, *f, *ev;

	service(fx, T0, NULL, "10.1.0.9", "10.1.0.80", 23);
	l = eval(fx, "10.1.0.80");
	j = json_exposure(l);
	assert_non_null(j);
	assert_int_equal(json_array_size(j), 1);
	f = json_array_get(j, 0);
	assert_string_equal(json_string_value(json_object_get(f, "kind")),
	    "telnet_offered");
	assert_string_equal(json_string_value(json_object_get(f,
	    "severity")), "high");
	assert_string_equal(json_string_value(json_object_get(f, "proto")),
	    "tcp");
	assert_int_equal(json_integer_value(json_object_get(f, "port")), 23);
	ev = json_object_get(f, "evidence");
	assert_string_equal(json_string_value(json_object_get(ev, "port")),
	    "23");
	assert_true(strlen(json_string_value(json_object_get(f,
	    "remediation"))) > 0);
	assert_non_null(json_string_value(json_object_get(f, "first")));
	json_decref(j);
}

static void
test_names(void **state)
{
	(void)state;
	for (int k = 0; k < EXPOSURE_KIND_COUNT; k++) {
		assert_int_equal(exposure_kind_parse(exposure_kind_name(
		    (enum exposure_kind)k)), k);
		assert_true(strlen(exposure_kind_remediation(
		    (enum exposure_kind)k)) > 0);
	}
	assert_int_equal(exposure_kind_parse("nope"), -1);
	exposure_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_risky_services, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_smb1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rdp_nla, setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_login, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dicom_departments, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mqtt_anonymous, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_credentials, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inbound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ics_writes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
