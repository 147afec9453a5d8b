/*
 * test_alert.c - the alert engine (deduplication, updates once per window,
 * the per-asset rate limit and its alert_flood summary, eviction that
 * loses no count), the CEF line, and alerts in a real SQLite store (one
 * row per key, counts per run, status that opens again).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ward/alert.h"
#include "ward/error.h"
#include "ward/output.h"
#include "ward/store.h"

#define SEC 1000000ULL

struct got {
	struct alert	 a[64];
	struct alert_record r[64];
	size_t		 n;
};

static void
sink(const struct alert_record *r, void *arg)
{
	struct got *g = arg;

	assert_true(g->n < 64);
	g->a[g->n] = *r->alert;
	g->r[g->n] = *r;
	g->r[g->n].alert = &g->a[g->n];
	g->n++;
}

static void
mk(struct alert *a, enum alert_type t, const char *asset, const char *obj,
    uint64_t ts)
{
	alert_init(a, t, ts);
	alert_asset(a, asset, NULL);
	alert_object(a, "%s", obj);
	alert_message(a, "%s from %s", alert_type_name(t), asset);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(alert_type_name(ALERT_PORT_SCAN), "port_scan");
	assert_string_equal(alert_type_category(ALERT_ARP_SPOOF), "spoofing");
	assert_int_equal(alert_type_severity(ALERT_IOC_MATCH),
	    ALERT_SEV_CRITICAL);
	for (int t = 0; t < ALERT_TYPE_COUNT; t++)
		assert_int_equal(alert_type_parse(alert_type_name(t)), t);
	assert_int_equal(alert_type_parse("no_such_alert"), -1);
	assert_int_equal(alert_severity_parse("high"), ALERT_SEV_HIGH);
	assert_int_equal(alert_severity_parse("urgent"), ALERT_SEV_DEFAULT);
}

/* The first is delivered, repeats counted, one update per window. */
static void
test_dedup(void **state)
{
	struct alert_limits l;
	struct alerter *e;
	struct got g = { .n = 0 };
	struct alert a;

	(void)state;
	alert_limits_defaults(&l);
	l.dedup_window = 60 * SEC;
	assert_non_null(e = alerter_new(&l));
	assert_int_equal(alerter_on(e, sink, &g), 0);
	for (int i = 0; i < 5; i++) {
		mk(&a, ALERT_PORT_SCAN, "10.0.0.9", "", 100 * SEC + i * SEC);
		assert_int_equal(alerter_raise(e, &a), 0);
	}
	assert_int_equal(g.n, 1);
	assert_false(g.r[0].update);
	assert_int_equal(g.r[0].count, 1);
	/* Another object is another alert. */
	mk(&a, ALERT_PORT_SCAN, "10.0.0.9", "other", 105 * SEC);
	assert_int_equal(alerter_raise(e, &a), 0);
	assert_int_equal(g.n, 2);
	/* Within the window: no update yet. */
	alerter_flush(e, 120 * SEC, false);
	assert_int_equal(g.n, 2);
	/* Past it: one update with the count and the span. */
	alerter_flush(e, 161 * SEC, false);
	assert_int_equal(g.n, 3);
	assert_true(g.r[2].update);
	assert_int_equal(g.r[2].count, 5);
	assert_int_equal(g.r[2].first, 100 * SEC);
	assert_int_equal(g.r[2].last, 104 * SEC);
	assert_int_equal(g.r[2].id, g.r[0].id);
	/* Nothing new: nothing more, even at the end. */
	alerter_flush(e, 400 * SEC, true);
	assert_int_equal(g.n, 3);
	/* A repeat after that is delivered at the final flush. */
	mk(&a, ALERT_PORT_SCAN, "10.0.0.9", "", 401 * SEC);
	assert_int_equal(alerter_raise(e, &a), 0);
	assert_int_equal(g.n, 3);
	alerter_flush(e, 402 * SEC, true);
	assert_int_equal(g.n, 4);
	assert_int_equal(g.r[3].count, 6);
	assert_int_equal(alerter_stats(e)->raised, 7);
	assert_int_equal(alerter_stats(e)->delivered, 2);
	assert_int_equal(alerter_stats(e)->updates, 2);
	assert_int_equal(alerter_stats(e)->by_type[ALERT_PORT_SCAN], 2);
	alerter_free(e);
}

/*
 * A device that raises many distinct alerts spends its burst, the rest are
 * held back and summed in one alert_flood; a token comes back per refill
 * period; another device is not affected.
 */
