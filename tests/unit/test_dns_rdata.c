/*
 * Unit tests for the dns_rdata module (dns_rdata*.c): the presentation
 * form of every rendered type, mostly from the RFCs' own examples (each
 * test names its RFC), malformed variants of each that must come out in
 * the RFC 3597 generic form, and the generic form itself.  The expected
 * texts are what BIND 9.18 prints for the same wire data (dig, or
 * named-compilezone from "\# LEN HEX" input), except where a comment says
 * otherwise.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns_rdata.h"
#include "dns_rdata_impl.h" /* RD_T_* type numbers */
#include "dns_types.h"
#include "wirebuild.h"

/*
 * Render the rdata at [off, off + rdlen) of message m (copied to a heap
 * block of exactly m->n bytes, so valgrind sees any over-read) into out.
 * Returns the form; *finish gets tbuf_finish().
 */
static enum dns_rdata_form render_n(uint16_t type, const struct wb *m, size_t off, size_t rdlen,
                                    char *out, size_t cap, long *finish)
{
	uint8_t *msg = wb_dup_exact(m->b, m->n);
	struct tbuf b;
	tbuf_init(&b, out, cap);
	enum dns_rdata_form f = dns_rdata_render(&b, type, msg, m->n, off, rdlen);
	*finish = tbuf_finish(&b);
	free(msg);
	return f;
}

/* Render the rdata that runs from off to the end of m; expect success. */
static const char *render_tail(uint16_t type, const struct wb *m, size_t off,
                               enum dns_rdata_form *form)
{
	static char out[DNS_RDATA_TEXT_MAX];
	long fin;
	*form = render_n(type, m, off, m->n - off, out, sizeof(out), &fin);
	ck_assert_int_ge(fin, 0);
	ck_assert_uint_eq(strlen(out), (size_t)fin);
	return out;
}

/* Render raw rdata bytes placed after a header-sized gap. */
static const char *render_raw(uint16_t type, const void *rd, size_t n, enum dns_rdata_form *form)
{
	struct wb m;
	wb_dns_zero_header(&m);
	size_t off = m.n;
	wb_bytes(&m, rd, n);
	return render_tail(type, &m, off, form);
}

#define ASSERT_RENDER(type, bytes, want, wantform)                                       \
	do {                                                                             \
		static const uint8_t rd_[] = bytes;                                      \
		enum dns_rdata_form f_;                                                  \
		const char *got_ = render_raw((type), rd_, sizeof(rd_), &f_);            \
		ck_assert_str_eq(got_, (want));                                          \
		ck_assert_int_eq(f_, (wantform));                                        \
	} while (0)

#define B(...) {__VA_ARGS__}

START_TEST(a_record)
{
	ASSERT_RENDER(DNS_T_A, B(192, 0, 2, 1), "192.0.2.1", DNS_RDATA_TYPED);
	ASSERT_RENDER(DNS_T_A, B(0, 0, 0, 0), "0.0.0.0", DNS_RDATA_TYPED);
	ASSERT_RENDER(DNS_T_A, B(255, 255, 255, 255), "255.255.255.255", DNS_RDATA_TYPED);
	ASSERT_RENDER(DNS_T_A, B(10, 0, 100, 9), "10.0.100.9", DNS_RDATA_TYPED);
}
END_TEST

START_TEST(a_wrong_length)
{
	/* RFC 3597 generic form, hex of exactly the rdata */
	ASSERT_RENDER(DNS_T_A, B(192, 0, 2), "\\# 3 C00002", DNS_RDATA_INVALID);
	ASSERT_RENDER(DNS_T_A, B(192, 0, 2, 1, 7), "\\# 5 C000020107", DNS_RDATA_INVALID);
	enum dns_rdata_form f;
	ck_assert_str_eq(render_raw(DNS_T_A, "", 0, &f), "\\# 0");
	ck_assert_int_eq(f, DNS_RDATA_INVALID);
}
END_TEST

/* RFC 5952 section 4: lower case, no leading zeros, longest zero run as ::,
 * never :: for a single 16-bit field, the first run on a tie. */
