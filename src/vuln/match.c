/*
 * match.c - advisories to devices (vulnmatch.h): the components of an
 * asset, from its identity and its own banners, and whether an advisory
 * concerns one of them.
 *
 * Name first, version second. A name matches by the NVD's CPE pair, which
 * the aliases give for ward's vendor and product; by a CSAF vendor name
 * the aliases list and product words (CISA writes "Welch Allyn Connex
 * Spot Monitor" where a device calls itself "Connex Spot Monitor"); or by
 * the globs of ward's curated file. The version then decides between
 * affected, potentially affected and not concerned.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ward/asset.h"
#include "ward/ident.h"
#include "ward/vuln.h"
#include "ward/vulnmatch.h"
#include "vuln-private.h"

/* What a banner's own words are worth: software can be told to lie. */
#define BANNER_CONF		0.9
#define SFT_CONF		0.8
/* Confidence kept when the version cannot be compared. */
#define UNKNOWN_VERSION_FACTOR	0.5
/* And when a distribution may have backported the fix. */
#define BUILD_FACTOR		0.5

const char *
vuln_status_name(enum vuln_status s)
{
	return s == VULN_AFFECTED ? "affected" : "potential";
}

static void
copy(char *dst, size_t len, const char *src, size_t n)
{
	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Names software gives itself, and the vendor and product ward uses. */
static const struct {
	const char	*name;		/* as in the banner, any case */
	const char	*vendor;
	const char	*product;
} software[] = {
	{ "OpenSSH", "OpenBSD", "OpenSSH" },
	{ "dropbear", "Dropbear", "Dropbear SSH" },
	{ "nginx", "nginx", "nginx" },
	{ "Apache", "Apache", "httpd" },
	{ "Microsoft-IIS", "Microsoft", "IIS" },
	{ "lighttpd", "lighttpd", "lighttpd" },
	{ "OpenSSL", "OpenSSL", "OpenSSL" },
	{ "vsFTPd", "vsftpd", "vsftpd" },
	{ "ProFTPD", "ProFTPD", "ProFTPD" },
	{ "MariaDB", "MariaDB", "MariaDB" },
	{ "MySQL", "Oracle", "MySQL" },
	{ "DCMTK", "OFFIS", "DCMTK" },
	{ "Orthanc", "Orthanc", "Orthanc" },
	{ "udhcp", "BusyBox", "BusyBox" },
};

static int
software_index(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(software) / sizeof(software[0]); i++)
		if (strlen(software[i].name) == n &&
		    strncasecmp(software[i].name, name, n) == 0)
			return (int)i;
	return -1;
}

/* Words in a comment that name a distribution's own build. */
static bool
is_build(const char *s, size_t n)
{
	static const char *const words[] = { "debian", "ubuntu", "deb",
	    "el", "fc", "red hat", "centos", "rocky", "alma", "suse",
	    "raspbian", "freebsd", "alpine" };
	char low[64];

	copy(low, sizeof(low), s, n);
	for (char *p = low; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		const char *w = strstr(low, words[i]);

		/* "el" and "deb" only as in "el9", "deb12u3". */
		if (w != NULL && (strlen(words[i]) > 3 ||
		    isdigit((unsigned char)w[strlen(words[i])])))
			return true;
	}
	return false;
}

static size_t
emit(struct vuln_component *out, size_t n, size_t max, int sw,
    const char *version, size_t vlen, const char *build, size_t blen,
    const char *key, const char *value)
{
	struct vuln_component *c;

	if (n >= max || sw < 0 || vlen == 0)
		return n;
	c = &out[n];
	memset(c, 0, sizeof(*c));
	snprintf(c->vendor, sizeof(c->vendor), "%s", software[sw].vendor);
	snprintf(c->product, sizeof(c->product), "%s", software[sw].product);
	copy(c->version, sizeof(c->version), version, vlen);
	if (build != NULL && blen > 0)
		copy(c->build, sizeof(c->build), build, blen);
	c->confidence = BANNER_CONF;
	c->version_conf = BANNER_CONF;
	c->source = key;
	snprintf(c->evidence, sizeof(c->evidence), "%s=%s", key, value);
	return n + 1;
}

static size_t
span_of(const char *s, const char *set)
{
	return strcspn(s, set);
}

