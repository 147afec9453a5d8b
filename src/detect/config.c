/*
 * config.c - the detection policy: built-in defaults, and a YAML file over
 * them (docs/alerts.md, rules/detect.yaml).
 *
 *	version: 1
 *	learning: { mode: auto, period: 7d }
 *	scan: { window: 5m, ports: 15, hosts: 25, ... }
 *	priors: [ { type: infusion_pump, protocols: [mqtt, hl7] }, ... ]
 *	alerts: { burst: 20, types: { new_peer: { severity: low } } }
 *
 * Every scalar is checked (durations "30s", "5m", "2h", "7d"; sizes "1M";
 * prefixes; names of alert types and severities) and an error names the
 * file, the line and the key.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/detect.h"
#include "src/lib/yamlfile.h"

#define POLICY_MAX_BYTES	(4U << 20)
#define USEC			1000000ULL

const char *
detect_mode_name(enum detect_mode m)
{
	switch (m) {
	case DETECT_AUTO:
		return "auto";
	case DETECT_LEARN:
		return "learn";
	case DETECT_ENFORCE:
		return "enforce";
	}
	return "?";
}

int
detect_mode_parse(const char *s)
{
	if (strcmp(s, "auto") == 0)
		return DETECT_AUTO;
	if (strcmp(s, "learn") == 0)
		return DETECT_LEARN;
	if (strcmp(s, "enforce") == 0)
		return DETECT_ENFORCE;
	return -1;
}

int
cidr_parse(const char *s, struct cidr *c)
{
	char buf[64], *slash, *end;
	unsigned long plen;
	int max;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return -1;
	if ((slash = strchr(buf, '/')) != NULL)
		*slash = '\0';
	if (addr_parse(buf, &c->addr) == -1)
		return -1;
	max = c->addr.family == 4 ? 32 : 128;
	plen = (unsigned long)max;
	if (slash != NULL) {
		errno = 0;
		plen = strtoul(slash + 1, &end, 10);
		if (errno != 0 || end == slash + 1 || *end != '\0' ||
		    plen > (unsigned long)max)
			return -1;
	}
	c->plen = (uint8_t)plen;
	for (int i = 0; i < 16; i++) {
		int bits = (int)plen - i * 8;

		if (bits <= 0)
			c->addr.b[i] = 0;
		else if (bits < 8)
			c->addr.b[i] &= (uint8_t)(0xff << (8 - bits));
	}
	return 0;
}

static bool
cidr_has(const struct cidr *c, const struct ward_addr *a)
{
	int full = c->plen / 8, rest = c->plen % 8;

	if (a->family != c->addr.family)
		return false;
	if (memcmp(a->b, c->addr.b, (size_t)full) != 0)
		return false;
	return rest == 0 || ((a->b[full] ^ c->addr.b[full]) &
	    (uint8_t)(0xff << (8 - rest))) == 0;
}

bool
cidr_list_has(const struct cidr_list *l, const struct ward_addr *a)
{
	for (size_t i = 0; i < l->n; i++)
		if (cidr_has(&l->v[i], a))
			return true;
	return false;
}

bool
str_list_has(const struct str_list *l, const char *s)
{
	if (s == NULL)
		return false;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return true;
	return false;
}

static void
str_list_clear(struct str_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int
str_list_add(struct str_list *l, const char *s)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (v == NULL)
		return -1;
	l->v = v;
	if ((l->v[l->n] = strdup(s)) == NULL)
		return -1;
	l->n++;
	return 0;
}

static int
str_list_set(struct str_list *l, const char *const *v)
{
	str_list_clear(l);
	for (; *v != NULL; v++)
		if (str_list_add(l, *v) == -1)
			return -1;
	return 0;
}

/*
 * The device types (rules/devices.yaml) that are medical devices, and of
 * those the ones a patient's life may hang on (IEC 80001-1 risk: a cut
 * flow can harm). Workstations, printers, servers, phones, cameras and
 * building controllers are not medical.
 */
