/*
 * Unit tests for ip_defrag.c: reassembly in any order (RFC 791, 815, 8200),
 * duplicates, overlaps (RFC 5722 for IPv6, data-conflict policy for IPv4),
 * length limits, timeouts, eviction, memory bounds, a deterministic fuzz
 * loop, and end to end with pkt_decode() on hand-built fragmented DNS.
 */
#include "config.h"

#include <check.h>
#include <pcap/dlt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ip_defrag.h"
#include "packet.h"
#include "wirebuild.h"
#include "check_run.h"

#define UDP 17
#define TCP 6
#define SEC 1000000LL

static const struct hash_key test_key = {0x0123456789abcdefULL, 0xfedcba9876543210ULL};

/* ------------------------------------------------------------ helpers */

/* A deterministic generator (xorshift64), so failures replay. */
static uint64_t rng_state;

static void rng_seed(uint64_t s)
{
	rng_state = s ? s : 1;
}

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 32);
}

static uint32_t rng_below(uint32_t n)
{
	return rng() % n;
}

/* The byte at position i of datagram `id`: every datagram differs. */
static uint8_t pattern(uint32_t id, uint32_t i)
{
	return (uint8_t)(i * 131u + id * 7u + (i >> 8));
}

static uint8_t datagram[65536];

static const uint8_t *fill(uint32_t id, size_t len)
{
	for (size_t i = 0; i < len; i++)
		datagram[i] = pattern(id, (uint32_t)i);
	return datagram;
}

/* A fragment of family 4 or 6 from source host number `host`. */
static struct pkt frag(int family, unsigned host, uint32_t id, uint32_t offset, bool more,
                       const uint8_t *data, size_t len)
{
	struct pkt p;
	memset(&p, 0, sizeof(p));
	uint8_t s[16] = {0}, t[16] = {0};
	if (family == 4) {
		s[0] = 10, s[2] = (uint8_t)(host >> 8), s[3] = (uint8_t)host;
		t[0] = 192, t[1] = 0, t[2] = 2, t[3] = 53;
		net_addr_set4(&p.src, s);
		net_addr_set4(&p.dst, t);
	} else {
		s[0] = 0x20, s[1] = 0x01, s[2] = 0x0d, s[3] = 0xb8;
		s[14] = (uint8_t)(host >> 8), s[15] = (uint8_t)host;
		memcpy(t, s, 14);
		t[15] = 0x53;
		net_addr_set6(&p.src, s);
		net_addr_set6(&p.dst, t);
	}
	p.frag.id = id;
	p.frag.offset = offset;
	p.frag.more = more;
	p.frag.proto = UDP;
	p.payload = data;
	p.len = len;
	return p;
}

/* Outcome of one ip_defrag_add(). */
struct out {
	int done;
	const uint8_t *data;
	size_t len;
};

static struct out add(struct ip_defrag *d, const struct pkt *p, int64_t ts)
{
	struct out o = {0, NULL, 0};
	o.done = ip_defrag_add(d, p, ts, &o.data, &o.len);
	ck_assert(o.done == 0 || o.done == 1);
	if (!o.done)
		ck_assert_ptr_null(o.data);
	return o;
}

/*
 * Feed datagram `id` of len bytes, cut in n pieces (multiples of 8 but
 * the last), in the order given by order[] (NULL: in order).  Only the
 * last piece fed may complete it; returns that outcome.
 */
static struct out feed(struct ip_defrag *d, int family, unsigned host, uint32_t id, size_t len,
                       unsigned n, const unsigned *order)
{
	const uint8_t *data = fill(id, len);
	size_t piece = (len / n + 7) & ~(size_t)7;
	struct out o = {0, NULL, 0};
	for (unsigned k = 0; k < n; k++) {
		unsigned i = order ? order[k] : k;
		size_t off = i * piece, end = i == n - 1 ? len : off + piece;
		ck_assert_uint_lt(off, end);
		struct pkt p = frag(family, host, id, (uint32_t)off, i != n - 1, data + off, end - off);
		o = add(d, &p, 1000);
		if (k != n - 1)
			ck_assert_int_eq(o.done, 0);
	}
	return o;
}

/* Where data[0..len) first differs from datagram id's bytes; len if nowhere. */
static size_t mismatch(const uint8_t *data, uint32_t id, size_t len)
{
	size_t i = 0;
	while (i < len && data[i] == pattern(id, (uint32_t)i))
		i++;
	return i;
}

static void assert_datagram(const struct out *o, uint32_t id, size_t len)
{
	ck_assert_int_eq(o->done, 1);
	ck_assert_uint_eq(o->len, len);
	ck_assert_uint_eq(mismatch(o->data, id, len), len);
}

static struct ip_defrag *table(size_t max_datagrams, size_t max_bytes, int64_t timeout_us)
{
	struct ip_defrag_config cfg = {max_datagrams, max_bytes, timeout_us};
	struct ip_defrag *d = ip_defrag_new(&cfg, &test_key);
	ck_assert_ptr_nonnull(d);
	return d;
}

