/* Unit tests for wire.h: big-endian reads, bounds and the sticky error. */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"
#include "wirebuild.h"
#include "check_run.h"

START_TEST(big_endian_reads)
{
	static const uint8_t src[] = {0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0, 0xFF};
	uint8_t *buf = wb_dup_exact(src, sizeof(src));
	struct wire_rd r;
	wire_rd_init(&r, buf, sizeof(src));
	ck_assert_uint_eq(wire_rd_left(&r), 9);
	ck_assert_uint_eq(wire_u8(&r), 0x12);
	ck_assert_uint_eq(wire_u16(&r), 0x3456);
	ck_assert_uint_eq(wire_u32(&r), 0x789ABCDEu);
	ck_assert_uint_eq(wire_rd_left(&r), 2);
	ck_assert_uint_eq(wire_u16(&r), 0xF0FF);
	ck_assert(wire_rd_ok(&r));
	ck_assert_uint_eq(r.pos, 9);
	ck_assert_uint_eq(wire_rd_left(&r), 0);
	free(buf);
}
END_TEST

START_TEST(high_bit_values)
{
	/* no sign extension anywhere */
	static const uint8_t src[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
	uint8_t *buf = wb_dup_exact(src, sizeof(src));
	struct wire_rd r;
	wire_rd_init(&r, buf, sizeof(src));
	ck_assert_uint_eq(wire_u8(&r), 0xFF);
	ck_assert_uint_eq(wire_u16(&r), 0xFFFF);
	ck_assert_uint_eq(wire_u32(&r), 0xFFFFFFFFu);
	ck_assert(wire_rd_ok(&r));
	free(buf);
}
END_TEST

START_TEST(read_past_end_is_sticky)
{
	static const uint8_t src[] = {1, 2, 3};
	uint8_t *buf = wb_dup_exact(src, sizeof(src));
	struct wire_rd r;
	wire_rd_init(&r, buf, sizeof(src));
	ck_assert_uint_eq(wire_u32(&r), 0); /* only 3 bytes */
	ck_assert(!wire_rd_ok(&r));
	ck_assert_uint_eq(wire_rd_left(&r), 0);
	/* Bytes remain, but after an error every read fails and returns zero. */
	ck_assert_uint_eq(wire_u8(&r), 0);
	ck_assert_uint_eq(wire_u16(&r), 0);
	ck_assert_ptr_null(wire_bytes(&r, 1));
	ck_assert(!wire_rd_need(&r, 0));
	ck_assert(!wire_rd_ok(&r));
	uint16_t v = 0xAAAA;
	ck_assert(!wire_peek_u16(&r, 0, &v));
	ck_assert_uint_eq(v, 0xAAAA);
	free(buf);
}
END_TEST

START_TEST(exact_end_then_one_more)
{
	static const uint8_t src[] = {0xAB, 0xCD};
	uint8_t *buf = wb_dup_exact(src, sizeof(src));
	struct wire_rd r;
	wire_rd_init(&r, buf, sizeof(src));
	ck_assert_uint_eq(wire_u16(&r), 0xABCD);
	ck_assert(wire_rd_ok(&r));
	/* zero bytes at the end are available */
	ck_assert(wire_rd_need(&r, 0));
	ck_assert_ptr_nonnull(wire_bytes(&r, 0));
	ck_assert(wire_rd_ok(&r));
	ck_assert_uint_eq(wire_u8(&r), 0);
	ck_assert(!wire_rd_ok(&r));
	free(buf);
}
END_TEST

START_TEST(group_of_reads_one_check)
{
	/* a 4-byte record read as u16 + u16 + u16: the last one fails */
	static const uint8_t src[] = {0, 1, 0, 2};
	uint8_t *buf = wb_dup_exact(src, sizeof(src));
	struct wire_rd r;
	wire_rd_init(&r, buf, sizeof(src));
	uint16_t a = wire_u16(&r);
	uint16_t b = wire_u16(&r);
	uint16_t c = wire_u16(&r);
	ck_assert_uint_eq(a, 1);
	ck_assert_uint_eq(b, 2);
	ck_assert_uint_eq(c, 0);
	ck_assert(!wire_rd_ok(&r));
	free(buf);
}
END_TEST

START_TEST(bytes_and_skip)
{
	static const uint8_t src[] = {'a', 'b', 'c', 'd', 'e'};
	uint8_t *buf = wb_dup_exact(src, sizeof(src));
	struct wire_rd r;
	wire_rd_init(&r, buf, sizeof(src));
	const uint8_t *p = wire_bytes(&r, 2);
	ck_assert_ptr_eq(p, buf);
	wire_skip(&r, 1);
	p = wire_bytes(&r, 2);
	ck_assert_ptr_eq(p, buf + 3);
	ck_assert_uint_eq(r.pos, 5);
	ck_assert(wire_rd_ok(&r));

	wire_rd_init(&r, buf, sizeof(src));
	wire_skip(&r, 6);
	ck_assert(!wire_rd_ok(&r));

	/* a huge count must not wrap around the bounds check */
	wire_rd_init(&r, buf, sizeof(src));
	wire_skip(&r, 1);
	ck_assert_ptr_null(wire_bytes(&r, SIZE_MAX));
	ck_assert(!wire_rd_ok(&r));
	wire_rd_init(&r, buf, sizeof(src));
	wire_skip(&r, 2);
	ck_assert_ptr_null(wire_bytes(&r, SIZE_MAX - 1));
	ck_assert(!wire_rd_ok(&r));
	free(buf);
}
END_TEST

START_TEST(empty_region)
{
	struct wire_rd r;
	uint8_t *buf = malloc(1);
	wire_rd_init(&r, buf, 0);
	ck_assert(wire_rd_ok(&r));
	ck_assert_uint_eq(wire_rd_left(&r), 0);
	ck_assert_uint_eq(wire_u8(&r), 0);
	ck_assert(!wire_rd_ok(&r));
	free(buf);
}
END_TEST

START_TEST(peek_bounds)
{
	static const uint8_t src[] = {0x01, 0x02, 0x03, 0x04};
	uint8_t *buf = wb_dup_exact(src, sizeof(src));
	struct wire_rd r;
	wire_rd_init(&r, buf, sizeof(src));
	uint16_t v = 0;
	ck_assert(wire_peek_u16(&r, 0, &v));
	ck_assert_uint_eq(v, 0x0102);
	ck_assert(wire_peek_u16(&r, 2, &v));
	ck_assert_uint_eq(v, 0x0304);
	v = 0x5555;
	ck_assert(!wire_peek_u16(&r, 3, &v));
	ck_assert(!wire_peek_u16(&r, 4, &v));
	ck_assert(!wire_peek_u16(&r, 5, &v));
	ck_assert(!wire_peek_u16(&r, SIZE_MAX, &v));
	ck_assert(!wire_peek_u16(&r, SIZE_MAX - 1, &v));
	ck_assert_uint_eq(v, 0x5555);
	/* peeking neither moves nor fails the reader */
	ck_assert_uint_eq(r.pos, 0);
	ck_assert(wire_rd_ok(&r));
	ck_assert_uint_eq(wire_u8(&r), 0x01);
	free(buf);
}
END_TEST

START_TEST(sub_region)
{
	/* a reader over the first 3 bytes of a larger buffer stops at 3 */
	static const uint8_t src[] = {9, 8, 7, 6, 5};
	uint8_t *buf = wb_dup_exact(src, sizeof(src));
	struct wire_rd r;
	wire_rd_init(&r, buf, 3);
	ck_assert_uint_eq(wire_u16(&r), 0x0908);
	ck_assert_uint_eq(wire_u16(&r), 0);
	ck_assert(!wire_rd_ok(&r));
	free(buf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("wire");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, big_endian_reads);
	tcase_add_test(tc, high_bit_values);
	tcase_add_test(tc, read_past_end_is_sticky);
	tcase_add_test(tc, exact_end_then_one_more);
	tcase_add_test(tc, group_of_reads_one_check);
	tcase_add_test(tc, bytes_and_skip);
	tcase_add_test(tc, empty_region);
	tcase_add_test(tc, peek_bounds);
	tcase_add_test(tc, sub_region);
	suite_add_tcase(s, tc);
	return check_run(s);
}