static const char *const medical_default[] = {
	"anesthesia_machine", "central_station", "ct", "glucose_meter",
	"infusion_pump", "lab_analyzer", "mri", "nuclear_medicine",
	"patient_monitor", "pacs", "ultrasound", "ventilator", "wearable",
	"xray", "worklist_server", "nurse_call", NULL,
};
static const char *const life_critical_default[] = {
	"anesthesia_machine", "central_station", "infusion_pump",
	"patient_monitor", "ventilator", NULL,
};

void
detect_config_defaults(struct detect_config *c)
{
	memset(c, 0, sizeof(*c));
	c->mode = DETECT_AUTO;
	c->learn_period = 7 * 24 * 3600 * USEC;
	c->scan_window = 5 * 60 * USEC;
	c->scan_ports = 15;
	c->scan_hosts = 25;
	c->scan_ports_medical = 5;
	c->scan_hosts_medical = 10;
	c->brute_window = 5 * 60 * USEC;
	c->brute_failures = 10;
	c->dhcp_window = 60 * USEC;
	c->dhcp_starvation_macs = 30;
	c->volume_factor = 3.0;
	c->volume_floor = 1U << 20;
	c->hours_min_days = 3;
	c->type_min_assets = 2;
	alert_limits_defaults(&c->limits);
	(void)str_list_set(&c->medical_types, medical_default);
	(void)str_list_set(&c->life_critical_types, life_critical_default);
}

struct detect_config *
detect_config_new(void)
{
	struct detect_config *c = malloc(sizeof(*c));

	if (c != NULL)
		detect_config_defaults(c);
	return c;
}

static void
prior_clear(struct detect_prior *p)
{
	free(p->type);
	str_list_clear(&p->protocols);
	str_list_clear(&p->services);
	str_list_clear(&p->hl7_types);
	str_list_clear(&p->mqtt_topics);
}

void
detect_config_free(struct detect_config *c)
{
	if (c == NULL)
		return;
	free(c->scan_allow.v);
	free(c->dhcp_servers.v);
	free(c->internet_allow.v);
	str_list_clear(&c->internet_allow_domains);
	str_list_clear(&c->medical_types);
	str_list_clear(&c->life_critical_types);
	str_list_clear(&c->ioc_files);
	for (size_t i = 0; i < c->npriors; i++)
		prior_clear(&c->priors[i]);
	free(c->priors);
	free(c);
}

/* Parsing. */

struct ld {
	struct yamlfile	 y;
	struct detect_config *c;
	char		 dir[512];	/* of the policy file, for indicators */
};

static yaml_node_t *
node(struct ld *l, int id)
{
	return yaml_document_get_node(&l->y.doc, id);
}

static bool
want_scalar(struct ld *l, yaml_node_t *v, const char *sect, const char *key,
    const char **out)
{
	if ((*out = yamlfile_scalar(v)) == NULL) {
		yamlfile_fail(&l->y, v, "%s.%s must be a single value", sect,
		    key);
		return false;
	}
	return true;
}

static bool
get_duration(struct ld *l, yaml_node_t *v, const char *sect,
    const char *key, uint64_t *out)
{
	const char *s;
	char *end;
	unsigned long long n, mult = USEC;

	if (!want_scalar(l, v, sect, key, &s))
		return false;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno == 0 && end != s && s[0] != '-') {
		if (strcmp(end, "s") == 0 || *end == '\0')
			mult = USEC;
		else if (strcmp(end, "m") == 0)
			mult = 60 * USEC;
		else if (strcmp(end, "h") == 0)
			mult = 3600 * USEC;
		else if (strcmp(end, "d") == 0)
			mult = 86400 * USEC;
		else
			end = NULL;
		if (end != NULL && n > 0 && n < 366ULL * 86400 * USEC / mult) {
			*out = n * mult;
			return true;
		}
	}
	yamlfile_fail(&l->y, v, "%s.%s: '%s' is not a duration such as "
	    "30s, 5m, 2h or 7d (more than 0, less than a year)", sect, key,
	    s);
	return false;
}

