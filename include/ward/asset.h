/*
 * asset.h - the inventory: what devices are on the network.
 *
 * The inventory subscribes to observations and folds them into assets. An
 * asset is keyed by its MAC address when one is visible on the link, and
 * by IP address otherwise (a device behind a router, or a capture with no
 * link layer). Each asset keeps every IP it used (with how ward learned the
 * binding), its hostnames with their source, DHCP fingerprints, services
 * (ports that accepted connections), peers with byte counts, and the model
 * the device announces (mDNS TXT records) with its source.
 *
 * Binding rules, in order of trust: DHCP (server's ACK, yiaddr for chaddr)
 * and ARP/NDP bind an IP to a MAC; plain traffic binds a source IP to the
 * frame's source MAC only while that MAC does not behave as a router (more
 * than ASSET_ROUTER_IPS IPv4 sources not confirmed by ARP or DHCP, or an
 * IPv6 router advertisement). Once a MAC is a router, its unconfirmed IPs
 * move to assets of their own, keyed by IP. Addresses outside the private
 * ranges are peers, not assets, unless ARP or DHCP binds them.
 */
#ifndef WARD_ASSET_H
#define WARD_ASSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/addr.h"
#include "ward/obs.h"

struct oui_db;
struct ident_rules;
struct ident_verdict;
struct dept;

#define ASSET_ROUTER_IPS 3
#define ASSET_MAX_PEERS 4096
#define ASSET_MAX_NAMES 64
#define ASSET_MAX_IPS 256
#define ASSET_MAX_SERVICES 1024
#define ASSET_MAX_DHCP 32
#define ASSET_MAX_ATTRS 256
#define ASSET_ATTRS_PER_KEY 16

/* How an IP came to belong to an asset. */
#define IPSRC_ARP	(1U << 0)
#define IPSRC_DHCP	(1U << 1)
#define IPSRC_NDP	(1U << 2)
#define IPSRC_TRAFFIC	(1U << 3)
#define IPSRC_KEY	(1U << 4)	/* the asset is keyed by this IP */

enum name_source {
	NAME_DHCP,		/* option 12 */
	NAME_DHCP_FQDN,		/* option 81 */
	NAME_DNS,		/* A/AAAA answer for the asset's IP */
	NAME_DNS_PTR,		/* reverse lookup answer */
	NAME_MDNS,
	NAME_LLMNR,
	NAME_NBNS,
	NAME_SOURCE_COUNT
};
const char *name_source_str(enum name_source);

struct asset_ip {
	struct ward_addr	 addr;
	uint32_t		 sources;	/* IPSRC_* */
	uint64_t		 first;
	uint64_t		 last;
};

struct asset_name {
	char			*name;
	enum name_source	 source;
	uint64_t		 first;
	uint64_t		 last;
	uint64_t		 count;
};

struct asset_dhcp {
	char			*params;	/* option 55, "1,3,6,15" */
	char			*vendor_class;	/* option 60 */
	char			*hostname;	/* option 12 */
	char			*client_id;	/* option 61, hex */
	uint64_t		 first;
	uint64_t		 last;
	uint64_t		 count;
};

struct asset_service {
	uint8_t			 proto;
	uint16_t		 port;
	uint64_t		 first;
	uint64_t		 last;
	uint64_t		 conns;
};

struct asset_peer {
	struct ward_addr	 addr;
	uint64_t		 pkts_out;
	uint64_t		 pkts_in;
	uint64_t		 bytes_out;
	uint64_t		 bytes_in;
	uint64_t		 first;
	uint64_t		 last;
};

/*
 * An identification attribute (docs/identification.md): what the device's
 * own traffic says it is ("dicom.manufacturer" = "GE MEDICAL SYSTEMS").
 * At most ASSET_ATTRS_PER_KEY values per key, ASSET_MAX_ATTRS in all.
 */
struct asset_attr {
	const char		*key;		/* static */
	char			*value;
	uint64_t		 first;
	uint64_t		 last;
	uint64_t		 count;
};

/* Change bits, reset by the store after it persists an asset. */
#define ASSET_DIRTY (1U << 0)
/* What the store held of its identity was loaded (struct asset_reported). */
#define ASSET_SEEDED (1U << 1)
/* What identifies it changed since inv_identify last ran over it. */
#define ASSET_IDENT_STALE (1U << 2)

/*
 * Online or offline, from the time since the asset was last seen against
 * its own cadence: activity more than ASSET_BURST_GAP apart starts a new
 * burst, and the idle gaps between bursts (the last ASSET_CADENCE_GAPS of
 * them) give the asset's usual gap. It is offline once it has been silent
 * longer than ASSET_OFFLINE_MULT times its median gap and half again its
 * longest recent gap, and never sooner than ASSET_OFFLINE_FLOOR.
 * Everything runs on capture time.
 */
