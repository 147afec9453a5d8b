/*
 * rules.c - the stateless rules (see detect-private.h, docs/alerts.md):
 * each looks at one observation, or at a short window of them, and raises
 * an alert when what it sees is an attack or a misuse on its face.
 *
 *	spoofing	ARP/NDP/DHCP bindings that move while their holder
 *			lives (arp_spoof, ip_conflict), DHCP starvation,
 *			DHCP servers nobody declared (rogue_dhcp_server)
 *	reconnaissance	port scans and host sweeps (Zeek's scan.zeek)
 *	credentials	failed logins in a window (brute_force), passwords
 *			in clear (cleartext_credential)
 *	the internet	medical devices reaching public addresses
 *	indicators	addresses, domains, JA3/JA4/HASSH of the feeds
 *	IoMT		unauthenticated MQTT, subscribe-all, malformed
 *			DICOM/HL7, DICOM files that are also programs
 *	inventory	identity changes, devices going offline
 *
 * "Stateless" means no learned model: the few tables kept (bindings, scan
 * attempts, login failures, DNS answers) are windows and caches, each
 * with a fixed cap, pruned at every tick on capture time. rules_memory()
 * says what they hold.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ward/addrmap.h"
#include "ward/flow.h"
#include "ward/ident.h"
#include "detect-private.h"

#define USEC		1000000ULL

/*
 * An IP's holder is live while it was seen (in the inventory, or by its
 * own ARP/NDP/DHCP) within BIND_LIVE: a DHCP lease given to another MAC
 * an hour after the last one went quiet is a re-lease, not a spoof.
 */
#define BIND_MAX	65536
#define BIND_LIVE	(3600 * USEC)

/* DHCP: client MACs counted for starvation, servers learned. */
#define DHCP_MACS_MAX	65536
#define DHCP_SERVERS_MAX 16

/*
 * Scans: sources followed at once, and the (target, port) attempts kept
 * per source, newest first out of a ring. A threshold above SCAN_PAIRS
 * acts as SCAN_PAIRS.
 */
#define SCAN_SOURCES_MAX 8192
#define SCAN_PAIRS	256

/* Brute force: (client, server, protocol) triples followed at once. */
#define BRUTE_MAX	4096
#define BRUTE_INDEX	(2 * BRUTE_MAX)	/* a power of two */
/* Flows whose last HTTP request carried credentials. */
#define HTTP_AUTH_MAX	65536

/*
 * SSH, encrypted: a login that failed shows as a short connection with
 * few packets (the key exchange, a few password prompts, the server
 * closing after MaxAuthTries). hydra and medusa open one connection per
 * task and try a few passwords in each; an interactive session or a copy
 * is longer or heavier.
 */
#define SSH_SHORT	(30 * USEC)
#define SSH_FEW_PKTS	60
#define SSH_FEW_BYTES	(16U << 10)
#define SSH_MIN_TOCLIENT 3	/* the server answered: banner, KEXINIT */

/* DNS answers kept to name internet peers (4-way set associative). */
#define DNS_SLOTS	8192
#define DNS_WAYS	4
#define NAME_MAX_LEN	256
#define CNAME_HOPS	4

#define PRUNE_EVERY	(10 * USEC)

struct binding {
	uint8_t		 mac[6];
	uint64_t	 first;
	uint64_t	 last;
	/* The MAC a DHCP server last gave the IP to, when another. */
	bool		 has_leased;
	uint8_t		 leased[6];
	/* The last arp_spoof or ip_conflict about the address. */
	uint64_t	 alerted;
};

struct scan_pair {
	struct ward_addr dst;
	uint16_t	 port;
	uint8_t		 proto;
	bool		 medical;
	uint64_t	 ts;
};

struct scanner {
	struct scan_pair *pairs;	/* a ring of at most SCAN_PAIRS */
	uint32_t	 n;
	uint32_t	 cap;
	uint32_t	 next;
	uint64_t	 last;
	uint64_t	 port_alert;	/* window of the last alert, per kind */
	uint64_t	 sweep_alert;
};

struct brute {
	bool		 used;
	struct ward_addr client;
	struct ward_addr server;
	uint16_t	 port;
	char		 proto[16];
	uint64_t	 start;		/* of the current window */
	uint64_t	 last;
	uint32_t	 count;
	char		 user[64];
	char		 signal[48];
};

struct dns_slot {
	struct ward_addr key;		/* family 0: empty */
	uint64_t	 stamp;
	char		 name[NAME_MAX_LEN];
};

struct cname_slot {
	uint32_t	 hash;
	uint64_t	 stamp;
	char		 canon[NAME_MAX_LEN];
	char		 alias[NAME_MAX_LEN];
};

struct tstamp {
	uint64_t	 ts;
};

/* A device that went silent when its baseline says it is off. */
struct silent {
	bool		 by_mac;
	uint8_t		 mac[6];
	struct ward_addr ip;
	uint64_t	 active_since;	/* first tick in an active hour, or 0 */
};

struct rules_state {
	struct addrmap	 bind;		/* IP -> struct binding */
	uint64_t	 bind_dropped;

	struct addrmap	 dhcp_macs;	/* MAC key -> struct tstamp */
	uint64_t	 dhcp_alert;	/* last starvation alert */
	uint64_t	 dhcp_pruned;	/* last walk of dhcp_macs */
	struct ward_addr dhcp_known[DHCP_SERVERS_MAX];
	size_t		 ndhcp_known;
	uint64_t	 dhcp_learn_start;

	struct addrmap	 scan;		/* source -> struct scanner */
	size_t		 scan_bytes;
	uint64_t	 scan_dropped;

	struct brute	*brute;		/* BRUTE_MAX */
	uint32_t	*brute_ix;	/* BRUTE_INDEX */
	size_t		 brute_used;
	size_t		 brute_next;	/* where to look for a free slot */
	struct addrmap	 http_auth;	/* flow key -> &http_marker */

	struct dns_slot	*dns;		/* DNS_SLOTS, made at first use */
	struct cname_slot *cname;
	uint64_t	 dns_stamp;
	uint64_t	 pruned;	/* capture time of the last pruning */

	/* mac_for_ip changes waiting for the ARP rules' word (rules_tick). */
	struct alert	*moved;		/* MOVED_MAX */
	size_t		 nmoved;

	/* Silent outside their active hours (SILENT_MAX, made at first use). */
	struct silent	*silent;
	size_t		 nsilent;
};

/* Address moves held until the next tick. */
#define MOVED_MAX	64
/*
 * Devices gone silent outside their active hours, waited on until their
 * next active hour (rules_tick): at most this many, the oldest dropped.
 */
#define SILENT_MAX	1024

static char http_marker;

struct rules_state *
rules_new(struct detector *d)
{
	struct rules_state *r = calloc(1, sizeof(*r));

	(void)d;
	if (r == NULL)
		return NULL;
	addrmap_init(&r->bind);
	addrmap_init(&r->dhcp_macs);
	addrmap_init(&r->scan);
	addrmap_init(&r->http_auth);
	if ((r->brute = calloc(BRUTE_MAX, sizeof(*r->brute))) == NULL ||
	    (r->brute_ix = calloc(BRUTE_INDEX, sizeof(*r->brute_ix))) ==
	    NULL ||
	    (r->moved = calloc(MOVED_MAX, sizeof(*r->moved))) == NULL) {
		free(r->brute);
		free(r->brute_ix);
		free(r);
		return NULL;
	}
	return r;
}

static void
map_free_values(struct addrmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].val);
	addrmap_clear(m);
}

static void
scanner_free(struct scanner *s)
{
	if (s != NULL)
		free(s->pairs);
	free(s);
}

void
rules_free(struct rules_state *r)
{
	if (r == NULL)
		return;
	map_free_values(&r->bind);
	map_free_values(&r->dhcp_macs);
	for (size_t i = 0; i < r->scan.cap; i++)
		scanner_free(r->scan.slots[i].val);
	addrmap_clear(&r->scan);
	addrmap_clear(&r->http_auth);
	free(r->brute);
	free(r->brute_ix);
	free(r->dns);
	free(r->cname);
	free(r->moved);
	free(r->silent);
	free(r);
}

size_t
rules_memory(const struct rules_state *r)
{
	size_t n = sizeof(*r);

	n += r->bind.cap * sizeof(struct addrmap_slot) +
	    r->bind.n * sizeof(struct binding);
	n += r->dhcp_macs.cap * sizeof(struct addrmap_slot) +
	    r->dhcp_macs.n * sizeof(struct tstamp);
	n += r->scan.cap * sizeof(struct addrmap_slot) + r->scan_bytes;
	n += r->http_auth.cap * sizeof(struct addrmap_slot);
	n += BRUTE_MAX * sizeof(struct brute) + BRUTE_INDEX * sizeof(uint32_t);
	if (r->dns != NULL)
		n += DNS_SLOTS * sizeof(struct dns_slot);
	if (r->cname != NULL)
		n += DNS_SLOTS * sizeof(struct cname_slot);
	return n;
}

/*
 * Keeps the entries of m for which keep() says so; the others' values
 * are freed (free_fn) and the map rebuilt without them.
 */
static void
map_prune(struct addrmap *m, bool (*keep)(void *, uint64_t, void *),
    uint64_t now, void *arg, void (*free_fn)(void *))
{
	struct addrmap kept;
	bool oom = false;

	addrmap_init(&kept);
	for (size_t i = 0; i < m->cap; i++) {
		void *v = m->slots[i].val;

		if (v == NULL)
			continue;
		if (!oom && keep(v, now, arg)) {
			if (addrmap_put(&kept, &m->slots[i].key, v) == 0)
				continue;
			oom = true;
		}
		free_fn(v);
	}
	addrmap_clear(m);
	*m = kept;
}

/* Observation fields. */

static bool
f_u64(const struct observation *ob, const char *key, uint64_t *v)
{
	const struct obs_field *f = obs_get(ob, key);

	if (f == NULL || f->type != OV_U64)
		return false;
	*v = f->v.u;
	return true;
}

static bool
f_bool(const struct observation *ob, const char *key, bool *v)
{
	const struct obs_field *f = obs_get(ob, key);

	if (f == NULL || f->type != OV_BOOL)
		return false;
	*v = f->v.b;
	return true;
}

static bool
f_true(const struct observation *ob, const char *key)
{
	bool b;

	return f_bool(ob, key, &b) && b;
}

