/*
 * Unit tests for tcp_reasm.c: framing, ordering, overlaps, mid-stream
 * starts, gaps, holes skipped on the peer's ACK, wraparound, FIN/RST,
 * expiry, bounds (per flow, flow table, global memory budget), and a
 * fixed-seed fuzz loop (run it under valgrind: CK_FORK=no valgrind
 * ./test_tcp_reasm).
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_reasm.h"
#include "check_run.h"

static const struct hash_key test_key = {0x0123456789abcdefULL, 0xfedcba9876543210ULL};

/* ------------------------------------------------------------ collector */

#define MAX_GOT 256

struct got {
	uint8_t *msg;
	size_t len;
	int64_t ts;
	uint16_t sport;
	uint32_t seq;
	bool from_segment; /* msg pointed into the segment being processed */
};

struct sink {
	struct got g[MAX_GOT];
	size_t n;
	const uint8_t *seg_lo, *seg_hi; /* payload of the segment being fed */
};

static void on_msg(void *ctx, const struct pkt *p, const uint8_t *msg, size_t len, int64_t ts)
{
	struct sink *s = ctx;
	ck_assert_uint_eq(p->proto, PKT_PROTO_TCP);
	ck_assert_ptr_eq(p->payload, msg);
	ck_assert_uint_eq(p->len, len);
	ck_assert_uint_gt(len, 0);
	if (s->n == MAX_GOT)
		return;
	struct got *g = &s->g[s->n++];
	g->msg = malloc(len);
	ck_assert_ptr_nonnull(g->msg);
	memcpy(g->msg, msg, len);
	g->len = len;
	g->ts = ts;
	g->sport = p->sport;
	g->seq = p->tcp_seq;
	g->from_segment = s->seg_lo && msg >= s->seg_lo && msg + len <= s->seg_hi;
}

static void sink_clear(struct sink *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->g[i].msg);
	memset(s, 0, sizeof(*s));
}

/* ------------------------------------------------------------ segments */

#define CLIENT_PORT 40000
#define SERVER_PORT 53
enum dir { C2S, S2C };

static struct pkt seg(enum dir d, uint32_t seq, uint8_t flags, const uint8_t *data, size_t len)
{
	static const uint8_t c[4] = {10, 0, 0, 1}, s[4] = {10, 0, 0, 53};
	struct pkt p;
	memset(&p, 0, sizeof(p));
	net_addr_set4(&p.src, d == C2S ? c : s);
	net_addr_set4(&p.dst, d == C2S ? s : c);
	p.sport = d == C2S ? CLIENT_PORT : SERVER_PORT;
	p.dport = d == C2S ? SERVER_PORT : CLIENT_PORT;
	p.proto = PKT_PROTO_TCP;
	p.payload = data;
	p.len = len;
	p.tcp_seq = seq;
	p.tcp_flags = flags | PKT_TCP_ACK;
	return p;
}

static void feed_pkt(struct tcp_reasm *t, struct sink *s, const struct pkt *p, int64_t ts)
{
	s->seg_lo = p->payload;
	s->seg_hi = p->payload ? p->payload + p->len : NULL;
	tcp_reasm_segment(t, p, ts, on_msg, s);
	s->seg_lo = s->seg_hi = NULL;
}

static void feed(struct tcp_reasm *t, struct sink *s, enum dir d, uint32_t seq, uint8_t flags,
                 const uint8_t *data, size_t len, int64_t ts)
{
	struct pkt p = seg(d, seq, flags, data, len);
	feed_pkt(t, s, &p, ts);
}

/* A segment (or a pure ACK: data NULL) acknowledging everything before ack. */
static void feed_ack(struct tcp_reasm *t, struct sink *s, enum dir d, uint32_t seq, uint32_t ack,
                     const uint8_t *data, size_t len, int64_t ts)
{
	struct pkt p = seg(d, seq, 0, data, len);
	p.tcp_ack = ack;
	feed_pkt(t, s, &p, ts);
}

/*
 * Write a length-prefixed DNS query with this ID at out: a plausible header
 * (one question, example.com A IN) followed by pad filler bytes.  Returns
 * the bytes written (2 + message length).
 */
static size_t mkmsg(uint8_t *out, uint16_t id, size_t pad)
{
	static const uint8_t q[] = {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1};
	size_t len = 12 + sizeof(q) + pad;
	uint8_t *m = out + 2;
	out[0] = (uint8_t)(len >> 8);
	out[1] = (uint8_t)len;
	memset(m, 0, 12);
	m[0] = (uint8_t)(id >> 8);
	m[1] = (uint8_t)id;
	m[2] = 0x01; /* RD */
	m[5] = 1;    /* QDCOUNT */
	memcpy(m + 12, q, sizeof(q));
	for (size_t i = 0; i < pad; i++)
		m[12 + sizeof(q) + i] = (uint8_t)(id + i);
	return 2 + len;
}

static uint16_t id_of(const struct got *g)
{
	ck_assert_uint_ge(g->len, 2);
	return (uint16_t)((g->msg[0] << 8) | g->msg[1]);
}

/* Message i was delivered with this ID, length and time, intact. */
static void check_got(const struct sink *s, size_t i, uint16_t id, size_t pad, int64_t ts)
{
	uint8_t want[2048];
	size_t n = mkmsg(want, id, pad);
	ck_assert_uint_lt(i, s->n);
	ck_assert_uint_eq(s->g[i].len, n - 2);
	ck_assert_mem_eq(s->g[i].msg, want + 2, n - 2);
	ck_assert_int_eq(s->g[i].ts, ts);
}

static struct tcp_reasm *mk_total(size_t max_flows, size_t max_bytes, int64_t idle, int64_t gap,
                                  size_t max_total)
{
	struct tcp_reasm_config cfg = {.max_flows = max_flows,
	                               .max_flow_bytes = max_bytes,
	                               .idle_timeout_us = idle,
	                               .gap_timeout_us = gap,
	                               .max_total_bytes = max_total};
	struct tcp_reasm *t = tcp_reasm_new(&cfg, &test_key);
	ck_assert_ptr_nonnull(t);
	return t;
}

static struct tcp_reasm *mk(size_t max_flows, size_t max_bytes, int64_t idle, int64_t gap)
{
	return mk_total(max_flows, max_bytes, idle, gap, 0);
}

#define ISN_C 1000u
#define ISN_S 5000u

/* Open both directions with SYN and SYN-ACK. */
static void handshake(struct tcp_reasm *t, struct sink *s, int64_t ts)
{
	feed(t, s, C2S, ISN_C, PKT_TCP_SYN, NULL, 0, ts);
	feed(t, s, S2C, ISN_S, PKT_TCP_SYN, NULL, 0, ts);
}

/* ------------------------------------------------------------ framing */

START_TEST(one_message_one_segment)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[256];
	handshake(t, &s, 1);
	size_t n = mkmsg(b, 0x1234, 0);
	feed(t, &s, C2S, ISN_C + 1, 0, b, n, 10);
	ck_assert_uint_eq(s.n, 1);
	check_got(&s, 0, 0x1234, 0, 10);
	ck_assert(s.g[0].from_segment); /* delivered from the segment, no copy */
	ck_assert_uint_eq(s.g[0].sport, CLIENT_PORT);
	ck_assert_uint_eq(s.g[0].seq, ISN_C + 1);
	const struct tcp_reasm_stats *st = tcp_reasm_stats(t);
	ck_assert_uint_eq(st->messages, 1);
	ck_assert_uint_eq(st->flows, 2);
	ck_assert_uint_eq(st->active_flows, 2);
	ck_assert_uint_eq(st->buffered_bytes, 0);
	/* the reply direction is its own stream */
	n = mkmsg(b, 0x1234, 16);
	feed(t, &s, S2C, ISN_S + 1, 0, b, n, 11);
	ck_assert_uint_eq(s.n, 2);
	check_got(&s, 1, 0x1234, 16, 11);
	ck_assert_uint_eq(s.g[1].sport, SERVER_PORT);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

START_TEST(several_messages_one_segment)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[1024];
	handshake(t, &s, 1);
	size_t n = mkmsg(b, 1, 0);
	n += mkmsg(b + n, 2, 3);
	feed(t, &s, C2S, ISN_C + 1, 0, b, n, 5);
	ck_assert_uint_eq(s.n, 2);
	check_got(&s, 0, 1, 0, 5);
	check_got(&s, 1, 2, 3, 5);

	size_t m = mkmsg(b, 3, 7);
	m += mkmsg(b + m, 4, 0);
	m += mkmsg(b + m, 5, 100);
	feed(t, &s, C2S, ISN_C + 1 + (uint32_t)n, 0, b, m, 6);
	ck_assert_uint_eq(s.n, 5);
	check_got(&s, 2, 3, 7, 6);
	check_got(&s, 3, 4, 0, 6);
	check_got(&s, 4, 5, 100, 6);
	for (size_t i = 0; i < s.n; i++)
		ck_assert(s.g[i].from_segment);
	ck_assert_uint_eq(tcp_reasm_stats(t)->buffered_bytes, 0);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

START_TEST(message_split_in_three)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[1024];
	handshake(t, &s, 1);
	size_t n = mkmsg(b, 0xbeef, 300);
	uint32_t seq = ISN_S + 1;
	feed(t, &s, S2C, seq, 0, b, 100, 10);
	feed(t, &s, S2C, seq + 100, 0, b + 100, 100, 20);
	ck_assert_uint_eq(s.n, 0);
	ck_assert_uint_gt(tcp_reasm_stats(t)->buffered_bytes, 0);
	/* the last segment also carries the start of the next message */
	size_t m = mkmsg(b + n, 0xcafe, 0);
	feed(t, &s, S2C, seq + 200, 0, b + 200, n - 200 + 5, 30);
	ck_assert_uint_eq(s.n, 1);
	check_got(&s, 0, 0xbeef, 300, 30); /* time of the completing segment */
	ck_assert(!s.g[0].from_segment);
	feed(t, &s, S2C, seq + (uint32_t)n + 5, 0, b + n + 5, m - 5, 40);
	ck_assert_uint_eq(s.n, 2);
	check_got(&s, 1, 0xcafe, 0, 40);
	ck_assert_uint_eq(s.g[1].seq, seq + (uint32_t)n);
	ck_assert_uint_eq(tcp_reasm_stats(t)->buffered_bytes, 0);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

