/* ip_defrag.c - IP fragment reassembly, see ip_defrag.h. */
#include "config.h"

#include "ip_defrag.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "net_addr.h"
#include "packet.h"

#define KEY_BYTES 38
#define MIN_BUCKETS 16
#define MAX_BUCKETS (1u << 16)

/*
 * Largest fragmentable part: an IPv4 total length (16 bits) also covers a
 * header of at least 20 bytes; an IPv6 payload length (16 bits) covers the
 * fragmentable part, which is all RFC 8200 lets us check here.
 */
#define IPV4_MAX_DATA (65535u - 20)
#define IPV6_MAX_DATA 65535u

struct dg_key {
	struct net_addr src, dst; /* family inside */
	uint32_t id;
	uint8_t proto;
};

/* Bytes [start, end) of the fragmentable part have been received. */
struct range {
	uint32_t start, end;
};

/* A datagram in progress. */
struct dgram {
	struct dgram *hnext;          /* bucket chain */
	struct dgram *older, *newer;  /* age list, by first fragment */
	uint64_t hash;
	struct dg_key key;
	int64_t first_us;             /* arrival of the first fragment */
	uint32_t total;               /* length, once the last fragment fixed it */
	bool have_last;
	uint32_t cap;                 /* bytes allocated at buf */
	uint8_t *buf;
	unsigned nrange;
	/* sorted by start, disjoint and never touching (touching ones are merged) */
	struct range range[IP_DEFRAG_MAX_RANGES];
};

struct ip_defrag {
	struct dgram **bucket;
	size_t nbucket;               /* power of two */
	struct dgram *oldest, *newest;
	struct hash_key hkey;
	size_t max_datagrams, max_bytes;
	int64_t timeout_us;
	uint8_t *done;                /* buffer of the datagram completed last */
	struct ip_defrag_stats st;
};

/* How a fragment's bytes meet the bytes already held. */
enum overlap {
	OV_NONE,     /* only holes */
	OV_DUP,      /* all held, same values */
	OV_SAME,     /* partly held, same values */
	OV_CONFLICT, /* some held byte would change */
};

/* ------------------------------------------------------------ keys */

/* Serialise a key without padding, for hashing. */
static void key_bytes(const struct dg_key *k, uint8_t out[KEY_BYTES])
{
	out[0] = k->src.family;
	out[1] = k->proto;
	out[2] = (uint8_t)(k->id >> 24);
	out[3] = (uint8_t)(k->id >> 16);
	out[4] = (uint8_t)(k->id >> 8);
	out[5] = (uint8_t)k->id;
	memcpy(out + 6, k->src.bytes, 16);
	memcpy(out + 22, k->dst.bytes, 16);
}

static uint64_t key_hash(const struct ip_defrag *d, const struct dg_key *k)
{
	uint8_t b[KEY_BYTES];
	key_bytes(k, b);
	return hash_siphash13(&d->hkey, b, sizeof(b));
}

static bool key_equal(const struct dg_key *a, const struct dg_key *b)
{
	return a->id == b->id && a->proto == b->proto && net_addr_equal(&a->src, &b->src) &&
	       net_addr_equal(&a->dst, &b->dst);
}

static void key_from_pkt(struct dg_key *k, const struct pkt *p)
{
	memset(k, 0, sizeof(*k));
	k->src = p->src;
	k->dst = p->dst;
	k->id = p->frag.id;
	k->proto = p->frag.proto;
}

/* ------------------------------------------------------------ table */

struct ip_defrag *ip_defrag_new(const struct ip_defrag_config *cfg, const struct hash_key *key)
{
	struct ip_defrag *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->max_datagrams = cfg && cfg->max_datagrams ? cfg->max_datagrams
	                                             : IP_DEFRAG_DEFAULT_MAX_DATAGRAMS;
	d->max_bytes = cfg && cfg->max_bytes ? cfg->max_bytes : IP_DEFRAG_DEFAULT_MAX_BYTES;
	d->timeout_us = cfg && cfg->timeout_us > 0 ? cfg->timeout_us : IP_DEFRAG_DEFAULT_TIMEOUT_US;
	/* The table never holds more than max_datagrams: size the buckets once. */
	d->nbucket = MIN_BUCKETS;
	while (d->nbucket < d->max_datagrams && d->nbucket < MAX_BUCKETS)
		d->nbucket *= 2;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	d->bucket = calloc(d->nbucket, sizeof(*d->bucket));
	if (!d->bucket) {
		free(d);
		return NULL;
	}
	d->hkey = *key;
	return d;
}

