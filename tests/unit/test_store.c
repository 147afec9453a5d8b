/*
 * test_store.c - the SQLite store on real files: migrations, merging
 * without duplicates, counters that never double, runs that add, refusal
 * of files it must not touch, read-back, and a writer killed with SIGKILL
 * at a random moment leaving every committed batch and no half batch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ward/addr.h"
#include "ward/asset.h"
#include "ward/dept.h"
#include "ward/error.h"
#include "ward/ident.h"
#include "ward/store.h"

struct tmp {
	char	dir[64];
	char	db[128];
};

/* A test asset and the arrays it points into. */
struct tasset {
	struct asset		a;
	struct asset_ip		ips[2];
	struct asset_name	names[1];
	struct asset_dhcp	dhcp[1];
	struct asset_service	svc[1];
	struct asset_peer	peers[2];
};

static char name_pump[] = "infusion-pump-7";
static char dhcp_params[] = "1,3,6,15,28";
static char dhcp_vendor[] = "MSFT 5.0";

static int
tmp_setup(void **state)
{
	struct tmp *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/ward-store-XXXXXX");
	if (mkdtemp(t->dir) == NULL) {
		free(t);
		return -1;
	}
	snprintf(t->db, sizeof(t->db), "%s/ward.db", t->dir);
	*state = t;
	return 0;
}

static int
tmp_teardown(void **state)
{
	struct tmp *t = *state;
	char p[160];
	static const char *const files[] = { "ward.db", "ward.db-wal",
		"ward.db-shm", "ward.db-journal", "garbage.db", "newer.db",
		"newer.db-wal", "newer.db-shm" };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", t->dir, files[i]);
		(void)unlink(p);
	}
	(void)rmdir(t->dir);
	free(t);
	return 0;
}

static void
ip4(struct ward_addr *a, uint8_t x, uint8_t y, uint8_t z, uint8_t w)
{
	const uint8_t b[4] = { x, y, z, w };

	addr_v4(a, b);
}

/*
 * A MAC-keyed asset 02:00:00:00:00:n with two IPs, a name, a DHCP
 * fingerprint, a service and two peers; every counter is `c' and every
 * time lies in [t0, t1].
 */
static void
tasset_init(struct tasset *t, uint8_t n, uint64_t c, uint64_t t0,
    uint64_t t1)
{
	memset(t, 0, sizeof(*t));
	t->a.by_mac = true;
	t->a.mac[0] = 0x02;
	t->a.mac[5] = n;
	t->a.vendor = "Example Medical";
	t->a.first = t0;
	t->a.last = t1;
	t->a.pkts_out = c;
	t->a.pkts_in = 2 * c;
	t->a.bytes_out = 100 * c;
	t->a.bytes_in = 200 * c;

	ip4(&t->ips[0].addr, 10, 0, 0, n);
	t->ips[0].sources = IPSRC_ARP;
	t->ips[0].first = t0;
	t->ips[0].last = t1;
	ip4(&t->ips[1].addr, 10, 0, 1, n);
	t->ips[1].sources = IPSRC_TRAFFIC;
	t->ips[1].first = t0;
	t->ips[1].last = t1;
	t->a.ips = t->ips;
	t->a.nips = 2;

	t->names[0].name = name_pump;
	t->names[0].source = NAME_DHCP;
	t->names[0].first = t0;
	t->names[0].last = t1;
	t->names[0].count = c;
	t->a.names = t->names;
	t->a.nnames = 1;

	t->dhcp[0].params = dhcp_params;
	t->dhcp[0].vendor_class = dhcp_vendor;
	t->dhcp[0].first = t0;
	t->dhcp[0].last = t1;
	t->dhcp[0].count = c;
	t->a.dhcp = t->dhcp;
	t->a.ndhcp = 1;

	t->svc[0].proto = 6;
	t->svc[0].port = 104;
	t->svc[0].first = t0;
	t->svc[0].last = t1;
	t->svc[0].conns = c;
	t->a.services = t->svc;
	t->a.nservices = 1;

	ip4(&t->peers[0].addr, 10, 9, 9, 1);
	ip4(&t->peers[1].addr, 10, 9, 9, 2);
	for (int i = 0; i < 2; i++) {
		t->peers[i].pkts_out = c;
		t->peers[i].pkts_in = c;
		t->peers[i].bytes_out = 10 * c;
		t->peers[i].bytes_in = 10 * c;
		t->peers[i].first = t0;
		t->peers[i].last = t1;
	}
	t->a.peers = t->peers;
	t->a.npeers = 2;
}

