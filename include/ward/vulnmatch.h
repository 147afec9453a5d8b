/*
 * vulnmatch.h - which advisories concern a device, how sure that is, and
 * how much risk the device carries.
 *
 * What ward learned of an asset becomes a list of components: the device
 * itself as identification names it (vendor, model, version), the
 * software its HL7 messages name (SFT), and the software its own banners
 * name (the SSH server, the HTTP server, the
 * DICOM toolkit, the FTP and database servers). Each component is matched
 * against advisories (vuln.h) through the aliases: by CPE for the NVD, by
 * the CSAF vendor names and product words for CSAF, by globs for ward's
 * curated IoMT file. A version within an advisory's range is "affected";
 * an unknown version, a range only written in prose, or a distribution
 * build that may carry a backported fix is "potentially affected": never
 * silence. Every match keeps its evidence and a confidence.
 *
 * Pure: assets and advisories in, matches out; no store, no network.
 */
#ifndef WARD_VULNMATCH_H
#define WARD_VULNMATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "ward/vuln.h"

struct asset;

#define VULN_COMP_MAX		12	/* components of one asset */
#define VULN_COMP_NAME		128
#define VULN_COMP_EVIDENCE	256

/* A device or piece of software an asset is or runs. */
struct vuln_component {
	char		 vendor[VULN_COMP_NAME];	/* ward's name */
	char		 product[VULN_COMP_NAME];	/* model, software */
	char		 version[VULN_COMP_NAME];	/* "" unknown */
	/* A distribution's build ("Debian-2+deb12u3"), "" none. */
	char		 build[64];
	double		 confidence;	/* in vendor and product, 0..1 */
	double		 version_conf;	/* in the version, 0 when unknown */
	const char	*source;	/* "identity", "ssh.server_banner"... */
	char		 evidence[VULN_COMP_EVIDENCE];
};

/*
 * The components of an asset, at most max, in a fixed order: the
 * identified device first (when its vendor and model are known), the
 * software an HL7 sender names in its SFT segment, then software from
 * banners in attribute order, one per distinct vendor,
 * product and version. Returns how many were written.
 */
size_t vuln_components(const struct asset *, struct vuln_component *out,
    size_t max);

/*
 * Reads one banner attribute ("ssh.server_banner", "http.server",
 * "dicom.impl_version", "ftp.banner", "mysql.version",
 * "dhcp.vendor_class") into components:
 * "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3" is OpenSSH 9.2p1 of build
 * Debian-2+deb12u3, "Apache/2.4.57 (Debian) OpenSSL/3.0.11" two
 * components, "OFFIS_DCMTK_367" DCMTK 3.6.7, "udhcp 1.35.0" BusyBox
 * 1.35.0. Returns how many were
 * written (0 for a key or value it does not read).
 */
size_t vuln_components_of_banner(const char *key, const char *value,
    struct vuln_component *out, size_t max);

enum vuln_status {
	VULN_AFFECTED,		/* the version is within the range */
	VULN_POTENTIAL,		/* may be: see why */
};
const char *vuln_status_name(enum vuln_status);

struct vuln_match {
	const struct vuln_advisory *adv;
	const struct vuln_product *product;	/* the entry that matched */
	enum vuln_status status;
	double		 confidence;		/* 0..1 */
	char		 why[640];
};

/*
 * Does the advisory concern the component? Tries every affected product
 * of adv: the name must match (CPE through the aliases, CSAF vendor
 * through the aliases and product words, IoMT globs), then the version.
 * A product the advisory lists as fixed whose range holds the version
 * clears the advisory. The best match (affected before potential, then
 * the higher confidence) goes to m. true when there is one.
 */
bool vuln_match(const struct vuln_aliases *, const struct vuln_component *,
    const struct vuln_advisory *, struct vuln_match *m);

/*
 * The keys under which a store indexes the advisories that may concern
 * the component: its CPE "vendor:product" pairs from the aliases, and
 * vendor names (lower case: the aliases' CSAF names and ward's own).
 * Pointers are into al or static; returns the number of each written.
 */
struct vuln_keys {
	const char	*cpe[16];
	size_t		 ncpe;
	char		 vendor[16][VULN_COMP_NAME];
	size_t		 nvendor;
};
void vuln_component_keys(const struct vuln_aliases *,
    const struct vuln_component *, struct vuln_keys *);

/* The lower-case form vendor keys take ("Welch Allyn" -> "welch allyn"). */
void vuln_vendor_key(const char *vendor, char *out, size_t len);

/*
 * Building advisories outside the feed readers (the store reads them
 * back): a new empty advisory, a new zeroed product of it (NULL out of
 * memory or past VULN_PRODUCTS_MAX), and appending to a list (which then
 * owns it; -1 out of memory).
 */
struct vuln_advisory *vuln_advisory_new(enum vuln_origin);
void vuln_advisory_free(struct vuln_advisory *);
struct vuln_product *vuln_advisory_add_product(struct vuln_advisory *);
int vuln_list_add(struct vuln_list *, struct vuln_advisory *);
const char *vuln_origin_name(enum vuln_origin);
/* A feed file read whole (at most VULN_FILE_MAX bytes); NULL with err. */
char *vuln_read_whole(const char *path, size_t *len, char *err,
    size_t errlen);
int vuln_origin_parse(const char *);

/*
 * Risk: a score from 0 to 100 per asset, explained by its terms.
 *
 *	risk = (45 V + 35 E + 20 A) x (0.6 + 0.4 C)
 *
 * V, E and A each combine their items as independent chances,
 * 1 - (1 - w1)(1 - w2)...: V over the vulnerabilities (w = CVSS / 10
 * times the match's confidence; a potential match counts half), E over
 * the exposures (w by severity: critical 0.7, high 0.5, medium 0.25,
 * low 0.1), A over the open alerts (the same weights). C is the
 * criticality of the device's type: 1 life-critical, 0.75 other medical
 * devices, 0.5 clinical systems (PACS, HIS, HL7 engines, worklist), 0.25
 * anything else.
 */
struct vuln_risk {
	double		 score;		/* 0..100 */
	double		 vulns, exposures, alerts;	/* V, E, A: 0..1 */
	double		 criticality;			/* C */
	const char	*criticality_why;	/* "life-critical type" */
	size_t		 nvulns, nexposures, nalerts;
};

/* Severity weight for exposures and alerts ("high" -> 0.5); 0 unknown. */
double vuln_risk_severity_weight(const char *severity);
/* A vulnerability's weight from its CVSS score (or severity name when
 * score < 0), confidence and status. */
double vuln_risk_vuln_weight(double score, const char *severity,
    double confidence, enum vuln_status);
/*
 * The score from the items' weights. life_critical and medical say the
 * type's class (detect policy); clinical for PACS, HIS and the like.
 */
void vuln_risk_compute(struct vuln_risk *, const double *vulns, size_t nv,
    const double *exposures, size_t ne, const double *alerts, size_t na,
    bool life_critical, bool medical, bool clinical);
/* The clinical systems' types: pacs, worklist_server, his_server... */
bool vuln_type_clinical(const char *type);

#endif
