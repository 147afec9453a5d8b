/*
 * test_inventory.c - observations folded into assets: bindings and their
 * strength, routers, names from DHCP/DNS/mDNS/NBNS, DHCP fingerprints,
 * services, peers, and vendors from the real IEEE registry.
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
#include "ward/decode.h"
#include "ward/ident.h"
#include "ward/oui.h"

#define SEC 1000000ULL

struct fixture {
	struct obs_bus	*bus;
	struct inventory *inv;
	struct oui_db	*oui;
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char err[256];

	fx->bus = obs_bus_new();
	fx->oui = oui_load(WARD_OUI_DIR, err, sizeof(err));
	fx->inv = inv_new(fx->oui);
	assert_int_equal(inv_attach(fx->inv, fx->bus), 0);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	inv_free(fx->inv);
	oui_free(fx->oui);
	obs_bus_free(fx->bus);
	free(fx);
	return 0;
}

static uint8_t *
mac(const char *s)
{
	static uint8_t m[4][6];
	static int i;

	i = (i + 1) % 4;
	assert_int_equal(mac_parse(s, m[i]), 0);
	return m[i];
}

static struct ward_addr
ip(const char *s)
{
	struct ward_addr a;

	assert_int_equal(addr_parse(s, &a), 0);
	return a;
}

static void
arp(struct fixture *fx, const char *m, const char *i, uint64_t ts)
{
	struct observation o;
	struct ward_addr a = ip(i);

	obs_init(&o, OBS_ARP, ts);
	obs_subject(&o, mac(m), &a);
	obs_u64(&o, "op", 1);
	obs_emit(fx->bus, &o);
}

static void
flow(struct fixture *fx, const char *smac, const char *sip,
    const char *dmac, const char *dip, uint64_t pkts_in, uint64_t ts)
{
	struct observation o;
	struct ward_addr s = ip(sip), d = ip(dip);

	obs_init(&o, OBS_FLOW, ts);
	obs_u64(&o, "proto", IPPROTO_TCP_);
	obs_addr(&o, "src_ip", &s);
	obs_addr(&o, "dst_ip", &d);
	obs_u64(&o, "src_port", 40000);
	obs_u64(&o, "dst_port", 443);
	if (smac != NULL)
		obs_mac(&o, "src_mac", mac(smac));
	if (dmac != NULL)
		obs_mac(&o, "dst_mac", mac(dmac));
	obs_u64(&o, "pkts_toserver", 3);
	obs_u64(&o, "pkts_toclient", pkts_in);
	obs_u64(&o, "bytes_toserver", 300);
	obs_u64(&o, "bytes_toclient", pkts_in * 1000);
	obs_u64(&o, "start", ts - SEC);
	obs_emit(fx->bus, &o);
}

static bool
has_ip(const struct asset *a, const char *s, uint32_t src)
{
	struct ward_addr want = ip(s);

	for (size_t i = 0; i < a->nips; i++)
		if (addr_eq(&a->ips[i].addr, &want))
			return (a->ips[i].sources & src) == src;
	return false;
}

static void
test_arp_binding_and_vendor(void **state)
{
	struct fixture *fx = *state;
	struct asset *a;

	/* 00:00:0c is Cisco's first block in the IEEE MA-L registry. */
	arp(fx, "00:00:0c:12:34:56", "10.1.0.1", 5 * SEC);
	a = inv_find_mac(fx->inv, mac("00:00:0c:12:34:56"));
	assert_non_null(a);
	assert_true(has_ip(a, "10.1.0.1", IPSRC_ARP));
	assert_ptr_equal(inv_find_ip(fx->inv, &(struct ward_addr){ 0 }), NULL);
	if (fx->oui != NULL) {
		assert_non_null(a->vendor);
		assert_non_null(strstr(a->vendor, "Cisco"));
	}
	assert_int_equal(a->first, 5 * SEC);
	assert_int_equal(inv_count(fx->inv), 1);
}

