/*
 * opts.c - the options analyze and sensor share.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/log.h"
#include "cmd.h"
#include "opts.h"

const char common_usage[] =
    "  -f, --filter EXPR      only packets matching this BPF filter\n"
    "  -j, --json             print one JSON document instead of a table\n"
    "  -e, --eve FILE         append events as JSON lines to FILE ('-' is "
    "stdout)\n"
    "  -d, --db FILE          persist the inventory in this SQLite file\n"
    "      --batch-seconds N  seconds between store batches (default 5)\n"
    "      --oui-dir DIR      IEEE registry CSV files (default "
    "/usr/share/ieee-data)\n"
    "      --rules FILE       device fingerprint rules (default: the "
    "installed\n"
    "                         devices.yaml)\n"
    "      --departments FILE subnets and VLANs of each department (YAML)\n"
    "      --detect FILE      detection policy (default: the installed "
    "detect.yaml)\n"
    "      --detect-mode MODE auto, learn or enforce (overrides the policy)\n"
    "      --no-detect        no detection: no baselines, no alerts\n"
    "      --syslog TARGET    send alerts as CEF over syslog: "
    "udp://HOST[:PORT],\n"
    "                         tcp://HOST[:PORT], unix:///dev/log, or a "
    "file\n"
    "      --syslog-facility N  syslog facility number (default 16, "
    "local0)\n"
    "      --flow-memcap SIZE memory for flows and streams (default 256M)\n"
    "  -q, --quiet            print nothing but errors\n"
    "      --no-progress      no progress bar on stderr\n"
    "  -v, --verbose          more log messages (twice for debug)\n"
    "  -h, --help             show this help\n";

int
common_opt(struct run_opts *o, int c, const char *arg, const char *cmd)
{
	switch (c) {
	case 'f':
		o->filter = arg;
		return 0;
	case 'j':
		o->json = true;
		return 0;
	case 'e':
		o->eve_path = arg;
		return 0;
	case 'd':
		o->db_path = arg;
		return 0;
	case OPT_OUI_DIR:
		o->oui_dir = arg;
		return 0;
	case OPT_RULES:
		o->rules_path = arg;
		return 0;
	case OPT_DEPARTMENTS:
		o->departments_path = arg;
		return 0;
	case OPT_DETECT:
		o->detect_path = arg;
		return 0;
	case OPT_DETECT_MODE: {
		int m = detect_mode_parse(arg);

		if (m == -1) {
			fprintf(stderr, "ward %s: --detect-mode is not auto, "
			    "learn or enforce: '%s'\n", cmd, arg);
			return -1;
		}
		o->detect_mode = m;
		return 0;
	}
	case OPT_NO_DETECT:
		o->no_detect = true;
		return 0;
	case OPT_SYSLOG:
		o->syslog_target = arg;
		return 0;
	case OPT_SYSLOG_FACILITY: {
		char *end;
		long v = strtol(arg, &end, 10);

		if (end == arg || *end != '\0' || v < 0 || v > 23) {
			fprintf(stderr, "ward %s: --syslog-facility is not a "
			    "facility number from 0 to 23: '%s'\n", cmd, arg);
			return -1;
		}
		o->syslog_facility = (int)v;
		return 0;
	}
	case OPT_FLOW_MEMCAP:
		if (parse_size(arg, &o->flow_memcap) == -1 ||
		    o->flow_memcap < (1u << 20)) {
			fprintf(stderr, "ward %s: --flow-memcap is not a size "
			    "of at least 1M (like 64M or 2G): '%s'\n", cmd,
			    arg);
			return -1;
		}
		return 0;
	case OPT_BATCH_SECONDS: {
		char *end;
		double v = strtod(arg, &end);

		if (end == arg || *end != '\0' || !(v >= 0.01 && v <= 3600)) {
			fprintf(stderr, "ward %s: --batch-seconds is not a "
			    "number from 0.01 to 3600: '%s'\n", cmd, arg);
			return -1;
		}
		o->flush_usec = (uint64_t)(v * 1e6);
		return 0;
	}
	case 'q':
		o->quiet = true;
		o->progress = false;
		return 0;
	case OPT_NO_PROGRESS:
		o->progress = false;
		return 0;
	case 'v':
		log_set_level(log_get_level() < LOG_LVL_DEBUG ?
		    log_get_level() + 1 : LOG_LVL_DEBUG);
		return 0;
	}
	fprintf(stderr, "Try 'ward %s --help'.\n", cmd);
	return -1;
}