/* Nothing left in the table: gauges back to zero. */
static void assert_empty(const struct ip_defrag *d)
{
	ck_assert_uint_eq(ip_defrag_stats(d)->datagrams, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->bytes, 0);
}

/* ------------------------------------------------------------ orders */

static void shuffle(unsigned *a, unsigned n)
{
	for (unsigned i = n - 1; i > 0; i--) {
		unsigned j = rng_below(i + 1), t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
}

/* In order, in reverse and shuffled, 3 to 10 fragments, both families. */
START_TEST(orders)
{
	struct ip_defrag *d = table(0, 0, 0);
	rng_seed(42);
	uint32_t id = 1;
	uint64_t expect = 0;
	for (int family = 4; family <= 6; family += 2) {
		for (unsigned n = 3; n <= 10; n++) {
			unsigned order[10];
			size_t len = 300 * n + n; /* last piece shorter, not a multiple of 8 */
			for (unsigned i = 0; i < n; i++)
				order[i] = i;
			struct out o = feed(d, family, 1, id, len, n, order);
			assert_datagram(&o, id++, len);
			for (unsigned i = 0; i < n; i++)
				order[i] = n - 1 - i;
			o = feed(d, family, 1, id, len, n, order);
			assert_datagram(&o, id++, len);
			for (int round = 0; round < 5; round++) {
				shuffle(order, n);
				o = feed(d, family, 1, id, len, n, order);
				assert_datagram(&o, id++, len);
			}
			expect += 7;
		}
	}
	const struct ip_defrag_stats *st = ip_defrag_stats(d);
	ck_assert_uint_eq(st->completed, expect);
	ck_assert_uint_eq(st->duplicates + st->overlaps_v4 + st->overlaps_v6 + st->bad_length, 0);
	ck_assert_uint_gt(st->bytes_peak, 0);
	assert_empty(d);
	ip_defrag_free(d);
}
END_TEST

/* The datagram's end known first (last fragment first) sizes the buffer once. */
START_TEST(last_fragment_first)
{
	struct ip_defrag *d = table(0, 0, 0);
	const uint8_t *data = fill(9, 4000);
	struct pkt p = frag(6, 1, 9, 2400, false, data + 2400, 1600);
	ck_assert_int_eq(add(d, &p, 0).done, 0);
	uint64_t bytes = ip_defrag_stats(d)->bytes;
	p = frag(6, 1, 9, 0, true, data, 1200);
	ck_assert_int_eq(add(d, &p, 0).done, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->bytes, bytes); /* no growth */
	p = frag(6, 1, 9, 1200, true, data + 1200, 1200);
	struct out o = add(d, &p, 0);
	assert_datagram(&o, 9, 4000);
	ip_defrag_free(d);
}
END_TEST

/* ------------------------------------------------------------ duplicates */

START_TEST(duplicates)
{
	for (int family = 4; family <= 6; family += 2) {
		struct ip_defrag *d = table(0, 0, 0);
		const uint8_t *data = fill(5, 2000);
		struct pkt a = frag(family, 1, 5, 0, true, data, 1000);
		struct pkt b = frag(family, 1, 5, 1000, false, data + 1000, 1000);
		ck_assert_int_eq(add(d, &a, 0).done, 0);
		ck_assert_int_eq(add(d, &a, 1).done, 0);
		/* a piece inside what was received, same bytes: also harmless */
		struct pkt inner = frag(family, 1, 5, 8, true, data + 8, 16);
		ck_assert_int_eq(add(d, &inner, 2).done, 0);
		struct out o = add(d, &b, 3);
		assert_datagram(&o, 5, 2000);
		const struct ip_defrag_stats *st = ip_defrag_stats(d);
		ck_assert_uint_eq(st->duplicates, 2);
		ck_assert_uint_eq(st->overlaps_v4 + st->overlaps_v6 + st->overlaps_same, 0);
		ck_assert_uint_eq(st->completed, 1);
		ip_defrag_free(d);
	}
}
END_TEST

/* A duplicate last fragment once everything is held still fixes the end. */
START_TEST(duplicate_becomes_last)
{
	struct ip_defrag *d = table(0, 0, 0);
	const uint8_t *data = fill(6, 1600);
	struct pkt p = frag(4, 1, 6, 0, true, data, 800);
	add(d, &p, 0);
	p = frag(4, 1, 6, 800, true, data + 800, 800);
	ck_assert_int_eq(add(d, &p, 0).done, 0);
	p.frag.more = false;
	struct out o = add(d, &p, 0);
	assert_datagram(&o, 6, 1600);
	ck_assert_uint_eq(ip_defrag_stats(d)->duplicates, 1);
	ip_defrag_free(d);
}
END_TEST

/* ------------------------------------------------------------ keys */

/* The same id from other sources, other families or other protocols are other datagrams. */
START_TEST(keys_separate)
{
	struct ip_defrag *d = table(0, 0, 0);
	uint8_t a[1024], b[1024];
	memcpy(a, fill(7, 1024), 1024);
	memcpy(b, fill(8, 1024), 1024);
	struct pkt pa = frag(4, 1, 77, 0, true, a, 512);
	struct pkt pb = frag(4, 2, 77, 0, true, b, 512);
	struct pkt pc = frag(6, 1, 77, 0, true, b, 512);
	struct pkt pd = frag(4, 1, 77, 0, true, b, 512);
	pd.frag.proto = TCP;
	ck_assert_int_eq(add(d, &pa, 0).done, 0);
	ck_assert_int_eq(add(d, &pb, 0).done, 0);
	ck_assert_int_eq(add(d, &pc, 0).done, 0);
	ck_assert_int_eq(add(d, &pd, 0).done, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->datagrams, 4);
	ck_assert_uint_eq(ip_defrag_stats(d)->overlaps_v4, 0);

	pb = frag(4, 2, 77, 512, false, b + 512, 512);
	struct out o = add(d, &pb, 0);
	assert_datagram(&o, 8, 1024);
	pa = frag(4, 1, 77, 512, false, a + 512, 512);
	o = add(d, &pa, 0);
	assert_datagram(&o, 7, 1024);
	pd = frag(4, 1, 77, 512, false, b + 512, 512);
	pd.frag.proto = TCP;
	o = add(d, &pd, 0);
	assert_datagram(&o, 8, 1024);
	ck_assert_uint_eq(ip_defrag_stats(d)->datagrams, 1);

	/* IPv6 ids are 32 bits: a differing high half is another datagram */
	pc = frag(6, 1, 77 | 0x10000, 512, false, b + 512, 512);
	ck_assert_int_eq(add(d, &pc, 0).done, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->datagrams, 2);
	ip_defrag_free(d);
}
END_TEST

/* ------------------------------------------------------------ overlaps */

/* RFC 5722: any IPv6 overlap, even with the same bytes, drops the datagram. */
START_TEST(ipv6_overlap_drops)
{
	struct ip_defrag *d = table(0, 0, 0);
	const uint8_t *data = fill(3, 3000);
	struct pkt p = frag(6, 1, 3, 0, true, data, 1000);
	add(d, &p, 0);
	p = frag(6, 1, 3, 992, true, data + 992, 1008); /* 8 bytes over, identical */
	ck_assert_int_eq(add(d, &p, 0).done, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->overlaps_v6, 1);
	assert_empty(d);
	/* the rest alone does not complete: it starts a new datagram */
	p = frag(6, 1, 3, 2000, false, data + 2000, 1000);
	ck_assert_int_eq(add(d, &p, 0).done, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->datagrams, 1);

	/* same offset and length, other bytes: an overlap, not a duplicate */
	uint8_t evil[1000];
	memcpy(evil, data + 2000, sizeof(evil));
	evil[500] ^= 0xFF;
	p = frag(6, 1, 3, 2000, false, evil, sizeof(evil));
	ck_assert_int_eq(add(d, &p, 0).done, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->overlaps_v6, 2);
	ck_assert_uint_eq(ip_defrag_stats(d)->duplicates, 0);
	assert_empty(d);
	ip_defrag_free(d);
}
END_TEST

/* IPv4: an overlap repeating held bytes is kept; one changing them drops the datagram. */
START_TEST(ipv4_overlap_policy)
{
	struct ip_defrag *d = table(0, 0, 0);
	const uint8_t *data = fill(4, 3000);
	struct pkt p = frag(4, 1, 4, 0, true, data, 1000);
	add(d, &p, 0);
	p = frag(4, 1, 4, 2000, false, data + 2000, 1000);
	add(d, &p, 0);
	/* spans both neighbours and the hole, same bytes: fills the hole */
	p = frag(4, 1, 4, 400, true, data + 400, 2000);
	struct out o = add(d, &p, 0);
	assert_datagram(&o, 4, 3000);
	ck_assert_uint_eq(ip_defrag_stats(d)->overlaps_same, 1);

	/* a tail overlap that rewrites held bytes (an evasion attempt) */
	uint8_t evil[1000];
	memcpy(evil, data + 800, sizeof(evil));
	evil[100] ^= 0x55; /* inside the overlap */
	p = frag(4, 1, 5, 0, true, data, 1000);
	add(d, &p, 0);
	p = frag(4, 1, 5, 800, true, evil, sizeof(evil));
	ck_assert_int_eq(add(d, &p, 0).done, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->overlaps_v4, 1);
	assert_empty(d);

	/* the same offset and length with other bytes is no duplicate either */
	p = frag(4, 1, 6, 0, true, data, 1000);
	add(d, &p, 0);
	p = frag(4, 1, 6, 0, true, evil, 1000);
	ck_assert_int_eq(add(d, &p, 0).done, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->overlaps_v4, 2);
	ck_assert_uint_eq(ip_defrag_stats(d)->overlaps_v6, 0);
	assert_empty(d);
	ip_defrag_free(d);
}
END_TEST

/* ------------------------------------------------------------ lengths */

START_TEST(too_big)
{
	struct ip_defrag *d = table(0, 0, 0);
	static uint8_t data[65536];
	/* IPv4: 65535 - 20 bytes of fragmentable part at most */
	struct pkt p = frag(4, 1, 1, 65512, false, data, 8);
	ck_assert_int_eq(add(d, &p, 0).done, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->too_big, 1);
	p = frag(4, 1, 1, 65504, false, data, 11); /* ends at 65515: allowed */
	add(d, &p, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->too_big, 1);
	ck_assert_uint_eq(ip_defrag_stats(d)->datagrams, 1);
	/* IPv6: 65535 */
	p = frag(6, 1, 1, 65528, false, data, 8);
	add(d, &p, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->too_big, 2);
	p = frag(6, 1, 1, 65528, false, data, 7);
	add(d, &p, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->too_big, 2);
	ck_assert_uint_eq(ip_defrag_stats(d)->datagrams, 2);
	/* a huge fragment at offset 0, and an offset past everything */
	p = frag(6, 1, 2, 0, true, data, 65536);
	add(d, &p, 0);
	p = frag(4, 1, 2, 65528, true, data, 8);
	add(d, &p, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->too_big, 4);

	/* a whole maximal IPv6 datagram does reassemble */
	const uint8_t *big = fill(70, 65535);
	for (uint32_t off = 0; off < 65535; off += 1232) {
		uint32_t n = 65535 - off < 1232 ? 65535 - off : 1232;
		p = frag(6, 9, 70, off, off + n < 65535, big + off, n);
		struct out o = add(d, &p, 0);
		if (off + n == 65535)
			assert_datagram(&o, 70, 65535);
		else
			ck_assert_int_eq(o.done, 0);
	}
	ip_defrag_free(d);
}
END_TEST

START_TEST(bad_lengths)
{
	struct ip_defrag *d = table(0, 0, 0);
	const uint8_t *data = fill(2, 3000);
	struct pkt p = frag(4, 1, 2, 0, true, data, 1000);
	add(d, &p, 0);
	p = frag(4, 1, 2, 1000, true, data + 1000, 1001); /* middle, 1001 % 8 != 0 */
	ck_assert_int_eq(add(d, &p, 0).done, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->bad_length, 1);
	p = frag(6, 1, 2, 8, true, data, 0); /* empty */
	add(d, &p, 0);
	p = frag(6, 1, 2, 8, false, data, 0);
	add(d, &p, 0);
	p = frag(6, 1, 2, 12, false, data, 8); /* offset not in 8-byte units */
	add(d, &p, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->bad_length, 4);
	ck_assert_uint_eq(ip_defrag_stats(d)->datagrams, 1); /* dropped fragments start nothing */
	/* the good pieces still complete */
	p = frag(4, 1, 2, 1000, false, data + 1000, 2000);
	struct out o = add(d, &p, 0);
	assert_datagram(&o, 2, 3000);
	ip_defrag_free(d);
}
END_TEST

/* Fragments disagreeing on where the datagram ends drop it. */
START_TEST(inconsistent_end)
{
	struct ip_defrag *d = table(0, 0, 0);
	const uint8_t *data = fill(1, 4000);
	struct pkt p = frag(4, 1, 1, 1000, false, data + 1000, 1000);
	add(d, &p, 0);
	p = frag(4, 1, 1, 2000, true, data + 2000, 1000); /* past the end */
	add(d, &p, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->inconsistent, 1);
	assert_empty(d);

	p = frag(6, 1, 1, 1000, false, data + 1000, 1000);
	add(d, &p, 0);
	p = frag(6, 1, 1, 2000, false, data + 2000, 8); /* a second, other end */
	add(d, &p, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->inconsistent, 2);
	assert_empty(d);

	p = frag(6, 1, 1, 2000, true, data + 2000, 1000);
	add(d, &p, 0);
	p = frag(6, 1, 1, 0, false, data, 1000); /* ends before bytes held */
	add(d, &p, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->inconsistent, 3);
	assert_empty(d);
	ip_defrag_free(d);
}
END_TEST

/* A fragment not captured whole would leave made-up bytes. */
START_TEST(truncated)
{
	struct ip_defrag *d = table(0, 0, 0);
	const uint8_t *data = fill(1, 100);
	struct pkt p = frag(4, 1, 1, 0, true, data, 64);
	p.truncated = true;
	ck_assert_int_eq(add(d, &p, 0).done, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->truncated, 1);
	assert_empty(d);
	ip_defrag_free(d);
}
END_TEST

/* Too many separate pieces at once drop the datagram. */
START_TEST(too_fragmented)
{
	struct ip_defrag *d = table(0, 0, 0);
	const uint8_t *data = fill(1, 4096);
	for (unsigned i = 0; i <= IP_DEFRAG_MAX_RANGES; i++) {
		struct pkt p = frag(4, 1, 1, 16 * i, true, data + 16 * i, 8);
		add(d, &p, 0);
		ck_assert_uint_eq(ip_defrag_stats(d)->datagrams, i < IP_DEFRAG_MAX_RANGES);
	}
	ck_assert_uint_eq(ip_defrag_stats(d)->too_fragmented, 1);
	assert_empty(d);

	/* filling a hole merges pieces, which makes room again */
	for (unsigned i = 0; i < IP_DEFRAG_MAX_RANGES; i++) {
		struct pkt p = frag(4, 1, 2, 16 * i, true, data + 16 * i, 8);
		add(d, &p, 0);
	}
	struct pkt p = frag(4, 1, 2, 8, true, data + 8, 8);
	add(d, &p, 0);
	p = frag(4, 1, 2, 16 * IP_DEFRAG_MAX_RANGES, false, data + 16 * IP_DEFRAG_MAX_RANGES, 8);
	add(d, &p, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->datagrams, 1);
	struct out o = {0, NULL, 0};
	for (unsigned i = 1; i < IP_DEFRAG_MAX_RANGES; i++) {
		p = frag(4, 1, 2, 16 * i + 8, true, data + 16 * i + 8, 8);
		o = add(d, &p, 0);
	}
	assert_datagram(&o, 1, 16 * IP_DEFRAG_MAX_RANGES + 8);
	ck_assert_uint_eq(ip_defrag_stats(d)->too_fragmented, 1);
	ip_defrag_free(d);
}
END_TEST

/* ------------------------------------------------------------ lifetime */

/* A fragment after completion starts a new datagram. */
START_TEST(after_completion)
{
	struct ip_defrag *d = table(0, 0, 0);
	struct out o = feed(d, 4, 1, 11, 3000, 3, NULL);
	assert_datagram(&o, 11, 3000);
	assert_empty(d);
	const uint8_t *data = fill(11, 3000);
	struct pkt p = frag(4, 1, 11, 0, true, data, 1000);
	ck_assert_int_eq(add(d, &p, 0).done, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->datagrams, 1);
	ck_assert_uint_eq(ip_defrag_stats(d)->duplicates, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->completed, 1);
	/* and it reassembles again */
	p = frag(4, 1, 11, 1000, true, data + 1000, 1000);
	ck_assert_int_eq(add(d, &p, 0).done, 0);
	p = frag(4, 1, 11, 2000, false, data + 2000, 1000);
	o = add(d, &p, 0);
	assert_datagram(&o, 11, 3000);
	ck_assert_uint_eq(ip_defrag_stats(d)->duplicates, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->completed, 2);
	ip_defrag_free(d);
}
END_TEST

START_TEST(timeout)
{
	struct ip_defrag *d = table(0, 0, 30 * SEC);
	const uint8_t *data = fill(1, 2000);
	struct pkt a = frag(4, 1, 1, 0, true, data, 1000);
	struct pkt b = frag(4, 1, 1, 1000, false, data + 1000, 1000);
	add(d, &a, 100 * SEC);
	ip_defrag_expire(d, 130 * SEC - 1);
	ck_assert_uint_eq(ip_defrag_stats(d)->datagrams, 1);
	ip_defrag_expire(d, 130 * SEC);
	ck_assert_uint_eq(ip_defrag_stats(d)->timeouts, 1);
	assert_empty(d);

	/* a late fragment does not complete with a stale one: adding expires first */
	add(d, &a, 200 * SEC);
	ck_assert_int_eq(add(d, &b, 231 * SEC).done, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->timeouts, 2);
	ck_assert_uint_eq(ip_defrag_stats(d)->datagrams, 1);

	/* the timer runs from the first fragment: more fragments do not extend it */
	add(d, &a, 300 * SEC);
	ck_assert_int_eq(add(d, &b, 329 * SEC).done, 1);
	add(d, &a, 400 * SEC);
	struct pkt mid = frag(4, 1, 1, 0, true, data, 8);
	add(d, &mid, 429 * SEC);
	ip_defrag_expire(d, 430 * SEC);
	ck_assert_uint_eq(ip_defrag_stats(d)->timeouts, 4); /* incl. the one from 231 s */
	assert_empty(d);
	ip_defrag_free(d);
}
END_TEST

/* Defaults: 30 s timeout, NULL config allowed. */
START_TEST(defaults)
{
	struct ip_defrag *d = ip_defrag_new(NULL, &test_key);
	ck_assert_ptr_nonnull(d);
	const uint8_t *data = fill(1, 100);
	struct pkt p = frag(6, 1, 1, 0, true, data, 64);
	add(d, &p, 0);
	ip_defrag_expire(d, IP_DEFRAG_DEFAULT_TIMEOUT_US - 1);
	ck_assert_uint_eq(ip_defrag_stats(d)->datagrams, 1);
	ip_defrag_expire(d, IP_DEFRAG_DEFAULT_TIMEOUT_US);
	assert_empty(d);
	ck_assert_int_eq(IP_DEFRAG_DEFAULT_TIMEOUT_US, 30 * SEC);
	ip_defrag_free(d);
	ip_defrag_free(NULL);
}
END_TEST

/* ------------------------------------------------------------ bounds */

START_TEST(evict_max_datagrams)
{
	struct ip_defrag *d = table(4, 0, 0);
	const uint8_t *data = fill(1, 2000);
	for (uint32_t id = 1; id <= 5; id++) {
		struct pkt p = frag(4, 1, id, 0, true, data, 1000);
		add(d, &p, id);
	}
	const struct ip_defrag_stats *st = ip_defrag_stats(d);
	ck_assert_uint_eq(st->evicted, 1);
	ck_assert_uint_eq(st->datagrams, 4);
	/* id 1 (the oldest) is gone: its tail starts a new datagram, evicting id 2 */
	struct pkt p = frag(4, 1, 1, 1000, false, data + 1000, 1000);
	ck_assert_int_eq(add(d, &p, 6).done, 0);
	ck_assert_uint_eq(st->evicted, 2);
	/* id 5 is still there */
	p = frag(4, 1, 5, 1000, false, data + 1000, 1000);
	ck_assert_int_eq(add(d, &p, 7).done, 1);
	ck_assert_uint_eq(st->datagrams, 3);
	ip_defrag_free(d);
}
END_TEST

START_TEST(evict_max_bytes)
{
	/* room for about two datagrams of 3000 bytes and their bookkeeping */
	struct ip_defrag *d = table(100, 2 * 3000 + 2 * 1024 + 1500, 0);
	const uint8_t *data = fill(1, 3000);
	for (uint32_t id = 1; id <= 3; id++) {
		struct pkt p = frag(4, 1, id, 1504, false, data + 1504, 1496);
		add(d, &p, id);
		p = frag(4, 1, id, 0, true, data, 8);
		add(d, &p, id);
	}
	const struct ip_defrag_stats *st = ip_defrag_stats(d);
	ck_assert_uint_eq(st->evicted_bytes, 1);
	ck_assert_uint_eq(st->evicted, 0);
	ck_assert_uint_le(st->bytes_peak, 2 * 3000 + 2 * 1024 + 1500);
	/* id 1 went first */
	struct pkt p = frag(4, 1, 3, 8, true, data + 8, 1496);
	ck_assert_int_eq(add(d, &p, 4).done, 1);
	p = frag(4, 1, 2, 8, true, data + 8, 1496);
	ck_assert_int_eq(add(d, &p, 4).done, 1);
	assert_empty(d);
	p = frag(4, 1, 1, 8, true, data + 8, 1496);
	ck_assert_int_eq(add(d, &p, 4).done, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->datagrams, 1);

	/* a datagram that cannot fit even alone is dropped, not the table */
	ip_defrag_free(d);
	d = table(100, 2000, 0);
	p = frag(4, 1, 1, 0, true, data, 8);
	add(d, &p, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->datagrams, 1);
	p = frag(4, 1, 1, 1000, false, data + 1000, 2000);
	add(d, &p, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->evicted_bytes, 1);
	assert_empty(d);
	ip_defrag_free(d);

	/* a bound below one datagram's bookkeeping: every fragment is refused */
	d = table(100, 16, 0);
	p = frag(6, 1, 1, 0, true, data, 8);
	ck_assert_int_eq(add(d, &p, 0).done, 0);
	ck_assert_uint_eq(ip_defrag_stats(d)->evicted_bytes, 1);
	assert_empty(d);
	ck_assert_uint_eq(ip_defrag_stats(d)->bytes_peak, 0);
	ip_defrag_free(d);
}
END_TEST

/* A flood of fragments that never complete stays within max_bytes. */
START_TEST(flood_bounded)
{
	const size_t max_bytes = 256 * 1024;
	struct ip_defrag *d = table(100000, max_bytes, 30 * SEC);
	static uint8_t junk[1480];
	memset(junk, 0xA5, sizeof(junk));
	rng_seed(7);
	for (uint32_t i = 0; i < 20000; i++) {
		/* an attacker's choice: far offsets to force big buffers, no first piece */
		uint32_t off = 8 * rng_below(64000 / 8);
		struct pkt p = frag(i & 1 ? 4 : 6, rng_below(1000), i, off, true, junk,
		                    8 * (1 + rng_below(sizeof(junk) / 8)));
		add(d, &p, i);
		ck_assert_uint_le(ip_defrag_stats(d)->bytes, max_bytes);
	}
	const struct ip_defrag_stats *st = ip_defrag_stats(d);
	ck_assert_uint_le(st->bytes_peak, max_bytes);
	ck_assert_uint_gt(st->evicted_bytes, 10000);
	ck_assert_uint_eq(st->completed, 0);
	ck_assert_uint_eq(st->too_big, 0);
	ip_defrag_free(d);
}
END_TEST

/* ------------------------------------------------------------ fuzz */

/*
 * Thousands of random fragments: random families, few ids and hosts (so
 * they collide), offsets, lengths, flags, times (now and then jumping
 * back), some with corrupted data.
 * Invariants: the memory bound holds; a datagram that completes from
 * honest fragments only carries the right bytes; the gauges return to
 * zero when everything has expired.
 */
START_TEST(fuzz)
{
	const size_t max_bytes = 256 * 1024;
	struct ip_defrag *d = table(128, max_bytes, 2 * SEC);
	static uint8_t buf[4096];
	rng_seed(0x5eed);
	int64_t now = 0, latest = 0;
	uint64_t completed = 0;
	for (int i = 0; i < 50000; i++) {
		int family = rng_below(2) ? 4 : 6;
		uint32_t id = rng_below(16); /* ids 8..15 may carry corrupted bytes */
		unsigned host = rng_below(5);
		/* each datagram has its length, but fragments sometimes lie about it */
		uint32_t total = 64 + 8 * ((id * 37 + host * 11 + (unsigned)family) % 200);
		if (rng_below(32) == 0)
			total = 64 + 8 * rng_below(200);
		uint32_t off = 8 * rng_below(total / 8);
		uint32_t n = 8 * (1 + rng_below(128));
		bool more = rng_below(4) != 0;
		if (rng_below(64) == 0)
			off = 8 * rng_below(65536 / 8 + 16); /* far away, maybe too big */
		if (!more || off + n > total)
			n = total > off ? total - off : 1 + rng_below(16);
		if (rng_below(16) == 0)
			n += rng_below(8); /* maybe a bad length */
		if (n > sizeof(buf))
			n = sizeof(buf);
		for (uint32_t k = 0; k < n; k++)
			buf[k] = pattern(id, off + k);
		if (id >= 8 && rng_below(4) == 0)
			buf[rng_below(n)] ^= 1;
		struct pkt p = frag(family, host, id, off, more, buf, n);
		p.frag.offset += rng_below(64) == 0; /* maybe misaligned */
		p.truncated = rng_below(100) == 0;
		now += rng_below(2000);
		if (rng_below(10000) == 0)
			now -= 5 * SEC; /* pcaps concatenated out of order */
		if (now > latest)
			latest = now;
		const uint8_t *data = NULL;
		size_t len = 0;
		if (ip_defrag_add(d, &p, now, &data, &len)) {
			completed++;
			ck_assert_uint_le(len, 65535);
			if (id < 8)
				ck_assert_uint_eq(mismatch(data, id, len), len);
		}
		ck_assert_uint_le(ip_defrag_stats(d)->bytes, max_bytes);
		ck_assert_uint_le(ip_defrag_stats(d)->datagrams, 128);
		if (rng_below(1000) == 0)
			ip_defrag_expire(d, now);
	}
	const struct ip_defrag_stats *st = ip_defrag_stats(d);
	ck_assert_uint_eq(st->completed, completed);
	ck_assert_uint_gt(completed, 100);
	ck_assert_uint_gt(st->overlaps_v4, 0);
	ck_assert_uint_gt(st->overlaps_v6, 0);
	ck_assert_uint_gt(st->timeouts, 0);
	ck_assert_uint_gt(st->evicted, 0);
	ck_assert_uint_gt(st->evicted_bytes, 0);
	ck_assert_uint_gt(st->duplicates, 0);
	ck_assert_uint_gt(st->inconsistent, 0);
	ip_defrag_expire(d, latest + 10 * SEC);
	assert_empty(d);
	ip_defrag_free(d);
}
END_TEST

/* ------------------------------------------------------------ end to end */

/*
 * A DNS reply too big for one packet: header (id 0xBEEF, QR), question
 * big.example. TXT, and TXT answers of 250-byte strings.  Returns its length.
 */
static size_t dns_reply(uint8_t *m, unsigned answers)
{
	static const uint8_t q[] = {3, 'b', 'i', 'g', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 16, 0, 1};
	static const uint8_t hdr[] = {0xBE, 0xEF, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0};
	size_t n = 0;
	memcpy(m, hdr, sizeof(hdr));
	m[7] = (uint8_t)answers;
	n += sizeof(hdr);
	memcpy(m + n, q, sizeof(q));
	n += sizeof(q);
	for (unsigned a = 0; a < answers; a++) {
		static const uint8_t rr[] = {0xC0, 12, 0, 16, 0, 1, 0, 0, 0x0E, 0x10, 0, 251, 250};
		memcpy(m + n, rr, sizeof(rr));
		n += sizeof(rr);
		for (unsigned k = 0; k < 250; k++)
			m[n++] = (uint8_t)('a' + (a + k) % 26);
	}
	return n;
}

/* The UDP datagram (header + msg) for a reply from port 53 to 33333. */
static size_t udp_datagram(uint8_t *u, const uint8_t *msg, size_t len)
{
	u[0] = 0, u[1] = 53, u[2] = 33333 >> 8, u[3] = 33333 & 0xFF;
	u[4] = (uint8_t)((len + 8) >> 8), u[5] = (uint8_t)(len + 8);
	u[6] = u[7] = 0; /* no checksum: the decoder does not verify it */
	memcpy(u + 8, msg, len);
	return len + 8;
}

static const uint8_t E2E_SRC4[4] = {198, 51, 100, 53}, E2E_DST4[4] = {192, 0, 2, 7};
static const uint8_t E2E_SRC6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x53};
static const uint8_t E2E_DST6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x07};

