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
#include "ward/dept.h"
#include "ward/error.h"
#include "ward/ident.h"
#include "ward/store.h"
#include "store-private.h"

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

/*
 * 2: identification (attributes, the model the device names, the verdict
 * and its evidence), departments, online state, and the history of
 * identity changes.
 */
static const char *const migration_2[] = {
	"ALTER TABLE assets ADD COLUMN model TEXT",
	"ALTER TABLE assets ADD COLUMN model_source TEXT",
	"ALTER TABLE assets ADD COLUMN hostname TEXT",
	"ALTER TABLE assets ADD COLUMN vlan INTEGER",
	"ALTER TABLE assets ADD COLUMN department TEXT",
	"ALTER TABLE assets ADD COLUMN location TEXT",
	"ALTER TABLE assets ADD COLUMN building TEXT",
	"ALTER TABLE assets ADD COLUMN status TEXT"
	"  CHECK (status IN ('online', 'offline'))",
	"ALTER TABLE assets ADD COLUMN status_since INTEGER",
	"ALTER TABLE assets ADD COLUMN offline_after INTEGER",
	"CREATE INDEX assets_department ON assets (department)",
	"CREATE TABLE asset_attrs ("
	"  id INTEGER PRIMARY KEY,"
	"  asset INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,"
	"  key TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  first INTEGER NOT NULL,"
	"  last INTEGER NOT NULL,"
	"  UNIQUE (asset, key, value)"
	")",
	"CREATE TABLE run_attr_counts ("
	"  attr INTEGER NOT NULL REFERENCES asset_attrs(id) ON DELETE CASCADE,"
	"  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  count INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (attr, run)"
	") WITHOUT ROWID",
	"CREATE VIEW v_asset_attrs AS"
	"  SELECT t.id, t.asset, t.key, t.value, t.first, t.last,"
	"    coalesce(sum(c.count), 0) AS count"
	"  FROM asset_attrs t LEFT JOIN run_attr_counts c ON c.attr = t.id"
	"  GROUP BY t.id",
	/*
	 * The verdict, one row per asset. A dimension the newest verdict
	 * leaves unknown keeps its last known value and confidence.
	 */
	"CREATE TABLE asset_identity ("
	"  asset INTEGER PRIMARY KEY REFERENCES assets(id) ON DELETE CASCADE,"
	"  type TEXT, type_conf REAL NOT NULL DEFAULT 0,"
	"  vendor TEXT, vendor_conf REAL NOT NULL DEFAULT 0,"
	"  model TEXT, model_conf REAL NOT NULL DEFAULT 0,"
	"  version TEXT, version_conf REAL NOT NULL DEFAULT 0,"
	"  evidence_dropped INTEGER NOT NULL DEFAULT 0,"
	"  updated INTEGER NOT NULL"
	")",
	"CREATE INDEX asset_identity_type ON asset_identity (type)",
	"CREATE TABLE identity_evidence ("
	"  id INTEGER PRIMARY KEY,"
	"  asset INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,"
	"  rule TEXT NOT NULL,"
	"  source TEXT NOT NULL,"
	"  weight REAL NOT NULL,"
	"  attribute TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  asserts TEXT NOT NULL,"
	"  UNIQUE (asset, rule)"
	")",
	"CREATE TABLE identity_history ("
	"  id INTEGER PRIMARY KEY,"
	"  asset INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,"
	"  run INTEGER REFERENCES runs(id) ON DELETE SET NULL,"
	"  time INTEGER NOT NULL,"
	"  change TEXT NOT NULL,"
	"  detail TEXT,"
	"  old_value TEXT,"
	"  new_value TEXT"
	")",
	"CREATE INDEX identity_history_asset ON identity_history (asset, time)",
	"CREATE INDEX identity_history_time ON identity_history (time)",
	"CREATE VIEW v_identity AS"
	"  SELECT a.id AS asset, a.key, a.hostname, a.department, a.status,"
	"    i.type, i.type_conf, i.vendor, i.vendor_conf, i.model,"
	"    i.model_conf, i.version, i.version_conf, i.updated"
	"  FROM assets a LEFT JOIN asset_identity i ON i.asset = a.id",
	NULL
};

/*
 * 3: alerts. One row per (type, asset, object), the key the alert engine
 * deduplicates by, with per-run occurrence counts so that putting the
 * same alert again in a run sets its count and a later run adds its own.
 * The asset is a key as text, not a reference: an alert may be about an
 * address that is no asset (a scanner behind a router).
 */
