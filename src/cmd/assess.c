/*
 * assess.c - vulnerability matching and risk over the store (docs/vuln.md):
 * what ward analyze does at the end of a run and ward vuln update after
 * reading new feeds.
 *
 * The stored assets are read first (their identity and attributes add up
 * every run, unlike one run's inventory), their components kept; then,
 * in one transaction, each component is matched against the advisories
 * the store indexes under its keys, each asset's findings replaced, and
 * each asset's risk computed from its findings, exposures and open
 * alerts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "ward/error.h"
#include "ward/log.h"
#include "ward/vuln.h"
#include "ward/vulnmatch.h"
#include "ward-config.h"
#include "cmd.h"

#define ASSESS_FINDINGS_MAX	256	/* per asset */

struct assessed {
	char			 key[ADDR_STRLEN];
	char			 type[IDENT_VALUE_MAX];
	struct vuln_component	*comp;
	size_t			 ncomp;
};

struct walk {
	struct assessed		*v;
	size_t			 n, cap;
	bool			 nomem;
};

static int
collect(const struct asset *a, void *arg)
{
	struct walk *w = arg;
	struct vuln_component comp[VULN_COMP_MAX];
	struct assessed *x;

	if (w->n == w->cap) {
		size_t ncap = w->cap ? 2 * w->cap : 256;
		struct assessed *t = realloc(w->v, ncap * sizeof(*t));

		if (t == NULL) {
			w->nomem = true;
			return 1;
		}
		w->v = t;
		w->cap = ncap;
	}
	x = &w->v[w->n];
	memset(x, 0, sizeof(*x));
	(void)asset_key(a, x->key, sizeof(x->key));
	if (a->ident != NULL)
		snprintf(x->type, sizeof(x->type), "%s",
		    a->ident->value[IDENT_TYPE]);
	x->ncomp = vuln_components(a, comp, VULN_COMP_MAX);
	if (x->ncomp > 0) {
		if ((x->comp = malloc(x->ncomp * sizeof(*comp))) == NULL) {
			w->nomem = true;
			return 1;
		}
		memcpy(x->comp, comp, x->ncomp * sizeof(*comp));
	}
	w->n++;
	return 0;
}

/*
 * The candidates of a component depend only on its vendor and product:
 * devices of one model share them. A small cache saves reading the same
 * advisories for each (a GE model has dozens of CISA advisories).
 */
#define ASSESS_CACHE	64

struct cand_cache {
	struct {
		char		 vendor[VULN_COMP_NAME];
		char		 product[VULN_COMP_NAME];
		struct vuln_list l;
		bool		 used;
	} e[ASSESS_CACHE];
	size_t		 next;		/* the slot to replace */
};

static void
cache_clear(struct cand_cache *c)
{
	for (size_t i = 0; i < ASSESS_CACHE; i++)
		if (c->e[i].used)
			vuln_list_clear(&c->e[i].l);
}

/* The candidates of c, from the cache or the store; NULL on error. */
static const struct vuln_list *
candidates(struct store *s, const struct vuln_aliases *al,
    struct cand_cache *cache, const struct vuln_component *c, int *ret)
{
	struct vuln_keys k;
	size_t slot;

	for (size_t i = 0; i < ASSESS_CACHE; i++)
		if (cache->e[i].used &&
		    strcmp(cache->e[i].vendor, c->vendor) == 0 &&
		    strcmp(cache->e[i].product, c->product) == 0)
			return &cache->e[i].l;
	slot = cache->next++ % ASSESS_CACHE;
	if (cache->e[slot].used)
		vuln_list_clear(&cache->e[slot].l);
	vuln_list_init(&cache->e[slot].l);
	cache->e[slot].used = true;
	snprintf(cache->e[slot].vendor, VULN_COMP_NAME, "%s", c->vendor);
	snprintf(cache->e[slot].product, VULN_COMP_NAME, "%s", c->product);
	vuln_component_keys(al, c, &k);
	if ((*ret = store_vuln_candidates(s, &k, &cache->e[slot].l)) != 0) {
		vuln_list_clear(&cache->e[slot].l);
		cache->e[slot].used = false;
		return NULL;
	}
	return &cache->e[slot].l;
}