static void
test_rate_limit(void **state)
{
	struct alert_limits l;
	struct alerter *e;
	struct got g = { .n = 0 };
	struct alert a;
	char obj[32];

	(void)state;
	alert_limits_defaults(&l);
	l.burst = 3;
	l.refill = 10 * SEC;
	assert_non_null(e = alerter_new(&l));
	assert_int_equal(alerter_on(e, sink, &g), 0);
	for (int i = 0; i < 10; i++) {
		snprintf(obj, sizeof(obj), "peer %d", i);
		mk(&a, ALERT_NEW_PEER, "aa:bb:cc:00:00:01", obj, 1000 * SEC);
		assert_int_equal(alerter_raise(e, &a), 0);
	}
	assert_int_equal(g.n, 3);
	mk(&a, ALERT_NEW_PEER, "aa:bb:cc:00:00:02", "peer 0", 1000 * SEC);
	assert_int_equal(alerter_raise(e, &a), 0);
	assert_int_equal(g.n, 4);
	assert_string_equal(g.a[3].asset, "aa:bb:cc:00:00:02");
	assert_int_equal(alerter_stats(e)->suppressed, 7);
	/* 20 s later: two tokens back. */
	mk(&a, ALERT_NEW_SERVICE, "aa:bb:cc:00:00:01", "tcp/23", 1020 * SEC);
	assert_int_equal(alerter_raise(e, &a), 0);
	assert_int_equal(g.n, 5);
	assert_int_equal(g.a[4].type, ALERT_NEW_SERVICE);
	alerter_flush(e, 1021 * SEC, false);
	assert_int_equal(g.n, 6);
	assert_int_equal(g.a[5].type, ALERT_ALERT_FLOOD);
	assert_string_equal(g.a[5].asset, "aa:bb:cc:00:00:01");
	assert_string_equal(g.a[5].ev[0].key, "held_back");
	assert_string_equal(g.a[5].ev[0].value, "7");
	assert_string_equal(g.a[5].ev[1].value, "new_peer=7");
	/* The summary is not repeated while nothing more is held back. */
	alerter_flush(e, 1022 * SEC, false);
	assert_int_equal(g.n, 6);
	alerter_free(e);
}

/* Past max_keys the stalest keys go, their pending counts delivered. */
static void
test_evict(void **state)
{
	struct alert_limits l;
	struct alerter *e;
	struct got g = { .n = 0 };
	struct alert a;
	char asset[32];

	(void)state;
	alert_limits_defaults(&l);
	l.max_keys = 16;
	assert_non_null(e = alerter_new(&l));
	assert_int_equal(alerter_on(e, sink, &g), 0);
	mk(&a, ALERT_PORT_SCAN, "10.0.0.1", "", 1 * SEC);
	assert_int_equal(alerter_raise(e, &a), 0);
	mk(&a, ALERT_PORT_SCAN, "10.0.0.1", "", 2 * SEC);
	assert_int_equal(alerter_raise(e, &a), 0);
	for (int i = 0; i < 16; i++) {
		snprintf(asset, sizeof(asset), "10.0.1.%d", i);
		mk(&a, ALERT_HOST_SWEEP, asset, "", (uint64_t)(10 + i) * SEC);
		assert_int_equal(alerter_raise(e, &a), 0);
	}
	assert_int_equal(alerter_stats(e)->evicted, 2);
	/* The first key's second occurrence was delivered as it went. */
	assert_true(g.n == 1 + 16 + 1);
	assert_true(g.r[16].update);
	assert_int_equal(g.r[16].count, 2);
	assert_string_equal(g.a[16].asset, "10.0.0.1");
	alerter_free(e);
}

static void
test_cef(void **state)
{
	struct alert a;
	struct alert_record r;
	char line[2048];
	size_t n;

	(void)state;
	alert_init(&a, ALERT_CLEARTEXT_CREDENTIAL, 1763719200ULL * SEC);
	alert_asset(&a, "00:1b:21:aa:bb:cc", NULL);
	alert_message(&a, "login a=b | c\\d\nnext");
	alert_object(&a, "ftp");
	alert_ev(&a, "user", "admin");
	a.proto = 6;
	assert_int_equal(addr_parse("10.0.0.5", &a.src_ip), 0);
	assert_int_equal(addr_parse("10.0.0.6", &a.dst_ip), 0);
	a.src_port = 40000;
	a.dst_port = 21;
	memset(&r, 0, sizeof(r));
	r.alert = &a;
	r.id = 7;
	r.first = r.last = a.ts;
	r.count = 1;
	n = cef_format(&r, line, sizeof(line));
	assert_int_equal(n, strlen(line));
	assert_true(strncmp(line, "CEF:0|ward|ward|", 16) == 0);
	assert_non_null(strstr(line, "|cleartext_credential|Cleartext "
	    "credential|5|rt=1763719200000 "));
	/* Extension escaping: = and \ escaped, the line break as \n. */
	assert_non_null(strstr(line, "msg=login a\\=b | c\\\\d\\nnext "));
	assert_non_null(strstr(line, " src=10.0.0.5 spt=40000 dst=10.0.0.6 "
	    "dpt=21 "));
	assert_non_null(strstr(line, "cs1Label=asset cs1=00:1b:21:aa:bb:cc"));
	assert_non_null(strstr(line, "cs4=user\\=admin"));
	assert_null(strchr(line, '\n'));
	/* Cut to fit, never past the buffer. */
	n = cef_format(&r, line, 40);
	assert_true(n < 40);
	assert_int_equal(strlen(line), n);
}

