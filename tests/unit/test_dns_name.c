/* Unit tests for dns_name.c: decompression limits and presentation form. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dns_name.h"

/* Unpack the name at pos in msg and render it; returns the status. */
static enum dns_name_status unpack_text(const uint8_t *msg, size_t len, size_t *pos, char *text,
                                        size_t cap)
{
	uint8_t wire[DNS_NAME_MAXWIRE];
	size_t wlen;
	enum dns_name_status s = dns_name_unpack(msg, len, pos, wire, &wlen);
	if (s == DNS_NAME_OK) {
		struct tbuf b;
		tbuf_init(&b, text, cap);
		dns_name_render(&b, wire, wlen);
		ck_assert_int_ge(tbuf_finish(&b), 0);
	}
	return s;
}

START_TEST(plain_name)
{
	static const uint8_t msg[] = {3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0};
	char text[DNS_NAME_MAXTEXT];
	size_t pos = 0;
	ck_assert_int_eq(unpack_text(msg, sizeof(msg), &pos, text, sizeof(text)), DNS_NAME_OK);
	ck_assert_str_eq(text, "www.example.");
	ck_assert_uint_eq(pos, sizeof(msg));
}
END_TEST

START_TEST(root_name)
{
	static const uint8_t msg[] = {0};
	char text[DNS_NAME_MAXTEXT];
	size_t pos = 0;
	ck_assert_int_eq(unpack_text(msg, sizeof(msg), &pos, text, sizeof(text)), DNS_NAME_OK);
	ck_assert_str_eq(text, ".");
	ck_assert_uint_eq(pos, 1);
}
END_TEST

START_TEST(backward_pointer)
{
	/* "example." at 0, then "www" + pointer to 0 at 9 */
	static const uint8_t msg[] = {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
	                              3, 'w', 'w', 'w', 0xC0, 0};
	char text[DNS_NAME_MAXTEXT];
	size_t pos = 9;
	ck_assert_int_eq(unpack_text(msg, sizeof(msg), &pos, text, sizeof(text)), DNS_NAME_OK);
	ck_assert_str_eq(text, "www.example.");
	ck_assert_uint_eq(pos, sizeof(msg)); /* just past the pointer */
}
END_TEST

START_TEST(self_pointer_loop)
{
	static const uint8_t msg[] = {0xC0, 0};
	uint8_t wire[DNS_NAME_MAXWIRE];
	size_t wlen, pos = 0;
	ck_assert_int_eq(dns_name_unpack(msg, sizeof(msg), &pos, wire, &wlen), DNS_NAME_BAD_POINTER);
	ck_assert_uint_eq(pos, 0);
}
END_TEST

START_TEST(mutual_pointer_loop)
{
	/* 0: "a" -> ptr 4 ; 4: "b" -> ptr 0: the second jump is not below the first target */
	static const uint8_t msg[] = {1, 'a', 0xC0, 4, 1, 'b', 0xC0, 0};
	uint8_t wire[DNS_NAME_MAXWIRE];
	size_t wlen, pos = 4;
	ck_assert_int_eq(dns_name_unpack(msg, sizeof(msg), &pos, wire, &wlen), DNS_NAME_BAD_POINTER);
	pos = 0;
	ck_assert_int_eq(dns_name_unpack(msg, sizeof(msg), &pos, wire, &wlen), DNS_NAME_BAD_POINTER);
}
END_TEST

START_TEST(forward_pointer)
{
	static const uint8_t msg[] = {0xC0, 2, 0};
	uint8_t wire[DNS_NAME_MAXWIRE];
	size_t wlen, pos = 0;
	ck_assert_int_eq(dns_name_unpack(msg, sizeof(msg), &pos, wire, &wlen), DNS_NAME_BAD_POINTER);
}
END_TEST

START_TEST(reserved_label_types)
{
	static const uint8_t ext[] = {0x41, 0};
	static const uint8_t res[] = {0x80, 0};
	uint8_t wire[DNS_NAME_MAXWIRE];
	size_t wlen, pos = 0;
	ck_assert_int_eq(dns_name_unpack(ext, sizeof(ext), &pos, wire, &wlen), DNS_NAME_LABEL_TYPE);
	pos = 0;
	ck_assert_int_eq(dns_name_unpack(res, sizeof(res), &pos, wire, &wlen), DNS_NAME_LABEL_TYPE);
}
END_TEST

