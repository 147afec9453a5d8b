/*
 * audit.c - ward audit: an opt-in check of default and weak credentials
 * on the devices of an allow-list (docs/audit.md).
 *
 * Everything is checked before the first packet: the allow-list must
 * exist and hold every target, the credential file and the targets must
 * parse, the log must open. Then the targets run one after the other,
 * each with its plan (src/audit/plan.c) through the engine
 * (src/audit/engine.c).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "ward-config.h"
#include "ward/audit.h"
#include "src/audit/audit-private.h"
#include "cmd.h"

#define EXIT_FOUND 1	/* the audit ran and found credentials */

enum {
	OPT_ALLOW = 400,
	OPT_TARGETS,
	OPT_CREDS,
	OPT_LOG,
	OPT_MAX_GUESSES,
	OPT_DELAY,
	OPT_TIMEOUT,
	OPT_DRY_RUN,
};

static void
audit_usage(FILE *fp)
{
	fprintf(fp, "Usage: ward audit --allow FILE --log FILE [options] "
	    "[TARGET [key=value...]]...\n\n"
	    "Tries the published default credentials, and a few weak ones, "
	    "on the\ntargets, which must all be in the allow-list. Safe "
	    "for fragile devices:\none connection per target at a time, "
	    "fewer guesses than the device's\nlockout, a pause between "
	    "attempts, a stop at the first error.\n\n"
	    "A TARGET is PROTO://ADDR[:PORT][/PATH] with PROTO ssh, telnet, "
	    "ftp, http,\ntomcat, mysql, postgresql or weblogic, followed by "
	    "vendor=V model=M\n(the device's defaults are tried first), "
	    "path=/P (HTTP) or tls=1\n(PostgreSQL).\n\nOptions:\n"
	    "      --allow FILE       the addresses and ports that may be "
	    "audited\n"
	    "                         (required: lines ADDR[/PREFIX] "
	    "[PORTS])\n"
	    "      --targets FILE     targets, one a line, with their "
	    "key=value words\n"
	    "      --creds FILE       credential file (default: the "
	    "installed\n"
	    "                         audit/defaults.yaml)\n"
	    "      --log FILE         append every attempt to FILE as JSON "
	    "lines\n"
	    "                         (required; never holds a password)\n"
	    "      --max-guesses N    at most N guesses per target "
	    "(default 3), and\n"
	    "                         always fewer than its lockout\n"
	    "      --delay SECONDS    pause between attempts (default 1)\n"
	    "      --timeout SECONDS  for each connect, send and receive "
	    "(default 5)\n"
	    "      --dry-run          print the plan, send nothing\n"
	    "  -j, --json             print the findings as one JSON "
	    "document\n"
	    "  -q, --quiet            print nothing but errors and findings\n"
	    "  -h, --help             show this help\n\n"
	    "Exit status: 0 nothing found, 1 credentials found, 2 usage or "
	    "refused\ntarget, 3 could not run.\n");
}

static int
parse_seconds(const char *s, double max, uint64_t *usec)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= 0) || v > max)
		return -1;
	*usec = (uint64_t)(v * 1e6 + 0.5);
	return 0;
}

static const char *
tier_name(enum audit_tier t)
{
	return t == AUDIT_TIER_MODEL ? "model" : t == AUDIT_TIER_VENDOR ?
	    "vendor" : "generic";
}

static const char *
status_name(enum audit_status s)
{
	switch (s) {
	case AUDIT_ST_FOUND:
		return "found";
	case AUDIT_ST_CLEAN:
		return "clean";
	case AUDIT_ST_STOPPED:
		return "stopped";
	case AUDIT_ST_NOPLAN:
		return "no-plan";
	}
	return "?";
}

static json_t *
summary_json(const struct audit_target *ts, const struct audit_outcome *os,
    size_t n, const char *log_path)
{
	json_t *doc = json_object(), *targets = json_array(),
	    *findings = json_array();
	char a[ADDR_STRLEN];

	for (size_t i = 0; i < n; i++) {
		const struct audit_target *t = &ts[i];
		const struct audit_outcome *o = &os[i];
		json_t *jt;

		(void)addr_fmt(&t->addr, a, sizeof(a));
		jt = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:i, s:i, s:i, "
		    "s:i, s:s}", "target", t->name, "protocol",
		    audit_proto_name(t->proto), "address", a, "port",
		    (int)t->port, "vendor", t->vendor, "model", t->model,
		    "planned", (int)o->plan.n, "limit", (int)o->plan.limit,
		    "attempts", (int)o->attempts, "connections",
		    (int)o->conns, "status", status_name(o->status));
		if (jt != NULL && o->why[0] != '\0')
			(void)json_object_set_new(jt, "stopped",
			    json_string(o->why));
		(void)json_array_append_new(targets, jt);
		if (o->found != NULL) {
			const struct audit_cred *c = o->found;

			(void)json_array_append_new(findings, json_pack(
			    "{s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:b, "
			    "s:s}", "target", t->name, "protocol",
			    audit_proto_name(t->proto), "address", a, "port",
			    (int)t->port, "user", c->user, "entry", c->id,
			    "match", tier_name(o->found_tier), "source",
			    c->source, "empty_password", c->password[0] ==
			    '\0', "remediation", c->remediation != NULL ?
			    c->remediation : audit_remediation(t->proto)));
		}
	}
	(void)json_object_set_new(doc, "log", json_string(log_path));
	(void)json_object_set_new(doc, "targets", targets);
	(void)json_object_set_new(doc, "findings", findings);
	return doc;
}

