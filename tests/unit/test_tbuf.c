/* Unit tests for tbuf.c: bounded appends, the overflow flag, numbers, hex, base64. */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tbuf.h"
#include "check_run.h"

START_TEST(put_and_finish)
{
	char buf[16];
	struct tbuf b;
	tbuf_init(&b, buf, sizeof(buf));
	tbuf_puts(&b, "abc");
	tbuf_putc(&b, '-');
	tbuf_put(&b, "xyz!", 3);
	ck_assert(!b.overflow);
	ck_assert_int_eq(tbuf_finish(&b), 7);
	ck_assert_str_eq(buf, "abc-xyz");
}
END_TEST

START_TEST(capacity_counts_the_nul)
{
	char buf[4];
	struct tbuf b;
	tbuf_init(&b, buf, sizeof(buf));
	tbuf_puts(&b, "abc"); /* 3 + NUL = 4: fits */
	ck_assert(!b.overflow);
	ck_assert_int_eq(tbuf_finish(&b), 3);
	ck_assert_str_eq(buf, "abc");

	tbuf_init(&b, buf, sizeof(buf));
	tbuf_puts(&b, "abcd"); /* 4 + NUL: does not */
	ck_assert(b.overflow);
	ck_assert_int_eq(tbuf_finish(&b), -1);
	ck_assert_uint_lt(strlen(buf), sizeof(buf)); /* still terminated inside */

	tbuf_init(&b, buf, sizeof(buf));
	tbuf_puts(&b, "abc");
	tbuf_putc(&b, 'd');
	ck_assert(b.overflow);
	ck_assert_int_eq(tbuf_finish(&b), -1);
	ck_assert_str_eq(buf, "abc");
}
END_TEST

START_TEST(overflow_is_sticky)
{
	char buf[8];
	struct tbuf b;
	tbuf_init(&b, buf, sizeof(buf));
	tbuf_puts(&b, "abcde");
	tbuf_puts(&b, "xyz"); /* 8 > 7: dropped */
	ck_assert(b.overflow);
	tbuf_putc(&b, 'q'); /* would fit, but output after an overflow is dropped */
	tbuf_puts(&b, "r");
	tbuf_u64(&b, 1);
	tbuf_hex(&b, (const uint8_t *)"\x01", 1);
	ck_assert(b.overflow);
	ck_assert_int_eq(tbuf_finish(&b), -1);
	ck_assert_str_eq(buf, "abcde");
}
END_TEST

START_TEST(zero_capacity)
{
	struct tbuf b;
	tbuf_init(&b, NULL, 0);
	ck_assert(b.overflow);
	tbuf_putc(&b, 'a');
	tbuf_puts(&b, "");
	ck_assert_int_eq(tbuf_finish(&b), -1);

	/* capacity 1 holds only the NUL */
	char one[1] = {'x'};
	tbuf_init(&b, one, 1);
	ck_assert(!b.overflow);
	ck_assert_int_eq(tbuf_finish(&b), 0);
	ck_assert_int_eq(one[0], '\0');
	tbuf_init(&b, one, 1);
	tbuf_putc(&b, 'a');
	ck_assert_int_eq(tbuf_finish(&b), -1);
	ck_assert_int_eq(one[0], '\0');
}
END_TEST