static void
test_dhcp_fingerprint_and_lease(void **state)
{
	struct fixture *fx = *state;
	static const uint8_t params[] = { 1, 3, 6, 15, 119, 252 };
	static const uint8_t cid[] = { 1, 0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xcc };
	struct observation o;
	struct ward_addr yi = ip("10.1.0.50"), sv = ip("10.1.0.1");
	const struct asset_dhcp *d;
	struct asset *a, *s;

	obs_init(&o, OBS_DHCP, 10 * SEC);
	obs_subject(&o, mac("00:1b:21:aa:bb:cc"), NULL);
	obs_u64(&o, "op", 1);
	obs_u64(&o, "msg_type", 1);
	obs_mac(&o, "chaddr", mac("00:1b:21:aa:bb:cc"));
	obs_cstr(&o, "hostname", "ct-scanner-01");
	obs_cstr(&o, "vendor_class", "GEHC CT");
	obs_list(&o, "params", params, sizeof(params));
	obs_hex(&o, "client_id", cid, sizeof(cid));
	obs_emit(fx->bus, &o);

	obs_init(&o, OBS_DHCP, 11 * SEC);
	obs_u64(&o, "op", 2);
	obs_u64(&o, "msg_type", 5);
	obs_mac(&o, "chaddr", mac("00:1b:21:aa:bb:cc"));
	obs_addr(&o, "yiaddr", &yi);
	obs_addr(&o, "server_ip", &sv);
	obs_mac(&o, "server_mac", mac("52:54:00:00:00:01"));
	obs_emit(fx->bus, &o);

	a = inv_find_mac(fx->inv, mac("00:1b:21:aa:bb:cc"));
	assert_non_null(a);
	assert_true(has_ip(a, "10.1.0.50", IPSRC_DHCP));
	assert_string_equal(asset_hostname(a), "ct-scanner-01");
	d = asset_dhcp_latest(a);
	assert_non_null(d);
	assert_string_equal(d->params, "1,3,6,15,119,252");
	assert_string_equal(d->vendor_class, "GEHC CT");
	assert_string_equal(d->client_id, "01001b21aabbcc");
	assert_ptr_equal(inv_find_ip(fx->inv, &yi), a);

	s = inv_find_mac(fx->inv, mac("52:54:00:00:00:01"));
	assert_non_null(s);
	assert_int_equal(s->nservices, 1);
	assert_int_equal(s->services[0].port, 67);
	assert_true(has_ip(s, "10.1.0.1", IPSRC_TRAFFIC));
}

static void
test_router_and_hosts_behind_it(void **state)
{
	struct fixture *fx = *state;
	const char *router = "00:00:0c:99:99:99", *host = "00:1b:21:00:00:01";
	struct asset *r, *b;
	char buf[32];

	arp(fx, router, "10.1.0.1", SEC);
	arp(fx, host, "10.1.0.20", SEC);
	/* Four devices of another subnet reach us through the router. */
	for (int i = 1; i <= 4; i++) {
		snprintf(buf, sizeof(buf), "10.2.0.%d", i);
		flow(fx, router, buf, host, "10.1.0.20", 2, (uint64_t)(i + 1) *
		    SEC);
	}
	r = inv_find_mac(fx->inv, mac(router));
	assert_true(r->router);
	assert_true(has_ip(r, "10.1.0.1", IPSRC_ARP));	/* its own stays */
	for (int i = 1; i <= 4; i++) {
		struct ward_addr a;

		snprintf(buf, sizeof(buf), "10.2.0.%d", i);
		a = ip(buf);
		b = inv_find_ip(fx->inv, &a);
		assert_non_null(b);
		assert_false(b->by_mac);
		assert_true(addr_eq(&b->key_ip, &a));
		assert_false(has_ip(r, buf, IPSRC_TRAFFIC));
	}
	/* A fifth goes straight to an IP-keyed asset. */
	flow(fx, router, "10.2.0.5", host, "10.1.0.20", 2, 9 * SEC);
	b = inv_find_ip(fx->inv, &(struct ward_addr){ 4, { 10, 2, 0, 5 } });
	assert_non_null(b);
	assert_false(b->by_mac);
	assert_int_equal(inv_count(fx->inv), 2 + 5);
}