static bool
f_addr(const struct observation *ob, const char *key, struct ward_addr *a)
{
	const struct obs_field *f = obs_get(ob, key);

	if (f == NULL || f->type != OV_ADDR || f->v.addr.family == 0)
		return false;
	*a = f->v.addr;
	return true;
}

static bool
f_mac(const struct observation *ob, const char *key, uint8_t mac[6])
{
	const struct obs_field *f = obs_get(ob, key);

	if (f == NULL || f->type != OV_MAC)
		return false;
	memcpy(mac, f->v.mac, 6);
	return true;
}

static const char *
f_str(const struct observation *ob, const char *key)
{
	const char *s = obs_get_str(ob, key);

	return s != NULL ? s : "";
}

/* The flow's initiator (client) and responder (server); false if none. */
static bool
flow_ends(const struct observation *ob, struct ward_addr *client,
    struct ward_addr *server, uint16_t *dport)
{
	const struct flow *f = ob->flow;

	if (f == NULL)
		return false;
	*client = f->side[0].addr;
	*server = f->side[1].addr;
	if (dport != NULL)
		*dport = f->side[1].port;
	return client->family != 0 && server->family != 0;
}

/* The other end of the observation's flow from its subject, if any. */
static bool
flow_peer(const struct observation *ob, struct ward_addr *peer)
{
	const struct flow *f = ob->flow;

	if (f == NULL || ob->ip.family == 0)
		return false;
	*peer = addr_eq(&f->side[0].addr, &ob->ip) ? f->side[1].addr :
	    f->side[0].addr;
	return peer->family != 0;
}

