/* Unit tests for dns_msg.c: hand-built messages (RFC 1035 section 4). */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns_msg.h"
#include "dns_types.h"
#include "wirebuild.h"
#include "check_run.h"

static struct dns_parser parser;
static uint8_t *heap_msg;

static void setup(void)
{
	ck_assert_int_eq(dns_parser_init(&parser), 0);
	heap_msg = NULL;
}

static void teardown(void)
{
	dns_parser_free(&parser);
	free(heap_msg);
}

/*
 * Parse m from a heap copy of exactly m->n bytes (valgrind then sees any
 * read past the end).  The copy is released at teardown.
 */
static enum dns_msg_status parse(const struct wb *m, struct dns_msg *msg)
{
	free(heap_msg);
	heap_msg = wb_dup_exact(m->b, m->n);
	return dns_msg_parse(&parser, heap_msg, m->n, msg);
}

/*
 * id 0xBEEF, QR RD RA, one record in each section:
 *   www.example. IN A
 *   www.example. 3600 IN A 192.0.2.1         (owner compressed to the question)
 *   example. 86400 IN NS ns1.example.        (both names compressed)
 *   ns1.example. 300 IN AAAA 2001:db8::53    (owner points into the NS rdata)
 */
static void build_full(struct wb *m)
{
	wb_dns_header(m, 0xBEEF, 0x8180, 1, 1, 1, 1);
	size_t www = m->n;
	wb_question(m, "www.example.", DNS_T_A, DNS_C_IN);
	size_t example = www + 4;
	wb_u16(m, 0xC000u | (unsigned)www);
	wb_rr_fixed(m, DNS_T_A, DNS_C_IN, 3600, 4);
	wb_bytes(m, "\xC0\x00\x02\x01", 4);
	wb_u16(m, 0xC000u | (unsigned)example);
	wb_rr_fixed(m, DNS_T_NS, DNS_C_IN, 86400, 6);
	size_t ns1 = wb_name_ptr(m, "ns1.", (long)example);
	wb_u16(m, 0xC000u | (unsigned)ns1);
	wb_rr_fixed(m, DNS_T_AAAA, DNS_C_IN, 300, 16);
	wb_bytes(m, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x53", 16);
}

START_TEST(full_message)
{
	struct wb m;
	struct dns_msg msg;
	build_full(&m);
	ck_assert_int_eq(parse(&m, &msg), DNS_MSG_OK);
	ck_assert_int_eq(msg.status, DNS_MSG_OK);
	ck_assert(!msg.malformed);
	ck_assert_uint_eq(msg.id, 0xBEEF);
	ck_assert_uint_eq(msg.flags, 0x8180);
	ck_assert(dns_msg_is_reply(&msg));
	for (int i = 0; i < 4; i++)
		ck_assert_uint_eq(msg.count[i], 1);
	ck_assert_uint_eq(msg.nrr, 4);

	const struct dns_rr *rr = msg.rr;
	/* the lengths the encoders use instead of strlen() */
	for (size_t i = 0; i < msg.nrr; i++) {
		ck_assert_uint_eq(rr[i].name_len, strlen(rr[i].name));
		ck_assert_uint_eq(rr[i].data_len, rr[i].data ? strlen(rr[i].data) : 0);
	}
	ck_assert_int_eq(rr[0].section, DNS_SEC_QUESTION);
	ck_assert_str_eq(rr[0].name, "www.example.");
	ck_assert_uint_eq(rr[0].type, DNS_T_A);
	ck_assert_uint_eq(rr[0].rclass, DNS_C_IN);
	ck_assert_uint_eq(rr[0].ttl, 0);
	ck_assert_ptr_null(rr[0].data);

	ck_assert_int_eq(rr[1].section, DNS_SEC_ANSWER);
	ck_assert_str_eq(rr[1].name, "www.example.");
	ck_assert_uint_eq(rr[1].type, DNS_T_A);
	ck_assert_uint_eq(rr[1].rclass, DNS_C_IN);
	ck_assert_uint_eq(rr[1].ttl, 3600);
	ck_assert_str_eq(rr[1].data, "192.0.2.1");

	ck_assert_int_eq(rr[2].section, DNS_SEC_AUTHORITY);
	ck_assert_str_eq(rr[2].name, "example.");
	ck_assert_uint_eq(rr[2].type, DNS_T_NS);
	ck_assert_uint_eq(rr[2].ttl, 86400);
	ck_assert_str_eq(rr[2].data, "ns1.example.");

	ck_assert_int_eq(rr[3].section, DNS_SEC_ADDITIONAL);
	ck_assert_str_eq(rr[3].name, "ns1.example.");
	ck_assert_uint_eq(rr[3].type, DNS_T_AAAA);
	ck_assert_uint_eq(rr[3].ttl, 300);
	ck_assert_str_eq(rr[3].data, "2001:db8::53");

	/* the first question in wire form, for pairing */
	static const uint8_t qwire[] = {3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0};
	ck_assert(msg.has_question);
	ck_assert_uint_eq(msg.qname_len, sizeof(qwire));
	ck_assert_mem_eq(msg.qname, qwire, sizeof(qwire));
	ck_assert_uint_eq(msg.qtype, DNS_T_A);
	ck_assert_uint_eq(msg.qclass, DNS_C_IN);
}
END_TEST

START_TEST(header_fields)
{
	struct wb m;
	struct dns_msg msg;
	/* QR=0 opcode=5 (UPDATE) AA TC RD, rcode 0 */
	wb_dns_header(&m, 0x0001, 0x2F00, 1, 0, 0, 0);
	wb_question(&m, "example.", 6, 1);
	ck_assert_int_eq(parse(&m, &msg), DNS_MSG_OK);
	ck_assert_uint_eq(msg.id, 1);
	ck_assert(!dns_msg_is_reply(&msg));
	ck_assert_uint_eq(dns_msg_opcode(&msg), 5);
	ck_assert_uint_eq(dns_msg_rcode(&msg), 0);

	/* QR with NXDOMAIN */
	wb_dns_header(&m, 0xFFFF, 0x8183, 1, 0, 0, 0);
	wb_question(&m, "nx.example.", 1, 1);
	ck_assert_int_eq(parse(&m, &msg), DNS_MSG_OK);
	ck_assert_uint_eq(msg.id, 0xFFFF);
	ck_assert(dns_msg_is_reply(&msg));
	ck_assert_uint_eq(dns_msg_rcode(&msg), 3);
	ck_assert_uint_eq(dns_msg_opcode(&msg), 0);
}
END_TEST

/* QR is bit 0x8000 (RFC 1035 4.1.1); the original tested it with RA (0x0080). */
START_TEST(qr_bit)
{
	struct dns_msg msg;
	memset(&msg, 0, sizeof(msg));
	msg.flags = 0x0080; /* RA only */
	ck_assert(!dns_msg_is_reply(&msg));
	msg.flags = 0x7FFF; /* everything but QR */
	ck_assert(!dns_msg_is_reply(&msg));
	msg.flags = 0x8000;
	ck_assert(dns_msg_is_reply(&msg));
	ck_assert_uint_eq(DNS_FLAG_QR, 0x8000);

	/* opcode is bits 11-14, rcode bits 0-3 */
	msg.flags = 0x7800;
	ck_assert_uint_eq(dns_msg_opcode(&msg), 15);
	ck_assert_uint_eq(dns_msg_rcode(&msg), 0);
	msg.flags = 0x8000 | 0x0800 | 0x0400 | 0x0200 | 0x0100 | 0x0080 | 0x0070 | 0x000F;
	ck_assert_uint_eq(dns_msg_opcode(&msg), 1);
	ck_assert_uint_eq(dns_msg_rcode(&msg), 15);
	msg.flags = 0x87F0; /* every bit but opcode and rcode */
	ck_assert_uint_eq(dns_msg_opcode(&msg), 0);
	ck_assert_uint_eq(dns_msg_rcode(&msg), 0);
	msg.flags = 0x2005; /* opcode 4 (NOTIFY) is 4 << 11 = 0x2000; rcode 5 (REFUSED) */
	ck_assert_uint_eq(dns_msg_opcode(&msg), 4);
	ck_assert_uint_eq(dns_msg_rcode(&msg), 5);
}
END_TEST

START_TEST(counts_larger_than_message)
{
	struct wb m;
	struct dns_msg msg;
	/* claims 5 answers, holds 1 */
	wb_dns_header(&m, 7, 0x8180, 1, 5, 0, 0);
	wb_question(&m, "a.example.", 1, 1);
	wb_u16(&m, 0xC00C);
	wb_rr_fixed(&m, 1, 1, 60, 4);
	wb_bytes(&m, "\x0A\x00\x00\x01", 4);
	enum dns_msg_status s = parse(&m, &msg);
	ck_assert(dns_msg_usable(s));
	ck_assert_int_ne(s, DNS_MSG_OK);
	ck_assert_int_eq(msg.status, s);
	ck_assert(msg.malformed);
	ck_assert_uint_eq(msg.count[1], 5); /* as sent */
	ck_assert_uint_eq(msg.nrr, 2);      /* kept so far */
	ck_assert_str_eq(msg.rr[1].data, "10.0.0.1");
	ck_assert_str_eq(msg.rr[1].name, "a.example.");
}
END_TEST

START_TEST(huge_counts_tiny_message)
{
	struct wb m;
	struct dns_msg msg;
	wb_dns_header(&m, 7, 0x8180, 1, 0xFFFF, 0xFFFF, 0xFFFF);
	wb_question(&m, ".", 1, 1);
	enum dns_msg_status s = parse(&m, &msg);
	ck_assert(dns_msg_usable(s));
	ck_assert(msg.malformed);
	ck_assert_uint_eq(msg.nrr, 1);
	ck_assert_str_eq(msg.rr[0].name, ".");

	/* the same with 65535 questions: the first is kept */
	wb_dns_header(&m, 7, 0, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF);
	wb_question(&m, "x.", 1, 1);
	wb_question(&m, "y.", 2, 1);
	s = parse(&m, &msg);
	ck_assert(dns_msg_usable(s));
	ck_assert(msg.malformed);
	ck_assert_uint_eq(msg.nrr, 2);
	ck_assert_str_eq(msg.rr[1].name, "y.");
	ck_assert_uint_eq(msg.rr[1].type, 2);
}
END_TEST

/* Many small records: a realistic message the header counts do describe. */
START_TEST(many_records)
{
	struct wb m;
	struct dns_msg msg;
	wb_dns_header(&m, 9, 0x8180, 1, 100, 0, 0);
	wb_question(&m, "many.example.", 1, 1);
	for (unsigned i = 0; i < 100; i++) {
		wb_u16(&m, 0xC00C);
		wb_rr_fixed(&m, 1, 1, i, 4);
		wb_u8(&m, 10);
		wb_u8(&m, 0);
		wb_u8(&m, i / 256);
		wb_u8(&m, i % 256);
	}
	ck_assert_int_eq(parse(&m, &msg), DNS_MSG_OK);
	ck_assert_uint_eq(msg.nrr, 101);
	ck_assert_str_eq(msg.rr[100].data, "10.0.0.99");
	ck_assert_uint_eq(msg.rr[100].ttl, 99);
}
END_TEST

START_TEST(rdlength_past_end)
{
	struct wb m;
	struct dns_msg msg;
	wb_dns_header(&m, 7, 0x8180, 1, 2, 0, 0);
	wb_question(&m, "a.example.", 1, 1);
	wb_u16(&m, 0xC00C);
	wb_rr_fixed(&m, 1, 1, 60, 4);
	wb_bytes(&m, "\x0A\x00\x00\x01", 4);
	wb_u16(&m, 0xC00C);
	wb_rr_fixed(&m, 1, 1, 60, 10); /* 10 bytes claimed, 4 present */
	wb_bytes(&m, "\x0A\x00\x00\x02", 4);
	enum dns_msg_status s = parse(&m, &msg);
	ck_assert_int_eq(s, DNS_MSG_TRUNCATED_RR);
	ck_assert(dns_msg_usable(s));
	ck_assert(msg.malformed);
	ck_assert_uint_eq(msg.nrr, 2);
	ck_assert_str_eq(msg.rr[1].data, "10.0.0.1");
}
END_TEST

START_TEST(rr_fixed_part_cut)
{
	struct wb m;
	struct dns_msg msg;
	wb_dns_header(&m, 7, 0x8180, 1, 1, 0, 0);
	wb_question(&m, "a.example.", 1, 1);
	wb_u16(&m, 0xC00C);
	wb_u16(&m, 1);
	wb_u16(&m, 1);
	wb_u16(&m, 0); /* TTL cut in half, no rdlength */
	enum dns_msg_status s = parse(&m, &msg);
	ck_assert_int_eq(s, DNS_MSG_TRUNCATED_RR);
	ck_assert(msg.malformed);
	ck_assert_uint_eq(msg.nrr, 1);
}
END_TEST

START_TEST(trailing_bytes)
{
	struct wb m;
	struct dns_msg msg;
	build_full(&m);
	wb_bytes(&m, "\0\0\x01", 3);
	enum dns_msg_status s = parse(&m, &msg);
	ck_assert_int_eq(s, DNS_MSG_TRAILING);
	ck_assert(dns_msg_usable(s));
	ck_assert(msg.malformed);
	ck_assert_uint_eq(msg.nrr, 4); /* everything counted was read */
	ck_assert_str_eq(msg.rr[3].data, "2001:db8::53");
}
END_TEST

START_TEST(bad_first_question)
{
	struct wb m;
	struct dns_msg msg;
	/* name runs off the end */
	wb_dns_header(&m, 7, 0, 1, 0, 0, 0);
	wb_bytes(&m, "\x05" "abc", 4);
	enum dns_msg_status s = parse(&m, &msg);
	ck_assert_int_eq(s, DNS_MSG_BAD_QUESTION);
	ck_assert(dns_msg_usable(s)); /* the header is logged, flagged */
	ck_assert(msg.malformed);
	ck_assert_uint_eq(msg.nrr, 0);
	ck_assert(!msg.has_question);
	ck_assert_uint_eq(msg.id, 7);

	/* name fine, type and class missing */
	wb_dns_header(&m, 7, 0, 1, 0, 0, 0);
	wb_name(&m, "example.");
	wb_u16(&m, 1);
	s = parse(&m, &msg);
	ck_assert_int_eq(s, DNS_MSG_BAD_QUESTION);
	ck_assert(dns_msg_usable(s)); /* the header is logged, flagged */
	ck_assert(msg.malformed);
	ck_assert_uint_eq(msg.nrr, 0);
	ck_assert(!msg.has_question);
	ck_assert_uint_eq(msg.id, 7);

	/* a compression loop */
	wb_dns_header(&m, 7, 0, 1, 0, 0, 0);
	wb_u16(&m, 0xC00C);
	wb_u16(&m, 1);
	wb_u16(&m, 1);
	s = parse(&m, &msg);
	ck_assert_int_eq(s, DNS_MSG_BAD_QUESTION);

	/* a question counted but absent */
	wb_dns_header(&m, 7, 0, 1, 0, 0, 0);
	s = parse(&m, &msg);
	ck_assert_int_eq(s, DNS_MSG_BAD_QUESTION);
	ck_assert(dns_msg_usable(s)); /* the header is logged, flagged */
	ck_assert(msg.malformed);
	ck_assert_uint_eq(msg.nrr, 0);
	ck_assert(!msg.has_question);
	ck_assert_uint_eq(msg.id, 7);
}
END_TEST

START_TEST(short_header)
{
	struct wb m;
	struct dns_msg msg;
	wb_dns_header(&m, 7, 0, 0, 0, 0, 0);
	m.n = 11;
	enum dns_msg_status s = parse(&m, &msg);
	ck_assert_int_eq(s, DNS_MSG_SHORT_HEADER);
	ck_assert(!dns_msg_usable(s));
	m.n = 0;
	ck_assert_int_eq(parse(&m, &msg), DNS_MSG_SHORT_HEADER);
}
END_TEST

START_TEST(no_question)
{
	struct wb m;
	struct dns_msg msg;
	/* a bare header (e.g. a FORMERR reply without the question) */
	wb_dns_header(&m, 0x1234, 0x8001, 0, 0, 0, 0);
	enum dns_msg_status s = parse(&m, &msg);
	ck_assert_int_eq(s, DNS_MSG_OK);
	ck_assert(!msg.malformed);
	ck_assert(!msg.has_question);
	ck_assert_uint_eq(msg.nrr, 0);
	ck_assert_uint_eq(dns_msg_rcode(&msg), 1);
}
END_TEST

START_TEST(bad_later_question_kept_first)
{
	struct wb m;
	struct dns_msg msg;
	wb_dns_header(&m, 7, 0, 2, 0, 0, 0);
	wb_question(&m, "first.example.", 1, 1);
	wb_u16(&m, 0xC0FF); /* forward pointer */
	wb_u16(&m, 1);
	wb_u16(&m, 1);
	enum dns_msg_status s = parse(&m, &msg);
	ck_assert(dns_msg_usable(s));
	ck_assert(msg.malformed);
	ck_assert_uint_eq(msg.nrr, 1);
	ck_assert_str_eq(msg.rr[0].name, "first.example.");
	ck_assert(msg.has_question);
}
END_TEST

START_TEST(bad_owner_name)
{
	struct wb m;
	struct dns_msg msg;
	wb_dns_header(&m, 7, 0x8180, 1, 2, 0, 0);
	wb_question(&m, "a.example.", 1, 1);
	wb_u16(&m, 0xC00C);
	wb_rr_fixed(&m, 1, 1, 60, 4);
	wb_bytes(&m, "\x0A\x00\x00\x01", 4);
	wb_u8(&m, 0x40); /* reserved label type */
	wb_rr_fixed(&m, 1, 1, 60, 4);
	wb_bytes(&m, "\x0A\x00\x00\x02", 4);
	enum dns_msg_status s = parse(&m, &msg);
	ck_assert_int_eq(s, DNS_MSG_BAD_NAME);
	ck_assert(dns_msg_usable(s));
	ck_assert(msg.malformed);
	ck_assert_uint_eq(msg.nrr, 2);
}
END_TEST

START_TEST(bad_rdata_kept_generic)
{
	struct wb m;
	struct dns_msg msg;
	wb_dns_header(&m, 7, 0x8180, 1, 2, 0, 0);
	wb_question(&m, "a.example.", 1, 1);
	wb_u16(&m, 0xC00C);
	wb_rr_fixed(&m, 1, 1, 60, 3); /* A with 3 bytes */
	wb_bytes(&m, "\x0A\x00\x00", 3);
	wb_u16(&m, 0xC00C);
	wb_rr_fixed(&m, 1, 1, 60, 4);
	wb_bytes(&m, "\x0A\x00\x00\x02", 4);
	enum dns_msg_status s = parse(&m, &msg);
	ck_assert_int_eq(s, DNS_MSG_BAD_RDATA);
	ck_assert(dns_msg_usable(s));
	ck_assert(msg.malformed);
	ck_assert_uint_eq(msg.nrr, 3); /* the record after it is read too */
	ck_assert_str_eq(msg.rr[1].data, "\\# 3 0A0000");
	ck_assert_str_eq(msg.rr[2].data, "10.0.0.2");
}
END_TEST

START_TEST(unknown_type_not_malformed)
{
	struct wb m;
	struct dns_msg msg;
	wb_dns_header(&m, 7, 0x8180, 1, 1, 0, 0);
	wb_question(&m, "a.example.", 65280, 1);
	wb_u16(&m, 0xC00C);
	wb_rr_fixed(&m, 65280, 1, 60, 2);
	wb_bytes(&m, "\xAB\xCD", 2);
	ck_assert_int_eq(parse(&m, &msg), DNS_MSG_OK);
	ck_assert(!msg.malformed);
	ck_assert_str_eq(msg.rr[1].data, "\\# 2 ABCD");
	ck_assert_uint_eq(msg.rr[1].type, 65280);
	ck_assert_uint_eq(msg.qtype, 65280);
}
END_TEST

START_TEST(escaped_owner_names)
{
	struct wb m;
	struct dns_msg msg;
	wb_dns_header(&m, 7, 0, 1, 0, 0, 0);
	wb_bytes(&m, "\x03" "a.b" "\x02" "\t\"" "\x00", 8);
	wb_u16(&m, 1);
	wb_u16(&m, 1);
	ck_assert_int_eq(parse(&m, &msg), DNS_MSG_OK);
	ck_assert_str_eq(msg.rr[0].name, "a\\.b.\\009\\\".");
	/* pairing keeps the raw wire form */
	ck_assert_uint_eq(msg.qname_len, 8);
	ck_assert_mem_eq(msg.qname, "\x03" "a.b" "\x02" "\t\"" "\x00", 8);
}
END_TEST

START_TEST(question_case_preserved)
{
	struct wb m;
	struct dns_msg msg;
	wb_dns_header(&m, 7, 0, 1, 0, 0, 0);
	wb_question(&m, "WwW.ExAmPlE.", 28, 3);
	ck_assert_int_eq(parse(&m, &msg), DNS_MSG_OK);
	ck_assert_str_eq(msg.rr[0].name, "WwW.ExAmPlE.");
	ck_assert_uint_eq(msg.qtype, 28);
	ck_assert_uint_eq(msg.qclass, 3);
	ck_assert_mem_eq(msg.qname, "\x03WwW\x07" "ExAmPlE\x00", 13);
}
END_TEST

/* Messages from one parser stay valid until reset; the input need not. */
START_TEST(parser_lifetime)
{
	struct wb m;
	struct dns_msg a, b;
	build_full(&m);
	ck_assert_int_eq(parse(&m, &a), DNS_MSG_OK);
	wb_dns_header(&m, 2, 0, 1, 0, 0, 0);
	wb_question(&m, "other.example.", 1, 1);
	ck_assert_int_eq(parse(&m, &b), DNS_MSG_OK); /* frees a's input */
	ck_assert_str_eq(a.rr[3].data, "2001:db8::53");
	ck_assert_str_eq(a.rr[0].name, "www.example.");
	ck_assert_str_eq(b.rr[0].name, "other.example.");
	dns_parser_reset(&parser);
	for (int i = 0; i < 1000; i++) {
		build_full(&m);
		ck_assert_int_eq(parse(&m, &a), DNS_MSG_OK);
		ck_assert_str_eq(a.rr[2].data, "ns1.example.");
		dns_parser_reset(&parser);
	}
}
END_TEST

/* A long TXT: 255 strings of 255 bytes do not fit a UDP message, but the
 * longest rdata text (every byte escaped) still renders. */
START_TEST(long_txt)
{
	static struct wb big;
	big.n = 0;
	struct wb *m = &big;
	/* one question and one TXT of 7 strings of 255 bytes 0xFF (each \255) */
	wb_dns_header(m, 7, 0x8180, 1, 1, 0, 0);
	wb_question(m, "t.", 16, 1);
	wb_u8(m, 0xC0);
	wb_u8(m, 12);
	wb_rr_fixed(m, 16, 1, 0, 7 * 256);
	for (int i = 0; i < 7; i++) {
		wb_u8(m, 255);
		for (int j = 0; j < 255; j++)
			wb_u8(m, 0xFF);
	}
	struct dns_msg msg;
	ck_assert_int_eq(parse(m, &msg), DNS_MSG_OK);
	ck_assert_uint_eq(strlen(msg.rr[1].data), 7 * (2 + 255 * 4) + 6);
	ck_assert_int_eq(strncmp(msg.rr[1].data, "\"\\255\\255", 9), 0);
}
END_TEST

START_TEST(update_empty_rdata_is_not_malformed)
{
	/* RFC 2136: zone SOA; prerequisite "name in use" (ANY, empty rdata);
	 * update "delete RRset" (ANY) and "delete RR" (NONE, with rdata) */
	struct wb m;
	struct dns_msg msg;
	wb_dns_header(&m, 9, 5 << 11, 1, 1, 2, 0);
	wb_question(&m, "example.", 6, 1);
	wb_name(&m, "host.example.");
	wb_rr_fixed(&m, 255, 255, 0, 0);
	wb_name(&m, "host.example.");
	wb_rr_fixed(&m, 1, 255, 0, 0);
	wb_name(&m, "host.example.");
	wb_rr_fixed(&m, 1, 254, 0, 4);
	wb_u32(&m, 0xC0000201);
	ck_assert_int_eq(parse(&m, &msg), DNS_MSG_OK);
	ck_assert(!msg.malformed);
	ck_assert_uint_eq(msg.nrr, 4);
	ck_assert_str_eq(msg.rr[1].data, "\\# 0");
	ck_assert_str_eq(msg.rr[3].data, "192.0.2.1");

	/* an empty A in class IN is still bad rdata */
	wb_dns_header(&m, 9, 0x8000, 1, 1, 0, 0);
	wb_question(&m, "example.", 1, 1);
	wb_name(&m, "example.");
	wb_rr_fixed(&m, 1, 1, 60, 0);
	ck_assert_int_eq(parse(&m, &msg), DNS_MSG_BAD_RDATA);
	ck_assert(msg.malformed);
}
END_TEST

/* The fields dns_msg_parse_question() promises, as dns_msg_parse() sets them. */
static void assert_same_question(const uint8_t *b, size_t n)
{
	struct dns_msg full, q;
	dns_parser_reset(&parser);
	enum dns_msg_status fs = dns_msg_parse(&parser, b, n, &full);
	enum dns_msg_status qs = dns_msg_parse_question(b, n, &q);
	ck_assert_int_eq(qs == DNS_MSG_SHORT_HEADER, fs == DNS_MSG_SHORT_HEADER);
	if (qs == DNS_MSG_SHORT_HEADER)
		return;
	ck_assert_int_eq(qs, DNS_MSG_OK);
	ck_assert_uint_eq(q.id, full.id);
	ck_assert_uint_eq(q.flags, full.flags);
	for (int i = 0; i < 4; i++)
		ck_assert_uint_eq(q.count[i], full.count[i]);
	ck_assert_int_eq(q.has_question, full.has_question);
	ck_assert_uint_eq(q.qname_len, full.qname_len);
	ck_assert_int_eq(memcmp(q.qname, full.qname, q.qname_len), 0);
	if (q.has_question) { /* else neither sets them */
		ck_assert_uint_eq(q.qtype, full.qtype);
		ck_assert_uint_eq(q.qclass, full.qclass);
	}
	ck_assert_uint_eq(q.nrr, 0);
	ck_assert(!q.edns.present);
}

/*
 * Reading only the question (for queries waiting for their replies) agrees
 * with the full parse on every prefix of a message, and with each byte of
 * the header and question replaced by values that break it.
 */
START_TEST(question_only_agrees_with_full_parse)
{
	struct wb m;
	build_full(&m);
	for (size_t n = 0; n <= m.n; n++) {
		uint8_t *copy = wb_dup_exact(m.b, n ? n : 1);
		assert_same_question(copy, n);
		free(copy);
	}
	static const uint8_t vals[] = {0x00, 0x01, 0x3F, 0x40, 0x80, 0xC0, 0xC5, 0xFF};
	for (size_t at = 0; at < 34 && at < m.n; at++) {
		for (size_t v = 0; v < sizeof(vals); v++) {
			uint8_t *copy = wb_dup_exact(m.b, m.n);
			copy[at] = vals[v];
			assert_same_question(copy, m.n);
			free(copy);
		}
	}
}
END_TEST

START_TEST(status_and_section_names)
{
	ck_assert_str_eq(dns_section_str(DNS_SEC_QUESTION, 0), "question");
	ck_assert_str_eq(dns_section_str(DNS_SEC_ANSWER, 0), "answer");
	ck_assert_str_eq(dns_section_str(DNS_SEC_AUTHORITY, 4), "authority");
	ck_assert_str_eq(dns_section_str(DNS_SEC_ADDITIONAL, 0), "additional");
	/* UPDATE (RFC 2136 2.2) names its sections after their roles */
	ck_assert_str_eq(dns_section_str(DNS_SEC_QUESTION, 5), "zone");
	ck_assert_str_eq(dns_section_str(DNS_SEC_ANSWER, 5), "prerequisite");
	ck_assert_str_eq(dns_section_str(DNS_SEC_AUTHORITY, 5), "update");
	ck_assert_str_eq(dns_section_str(DNS_SEC_ADDITIONAL, 5), "additional");
	char fb[24];
	ck_assert_str_eq(dns_flags_str(0x0000, fb), "");
	ck_assert_str_eq(dns_flags_str(0x8180, fb), "rd ra"); /* QR is not a flag here */
	ck_assert_str_eq(dns_flags_str(0x07F0, fb), "aa tc rd ra z ad cd");
	ck_assert_str_eq(dns_flags_str(0x0230, fb), "tc ad cd");
	ck_assert_str_eq(dns_msg_status_str(DNS_MSG_SHORT_HEADER), "short_header");
	ck_assert_str_eq(dns_msg_status_str(DNS_MSG_BAD_QUESTION), "bad_question");
	/* every status has its own counter name */
	for (int i = 0; i < DNS_MSG__COUNT; i++)
		for (int j = i + 1; j < DNS_MSG__COUNT; j++)
			ck_assert_str_ne(dns_msg_status_str((enum dns_msg_status)i),
			                 dns_msg_status_str((enum dns_msg_status)j));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dns_msg");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, full_message);
	tcase_add_test(tc, header_fields);
	tcase_add_test(tc, qr_bit);
	tcase_add_test(tc, counts_larger_than_message);
	tcase_add_test(tc, huge_counts_tiny_message);
	tcase_add_test(tc, many_records);
	tcase_add_test(tc, rdlength_past_end);
	tcase_add_test(tc, rr_fixed_part_cut);
	tcase_add_test(tc, trailing_bytes);
	tcase_add_test(tc, bad_first_question);
	tcase_add_test(tc, short_header);
	tcase_add_test(tc, no_question);
	tcase_add_test(tc, bad_later_question_kept_first);
	tcase_add_test(tc, bad_owner_name);
	tcase_add_test(tc, bad_rdata_kept_generic);
	tcase_add_test(tc, unknown_type_not_malformed);
	tcase_add_test(tc, escaped_owner_names);
	tcase_add_test(tc, question_case_preserved);
	tcase_add_test(tc, parser_lifetime);
	tcase_add_test(tc, long_txt);
	tcase_add_test(tc, update_empty_rdata_is_not_malformed);
	tcase_add_test(tc, question_only_agrees_with_full_parse);
	tcase_add_test(tc, status_and_section_names);
	suite_add_tcase(s, tc);
	return check_run(s);
}
