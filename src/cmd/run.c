/*
 * run.c - what analyze and sensor share: building the pipeline with its
 * consumers, persisting in batches, and the final report.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ward-config.h"
#include "ward/error.h"
#include "ward/log.h"
#include "ward/vuln.h"
#include "cmd.h"

void
run_opts_defaults(struct run_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->oui_dir = WARD_OUI_DIR;
	o->progress = true;
	o->flow_memcap = FLOW_DEFAULT_MEMCAP;
	o->flush_usec = 5 * 1000000ULL;
	o->detect_mode = -1;
	o->syslog_facility = 16;	/* local0 */
}

int
parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || s[0] == '-')
		return -1;
	switch (*end) {
	case 'k': case 'K':
		shift = 10;
		end++;
		break;
	case 'm': case 'M':
		shift = 20;
		end++;
		break;
	case 'g': case 'G':
		shift = 30;
		end++;
		break;
	}
	if (*end != '\0' || v > (SIZE_MAX >> shift))
		return -1;
	*out = (size_t)(v << shift);
	return 0;
}

uint64_t
now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t
wall_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

struct store *
open_existing_store(const char *cmd, const char *path)
{
	struct store *s;
	struct stat sb;
	char err[512];

	/* A reader never creates a database; a missing one is a mistake. */
	if (stat(path, &sb) == -1) {
		fprintf(stderr, "ward %s: %s: no such database (ward analyze "
		    "--db or ward sensor --db make one)\n", cmd, path);
		return NULL;
	}
	if ((s = store_open(path, err, sizeof(err))) == NULL)
		fprintf(stderr, "ward %s: %s\n", cmd, err);
	return s;
}

/*
 * Fingerprint rules: a file named with --rules must load; without it the
 * installed file, else the source tree's, and without either ward runs
 * with no identification (and says so).
 */
static int
load_rules(struct run *r)
{
	char err[512];
	const char *path = r->opts.rules_path;

	if (path == NULL)
		path = access(WARD_RULES_FILE, R_OK) == 0 ? WARD_RULES_FILE :
		    WARD_RULES_SRC;
	if ((r->rules = ident_rules_load(path, err, sizeof(err))) != NULL)
		return 0;
	if (r->opts.rules_path != NULL) {
		log_error("fingerprint rules: %s", err);
		return -1;
	}
	log_warn("no device identification: %s", err);
	return 0;
}

/*
 * The detection policy: a file named with --detect must load; without it
 * the installed file, else the source tree's, else the built-in defaults.
 */
static int
load_detect(struct run *r)
{
	char err[512];
	const char *path = r->opts.detect_path;

	if (path == NULL)
		path = access(WARD_DETECT_FILE, R_OK) == 0 ? WARD_DETECT_FILE :
		    access(WARD_DETECT_SRC, R_OK) == 0 ? WARD_DETECT_SRC : NULL;
	if (path == NULL) {
		log_warn("no detection policy file: built-in defaults");
		r->detect_cfg = detect_config_new();
	} else if ((r->detect_cfg = detect_config_load(path, err,
	    sizeof(err))) == NULL) {
		log_error("detection policy: %s", err);
		return -1;
	}
	if (r->detect_cfg == NULL) {
		log_error("out of memory loading the detection policy");
		return -1;
	}
	if (r->opts.detect_mode != -1)
		r->detect_cfg->mode = (enum detect_mode)r->opts.detect_mode;
	return 0;
}

/* Keeps the first RUN_SHOWN_MAX alerts (and their counts) for the table. */
static void
show_alert(struct run *r, const struct alert_record *rec)
{
	struct shown_alert *sa;

	for (size_t i = 0; i < r->nshown; i++)
		if (r->shown[i].id == rec->id) {
			r->shown[i].count = rec->count;
			return;
		}
	if (r->nshown >= RUN_SHOWN_MAX)
		return;
	sa = &r->shown[r->nshown++];
	sa->id = rec->id;
	sa->type = rec->alert->type;
	sa->severity = alert_severity(rec->alert);
	memcpy(sa->asset, rec->alert->asset, sizeof(sa->asset));
	memcpy(sa->message, rec->alert->message, sizeof(sa->message));
	sa->count = rec->count;
}

