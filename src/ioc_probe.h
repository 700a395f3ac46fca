/*
 * ioc_probe.h - the hash of names and the Bloom filter of an indicator set
 * (ioc.h), inline because the packet path runs them for every label of
 * every name it matches.
 *
 * The hash of a name is chained label by label from the right: each
 * label's hash covers the hash of the labels after it, so the hashes of
 * all the suffixes of a name come from one pass over it, and a suffix
 * shared by several names of a message is hashed once (ioc_match.c).
 * A label is hashed with 0x20 set in every octet, which lowers A-Z and
 * merges only a few other octets (the table then compares the real ones),
 * so a name is hashed as it sits in a packet, in any case, without a copy.
 *
 * Not SipHash: the table is built from the operator's lists, so a sender
 * can only look names up, never fill a bucket; the random seed keeps it
 * from aiming a look-up at a cluster.
 *
 * The filter: 64-byte blocks, two bits per key in one block, 4 bits per
 * table slot (8 or more per key: about 5 % false positives).  It stays in
 * cache where the table (32 MiB for a million names) does not, so most
 * look-ups of names that are not listed end without touching the table.
 */
#ifndef DNS_GAZER_IOC_PROBE_H
#define DNS_GAZER_IOC_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct ioc_probe {
	uint64_t k0, k1;   /* the set's random seed */
	uint64_t *filter;  /* nblock blocks of 8 words */
	size_t nblock;     /* a power of two */
};

#define IOC_FOLD8 UINT64_C(0x2020202020202020)
#define IOC_MUL UINT64_C(0x9E3779B97F4A7C15)

/* The hash of the root name, which every chain starts from. */
static inline uint64_t ioc_probe_root(const struct ioc_probe *p)
{
	return p->k1;
}

/* The 8 octets at b as a little-endian number, on any host. */
static inline uint64_t ioc_load_le64(const uint8_t *b)
{
	uint64_t w;
	memcpy(&w, b, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

/*
 * The last n (1..8) octets before buf[end], folded.  With 8 octets of the
 * buffer before end, one load, shifted; else octet by octet.  Either way
 * the same number.
 */
static inline uint64_t ioc_tail_word(const uint8_t *buf, size_t end, size_t n)
{
	uint64_t w = 0;
	if (end >= 8) {
		w = ioc_load_le64(buf + end - 8) >> (8 * (8 - n));
	} else {
		for (size_t i = 0; i < n; i++)
			w |= (uint64_t)buf[end - n + i] << (8 * i);
	}
	return w | (IOC_FOLD8 >> (8 * (8 - n)));
}

/*
 * The hash of the suffix whose first label is at buf[off] (its length
 * octet, at most 63, then its octets, all inside buf), given the hash of
 * the rest of the name.
 */
static inline uint64_t ioc_probe_label(const struct ioc_probe *p, uint64_t rest,
                                       const uint8_t *buf, size_t off)
{
	size_t n = 1 + (size_t)buf[off]; /* the length octet and the label */
	uint64_t h = rest ^ p->k0;
	for (; n > 8; off += 8, n -= 8) {
		h = (h ^ (ioc_load_le64(buf + off) | IOC_FOLD8)) * IOC_MUL;
		h ^= h >> 32;
	}
	h = (h ^ ioc_tail_word(buf, off + n, n)) * IOC_MUL;
	/* enough avalanche for the filter's and the table's bits */
	h ^= h >> 29;
	h *= UINT64_C(0xBF58476D1CE4E5B9);
	h ^= h >> 32;
	return h;
}

/* The block of a hash in a filter of nblock blocks, and its two bits. */
static inline size_t ioc_filter_bits(uint64_t h, size_t nblock, unsigned *w1, uint64_t *b1,
                                     unsigned *w2, uint64_t *b2)
{
	uint64_t f = h * UINT64_C(0xD6E8FEB86659FD93); /* a remix: other bits than the table's */
	*w1 = (unsigned)(f >> 6) & 7;
	*b1 = UINT64_C(1) << (f & 63);
	*w2 = (unsigned)(f >> 15) & 7;
	*b2 = UINT64_C(1) << ((f >> 9) & 63);
	return (size_t)(f >> 40) & (nblock - 1);
}

/* Whether a key with hash h may be in the set (false: surely not). */
static inline bool ioc_probe_maybe(const struct ioc_probe *p, uint64_t h)
{
	unsigned w1, w2;
	uint64_t b1, b2;
	const uint64_t *block = p->filter + ioc_filter_bits(h, p->nblock, &w1, &b1, &w2, &b2) * 8;
	return (block[w1] & b1) && (block[w2] & b2);
}

#endif /* DNS_GAZER_IOC_PROBE_H */