static bool
get_count(struct ld *l, yaml_node_t *v, const char *sect, const char *key,
    uint64_t min, uint64_t max, uint64_t *out)
{
	const char *s;
	char *end;
	unsigned long long n;
	unsigned shift = 0;

	if (!want_scalar(l, v, sect, key, &s))
		return false;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (*end == 'k' || *end == 'K')
		shift = 10, end++;
	else if (*end == 'M')
		shift = 20, end++;
	else if (*end == 'G')
		shift = 30, end++;
	if (errno == 0 && end != s && s[0] != '-' && *end == '\0' &&
	    n <= (max >> shift) && (n << shift) >= min) {
		*out = n << shift;
		return true;
	}
	yamlfile_fail(&l->y, v, "%s.%s: '%s' is not a number from %llu to "
	    "%llu", sect, key, s, (unsigned long long)min,
	    (unsigned long long)max);
	return false;
}

static bool
get_u32(struct ld *l, yaml_node_t *v, const char *sect, const char *key,
    uint32_t min, uint32_t *out)
{
	uint64_t n;

	if (!get_count(l, v, sect, key, min, 1000000, &n))
		return false;
	*out = (uint32_t)n;
	return true;
}

static bool
get_factor(struct ld *l, yaml_node_t *v, const char *sect, const char *key,
    double *out)
{
	const char *s;
	char *end;
	double d;

	if (!want_scalar(l, v, sect, key, &s))
		return false;
	errno = 0;
	d = strtod(s, &end);
	if (errno == 0 && end != s && *end == '\0' && d >= 1.0 &&
	    d <= 1000.0) {
		*out = d;
		return true;
	}
	yamlfile_fail(&l->y, v, "%s.%s: '%s' is not a factor from 1 to 1000",
	    sect, key, s);
	return false;
}

/* A string or a list of strings, each checked by ok (may be NULL). */
static bool
get_strings(struct ld *l, yaml_node_t *v, const char *sect, const char *key,
    struct str_list *out, bool (*ok)(const char *), const char *what)
{
	size_t n = yamlfile_len(v);

	if (n == 0 && v->type != YAML_SEQUENCE_NODE) {
		yamlfile_fail(&l->y, v, "%s.%s must be a list of %s", sect,
		    key, what);
		return false;
	}
	str_list_clear(out);
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *it = yamlfile_item(&l->y, v, i);
		const char *s = yamlfile_scalar(it);

		if (s == NULL || s[0] == '\0' || strlen(s) > 255 ||
		    (ok != NULL && !ok(s))) {
			yamlfile_fail(&l->y, it, "%s.%s: '%s' is not %s", sect,
			    key, s != NULL ? s : "(a list or mapping)", what);
			return false;
		}
		if (str_list_add(out, s) == -1) {
			yamlfile_fail(&l->y, it, "out of memory");
			return false;
		}
	}
	return true;
}

static bool
get_cidrs(struct ld *l, yaml_node_t *v, const char *sect, const char *key,
    struct cidr_list *out)
{
	size_t n = yamlfile_len(v);

	if (n == 0 && v->type != YAML_SEQUENCE_NODE) {
		yamlfile_fail(&l->y, v, "%s.%s must be a list of prefixes "
		    "(10.0.0.0/8, 2001:db8::/32)", sect, key);
		return false;
	}
	free(out->v);
	out->n = 0;
	if ((out->v = calloc(n ? n : 1, sizeof(*out->v))) == NULL) {
		yamlfile_fail(&l->y, v, "out of memory");
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *it = yamlfile_item(&l->y, v, i);
		const char *s = yamlfile_scalar(it);

		if (s == NULL || cidr_parse(s, &out->v[i]) == -1) {
			yamlfile_fail(&l->y, it, "%s.%s: '%s' is not an address "
			    "or prefix (10.0.0.0/8, 2001:db8::/32)", sect, key,
			    s != NULL ? s : "(a list or mapping)");
			return false;
		}
		out->n++;
	}
	return true;
}

static bool
is_name(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '_' || *s == '-'))
			return false;
	return true;
}

static bool
is_service(const char *s)
{
	char *end;
	unsigned long port;

	if (strncmp(s, "tcp/", 4) != 0 && strncmp(s, "udp/", 4) != 0)
		return false;
	errno = 0;
	port = strtoul(s + 4, &end, 10);
	return errno == 0 && end != s + 4 && *end == '\0' && port > 0 &&
	    port <= 65535;
}