static uint64_t
age(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

/* Sets the alert's asset to the one holding ip, or to ip itself. */
static void
asset_by_ip(struct detector *d, struct alert *al, const struct ward_addr *ip)
{
	detect_alert_asset(al, detect_asset_by_ip(d, ip), ip);
}

static void
asset_of(struct detector *d, struct alert *al, const struct observation *ob)
{
	const struct asset *a = detect_subject(d, ob);
	char mac[MAC_STRLEN];

	if (a == NULL && ob->has_mac) {
		alert_asset(al, mac_fmt(ob->mac, mac, sizeof(mac)),
		    ob->ip.family != 0 ? &ob->ip : NULL);
		return;
	}
	detect_alert_asset(al, a, ob->ip.family != 0 ? &ob->ip : NULL);
}

static void
set_peer(struct alert *al, const struct ward_addr *ip)
{
	if (ip != NULL && ip->family != 0)
		addr_fmt(ip, al->peer, sizeof(al->peer));
}

/* ------------------------------------------------ ARP spoofing, conflicts */

static uint64_t
mac_last_seen(struct detector *d, const struct binding *b)
{
	const struct asset *a = inv_find_mac(d->inv, b->mac);

	return a != NULL && a->last > b->last ? a->last : b->last;
}

/*
 * ip is bound to mac by an ARP/NDP message or a DHCP ACK. A claim is an
 * ARP reply, a gratuitous ARP or an NDP advertisement: a message that
 * tells others where the IP is. How says which ("arp reply").
 */
static void
bind_ip(struct detector *d, const struct observation *ob,
    const struct ward_addr *ip, const uint8_t mac[6], bool claim,
    bool dhcp, const char *how)
{
	struct rules_state *r = d->rules;
	struct binding *b;
	struct alert al;
	char ipbuf[ADDR_STRLEN], newmac[MAC_STRLEN], oldmac[MAC_STRLEN];
	const struct asset *claimant;
	uint64_t seen;
	bool leased;

	if (ip->family == 0 || addr_is_special(ip) || mac_is_zero(mac) ||
	    mac_is_group(mac))
		return;
	if ((b = addrmap_get(&r->bind, ip)) == NULL) {
		if (r->bind.n >= BIND_MAX ||
		    (b = calloc(1, sizeof(*b))) == NULL) {
			r->bind_dropped++;
			return;
		}
		memcpy(b->mac, mac, 6);
		b->first = b->last = ob->ts;
		if (addrmap_put(&r->bind, ip, b) == -1) {
			free(b);
			r->bind_dropped++;
		}
		return;
	}
	if (memcmp(b->mac, mac, 6) == 0) {
		if (ob->ts > b->last)
			b->last = ob->ts;
		return;
	}
	seen = mac_last_seen(d, b);
	if (age(ob->ts, seen) > BIND_LIVE) {
		/* The holder let go: a new device, or a new lease. */
		memcpy(b->mac, mac, 6);
		b->first = b->last = ob->ts;
		b->has_leased = false;
		return;
	}
	if (dhcp) {
		b->has_leased = true;
		memcpy(b->leased, mac, 6);
	}
	/*
	 * A DHCP server handing out an address in use, or the device it
	 * gave it to announcing itself, is a conflict, not a spoof.
	 */
	leased = b->has_leased && memcmp(b->leased, mac, 6) == 0;
	alert_init(&al, claim && !leased ? ALERT_ARP_SPOOF : ALERT_IP_CONFLICT,
	    ob->ts);
	claimant = inv_find_mac(d->inv, mac);
	mac_fmt(mac, newmac, sizeof(newmac));
	mac_fmt(b->mac, oldmac, sizeof(oldmac));
	addr_fmt(ip, ipbuf, sizeof(ipbuf));
	if (claimant != NULL)
		detect_alert_asset(&al, claimant, ip);
	else
		alert_asset(&al, newmac, ip);
	(void)snprintf(al.peer, sizeof(al.peer), "%s", oldmac);
	alert_object(&al, "ip %s", ipbuf);
	if (al.type == ALERT_ARP_SPOOF)
		alert_message(&al, "%s claims %s (%s), which %s holds and "
		    "used %llu s ago", newmac, ipbuf, how, oldmac,
		    (unsigned long long)(age(ob->ts, seen) / USEC));
	else
		alert_message(&al, "%s and %s both use %s (%s)", oldmac,
		    newmac, ipbuf, how);
	(void)alert_ev(&al, "ip", "%s", ipbuf);
	(void)alert_ev(&al, "claimed_by", "%s", newmac);
	(void)alert_ev(&al, "held_by", "%s", oldmac);
	(void)alert_ev_u64(&al, "held_since", b->first);
	(void)alert_ev_u64(&al, "held_last_seen_s", age(ob->ts, seen) / USEC);
	(void)alert_ev(&al, "message", "%s", how);
	if (leased)
		(void)alert_ev(&al, "dhcp_lease", "the DHCP server gave %s "
		    "to %s", ipbuf, newmac);
	b->alerted = ob->ts;
	detect_raise(d, &al);
}

static struct scanner *scanner_get(struct rules_state *,
    const struct ward_addr *, uint64_t);
static struct scan_pair *scanner_add(struct rules_state *, struct scanner *,
    const struct scan_pair *, bool *);
static uint32_t clamp(uint32_t);

/*
 * A host sweep by ARP (nmap -sn on a LAN): who-has requests from one MAC
 * for many addresses nobody holds. A router or a server resolves the
 * neighbours it talks to, which answer; a sweep asks for the whole subnet,
 * most of which is empty. The sender is keyed by its MAC in the scanners'
 * table, its pairs are the addresses asked for (protocol 0).
 */
static void
rule_arp_sweep(struct detector *d, const struct observation *ob)
{
	struct rules_state *r = d->rules;
	const struct detect_config *cfg = d->cfg;
	struct ward_addr key, target;
	struct scan_pair np;
	struct scanner *s;
	struct alert al;
	char list[ALERT_VALUE_MAX], buf[ADDR_STRLEN];
	uint32_t empty = 0;
	size_t n = 0;
	bool fresh;

	if (!f_addr(ob, "target_ip", &target) || addr_is_special(&target) ||
	    addr_eq(&target, &ob->ip) || cidr_list_has(&cfg->scan_allow,
	    &ob->ip))
		return;
	/* An address somebody holds answers: that is no sweep's attempt. */
	if (addrmap_get(&r->bind, &target) != NULL ||
	    detect_asset_by_ip(d, &target) != NULL)
		return;
	key = addrmap_mac_key(ob->mac);
	if ((s = scanner_get(r, &key, ob->ts)) == NULL)
		return;
	s->last = ob->ts;
	memset(&np, 0, sizeof(np));
	np.dst = target;
	np.ts = ob->ts;
	if (scanner_add(r, s, &np, &fresh) == NULL || !fresh ||
	    s->n < clamp(cfg->scan_hosts) ||
	    (s->sweep_alert != 0 && age(ob->ts, s->sweep_alert) <=
	    cfg->scan_window))
		return;
	/* Addresses asked for earlier may have answered since. */
	for (uint32_t i = 0; i < s->n; i++) {
		const struct scan_pair *q = &s->pairs[i];

		if (age(ob->ts, q->ts) <= cfg->scan_window &&
		    addrmap_get(&r->bind, &q->dst) == NULL &&
		    detect_asset_by_ip(d, &q->dst) == NULL)
			empty++;
	}
	if (empty < clamp(cfg->scan_hosts))
		return;
	list[0] = '\0';
	for (uint32_t i = 0; i < s->n && n < sizeof(list); i++) {
		const struct scan_pair *q = &s->pairs[i];

		if (age(ob->ts, q->ts) <= cfg->scan_window &&
		    addrmap_get(&r->bind, &q->dst) == NULL)
			n += (size_t)snprintf(list + n, sizeof(list) - n,
			    "%s%s", n > 0 ? "," : "", addr_fmt(&q->dst, buf,
			    sizeof(buf)));
	}
	s->sweep_alert = ob->ts;
	alert_init(&al, ALERT_HOST_SWEEP, ob->ts);
	asset_of(d, &al, ob);
	alert_object(&al, "arp");
	alert_message(&al, "ARP requests for %u addresses nobody holds "
	    "within %llu s", empty,
	    (unsigned long long)(cfg->scan_window / USEC));
	(void)alert_ev(&al, "service", "arp");
	(void)alert_ev(&al, "hosts", "%s", list);
	(void)alert_ev_u64(&al, "count", empty);
	(void)alert_ev_u64(&al, "threshold", cfg->scan_hosts);
	(void)alert_ev_u64(&al, "window_s", cfg->scan_window / USEC);
	detect_raise(d, &al);
}

static void
rule_arp(struct detector *d, const struct observation *ob)
{
	uint64_t op = 0;
	bool grat = f_true(ob, "gratuitous");
	const char *how;

	/* RFC 5227 probes are how a host avoids a conflict: not bindings. */
	if (f_true(ob, "probe") || !ob->has_mac)
		return;
	(void)f_u64(ob, "op", &op);
	how = grat ? (op == 2 ? "arp gratuitous reply" :
	    "arp gratuitous request") : op == 2 ? "arp reply" : "arp request";
	bind_ip(d, ob, &ob->ip, ob->mac, op == 2 || grat, false, how);
	if (op == 1 && !grat)
		rule_arp_sweep(d, ob);
}

static void
rule_ndp(struct detector *d, const struct observation *ob)
{
	uint64_t type = 0;

	if (!ob->has_mac)
		return;
	(void)f_u64(ob, "type", &type);
	/* RFC 4861 7.2.4: a neighbor advertisement claims its target. */
	bind_ip(d, ob, &ob->ip, ob->mac, type == 136, false,
	    type == 136 ? "ndp advertisement" : "ndp solicitation");
}

/* --------------------------------------------------------------- DHCP */

#define DHCP_DISCOVER	1
#define DHCP_OFFER	2
#define DHCP_REQUEST	3
#define DHCP_ACK	5

static bool
keep_recent(void *v, uint64_t now, void *arg)
{
	const struct tstamp *t = v;
	const uint64_t *window = arg;

	return age(now, t->ts) <= *window;
}

/* The network's DHCP server: the first listed, else the first learned. */
static const struct ward_addr *
dhcp_server_of(const struct detector *d)
{
	if (d->cfg->dhcp_servers.n > 0)
		return &d->cfg->dhcp_servers.v[0].addr;
	return d->rules->ndhcp_known > 0 ? &d->rules->dhcp_known[0] : NULL;
}

static void
rule_dhcp_starvation(struct detector *d, const struct observation *ob,
    const uint8_t chaddr[6])
{
	struct rules_state *r = d->rules;
	const struct detect_config *cfg = d->cfg;
	struct ward_addr key = addrmap_mac_key(chaddr);
	struct tstamp *t;
	struct alert al;
	uint8_t src[6];
	char mac[MAC_STRLEN];
	uint64_t window = cfg->dhcp_window;
	const struct asset *known = inv_find_mac(d->inv, chaddr);
	bool have_src;

	/*
	 * Only new clients count: a device the network knew before the
	 * window (a handheld roaming between access points, a reboot) is
	 * not draining anything. The inventory saw this message first.
	 */
	if (known != NULL && age(ob->ts, known->first) > window)
		return;
	if ((t = addrmap_get(&r->dhcp_macs, &key)) == NULL) {
		if (r->dhcp_macs.n >= DHCP_MACS_MAX)
			map_prune(&r->dhcp_macs, keep_recent, ob->ts, &window,
			    free);
		if (r->dhcp_macs.n >= DHCP_MACS_MAX ||
		    (t = malloc(sizeof(*t))) == NULL)
			return;
		if (addrmap_put(&r->dhcp_macs, &key, t) == -1) {
			free(t);
			return;
		}
	}
	t->ts = ob->ts;
	if (r->dhcp_macs.n <= cfg->dhcp_starvation_macs)
		return;
	/* Once per window: the pool is being drained, one alert says so. */
	if (r->dhcp_alert != 0 && age(ob->ts, r->dhcp_alert) <= window)
		return;
	/*
	 * Count only the window: older clients go first. The walk costs
	 * the whole table, so it runs at most once a second of capture
	 * time; in between, clients up to a second older than the window
	 * may still count.
	 */
	if (r->dhcp_pruned == 0 || age(ob->ts, r->dhcp_pruned) >= USEC) {
		map_prune(&r->dhcp_macs, keep_recent, ob->ts, &window, free);
		r->dhcp_pruned = ob->ts;
	}
	if (r->dhcp_macs.n <= cfg->dhcp_starvation_macs)
		return;
	r->dhcp_alert = ob->ts;
	alert_init(&al, ALERT_DHCP_STARVATION, ob->ts);
	/*
	 * The frame's sender: one NIC forging many client addresses
	 * (dhcpstarv) shows here; a tool that forges the frame's too
	 * (yersinia) leaves only its latest.
	 */
	have_src = ob->flow != NULL && ob->flow->side[0].has_mac;
	if (have_src)
		memcpy(src, ob->flow->side[0].mac, 6);
	else
		memcpy(src, chaddr, 6);
	{
		const struct asset *a = inv_find_mac(d->inv, src);
		const struct ward_addr *server = dhcp_server_of(d);

		if (memcmp(src, chaddr, 6) == 0 && server != NULL) {
			/*
			 * Every frame forged too: the attacker does not
			 * show. The alert is about what suffers, the
			 * network's DHCP server.
			 */
			asset_by_ip(d, &al, server);
			(void)alert_ev(&al, "attacker", "unknown: the frames' "
			    "source MACs are forged as well");
		} else if (a != NULL)
			detect_alert_asset(&al, a, NULL);
		else
			alert_asset(&al, mac_fmt(src, mac, sizeof(mac)), NULL);
	}
	alert_object(&al, "vlan %u", ob->vlan);
	alert_message(&al, "%zu client addresses asked DHCP for a lease "
	    "within %llu s (more than %u): the address pool is being drained",
	    r->dhcp_macs.n, (unsigned long long)(window / USEC),
	    cfg->dhcp_starvation_macs);
	(void)alert_ev_u64(&al, "clients", r->dhcp_macs.n);
	(void)alert_ev_u64(&al, "threshold", cfg->dhcp_starvation_macs);
	(void)alert_ev_u64(&al, "window_s", window / USEC);
	(void)alert_ev(&al, "last_chaddr", "%s", mac_fmt(chaddr, mac,
	    sizeof(mac)));
	if (have_src)
		(void)alert_ev(&al, "frame_src", "%s", mac_fmt(src, mac,
		    sizeof(mac)));
	(void)alert_ev_u64(&al, "vlan", ob->vlan);
	detect_raise(d, &al);
}

static bool
dhcp_known(const struct rules_state *r, const struct ward_addr *a)
{
	for (size_t i = 0; i < r->ndhcp_known; i++)
		if (addr_eq(&r->dhcp_known[i], a))
			return true;
	return false;
}

static void
rule_dhcp_server(struct detector *d, const struct observation *ob,
    uint64_t type)
{
	struct rules_state *r = d->rules;
	const struct detect_config *cfg = d->cfg;
	struct ward_addr sid, sip, relay, yi, a;
	struct alert al;
	uint8_t smac[6], chaddr[6];
	const struct asset *srv = NULL;
	char buf[ADDR_STRLEN], mac[MAC_STRLEN], known[ALERT_VALUE_MAX];
	bool has_sid, has_sip, has_smac;
	size_t kn = 0;

	has_sid = f_addr(ob, "server_id", &sid);
	has_sip = f_addr(ob, "server_ip", &sip);
	has_smac = f_mac(ob, "server_mac", smac);
	if (!has_sid && !has_sip)
		return;
	if (!has_sid)
		sid = sip;
	if (cfg->dhcp_servers.n > 0) {
		/*
		 * The server identifier is what a client believes; a
		 * server that names a listed one must also send from a
		 * listed address, unless a relay forwarded its answer.
		 */
		if (cidr_list_has(&cfg->dhcp_servers, &sid) && (!has_sip ||
		    cidr_list_has(&cfg->dhcp_servers, &sip) ||
		    f_addr(ob, "relay", &relay)))
			return;
	} else {
		if (dhcp_known(r, &sid))
			return;
		if (r->dhcp_learn_start == 0)
			r->dhcp_learn_start = ob->ts;
		if (cfg->mode == DETECT_LEARN ||
		    age(ob->ts, r->dhcp_learn_start) <= cfg->learn_period) {
			if (r->ndhcp_known < DHCP_SERVERS_MAX)
				r->dhcp_known[r->ndhcp_known++] = sid;
			return;
		}
	}
	alert_init(&al, ALERT_ROGUE_DHCP, ob->ts);
	if (has_smac)
		srv = inv_find_mac(d->inv, smac);
	if (srv == NULL)
		srv = detect_asset_by_ip(d, has_sip ? &sip : &sid);
	if (srv != NULL)
		detect_alert_asset(&al, srv, has_sip ? &sip : &sid);
	else if (has_smac)
		alert_asset(&al, mac_fmt(smac, mac, sizeof(mac)),
		    has_sip ? &sip : &sid);
	else
		asset_by_ip(d, &al, has_sip ? &sip : &sid);
	addr_fmt(&sid, buf, sizeof(buf));
	alert_object(&al, "server %s", buf);
	alert_message(&al, "DHCP %s from %s, a server %s", type == DHCP_ACK ?
	    "ACK" : "OFFER", buf, cfg->dhcp_servers.n > 0 ?
	    "not in dhcp.servers" : "that was not there while ward learned "
	    "the network's servers");
	(void)alert_ev(&al, "server_id", "%s", buf);
	if (has_sip)
		(void)alert_ev_addr(&al, "server_ip", &sip);
	if (has_smac)
		(void)alert_ev(&al, "server_mac", "%s", mac_fmt(smac, mac,
		    sizeof(mac)));
	(void)alert_ev(&al, "msg_type", "%s", type == DHCP_ACK ? "ack" :
	    "offer");
	if (f_mac(ob, "chaddr", chaddr))
		(void)alert_ev(&al, "client", "%s", mac_fmt(chaddr, mac,
		    sizeof(mac)));
	if (f_addr(ob, "yiaddr", &yi))
		(void)alert_ev_addr(&al, "yiaddr", &yi);
	if (f_addr(ob, "router", &a))
		(void)alert_ev_addr(&al, "router", &a);
	if (f_addr(ob, "dns_server", &a))
		(void)alert_ev_addr(&al, "dns_server", &a);
	known[0] = '\0';
	for (size_t i = 0; i < r->ndhcp_known && kn < sizeof(known); i++)
		kn += (size_t)snprintf(known + kn, sizeof(known) - kn, "%s%s",
		    i > 0 ? "," : "", addr_fmt(&r->dhcp_known[i], buf,
		    sizeof(buf)));
	if (cfg->dhcp_servers.n > 0)
		(void)alert_ev(&al, "servers", "%zu prefixes in dhcp.servers",
		    cfg->dhcp_servers.n);
	else
		(void)alert_ev(&al, "servers", "%s", known[0] != '\0' ? known :
		    "none");
	detect_raise(d, &al);
}

static void
rule_dhcp(struct detector *d, const struct observation *ob)
{
	uint64_t op = 0, type = 0;
	uint8_t chaddr[6];
	struct ward_addr yi;

	if (obs_get(ob, "v6") != NULL || !f_u64(ob, "msg_type", &type))
		return;
	(void)f_u64(ob, "op", &op);
	/*
	 * RFC 2131 4.3.2: a renewing or rebinding client fills ciaddr;
	 * only clients without an address drain the pool.
	 */
	if (op == 1 && (type == DHCP_DISCOVER || type == DHCP_REQUEST) &&
	    f_mac(ob, "chaddr", chaddr) && !f_addr(ob, "ciaddr", &yi))
		rule_dhcp_starvation(d, ob, chaddr);
	if (op == 2 && (type == DHCP_OFFER || type == DHCP_ACK))
		rule_dhcp_server(d, ob, type);
	if (op == 2 && type == DHCP_ACK && f_mac(ob, "chaddr", chaddr) &&
	    f_addr(ob, "yiaddr", &yi))
		bind_ip(d, ob, &yi, chaddr, false, true, "dhcp ack");
}

/* -------------------------------------------------------------- Scans */

/* Services whose clients reach many hosts by design. */
static bool
sweep_exempt(uint8_t proto, uint16_t port)
{
	if (proto != 17)
		return false;
	switch (port) {
	case 53: case 67: case 123: case 137: case 138: case 1900:
	case 5353: case 5355:
		return true;
	}
	return false;
}

static struct scanner *
scanner_get(struct rules_state *r, const struct ward_addr *src,
    uint64_t now)
{
	struct scanner *s = addrmap_get(&r->scan, src);

	if (s != NULL)
		return s;
	if (r->scan.n >= SCAN_SOURCES_MAX || (s = calloc(1, sizeof(*s))) ==
	    NULL) {
		r->scan_dropped++;
		return NULL;
	}
	s->last = now;
	if (addrmap_put(&r->scan, src, s) == -1) {
		free(s);
		r->scan_dropped++;
		return NULL;
	}
	r->scan_bytes += sizeof(*s);
	return s;
}

/*
 * Records an attempt; the pair, or NULL when out of memory. *fresh says
 * whether it was new (a repeat cannot make a count grow).
 */
static struct scan_pair *
scanner_add(struct rules_state *r, struct scanner *s,
    const struct scan_pair *p, bool *fresh)
{
	struct scan_pair *np;

	*fresh = false;
	for (uint32_t i = 0; i < s->n; i++)
		if (s->pairs[i].port == p->port && s->pairs[i].proto ==
		    p->proto && addr_eq(&s->pairs[i].dst, &p->dst)) {
			s->pairs[i].ts = p->ts;
			return &s->pairs[i];
		}
	*fresh = true;
	if (s->n == s->cap && s->cap < SCAN_PAIRS) {
		uint32_t ncap = s->cap ? s->cap * 2 : 8;

		if ((np = realloc(s->pairs, ncap * sizeof(*np))) == NULL)
			return NULL;
		r->scan_bytes += (ncap - s->cap) * sizeof(*np);
		s->pairs = np;
		s->cap = ncap;
	}
	if (s->n < s->cap) {
		s->pairs[s->n] = *p;
		return &s->pairs[s->n++];
	}
	/* Full: the oldest slot of the ring goes. */
	np = &s->pairs[s->next];
	s->next = (s->next + 1) % s->cap;
	*np = *p;
	return np;
}

static uint32_t
clamp(uint32_t threshold)
{
	return threshold > SCAN_PAIRS ? SCAN_PAIRS : threshold;
}

static void
raise_port_scan(struct detector *d, const struct observation *ob,
    const struct ward_addr *src, struct scanner *s,
    const struct scan_pair *p, uint32_t count, uint32_t threshold)
{
	struct alert al;
	char list[ALERT_VALUE_MAX], buf[ADDR_STRLEN];
	size_t n = 0;

	alert_init(&al, ALERT_PORT_SCAN, ob->ts);
	asset_by_ip(d, &al, src);
	set_peer(&al, &p->dst);
	addr_fmt(&p->dst, buf, sizeof(buf));
	alert_object(&al, "%s", buf);
	alert_message(&al, "%u ports of %s%s tried within %llu s", count,
	    p->medical ? "medical device " : "", buf,
	    (unsigned long long)(d->cfg->scan_window / USEC));
	list[0] = '\0';
	for (uint32_t i = 0; i < s->n && n < sizeof(list); i++) {
		const struct scan_pair *q = &s->pairs[i];

		if (addr_eq(&q->dst, &p->dst) && age(ob->ts, q->ts) <=
		    d->cfg->scan_window)
			n += (size_t)snprintf(list + n, sizeof(list) - n,
			    "%s%s/%u", n > 0 ? "," : "", q->proto == 6 ?
			    "tcp" : "udp", q->port);
	}
	(void)alert_ev(&al, "target", "%s", buf);
	(void)alert_ev(&al, "ports", "%s", list);
	(void)alert_ev_u64(&al, "count", count);
	(void)alert_ev_u64(&al, "threshold", threshold);
	(void)alert_ev_u64(&al, "window_s", d->cfg->scan_window / USEC);
	(void)alert_ev(&al, "medical_target", "%s", p->medical ? "true" :
	    "false");
	detect_raise(d, &al);
}

static void
raise_sweep(struct detector *d, const struct observation *ob,
    const struct ward_addr *src, struct scanner *s,
    const struct scan_pair *p, uint32_t hosts, uint32_t medical)
{
	const struct detect_config *cfg = d->cfg;
	struct alert al;
	char list[ALERT_VALUE_MAX], buf[ADDR_STRLEN];
	const char *pn = p->proto == 6 ? "tcp" : p->proto == 17 ? "udp" :
	    "icmp";
	size_t n = 0;

	alert_init(&al, ALERT_HOST_SWEEP, ob->ts);
	asset_by_ip(d, &al, src);
	if (p->proto == 6 || p->proto == 17)
		alert_object(&al, "%s/%u", pn, p->port);
	else
		alert_object(&al, "%s", pn);
	alert_message(&al, "%u hosts (%u medical devices) tried on %s within "
	    "%llu s", hosts, medical, al.object,
	    (unsigned long long)(cfg->scan_window / USEC));
	list[0] = '\0';
	for (uint32_t i = 0; i < s->n && n < sizeof(list); i++) {
		const struct scan_pair *q = &s->pairs[i];

		if (q->port == p->port && q->proto == p->proto &&
		    age(ob->ts, q->ts) <= cfg->scan_window)
			n += (size_t)snprintf(list + n, sizeof(list) - n,
			    "%s%s", n > 0 ? "," : "", addr_fmt(&q->dst, buf,
			    sizeof(buf)));
	}
	(void)alert_ev(&al, "service", "%s", al.object);
	(void)alert_ev(&al, "hosts", "%s", list);
	(void)alert_ev_u64(&al, "count", hosts);
	(void)alert_ev_u64(&al, "medical_count", medical);
	(void)alert_ev_u64(&al, "threshold", cfg->scan_hosts);
	(void)alert_ev_u64(&al, "medical_threshold", cfg->scan_hosts_medical);
	(void)alert_ev_u64(&al, "window_s", cfg->scan_window / USEC);
	detect_raise(d, &al);
}

static void
rule_scan(struct detector *d, const struct observation *ob,
    const struct ward_addr *src, const struct ward_addr *dst, uint8_t proto,
    uint16_t dport)
{
	struct rules_state *r = d->rules;
	const struct detect_config *cfg = d->cfg;
	const struct asset *target;
	struct scan_pair np, *p;
	struct scanner *s;
	uint32_t ports = 0, hosts = 0, medical = 0, tp;
	bool icmp = proto == 1 || proto == 58, fresh;

	if ((proto != 6 && proto != 17 && !icmp) || cidr_list_has(
	    &cfg->scan_allow, src) || addr_is_special(dst) ||
	    addr_is_multicast(dst) || addr_eq(src, dst))
		return;
	/* A flow picked up mid-stream is not an attempt. */
	if (ob->flow != NULL && ob->flow->mid_stream)
		return;
	/* Expected connections (FTP data) open new ports by design. */
	if (strcmp(f_str(ob, "app"), "ftp-data") == 0)
		return;
	if ((s = scanner_get(r, src, ob->ts)) == NULL)
		return;
	s->last = ob->ts;
	memset(&np, 0, sizeof(np));
	np.dst = *dst;
	np.port = icmp ? 0 : dport;
	np.proto = proto;
	target = detect_asset_by_ip(d, dst);
	np.medical = target != NULL && detect_is_medical(d, target);
	np.ts = ob->ts;
	if ((p = scanner_add(r, s, &np, &fresh)) == NULL || !fresh)
		return;
	for (uint32_t i = 0; i < s->n; i++) {
		const struct scan_pair *q = &s->pairs[i];

		if (age(ob->ts, q->ts) > cfg->scan_window)
			continue;
		if (!icmp && q->proto != 1 && q->proto != 58 &&
		    addr_eq(&q->dst, dst))
			ports++;
		if (q->port == np.port && q->proto == proto &&
		    addr_is_private(&q->dst)) {
			hosts++;
			if (q->medical)
				medical++;
		}
	}
	/* Zeek's scan.zeek: once per window per scanner and kind. */
	tp = clamp(np.medical ? cfg->scan_ports_medical : cfg->scan_ports);
	if (!icmp && ports >= tp && (s->port_alert == 0 ||
	    age(ob->ts, s->port_alert) > cfg->scan_window)) {
		s->port_alert = ob->ts;
		raise_port_scan(d, ob, src, s, p, ports, tp);
	}
	/*
	 * Sweeps count private targets only: a browser reaches dozens of
	 * public hosts on 443 in minutes.
	 */
	if (addr_is_private(dst) && !sweep_exempt(proto, np.port) &&
	    (hosts >= clamp(cfg->scan_hosts) || (np.medical &&
	    medical >= clamp(cfg->scan_hosts_medical))) &&
	    (s->sweep_alert == 0 || age(ob->ts, s->sweep_alert) >
	    cfg->scan_window)) {
		s->sweep_alert = ob->ts;
		raise_sweep(d, ob, src, s, p, hosts, medical);
	}
}

static bool
keep_scanner(void *v, uint64_t now, void *arg)
{
	const struct scanner *s = v;
	const uint64_t *window = arg;

	return age(now, s->last) <= *window;
}

static void
free_scanner(void *v)
{
	scanner_free(v);
}

/* ------------------------------------------------------- Brute force */

static uint32_t
brute_hash(const struct ward_addr *client, const struct ward_addr *server,
    const char *proto)
{
	return fnv1a_str(addr_hash(server, addr_hash(client, 0x9e3779b9U)),
	    proto);
}

/* The index over the triples in use (positions + 1, linear probing). */
static void
brute_reindex(struct rules_state *r)
{
	memset(r->brute_ix, 0, BRUTE_INDEX * sizeof(*r->brute_ix));
	r->brute_used = 0;
	for (size_t i = 0; i < BRUTE_MAX; i++) {
		const struct brute *b = &r->brute[i];
		size_t j;

		if (!b->used)
			continue;
		j = brute_hash(&b->client, &b->server, b->proto) &
		    (BRUTE_INDEX - 1);
		while (r->brute_ix[j] != 0)
			j = (j + 1) & (BRUTE_INDEX - 1);
		r->brute_ix[j] = (uint32_t)i + 1;
		r->brute_used++;
	}
}

/*
 * The counter of (client, server, proto): found through the index; a new
 * triple takes a free slot, or the stalest one when all 4096 are in use
 * (then the index is built again: rare, the tick frees idle ones).
 */
static struct brute *
brute_get(struct rules_state *r, const struct ward_addr *client,
    const struct ward_addr *server, const char *proto)
{
	uint32_t h = brute_hash(client, server, proto);
	size_t j = h & (BRUTE_INDEX - 1);
	struct brute *b = NULL;

	for (; r->brute_ix[j] != 0; j = (j + 1) & (BRUTE_INDEX - 1)) {
		b = &r->brute[r->brute_ix[j] - 1];
		if (addr_eq(&b->client, client) &&
		    addr_eq(&b->server, server) && strcmp(b->proto, proto) == 0)
			return b;
	}
	if (r->brute_used < BRUTE_MAX) {
		/* A free slot: the index keeps no free ones, so look. */
		while (r->brute[r->brute_next].used)
			r->brute_next = (r->brute_next + 1) % BRUTE_MAX;
		b = &r->brute[r->brute_next];
		r->brute_ix[j] = (uint32_t)r->brute_next + 1;
		r->brute_used++;
	} else {
		b = &r->brute[0];
		for (size_t i = 1; i < BRUTE_MAX; i++)
			if (r->brute[i].last < b->last)
				b = &r->brute[i];
	}
	memset(b, 0, sizeof(*b));
	b->used = true;
	b->client = *client;
	b->server = *server;
	(void)snprintf(b->proto, sizeof(b->proto), "%s", proto);
	if (r->brute_used >= BRUTE_MAX && r->brute_ix[j] == 0)
		brute_reindex(r);
	return b;
}

/*
 * One failed login (or, for SSH, one short session) of client at
 * server over proto, seen as signal ("http 401", "ftp 530").
 */
static void
brute_fail(struct detector *d, const struct observation *ob,
    const struct ward_addr *client, const struct ward_addr *server,
    uint16_t port, const char *proto, const char *signal, const char *user)
{
	const struct detect_config *cfg = d->cfg;
	struct brute *b = brute_get(d->rules, client, server, proto);
	struct alert al;
	char sbuf[ADDR_STRLEN];

	if (b->count == 0 || age(ob->ts, b->start) > cfg->brute_window) {
		b->start = ob->ts;
		b->count = 0;
	}
	b->count++;
	b->last = ob->ts;
	b->port = port;
	(void)snprintf(b->signal, sizeof(b->signal), "%s", signal);
	if (user != NULL && user[0] != '\0')
		(void)snprintf(b->user, sizeof(b->user), "%s", user);
	if (b->count < cfg->brute_failures)
		return;
	alert_init(&al, ALERT_BRUTE_FORCE, ob->ts);
	asset_by_ip(d, &al, client);
	set_peer(&al, server);
	addr_fmt(server, sbuf, sizeof(sbuf));
	alert_object(&al, "%s on %s", proto, sbuf);
	alert_message(&al, "%u failed %s logins at %s within %llu s",
	    b->count, proto, sbuf, (unsigned long long)(age(ob->ts, b->start) /
	    USEC));
	detect_alert_flow(&al, ob);
	(void)alert_ev(&al, "protocol", "%s", proto);
	(void)alert_ev(&al, "server", "%s", sbuf);
	if (port != 0)
		(void)alert_ev_u64(&al, "port", port);
	(void)alert_ev_u64(&al, "failures", b->count);
	(void)alert_ev_u64(&al, "threshold", cfg->brute_failures);
	(void)alert_ev_u64(&al, "window_s", cfg->brute_window / USEC);
	(void)alert_ev(&al, "signal", "%s", b->signal);
	if (b->user[0] != '\0')
		(void)alert_ev(&al, "user", "%s", b->user);
	detect_raise(d, &al);
	/* A new window: a long attack gives one update per window. */
	b->count = 0;
}

/* Brute force from a message of the server refusing the flow's client. */
static void
brute_refused(struct detector *d, const struct observation *ob,
    const char *proto, const char *signal, const char *user)
{
	struct ward_addr client, server;
	uint16_t port;

	if (flow_ends(ob, &client, &server, &port))
		brute_fail(d, ob, &client, &server, port, proto, signal, user);
}

static struct ward_addr
flow_key(const struct flow *f)
{
	struct ward_addr k;

	memset(&k, 0, sizeof(k));
	k.family = 0xf1;
	memcpy(k.b, &f->id, sizeof(f->id));
	return k;
}

static void
rule_http(struct detector *d, const struct observation *ob)
{
	struct rules_state *r = d->rules;
	struct ward_addr key;
	const char *type = f_str(ob, "type"), *scheme;
	uint64_t status;

	if (ob->flow == NULL)
		return;
	key = flow_key(ob->flow);
	if (strcmp(type, "request") == 0) {
		/*
		 * NTLM and Negotiate answer their first leg with a 401 by
		 * design: only the schemes that send the secret at once
		 * make a 401 a refusal.
		 */
		scheme = f_str(ob, "auth_scheme");
		if (scheme[0] != '\0' && strcasecmp(scheme, "NTLM") != 0 &&
		    strcasecmp(scheme, "Negotiate") != 0) {
			if (r->http_auth.n >= HTTP_AUTH_MAX)
				addrmap_clear(&r->http_auth);
			if (addrmap_put(&r->http_auth, &key, &http_marker) ==
			    -1)
				return;
		} else {
			(void)addrmap_del(&r->http_auth, &key);
		}
	} else if (f_u64(ob, "status", &status) && status == 401 &&
	    addrmap_get(&r->http_auth, &key) != NULL) {
		brute_refused(d, ob, "http", "http 401 to credentials", NULL);
	}
}

/* A TCP state in which the session was over or ending (FIN or RST). */
static bool
ssh_ended(const char *state)
{
	return strcmp(state, "closed") == 0 || strcmp(state, "closing") == 0 ||
	    strcmp(state, "reset") == 0;
}

static void
rule_ssh_flow(struct detector *d, const struct observation *ob)
{
	struct ward_addr src, dst;
	uint64_t proto = 0, dport = 0, pts = 0, ptc = 0, bts = 0, btc = 0;
	uint64_t start = 0, end = 0;
	const char *reason = f_str(ob, "reason");

	(void)f_u64(ob, "proto", &proto);
	(void)f_u64(ob, "dst_port", &dport);
	if (proto != 6 || (dport != 22 && strcmp(f_str(ob, "app"), "ssh") !=
	    0))
		return;
	/*
	 * Only sessions that ended: a record cut by the active timeout is
	 * not a short one, and neither is one the end of the input cut,
	 * unless the session had closed (its record waits out the close
	 * linger, so a capture that ends within it flushes closed ones).
	 */
	if (strcmp(reason, "active") == 0 || (strcmp(reason, "flush") == 0 &&
	    !ssh_ended(f_str(ob, "state"))))
		return;
	if (!f_addr(ob, "src_ip", &src) || !f_addr(ob, "dst_ip", &dst))
		return;
	(void)f_u64(ob, "pkts_toserver", &pts);
	(void)f_u64(ob, "pkts_toclient", &ptc);
	(void)f_u64(ob, "bytes_toserver", &bts);
	(void)f_u64(ob, "bytes_toclient", &btc);
	(void)f_u64(ob, "start", &start);
	(void)f_u64(ob, "end", &end);
	if (ptc < SSH_MIN_TOCLIENT || pts + ptc > SSH_FEW_PKTS ||
	    bts + btc > SSH_FEW_BYTES || age(end, start) > SSH_SHORT)
		return;
	brute_fail(d, ob, &src, &dst, (uint16_t)dport, "ssh",
	    "short ssh session", NULL);
}

/* ------------------------------------------------------------ Internet */

static bool
dns_ready(struct rules_state *r)
{
	if (r->dns == NULL)
		r->dns = calloc(DNS_SLOTS, sizeof(*r->dns));
	if (r->cname == NULL)
		r->cname = calloc(DNS_SLOTS, sizeof(*r->cname));
	return r->dns != NULL && r->cname != NULL;
}

static void
dns_note_addr(struct rules_state *r, const struct ward_addr *a,
    const char *name)
{
	size_t set = (addr_hash(a, 0x5eed) & (DNS_SLOTS - 1)) &
	    ~(size_t)(DNS_WAYS - 1);
	struct dns_slot *victim = &r->dns[set];

	for (size_t i = set; i < set + DNS_WAYS; i++) {
		if (addr_eq(&r->dns[i].key, a)) {
			victim = &r->dns[i];
			break;
		}
		if (r->dns[i].stamp < victim->stamp)
			victim = &r->dns[i];
	}
	victim->key = *a;
	victim->stamp = ++r->dns_stamp;
	(void)snprintf(victim->name, sizeof(victim->name), "%s", name);
}

static const char *
dns_name_of(const struct rules_state *r, const struct ward_addr *a)
{
	size_t set;

	if (r->dns == NULL)
		return NULL;
	set = (addr_hash(a, 0x5eed) & (DNS_SLOTS - 1)) &
	    ~(size_t)(DNS_WAYS - 1);
	for (size_t i = set; i < set + DNS_WAYS; i++)
		if (addr_eq(&r->dns[i].key, a))
			return r->dns[i].name;
	return NULL;
}

static void
cname_note(struct rules_state *r, const char *alias, const char *canon)
{
	uint32_t h = fnv1a_str(FNV_OFFSET, canon);
	size_t set = (h & (DNS_SLOTS - 1)) & ~(size_t)(DNS_WAYS - 1);
	struct cname_slot *victim = &r->cname[set];

	for (size_t i = set; i < set + DNS_WAYS; i++) {
		if (r->cname[i].hash == h &&
		    strcmp(r->cname[i].canon, canon) == 0) {
			victim = &r->cname[i];
			break;
		}
		if (r->cname[i].stamp < victim->stamp)
			victim = &r->cname[i];
	}
	victim->hash = h;
	victim->stamp = ++r->dns_stamp;
	(void)snprintf(victim->canon, sizeof(victim->canon), "%s", canon);
	(void)snprintf(victim->alias, sizeof(victim->alias), "%s", alias);
}

/* The name that a CNAME pointed at canon from, or NULL. */
static const char *
cname_alias(const struct rules_state *r, const char *canon)
{
	uint32_t h = fnv1a_str(FNV_OFFSET, canon);
	size_t set = (h & (DNS_SLOTS - 1)) & ~(size_t)(DNS_WAYS - 1);

	for (size_t i = set; i < set + DNS_WAYS; i++)
		if (r->cname[i].hash == h &&
		    strcmp(r->cname[i].canon, canon) == 0)
			return r->cname[i].alias;
	return NULL;
}

/* name is suffix, or ends with "." suffix (a leading dot ignored). */
static bool
under_domain(const char *name, const char *suffix)
{
	size_t n = strlen(name), s;

	if (suffix[0] == '.')
		suffix++;
	s = strlen(suffix);
	if (s == 0 || n < s || strcasecmp(name + n - s, suffix) != 0)
		return false;
	return n == s || name[n - s - 1] == '.';
}

/* Is name, or a name a CNAME chain led to it from, allowed? */
static bool
domain_allowed(const struct detector *d, const char *name)
{
	const struct str_list *l = &d->cfg->internet_allow_domains;

	for (int hop = 0; name != NULL && hop <= CNAME_HOPS; hop++) {
		for (size_t i = 0; i < l->n; i++)
			if (under_domain(name, l->v[i]))
				return true;
		name = cname_alias(d->rules, name);
	}
	return false;
}

static void
rule_internet(struct detector *d, const struct observation *ob,
    const struct ward_addr *src, const struct ward_addr *dst, uint8_t proto,
    uint16_t dport)
{
	const struct asset *a;
	const char *name, *type;
	struct alert al;
	char buf[ADDR_STRLEN];

	if (addr_is_private(dst) || addr_is_special(dst) ||
	    addr_is_multicast(dst) || cidr_list_has(&d->cfg->internet_allow,
	    dst))
		return;
	/* Behind a router the MAC is the router's: the address tells. */
	if ((a = detect_subject(d, ob)) == NULL || a->router)
		a = detect_asset_by_ip(d, src);
	if (a == NULL || !detect_is_medical(d, a))
		return;
	name = dns_name_of(d->rules, dst);
	if (name != NULL && d->cfg->internet_allow_domains.n > 0 &&
	    domain_allowed(d, name))
		return;
	type = detect_asset_type(a);
	alert_init(&al, ALERT_INTERNET_CONNECTION, ob->ts);
	detect_alert_asset(&al, a, src);
	detect_alert_flow(&al, ob);
	set_peer(&al, dst);
	addr_fmt(dst, buf, sizeof(buf));
	alert_object(&al, "%s", buf);
	alert_message(&al, "%s %s connects to %s%s%s%s (%s/%u), a public "
	    "address", type, al.asset, buf, name != NULL ? " (" : "",
	    name != NULL ? name : "", name != NULL ? ")" : "",
	    proto == 6 ? "tcp" : proto == 17 ? "udp" : "ip", dport);
	(void)alert_ev(&al, "remote", "%s", buf);
	(void)alert_ev(&al, "service", "%s/%u", proto == 6 ? "tcp" :
	    proto == 17 ? "udp" : "ip", dport);
	(void)alert_ev(&al, "remote_name", "%s", name != NULL ? name :
	    "unknown");
	(void)alert_ev(&al, "device_type", "%s", type);
	if (f_str(ob, "app")[0] != '\0')
		(void)alert_ev(&al, "app", "%s", f_str(ob, "app"));
	detect_raise(d, &al);
}

/* ---------------------------------------------------------- Indicators */

/*
 * Raises an ioc_match about asset (found by ip when NULL) for what was
 * seen ("connection to", "dns query"), with the hit's evidence.
 */
static void
ioc_raise_as(struct detector *d, const struct observation *ob,
    const struct asset *a, const struct ward_addr *ip,
    const struct ward_addr *peer, const struct ioc_hit *h, const char *what,
    const char *seen, const char *extra_key, const char *extra)
{
	struct alert al;

	alert_init(&al, ALERT_IOC_MATCH, ob->ts);
	if (a != NULL)
		detect_alert_asset(&al, a, ip);
	else if (ip != NULL && ip->family != 0)
		asset_by_ip(d, &al, ip);
	else
		asset_of(d, &al, ob);
	detect_alert_flow(&al, ob);
	set_peer(&al, peer);
	alert_object(&al, "%s %s", h->type, h->indicator);
	alert_message(&al, "%s %s: listed by %s%s%s", what, seen, h->source,
	    h->desc[0] != '\0' ? ": " : "", h->desc);
	(void)alert_ev(&al, "indicator", "%s", h->indicator);
	(void)alert_ev(&al, "indicator_type", "%s", h->type);
	(void)alert_ev(&al, "source", "%s", h->source);
	if (h->desc[0] != '\0')
		(void)alert_ev(&al, "desc", "%s", h->desc);
	(void)alert_ev(&al, "seen", "%s %s", what, seen);
	if (extra_key != NULL)
		(void)alert_ev(&al, extra_key, "%s", extra);
	detect_raise(d, &al);
}

static void
rule_ioc_flow(struct detector *d, const struct observation *ob,
    const struct ward_addr *src, const struct ward_addr *dst, uint8_t proto,
    uint16_t dport)
{
	struct ioc_hit h;
	char buf[ADDR_STRLEN], svc[16];
	bool to;

	if (!(to = ioc_addr(d->ioc, dst, &h)) && !ioc_addr(d->ioc, src, &h))
		return;
	(void)snprintf(svc, sizeof(svc), "%s/%u", proto == 6 ? "tcp" :
	    proto == 17 ? "udp" : "ip", dport);
	if (to)
		ioc_raise_as(d, ob, detect_subject(d, ob), src, dst, &h,
		    "connection to", addr_fmt(dst, buf, sizeof(buf)),
		    "service", svc);
	else
		ioc_raise_as(d, ob, detect_asset_by_ip(d, dst), dst, src, &h,
		    "connection from", addr_fmt(src, buf, sizeof(buf)),
		    "service", svc);
}

static void
rule_dns(struct detector *d, const struct observation *ob)
{
	struct rules_state *r = d->rules;
	struct ward_addr client, server, a;
	const char *q = obs_get_str(ob, "query");
	const char *name = obs_get_str(ob, "name");
	const char *target = obs_get_str(ob, "target");
	struct ioc_hit h;
	uint64_t rrtype = 0;
	bool have_flow;

	if (ob->kind != OBS_DNS)
		return;
	have_flow = flow_ends(ob, &client, &server, NULL);
	if (q != NULL) {
		if (ioc_domain(d->ioc, q, &h))
			ioc_raise_as(d, ob, NULL, NULL, have_flow ? &server :
			    NULL, &h, "dns query for", q, NULL, NULL);
		return;
	}
	if (name == NULL)
		return;
	(void)f_u64(ob, "rrtype", &rrtype);
	if ((rrtype == 1 || rrtype == 28) && f_addr(ob, "addr", &a) &&
	    dns_ready(r))
		dns_note_addr(r, &a, name);
	if (rrtype == 5 && target != NULL && dns_ready(r))
		cname_note(r, name, target);
	/* An answer is about the client that asked: the flow's initiator. */
	if (ioc_domain(d->ioc, name, &h) || (target != NULL &&
	    ioc_domain(d->ioc, target, &h)))
		ioc_raise_as(d, ob, have_flow ? detect_asset_by_ip(d,
		    &client) : NULL, have_flow ? &client : NULL, have_flow ?
		    &server : NULL, &h, "dns answer for", name, NULL, NULL);
}

static void
rule_tls(struct detector *d, const struct observation *ob)
{
	struct ward_addr peer;
	const char *ja3 = obs_get_str(ob, "ja3");
	const char *ja4 = obs_get_str(ob, "ja4");
	const char *sni = obs_get_str(ob, "sni");
	struct ioc_hit h;
	bool hp = flow_peer(ob, &peer);

	if (strcmp(f_str(ob, "msg"), "client_hello") != 0)
		return;
	if (ja3 != NULL && ioc_fingerprint(d->ioc, "Intel::JA3", ja3, &h))
		ioc_raise_as(d, ob, NULL, NULL, hp ? &peer : NULL, &h,
		    "tls client ja3", ja3, "sni", sni != NULL ? sni : "");
	else if (ja4 != NULL && ioc_fingerprint(d->ioc, "Intel::JA4", ja4,
	    &h))
		ioc_raise_as(d, ob, NULL, NULL, hp ? &peer : NULL, &h,
		    "tls client ja4", ja4, "sni", sni != NULL ? sni : "");
	else if (sni != NULL && ioc_domain(d->ioc, sni, &h))
		ioc_raise_as(d, ob, NULL, NULL, hp ? &peer : NULL, &h,
		    "tls server name", sni, NULL, NULL);
}

static void
rule_ssh(struct detector *d, const struct observation *ob)
{
	struct ward_addr peer;
	const char *hassh = obs_get_str(ob, "hassh");
	struct ioc_hit h;

	if (hassh == NULL)
		hassh = obs_get_str(ob, "hassh_server");
	if (hassh != NULL && ioc_fingerprint(d->ioc, "Intel::HASSH", hassh,
	    &h))
		ioc_raise_as(d, ob, NULL, NULL, flow_peer(ob, &peer) ? &peer :
		    NULL, &h, "ssh hassh", hassh, "role", f_str(ob, "role"));
}

/* ------------------------------------------------------------- Flows */

static void
rule_flow_new(struct detector *d, const struct observation *ob)
{
	struct ward_addr src, dst;
	uint64_t proto = 0, dport = 0;

	if (!f_addr(ob, "src_ip", &src) || !f_addr(ob, "dst_ip", &dst))
		return;
	(void)f_u64(ob, "proto", &proto);
	(void)f_u64(ob, "dst_port", &dport);
	if (ioc_count(d->ioc) > 0)
		rule_ioc_flow(d, ob, &src, &dst, (uint8_t)proto,
		    (uint16_t)dport);
	rule_internet(d, ob, &src, &dst, (uint8_t)proto, (uint16_t)dport);
	rule_scan(d, ob, &src, &dst, (uint8_t)proto, (uint16_t)dport);
}

static void
rule_flow_end(struct detector *d, const struct observation *ob)
{
	struct ward_addr key;

	if (ob->flow != NULL && strcmp(f_str(ob, "reason"), "active") != 0) {
		key = flow_key(ob->flow);
		(void)addrmap_del(&d->rules->http_auth, &key);
	}
	rule_ssh_flow(d, ob);
}

/* ------------------------------------------------------------------ IoMT */

static void
broker_of(const struct observation *ob, char *buf, size_t len)
{
	const struct flow *f = ob->flow;
	char a[ADDR_STRLEN];

	if (f == NULL) {
		(void)snprintf(buf, len, "unknown");
		return;
	}
	(void)snprintf(buf, len, "%s:%u", addr_fmt(&f->side[1].addr, a,
	    sizeof(a)), f->side[1].port);
}

/* A filter that takes everything, or the broker's own topics. */
static bool
filter_takes_all(const char *topics)
{
	const char *p = topics;

	while (*p != '\0') {
		size_t n = strcspn(p, ",");

		if ((n >= 1 && p[0] == '#') || (n >= 6 &&
		    strncmp(p, "$SYS/#", 6) == 0))
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

static void
rule_mqtt(struct detector *d, const struct observation *ob)
{
	const char *type = f_str(ob, "type");
	struct ward_addr broker;
	struct alert al;
	char bk[ADDR_STRLEN + 8];
	uint64_t code, version;
	bool auth;

	if (strcmp(type, "connack") == 0) {
		if (f_u64(ob, "code", &code) && code != 0)
			brute_refused(d, ob, "mqtt", "mqtt connack refused",
			    NULL);
		return;
	}
	broker_of(ob, bk, sizeof(bk));
	if (strcmp(type, "connect") == 0 && f_bool(ob, "auth", &auth) &&
	    !auth) {
		alert_init(&al, ALERT_MQTT_UNAUTHENTICATED, ob->ts);
		asset_of(d, &al, ob);
		detect_alert_flow(&al, ob);
		if (ob->flow != NULL) {
			broker = ob->flow->side[1].addr;
			set_peer(&al, &broker);
		}
		alert_object(&al, "broker %s", bk);
		alert_message(&al, "MQTT client '%s' connects to %s without a "
		    "user name", f_str(ob, "client_id"), bk);
		(void)alert_ev(&al, "broker", "%s", bk);
		(void)alert_ev(&al, "client_id", "%s", f_str(ob, "client_id"));
		if (f_u64(ob, "version", &version))
			(void)alert_ev_u64(&al, "version", version);
		(void)alert_ev(&al, "password", "%s", f_true(ob, "password") ?
		    "true" : "false");
		detect_raise(d, &al);
	} else if (strcmp(type, "subscribe") == 0 &&
	    (f_true(ob, "subscribe_all") ||
	    filter_takes_all(f_str(ob, "topics")))) {
		alert_init(&al, ALERT_MQTT_SUBSCRIBE_ALL, ob->ts);
		asset_of(d, &al, ob);
		detect_alert_flow(&al, ob);
		if (ob->flow != NULL) {
			broker = ob->flow->side[1].addr;
			set_peer(&al, &broker);
		}
		alert_object(&al, "broker %s", bk);
		alert_message(&al, "MQTT client subscribes to everything on %s "
		    "(%s)", bk, f_str(ob, "topics"));
		(void)alert_ev(&al, "broker", "%s", bk);
		(void)alert_ev(&al, "topics", "%s", f_str(ob, "topics"));
		detect_raise(d, &al);
	}
}

static void
rule_malformed(struct detector *d, const struct observation *ob)
{
	const char *proto = f_str(ob, "proto");
	const char *counter = f_str(ob, "counter");
	struct ward_addr peer;
	struct alert al;
	char pb[ADDR_STRLEN];
	bool hp;

	if (strcmp(proto, "dicom") != 0 && strcmp(proto, "hl7") != 0)
		return;
	hp = flow_peer(ob, &peer);
	if (hp)
		addr_fmt(&peer, pb, sizeof(pb));
	else
		(void)snprintf(pb, sizeof(pb), "unknown");
	alert_init(&al, ALERT_MALFORMED_MEDICAL, ob->ts);
	asset_of(d, &al, ob);
	detect_alert_flow(&al, ob);
	if (hp)
		set_peer(&al, &peer);
	alert_object(&al, "%s %s", counter, pb);
	alert_message(&al, "malformed %s sent to %s: %s", proto, pb,
	    f_str(ob, "what"));
	(void)alert_ev(&al, "proto", "%s", proto);
	(void)alert_ev(&al, "counter", "%s", counter);
	(void)alert_ev(&al, "what", "%s", f_str(ob, "what"));
	detect_raise(d, &al);
}

static void
rule_dicom(struct detector *d, const struct observation *ob)
{
	uint64_t v;
	char sig[48];

	/* PS3.8 9.3.4: the called AE (the server) refuses the association. */
	if (strcmp(f_str(ob, "pdu"), "associate_rj") != 0)
		return;
	(void)snprintf(sig, sizeof(sig), "dicom a-associate-rj reason %llu",
	    f_u64(ob, "reason", &v) ? (unsigned long long)v : 0ULL);
	brute_refused(d, ob, "dicom", sig, NULL);
}

static void
rule_dicom_file(struct detector *d, const struct observation *ob)
{
	struct ward_addr peer;
	struct alert al;
	char pb[ADDR_STRLEN];
	bool hp;

	if (!f_true(ob, "cve_2019_11687"))
		return;
	hp = flow_peer(ob, &peer);
	(void)snprintf(pb, sizeof(pb), "unknown");
	if (hp)
		addr_fmt(&peer, pb, sizeof(pb));
	alert_init(&al, ALERT_DICOM_EXECUTABLE, ob->ts);
	asset_of(d, &al, ob);
	detect_alert_flow(&al, ob);
	if (hp)
		set_peer(&al, &peer);
	alert_object(&al, "%s via %s to %s", f_str(ob, "preamble"),
	    f_str(ob, "carrier"), pb);
	alert_message(&al, "a DICOM file whose preamble is a %s program went "
	    "to %s over %s (CVE-2019-11687)", f_str(ob, "preamble"), pb,
	    f_str(ob, "carrier"));
	(void)alert_ev(&al, "preamble", "%s", f_str(ob, "preamble"));
	(void)alert_ev(&al, "carrier", "%s", f_str(ob, "carrier"));
	if (f_str(ob, "sop_class")[0] != '\0')
		(void)alert_ev(&al, "sop_class", "%s", f_str(ob, "sop_class"));
	if (f_str(ob, "transfer_syntax")[0] != '\0')
		(void)alert_ev(&al, "transfer_syntax", "%s",
		    f_str(ob, "transfer_syntax"));
	{
		const struct obs_field *f = obs_get(ob, "preamble_head");

		if (f != NULL && f->type == OV_HEX)
			(void)alert_ev(&al, "preamble_head", "%s", f->v.str.s);
	}
	detect_raise(d, &al);
}

/* --------------------------------------------------------- Credentials */

static void
rule_credential(struct detector *d, const struct observation *ob)
{
	const char *proto = f_str(ob, "protocol");
	struct ward_addr client, server;
	struct alert al;
	char sb[ADDR_STRLEN], habit[256];
	bool hf;

	if (!f_true(ob, "password"))
		return;
	hf = flow_ends(ob, &client, &server, NULL);
	(void)snprintf(sb, sizeof(sb), "unknown");
	if (hf)
		addr_fmt(&server, sb, sizeof(sb));
	/*
	 * A login the device makes in clear every day is its habit: an
	 * exposure to fix (ward's risk report), not news. Learned with its
	 * baseline, it alerts when it is new: another user, server or
	 * protocol.
	 */
	(void)snprintf(habit, sizeof(habit), "%s %s@%s", proto,
	    f_str(ob, "user"), sb);
	if (baseline_habit(d, detect_subject(d, ob), habit, ob->ts))
		return;
	alert_init(&al, ALERT_CLEARTEXT_CREDENTIAL, ob->ts);
	asset_of(d, &al, ob);
	detect_alert_flow(&al, ob);
	if (hf)
		set_peer(&al, &server);
	alert_object(&al, "%s to %s", proto, sb);
	alert_message(&al, "a %s password crossed in clear to %s%s%s", proto,
	    sb, f_str(ob, "user")[0] != '\0' ? " for user " : "",
	    f_str(ob, "user"));
	(void)alert_ev(&al, "protocol", "%s", proto);
	(void)alert_ev(&al, "scheme", "%s", f_str(ob, "scheme"));
	if (f_str(ob, "user")[0] != '\0')
		(void)alert_ev(&al, "user", "%s", f_str(ob, "user"));
	if (f_str(ob, "target")[0] != '\0')
		(void)alert_ev(&al, "target", "%s", f_str(ob, "target"));
	(void)alert_ev(&al, "server", "%s", sb);
	detect_raise(d, &al);
}

/* A server refusing a login, reported by the banner dissectors. */
static void
rule_banner(struct detector *d, const struct observation *ob)
{
	const char *proto = f_str(ob, "protocol");
	uint64_t code;
	char sig[48];

	if (strcmp(f_str(ob, "login"), "failed") == 0) {
		(void)snprintf(sig, sizeof(sig), "%s login refused", proto);
		brute_refused(d, ob, proto, sig, obs_get_str(ob, "user"));
	} else if (strcmp(proto, "mysql") == 0 &&
	    f_u64(ob, "error_code", &code)) {
		(void)snprintf(sig, sizeof(sig), "mysql error %llu",
		    (unsigned long long)code);
		brute_refused(d, ob, proto, sig, NULL);
	}
}

void
rules_obs(struct detector *d, const struct observation *ob)
{
	switch (ob->kind) {
	case OBS_ARP:
		rule_arp(d, ob);
		break;
	case OBS_NDP:
		rule_ndp(d, ob);
		break;
	case OBS_DHCP:
		rule_dhcp(d, ob);
		break;
	case OBS_DNS:
		rule_dns(d, ob);
		break;
	case OBS_FLOW_NEW:
		rule_flow_new(d, ob);
		break;
	case OBS_FLOW:
		rule_flow_end(d, ob);
		break;
	case OBS_MALFORMED:
		rule_malformed(d, ob);
		break;
	case OBS_DICOM:
		rule_dicom(d, ob);
		break;
	case OBS_DICOM_FILE:
		rule_dicom_file(d, ob);
		break;
	case OBS_MQTT:
		rule_mqtt(d, ob);
		break;
	case OBS_TLS:
		if (ioc_count(d->ioc) > 0)
			rule_tls(d, ob);
		break;
	case OBS_SSH:
		if (ioc_count(d->ioc) > 0)
			rule_ssh(d, ob);
		break;
	case OBS_HTTP:
		rule_http(d, ob);
		break;
	case OBS_BANNER:
		rule_banner(d, ob);
		break;
	case OBS_CREDENTIAL:
		rule_credential(d, ob);
		break;
	default:
		break;
	}
}

/* ---------------------------------------------------- Inventory changes */

/*
 * An address moving between MACs that arp_spoof or ip_conflict already
 * reported (within BIND_LIVE): the inventory's mac_for_ip is the same
 * event, seen from the asset's side, and is not raised again.
 */
static bool
spoof_alerted(struct detector *d, const char *ip, uint64_t ts)
{
	struct ward_addr a;
	const struct binding *b;

	if (ip == NULL || addr_parse(ip, &a) == -1 ||
	    (b = addrmap_get(&d->rules->bind, &a)) == NULL)
		return false;
	return b->alerted != 0 && age(ts, b->alerted) <= BIND_LIVE;
}

/* The hour of the day of capture time ts, local time; -1 when unknown. */
static int
local_hour(uint64_t ts)
{
	time_t t = (time_t)(ts / USEC);
	struct tm tm;

	return localtime_r(&t, &tm) != NULL ? tm.tm_hour : -1;
}

static void
offline_alert(struct detector *d, const struct asset *a, uint64_t ts,
    bool waited)
{
	struct alert al;

	alert_init(&al, ALERT_DEVICE_OFFLINE, ts);
	detect_alert_asset(&al, a, NULL);
	if (detect_is_life_critical(d, a))
		al.severity = ALERT_SEV_HIGH;
	alert_message(&al, "%s went silent: nothing for %llu s "
	    "(allowed %llu s)%s", detect_asset_type(a) != NULL ?
	    detect_asset_type(a) : "device",
	    (unsigned long long)(age(ts, a->last) / USEC),
	    (unsigned long long)(a->status_limit / USEC), waited ?
	    ", and still silent into its active hours" : "");
	(void)alert_ev_u64(&al, "last_seen", a->last);
	(void)alert_ev_u64(&al, "silent_s", age(ts, a->last) / USEC);
	(void)alert_ev_u64(&al, "allowed_s", a->status_limit / USEC);
	if (detect_asset_type(a) != NULL)
		(void)alert_ev(&al, "device_type", "%s",
		    detect_asset_type(a));
	(void)alert_ev(&al, "life_critical", "%s",
	    detect_is_life_critical(d, a) ? "true" : "false");
	if (waited)
		(void)alert_ev(&al, "waited_for_active_hours", "true");
	detect_raise(d, &al);
}

/*
 * A device went silent in an hour its baseline says it is never active
 * (a modality switched off every night): no alert yet; rules_tick raises
 * one if it is still silent a full offline limit into its active hours.
 */
static void
silent_add(struct rules_state *r, const struct asset *a)
{
	struct silent *s;

	for (size_t i = 0; i < r->nsilent; i++) {
		s = &r->silent[i];
		if (s->by_mac == a->by_mac && (a->by_mac ?
		    memcmp(s->mac, a->mac, sizeof(s->mac)) == 0 :
		    addr_eq(&s->ip, &a->key_ip)))
			return;
	}
	if (r->silent == NULL && (r->silent = calloc(SILENT_MAX,
	    sizeof(*r->silent))) == NULL)
		return;
	if (r->nsilent == SILENT_MAX) {
		memmove(r->silent, r->silent + 1,
		    (SILENT_MAX - 1) * sizeof(*r->silent));
		r->nsilent--;
	}
	s = &r->silent[r->nsilent++];
	memset(s, 0, sizeof(*s));
	s->by_mac = a->by_mac;
	memcpy(s->mac, a->mac, sizeof(s->mac));
	s->ip = a->key_ip;
}

/* The waiting devices at capture time now: raise, keep or forget each. */
static void
silent_tick(struct detector *d, uint64_t now)
{
	struct rules_state *r = d->rules;
	size_t keep = 0;
	int hour = local_hour(now);

	for (size_t i = 0; i < r->nsilent; i++) {
		struct silent *s = &r->silent[i];
		const struct asset *a = s->by_mac ? inv_find_mac(d->inv,
		    s->mac) : inv_find_ip(d->inv, &s->ip);

		/* Back, or gone from the inventory: nothing to say. */
		if (a == NULL || a->status != ASSET_OFFLINE)
			continue;
		if (hour < 0 || baseline_hour_active(d, a, hour) != 0) {
			if (s->active_since == 0)
				s->active_since = now;
			if (age(now, s->active_since) >= a->status_limit) {
				offline_alert(d, a, now, true);
				continue;
			}
		} else
			s->active_since = 0;
		r->silent[keep++] = *s;
	}
	r->nsilent = keep;
}

void
rules_change(struct detector *d, const struct asset *a, enum asset_change c,
    const char *detail, uint64_t ts)
{
	struct rules_state *r = d->rules;
	const struct asset_change_info *info;
	struct alert al;

	switch (c) {
	case ASSET_TYPE_CHANGED:
	case ASSET_VENDOR_CHANGED:
	case ASSET_MODEL_CHANGED:
	case ASSET_VERSION_CHANGED:
	case ASSET_HOSTNAME_CHANGED:
	case ASSET_DHCP_CHANGED:
	case ASSET_MAC_FOR_IP:
		info = inv_change_info(d->inv);
		alert_init(&al, ALERT_IDENTITY_CHANGE, ts);
		detect_alert_asset(&al, a, NULL);
		if (c == ASSET_MAC_FOR_IP) {
			al.severity = ALERT_SEV_HIGH;
			alert_object(&al, "mac_for_ip %s", detail != NULL ?
			    detail : "");
			alert_message(&al, "%s moved from %s to %s",
			    detail != NULL ? detail : "an address",
			    info != NULL && info->old_value != NULL ?
			    info->old_value : "?", info != NULL &&
			    info->new_value != NULL ? info->new_value : "?");
			if (detail != NULL)
				(void)alert_ev(&al, "ip", "%s", detail);
		} else {
			alert_object(&al, "%s", asset_change_name(c));
			alert_message(&al, "%s: '%s' became '%s'",
			    asset_change_name(c), info != NULL &&
			    info->old_value != NULL ? info->old_value : "?",
			    info != NULL && info->new_value != NULL ?
			    info->new_value : "?");
		}
		(void)alert_ev(&al, "change", "%s", asset_change_name(c));
		if (info != NULL && info->old_value != NULL)
			(void)alert_ev(&al, "old", "%s", info->old_value);
		if (info != NULL && info->new_value != NULL)
			(void)alert_ev(&al, "new", "%s", info->new_value);
		/*
		 * The inventory reports a move before the ARP rules see
		 * the message that made it: held until the next tick, it
		 * goes only if they did not call it a spoof or conflict.
		 */
		if (c == ASSET_MAC_FOR_IP && r->nmoved < MOVED_MAX) {
			r->moved[r->nmoved++] = al;
			break;
		}
		detect_raise(d, &al);
		break;
	case ASSET_WENT_OFFLINE:
		if (local_hour(ts) >= 0 &&
		    baseline_hour_active(d, a, local_hour(ts)) == 0) {
			silent_add(r, a);
			break;
		}
		offline_alert(d, a, ts, false);
		break;
	default:
		break;
	}
}

/* ----------------------------------------------------------------- Tick */

static bool
keep_binding(void *v, uint64_t now, void *arg)
{
	const struct binding *b = v;

	(void)arg;
	return age(now, b->last) <= 24 * BIND_LIVE;
}

void
rules_tick(struct detector *d, uint64_t now)
{
	struct rules_state *r = d->rules;
	uint64_t w;

	for (size_t i = 0; i < r->nmoved; i++) {
		struct alert *al = &r->moved[i];

		if (!spoof_alerted(d, al->object + strlen("mac_for_ip "),
		    al->ts))
			detect_raise(d, al);
	}
	r->nmoved = 0;
	if (r->nsilent > 0)
		silent_tick(d, now);

	/* Windows are minutes long: pruning every few seconds is enough. */
	if (r->pruned != 0 && age(now, r->pruned) < PRUNE_EVERY)
		return;
	r->pruned = now;
	w = d->cfg->dhcp_window;
	if (r->dhcp_macs.n > 0)
		map_prune(&r->dhcp_macs, keep_recent, now, &w, free);
	w = d->cfg->scan_window;
	if (r->scan.n > 0) {
		map_prune(&r->scan, keep_scanner, now, &w, free_scanner);
		r->scan_bytes = 0;
		for (size_t i = 0; i < r->scan.cap; i++) {
			const struct scanner *s = r->scan.slots[i].val;

			if (s != NULL)
				r->scan_bytes += sizeof(*s) + s->cap *
				    sizeof(*s->pairs);
		}
	}
	/* Bindings only when many: a day's silence ends them. */
	if (r->bind.n > BIND_MAX / 2)
		map_prune(&r->bind, keep_binding, now, NULL, free);
	if (r->brute_used > 0) {
		bool freed = false;

		for (size_t i = 0; i < BRUTE_MAX; i++)
			if (r->brute[i].used && age(now, r->brute[i].last) >
			    d->cfg->brute_window) {
				r->brute[i].used = false;
				freed = true;
			}
		if (freed)
			brute_reindex(r);
	}
}
