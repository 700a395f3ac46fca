/*
 * Unit tests for ioc_match.c (names and addresses of parsed messages
 * against a set) and for the gazer's alerting: when alerts go out, what
 * the tx carries, and sinks that take alerts only.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_msg.h"
#include "gazer.h"
#include "ioc.h"
#include "ioc_match.h"
#include "wirebuild.h"
#include "check_run.h"

#define T_A 1
#define T_NS 2
#define T_CNAME 5
#define T_SOA 6
#define T_PTR 12
#define T_MX 15
#define T_TXT 16
#define T_AAAA 28
#define T_SRV 33
#define T_KX 36
#define T_DNAME 39
#define T_SVCB 64
#define T_HTTPS 65
#define T_MINFO 14
#define T_RP 17
#define T_NAPTR 35
#define T_NSEC 47
#define T_PX 26
#define T_NXT 30
#define T_A6 38
#define T_TALINK 58
#define T_LP 107
#define T_AMTRELAY 260

static struct ioc_set *load(const char *text)
{
	char err[256];
	struct ioc_set *s = ioc_set_new();
	ck_assert_ptr_nonnull(s);
	ck_assert_msg(ioc_set_add_text(s, "t", text, strlen(text), err, sizeof(err)) == 0, "%s", err);
	return s;
}

static struct dns_parser parser;
static struct dns_msg msg;

/* Parse m (which must stay alive while msg is used) into msg. */
static void parse(const struct wb *m)
{
	dns_parser_reset(&parser);
	ck_assert(dns_msg_usable(dns_msg_parse(&parser, m->b, m->n, &msg)));
}

/* Match m against set; the hits go to h. */
static void match(struct ioc_hits *h, const struct ioc_set *set, const struct wb *m)
{
	parse(m);
	ioc_hits_init(h, set);
	ioc_match_msg(h, &msg, true, false, 0);
}

static void setup(void)
{
	ck_assert_int_eq(dns_parser_init(&parser), 0);
}

static void teardown(void)
{
	dns_parser_free(&parser);
}

START_TEST(cname_chain_target)
{
	/* www.good.test CNAME cdn.evil.test; cdn.evil.test A 192.0.2.1 */
	struct ioc_set *s = load("evil.test\tfeed\n");
	struct wb m;
	wb_dns_header(&m, 1, 0x8180, 1, 2, 0, 0);
	size_t q = m.n;
	wb_question(&m, "www.good.test", T_A, 1);
	wb_name_ptr(&m, "", (long)q);
	size_t rd = m.n + 10;
	wb_rr_fixed(&m, T_CNAME, 1, 60, 15);
	wb_name(&m, "cdn.evil.test");
	wb_name_ptr(&m, "", (long)rd);
	wb_rr_fixed(&m, T_A, 1, 60, 4);
	wb_bytes(&m, "\xc0\x00\x02\x01", 4);
	struct ioc_hits h;
	match(&h, s, &m);
	ck_assert_uint_eq(h.n, 1); /* once, though the A record's owner matches too */
	ck_assert_str_eq(h.hit[0].where, "answer.data");
	ck_assert_str_eq(h.hit[0].indicator, "evil.test.");
	ck_assert_str_eq(h.hit[0].label, "feed");
	ck_assert_str_eq(h.hit[0].matched, "cdn.evil.test.");
	ck_assert(h.hit[0].reply);
	ioc_set_free(s);
}
END_TEST

/*
 * Names that share a suffix (through pointers, either way round): what a
 * suffix is as a whole name ("*." does not match it) and as the parent of
 * a longer name ("*." does) must both come out right, whichever name
 * reaches it first.
 */
START_TEST(shared_suffixes)
{
	struct ioc_set *s = load("*.zone.test\tw\n");
	struct wb m;
	/* zone.test? CNAME x.zone.test (x + pointer to the question); x.zone.test A */
	wb_dns_header(&m, 1, 0x8180, 1, 2, 0, 0);
	size_t q = m.n;
	wb_question(&m, "zone.test", T_A, 1);
	wb_name_ptr(&m, "", (long)q);
	size_t rd = m.n + 10;
	wb_rr_fixed(&m, T_CNAME, 1, 60, 4);
	wb_name_ptr(&m, "x", (long)q);
	wb_name_ptr(&m, "", (long)rd);
	wb_rr_fixed(&m, T_A, 1, 60, 4);
	wb_bytes(&m, "\xc0\x00\x02\x01", 4);
	struct ioc_hits h;
	match(&h, s, &m);
	ck_assert_uint_eq(h.n, 1); /* not the question, not the answer's owner */
	ck_assert_str_eq(h.hit[0].where, "answer.data");
	ck_assert_str_eq(h.hit[0].indicator, "*.zone.test.");
	ck_assert_str_eq(h.hit[0].matched, "x.zone.test.");

	/* the other way round: the longer name first, then a pointer to its parent */
	struct wb r;
	wb_dns_header(&r, 2, 0x8180, 1, 1, 0, 0);
	q = r.n;
	wb_question(&r, "a.zone.test", T_NS, 1);
	wb_name_ptr(&r, "", (long)q);
	wb_rr_fixed(&r, T_NS, 1, 60, 2);
	wb_name_ptr(&r, "", (long)q + 2); /* zone.test: listed only below */
	ioc_set_free(s);
	s = load("*.zone.test\tw\nzone.test\td\n");
	match(&h, s, &r);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_str_eq(h.hit[0].where, "query"); /* the most specific: zone.test itself */
	ck_assert_str_eq(h.hit[0].indicator, "zone.test.");
	ioc_set_free(s);
	s = load("*.zone.test\tw\n");
	match(&h, s, &r);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_str_eq(h.hit[0].where, "query");
	ck_assert_str_eq(h.hit[0].indicator, "*.zone.test.");
	ioc_hits_init(&h, s); /* the NS target alone: zone.test itself is not below it */
	ioc_match_msg(&h, &msg, true, true, 0);
	ck_assert_uint_eq(h.n, 0);
	ioc_set_free(s);
}
END_TEST

