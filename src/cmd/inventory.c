/*
 * inventory.c - ward inventory: the stored inventory (ward analyze --db,
 * ward sensor --db) listed, shown one asset at a time with its evidence
 * and history, and exported as JSON, CSV or HL7 FHIR R4 Device resources.
 *
 * It only reads: each command is one read snapshot of the store, so a
 * sensor may go on writing the same file. Output is streamed one asset at
 * a time, so memory does not grow with the inventory.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "ward-config.h"
#include "ward/error.h"
#include "ward/log.h"
#include "cmd.h"

enum inv_format { FMT_TABLE, FMT_JSON, FMT_CSV, FMT_FHIR };

struct filter {
	const char	*type;
	const char	*department;
	const char	*vendor;
	int		 status;	/* 0: any, else ASSET_ONLINE/OFFLINE */
};

struct walk {
	const struct filter *f;
	enum inv_format	 fmt;
	FILE		*out;
	size_t		 n;
	bool		 failed;
};

enum {
	OPT_TYPE = 300,
	OPT_DEPARTMENT,
	OPT_VENDOR,
	OPT_ONLINE,
	OPT_OFFLINE,
	OPT_FORMAT,
};

static void
inventory_usage(FILE *fp)
{
	fprintf(fp, "Usage: ward inventory list [options]\n"
	    "       ward inventory show [options] ASSET\n"
	    "       ward inventory export --format json|csv|fhir [options]\n\n"
	    "Reads the inventory that ward analyze --db or ward sensor --db "
	    "keeps.\nASSET is a MAC or an IP address.\n\nOptions:\n"
	    "  -d, --db FILE          the SQLite store (required)\n"
	    "      --type TYPE        only devices identified as TYPE (ct, "
	    "infusion_pump...)\n"
	    "      --department NAME  only devices of this department\n"
	    "      --vendor TEXT      only devices whose vendor contains TEXT\n"
	    "      --online           only devices online when last seen\n"
	    "      --offline          only devices offline\n"
	    "  -j, --json             list or show as JSON\n"
	    "      --format FORMAT    export format: json, csv or fhir (an HL7 "
	    "FHIR R4\n"
	    "                         Bundle of Device resources)\n"
	    "  -o, --output FILE      write to FILE instead of standard "
	    "output\n"
	    "  -h, --help             show this help\n"
	    "\nExit status: 0 on success, 1 when the asset is not in the "
	    "store, 2 on a\nusage error, 3 when the store cannot be read.\n");
}

static bool
matches(const struct filter *f, const struct asset *a)
{
	const char *t;

	if (f->type != NULL) {
		t = a->ident != NULL ? a->ident->value[IDENT_TYPE] : "";
		if (strcasecmp(t, f->type) != 0)
			return false;
	}
	if (f->department != NULL && (a->dept == NULL ||
	    strcasecmp(a->dept->name, f->department) != 0))
		return false;
	if (f->status != 0 && (int)a->status != f->status)
		return false;
	if (f->vendor != NULL) {
		t = a->ident != NULL ? a->ident->value[IDENT_VENDOR] : "";
		if (strcasestr(t, f->vendor) == NULL && (a->vendor == NULL ||
		    strcasestr(a->vendor, f->vendor) == NULL))
			return false;
	}
	return true;
}

/* Writes one jansson value; false on a write error. */
static bool
dump(FILE *fp, json_t *v, size_t flags)
{
	int rc = json_dumpf(v, fp, flags);

	json_decref(v);
	return rc == 0;
}

static int
each_asset(const struct asset *a, void *arg)
{
	struct walk *w = arg;

	if (!matches(w->f, a))
		return 0;
	switch (w->fmt) {
	case FMT_TABLE:
		table_print_row(w->out, a);
		break;
	case FMT_JSON:
		fputs(w->n == 0 ? "\n" : ",\n", w->out);
		if (!dump(w->out, json_asset(a), JSON_INDENT(2)))
			w->failed = true;
		break;
	case FMT_CSV:
		csv_print_asset(w->out, a);
		break;
	case FMT_FHIR: {
		json_t *e = json_object();
		char key[ADDR_STRLEN], uuid[37], url[48];

		if (fhir_uuid(asset_key(a, key, sizeof(key)), uuid) == -1) {
			json_decref(e);
			w->failed = true;
			return 0;
		}
		(void)snprintf(url, sizeof(url), "urn:uuid:%s", uuid);
		json_object_set_new(e, "fullUrl", json_string(url));
		json_object_set_new(e, "resource", fhir_device(a));
		/* FHIR JSON has no empty arrays: "entry" opens with one. */
		fputs(w->n == 0 ? ",\"entry\":[\n" : ",\n", w->out);
		if (!dump(w->out, e, JSON_COMPACT))
			w->failed = true;
		break;
	}
	}
	w->n++;
	return 0;
}

