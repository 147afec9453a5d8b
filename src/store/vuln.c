/*
 * vuln.c - the store's vulnerability tables (migration 5; store.h,
 * docs/store.md): feed files and their advisories, the candidates for a
 * component, and per asset the matches, exposures and risk.
 *
 * Statements are prepared per call: these run once per feed, per asset
 * and per command, not per packet.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "ward/error.h"
#include "ward/store.h"
#include "ward/vuln.h"
#include "ward/vulnmatch.h"
#include "store-private.h"

static int
step_done(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : store_fail(s, what);
}

static int
put_products(struct store *s, sqlite3_stmt *st, int64_t adv,
    const struct vuln_advisory *a)
{
	for (size_t i = 0; i < a->nproducts; i++) {
		const struct vuln_product *p = &a->products[i];
		char cpe[2 * VULN_NAME_MAX + 2], vkey[VULN_NAME_MAX];
		int ret;

		cpe[0] = '\0';
		if (p->cpe != NULL)
			snprintf(cpe, sizeof(cpe), "%s", p->cpe);
		else if (a->origin == VULN_NVD && p->vendor != NULL &&
		    p->product != NULL)
			snprintf(cpe, sizeof(cpe), "%s:%s", p->vendor,
			    p->product);
		vuln_vendor_key(p->vendor, vkey, sizeof(vkey));
		sqlite3_bind_int64(st, 1, adv);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		store_bind_str(st, 3, p->vendor);
		store_bind_str(st, 4, p->product);
		store_bind_str(st, 5, cpe[0] != '\0' ? cpe : NULL);
		store_bind_str(st, 6, p->vendor != NULL ? vkey : NULL);
		store_bind_str(st, 7, p->range.exact);
		store_bind_str(st, 8, p->range.start);
		store_bind_str(st, 9, p->range.end);
		store_bind_str(st, 10, p->range.text);
		sqlite3_bind_int(st, 11, (int)p->range.flags);
		store_bind_str(st, 12, p->fixed);
		sqlite3_bind_int(st, 13, p->affected);
		store_bind_str(st, 14, p->platform);
		store_bind_str(st, 15, p->purl);
		if ((ret = step_done(s, st, "vuln: adding a product")) != 0)
			return ret;
	}
	return 0;
}

int
store_vuln_put_feed(struct store *s, const struct store_vuln_feed *f,
    const struct vuln_list *l)
{
	sqlite3_stmt *del = NULL, *feed = NULL, *adv = NULL, *prod = NULL;
	bool own;
	int64_t feed_id;
	int ret;

	if ((ret = store_begin_own(s, &own)) != 0)
		return ret;
	if ((ret = store_prep(s, "DELETE FROM vuln_feeds WHERE name = ?1",
	    &del)) != 0 || (ret = store_prep(s, "INSERT INTO vuln_feeds"
	    " (name, origin, sha256, loaded, advisories)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)", &feed)) != 0 ||
	    (ret = store_prep(s, "INSERT INTO advisories (feed, name, origin,"
	    " source, title, summary, remediation, score, severity)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", &adv)) != 0 ||
	    (ret = store_prep(s, "INSERT INTO advisory_products (advisory,"
	    " seq, vendor, product, cpe, vendor_key, exact, start, end_, text,"
	    " flags, fixed, affected, platform, purl) VALUES (?1, ?2, ?3, ?4,"
	    " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)", &prod)) != 0)
		goto out;
	store_bind_str(del, 1, f->name);
	if ((ret = step_done(s, del, "vuln: replacing a feed")) != 0)
		goto out;
	store_bind_str(feed, 1, f->name);
	store_bind_str(feed, 2, f->origin);
	store_bind_str(feed, 3, f->sha256);
	sqlite3_bind_int64(feed, 4, (int64_t)f->loaded);
	sqlite3_bind_int64(feed, 5, (int64_t)l->n);
	if ((ret = step_done(s, feed, "vuln: adding a feed")) != 0)
		goto out;
	feed_id = sqlite3_last_insert_rowid(store_sqlite(s));
	for (size_t i = 0; i < l->n; i++) {
		const struct vuln_advisory *a = l->v[i];

		sqlite3_bind_int64(adv, 1, feed_id);
		store_bind_str(adv, 2, a->id);
		store_bind_str(adv, 3, vuln_origin_name(a->origin));
		store_bind_str(adv, 4, a->source);
		store_bind_str(adv, 5, a->title);
		store_bind_str(adv, 6, a->summary);
		store_bind_str(adv, 7, a->remediation);
		if (a->score >= 0)
			sqlite3_bind_double(adv, 8, a->score);
		else
			sqlite3_bind_null(adv, 8);
		store_bind_str(adv, 9, a->severity != VULN_SEV_NONE ?
		    vuln_severity_name(a->severity) : NULL);
		if ((ret = step_done(s, adv, "vuln: adding an advisory")) != 0 ||
		    (ret = put_products(s, prod,
		    sqlite3_last_insert_rowid(store_sqlite(s)), a)) != 0)
			goto out;
	}
out:
	sqlite3_finalize(del);
	sqlite3_finalize(feed);
	sqlite3_finalize(adv);
	sqlite3_finalize(prod);
	return store_end_own(s, own, ret);
}

int
store_vuln_feed_sha(struct store *s, const char *name, char *sha, size_t len)
{
	sqlite3_stmt *st;
	int ret, rc;

	if ((ret = store_prep(s, "SELECT sha256 FROM vuln_feeds"
	    " WHERE name = ?1", &st)) != 0)
		return ret;
	store_bind_str(st, 1, name);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		snprintf(sha, len, "%s", store_col_s(st, 0) != NULL ?
		    store_col_s(st, 0) : "");
	else
		ret = rc == SQLITE_DONE ? WARD_ENOTFOUND :
		    store_fail(s, "vuln: reading a feed");
	sqlite3_finalize(st);
	return ret;
}

int
store_vuln_drop_feed(struct store *s, const char *name)
{
	sqlite3_stmt *st;
	int ret;

	if ((ret = store_prep(s, "DELETE FROM vuln_feeds WHERE name = ?1",
	    &st)) != 0)
		return ret;
	store_bind_str(st, 1, name);
	ret = step_done(s, st, "vuln: removing a feed");
	if (ret == 0 && sqlite3_changes(store_sqlite(s)) == 0)
		ret = WARD_ENOTFOUND;
	sqlite3_finalize(st);
	return ret;
}

int
store_vuln_foreach_feed(struct store *s, store_vuln_feed_fn fn, void *arg)
{
	sqlite3_stmt *st;
	struct store_vuln_feed f;
	int ret, rc;

	if ((ret = store_prep(s, "SELECT name, origin, sha256, loaded,"
	    " advisories FROM vuln_feeds ORDER BY name", &st)) != 0)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		f.name = store_col_s(st, 0);
		f.origin = store_col_s(st, 1);
		f.sha256 = store_col_s(st, 2);
		f.loaded = store_col_u(st, 3);
		f.advisories = sqlite3_column_int64(st, 4);
		if ((ret = fn(&f, arg)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = store_fail(s, "vuln: listing feeds");
	sqlite3_finalize(st);
	return ret;
}

static int
dup_col(sqlite3_stmt *st, int i, char **out)
{
	const char *v = store_col_s(st, i);

	*out = NULL;
	if (v == NULL)
		return 0;
	return (*out = strdup(v)) == NULL ? -1 : 0;
}

/* Reads advisory id (row) whole into a new advisory. */
static int
load_advisory(struct store *s, sqlite3_stmt *ah, sqlite3_stmt *ph,
    int64_t id, struct vuln_list *l)
{
	struct vuln_advisory *a = NULL;
	int rc, ret = 0;

	sqlite3_bind_int64(ah, 1, id);
	if ((rc = sqlite3_step(ah)) != SQLITE_ROW) {
		sqlite3_reset(ah);
		return rc == SQLITE_DONE ? 0 :
		    store_fail(s, "vuln: reading an advisory");
	}
	if ((a = vuln_advisory_new((enum vuln_origin)
	    (vuln_origin_parse(store_col_s(ah, 1)) < 0 ? VULN_NVD :
	    vuln_origin_parse(store_col_s(ah, 1))))) == NULL ||
	    dup_col(ah, 0, &a->id) == -1 || dup_col(ah, 2, &a->source) == -1 ||
	    dup_col(ah, 3, &a->title) == -1 ||
	    dup_col(ah, 4, &a->summary) == -1 ||
	    dup_col(ah, 5, &a->remediation) == -1)
		goto nomem;
	a->score = sqlite3_column_type(ah, 6) == SQLITE_NULL ? -1 :
	    sqlite3_column_double(ah, 6);
	rc = store_col_s(ah, 7) != NULL ?
	    vuln_severity_parse(store_col_s(ah, 7)) : -1;
	a->severity = rc < 0 ? VULN_SEV_NONE : (enum vuln_severity)rc;
	sqlite3_reset(ah);
	sqlite3_bind_int64(ph, 1, id);
	while ((rc = sqlite3_step(ph)) == SQLITE_ROW) {
		struct vuln_product *p = vuln_advisory_add_product(a);

		if (p == NULL || dup_col(ph, 0, &p->vendor) == -1 ||
		    dup_col(ph, 1, &p->product) == -1 ||
		    dup_col(ph, 2, &p->range.exact) == -1 ||
		    dup_col(ph, 3, &p->range.start) == -1 ||
		    dup_col(ph, 4, &p->range.end) == -1 ||
		    dup_col(ph, 5, &p->range.text) == -1 ||
		    dup_col(ph, 7, &p->fixed) == -1 ||
		    dup_col(ph, 9, &p->cpe) == -1 ||
		    dup_col(ph, 10, &p->platform) == -1 ||
		    dup_col(ph, 11, &p->purl) == -1)
			goto nomem;
		p->range.flags = (unsigned)sqlite3_column_int(ph, 6);
		p->affected = sqlite3_column_int(ph, 8) != 0;
	}
	sqlite3_reset(ph);
	if (rc != SQLITE_DONE) {
		vuln_advisory_free(a);
		return store_fail(s, "vuln: reading products");
	}
	if (vuln_list_add(l, a) == -1)
		goto nomem;
	return ret;
nomem:
	sqlite3_reset(ah);
	sqlite3_reset(ph);
	vuln_advisory_free(a);
	store_fail_msg(s, "vuln: out of memory reading advisories");
	return WARD_ENOMEM;
}