START_TEST(aaaa_rfc5952)
{
	ASSERT_RENDER(DNS_T_AAAA, B(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
	              "2001:db8::1", DNS_RDATA_TYPED);
	ASSERT_RENDER(DNS_T_AAAA, B(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), "::",
	              DNS_RDATA_TYPED);
	ASSERT_RENDER(DNS_T_AAAA, B(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), "::1",
	              DNS_RDATA_TYPED);
	/* 4.2.2: one 0 field is not shortened */
	ASSERT_RENDER(DNS_T_AAAA, B(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1),
	              "2001:db8:0:1:1:1:1:1", DNS_RDATA_TYPED);
	/* 4.2.3: the longest run; on a tie, the first */
	ASSERT_RENDER(DNS_T_AAAA, B(0x20, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1),
	              "2001:0:0:1::1", DNS_RDATA_TYPED);
	ASSERT_RENDER(DNS_T_AAAA, B(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1),
	              "2001:db8::1:0:0:1", DNS_RDATA_TYPED);
	/* 4.3: lower case hex digits, leading zeros dropped */
	ASSERT_RENDER(DNS_T_AAAA,
	              B(0x20, 0x01, 0x0d, 0xb8, 0xAB, 0xCD, 0x00, 0x0E, 0x0F, 0x00, 0xFF, 0xFF, 0x12,
	                0x34, 0xCA, 0xFE),
	              "2001:db8:abcd:e:f00:ffff:1234:cafe", DNS_RDATA_TYPED);
	/* trailing zero run */
	ASSERT_RENDER(DNS_T_AAAA, B(0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), "fe80::",
	              DNS_RDATA_TYPED);
	/* section 5: IPv4-mapped addresses end in dotted decimal */
	ASSERT_RENDER(DNS_T_AAAA, B(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 128),
	              "::ffff:192.0.2.128", DNS_RDATA_TYPED);
}
END_TEST

START_TEST(aaaa_wrong_length)
{
	ASSERT_RENDER(DNS_T_AAAA, B(0x20, 0x01, 0x0d, 0xb8), "\\# 4 20010DB8", DNS_RDATA_INVALID);
	ASSERT_RENDER(DNS_T_AAAA, B(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
	              "\\# 15 000000000000000000000000000001", DNS_RDATA_INVALID);
	ASSERT_RENDER(DNS_T_AAAA, B(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2),
	              "\\# 17 0000000000000000000000000000000102", DNS_RDATA_INVALID);
}
END_TEST

/* NS, CNAME, PTR, DNAME (and the obsolete MD MF MB MG MR) hold one name,
 * which may be compressed with a pointer into the message. */
START_TEST(name_types_with_compression)
{
	static const uint16_t types[] = {DNS_T_NS, DNS_T_CNAME, DNS_T_PTR, DNS_T_DNAME, DNS_T_MD,
	                                 DNS_T_MF, DNS_T_MB,    DNS_T_MG,  DNS_T_MR};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct wb m;
		wb_dns_zero_header(&m);
		size_t ex = wb_name(&m, "example.");
		size_t off = m.n;
		wb_name_ptr(&m, "ns1.", (long)ex);
		enum dns_rdata_form f;
		ck_assert_str_eq(render_tail(types[i], &m, off, &f), "ns1.example.");
		ck_assert_int_eq(f, DNS_RDATA_TYPED);

		/* a bare pointer, and an uncompressed name */
		wb_dns_zero_header(&m);
		ex = wb_name(&m, "www.example.");
		off = m.n;
		wb_u16(&m, 0xC000u | (unsigned)ex);
		ck_assert_str_eq(render_tail(types[i], &m, off, &f), "www.example.");
		ck_assert_int_eq(f, DNS_RDATA_TYPED);
		wb_dns_zero_header(&m);
		off = m.n;
		wb_name(&m, "host.example.org.");
		ck_assert_str_eq(render_tail(types[i], &m, off, &f), "host.example.org.");
		/* a pointer chain: to "www" + pointer to "example." */
		wb_dns_zero_header(&m);
		ex = wb_name(&m, "example.");
		size_t www = wb_name_ptr(&m, "www.", (long)ex);
		off = m.n;
		wb_name_ptr(&m, "a.", (long)www);
		ck_assert_str_eq(render_tail(types[i], &m, off, &f), "a.www.example.");
	}
	/* the root name */
	enum dns_rdata_form f;
	ck_assert_str_eq(render_raw(DNS_T_PTR, "\0", 1, &f), ".");
	ck_assert_int_eq(f, DNS_RDATA_TYPED);
}
END_TEST

START_TEST(name_escaped_in_rdata)
{
	/* label bytes "a.b" then " x" then 0x0A: RFC 1035 5.1 escapes */
	static const uint8_t rd[] = {3, 'a', '.', 'b', 2, ' ', 'x', 1, 0x0A, 0};
	enum dns_rdata_form f;
	ck_assert_str_eq(render_raw(DNS_T_CNAME, rd, sizeof(rd), &f), "a\\.b.\\032x.\\010.");
	ck_assert_int_eq(f, DNS_RDATA_TYPED);
}
END_TEST

START_TEST(name_past_rdlength)
{
	/* the name 03 'a' 'b' 'c' 00 is in the message, but rdlength says 3 */
	struct wb m;
	wb_dns_zero_header(&m);
	size_t off = m.n;
	wb_name(&m, "abc.");
	char out[256];
	long fin;
	ck_assert_int_eq(render_n(DNS_T_NS, &m, off, 3, out, sizeof(out), &fin), DNS_RDATA_INVALID);
	ck_assert_str_eq(out, "\\# 3 036162");

	/* a pointer needs two bytes, rdlength gives one */
	wb_dns_zero_header(&m);
	size_t ex = wb_name(&m, "example.");
	off = m.n;
	wb_u16(&m, 0xC000u | (unsigned)ex);
	ck_assert_int_eq(render_n(DNS_T_CNAME, &m, off, 1, out, sizeof(out), &fin),
	                 DNS_RDATA_INVALID);
	ck_assert_str_eq(out, "\\# 1 C0");

	/* MX whose exchange runs past the rdata */
	wb_dns_zero_header(&m);
	off = m.n;
	wb_u16(&m, 10);
	wb_name(&m, "mail.example.");
	ck_assert_int_eq(render_n(DNS_T_MX, &m, off, 6, out, sizeof(out), &fin), DNS_RDATA_INVALID);
	ck_assert_str_eq(out, "\\# 6 000A046D6169");
}
END_TEST

START_TEST(name_bad_pointers)
{
	enum dns_rdata_form f;
	/* forward pointer (to itself) */
	struct wb m;
	wb_dns_zero_header(&m);
	size_t off = m.n;
	wb_u16(&m, 0xC000u | (unsigned)off);
	ck_assert_str_eq(render_tail(DNS_T_NS, &m, off, &f), "\\# 2 C00C");
	ck_assert_int_eq(f, DNS_RDATA_INVALID);
	/* empty rdata for a name type */
	ck_assert_str_eq(render_raw(DNS_T_CNAME, "", 0, &f), "\\# 0");
	ck_assert_int_eq(f, DNS_RDATA_INVALID);
}
END_TEST

START_TEST(trailing_bytes)
{
	enum dns_rdata_form f;
	/* NS name then one extra byte */
	static const uint8_t ns[] = {2, 'n', 's', 0, 0xEE};
	ck_assert_str_eq(render_raw(DNS_T_NS, ns, sizeof(ns), &f), "\\# 5 026E7300EE");
	ck_assert_int_eq(f, DNS_RDATA_INVALID);
	/* MX with an extra byte */
	static const uint8_t mx[] = {0, 5, 0, 0x01};
	ck_assert_str_eq(render_raw(DNS_T_MX, mx, sizeof(mx), &f), "\\# 4 00050001");
	ck_assert_int_eq(f, DNS_RDATA_INVALID);
	/* SRV with an extra byte after the target */
	static const uint8_t srv[] = {0, 1, 0, 2, 0, 3, 0, 9};
	ck_assert_str_eq(render_raw(DNS_T_SRV, srv, sizeof(srv), &f), "\\# 8 0001000200030009");
	ck_assert_int_eq(f, DNS_RDATA_INVALID);
}
END_TEST

START_TEST(mx_record)
{
	struct wb m;
	wb_dns_zero_header(&m);
	size_t ex = wb_name(&m, "example.");
	size_t off = m.n;
	wb_u16(&m, 10);
	wb_name_ptr(&m, "mail.", (long)ex);
	enum dns_rdata_form f;
	ck_assert_str_eq(render_tail(DNS_T_MX, &m, off, &f), "10 mail.example.");
	ck_assert_int_eq(f, DNS_RDATA_TYPED);

	static const uint8_t maxpref[] = {0xFF, 0xFF, 0};
	ck_assert_str_eq(render_raw(DNS_T_MX, maxpref, sizeof(maxpref), &f), "65535 .");
	ck_assert_int_eq(f, DNS_RDATA_TYPED);
	static const uint8_t nullmx[] = {0, 0, 0}; /* RFC 7505 null MX */
	ck_assert_str_eq(render_raw(DNS_T_MX, nullmx, sizeof(nullmx), &f), "0 .");
	static const uint8_t shortmx[] = {0};
	ck_assert_str_eq(render_raw(DNS_T_MX, shortmx, sizeof(shortmx), &f), "\\# 1 00");
	ck_assert_int_eq(f, DNS_RDATA_INVALID);
	static const uint8_t noname[] = {0, 10};
	ck_assert_str_eq(render_raw(DNS_T_MX, noname, sizeof(noname), &f), "\\# 2 000A");
	ck_assert_int_eq(f, DNS_RDATA_INVALID);
}
END_TEST

START_TEST(soa_record)
{
	/* mname, rname (compressed against mname's "example."), then
	 * serial refresh retry expire minimum */
	struct wb m;
	wb_dns_zero_header(&m);
	size_t off = m.n;
	size_t mname = wb_name(&m, "ns1.example.");
	wb_name_ptr(&m, "hostmaster.", (long)mname + 4);
	wb_u32(&m, 2015101101u);
	wb_u32(&m, 7200);
	wb_u32(&m, 3600);
	wb_u32(&m, 1209600);
	wb_u32(&m, 300);
	enum dns_rdata_form f;
	ck_assert_str_eq(render_tail(DNS_T_SOA, &m, off, &f),
	                 "ns1.example. hostmaster.example. 2015101101 7200 3600 1209600 300");
	ck_assert_int_eq(f, DNS_RDATA_TYPED);

	/* 32-bit fields are unsigned: 0xFFFFFFFF is 4294967295 */
	wb_dns_zero_header(&m);
	off = m.n;
	wb_name(&m, ".");
	wb_name(&m, ".");
	wb_u32(&m, 0xFFFFFFFFu);
	wb_u32(&m, 0x80000000u);
	wb_u32(&m, 0);
	wb_u32(&m, 1);
	wb_u32(&m, 2);
	ck_assert_str_eq(render_tail(DNS_T_SOA, &m, off, &f), ". . 4294967295 2147483648 0 1 2");
	ck_assert_int_eq(f, DNS_RDATA_TYPED);
}
END_TEST

START_TEST(soa_short_and_long)
{
	struct wb m;
	wb_dns_zero_header(&m);
	size_t off = m.n;
	wb_name(&m, "a.");
	wb_name(&m, "b.");
	for (int i = 0; i < 4; i++)
		wb_u32(&m, 1);
	wb_u16(&m, 0); /* minimum cut to two bytes */
	enum dns_rdata_form f;
	const char *s = render_tail(DNS_T_SOA, &m, off, &f);
	ck_assert_int_eq(f, DNS_RDATA_INVALID);
	ck_assert_str_eq(s, "\\# 24 01610001620000000001000000010000000100000001"
	                    "0000");

	wb_dns_zero_header(&m);
	off = m.n;
	wb_name(&m, "a.");
	wb_name(&m, "b.");
	for (int i = 0; i < 5; i++)
		wb_u32(&m, 1);
	wb_u8(&m, 0xAA); /* one byte too many */
	render_tail(DNS_T_SOA, &m, off, &f);
	ck_assert_int_eq(f, DNS_RDATA_INVALID);
}
END_TEST

START_TEST(txt_strings)
{
	ASSERT_RENDER(DNS_T_TXT, B(6, 'v', '=', 's', 'p', 'f', '1', 4, '-', 'a', 'l', 'l'),
	              "\"v=spf1\" \"-all\"", DNS_RDATA_TYPED);
	ASSERT_RENDER(DNS_T_TXT, B(5, 'h', 'e', 'l', 'l', 'o'), "\"hello\"", DNS_RDATA_TYPED);
	/* spaces stay inside the quotes */
	ASSERT_RENDER(DNS_T_TXT, B(3, 'a', ' ', 'b'), "\"a b\"", DNS_RDATA_TYPED);
	/* SPF has TXT's format (RFC 7208 section 3) */
	ASSERT_RENDER(DNS_T_SPF, B(2, 'o', 'k', 1, 'x'), "\"ok\" \"x\"", DNS_RDATA_TYPED);
}
END_TEST

START_TEST(txt_empty_strings)
{
	ASSERT_RENDER(DNS_T_TXT, B(0), "\"\"", DNS_RDATA_TYPED);
	ASSERT_RENDER(DNS_T_TXT, B(0, 0), "\"\" \"\"", DNS_RDATA_TYPED);
	ASSERT_RENDER(DNS_T_TXT, B(1, 'a', 0, 1, 'b'), "\"a\" \"\" \"b\"", DNS_RDATA_TYPED);
	/* TXT holds at least one string: empty rdata is not valid TXT */
	enum dns_rdata_form f;
	ck_assert_str_eq(render_raw(DNS_T_TXT, "", 0, &f), "\\# 0");
	ck_assert_int_eq(f, DNS_RDATA_INVALID);
}
END_TEST

START_TEST(txt_escapes)
{
	/* say "hi" \ ok  ->  "say \"hi\" \\ ok" */
	ASSERT_RENDER(DNS_T_TXT, B(13, 's', 'a', 'y', ' ', '"', 'h', 'i', '"', ' ', '\\', ' ', 'o', 'k'),
	              "\"say \\\"hi\\\" \\\\ ok\"", DNS_RDATA_TYPED);
	/* non-printables as \DDD, three decimal digits */
	ASSERT_RENDER(DNS_T_TXT, B(8, 0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x7F, 0x80, 0xFF),
	              "\"\\000\\009\\010\\013\\031\\127\\128\\255\"", DNS_RDATA_TYPED);
	/* the whole printable range passes, except " and \ */
	uint8_t rd[1 + 95];
	char want[2 + 95 + 2 + 1];
	size_t w = 0;
	rd[0] = 95;
	want[w++] = '"';
	for (int c = 0x20; c < 0x7F; c++) {
		rd[1 + c - 0x20] = (uint8_t)c;
		if (c == '"' || c == '\\')
			want[w++] = '\\';
		want[w++] = (char)c;
	}
	want[w++] = '"';
	want[w] = '\0';
	enum dns_rdata_form f;
	ck_assert_str_eq(render_raw(DNS_T_TXT, rd, sizeof(rd), &f), want);
	ck_assert_int_eq(f, DNS_RDATA_TYPED);
}
END_TEST

START_TEST(txt_string_past_rdlength)
{
	ASSERT_RENDER(DNS_T_TXT, B(5, 'a', 'b'), "\\# 3 056162", DNS_RDATA_INVALID);
	ASSERT_RENDER(DNS_T_TXT, B(1, 'a', 3, 'x'), "\\# 4 01610378", DNS_RDATA_INVALID);

	/* the string's bytes exist in the message but lie past the rdata */
	struct wb m;
	wb_dns_zero_header(&m);
	size_t off = m.n;
	wb_u8(&m, 4);
	wb_bytes(&m, "abcd", 4);
	char out[64];
	long fin;
	ck_assert_int_eq(render_n(DNS_T_TXT, &m, off, 3, out, sizeof(out), &fin),
	                 DNS_RDATA_INVALID);
	ck_assert_str_eq(out, "\\# 3 046162");
}
END_TEST

START_TEST(srv_record)
{
	/* RFC 2782: priority weight port target */
	struct wb m;
	wb_dns_zero_header(&m);
	size_t ex = wb_name(&m, "example.com.");
	size_t off = m.n;
	wb_u16(&m, 0);
	wb_u16(&m, 5);
	wb_u16(&m, 5060);
	wb_name_ptr(&m, "sipserver.", (long)ex);
	enum dns_rdata_form f;
	ck_assert_str_eq(render_tail(DNS_T_SRV, &m, off, &f), "0 5 5060 sipserver.example.com.");
	ck_assert_int_eq(f, DNS_RDATA_TYPED);

	ASSERT_RENDER(DNS_T_SRV, B(0xFF, 0xFF, 0x80, 0x00, 0xFF, 0xFE, 0), "65535 32768 65534 .",
	              DNS_RDATA_TYPED);
	ASSERT_RENDER(DNS_T_SRV, B(0, 1, 0, 2, 0, 3), "\\# 6 000100020003", DNS_RDATA_INVALID);
	ASSERT_RENDER(DNS_T_SRV, B(0, 1, 0, 2, 0), "\\# 5 0001000200", DNS_RDATA_INVALID);
}
END_TEST

/* RFC 3597 section 5: unknown types in the generic form. */
START_TEST(unknown_types_generic)
{
	ASSERT_RENDER(65280, B(0x01, 0x02, 0x03), "\\# 3 010203", DNS_RDATA_GENERIC);
	ASSERT_RENDER(65280, B(0xDE, 0xAD, 0xBE, 0xEF, 0x00), "\\# 5 DEADBEEF00", DNS_RDATA_GENERIC);
	ASSERT_RENDER(DNS_T_NULL, B(0x0A, 0x00, 0x00, 0x01), "\\# 4 0A000001", DNS_RDATA_GENERIC);
	enum dns_rdata_form f;
	ck_assert_str_eq(render_raw(65280, "", 0, &f), "\\# 0");
	ck_assert_int_eq(f, DNS_RDATA_GENERIC);
	ck_assert_str_eq(render_raw(0, "", 0, &f), "\\# 0");
	ck_assert_int_eq(f, DNS_RDATA_GENERIC);
}
END_TEST

START_TEST(generic_direct)
{
	/* the example of RFC 3597 section 5: e.example. IN A \# 4 0A000001 */
	static const uint8_t a[] = {0x0A, 0x00, 0x00, 0x01};
	char out[64];
	struct tbuf b;
	tbuf_init(&b, out, sizeof(out));
	dns_rdata_render_generic(&b, a, sizeof(a));
	ck_assert_int_ge(tbuf_finish(&b), 0);
	ck_assert_str_eq(out, "\\# 4 0A000001");
	tbuf_init(&b, out, sizeof(out));
	dns_rdata_render_generic(&b, a, 0);
	ck_assert_int_ge(tbuf_finish(&b), 0);
	ck_assert_str_eq(out, "\\# 0");
}
END_TEST

START_TEST(largest_rdata_fits_scratch)
{
	/* 65535 bytes of unknown rdata: "\# 65535 " + 131070 hex digits */
	uint8_t *msg = malloc(65535);
	ck_assert_ptr_nonnull(msg);
	memset(msg, 0xAB, 65535);
	char *out = malloc(DNS_RDATA_TEXT_MAX);
	ck_assert_ptr_nonnull(out);
	struct tbuf b;
	tbuf_init(&b, out, DNS_RDATA_TEXT_MAX);
	ck_assert_int_eq(dns_rdata_render(&b, 65280, msg, 65535, 0, 65535), DNS_RDATA_GENERIC);
	ck_assert_int_eq(tbuf_finish(&b), 9 + 131070);
	ck_assert_int_eq(strncmp(out, "\\# 65535 ABAB", 13), 0);
	ck_assert_str_eq(out + 9 + 131070 - 4, "ABAB");
	free(out);
	free(msg);
}
END_TEST

START_TEST(output_that_does_not_fit)
{
	struct wb m;
	wb_dns_zero_header(&m);
	size_t off = m.n;
	wb_bytes(&m, "\xC0\x00\x02\x01", 4);
	char out[8]; /* neither "192.0.2.1" nor "\# 4 C0000201" fits */
	long fin;
	ck_assert_int_eq(render_n(DNS_T_A, &m, off, 4, out, sizeof(out), &fin), DNS_RDATA_INVALID);
	ck_assert_int_eq(fin, -1);
	ck_assert_uint_lt(strlen(out), sizeof(out));

	/* the typed form does not fit but the generic form does: still usable */
	char out2[14];
	ck_assert_int_eq(render_n(DNS_T_SOA, &m, off, 4, out2, sizeof(out2), &fin),
	                 DNS_RDATA_INVALID);
	ck_assert_int_ge(fin, 0);
	ck_assert_str_eq(out2, "\\# 4 C0000201");
}
END_TEST

START_TEST(rdata_outside_message)
{
	struct wb m;
	wb_dns_zero_header(&m);
	wb_bytes(&m, "\x01\x02\x03\x04", 4);
	char out[64];
	long fin;
	/* rdlength reaches past the message end: never read, never typed */
	ck_assert_int_eq(render_n(DNS_T_A, &m, 12, 5, out, sizeof(out), &fin), DNS_RDATA_INVALID);
	ck_assert_int_eq(render_n(DNS_T_A, &m, 17, 0, out, sizeof(out), &fin), DNS_RDATA_INVALID);
	ck_assert_int_eq(render_n(65280, &m, 12, SIZE_MAX, out, sizeof(out), &fin),
	                 DNS_RDATA_INVALID);
}
END_TEST

/* The text is appended after what the buffer already holds. */
START_TEST(appends_to_buffer)
{
	struct wb m;
	wb_dns_zero_header(&m);
	size_t off = m.n;
	wb_bytes(&m, "\xC0\x00\x02\x01\x07", 5);
	uint8_t *msg = malloc(m.n);
	memcpy(msg, m.b, m.n);
	char out[64];
	struct tbuf b;
	tbuf_init(&b, out, sizeof(out));
	tbuf_puts(&b, "data=");
	ck_assert_int_eq(dns_rdata_render(&b, DNS_T_A, msg, m.n, off, 4), DNS_RDATA_TYPED);
	tbuf_puts(&b, ";bad=");
	ck_assert_int_eq(dns_rdata_render(&b, DNS_T_A, msg, m.n, off, 5), DNS_RDATA_INVALID);
	ck_assert_int_ge(tbuf_finish(&b), 0);
	ck_assert_str_eq(out, "data=192.0.2.1;bad=\\# 5 C000020107");
	free(msg);
}
END_TEST


/* ------------------------------------------------------------------ */
/* Table-driven cases: rdata in hex, the expected text or NULL.       */

/* Hex digits to bytes, spaces ignored; returns the byte count. */
static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	for (const char *p = hex; *p;) {
		if (*p == ' ') {
			p++;
			continue;
		}
		char two[3] = {p[0], p[1], '\0'};
		char *end;
		ck_assert_uint_lt(n, cap);
		out[n++] = (uint8_t)strtoul(two, &end, 16);
		ck_assert_msg(end == two + 2, "bad hex in test data: %s", hex);
		p += 2;
	}
	return n;
}