/*
 * What a look-up finds clean is the suffix it stopped at and the labels
 * before it, never a shorter suffix: a name that shares only a shorter one
 * is looked up, in the question's reply as in the rest of a message.
 */
START_TEST(clean_suffixes_hide_nothing)
{
	struct ioc_set *s = load("evil.example.test\te\nbad.other.test\tb\n");
	struct wb m;
	wb_dns_header(&m, 3, 0x8180, 1, 4, 0, 0);
	size_t q = m.n;
	/* www.example.test: example.test is above evil.example.test, so the
	 * question is clean from www on, not from example.test */
	wb_question(&m, "www.example.test", T_A, 1);
	wb_name_ptr(&m, "", (long)q);
	size_t a = m.n + 10;
	wb_rr_fixed(&m, T_CNAME, 1, 60, 14);
	wb_name(&m, "a.other.test"); /* clean from a on, not from other.test */
	wb_name_ptr(&m, "", (long)a);
	wb_rr_fixed(&m, T_CNAME, 1, 60, 6);
	wb_name_ptr(&m, "bad", (long)a + 2); /* bad + other.test: listed */
	wb_name_ptr(&m, "", (long)q);
	wb_rr_fixed(&m, T_NS, 1, 60, 2);
	wb_name_ptr(&m, "", (long)a); /* a.other.test again: clean */
	wb_name_ptr(&m, "", (long)q);
	wb_rr_fixed(&m, T_CNAME, 1, 60, 7);
	wb_name_ptr(&m, "evil", (long)q + 4); /* evil + example.test: listed */
	parse(&m);
	struct ioc_hits h;
	/* as a transaction: the question as the query comes, then the reply without it */
	ioc_hits_init(&h, s);
	unsigned qclean = ioc_match_qname(&h, &msg);
	ck_assert_uint_eq(h.n, 0);
	ck_assert_uint_eq(qclean, 3); /* www.example.test, all three labels */
	ioc_match_msg(&h, &msg, true, true, qclean);
	ck_assert_uint_eq(h.n, 2);
	ck_assert_str_eq(h.hit[0].indicator, "bad.other.test.");
	ck_assert_str_eq(h.hit[0].matched, "bad.other.test.");
	ck_assert_str_eq(h.hit[1].indicator, "evil.example.test.");
	ck_assert_str_eq(h.hit[1].where, "answer.data");
	/* and the same in one pass, the question looked up with the rest */
	ioc_hits_init(&h, s);
	ioc_match_msg(&h, &msg, true, false, 0);
	ck_assert_uint_eq(h.n, 2);
	ioc_set_free(s);
}
END_TEST

/* More names than a message's clean labels hold: the rest are looked up anyway. */
START_TEST(many_names_in_one_message)
{
	struct ioc_set *s = load("n77.many.test\tm\n");
	struct wb m;
	wb_dns_header(&m, 1, 0x8180, 1, 100, 0, 0);
	size_t q = m.n;
	wb_question(&m, "many.test", T_NS, 1);
	for (int i = 0; i < 100; i++) {
		char name[16];
		snprintf(name, sizeof(name), "n%d", i);
		wb_name_ptr(&m, "", (long)q);
		wb_rr_fixed(&m, T_NS, 1, 60, (unsigned)strlen(name) + 3);
		wb_name_ptr(&m, name, (long)q);
	}
	struct ioc_hits h;
	match(&h, s, &m);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_str_eq(h.hit[0].matched, "n77.many.test.");
	ck_assert_str_eq(h.hit[0].where, "answer.data");
	ioc_set_free(s);
}
END_TEST

