/*
 * vuln.c - ward vuln: vulnerability feeds into the store, and the report
 * of what concerns which device, for remediation (docs/vuln.md).
 *
 *	update	reads every feed file of the directories given (NVD CVE API
 *		2.0 and CSAF 2.0 JSON, ward's curated IoMT YAML), replaces
 *		each changed file's advisories in the store, then matches
 *		every stored device again and recomputes its risk
 *	feeds	lists the feed files the store holds
 *	report	the devices with vulnerabilities or exposures, grouped by
 *		department, vendor or device, riskiest first: text, JSON, CSV
 *
 * Feeds are files the user points at: ward never downloads anything.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "ward-config.h"
#include "ward/error.h"
#include "ward/vuln.h"
#include "ward/vulnmatch.h"
#include "cmd.h"

enum {
	OPT_FROM = 400,
	OPT_ALIASES,
	OPT_DETECT,
	OPT_PRUNE,
	OPT_BY,
	OPT_FORMAT,
	OPT_MIN_CONF,
	OPT_STATUS,
};

static void
vuln_usage(FILE *fp)
{
	fprintf(fp, "Usage: ward vuln update --from DIR [--from DIR...] "
	    "[options] --db FILE\n"
	    "       ward vuln feeds --db FILE\n"
	    "       ward vuln report [options] --db FILE\n\n"
	    "Vulnerability feeds and the devices they concern.\n\n"
	    "update reads every *.json (NVD CVE API 2.0, CSAF 2.0) and "
	    "*.yaml (ward's\ncurated IoMT advisories) file of each DIR, "
	    "replaces the advisories of each\nfile that changed, and matches "
	    "every device of the store again.\n\nOptions:\n"
	    "  -d, --db FILE          the SQLite store (required)\n"
	    "      --from DIR         update: a directory of feed files\n"
	    "      --prune            update: forget feed files no DIR holds "
	    "any more\n"
	    "      --aliases FILE     vendor and product aliases (default: "
	    "the shipped\n"
	    "                         rules/vuln/aliases.yaml)\n"
	    "      --detect FILE      the policy naming medical and "
	    "life-critical types\n"
	    "      --by GROUP         report: department (default), vendor "
	    "or asset\n"
	    "      --format FORMAT    report: text (default), json or csv\n"
	    "      --min-confidence X report: only matches at least this "
	    "sure (0 to 1)\n"
	    "      --status STATUS    report: only affected, or only "
	    "potential, matches\n"
	    "  -h, --help             show this help\n"
	    "\nExit status: 0 on success, 1 when a feed file could not be "
	    "read (the\nothers are loaded), 2 on a usage error, 3 when the "
	    "store cannot be used.\n");
}

/* --- update ---------------------------------------------------------------- */