static int
run_list(struct store *s, const struct filter *f, enum inv_format fmt,
    FILE *out)
{
	struct walk w = { .f = f, .fmt = fmt, .out = out };
	char t[40];
	int rc;

	switch (fmt) {
	case FMT_TABLE:
		table_print_header(out);
		break;
	case FMT_JSON:
		fprintf(out, "{\"ward_version\": \"%s\", \"assets\": [",
		    WARD_VERSION);
		break;
	case FMT_CSV:
		csv_print_header(out);
		break;
	case FMT_FHIR:
		fprintf(out, "{\"resourceType\":\"Bundle\",\"type\":"
		    "\"collection\",\"timestamp\":\"%s\"",
		    fmt_time(wall_usec(), t, sizeof(t)));
		break;
	}
	rc = store_foreach_asset(s, each_asset, &w);
	switch (fmt) {
	case FMT_TABLE:
	case FMT_CSV:
		break;
	case FMT_JSON:
		fputs(w.n > 0 ? "\n]}\n" : "]}\n", out);
		break;
	case FMT_FHIR:
		fputs(w.n > 0 ? "\n]}\n" : "}\n", out);
		break;
	}
	if (rc != 0) {
		fprintf(stderr, "ward inventory: %s\n", store_errmsg(s));
		return EXIT_FAIL;
	}
	return w.failed ? EXIT_FAIL : 0;
}

/* --- show ----------------------------------------------------------------- */

struct show {
	FILE		*out;
	struct store	*store;
	bool		 json;
	bool		 failed;
	json_t		*history;
};

static int
history_json(const struct store_change *c, void *arg)
{
	json_t *arr = arg, *e = json_object();
	char t[40];

	json_object_set_new(e, "time", json_string(fmt_time(c->time, t,
	    sizeof(t))));
	json_object_set_new(e, "change", json_string(c->change));
	if (c->detail != NULL)
		json_object_set_new(e, "detail", json_string(c->detail));
	json_object_set_new(e, "old", c->old_value != NULL ?
	    json_string(c->old_value) : json_null());
	json_object_set_new(e, "new", c->new_value != NULL ?
	    json_string(c->new_value) : json_null());
	json_array_append_new(arr, e);
	return 0;
}

static int
history_text(const struct store_change *c, void *arg)
{
	FILE *fp = arg;
	char t[40];

	fprintf(fp, "  %s  %-24s %s -> %s%s%s%s\n", fmt_time(c->time, t,
	    sizeof(t)), c->change, c->old_value != NULL ? c->old_value : "-",
	    c->new_value != NULL ? c->new_value : "-",
	    c->detail != NULL ? " (" : "", c->detail != NULL ? c->detail : "",
	    c->detail != NULL ? ")" : "");
	return 0;
}

static const char *
ip_sources_text(uint32_t src, char *buf, size_t len)
{
	(void)snprintf(buf, len, "%s%s%s%s",
	    src & IPSRC_DHCP ? " dhcp" : "", src & IPSRC_ARP ? " arp" : "",
	    src & IPSRC_NDP ? " ndp" : "", src & IPSRC_TRAFFIC ?
	    " traffic" : "");
	return buf[0] == ' ' ? buf + 1 : buf;
}