#define ASSET_BURST_GAP		(60ULL * 1000000)		/* 1 min */
#define ASSET_OFFLINE_FLOOR	(10ULL * 60 * 1000000)		/* 10 min */
#define ASSET_OFFLINE_MULT	3
#define ASSET_CADENCE_GAPS	32
#define ASSET_CADENCE_MIN	3	/* gaps before the median counts */

enum asset_status {
	ASSET_STATUS_UNKNOWN,
	ASSET_ONLINE,
	ASSET_OFFLINE,
};
const char *asset_status_name(enum asset_status);

struct asset_cadence {
	uint64_t		 gaps[ASSET_CADENCE_GAPS];	/* a ring */
	uint32_t		 ngaps;		/* gaps seen, capped at the ring */
	uint32_t		 next;		/* where the next one goes */
};

/*
 * What was last reported of an asset's identity (to the EVE log and the
 * store's history): a change from a known value to another is an identity
 * change. Empty strings are unknown.
 */
struct asset_reported {
	char			 ident[4][128];	/* type, vendor, model, version */
	char			 hostname[128];
	char			 dhcp[256];	/* params|vendor_class */
	/*
	 * The silence allowed when last stored (usec, 0 unknown): until
	 * the asset shows enough gaps of its own, its cadence from
	 * earlier runs counts, so a restarted sensor does not call a
	 * device that reports every 15 minutes offline after 10.
	 */
	uint64_t		 offline_after;
};

struct asset {
	uint64_t		 id;		/* this run's number */
	bool			 by_mac;
	uint8_t			 mac[6];
	struct ward_addr	 key_ip;	/* when !by_mac */
	const char		*vendor;	/* OUI organisation or NULL */
	bool			 router;
	uint64_t		 first;
	uint64_t		 last;
	uint64_t		 pkts_out;
	uint64_t		 pkts_in;
	uint64_t		 bytes_out;
	uint64_t		 bytes_in;
	uint32_t		 flags;
	/*
	 * The device's model as it names itself, the newest seen, and how
	 * ward learned it ("mdns": a DNS-SD TXT record); NULL when unknown.
	 */
	char			*model;
	const char		*model_source;
	uint64_t		 model_last;

	struct asset_ip		*ips;
	size_t			 nips;
	struct asset_name	*names;
	size_t			 nnames;
	struct asset_dhcp	*dhcp;
	size_t			 ndhcp;
	struct asset_service	*services;
	size_t			 nservices;
	struct asset_peer	*peers;
	size_t			 npeers;
	uint64_t		 peers_dropped;	/* over ASSET_MAX_PEERS */
	struct asset_attr	*attrs;
	size_t			 nattrs;
	struct ident_verdict	*ident;		/* NULL until identified */
	uint64_t		 ident_time;	/* inv_identify_due()'s now */
	uint16_t		 vlan;		/* innermost VLAN, last seen */
	/* Department (dept.h): borrowed from the map, NULL when none. */
	const struct dept	*dept;
	char			 dept_how[64];	/* "10.1.0.0/16", "vlan 20" */
	/* Online state (asset_status_eval() sets it). */
	enum asset_status	 status;
	uint64_t		 status_since;
	uint64_t		 status_limit;	/* silence allowed, usec */
	struct asset_cadence	 cadence;
	struct asset_reported	 reported;
	uint64_t		 mac_for_ip_last;	/* last reported */

	/* The inventory's own bookkeeping. */
	size_t			 ips_cap;
	size_t			 names_cap;
	size_t			 dhcp_cap;
	size_t			 services_cap;
	size_t			 peers_cap;
	size_t			 attrs_cap;
	uint32_t		*peer_index;	/* open addressing, pos + 1 */
	size_t			 peer_index_cap;
};

/*
 * Frees everything an asset owns (its lists and their strings), not the
 * struct itself and not the vendor string, which is borrowed.
 */
void asset_clear(struct asset *);
/* The asset's key as text: its MAC, or its IP. buf holds ADDR_STRLEN. */
const char *asset_key(const struct asset *, char *buf, size_t len);
/* The preferred hostname (DHCP, then mDNS, NBNS, DNS), or NULL. */
const char *asset_hostname(const struct asset *);
/* The newest DHCP fingerprint, or NULL. */
const struct asset_dhcp *asset_dhcp_latest(const struct asset *);

