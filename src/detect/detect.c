/*
 * detect.c - the detector: subscribes to observations and inventory
 * changes and hands each to the stateless rules and the baselines (see
 * detect.h, detect-private.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/flow.h"
#include "ward/ident.h"
#include "detect-private.h"

void
detect_raise(struct detector *d, struct alert *a)
{
	const struct detect_alert_cfg *ac = &d->cfg->alerts[a->type];

	if (ac->disabled)
		return;
	if (ac->severity != ALERT_SEV_DEFAULT)
		a->severity = ac->severity;
	(void)alerter_raise(d->alerter, a);
}

struct asset *
detect_subject(const struct detector *d, const struct observation *ob)
{
	struct asset *a = NULL;

	if (ob->has_mac)
		a = inv_find_mac(d->inv, ob->mac);
	if (a == NULL && ob->ip.family != 0)
		a = inv_find_ip(d->inv, &ob->ip);
	return a;
}

struct asset *
detect_asset_by_ip(const struct detector *d, const struct ward_addr *ip)
{
	if (ip == NULL || ip->family == 0)
		return NULL;
	return inv_find_ip(d->inv, ip);
}

const char *
detect_asset_type(const struct asset *a)
{
	if (a == NULL || a->ident == NULL || a->ident->value[IDENT_TYPE][0] ==
	    '\0')
		return NULL;
	return a->ident->value[IDENT_TYPE];
}

bool
detect_is_medical(const struct detector *d, const struct asset *a)
{
	return str_list_has(&d->cfg->medical_types, detect_asset_type(a));
}

bool
detect_is_life_critical(const struct detector *d, const struct asset *a)
{
	return str_list_has(&d->cfg->life_critical_types,
	    detect_asset_type(a));
}

void
detect_alert_asset(struct alert *al, const struct asset *a,
    const struct ward_addr *ip)
{
	char key[ADDR_STRLEN];

	alert_asset(al, a != NULL ? asset_key(a, key, sizeof(key)) : NULL, ip);
	if (ip == NULL && a != NULL && a->nips > 0)
		al->ip = a->ips[0].addr;
}

void
detect_alert_flow(struct alert *al, const struct observation *ob)
{
	const struct flow *f = ob->flow;

	if (f == NULL)
		return;
	al->proto = f->proto;
	al->src_ip = f->side[0].addr;
	al->dst_ip = f->side[1].addr;
	al->src_port = f->side[0].port;
	al->dst_port = f->side[1].port;
}

static void
on_obs(const struct observation *ob, void *arg)
{
	struct detector *d = arg;

	d->stats.observations++;
	if (ob->ts > d->now)
		d->now = ob->ts;
	rules_obs(d, ob);
	baseline_obs(d, ob);
}

static void
on_change(const struct asset *a, enum asset_change c, const char *detail,
    uint64_t ts, void *arg)
{
	struct detector *d = arg;

	rules_change(d, a, c, detail, ts);
	baseline_change(d, a, c, detail, ts);
}

struct detector *
detector_new(const struct detect_config *cfg, struct inventory *inv,
    struct alerter *alerter, char *err, size_t errlen)
{
	struct detector *d = calloc(1, sizeof(*d));

	if (d == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->cfg = cfg;
	d->inv = inv;
	d->alerter = alerter;
	if ((d->ioc = ioc_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < cfg->ioc_files.n; i++)
		if (ioc_load(d->ioc, cfg->ioc_files.v[i], err, errlen) == -1)
			goto fail;
	if ((d->rules = rules_new(d)) == NULL ||
	    (d->bl = baseline_new(d)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	return d;
fail:
	detector_free(d);
	return NULL;
}

void
detector_free(struct detector *d)
{
	if (d == NULL)
		return;
	rules_free(d->rules);
	baseline_free(d->bl);
	ioc_free(d->ioc);
	free(d);
}

int
detector_attach(struct detector *d, struct obs_bus *bus)
{
	if (obs_subscribe(bus, OBS_MASK_ALL, on_obs, d) == -1 ||
	    inv_on_change(d->inv, on_change, d) == -1)
		return -1;
	return 0;
}

void
detector_tick(struct detector *d, uint64_t now)
{
	if (now > d->now)
		d->now = now;
	rules_tick(d, d->now);
	baseline_tick(d, d->now);
	d->stats.rule_state_bytes = rules_memory(d->rules);
	alerter_flush(d->alerter, d->now, false);
}

const struct detect_stats *
detector_stats(const struct detector *d)
{
	return &d->stats;
}

int
detector_load(struct detector *d, struct store *s)
{
	return baseline_load(d, s);
}

int
detector_save(struct detector *d, struct store *s)
{
	return baseline_save(d, s);
}
