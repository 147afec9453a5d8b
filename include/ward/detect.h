/*
 * detect.h - threat detection: stateless rules over observations (spoofing,
 * scans, brute force, the internet, indicators, DICOM/HL7/MQTT misuse) and
 * behaviour baselines (what each device and each device type normally
 * does), raising alerts (alert.h).
 *
 * The detection policy is a YAML file (docs/alerts.md; the default is
 * rules/detect.yaml): learning mode and period, thresholds, allow-lists,
 * which device types are medical and which life-critical, per-type priors
 * for baselines, indicator feeds (Zeek intel files) and per-alert
 * overrides. Errors name the file, the line and the key.
 *
 * The detector subscribes to the observation bus and to inventory changes;
 * it reads the inventory (an asset's type decides whether it is medical)
 * and never changes it. Time is capture time throughout.
 */
#ifndef WARD_DETECT_H
#define WARD_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/addr.h"
#include "ward/alert.h"

struct obs_bus;
struct inventory;
struct asset;
struct store;

enum detect_mode {
	DETECT_AUTO,	/* each asset learns for learn_period, then enforces */
	DETECT_LEARN,	/* everything is learned, nothing deviates */
	DETECT_ENFORCE,	/* nothing new is learned: deviations alert */
};
const char *detect_mode_name(enum detect_mode);
/* "auto", "learn", "enforce"; -1 when none. */
int detect_mode_parse(const char *);

/* A list of IPv4/IPv6 prefixes. */
struct cidr {
	struct ward_addr addr;		/* host bits cleared */
	uint8_t		 plen;
};
struct cidr_list {
	struct cidr	*v;
	size_t		 n;
};
bool cidr_list_has(const struct cidr_list *, const struct ward_addr *);
/* "10.0.0.0/8", "2001:db8::/32", "192.0.2.7"; 0 or -1. */
int cidr_parse(const char *, struct cidr *);

/* A list of strings (device types, domain suffixes, protocols). */
struct str_list {
	char		**v;
	size_t		 n;
};
bool str_list_has(const struct str_list *, const char *);

/* What a device type is expected to do, before anything is learned. */
struct detect_prior {
	char		*type;
	struct str_list	 protocols;	/* dissector names: dicom, hl7... */
	struct str_list	 services;	/* offered: "tcp/104", "udp/161" */
	struct str_list	 hl7_types;	/* "ORU^R01", "ADT*" (globs) */
	struct str_list	 mqtt_topics;	/* MQTT filters: "pumps/+/status" */
};

/* Per-alert overrides. */
struct detect_alert_cfg {
	bool		 disabled;
	enum alert_severity severity;	/* DEFAULT: the type's */
};

struct detect_config {
	enum detect_mode mode;
	uint64_t	 learn_period;		/* usec */

	/* Scans (Zeek's scan.zeek: 15 ports or 25 hosts in 5 minutes). */
	uint64_t	 scan_window;
	uint32_t	 scan_ports;
	uint32_t	 scan_hosts;
	/* Tighter when the target is a medical device. */
	uint32_t	 scan_ports_medical;
	uint32_t	 scan_hosts_medical;
	/* Scanners the hospital runs itself (vulnerability scanners). */
	struct cidr_list scan_allow;

	/* Brute force: failed logins (or short refused sessions). */
	uint64_t	 brute_window;
	uint32_t	 brute_failures;

	/* DHCP. */
	uint64_t	 dhcp_window;
	uint32_t	 dhcp_starvation_macs;	/* DISCOVERs from new MACs */
	struct cidr_list dhcp_servers;		/* empty: learned */

	/* The internet: what medical devices may reach. */
	struct cidr_list internet_allow;
	struct str_list	 internet_allow_domains;	/* suffixes */

	/* Device types (ident.h names). */
	struct str_list	 medical_types;
	struct str_list	 life_critical_types;

