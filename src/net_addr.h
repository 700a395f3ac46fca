/*
 * net_addr.h - an IPv4 or IPv6 address as a value type.
 */
#ifndef DNS_GAZER_NET_ADDR_H
#define DNS_GAZER_NET_ADDR_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Longest text form (IPv6 with embedded IPv4) plus NUL. */
#define NET_ADDR_TEXT_MAX 46

struct net_addr {
	uint8_t family; /* 4 or 6 */
	uint8_t bytes[16]; /* network order; IPv4 uses the first 4, rest zero */
};

static inline void net_addr_set4(struct net_addr *a, const uint8_t *p)
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	memcpy(a->bytes, p, 4);
}

static inline void net_addr_set6(struct net_addr *a, const uint8_t *p)
{
	a->family = 6;
	memcpy(a->bytes, p, 16);
}

static inline bool net_addr_equal(const struct net_addr *a, const struct net_addr *b)
{
	return a->family == b->family && memcmp(a->bytes, b->bytes, 16) == 0;
}

/*
 * Write the text form into buf (RFC 5952 for IPv6, dotted quad for IPv4);
 * returns the length.
 */
int net_addr_format(const struct net_addr *a, char buf[NET_ADDR_TEXT_MAX]);

/*
 * The text form of the 4 bytes (dotted quad) or 16 bytes (IPv6) at p,
 * NUL-terminated in buf; returns the length.  Same text as inet_ntop()
 * (zero runs of two or more groups compressed, the first of the longest;
 * an IPv4-compatible or IPv4-mapped address ends in a dotted quad),
 * without its cost: these run for every address of every logged event.
 */
int net_addr_text4(const uint8_t *p, char buf[NET_ADDR_TEXT_MAX]);
int net_addr_text6(const uint8_t *p, char buf[NET_ADDR_TEXT_MAX]);

#endif /* DNS_GAZER_NET_ADDR_H */