/* One integer from a query on its own connection. */
static int64_t
sql_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void
sql_text(const char *path, const char *sql, char *buf, size_t len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	const unsigned char *t;

	buf[0] = '\0';
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    NULL), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (t = sqlite3_column_text(st, 0)) != NULL)
		snprintf(buf, len, "%s", (const char *)t);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void
test_migrate_and_reopen(void **state)
{
	struct tmp *t = *state;
	struct store *s;
	char err[256], mode[16];

	s = store_open(t->db, err, sizeof(err));
	if (s == NULL)
		fail_msg("%s", err);
	assert_int_equal(store_schema_version(s), store_schema_latest());
	assert_true(store_schema_latest() >= 1);
	assert_int_equal(store_asset_count(s), 0);
	store_close(s);

	assert_int_equal(sql_int(t->db, "PRAGMA user_version"),
	    store_schema_latest());
	sql_text(t->db, "PRAGMA journal_mode", mode, sizeof(mode));
	assert_string_equal(mode, "wal");
	assert_int_equal(sql_int(t->db, "SELECT count(*) FROM sqlite_schema"
	    " WHERE name IN ('runs', 'assets', 'asset_ips', 'asset_names',"
	    " 'dhcp_fingerprints', 'services', 'peers', 'v_asset_counters',"
	    " 'v_peer_counters', 'v_service_counters', 'v_asset_names',"
	    " 'v_dhcp_fingerprints')"), 12);
	/* Migration 2: identification, history. */
	assert_int_equal(sql_int(t->db, "SELECT count(*) FROM sqlite_schema"
	    " WHERE name IN ('asset_attrs', 'run_attr_counts', 'v_asset_attrs',"
	    " 'asset_identity', 'identity_evidence', 'identity_history',"
	    " 'v_identity')"), 7);
	assert_int_equal(sql_int(t->db, "SELECT count(*) FROM"
	    " pragma_table_info('assets') WHERE name IN ('model', 'hostname',"
	    " 'department', 'location', 'building', 'vlan', 'status')"), 7);

	/* Reopening an up-to-date file changes nothing. */
	s = store_open(t->db, err, sizeof(err));
	if (s == NULL)
		fail_msg("%s", err);
	assert_int_equal(store_schema_version(s), store_schema_latest());
	store_close(s);
	store_close(NULL);
}

struct seen {
	int		 n;
	struct asset	 a;		/* counters and times of the last */
	size_t		 nips, nnames, ndhcp, nservices, npeers;
	uint32_t	 ip0_sources;
	uint64_t	 name_count, dhcp_count, conns, peer_pkts_out;
	uint64_t	 peer_first;
	char		 key[ADDR_STRLEN];
	char		 vendor[64];
	char		 name[64];
	char		 params[64];
	bool		 client_id_null;
	char		 keys[8][ADDR_STRLEN];
};

static int
seen_cb(const struct asset *a, void *arg)
{
	struct seen *w = arg;
	char buf[ADDR_STRLEN];

	if (a->by_mac)
		mac_fmt(a->mac, w->key, sizeof(w->key));
	else
		addr_fmt(&a->key_ip, w->key, sizeof(w->key));
	if (w->n < 8)
		snprintf(w->keys[w->n], sizeof(w->keys[0]), "%s", w->key);
	w->n++;
	w->a = *a;
	w->nips = a->nips;
	w->nnames = a->nnames;
	w->ndhcp = a->ndhcp;
	w->nservices = a->nservices;
	w->npeers = a->npeers;
	snprintf(w->vendor, sizeof(w->vendor), "%s",
	    a->vendor != NULL ? a->vendor : "");
	w->ip0_sources = 0;
	for (size_t i = 0; i < a->nips; i++) {
		/* The first of tasset_init's IPs: 10.0.0.n. */
		if (strncmp(addr_fmt(&a->ips[i].addr, buf, sizeof(buf)),
		    "10.0.0.", 7) == 0)
			w->ip0_sources = a->ips[i].sources;
	}
	if (a->nnames > 0) {
		snprintf(w->name, sizeof(w->name), "%s", a->names[0].name);
		w->name_count = a->names[0].count;
	}
	if (a->ndhcp > 0) {
		snprintf(w->params, sizeof(w->params), "%s",
		    a->dhcp[0].params != NULL ? a->dhcp[0].params : "");
		w->dhcp_count = a->dhcp[0].count;
		w->client_id_null = a->dhcp[0].client_id == NULL;
	}
	if (a->nservices > 0)
		w->conns = a->services[0].conns;
	if (a->npeers > 0) {
		w->peer_pkts_out = a->peers[0].pkts_out;
		w->peer_first = a->peers[0].first;
	}
	/* Pointers die with the callback. */
	w->a.ips = NULL;
	w->a.names = NULL;
	w->a.dhcp = NULL;
	w->a.services = NULL;
	w->a.peers = NULL;
	w->a.vendor = NULL;
	return 0;
}