static bool
is_domain(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '-' || *s == '.' || *s == '_'))
			return false;
	return true;
}

static bool
is_text(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

/* A section: a mapping of known keys, each given once. */
typedef bool (*key_fn)(struct ld *, const char *sect, const char *key,
    yaml_node_t *v);

static bool
walk_mapping(struct ld *l, yaml_node_t *m, const char *sect, key_fn fn,
    const char *keys)
{
	if (m->type != YAML_MAPPING_NODE) {
		yamlfile_fail(&l->y, m, "'%s' must be a mapping (%s)", sect,
		    keys);
		return false;
	}
	for (yaml_node_pair_t *pr = m->data.mapping.pairs.start;
	    pr < m->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = node(l, pr->key), *v = node(l, pr->value);
		const char *ks = yamlfile_scalar(k);

		if (ks == NULL) {
			yamlfile_fail(&l->y, k, "'%s': a key must be a string",
			    sect);
			return false;
		}
		if (yamlfile_repeated(&l->y, m, pr)) {
			yamlfile_fail(&l->y, k, "'%s.%s' is given twice", sect,
			    ks);
			return false;
		}
		if (!fn(l, sect, ks, v)) {
			if (!l->y.failed)
				yamlfile_fail(&l->y, k, "unknown key '%s.%s' (%s)",
				    sect, ks, keys);
			return false;
		}
	}
	return true;
}

static bool
learning_key(struct ld *l, const char *sect, const char *key, yaml_node_t *v)
{
	const char *s;
	int m;

	if (strcmp(key, "period") == 0)
		return get_duration(l, v, sect, key, &l->c->learn_period);
	if (strcmp(key, "mode") == 0) {
		if (!want_scalar(l, v, sect, key, &s))
			return false;
		if ((m = detect_mode_parse(s)) == -1) {
			yamlfile_fail(&l->y, v, "learning.mode: '%s' is not "
			    "auto, learn or enforce", s);
			return false;
		}
		l->c->mode = (enum detect_mode)m;
		return true;
	}
	return false;
}

static bool
scan_key(struct ld *l, const char *sect, const char *key, yaml_node_t *v)
{
	struct detect_config *c = l->c;

	if (strcmp(key, "window") == 0)
		return get_duration(l, v, sect, key, &c->scan_window);
	if (strcmp(key, "ports") == 0)
		return get_u32(l, v, sect, key, 2, &c->scan_ports);
	if (strcmp(key, "hosts") == 0)
		return get_u32(l, v, sect, key, 2, &c->scan_hosts);
	if (strcmp(key, "medical_ports") == 0)
		return get_u32(l, v, sect, key, 2, &c->scan_ports_medical);
	if (strcmp(key, "medical_hosts") == 0)
		return get_u32(l, v, sect, key, 2, &c->scan_hosts_medical);
	if (strcmp(key, "allow") == 0)
		return get_cidrs(l, v, sect, key, &c->scan_allow);
	return false;
}

static bool
brute_key(struct ld *l, const char *sect, const char *key, yaml_node_t *v)
{
	if (strcmp(key, "window") == 0)
		return get_duration(l, v, sect, key, &l->c->brute_window);
	if (strcmp(key, "failures") == 0)
		return get_u32(l, v, sect, key, 2, &l->c->brute_failures);
	return false;
}

static bool
dhcp_key(struct ld *l, const char *sect, const char *key, yaml_node_t *v)
{
	if (strcmp(key, "window") == 0)
		return get_duration(l, v, sect, key, &l->c->dhcp_window);
	if (strcmp(key, "starvation_macs") == 0)
		return get_u32(l, v, sect, key, 2,
		    &l->c->dhcp_starvation_macs);
	if (strcmp(key, "servers") == 0)
		return get_cidrs(l, v, sect, key, &l->c->dhcp_servers);
	return false;
}

static bool
internet_key(struct ld *l, const char *sect, const char *key, yaml_node_t *v)
{
	if (strcmp(key, "allow") == 0)
		return get_cidrs(l, v, sect, key, &l->c->internet_allow);
	if (strcmp(key, "allow_domains") == 0)
		return get_strings(l, v, sect, key,
		    &l->c->internet_allow_domains, is_domain,
		    "a domain name in lower case");
	return false;
}

static bool
types_key(struct ld *l, const char *sect, const char *key, yaml_node_t *v)
{
	if (strcmp(key, "medical") == 0)
		return get_strings(l, v, sect, key, &l->c->medical_types,
		    is_name, "a device type name");
	if (strcmp(key, "life_critical") == 0)
		return get_strings(l, v, sect, key,
		    &l->c->life_critical_types, is_name, "a device type name");
	return false;
}

static bool
baseline_key(struct ld *l, const char *sect, const char *key, yaml_node_t *v)
{
	struct detect_config *c = l->c;

	if (strcmp(key, "volume_factor") == 0)
		return get_factor(l, v, sect, key, &c->volume_factor);
	if (strcmp(key, "volume_floor") == 0)
		return get_count(l, v, sect, key, 1, 1ULL << 40,
		    &c->volume_floor);
	if (strcmp(key, "hours_min_days") == 0)
		return get_u32(l, v, sect, key, 1, &c->hours_min_days);
	if (strcmp(key, "type_min_assets") == 0)
		return get_u32(l, v, sect, key, 1, &c->type_min_assets);
	return false;
}

static bool
alert_type_key(struct ld *l, const char *sect, const char *key,
    yaml_node_t *v)
{
	struct detect_alert_cfg *ac;
	const char *s;
	int t;

	/* sect is "alerts.types.<name>", key "severity" or "enabled". */
	if ((t = alert_type_parse(sect + strlen("alerts.types."))) == -1)
		return false;
	ac = &l->c->alerts[t];
	if (strcmp(key, "severity") == 0) {
		if (!want_scalar(l, v, sect, key, &s))
			return false;
		if ((ac->severity = alert_severity_parse(s)) ==
		    ALERT_SEV_DEFAULT) {
			yamlfile_fail(&l->y, v, "%s.severity: '%s' is not "
			    "info, low, medium, high or critical", sect, s);
			return false;
		}
		return true;
	}
	if (strcmp(key, "enabled") == 0) {
		if (!want_scalar(l, v, sect, key, &s))
			return false;
		if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0) {
			yamlfile_fail(&l->y, v, "%s.enabled: '%s' is not true "
			    "or false", sect, s);
			return false;
		}
		ac->disabled = strcmp(s, "false") == 0;
		return true;
	}
	return false;
}

