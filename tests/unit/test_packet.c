/*
 * Unit tests for packet.c: hand-built frames for every supported link type
 * (Ethernet with 802.1Q/802.1ad, Linux SLL and SLL2, BSD null/loop, raw IP),
 * IPv4 (RFC 791), IPv6 and its extension headers (RFC 8200), UDP (RFC 768).
 */
#include "config.h"

#include <check.h>
#include <pcap/dlt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "packet.h"
#include "wirebuild.h"
#include "check_run.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

static const uint8_t SRC4[4] = {192, 0, 2, 1};
static const uint8_t DST4[4] = {198, 51, 100, 53};
static const uint8_t SRC6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t DST6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53};
/* a DNS header's worth of payload */
static const uint8_t PAYLOAD[12] = {0xAB, 0xCD, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};

#define SPORT 40000
#define DPORT 53

/* IPv4 header from SRC4 to DST4, id 0x1234: ihl in 32-bit words (options are NOPs). */
static void fb_ipv4(struct wb *f, unsigned ihl, unsigned total, unsigned frag, unsigned proto)
{
	wb_ipv4(f, ihl, total, 0x1234, frag, proto, SRC4, DST4);
}

static void fb_ipv6(struct wb *f, unsigned plen, unsigned next)
{
	wb_ipv6(f, plen, next, SRC6, DST6);
}

static void fb_udp(struct wb *f, unsigned ulen)
{
	wb_u16(f, SPORT);
	wb_u16(f, DPORT);
	wb_u16(f, ulen);
	wb_u16(f, 0);
}

/* IPv4 + UDP + PAYLOAD with consistent lengths. */
static void fb_udp4(struct wb *f)
{
	fb_ipv4(f, 5, 20 + 8 + sizeof(PAYLOAD), 0, 17);
	fb_udp(f, 8 + sizeof(PAYLOAD));
	wb_bytes(f, PAYLOAD, sizeof(PAYLOAD));
}

static void fb_udp6(struct wb *f)
{
	fb_ipv6(f, 8 + sizeof(PAYLOAD), 17);
	fb_udp(f, 8 + sizeof(PAYLOAD));
	wb_bytes(f, PAYLOAD, sizeof(PAYLOAD));
}

struct res {
	enum pkt_status st;
	struct pkt p;
	size_t off; /* payload offset in the frame */
};

/*
 * Decode the first caplen bytes of f from a heap copy of exactly that size
 * (valgrind then sees any read past the capture).
 */
static struct res decode_cap(int dlt, const struct wb *f, size_t caplen)
{
	struct res r;
	uint8_t *frame = wb_dup_exact(f->b, caplen);
	memset(&r.p, 0, sizeof(r.p));
	r.st = pkt_decode(dlt, frame, caplen, &r.p);
	r.off = SIZE_MAX;
	if (r.st == PKT_OK || r.st == PKT_FRAGMENT) {
		ck_assert(r.p.payload >= frame && r.p.payload <= frame + caplen);
		r.off = (size_t)(r.p.payload - frame);
		ck_assert_uint_le(r.off + r.p.len, caplen);
		r.p.payload = NULL; /* dangling after free */
	}
	free(frame);
	return r;
}

static struct res decode(int dlt, const struct wb *f)
{
	return decode_cap(dlt, f, f->n);
}

/* An OK result carrying PAYLOAD at offset off over IPv4 or IPv6. */
static void assert_udp(const struct res *r, const struct wb *f, size_t off, int family)
{
	ck_assert_msg(r->st == PKT_OK, "status %s", pkt_status_str(r->st));
	ck_assert_uint_eq(r->p.proto, 17);
	ck_assert_uint_eq(r->p.sport, SPORT);
	ck_assert_uint_eq(r->p.dport, DPORT);
	ck_assert_uint_eq(r->off, off);
	ck_assert_uint_eq(r->p.len, sizeof(PAYLOAD));
	ck_assert_mem_eq(f->b + r->off, PAYLOAD, sizeof(PAYLOAD));
	ck_assert(!r->p.truncated);
	ck_assert_uint_eq(r->p.src.family, family);
	ck_assert_uint_eq(r->p.dst.family, family);
	char a[NET_ADDR_TEXT_MAX], b[NET_ADDR_TEXT_MAX];
	net_addr_format(&r->p.src, a);
	net_addr_format(&r->p.dst, b);
	if (family == 4) {
		ck_assert_str_eq(a, "192.0.2.1");
		ck_assert_str_eq(b, "198.51.100.53");
	} else {
		ck_assert_str_eq(a, "2001:db8::1");
		ck_assert_str_eq(b, "2001:db8::53");
	}
}

START_TEST(ethernet_ipv4_udp)
{
	struct wb f = {.n = 0};
	wb_eth(&f, 0x0800);
	fb_udp4(&f);
	struct res r = decode(DLT_EN10MB, &f);
	assert_udp(&r, &f, 14 + 20 + 8, 4);
}
END_TEST

START_TEST(ethernet_ipv6_udp)
{
	struct wb f = {.n = 0};
	wb_eth(&f, 0x86DD);
	fb_udp6(&f);
	struct res r = decode(DLT_EN10MB, &f);
	assert_udp(&r, &f, 14 + 40 + 8, 6);
}
END_TEST