static void
test_put_twice_same_run(void **state)
{
	struct tmp *t = *state;
	struct tasset ta;
	struct store *s;
	struct seen w;
	char err[256];
	int64_t run;

	s = store_open(t->db, err, sizeof(err));
	if (s == NULL)
		fail_msg("%s", err);

	/* No run yet: refused. */
	tasset_init(&ta, 1, 10, 1000, 2000);
	assert_int_equal(store_put_asset(s, &ta.a), WARD_EINVAL);

	assert_int_equal(store_run_start(s, "a.pcap", 1, &run), 0);
	assert_true(run > 0);
	assert_true(store_run_current(s) == run);

	/* The same totals twice, in one batch and then in another. */
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_begin(s), WARD_EINVAL);
	assert_int_equal(store_put_asset(s, &ta.a), 0);
	assert_int_equal(store_put_asset(s, &ta.a), 0);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(store_commit(s), WARD_EINVAL);
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_put_asset(s, &ta.a), 0);
	assert_int_equal(store_commit(s), 0);
	/* Outside a batch: a transaction of its own. */
	assert_int_equal(store_put_asset(s, &ta.a), 0);

	assert_int_equal(store_asset_count(s), 1);
	assert_int_equal(sql_int(t->db, "SELECT count(*) FROM asset_ips"), 2);
	assert_int_equal(sql_int(t->db, "SELECT count(*) FROM asset_names"), 1);
	assert_int_equal(sql_int(t->db,
	    "SELECT count(*) FROM dhcp_fingerprints"), 1);
	assert_int_equal(sql_int(t->db, "SELECT count(*) FROM services"), 1);
	assert_int_equal(sql_int(t->db, "SELECT count(*) FROM peers"), 2);
	assert_int_equal(sql_int(t->db,
	    "SELECT pkts_out FROM v_asset_counters"), 10);
	assert_int_equal(sql_int(t->db,
	    "SELECT sum(pkts_out) FROM v_peer_counters"), 20);

	/* Newer totals in the same run replace, not add. */
	tasset_init(&ta, 1, 15, 1000, 2500);
	assert_int_equal(store_put_asset(s, &ta.a), 0);
	assert_int_equal(sql_int(t->db,
	    "SELECT bytes_in FROM v_asset_counters"), 15 * 200);

	memset(&w, 0, sizeof(w));
	assert_int_equal(store_get_asset(s, "02:00:00:00:00:01", seen_cb, &w),
	    0);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.key, "02:00:00:00:00:01");
	assert_string_equal(w.vendor, "Example Medical");
	assert_true(w.a.pkts_out == 15 && w.a.pkts_in == 30);
	assert_true(w.a.first == 1000 && w.a.last == 2500);
	assert_int_equal(w.nips, 2);
	assert_int_equal(w.nnames, 1);
	assert_string_equal(w.name, "infusion-pump-7");
	assert_true(w.name_count == 15);
	assert_int_equal(w.ndhcp, 1);
	assert_string_equal(w.params, "1,3,6,15,28");
	assert_true(w.client_id_null);
	assert_true(w.dhcp_count == 15);
	assert_true(w.conns == 15);
	assert_int_equal(w.npeers, 2);
	assert_true(w.peer_pkts_out == 15);

	assert_int_equal(store_get_asset(s, "02:00:00:00:00:99", seen_cb, &w),
	    WARD_ENOTFOUND);
	assert_int_equal(store_run_finish(s, run, 3, "{\"packets\":1}"), 0);
	assert_int_equal(store_run_finish(s, run + 100, 3, NULL),
	    WARD_ENOTFOUND);
	store_close(s);
}

