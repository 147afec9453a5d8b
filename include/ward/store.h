/*
 * store.h - persistent inventory and evidence in SQLite.
 *
 * One database file in WAL mode, its schema brought up to date by numbered
 * migrations when opened (docs/store.md describes the schema). Writes
 * happen in batches: store_begin(), any number of store_put_asset(),
 * store_commit(). A batch is one transaction, so a process killed at any
 * moment leaves every committed batch and nothing of the one in flight.
 *
 * Putting an asset again merges: first-seen times keep the earliest,
 * last-seen the latest, IP sources are or-ed, and no row is ever
 * duplicated. Counters (packets, bytes, connections, name and DHCP counts)
 * are kept per run and *set* to the totals the asset carries, so putting
 * the same asset any number of times in one run is idempotent, and a
 * second run over newer captures adds its own totals to the first's.
 *
 * A store is used by one thread at a time; only one process writes it.
 */
#ifndef WARD_STORE_H
#define WARD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/asset.h"

struct vuln_keys;
struct vuln_list;

struct store;

/*
 * Opens (creating if needed) and migrates the database at path. Returns
 * NULL and a message naming the file in err when the file cannot be opened,
 * is not a SQLite database, holds a schema newer than this binary knows, or
 * a migration fails (a failed migration leaves the file at its previous
 * version).
 */
struct store *store_open(const char *path, char *err, size_t errlen);
/* Rolls back a batch left open, finalises everything. NULL is a no-op. */
void store_close(struct store *);
/* The schema version after migrations. */
int store_schema_version(struct store *);
/* The newest schema version this binary knows. */
int store_schema_latest(void);

/*
 * A batch. store_begin() fails with WARD_EINVAL when a batch is already
 * open. After any failed store_put_asset() the caller should
 * store_rollback() the whole batch. store_rollback() without a batch is a
 * no-op.
 */
int store_begin(struct store *) __attribute__((warn_unused_result));
int store_commit(struct store *) __attribute__((warn_unused_result));
void store_rollback(struct store *);

/*
 * Writes the asset with its IPs, names, DHCP fingerprints, services,
 * peers, attributes, model, verdict (with the evidence of the newest
 * verdict that has any; a dimension left unknown keeps its stored value),
 * department, VLAN and online state, and sets this run's counters to the
 * asset's totals. Needs a run
 * (store_run_start(), else WARD_EINVAL). Inside a batch the write joins the
 * batch; outside it is a transaction of its own. The asset is not modified:
 * the caller clears ASSET_DIRTY once store_commit() has succeeded, so that a
 * rolled-back batch loses nothing. WARD_ESTORE on a SQLite error
 * (store_errmsg() says which).
 */
int store_put_asset(struct store *, const struct asset *)
    __attribute__((warn_unused_result));

/*
 * A run: which inputs, when (microseconds since the epoch), and its summary
 * counters (JSON text, may be NULL). store_run_start() records the run and
 * makes it the current run for store_put_asset().
 */
int store_run_start(struct store *, const char *inputs, uint64_t started,
    int64_t *run_id) __attribute__((warn_unused_result));
int store_run_finish(struct store *, int64_t run_id, uint64_t finished,
    const char *summary_json) __attribute__((warn_unused_result));
/* The current run, 0 when none was started. */
int64_t store_run_current(const struct store *);

/*
 * Read-back. The callback receives an asset as the store holds it: id is
 * the database row id, counters are summed over every run, and the IPs,
 * names (counts summed), DHCP fingerprints, services (connections summed),
 * peers (counters summed), attributes (counts summed), model, verdict with
 * its evidence (ident, NULL when never identified), department (dept),
 * VLAN and online state are filled in. The asset and everything it
 * points to belong to the store and live until the callback returns.
 * Assets come keyed by MAC first, then by IP, each group in key order. A
 * non-zero return from the callback stops the walk and is returned;
 * otherwise 0, or a negative WARD_E* on error. The walk reads one
 * consistent snapshot.
 */
typedef int (*store_asset_fn)(const struct asset *, void *arg);
int store_foreach_asset(struct store *, store_asset_fn, void *arg)
    __attribute__((warn_unused_result));
/* As above for the one asset with this key; WARD_ENOTFOUND when none. */
int store_get_asset(struct store *, const char *key, store_asset_fn,
    void *arg) __attribute__((warn_unused_result));
