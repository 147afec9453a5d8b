/*
 * sqlite.c - the store over SQLite 3 (see store.h, docs/store.md).
 *
 * Every statement is prepared once at open and then bound, stepped and
 * reset. Rows are merged with INSERT ... ON CONFLICT DO UPDATE (UPSERT,
 * SQLite 3.24) and their ids read back with RETURNING (SQLite 3.35).
 * Counters live in per-run tables whose rows are set, never added to, so
 * that putting an asset again in the same run cannot double them; views
 * sum them over runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ward/addr.h"
#include "ward/asset.h"
#include "ward/error.h"
#include "ward/store.h"

#define STORE_BUSY_MS	5000
#define STORE_ERRLEN	512

/*
 * Migrations, applied in order, each in one transaction that also sets
 * PRAGMA user_version to its number (index + 1). A migration is a list of
 * statements ending in NULL (ISO C caps a string literal at 4095 bytes).
 * Never edit one that has shipped: add the next.
 */

/* 1: runs, assets and what ward learned about them. */
static const char *const migration_1[] = {
	"CREATE TABLE runs ("
	"  id INTEGER PRIMARY KEY,"
	"  started INTEGER NOT NULL,"
	"  finished INTEGER,"
	"  inputs TEXT NOT NULL DEFAULT '',"
	"  summary TEXT"
	")",
	"CREATE TABLE assets ("
	"  id INTEGER PRIMARY KEY,"
	"  key TEXT NOT NULL UNIQUE,"
	"  mac TEXT,"
	"  key_ip TEXT,"
	"  vendor TEXT,"
	"  router INTEGER NOT NULL DEFAULT 0,"
	"  first_seen INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL,"
	"  CHECK ((mac IS NULL) <> (key_ip IS NULL))"
	")",
	"CREATE TABLE asset_ips ("
	"  id INTEGER PRIMARY KEY,"
	"  asset INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,"
	"  ip TEXT NOT NULL,"
	"  sources INTEGER NOT NULL DEFAULT 0,"
	"  first INTEGER NOT NULL,"
	"  last INTEGER NOT NULL,"
	"  UNIQUE (asset, ip)"
	")",
	"CREATE INDEX asset_ips_ip ON asset_ips (ip)",
	"CREATE TABLE asset_names ("
	"  id INTEGER PRIMARY KEY,"
	"  asset INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  source TEXT NOT NULL,"
	"  first INTEGER NOT NULL,"
	"  last INTEGER NOT NULL,"
	"  UNIQUE (asset, name, source)"
	")",
	"CREATE TABLE dhcp_fingerprints ("
	"  id INTEGER PRIMARY KEY,"
	"  asset INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,"
	"  params TEXT NOT NULL DEFAULT '',"
	"  vendor_class TEXT NOT NULL DEFAULT '',"
	"  hostname TEXT NOT NULL DEFAULT '',"
	"  client_id TEXT NOT NULL DEFAULT '',"
	"  first INTEGER NOT NULL,"
	"  last INTEGER NOT NULL,"
	"  UNIQUE (asset, params, vendor_class, hostname, client_id)"
	")",
	"CREATE TABLE services ("
	"  id INTEGER PRIMARY KEY,"
	"  asset INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,"
	"  proto INTEGER NOT NULL,"
	"  port INTEGER NOT NULL,"
	"  first INTEGER NOT NULL,"
	"  last INTEGER NOT NULL,"
	"  UNIQUE (asset, proto, port)"
	")",
	"CREATE TABLE peers ("
	"  id INTEGER PRIMARY KEY,"
	"  asset INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,"
	"  ip TEXT NOT NULL,"
	"  first INTEGER NOT NULL,"
	"  last INTEGER NOT NULL,"
	"  UNIQUE (asset, ip)"
	")",
	/*
	 * Per-run counters: one row per (row, run), set to the totals the
	 * run's process holds. The primary key leads with the row so that
	 * summing one row's runs is an index range.
	 */
	"CREATE TABLE run_asset_counters ("
	"  asset INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,"
	"  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  pkts_out INTEGER NOT NULL DEFAULT 0,"
	"  pkts_in INTEGER NOT NULL DEFAULT 0,"
	"  bytes_out INTEGER NOT NULL DEFAULT 0,"
	"  bytes_in INTEGER NOT NULL DEFAULT 0,"
	"  peers_dropped INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (asset, run)"
	") WITHOUT ROWID",
	"CREATE TABLE run_name_counts ("
	"  name INTEGER NOT NULL REFERENCES asset_names(id) ON DELETE CASCADE,"
	"  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  count INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (name, run)"
	") WITHOUT ROWID",
	"CREATE TABLE run_dhcp_counts ("
	"  fingerprint INTEGER NOT NULL"
	"    REFERENCES dhcp_fingerprints(id) ON DELETE CASCADE,"
	"  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  count INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (fingerprint, run)"
	") WITHOUT ROWID",
	"CREATE TABLE run_service_counters ("
	"  service INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,"
	"  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  conns INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (service, run)"
	") WITHOUT ROWID",
	"CREATE TABLE run_peer_counters ("
	"  peer INTEGER NOT NULL REFERENCES peers(id) ON DELETE CASCADE,"
	"  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  pkts_out INTEGER NOT NULL DEFAULT 0,"
	"  pkts_in INTEGER NOT NULL DEFAULT 0,"
	"  bytes_out INTEGER NOT NULL DEFAULT 0,"
	"  bytes_in INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (peer, run)"
	") WITHOUT ROWID",
	"CREATE VIEW v_asset_counters AS"
	"  SELECT a.id AS asset, a.key AS key,"
	"    count(c.run) AS runs,"
	"    coalesce(sum(c.pkts_out), 0) AS pkts_out,"
	"    coalesce(sum(c.pkts_in), 0) AS pkts_in,"
	"    coalesce(sum(c.bytes_out), 0) AS bytes_out,"
	"    coalesce(sum(c.bytes_in), 0) AS bytes_in,"
	"    coalesce(sum(c.peers_dropped), 0) AS peers_dropped"
	"  FROM assets a LEFT JOIN run_asset_counters c ON c.asset = a.id"
	"  GROUP BY a.id",
	"CREATE VIEW v_asset_names AS"
	"  SELECT n.id, n.asset, n.name, n.source, n.first, n.last,"
	"    coalesce(sum(c.count), 0) AS count"
	"  FROM asset_names n LEFT JOIN run_name_counts c ON c.name = n.id"
	"  GROUP BY n.id",
	"CREATE VIEW v_dhcp_fingerprints AS"
	"  SELECT d.id, d.asset, d.params, d.vendor_class, d.hostname,"
	"    d.client_id, d.first, d.last, coalesce(sum(c.count), 0) AS count"
	"  FROM dhcp_fingerprints d"
	"  LEFT JOIN run_dhcp_counts c ON c.fingerprint = d.id"
	"  GROUP BY d.id",
	"CREATE VIEW v_service_counters AS"
	"  SELECT s.id, s.asset, s.proto, s.port, s.first, s.last,"
	"    coalesce(sum(c.conns), 0) AS conns"
	"  FROM services s LEFT JOIN run_service_counters c ON c.service = s.id"
	"  GROUP BY s.id",
	"CREATE VIEW v_peer_counters AS"
	"  SELECT p.id, p.asset, p.ip, p.first, p.last,"
	"    coalesce(sum(c.pkts_out), 0) AS pkts_out,"
	"    coalesce(sum(c.pkts_in), 0) AS pkts_in,"
	"    coalesce(sum(c.bytes_out), 0) AS bytes_out,"
	"    coalesce(sum(c.bytes_in), 0) AS bytes_in"
	"  FROM peers p LEFT JOIN run_peer_counters c ON c.peer = p.id"
	"  GROUP BY p.id",
	NULL
};