START_TEST(u64_decimal)
{
	static const struct {
		uint64_t v;
		const char *s;
	} cases[] = {
		{0, "0"},
		{7, "7"},
		{10, "10"},
		{65535, "65535"},
		{4294967296ULL, "4294967296"},
		{1234567890123456789ULL, "1234567890123456789"},
		{UINT64_MAX, "18446744073709551615"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[32];
		struct tbuf b;
		tbuf_init(&b, buf, sizeof(buf));
		tbuf_putc(&b, '<');
		tbuf_u64(&b, cases[i].v);
		tbuf_putc(&b, '>');
		ck_assert_int_ge(tbuf_finish(&b), 0);
		char want[32] = "<";
		strcat(want, cases[i].s);
		strcat(want, ">");
		ck_assert_str_eq(buf, want);
	}
}
END_TEST

START_TEST(u64_overflow)
{
	char buf[5];
	struct tbuf b;
	tbuf_init(&b, buf, sizeof(buf));
	tbuf_u64(&b, 12345); /* five digits + NUL > 5 */
	ck_assert(b.overflow);
	ck_assert_int_eq(tbuf_finish(&b), -1);

	tbuf_init(&b, buf, sizeof(buf));
	tbuf_u64(&b, 1234);
	ck_assert_int_eq(tbuf_finish(&b), 4);
	ck_assert_str_eq(buf, "1234");
}
END_TEST

START_TEST(hex_upper_case)
{
	static const uint8_t in[] = {0x00, 0x01, 0x7F, 0x80, 0xAB, 0xCD, 0xEF, 0xFF};
	char buf[32];
	struct tbuf b;
	tbuf_init(&b, buf, sizeof(buf));
	tbuf_hex(&b, in, sizeof(in));
	ck_assert_int_eq(tbuf_finish(&b), 16);
	ck_assert_str_eq(buf, "00017F80ABCDEFFF");

	tbuf_init(&b, buf, sizeof(buf));
	tbuf_hex(&b, in, 0);
	ck_assert_int_eq(tbuf_finish(&b), 0);
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(hex_overflow)
{
	static const uint8_t in[] = {0x12, 0x34};
	char buf[5];
	struct tbuf b;
	tbuf_init(&b, buf, sizeof(buf)); /* 4 digits + NUL: fits exactly */
	tbuf_hex(&b, in, 2);
	ck_assert_int_eq(tbuf_finish(&b), 4);
	ck_assert_str_eq(buf, "1234");

	tbuf_init(&b, buf, 4); /* one short */
	tbuf_hex(&b, in, 2);
	ck_assert(b.overflow);
	ck_assert_int_eq(tbuf_finish(&b), -1);

	/* a count whose doubling would wrap must not pass the check */
	tbuf_init(&b, buf, sizeof(buf));
	tbuf_hex(&b, in, SIZE_MAX / 2 + 1);
	ck_assert(b.overflow);
}
END_TEST

/* RFC 4648 section 10 test vectors. */
START_TEST(base64_rfc4648_vectors)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		{"", ""},
		{"f", "Zg=="},
		{"fo", "Zm8="},
		{"foo", "Zm9v"},
		{"foob", "Zm9vYg=="},
		{"fooba", "Zm9vYmE="},
		{"foobar", "Zm9vYmFy"},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char buf[32];
		struct tbuf b;
		tbuf_init(&b, buf, sizeof(buf));
		tbuf_base64(&b, (const uint8_t *)v[i].in, strlen(v[i].in));
		ck_assert_int_eq(tbuf_finish(&b), (long)strlen(v[i].out));
		ck_assert_str_eq(buf, v[i].out);
	}
}
END_TEST

START_TEST(base64_high_bytes)
{
	/* 0xFB 0xFF -> 111110 111111 111100 -> "+/8=" (the last two alphabet letters) */
	static const uint8_t in[] = {0xFB, 0xFF};
	/* 0x00 0x00 0x00 -> "AAAA"; 0xFF 0xFF 0xFF -> "////" */
	static const uint8_t zeros[] = {0, 0, 0}, ones[] = {0xFF, 0xFF, 0xFF};
	char buf[32];
	struct tbuf b;
	tbuf_init(&b, buf, sizeof(buf));
	tbuf_base64(&b, in, sizeof(in));
	tbuf_base64(&b, zeros, sizeof(zeros));
	tbuf_base64(&b, ones, sizeof(ones));
	ck_assert_int_ge(tbuf_finish(&b), 0);
	ck_assert_str_eq(buf, "+/8=AAAA////");
}
END_TEST

START_TEST(base64_overflow)
{
	char buf[8];
	struct tbuf b;
	tbuf_init(&b, buf, sizeof(buf)); /* "Zm9vYmFy" is 8 chars + NUL */
	tbuf_base64(&b, (const uint8_t *)"foobar", 6);
	ck_assert(b.overflow);
	ck_assert_int_eq(tbuf_finish(&b), -1);

	tbuf_init(&b, buf, sizeof(buf)); /* "Zm9vYg==" needs 9 too */
	tbuf_base64(&b, (const uint8_t *)"foob", 4);
	ck_assert_int_eq(tbuf_finish(&b), -1);

	tbuf_init(&b, buf, sizeof(buf));
	tbuf_base64(&b, (const uint8_t *)"foo", 3);
	ck_assert_int_eq(tbuf_finish(&b), 4);
	ck_assert_str_eq(buf, "Zm9v");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tbuf");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, put_and_finish);
	tcase_add_test(tc, capacity_counts_the_nul);
	tcase_add_test(tc, overflow_is_sticky);
	tcase_add_test(tc, zero_capacity);
	tcase_add_test(tc, u64_decimal);
	tcase_add_test(tc, u64_overflow);
	tcase_add_test(tc, hex_upper_case);
	tcase_add_test(tc, hex_overflow);
	tcase_add_test(tc, base64_rfc4648_vectors);
	tcase_add_test(tc, base64_high_bytes);
	tcase_add_test(tc, base64_overflow);
	suite_add_tcase(s, tc);
	return check_run(s);
}
