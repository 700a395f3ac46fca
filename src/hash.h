/*
 * hash.h - keyed hash for tables indexed by attacker-chosen values.
 *
 * SipHash-2-4 (Aumasson and Bernstein, 2012) with a 128-bit key drawn at
 * start-up, so a sender cannot aim its queries at one bucket.
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

#endif /* DNS_GAZER_HASH_H */
