/*
 * test_baseline.c - behaviour baselines: a network learned for three days
 * into a real SQLite file, then enforced: the same traffic raises nothing,
 * each deviation raises its alert once, approvals and rejections go
 * through the store, and a new device of a known type is accepted by its
 * type's baseline and priors. Observations go through the real bus,
 * inventory, detector and alert engine.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ward/alert.h"
#include "ward/asset.h"
#include "ward/detect.h"
#include "ward/flow.h"
#include "ward/ident.h"
#include "ward/obs.h"
#include "ward/store.h"

#define SEC	1000000ULL
#define HOUR	(3600 * SEC)
#define DAY	(24 * HOUR)
/* 2024-03-04 00:00:00 UTC, a Monday; the tests run with TZ=UTC. */
#define T0	(1709510400ULL * SEC)
#define MAXAL	128

struct got {
	enum alert_type	 type;
	char		 asset[ADDR_STRLEN];
	char		 object[ALERT_OBJECT_MAX];
};

struct fx {
	char		 dir[64];
	char		 db[96];
	struct detect_config *cfg;
	struct obs_bus	*bus;
	struct inventory *inv;
	struct alerter	*al;
	struct detector	*det;
	struct ident_rules *rules;
	struct got	 got[MAXAL];
	size_t		 ngot;
	uint64_t	 flow_id;
};

struct dev {
	const char	*mac;
	const char	*ip;
};

static const struct dev CT = { "02:00:00:00:00:10", "10.0.0.10" };
static const struct dev PACS = { "02:00:00:00:00:20", "10.0.0.20" };
static const struct dev PUMP = { "02:00:00:00:00:30", "10.0.0.30" };
static const struct dev PUMP2 = { "02:00:00:00:00:31", "10.0.0.31" };
static const struct dev PUMP3 = { "02:00:00:00:00:32", "10.0.0.32" };
static const struct dev BROKER = { "02:00:00:00:00:40", "10.0.0.40" };
static const struct dev HIS = { "02:00:00:00:00:50", "10.0.0.50" };
static const struct dev DNS = { "02:00:00:00:00:02", "10.0.0.2" };
static const struct dev NEWDEV = { "02:00:00:00:00:99", "10.0.0.99" };
static const struct dev WEB = { NULL, "203.0.113.7" };
static const struct dev EXFIL = { NULL, "198.51.100.9" };

static const char rules_text[] =
    "version: 1\n"
    "rules:\n"
    "  - id: pump-hl7\n"
    "    source: test\n"
    "    when: { hl7.sending_app: 'PUMP*' }\n"
    "    type: infusion_pump\n"
    "    weight: 0.9\n";

static void
on_alert(const struct alert_record *r, void *arg)
{
	struct fx *fx = arg;
	struct got *g;

	if (r->update || fx->ngot >= MAXAL)
		return;
	g = &fx->got[fx->ngot++];
	g->type = r->alert->type;
	memcpy(g->asset, r->alert->asset, sizeof(g->asset));
	memcpy(g->object, r->alert->object, sizeof(g->object));
}

/* A detector over a fresh bus and inventory, loaded from the store. */
static void
start(struct fx *fx, enum detect_mode mode, bool load)
{
	char err[256];
	struct store *s;

	fx->cfg->mode = mode;
	fx->bus = obs_bus_new();
	fx->inv = inv_new(NULL);
	fx->al = alerter_new(&fx->cfg->limits);
	assert_non_null(fx->bus);
	assert_non_null(fx->inv);
	assert_non_null(fx->al);
	assert_int_equal(alerter_on(fx->al, on_alert, fx), 0);
	assert_int_equal(inv_attach(fx->inv, fx->bus), 0);
	fx->det = detector_new(fx->cfg, fx->inv, fx->al, err, sizeof(err));
	assert_non_null(fx->det);
	assert_int_equal(detector_attach(fx->det, fx->bus), 0);
	if (load) {
		s = store_open(fx->db, err, sizeof(err));
		assert_non_null(s);
		assert_int_equal(detector_load(fx->det, s), 0);
		store_close(s);
	}
	fx->ngot = 0;
}

