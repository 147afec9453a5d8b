/*
 * ident.h - device identification: fingerprint rules over what the sensor
 * learned of an asset, combined into a verdict with a confidence and the
 * evidence behind it.
 *
 * What ward knows of an asset is a set of attributes, each a key (a name
 * from docs/identification.md: "oui.vendor", "dicom.manufacturer",
 * "dhcp.vendor_class", "service"...) and a value. A rule (a YAML file,
 * docs/identification.md) holds conditions over attributes (all of its
 * "when" conditions must hold and none of its "unless" ones) and, when
 * they do, asserts values for some of the four dimensions of an identity
 * (type, vendor, model, version) with a weight between 0 and 1. Values may
 * quote a matched attribute ("{dicom.model}").
 *
 * Verdict per dimension: the weights of the rules that agree on a value
 * combine as independent evidence, 1 - (1 - w1)(1 - w2)...; the best
 * value's confidence is that combination times (1 - c2), c2 being the
 * strongest contradicting value's. Below the rule set's threshold the
 * dimension stays unknown (an empty value): a wrong verdict is worse
 * than none. Every verdict keeps the rules and attributes behind it.
 */
#ifndef WARD_IDENT_H
#define WARD_IDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ident_dim {
	IDENT_TYPE,
	IDENT_VENDOR,
	IDENT_MODEL,
	IDENT_VERSION,
	IDENT_DIMS
};
const char *ident_dim_name(enum ident_dim);

/* An attribute of an asset; both strings are borrowed. */
struct ident_attr {
	const char	*key;
	const char	*value;
};

#define IDENT_VALUE_MAX		128
#define IDENT_EVIDENCE_MAX	16

/* One rule that fired, and the attribute that satisfied its first "when". */
struct ident_evidence {
	const char	*rule;		/* the rule's id (owned by the rules) */
	const char	*source;	/* its documented source */
	double		 weight;
	const char	*key;		/* static */
	char		 value[IDENT_VALUE_MAX];
	uint8_t		 dims;		/* bit d: asserted dimension d */
	bool		 agrees[IDENT_DIMS];	/* with the verdict's value */
};

struct ident_verdict {
	char		 value[IDENT_DIMS][IDENT_VALUE_MAX];	/* "" unknown */
	double		 conf[IDENT_DIMS];
	struct ident_evidence ev[IDENT_EVIDENCE_MAX];
	size_t		 nev;
	size_t		 nev_dropped;	/* fired past IDENT_EVIDENCE_MAX */
};

struct ident_rules;

/*
 * Loads and checks a rules file. On error returns NULL and writes to err
 * a message naming the file, the line and the key that is wrong.
 */
struct ident_rules *ident_rules_load(const char *path, char *err,
    size_t errlen);
/* The same from a string; name stands for the file in messages. */
struct ident_rules *ident_rules_parse(const char *text, size_t len,
    const char *name, char *err, size_t errlen);
void ident_rules_free(struct ident_rules *);
size_t ident_rules_count(const struct ident_rules *);

/*
 * Evaluates every rule over the n attributes of one asset (attributes of
 * unknown keys are ignored). The verdict borrows rule ids and sources from
 * the rules, which must outlive its use; it copies what it quotes of attrs.
 */
void ident_eval(const struct ident_rules *, const struct ident_attr *attrs,
    size_t n, struct ident_verdict *);

#endif