static void
sha256_hex(const char *data, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int mdlen = 0;

	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1)
		mdlen = 0;
	for (unsigned i = 0; i < mdlen && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[2 * (mdlen < 32 ? mdlen : 32)] = '\0';
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

enum feed_kind {
	FEED_NONE, FEED_NVD, FEED_CSAF, FEED_IOMT, FEED_ALIASES, FEED_INDEX
};

/* What a file is, from its name and first bytes; FEED_NONE: not a feed. */
static enum feed_kind
feed_kind(const char *name, const char *text, size_t len, char *err,
    size_t errlen)
{
	size_t head = len < 65536 ? len : 65536;

	if (ends_with(name, ".json")) {
		if (memmem(text, head, "\"csaf_version\"", 14) != NULL)
			return FEED_CSAF;
		if (memmem(text, head, "\"vulnerabilities\"", 17) != NULL)
			return FEED_NVD;
		/* A ROLIE feed (CSAF 7.1.20) lists advisories: no advisory. */
		if (memmem(text, head, "\"feed\"", 6) != NULL &&
		    memmem(text, head, "\"entry\"", 7) != NULL)
			return FEED_INDEX;
		snprintf(err, errlen, "%.512s: neither an NVD CVE API 2.0 "
		    "response (no \"vulnerabilities\") nor a CSAF 2.0 advisory "
		    "(no \"csaf_version\")", name);
		return FEED_NONE;
	}
	if (ends_with(name, ".yaml") || ends_with(name, ".yml")) {
		if (memmem(text, head, "\naliases:", 9) != NULL)
			return FEED_ALIASES;
		if (memmem(text, head, "advisories:", 11) != NULL)
			return FEED_IOMT;
		snprintf(err, errlen, "%.512s: a YAML file with no 'advisories' "
		    "(ward's IoMT format, docs/vuln.md)", name);
		return FEED_NONE;
	}
	err[0] = '\0';
	return FEED_NONE;
}

struct update {
	struct store	*s;
	uint64_t	 now;
	size_t		 read, unchanged, failed, advisories;
	char		**seen;
	size_t		 nseen, capseen;
};

static int
note_seen(struct update *u, const char *name)
{
	if (u->nseen == u->capseen) {
		size_t ncap = u->capseen ? 2 * u->capseen : 64;
		char **t = realloc(u->seen, ncap * sizeof(*t));

		if (t == NULL)
			return -1;
		u->seen = t;
		u->capseen = ncap;
	}
	if ((u->seen[u->nseen] = strdup(name)) == NULL)
		return -1;
	u->nseen++;
	return 0;
}

/* One file of a feed directory; false when it was a feed that failed. */
static bool
update_file(struct update *u, const char *dir, const char *name)
{
	char path[4096], err[1024], sha[65], old[65];
	struct vuln_list l;
	enum feed_kind kind;
	char *text;
	size_t len;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!ends_with(name, ".json") && !ends_with(name, ".yaml") &&
	    !ends_with(name, ".yml"))
		return true;
	if ((text = vuln_read_whole(path, &len, err, sizeof(err))) == NULL) {
		fprintf(stderr, "ward vuln update: %s\n", err);
		return false;
	}
	if ((kind = feed_kind(path, text, len, err, sizeof(err))) ==
	    FEED_NONE || kind == FEED_ALIASES || kind == FEED_INDEX) {
		free(text);
		if (kind == FEED_NONE && err[0] != '\0') {
			fprintf(stderr, "ward vuln update: %s\n", err);
			return false;
		}
		return true;
	}
	if (note_seen(u, name) == -1) {
		free(text);
		fprintf(stderr, "ward vuln update: out of memory\n");
		return false;
	}
	sha256_hex(text, len, sha);
	if (store_vuln_feed_sha(u->s, name, old, sizeof(old)) == 0 &&
	    strcmp(old, sha) == 0) {
		free(text);
		u->unchanged++;
		return true;
	}
	vuln_list_init(&l);
	switch (kind) {
	case FEED_NVD:
		rc = vuln_nvd_parse(&l, text, len, path, err, sizeof(err));
		break;
	case FEED_CSAF:
		rc = vuln_csaf_parse(&l, text, len, path, err, sizeof(err));
		break;
	default:
		rc = vuln_iomt_parse(&l, text, len, path, err, sizeof(err));
		break;
	}
	free(text);
	if (rc != 0) {
		fprintf(stderr, "ward vuln update: %s\n", err);
		vuln_list_clear(&l);
		return false;
	}
	rc = store_vuln_put_feed(u->s, &(struct store_vuln_feed){
	    .name = name, .sha256 = sha, .loaded = u->now,
	    .origin = kind == FEED_NVD ? "nvd" : kind == FEED_CSAF ? "csaf" :
	    "iomt" }, &l);
	if (rc != 0)
		fprintf(stderr, "ward vuln update: %s: %s\n", path,
		    store_errmsg(u->s));
	else {
		u->read++;
		u->advisories += l.n;
	}
	vuln_list_clear(&l);
	return rc == 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every feed file of dir, in name order. -1 when dir cannot be read. */
static int
update_dir(struct update *u, const char *dir)
{
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "ward vuln update: %s: %s\n", dir,
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			char **t = realloc(names, ncap * sizeof(*t));

			if (t == NULL)
				break;
			names = t;
			cap = ncap;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			break;
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		if (!update_file(u, dir, names[i]))
			u->failed++;
		free(names[i]);
	}
	free(names);
	return 0;
}

struct prune {
	struct update	*u;
	char		**gone;
	size_t		 n;
};