START_TEST(every_name_bearing_type)
{
	static const struct {
		unsigned type;
		const char *prefix; /* fixed fields before the name */
		size_t plen;
		const char *suffix; /* fields after it */
		size_t slen;
	} types[] = {
		{T_NS, "", 0, "", 0},
		{T_CNAME, "", 0, "", 0},
		{T_PTR, "", 0, "", 0},
		{T_DNAME, "", 0, "", 0},
		{T_SOA, "", 0, "\0\0\0\0\1\0\0\0\2\0\0\0\3\0\0\0\4\0\0\0\5", 21}, /* RNAME . */
		{T_MX, "\x00\x0a", 2, "", 0},
		{T_KX, "\x00\x0a", 2, "", 0},
		{T_SVCB, "\x00\x01", 2, "", 0},
		{T_HTTPS, "\x00\x01", 2, "\x00\x01\x00\x03\x02h2", 7},
		{T_SRV, "\x00\x01\x00\x02\x01\xbb", 6, "", 0},
		{T_NSEC, "", 0, "\x00\x01\x40", 3},
		{T_NAPTR, "\x00\x0a\x00\x64\x01S\x07SIP+D2U\x00", 15, "", 0},
		{T_NXT, "", 0, "\x40\x01", 2},
		{T_PX, "\x00\x0a", 2, "", 1}, /* MAPX400: the root */
		{T_TALINK, "", 0, "", 1},       /* next: the root */
		{T_LP, "\x00\x0a", 2, "", 0},
		{T_A6, "\x40\x20\x01\x0d\xb8\x00\x00\x00\x01", 9, "", 0}, /* /64: 8 octets */
		{T_AMTRELAY, "\x0a\x83", 2, "", 0}, /* D set, type 3: a name */
	};
	static const char *const where[] = {"answer.data", "authority.data", "additional.data"};
	struct ioc_set *s = load("target.bad\n");
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		for (int sec = 0; sec < 3; sec++) {
			struct wb m;
			wb_dns_header(&m, 1, 0x8180, 1, sec == 0, sec == 1, sec == 2);
			wb_question(&m, "q.good", T_A, 1);
			wb_name(&m, "owner.good");
			wb_rr_fixed(&m, types[i].type, 1, 60,
			            (unsigned)(types[i].plen + 14 + types[i].slen));
			wb_bytes(&m, types[i].prefix, types[i].plen);
			wb_name(&m, "x.target.bad");
			wb_bytes(&m, types[i].suffix, types[i].slen);
			struct ioc_hits h;
			match(&h, s, &m);
			ck_assert_msg(h.n == 1, "type %u section %d: %zu hits", types[i].type, sec, h.n);
			ck_assert_str_eq(h.hit[0].where, where[sec]);
			ck_assert_str_eq(h.hit[0].matched, "x.target.bad.");
		}
	}
	ioc_set_free(s);
}
END_TEST

/* The second name of SOA (RNAME), MINFO and RP, behind a compressed first. */
START_TEST(second_names)
{
	static const unsigned types[] = {T_SOA, T_MINFO, T_RP, T_PX, T_TALINK};
	struct ioc_set *s = load("target.bad\tt\n");
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct wb m;
		wb_dns_header(&m, 1, 0x8180, 1, 1, 0, 0);
		size_t q = m.n;
		wb_question(&m, "zone.good", types[i], 1);
		wb_name_ptr(&m, "", (long)q);
		size_t tail = types[i] == T_SOA ? 20 : 0, head = types[i] == T_PX ? 2 : 0;
		wb_rr_fixed(&m, types[i], 1, 60, (unsigned)(head + 6 + 23 + tail));
		for (size_t k = 0; k < head; k++)
			wb_u8(&m, 0);
		wb_name_ptr(&m, "ns1", (long)q);      /* ns1 and a pointer: 6 octets */
		wb_name(&m, "hostmaster.target.bad"); /* 23 octets */
		for (size_t k = 0; k < tail; k++)
			wb_u8(&m, 1);
		struct ioc_hits h;
		match(&h, s, &m);
		ck_assert_msg(h.n == 1, "type %u: %zu hits", types[i], h.n);
		ck_assert_str_eq(h.hit[0].matched, "hostmaster.target.bad.");
		ck_assert_str_eq(h.hit[0].where, "answer.data");
	}
	ioc_set_free(s);
}
END_TEST

START_TEST(names_in_other_rdata_are_not_looked_for)
{
	/* TXT holding a name's text: data, not a name */
	struct ioc_set *s = load("target.bad\n");
	struct wb m;
	wb_dns_header(&m, 1, 0x8180, 1, 1, 0, 0);
	wb_question(&m, "q.good", T_TXT, 1);
	wb_name(&m, "q.good");
	wb_rr_fixed(&m, T_TXT, 1, 60, 11);
	wb_u8(&m, 10);
	wb_bytes(&m, "target.bad", 10);
	struct ioc_hits h;
	match(&h, s, &m);
	ck_assert_uint_eq(h.n, 0);
	ioc_set_free(s);
}
END_TEST

START_TEST(owner_names_and_question)
{
	struct ioc_set *s = load("bad.example\tq\n*.glue.example\tg\n");
	struct wb m;
	wb_dns_header(&m, 1, 0x8180, 1, 0, 1, 1);
	wb_question(&m, "WwW.BaD.eXaMpLe", T_A, 1); /* case is no disguise */
	wb_name(&m, "good.example");
	wb_rr_fixed(&m, T_NS, 1, 60, 18);
	wb_name(&m, "ns1.good.example");
	wb_name(&m, "ns1.glue.example");
	wb_rr_fixed(&m, T_A, 1, 60, 4);
	wb_bytes(&m, "\xc0\x00\x02\x35", 4);
	struct ioc_hits h;
	match(&h, s, &m);
	ck_assert_uint_eq(h.n, 2);
	ck_assert_str_eq(h.hit[0].where, "query");
	ck_assert_str_eq(h.hit[0].matched, "WwW.BaD.eXaMpLe.");
	ck_assert_str_eq(h.hit[0].indicator, "bad.example.");
	ck_assert_str_eq(h.hit[1].where, "additional.name");
	ck_assert_str_eq(h.hit[1].indicator, "*.glue.example.");
	ck_assert_str_eq(h.hit[1].label, "g");

	/* the reply's question is skipped when its query was matched */
	ioc_hits_init(&h, s);
	ioc_match_msg(&h, &msg, true, true, 0);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_str_eq(h.hit[0].where, "additional.name");
	ioc_set_free(s);
}
END_TEST