START_TEST(vlan_8021q)
{
	struct wb f = {.n = 0};
	wb_eth(&f, 0x8100);
	wb_u16(&f, 0x2064); /* PCP 1, VLAN 100 */
	wb_u16(&f, 0x0800);
	fb_udp4(&f);
	struct res r = decode(DLT_EN10MB, &f);
	assert_udp(&r, &f, 18 + 20 + 8, 4);

	f.n = 0;
	wb_eth(&f, 0x8100);
	wb_u16(&f, 0x0FFF);
	wb_u16(&f, 0x86DD);
	fb_udp6(&f);
	r = decode(DLT_EN10MB, &f);
	assert_udp(&r, &f, 18 + 40 + 8, 6);
}
END_TEST

/* 802.1ad: the service tag (0x88a8) then the customer tag (0x8100). */
START_TEST(vlan_qinq)
{
	struct wb f = {.n = 0};
	wb_eth(&f, 0x88A8);
	wb_u16(&f, 0x000A);
	wb_u16(&f, 0x8100);
	wb_u16(&f, 0x0014);
	wb_u16(&f, 0x0800);
	fb_udp4(&f);
	struct res r = decode(DLT_EN10MB, &f);
	assert_udp(&r, &f, 22 + 20 + 8, 4);
}
END_TEST

START_TEST(vlan_too_many_tags)
{
	struct wb f = {.n = 0};
	wb_eth(&f, 0x8100);
	for (int i = 0; i < 40; i++) {
		wb_u16(&f, (unsigned)i);
		wb_u16(&f, 0x8100);
	}
	wb_u16(&f, 1);
	wb_u16(&f, 0x0800);
	fb_udp4(&f);
	ck_assert_int_eq(decode(DLT_EN10MB, &f).st, PKT_VLAN_DEPTH);

	/* a tag cut short */
	f.n = 0;
	wb_eth(&f, 0x8100);
	wb_u16(&f, 1);
	ck_assert_int_eq(decode(DLT_EN10MB, &f).st, PKT_LINK_SHORT);
}
END_TEST

START_TEST(not_ip_and_short_links)
{
	struct wb f = {.n = 0};
	wb_eth(&f, 0x0806); /* ARP */
	wb_bytes(&f, PAYLOAD, sizeof(PAYLOAD));
	ck_assert_int_eq(decode(DLT_EN10MB, &f).st, PKT_NOT_IP);

	f.n = 0;
	wb_eth(&f, 0x0800);
	ck_assert_int_eq(decode_cap(DLT_EN10MB, &f, 13).st, PKT_LINK_SHORT);
	ck_assert_int_eq(decode_cap(DLT_EN10MB, &f, 0).st, PKT_LINK_SHORT);
	ck_assert_int_eq(decode_cap(DLT_LINUX_SLL, &f, 10).st, PKT_LINK_SHORT);
	ck_assert_int_eq(decode_cap(DLT_LINUX_SLL2, &f, 10).st, PKT_LINK_SHORT);
	ck_assert_int_eq(decode_cap(DLT_NULL, &f, 3).st, PKT_LINK_SHORT);
}
END_TEST

START_TEST(unsupported_link)
{
	struct wb f = {.n = 0};
	fb_udp4(&f);
	ck_assert_int_eq(decode(105 /* DLT_IEEE802_11 */, &f).st, PKT_LINK_UNSUPPORTED);
	ck_assert(!pkt_linktype_supported(105));
	ck_assert(pkt_linktype_supported(DLT_EN10MB));
	ck_assert(pkt_linktype_supported(DLT_LINUX_SLL));
	ck_assert(pkt_linktype_supported(DLT_LINUX_SLL2));
	ck_assert(pkt_linktype_supported(DLT_NULL));
	ck_assert(pkt_linktype_supported(DLT_LOOP));
	ck_assert(pkt_linktype_supported(DLT_RAW));
}
END_TEST

/* Linux cooked v1: type, ARPHRD, address length, 8 address bytes, protocol. */
START_TEST(linux_sll)
{
	struct wb f = {.n = 0};
	wb_u16(&f, 0);      /* to us */
	wb_u16(&f, 1);      /* ARPHRD_ETHER */
	wb_u16(&f, 6);
	wb_bytes(&f, "\x00\x11\x22\x33\x44\x55\x00\x00", 8);
	wb_u16(&f, 0x0800);
	fb_udp4(&f);
	struct res r = decode(113, &f);
	assert_udp(&r, &f, 16 + 20 + 8, 4);

	/* a VLAN tag inside the cooked header's protocol */
	f.n = 14;
	wb_u16(&f, 0x8100);
	wb_u16(&f, 5);
	wb_u16(&f, 0x86DD);
	fb_udp6(&f);
	r = decode(DLT_LINUX_SLL, &f);
	assert_udp(&r, &f, 20 + 40 + 8, 6);
}
END_TEST

/* Linux cooked v2: protocol, reserved, ifindex, ARPHRD, type, address length, address. */
START_TEST(linux_sll2)
{
	struct wb f = {.n = 0};
	wb_u16(&f, 0x86DD);
	wb_u16(&f, 0);
	wb_u32(&f, 3);
	wb_u16(&f, 1);
	wb_u8(&f, 4); /* outgoing */
	wb_u8(&f, 6);
	wb_bytes(&f, "\x00\x11\x22\x33\x44\x55\x00\x00", 8);
	fb_udp6(&f);
	struct res r = decode(276, &f);
	assert_udp(&r, &f, 20 + 40 + 8, 6);

	f.b[0] = 0x08;
	f.b[1] = 0x00;
	f.n = 20;
	fb_udp4(&f);
	r = decode(DLT_LINUX_SLL2, &f);
	assert_udp(&r, &f, 20 + 20 + 8, 4);
}
END_TEST