static void
test_public_peers_are_not_assets(void **state)
{
	struct fixture *fx = *state;
	struct asset *a;

	flow(fx, "00:1b:21:00:00:02", "10.1.0.30", "00:00:0c:99:99:99",
	    "93.184.216.34", 5, 3 * SEC);
	assert_int_equal(inv_count(fx->inv), 2);	/* host and gateway */
	a = inv_find_mac(fx->inv, mac("00:1b:21:00:00:02"));
	assert_int_equal(a->npeers, 1);
	assert_int_equal(a->peers[0].bytes_out, 300);
	assert_int_equal(a->peers[0].bytes_in, 5000);
	assert_int_equal(a->peers[0].pkts_in, 5);
	assert_int_equal(a->bytes_in, 5000);
	a = inv_find_mac(fx->inv, mac("00:00:0c:99:99:99"));
	assert_int_equal(a->nips, 0);	/* the internet is not its IP */
	/* No reply, no responder asset: a scanned address proves nothing. */
	flow(fx, "00:1b:21:00:00:02", "10.1.0.30", "ff:ff:ff:ff:ff:ff",
	    "10.1.0.99", 0, 4 * SEC);
	assert_null(inv_find_ip(fx->inv, &(struct ward_addr){ 4,
	    { 10, 1, 0, 99 } }));
	/* A known device that only received still counts what it got. */
	a = inv_find_mac(fx->inv, mac("00:1b:21:00:00:02"));
	flow(fx, "00:00:0c:99:99:99", "10.1.0.1", "00:1b:21:00:00:02",
	    "10.1.0.30", 0, 5 * SEC);
	assert_int_equal(a->npeers, 2);
	assert_int_equal(a->pkts_in, 5 + 3);
	assert_int_equal(a->bytes_in, 5000 + 300);
	/* Broadcast and multicast audiences are not peers. */
	flow(fx, "00:1b:21:00:00:02", "10.1.0.30", "ff:ff:ff:ff:ff:ff",
	    "10.1.0.255", 0, 6 * SEC);
	flow(fx, "00:1b:21:00:00:02", "10.1.0.30", "01:00:5e:00:00:fb",
	    "224.0.0.251", 0, 6 * SEC);
	assert_int_equal(a->npeers, 2);
	assert_int_equal(a->pkts_out, 3 + 3 + 3 + 3);
}