START_TEST(escaping_tricks)
{
	struct ioc_set *s = load("evil.test\n");
	struct ioc_hits h;
	struct wb m;
	/* one label "evil.test" (a dot inside it) is not the name evil.test */
	wb_dns_header(&m, 1, 0, 1, 0, 0, 0);
	wb_u8(&m, 9);
	wb_bytes(&m, "evil.test", 9);
	wb_u8(&m, 0);
	wb_u16(&m, T_A);
	wb_u16(&m, 1);
	match(&h, s, &m);
	ck_assert_uint_eq(h.n, 0);
	ck_assert_str_eq(msg.rr[0].name, "evil\\.test.");

	/* split across compression pointers and in capitals, it still is */
	wb_dns_header(&m, 1, 0x8180, 1, 1, 0, 0);
	size_t q = m.n;
	wb_question(&m, "EVIL.TEST", T_A, 1);
	wb_name_ptr(&m, "x.y", (long)q + 5); /* x.y.TEST */
	wb_rr_fixed(&m, T_CNAME, 1, 60, 4);
	wb_name_ptr(&m, "a", (long)q);     /* a.EVIL.TEST */
	match(&h, s, &m);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_str_eq(h.hit[0].where, "query");

	/* a match shows the name as logged, escapes and all */
	ioc_set_free(s);
	s = load("e\\255vil.test\n");
	wb_dns_header(&m, 1, 0, 1, 0, 0, 0);
	wb_u8(&m, 5);
	wb_bytes(&m, "E\xffVIL", 5);
	wb_name(&m, "test");
	wb_u16(&m, T_A);
	wb_u16(&m, 1);
	match(&h, s, &m);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_str_eq(h.hit[0].matched, "E\\255VIL.test.");
	ck_assert_str_eq(h.hit[0].indicator, "e\\255vil.test.");
	ioc_set_free(s);
}
END_TEST

START_TEST(addresses_in_records)
{
	struct ioc_set *s = load("192.0.2.0/24\tnet4\n2001:db8::/48\tnet6\n");
	struct wb m;
	wb_dns_header(&m, 1, 0x8180, 1, 2, 0, 1);
	size_t q = m.n;
	wb_question(&m, "a.good", T_A, 1);
	wb_name_ptr(&m, "", (long)q);
	wb_rr_fixed(&m, T_A, 1, 60, 4);
	wb_bytes(&m, "\xc6\x33\x64\x01", 4); /* 198.51.100.1: no */
	wb_name_ptr(&m, "", (long)q);
	wb_rr_fixed(&m, T_A, 1, 60, 4);
	wb_bytes(&m, "\xc0\x00\x02\x07", 4);
	wb_name(&m, "ns.good");
	wb_rr_fixed(&m, T_AAAA, 1, 60, 16);
	wb_bytes(&m, "\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x35", 16);
	struct ioc_hits h;
	match(&h, s, &m);
	ck_assert_uint_eq(h.n, 2);
	ck_assert_str_eq(h.hit[0].where, "answer.data");
	ck_assert_str_eq(h.hit[0].matched, "192.0.2.7");
	ck_assert_str_eq(h.hit[0].indicator, "192.0.2.0/24");
	ck_assert_str_eq(h.hit[1].where, "additional.data");
	ck_assert_str_eq(h.hit[1].matched, "2001:db8::35");
	ck_assert_str_eq(h.hit[1].label, "net6");

	/* and the endpoints */
	struct net_addr a;
	net_addr_set4(&a, (const uint8_t *)"\xc0\x00\x02\xfe");
	ioc_hits_init(&h, s);
	ioc_match_addr(&h, &a, "server_addr");
	ck_assert_uint_eq(h.n, 1);
	ck_assert_str_eq(h.hit[0].where, "server_addr");
	ck_assert_str_eq(h.hit[0].matched, "192.0.2.254");
	ck_assert(!h.hit[0].reply);
	ioc_set_free(s);
}
END_TEST

START_TEST(hits_are_bounded)
{
	char list[1024] = "";
	for (int i = 0; i < 12; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "n%d.bad\n", i);
	struct ioc_set *s = load(list);
	struct wb m;
	wb_dns_header(&m, 1, 0x8180, 0, 12, 0, 0);
	for (int i = 0; i < 12; i++) {
		char n[16];
		snprintf(n, sizeof(n), "n%d.bad", i);
		wb_name(&m, n);
		wb_rr_fixed(&m, T_A, 1, 60, 4);
		wb_bytes(&m, "\x01\x02\x03\x04", 4);
	}
	struct ioc_hits h;
	match(&h, s, &m);
	ck_assert_uint_eq(h.n, IOC_MATCH_MAX);
	ck_assert(h.more);
	ck_assert_str_eq(h.hit[IOC_MATCH_MAX - 1].matched, "n7.bad.");
	ioc_set_free(s);
}
END_TEST

START_TEST(broken_rdata_names)
{
	struct ioc_set *s = load("bad.test\n");
	struct wb m;
	/* CNAME rdata whose name runs past the rdata; a forward pointer; root SVCB */
	wb_dns_header(&m, 1, 0x8180, 0, 3, 0, 0);
	wb_name(&m, "a.good");
	wb_rr_fixed(&m, T_CNAME, 1, 60, 4);
	wb_bytes(&m, "\x03" "bad", 4);
	size_t here = m.n;
	wb_name(&m, "b.good");
	wb_rr_fixed(&m, T_CNAME, 1, 60, 2);
	wb_u16(&m, 0xC000u | (unsigned)(here + 40));
	wb_name(&m, "c.good");
	wb_rr_fixed(&m, T_SVCB, 1, 60, 3);
	wb_bytes(&m, "\x00\x01\x00", 3);
	wb_name(&m, "bad.test"); /* bytes after: the header lies, they are junk */
	struct ioc_hits h;
	match(&h, s, &m);
	ck_assert_uint_eq(h.n, 0);

	/* a name cut at its rdata's end is not read on into the next record */
	wb_dns_header(&m, 1, 0x8180, 0, 2, 0, 0);
	wb_name(&m, "a.good");
	wb_rr_fixed(&m, T_CNAME, 1, 60, 2);
	wb_bytes(&m, "\x01x", 2);
	wb_name(&m, "bad.test");
	wb_rr_fixed(&m, T_A, 1, 60, 4);
	wb_bytes(&m, "\xc0\x00\x02\x01", 4);
	match(&h, s, &m);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_str_eq(h.hit[0].where, "answer.name");
	ck_assert_str_eq(h.hit[0].matched, "bad.test.");
	ioc_set_free(s);
}
END_TEST