START_TEST(truncated_label_and_pointer)
{
	static const uint8_t lab[] = {5, 'a', 'b'};
	static const uint8_t ptr[] = {3, 'a', 'b', 'c', 0xC0};
	static const uint8_t noroot[] = {1, 'a'};
	uint8_t wire[DNS_NAME_MAXWIRE];
	size_t wlen, pos = 0;
	ck_assert_int_eq(dns_name_unpack(lab, sizeof(lab), &pos, wire, &wlen), DNS_NAME_TRUNCATED);
	pos = 0;
	ck_assert_int_eq(dns_name_unpack(ptr, sizeof(ptr), &pos, wire, &wlen), DNS_NAME_TRUNCATED);
	pos = 0;
	ck_assert_int_eq(dns_name_unpack(noroot, sizeof(noroot), &pos, wire, &wlen),
	                 DNS_NAME_TRUNCATED);
}
END_TEST

START_TEST(name_too_long)
{
	/* 5 labels of 63 octets: 5 * 64 + 1 = 321 > 255 */
	uint8_t msg[5 * 64 + 1];
	memset(msg, 'x', sizeof(msg));
	for (int i = 0; i < 5; i++)
		msg[i * 64] = 63;
	msg[5 * 64] = 0;
	uint8_t wire[DNS_NAME_MAXWIRE];
	size_t wlen, pos = 0;
	ck_assert_int_eq(dns_name_unpack(msg, sizeof(msg), &pos, wire, &wlen), DNS_NAME_TOO_LONG);

	/* exactly 255: three 63-octet labels, one 61-octet label, root */
	uint8_t ok[3 * 64 + 62 + 1];
	memset(ok, 'y', sizeof(ok));
	ok[0] = ok[64] = ok[128] = 63;
	ok[192] = 61;
	ok[254] = 0;
	pos = 0;
	ck_assert_int_eq(dns_name_unpack(ok, sizeof(ok), &pos, wire, &wlen), DNS_NAME_OK);
	ck_assert_uint_eq(wlen, 255);
}
END_TEST

START_TEST(escaping)
{
	/* label bytes: a . b \ " space NUL tab newline DEL 0xff ; */
	static const uint8_t msg[] = {12, 'a', '.', 'b', '\\', '"', ' ', 0, '\t', '\n', 0x7F, 0xFF, ';', 0};
	char text[DNS_NAME_MAXTEXT];
	size_t pos = 0;
	ck_assert_int_eq(unpack_text(msg, sizeof(msg), &pos, text, sizeof(text)), DNS_NAME_OK);
	ck_assert_str_eq(text, "a\\.b\\\\\\\"\\032\\000\\009\\010\\127\\255\\;.");
	for (const char *p = text; *p; p++)
		ck_assert(*p > 0x20 && *p < 0x7F);
}
END_TEST

/*
 * A name rendered into a buffer with less room than its worst case (which
 * goes through a copy) reads the same as with plenty of room, or sets the
 * overflow flag when it does not fit; nothing is written past the buffer.
 */
START_TEST(render_into_short_buffers)
{
	static const uint8_t wire[] = {3, 'a', '.', 'b', 4, 0x00, '"', 0xff, 'z', 3, 'c', 'o', 'm', 0};
	static const char want[] = "a\\.b.\\000\\\"\\255z.com.";
	size_t wlen = strlen(want);
	for (size_t cap = 1; cap <= sizeof(wire) * 4 + 8; cap++) {
		char text[80];
		memset(text, '#', sizeof(text));
		struct tbuf b;
		tbuf_init(&b, text, cap);
		dns_name_render(&b, wire, sizeof(wire));
		long n = tbuf_finish(&b);
		if (cap > wlen) {
			ck_assert_int_eq(n, (long)wlen);
			ck_assert_str_eq(text, want);
		} else {
			ck_assert_int_eq(n, -1);
		}
		for (size_t i = cap; i < sizeof(text); i++)
			ck_assert_int_eq(text[i], '#');
	}
}
END_TEST

START_TEST(case_insensitive_equal)
{
	static const uint8_t a[] = {3, 'W', 'w', 'W', 0};
	static const uint8_t b[] = {3, 'w', 'W', 'w', 0};
	static const uint8_t c[] = {3, 'w', 'w', 'x', 0};
	ck_assert(dns_name_equal(a, sizeof(a), b, sizeof(b)));
	ck_assert(!dns_name_equal(a, sizeof(a), c, sizeof(c)));
	ck_assert(!dns_name_equal(a, sizeof(a), b, sizeof(b) - 1));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dns_name");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, plain_name);
	tcase_add_test(tc, root_name);
	tcase_add_test(tc, backward_pointer);
	tcase_add_test(tc, self_pointer_loop);
	tcase_add_test(tc, mutual_pointer_loop);
	tcase_add_test(tc, forward_pointer);
	tcase_add_test(tc, reserved_label_types);
	tcase_add_test(tc, truncated_label_and_pointer);
	tcase_add_test(tc, name_too_long);
	tcase_add_test(tc, escaping);
	tcase_add_test(tc, render_into_short_buffers);
	tcase_add_test(tc, case_insensitive_equal);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
