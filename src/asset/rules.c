/*
 * rules.c - device fingerprint rules: loading and checking the YAML file
 * (format in docs/identification.md), and evaluating the rules over the
 * attributes of an asset (ident.h).
 *
 * The file is read with libyaml's document API, which keeps the line of
 * every node, so each error names the file, the line and the key at fault.
 * Patterns are shell globs matched without regard to case (fnmatch(3)).
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "ward/ident.h"
#include "asset-private.h"
#include "src/lib/yamlfile.h"

#define RULES_MAX	20000
#define PATTERNS_MAX	64
#define RULES_FILE_MAX	(16u << 20)

const char *const ident_keys[] = {
	"oui.vendor", "hostname", "service",
	"dhcp.vendor_class", "dhcp.params", "dhcp.hostname",
	"dns.query", "mdns.model", "mdns.service",
	"dicom.ae_title", "dicom.role", "dicom.modality", "dicom.manufacturer",
	"dicom.model", "dicom.software_versions", "dicom.station",
	"dicom.institution", "dicom.department", "dicom.impl_class_uid",
	"dicom.impl_version", "dicom.sop_class",
	"hl7.sending_app", "hl7.sending_facility", "hl7.receiving_app",
	"hl7.software_vendor", "hl7.software_product", "hl7.software_version",
	"dicom.command", "hl7.message_type", "hl7.role",
	"mqtt.client_id", "mqtt.topic", "mqtt.role", "coap.uri",
	"http.user_agent", "http.server",
	"tls.sni", "tls.ja3", "tls.ja4", "tls.cert_subject", "tls.cert_issuer",
	"ssh.banner", "ssh.server_banner", "ssh.hassh",
	"smb.host", "smb.domain", "smb.dialect", "smb.os_version",
	"ssdp.server", "ssdp.usn",
	"telnet.banner", "ftp.banner", "smtp.banner", "mysql.version",
	"rdp.cookie", "modbus.vendor", "modbus.product", "bacnet.vendor",
	"bacnet.model", "mqtt.publish",
	NULL
};

const char *const ident_types[] = {
	"ct", "mri", "xray", "ultrasound", "nuclear_medicine", "pacs",
	"worklist_server", "patient_monitor", "central_station",
	"infusion_pump", "glucose_meter", "ventilator", "anesthesia_machine",
	"lab_analyzer", "nurse_call", "handheld", "wearable", "his_server",
	"hl7_engine", "workstation_windows", "workstation_linux",
	"workstation_macos", "printer", "ip_camera", "voip_phone",
	"network_device", "building_automation", "medical_device",
	"imaging_modality", "server", "iot_device", "unknown",
	NULL
};

/*
 * Most patterns are plain strings or "prefix*": those are compared
 * directly, fnmatch(3) is kept for the others.
 */
enum pat_kind {
	PAT_GLOB,
	PAT_EXACT,
	PAT_PREFIX,	/* plen bytes, then '*' */
	PAT_CONTAINS,	/* '*', plen bytes (at pat + 1), '*' */
};

struct cond {
	int		 key;		/* index in ident_keys[] */
	char		**pat;
	uint8_t		*kind;		/* enum pat_kind of each pattern */
	size_t		*plen;
	size_t		 npat;
};

#define NKEYS	(sizeof(ident_keys) / sizeof(ident_keys[0]) - 1)

struct rule {
	char		*id;
	char		*source;
	unsigned int	 line;
	struct cond	*when;
	size_t		 nwhen;
	struct cond	*unless;
	size_t		 nunless;
	char		*out[IDENT_DIMS];	/* NULL: not asserted */
	double		 weight;
};

struct ident_rules {
	struct rule	*rules;
	size_t		 n;
	double		 threshold;
};

static const char *const dim_names[IDENT_DIMS] = {
	"type", "vendor", "model", "version",
};

const char *
ident_dim_name(enum ident_dim d)
{
	return d < IDENT_DIMS ? dim_names[d] : "?";
}

/* --- loading -------------------------------------------------------------- */

static char *
xstrdup(struct yamlfile *l, const yaml_node_t *at, const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		yamlfile_fail(l, at, "out of memory");
	return d;
}

static int
key_index(const char *k)
{
	for (size_t i = 0; ident_keys[i] != NULL; i++)
		if (strcmp(ident_keys[i], k) == 0)
			return (int)i;
	return -1;
}