static const char *const migration_3[] = {
	"CREATE TABLE alerts ("
	"  id INTEGER PRIMARY KEY,"
	"  type TEXT NOT NULL,"
	"  category TEXT NOT NULL,"
	"  severity TEXT NOT NULL"
	"  CHECK (severity IN ('info', 'low', 'medium', 'high', 'critical')),"
	"  severity_rank INTEGER NOT NULL,"
	"  asset_key TEXT NOT NULL,"
	"  ip TEXT,"
	"  peer TEXT,"
	"  object TEXT NOT NULL,"
	"  message TEXT NOT NULL,"
	"  evidence TEXT NOT NULL,"
	"  first INTEGER NOT NULL,"
	"  last INTEGER NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'open'"
	"  CHECK (status IN ('open', 'acknowledged', 'closed')),"
	"  status_time INTEGER,"
	"  UNIQUE (type, asset_key, object)"
	")",
	"CREATE INDEX alerts_last ON alerts (last)",
	"CREATE INDEX alerts_asset ON alerts (asset_key)",
	"CREATE TABLE run_alert_counts ("
	"  alert INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,"
	"  run INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  count INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (alert, run)"
	") WITHOUT ROWID",
	"CREATE VIEW v_alerts AS"
	"  SELECT a.*, coalesce(sum(c.count), 0) AS count,"
	"    min(c.run) AS run_first, max(c.run) AS run_last"
	"  FROM alerts a LEFT JOIN run_alert_counts c ON c.alert = a.id"
	"  GROUP BY a.id",
	NULL
};

/*
 * 4: behaviour baselines (src/store/baseline.c, docs/store.md): what each
 * asset, each device type and the network normally do, the state a person
 * gave each item, and each asset's learning start and hourly volumes.
 * Keyed by the asset's key text, not its row, so that a baseline can be
 * written before the asset's first put.
 */
static const char *const migration_4[] = {
	"CREATE TABLE baseline_items ("
	"  id INTEGER PRIMARY KEY,"
	"  scope TEXT NOT NULL CHECK (scope IN ('asset', 'type', 'network')),"
	"  key TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  state TEXT NOT NULL"
	"    CHECK (state IN ('learned', 'approved', 'rejected', 'pending')),"
	"  first INTEGER NOT NULL,"
	"  last INTEGER NOT NULL,"
	"  count INTEGER NOT NULL DEFAULT 0,"
	"  reviewed INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (scope, key, kind, value)"
	")",
	"CREATE INDEX baseline_items_state ON baseline_items (state)",
	"CREATE INDEX baseline_items_reviewed ON baseline_items (reviewed)",
	"CREATE TABLE baseline_assets ("
	"  key TEXT PRIMARY KEY,"
	"  learn_start INTEGER NOT NULL,"
	"  days INTEGER NOT NULL DEFAULT 0,"
	"  last_day INTEGER NOT NULL DEFAULT -1,"
	"  bytes_max INTEGER NOT NULL DEFAULT 0,"
	"  pkts_max INTEGER NOT NULL DEFAULT 0"
	") WITHOUT ROWID",
	"CREATE TABLE baseline_meta ("
	"  name TEXT PRIMARY KEY,"
	"  value INTEGER NOT NULL"
	") WITHOUT ROWID",
	NULL
};

/*
 * 5: vulnerability assessment (src/store/vuln.c, docs/vuln.md). The
 * advisories of each feed file ward vuln update read (a file read again
 * replaces its own), their products with the range as its parts, indexed
 * by CPE pair and lower-case vendor for matching; and per asset key the
 * matches, the passive exposures, and the risk score with its terms.
 */
static const char *const migration_5[] = {
	"CREATE TABLE vuln_feeds ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  origin TEXT NOT NULL CHECK (origin IN ('nvd', 'csaf', 'iomt')),"
	"  sha256 TEXT NOT NULL,"
	"  loaded INTEGER NOT NULL,"
	"  advisories INTEGER NOT NULL"
	")",
	"CREATE TABLE advisories ("
	"  id INTEGER PRIMARY KEY,"
	"  feed INTEGER NOT NULL REFERENCES vuln_feeds(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  origin TEXT NOT NULL,"
	"  source TEXT,"
	"  title TEXT,"
	"  summary TEXT,"
	"  remediation TEXT,"
	"  score REAL,"
	"  severity TEXT"
	")",
	"CREATE INDEX advisories_feed ON advisories (feed)",
	"CREATE INDEX advisories_name ON advisories (name)",
	"CREATE TABLE advisory_products ("
	"  advisory INTEGER NOT NULL REFERENCES advisories(id)"
	"    ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL,"
	"  vendor TEXT,"
	"  product TEXT,"
	"  cpe TEXT,"
	"  vendor_key TEXT,"
	"  exact TEXT,"
	"  start TEXT,"
	"  end_ TEXT,"
	"  text TEXT,"
	"  flags INTEGER NOT NULL DEFAULT 0,"
	"  fixed TEXT,"
	"  affected INTEGER NOT NULL,"
	"  platform TEXT,"
	"  purl TEXT,"
	"  PRIMARY KEY (advisory, seq)"
	") WITHOUT ROWID",
	"CREATE INDEX advisory_products_cpe ON advisory_products (cpe)",
	"CREATE INDEX advisory_products_vendor ON advisory_products"
	"  (vendor_key)",
	"CREATE TABLE vuln_findings ("
	"  asset_key TEXT NOT NULL,"
	"  advisory TEXT NOT NULL,"
	"  component TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('affected', 'potential')),"
	"  confidence REAL NOT NULL,"
	"  version TEXT,"
	"  source TEXT NOT NULL,"
	"  evidence TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  title TEXT,"
	"  severity TEXT,"
	"  score REAL,"
	"  fixed TEXT,"
	"  remediation TEXT,"
	"  feeds TEXT NOT NULL,"
	"  first INTEGER NOT NULL,"
	"  last INTEGER NOT NULL,"
	"  pass INTEGER NOT NULL,"
	"  PRIMARY KEY (asset_key, advisory, component)"
	") WITHOUT ROWID",
	"CREATE TABLE exposures ("
	"  asset_key TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  proto INTEGER NOT NULL,"
	"  port INTEGER NOT NULL,"
	"  title TEXT NOT NULL,"
	"  severity TEXT NOT NULL,"
	"  evidence TEXT NOT NULL,"
	"  remediation TEXT NOT NULL,"
	"  first INTEGER NOT NULL,"
	"  last INTEGER NOT NULL,"
	"  count INTEGER NOT NULL,"
	"  PRIMARY KEY (asset_key, kind, proto, port, title)"
	") WITHOUT ROWID",
	"CREATE TABLE asset_risk ("
	"  asset_key TEXT PRIMARY KEY,"
	"  score REAL NOT NULL,"
	"  terms TEXT NOT NULL,"
	"  time INTEGER NOT NULL"
	") WITHOUT ROWID",
	NULL
};

