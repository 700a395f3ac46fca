/* ioc.c - indicator sets: loading and lookups, see ioc.h. */
#include "config.h"

#include "ioc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "compiler.h"
#include "dns_name.h"
#include "hash.h"
#include "tbuf.h"

/*
 * What look-ups on the packet path read of a set: the seed and a blocked
 * Bloom filter in front of the table (64-byte blocks; 16 bits per table
 * slot), which answers most look-ups of unlisted names from one cache line
 * where the table (32 MiB for a million names) would cost a trip to memory.
 *
 * The filter holds two sets, each key's bits in the same block: "listed"
 * (every key of the table) and "above" (every suffix of two labels or more
 * of every name indicator, the name included).  A name is looked up from
 * its right end: as soon as a suffix is not "above" anything listed, no
 * longer suffix can be listed, and the look-up stops.  So most names cost
 * one block and the hashes of their last two labels, not one block per
 * label.  Two bits per key and set: about 3 % false positives per test
 * with a million names of three labels.
 */
struct ioc_probe {
	uint64_t k0, k1;   /* the set's random seed */
	uint64_t *filter;  /* nblock blocks of 8 words */
	size_t nblock;     /* a power of two */
	bool one_label;    /* some name indicator has a single label ("zip") */
};

/* First octet of an address key; a name's first octet (a length) is < 64. */
#define KEY_V4 0xF4
#define KEY_V6 0xF6
#define LABEL_MAX 200
#define MAX_LABELS 128 /* labels in a 255-octet name */
#define FILTER_SLOTS_PER_BLOCK 32 /* 512 filter bits per 32 table slots */

/*
 * One table slot.  tag is 32 bits of the key's hash with the low bit set
 * (0 = empty), key the offset of the key in the pool (a length octet and
 * the bytes).  label[kind] is 0 when there is no indicator of that kind
 * for this key, 1 when there is one without a label, 2 + i for label i.
 */
struct ioc_slot {
	uint32_t tag;
	uint32_t key;
	uint32_t label[2];
};

struct ioc_set {
	struct hash_key hk;
	struct ioc_slot *slot;
	size_t nslot; /* a power of two */
	size_t used;
	uint8_t *pool;
	size_t pool_len, pool_cap;
	char **labels; /* interned label strings */
	size_t nlabels, labels_cap;
	uint32_t *label_idx; /* open addressing: index + 1, 0 empty */
	size_t nlabel_idx;
	struct ioc_probe pr; /* seed and the Bloom filter in front of the table */
	size_t count;
	bool has_names;
	/* prefix lengths present, longest first, per family */
	uint8_t lens4[33], nlens4;
	uint8_t lens6[129], nlens6;
};

struct ioc_set *ioc_set_new(void)
{
	struct ioc_set *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->nslot = 1024;
	s->slot = calloc(s->nslot, sizeof(*s->slot));
	s->pr.nblock = s->nslot / FILTER_SLOTS_PER_BLOCK;
	s->pr.filter = calloc(s->pr.nblock * 8, sizeof(*s->pr.filter));
	s->nlabel_idx = 64;
	s->label_idx = calloc(s->nlabel_idx, sizeof(*s->label_idx));
	if (!s->slot || !s->pr.filter || !s->label_idx || hash_key_random(&s->hk) < 0) {
		ioc_set_free(s);
		return NULL;
	}
	s->pr.k0 = s->hk.k0;
	s->pr.k1 = s->hk.k1;
	return s;
}

void ioc_set_free(struct ioc_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nlabels; i++)
		free(s->labels[i]);
	free(s->labels);
	free(s->label_idx);
	free(s->slot);
	free(s->pr.filter);
	free(s->pool);
	free(s);
}

size_t ioc_set_count(const struct ioc_set *s)
{
	return s->count;
}

bool ioc_set_has_names(const struct ioc_set *s)
{
	return s->has_names;
}

bool ioc_set_has_addrs(const struct ioc_set *s)
{
	return s->nlens4 + s->nlens6 > 0;
}

/* ---------------------------------------------------------------- hashing */

/*
 * The hash of a name is chained label by label from the right: each
 * label's hash covers the hash of the labels after it, so the hashes of
 * all the suffixes of a name come from one pass over it.  A label is
 * hashed with 0x20 set in every octet, which lowers A-Z and merges only a
 * few other octets (the table then compares the real ones), so a name is
 * hashed where it sits in a packet, in any case, without a copy.
 *
 * Not SipHash: the table is built from the operator's lists, so a sender
 * can only look names up, never fill a bucket; the random seed keeps it
 * from aiming a look-up at a cluster.
 */