/* ------------------------------------------------ gazer: when alerts go */

struct fake_sink {
	struct sink base;
	int tx, records, alerts;
	const char *last_tag;
	const char *where[16];
	bool reply[16];
	size_t tx_ioc; /* indicators carried by the last tx */
	char order[32]; /* the events in order: 't' a tx, 'a' an alert */
};

static void fake_note(struct fake_sink *f, char kind)
{
	size_t n = strlen(f->order);
	ck_assert_uint_lt(n + 1, sizeof(f->order));
	f->order[n] = kind;
}

static int fake_tx(struct sink *s, const struct tx_view *tx)
{
	struct fake_sink *f = (struct fake_sink *)s;
	f->tx++;
	f->tx_ioc = tx->ioc ? tx->ioc->n : 0;
	fake_note(f, 't');
	return 0;
}

static int fake_record(struct sink *s, const struct tx_view *tx, bool reply,
                       const struct dns_rr *rr)
{
	(void)tx, (void)reply, (void)rr;
	((struct fake_sink *)s)->records++;
	return 0;
}

static int fake_event(struct sink *s, const struct sink_event *ev)
{
	struct fake_sink *f = (struct fake_sink *)s;
	const struct alert_view *av = ev->arg;
	ck_assert_int_lt(f->alerts, 16);
	fake_note(f, 'a');
	f->where[f->alerts] = av->hit->where;
	f->reply[f->alerts] = av->hit->reply;
	f->alerts++;
	f->last_tag = ev->tag;
	ck_assert_int_eq(ev->ts_us, alert_view_time(av));
	return 0;
}

static int fake_noop(struct sink *s)
{
	(void)s;
	return 0;
}

static const struct sink_ops fake_ops = {
	.tx = fake_tx, .record = fake_record, .event = fake_event, .flush = fake_noop, .close = fake_noop};

static void feed(struct gazer *g, const struct wb *m, bool reply, int64_t ts)
{
	static const uint8_t c[4] = {10, 0, 0, 1}, sv[4] = {192, 0, 2, 53};
	struct pkt p;
	memset(&p, 0, sizeof(p));
	net_addr_set4(reply ? &p.dst : &p.src, c);
	net_addr_set4(reply ? &p.src : &p.dst, sv);
	p.sport = reply ? 53 : 40000;
	p.dport = reply ? 40000 : 53;
	p.proto = 17;
	p.payload = m->b;
	p.len = m->n;
	gazer_message(g, &p, ts);
}

/* A client's query for name, type A, with this id. */
static void ask(struct gazer *g, unsigned id, const char *name, int64_t ts)
{
	struct wb q;
	wb_dns_header(&q, id, 0x0100, 1, 0, 0, 0);
	wb_question(&q, name, T_A, 1);
	feed(g, &q, false, ts);
}

START_TEST(gazer_alerts_as_the_client_asks)
{
	struct ioc_set *s = load("evil.test\n192.0.2.53\tresolver\ncdn.bad\n");
	struct fake_sink all = {.base = {.ops = &fake_ops, .name = "all"}};
	struct fake_sink only = {.base = {.ops = &fake_ops, .name = "only", .alerts_only = true}};
	struct sink *sinks[] = {&all.base, &only.base};
	struct stats st;
	memset(&st, 0, sizeof(st));
	static const uint16_t port53 = 53;
	struct gazer_config cfg = {.timeout_us = 60000000, .max_pending = 100, .records = true,
	                           .ports = &port53, .nports = 1, .alert_tag = "p.dns.alert"};
	struct gazer *g = gazer_new(&cfg, sinks, 2, &st);
	ck_assert_ptr_nonnull(g);
	gazer_set_ioc(g, s);

	struct wb r;
	ask(g, 7, "www.evil.test", 1000000);
	/* the query alone raised its alerts: the name and the server */
	ck_assert_int_eq(all.alerts, 2);
	ck_assert_int_eq(only.alerts, 2);
	ck_assert_str_eq(all.last_tag, "p.dns.alert");
	ck_assert_str_eq(all.where[0], "query");
	ck_assert_str_eq(all.where[1], "server_addr");
	ck_assert_int_eq(all.tx, 0);
	ck_assert_int_eq(all.records, 1);
	ck_assert_int_eq(only.records, 0);

	wb_dns_header(&r, 7, 0x8180, 1, 1, 0, 0);
	size_t qo = r.n;
	wb_question(&r, "www.evil.test", T_A, 1);
	wb_name_ptr(&r, "", (long)qo);
	wb_rr_fixed(&r, T_CNAME, 1, 60, 11);
	wb_name(&r, "x.cdn.bad");
	feed(g, &r, true, 1500000);
	/* the reply adds only what is new: the CNAME target */
	ck_assert_int_eq(all.alerts, 3);
	ck_assert_str_eq(all.where[2], "answer.data");
	ck_assert(all.reply[2]);
	ck_assert_int_eq(all.tx, 1);
	ck_assert_uint_eq(all.tx_ioc, 3); /* the tx carries all three */
	ck_assert_int_eq(only.tx, 0);
	ck_assert_int_eq(only.records, 0);
	ck_assert_int_eq(only.alerts, 3);
	ck_assert_uint_eq(st.ioc_alerts, 3);
	ck_assert_uint_eq(st.ioc_tx, 1);

	/* a clean query then a reply with no query: alerts at the reply */
	wb_dns_header(&r, 9, 0x8180, 1, 0, 0, 0);
	wb_question(&r, "a.cdn.bad", T_A, 1);
	feed(g, &r, true, 2000000);
	ck_assert_int_eq(all.alerts, 5);
	ck_assert_str_eq(all.where[3], "server_addr");
	ck_assert(all.reply[3]);
	ck_assert_str_eq(all.where[4], "query");
	ck_assert_int_eq(all.tx, 2);

	/* without a set, nothing is matched */
	gazer_set_ioc(g, NULL);
	ask(g, 8, "www.evil.test", 3000000);
	gazer_drain(g);
	ck_assert_int_eq(all.alerts, 5);
	ck_assert_int_eq(all.tx, 3);
	ck_assert_uint_eq(all.tx_ioc, 0);
	gazer_free(g);
	ioc_set_free(s);
}
END_TEST