const char *
ident_key_canon(const char *key)
{
	int k = key_index(key);

	return k != -1 ? ident_keys[k] : NULL;
}

static bool
type_known(const char *t)
{
	for (size_t i = 0; ident_types[i] != NULL; i++)
		if (strcmp(ident_types[i], t) == 0)
			return true;
	return false;
}

/* A pattern list: one string or a sequence of them. */
static void
load_patterns(struct yamlfile *l, struct cond *c, const char *rid,
    const char *what, const char *key, yaml_node_t *v)
{
	size_t n = yamlfile_len(v);

	if (v->type == YAML_SEQUENCE_NODE) {
		if (n == 0 || n > PATTERNS_MAX) {
			yamlfile_fail(l, v, "rule '%s': '%s: %s' wants 1 to %d "
			    "patterns",
			    rid, what, key, PATTERNS_MAX);
			return;
		}
	} else if (v->type != YAML_SCALAR_NODE) {
		yamlfile_fail(l, v, "rule '%s': '%s: %s' wants a pattern or a "
		    "list of "
		    "patterns", rid, what, key);
		return;
	}
	if ((c->pat = calloc(n, sizeof(*c->pat))) == NULL ||
	    (c->kind = calloc(n, sizeof(*c->kind))) == NULL ||
	    (c->plen = calloc(n, sizeof(*c->plen))) == NULL) {
		yamlfile_fail(l, v, "out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *p = yamlfile_item(l, v, i);
		const char *s = yamlfile_scalar(p);

		if (s == NULL || *s == '\0' || strlen(s) >= IDENT_VALUE_MAX) {
			yamlfile_fail(l, p != NULL ? p : v, "rule '%s': '%s: "
			    "%s' has "
			    "a pattern that is not a string of 1 to %d "
			    "characters", rid, what, key, IDENT_VALUE_MAX - 1);
			return;
		}
		if ((c->pat[i] = xstrdup(l, p, s)) == NULL)
			return;
		c->plen[i] = strcspn(s, "*?[\\");
		if (s[c->plen[i]] == '\0') {
			c->kind[i] = PAT_EXACT;
		} else if (strcmp(s + c->plen[i], "*") == 0) {
			c->kind[i] = PAT_PREFIX;
		} else if (s[0] == '*' && (c->plen[i] = strcspn(s + 1,
		    "*?[\\")) > 0 && strcmp(s + 1 + c->plen[i], "*") == 0) {
			c->kind[i] = PAT_CONTAINS;
			c->pat[i][1 + c->plen[i]] = '\0';	/* the middle */
		} else {
			c->kind[i] = PAT_GLOB;
		}
		c->npat++;
	}
}

static void
load_conds(struct yamlfile *l, struct rule *r, const char *what,
    yaml_node_t *m, struct cond **out, size_t *nout)
{
	yaml_node_pair_t *pr;
	size_t n;

	if (m->type != YAML_MAPPING_NODE) {
		yamlfile_fail(l, m, "rule '%s': '%s' wants a mapping of "
		    "attribute "
		    "keys to patterns", r->id, what);
		return;
	}
	n = (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
	if (n == 0) {
		yamlfile_fail(l, m, "rule '%s': '%s' is empty", r->id, what);
		return;
	}
	if ((*out = calloc(n, sizeof(**out))) == NULL) {
		yamlfile_fail(l, m, "out of memory");
		return;
	}
	for (pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top;
	    pr++) {
		yaml_node_t *k = yaml_document_get_node(&l->doc, pr->key);
		yaml_node_t *v = yaml_document_get_node(&l->doc, pr->value);
		const char *ks = yamlfile_scalar(k);
		struct cond *c = &(*out)[*nout];

		if (ks == NULL || (c->key = key_index(ks)) == -1) {
			yamlfile_fail(l, k, "rule '%s': '%s' names an unknown "
			    "attribute "
			    "'%s' (see docs/identification.md)", r->id, what,
			    ks != NULL ? ks : "?");
			return;
		}
		(*nout)++;
		load_patterns(l, c, r->id, what, ks, v);
		if (l->failed)
			return;
	}
}

/* "{key}" in an output must name an attribute key. */
static void
check_template(struct yamlfile *l, const struct rule *r, yaml_node_t *at,
    const char *dim, const char *s)
{
	const char *o, *c;
	char key[64];

	for (o = strchr(s, '{'); o != NULL; o = strchr(c, '{')) {
		if ((c = strchr(o, '}')) == NULL ||
		    (size_t)(c - o - 1) >= sizeof(key)) {
			yamlfile_fail(l, at, "rule '%s': '%s' has an unclosed "
			    "'{'",
			    r->id, dim);
			return;
		}
		memcpy(key, o + 1, (size_t)(c - o - 1));
		key[c - o - 1] = '\0';
		if (key_index(key) == -1) {
			yamlfile_fail(l, at, "rule '%s': '%s' quotes '{%s}', "
			    "which is "
			    "not an attribute key", r->id, dim, key);
			return;
		}
	}
}

static void
load_rule(struct yamlfile *l, struct ident_rules *rs, yaml_node_t *m)
{
	struct rule *r = &rs->rules[rs->n];
	yaml_node_pair_t *pr;
	yaml_node_t *when = NULL, *unless = NULL, *outs[IDENT_DIMS] = { 0 };
	bool have_weight = false;
	const char *s;
	char *end;

	r->line = (unsigned int)m->start_mark.line + 1;
	if (m->type != YAML_MAPPING_NODE) {
		yamlfile_fail(l, m, "a rule must be a mapping");
		return;
	}
	/* The id first, so that every message can name the rule. */
	for (pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top;
	    pr++) {
		yaml_node_t *k = yaml_document_get_node(&l->doc, pr->key);
		yaml_node_t *v = yaml_document_get_node(&l->doc, pr->value);

		if ((s = yamlfile_scalar(k)) == NULL || strcmp(s, "id") != 0)
			continue;
		if (r->id != NULL) {
			yamlfile_fail(l, k, "rule '%s': 'id' given "
			    "twice", r->id);
			free(r->id);
			r->id = NULL;
			return;
		}
		if ((s = yamlfile_scalar(v)) == NULL || *s == '\0') {
			yamlfile_fail(l, v, "a rule's 'id' must be a non-empty "
			    "string");
			return;
		}
		for (size_t i = 0; i < rs->n; i++)
			if (strcmp(rs->rules[i].id, s) == 0) {
				yamlfile_fail(l, v, "rule id '%s' is already "
				    "used on "
				    "line %u", s, rs->rules[i].line);
				return;
			}
		if ((r->id = xstrdup(l, v, s)) == NULL)
			return;
	}
	if (r->id == NULL) {
		yamlfile_fail(l, m, "rule without an 'id'");
		return;
	}
	rs->n++;	/* owned by the set from here, freed with it */
	for (pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top;
	    pr++) {
		yaml_node_t *k = yaml_document_get_node(&l->doc, pr->key);
		yaml_node_t *v = yaml_document_get_node(&l->doc, pr->value);
		const char *ks = yamlfile_scalar(k);
		int d;

		if (ks == NULL) {
			yamlfile_fail(l, k, "rule '%s': a key must be a "
			    "string", r->id);
			return;
		}
		if (strcmp(ks, "id") == 0)
			continue;
		/* A key given twice would silently replace the first. */
		if (yamlfile_repeated(l, m, pr)) {
			yamlfile_fail(l, k, "rule '%s': '%s' given twice",
			    r->id, ks);
			return;
		}
		if (strcmp(ks, "source") == 0) {
			if ((s = yamlfile_scalar(v)) == NULL || *s == '\0') {
				yamlfile_fail(l, v, "rule '%s': 'source' must "
				    "say where "
				    "the rule comes from", r->id);
				return;
			}
			if ((r->source = xstrdup(l, v, s)) == NULL)
				return;
		} else if (strcmp(ks, "when") == 0) {
			when = v;
		} else if (strcmp(ks, "unless") == 0) {
			unless = v;
		} else if (strcmp(ks, "weight") == 0) {
			s = yamlfile_scalar(v);
			errno = 0;
			if (s == NULL || (r->weight = strtod(s, &end),
			    errno != 0) || end == s || *end != '\0' ||
			    !(r->weight > 0 && r->weight <= 1)) {
				yamlfile_fail(l, v, "rule '%s': 'weight' must "
				    "be a number "
				    "above 0 and at most 1", r->id);
				return;
			}
			have_weight = true;
		} else {
			for (d = 0; d < IDENT_DIMS; d++)
				if (strcmp(ks, dim_names[d]) == 0)
					break;
			if (d == IDENT_DIMS) {
				yamlfile_fail(l, k, "rule '%s': unknown key "
				    "'%s'", r->id,
				    ks);
				return;
			}
			if ((s = yamlfile_scalar(v)) == NULL || *s == '\0' ||
			    strlen(s) >= IDENT_VALUE_MAX) {
				yamlfile_fail(l, v, "rule '%s': '%s' must be a "
				    "string of "
				    "1 to %d characters", r->id, ks,
				    IDENT_VALUE_MAX - 1);
				return;
			}
			if (d == IDENT_TYPE && !type_known(s)) {
				yamlfile_fail(l, v, "rule '%s': unknown device "
				    "type '%s' "
				    "(see docs/identification.md)", r->id, s);
				return;
			}
			if ((r->out[d] = xstrdup(l, v, s)) == NULL)
				return;
			outs[d] = v;
		}
	}
	if (r->source == NULL)
		yamlfile_fail(l, m, "rule '%s': no 'source' (where the rule "
		    "comes from)",
		    r->id);
	else if (when == NULL)
		yamlfile_fail(l, m, "rule '%s': no 'when'", r->id);
	else if (!have_weight)
		yamlfile_fail(l, m, "rule '%s': no 'weight'", r->id);
	else if (outs[IDENT_TYPE] == NULL && outs[IDENT_VENDOR] == NULL &&
	    outs[IDENT_MODEL] == NULL && outs[IDENT_VERSION] == NULL)
		yamlfile_fail(l, m, "rule '%s': asserts none of type, vendor, "
		    "model, "
		    "version", r->id);
	if (l->failed)
		return;
	load_conds(l, r, "when", when, &r->when, &r->nwhen);
	if (!l->failed && unless != NULL)
		load_conds(l, r, "unless", unless, &r->unless, &r->nunless);
	for (int d = 0; d < IDENT_DIMS && !l->failed; d++)
		if (r->out[d] != NULL)
			check_template(l, r, outs[d], dim_names[d], r->out[d]);
}

/* The one top-level key besides version and rules. */
static bool
top_key(struct yamlfile *l, const char *key, yaml_node_t *k, yaml_node_t *v,
    void *arg)
{
	struct ident_rules *rs = arg;
	const char *s = yamlfile_scalar(v);
	char *end;

	(void)k;
	if (strcmp(key, "threshold") != 0)
		return false;
	errno = 0;
	if (s == NULL || (rs->threshold = strtod(s, &end), errno != 0) ||
	    end == s || *end != '\0' ||
	    !(rs->threshold > 0 && rs->threshold < 1)) {
		yamlfile_fail(l, v, "'threshold' must be a number between 0 "
		    "and 1");
		return false;
	}
	return true;
}

static void
load_top(struct yamlfile *l, struct ident_rules *rs)
{
	yaml_node_t *rules;
	size_t n;

	if ((rules = yamlfile_top(l, "rules", "rules",
	    "version, threshold, rules", top_key, rs)) == NULL)
		return;
	n = yamlfile_len(rules);
	if (n > RULES_MAX) {
		yamlfile_fail(l, rules, "more than %d rules", RULES_MAX);
		return;
	}
	if (n > 0 && (rs->rules = calloc(n, sizeof(*rs->rules))) == NULL) {
		yamlfile_fail(l, rules, "out of memory");
		return;
	}
	for (size_t i = 0; i < n && !l->failed; i++)
		load_rule(l, rs, yamlfile_item(l, rules, i));
}

struct ident_rules *
ident_rules_parse(const char *text, size_t len, const char *name, char *err,
    size_t errlen)
{
	struct yamlfile l;
	struct ident_rules *rs;

	if (yamlfile_parse(&l, text, len, name, err, errlen) == -1)
		return NULL;
	if ((rs = calloc(1, sizeof(*rs))) == NULL) {
		yamlfile_fail(&l, NULL, "out of memory");
	} else {
		rs->threshold = 0.5;
		load_top(&l, rs);
	}
	yamlfile_done(&l);
	if (l.failed) {
		ident_rules_free(rs);
		return NULL;
	}
	return rs;
}

struct ident_rules *
ident_rules_load(const char *path, char *err, size_t errlen)
{
	struct ident_rules *rs;
	size_t n;
	char *buf;

	if ((buf = yamlfile_read(path, RULES_FILE_MAX, &n, err, errlen)) ==
	    NULL)
		return NULL;
	rs = ident_rules_parse(buf, n, path, err, errlen);
	free(buf);
	return rs;
}

static void
conds_free(struct cond *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < c[i].npat; j++)
			free(c[i].pat[j]);
		free(c[i].pat);
		free(c[i].kind);
		free(c[i].plen);
	}
	free(c);
}

