/*
 * test_detect_rules.c - the stateless rules, fed real observations
 * through a real bus, inventory, detector and alerter: each rule fires
 * with the right asset, object and evidence, and stays quiet on the
 * benign look-alike (a DHCP renewal, 14 ports, a private peer, an
 * allow-listed address, an authenticated MQTT client...).
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
#include "ward/asset.h"
#include "ward/flow.h"
#include "ward/ident.h"
#include "src/detect/detect-private.h"

#define SEC	1000000ULL
#define MIN	(60 * SEC)
#define T0	(1795300000ULL * SEC)
#define MAXAL	256

static const char ident_text[] =
    "version: 1\nrules:\n"
    "  - { id: pump, source: test, when: { hostname: 'pump-*' }, "
    "type: infusion_pump, weight: 0.9 }\n"
    "  - { id: ws, source: test, when: { hostname: 'ws-*' }, "
    "type: workstation_windows, weight: 0.9 }\n";

struct fx {
	struct obs_bus	*bus;
	struct inventory *inv;
	struct detect_config *cfg;
	struct alerter	*alerter;
	struct detector	*det;
	struct ident_rules *rules;
	struct alert	 al[MAXAL];
	size_t		 n;
	uint64_t	 flow_id;
};

static void
sink(const struct alert_record *rec, void *arg)
{
	struct fx *fx = arg;

	if (!rec->update && fx->n < MAXAL)
		fx->al[fx->n++] = *rec->alert;
}

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	char err[256];

	assert_non_null(fx);
	fx->bus = obs_bus_new();
	fx->inv = inv_new(NULL);
	fx->cfg = detect_config_new();
	assert_int_equal(inv_attach(fx->inv, fx->bus), 0);
	fx->rules = ident_rules_parse(ident_text, sizeof(ident_text) - 1,
	    "t.yaml", err, sizeof(err));
	assert_non_null(fx->rules);
	*state = fx;
	return 0;
}

/* Makes the detector once the test has set the policy. */
static void
start(struct fx *fx)
{
	char err[256] = "";

	fx->alerter = alerter_new(&fx->cfg->limits);
	assert_non_null(fx->alerter);
	assert_int_equal(alerter_on(fx->alerter, sink, fx), 0);
	fx->det = detector_new(fx->cfg, fx->inv, fx->alerter, err,
	    sizeof(err));
	if (fx->det == NULL)
		fail_msg("%s", err);
	assert_int_equal(detector_attach(fx->det, fx->bus), 0);
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	detector_free(fx->det);
	alerter_free(fx->alerter);
	inv_free(fx->inv);
	obs_bus_free(fx->bus);
	detect_config_free(fx->cfg);
	ident_rules_free(fx->rules);
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

static const uint8_t *
mac(int n)
{
	static uint8_t m[16][6];
	static int next;
	uint8_t *p = m[next++ % 16];

	p[0] = 0x00;
	p[1] = 0x1b;
	p[2] = 0x21;
	p[3] = (uint8_t)(n >> 16);
	p[4] = (uint8_t)(n >> 8);
	p[5] = (uint8_t)n;
	return p;
}

static size_t
count(const struct fx *fx, enum alert_type t)
{
	size_t n = 0;

	for (size_t i = 0; i < fx->n; i++)
		if (fx->al[i].type == t)
			n++;
	return n;
}

static const struct alert *
find(const struct fx *fx, enum alert_type t, const char *object)
{
	for (size_t i = 0; i < fx->n; i++)
		if (fx->al[i].type == t && (object == NULL ||
		    strcmp(fx->al[i].object, object) == 0))
			return &fx->al[i];
	return NULL;
}

static const char *
ev(const struct alert *a, const char *key)
{
	for (size_t i = 0; i < a->nev; i++)
		if (strcmp(a->ev[i].key, key) == 0)
			return a->ev[i].value;
	return NULL;
}

static void
assert_ev(const struct alert *a, const char *key, const char *want)
{
	const char *v = ev(a, key);

	if (v == NULL)
		fail_msg("%s: no evidence '%s'", alert_type_name(a->type), key);
	if (strcmp(v, want) != 0)
		fail_msg("%s: %s is '%s', not '%s'", alert_type_name(a->type),
		    key, v, want);
}

/* Observations. */

static void
arp(struct fx *fx, uint64_t ts, const uint8_t *m, const char *sip,
    uint64_t op, bool grat)
{
	struct observation o;
	struct ward_addr a = ip(sip);

	obs_init(&o, OBS_ARP, ts);
	obs_subject(&o, m, &a);
	(void)obs_u64(&o, "op", op);
	(void)obs_addr(&o, "target_ip", &a);
	(void)obs_bool(&o, "gratuitous", grat);
	obs_emit(fx->bus, &o);
}

static void
dhcp(struct fx *fx, uint64_t ts, uint64_t type, const uint8_t *chaddr,
    const char *yiaddr, const char *server, const char *hostname)
{
	struct observation o;
	struct ward_addr y, s;
	bool reply = type == 2 || type == 5;

	obs_init(&o, OBS_DHCP, ts);
	if (reply && yiaddr != NULL) {
		y = ip(yiaddr);
		obs_subject(&o, chaddr, &y);
	} else {
		obs_subject(&o, chaddr, NULL);
	}
	(void)obs_u64(&o, "op", reply ? 2 : 1);
	(void)obs_u64(&o, "msg_type", type);
	(void)obs_mac(&o, "chaddr", chaddr);
	if (reply && yiaddr != NULL)
		(void)obs_addr(&o, "yiaddr", &y);
	if (hostname != NULL)
		(void)obs_cstr(&o, "hostname", hostname);
	if (reply && server != NULL) {
		s = ip(server);
		(void)obs_addr(&o, "server_id", &s);
		(void)obs_addr(&o, "server_ip", &s);
	}
	obs_emit(fx->bus, &o);
}

/* A device that asked DHCP for an address with a hostname, identified. */
static void
device(struct fx *fx, uint64_t ts, const uint8_t *m, const char *addr,
    const char *hostname)
{
	dhcp(fx, ts, 3, m, NULL, NULL, hostname);
	dhcp(fx, ts, 5, m, addr, "10.0.0.1", NULL);
	assert_int_equal(inv_identify(fx->inv, fx->rules), 0);
}

static void
flow_make(struct fx *fx, struct flow *f, const char *src, uint16_t sport,
    const char *dst, uint16_t dport, uint8_t proto)
{
	memset(f, 0, sizeof(*f));
	f->proto = proto;
	f->id = ++fx->flow_id;
	f->side[0].addr = ip(src);
	f->side[0].port = sport;
	f->side[1].addr = ip(dst);
	f->side[1].port = dport;
}

static void
flow_new(struct fx *fx, uint64_t ts, const uint8_t *m, const char *src,
    const char *dst, uint8_t proto, uint16_t dport)
{
	struct observation o;
	struct flow f;

	flow_make(fx, &f, src, 40000, dst, dport, proto);
	obs_init(&o, OBS_FLOW_NEW, ts);
	o.flow = &f;
	obs_subject(&o, m, &f.side[0].addr);
	(void)obs_u64(&o, "proto", proto);
	(void)obs_addr(&o, "src_ip", &f.side[0].addr);
	(void)obs_addr(&o, "dst_ip", &f.side[1].addr);
	(void)obs_u64(&o, "src_port", 40000);
	(void)obs_u64(&o, "dst_port", dport);
	if (m != NULL)
		(void)obs_mac(&o, "src_mac", m);
	obs_emit(fx->bus, &o);
}

/* An observation on a flow, its subject the client (0) or server (1). */
static void
on_flow(struct observation *o, enum obs_kind k, uint64_t ts,
    const struct flow *f, int side)
{
	obs_init(o, k, ts);
	o->flow = f;
	obs_subject(o, NULL, &f->side[side].addr);
}

/* Tests. */

static void
test_arp_spoof(void **state)
{
	struct fx *fx = *state;
	const struct alert *a;
	char m1[MAC_STRLEN], m2[MAC_STRLEN];

	start(fx);
	mac_fmt(mac(1), m1, sizeof(m1));
	mac_fmt(mac(2), m2, sizeof(m2));
	arp(fx, T0, mac(1), "10.0.0.5", 1, false);
	arp(fx, T0 + SEC, mac(1), "10.0.0.5", 2, false);
	assert_int_equal(count(fx, ALERT_ARP_SPOOF), 0);
	/* Another MAC answers for 10.0.0.5 while its holder is live. */
	arp(fx, T0 + 2 * SEC, mac(2), "10.0.0.5", 2, false);
	a = find(fx, ALERT_ARP_SPOOF, "ip 10.0.0.5");
	assert_non_null(a);
	assert_string_equal(a->asset, m2);
	assert_string_equal(a->peer, m1);
	assert_ev(a, "claimed_by", m2);
	assert_ev(a, "held_by", m1);
	assert_ev(a, "message", "arp reply");
	/* The holder keeps the binding: its own ARP raises nothing. */
	arp(fx, T0 + 3 * SEC, mac(1), "10.0.0.5", 1, false);
	assert_int_equal(count(fx, ALERT_ARP_SPOOF), 1);
	assert_int_equal(count(fx, ALERT_IP_CONFLICT), 0);
	/* A third MAC asking with the same source IP: a conflict. */
	arp(fx, T0 + 4 * SEC, mac(3), "10.0.0.5", 1, false);
	a = find(fx, ALERT_IP_CONFLICT, "ip 10.0.0.5");
	assert_non_null(a);
	assert_ev(a, "held_by", m1);
}

static void
test_dhcp_release_is_not_spoofing(void **state)
{
	struct fx *fx = *state;

	start(fx);
	dhcp(fx, T0, 5, mac(10), "10.0.0.40", "10.0.0.1", NULL);
	arp(fx, T0 + SEC, mac(10), "10.0.0.40", 1, false);
	/* A renewal: the same MAC, the same address. */
	dhcp(fx, T0 + 30 * MIN, 5, mac(10), "10.0.0.40", "10.0.0.1", NULL);
	/* Two hours later the lease goes to a new device and it announces. */
	dhcp(fx, T0 + 150 * MIN, 5, mac(11), "10.0.0.40", "10.0.0.1", NULL);
	arp(fx, T0 + 150 * MIN + SEC, mac(11), "10.0.0.40", 1, true);
	assert_int_equal(count(fx, ALERT_ARP_SPOOF), 0);
	assert_int_equal(count(fx, ALERT_IP_CONFLICT), 0);
	/* A lease of an address still in use is a conflict, not a spoof. */
	arp(fx, T0 + 151 * MIN, mac(12), "10.0.0.41", 1, false);
	dhcp(fx, T0 + 151 * MIN + SEC, 5, mac(13), "10.0.0.41", "10.0.0.1",
	    NULL);
	arp(fx, T0 + 151 * MIN + 2 * SEC, mac(13), "10.0.0.41", 2, true);
	assert_int_equal(count(fx, ALERT_ARP_SPOOF), 0);
	assert_non_null(find(fx, ALERT_IP_CONFLICT, "ip 10.0.0.41"));
}

static void
test_dhcp_starvation(void **state)
{
	struct fx *fx = *state;
	const struct alert *a;

	start(fx);
	/* Forty known devices coming back (roaming, reboots): not new. */
	for (int i = 0; i < 40; i++) {
		char addr[32];

		snprintf(addr, sizeof(addr), "10.0.3.%d", i + 1);
		arp(fx, T0 - 10 * MIN, mac(300 + i), addr, 1, false);
	}
	for (int i = 0; i < 40; i++)
		dhcp(fx, T0 + (uint64_t)i * SEC, 1, mac(300 + i), NULL, NULL,
		    NULL);
	assert_int_equal(count(fx, ALERT_DHCP_STARVATION), 0);
	for (int i = 0; i < 30; i++)
		dhcp(fx, T0 + (uint64_t)i * SEC, 1, mac(100 + i), NULL, NULL,
		    NULL);
	assert_int_equal(count(fx, ALERT_DHCP_STARVATION), 0);
	/* 30 clients in a minute is a busy morning; 31 is over the line. */
	dhcp(fx, T0 + 40 * SEC, 1, mac(200), NULL, NULL, NULL);
	a = find(fx, ALERT_DHCP_STARVATION, NULL);
	assert_non_null(a);
	assert_ev(a, "clients", "31");
	assert_ev(a, "threshold", "30");
	assert_ev(a, "window_s", "60");
	/* Once per window. */
	dhcp(fx, T0 + 41 * SEC, 1, mac(201), NULL, NULL, NULL);
	assert_int_equal(count(fx, ALERT_DHCP_STARVATION), 1);
}

/*
 * Every DISCOVER forged to the frame: the attacker does not show, so the
 * alert is about the network's DHCP server.
 */
static void
test_dhcp_starvation_forged(void **state)
{
	struct fx *fx = *state;
	const struct alert *a;
	struct observation o;
	struct flow f;
	char cli[32];

	start(fx);
	dhcp(fx, T0, 2, mac(20), "10.0.0.50", "10.0.0.1", NULL);
	for (int i = 0; i < 31; i++) {
		snprintf(cli, sizeof(cli), "0.0.0.%d", i + 1);
		flow_make(fx, &f, "0.0.0.0", 68, "255.255.255.255", 67, 17);
		f.side[0].has_mac = true;
		memcpy(f.side[0].mac, mac(400 + i), 6);
		on_flow(&o, OBS_DHCP, T0 + MIN + (uint64_t)i * SEC, &f, 0);
		obs_subject(&o, mac(400 + i), NULL);
		(void)obs_u64(&o, "op", 1);
		(void)obs_u64(&o, "msg_type", 1);
		(void)obs_mac(&o, "chaddr", mac(400 + i));
		obs_emit(fx->bus, &o);
	}
	a = find(fx, ALERT_DHCP_STARVATION, NULL);
	assert_non_null(a);
	assert_string_equal(a->asset, "10.0.0.1");
	assert_non_null(ev(a, "attacker"));
}

/*
 * nmap -sn on a LAN: who-has for a whole subnet, most of it empty. A host
 * resolving the neighbours it talks to (which answer) is no sweep.
 */
static void
test_arp_sweep(void **state)
{
	struct fx *fx = *state;
	const struct alert *a;
	char addr[32];

	start(fx);
	for (int i = 0; i < 40; i++) {
		snprintf(addr, sizeof(addr), "10.0.5.%d", i + 1);
		arp(fx, T0, mac(500 + i), addr, 2, false);
	}
	for (int i = 0; i < 40; i++) {
		struct observation o;
		struct ward_addr me = ip("10.0.5.200"), t;

		snprintf(addr, sizeof(addr), "10.0.5.%d", i + 1);
		t = ip(addr);
		obs_init(&o, OBS_ARP, T0 + SEC);
		obs_subject(&o, mac(600), &me);
		(void)obs_u64(&o, "op", 1);
		(void)obs_addr(&o, "target_ip", &t);
		obs_emit(fx->bus, &o);
	}
	assert_int_equal(count(fx, ALERT_HOST_SWEEP), 0);
	for (int i = 0; i < 25; i++) {
		struct observation o;
		struct ward_addr me = ip("10.0.6.66"), t;

		snprintf(addr, sizeof(addr), "10.0.6.%d", i + 100);
		t = ip(addr);
		obs_init(&o, OBS_ARP, T0 + 2 * SEC + (uint64_t)i * 1000);
		obs_subject(&o, mac(601), &me);
		(void)obs_u64(&o, "op", 1);
		(void)obs_addr(&o, "target_ip", &t);
		obs_emit(fx->bus, &o);
		if (i == 23)
			assert_int_equal(count(fx, ALERT_HOST_SWEEP), 0);
	}
	a = find(fx, ALERT_HOST_SWEEP, "arp");
	assert_non_null(a);
	assert_string_equal(a->asset, mac_fmt(mac(601), addr, sizeof(addr)));
	assert_ev(a, "count", "25");
}

static void
test_rogue_dhcp_listed(void **state)
{
	struct fx *fx = *state;
	const struct alert *a;

	fx->cfg->dhcp_servers.v = calloc(1, sizeof(struct cidr));
	assert_int_equal(cidr_parse("10.0.0.1/32", &fx->cfg->dhcp_servers.v[0]),
	    0);
	fx->cfg->dhcp_servers.n = 1;
	start(fx);
	dhcp(fx, T0, 2, mac(20), "10.0.0.50", "10.0.0.1", NULL);
	assert_int_equal(count(fx, ALERT_ROGUE_DHCP), 0);
	/* A second server at once: the list does not name it. */
	dhcp(fx, T0 + SEC, 2, mac(20), "192.168.1.50", "10.0.0.66", NULL);
	a = find(fx, ALERT_ROGUE_DHCP, "server 10.0.0.66");
	assert_non_null(a);
	assert_ev(a, "server_id", "10.0.0.66");
	assert_ev(a, "yiaddr", "192.168.1.50");
	assert_ev(a, "msg_type", "offer");
}

static void
test_rogue_dhcp_learned(void **state)
{
	struct fx *fx = *state;

	fx->cfg->learn_period = 3600 * SEC;
	start(fx);
	dhcp(fx, T0, 2, mac(21), "10.0.0.51", "10.0.0.1", NULL);
	dhcp(fx, T0 + 10 * MIN, 5, mac(22), "10.0.0.52", "10.0.0.2", NULL);
	dhcp(fx, T0 + 2 * 60 * MIN, 5, mac(23), "10.0.0.53", "10.0.0.1",
	    NULL);
	dhcp(fx, T0 + 2 * 60 * MIN, 2, mac(23), "10.0.0.53", "10.0.0.2",
	    NULL);
	assert_int_equal(count(fx, ALERT_ROGUE_DHCP), 0);
	dhcp(fx, T0 + 2 * 60 * MIN + SEC, 2, mac(23), "10.9.9.9", "10.0.0.99",
	    NULL);
	assert_non_null(find(fx, ALERT_ROGUE_DHCP, "server 10.0.0.99"));
	assert_string_equal(find(fx, ALERT_ROGUE_DHCP, NULL)->asset,
	    "10.0.0.99");
}

static void
test_port_scan(void **state)
{
	struct fx *fx = *state;
	const struct alert *a;
	char dst[32];

	fx->cfg->scan_allow.v = calloc(1, sizeof(struct cidr));
	assert_int_equal(cidr_parse("10.0.9.0/24", &fx->cfg->scan_allow.v[0]),
	    0);
	fx->cfg->scan_allow.n = 1;
	start(fx);
	device(fx, T0, mac(30), "10.0.0.30", "pump-03");
	/* 14 ports of a workstation: not yet. */
	for (int i = 0; i < 14; i++)
		flow_new(fx, T0 + (uint64_t)i * SEC, NULL, "10.0.0.66",
		    "10.0.0.60", 6, (uint16_t)(20 + i));
	assert_int_equal(count(fx, ALERT_PORT_SCAN), 0);
	flow_new(fx, T0 + 20 * SEC, NULL, "10.0.0.66", "10.0.0.60", 6, 3389);
	a = find(fx, ALERT_PORT_SCAN, "10.0.0.60");
	assert_non_null(a);
	assert_string_equal(a->asset, "10.0.0.66");
	assert_ev(a, "count", "15");
	assert_ev(a, "threshold", "15");
	assert_ev(a, "window_s", "300");
	assert_non_null(strstr(ev(a, "ports"), "tcp/3389"));
	/* A medical target: five ports are enough. */
	for (int i = 0; i < 4; i++)
		flow_new(fx, T0 + MIN + (uint64_t)i * SEC, NULL, "10.0.0.77",
		    "10.0.0.30", 6, (uint16_t)(100 + i));
	assert_null(find(fx, ALERT_PORT_SCAN, "10.0.0.30"));
	flow_new(fx, T0 + MIN + 5 * SEC, NULL, "10.0.0.77", "10.0.0.30", 6,
	    104);
	a = find(fx, ALERT_PORT_SCAN, "10.0.0.30");
	assert_non_null(a);
	assert_ev(a, "medical_target", "true");
	assert_ev(a, "threshold", "5");
	/* The hospital's own scanner. */
	for (int i = 0; i < 40; i++)
		flow_new(fx, T0 + 2 * MIN, NULL, "10.0.9.5", "10.0.0.61", 6,
		    (uint16_t)(1 + i));
	assert_null(find(fx, ALERT_PORT_SCAN, "10.0.0.61"));
	/* Spread over more than the window: no scan. */
	for (int i = 0; i < 20; i++)
		flow_new(fx, T0 + 10 * MIN + (uint64_t)i * 6 * MIN, NULL,
		    "10.0.0.88", "10.0.0.62", 6, (uint16_t)(1 + i));
	assert_null(find(fx, ALERT_PORT_SCAN, "10.0.0.62"));
	/* Host sweep: 24 hosts on 445, then the 25th. */
	for (int i = 0; i < 24; i++) {
		snprintf(dst, sizeof(dst), "10.0.1.%d", i + 1);
		flow_new(fx, T0 + 3 * MIN, NULL, "10.0.0.99", dst, 6, 445);
	}
	assert_int_equal(count(fx, ALERT_HOST_SWEEP), 0);
	flow_new(fx, T0 + 3 * MIN + SEC, NULL, "10.0.0.99", "10.0.2.1", 6,
	    445);
	a = find(fx, ALERT_HOST_SWEEP, "tcp/445");
	assert_non_null(a);
	assert_string_equal(a->asset, "10.0.0.99");
	assert_ev(a, "count", "25");
	/* Public hosts on 443 are browsing, not sweeping. */
	for (int i = 0; i < 40; i++) {
		snprintf(dst, sizeof(dst), "93.184.%d.1", i + 1);
		flow_new(fx, T0 + 4 * MIN, NULL, "10.0.0.98", dst, 6, 443);
	}
	assert_int_equal(count(fx, ALERT_HOST_SWEEP), 1);
}

static void
http(struct fx *fx, uint64_t ts, const char *client, const char *server,
    const char *scheme, uint64_t status)
{
	struct observation o;
	struct flow f;

	flow_make(fx, &f, client, 50000, server, 80, 6);
	on_flow(&o, OBS_HTTP, ts, &f, 0);
	(void)obs_cstr(&o, "type", "request");
	(void)obs_cstr(&o, "method", "GET");
	if (scheme != NULL)
		(void)obs_cstr(&o, "auth_scheme", scheme);
	obs_emit(fx->bus, &o);
	on_flow(&o, OBS_HTTP, ts + 1000, &f, 1);
	(void)obs_cstr(&o, "type", "response");
	(void)obs_u64(&o, "status", status);
	obs_emit(fx->bus, &o);
}

static void
ssh_record(struct fx *fx, uint64_t ts, const char *client, uint64_t pkts,
    uint64_t dur, const char *reason, const char *state)
{
	struct observation o;
	struct flow f;
	struct ward_addr c = ip(client), s = ip("10.0.0.22");

	flow_make(fx, &f, client, 50000, "10.0.0.22", 22, 6);
	on_flow(&o, OBS_FLOW, ts, &f, 0);
	(void)obs_u64(&o, "proto", 6);
	(void)obs_addr(&o, "src_ip", &c);
	(void)obs_addr(&o, "dst_ip", &s);
	(void)obs_u64(&o, "dst_port", 22);
	(void)obs_u64(&o, "pkts_toserver", pkts / 2);
	(void)obs_u64(&o, "pkts_toclient", pkts / 2);
	(void)obs_u64(&o, "bytes_toserver", pkts * 100);
	(void)obs_u64(&o, "bytes_toclient", pkts * 100);
	(void)obs_u64(&o, "start", ts - dur);
	(void)obs_u64(&o, "end", ts);
	(void)obs_cstr(&o, "reason", reason);
	if (state != NULL)
		(void)obs_cstr(&o, "state", state);
	obs_emit(fx->bus, &o);
}

static void
ssh_flow(struct fx *fx, uint64_t ts, const char *client, uint64_t pkts,
    uint64_t dur)
{
	ssh_record(fx, ts, client, pkts, dur, "closed", "closed");
}

static void
login_failed(struct fx *fx, uint64_t ts, const char *proto, uint16_t port)
{
	struct observation o;
	struct flow f;

	flow_make(fx, &f, "10.0.0.70", 50000, "10.0.0.21", port, 6);
	on_flow(&o, OBS_BANNER, ts, &f, 1);
	(void)obs_cstr(&o, "protocol", proto);
	(void)obs_cstr(&o, "role", "server");
	(void)obs_cstr(&o, "login", "failed");
	(void)obs_cstr(&o, "user", "admin");
	obs_emit(fx->bus, &o);
}

static void
test_brute_force(void **state)
{
	struct fx *fx = *state;
	const struct alert *a;
	size_t n0;

	start(fx);
	/* Nine refused Basic logins, and NTLM handshakes: not yet. */
	for (int i = 0; i < 9; i++)
		http(fx, T0 + (uint64_t)i * SEC, "10.0.0.70", "10.0.0.80",
		    "Basic", 401);
	for (int i = 0; i < 20; i++)
		http(fx, T0 + (uint64_t)i * SEC, "10.0.0.70", "10.0.0.80",
		    "NTLM", 401);
	for (int i = 0; i < 20; i++)
		http(fx, T0 + (uint64_t)i * SEC, "10.0.0.70", "10.0.0.80",
		    NULL, 401);
	assert_int_equal(count(fx, ALERT_BRUTE_FORCE), 0);
	http(fx, T0 + 30 * SEC, "10.0.0.70", "10.0.0.80", "Basic", 401);
	a = find(fx, ALERT_BRUTE_FORCE, "http on 10.0.0.80");
	assert_non_null(a);
	assert_string_equal(a->asset, "10.0.0.70");
	assert_string_equal(a->peer, "10.0.0.80");
	assert_ev(a, "failures", "10");
	assert_ev(a, "threshold", "10");
	assert_ev(a, "window_s", "300");

	/* FTP 530s from the banner dissector. */
	for (int i = 0; i < 10; i++)
		login_failed(fx, T0 + (uint64_t)i * SEC, "ftp", 21);
	a = find(fx, ALERT_BRUTE_FORCE, "ftp on 10.0.0.21");
	assert_non_null(a);
	assert_ev(a, "user", "admin");
	assert_ev(a, "port", "21");

	/* SSH: ten short sessions of hydra; long sessions do not count. */
	for (int i = 0; i < 30; i++)
		ssh_flow(fx, T0 + (uint64_t)i * SEC, "10.0.0.71", 200,
		    20 * MIN);
	assert_null(find(fx, ALERT_BRUTE_FORCE, "ssh on 10.0.0.22"));
	for (int i = 0; i < 10; i++)
		ssh_flow(fx, T0 + (uint64_t)i * 5 * SEC, "10.0.0.72", 24,
		    3 * SEC);
	a = find(fx, ALERT_BRUTE_FORCE, "ssh on 10.0.0.22");
	assert_non_null(a);
	assert_string_equal(a->asset, "10.0.0.72");
	assert_ev(a, "signal", "short ssh session");
	/*
	 * Sessions the end of the input cut while still open do not count;
	 * closed ones it flushed within their linger do.
	 */
	n0 = count(fx, ALERT_BRUTE_FORCE);
	for (int i = 0; i < 12; i++)
		ssh_record(fx, T0 + (uint64_t)i * SEC, "10.0.0.73", 24,
		    3 * SEC, "flush", "established");
	assert_int_equal(count(fx, ALERT_BRUTE_FORCE), n0);
	for (int i = 0; i < 10; i++)
		ssh_record(fx, T0 + (uint64_t)i * SEC, "10.0.0.74", 24,
		    3 * SEC, "flush", i % 2 ? "closed" : "reset");
	assert_int_equal(count(fx, ALERT_BRUTE_FORCE), n0 + 1);
	/* Failures spread over more than the window do not add up. */
	for (int i = 0; i < 12; i++)
		login_failed(fx, T0 + (uint64_t)i * 2 * MIN, "telnet", 23);
	assert_null(find(fx, ALERT_BRUTE_FORCE, "telnet on 10.0.0.21"));
}

static void
dns_answer(struct fx *fx, uint64_t ts, const char *name, uint64_t rrtype,
    const char *addr, const char *target)
{
	struct observation o;
	struct flow f;
	struct ward_addr a;

	flow_make(fx, &f, "10.0.0.30", 5353, "10.0.0.2", 53, 17);
	obs_init(&o, OBS_DNS, ts);
	o.flow = &f;
	(void)obs_cstr(&o, "name", name);
	(void)obs_u64(&o, "rrtype", rrtype);
	if (addr != NULL) {
		a = ip(addr);
		obs_subject(&o, NULL, &a);
		(void)obs_addr(&o, "addr", &a);
	} else {
		obs_subject(&o, NULL, &f.side[1].addr);
	}
	if (target != NULL)
		(void)obs_cstr(&o, "target", target);
	obs_emit(fx->bus, &o);
}

static void
test_internet(void **state)
{
	struct fx *fx = *state;
	struct str_list *dl = &fx->cfg->internet_allow_domains;
	const struct alert *a;
	char key[MAC_STRLEN];

	fx->cfg->internet_allow.v = calloc(1, sizeof(struct cidr));
	assert_int_equal(cidr_parse("52.0.0.0/8",
	    &fx->cfg->internet_allow.v[0]), 0);
	fx->cfg->internet_allow.n = 1;
	dl->v = calloc(1, sizeof(char *));
	dl->v[0] = strdup("vendor.example");
	dl->n = 1;
	start(fx);
	device(fx, T0, mac(30), "10.0.0.30", "pump-03");
	device(fx, T0, mac(31), "10.0.0.31", "ws-01");
	mac_fmt(mac(30), key, sizeof(key));
	flow_new(fx, T0 + SEC, mac(30), "10.0.0.30", "8.8.4.4", 6, 443);
	a = find(fx, ALERT_INTERNET_CONNECTION, "8.8.4.4");
	assert_non_null(a);
	assert_string_equal(a->asset, key);
	assert_ev(a, "remote", "8.8.4.4");
	assert_ev(a, "service", "tcp/443");
	assert_ev(a, "device_type", "infusion_pump");
	assert_ev(a, "remote_name", "unknown");
	/* A private peer, an allowed prefix, an allowed name (via CNAME). */
	flow_new(fx, T0 + 2 * SEC, mac(30), "10.0.0.30", "10.8.0.1", 6, 443);
	flow_new(fx, T0 + 2 * SEC, mac(30), "10.0.0.30", "52.1.2.3", 6, 443);
	dns_answer(fx, T0 + 3 * SEC, "fw.vendor.example", 5, NULL,
	    "edge.cdn.example");
	dns_answer(fx, T0 + 3 * SEC, "edge.cdn.example", 1, "23.1.1.1", NULL);
	dns_answer(fx, T0 + 3 * SEC, "api.vendor.example", 1, "23.2.2.2",
	    NULL);
	flow_new(fx, T0 + 4 * SEC, mac(30), "10.0.0.30", "23.1.1.1", 6, 443);
	flow_new(fx, T0 + 4 * SEC, mac(30), "10.0.0.30", "23.2.2.2", 6, 443);
	/* A workstation is not a medical device. */
	flow_new(fx, T0 + 5 * SEC, mac(31), "10.0.0.31", "8.8.8.8", 6, 443);
	assert_int_equal(count(fx, ALERT_INTERNET_CONNECTION), 1);
	/* A name that is not allowed is reported with the alert. */
	dns_answer(fx, T0 + 6 * SEC, "notvendor.example", 1, "23.3.3.3",
	    NULL);
	flow_new(fx, T0 + 7 * SEC, mac(30), "10.0.0.30", "23.3.3.3", 17, 123);
	a = find(fx, ALERT_INTERNET_CONNECTION, "23.3.3.3");
	assert_non_null(a);
	assert_ev(a, "remote_name", "notvendor.example");
}

static void
test_ioc(void **state)
{
	struct fx *fx = *state;
	static const char extra[] =
	    "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\n"
	    "evil.example\tIntel::DOMAIN\tfeed\tphishing\n"
	    "e7d705a3286e19ea42f587b344ee6865\tIntel::JA3\tsslbl\tbot\n";
	const struct alert *a;
	struct observation o;
	struct flow f;
	char path[1024], err[256], *slash, key[MAC_STRLEN];

	snprintf(path, sizeof(path), "%s", WARD_RULES_SRC);
	if ((slash = strrchr(path, '/')) != NULL)
		*slash = '\0';
	snprintf(path + strlen(path), sizeof(path) - strlen(path),
	    "/ioc/contec-cms8000.intel");
	fx->cfg->ioc_files.v = calloc(1, sizeof(char *));
	fx->cfg->ioc_files.v[0] = strdup(path);
	fx->cfg->ioc_files.n = 1;
	start(fx);
	assert_int_equal(ioc_parse(fx->det->ioc, extra, sizeof(extra) - 1,
	    "extra.intel", err, sizeof(err)), 0);
	arp(fx, T0, mac(40), "10.0.0.40", 1, false);
	mac_fmt(mac(40), key, sizeof(key));
	/* The CMS8000 sending patient data to its hard-coded host. */
	flow_new(fx, T0 + SEC, mac(40), "10.0.0.40", "202.114.4.120", 6, 515);
	a = find(fx, ALERT_IOC_MATCH, "Intel::ADDR 202.114.4.120");
	assert_non_null(a);
	assert_string_equal(a->asset, key);
	assert_string_equal(a->peer, "202.114.4.120");
	assert_int_equal(alert_severity(a), ALERT_SEV_CRITICAL);
	assert_non_null(strstr(ev(a, "source"), "CVE-2025-0683"));
	assert_ev(a, "service", "tcp/515");
	/* Anything else of the /24 Claroty advises blocking. */
	flow_new(fx, T0 + SEC, mac(40), "10.0.0.40", "202.114.4.7", 6, 2049);
	assert_non_null(find(fx, ALERT_IOC_MATCH,
	    "Intel::SUBNET 202.114.4.0/24"));
	/* A subdomain of a listed domain, asked. */
	flow_make(fx, &f, "10.0.0.40", 5353, "10.0.0.2", 53, 17);
	on_flow(&o, OBS_DNS, T0 + 2 * SEC, &f, 0);
	(void)obs_cstr(&o, "query", "c2.evil.example");
	obs_emit(fx->bus, &o);
	a = find(fx, ALERT_IOC_MATCH, "Intel::DOMAIN evil.example");
	assert_non_null(a);
	assert_string_equal(a->asset, key);
	assert_ev(a, "seen", "dns query for c2.evil.example");
	/* A ClientHello with a listed JA3. */
	flow_make(fx, &f, "10.0.0.40", 50000, "10.0.0.9", 443, 6);
	on_flow(&o, OBS_TLS, T0 + 3 * SEC, &f, 0);
	(void)obs_cstr(&o, "msg", "client_hello");
	(void)obs_cstr(&o, "ja3", "e7d705a3286e19ea42f587b344ee6865");
	obs_emit(fx->bus, &o);
	assert_non_null(find(fx, ALERT_IOC_MATCH,
	    "Intel::JA3 e7d705a3286e19ea42f587b344ee6865"));
	/* Benign: another public address, another name. */
	flow_new(fx, T0 + 4 * SEC, mac(40), "10.0.0.40", "202.114.5.1", 6, 80);
	on_flow(&o, OBS_DNS, T0 + 2 * SEC, &f, 0);
	(void)obs_cstr(&o, "query", "notevil.example");
	obs_emit(fx->bus, &o);
	assert_int_equal(count(fx, ALERT_IOC_MATCH), 4);
}

static void
mqtt(struct fx *fx, uint64_t ts, const char *client, const char *type,
    const char *key, const char *value, bool flag)
{
	struct observation o;
	struct flow f;

	flow_make(fx, &f, client, 50000, "10.0.0.20", 1883, 6);
	on_flow(&o, OBS_MQTT, ts, &f, 0);
	(void)obs_cstr(&o, "type", type);
	(void)obs_cstr(&o, "client_id", "pump-7");
	if (strcmp(key, "auth") == 0 || strcmp(key, "subscribe_all") == 0)
		(void)obs_bool(&o, key, flag);
	if (value != NULL)
		(void)obs_cstr(&o, "topics", value);
	obs_emit(fx->bus, &o);
}

static void
test_mqtt(void **state)
{
	struct fx *fx = *state;
	const struct alert *a;

	start(fx);
	mqtt(fx, T0, "10.0.0.31", "connect", "auth", NULL, true);
	assert_int_equal(count(fx, ALERT_MQTT_UNAUTHENTICATED), 0);
	mqtt(fx, T0, "10.0.0.32", "connect", "auth", NULL, false);
	a = find(fx, ALERT_MQTT_UNAUTHENTICATED, "broker 10.0.0.20:1883");
	assert_non_null(a);
	assert_string_equal(a->asset, "10.0.0.32");
	assert_ev(a, "client_id", "pump-7");
	mqtt(fx, T0, "10.0.0.31", "subscribe", "", "pumps/+/status", false);
	assert_int_equal(count(fx, ALERT_MQTT_SUBSCRIBE_ALL), 0);
	mqtt(fx, T0, "10.0.0.33", "subscribe", "", "a/b,$SYS/#", false);
	a = find(fx, ALERT_MQTT_SUBSCRIBE_ALL, "broker 10.0.0.20:1883");
	assert_non_null(a);
	assert_string_equal(a->asset, "10.0.0.33");
	assert_int_equal(alert_severity(a), ALERT_SEV_HIGH);
	mqtt(fx, T0, "10.0.0.34", "subscribe", "subscribe_all", "#", true);
	assert_int_equal(count(fx, ALERT_MQTT_SUBSCRIBE_ALL), 2);
}

static void
test_medical_streams(void **state)
{
	struct fx *fx = *state;
	const struct alert *a;
	struct observation o;
	struct flow f;

	start(fx);
	flow_make(fx, &f, "10.0.0.50", 50000, "10.0.0.51", 104, 6);
	on_flow(&o, OBS_MALFORMED, T0, &f, 0);
	(void)obs_cstr(&o, "proto", "dicom");
	(void)obs_cstr(&o, "what", "PDU type 9");
	(void)obs_cstr(&o, "counter", "dicom.bad_pdu_type");
	obs_emit(fx->bus, &o);
	a = find(fx, ALERT_MALFORMED_MEDICAL, "dicom.bad_pdu_type 10.0.0.51");
	assert_non_null(a);
	assert_string_equal(a->asset, "10.0.0.50");
	assert_ev(a, "what", "PDU type 9");
	on_flow(&o, OBS_MALFORMED, T0, &f, 0);
	(void)obs_cstr(&o, "proto", "tls");
	(void)obs_cstr(&o, "counter", "tls.bad_record");
	obs_emit(fx->bus, &o);
	assert_int_equal(count(fx, ALERT_MALFORMED_MEDICAL), 1);

	on_flow(&o, OBS_DICOM_FILE, T0, &f, 0);
	(void)obs_cstr(&o, "carrier", "http");
	(void)obs_cstr(&o, "preamble", "zero");
	(void)obs_bool(&o, "cve_2019_11687", false);
	obs_emit(fx->bus, &o);
	assert_int_equal(count(fx, ALERT_DICOM_EXECUTABLE), 0);
	on_flow(&o, OBS_DICOM_FILE, T0, &f, 0);
	(void)obs_cstr(&o, "carrier", "http");
	(void)obs_cstr(&o, "preamble", "pe");
	(void)obs_bool(&o, "cve_2019_11687", true);
	(void)obs_cstr(&o, "sop_class", "1.2.840.10008.5.1.4.1.1.2");
	obs_emit(fx->bus, &o);
	a = find(fx, ALERT_DICOM_EXECUTABLE, "pe via http to 10.0.0.51");
	assert_non_null(a);
	assert_int_equal(alert_severity(a), ALERT_SEV_CRITICAL);
	assert_ev(a, "preamble", "pe");
	assert_ev(a, "carrier", "http");
	assert_ev(a, "sop_class", "1.2.840.10008.5.1.4.1.1.2");

	/* A-ASSOCIATE-RJ ten times: AE titles being guessed. */
	for (int i = 0; i < 10; i++) {
		flow_make(fx, &f, "10.0.0.52", 50000, "10.0.0.51", 104, 6);
		on_flow(&o, OBS_DICOM, T0 + (uint64_t)i * SEC, &f, 1);
		(void)obs_cstr(&o, "pdu", "associate_rj");
		(void)obs_u64(&o, "reason", 3);
		obs_emit(fx->bus, &o);
	}
	a = find(fx, ALERT_BRUTE_FORCE, "dicom on 10.0.0.51");
	assert_non_null(a);
	assert_string_equal(a->asset, "10.0.0.52");
}

static void
test_cleartext_credential(void **state)
{
	struct fx *fx = *state;
	const struct alert *a;
	struct observation o;
	struct flow f;

	start(fx);
	flow_make(fx, &f, "10.0.0.60", 50000, "10.0.0.61", 21, 6);
	on_flow(&o, OBS_CREDENTIAL, T0, &f, 0);
	(void)obs_cstr(&o, "protocol", "postgresql");
	(void)obs_cstr(&o, "scheme", "md5");
	(void)obs_cstr(&o, "user", "emr");
	(void)obs_bool(&o, "password", false);
	obs_emit(fx->bus, &o);
	assert_int_equal(count(fx, ALERT_CLEARTEXT_CREDENTIAL), 0);
	on_flow(&o, OBS_CREDENTIAL, T0, &f, 0);
	(void)obs_cstr(&o, "protocol", "ftp");
	(void)obs_cstr(&o, "scheme", "user-pass");
	(void)obs_cstr(&o, "user", "radiology");
	(void)obs_bool(&o, "password", true);
	obs_emit(fx->bus, &o);
	a = find(fx, ALERT_CLEARTEXT_CREDENTIAL, "ftp to 10.0.0.61");
	assert_non_null(a);
	assert_string_equal(a->asset, "10.0.0.60");
	assert_ev(a, "protocol", "ftp");
	assert_ev(a, "scheme", "user-pass");
	assert_ev(a, "user", "radiology");
	assert_null(ev(a, "password"));
}

/* Emits an FTP login of user in clear from 10.0.0.60 to 10.0.0.61. */
static void
ftp_login(struct fx *fx, struct flow *f, const char *user, uint64_t ts)
{
	struct observation o;

	on_flow(&o, OBS_CREDENTIAL, ts, f, 0);
	(void)obs_cstr(&o, "protocol", "ftp");
	(void)obs_cstr(&o, "scheme", "user-pass");
	(void)obs_cstr(&o, "user", user);
	(void)obs_bool(&o, "password", true);
	obs_emit(fx->bus, &o);
}

/*
 * A login a device makes in clear while its baseline learns is its habit:
 * the same login later is quiet, another user (or server, or protocol)
 * alerts.
 */
static void
test_cleartext_habit(void **state)
{
	struct fx *fx = *state;
	const struct alert *a;
	struct flow f;

	fx->cfg->mode = DETECT_LEARN;
	start(fx);
	device(fx, T0, mac(60), "10.0.0.60", "ws-60");
	flow_make(fx, &f, "10.0.0.60", 50000, "10.0.0.61", 21, 6);
	ftp_login(fx, &f, "radiology", T0 + 1);
	assert_int_equal(count(fx, ALERT_CLEARTEXT_CREDENTIAL), 0);
	fx->cfg->mode = DETECT_ENFORCE;
	ftp_login(fx, &f, "radiology", T0 + 2);
	assert_int_equal(count(fx, ALERT_CLEARTEXT_CREDENTIAL), 0);
	ftp_login(fx, &f, "admin", T0 + 3);
	assert_int_equal(count(fx, ALERT_CLEARTEXT_CREDENTIAL), 1);
	a = find(fx, ALERT_CLEARTEXT_CREDENTIAL, "ftp to 10.0.0.61");
	assert_non_null(a);
	assert_ev(a, "user", "admin");
	/* Pending review now: it alerts again (the engine counts it). */
	ftp_login(fx, &f, "admin", T0 + 4);
	assert_int_equal(count(fx, ALERT_CLEARTEXT_CREDENTIAL), 1);
}

static void
test_inventory_changes(void **state)
{
	struct fx *fx = *state;
	const struct alert *a;
	char key[MAC_STRLEN];

	start(fx);
	device(fx, T0, mac(50), "10.0.0.50", "pump-50");
	inv_track(fx->inv, T0);
	mac_fmt(mac(50), key, sizeof(key));
	/* The same device names itself otherwise. */
	device(fx, T0 + MIN, mac(50), "10.0.0.50", "pump-51");
	inv_track(fx->inv, T0 + MIN);
	a = find(fx, ALERT_IDENTITY_CHANGE, "hostname_changed");
	assert_non_null(a);
	assert_string_equal(a->asset, key);
	assert_ev(a, "old", "pump-50");
	assert_ev(a, "new", "pump-51");
	/* Silent for an hour: a life-critical device offline is high. */
	inv_track(fx->inv, T0 + 60 * MIN);
	a = find(fx, ALERT_DEVICE_OFFLINE, NULL);
	assert_non_null(a);
	assert_string_equal(a->asset, key);
	assert_int_equal(alert_severity(a), ALERT_SEV_HIGH);
	assert_ev(a, "life_critical", "true");
	/*
	 * Another MAC claims the address while its holder is live: the ARP
	 * rule's arp_spoof says so, and the inventory's move of the same
	 * address, held until the tick, is not raised again.
	 */
	arp(fx, T0 + 61 * MIN, mac(50), "10.0.0.50", 1, false);
	arp(fx, T0 + 61 * MIN + SEC, mac(51), "10.0.0.50", 2, true);
	detector_tick(fx->det, T0 + 61 * MIN + 2 * SEC);
	assert_non_null(find(fx, ALERT_ARP_SPOOF, "ip 10.0.0.50"));
	assert_null(find(fx, ALERT_IDENTITY_CHANGE, "mac_for_ip 10.0.0.50"));
	/*
	 * An address whose holder has been gone for hours, taken by another
	 * MAC: no spoof, but the move is an identity change, high.
	 */
	arp(fx, T0 + 62 * MIN, mac(52), "10.0.0.70", 1, false);
	arp(fx, T0 + 62 * MIN + 3 * 60 * MIN, mac(53), "10.0.0.70", 1,
	    false);
	detector_tick(fx->det, T0 + 62 * MIN + 3 * 60 * MIN + SEC);
	assert_null(find(fx, ALERT_ARP_SPOOF, "ip 10.0.0.70"));
	assert_null(find(fx, ALERT_IP_CONFLICT, "ip 10.0.0.70"));
	a = find(fx, ALERT_IDENTITY_CHANGE, "mac_for_ip 10.0.0.70");
	assert_non_null(a);
	assert_int_equal(alert_severity(a), ALERT_SEV_HIGH);
}

static void
test_disabled_type(void **state)
{
	struct fx *fx = *state;

	fx->cfg->alerts[ALERT_ARP_SPOOF].disabled = true;
	start(fx);
	arp(fx, T0, mac(1), "10.0.0.5", 1, false);
	arp(fx, T0 + SEC, mac(2), "10.0.0.5", 2, false);
	assert_int_equal(count(fx, ALERT_ARP_SPOOF), 0);
	detector_tick(fx->det, T0 + 60 * MIN);
	assert_true(detector_stats(fx->det)->rule_state_bytes > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_arp_spoof, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_dhcp_release_is_not_spoofing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dhcp_starvation_forged,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_arp_sweep, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dhcp_starvation, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rogue_dhcp_listed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rogue_dhcp_learned, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_port_scan, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_brute_force, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_internet, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ioc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mqtt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_medical_streams, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cleartext_habit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cleartext_credential,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_inventory_changes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_disabled_type, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