/*
 * Replies whose question was not matched against the lists in force: a
 * query without a question (pairing accepts it), and a query that came
 * before the lists were reloaded.
 */
START_TEST(gazer_reply_question_not_matched_before)
{
	struct ioc_set *s = load("evil.test\n");
	struct fake_sink all = {.base = {.ops = &fake_ops, .name = "all"}};
	struct sink *sinks[] = {&all.base};
	struct stats st;
	memset(&st, 0, sizeof(st));
	static const uint16_t port53 = 53;
	struct gazer_config cfg = {.timeout_us = 60000000, .max_pending = 100,
	                           .ports = &port53, .nports = 1, .alert_tag = "p.dns.alert"};
	struct gazer *g = gazer_new(&cfg, sinks, 1, &st);
	ck_assert_ptr_nonnull(g);
	gazer_set_ioc(g, s);

	/* a query with no question, then a reply that has one */
	struct wb q, r;
	wb_dns_header(&q, 5, 0x0100, 0, 0, 0, 0);
	feed(g, &q, false, 1000000);
	ck_assert_int_eq(all.alerts, 0);
	wb_dns_header(&r, 5, 0x8180, 1, 1, 0, 0);
	size_t qo = r.n;
	wb_question(&r, "www.evil.test", T_A, 1);
	wb_name_ptr(&r, "", (long)qo);
	wb_rr_fixed(&r, T_A, 1, 60, 4);
	wb_bytes(&r, "\xc0\x00\x02\x01", 4);
	feed(g, &r, true, 1100000);
	ck_assert_int_eq(all.alerts, 1);
	ck_assert_str_eq(all.where[0], "query");
	ck_assert(all.reply[0]);

	/* a clean query, the lists reloaded with its name, then its reply */
	ask(g, 6, "www.new.test", 2000000);
	ck_assert_int_eq(all.alerts, 1);
	struct ioc_set *s2 = load("evil.test\nnew.test\tv2\n");
	gazer_set_ioc(g, s2);
	wb_dns_header(&r, 6, 0x8180, 1, 1, 0, 0);
	qo = r.n;
	wb_question(&r, "www.new.test", T_A, 1);
	wb_name_ptr(&r, "", (long)qo);
	wb_rr_fixed(&r, T_A, 1, 60, 4);
	wb_bytes(&r, "\xc0\x00\x02\x02", 4);
	feed(g, &r, true, 2100000);
	ck_assert_int_eq(all.alerts, 2);
	ck_assert_str_eq(all.where[1], "query");
	ck_assert_uint_eq(all.tx_ioc, 1);

	/* and one the old lists matched (alerted then): matched again, no second alert */
	ask(g, 7, "a.evil.test", 3000000);
	ck_assert_int_eq(all.alerts, 3);
	struct ioc_set *s3 = load("evil.test\tv3\n");
	gazer_set_ioc(g, s3);
	wb_dns_header(&r, 7, 0x8180, 1, 0, 0, 0);
	wb_question(&r, "a.evil.test", T_A, 1);
	feed(g, &r, true, 3100000);
	ck_assert_int_eq(all.alerts, 3);
	ck_assert_uint_eq(all.tx_ioc, 1); /* the tx still says what matched */
	gazer_free(g);
	ioc_set_free(s3);
	ioc_set_free(s2);
	ioc_set_free(s);
}
END_TEST

/* A gazer with one sink, a pending table of max_pending, port 53. */
static struct gazer *alert_gazer(struct fake_sink *all, size_t max_pending)
{
	static struct stats st;
	static struct sink *sinks[1];
	static const uint16_t port53 = 53;
	memset(&st, 0, sizeof(st));
	sinks[0] = &all->base;
	struct gazer_config cfg = {.timeout_us = 60000000, .max_pending = max_pending,
	                           .ports = &port53, .nports = 1, .alert_tag = "p.dns.alert"};
	struct gazer *g = gazer_new(&cfg, sinks, 1, &st);
	ck_assert_ptr_nonnull(g);
	return g;
}