static void
test_two_runs_add(void **state)
{
	struct tmp *t = *state;
	struct tasset ta, tb;
	struct store *s;
	struct seen w;
	struct asset byip;
	struct asset_ip byip_ip;
	char err[256];
	int64_t run1, run2;

	s = store_open(t->db, err, sizeof(err));
	if (s == NULL)
		fail_msg("%s", err);
	assert_int_equal(store_run_start(s, "day1.pcap", 100, &run1), 0);
	tasset_init(&ta, 7, 10, 1000, 2000);
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_put_asset(s, &ta.a), 0);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(store_run_finish(s, run1, 200, "{}"), 0);
	store_close(s);

	/* A second process, newer captures: earlier first, later last. */
	s = store_open(t->db, err, sizeof(err));
	if (s == NULL)
		fail_msg("%s", err);
	assert_int_equal(store_run_start(s, "day2.pcap", 300, &run2), 0);
	assert_true(run2 > run1);
	tasset_init(&tb, 7, 5, 500, 9000);
	tb.ips[0].sources = IPSRC_DHCP;
	tb.peers[0].first = 400;
	assert_int_equal(store_begin(s), 0);
	assert_int_equal(store_put_asset(s, &tb.a), 0);
	assert_int_equal(store_put_asset(s, &tb.a), 0);

	/* A second asset keyed by IP, with nothing but its key. */
	memset(&byip, 0, sizeof(byip));
	memset(&byip_ip, 0, sizeof(byip_ip));
	ip4(&byip.key_ip, 192, 168, 5, 5);
	byip.first = 700;
	byip.last = 800;
	byip_ip.addr = byip.key_ip;
	byip_ip.sources = IPSRC_KEY | IPSRC_TRAFFIC;
	byip_ip.first = 700;
	byip_ip.last = 800;
	byip.ips = &byip_ip;
	byip.nips = 1;
	assert_int_equal(store_put_asset(s, &byip), 0);
	assert_int_equal(store_commit(s), 0);

	memset(&w, 0, sizeof(w));
	assert_int_equal(store_get_asset(s, "02:00:00:00:00:07", seen_cb, &w),
	    0);
	assert_true(w.a.pkts_out == 15);
	assert_true(w.a.bytes_in == 15 * 200);
	assert_true(w.a.first == 500);
	assert_true(w.a.last == 9000);
	assert_true(w.ip0_sources == (IPSRC_ARP | IPSRC_DHCP));
	assert_true(w.name_count == 15);
	assert_true(w.dhcp_count == 15);
	assert_true(w.conns == 15);
	assert_true(w.peer_pkts_out == 15);
	assert_true(w.peer_first == 400);
	assert_int_equal(w.nips, 2);
	assert_int_equal(w.npeers, 2);

	assert_int_equal(sql_int(t->db,
	    "SELECT runs FROM v_asset_counters WHERE key = '02:00:00:00:00:07'"),
	    2);
	assert_int_equal(sql_int(t->db, "SELECT count(*) FROM run_peer_counters"),
	    4);

	/* Walk: MAC-keyed first, then IP-keyed. */
	memset(&w, 0, sizeof(w));
	assert_int_equal(store_foreach_asset(s, seen_cb, &w), 0);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.keys[0], "02:00:00:00:00:07");
	assert_string_equal(w.keys[1], "192.168.5.5");
	assert_false(w.a.by_mac);
	assert_int_equal(w.nips, 1);
	assert_true(w.ip0_sources == 0);
	assert_int_equal(w.vendor[0], '\0');
	assert_int_equal(store_asset_count(s), 2);
	store_close(s);
}

/* What ward identified of a test asset, and the arrays behind it. */
struct tident {
	struct ident_verdict	 v;
	struct asset_attr	 attrs[2];
	struct dept		 dept;
	char			 attr_v[2][32];
	char			 model[32];
};

static void
tident_init(struct tident *ti, struct tasset *ta, const char *type,
    uint64_t count)
{
	memset(ti, 0, sizeof(*ti));
	snprintf(ti->v.value[IDENT_TYPE], IDENT_VALUE_MAX, "%s", type);
	ti->v.conf[IDENT_TYPE] = type[0] != '\0' ? 0.8 : 0;
	snprintf(ti->v.value[IDENT_VENDOR], IDENT_VALUE_MAX, "Baxter");
	ti->v.conf[IDENT_VENDOR] = 0.92;
	ti->v.ev[0].rule = "pump-hostname";
	ti->v.ev[0].source = "test";
	ti->v.ev[0].weight = 0.8;
	ti->v.ev[0].key = "hostname";
	snprintf(ti->v.ev[0].value, IDENT_VALUE_MAX, "infusion-pump-7");
	ti->v.ev[0].dims = 1U << IDENT_TYPE | 1U << IDENT_VENDOR;
	ti->v.ev[1].rule = "oui-baxter";
	ti->v.ev[1].source = "IEEE";
	ti->v.ev[1].weight = 0.6;
	ti->v.ev[1].key = "oui.vendor";
	snprintf(ti->v.ev[1].value, IDENT_VALUE_MAX, "Baxter");
	ti->v.ev[1].dims = 1U << IDENT_VENDOR;
	ti->v.nev = 2;
	snprintf(ti->attr_v[0], sizeof(ti->attr_v[0]), "Spectrum IQ");
	snprintf(ti->attr_v[1], sizeof(ti->attr_v[1]), "tcp/443");
	ti->attrs[0].key = "dhcp.vendor_class";
	ti->attrs[0].value = ti->attr_v[0];
	ti->attrs[1].key = "service";
	ti->attrs[1].value = ti->attr_v[1];
	for (int i = 0; i < 2; i++) {
		ti->attrs[i].first = ta->a.first;
		ti->attrs[i].last = ta->a.last;
		ti->attrs[i].count = count;
	}
	snprintf(ti->model, sizeof(ti->model), "Spectrum IQ");
	ti->dept.name = "Intensive care";
	ti->dept.location = "Level 3";
	ta->a.attrs = ti->attrs;
	ta->a.nattrs = 2;
	ta->a.ident = &ti->v;
	ta->a.model = ti->model;
	ta->a.model_source = "mdns";
	ta->a.dept = &ti->dept;
	ta->a.vlan = 30;
	ta->a.status = ASSET_ONLINE;
	ta->a.status_since = ta->a.first;
	ta->a.status_limit = ASSET_OFFLINE_FLOOR;
}

