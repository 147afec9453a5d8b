/*
 * test_proto_modbus.c - Modbus/TCP requests, responses, exceptions and
 * Read Device Identification, built byte by byte, fed whole, byte by byte
 * and split at every byte; and every malformation.
 */
#include "wire_test.h"

static void
mbap(struct msg *m, unsigned int tid, unsigned int unit, const uint8_t *pdu,
    size_t n)
{
	put16(m, tid);
	put16(m, 0);
	put16(m, (unsigned int)(n + 1));
	put8(m, unit);
	putbytes(m, pdu, n);
}

static const struct observation *
one(struct fixture *fx, const struct msg *m, int dir)
{
	void *st = stream_state(&dissector_modbus);

	feed(fx, &dissector_modbus, st, dir, m->b, m->n, m->n);
	free(st);
	return nth(fx, OBS_MODBUS, count_kind(fx, OBS_MODBUS) - 1);
}

static void
test_read_write(void **state)
{
	struct fixture fx;
	struct msg req = { .n = 0 }, resp = { .n = 0 }, m = { .n = 0 };
	const struct observation *o;

	(void)state;
	mbap(&req, 1, 17, (const uint8_t *)"\x03\x00\x6b\x00\x03", 5);
	mbap(&resp, 1, 17, (const uint8_t *)"\x03\x06\x02\x2b\x00\x00\x00\x64",
	    8);
	assert_true(dissector_modbus.probe(req.b, req.n, 0));
	assert_false(dissector_modbus.probe((const uint8_t *)"\0\1\0\2\0\6",
	    6, 0));
	fixture_init(&fx, "10.0.0.5", "10.0.0.9", 40000, 502, IPPROTO_TCP_);
	o = one(&fx, &req, 0);
	assert_int_equal(get_u64(o, "transaction_id"), 1);
	assert_int_equal(get_u64(o, "unit_id"), 17);
	assert_int_equal(get_u64(o, "function"), 3);
	assert_str(o, "function_name", "read_holding_registers");
	assert_false(get_bool(o, "response"));
	assert_int_equal(get_u64(o, "address"), 0x6b);
	assert_int_equal(get_u64(o, "quantity"), 3);
	o = one(&fx, &resp, 1);
	assert_true(get_bool(o, "response"));
	assert_int_equal(get_u64(o, "byte_count"), 6);
	/* Write single register, write multiple, read/write multiple. */
	mbap(&m, 2, 1, (const uint8_t *)"\x06\x00\x01\x00\x03", 5);
	o = one(&fx, &m, 0);
	assert_int_equal(get_u64(o, "value"), 3);
	m.n = 0;
	mbap(&m, 3, 1, (const uint8_t *)"\x10\x00\x01\x00\x02\x04\0\x0a\x01\x02",
	    10);
	o = one(&fx, &m, 0);
	assert_int_equal(get_u64(o, "quantity"), 2);
	m.n = 0;
	mbap(&m, 4, 1, (const uint8_t *)"\x17\x00\x03\x00\x06\x00\x0e\x00\x03"
	    "\x06\0\xff\0\xff\0\xff", 16);
	o = one(&fx, &m, 0);
	assert_int_equal(get_u64(o, "write_address"), 14);
	assert_int_equal(get_u64(o, "write_quantity"), 3);
	assert_malformed(&fx, MAL_MODBUS_BAD_PDU, 0);
	fixture_free(&fx);
	check_splits(&dissector_modbus, &req, 0, OBS_MODBUS, 1);
	check_splits(&dissector_modbus, &resp, 1, OBS_MODBUS, 1);
}

static void
test_exception(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };
	const struct observation *o;

	(void)state;
	mbap(&m, 9, 1, (const uint8_t *)"\x81\x02", 2);
	fixture_init(&fx, "10.0.0.9", "10.0.0.5", 502, 40000, IPPROTO_TCP_);
	o = one(&fx, &m, 1);
	assert_int_equal(get_u64(o, "function"), 1);
	assert_int_equal(get_u64(o, "exception"), 2);
	assert_str(o, "exception_name", "illegal_data_address");
	assert_malformed(&fx, MAL_MODBUS_BAD_PDU, 0);
	fixture_free(&fx);
}