static bool is_printable(const char *s)
{
	while (*s >= 0x20 && *s <= 0x7E)
		s++;
	return *s == '\0';
}

static void assert_printable(const char *s)
{
	ck_assert_msg(is_printable(s), "non-printable byte in [%s]", s);
}

/* One rdata; want is its text, or NULL when it must be invalid (generic form). */
struct rd_case {
	uint16_t type;
	const char *hex;
	const char *want;
};

static void check_case(const struct rd_case *t)
{
	static uint8_t rd[2048];
	static char generic[2 * sizeof(rd) + 16];
	size_t n = unhex(t->hex, rd, sizeof(rd));
	enum dns_rdata_form f;
	const char *got = render_raw(t->type, rd, n, &f);
	assert_printable(got);
	if (t->want) {
		ck_assert_msg(f == DNS_RDATA_TYPED && strcmp(got, t->want) == 0,
		              "type %u rdata %s:\n got  [%s] (form %d)\n want [%s]", t->type, t->hex,
		              got, f, t->want);
		return;
	}
	struct tbuf b;
	tbuf_init(&b, generic, sizeof(generic));
	dns_rdata_render_generic(&b, rd, n);
	ck_assert_int_ge(tbuf_finish(&b), 0);
	ck_assert_msg(f == DNS_RDATA_INVALID && strcmp(got, generic) == 0,
	              "type %u rdata %s: got [%s] (form %d), want invalid", t->type, t->hex, got, f);
}

#define CHECK_CASES(cases)                                                        \
	do {                                                                      \
		for (size_t i_ = 0; i_ < sizeof(cases) / sizeof(cases[0]); i_++) \
			check_case(&(cases)[i_]);                                 \
	} while (0)

/* A name in the message, then rdata of `type` made of `pre` hex, a
 * pointer to that name and `post` hex; returns the rendering. */
static const char *render_with_pointer(uint16_t type, const char *pre, const char *post,
                                       enum dns_rdata_form *f)
{
	static struct wb m;
	uint8_t tmp[256];
	wb_dns_zero_header(&m);
	size_t ex = wb_name(&m, "example.com.");
	size_t off = m.n;
	wb_bytes(&m, tmp, unhex(pre, tmp, sizeof(tmp)));
	wb_u16(&m, 0xC000u | (unsigned)ex);
	wb_bytes(&m, tmp, unhex(post, tmp, sizeof(tmp)));
	return render_tail(type, &m, off, f);
}

/* ---- RFC 1035 and RFC 1183 ---- */

START_TEST(rfc1035_hinfo_wks)
{
	static const struct rd_case cases[] = {
		{RD_T_HINFO, "08 4445432d32303630 06 544f50533230", "\"DEC-2060\" \"TOPS20\""},
		{RD_T_HINFO, "00 00", "\"\" \"\""},
		{RD_T_HINFO, "08 4445432d32303630", NULL},               /* one string */
		{RD_T_HINFO, "01 61 01 62 01 63", NULL},                 /* three */
		{RD_T_HINFO, "08 4445432d32303630 06 544f5053", NULL},   /* cut short */
		{RD_T_WKS, "0a000001 06 0000004000000000000080", "10.0.0.1 6 25 80"},
		{RD_T_WKS, "0a000001 11 00000000000004", "10.0.0.1 17 53"},
		{RD_T_WKS, "0a000001 06", "10.0.0.1 6"},
		{RD_T_WKS, "c0000201 06 ffff", "192.0.2.1 6 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15"},
		{RD_T_WKS, "0a000001", NULL},
		{RD_T_WKS, "0a0000", NULL},
	};
	CHECK_CASES(cases);
}
END_TEST

START_TEST(rfc1183_types)
{
	static const struct rd_case cases[] = {
		/* 2.2 RP, 1 AFSDB, 3.1 X25, 3.2 ISDN, 3.3 RT (and MINFO of RFC 1035) */
		{RD_T_RP,
		 "056c6f756965077472616e746f7203756d640365647500"
		 "044c414d310670656f706c6503756d640365647500",
		 "louie.trantor.umd.edu. LAM1.people.umd.edu."},
		{RD_T_AFSDB, "0001 0342494702435303554d440345445500", "1 BIG.CS.UMD.EDU."},
		{RD_T_X25, "0c333131303631373030393536", "\"311061700956\""},
		{RD_T_ISDN, "0f313530383632303238303033323137 03303034",
		 "\"150862028003217\" \"004\""},
		{RD_T_ISDN, "0f313530383632303238303033323137", "\"150862028003217\""},
		{RD_T_RT, "0002 0552656c6179055072696d6503434f4d00", "2 Relay.Prime.COM."},
		{RD_T_MINFO, "0541444d494e034953490345445500 064552524f5253034953490345445500",
		 "ADMIN.ISI.EDU. ERRORS.ISI.EDU."},
		/* malformed */
		{RD_T_RP, "056c6f75696500", NULL},               /* one name */
		{RD_T_RP, "0161 00 0162 00 ff", NULL},           /* trailing byte */
		{RD_T_AFSDB, "0001", NULL},
		{RD_T_X25, "03 313233", NULL},                   /* shorter than a DNIC */
		{RD_T_X25, "05 3331323361", NULL},               /* not digits */
		{RD_T_X25, "0c 333131303631373030393536 00", NULL},
		{RD_T_ISDN, "0161 0162 0163", NULL},             /* three strings */
		{RD_T_ISDN, "", NULL},
		{RD_T_RT, "0002", NULL},
		{RD_T_MINFO, "0161", NULL},
	};
	CHECK_CASES(cases);
	/* these old types may compress their names (RFC 3597 section 4) */
	enum dns_rdata_form f;
	ck_assert_str_eq(render_with_pointer(RD_T_RP, "046d626f7800", "", &f),
	                 "mbox. example.com.");
	ck_assert_int_eq(f, DNS_RDATA_TYPED);
	ck_assert_str_eq(render_with_pointer(RD_T_AFSDB, "0002", "", &f), "2 example.com.");
	ck_assert_str_eq(render_with_pointer(RD_T_RT, "000a 0272 74", "", &f), "10 rt.example.com.");
	ck_assert_str_eq(render_with_pointer(RD_T_MINFO, "0161", "00", &f), "a.example.com. .");
}
END_TEST

/* RFC 1706 NSAP and NSAP-PTR, RFC 1712 GPOS, RFC 2163 PX, RFC 2230 KX. */
START_TEST(nsap_gpos_px_kx)
{
	static const struct rd_case cases[] = {
		{RD_T_NSAP, "47000580005a0000000001e133ffffff00016100",
		 "0x47000580005a0000000001e133ffffff00016100"},
		{RD_T_NSAP, "", NULL},
		{RD_T_NSAP_PTR, "03 666f6f 00", "foo."},
		{RD_T_GPOS, "082d33322e36383832 083131362e38363532 0431302e30",
		 "\"-32.6882\" \"116.8652\" \"10.0\""},
		{RD_T_GPOS, "082d33322e36383832 083131362e38363532", NULL},
		{RD_T_PX, "0032 026974 00 0941444d442d6761727204432d697400",
		 "50 it. ADMD-garr.C-it."},
		{RD_T_PX, "0032 02697400", NULL},
		{RD_T_KX, "000a 036b7831076578616d706c6503636f6d00", "10 kx1.example.com."},
		{RD_T_KX, "000a", NULL},
		{RD_T_KX, "000a 00 00", NULL},
	};
	CHECK_CASES(cases);
	/* KX and NSAP-PTR came after RFC 3597's list: no compression */
	enum dns_rdata_form f;
	render_with_pointer(RD_T_KX, "000a", "", &f);
	ck_assert_int_eq(f, DNS_RDATA_INVALID);
	render_with_pointer(RD_T_NSAP_PTR, "", "", &f);
	ck_assert_int_eq(f, DNS_RDATA_INVALID);
	ck_assert_str_eq(render_with_pointer(RD_T_PX, "000a", "00", &f), "10 example.com. .");
	ck_assert_int_eq(f, DNS_RDATA_TYPED);
}
END_TEST