/* The run's alerts under the inventory table. */
static void
print_alerts(FILE *fp, const struct run *r)
{
	uint64_t total;

	if (r->alerter == NULL || r->nshown == 0)
		return;
	total = alerter_stats(r->alerter)->delivered;
	fprintf(fp, "\n%-8s %-26s %-18s %5s  %s\n", "SEVERITY", "ALERT",
	    "ASSET", "COUNT", "MESSAGE");
	for (size_t i = 0; i < r->nshown; i++) {
		const struct shown_alert *sa = &r->shown[i];

		fprintf(fp, "%-8s %-26s %-18s %5llu  %s\n",
		    alert_severity_name(sa->severity),
		    alert_type_name(sa->type), sa->asset,
		    (unsigned long long)sa->count, sa->message);
	}
	if (total > r->nshown)
		fprintf(fp, "... and %llu more (--eve, or --db and ward alerts)"
		    "\n", (unsigned long long)(total - r->nshown));
}

/* Every alert the engine delivers: EVE, syslog, and the store's queue. */
static void
on_alert(const struct alert_record *rec, void *arg)
{
	struct run *r = arg;
	struct queued_alert *q;

	if (r->eve != NULL)
		eve_alert(r->eve, rec);
	if (r->syslog != NULL)
		syslog_alert(r->syslog, rec);
	show_alert(r, rec);
	if (r->store == NULL)
		return;
	/* A later delivery of the same key replaces the queued one. */
	for (size_t i = r->nalerts; i-- > 0;) {
		q = &r->alerts[i];
		if (q->a.type == rec->alert->type &&
		    strcmp(q->a.asset, rec->alert->asset) == 0 &&
		    strcmp(q->a.object, rec->alert->object) == 0) {
			q->a = *rec->alert;
			q->first = rec->first;
			q->last = rec->last;
			q->count = rec->count;
			return;
		}
	}
	if (r->nalerts >= RUN_ALERTS_MAX) {
		r->alerts_dropped++;
		return;
	}
	q = &r->alerts[r->nalerts++];
	q->a = *rec->alert;
	q->first = rec->first;
	q->last = rec->last;
	q->count = rec->count;
}

static int
open_detect(struct run *r)
{
	char err[512];

	if (r->opts.no_detect)
		return 0;
	if (load_detect(r) == -1)
		return -1;
	if ((r->alerter = alerter_new(&r->detect_cfg->limits)) == NULL ||
	    alerter_on(r->alerter, on_alert, r) == -1) {
		log_error("out of memory setting up detection");
		return -1;
	}
	if ((r->detector = detector_new(r->detect_cfg, r->inv, r->alerter,
	    err, sizeof(err))) == NULL) {
		log_error("detection: %s", err);
		return -1;
	}
	if (detector_attach(r->detector, sensor_bus(r->sensor)) == -1) {
		log_error("too many observation subscribers");
		return -1;
	}
	if (r->opts.syslog_target != NULL &&
	    (r->syslog = syslog_open(r->opts.syslog_target,
	    r->opts.syslog_facility, err, sizeof(err))) == NULL) {
		log_error("--syslog: %s", err);
		return -1;
	}
	return 0;
}

/* Identity changes go to the store's history at the next batch. */
static void
on_change(const struct asset *a, enum asset_change c, const char *detail,
    uint64_t ts, void *arg)
{
	struct run *r = arg;
	const struct asset_change_info *info = inv_change_info(r->inv);
	struct queued_change *q;

	if (r->store == NULL || !asset_change_is_identity(c) || info == NULL)
		return;
	if (r->nchanges >= RUN_CHANGES_MAX) {
		r->changes_dropped++;
		return;
	}
	q = &r->changes[r->nchanges++];
	asset_key(a, q->key, sizeof(q->key));
	q->change = c;
	(void)snprintf(q->detail, sizeof(q->detail), "%s",
	    detail != NULL ? detail : "");
	(void)snprintf(q->old_value, sizeof(q->old_value), "%s",
	    info->old_value != NULL ? info->old_value : "");
	(void)snprintf(q->new_value, sizeof(q->new_value), "%s",
	    info->new_value != NULL ? info->new_value : "");
	q->ts = ts;
}

