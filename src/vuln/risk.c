/*
 * risk.c - one number per device for the order of remediation
 * (vulnmatch.h): vulnerabilities, exposures and open alerts, each
 * combined as independent chances, weighed by how critical the device's
 * type is. The terms are kept so the number can be explained.
 */
#include <string.h>
#include <strings.h>

#include "ward/vulnmatch.h"

#define W_VULNS		45.0
#define W_EXPOSURES	35.0
#define W_ALERTS	20.0

double
vuln_risk_severity_weight(const char *sev)
{
	static const struct {
		const char	*name;
		double		 w;
	} t[] = {
		{ "critical", 0.7 }, { "high", 0.5 }, { "medium", 0.25 },
		{ "low", 0.1 }, { "info", 0.0 },
	};

	for (size_t i = 0; sev != NULL && i < sizeof(t) / sizeof(t[0]); i++)
		if (strcasecmp(sev, t[i].name) == 0)
			return t[i].w;
	return 0;
}

double
vuln_risk_vuln_weight(double score, const char *severity, double conf,
    enum vuln_status st)
{
	double base;

	if (score >= 0 && score <= 10)
		base = score / 10;
	else if (severity == NULL)
		base = 0.5;
	else if (strcasecmp(severity, "critical") == 0)
		base = 0.95;
	else if (strcasecmp(severity, "high") == 0)
		base = 0.8;
	else if (strcasecmp(severity, "medium") == 0)
		base = 0.55;
	else if (strcasecmp(severity, "low") == 0)
		base = 0.25;
	else
		base = 0.5;
	if (conf < 0)
		conf = 0;
	if (conf > 1)
		conf = 1;
	return base * conf * (st == VULN_POTENTIAL ? 0.5 : 1.0);
}

static double
combine(const double *w, size_t n)
{
	double none = 1;

	for (size_t i = 0; i < n; i++) {
		double x = w[i] < 0 ? 0 : w[i] > 1 ? 1 : w[i];

		none *= 1 - x;
	}
	return 1 - none;
}

bool
vuln_type_clinical(const char *type)
{
	static const char *const t[] = { "pacs", "worklist_server",
	    "his_server", "hl7_engine", "central_station", "nurse_call" };

	for (size_t i = 0; type != NULL && i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(type, t[i]) == 0)
			return true;
	return false;
}

void
vuln_risk_compute(struct vuln_risk *r, const double *v, size_t nv,
    const double *e, size_t ne, const double *a, size_t na,
    bool life_critical, bool medical, bool clinical)
{
	memset(r, 0, sizeof(*r));
	r->vulns = combine(v, nv);
	r->exposures = combine(e, ne);
	r->alerts = combine(a, na);
	r->nvulns = nv;
	r->nexposures = ne;
	r->nalerts = na;
	if (life_critical) {
		r->criticality = 1.0;
		r->criticality_why = "life-critical device type";
	} else if (medical) {
		r->criticality = 0.75;
		r->criticality_why = "medical device type";
	} else if (clinical) {
		r->criticality = 0.5;
		r->criticality_why = "clinical system";
	} else {
		r->criticality = 0.25;
		r->criticality_why = "other device";
	}
	r->score = (W_VULNS * r->vulns + W_EXPOSURES * r->exposures +
	    W_ALERTS * r->alerts) * (0.6 + 0.4 * r->criticality);
}
