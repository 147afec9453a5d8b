/*
 * fhir.c - the inventory as HL7 FHIR R4 Device resources in a Bundle of
 * type "collection" (FHIR R4 4.0.1: Device, Bundle, Location,
 * Organization; JSON format per http://hl7.org/fhir/R4/json.html).
 *
 *	Bundle (collection)
 *	  entry[].fullUrl   urn:uuid:<name-based UUID of the asset key>
 *	  entry[].resource  Device
 *	    identifier      the MAC as an RFC 9039 URN (urn:dev:mac:...),
 *	                    typed ETHMAC (HL7 Continua Device Identifiers);
 *	                    ward's asset key
 *	    status          active; statusReason online or offline
 *	                    (http://terminology.hl7.org/CodeSystem/
 *	                    device-status-reason)
 *	    manufacturer, modelNumber, version[], deviceName[] (model-name,
 *	                    user-friendly-name: the hostname)
 *	    type            ward's type as text, with a SNOMED CT code where
 *	                    the FHIR device-kind value set has one
 *	    owner           contained Organization: the department
 *	    location        contained Location (partOf a contained building)
 *	    note            confidence and evidence of the identification
 *
 * Every string comes from the store, which holds printable ASCII (what the
 * sensor took from the wire is escaped on the way in).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "ward/dept.h"
#include "ward/ident.h"
#include "ward/output.h"

#define SNOMED		"http://snomed.info/sct"
#define CONTINUA_IDS	"http://terminology.hl7.org/CodeSystem/" \
    "ContinuaDeviceIdentifiers"
#define STATUS_REASON	"http://terminology.hl7.org/CodeSystem/" \
    "device-status-reason"
#define PHYSICAL_TYPE	"http://terminology.hl7.org/CodeSystem/" \
    "location-physical-type"

/*
 * ward's device types with a SNOMED CT concept in the FHIR device-kind
 * value set (http://terminology.hl7.org/ValueSet/device-kind: SNOMED CT
 * descendants of 49062001 |Device|). Types without an exact concept there
 * (infusion pumps, workstations, printers...) carry their text alone: a
 * near code would say something ward does not know.
 */
static const struct {
	const char	*type;
	const char	*code;
	const char	*display;
} snomed_types[] = {
	{ "ct", "54953005", "Computerized axial tomography scanner" },
	{ "mri", "90003000", "Magnetic resonance imaging unit" },
	{ "xray", "68080007", "Radiographic unit" },
	{ "patient_monitor", "5159002", "Physiologic monitoring system" },
	{ "anesthesia_machine", "15644007", "Anesthesia unit" },
	{ "lab_analyzer", "30234008", "Medical laboratory analyzer" },
};

const char *
fhir_snomed_code(const char *type, const char **display)
{
	for (size_t i = 0; type != NULL &&
	    i < sizeof(snomed_types) / sizeof(snomed_types[0]); i++)
		if (strcmp(snomed_types[i].type, type) == 0) {
			if (display != NULL)
				*display = snomed_types[i].display;
			return snomed_types[i].code;
		}
	return NULL;
}

/*
 * A name-based UUID (RFC 4122, 4.3, version 5: SHA-1) of the asset key in
 * ward's namespace, so that exporting twice names a device the same way.
 */
int
fhir_uuid(const char *name, char out[37])
{
	static const unsigned char ns[16] = {	/* ward's namespace */
		0x5d, 0x0c, 0x3a, 0x52, 0x8e, 0x41, 0x4b, 0x7e,
		0x9a, 0x11, 0x2f, 0x6c, 0x04, 0x7d, 0x93, 0xb8,
	};
	unsigned char buf[16 + 256], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t n = strlen(name);

	if (n > sizeof(buf) - 16)
		n = sizeof(buf) - 16;
	memcpy(buf, ns, 16);
	memcpy(buf + 16, name, n);
	if (EVP_Digest(buf, 16 + n, md, &mdlen, EVP_sha1(), NULL) != 1 ||
	    mdlen < 16)
		return -1;
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x50);
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80);
	(void)snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", md[0], md[1], md[2], md[3], md[4],
	    md[5], md[6], md[7], md[8], md[9], md[10], md[11], md[12], md[13],
	    md[14], md[15]);
	return 0;
}

static json_t *
coding(const char *system, const char *code, const char *display)
{
	json_t *c = json_object();

	json_object_set_new(c, "system", json_string(system));
	json_object_set_new(c, "code", json_string(code));
	if (display != NULL)
		json_object_set_new(c, "display", json_string(display));
	return c;
}

