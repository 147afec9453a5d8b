/*
 * test_track.c - identity over time: the cadence of an asset and its
 * online state on capture time (the floor, the multiplier, silences that
 * end in a return, silences still going on), changes of the verdict, the
 * hostname and the DHCP fingerprint from one known value to another, and
 * an IP taken over by another MAC, reported at most once a minute.
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
#include "ward/ident.h"

#define SEC 1000000ULL
#define MIN (60 * SEC)
#define T0 (1795300000ULL * SEC)

struct event {
	enum asset_change	 change;
	char			 key[ADDR_STRLEN];
	char			 detail[64];
	char			 old_value[128];
	char			 new_value[128];
	uint64_t		 ts;
};

struct fixture {
	struct obs_bus		*bus;
	struct inventory	*inv;
	struct event		 ev[64];
	size_t			 nev;
};

static void
on_change(const struct asset *a, enum asset_change c, const char *detail,
    uint64_t ts, void *arg)
{
	struct fixture *fx = arg;
	const struct asset_change_info *info = inv_change_info(fx->inv);
	struct event *e;

	if (!asset_change_is_identity(c) || fx->nev >= 64)
		return;
	assert_non_null(info);
	e = &fx->ev[fx->nev++];
	e->change = c;
	asset_key(a, e->key, sizeof(e->key));
	snprintf(e->detail, sizeof(e->detail), "%s", detail ? detail : "");
	snprintf(e->old_value, sizeof(e->old_value), "%s", info->old_value);
	snprintf(e->new_value, sizeof(e->new_value), "%s", info->new_value);
	e->ts = ts;
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	fx->bus = obs_bus_new();
	fx->inv = inv_new(NULL);
	assert_int_equal(inv_attach(fx->inv, fx->bus), 0);
	assert_int_equal(inv_on_change(fx->inv, on_change, fx), 0);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	inv_free(fx->inv);
	obs_bus_free(fx->bus);
	free(fx);
	return 0;
}

static void
arp(struct fixture *fx, const char *m, const char *i, uint64_t ts)
{
	struct observation o;
	struct ward_addr a;
	uint8_t mac[6];

	assert_int_equal(mac_parse(m, mac), 0);
	assert_int_equal(addr_parse(i, &a), 0);
	obs_init(&o, OBS_ARP, ts);
	obs_subject(&o, mac, &a);
	obs_u64(&o, "op", 2);
	obs_emit(fx->bus, &o);
}

static void
dhcp(struct fixture *fx, const char *m, const char *host, const uint8_t *params,
    size_t nparams, const char *vendor_class, uint64_t ts)
{
	struct observation o;
	uint8_t mac[6];

	assert_int_equal(mac_parse(m, mac), 0);
	obs_init(&o, OBS_DHCP, ts);
	obs_subject(&o, mac, NULL);
	obs_u64(&o, "op", 1);
	obs_u64(&o, "msg_type", 3);
	obs_mac(&o, "chaddr", mac);
	obs_cstr(&o, "hostname", host);
	obs_list(&o, "params", params, nparams);
	obs_cstr(&o, "vendor_class", vendor_class);
	obs_emit(fx->bus, &o);
}

static struct asset *
only(struct fixture *fx)
{
	size_t n;
	struct asset *const *v = inv_assets(fx->inv, &n);

	assert_int_equal(n, 1);
	return v[0];
}

static void
test_cadence(void **state)
{
	struct asset a;

	(void)state;
	memset(&a, 0, sizeof(a));
	assert_true(asset_offline_after(&a) == ASSET_OFFLINE_FLOOR);
	assert_true(asset_cadence_median(&a.cadence) == 0);
	/* Within a burst: not a gap. */
	asset_cadence_note(&a.cadence, T0, T0 + 30 * SEC);
	asset_cadence_note(&a.cadence, T0, T0);
	asset_cadence_note(&a.cadence, 0, T0);
	assert_int_equal(a.cadence.ngaps, 0);
	/* Gaps of 15, 20 and 16 minutes: the median is 16. */
	asset_cadence_note(&a.cadence, T0, T0 + 15 * MIN);
	asset_cadence_note(&a.cadence, T0, T0 + 20 * MIN);
	assert_true(asset_cadence_median(&a.cadence) == 0);	/* too few */
	asset_cadence_note(&a.cadence, T0, T0 + 16 * MIN);
	assert_true(asset_cadence_median(&a.cadence) == 16 * MIN);
	assert_true(asset_offline_after(&a) == 48 * MIN);
	/* Short gaps of a chatty device: the floor still holds. */
	for (int i = 0; i < ASSET_CADENCE_GAPS; i++)
		asset_cadence_note(&a.cadence, T0, T0 + 2 * MIN);
	assert_int_equal(a.cadence.ngaps, ASSET_CADENCE_GAPS);
	assert_true(asset_cadence_median(&a.cadence) == 2 * MIN);
	assert_true(asset_offline_after(&a) == ASSET_OFFLINE_FLOOR);
	a.last = T0;
	assert_int_equal(asset_status_at(&a, T0 + 9 * MIN), ASSET_ONLINE);
	assert_int_equal(asset_status_at(&a, T0 + 11 * MIN), ASSET_OFFLINE);
	assert_string_equal(asset_status_name(ASSET_OFFLINE), "offline");

	/*
	 * An earlier run's limit counts until the asset shows gaps of its
	 * own (a restarted sensor), then its own cadence does.
	 */
	memset(&a, 0, sizeof(a));
	a.reported.offline_after = 36 * MIN;
	assert_true(asset_offline_after(&a) == 36 * MIN);
	asset_cadence_note(&a.cadence, T0, T0 + 2 * MIN);
	asset_cadence_note(&a.cadence, T0, T0 + 2 * MIN);
	assert_true(asset_offline_after(&a) == 36 * MIN);
	asset_cadence_note(&a.cadence, T0, T0 + 2 * MIN);
	assert_true(asset_offline_after(&a) == ASSET_OFFLINE_FLOOR);
	/* Short usual gaps and one long one: half again the longest. */
	memset(&a, 0, sizeof(a));
	for (int i = 0; i < 5; i++)
		asset_cadence_note(&a.cadence, T0, T0 + 2 * MIN);
	asset_cadence_note(&a.cadence, T0, T0 + 12 * MIN);
	assert_true(asset_cadence_median(&a.cadence) == 2 * MIN);
	assert_true(asset_offline_after(&a) == 18 * MIN);
	/* A stored limit below the floor is no limit. */
	memset(&a, 0, sizeof(a));
	a.reported.offline_after = MIN;
	assert_true(asset_offline_after(&a) == ASSET_OFFLINE_FLOOR);
}