static void
show_text(FILE *fp, const struct asset *a)
{
	const struct ident_verdict *v = a->ident;
	char key[ADDR_STRLEN], ip[ADDR_STRLEN], t1[40], t2[40], src[40];
	const char *host = asset_hostname(a);

	fprintf(fp, "asset %s\n", asset_key(a, key, sizeof(key)));
	fprintf(fp, "  hostname      %s\n", host != NULL ? host : "-");
	fprintf(fp, "  MAC vendor    %s\n", a->vendor != NULL ? a->vendor :
	    "-");
	for (int d = 0; d < IDENT_DIMS; d++) {
		const char *val = v != NULL ? v->value[d] : "";

		if (d == IDENT_MODEL && val[0] == '\0' && a->model != NULL)
			fprintf(fp, "  %-13s %s (announced in %s)\n", "model",
			    a->model, a->model_source != NULL ?
			    a->model_source : "traffic");
		else if (val[0] != '\0')
			fprintf(fp, "  %-13s %s (confidence %.0f%%)\n",
			    ident_dim_name((enum ident_dim)d), val,
			    100 * v->conf[d]);
		else
			fprintf(fp, "  %-13s -\n",
			    ident_dim_name((enum ident_dim)d));
	}
	if (a->dept != NULL)
		fprintf(fp, "  department    %s%s%s%s%s%s\n", a->dept->name,
		    a->dept->location != NULL ? " (" : "",
		    a->dept->location != NULL ? a->dept->location : "",
		    a->dept->building != NULL ? ", building " : "",
		    a->dept->building != NULL ? a->dept->building : "",
		    a->dept->location != NULL ? ")" : "");
	else
		fprintf(fp, "  department    -\n");
	if (a->vlan != 0)
		fprintf(fp, "  vlan          %u\n", a->vlan);
	fprintf(fp, "  status        %s", asset_status_name(a->status));
	if (a->status != ASSET_STATUS_UNKNOWN)
		fprintf(fp, " since %s (offline after %llu s of silence)",
		    fmt_time(a->status_since, t1, sizeof(t1)),
		    (unsigned long long)(a->status_limit / 1000000));
	fprintf(fp, "\n  first seen    %s\n  last seen     %s\n",
	    fmt_time(a->first, t1, sizeof(t1)), fmt_time(a->last, t2,
	    sizeof(t2)));
	fprintf(fp, "addresses:\n");
	for (size_t i = 0; i < a->nips; i++)
		fprintf(fp, "  %-26s %-18s %s .. %s\n", addr_fmt(&a->ips[i].addr,
		    ip, sizeof(ip)), ip_sources_text(a->ips[i].sources, src,
		    sizeof(src)), fmt_time(a->ips[i].first, t1, sizeof(t1)),
		    fmt_time(a->ips[i].last, t2, sizeof(t2)));
	if (a->nnames > 0)
		fprintf(fp, "hostnames:\n");
	for (size_t i = 0; i < a->nnames; i++)
		fprintf(fp, "  %-40s %-9s seen %llu times\n", a->names[i].name,
		    name_source_str(a->names[i].source),
		    (unsigned long long)a->names[i].count);
	if (v != NULL && v->nev > 0)
		fprintf(fp, "identification evidence:\n");
	for (size_t i = 0; v != NULL && i < v->nev; i++)
		fprintf(fp, "  rule %s (%s), weight %.2f: %s = %s\n",
		    v->ev[i].rule, v->ev[i].source, v->ev[i].weight,
		    v->ev[i].key, v->ev[i].value);
	if (a->nattrs > 0)
		fprintf(fp, "attributes:\n");
	for (size_t i = 0; i < a->nattrs; i++)
		fprintf(fp, "  %s = %s (seen %llu times, %s .. %s)\n",
		    a->attrs[i].key, a->attrs[i].value,
		    (unsigned long long)a->attrs[i].count,
		    fmt_time(a->attrs[i].first, t1, sizeof(t1)),
		    fmt_time(a->attrs[i].last, t2, sizeof(t2)));
	if (a->nservices > 0)
		fprintf(fp, "services:\n");
	for (size_t i = 0; i < a->nservices; i++)
		fprintf(fp, "  %s/%u (%llu connections)\n",
		    proto_name(a->services[i].proto), a->services[i].port,
		    (unsigned long long)a->services[i].conns);
}

/* Risk, vulnerabilities and exposures (docs/vuln.md), as JSON. */
struct assessment {
	json_t		*risk;		/* {"score", "terms"} or null */
	json_t		*vulns;
	json_t		*exposures;
	bool		 failed;
};

static int
risk_json(const struct store_risk *r, void *arg)
{
	struct assessment *x = arg;
	json_t *terms = json_loads(r->terms, 0, NULL);

	x->risk = json_pack("{s:f, s:o}", "score", r->score, "terms",
	    terms != NULL ? terms : json_object());
	return 0;
}

static int
finding_json(const struct store_vuln_finding *f, void *arg)
{
	struct assessment *x = arg;

	if (json_array_append_new(x->vulns, json_vuln_finding(f)) == -1)
		x->failed = true;
	return 0;
}