#define FOLD8 UINT64_C(0x2020202020202020)
#define HASH_MUL UINT64_C(0x9E3779B97F4A7C15)

/* The hash of the root name, which every chain starts from. */
static inline uint64_t root_hash(const struct ioc_probe *p)
{
	return p->k1;
}

/* The 8 octets at b as a little-endian number, on any host. */
static inline uint64_t load_le64(const uint8_t *b)
{
	/* by shifts, which compilers turn into one load on little-endian hosts */
	return (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 | (uint64_t)b[3] << 24 |
	       (uint64_t)b[4] << 32 | (uint64_t)b[5] << 40 | (uint64_t)b[6] << 48 |
	       (uint64_t)b[7] << 56;
}

/*
 * The last n (1..8) octets before buf[end], folded.  With 8 octets of the
 * buffer before end, one load, shifted; else octet by octet.  Either way
 * the same number.
 */
static inline uint64_t tail_word(const uint8_t *buf, size_t end, size_t n)
{
	unsigned shift = (unsigned)(8 * (8 - n)) & 63; /* n is 1..8: the mask is for the analyzer */
	uint64_t w = 0;
	if (end >= 8) {
		w = load_le64(buf + end - 8) >> shift;
	} else {
		for (size_t i = 0; i < n; i++)
			w |= (uint64_t)buf[end - n + i] << (8 * i);
	}
	return w | (FOLD8 >> shift);
}

/*
 * One link of the chain: from the chained hash of the rest of a name, that
 * of the suffix whose first label is at buf[off] (its length octet, at
 * most 63, then its octets, all inside buf).  A multiply and a shift per 8
 * octets, so that the labels of a name hash at the pace of their
 * multiplies; the table and the filter take each suffix's chained hash
 * through key_hash(), which no later link waits for.  The shift folds the
 * product's high half down: without it, a multiply carries a flip of the
 * top bit straight to the top bit, and flipping it in two words one after
 * the other would make the same hash whatever the seed.
 */
static inline uint64_t mix_word(uint64_t h, uint64_t w)
{
	h = (h ^ w) * HASH_MUL;
	return h ^ h >> 32;
}

static inline uint64_t label_hash(uint64_t rest, const uint8_t *buf, size_t off)
{
	size_t n = 1 + (size_t)buf[off]; /* the length octet and the label */
	uint64_t h = rest;
	for (; n > 8; off += 8, n -= 8)
		h = mix_word(h, load_le64(buf + off) | FOLD8);
	return mix_word(h, tail_word(buf, off + n, n));
}

/* The hash of a key from its chained hash: seeded, and mixed (MurmurHash3's finaliser). */
static inline uint64_t key_hash(const struct ioc_probe *p, uint64_t chained)
{
	uint64_t h = chained ^ p->k0;
	h ^= h >> 33;
	h *= UINT64_C(0xFF51AFD7ED558CCD);
	h ^= h >> 33;
	h *= UINT64_C(0xC4CEB9FE1A85EC53);
	h ^= h >> 33;
	return h;
}

enum filter_set { LISTED = 0, ABOVE = 1 };

/*
 * Where a hash falls in the filter: a remix of it (other bits than the
 * table's), whose top bits pick the block and whose low 40 bits give each
 * set's two bits in it (20 bits a set: word and bit, twice).
 */
static inline uint64_t filter_mix(uint64_t h)
{
	return h * UINT64_C(0xD6E8FEB86659FD93);
}

static inline const uint64_t *filter_block(const uint64_t *filter, size_t nblock, uint64_t f)
{
	return filter + ((size_t)(f >> 40) & (nblock - 1)) * 8;
}

static inline bool filter_in(const uint64_t *block, uint64_t f, int set)
{
	f >>= set * 20;
	return (block[(f >> 6) & 7] >> (f & 63) & 1) && (block[(f >> 15) & 7] >> ((f >> 9) & 63) & 1);
}

static void filter_add(uint64_t *filter, size_t nblock, uint64_t h, int set)
{
	uint64_t f = filter_mix(h);
	uint64_t *block = filter + ((size_t)(f >> 40) & (nblock - 1)) * 8;
	f >>= set * 20;
	block[(f >> 6) & 7] |= UINT64_C(1) << (f & 63);
	block[(f >> 15) & 7] |= UINT64_C(1) << ((f >> 9) & 63);
}

/* Whether a key with hash h may be in the set (false: surely not). */
static inline bool filter_has(const struct ioc_probe *p, uint64_t h)
{
	uint64_t f = filter_mix(h);
	return filter_in(filter_block(p->filter, p->nblock, f), f, LISTED);
}

static uint32_t tag_of(uint64_t h)
{
	return (uint32_t)(h >> 32) | 1u;
}

/* The seeded hash of an address key (no case to fold there), for the same table. */
static uint64_t bytes_hash(const struct ioc_set *s, const uint8_t *p, size_t n)
{
	const uint64_t m = HASH_MUL;
	uint64_t h = s->hk.k0 + n * m;
	uint64_t w;
	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * m;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, p, n);
	h = (h ^ w ^ s->hk.k1) * m;
	/* final avalanche (the MurmurHash3 finaliser) */
	h ^= h >> 33;
	h *= 0xFF51AFD7ED558CCDu;
	h ^= h >> 33;
	h *= 0xC4CEB9FE1A85EC53u;
	h ^= h >> 33;
	return h;
}