static int
find_gone(const struct store_vuln_feed *f, void *arg)
{
	struct prune *p = arg;
	char **t;

	for (size_t i = 0; i < p->u->nseen; i++)
		if (strcmp(p->u->seen[i], f->name) == 0)
			return 0;
	if ((t = realloc(p->gone, (p->n + 1) * sizeof(*t))) == NULL)
		return WARD_ENOMEM;
	p->gone = t;
	if ((p->gone[p->n] = strdup(f->name)) == NULL)
		return WARD_ENOMEM;
	p->n++;
	return 0;
}

static int
run_update(struct store *s, char **dirs, size_t ndirs, bool prune,
    const char *aliases_path, const char *detect_path)
{
	struct update u = { .s = s, .now = wall_usec() };
	struct prune p = { .u = &u };
	struct assess_stats st;
	struct vuln_aliases *al;
	struct detect_config *cfg = NULL;
	char err[512];
	int rc = 0;

	if (detect_path != NULL && (cfg = detect_config_load(detect_path,
	    err, sizeof(err))) == NULL) {
		fprintf(stderr, "ward vuln update: %s\n", err);
		return EXIT_USAGE;
	}
	if (cfg == NULL)
		cfg = detect_config_load(access(WARD_DETECT_FILE, R_OK) == 0 ?
		    WARD_DETECT_FILE : WARD_DETECT_SRC, err, sizeof(err));
	if (cfg == NULL)
		cfg = detect_config_new();
	al = assess_aliases(aliases_path);
	if (al == NULL && aliases_path != NULL) {
		detect_config_free(cfg);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < ndirs; i++)
		if (update_dir(&u, dirs[i]) == -1)
			u.failed++;
	if (prune && u.failed == 0) {
		if (store_vuln_foreach_feed(s, find_gone, &p) != 0)
			rc = EXIT_FAIL;
		for (size_t i = 0; i < p.n && rc == 0; i++) {
			if (store_vuln_drop_feed(s, p.gone[i]) != 0)
				rc = EXIT_FAIL;
			else
				printf("feed %s: removed\n", p.gone[i]);
		}
	} else if (prune)
		fprintf(stderr, "ward vuln update: --prune skipped: some feed "
		    "files failed\n");
	printf("feeds: %zu read (%zu advisories), %zu unchanged, %zu "
	    "failed\n", u.read, u.advisories, u.unchanged, u.failed);
	if (rc == 0 && assess_store(s, al, cfg, u.now, &st, NULL, NULL) != 0) {
		fprintf(stderr, "ward vuln update: %s\n", store_errmsg(s));
		rc = EXIT_FAIL;
	}
	if (rc == 0)
		printf("devices: %" PRIu64 " assessed, %" PRIu64 " with "
		    "vulnerabilities: %" PRIu64 " affected, %" PRIu64
		    " potentially affected\n", st.assets, st.assets_vulnerable,
		    st.affected, st.potential);
	for (size_t i = 0; i < u.nseen; i++)
		free(u.seen[i]);
	free(u.seen);
	for (size_t i = 0; i < p.n; i++)
		free(p.gone[i]);
	free(p.gone);
	vuln_alias_free(al);
	detect_config_free(cfg);
	if (rc == 0 && u.failed > 0)
		rc = EXIT_INPUT;
	return rc;
}

static int
print_feed(const struct store_vuln_feed *f, void *arg)
{
	char t[40];

	(void)arg;
	printf("%-40s %-5s %8" PRId64 "  %s  %.12s\n", f->name, f->origin,
	    f->advisories, fmt_time(f->loaded, t, sizeof(t)), f->sha256);
	return 0;
}

/* --- report ---------------------------------------------------------------- */

enum group_by { BY_DEPARTMENT, BY_VENDOR, BY_ASSET };
enum report_format { REPORT_TEXT, REPORT_JSON, REPORT_CSV };

struct rep_asset {
	char		 key[ADDR_STRLEN];
	char		 ip[ADDR_STRLEN];
	char		*hostname;
	char		*type, *vendor, *model, *version, *dept;
	double		 risk;
	json_t		*terms;		/* parsed risk terms, or NULL */
	json_t		*vulns;		/* array */
	json_t		*exposures;	/* array */
	const char	*group;		/* points into the above */
};

struct report {
	struct rep_asset *v;
	size_t		 n, cap;
	double		 min_conf;
	const char	*status;
	bool		 nomem;
};

static char *
dup_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? strdup(s) : NULL;
}