/* "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3" */
static size_t
ssh_banner(const char *key, const char *v, struct vuln_component *out,
    size_t max)
{
	const char *soft, *us, *sp;
	size_t n;

	if (strncmp(v, "SSH-", 4) != 0 || (soft = strchr(v + 4, '-')) == NULL)
		return 0;
	soft++;
	n = span_of(soft, " \r\n");
	if ((us = memchr(soft, '_', n)) == NULL)
		return 0;
	sp = soft + n;
	while (*sp == ' ')
		sp++;
	return emit(out, 0, max, software_index(soft, (size_t)(us - soft)),
	    us + 1, (size_t)(soft + n - us - 1), sp,
	    is_build(sp, strlen(sp)) ? strlen(sp) : 0, key, v);
}

/* RFC 9110 product tokens: "Apache/2.4.57 (Debian) OpenSSL/3.0.11". */
static size_t
http_server(const char *key, const char *v, struct vuln_component *out,
    size_t max)
{
	const char *p = v, *build = NULL;
	size_t blen = 0, n = 0;
	struct {
		const char	*name, *ver;
		size_t		 nlen, vlen;
	} tok[8];
	size_t ntok = 0;

	while (*p != '\0' && ntok < 8) {
		size_t len;

		while (*p == ' ')
			p++;
		if (*p == '(') {
			len = span_of(p, ")");
			if (build == NULL && is_build(p + 1, len - 1)) {
				build = p + 1;
				blen = len - 1;
			}
			p += len + (p[len] == ')');
			continue;
		}
		if ((len = span_of(p, " (")) == 0)
			break;
		tok[ntok].name = p;
		tok[ntok].nlen = span_of(p, "/ (");
		if (tok[ntok].nlen < len && p[tok[ntok].nlen] == '/') {
			tok[ntok].ver = p + tok[ntok].nlen + 1;
			tok[ntok].vlen = len - tok[ntok].nlen - 1;
			ntok++;
		}
		p += len;
	}
	for (size_t i = 0; i < ntok; i++)
		n = emit(out, n, max, software_index(tok[i].name,
		    tok[i].nlen), tok[i].ver, tok[i].vlen, build, blen, key, v);
	return n;
}

/* DCMTK's implementation version name: "OFFIS_DCMTK_367" is 3.6.7. */
static size_t
dicom_impl(const char *key, const char *v, struct vuln_component *out,
    size_t max)
{
	char ver[16];
	const char *d;
	size_t n;

	if (strncasecmp(v, "OFFIS_DCMTK_", 12) != 0)
		return 0;
	d = v + 12;
	n = strspn(d, "0123456789");
	if (n < 3 || n > 5 || d[n] != '\0')
		return 0;
	snprintf(ver, sizeof(ver), "%c.%c.%.*s", d[0], d[1], (int)(n - 2),
	    d + 2);
	return emit(out, 0, max, software_index("DCMTK", 5), ver,
	    strlen(ver), NULL, 0, key, v);
}

/* "220 (vsFTPd 3.0.3)", "220 ProFTPD 1.3.8 Server (Debian)" */
static size_t
ftp_banner(const char *key, const char *v, struct vuln_component *out,
    size_t max)
{
	static const char *const names[] = { "vsFTPd ", "ProFTPD " };

	for (size_t i = 0; i < 2; i++) {
		const char *p = strcasestr(v, names[i]);
		size_t nlen = strlen(names[i]) - 1, vlen;
		const char *ver;

		if (p == NULL)
			continue;
		ver = p + nlen + 1;
		vlen = strspn(ver, "0123456789.abcdefghrc");
		return emit(out, 0, max, software_index(p, nlen), ver, vlen,
		    NULL, 0, key, v);
	}
	return 0;
}

/* "10.11.6-MariaDB-0+deb12u1", "8.0.36" */
static size_t
mysql_version(const char *key, const char *v, struct vuln_component *out,
    size_t max)
{
	size_t vlen = strspn(v, "0123456789.");
	const char *m = strcasestr(v, "-MariaDB");

	if (vlen == 0)
		return 0;
	if (m != NULL) {
		const char *b = m + 8;

		if (*b == '-')
			b++;
		return emit(out, 0, max, software_index("MariaDB", 7), v,
		    vlen, b, is_build(b, strlen(b)) ? strlen(b) : 0, key, v);
	}
	return emit(out, 0, max, software_index("MySQL", 5), v, vlen,
	    NULL, 0, key, v);
}