/* What a walk may return besides a number of labels. */
enum { WALK_BAD = -1, WALK_CLEAN = -2 };

/*
 * Offsets of the labels of the uncompressed name w[0..len), root
 * excluded; returns their number, or WALK_BAD if the name is not well
 * formed or does not end at len.  At most 127 labels fit in 255 octets.
 */
static int walk_flat(const uint8_t *w, size_t len, uint32_t off[MAX_LABELS])
{
	if (len > DNS_NAME_MAXWIRE)
		return WALK_BAD;
	size_t p = 0;
	int n = 0;
	while (p < len) {
		uint8_t c = w[p];
		if (c == 0)
			return p + 1 == len ? n : WALK_BAD;
		if (c > 63)
			return WALK_BAD;
		off[n++] = (uint32_t)p;
		p += 1 + (size_t)c;
	}
	return WALK_BAD;
}

static inline bool is_clean(const struct ioc_clean *c, size_t p)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->off[i] == p)
			return true;
	return false;
}

/*
 * Offsets of the labels of the name at msg[pos], root excluded, followed
 * through compression pointers by dns_name.h's rules; returns their
 * number, WALK_BAD if the name is not well formed, or WALK_CLEAN if a
 * pointer in it leads to a label of clean (a clean label reached without a
 * pointer is only looked up again).  A label's octets need no
 * test of their own: the next length octet, which must come before len, is
 * past them.
 */
static int walk_at(const uint8_t *msg, size_t len, size_t pos, const struct ioc_clean *clean,
                   uint32_t off[MAX_LABELS])
{
	size_t p = pos, limit = pos, octets = 0;
	int n = 0;
	while (p < len) {
		uint8_t c = msg[p];
		if (c == 0)
			return n;
		if (c <= 63) {
			octets += 1 + (size_t)c; /* 2 or more a label: at most 127 labels */
			if (octets >= DNS_NAME_MAXWIRE)
				return WALK_BAD;
			off[n++] = (uint32_t)p;
			p += 1 + (size_t)c;
		} else if (c >= 0xC0 && len - p >= 2) {
			size_t t = ((size_t)(c & 0x3F) << 8) | msg[p + 1];
			if (t >= limit)
				return WALK_BAD;
			if (is_clean(clean, t))
				return WALK_CLEAN;
			limit = p = t;
		} else {
			return WALK_BAD;
		}
	}
	return WALK_BAD;
}

/*
 * The key hashes of every suffix of a lower-case wire name: h[i] for the
 * suffix starting at its label i, h[0] the whole name's.  Returns the
 * number of labels.
 */
static int suffix_hashes(const struct ioc_set *s, const uint8_t *w, size_t wlen,
                         uint64_t h[MAX_LABELS])
{
	uint32_t off[MAX_LABELS];
	int n = walk_flat(w, wlen, off);
	uint64_t chain = root_hash(&s->pr);
	h[0] = key_hash(&s->pr, chain); /* the root's, should the name have no label */
	for (int i = n - 1; i >= 0; i--) {
		chain = label_hash(chain, w, off[i]);
		h[i] = key_hash(&s->pr, chain);
	}
	return n;
}

/* A name's suffixes of two labels or more into the filter's "above"; returns its hash. */
static uint64_t add_above(const uint64_t *h, int n, uint64_t *filter, size_t nblock)
{
	for (int i = 0; i + 2 <= n; i++)
		filter_add(filter, nblock, h[i], ABOVE);
	return h[0];
}

/* The slot holding key[0..n) with hash h, or NULL. */
static const struct ioc_slot *find(const struct ioc_set *s, uint64_t h, const uint8_t *key,
                                   size_t n)
{
	size_t mask = s->nslot - 1;
	uint32_t tag = tag_of(h);
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		const struct ioc_slot *sl = &s->slot[i];
		if (sl->tag == 0)
			return NULL;
		if (sl->tag == tag && s->pool[sl->key] == n && memcmp(s->pool + sl->key + 1, key, n) == 0)
			return sl;
	}
}