/* Ethernet + IPv4 fragment of udp[off .. off+n). */
static void frame4(struct wb *f, const uint8_t *udp, size_t off, size_t n, bool more)
{
	f->n = 0;
	wb_eth(f, 0x0800);
	wb_ipv4(f, 5, (unsigned)(20 + n), 0x4242, (more ? 0x2000u : 0) | (unsigned)(off / 8), 17,
	        E2E_SRC4, E2E_DST4);
	wb_bytes(f, udp + off, n);
}

/* Ethernet + IPv6 + Fragment header carrying udp[off .. off+n). */
static void frame6(struct wb *f, const uint8_t *udp, size_t off, size_t n, bool more)
{
	f->n = 0;
	wb_eth(f, 0x86DD);
	wb_ipv6(f, (unsigned)(8 + n), 44, E2E_SRC6, E2E_DST6);
	wb_u8(f, 17);
	wb_u8(f, 0);
	wb_u16(f, (unsigned)off | (more ? 1u : 0));
	wb_u32(f, 0xCAFEF00D);
	wb_bytes(f, udp + off, n);
}

/*
 * Cut the UDP datagram at mtu-sized pieces (reverse order when asked),
 * decode every frame with pkt_decode(), reassemble, decode the transport
 * header, and check the DNS message comes back whole.
 */