static json_t *
concept(json_t *coding1, const char *text)
{
	json_t *cc = json_object(), *arr = json_array();

	if (coding1 != NULL) {
		json_array_append_new(arr, coding1);
		json_object_set_new(cc, "coding", arr);
	} else
		json_decref(arr);
	if (text != NULL)
		json_object_set_new(cc, "text", json_string(text));
	return cc;
}

static json_t *
identifiers(const struct asset *a)
{
	json_t *arr = json_array(), *id;
	char key[ADDR_STRLEN], urn[32];

	if (a->by_mac) {
		/* RFC 9039, 3.3.1: "mac" and the EUI-48 as 12 hex digits. */
		(void)snprintf(urn, sizeof(urn), "urn:dev:mac:%02x%02x%02x"
		    "%02x%02x%02x", a->mac[0], a->mac[1], a->mac[2], a->mac[3],
		    a->mac[4], a->mac[5]);
		id = json_object();
		json_object_set_new(id, "use", json_string("official"));
		json_object_set_new(id, "type", concept(coding(CONTINUA_IDS,
		    "ETHMAC", "Ethernet MAC address"), "MAC address"));
		json_object_set_new(id, "system", json_string(
		    "urn:ietf:rfc:3986"));
		json_object_set_new(id, "value", json_string(urn));
		json_array_append_new(arr, id);
	}
	id = json_object();
	json_object_set_new(id, "use", json_string("secondary"));
	json_object_set_new(id, "system", json_string(FHIR_WARD_KEY_SYSTEM));
	json_object_set_new(id, "value", json_string(asset_key(a, key,
	    sizeof(key))));
	json_array_append_new(arr, id);
	return arr;
}

static json_t *
contained(const struct asset *a)
{
	json_t *arr = json_array(), *r;

	if (a->dept == NULL)
		return arr;
	r = json_object();
	json_object_set_new(r, "resourceType", json_string("Organization"));
	json_object_set_new(r, "id", json_string("department"));
	json_object_set_new(r, "name", json_string(a->dept->name));
	json_array_append_new(arr, r);
	if (a->dept->building != NULL) {
		r = json_object();
		json_object_set_new(r, "resourceType", json_string("Location"));
		json_object_set_new(r, "id", json_string("building"));
		json_object_set_new(r, "name", json_string(a->dept->building));
		json_object_set_new(r, "physicalType", concept(coding(
		    PHYSICAL_TYPE, "bu", "Building"), NULL));
		json_array_append_new(arr, r);
	}
	if (a->dept->location != NULL || a->dept->building != NULL) {
		r = json_object();
		json_object_set_new(r, "resourceType", json_string("Location"));
		json_object_set_new(r, "id", json_string("location"));
		json_object_set_new(r, "name", json_string(
		    a->dept->location != NULL ? a->dept->location :
		    a->dept->name));
		json_object_set_new(r, "managingOrganization",
		    json_pack("{s:s}", "reference", "#department"));
		if (a->dept->building != NULL)
			json_object_set_new(r, "partOf", json_pack("{s:s}",
			    "reference", "#building"));
		json_array_append_new(arr, r);
	}
	return arr;
}

/* The identification's confidences and evidence, for people. */
static json_t *
note(const struct asset *a)
{
	const struct ident_verdict *v = a->ident;
	char text[4096];
	size_t off = 0;
	int n;

#define APPEND(...) do {						\
	n = snprintf(text + off, sizeof(text) - off, __VA_ARGS__);	\
	if (n < 0 || (size_t)n >= sizeof(text) - off)			\
		goto done;						\
	off += (size_t)n;						\
} while (0)

	text[0] = '\0';
	APPEND("Identified by ward from network traffic.");
	for (int d = 0; d < IDENT_DIMS; d++)
		if (v->value[d][0] != '\0')
			APPEND(" %s: %s (confidence %.2f).",
			    ident_dim_name((enum ident_dim)d), v->value[d],
			    v->conf[d]);
	if (a->vendor != NULL)
		APPEND(" Network interface vendor (IEEE OUI): %s.", a->vendor);
	if (v->nev > 0)
		APPEND(" Evidence:");
	for (size_t i = 0; i < v->nev; i++)
		APPEND(" rule %s (%s, weight %.2f) on %s = \"%s\".",
		    v->ev[i].rule, v->ev[i].source, v->ev[i].weight,
		    v->ev[i].key, v->ev[i].value);
	if (v->nev_dropped > 0)
		APPEND(" %zu more rules fired.", v->nev_dropped);