/* Identification, a tick and a store batch, as a run's batch does. */
static void
batch(struct fx *fx, uint64_t now)
{
	struct asset *const *v;
	char err[256];
	struct store *s;
	int64_t run;
	size_t n;

	assert_int_equal(inv_identify(fx->inv, fx->rules), 0);
	inv_track(fx->inv, now);
	detector_tick(fx->det, now);
	s = store_open(fx->db, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(store_run_start(s, "test", now, &run), 0);
	assert_int_equal(store_begin(s), 0);
	v = inv_assets(fx->inv, &n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(store_put_asset(s, v[i]), 0);
	assert_int_equal(detector_save(fx->det, s), 0);
	assert_int_equal(store_commit(s), 0);
	store_close(s);
}

static void
stop(struct fx *fx)
{
	alerter_flush(fx->al, 0, true);
	detector_free(fx->det);
	alerter_free(fx->al);
	inv_free(fx->inv);
	obs_bus_free(fx->bus);
	fx->det = NULL;
}

static int
setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	char err[256];

	assert_non_null(fx);
	(void)snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_baseline.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	(void)snprintf(fx->db, sizeof(fx->db), "%s/ward.db", fx->dir);
	fx->cfg = detect_config_new();
	assert_non_null(fx->cfg);
	fx->cfg->limits.burst = 100;
	/*
	 * The days here have nights without traffic: the stateless rules'
	 * device_offline is right about them and is tested elsewhere.
	 */
	fx->cfg->alerts[ALERT_DEVICE_OFFLINE].disabled = true;
	fx->rules = ident_rules_parse(rules_text, sizeof(rules_text) - 1,
	    "t.yaml", err, sizeof(err));
	assert_non_null(fx->rules);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;
	char path[128];

	if (fx->det != NULL)
		stop(fx);
	(void)snprintf(path, sizeof(path), "%s/ward.db-wal", fx->dir);
	(void)unlink(path);
	(void)snprintf(path, sizeof(path), "%s/ward.db-shm", fx->dir);
	(void)unlink(path);
	(void)unlink(fx->db);
	(void)rmdir(fx->dir);
	ident_rules_free(fx->rules);
	/* The tests' priors are static. */
	fx->cfg->priors = NULL;
	fx->cfg->npriors = 0;
	detect_config_free(fx->cfg);
	free(fx);
	return 0;
}

static void
side(struct flow_side *s, const struct dev *d, uint16_t port)
{
	memset(s, 0, sizeof(*s));
	assert_int_equal(addr_parse(d->ip, &s->addr), 0);
	s->port = port;
	if (d->mac != NULL) {
		s->has_mac = true;
		assert_int_equal(mac_parse(d->mac, s->mac), 0);
	}
}

/* A flow between two devices: the pipeline's flow_new and service. */
static void
open_flow(struct fx *fx, struct flow *f, uint64_t ts, const struct dev *a,
    const struct dev *b, uint8_t proto, uint16_t port)
{
	struct observation o;

	memset(f, 0, sizeof(*f));
	f->proto = proto;
	f->id = ++fx->flow_id;
	side(&f->side[0], a, (uint16_t)(40000 + fx->flow_id % 20000));
	side(&f->side[1], b, port);
	f->first = f->last = ts;
	for (int k = 0; k < 2; k++) {
		int sd = k == 0 ? 0 : 1;

		obs_init(&o, k == 0 ? OBS_FLOW_NEW : OBS_SERVICE, ts);
		obs_subject(&o, f->side[sd].has_mac ? f->side[sd].mac : NULL,
		    &f->side[sd].addr);
		o.flow = f;
		obs_u64(&o, "proto", proto);
		obs_addr(&o, "src_ip", &f->side[0].addr);
		obs_addr(&o, "dst_ip", &f->side[1].addr);
		obs_u64(&o, "src_port", f->side[0].port);
		obs_u64(&o, "dst_port", f->side[1].port);
		if (f->side[0].has_mac)
			obs_mac(&o, "src_mac", f->side[0].mac);
		if (f->side[1].has_mac)
			obs_mac(&o, "dst_mac", f->side[1].mac);
		obs_emit(fx->bus, &o);
	}
}

static void
close_flow(struct fx *fx, struct flow *f, uint64_t ts, const char *app,
    uint64_t bytes)
{
	struct observation o;

	obs_init(&o, OBS_FLOW, ts);
	obs_subject(&o, f->side[0].has_mac ? f->side[0].mac : NULL,
	    &f->side[0].addr);
	o.flow = f;
	obs_u64(&o, "proto", f->proto);
	obs_addr(&o, "src_ip", &f->side[0].addr);
	obs_addr(&o, "dst_ip", &f->side[1].addr);
	obs_u64(&o, "src_port", f->side[0].port);
	obs_u64(&o, "dst_port", f->side[1].port);
	if (f->side[0].has_mac)
		obs_mac(&o, "src_mac", f->side[0].mac);
	if (f->side[1].has_mac)
		obs_mac(&o, "dst_mac", f->side[1].mac);
	obs_u64(&o, "pkts_toserver", bytes / 1000 + 1);
	obs_u64(&o, "pkts_toclient", bytes / 10000 + 1);
	obs_u64(&o, "bytes_toserver", bytes);
	obs_u64(&o, "bytes_toclient", bytes / 1000);
	if (app != NULL)
		obs_cstr(&o, "app", app);
	obs_emit(fx->bus, &o);
}

/* An application observation from side sd of the flow. */
static void
app_obs(struct observation *o, const struct flow *f, int sd,
    enum obs_kind k, uint64_t ts)
{
	obs_init(o, k, ts);
	obs_subject(o, f->side[sd].has_mac ? f->side[sd].mac : NULL,
	    &f->side[sd].addr);
	o->flow = f;
}

static void
arp(struct fx *fx, const struct dev *d, uint64_t ts)
{
	struct observation o;
	struct ward_addr ip;
	uint8_t mac[6];

	assert_int_equal(addr_parse(d->ip, &ip), 0);
	assert_int_equal(mac_parse(d->mac, mac), 0);
	obs_init(&o, OBS_ARP, ts);
	obs_subject(&o, mac, &ip);
	obs_u64(&o, "op", 2);
	obs_emit(fx->bus, &o);
}

static void
dicom_store(struct fx *fx, uint64_t ts, const char *calling,
    const char *called, uint64_t bytes)
{
	struct observation o;
	struct flow f;

	open_flow(fx, &f, ts, &CT, &PACS, 6, 104);
	app_obs(&o, &f, 0, OBS_DICOM, ts);
	obs_cstr(&o, "pdu", "associate_rq");
	obs_cstr(&o, "calling_ae", calling);
	obs_cstr(&o, "called_ae", called);
	obs_cstr(&o, "abstract_syntaxes",
	    "1.2.840.10008.5.1.4.1.1.2=CT Image Storage;1.2.840.10008.1.1");
	obs_emit(fx->bus, &o);
	app_obs(&o, &f, 0, OBS_DICOM, ts + SEC);
	obs_cstr(&o, "pdu", "command");
	obs_cstr(&o, "command", "C-STORE-RQ");
	obs_cstr(&o, "sop_class_uid", "1.2.840.10008.5.1.4.1.1.2");
	obs_emit(fx->bus, &o);
	close_flow(fx, &f, ts + 30 * SEC, "dicom", bytes);
}

static void
dicom_move(struct fx *fx, uint64_t ts, const char *dest)
{
	struct observation o;
	struct flow f;

	open_flow(fx, &f, ts, &CT, &PACS, 6, 104);
	app_obs(&o, &f, 0, OBS_DICOM, ts + SEC);
	obs_cstr(&o, "pdu", "command");
	obs_cstr(&o, "command", "C-MOVE-RQ");
	obs_cstr(&o, "move_destination", dest);
	obs_emit(fx->bus, &o);
	close_flow(fx, &f, ts + 10 * SEC, "dicom", 2000);
}

static void
hl7(struct fx *fx, uint64_t ts, const struct dev *from, const struct dev *to,
    const char *app, const char *type, const char *trigger, bool phi)
{
	struct observation o;
	struct flow f;

	open_flow(fx, &f, ts, from, to, 6, 2575);
	app_obs(&o, &f, 0, OBS_HL7, ts + SEC);
	obs_cstr(&o, "sending_app", app);
	obs_cstr(&o, "receiving_app", "HIS");
	obs_cstr(&o, "receiving_facility", "HOSP");
	obs_cstr(&o, "message_type", type);
	obs_cstr(&o, "trigger", trigger);
	obs_emit(fx->bus, &o);
	if (phi) {
		app_obs(&o, &f, 0, OBS_PHI, ts + SEC);
		obs_cstr(&o, "proto", "hl7");
		obs_cstr(&o, "segments", "PID,OBX");
		obs_emit(fx->bus, &o);
	}
	close_flow(fx, &f, ts + 5 * SEC, "hl7", 3000);
}

static void
mqtt(struct fx *fx, uint64_t ts, const struct dev *from, const char *topic)
{
	struct observation o;
	struct flow f;

	open_flow(fx, &f, ts, from, &BROKER, 6, 1883);
	app_obs(&o, &f, 0, OBS_MQTT, ts + SEC);
	obs_cstr(&o, "type", "publish");
	obs_cstr(&o, "topic", topic);
	obs_emit(fx->bus, &o);
	close_flow(fx, &f, ts + 5 * SEC, "mqtt", 800);
}

static void
dns(struct fx *fx, uint64_t ts, const struct dev *from)
{
	struct flow f;

	open_flow(fx, &f, ts, from, &DNS, 17, 53);
	close_flow(fx, &f, ts + SEC, "dns", 120);
}

/* A day of the hospital's usual traffic, at 09:00 and 14:00. */
static void
usual_day(struct fx *fx, uint64_t day)
{
	static const int hours[] = { 9, 14 };

	for (size_t i = 0; i < 2; i++) {
		uint64_t t = day + (uint64_t)hours[i] * HOUR;

		arp(fx, &CT, t);
		arp(fx, &PACS, t);
		arp(fx, &PUMP, t);
		arp(fx, &BROKER, t);
		arp(fx, &HIS, t);
		arp(fx, &DNS, t);
		dns(fx, t + 1 * SEC, &CT);
		dicom_store(fx, t + 10 * SEC, "CT1", "PACS", 400000);
		dicom_move(fx, t + 60 * SEC, "CT1");
		hl7(fx, t + 120 * SEC, &PUMP, &HIS, "PUMPS", "ORU", "R01",
		    true);
		mqtt(fx, t + 180 * SEC, &PUMP, "pumps/U1/status");
		/* NTP at night is infrastructure chatter, not activity. */
		dns(fx, day + 3 * HOUR + i * SEC, &PUMP);
	}
}

static size_t
count(const struct fx *fx, enum alert_type t, const char *asset,
    const char *object)
{
	size_t n = 0;

	for (size_t i = 0; i < fx->ngot; i++)
		if (fx->got[i].type == t && (asset == NULL ||
		    strcmp(fx->got[i].asset, asset) == 0) &&
		    (object == NULL || strcmp(fx->got[i].object, object) == 0))
			n++;
	return n;
}

static void
dump(const struct fx *fx)
{
	for (size_t i = 0; i < fx->ngot; i++)
		fprintf(stderr, "alert %s %s '%s'\n",
		    alert_type_name(fx->got[i].type), fx->got[i].asset,
		    fx->got[i].object);
}

/* Three days learned, saved in a batch at the end of each. */
static void
learn_three_days(struct fx *fx)
{
	start(fx, DETECT_LEARN, false);
	for (uint64_t d = 0; d < 3; d++) {
		usual_day(fx, T0 + d * DAY);
		batch(fx, T0 + d * DAY + 20 * HOUR);
	}
	if (fx->ngot != 0)
		dump(fx);
	assert_int_equal(fx->ngot, 0);
	stop(fx);
}

static void
test_same_traffic_is_quiet(void **state)
{
	struct fx *fx = *state;

	learn_three_days(fx);
	start(fx, DETECT_ENFORCE, true);
	usual_day(fx, T0 + 3 * DAY);
	batch(fx, T0 + 3 * DAY + 20 * HOUR);
	if (fx->ngot != 0)
		dump(fx);
	assert_int_equal(fx->ngot, 0);
	stop(fx);
}

struct find {
	const char	*key;
	const char	*kind;
	const char	*value;
	int64_t		 id;
	char		 state[16];
	size_t		 n;
};

static int
find_item(const struct store_bl_item *it, void *arg)
{
	struct find *f = arg;

	f->n++;
	if (strcmp(it->key, f->key) == 0 && strcmp(it->kind, f->kind) == 0 &&
	    strcmp(it->value, f->value) == 0) {
		f->id = it->id;
		(void)snprintf(f->state, sizeof(f->state), "%s", it->state);
	}
	return 0;
}

static void
lookup(struct fx *fx, struct find *f, const char *state)
{
	struct store_bl_filter flt = { .state = state };
	char err[256];
	struct store *s = store_open(fx->db, err, sizeof(err));

	assert_non_null(s);
	f->id = 0;
	f->n = 0;
	f->state[0] = '\0';
	assert_int_equal(store_bl_foreach_item(s, &flt, find_item, f), 0);
	store_close(s);
}

static void
test_deviations_fire_once(void **state)
{
	struct fx *fx = *state;
	uint64_t day = T0 + 3 * DAY;
	struct flow f;
	struct find fi = { .key = CT.mac, .kind = "peer",
	    .value = "203.0.113.0/24" };
	char err[256];
	struct store *s;
	uint64_t dev;

	learn_three_days(fx);
	start(fx, DETECT_ENFORCE, true);
	usual_day(fx, day);

	/* A new peer on the internet. */
	open_flow(fx, &f, day + 9 * HOUR + 600 * SEC, &CT, &WEB, 6, 443);
	close_flow(fx, &f, day + 9 * HOUR + 601 * SEC, NULL, 500);
	/* A C-STORE over an AE pair never seen. */
	dicom_store(fx, day + 9 * HOUR + 700 * SEC, "CT1", "ELSEWHERE",
	    2000);
	/* A C-MOVE to an unknown destination. */
	dicom_move(fx, day + 9 * HOUR + 750 * SEC, "EVIL_AE");
	/* An HL7 message type the pump never sent. */
	hl7(fx, day + 9 * HOUR + 800 * SEC, &PUMP, &HIS, "PUMPS", "ADT",
	    "A08", false);
	/* A new MQTT topic. */
	mqtt(fx, day + 9 * HOUR + 900 * SEC, &PUMP, "pumps/U1/config");
	/* Twenty times the busiest learned hour. */
	dicom_store(fx, day + 14 * HOUR + 900 * SEC, "CT1", "PACS", 20000000);
	/* A burst at 03:00, an hour the CT never worked. */
	dicom_store(fx, day + 3 * HOUR + 1200 * SEC, "CT1", "PACS", 1000);
	/* Patient data to a peer outside the pump's baseline. */
	hl7(fx, day + 9 * HOUR + 1000 * SEC, &PUMP, &EXFIL, "PUMPS", "ORU",
	    "R01", true);
	/* A device never seen, after the network's learning. */
	arp(fx, &NEWDEV, day + 9 * HOUR + 1100 * SEC);
	/* The same deviations again: the engine counts, nothing new. */
	hl7(fx, day + 9 * HOUR + 1300 * SEC, &PUMP, &HIS, "PUMPS", "ADT",
	    "A08", false);
	mqtt(fx, day + 9 * HOUR + 1400 * SEC, &PUMP, "pumps/U1/config");
	batch(fx, day + 20 * HOUR);

	dump(fx);
	assert_int_equal(count(fx, ALERT_NEW_PEER, CT.mac,
	    "peer 203.0.113.0/24"), 1);
	assert_int_equal(count(fx, ALERT_NEW_PEER, PUMP.mac,
	    "peer 198.51.100.0/24"), 1);
	assert_int_equal(count(fx, ALERT_NEW_PEER, NULL, NULL), 2);
	assert_int_equal(count(fx, ALERT_DICOM_NEW_DESTINATION, CT.mac,
	    "dicom_ae CT1->ELSEWHERE"), 1);
	assert_int_equal(count(fx, ALERT_DICOM_NEW_DESTINATION, CT.mac,
	    "dicom_move EVIL_AE"), 1);
	assert_int_equal(count(fx, ALERT_DICOM_NEW_DESTINATION, NULL, NULL),
	    2);
	assert_int_equal(count(fx, ALERT_HL7_UNEXPECTED_MESSAGE, PUMP.mac,
	    "hl7_type ADT^A08"), 1);
	assert_int_equal(count(fx, ALERT_HL7_UNEXPECTED_MESSAGE, NULL, NULL),
	    1);
	assert_int_equal(count(fx, ALERT_MQTT_NEW_TOPIC, PUMP.mac,
	    "mqtt_publish pumps/U1/config"), 1);
	assert_int_equal(count(fx, ALERT_MQTT_NEW_TOPIC, NULL, NULL), 1);
	assert_int_equal(count(fx, ALERT_VOLUME_ANOMALY, CT.mac, NULL), 1);
	assert_int_equal(count(fx, ALERT_VOLUME_ANOMALY, NULL, NULL), 1);
	assert_int_equal(count(fx, ALERT_OFF_HOURS, CT.mac, "hour 03"), 1);
	assert_int_equal(count(fx, ALERT_OFF_HOURS, NULL, NULL), 1);
	assert_int_equal(count(fx, ALERT_PHI_NEW_PEER, PUMP.mac,
	    "peer 198.51.100.0/24"), 1);
	assert_int_equal(count(fx, ALERT_PHI_NEW_PEER, NULL, NULL), 1);
	assert_int_equal(count(fx, ALERT_UNKNOWN_DEVICE, NEWDEV.mac, NULL),
	    1);
	assert_int_equal(count(fx, ALERT_UNKNOWN_DEVICE, NULL, NULL), 1);
	assert_int_equal(count(fx, ALERT_NEW_SERVICE, NULL, NULL), 0);
	assert_int_equal(count(fx, ALERT_NEW_PROTOCOL, NULL, NULL), 0);
	stop(fx);

	/* The deviations wait in the store for review. */
	lookup(fx, &fi, "pending");
	assert_true(fi.id > 0);
	assert_string_equal(fi.state, "pending");

	/* Approve the new peer by id, reject the topic by its name. */
	s = store_open(fx->db, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(store_bl_set_state(s, fi.id, "approved"), 0);
	assert_int_equal(store_bl_set_state(s, 999999, "approved"),
	    -7 /* WARD_ENOTFOUND */);
	assert_int_equal(store_bl_set_state_by(s, "asset", PUMP.mac,
	    "mqtt_publish", "pumps/U1/config", "rejected", day), 0);
	store_close(s);
	lookup(fx, &fi, NULL);
	assert_string_equal(fi.state, "approved");

	/* The next run accepts the approved and alerts on the rejected. */
	start(fx, DETECT_ENFORCE, true);
	day += DAY;
	usual_day(fx, day);
	open_flow(fx, &f, day + 9 * HOUR + 600 * SEC, &CT, &WEB, 6, 443);
	close_flow(fx, &f, day + 9 * HOUR + 601 * SEC, NULL, 500);
	mqtt(fx, day + 9 * HOUR + 900 * SEC, &PUMP, "pumps/U1/config");
	batch(fx, day + 20 * HOUR);
	dump(fx);
	assert_int_equal(count(fx, ALERT_NEW_PEER, NULL, NULL), 0);
	assert_int_equal(count(fx, ALERT_MQTT_NEW_TOPIC, PUMP.mac,
	    "mqtt_publish pumps/U1/config"), 1);
	assert_int_equal(fx->ngot, 1);

	/* A decision made while the detector runs is taken at its save. */
	s = store_open(fx->db, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(store_bl_set_state_by(s, "asset", PUMP.mac,
	    "mqtt_publish", "pumps/U1/config", "approved", day), 0);
	store_close(s);
	batch(fx, day + 21 * HOUR);
	dev = detector_stats(fx->det)->deviations;
	mqtt(fx, day + 14 * HOUR + 1800 * SEC, &PUMP, "pumps/U1/config");
	assert_int_equal(detector_stats(fx->det)->deviations, dev);
	stop(fx);
}

static void
pump_day(struct fx *fx, const struct dev *p, const char *app,
    const char *topic, uint64_t t)
{
	arp(fx, p, t);
	arp(fx, &HIS, t);
	arp(fx, &BROKER, t);
	hl7(fx, t + 10 * SEC, p, &HIS, app, "ORU", "R01", true);
	mqtt(fx, t + 20 * SEC, p, topic);
}

static void
test_priors_accept_new_device(void **state)
{
	struct fx *fx = *state;
	static char *protocols[] = { "hl7", "mqtt" };
	static char *topics[] = { "pumps/+/status" };
	struct detect_prior prior = {
		.type = (char *)"infusion_pump",
		.protocols = { protocols, 2 },
		.mqtt_topics = { topics, 1 },
	};
	uint64_t t = T0 + 9 * HOUR;

	fx->cfg->priors = &prior;
	fx->cfg->npriors = 1;
	fx->cfg->type_min_assets = 2;

	/* Two pumps learned, then enforced: the type's baseline is mature. */
	start(fx, DETECT_LEARN, false);
	pump_day(fx, &PUMP, "PUMPS", "pumps/U1/status", t);
	pump_day(fx, &PUMP2, "PUMPS", "pumps/U2/status", t + 60 * SEC);
	batch(fx, t + HOUR);
	fx->cfg->mode = DETECT_ENFORCE;
	batch(fx, t + 2 * HOUR);
	assert_int_equal(fx->ngot, 0);

	/*
	 * A third pump: its peers and message types are the type's, its
	 * topic the prior's. Only its arrival is news.
	 */
	pump_day(fx, &PUMP3, "PUMPS3", "pumps/U3/status", t + 3 * HOUR);
	batch(fx, t + 3 * HOUR + 60 * SEC);
	dump(fx);
	assert_int_equal(count(fx, ALERT_UNKNOWN_DEVICE, PUMP3.mac, NULL), 1);
	assert_int_equal(fx->ngot, 1);

	/* Outside its type: an ADT message type, a new topic. */
	hl7(fx, t + 4 * HOUR, &PUMP3, &HIS, "PUMPS3", "ADT", "A01", false);
	mqtt(fx, t + 4 * HOUR + SEC, &PUMP3, "pumps/U3/firmware");
	dump(fx);
	assert_int_equal(count(fx, ALERT_HL7_UNEXPECTED_MESSAGE, PUMP3.mac,
	    "hl7_type ADT^A01"), 1);
	assert_int_equal(count(fx, ALERT_MQTT_NEW_TOPIC, PUMP3.mac,
	    "mqtt_publish pumps/U3/firmware"), 1);
	assert_int_equal(fx->ngot, 3);
	stop(fx);
	fx->cfg->priors = NULL;
	fx->cfg->npriors = 0;
}

static void
test_auto_type_judges_learning_asset(void **state)
{
	struct fx *fx = *state;
	uint64_t t = T0 + 9 * HOUR;

	fx->cfg->type_min_assets = 2;
	fx->cfg->learn_period = DAY;
	/* Two pumps past their learning day, a third one learning. */
	start(fx, DETECT_AUTO, false);
	pump_day(fx, &PUMP, "PUMPS", "pumps/U1/status", t);
	pump_day(fx, &PUMP2, "PUMPS", "pumps/U2/status", t + 60 * SEC);
	batch(fx, t + HOUR);
	batch(fx, t + 2 * DAY);
	assert_int_equal(fx->ngot, 0);
	pump_day(fx, &PUMP3, "PUMPS", "pumps/U3/status", t + 2 * DAY);
	hl7(fx, t + 2 * DAY + 600 * SEC, &PUMP3, &HIS, "PUMPS", "ADT", "A01",
	    false);
	batch(fx, t + 2 * DAY + 3600 * SEC);
	dump(fx);
	/* Auto: the network learned a day, so the third pump is news. */
	assert_int_equal(count(fx, ALERT_UNKNOWN_DEVICE, PUMP3.mac, NULL), 1);
	/* Learning, but outside its type's mature baseline. */
	assert_int_equal(count(fx, ALERT_HL7_UNEXPECTED_MESSAGE, PUMP3.mac,
	    "hl7_type ADT^A01"), 1);
	/* Its own topic: outside the union, and no prior covers it. */
	assert_int_equal(count(fx, ALERT_MQTT_NEW_TOPIC, NULL, NULL), 1);
	stop(fx);
}

/* The pump's telemetry every 5 minutes from 07:00 to 19:00 of a day. */
static void
telemetry_day(struct fx *fx, uint64_t day, bool tick)
{
	for (uint64_t t = day + 7 * HOUR; t < day + 19 * HOUR;
	    t += 5 * 60 * SEC) {
		mqtt(fx, t, &PUMP, "pumps/U1/status");
		if (tick && (t - day) % HOUR == 0)
			batch(fx, t + 2 * SEC);
	}
}

/* Batches every 30 minutes from start to end. */
static void
batches(struct fx *fx, uint64_t start, uint64_t end)
{
	for (uint64_t t = start; t <= end; t += 30 * 60 * SEC)
		batch(fx, t);
}

static uint64_t
offline_count(const struct fx *fx)
{
	return count(fx, ALERT_DEVICE_OFFLINE, PUMP.mac, NULL);
}

/*
 * A device switched off every night (a pump docked from 19:00 to 07:00):
 * silence in hours its baseline never saw it active raises nothing; the
 * same silence going on a full offline limit into its active hours does.
 * With too few days learned to know its hours, the night alerts as it
 * always did.
 */
static void
test_offline_waits_for_active_hours(void **state)
{
	struct fx *fx = *state;
	uint64_t d4 = T0 + 3 * DAY, d5 = T0 + 4 * DAY;

	start(fx, DETECT_LEARN, false);
	for (uint64_t d = 0; d < 3; d++)
		telemetry_day(fx, T0 + d * DAY, true);
	batch(fx, T0 + 2 * DAY + 20 * HOUR);
	stop(fx);

	fx->cfg->alerts[ALERT_DEVICE_OFFLINE].disabled = false;
	start(fx, DETECT_ENFORCE, true);
	telemetry_day(fx, d4, true);
	/* The night: the pump goes silent at 19:00, offline at ~19:15. */
	batches(fx, d4 + 19 * HOUR, d5 + 6 * HOUR + 30 * 60 * SEC);
	if (offline_count(fx) != 0)
		dump(fx);
	assert_int_equal(offline_count(fx), 0);
	/* 07:00, 07:30: still silent a full limit (15 min) into 07:00. */
	batches(fx, d5 + 7 * HOUR, d5 + 7 * HOUR + 30 * 60 * SEC);
	assert_int_equal(offline_count(fx), 1);
	batches(fx, d5 + 8 * HOUR, d5 + 10 * HOUR);
	assert_int_equal(offline_count(fx), 1);
	stop(fx);

	/* Hours unknown (too few days for the policy): the night alerts. */
	fx->cfg->hours_min_days = 30;
	start(fx, DETECT_ENFORCE, true);
	telemetry_day(fx, d5 + DAY, true);
	batches(fx, d5 + DAY + 19 * HOUR, d5 + DAY + 21 * HOUR);
	assert_int_equal(offline_count(fx), 1);
	stop(fx);
	fx->cfg->hours_min_days = 3;
	fx->cfg->alerts[ALERT_DEVICE_OFFLINE].disabled = true;
}

/* A pump back at 07:05 after its night raises nothing. */
static void
test_offline_back_in_time(void **state)
{
	struct fx *fx = *state;
	uint64_t d4 = T0 + 3 * DAY, d5 = T0 + 4 * DAY;

	start(fx, DETECT_LEARN, false);
	for (uint64_t d = 0; d < 3; d++)
		telemetry_day(fx, T0 + d * DAY, true);
	stop(fx);
	fx->cfg->alerts[ALERT_DEVICE_OFFLINE].disabled = false;
	start(fx, DETECT_ENFORCE, true);
	telemetry_day(fx, d4, true);
	batches(fx, d4 + 19 * HOUR, d5 + 7 * HOUR);
	mqtt(fx, d5 + 7 * HOUR + 5 * 60 * SEC, &PUMP, "pumps/U1/status");
	batches(fx, d5 + 7 * HOUR + 6 * 60 * SEC, d5 + 9 * HOUR);
	if (offline_count(fx) != 0)
		dump(fx);
	assert_int_equal(offline_count(fx), 0);
	stop(fx);
	fx->cfg->alerts[ALERT_DEVICE_OFFLINE].disabled = true;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_offline_waits_for_active_hours,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_offline_back_in_time,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_traffic_is_quiet,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_deviations_fire_once,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_priors_accept_new_device,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_auto_type_judges_learning_asset, setup, teardown),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