/*
 * What the suffix at msg[off], with hash h, is listed as: a mask of
 * 1 << IOC_KIND_DOMAIN and 1 << IOC_KIND_BELOW.  Out of line: the filter
 * sends few look-ups here.
 */
static COLD unsigned listed(const struct ioc_set *s, const uint8_t *msg, size_t len, size_t off,
                       uint64_t h, uint32_t *slot)
{
	uint8_t key[DNS_NAME_MAXWIRE];
	size_t klen;
	if (dns_name_unpack(msg, len, &off, key, &klen) != DNS_NAME_OK)
		return 0;
	dns_name_lower(key, klen);
	const struct ioc_slot *sl = find(s, h, key, klen);
	if (!sl)
		return 0;
	*slot = (uint32_t)(sl - s->slot);
	return (sl->label[IOC_KIND_DOMAIN] ? 1u << IOC_KIND_DOMAIN : 0u) |
	       (sl->label[IOC_KIND_BELOW] ? 1u << IOC_KIND_BELOW : 0u);
}

/*
 * The most specific indicator for the name whose n labels start at
 * msg[off[i]].  *stop is where the look-up stopped when it found nothing
 * because nothing listed ends in the name from label *stop on, else -1.
 */
static bool lookup_labels(const struct ioc_set *s, const uint8_t *msg, size_t len,
                          const uint32_t *off, int n, int *stop, struct ioc_ref *ref)
{
	bool found = false;
	uint64_t chain = root_hash(&s->pr);
	*stop = -1;
	/* from the right: the last indicator found is the most specific */
	for (int i = n - 1; i >= 0; i--) {
		chain = label_hash(chain, msg, off[i]);
		int labels = n - i;
		if (labels == 1 && !s->pr.one_label)
			continue;
		uint64_t h = key_hash(&s->pr, chain), f = filter_mix(h);
		const uint64_t *block = filter_block(s->pr.filter, s->pr.nblock, f);
		if (labels >= 2 && !filter_in(block, f, ABOVE)) {
			if (!found) /* nothing listed ends in this suffix */
				*stop = i;
			break;
		}
		if (!filter_in(block, f, LISTED))
			continue;
		uint32_t slot;
		unsigned kinds = listed(s, msg, len, off[i], h, &slot);
		if (kinds & (1u << IOC_KIND_DOMAIN)) {
			*ref = (struct ioc_ref){.slot = slot, .kind = IOC_KIND_DOMAIN};
			found = true;
		} else if (i > 0 && (kinds & (1u << IOC_KIND_BELOW))) {
			*ref = (struct ioc_ref){.slot = slot, .kind = IOC_KIND_BELOW};
			found = true;
		}
	}
	return found;
}

bool ioc_lookup_name(const struct ioc_set *s, const uint8_t *wire, size_t wlen,
                     struct ioc_ref *ref)
{
	uint32_t off[MAX_LABELS];
	int stop;
	if (!s->has_names)
		return false;
	int n = walk_flat(wire, wlen, off);
	return n >= 0 && lookup_labels(s, wire, wlen, off, n, &stop, ref);
}

bool ioc_lookup_name_at(const struct ioc_set *s, const uint8_t *msg, size_t len, size_t pos,
                        struct ioc_clean *clean, struct ioc_ref *ref)
{
	static const struct ioc_clean none = {.n = 0};
	uint32_t off[MAX_LABELS];
	int stop;
	if (clean)
		clean->tail = 0;
	if (!s->has_names)
		return false;
	int n = walk_at(msg, len, pos, clean ? clean : &none, off);
	if (n < 0 || lookup_labels(s, msg, len, off, n, &stop, ref))
		return n >= 0;
	if (clean && stop >= 0) {
		clean->tail = (unsigned)(n - stop);
		/* off[stop], off[stop - 1], ..., off[0], while there is room:
		 * those a pointer can reach (14 bits), in a message of any size */
		for (; stop >= 0 && clean->n < IOC_CLEAN_MAX; stop--)
			if (off[stop] < 0x4000)
				clean->off[clean->n++] = (uint16_t)off[stop];
	}
	return false;
}

/*
 * A filter this small stays cached (64 KiB: 16,000 names or so), and
 * prefetching would only add work.
 */
#define PREFETCH_MIN_BLOCKS 1024

/*
 * The first block a look-up of the name will read, most often the only
 * one: its two-label suffix's (the one-label suffix's block, read when
 * some indicator has one label, is that of a TLD and stays cached).
 */
bool ioc_set_prefetches(const struct ioc_set *s)
{
	return s->has_names && s->pr.nblock >= PREFETCH_MIN_BLOCKS;
}