static const char *const *const migrations[] = {
	migration_1,
	migration_2,
	migration_3,
	migration_4,
	migration_5,
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
	ST_ASSET_EXTRA,
	ST_ATTR,
	ST_ATTR_CTR,
	ST_IDENT,
	ST_EV_DEL,
	ST_EV,
	ST_HIST,
	ST_R_ASSETS,
	ST_R_ASSET_KEY,
	ST_R_COUNT,
	ST_R_CTR,
	ST_R_IPS,
	ST_R_NAMES,
	ST_R_DHCP,
	ST_R_SERVICES,
	ST_R_PEERS,
	ST_R_ATTRS,
	ST_R_IDENT,
	ST_R_EV,
	ST_R_REPORTED,
	ST_R_DHCP_LATEST,
	ST_R_HIST_ALL,
	ST_R_HIST_KEY,
	ST_R_KEY_BY_IP,
	ST_COUNT
};

#define R_ASSET_COLS \
	"SELECT id, key, mac, key_ip, vendor, router, first_seen, last_seen," \
	" model, model_source, vlan, department, location, building, status," \
	" status_since, offline_after FROM assets"

#define R_HIST_COLS \
	"SELECT a.key, h.time, h.change, h.detail, h.old_value, h.new_value," \
	" h.run FROM identity_history h JOIN assets a ON a.id = h.asset"

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
	[ST_ASSET_EXTRA] =
	    "UPDATE assets SET model = coalesce(?2, model),"
	    " model_source = CASE WHEN ?2 IS NULL THEN model_source"
	    "   ELSE ?3 END,"
	    " hostname = coalesce(?4, hostname), vlan = coalesce(?5, vlan),"
	    " location = CASE WHEN ?6 IS NULL THEN location ELSE ?7 END,"
	    " building = CASE WHEN ?6 IS NULL THEN building ELSE ?8 END,"
	    " department = coalesce(?6, department),"
	    " status = coalesce(?9, status),"
	    " status_since = coalesce(?10, status_since),"
	    " offline_after = coalesce(?11, offline_after)"
	    " WHERE id = ?1",
	[ST_ATTR] =
	    "INSERT INTO asset_attrs (asset, key, value, first, last)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)"
	    " ON CONFLICT (asset, key, value) DO UPDATE SET"
	    " first = min(first, excluded.first),"
	    " last = max(last, excluded.last)"
	    " RETURNING id",
	[ST_ATTR_CTR] =
	    "INSERT INTO run_attr_counts (attr, run, count) VALUES (?1, ?2, ?3)"
	    " ON CONFLICT (attr, run) DO UPDATE SET count = excluded.count",
	[ST_IDENT] =
	    "INSERT INTO asset_identity (asset, type, type_conf, vendor,"
	    " vendor_conf, model, model_conf, version, version_conf,"
	    " evidence_dropped, updated)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
	    " ON CONFLICT (asset) DO UPDATE SET"
	    " type_conf = CASE WHEN excluded.type IS NULL THEN type_conf"
	    "   ELSE excluded.type_conf END,"
	    " type = coalesce(excluded.type, type),"
	    " vendor_conf = CASE WHEN excluded.vendor IS NULL THEN vendor_conf"
	    "   ELSE excluded.vendor_conf END,"
	    " vendor = coalesce(excluded.vendor, vendor),"
	    " model_conf = CASE WHEN excluded.model IS NULL THEN model_conf"
	    "   ELSE excluded.model_conf END,"
	    " model = coalesce(excluded.model, model),"
	    " version_conf = CASE WHEN excluded.version IS NULL"
	    "   THEN version_conf ELSE excluded.version_conf END,"
	    " version = coalesce(excluded.version, version),"
	    " evidence_dropped = excluded.evidence_dropped,"
	    " updated = max(updated, excluded.updated)",
	[ST_EV_DEL] = "DELETE FROM identity_evidence WHERE asset = ?1",
	[ST_EV] =
	    "INSERT INTO identity_evidence (asset, rule, source, weight,"
	    " attribute, value, asserts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
	    " ON CONFLICT (asset, rule) DO UPDATE SET source = excluded.source,"
	    " weight = excluded.weight, attribute = excluded.attribute,"
	    " value = excluded.value, asserts = excluded.asserts",
	[ST_HIST] =
	    "INSERT INTO identity_history (asset, run, time, change, detail,"
	    " old_value, new_value)"
	    " SELECT id, ?2, ?3, ?4, ?5, ?6, ?7 FROM assets WHERE key = ?1",
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
	[ST_R_ATTRS] =
	    "SELECT t.key, t.value, t.first, t.last, coalesce(sum(c.count), 0)"
	    " FROM asset_attrs t LEFT JOIN run_attr_counts c ON c.attr = t.id"
	    " WHERE t.asset = ?1 GROUP BY t.id ORDER BY t.first, t.id",
	[ST_R_IDENT] =
	    "SELECT type, type_conf, vendor, vendor_conf, model, model_conf,"
	    " version, version_conf, evidence_dropped"
	    " FROM asset_identity WHERE asset = ?1",
	[ST_R_EV] =
	    "SELECT rule, source, weight, attribute, value, asserts"
	    " FROM identity_evidence WHERE asset = ?1 ORDER BY id",
	[ST_R_REPORTED] =
	    "SELECT a.hostname, i.type, i.vendor, i.model, i.version,"
	    " a.offline_after"
	    " FROM assets a LEFT JOIN asset_identity i ON i.asset = a.id"
	    " WHERE a.key = ?1",
	[ST_R_DHCP_LATEST] =
	    "SELECT d.params || '|' || d.vendor_class FROM dhcp_fingerprints d"
	    " JOIN assets a ON a.id = d.asset WHERE a.key = ?1"
	    " ORDER BY d.last DESC, d.id DESC LIMIT 1",
	[ST_R_HIST_ALL] = R_HIST_COLS " ORDER BY h.time, h.id",
	[ST_R_HIST_KEY] = R_HIST_COLS " WHERE a.key = ?1 ORDER BY h.time, h.id",
	[ST_R_KEY_BY_IP] =
	    "SELECT a.key FROM asset_ips i JOIN assets a ON a.id = i.asset"
	    " WHERE i.ip = ?1 ORDER BY i.last DESC, i.id DESC LIMIT 1",
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
	sqlite3_stmt	*alert_st[4];	/* prepared on first use */
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
	/* A 32 MiB page cache: the reports read the inventory whole. */
	if (exec_sql(s->db, "PRAGMA synchronous = NORMAL;"
	    "PRAGMA foreign_keys = ON; PRAGMA cache_size = -32768", &msg) !=
	    SQLITE_OK) {
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
	for (size_t i = 0; i < sizeof(s->alert_st) / sizeof(s->alert_st[0]);
	    i++)
		sqlite3_finalize(s->alert_st[i]);
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

static void
bind_double(sqlite3_stmt *st, int i, double v)
{
	sqlite3_bind_double(st, i, v);
}

/* Text that is NULL when empty. */
static void
bind_text_null(sqlite3_stmt *st, int i, const char *v)
{
	bind_text(st, i, v != NULL && v[0] != '\0' ? v : NULL);
}

static int
put_extra(struct store *s, int64_t asset, const struct asset *a)
{
	sqlite3_stmt *st = s->st[ST_ASSET_EXTRA];

	sqlite3_bind_int64(st, 1, asset);
	bind_text_null(st, 2, a->model);
	bind_text(st, 3, a->model_source);
	bind_text_null(st, 4, asset_hostname(a));
	if (a->vlan != 0)
		sqlite3_bind_int(st, 5, a->vlan);
	if (a->dept != NULL) {
		bind_text(st, 6, a->dept->name);
		bind_text(st, 7, a->dept->location);
		bind_text(st, 8, a->dept->building);
	}
	if (a->status != ASSET_STATUS_UNKNOWN) {
		bind_text(st, 9, asset_status_name(a->status));
		bind_u64(st, 10, a->status_since);
		bind_u64(st, 11, a->status_limit);
	}
	return stmt_run(s, ST_ASSET_EXTRA, "put asset details");
}

static int
put_attrs(struct store *s, int64_t asset, const struct asset *a)
{
	sqlite3_stmt *st = s->st[ST_ATTR], *ct = s->st[ST_ATTR_CTR];
	int64_t id = 0;
	int ret;

	for (size_t i = 0; i < a->nattrs; i++) {
		const struct asset_attr *e = &a->attrs[i];

		if (e->key == NULL || e->value == NULL)
			continue;
		sqlite3_bind_int64(st, 1, asset);
		bind_text(st, 2, e->key);
		bind_text(st, 3, e->value);
		bind_u64(st, 4, e->first);
		bind_u64(st, 5, e->last);
		if ((ret = stmt_run_id(s, ST_ATTR, "put attribute", &id)) != 0)
			return ret;
		sqlite3_bind_int64(ct, 1, id);
		sqlite3_bind_int64(ct, 2, s->run);
		bind_u64(ct, 3, e->count);
		if ((ret = stmt_run(s, ST_ATTR_CTR, "put attribute count")) != 0)
			return ret;
	}
	return 0;
}

/* "type,vendor": the dimensions a piece of evidence asserts. */
static void
asserts_text(uint8_t dims, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int d = 0; d < IDENT_DIMS; d++) {
		int n;

		if (!(dims & (1U << d)))
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off ? "," : "",
		    ident_dim_name((enum ident_dim)d));
		if (n < 0 || (size_t)n >= len - off)
			return;
		off += (size_t)n;
	}
}