/* BusyBox's DHCP client names itself in option 60: "udhcp 1.35.0". */
static size_t
dhcp_vendor_class(const char *key, const char *v,
    struct vuln_component *out, size_t max)
{
	size_t vlen;

	if (strncmp(v, "udhcp ", 6) != 0)
		return 0;
	vlen = strspn(v + 6, "0123456789.");
	if (v[6 + vlen] != '\0')
		return 0;
	return emit(out, 0, max, software_index("udhcp", 5), v + 6, vlen,
	    NULL, 0, key, v);
}

size_t
vuln_components_of_banner(const char *key, const char *value,
    struct vuln_component *out, size_t max)
{
	static const struct {
		const char	*key;
		size_t		(*fn)(const char *, const char *,
				    struct vuln_component *, size_t);
	} readers[] = {
		{ "ssh.server_banner", ssh_banner },
		{ "http.server", http_server },
		{ "dicom.impl_version", dicom_impl },
		{ "ftp.banner", ftp_banner },
		{ "mysql.version", mysql_version },
		{ "dhcp.vendor_class", dhcp_vendor_class },
	};

	if (key == NULL || value == NULL || max == 0)
		return 0;
	for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++)
		if (strcmp(readers[i].key, key) == 0)
			return readers[i].fn(readers[i].key, value, out, max);
	return 0;
}

/* The identified device: vendor and model known. */
static bool
identity_component(const struct asset *a, struct vuln_component *c)
{
	const struct ident_verdict *v = a->ident;
	size_t off;

	if (v == NULL || v->value[IDENT_VENDOR][0] == '\0' ||
	    v->value[IDENT_MODEL][0] == '\0')
		return false;
	memset(c, 0, sizeof(*c));
	snprintf(c->vendor, sizeof(c->vendor), "%s", v->value[IDENT_VENDOR]);
	snprintf(c->product, sizeof(c->product), "%s",
	    v->value[IDENT_MODEL]);
	snprintf(c->version, sizeof(c->version), "%s",
	    v->value[IDENT_VERSION]);
	c->confidence = v->conf[IDENT_VENDOR] * v->conf[IDENT_MODEL];
	c->version_conf = c->version[0] != '\0' ? v->conf[IDENT_VERSION] : 0;
	c->source = "identity";
	off = (size_t)snprintf(c->evidence, sizeof(c->evidence),
	    "identity: vendor %s (%.2f), model %s (%.2f)", c->vendor,
	    v->conf[IDENT_VENDOR], c->product, v->conf[IDENT_MODEL]);
	if (c->version[0] != '\0' && off < sizeof(c->evidence))
		off += (size_t)snprintf(c->evidence + off,
		    sizeof(c->evidence) - off, ", version %s (%.2f)",
		    c->version, v->conf[IDENT_VERSION]);
	/* The rules behind the version, else the model. */
	for (size_t i = 0; i < v->nev && off < sizeof(c->evidence); i++) {
		const struct ident_evidence *e = &v->ev[i];
		int d = c->version[0] != '\0' ? IDENT_VERSION : IDENT_MODEL;

		if ((e->dims & (1U << d)) && e->agrees[d])
			off += (size_t)snprintf(c->evidence + off,
			    sizeof(c->evidence) - off, "; %s: %s=%s",
			    e->rule, e->key, e->value);
	}
	return true;
}

/* The newest value of an attribute, or NULL. */
static const struct asset_attr *
newest_attr(const struct asset *a, const char *key)
{
	const struct asset_attr *best = NULL;

	for (size_t i = 0; i < a->nattrs; i++)
		if (strcmp(a->attrs[i].key, key) == 0 &&
		    (best == NULL || a->attrs[i].last >= best->last))
			best = &a->attrs[i];
	return best;
}

/*
 * The software an HL7 sender names in its SFT segment: vendor, product
 * and version, its own words as a banner's, a little less sure: an
 * engine that relays a message without adding its SFT passes on the
 * originator's.
 */
