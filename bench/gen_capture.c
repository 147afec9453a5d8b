/*
 * gen_capture - build one large benchmark capture from small seed captures.
 *
 *	gen_capture [-n packets] [-H hosts] [-w width] [-g max-gap-ms]
 *	    -o out.pcap seed.pcap...
 *
 * The seeds are read into memory once and replayed as "repetitions" until
 * the output holds the requested number of packets.  Each repetition plays
 * the seed's traffic as if a different set of client hosts had made it:
 *
 *  - Every address of the seed is classified once.  An address that offers
 *    services (answers SYNs, sends from a well-known port, answers pings)
 *    is a server; servers, multicast, broadcast and unspecified addresses
 *    keep their value, so all repetitions share the same few servers and the
 *    output has realistic many-to-one patterns.  Every other address that
 *    sends traffic is a client.
 *  - Client k of the seed becomes host h = group * C + k in repetition r,
 *    where C is the number of clients in the seed, group = r mod G and G is
 *    chosen so that G * C >= the -H host count.  Host h gets IPv4 address
 *    10.0.0.0 + (h / 254) * 256 + h % 254 + 1 (private stays private), an
 *    IPv6 interface identifier 0257:0000:<h> under the seed's prefix, and a
 *    locally administered MAC address 02:4<f>:<h> (f is the family of the
 *    address that owns the MAC in the seed).  ARP sender and target fields,
 *    the DHCP chaddr, ciaddr, yiaddr, requested address and client
 *    identifier, and neighbor discovery targets and link-layer options
 *    follow the same mapping.
 *  - When the groups wrap around (r >= G), ephemeral ports (>= 32768) are
 *    shifted by the cycle number so that a host that comes back opens new
 *    connections instead of resuming old five-tuples.
 *  - The IPv4 header checksum is recomputed; TCP, UDP and ICMPv6 checksums
 *    are updated incrementally (RFC 1624), so a checksum that was right in
 *    the seed stays right and one that was wrong (offload) stays wrong.
 *  - Timestamps follow one monotonic timeline.  The seed's own gaps are kept
 *    but capped at -g milliseconds, and -w repetitions run side by side
 *    (staggered, merged in timestamp order) so the sensor sees many
 *    concurrent flows rather than one small conversation at a time.
 *
 * Only Ethernet captures (DLT_EN10MB) are used; other link types are skipped
 * with a message.  802.1Q and 802.1ad tags are walked through.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ETHERTYPE_IPV4	0x0800
#define ETHERTYPE_ARP	0x0806
#define ETHERTYPE_VLAN	0x8100
#define ETHERTYPE_QINQ	0x88a8
#define ETHERTYPE_IPV6	0x86dd

#define IPPROTO_ICMP4	1
#define IPPROTO_TCP_	6
#define IPPROTO_UDP_	17
#define IPPROTO_ICMP6	58

#define EPHEMERAL_MIN	32768U
#define PORT_SHIFT	4099U		/* prime, so cycles do not line up */
#define MAX_HOSTS	(254U * 65536U)	/* what 10.0.0.0/8 holds this way */
#define OUT_SNAPLEN	262144

enum fam { FAM_MAC = 0, FAM_V4 = 1, FAM_V6 = 2 };
enum cls { CLS_KEEP = 0, CLS_CLIENT = 1 };

/* One address of the seed (MAC, IPv4 or IPv6) and what it was seen doing. */
struct addr {
	uint8_t		 fam;
	uint8_t		 len;
	uint8_t		 a[16];
	uint8_t		 special;	/* multicast, broadcast, unspecified */
	uint8_t		 is_src;	/* sent at least one frame/packet */
	uint8_t		 leased;	/* IPv4: handed out or asked for by DHCP */
	uint8_t		 sent_ip;	/* MAC: carried IPv4, IPv6 or ARP */
	uint8_t		 cls;
	long		 srv_votes;
	long		 cli_votes;
	long		 mac;		/* IP: first MAC it was sent from, or -1 */
	long		 owner;		/* MAC: the IP it is numbered by, or -1 */
	uint8_t		 serves;	/* MAC: sent from a server's address */
	uint32_t	 idx;		/* client index within its family */
};

struct addr_table {
	struct addr	*v;		/* in order of first appearance */
	size_t		 n, cap;
	uint32_t	*slot;		/* open addressing: index + 1, 0 free */
	size_t		 nslot;
};

struct seed_pkt {
	uint64_t	 t;		/* microseconds on the seed timeline */
	uint32_t	 caplen;
	uint32_t	 len;
	uint8_t		*data;
};

/* Where the interesting fields of one Ethernet frame are. */
struct fields {
	uint16_t	 ethertype;
	size_t		 l3;		/* offset of the IP or ARP header */
	size_t		 ip_hlen;	/* IPv4 header length */
	uint8_t		 proto;		/* transport protocol */
	size_t		 l4;		/* 0: no transport header here */
	size_t		 l4_end;	/* end of the transport segment */
};

/* Accumulates the one's-complement change of a checksummed region. */
struct csum_delta {
	const uint8_t	*base;		/* where the checksummed words start */
	uint32_t	 acc_old;
	uint32_t	 acc_new;
};