done:
#undef APPEND
	return json_string(text);
}

json_t *
fhir_device(const struct asset *a)
{
	json_t *d = json_object(), *arr;
	const struct ident_verdict *v = a->ident;
	const char *type = v != NULL && v->value[IDENT_TYPE][0] ?
	    v->value[IDENT_TYPE] : NULL;
	const char *vendor = v != NULL && v->value[IDENT_VENDOR][0] ?
	    v->value[IDENT_VENDOR] : NULL;
	const char *model = v != NULL && v->value[IDENT_MODEL][0] ?
	    v->value[IDENT_MODEL] : a->model;
	const char *version = v != NULL && v->value[IDENT_VERSION][0] ?
	    v->value[IDENT_VERSION] : NULL;
	const char *host = asset_hostname(a), *code, *display = NULL;
	char id[32], t[40];

	json_object_set_new(d, "resourceType", json_string("Device"));
	(void)snprintf(id, sizeof(id), "ward-asset-%llu",
	    (unsigned long long)a->id);
	json_object_set_new(d, "id", json_string(id));
	arr = contained(a);
	if (json_array_size(arr) > 0)
		json_object_set_new(d, "contained", arr);
	else
		json_decref(arr);
	json_object_set_new(d, "identifier", identifiers(a));
	json_object_set_new(d, "status", json_string("active"));
	if (a->status != ASSET_STATUS_UNKNOWN) {
		const char *s = a->status == ASSET_ONLINE ? "online" :
		    "offline";

		arr = json_array();
		json_array_append_new(arr, concept(coding(STATUS_REASON, s,
		    a->status == ASSET_ONLINE ? "Online" : "Offline"), NULL));
		json_object_set_new(d, "statusReason", arr);
	}
	if (vendor != NULL)
		json_object_set_new(d, "manufacturer", json_string(vendor));
	arr = json_array();
	if (model != NULL)
		json_array_append_new(arr, json_pack("{s:s,s:s}", "name", model,
		    "type", "model-name"));
	if (host != NULL)
		json_array_append_new(arr, json_pack("{s:s,s:s}", "name", host,
		    "type", "user-friendly-name"));
	if (json_array_size(arr) > 0)
		json_object_set_new(d, "deviceName", arr);
	else
		json_decref(arr);
	if (model != NULL)
		json_object_set_new(d, "modelNumber", json_string(model));
	if (type != NULL) {
		code = fhir_snomed_code(type, &display);
		json_object_set_new(d, "type", concept(code != NULL ?
		    coding(SNOMED, code, display) : NULL, type));
	}
	if (version != NULL)
		json_object_set_new(d, "version", json_pack("[{s:s}]", "value",
		    version));
	if (a->dept != NULL) {
		json_object_set_new(d, "owner", json_pack("{s:s,s:s}",
		    "reference", "#department", "display", a->dept->name));
		if (a->dept->location != NULL || a->dept->building != NULL)
			json_object_set_new(d, "location", json_pack(
			    "{s:s,s:s}", "reference", "#location", "display",
			    a->dept->location != NULL ? a->dept->location :
			    a->dept->name));
	}
	if (v != NULL) {
		json_t *n = json_object();

		if (a->last != 0)
			json_object_set_new(n, "time", json_string(fmt_time(
			    a->last, t, sizeof(t))));
		json_object_set_new(n, "text", note(a));
		json_object_set_new(d, "note", json_pack("[o]", n));
	}
	return d;
}

json_t *
fhir_bundle_new(uint64_t now)
{
	json_t *b = json_object();
	char t[40];

	json_object_set_new(b, "resourceType", json_string("Bundle"));
	json_object_set_new(b, "type", json_string("collection"));
	json_object_set_new(b, "timestamp", json_string(fmt_time(now, t,
	    sizeof(t))));
	json_object_set_new(b, "entry", json_array());
	return b;
}

int
fhir_bundle_add(json_t *bundle, const struct asset *a)
{
	json_t *e = json_object();
	char key[ADDR_STRLEN], uuid[37], url[48];

	if (fhir_uuid(asset_key(a, key, sizeof(key)), uuid) == -1) {
		json_decref(e);
		return -1;
	}
	(void)snprintf(url, sizeof(url), "urn:uuid:%s", uuid);
	json_object_set_new(e, "fullUrl", json_string(url));
	json_object_set_new(e, "resource", fhir_device(a));
	return json_array_append_new(json_object_get(bundle, "entry"), e);
}