/* Appends the advisory rows q yields (each once) to *ids. */
static int
collect_ids(struct store *s, sqlite3_stmt *q, int64_t **ids, size_t *n,
    size_t *cap)
{
	int rc;

	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(q, 0);
		bool seen = false;

		for (size_t j = 0; j < *n && !seen; j++)
			seen = (*ids)[j] == id;
		if (seen)
			continue;
		if (*n == *cap) {
			size_t ncap = *cap ? 2 * *cap : 64;
			int64_t *t = realloc(*ids, ncap * sizeof(*t));

			if (t == NULL) {
				sqlite3_reset(q);
				store_fail_msg(s, "vuln: out of memory");
				return WARD_ENOMEM;
			}
			*ids = t;
			*cap = ncap;
		}
		(*ids)[(*n)++] = id;
	}
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? 0 : store_fail(s, "vuln: finding candidates");
}

int
store_vuln_candidates(struct store *s, const struct vuln_keys *k,
    struct vuln_list *l)
{
	/* One indexed lookup per key: an OR of both would scan. */
	sqlite3_stmt *qc = NULL, *qv = NULL, *qi = NULL, *ah = NULL, *ph = NULL;
	int64_t *ids = NULL;
	size_t nids = 0, cap = 0;
	int ret;

	if ((ret = store_prep(s, "SELECT DISTINCT advisory FROM"
	    " advisory_products WHERE cpe = ?1", &qc)) != 0 ||
	    (ret = store_prep(s, "SELECT DISTINCT advisory FROM"
	    " advisory_products WHERE vendor_key = ?1", &qv)) != 0 ||
	    (ret = store_prep(s, "SELECT id FROM advisories"
	    " WHERE origin = 'iomt'", &qi)) != 0 ||
	    (ret = store_prep(s, "SELECT name, origin, source, title, summary,"
	    " remediation, score, severity FROM advisories WHERE id = ?1",
	    &ah)) != 0 ||
	    (ret = store_prep(s, "SELECT vendor, product, exact, start, end_,"
	    " text, flags, fixed, affected, cpe, platform, purl"
	    " FROM advisory_products WHERE advisory = ?1 ORDER BY seq",
	    &ph)) != 0)
		goto out;
	for (size_t i = 0; i < k->ncpe && ret == 0; i++) {
		store_bind_str(qc, 1, k->cpe[i]);
		ret = collect_ids(s, qc, &ids, &nids, &cap);
	}
	for (size_t i = 0; i < k->nvendor && ret == 0; i++) {
		store_bind_str(qv, 1, k->vendor[i]);
		ret = collect_ids(s, qv, &ids, &nids, &cap);
	}
	if (ret == 0)
		ret = collect_ids(s, qi, &ids, &nids, &cap);
	for (size_t i = 0; i < nids && ret == 0; i++)
		ret = load_advisory(s, ah, ph, ids[i], l);
out:
	free(ids);
	sqlite3_finalize(qc);
	sqlite3_finalize(qv);
	sqlite3_finalize(qi);
	sqlite3_finalize(ah);
	sqlite3_finalize(ph);
	return ret;
}

