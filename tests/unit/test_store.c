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
#include "ward/error.h"
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
		cmocka_unit_test_setup_teardown(test_newer_version_refused,
		    tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_garbage_refused,
		    tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_kill9_consistent,
		    tmp_setup, tmp_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
