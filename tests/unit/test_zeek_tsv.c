/*
 * Unit tests for zeek_tsv.c (Zeek's ASCII writer: escaping, values,
 * header, names of DNS numbers) and zeek_dns.c (tx and record rows), on
 * hand-made messages so odd names and edge cases are easy to state.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dns_msg.h"
#include "dns_types.h"
#include "zeek_dns.h"
#include "zeek_tsv.h"

static struct obuf out;

static void setup(void)
{
	obuf_init(&out);
}

static void teardown(void)
{
	obuf_free(&out);
}

/* out's text, NUL-terminated. */
static const char *text(void)
{
	obuf_putc(&out, '\0');
	out.len--;
	return out.p;
}

static const char *esc(const char *s, size_t n, bool element)
{
	obuf_reset(&out);
	zeek_tsv_str(&out, s, n, element);
	return text();
}

START_TEST(test_escaping)
{
	ck_assert_str_eq(esc("www.example.com", 15, false), "www.example.com");
	ck_assert_str_eq(esc("a\tb\nc", 5, false), "a\\x09b\\x0ac");
	ck_assert_str_eq(esc("a\\009b", 6, false), "a\\\\009b");
	ck_assert_str_eq(esc("\x7f\xff\x01", 3, false), "\\x7f\\xff\\x01");
	/* the set separator only inside containers */
	ck_assert_str_eq(esc("v=spf1 a,b", 10, false), "v=spf1 a,b");
	ck_assert_str_eq(esc("v=spf1 a,b", 10, true), "v=spf1 a\\x2cb");
	/* empty, and data that would read as unset or empty */
	ck_assert_str_eq(esc("", 0, false), "(empty)");
	ck_assert_str_eq(esc("-", 1, false), "\\x2d");
	ck_assert_str_eq(esc("--", 2, false), "--");
	ck_assert_str_eq(esc("(empty)", 7, true), "\\x28empty)");
	/* bytes after a NUL are data too */
	ck_assert_str_eq(esc("a\0b", 3, false), "a\\x00b");
}
END_TEST

START_TEST(test_values)
{
	zeek_tsv_usec(&out, INT64_C(1444531212628222));
	zeek_tsv_sep(&out);
	zeek_tsv_usec(&out, 0);
	zeek_tsv_sep(&out);
	zeek_tsv_usec(&out, -1);
	zeek_tsv_sep(&out);
	zeek_tsv_usec(&out, INT64_C(60) * 1000000);
	zeek_tsv_sep(&out);
	zeek_tsv_bool(&out, true);
	zeek_tsv_bool(&out, false);
	zeek_tsv_sep(&out);
	zeek_tsv_uint(&out, UINT64_MAX);
	zeek_tsv_set_sep(&out);
	zeek_tsv_unset(&out);
	ck_assert_str_eq(text(), "1444531212.628222\t0.000000\t-0.000001\t60.000000\tTF\t"
	                         "18446744073709551615,-");
}
END_TEST

START_TEST(test_header)
{
	static const struct zeek_field f[] = {{"ts", "time"}, {"answers", "vector[string]"}};
	zeek_tsv_header(&out, "tx", f, 2, INT64_C(1444531212628222));
	zeek_tsv_close(&out, INT64_C(1444534800000000));
	ck_assert_str_eq(text(), "#separator \\x09\n"
	                         "#set_separator\t,\n"
	                         "#empty_field\t(empty)\n"
	                         "#unset_field\t-\n"
	                         "#path\ttx\n"
	                         "#open\t2015-10-11-02-40-12\n"
	                         "#fields\tts\tanswers\n"
	                         "#types\ttime\tvector[string]\n"
	                         "#close\t2015-10-11-03-40-00\n");
	char stamp[32];
	zeek_tsv_stamp(0, stamp);
	ck_assert_str_eq(stamp, "1970-01-01-00-00-00");
}
END_TEST

