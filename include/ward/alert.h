/*
 * alert.h - alerts: what detection tells the hospital, and the engine that
 * deduplicates and rate-limits them before they reach the EVE log, syslog
 * (CEF) and the store.
 *
 * A detector fills a struct alert on the stack (a type, the asset it is
 * about, what makes it distinct, a message and its evidence) and raises it.
 * The engine keys it by (type, asset, object): the first one is delivered
 * at once; repeats are counted and delivered as updates (count, first and
 * last time) at most once per dedup window, and at the end of the run. A
 * new key for an asset spends a token of that asset's bucket; an asset
 * with none left has its new alerts counted, not delivered, and one
 * "alert_flood" alert per window says how many of which type were held
 * back. Everything runs on capture time. Each type is documented in
 * docs/alerts.md.
 */
#ifndef WARD_ALERT_H
#define WARD_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward/addr.h"

enum alert_severity {
	ALERT_SEV_DEFAULT = 0,	/* the type's own */
	ALERT_SEV_INFO,
	ALERT_SEV_LOW,
	ALERT_SEV_MEDIUM,
	ALERT_SEV_HIGH,
	ALERT_SEV_CRITICAL,
};
const char *alert_severity_name(enum alert_severity);
/* "high" -> ALERT_SEV_HIGH; 0 when not a severity name. */
enum alert_severity alert_severity_parse(const char *);

/* Type, name, category, default severity. */
#define WARD_ALERT_TYPES(X)                                                 \
	X(ARP_SPOOF, "arp_spoof", "spoofing", HIGH)                         \
	X(IP_CONFLICT, "ip_conflict", "spoofing", MEDIUM)                   \
	X(DHCP_STARVATION, "dhcp_starvation", "spoofing", HIGH)             \
	X(ROGUE_DHCP, "rogue_dhcp_server", "spoofing", HIGH)                \
	X(PORT_SCAN, "port_scan", "reconnaissance", MEDIUM)                 \
	X(HOST_SWEEP, "host_sweep", "reconnaissance", MEDIUM)               \
	X(BRUTE_FORCE, "brute_force", "credential_access", HIGH)            \
	X(CLEARTEXT_CREDENTIAL, "cleartext_credential", "credential_access",\
	    MEDIUM)                                                         \
	X(INTERNET_CONNECTION, "internet_connection", "exfiltration", HIGH) \
	X(IOC_MATCH, "ioc_match", "command_and_control", CRITICAL)          \
	X(MQTT_UNAUTHENTICATED, "mqtt_unauthenticated", "iot_protocol",     \
	    MEDIUM)                                                         \
	X(MQTT_SUBSCRIBE_ALL, "mqtt_subscribe_all", "iot_protocol", HIGH)   \
	X(MALFORMED_MEDICAL, "malformed_medical_stream", "medical_protocol",\
	    MEDIUM)                                                         \
	X(DICOM_EXECUTABLE, "dicom_executable_preamble", "medical_protocol",\
	    CRITICAL)                                                       \
	X(PHI_NEW_PEER, "phi_to_new_peer", "data_leak", HIGH)               \
	X(NEW_PEER, "new_peer", "baseline", LOW)                            \
	X(NEW_SERVICE, "new_service", "baseline", MEDIUM)                   \
	X(NEW_PROTOCOL, "new_protocol", "baseline", MEDIUM)                 \
	X(DICOM_NEW_DESTINATION, "dicom_new_destination", "baseline", HIGH) \
	X(HL7_UNEXPECTED_MESSAGE, "hl7_unexpected_message", "baseline",     \
	    MEDIUM)                                                         \
	X(MQTT_NEW_TOPIC, "mqtt_new_topic", "baseline", LOW)                \
	X(VOLUME_ANOMALY, "volume_anomaly", "baseline", MEDIUM)             \
	X(OFF_HOURS, "off_hours_activity", "baseline", LOW)                 \
	X(DEVICE_OFFLINE, "device_offline", "availability", MEDIUM)         \
	X(UNKNOWN_DEVICE, "unknown_device", "inventory", MEDIUM)            \
	X(IDENTITY_CHANGE, "identity_change", "inventory", MEDIUM)          \
	X(ALERT_FLOOD, "alert_flood", "detection", LOW)

enum alert_type {
#define X(id, name, cat, sev) ALERT_##id,
	WARD_ALERT_TYPES(X)
#undef X
	ALERT_TYPE_COUNT
};