static bool
hl7_component(const struct asset *a, struct vuln_component *c)
{
	const struct asset_attr *v = newest_attr(a, "hl7.software_vendor");
	const struct asset_attr *p = newest_attr(a, "hl7.software_product");
	const struct asset_attr *r = newest_attr(a, "hl7.software_version");

	if (v == NULL || p == NULL)
		return false;
	memset(c, 0, sizeof(*c));
	snprintf(c->vendor, sizeof(c->vendor), "%s", v->value);
	snprintf(c->product, sizeof(c->product), "%s", p->value);
	if (r != NULL)
		snprintf(c->version, sizeof(c->version), "%s", r->value);
	c->confidence = SFT_CONF;
	c->version_conf = r != NULL ? BANNER_CONF : 0;
	c->source = "hl7.sft";
	snprintf(c->evidence, sizeof(c->evidence), "hl7 SFT: vendor %.70s, "
	    "product %.80s, version %.60s", v->value, p->value,
	    r != NULL ? r->value : "(none)");
	return true;
}

static bool
same_component(const struct vuln_component *a, const struct vuln_component *b)
{
	return strcasecmp(a->vendor, b->vendor) == 0 &&
	    strcasecmp(a->product, b->product) == 0 &&
	    strcmp(a->version, b->version) == 0;
}

size_t
vuln_components(const struct asset *a, struct vuln_component *out,
    size_t max)
{
	size_t n = 0;

	if (max > 0 && identity_component(a, &out[0]))
		n = 1;
	if (n < max && hl7_component(a, &out[n])) {
		if (n == 0 || !same_component(&out[0], &out[n]))
			n++;
		else if (out[n].confidence > out[0].confidence)
			out[0] = out[n];
	}
	for (size_t i = 0; i < a->nattrs && n < max; i++) {
		struct vuln_component tmp[4];
		size_t k = vuln_components_of_banner(a->attrs[i].key,
		    a->attrs[i].value, tmp, 4);

		for (size_t j = 0; j < k && n < max; j++) {
			bool dup = false;

			for (size_t m = 0; m < n && !dup; m++)
				dup = same_component(&out[m], &tmp[j]);
			if (!dup)
				out[n++] = tmp[j];
		}
	}
	return n;
}

void
vuln_vendor_key(const char *vendor, char *out, size_t len)
{
	size_t i;

	if (len == 0)
		return;
	for (i = 0; vendor != NULL && vendor[i] != '\0' && i + 1 < len; i++)
		out[i] = (char)tolower((unsigned char)vendor[i]);
	out[i] = '\0';
}

static void
add_vendor(struct vuln_keys *k, const char *name)
{
	char key[VULN_COMP_NAME];

	if (k->nvendor >= 16 || name == NULL)
		return;
	vuln_vendor_key(name, key, sizeof(key));
	for (size_t i = 0; i < k->nvendor; i++)
		if (strcmp(k->vendor[i], key) == 0)
			return;
	memcpy(k->vendor[k->nvendor++], key, sizeof(key));
}

void
vuln_component_keys(const struct vuln_aliases *al,
    const struct vuln_component *c, struct vuln_keys *k)
{
	const char *s;

	memset(k, 0, sizeof(*k));
	for (size_t i = 0; al != NULL && k->ncpe < 16 &&
	    (s = vuln_alias_cpe(al, c->vendor, c->product, i)) != NULL; i++)
		k->cpe[k->ncpe++] = s;
	add_vendor(k, c->vendor);
	for (size_t i = 0; al != NULL &&
	    (s = vuln_alias_csaf(al, c->vendor, i)) != NULL; i++)
		add_vendor(k, s);
}

/*
 * The product's CPE pair "vendor:product", when it has one: the NVD's
 * own names, or a CSAF product's identification helper.
 */
static bool
product_cpe(const struct vuln_advisory *adv, const struct vuln_product *p,
    char *buf, size_t len)
{
	if (p->cpe != NULL) {
		snprintf(buf, len, "%s", p->cpe);
		return true;
	}
	if (adv->origin != VULN_NVD || p->vendor == NULL || p->product == NULL)
		return false;
	snprintf(buf, len, "%s:%s", p->vendor, p->product);
	return true;
}

/* Through the aliases, does the component go by this CPE pair? */
static bool
cpe_match(const struct vuln_aliases *al, const struct vuln_component *c,
    const char *cpe)
{
	const char *s;

	for (size_t i = 0; al != NULL &&
	    (s = vuln_alias_cpe(al, c->vendor, c->product, i)) != NULL; i++)
		if (strcasecmp(s, cpe) == 0)
			return true;
	return false;
}