void ioc_prefetch_name_at(const struct ioc_set *s, const uint8_t *msg, size_t len, size_t pos)
{
	size_t p = pos, last = SIZE_MAX, before = SIZE_MAX;
	if (!ioc_set_prefetches(s))
		return;
	while (p < len && p - pos < DNS_NAME_MAXWIRE && msg[p] - 1u < 63u) { /* a label */
		before = last;
		last = p;
		p += 1 + (size_t)msg[p];
	}
	if (p >= len || msg[p] != 0 || before == SIZE_MAX)
		return; /* a pointer, a malformed or long name, fewer than two labels */
	uint64_t chain = label_hash(label_hash(root_hash(&s->pr), msg, last), msg, before);
	uint64_t f = filter_mix(key_hash(&s->pr, chain));
	PREFETCH(filter_block(s->pr.filter, s->pr.nblock, f));
}

/* Key of an address prefix: family octet, length, the masked bytes. */
static size_t addr_key(uint8_t key[18], int family, const uint8_t *bytes, unsigned plen)
{
	size_t nb = (plen + 7) / 8;
	key[0] = family == 4 ? KEY_V4 : KEY_V6;
	key[1] = (uint8_t)plen;
	memcpy(key + 2, bytes, nb);
	if (plen % 8)
		key[2 + nb - 1] &= (uint8_t)(0xFF00u >> (plen % 8));
	return 2 + nb;
}

bool ioc_lookup_addr(const struct ioc_set *s, const struct net_addr *a, struct ioc_ref *ref)
{
	const uint8_t *lens = a->family == 4 ? s->lens4 : s->lens6;
	size_t n = a->family == 4 ? s->nlens4 : s->nlens6;
	uint8_t key[18];
	for (size_t i = 0; i < n; i++) {
		size_t klen = addr_key(key, a->family, a->bytes, lens[i]);
		uint64_t h = bytes_hash(s, key, klen);
		const struct ioc_slot *sl = filter_has(&s->pr, h) ? find(s, h, key, klen) : NULL;
		if (sl) {
			ref->slot = (uint32_t)(sl - s->slot);
			ref->kind = IOC_KIND_ADDR;
			return true;
		}
	}
	return false;
}

/* ---------------------------------------------------------------- building */

/*
 * Zeroed memory for the table and the filter.  Large ones are asked for in
 * huge pages: every look-up lands on a random place in them, and with 4 KiB
 * pages most would also miss the TLB (a million names: 4 MiB of filter,
 * 32 MiB of table).  Freed with free().
 */
#define HUGE_PAGE (2u << 20)
static void *table_alloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	size_t bytes = n * size;
	if (bytes < HUGE_PAGE)
		return calloc(n, size);
	void *p;
	if (posix_memalign(&p, HUGE_PAGE, bytes) != 0)
		return NULL;
#if HAVE_DECL_MADV_HUGEPAGE
	(void)madvise(p, bytes, MADV_HUGEPAGE); /* a hint: 4 KiB pages work too */
#endif
	memset(p, 0, bytes);
	return p;
}

/* Rehash into a table of n slots (a power of two, > 2 * used). */
static int resize_table(struct ioc_set *s, size_t n)
{
	struct ioc_slot *t = table_alloc(n, sizeof(*t));
	size_t nblock = n / FILTER_SLOTS_PER_BLOCK;
	uint64_t *filter = table_alloc(nblock * 8, sizeof(*filter));
	if (!t || !filter) {
		free(t);
		free(filter);
		return -1;
	}
	for (size_t i = 0; i < s->nslot; i++) {
		const struct ioc_slot *sl = &s->slot[i];
		if (!sl->tag)
			continue;
		/* the hash is not kept: recompute it from the key */
		const uint8_t *k = s->pool + sl->key;
		uint64_t h;
		if (k[1] == KEY_V4 || k[1] == KEY_V6)
			h = bytes_hash(s, k + 1, k[0]);
		else {
			uint64_t hs[MAX_LABELS];
			int labels = suffix_hashes(s, k + 1, k[0], hs);
			h = add_above(hs, labels, filter, nblock);
		}
		size_t j = (size_t)h & (n - 1);
		while (t[j].tag)
			j = (j + 1) & (n - 1);
		t[j] = *sl;
		filter_add(filter, nblock, h, LISTED);
	}
	free(s->slot);
	free(s->pr.filter);
	s->slot = t;
	s->nslot = n;
	s->pr.filter = filter;
	s->pr.nblock = nblock;
	return 0;
}