struct gen {
	struct seed_pkt	*pkts;
	size_t		 npkts, cap;
	uint64_t	 duration;
	struct addr_table tab;
	uint32_t	 nclients[3];
	uint32_t	 client_macs;	/* hosts per group */
	uint32_t	 clients_per_group;
	uint32_t	 groups;
	uint64_t	 max_gap;
	/* Set for the repetition being written. */
	uint32_t	 group;
	uint32_t	 cycle;
};

static const char *progname = "gen_capture";

static void fatalx(const char *, ...)
    __attribute__((format(printf, 1, 2), noreturn));

static void
fatalx(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *
xreallocarray(void *p, size_t n, size_t size)
{
	void *q;

	if (size != 0 && n > SIZE_MAX / size)
		fatalx("allocation of %zu x %zu bytes overflows", n, size);
	if ((q = realloc(p, n * size == 0 ? 1 : n * size)) == NULL)
		fatalx("out of memory (%zu x %zu bytes)", n, size);
	return q;
}

/* Checked big-endian access: -1 when the field is not inside len bytes. */
static int
get_be16(const uint8_t *p, size_t len, size_t off, uint16_t *v)
{
	if (off > len || len - off < 2)
		return -1;
	*v = (uint16_t)(p[off] << 8 | p[off + 1]);
	return 0;
}

static int
has_bytes(size_t len, size_t off, size_t n)
{
	return off <= len && len - off >= n;
}

static void
put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Address table */

static uint64_t
addr_hash(uint8_t fam, const uint8_t *a, size_t len)
{
	uint64_t h = 1469598103934665603ULL ^ fam;	/* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= a[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void
tab_rehash(struct addr_table *t, size_t nslot)
{
	size_t i, j;

	free(t->slot);
	t->slot = xreallocarray(NULL, nslot, sizeof(*t->slot));
	memset(t->slot, 0, nslot * sizeof(*t->slot));
	t->nslot = nslot;
	for (i = 0; i < t->n; i++) {
		j = addr_hash(t->v[i].fam, t->v[i].a, t->v[i].len) &
		    (nslot - 1);
		while (t->slot[j] != 0)
			j = (j + 1) & (nslot - 1);
		t->slot[j] = (uint32_t)(i + 1);
	}
}

/* Returns the index of the address, or -1 when it is not in the table. */
static long
tab_find(const struct addr_table *t, uint8_t fam, const uint8_t *a,
    size_t len)
{
	size_t j;
	const struct addr *e;

	if (t->nslot == 0)
		return -1;
	j = addr_hash(fam, a, len) & (t->nslot - 1);
	while (t->slot[j] != 0) {
		e = &t->v[t->slot[j] - 1];
		if (e->fam == fam && e->len == len && memcmp(e->a, a, len) == 0)
			return (long)t->slot[j] - 1;
		j = (j + 1) & (t->nslot - 1);
	}
	return -1;
}

static int
is_special(uint8_t fam, const uint8_t *a)
{
	static const uint8_t zero[16];

	switch (fam) {
	case FAM_MAC:
		return (a[0] & 1) != 0 || memcmp(a, zero, 6) == 0;
	case FAM_V4:
		/* 0/8, 127/8, 169.254/16, 224/4 multicast and 240/4 (with
		 * 255.255.255.255). */
		return a[0] == 0 || a[0] == 127 || a[0] >= 224 ||
		    (a[0] == 169 && a[1] == 254);
	default:
		/* ::, ::1 and ff00::/8 multicast. */
		return a[0] == 0xff || (memcmp(a, zero, 15) == 0 && a[15] <= 1);
	}
}

static long
tab_add(struct addr_table *t, uint8_t fam, const uint8_t *a, size_t len)
{
	long i;
	struct addr *e;

	if ((i = tab_find(t, fam, a, len)) != -1)
		return i;
	if (t->n >= UINT32_MAX - 1)
		fatalx("too many distinct addresses in the seed");
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	e = &t->v[t->n];
	memset(e, 0, sizeof(*e));
	e->fam = fam;
	e->len = (uint8_t)len;
	memcpy(e->a, a, len);
	e->special = (uint8_t)is_special(fam, a);
	e->mac = -1;
	e->owner = -1;
	t->n++;
	if (t->n * 2 > t->nslot)
		tab_rehash(t, t->nslot ? t->nslot * 2 : 128);
	else {
		size_t j = addr_hash(fam, a, len) & (t->nslot - 1);

		while (t->slot[j] != 0)
			j = (j + 1) & (t->nslot - 1);
		t->slot[j] = (uint32_t)t->n;
	}
	return (long)t->n - 1;
}

/* Parsing */

/*
 * Finds the network and transport headers of an Ethernet frame.  Returns -1
 * for frames too short to hold an Ethernet header; otherwise fills f, with
 * f->ethertype 0 when the payload is none of IPv4, IPv6 or ARP.
 */
static int
parse_frame(const uint8_t *p, size_t len, struct fields *f)
{
	uint16_t et, v, frag = 0;
	size_t off = 12, end;
	uint8_t nh;
	int tags, ext;

	memset(f, 0, sizeof(*f));
	if (get_be16(p, len, off, &et) == -1)
		return -1;
	off += 2;
	for (tags = 0; (et == ETHERTYPE_VLAN || et == ETHERTYPE_QINQ) &&
	    tags < 2; tags++) {
		if (get_be16(p, len, off + 2, &et) == -1)
			return 0;
		off += 4;
	}
	f->l3 = off;
	switch (et) {
	case ETHERTYPE_ARP:
		/* RFC 826 for Ethernet/IPv4: htype 1, ptype 0x0800, 6, 4. */
		if (!has_bytes(len, off, 28) ||
		    p[off] != 0 || p[off + 1] != 1 || p[off + 2] != 8 ||
		    p[off + 3] != 0 || p[off + 4] != 6 || p[off + 5] != 4)
			return 0;
		f->ethertype = et;
		return 0;
	case ETHERTYPE_IPV4:
		/* RFC 791: version 4, IHL >= 5 words, total length. */
		if (!has_bytes(len, off, 20) || p[off] >> 4 != 4 ||
		    (p[off] & 0x0f) < 5)
			return 0;
		f->ip_hlen = (size_t)(p[off] & 0x0f) * 4;
		if (!has_bytes(len, off, f->ip_hlen))
			return 0;
		f->ethertype = et;
		f->proto = p[off + 9];
		(void)get_be16(p, len, off + 6, &frag);
		if (get_be16(p, len, off + 2, &v) == -1 || v < f->ip_hlen)
			return 0;
		if ((frag & 0x1fff) != 0)
			return 0;	/* later fragment: no transport header */
		f->l4 = off + f->ip_hlen;
		end = off + v;
		f->l4_end = end < len ? end : len;
		return 0;
	case ETHERTYPE_IPV6:
		/* RFC 8200: fixed 40-byte header, then extension headers. */
		if (!has_bytes(len, off, 40) || p[off] >> 4 != 6)
			return 0;
		f->ethertype = et;
		if (get_be16(p, len, off + 4, &v) == -1)
			return 0;
		end = off + 40 + v;
		nh = p[off + 6];
		off += 40;
		for (ext = 0; ext < 8; ext++) {
			if (nh == 0 || nh == 43 || nh == 60) {
				/* Hop-by-hop, routing, destination options. */
				if (!has_bytes(len, off, 2))
					return 0;
				nh = p[off];
				off += ((size_t)p[off + 1] + 1) * 8;
			} else if (nh == 44) {
				/* Fragment header: only the first has ports. */
				if (get_be16(p, len, off + 2, &frag) == -1)
					return 0;
				if ((frag & 0xfff8) != 0)
					return 0;
				nh = p[off];
				off += 8;
			} else
				break;
		}
		f->proto = nh;
		if (off > len)
			return 0;
		f->l4 = off;
		f->l4_end = end < len ? end : len;
		return 0;
	default:
		return 0;
	}
}

/* Pass 1: learn the addresses and who serves whom. */

static int
is_service_port(uint16_t port)
{
	return port < EPHEMERAL_MIN;
}

static long
note_ip(struct gen *g, const uint8_t *p, size_t off, int v6)
{
	return tab_add(&g->tab, v6 ? FAM_V6 : FAM_V4, p + off, v6 ? 16 : 4);
}

static void
vote(struct gen *g, long server, long client, long weight)
{
	g->tab.v[server].srv_votes += weight;
	g->tab.v[client].cli_votes += weight;
}

#define BOOTP_FIXED	236	/* RFC 2131 section 2: op .. file */
#define DHCP_COOKIE	0x63825363

/*
 * Calls fn on each DHCP option (RFC 2132) of the BOOTP message at b: code,
 * offset of its value from b and its length.  Stops at the end option, at
 * the end of the message or at an option that does not fit.
 */
static void
dhcp_options(const uint8_t *b, size_t len,
    void (*fn)(void *, uint8_t, size_t, size_t), void *arg)
{
	size_t off = BOOTP_FIXED + 4, olen;
	uint8_t code;

	if (!has_bytes(len, BOOTP_FIXED, 4) ||
	    ((uint32_t)b[236] << 24 | (uint32_t)b[237] << 16 |
	    (uint32_t)b[238] << 8 | b[239]) != DHCP_COOKIE)
		return;
	while (off < len) {
		code = b[off];
		if (code == 0) {		/* pad */
			off++;
			continue;
		}
		if (code == 255 || !has_bytes(len, off, 2))
			return;
		olen = b[off + 1];
		if (!has_bytes(len, off + 2, olen))
			return;
		fn(arg, code, off + 2, olen);
		off += 2 + olen;
	}
}

struct dhcp_learn {
	struct gen	*g;
	const uint8_t	*b;
	long		 mac;
};

static void
lease(struct gen *g, const uint8_t *a, long mac)
{
	struct addr *e;
	long i;

	if (a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0)
		return;
	i = tab_add(&g->tab, FAM_V4, a, 4);
	e = &g->tab.v[i];
	e->leased = 1;
	if (e->mac == -1)
		e->mac = mac;
}

static void
learn_dhcp_option(void *arg, uint8_t code, size_t off, size_t len)
{
	struct dhcp_learn *l = arg;

	if (code == 50 && len == 4)	/* requested IP address */
		lease(l->g, l->b + off, l->mac);
}

/*
 * The address a DHCP server hands out belongs to the client whose chaddr
 * it carries, even when the seed never shows that client using it.
 */
static void
learn_dhcp(struct gen *g, const uint8_t *b, size_t len)
{
	struct dhcp_learn l;

	if (len < BOOTP_FIXED || b[1] != 1 || b[2] != 6)
		return;
	l.g = g;
	l.b = b;
	l.mac = tab_add(&g->tab, FAM_MAC, b + 28, 6);
	g->tab.v[l.mac].sent_ip = 1;
	g->tab.v[l.mac].is_src = 1;
	lease(g, b + 12, l.mac);	/* ciaddr */
	lease(g, b + 16, l.mac);	/* yiaddr */
	dhcp_options(b, len, learn_dhcp_option, &l);
}

static void
learn_frame(struct gen *g, const uint8_t *p, size_t len)
{
	struct fields f;
	long mac, src = -1, dst = -1;
	uint16_t sport, dport;
	int v6;
	size_t s_off, d_off;
	uint8_t type;

	if (parse_frame(p, len, &f) == -1)
		return;
	(void)tab_add(&g->tab, FAM_MAC, p, 6);
	mac = tab_add(&g->tab, FAM_MAC, p + 6, 6);
	g->tab.v[mac].is_src = 1;
	if (f.ethertype == 0)
		return;
	g->tab.v[mac].sent_ip = 1;

	if (f.ethertype == ETHERTYPE_ARP) {
		/* Sender hardware/protocol address at 8/14, target 18/24. */
		src = tab_add(&g->tab, FAM_V4, p + f.l3 + 14, 4);
		(void)tab_add(&g->tab, FAM_V4, p + f.l3 + 24, 4);
		(void)tab_add(&g->tab, FAM_MAC, p + f.l3 + 8, 6);
		(void)tab_add(&g->tab, FAM_MAC, p + f.l3 + 18, 6);
		g->tab.v[src].is_src = 1;
		if (g->tab.v[src].mac == -1)
			g->tab.v[src].mac = mac;
		return;
	}

	v6 = f.ethertype == ETHERTYPE_IPV6;
	s_off = f.l3 + (v6 ? 8 : 12);
	d_off = f.l3 + (v6 ? 24 : 16);
	src = note_ip(g, p, s_off, v6);
	dst = note_ip(g, p, d_off, v6);
	g->tab.v[src].is_src = 1;
	if (g->tab.v[src].mac == -1)
		g->tab.v[src].mac = mac;
	if (f.l4 == 0)
		return;

	if (f.proto == IPPROTO_TCP_ || f.proto == IPPROTO_UDP_) {
		if (get_be16(p, len, f.l4, &sport) == -1 ||
		    get_be16(p, len, f.l4 + 2, &dport) == -1)
			return;
		if (f.proto == IPPROTO_UDP_ && !v6 &&
		    (sport == 67 || sport == 68) &&
		    (dport == 67 || dport == 68) && f.l4_end > f.l4 + 8)
			learn_dhcp(g, p + f.l4 + 8, f.l4_end - f.l4 - 8);
		if (f.proto == IPPROTO_TCP_ && has_bytes(len, f.l4, 14) &&
		    (p[f.l4 + 13] & 0x02) != 0) {
			/* SYN: the sender of a bare SYN is the client. */
			if ((p[f.l4 + 13] & 0x10) != 0)
				vote(g, src, dst, 4);
			else
				vote(g, dst, src, 4);
		} else if (is_service_port(sport) && !is_service_port(dport))
			vote(g, src, dst, 1);
		else if (!is_service_port(sport) && is_service_port(dport))
			vote(g, dst, src, 1);
		else if (sport < dport)
			vote(g, src, dst, 1);
		else if (dport < sport)
			vote(g, dst, src, 1);
	} else if ((f.proto == IPPROTO_ICMP4 && !v6) ||
	    (f.proto == IPPROTO_ICMP6 && v6)) {
		if (!has_bytes(len, f.l4, 1))
			return;
		type = p[f.l4];
		if (type == (v6 ? 128 : 8))		/* echo request */
			vote(g, dst, src, 1);
		else if (type == (v6 ? 129 : 0))	/* echo reply */
			vote(g, src, dst, 1);
	}
}

/*
 * Decides which addresses are clients and numbers them per family.  A MAC
 * that ever sent from a server's address stays as it is (a server, or a
 * router in front of servers).  Any other MAC is a client numbered after
 * the first client IPv4 address it sent from, else the first IPv6 one; a
 * MAC that sent IP or ARP only from unspecified addresses (a DHCP client)
 * is a client numbered on its own.
 */
static void
classify(struct gen *g)
{
	struct addr *e, *m, *o;
	size_t i;

	for (i = 0; i < g->tab.n; i++) {
		e = &g->tab.v[i];
		if (e->fam == FAM_MAC || e->special ||
		    (!e->is_src && !e->leased))
			continue;
		if (e->srv_votes <= e->cli_votes) {
			e->cls = CLS_CLIENT;
			e->idx = g->nclients[e->fam]++;
		}
		if (e->mac == -1)
			continue;
		m = &g->tab.v[e->mac];
		if (e->cls != CLS_CLIENT)
			m->serves = 1;
		else if (m->owner == -1 ||
		    (g->tab.v[m->owner].fam != FAM_V4 && e->fam == FAM_V4))
			m->owner = (long)i;
	}
	for (i = 0; i < g->tab.n; i++) {
		e = &g->tab.v[i];
		if (e->fam != FAM_MAC || e->special || !e->is_src ||
		    e->serves)
			continue;
		if (e->owner != -1) {
			o = &g->tab.v[e->owner];
			e->cls = o->cls;
		} else if (e->sent_ip) {
			e->cls = CLS_CLIENT;
			e->idx = g->nclients[FAM_MAC]++;
		}
		if (e->cls == CLS_CLIENT)
			g->client_macs++;
	}
}

/* Pass 2: rewrite. */

static uint32_t
host_number(const struct gen *g, const struct addr *e)
{
	uint32_t n = g->nclients[e->fam];

	return g->group * n + e->idx;
}

/*
 * Adds len bytes to a one's-complement sum; odd says that p sits at an odd
 * offset of the checksummed region, so its first byte is a low byte.
 */
static void
csum_add(uint32_t *acc, const uint8_t *p, size_t len, int odd)
{
	size_t i;

	for (i = 0; i < len; i++)
		*acc += ((i + (size_t)odd) & 1) ? p[i] : (uint32_t)p[i] << 8;
	while (*acc > 0xffff)
		*acc = (*acc & 0xffff) + (*acc >> 16);
}

/* Replaces len bytes at p with new, noting the change in d (may be NULL). */
static void
replace(uint8_t *p, const uint8_t *new, size_t len, struct csum_delta *d)
{
	if (memcmp(p, new, len) == 0)
		return;
	int odd;

	if (d != NULL) {
		/* Fields before base (the pseudo-header) are 16-bit aligned
		 * relative to it, so the parity works on both sides. */
		odd = (int)((size_t)(p - d->base) & 1);
		csum_add(&d->acc_old, p, len, odd);
		csum_add(&d->acc_new, new, len, odd);
	}
	memcpy(p, new, len);
}

/*
 * Applies d to the 16-bit checksum at p: HC' = ~(~HC + ~m + m'), RFC 1624
 * equation 3, with m and m' the sums of the old and new words.
 */
static void
csum_fix(uint8_t *p, const struct csum_delta *d, int udp4)
{
	uint32_t hc = (uint32_t)(p[0] << 8 | p[1]), acc;

	if (d->acc_old == d->acc_new)
		return;
	if (udp4 && hc == 0)
		return;		/* RFC 768: no checksum was computed */
	acc = (~hc & 0xffff) + (~d->acc_old & 0xffff) + d->acc_new;
	while (acc > 0xffff)
		acc = (acc & 0xffff) + (acc >> 16);
	hc = ~acc & 0xffff;
	if (udp4 && hc == 0)
		hc = 0xffff;
	put_be16(p, (uint16_t)hc);
}

/* Rewrites the address at p in place if it belongs to a client. */
static void
map_addr(struct gen *g, uint8_t fam, uint8_t *p, struct csum_delta *d)
{
	const struct addr *e, *o;
	uint8_t new[16];
	uint32_t h;
	size_t len = fam == FAM_MAC ? 6 : fam == FAM_V4 ? 4 : 16;
	long i;

	if ((i = tab_find(&g->tab, fam, p, len)) == -1)
		return;
	e = &g->tab.v[i];
	if (e->cls != CLS_CLIENT)
		return;
	switch (fam) {
	case FAM_V4:
		h = host_number(g, e);
		new[0] = 10;
		new[1] = (uint8_t)(h / 254 >> 8);
		new[2] = (uint8_t)(h / 254);
		new[3] = (uint8_t)(h % 254 + 1);
		break;
	case FAM_V6:
		h = host_number(g, e);
		memcpy(new, p, 8);	/* keep the prefix */
		new[8] = 0x02;
		new[9] = 0x57;
		new[10] = 0;
		new[11] = 0;
		new[12] = (uint8_t)(h >> 24);
		new[13] = (uint8_t)(h >> 16);
		new[14] = (uint8_t)(h >> 8);
		new[15] = (uint8_t)h;
		break;
	default:
		o = e->owner != -1 ? &g->tab.v[e->owner] : e;
		h = host_number(g, o);
		new[0] = 0x02;
		new[1] = (uint8_t)(0x40 | o->fam);
		new[2] = (uint8_t)(h >> 24);
		new[3] = (uint8_t)(h >> 16);
		new[4] = (uint8_t)(h >> 8);
		new[5] = (uint8_t)h;
		break;
	}
	replace(p, new, len, d);
}

static void
map_port(struct gen *g, uint8_t *p, struct csum_delta *d)
{
	uint16_t port = (uint16_t)(p[0] << 8 | p[1]);
	uint8_t new[2];

	if (g->cycle == 0 || port < EPHEMERAL_MIN)
		return;
	port = (uint16_t)(EPHEMERAL_MIN + (port - EPHEMERAL_MIN +
	    (uint64_t)g->cycle * PORT_SHIFT) % (65536 - EPHEMERAL_MIN));
	put_be16(new, port);
	replace(p, new, 2, d);
}

static void
ipv4_header_csum(uint8_t *ip, size_t hlen)
{
	uint32_t acc = 0;

	ip[10] = ip[11] = 0;
	csum_add(&acc, ip, hlen, 0);
	put_be16(ip + 10, (uint16_t)(~acc & 0xffff));
}

struct dhcp_map {
	struct gen	*g;
	uint8_t		*b;
	struct csum_delta *d;
};

static void
map_dhcp_option(void *arg, uint8_t code, size_t off, size_t len)
{
	struct dhcp_map *m = arg;

	if (code == 50 && len == 4)		/* requested IP address */
		map_addr(m->g, FAM_V4, m->b + off, m->d);
	else if (code == 61 && len == 7 && m->b[off] == 1)
		map_addr(m->g, FAM_MAC, m->b + off + 1, m->d); /* client id */
}

/* RFC 2131 section 2: ciaddr at 12, yiaddr at 16, chaddr at 28. */
static void
map_dhcp(struct gen *g, uint8_t *bootp, size_t len, struct csum_delta *d)
{
	struct dhcp_map m = { g, bootp, d };

	if (len < BOOTP_FIXED || bootp[1] != 1 || bootp[2] != 6)
		return;
	map_addr(g, FAM_V4, bootp + 12, d);
	map_addr(g, FAM_V4, bootp + 16, d);
	map_addr(g, FAM_MAC, bootp + 28, d);
	dhcp_options(bootp, len, map_dhcp_option, &m);
}

/*
 * Neighbor discovery (RFC 4861 section 4) names hosts inside the message:
 * the target address of solicitations, advertisements and redirects, and
 * link-layer addresses in options (type 1 source, 2 target; length in
 * units of 8 bytes).  Rewrites them like the headers around them.
 */
static void
map_nd(struct gen *g, uint8_t *icmp, size_t len, struct csum_delta *d)
{
	size_t off, olen;

	switch (icmp[0]) {
	case 133:			/* router solicitation */
		off = 8;
		break;
	case 134:			/* router advertisement */
		off = 16;
		break;
	case 135:			/* neighbor solicitation */
	case 136:			/* neighbor advertisement */
		if (!has_bytes(len, 8, 16))
			return;
		map_addr(g, FAM_V6, icmp + 8, d);
		off = 24;
		break;
	case 137:			/* redirect */
		if (!has_bytes(len, 8, 32))
			return;
		map_addr(g, FAM_V6, icmp + 8, d);
		map_addr(g, FAM_V6, icmp + 24, d);
		off = 40;
		break;
	default:
		return;
	}
	while (has_bytes(len, off, 2) && icmp[off + 1] != 0) {
		olen = (size_t)icmp[off + 1] * 8;
		if (!has_bytes(len, off, olen))
			return;
		if ((icmp[off] == 1 || icmp[off] == 2) && olen == 8)
			map_addr(g, FAM_MAC, icmp + off + 2, d);
		off += olen;
	}
}

/*
 * A neighbor solicitation goes to the target's solicited-node multicast
 * address, ff02::1:ff00:0/104 plus the target's low 24 bits (RFC 4291
 * section 2.7.1), which must follow the target when it is rewritten.
 */
static void
map_nd_frame(struct gen *g, uint8_t *p, const struct fields *f,
    struct csum_delta *d)
{
	static const uint8_t snm[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 0x01, 0xff };
	uint8_t *icmp = p + f->l4, *dst = p + f->l3 + 24, target[16];
	size_t len = f->l4_end - f->l4;
	int ns = len >= 24 && icmp[0] == 135;

	if (ns)
		memcpy(target, icmp + 8, 16);
	map_nd(g, icmp, len, d);
	if (ns && memcmp(dst, snm, 13) == 0 &&
	    memcmp(dst + 13, target + 13, 3) == 0)
		replace(dst + 13, icmp + 8 + 13, 3, d);
}

static void
rewrite_frame(struct gen *g, uint8_t *p, size_t len)
{
	struct fields f;
	struct csum_delta d = { NULL, 0, 0 };
	uint16_t sport, dport;
	size_t ck;
	int v6, udp4;

	if (parse_frame(p, len, &f) == -1)
		return;
	map_addr(g, FAM_MAC, p, NULL);
	map_addr(g, FAM_MAC, p + 6, NULL);
	if (f.ethertype == 0)
		return;
	if (f.ethertype == ETHERTYPE_ARP) {
		map_addr(g, FAM_MAC, p + f.l3 + 8, NULL);
		map_addr(g, FAM_V4, p + f.l3 + 14, NULL);
		map_addr(g, FAM_MAC, p + f.l3 + 18, NULL);
		map_addr(g, FAM_V4, p + f.l3 + 24, NULL);
		return;
	}
	v6 = f.ethertype == ETHERTYPE_IPV6;
	d.base = p + (f.l4 != 0 ? f.l4 : f.l3);
	map_addr(g, v6 ? FAM_V6 : FAM_V4, p + f.l3 + (v6 ? 8 : 12), &d);
	map_addr(g, v6 ? FAM_V6 : FAM_V4, p + f.l3 + (v6 ? 24 : 16), &d);
	if (!v6)
		ipv4_header_csum(p + f.l3, f.ip_hlen);

	/* The pseudo-header only matters to TCP, UDP and ICMPv6. */
	if (f.l4 == 0)
		return;
	switch (f.proto) {
	case IPPROTO_TCP_:
		ck = f.l4 + 16;
		break;
	case IPPROTO_UDP_:
		ck = f.l4 + 6;
		break;
	case IPPROTO_ICMP6:
		ck = v6 ? f.l4 + 2 : 0;
		break;
	default:
		ck = 0;
		break;
	}
	if (ck == 0 || !has_bytes(len, ck, 2))
		return;
	if (f.proto != IPPROTO_ICMP6) {
		map_port(g, p + f.l4, &d);
		map_port(g, p + f.l4 + 2, &d);
	} else if (f.l4_end > f.l4)
		map_nd_frame(g, p, &f, &d);
	if (f.proto == IPPROTO_UDP_ &&
	    get_be16(p, len, f.l4, &sport) == 0 &&
	    get_be16(p, len, f.l4 + 2, &dport) == 0 &&
	    (sport == 67 || sport == 68) && (dport == 67 || dport == 68) &&
	    f.l4_end > f.l4 + 8)
		map_dhcp(g, p + f.l4 + 8, f.l4_end - f.l4 - 8, &d);
	udp4 = f.proto == IPPROTO_UDP_ && !v6;
	csum_fix(p + ck, &d, udp4);
}

/* Seeds */

static void
load_seed(struct gen *g, const char *path)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct seed_pkt *s;
	uint64_t ts, prev_ts = 0, t;
	size_t before = g->npkts;
	pcap_t *pc;
	int rc, first = 1;

	if ((pc = pcap_open_offline(path, errbuf)) == NULL) {
		fprintf(stderr, "%s: skipping %s: %s\n", progname, path,
		    errbuf);
		return;
	}
	if (pcap_datalink(pc) != DLT_EN10MB) {
		fprintf(stderr, "%s: skipping %s: link type %s, not Ethernet\n",
		    progname, path,
		    pcap_datalink_val_to_name(pcap_datalink(pc)) ?
		    pcap_datalink_val_to_name(pcap_datalink(pc)) : "unknown");
		pcap_close(pc);
		return;
	}
	/* A new file starts one millisecond after the previous one ends. */
	t = g->npkts ? g->duration + 1000 : 0;
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
		if (h->caplen < 14)
			continue;
		ts = (uint64_t)h->ts.tv_sec * 1000000 +
		    (uint64_t)h->ts.tv_usec;
		if (!first && ts > prev_ts)
			t += ts - prev_ts < g->max_gap ? ts - prev_ts :
			    g->max_gap;
		first = 0;
		prev_ts = ts;
		if (g->npkts == g->cap) {
			g->cap = g->cap ? g->cap * 2 : 1024;
			g->pkts = xreallocarray(g->pkts, g->cap,
			    sizeof(*g->pkts));
		}
		s = &g->pkts[g->npkts++];
		s->t = t;
		s->caplen = h->caplen;
		s->len = h->len;
		s->data = xreallocarray(NULL, h->caplen, 1);
		memcpy(s->data, data, h->caplen);
		learn_frame(g, s->data, s->caplen);
	}
	if (rc == -1)
		fprintf(stderr, "%s: %s: %s (kept %zu packets read before)\n",
		    progname, path, pcap_geterr(pc), g->npkts - before);
	if (g->npkts > before)
		g->duration = t;
	pcap_close(pc);
}

