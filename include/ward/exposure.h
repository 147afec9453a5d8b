/*
 * exposure.h - passive exposure findings: what a device offers or does
 * that an attacker could use, from what the sensor already saw (risky
 * services, logins in clear, weak TLS, third parties connecting in).
 *
 * The evaluator subscribes to the observation bus after the inventory
 * and keeps, per asset, a bounded list of facts the asset's own record
 * does not hold (the TLS version a server chose, its certificate, an
 * SMB1 negotiate it answered, the peers that opened DICOM associations
 * to it...). exposure_eval() turns those facts and the asset's services,
 * department and type into findings. Every kind is documented in
 * docs/exposure.md. No secret is ever kept: a login in clear is reported
 * by protocol and user name only.
 *
 * Time is capture time throughout: a certificate is expired when its
 * notAfter is before the time of the capture that carried it.
 */
#ifndef WARD_EXPOSURE_H
#define WARD_EXPOSURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ward/addr.h"
#include "ward/alert.h"

struct asset;
struct detect_config;
struct dept_map;
struct inventory;
struct obs_bus;

/* Kind, name, default severity. */
#define WARD_EXPOSURE_KINDS(X)                                             \
	X(TELNET, "telnet_offered", HIGH)                                  \
	X(FTP, "ftp_offered", MEDIUM)                                      \
	X(SMB1, "smb1_offered", HIGH)                                      \
	X(RDP_NO_NLA, "rdp_without_nla", HIGH)                             \
	X(VNC, "vnc_offered", HIGH)                                        \
	X(HTTP_LOGIN, "http_login_cleartext", MEDIUM)                      \
	X(DICOM_CLEAR, "dicom_cleartext_cross_dept", HIGH)                 \
	X(MQTT_ANON, "mqtt_anonymous_cleartext", HIGH)                     \
	X(CREDENTIAL, "cleartext_credential", HIGH)                        \
	X(TLS_OLD, "tls_old_version", MEDIUM)                              \
	X(TLS_SELF_SIGNED, "tls_self_signed", MEDIUM)                      \
	X(TLS_EXPIRED, "tls_cert_expired", MEDIUM)                         \
	X(TLS_WEAK_KEY, "tls_weak_key", MEDIUM)                            \
	X(INBOUND_EXTERNAL, "third_party_inbound", HIGH)                    \
	X(MODBUS_WRITE, "modbus_write_accepted", MEDIUM)                   \
	X(BACNET_WRITE, "bacnet_write_accepted", MEDIUM)

enum exposure_kind {
#define X(id, name, sev) EXPOSURE_##id,
	WARD_EXPOSURE_KINDS(X)
#undef X
	EXPOSURE_KIND_COUNT
};

/* The kind's stable name ("telnet_offered"), or "unknown". */
const char *exposure_kind_name(enum exposure_kind);
/* The kind named name; -1 when none. */
int exposure_kind_parse(const char *name);
enum alert_severity exposure_kind_severity(enum exposure_kind);
/* What to do about it, one or two sentences (static). */
const char *exposure_kind_remediation(enum exposure_kind);

#define EXPOSURE_EV_MAX		6
#define EXPOSURE_VALUE_MAX	160
#define EXPOSURE_TITLE_MAX	160
/*
 * Facts kept per asset, and peers per kind (DICOM peers, third parties,
 * writers);
 * past them new ones are counted (facts_dropped) and dropped. A fact is
 * about 1.4 KiB: at most about 45 KiB per asset, and only assets with an
 * exposure have any.
 */
#define EXPOSURE_FACTS_MAX	32
#define EXPOSURE_PEERS_MAX	8
/* Assets with facts; past it new assets' facts are counted and dropped. */
#define EXPOSURE_ASSETS_MAX	65536

struct exposure_ev {
	const char	*key;				/* static */
	char		 value[EXPOSURE_VALUE_MAX];
};

struct exposure_finding {
	enum exposure_kind kind;
	enum alert_severity severity;
	uint8_t		 proto;			/* IP protocol, 0 when none */
	uint16_t	 port;			/* the asset's port, 0 none */
	char		 title[EXPOSURE_TITLE_MAX];
	struct exposure_ev ev[EXPOSURE_EV_MAX];
	size_t		 nev;
	uint64_t	 first;			/* capture time, usec */
	uint64_t	 last;
	uint64_t	 count;			/* times seen */
};

/* Findings of one asset; exposure_list_clear() frees what it holds. */
struct exposure_list {
	struct exposure_finding *v;
	size_t		 n;
	size_t		 cap;
};

void exposure_list_clear(struct exposure_list *);
/* The first finding of that kind (and port, unless port is 0), or NULL. */
const struct exposure_finding *exposure_list_find(
    const struct exposure_list *, enum exposure_kind, uint16_t port);
/* A finding's evidence value for key, or NULL. */
const char *exposure_ev_get(const struct exposure_finding *,
    const char *key);

struct exposure_stats {
	uint64_t	 observations;		/* read from the bus */
	uint64_t	 facts;			/* kept */
	uint64_t	 facts_dropped;		/* over a bound */
	uint64_t	 assets;		/* with facts */
};

struct exposure;

/*
 * An evaluator over the inventory. cfg (which device types are medical)
 * and depts (the hospital's networks: a peer no department holds is
 * outside them) may be NULL; all three are borrowed and must outlive it.
 * NULL when out of memory.
 */
struct exposure *exposure_new(const struct detect_config *cfg,
    const struct inventory *inv, const struct dept_map *depts);
void exposure_free(struct exposure *);
/*
 * Subscribes to the bus. Attach after the inventory, so that the asset an
 * observation is about already exists when it is read. 0 or -1.
 */
int exposure_attach(struct exposure *, struct obs_bus *);
const struct exposure_stats *exposure_stats(const struct exposure *);

/*
 * Appends the asset's findings to out (which may already hold others'),
 * the asset's sorted by kind then port: one per kind and port, and per
 * protocol and user name for logins, per peer for DICOM and third
 * parties, per certificate for TLS. 0, or WARD_ENOMEM (out then holds
 * what fitted; the caller still clears it).
 */
int exposure_eval(const struct exposure *, const struct asset *,
    struct exposure_list *out) __attribute__((warn_unused_result));

/*
 * A finding as a JSON object: kind, severity, title, proto, port,
 * evidence (an object), remediation, first, last, count. A list as a
 * JSON array of those. The caller owns the reference; NULL out of memory.
 */
json_t *json_exposure_finding(const struct exposure_finding *);
json_t *json_exposure(const struct exposure_list *);

#endif
