/*
 * exposure.c - passive exposure findings (docs/exposure.md).
 *
 * Two sources. What the inventory already holds of an asset is read at
 * evaluation time: the services it offers (Telnet, FTP, VNC by port),
 * their banners, its department and its type. What it does not hold is
 * read from the bus as facts, kept per asset (by its key, so that an
 * asset the inventory replaces keeps its facts) and bounded: the TLS
 * version a server chose and the certificate it sent, an SMB1 negotiate
 * it answered, the protocol an RDP server selected, an HTTP login it
 * asked for in clear, the peers that opened DICOM associations to it, an
 * MQTT CONNECT without a user name it accepted, a password that crossed
 * in clear to it or from it, and the addresses outside the hospital that
 * opened connections to it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ward/asset.h"
#include "ward/dept.h"
#include "ward/detect.h"
#include "ward/error.h"
#include "ward/exposure.h"
#include "ward/flow.h"
#include "ward/ident.h"
#include "ward/obs.h"
#include "ward/output.h"

#define MQTT_PENDING	16	/* CONNECTs without a user, per broker */
#define PEER_NONE	"none"

static const struct {
	const char		*name;
	enum alert_severity	 sev;
} kinds[] = {
#define X(id, name, sev) { name, ALERT_SEV_##sev },
	WARD_EXPOSURE_KINDS(X)
#undef X
};

static const char *const remediation[EXPOSURE_KIND_COUNT] = {
	[EXPOSURE_TELNET] = "Disable Telnet and manage the device over SSH; "
	    "where the vendor allows no change, allow port 23 only from a "
	    "management jump host.",
	[EXPOSURE_FTP] = "Replace FTP with SFTP or FTPS; otherwise restrict "
	    "port 21 to the hosts that must transfer files.",
	[EXPOSURE_SMB1] = "Disable SMBv1 on the server (MS17-010, WannaCry); "
	    "if a legacy device needs it, isolate it and ask the vendor for "
	    "an SMB2/3 update.",
	[EXPOSURE_RDP_NO_NLA] = "Require Network Level Authentication "
	    "(CredSSP) and allow RDP only through a remote access gateway.",
	[EXPOSURE_VNC] = "Disable VNC or tunnel it over SSH or a VPN; "
	    "allow it only from a management network.",
	[EXPOSURE_HTTP_LOGIN] = "Serve the login over HTTPS (redirect port "
	    "80) or restrict the interface to a management network.",
	[EXPOSURE_DICOM_CLEAR] = "Use DICOM over TLS (PS3.15 annex B, port "
	    "2762) between departments, or restrict the AE to the peers of "
	    "its department.",
	[EXPOSURE_MQTT_ANON] = "Require authentication on the broker "
	    "(allow_anonymous false) and MQTT over TLS on port 8883.",
	[EXPOSURE_CREDENTIAL] = "Move the login to an encrypted protocol "
	    "(SSH, HTTPS, LDAPS, TLS), and change the password that crossed "
	    "in clear.",
	[EXPOSURE_TLS_OLD] = "Allow TLS 1.2 and 1.3 only; ask the vendor "
	    "for an update where the device cannot.",
	[EXPOSURE_TLS_SELF_SIGNED] = "Install a certificate issued by the "
	    "hospital's CA so that clients can verify the server.",
	[EXPOSURE_TLS_EXPIRED] = "Renew the certificate and track its "
	    "expiry.",
	[EXPOSURE_TLS_WEAK_KEY] = "Replace the key: RSA of 2048 bits or "
	    "more, or ECDSA P-256.",
	[EXPOSURE_MODBUS_WRITE] = "Modbus has no authentication: allow "
	    "port 502 only from the controllers that must write, through a "
	    "firewall or an industrial DMZ.",
	[EXPOSURE_BACNET_WRITE] = "Allow BACnet/IP only within the building "
	    "automation network, or use BACnet Secure Connect (BACnet/SC).",
	[EXPOSURE_INBOUND_EXTERNAL] = "Route vendor access through a "
	    "monitored remote access gateway and block direct inbound "
	    "connections to medical devices at the perimeter.",
};

/* A fact: a finding in waiting, with what its evaluation needs. */
struct fact {
	struct exposure_finding	 f;
	char			 dkey[EXPOSURE_VALUE_MAX];	/* dedup */
	struct ward_addr	 peer;		/* or family 0 */
};

struct pending {
	uint64_t		 flow;
	char			 client[ADDR_STRLEN];
	char			 client_id[64];
};

struct ex_asset {
	char			 key[ADDR_STRLEN];
	struct fact		*facts;
	size_t			 nfacts;
	size_t			 cap;
	struct pending		 mqtt[MQTT_PENDING];
	size_t			 mqtt_next;
};

struct exposure {
	const struct detect_config *cfg;
	struct detect_config	*own_cfg;
	const struct inventory	*inv;
	const struct dept_map	*depts;
	struct ex_asset		**tab;		/* open addressing */
	size_t			 tabcap;
	size_t			 ntab;
	struct exposure_stats	 stats;
};

const char *
exposure_kind_name(enum exposure_kind k)
{
	if ((unsigned int)k >= EXPOSURE_KIND_COUNT)
		return "unknown";
	return kinds[k].name;
}

int
exposure_kind_parse(const char *name)
{
	for (int k = 0; k < EXPOSURE_KIND_COUNT; k++)
		if (strcmp(kinds[k].name, name) == 0)
			return k;
	return -1;
}

