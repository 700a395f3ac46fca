/*
 * Unit tests for frame_batch.c (frames copied and decoded as they come)
 * and the gazer's two steps it feeds: decoded ahead, handled later, a
 * frame gives what gazer_frame() gives.
 */
#include "config.h"

#include <check.h>
#include <pcap/dlt.h>
#include <stdio.h>
#include <string.h>

#include "frame_batch.h"
#include "event.h"
#include "gazer.h"
#include "ioc.h"
#include "wirebuild.h"
#include "check_run.h"

static const uint8_t CLIENT[4] = {192, 0, 2, 1};
static const uint8_t SERVER[4] = {198, 51, 100, 53};

/* An Ethernet frame: a query for name with id, or its reply with one A record. */
static void dns_frame(struct wb *f, unsigned id, const char *name, bool reply)
{
	struct wb m = {.n = 0};
	wb_dns_header(&m, id, reply ? 0x8180 : 0x0100, 1, reply ? 1 : 0, 0, 0);
	wb_question(&m, name, 1, 1);
	if (reply) {
		wb_name_ptr(&m, "", 12);
		wb_rr_fixed(&m, 1, 1, 60, 4);
		wb_bytes(&m, "\xc0\x00\x02\x07", 4);
	}
	f->n = 0;
	wb_eth(f, 0x0800);
	wb_ipv4(f, 5, 20 + 8 + (unsigned)m.n, id, 0, 17, reply ? SERVER : CLIENT,
	        reply ? CLIENT : SERVER);
	wb_u16(f, reply ? 53 : 40000);
	wb_u16(f, reply ? 40000 : 53);
	wb_u16(f, 8 + (unsigned)m.n);
	wb_u16(f, 0);
	wb_bytes(f, m.b, m.n);
}

/* The query for name with id, in the frame of a 2-octet TCP length. */
static void dns_query(struct wb *m, unsigned id, const char *name, bool tcp)
{
	struct wb q = {.n = 0};
	wb_dns_header(&q, id, 0x0100, 1, 0, 0, 0);
	wb_question(&q, name, 1, 1);
	m->n = 0;
	if (tcp)
		wb_u16(m, (unsigned)q.n);
	wb_bytes(m, q.b, q.n);
}

/* An IPv4 fragment (offset in 8-octet units) of a UDP datagram from the client. */
static void fragment(struct wb *f, const uint8_t *part, size_t n, unsigned off, bool more)
{
	f->n = 0;
	wb_eth(f, 0x0800);
	wb_ipv4(f, 5, 20 + (unsigned)n, 0x4242, (more ? 0x2000 : 0) | off, 17, CLIENT, SERVER);
	wb_bytes(f, part, n);
}

/* A TCP segment from the client, port 40001 to 53, at sequence number seq. */
static void segment(struct wb *f, uint32_t seq, const uint8_t *data, size_t n)
{
	f->n = 0;
	wb_eth(f, 0x0800);
	wb_ipv4(f, 5, 20 + 20 + (unsigned)n, 0x4343, 0, 6, CLIENT, SERVER);
	wb_u16(f, 40001);
	wb_u16(f, 53);
	wb_u32(f, seq);
	wb_u32(f, 0);
	wb_u8(f, 5 << 4);
	wb_u8(f, 0x18); /* PSH ACK */
	for (int i = 0; i < 6; i++)
		wb_u8(f, 0);
	wb_bytes(f, data, n);
}

/* A sink that writes down what it is given, in order. */
struct log_sink {
	struct sink base;
	struct sink *list[1]; /* the gazer's list of sinks: it borrows it */
	char log[512];
};

static void log_add(struct log_sink *l, const char *what, unsigned id, int status)
{
	size_t n = strlen(l->log);
	snprintf(l->log + n, sizeof(l->log) - n, "%s %u %d;", what, id, status);
}

static int log_tx(struct sink *s, const struct tx_view *tx)
{
	log_add((struct log_sink *)s, tx->ioc ? "tx+ioc" : "tx", tx->id, (int)tx->status);
	return 0;
}

static int log_record(struct sink *s, const struct tx_view *tx, bool reply,
                      const struct dns_rr *rr)
{
	(void)rr;
	log_add((struct log_sink *)s, reply ? "rec-reply" : "rec-query", tx->id, (int)tx->status);
	return 0;
}

