/*
 * dept.c - departments and locations (dept.h): loading and checking the
 * YAML file, and finding an asset's department by its IPs and VLAN.
 *
 *	version: 1
 *	departments:
 *	  - name: Radiology
 *	    location: Building A, level 1	(optional)
 *	    building: A				(optional)
 *	    subnets: [10.77.0.16/28, fd00:77:0:10::/64]
 *	    vlans: [20]
 *
 * The file is read with libyaml's document API, which keeps the line of
 * every node, so each error names the file, the line and the key at fault
 * (as the fingerprint rules loader does).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "ward/asset.h"
#include "ward/dept.h"
#include "src/lib/yamlfile.h"

#define DEPT_FILE_MAX	(16u << 20)

struct subnet {
	struct ward_addr	 net;		/* host bits zero */
	int			 plen;
	size_t			 dept;		/* index in depts */
	unsigned int		 line;
};

struct vlan_map {
	uint16_t		 vlan;
	size_t			 dept;
	unsigned int		 line;
};

struct dept_map {
	struct dept		*depts;
	unsigned int		*lines;
	size_t			 n;
	struct subnet		*subnets;	/* longest prefix first */
	size_t			 nsubnets;
	struct vlan_map		*vlans;
	size_t			 nvlans;
};

static unsigned int
line_of(const yaml_node_t *n)
{
	return (unsigned int)n->start_mark.line + 1;
}

/* Zeroes the bits of a past plen; false when any was set. */
static bool
mask_host(struct ward_addr *a, int plen)
{
	int bytes = a->family == 4 ? 4 : 16;
	bool clean = true;

	for (int i = 0; i < bytes; i++) {
		int keep = plen - 8 * i;
		uint8_t m = keep >= 8 ? 0xff : keep <= 0 ? 0 :
		    (uint8_t)(0xff << (8 - keep));

		if (a->b[i] & ~m)
			clean = false;
		a->b[i] &= m;
	}
	return clean;
}

