/*
 * cmd.h - the subcommands of the ward program, and what they share.
 */
#ifndef WARD_CMD_H
#define WARD_CMD_H

#include <stdbool.h>
#include <stdint.h>

#include "ward/alert.h"
#include "ward/asset.h"
#include "ward/capture.h"
#include "ward/dept.h"
#include "ward/detect.h"
#include "ward/exposure.h"
#include "ward/ident.h"
#include "ward/oui.h"
#include "ward/output.h"
#include "ward/sensor.h"
#include "ward/store.h"

struct cmd {
	const char	*name;
	int		(*run)(int argc, char **argv);
	const char	*summary;
};

extern const struct cmd commands[];

int cmd_analyze(int, char **);
int cmd_sensor(int, char **);
int cmd_inventory(int, char **);
int cmd_alerts(int, char **);
int cmd_baseline(int, char **);
int cmd_vuln(int, char **);
int cmd_audit(int, char **);
int cmd_version(int, char **);
int cmd_help(int, char **);

/* Exit codes. */
#define EXIT_INPUT 1	/* some input was bad; the rest was processed */
#define EXIT_USAGE 2
#define EXIT_FAIL 3	/* could not run (store, interface, memory) */

/* Options common to analyze and sensor. */
struct run_opts {
	const char	*filter;
	const char	*eve_path;
	const char	*db_path;
	const char	*oui_dir;
	const char	*rules_path;	/* NULL: the default file */
	const char	*departments_path;	/* NULL: none */
	const char	*detect_path;	/* NULL: the default policy */
	int		 detect_mode;	/* -1: the policy's */
	bool		 no_detect;
	const char	*syslog_target;	/* NULL: no CEF/syslog */
	int		 syslog_facility;
	bool		 json;
	bool		 quiet;
	bool		 progress;
	size_t		 flow_memcap;
	uint64_t	 flush_usec;	/* wall time between store batches */
};

/* An identity change waiting for the next store batch. */
struct queued_change {
	char		 key[ADDR_STRLEN];
	enum asset_change change;
	char		 detail[ADDR_STRLEN];
	char		 old_value[256];
	char		 new_value[256];
	uint64_t	 ts;
};
#define RUN_CHANGES_MAX	4096	/* queued between two batches */

/* An alert delivery waiting for the next store batch. */
struct queued_alert {
	struct alert	 a;
	uint64_t	 first;
	uint64_t	 last;
	uint64_t	 count;
};
#define RUN_ALERTS_MAX	4096

/* What the table output lists of the run's alerts, in their order. */
struct shown_alert {
	uint64_t	 id;
	enum alert_type	 type;
	enum alert_severity severity;
	char		 asset[ADDR_STRLEN];
	char		 message[ALERT_MESSAGE_MAX];
	uint64_t	 count;
};
#define RUN_SHOWN_MAX	64

/* What assess_store() did. */
struct assess_stats {
	uint64_t	 assets;
	uint64_t	 assets_vulnerable;
	uint64_t	 affected;
	uint64_t	 potential;
};
/* One run of the pipeline with its consumers. */
struct run {
	struct run_opts	 opts;
	struct oui_db	*oui;
	struct ident_rules *rules;
	struct dept_map	*depts;
	struct queued_change *changes;
	size_t		 nchanges;
	uint64_t	 changes_dropped;
	struct detect_config *detect_cfg;
	struct alerter	*alerter;
	struct detector	*detector;
	struct exposure	*exposure;	/* passive exposures, with a store */
	struct syslog_out *syslog;
	struct queued_alert *alerts;
	size_t		 nalerts;
	uint64_t	 alerts_dropped;
	bool		 closing;	/* the last tick: flush every alert */
	struct shown_alert shown[RUN_SHOWN_MAX];
	size_t		 nshown;
	uint64_t	 next_eval;	/* capture time of the next evaluation */
	bool		 live;		/* online state against the wall clock */
	struct sensor	*sensor;
	struct inventory *inv;
	struct store	*store;
	int64_t		 run_id;
	struct eve	*eve;
	uint64_t	 started;	/* wall clock, microseconds */
	uint64_t	 last_flush;
	bool		 store_failed;
	struct assess_stats assessed;	/* at close, with a store */
	bool		 assess_done;
};

void run_opts_defaults(struct run_opts *);
/* Parses "64M", "1G", "4096". -1 on error. */
int parse_size(const char *, size_t *);
uint64_t now_usec(void);
/* The wall clock (CLOCK_REALTIME), microseconds since the epoch. */
uint64_t wall_usec(void);
/*
 * Opens a store that must exist (for the commands that read it); prints
 * "ward CMD: ..." and returns NULL when it does not or cannot be opened.
 */
struct store *open_existing_store(const char *cmd, const char *path);

/*
 * ward analyze over argv (its options and capture files); detect_mode, when
 * not -1, runs the detector in that mode (ward baseline learn). cmd names
 * the command in messages.
 */
int analyze_run(int argc, char **argv, const char *cmd, int detect_mode);

/* Sets up sensor, inventory, store and EVE. Prints the error and returns
 * -1 on failure. inputs is a text for the store's run record. */
int run_open(struct run *, const char *inputs);
/* Frees what run_open set up, for a run that ends before it starts. */
void run_free(struct run *);
/*
 * Identifies every asset, gives it its department, reports identity and
 * online-state changes (EVE, and the store's history), and persists the
 * changed assets in one batch when there is a store.
 */
void run_tick(struct run *);
/*
 * After each packet of a capture file (ts its time, n its number): with
 * detection, identification, online state and detection run every
 * --batch-seconds of capture time, so that a capture read in a second is
 * judged as a live sensor would have judged it; the store's batches and
 * the EVE log follow wall time (run_tick), checked every 4096 packets.
 */
void run_packet(struct run *, uint64_t ts, uint64_t n);
/* Persists dirty assets and queued identity changes in one batch. */
void run_flush(struct run *);
/* Ends flows, persists, prints the inventory and summary. */
int run_close(struct run *, struct capture *, char *const *inputs,
    int ninputs);

struct vuln_aliases;
/*
 * Matches every stored asset against the stored advisories, replaces
 * their findings and recomputes every asset's risk (src/cmd/assess.c),
 * in one transaction. al and cfg may be NULL. on_new (may be NULL) is
 * called for each finding an asset did not have before (an advisory id
 * new to it). 0 or a negative WARD_E*.
 */
typedef void (*assess_new_fn)(const struct store_vuln_finding *, void *arg);
int assess_store(struct store *, const struct vuln_aliases *al,
    const struct detect_config *cfg, uint64_t now, struct assess_stats *,
    assess_new_fn on_new, void *arg);
/*
 * The aliases: path, else the installed file, else the source tree's;
 * NULL (after a warning naming the file) when it cannot be read.
 */
struct vuln_aliases *assess_aliases(const char *path);

#endif