static void end_to_end(int family, size_t piece, bool reverse)
{
	static uint8_t msg[8192], udp[8192];
	size_t mlen = dns_reply(msg, 12);
	size_t ulen = udp_datagram(udp, msg, mlen);
	unsigned n = (unsigned)((ulen + piece - 1) / piece);
	ck_assert_uint_ge(n, 3);
	struct ip_defrag *d = table(0, 0, 0);
	int done = 0;
	for (unsigned k = 0; k < n; k++) {
		unsigned i = reverse ? n - 1 - k : k;
		size_t off = i * piece, len = i == n - 1 ? ulen - off : piece;
		struct wb f;
		if (family == 4)
			frame4(&f, udp, off, len, i != n - 1);
		else
			frame6(&f, udp, off, len, i != n - 1);
		struct pkt p;
		memset(&p, 0, sizeof(p));
		ck_assert_int_eq(pkt_decode(DLT_EN10MB, f.b, f.n, &p), PKT_FRAGMENT);
		ck_assert_uint_eq(p.frag.id, family == 4 ? 0x4242 : 0xCAFEF00D);
		const uint8_t *data;
		size_t dlen;
		if (ip_defrag_add(d, &p, 1000 + k, &data, &dlen) == 0) {
			ck_assert_uint_lt(k, n - 1);
			continue;
		}
		ck_assert_uint_eq(k, n - 1);
		ck_assert_uint_eq(dlen, ulen);
		ck_assert_int_eq(pkt_decode_transport(p.frag.proto, data, dlen, &p), PKT_OK);
		ck_assert_uint_eq(p.proto, 17);
		ck_assert_uint_eq(p.sport, 53);
		ck_assert_uint_eq(p.dport, 33333);
		ck_assert_int_eq(p.src.family, family);
		ck_assert_uint_eq(p.len, mlen);
		ck_assert_mem_eq(p.payload, msg, mlen);
		done++;
	}
	ck_assert_int_eq(done, 1);
	assert_empty(d);
	ip_defrag_free(d);
}