enum alert_severity
exposure_kind_severity(enum exposure_kind k)
{
	if ((unsigned int)k >= EXPOSURE_KIND_COUNT)
		return ALERT_SEV_INFO;
	return kinds[k].sev;
}

const char *
exposure_kind_remediation(enum exposure_kind k)
{
	if ((unsigned int)k >= EXPOSURE_KIND_COUNT)
		return "";
	return remediation[k];
}

void
exposure_list_clear(struct exposure_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

const struct exposure_finding *
exposure_list_find(const struct exposure_list *l, enum exposure_kind k,
    uint16_t port)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].kind == k && (port == 0 || l->v[i].port == port))
			return &l->v[i];
	return NULL;
}

const char *
exposure_ev_get(const struct exposure_finding *f, const char *key)
{
	for (size_t i = 0; i < f->nev; i++)
		if (strcmp(f->ev[i].key, key) == 0)
			return f->ev[i].value;
	return NULL;
}

static void
ev_add(struct exposure_finding *f, const char *key, const char *value)
{
	if (value == NULL || f->nev == EXPOSURE_EV_MAX)
		return;
	f->ev[f->nev].key = key;
	(void)snprintf(f->ev[f->nev].value, sizeof(f->ev[0].value), "%s",
	    value);
	f->nev++;
}

static void
ev_u64(struct exposure_finding *f, const char *key, uint64_t v)
{
	char b[24];

	(void)snprintf(b, sizeof(b), "%" PRIu64, v);
	ev_add(f, key, b);
}

/* The state table, keyed by asset key (FNV-1a). */

static size_t
key_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ULL;
	return (size_t)h;
}

static struct ex_asset *
state_find(const struct exposure *ex, const char *key)
{
	size_t i;

	if (ex->tabcap == 0)
		return NULL;
	for (i = key_hash(key) & (ex->tabcap - 1); ex->tab[i] != NULL;
	    i = (i + 1) & (ex->tabcap - 1))
		if (strcmp(ex->tab[i]->key, key) == 0)
			return ex->tab[i];
	return NULL;
}

static int
state_grow(struct exposure *ex)
{
	size_t ncap = ex->tabcap == 0 ? 64 : ex->tabcap * 2, i, j;
	struct ex_asset **nt = calloc(ncap, sizeof(*nt));

	if (nt == NULL)
		return -1;
	for (i = 0; i < ex->tabcap; i++) {
		if (ex->tab[i] == NULL)
			continue;
		for (j = key_hash(ex->tab[i]->key) & (ncap - 1); nt[j] != NULL;
		    j = (j + 1) & (ncap - 1))
			;
		nt[j] = ex->tab[i];
	}
	free(ex->tab);
	ex->tab = nt;
	ex->tabcap = ncap;
	return 0;
}

/* The state of asset a, or NULL when it has none. */
static struct ex_asset *
state_of(const struct exposure *ex, const struct asset *a)
{
	char key[ADDR_STRLEN];

	return state_find(ex, asset_key(a, key, sizeof(key)));
}

/* The state of the asset a is, made when new; NULL over the bound. */
static struct ex_asset *
state_get(struct exposure *ex, const struct asset *a)
{
	char key[ADDR_STRLEN];
	struct ex_asset *s;
	size_t i;

	(void)asset_key(a, key, sizeof(key));
	if ((s = state_find(ex, key)) != NULL)
		return s;
	if (ex->ntab >= EXPOSURE_ASSETS_MAX)
		return NULL;
	if ((ex->ntab + 1) * 2 > ex->tabcap && state_grow(ex) == -1)
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	(void)snprintf(s->key, sizeof(s->key), "%s", key);
	for (i = key_hash(key) & (ex->tabcap - 1); ex->tab[i] != NULL;
	    i = (i + 1) & (ex->tabcap - 1))
		;
	ex->tab[i] = s;
	ex->ntab++;
	ex->stats.assets = ex->ntab;
	return s;
}

/* Kinds kept one per peer. */
static bool
per_peer(enum exposure_kind k)
{
	return k == EXPOSURE_DICOM_CLEAR || k == EXPOSURE_INBOUND_EXTERNAL ||
	    k == EXPOSURE_MODBUS_WRITE || k == EXPOSURE_BACNET_WRITE;
}

/*
 * The fact of kind and port whose dedup key is dkey, made when new (its
 * first evidence then left to the caller: *isnew says so). Seen again,
 * its last time and count move on. NULL when dropped.
 */
