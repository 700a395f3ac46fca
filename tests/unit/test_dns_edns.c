/* Unit tests for dns_edns.c: OPT fields and options (RFC 6891, 7871, 7873, 8914). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dns_edns.h"
#include "dns_msg.h"
#include "dns_rdata.h"
#include "wirebuild.h"
#include "check_run.h"

static struct arena arena;
static char *scratch;

static void setup(void)
{
	arena_init(&arena, 4096);
	scratch = malloc(DNS_RDATA_TEXT_MAX);
}

static void teardown(void)
{
	arena_free(&arena);
	free(scratch);
}

static int parse(struct dns_edns *e, uint16_t rclass, uint32_t ttl, const void *rdata, size_t n)
{
	uint8_t *p = wb_dup_exact(rdata, n); /* valgrind sees any over-read */
	int rc = dns_edns_parse(e, rclass, ttl, p, n, &arena, scratch, DNS_RDATA_TEXT_MAX);
	free(p);
	return rc;
}

START_TEST(fixed_fields)
{
	struct dns_edns e;
	/* ext rcode 1 (BADVERS with header 0), version 0, DO set, z 0x0001 */
	ck_assert_int_eq(parse(&e, 1232, 0x01008001u, "", 0), 0);
	ck_assert(e.present);
	ck_assert_uint_eq(e.udp_size, 1232);
	ck_assert_uint_eq(e.ext_rcode, 1);
	ck_assert_uint_eq(e.version, 0);
	ck_assert(e.dnssec_ok);
	ck_assert_uint_eq(e.z, 1);
	for (int f = 0; f < EDNS_F__COUNT; f++)
		ck_assert_ptr_null(e.opt[f]);
}
END_TEST

START_TEST(client_subnet)
{
	struct dns_edns e;
	/* RFC 7871: family 1, source /24, scope 0, three address octets */
	static const uint8_t v4[] = {0, 8, 0, 7, 0, 1, 24, 0, 198, 51, 100};
	ck_assert_int_eq(parse(&e, 4096, 0, v4, sizeof(v4)), 0);
	ck_assert_str_eq(e.opt[EDNS_F_ECS], "198.51.100.0/24/0");

	static const uint8_t v6[] = {0, 8, 0, 11, 0, 2, 56, 48, 0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56};
	ck_assert_int_eq(parse(&e, 4096, 0, v6, sizeof(v6)), 0);
	ck_assert_str_eq(e.opt[EDNS_F_ECS], "2001:db8:1234:5600::/56/48");

	static const uint8_t zero[] = {0, 8, 0, 4, 0, 1, 0, 0};
	ck_assert_int_eq(parse(&e, 4096, 0, zero, sizeof(zero)), 0);
	ck_assert_str_eq(e.opt[EDNS_F_ECS], "0.0.0.0/0/0");

	/* more address octets than the prefix needs: malformed, kept as hex */
	static const uint8_t extra[] = {0, 8, 0, 8, 0, 1, 8, 0, 10, 0, 0, 1};
	ck_assert_int_eq(parse(&e, 4096, 0, extra, sizeof(extra)), 1);
	ck_assert_str_eq(e.opt[EDNS_F_ECS], "\\# 8 000108000A000001");

	/* unknown family, prefix longer than the address */
	static const uint8_t fam[] = {0, 8, 0, 5, 0, 3, 8, 0, 10};
	ck_assert_int_eq(parse(&e, 4096, 0, fam, sizeof(fam)), 1);
	static const uint8_t pre[] = {0, 8, 0, 4, 0, 1, 33, 0};
	ck_assert_int_eq(parse(&e, 4096, 0, pre, sizeof(pre)), 1);
}
END_TEST

