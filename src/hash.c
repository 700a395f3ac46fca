/* hash.c - SipHash-2-4 and SipHash-1-3, written from the paper's specification. */
#include "config.h"

#include "hash.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#ifdef HAVE_SYS_RANDOM_H
#include <sys/random.h>
#endif

int hash_key_random(struct hash_key *key)
{
	uint8_t b[16];
#ifdef HAVE_GETRANDOM
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return -1;
#elif defined(HAVE_ARC4RANDOM_BUF)
	arc4random_buf(b, sizeof(b));
#else
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, b, sizeof(b));
	close(fd);
	if (n != (ssize_t)sizeof(b))
		return -1;
#endif
	memcpy(&key->k0, b, 8);
	memcpy(&key->k1, b + 8, 8);
	return 0;
}

static inline uint64_t rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

static inline uint64_t load_le64(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
#else
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
#endif
}

#define SIPROUND                                                                        \
	do {                                                                            \
		v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);               \
		v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;                                  \
		v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;                                  \
		v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);               \
	} while (0)

/*
 * SipHash-c-d: c rounds per 8-byte word, d rounds at the end.  Inlined
 * into each variant below, where c and d are constants.
 */
static inline uint64_t siphash(const struct hash_key *key, const void *data, size_t n, int c,
                               int d)
{
	const uint8_t *p = data;
	uint64_t v0 = key->k0 ^ 0x736f6d6570736575ULL;
	uint64_t v1 = key->k1 ^ 0x646f72616e646f6dULL;
	uint64_t v2 = key->k0 ^ 0x6c7967656e657261ULL;
	uint64_t v3 = key->k1 ^ 0x7465646279746573ULL;
	size_t whole = n & ~(size_t)7;

	for (size_t i = 0; i < whole; i += 8) {
		uint64_t m = load_le64(p + i);
		v3 ^= m;
		for (int r = 0; r < c; r++)
			SIPROUND;
		v0 ^= m;
	}
	uint64_t last = (uint64_t)(n & 0xFF) << 56;
	for (size_t i = 0; i < (n & 7); i++)
		last |= (uint64_t)p[whole + i] << (8 * i);
	v3 ^= last;
	for (int r = 0; r < c; r++)
		SIPROUND;
	v0 ^= last;
	v2 ^= 0xFF;
	for (int r = 0; r < d; r++)
		SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t hash_siphash(const struct hash_key *key, const void *data, size_t n)
{
	return siphash(key, data, n, 2, 4);
}

uint64_t hash_siphash13(const struct hash_key *key, const void *data, size_t n)
{
	return siphash(key, data, n, 1, 3);
}