static int
rep_collect(const struct asset *a, void *arg)
{
	struct report *r = arg;
	struct rep_asset *x;
	const struct ident_verdict *v = a->ident;

	if (r->n == r->cap) {
		size_t ncap = r->cap ? 2 * r->cap : 128;
		struct rep_asset *t = realloc(r->v, ncap * sizeof(*t));

		if (t == NULL) {
			r->nomem = true;
			return 1;
		}
		r->v = t;
		r->cap = ncap;
	}
	x = &r->v[r->n++];
	memset(x, 0, sizeof(*x));
	(void)asset_key(a, x->key, sizeof(x->key));
	/* The newest IPv4 address, else the newest address. */
	for (size_t i = 0; i < a->nips; i++)
		if (a->ips[i].addr.family == AF_INET || x->ip[0] == '\0' ||
		    strchr(x->ip, ':') != NULL)
			(void)addr_fmt(&a->ips[i].addr, x->ip, sizeof(x->ip));
	x->hostname = dup_or_null(asset_hostname(a));
	if (v != NULL) {
		x->type = dup_or_null(v->value[IDENT_TYPE]);
		x->vendor = dup_or_null(v->value[IDENT_VENDOR]);
		x->model = dup_or_null(v->value[IDENT_MODEL]);
		x->version = dup_or_null(v->value[IDENT_VERSION]);
	}
	if (x->vendor == NULL && a->vendor != NULL)
		x->vendor = strdup(a->vendor);
	if (a->dept != NULL)
		x->dept = strdup(a->dept->name);
	x->vulns = json_array();
	x->exposures = json_array();
	return 0;
}

static struct rep_asset *
rep_find(struct report *r, const char *key)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].key, key) == 0)
			return &r->v[i];
	return NULL;
}

static int
rep_finding(const struct store_vuln_finding *f, void *arg)
{
	struct report *r = arg;
	struct rep_asset *x = rep_find(r, f->asset);
	json_t *o;

	if (x == NULL || f->confidence < r->min_conf ||
	    (r->status != NULL && strcmp(r->status, f->status) != 0))
		return 0;
	if ((o = json_vuln_finding(f)) == NULL ||
	    json_array_append_new(x->vulns, o) == -1)
		r->nomem = true;
	return 0;
}

static int
rep_exposure(const struct store_exposure *e, void *arg)
{
	struct report *r = arg;
	struct rep_asset *x = rep_find(r, e->asset);
	json_t *o;

	if (x == NULL)
		return 0;
	if ((o = json_store_exposure(e)) == NULL ||
	    json_array_append_new(x->exposures, o) == -1)
		r->nomem = true;
	return 0;
}

static int
rep_risk(const struct store_risk *k, void *arg)
{
	struct report *r = arg;
	struct rep_asset *x = rep_find(r, k->asset);

	if (x == NULL)
		return 0;
	x->risk = k->score;
	x->terms = json_loads(k->terms, 0, NULL);
	return 0;
}

static enum group_by report_by;

static const char *
group_of(const struct rep_asset *x)
{
	switch (report_by) {
	case BY_DEPARTMENT:
		return x->dept != NULL ? x->dept : "(no department)";
	case BY_VENDOR:
		return x->vendor != NULL ? x->vendor : "(unknown vendor)";
	case BY_ASSET:
		break;
	}
	return x->key;
}

/* Groups by name; within one, riskiest first. */
static int
cmp_assets(const void *a, const void *b)
{
	const struct rep_asset *x = a, *y = b;
	int c = strcmp(x->group, y->group);

	if (c != 0)
		return c;
	if (x->risk != y->risk)
		return x->risk > y->risk ? -1 : 1;
	return strcmp(x->key, y->key);
}

static bool
listed(const struct rep_asset *x)
{
	return json_array_size(x->vulns) > 0 ||
	    json_array_size(x->exposures) > 0;
}

static json_t *
asset_json(const struct rep_asset *x)
{
	json_t *o = json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?,"
	    " s:s?, s:f, s:O?, s:O, s:O}",
	    "key", x->key, "ip", x->ip[0] != '\0' ? x->ip : NULL,
	    "hostname", x->hostname, "type", x->type, "vendor", x->vendor,
	    "model", x->model, "version", x->version, "department", x->dept,
	    "risk", x->risk, "risk_terms", x->terms,
	    "vulnerabilities", x->vulns, "exposures", x->exposures);

	return o;
}