/* A match on its way to the store, with the feeds that agree. */
struct pending {
	struct vuln_match	 m;
	size_t			 comp;
	char			 feeds[512];
};

static void
feed_label(const struct vuln_advisory *a, char *buf, size_t len)
{
	if (a->origin == VULN_NVD || a->source == NULL)
		snprintf(buf, len, "%s", vuln_origin_name(a->origin));
	else
		snprintf(buf, len, "%s %s", vuln_origin_name(a->origin),
		    a->source);
}

/*
 * Keeps the best match per advisory id (one finding per CVE and device,
 * whichever component it came through), merging feeds.
 */
static void
add_pending(struct pending *p, size_t *n, const struct vuln_match *m,
    size_t comp)
{
	char label[256];

	feed_label(m->adv, label, sizeof(label));
	for (size_t i = 0; i < *n; i++) {
		struct pending *q = &p[i];
		size_t len;

		if (strcmp(q->m.adv->id, m->adv->id) != 0)
			continue;
		len = strlen(q->feeds);
		if (strstr(q->feeds, label) == NULL && len < sizeof(q->feeds))
			snprintf(q->feeds + len, sizeof(q->feeds) - len,
			    "; %s", label);
		if ((m->status == VULN_AFFECTED &&
		    q->m.status != VULN_AFFECTED) ||
		    (m->status == q->m.status &&
		    m->confidence > q->m.confidence)) {
			q->m = *m;
			q->comp = comp;
		}
		return;
	}
	if (*n >= ASSESS_FINDINGS_MAX)
		return;
	p[*n].m = *m;
	p[*n].comp = comp;
	snprintf(p[*n].feeds, sizeof(p[*n].feeds), "%s", label);
	(*n)++;
}

/* Matches one asset; fills its findings' weights for the risk. */
/* The advisory ids an asset's stored findings name (before replacing). */
struct known {
	char		(*id)[VULN_NAME_MAX];
	size_t		 n;
};

static int
known_add(const struct store_vuln_finding *f, void *arg)
{
	struct known *k = arg;

	if (k->n < ASSESS_FINDINGS_MAX)
		snprintf(k->id[k->n++], VULN_NAME_MAX, "%s", f->advisory);
	return 0;
}

static bool
known_has(const struct known *k, const char *id)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->id[i], id) == 0)
			return true;
	return false;
}