static const char *const *const migrations[] = {
	migration_1,
};

#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

enum stmt {
	ST_BEGIN,
	ST_BEGIN_READ,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_RUN_START,
	ST_RUN_FINISH,
	ST_ASSET,
	ST_ASSET_CTR,
	ST_IP,
	ST_NAME,
	ST_NAME_CTR,
	ST_DHCP,
	ST_DHCP_CTR,
	ST_SERVICE,
	ST_SERVICE_CTR,
	ST_PEER,
	ST_PEER_CTR,
	ST_R_ASSETS,
	ST_R_ASSET_KEY,
	ST_R_COUNT,
	ST_R_CTR,
	ST_R_IPS,
	ST_R_NAMES,
	ST_R_DHCP,
	ST_R_SERVICES,
	ST_R_PEERS,
	ST_COUNT
};

#define R_ASSET_COLS \
	"SELECT id, key, mac, key_ip, vendor, router, first_seen, last_seen" \
	" FROM assets"

static const char *const stmt_sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_BEGIN_READ] = "BEGIN",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_RUN_START] =
	    "INSERT INTO runs (started, inputs) VALUES (?1, ?2) RETURNING id",
	[ST_RUN_FINISH] =
	    "UPDATE runs SET finished = ?2, summary = ?3 WHERE id = ?1",
	[ST_ASSET] =
	    "INSERT INTO assets (key, mac, key_ip, vendor, router, first_seen,"
	    " last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
	    " ON CONFLICT (key) DO UPDATE SET"
	    " vendor = coalesce(excluded.vendor, vendor),"
	    " router = max(router, excluded.router),"
	    " first_seen = min(first_seen, excluded.first_seen),"
	    " last_seen = max(last_seen, excluded.last_seen)"
	    " RETURNING id",
	[ST_ASSET_CTR] =
	    "INSERT INTO run_asset_counters (asset, run, pkts_out, pkts_in,"
	    " bytes_out, bytes_in, peers_dropped)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
	    " ON CONFLICT (asset, run) DO UPDATE SET"
	    " pkts_out = excluded.pkts_out, pkts_in = excluded.pkts_in,"
	    " bytes_out = excluded.bytes_out, bytes_in = excluded.bytes_in,"
	    " peers_dropped = excluded.peers_dropped",
	[ST_IP] =
	    "INSERT INTO asset_ips (asset, ip, sources, first, last)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)"
	    " ON CONFLICT (asset, ip) DO UPDATE SET"
	    " sources = sources | excluded.sources,"
	    " first = min(first, excluded.first),"
	    " last = max(last, excluded.last)",
	[ST_NAME] =
	    "INSERT INTO asset_names (asset, name, source, first, last)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)"
	    " ON CONFLICT (asset, name, source) DO UPDATE SET"
	    " first = min(first, excluded.first),"
	    " last = max(last, excluded.last)"
	    " RETURNING id",
	[ST_NAME_CTR] =
	    "INSERT INTO run_name_counts (name, run, count) VALUES (?1, ?2, ?3)"
	    " ON CONFLICT (name, run) DO UPDATE SET count = excluded.count",
	[ST_DHCP] =
	    "INSERT INTO dhcp_fingerprints (asset, params, vendor_class,"
	    " hostname, client_id, first, last)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
	    " ON CONFLICT (asset, params, vendor_class, hostname, client_id)"
	    " DO UPDATE SET first = min(first, excluded.first),"
	    " last = max(last, excluded.last)"
	    " RETURNING id",
	[ST_DHCP_CTR] =
	    "INSERT INTO run_dhcp_counts (fingerprint, run, count)"
	    " VALUES (?1, ?2, ?3)"
	    " ON CONFLICT (fingerprint, run) DO UPDATE SET count = excluded.count",
	[ST_SERVICE] =
	    "INSERT INTO services (asset, proto, port, first, last)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)"
	    " ON CONFLICT (asset, proto, port) DO UPDATE SET"
	    " first = min(first, excluded.first),"
	    " last = max(last, excluded.last)"
	    " RETURNING id",
	[ST_SERVICE_CTR] =
	    "INSERT INTO run_service_counters (service, run, conns)"
	    " VALUES (?1, ?2, ?3)"
	    " ON CONFLICT (service, run) DO UPDATE SET conns = excluded.conns",
	[ST_PEER] =
	    "INSERT INTO peers (asset, ip, first, last) VALUES (?1, ?2, ?3, ?4)"
	    " ON CONFLICT (asset, ip) DO UPDATE SET"
	    " first = min(first, excluded.first),"
	    " last = max(last, excluded.last)"
	    " RETURNING id",
	[ST_PEER_CTR] =
	    "INSERT INTO run_peer_counters (peer, run, pkts_out, pkts_in,"
	    " bytes_out, bytes_in) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	    " ON CONFLICT (peer, run) DO UPDATE SET"
	    " pkts_out = excluded.pkts_out, pkts_in = excluded.pkts_in,"
	    " bytes_out = excluded.bytes_out, bytes_in = excluded.bytes_in",
	[ST_R_ASSETS] = R_ASSET_COLS " ORDER BY mac IS NULL, key",
	[ST_R_ASSET_KEY] = R_ASSET_COLS " WHERE key = ?1",
	[ST_R_COUNT] = "SELECT count(*) FROM assets",
	[ST_R_CTR] =
	    "SELECT coalesce(sum(pkts_out), 0), coalesce(sum(pkts_in), 0),"
	    " coalesce(sum(bytes_out), 0), coalesce(sum(bytes_in), 0),"
	    " coalesce(sum(peers_dropped), 0)"
	    " FROM run_asset_counters WHERE asset = ?1",
	[ST_R_IPS] =
	    "SELECT ip, sources, first, last FROM asset_ips WHERE asset = ?1"
	    " ORDER BY first, ip",
	[ST_R_NAMES] =
	    "SELECT n.name, n.source, n.first, n.last,"
	    " coalesce(sum(c.count), 0)"
	    " FROM asset_names n LEFT JOIN run_name_counts c ON c.name = n.id"
	    " WHERE n.asset = ?1 GROUP BY n.id ORDER BY n.first, n.id",
	[ST_R_DHCP] =
	    "SELECT d.params, d.vendor_class, d.hostname, d.client_id,"
	    " d.first, d.last, coalesce(sum(c.count), 0)"
	    " FROM dhcp_fingerprints d"
	    " LEFT JOIN run_dhcp_counts c ON c.fingerprint = d.id"
	    " WHERE d.asset = ?1 GROUP BY d.id ORDER BY d.first, d.id",
	[ST_R_SERVICES] =
	    "SELECT s.proto, s.port, s.first, s.last,"
	    " coalesce(sum(c.conns), 0)"
	    " FROM services s"
	    " LEFT JOIN run_service_counters c ON c.service = s.id"
	    " WHERE s.asset = ?1 GROUP BY s.id ORDER BY s.proto, s.port",
	[ST_R_PEERS] =
	    "SELECT p.ip, p.first, p.last,"
	    " coalesce(sum(c.pkts_out), 0), coalesce(sum(c.pkts_in), 0),"
	    " coalesce(sum(c.bytes_out), 0), coalesce(sum(c.bytes_in), 0)"
	    " FROM peers p LEFT JOIN run_peer_counters c ON c.peer = p.id"
	    " WHERE p.asset = ?1 GROUP BY p.id ORDER BY p.first, p.id",
};

