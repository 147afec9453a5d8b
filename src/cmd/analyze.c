/*
 * analyze.c - ward analyze: the sensor pipeline over capture files, once.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ward/log.h"
#include "cmd.h"
#include "opts.h"

static struct capture *volatile running_capture;

static void
on_signal(int sig)
{
	(void)sig;
	if (running_capture != NULL)
		capture_break(running_capture);
}

static void
analyze_usage(FILE *fp)
{
	fprintf(fp, "Usage: ward analyze [options] FILE...\n\n"
	    "Reads pcap and pcapng files (merged in time order), identifies "
	    "every device\nand prints the inventory.\n\nOptions:\n%s"
	    "\nExit status: 0 when every input was read, 1 when some input "
	    "was bad (the\nrest is still reported), 2 on a usage error, 3 "
	    "when ward could not run.\n", common_usage);
}

/* A progress line on stderr: done of total, packets per second, ETA. */
struct progress {
	bool		 enabled;
	bool		 shown;
	uint64_t	 start;
	uint64_t	 next;
};

static void
progress_update(struct progress *pg, struct capture *cap, uint64_t packets)
{
	uint64_t now = now_usec(), done, total;
	double secs, pct, rate, eta;

	if (!pg->enabled || now < pg->next)
		return;
	pg->next = now + 200000;
	if (now - pg->start < 1000000)
		return;
	done = capture_bytes_done(cap);
	total = capture_bytes_total(cap);
	secs = (double)(now - pg->start) / 1e6;
	pct = total ? 100.0 * (double)done / (double)total : 0;
	rate = (double)packets / secs;
	eta = done > 0 && total > done ?
	    secs * (double)(total - done) / (double)done : 0;
	fprintf(stderr, "\r%5.1f%%  %.1f of %.1f MiB  %.0f packets/s  "
	    "ETA %d:%02d ", pct, (double)done / 1048576.0,
	    (double)total / 1048576.0, rate, (int)eta / 60, (int)eta % 60);
	pg->shown = true;
}

static void
progress_end(struct progress *pg)
{
	if (pg->shown)
		fprintf(stderr, "\r%*s\r", 70, "");
}

int
cmd_analyze(int argc, char **argv)
{
	return analyze_run(argc, argv, "analyze", -1);
}

int
analyze_run(int argc, char **argv, const char *cmd, int detect_mode)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct run r;
	struct capture *cap;
	struct capture_pkt pkt;
	struct progress pg;
	char err[512], *inputs;
	size_t len = 1;
	int c, rc;

	memset(&r, 0, sizeof(r));
	run_opts_defaults(&r.opts);
	optind = 1;
	while ((c = getopt_long(argc, argv, COMMON_SHORTOPTS, longopts,
	    NULL)) != -1) {
		if (c == 'h') {
			analyze_usage(stdout);
			return 0;
		}
		if (common_opt(&r.opts, c, optarg, cmd) == -1)
			return EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	if (detect_mode != -1) {
		/* ward baseline learn: the mode is the command's. */
		if (r.opts.no_detect) {
			fprintf(stderr, "ward %s: --no-detect leaves nothing to "
			    "learn\n", cmd);
			return EXIT_USAGE;
		}
		r.opts.detect_mode = detect_mode;
	}
	if (argc == 0) {
		fprintf(stderr, "ward %s: no capture file given\n", cmd);
		analyze_usage(stderr);
		return EXIT_USAGE;
	}
	if ((cap = capture_open_files(argv, argc, r.opts.filter, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "ward %s: %s\n", cmd, err);
		return EXIT_USAGE;
	}
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((inputs = calloc(1, len)) == NULL) {
		capture_close(cap);
		return EXIT_FAIL;
	}
	for (int i = 0; i < argc; i++) {
		if (i > 0)
			strncat(inputs, " ", len - strlen(inputs) - 1);
		strncat(inputs, argv[i], len - strlen(inputs) - 1);
	}
	if (run_open(&r, inputs) == -1) {
		free(inputs);
		run_free(&r);
		capture_close(cap);
		return EXIT_FAIL;
	}
	free(inputs);

	running_capture = cap;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	memset(&pg, 0, sizeof(pg));
	pg.enabled = r.opts.progress && isatty(STDERR_FILENO);
	pg.start = now_usec();
	for (uint64_t n = 1; capture_next(cap, &pkt) == 1; n++) {
		sensor_frame(r.sensor, pkt.linktype, pkt.ts, pkt.data,
		    pkt.caplen, pkt.wirelen);
		if ((n & 4095) == 0)
			progress_update(&pg, cap, n);
		run_packet(&r, pkt.ts, n);
	}
	progress_end(&pg);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	running_capture = NULL;
	rc = run_close(&r, cap, argv, argc);
	capture_close(cap);
	return rc;
}