static int
put_ident(struct store *s, int64_t asset, const struct asset *a)
{
	const struct ident_verdict *v = a->ident;
	sqlite3_stmt *st = s->st[ST_IDENT], *et = s->st[ST_EV];
	char asserts[64];
	int ret;

	if (v == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, asset);
	for (int d = 0; d < IDENT_DIMS; d++) {
		bind_text_null(st, 2 + 2 * d, v->value[d]);
		bind_double(st, 3 + 2 * d, v->conf[d]);
	}
	bind_u64(st, 10, v->nev_dropped);
	bind_u64(st, 11, a->last);
	if ((ret = stmt_run(s, ST_IDENT, "put identity")) != 0)
		return ret;
	/* The evidence of the newest verdict that had any. */
	if (v->nev == 0)
		return 0;
	sqlite3_bind_int64(s->st[ST_EV_DEL], 1, asset);
	if ((ret = stmt_run(s, ST_EV_DEL, "replace evidence")) != 0)
		return ret;
	for (size_t i = 0; i < v->nev && i < IDENT_EVIDENCE_MAX; i++) {
		const struct ident_evidence *e = &v->ev[i];

		if (e->rule == NULL)
			continue;
		asserts_text(e->dims, asserts, sizeof(asserts));
		sqlite3_bind_int64(et, 1, asset);
		bind_text(et, 2, e->rule);
		bind_text_empty(et, 3, e->source);
		bind_double(et, 4, e->weight);
		bind_text_empty(et, 5, e->key);
		bind_text(et, 6, e->value);
		bind_text(et, 7, asserts);
		if ((ret = stmt_run(s, ST_EV, "put evidence")) != 0)
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
	    (ret = put_peers(s, id, a)) != 0 ||
	    (ret = put_extra(s, id, a)) != 0 ||
	    (ret = put_attrs(s, id, a)) != 0 ||
	    (ret = put_ident(s, id, a)) != 0)
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

/*
 * Strings a loaded asset borrows (its vendor, attribute keys, the rules of
 * its evidence, its department), owned here and freed after the callback.
 */
struct owned {
	char		**v;
	size_t		 n;
	size_t		 cap;
};

/* A copy of column i owned by o, NULL for NULL (and for '' if asked). */
static int
col_own(struct owned *o, sqlite3_stmt *st, int i, bool empty_null,
    const char **out)
{
	char *d = NULL;
	int ret;

	*out = NULL;
	if ((ret = col_strdup(st, i, empty_null, &d)) != 0 || d == NULL)
		return ret;
	if ((ret = grow((void **)&o->v, &o->cap, o->n, sizeof(*o->v))) != 0) {
		free(d);
		return ret;
	}
	o->v[o->n++] = d;
	*out = d;
	return 0;
}

static void
owned_free(struct owned *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->v[i]);
	free(o->v);
}