void
ident_rules_free(struct ident_rules *rs)
{
	if (rs == NULL)
		return;
	for (size_t i = 0; i < rs->n; i++) {
		struct rule *r = &rs->rules[i];

		free(r->id);
		free(r->source);
		conds_free(r->when, r->nwhen);
		conds_free(r->unless, r->nunless);
		for (int d = 0; d < IDENT_DIMS; d++)
			free(r->out[d]);
	}
	free(rs->rules);
	free(rs);
}

size_t
ident_rules_count(const struct ident_rules *rs)
{
	return rs != NULL ? rs->n : 0;
}

/* --- evaluation ----------------------------------------------------------- */

#define EVAL_ATTRS_MAX	512

/* The attributes of one asset, chained by key in their order. */
struct attr_ix {
	const struct ident_attr	*attrs;
	int			 keys[EVAL_ATTRS_MAX];
	int			 next[EVAL_ATTRS_MAX];
	int			 head[NKEYS];
	size_t			 n;
};

static void
ix_build(struct attr_ix *ix, const struct ident_attr *attrs, size_t n)
{
	ix->attrs = attrs;
	ix->n = n;
	for (size_t k = 0; k < NKEYS; k++)
		ix->head[k] = -1;
	for (size_t i = n; i-- > 0;) {
		ix->keys[i] = key_index(attrs[i].key);
		if (ix->keys[i] == -1)
			continue;
		ix->next[i] = ix->head[ix->keys[i]];
		ix->head[ix->keys[i]] = (int)i;
	}
}