/*
 * How name sources are spelled in the database. This is a storage format,
 * kept here rather than borrowed from the display names so that renaming
 * one for output never changes what is on disk.
 */
static const char *const name_sources[NAME_SOURCE_COUNT] = {
	[NAME_DHCP] = "dhcp",
	[NAME_DHCP_FQDN] = "dhcp-fqdn",
	[NAME_DNS] = "dns",
	[NAME_DNS_PTR] = "dns-ptr",
	[NAME_MDNS] = "mdns",
	[NAME_LLMNR] = "llmnr",
	[NAME_NBNS] = "nbns",
};

struct store {
	sqlite3		*db;
	sqlite3_stmt	*st[ST_COUNT];
	char		*path;
	int		 version;
	int64_t		 run;
	char		 err[STORE_ERRLEN];
};

static void store_seterr(struct store *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
store_seterr(struct store *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
}

/* Records "what: sqlite's message" and returns WARD_ESTORE. */
static int
store_sqlerr(struct store *s, const char *what)
{
	store_seterr(s, "%s: %s", what, sqlite3_errmsg(s->db));
	return WARD_ESTORE;
}

static void
stmt_done(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	/* Drop borrowed SQLITE_STATIC text before its owner goes away. */
	sqlite3_clear_bindings(st);
}

/* Steps a statement that returns no rows (or whose rows are ignored). */
static int
stmt_run(struct store *s, enum stmt k, const char *what)
{
	sqlite3_stmt *st = s->st[k];
	int rc, ret = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		ret = store_sqlerr(s, what);
	stmt_done(st);
	return ret;
}

/* Steps an upsert with RETURNING id. */
static int
stmt_run_id(struct store *s, enum stmt k, const char *what, int64_t *id)
{
	sqlite3_stmt *st = s->st[k];
	bool got = false;
	int rc, ret = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		got = true;
	}
	if (rc != SQLITE_DONE)
		ret = store_sqlerr(s, what);
	else if (!got) {
		store_seterr(s, "%s: no row id returned", what);
		ret = WARD_ESTORE;
	}
	stmt_done(st);
	return ret;
}