static int log_event(struct sink *s, const struct sink_event *ev)
{
	log_add((struct log_sink *)s, "alert", 0, (int)ev->kind);
	return 0;
}

static int log_noop(struct sink *s)
{
	(void)s;
	return 0;
}

static const struct sink_ops log_ops = {
	.tx = log_tx, .record = log_record, .event = log_event, .flush = log_noop, .close = log_noop};

/* A set that gazer_looks_ahead() for: a listed name among 20,000 others. */
static struct ioc_set *big_set(void)
{
	char err[256], line[64];
	struct ioc_set *s = ioc_set_new();
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(ioc_set_add_text(s, "t", "evil.test\n", 10, err, sizeof(err)), 0);
	for (int i = 0; i < 20000; i++) {
		int n = snprintf(line, sizeof(line), "n%d.pad.test\n", i);
		ck_assert_int_eq(ioc_set_add_text(s, "t", line, (size_t)n, err, sizeof(err)), 0);
	}
	ck_assert(ioc_set_prefetches(s));
	return s;
}

static struct gazer *new_gazer(struct stats *st, const struct ioc_set *s, struct log_sink *l)
{
	static const uint16_t port53 = 53;
	struct gazer_config cfg = {.timeout_us = 60000000, .max_pending = 100, .records = true,
	                           .ports = &port53, .nports = 1};
	memset(st, 0, sizeof(*st));
	if (l) {
		memset(l, 0, sizeof(*l));
		l->base.ops = &log_ops;
		l->base.name = "log";
		l->list[0] = &l->base;
	}
	struct gazer *g = gazer_new(&cfg, l ? l->list : NULL, l ? 1 : 0, st);
	ck_assert_ptr_nonnull(g);
	gazer_set_ioc(g, s);
	return g;
}

START_TEST(holds_decoded_copies)
{
	struct ioc_set *s = big_set();
	struct stats st;
	struct gazer *g = new_gazer(&st, s, NULL);
	static struct frame_batch b;
	struct wb f;
	frame_batch_init(&b);
	dns_frame(&f, 0x1111, "www.evil.test", false);
	size_t n0 = f.n;
	ck_assert(frame_batch_add(&b, g, DLT_EN10MB, 5, f.b, f.n, f.n + 4));
	/* the capture's buffer is reused: the batch keeps its own bytes */
	dns_frame(&f, 0x2222, "other.test", true);
	const struct batched_frame *h = &b.f[0];
	ck_assert_uint_eq(b.n, 1);
	ck_assert_int_eq(h->ahead.status, PKT_OK);
	ck_assert_int_eq(h->ts_us, 5);
	ck_assert_uint_eq(h->caplen, n0);
	ck_assert_uint_eq(h->wirelen, n0 + 4);
	ck_assert_uint_eq(b.used, n0);
	ck_assert_uint_eq(h->ahead.p.sport, 40000);
	ck_assert_uint_eq(h->ahead.p.payload[0], 0x11);
	ck_assert_ptr_eq(h->ahead.p.payload, b.buf + 14 + 20 + 8);
	frame_batch_clear(&b);
	ck_assert_uint_eq(b.n, 0);
	ck_assert_uint_eq(b.used, 0);
	gazer_free(g);
	ioc_set_free(s);
}
END_TEST