/* ---- LOC, RFC 1876 ---- */

START_TEST(rfc1876_loc)
{
	static const struct rd_case cases[] = {
		/* the two examples of RFC 1876 section 4 */
		{RD_T_LOC, "0033161389172dd070be15f000988d20",
		 "42 21 54.000 N 71 6 18.000 W -24.00m 30m 10000m 10m"},
		{RD_T_LOC, "001224138917069070bf2dd800988d20",
		 "42 21 43.952 N 71 5 6.344 W -24.00m 1m 200m 10m"},
		/* as dig shows a LOC given with every field */
		{RD_T_LOC, "000016138b3cf018810cbce0009895b8",
		 "52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m"},
		{RD_T_LOC, "00121613791b7d2898e6486800989a68",
		 "32 7 19.000 S 116 2 25.000 E 10.00m 1m 10000m 10m"},
		/* the extremes: poles, the antimeridian, the largest sizes */
		{RD_T_LOC, "00999999934fd90059604e00ffffffff",
		 "90 0 0.000 N 180 0 0.000 W 42849672.95m 90000000m 90000000m 90000000m"},
		{RD_T_LOC, "000000006cb02700a69fb20000000000",
		 "90 0 0.000 S 180 0 0.000 E -100000.00m 0.00m 0.00m 0.00m"},
		/* sizes below a metre keep their centimetres */
		{RD_T_LOC, "00 50 13 11 80000000 80000000 00989680",
		 "0 0 0.000 N 0 0 0.000 E 0.00m 0.05m 10m 0.10m"},
		/* malformed */
		{RD_T_LOC, "0133161389172dd070be15f000988d20", NULL},   /* version 1 */
		{RD_T_LOC, "0033161389172dd070be15f000988d", NULL},     /* 15 bytes */
		{RD_T_LOC, "0033161389172dd070be15f000988d2000", NULL}, /* 17 bytes */
		{RD_T_LOC, "00331613934fd90170be15f000988d20", NULL},   /* latitude > 90 */
		{RD_T_LOC, "0033161389172dd0a69fb20100988d20", NULL},   /* longitude > 180 */
		{RD_T_LOC, "00a0161389172dd070be15f000988d20", NULL},   /* mantissa 10 */
		{RD_T_LOC, "000a161389172dd070be15f000988d20", NULL},   /* exponent 10 */
		{RD_T_LOC, "0001161389172dd070be15f000988d20", NULL},   /* 0e1: not normal */
		{RD_T_LOC, "", NULL},
	};
	CHECK_CASES(cases);
}
END_TEST

/* ---- RFC 2874 A6, RFC 2535 KEY/SIG/NXT ---- */

START_TEST(rfc2874_a6)
{
	static const struct rd_case cases[] = {
		/* the examples of RFC 2874 section 3.1.4 and 5 */
		{RD_T_A6, "00 234500c1ca110001123456789abcdef0",
		 "0 2345:c1:ca11:1:1234:5678:9abc:def0"},
		{RD_T_A6, "40 123456789abcdef0 085355424e45542d31034950360141034e455400",
		 "64 ::1234:5678:9abc:def0 SUBNET-1.IP6.A.NET."},
		{RD_T_A6, "30 00010000000000000000 034950360141034e455400",
		 "48 0:0:0:1:: IP6.A.NET."},
		{RD_T_A6, "3c 0f0000000000000001 00", "60 ::f:0:0:0:1 ."},
		/* all 128 bits in the prefix: no suffix (BIND prints an empty one) */
		{RD_T_A6, "80 03666f6f00", "128 foo."},
		{RD_T_A6, "81 00", NULL},                      /* > 128 */
		{RD_T_A6, "3c ff0000000000000001 00", NULL}, /* prefix bits set */
		{RD_T_A6, "00 234500c1ca110001123456789abcdef0 00", NULL},
		{RD_T_A6, "40 123456789abcdef0", NULL},       /* no prefix name */
		{RD_T_A6, "40 1234", NULL},
	};
	CHECK_CASES(cases);
}
END_TEST

START_TEST(rfc2535_key_sig_nxt)
{
	static const struct rd_case cases[] = {
		{RD_T_KEY, "0100 03 05 0103d22a6ca77f35", "256 3 5 AQPSKmynfzU="},
		/* "no key" flags: no key data (RFC 2535 3.1.2) */
		{RD_T_KEY, "c000 03 05", "49152 3 5"},
		{RD_T_KEY, "c000 03 05 0c", NULL},
		{RD_T_KEY, "0100 03 05", NULL},
		/* SIG has RRSIG's layout; SIG(0) covers type 0 */
		{RD_T_SIG, "0001 05 03 00015180 3e7c9dd7 3e5510d7 0a52 076578616d706c6500 a090755b",
		 "A 5 3 86400 20030322173103 20030220173103 2642 example. oJB1Ww=="},
		{RD_T_SIG, "0000 05 00 00000000 3e7c9dd7 3e5510d7 0a52 00 a090755b",
		 "TYPE0 5 0 0 20030322173103 20030220173103 2642 . oJB1Ww=="},
		/* NXT, RFC 2535 5.4: big.foo.tld. NXT medium.foo.tld. A MX SIG NXT */
		{RD_T_NXT, "066d656469756d03666f6f03746c6400 40010082",
		 "medium.foo.tld. A MX SIG NXT"},
		{RD_T_NXT, "066d656469756d03666f6f03746c6400", "medium.foo.tld."},
		{RD_T_NXT, "00 c0", NULL},          /* bit 0: another bitmap format */
		{RD_T_NXT, "00 4000", NULL},        /* trailing zero octet */
		{RD_T_NXT, "00 00000000000000000000000000000000 01", NULL}, /* > 16 octets */
	};
	CHECK_CASES(cases);
	/* SIG and NXT names may be compressed (RFC 3597 section 4) */
	enum dns_rdata_form f;
	ck_assert_str_eq(render_with_pointer(RD_T_NXT, "", "4001", &f), "example.com. A MX");
	ck_assert_int_eq(f, DNS_RDATA_TYPED);
	ck_assert_str_eq(render_with_pointer(RD_T_SIG, "0001 05 02 00000e10 00000000 00000000 0001",
	                                     "ab", &f),
	                 "A 5 2 3600 19700101000000 19700101000000 1 example.com. qw==");
	ck_assert_int_eq(f, DNS_RDATA_TYPED);
}
END_TEST

/* ---- RFC 3123 APL, RFC 3403 NAPTR ---- */

START_TEST(rfc3123_apl)
{
	static const struct rd_case cases[] = {
		/* the examples of RFC 3123 section 9 */
		{RD_T_APL, "00011503c0a82000 011c83c0a826", "1:192.168.32.0/21 !1:192.168.38.0/28"},
		{RD_T_APL, "00011a03c0a82a00 011a04c0a82a40 00011904c0a82a80",
		 "1:192.168.42.0/26 1:192.168.42.64/26 1:192.168.42.128/25"},
		{RD_T_APL, "000120047f000001 00011603ac1040", "1:127.0.0.1/32 1:172.16.64.0/22"},
		{RD_T_APL, "00010401e0 000208 01ff", "1:224.0.0.0/4 2:ff00::/8"},
		{RD_T_APL, "", ""}, /* an empty list is valid */
		{RD_T_APL, "0001 00 00", "1:0.0.0.0/0"},
		{RD_T_APL, "0002 80 10 20010db8000000000000000000000001", "2:2001:db8::1/128"},
		/* malformed */
		{RD_T_APL, "0003 08 01 0a", NULL},              /* unknown family */
		{RD_T_APL, "0001 20 05 0102030405", NULL},      /* 5 octets of IPv4 */
		{RD_T_APL, "0001 21 04 01020304", NULL},        /* prefix 33 */
		{RD_T_APL, "0002 81 00", NULL},                 /* prefix 129 */
		{RD_T_APL, "0001 18 04 0a000000", NULL},        /* trailing zero octet sent */
		{RD_T_APL, "0001 18 03 0a00", NULL},            /* cut short */
		{RD_T_APL, "0001 18", NULL},
	};
	CHECK_CASES(cases);
}
END_TEST

START_TEST(rfc3403_naptr)
{
	static const struct rd_case cases[] = {
		/* section 6.2, with the regexp's backslashes as they are on the wire */
		{RD_T_NAPTR,
		 "0064000a 00 00 21215e75726e3a6369643a2e2b40285b5e5c2e5d2b5c2e29282e2a2924215c32216900",
		 "100 10 \"\" \"\" \"!^urn:cid:.+@([^\\\\.]+\\\\.)(.*)$!\\\\2!i\" ."},
		{RD_T_NAPTR,
		 "00640032 0161 0d7a333935302b4e324c2b4e3243 00 "
		 "09636964736572766572076578616d706c6503636f6d00",
		 "100 50 \"a\" \"z3950+N2L+N2C\" \"\" cidserver.example.com."},
		{RD_T_NAPTR,
		 "00640032 0173 10687474702b4e324c2b4e32432b4e3252 00 "
		 "055f68747470045f746370066761746563680365647500",
		 "100 50 \"s\" \"http+N2L+N2C+N2R\" \"\" _http._tcp.gatech.edu."},
		{RD_T_NAPTR, "0064000a 00 00 00", NULL},        /* no replacement */
		{RD_T_NAPTR, "0064000a 00 00 05 6162", NULL},    /* string cut */
		{RD_T_NAPTR, "0064000a 00 00 00 00 00", NULL},   /* trailing */
		{RD_T_NAPTR, "0064", NULL},
	};
	CHECK_CASES(cases);
	enum dns_rdata_form f;
	ck_assert_str_eq(render_with_pointer(RD_T_NAPTR, "000a 0014 0155 03452b41 00", "", &f),
	                 "10 20 \"U\" \"E+A\" \"\" example.com.");
	ck_assert_int_eq(f, DNS_RDATA_TYPED);
}
END_TEST

/* ---- RFC 4034 DS, DNSKEY, RRSIG, NSEC ---- */

#define RFC4034_KEY                                                                  \
	"0103d22a6ca77f35b893206fd35e4c506d8378843709b97e041647e1bff43d8d64c649af1e3719" \
	"73c9e891fce3df519a8c840a63ee42a6d2ebddbb97035d215aa4e417b1fa45fa11a9741ea2098c" \
	"1dfa5fb5feb332fd4bc8152089aef36ba644cce2413b3b72be18cbef8da253f4e93d2103866d92" \
	"34a2e28df529a67d5468dbefe3"
#define RFC4034_KEY_B64                                                              \
	"AQPSKmynfzW4kyBv015MUG2DeIQ3Cbl+BBZH4b/0PY1kxkmvHjcZc8nokfzj31GajIQKY+5CptLr3bu" \
	"XA10hWqTkF7H6RfoRqXQeogmMHfpftf6zMv1LyBUgia7za6ZEzOJBOztyvhjL742iU/TpPSEDhm2SN" \
	"KLijfUppn1UaNvv4w=="
#define RFC4034_SIG                                                                  \
	"a090755ba58d1affa576f4375831b4310920e481218d18a9f164eb3d81afd3b875d3c75428631e" \
	"0cf2a28d50875f70c329d7dbfafea807dc1fba1dc34c95d401f23f334ce63bfcf3f1b5b44739e5" \
	"f0eded18d6b33f040a911376d173d757a9f0c1fa1798941bb0b36b2df9062790fa7f0166f2737e" \
	"ea907378341fb12dc0a77a"