static void
summary_text(const struct audit_target *ts, const struct audit_outcome *os,
    size_t n, bool quiet)
{
	size_t nfound = 0;
	unsigned attempts = 0;

	for (size_t i = 0; i < n; i++) {
		const struct audit_outcome *o = &os[i];

		attempts += o->attempts;
		if (o->found == NULL)
			continue;
		nfound++;
		printf("FINDING %s: %s accepts the user '%s' with the %s "
		    "credential '%s'%s\n  source: %s\n  remediation: %s\n",
		    ts[i].name, audit_proto_name(ts[i].proto), o->found->user,
		    tier_name(o->found_tier), o->found->id,
		    o->found->password[0] == '\0' ? " (an empty password)" :
		    "", o->found->source, o->found->remediation != NULL ?
		    o->found->remediation : audit_remediation(ts[i].proto));
	}
	if (quiet)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct audit_outcome *o = &os[i];

		printf("%-40s %-8s %u/%u guesses, %u connections%s%s\n",
		    ts[i].name, status_name(o->status), o->attempts,
		    o->plan.limit, o->conns, o->why[0] != '\0' ? ": " : "",
		    o->why);
	}
	printf("ward audit: %zu targets, %u guesses, %zu findings\n", n,
	    attempts, nfound);
}

static void
print_plan(const struct audit_target *t, const struct audit_plan *p)
{
	printf("%s vendor=%s model=%s lockout=%u limit=%u\n", t->name,
	    t->vendor[0] != '\0' ? t->vendor : "-",
	    t->model[0] != '\0' ? t->model : "-", p->lockout, p->limit);
	for (size_t i = 0; i < p->n; i++)
		printf("  %zu %s %s user=%s\n", i + 1, tier_name(p->tier[i]),
		    p->c[i]->id, p->c[i]->user);
}

