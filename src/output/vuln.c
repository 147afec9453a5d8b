/*
 * vuln.c - the store's vulnerability findings and exposures as JSON, as
 * ward vuln report and ward inventory show print them (docs/vuln.md).
 */
#include <jansson.h>

#include "ward/output.h"
#include "ward/store.h"

json_t *
json_vuln_finding(const struct store_vuln_finding *f)
{
	json_t *o = json_pack("{s:s, s:s, s:f, s:s, s:s?, s:s, s:s, s:s,"
	    " s:s?, s:s?, s:s?, s:s?, s:s}",
	    "id", f->advisory, "status", f->status,
	    "confidence", f->confidence, "component", f->component,
	    "version", f->version, "source", f->source,
	    "evidence", f->evidence, "reason", f->reason,
	    "title", f->title, "severity", f->severity,
	    "fixed", f->fixed, "remediation", f->remediation,
	    "feeds", f->feeds);

	if (o != NULL && f->score >= 0)
		json_object_set_new(o, "score", json_real(f->score));
	return o;
}

json_t *
json_store_exposure(const struct store_exposure *e)
{
	json_t *ev = json_loads(e->evidence, 0, NULL), *o;

	o = json_pack("{s:s, s:s, s:s, s:o, s:s, s:I, s:I, s:I}",
	    "kind", e->kind, "severity", e->severity, "title", e->title,
	    "evidence", ev != NULL ? ev : json_object(),
	    "remediation", e->remediation, "first", (json_int_t)e->first,
	    "last", (json_int_t)e->last, "count", (json_int_t)e->count);
	if (o != NULL && e->port != 0) {
		json_object_set_new(o, "proto", json_string(proto_name(
		    (uint8_t)e->proto)));
		json_object_set_new(o, "port", json_integer(e->port));
	}
	return o;
}
