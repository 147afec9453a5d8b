/*
 * vuln.h - vulnerability feeds: vendor version strings compared, NVD CVE
 * API 2.0 and CSAF 2.0 advisories and ward's curated IoMT advisories read
 * into one in-memory model, and the aliases between the names ward's
 * identification gives vendors and products and the names the feeds use.
 *
 * Everything here is pure: text in, lists out, no store, no network.
 */
#ifndef WARD_VULN_H
#define WARD_VULN_H

#include <stdbool.h>
#include <stddef.h>

/* Bounds on what a feed may hold; beyond them a feed is refused. */
#define VULN_FILE_MAX		(256U << 20)	/* bytes in one file */
#define VULN_ADVISORIES_MAX	(1U << 20)	/* advisories in a list */
#define VULN_PRODUCTS_MAX	4096		/* products in an advisory */
#define VULN_TEXT_MAX		16384		/* a summary, a remediation */
#define VULN_NAME_MAX		512		/* ids, names, versions */

/*
 * Compares two version strings as vendors write them: "4.5.1" < "4.10",
 * "Rev J" < "Rev K", "VE11C" < "VE11E", "1.2.3-rc1" < "1.2.3",
 * "R2023a" < "R2023b", "v2.1" = "2.1". The rules:
 *  1. A leading 'v' or 'V' followed by a digit is dropped.
 *  2. A version is a sequence of tokens: maximal runs of digits or of
 *     letters; anything else (. - _ / space parentheses ...) separates
 *     them and is otherwise ignored.
 *  3. Tokens are compared in order: two numbers by value (any length,
 *     leading zeros ignored), two words without regard to case, a word
 *     is less than a number ("1.2.rc1" < "1.2.0").
 *  4. When one version runs out of tokens, the other is greater, unless
 *     what it has left is only zeros ("1.0" = "1") or begins with a
 *     pre-release word (alpha, beta, pre, preview, rc, dev, snapshot),
 *     in which case it is less ("1.2.3-rc1" < "1.2.3"). A word that is
 *     no pre-release marks a later build: "9.8p1" > "9.8".
 * Returns <0, 0 or >0 as a is less than, equal to or greater than b.
 * NULL sorts before any string.
 */
int vuln_version_cmp(const char *a, const char *b);

/* A range of versions; both bounds absent and no exact version: all. */
#define VR_START_INCL	(1U << 0)	/* start is included */
#define VR_END_INCL	(1U << 1)	/* end is included */
#define VR_UNPARSED	(1U << 2)	/* only text: ward cannot read it */

/*
 * Feeds write some ranges in prose ("9.x (with Wireless Battery Modules
 * >= 22D19 | <= v22D28)", "distributed < april 1, 2018"): those are kept
 * as text with VR_UNPARSED, match no version, and are for a person to
 * judge.
 */
struct vuln_range {
	char		*exact;		/* one version, or NULL */
	char		*start;		/* lower bound, or NULL */
	char		*end;		/* upper bound, or NULL */
	char		*text;		/* VR_UNPARSED: the feed's words */
	unsigned	 flags;		/* VR_* */
};

/*
 * Is version within r? A NULL version is within no range but "all"; no
 * version is within an unparsed range.
 */
bool vuln_range_match(const struct vuln_range *r, const char *version);

/*
 * Parses a range as CSAF product_version_range and ward's IoMT file write
 * them: "*", or "vers:all/" and a star (all); "<=1.52", "<2.0",
 * ">=1.0 <2.0" (bounds separated by blanks or '|'; a bound's version runs
 * to the next '<', '>' or '|': "< V1.0 SP2 Update 2"; a leading "All
 * versions" is skipped, as Siemens writes them),
 * "vers:generic/>=1.0|<2.0" (a Package URL "vers"), or a single
 * version (exact). Fills r with strings the caller frees with
 * vuln_range_clear(). -1 with a reason in err when s is none of these or
 * gives a bound twice.
 */
int vuln_range_parse(const char *s, struct vuln_range *r, char *err,
    size_t errlen) __attribute__((warn_unused_result));
void vuln_range_clear(struct vuln_range *r);

/* Writes r as "<=1.52", ">=8.6 <9.8", "4.4", "*" or its text. */
void vuln_range_format(const struct vuln_range *r, char *buf, size_t len);

enum vuln_severity {
	VULN_SEV_NONE,		/* not given */
	VULN_SEV_LOW,
	VULN_SEV_MEDIUM,
	VULN_SEV_HIGH,
	VULN_SEV_CRITICAL,
};

const char *vuln_severity_name(enum vuln_severity);
/* "low", "MEDIUM" ... without regard to case; -1 for anything else. */
int vuln_severity_parse(const char *);