static bool
pat_match(const struct cond *c, size_t j, const char *v)
{
	switch (c->kind[j]) {
	case PAT_EXACT:
		return strcasecmp(c->pat[j], v) == 0;
	case PAT_PREFIX:
		return strncasecmp(c->pat[j], v, c->plen[j]) == 0;
	case PAT_CONTAINS:
		return strcasestr(v, c->pat[j] + 1) != NULL;
	default:
		return fnmatch(c->pat[j], v, FNM_CASEFOLD) == 0;
	}
}

/* Index of the first attribute that c matches, or -1. */
static int
cond_match(const struct cond *c, const struct attr_ix *ix)
{
	for (int i = ix->head[c->key]; i != -1; i = ix->next[i])
		for (size_t j = 0; j < c->npat; j++)
			if (pat_match(c, j, ix->attrs[i].value))
				return i;
	return -1;
}

/*
 * Writes r's output for one dimension into out, each "{key}" replaced by
 * the attribute that matched the rule's condition on key, or else the
 * asset's first attribute of that key (empty when it has none).
 */
static void
render(const struct rule *r, const char *tmpl, const struct attr_ix *ix,
    const int *hit, char out[IDENT_VALUE_MAX])
{
	size_t o = 0;
	const char *p = tmpl, *c, *v;
	char key[64];
	int k;

	while (*p != '\0' && o + 1 < IDENT_VALUE_MAX) {
		if (*p != '{' || (c = strchr(p, '}')) == NULL ||
		    (size_t)(c - p - 1) >= sizeof(key)) {
			out[o++] = *p++;
			continue;
		}
		memcpy(key, p + 1, (size_t)(c - p - 1));
		key[c - p - 1] = '\0';
		v = NULL;
		k = key_index(key);
		for (size_t i = 0; i < r->nwhen && v == NULL; i++)
			if (r->when[i].key == k)
				v = ix->attrs[hit[i]].value;
		if (v == NULL && k != -1 && ix->head[k] != -1)
			v = ix->attrs[ix->head[k]].value;
		if (v == NULL)
			v = "";
		while (*v != '\0' && o + 1 < IDENT_VALUE_MAX)
			out[o++] = *v++;
		p = c + 1;
	}
	out[o] = '\0';
	/* A quoted value may carry padding. */
	while (o > 0 && out[o - 1] == ' ')
		out[--o] = '\0';
}