static int pool_add(struct ioc_set *s, const uint8_t *key, size_t n, uint32_t *off)
{
	if (s->pool_len + 1 + n > s->pool_cap) {
		size_t cap = s->pool_cap ? s->pool_cap * 2 : 65536;
		if (cap > UINT32_MAX)
			return -1;
		uint8_t *p = realloc(s->pool, cap);
		if (!p)
			return -1;
		s->pool = p;
		s->pool_cap = cap;
	}
	*off = (uint32_t)s->pool_len;
	s->pool[s->pool_len] = (uint8_t)n;
	memcpy(s->pool + s->pool_len + 1, key, n);
	s->pool_len += 1 + n;
	return 0;
}

/* Add key with hash h as an indicator of this kind; returns 0 or -1. */
static int insert(struct ioc_set *s, uint64_t h, const uint8_t *key, size_t n, int kind,
                  uint32_t label)
{
	if ((s->used + 1) * 2 > s->nslot && resize_table(s, s->nslot * 2) < 0)
		return -1;
	size_t mask = s->nslot - 1;
	uint32_t tag = tag_of(h);
	size_t i = (size_t)h & mask;
	for (;; i = (i + 1) & mask) {
		struct ioc_slot *sl = &s->slot[i];
		if (sl->tag == 0)
			break;
		if (sl->tag == tag && s->pool[sl->key] == n && memcmp(s->pool + sl->key + 1, key, n) == 0) {
			if (sl->label[kind] == 0) { /* else the first one wins */
				sl->label[kind] = label;
				s->count++;
			}
			return 0;
		}
	}
	struct ioc_slot *sl = &s->slot[i];
	if (pool_add(s, key, n, &sl->key) < 0)
		return -1;
	sl->tag = tag;
	filter_add(s->pr.filter, s->pr.nblock, h, LISTED);
	sl->label[0] = sl->label[1] = 0;
	sl->label[kind] = label;
	s->used++;
	s->count++;
	return 0;
}

/* Slot value of a label (see struct ioc_slot); 0 on out-of-memory. */
static uint32_t intern_label(struct ioc_set *s, const char *text, size_t n)
{
	if (n == 0)
		return 1;
	uint64_t h = hash_siphash(&s->hk, text, n);
	size_t mask = s->nlabel_idx - 1;
	size_t i = (size_t)h & mask;
	for (; s->label_idx[i]; i = (i + 1) & mask) {
		const char *l = s->labels[s->label_idx[i] - 1];
		if (strlen(l) == n && memcmp(l, text, n) == 0)
			return s->label_idx[i] + 1;
	}
	if (s->nlabels == s->labels_cap) {
		size_t cap = s->labels_cap ? s->labels_cap * 2 : 16;
		char **p = realloc(s->labels, cap * sizeof(*p));
		if (!p)
			return 0;
		s->labels = p;
		s->labels_cap = cap;
	}
	char *copy = malloc(n + 1);
	if (!copy)
		return 0;
	memcpy(copy, text, n);
	copy[n] = '\0';
	s->labels[s->nlabels++] = copy;
	s->label_idx[i] = (uint32_t)s->nlabels;
	if (s->nlabels * 2 > s->nlabel_idx) { /* rebuild twice as large */
		size_t nn = s->nlabel_idx * 2;
		uint32_t *t = calloc(nn, sizeof(*t));
		if (!t)
			return 0;
		for (size_t k = 0; k < s->nlabels; k++) {
			size_t j = (size_t)hash_siphash(&s->hk, s->labels[k], strlen(s->labels[k])) & (nn - 1);
			while (t[j])
				j = (j + 1) & (nn - 1);
			t[j] = (uint32_t)k + 1;
		}
		free(s->label_idx);
		s->label_idx = t;
		s->nlabel_idx = nn;
	}
	return (uint32_t)s->nlabels + 1;
}

/* ---------------------------------------------------------------- parsing */

static bool all_in(const char *t, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(set, t[i]))
			return false;
	return true;
}