/*
 * The key of the asset that used the IP (text, as addr_fmt() writes it)
 * most recently; WARD_ENOTFOUND when none did.
 */
int store_key_by_ip(struct store *, const char *ip, char *key, size_t len)
    __attribute__((warn_unused_result));
/* Number of assets stored, or a negative WARD_E*. */
int64_t store_asset_count(struct store *);

/*
 * Records an identity change of the asset with this key (asset_change_name()
 * names the change: "type_changed", "mac_for_ip", "went_offline"...) in the
 * history, with the current run. Joins an open batch, else is a
 * transaction of its own. WARD_ENOTFOUND when no asset has the key (put
 * the asset first).
 */
int store_add_change(struct store *, const char *key, const char *change,
    const char *detail, const char *old_value, const char *new_value,
    uint64_t ts) __attribute__((warn_unused_result));

/*
 * What the store holds of an asset's identity as the last reported state
 * (asset.h): its verdict, preferred hostname and newest DHCP fingerprint,
 * so that a new run reports changes against earlier runs.
 * WARD_ENOTFOUND (and r zeroed) when no asset has the key.
 */
int store_load_reported(struct store *, const char *key,
    struct asset_reported *r) __attribute__((warn_unused_result));

/* One row of the identity history; strings live until the callback returns. */
struct store_change {
	const char	*key;
	uint64_t	 time;
	const char	*change;
	const char	*detail;	/* may be NULL */
	const char	*old_value;	/* may be NULL */
	const char	*new_value;	/* may be NULL */
	int64_t		 run;		/* 0 when unknown */
};
typedef int (*store_change_fn)(const struct store_change *, void *arg);
/*
 * Walks the history in time order, of one asset (key) or of all (NULL).
 * A non-zero return from the callback stops the walk and is returned.
 */
int store_foreach_change(struct store *, const char *key, store_change_fn,
    void *arg) __attribute__((warn_unused_result));

/*
 * Alerts (alert.h), one row per (type, asset, object). store_put_alert()
 * upserts the row and sets this run's count of it to count (so putting an
 * update again is idempotent and a later run adds its own); a row that was
 * acknowledged or closed opens again when a newer occurrence comes.
 * evidence is a JSON object as text. Needs a run; joins an open batch.
 */
struct store_alert {
	int64_t		 id;		/* read-back only */
	const char	*type;
	const char	*category;
	const char	*severity;	/* info, low, medium, high, critical */
	const char	*asset;		/* the asset's key */
	const char	*ip;		/* may be NULL */
	const char	*peer;		/* may be NULL */
	const char	*object;
	const char	*message;
	const char	*evidence;
	uint64_t	 first;
	uint64_t	 last;
	uint64_t	 count;		/* read-back: summed over runs */
	const char	*status;	/* read-back: open, acknowledged, closed */
	int64_t		 run_first;	/* read-back */
	int64_t		 run_last;
};
int store_put_alert(struct store *, const struct store_alert *)
    __attribute__((warn_unused_result));
/* Sets an alert's status; WARD_ENOTFOUND for no such id. */
int store_set_alert_status(struct store *, int64_t id, const char *status,
    uint64_t when) __attribute__((warn_unused_result));
/* What store_foreach_alert() returns: NULL or 0 fields match anything. */
struct store_alert_filter {
	const char	*type;
	const char	*category;
	const char	*asset;		/* a key or an IP */
	const char	*min_severity;
	const char	*status;
	uint64_t	 since;		/* last occurrence at or after */
};
typedef int (*store_alert_fn)(const struct store_alert *, void *arg);
/*
 * Walks the alerts that pass the filter (may be NULL), newest last
 * occurrence first. A non-zero return from the callback stops the walk
 * and is returned.
 */
int store_foreach_alert(struct store *, const struct store_alert_filter *,
    store_alert_fn, void *arg) __attribute__((warn_unused_result));

/*
 * Baselines (migration 4, docs/store.md, docs/alerts-baseline.md): items
 * of what an asset, a device type or the network normally does, each with
 * a state. The detector loads them before a run and saves what changed in
 * each batch; ward baseline lists them and changes their state.
 *
 * An item is (scope, key, kind, value): scope "asset" (key: the asset's
 * key), "type" (key: a device type) or "network" (key: ""); kind "peer",
 * "service", "protocol", "dicom_ae"... (src/detect/baseline.c); state
 * "learned", "approved", "rejected" or "pending". A state set by a person
 * (approved, rejected) is never replaced by a save of the detector; each
 * change a person makes takes the next review number, so a running
 * detector picks up the changes made since its last save.
 */
