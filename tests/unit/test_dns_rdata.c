/*
 * Unit tests for dns_rdata.c: presentation forms (RFC 1035 section 5,
 * RFC 3596, RFC 2782, RFC 5952) and the RFC 3597 generic form.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns_rdata.h"
#include "dns_types.h"

#define DNS_HEADER_LEN_FOR_TESTS 12

/* A DNS message under construction. */
struct mb {
	uint8_t b[1024];
	size_t n;
};

static void mb_init(struct mb *m)
{
	memset(m->b, 0, DNS_HEADER_LEN_FOR_TESTS);
	m->n = DNS_HEADER_LEN_FOR_TESTS; /* a zeroed header, so offsets are realistic */
}

static void mb_u8(struct mb *m, unsigned v)
{
	ck_assert_uint_lt(m->n, sizeof(m->b));
	m->b[m->n++] = (uint8_t)v;
}

static void mb_u16(struct mb *m, unsigned v)
{
	mb_u8(m, v >> 8);
	mb_u8(m, v & 0xFF);
}

static void mb_u32(struct mb *m, uint32_t v)
{
	mb_u16(m, v >> 16);
	mb_u16(m, v & 0xFFFF);
}

static void mb_bytes(struct mb *m, const void *p, size_t n)
{
	ck_assert_uint_le(m->n + n, sizeof(m->b));
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

/* Append the labels of a dotted name ("www.example."), ending with the root
 * label unless end_ptr >= 0, in which case a compression pointer to end_ptr
 * follows the labels instead.  Returns the offset of the name. */
static size_t mb_name_ptr(struct mb *m, const char *dotted, long end_ptr)
{
	size_t at = m->n;
	const char *p = dotted;
	while (*p && strcmp(p, ".") != 0) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		mb_u8(m, (unsigned)len);
		mb_bytes(m, p, len);
		p += len;
		if (*p == '.')
			p++;
	}
	if (end_ptr >= 0)
		mb_u16(m, 0xC000u | (unsigned)end_ptr);
	else
		mb_u8(m, 0);
	return at;
}

static size_t mb_name(struct mb *m, const char *dotted)
{
	return mb_name_ptr(m, dotted, -1);
}

/*
 * Render the rdata at [off, off + rdlen) of message m (copied to a heap
 * block of exactly m->n bytes, so valgrind sees any over-read) into out.
 * Returns the form; *finish gets tbuf_finish().
 */
static enum dns_rdata_form render_n(uint16_t type, const struct mb *m, size_t off, size_t rdlen,
                                    char *out, size_t cap, long *finish)
{
	uint8_t *msg = malloc(m->n);
	ck_assert_ptr_nonnull(msg);
	memcpy(msg, m->b, m->n);
	struct tbuf b;
	tbuf_init(&b, out, cap);
	enum dns_rdata_form f = dns_rdata_render(&b, type, msg, m->n, off, rdlen);
	*finish = tbuf_finish(&b);
	free(msg);
	return f;
}

/* Render the rdata that runs from off to the end of m; expect success. */
static const char *render_tail(uint16_t type, const struct mb *m, size_t off,
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
	struct mb m;
	mb_init(&m);
	size_t off = m.n;
	mb_bytes(&m, rd, n);
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
		struct mb m;
		mb_init(&m);
		size_t ex = mb_name(&m, "example.");
		size_t off = m.n;
		mb_name_ptr(&m, "ns1.", (long)ex);
		enum dns_rdata_form f;
		ck_assert_str_eq(render_tail(types[i], &m, off, &f), "ns1.example.");
		ck_assert_int_eq(f, DNS_RDATA_TYPED);

		/* a bare pointer, and an uncompressed name */
		mb_init(&m);
		ex = mb_name(&m, "www.example.");
		off = m.n;
		mb_u16(&m, 0xC000u | (unsigned)ex);
		ck_assert_str_eq(render_tail(types[i], &m, off, &f), "www.example.");
		ck_assert_int_eq(f, DNS_RDATA_TYPED);
		mb_init(&m);
		off = m.n;
		mb_name(&m, "host.example.org.");
		ck_assert_str_eq(render_tail(types[i], &m, off, &f), "host.example.org.");
		/* a pointer chain: to "www" + pointer to "example." */
		mb_init(&m);
		ex = mb_name(&m, "example.");
		size_t www = mb_name_ptr(&m, "www.", (long)ex);
		off = m.n;
		mb_name_ptr(&m, "a.", (long)www);
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
	struct mb m;
	mb_init(&m);
	size_t off = m.n;
	mb_name(&m, "abc.");
	char out[256];
	long fin;
	ck_assert_int_eq(render_n(DNS_T_NS, &m, off, 3, out, sizeof(out), &fin), DNS_RDATA_INVALID);
	ck_assert_str_eq(out, "\\# 3 036162");

	/* a pointer needs two bytes, rdlength gives one */
	mb_init(&m);
	size_t ex = mb_name(&m, "example.");
	off = m.n;
	mb_u16(&m, 0xC000u | (unsigned)ex);
	ck_assert_int_eq(render_n(DNS_T_CNAME, &m, off, 1, out, sizeof(out), &fin),
	                 DNS_RDATA_INVALID);
	ck_assert_str_eq(out, "\\# 1 C0");

	/* MX whose exchange runs past the rdata */
	mb_init(&m);
	off = m.n;
	mb_u16(&m, 10);
	mb_name(&m, "mail.example.");
	ck_assert_int_eq(render_n(DNS_T_MX, &m, off, 6, out, sizeof(out), &fin), DNS_RDATA_INVALID);
	ck_assert_str_eq(out, "\\# 6 000A046D6169");
}
END_TEST

