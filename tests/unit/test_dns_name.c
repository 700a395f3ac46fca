/* Unit tests for dns_name.c: decompression limits and presentation form. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dns_name.h"
#include "check_run.h"

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

/* Parse text; the wire form or NULL with the reason in *why. */
static size_t from_text(const char *text, uint8_t *w, const char **why)
{
	size_t wlen = 0;
	*why = dns_name_from_text(text, strlen(text), w, &wlen);
	return *why ? 0 : wlen;
}

START_TEST(from_text_plain_and_escapes)
{
	uint8_t w[DNS_NAME_MAXWIRE];
	const char *why;
	static const uint8_t ex[] = {3, 'W', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0};
	ck_assert_uint_eq(from_text("Www.example", w, &why), sizeof(ex));
	ck_assert(memcmp(w, ex, sizeof(ex)) == 0);
	ck_assert_uint_eq(from_text("Www.example.", w, &why), sizeof(ex)); /* trailing dot */
	ck_assert(memcmp(w, ex, sizeof(ex)) == 0);
	/* \DDD and \X give the same octets as the plain spelling */
	ck_assert_uint_eq(from_text("\\087w\\w.ex\\097mple", w, &why), sizeof(ex));
	ck_assert(memcmp(w, ex, sizeof(ex)) == 0);
	/* an escaped dot stays inside its label */
	static const uint8_t dot[] = {3, 'a', '.', 'b', 1, 'c', 0};
	ck_assert_uint_eq(from_text("a\\.b.c", w, &why), sizeof(dot));
	ck_assert(memcmp(w, dot, sizeof(dot)) == 0);
	static const uint8_t bin[] = {3, 0, 255, '\\', 0};
	ck_assert_uint_eq(from_text("\\000\\255\\\\", w, &why), sizeof(bin));
	ck_assert(memcmp(w, bin, sizeof(bin)) == 0);
	ck_assert_uint_eq(from_text(".", w, &why), 1);
	ck_assert_uint_eq(w[0], 0);
}
END_TEST

START_TEST(from_text_refuses)
{
	uint8_t w[DNS_NAME_MAXWIRE];
	const char *why;
	static const struct {
		const char *text, *why;
	} bad[] = {
		{"", "empty name"},
		{"a..b", "empty label"},
		{".a", "empty label"},
		{"a.b..", "empty label"},
		{"a\\25", "bad escape"},
		{"a\\256", "bad escape"},
		{"a\\", "bad escape"},
		{"a\\1x2", "bad escape"},
		{"a b", "character outside printable ASCII"},
		{"caf\xc3\xa9.fr", "character outside printable ASCII"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_uint_eq(from_text(bad[i].text, w, &why), 0);
		ck_assert_msg(strncmp(why, bad[i].why, strlen(bad[i].why)) == 0, "%s: %s", bad[i].text,
		              why);
	}
}
END_TEST

START_TEST(from_text_limits)
{
	uint8_t w[DNS_NAME_MAXWIRE];
	const char *why;
	char text[600];
	/* a 63-octet label is fine, 64 is not */
	memset(text, 'a', 63);
	strcpy(text + 63, ".com");
	ck_assert_uint_eq(from_text(text, w, &why), 1 + 63 + 4 + 1);
	memset(text, 'a', 64);
	strcpy(text + 64, ".com");
	ck_assert_uint_eq(from_text(text, w, &why), 0);
	ck_assert_str_eq(why, "label longer than 63 octets");
	/* 127 one-octet labels make 255 octets with the root; 128 do not fit */
	size_t n = 0;
	for (int i = 0; i < 127; i++) {
		text[n++] = 'x';
		text[n++] = '.';
	}
	text[n] = '\0';
	ck_assert_uint_eq(from_text(text, w, &why), 255);
	text[n++] = 'x';
	text[n] = '\0';
	ck_assert_uint_eq(from_text(text, w, &why), 0);
	ck_assert_str_eq(why, "name longer than 255 octets");
	/* escapes count as the one octet they stand for */
	n = 0;
	for (int i = 0; i < 63; i++) {
		memcpy(text + n, "\\065", 4);
		n += 4;
	}
	text[n] = '\0';
	ck_assert_uint_eq(from_text(text, w, &why), 65);
}
END_TEST

START_TEST(lower_ascii_only)
{
	uint8_t w[] = {4, 'A', 'z', 0xC4, '[', 1, 'Z', 0};
	static const uint8_t want[] = {4, 'a', 'z', 0xC4, '[', 1, 'z', 0};
	dns_name_lower(w, sizeof(w));
	ck_assert(memcmp(w, want, sizeof(w)) == 0);
}
END_TEST

/* Every octet value, at every place of a buffer (eight at a time and the rest). */
START_TEST(lower_every_octet)
{
	uint8_t w[19];
	for (unsigned v = 0; v < 256; v++) {
		for (size_t at = 0; at < sizeof(w); at++) {
			for (size_t i = 0; i < sizeof(w); i++)
				w[i] = (uint8_t)(i == at ? v : 0xC0 + i); /* neighbours: not letters */
			dns_name_lower(w, sizeof(w));
			unsigned want = v >= 'A' && v <= 'Z' ? v + 32 : v;
			ck_assert_uint_eq(w[at], want);
			for (size_t i = 0; i < sizeof(w); i++)
				if (i != at)
					ck_assert_uint_eq(w[i], 0xC0 + i);
		}
	}
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
	tcase_add_test(tc, from_text_plain_and_escapes);
	tcase_add_test(tc, from_text_refuses);
	tcase_add_test(tc, from_text_limits);
	tcase_add_test(tc, lower_ascii_only);
	tcase_add_test(tc, lower_every_octet);
	suite_add_tcase(s, tc);
	return check_run(s);
}