static bool
alert_types(struct ld *l, yaml_node_t *m)
{
	if (m->type != YAML_MAPPING_NODE) {
		yamlfile_fail(&l->y, m, "'alerts.types' must be a mapping of "
		    "alert type names");
		return false;
	}
	for (yaml_node_pair_t *pr = m->data.mapping.pairs.start;
	    pr < m->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = node(l, pr->key), *v = node(l, pr->value);
		const char *ks = yamlfile_scalar(k);
		char sect[96];

		if (ks == NULL || alert_type_parse(ks) == -1) {
			yamlfile_fail(&l->y, k, "alerts.types: '%s' is not an "
			    "alert type (docs/alerts.md lists them)",
			    ks != NULL ? ks : "(not a string)");
			return false;
		}
		if (yamlfile_repeated(&l->y, m, pr)) {
			yamlfile_fail(&l->y, k, "'alerts.types.%s' is given "
			    "twice", ks);
			return false;
		}
		(void)snprintf(sect, sizeof(sect), "alerts.types.%s", ks);
		if (!walk_mapping(l, v, sect, alert_type_key,
		    "severity, enabled"))
			return false;
	}
	return true;
}

static bool
alerts_key(struct ld *l, const char *sect, const char *key, yaml_node_t *v)
{
	struct alert_limits *lim = &l->c->limits;
	uint64_t n;

	if (strcmp(key, "dedup_window") == 0)
		return get_duration(l, v, sect, key, &lim->dedup_window);
	if (strcmp(key, "refill") == 0)
		return get_duration(l, v, sect, key, &lim->refill);
	if (strcmp(key, "burst") == 0)
		return get_u32(l, v, sect, key, 1, &lim->burst);
	if (strcmp(key, "max_keys") == 0) {
		if (!get_count(l, v, sect, key, 16, 1U << 24, &n))
			return false;
		lim->max_keys = (size_t)n;
		return true;
	}
	if (strcmp(key, "types") == 0)
		return alert_types(l, v);
	return false;
}