static int
load_attrs(struct store *s, int64_t id, struct asset *a, struct owned *o)
{
	sqlite3_stmt *st = s->st[ST_R_ATTRS];
	size_t cap = 0;
	int rc, ret = 0;

	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct asset_attr *e;

		if ((ret = grow((void **)&a->attrs, &cap, a->nattrs,
		    sizeof(*a->attrs))) != 0)
			goto out;
		e = &a->attrs[a->nattrs];
		if ((ret = col_own(o, st, 0, false, &e->key)) != 0 ||
		    (ret = col_strdup(st, 1, false, &e->value)) != 0)
			goto out;
		if (e->key == NULL || e->value == NULL) {
			free(e->value);
			continue;
		}
		e->first = col_u64(st, 2);
		e->last = col_u64(st, 3);
		e->count = col_u64(st, 4);
		a->nattrs++;
	}
	if (rc != SQLITE_DONE)
		ret = store_sqlerr(s, "read attributes");
out:
	stmt_done(st);
	return ret;
}

static int
dims_parse(const char *t)
{
	int dims = 0;

	for (int d = 0; t != NULL && d < IDENT_DIMS; d++) {
		const char *n = ident_dim_name((enum ident_dim)d);
		size_t len = strlen(n);

		for (const char *p = t; (p = strstr(p, n)) != NULL; p += len)
			if ((p == t || p[-1] == ',') &&
			    (p[len] == ',' || p[len] == '\0'))
				dims |= 1 << d;
	}
	return dims;
}