int
cmd_audit(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "allow", required_argument, NULL, OPT_ALLOW },
		{ "targets", required_argument, NULL, OPT_TARGETS },
		{ "creds", required_argument, NULL, OPT_CREDS },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "max-guesses", required_argument, NULL, OPT_MAX_GUESSES },
		{ "delay", required_argument, NULL, OPT_DELAY },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *allow_path = NULL, *targets_path = NULL,
	    *creds_path = NULL, *log_path = NULL;
	struct audit_run_opts ro = { .max_guesses = 3, .delay_usec = 1000000,
		.timeout_ms = 5000 };
	struct audit_allow *allow = NULL;
	struct audit_creds *creds = NULL;
	struct audit_target *ts = NULL;
	struct audit_outcome *os = NULL;
	size_t nt = 0, nfound = 0, refused = 0;
	bool json = false, quiet = false, dry = false;
	char err[512];
	unsigned long ul;
	uint64_t usec;
	char *end;
	int c, rc = EXIT_FAIL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jqh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_ALLOW:
			allow_path = optarg;
			break;
		case OPT_TARGETS:
			targets_path = optarg;
			break;
		case OPT_CREDS:
			creds_path = optarg;
			break;
		case OPT_LOG:
			log_path = optarg;
			break;
		case OPT_MAX_GUESSES:
			errno = 0;
			ul = strtoul(optarg, &end, 10);
			if (errno != 0 || *optarg < '0' || *optarg > '9' ||
			    *end != '\0' || ul < 1 || ul > AUDIT_PLAN_MAX) {
				fprintf(stderr, "ward audit: --max-guesses is "
				    "not a number 1-%d: '%s'\n",
				    AUDIT_PLAN_MAX, optarg);
				return EXIT_USAGE;
			}
			ro.max_guesses = (unsigned)ul;
			break;
		case OPT_DELAY:
			if (parse_seconds(optarg, 3600, &ro.delay_usec) == -1) {
				fprintf(stderr, "ward audit: --delay is not a "
				    "number of seconds 0-3600: '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_TIMEOUT:
			if (parse_seconds(optarg, 300, &usec) == -1 ||
			    usec < 100000) {
				fprintf(stderr, "ward audit: --timeout is not a "
				    "number of seconds 0.1-300: '%s'\n",
				    optarg);
				return EXIT_USAGE;
			}
			ro.timeout_ms = (int)(usec / 1000);
			break;
		case OPT_DRY_RUN:
			dry = true;
			break;
		case 'j':
			json = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			audit_usage(stdout);
			return 0;
		default:
			audit_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (allow_path == NULL) {
		fprintf(stderr, "ward audit: refusing to run without an "
		    "allow-list (--allow FILE: the addresses that may be "
		    "audited)\n");
		return EXIT_USAGE;
	}
	if (log_path == NULL && !dry) {
		fprintf(stderr, "ward audit: --log FILE is required (every "
		    "attempt is logged)\n");
		return EXIT_USAGE;
	}
	if ((allow = audit_allow_load(allow_path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "ward audit: %s\n", err);
		return EXIT_USAGE;
	}
	if (targets_path != NULL && audit_targets_load(targets_path, &ts, &nt,
	    err, sizeof(err)) == -1) {
		fprintf(stderr, "ward audit: %s\n", err);
		rc = EXIT_USAGE;
		goto out;
	}
	/* Positional targets: a URL and the key=value words after it. */
	for (int i = optind; i < argc;) {
		struct audit_target t, *nv;
		int j = i + 1;

		while (j < argc && strstr(argv[j], "://") == NULL)
			j++;
		if (audit_target_parse(argv[i], argv + i + 1,
		    (size_t)(j - i - 1), &t, err, sizeof(err)) == -1) {
			fprintf(stderr, "ward audit: %s\n", err);
			rc = EXIT_USAGE;
			goto out;
		}
		if ((nv = reallocarray(ts, nt + 1, sizeof(*nv))) == NULL) {
			fprintf(stderr, "ward audit: out of memory\n");
			goto out;
		}
		ts = nv;
		ts[nt++] = t;
		i = j;
	}
	if (nt == 0) {
		fprintf(stderr, "ward audit: no target (give PROTO://ADDR "
		    "arguments or --targets FILE)\n");
		rc = EXIT_USAGE;
		goto out;
	}
	/* Every target must be allowed before anything is sent. */
	for (size_t i = 0; i < nt; i++)
		if (!audit_allow_permits(allow, &ts[i].addr, ts[i].port)) {
			fprintf(stderr, "ward audit: %s is not in the "
			    "allow-list %s: refused\n", ts[i].name,
			    allow_path);
			refused++;
		}
	/*
	 * One address and port twice (say http:// and tomcat:// on 8080)
	 * would spend the device's lockout twice.
	 */
	for (size_t i = 0; i < nt; i++)
		for (size_t j = 0; j < i; j++)
			if (addr_eq(&ts[i].addr, &ts[j].addr) &&
			    ts[i].port == ts[j].port) {
				fprintf(stderr, "ward audit: %s and %s are the "
				    "same address and port: give it once\n",
				    ts[j].name, ts[i].name);
				refused++;
				j = i;
			}
	if (refused > 0) {
		fprintf(stderr, "ward audit: %zu target%s refused; nothing was "
		    "sent\n", refused, refused == 1 ? "" : "s");
		rc = EXIT_USAGE;
		goto out;
	}
	if (creds_path == NULL)
		creds_path = access(WARD_AUDIT_CREDS_FILE, R_OK) == 0 ?
		    WARD_AUDIT_CREDS_FILE : WARD_AUDIT_CREDS_SRC;
	if ((creds = audit_creds_load(creds_path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "ward audit: %s\n", err);
		rc = EXIT_USAGE;
		goto out;
	}
	if ((os = calloc(nt, sizeof(*os))) == NULL) {
		fprintf(stderr, "ward audit: out of memory\n");
		goto out;
	}
	for (size_t i = 0; i < nt; i++)
		audit_plan_make(creds, &ts[i], ro.max_guesses, &os[i].plan);
	if (dry) {
		for (size_t i = 0; i < nt; i++)
			print_plan(&ts[i], &os[i].plan);
		rc = 0;
		goto out;
	}
	if ((ro.log = fopen(log_path, "a")) == NULL) {
		fprintf(stderr, "ward audit: %s: %s\n", log_path,
		    strerror(errno));
		goto out;
	}
	/* A server that closes first must not kill the audit. */
	(void)signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < nt; i++) {
		if (audit_run_target(&ts[i], &ro, &os[i]) == -1) {
			fprintf(stderr, "ward audit: %s: cannot write the log; "
			    "stopping\n", log_path);
			goto out;
		}
		if (os[i].found != NULL)
			nfound++;
	}
	if (json) {
		json_t *doc = summary_json(ts, os, nt, log_path);

		if (doc == NULL || json_dumpf(doc, stdout, JSON_INDENT(2)) ==
		    -1) {
			json_decref(doc);
			goto out;
		}
		json_decref(doc);
		putchar('\n');
	} else {
		summary_text(ts, os, nt, quiet);
	}
	rc = nfound > 0 ? EXIT_FOUND : 0;
out:
	if (ro.log != NULL && fclose(ro.log) == EOF) {
		fprintf(stderr, "ward audit: %s: %s\n", log_path,
		    strerror(errno));
		rc = EXIT_FAIL;
	}
	free(os);
	free(ts);
	audit_creds_free(creds);
	audit_allow_free(allow);
	return rc;
}
