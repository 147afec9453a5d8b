/*
 * test_cursor.c - the bounds-checked reader never reads past its end and
 * never moves on failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ward/cursor.h"

static void
test_integers(void **state)
{
	static const uint8_t b[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
		0x07, 0x08, 0x09 };
	struct cursor c = cur_make(b, sizeof(b));
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	(void)state;
	assert_int_equal(cur_u8(&c, &u8), 0);
	assert_int_equal(u8, 0x01);
	assert_int_equal(cur_be16(&c, &u16), 0);
	assert_int_equal(u16, 0x0203);
	assert_int_equal(cur_le16(&c, &u16), 0);
	assert_int_equal(u16, 0x0504);
	assert_int_equal(cur_be32(&c, &u32), 0);
	assert_int_equal(u32, 0x06070809);
	assert_int_equal(cur_left(&c), 0);
	assert_int_equal(cur_u8(&c, &u8), -1);

	c = cur_make(b, sizeof(b));
	assert_int_equal(cur_be64(&c, &u64), 0);
	assert_true(u64 == 0x0102030405060708ULL);
	c = cur_make(b, sizeof(b));
	assert_int_equal(cur_le64(&c, &u64), 0);
	assert_true(u64 == 0x0807060504030201ULL);
	c = cur_make(b, 3);
	assert_int_equal(cur_be24(&c, &u32), 0);
	assert_int_equal(u32, 0x010203);
	c = cur_make(b, 4);
	assert_int_equal(cur_le32(&c, &u32), 0);
	assert_int_equal(u32, 0x04030201);
}

static void
test_short_reads_do_not_move(void **state)
{
	static const uint8_t b[] = { 0xaa, 0xbb, 0xcc };
	struct cursor c = cur_make(b, sizeof(b));
	struct cursor sub;
	uint32_t u32;
	uint64_t u64;
	uint16_t u16;
	uint8_t out[4];

	(void)state;
	assert_int_equal(cur_be32(&c, &u32), -1);
	assert_int_equal(cur_le32(&c, &u32), -1);
	assert_int_equal(cur_be64(&c, &u64), -1);
	assert_int_equal(cur_le64(&c, &u64), -1);
	assert_int_equal(cur_bytes(&c, out, 4), -1);
	assert_int_equal(cur_skip(&c, 4), -1);
	assert_int_equal(cur_sub(&c, 4, &sub), -1);
	assert_int_equal(cur_truncate(&c, 4), -1);
	assert_int_equal(cur_left(&c), 3);
	assert_ptr_equal(c.p, b);

	/* A 64-bit read that fails half way leaves the cursor where it was. */
	{
		static const uint8_t six[6] = { 1, 2, 3, 4, 5, 6 };
		struct cursor d = cur_make(six, sizeof(six));

		assert_int_equal(cur_be64(&d, &u64), -1);
		assert_int_equal(cur_left(&d), 6);
		assert_int_equal(cur_le64(&d, &u64), -1);
		assert_int_equal(cur_left(&d), 6);
	}

	assert_int_equal(cur_peek_be16(&c, 1, &u16), 0);
	assert_int_equal(u16, 0xbbcc);
	assert_int_equal(cur_peek_be16(&c, 2, &u16), -1);
	assert_int_equal(cur_peek_be16(&c, (size_t)-1, &u16), -1);
}

static void
test_sub_and_truncate(void **state)
{
	static const uint8_t b[] = { 3, 'a', 'b', 'c', 9 };
	struct cursor c = cur_make(b, sizeof(b));
	struct cursor sub;
	uint8_t n, v;

	(void)state;
	assert_int_equal(cur_u8(&c, &n), 0);
	assert_int_equal(cur_sub(&c, n, &sub), 0);
	assert_int_equal(cur_left(&sub), 3);
	assert_int_equal(sub.p[0], 'a');
	assert_int_equal(cur_u8(&c, &v), 0);
	assert_int_equal(v, 9);

	c = cur_make(b, sizeof(b));
	assert_int_equal(cur_truncate(&c, 2), 0);
	assert_int_equal(cur_skip(&c, 2), 0);
	assert_int_equal(cur_u8(&c, &v), -1);
	assert_int_equal(cur_peek_u8(&c, 0, &v), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_short_reads_do_not_move),
		cmocka_unit_test(test_sub_and_truncate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