/* Parse "ADDR" or "ADDR/LEN"; returns NULL or a reason. */
static const char *add_addr(struct ioc_set *s, const char *t, size_t n, int family,
                            uint32_t label)
{
	char text[64];
	unsigned max = family == 4 ? 32 : 128;
	unsigned plen = max;
	const char *slash = memchr(t, '/', n);
	size_t alen = slash ? (size_t)(slash - t) : n;
	if (alen >= sizeof(text))
		return family == 4 ? "bad IPv4 address" : "bad IPv6 address";
	memcpy(text, t, alen);
	text[alen] = '\0';
	uint8_t bytes[16] = {0};
	if (inet_pton(family == 4 ? AF_INET : AF_INET6, text, bytes) != 1)
		return family == 4 ? "bad IPv4 address" : "bad IPv6 address";
	if (slash) {
		size_t dl = n - alen - 1;
		if (dl == 0 || dl > 3 || !all_in(slash + 1, dl, "0123456789"))
			return "bad prefix length";
		plen = 0;
		for (size_t i = 0; i < dl; i++)
			plen = plen * 10 + (unsigned)(slash[1 + i] - '0');
		if (plen > max)
			return "prefix length too long for the address";
	}
	uint8_t key[18];
	size_t klen = addr_key(key, family, bytes, plen);
	if (memcmp(key + 2, bytes, klen - 2) != 0)
		return "host bits set after the prefix length";
	for (size_t i = klen - 2; i < 16; i++)
		if (bytes[i])
			return "host bits set after the prefix length";
	if (insert(s, bytes_hash(s, key, klen), key, klen, IOC_KIND_DOMAIN, label) < 0)
		return "out of memory";
	uint8_t *lens = family == 4 ? s->lens4 : s->lens6;
	uint8_t *nl = family == 4 ? &s->nlens4 : &s->nlens6;
	size_t i = 0;
	while (i < *nl && lens[i] > plen)
		i++;
	if (i == *nl || lens[i] != plen) { /* keep them longest first */
		memmove(lens + i + 1, lens + i, *nl - i);
		lens[i] = (uint8_t)plen;
		(*nl)++;
	}
	return NULL;
}

static const char *add_name(struct ioc_set *s, const char *t, size_t n, uint32_t label)
{
	int kind = IOC_KIND_DOMAIN;
	if (n >= 2 && t[0] == '*' && t[1] == '.') {
		kind = IOC_KIND_BELOW;
		t += 2;
		n -= 2;
	}
	if (memchr(t, '/', n))
		return "'/' in a domain (a URL is not an indicator; escape it as \\/)";
	uint8_t w[DNS_NAME_MAXWIRE];
	size_t wlen;
	const char *why = dns_name_from_text(t, n, w, &wlen);
	if (why)
		return why;
	if (wlen == 1)
		return "the root would match every name";
	dns_name_lower(w, wlen);
	uint64_t h[MAX_LABELS];
	int labels = suffix_hashes(s, w, wlen, h);
	if (insert(s, h[0], w, wlen, kind, label) < 0)
		return "out of memory";
	/* after insert(): a resize there makes the filter anew from the keys */
	(void)add_above(h, labels, s->pr.filter, s->pr.nblock);
	if (w[0] + 2u == wlen)
		s->pr.one_label = true;
	s->has_names = true;
	return NULL;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Check a label's text: printable ASCII, bounded.  NULL or a reason. */
static const char *check_label(const char *t, size_t n)
{
	if (n > LABEL_MAX)
		return "label longer than 200 characters";
	for (size_t i = 0; i < n; i++) {
		if (t[i] == '\t')
			return "more than one TAB-separated label";
		if ((unsigned char)t[i] < 0x20 || (unsigned char)t[i] > 0x7E)
			return "label is not printable ASCII";
	}
	return NULL;
}

/* One line without its newline; returns NULL or a reason. */
static const char *add_line(struct ioc_set *s, const char *line, size_t n)
{
	size_t b = 0;
	while (b < n && is_blank(line[b]))
		b++;
	while (n > b && is_blank(line[n - 1]))
		n--;
	if (b == n || line[b] == '#')
		return NULL;
	if (memchr(line + b, '\0', n - b))
		return "NUL byte in line";
	size_t e = b;
	/* every blank is <= ' ': one test per octet of a name */
	while (e < n && ((unsigned char)line[e] > ' ' || !is_blank(line[e])))
		e++;
	const char *lt = NULL;
	size_t ln = 0;
	if (e < n) {
		size_t k = e;
		while (k < n && is_blank(line[k]))
			k++;
		if (line[k] != '#') { /* not a comment: a label, after a TAB */
			if (!memchr(line + e, '\t', k - e))
				return "text after the indicator (separate a label with a TAB)";
			lt = line + k;
			ln = n - k;
			const char *why = check_label(lt, ln);
			if (why)
				return why;
		}
	}
	uint32_t label = intern_label(s, lt, ln);
	if (label == 0)
		return "out of memory";
	const char *t = line + b;
	size_t tn = e - b;
	const char *colon = memchr(t, ':', tn);
	if (colon) {
		if (tn - (size_t)(colon - t) >= 3 && colon[1] == '/' && colon[2] == '/')
			return "a URL is not an indicator (give its host name)";
		return add_addr(s, t, tn, 6, label);
	}
	if (t[0] >= '0' && t[0] <= '9' && all_in(t, tn, "0123456789./"))
		return add_addr(s, t, tn, 4, label);
	return add_name(s, t, tn, label);
}

/* A UTF-8 byte order mark, which Windows tools put before a text file's first line. */
static size_t bom_len(const char *line, size_t n)
{
	return n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

int ioc_set_add_text(struct ioc_set *s, const char *name, const char *text, size_t len,
                     char *err, size_t errlen)
{
	size_t lineno = 0;
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		lineno++;
		size_t skip = lineno == 1 ? bom_len(text, end) : 0;
		const char *why = add_line(s, text + i + skip, end - i - skip);
		if (why) {
			snprintf(err, errlen, "%s:%zu: %s", name, lineno, why);
			return -1;
		}
		i = end + 1;
	}
	return 0;
}

/*
 * Make room for up to n more indicators of about `bytes` bytes in all, so
 * a large list is not rehashed and copied again and again as it loads.
 * Only a hint: failing here is not an error.
 */
static void reserve(struct ioc_set *s, size_t n, size_t bytes)
{
	size_t want = s->nslot;
	while (want < SIZE_MAX / 4 && want < (s->used + n) * 2 + 2)
		want *= 2;
	if (want > s->nslot)
		(void)resize_table(s, want);
	if (s->pool_len + bytes > s->pool_cap && s->pool_len + bytes < UINT32_MAX) {
		uint8_t *p = realloc(s->pool, s->pool_len + bytes);
		if (p) {
			s->pool = p;
			s->pool_cap = s->pool_len + bytes;
		}
	}
}

/* Lines in a regular file, counted ahead of parsing (for reserve()). */
static void reserve_for_file(struct ioc_set *s, FILE *fp)
{
	struct stat st;
	if (fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode))
		return;
	char buf[65536];
	size_t n, lines = 1;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + n - p))); p++)
			lines++;
	rewind(fp);
	/* a wire name is at most its text plus one octet, plus the key length */
	reserve(s, lines, (size_t)st.st_size + 2 * lines);
}