static int
load_ident(struct store *s, int64_t id, struct asset *a, struct owned *o)
{
	sqlite3_stmt *st = s->st[ST_R_IDENT], *et = s->st[ST_R_EV];
	struct ident_verdict *v;
	int rc, ret = 0;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			ret = store_sqlerr(s, "read identity");
		stmt_done(st);
		return ret;
	}
	if ((v = calloc(1, sizeof(*v))) == NULL) {
		stmt_done(st);
		return WARD_ENOMEM;
	}
	a->ident = v;
	for (int d = 0; d < IDENT_DIMS; d++) {
		const unsigned char *t = sqlite3_column_text(st, 2 * d);

		if (t != NULL)
			(void)snprintf(v->value[d], sizeof(v->value[d]), "%s",
			    (const char *)t);
		v->conf[d] = sqlite3_column_double(st, 2 * d + 1);
	}
	v->nev_dropped = col_u64(st, 8);
	stmt_done(st);

	sqlite3_bind_int64(et, 1, id);
	while ((rc = sqlite3_step(et)) == SQLITE_ROW &&
	    v->nev < IDENT_EVIDENCE_MAX) {
		struct ident_evidence *e = &v->ev[v->nev];
		const unsigned char *t;

		if ((ret = col_own(o, et, 0, false, &e->rule)) != 0 ||
		    (ret = col_own(o, et, 1, false, &e->source)) != 0 ||
		    (ret = col_own(o, et, 3, false, &e->key)) != 0)
			goto out;
		if (e->rule == NULL)
			continue;
		e->weight = sqlite3_column_double(et, 2);
		if ((t = sqlite3_column_text(et, 4)) != NULL)
			(void)snprintf(e->value, sizeof(e->value), "%s",
			    (const char *)t);
		e->dims = (uint8_t)dims_parse((const char *)
		    sqlite3_column_text(et, 5));
		v->nev++;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		ret = store_sqlerr(s, "read evidence");
out:
	stmt_done(et);
	return ret;
}

static enum asset_status
status_parse(const char *t)
{
	if (t != NULL && strcmp(t, "online") == 0)
		return ASSET_ONLINE;
	if (t != NULL && strcmp(t, "offline") == 0)
		return ASSET_OFFLINE;
	return ASSET_STATUS_UNKNOWN;
}

/* Loads the asset in the current row of st and hands it to fn. */
static int
load_asset(struct store *s, sqlite3_stmt *st, store_asset_fn fn, void *arg)
{
	struct asset a;
	struct owned o = { 0 };
	struct dept dept = { 0 };
	const char *t, *model = NULL;
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
	if ((ret = col_own(&o, st, 4, false, &a.vendor)) != 0)
		goto out;
	a.router = sqlite3_column_int(st, 5) != 0;
	a.first = col_u64(st, 6);
	a.last = col_u64(st, 7);
	if ((ret = col_own(&o, st, 8, true, &model)) != 0 ||
	    (ret = col_own(&o, st, 9, true, &a.model_source)) != 0 ||
	    (ret = col_own(&o, st, 11, true, &dept.name)) != 0 ||
	    (ret = col_own(&o, st, 12, true, &dept.location)) != 0 ||
	    (ret = col_own(&o, st, 13, true, &dept.building)) != 0)
		goto out;
	/* The asset's model is its own to free (asset_clear). */
	if (model != NULL && (a.model = strdup(model)) == NULL) {
		ret = WARD_ENOMEM;
		goto out;
	}
	a.vlan = (uint16_t)sqlite3_column_int(st, 10);
	if (dept.name != NULL)
		a.dept = &dept;
	a.status = status_parse((const char *)sqlite3_column_text(st, 14));
	a.status_since = col_u64(st, 15);
	a.status_limit = col_u64(st, 16);

	if ((ret = load_counters(s, id, &a)) != 0 ||
	    (ret = load_ips(s, id, &a)) != 0 ||
	    (ret = load_names(s, id, &a)) != 0 ||
	    (ret = load_dhcp(s, id, &a)) != 0 ||
	    (ret = load_services(s, id, &a)) != 0 ||
	    (ret = load_peers(s, id, &a)) != 0 ||
	    (ret = load_attrs(s, id, &a, &o)) != 0 ||
	    (ret = load_ident(s, id, &a, &o)) != 0)
		goto out;
	ret = fn(&a, arg);
out:
	asset_clear(&a);
	owned_free(&o);
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

int
store_add_change(struct store *s, const char *key, const char *change,
    const char *detail, const char *old_value, const char *new_value,
    uint64_t ts)
{
	sqlite3_stmt *st = s->st[ST_HIST];
	bool own = false;
	int ret;

	if (sqlite3_get_autocommit(s->db)) {
		if ((ret = store_begin(s)) != 0)
			return ret;
		own = true;
	}
	bind_text(st, 1, key);
	if (s->run != 0)
		sqlite3_bind_int64(st, 2, s->run);
	bind_u64(st, 3, ts);
	bind_text(st, 4, change);
	bind_text(st, 5, detail);
	bind_text(st, 6, old_value);
	bind_text(st, 7, new_value);
	ret = stmt_run(s, ST_HIST, "put identity change");
	if (ret == 0 && sqlite3_changes(s->db) == 0) {
		store_seterr(s, "identity change: no asset `%s'", key);
		ret = WARD_ENOTFOUND;
	}
	if (own) {
		if (ret == 0)
			ret = store_commit(s);
		else
			store_rollback(s);
	}
	return ret;
}

static void
copy_col(sqlite3_stmt *st, int i, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	(void)snprintf(buf, len, "%s", t != NULL ? (const char *)t : "");
}

int
store_load_reported(struct store *s, const char *key,
    struct asset_reported *r)
{
	sqlite3_stmt *st = s->st[ST_R_REPORTED], *dt = s->st[ST_R_DHCP_LATEST];
	int rc, ret = 0;

	memset(r, 0, sizeof(*r));
	bind_text(st, 1, key);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		copy_col(st, 0, r->hostname, sizeof(r->hostname));
		for (int d = 0; d < IDENT_DIMS; d++)
			copy_col(st, 1 + d, r->ident[d], sizeof(r->ident[d]));
		r->offline_after = col_u64(st, 1 + IDENT_DIMS);
	} else if (rc == SQLITE_DONE) {
		ret = WARD_ENOTFOUND;
	} else
		ret = store_sqlerr(s, "read reported identity");
	stmt_done(st);
	if (ret != 0)
		return ret;
	bind_text(dt, 1, key);
	if ((rc = sqlite3_step(dt)) == SQLITE_ROW)
		copy_col(dt, 0, r->dhcp, sizeof(r->dhcp));
	else if (rc != SQLITE_DONE)
		ret = store_sqlerr(s, "read dhcp fingerprint");
	stmt_done(dt);
	return ret;
}

