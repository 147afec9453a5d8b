/*
 * track.c - what changes in an asset's identity over time: its cadence and
 * online state, and changes of its verdict, preferred hostname and DHCP
 * fingerprint from one known value to another (asset.h, inv_track()).
 *
 * The cadence is the asset's idle gaps between bursts of activity (a
 * silence of at least ASSET_BURST_GAP), the last ASSET_CADENCE_GAPS of
 * them. A device that polls every 15 minutes is not offline after 11; a
 * chatty workstation silent for half an hour is. All on capture time, so a
 * capture gives the same states however fast it is read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/asset.h"
#include "ward/ident.h"
#include "asset-private.h"

const char *
asset_status_name(enum asset_status s)
{
	switch (s) {
	case ASSET_ONLINE:
		return "online";
	case ASSET_OFFLINE:
		return "offline";
	case ASSET_STATUS_UNKNOWN:
		break;
	}
	return "unknown";
}

void
asset_cadence_note(struct asset_cadence *c, uint64_t last, uint64_t ts)
{
	if (last == 0 || ts <= last || ts - last < ASSET_BURST_GAP)
		return;
	c->gaps[c->next] = ts - last;
	c->next = (c->next + 1) % ASSET_CADENCE_GAPS;
	if (c->ngaps < ASSET_CADENCE_GAPS)
		c->ngaps++;
}

static int
u64_cmp(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

uint64_t
asset_cadence_median(const struct asset_cadence *c)
{
	uint64_t v[ASSET_CADENCE_GAPS];
	uint32_t n = c->ngaps;

	if (n < ASSET_CADENCE_MIN)
		return 0;
	memcpy(v, c->gaps, n * sizeof(v[0]));
	qsort(v, n, sizeof(v[0]), u64_cmp);
	/* The lower median of an even count: a gap that happened. */
	return v[(n - 1) / 2];
}

uint64_t
asset_offline_after(const struct asset *a)
{
	const struct asset_cadence *c = &a->cadence;
	uint64_t m = asset_cadence_median(c), longest = 0, lim;

	if (m == 0 && a->reported.offline_after > ASSET_OFFLINE_FLOOR)
		return a->reported.offline_after;
	if (m > UINT64_MAX / ASSET_OFFLINE_MULT)
		return UINT64_MAX;
	lim = m * ASSET_OFFLINE_MULT;
	/*
	 * A device whose gaps vary (a server reached by several clients at
	 * their own rhythms) has a short median and now and then a long
	 * gap: silence up to half again its longest recent gap is its
	 * normal too.
	 */
	if (m != 0) {
		for (uint32_t i = 0; i < c->ngaps; i++)
			if (c->gaps[i] > longest)
				longest = c->gaps[i];
		if (longest > UINT64_MAX / 3)
			return UINT64_MAX;
		if (longest * 3 / 2 > lim)
			lim = longest * 3 / 2;
	}
	return lim > ASSET_OFFLINE_FLOOR ? lim : ASSET_OFFLINE_FLOOR;
}

enum asset_status
asset_status_at(const struct asset *a, uint64_t now)
{
	if (a->last == 0)
		return ASSET_STATUS_UNKNOWN;
	if (now <= a->last || now - a->last <= asset_offline_after(a))
		return ASSET_ONLINE;
	return ASSET_OFFLINE;
}

/*
 * Compares one value with what was reported: a change from a known value
 * to another is reported; a first value is only remembered. An unknown
 * new value (the verdict lost its confidence) keeps the last known one.
 */
static void
track_value(struct inventory *inv, struct asset *a, enum asset_change c,
    char *reported, size_t len, const char *now, uint64_t ts)
{
	if (now == NULL || now[0] == '\0' || strncmp(reported, now, len) == 0)
		return;
	if (reported[0] != '\0') {
		char old[256];

		(void)snprintf(old, sizeof(old), "%s", reported);
		(void)snprintf(reported, len, "%s", now);
		inv_report(inv, a, c, NULL, old, reported, ts);
		return;
	}
	(void)snprintf(reported, len, "%s", now);
}

static void
track_asset(struct inventory *inv, struct asset *a, uint64_t now)
{
	const struct asset_dhcp *d;
	char fp[sizeof(a->reported.dhcp)];
	uint64_t limit;

	if (a->ident != NULL)
		for (int i = 0; i < IDENT_DIMS; i++)
			track_value(inv, a, (enum asset_change)
			    (ASSET_TYPE_CHANGED + i), a->reported.ident[i],
			    sizeof(a->reported.ident[i]), a->ident->value[i],
			    a->last);
	track_value(inv, a, ASSET_HOSTNAME_CHANGED, a->reported.hostname,
	    sizeof(a->reported.hostname), asset_hostname(a), a->last);
	if ((d = asset_dhcp_latest(a)) != NULL) {
		(void)snprintf(fp, sizeof(fp), "%s|%s",
		    d->params != NULL ? d->params : "",
		    d->vendor_class != NULL ? d->vendor_class : "");
		track_value(inv, a, ASSET_DHCP_CHANGED, a->reported.dhcp,
		    sizeof(a->reported.dhcp), fp, d->last);
	}

	limit = asset_offline_after(a);
	a->status_limit = limit;
	if (a->status == ASSET_ONLINE && a->last != 0 && now > a->last &&
	    now - a->last > limit) {
		a->status = ASSET_OFFLINE;
		a->status_since = a->last + limit;
		inv_report(inv, a, ASSET_WENT_OFFLINE, NULL, "online",
		    "offline", a->status_since);
	}
}

void
inv_track(struct inventory *inv, uint64_t now)
{
	struct asset *const *v;
	size_t n;

	v = inv_assets(inv, &n);
	for (size_t i = 0; i < n; i++)
		track_asset(inv, v[i], now);
}