struct rows {
	size_t		 n;
	uint64_t	 count[8];
	char		 status[8][16];
	char		 type[8][32];
	int64_t		 id[8];
};

static int
collect(const struct store_alert *a, void *arg)
{
	struct rows *r = arg;

	if (r->n < 8) {
		r->count[r->n] = a->count;
		snprintf(r->status[r->n], 16, "%s", a->status);
		snprintf(r->type[r->n], 32, "%s", a->type);
		r->id[r->n] = a->id;
	}
	r->n++;
	return 0;
}

static void
test_store(void **state)
{
	char path[] = "/tmp/ward-test-alert-XXXXXX";
	char err[256];
	struct store *s;
	struct rows rows;
	struct store_alert_filter f = { 0 };
	int64_t run;
	int fd;
	struct store_alert sa = {
		.type = "port_scan", .category = "reconnaissance",
		.severity = "medium", .asset = "10.0.0.9", .ip = "10.0.0.9",
		.object = "", .message = "scan", .evidence = "{\"ports\":\"20\"}",
		.first = 100, .last = 200, .count = 3,
	};

	(void)state;
	assert_true((fd = mkstemp(path)) != -1);
	close(fd);
	unlink(path);
	assert_non_null(s = store_open(path, err, sizeof(err)));
	/* Needs a run. */
	assert_int_equal(store_put_alert(s, &sa), WARD_EINVAL);
	assert_int_equal(store_run_start(s, "a.pcap", 1, &run), 0);
	assert_int_equal(store_put_alert(s, &sa), 0);
	/* Again in the same run: the count is set, not added. */
	sa.count = 4;
	sa.last = 300;
	assert_int_equal(store_put_alert(s, &sa), 0);
	sa.type = "arp_spoof";
	sa.severity = "high";
	sa.category = "spoofing";
	sa.asset = "00:00:5e:00:53:01";
	sa.ip = "10.0.0.77";
	sa.count = 1;
	assert_int_equal(store_put_alert(s, &sa), 0);
	memset(&rows, 0, sizeof(rows));
	assert_int_equal(store_foreach_alert(s, NULL, collect, &rows), 0);
	assert_int_equal(rows.n, 2);
	assert_int_equal(rows.count[1], 4);
	/* Filters. */
	memset(&rows, 0, sizeof(rows));
	f.min_severity = "high";
	assert_int_equal(store_foreach_alert(s, &f, collect, &rows), 0);
	assert_int_equal(rows.n, 1);
	assert_string_equal(rows.type[0], "arp_spoof");
	memset(&rows, 0, sizeof(rows));
	memset(&f, 0, sizeof(f));
	f.asset = "10.0.0.9";
	assert_int_equal(store_foreach_alert(s, &f, collect, &rows), 0);
	assert_int_equal(rows.n, 1);
	assert_string_equal(rows.type[0], "port_scan");
	/* Acknowledged; a later run's occurrence opens it again and adds. */
	assert_int_equal(store_set_alert_status(s, rows.id[0], "acknowledged",
	    1), 0);
	assert_int_equal(store_set_alert_status(s, 999, "closed", 1),
	    WARD_ENOTFOUND);
	assert_int_equal(store_set_alert_status(s, rows.id[0], "done", 1),
	    WARD_EINVAL);
	memset(&rows, 0, sizeof(rows));
	assert_int_equal(store_foreach_alert(s, &f, collect, &rows), 0);
	assert_string_equal(rows.status[0], "acknowledged");
	assert_int_equal(store_run_start(s, "b.pcap", 2, &run), 0);
	sa.type = "port_scan";
	sa.severity = "medium";
	sa.category = "reconnaissance";
	sa.asset = "10.0.0.9";
	sa.count = 2;
	sa.first = 400;
	sa.last = 500;
	assert_int_equal(store_put_alert(s, &sa), 0);
	memset(&rows, 0, sizeof(rows));
	assert_int_equal(store_foreach_alert(s, &f, collect, &rows), 0);
	assert_int_equal(rows.n, 1);
	assert_int_equal(rows.count[0], 6);
	assert_string_equal(rows.status[0], "open");
	store_close(s);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_dedup),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_evict),
		cmocka_unit_test(test_cef),
		cmocka_unit_test(test_store),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