int
run_open(struct run *r, const char *inputs)
{
	struct sensor_config cfg;
	char err[512];

	r->started = now_usec();
	r->last_flush = r->started;
	if ((r->oui = oui_load(r->opts.oui_dir, err, sizeof(err))) == NULL) {
		/* Vendors are a nicety; the inventory works without them. */
		log_warn("no MAC vendors: %s", err);
	}
	if (load_rules(r) == -1)
		return -1;
	if (r->opts.departments_path != NULL &&
	    (r->depts = dept_load(r->opts.departments_path, err,
	    sizeof(err))) == NULL) {
		log_error("departments: %s", err);
		return -1;
	}
	sensor_config_defaults(&cfg);
	cfg.flow.memcap = r->opts.flow_memcap;
	if ((r->sensor = sensor_new(&cfg)) == NULL ||
	    (r->inv = inv_new(r->oui)) == NULL) {
		log_error("out of memory setting up the sensor");
		return -1;
	}
	if (r->opts.eve_path != NULL) {
		if ((r->eve = eve_open(r->opts.eve_path, err,
		    sizeof(err))) == NULL) {
			log_error("cannot open the EVE log: %s", err);
			return -1;
		}
		/* Before the inventory, so an event precedes its effects. */
		if (eve_attach(r->eve, sensor_bus(r->sensor), r->inv) == -1) {
			log_error("too many observation subscribers");
			return -1;
		}
	}
	if (inv_attach(r->inv, sensor_bus(r->sensor)) == -1) {
		log_error("too many observation subscribers");
		return -1;
	}
	if (r->opts.db_path != NULL && r->opts.db_path[0] != '\0') {
		if ((r->store = store_open(r->opts.db_path, err,
		    sizeof(err))) == NULL) {
			log_error("%s", err);
			return -1;
		}
		if (store_run_start(r->store, inputs, wall_usec(),
		    &r->run_id) != 0) {
			log_error("%s: cannot record the run: %s",
			    r->opts.db_path, store_errmsg(r->store));
			return -1;
		}
		if ((r->changes = calloc(RUN_CHANGES_MAX,
		    sizeof(*r->changes))) == NULL ||
		    (r->alerts = calloc(RUN_ALERTS_MAX,
		    sizeof(*r->alerts))) == NULL ||
		    inv_on_change(r->inv, on_change, r) == -1) {
			log_error("out of memory setting up the store");
			return -1;
		}
	}
	if (open_detect(r) == -1)
		return -1;
	/* Exposures need the store to keep them; after the inventory. */
	if (r->store != NULL && ((r->exposure = exposure_new(r->detect_cfg,
	    r->inv, r->depts)) == NULL ||
	    exposure_attach(r->exposure, sensor_bus(r->sensor)) == -1)) {
		log_error("out of memory setting up the exposure findings");
		return -1;
	}
	if (r->detector != NULL && r->store != NULL) {
		int rc = detector_load(r->detector, r->store);

		if (rc != 0) {
			log_error("%s: cannot read the baselines: %s",
			    r->opts.db_path, store_errmsg(r->store));
			return -1;
		}
	}
	return 0;
}

/*
 * Before an asset's first report in this run, what the store holds of it
 * becomes what was last reported, so that a change since an earlier run
 * is a change.
 */