static void
bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

/* Absent DHCP texts are stored as '' so that UNIQUE can match them. */
static void
bind_text_empty(sqlite3_stmt *st, int i, const char *v)
{
	sqlite3_bind_text(st, i, v != NULL ? v : "", -1, SQLITE_STATIC);
}

static void
bind_u64(sqlite3_stmt *st, int i, uint64_t v)
{
	/* Microsecond times and counters stay far below 2^63. */
	sqlite3_bind_int64(st, i, (sqlite3_int64)v);
}

static uint64_t
col_u64(sqlite3_stmt *st, int i)
{
	sqlite3_int64 v = sqlite3_column_int64(st, i);

	return v < 0 ? 0 : (uint64_t)v;
}

/* A text column as a new string, NULL for NULL (or '' when empty_null). */
static int
col_strdup(sqlite3_stmt *st, int i, bool empty_null, char **out)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	*out = NULL;
	if (t == NULL || (empty_null && t[0] == '\0'))
		return 0;
	if ((*out = strdup((const char *)t)) == NULL)
		return WARD_ENOMEM;
	return 0;
}

/* Runs a statement that is not one of the prepared ones. */
static int
exec_sql(sqlite3 *db, const char *sql, char **msg)
{
	return sqlite3_exec(db, sql, NULL, NULL, msg);
}

static int
read_user_version(sqlite3 *db, int *version)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*version = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* A message for a failure to read the file at all. */
static void
open_err(const char *path, sqlite3 *db, int rc, char *err, size_t errlen)
{
	const char *m = db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc);

	switch (rc & 0xff) {
	case SQLITE_NOTADB:
		snprintf(err, errlen, "%s: not a SQLite database (%s)", path, m);
		break;
	case SQLITE_CORRUPT:
		snprintf(err, errlen, "%s: database is corrupt (%s)", path, m);
		break;
	default:
		snprintf(err, errlen, "%s: %s", path, m);
		break;
	}
}

/*
 * Applies the migrations the file lacks, one transaction each. The version
 * is read again under the write lock so that two processes opening a new
 * file at once do not both apply the same migration.
 */
static int
store_migrate(struct store *s, char *err, size_t errlen)
{
	char pragma[64];
	char *msg = NULL;
	int v = s->version, rc;

	for (;;) {
		if ((rc = exec_sql(s->db, "BEGIN IMMEDIATE", &msg)) != SQLITE_OK)
			goto fail;
		if ((rc = read_user_version(s->db, &v)) != SQLITE_OK)
			goto fail;
		if (v >= NMIGRATIONS) {
			if ((rc = exec_sql(s->db, "COMMIT", &msg)) != SQLITE_OK)
				goto fail;
			s->version = v;
			return 0;
		}
		for (const char *const *sql = migrations[v]; *sql != NULL;
		    sql++) {
			if ((rc = exec_sql(s->db, *sql, &msg)) != SQLITE_OK)
				goto fail;
		}
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
		    v + 1);
		if ((rc = exec_sql(s->db, pragma, &msg)) != SQLITE_OK)
			goto fail;
		if ((rc = exec_sql(s->db, "COMMIT", &msg)) != SQLITE_OK)
			goto fail;
	}

fail:
	snprintf(err, errlen, "%s: migration to schema version %d failed: %s",
	    s->path, v + 1, msg != NULL ? msg : sqlite3_errmsg(s->db));
	sqlite3_free(msg);
	if (!sqlite3_get_autocommit(s->db))
		(void)exec_sql(s->db, "ROLLBACK", NULL);
	return WARD_ESTORE;
}

static int
store_pragmas(struct store *s, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *mode;
	char *msg = NULL;
	int rc, ret = WARD_ESTORE;

	rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &st,
	    NULL);
	if (rc != SQLITE_OK || (rc = sqlite3_step(st)) != SQLITE_ROW) {
		open_err(s->path, s->db, rc, err, errlen);
		goto out;
	}
	mode = sqlite3_column_text(st, 0);
	if (mode == NULL || strcmp((const char *)mode, "wal") != 0) {
		snprintf(err, errlen, "%s: cannot use WAL journal mode (got %s)",
		    s->path, mode != NULL ? (const char *)mode : "nothing");
		goto out;
	}
	if (exec_sql(s->db, "PRAGMA synchronous = NORMAL;"
	    "PRAGMA foreign_keys = ON", &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", s->path,
		    msg != NULL ? msg : sqlite3_errmsg(s->db));
		goto out;
	}
	ret = 0;
out:
	sqlite3_free(msg);
	sqlite3_finalize(st);
	return ret;
}

/*
 * A file that exists and is not empty must start with SQLite's magic.
 * SQLite itself takes a file of a few garbage bytes for an empty database
 * and would write over it; refuse that instead. A missing or empty file is
 * a new database (an empty main file may also have its pages in the WAL).
 */