/* Lower-case alphanumeric words of s, at most max. */
static size_t
words(const char *s, char w[][32], size_t max)
{
	size_t n = 0;

	while (s != NULL && *s != '\0' && n < max) {
		size_t len = 0;

		while (*s != '\0' && !isalnum((unsigned char)*s))
			s++;
		while (isalnum((unsigned char)s[len]))
			len++;
		if (len == 0)
			break;
		copy(w[n], 32, s, len);
		for (char *p = w[n]; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		n++;
		s += len;
	}
	return n;
}

static bool
has_word(char w[][32], size_t n, const char *x)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(w[i], x) == 0)
			return true;
	return false;
}

/*
 * Every word of ward's model is a word of the advisory's product name
 * (1.0 when the names hold the same words, 0.8 when the advisory's says
 * more: "Welch Allyn Connex Spot Monitor" for "Connex Spot Monitor").
 * 0 when not.
 */
static double
product_words(const char *ours, const char *theirs)
{
	char a[16][32], b[16][32];
	size_t na = words(ours, a, 16), nb = words(theirs, b, 16);

	if (na == 0 || nb == 0)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (!has_word(b, nb, a[i]))
			return 0;
	return na == nb ? 1.0 : 0.8;
}

/* How well the product's name matches the component; 0 when not. */
static double
name_match(const struct vuln_aliases *al, const struct vuln_component *c,
    const struct vuln_advisory *adv, const struct vuln_product *p)
{
	char cpe[2 * VULN_NAME_MAX + 2];
	const char *s;

	/* A CPE, the NVD's or a CSAF helper's, is the surest name. */
	if (product_cpe(adv, p, cpe, sizeof(cpe)) && cpe_match(al, c, cpe))
		return 1.0;
	switch (adv->origin) {
	case VULN_NVD:
		return 0;
	case VULN_CSAF: {
		bool vendor = p->vendor != NULL &&
		    strcasecmp(p->vendor, c->vendor) == 0;

		for (size_t i = 0; !vendor && al != NULL && p->vendor != NULL &&
		    (s = vuln_alias_csaf(al, c->vendor, i)) != NULL; i++)
			vendor = strcasecmp(s, p->vendor) == 0;
		return vendor ? product_words(c->product, p->product) : 0;
	}
	case VULN_IOMT:
		return p->vendor != NULL && p->product != NULL &&
		    fnmatch(p->vendor, c->vendor, FNM_CASEFOLD) == 0 &&
		    fnmatch(p->product, c->product, FNM_CASEFOLD) == 0 ?
		    1.0 : 0;
	}
	return 0;
}

static bool
better(const struct vuln_match *a, const struct vuln_match *b)
{
	if (a->status != b->status)
		return a->status == VULN_AFFECTED;
	return a->confidence > b->confidence;
}

/* Judges one affected product whose name matched (factor f). */
/*
 * Does the component run on the platform an AND configuration names?
 * Yes when one of its own CPE pairs is among the platform's (ward's
 * model is the hardware as well as its firmware).
 */
static bool
on_platform(const struct vuln_aliases *al, const struct vuln_component *c,
    const char *platform)
{
	const char *s, *hit;

	for (size_t i = 0; al != NULL &&
	    (s = vuln_alias_cpe(al, c->vendor, c->product, i)) != NULL; i++) {
		size_t n = strlen(s);

		for (hit = strstr(platform, s); hit != NULL;
		    hit = strstr(hit + 1, s))
			if ((hit == platform || strchr(" (", hit[-1])) &&
			    strchr(": )", hit[n]) != NULL)
				return true;
	}
	return false;
}

