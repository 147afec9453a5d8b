/*
 * sensor.c - ward sensor: the pipeline on a live interface, as a daemon.
 *
 * The capture is opened with privilege, then the process drops to an
 * unprivileged user before it reads a single packet: everything that
 * parses traffic runs without root (the OpenSSH/tcpdump model). Splitting
 * the privileged opener into a separate parent process comes with the
 * control plane.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "ward/log.h"
#include "cmd.h"
#include "opts.h"

static struct capture *volatile live_capture;

static void
on_signal(int sig)
{
	(void)sig;
	if (live_capture != NULL)
		capture_break(live_capture);
}

static void
sensor_usage(FILE *fp)
{
	fprintf(fp, "Usage: ward sensor -i IFACE [options]\n\n"
	    "Watches a live interface (a SPAN port or TAP) until interrupted, "
	    "keeping the\ninventory in the store, then prints it.\n\n"
	    "Options:\n"
	    "  -i, --interface IFACE  the interface to capture on\n"
	    "  -u, --user USER        drop to this user after opening the "
	    "capture\n"
	    "                         (default: nobody, when run as root)\n"
	    "%s", common_usage);
}

/* setgroups, setresgid, setresuid, in that order, then no way back. */
static int
drop_privileges(const char *user)
{
	struct passwd *pw;
	uid_t ruid, euid, suid;

	if (geteuid() != 0)
		return 0;
	if ((pw = getpwnam(user)) == NULL) {
		log_error("no user '%s' to drop privileges to", user);
		return -1;
	}
	if (setgroups(1, &pw->pw_gid) == -1 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1) {
		log_error("dropping privileges to '%s': %s", user,
		    strerror(errno));
		return -1;
	}
	if (getresuid(&ruid, &euid, &suid) == -1 || ruid != pw->pw_uid ||
	    euid != pw->pw_uid || suid != pw->pw_uid || setuid(0) != -1) {
		log_error("privileges were not dropped");
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		log_error("PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return -1;
	}
	log_info("running as %s", user);
	return 0;
}

int
cmd_sensor(int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "interface", required_argument, NULL, 'i' },
		{ "user", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	const char *iface = NULL, *user = "nobody";
	struct capture_pkt pkt;
	struct capture *cap;
	struct run r;
	char err[512], *inputs[1];
	int c, n, rc;

	memset(&r, 0, sizeof(r));
	run_opts_defaults(&r.opts);
	r.opts.progress = false;
	r.live = true;
	optind = 1;
	while ((c = getopt_long(argc, argv, COMMON_SHORTOPTS "i:u:", longopts,
	    NULL)) != -1) {
		if (c == 'h') {
			sensor_usage(stdout);
			return 0;
		}
		if (c == 'i') {
			iface = optarg;
			continue;
		}
		if (c == 'u') {
			user = optarg;
			continue;
		}
		if (common_opt(&r.opts, c, optarg, "sensor") == -1)
			return EXIT_USAGE;
	}
	if (iface == NULL || optind != argc) {
		fprintf(stderr, "ward sensor: %s\n", iface == NULL ?
		    "no interface given (-i IFACE)" : "unexpected argument");
		sensor_usage(stderr);
		return EXIT_USAGE;
	}
	if ((cap = capture_open_live(iface, r.opts.filter, 65535, true, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "ward sensor: %s\n", err);
		return EXIT_FAIL;
	}
	/* The store and logs are opened first, as the files' owner. */
	if (run_open(&r, iface) == -1 || drop_privileges(user) == -1) {
		run_free(&r);
		capture_close(cap);
		return EXIT_FAIL;
	}
	live_capture = cap;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	log_info("capturing on %s", iface);
	/* Ticks go on when the link is quiet: devices go offline then. */
	capture_idle_ticks(cap, true);
	while ((n = capture_next(cap, &pkt)) != 0) {
		if (n == 1)
			sensor_frame(r.sensor, pkt.linktype, pkt.ts, pkt.data,
			    pkt.caplen, pkt.wirelen);
		if ((r.store != NULL || r.eve != NULL) &&
		    now_usec() - r.last_flush >= r.opts.flush_usec)
			run_tick(&r);
	}
	live_capture = NULL;
	inputs[0] = (char *)(uintptr_t)iface;
	rc = run_close(&r, cap, inputs, 1);
	capture_close(cap);
	return rc;
}
