/*
 * opts.h - option table entries shared by analyze and sensor.
 */
#ifndef WARD_OPTS_H
#define WARD_OPTS_H

#include "cmd.h"

enum {
	OPT_OUI_DIR = 256,
	OPT_FLOW_MEMCAP,
	OPT_NO_PROGRESS,
	OPT_USER,
	OPT_BATCH_SECONDS,
	OPT_RULES,
	OPT_DEPARTMENTS,
	OPT_DETECT,
	OPT_DETECT_MODE,
	OPT_NO_DETECT,
	OPT_SYSLOG,
	OPT_SYSLOG_FACILITY,
};

#define COMMON_SHORTOPTS "f:je:d:qvh"

#define COMMON_LONGOPTS                                         \
	{ "filter", required_argument, NULL, 'f' },             \
	{ "json", no_argument, NULL, 'j' },                     \
	{ "eve", required_argument, NULL, 'e' },                \
	{ "db", required_argument, NULL, 'd' },                 \
	{ "oui-dir", required_argument, NULL, OPT_OUI_DIR },    \
	{ "rules", required_argument, NULL, OPT_RULES },        \
	{ "departments", required_argument, NULL, OPT_DEPARTMENTS }, \
	{ "detect", required_argument, NULL, OPT_DETECT },      \
	{ "detect-mode", required_argument, NULL, OPT_DETECT_MODE }, \
	{ "no-detect", no_argument, NULL, OPT_NO_DETECT },      \
	{ "syslog", required_argument, NULL, OPT_SYSLOG },      \
	{ "syslog-facility", required_argument, NULL, OPT_SYSLOG_FACILITY }, \
	{ "flow-memcap", required_argument, NULL, OPT_FLOW_MEMCAP }, \
	{ "quiet", no_argument, NULL, 'q' },                    \
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },  \
	{ "batch-seconds", required_argument, NULL, OPT_BATCH_SECONDS }, \
	{ "verbose", no_argument, NULL, 'v' },                  \
	{ "help", no_argument, NULL, 'h' }

extern const char common_usage[];

/* Applies a common option; -1 (after a message) on a bad one. */
int common_opt(struct run_opts *, int c, const char *arg, const char *cmd);

#endif