START_TEST(test_names)
{
	char b[24];
	ck_assert_str_eq(zeek_qclass_name(1, b), "C_INTERNET");
	ck_assert_str_eq(zeek_qclass_name(3, b), "C_CHAOS");
	ck_assert_str_eq(zeek_qclass_name(255, b), "C_ANY");
	ck_assert_str_eq(zeek_qclass_name(7, b), "qclass-7");
	ck_assert_str_eq(zeek_qtype_name(1, b), "A");
	ck_assert_str_eq(zeek_qtype_name(65, b), "HTTPS");
	ck_assert_str_eq(zeek_qtype_name(255, b), "*");
	ck_assert_str_eq(zeek_qtype_name(66, b), "query-66");
	ck_assert_str_eq(zeek_qtype_name(260, b), "query-260");
	ck_assert_str_eq(zeek_qtype_name(65534, b), "query-65534");
	ck_assert_str_eq(zeek_rcode_name(0, b), "NOERROR");
	ck_assert_str_eq(zeek_rcode_name(3, b), "NXDOMAIN");
	ck_assert_str_eq(zeek_rcode_name(8, b), "NXRRSet");
	ck_assert_str_eq(zeek_rcode_name(11, b), "unassigned-11");
	ck_assert_str_eq(zeek_rcode_name(16, b), "BADVERS");
	ck_assert_str_eq(zeek_rcode_name(24, b), "rcode-24");
	ck_assert_str_eq(zeek_opcode_name(0, b), "query");
	ck_assert_str_eq(zeek_opcode_name(2, b), "server-status");
	ck_assert_str_eq(zeek_opcode_name(3, b), "opcode-3");
	ck_assert_str_eq(zeek_opcode_name(5, b), "dynamic-update");
	ck_assert_str_eq(zeek_opcode_name(15, b), "opcode-15");
}
END_TEST

/* ------------------------------------------------------------ rows */

static struct dns_rr qrr[2], rrr[6];
static struct dns_msg query, reply;
static struct tx_view tx;

static struct dns_rr rr(enum dns_section sec, uint16_t type, const char *name, uint32_t ttl,
                        const char *data)
{
	struct dns_rr r = {.section = sec, .type = type, .rclass = 1, .ttl = ttl, .name = name,
	                   .data = data};
	return r;
}

static void make_tx(void)
{
	memset(&query, 0, sizeof(query));
	memset(&reply, 0, sizeof(reply));
	qrr[0] = rr(DNS_SEC_QUESTION, DNS_T_A, "WwW.Example.", 0, NULL);
	query.rr = qrr;
	query.nrr = 1;
	query.id = 7;
	query.flags = 0x0130; /* RD, AD, CD */
	rrr[0] = qrr[0];
	rrr[1] = rr(DNS_SEC_ANSWER, DNS_T_CNAME, "WwW.Example.", 300, "cdn\\.x.example.");
	rrr[2] = rr(DNS_SEC_ANSWER, DNS_T_A, "cdn\\.x.example.", 60, "192.0.2.1");
	rrr[3] = rr(DNS_SEC_ANSWER, DNS_T_TXT, "cdn\\.x.example.", 5, "\"a,b\" \"c\\009\"");
	rrr[4] = rr(DNS_SEC_AUTHORITY, DNS_T_NS, "example.", 3600, "ns.example.");
	rrr[5] = rr(DNS_SEC_ADDITIONAL, DNS_T_A, "ns.example.", 3600, "192.0.2.53");
	reply.rr = rrr;
	reply.nrr = 6;
	reply.id = 7;
	reply.flags = 0x8580; /* QR AA RD RA */
	reply.edns.present = true;
	reply.edns.udp_size = 1232;
	reply.edns.dnssec_ok = true;
	reply.edns.opt[EDNS_F_NSID] = "6e73";
	memset(&tx, 0, sizeof(tx));
	tx.status = TX_SUCCESS;
	tx.proto = 17;
	tx.id = 7;
	strcpy(tx.client, "2001:db8::1");
	strcpy(tx.server, "2001:db8::53");
	tx.client_port = 40000;
	tx.server_port = 53;
	tx.query = &query;
	tx.reply = &reply;
	tx.query_us = INT64_C(1700000000000001);
	tx.reply_us = INT64_C(1700000000250000);
}