/* One product an advisory names: affected, or fixed in a version. */
struct vuln_product {
	char			*vendor;	/* CPE or CSAF; or NULL */
	char			*product;	/* CPE or CSAF product name */
	struct vuln_range	 range;		/* the versions concerned */
	char			*fixed;		/* fixed version, or NULL */
	bool			 affected;	/* false: listed as fixed */
	/*
	 * The CPE "vendor:product" naming it, or NULL: from the NVD's
	 * criteria, or a CSAF product_identification_helper.cpe (CPE 2.3
	 * or 2.2), so that CSAF products can be matched the CPE way too.
	 */
	char			*cpe;
	char			*purl;		/* CSAF Package URL */
	/*
	 * NVD configurations with operator AND: the platforms (CPEs not
	 * vulnerable themselves) the product is at risk only on, as text,
	 * "vendor:product[:version]" joined by " or " within a node and
	 * " and " between nodes (CVE-2020-6961's firmware:
	 * "gehealthcare:carescape_central_station_mai700"); NULL when the
	 * configuration sets no such condition.
	 */
	char			*platform;
};

enum vuln_origin {
	VULN_NVD,
	VULN_CSAF,
	VULN_IOMT,
};

struct vuln_advisory {
	enum vuln_origin	 origin;
	char			*id;		/* CVE id, or ward's own id */
	char			*source;	/* tracking id or URL */
	char			*title;		/* may be NULL */
	char			*summary;	/* may be NULL */
	char			*remediation;	/* "category: details" lines */
	double			 score;		/* CVSS base, -1: none */
	enum vuln_severity	 severity;
	struct vuln_product	*products;
	size_t			 nproducts;
};

struct vuln_list {
	struct vuln_advisory	**v;
	size_t			  n, cap;
};

/* An empty list (all zero), and its contents freed. */
void vuln_list_init(struct vuln_list *);
void vuln_list_clear(struct vuln_list *);

/*
 * NVD CVE API 2.0 (a response, or a file of them saved whole): each
 * vulnerabilities[].cve becomes an advisory with the English description,
 * the CVSS v3.1 base score (the NVD's own "Primary" one first, then v4.0,
 * then v3.0) and one product for each cpeMatch that is "vulnerable" (the
 * platforms an AND node names beside them are not products at risk).
 * Appends to l. On error returns a negative WARD_E*, leaves l as it was
 * and says in err where: "nvd.json: vulnerabilities[3].cve.metrics...:
 * why". name names the text in messages.
 */
int vuln_nvd_parse(struct vuln_list *l, const char *text, size_t len,
    const char *name, char *err, size_t errlen)
    __attribute__((warn_unused_result));
int vuln_nvd_load(struct vuln_list *l, const char *path, char *err,
    size_t errlen) __attribute__((warn_unused_result));

/*
 * CSAF 2.0 (OASIS) security advisories such as CISA's ICSMA: one advisory
 * per vulnerabilities[] entry, named by its cve (else its first id), with
 * source document.tracking.id, title document.title, its summary note,
 * its first CVSS v3 base score, a product for each known_affected,
 * first_affected, last_affected and fixed product_id (from the
 * product_tree: vendor, product_name and product_version or
 * product_version_range branches, full_product_names and relationships),
 * and its remediations as "category: details" lines. Errors as for
 * vuln_nvd_parse().
 */
int vuln_csaf_parse(struct vuln_list *l, const char *text, size_t len,
    const char *name, char *err, size_t errlen)
    __attribute__((warn_unused_result));
int vuln_csaf_load(struct vuln_list *l, const char *path, char *err,
    size_t errlen) __attribute__((warn_unused_result));

/*
 * ward's curated IoMT advisories (YAML, rules/vuln/iomt.yaml, format in
 * docs/vuln.md): advisories for devices whose feeds carry no CPE. Vendor
 * and product are globs (fnmatch(3), without regard to case). Errors name
 * the file, the line and the key: "iomt.yaml:12: advisory 'X': ...".
 */
int vuln_iomt_parse(struct vuln_list *l, const char *text, size_t len,
    const char *name, char *err, size_t errlen)
    __attribute__((warn_unused_result));
int vuln_iomt_load(struct vuln_list *l, const char *path, char *err,
    size_t errlen) __attribute__((warn_unused_result));

/*
 * Aliases (rules/vuln/aliases.yaml): for a vendor, and optionally a
 * product glob, as ward's identification names them, the CPE
 * "vendor:product" pairs and the CSAF vendor names the feeds use.
 */
struct vuln_aliases;

/* NULL with err naming file, line and key on any error. Caller frees. */
struct vuln_aliases *vuln_alias_parse(const char *text, size_t len,
    const char *name, char *err, size_t errlen);
struct vuln_aliases *vuln_alias_load(const char *path, char *err,
    size_t errlen);
void vuln_alias_free(struct vuln_aliases *);

/*
 * The i-th CPE "vendor:product" for ward's vendor and product (product
 * may be NULL: entries for the whole vendor only), or NULL past the last.
 * Vendors compare without regard to case; entries are tried in file
 * order. The string belongs to a.
 */
const char *vuln_alias_cpe(const struct vuln_aliases *a, const char *vendor,
    const char *product, size_t i);

/* The i-th CSAF vendor name for ward's vendor, or NULL past the last. */
const char *vuln_alias_csaf(const struct vuln_aliases *a, const char *vendor,
    size_t i);

/* ward's vendor name for a CPE vendor ("offis"), or NULL. */
const char *vuln_alias_vendor_of_cpe(const struct vuln_aliases *a,
    const char *cpe_vendor);

#endif