static void
test_offline_and_back(void **state)
{
	struct fixture *fx = *state;
	struct asset *a;

	arp(fx, "02:00:00:00:00:01", "10.0.0.1", T0);
	arp(fx, "02:00:00:00:00:01", "10.0.0.1", T0 + 5 * MIN);
	a = only(fx);
	assert_int_equal(a->status, ASSET_ONLINE);
	assert_true(a->status_since == T0);
	inv_track(fx->inv, T0 + 14 * MIN);
	assert_int_equal(fx->nev, 0);

	/* Silent 25 minutes, then back: both ends of the spell at once. */
	arp(fx, "02:00:00:00:00:01", "10.0.0.1", T0 + 30 * MIN);
	assert_int_equal(fx->nev, 2);
	assert_int_equal(fx->ev[0].change, ASSET_WENT_OFFLINE);
	assert_true(fx->ev[0].ts == T0 + 15 * MIN);
	assert_string_equal(fx->ev[0].old_value, "online");
	assert_string_equal(fx->ev[0].new_value, "offline");
	assert_int_equal(fx->ev[1].change, ASSET_CAME_ONLINE);
	assert_true(fx->ev[1].ts == T0 + 30 * MIN);
	assert_int_equal(a->status, ASSET_ONLINE);

	/* Silent still at the next batch: offline, reported once. */
	inv_track(fx->inv, T0 + 39 * MIN);
	assert_int_equal(fx->nev, 2);
	inv_track(fx->inv, T0 + 41 * MIN);
	assert_int_equal(fx->nev, 3);
	assert_int_equal(fx->ev[2].change, ASSET_WENT_OFFLINE);
	assert_true(fx->ev[2].ts == T0 + 40 * MIN);
	assert_int_equal(a->status, ASSET_OFFLINE);
	inv_track(fx->inv, T0 + 50 * MIN);
	assert_int_equal(fx->nev, 3);

	/* Back: only the return is new. */
	arp(fx, "02:00:00:00:00:01", "10.0.0.1", T0 + 60 * MIN);
	assert_int_equal(fx->nev, 4);
	assert_int_equal(fx->ev[3].change, ASSET_CAME_ONLINE);
	assert_true(a->status_since == T0 + 60 * MIN);
}

static void
test_cadence_learned(void **state)
{
	struct fixture *fx = *state;
	struct asset *a;
	size_t before;

	/* A device that speaks every 15 minutes. */
	for (int i = 0; i <= 4; i++)
		arp(fx, "02:00:00:00:00:02", "10.0.0.2", T0 + (uint64_t)i *
		    15 * MIN);
	a = only(fx);
	/* Until three gaps are known, each one is a spell offline. */
	assert_int_equal(fx->nev, 6);
	assert_true(asset_offline_after(a) == 45 * MIN);
	before = fx->nev;
	arp(fx, "02:00:00:00:00:02", "10.0.0.2", T0 + 75 * MIN);
	assert_int_equal(fx->nev, before);
	inv_track(fx->inv, T0 + 75 * MIN + 44 * MIN);
	assert_int_equal(fx->nev, before);
	assert_int_equal(a->status, ASSET_ONLINE);
	inv_track(fx->inv, T0 + 75 * MIN + 46 * MIN);
	assert_int_equal(fx->nev, before + 1);
	assert_int_equal(a->status, ASSET_OFFLINE);
}