struct store_bl_item {
	int64_t		 id;		/* row id (0: a new item) */
	const char	*scope;
	const char	*key;
	const char	*kind;
	const char	*value;
	const char	*state;
	uint64_t	 first;		/* capture time, usec */
	uint64_t	 last;
	uint64_t	 count;
	int64_t		 reviewed;	/* review number, 0: never reviewed */
};

/* What a baseline keeps of an asset. */
struct store_bl_asset {
	const char	*key;
	const char	*type;		/* identified type, or NULL (read only) */
	uint64_t	 learn_start;	/* first sighting, capture time, usec */
	uint32_t	 days;		/* days with activity while learning */
	int64_t		 last_day;	/* the last of them, -1: none */
	uint64_t	 bytes_max;	/* busiest learned hour, IP bytes */
	uint64_t	 pkts_max;	/* busiest learned hour, packets */
};

/* Which items to walk; NULL members match everything. */
struct store_bl_filter {
	const char	*scope;
	const char	*key;		/* asset key (or type, with scope) */
	const char	*type;		/* assets of this type, and the type */
	const char	*kind;
	const char	*state;
	/* Only the items a person reviewed after this review number. */
	bool		 reviewed_only;
	int64_t		 reviewed_after;
};

typedef int (*store_bl_item_fn)(const struct store_bl_item *, void *arg);
typedef int (*store_bl_asset_fn)(const struct store_bl_asset *, void *arg);

/*
 * Walks the items the filter selects, ordered by scope, key, kind and
 * value; strings live until the callback returns. A non-zero return from
 * the callback stops the walk and is returned.
 */
int store_bl_foreach_item(struct store *, const struct store_bl_filter *,
    store_bl_item_fn, void *arg) __attribute__((warn_unused_result));
/*
 * Walks every asset of the inventory and every asset with a baseline:
 * learn_start is the baseline's, else the asset's first sighting; type
 * is the stored verdict's.
 */
int store_bl_foreach_asset(struct store *, store_bl_asset_fn, void *arg)
    __attribute__((warn_unused_result));
/*
 * Upserts an item (first min, last max, count max; the state as said
 * above) and sets it->id. Joins an open batch, else is a transaction of
 * its own.
 */
int store_bl_put_item(struct store *, struct store_bl_item *)
    __attribute__((warn_unused_result));
/* Upserts what the baseline keeps of an asset. Joins an open batch. */
int store_bl_put_asset(struct store *, const struct store_bl_asset *)
    __attribute__((warn_unused_result));
/*
 * A person's decision: sets the state ("approved" or "rejected", or
 * "learned" and "pending" to undo one) of the item with this id, with the
 * next review number. WARD_ENOTFOUND when there is none.
 */
int store_bl_set_state(struct store *, int64_t id, const char *state)
    __attribute__((warn_unused_result));
/*
 * The same by scope, key, kind and value; the item is created (first and
 * last at ts) when there is none, so that a type or an asset can be
 * given an item before it is seen.
 */
int store_bl_set_state_by(struct store *, const char *scope,
    const char *key, const char *kind, const char *value, const char *state,
    uint64_t ts) __attribute__((warn_unused_result));
/* Named integers of the baselines ("network_start"); WARD_ENOTFOUND. */
int store_bl_meta_get(struct store *, const char *name, int64_t *value)
    __attribute__((warn_unused_result));
int store_bl_meta_set(struct store *, const char *name, int64_t value)
    __attribute__((warn_unused_result));

/*
 * Vulnerability assessment (migration 5, docs/vuln.md).
 *
 * Feeds: each file ward vuln update read, by name, with the SHA-256 of
 * its bytes. Putting a feed replaces the advisories that file gave
 * before. Joins an open batch, else is a transaction of its own.
 */
struct store_vuln_feed {
	const char	*name;
	const char	*origin;	/* nvd, csaf, iomt */
	const char	*sha256;
	uint64_t	 loaded;	/* wall time, usec */
	int64_t		 advisories;
};
int store_vuln_put_feed(struct store *, const struct store_vuln_feed *,
    const struct vuln_list *) __attribute__((warn_unused_result));
