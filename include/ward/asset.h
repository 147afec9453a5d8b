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
};
const char *asset_change_name(enum asset_change);
typedef void (*asset_change_fn)(const struct asset *, enum asset_change,
    const char *detail, uint64_t ts, void *arg);

struct inventory;

/* oui may be NULL (no vendors). */
struct inventory *inv_new(const struct oui_db *);
void inv_free(struct inventory *);
/* Subscribes the inventory to the observations it folds in. */
int inv_attach(struct inventory *, struct obs_bus *);
void inv_on_change(struct inventory *, asset_change_fn, void *arg);

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
 * each asset's ident then holds the verdict. 0, or -1 out of memory.
 */
int inv_identify(struct inventory *, const struct ident_rules *);
struct asset *inv_find_ip(const struct inventory *, const struct ward_addr *);

#endif
