/*
 * Unit tests for net_addr.c: the text forms, against RFC 5952 examples and
 * against the C library's inet_ntop() on many addresses with zero groups.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net_addr.h"
#include "check_run.h"

static const char *text6(const char *in, char out[NET_ADDR_TEXT_MAX])
{
	uint8_t b[16];
	ck_assert_int_eq(inet_pton(AF_INET6, in, b), 1);
	int n = net_addr_text6(b, out);
	ck_assert_int_eq(n, (int)strlen(out));
	return out;
}

START_TEST(ipv4_dotted_quad)
{
	static const uint8_t a[4] = {0, 10, 100, 255};
	char buf[NET_ADDR_TEXT_MAX];
	ck_assert_int_eq(net_addr_text4(a, buf), 12);
	ck_assert_str_eq(buf, "0.10.100.255");
	struct net_addr n;
	net_addr_set4(&n, a);
	ck_assert_int_eq(net_addr_format(&n, buf), 12);
	ck_assert_str_eq(buf, "0.10.100.255");
}
END_TEST

/* RFC 5952 section 4: the recommended forms. */
START_TEST(ipv6_rfc5952)
{
	char buf[NET_ADDR_TEXT_MAX];
	ck_assert_str_eq(text6("2001:0db8:0000:0000:0000:0000:0000:0001", buf), "2001:db8::1");
	ck_assert_str_eq(text6("2001:db8:0:1:1:1:1:1", buf), "2001:db8:0:1:1:1:1:1");
	ck_assert_str_eq(text6("2001:db8:0:0:1:0:0:1", buf), "2001:db8::1:0:0:1");
	ck_assert_str_eq(text6("2001:0:0:1:0:0:0:1", buf), "2001:0:0:1::1");
	ck_assert_str_eq(text6("2001:DB8::ABCD", buf), "2001:db8::abcd");
	ck_assert_str_eq(text6("::", buf), "::");
	ck_assert_str_eq(text6("::1", buf), "::1");
	ck_assert_str_eq(text6("1::", buf), "1::");
	ck_assert_str_eq(text6("ff02::fb", buf), "ff02::fb");
	ck_assert_str_eq(text6("::ffff:192.0.2.1", buf), "::ffff:192.0.2.1");
	ck_assert_str_eq(text6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", buf),
	                 "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	struct net_addr n;
	uint8_t b[16];
	ck_assert_int_eq(inet_pton(AF_INET6, "fe80::1:2", b), 1);
	net_addr_set6(&n, b);
	ck_assert_int_eq(net_addr_format(&n, buf), 9);
	ck_assert_str_eq(buf, "fe80::1:2");
}
END_TEST

/*
 * Every address whose groups are 0, 1, 0xffff or a random value in a
 * pattern chosen at random: the output is what inet_ntop() writes, so
 * logs read the same as before.
 */
START_TEST(ipv6_same_as_inet_ntop)
{
	srand(5952);
	static const unsigned pick[] = {0, 0, 0, 1, 0xffff, 0x0a0b};
	for (int iter = 0; iter < 50000; iter++) {
		uint8_t b[16];
		for (int i = 0; i < 8; i++) {
			unsigned g = (iter & 1) ? pick[rand() % 6] : (unsigned)(rand() & 0xffff);
			if (!(iter & 1) && rand() % 3 == 0)
				g = 0;
			b[2 * i] = (uint8_t)(g >> 8);
			b[2 * i + 1] = (uint8_t)g;
		}
		char want[INET6_ADDRSTRLEN], got[NET_ADDR_TEXT_MAX];
		ck_assert_ptr_nonnull(inet_ntop(AF_INET6, b, want, sizeof(want)));
		ck_assert_int_eq(net_addr_text6(b, got), (int)strlen(want));
		ck_assert_str_eq(got, want);
		char want4[INET_ADDRSTRLEN], got4[NET_ADDR_TEXT_MAX];
		ck_assert_ptr_nonnull(inet_ntop(AF_INET, b, want4, sizeof(want4)));
		ck_assert_int_eq(net_addr_text4(b, got4), (int)strlen(want4));
		ck_assert_str_eq(got4, want4);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("net_addr");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, ipv4_dotted_quad);
	tcase_add_test(tc, ipv6_rfc5952);
	tcase_add_test(tc, ipv6_same_as_inet_ntop);
	suite_add_tcase(s, tc);
	return check_run(s);
}