/* Field i of a tab-separated line (static buffer). */
static const char *field(const char *line, size_t i)
{
	static char buf[512];
	const char *p = line;
	for (size_t k = 0; k < i; k++) {
		p = strchr(p, '\t');
		ck_assert_ptr_nonnull(p);
		p++;
	}
	size_t n = strcspn(p, "\t\n");
	ck_assert_uint_lt(n, sizeof(buf));
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

static size_t index_of(const struct zeek_field *f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return i;
	ck_abort_msg("no column %s", name);
	return 0;
}

static const char *tx_col(const char *name)
{
	size_t n;
	const struct zeek_field *f = zeek_dns_tx_fields(&n);
	return field(text(), index_of(f, n, name));
}

static size_t count_fields(const char *line)
{
	size_t n = 1;
	for (const char *p = line; *p && *p != '\n'; p++)
		n += *p == '\t';
	return n;
}

START_TEST(test_tx_row)
{
	size_t n;
	const struct zeek_field *f = zeek_dns_tx_fields(&n);
	/* Zeek's dns.log first, in its order */
	static const char *const zeek[] = {"ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h",
		"id.resp_p", "proto", "trans_id", "rtt", "query", "qclass", "qclass_name", "qtype",
		"qtype_name", "rcode", "rcode_name", "AA", "TC", "RD", "RA", "Z", "answers", "TTLs",
		"rejected", "opcode", "opcode_name"};
	for (size_t i = 0; i < sizeof(zeek) / sizeof(zeek[0]); i++)
		ck_assert_str_eq(f[i].name, zeek[i]);

	make_tx();
	zeek_dns_tx_row(&out, &tx, "CabcdefghijklmnopQ");
	ck_assert_uint_eq(count_fields(text()), n);
	ck_assert_int_eq(text()[out.len - 1], '\n');
	ck_assert_str_eq(field(text(), 0), "1700000000.000001");
	ck_assert_str_eq(tx_col("uid"), "CabcdefghijklmnopQ");
	ck_assert_str_eq(tx_col("id.orig_h"), "2001:db8::1");
	ck_assert_str_eq(tx_col("rtt"), "0.249999");
	ck_assert_str_eq(tx_col("query"), "WwW.Example");
	ck_assert_str_eq(tx_col("qclass_name"), "C_INTERNET");
	ck_assert_str_eq(tx_col("qtype"), "1");
	ck_assert_str_eq(tx_col("rcode_name"), "NOERROR");
	ck_assert_str_eq(tx_col("AA"), "T");
	ck_assert_str_eq(tx_col("TC"), "F");
	ck_assert_str_eq(tx_col("RD"), "T");
	ck_assert_str_eq(tx_col("RA"), "T");
	ck_assert_str_eq(tx_col("Z"), "3"); /* AD and CD of the query */
	/* a name keeps its escaped dot, loses the root's; ',' escaped in elements */
	ck_assert_str_eq(tx_col("answers"),
	                 "cdn\\\\.x.example,192.0.2.1,\"a\\x2cb\" \"c\\\\009\"");
	ck_assert_str_eq(tx_col("TTLs"), "300.000000,60.000000,5.000000");
	ck_assert_str_eq(tx_col("rejected"), "F");
	ck_assert_str_eq(tx_col("opcode_name"), "query");
	ck_assert_str_eq(tx_col("auth"), "ns.example");
	ck_assert_str_eq(tx_col("addl"), "192.0.2.53");
	ck_assert_str_eq(tx_col("status"), "success");
	ck_assert_str_eq(tx_col("query_flags"), "rd ad cd");
	ck_assert_str_eq(tx_col("reply_malformed"), "-");
	ck_assert_str_eq(tx_col("query_edns_udp_size"), "-");
	ck_assert_str_eq(tx_col("reply_edns_udp_size"), "1232");
	ck_assert_str_eq(tx_col("reply_edns_do"), "T");
	ck_assert_str_eq(tx_col("reply_edns_nsid"), "6e73");
	ck_assert_str_eq(tx_col("reply_edns_ecs"), "-");
}
END_TEST

START_TEST(test_tx_row_no_reply)
{
	make_tx();
	qrr[0].name = ".";
	qrr[0].type = 255;
	tx.status = TX_NO_REPLY;
	tx.reply = NULL;
	zeek_dns_tx_row(&out, &tx, "C1");
	ck_assert_str_eq(tx_col("query"), "(empty)"); /* the root */
	ck_assert_str_eq(tx_col("qtype_name"), "*");
	ck_assert_str_eq(tx_col("rtt"), "-");
	ck_assert_str_eq(tx_col("rcode"), "-");
	ck_assert_str_eq(tx_col("rcode_name"), "-");
	ck_assert_str_eq(tx_col("AA"), "F");
	ck_assert_str_eq(tx_col("answers"), "-");
	ck_assert_str_eq(tx_col("TTLs"), "-");
	ck_assert_str_eq(tx_col("rejected"), "F");
	ck_assert_str_eq(tx_col("reply_ts"), "-");
	ck_assert_str_eq(tx_col("reply_flags"), "-");
	ck_assert_str_eq(tx_col("status"), "no_reply");
}
END_TEST

START_TEST(test_tx_row_rejected)
{
	make_tx();
	/* REFUSED with the question and nothing else */
	reply.flags = 0x8185;
	reply.nrr = 1;
	reply.edns.present = false;
	zeek_dns_tx_row(&out, &tx, "C1");
	ck_assert_str_eq(tx_col("rejected"), "T");
	ck_assert_str_eq(tx_col("rcode_name"), "REFUSED");
	ck_assert_str_eq(tx_col("answers"), "-");
	/* an OPT record is a record: not rejected by Zeek's rule (rcode with a question) */
	reply.edns.present = true;
	obuf_reset(&out);
	zeek_dns_tx_row(&out, &tx, "C1");
	ck_assert_str_eq(tx_col("rejected"), "F");
	/* extended rcode: BADVERS */
	reply.edns.ext_rcode = 1;
	reply.flags = 0x8180;
	obuf_reset(&out);
	zeek_dns_tx_row(&out, &tx, "C1");
	ck_assert_str_eq(tx_col("rcode"), "16");
	ck_assert_str_eq(tx_col("rcode_name"), "BADVERS");
	/* a reply without a question and a non-zero rcode: rejected */
	tx.query = NULL;
	tx.status = TX_NO_QUERY;
	reply.rr = rrr + 1;
	reply.nrr = 0;
	obuf_reset(&out);
	zeek_dns_tx_row(&out, &tx, "C1");
	ck_assert_str_eq(tx_col("rejected"), "T");
	ck_assert_str_eq(tx_col("query"), "-");
	ck_assert_str_eq(tx_col("RD"), "T"); /* request flags from the reply without a query */
	ck_assert_str_eq(field(text(), 0), "1700000000.250000");
}
END_TEST

START_TEST(test_update_answers)
{
	make_tx();
	query.flags = 0x2800; /* UPDATE */
	reply.flags = 0xA800;
	rrr[0].section = DNS_SEC_QUESTION; /* zone */
	zeek_dns_tx_row(&out, &tx, "C1");
	/* prerequisites (answer) and updates (authority) */
	ck_assert_str_eq(tx_col("answers"),
	                 "cdn\\\\.x.example,192.0.2.1,\"a\\x2cb\" \"c\\\\009\",ns.example");
	ck_assert_str_eq(tx_col("auth"), "-");
	ck_assert_str_eq(tx_col("opcode"), "5");
	ck_assert_str_eq(tx_col("opcode_name"), "dynamic-update");
	ck_assert_str_eq(tx_col("rejected"), "F");
}
END_TEST

START_TEST(test_record_row)
{
	size_t n;
	const struct zeek_field *f = zeek_dns_record_fields(&n);
	make_tx();
	rrr[2].mdns_bit = true;
	zeek_dns_record_row(&out, &tx, true, &rrr[2], "C1");
	ck_assert_uint_eq(count_fields(text()), n);
	ck_assert_str_eq(field(text(), index_of(f, n, "ts")), "1700000000.250000");
	ck_assert_str_eq(field(text(), index_of(f, n, "msg_type")), "reply");
	ck_assert_str_eq(field(text(), index_of(f, n, "rcode")), "NOERROR");
	ck_assert_str_eq(field(text(), index_of(f, n, "flags")), "aa rd ra");
	ck_assert_str_eq(field(text(), index_of(f, n, "name")), "cdn\\\\.x.example.");
	ck_assert_str_eq(field(text(), index_of(f, n, "ttl")), "60");
	ck_assert_str_eq(field(text(), index_of(f, n, "data")), "192.0.2.1");
	ck_assert_str_eq(field(text(), index_of(f, n, "cache_flush")), "T");
	ck_assert_str_eq(field(text(), index_of(f, n, "unicast_response")), "F");
	ck_assert_str_eq(field(text(), index_of(f, n, "edns_udp_size")), "1232");
	obuf_reset(&out);
	zeek_dns_record_row(&out, &tx, false, &qrr[0], "C1");
	ck_assert_str_eq(field(text(), index_of(f, n, "msg_type")), "query");
	ck_assert_str_eq(field(text(), index_of(f, n, "rcode")), "-");
	ck_assert_str_eq(field(text(), index_of(f, n, "ttl")), "-");
	ck_assert_str_eq(field(text(), index_of(f, n, "data")), "-");
	ck_assert_str_eq(field(text(), index_of(f, n, "section")), "question");
	ck_assert_str_eq(field(text(), index_of(f, n, "edns_do")), "-");
}
END_TEST

START_TEST(test_uid)
{
	struct hash_key k = {1, 2}, k2 = {3, 4};
	char a[ZEEK_UID_MAX], b[ZEEK_UID_MAX], c[ZEEK_UID_MAX];
	make_tx();
	zeek_dns_uid(&k, &tx, a);
	ck_assert_uint_eq(strlen(a), 18);
	ck_assert_int_eq(a[0], 'C');
	tx.id = 8; /* another transaction of the same flow */
	zeek_dns_uid(&k, &tx, b);
	ck_assert_str_eq(a, b);
	tx.client_port++;
	zeek_dns_uid(&k, &tx, c);
	ck_assert_str_ne(a, c);
	tx.client_port--;
	zeek_dns_uid(&k2, &tx, c); /* another run */
	ck_assert_str_ne(a, c);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("zeek_tsv");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_escaping);
	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_header);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_tx_row);
	tcase_add_test(tc, test_tx_row_no_reply);
	tcase_add_test(tc, test_tx_row_rejected);
	tcase_add_test(tc, test_update_answers);
	tcase_add_test(tc, test_record_row);
	tcase_add_test(tc, test_uid);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
