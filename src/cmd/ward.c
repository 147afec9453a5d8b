/*
 * ward.c - the ward program: a table of subcommands.
 */
#include <stdio.h>
#include <string.h>

#include "ward-config.h"
#include "ward/log.h"
#include "cmd.h"

const struct cmd commands[] = {
	{ "analyze", cmd_analyze, "Run the sensor over capture files" },
	{ "sensor", cmd_sensor, "Run the sensor on a live interface" },
	{ "inventory", cmd_inventory,
	    "List, show and export the stored inventory" },
	{ "alerts", cmd_alerts,
	    "List, show and acknowledge the stored alerts" },
	{ "baseline", cmd_baseline,
	    "Learn, list, approve and reject behaviour baselines" },
	{ "vuln", cmd_vuln,
	    "Vulnerability feeds, and which devices they concern" },
	{ "audit", cmd_audit, "Check allow-listed devices for default passwords" },
	{ "version", cmd_version, "Show the version" },
	{ "help", cmd_help, "Show this help" },
	{ NULL, NULL, NULL },
};

static void
usage(FILE *fp)
{
	fprintf(fp, "Usage: ward <command> [options]\n\n"
	    "ward sees the devices of a hospital network from its traffic.\n\n"
	    "Commands:\n");
	for (const struct cmd *c = commands; c->name != NULL; c++)
		fprintf(fp, "  %-10s %s\n", c->name, c->summary);
	fprintf(fp, "\nRun 'ward <command> --help' for a command's options, "
	    "and 'man ward' for the manual.\n");
}

int
cmd_help(int argc, char **argv)
{
	if (argc > 1) {
		for (const struct cmd *c = commands; c->name != NULL; c++)
			if (strcmp(c->name, argv[1]) == 0) {
				char help[] = "--help";
				char *args[] = { argv[1], help, NULL };

				return c->run(2, args);
			}
		fprintf(stderr, "ward: no command '%s'\n", argv[1]);
		return EXIT_USAGE;
	}
	usage(stdout);
	return 0;
}

int
cmd_version(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		printf("Usage: ward version\n\nShows ward's version.\n");
		return 0;
	}
	printf("ward %s\n", WARD_VERSION);
	return 0;
}

int
main(int argc, char **argv)
{
	log_init("ward", LOG_LVL_WARN, 0);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		return cmd_help(1, argv);
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(1, argv);
	for (const struct cmd *c = commands; c->name != NULL; c++)
		if (strcmp(c->name, argv[1]) == 0)
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "ward: '%s' is not a command; see 'ward help'\n",
	    argv[1]);
	return EXIT_USAGE;
}