struct ident_seen {
	int		 n;
	char		 type[IDENT_VALUE_MAX];
	double		 type_conf;
	size_t		 nev;
	char		 ev0_rule[64];
	uint8_t		 ev0_dims;
	size_t		 nattrs;
	uint64_t	 attr_count;
	char		 model[32];
	char		 dept[32];
	char		 location[32];
	uint16_t	 vlan;
	enum asset_status status;
};

static int
ident_cb(const struct asset *a, void *arg)
{
	struct ident_seen *w = arg;

	w->n++;
	if (a->ident != NULL) {
		snprintf(w->type, sizeof(w->type), "%s",
		    a->ident->value[IDENT_TYPE]);
		w->type_conf = a->ident->conf[IDENT_TYPE];
		w->nev = a->ident->nev;
		if (a->ident->nev > 0) {
			snprintf(w->ev0_rule, sizeof(w->ev0_rule), "%s",
			    a->ident->ev[0].rule);
			w->ev0_dims = a->ident->ev[0].dims;
		}
	}
	w->nattrs = a->nattrs;
	w->attr_count = 0;
	for (size_t i = 0; i < a->nattrs; i++)
		w->attr_count += a->attrs[i].count;
	snprintf(w->model, sizeof(w->model), "%s", a->model ? a->model : "");
	snprintf(w->dept, sizeof(w->dept), "%s", a->dept ? a->dept->name : "");
	snprintf(w->location, sizeof(w->location), "%s",
	    a->dept && a->dept->location ? a->dept->location : "");
	w->vlan = a->vlan;
	w->status = a->status;
	return 0;
}

struct hist {
	int		 n;
	char		 lines[8][160];
};

static int
hist_cb(const struct store_change *c, void *arg)
{
	struct hist *h = arg;

	if (h->n < 8)
		snprintf(h->lines[h->n], sizeof(h->lines[0]), "%s %llu %s %s->%s"
		    " %s", c->key, (unsigned long long)c->time, c->change,
		    c->old_value ? c->old_value : "-",
		    c->new_value ? c->new_value : "-",
		    c->detail ? c->detail : "-");
	h->n++;
	return 0;
}