/* A reply to qname: an answer CNAME evil + a pointer to the question's second label. */
static void cname_into_question(struct wb *r, unsigned id, const char *qname)
{
	wb_dns_header(r, id, 0x8180, 1, 1, 0, 0);
	size_t qo = r->n;
	wb_question(r, qname, T_A, 1);
	wb_name_ptr(r, "", (long)qo);
	wb_rr_fixed(r, T_CNAME, 1, 60, 7);
	wb_name_ptr(r, "evil", (long)qo + 4);
}

/*
 * A query that pushes out a pending one with the same key: the one pushed
 * out is logged (and matched) before the new one is stored, and the new
 * one must keep what its own question was found clean, not the old one's.
 */
START_TEST(gazer_clean_question_survives_a_duplicate)
{
	struct ioc_set *s = load("evil.a.test\n");
	struct fake_sink all = {.base = {.ops = &fake_ops, .name = "all"}};
	struct gazer *g = alert_gazer(&all, 100);
	gazer_set_ioc(g, s);
	/* q.other.test is clean from other.test (two labels) */
	struct wb r;
	ask(g, 9, "q.other.test", 1000000);
	/* same key: the first is logged unanswered; www.a.test is clean only
	 * from www on (three labels), a.test being above evil.a.test */
	ask(g, 9, "www.a.test", 1100000);
	ck_assert_int_eq(all.tx, 1);
	ck_assert_int_eq(all.alerts, 0);
	/* its reply: www.a.test CNAME evil + a pointer to a.test in the question */
	cname_into_question(&r, 9, "www.a.test");
	feed(g, &r, true, 1200000);
	ck_assert_int_eq(all.tx, 2);
	ck_assert_int_eq(all.alerts, 1);
	ck_assert_str_eq(all.where[0], "answer.data");
	gazer_free(g);
	ioc_set_free(s);
}
END_TEST

/*
 * A listed query that pushes out pending ones, by its key and by a full
 * table: they are logged first, as their transactions ended when it came,
 * then it alerts.
 */
START_TEST(gazer_pushed_out_logged_before_the_alert)
{
	struct ioc_set *s = load("evil.test\n");
	struct fake_sink all = {.base = {.ops = &fake_ops, .name = "all"}};
	struct gazer *g = alert_gazer(&all, 1);
	gazer_set_ioc(g, s);
	ask(g, 7, "a.other.test", 1000000);
	/* the table is full: 7 is pushed out */
	ask(g, 8, "www.evil.test", 1100000);
	ck_assert_str_eq(all.order, "ta");
	/* the same key: the first 8 is pushed out */
	ask(g, 8, "www.evil.test", 1200000);
	ck_assert_str_eq(all.order, "tata");
	ck_assert_str_eq(all.where[1], "query");
	ck_assert_uint_eq(all.tx_ioc, 1); /* the first 8's tx says what it matched */
	gazer_free(g);
	ioc_set_free(s);
}
END_TEST

/* As gazer_clean_question_survives_a_duplicate, pushed out by a full table. */
START_TEST(gazer_clean_question_survives_eviction)
{
	struct ioc_set *s = load("evil.a.test\n");
	struct fake_sink all = {.base = {.ops = &fake_ops, .name = "all"}};
	struct gazer *g = alert_gazer(&all, 1);
	gazer_set_ioc(g, s);
	struct wb r;
	ask(g, 8, "q.other.test", 1000000);
	ask(g, 9, "www.a.test", 1100000);
	ck_assert_int_eq(all.tx, 1);
	cname_into_question(&r, 9, "www.a.test");
	feed(g, &r, true, 1200000);
	ck_assert_int_eq(all.alerts, 1);
	gazer_free(g);
	ioc_set_free(s);
}
END_TEST

/* What the old lists found clean of a question says nothing of the new ones. */
START_TEST(gazer_clean_question_after_a_reload)
{
	struct ioc_set *s = load("bad.other.test\n");
	struct fake_sink all = {.base = {.ops = &fake_ops, .name = "all"}};
	struct gazer *g = alert_gazer(&all, 100);
	gazer_set_ioc(g, s);
	struct wb r;
	ask(g, 9, "www.a.test", 1000000); /* clean from a.test: two labels */
	struct ioc_set *s2 = load("evil.a.test\n");
	gazer_set_ioc(g, s2);
	cname_into_question(&r, 9, "www.a.test");
	feed(g, &r, true, 1200000);
	ck_assert_int_eq(all.alerts, 1);
	ck_assert_str_eq(all.where[0], "answer.data");
	gazer_free(g);
	ioc_set_free(s2);
	ioc_set_free(s);
}
END_TEST

/* The reply's question in another case than the query's (0x20 randomisation). */
START_TEST(gazer_clean_question_in_another_case)
{
	struct ioc_set *s = load("evil.a.test\nx.other.test\n");
	struct fake_sink all = {.base = {.ops = &fake_ops, .name = "all"}};
	struct gazer *g = alert_gazer(&all, 100);
	gazer_set_ioc(g, s);
	struct wb r;
	ask(g, 9, "wWw.A.tEsT", 1000000);
	cname_into_question(&r, 9, "WWW.a.TEST");
	feed(g, &r, true, 1200000);
	ck_assert_int_eq(all.alerts, 1);
	gazer_free(g);
	ioc_set_free(s);
}
END_TEST

/*
 * A query whose question points into its own header (ID 0x0161 reads "\1a",
 * flags 0 the root: www.a) and a reply that has it flat: the labels counted
 * clean in one are found in the other.
 */