struct cand {
	char		 value[IDENT_VALUE_MAX];
	double		 miss;		/* product of (1 - w) */
};

#define CANDS_MAX	32

void
ident_eval(const struct ident_rules *rs, const struct ident_attr *attrs,
    size_t n, struct ident_verdict *v)
{
	struct cand cand[IDENT_DIMS][CANDS_MAX];
	size_t ncand[IDENT_DIMS] = { 0 };
	struct attr_ix ixs, *ix = &ixs;
	int hit[64];
	char val[IDENT_VALUE_MAX];
	size_t k;

	memset(v, 0, sizeof(*v));
	if (rs == NULL)
		return;
	if (n > EVAL_ATTRS_MAX)
		n = EVAL_ATTRS_MAX;
	ix_build(ix, attrs, n);
	for (size_t i = 0; i < rs->n; i++) {
		const struct rule *r = &rs->rules[i];
		struct ident_evidence *e = NULL;
		bool ok = r->nwhen <= sizeof(hit) / sizeof(hit[0]);

		for (size_t j = 0; ok && j < r->nwhen; j++)
			ok = (hit[j] = cond_match(&r->when[j], ix)) != -1;
		for (size_t j = 0; ok && j < r->nunless; j++)
			ok = cond_match(&r->unless[j], ix) == -1;
		if (!ok)
			continue;
		if (v->nev < IDENT_EVIDENCE_MAX) {
			e = &v->ev[v->nev++];
			e->rule = r->id;
			e->source = r->source;
			e->weight = r->weight;
			e->key = ident_keys[ix->keys[hit[0]]];
			(void)snprintf(e->value, sizeof(e->value), "%s",
			    attrs[hit[0]].value);
		} else {
			v->nev_dropped++;
		}
		for (int d = 0; d < IDENT_DIMS; d++) {
			if (r->out[d] == NULL)
				continue;
			render(r, r->out[d], ix, hit, val);
			if (val[0] == '\0')
				continue;	/* quoted an empty value */
			if (e != NULL)
				e->dims |= (uint8_t)(1U << d);
			for (k = 0; k < ncand[d]; k++)
				if (strcasecmp(cand[d][k].value, val) == 0)
					break;
			if (k == ncand[d]) {
				if (k == CANDS_MAX)
					continue;
				memcpy(cand[d][k].value, val, sizeof(val));
				cand[d][k].miss = 1;
				ncand[d]++;
			}
			cand[d][k].miss *= 1 - r->weight;
		}
	}
	for (int d = 0; d < IDENT_DIMS; d++) {
		double best = 0, second = 0, c;
		size_t bi = 0;

		for (k = 0; k < ncand[d]; k++) {
			c = 1 - cand[d][k].miss;
			if (c > best) {
				second = best;
				best = c;
				bi = k;
			} else if (c > second) {
				second = c;
			}
		}
		if (ncand[d] == 0)
			continue;
		c = best * (1 - second);
		v->conf[d] = c;
		if (c >= rs->threshold)
			memcpy(v->value[d], cand[d][bi].value,
			    sizeof(v->value[d]));
	}
	/* Which evidence agrees with each verdict, for the explanation. */
	for (size_t i = 0; i < v->nev; i++) {
		const struct rule *r = NULL;

		for (size_t j = 0; j < rs->n; j++)
			if (rs->rules[j].id == v->ev[i].rule) {
				r = &rs->rules[j];
				break;
			}
		for (int d = 0; r != NULL && d < IDENT_DIMS; d++) {
			if (!(v->ev[i].dims & (1U << d)) ||
			    v->value[d][0] == '\0')
				continue;
			for (size_t j = 0; j < r->nwhen; j++)
				hit[j] = cond_match(&r->when[j], ix);
			render(r, r->out[d], ix, hit, val);
			v->ev[i].agrees[d] = strcasecmp(val,
			    v->value[d]) == 0;
		}
	}
}