static void
test_identity_round_trip(void **state)
{
	struct tmp *t = *state;
	struct tasset ta;
	struct tident ti;
	struct ident_seen w;
	struct asset_reported rep;
	struct hist h;
	struct store *s;
	char err[256], key[ADDR_STRLEN];
	int64_t run1, run2;

	s = store_open(t->db, err, sizeof(err));
	if (s == NULL)
		fail_msg("%s", err);
	assert_int_equal(store_run_start(s, "day1", 1, &run1), 0);
	tasset_init(&ta, 7, 10, 1000, 2000);
	tident_init(&ti, &ta, "infusion_pump", 4);
	/* Three batches of the same run: counts are set, never added. */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(store_begin(s), 0);
		assert_int_equal(store_put_asset(s, &ta.a), 0);
		assert_int_equal(store_commit(s), 0);
	}
	memset(&w, 0, sizeof(w));
	assert_int_equal(store_get_asset(s, "02:00:00:00:00:07", ident_cb, &w),
	    0);
	assert_string_equal(w.type, "infusion_pump");
	assert_true(w.type_conf > 0.79 && w.type_conf < 0.81);
	assert_int_equal(w.nev, 2);
	assert_string_equal(w.ev0_rule, "pump-hostname");
	assert_int_equal(w.ev0_dims, 1U << IDENT_TYPE | 1U << IDENT_VENDOR);
	assert_int_equal(w.nattrs, 2);
	assert_true(w.attr_count == 8);
	assert_string_equal(w.model, "Spectrum IQ");
	assert_string_equal(w.dept, "Intensive care");
	assert_string_equal(w.location, "Level 3");
	assert_int_equal(w.vlan, 30);
	assert_int_equal(w.status, ASSET_ONLINE);
	assert_int_equal(sql_int(t->db, "SELECT count(*) FROM"
	    " identity_evidence"), 2);

	/* History: the change, in this run. */
	assert_int_equal(store_add_change(s, "02:00:00:00:00:07",
	    "type_changed", NULL, "ventilator", "infusion_pump", 1500), 0);
	assert_int_equal(store_add_change(s, "02:00:00:00:00:99",
	    "type_changed", NULL, "a", "b", 1500), WARD_ENOTFOUND);
	assert_int_equal(store_run_finish(s, run1, 3, "{}"), 0);
	store_close(s);

	/*
	 * A second run: attribute counts add up per run; a verdict that
	 * leaves the type unknown keeps the stored type; the evidence is
	 * the newest verdict's.
	 */
	s = store_open(t->db, err, sizeof(err));
	if (s == NULL)
		fail_msg("%s", err);
	assert_int_equal(store_run_start(s, "day2", 5, &run2), 0);
	tasset_init(&ta, 7, 10, 3000, 4000);
	tident_init(&ti, &ta, "", 5);
	ti.v.nev = 1;
	ta.a.dept = NULL;
	ta.a.status = ASSET_OFFLINE;
	assert_int_equal(store_put_asset(s, &ta.a), 0);
	assert_int_equal(store_put_asset(s, &ta.a), 0);
	memset(&w, 0, sizeof(w));
	assert_int_equal(store_get_asset(s, "02:00:00:00:00:07", ident_cb, &w),
	    0);
	assert_string_equal(w.type, "infusion_pump");
	assert_int_equal(w.nev, 1);
	assert_true(w.attr_count == 2 * (4 + 5));
	assert_int_equal(w.nattrs, 2);
	assert_string_equal(w.dept, "Intensive care");	/* kept */
	assert_int_equal(w.status, ASSET_OFFLINE);
	assert_int_equal(sql_int(t->db, "SELECT count(*) FROM asset_attrs"), 2);
	assert_int_equal(sql_int(t->db,
	    "SELECT count(*) FROM run_attr_counts"), 4);

	assert_int_equal(store_add_change(s, "02:00:00:00:00:07",
	    "went_offline", NULL, "online", "offline", 3500), 0);
	memset(&h, 0, sizeof(h));
	assert_int_equal(store_foreach_change(s, NULL, hist_cb, &h), 0);
	assert_int_equal(h.n, 2);
	assert_string_equal(h.lines[0], "02:00:00:00:00:07 1500 type_changed "
	    "ventilator->infusion_pump -");
	assert_string_equal(h.lines[1], "02:00:00:00:00:07 3500 went_offline "
	    "online->offline -");
	memset(&h, 0, sizeof(h));
	assert_int_equal(store_foreach_change(s, "02:00:00:00:00:08", hist_cb,
	    &h), 0);
	assert_int_equal(h.n, 0);
	assert_int_equal(sql_int(t->db, "SELECT count(*) FROM identity_history"
	    " WHERE run IS NOT NULL"), 2);

	/* What a new run starts from: the stored identity. */
	assert_int_equal(store_load_reported(s, "02:00:00:00:00:07", &rep), 0);
	assert_string_equal(rep.ident[IDENT_TYPE], "infusion_pump");
	assert_string_equal(rep.ident[IDENT_VENDOR], "Baxter");
	assert_string_equal(rep.hostname, "infusion-pump-7");
	assert_string_equal(rep.dhcp, "1,3,6,15,28|MSFT 5.0");
	assert_true(rep.offline_after == ASSET_OFFLINE_FLOOR);
	assert_int_equal(store_load_reported(s, "02:00:00:00:00:99", &rep),
	    WARD_ENOTFOUND);
	assert_int_equal(store_key_by_ip(s, "10.0.1.7", key, sizeof(key)), 0);
	assert_string_equal(key, "02:00:00:00:00:07");
	assert_int_equal(store_key_by_ip(s, "10.9.9.9", key, sizeof(key)),
	    WARD_ENOTFOUND);
	store_close(s);
}

static int
stop_cb(const struct asset *a, void *arg)
{
	int *n = arg;

	(void)a;
	(*n)++;
	return 42;
}