static int
check_header(const char *path, char *err, size_t errlen)
{
	static const char magic[16] = "SQLite format 3";
	char b[sizeof(magic)];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, b, sizeof(b));
	close(fd);
	if (n == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (n == 0)
		return 0;
	if ((size_t)n < sizeof(b) || memcmp(b, magic, sizeof(magic)) != 0) {
		snprintf(err, errlen, "%s: not a SQLite database (no SQLite "
		    "header)", path);
		return -1;
	}
	return 0;
}

struct store *
store_open(const char *path, char *err, size_t errlen)
{
	struct store *s;
	int rc, v = 0;

	if (check_header(path, err, errlen) == -1)
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->path = strdup(path)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	rc = sqlite3_open_v2(path, &s->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		open_err(path, s->db, rc, err, errlen);
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);

	/* Reading the header is the first touch: garbage fails here. */
	if ((rc = read_user_version(s->db, &v)) != SQLITE_OK) {
		open_err(path, s->db, rc, err, errlen);
		goto fail;
	}
	/* Refuse before changing anything in a file from a newer ward. */
	if (v > NMIGRATIONS) {
		snprintf(err, errlen, "%s: database schema version %d is newer "
		    "than this ward knows (%d); use a newer ward", path, v,
		    NMIGRATIONS);
		goto fail;
	}
	if (v < 0) {
		snprintf(err, errlen, "%s: database schema version %d is not "
		    "one of ward's", path, v);
		goto fail;
	}
	if (store_pragmas(s, err, errlen) != 0 ||
	    store_migrate(s, err, errlen) != 0)
		goto fail;

	for (int i = 0; i < ST_COUNT; i++) {
		rc = sqlite3_prepare_v3(s->db, stmt_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL);
		if (rc != SQLITE_OK) {
			snprintf(err, errlen, "%s: preparing statement %d: %s",
			    path, i, sqlite3_errmsg(s->db));
			goto fail;
		}
	}
	return s;

fail:
	store_close(s);
	return NULL;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	if (s->db != NULL && !sqlite3_get_autocommit(s->db))
		(void)exec_sql(s->db, "ROLLBACK", NULL);
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	/* sqlite3_close_v2 also checkpoints the WAL when it is the last. */
	if (s->db != NULL)
		sqlite3_close_v2(s->db);
	free(s->path);
	free(s);
}

int
store_schema_version(struct store *s)
{
	return s->version;
}

int
store_schema_latest(void)
{
	return NMIGRATIONS;
}

const char *
store_errmsg(struct store *s)
{
	if (s->err[0] != '\0')
		return s->err;
	return sqlite3_errmsg(s->db);
}

int
store_begin(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db)) {
		store_seterr(s, "begin: a batch is already open");
		return WARD_EINVAL;
	}
	return stmt_run(s, ST_BEGIN, "begin");
}

int
store_commit(struct store *s)
{
	if (sqlite3_get_autocommit(s->db)) {
		store_seterr(s, "commit: no batch is open");
		return WARD_EINVAL;
	}
	return stmt_run(s, ST_COMMIT, "commit");
}

void
store_rollback(struct store *s)
{
	if (sqlite3_get_autocommit(s->db))
		return;
	if (stmt_run(s, ST_ROLLBACK, "rollback") != 0 &&
	    !sqlite3_get_autocommit(s->db))
		(void)exec_sql(s->db, "ROLLBACK", NULL);
}

int
store_run_start(struct store *s, const char *inputs, uint64_t started,
    int64_t *run_id)
{
	sqlite3_stmt *st = s->st[ST_RUN_START];
	int64_t id = 0;
	int ret;

	bind_u64(st, 1, started);
	bind_text_empty(st, 2, inputs);
	if ((ret = stmt_run_id(s, ST_RUN_START, "run start", &id)) != 0)
		return ret;
	s->run = id;
	if (run_id != NULL)
		*run_id = id;
	return 0;
}

int
store_run_finish(struct store *s, int64_t run_id, uint64_t finished,
    const char *summary_json)
{
	sqlite3_stmt *st = s->st[ST_RUN_FINISH];
	int ret;

	sqlite3_bind_int64(st, 1, run_id);
	bind_u64(st, 2, finished);
	bind_text(st, 3, summary_json);
	if ((ret = stmt_run(s, ST_RUN_FINISH, "run finish")) != 0)
		return ret;
	if (sqlite3_changes(s->db) != 1) {
		store_seterr(s, "run finish: no run %lld", (long long)run_id);
		return WARD_ENOTFOUND;
	}
	return 0;
}

int64_t
store_run_current(const struct store *s)
{
	return s->run;
}

static int
put_ips(struct store *s, int64_t asset, const struct asset *a)
{
	sqlite3_stmt *st = s->st[ST_IP];
	char ip[ADDR_STRLEN];
	int ret;

	for (size_t i = 0; i < a->nips; i++) {
		const struct asset_ip *e = &a->ips[i];

		if (e->addr.family == 0)
			continue;
		sqlite3_bind_int64(st, 1, asset);
		bind_text(st, 2, addr_fmt(&e->addr, ip, sizeof(ip)));
		sqlite3_bind_int64(st, 3, e->sources);
		bind_u64(st, 4, e->first);
		bind_u64(st, 5, e->last);
		if ((ret = stmt_run(s, ST_IP, "put asset ip")) != 0)
			return ret;
	}
	return 0;
}