int
store_foreach_change(struct store *s, const char *key, store_change_fn fn,
    void *arg)
{
	enum stmt k = key != NULL ? ST_R_HIST_KEY : ST_R_HIST_ALL;
	sqlite3_stmt *st = s->st[k];
	struct store_change c;
	int rc, ret = 0;

	if (key != NULL)
		bind_text(st, 1, key);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&c, 0, sizeof(c));
		c.key = (const char *)sqlite3_column_text(st, 0);
		c.time = col_u64(st, 1);
		c.change = (const char *)sqlite3_column_text(st, 2);
		c.detail = (const char *)sqlite3_column_text(st, 3);
		c.old_value = (const char *)sqlite3_column_text(st, 4);
		c.new_value = (const char *)sqlite3_column_text(st, 5);
		c.run = sqlite3_column_int64(st, 6);
		if (c.key == NULL || c.change == NULL)
			continue;
		if ((ret = fn(&c, arg)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE && rc != SQLITE_ROW)
		ret = store_sqlerr(s, "read identity history");
	stmt_done(st);
	return ret;
}

int
store_key_by_ip(struct store *s, const char *ip, char *key, size_t len)
{
	sqlite3_stmt *st = s->st[ST_R_KEY_BY_IP];
	int rc, ret = 0;

	bind_text(st, 1, ip);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		copy_col(st, 0, key, len);
	else if (rc == SQLITE_DONE) {
		store_seterr(s, "no asset has the address %s", ip);
		ret = WARD_ENOTFOUND;
	} else
		ret = store_sqlerr(s, "find asset by address");
	stmt_done(st);
	return ret;
}

/*
 * Alerts. Their statements are prepared on first use: a run without
 * detection never compiles them.
 */
enum { AST_PUT, AST_CTR, AST_STATUS, AST_LIST };

static const char *const alert_sql[] = {
	[AST_PUT] =
	    "INSERT INTO alerts (type, category, severity, severity_rank,"
	    " asset_key, ip, peer, object, message, evidence, first, last)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
	    " ON CONFLICT (type, asset_key, object) DO UPDATE SET"
	    " category = excluded.category, severity = excluded.severity,"
	    " severity_rank = excluded.severity_rank,"
	    " ip = coalesce(excluded.ip, ip),"
	    " peer = coalesce(excluded.peer, peer),"
	    " message = excluded.message, evidence = excluded.evidence,"
	    " first = min(first, excluded.first),"
	    " status = CASE WHEN status != 'open' AND excluded.last > last"
	    "   THEN 'open' ELSE status END,"
	    " last = max(last, excluded.last)"
	    " RETURNING id",
	[AST_CTR] =
	    "INSERT INTO run_alert_counts (alert, run, count)"
	    " VALUES (?1, ?2, ?3)"
	    " ON CONFLICT (alert, run) DO UPDATE SET count = excluded.count",
	[AST_STATUS] =
	    "UPDATE alerts SET status = ?2, status_time = ?3 WHERE id = ?1",
	[AST_LIST] =
	    "SELECT id, type, category, severity, asset_key, ip, peer, object,"
	    " message, evidence, first, last, count, status, run_first,"
	    " run_last FROM v_alerts"
	    " WHERE (?1 IS NULL OR type = ?1)"
	    " AND (?2 IS NULL OR asset_key = ?2 OR ip = ?2)"
	    " AND severity_rank >= ?3"
	    " AND (?4 IS NULL OR last >= ?4)"
	    " AND (?5 IS NULL OR status = ?5)"
	    " AND (?6 IS NULL OR category = ?6)"
	    " ORDER BY last DESC, id DESC",
};

static sqlite3_stmt *
alert_stmt(struct store *s, int k)
{
	if (s->alert_st[k] == NULL &&
	    sqlite3_prepare_v3(s->db, alert_sql[k], -1,
	    SQLITE_PREPARE_PERSISTENT, &s->alert_st[k], NULL) != SQLITE_OK) {
		(void)store_sqlerr(s, "prepare an alert statement");
		return NULL;
	}
	return s->alert_st[k];
}

/* Steps an alert statement; *id (may be NULL) gets a RETURNING id. */
static int
alert_step(struct store *s, sqlite3_stmt *st, const char *what, int64_t *id)
{
	int rc, ret = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (id != NULL)
			*id = sqlite3_column_int64(st, 0);
	if (rc != SQLITE_DONE)
		ret = store_sqlerr(s, what);
	stmt_done(st);
	return ret;
}