static struct fact *
fact_note(struct exposure *ex, const struct asset *a, enum exposure_kind k,
    uint8_t proto, uint16_t port, const char *dkey, uint64_t ts, bool *isnew)
{
	struct ex_asset *s;
	struct fact *ft, *nf;
	size_t i, ncap, same;

	*isnew = false;
	if (a == NULL)
		return NULL;
	if ((s = state_get(ex, a)) == NULL) {
		ex->stats.facts_dropped++;
		return NULL;
	}
	for (i = 0; i < s->nfacts; i++) {
		ft = &s->facts[i];
		if (ft->f.kind == k && ft->f.port == port &&
		    ft->f.proto == proto && strcmp(ft->dkey, dkey) == 0) {
			if (ts > ft->f.last)
				ft->f.last = ts;
			if (ts < ft->f.first)
				ft->f.first = ts;
			ft->f.count++;
			return ft;
		}
	}
	/* Peers are kept up to a few per kind: enough to show, bounded. */
	for (i = 0, same = 0; i < s->nfacts; i++)
		if (s->facts[i].f.kind == k)
			same++;
	if (s->nfacts == EXPOSURE_FACTS_MAX || (per_peer(k) &&
	    same >= EXPOSURE_PEERS_MAX)) {
		ex->stats.facts_dropped++;
		return NULL;
	}
	if (s->nfacts == s->cap) {
		ncap = s->cap == 0 ? 4 : s->cap * 2;
		if (ncap > EXPOSURE_FACTS_MAX)
			ncap = EXPOSURE_FACTS_MAX;
		if ((nf = realloc(s->facts, ncap * sizeof(*nf))) == NULL) {
			ex->stats.facts_dropped++;
			return NULL;
		}
		s->facts = nf;
		s->cap = ncap;
	}
	ft = &s->facts[s->nfacts++];
	memset(ft, 0, sizeof(*ft));
	ft->f.kind = k;
	ft->f.severity = kinds[k].sev;
	ft->f.proto = proto;
	ft->f.port = port;
	ft->f.first = ft->f.last = ts;
	ft->f.count = 1;
	(void)snprintf(ft->dkey, sizeof(ft->dkey), "%s", dkey);
	ex->stats.facts++;
	*isnew = true;
	return ft;
}

/* Reading observations. */

static const struct asset *
asset_at(const struct exposure *ex, const struct ward_addr *ip,
    const uint8_t *mac)
{
	const struct asset *a = NULL;

	if (ip != NULL && ip->family != 0)
		a = inv_find_ip(ex->inv, ip);
	if (a == NULL && mac != NULL)
		a = inv_find_mac(ex->inv, mac);
	return a;
}

static const struct asset *
subject(const struct exposure *ex, const struct observation *o)
{
	return asset_at(ex, &o->ip, o->has_mac ? o->mac : NULL);
}

/* The server's port and protocol of the observation's flow, or 0. */
static uint16_t
srv_port(const struct observation *o, uint8_t *proto)
{
	*proto = o->flow != NULL ? o->flow->proto : 0;
	return o->flow != NULL ? o->flow->side[1].port : 0;
}

static bool
get_bool(const struct observation *o, const char *key)
{
	const struct obs_field *f = obs_get(o, key);

	return f != NULL && f->type == OV_BOOL && f->v.b;
}

static bool
get_u64(const struct observation *o, const char *key, uint64_t *v)
{
	const struct obs_field *f = obs_get(o, key);

	if (f == NULL || f->type != OV_U64)
		return false;
	*v = f->v.u;
	return true;
}

static void
on_smb(struct exposure *ex, const struct observation *o)
{
	struct fact *ft;
	uint64_t idx = 0;
	uint8_t proto;
	uint16_t port = srv_port(o, &proto);
	bool isnew;

	/* MS-CIFS 2.2.4.52.2: 0xffff says no dialect was accepted. */
	if (!get_bool(o, "smb1") || !get_bool(o, "response") ||
	    !get_u64(o, "dialect_index", &idx) || idx == 0xffff)
		return;
	ft = fact_note(ex, subject(ex, o), EXPOSURE_SMB1, proto, port, "",
	    o->ts, &isnew);
	if (ft == NULL || !isnew)
		return;
	(void)snprintf(ft->f.title, sizeof(ft->f.title),
	    "SMBv1 negotiate answered");
	ev_add(&ft->f, "smb1", "true");
	ev_u64(&ft->f, "dialect_index", idx);
}

static void
on_rdp(struct exposure *ex, const struct observation *o)
{
	const char *type = obs_get_str(o, "type");
	const char *sel = obs_get_str(o, "selected");
	struct fact *ft;
	uint8_t proto;
	uint16_t port = srv_port(o, &proto);
	bool isnew;

	/*
	 * MS-RDPBCGR 2.2.1.2.1: PROTOCOL_RDP (standard RDP security) and
	 * PROTOCOL_SSL authenticate the user only after the session is up;
	 * PROTOCOL_HYBRID (CredSSP) is Network Level Authentication.
	 */
	if (type == NULL || strcmp(type, "confirm") != 0 || sel == NULL ||
	    (strcmp(sel, "rdp") != 0 && strcmp(sel, "ssl") != 0))
		return;
	ft = fact_note(ex, subject(ex, o), EXPOSURE_RDP_NO_NLA, proto, port,
	    sel, o->ts, &isnew);
	if (ft == NULL || !isnew)
		return;
	(void)snprintf(ft->f.title, sizeof(ft->f.title),
	    "RDP without Network Level Authentication (selected %s)", sel);
	ev_add(&ft->f, "selected", sel);
}

static void
on_http(struct exposure *ex, const struct observation *o)
{
	const char *type = obs_get_str(o, "type");
	const char *scheme = obs_get_str(o, "auth_scheme");
	const char *realm = obs_get_str(o, "realm");
	struct fact *ft;
	uint64_t status = 0;
	uint8_t proto;
	uint16_t port = srv_port(o, &proto);
	bool isnew;

	/* RFC 9110 15.5.2: 401 carries a WWW-Authenticate challenge. */
	if (type == NULL || strcmp(type, "response") != 0)
		return;
	(void)get_u64(o, "status", &status);
	if (status != 401 && scheme == NULL && realm == NULL)
		return;
	ft = fact_note(ex, subject(ex, o), EXPOSURE_HTTP_LOGIN, proto, port,
	    "", o->ts, &isnew);
	if (ft == NULL || !isnew)
		return;
	(void)snprintf(ft->f.title, sizeof(ft->f.title),
	    "HTTP login asked without TLS%s%s%s",
	    realm != NULL ? " (realm \"" : "", realm != NULL ? realm : "",
	    realm != NULL ? "\")" : "");
	if (status != 0)
		ev_u64(&ft->f, "status", status);
	ev_add(&ft->f, "auth_scheme", scheme);
	ev_add(&ft->f, "realm", realm);
	ev_add(&ft->f, "server", obs_get_str(o, "server"));
}