START_TEST(gazer_query_question_in_its_header)
{
	struct ioc_set *s = load("evil.a\nzz.other.test\n");
	struct fake_sink all = {.base = {.ops = &fake_ops, .name = "all"}};
	struct gazer *g = alert_gazer(&all, 100);
	gazer_set_ioc(g, s);
	struct wb q, r;
	wb_dns_header(&q, 0x0161, 0x0000, 1, 0, 0, 0);
	wb_name_ptr(&q, "www", 0);
	wb_u16(&q, T_A);
	wb_u16(&q, 1);
	feed(g, &q, false, 1000000);
	ck_assert_int_eq(all.alerts, 0);
	cname_into_question(&r, 0x0161, "www.a");
	feed(g, &r, true, 1200000);
	ck_assert_int_eq(all.alerts, 1);
	gazer_free(g);
	ioc_set_free(s);
}
END_TEST

/*
 * A message over 64 KiB (only a fuzzer makes one): a label found clean past
 * 16 KiB is out of any pointer's reach, and must not be taken for one in
 * reach (offset 65550 is 14 in 16 bits).
 */
START_TEST(clean_offsets_in_a_message_over_64k)
{
	struct ioc_set *s = load("evil.bad.test\n");
	uint8_t *b = calloc(1, 70000);
	ck_assert_ptr_nonnull(b);
	static const uint8_t hdr[12] = {0, 1, 0x81, 0x80, 0, 1, 0, 3, 0, 0, 0, 0};
	size_t n = 0;
	memcpy(b, hdr, 12);
	n = 12;
	memcpy(b + n, "\x01x\x03" "bad\x04test\x00\x00\x01\x00\x01", 16); /* x.bad.test A IN */
	n += 16;
	/* a private type 65280, rdlen 65510: rdata at 40 holds evil + a pointer to bad.test */
	static const uint8_t r1[] = {0xC0, 12, 0xFF, 0x00, 0, 1, 0, 0, 0, 60, 0xFF, 0xE6};
	memcpy(b + n, r1, 12);
	n += 12;
	memcpy(b + n, "\x04" "evil\xC0\x0E", 7);
	n += 65510;
	/* q.r. A at 65550: its look-up finds it clean there */
	memcpy(b + n, "\x01q\x01r\x00\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\x01\x02\x03\x04", 19);
	n += 19;
	/* a CNAME to the name at 40: evil.bad.test */
	static const uint8_t r3[] = {0xC0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xC0, 40};
	memcpy(b + n, r3, 14);
	n += 14;
	dns_parser_reset(&parser);
	ck_assert(dns_msg_usable(dns_msg_parse(&parser, b, n, &msg)));
	struct ioc_hits h;
	ioc_hits_init(&h, s);
	ioc_match_msg(&h, &msg, true, false, 0);
	ck_assert_uint_eq(h.n, 1);
	ck_assert_str_eq(h.hit[0].matched, "evil.bad.test.");
	free(b);
	ioc_set_free(s);
}
END_TEST

START_TEST(gazer_unanswered_query_keeps_its_match)
{
	struct ioc_set *s = load("evil.test\n");
	struct fake_sink all = {.base = {.ops = &fake_ops, .name = "all"}};
	struct sink *sinks[] = {&all.base};
	struct stats st;
	memset(&st, 0, sizeof(st));
	static const uint16_t port53 = 53;
	struct gazer_config cfg = {.timeout_us = 1000000, .max_pending = 100, .ports = &port53,
	                           .nports = 1, .alert_tag = "t"};
	struct gazer *g = gazer_new(&cfg, sinks, 1, &st);
	gazer_set_ioc(g, s);
	ask(g, 7, "evil.test", 1000000);
	ck_assert_int_eq(all.alerts, 1);
	gazer_tick(g, 5000000); /* times out: logged no_reply, no second alert */
	ck_assert_int_eq(all.tx, 1);
	ck_assert_uint_eq(all.tx_ioc, 1);
	ck_assert_int_eq(all.alerts, 1);
	gazer_free(g);
	ioc_set_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ioc_match");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, cname_chain_target);
	tcase_add_test(tc, every_name_bearing_type);
	tcase_add_test(tc, names_in_other_rdata_are_not_looked_for);
	tcase_add_test(tc, owner_names_and_question);
	tcase_add_test(tc, escaping_tricks);
	tcase_add_test(tc, addresses_in_records);
	tcase_add_test(tc, hits_are_bounded);
	tcase_add_test(tc, broken_rdata_names);
	tcase_add_test(tc, second_names);
	tcase_add_test(tc, shared_suffixes);
	tcase_add_test(tc, clean_suffixes_hide_nothing);
	tcase_add_test(tc, many_names_in_one_message);
	tcase_add_test(tc, gazer_alerts_as_the_client_asks);
	tcase_add_test(tc, gazer_unanswered_query_keeps_its_match);
	tcase_add_test(tc, gazer_reply_question_not_matched_before);
	tcase_add_test(tc, gazer_clean_question_survives_a_duplicate);
	tcase_add_test(tc, gazer_pushed_out_logged_before_the_alert);
	tcase_add_test(tc, gazer_clean_question_survives_eviction);
	tcase_add_test(tc, gazer_clean_question_after_a_reload);
	tcase_add_test(tc, gazer_clean_question_in_another_case);
	tcase_add_test(tc, gazer_query_question_in_its_header);
	tcase_add_test(tc, clean_offsets_in_a_message_over_64k);
	suite_add_tcase(s, tc);
	return check_run(s);
}