START_TEST(length_prefix_split)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[256];
	handshake(t, &s, 1);
	size_t n = mkmsg(b, 77, 5);
	feed(t, &s, C2S, ISN_C + 1, 0, b, 1, 10);
	ck_assert_uint_eq(s.n, 0);
	feed(t, &s, C2S, ISN_C + 2, 0, b + 1, n - 1, 11);
	ck_assert_uint_eq(s.n, 1);
	check_got(&s, 0, 77, 5, 11);
	/* a lone two-byte prefix, then the body */
	uint32_t seq = ISN_C + 1 + (uint32_t)n;
	n = mkmsg(b, 78, 0);
	feed(t, &s, C2S, seq, 0, b, 2, 12);
	feed(t, &s, C2S, seq + 2, 0, b + 2, n - 2, 13);
	ck_assert_uint_eq(s.n, 2);
	check_got(&s, 1, 78, 0, 13);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

START_TEST(zero_length_messages)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[256] = {0, 0, 0, 0};
	handshake(t, &s, 1);
	size_t n = 4 + mkmsg(b + 4, 9, 0);
	b[n++] = 0;
	b[n++] = 0;
	feed(t, &s, C2S, ISN_C + 1, 0, b, n, 10);
	ck_assert_uint_eq(s.n, 1);
	check_got(&s, 0, 9, 0, 10);
	ck_assert_uint_eq(tcp_reasm_stats(t)->empty_messages, 3);
	/* a zero prefix split across segments is skipped too */
	uint32_t seq = ISN_C + 1 + (uint32_t)n;
	size_t m = mkmsg(b + 2, 10, 0);
	b[0] = b[1] = 0;
	feed(t, &s, C2S, seq, 0, b, 1, 11);
	feed(t, &s, C2S, seq + 1, 0, b + 1, m + 1, 12); /* second zero byte, then a message */
	ck_assert_uint_eq(s.n, 2);
	ck_assert_uint_eq(tcp_reasm_stats(t)->empty_messages, 4);
	ck_assert_uint_eq(tcp_reasm_stats(t)->partial_dropped, 0);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* A message of 1 to 11 bytes is framed correctly, and handed over. */
START_TEST(short_messages_delivered)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0);
	struct sink s = {0};
	const uint8_t b[] = {0, 1, 0xaa, 0, 3, 1, 2, 3};
	handshake(t, &s, 1);
	feed(t, &s, C2S, ISN_C + 1, 0, b, sizeof(b), 10);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_uint_eq(s.g[0].len, 1);
	ck_assert_uint_eq(s.g[0].msg[0], 0xaa);
	ck_assert_uint_eq(s.g[1].len, 3);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* ------------------------------------------------------------ ordering */

START_TEST(retransmission_delivers_once)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[256];
	handshake(t, &s, 1);
	size_t n = mkmsg(b, 5, 0);
	feed(t, &s, C2S, ISN_C + 1, 0, b, n, 10);
	feed(t, &s, C2S, ISN_C + 1, 0, b, n, 20);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(tcp_reasm_stats(t)->retransmits, 1);
	/* retransmission of a held out-of-order segment too */
	uint32_t seq = ISN_C + 1 + (uint32_t)n;
	size_t m = mkmsg(b, 6, 0);
	feed(t, &s, C2S, seq + 10, 0, b + 10, m - 10, 30);
	feed(t, &s, C2S, seq + 10, 0, b + 10, m - 10, 31);
	ck_assert_uint_eq(tcp_reasm_stats(t)->retransmits, 2);
	feed(t, &s, C2S, seq, 0, b, 10, 32);
	ck_assert_uint_eq(s.n, 2);
	check_got(&s, 1, 6, 0, 32);
	/* a retransmitted SYN changes nothing */
	feed(t, &s, C2S, ISN_C, PKT_TCP_SYN, NULL, 0, 33);
	feed(t, &s, C2S, seq + (uint32_t)m, 0, b, mkmsg(b, 7, 0), 34);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_uint_eq(tcp_reasm_stats(t)->flows, 2);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

START_TEST(out_of_order_arrival)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[1024];
	handshake(t, &s, 1);
	size_t n = mkmsg(b, 1, 40);
	n += mkmsg(b + n, 2, 0);
	n += mkmsg(b + n, 3, 10);
	uint32_t seq = ISN_C + 1;
	/* three segments cutting across message boundaries, arriving 3, 2, 1 */
	size_t c1 = 30, c2 = 90;
	feed(t, &s, C2S, seq + (uint32_t)c2, 0, b + c2, n - c2, 10);
	feed(t, &s, C2S, seq + (uint32_t)c1, 0, b + c1, c2 - c1, 20);
	ck_assert_uint_eq(s.n, 0);
	ck_assert_uint_eq(tcp_reasm_stats(t)->ooo_segments, 2);
	feed(t, &s, C2S, seq, 0, b, c1, 30);
	ck_assert_uint_eq(s.n, 3);
	check_got(&s, 0, 1, 40, 30);
	check_got(&s, 1, 2, 0, 20); /* its bytes came at 20 (2nd) and 10 (3rd) */
	check_got(&s, 2, 3, 10, 10);
	ck_assert_uint_eq(tcp_reasm_stats(t)->buffered_bytes, 0);
	ck_assert_uint_eq(tcp_reasm_stats(t)->gaps, 0);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* Overlapping copies: the first copy of every byte wins. */
START_TEST(overlap_first_copy_wins)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[512], evil[512];
	handshake(t, &s, 1);
	size_t n = mkmsg(b, 11, 60);
	n += mkmsg(b + n, 12, 40);
	memset(evil, 0xee, sizeof(evil));
	uint32_t seq = ISN_C + 1;
	feed(t, &s, C2S, seq, 0, b, 40, 10);
	/* a retransmission with different bytes for [20,40) and new bytes after */
	memcpy(evil + 40, b + 40, 30);
	feed(t, &s, C2S, seq + 20, 0, evil + 20, 50, 20);
	ck_assert_uint_eq(tcp_reasm_stats(t)->overlaps, 1);
	/* held data: [100,120) first, then [90,130) with a conflicting middle */
	memcpy(evil + 90, b + 90, 40);
	memset(evil + 100, 0xee, 20);
	feed(t, &s, C2S, seq + 100, 0, b + 100, 20, 30);
	feed(t, &s, C2S, seq + 90, 0, evil + 90, 40, 40);
	ck_assert_uint_eq(tcp_reasm_stats(t)->overlaps, 2);
	feed(t, &s, C2S, seq + 70, 0, b + 70, 20, 50);
	ck_assert_uint_eq(s.n, 1);
	check_got(&s, 0, 11, 60, 50);
	feed(t, &s, C2S, seq + 130, 0, b + 130, n - 130, 60);
	ck_assert_uint_eq(s.n, 2);
	check_got(&s, 1, 12, 40, 60);
	ck_assert_uint_eq(tcp_reasm_stats(t)->buffered_bytes, 0);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* A held segment entirely covered by a later, longer one is not kept twice. */
START_TEST(overlap_covering_segment)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[512];
	handshake(t, &s, 1);
	size_t n = mkmsg(b, 21, 200);
	uint32_t seq = ISN_C + 1;
	feed(t, &s, C2S, seq + 50, 0, b + 50, 10, 10);
	feed(t, &s, C2S, seq + 80, 0, b + 80, 10, 11);
	feed(t, &s, C2S, seq + 40, 0, b + 40, 100, 12); /* spans both, and the holes between */
	feed(t, &s, C2S, seq + 40, 0, b + 40, 60, 13);  /* nothing new */
	ck_assert_uint_eq(tcp_reasm_stats(t)->retransmits, 1);
	feed(t, &s, C2S, seq + 140, 0, b + 140, n - 140, 14);
	feed(t, &s, C2S, seq, 0, b, 40, 15);
	ck_assert_uint_eq(s.n, 1);
	check_got(&s, 0, 21, 200, 15);
	ck_assert_uint_eq(tcp_reasm_stats(t)->buffered_bytes, 0);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

START_TEST(sequence_wraparound)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[1024];
	uint32_t isn = 0xffffffa0u;
	feed(t, &s, C2S, isn, PKT_TCP_SYN, NULL, 0, 1);
	size_t n = mkmsg(b, 1, 60);
	n += mkmsg(b + n, 2, 60);
	n += mkmsg(b + n, 3, 0);
	uint32_t seq = isn + 1;
	/* out of order across the wrap, then in order */
	feed(t, &s, C2S, seq + 150, 0, b + 150, n - 150, 10);
	feed(t, &s, C2S, seq, 0, b, 60, 11);
	feed(t, &s, C2S, seq + 60, 0, b + 60, 90, 12);
	ck_assert_uint_eq(s.n, 3);
	check_got(&s, 0, 1, 60, 12);
	check_got(&s, 1, 2, 60, 12);
	check_got(&s, 2, 3, 0, 10);
	/* an old segment from before the wrap is a retransmission */
	feed(t, &s, C2S, seq, 0, b, 60, 13);
	ck_assert_uint_eq(tcp_reasm_stats(t)->retransmits, 1);
	size_t m = mkmsg(b, 4, 0);
	feed(t, &s, C2S, seq + (uint32_t)n, 0, b, m, 14);
	ck_assert_uint_eq(s.n, 4);
	ck_assert_uint_eq(tcp_reasm_stats(t)->gaps, 0);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* Data in the SYN (TCP Fast Open) starts at ISN + 1. */
