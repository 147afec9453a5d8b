/*
 * test_rules_default.c - the shipped rule set (rules/devices.yaml) over
 * attribute sets such as ward gathers from real devices: each device type
 * is recognised with its vendor (and model and version where the traffic
 * names them), and the sets that do not tell stay unknown. A wrong
 * verdict fails as surely as a missed one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ward-config.h"
#include "ward/ident.h"

#define ATTRS_MAX	16

/*
 * Expected values: a string is the verdict, "" is unknown, NULL is not
 * checked (the dimension is not what the case is about).
 */
struct device_case {
	const char	*name;
	const char	*type, *vendor, *model, *version;
	struct ident_attr attrs[ATTRS_MAX];	/* ends at a NULL key */
};

static const struct device_case cases[] = {
	/* --- imaging modalities: their own C-STORE data sets */
	{ "GE CT storing its images", "ct", "GE HealthCare", "Revolution EVO",
	    "gmp_vct.42", {
		{ "oui.vendor", "GE Healthcare" },
		{ "dicom.ae_title", "CT01" }, { "dicom.role", "scu" },
		{ "dicom.command", "C-ECHO-RQ" },
		{ "dicom.command", "C-STORE-RQ" },
		{ "dicom.command", "C-FIND-RQ" },
		{ "dicom.modality", "CT" },
		{ "dicom.manufacturer", "GE MEDICAL SYSTEMS" },
		{ "dicom.model", "Revolution EVO" },
		{ "dicom.software_versions", "gmp_vct.42" },
		{ "service", "tcp/22" },
		{ NULL, NULL } } },
	{ "Canon CT (Toshiba strings)", "ct", "Canon Medical Systems",
	    "Aquilion ONE", NULL, {
		{ "dicom.modality", "CT" },
		{ "dicom.manufacturer", "TOSHIBA" },
		{ "dicom.model", "Aquilion ONE" },
		{ "dhcp.vendor_class", "MSFT 5.0" },
		{ NULL, NULL } } },
	{ "Siemens MR", "mri", "Siemens Healthineers", "MAGNETOM Vida",
	    "syngo MR XA50", {
		{ "oui.vendor", "Siemens AG, Healthcare Sector" },
		{ "dicom.command", "C-STORE-RQ" },
		{ "dicom.command", "N-CREATE-RQ" },
		{ "dicom.modality", "MR" },
		{ "dicom.manufacturer", "SIEMENS" },
		{ "dicom.model", "MAGNETOM Vida" },
		{ "dicom.software_versions", "syngo MR XA50" },
		{ NULL, NULL } } },
	{ "Carestream DR", "xray", "Carestream Health", "DRX-Evolution", NULL, {
		{ "oui.vendor", "Carestream Health, Inc." },
		{ "dicom.modality", "DX" },
		{ "dicom.manufacturer", "Carestream Health" },
		{ "dicom.model", "DRX-Evolution" },
		{ NULL, NULL } } },
	{ "Hologic mammography", "xray", "Hologic", "Selenia Dimensions",
	    NULL, {
		{ "dicom.modality", "MG" },
		{ "dicom.manufacturer", "HOLOGIC, Inc." },
		{ "dicom.model", "Selenia Dimensions" },
		{ NULL, NULL } } },
	{ "Philips ultrasound", "ultrasound", "Philips", "EPIQ 7G", NULL, {
		{ "dicom.modality", "US" },
		{ "dicom.manufacturer", "Philips Medical Systems" },
		{ "dicom.model", "EPIQ 7G" },
		{ NULL, NULL } } },
	{ "Samsung Medison ultrasound", "ultrasound", "Samsung Medison",
	    "HERA W10", NULL, {
		{ "dicom.modality", "US" },
		{ "dicom.manufacturer", "SAMSUNG MEDISON CO., LTD." },
		{ "dicom.model", "HERA W10" },
		{ NULL, NULL } } },
	{ "GE SPECT", "nuclear_medicine", "GE HealthCare",
	    "Discovery NM 530c", NULL, {
		{ "dicom.modality", "NM" },
		{ "dicom.manufacturer", "GE Healthcare" },
		{ "dicom.model", "Discovery NM 530c" },
		{ NULL, NULL } } },
	/* A model name that says CT without a Modality. */
	{ "Siemens CT without Modality", "ct", "Siemens Healthineers",
	    "SOMATOM go.Up", NULL, {
		{ "dicom.manufacturer", "SIEMENS" },
		{ "dicom.model", "SOMATOM go.Up" },
		{ NULL, NULL } } },

	/* --- archive, worklist */
	{ "PACS answering and forwarding", "pacs", "", "", "", {
		{ "oui.vendor", "Dell Inc." },
		{ "dhcp.vendor_class", "MSFT 5.0" },
		{ "dicom.role", "scp" }, { "dicom.role", "scu" },
		{ "dicom.command", "C-STORE-RSP" },
		{ "dicom.command", "C-FIND-RSP" },
		{ "dicom.command", "C-MOVE-RSP" },
		{ "dicom.command", "C-STORE-RQ" },
		/* the images it forwards for C-MOVE are a CT's */
		{ "dicom.modality", "CT" },
		{ "dicom.manufacturer", "GE MEDICAL SYSTEMS" },
		{ "dicom.model", "Revolution CT" },
		{ "service", "tcp/104" },
		{ "service", "tcp/443" },
		{ NULL, NULL } } },
	{ "dcm4chee archive", "pacs", "dcm4che.org", "dcm4chee", NULL, {
		{ "dicom.impl_version", "dcm4che-5.31.0" },
		{ "dicom.impl_class_uid", "1.2.40.0.13.1.3" },
		{ "dicom.command", "C-FIND-RSP" },
		{ "dicom.command", "C-STORE-RSP" },
		{ "service", "tcp/11112" },
		{ NULL, NULL } } },
	{ "worklist server", "worklist_server", "", "", "", {
		{ "oui.vendor", "Hewlett Packard" },
		{ "dicom.role", "scp" },
		{ "dicom.sop_class", "Verification" },
		{ "dicom.sop_class",
		    "Modality Worklist Information Model - FIND" },
		{ "dicom.command", "C-FIND-RSP" },
		{ "dicom.command", "C-ECHO-RSP" },
		{ "service", "tcp/104" },
		{ NULL, NULL } } },

	/* --- monitoring */
	{ "Mindray monitor naming its product line", "patient_monitor",
	    "Mindray", NULL, NULL, {
		{ "oui.vendor", "Mindray Co., Ltd." },
		{ "dhcp.vendor_class", "Mindray BeneVision N12" },
		{ NULL, NULL } } },
	{ "Spacelabs monitor with a second hint", "patient_monitor",
	    "Spacelabs Healthcare", NULL, NULL, {
		{ "oui.vendor", "SPACELABS MEDICAL" },
		{ "dhcp.vendor_class", "Spacelabs Xprezzon 91393" },
		{ NULL, NULL } } },
	{ "Philips PIC iX exporting vitals", "central_station", "Philips",
	    "Patient Information Center iX", NULL, {
		{ "oui.vendor", "Hewlett Packard Enterprise" },
		{ "hl7.sending_app", "PIC iX" },
		{ "hl7.sending_facility", "ICU" },
		{ "hl7.message_type", "ORU^R01" },
		{ "service", "tcp/443" },
		{ NULL, NULL } } },
	{ "GE CARESCAPE Gateway", "central_station", "GE HealthCare", NULL,
	    NULL, {
		{ "hl7.sending_app", "CARESCAPE Gateway" },
		{ "hl7.message_type", "ORU^R01" },
		{ NULL, NULL } } },
	/* The gateway's central station on a Philips card still talks HL7. */
	{ "Philips monitoring card sending HL7", "", "Philips", NULL, NULL, {
		{ "oui.vendor", "Philips Patient Monitoring" },
		{ "hl7.sending_app", "PHILIPS_IX" },
		{ "hl7.message_type", "ORU^R01" },
		{ NULL, NULL } } },

	/* --- point of care */
	{ "Baxter Novum IQ pump over MQTT", "infusion_pump", "Baxter",
	    "Novum IQ", NULL, {
		{ "oui.vendor", "Baxter International Inc" },
		{ "mqtt.role", "client" },
		{ "mqtt.client_id", "NovumIQ-LVP-0012" },
		{ "mqtt.topic", "pumps/NovumIQ-LVP-0012/status" },
		{ "mqtt.publish", "pumps/NovumIQ-LVP-0012/status" },
		{ NULL, NULL } } },
	{ "BD Alaris pump", "infusion_pump", "BD", NULL, NULL, {
		{ "oui.vendor", "Becton, Dickinson  and Company" },
		{ "dhcp.vendor_class", "BD Alaris PCU 8015" },
		{ NULL, NULL } } },
	{ "ICU Medical pump, card alone", "", "ICU Medical", NULL, NULL, {
		{ "oui.vendor", "ICU Medical, Inc." },
		{ NULL, NULL } } },
	{ "Roche glucose meter over MQTT", "glucose_meter", "Roche",
	    "Accu-Chek Inform II", NULL, {
		{ "oui.vendor", "Roche Diagnostics GmbH" },
		{ "mqtt.role", "client" },
		{ "mqtt.client_id", "AccuChekInformII-UU12345678" },
		{ "mqtt.publish", "poc/glucose/UU12345678/result" },
		{ NULL, NULL } } },
	{ "Hamilton ventilator", "ventilator", "Hamilton Medical", NULL, NULL, {
		{ "oui.vendor", "HAMILTON Bonaduz AG" },
		{ "dhcp.vendor_class", "HAMILTON-C6" },
		{ NULL, NULL } } },
	{ "Dräger anesthesia workstation", "anesthesia_machine", "Dräger",
	    NULL, NULL, {
		{ "oui.vendor", "Drägerwerk AG & Co. KG aA" },
		{ "dhcp.vendor_class", "Draeger Perseus A500" },
		{ NULL, NULL } } },
	{ "Sysmex hematology analyzer", "lab_analyzer", "Sysmex",
	    NULL, NULL, {
		{ "oui.vendor", "Sysmex Corporation" },
		{ "hl7.sending_app", "XN-1000" },
		{ "hl7.message_type", "OUL^R22" },
		{ NULL, NULL } } },
	{ "Roche cobas analyzer", "lab_analyzer", "Roche", NULL, NULL, {
		{ "oui.vendor", "Roche Diagnostics International Ltd." },
		{ "hl7.sending_app", "cobas pro" },
		{ "hl7.message_type", "OUL^R22" },
		{ NULL, NULL } } },

	/* --- staff communication */
	{ "Rauland nurse call", "nurse_call", "Rauland", NULL, NULL, {
		{ "oui.vendor", "RAULAND-BORG CORPORATION" },
		{ NULL, NULL } } },
	{ "Zebra handheld", "handheld", "Zebra Technologies", NULL, NULL, {
		{ "oui.vendor", "Zebra Technologies Inc." },
		{ "dhcp.vendor_class", "android-dhcp-13" },
		{ "dns.query", "pacs-web.hospital.lan" },
		{ NULL, NULL } } },
	{ "Vocera badge", "wearable", "Vocera", NULL, NULL, {
		{ "oui.vendor", "Vocera Communications" },
		{ NULL, NULL } } },
	{ "Polycom desk phone", "voip_phone", "Polycom", NULL, NULL, {
		{ "oui.vendor", "Polycom" },
		{ "http.user_agent",
		    "FileTransport PolycomVVX-VVX_411-UA/5.9.5.0614" },
		{ "service", "udp/5060" },
		{ NULL, NULL } } },

	/* --- clinical IT */
	{ "Epic sending ADT", "his_server", "Epic Systems", NULL, NULL, {
		{ "oui.vendor", "Dell Inc." },
		{ "hl7.sending_app", "EPIC" },
		{ "hl7.message_type", "ADT^A01" },
		{ "hl7.message_type", "ORM^O01" },
		{ NULL, NULL } } },
	{ "Mirth Connect engine", "hl7_engine", "NextGen Healthcare",
	    "Mirth Connect", NULL, {
		{ "hl7.sending_app", "MIRTH" },
		{ "hl7.message_type", "ACK" },
		{ "service", "tcp/6661" },
		{ NULL, NULL } } },
	/* An engine that relays the EHR's messages under the EHR's name. */
	{ "engine relaying Epic", "", NULL, NULL, NULL, {
		{ "hl7.sending_app", "EPIC" },
		{ "hl7.sending_app", "RHAPSODY" },
		{ "hl7.message_type", "ADT^A08" },
		{ NULL, NULL } } },

	/* --- workstations */
	{ "Windows 10 workstation", "workstation_windows", "", NULL,
	    "Windows NT 10.0.19045", {
		{ "oui.vendor", "Dell Inc." },
		{ "dhcp.vendor_class", "MSFT 5.0" },
		{ "smb.os_version", "10.0.19045" },
		{ "smb.host", "WS-NURSE-07" },
		{ "service", "tcp/445" },
		{ "service", "tcp/3389" },
		{ "http.user_agent", "Microsoft-CryptoAPI/10.0" },
		{ NULL, NULL } } },
	{ "Windows server running the PACS", "pacs", NULL, NULL, NULL, {
		{ "dhcp.vendor_class", "MSFT 5.0" },
		{ "dicom.command", "C-FIND-RSP" },
		{ "service", "tcp/104" },
		{ "service", "tcp/3389" },
		{ NULL, NULL } } },
	{ "GE CT console on Windows", "ct", "GE HealthCare", NULL, NULL, {
		{ "oui.vendor", "GE Healthcare" },
		{ "dhcp.vendor_class", "MSFT 5.0" },
		{ "dicom.modality", "CT" },
		{ "dicom.manufacturer", "GE MEDICAL SYSTEMS" },
		{ NULL, NULL } } },
	{ "Samba's NTLM version alone", "", "", NULL, "", {
		{ "smb.os_version", "6.1.0" },
		{ "smb.host", "FILES-01" },
		{ "service", "tcp/445" },
		{ NULL, NULL } } },
	{ "Linux workstation", "workstation_linux", "", NULL, NULL, {
		{ "oui.vendor", "Hewlett Packard" },
		{ "dhcp.vendor_class",
		    "dhcpcd-9.4.1:Linux-6.1.0-18-amd64:x86_64:GenuineIntel" },
		{ "ssh.banner", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3" },
		{ NULL, NULL } } },
	{ "Linux server with sshd", "", "", NULL, NULL, {
		{ "ssh.banner", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3" },
		{ "service", "tcp/22" },
		{ NULL, NULL } } },
	{ "Mac mini", "workstation_macos", "Apple", "Macmini9,1", NULL, {
		{ "oui.vendor", "Apple, Inc." },
		{ "mdns.model", "Macmini9,1" },
		{ "hostname", "rad-mac-03.local" },
		{ NULL, NULL } } },

	/* --- peripherals and infrastructure */
	{ "HP printer", "printer", "HP", NULL, NULL, {
		{ "oui.vendor", "HP Inc." },
		{ "service", "tcp/9100" },
		{ "service", "tcp/631" },
		{ "http.server", "HP HTTP Server; HP Color LaserJet MFP M480f - "
		    "3QA55A; Serial Number: CNBRM8P0KX" },
		{ NULL, NULL } } },
	{ "Brother printer announcing its model", "printer", NULL,
	    "Brother HL-L8360CDW series", NULL, {
		{ "oui.vendor", "Brother industries, LTD." },
		{ "mdns.model", "Brother HL-L8360CDW series" },
		{ NULL, NULL } } },
	{ "Axis camera", "ip_camera", "Axis Communications", NULL, NULL, {
		{ "oui.vendor", "Axis Communications AB" },
		{ "service", "tcp/554" },
		{ "service", "tcp/80" },
		{ NULL, NULL } } },
	{ "Hikvision camera", "ip_camera", "Hikvision", NULL, NULL, {
		{ "oui.vendor", "Hangzhou Hikvision Digital Technology Co.,Ltd." },
		{ "http.server", "App-webs/" },
		{ NULL, NULL } } },
	{ "Cisco switch", "network_device", "Cisco", NULL, NULL, {
		{ "oui.vendor", "Cisco Systems, Inc" },
		{ "ssh.banner", "SSH-2.0-Cisco-1.25" },
		{ "telnet.banner", "User Access Verification\\x0d\\x0a\\x0d"
		    "\\x0aUsername:" },
		{ NULL, NULL } } },
	{ "Aruba access point", "network_device", NULL, NULL, NULL, {
		{ "oui.vendor", "Aruba, a Hewlett Packard Enterprise Company" },
		{ NULL, NULL } } },
	{ "BACnet air handler", "building_automation", "Johnson Controls",
	    "NAE55", NULL, {
		{ "oui.vendor", "Johnson Controls, Inc." },
		{ "bacnet.vendor", "Johnson Controls" },
		{ "bacnet.model", "NAE55" },
		{ "service", "udp/47808" },
		{ NULL, NULL } } },
	{ "Modbus energy meter", "building_automation", "Schneider Electric",
	    "PM5560", NULL, {
		{ "modbus.vendor", "Schneider Electric" },
		{ "modbus.product", "PM5560" },
		{ "service", "tcp/502" },
		{ NULL, NULL } } },

	/* --- too little to tell */
	{ "a Dell card", "", "", "", "", {
		{ "oui.vendor", "Dell Inc." },
		{ NULL, NULL } } },
	{ "BusyBox DHCP client", "", "", "", "", {
		{ "dhcp.vendor_class", "udhcp 1.35.0" },
		{ NULL, NULL } } },
	{ "an Android phone", "", "", "", "", {
		{ "oui.vendor", "Samsung Electronics Co.,Ltd" },
		{ "dhcp.vendor_class", "android-dhcp-14" },
		{ NULL, NULL } } },
	{ "a CUPS server", "", "", "", "", {
		{ "service", "tcp/631" },
		{ "service", "tcp/22" },
		{ "http.server", "CUPS/2.4 IPP/2.1" },
		{ NULL, NULL } } },
	{ "an MQTT broker", "", "", "", "", {
		{ "mqtt.role", "broker" },
		{ "mqtt.topic", "pumps/NovumIQ-LVP-0012/status" },
		{ "mqtt.publish", "pumps/NovumIQ-LVP-0012/status" },
		{ "service", "tcp/1883" },
		{ NULL, NULL } } },
	{ "a dashboard subscribing to pumps", "", "", "", "", {
		{ "mqtt.role", "client" },
		{ "mqtt.client_id", "nurse-dashboard-2" },
		{ "mqtt.topic", "pumps/+/status" },
		{ NULL, NULL } } },
	{ "a SIP server's port alone", "", "", "", "", {
		{ "service", "udp/5060" },
		{ NULL, NULL } } },
	{ "a DICOM SCU without its images", "", "", "", "", {
		{ "dicom.role", "scu" },
		{ "dicom.ae_title", "VIEWER1" },
		{ "dicom.command", "C-FIND-RQ" },
		{ "dicom.impl_version", "OFFIS_DCMTK_367" },
		{ NULL, NULL } } },
	/* A PET/CT stores both CT and PT series: two types, no verdict. */
	{ "PET/CT", "", "Siemens Healthineers", NULL, NULL, {
		{ "dicom.modality", "CT" },
		{ "dicom.modality", "PT" },
		{ "dicom.manufacturer", "SIEMENS" },
		{ "dicom.model", "Biograph Vision 600" },
		{ NULL, NULL } } },
};

static struct ident_rules *rules;

static int
setup(void **state)
{
	char err[512];

	(void)state;
	if ((rules = ident_rules_load(WARD_RULES_SRC, err, sizeof(err))) ==
	    NULL) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	ident_rules_free(rules);
	return 0;
}

static void
test_loads(void **state)
{
	(void)state;
	/* Some 150 rules; a file cut short would load far fewer. */
	assert_true(ident_rules_count(rules) >= 120);
}

static int
check_case(const struct device_case *c)
{
	const char *want[IDENT_DIMS] = { c->type, c->vendor, c->model,
	    c->version };
	struct ident_verdict v;
	size_t n = 0;
	int bad = 0;

	while (n < ATTRS_MAX && c->attrs[n].key != NULL)
		n++;
	ident_eval(rules, c->attrs, n, &v);
	for (int d = 0; d < IDENT_DIMS; d++) {
		if (want[d] == NULL || strcmp(v.value[d], want[d]) == 0)
			continue;
		fprintf(stderr, "%s: %s is \"%s\" (%.2f), want \"%s\"\n",
		    c->name, ident_dim_name((enum ident_dim)d), v.value[d],
		    v.conf[d], want[d]);
		bad++;
	}
	if (bad > 0)
		for (size_t i = 0; i < v.nev; i++)
			fprintf(stderr, "  %s %.2f (%s=%s)\n", v.ev[i].rule,
			    v.ev[i].weight, v.ev[i].key, v.ev[i].value);
	return bad;
}

static void
test_devices(void **state)
{
	int bad = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		bad += check_case(&cases[i]);
	assert_int_equal(bad, 0);
}

/* Every type of the brief has a case that names it. */
static void
test_every_type_covered(void **state)
{
	static const char *const types[] = { "ct", "mri", "xray",
		"ultrasound", "nuclear_medicine", "pacs", "worklist_server",
		"patient_monitor", "central_station", "infusion_pump",
		"glucose_meter", "ventilator", "anesthesia_machine",
		"lab_analyzer", "nurse_call", "handheld", "wearable",
		"his_server", "hl7_engine", "workstation_windows",
		"workstation_linux", "workstation_macos", "printer",
		"ip_camera", "voip_phone", "network_device",
		"building_automation" };

	(void)state;
	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
		bool found = false;

		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			if (cases[i].type != NULL &&
			    strcmp(cases[i].type, types[t]) == 0)
				found = true;
		if (!found)
			fail_msg("no case for type %s", types[t]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loads),
		cmocka_unit_test(test_devices),
		cmocka_unit_test(test_every_type_covered),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