/* DLT_NULL: the address family in the capturing host's byte order. */
START_TEST(bsd_null_both_orders)
{
	struct wb f = {.n = 0};
	wb_bytes(&f, "\x02\x00\x00\x00", 4); /* AF_INET, little-endian host */
	fb_udp4(&f);
	struct res r = decode(DLT_NULL, &f);
	assert_udp(&r, &f, 4 + 28, 4);

	f.n = 0;
	wb_bytes(&f, "\x00\x00\x00\x02", 4); /* AF_INET, big-endian host */
	fb_udp4(&f);
	r = decode(DLT_NULL, &f);
	assert_udp(&r, &f, 4 + 28, 4);

	/* AF_INET6 is 24 (NetBSD, OpenBSD), 28 (FreeBSD) or 30 (macOS) */
	static const char *const v6[] = {"\x18\x00\x00\x00", "\x00\x00\x00\x18", "\x1c\x00\x00\x00",
	                                 "\x00\x00\x00\x1c", "\x1e\x00\x00\x00", "\x00\x00\x00\x1e"};
	for (size_t i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
		f.n = 0;
		wb_bytes(&f, v6[i], 4);
		fb_udp6(&f);
		r = decode(DLT_NULL, &f);
		assert_udp(&r, &f, 4 + 48, 6);
	}

	f.n = 0;
	wb_bytes(&f, "\x07\x00\x00\x00", 4); /* some other family */
	fb_udp4(&f);
	ck_assert_int_eq(decode(DLT_NULL, &f).st, PKT_NOT_IP);
}
END_TEST

/* DLT_LOOP: like DLT_NULL but always in network byte order. */
START_TEST(bsd_loop)
{
	struct wb f = {.n = 0};
	wb_bytes(&f, "\x00\x00\x00\x02", 4);
	fb_udp4(&f);
	struct res r = decode(DLT_LOOP, &f);
	assert_udp(&r, &f, 4 + 28, 4);
}
END_TEST

START_TEST(raw_ip)
{
	struct wb f = {.n = 0};
	fb_udp4(&f);
	struct res r = decode(DLT_RAW, &f);
	assert_udp(&r, &f, 28, 4);

	f.n = 0;
	fb_udp6(&f);
	r = decode(DLT_RAW, &f);
	assert_udp(&r, &f, 48, 6);

	f.n = 0;
	fb_udp4(&f);
	f.b[0] = 0x55; /* version 5 */
	ck_assert_int_eq(decode(DLT_RAW, &f).st, PKT_NOT_IP);
	ck_assert_int_ne(decode_cap(DLT_RAW, &f, 0).st, PKT_OK);
}
END_TEST

/* RFC 8200: hop-by-hop, destination options, then an atomic fragment
 * header (offset 0, M = 0, RFC 6946) before UDP. */
START_TEST(ipv6_extension_headers)
{
	struct wb f = {.n = 0};
	fb_ipv6(&f, 8 + 8 + 8 + 8 + sizeof(PAYLOAD), 0);
	wb_u8(&f, 60); /* hop-by-hop: next = destination options */
	wb_u8(&f, 0);
	wb_bytes(&f, "\x01\x04\x00\x00\x00\x00", 6); /* PadN */
	wb_u8(&f, 44); /* destination options: next = fragment */
	wb_u8(&f, 0);
	wb_bytes(&f, "\x01\x04\x00\x00\x00\x00", 6);
	wb_u8(&f, 17); /* fragment: next = UDP */
	wb_u8(&f, 0);
	wb_u16(&f, 0x0000);
	wb_u32(&f, 0xCAFEBABE);
	fb_udp(&f, 8 + sizeof(PAYLOAD));
	wb_bytes(&f, PAYLOAD, sizeof(PAYLOAD));
	struct res r = decode(DLT_RAW, &f);
	assert_udp(&r, &f, 40 + 24 + 8, 6);
}
END_TEST

START_TEST(ipv6_longer_options_routing_ah)
{
	/* hop-by-hop of 16 bytes (length 1), routing header (43) of 24 bytes,
	 * AH (51) with payload length 4: (4 + 2) * 4 = 24 bytes */
	struct wb f = {.n = 0};
	fb_ipv6(&f, 16 + 24 + 24 + 8 + sizeof(PAYLOAD), 0);
	wb_u8(&f, 43);
	wb_u8(&f, 1);
	for (int i = 0; i < 14; i++)
		wb_u8(&f, 0);
	wb_u8(&f, 51);
	wb_u8(&f, 2);
	for (int i = 0; i < 22; i++)
		wb_u8(&f, 0xEE);
	wb_u8(&f, 17);
	wb_u8(&f, 4);
	for (int i = 0; i < 22; i++)
		wb_u8(&f, 0xAA);
	fb_udp(&f, 8 + sizeof(PAYLOAD));
	wb_bytes(&f, PAYLOAD, sizeof(PAYLOAD));
	struct res r = decode(DLT_RAW, &f);
	assert_udp(&r, &f, 40 + 64 + 8, 6);
}
END_TEST