static void
test_names_from_dns_before_and_after(void **state)
{
	struct fixture *fx = *state;
	struct observation o;
	struct ward_addr pacs = ip("10.1.0.5"), pc = ip("10.1.0.6");
	struct asset *a;

	/* The DNS answer comes before the PACS says anything. */
	obs_init(&o, OBS_DNS, SEC);
	obs_cstr(&o, "name", "pacs.hospital.example.");
	obs_u64(&o, "rrtype", 1);
	obs_addr(&o, "addr", &pacs);
	obs_subject(&o, NULL, &pacs);
	obs_emit(fx->bus, &o);
	assert_int_equal(inv_count(fx->inv), 0);
	arp(fx, "00:1b:21:00:00:05", "10.1.0.5", 2 * SEC);
	a = inv_find_ip(fx->inv, &pacs);
	assert_non_null(a);
	assert_string_equal(asset_hostname(a), "pacs.hospital.example");

	/* mDNS names the sender; NBNS names win over DNS but not DHCP. */
	arp(fx, "00:1b:21:00:00:06", "10.1.0.6", 3 * SEC);
	/* Asking for a name is not claiming it. */
	obs_init(&o, OBS_NBNS, 4 * SEC);
	obs_subject(&o, mac("00:1b:21:00:00:06"), &pc);
	obs_cstr(&o, "name", "PACS-01");
	obs_u64(&o, "suffix", 0x20);
	obs_u64(&o, "opcode", 0);
	obs_bool(&o, "response", false);
	obs_emit(fx->bus, &o);
	assert_int_equal(inv_find_ip(fx->inv, &pc)->nnames, 0);
	obs_init(&o, OBS_NBNS, 4 * SEC);
	obs_cstr(&o, "name", "NURSE-WS-3");
	obs_u64(&o, "suffix", 0);
	obs_u64(&o, "opcode", 0);
	obs_bool(&o, "response", true);
	obs_addr(&o, "addr", &pc);
	obs_emit(fx->bus, &o);
	obs_init(&o, OBS_DNS, 5 * SEC);
	obs_cstr(&o, "name", "ws3.hospital.example");
	obs_u64(&o, "rrtype", 1);
	obs_addr(&o, "addr", &pc);
	obs_emit(fx->bus, &o);
	a = inv_find_ip(fx->inv, &pc);
	assert_int_equal(a->nnames, 2);
	assert_string_equal(asset_hostname(a), "NURSE-WS-3");
	obs_init(&o, OBS_MDNS, 6 * SEC);
	obs_subject(&o, mac("00:1b:21:00:00:06"), &pc);
	obs_cstr(&o, "name", "ws3.local.");
	obs_u64(&o, "rrtype", 1);
	obs_addr(&o, "addr", &pc);
	obs_emit(fx->bus, &o);
	assert_string_equal(asset_hostname(a), "ws3.local");
	/* Group names and service names are not host names. */
	/* DNS-SD PTR targets are service instances, not host names. */
	obs_init(&o, OBS_MDNS, 6 * SEC);
	obs_subject(&o, mac("00:1b:21:00:00:06"), &pc);
	obs_cstr(&o, "name", "_workstation._tcp.local.");
	obs_u64(&o, "rrtype", 12);
	obs_cstr(&o, "target", "ws3 [00:1b:21:00:00:06]._workstation._tcp.local.");
	obs_emit(fx->bus, &o);
	assert_int_equal(a->nnames, 3);
	obs_init(&o, OBS_NBNS, 7 * SEC);
	obs_bool(&o, "response", true);
	obs_cstr(&o, "name", "WORKGROUP");
	obs_u64(&o, "suffix", 0);
	obs_bool(&o, "group", true);
	obs_addr(&o, "addr", &pc);
	obs_emit(fx->bus, &o);
	assert_int_equal(a->nnames, 3);
}

static void
test_ip_keyed_asset_absorbed_when_seen_on_link(void **state)
{
	struct fixture *fx = *state;
	struct ward_addr x = ip("10.1.0.77");
	struct asset *a;

	/* Seen first without a MAC (e.g. from a routed capture)... */
	flow(fx, NULL, "10.1.0.77", NULL, "10.1.0.78", 1, SEC);
	a = inv_find_ip(fx->inv, &x);
	assert_non_null(a);
	assert_false(a->by_mac);
	assert_int_equal(inv_count(fx->inv), 2);
	/* ...then on the link: one asset, keyed by MAC, keeping its peers. */
	arp(fx, "00:1b:21:00:00:77", "10.1.0.77", 2 * SEC);
	a = inv_find_ip(fx->inv, &x);
	assert_true(a->by_mac);
	assert_int_equal(inv_count(fx->inv), 2);
	assert_int_equal(a->npeers, 1);
	assert_int_equal(a->bytes_out, 300);
}