const char *alert_type_name(enum alert_type);
const char *alert_type_category(enum alert_type);
enum alert_severity alert_type_severity(enum alert_type);
/* The type named name; -1 when none. */
int alert_type_parse(const char *name);

#define ALERT_EVIDENCE_MAX	12
#define ALERT_VALUE_MAX		160
#define ALERT_OBJECT_MAX	128
#define ALERT_MESSAGE_MAX	256

/* One piece of evidence: an observation's field, a counter, a threshold. */
struct alert_evidence {
	const char	*key;			/* static */
	char		 value[ALERT_VALUE_MAX];
};

struct alert {
	enum alert_type	 type;
	enum alert_severity severity;		/* DEFAULT: the type's */
	uint64_t	 ts;			/* capture time, usec */
	/* The asset it is about: its key (MAC, or IP), and an IP of it. */
	char		 asset[ADDR_STRLEN];
	struct ward_addr ip;			/* family 0 when none */
	/* The other party, when there is one: its address or key. */
	char		 peer[ADDR_STRLEN];
	/*
	 * What tells two alerts of one type and asset apart ("tcp/22 from
	 * 10.0.0.9", an AE pair); empty when one per asset is enough.
	 */
	char		 object[ALERT_OBJECT_MAX];
	char		 message[ALERT_MESSAGE_MAX];
	/* The flow behind it, when there is one (0 in proto: none). */
	uint8_t		 proto;
	struct ward_addr src_ip, dst_ip;
	uint16_t	 src_port, dst_port;
	size_t		 nev;
	struct alert_evidence ev[ALERT_EVIDENCE_MAX];
};

/* Zeroes a and sets its type and time. */
void alert_init(struct alert *, enum alert_type, uint64_t ts);
/* Sets the asset from a key and an IP (either may be NULL). */
void alert_asset(struct alert *, const char *key, const struct ward_addr *);
void alert_message(struct alert *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void alert_object(struct alert *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Adds evidence; -1 (dropped) past ALERT_EVIDENCE_MAX. */
int alert_ev(struct alert *, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int alert_ev_u64(struct alert *, const char *key, uint64_t);
int alert_ev_addr(struct alert *, const char *key, const struct ward_addr *);
/* The alert's severity: its own, else its type's. */
enum alert_severity alert_severity(const struct alert *);

/* What the engine delivers: the alert and how often it happened. */
struct alert_record {
	const struct alert *alert;	/* the newest occurrence */
	uint64_t	 id;		/* this run's number for the key */
	uint64_t	 first;
	uint64_t	 last;
	uint64_t	 count;		/* occurrences so far, this one included */
	bool		 update;	/* a repeat of one delivered before */
};
typedef void (*alert_fn)(const struct alert_record *, void *arg);

struct alert_limits {
	uint64_t	 dedup_window;	/* usec between two updates of a key */
	uint32_t	 burst;		/* new keys an asset may raise at once */
	uint64_t	 refill;	/* usec for one more token */
	size_t		 max_keys;	/* keys kept; the stalest go first */
};
void alert_limits_defaults(struct alert_limits *);

struct alert_stats {
	uint64_t	 raised;	/* every alert_raise() */
	uint64_t	 delivered;	/* first deliveries */
	uint64_t	 updates;
	uint64_t	 suppressed;	/* held back by the rate limit */
	uint64_t	 evicted;	/* keys dropped over max_keys */
	uint64_t	 by_type[ALERT_TYPE_COUNT];	/* first deliveries */
};

struct alerter;

struct alerter *alerter_new(const struct alert_limits *);
/* NULL is a no-op. Does not flush: call alerter_flush(..., true) first. */
void alerter_free(struct alerter *);
/* Adds a sink (at most eight); -1 when there is no room. */
int alerter_on(struct alerter *, alert_fn, void *arg);
/* Raises an alert (copied). 0, or -1 when out of memory (counted). */
int alerter_raise(struct alerter *, const struct alert *);
/*
 * Delivers the pending updates: every key counted since its last delivery
 * whose window has passed at capture time now, or all of them when final.
 * Also delivers the alert_flood summaries.
 */
void alerter_flush(struct alerter *, uint64_t now, bool final);
const struct alert_stats *alerter_stats(const struct alerter *);

#endif
