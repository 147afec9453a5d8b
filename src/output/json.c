/*
 * json.c - assets and observations as JSON (jansson).
 *
 * Every string here is printable ASCII already (observation strings are
 * escaped on the way in, names come from observations), which jansson
 * requires (valid UTF-8).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ward/decode.h"
#include "ward/dept.h"
#include "ward/ident.h"
#include "ward/output.h"

const char *
fmt_time(uint64_t usec, char *buf, size_t len)
{
	time_t sec = (time_t)(usec / 1000000);
	struct tm tm;
	char base[24];

	if (usec == 0 || gmtime_r(&sec, &tm) == NULL) {
		if (len > 0)
			buf[0] = '\0';
		return buf;
	}
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%06uZ", base, (unsigned)(usec % 1000000));
	return buf;
}

const char *
proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP_:
		return "tcp";
	case IPPROTO_UDP_:
		return "udp";
	case IPPROTO_ICMP_:
		return "icmp";
	case IPPROTO_ICMPV6_:
		return "icmpv6";
	}
	return "ip";
}

static json_t *
jtime(uint64_t usec)
{
	char buf[40];

	if (usec == 0)
		return json_null();
	return json_string(fmt_time(usec, buf, sizeof(buf)));
}

static json_t *
jaddr(const struct ward_addr *a)
{
	char buf[ADDR_STRLEN];

	return json_string(addr_fmt(a, buf, sizeof(buf)));
}

static json_t *
jmac(const uint8_t mac[6])
{
	char buf[MAC_STRLEN];

	return json_string(mac_fmt(mac, buf, sizeof(buf)));
}

static json_t *
jstr_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
ip_sources(uint32_t src)
{
	json_t *a = json_array();

	if (src & IPSRC_DHCP)
		json_array_append_new(a, json_string("dhcp"));
	if (src & IPSRC_ARP)
		json_array_append_new(a, json_string("arp"));
	if (src & IPSRC_NDP)
		json_array_append_new(a, json_string("ndp"));
	if (src & IPSRC_TRAFFIC)
		json_array_append_new(a, json_string("traffic"));
	return a;
}

/* Confidences with two decimals: 0.8 and not 0.80000000000000004. */
static json_t *
jconf(double c)
{
	return json_real((double)(long)(c * 100 + 0.5) / 100);
}

json_t *
json_identity(const struct ident_verdict *v)
{
	json_t *o = json_object(), *arr = json_array();

	for (int d = 0; d < IDENT_DIMS; d++) {
		json_t *e = json_object();

		json_object_set_new(e, "value", v->value[d][0] != '\0' ?
		    json_string(v->value[d]) : json_null());
		json_object_set_new(e, "confidence", jconf(v->conf[d]));
		json_object_set_new(o, ident_dim_name((enum ident_dim)d), e);
	}
	for (size_t i = 0; i < v->nev; i++) {
		const struct ident_evidence *ev = &v->ev[i];
		json_t *e = json_object(), *dims = json_array();

		json_object_set_new(e, "rule", json_string(ev->rule));
		json_object_set_new(e, "source", json_string(ev->source));
		json_object_set_new(e, "weight", jconf(ev->weight));
		json_object_set_new(e, "attribute", json_string(ev->key));
		json_object_set_new(e, "value", json_string(ev->value));
		for (int d = 0; d < IDENT_DIMS; d++)
			if (ev->dims & (1U << d))
				json_array_append_new(dims, json_string(
				    ident_dim_name((enum ident_dim)d)));
		json_object_set_new(e, "asserts", dims);
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "evidence", arr);
	if (v->nev_dropped > 0)
		json_object_set_new(o, "evidence_not_kept",
		    json_integer((json_int_t)v->nev_dropped));
	return o;
}

json_t *
json_department(const struct asset *a)
{
	json_t *o;

	if (a->dept == NULL)
		return json_null();
	o = json_object();
	json_object_set_new(o, "name", json_string(a->dept->name));
	json_object_set_new(o, "location", jstr_or_null(a->dept->location));
	json_object_set_new(o, "building", jstr_or_null(a->dept->building));
	if (a->dept_how[0] != '\0')
		json_object_set_new(o, "matched", json_string(a->dept_how));
	return o;
}

json_t *
json_status(const struct asset *a)
{
	json_t *o = json_object();
	uint64_t median = asset_cadence_median(&a->cadence);

	json_object_set_new(o, "state", json_string(asset_status_name(
	    a->status)));
	json_object_set_new(o, "since", jtime(a->status_since));
	json_object_set_new(o, "offline_after_seconds",
	    json_integer((json_int_t)(a->status_limit / 1000000)));
	json_object_set_new(o, "usual_gap_seconds", median != 0 ?
	    json_integer((json_int_t)(median / 1000000)) : json_null());
	return o;
}