static bool
prior_key(struct ld *l, const char *sect, const char *key, yaml_node_t *v)
{
	struct detect_prior *p = &l->c->priors[l->c->npriors - 1];
	const char *s;

	if (strcmp(key, "type") == 0) {
		if (!want_scalar(l, v, sect, key, &s))
			return false;
		if (!is_name(s) || s[0] == '\0') {
			yamlfile_fail(&l->y, v, "priors.type: '%s' is not a "
			    "device type name", s);
			return false;
		}
		free(p->type);
		if ((p->type = strdup(s)) == NULL) {
			yamlfile_fail(&l->y, v, "out of memory");
			return false;
		}
		return true;
	}
	if (strcmp(key, "protocols") == 0)
		return get_strings(l, v, sect, key, &p->protocols, is_name,
		    "a protocol name (a dissector: dicom, hl7, mqtt...)");
	if (strcmp(key, "services") == 0)
		return get_strings(l, v, sect, key, &p->services, is_service,
		    "a service such as tcp/104 or udp/161");
	if (strcmp(key, "hl7_types") == 0)
		return get_strings(l, v, sect, key, &p->hl7_types, is_text,
		    "an HL7 message type such as ORU^R01 or ADT*");
	if (strcmp(key, "mqtt_topics") == 0)
		return get_strings(l, v, sect, key, &p->mqtt_topics, is_text,
		    "an MQTT topic filter");
	return false;
}

static bool
load_priors(struct ld *l, yaml_node_t *v)
{
	size_t n = yamlfile_len(v);

	if (v->type != YAML_SEQUENCE_NODE) {
		yamlfile_fail(&l->y, v, "'priors' must be a list of device "
		    "types with what they are expected to do");
		return false;
	}
	if ((l->c->priors = calloc(n ? n : 1, sizeof(*l->c->priors))) ==
	    NULL) {
		yamlfile_fail(&l->y, v, "out of memory");
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *it = yamlfile_item(&l->y, v, i);

		l->c->npriors++;
		if (!walk_mapping(l, it, "priors", prior_key, "type, "
		    "protocols, services, hl7_types, mqtt_topics"))
			return false;
		if (l->c->priors[i].type == NULL) {
			yamlfile_fail(&l->y, it, "a prior has no 'type'");
			return false;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(l->c->priors[j].type,
			    l->c->priors[i].type) == 0) {
				yamlfile_fail(&l->y, it, "priors: type '%s' is "
				    "given twice", l->c->priors[i].type);
				return false;
			}
	}
	return true;
}

static bool
load_indicators(struct ld *l, yaml_node_t *v)
{
	struct str_list raw = { NULL, 0 };
	bool ok;

	if (!get_strings(l, v, "indicators", "files", &raw, is_text,
	    "a file name"))
		return false;
	ok = true;
	str_list_clear(&l->c->ioc_files);
	for (size_t i = 0; ok && i < raw.n; i++) {
		char path[1024];

		if (raw.v[i][0] == '/' || l->dir[0] == '\0')
			(void)snprintf(path, sizeof(path), "%s", raw.v[i]);
		else
			(void)snprintf(path, sizeof(path), "%s/%s", l->dir,
			    raw.v[i]);
		if (str_list_add(&l->c->ioc_files, path) == -1) {
			yamlfile_fail(&l->y, v, "out of memory");
			ok = false;
		}
	}
	str_list_clear(&raw);
	return ok;
}

#define TOP_KEYS "version, learning, scan, brute_force, dhcp, internet, " \
	"device_types, baseline, priors, indicators, alerts"

