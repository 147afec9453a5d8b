/*
 * alerts.c - ward alerts: the alerts that ward analyze --db and ward
 * sensor --db stored, listed with filters, shown with their evidence, and
 * acknowledged, closed or opened again by the people who handle them.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ward/error.h"
#include "cmd.h"

enum {
	OPT_TYPE = 300,
	OPT_CATEGORY,
	OPT_ASSET,
	OPT_SEVERITY,
	OPT_STATUS,
	OPT_SINCE,
};

static void
alerts_usage(FILE *fp)
{
	fprintf(fp, "Usage: ward alerts list [options]\n"
	    "       ward alerts show [options] ID\n"
	    "       ward alerts ack|close|reopen [options] ID...\n\n"
	    "Reads the alerts that ward analyze --db or ward sensor --db "
	    "keep, newest\nfirst; ack, close and reopen set their status "
	    "(docs/alerts.md).\n\nOptions:\n"
	    "  -d, --db FILE          the SQLite store (required)\n"
	    "      --type TYPE        only alerts of this type (port_scan, "
	    "arp_spoof...)\n"
	    "      --category NAME    only this category (reconnaissance, "
	    "baseline...)\n"
	    "      --asset KEY        only alerts about this asset (a MAC or "
	    "an IP)\n"
	    "      --severity LEVEL   at least this severity: info, low, "
	    "medium, high,\n"
	    "                         critical\n"
	    "      --status STATUS    only open, acknowledged or closed "
	    "alerts\n"
	    "      --since TIME       last seen at or after TIME "
	    "(2026-11-21T10:00:00Z,\n"
	    "                         or 2026-11-21)\n"
	    "  -j, --json             list or show as JSON\n"
	    "  -h, --help             show this help\n"
	    "\nExit status: 0 on success, 1 when an alert is not in the "
	    "store, 2 on a\nusage error, 3 when the store cannot be read.\n");
}

/* "2026-11-21", "2026-11-21T10:00:00Z" (UTC) as microseconds. */
static int
parse_time(const char *s, uint64_t *out)
{
	struct tm tm;
	const char *end;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL) {
		memset(&tm, 0, sizeof(tm));
		if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL)
			return -1;
	}
	if (*end == 'Z')
		end++;
	if (*end != '\0' || (t = timegm(&tm)) == (time_t)-1 || t < 0)
		return -1;
	*out = (uint64_t)t * 1000000ULL;
	return 0;
}

struct walk {
	bool	 json;
	json_t	*arr;
	size_t	 n;
	int64_t	 want_id;	/* show: the one alert */
	bool	 found;
};

static json_t *
alert_json(const struct store_alert *a)
{
	json_t *o = json_object(), *ev;
	char buf[40];

	json_object_set_new(o, "id", json_integer((json_int_t)a->id));
	json_object_set_new(o, "type", json_string(a->type));
	json_object_set_new(o, "category", json_string(a->category));
	json_object_set_new(o, "severity", json_string(a->severity));
	json_object_set_new(o, "status", json_string(a->status));
	json_object_set_new(o, "asset", json_string(a->asset));
	if (a->ip != NULL)
		json_object_set_new(o, "ip", json_string(a->ip));
	if (a->peer != NULL)
		json_object_set_new(o, "peer", json_string(a->peer));
	json_object_set_new(o, "object", json_string(a->object));
	json_object_set_new(o, "message", json_string(a->message));
	ev = a->evidence != NULL ? json_loads(a->evidence, 0, NULL) : NULL;
	json_object_set_new(o, "evidence", ev != NULL ? ev : json_object());
	json_object_set_new(o, "count", json_integer((json_int_t)a->count));
	json_object_set_new(o, "first", json_string(fmt_time(a->first, buf,
	    sizeof(buf))));
	json_object_set_new(o, "last", json_string(fmt_time(a->last, buf,
	    sizeof(buf))));
	json_object_set_new(o, "run_first",
	    json_integer((json_int_t)a->run_first));
	json_object_set_new(o, "run_last",
	    json_integer((json_int_t)a->run_last));
	return o;
}

/* "2026-11-21T10:00:01.000000Z" -> "2026-11-21 10:00:01". */
static const char *
short_time(uint64_t t, char *buf, size_t len)
{
	fmt_time(t, buf, len);
	if (strlen(buf) >= 19) {
		buf[10] = ' ';
		buf[19] = '\0';
	}
	return buf;
}