/* What a datagram costs against max_bytes. */
static size_t dgram_cost(const struct dgram *g)
{
	return sizeof(*g) + g->cap;
}

static void bytes_add(struct ip_defrag *d, size_t n)
{
	d->st.bytes += n;
	if (d->st.bytes > d->st.bytes_peak)
		d->st.bytes_peak = d->st.bytes;
}

/*
 * Take g out of its bucket chain and the age list; its memory is still
 * accounted.  The oldest entry has no older one, so unlinking it moves
 * d->oldest on: clang-analyzer cannot see that and reports a use after
 * free in the loops that drop d->oldest (marked NOLINT there).
 */
static void dgram_unlink(struct ip_defrag *d, struct dgram *g)
{
	struct dgram **link = &d->bucket[g->hash & (d->nbucket - 1)];
	while (*link != g)
		link = &(*link)->hnext;
	*link = g->hnext;
	if (g->older)
		g->older->newer = g->newer;
	else
		d->oldest = g->newer;
	if (g->newer)
		g->newer->older = g->older;
	else
		d->newest = g->older;
	d->st.datagrams--;
}

/* Unlink and free g, counting why under *reason. */
static void dgram_drop(struct ip_defrag *d, struct dgram *g, uint64_t *reason)
{
	dgram_unlink(d, g);
	d->st.bytes -= dgram_cost(g);
	free(g->buf);
	free(g);
	(*reason)++;
}

/* The completed buffer lives only until the next call that may change d. */
static void release_done(struct ip_defrag *d)
{
	free(d->done);
	d->done = NULL;
}

void ip_defrag_free(struct ip_defrag *d)
{
	if (!d)
		return;
	struct dgram *g = d->oldest;
	while (g) {
		struct dgram *next = g->newer;
		free(g->buf);
		free(g);
		g = next;
	}
	release_done(d);
	free(d->bucket);
	free(d);
}

const struct ip_defrag_stats *ip_defrag_stats(const struct ip_defrag *d)
{
	return &d->st;
}

/* Expiry without touching the completed buffer, for use inside ip_defrag_add(). */
static void expire(struct ip_defrag *d, int64_t now_us)
{
	if (now_us < INT64_MIN + d->timeout_us)
		return; /* nothing can be that old */
	/*
	 * The age list is in first-fragment order, which is expiry order while
	 * time runs forward.  If packet time jumps back, a newer entry may wait
	 * behind an older one; max_datagrams still bounds the table.
	 */
	/* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): see dgram_unlink() */
	while (d->oldest && d->oldest->first_us <= now_us - d->timeout_us)
		dgram_drop(d, d->oldest, &d->st.timeouts);
}

void ip_defrag_expire(struct ip_defrag *d, int64_t now_us)
{
	release_done(d);
	expire(d, now_us);
}

static struct dgram *lookup(const struct ip_defrag *d, const struct dg_key *k, uint64_t h)
{
	for (struct dgram *g = d->bucket[h & (d->nbucket - 1)]; g; g = g->hnext)
		if (g->hash == h && key_equal(&g->key, k))
			return g;
	return NULL;
}

/*
 * Make room for n more bytes, evicting the oldest datagrams but keep (which
 * may be NULL).  Whether n bytes now fit.
 */
static bool reserve_bytes(struct ip_defrag *d, const struct dgram *keep, size_t n)
{
	while (d->st.bytes + n > d->max_bytes) {
		struct dgram *victim = d->oldest;
		if (victim && victim == keep)
			victim = victim->newer;
		if (!victim)
			return false;
		/* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): see dgram_unlink() */
		dgram_drop(d, victim, &d->st.evicted_bytes);
	}
	return true;
}