#define RFC4034_SIG_B64                                                              \
	"oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTrPYGv07h108dUKGMeDPKijVCHX3DDKdfb+v6oB9wfuh" \
	"3DTJXUAfI/M0zmO/zz8bW0Rznl8O3tGNazPwQKkRN20XPXV6nwwfoXmJQbsLNrLfkGJ5D6fwFm8nN+" \
	"6pBzeDQfsS3Ap3o="

START_TEST(rfc4034_ds_dnskey)
{
	static const struct rd_case cases[] = {
		/* section 5.4 and 2.3 */
		{RD_T_DS, "ec45 05 01 2bb183af5f22588179a53b0a98631fad1a292118",
		 "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118"},
		{RD_T_DNSKEY, "0100 03 05 " RFC4034_KEY, "256 3 5 " RFC4034_KEY_B64},
		/* DS digest lengths follow the digest type; unknown types any */
		{RD_T_DS, "3322 08 02 b4f2c7f53231e81fce17992d3106d0cd41df785fa114bb0b260ccef21a9a310a",
		 "13090 8 2 B4F2C7F53231E81FCE17992D3106D0CD41DF785FA114BB0B260CCEF21A9A310A"},
		{RD_T_DS, "0001 08 c8 abcdef", "1 8 200 ABCDEF"},
		{RD_T_DS, "ec45 05 01 2bb183af5f22588179a53b0a98631fad1a2921", NULL}, /* 19 */
		{RD_T_DS, "3039 08 02", NULL},  /* no digest */
		{RD_T_DS, "3039 08", NULL},
		{RD_T_DNSKEY, "0100 03 05", NULL}, /* no key */
		{RD_T_DNSKEY, "0100 03", NULL},
		/* TA and DLV have DS's format */
		{RD_T_TA, "ec45 05 01 2bb183af5f22588179a53b0a98631fad1a292118",
		 "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118"},
		{RD_T_DLV, "ec45 05 01 2bb183af5f22588179a53b0a98631fad1a292118",
		 "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118"},
		{RD_T_RKEY, "0000 03 fd 0103", "0 3 253 AQM="},
	};
	CHECK_CASES(cases);
}
END_TEST

START_TEST(rfc4034_rrsig)
{
	static const struct rd_case cases[] = {
		/* section 3.3 */
		{RD_T_RRSIG,
		 "0001 05 03 00015180 3e7c9dd7 3e5510d7 0a52 076578616d706c6503636f6d00 " RFC4034_SIG,
		 "A 5 3 86400 20030322173103 20030220173103 2642 example.com. " RFC4034_SIG_B64},
		/* a covered type without a mnemonic, and times at the edges */
		{RD_T_RRSIG, "fde8 0d 00 00000000 ffffffff 00000000 0000 00 00",
		 "TYPE65000 13 0 0 21060207062815 19700101000000 0 . AA=="},
		{RD_T_RRSIG, "0041 0d 02 00000e10 38bb0c00 6774857f 0001 00 00",
		 "HTTPS 13 2 3600 20000229000000 20241231235959 1 . AA=="},
		{RD_T_RRSIG, "0001 0d 02 00000e10 65e11a7f f4d41f80 0001 00 00",
		 "A 13 2 3600 20240229235959 21000301000000 1 . AA=="},
		/* malformed */
		{RD_T_RRSIG, "0001 05 03 00015180 3e7c9dd7 3e5510d7 0a52 00", NULL}, /* no sig */
		{RD_T_RRSIG, "0001 05 03 00015180 3e7c9dd7 3e5510d7 0a52", NULL},
		{RD_T_RRSIG, "0001 05 03 00015180 3e7c9dd7 3e5510d7 0a52 0465", NULL},
		{RD_T_RRSIG, "0001 05", NULL},
	};
	CHECK_CASES(cases);
	/* the signer's name is never compressed (RFC 4034 3.1.7) */
	enum dns_rdata_form f;
	render_with_pointer(RD_T_RRSIG, "0001 05 03 00015180 3e7c9dd7 3e5510d7 0a52", "ab", &f);
	ck_assert_int_eq(f, DNS_RDATA_INVALID);
}
END_TEST

START_TEST(rfc4034_nsec)
{
	static const struct rd_case cases[] = {
		/* section 4.3, the wire form given there */
		{RD_T_NSEC,
		 "04686f7374076578616d706c6503636f6d00 0006400100000003 041b"
		 "000000000000000000000000000000000000000000000000000020",
		 "host.example.com. A MX RRSIG NSEC TYPE1234"},
		{RD_T_NSEC, "00 0001 40 ff01 80", ". A TYPE65280"},
		{RD_T_NSEC, "00", NULL},                 /* NSEC lists at least itself */
		{RD_T_NSEC, "00 0101 40 0001 40", NULL}, /* windows out of order */
		{RD_T_NSEC, "00 0001 40 0001 40", NULL}, /* window repeated */
		{RD_T_NSEC, "00 0000", NULL},            /* empty window */
		{RD_T_NSEC, "00 0002 4000", NULL},       /* trailing zero octet */
		{RD_T_NSEC, "00 0021 40000000000000000000000000000000000000000000000000000000000000"
		            "0001", NULL},               /* 33 octets */
		{RD_T_NSEC, "00 0003 4000", NULL},       /* cut short */
		{RD_T_NSEC, "00 00", NULL},
	};
	CHECK_CASES(cases);
	/* multicast DNS compresses the next name (RFC 6762 18.14): accepted */
	enum dns_rdata_form f;
	ck_assert_str_eq(render_with_pointer(RD_T_NSEC, "", "0005 0000800040", &f),
	                 "example.com. TXT SRV");
	ck_assert_int_eq(f, DNS_RDATA_TYPED);
}
END_TEST

/* ---- RFC 4025 IPSECKEY, RFC 4255 SSHFP, RFC 4398 CERT, RFC 4701 DHCID ---- */

#define RFC4025_KEY "010351537986ed35533b6064478eeeb27b5bd74dae149b6e81ba3a0521af82ab7801"
#define RFC4025_KEY_B64 "AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ=="

START_TEST(rfc4025_ipseckey)
{
	static const struct rd_case cases[] = {
		/* the examples of RFC 4025 section 3.1 */
		{RD_T_IPSECKEY, "0a 01 02 c0000226 " RFC4025_KEY,
		 "10 1 2 192.0.2.38 " RFC4025_KEY_B64},
		{RD_T_IPSECKEY, "0a 00 02 " RFC4025_KEY, "10 0 2 . " RFC4025_KEY_B64},
		{RD_T_IPSECKEY, "0a 01 02 c0000203 " RFC4025_KEY, "10 1 2 192.0.2.3 " RFC4025_KEY_B64},
		{RD_T_IPSECKEY, "0a 03 02 096d7967617465776179076578616d706c6503636f6d00 " RFC4025_KEY,
		 "10 3 2 mygateway.example.com. " RFC4025_KEY_B64},
		{RD_T_IPSECKEY, "0a 02 02 20010db8000080020000000020000001 " RFC4025_KEY,
		 "10 2 2 2001:db8:0:8002::2000:1 " RFC4025_KEY_B64},
		/* the key is optional (2.6; BIND insists on one) */
		{RD_T_IPSECKEY, "0a 00 00", "10 0 0 ."},
		/* malformed */
		{RD_T_IPSECKEY, "0a 04 02 00", NULL},          /* gateway type 4 */
		{RD_T_IPSECKEY, "0a 01 02 c00002", NULL},      /* IPv4 cut */
		{RD_T_IPSECKEY, "0a 02 02 20010db8", NULL},    /* IPv6 cut */
		{RD_T_IPSECKEY, "0a 03 02 0361", NULL},        /* name cut */
		{RD_T_IPSECKEY, "0a 00", NULL},
	};
	CHECK_CASES(cases);
	enum dns_rdata_form f;
	render_with_pointer(RD_T_IPSECKEY, "0a 03 02", "", &f);
	ck_assert_int_eq(f, DNS_RDATA_INVALID); /* gateway names are not compressed */
}
END_TEST

START_TEST(rfc4255_sshfp_rfc4398_cert_rfc4701_dhcid)
{
	static const struct rd_case cases[] = {
		/* RFC 4255 3.3: hex in upper case */
		{RD_T_SSHFP, "02 01 123456789abcdef67890123456789abcdef67890",
		 "2 1 123456789ABCDEF67890123456789ABCDEF67890"},
		{RD_T_SSHFP, "04 02 9ac6fd3e9d34d0e1ac81e4d7c2ab7a1b00e4b8a5e51f8ef1b9a1b9d4c9b2a1c3",
		 "4 2 9AC6FD3E9D34D0E1AC81E4D7C2AB7A1B00E4B8A5E51F8EF1B9A1B9D4C9B2A1C3"},
		{RD_T_SSHFP, "01 09 abcd", "1 9 ABCD"}, /* unknown fingerprint type */
		{RD_T_SSHFP, "02 02 123456789abcdef67890123456789abcdef67890", NULL}, /* SHA-256 of 20 */
		{RD_T_SSHFP, "02 01", NULL},
		{RD_T_SSHFP, "02 09", "2 9"}, /* as dig: no fingerprint of an unknown type */
		{RD_T_SSHFP, "02", NULL},
		/* CERT: mnemonics for the type and algorithm (RFC 4398 2.2) */
		{RD_T_CERT, "0003 0000 00 145b00c96d5d54aee1206baf84de7aaf6e94c09c7f",
		 "PGP 0 0 FFsAyW1dVK7hIGuvhN56r26UwJx/"},
		{RD_T_CERT, "0001 000c 05 145b00c96d5d54aee1206baf84de7aaf6e94c09c7f",
		 "PKIX 12 RSASHA1 FFsAyW1dVK7hIGuvhN56r26UwJx/"},
		{RD_T_CERT, "fde8 000c c8 145b00c96d5d54aee1206baf84de7aaf6e94c09c7f",
		 "65000 12 200 FFsAyW1dVK7hIGuvhN56r26UwJx/"},
		{RD_T_CERT, "00fd 0001 0d 00", "URI 1 ECDSAP256SHA256 AA=="},
		{RD_T_CERT, "0001 000c 05", NULL},
		/* RFC 4701 3.6 */
		{RD_T_DHCID, "000201636fc0b8271c82825bb1ac5c41cf5351aa69b4febd94e8f17cdb95000da48c40",
		 "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA="},
		{RD_T_DHCID, "0001013920fe5d1dceb3fd0ba3379756a70d73b17009f41d58bddbfcd6a2503956d8da",
		 "AAEBOSD+XR3Os/0LozeXVqcNc7FwCfQdWL3b/NaiUDlW2No="},
		{RD_T_DHCID, "000001c4b9a5b249651343158dde7bcc77169841f7a4243a572b5c283fffedeb3f75e6",
		 "AAABxLmlskllE0MVjd57zHcWmEH3pCQ6VytcKD//7es/deY="},
		{RD_T_DHCID, "", NULL},
	};
	CHECK_CASES(cases);
}
END_TEST

/* ---- RFC 5155 NSEC3 / NSEC3PARAM ---- */