START_TEST(ipv6_fragment)
{
	/* first fragment: offset 0, M = 1 */
	struct wb f = {.n = 0};
	fb_ipv6(&f, 8 + 8 + sizeof(PAYLOAD), 44);
	wb_u8(&f, 17);
	wb_u8(&f, 0);
	wb_u16(&f, 0x0001);
	wb_u32(&f, 1);
	fb_udp(&f, 8 + sizeof(PAYLOAD));
	wb_bytes(&f, PAYLOAD, sizeof(PAYLOAD));
	struct res r = decode(DLT_RAW, &f);
	ck_assert_int_eq(r.st, PKT_FRAGMENT);
	ck_assert_uint_eq(r.p.frag.id, 1);
	ck_assert_uint_eq(r.p.frag.offset, 0);
	ck_assert(r.p.frag.more);
	ck_assert_uint_eq(r.p.frag.proto, 17);
	ck_assert_uint_eq(r.off, 48); /* the data starts with the UDP header */
	ck_assert_uint_eq(r.p.len, 8 + sizeof(PAYLOAD));

	/* a later fragment: offset 185 (x 8 bytes), M = 0 */
	f.b[40 + 2] = (185 << 3) >> 8;
	f.b[40 + 3] = (185 << 3) & 0xFF;
	r = decode(DLT_RAW, &f);
	ck_assert_int_eq(r.st, PKT_FRAGMENT);
	ck_assert_uint_eq(r.p.frag.offset, 185 * 8);
	ck_assert(!r.p.frag.more);
}
END_TEST

START_TEST(ipv6_bad)
{
	struct wb f = {.n = 0};
	wb_eth(&f, 0x86DD);
	fb_udp4(&f); /* version 4 behind the IPv6 ethertype */
	ck_assert_int_eq(decode(DLT_EN10MB, &f).st, PKT_IPV6_BAD);

	/* header cut short */
	f.n = 0;
	fb_udp6(&f);
	ck_assert_int_eq(decode_cap(DLT_RAW, &f, 39).st, PKT_IPV6_BAD);

	/* extension header running past the packet */
	f.n = 0;
	fb_ipv6(&f, 8, 60);
	wb_u8(&f, 17);
	wb_u8(&f, 4); /* claims 40 bytes */
	wb_bytes(&f, "\x01\x04\x00\x00\x00\x00", 6);
	ck_assert_int_eq(decode(DLT_RAW, &f).st, PKT_IPV6_BAD);
}
END_TEST

START_TEST(ipv6_extension_chain_too_long)
{
	struct wb f = {.n = 0};
	enum { N = 64 };
	fb_ipv6(&f, N * 8 + 8 + sizeof(PAYLOAD), 60);
	for (int i = 0; i < N; i++) {
		wb_u8(&f, i == N - 1 ? 17 : 60);
		wb_u8(&f, 0);
		wb_bytes(&f, "\x01\x04\x00\x00\x00\x00", 6);
	}
	fb_udp(&f, 8 + sizeof(PAYLOAD));
	wb_bytes(&f, PAYLOAD, sizeof(PAYLOAD));
	ck_assert_int_eq(decode(DLT_RAW, &f).st, PKT_IPV6_EXT_DEPTH);
}
END_TEST

START_TEST(ipv4_fragments)
{
	struct wb f = {.n = 0};
	fb_ipv4(&f, 5, 20 + 8 + sizeof(PAYLOAD), 0x2000, 17); /* MF */
	fb_udp(&f, 8 + sizeof(PAYLOAD));
	wb_bytes(&f, PAYLOAD, sizeof(PAYLOAD));
	struct res r = decode(DLT_RAW, &f);
	ck_assert_int_eq(r.st, PKT_FRAGMENT);
	ck_assert(r.p.frag.more);
	ck_assert_uint_eq(r.p.frag.offset, 0);
	ck_assert_uint_eq(r.p.frag.proto, 17);
	ck_assert_uint_eq(r.off, 20);

	f.b[6] = 0x00; /* offset 185, no MF: the last fragment */
	f.b[7] = 185;
	r = decode(DLT_RAW, &f);
	ck_assert_int_eq(r.st, PKT_FRAGMENT);
	ck_assert(!r.p.frag.more);
	ck_assert_uint_eq(r.p.frag.offset, 185 * 8);

	f.b[6] = 0x40; /* DF only: a whole datagram */
	f.b[7] = 0x00;
	r = decode(DLT_RAW, &f);
	assert_udp(&r, &f, 28, 4);
}
END_TEST

/* A TCP header with data offset doff (32-bit words) and flags; 4 payload bytes. */
static void fb_tcp(struct wb *f, unsigned doff, uint8_t flags)
{
	wb_u16(f, SPORT);
	wb_u16(f, DPORT);
	wb_u32(f, 0x01020304); /* seq */
	wb_u32(f, 0x0a0b0c0d); /* ack */
	wb_u8(f, (uint8_t)(doff << 4));
	wb_u8(f, flags);
	for (int i = 0; i < 6; i++) /* window, checksum, urgent */
		wb_u8(f, 0);
	for (unsigned i = 5; i < doff; i++)
		wb_u32(f, 0x01010101); /* NOP options */
	wb_bytes(f, "\x00\x02\xAB\xCD", 4);
}