static int
exposure_json(const struct store_exposure *e, void *arg)
{
	struct assessment *x = arg;

	if (json_array_append_new(x->exposures, json_store_exposure(e)) == -1)
		x->failed = true;
	return 0;
}

static bool
assessment_load(struct store *s, const char *key, struct assessment *x)
{
	memset(x, 0, sizeof(*x));
	x->vulns = json_array();
	x->exposures = json_array();
	if (x->vulns == NULL || x->exposures == NULL ||
	    store_foreach_risk(s, key, risk_json, x) != 0 ||
	    store_vuln_foreach_finding(s, key, finding_json, x) != 0 ||
	    store_foreach_exposure(s, key, exposure_json, x) != 0)
		x->failed = true;
	return !x->failed;
}

static void
assessment_clear(struct assessment *x)
{
	json_decref(x->risk);
	json_decref(x->vulns);
	json_decref(x->exposures);
}

static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "-";
}

static void
assessment_text(FILE *fp, const struct assessment *x)
{
	json_t *t = json_object_get(x->risk, "terms"), *o;
	size_t i;

	if (x->risk != NULL)
		fprintf(fp, "risk: %.1f (vulnerabilities %.2f, exposures "
		    "%.2f, alerts %.2f; criticality %.2f: %s)\n",
		    json_real_value(json_object_get(x->risk, "score")),
		    json_real_value(json_object_get(json_object_get(t,
		    "vulnerabilities"), "value")),
		    json_real_value(json_object_get(json_object_get(t,
		    "exposures"), "value")),
		    json_real_value(json_object_get(json_object_get(t,
		    "alerts"), "value")),
		    json_real_value(json_object_get(json_object_get(t,
		    "criticality"), "value")),
		    jstr(json_object_get(t, "criticality"), "why"));
	if (json_array_size(x->vulns) > 0)
		fprintf(fp, "vulnerabilities:\n");
	json_array_foreach(x->vulns, i, o)
		fprintf(fp, "  %s %s (confidence %.2f): %s\n    evidence: %s\n",
		    jstr(o, "id"), jstr(o, "status"),
		    json_real_value(json_object_get(o, "confidence")),
		    jstr(o, "reason"), jstr(o, "evidence"));
	if (json_array_size(x->exposures) > 0)
		fprintf(fp, "exposures:\n");
	json_array_foreach(x->exposures, i, o)
		fprintf(fp, "  %s %s: %s\n", jstr(o, "kind"),
		    jstr(o, "severity"), jstr(o, "title"));
}

static int
show_one(const struct asset *a, void *arg)
{
	struct show *sh = arg;
	struct assessment as;
	char key[ADDR_STRLEN];
	json_t *o;

	asset_key(a, key, sizeof(key));
	if (!assessment_load(sh->store, key, &as))
		sh->failed = true;
	if (sh->json) {
		o = json_asset(a);
		json_object_set(o, "risk", as.risk != NULL ? as.risk :
		    json_null());
		json_object_set(o, "vulnerabilities", as.vulns);
		json_object_set(o, "exposures", as.exposures);
		assessment_clear(&as);
		sh->history = json_array();
		if (store_foreach_change(sh->store, key, history_json,
		    sh->history) != 0)
			sh->failed = true;
		json_object_set(o, "history", sh->history);
		json_decref(sh->history);
		if (!dump(sh->out, o, JSON_INDENT(2)))
			sh->failed = true;
		fputc('\n', sh->out);
		return 0;
	}
	show_text(sh->out, a);
	assessment_text(sh->out, &as);
	assessment_clear(&as);
	fprintf(sh->out, "history:\n");
	if (store_foreach_change(sh->store, key, history_text, sh->out) != 0)
		sh->failed = true;
	return 0;
}

static int
run_show(struct store *s, const char *what, bool json, FILE *out)
{
	struct show sh = { .out = out, .store = s, .json = json };
	struct ward_addr ip;
	uint8_t mac[6];
	char key[ADDR_STRLEN];
	int rc;

	if (mac_parse(what, mac) == 0)
		mac_fmt(mac, key, sizeof(key));
	else if (addr_parse(what, &ip) == 0) {
		addr_fmt(&ip, key, sizeof(key));
		/* An asset keyed by this IP, else the one that used it last. */
		rc = store_get_asset(s, key, show_one, &sh);
		if (rc != WARD_ENOTFOUND)
			goto out;
		if ((rc = store_key_by_ip(s, key, key, sizeof(key))) != 0)
			goto out;
	} else {
		fprintf(stderr, "ward inventory show: '%s' is neither a MAC "
		    "nor an IP address\n", what);
		return EXIT_USAGE;
	}
	rc = store_get_asset(s, key, show_one, &sh);
out:
	if (rc == WARD_ENOTFOUND) {
		fprintf(stderr, "ward inventory show: no asset %s in the "
		    "store\n", what);
		return EXIT_INPUT;
	}
	if (rc != 0 || sh.failed) {
		fprintf(stderr, "ward inventory: %s\n", store_errmsg(s));
		return EXIT_FAIL;
	}
	return 0;
}

