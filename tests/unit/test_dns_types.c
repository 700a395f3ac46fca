/* Unit tests for dns_types.c: mnemonics from the IANA DNS parameters registry. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dns_types.h"
#include "check_run.h"

struct num_str {
	unsigned num;
	const char *str;
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

START_TEST(type_mnemonics)
{
	/* IANA "Resource Record (RR) TYPEs" */
	static const struct num_str t[] = {
		{1, "A"},        {2, "NS"},         {5, "CNAME"},  {6, "SOA"},      {12, "PTR"},
		{15, "MX"},      {16, "TXT"},       {28, "AAAA"},  {33, "SRV"},     {35, "NAPTR"},
		{39, "DNAME"},   {41, "OPT"},       {43, "DS"},    {44, "SSHFP"},   {46, "RRSIG"},
		{47, "NSEC"},    {48, "DNSKEY"},    {50, "NSEC3"}, {51, "NSEC3PARAM"}, {52, "TLSA"},
		{59, "CDS"},     {60, "CDNSKEY"},   {64, "SVCB"},  {65, "HTTPS"},   {99, "SPF"},
		{250, "TSIG"},   {251, "IXFR"},     {252, "AXFR"}, {255, "ANY"},    {256, "URI"},
		{257, "CAA"},    {32769, "DLV"},
	};
	for (size_t i = 0; i < N(t); i++) {
		char buf[16];
		ck_assert_str_eq(dns_type_str((uint16_t)t[i].num, buf), t[i].str);
	}
	/* the constants in the header agree with the registry */
	char buf[16];
	ck_assert_str_eq(dns_type_str(DNS_T_AAAA, buf), "AAAA");
	ck_assert_str_eq(dns_type_str(DNS_T_SRV, buf), "SRV");
	ck_assert_str_eq(dns_type_str(DNS_T_DNAME, buf), "DNAME");
	ck_assert_str_eq(dns_type_str(DNS_T_SPF, buf), "SPF");
	ck_assert_str_eq(dns_type_str(DNS_T_NULL, buf), "NULL");
}
END_TEST

/* RFC 3597 section 5: types without a mnemonic are TYPEnnn. */
START_TEST(type_unknown)
{
	static const struct num_str t[] = {
		{0, "TYPE0"},         {54, "TYPE54"},       {65280, "TYPE65280"},
		{65534, "TYPE65534"}, {65535, "TYPE65535"}, {1000, "TYPE1000"},
	};
	for (size_t i = 0; i < N(t); i++) {
		char buf[16];
		memset(buf, 'x', sizeof(buf));
		const char *s = dns_type_str((uint16_t)t[i].num, buf);
		ck_assert_str_eq(s, t[i].str);
	}
}
END_TEST

START_TEST(class_mnemonics)
{
	static const struct num_str t[] = {
		{1, "IN"}, {3, "CH"}, {4, "HS"}, {254, "NONE"}, {255, "ANY"},
		{0, "CLASS0"}, {2, "CLASS2"}, {65280, "CLASS65280"}, {65535, "CLASS65535"},
	};
	for (size_t i = 0; i < N(t); i++) {
		char buf[16];
		ck_assert_str_eq(dns_class_str((uint16_t)t[i].num, buf), t[i].str);
	}
	char buf[16];
	ck_assert_str_eq(dns_class_str(DNS_C_IN, buf), "IN");
}
END_TEST

START_TEST(rcode_mnemonics)
{
	/* IANA "DNS RCODEs"; 16 is BADVERS (RFC 6891) for the extended rcode */
	static const struct num_str t[] = {
		{0, "NOERROR"},   {1, "FORMERR"},  {2, "SERVFAIL"}, {3, "NXDOMAIN"},
		{4, "NOTIMP"},    {5, "REFUSED"},  {6, "YXDOMAIN"}, {7, "YXRRSET"},
		{8, "NXRRSET"},   {9, "NOTAUTH"},  {10, "NOTZONE"}, {16, "BADVERS"},
		{17, "BADKEY"},   {18, "BADTIME"}, {23, "BADCOOKIE"},
		{12, "RCODE12"},  {15, "RCODE15"}, {4095, "RCODE4095"}, {65535, "RCODE65535"},
	};
	for (size_t i = 0; i < N(t); i++) {
		char buf[16];
		ck_assert_str_eq(dns_rcode_str((uint16_t)t[i].num, buf), t[i].str);
	}
}
END_TEST

START_TEST(opcode_mnemonics)
{
	static const struct num_str t[] = {
		{0, "QUERY"},   {1, "IQUERY"},   {2, "STATUS"},    {4, "NOTIFY"}, {5, "UPDATE"},
		{6, "DSO"},     {3, "OPCODE3"},  {15, "OPCODE15"}, {7, "OPCODE7"}, {255, "OPCODE255"},
	};
	for (size_t i = 0; i < N(t); i++) {
		char buf[16];
		ck_assert_str_eq(dns_opcode_str((uint8_t)t[i].num, buf), t[i].str);
	}
}
END_TEST

/* The fallback is written into the caller's buffer, one per call. */
START_TEST(fallback_uses_caller_buffer)
{
	char b1[16], b2[16];
	const char *s1 = dns_type_str(65280, b1);
	const char *s2 = dns_type_str(65281, b2);
	ck_assert_ptr_eq(s1, b1);
	ck_assert_ptr_eq(s2, b2);
	ck_assert_str_eq(s1, "TYPE65280");
	ck_assert_str_eq(s2, "TYPE65281");
	ck_assert_ptr_eq(dns_class_str(9, b1), b1);
	ck_assert_ptr_eq(dns_rcode_str(4000, b1), b1);
	ck_assert_ptr_eq(dns_opcode_str(9, b1), b1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dns_types");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, type_mnemonics);
	tcase_add_test(tc, type_unknown);
	tcase_add_test(tc, class_mnemonics);
	tcase_add_test(tc, rcode_mnemonics);
	tcase_add_test(tc, opcode_mnemonics);
	tcase_add_test(tc, fallback_uses_caller_buffer);
	suite_add_tcase(s, tc);
	return check_run(s);
}