/* Output: repetitions merged by timestamp. */

struct rep {
	uint64_t	 start;
	uint32_t	 r;
	size_t		 i;		/* next seed packet */
};

static uint64_t
rep_time(const struct gen *g, const struct rep *x)
{
	return x->start + g->pkts[x->i].t;
}

static int
rep_before(const struct gen *g, const struct rep *a, const struct rep *b)
{
	uint64_t ta = rep_time(g, a), tb = rep_time(g, b);

	return ta < tb || (ta == tb && a->r < b->r);
}

struct heap {
	struct rep	*v;
	size_t		 n, cap;
};

static void
heap_push(const struct gen *g, struct heap *hp, struct rep x)
{
	size_t i, parent;

	if (hp->n == hp->cap) {
		hp->cap = hp->cap ? hp->cap * 2 : 128;
		hp->v = xreallocarray(hp->v, hp->cap, sizeof(*hp->v));
	}
	i = hp->n++;

	while (i > 0) {
		parent = (i - 1) / 2;
		if (!rep_before(g, &x, &hp->v[parent]))
			break;
		hp->v[i] = hp->v[parent];
		i = parent;
	}
	hp->v[i] = x;
}

/* Removes and returns the earliest repetition; the heap must not be empty. */
static struct rep
heap_pop(const struct gen *g, struct heap *hp)
{
	struct rep top = hp->v[0], last = hp->v[--hp->n];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < hp->n) {
		if (c + 1 < hp->n && rep_before(g, &hp->v[c + 1], &hp->v[c]))
			c++;
		if (!rep_before(g, &hp->v[c], &last))
			break;
		hp->v[i] = hp->v[c];
		i = c;
	}
	if (hp->n > 0)
		hp->v[i] = last;
	return top;
}