static bool
judge(const struct vuln_aliases *al, const struct vuln_component *c,
    const struct vuln_product *p, double f, struct vuln_match *m)
{
	char range[120];

	vuln_range_format(&p->range, range, sizeof(range));
	m->product = p;
	if (p->range.flags & VR_UNPARSED) {
		m->status = VULN_POTENTIAL;
		m->confidence = c->confidence * f * UNKNOWN_VERSION_FACTOR;
		snprintf(m->why, sizeof(m->why), "%s %s: the advisory gives "
		    "the versions only as text ('%s'); compare by hand",
		    c->product, c->version[0] != '\0' ? c->version :
		    "(version unknown)", range);
		return true;
	}
	if (c->version[0] == '\0') {
		bool all = p->range.exact == NULL && p->range.start == NULL &&
		    p->range.end == NULL;

		m->status = all ? VULN_AFFECTED : VULN_POTENTIAL;
		m->confidence = c->confidence * f *
		    (all ? 1.0 : UNKNOWN_VERSION_FACTOR);
		snprintf(m->why, sizeof(m->why), all ? "%s: every version is "
		    "affected" : "%s: version unknown; the advisory concerns "
		    "versions %s", c->product, range);
		return true;
	}
	if (!vuln_range_match(&p->range, c->version))
		return false;
	if (c->build[0] != '\0') {
		m->status = VULN_POTENTIAL;
		m->confidence = c->confidence * f * c->version_conf *
		    BUILD_FACTOR;
		snprintf(m->why, sizeof(m->why), "%s %s is within %s, but "
		    "build '%s' is a distribution's, which may carry the fix; "
		    "check its security tracker", c->product, c->version,
		    range, c->build);
		return true;
	}
	m->status = VULN_AFFECTED;
	m->confidence = c->confidence * f * c->version_conf;
	snprintf(m->why, sizeof(m->why), "%s %s is within %s%s%s",
	    c->product, c->version, range, p->fixed != NULL ? "; fixed in " :
	    "", p->fixed != NULL ? p->fixed : "");
	/*
	 * "Firmware X on hardware Y" (an NVD AND configuration): ward
	 * does not know the hardware, so it is a condition to check.
	 */
	if (p->platform != NULL && !on_platform(al, c, p->platform)) {
		size_t off = strlen(m->why);

		m->status = VULN_POTENTIAL;
		m->confidence *= UNKNOWN_VERSION_FACTOR;
		snprintf(m->why + off, sizeof(m->why) - off, "; only when "
		    "running on %.200s", p->platform);
	}
	return true;
}

bool
vuln_match(const struct vuln_aliases *al, const struct vuln_component *c,
    const struct vuln_advisory *adv, struct vuln_match *m)
{
	struct vuln_match best, cur;
	bool found = false;

	memset(&best, 0, sizeof(best));
	for (size_t i = 0; i < adv->nproducts; i++) {
		const struct vuln_product *p = &adv->products[i];
		double f;

		if (p->affected || (f = name_match(al, c, adv, p)) == 0 ||
		    c->version[0] == '\0' || (p->range.flags & VR_UNPARSED) ||
		    !vuln_range_match(&p->range, c->version))
			continue;
		return false;		/* listed as fixed in this version */
	}
	for (size_t i = 0; i < adv->nproducts; i++) {
		const struct vuln_product *p = &adv->products[i];
		double f;

		if (!p->affected || (f = name_match(al, c, adv, p)) == 0)
			continue;
		memset(&cur, 0, sizeof(cur));
		if (!judge(al, c, p, f, &cur))
			continue;
		if (!found || better(&cur, &best))
			best = cur;
		found = true;
	}
	if (!found)
		return false;
	best.adv = adv;
	if (best.confidence > 1)
		best.confidence = 1;
	*m = best;
	return true;
}

struct vuln_advisory *
vuln_advisory_new(enum vuln_origin o)
{
	return vuln_adv_new(o);
}

void
vuln_advisory_free(struct vuln_advisory *a)
{
	vuln_adv_free(a);
}

struct vuln_product *
vuln_advisory_add_product(struct vuln_advisory *a)
{
	return vuln_adv_product(a);
}

int
vuln_list_add(struct vuln_list *l, struct vuln_advisory *a)
{
	return vuln_list_push(l, a);
}

char *
vuln_read_whole(const char *path, size_t *len, char *err, size_t errlen)
{
	return vuln_read_file(path, len, err, errlen);
}

static const char *const origin_names[] = { "nvd", "csaf", "iomt" };

const char *
vuln_origin_name(enum vuln_origin o)
{
	return (unsigned)o < 3 ? origin_names[o] : "unknown";
}

int
vuln_origin_parse(const char *s)
{
	for (int i = 0; i < 3; i++)
		if (s != NULL && strcmp(s, origin_names[i]) == 0)
			return i;
	return -1;
}