static int
on_list(const struct store_alert *a, void *arg)
{
	struct walk *w = arg;
	char t[40];

	w->n++;
	if (w->json) {
		json_array_append_new(w->arr, alert_json(a));
		return 0;
	}
	if (w->n == 1)
		printf("%-6s %-8s %-12s %-26s %-18s %6s  %-19s  %s\n", "ID",
		    "SEVERITY", "STATUS", "TYPE", "ASSET", "COUNT", "LAST",
		    "MESSAGE");
	printf("%-6lld %-8s %-12s %-26s %-18s %6llu  %-19s  %s\n",
	    (long long)a->id, a->severity, a->status, a->type, a->asset,
	    (unsigned long long)a->count, short_time(a->last, t, sizeof(t)),
	    a->message);
	return 0;
}

static int
on_show(const struct store_alert *a, void *arg)
{
	struct walk *w = arg;
	json_t *o, *v;
	const char *k;
	char t[40];

	if (a->id != w->want_id)
		return 0;
	w->found = true;
	o = alert_json(a);
	if (w->json) {
		json_dumpf(o, stdout, JSON_INDENT(2));
		putchar('\n');
	} else {
		printf("alert %lld: %s (%s, %s), %s\n", (long long)a->id,
		    a->type, a->category, a->severity, a->status);
		printf("  asset:    %s%s%s\n", a->asset, a->ip != NULL ?
		    "  ip " : "", a->ip != NULL ? a->ip : "");
		if (a->peer != NULL)
			printf("  peer:     %s\n", a->peer);
		if (a->object[0] != '\0')
			printf("  object:   %s\n", a->object);
		printf("  message:  %s\n", a->message);
		printf("  count:    %llu (runs %lld to %lld)\n",
		    (unsigned long long)a->count, (long long)a->run_first,
		    (long long)a->run_last);
		printf("  first:    %s\n", short_time(a->first, t, sizeof(t)));
		printf("  last:     %s\n", short_time(a->last, t, sizeof(t)));
		printf("  evidence:\n");
		json_object_foreach(json_object_get(o, "evidence"), k, v) {
			char *text = json_is_string(v) ? NULL :
			    json_dumps(v, JSON_COMPACT);

			printf("    %-20s %s\n", k, text != NULL ? text :
			    json_string_value(v));
			free(text);
		}
	}
	json_decref(o);
	return 1;	/* found: stop */
}

static int
parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v <= 0)
		return -1;
	*id = v;
	return 0;
}

static int
set_status(struct store *s, char **ids, int n, const char *status)
{
	int64_t id;
	int rc = 0, ret;

	for (int i = 0; i < n; i++)
		if (parse_id(ids[i], &id) == -1) {
			fprintf(stderr, "ward alerts: '%s' is not an alert "
			    "id\n", ids[i]);
			return EXIT_USAGE;
		}
	if (store_begin(s) != 0) {
		fprintf(stderr, "ward alerts: %s\n", store_errmsg(s));
		return EXIT_FAIL;
	}
	for (int i = 0; i < n; i++) {
		(void)parse_id(ids[i], &id);
		if ((ret = store_set_alert_status(s, id, status,
		    wall_usec())) == WARD_ENOTFOUND) {
			fprintf(stderr, "ward alerts: no alert %lld\n",
			    (long long)id);
			rc = EXIT_INPUT;
		} else if (ret != 0) {
			fprintf(stderr, "ward alerts: %s\n", store_errmsg(s));
			store_rollback(s);
			return EXIT_FAIL;
		}
	}
	if (store_commit(s) != 0) {
		fprintf(stderr, "ward alerts: %s\n", store_errmsg(s));
		return EXIT_FAIL;
	}
	return rc;
}