/* The department of the asset at ip, or of the subnet holding it. */
static const struct dept *
dept_at(const struct exposure *ex, const struct ward_addr *ip)
{
	const struct asset *p = inv_find_ip(ex->inv, ip);

	if (p != NULL && p->dept != NULL)
		return p->dept;
	if (ex->depts != NULL)
		return dept_by_ip(ex->depts, ip, NULL);
	return NULL;
}

/* The asset's department, from the map when not placed yet. */
static const struct dept *
dept_of(const struct exposure *ex, const struct asset *a)
{
	if (a->dept != NULL)
		return a->dept;
	if (ex->depts != NULL)
		return dept_of_asset(ex->depts, a, NULL, 0);
	return NULL;
}

static bool
dept_same(const struct dept *a, const struct dept *b)
{
	return a != NULL && b != NULL && strcmp(a->name, b->name) == 0;
}

static void
on_dicom(struct exposure *ex, const struct observation *o)
{
	const char *pdu = obs_get_str(o, "pdu");
	const struct asset *scp;
	char peer[ADDR_STRLEN];
	struct fact *ft;
	uint8_t proto;
	uint16_t port = srv_port(o, &proto);
	bool isnew;

	/* An association request: the responder is the SCP reached. */
	if (o->flow == NULL || pdu == NULL || strcmp(pdu, "associate_rq") != 0)
		return;
	if ((scp = asset_at(ex, &o->flow->side[1].addr, NULL)) == NULL)
		return;
	/*
	 * Peers of its own department are not kept, so that a PACS with
	 * many modalities keeps room for the peers that matter; the
	 * evaluation checks again (an asset's department may change).
	 */
	if (dept_same(dept_of(ex, scp), dept_at(ex, &o->flow->side[0].addr)))
		return;
	(void)addr_fmt(&o->flow->side[0].addr, peer, sizeof(peer));
	ft = fact_note(ex, scp, EXPOSURE_DICOM_CLEAR, proto, port, peer,
	    o->ts, &isnew);
	if (ft == NULL || !isnew)
		return;
	ft->peer = o->flow->side[0].addr;
	ev_add(&ft->f, "peer", peer);
	ev_add(&ft->f, "calling_ae", obs_get_str(o, "calling_ae"));
	ev_add(&ft->f, "called_ae", obs_get_str(o, "called_ae"));
}

static void
on_mqtt(struct exposure *ex, const struct observation *o)
{
	const char *type = obs_get_str(o, "type"), *cid;
	const struct obs_field *auth;
	const struct asset *broker;
	struct ex_asset *s;
	struct pending *p;
	struct fact *ft;
	uint64_t code;
	uint8_t proto;
	uint16_t port = srv_port(o, &proto);
	bool isnew;

	if (o->flow == NULL || type == NULL)
		return;
	broker = asset_at(ex, &o->flow->side[1].addr, NULL);
	if (broker == NULL)
		return;
	if (strcmp(type, "connect") == 0) {
		/* MQTT 3.1.1 3.1.2.8: no User Name Flag, no user. */
		auth = obs_get(o, "auth");
		if (auth == NULL || auth->type != OV_BOOL || auth->v.b)
			return;
		if ((s = state_get(ex, broker)) == NULL)
			return;
		p = &s->mqtt[s->mqtt_next++ % MQTT_PENDING];
		p->flow = o->flow->id;
		(void)addr_fmt(&o->flow->side[0].addr, p->client,
		    sizeof(p->client));
		cid = obs_get_str(o, "client_id");
		(void)snprintf(p->client_id, sizeof(p->client_id), "%s",
		    cid != NULL ? cid : "");
		return;
	}
	/* 3.2.2.3: return code 0, Connection Accepted. */
	if (strcmp(type, "connack") != 0 || !get_u64(o, "code", &code) ||
	    code != 0 || (s = state_of(ex, broker)) == NULL)
		return;
	for (size_t i = 0; i < MQTT_PENDING; i++) {
		p = &s->mqtt[i];
		if (p->flow != o->flow->id || p->flow == 0)
			continue;
		p->flow = 0;
		ft = fact_note(ex, broker, EXPOSURE_MQTT_ANON, proto, port, "",
		    o->ts, &isnew);
		if (ft == NULL || !isnew)
			return;
		(void)snprintf(ft->f.title, sizeof(ft->f.title),
		    "MQTT broker accepts clients without a user name, "
		    "without TLS");
		ev_add(&ft->f, "client", p->client);
		ev_add(&ft->f, "client_id", p->client_id);
		ev_add(&ft->f, "auth", "false");
		ev_add(&ft->f, "code", "0");
		return;
	}
}