START_TEST(tcp_and_other_protocols)
{
	struct wb f = {.n = 0};
	fb_ipv4(&f, 5, 20 + 20 + 4, 0, 6);
	fb_tcp(&f, 5, PKT_TCP_ACK);
	struct res r = decode(DLT_RAW, &f);
	ck_assert_int_eq(r.st, PKT_OK);
	ck_assert_uint_eq(r.p.proto, PKT_PROTO_TCP);
	ck_assert_uint_eq(r.p.sport, SPORT);
	ck_assert_uint_eq(r.p.dport, DPORT);
	ck_assert_uint_eq(r.p.tcp_seq, 0x01020304);
	ck_assert_uint_eq(r.p.tcp_ack, 0x0a0b0c0d);
	ck_assert_uint_eq(r.p.tcp_flags, PKT_TCP_ACK);
	ck_assert_uint_eq(r.off, 40);
	ck_assert_uint_eq(r.p.len, 4);

	/* options (data offset 8) are skipped; SYN seen */
	f.n = 0;
	fb_ipv6(&f, 32 + 4, 6);
	fb_tcp(&f, 8, PKT_TCP_SYN);
	r = decode(DLT_RAW, &f);
	ck_assert_int_eq(r.st, PKT_OK);
	ck_assert_uint_eq(r.off, 40 + 32);
	ck_assert_uint_eq(r.p.tcp_flags, PKT_TCP_SYN);

	/* TCP behind an IPv6 destination options header */
	f.n = 0;
	fb_ipv6(&f, 8 + 20 + 4, 60);
	wb_u8(&f, 6);
	wb_u8(&f, 0);
	wb_bytes(&f, "\x01\x04\x00\x00\x00\x00", 6);
	fb_tcp(&f, 5, PKT_TCP_FIN | PKT_TCP_ACK);
	r = decode(DLT_RAW, &f);
	ck_assert_int_eq(r.st, PKT_OK);
	ck_assert_uint_eq(r.p.proto, PKT_PROTO_TCP);
	ck_assert_uint_eq(r.p.len, 4);

	/* data offset under 5, or past the segment */
	f.n = 0;
	fb_ipv4(&f, 5, 20 + 20 + 4, 0, 6);
	fb_tcp(&f, 5, 0);
	f.b[20 + 12] = 0x40;
	ck_assert_int_eq(decode(DLT_RAW, &f).st, PKT_TCP_BAD);
	f.b[20 + 12] = 0xF0;
	ck_assert_int_eq(decode(DLT_RAW, &f).st, PKT_TCP_BAD);

	f.n = 0;
	fb_ipv4(&f, 5, 20 + 8, 0, 1); /* ICMP */
	wb_bytes(&f, "\x08\x00\x00\x00\x00\x00\x00\x00", 8);
	ck_assert_int_eq(decode(DLT_RAW, &f).st, PKT_OTHER_PROTO);
}
END_TEST

START_TEST(ipv4_bad_headers)
{
	for (unsigned ihl = 0; ihl < 5; ihl++) {
		struct wb f = {.n = 0};
		fb_udp4(&f);
		f.b[0] = (uint8_t)(0x40 | ihl);
		ck_assert_int_eq(decode(DLT_RAW, &f).st, PKT_IPV4_BAD);
		wb_eth(&f, 0); /* any trailing bytes change nothing */
		ck_assert_int_eq(decode(DLT_RAW, &f).st, PKT_IPV4_BAD);
	}
	struct wb f = {.n = 0};
	wb_eth(&f, 0x0800);
	fb_udp6(&f); /* version 6 behind the IPv4 ethertype */
	ck_assert_int_eq(decode(DLT_EN10MB, &f).st, PKT_IPV4_BAD);

	/* total length smaller than the header */
	f.n = 0;
	fb_ipv4(&f, 5, 19, 0, 17);
	fb_udp(&f, 8 + sizeof(PAYLOAD));
	wb_bytes(&f, PAYLOAD, sizeof(PAYLOAD));
	ck_assert_int_eq(decode(DLT_RAW, &f).st, PKT_IPV4_BAD);

	/* header cut by the capture */
	f.n = 0;
	fb_udp4(&f);
	ck_assert_int_eq(decode_cap(DLT_RAW, &f, 19).st, PKT_IPV4_BAD);

	/* IHL 15 (60 bytes) but only 40 captured */
	f.n = 0;
	fb_ipv4(&f, 5, 60, 0, 17);
	wb_bytes(&f, PAYLOAD, sizeof(PAYLOAD));
	f.b[0] = 0x4F;
	ck_assert_int_eq(decode(DLT_RAW, &f).st, PKT_IPV4_BAD);
}
END_TEST

START_TEST(ipv4_options)
{
	struct wb f = {.n = 0};
	fb_ipv4(&f, 6, 24 + 8 + sizeof(PAYLOAD), 0, 17);
	fb_udp(&f, 8 + sizeof(PAYLOAD));
	wb_bytes(&f, PAYLOAD, sizeof(PAYLOAD));
	struct res r = decode(DLT_RAW, &f);
	assert_udp(&r, &f, 24 + 8, 4);

	f.n = 0;
	fb_ipv4(&f, 15, 60 + 8 + sizeof(PAYLOAD), 0, 17);
	fb_udp(&f, 8 + sizeof(PAYLOAD));
	wb_bytes(&f, PAYLOAD, sizeof(PAYLOAD));
	r = decode(DLT_RAW, &f);
	assert_udp(&r, &f, 60 + 8, 4);
}
END_TEST