	/* Baselines. */
	double		 volume_factor;		/* over the learned max */
	uint64_t	 volume_floor;		/* bytes per hour */
	uint32_t	 hours_min_days;	/* days learned before off-hours */
	uint32_t	 type_min_assets;	/* assets for a type baseline */
	struct detect_prior *priors;
	size_t		 npriors;

	/* Indicator feeds: Zeek intel files (paths). */
	struct str_list	 ioc_files;

	struct alert_limits limits;
	struct detect_alert_cfg alerts[ALERT_TYPE_COUNT];
};

/* The built-in defaults (what rules/detect.yaml spells out). */
void detect_config_defaults(struct detect_config *);
/*
 * Loads a policy file over the defaults. NULL, with err naming the file,
 * the line and the key, when it cannot be read or is wrong. Relative
 * indicator file paths are taken from the policy file's directory.
 */
struct detect_config *detect_config_load(const char *path, char *err,
    size_t errlen);
struct detect_config *detect_config_parse(const char *text, size_t len,
    const char *name, char *err, size_t errlen);
/* A copy of the defaults, for running without a policy file. */
struct detect_config *detect_config_new(void);
void detect_config_free(struct detect_config *);

/*
 * Indicators of compromise from Zeek intel files (tab-separated: a
 * "#fields" line naming at least indicator and indicator_type, then one
 * indicator per line). Types: Intel::ADDR, Intel::SUBNET, Intel::DOMAIN,
 * and ward's Intel::JA3, Intel::JA4 and Intel::HASSH. Lines of other types
 * are counted and skipped.
 */
struct ioc_set;
struct ioc_hit {
	const char	*indicator;
	const char	*type;		/* "Intel::ADDR"... */
	const char	*source;	/* meta.source, or the file */
	const char	*desc;		/* meta.desc, or "" */
};
struct ioc_set *ioc_new(void);
void ioc_free(struct ioc_set *);
/* Adds a file's indicators; -1 with err naming the file and line. */
int ioc_load(struct ioc_set *, const char *path, char *err, size_t errlen);
int ioc_parse(struct ioc_set *, const char *text, size_t len,
    const char *name, char *err, size_t errlen);
size_t ioc_count(const struct ioc_set *);
/* Lookups; true with hit filled when listed. */
bool ioc_addr(const struct ioc_set *, const struct ward_addr *,
    struct ioc_hit *);
/* The name or any parent domain of it. */
bool ioc_domain(const struct ioc_set *, const char *name, struct ioc_hit *);
bool ioc_fingerprint(const struct ioc_set *, const char *type,
    const char *value, struct ioc_hit *);

struct detect_stats {
	uint64_t	 observations;
	uint64_t	 rule_state_bytes;	/* stateless rules' tables */
	uint64_t	 baseline_items;
	uint64_t	 deviations;
};

struct detector;

/*
 * A detector over the inventory, raising through the alerter. Borrows
 * all three; the config must outlive it. Loads the indicator files the
 * config names (NULL with err on failure).
 */
struct detector *detector_new(const struct detect_config *,
    struct inventory *, struct alerter *, char *err, size_t errlen);
void detector_free(struct detector *);
/* Subscribes to the bus and to the inventory's changes. 0 or -1. */
int detector_attach(struct detector *, struct obs_bus *);
/*
 * Once per batch, after identification (inv_identify, inv_track): rolls
 * hourly volumes, expires windows, raises what is due at capture time now.
 */
void detector_tick(struct detector *, uint64_t now);
const struct detect_stats *detector_stats(const struct detector *);

/*
 * Baselines in the store: detector_load() reads every stored baseline
 * before the run; detector_save() writes what changed, inside the
 * caller's batch. 0 or a negative WARD_E*.
 */
int detector_load(struct detector *, struct store *)
    __attribute__((warn_unused_result));
int detector_save(struct detector *, struct store *)
    __attribute__((warn_unused_result));

#endif