static const char *
js(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void
text_report(FILE *fp, struct report *r)
{
	const char *group = NULL;

	for (size_t i = 0; i < r->n; i++) {
		const struct rep_asset *x = &r->v[i];
		size_t k;
		json_t *o;

		if (!listed(x))
			continue;
		if (group == NULL || strcmp(group, x->group) != 0) {
			size_t na = 0, nv = 0, ne = 0;

			for (size_t j = i; j < r->n &&
			    strcmp(r->v[j].group, x->group) == 0; j++) {
				if (!listed(&r->v[j]))
					continue;
				na++;
				nv += json_array_size(r->v[j].vulns);
				ne += json_array_size(r->v[j].exposures);
			}
			fprintf(fp, "%s== %s: %zu device%s, %zu "
			    "vulnerabilit%s, %zu exposure%s\n",
			    group != NULL ? "\n" : "", x->group, na,
			    na == 1 ? "" : "s",
			    nv, nv == 1 ? "y" : "ies", ne, ne == 1 ? "" : "s");
			group = x->group;
		}
		fprintf(fp, "%s  %s  %s%s%s%s%s  risk %.1f\n", x->key,
		    x->ip[0] != '\0' ? x->ip : "-",
		    x->type != NULL ? x->type : "unknown",
		    x->vendor != NULL ? " " : "",
		    x->vendor != NULL ? x->vendor : "",
		    x->model != NULL ? " " : "",
		    x->model != NULL ? x->model : "", x->risk);
		json_array_foreach(x->vulns, k, o) {
			json_t *sc = json_object_get(o, "score");

			char cvss[16] = "-";

			if (sc != NULL)
				snprintf(cvss, sizeof(cvss), "%.1f",
				    json_real_value(sc));
			fprintf(fp, "  %-16s %-9s %-8s CVSS %-4s conf %.2f\n",
			    js(o, "id"), js(o, "status"),
			    js(o, "severity") != NULL ? js(o, "severity") : "-",
			    cvss,
			    json_real_value(json_object_get(o, "confidence")));
			fprintf(fp, "      %s\n", js(o, "reason"));
			fprintf(fp, "      evidence: %s\n", js(o, "evidence"));
			if (js(o, "remediation") != NULL)
				fprintf(fp, "      remediation: %.200s\n",
				    js(o, "remediation"));
		}
		json_array_foreach(x->exposures, k, o) {
			json_t *port = json_object_get(o, "port");
			char where[32] = "";

			if (port != NULL)
				snprintf(where, sizeof(where), " %s/%lld",
				    js(o, "proto"), (long long)
				    json_integer_value(port));
			fprintf(fp, "  %-26s %-8s%s  %s\n", js(o, "kind"),
			    js(o, "severity"), where, js(o, "title"));
		}
	}
}

static const char *const csv_columns[] = {
	"group", "key", "ip", "hostname", "type", "vendor", "model",
	"version", "department", "risk", "finding", "id", "status",
	"severity", "score", "confidence", "component", "component_version",
	"evidence", "reason", "remediation",
};
#define NCSV (sizeof(csv_columns) / sizeof(csv_columns[0]))

static void
csv_row(FILE *fp, const struct rep_asset *x, const char *finding, json_t *o)
{
	char risk[16], score[16] = "", conf[16] = "";
	json_t *sc = json_object_get(o, "score");
	json_t *cf = json_object_get(o, "confidence");
	const char *id = strcmp(finding, "vulnerability") == 0 ? js(o, "id") :
	    js(o, "kind");
	const char *reason = strcmp(finding, "vulnerability") == 0 ?
	    js(o, "reason") : js(o, "title");
	char *evidence = strcmp(finding, "vulnerability") == 0 ? NULL :
	    json_dumps(json_object_get(o, "evidence"), JSON_COMPACT |
	    JSON_SORT_KEYS);

	snprintf(risk, sizeof(risk), "%.1f", x->risk);
	if (sc != NULL)
		snprintf(score, sizeof(score), "%.1f", json_real_value(sc));
	if (cf != NULL)
		snprintf(conf, sizeof(conf), "%.2f", json_real_value(cf));
	csv_field(fp, x->group, 0);
	csv_field(fp, x->key, 0);
	csv_field(fp, x->ip, 0);
	csv_field(fp, x->hostname, 0);
	csv_field(fp, x->type, 0);
	csv_field(fp, x->vendor, 0);
	csv_field(fp, x->model, 0);
	csv_field(fp, x->version, 0);
	csv_field(fp, x->dept, 0);
	csv_field(fp, risk, 0);
	csv_field(fp, finding, 0);
	csv_field(fp, id, 0);
	csv_field(fp, js(o, "status"), 0);
	csv_field(fp, js(o, "severity"), 0);
	csv_field(fp, score, 0);
	csv_field(fp, conf, 0);
	csv_field(fp, js(o, "component"), 0);
	csv_field(fp, js(o, "version"), 0);
	csv_field(fp, evidence != NULL ? evidence : js(o, "evidence"), 0);
	csv_field(fp, reason, 0);
	csv_field(fp, js(o, "remediation"), 1);
	free(evidence);
}

static int
write_report(FILE *fp, struct report *r, enum report_format fmt)
{
	static const char *const by_names[] = { "department", "vendor",
	    "asset" };
	json_t *doc, *groups, *g = NULL;
	const char *group = NULL;
	int rc = 0;

	switch (fmt) {
	case REPORT_TEXT:
		text_report(fp, r);
		return 0;
	case REPORT_CSV:
		for (size_t i = 0; i < NCSV; i++)
			csv_field(fp, csv_columns[i], i == NCSV - 1);
		for (size_t i = 0; i < r->n; i++) {
			size_t k;
			json_t *o;

			json_array_foreach(r->v[i].vulns, k, o)
				csv_row(fp, &r->v[i], "vulnerability", o);
			json_array_foreach(r->v[i].exposures, k, o)
				csv_row(fp, &r->v[i], "exposure", o);
		}
		return 0;
	case REPORT_JSON:
		break;
	}
	doc = json_pack("{s:s, s:s, s:[]}", "ward_version", WARD_VERSION,
	    "by", by_names[report_by], "groups");
	if (doc == NULL)
		return -1;
	groups = json_object_get(doc, "groups");
	for (size_t i = 0; i < r->n; i++) {
		if (!listed(&r->v[i]))
			continue;
		if (group == NULL || strcmp(group, r->v[i].group) != 0) {
			group = r->v[i].group;
			g = json_pack("{s:s, s:[]}", "name", group, "assets");
			if (g == NULL || json_array_append_new(groups, g) == -1) {
				json_decref(doc);
				return -1;
			}
		}
		json_array_append_new(json_object_get(g, "assets"),
		    asset_json(&r->v[i]));
	}
	if (json_dumpf(doc, fp, JSON_INDENT(2) | JSON_REAL_PRECISION(4)) ==
	    -1)
		rc = -1;
	fputc('\n', fp);
	json_decref(doc);
	return rc;
}

static int
run_report(struct store *s, enum report_format fmt, double min_conf,
    const char *status)
{
	struct report r = { .min_conf = min_conf, .status = status };
	int rc;

	if ((rc = store_foreach_asset(s, rep_collect, &r)) == 0 && !r.nomem &&
	    (rc = store_vuln_foreach_finding(s, NULL, rep_finding, &r)) == 0 &&
	    (rc = store_foreach_exposure(s, NULL, rep_exposure, &r)) == 0)
		rc = store_foreach_risk(s, NULL, rep_risk, &r);
	if (rc == 0 && !r.nomem) {
		for (size_t i = 0; i < r.n; i++)
			r.v[i].group = group_of(&r.v[i]);
		if (r.n > 0)
			qsort(r.v, r.n, sizeof(*r.v), cmp_assets);
		if (write_report(stdout, &r, fmt) == -1 || fflush(stdout) != 0)
			rc = EXIT_FAIL;
	} else {
		fprintf(stderr, "ward vuln report: %s\n", r.nomem ?
		    "out of memory" : store_errmsg(s));
		rc = EXIT_FAIL;
	}
	for (size_t i = 0; i < r.n; i++) {
		struct rep_asset *x = &r.v[i];

		free(x->hostname);
		free(x->type);
		free(x->vendor);
		free(x->model);
		free(x->version);
		free(x->dept);
		json_decref(x->terms);
		json_decref(x->vulns);
		json_decref(x->exposures);
	}
	free(r.v);
	return rc;
}

int
cmd_vuln(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "prune", no_argument, NULL, OPT_PRUNE },
		{ "aliases", required_argument, NULL, OPT_ALIASES },
		{ "detect", required_argument, NULL, OPT_DETECT },
		{ "by", required_argument, NULL, OPT_BY },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "min-confidence", required_argument, NULL, OPT_MIN_CONF },
		{ "status", required_argument, NULL, OPT_STATUS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *sub, *aliases = NULL, *detect = NULL;
	const char *status = NULL;
	enum report_format fmt = REPORT_TEXT;
	char *dirs[64], *end;
	size_t ndirs = 0;
	double min_conf = 0;
	bool prune = false;
	struct store *s;
	int c, rc;

	if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0) {
		vuln_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	sub = argv[1];
	report_by = BY_DEPARTMENT;
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "d:h", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case OPT_FROM:
			if (ndirs == 64) {
				fprintf(stderr, "ward vuln: at most 64 --from\n");
				return EXIT_USAGE;
			}
			dirs[ndirs++] = optarg;
			break;
		case OPT_PRUNE:
			prune = true;
			break;
		case OPT_ALIASES:
			aliases = optarg;
			break;
		case OPT_DETECT:
			detect = optarg;
			break;
		case OPT_BY:
			if (strcmp(optarg, "department") == 0)
				report_by = BY_DEPARTMENT;
			else if (strcmp(optarg, "vendor") == 0)
				report_by = BY_VENDOR;
			else if (strcmp(optarg, "asset") == 0)
				report_by = BY_ASSET;
			else {
				fprintf(stderr, "ward vuln: --by: '%s' is not "
				    "department, vendor or asset\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0)
				fmt = REPORT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				fmt = REPORT_JSON;
			else if (strcmp(optarg, "csv") == 0)
				fmt = REPORT_CSV;
			else {
				fprintf(stderr, "ward vuln: --format: '%s' is "
				    "not text, json or csv\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_MIN_CONF:
			errno = 0;
			min_conf = strtod(optarg, &end);
			if (errno != 0 || *end != '\0' || end == optarg ||
			    !(min_conf >= 0 && min_conf <= 1)) {
				fprintf(stderr, "ward vuln: --min-confidence: "
				    "'%s' is not a number from 0 to 1\n",
				    optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_STATUS:
			if (strcmp(optarg, "affected") != 0 &&
			    strcmp(optarg, "potential") != 0) {
				fprintf(stderr, "ward vuln: --status: '%s' is "
				    "not affected or potential\n", optarg);
				return EXIT_USAGE;
			}
			status = optarg;
			break;
		case 'h':
			vuln_usage(stdout);
			return 0;
		default:
			vuln_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "ward vuln: unexpected argument '%s'\n",
		    argv[optind + 1]);
		return EXIT_USAGE;
	}
	if (db == NULL) {
		fprintf(stderr, "ward vuln %s: --db FILE is required\n", sub);
		return EXIT_USAGE;
	}
	if (strcmp(sub, "update") == 0) {
		if (ndirs == 0) {
			fprintf(stderr, "ward vuln update: --from DIR is "
			    "required\n");
			return EXIT_USAGE;
		}
		/* update may make the store: feeds come before captures. */
		char err[512];

		if ((s = store_open(db, err, sizeof(err))) == NULL) {
			fprintf(stderr, "ward vuln update: %s\n", err);
			return EXIT_FAIL;
		}
		rc = run_update(s, dirs, ndirs, prune, aliases, detect);
	} else if (strcmp(sub, "feeds") == 0) {
		if ((s = open_existing_store("vuln feeds", db)) == NULL)
			return EXIT_FAIL;
		rc = store_vuln_foreach_feed(s, print_feed, NULL) != 0 ?
		    EXIT_FAIL : 0;
	} else if (strcmp(sub, "report") == 0) {
		if ((s = open_existing_store("vuln report", db)) == NULL)
			return EXIT_FAIL;
		rc = run_report(s, fmt, min_conf, status);
	} else {
		fprintf(stderr, "ward vuln: unknown command '%s' (update, "
		    "feeds or report)\n", sub);
		return EXIT_USAGE;
	}
	store_close(s);
	return rc;
}