static void
cred_note(struct exposure *ex, const struct asset *a,
    const struct observation *o, const char *role, const char *other,
    uint8_t proto, uint16_t port)
{
	const char *prot = obs_get_str(o, "protocol");
	const char *user = obs_get_str(o, "user");
	char dkey[EXPOSURE_VALUE_MAX];
	struct fact *ft;
	bool isnew;

	(void)snprintf(dkey, sizeof(dkey), "%s|%s|%s", role,
	    prot != NULL ? prot : "", user != NULL ? user : "");
	ft = fact_note(ex, a, EXPOSURE_CREDENTIAL, proto, port, dkey, o->ts,
	    &isnew);
	if (ft == NULL || !isnew)
		return;
	(void)snprintf(ft->f.title, sizeof(ft->f.title),
	    "%s password in clear %s %s%s%s",
	    prot != NULL ? prot : "a",
	    strcmp(role, "server") == 0 ? "accepted from" : "sent to",
	    other, user != NULL ? " for user " : "",
	    user != NULL ? user : "");
	ev_add(&ft->f, "role", role);
	ev_add(&ft->f, "protocol", prot);
	ev_add(&ft->f, "user", user);
	ev_add(&ft->f, "scheme", obs_get_str(o, "scheme"));
	ev_add(&ft->f, strcmp(role, "server") == 0 ? "client" : "server",
	    other);
}

/*
 * A password that crossed in clear: a finding on the server that takes
 * it and on the client that sends it. Only the protocol and the user
 * name are kept; the observation never carries the secret.
 */
static void
on_credential(struct exposure *ex, const struct observation *o)
{
	char cli[ADDR_STRLEN], srv[ADDR_STRLEN];
	uint8_t proto;
	uint16_t port = srv_port(o, &proto);

	if (!get_bool(o, "password"))
		return;
	if (o->flow == NULL) {
		cred_note(ex, subject(ex, o), o, "client", "-", 0, 0);
		return;
	}
	(void)addr_fmt(&o->flow->side[0].addr, cli, sizeof(cli));
	(void)addr_fmt(&o->flow->side[1].addr, srv, sizeof(srv));
	cred_note(ex, asset_at(ex, &o->flow->side[1].addr, NULL), o, "server",
	    cli, proto, port);
	cred_note(ex, subject(ex, o), o, "client", srv, proto, port);
}

static const char *
tls_version_name(uint64_t v)
{
	switch (v) {
	case 0x0200:
		return "SSL 2.0";
	case 0x0300:
		return "SSL 3.0";
	case 0x0301:
		return "TLS 1.0";
	case 0x0302:
		return "TLS 1.1";
	case 0x0303:
		return "TLS 1.2";
	case 0x0304:
		return "TLS 1.3";
	default:
		return "unknown";
	}
}

/* "2024-01-01T00:00:00Z" as microseconds since the epoch; 0 when not. */
static uint64_t
cert_time(const char *s)
{
	struct tm tm;
	char z = 0;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
	    &z) != 7 || z != 'Z')
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if ((t = timegm(&tm)) == (time_t)-1 || t < 0)
		return 0;
	return (uint64_t)t * 1000000;
}

static void
tls_cert(struct exposure *ex, const struct observation *o,
    const struct asset *a, uint8_t proto, uint16_t port)
{
	const char *subj = obs_get_str(o, "subject");
	const char *sha = obs_get_str(o, "sha256");
	const char *na = obs_get_str(o, "not_after");
	const char *kt = obs_get_str(o, "key_type");
	const char *dk = sha != NULL ? sha : subj != NULL ? subj : "";
	uint64_t idx = 1, bits = 0, end;
	struct fact *ft;
	bool isnew;

	/* The certificate of the sender itself, not its chain. */
	if (!get_u64(o, "index", &idx) || idx != 0)
		return;
	if (get_bool(o, "self_signed")) {
		ft = fact_note(ex, a, EXPOSURE_TLS_SELF_SIGNED, proto, port,
		    dk, o->ts, &isnew);
		if (ft != NULL && isnew) {
			(void)snprintf(ft->f.title, sizeof(ft->f.title),
			    "self-signed TLS certificate %s",
			    subj != NULL ? subj : "");
			ev_add(&ft->f, "subject", subj);
			ev_add(&ft->f, "issuer", obs_get_str(o, "issuer"));
			ev_add(&ft->f, "self_signed", "true");
			ev_add(&ft->f, "sha256", sha);
		}
	}
	/* RFC 5280 4.1.2.5: not valid after notAfter. */
	if ((end = cert_time(na)) != 0 && end < o->ts) {
		ft = fact_note(ex, a, EXPOSURE_TLS_EXPIRED, proto, port, dk,
		    o->ts, &isnew);
		if (ft != NULL && isnew) {
			(void)snprintf(ft->f.title, sizeof(ft->f.title),
			    "expired TLS certificate (not after %s)", na);
			ev_add(&ft->f, "subject", subj);
			ev_add(&ft->f, "not_after", na);
			ev_add(&ft->f, "sha256", sha);
		}
	}
	/* NIST SP 800-131A rev. 2: RSA and DSA under 2048 bits disallowed. */
	if (kt != NULL && (strcmp(kt, "rsa") == 0 ||
	    strcmp(kt, "rsa-pss") == 0 || strcmp(kt, "dsa") == 0) &&
	    get_u64(o, "key_bits", &bits) && bits < 2048) {
		ft = fact_note(ex, a, EXPOSURE_TLS_WEAK_KEY, proto, port, dk,
		    o->ts, &isnew);
		if (ft != NULL && isnew) {
			(void)snprintf(ft->f.title, sizeof(ft->f.title),
			    "weak TLS key (%s %" PRIu64 " bits)", kt, bits);
			ev_add(&ft->f, "subject", subj);
			ev_add(&ft->f, "key_type", kt);
			ev_u64(&ft->f, "key_bits", bits);
			ev_add(&ft->f, "sha256", sha);
		}
	}
}

