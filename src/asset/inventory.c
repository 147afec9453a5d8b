/*
 * inventory.c - folds observations into assets (see asset.h for the
 * binding rules).
 *
 * Two maps index the assets: MAC to asset, and IP to the asset that owns
 * the address now. An IP may appear in the lists of several assets over
 * time (a DHCP lease handed to another device, a spoofer); the map names
 * the owner by the strongest, then the newest, binding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ward/addrmap.h"
#include "ward/asset.h"
#include "ward/decode.h"
#include "ward/oui.h"
#include "asset-private.h"

#define PENDING_MAX 4096	/* IPs named by DNS before they are seen */
#define PENDING_NAMES 4
#define INV_LISTENERS 8		/* change callbacks */
#define MAC_FOR_IP_QUIET (60ULL * 1000000)	/* one report a minute */

struct pending {
	struct {
		char		*name;
		enum name_source source;
		uint64_t	 ts;
	} n[PENDING_NAMES];
	int			 count;
};

struct inventory {
	const struct oui_db	*oui;
	struct asset		**v;
	size_t			 n;
	size_t			 cap;
	uint64_t		 next_id;
	struct addrmap		 by_mac;
	struct addrmap		 by_ip;
	struct addrmap		 pending;	/* ip -> struct pending */
	struct {
		asset_change_fn	 fn;
		void		*arg;
	}			 listeners[INV_LISTENERS];
	size_t			 nlisteners;
	/* Old and new values of the identity change being reported. */
	const struct asset_change_info *info;
};

static const char *const source_names[NAME_SOURCE_COUNT] = {
	[NAME_DHCP] = "dhcp", [NAME_DHCP_FQDN] = "dhcp-fqdn",
	[NAME_DNS] = "dns", [NAME_DNS_PTR] = "dns-ptr", [NAME_MDNS] = "mdns",
	[NAME_LLMNR] = "llmnr", [NAME_NBNS] = "nbns",
};

const char *
name_source_str(enum name_source s)
{
	if ((unsigned)s >= NAME_SOURCE_COUNT)
		return "unknown";
	return source_names[s];
}

