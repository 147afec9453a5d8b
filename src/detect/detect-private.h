/*
 * detect-private.h - what the parts of src/detect/ share: the detector,
 * and the contract between its glue (detect.c), the stateless rules
 * (rules.c, ioc.c) and the baselines (baseline.c).
 *
 * Each part keeps its own state behind an opaque pointer and is called by
 * the glue for every observation, every inventory change and every batch.
 */
#ifndef WARD_DETECT_PRIVATE_H
#define WARD_DETECT_PRIVATE_H

#include "ward/asset.h"
#include "ward/detect.h"
#include "ward/obs.h"

struct rules_state;
struct baseline;

/* FNV-1a: the hashes of the detection tables start here. */
#define FNV_OFFSET	2166136261U
#define FNV_PRIME	16777619U

/* Folds the bytes of s into h (FNV-1a). */
static inline uint32_t
fnv1a_str(uint32_t h, const char *s)
{
	for (; *s != '\0'; s++)
		h = (h ^ (uint8_t)*s) * FNV_PRIME;
	return h;
}

struct detector {
	const struct detect_config *cfg;
	struct inventory *inv;
	struct alerter	*alerter;
	struct ioc_set	*ioc;
	struct rules_state *rules;
	struct baseline	*bl;
	struct detect_stats stats;
	uint64_t	 now;		/* newest capture time seen */
};

/*
 * Raises a through the detector's alerter, applying the policy's per-type
 * overrides (a disabled type is dropped, a severity replaced).
 */
void detect_raise(struct detector *, struct alert *);

/* The asset an observation is about (by MAC, else by IP), or NULL. */
struct asset *detect_subject(const struct detector *,
    const struct observation *);
/* The asset that holds ip (its key or one of its IPs), or NULL. */
struct asset *detect_asset_by_ip(const struct detector *,
    const struct ward_addr *);
/* The asset's identified type, or NULL when unknown. */
const char *detect_asset_type(const struct asset *);
/* Is the asset of a medical (life-critical) type in the policy? */
bool detect_is_medical(const struct detector *, const struct asset *);
bool detect_is_life_critical(const struct detector *, const struct asset *);
/* Fills the alert's asset (key and ip) from an asset, or from ip alone. */
void detect_alert_asset(struct alert *, const struct asset *,
    const struct ward_addr *ip);
/* Fills the alert's flow tuple from an observation's flow, if any. */
void detect_alert_flow(struct alert *, const struct observation *);

/* Stateless rules (rules.c). */
struct rules_state *rules_new(struct detector *);
void rules_free(struct rules_state *);
void rules_obs(struct detector *, const struct observation *);
void rules_change(struct detector *, const struct asset *,
    enum asset_change, const char *detail, uint64_t ts);
void rules_tick(struct detector *, uint64_t now);
size_t rules_memory(const struct rules_state *);

/* Baselines (baseline.c). */
struct baseline *baseline_new(struct detector *);
void baseline_free(struct baseline *);
void baseline_obs(struct detector *, const struct observation *);
void baseline_change(struct detector *, const struct asset *,
    enum asset_change, const char *detail, uint64_t ts);
void baseline_tick(struct detector *, uint64_t now);
/*
 * For a stateless rule whose finding is a device's habit rather than an
 * event (a password it sends in clear every day): true when value is in
 * the asset's baseline (learned, approved, or learned now because the
 * asset is learning), false when it is new to an enforcing baseline (kept
 * pending for review) or rejected, and for no asset.
 */
bool baseline_habit(struct detector *, const struct asset *,
    const char *value, uint64_t ts);
/*
 * Whether the asset is active in this hour of the day (local time, 0-23)
 * as its baseline learned: 1 it is, 0 it never was, -1 unknown (no
 * baseline, or fewer days learned than the policy's hours_min_days).
 */
int baseline_hour_active(const struct detector *, const struct asset *,
    int hour);
int baseline_load(struct detector *, struct store *);
int baseline_save(struct detector *, struct store *);

#endif