static int
match_asset(struct store *s, const struct vuln_aliases *al,
    struct cand_cache *cache, const struct assessed *x, uint64_t now,
    double *weights, size_t *nw, json_t *items, struct assess_stats *st,
    assess_new_fn on_new, void *arg)
{
	struct known known = { 0 };
	struct pending *p;
	struct store_vuln_finding *f;
	char (*comp_name)[2 * VULN_COMP_NAME + 2];
	size_t n = 0;
	int ret = 0;

	*nw = 0;
	p = calloc(ASSESS_FINDINGS_MAX, sizeof(*p));
	f = calloc(ASSESS_FINDINGS_MAX, sizeof(*f));
	comp_name = calloc(VULN_COMP_MAX, sizeof(*comp_name));
	if (p == NULL || f == NULL || comp_name == NULL) {
		ret = WARD_ENOMEM;
		goto out;
	}
	for (size_t c = 0; c < x->ncomp; c++) {
		const struct vuln_list *l;

		if ((l = candidates(s, al, cache, &x->comp[c], &ret)) == NULL)
			goto out;
		for (size_t i = 0; i < l->n; i++) {
			struct vuln_match m;

			if (vuln_match(al, &x->comp[c], l->v[i], &m))
				add_pending(p, &n, &m, c);
		}
		snprintf(comp_name[c], sizeof(comp_name[c]), "%s %s",
		    x->comp[c].vendor, x->comp[c].product);
	}
	for (size_t i = 0; i < n; i++) {
		const struct vuln_match *m = &p[i].m;
		const struct vuln_component *c = &x->comp[p[i].comp];
		const char *sev = m->adv->severity != VULN_SEV_NONE ?
		    vuln_severity_name(m->adv->severity) : NULL;

		f[i] = (struct store_vuln_finding){
			.advisory = m->adv->id,
			.component = comp_name[p[i].comp],
			.status = vuln_status_name(m->status),
			.confidence = m->confidence,
			.version = c->version[0] != '\0' ? c->version : NULL,
			.source = c->source,
			.evidence = c->evidence,
			.reason = m->why,
			.title = m->adv->title,
			.severity = sev,
			.score = m->adv->score,
			.fixed = m->product->fixed,
			.remediation = m->adv->remediation,
			.feeds = p[i].feeds,
		};
		weights[*nw] = vuln_risk_vuln_weight(m->adv->score, sev,
		    m->confidence, m->status);
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:f}",
		    "id", m->adv->id, "component", comp_name[p[i].comp],
		    "status", vuln_status_name(m->status),
		    "weight", weights[*nw]));
		(*nw)++;
		if (m->status == VULN_AFFECTED)
			st->affected++;
		else
			st->potential++;
	}
	if (n > 0)
		st->assets_vulnerable++;
	if (on_new != NULL && n > 0) {
		if ((known.id = calloc(ASSESS_FINDINGS_MAX,
		    sizeof(*known.id))) == NULL) {
			ret = WARD_ENOMEM;
			goto out;
		}
		if ((ret = store_vuln_foreach_finding(s, x->key, known_add,
		    &known)) != 0)
			goto out;
	}
	for (size_t i = 0; i < n; i++)
		f[i].asset = x->key;
	if ((ret = store_vuln_put_findings(s, x->key, f, n, now)) != 0)
		goto out;
	for (size_t i = 0; on_new != NULL && i < n; i++) {
		if (known_has(&known, f[i].advisory))
			continue;
		f[i].first = f[i].last = now;
		on_new(&f[i], arg);
	}
out:
	free(known.id);
	free(p);
	free(f);
	free(comp_name);
	return ret;
}

struct exp_walk {
	double	*w;
	size_t	 n;
	json_t	*items;
};

static int
exp_weight(const struct store_exposure *e, void *arg)
{
	struct exp_walk *x = arg;
	double w = vuln_risk_severity_weight(e->severity);
	json_t *o;

	if (x->n >= ASSESS_FINDINGS_MAX)
		return 0;
	x->w[x->n++] = w;
	o = json_pack("{s:s, s:s, s:i, s:f}", "kind", e->kind, "severity",
	    e->severity, "port", e->port, "weight", w);
	if (o != NULL)
		json_array_append_new(x->items, o);
	return 0;
}

static json_t *
term(double value, size_t n, json_t *items)
{
	return json_pack("{s:f, s:i, s:o}", "value", value, "count", (int)n,
	    "items", items);
}