static int
severity_rank(const char *sev)
{
	static const char *const names[] = {
		"info", "low", "medium", "high", "critical",
	};

	for (int i = 0; i < 5; i++)
		if (sev != NULL && strcmp(sev, names[i]) == 0)
			return i + 1;
	return 0;
}

int
store_put_alert(struct store *s, const struct store_alert *a)
{
	sqlite3_stmt *st, *ct;
	int64_t id = 0;
	int rank = severity_rank(a->severity), ret;

	if (s->run == 0) {
		store_seterr(s, "put alert: no run started");
		return WARD_EINVAL;
	}
	if (rank == 0 || a->type == NULL || a->asset == NULL) {
		store_seterr(s, "put alert: no type, asset or severity");
		return WARD_EINVAL;
	}
	if ((st = alert_stmt(s, AST_PUT)) == NULL ||
	    (ct = alert_stmt(s, AST_CTR)) == NULL)
		return WARD_ESTORE;
	bind_text(st, 1, a->type);
	bind_text(st, 2, a->category != NULL ? a->category : "");
	bind_text(st, 3, a->severity);
	sqlite3_bind_int(st, 4, rank);
	bind_text(st, 5, a->asset);
	bind_text(st, 6, a->ip);
	bind_text(st, 7, a->peer);
	bind_text(st, 8, a->object != NULL ? a->object : "");
	bind_text(st, 9, a->message != NULL ? a->message : "");
	bind_text(st, 10, a->evidence != NULL ? a->evidence : "{}");
	bind_u64(st, 11, a->first);
	bind_u64(st, 12, a->last);
	if ((ret = alert_step(s, st, "put alert", &id)) != 0)
		return ret;
	sqlite3_bind_int64(ct, 1, id);
	sqlite3_bind_int64(ct, 2, s->run);
	bind_u64(ct, 3, a->count);
	return alert_step(s, ct, "put alert count", NULL);
}

int
store_set_alert_status(struct store *s, int64_t id, const char *status,
    uint64_t when)
{
	sqlite3_stmt *st;
	int ret;

	if (status == NULL || (strcmp(status, "open") != 0 &&
	    strcmp(status, "acknowledged") != 0 &&
	    strcmp(status, "closed") != 0)) {
		store_seterr(s, "alert status '%s' is not open, acknowledged "
		    "or closed", status != NULL ? status : "");
		return WARD_EINVAL;
	}
	if ((st = alert_stmt(s, AST_STATUS)) == NULL)
		return WARD_ESTORE;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, status);
	bind_u64(st, 3, when);
	if ((ret = alert_step(s, st, "set alert status", NULL)) != 0)
		return ret;
	if (sqlite3_changes(s->db) == 0) {
		store_seterr(s, "no alert %lld", (long long)id);
		return WARD_ENOTFOUND;
	}
	return 0;
}

int
store_foreach_alert(struct store *s, const struct store_alert_filter *f,
    store_alert_fn fn, void *arg)
{
	struct store_alert a;
	sqlite3_stmt *st;
	int rc, ret = 0;

	if ((st = alert_stmt(s, AST_LIST)) == NULL)
		return WARD_ESTORE;
	if (f != NULL) {
		bind_text(st, 1, f->type);
		bind_text(st, 2, f->asset);
		sqlite3_bind_int(st, 3, severity_rank(f->min_severity));
		if (f->since != 0)
			bind_u64(st, 4, f->since);
		bind_text(st, 5, f->status);
		bind_text(st, 6, f->category);
	} else
		sqlite3_bind_int(st, 3, 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&a, 0, sizeof(a));
		a.id = sqlite3_column_int64(st, 0);
		a.type = (const char *)sqlite3_column_text(st, 1);
		a.category = (const char *)sqlite3_column_text(st, 2);
		a.severity = (const char *)sqlite3_column_text(st, 3);
		a.asset = (const char *)sqlite3_column_text(st, 4);
		a.ip = (const char *)sqlite3_column_text(st, 5);
		a.peer = (const char *)sqlite3_column_text(st, 6);
		a.object = (const char *)sqlite3_column_text(st, 7);
		a.message = (const char *)sqlite3_column_text(st, 8);
		a.evidence = (const char *)sqlite3_column_text(st, 9);
		a.first = col_u64(st, 10);
		a.last = col_u64(st, 11);
		a.count = col_u64(st, 12);
		a.status = (const char *)sqlite3_column_text(st, 13);
		a.run_first = sqlite3_column_int64(st, 14);
		a.run_last = sqlite3_column_int64(st, 15);
		if (a.type == NULL || a.asset == NULL)
			continue;
		if ((ret = fn(&a, arg)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE && rc != SQLITE_ROW)
		ret = store_sqlerr(s, "read alerts");
	stmt_done(st);
	return ret;
}

/* For the other files of the store (store-private.h). */
sqlite3 *
store_sqlite(struct store *s)
{
	return s->db;
}

int
store_fail(struct store *s, const char *what)
{
	return store_sqlerr(s, what);
}

void
store_fail_msg(struct store *s, const char *msg)
{
	store_seterr(s, "%s", msg);
}