static void
test_device_id(void **state)
{
	struct fixture fx;
	struct msg req = { .n = 0 }, resp = { .n = 0 }, pdu = { .n = 0 };
	const struct observation *o;

	(void)state;
	mbap(&req, 5, 1, (const uint8_t *)"\x2b\x0e\x01\x00", 4);
	putbytes(&pdu, "\x2b\x0e\x01\x81\x00\x00\x03", 7);
	put8(&pdu, 0);
	put8(&pdu, 9);
	putstr(&pdu, "MedVendor");
	put8(&pdu, 1);
	put8(&pdu, 6);
	putstr(&pdu, "PUMP-7");
	put8(&pdu, 2);
	put8(&pdu, 5);
	putstr(&pdu, "V2.11");
	mbap(&resp, 5, 1, pdu.b, pdu.n);
	fixture_init(&fx, "10.0.0.5", "10.0.0.9", 40000, 502, IPPROTO_TCP_);
	o = one(&fx, &req, 0);
	assert_int_equal(get_u64(o, "mei_type"), 14);
	assert_int_equal(get_u64(o, "device_id_code"), 1);
	assert_int_equal(get_u64(o, "object_id"), 0);
	o = one(&fx, &resp, 1);
	assert_str(o, "function_name", "encapsulated_interface_transport");
	assert_str(o, "vendor", "MedVendor");
	assert_str(o, "product_code", "PUMP-7");
	assert_str(o, "revision", "V2.11");
	assert_int_equal(get_u64(o, "conformity"), 0x81);
	assert_malformed(&fx, MAL_MODBUS_BAD_PDU, 0);
	fixture_free(&fx);
	check_splits(&dissector_modbus, &resp, 1, OBS_MODBUS, 1);
}

static void
expect_bad(const struct msg *m, int dir, enum malform k)
{
	struct fixture fx;
	void *st;

	fixture_init(&fx, "10.0.0.5", "10.0.0.9", 40000, 502, IPPROTO_TCP_);
	st = stream_state(&dissector_modbus);
	feed(&fx, &dissector_modbus, st, dir, m->b, m->n, m->n);
	assert_malformed(&fx, k, 1);
	free(st);
	fixture_free(&fx);
}

static void
test_malformed(void **state)
{
	struct msg m = { .n = 0 };

	(void)state;
	putbytes(&m, "\0\1\0\1\0\6\1\3\0\0\0\1", 12);	/* protocol id 1 */
	expect_bad(&m, 0, MAL_MODBUS_BAD_MBAP);
	m.n = 0;
	putbytes(&m, "\0\1\0\0\0\1\1", 7);		/* length 1 */
	expect_bad(&m, 0, MAL_MODBUS_BAD_MBAP);
	m.n = 0;
	putbytes(&m, "\0\1\0\0\1\0\1", 7);		/* length 256 */
	expect_bad(&m, 0, MAL_MODBUS_BAD_MBAP);
	m.n = 0;
	mbap(&m, 1, 1, (const uint8_t *)"\x03\x00", 2);	/* data short */
	expect_bad(&m, 0, MAL_MODBUS_BAD_PDU);
	m.n = 0;
	mbap(&m, 1, 1, (const uint8_t *)"\x00", 1);	/* function 0 */
	expect_bad(&m, 0, MAL_MODBUS_BAD_PDU);
	m.n = 0;
	mbap(&m, 1, 1, (const uint8_t *)"\x83\x02", 2);	/* in a request */
	expect_bad(&m, 0, MAL_MODBUS_BAD_PDU);
	m.n = 0;
	mbap(&m, 1, 1, (const uint8_t *)"\x83", 1);	/* no code */
	expect_bad(&m, 1, MAL_MODBUS_BAD_PDU);
	m.n = 0;						/* object past */
	mbap(&m, 1, 1, (const uint8_t *)"\x2b\x0e\x01\x01\0\0\x01\0\x09V",
	    10);
	expect_bad(&m, 1, MAL_MODBUS_BAD_PDU);
}

static void
test_gap(void **state)
{
	struct fixture fx;
	struct msg m = { .n = 0 };
	void *st;

	(void)state;
	mbap(&m, 1, 1, (const uint8_t *)"\x01\x00\x00\x00\x08", 5);
	fixture_init(&fx, "10.0.0.5", "10.0.0.9", 40000, 502, IPPROTO_TCP_);
	st = stream_state(&dissector_modbus);
	dissector_modbus.gap(&fx.ctx, st);
	feed(&fx, &dissector_modbus, st, 0, m.b, m.n, 1);
	assert_int_equal(count_kind(&fx, OBS_MODBUS), 0);
	/* The other direction is not affected. */
	feed(&fx, &dissector_modbus, st, 1, m.b, m.n, 2);
	assert_int_equal(count_kind(&fx, OBS_MODBUS), 1);
	free(st);
	fixture_free(&fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_write),
		cmocka_unit_test(test_exception),
		cmocka_unit_test(test_device_id),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_gap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