static bool
top(struct ld *l)
{
	yaml_node_t *root = yaml_document_get_root_node(&l->y.doc);
	bool have_version = false;

	if (root == NULL || root->type != YAML_MAPPING_NODE) {
		yamlfile_fail(&l->y, root, "the file must be a mapping with "
		    "'version' and the policy's sections (%s)", TOP_KEYS);
		return false;
	}
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
	    pr < root->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = node(l, pr->key), *v = node(l, pr->value);
		const char *ks = yamlfile_scalar(k), *s;
		bool ok;

		if (ks == NULL) {
			yamlfile_fail(&l->y, k, "a top-level key must be a "
			    "string");
			return false;
		}
		if (yamlfile_repeated(&l->y, root, pr)) {
			yamlfile_fail(&l->y, k, "'%s' is given twice", ks);
			return false;
		}
		if (strcmp(ks, "version") == 0) {
			if ((s = yamlfile_scalar(v)) == NULL ||
			    strcmp(s, "1") != 0) {
				yamlfile_fail(&l->y, v, "'version' must be 1");
				return false;
			}
			have_version = true;
			continue;
		}
		if (strcmp(ks, "learning") == 0)
			ok = walk_mapping(l, v, ks, learning_key,
			    "mode, period");
		else if (strcmp(ks, "scan") == 0)
			ok = walk_mapping(l, v, ks, scan_key, "window, ports, "
			    "hosts, medical_ports, medical_hosts, allow");
		else if (strcmp(ks, "brute_force") == 0)
			ok = walk_mapping(l, v, ks, brute_key,
			    "window, failures");
		else if (strcmp(ks, "dhcp") == 0)
			ok = walk_mapping(l, v, ks, dhcp_key,
			    "window, starvation_macs, servers");
		else if (strcmp(ks, "internet") == 0)
			ok = walk_mapping(l, v, ks, internet_key,
			    "allow, allow_domains");
		else if (strcmp(ks, "device_types") == 0)
			ok = walk_mapping(l, v, ks, types_key,
			    "medical, life_critical");
		else if (strcmp(ks, "baseline") == 0)
			ok = walk_mapping(l, v, ks, baseline_key,
			    "volume_factor, volume_floor, hours_min_days, "
			    "type_min_assets");
		else if (strcmp(ks, "priors") == 0)
			ok = load_priors(l, v);
		else if (strcmp(ks, "indicators") == 0)
			ok = load_indicators(l, v);
		else if (strcmp(ks, "alerts") == 0)
			ok = walk_mapping(l, v, ks, alerts_key, "dedup_window, "
			    "burst, refill, max_keys, types");
		else {
			yamlfile_fail(&l->y, k, "unknown top-level key '%s' "
			    "(%s)", ks, TOP_KEYS);
			return false;
		}
		if (!ok)
			return false;
	}
	if (!have_version) {
		yamlfile_fail(&l->y, root, "no 'version'");
		return false;
	}
	return true;
}

static struct detect_config *
parse(const char *text, size_t len, const char *name, const char *dir,
    char *err, size_t errlen)
{
	struct ld l;

	memset(&l, 0, sizeof(l));
	if ((l.c = detect_config_new()) == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	(void)snprintf(l.dir, sizeof(l.dir), "%s", dir != NULL ? dir : "");
	if (yamlfile_parse(&l.y, text, len, name, err, errlen) == -1) {
		detect_config_free(l.c);
		return NULL;
	}
	if (!top(&l)) {
		yamlfile_done(&l.y);
		detect_config_free(l.c);
		return NULL;
	}
	yamlfile_done(&l.y);
	return l.c;
}

struct detect_config *
detect_config_parse(const char *text, size_t len, const char *name,
    char *err, size_t errlen)
{
	return parse(text, len, name, NULL, err, errlen);
}

struct detect_config *
detect_config_load(const char *path, char *err, size_t errlen)
{
	struct detect_config *c;
	char dir[512], *slash;
	size_t len;
	char *text;

	if ((text = yamlfile_read(path, POLICY_MAX_BYTES, &len, err,
	    errlen)) == NULL)
		return NULL;
	(void)snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else
		(void)snprintf(dir, sizeof(dir), ".");
	c = parse(text, len, path, dir, err, errlen);
	free(text);
	return c;
}