START_TEST(end_to_end_ipv4)
{
	end_to_end(4, 1480, false); /* Ethernet MTU */
	end_to_end(4, 576 - 20 - 4, true);
}
END_TEST

START_TEST(end_to_end_ipv6)
{
	end_to_end(6, 1232, false); /* 1280-byte minimum MTU */
	end_to_end(6, 1448, true);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ip_defrag");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, orders);
	tcase_add_test(tc, last_fragment_first);
	tcase_add_test(tc, duplicates);
	tcase_add_test(tc, duplicate_becomes_last);
	tcase_add_test(tc, keys_separate);
	tcase_add_test(tc, ipv6_overlap_drops);
	tcase_add_test(tc, ipv4_overlap_policy);
	tcase_add_test(tc, too_big);
	tcase_add_test(tc, bad_lengths);
	tcase_add_test(tc, inconsistent_end);
	tcase_add_test(tc, truncated);
	tcase_add_test(tc, too_fragmented);
	tcase_add_test(tc, after_completion);
	tcase_add_test(tc, timeout);
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, evict_max_datagrams);
	tcase_add_test(tc, evict_max_bytes);
	tcase_add_test(tc, flood_bounded);
	tcase_add_test(tc, fuzz);
	tcase_add_test(tc, end_to_end_ipv4);
	tcase_add_test(tc, end_to_end_ipv6);
	suite_add_tcase(s, tc);
	return check_run(s);
}