START_TEST(name_bad_pointers)
{
	enum dns_rdata_form f;
	/* forward pointer (to itself) */
	struct mb m;
	mb_init(&m);
	size_t off = m.n;
	mb_u16(&m, 0xC000u | (unsigned)off);
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
	struct mb m;
	mb_init(&m);
	size_t ex = mb_name(&m, "example.");
	size_t off = m.n;
	mb_u16(&m, 10);
	mb_name_ptr(&m, "mail.", (long)ex);
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
	struct mb m;
	mb_init(&m);
	size_t off = m.n;
	size_t mname = mb_name(&m, "ns1.example.");
	mb_name_ptr(&m, "hostmaster.", (long)mname + 4);
	mb_u32(&m, 2015101101u);
	mb_u32(&m, 7200);
	mb_u32(&m, 3600);
	mb_u32(&m, 1209600);
	mb_u32(&m, 300);
	enum dns_rdata_form f;
	ck_assert_str_eq(render_tail(DNS_T_SOA, &m, off, &f),
	                 "ns1.example. hostmaster.example. 2015101101 7200 3600 1209600 300");
	ck_assert_int_eq(f, DNS_RDATA_TYPED);

	/* 32-bit fields are unsigned: 0xFFFFFFFF is 4294967295 */
	mb_init(&m);
	off = m.n;
	mb_name(&m, ".");
	mb_name(&m, ".");
	mb_u32(&m, 0xFFFFFFFFu);
	mb_u32(&m, 0x80000000u);
	mb_u32(&m, 0);
	mb_u32(&m, 1);
	mb_u32(&m, 2);
	ck_assert_str_eq(render_tail(DNS_T_SOA, &m, off, &f), ". . 4294967295 2147483648 0 1 2");
	ck_assert_int_eq(f, DNS_RDATA_TYPED);
}
END_TEST

START_TEST(soa_short_and_long)
{
	struct mb m;
	mb_init(&m);
	size_t off = m.n;
	mb_name(&m, "a.");
	mb_name(&m, "b.");
	for (int i = 0; i < 4; i++)
		mb_u32(&m, 1);
	mb_u16(&m, 0); /* minimum cut to two bytes */
	enum dns_rdata_form f;
	const char *s = render_tail(DNS_T_SOA, &m, off, &f);
	ck_assert_int_eq(f, DNS_RDATA_INVALID);
	ck_assert_str_eq(s, "\\# 24 01610001620000000001000000010000000100000001"
	                    "0000");

	mb_init(&m);
	off = m.n;
	mb_name(&m, "a.");
	mb_name(&m, "b.");
	for (int i = 0; i < 5; i++)
		mb_u32(&m, 1);
	mb_u8(&m, 0xAA); /* one byte too many */
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
	struct mb m;
	mb_init(&m);
	size_t off = m.n;
	mb_u8(&m, 4);
	mb_bytes(&m, "abcd", 4);
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
	struct mb m;
	mb_init(&m);
	size_t ex = mb_name(&m, "example.com.");
	size_t off = m.n;
	mb_u16(&m, 0);
	mb_u16(&m, 5);
	mb_u16(&m, 5060);
	mb_name_ptr(&m, "sipserver.", (long)ex);
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
	struct mb m;
	mb_init(&m);
	size_t off = m.n;
	mb_bytes(&m, "\xC0\x00\x02\x01", 4);
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
	struct mb m;
	mb_init(&m);
	mb_bytes(&m, "\x01\x02\x03\x04", 4);
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
	struct mb m;
	mb_init(&m);
	size_t off = m.n;
	mb_bytes(&m, "\xC0\x00\x02\x01\x07", 5);
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
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