static void
test_service_and_strong_binding_kept(void **state)
{
	struct fixture *fx = *state;
	struct observation o;
	struct ward_addr s = ip("10.1.0.9"), d = ip("10.1.0.10");
	struct asset *a;

	arp(fx, "00:1b:21:00:00:10", "10.1.0.10", SEC);
	obs_init(&o, OBS_SERVICE, 2 * SEC);
	obs_u64(&o, "proto", IPPROTO_TCP_);
	obs_addr(&o, "src_ip", &s);
	obs_addr(&o, "dst_ip", &d);
	obs_u64(&o, "dst_port", 104);
	obs_mac(&o, "dst_mac", mac("00:1b:21:00:00:10"));
	obs_emit(fx->bus, &o);
	a = inv_find_ip(fx->inv, &d);
	assert_int_equal(a->nservices, 1);
	assert_int_equal(a->services[0].port, 104);
	/* Traffic from another MAC with that IP does not take it over. */
	flow(fx, "00:1b:21:00:00:66", "10.1.0.10", NULL, "10.1.0.9", 0,
	    3 * SEC);
	assert_ptr_equal(inv_find_ip(fx->inv, &d), a);
}

static void
test_sorted(void **state)
{
	struct fixture *fx = *state;
	struct asset **v;
	size_t n;

	arp(fx, "00:1b:21:00:00:03", "10.1.0.3", SEC);
	arp(fx, "00:1b:21:00:00:01", "10.1.0.11", SEC);
	arp(fx, "00:1b:21:00:00:02", "10.1.0.2", SEC);
	v = inv_sorted(fx->inv, &n);
	assert_int_equal(n, 3);
	assert_int_equal(v[0]->mac[5], 2);
	assert_int_equal(v[1]->mac[5], 3);
	assert_int_equal(v[2]->mac[5], 1);
	free(v);
}

static int model_changes;

static void
count_model(const struct asset *a, enum asset_change c, const char *detail,
    uint64_t ts, void *arg)
{
	(void)a;
	(void)ts;
	(void)arg;
	if (c == ASSET_NEW_MODEL) {
		assert_string_equal(asset_change_name(c), "new_model");
		assert_non_null(detail);
		model_changes++;
	}
}

static void
mdns_txt(struct fixture *fx, const char *m, const char *i, const char *name,
    const char *model, uint64_t ts)
{
	struct observation o;
	struct ward_addr a = ip(i);

	obs_init(&o, OBS_MDNS, ts);
	obs_subject(&o, mac(m), &a);
	obs_cstr(&o, "name", name);
	obs_u64(&o, "rrtype", 16);
	if (model != NULL)
		obs_cstr(&o, "model", model);
	obs_emit(fx->bus, &o);
}

/* An mDNS TXT record's model becomes the sender's, source mdns. */
static void
test_model_from_mdns(void **state)
{
	struct fixture *fx = *state;
	struct ward_addr pump = ip("10.1.0.40");
	struct observation o;
	struct asset *a;

	model_changes = 0;
	inv_on_change(fx->inv, count_model, NULL);
	mdns_txt(fx, "00:1b:21:00:00:40", "10.1.0.40",
	    "Pump._http._tcp.local", NULL, SEC);
	assert_null(inv_find_ip(fx->inv, &pump));
	mdns_txt(fx, "00:1b:21:00:00:40", "10.1.0.40",
	    "Pump._device-info._tcp.local", "Alaris 8015", 2 * SEC);
	a = inv_find_ip(fx->inv, &pump);
	assert_non_null(a);
	assert_memory_equal(a->mac, mac("00:1b:21:00:00:40"), 6);
	assert_string_equal(a->model, "Alaris 8015");
	assert_string_equal(a->model_source, "mdns");
	assert_int_equal(model_changes, 1);
	/* The same model again is no change; a new one replaces it. */
	mdns_txt(fx, "00:1b:21:00:00:40", "10.1.0.40",
	    "Pump._device-info._tcp.local", "Alaris 8015", 3 * SEC);
	assert_int_equal(model_changes, 1);
	assert_int_equal(a->model_last, 3 * SEC);
	mdns_txt(fx, "00:1b:21:00:00:40", "10.1.0.40",
	    "Pump._device-info._tcp.local", "Alaris 8100", 4 * SEC);
	assert_string_equal(a->model, "Alaris 8100");
	assert_int_equal(model_changes, 2);
	/* A unicast DNS record never sets a model. */
	obs_init(&o, OBS_DNS, 5 * SEC);
	obs_subject(&o, NULL, &pump);
	obs_cstr(&o, "name", "x._device-info._tcp.example.org");
	obs_u64(&o, "rrtype", 16);
	obs_cstr(&o, "model", "Spoofed");
	obs_emit(fx->bus, &o);
	assert_string_equal(a->model, "Alaris 8100");
	assert_int_equal(model_changes, 2);
}