static void
test_identity_changes(void **state)
{
	struct fixture *fx = *state;
	static const uint8_t p1[] = { 1, 3, 6 }, p2[] = { 1, 3, 6, 15, 119 };
	struct asset *a;

	dhcp(fx, "02:00:00:00:00:03", "pump-1", p1, sizeof(p1), "Pump OS 1",
	    T0);
	a = only(fx);
	a->ident = calloc(1, sizeof(*a->ident));
	snprintf(a->ident->value[IDENT_TYPE], IDENT_VALUE_MAX, "infusion_pump");
	inv_track(fx->inv, T0);
	assert_int_equal(fx->nev, 0);		/* first values */

	/* The verdict moves; an unknown dimension is no change. */
	snprintf(a->ident->value[IDENT_TYPE], IDENT_VALUE_MAX, "ventilator");
	snprintf(a->ident->value[IDENT_VENDOR], IDENT_VALUE_MAX, "Acme");
	inv_track(fx->inv, T0);
	assert_int_equal(fx->nev, 1);
	assert_int_equal(fx->ev[0].change, ASSET_TYPE_CHANGED);
	assert_string_equal(fx->ev[0].old_value, "infusion_pump");
	assert_string_equal(fx->ev[0].new_value, "ventilator");
	assert_string_equal(asset_change_name(ASSET_TYPE_CHANGED),
	    "type_changed");
	a->ident->value[IDENT_TYPE][0] = '\0';
	inv_track(fx->inv, T0);
	assert_int_equal(fx->nev, 1);
	snprintf(a->ident->value[IDENT_TYPE], IDENT_VALUE_MAX, "infusion_pump");
	inv_track(fx->inv, T0);
	assert_int_equal(fx->nev, 2);
	assert_string_equal(fx->ev[1].old_value, "ventilator");

	/* A new hostname and a new DHCP fingerprint (a reflashed pump). */
	dhcp(fx, "02:00:00:00:00:03", "pump-1b", p2, sizeof(p2), "Pump OS 2",
	    T0 + 10 * SEC);
	inv_track(fx->inv, T0 + 10 * SEC);
	assert_int_equal(fx->nev, 4);
	assert_int_equal(fx->ev[2].change, ASSET_HOSTNAME_CHANGED);
	assert_string_equal(fx->ev[2].old_value, "pump-1");
	assert_string_equal(fx->ev[2].new_value, "pump-1b");
	assert_int_equal(fx->ev[3].change, ASSET_DHCP_CHANGED);
	assert_string_equal(fx->ev[3].old_value, "1,3,6|Pump OS 1");
	assert_string_equal(fx->ev[3].new_value, "1,3,6,15,119|Pump OS 2");
	inv_track(fx->inv, T0 + 10 * SEC);
	assert_int_equal(fx->nev, 4);
}

static void
test_mac_for_ip(void **state)
{
	struct fixture *fx = *state;

	arp(fx, "02:00:00:00:00:0a", "10.0.0.9", T0);
	arp(fx, "02:00:00:00:00:0b", "10.0.0.9", T0 + SEC);
	assert_int_equal(fx->nev, 1);
	assert_int_equal(fx->ev[0].change, ASSET_MAC_FOR_IP);
	assert_string_equal(fx->ev[0].key, "02:00:00:00:00:0b");
	assert_string_equal(fx->ev[0].detail, "10.0.0.9");
	assert_string_equal(fx->ev[0].old_value, "02:00:00:00:00:0a");
	assert_string_equal(fx->ev[0].new_value, "02:00:00:00:00:0b");
	/* Back and forth: each taker reported once a minute at most. */
	arp(fx, "02:00:00:00:00:0a", "10.0.0.9", T0 + 2 * SEC);
	assert_int_equal(fx->nev, 2);
	assert_string_equal(fx->ev[1].key, "02:00:00:00:00:0a");
	for (int i = 0; i < 50; i++)
		arp(fx, i % 2 ? "02:00:00:00:00:0a" : "02:00:00:00:00:0b",
		    "10.0.0.9", T0 + 3 * SEC + (uint64_t)i * SEC);
	assert_int_equal(fx->nev, 2);
	arp(fx, "02:00:00:00:00:0b", "10.0.0.9", T0 + 2 * MIN);
	assert_int_equal(fx->nev, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cadence),
		cmocka_unit_test_setup_teardown(test_offline_and_back, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cadence_learned, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_identity_changes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_mac_for_ip, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