static void
on_tls(struct exposure *ex, const struct observation *o)
{
	const char *msg = obs_get_str(o, "msg"), *name;
	const struct asset *a = subject(ex, o);
	struct fact *ft;
	uint64_t v = 0;
	uint8_t proto;
	uint16_t port = srv_port(o, &proto);
	bool isnew;

	if (msg == NULL || a == NULL)
		return;
	if (strcmp(msg, "certificate") == 0) {
		tls_cert(ex, o, a, proto, port);
		return;
	}
	/* RFC 8446 4.2.1: supported_versions, when present, decides. */
	if (strcmp(msg, "server_hello") != 0 ||
	    (!get_u64(o, "selected_version", &v) &&
	    !get_u64(o, "version", &v)) || v >= 0x0303)
		return;
	name = tls_version_name(v);
	ft = fact_note(ex, a, EXPOSURE_TLS_OLD, proto, port, name, o->ts,
	    &isnew);
	if (ft == NULL || !isnew)
		return;
	(void)snprintf(ft->f.title, sizeof(ft->f.title), "%s negotiated",
	    name);
	ev_add(&ft->f, "version", name);
	ev_u64(&ft->f, "version_code", v);
	ev_u64(&ft->f, "cipher", get_u64(o, "cipher", &v) ? v : 0);
}

/*
 * A connection accepted from outside the hospital: an address outside
 * the private ranges, or, with a departments map, a private one that no
 * department holds. Whether the asset is medical is decided at
 * evaluation time, once it is identified.
 */
static void
on_service(struct exposure *ex, const struct observation *o)
{
	const struct obs_field *src = obs_get(o, "src_ip");
	const char *where;
	char peer[ADDR_STRLEN];
	struct fact *ft;
	uint64_t port = 0, proto = 0;
	bool isnew;

	if (src == NULL || src->type != OV_ADDR ||
	    addr_is_multicast(&src->v.addr))
		return;
	if (!addr_is_private(&src->v.addr))
		where = "internet";
	else if (ex->depts != NULL &&
	    dept_by_ip(ex->depts, &src->v.addr, NULL) == NULL)
		where = "outside_departments";
	else
		return;
	(void)get_u64(o, "dst_port", &port);
	(void)get_u64(o, "proto", &proto);
	(void)addr_fmt(&src->v.addr, peer, sizeof(peer));
	ft = fact_note(ex, subject(ex, o), EXPOSURE_INBOUND_EXTERNAL,
	    (uint8_t)proto, (uint16_t)port, peer, o->ts, &isnew);
	if (ft == NULL || !isnew)
		return;
	ft->peer = src->v.addr;
	(void)snprintf(ft->f.title, sizeof(ft->f.title),
	    "%s connected in from %s (%s)", peer,
	    strcmp(where, "internet") == 0 ? "the internet" :
	    "outside the hospital's networks", proto_name((uint8_t)proto));
	ev_add(&ft->f, "peer", peer);
	ev_add(&ft->f, "where", where);
	ev_u64(&ft->f, "port", port);
}

/* A write the device accepted, kept per writer. */
static void
write_note(struct exposure *ex, const struct observation *o,
    enum exposure_kind k, const char *what, uint64_t fn)
{
	char peer[ADDR_STRLEN];
	struct fact *ft;
	uint8_t proto;
	uint16_t port = srv_port(o, &proto);
	bool isnew;

	const struct asset *a = subject(ex, o);
	bool same;

	if (o->flow == NULL || a == NULL)
		return;
	/*
	 * Writers of the device's own department share one fact (the
	 * first is shown), so that they leave room for outsiders.
	 */
	same = addr_is_private(&o->flow->side[0].addr) &&
	    dept_same(dept_of(ex, a), dept_at(ex, &o->flow->side[0].addr));
	(void)addr_fmt(&o->flow->side[0].addr, peer, sizeof(peer));
	ft = fact_note(ex, a, k, proto, port, same ? "same_department" : peer,
	    o->ts, &isnew);
	if (ft == NULL || !isnew)
		return;
	ft->peer = o->flow->side[0].addr;
	ev_add(&ft->f, "peer", peer);
	ev_add(&ft->f, "function", what);
	ev_u64(&ft->f, "code", fn);
}

static void
on_modbus(struct exposure *ex, const struct observation *o)
{
	uint64_t fn;
	const char *name = obs_get_str(o, "function_name");

	/*
	 * Modbus Application Protocol 1.1b3 section 6: Write Single Coil
	 * (5), Write Single Register (6), Write Multiple Coils (15) and
	 * Registers (16), Mask Write Register (22), Read/Write Multiple
	 * Registers (23); a response without the exception bit succeeded.
	 */
	if (!get_bool(o, "response") || obs_get(o, "exception") != NULL ||
	    !get_u64(o, "function", &fn) || (fn != 5 && fn != 6 && fn != 15 &&
	    fn != 16 && fn != 22 && fn != 23))
		return;
	write_note(ex, o, EXPOSURE_MODBUS_WRITE,
	    name != NULL ? name : "write", fn);
}