START_TEST(extended_error)
{
	struct dns_edns e;
	/* RFC 8914 code 15 Blocked, with text holding a quote and a newline */
	static const uint8_t ede[] = {0, 15, 0, 8, 0, 15, 'a', '"', 'b', '\n', 0xC3, 0xA9};
	ck_assert_int_eq(parse(&e, 4096, 0, ede, sizeof(ede)), 0);
	ck_assert_str_eq(e.opt[EDNS_F_EDE], "15 (Blocked) \"a\\\"b\\010\\195\\169\"");

	/* two EDE options, unknown code, no text */
	static const uint8_t two[] = {0, 15, 0, 2, 0, 18, 0, 15, 0, 2, 0x01, 0x00};
	ck_assert_int_eq(parse(&e, 4096, 0, two, sizeof(two)), 0);
	ck_assert_str_eq(e.opt[EDNS_F_EDE], "18 (Prohibited) 256");

	static const uint8_t shrt[] = {0, 15, 0, 1, 7};
	ck_assert_int_eq(parse(&e, 4096, 0, shrt, sizeof(shrt)), 1);
}
END_TEST

START_TEST(cookie_nsid_keepalive_padding_other)
{
	struct dns_edns e;
	static const uint8_t opts[] = {
		0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8,       /* client cookie */
		0, 3, 0, 2, 'n', 's',                      /* NSID */
		0, 11, 0, 2, 0x01, 0x2C,                   /* keepalive 300 x 100 ms */
		0, 12, 0, 5, 0, 0, 0, 0, 0,                /* padding */
		0xFD, 0xE9, 0, 1, 0xAB,                    /* 65001: unknown */
	};
	ck_assert_int_eq(parse(&e, 512, 0, opts, sizeof(opts)), 0);
	ck_assert_str_eq(e.opt[EDNS_F_COOKIE], "0102030405060708");
	ck_assert_str_eq(e.opt[EDNS_F_NSID], "6E73");
	ck_assert_str_eq(e.opt[EDNS_F_KEEPALIVE], "300");
	ck_assert_str_eq(e.opt[EDNS_F_PADDING], "5");
	ck_assert_str_eq(e.opt[EDNS_F_OTHER], "65001:AB");

	/* a cookie of 9 bytes is not a valid length */
	static const uint8_t bad[] = {0, 10, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9};
	ck_assert_int_eq(parse(&e, 512, 0, bad, sizeof(bad)), 1);
	ck_assert_str_eq(e.opt[EDNS_F_COOKIE], "\\# 9 010203040506070809");
}
END_TEST

START_TEST(option_past_rdata)
{
	struct dns_edns e;
	static const uint8_t opts[] = {0, 12, 0, 1, 0, 0, 10, 0, 20, 1, 2};
	ck_assert_int_eq(parse(&e, 512, 0, opts, sizeof(opts)), 1);
	ck_assert_str_eq(e.opt[EDNS_F_PADDING], "1"); /* the good option before is kept */
	ck_assert_ptr_null(e.opt[EDNS_F_COOKIE]);
	static const uint8_t half[] = {0, 12, 0};
	ck_assert_int_eq(parse(&e, 512, 0, half, sizeof(half)), 1);
}
END_TEST

START_TEST(message_opt_becomes_fields)
{
	/* query with OPT: ext rcode 1 + header rcode 0 = 16 BADVERS */
	static const uint8_t msg[] = {
		0x12, 0x34, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 1,
		1, 'a', 0, 0, 1, 0, 1,
		0, 0, 41, 0x10, 0x00, 0x01, 0x00, 0x80, 0x00, 0, 4, 0, 12, 0, 0,
	};
	struct dns_parser p;
	struct dns_msg m;
	ck_assert_int_eq(dns_parser_init(&p), 0);
	ck_assert_int_eq(dns_msg_parse(&p, msg, sizeof(msg), &m), DNS_MSG_OK);
	ck_assert_uint_eq(m.nrr, 1); /* only the question: OPT is not a record */
	ck_assert(m.edns.present);
	ck_assert_uint_eq(m.edns.udp_size, 4096);
	ck_assert(m.edns.dnssec_ok);
	ck_assert_uint_eq(dns_msg_rcode(&m), 16);
	ck_assert_str_eq(m.edns.opt[EDNS_F_PADDING], "0");
	dns_parser_free(&p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dns_edns");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, fixed_fields);
	tcase_add_test(tc, client_subnet);
	tcase_add_test(tc, extended_error);
	tcase_add_test(tc, cookie_nsid_keepalive_padding_other);
	tcase_add_test(tc, option_past_rdata);
	tcase_add_test(tc, message_opt_becomes_fields);
	suite_add_tcase(s, tc);
	return check_run(s);
}
