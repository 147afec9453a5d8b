/*
 * test_attrs.c - identification attributes taken from observations
 * (src/asset/attrs.c): which fields count, under which conditions, lists
 * split, and every key one the rules know.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ward/obs.h"
#include "src/asset/asset-private.h"

static struct attr_kv kv[ATTRS_PER_OBS];

static size_t
attrs(const struct observation *o)
{
	size_t n = ident_attrs_of(o, kv, ATTRS_PER_OBS);

	for (size_t i = 0; i < n; i++)
		if (ident_key_canon(kv[i].key) == NULL)
			fail_msg("unknown key %s", kv[i].key);
	return n;
}

static const char *
get(size_t n, const char *key, int nth)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0 && nth-- == 0)
			return kv[i].value;
	return NULL;
}

static void
test_dicom(void **state)
{
	struct observation o;
	size_t n;

	(void)state;
	obs_init(&o, OBS_DICOM, 1);
	obs_cstr(&o, "pdu", "associate_rq");
	obs_cstr(&o, "calling_ae", "CT01");
	obs_cstr(&o, "called_ae", "PACS");
	obs_cstr(&o, "impl_version", "OFFIS_DCMTK_367");
	n = attrs(&o);
	assert_string_equal(get(n, "dicom.ae_title", 0), "CT01");
	assert_null(get(n, "dicom.ae_title", 1));
	assert_string_equal(get(n, "dicom.role", 0), "scu");
	assert_string_equal(get(n, "dicom.impl_version", 0), "OFFIS_DCMTK_367");

	obs_init(&o, OBS_DICOM, 1);
	obs_cstr(&o, "pdu", "associate_ac");
	obs_cstr(&o, "called_ae", "PACS ");
	obs_cstr(&o, "abstract_syntaxes", "1.2.840.10008.1.1=Verification;"
	    "1.2.3.4;...");
	n = attrs(&o);
	assert_string_equal(get(n, "dicom.ae_title", 0), "PACS");
	assert_string_equal(get(n, "dicom.role", 0), "scp");
	assert_string_equal(get(n, "dicom.sop_class", 0), "Verification");
	assert_string_equal(get(n, "dicom.sop_class", 1), "1.2.3.4");
	assert_null(get(n, "dicom.sop_class", 2));

	/* A query answer describes someone else's studies. */
	obs_init(&o, OBS_DICOM, 1);
	obs_cstr(&o, "pdu", "dataset");
	obs_cstr(&o, "command", "C-FIND-RSP");
	obs_cstr(&o, "modality", "MR");
	assert_int_equal(attrs(&o), 0);
	obs_init(&o, OBS_DICOM, 1);
	obs_cstr(&o, "pdu", "dataset");
	obs_cstr(&o, "command", "C-STORE-RQ");
	obs_cstr(&o, "modality", "MR");
	obs_cstr(&o, "manufacturer", "SIEMENS");
	n = attrs(&o);
	assert_string_equal(get(n, "dicom.modality", 0), "MR");
	assert_string_equal(get(n, "dicom.manufacturer", 0), "SIEMENS");
}

static void
test_other_protocols(void **state)
{
	struct observation o;
	size_t n;

	(void)state;
	obs_init(&o, OBS_HL7, 1);
	obs_cstr(&o, "sending_app", "PHILIPS_IX");
	obs_cstr(&o, "message_type", "ORU");
	obs_cstr(&o, "trigger", "R01");
	n = attrs(&o);
	assert_string_equal(get(n, "hl7.sending_app", 0), "PHILIPS_IX");
	assert_string_equal(get(n, "hl7.message_type", 0), "ORU^R01");

	obs_init(&o, OBS_MQTT, 1);
	obs_cstr(&o, "type", "subscribe");
	obs_cstr(&o, "topics", "ward/+/glucose,ward/#");
	n = attrs(&o);
	assert_string_equal(get(n, "mqtt.topic", 0), "ward/+/glucose");
	assert_string_equal(get(n, "mqtt.topic", 1), "ward/#");

	/* A published topic is also told apart from subscriptions. */
	obs_init(&o, OBS_MQTT, 1);
	obs_cstr(&o, "type", "publish");
	obs_cstr(&o, "topic", "pumps/NovumIQ-0012/status");
	n = attrs(&o);
	assert_string_equal(get(n, "mqtt.topic", 0),
	    "pumps/NovumIQ-0012/status");
	assert_string_equal(get(n, "mqtt.publish", 0),
	    "pumps/NovumIQ-0012/status");
	obs_init(&o, OBS_MQTT, 1);
	obs_cstr(&o, "type", "subscribe");
	obs_cstr(&o, "topics", "pumps/+/status");
	n = attrs(&o);
	assert_null(get(n, "mqtt.publish", 0));

	/* Only the server's own certificate names it. */
	obs_init(&o, OBS_TLS, 1);
	obs_cstr(&o, "msg", "certificate");
	obs_u64(&o, "index", 1);
	obs_cstr(&o, "subject", "CN=Some CA");
	assert_int_equal(attrs(&o), 0);
	obs_init(&o, OBS_TLS, 1);
	obs_cstr(&o, "msg", "certificate");
	obs_u64(&o, "index", 0);
	obs_cstr(&o, "subject", "CN=pacs.example");
	n = attrs(&o);
	assert_string_equal(get(n, "tls.cert_subject", 0), "CN=pacs.example");

	obs_init(&o, OBS_HTTP, 1);
	obs_cstr(&o, "type", "response");
	obs_cstr(&o, "user_agent", "curl/7.88.1");
	obs_cstr(&o, "server", "");
	assert_int_equal(attrs(&o), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dicom),
		cmocka_unit_test(test_other_protocols),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