/*
 * Identification follows what the device shows: a later data set adds
 * the vendor; an asset that shows nothing new keeps its verdict (it is not
 * evaluated again, which a rule set swapped under it reveals).
 */
static void
test_identify_follows_attributes(void **state)
{
	static const char text[] =
	    "version: 1\nrules:\n"
	    "  - { id: ct, source: s, when: { dicom.modality: CT }, "
	    "type: ct, weight: 0.9 }\n"
	    "  - { id: ge, source: s, when: { dicom.manufacturer: 'GE*' }, "
	    "vendor: GE HealthCare, weight: 0.9 }\n";
	static const char other[] =
	    "version: 1\nrules:\n"
	    "  - { id: mr, source: s, when: { dicom.modality: CT }, "
	    "type: mri, weight: 0.9 }\n";
	struct fixture *fx = *state;
	struct ident_rules *rs, *rs2;
	struct observation o;
	struct ward_addr a = ip("10.0.0.21");
	struct asset *as;
	char err[256];

	rs = ident_rules_parse(text, sizeof(text) - 1, "t", err, sizeof(err));
	rs2 = ident_rules_parse(other, sizeof(other) - 1, "t", err,
	    sizeof(err));
	assert_non_null(rs);
	assert_non_null(rs2);
	arp(fx, "02:00:00:00:00:21", "10.0.0.21", SEC);
	obs_init(&o, OBS_DICOM, 2 * SEC);
	obs_subject(&o, mac("02:00:00:00:00:21"), &a);
	obs_cstr(&o, "pdu", "dataset");
	obs_cstr(&o, "command", "C-STORE-RQ");
	obs_cstr(&o, "modality", "CT");
	obs_emit(fx->bus, &o);
	assert_int_equal(inv_identify(fx->inv, rs), 0);
	as = inv_find_mac(fx->inv, mac("02:00:00:00:00:21"));
	assert_non_null(as);
	assert_string_equal(as->ident->value[IDENT_TYPE], "ct");
	assert_string_equal(as->ident->value[IDENT_VENDOR], "");

	/* Nothing new: the verdict stays, whatever the rules now say. */
	assert_int_equal(inv_identify(fx->inv, rs2), 0);
	assert_string_equal(as->ident->value[IDENT_TYPE], "ct");

	obs_init(&o, OBS_DICOM, 3 * SEC);
	obs_subject(&o, mac("02:00:00:00:00:21"), &a);
	obs_cstr(&o, "pdu", "dataset");
	obs_cstr(&o, "command", "C-STORE-RQ");
	obs_cstr(&o, "manufacturer", "GE MEDICAL SYSTEMS");
	obs_emit(fx->bus, &o);
	assert_int_equal(inv_identify(fx->inv, rs), 0);
	assert_string_equal(as->ident->value[IDENT_VENDOR], "GE HealthCare");
	assert_int_equal(as->ident->nev, 2);
	ident_rules_free(rs);
	ident_rules_free(rs2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_arp_binding_and_vendor,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_dhcp_fingerprint_and_lease,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_router_and_hosts_behind_it,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_public_peers_are_not_assets, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_names_from_dns_before_and_after, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_ip_keyed_asset_absorbed_when_seen_on_link, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_service_and_strong_binding_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sorted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_from_mdns, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_identify_follows_attributes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