static int
put_names(struct store *s, int64_t asset, const struct asset *a)
{
	sqlite3_stmt *st = s->st[ST_NAME], *ct = s->st[ST_NAME_CTR];
	int64_t id = 0;
	int ret;

	for (size_t i = 0; i < a->nnames; i++) {
		const struct asset_name *e = &a->names[i];

		if (e->name == NULL || (unsigned)e->source >= NAME_SOURCE_COUNT)
			continue;
		sqlite3_bind_int64(st, 1, asset);
		bind_text(st, 2, e->name);
		bind_text(st, 3, name_sources[e->source]);
		bind_u64(st, 4, e->first);
		bind_u64(st, 5, e->last);
		if ((ret = stmt_run_id(s, ST_NAME, "put asset name", &id)) != 0)
			return ret;
		sqlite3_bind_int64(ct, 1, id);
		sqlite3_bind_int64(ct, 2, s->run);
		bind_u64(ct, 3, e->count);
		if ((ret = stmt_run(s, ST_NAME_CTR, "put name count")) != 0)
			return ret;
	}
	return 0;
}

static int
put_dhcp(struct store *s, int64_t asset, const struct asset *a)
{
	sqlite3_stmt *st = s->st[ST_DHCP], *ct = s->st[ST_DHCP_CTR];
	int64_t id = 0;
	int ret;

	for (size_t i = 0; i < a->ndhcp; i++) {
		const struct asset_dhcp *e = &a->dhcp[i];

		sqlite3_bind_int64(st, 1, asset);
		bind_text_empty(st, 2, e->params);
		bind_text_empty(st, 3, e->vendor_class);
		bind_text_empty(st, 4, e->hostname);
		bind_text_empty(st, 5, e->client_id);
		bind_u64(st, 6, e->first);
		bind_u64(st, 7, e->last);
		if ((ret = stmt_run_id(s, ST_DHCP, "put dhcp fingerprint",
		    &id)) != 0)
			return ret;
		sqlite3_bind_int64(ct, 1, id);
		sqlite3_bind_int64(ct, 2, s->run);
		bind_u64(ct, 3, e->count);
		if ((ret = stmt_run(s, ST_DHCP_CTR, "put dhcp count")) != 0)
			return ret;
	}
	return 0;
}

static int
put_services(struct store *s, int64_t asset, const struct asset *a)
{
	sqlite3_stmt *st = s->st[ST_SERVICE], *ct = s->st[ST_SERVICE_CTR];
	int64_t id = 0;
	int ret;

	for (size_t i = 0; i < a->nservices; i++) {
		const struct asset_service *e = &a->services[i];

		sqlite3_bind_int64(st, 1, asset);
		sqlite3_bind_int(st, 2, e->proto);
		sqlite3_bind_int(st, 3, e->port);
		bind_u64(st, 4, e->first);
		bind_u64(st, 5, e->last);
		if ((ret = stmt_run_id(s, ST_SERVICE, "put service", &id)) != 0)
			return ret;
		sqlite3_bind_int64(ct, 1, id);
		sqlite3_bind_int64(ct, 2, s->run);
		bind_u64(ct, 3, e->conns);
		if ((ret = stmt_run(s, ST_SERVICE_CTR,
		    "put service counters")) != 0)
			return ret;
	}
	return 0;
}

static int
put_peers(struct store *s, int64_t asset, const struct asset *a)
{
	sqlite3_stmt *st = s->st[ST_PEER], *ct = s->st[ST_PEER_CTR];
	char ip[ADDR_STRLEN];
	int64_t id = 0;
	int ret;

	for (size_t i = 0; i < a->npeers; i++) {
		const struct asset_peer *e = &a->peers[i];

		if (e->addr.family == 0)
			continue;
		sqlite3_bind_int64(st, 1, asset);
		bind_text(st, 2, addr_fmt(&e->addr, ip, sizeof(ip)));
		bind_u64(st, 3, e->first);
		bind_u64(st, 4, e->last);
		if ((ret = stmt_run_id(s, ST_PEER, "put peer", &id)) != 0)
			return ret;
		sqlite3_bind_int64(ct, 1, id);
		sqlite3_bind_int64(ct, 2, s->run);
		bind_u64(ct, 3, e->pkts_out);
		bind_u64(ct, 4, e->pkts_in);
		bind_u64(ct, 5, e->bytes_out);
		bind_u64(ct, 6, e->bytes_in);
		if ((ret = stmt_run(s, ST_PEER_CTR, "put peer counters")) != 0)
			return ret;
	}
	return 0;
}

static int
put_asset_row(struct store *s, const struct asset *a, int64_t *id)
{
	sqlite3_stmt *st = s->st[ST_ASSET], *ct = s->st[ST_ASSET_CTR];
	char mac[MAC_STRLEN], ip[ADDR_STRLEN];
	int ret;

	if (a->by_mac) {
		mac_fmt(a->mac, mac, sizeof(mac));
		bind_text(st, 1, mac);
		bind_text(st, 2, mac);
		sqlite3_bind_null(st, 3);
	} else {
		if (a->key_ip.family == 0) {
			store_seterr(s, "put asset: keyed by IP but has none");
			return WARD_EINVAL;
		}
		addr_fmt(&a->key_ip, ip, sizeof(ip));
		bind_text(st, 1, ip);
		sqlite3_bind_null(st, 2);
		bind_text(st, 3, ip);
	}
	bind_text(st, 4, a->vendor);
	sqlite3_bind_int(st, 5, a->router ? 1 : 0);
	bind_u64(st, 6, a->first);
	bind_u64(st, 7, a->last);
	if ((ret = stmt_run_id(s, ST_ASSET, "put asset", id)) != 0)
		return ret;

	sqlite3_bind_int64(ct, 1, *id);
	sqlite3_bind_int64(ct, 2, s->run);
	bind_u64(ct, 3, a->pkts_out);
	bind_u64(ct, 4, a->pkts_in);
	bind_u64(ct, 5, a->bytes_out);
	bind_u64(ct, 6, a->bytes_in);
	bind_u64(ct, 7, a->peers_dropped);
	return stmt_run(s, ST_ASSET_CTR, "put asset counters");
}