static void
seed_reported(struct run *r)
{
	struct asset *const *v;
	char key[ADDR_STRLEN];
	size_t n;

	if (r->store == NULL || r->store_failed)
		return;
	v = inv_assets(r->inv, &n);
	for (size_t i = 0; i < n; i++) {
		struct asset *a = v[i];
		int rc;

		if (a->flags & ASSET_SEEDED)
			continue;
		rc = store_load_reported(r->store, asset_key(a, key,
		    sizeof(key)), &a->reported);
		if (rc != 0 && rc != WARD_ENOTFOUND) {
			log_error("%s: %s", r->opts.db_path,
			    store_errmsg(r->store));
			memset(&a->reported, 0, sizeof(a->reported));
		}
		a->flags |= ASSET_SEEDED;
	}
}

static void
assign_departments(struct run *r)
{
	struct asset *const *v;
	size_t n;

	if (r->depts == NULL)
		return;
	v = inv_assets(r->inv, &n);
	for (size_t i = 0; i < n; i++) {
		struct asset *a = v[i];
		const struct dept *d = dept_of_asset(r->depts, a, a->dept_how,
		    sizeof(a->dept_how));

		if (d != a->dept)
			a->flags |= ASSET_DIRTY;
		a->dept = d;
		if (d == NULL)
			a->dept_how[0] = '\0';
	}
}

/*
 * Identification, departments, online state and detection at time now.
 * Between batches (interval not 0), a device identified before is
 * evaluated again at most once per interval.
 */
static void
run_evaluate(struct run *r, uint64_t now, uint64_t interval)
{
	if (r->rules != NULL && inv_identify_due(r->inv, r->rules, now,
	    interval) == -1)
		log_error("out of memory identifying devices");
	assign_departments(r);
	seed_reported(r);
	inv_track(r->inv, now);
	if (r->detector != NULL) {
		detector_tick(r->detector, now);
		if (r->closing)
			alerter_flush(r->alerter, now, true);
	}
}

void
run_tick(struct run *r)
{
	uint64_t now = sensor_stats(r->sensor)->last_ts;

	if (r->live && wall_usec() > now)
		now = wall_usec();
	run_evaluate(r, now, 0);
	if (r->store != NULL)
		run_flush(r);
	r->last_flush = now_usec();
}

/* Between batches, a device identified before waits this long. */
#define RUN_REIDENTIFY	(5 * 60 * 1000000ULL)

void
run_packet(struct run *r, uint64_t ts, uint64_t n)
{
	if (r->detector != NULL && ts >= r->next_eval) {
		if (r->next_eval != 0)
			run_evaluate(r, ts, RUN_REIDENTIFY);
		r->next_eval = ts + r->opts.flush_usec;
	}
	if ((n & 4095) == 0 && (r->store != NULL || r->eve != NULL) &&
	    now_usec() - r->last_flush >= r->opts.flush_usec)
		run_tick(r);
}