int
cmd_alerts(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "category", required_argument, NULL, OPT_CATEGORY },
		{ "asset", required_argument, NULL, OPT_ASSET },
		{ "severity", required_argument, NULL, OPT_SEVERITY },
		{ "status", required_argument, NULL, OPT_STATUS },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_alert_filter f = { 0 };
	struct walk w = { 0 };
	const char *db = NULL, *sub;
	struct store *s;
	int c, rc = 0, ret;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		alerts_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	sub = argv[1];
	if (strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0 &&
	    strcmp(sub, "ack") != 0 && strcmp(sub, "close") != 0 &&
	    strcmp(sub, "reopen") != 0) {
		fprintf(stderr, "ward alerts: '%s' is not list, show, ack, "
		    "close or reopen\n", sub);
		return EXIT_USAGE;
	}
	argc--;
	argv++;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case OPT_TYPE:
			if (alert_type_parse(optarg) == -1) {
				fprintf(stderr, "ward alerts: --type '%s' is "
				    "not an alert type (docs/alerts.md)\n",
				    optarg);
				return EXIT_USAGE;
			}
			f.type = optarg;
			break;
		case OPT_CATEGORY:
			f.category = optarg;
			break;
		case OPT_ASSET:
			f.asset = optarg;
			break;
		case OPT_SEVERITY:
			if (alert_severity_parse(optarg) == ALERT_SEV_DEFAULT) {
				fprintf(stderr, "ward alerts: --severity is not "
				    "info, low, medium, high or critical: "
				    "'%s'\n", optarg);
				return EXIT_USAGE;
			}
			f.min_severity = optarg;
			break;
		case OPT_STATUS:
			if (strcmp(optarg, "open") != 0 &&
			    strcmp(optarg, "acknowledged") != 0 &&
			    strcmp(optarg, "closed") != 0) {
				fprintf(stderr, "ward alerts: --status is not "
				    "open, acknowledged or closed: '%s'\n",
				    optarg);
				return EXIT_USAGE;
			}
			f.status = optarg;
			break;
		case OPT_SINCE:
			if (parse_time(optarg, &f.since) == -1) {
				fprintf(stderr, "ward alerts: --since is not a "
				    "time such as 2026-11-21 or "
				    "2026-11-21T10:00:00Z: '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'j':
			w.json = true;
			break;
		case 'h':
			alerts_usage(stdout);
			return 0;
		default:
			fprintf(stderr, "Try 'ward alerts --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (db == NULL) {
		fprintf(stderr, "ward alerts: no database given (--db FILE)\n");
		return EXIT_USAGE;
	}
	if (strcmp(sub, "list") == 0 ? optind != argc : strcmp(sub, "show") ==
	    0 ? optind != argc - 1 : optind >= argc) {
		fprintf(stderr, "ward alerts %s: %s\n", sub,
		    strcmp(sub, "list") == 0 ? "unexpected argument" :
		    strcmp(sub, "show") == 0 ? "wants one alert ID" :
		    "wants alert IDs");
		return EXIT_USAGE;
	}
	if (strcmp(sub, "show") == 0 && parse_id(argv[optind], &w.want_id) ==
	    -1) {
		fprintf(stderr, "ward alerts show: '%s' is not an alert id\n",
		    argv[optind]);
		return EXIT_USAGE;
	}
	if ((s = open_existing_store("alerts", db)) == NULL)
		return EXIT_FAIL;
	if (strcmp(sub, "ack") == 0 || strcmp(sub, "close") == 0 ||
	    strcmp(sub, "reopen") == 0) {
		rc = set_status(s, argv + optind, argc - optind,
		    sub[0] == 'a' ? "acknowledged" : sub[0] == 'c' ? "closed" :
		    "open");
		store_close(s);
		return rc;
	}
	w.arr = json_array();
	if (strcmp(sub, "show") == 0) {
		ret = store_foreach_alert(s, NULL, on_show, &w);
		if (ret < 0) {
			fprintf(stderr, "ward alerts: %s\n", store_errmsg(s));
			rc = EXIT_FAIL;
		} else if (!w.found) {
			fprintf(stderr, "ward alerts: no alert %lld\n",
			    (long long)w.want_id);
			rc = EXIT_INPUT;
		}
	} else {
		if ((ret = store_foreach_alert(s, &f, on_list, &w)) < 0) {
			fprintf(stderr, "ward alerts: %s\n", store_errmsg(s));
			rc = EXIT_FAIL;
		} else if (w.json) {
			json_dumpf(w.arr, stdout, JSON_INDENT(2));
			putchar('\n');
		} else if (w.n == 0)
			printf("no alerts\n");
	}
	json_decref(w.arr);
	store_close(s);
	if (fflush(stdout) == EOF)
		rc = EXIT_FAIL;
	return rc;
}
