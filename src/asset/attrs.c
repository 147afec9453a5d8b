/*
 * attrs.c - what an observation says about the device that sent it, as
 * identification attributes (keys in docs/identification.md).
 *
 * Most attributes are one field of one kind of observation, sometimes
 * only when another field has a given value (the calling AE title of an
 * A-ASSOCIATE-RQ, the Server header of a response): those are rows of a
 * table. A few are composed (HL7 message type and trigger) or split from
 * a list (the SOP classes of an association, MQTT topic filters).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ward/obs.h"
#include "asset-private.h"

#define LIST_ITEMS_MAX	16

enum attr_how {
	AH_FIELD,	/* the field's value */
	AH_CONST,	/* a constant, when the row's condition holds */
	AH_LIST,	/* each item of a list field, separated by sep */
	AH_UID_LIST,	/* DICOM "uid=name;uid" lists: each name, or uid */
};

struct attr_row {
	enum obs_kind	 kind;
	const char	*when;		/* field that must hold a value, or NULL */
	const char	*is;		/* its value, alternatives split by '|' */
	const char	*field;		/* the source field, or the constant */
	const char	*key;
	enum attr_how	 how;
	char		 sep;
};

/*
 * DICOM: data sets tell the device's identity only when the device itself
 * produced them: a C-STORE request (an image the sender stores), an MPPS
 * N-CREATE or N-SET; a C-FIND response describes someone else's studies.
 */
#define DICOM_OWN	"C-STORE-RQ|N-CREATE-RQ|N-SET-RQ"