/* The queued alerts into the open batch. */
static int
put_alerts(struct run *r)
{
	for (size_t i = 0; i < r->nalerts; i++) {
		const struct queued_alert *q = &r->alerts[i];
		json_t *ev = json_alert_evidence(&q->a);
		char *evtext = json_dumps(ev, JSON_COMPACT | JSON_SORT_KEYS);
		char ip[ADDR_STRLEN];
		struct store_alert sa = {
			.type = alert_type_name(q->a.type),
			.category = alert_type_category(q->a.type),
			.severity = alert_severity_name(alert_severity(&q->a)),
			.asset = q->a.asset,
			.ip = q->a.ip.family != 0 ? addr_fmt(&q->a.ip, ip,
			    sizeof(ip)) : NULL,
			.peer = q->a.peer[0] != '\0' ? q->a.peer : NULL,
			.object = q->a.object,
			.message = q->a.message,
			.evidence = evtext != NULL ? evtext : "{}",
			.first = q->first,
			.last = q->last,
			.count = q->count,
		};
		int rc = store_put_alert(r->store, &sa);

		free(evtext);
		json_decref(ev);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* The passive exposures of the assets changed since the last batch. */
static int
put_exposures(struct run *r, struct asset *const *v, size_t n)
{
	struct exposure_list l = { 0 };
	char key[ADDR_STRLEN];
	int rc = 0;

	if (r->exposure == NULL)
		return 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (!(v[i]->flags & ASSET_DIRTY))
			continue;
		l.n = 0;
		if (exposure_eval(r->exposure, v[i], &l) != 0)
			log_warn("out of memory evaluating exposures");
		(void)asset_key(v[i], key, sizeof(key));
		for (size_t k = 0; k < l.n && rc == 0; k++) {
			const struct exposure_finding *f = &l.v[k];
			json_t *o = json_exposure_finding(f);
			char *ev = json_dumps(json_object_get(o, "evidence"),
			    JSON_COMPACT | JSON_SORT_KEYS);

			rc = store_put_exposure(r->store, &(struct
			    store_exposure){ .asset = key,
			    .kind = exposure_kind_name(f->kind),
			    .proto = f->proto, .port = f->port,
			    .title = f->title,
			    .severity = alert_severity_name(f->severity),
			    .evidence = ev != NULL ? ev : "{}",
			    .remediation = exposure_kind_remediation(f->kind),
			    .first = f->first, .last = f->last,
			    .count = f->count });
			free(ev);
			json_decref(o);
		}
	}
	exposure_list_clear(&l);
	return rc;
}

/* Persists every asset changed since the last batch, in one transaction. */
void
run_flush(struct run *r)
{
	struct asset *const *v;
	size_t n;

	r->last_flush = now_usec();
	if (r->store == NULL || r->store_failed)
		return;
	v = inv_assets(r->inv, &n);
	if (store_begin(r->store) != 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (!(v[i]->flags & ASSET_DIRTY))
			continue;
		if (store_put_asset(r->store, v[i]) != 0) {
			store_rollback(r->store);
			goto fail;
		}
	}
	if (put_exposures(r, v, n) != 0 || put_alerts(r) != 0 ||
	    (r->detector != NULL &&
	    detector_save(r->detector, r->store) != 0)) {
		store_rollback(r->store);
		goto fail;
	}
	for (size_t i = 0; i < r->nchanges; i++) {
		const struct queued_change *q = &r->changes[i];
		int rc = store_add_change(r->store, q->key,
		    asset_change_name(q->change), q->detail[0] ? q->detail :
		    NULL, q->old_value, q->new_value, q->ts);

		/* An asset merged into another since: its change goes. */
		if (rc != 0 && rc != WARD_ENOTFOUND) {
			store_rollback(r->store);
			goto fail;
		}
	}
	if (store_commit(r->store) != 0)
		goto fail;
	for (size_t i = 0; i < n; i++)
		v[i]->flags &= ~ASSET_DIRTY;
	r->nchanges = 0;
	r->nalerts = 0;
	if (r->alerts_dropped > 0) {
		log_warn("%s: %llu alerts not recorded (more than %d between "
		    "two batches)", r->opts.db_path,
		    (unsigned long long)r->alerts_dropped, RUN_ALERTS_MAX);
		r->alerts_dropped = 0;
	}
	if (r->changes_dropped > 0) {
		log_warn("%s: %llu identity changes not recorded (more than "
		    "%d between two batches)", r->opts.db_path,
		    (unsigned long long)r->changes_dropped, RUN_CHANGES_MAX);
		r->changes_dropped = 0;
	}
	return;
fail:
	/* Keep going without the store; the run still reports. */
	log_error("%s: %s; the store keeps the batches committed before",
	    r->opts.db_path, store_errmsg(r->store));
	r->store_failed = true;
}

static json_t *
summary_json(struct run *r, struct capture *cap, char *const *inputs,
    int ninputs, double secs)
{
	const struct sensor_stats *ss = sensor_stats(r->sensor);
	const struct decode_stats *ds = sensor_decode_stats(r->sensor);
	const struct flow_stats *fs = sensor_flow_stats(r->sensor);
	struct malform_counts mal;
	json_t *o = json_object(), *m = json_object(), *e = json_array();
	json_t *in = json_array(), *dec = json_object();
	uint64_t flows_ended = 0;
	char buf[40];

	for (int i = 0; i < ninputs; i++)
		json_array_append_new(in, json_string(inputs[i]));
	sensor_malformations(r->sensor, &mal);
	for (int i = 0; i < MAL_COUNT; i++)
		if (mal.n[i] > 0)
			json_object_set_new(m, malform_name(i),
			    json_integer((json_int_t)mal.n[i]));
	for (size_t i = 0; cap != NULL && i < capture_nerrors(cap); i++)
		json_array_append_new(e, json_string(capture_error(cap, i)));
	for (int i = 0; i <= FLOW_END_FLUSH; i++)
		flows_ended += fs->ended[i];
	json_object_set_new(dec, "arp", json_integer((json_int_t)ds->arp));
	json_object_set_new(dec, "ipv4", json_integer((json_int_t)ds->ipv4));
	json_object_set_new(dec, "ipv6", json_integer((json_int_t)ds->ipv6));
	json_object_set_new(dec, "tcp", json_integer((json_int_t)ds->tcp));
	json_object_set_new(dec, "udp", json_integer((json_int_t)ds->udp));
	json_object_set_new(dec, "icmp", json_integer((json_int_t)ds->icmp));
	json_object_set_new(dec, "icmpv6", json_integer((json_int_t)ds->icmp6));
	json_object_set_new(dec, "other", json_integer((json_int_t)ds->other));
	json_object_set_new(dec, "fragments",
	    json_integer((json_int_t)ds->fragments));
	json_object_set_new(dec, "reassembled",
	    json_integer((json_int_t)ds->reassembled));

	json_object_set_new(o, "inputs", in);
	json_object_set_new(o, "packets", json_integer((json_int_t)ss->frames));
	json_object_set_new(o, "bytes", json_integer((json_int_t)ss->bytes));
	json_object_set_new(o, "decoded", dec);
	json_object_set_new(o, "flows", json_integer((json_int_t)fs->created));
	json_object_set_new(o, "flows_evicted",
	    json_integer((json_int_t)fs->ended[FLOW_END_EVICTED]));
	json_object_set_new(o, "flows_dropped",
	    json_integer((json_int_t)fs->dropped));
	json_object_set_new(o, "flow_records", json_integer((json_int_t)
	    flows_ended));
	json_object_set_new(o, "flow_memory_peak",
	    json_integer((json_int_t)fs->mem_peak));
	json_object_set_new(o, "assets",
	    json_integer((json_int_t)inv_count(r->inv)));
	json_object_set_new(o, "malformed", m);
	json_object_set_new(o, "malformed_total",
	    json_integer((json_int_t)malform_total(&mal)));
	json_object_set_new(o, "errors", e);
	json_object_set_new(o, "capture_start", json_string(fmt_time(
	    ss->first_ts, buf, sizeof(buf))));
	json_object_set_new(o, "capture_end", json_string(fmt_time(
	    ss->last_ts, buf, sizeof(buf))));
	json_object_set_new(o, "out_of_order",
	    json_integer((json_int_t)ss->out_of_order));
	if (cap != NULL && capture_drops(cap) > 0)
		json_object_set_new(o, "kernel_drops",
		    json_integer((json_int_t)capture_drops(cap)));
	if (r->alerter != NULL) {
		const struct alert_stats *as = alerter_stats(r->alerter);
		json_t *al = json_object(), *bt = json_object();

		for (int t = 0; t < ALERT_TYPE_COUNT; t++)
			if (as->by_type[t] > 0)
				json_object_set_new(bt, alert_type_name(t),
				    json_integer((json_int_t)as->by_type[t]));
		json_object_set_new(al, "mode", json_string(detect_mode_name(
		    r->detect_cfg->mode)));
		json_object_set_new(al, "total",
		    json_integer((json_int_t)as->delivered));
		json_object_set_new(al, "by_type", bt);
		json_object_set_new(al, "occurrences",
		    json_integer((json_int_t)as->raised));
		json_object_set_new(al, "held_back",
		    json_integer((json_int_t)as->suppressed));
		json_object_set_new(o, "alerts", al);
	}
	if (r->assess_done)
		json_object_set_new(o, "vulnerabilities", json_pack(
		    "{s:I, s:I, s:I, s:I}",
		    "devices", (json_int_t)r->assessed.assets,
		    "vulnerable", (json_int_t)r->assessed.assets_vulnerable,
		    "affected", (json_int_t)r->assessed.affected,
		    "potential", (json_int_t)r->assessed.potential));
	json_object_set_new(o, "seconds", json_real(secs));
	json_object_set_new(o, "packets_per_second",
	    json_real(secs > 0 ? (double)ss->frames / secs : 0));
	return o;
}

static void
print_summary(FILE *fp, json_t *s)
{
	json_t *m = json_object_get(s, "malformed");
	json_t *e = json_object_get(s, "errors");
	const char *key;
	json_t *v;
	size_t i;

	fprintf(fp, "\n%lld packets, %lld bytes, %lld flows, %lld assets in "
	    "%.2f s (%.0f packets/s)\n",
	    json_integer_value(json_object_get(s, "packets")),
	    json_integer_value(json_object_get(s, "bytes")),
	    json_integer_value(json_object_get(s, "flows")),
	    json_integer_value(json_object_get(s, "assets")),
	    json_real_value(json_object_get(s, "seconds")),
	    json_real_value(json_object_get(s, "packets_per_second")));
	if (json_integer_value(json_object_get(s, "packets")) > 0)
		fprintf(fp, "capture from %s to %s\n",
		    json_string_value(json_object_get(s, "capture_start")),
		    json_string_value(json_object_get(s, "capture_end")));
	if (json_integer_value(json_object_get(s, "flows_evicted")) > 0)
		fprintf(fp, "%lld flows evicted under the memory budget\n",
		    json_integer_value(json_object_get(s, "flows_evicted")));
	fprintf(fp, "malformed: %lld", json_integer_value(json_object_get(s,
	    "malformed_total")));
	json_object_foreach(m, key, v)
		fprintf(fp, "%s %s %lld", key == NULL ? "" : ",", key,
		    json_integer_value(v));
	fputc('\n', fp);
	json_array_foreach(e, i, v)
		fprintf(fp, "error: %s\n", json_string_value(v));
	if ((m = json_object_get(s, "alerts")) != NULL) {
		fprintf(fp, "alerts (%s mode): %lld",
		    json_string_value(json_object_get(m, "mode")),
		    json_integer_value(json_object_get(m, "total")));
		json_object_foreach(json_object_get(m, "by_type"), key, v)
			fprintf(fp, ", %s %lld", key, json_integer_value(v));
		if (json_integer_value(json_object_get(m, "held_back")) > 0)
			fprintf(fp, " (%lld held back by the rate limit)",
			    json_integer_value(json_object_get(m,
			    "held_back")));
		fputc('\n', fp);
	}
}

/*
 * After the last batch: every stored device matched against the stored
 * advisories, and its risk computed (src/cmd/assess.c).
 */
/*
 * A finding new to its device: an EVE "vulnerability" event, and a CEF
 * line to syslog.
 */
static void
on_new_finding(const struct store_vuln_finding *f, void *arg)
{
	struct run *r = arg;
	json_t *body, *v;

	if (r->syslog != NULL)
		syslog_vuln(r->syslog, f, sensor_stats(r->sensor)->last_ts);
	if (r->eve == NULL || (v = json_vuln_finding(f)) == NULL)
		return;
	json_object_set_new(v, "asset", json_string(f->asset));
	if ((body = json_object()) != NULL) {
		json_object_set_new(body, "vulnerability", v);
		eve_write(r->eve, sensor_stats(r->sensor)->last_ts,
		    "vulnerability", body);
		json_decref(body);
	} else
		json_decref(v);
}

static void
run_assess(struct run *r)
{
	struct vuln_aliases *al = assess_aliases(NULL);
	struct assess_stats st;

	if (assess_store(r->store, al, r->detect_cfg, wall_usec(), &st,
	    on_new_finding, r) != 0) {
		log_error("%s: assessing vulnerabilities: %s", r->opts.db_path,
		    store_errmsg(r->store));
		r->store_failed = true;
	} else {
		r->assessed = st;
		r->assess_done = true;
	}
	vuln_alias_free(al);
}

int
run_close(struct run *r, struct capture *cap, char *const *inputs,
    int ninputs)
{
	double secs;
	struct asset **v;
	json_t *summary;
	size_t n;
	int rc = 0;

	sensor_finish(r->sensor);
	r->closing = true;
	run_tick(r);
	/* Before the stats line, which is the EVE log's last. */
	if (r->store != NULL && !r->store_failed)
		run_assess(r);
	secs = (double)(now_usec() - r->started) / 1e6;
	summary = summary_json(r, cap, inputs, ninputs, secs);
	if (r->store != NULL) {
		char *text = json_dumps(summary, JSON_COMPACT);

		if (!r->store_failed && store_run_finish(r->store, r->run_id,
		    wall_usec(), text != NULL ? text : "{}") != 0) {
			log_error("%s: %s", r->opts.db_path,
			    store_errmsg(r->store));
			r->store_failed = true;
		}
		free(text);
	}
	if (r->eve != NULL) {
		json_t *body = json_object();

		json_object_set(body, "stats", summary);
		eve_write(r->eve, sensor_stats(r->sensor)->last_ts, "stats",
		    body);
		json_decref(body);
	}
	v = inv_sorted(r->inv, &n);
	if (r->opts.json) {
		json_t *doc = json_object(), *arr = json_array();

		json_object_set_new(doc, "ward_version",
		    json_string(WARD_VERSION));
		json_object_set(doc, "inputs", json_object_get(summary,
		    "inputs"));
		json_object_set(doc, "summary", summary);
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_asset(v[i]));
		json_object_set_new(doc, "assets", arr);
		if (json_dumpf(doc, stdout, JSON_INDENT(2)) == -1)
			rc = EXIT_FAIL;
		putchar('\n');
		json_decref(doc);
	} else if (!r->opts.quiet) {
		table_print(stdout, v, n);
		print_alerts(stdout, r);
		if (r->assess_done)
			printf("\nVulnerabilities: %llu affected and %llu "
			    "potentially affected, on %llu of %llu devices "
			    "(ward vuln report --db %s)\n",
			    (unsigned long long)r->assessed.affected,
			    (unsigned long long)r->assessed.potential,
			    (unsigned long long)r->assessed.assets_vulnerable,
			    (unsigned long long)r->assessed.assets,
			    r->opts.db_path);
		print_summary(stdout, summary);
	}
	free(v);
	if (cap != NULL && capture_nerrors(cap) > 0) {
		for (size_t i = 0; i < capture_nerrors(cap); i++)
			log_error("%s", capture_error(cap, i));
		rc = EXIT_INPUT;
	}
	if (r->syslog != NULL && syslog_close(r->syslog) == -1) {
		log_error("%s: some alerts could not be sent",
		    r->opts.syslog_target);
		rc = EXIT_FAIL;
	}
	r->syslog = NULL;
	if (r->eve != NULL && eve_close(r->eve) == -1) {
		log_error("%s: writing the EVE log failed", r->opts.eve_path);
		rc = EXIT_FAIL;
	}
	r->eve = NULL;
	if (r->store_failed)
		rc = EXIT_FAIL;
	if (fflush(stdout) == EOF)
		rc = EXIT_FAIL;
	json_decref(summary);
	run_free(r);
	return rc;
}

void
run_free(struct run *r)
{
	(void)eve_close(r->eve);
	(void)syslog_close(r->syslog);
	exposure_free(r->exposure);
	detector_free(r->detector);
	alerter_free(r->alerter);
	detect_config_free(r->detect_cfg);
	free(r->alerts);
	store_close(r->store);
	inv_free(r->inv);
	sensor_free(r->sensor);
	oui_free(r->oui);
	ident_rules_free(r->rules);
	dept_free(r->depts);
	free(r->changes);
	memset(r, 0, sizeof(*r));
}