/* IPv4 claims more than was captured: decoded as far as it goes, flagged. */
START_TEST(ipv4_truncated_by_capture)
{
	struct wb f = {.n = 0};
	wb_eth(&f, 0x0800);
	fb_ipv4(&f, 5, 20 + 8 + 100, 0, 17);
	fb_udp(&f, 8 + 100);
	wb_bytes(&f, PAYLOAD, sizeof(PAYLOAD)); /* 12 of the 100 bytes */
	struct res r = decode(DLT_EN10MB, &f);
	ck_assert_int_eq(r.st, PKT_OK);
	ck_assert(r.p.truncated);
	ck_assert_uint_eq(r.off, 42);
	ck_assert_uint_eq(r.p.len, sizeof(PAYLOAD));

	/* a complete packet cut by the snap length inside the payload */
	f.n = 0;
	wb_eth(&f, 0x0800);
	fb_udp4(&f);
	r = decode_cap(DLT_EN10MB, &f, f.n - 5);
	ck_assert_int_eq(r.st, PKT_OK);
	ck_assert(r.p.truncated);
	ck_assert_uint_eq(r.p.len, sizeof(PAYLOAD) - 5);

	/* IPv6 payload length larger than captured */
	f.n = 0;
	fb_ipv6(&f, 8 + 500, 17);
	fb_udp(&f, 8 + 500);
	wb_bytes(&f, PAYLOAD, sizeof(PAYLOAD));
	r = decode(DLT_RAW, &f);
	ck_assert_int_eq(r.st, PKT_OK);
	ck_assert(r.p.truncated);
	ck_assert_uint_eq(r.p.len, sizeof(PAYLOAD));
}
END_TEST

/* Ethernet pads short frames to 60 bytes: the payload ends where UDP says. */
START_TEST(ethernet_padding_ignored)
{
	static const uint8_t small[4] = {1, 2, 3, 4};
	struct wb f = {.n = 0};
	wb_eth(&f, 0x0800);
	fb_ipv4(&f, 5, 20 + 8 + 4, 0, 17);
	fb_udp(&f, 8 + 4);
	wb_bytes(&f, small, 4);
	while (f.n < 60)
		wb_u8(&f, 0xEE);
	struct res r = decode(DLT_EN10MB, &f);
	ck_assert_int_eq(r.st, PKT_OK);
	ck_assert(!r.p.truncated);
	ck_assert_uint_eq(r.off, 42);
	ck_assert_uint_eq(r.p.len, 4);

	/* IPv6 the same way, with padding beyond the payload length */
	f.n = 0;
	wb_eth(&f, 0x86DD);
	fb_ipv6(&f, 8 + 4, 17);
	fb_udp(&f, 8 + 4);
	wb_bytes(&f, small, 4);
	for (int i = 0; i < 10; i++)
		wb_u8(&f, 0xEE);
	r = decode(DLT_EN10MB, &f);
	ck_assert_int_eq(r.st, PKT_OK);
	ck_assert(!r.p.truncated);
	ck_assert_uint_eq(r.p.len, 4);

	/* the UDP length shorter than the IP payload: UDP wins */
	f.n = 0;
	fb_ipv4(&f, 5, 20 + 8 + 10, 0, 17);
	fb_udp(&f, 8 + 4);
	wb_bytes(&f, PAYLOAD, 10);
	r = decode(DLT_RAW, &f);
	ck_assert_int_eq(r.st, PKT_OK);
	ck_assert_uint_eq(r.p.len, 4);
	ck_assert(!r.p.truncated);

	/* the UDP length longer than the IP payload: the IP packet ends it */
	f.n = 0;
	fb_ipv4(&f, 5, 20 + 8 + 10, 0, 17);
	fb_udp(&f, 8 + 40);
	wb_bytes(&f, PAYLOAD, 12); /* two bytes beyond the IP packet */
	r = decode(DLT_RAW, &f);
	ck_assert_int_eq(r.st, PKT_OK);
	ck_assert_uint_eq(r.p.len, 10);
}
END_TEST

START_TEST(udp_bad)
{
	struct wb f = {.n = 0};
	fb_ipv4(&f, 5, 20 + 8 + sizeof(PAYLOAD), 0, 17);
	fb_udp(&f, 7); /* shorter than its own header */
	wb_bytes(&f, PAYLOAD, sizeof(PAYLOAD));
	ck_assert_int_eq(decode(DLT_RAW, &f).st, PKT_UDP_BAD);
	f.b[20 + 4] = 0;
	f.b[20 + 5] = 0;
	ck_assert_int_eq(decode(DLT_RAW, &f).st, PKT_UDP_BAD);

	/* length 8: an empty datagram is fine */
	f.b[20 + 5] = 8;
	struct res r = decode(DLT_RAW, &f);
	ck_assert_int_eq(r.st, PKT_OK);
	ck_assert_uint_eq(r.p.len, 0);

	/* UDP header cut short by the IP total length and by the capture */
	f.n = 0;
	fb_ipv4(&f, 5, 20 + 4, 0, 17);
	fb_udp(&f, 8 + sizeof(PAYLOAD));
	ck_assert_int_eq(decode(DLT_RAW, &f).st, PKT_UDP_BAD);
	f.n = 0;
	fb_udp4(&f);
	ck_assert_int_eq(decode_cap(DLT_RAW, &f, 20 + 6).st, PKT_UDP_BAD);
}
END_TEST

START_TEST(status_names)
{
	ck_assert_str_eq(pkt_status_str(PKT_FRAGMENT), "fragment");
	ck_assert_str_eq(pkt_status_str(PKT_IPV4_BAD), "ipv4_bad");
	for (int i = 0; i < PKT__COUNT; i++) {
		ck_assert_ptr_nonnull(pkt_status_str((enum pkt_status)i));
		for (int j = i + 1; j < PKT__COUNT; j++)
			ck_assert_str_ne(pkt_status_str((enum pkt_status)i),
			                 pkt_status_str((enum pkt_status)j));
	}
}
END_TEST


/* An outer IPv4 header between other addresses (10.0.0.1 -> 10.0.0.2). */
static void fb_outer4(struct wb *f, unsigned payload, unsigned proto)
{
	static const uint8_t a[4] = {10, 0, 0, 1}, b[4] = {10, 0, 0, 2};
	wb_ipv4(f, 5, 20 + payload, 7, 0, proto, a, b);
}