static const struct attr_row rows[] = {
	{ OBS_DICOM, "pdu", "associate_rq", "calling_ae", "dicom.ae_title",
	    AH_FIELD, 0 },
	{ OBS_DICOM, "pdu", "associate_rq", "scu", "dicom.role", AH_CONST, 0 },
	{ OBS_DICOM, "pdu", "associate_rq", "impl_class_uid",
	    "dicom.impl_class_uid", AH_FIELD, 0 },
	{ OBS_DICOM, "pdu", "associate_rq", "impl_version",
	    "dicom.impl_version", AH_FIELD, 0 },
	{ OBS_DICOM, "pdu", "associate_ac", "called_ae", "dicom.ae_title",
	    AH_FIELD, 0 },
	{ OBS_DICOM, "pdu", "associate_ac", "scp", "dicom.role", AH_CONST, 0 },
	{ OBS_DICOM, "pdu", "associate_ac", "impl_class_uid",
	    "dicom.impl_class_uid", AH_FIELD, 0 },
	{ OBS_DICOM, "pdu", "associate_ac", "impl_version",
	    "dicom.impl_version", AH_FIELD, 0 },
	/* The SCP's accepted SOP classes are the services it offers. */
	{ OBS_DICOM, "pdu", "associate_ac", "abstract_syntaxes",
	    "dicom.sop_class", AH_UID_LIST, ';' },
	{ OBS_DICOM, "pdu", "command", "command", "dicom.command", AH_FIELD,
	    0 },
	{ OBS_DICOM, "command", DICOM_OWN, "modality", "dicom.modality",
	    AH_FIELD, 0 },
	{ OBS_DICOM, "command", DICOM_OWN, "manufacturer",
	    "dicom.manufacturer", AH_FIELD, 0 },
	{ OBS_DICOM, "command", DICOM_OWN, "model", "dicom.model", AH_FIELD,
	    0 },
	{ OBS_DICOM, "command", DICOM_OWN, "software_versions",
	    "dicom.software_versions", AH_FIELD, 0 },
	{ OBS_DICOM, "command", DICOM_OWN, "station", "dicom.station",
	    AH_FIELD, 0 },
	{ OBS_DICOM, "command", DICOM_OWN, "institution", "dicom.institution",
	    AH_FIELD, 0 },
	{ OBS_DICOM, "command", DICOM_OWN, "department", "dicom.department",
	    AH_FIELD, 0 },

	{ OBS_HL7, NULL, NULL, "sending_app", "hl7.sending_app", AH_FIELD, 0 },
	{ OBS_HL7, NULL, NULL, "software_vendor", "hl7.software_vendor",
	    AH_FIELD, 0 },
	{ OBS_HL7, NULL, NULL, "software_product", "hl7.software_product",
	    AH_FIELD, 0 },
	{ OBS_HL7, NULL, NULL, "software_version", "hl7.software_version",
	    AH_FIELD, 0 },
	{ OBS_HL7, NULL, NULL, "sending_facility", "hl7.sending_facility",
	    AH_FIELD, 0 },
	{ OBS_HL7, NULL, NULL, "receiving_app", "hl7.receiving_app", AH_FIELD,
	    0 },

	{ OBS_MQTT, "type", "connect", "client_id", "mqtt.client_id", AH_FIELD,
	    0 },
	{ OBS_MQTT, "type", "connect", "client", "mqtt.role", AH_CONST, 0 },
	{ OBS_MQTT, "type", "connack", "broker", "mqtt.role", AH_CONST, 0 },
	{ OBS_MQTT, "type", "publish", "topic", "mqtt.topic", AH_FIELD, 0 },
	{ OBS_MQTT, "type", "subscribe", "topics", "mqtt.topic", AH_LIST,
	    ',' },
	{ OBS_COAP, NULL, NULL, "uri_path", "coap.uri", AH_FIELD, 0 },

	{ OBS_HTTP, "type", "request", "user_agent", "http.user_agent",
	    AH_FIELD, 0 },
	{ OBS_HTTP, "type", "response", "server", "http.server", AH_FIELD, 0 },
	{ OBS_TLS, "msg", "client_hello", "sni", "tls.sni", AH_FIELD, 0 },
	{ OBS_TLS, "msg", "client_hello", "ja3", "tls.ja3", AH_FIELD, 0 },
	{ OBS_TLS, "msg", "client_hello", "ja4", "tls.ja4", AH_FIELD, 0 },
	{ OBS_TLS, "index", "0", "subject", "tls.cert_subject", AH_FIELD, 0 },
	{ OBS_TLS, "index", "0", "issuer", "tls.cert_issuer", AH_FIELD, 0 },
	{ OBS_SSH, NULL, NULL, "banner", "ssh.banner", AH_FIELD, 0 },
	{ OBS_SSH, "role", "server", "banner", "ssh.server_banner", AH_FIELD,
	    0 },
	{ OBS_SSH, NULL, NULL, "hassh", "ssh.hassh", AH_FIELD, 0 },
	{ OBS_SSH, NULL, NULL, "hassh_server", "ssh.hassh", AH_FIELD, 0 },

	{ OBS_SMB, "ntlmssp", "challenge", "nb_computer", "smb.host",
	    AH_FIELD, 0 },
	{ OBS_SMB, "ntlmssp", "challenge", "dns_computer", "smb.host",
	    AH_FIELD, 0 },
	{ OBS_SMB, "ntlmssp", "challenge", "nb_domain", "smb.domain",
	    AH_FIELD, 0 },
	{ OBS_SMB, "ntlmssp", "authenticate", "workstation", "smb.host",
	    AH_FIELD, 0 },
	{ OBS_SMB, "ntlmssp", "authenticate", "domain", "smb.domain",
	    AH_FIELD, 0 },
	{ OBS_SMB, NULL, NULL, "os_version", "smb.os_version", AH_FIELD, 0 },
	{ OBS_SMB, NULL, NULL, "dialect", "smb.dialect", AH_FIELD, 0 },
	{ OBS_SSDP, NULL, NULL, "server", "ssdp.server", AH_FIELD, 0 },
	{ OBS_SSDP, NULL, NULL, "usn", "ssdp.usn", AH_FIELD, 0 },
	{ OBS_RDP, "type", "request", "cookie", "rdp.cookie", AH_FIELD, 0 },
	{ OBS_BANNER, "protocol", "telnet", "banner", "telnet.banner",
	    AH_FIELD, 0 },
	{ OBS_BANNER, "protocol", "ftp", "banner", "ftp.banner", AH_FIELD, 0 },
	{ OBS_BANNER, "protocol", "smtp", "banner", "smtp.banner", AH_FIELD,
	    0 },
	{ OBS_BANNER, "protocol", "mysql", "version", "mysql.version",
	    AH_FIELD, 0 },
	{ OBS_MODBUS, NULL, NULL, "vendor", "modbus.vendor", AH_FIELD, 0 },
	{ OBS_MODBUS, NULL, NULL, "product_name", "modbus.product", AH_FIELD,
	    0 },
	{ OBS_MODBUS, NULL, NULL, "model_name", "modbus.product", AH_FIELD,
	    0 },
	{ OBS_BACNET, NULL, NULL, "vendor", "bacnet.vendor", AH_FIELD, 0 },
	{ OBS_BACNET, NULL, NULL, "vendor_name", "bacnet.vendor", AH_FIELD,
	    0 },
	{ OBS_BACNET, NULL, NULL, "model_name", "bacnet.model", AH_FIELD, 0 },
	{ OBS_DNS, NULL, NULL, "query", "dns.query", AH_FIELD, 0 },
	{ OBS_MDNS, NULL, NULL, "model", "mdns.model", AH_FIELD, 0 },
	/* Topics the sender publishes to, apart from those it subscribes to. */
	{ OBS_MQTT, "type", "publish", "topic", "mqtt.publish", AH_FIELD, 0 },
};