START_TEST(data_in_syn)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[256];
	size_t n = mkmsg(b, 0x4242, 0);
	feed(t, &s, C2S, ISN_C, PKT_TCP_SYN, b, n, 10);
	ck_assert_uint_eq(s.n, 1);
	check_got(&s, 0, 0x4242, 0, 10);
	ck_assert_uint_eq(s.g[0].seq, ISN_C + 1);
	feed(t, &s, C2S, ISN_C, PKT_TCP_SYN, b, n, 11); /* retransmitted */
	ck_assert_uint_eq(s.n, 1);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* ------------------------------------------------------------ mid-stream */

START_TEST(midstream_plausible_start)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[256];
	size_t n = mkmsg(b, 0x12cf, 0);
	n += mkmsg(b + n, 0x12d0, 0);
	feed(t, &s, C2S, 777777, 0, b, n, 10);
	ck_assert_uint_eq(s.n, 2);
	check_got(&s, 0, 0x12cf, 0, 10);
	check_got(&s, 1, 0x12d0, 0, 10);
	ck_assert_uint_eq(tcp_reasm_stats(t)->resyncs, 1);
	ck_assert_uint_eq(tcp_reasm_stats(t)->bad_framing, 0);
	/* a pure ACK on an unknown flow creates nothing */
	feed(t, &s, S2C, 1, 0, NULL, 0, 11);
	ck_assert_uint_eq(tcp_reasm_stats(t)->flows, 1);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* The capture begins inside a message: wait for a segment that starts one. */
START_TEST(midstream_resync)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[512];
	size_t n1 = mkmsg(b, 0xe7af, 0);
	size_t n2 = mkmsg(b + n1, 0x8b51, 20);
	size_t n3 = mkmsg(b + n1 + n2, 0x59c6, 0);
	uint32_t seq = 123456;
	/* the first message without its length prefix (as in do1t-nosyn-1nolen.pcap) */
	feed(t, &s, C2S, seq + 2, 0, b + 2, n1 - 2, 10);
	ck_assert_uint_eq(s.n, 0);
	ck_assert_uint_eq(tcp_reasm_stats(t)->bad_framing, 1);
	/* then a lone length prefix, then the body: resynchronised */
	feed(t, &s, C2S, seq + (uint32_t)n1, 0, b + n1, 2, 11);
	feed(t, &s, C2S, seq + (uint32_t)n1 + 2, 0, b + n1 + 2, n2 - 2 + n3, 12);
	ck_assert_uint_eq(s.n, 2);
	check_got(&s, 0, 0x8b51, 20, 12);
	check_got(&s, 1, 0x59c6, 0, 12);
	ck_assert_uint_eq(tcp_reasm_stats(t)->resyncs, 1);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* A segment that begins mid-message and is not plausible: skipped whole. */
START_TEST(midstream_implausible_segments)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[512];
	uint32_t seq = 99;
	/* tail of some message: looks like length 0x4141 with bad header bits */
	memset(b, 0x41, 40);
	feed(t, &s, S2C, seq, 0, b, 40, 10);
	/* too short to judge alone; the probe it begins fails with the next one */
	feed(t, &s, S2C, seq + 40, 0, b, 5, 11);
	/* header-only lengths must be exactly 12 */
	uint8_t h[16] = {0, 20, 0, 1, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 9};
	feed(t, &s, S2C, seq + 45, 0, h, sizeof(h), 12);
	/* a label longer than 63 in the question name */
	size_t n = mkmsg(b, 3, 0);
	b[14] = 70;
	feed(t, &s, S2C, seq + 61, 0, b, n, 13);
	/* a question of an unknown class */
	n = mkmsg(b, 4, 0);
	b[2 + 12 + 13 + 2] = 0x12;
	feed(t, &s, S2C, seq + 61 + (uint32_t)n, 0, b, n, 14);
	ck_assert_uint_eq(s.n, 0);
	ck_assert_uint_eq(tcp_reasm_stats(t)->resyncs, 0);
	/* a good start at last */
	uint32_t at = seq + 61 + 2 * (uint32_t)n;
	n = mkmsg(b, 5, 0);
	feed(t, &s, S2C, at, 0, b, n, 15);
	ck_assert_uint_eq(s.n, 1);
	check_got(&s, 0, 5, 0, 15);
	ck_assert_uint_eq(tcp_reasm_stats(t)->resyncs, 1);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* ------------------------------------------------------------ gaps */