#define INNER4 (20 + 8 + sizeof(PAYLOAD))
#define INNER6 (40 + 8 + sizeof(PAYLOAD))

START_TEST(gre_ipv4_and_ipv6)
{
	struct wb f = {.n = 0};
	wb_eth(&f, 0x0800);
	fb_outer4(&f, 4 + INNER4, 47);
	wb_u16(&f, 0x0000);
	wb_u16(&f, 0x0800);
	fb_udp4(&f);
	struct res r = decode(DLT_EN10MB, &f);
	assert_udp(&r, &f, 14 + 20 + 4 + 20 + 8, 4); /* inner addresses */
	ck_assert_uint_eq(r.p.tunnels, 1);

	/* checksum, key and sequence present: 12 more bytes */
	f.n = 0;
	wb_eth(&f, 0x0800);
	fb_outer4(&f, 16 + INNER6, 47);
	wb_u16(&f, 0xB000);
	wb_u16(&f, 0x86DD);
	wb_u32(&f, 0);
	wb_u32(&f, 0xCAFE);
	wb_u32(&f, 1);
	fb_udp6(&f);
	r = decode(DLT_EN10MB, &f);
	assert_udp(&r, &f, 14 + 20 + 16 + 40 + 8, 6);

	/* GRE version 2 does not exist */
	f.b[14 + 20 + 1] = 2;
	ck_assert_int_eq(decode(DLT_EN10MB, &f).st, PKT_TUNNEL_BAD);
}
END_TEST

START_TEST(erspan_types)
{
	/* type II: GRE with a sequence number, an 8-byte ERSPAN header, Ethernet */
	struct wb f = {.n = 0};
	wb_eth(&f, 0x0800);
	fb_outer4(&f, 8 + 8 + 14 + INNER4, 47);
	wb_u16(&f, 0x1000);
	wb_u16(&f, 0x88BE);
	wb_u32(&f, 42);
	wb_u32(&f, 0x10010064);
	wb_u32(&f, 0);
	wb_eth(&f, 0x0800);
	fb_udp4(&f);
	struct res r = decode(DLT_EN10MB, &f);
	assert_udp(&r, &f, 14 + 20 + 8 + 8 + 14 + 20 + 8, 4);

	/* type I: no sequence number and no ERSPAN header */
	f.n = 0;
	wb_eth(&f, 0x0800);
	fb_outer4(&f, 4 + 14 + INNER4, 47);
	wb_u16(&f, 0x0000);
	wb_u16(&f, 0x88BE);
	wb_eth(&f, 0x0800);
	fb_udp4(&f);
	r = decode(DLT_EN10MB, &f);
	assert_udp(&r, &f, 14 + 20 + 4 + 14 + 20 + 8, 4);
}
END_TEST

/* Outer IPv4 + UDP to dport, for VXLAN and Geneve. */
static void fb_outer_udp(struct wb *f, unsigned dport, unsigned inner)
{
	wb_eth(f, 0x0800);
	fb_outer4(f, 8 + inner, 17);
	wb_u16(f, 51000);
	wb_u16(f, dport);
	wb_u16(f, 8 + inner);
	wb_u16(f, 0);
}

START_TEST(vxlan_and_geneve)
{
	struct wb f = {.n = 0};
	fb_outer_udp(&f, 4789, 8 + 14 + INNER4);
	wb_u32(&f, 0x08000000);
	wb_u32(&f, 0x00123400);
	wb_eth(&f, 0x0800);
	fb_udp4(&f);
	struct res r = decode(DLT_EN10MB, &f);
	assert_udp(&r, &f, 14 + 20 + 8 + 8 + 14 + 20 + 8, 4);
	/* no I flag: not VXLAN, so the outer UDP payload as it is (a resolver
	 * may use 4789 as its client port; the port check decides downstream) */
	f.b[14 + 20 + 8] = 0;
	r = decode(DLT_EN10MB, &f);
	ck_assert_int_eq(r.st, PKT_OK);
	ck_assert_uint_eq(r.p.dport, 4789);
	ck_assert_uint_eq(r.p.sport, 51000);
	ck_assert_uint_eq(r.off, 14 + 20 + 8);
	ck_assert_uint_eq(r.p.len, 8 + 14 + INNER4);
	ck_assert_uint_eq(r.p.tunnels, 0);
	char a[NET_ADDR_TEXT_MAX];
	net_addr_format(&r.p.src, a);
	ck_assert_str_eq(a, "10.0.0.1");

	/* a DNS reply to client port 6081 stays a DNS reply */
	f.n = 0;
	wb_eth(&f, 0x0800);
	fb_outer4(&f, 8 + sizeof(PAYLOAD), 17);
	wb_u16(&f, 53);
	wb_u16(&f, 6081);
	wb_u16(&f, 8 + sizeof(PAYLOAD));
	wb_u16(&f, 0);
	wb_bytes(&f, PAYLOAD, sizeof(PAYLOAD));
	r = decode(DLT_EN10MB, &f);
	ck_assert_int_eq(r.st, PKT_OK);
	ck_assert_uint_eq(r.p.sport, 53);
	ck_assert_uint_eq(r.p.dport, 6081);
	ck_assert_uint_eq(r.off, 14 + 20 + 8);
	ck_assert_uint_eq(r.p.len, sizeof(PAYLOAD));

	/* Geneve with one 4-byte option carrying Ethernet */
	f.n = 0;
	fb_outer_udp(&f, 6081, 8 + 4 + 14 + INNER6);
	wb_u8(&f, 0x01);
	wb_u8(&f, 0);
	wb_u16(&f, 0x6558);
	wb_u32(&f, 0x00123400);
	wb_u32(&f, 0x01020304);
	wb_eth(&f, 0x86DD);
	fb_udp6(&f);
	r = decode(DLT_EN10MB, &f);
	assert_udp(&r, &f, 14 + 20 + 8 + 12 + 14 + 40 + 8, 6);
}
END_TEST