/* The field's value as text (strings as they are, numbers in decimal). */
static const char *
field_text(const struct observation *o, const char *key, char *buf,
    size_t len)
{
	const struct obs_field *f = obs_get(o, key);

	if (f == NULL)
		return NULL;
	switch (f->type) {
	case OV_STR:
		return f->v.str.s;
	case OV_U64:
		(void)snprintf(buf, len, "%" PRIu64, f->v.u);
		return buf;
	default:
		return NULL;
	}
}

/* Is v one of the '|'-separated alternatives in alts? */
static bool
one_of(const char *v, const char *alts)
{
	size_t n = strlen(v);

	for (const char *p = alts;; p++) {
		const char *e = strchr(p, '|');
		size_t l = e != NULL ? (size_t)(e - p) : strlen(p);

		if (l == n && memcmp(p, v, n) == 0)
			return true;
		if (e == NULL)
			return false;
		p = e;
	}
}

static bool
put(struct attr_kv *out, size_t max, size_t *n, const char *key,
    const char *v, size_t len)
{
	while (len > 0 && v[len - 1] == ' ')
		len--;
	while (len > 0 && *v == ' ') {
		v++;
		len--;
	}
	if (len == 0 || *n == max)
		return *n < max;
	if (len >= sizeof(out[0].value))
		len = sizeof(out[0].value) - 1;
	out[*n].key = key;
	memcpy(out[*n].value, v, len);
	out[*n].value[len] = '\0';
	(*n)++;
	return true;
}

static void
put_list(struct attr_kv *out, size_t max, size_t *n, const char *key,
    const char *s, char sep, bool uids)
{
	unsigned int items = 0;

	while (*s != '\0' && items < LIST_ITEMS_MAX) {
		const char *e = strchr(s, sep), *eq;
		size_t l = e != NULL ? (size_t)(e - s) : strlen(s);

		/* "uid=name" gives the name; the cut-short mark is left out */
		if (!(l == 3 && memcmp(s, "...", 3) == 0)) {
			eq = uids ? memchr(s, '=', l) : NULL;
			if (eq != NULL)
				(void)put(out, max, n, key, eq + 1,
				    l - (size_t)(eq + 1 - s));
			else
				(void)put(out, max, n, key, s, l);
			items++;
		}
		if (e == NULL)
			break;
		s = e + 1;
	}
}

size_t
ident_attrs_of(const struct observation *o, struct attr_kv *out, size_t max)
{
	char nbuf[24], wbuf[24];
	const char *v, *w = NULL, *wkey = NULL, *mt, *tr;
	size_t n = 0, i = 0;

	for (; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct attr_row *r = &rows[i];

		if (r->kind != o->kind)
			continue;
		if (r->when != NULL && r->when != wkey) {
			/* Rows in a row often test the same field. */
			wkey = r->when;
			w = field_text(o, r->when, wbuf, sizeof(wbuf));
		}
		if (r->when != NULL && (w == NULL || !one_of(w, r->is)))
			continue;
		if (r->how == AH_CONST) {
			(void)put(out, max, &n, r->key, r->field,
			    strlen(r->field));
			continue;
		}
		if ((v = field_text(o, r->field, nbuf, sizeof(nbuf))) == NULL)
			continue;
		if (r->how == AH_FIELD)
			(void)put(out, max, &n, r->key, v, strlen(v));
		else
			put_list(out, max, &n, r->key, v, r->sep,
			    r->how == AH_UID_LIST);
	}
	/* HL7: message type and trigger together, "ORU^R01". */
	if (o->kind == OBS_HL7 && (mt = obs_get_str(o, "message_type")) != NULL) {
		char t[64];
		int l;

		tr = obs_get_str(o, "trigger");
		l = snprintf(t, sizeof(t), "%s%s%s", mt, tr != NULL ? "^" : "",
		    tr != NULL ? tr : "");
		if (l > 0)
			(void)put(out, max, &n, "hl7.message_type", t,
			    (size_t)l < sizeof(t) ? (size_t)l : sizeof(t) - 1);
	}
	return n;
}