const char *
asset_change_name(enum asset_change c)
{
	static const char *const names[] = { "new_asset", "new_ip",
		"new_hostname", "new_dhcp_fingerprint", "new_service",
		"became_router", "new_model", "new_attribute",
		"type_changed", "vendor_changed", "model_changed",
		"version_changed", "hostname_changed",
		"dhcp_fingerprint_changed", "mac_for_ip", "went_offline",
		"came_online" };

	if ((unsigned)c >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[c];
}

bool
asset_change_is_identity(enum asset_change c)
{
	return c >= ASSET_TYPE_CHANGED && c < ASSET_CHANGE_COUNT;
}

const char *
asset_key(const struct asset *a, char *buf, size_t len)
{
	if (a->by_mac)
		return mac_fmt(a->mac, buf, len);
	return addr_fmt(&a->key_ip, buf, len);
}

const char *
asset_hostname(const struct asset *a)
{
	/* Names a device gives itself beat names others give it. */
	static const enum name_source pref[] = { NAME_DHCP, NAME_DHCP_FQDN,
		NAME_MDNS, NAME_NBNS, NAME_LLMNR, NAME_DNS, NAME_DNS_PTR };
	const struct asset_name *best;

	for (size_t p = 0; p < sizeof(pref) / sizeof(pref[0]); p++) {
		best = NULL;
		for (size_t i = 0; i < a->nnames; i++)
			if (a->names[i].source == pref[p] &&
			    (best == NULL || a->names[i].last >= best->last))
				best = &a->names[i];
		if (best != NULL)
			return best->name;
	}
	return NULL;
}

const struct asset_dhcp *
asset_dhcp_latest(const struct asset *a)
{
	const struct asset_dhcp *best = NULL;

	for (size_t i = 0; i < a->ndhcp; i++)
		if (best == NULL || a->dhcp[i].last >= best->last)
			best = &a->dhcp[i];
	return best;
}

struct inventory *
inv_new(const struct oui_db *oui)
{
	struct inventory *inv = calloc(1, sizeof(*inv));

	if (inv == NULL)
		return NULL;
	inv->oui = oui;
	addrmap_init(&inv->by_mac);
	addrmap_init(&inv->by_ip);
	addrmap_init(&inv->pending);
	return inv;
}

static void
pending_free(struct pending *p)
{
	for (int i = 0; i < p->count; i++)
		free(p->n[i].name);
	free(p);
}

void
asset_clear(struct asset *a)
{
	for (size_t i = 0; i < a->nnames; i++)
		free(a->names[i].name);
	for (size_t i = 0; i < a->ndhcp; i++) {
		free(a->dhcp[i].params);
		free(a->dhcp[i].vendor_class);
		free(a->dhcp[i].hostname);
		free(a->dhcp[i].client_id);
	}
	for (size_t i = 0; i < a->nattrs; i++)
		free(a->attrs[i].value);
	free(a->attrs);
	free(a->ident);
	free(a->ips);
	free(a->names);
	free(a->dhcp);
	free(a->services);
	free(a->peers);
	free(a->peer_index);
	free(a->model);
}

static void
asset_free(struct asset *a)
{
	asset_clear(a);
	free(a);
}

void
inv_free(struct inventory *inv)
{
	if (inv == NULL)
		return;
	for (size_t i = 0; i < inv->n; i++)
		asset_free(inv->v[i]);
	for (size_t i = 0; i < inv->pending.cap; i++)
		if (inv->pending.slots[i].val != NULL)
			pending_free(inv->pending.slots[i].val);
	addrmap_clear(&inv->by_mac);
	addrmap_clear(&inv->by_ip);
	addrmap_clear(&inv->pending);
	free(inv->v);
	free(inv);
}

int
inv_on_change(struct inventory *inv, asset_change_fn fn, void *arg)
{
	if (inv->nlisteners >= INV_LISTENERS)
		return -1;
	inv->listeners[inv->nlisteners].fn = fn;
	inv->listeners[inv->nlisteners].arg = arg;
	inv->nlisteners++;
	return 0;
}

const struct asset_change_info *
inv_change_info(const struct inventory *inv)
{
	return inv->info;
}

size_t
inv_count(const struct inventory *inv)
{
	return inv->n;
}

static void
changed(struct inventory *inv, struct asset *a, enum asset_change c,
    const char *detail, uint64_t ts)
{
	a->flags |= ASSET_DIRTY;
	switch (c) {
	case ASSET_NEW:
	case ASSET_NEW_NAME:
	case ASSET_NEW_DHCP:
	case ASSET_NEW_SERVICE:
	case ASSET_BECAME_ROUTER:
	case ASSET_NEW_MODEL:
	case ASSET_NEW_ATTR:
		a->flags |= ASSET_IDENT_STALE;
		break;
	default:
		break;
	}
	for (size_t i = 0; i < inv->nlisteners; i++)
		inv->listeners[i].fn(a, c, detail, ts, inv->listeners[i].arg);
}

void
inv_report(struct inventory *inv, struct asset *a, enum asset_change c,
    const char *detail, const char *old_value, const char *new_value,
    uint64_t ts)
{
	struct asset_change_info info = { old_value, new_value };

	inv->info = &info;
	changed(inv, a, c, detail, ts);
	inv->info = NULL;
}

/* Grows an array of n elements of size sz to hold one more, up to max. */
static int
grow(void **v, size_t n, size_t *cap, size_t sz, size_t max)
{
	void *p;
	size_t c;

	if (n < *cap)
		return 0;
	if (n >= max)
		return -1;
	c = *cap ? *cap * 2 : 4;
	if (c > max)
		c = max;
	if ((p = realloc(*v, c * sz)) == NULL)
		return -1;
	*v = p;
	*cap = c;
	return 0;
}

/*
 * Activity at ts after a silence since a->last. A silence longer than the
 * asset's limit was an offline spell: reported now that it ended (unless
 * inv_track() saw it begin), together with the return.
 */
static void
activity(struct inventory *inv, struct asset *a, uint64_t ts)
{
	uint64_t gap = ts - a->last, limit;

	if (gap < ASSET_BURST_GAP)
		return;
	limit = asset_offline_after(a);
	if (gap > limit) {
		if (a->status != ASSET_OFFLINE) {
			a->status = ASSET_OFFLINE;
			a->status_since = a->last + limit;
			inv_report(inv, a, ASSET_WENT_OFFLINE, NULL, "online",
			    "offline", a->status_since);
		}
		a->status = ASSET_ONLINE;
		a->status_since = ts;
		inv_report(inv, a, ASSET_CAME_ONLINE, NULL, "offline",
		    "online", ts);
	}
	asset_cadence_note(&a->cadence, a->last, ts);
	a->status_limit = asset_offline_after(a);
}

static void
touch(struct inventory *inv, struct asset *a, uint64_t ts)
{
	if (ts == 0)
		return;
	if (a->first == 0 || ts < a->first)
		a->first = ts;
	if (a->status == ASSET_STATUS_UNKNOWN) {
		a->status = ASSET_ONLINE;
		a->status_since = ts;
		a->status_limit = ASSET_OFFLINE_FLOOR;
	}
	if (ts > a->last) {
		if (a->last != 0)
			activity(inv, a, ts);
		a->last = ts;
	}
}

static struct asset *
asset_add(struct inventory *inv, uint64_t ts)
{
	struct asset *a;

	if (grow((void **)&inv->v, inv->n, &inv->cap, sizeof(*inv->v),
	    SIZE_MAX / sizeof(*inv->v)) == -1)
		return NULL;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->id = ++inv->next_id;
	touch(inv, a, ts);
	inv->v[inv->n++] = a;
	return a;
}

static struct asset *
asset_by_mac(struct inventory *inv, const uint8_t mac[6], uint64_t ts)
{
	struct ward_addr k = addrmap_mac_key(mac);
	struct asset *a = addrmap_get(&inv->by_mac, &k);

	if (a != NULL) {
		touch(inv, a, ts);
		return a;
	}
	if ((a = asset_add(inv, ts)) == NULL)
		return NULL;
	if (addrmap_put(&inv->by_mac, &k, a) == -1) {
		inv->n--;
		asset_free(a);
		return NULL;
	}
	a->by_mac = true;
	memcpy(a->mac, mac, 6);
	a->vendor = oui_lookup(inv->oui, mac);
	changed(inv, a, ASSET_NEW, NULL, ts);
	return a;
}

static struct asset_ip *
find_ip(const struct asset *a, const struct ward_addr *ip)
{
	for (size_t i = 0; i < a->nips; i++)
		if (addr_eq(&a->ips[i].addr, ip))
			return &a->ips[i];
	return NULL;
}

static void add_name(struct inventory *, struct asset *, const char *,
    enum name_source, uint64_t);

/* Names that DNS gave this IP before its device showed up. */
static void
apply_pending(struct inventory *inv, struct asset *a,
    const struct ward_addr *ip)
{
	struct pending *p = addrmap_del(&inv->pending, ip);

	if (p == NULL)
		return;
	for (int i = 0; i < p->count; i++)
		add_name(inv, a, p->n[i].name, p->n[i].source, p->n[i].ts);
	pending_free(p);
}

/*
 * An IP that one MAC held is now another's: a replaced device, a new
 * lease, or someone answering for it. Reported at most once a minute per
 * asset, so that two devices fighting over an address cannot flood.
 */
static void
mac_for_ip(struct inventory *inv, const struct asset *from, struct asset *to,
    const struct ward_addr *ip, uint64_t ts)
{
	char oldmac[MAC_STRLEN], newmac[MAC_STRLEN], buf[ADDR_STRLEN];

	if (to->mac_for_ip_last != 0 && ts >= to->mac_for_ip_last &&
	    ts - to->mac_for_ip_last < MAC_FOR_IP_QUIET)
		return;
	to->mac_for_ip_last = ts;
	inv_report(inv, to, ASSET_MAC_FOR_IP, addr_fmt(ip, buf, sizeof(buf)),
	    mac_fmt(from->mac, oldmac, sizeof(oldmac)),
	    mac_fmt(to->mac, newmac, sizeof(newmac)), ts);
}

/*
 * Adds (or refreshes) ip on a, and makes a its owner when the binding is
 * at least as strong as the current owner's.
 */
static bool
add_ip(struct inventory *inv, struct asset *a, const struct ward_addr *ip,
    uint32_t src, uint64_t ts)
{
	struct asset_ip *e = find_ip(a, ip);
	struct asset *owner;
	char buf[ADDR_STRLEN];
	bool added = false;

	if (e == NULL) {
		if (grow((void **)&a->ips, a->nips, &a->ips_cap, sizeof(*a->ips),
		    ASSET_MAX_IPS) == -1)
			return false;
		added = true;
		e = &a->ips[a->nips++];
		memset(e, 0, sizeof(*e));
		e->addr = *ip;
		e->first = ts;
		changed(inv, a, ASSET_NEW_IP, inv->nlisteners > 0 ?
		    addr_fmt(ip, buf, sizeof(buf)) : NULL, ts);
	}
	e->sources |= src;
	if (ts > e->last)
		e->last = ts;
	if (ts != 0 && (e->first == 0 || ts < e->first))
		e->first = ts;

	owner = addrmap_get(&inv->by_ip, ip);
	if (owner == a)
		return added;
	if (owner != NULL && src == IPSRC_TRAFFIC) {
		const struct asset_ip *oe = find_ip(owner, ip);

		/* Plain traffic never takes an IP that ARP/DHCP gave away. */
		if (oe != NULL && (oe->sources & ~IPSRC_TRAFFIC))
			return added;
	}
	if (addrmap_put(&inv->by_ip, ip, a) == -1)
		return added;
	if (owner != NULL && owner->by_mac && a->by_mac &&
	    find_ip(owner, ip) != NULL)
		mac_for_ip(inv, owner, a, ip, ts);
	apply_pending(inv, a, ip);
	return added;
}

static void
del_ip(struct inventory *inv, struct asset *a, size_t i)
{
	if (addrmap_get(&inv->by_ip, &a->ips[i].addr) == a)
		(void)addrmap_del(&inv->by_ip, &a->ips[i].addr);
	a->ips[i] = a->ips[--a->nips];
}

static struct asset *
asset_by_ip(struct inventory *inv, const struct ward_addr *ip, uint64_t ts)
{
	struct asset *a = addrmap_get(&inv->by_ip, ip);

	if (a != NULL) {
		touch(inv, a, ts);
		return a;
	}
	if ((a = asset_add(inv, ts)) == NULL)
		return NULL;
	a->key_ip = *ip;
	changed(inv, a, ASSET_NEW, NULL, ts);
	(void)add_ip(inv, a, ip, IPSRC_TRAFFIC | IPSRC_KEY, ts);
	return a;
}

/*
 * A MAC turns out to be a router: its IPv4 addresses known from traffic
 * alone belong to the devices behind it. They become assets of their own.
 */
static void
become_router(struct inventory *inv, struct asset *a, uint64_t ts)
{
	a->router = true;
	changed(inv, a, ASSET_BECAME_ROUTER, NULL, ts);
	for (size_t i = 0; i < a->nips;) {
		struct asset_ip e = a->ips[i];
		struct asset *b;

		if (e.sources != IPSRC_TRAFFIC || e.addr.family != 4) {
			i++;
			continue;
		}
		del_ip(inv, a, i);
		if ((b = asset_by_ip(inv, &e.addr, e.first)) != NULL)
			touch(inv, b, e.last);
	}
}

static size_t
traffic_only_v4(const struct asset *a)
{
	size_t n = 0;

	for (size_t i = 0; i < a->nips; i++)
		n += a->ips[i].sources == IPSRC_TRAFFIC &&
		    a->ips[i].addr.family == 4;
	return n;
}

static bool
usable_mac(const uint8_t *mac)
{
	return mac != NULL && !mac_is_group(mac) && !mac_is_zero(mac);
}

static bool
usable_ip(const struct ward_addr *ip)
{
	return ip != NULL && ip->family != 0 && !addr_is_special(ip);
}

/* Moves everything of src into dst and frees src. */
static void absorb(struct inventory *, struct asset *dst, struct asset *src);

/*
 * The heart of the inventory: which asset does (mac, ip) denote? Creates it
 * if needed. src says how the binding was learned (IPSRC_*).
 */
static struct asset *
bind(struct inventory *inv, const uint8_t *mac, const struct ward_addr *ip,
    uint32_t src, uint64_t ts)
{
	bool has_ip = usable_ip(ip);
	struct asset *a, *owner;

	/* Addresses outside the site are peers, unless ARP/DHCP bind them. */
	if (has_ip && src == IPSRC_TRAFFIC && !addr_is_private(ip))
		has_ip = false;
	if (!usable_mac(mac)) {
		if (!has_ip || src != IPSRC_TRAFFIC)
			return has_ip ? addrmap_get(&inv->by_ip, ip) : NULL;
		return asset_by_ip(inv, ip, ts);
	}
	if ((a = asset_by_mac(inv, mac, ts)) == NULL || !has_ip)
		return a;
	if (a->router && src == IPSRC_TRAFFIC && find_ip(a, ip) == NULL) {
		/* Someone behind the router, or elsewhere already known. */
		if ((owner = addrmap_get(&inv->by_ip, ip)) != NULL) {
			touch(inv, owner, ts);
			return owner;
		}
		return asset_by_ip(inv, ip, ts);
	}
	owner = addrmap_get(&inv->by_ip, ip);
	if (owner != NULL && owner != a && !owner->by_mac && !a->router) {
		/* The device seen behind a router is here on the link. */
		absorb(inv, a, owner);
	}
	if (add_ip(inv, a, ip, src, ts) && src == IPSRC_TRAFFIC &&
	    ip->family == 4 && !a->router &&
	    traffic_only_v4(a) > ASSET_ROUTER_IPS)
		become_router(inv, a, ts);
	return a;
}

static void
add_name(struct inventory *inv, struct asset *a, const char *name,
    enum name_source source, uint64_t ts)
{
	struct asset_name *e = NULL;
	char *copy;

	if (name == NULL || *name == '\0')
		return;
	for (size_t i = 0; i < a->nnames; i++)
		if (a->names[i].source == source &&
		    strcmp(a->names[i].name, name) == 0)
			e = &a->names[i];
	if (e == NULL) {
		if (grow((void **)&a->names, a->nnames, &a->names_cap,
		    sizeof(*a->names), ASSET_MAX_NAMES) == -1 ||
		    (copy = strdup(name)) == NULL)
			return;
		e = &a->names[a->nnames++];
		memset(e, 0, sizeof(*e));
		e->name = copy;
		e->source = source;
		e->first = ts;
		changed(inv, a, ASSET_NEW_NAME, name, ts);
	}
	e->count++;
	if (ts > e->last)
		e->last = ts;
}

/* Names an IP: its owner now, or later when the IP shows up. */
static void
name_ip(struct inventory *inv, const struct ward_addr *ip, const char *name,
    enum name_source source, uint64_t ts)
{
	struct pending *p;
	struct asset *a;

	if (!usable_ip(ip) || name == NULL || *name == '\0')
		return;
	if ((a = addrmap_get(&inv->by_ip, ip)) != NULL) {
		add_name(inv, a, name, source, ts);
		return;
	}
	if (!addr_is_private(ip))
		return;
	if ((p = addrmap_get(&inv->pending, ip)) == NULL) {
		if (inv->pending.n >= PENDING_MAX ||
		    (p = calloc(1, sizeof(*p))) == NULL)
			return;
		if (addrmap_put(&inv->pending, ip, p) == -1) {
			free(p);
			return;
		}
	}
	for (int i = 0; i < p->count; i++)
		if (p->n[i].source == source && strcmp(p->n[i].name, name) == 0)
			return;
	if (p->count < PENDING_NAMES &&
	    (p->n[p->count].name = strdup(name)) != NULL) {
		p->n[p->count].source = source;
		p->n[p->count].ts = ts;
		p->count++;
	}
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

static bool
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void
add_dhcp(struct inventory *inv, struct asset *a, const char *params,
    const char *vendor_class, const char *hostname, const char *client_id,
    uint64_t ts)
{
	struct asset_dhcp *e = NULL;

	for (size_t i = 0; i < a->ndhcp; i++)
		if (same(a->dhcp[i].params, params) &&
		    same(a->dhcp[i].vendor_class, vendor_class) &&
		    same(a->dhcp[i].hostname, hostname) &&
		    same(a->dhcp[i].client_id, client_id))
			e = &a->dhcp[i];
	if (e == NULL) {
		if (grow((void **)&a->dhcp, a->ndhcp, &a->dhcp_cap, sizeof(*a->dhcp),
		    ASSET_MAX_DHCP) == -1)
			return;
		e = &a->dhcp[a->ndhcp];
		memset(e, 0, sizeof(*e));
		e->params = dup_or_null(params);
		e->vendor_class = dup_or_null(vendor_class);
		e->hostname = dup_or_null(hostname);
		e->client_id = dup_or_null(client_id);
		if ((params && !e->params) ||
		    (vendor_class && !e->vendor_class) ||
		    (hostname && !e->hostname) || (client_id && !e->client_id)) {
			free(e->params);
			free(e->vendor_class);
			free(e->hostname);
			free(e->client_id);
			return;
		}
		a->ndhcp++;
		e->first = ts;
		changed(inv, a, ASSET_NEW_DHCP, params, ts);
	}
	e->count++;
	if (ts > e->last)
		e->last = ts;
}

static void
add_service(struct inventory *inv, struct asset *a, uint8_t proto,
    uint16_t port, uint64_t ts)
{
	struct asset_service *e = NULL;

	for (size_t i = 0; i < a->nservices; i++)
		if (a->services[i].proto == proto && a->services[i].port == port)
			e = &a->services[i];
	if (e == NULL) {
		char detail[16];

		if (grow((void **)&a->services, a->nservices, &a->services_cap,
		    sizeof(*a->services), ASSET_MAX_SERVICES) == -1)
			return;
		e = &a->services[a->nservices++];
		memset(e, 0, sizeof(*e));
		e->proto = proto;
		e->port = port;
		e->first = ts;
		snprintf(detail, sizeof(detail), "%s/%u",
		    proto == IPPROTO_TCP_ ? "tcp" :
		    proto == IPPROTO_UDP_ ? "udp" : "ip", port);
		changed(inv, a, ASSET_NEW_SERVICE, detail, ts);
	}
	e->conns++;
	if (ts > e->last)
		e->last = ts;
}

/* Records what a device's own traffic says of it (asset_attr). */
static void
add_attr(struct inventory *inv, struct asset *a, const char *key,
    const char *value, uint64_t ts)
{
	struct asset_attr *e = NULL;
	size_t same_key = 0;

	for (size_t i = 0; i < a->nattrs && e == NULL; i++) {
		if (a->attrs[i].key != key)
			continue;
		same_key++;
		if (strcmp(a->attrs[i].value, value) == 0)
			e = &a->attrs[i];
	}
	if (e == NULL) {
		char detail[IDENT_VALUE_MAX + 64];
		char *v;

		if (same_key >= ASSET_ATTRS_PER_KEY ||
		    grow((void **)&a->attrs, a->nattrs, &a->attrs_cap,
		    sizeof(*a->attrs), ASSET_MAX_ATTRS) == -1 ||
		    (v = strdup(value)) == NULL)
			return;
		e = &a->attrs[a->nattrs++];
		memset(e, 0, sizeof(*e));
		e->key = key;
		e->value = v;
		e->first = ts;
		(void)snprintf(detail, sizeof(detail), "%s=%s", key, value);
		changed(inv, a, ASSET_NEW_ATTR, detail, ts);
	}
	e->count++;
	if (ts > e->last)
		e->last = ts;
}

/* Peers are indexed by a small open-addressing table of positions. */
static int
peer_index_rebuild(struct asset *a, size_t cap)
{
	uint32_t *idx = calloc(cap, sizeof(*idx));

	if (idx == NULL)
		return -1;
	for (size_t i = 0; i < a->npeers; i++) {
		size_t j = addr_hash(&a->peers[i].addr, 0) & (cap - 1);

		while (idx[j] != 0)
			j = (j + 1) & (cap - 1);
		idx[j] = (uint32_t)i + 1;
	}
	free(a->peer_index);
	a->peer_index = idx;
	a->peer_index_cap = cap;
	return 0;
}

static struct asset_peer *
peer_get(struct asset *a, const struct ward_addr *addr)
{
	size_t j;

	if (a->peer_index_cap != 0) {
		j = addr_hash(addr, 0) & (a->peer_index_cap - 1);
		for (; a->peer_index[j] != 0;
		    j = (j + 1) & (a->peer_index_cap - 1)) {
			struct asset_peer *p = &a->peers[a->peer_index[j] - 1];

			if (addr_eq(&p->addr, addr))
				return p;
		}
	}
	if (a->npeers >= ASSET_MAX_PEERS) {
		a->peers_dropped++;
		return NULL;
	}
	if (grow((void **)&a->peers, a->npeers, &a->peers_cap, sizeof(*a->peers),
	    ASSET_MAX_PEERS) == -1)
		return NULL;
	memset(&a->peers[a->npeers], 0, sizeof(a->peers[0]));
	a->peers[a->npeers].addr = *addr;
	a->npeers++;
	if (a->npeers * 2 > a->peer_index_cap) {
		if (peer_index_rebuild(a, a->peer_index_cap ?
		    a->peer_index_cap * 2 : 16) == -1) {
			a->npeers--;
			return NULL;
		}
	} else {
		j = addr_hash(addr, 0) & (a->peer_index_cap - 1);
		while (a->peer_index[j] != 0)
			j = (j + 1) & (a->peer_index_cap - 1);
		a->peer_index[j] = (uint32_t)a->npeers;
	}
	return &a->peers[a->npeers - 1];
}

static void
add_peer(struct asset *a, const struct ward_addr *peer, uint64_t pkts_out,
    uint64_t pkts_in, uint64_t bytes_out, uint64_t bytes_in, uint64_t first,
    uint64_t last)
{
	struct asset_peer *p;

	a->pkts_out += pkts_out;
	a->pkts_in += pkts_in;
	a->bytes_out += bytes_out;
	a->bytes_in += bytes_in;
	a->flags |= ASSET_DIRTY;
	if (peer == NULL || peer->family == 0 || (p = peer_get(a, peer)) == NULL)
		return;
	p->pkts_out += pkts_out;
	p->pkts_in += pkts_in;
	p->bytes_out += bytes_out;
	p->bytes_in += bytes_in;
	if (p->first == 0 || (first != 0 && first < p->first))
		p->first = first;
	if (last > p->last)
		p->last = last;
}

static void
remove_asset(struct inventory *inv, struct asset *a)
{
	for (size_t i = 0; i < inv->n; i++)
		if (inv->v[i] == a) {
			memmove(&inv->v[i], &inv->v[i + 1],
			    (inv->n - i - 1) * sizeof(*inv->v));
			inv->n--;
			break;
		}
	asset_free(a);
}

/*
 * The model a device names itself (an mDNS TXT record); a different one
 * later replaces it (a reflashed or replaced device) and is a change.
 */
static void
set_model(struct inventory *inv, struct asset *a, const char *model,
    const char *source, uint64_t ts)
{
	char *m;

	if (model[0] == '\0')
		return;
	if (a->model != NULL && strcmp(a->model, model) == 0) {
		if (ts > a->model_last)
			a->model_last = ts;
		return;
	}
	if ((m = strdup(model)) == NULL)
		return;
	free(a->model);
	a->model = m;
	a->model_source = source;
	a->model_last = ts;
	changed(inv, a, ASSET_NEW_MODEL, m, ts);
}

static void
absorb(struct inventory *inv, struct asset *dst, struct asset *src)
{
	for (size_t i = 0; i < src->nips; i++) {
		const struct asset_ip *e = &src->ips[i];

		if (addrmap_get(&inv->by_ip, &e->addr) == src)
			(void)addrmap_del(&inv->by_ip, &e->addr);
		(void)add_ip(inv, dst, &e->addr, e->sources & ~IPSRC_KEY,
		    e->first);
		(void)add_ip(inv, dst, &e->addr, e->sources & ~IPSRC_KEY,
		    e->last);
	}
	for (size_t i = 0; i < src->nnames; i++)
		add_name(inv, dst, src->names[i].name, src->names[i].source,
		    src->names[i].last);
	for (size_t i = 0; i < src->nservices; i++)
		add_service(inv, dst, src->services[i].proto,
		    src->services[i].port, src->services[i].last);
	for (size_t i = 0; i < src->nattrs; i++)
		add_attr(inv, dst, src->attrs[i].key, src->attrs[i].value,
		    src->attrs[i].last);
	if (src->model != NULL && (dst->model == NULL ||
	    src->model_last > dst->model_last))
		set_model(inv, dst, src->model, src->model_source,
		    src->model_last);
	for (size_t i = 0; i < src->npeers; i++) {
		const struct asset_peer *p = &src->peers[i];

		add_peer(dst, &p->addr, p->pkts_out, p->pkts_in, p->bytes_out,
		    p->bytes_in, p->first, p->last);
	}
	touch(inv, dst, src->first);
	touch(inv, dst, src->last);
	remove_asset(inv, src);
}

/* Observation handlers. */

static const uint8_t *
field_mac(const struct observation *o, const char *key)
{
	const struct obs_field *f = obs_get(o, key);

	return f != NULL && f->type == OV_MAC ? f->v.mac : NULL;
}

static const struct ward_addr *
field_addr(const struct observation *o, const char *key)
{
	const struct obs_field *f = obs_get(o, key);

	return f != NULL && f->type == OV_ADDR ? &f->v.addr : NULL;
}

static uint64_t
field_u64(const struct observation *o, const char *key, uint64_t dflt)
{
	const struct obs_field *f = obs_get(o, key);

	if (f == NULL)
		return dflt;
	if (f->type == OV_BOOL)
		return f->v.b;
	return f->type == OV_U64 ? f->v.u : dflt;
}

static void
on_arp(struct inventory *inv, const struct observation *o)
{
	if (field_u64(o, "probe", 0))
		(void)bind(inv, o->mac, NULL, IPSRC_ARP, o->ts);
	else
		(void)bind(inv, o->has_mac ? o->mac : NULL, &o->ip, IPSRC_ARP,
		    o->ts);
}

static void
on_ndp(struct inventory *inv, const struct observation *o)
{
	struct asset *a = bind(inv, o->has_mac ? o->mac : NULL, &o->ip,
	    IPSRC_NDP, o->ts);

	if (a != NULL && a->by_mac && !a->router && field_u64(o, "router", 0))
		become_router(inv, a, o->ts);
}

static void
on_dhcp(struct inventory *inv, const struct observation *o)
{
	const uint8_t *chaddr = field_mac(o, "chaddr");
	const struct obs_field *params = obs_get(o, "params");
	const struct obs_field *cid = obs_get(o, "client_id");
	const struct ward_addr *ip;
	uint64_t op = field_u64(o, "op", 0);
	uint64_t type = field_u64(o, "msg_type", 0);
	struct asset *a;

	if (chaddr == NULL && o->has_mac)
		chaddr = o->mac;
	if (op == 2) {
		/* The server, and on ACK the lease it hands out. */
		const uint8_t *smac = field_mac(o, "server_mac");
		const struct ward_addr *sip = field_addr(o, "server_ip");
		struct asset *s = bind(inv, smac, sip, IPSRC_TRAFFIC, o->ts);

		if (s != NULL)
			add_service(inv, s, IPPROTO_UDP_, 67, o->ts);
		if (type == 5 && (ip = field_addr(o, "yiaddr")) != NULL)
			(void)bind(inv, chaddr, ip, IPSRC_DHCP, o->ts);
		return;
	}
	if ((a = bind(inv, chaddr, NULL, IPSRC_DHCP, o->ts)) == NULL)
		return;
	if ((ip = field_addr(o, "ciaddr")) != NULL)
		(void)bind(inv, chaddr, ip, IPSRC_DHCP, o->ts);
	if (obs_get_str(o, "hostname") != NULL)
		add_name(inv, a, obs_get_str(o, "hostname"), NAME_DHCP, o->ts);
	if (obs_get_str(o, "fqdn") != NULL)
		add_name(inv, a, obs_get_str(o, "fqdn"), NAME_DHCP_FQDN, o->ts);
	if (params != NULL || obs_get_str(o, "vendor_class") != NULL) {
		char plist[1024], hex[2 * 255 + 1];
		const char *cidhex = NULL;

		if (params != NULL)
			obs_list_fmt(params, plist, sizeof(plist));
		if (cid != NULL && cid->type == OV_HEX) {
			static const char digits[] = "0123456789abcdef";
			size_t n = cid->v.list.n > 255 ? 255 : cid->v.list.n;

			for (size_t i = 0; i < n; i++) {
				hex[2 * i] = digits[cid->v.list.v[i] >> 4];
				hex[2 * i + 1] = digits[cid->v.list.v[i] & 15];
			}
			hex[2 * n] = '\0';
			cidhex = hex;
		}
		add_dhcp(inv, a, params != NULL ? plist : NULL,
		    obs_get_str(o, "vendor_class"),
		    obs_get_str(o, "hostname"), cidhex, o->ts);
	}
}

/* "host.local." or "host." without the trailing dot. */
static void
clean_name(const char *in, char *out, size_t len)
{
	size_t n = strlen(in);

	if (n > 0 && in[n - 1] == '.')
		n--;
	if (n >= len)
		n = len - 1;
	memcpy(out, in, n);
	out[n] = '\0';
}

/*
 * A PTR record names a host only under in-addr.arpa or ip6.arpa (RFC 1035,
 * 3.5; RFC 3596, 2.5); DNS-SD PTR records (RFC 6763) name service
 * instances, which are labels, not hosts.
 */
static bool
is_reverse_name(const char *name)
{
	size_t n = strlen(name);

	if (n > 0 && name[n - 1] == '.')
		n--;
	return (n >= 13 && strncasecmp(name + n - 13, ".in-addr.arpa", 13) ==
	    0) || (n >= 9 && strncasecmp(name + n - 9, ".ip6.arpa", 9) == 0);
}

static void
on_dns(struct inventory *inv, const struct observation *o,
    enum name_source source)
{
	const char *name = obs_get_str(o, "name");
	const char *target = obs_get_str(o, "target");
	const struct ward_addr *addr = field_addr(o, "addr");
	const char *model = obs_get_str(o, "model");
	uint64_t rrtype = field_u64(o, "rrtype", 0);
	struct asset *a;
	char buf[256];

	if (name == NULL)
		return;
	/* A DNS-SD TXT record's model names its sender (mDNS only). */
	if (model != NULL && source == NAME_MDNS &&
	    (a = bind(inv, o->has_mac ? o->mac : NULL, &o->ip, IPSRC_TRAFFIC,
	    o->ts)) != NULL)
		set_model(inv, a, model, "mdns", o->ts);
	if ((rrtype == 1 || rrtype == 28) && addr != NULL) {
		/* Service-discovery owner names are not host names. */
		if (name[0] == '_')
			return;
		clean_name(name, buf, sizeof(buf));
		if (source == NAME_MDNS || source == NAME_LLMNR)
			(void)bind(inv, o->has_mac ? o->mac : NULL, addr,
			    IPSRC_TRAFFIC, o->ts);
		name_ip(inv, addr, buf, source, o->ts);
	} else if (rrtype == 12 && target != NULL && o->ip.family != 0 &&
	    is_reverse_name(name)) {
		clean_name(target, buf, sizeof(buf));
		name_ip(inv, &o->ip,  buf, source == NAME_DNS ?
		    NAME_DNS_PTR : source, o->ts);
	}
}

static void
on_nbns(struct inventory *inv, const struct observation *o)
{
	const char *name = obs_get_str(o, "name");
	const struct ward_addr *addr = field_addr(o, "addr");
	uint64_t suffix = field_u64(o, "suffix", 0xff);

	uint64_t opcode = field_u64(o, "opcode", 0);

	if (name == NULL || field_u64(o, "group", 0))
		return;
	/*
	 * A query asks for a name; only answers, registrations and refreshes
	 * (RFC 1002, 4.2: opcodes 5, 8 and 9) claim one.
	 */
	if (!field_u64(o, "response", 0) && opcode != 5 && opcode != 8 &&
	    opcode != 9)
		return;
	/* Workstation and file server names are the host's name. */
	if (suffix != 0x00 && suffix != 0x20)
		return;
	if (addr == NULL)
		addr = &o->ip;
	name_ip(inv, addr, name, NAME_NBNS, o->ts);
}

static void
on_flow_new(struct inventory *inv, const struct observation *o)
{
	(void)bind(inv, field_mac(o, "src_mac"), field_addr(o, "src_ip"),
	    IPSRC_TRAFFIC, o->ts);
}

static void
on_service(struct inventory *inv, const struct observation *o)
{
	struct asset *a = bind(inv, field_mac(o, "dst_mac"),
	    field_addr(o, "dst_ip"), IPSRC_TRAFFIC, o->ts);

	if (a != NULL)
		add_service(inv, a, (uint8_t)field_u64(o, "proto", 0),
		    (uint16_t)field_u64(o, "dst_port", 0), o->ts);
}

/* The asset a MAC or IP already denotes, without creating one. */
static struct asset *
known(struct inventory *inv, const uint8_t *mac, const struct ward_addr *ip)
{
	struct asset *a;

	if (usable_mac(mac) && (a = inv_find_mac(inv, mac)) != NULL &&
	    !a->router)
		return a;
	return usable_ip(ip) ? addrmap_get(&inv->by_ip, ip) : NULL;
}

static void
on_flow(struct inventory *inv, const struct observation *o)
{
	const struct ward_addr *sip = field_addr(o, "src_ip");
	const struct ward_addr *dip = field_addr(o, "dst_ip");
	uint64_t ps = field_u64(o, "pkts_toserver", 0);
	uint64_t pc = field_u64(o, "pkts_toclient", 0);
	uint64_t bs = field_u64(o, "bytes_toserver", 0);
	uint64_t bc = field_u64(o, "bytes_toclient", 0);
	uint64_t start = field_u64(o, "start", o->ts);
	const uint8_t *smac = field_mac(o, "src_mac");
	const uint8_t *dmac = field_mac(o, "dst_mac");
	struct asset *a, *b;
	bool to_group;

	if (sip == NULL || dip == NULL)
		return;
	/* Broadcast and multicast destinations are audiences, not peers. */
	to_group = addr_is_special(dip) || (dmac != NULL && mac_is_group(dmac));
	/*
	 * A side that sent is bound. A side that only received counts what
	 * it got if it is a known device (a unicast answer to a broadcast,
	 * an ICMP error); a silent address no one knows is not an asset.
	 */
	if (ps > 0)
		a = bind(inv, smac, sip, IPSRC_TRAFFIC, o->ts);
	else
		a = known(inv, smac, sip);
	if (a != NULL) {
		add_peer(a, to_group ? NULL : dip, ps, pc, bs, bc, start, o->ts);
		if (o->vlan != 0)
			a->vlan = o->vlan;
	}
	if (to_group)
		return;
	if (pc > 0)
		b = bind(inv, dmac, dip, IPSRC_TRAFFIC, o->ts);
	else
		b = known(inv, dmac, dip);
	if (b != NULL) {
		add_peer(b, sip, pc, ps, bc, bs, start, o->ts);
		if (o->vlan != 0)
			b->vlan = o->vlan;
	}
}

/* Identification attributes of the observation's subject. */
static void
on_attrs(struct inventory *inv, const struct observation *o)
{
	struct attr_kv kv[ATTRS_PER_OBS];
	struct asset *a;
	const char *key;
	size_t n;

	if ((n = ident_attrs_of(o, kv, ATTRS_PER_OBS)) == 0 ||
	    (a = known(inv, o->has_mac ? o->mac : NULL, &o->ip)) == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		if ((key = ident_key_canon(kv[i].key)) != NULL)
			add_attr(inv, a, key, kv[i].value, o->ts);
}

static void
inv_observe(const struct observation *o, void *arg)
{
	struct inventory *inv = arg;

	switch (o->kind) {
	case OBS_ARP:
		on_arp(inv, o);
		break;
	case OBS_NDP:
		on_ndp(inv, o);
		break;
	case OBS_DHCP:
		on_dhcp(inv, o);
		break;
	case OBS_DNS:
		on_dns(inv, o, NAME_DNS);
		on_attrs(inv, o);
		break;
	case OBS_MDNS:
		on_dns(inv, o, NAME_MDNS);
		on_attrs(inv, o);
		break;
	case OBS_LLMNR:
		on_dns(inv, o, NAME_LLMNR);
		break;
	case OBS_NBNS:
		on_nbns(inv, o);
		break;
	case OBS_FLOW_NEW:
		on_flow_new(inv, o);
		break;
	case OBS_SERVICE:
		on_service(inv, o);
		break;
	case OBS_FLOW:
		on_flow(inv, o);
		break;
	default:
		on_attrs(inv, o);
		break;
	}
	if (o->vlan != 0 && o->kind != OBS_FLOW) {
		struct asset *a = known(inv, o->has_mac ? o->mac : NULL,
		    &o->ip);

		if (a != NULL)
			a->vlan = o->vlan;
	}
}

int
inv_attach(struct inventory *inv, struct obs_bus *bus)
{
	return obs_subscribe(bus, OBS_MASK(OBS_ARP) | OBS_MASK(OBS_NDP) |
	    OBS_MASK(OBS_DHCP) | OBS_MASK(OBS_DNS) | OBS_MASK(OBS_MDNS) |
	    OBS_MASK(OBS_LLMNR) | OBS_MASK(OBS_NBNS) | OBS_MASK(OBS_FLOW_NEW) |
	    OBS_MASK(OBS_SERVICE) | OBS_MASK(OBS_FLOW) | OBS_MASK(OBS_DICOM) |
	    OBS_MASK(OBS_HL7) | OBS_MASK(OBS_MQTT) | OBS_MASK(OBS_COAP) |
	    OBS_MASK(OBS_HTTP) | OBS_MASK(OBS_TLS) | OBS_MASK(OBS_SSH) |
	    OBS_MASK(OBS_SMB) | OBS_MASK(OBS_SSDP) | OBS_MASK(OBS_RDP) |
	    OBS_MASK(OBS_BANNER) | OBS_MASK(OBS_MODBUS) | OBS_MASK(OBS_BACNET),
	    inv_observe, inv);
}

struct asset *
inv_find_mac(const struct inventory *inv, const uint8_t mac[6])
{
	struct ward_addr k = addrmap_mac_key(mac);

	return addrmap_get(&inv->by_mac, &k);
}

struct asset *
inv_find_ip(const struct inventory *inv, const struct ward_addr *ip)
{
	return addrmap_get(&inv->by_ip, ip);
}

static const struct ward_addr *
lowest_ip(const struct asset *a)
{
	const struct ward_addr *best = NULL;

	if (!a->by_mac)
		return &a->key_ip;
	for (size_t i = 0; i < a->nips; i++)
		if (best == NULL || addr_cmp(&a->ips[i].addr, best) < 0)
			best = &a->ips[i].addr;
	return best;
}

static int
asset_cmp(const void *x, const void *y)
{
	const struct asset *a = *(struct asset *const *)x;
	const struct asset *b = *(struct asset *const *)y;
	const struct ward_addr *ia = lowest_ip(a), *ib = lowest_ip(b);
	int c;

	/* Assets with an IP first, in address order; then by MAC. */
	if (ia != NULL && ib != NULL && (c = addr_cmp(ia, ib)) != 0)
		return c;
	if ((ia == NULL) != (ib == NULL))
		return ia == NULL ? 1 : -1;
	if (a->by_mac != b->by_mac)
		return a->by_mac ? -1 : 1;
	return memcmp(a->mac, b->mac, 6);
}

struct asset **
inv_sorted(const struct inventory *inv, size_t *n)
{
	struct asset **v;

	*n = 0;
	if (inv->n == 0 || (v = malloc(inv->n * sizeof(*v))) == NULL)
		return NULL;
	memcpy(v, inv->v, inv->n * sizeof(*v));
	qsort(v, inv->n, sizeof(*v), asset_cmp);
	*n = inv->n;
	return v;
}

struct asset *const *
inv_assets(const struct inventory *inv, size_t *n)
{
	*n = inv->n;
	return inv->v;
}
