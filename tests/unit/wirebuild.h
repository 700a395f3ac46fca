/*
 * wirebuild.h - builders for the wire data the unit tests make by hand:
 * DNS messages (RFC 1035 section 4) and link-layer/IP frames.
 *
 * A struct wb is a fixed buffer filled front to back; every number is
 * written big-endian (network order), every value is truncated to the
 * width written.  Each append ck_assert()s that it fits, so a test that
 * outgrows the buffer fails where it writes rather than corrupting the
 * stack.  The helpers are meant to run inside a Check test (they use
 * ck_assert), and nothing here allocates except wb_dup_exact().
 *
 * Start a buffer with wb_dns_header() or wb_dns_zero_header() (both reset
 * it) or with n = 0.  The bytes are in b[0 .. n).
 *
 * Test code only: there is no checking of what is built, on purpose, so
 * that tests can build malformed data too.
 */
#ifndef DNS_GAZER_TESTS_WIREBUILD_H
#define DNS_GAZER_TESTS_WIREBUILD_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define WB_CAP 4096         /* bytes a struct wb holds */
#define WB_DNS_HEADER_LEN 12 /* RFC 1035 4.1.1 */

/* Wire data under construction. */
struct wb {
	uint8_t b[WB_CAP];
	size_t n; /* bytes written so far */
};

/* ------------------------------------------------------------ numbers */

static inline void wb_u8(struct wb *m, unsigned v)
{
	ck_assert_uint_lt(m->n, sizeof(m->b));
	m->b[m->n++] = (uint8_t)v;
}

static inline void wb_u16(struct wb *m, unsigned v)
{
	wb_u8(m, v >> 8);
	wb_u8(m, v & 0xFF);
}

static inline void wb_u32(struct wb *m, uint32_t v)
{
	wb_u16(m, v >> 16);
	wb_u16(m, v & 0xFFFF);
}

static inline void wb_bytes(struct wb *m, const void *p, size_t n)
{
	ck_assert_uint_le(m->n + n, sizeof(m->b));
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

/*
 * A heap copy of exactly the n bytes at p (a 1-byte block when n is 0),
 * so that valgrind reports any read past the end.  The caller frees it.
 */
static inline uint8_t *wb_dup_exact(const void *p, size_t n)
{
	uint8_t *d = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(d);
	if (n)
		memcpy(d, p, n);
	return d;
}

/* ------------------------------------------------------------ DNS */

/* Reset m to a DNS header alone: id, flags and the four section counts. */
static inline void wb_dns_header(struct wb *m, unsigned id, unsigned flags, unsigned qd,
                                 unsigned an, unsigned ns, unsigned ar)
{
	m->n = 0;
	wb_u16(m, id);
	wb_u16(m, flags);
	wb_u16(m, qd);
	wb_u16(m, an);
	wb_u16(m, ns);
	wb_u16(m, ar);
}

/* Reset m to an all-zero header, so data placed after it has realistic offsets. */
static inline void wb_dns_zero_header(struct wb *m)
{
	wb_dns_header(m, 0, 0, 0, 0, 0, 0);
}

/*
 * The labels of a dotted name ("www.example.", the final dot optional;
 * "." or "" is the root), then the root label, or instead a compression
 * pointer to offset end_ptr when end_ptr >= 0.  Labels are not checked
 * for length.  Returns the offset where the name starts, for pointers.
 */
static inline size_t wb_name_ptr(struct wb *m, const char *dotted, long end_ptr)
{
	size_t at = m->n;
	const char *p = dotted;
	while (*p && strcmp(p, ".") != 0) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		wb_u8(m, (unsigned)len);
		wb_bytes(m, p, len);
		p += len;
		if (*p == '.')
			p++;
	}
	if (end_ptr >= 0)
		wb_u16(m, 0xC000u | (unsigned)end_ptr);
	else
		wb_u8(m, 0);
	return at;
}

/* A whole uncompressed name; returns its offset. */
static inline size_t wb_name(struct wb *m, const char *dotted)
{
	return wb_name_ptr(m, dotted, -1);
}

/* A question entry: name, type, class. */
static inline void wb_question(struct wb *m, const char *name, unsigned type, unsigned rclass)
{
	wb_name(m, name);
	wb_u16(m, type);
	wb_u16(m, rclass);
}

/* The fixed part of a resource record, after its owner name. */
static inline void wb_rr_fixed(struct wb *m, unsigned type, unsigned rclass, uint32_t ttl,
                               unsigned rdlen)
{
	wb_u16(m, type);
	wb_u16(m, rclass);
	wb_u32(m, ttl);
	wb_u16(m, rdlen);
}

/* ------------------------------------------------------------ frames */

/* Ethernet II: fixed destination and source MACs, then the EtherType. */
static inline void wb_eth(struct wb *m, unsigned ethertype)
{
	static const uint8_t macs[12] = {0, 1, 2, 3, 4, 5, 0xa, 0xb, 0xc, 0xd, 0xe, 0xf};
	wb_bytes(m, macs, sizeof(macs));
	wb_u16(m, ethertype);
}

/*
 * IPv4 header (RFC 791) of ihl 32-bit words, the words past 5 filled
 * with NOP options; total length, identification, flags+offset field and
 * protocol as given; TOS 0, TTL 64, checksum 0 (nothing verifies it).
 */
static inline void wb_ipv4(struct wb *m, unsigned ihl, unsigned total, unsigned id, unsigned frag,
                           unsigned proto, const uint8_t src[4], const uint8_t dst[4])
{
	wb_u8(m, 0x40 | (ihl & 0x0F));
	wb_u8(m, 0);     /* DSCP/ECN */
	wb_u16(m, total);
	wb_u16(m, id);
	wb_u16(m, frag);
	wb_u8(m, 64);    /* TTL */
	wb_u8(m, proto);
	wb_u16(m, 0);    /* checksum */
	wb_bytes(m, src, 4);
	wb_bytes(m, dst, 4);
	for (unsigned i = 5; i < ihl; i++)
		wb_u32(m, 0x01010101); /* NOP options */
}

/* IPv6 fixed header (RFC 8200): no traffic class or flow label, hop limit 64. */
static inline void wb_ipv6(struct wb *m, unsigned plen, unsigned next, const uint8_t src[16],
                           const uint8_t dst[16])
{
	wb_u32(m, 0x60000000u);
	wb_u16(m, plen);
	wb_u8(m, next);
	wb_u8(m, 64);
	wb_bytes(m, src, 16);
	wb_bytes(m, dst, 16);
}

#endif /* DNS_GAZER_TESTS_WIREBUILD_H */
