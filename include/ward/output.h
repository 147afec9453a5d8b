/*
 * output.h - what ward prints: the inventory as an aligned table or JSON,
 * and the EVE log (JSON lines, one event per observation, flow record and
 * asset change; the schema is in docs/eve.md).
 */
#ifndef WARD_OUTPUT_H
#define WARD_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "ward/alert.h"
#include "ward/asset.h"
#include "ward/obs.h"

/* "2026-11-21T10:00:00.123456Z" into buf (32 bytes); "" for 0. */
const char *fmt_time(uint64_t usec, char *buf, size_t len);
const char *proto_name(uint8_t proto);

struct ident_verdict;

/* An identification verdict and its evidence as a JSON object. */
json_t *json_identity(const struct ident_verdict *);
/* The asset's department as a JSON object, or JSON null. */
json_t *json_department(const struct asset *);
/* The asset's online state as a JSON object. */
json_t *json_status(const struct asset *);
/* An asset as a JSON object (caller owns the reference). */
json_t *json_asset(const struct asset *);
/* An observation's fields as a JSON object. */
json_t *json_obs_fields(const struct observation *);

/* The inventory as an aligned table, one asset per line. */
void table_print(FILE *, struct asset *const *, size_t n);
/* The same a line at a time: the column titles, then one asset. */
void table_print_header(FILE *);
void table_print_row(FILE *, const struct asset *);

/* CSV (RFC 4180): the header line, then one line per asset. */
/*
 * One CSV field (quoted when it must be, formula-safe), then a comma or,
 * when last, CRLF.
 */
void csv_field(FILE *, const char *, int last);
void csv_print_header(FILE *);
void csv_print_asset(FILE *, const struct asset *);

/*
 * HL7 FHIR R4 (fhir.c): an asset as a Device resource, and a Bundle of
 * type "collection" holding them. Asset keys are identifiers in this
 * system.
 */
#define FHIR_WARD_KEY_SYSTEM "urn:ward:asset-key"
json_t *fhir_device(const struct asset *);
/* A new empty Bundle stamped with now (microseconds since the epoch). */
json_t *fhir_bundle_new(uint64_t now);
/* Adds the asset's Device as an entry; 0, or -1 on failure. */
int fhir_bundle_add(json_t *bundle, const struct asset *);
/* The SNOMED CT code of a ward device type, or NULL; display may be NULL. */
const char *fhir_snomed_code(const char *type, const char **display);
/* A name-based (version 5) UUID of name, as 36 characters and a NUL. */
int fhir_uuid(const char *name, char out[37]);

struct eve;

/* Opens (appends to) path; "-" is stdout. NULL with err on failure. */
struct eve *eve_open(const char *path, char *err, size_t errlen);
/* Writes every observation on the bus and every asset change. */
int eve_attach(struct eve *, struct obs_bus *, struct inventory *);
/*
 * Writes an "asset" event for one inventory change; info (may be NULL)
 * gives the old and new values of an identity change.
 */
void eve_asset_change(struct eve *, const struct asset *, enum asset_change,
    const char *detail, const struct asset_change_info *, uint64_t ts);
/* Writes one event with event_type and the given object under that name. */
void eve_write(struct eve *, uint64_t ts, const char *event_type,
    json_t *body);
/* 0, or -1 if any write failed (disk full): the caller reports it. */
int eve_close(struct eve *);

/*
 * Alerts (alerts.c). json_alert() is the "alert" member of the EVE event
 * (docs/eve.md); json_alert_evidence() its evidence object. eve_alert()
 * writes the event with the flow tuple when the alert has one.
 */
json_t *json_alert(const struct alert_record *);
json_t *json_alert_evidence(const struct alert *);

struct store_vuln_finding;
struct store_exposure;
/*
 * A stored vulnerability finding (id, status, confidence, component,
 * version, source, evidence, reason, title, severity, score, fixed,
 * remediation, feeds) and a stored exposure (kind, severity, title,
 * evidence, remediation, first, last, count, proto, port) as JSON
 * objects; NULL out of memory.
 */
json_t *json_vuln_finding(const struct store_vuln_finding *);
json_t *json_store_exposure(const struct store_exposure *);
void eve_alert(struct eve *, const struct alert_record *);
/*
 * The alert as one ArcSight CEF line (no syslog header) into out; returns
 * its length (cut to fit).
 */
size_t cef_format(const struct alert_record *, char *out, size_t len);

/*
 * CEF over syslog. target is "udp://host[:port]", "tcp://host[:port]"
 * (514 by default; lines end with LF), "unix:///dev/log", or a file
 * ("file://path" or a plain path: CEF lines without a syslog header).
 * facility is the syslog facility number (16 = local0). NULL with err on
 * failure to open or connect.
 */
struct syslog_out;
struct syslog_out *syslog_open(const char *target, int facility, char *err,
    size_t errlen);
void syslog_alert(struct syslog_out *, const struct alert_record *);
/*
 * A vulnerability finding new to its device (docs/alerts.md, "Syslog in
 * CEF"): Device Event Class ID "vulnerability", name "<id> <status>".
 * ts is the capture time it is reported at.
 */
size_t cef_format_vuln(const struct store_vuln_finding *, uint64_t ts,
    char *out, size_t len);
void syslog_vuln(struct syslog_out *, const struct store_vuln_finding *,
    uint64_t ts);
/* Messages that could not be sent or written. */
uint64_t syslog_failures(const struct syslog_out *);
/* 0, or -1 when any message was lost. NULL is a no-op. */
int syslog_close(struct syslog_out *);

#endif