/* The feed's stored SHA-256 (65 bytes); WARD_ENOTFOUND when none. */
int store_vuln_feed_sha(struct store *, const char *name, char *sha,
    size_t len) __attribute__((warn_unused_result));
/* Removes a feed and its advisories; WARD_ENOTFOUND when none. */
int store_vuln_drop_feed(struct store *, const char *name)
    __attribute__((warn_unused_result));
typedef int (*store_vuln_feed_fn)(const struct store_vuln_feed *, void *);
int store_vuln_foreach_feed(struct store *, store_vuln_feed_fn, void *arg)
    __attribute__((warn_unused_result));
/*
 * The advisories that may concern a component (vulnmatch.h): those with a
 * product under one of the keys' CPE pairs or vendor keys, and every
 * curated (iomt) one; each whole, with all its products, appended to l.
 */
int store_vuln_candidates(struct store *, const struct vuln_keys *,
    struct vuln_list *l) __attribute__((warn_unused_result));

/* One advisory that concerns an asset, as ward vuln report shows it. */
struct store_vuln_finding {
	const char	*asset;		/* key */
	const char	*advisory;	/* CVE or advisory id */
	const char	*component;	/* "OpenBSD OpenSSH" */
	const char	*status;	/* affected, potential */
	double		 confidence;
	const char	*version;	/* may be NULL: unknown */
	const char	*source;	/* "identity", "ssh.server_banner" */
	const char	*evidence;
	const char	*reason;
	const char	*title;		/* may be NULL */
	const char	*severity;	/* may be NULL */
	double		 score;		/* -1: none */
	const char	*fixed;		/* may be NULL */
	const char	*remediation;	/* may be NULL */
	const char	*feeds;		/* "nvd; csaf ICSMA-24-151-02" */
	uint64_t	 first;		/* wall time the match was first made */
	uint64_t	 last;
};
/*
 * Replaces the asset's findings with these n (first kept for those found
 * before, else now). Joins an open batch.
 */
int store_vuln_put_findings(struct store *, const char *asset,
    const struct store_vuln_finding *, size_t n, uint64_t now)
    __attribute__((warn_unused_result));
typedef int (*store_vuln_finding_fn)(const struct store_vuln_finding *,
    void *arg);
/* The findings of one asset (or all: NULL), by asset, then severity. */
int store_vuln_foreach_finding(struct store *, const char *asset,
    store_vuln_finding_fn, void *arg) __attribute__((warn_unused_result));

/*
 * A passive exposure (exposure.h) of an asset, upserted by (asset, kind,
 * proto, port, title): first the earliest, last the latest, count the
 * latest run's. Evidence is a JSON object as text. Joins an open batch.
 */
struct store_exposure {
	const char	*asset;
	const char	*kind;
	int		 proto;
	int		 port;
	const char	*title;
	const char	*severity;
	const char	*evidence;
	const char	*remediation;
	uint64_t	 first;		/* capture time, usec */
	uint64_t	 last;
	uint64_t	 count;
};
int store_put_exposure(struct store *, const struct store_exposure *)
    __attribute__((warn_unused_result));
typedef int (*store_exposure_fn)(const struct store_exposure *, void *);
int store_foreach_exposure(struct store *, const char *asset,
    store_exposure_fn, void *arg) __attribute__((warn_unused_result));

/* An asset's risk score (vulnmatch.h) and its terms as JSON text. */
struct store_risk {
	const char	*asset;
	double		 score;
	const char	*terms;
	uint64_t	 time;
};
int store_put_risk(struct store *, const struct store_risk *)
    __attribute__((warn_unused_result));
typedef int (*store_risk_fn)(const struct store_risk *, void *arg);
int store_foreach_risk(struct store *, const char *asset, store_risk_fn,
    void *arg) __attribute__((warn_unused_result));
/*
 * The asset's alerts not closed, counted by severity (index: info 0, low,
 * medium, high, critical 4).
 */
int store_alert_open_counts(struct store *, const char *asset,
    int64_t counts[5]) __attribute__((warn_unused_result));

/* The last error message, for logs. Never NULL. */
const char *store_errmsg(struct store *);

#endif