START_TEST(full_or_too_large)
{
	struct stats st;
	struct gazer *g = new_gazer(&st, NULL, NULL);
	static struct frame_batch b;
	static uint8_t big[FRAME_BATCH_BYTES + 1];
	struct wb f;
	frame_batch_init(&b);
	dns_frame(&f, 1, "a.test", false);
	for (int i = 0; i < FRAME_BATCH_MAX; i++)
		ck_assert(frame_batch_add(&b, g, DLT_EN10MB, i, f.b, f.n, f.n));
	ck_assert(frame_batch_full(&b));
	ck_assert(!frame_batch_add(&b, g, DLT_EN10MB, 99, f.b, f.n, f.n));
	ck_assert_uint_eq(b.n, FRAME_BATCH_MAX);
	ck_assert_int_eq(b.f[FRAME_BATCH_MAX - 1].ts_us, FRAME_BATCH_MAX - 1);
	frame_batch_clear(&b);
	/* never one larger than the batch; one larger than what is left waits */
	ck_assert(!frame_batch_add(&b, g, DLT_EN10MB, 0, big, sizeof(big), sizeof(big)));
	ck_assert_uint_eq(b.n, 0);
	ck_assert(frame_batch_add(&b, g, DLT_EN10MB, 0, big, FRAME_BATCH_BYTES - 10, 100));
	ck_assert(!frame_batch_add(&b, g, DLT_EN10MB, 1, f.b, f.n, f.n));
	ck_assert(frame_batch_add(&b, g, DLT_EN10MB, 1, f.b, 10, 10));
	ck_assert_uint_eq(b.used, FRAME_BATCH_BYTES);
	gazer_free(g);
}
END_TEST

/*
 * Frames decoded ahead, then handled: the same events, in the same order,
 * and the same counts as one by one, over UDP, IP fragments and TCP.
 */
START_TEST(decoded_ahead_as_gazer_frame)
{
	struct ioc_set *s = big_set();
	struct stats one, two;
	static struct log_sink l1, l2;
	struct gazer *g1 = new_gazer(&one, s, &l1), *g2 = new_gazer(&two, s, &l2);
	ck_assert(gazer_looks_ahead(g2));
	static struct frame_batch b;
	struct wb f[8], m = {.n = 0};
	dns_frame(&f[0], 7, "www.evil.test", false);
	dns_frame(&f[1], 8, "clean.test", false);
	dns_frame(&f[2], 8, "clean.test", true);
	/* a query for a listed name in two fragments (UDP header and 16 octets, the rest) */
	struct wb d = {.n = 0};
	dns_query(&m, 9, "frag.evil.test", false);
	wb_u16(&d, 40002);
	wb_u16(&d, 53);
	wb_u16(&d, 8 + (unsigned)m.n);
	wb_u16(&d, 0);
	wb_bytes(&d, m.b, m.n);
	fragment(&f[3], d.b, 24, 0, true);
	fragment(&f[4], d.b + 24, d.n - 24, 3, false);
	/* one over TCP, in two segments */
	dns_query(&m, 10, "tcp.evil.test", true);
	segment(&f[5], 1000, m.b, 16);
	segment(&f[6], 1016, m.b + 16, m.n - 16);
	dns_frame(&f[7], 7, "www.evil.test", true);
	frame_batch_init(&b);
	for (int i = 0; i < 8; i++) {
		gazer_frame(g1, DLT_EN10MB, 1000 + i, f[i].b, f[i].n, f[i].n);
		ck_assert(frame_batch_add(&b, g2, DLT_EN10MB, 1000 + i, f[i].b, f[i].n, f[i].n));
	}
	ck_assert_uint_eq(two.packets, 0); /* nothing handled before its turn */
	ck_assert_str_eq(l2.log, "");
	for (size_t i = 0; i < b.n; i++)
		gazer_frame_decoded(g2, &b.f[i].ahead, b.f[i].ts_us, b.f[i].caplen, b.f[i].wirelen);
	gazer_drain(g1);
	gazer_drain(g2);
	/* what the one-by-one gazer saw: the three listed queries alerted */
	ck_assert_uint_eq(one.packets, 8);
	ck_assert_uint_eq(one.tx[TX_SUCCESS], 2);
	ck_assert_uint_eq(one.ioc_alerts, 3);
	ck_assert_ptr_nonnull(strstr(l1.log, "tx+ioc 10 "));
	ck_assert_ptr_nonnull(strstr(l1.log, "tx+ioc 9 "));
	/* and the two steps the same, event for event */
	ck_assert_str_eq(l2.log, l1.log);
	ck_assert_mem_eq(&one, &two, sizeof(one));
	gazer_free(g1);
	gazer_free(g2);
	ioc_set_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("frame_batch");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, holds_decoded_copies);
	tcase_add_test(tc, full_or_too_large);
	tcase_add_test(tc, decoded_ahead_as_gazer_frame);
	suite_add_tcase(s, tc);
	return check_run(s);
}