enum asset_change {
	ASSET_NEW,
	ASSET_NEW_IP,
	ASSET_NEW_NAME,
	ASSET_NEW_DHCP,
	ASSET_NEW_SERVICE,
	ASSET_BECAME_ROUTER,
	ASSET_NEW_MODEL,
	ASSET_NEW_ATTR,		/* detail: "key=value" */
	/*
	 * Identity changes (asset_change_info says old and new): a verdict
	 * dimension, the preferred hostname or the newest DHCP fingerprint
	 * going from one known value to another, an IP taken over by another
	 * MAC, and the online state.
	 */
	ASSET_TYPE_CHANGED,
	ASSET_VENDOR_CHANGED,
	ASSET_MODEL_CHANGED,
	ASSET_VERSION_CHANGED,
	ASSET_HOSTNAME_CHANGED,
	ASSET_DHCP_CHANGED,
	ASSET_MAC_FOR_IP,	/* detail: the IP; old and new: the MACs */
	ASSET_WENT_OFFLINE,
	ASSET_CAME_ONLINE,
	ASSET_CHANGE_COUNT
};
const char *asset_change_name(enum asset_change);
/* True for the identity changes, which carry old and new values. */
bool asset_change_is_identity(enum asset_change);

/*
 * The old and new values of an identity change, passed to the change
 * callback through inv_change_info() while it runs; NULL for the others.
 */
struct asset_change_info {
	const char		*old_value;
	const char		*new_value;
};
typedef void (*asset_change_fn)(const struct asset *, enum asset_change,
    const char *detail, uint64_t ts, void *arg);

struct inventory;

/* oui may be NULL (no vendors). */
struct inventory *inv_new(const struct oui_db *);
void inv_free(struct inventory *);
/* Subscribes the inventory to the observations it folds in. */
int inv_attach(struct inventory *, struct obs_bus *);
/* Adds a change callback (at most eight); -1 when there is no room. */
int inv_on_change(struct inventory *, asset_change_fn, void *arg);
/* During a change callback: old and new values of an identity change. */
const struct asset_change_info *inv_change_info(const struct inventory *);

size_t inv_count(const struct inventory *);
/*
 * Every asset, sorted by MAC-keyed first then by lowest IP, in an array the
 * caller frees (the assets stay owned by the inventory). NULL when empty or
 * out of memory; *n says how many.
 */
struct asset **inv_sorted(const struct inventory *, size_t *n);
/* The inventory's own array of assets, in no order (borrowed). */
struct asset *const *inv_assets(const struct inventory *, size_t *n);
struct asset *inv_find_mac(const struct inventory *, const uint8_t mac[6]);

/*
 * Identifies every asset with the fingerprint rules (ident.h) over its
 * attributes, its MAC vendor, hostnames, DHCP fingerprints and services;
 * each asset's ident then holds the verdict. Only assets new or changed
 * since the last call (ASSET_IDENT_STALE) are evaluated again, so calling
 * it at every batch costs what changed. 0, or -1 out of memory.
 */
int inv_identify(struct inventory *, const struct ident_rules *);
/*
 * The same, but an asset identified before is evaluated again only once
 * interval has passed since (capture time now): an asset never
 * identified goes at once, a busy one whose attributes keep coming at
 * most once per interval. inv_identify() is interval 0.
 */
int inv_identify_due(struct inventory *, const struct ident_rules *,
    uint64_t now, uint64_t interval);
struct asset *inv_find_ip(const struct inventory *, const struct ward_addr *);

/*
 * After inv_identify(): compares every asset's verdict, preferred hostname
 * and newest DHCP fingerprint with what was last reported and reports each
 * change from one known value to another through the change callback
 * (ASSET_*_CHANGED); then re-evaluates every asset's online state at
 * capture time now (ASSET_WENT_OFFLINE). A first value is not a change.
 */
void inv_track(struct inventory *, uint64_t now);

/*
 * The silence allowed before the asset counts as offline (microseconds):
 * ASSET_OFFLINE_MULT times its median idle gap or 1.5 times its longest
 * recent one, whichever is larger, at least ASSET_OFFLINE_FLOOR; with fewer than ASSET_CADENCE_MIN gaps seen, the
 * limit an earlier run stored (reported.offline_after) when larger.
 */
uint64_t asset_offline_after(const struct asset *);
/* Records activity at ts into the cadence (the inventory calls it). */
void asset_cadence_note(struct asset_cadence *, uint64_t last, uint64_t ts);
/* The median of the recorded gaps, 0 with fewer than ASSET_CADENCE_MIN. */
uint64_t asset_cadence_median(const struct asset_cadence *);
/* The state at capture time now: online when seen within the limit. */
enum asset_status asset_status_at(const struct asset *, uint64_t now);

#endif