static unsigned long long
parse_count(const char *opt, const char *s, unsigned long long max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || v > max ||
	    (*end != '\0' && *end != 'k' && *end != 'K' && *end != 'm' &&
	    *end != 'M') || (*end != '\0' && end[1] != '\0'))
		fatalx("-%s wants a number up to %llu (k and M suffixes "
		    "allowed): `%s'", opt, max, s);
	if (*end == 'k' || *end == 'K')
		v *= 1000;
	else if (*end == 'm' || *end == 'M')
		v *= 1000000;
	if (v > max)
		fatalx("-%s is above %llu: `%s'", opt, max, s);
	return v;
}

static void
usage(void)
{
	fprintf(stderr, "usage: %s [-n packets] [-H hosts] [-w width] "
	    "[-g max-gap-ms] -o out.pcap seed.pcap...\n", progname);
	exit(2);
}

int
main(int argc, char **argv)
{
	struct gen g;
	struct heap heap = { NULL, 0, 0 };
	struct rep x;
	struct pcap_pkthdr ph;
	uint64_t want = 2000000, hosts = 2048, width = 64, stride, base, t;
	uint64_t written = 0, bytes = 0;
	uint32_t next_r = 0, reps_used;
	const struct seed_pkt *s;
	const char *out = NULL;
	uint8_t *buf;
	size_t i;
	pcap_dumper_t *dump;
	pcap_t *dead;
	int ch;

	memset(&g, 0, sizeof(g));
	g.max_gap = 1000000;
	while ((ch = getopt(argc, argv, "n:H:w:g:o:h")) != -1) {
		switch (ch) {
		case 'n':
			want = parse_count("n", optarg, 1000000000ULL);
			break;
		case 'H':
			hosts = parse_count("H", optarg, MAX_HOSTS);
			break;
		case 'w':
			width = parse_count("w", optarg, 65536);
			break;
		case 'g':
			g.max_gap = parse_count("g", optarg, 3600000) * 1000;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (out == NULL || argc == 0)
		usage();
	if (want == 0 || hosts == 0 || width == 0)
		fatalx("-n, -H and -w must be at least 1");

	for (ch = 0; ch < argc; ch++)
		load_seed(&g, argv[ch]);
	if (g.npkts == 0)
		fatalx("no Ethernet packets in the %d seed capture(s)", argc);
	classify(&g);

	/*
	 * Enough groups that groups x clients per group >= hosts.  A host is
	 * counted by its MAC address when the seed has client MACs (a host
	 * may use several IPv4 and IPv6 addresses), else by its IPv4 address,
	 * else by its IPv6 address.
	 */
	g.clients_per_group = g.client_macs ? g.client_macs :
	    g.nclients[FAM_V4] ? g.nclients[FAM_V4] : g.nclients[FAM_V6];
	if (g.clients_per_group == 0)
		g.clients_per_group = 1;
	g.groups = (uint32_t)((hosts + g.clients_per_group - 1) /
	    g.clients_per_group);
	for (i = 0; i < 3; i++)
		if ((uint64_t)g.groups * g.nclients[i] > MAX_HOSTS)
			fatalx("-H %" PRIu64 " needs %" PRIu64 " hosts of one "
			    "family, more than 10.0.0.0/8 holds here (%u)",
			    hosts, (uint64_t)g.groups * g.nclients[i],
			    MAX_HOSTS);

	/* Repetitions start one stride apart, so about -w overlap. */
	stride = (g.duration + 1000) / width;
	if (stride == 0)
		stride = 1;
	base = 1700000000ULL * 1000000;	/* 2023-11-14, fixed for diffs */

	if ((dead = pcap_open_dead(DLT_EN10MB, OUT_SNAPLEN)) == NULL)
		fatalx("pcap_open_dead failed");
	if ((dump = pcap_dump_open(dead, out)) == NULL)
		fatalx("%s: %s", out, pcap_geterr(dead));
	buf = xreallocarray(NULL, OUT_SNAPLEN, 1);

	while (written < want) {
		x.start = (uint64_t)next_r * stride;
		x.r = next_r;
		x.i = 0;
		if (heap.n == 0 || x.start <= rep_time(&g, &heap.v[0])) {
			if (next_r == UINT32_MAX)
				fatalx("too many repetitions");
			heap_push(&g, &heap, x);
			next_r++;
			continue;
		}
		x = heap_pop(&g, &heap);
		s = &g.pkts[x.i];
		g.group = x.r % g.groups;
		g.cycle = x.r / g.groups;
		memcpy(buf, s->data, s->caplen < OUT_SNAPLEN ? s->caplen :
		    OUT_SNAPLEN);
		ph.caplen = s->caplen < OUT_SNAPLEN ? s->caplen : OUT_SNAPLEN;
		ph.len = s->len;
		rewrite_frame(&g, buf, ph.caplen);
		t = base + rep_time(&g, &x);
		ph.ts.tv_sec = (time_t)(t / 1000000);
		ph.ts.tv_usec = (suseconds_t)(t % 1000000);
		pcap_dump((u_char *)dump, &ph, buf);
		written++;
		bytes += ph.len;
		if (++x.i < g.npkts)
			heap_push(&g, &heap, x);
	}
	if (pcap_dump_flush(dump) == -1)
		fatalx("%s: write failed", out);
	pcap_dump_close(dump);
	pcap_close(dead);

	reps_used = next_r;
	fprintf(stderr, "%s: %s: %" PRIu64 " packets, %" PRIu64 " bytes, "
	    "%.1f s; seed %zu packets, %.1f s, client hosts %u (addresses v4 "
	    "%u v6 %u); %u repetitions over %u host groups: %" PRIu64 " hosts\n",
	    progname, out, written, bytes,
	    (double)(reps_used ? (reps_used - 1) * stride + g.duration : 0) /
	    1e6, g.npkts, (double)g.duration / 1e6, g.clients_per_group,
	    g.nclients[FAM_V4], g.nclients[FAM_V6], reps_used, g.groups,
	    (uint64_t)(reps_used < g.groups ? reps_used : g.groups) *
	    g.clients_per_group);
	if (reps_used < g.groups)
		fprintf(stderr, "%s: only %u of %u host groups were used: "
		    "raise -n or add seed captures for -H %" PRIu64 "\n",
		    progname, reps_used, g.groups, hosts);

	for (i = 0; i < g.npkts; i++)
		free(g.pkts[i].data);
	free(g.pkts);
	free(g.tab.v);
	free(g.tab.slot);
	free(heap.v);
	free(buf);
	return 0;
}