static void
test_foreach_stops(void **state)
{
	struct tmp *t = *state;
	struct tasset ta;
	struct store *s;
	char err[256];
	int n = 0;

	s = store_open(t->db, err, sizeof(err));
	if (s == NULL)
		fail_msg("%s", err);
	assert_int_equal(store_run_start(s, "", 1, NULL), 0);
	for (uint8_t i = 1; i <= 3; i++) {
		tasset_init(&ta, i, 1, 1, 2);
		assert_int_equal(store_put_asset(s, &ta.a), 0);
	}
	assert_int_equal(store_foreach_asset(s, stop_cb, &n), 42);
	assert_int_equal(n, 1);
	/* The read snapshot ended: a batch can begin. */
	assert_int_equal(store_begin(s), 0);
	store_rollback(s);
	store_rollback(s);
	store_close(s);
}

static void
test_newer_version_refused(void **state)
{
	struct tmp *t = *state;
	struct store *s;
	sqlite3 *db;
	char path[160], err[256], sql[64];

	snprintf(path, sizeof(path), "%s/newer.db", t->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    store_schema_latest() + 1);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE x (y)", NULL, NULL,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	s = store_open(path, err, sizeof(err));
	assert_null(s);
	print_message("refused: %s\n", err);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "newer than this ward knows"));
	/* Nothing was changed: the version is still the newer one. */
	assert_int_equal(sql_int(path, "PRAGMA user_version"),
	    store_schema_latest() + 1);
}

static void
test_garbage_refused(void **state)
{
	struct tmp *t = *state;
	struct store *s;
	uint8_t junk[8192];
	char path[160], err[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/garbage.db", t->dir);
	srandom(7);
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)random();
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(junk, 1, sizeof(junk), f), sizeof(junk));
	assert_int_equal(fclose(f), 0);

	s = store_open(path, err, sizeof(err));
	assert_null(s);
	print_message("refused: %s\n", err);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "not a SQLite database"));

	/* A few bytes, which SQLite alone would take for an empty file. */
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(junk, 1, 1, f), 1);
	assert_int_equal(fclose(f), 0);
	s = store_open(path, err, sizeof(err));
	assert_null(s);
	assert_non_null(strstr(err, "not a SQLite database"));

	/* A valid header over garbage pages: SQLite's own check refuses. */
	memcpy(junk, "SQLite format 3", 16);
	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(junk, 1, sizeof(junk), f), sizeof(junk));
	assert_int_equal(fclose(f), 0);
	s = store_open(path, err, sizeof(err));
	assert_null(s);
	print_message("refused: %s\n", err);
	assert_non_null(strstr(err, path));
}

/*
 * The kill test. The child commits batches as fast as it can and reports
 * each batch number through a pipe after its commit returns. Batch b of
 * round r writes BATCH_ASSETS assets 02:rr:bb:bb:bb:jj, each with two IPs,
 * a name, a service and two peers, and sets the counters of the round's
 * shared asset 02:ff:ff:ff:ff:rr to b + 1.
 */
#define BATCH_ASSETS	8
#define KILL_ROUNDS	4

static void
batch_asset(struct tasset *ta, int round, uint32_t b, int j)
{
	tasset_init(ta, (uint8_t)j, b + 1, 1000 + b, 2000 + b);
	ta->a.mac[1] = (uint8_t)round;
	ta->a.mac[2] = (uint8_t)(b >> 16);
	ta->a.mac[3] = (uint8_t)(b >> 8);
	ta->a.mac[4] = (uint8_t)b;
	ta->a.ndhcp = 0;
}

static void __attribute__((noreturn))
kill_child(const char *path, int round, int fd)
{
	struct tasset ta;
	struct store *s;
	char err[256];

	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "child: %s\n", err);
		_exit(2);
	}
	if (store_run_start(s, "kill", (uint64_t)round, NULL) != 0)
		_exit(3);
	for (uint32_t b = 0; b < 0xffffff; b++) {
		if (store_begin(s) != 0)
			_exit(4);
		for (int j = 0; j < BATCH_ASSETS; j++) {
			batch_asset(&ta, round, b, j);
			if (store_put_asset(s, &ta.a) != 0)
				_exit(5);
		}
		tasset_init(&ta, (uint8_t)round, b + 1, 1, 2 + b);
		memset(ta.a.mac, 0xff, 5);
		ta.a.mac[0] = 0x02;
		if (store_put_asset(s, &ta.a) != 0)
			_exit(6);
		if (store_commit(s) != 0)
			_exit(7);
		if (write(fd, &b, sizeof(b)) != (ssize_t)sizeof(b))
			_exit(8);
	}
	_exit(0);
}