START_TEST(pppoe_mpls_ipip_ppp)
{
	struct wb f = {.n = 0};
	wb_eth(&f, 0x8864);
	wb_u8(&f, 0x11);
	wb_u8(&f, 0);
	wb_u16(&f, 0x0001);
	wb_u16(&f, 2 + INNER4);
	wb_u16(&f, 0x0021);
	fb_udp4(&f);
	struct res r = decode(DLT_EN10MB, &f);
	assert_udp(&r, &f, 14 + 6 + 2 + 20 + 8, 4);

	f.n = 0;
	wb_eth(&f, 0x8847);
	wb_u32(&f, (16u << 12) | 64);          /* label 16 */
	wb_u32(&f, (17u << 12) | 0x100 | 64);  /* label 17, bottom of stack */
	fb_udp6(&f);
	r = decode(DLT_EN10MB, &f);
	assert_udp(&r, &f, 14 + 8 + 40 + 8, 6);

	f.n = 0;
	fb_outer4(&f, INNER4, 4);
	fb_udp4(&f);
	r = decode(DLT_RAW, &f);
	assert_udp(&r, &f, 20 + 20 + 8, 4);

	f.n = 0;
	wb_u16(&f, 0xFF03);
	wb_u16(&f, 0x0057);
	fb_udp6(&f);
	r = decode(DLT_PPP, &f);
	assert_udp(&r, &f, 4 + 40 + 8, 6);
}
END_TEST

START_TEST(fddi_link)
{
	struct wb f = {.n = 0};
	wb_u8(&f, 0x50); /* frame control: LLC */
	for (int i = 0; i < 12; i++)
		wb_u8(&f, (unsigned)i);
	wb_bytes(&f, "\xAA\xAA\x03\x00\x00\x00", 6); /* LLC/SNAP */
	wb_u16(&f, 0x0800);
	fb_udp4(&f);
	struct res r = decode(10 /* DLT_FDDI */, &f);
	assert_udp(&r, &f, 13 + 8 + 20 + 8, 4);
	ck_assert(pkt_linktype_supported(10));
	f.b[13] = 0x42; /* not SNAP */
	ck_assert_int_eq(decode(10, &f).st, PKT_NOT_IP);
	ck_assert_int_eq(decode_cap(10, &f, 15).st, PKT_LINK_SHORT);
}
END_TEST

START_TEST(tunnel_depth)
{
	/* five IP-in-IP layers: more than are followed */
	struct wb f = {.n = 0};
	for (int i = 0; i < 5; i++)
		fb_outer4(&f, (unsigned)((4 - i) * 20) + INNER4, 4);
	fb_udp4(&f);
	ck_assert_int_eq(decode(DLT_RAW, &f).st, PKT_TUNNEL_DEPTH);
	/* four are fine */
	struct wb g = {.n = 0};
	for (int i = 0; i < 4; i++)
		fb_outer4(&g, (unsigned)((3 - i) * 20) + INNER4, 4);
	fb_udp4(&g);
	struct res r = decode(DLT_RAW, &g);
	assert_udp(&r, &g, 4 * 20 + 20 + 8, 4);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("packet");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, ethernet_ipv4_udp);
	tcase_add_test(tc, ethernet_ipv6_udp);
	tcase_add_test(tc, vlan_8021q);
	tcase_add_test(tc, vlan_qinq);
	tcase_add_test(tc, vlan_too_many_tags);
	tcase_add_test(tc, not_ip_and_short_links);
	tcase_add_test(tc, unsupported_link);
	tcase_add_test(tc, linux_sll);
	tcase_add_test(tc, linux_sll2);
	tcase_add_test(tc, bsd_null_both_orders);
	tcase_add_test(tc, bsd_loop);
	tcase_add_test(tc, raw_ip);
	tcase_add_test(tc, ipv6_extension_headers);
	tcase_add_test(tc, ipv6_longer_options_routing_ah);
	tcase_add_test(tc, ipv6_fragment);
	tcase_add_test(tc, ipv6_bad);
	tcase_add_test(tc, ipv6_extension_chain_too_long);
	tcase_add_test(tc, ipv4_fragments);
	tcase_add_test(tc, tcp_and_other_protocols);
	tcase_add_test(tc, gre_ipv4_and_ipv6);
	tcase_add_test(tc, erspan_types);
	tcase_add_test(tc, vxlan_and_geneve);
	tcase_add_test(tc, pppoe_mpls_ipip_ppp);
	tcase_add_test(tc, tunnel_depth);
	tcase_add_test(tc, fddi_link);
	tcase_add_test(tc, ipv4_bad_headers);
	tcase_add_test(tc, ipv4_options);
	tcase_add_test(tc, ipv4_truncated_by_capture);
	tcase_add_test(tc, ethernet_padding_ignored);
	tcase_add_test(tc, udp_bad);
	tcase_add_test(tc, status_names);
	suite_add_tcase(s, tc);
	return check_run(s);
}