/* A new, empty datagram for key k at ts_us; NULL (counted) if it cannot be had. */
static struct dgram *dgram_new(struct ip_defrag *d, const struct dg_key *k, uint64_t h,
                               int64_t ts_us)
{
	while (d->st.datagrams >= d->max_datagrams) {
		/* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): see dgram_unlink() */
		dgram_drop(d, d->oldest, &d->st.evicted);
	}
	if (!reserve_bytes(d, NULL, sizeof(struct dgram))) {
		d->st.evicted_bytes++;
		return NULL;
	}
	struct dgram *g = calloc(1, sizeof(*g));
	if (!g) {
		d->st.no_memory++;
		return NULL;
	}
	g->key = *k;
	g->hash = h;
	g->first_us = ts_us;
	size_t i = h & (d->nbucket - 1);
	g->hnext = d->bucket[i];
	d->bucket[i] = g;
	g->older = d->newest;
	if (d->newest)
		d->newest->newer = g;
	else
		d->oldest = g;
	d->newest = g;
	d->st.datagrams++;
	bytes_add(d, dgram_cost(g));
	return g;
}

/* ------------------------------------------------------------ one datagram */

static uint32_t max_data(const struct dgram *g)
{
	return g->key.src.family == 4 ? IPV4_MAX_DATA : IPV6_MAX_DATA;
}

/* End of the highest byte range received, 0 if none. */
static uint32_t received_end(const struct dgram *g)
{
	return g->nrange ? g->range[g->nrange - 1].end : 0;
}

/*
 * Check a fragment ending at end against the datagram's end and, for a
 * last fragment, fix that end.  False if they disagree: nothing may lie
 * past the last fragment, and the datagram has one end.
 */
static bool check_end(struct dgram *g, uint32_t end, bool more)
{
	if (g->have_last)
		return more ? end <= g->total : end == g->total;
	if (!more) {
		if (end < received_end(g))
			return false;
		g->total = end;
		g->have_last = true;
	}
	return true;
}

/* How data, meant for [start, end), meets the bytes already held. */
static enum overlap classify(const struct dgram *g, uint32_t start, uint32_t end,
                             const uint8_t *data)
{
	uint32_t covered = 0;
	bool same = true;
	for (unsigned i = 0; i < g->nrange && g->range[i].start < end; i++) {
		uint32_t s = start > g->range[i].start ? start : g->range[i].start;
		uint32_t e = end < g->range[i].end ? end : g->range[i].end;
		if (s >= e)
			continue;
		covered += e - s;
		if (memcmp(g->buf + s, data + (s - start), e - s) != 0)
			same = false;
	}
	if (covered == 0)
		return OV_NONE;
	if (!same)
		return OV_CONFLICT;
	return covered == end - start ? OV_DUP : OV_SAME;
}

/*
 * Make g's buffer hold at least end bytes.  Once the last fragment has
 * come the size is exact; before, it doubles, so a datagram is moved only
 * a few times.  False if max_bytes or malloc say no.
 */
static bool grow(struct ip_defrag *d, struct dgram *g, uint32_t end)
{
	if (end <= g->cap)
		return true;
	uint32_t want = g->have_last ? g->total : 2 * g->cap;
	if (want < end)
		want = end;
	if (want > max_data(g))
		want = max_data(g);
	if (!reserve_bytes(d, g, want - g->cap))
		return false;
	uint8_t *b = realloc(g->buf, want);
	if (!b) {
		d->st.no_memory++;
		return false;
	}
	bytes_add(d, want - g->cap);
	g->buf = b;
	g->cap = want;
	return true;
}

/*
 * Record [start, end) as received, merging it with the ranges it overlaps
 * or touches.  False, with nothing changed, if that would need more than
 * IP_DEFRAG_MAX_RANGES ranges.
 */