json_t *
json_asset(const struct asset *a)
{
	json_t *o = json_object(), *arr;
	char key[ADDR_STRLEN];

	json_object_set_new(o, "key", json_string(asset_key(a, key,
	    sizeof(key))));
	json_object_set_new(o, "mac", a->by_mac ? jmac(a->mac) : json_null());
	json_object_set_new(o, "vendor", jstr_or_null(a->vendor));
	json_object_set_new(o, "router", json_boolean(a->router));
	json_object_set_new(o, "hostname", jstr_or_null(asset_hostname(a)));
	json_object_set_new(o, "model", jstr_or_null(a->model));
	json_object_set_new(o, "model_source", jstr_or_null(a->model_source));
	json_object_set_new(o, "first_seen", jtime(a->first));
	json_object_set_new(o, "last_seen", jtime(a->last));
	json_object_set_new(o, "status", json_status(a));
	json_object_set_new(o, "vlan", a->vlan != 0 ? json_integer(a->vlan) :
	    json_null());
	json_object_set_new(o, "department", json_department(a));

	arr = json_array();
	for (size_t i = 0; i < a->nips; i++) {
		json_t *e = json_object();

		json_object_set_new(e, "ip", jaddr(&a->ips[i].addr));
		json_object_set_new(e, "sources", ip_sources(a->ips[i].sources));
		json_object_set_new(e, "first_seen", jtime(a->ips[i].first));
		json_object_set_new(e, "last_seen", jtime(a->ips[i].last));
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "ips", arr);

	arr = json_array();
	for (size_t i = 0; i < a->nnames; i++) {
		json_t *e = json_object();

		json_object_set_new(e, "name", json_string(a->names[i].name));
		json_object_set_new(e, "source",
		    json_string(name_source_str(a->names[i].source)));
		json_object_set_new(e, "count",
		    json_integer((json_int_t)a->names[i].count));
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "hostnames", arr);

	arr = json_array();
	for (size_t i = 0; i < a->ndhcp; i++) {
		const struct asset_dhcp *d = &a->dhcp[i];
		json_t *e = json_object();

		json_object_set_new(e, "params", jstr_or_null(d->params));
		json_object_set_new(e, "vendor_class",
		    jstr_or_null(d->vendor_class));
		json_object_set_new(e, "hostname", jstr_or_null(d->hostname));
		json_object_set_new(e, "client_id", jstr_or_null(d->client_id));
		json_object_set_new(e, "count", json_integer((json_int_t)d->count));
		json_object_set_new(e, "first_seen", jtime(d->first));
		json_object_set_new(e, "last_seen", jtime(d->last));
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "dhcp", arr);

	arr = json_array();
	for (size_t i = 0; i < a->nservices; i++) {
		json_t *e = json_object();

		json_object_set_new(e, "proto",
		    json_string(proto_name(a->services[i].proto)));
		json_object_set_new(e, "port",
		    json_integer(a->services[i].port));
		json_object_set_new(e, "conns",
		    json_integer((json_int_t)a->services[i].conns));
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "services", arr);

	arr = json_array();
	for (size_t i = 0; i < a->npeers; i++) {
		const struct asset_peer *p = &a->peers[i];
		json_t *e = json_object();

		json_object_set_new(e, "ip", jaddr(&p->addr));
		json_object_set_new(e, "packets_out",
		    json_integer((json_int_t)p->pkts_out));
		json_object_set_new(e, "packets_in",
		    json_integer((json_int_t)p->pkts_in));
		json_object_set_new(e, "bytes_out",
		    json_integer((json_int_t)p->bytes_out));
		json_object_set_new(e, "bytes_in",
		    json_integer((json_int_t)p->bytes_in));
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "peers", arr);

	arr = json_array();
	for (size_t i = 0; i < a->nattrs; i++) {
		const struct asset_attr *t = &a->attrs[i];
		json_t *e = json_object();

		json_object_set_new(e, "key", json_string(t->key));
		json_object_set_new(e, "value", json_string(t->value));
		json_object_set_new(e, "count", json_integer((json_int_t)t->count));
		json_object_set_new(e, "first_seen", jtime(t->first));
		json_object_set_new(e, "last_seen", jtime(t->last));
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "attributes", arr);
	if (a->ident != NULL)
		json_object_set_new(o, "identity", json_identity(a->ident));
	if (a->peers_dropped > 0)
		json_object_set_new(o, "peers_not_kept",
		    json_integer((json_int_t)a->peers_dropped));
	json_object_set_new(o, "packets_out", json_integer((json_int_t)a->pkts_out));
	json_object_set_new(o, "packets_in", json_integer((json_int_t)a->pkts_in));
	json_object_set_new(o, "bytes_out", json_integer((json_int_t)a->bytes_out));
	json_object_set_new(o, "bytes_in", json_integer((json_int_t)a->bytes_in));
	return o;
}

json_t *
json_obs_fields(const struct observation *ob)
{
	json_t *o = json_object();

	for (size_t i = 0; i < ob->nfields; i++) {
		const struct obs_field *f = &ob->f[i];
		json_t *v = NULL;

		switch (f->type) {
		case OV_STR:
			v = json_stringn(f->v.str.s, f->v.str.len);
			break;
		case OV_U64:
			v = json_integer((json_int_t)f->v.u);
			break;
		case OV_BOOL:
			v = json_boolean(f->v.b);
			break;
		case OV_ADDR:
			v = jaddr(&f->v.addr);
			break;
		case OV_MAC:
			v = jmac(f->v.mac);
			break;
		case OV_LIST:
			v = json_array();
			for (size_t j = 0; j < f->v.list.n; j++)
				json_array_append_new(v,
				    json_integer(f->v.list.v[j]));
			break;
		case OV_HEX: {
			static const char digits[] = "0123456789abcdef";
			char buf[2 * OBS_SCRATCH + 1];
			size_t n = f->v.list.n;

			for (size_t j = 0; j < n; j++) {
				buf[2 * j] = digits[f->v.list.v[j] >> 4];
				buf[2 * j + 1] = digits[f->v.list.v[j] & 15];
			}
			buf[2 * n] = '\0';
			v = json_string(buf);
			break;
		}
		}
		if (v != NULL)
			json_object_set_new(o, f->key, v);
	}
	return o;
}