/* --- the command ---------------------------------------------------------- */

int
cmd_inventory(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "department", required_argument, NULL, OPT_DEPARTMENT },
		{ "vendor", required_argument, NULL, OPT_VENDOR },
		{ "online", no_argument, NULL, OPT_ONLINE },
		{ "offline", no_argument, NULL, OPT_OFFLINE },
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct filter f = { 0 };
	const char *db = NULL, *sub, *outpath = NULL, *format = NULL;
	enum inv_format fmt = FMT_TABLE;
	struct store *s;
	FILE *out = stdout;
	bool json = false, werr;
	int c, rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		inventory_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	sub = argv[1];
	if (strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0 &&
	    strcmp(sub, "export") != 0) {
		fprintf(stderr, "ward inventory: '%s' is not list, show or "
		    "export\n", sub);
		return EXIT_USAGE;
	}
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:jo:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case OPT_TYPE:
			f.type = optarg;
			break;
		case OPT_DEPARTMENT:
			f.department = optarg;
			break;
		case OPT_VENDOR:
			f.vendor = optarg;
			break;
		case OPT_ONLINE:
		case OPT_OFFLINE:
			if (f.status != 0) {
				fprintf(stderr, "ward inventory: --online and "
				    "--offline exclude each other\n");
				return EXIT_USAGE;
			}
			f.status = c == OPT_ONLINE ? ASSET_ONLINE :
			    ASSET_OFFLINE;
			break;
		case 'j':
			json = true;
			break;
		case OPT_FORMAT:
			format = optarg;
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'h':
			inventory_usage(stdout);
			return 0;
		default:
			fprintf(stderr, "Try 'ward inventory --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (db == NULL) {
		fprintf(stderr, "ward inventory: no database given (--db "
		    "FILE)\n");
		return EXIT_USAGE;
	}
	if (strcmp(sub, "export") == 0) {
		if (format == NULL || (strcmp(format, "json") != 0 &&
		    strcmp(format, "csv") != 0 && strcmp(format, "fhir") != 0)) {
			fprintf(stderr, "ward inventory export: --format is "
			    "not json, csv or fhir: '%s'\n",
			    format != NULL ? format : "");
			return EXIT_USAGE;
		}
		fmt = format[0] == 'j' ? FMT_JSON : format[0] == 'c' ?
		    FMT_CSV : FMT_FHIR;
	} else if (format != NULL) {
		fprintf(stderr, "ward inventory %s: --format is for export\n",
		    sub);
		return EXIT_USAGE;
	} else if (json)
		fmt = FMT_JSON;
	if (strcmp(sub, "show") == 0 ? optind != argc - 1 : optind != argc) {
		fprintf(stderr, "ward inventory %s: %s\n", sub,
		    strcmp(sub, "show") == 0 ? "wants one ASSET (a MAC or an "
		    "IP address)" : "unexpected argument");
		return EXIT_USAGE;
	}
	if ((s = open_existing_store("inventory", db)) == NULL)
		return EXIT_FAIL;
	if (outpath != NULL && (out = fopen(outpath, "w")) == NULL) {
		fprintf(stderr, "ward inventory: %s: %s\n", outpath,
		    strerror(errno));
		store_close(s);
		return EXIT_FAIL;
	}
	if (strcmp(sub, "show") == 0)
		rc = run_show(s, argv[optind], json, out);
	else
		rc = run_list(s, &f, fmt, out);
	werr = fflush(out) == EOF || ferror(out);
	if (out != stdout && fclose(out) == EOF)
		werr = true;
	if (werr) {
		fprintf(stderr, "ward inventory: writing %s failed\n",
		    outpath != NULL ? outpath : "the output");
		rc = EXIT_FAIL;
	}
	store_close(s);
	return rc;
}
