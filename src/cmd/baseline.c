/*
 * baseline.c - ward baseline: the behaviour baselines in the store
 * (docs/alerts-baseline.md): learned from captures, listed, and approved
 * or rejected item by item.
 *
 * list only reads (one snapshot, streamed); approve and reject write one
 * small transaction each, which a running sensor picks up at its next
 * batch; learn is ward analyze with the detector in learning mode.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ward-config.h"
#include "ward/error.h"
#include "cmd.h"

enum {
	OPT_ASSET = 320,
	OPT_TYPE,
	OPT_STATE,
	OPT_KIND,
};

static void
baseline_usage(FILE *fp)
{
	fprintf(fp, "Usage: ward baseline list [options] --db FILE\n"
	    "       ward baseline approve|reject ID... --db FILE\n"
	    "       ward baseline learn [analyze options] --db FILE "
	    "CAPTURE...\n\n"
	    "Behaviour baselines kept by ward analyze --db and ward sensor "
	    "--db: what\neach device and device type normally does, each item "
	    "learned, approved,\nrejected or pending (a deviation awaiting "
	    "review).\n\nOptions:\n"
	    "  -d, --db FILE      the SQLite store (required)\n"
	    "      --asset KEY    list: only this asset (MAC or IP)\n"
	    "      --type TYPE    list: only devices of this type, and the "
	    "type's own items\n"
	    "      --state STATE  list: learned, approved, rejected or "
	    "pending\n"
	    "      --kind KIND    list: peer, client, service, service_used, "
	    "protocol,\n"
	    "                     dicom_ae, dicom_sop, dicom_move, hl7_type, "
	    "hl7_partner,\n"
	    "                     mqtt_publish, mqtt_subscribe, hour, infra, "
	    "credential\n"
	    "  -j, --json         list as JSON\n"
	    "  -h, --help         show this help\n"
	    "\nlearn reads the captures as ward analyze does (same options) "
	    "and learns\neverything they show, whatever the policy's mode.\n"
	    "\nExit status: 0 on success, 1 when an ID is not in the store, "
	    "2 on a usage\nerror, 3 when the store cannot be used.\n");
}

struct listing {
	bool	 json;
	size_t	 n;
	bool	 failed;
};

static int
print_item(const struct store_bl_item *it, void *arg)
{
	struct listing *l = arg;
	char first[40], last[40];

	if (l->json) {
		json_t *o = json_object();

		json_object_set_new(o, "id", json_integer(it->id));
		json_object_set_new(o, "scope", json_string(it->scope));
		json_object_set_new(o, "key", json_string(it->key));
		json_object_set_new(o, "kind", json_string(it->kind));
		json_object_set_new(o, "value", json_string(it->value));
		json_object_set_new(o, "state", json_string(it->state));
		json_object_set_new(o, "first", json_string(fmt_time(it->first,
		    first, sizeof(first))));
		json_object_set_new(o, "last", json_string(fmt_time(it->last,
		    last, sizeof(last))));
		json_object_set_new(o, "count",
		    json_integer((json_int_t)it->count));
		fputs(l->n == 0 ? "\n" : ",\n", stdout);
		if (json_dumpf(o, stdout, JSON_COMPACT) == -1)
			l->failed = true;
		json_decref(o);
	} else
		printf("%-6" PRId64 " %-8s %-7s %-17s %-14s %-27s %6" PRIu64
		    "  %s\n", it->id, it->state, it->scope, it->key, it->kind,
		    fmt_time(it->last, last, sizeof(last)), it->count,
		    it->value);
	l->n++;
	return 0;
}

static int
do_list(struct store *s, const struct store_bl_filter *f, bool json)
{
	struct listing l = { .json = json };
	int rc;

	if (json)
		printf("{\"ward_version\": \"%s\", \"items\": [", WARD_VERSION);
	else
		printf("%-6s %-8s %-7s %-17s %-14s %-27s %6s  %s\n", "ID",
		    "STATE", "SCOPE", "KEY", "KIND", "LAST", "COUNT", "VALUE");
	rc = store_bl_foreach_item(s, f, print_item, &l);
	if (json)
		fputs(l.n > 0 ? "\n]}\n" : "]}\n", stdout);
	if (rc != 0) {
		fprintf(stderr, "ward baseline: %s\n", store_errmsg(s));
		return EXIT_FAIL;
	}
	if (l.failed || fflush(stdout) == EOF)
		return EXIT_FAIL;
	return 0;
}

static int
do_review(struct store *s, const char *state, char **ids, int n)
{
	int ret = 0;

	for (int i = 0; i < n; i++) {
		char *end;
		long long id;
		int rc;

		errno = 0;
		id = strtoll(ids[i], &end, 10);
		if (errno != 0 || end == ids[i] || *end != '\0' || id <= 0) {
			fprintf(stderr, "ward baseline: not an item id: "
			    "'%s'\n", ids[i]);
			return EXIT_USAGE;
		}
		rc = store_bl_set_state(s, id, state);
		if (rc == WARD_ENOTFOUND) {
			fprintf(stderr, "ward baseline: no item %lld in the "
			    "store\n", id);
			ret = EXIT_INPUT;
		} else if (rc != 0) {
			fprintf(stderr, "ward baseline: %s\n",
			    store_errmsg(s));
			return EXIT_FAIL;
		}
	}
	return ret;
}

int
cmd_baseline(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "asset", required_argument, NULL, OPT_ASSET },
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "kind", required_argument, NULL, OPT_KIND },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_bl_filter f;
	const char *db = NULL, *sub, *state = NULL;
	struct store *s;
	bool json = false;
	int c, rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		baseline_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	sub = argv[1];
	if (strcmp(sub, "learn") == 0)
		return analyze_run(argc - 1, argv + 1, "baseline learn",
		    DETECT_LEARN);
	if (strcmp(sub, "approve") == 0)
		state = "approved";
	else if (strcmp(sub, "reject") == 0)
		state = "rejected";
	else if (strcmp(sub, "list") != 0) {
		fprintf(stderr, "ward baseline: '%s' is not list, approve, "
		    "reject or learn\n", sub);
		return EXIT_USAGE;
	}
	memset(&f, 0, sizeof(f));
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "d:jh", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case OPT_ASSET:
			f.key = optarg;
			f.scope = "asset";
			break;
		case OPT_TYPE:
			f.type = optarg;
			break;
		case OPT_STATE:
			if (strcmp(optarg, "learned") != 0 &&
			    strcmp(optarg, "approved") != 0 &&
			    strcmp(optarg, "rejected") != 0 &&
			    strcmp(optarg, "pending") != 0) {
				fprintf(stderr, "ward baseline: --state is not "
				    "learned, approved, rejected or pending: "
				    "'%s'\n", optarg);
				return EXIT_USAGE;
			}
			f.state = optarg;
			break;
		case OPT_KIND:
			f.kind = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			baseline_usage(stdout);
			return 0;
		default:
			fprintf(stderr, "Try 'ward baseline --help'.\n");
			return EXIT_USAGE;
		}
	}
	argc -= optind + 1;
	argv += optind + 1;
	if (db == NULL) {
		fprintf(stderr, "ward baseline %s: no store given (--db "
		    "FILE)\n", sub);
		return EXIT_USAGE;
	}
	if (state == NULL && argc > 0) {
		fprintf(stderr, "ward baseline list: unexpected argument "
		    "'%s'\n", argv[0]);
		return EXIT_USAGE;
	}
	if (state != NULL && argc == 0) {
		fprintf(stderr, "ward baseline %s: no item id given\n", sub);
		return EXIT_USAGE;
	}
	if ((s = open_existing_store("baseline", db)) == NULL)
		return EXIT_FAIL;
	rc = state == NULL ? do_list(s, &f, json) :
	    do_review(s, state, argv, argc);
	store_close(s);
	return rc;
}