static bool
in_subnet(const struct ward_addr *ip, const struct subnet *s)
{
	int full = s->plen / 8, rest = s->plen % 8;

	if (ip->family != s->net.family)
		return false;
	if (memcmp(ip->b, s->net.b, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((ip->b[full] ^ s->net.b[full]) &
	    (uint8_t)(0xff << (8 - rest))) == 0;
}

/* "10.1.0.0/16" into s; a message for the caller on error. */
static const char *
parse_cidr(const char *text, struct subnet *s, char *fix, size_t fixlen)
{
	char buf[ADDR_STRLEN + 8], *slash, *end;
	long plen;

	if (strlen(text) >= sizeof(buf))
		return "is not a subnet like 10.1.0.0/16 or fd00::/64";
	memcpy(buf, text, strlen(text) + 1);
	if ((slash = strchr(buf, '/')) == NULL)
		return "has no prefix length (like 10.1.0.0/16)";
	*slash = '\0';
	if (addr_parse(buf, &s->net) == -1)
		return "is not a subnet like 10.1.0.0/16 or fd00::/64";
	errno = 0;
	plen = strtol(slash + 1, &end, 10);
	if (slash[1] == '\0' || *end != '\0' || errno != 0 || plen < 0 ||
	    plen > (s->net.family == 4 ? 32 : 128))
		return s->net.family == 4 ? "has a prefix length that is not "
		    "0 to 32" : "has a prefix length that is not 0 to 128";
	s->plen = (int)plen;
	if (!mask_host(&s->net, s->plen)) {
		char net[ADDR_STRLEN];

		(void)snprintf(fix, fixlen, "%s/%d", addr_fmt(&s->net, net,
		    sizeof(net)), s->plen);
		return "has host bits set";
	}
	return NULL;
}

static char *
text_field(struct yamlfile *l, yaml_node_t *v, const char *dept,
    const char *key)
{
	const char *s = yamlfile_scalar(v);
	char *d;

	if (s == NULL || *s == '\0' || strlen(s) >= DEPT_TEXT_MAX) {
		yamlfile_fail(l, v, "department '%s': '%s' must be a string of "
		    "1 to %d "
		    "characters", dept, key, DEPT_TEXT_MAX - 1);
		return NULL;
	}
	for (const char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			yamlfile_fail(l, v, "department '%s': '%s' has a "
			    "control "
			    "character", dept, key);
			return NULL;
		}
	if ((d = strdup(s)) == NULL)
		yamlfile_fail(l, v, "out of memory");
	return d;
}

static void
load_subnets(struct yamlfile *l, struct dept_map *m, size_t di,
    yaml_node_t *v)
{
	const char *dn = m->depts[di].name;
	size_t n = yamlfile_len(v);

	if (n == 0) {
		yamlfile_fail(l, v, "department '%s': 'subnets' wants a subnet "
		    "or a "
		    "list of subnets", dn);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *e = yamlfile_item(l, v, i);
		const char *s = yamlfile_scalar(e), *why;
		char fix[ADDR_STRLEN + 8] = "";
		struct subnet sn;

		memset(&sn, 0, sizeof(sn));
		if (s == NULL) {
			yamlfile_fail(l, e != NULL ? e : v, "department '%s': "
			    "'subnets' has an entry that is not a string", dn);
			return;
		}
		if ((why = parse_cidr(s, &sn, fix, sizeof(fix))) != NULL) {
			yamlfile_fail(l, e, "department '%s': 'subnets' entry "
			    "'%s' "
			    "%s%s%s%s", dn, s, why,
			    fix[0] ? " (did you mean " : "", fix,
			    fix[0] ? "?)" : "");
			return;
		}
		for (size_t j = 0; j < m->nsubnets; j++) {
			const struct subnet *o = &m->subnets[j];

			if (o->plen == sn.plen && addr_eq(&o->net, &sn.net)) {
				yamlfile_fail(l, e, "department '%s': "
				    "'subnets' entry "
				    "'%s' is already department '%s''s (line "
				    "%u)", dn, s, m->depts[o->dept].name,
				    o->line);
				return;
			}
		}
		sn.dept = di;
		sn.line = line_of(e);
		m->subnets[m->nsubnets++] = sn;
	}
}

static void
load_vlans(struct yamlfile *l, struct dept_map *m, size_t di, yaml_node_t *v)
{
	const char *dn = m->depts[di].name;
	size_t n = yamlfile_len(v);

	if (n == 0 || n > 4094) {
		yamlfile_fail(l, v, "department '%s': 'vlans' wants a VLAN id "
		    "or a list "
		    "of them", dn);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		yaml_node_t *e = yamlfile_item(l, v, i);
		const char *s = yamlfile_scalar(e);
		char *end;
		long id;

		errno = 0;
		if (s == NULL || (id = strtol(s, &end, 10), errno != 0) ||
		    end == s || *end != '\0' || id < 1 || id > 4094) {
			yamlfile_fail(l, e != NULL ? e : v, "department '%s': "
			    "'vlans' "
			    "entry '%s' is not a VLAN id from 1 to 4094", dn,
			    s != NULL ? s : "?");
			return;
		}
		for (size_t j = 0; j < m->nvlans; j++)
			if (m->vlans[j].vlan == id) {
				yamlfile_fail(l, e, "department '%s': VLAN %ld "
				    "is "
				    "already department '%s''s (line %u)", dn,
				    id, m->depts[m->vlans[j].dept].name,
				    m->vlans[j].line);
				return;
			}
		m->vlans[m->nvlans].vlan = (uint16_t)id;
		m->vlans[m->nvlans].dept = di;
		m->vlans[m->nvlans].line = line_of(e);
		m->nvlans++;
	}
}

static void
load_dept(struct yamlfile *l, struct dept_map *m, yaml_node_t *node)
{
	struct dept *d = &m->depts[m->n];
	yaml_node_pair_t *pr;
	yaml_node_t *subnets = NULL, *vlans = NULL;
	char *name = NULL;

	if (node->type != YAML_MAPPING_NODE) {
		yamlfile_fail(l, node, "a department must be a mapping with "
		    "'name' and "
		    "'subnets' or 'vlans'");
		return;
	}
	/* The name first, so that every message can say which department. */
	for (pr = node->data.mapping.pairs.start;
	    pr < node->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(&l->doc, pr->key);
		yaml_node_t *v = yaml_document_get_node(&l->doc, pr->value);
		const char *ks = yamlfile_scalar(k);

		if (ks == NULL || strcmp(ks, "name") != 0)
			continue;
		if (name != NULL) {
			yamlfile_fail(l, k, "department '%s': 'name' given "
			    "twice", name);
			free(name);
			return;
		}
		if ((name = text_field(l, v, "?", "name")) == NULL)
			return;
		for (size_t i = 0; i < m->n; i++)
			if (strcmp(m->depts[i].name, name) == 0) {
				yamlfile_fail(l, v, "department '%s' is "
				    "already defined "
				    "on line %u", name, m->lines[i]);
				free(name);
				return;
			}
	}
	if (name == NULL) {
		yamlfile_fail(l, node, "department without a 'name'");
		return;
	}
	d->name = name;
	m->lines[m->n] = line_of(node);
	m->n++;		/* owned by the map from here */
	for (pr = node->data.mapping.pairs.start;
	    pr < node->data.mapping.pairs.top && !l->failed; pr++) {
		yaml_node_t *k = yaml_document_get_node(&l->doc, pr->key);
		yaml_node_t *v = yaml_document_get_node(&l->doc, pr->value);
		const char *ks = yamlfile_scalar(k);

		if (ks == NULL) {
			yamlfile_fail(l, k, "department '%s': a key must be a "
			    "string",
			    name);
		} else if (strcmp(ks, "name") == 0) {
			continue;
		} else if (yamlfile_repeated(l, node, pr)) {
			/* A second one would leak or replace the first. */
			yamlfile_fail(l, k, "department '%s': '%s' given twice",
			    name, ks);
		} else if (strcmp(ks, "location") == 0) {
			d->location = text_field(l, v, name, ks);
		} else if (strcmp(ks, "building") == 0) {
			d->building = text_field(l, v, name, ks);
		} else if (strcmp(ks, "subnets") == 0) {
			subnets = v;
		} else if (strcmp(ks, "vlans") == 0) {
			vlans = v;
		} else {
			yamlfile_fail(l, k, "department '%s': unknown key '%s' "
			    "(name, "
			    "location, building, subnets, vlans)", name, ks);
		}
	}
	if (l->failed)
		return;
	if (subnets == NULL && vlans == NULL) {
		yamlfile_fail(l, node, "department '%s': neither 'subnets' nor "
		    "'vlans'",
		    name);
		return;
	}
	if (subnets != NULL)
		load_subnets(l, m, m->n - 1, subnets);
	if (vlans != NULL && !l->failed)
		load_vlans(l, m, m->n - 1, vlans);
}

/* Counts what the file holds, so that arrays are allocated once. */
static void
count(struct yamlfile *l, yaml_node_t *list, size_t *nsub, size_t *nvlan)
{
	*nsub = *nvlan = 0;
	for (yaml_node_item_t *it = list->data.sequence.items.start;
	    it < list->data.sequence.items.top; it++) {
		yaml_node_t *d = yaml_document_get_node(&l->doc, *it);

		if (d == NULL || d->type != YAML_MAPPING_NODE)
			continue;
		for (yaml_node_pair_t *pr = d->data.mapping.pairs.start;
		    pr < d->data.mapping.pairs.top; pr++) {
			const char *ks = yamlfile_scalar(
			    yaml_document_get_node(&l->doc, pr->key));
			yaml_node_t *v = yaml_document_get_node(&l->doc,
			    pr->value);

			if (ks == NULL || v == NULL)
				continue;
			if (strcmp(ks, "subnets") == 0)
				*nsub += yamlfile_len(v);
			else if (strcmp(ks, "vlans") == 0)
				*nvlan += yamlfile_len(v);
		}
	}
}

static void
load_top(struct yamlfile *l, struct dept_map *m)
{
	yaml_node_t *list;
	size_t n, nsub, nvlan;

	if ((list = yamlfile_top(l, "departments", "departments",
	    "version, departments", NULL, NULL)) == NULL)
		return;
	n = yamlfile_len(list);
	if (n > DEPT_MAX) {
		yamlfile_fail(l, list, "more than %d departments", DEPT_MAX);
		return;
	}
	count(l, list, &nsub, &nvlan);
	if (nsub > DEPT_SUBNETS_MAX) {
		yamlfile_fail(l, list, "more than %d "
		    "subnets", DEPT_SUBNETS_MAX);
		return;
	}
	if (nvlan > DEPT_MAX * 4) {
		yamlfile_fail(l, list, "more than %d VLAN ids", DEPT_MAX * 4);
		return;
	}
	if ((n > 0 && ((m->depts = calloc(n, sizeof(*m->depts))) == NULL ||
	    (m->lines = calloc(n, sizeof(*m->lines))) == NULL)) ||
	    (nsub > 0 && (m->subnets = calloc(nsub,
	    sizeof(*m->subnets))) == NULL) ||
	    (nvlan > 0 && (m->vlans = calloc(nvlan,
	    sizeof(*m->vlans))) == NULL)) {
		yamlfile_fail(l, list, "out of memory");
		return;
	}
	for (size_t i = 0; i < n && !l->failed; i++)
		load_dept(l, m, yamlfile_item(l, list, i));
}

static int
subnet_cmp(const void *x, const void *y)
{
	const struct subnet *a = x, *b = y;

	if (a->plen != b->plen)
		return b->plen - a->plen;
	return a->line < b->line ? -1 : a->line > b->line;
}

struct dept_map *
dept_parse(const char *text, size_t len, const char *name, char *err,
    size_t errlen)
{
	struct yamlfile l;
	struct dept_map *m;

	if (yamlfile_parse(&l, text, len, name, err, errlen) == -1)
		return NULL;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		yamlfile_fail(&l, NULL, "out of memory");
	else
		load_top(&l, m);
	yamlfile_done(&l);
	if (l.failed) {
		dept_free(m);
		return NULL;
	}
	if (m->nsubnets > 1)
		qsort(m->subnets, m->nsubnets, sizeof(*m->subnets),
		    subnet_cmp);
	return m;
}

struct dept_map *
dept_load(const char *path, char *err, size_t errlen)
{
	struct dept_map *m;
	size_t n;
	char *buf;

	if ((buf = yamlfile_read(path, DEPT_FILE_MAX, &n, err, errlen)) ==
	    NULL)
		return NULL;
	m = dept_parse(buf, n, path, err, errlen);
	free(buf);
	return m;
}

void
dept_free(struct dept_map *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free((char *)(uintptr_t)m->depts[i].name);
		free((char *)(uintptr_t)m->depts[i].location);
		free((char *)(uintptr_t)m->depts[i].building);
	}
	free(m->depts);
	free(m->lines);
	free(m->subnets);
	free(m->vlans);
	free(m);
}

size_t
dept_count(const struct dept_map *m)
{
	return m != NULL ? m->n : 0;
}

static const struct subnet *
subnet_of(const struct dept_map *m, const struct ward_addr *ip)
{
	/* Sorted longest prefix first: the first hit is the most specific. */
	for (size_t i = 0; i < m->nsubnets; i++)
		if (in_subnet(ip, &m->subnets[i]))
			return &m->subnets[i];
	return NULL;
}

const struct dept *
dept_by_ip(const struct dept_map *m, const struct ward_addr *ip, int *plen)
{
	const struct subnet *s;

	if (m == NULL || ip == NULL || ip->family == 0 ||
	    (s = subnet_of(m, ip)) == NULL)
		return NULL;
	if (plen != NULL)
		*plen = s->plen;
	return &m->depts[s->dept];
}

const struct dept *
dept_by_vlan(const struct dept_map *m, uint16_t vlan)
{
	if (m == NULL || vlan == 0)
		return NULL;
	for (size_t i = 0; i < m->nvlans; i++)
		if (m->vlans[i].vlan == vlan)
			return &m->depts[m->vlans[i].dept];
	return NULL;
}

const struct dept *
dept_of_asset(const struct dept_map *m, const struct asset *a, char *how,
    size_t howlen)
{
	const struct subnet *best = NULL, *s;
	const struct dept *d;
	char net[ADDR_STRLEN];

	if (m == NULL)
		return NULL;
	for (size_t i = 0; i < a->nips; i++)
		if ((s = subnet_of(m, &a->ips[i].addr)) != NULL &&
		    (best == NULL || s->plen > best->plen))
			best = s;
	if (best == NULL && !a->by_mac && (s = subnet_of(m, &a->key_ip)) !=
	    NULL)
		best = s;
	if (best != NULL) {
		if (how != NULL)
			(void)snprintf(how, howlen, "%s/%d", addr_fmt(
			    &best->net, net, sizeof(net)), best->plen);
		return &m->depts[best->dept];
	}
	if ((d = dept_by_vlan(m, a->vlan)) != NULL && how != NULL)
		(void)snprintf(how, howlen, "vlan %u", a->vlan);
	return d;
}