START_TEST(rfc5155_nsec3)
{
	static const struct rd_case cases[] = {
		/* Appendix A */
		{RD_T_NSEC3,
		 "01 01 000c 04aabbccdd 14174eb2409fe28bcb4887a1836f957f0a8425e27b 000722010000000290",
		 "1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR NS SOA MX RRSIG DNSKEY NSEC3PARAM"},
		{RD_T_NSEC3, "01 01 000c 04aabbccdd 141db8efa7dcb348bda7893fca1d8badfdb6996b01 0006400000000002",
		 "1 1 12 AABBCCDD 3MSEV9USMD4BR9S97V51R2TDVMR9IQO1 A RRSIG"},
		/* no salt, no types */
		{RD_T_NSEC3, "01 01 000c 00 141db8efa7dcb348bda7893fca1d8badfdb6996b01",
		 "1 1 12 - 3MSEV9USMD4BR9S97V51R2TDVMR9IQO1"},
		{RD_T_NSEC3PARAM, "01 00 000c 04aabbccdd", "1 0 12 AABBCCDD"},
		{RD_T_NSEC3PARAM, "01 00 0000 00", "1 0 0 -"},
		/* base32hex without padding, for hash algorithms of other lengths */
		{RD_T_NSEC3, "02 00 0000 00 01 ff", "2 0 0 - VS"},
		{RD_T_NSEC3, "02 00 0000 00 03 010203", "2 0 0 - 04106"},
		{RD_T_NSEC3, "02 00 0000 00 05 0102030405", "2 0 0 - 04106105"},
		/* malformed */
		{RD_T_NSEC3, "01 01 000c 00 00", NULL},                        /* no hash */
		{RD_T_NSEC3, "01 01 000c 00 13 1db8efa7dcb348bda7893fca1d8badfdb6996b", NULL}, /* 19 */
		{RD_T_NSEC3, "01 01 000c 08 aabbccdd", NULL},                  /* salt cut */
		{RD_T_NSEC3, "02 00 0000 00 01 ff 0000", NULL},                /* bad bitmap */
		{RD_T_NSEC3PARAM, "01 00 000c 04aabbccdd 00", NULL},
		{RD_T_NSEC3PARAM, "01 00 000c 04aabb", NULL},
	};
	CHECK_CASES(cases);
}
END_TEST

/* ---- RFC 6698 TLSA, RFC 8162 SMIMEA, RFC 7344 / 8078 CDS CDNSKEY, RFC 7929 ---- */

START_TEST(tlsa_cds_openpgpkey)
{
	static const struct rd_case cases[] = {
		/* RFC 6698 2.3 */
		{RD_T_TLSA, "00 00 01 d2abde240d7cd3ee6b4b28c54df034b97983a1d16e8a410e4561cb106618e971",
		 "0 0 1 D2ABDE240D7CD3EE6B4B28C54DF034B97983A1D16E8A410E4561CB106618E971"},
		{RD_T_TLSA,
		 "01 01 02 92003ba34942dc74152e2f2c408d29eca5a520e7f2e06bb944f4dca346baf63c"
		 "1b177615d466f6c4b71c216a50292bd58c9ebdd2f74e38fe51ffd48c43326cbc",
		 "1 1 2 92003BA34942DC74152E2F2C408D29ECA5A520E7F2E06BB944F4DCA346BAF63C"
		 "1B177615D466F6C4B71C216A50292BD58C9EBDD2F74E38FE51FFD48C43326CBC"},
		{RD_T_SMIMEA, "03 00 01 d2abde240d7cd3ee6b4b28c54df034b97983a1d16e8a410e4561cb106618e971",
		 "3 0 1 D2ABDE240D7CD3EE6B4B28C54DF034B97983A1D16E8A410E4561CB106618E971"},
		{RD_T_TLSA, "03 01 01", NULL},
		{RD_T_TLSA, "03 01", NULL},
		/* RFC 8078 4: the deletion records; RFC 7344 CDS/CDNSKEY as DS/DNSKEY */
		{RD_T_CDS, "0000 00 00 00", "0 0 0 00"},
		{RD_T_CDNSKEY, "0000 03 00 00", "0 3 0 AA=="},
		{RD_T_CDS, "ec45 05 01 2bb183af5f22588179a53b0a98631fad1a292118",
		 "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118"},
		{RD_T_CDNSKEY, "0101 03 08", NULL},
		/* RFC 7929: the key in base64 */
		{RD_T_OPENPGPKEY, "99010d0455479b9b0108009e249ac04154bb7c30817ecc999aca92423c842d0a"
		                  "75c885a44003db2bd1c7f4677e807136",
		 "mQENBFVHm5sBCACeJJrAQVS7fDCBfsyZmsqSQjyELQp1yIWkQAPbK9HH9Gd+gHE2"},
		{RD_T_OPENPGPKEY, "", NULL},
	};
	CHECK_CASES(cases);
}
END_TEST

/* ---- RFC 7477 CSYNC, RFC 8976 ZONEMD ---- */

START_TEST(csync_zonemd)
{
	static const struct rd_case cases[] = {
		/* RFC 7477 2.1.3: the wire form given there */
		{RD_T_CSYNC, "00000042 0003 0004 60000008", "66 3 A NS AAAA"},
		{RD_T_CSYNC, "00000042 0003", "66 3"},
		{RD_T_CSYNC, "00000042 00", NULL},
		{RD_T_CSYNC, "00000042 0003 0004 6000", NULL},
		/* RFC 8976 A.1 */
		{RD_T_ZONEMD,
		 "7848b91c 01 01 c68090d90a7aed716bc459f9340e3d7c1370d4d24b7e2fc3a1ddc0b9a87153b9"
		 "a9713b3c9ae5cc27777f98b8e730044c",
		 "2018031900 1 1 C68090D90A7AED716BC459F9340E3D7C1370D4D24B7E2FC3A1DDC0B9A87153B9"
		 "A9713B3C9AE5CC27777F98B8E730044C"},
		{RD_T_ZONEMD, "00000001 01 f0 000102030405060708090a0b",
		 "1 1 240 000102030405060708090A0B"},
		{RD_T_ZONEMD, "00000001 01 f0 000102030405060708090a", NULL}, /* < 12 octets */
		{RD_T_ZONEMD, "00000001 01 01 000102030405060708090a0b", NULL}, /* SHA384 of 12 */
		{RD_T_ZONEMD, "00000001 01", NULL},
	};
	CHECK_CASES(cases);
}
END_TEST

/* ---- RFC 8005 HIP ---- */

#define RFC8005_PK                                                                   \
	"03010001b771ca136e4aeb5ce44333c53b3d2c13c22243851fc708bcce29f7e2eb5787b5f56c" \
	"cad34f8223acc10904ddb56b2ec4a6d6232f3b50ea094f0914b3b941bbe529af582c36bbadef" \
	"daf2adaf9b4911906f5b2522603c615272b880ec8fb930cc6ee39c444daa75b1678f005a4b24" \
	"99d1da5433f805c7a5ad3237acc5dd5c5e43"
#define RFC8005_PK_B64                                                               \
	"AwEAAbdxyhNuSutc5EMzxTs9LBPCIkOFH8cIvM4p9+LrV4e19WzK00+CI6zBCQTdtWsuxKbWIy87UOo" \
	"JTwkUs7lBu+Upr1gsNrut79ryra+bSRGQb1slImA8YVJyuIDsj7kwzG7jnERNqnWxZ48AWkskmdHaV" \
	"DP4BcelrTI3rMXdXF5D"

START_TEST(rfc8005_hip)
{
	static const struct rd_case cases[] = {
		/* section 6 */
		{RD_T_HIP, "10 02 0084 200100107b1a74df365639cc39f1d578 " RFC8005_PK,
		 "2 200100107B1A74DF365639CC39F1D578 " RFC8005_PK_B64},
		{RD_T_HIP,
		 "10 02 0084 200100107b1a74df365639cc39f1d578 " RFC8005_PK
		 " 03727673076578616d706c6503636f6d00 0472767332076578616d706c6503636f6d00",
		 "2 200100107B1A74DF365639CC39F1D578 " RFC8005_PK_B64
		 " rvs.example.com. rvs2.example.com."},
		{RD_T_HIP, "00 02 0001 00", NULL},           /* no HIT */
		{RD_T_HIP, "01 02 0000 20", NULL},           /* no key */
		{RD_T_HIP, "01 02 0004 20 000102", NULL},    /* key cut */
		{RD_T_HIP, "01 02 0001 20 00 0361", NULL},   /* server name cut */
		{RD_T_HIP, "01 02", NULL},
	};
	CHECK_CASES(cases);
	enum dns_rdata_form f;
	render_with_pointer(RD_T_HIP, "01 02 0001 20 00", "", &f);
	ck_assert_int_eq(f, DNS_RDATA_INVALID); /* servers are not compressed */
}
END_TEST

/* ---- RFC 9460 SVCB / HTTPS ---- */

/* The wire of "foo.example.com." and "foo.example.org." */
#define FOO_COM "03666f6f076578616d706c6503636f6d00"
#define FOO_ORG "03666f6f076578616d706c65036f726700"

START_TEST(rfc9460_appendix_d)
{
	static const struct rd_case cases[] = {
		/* D.1 AliasMode */
		{RD_T_HTTPS, "0000 " FOO_COM, "0 foo.example.com."},
		/* D.2 ServiceMode, figures 3 to 10 */
		{RD_T_SVCB, "0001 00", "1 ."},
		{RD_T_SVCB, "0010 " FOO_COM " 0003 0002 0035", "16 foo.example.com. port=53"},
		{RD_T_SVCB, "0001 " FOO_COM " 029b 0005 68656c6c6f", "1 foo.example.com. key667=\"hello\""},
		{RD_T_SVCB, "0001 " FOO_COM " 029b 0009 68656c6c6fd2716f6f",
		 "1 foo.example.com. key667=\"hello\\210qoo\""},
		{RD_T_SVCB,
		 "0001 " FOO_COM " 0006 0020 20010db8000000000000000000000001"
		 "20010db8000000000000000000530001",
		 "1 foo.example.com. ipv6hint=2001:db8::1,2001:db8::53:1"},
		/* RFC 5952 form: the embedded IPv4 address is not kept dotted */
		{RD_T_SVCB, "0001 076578616d706c6503636f6d00 0006 0010 20010db80122034400000000c0000221",
		 "1 example.com. ipv6hint=2001:db8:122:344::c000:221"},
		{RD_T_SVCB,
		 "0010 " FOO_ORG " 0000 0004 00010004 0001 0009 02683205 68332d3139 0004 0004 c0000201",
		 "16 foo.example.org. mandatory=alpn,ipv4hint alpn=\"h2,h3-19\" ipv4hint=192.0.2.1"},
		{RD_T_SVCB, "0010 " FOO_ORG " 0001 000c 08665c6f6f2c626172 026832",
		 "16 foo.example.org. alpn=\"f\\\\\\\\oo\\\\,bar,h2\""},
		/* D.3 failure cases, in their wire forms */
		{RD_T_SVCB, "0001 " FOO_COM " 007b 0003 616263 007b 0003 646566", NULL}, /* key twice */
		{RD_T_SVCB, "0001 " FOO_COM " 0000 0000", NULL}, /* empty mandatory */
		{RD_T_SVCB, "0001 " FOO_COM " 0001 0000", NULL}, /* empty alpn */
		{RD_T_SVCB, "0001 " FOO_COM " 0003 0000", NULL}, /* empty port */
		{RD_T_SVCB, "0001 " FOO_COM " 0004 0000", NULL}, /* empty ipv4hint */
		{RD_T_SVCB, "0001 " FOO_COM " 0006 0000", NULL}, /* empty ipv6hint */
		{RD_T_SVCB, "0001 " FOO_COM " 0001 0003 026832 0002 0003 616263", NULL},
		{RD_T_SVCB, "0001 " FOO_COM " 0000 0002 007b", NULL},      /* mandatory missing */
		{RD_T_SVCB, "0001 " FOO_COM " 0000 0002 0000", NULL},      /* lists itself */
		{RD_T_SVCB, "0001 " FOO_COM " 0000 0004 007b007b 007b 0003 616263", NULL},
	};
	CHECK_CASES(cases);
}
END_TEST