int
store_put_asset(struct store *s, const struct asset *a)
{
	int64_t id = 0;
	bool own = false;
	int ret;

	if (s->run == 0) {
		store_seterr(s, "put asset: no run started");
		return WARD_EINVAL;
	}
	if (sqlite3_get_autocommit(s->db)) {
		if ((ret = store_begin(s)) != 0)
			return ret;
		own = true;
	}
	if ((ret = put_asset_row(s, a, &id)) != 0 ||
	    (ret = put_ips(s, id, a)) != 0 ||
	    (ret = put_names(s, id, a)) != 0 ||
	    (ret = put_dhcp(s, id, a)) != 0 ||
	    (ret = put_services(s, id, a)) != 0 ||
	    (ret = put_peers(s, id, a)) != 0)
		goto out;
out:
	if (own) {
		if (ret == 0)
			ret = store_commit(s);
		if (ret != 0)
			store_rollback(s);
	}
	return ret;
}

/*
 * Read-back: an asset assembled from its rows, owned here and freed after
 * the callback.
 */
static void
loaded_free(struct asset *a, char *vendor)
{
	asset_clear(a);
	free(vendor);
}

/* Makes room for one more element in *arr, which holds n of cap. */
static int
grow(void **arr, size_t *cap, size_t n, size_t size)
{
	void *p;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap == 0 ? 8 : *cap * 2;
	if ((p = reallocarray(*arr, ncap, size)) == NULL)
		return WARD_ENOMEM;
	memset((char *)p + *cap * size, 0, (ncap - *cap) * size);
	*arr = p;
	*cap = ncap;
	return 0;
}

static int
name_source_parse(const char *t, enum name_source *src)
{
	for (int i = 0; i < NAME_SOURCE_COUNT; i++) {
		if (strcmp(name_sources[i], t) == 0) {
			*src = (enum name_source)i;
			return 0;
		}
	}
	return -1;
}

static int
load_ips(struct store *s, int64_t id, struct asset *a)
{
	sqlite3_stmt *st = s->st[ST_R_IPS];
	size_t cap = 0;
	int rc, ret = 0;

	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		struct asset_ip *e;

		if ((ret = grow((void **)&a->ips, &cap, a->nips,
		    sizeof(*a->ips))) != 0)
			goto out;
		e = &a->ips[a->nips];
		if (t == NULL || addr_parse(t, &e->addr) == -1)
			continue;
		e->sources = (uint32_t)sqlite3_column_int64(st, 1);
		e->first = col_u64(st, 2);
		e->last = col_u64(st, 3);
		a->nips++;
	}
	if (rc != SQLITE_DONE)
		ret = store_sqlerr(s, "read asset ips");
out:
	stmt_done(st);
	return ret;
}

static int
load_names(struct store *s, int64_t id, struct asset *a)
{
	sqlite3_stmt *st = s->st[ST_R_NAMES];
	size_t cap = 0;
	int rc, ret = 0;

	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *src = (const char *)sqlite3_column_text(st, 1);
		struct asset_name *e;

		if ((ret = grow((void **)&a->names, &cap, a->nnames,
		    sizeof(*a->names))) != 0)
			goto out;
		e = &a->names[a->nnames];
		/* A source a newer ward wrote: not one this one can name. */
		if (src == NULL || name_source_parse(src, &e->source) == -1)
			continue;
		if ((ret = col_strdup(st, 0, false, &e->name)) != 0)
			goto out;
		if (e->name == NULL)
			continue;
		e->first = col_u64(st, 2);
		e->last = col_u64(st, 3);
		e->count = col_u64(st, 4);
		a->nnames++;
	}
	if (rc != SQLITE_DONE)
		ret = store_sqlerr(s, "read asset names");
out:
	stmt_done(st);
	return ret;
}

static int
load_dhcp(struct store *s, int64_t id, struct asset *a)
{
	sqlite3_stmt *st = s->st[ST_R_DHCP];
	size_t cap = 0;
	int rc, ret = 0;

	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct asset_dhcp *e;

		if ((ret = grow((void **)&a->dhcp, &cap, a->ndhcp,
		    sizeof(*a->dhcp))) != 0)
			goto out;
		e = &a->dhcp[a->ndhcp++];
		if ((ret = col_strdup(st, 0, true, &e->params)) != 0 ||
		    (ret = col_strdup(st, 1, true, &e->vendor_class)) != 0 ||
		    (ret = col_strdup(st, 2, true, &e->hostname)) != 0 ||
		    (ret = col_strdup(st, 3, true, &e->client_id)) != 0)
			goto out;
		e->first = col_u64(st, 4);
		e->last = col_u64(st, 5);
		e->count = col_u64(st, 6);
	}
	if (rc != SQLITE_DONE)
		ret = store_sqlerr(s, "read dhcp fingerprints");
out:
	stmt_done(st);
	return ret;
}