static void
on_bacnet(struct exposure *ex, const struct observation *o)
{
	uint64_t type, svc;

	/*
	 * ASHRAE 135 clause 15.9, 15.10: WriteProperty (15) and
	 * WritePropertyMultiple (16) confirmed, answered by a SimpleACK
	 * (APDU type 2, clause 20.1.4).
	 */
	if (!get_u64(o, "apdu_type", &type) || type != 2 ||
	    !get_u64(o, "service", &svc) || (svc != 15 && svc != 16))
		return;
	write_note(ex, o, EXPOSURE_BACNET_WRITE, svc == 15 ?
	    "write_property" : "write_property_multiple", svc);
}

static void
on_obs(const struct observation *o, void *arg)
{
	struct exposure *ex = arg;

	ex->stats.observations++;
	switch (o->kind) {
	case OBS_SMB:
		on_smb(ex, o);
		break;
	case OBS_RDP:
		on_rdp(ex, o);
		break;
	case OBS_HTTP:
		on_http(ex, o);
		break;
	case OBS_DICOM:
		on_dicom(ex, o);
		break;
	case OBS_MQTT:
		on_mqtt(ex, o);
		break;
	case OBS_CREDENTIAL:
		on_credential(ex, o);
		break;
	case OBS_TLS:
		on_tls(ex, o);
		break;
	case OBS_SERVICE:
		on_service(ex, o);
		break;
	case OBS_MODBUS:
		on_modbus(ex, o);
		break;
	case OBS_BACNET:
		on_bacnet(ex, o);
		break;
	default:
		break;
	}
}

/* The evaluator. */

struct exposure *
exposure_new(const struct detect_config *cfg, const struct inventory *inv,
    const struct dept_map *depts)
{
	struct exposure *ex;

	if ((ex = calloc(1, sizeof(*ex))) == NULL)
		return NULL;
	if (cfg == NULL && (cfg = ex->own_cfg = detect_config_new()) == NULL) {
		free(ex);
		return NULL;
	}
	ex->cfg = cfg;
	ex->inv = inv;
	ex->depts = depts;
	return ex;
}

void
exposure_free(struct exposure *ex)
{
	if (ex == NULL)
		return;
	for (size_t i = 0; i < ex->tabcap; i++) {
		if (ex->tab[i] == NULL)
			continue;
		free(ex->tab[i]->facts);
		free(ex->tab[i]);
	}
	free(ex->tab);
	detect_config_free(ex->own_cfg);
	free(ex);
}

int
exposure_attach(struct exposure *ex, struct obs_bus *bus)
{
	return obs_subscribe(bus, OBS_MASK(OBS_SMB) | OBS_MASK(OBS_RDP) |
	    OBS_MASK(OBS_HTTP) | OBS_MASK(OBS_DICOM) | OBS_MASK(OBS_MQTT) |
	    OBS_MASK(OBS_CREDENTIAL) | OBS_MASK(OBS_TLS) |
	    OBS_MASK(OBS_SERVICE) | OBS_MASK(OBS_MODBUS) |
	    OBS_MASK(OBS_BACNET), on_obs, ex);
}

const struct exposure_stats *
exposure_stats(const struct exposure *ex)
{
	return &ex->stats;
}