static void
check_round(const char *path, int round, int64_t reported)
{
	char sql[512], like[32], shared[32], ok[64];
	char maxkey[32], want[32];
	int64_t assets, nbatches, complete;

	sql_text(path, "PRAGMA integrity_check", ok, sizeof(ok));
	assert_string_equal(ok, "ok");
	assert_int_equal(sql_int(path, "SELECT count(*) FROM"
	    " pragma_foreign_key_check"), 0);

	snprintf(like, sizeof(like), "02:%02x:%%", round);
	snprintf(shared, sizeof(shared), "02:ff:ff:ff:ff:%02x", round);

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM assets"
	    " WHERE key LIKE '%s'", like);
	assets = sql_int(path, sql);
	/* Batches present; each holds all its assets. */
	snprintf(sql, sizeof(sql), "SELECT count(DISTINCT substr(key, 1, 14))"
	    " FROM assets WHERE key LIKE '%s'", like);
	nbatches = sql_int(path, sql);
	assert_int_equal(assets, nbatches * BATCH_ASSETS);

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM ("
	    " SELECT a.id FROM assets a"
	    " WHERE a.key LIKE '%s'"
	    " AND (SELECT count(*) FROM asset_ips WHERE asset = a.id) = 2"
	    " AND (SELECT count(*) FROM asset_names WHERE asset = a.id) = 1"
	    " AND (SELECT count(*) FROM services WHERE asset = a.id) = 1"
	    " AND (SELECT count(*) FROM peers WHERE asset = a.id) = 2"
	    " AND (SELECT count(*) FROM run_asset_counters"
	    "      WHERE asset = a.id) = 1)", like);
	complete = sql_int(path, sql);
	assert_int_equal(complete, assets);

	/* Every reported batch is there, at most one unreported one too. */
	print_message("round %d: %lld batches reported, %lld in the "
	    "database\n", round, (long long)reported + 1, (long long)nbatches);
	assert_true(nbatches >= reported + 1);
	assert_true(nbatches <= reported + 2);
	/*
	 * Batches are contiguous from 0: with fixed-width hex keys the
	 * largest key is the last asset of batch nbatches - 1.
	 */
	snprintf(sql, sizeof(sql), "SELECT max(key) FROM assets"
	    " WHERE key LIKE '%s'", like);
	sql_text(path, sql, maxkey, sizeof(maxkey));
	snprintf(want, sizeof(want), "02:%02x:%02x:%02x:%02x:%02x", round,
	    (unsigned)((nbatches - 1) >> 16) & 0xff,
	    (unsigned)((nbatches - 1) >> 8) & 0xff,
	    (unsigned)(nbatches - 1) & 0xff, BATCH_ASSETS - 1);
	assert_string_equal(maxkey, want);
	/* The shared asset carries the last committed batch's totals. */
	snprintf(sql, sizeof(sql), "SELECT pkts_out FROM v_asset_counters"
	    " WHERE key = '%s'", shared);
	assert_int_equal(sql_int(path, sql), nbatches);
}

static void
test_kill9_consistent(void **state)
{
	struct tmp *t = *state;
	struct store *s;
	char err[256];
	unsigned seed;

	/* Migrate first so that every round kills a writer. */
	s = store_open(t->db, err, sizeof(err));
	if (s == NULL)
		fail_msg("%s", err);
	store_close(s);

	seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	print_message("kill test seed %u\n", seed);
	srandom(seed);

	for (int round = 1; round <= KILL_ROUNDS; round++) {
		int fds[2], status;
		int64_t last = -1;
		uint32_t b;
		ssize_t r;
		pid_t pid;
		long delay;

		assert_int_equal(pipe(fds), 0);
		pid = fork();
		assert_true(pid != -1);
		if (pid == 0) {
			close(fds[0]);
			kill_child(t->db, round, fds[1]);
		}
		close(fds[1]);
		/* Wait for the first commit so the child is writing. */
		r = read(fds[0], &b, sizeof(b));
		if (r != (ssize_t)sizeof(b)) {
			waitpid(pid, &status, 0);
			fail_msg("child wrote nothing (status %d)", status);
		}
		last = b;
		delay = random() % 300000;
		usleep((useconds_t)delay);
		assert_int_equal(kill(pid, SIGKILL), 0);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		while ((r = read(fds[0], &b, sizeof(b))) == (ssize_t)sizeof(b))
			last = b;
		assert_int_equal(r, 0);
		close(fds[0]);
		print_message("round %d: killed after %ld us\n", round, delay);
		check_round(t->db, round, last);

		/* The store opens again after recovery. */
		s = store_open(t->db, err, sizeof(err));
		if (s == NULL)
			fail_msg("%s", err);
		store_close(s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrate_and_reopen,
		    tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_put_twice_same_run,
		    tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_two_runs_add,
		    tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_foreach_stops,
		    tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_identity_round_trip,
		    tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_newer_version_refused,
		    tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_garbage_refused,
		    tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_kill9_consistent,
		    tmp_setup, tmp_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