START_TEST(svcb_params)
{
	static const struct rd_case cases[] = {
		/* real HTTPS answer (the shared tshark corpus), dig quotes alpn */
		{RD_T_HTTPS,
		 "0001 00 0001 0006 026833026832 0004 0008 681084e5681085e5 0006 0020 "
		 "260647000000000000000000681084e5 260647000000000000000000681085e5",
		 "1 . alpn=\"h3,h2\" ipv4hint=104.16.132.229,104.16.133.229 "
		 "ipv6hint=2606:4700::6810:84e5,2606:4700::6810:85e5"},
		{RD_T_SVCB,
		 "0001 00 0001 0003 026832 0002 0000 0003 0002 0035 0005 0006 0045fe0d0041 "
		 "0007 0010 2f646e732d71756572797b3f646e737d 0008 0000 fde8 0000",
		 "1 . alpn=\"h2\" no-default-alpn port=53 ech=AEX+DQBB dohpath=\"/dns-query{?dns}\" "
		 "ohttp key65000"},
		/* opaque values: quotes, backslashes and control bytes escaped */
		{RD_T_SVCB, "0001 00 ffff 0004 0a0d225c", "1 . key65535=\"\\010\\013\\\"\\\\\""},
		{RD_T_SVCB, "0001 00 0001 0004 03682209", "1 . alpn=\"h\\\"\\009\""},
		{RD_T_SVCB, "0001 00 0005 0000", "1 . ech"}, /* BIND shows an empty ech too */
		{RD_T_SVCB, "0001 00 0000 0004 00070008 0007 0000 0008 0000",
		 "1 . mandatory=dohpath,ohttp dohpath=\"\" ohttp"},
		/* malformed */
		{RD_T_SVCB, "0001 00 0002 0000", NULL},           /* no-default-alpn alone */
		{RD_T_SVCB, "0001 00 0008 0001 00", NULL},        /* ohttp with a value */
		{RD_T_SVCB, "0001 00 0003 0003 000035", NULL},    /* port of 3 bytes */
		{RD_T_SVCB, "0001 00 0004 0005 c000020100", NULL}, /* ipv4hint of 5 */
		{RD_T_SVCB, "0001 00 0006 000f 000000000000000000000000000000", NULL},
		{RD_T_SVCB, "0001 00 0001 0003 000168", NULL},    /* empty alpn id */
		{RD_T_SVCB, "0001 00 0001 0003 026832 00", NULL}, /* trailing */
		{RD_T_SVCB, "0001 00 0001 0004 026832", NULL},    /* value past the end */
		{RD_T_SVCB, "0001 00 0003", NULL},                /* key without length */
		{RD_T_SVCB, "0001 00 0003 0002 0035 0001 0003 026832", NULL}, /* out of order */
		{RD_T_SVCB, "0001 00 0000 0003 000100", NULL},    /* odd mandatory */
		{RD_T_SVCB, "0001 00 0000 0004 00030001 0001 0003 026832 0003 0002 0035", NULL},
		{RD_T_SVCB, "0001", NULL},
	};
	CHECK_CASES(cases);
	enum dns_rdata_form f;
	render_with_pointer(RD_T_SVCB, "0001", "", &f);
	ck_assert_int_eq(f, DNS_RDATA_INVALID); /* the target is not compressed */
}
END_TEST

/* ---- RFC 8659 CAA, RFC 7553 URI ---- */

START_TEST(rfc8659_caa_rfc7553_uri)
{
	static const struct rd_case cases[] = {
		/* RFC 8659 section 4 examples */
		{RD_T_CAA, "00 05 6973737565 63612e6578616d706c652e6e6574", "0 issue \"ca.example.net\""},
		{RD_T_CAA, "00 05 6973737565 63612e6578616d706c652e6e65743b206163636f756e743d323330313233",
		 "0 issue \"ca.example.net; account=230123\""},
		{RD_T_CAA, "80 03 746273 556e6b6e6f776e", "128 tbs \"Unknown\""},
		{RD_T_CAA, "00 05 696f646566 6d61696c746f3a7365637572697479406578616d706c652e636f6d",
		 "0 iodef \"mailto:security@example.com\""},
		{RD_T_CAA, "00 05 6973737565 3b", "0 issue \";\""},
		{RD_T_CAA, "00 09 697373756577696c64 63612e6578616d706c652e6e65743b20706f6c6963793d6576",
		 "0 issuewild \"ca.example.net; policy=ev\""},
		{RD_T_CAA, "00 05 6973737565", "0 issue \"\""},
		{RD_T_CAA, "00 05 6973737565 22 5c 0a ff", "0 issue \"\\\"\\\\\\010\\255\""},
		{RD_T_CAA, "00 00 6162", NULL},             /* empty tag */
		{RD_T_CAA, "00 03 2a2a2a 6162", NULL},      /* tag not alphanumeric */
		{RD_T_CAA, "00 05 69737375", NULL},         /* tag cut */
		{RD_T_CAA, "00", NULL},
		/* RFC 7553 4.5 */
		{RD_T_URI, "000a 0001 6674703a2f2f667470312e6578616d706c652e636f6d2f7075626c6963",
		 "10 1 \"ftp://ftp1.example.com/public\""},
		{RD_T_URI, "000a 0005 687474703a2f2f7777772e646e732e746573743a38303030",
		 "10 5 \"http://www.dns.test:8000\""},
		{RD_T_URI, "000a 0001", "10 1 \"\""}, /* an empty target parses; dig shows "" */
		{RD_T_URI, "000a 00", NULL},
	};
	CHECK_CASES(cases);
}
END_TEST

/* ---- RFC 7043 EUI48/64, RFC 6742 ILNP, RFC 8777 AMTRELAY ---- */

START_TEST(eui_ilnp_amtrelay)
{
	static const struct rd_case cases[] = {
		{RD_T_EUI48, "00005e00532a", "00-00-5e-00-53-2a"},
		{RD_T_EUI64, "00005eef1000002a", "00-00-5e-ef-10-00-00-2a"},
		{RD_T_EUI48, "00005e00532a00", NULL},
		{RD_T_EUI48, "00005e0053", NULL},
		{RD_T_EUI64, "00005e00532a", NULL},
		/* RFC 6742 section 3, as dig prints them (no leading zeros) */
		{RD_T_NID, "000a 00144fffff20ee64", "10 14:4fff:ff20:ee64"},
		{RD_T_NID, "0014 00155ffffe21de64", "20 15:5fff:fe21:de64"},
		{RD_T_L64, "000a 20010db811401000", "10 2001:db8:1140:1000"},
		{RD_T_L64, "000a 0000000000000000", "10 0:0:0:0"},
		{RD_T_L32, "000a 0a010200", "10 10.1.2.0"},
		{RD_T_LP, "000a 0b6c36342d7375626e657431076578616d706c6503636f6d00",
		 "10 l64-subnet1.example.com."},
		{RD_T_NID, "000a 00144fffff20ee", NULL},
		{RD_T_L32, "000a 0a0102", NULL},
		{RD_T_LP, "000a", NULL},
		/* RFC 8777 4.3 */
		{RD_T_AMTRELAY, "0a 00", "10 0 0 ."},
		{RD_T_AMTRELAY, "0a 01 cb00710f", "10 0 1 203.0.113.15"},
		{RD_T_AMTRELAY, "0a 02 20010db8000000000000000000000015", "10 0 2 2001:db8::15"},
		{RD_T_AMTRELAY, "80 83 09616d7472656c617973076578616d706c6503636f6d00",
		 "128 1 3 amtrelays.example.com."},
		{RD_T_AMTRELAY, "0a 04 00", NULL},
		{RD_T_AMTRELAY, "0a 01 cb0071", NULL},
		{RD_T_AMTRELAY, "0a 00 00", NULL},
	};
	CHECK_CASES(cases);
}
END_TEST

/* ---- TSIG (RFC 8945) and TKEY (RFC 2930), as dig prints them ---- */

START_TEST(tsig_tkey)
{
	static const struct rd_case cases[] = {
		/* a real hmac-md5 TSIG (from the shared tshark corpus) */
		{RD_T_TSIG,
		 "08686d61632d6d6435077369672d616c670372656703696e7400 000054060ed2 012c "
		 "0010 46bdbf31ef0236b8ebae31752c87db7f 25e7 0000 0000",
		 "hmac-md5.sig-alg.reg.int. 1409683154 300 16 Rr2/Me8CNrjrrjF1LIfbfw== 9703 NOERROR 0"},
		/* BADTIME carries the server's time as other data; BADKEY no MAC */
		{RD_T_TSIG, "0b686d61632d73686132353600 000065000000 012c 0000 1234 0012 0006 000065000100",
		 "hmac-sha256. 1694498816 300 0 4660 BADTIME 6 AABlAAEA"},
		{RD_T_TSIG, "0b686d61632d73686132353600 ffffffffffff 0000 0000 0001 0011 0000",
		 "hmac-sha256. 281474976710655 0 0 1 BADKEY 0"},
		{RD_T_TSIG, "00 000000000000 0000 0000 0001 0100 0000", ". 0 0 0 1 256 0"},
		{RD_T_TSIG, "00 000000000000 0000 0004 000000 0001 0000 0000", NULL}, /* MAC cut */
		{RD_T_TSIG, "00 000000000000 0000 0000 0001 0000 0000 00", NULL},    /* trailing */
		{RD_T_TSIG, "00 000000000000 0000 0000 0001 0000 0001", NULL},       /* other cut */
		{RD_T_TSIG, "00 0000", NULL},
		/* TKEY: algorithm inception expiration mode error key other */
		{RD_T_TKEY, "086773732d7473696700 5f5e1000 5f5f6180 0003 0000 0004 deadbeef 0000",
		 "gss-tsig. 1600000000 1600086400 3 NOERROR 4 3q2+7w== 0"},
		{RD_T_TKEY, "00 00000000 00000000 0002 0015 0000 0001 ff", ". 0 0 2 BADALG 0 1 /w=="},
		{RD_T_TKEY, "00 00000000 00000000 0002 0015 0000", NULL},
		{RD_T_TKEY, "00 00000000 00000000 0002 0015 0002 ff 0000", NULL},
	};
	CHECK_CASES(cases);
	enum dns_rdata_form f;
	render_with_pointer(RD_T_TSIG, "", "000000000000 0000 0000 0001 0000 0000", &f);
	ck_assert_int_eq(f, DNS_RDATA_INVALID); /* the algorithm name is not compressed */
}
END_TEST

/* ---- the rest: TXT-shaped types, TALINK, ATMA ---- */