static struct exposure_finding *
list_add(struct exposure_list *l)
{
	struct exposure_finding *nv;
	size_t ncap;

	if (l->n == l->cap) {
		ncap = l->cap == 0 ? 8 : l->cap * 2;
		if ((nv = realloc(l->v, ncap * sizeof(*nv))) == NULL)
			return NULL;
		l->v = nv;
		l->cap = ncap;
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

static const char *
attr_get(const struct asset *a, const char *key)
{
	for (size_t i = 0; i < a->nattrs; i++)
		if (strcmp(a->attrs[i].key, key) == 0)
			return a->attrs[i].value;
	return NULL;
}

/* Services that are exposures by their port alone (IANA registry). */
static int
eval_services(const struct asset *a, struct exposure_list *out)
{
	struct exposure_finding *f;
	enum exposure_kind k;
	const char *what, *banner;

	for (size_t i = 0; i < a->nservices; i++) {
		const struct asset_service *s = &a->services[i];

		if (s->proto != 6)
			continue;
		if (s->port == 23) {
			k = EXPOSURE_TELNET;
			what = "Telnet";
			banner = attr_get(a, "telnet.banner");
		} else if (s->port == 21) {
			k = EXPOSURE_FTP;
			what = "FTP";
			banner = attr_get(a, "ftp.banner");
		} else if (s->port >= 5900 && s->port <= 5903) {
			/* RFC 6143 section 1: 5900 + display number. */
			k = EXPOSURE_VNC;
			what = "VNC";
			banner = NULL;
		} else
			continue;
		if ((f = list_add(out)) == NULL)
			return -1;
		f->kind = k;
		f->severity = kinds[k].sev;
		f->proto = s->proto;
		f->port = s->port;
		f->first = s->first;
		f->last = s->last;
		f->count = s->conns;
		(void)snprintf(f->title, sizeof(f->title),
		    "%s offered on tcp/%u", what, s->port);
		ev_add(f, "service", "tcp");
		ev_u64(f, "port", s->port);
		ev_u64(f, "connections", s->conns);
		ev_add(f, "banner", banner);
	}
	return 0;
}

static bool
is_medical(const struct exposure *ex, const struct asset *a)
{
	if (a->ident == NULL || a->ident->value[IDENT_TYPE][0] == '\0')
		return false;
	return str_list_has(&ex->cfg->medical_types,
	    a->ident->value[IDENT_TYPE]);
}

/*
 * A write from the device's own department is medium; from another, from
 * none, or from outside the private ranges it is high: anyone there can
 * change a setpoint.
 */
static void
write_eval(struct exposure_finding *f, const struct asset *a,
    const struct dept *pd, const struct ward_addr *peer)
{
	const char *where;

	if (!addr_is_private(peer))
		where = "internet";
	else if (a->dept != NULL && dept_same(pd, a->dept))
		where = "same_department";
	else
		where = "other_department";
	if (strcmp(where, "same_department") != 0)
		f->severity = ALERT_SEV_HIGH;
	ev_add(f, "where", where);
	ev_add(f, "peer_dept", pd != NULL ? pd->name : PEER_NONE);
	(void)snprintf(f->title, sizeof(f->title),
	    "%s write (%s) accepted from %s (%s)",
	    f->kind == EXPOSURE_MODBUS_WRITE ? "Modbus" : "BACnet",
	    exposure_ev_get(f, "function"), exposure_ev_get(f, "peer"),
	    pd != NULL ? pd->name : "no department");
}

static int
finding_cmp(const void *x, const void *y)
{
	const struct exposure_finding *a = x, *b = y;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return strcmp(a->title, b->title);
}

int
exposure_eval(const struct exposure *ex, const struct asset *a,
    struct exposure_list *out)
{
	const struct ex_asset *s;
	const struct dept *pd;
	struct exposure_finding *f;
	size_t start = out->n;
	int rc = 0;

	if (eval_services(a, out) == -1) {
		rc = WARD_ENOMEM;
		goto out;
	}
	if ((s = state_of(ex, a)) == NULL)
		goto out;
	for (size_t i = 0; i < s->nfacts; i++) {
		const struct fact *ft = &s->facts[i];

		pd = NULL;
		switch (ft->f.kind) {
		case EXPOSURE_DICOM_CLEAR:
			/* Unknown when the device has no department. */
			if (a->dept == NULL)
				continue;
			pd = dept_at(ex, &ft->peer);
			if (dept_same(pd, a->dept))
				continue;
			break;
		case EXPOSURE_INBOUND_EXTERNAL:
			if (!is_medical(ex, a))
				continue;
			break;
		case EXPOSURE_MODBUS_WRITE:
		case EXPOSURE_BACNET_WRITE:
			pd = dept_at(ex, &ft->peer);
			break;
		default:
			break;
		}
		if ((f = list_add(out)) == NULL) {
			rc = WARD_ENOMEM;
			goto out;
		}
		*f = ft->f;
		if (ft->f.kind == EXPOSURE_DICOM_CLEAR) {
			ev_add(f, "dept", a->dept->name);
			ev_add(f, "peer_dept", pd != NULL ? pd->name :
			    PEER_NONE);
			(void)snprintf(f->title, sizeof(f->title),
			    "DICOM without TLS from %s (%s) to %s",
			    exposure_ev_get(f, "peer"),
			    pd != NULL ? pd->name : "no department",
			    a->dept->name);
		} else if (ft->f.kind == EXPOSURE_INBOUND_EXTERNAL)
			ev_add(f, "type", a->ident->value[IDENT_TYPE]);
		else if (ft->f.kind == EXPOSURE_MODBUS_WRITE ||
		    ft->f.kind == EXPOSURE_BACNET_WRITE)
			write_eval(f, a, pd, &ft->peer);
	}
out:
	if (out->n > start)
		qsort(out->v + start, out->n - start, sizeof(out->v[0]),
		    finding_cmp);
	return rc;
}

/* JSON. */

json_t *
json_exposure_finding(const struct exposure_finding *f)
{
	char t1[32], t2[32];
	json_t *o, *ev;

	if ((o = json_object()) == NULL || (ev = json_object()) == NULL) {
		json_decref(o);
		return NULL;
	}
	for (size_t i = 0; i < f->nev; i++)
		(void)json_object_set_new(ev, f->ev[i].key,
		    json_string(f->ev[i].value));
	(void)json_object_set_new(o, "kind",
	    json_string(exposure_kind_name(f->kind)));
	(void)json_object_set_new(o, "severity",
	    json_string(alert_severity_name(f->severity)));
	(void)json_object_set_new(o, "title", json_string(f->title));
	if (f->port != 0) {
		(void)json_object_set_new(o, "proto",
		    json_string(proto_name(f->proto)));
		(void)json_object_set_new(o, "port", json_integer(f->port));
	}
	(void)json_object_set_new(o, "evidence", ev);
	(void)json_object_set_new(o, "remediation",
	    json_string(exposure_kind_remediation(f->kind)));
	(void)json_object_set_new(o, "first",
	    json_string(fmt_time(f->first, t1, sizeof(t1))));
	(void)json_object_set_new(o, "last",
	    json_string(fmt_time(f->last, t2, sizeof(t2))));
	(void)json_object_set_new(o, "count", json_integer(
	    (json_int_t)f->count));
	return o;
}

json_t *
json_exposure(const struct exposure_list *l)
{
	json_t *a, *o;

	if ((a = json_array()) == NULL)
		return NULL;
	for (size_t i = 0; i < l->n; i++) {
		if ((o = json_exposure_finding(&l->v[i])) == NULL ||
		    json_array_append_new(a, o) == -1) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}