static bool add_range(struct dgram *g, uint32_t start, uint32_t end)
{
	unsigned i = 0, j;
	while (i < g->nrange && g->range[i].end < start)
		i++;
	j = i; /* ranges i .. j-1 touch [start, end) */
	while (j < g->nrange && g->range[j].start <= end)
		j++;
	if (i == j) {
		if (g->nrange == IP_DEFRAG_MAX_RANGES)
			return false;
		memmove(&g->range[i + 1], &g->range[i], (g->nrange - i) * sizeof(g->range[0]));
		g->range[i] = (struct range){start, end};
		g->nrange++;
		return true;
	}
	if (g->range[i].start < start)
		start = g->range[i].start;
	if (g->range[j - 1].end > end)
		end = g->range[j - 1].end;
	g->range[i] = (struct range){start, end};
	memmove(&g->range[i + 1], &g->range[j], (g->nrange - j) * sizeof(g->range[0]));
	g->nrange -= j - i - 1;
	return true;
}

static bool complete(const struct dgram *g)
{
	return g->have_last && g->nrange == 1 && g->range[0].start == 0 &&
	       g->range[0].end == g->total;
}

/* Hand g's bytes to the caller through d->done and forget g. */
static void finish(struct ip_defrag *d, struct dgram *g, const uint8_t **data, size_t *len)
{
	dgram_unlink(d, g);
	d->st.bytes -= dgram_cost(g);
	d->done = g->buf;
	*data = g->buf;
	*len = g->total;
	free(g);
	d->st.completed++;
}

/* ------------------------------------------------------------ adding */

/* The counter a fragment is dropped under before any table lookup, or NULL. */
static uint64_t *fragment_fault(struct ip_defrag *d, const struct pkt *p)
{
	uint32_t max = p->src.family == 4 ? IPV4_MAX_DATA : IPV6_MAX_DATA;
	if (p->truncated)
		return &d->st.truncated;
	if (p->len == 0 || p->frag.offset % 8 != 0 || (p->frag.more && p->len % 8 != 0))
		return &d->st.bad_length;
	if (p->frag.offset > max || p->len > max - p->frag.offset)
		return &d->st.too_big;
	return NULL;
}

/*
 * Put the fragment's bytes into g, or drop g with the reason counted.
 * Returns 1 if g is complete, 0 if it wants more, -1 if g is gone.
 */
static int merge(struct ip_defrag *d, struct dgram *g, const struct pkt *p)
{
	uint32_t start = p->frag.offset, end = start + (uint32_t)p->len;
	if (!check_end(g, end, p->frag.more)) {
		dgram_drop(d, g, &d->st.inconsistent);
		return -1;
	}
	switch (classify(g, start, end, p->payload)) {
	case OV_NONE:
		break;
	case OV_DUP:
		d->st.duplicates++;
		return complete(g); /* e.g. a repeated last fragment fixed the end */
	case OV_SAME:
		if (g->key.src.family == 6) {
			dgram_drop(d, g, &d->st.overlaps_v6);
			return -1;
		}
		d->st.overlaps_same++;
		break;
	case OV_CONFLICT:
		dgram_drop(d, g, g->key.src.family == 6 ? &d->st.overlaps_v6 : &d->st.overlaps_v4);
		return -1;
	}
	if (!grow(d, g, end)) {
		dgram_drop(d, g, &d->st.evicted_bytes);
		return -1;
	}
	if (!add_range(g, start, end)) {
		dgram_drop(d, g, &d->st.too_fragmented);
		return -1;
	}
	/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker): grow() gave buf end > 0 bytes */
	memcpy(g->buf + start, p->payload, p->len);
	return complete(g);
}

int ip_defrag_add(struct ip_defrag *d, const struct pkt *p, int64_t ts_us, const uint8_t **data,
                  size_t *len)
{
	release_done(d);
	d->st.fragments++;
	uint64_t *fault = fragment_fault(d, p);
	if (fault) {
		(*fault)++;
		return 0;
	}
	expire(d, ts_us);

	struct dg_key k;
	key_from_pkt(&k, p);
	uint64_t h = key_hash(d, &k);
	struct dgram *g = lookup(d, &k, h);
	if (!g && !(g = dgram_new(d, &k, h, ts_us)))
		return 0;
	if (merge(d, g, p) != 1)
		return 0;
	finish(d, g, data, len);
	return 1;
}