static int
load_services(struct store *s, int64_t id, struct asset *a)
{
	sqlite3_stmt *st = s->st[ST_R_SERVICES];
	size_t cap = 0;
	int rc, ret = 0;

	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct asset_service *e;

		if ((ret = grow((void **)&a->services, &cap, a->nservices,
		    sizeof(*a->services))) != 0)
			goto out;
		e = &a->services[a->nservices++];
		e->proto = (uint8_t)sqlite3_column_int(st, 0);
		e->port = (uint16_t)sqlite3_column_int(st, 1);
		e->first = col_u64(st, 2);
		e->last = col_u64(st, 3);
		e->conns = col_u64(st, 4);
	}
	if (rc != SQLITE_DONE)
		ret = store_sqlerr(s, "read services");
out:
	stmt_done(st);
	return ret;
}

static int
load_peers(struct store *s, int64_t id, struct asset *a)
{
	sqlite3_stmt *st = s->st[ST_R_PEERS];
	size_t cap = 0;
	int rc, ret = 0;

	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		struct asset_peer *e;

		if ((ret = grow((void **)&a->peers, &cap, a->npeers,
		    sizeof(*a->peers))) != 0)
			goto out;
		e = &a->peers[a->npeers];
		if (t == NULL || addr_parse(t, &e->addr) == -1)
			continue;
		e->first = col_u64(st, 1);
		e->last = col_u64(st, 2);
		e->pkts_out = col_u64(st, 3);
		e->pkts_in = col_u64(st, 4);
		e->bytes_out = col_u64(st, 5);
		e->bytes_in = col_u64(st, 6);
		a->npeers++;
	}
	if (rc != SQLITE_DONE)
		ret = store_sqlerr(s, "read peers");
out:
	stmt_done(st);
	return ret;
}

static int
load_counters(struct store *s, int64_t id, struct asset *a)
{
	sqlite3_stmt *st = s->st[ST_R_CTR];
	int rc, ret = 0;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		a->pkts_out = col_u64(st, 0);
		a->pkts_in = col_u64(st, 1);
		a->bytes_out = col_u64(st, 2);
		a->bytes_in = col_u64(st, 3);
		a->peers_dropped = col_u64(st, 4);
	} else if (rc != SQLITE_DONE)
		ret = store_sqlerr(s, "read asset counters");
	stmt_done(st);
	return ret;
}

/* Loads the asset in the current row of st and hands it to fn. */
static int
load_asset(struct store *s, sqlite3_stmt *st, store_asset_fn fn, void *arg)
{
	struct asset a;
	const char *t;
	char *vendor = NULL;
	int64_t id;
	int ret;

	memset(&a, 0, sizeof(a));
	id = sqlite3_column_int64(st, 0);
	a.id = (uint64_t)id;
	if ((t = (const char *)sqlite3_column_text(st, 2)) != NULL) {
		a.by_mac = true;
		if (mac_parse(t, a.mac) == -1) {
			store_seterr(s, "asset %lld: bad MAC `%s'",
			    (long long)id, t);
			return WARD_EFORMAT;
		}
	} else if ((t = (const char *)sqlite3_column_text(st, 3)) == NULL ||
	    addr_parse(t, &a.key_ip) == -1) {
		store_seterr(s, "asset %lld: bad key IP `%s'", (long long)id,
		    t != NULL ? t : "NULL");
		return WARD_EFORMAT;
	}
	if ((ret = col_strdup(st, 4, false, &vendor)) != 0)
		goto out;
	a.vendor = vendor;
	a.router = sqlite3_column_int(st, 5) != 0;
	a.first = col_u64(st, 6);
	a.last = col_u64(st, 7);

	if ((ret = load_counters(s, id, &a)) != 0 ||
	    (ret = load_ips(s, id, &a)) != 0 ||
	    (ret = load_names(s, id, &a)) != 0 ||
	    (ret = load_dhcp(s, id, &a)) != 0 ||
	    (ret = load_services(s, id, &a)) != 0 ||
	    (ret = load_peers(s, id, &a)) != 0)
		goto out;
	ret = fn(&a, arg);
out:
	loaded_free(&a, vendor);
	return ret;
}

/* Walks the rows of k (bound by the caller) inside one read snapshot. */
static int
store_walk(struct store *s, enum stmt k, store_asset_fn fn, void *arg,
    size_t *n)
{
	sqlite3_stmt *st = s->st[k];
	bool own = false;
	int rc, ret = 0;

	*n = 0;
	if (sqlite3_get_autocommit(s->db)) {
		if ((ret = stmt_run(s, ST_BEGIN_READ, "begin read")) != 0) {
			stmt_done(st);
			return ret;
		}
		own = true;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		(*n)++;
		if ((ret = load_asset(s, st, fn, arg)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE)
		ret = store_sqlerr(s, "read assets");
out:
	stmt_done(st);
	/* Read-only: ending the snapshot cannot lose anything. */
	if (own)
		store_rollback(s);
	return ret;
}

int
store_foreach_asset(struct store *s, store_asset_fn fn, void *arg)
{
	size_t n;

	return store_walk(s, ST_R_ASSETS, fn, arg, &n);
}

int
store_get_asset(struct store *s, const char *key, store_asset_fn fn,
    void *arg)
{
	size_t n;
	int ret;

	bind_text(s->st[ST_R_ASSET_KEY], 1, key);
	if ((ret = store_walk(s, ST_R_ASSET_KEY, fn, arg, &n)) != 0)
		return ret;
	if (n == 0) {
		store_seterr(s, "no asset `%s'", key);
		return WARD_ENOTFOUND;
	}
	return 0;
}

int64_t
store_asset_count(struct store *s)
{
	sqlite3_stmt *st = s->st[ST_R_COUNT];
	int64_t n = 0;
	int rc;

	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		n = store_sqlerr(s, "count assets");
	stmt_done(st);
	return n;
}
