/*
 * hash.h - keyed hash for tables indexed by attacker-chosen values.
 *
 * SipHash (Aumasson and Bernstein, 2012) with a 128-bit key drawn at
 * start-up, so a sender cannot aim its queries at one bucket.
 *
 * The tables use SipHash-1-3: one compression round per word and three at
 * the end instead of two and four.  What a table needs is that an outsider
 * who does not know the key cannot predict collisions; SipHash-1-3 still
 * gives that (no attack on it is known, and it is the default keyed hash
 * of Rust's HashMap and of CPython's str hash for this reason), at about
 * half the cost, which counts when every packet is hashed once or twice.
 * SipHash-2-4, the paper's conservative choice for a MAC, stays available.
 */
#ifndef DNS_GAZER_HASH_H
#define DNS_GAZER_HASH_H

#include <stddef.h>
#include <stdint.h>

struct hash_key {
	uint64_t k0, k1;
};

/* Fill key from the system's random source; returns 0 or -1. */
int hash_key_random(struct hash_key *key);

/* SipHash-2-4 of n bytes at data. */
uint64_t hash_siphash(const struct hash_key *key, const void *data, size_t n);

/* SipHash-1-3 of n bytes at data: what the tables use. */
uint64_t hash_siphash13(const struct hash_key *key, const void *data, size_t n);

#endif /* DNS_GAZER_HASH_H */