static void
bind_score(sqlite3_stmt *st, int i, double v)
{
	if (v >= 0)
		sqlite3_bind_double(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

int
store_vuln_put_findings(struct store *s, const char *asset,
    const struct store_vuln_finding *v, size_t n, uint64_t now)
{
	sqlite3_stmt *up = NULL, *del = NULL;
	bool own;
	int ret;

	if ((ret = store_begin_own(s, &own)) != 0)
		return ret;
	if ((ret = store_prep(s, "INSERT INTO vuln_findings (asset_key,"
	    " advisory, component, status, confidence, version, source,"
	    " evidence, reason, title, severity, score, fixed, remediation,"
	    " feeds, first, last, pass) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
	    " ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, ?16)"
	    " ON CONFLICT (asset_key, advisory, component) DO UPDATE SET"
	    " status = excluded.status, confidence = excluded.confidence,"
	    " version = excluded.version, source = excluded.source,"
	    " evidence = excluded.evidence, reason = excluded.reason,"
	    " title = excluded.title, severity = excluded.severity,"
	    " score = excluded.score, fixed = excluded.fixed,"
	    " remediation = excluded.remediation, feeds = excluded.feeds,"
	    " last = excluded.last, pass = excluded.pass", &up)) != 0 ||
	    (ret = store_prep(s, "DELETE FROM vuln_findings"
	    " WHERE asset_key = ?1 AND pass != ?2", &del)) != 0)
		goto out;
	for (size_t i = 0; i < n && ret == 0; i++) {
		const struct store_vuln_finding *f = &v[i];

		store_bind_str(up, 1, asset);
		store_bind_str(up, 2, f->advisory);
		store_bind_str(up, 3, f->component);
		store_bind_str(up, 4, f->status);
		sqlite3_bind_double(up, 5, f->confidence);
		store_bind_str(up, 6, f->version);
		store_bind_str(up, 7, f->source);
		store_bind_str(up, 8, f->evidence);
		store_bind_str(up, 9, f->reason);
		store_bind_str(up, 10, f->title);
		store_bind_str(up, 11, f->severity);
		bind_score(up, 12, f->score);
		store_bind_str(up, 13, f->fixed);
		store_bind_str(up, 14, f->remediation);
		store_bind_str(up, 15, f->feeds);
		sqlite3_bind_int64(up, 16, (int64_t)now);
		ret = step_done(s, up, "vuln: writing a finding");
	}
	if (ret == 0) {
		store_bind_str(del, 1, asset);
		sqlite3_bind_int64(del, 2, (int64_t)now);
		ret = step_done(s, del, "vuln: clearing old findings");
	}
out:
	sqlite3_finalize(up);
	sqlite3_finalize(del);
	return store_end_own(s, own, ret);
}

int
store_vuln_foreach_finding(struct store *s, const char *asset,
    store_vuln_finding_fn fn, void *arg)
{
	sqlite3_stmt *st;
	struct store_vuln_finding f;
	int ret, rc;

	if ((ret = store_prep(s, "SELECT asset_key, advisory, component,"
	    " status, confidence, version, source, evidence, reason, title,"
	    " severity, score, fixed, remediation, feeds, first, last"
	    " FROM vuln_findings WHERE ?1 IS NULL OR asset_key = ?1"
	    " ORDER BY asset_key, status, coalesce(score, -1) DESC, advisory,"
	    " component", &st)) != 0)
		return ret;
	store_bind_str(st, 1, asset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		f.asset = store_col_s(st, 0);
		f.advisory = store_col_s(st, 1);
		f.component = store_col_s(st, 2);
		f.status = store_col_s(st, 3);
		f.confidence = sqlite3_column_double(st, 4);
		f.version = store_col_s(st, 5);
		f.source = store_col_s(st, 6);
		f.evidence = store_col_s(st, 7);
		f.reason = store_col_s(st, 8);
		f.title = store_col_s(st, 9);
		f.severity = store_col_s(st, 10);
		f.score = sqlite3_column_type(st, 11) == SQLITE_NULL ? -1 :
		    sqlite3_column_double(st, 11);
		f.fixed = store_col_s(st, 12);
		f.remediation = store_col_s(st, 13);
		f.feeds = store_col_s(st, 14);
		f.first = store_col_u(st, 15);
		f.last = store_col_u(st, 16);
		if ((ret = fn(&f, arg)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = store_fail(s, "vuln: reading findings");
	sqlite3_finalize(st);
	return ret;
}

int
store_put_exposure(struct store *s, const struct store_exposure *e)
{
	sqlite3_stmt *st;
	bool own;
	int ret;

	if ((ret = store_begin_own(s, &own)) != 0)
		return ret;
	if ((ret = store_prep(s, "INSERT INTO exposures (asset_key, kind,"
	    " proto, port, title, severity, evidence, remediation, first,"
	    " last, count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
	    " ?11) ON CONFLICT (asset_key, kind, proto, port, title) DO UPDATE"
	    " SET severity = excluded.severity, evidence = excluded.evidence,"
	    " remediation = excluded.remediation,"
	    " first = min(first, excluded.first),"
	    " last = max(last, excluded.last), count = excluded.count",
	    &st)) == 0) {
		store_bind_str(st, 1, e->asset);
		store_bind_str(st, 2, e->kind);
		sqlite3_bind_int(st, 3, e->proto);
		sqlite3_bind_int(st, 4, e->port);
		store_bind_str(st, 5, e->title);
		store_bind_str(st, 6, e->severity);
		store_bind_str(st, 7, e->evidence);
		store_bind_str(st, 8, e->remediation);
		sqlite3_bind_int64(st, 9, (int64_t)e->first);
		sqlite3_bind_int64(st, 10, (int64_t)e->last);
		sqlite3_bind_int64(st, 11, (int64_t)e->count);
		ret = step_done(s, st, "vuln: writing an exposure");
		sqlite3_finalize(st);
	}
	return store_end_own(s, own, ret);
}

int
store_foreach_exposure(struct store *s, const char *asset,
    store_exposure_fn fn, void *arg)
{
	sqlite3_stmt *st;
	struct store_exposure e;
	int ret, rc;

	if ((ret = store_prep(s, "SELECT asset_key, kind, proto, port, title,"
	    " severity, evidence, remediation, first, last, count"
	    " FROM exposures WHERE ?1 IS NULL OR asset_key = ?1"
	    " ORDER BY asset_key, kind, port, title", &st)) != 0)
		return ret;
	store_bind_str(st, 1, asset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		e.asset = store_col_s(st, 0);
		e.kind = store_col_s(st, 1);
		e.proto = sqlite3_column_int(st, 2);
		e.port = sqlite3_column_int(st, 3);
		e.title = store_col_s(st, 4);
		e.severity = store_col_s(st, 5);
		e.evidence = store_col_s(st, 6);
		e.remediation = store_col_s(st, 7);
		e.first = store_col_u(st, 8);
		e.last = store_col_u(st, 9);
		e.count = store_col_u(st, 10);
		if ((ret = fn(&e, arg)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = store_fail(s, "vuln: reading exposures");
	sqlite3_finalize(st);
	return ret;
}

int
store_put_risk(struct store *s, const struct store_risk *r)
{
	sqlite3_stmt *st;
	int ret;

	if ((ret = store_prep(s, "INSERT OR REPLACE INTO asset_risk"
	    " (asset_key, score, terms, time) VALUES (?1, ?2, ?3, ?4)",
	    &st)) != 0)
		return ret;
	store_bind_str(st, 1, r->asset);
	sqlite3_bind_double(st, 2, r->score);
	store_bind_str(st, 3, r->terms);
	sqlite3_bind_int64(st, 4, (int64_t)r->time);
	ret = step_done(s, st, "vuln: writing a risk score");
	sqlite3_finalize(st);
	return ret;
}

int
store_foreach_risk(struct store *s, const char *asset, store_risk_fn fn,
    void *arg)
{
	sqlite3_stmt *st;
	struct store_risk r;
	int ret, rc;

	if ((ret = store_prep(s, "SELECT asset_key, score, terms, time"
	    " FROM asset_risk WHERE ?1 IS NULL OR asset_key = ?1"
	    " ORDER BY score DESC, asset_key", &st)) != 0)
		return ret;
	store_bind_str(st, 1, asset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.asset = store_col_s(st, 0);
		r.score = sqlite3_column_double(st, 1);
		r.terms = store_col_s(st, 2);
		r.time = store_col_u(st, 3);
		if ((ret = fn(&r, arg)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = store_fail(s, "vuln: reading risk scores");
	sqlite3_finalize(st);
	return ret;
}

int
store_alert_open_counts(struct store *s, const char *asset,
    int64_t counts[5])
{
	sqlite3_stmt *st;
	int ret, rc;

	memset(counts, 0, 5 * sizeof(counts[0]));
	if ((ret = store_prep(s, "SELECT severity_rank, count(*) FROM alerts"
	    " WHERE asset_key = ?1 AND status != 'closed'"
	    " GROUP BY severity_rank", &st)) != 0)
		return ret;
	store_bind_str(st, 1, asset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int rank = sqlite3_column_int(st, 0);

		if (rank >= 1 && rank <= 5)
			counts[rank - 1] = sqlite3_column_int64(st, 1);
	}
	if (rc != SQLITE_DONE)
		ret = store_fail(s, "vuln: counting alerts");
	sqlite3_finalize(st);
	return ret;
}