/* Computes and stores one asset's risk. */
static int
risk_asset(struct store *s, const struct detect_config *cfg,
    const struct assessed *x, const double *vw, size_t nvw, json_t *vitems,
    uint64_t now)
{
	static const char *const sev[5] = { "info", "low", "medium", "high",
	    "critical" };
	double ew[ASSESS_FINDINGS_MAX], aw[64];
	struct exp_walk ex = { .w = ew };
	int64_t counts[5];
	struct vuln_risk r;
	json_t *doc, *alerts = json_object();
	char *text;
	size_t na = 0;
	int ret;
	bool life = cfg != NULL && x->type[0] != '\0' &&
	    str_list_has(&cfg->life_critical_types, x->type);
	bool medical = cfg != NULL && x->type[0] != '\0' &&
	    str_list_has(&cfg->medical_types, x->type);

	if ((ex.items = json_array()) == NULL || alerts == NULL) {
		json_decref(ex.items);
		json_decref(alerts);
		return WARD_ENOMEM;
	}
	if ((ret = store_foreach_exposure(s, x->key, exp_weight, &ex)) != 0 ||
	    (ret = store_alert_open_counts(s, x->key, counts)) != 0) {
		json_decref(ex.items);
		json_decref(alerts);
		return ret;
	}
	for (int i = 0; i < 5; i++) {
		if (counts[i] > 0)
			json_object_set_new(alerts, sev[i],
			    json_integer(counts[i]));
		for (int64_t k = 0; k < counts[i] && na < 64; k++)
			aw[na++] = vuln_risk_severity_weight(sev[i]);
	}
	vuln_risk_compute(&r, vw, nvw, ew, ex.n, aw, na, life, medical,
	    vuln_type_clinical(x->type));
	doc = json_pack("{s:f, s:s, s:{s:f, s:s, s:s?}, s:o,"
	    " s:o, s:{s:f, s:o}}",
	    "score", r.score,
	    "formula", "(45 V + 35 E + 20 A) x (0.6 + 0.4 C)",
	    "criticality", "value", r.criticality, "why", r.criticality_why,
	    "type", x->type[0] != '\0' ? x->type : NULL,
	    "vulnerabilities", term(r.vulns, nvw, json_incref(vitems)),
	    "exposures", term(r.exposures, ex.n, ex.items),
	    "alerts", "value", r.alerts, "open", alerts);
	if (doc == NULL || (text = json_dumps(doc, JSON_COMPACT |
	    JSON_SORT_KEYS | JSON_REAL_PRECISION(4))) == NULL) {
		json_decref(doc);
		return WARD_ENOMEM;
	}
	ret = store_put_risk(s, &(struct store_risk){ .asset = x->key,
	    .score = r.score, .terms = text, .time = now });
	free(text);
	json_decref(doc);
	return ret;
}

int
assess_store(struct store *s, const struct vuln_aliases *al,
    const struct detect_config *cfg, uint64_t now, struct assess_stats *st,
    assess_new_fn on_new, void *arg)
{
	struct walk w = { 0 };
	struct cand_cache *cache = NULL;
	double *vw = NULL;
	int ret;

	memset(st, 0, sizeof(*st));
	if ((ret = store_foreach_asset(s, collect, &w)) != 0 || w.nomem) {
		if (w.nomem)
			ret = WARD_ENOMEM;
		goto out;
	}
	if ((vw = calloc(ASSESS_FINDINGS_MAX, sizeof(*vw))) == NULL ||
	    (cache = calloc(1, sizeof(*cache))) == NULL) {
		ret = WARD_ENOMEM;
		goto out;
	}
	if ((ret = store_begin(s)) != 0)
		goto out;
	for (size_t i = 0; i < w.n && ret == 0; i++) {
		json_t *items = json_array();
		size_t nvw = 0;

		if (items == NULL) {
			ret = WARD_ENOMEM;
			break;
		}
		ret = match_asset(s, al, cache, &w.v[i], now, vw, &nvw, items,
		    st, on_new, arg);
		if (ret == 0)
			ret = risk_asset(s, cfg, &w.v[i], vw, nvw, items, now);
		json_decref(items);
		st->assets++;
	}
	if (ret == 0)
		ret = store_commit(s);
	else
		store_rollback(s);
out:
	for (size_t i = 0; i < w.n; i++)
		free(w.v[i].comp);
	free(w.v);
	free(vw);
	if (cache != NULL)
		cache_clear(cache);
	free(cache);
	return ret;
}

struct vuln_aliases *
assess_aliases(const char *path)
{
	struct vuln_aliases *al;
	char err[512];
	bool given = path != NULL;

	if (path == NULL)
		path = access(WARD_ALIASES_FILE, R_OK) == 0 ?
		    WARD_ALIASES_FILE : WARD_ALIASES_SRC;
	if ((al = vuln_alias_load(path, err, sizeof(err))) == NULL)
		log_warn("%s%s", err, given ? "" :
		    "; advisories will match by vendor names only");
	return al;
}