START_TEST(other_types)
{
	static const struct rd_case cases[] = {
		{RD_T_AVC, "2c6170702d6e616d653a574f4c4647414e477c6170702d636c6173733a4f414d7c"
		           "627573696e6573733d796573",
		 "\"app-name:WOLFGANG|app-class:OAM|business=yes\""},
		{RD_T_NINFO, "03612062 0163", "\"a b\" \"c\""},
		{RD_T_RESINFO, "08716e616d656d696e 0f6578746572723d31352c31362c3137",
		 "\"qnamemin\" \"exterr=15,16,17\""},
		{RD_T_WALLET, "03425443 0462633171", "\"BTC\" \"bc1q\""},
		{RD_T_AVC, "05 6162", NULL},
		{RD_T_TALINK, "016100 016200", "a. b."},
		{RD_T_TALINK, "016100", NULL},
		{RD_T_ATMA, "00 39246f00e7c9c0312000100100001234567800",
		 "39246f00e7c9c0312000100100001234567800"},
		{RD_T_ATMA, "01 333538343030313233", "+358400123"},
		{RD_T_ATMA, "01 3335383a", NULL},  /* E.164 digits only */
		{RD_T_ATMA, "02 3335", NULL},      /* unknown format */
		{RD_T_ATMA, "00", NULL},
	};
	CHECK_CASES(cases);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Properties over every type                                          */

/* A small deterministic generator, so failures replay. */
static uint32_t lcg(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* Types with a renderer; everything else must come out GENERIC. */
static bool has_renderer(uint16_t t)
{
	static const uint16_t known[] = {
		1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
		24, 25, 26, 27, 28, 29, 30, 33, 34, 35, 36, 37, 38, 39, 42, 43, 44, 45, 46, 47,
		48, 49, 50, 51, 52, 53, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 99, 104, 105,
		106, 107, 108, 109, 249, 250, 256, 257, 258, 260, 261, 262, 32768, 32769,
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i] == t)
			return true;
	return false;
}

/*
 * Render rd as `type` (after a zeroed header, in a heap block of exactly
 * the message's size); check the text is printable ASCII and that any
 * non-typed result is exactly the generic form with the right flag.  One
 * assertion per call: these run hundreds of thousands of times.
 */
static enum dns_rdata_form check_any(uint16_t type, const uint8_t *rd, size_t n)
{
	static char out[DNS_RDATA_TEXT_MAX], generic[2 * 600 + 16];
	uint8_t *msg = malloc(12 + n);
	memset(msg, 0, 12);
	if (n)
		memcpy(msg + 12, rd, n);
	struct tbuf b, g;
	tbuf_init(&b, out, sizeof(out));
	enum dns_rdata_form f = dns_rdata_render(&b, type, msg, 12 + n, 12, n);
	bool ok = tbuf_finish(&b) >= 0 && is_printable(out);
	if (f == DNS_RDATA_TYPED) {
		ok = ok && has_renderer(type);
	} else {
		tbuf_init(&g, generic, sizeof(generic));
		dns_rdata_render_generic(&g, rd, n);
		ok = ok && tbuf_finish(&g) >= 0 && strcmp(out, generic) == 0 &&
		     f == (has_renderer(type) ? DNS_RDATA_INVALID : DNS_RDATA_GENERIC);
	}
	free(msg);
	if (!ok)
		ck_abort_msg("type %u, %zu bytes: form %d [%s]", type, n, f, out);
	return f;
}

START_TEST(random_rdata_every_type)
{
	uint32_t seed = 20240601;
	uint8_t rd[600];
	size_t typed = 0;
	for (unsigned type = 0; type <= 270 || type == 32768 || type == 32769; type++) {
		for (int round = 0; round < 300; round++) {
			size_t n = lcg(&seed) % (round < 150 ? 24 : sizeof(rd));
			/* mostly small values, so lengths inside the rdata often fit */
			for (size_t i = 0; i < n; i++) {
				uint32_t v = lcg(&seed);
				rd[i] = (uint8_t)(v % 4 ? v % 8 : v >> 3);
			}
			typed += check_any((uint16_t)type, rd, n) == DNS_RDATA_TYPED;
		}
		if (type == 270)
			type = 32767;
	}
	ck_assert_uint_gt(typed, 1000); /* the generator does reach the renderers */
}
END_TEST

/* Every valid case above, cut at each length and with bytes added: never a
 * crash, an over-read (valgrind) or a non-printable byte. */
START_TEST(mutations_of_valid_rdata)
{
	static const struct rd_case seeds[] = {
		{RD_T_LOC, "0033161389172dd070be15f000988d20", NULL},
		{RD_T_APL, "00011503c0a82000011c83c0a826", NULL},
		{RD_T_NAPTR, "00640032017310687474702b4e324c2b4e32432b4e325200055f68747470045f746370"
		             "066761746563680365647500", NULL},
		{RD_T_RRSIG, "00010503000151803e7c9dd73e5510d70a52076578616d706c6503636f6d00a090755b",
		 NULL},
		{RD_T_NSEC, "04686f7374076578616d706c6503636f6d000006400100000003041b0000000000000000"
		            "00000000000000000000000000000000000020", NULL},
		{RD_T_NSEC3, "0101000c04aabbccdd14174eb2409fe28bcb4887a1836f957f0a8425e27b0007220100"
		             "00000290", NULL},
		{RD_T_IPSECKEY, "0a0302096d7967617465776179076578616d706c6503636f6d00010351", NULL},
		{RD_T_HIP, "1002000420010010 7b1a74df365639cc39f1d578 03010001 0372767300", NULL},
		{RD_T_SVCB, "0010" FOO_ORG "000000040001000400010009026832056833" "2d313900040004c0000201",
		 NULL},
		{RD_T_CAA, "00056973737565 63612e6578616d706c652e6e6574", NULL},
		{RD_T_TSIG, "08686d61632d6d6435077369672d616c670372656703696e7400000054060ed2012c0010"
		            "46bdbf31ef0236b8ebae31752c87db7f25e700000000", NULL},
		{RD_T_TKEY, "086773732d74736967005f5e10005f5f618000030000 0004deadbeef0000", NULL},
		{RD_T_A6, "40123456789abcdef0085355424e45542d31034950360141034e455400", NULL},
		{RD_T_AMTRELAY, "808309616d7472656c617973076578616d706c6503636f6d00", NULL},
		{RD_T_CSYNC, "000000420003000460000008", NULL},
		{RD_T_WKS, "0a0000010600000040000000000000 80", NULL},
	};
	uint8_t rd[600];
	for (size_t s = 0; s < sizeof(seeds) / sizeof(seeds[0]); s++) {
		size_t n = unhex(seeds[s].hex, rd, sizeof(rd) - 4);
		for (size_t cut = 0; cut <= n; cut++)
			check_any(seeds[s].type, rd, cut);
		for (unsigned extra = 0; extra < 256; extra += 15) {
			rd[n] = (uint8_t)extra;
			check_any(seeds[s].type, rd, n + 1);
		}
		for (size_t i = 0; i < n; i++) {
			uint8_t keep = rd[i];
			for (unsigned v = 0; v < 256; v += 51) {
				rd[i] = (uint8_t)v;
				check_any(seeds[s].type, rd, n);
			}
			rd[i] = keep;
		}
	}
}
END_TEST

/* A valid TXT whose text would not fit the scratch buffer falls back. */
START_TEST(typed_text_too_large_falls_back)
{
	/* 255 strings of 255 control bytes: each byte becomes \DDD */
	size_t n = 255 * 256;
	uint8_t *msg = malloc(n);
	char *out = malloc(DNS_RDATA_TEXT_MAX);
	ck_assert_ptr_nonnull(msg);
	ck_assert_ptr_nonnull(out);
	for (size_t i = 0; i < 255; i++) {
		msg[i * 256] = 255;
		memset(msg + i * 256 + 1, 0x01, 255);
	}
	struct tbuf b;
	tbuf_init(&b, out, DNS_RDATA_TEXT_MAX);
	ck_assert_int_eq(dns_rdata_render(&b, DNS_T_TXT, msg, n, 0, n), DNS_RDATA_INVALID);
	ck_assert_int_eq(tbuf_finish(&b), 9 + 2 * (long)n);
	ck_assert_int_eq(strncmp(out, "\\# 65280 FF010101", 17), 0);

	/* the same strings, fewer of them, do fit */
	size_t small = 100 * 256;
	tbuf_init(&b, out, DNS_RDATA_TEXT_MAX);
	ck_assert_int_eq(dns_rdata_render(&b, DNS_T_TXT, msg, small, 0, small), DNS_RDATA_TYPED);
	ck_assert_int_eq(tbuf_finish(&b), 100 * (2 + 255 * 4) + 99);
	ck_assert_int_eq(strncmp(out, "\"\\001\\001", 9), 0);
	free(out);
	free(msg);
}
END_TEST

/* Renders into every buffer size up to what the text needs: never more
 * than cap - 1 bytes, the text complete exactly when it fits. */
START_TEST(every_buffer_size)
{
	struct wb m;
	wb_dns_zero_header(&m);
	size_t off = m.n;
	uint8_t rd[256];
	size_t n = unhex("0010" FOO_ORG "000000040001000400010009026832056833"
	                 "2d313900040004c0000201", rd, sizeof(rd));
	wb_bytes(&m, rd, n);
	const char *want =
	    "16 foo.example.org. mandatory=alpn,ipv4hint alpn=\"h2,h3-19\" ipv4hint=192.0.2.1";
	char generic[256];
	struct tbuf g;
	tbuf_init(&g, generic, sizeof(generic));
	dns_rdata_render_generic(&g, rd, n);
	ck_assert_int_ge(tbuf_finish(&g), 0);
	for (size_t cap = 1; cap <= strlen(generic) + 1; cap++) {
		char *out = malloc(cap); /* exact size, so valgrind sees any overrun */
		long fin;
		enum dns_rdata_form f = render_n(RD_T_SVCB, &m, off, n, out, cap, &fin);
		if (cap > strlen(want)) {
			ck_assert_int_eq(f, DNS_RDATA_TYPED);
			ck_assert_str_eq(out, want);
		} else {
			ck_assert_int_eq(f, DNS_RDATA_INVALID);
			ck_assert(fin == -1 || strcmp(out, generic) == 0);
		}
		free(out);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dns_rdata");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, a_record);
	tcase_add_test(tc, a_wrong_length);
	tcase_add_test(tc, aaaa_rfc5952);
	tcase_add_test(tc, aaaa_wrong_length);
	tcase_add_test(tc, name_types_with_compression);
	tcase_add_test(tc, name_escaped_in_rdata);
	tcase_add_test(tc, name_past_rdlength);
	tcase_add_test(tc, name_bad_pointers);
	tcase_add_test(tc, trailing_bytes);
	tcase_add_test(tc, mx_record);
	tcase_add_test(tc, soa_record);
	tcase_add_test(tc, soa_short_and_long);
	tcase_add_test(tc, txt_strings);
	tcase_add_test(tc, txt_empty_strings);
	tcase_add_test(tc, txt_escapes);
	tcase_add_test(tc, txt_string_past_rdlength);
	tcase_add_test(tc, srv_record);
	tcase_add_test(tc, unknown_types_generic);
	tcase_add_test(tc, generic_direct);
	tcase_add_test(tc, largest_rdata_fits_scratch);
	tcase_add_test(tc, output_that_does_not_fit);
	tcase_add_test(tc, rdata_outside_message);
	tcase_add_test(tc, appends_to_buffer);
	suite_add_tcase(s, tc);

	TCase *types = tcase_create("types");
	tcase_add_test(types, rfc1035_hinfo_wks);
	tcase_add_test(types, rfc1183_types);
	tcase_add_test(types, nsap_gpos_px_kx);
	tcase_add_test(types, rfc1876_loc);
	tcase_add_test(types, rfc2874_a6);
	tcase_add_test(types, rfc2535_key_sig_nxt);
	tcase_add_test(types, rfc3123_apl);
	tcase_add_test(types, rfc3403_naptr);
	tcase_add_test(types, rfc4034_ds_dnskey);
	tcase_add_test(types, rfc4034_rrsig);
	tcase_add_test(types, rfc4034_nsec);
	tcase_add_test(types, rfc4025_ipseckey);
	tcase_add_test(types, rfc4255_sshfp_rfc4398_cert_rfc4701_dhcid);
	tcase_add_test(types, rfc5155_nsec3);
	tcase_add_test(types, tlsa_cds_openpgpkey);
	tcase_add_test(types, csync_zonemd);
	tcase_add_test(types, rfc8005_hip);
	tcase_add_test(types, rfc9460_appendix_d);
	tcase_add_test(types, svcb_params);
	tcase_add_test(types, rfc8659_caa_rfc7553_uri);
	tcase_add_test(types, eui_ilnp_amtrelay);
	tcase_add_test(types, tsig_tkey);
	tcase_add_test(types, other_types);
	suite_add_tcase(s, types);

	TCase *props = tcase_create("properties");
	tcase_set_timeout(props, 60);
	tcase_add_test(props, random_rdata_every_type);
	tcase_add_test(props, mutations_of_valid_rdata);
	tcase_add_test(props, typed_text_too_large_falls_back);
	tcase_add_test(props, every_buffer_size);
	suite_add_tcase(s, props);

	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
