/*
 * identify.c - runs the fingerprint rules over every asset of the
 * inventory: gathers what ward knows of the asset as attributes (its own
 * traffic's, the MAC vendor, hostnames, DHCP fingerprints, services it
 * offers) and keeps the verdict on the asset.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ward/asset.h"
#include "ward/decode.h"
#include "ward/ident.h"
#include "asset-private.h"

#define IDENT_SERVICES_MAX	64
#define IDENT_ATTRS_MAX		(ASSET_MAX_ATTRS + ASSET_MAX_NAMES + \
    3 * ASSET_MAX_DHCP + IDENT_SERVICES_MAX + 1)

static void
identify(struct asset *a, const struct ident_rules *rules,
    struct ident_attr *at, char (*svc)[16])
{
	size_t n = 0, ns = 0;

	if (a->vendor != NULL)
		at[n++] = (struct ident_attr){ "oui.vendor", a->vendor };
	for (size_t i = 0; i < a->nnames && i < ASSET_MAX_NAMES; i++)
		at[n++] = (struct ident_attr){ "hostname", a->names[i].name };
	for (size_t i = 0; i < a->ndhcp && i < ASSET_MAX_DHCP; i++) {
		const struct asset_dhcp *d = &a->dhcp[i];

		if (d->vendor_class != NULL)
			at[n++] = (struct ident_attr){ "dhcp.vendor_class",
			    d->vendor_class };
		if (d->params != NULL)
			at[n++] = (struct ident_attr){ "dhcp.params",
			    d->params };
		if (d->hostname != NULL)
			at[n++] = (struct ident_attr){ "dhcp.hostname",
			    d->hostname };
	}
	for (size_t i = 0; i < a->nservices && ns < IDENT_SERVICES_MAX; i++) {
		const struct asset_service *s = &a->services[i];

		(void)snprintf(svc[ns], sizeof(svc[ns]), "%s/%u",
		    s->proto == IPPROTO_TCP_ ? "tcp" :
		    s->proto == IPPROTO_UDP_ ? "udp" : "ip", s->port);
		at[n++] = (struct ident_attr){ "service", svc[ns++] };
	}
	for (size_t i = 0; i < a->nattrs && i < ASSET_MAX_ATTRS; i++)
		at[n++] = (struct ident_attr){ a->attrs[i].key,
		    a->attrs[i].value };
	ident_eval(rules, at, n, a->ident);
}

int
inv_identify(struct inventory *inv, const struct ident_rules *rules)
{
	return inv_identify_due(inv, rules, 0, 0);
}

int
inv_identify_due(struct inventory *inv, const struct ident_rules *rules,
    uint64_t now, uint64_t interval)
{
	struct asset *const *as;
	struct ident_attr *at;
	char (*svc)[16];
	size_t n;
	int rc = 0;

	as = inv_assets(inv, &n);
	at = calloc(IDENT_ATTRS_MAX, sizeof(*at));
	svc = calloc(IDENT_SERVICES_MAX, sizeof(*svc));
	if (at == NULL || svc == NULL) {
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct asset *a = as[i];

		if (a->ident != NULL && (!(a->flags & ASSET_IDENT_STALE) ||
		    (interval != 0 && now < a->ident_time + interval)))
			continue;
		if (a->ident == NULL &&
		    (a->ident = calloc(1, sizeof(*a->ident))) == NULL) {
			rc = -1;
			break;
		}
		identify(a, rules, at, svc);
		a->flags &= ~ASSET_IDENT_STALE;
		a->ident_time = now;
	}
out:
	free(at);
	free(svc);
	return rc;
}