/* Lines between two looks at the cancel flag of ioc_set_add_file(). */
#define CANCEL_EVERY 4096

int ioc_set_add_file(struct ioc_set *s, const char *path, const atomic_bool *cancel, char *err,
                     size_t errlen)
{
	FILE *fp = fopen(path, "r");
	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	reserve_for_file(s, fp);
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	int rc = 0;
	errno = 0;
	while ((n = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		if (cancel && lineno % CANCEL_EVERY == 0 &&
		    atomic_load_explicit(cancel, memory_order_relaxed)) {
			snprintf(err, errlen, "%s:%zu: loading cancelled", path, lineno);
			rc = -1;
			break;
		}
		if (n > 0 && line[n - 1] == '\n')
			n--;
		size_t skip = lineno == 1 ? bom_len(line, (size_t)n) : 0;
		const char *why = add_line(s, line + skip, (size_t)n - skip);
		if (why) {
			snprintf(err, errlen, "%s:%zu: %s", path, lineno, why);
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(fp)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno ? errno : EIO));
		rc = -1;
	}
	free(line);
	(void)fclose(fp); /* read only: nothing to lose */
	return rc;
}

/* ---------------------------------------------------------------- results */

const char *ioc_ref_text(const struct ioc_set *s, struct ioc_ref ref, char buf[IOC_TEXT_MAX])
{
	const uint8_t *k = s->pool + s->slot[ref.slot].key;
	if (ref.kind == IOC_KIND_ADDR) {
		uint8_t bytes[16] = {0};
		int family = k[1] == KEY_V4 ? 4 : 6;
		unsigned plen = k[2];
		memcpy(bytes, k + 3, (size_t)k[0] - 2);
		inet_ntop(family == 4 ? AF_INET : AF_INET6, bytes, buf, IOC_TEXT_MAX);
		if (plen != (family == 4 ? 32u : 128u)) {
			size_t l = strlen(buf);
			snprintf(buf + l, IOC_TEXT_MAX - l, "/%u", plen);
		}
		return buf;
	}
	struct tbuf b;
	tbuf_init(&b, buf, IOC_TEXT_MAX);
	if (ref.kind == IOC_KIND_BELOW)
		tbuf_put(&b, "*.", 2);
	dns_name_render(&b, k + 1, k[0]);
	if (tbuf_finish(&b) < 0)
		buf[0] = '\0';
	return buf;
}

const char *ioc_ref_label(const struct ioc_set *s, struct ioc_ref ref)
{
	uint32_t l = s->slot[ref.slot].label[ref.kind == IOC_KIND_BELOW];
	return l >= 2 ? s->labels[l - 2] : NULL;
}