/* A hole that never fills, skipped when the flush comes: a whole message lost. */
START_TEST(gap_at_boundary_resyncs)
{
	struct tcp_reasm *t = mk(0, 0, 0, -1);
	struct sink s = {0};
	uint8_t b[1024];
	handshake(t, &s, 1);
	size_t n1 = mkmsg(b, 1, 0);
	size_t n2 = mkmsg(b + n1, 2, 100);
	size_t n3 = mkmsg(b + n1 + n2, 3, 0);
	size_t n4 = mkmsg(b + n1 + n2 + n3, 4, 0);
	uint32_t seq = ISN_S + 1;
	feed(t, &s, S2C, seq, 0, b, n1, 10);
	/* message 2 never arrives */
	feed(t, &s, S2C, seq + (uint32_t)(n1 + n2), 0, b + n1 + n2, n3, 30);
	feed(t, &s, S2C, seq + (uint32_t)(n1 + n2 + n3), 0, b + n1 + n2 + n3, n4, 40);
	ck_assert_uint_eq(s.n, 1);
	tcp_reasm_flush(t, on_msg, &s);
	ck_assert_uint_eq(s.n, 3);
	check_got(&s, 1, 3, 0, 30);
	check_got(&s, 2, 4, 0, 40);
	const struct tcp_reasm_stats *st = tcp_reasm_stats(t);
	ck_assert_uint_eq(st->gaps, 1);
	ck_assert_uint_eq(st->gap_bytes, n2);
	ck_assert_uint_eq(st->resyncs, 1);
	ck_assert_uint_eq(st->active_flows, 0);
	ck_assert_uint_eq(st->buffered_bytes, 0);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* A hole inside a message of known length: that message is lost, framing is not. */
START_TEST(gap_inside_message_keeps_framing)
{
	struct tcp_reasm *t = mk(0, 0, 0, -1);
	struct sink s = {0};
	uint8_t b[1024];
	handshake(t, &s, 1);
	size_t n1 = mkmsg(b, 1, 200);
	size_t n2 = mkmsg(b + n1, 2, 0);
	uint32_t seq = ISN_S + 1;
	feed(t, &s, S2C, seq, 0, b, 50, 10);
	/* [50,100) is lost; the rest arrives, starting mid-message */
	feed(t, &s, S2C, seq + 100, 0, b + 100, n1 + n2 - 100, 20);
	tcp_reasm_flush(t, on_msg, &s);
	ck_assert_uint_eq(s.n, 1);
	check_got(&s, 0, 2, 0, 20);
	const struct tcp_reasm_stats *st = tcp_reasm_stats(t);
	ck_assert_uint_eq(st->gaps, 1);
	ck_assert_uint_eq(st->partial_dropped, 1);
	ck_assert_uint_eq(st->resyncs, 0); /* no guessing needed */
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* The bound on held bytes forces the skip while the flow goes on. */
START_TEST(gap_skipped_at_buffer_bound)
{
	struct tcp_reasm *t = mk(0, 1000, 0, -1);
	struct sink s = {0};
	uint8_t b[4096];
	handshake(t, &s, 1);
	size_t off[12], n = 0;
	for (unsigned i = 0; i < 12; i++) {
		off[i] = n;
		n += mkmsg(b + n, (uint16_t)(100 + i), 100);
	}
	uint32_t seq = ISN_C + 1;
	feed(t, &s, C2S, seq, 0, b, off[1], 10);
	/* message 101 is lost; 102... keep coming and are held up to the bound */
	for (unsigned i = 2; i < 12; i++) {
		size_t end = i + 1 < 12 ? off[i + 1] : n;
		feed(t, &s, C2S, seq + (uint32_t)off[i], 0, b + off[i], end - off[i], 10 + i);
		ck_assert_uint_le(tcp_reasm_stats(t)->buffered_bytes, 1000);
	}
	const struct tcp_reasm_stats *st = tcp_reasm_stats(t);
	ck_assert_uint_eq(st->gaps, 1);
	ck_assert_uint_eq(s.n, 11);
	check_got(&s, 0, 100, 100, 10);
	for (unsigned i = 2; i < 12; i++)
		check_got(&s, i - 1, (uint16_t)(100 + i), 100, 10 + i);
	ck_assert_uint_eq(st->buffered_bytes, 0);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* Data waiting behind a hole for gap_timeout is released by the next segment. */
START_TEST(gap_timeout)
{
	struct tcp_reasm *t = mk(0, 0, 0, 1000);
	struct sink s = {0};
	uint8_t b[1024];
	handshake(t, &s, 1);
	size_t n1 = mkmsg(b, 1, 0);
	size_t n2 = mkmsg(b + n1, 2, 0);
	size_t n3 = mkmsg(b + n1 + n2, 3, 0);
	uint32_t seq = ISN_S + 1;
	feed(t, &s, S2C, seq + (uint32_t)n1, 0, b + n1, n2, 100);
	feed(t, &s, S2C, seq + (uint32_t)(n1 + n2), 0, b + n1 + n2, 10, 600);
	ck_assert_uint_eq(s.n, 0);
	feed(t, &s, S2C, seq + (uint32_t)(n1 + n2 + 10), 0, b + n1 + n2 + 10, n3 - 10, 1100);
	ck_assert_uint_eq(s.n, 2);
	check_got(&s, 0, 2, 0, 100);
	check_got(&s, 1, 3, 0, 1100);
	ck_assert_uint_eq(tcp_reasm_stats(t)->gaps, 1);
	/* the lost message arrives late: it is behind the stream now */
	feed(t, &s, S2C, seq, 0, b, n1, 1200);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_uint_eq(tcp_reasm_stats(t)->retransmits, 1);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* Too many tiny held pieces count as over the bound. */
START_TEST(gap_piece_count_bound)
{
	struct tcp_reasm *t = mk(0, 1 << 20, 0, -1);
	struct sink s = {0};
	static uint8_t b[8192];
	handshake(t, &s, 1);
	size_t n = mkmsg(b, 1, 4000);
	uint32_t seq = ISN_C + 1;
	feed(t, &s, C2S, seq, 0, b, 10, 5);
	for (uint32_t i = 20; i + 1 < n; i += 2)
		feed(t, &s, C2S, seq + i, 0, b + i, 1, 10);
	ck_assert_uint_ge(tcp_reasm_stats(t)->gaps, 1);
	ck_assert_uint_le(tcp_reasm_stats(t)->buffered_bytes, 300 * 64);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* Data more than a window ahead is bogus. */
START_TEST(far_ahead_dropped)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[256];
	handshake(t, &s, 1);
	size_t n = mkmsg(b, 1, 0);
	feed(t, &s, C2S, ISN_C + 1 + 0x50000000u, 0, b, n, 10);
	ck_assert_uint_eq(tcp_reasm_stats(t)->bad_seq, 1);
	ck_assert_uint_eq(tcp_reasm_stats(t)->buffered_bytes, 0);
	feed(t, &s, C2S, ISN_C + 1, 0, b, n, 11);
	ck_assert_uint_eq(s.n, 1);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* ------------------------------------------------------------ peer ACKs */

/*
 * The server acknowledges client bytes the sensor never saw: the hole is
 * skipped at once, and the queries held behind it come out, with their own
 * times, before the reply that carried the ACK.
 */
START_TEST(ack_skips_hole)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0); /* gap_timeout 2 s: never reached here */
	struct sink s = {0};
	uint8_t b[1024], r[256];
	handshake(t, &s, 1);
	size_t n1 = mkmsg(b, 1, 0);
	size_t n2 = mkmsg(b + n1, 2, 10);
	size_t n3 = mkmsg(b + n1 + n2, 3, 0);
	size_t n4 = mkmsg(b + n1 + n2 + n3, 4, 5);
	uint32_t seq = ISN_C + 1, at3 = seq + (uint32_t)(n1 + n2), at4 = at3 + (uint32_t)n3;
	feed(t, &s, C2S, seq, 0, b, n1, 10);
	/* message 2 is lost; 3 and 4 wait behind the hole */
	feed(t, &s, C2S, at3, 0, b + n1 + n2, n3, 30);
	feed(t, &s, C2S, at4, 0, b + n1 + n2 + n3, n4, 40);
	ck_assert_uint_eq(s.n, 1);
	/* the reply to 1 acknowledges only what the sensor saw: nothing moves */
	size_t m = mkmsg(r, 1, 0);
	uint32_t sseq = ISN_S + 1;
	feed_ack(t, &s, S2C, sseq, seq + (uint32_t)n1, r, m, 45);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_uint_eq(s.g[1].sport, SERVER_PORT);
	ck_assert_uint_eq(tcp_reasm_stats(t)->gaps, 0);
	/* the reply to 3 acknowledges 3: the hole is skipped first */
	sseq += (uint32_t)m;
	m = mkmsg(r, 3, 0);
	feed_ack(t, &s, S2C, sseq, at4, r, m, 50);
	ck_assert_uint_eq(s.n, 5);
	check_got(&s, 2, 3, 0, 30);
	check_got(&s, 3, 4, 5, 40);
	ck_assert_uint_eq(s.g[2].sport, CLIENT_PORT);
	ck_assert_uint_eq(s.g[3].sport, CLIENT_PORT);
	ck_assert_uint_eq(s.g[3].seq, at4);
	check_got(&s, 4, 3, 0, 50);
	ck_assert_uint_eq(s.g[4].sport, SERVER_PORT);
	const struct tcp_reasm_stats *st = tcp_reasm_stats(t);
	ck_assert_uint_eq(st->gaps, 1);
	ck_assert_uint_eq(st->gap_bytes, n2);
	ck_assert_uint_eq(st->resyncs, 1); /* the hole ended at a message boundary */
	ck_assert_uint_eq(st->partial_dropped, 0);
	ck_assert_uint_eq(st->buffered_bytes, 0);
	/* the stream goes on in order; message 2 turning up late is old data */
	uint32_t at5 = at4 + (uint32_t)n4;
	feed(t, &s, C2S, at5, 0, b, mkmsg(b, 5, 0), 60);
	ck_assert_uint_eq(s.n, 6);
	check_got(&s, 5, 5, 0, 60);
	feed(t, &s, C2S, seq + (uint32_t)n1, 0, b + n1, n2, 61);
	ck_assert_uint_eq(s.n, 6);
	ck_assert_uint_eq(st->retransmits, 1);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* A hole inside a message of known length: that message is lost, framing is not. */
START_TEST(ack_skips_hole_inside_message)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[1024];
	handshake(t, &s, 1);
	size_t n1 = mkmsg(b, 1, 200);
	size_t n2 = mkmsg(b + n1, 2, 0);
	size_t n3 = mkmsg(b + n1 + n2, 3, 0);
	uint32_t seq = ISN_C + 1;
	feed(t, &s, C2S, seq, 0, b, 50, 10);
	/* [50,100) is lost; the rest arrives in two segments */
	feed(t, &s, C2S, seq + 100, 0, b + 100, n1 + n2 - 100, 20);
	feed(t, &s, C2S, seq + (uint32_t)(n1 + n2), 0, b + n1 + n2, n3, 30);
	ck_assert_uint_eq(s.n, 0);
	/* a pure ACK covering the start of the first held segment only */
	feed_ack(t, &s, S2C, ISN_S + 1, seq + 101, NULL, 0, 40);
	ck_assert_uint_eq(s.n, 2); /* the segment after it was contiguous: drained along */
	check_got(&s, 0, 2, 0, 20);
	check_got(&s, 1, 3, 0, 30);
	const struct tcp_reasm_stats *st = tcp_reasm_stats(t);
	ck_assert_uint_eq(st->gaps, 1);
	ck_assert_uint_eq(st->gap_bytes, 50);
	ck_assert_uint_eq(st->partial_dropped, 1);
	ck_assert_uint_eq(st->resyncs, 0); /* no guessing needed */
	ck_assert_uint_eq(st->buffered_bytes, 0);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* An ACK inside the hole, or at the stream's position, proves nothing about the rest. */
START_TEST(ack_inside_hole_does_nothing)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[512];
	handshake(t, &s, 1);
	size_t n1 = mkmsg(b, 1, 0);
	size_t n2 = mkmsg(b + n1, 2, 0);
	uint32_t seq = ISN_C + 1;
	feed(t, &s, C2S, seq + (uint32_t)n1, 0, b + n1, n2, 10); /* message 1 is missing */
	feed_ack(t, &s, S2C, ISN_S + 1, seq, NULL, 0, 20);
	feed_ack(t, &s, S2C, ISN_S + 1, seq + 1, NULL, 0, 21);
	feed_ack(t, &s, S2C, ISN_S + 1, seq + (uint32_t)n1 - 1, NULL, 0, 22);
	const struct tcp_reasm_stats *st = tcp_reasm_stats(t);
	ck_assert_uint_eq(s.n, 0);
	ck_assert_uint_eq(st->gaps, 0);
	ck_assert_uint_eq(st->bad_seq, 0);
	/* the hole fills after all: nothing was lost */
	feed(t, &s, C2S, seq, 0, b, n1, 30);
	ck_assert_uint_eq(s.n, 2);
	check_got(&s, 0, 1, 0, 30);
	check_got(&s, 1, 2, 0, 10);
	ck_assert_uint_eq(st->gaps, 0);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* An ACK far ahead of the stream is bogus; one far behind is old news. */
START_TEST(ack_out_of_window_ignored)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[512];
	handshake(t, &s, 1);
	size_t n1 = mkmsg(b, 1, 0);
	size_t n2 = mkmsg(b + n1, 2, 0);
	uint32_t seq = ISN_C + 1;
	feed(t, &s, C2S, seq + (uint32_t)n1, 0, b + n1, n2, 10);
	const struct tcp_reasm_stats *st = tcp_reasm_stats(t);
	feed_ack(t, &s, S2C, ISN_S + 1, seq + 0x40000000u, NULL, 0, 20); /* one window ahead */
	ck_assert_uint_eq(st->bad_seq, 1);
	feed_ack(t, &s, S2C, ISN_S + 1, seq + 0x7fffffffu, NULL, 0, 21);
	ck_assert_uint_eq(st->bad_seq, 2);
	feed_ack(t, &s, S2C, ISN_S + 1, seq + 0x80000000u, NULL, 0, 22); /* behind */
	feed_ack(t, &s, S2C, ISN_S + 1, seq - 0x50000000u, NULL, 0, 23);
	ck_assert_uint_eq(st->bad_seq, 2);
	ck_assert_uint_eq(s.n, 0);
	ck_assert_uint_eq(st->gaps, 0);
	ck_assert_uint_eq(st->active_flows, 2);
	/* the last byte of the largest window is still believed */
	feed_ack(t, &s, S2C, ISN_S + 1, seq + 0x3fffffffu, NULL, 0, 24);
	ck_assert_uint_eq(s.n, 1);
	check_got(&s, 0, 2, 0, 10);
	ck_assert_uint_eq(st->gaps, 1);
	ck_assert_uint_eq(st->bad_seq, 2);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* Without the ACK flag the acknowledgment field means nothing. */
START_TEST(ack_without_flag_ignored)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[512], r[256];
	handshake(t, &s, 1);
	size_t n1 = mkmsg(b, 1, 0);
	size_t n2 = mkmsg(b + n1, 2, 0);
	uint32_t seq = ISN_C + 1, end = seq + (uint32_t)(n1 + n2);
	feed(t, &s, C2S, seq + (uint32_t)n1, 0, b + n1, n2, 10);
	struct pkt p = seg(S2C, ISN_S + 1, 0, r, mkmsg(r, 2, 0));
	p.tcp_flags = 0;
	p.tcp_ack = end;
	feed_pkt(t, &s, &p, 20);
	ck_assert_uint_eq(s.n, 1); /* the reply only */
	ck_assert_uint_eq(s.g[0].sport, SERVER_PORT);
	ck_assert_uint_eq(tcp_reasm_stats(t)->gaps, 0);
	/* a pure segment without the flag neither */
	p = seg(S2C, ISN_S + 1 + (uint32_t)p.len, 0, NULL, 0);
	p.tcp_flags = 0;
	p.tcp_ack = end;
	feed_pkt(t, &s, &p, 21);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(tcp_reasm_stats(t)->gaps, 0);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/*
 * Data missed at the tail: the ACK is beyond everything seen and nothing is
 * held.  It changes nothing: data the sensor only sees late is taken in
 * order, and a later segment waits until an ACK covers its start.
 */
START_TEST(ack_beyond_everything_seen)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[1024];
	handshake(t, &s, 1);
	size_t n1 = mkmsg(b, 1, 0);
	size_t n2 = mkmsg(b + n1, 2, 0);
	size_t n3 = mkmsg(b + n1 + n2, 3, 0);
	size_t n4 = mkmsg(b + n1 + n2 + n3, 4, 0);
	uint32_t seq = ISN_C + 1;
	const struct tcp_reasm_stats *st = tcp_reasm_stats(t);
	/* the ACK overtakes the data it acknowledges (capture reordering) */
	feed_ack(t, &s, S2C, ISN_S + 1, seq + (uint32_t)n1, NULL, 0, 10);
	feed(t, &s, C2S, seq, 0, b, n1, 11);
	ck_assert_uint_eq(s.n, 1);
	check_got(&s, 0, 1, 0, 11);
	/* message 2 is lost for good and acknowledged */
	uint32_t at3 = seq + (uint32_t)(n1 + n2);
	feed_ack(t, &s, S2C, ISN_S + 1, at3, NULL, 0, 20);
	ck_assert_uint_eq(st->gaps, 0);
	ck_assert_uint_eq(st->buffered_bytes, 0);
	/* message 3 waits for an ACK that covers its start, not for gap_timeout */
	feed(t, &s, C2S, at3, 0, b + n1 + n2, n3, 30);
	ck_assert_uint_eq(s.n, 1);
	feed_ack(t, &s, S2C, ISN_S + 1, at3 + (uint32_t)n3, NULL, 0, 31);
	ck_assert_uint_eq(s.n, 2);
	check_got(&s, 1, 3, 0, 30);
	ck_assert_uint_eq(st->gaps, 1);
	ck_assert_uint_eq(st->gap_bytes, n2);
	/* an ACK far beyond the data (within a window) is harmless too */
	feed_ack(t, &s, S2C, ISN_S + 1, at3 + 100000, NULL, 0, 40);
	feed(t, &s, C2S, at3 + (uint32_t)n3, 0, b + n1 + n2 + n3, n4, 41);
	ck_assert_uint_eq(s.n, 3);
	check_got(&s, 2, 4, 0, 41);
	ck_assert_uint_eq(st->gaps, 1);
	ck_assert_uint_eq(st->bad_seq, 0);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/*
 * Mid-stream, before the server has sent any data (so it has no flow): its
 * pure ACK still releases the client's hole.  A FIN behind a hole closes
 * the direction once acknowledged.
 */
START_TEST(ack_pure_from_unknown_flow_and_fin)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[1024];
	size_t n1 = mkmsg(b, 1, 0);
	size_t n2 = mkmsg(b + n1, 2, 0);
	size_t n3 = mkmsg(b + n1 + n2, 3, 0);
	uint32_t seq = 424242;
	feed(t, &s, C2S, seq, 0, b, n1, 10);
	feed(t, &s, C2S, seq + (uint32_t)(n1 + n2), 0, b + n1 + n2, n3, 20);
	ck_assert_uint_eq(s.n, 1);
	feed_ack(t, &s, S2C, 9999, seq + (uint32_t)(n1 + n2) + 1, NULL, 0, 30);
	ck_assert_uint_eq(s.n, 2);
	check_got(&s, 1, 3, 0, 20);
	const struct tcp_reasm_stats *st = tcp_reasm_stats(t);
	ck_assert_uint_eq(st->flows, 1); /* the ACK created nothing */
	ck_assert_uint_eq(st->gaps, 1);
	/* half of a message, a hole, then the client's FIN */
	uint32_t at = seq + (uint32_t)(n1 + n2 + n3);
	size_t n4 = mkmsg(b, 4, 20);
	feed(t, &s, C2S, at, 0, b, 10, 40);
	feed(t, &s, C2S, at + (uint32_t)n4, PKT_TCP_FIN, NULL, 0, 41);
	ck_assert_uint_eq(st->closed_flows, 0);
	feed_ack(t, &s, S2C, 9999, at + (uint32_t)n4 + 1, NULL, 0, 42);
	ck_assert_uint_eq(st->closed_flows, 1);
	ck_assert_uint_eq(st->gaps, 2);
	ck_assert_uint_eq(st->partial_dropped, 1);
	ck_assert_uint_eq(st->buffered_bytes, 0);
	ck_assert_uint_eq(s.n, 2);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* The link between the two directions survives eviction and recreation. */
START_TEST(ack_peer_link_after_eviction)
{
	struct tcp_reasm *t = mk(2, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[512];
	handshake(t, &s, 1); /* the client's flow is the least recently used */
	struct pkt p = seg(C2S, 7000, PKT_TCP_SYN, NULL, 0);
	p.sport = 40001;
	feed_pkt(t, &s, &p, 2); /* a stranger evicts the client's flow */
	const struct tcp_reasm_stats *st = tcp_reasm_stats(t);
	ck_assert_uint_eq(st->evicted_flows, 1);
	/* the server acknowledges into the void: no dangling link (valgrind) */
	feed_ack(t, &s, S2C, ISN_S + 1, ISN_C + 100, NULL, 0, 3);
	/* the client comes back mid-stream (evicting the stranger) with a hole */
	size_t n1 = mkmsg(b, 1, 0);
	size_t n2 = mkmsg(b + n1, 2, 0);
	uint32_t seq = ISN_C + 1;
	feed(t, &s, C2S, seq, 0, b, n1, 4);
	feed(t, &s, C2S, seq + (uint32_t)n1 + 5, 0, b + n1 + 5, n2 - 5, 5);
	ck_assert_uint_eq(st->evicted_flows, 2);
	ck_assert_uint_eq(s.n, 1);
	feed_ack(t, &s, S2C, ISN_S + 1, seq + (uint32_t)(n1 + n2), NULL, 0, 6);
	ck_assert_uint_eq(st->gaps, 1);
	ck_assert_uint_eq(st->partial_dropped, 0);
	ck_assert_uint_eq(st->bad_framing, 1); /* message 2 without its start */
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* ------------------------------------------------------------ closing */

START_TEST(fin_closes_one_direction)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[256];
	handshake(t, &s, 1);
	size_t n = mkmsg(b, 1, 0);
	/* the client sends its query with FIN (half-close) */
	feed(t, &s, C2S, ISN_C + 1, PKT_TCP_FIN, b, n, 10);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(tcp_reasm_stats(t)->closed_flows, 1);
	/* a late retransmission is not taken for a new stream */
	feed(t, &s, C2S, ISN_C + 1, 0, b, n, 11);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(tcp_reasm_stats(t)->late_segments, 1);
	/* the server still answers, in two parts */
	size_t m = mkmsg(b, 1, 30);
	feed(t, &s, S2C, ISN_S + 1, 0, b, 20, 12);
	feed(t, &s, S2C, ISN_S + 21, PKT_TCP_FIN, b + 20, m - 20, 13);
	ck_assert_uint_eq(s.n, 2);
	check_got(&s, 1, 1, 30, 13);
	ck_assert_uint_eq(tcp_reasm_stats(t)->closed_flows, 2);
	/* a new connection on the same ports */
	feed(t, &s, C2S, 90000, PKT_TCP_SYN, NULL, 0, 14);
	feed(t, &s, C2S, 90001, 0, b, mkmsg(b, 2, 0), 15);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_uint_eq(tcp_reasm_stats(t)->flows, 3);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* A FIN before a hole waits for the hole; a partial message at FIN is counted. */
START_TEST(fin_after_hole_and_partial)
{
	struct tcp_reasm *t = mk(0, 0, 0, -1);
	struct sink s = {0};
	uint8_t b[256];
	handshake(t, &s, 1);
	size_t n = mkmsg(b, 1, 0);
	feed(t, &s, C2S, ISN_C + 1 + 10, PKT_TCP_FIN, b + 10, n - 10, 10);
	ck_assert_uint_eq(tcp_reasm_stats(t)->closed_flows, 0);
	feed(t, &s, C2S, ISN_C + 1, 0, b, 10, 11);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(tcp_reasm_stats(t)->closed_flows, 1);
	/* server: half a message, then FIN */
	feed(t, &s, S2C, ISN_S + 1, 0, b, 10, 12);
	feed(t, &s, S2C, ISN_S + 11, PKT_TCP_FIN, NULL, 0, 13);
	ck_assert_uint_eq(tcp_reasm_stats(t)->partial_dropped, 1);
	ck_assert_uint_eq(tcp_reasm_stats(t)->buffered_bytes, 0);
	/* a FIN behind the stream is ignored */
	feed(t, &s, S2C, 70000, PKT_TCP_SYN, NULL, 0, 14);
	feed(t, &s, S2C, 70001, 0, b, n, 15);
	feed(t, &s, S2C, 70001, PKT_TCP_FIN, NULL, 0, 16);
	feed(t, &s, S2C, 70001 + (uint32_t)n, 0, b, n, 17);
	ck_assert_uint_eq(s.n, 3);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

START_TEST(rst_closes_both_directions)
{
	struct tcp_reasm *t = mk(0, 0, 0, -1);
	struct sink s = {0};
	uint8_t b[256];
	handshake(t, &s, 1);
	size_t n = mkmsg(b, 1, 0);
	feed(t, &s, C2S, ISN_C + 1, 0, b, n, 10);
	/* the server holds a complete message behind a hole */
	size_t m = mkmsg(b, 2, 0);
	feed(t, &s, S2C, ISN_S + 1 + 5, 0, b, m, 11);
	/* an RST far out of window is ignored */
	feed(t, &s, C2S, ISN_C + 0x70000000u, PKT_TCP_RST, NULL, 0, 13);
	ck_assert_uint_eq(tcp_reasm_stats(t)->bad_seq, 1);
	ck_assert_uint_eq(tcp_reasm_stats(t)->closed_flows, 0);
	feed(t, &s, C2S, ISN_C + 1 + (uint32_t)n, PKT_TCP_RST, NULL, 0, 14);
	const struct tcp_reasm_stats *st = tcp_reasm_stats(t);
	ck_assert_uint_eq(st->closed_flows, 2);
	ck_assert_uint_eq(s.n, 2); /* the held message is delivered, the hole skipped */
	check_got(&s, 1, 2, 0, 11);
	ck_assert_uint_eq(st->partial_dropped, 0);
	ck_assert_uint_eq(st->buffered_bytes, 0);
	feed(t, &s, S2C, ISN_S + 1 + 5 + (uint32_t)m, 0, b, m, 15);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_uint_eq(st->late_segments, 1);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* ------------------------------------------------------------ bounds */

START_TEST(idle_expiry)
{
	struct tcp_reasm *t = mk(0, 0, 1000, -1);
	struct sink s = {0};
	uint8_t b[256];
	handshake(t, &s, 100);
	mkmsg(b, 1, 0);
	feed(t, &s, C2S, ISN_C + 1, 0, b, 10, 200); /* partial */
	size_t m = mkmsg(b, 2, 0);
	feed(t, &s, S2C, ISN_S + 1 + 3, 0, b, m, 500); /* behind a hole */
	const struct tcp_reasm_stats *st = tcp_reasm_stats(t);
	tcp_reasm_expire(t, 1199, on_msg, &s);
	ck_assert_uint_eq(st->active_flows, 2);
	tcp_reasm_expire(t, 1200, on_msg, &s);
	ck_assert_uint_eq(st->active_flows, 1);
	ck_assert_uint_eq(st->expired_flows, 1);
	ck_assert_uint_eq(st->partial_dropped, 1);
	ck_assert_uint_eq(s.n, 0);
	tcp_reasm_expire(t, 1500, on_msg, &s);
	ck_assert_uint_eq(st->active_flows, 0);
	ck_assert_uint_eq(s.n, 1);
	check_got(&s, 0, 2, 0, 500);
	ck_assert_uint_eq(st->buffered_bytes, 0);
	/* closed flows linger until idle, and are not counted as expired */
	feed(t, &s, C2S, ISN_C, PKT_TCP_SYN, NULL, 0, 2000);
	feed(t, &s, C2S, ISN_C + 1, PKT_TCP_RST, NULL, 0, 2001);
	ck_assert_uint_eq(st->active_flows, 1);
	tcp_reasm_expire(t, 5000, on_msg, &s);
	ck_assert_uint_eq(st->active_flows, 0);
	ck_assert_uint_eq(st->expired_flows, 2);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

START_TEST(max_flows_eviction)
{
	struct tcp_reasm *t = mk(3, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[256];
	size_t n = mkmsg(b, 7, 0);
	for (uint16_t i = 0; i < 5; i++) {
		struct pkt p = seg(C2S, 1000, PKT_TCP_SYN, NULL, 0);
		p.sport = (uint16_t)(2000 + i);
		tcp_reasm_segment(t, &p, 10 + i, on_msg, &s);
		p = seg(C2S, 1001, 0, b, 5); /* a partial message in each */
		p.sport = (uint16_t)(2000 + i);
		tcp_reasm_segment(t, &p, 10 + i, on_msg, &s);
	}
	const struct tcp_reasm_stats *st = tcp_reasm_stats(t);
	ck_assert_uint_eq(st->active_flows, 3);
	ck_assert_uint_eq(st->evicted_flows, 2);
	ck_assert_uint_eq(st->partial_dropped, 2);
	/* flows 2002..2004 remain; 2000 was evicted and restarts mid-stream */
	struct pkt p = seg(C2S, 1006, 0, b + 5, n - 5);
	p.sport = 2003;
	tcp_reasm_segment(t, &p, 20, on_msg, &s);
	ck_assert_uint_eq(s.n, 1);
	p.sport = 2000;
	tcp_reasm_segment(t, &p, 21, on_msg, &s);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(st->evicted_flows, 3); /* 2002, least recently used */
	ck_assert_uint_eq(st->bad_framing, 1);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

START_TEST(max_flow_bytes_exceeded)
{
	struct tcp_reasm *t = mk(0, 200, 0, -1);
	struct sink s = {0};
	static uint8_t b[70000];
	handshake(t, &s, 1);
	size_t n1 = mkmsg(b, 1, 400);
	size_t n2 = mkmsg(b + n1, 2, 0);
	uint32_t seq = ISN_C + 1;
	/* a message too big to hold is skipped, framing kept */
	feed(t, &s, C2S, seq, 0, b, 100, 10);
	feed(t, &s, C2S, seq + 100, 0, b + 100, n1 + n2 - 100, 11);
	ck_assert_uint_eq(s.n, 1);
	check_got(&s, 0, 2, 0, 11);
	ck_assert_uint_eq(tcp_reasm_stats(t)->oversize, 1);
	ck_assert_uint_le(tcp_reasm_stats(t)->buffered_bytes, 200);
	/* within one segment it needs no buffer and is delivered */
	seq += (uint32_t)(n1 + n2);
	size_t n3 = mkmsg(b, 3, 400);
	feed(t, &s, C2S, seq, 0, b, n3, 12);
	ck_assert_uint_eq(s.n, 2);
	/* a 65535-byte message split in two with the default bound */
	struct tcp_reasm *t2 = mk(0, 0, 0, 0);
	handshake(t2, &s, 1);
	size_t big = mkmsg(b, 9, 65535 - 29);
	ck_assert_uint_eq(big, 65537);
	feed(t2, &s, S2C, ISN_S + 1, 0, b, 30000, 20);
	feed(t2, &s, S2C, ISN_S + 30001, 0, b + 30000, big - 30000, 21);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_uint_eq(s.g[2].len, 65535);
	ck_assert_mem_eq(s.g[2].msg, b + 2, 65535);
	sink_clear(&s);
	tcp_reasm_free(t);
	tcp_reasm_free(t2);
}
END_TEST

/* In-order data has priority: held pieces make room for a message buffer. */
START_TEST(in_order_data_has_priority)
{
	struct tcp_reasm *t = mk(0, 400, 0, -1);
	struct sink s = {0};
	uint8_t b[2048];
	handshake(t, &s, 1);
	size_t n = mkmsg(b, 1, 250);
	uint32_t seq = ISN_C + 1;
	feed(t, &s, C2S, seq + (uint32_t)n + 100, 0, b, 250, 10); /* held, far ahead */
	ck_assert_uint_gt(tcp_reasm_stats(t)->buffered_bytes, 250);
	feed(t, &s, C2S, seq, 0, b, 100, 11);
	ck_assert_uint_eq(tcp_reasm_stats(t)->ooo_dropped, 1);
	feed(t, &s, C2S, seq + 100, 0, b + 100, n - 100, 12);
	ck_assert_uint_eq(s.n, 1);
	check_got(&s, 0, 1, 250, 12);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* ------------------------------------------------------------ global budget */

/* A segment of the client-to-server half-stream from port sport. */
static void feed_port(struct tcp_reasm *t, struct sink *s, uint16_t sport, uint32_t seq,
                      uint8_t flags, const uint8_t *data, size_t len, int64_t ts)
{
	struct pkt p = seg(C2S, seq, flags, data, len);
	p.sport = sport;
	feed_pkt(t, s, &p, ts);
}

/*
 * Many flows each holding a partial message exceed a small budget: the
 * least recently active ones holding memory are evicted (delivering what
 * they hold), flows holding nothing are left alone, the newest data is kept.
 */
START_TEST(total_budget_evicts_oldest)
{
	const size_t budget = 4000;
	struct tcp_reasm *t = mk_total(0, 0, 0, -1, budget);
	const struct tcp_reasm_stats *st = tcp_reasm_stats(t);
	struct sink s = {0};
	static uint8_t b[16][1024];
	uint8_t small[64];
#define BUDGET_OK() ck_assert_uint_le(st->buffered_bytes, budget)
	/* an idle flow holding nothing: never evicted for memory */
	feed_port(t, &s, 2999, 1000, PKT_TCP_SYN, NULL, 0, 1);
	/* the oldest flow holding memory: a complete message behind a hole */
	size_t m = mkmsg(small, 0x77, 0);
	feed_port(t, &s, 2998, 1000, PKT_TCP_SYN, NULL, 0, 2);
	feed_port(t, &s, 2998, 1001 + 5, 0, small, m, 3);
	BUDGET_OK();
	size_t held_ooo = st->buffered_bytes;
	ck_assert_uint_gt(held_ooo, m);
	/* ten flows each start a 999-byte message: four fit */
	size_t n = 0;
	for (uint16_t i = 0; i < 10; i++) {
		n = mkmsg(b[i], (uint16_t)(0x100 + i), 970);
		ck_assert_uint_eq(n, 1001);
		feed_port(t, &s, (uint16_t)(3000 + i), 1000, PKT_TCP_SYN, NULL, 0, 10 + i);
		BUDGET_OK();
		feed_port(t, &s, (uint16_t)(3000 + i), 1001, 0, b[i], 10, 10 + i);
		BUDGET_OK();
		if (i == 2) {
			ck_assert_uint_eq(st->buffered_bytes, held_ooo + 3 * 999);
			ck_assert_uint_eq(st->evicted_for_memory, 0);
		}
		if (i == 3) {
			/* 2998 made room: its held message is delivered, the hole skipped */
			ck_assert_uint_eq(st->evicted_for_memory, 1);
			ck_assert_uint_eq(s.n, 1);
			check_got(&s, 0, 0x77, 0, 3);
			ck_assert_uint_eq(st->buffered_bytes, 4 * 999);
			/* a segment without data makes 3001 recently active */
			feed_port(t, &s, 3001, 1011, 0, NULL, 0, 13);
		}
		if (i == 6) {
			/* 3000, 3002 and 3003 went; 3001, touched later, is still there */
			ck_assert_uint_eq(st->evicted_for_memory, 4);
			ck_assert_uint_eq(st->partial_dropped, 3);
			feed_port(t, &s, 3001, 1011, 0, b[1] + 10, n - 10, 17);
			ck_assert_uint_eq(s.n, 2);
			check_got(&s, 1, 0x101, 970, 17);
			ck_assert_uint_eq(st->buffered_bytes, 3 * 999);
		}
	}
	/* then 3004 and 3005 made room for 3008 and 3009 */
	ck_assert_uint_eq(st->evicted_for_memory, 6);
	ck_assert_uint_eq(st->partial_dropped, 5);
	ck_assert_uint_eq(st->evicted_flows, 0);
	ck_assert_uint_eq(st->buffered_bytes, 4 * 999);
	ck_assert_uint_eq(st->active_flows, 12 - 6);
	/* a message within a segment needs no room: nothing is evicted */
	m = mkmsg(small, 0x88, 0);
	feed_port(t, &s, 4000, 1, 0, small, m, 30);
	feed_port(t, &s, 2999, 1001, 0, small, m, 31);
	ck_assert_uint_eq(s.n, 4);
	ck_assert(s.g[2].from_segment);
	ck_assert(s.g[3].from_segment);
	ck_assert_uint_eq(st->evicted_for_memory, 6);
	/* the newest flows kept their data */
	feed_port(t, &s, 3009, 1011, 0, b[9] + 10, n - 10, 32);
	feed_port(t, &s, 3006, 1011, 0, b[6] + 10, n - 10, 33);
	ck_assert_uint_eq(s.n, 6);
	check_got(&s, 4, 0x109, 970, 32);
	check_got(&s, 5, 0x106, 970, 33);
	ck_assert_uint_eq(st->buffered_bytes, 2 * 999);
	/* an evicted flow comes back mid-stream, inside its lost message */
	feed_port(t, &s, 3000, 1011, 0, b[0] + 10, n - 10, 34);
	ck_assert_uint_eq(s.n, 6);
	ck_assert_uint_eq(st->bad_framing, 1);
	BUDGET_OK();
	ck_assert_uint_eq(st->active_flows, 8);
	tcp_reasm_flush(t, on_msg, &s);
	ck_assert_uint_eq(st->partial_dropped, 7); /* 3007 and 3008 */
	ck_assert_uint_eq(st->buffered_bytes, 0);
	ck_assert_uint_eq(st->messages, s.n);
#undef BUDGET_OK
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* Out-of-order data makes room too; a flow's bound is capped at the budget. */
START_TEST(total_budget_out_of_order_and_cap)
{
	struct tcp_reasm *t = mk_total(0, 0, 0, -1, 1000);
	const struct tcp_reasm_stats *st = tcp_reasm_stats(t);
	struct sink s = {0};
	uint8_t a[1024], b[1024];
	mkmsg(a, 1, 871); /* 900 bytes */
	feed_port(t, &s, 2000, 1000, PKT_TCP_SYN, NULL, 0, 1);
	feed_port(t, &s, 2000, 1001, 0, a, 10, 2);
	ck_assert_uint_eq(st->buffered_bytes, 900);
	/* 2001 holds 200 bytes behind a hole: 2000 makes room */
	size_t nb = mkmsg(b, 2, 171);
	ck_assert_uint_eq(nb, 202);
	feed_port(t, &s, 2001, 1000, PKT_TCP_SYN, NULL, 0, 3);
	feed_port(t, &s, 2001, 1001 + 2, 0, b + 2, 200, 4);
	ck_assert_uint_eq(st->evicted_for_memory, 1);
	ck_assert_uint_eq(st->partial_dropped, 1);
	ck_assert_uint_le(st->buffered_bytes, 1000);
	ck_assert_uint_gt(st->buffered_bytes, 200);
	feed_port(t, &s, 2001, 1001, 0, b, 2, 5);
	ck_assert_uint_eq(s.n, 1);
	check_got(&s, 0, 2, 171, 5);
	ck_assert_uint_eq(st->buffered_bytes, 0);
	/* max_flow_bytes (default 131074) is capped at the budget */
	feed_port(t, &s, 2002, 1000, PKT_TCP_SYN, NULL, 0, 6);
	uint8_t c[1200];
	size_t nc = mkmsg(c, 3, 1001 - 29 + 100);
	feed_port(t, &s, 2002, 1001, 0, c, 10, 7);
	feed_port(t, &s, 2002, 1011, 0, c + 10, nc - 10, 8);
	ck_assert_uint_eq(st->oversize, 1);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(st->buffered_bytes, 0);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/*
 * The flow of the segment being taken in is never evicted for its peer's
 * data (released by the segment's ACK): with no other flow to take from,
 * the peer's message is skipped, framing kept, and counted.
 */
START_TEST(total_budget_spares_busy_flow)
{
	struct tcp_reasm *t = mk_total(0, 0, 0, -1, 1000);
	const struct tcp_reasm_stats *st = tcp_reasm_stats(t);
	struct sink s = {0};
	uint8_t q[1024], r[1024];
	handshake(t, &s, 1);
	/* the server holds the start of a 429-byte reply behind a 5-byte hole */
	size_t nr = mkmsg(r, 2, 400);
	size_t nr2 = mkmsg(r + nr, 3, 0);
	uint32_t sseq = ISN_S + 1 + 5;
	feed(t, &s, S2C, sseq, 0, r, 40, 10);
	size_t held = st->buffered_bytes;
	ck_assert_uint_eq(held, 64);
	/* the client starts a 900-byte query */
	size_t nq = mkmsg(q, 1, 871);
	uint32_t cseq = ISN_C + 1;
	feed(t, &s, C2S, cseq, 0, q, 100, 11);
	ck_assert_uint_eq(st->buffered_bytes, held + 900);
	/* its next segment acknowledges past the hole: the reply cannot start */
	feed_ack(t, &s, C2S, cseq + 100, sseq, q + 100, 100, 12);
	ck_assert_uint_eq(st->gaps, 1);
	ck_assert_uint_eq(st->resyncs, 1);
	ck_assert_uint_eq(st->partial_dropped, 1);
	ck_assert_uint_eq(st->evicted_for_memory, 0);
	ck_assert_uint_eq(st->buffered_bytes, 900);
	/* the query completes; the reply's framing was kept */
	feed(t, &s, C2S, cseq + 200, 0, q + 200, nq - 200, 13);
	ck_assert_uint_eq(s.n, 1);
	check_got(&s, 0, 1, 871, 13);
	feed(t, &s, S2C, sseq + 40, 0, r + 40, nr + nr2 - 40, 14);
	ck_assert_uint_eq(s.n, 2);
	check_got(&s, 1, 3, 0, 14);
	ck_assert_uint_eq(st->buffered_bytes, 0);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

START_TEST(ipv6_and_other_protocols)
{
	struct tcp_reasm *t = mk(0, 0, 0, 0);
	struct sink s = {0};
	uint8_t b[256];
	size_t n = mkmsg(b, 6, 0);
	struct pkt p = seg(C2S, 5, PKT_TCP_SYN, NULL, 0);
	uint8_t a6[16] = {0x20, 0x01, 0x0d, 0xb8};
	net_addr_set6(&p.src, a6);
	a6[15] = 1;
	net_addr_set6(&p.dst, a6);
	tcp_reasm_segment(t, &p, 1, on_msg, &s);
	p.tcp_flags = PKT_TCP_ACK;
	p.tcp_seq = 6;
	p.payload = b;
	p.len = n;
	tcp_reasm_segment(t, &p, 2, on_msg, &s);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(s.g[0].len, n - 2);
	p.proto = PKT_PROTO_UDP;
	tcp_reasm_segment(t, &p, 3, on_msg, &s);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(tcp_reasm_stats(t)->flows, 1);
	sink_clear(&s);
	tcp_reasm_free(t);
}
END_TEST

/* ------------------------------------------------------------ fuzz */

static uint32_t rng_state;

static uint32_t rnd(void)
{
	/* xorshift32: deterministic, good enough to shake the state machine */
	uint32_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return rng_state = x;
}

struct tally {
	size_t messages, bytes_seen;
};

static void count_only(void *ctx, const struct pkt *p, const uint8_t *msg, size_t len, int64_t ts)
{
	struct tally *c = ctx;
	(void)ts;
	ck_assert_ptr_eq(p->payload, msg);
	ck_assert_uint_gt(len, 0);
	ck_assert_uint_le(len, 65535);
	/* branch on the first and last bytes: valgrind reports them if undefined */
	if (msg[0] == msg[len - 1])
		c->bytes_seen++;
	c->messages++;
}

/* A random segment of half-stream h (0..7) or, for h >= 8, of a stranger. */
static struct pkt fuzz_segment(unsigned h, uint8_t (*stream)[4096], uint32_t *base,
                               uint32_t *cursor, uint8_t *junk, size_t junk_len)
{
	struct pkt p = seg((h & 1) ? S2C : C2S, 0, PKT_TCP_ACK, NULL, 0);
	p.sport = (uint16_t)(1000 + h / 2);
	if (h >= 8) {
		p.sport = (uint16_t)rnd();
		h = rnd() % 8;
	}
	uint32_t r = rnd() % 100, off = cursor[h], len = 1 + rnd() % 400;
	if (r < 10)
		off = off > 500 ? off - rnd() % 500 : 0; /* retransmission, overlap */
	else if (r < 20)
		off += rnd() % 600;                      /* out of order, or a hole */
	if (off >= 4096) { /* the stream repeats, further on */
		base[h] += 4096;
		off = cursor[h] = 0;
	}
	if (off + len > 4096)
		len = 4096 - off;
	p.payload = stream[h] + off;
	p.len = len;
	p.tcp_seq = base[h] + off;
	if (r >= 20)
		cursor[h] = off + len;
	r = rnd() % 1000;
	if (r < 5) { /* junk anywhere */
		for (size_t k = 0; k < junk_len; k++)
			junk[k] = (uint8_t)rnd();
		p.payload = junk;
		p.len = rnd() % junk_len;
		p.tcp_seq = rnd();
	} else if (r < 8) {
		p.tcp_flags |= PKT_TCP_SYN;
		base[h] = rnd();
		p.tcp_seq = base[h] - 1;
		p.len = 0;
		cursor[h] = 0;
	} else if (r < 10) {
		p.tcp_flags |= PKT_TCP_RST;
	} else if (r < 12) {
		p.tcp_flags |= PKT_TCP_FIN;
	} else if (r < 20) {
		p.tcp_seq += rnd() % 3 - 1; /* off by one */
	} else if (r < 30) {
		p.truncated = true;
		p.len /= 2;
	}
	/* acknowledge the opposite half-stream: near what it sent, or anything */
	r = rnd() % 100;
	if (r < 10)
		p.tcp_flags &= (uint8_t)~PKT_TCP_ACK;
	else if (r < 15)
		p.tcp_ack = rnd();
	else
		p.tcp_ack = base[h ^ 1] + cursor[h ^ 1] + rnd() % 1000 - 300;
	return p;
}

/*
 * Tens of thousands of hostile segments: streams of real framed messages
 * sent mostly in order, with retransmissions, overlaps, holes, junk,
 * SYN/FIN/RST at random, ACKs near the opposite direction's data or
 * anywhere, truncation, and strangers forcing evictions.
 * Nothing may crash, leak or exceed the bounds, and most messages still
 * come through.  Run with the default global budget, with one smaller
 * than max_flows * max_flow_bytes, which forces evictions for memory, and
 * with one smaller than max_flow_bytes (which it caps).
 */
static const size_t fuzz_budgets[] = {0, 7000, 2500};

START_TEST(fuzz_hostile_segments)
{
	const size_t max_flows = 8, max_bytes = 3000, budget = fuzz_budgets[_i];
	const size_t max_total = budget ? budget : TCP_REASM_DEFAULT_TOTAL_BYTES;
	struct tcp_reasm *t = mk_total(max_flows, max_bytes, 50000, 2000, budget);
	static uint8_t stream[8][4096];
	uint32_t base[8], cursor[8] = {0};
	uint8_t junk[1600];
	struct tally delivered = {0, 0};
	rng_state = 0x2545f491u;
	for (unsigned h = 0; h < 8; h++) {
		size_t n = 0;
		while (n + 300 < sizeof(stream[h]))
			n += mkmsg(stream[h] + n, (uint16_t)rnd(), rnd() % 200);
		mkmsg(stream[h] + n, 0, sizeof(stream[h]) - n - 31); /* exactly to the end */
		base[h] = rnd();
	}
	const struct tcp_reasm_stats *st = tcp_reasm_stats(t);
	for (unsigned i = 0; i < 50000; i++) {
		unsigned h = rnd() % 100 < 2 ? 8 : rnd() % 8;
		struct pkt p = fuzz_segment(h, stream, base, cursor, junk, sizeof(junk));
		tcp_reasm_segment(t, &p, (int64_t)i * 10, count_only, &delivered);
		ck_assert_uint_le(st->active_flows, max_flows);
		ck_assert_uint_le(st->buffered_bytes, max_flows * max_bytes);
		ck_assert_uint_le(st->buffered_bytes, max_total);
		if (i % 1000 == 0) {
			tcp_reasm_expire(t, (int64_t)i * 10, count_only, &delivered);
			ck_assert_uint_le(st->buffered_bytes, max_total);
		}
	}
	ck_assert_uint_eq(st->messages, delivered.messages);
	ck_assert_uint_gt(delivered.messages, 10000);
	if (budget)
		ck_assert_uint_gt(st->evicted_for_memory, 0);
	else
		ck_assert_uint_eq(st->evicted_for_memory, 0);
	tcp_reasm_flush(t, count_only, &delivered);
	ck_assert_uint_eq(st->messages, delivered.messages);
	ck_assert_uint_eq(st->active_flows, 0);
	ck_assert_uint_eq(st->buffered_bytes, 0);
	tcp_reasm_free(t);
}
END_TEST

/* The same stream cut at every possible pair of points gives the same messages. */
START_TEST(every_split_point)
{
	uint8_t b[512];
	size_t n = mkmsg(b, 1, 3);
	n += mkmsg(b + n, 2, 0);
	b[n++] = 0;
	b[n++] = 0;
	n += mkmsg(b + n, 3, 40);
	for (size_t i = 0; i <= n; i++) {
		for (size_t j = i; j <= n; j++) {
			struct tcp_reasm *t = mk(0, 0, 0, 0);
			struct sink s = {0};
			handshake(t, &s, 1);
			/* the three pieces arrive in the order 3, 1, 2 */
			feed(t, &s, C2S, ISN_C + 1 + (uint32_t)j, 0, b + j, n - j, 10);
			feed(t, &s, C2S, ISN_C + 1, 0, b, i, 11);
			feed(t, &s, C2S, ISN_C + 1 + (uint32_t)i, 0, b + i, j - i, 12);
			ck_assert_uint_eq(s.n, 3);
			ck_assert_uint_eq(id_of(&s.g[0]), 1);
			ck_assert_uint_eq(id_of(&s.g[1]), 2);
			ck_assert_uint_eq(id_of(&s.g[2]), 3);
			ck_assert_uint_eq(tcp_reasm_stats(t)->buffered_bytes, 0);
			sink_clear(&s);
			tcp_reasm_free(t);
		}
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tcp_reasm");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, one_message_one_segment);
	tcase_add_test(tc, several_messages_one_segment);
	tcase_add_test(tc, message_split_in_three);
	tcase_add_test(tc, length_prefix_split);
	tcase_add_test(tc, zero_length_messages);
	tcase_add_test(tc, short_messages_delivered);
	tcase_add_test(tc, retransmission_delivers_once);
	tcase_add_test(tc, out_of_order_arrival);
	tcase_add_test(tc, overlap_first_copy_wins);
	tcase_add_test(tc, overlap_covering_segment);
	tcase_add_test(tc, sequence_wraparound);
	tcase_add_test(tc, data_in_syn);
	tcase_add_test(tc, midstream_plausible_start);
	tcase_add_test(tc, midstream_resync);
	tcase_add_test(tc, midstream_implausible_segments);
	tcase_add_test(tc, gap_at_boundary_resyncs);
	tcase_add_test(tc, gap_inside_message_keeps_framing);
	tcase_add_test(tc, gap_skipped_at_buffer_bound);
	tcase_add_test(tc, gap_timeout);
	tcase_add_test(tc, gap_piece_count_bound);
	tcase_add_test(tc, far_ahead_dropped);
	tcase_add_test(tc, ack_skips_hole);
	tcase_add_test(tc, ack_skips_hole_inside_message);
	tcase_add_test(tc, ack_inside_hole_does_nothing);
	tcase_add_test(tc, ack_out_of_window_ignored);
	tcase_add_test(tc, ack_without_flag_ignored);
	tcase_add_test(tc, ack_beyond_everything_seen);
	tcase_add_test(tc, ack_pure_from_unknown_flow_and_fin);
	tcase_add_test(tc, ack_peer_link_after_eviction);
	tcase_add_test(tc, fin_closes_one_direction);
	tcase_add_test(tc, fin_after_hole_and_partial);
	tcase_add_test(tc, rst_closes_both_directions);
	tcase_add_test(tc, idle_expiry);
	tcase_add_test(tc, max_flows_eviction);
	tcase_add_test(tc, max_flow_bytes_exceeded);
	tcase_add_test(tc, in_order_data_has_priority);
	tcase_add_test(tc, total_budget_evicts_oldest);
	tcase_add_test(tc, total_budget_out_of_order_and_cap);
	tcase_add_test(tc, total_budget_spares_busy_flow);
	tcase_add_test(tc, ipv6_and_other_protocols);
	tcase_add_test(tc, every_split_point);
	tcase_add_loop_test(tc, fuzz_hostile_segments, 0,
	                    (int)(sizeof(fuzz_budgets) / sizeof(fuzz_budgets[0])));
	suite_add_tcase(s, tc);
	return check_run(s);
}
