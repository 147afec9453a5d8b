/*
 * eve.c - the EVE log: JSON lines in the shape Suricata made familiar.
 *
 *	{"timestamp":"2026-11-21T10:00:00.123456Z","event_type":"dhcp",
 *	 "flow_id":12,"proto":"udp","src_ip":...,"dest_ip":...,
 *	 "subject":{"mac":...,"ip":...},"dhcp":{...fields...}}
 *
 * One event per observation (event_type is the observation kind), per flow
 * record ("flow"), per asset change ("asset") and a closing "stats". The
 * schema is documented in docs/eve.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ward/flow.h"
#include "ward/output.h"

struct eve {
	FILE		*fp;
	const struct inventory *inv;
	bool		 is_stdout;
	bool		 failed;
};

struct eve *
eve_open(const char *path, char *err, size_t errlen)
{
	struct eve *e;

	if ((e = calloc(1, sizeof(*e))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (strcmp(path, "-") == 0) {
		e->fp = stdout;
		e->is_stdout = true;
	} else if ((e->fp = fopen(path, "a")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(e);
		return NULL;
	}
	return e;
}

void
eve_write(struct eve *e, uint64_t ts, const char *event_type, json_t *body)
{
	json_t *o = json_object();
	char buf[40];
	const char *key;
	json_t *v;

	json_object_set_new(o, "timestamp", json_string(fmt_time(ts, buf,
	    sizeof(buf))));
	json_object_set_new(o, "event_type", json_string(event_type));
	/* Top-level members (flow tuple) first, then the body by name. */
	json_object_foreach(body, key, v) {
		if (key[0] == '@')
			json_object_set(o, key + 1, v);
	}
	json_object_foreach(body, key, v) {
		if (key[0] != '@')
			json_object_set(o, key, v);
	}
	if (json_dumpf(o, e->fp, JSON_COMPACT) == -1 ||
	    fputc('\n', e->fp) == EOF)
		e->failed = true;
	json_decref(o);
}

static void
add_subject(json_t *body, const struct observation *ob)
{
	json_t *s = json_object();
	char buf[ADDR_STRLEN];

	if (ob->has_mac)
		json_object_set_new(s, "mac", json_string(mac_fmt(ob->mac, buf,
		    sizeof(buf))));
	if (ob->ip.family != 0)
		json_object_set_new(s, "ip", json_string(addr_fmt(&ob->ip, buf,
		    sizeof(buf))));
	json_object_set_new(body, "@subject", s);
}

static void
add_tuple(json_t *body, const struct flow *f)
{
	char buf[ADDR_STRLEN];

	json_object_set_new(body, "@flow_id", json_integer((json_int_t)f->id));
	json_object_set_new(body, "@proto", json_string(proto_name(f->proto)));
	json_object_set_new(body, "@src_ip", json_string(addr_fmt(
	    &f->side[0].addr, buf, sizeof(buf))));
	json_object_set_new(body, "@src_port", json_integer(f->side[0].port));
	json_object_set_new(body, "@dest_ip", json_string(addr_fmt(
	    &f->side[1].addr, buf, sizeof(buf))));
	json_object_set_new(body, "@dest_port", json_integer(f->side[1].port));
	if (f->vlan != 0)
		json_object_set_new(body, "@vlan", json_integer(f->vlan));
}

static void
on_obs(const struct observation *ob, void *arg)
{
	struct eve *e = arg;
	json_t *body = json_object();
	const char *kind = obs_kind_name(ob->kind);

	if (ob->flow != NULL)
		add_tuple(body, ob->flow);
	add_subject(body, ob);
	json_object_set_new(body, kind, json_obs_fields(ob));
	eve_write(e, ob->ts, kind, body);
	json_decref(body);
}

static void
on_change(const struct asset *a, enum asset_change c, const char *detail,
    uint64_t ts, void *arg)
{
	struct eve *e = arg;
	const struct asset_change_info *info = e->inv != NULL ?
	    inv_change_info(e->inv) : NULL;

	eve_asset_change(e, a, c, detail, info, ts);
}

void
eve_asset_change(struct eve *e, const struct asset *a, enum asset_change c,
    const char *detail, const struct asset_change_info *info, uint64_t ts)
{
	json_t *body = json_object(), *ev = json_object();
	char key[ADDR_STRLEN];

	json_object_set_new(ev, "change", json_string(asset_change_name(c)));
	json_object_set_new(ev, "key", json_string(asset_key(a, key,
	    sizeof(key))));
	if (a->vendor != NULL)
		json_object_set_new(ev, "vendor", json_string(a->vendor));
	if (detail != NULL)
		json_object_set_new(ev, "detail", json_string(detail));
	if (info != NULL && asset_change_is_identity(c)) {
		json_object_set_new(ev, "old", json_string(info->old_value));
		json_object_set_new(ev, "new", json_string(info->new_value));
	}
	json_object_set_new(body, "asset", ev);
	eve_write(e, ts, "asset", body);
	json_decref(body);
}

int
eve_attach(struct eve *e, struct obs_bus *bus, struct inventory *inv)
{
	/* Flows are logged too, but not the flow_new notices: too chatty. */
	if (obs_subscribe(bus, OBS_MASK_ALL & ~OBS_MASK(OBS_FLOW_NEW), on_obs,
	    e) == -1)
		return -1;
	if (inv != NULL) {
		e->inv = inv;
		if (inv_on_change(inv, on_change, e) == -1)
			return -1;
	}
	return 0;
}

int
eve_close(struct eve *e)
{
	int rc;

	if (e == NULL)
		return 0;
	if (fflush(e->fp) == EOF)
		e->failed = true;
	if (!e->is_stdout && fclose(e->fp) == EOF)
		e->failed = true;
	rc = e->failed ? -1 : 0;
	free(e);
	return rc;
}
