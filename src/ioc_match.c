/* ioc_match.c - matching messages against indicators, see ioc_match.h. */
#include "config.h"

#include "ioc_match.h"

#include <string.h>

#include "dns_types.h"
#include "ioc_probe.h"
#include "tbuf.h"

/* Names of places: [section][0 = owner name, 1 = in the rdata]. */
static const char *const where_names[4][2] = {
	{"query", "query"},
	{"answer.name", "answer.data"},
	{"authority.name", "authority.data"},
	{"additional.name", "additional.data"},
};

/*
 * Matching walks each name where it sits in the message and remembers, per
 * suffix (by the offset of its first label), its hash and what the most
 * specific indicator for it is.  A name that ends in a suffix seen before
 * (a compression pointer to the question, most often) hashes and probes
 * only its own new labels, so every suffix of a message is looked up once.
 *
 * The memo is a small direct-mapped cache: a suffix pushed out is simply
 * computed again.  A suffix is reused whatever pointer limit the walk that
 * reached it had (dns_name.h): a malformed name may then match where
 * dns_name_unpack would refuse it, never the other way round.
 */
#define MEMO_SLOTS 128
#define REF_NONE UINT32_MAX

struct suffix {
	uint32_t off;         /* of its first label in the message */
	uint32_t wlen;        /* octets in wire form, root included */
	uint64_t hash;        /* ioc_label_hash chain */
	struct ioc_ref whole; /* best indicator for a name that is this suffix */
	struct ioc_ref below; /* best for a name ending in it (then "*." counts) */
};

struct scan {
	const struct ioc_set *set;
	const struct ioc_probe *pr;
	const uint8_t *msg;
	size_t len;
	size_t skip;          /* names starting here are not looked up (SIZE_MAX: none) */
	uint64_t used[MEMO_SLOTS / 64];
	struct suffix memo[MEMO_SLOTS];
};

static void scan_init(struct scan *sc, const struct ioc_set *set, const uint8_t *msg, size_t len)
{
	sc->set = set;
	sc->pr = ioc_set_probe(set);
	sc->msg = msg;
	sc->len = len;
	sc->skip = SIZE_MAX;
	memset(sc->used, 0, sizeof(sc->used));
}

static const struct suffix *memo_get(const struct scan *sc, size_t off)
{
	size_t i = off % MEMO_SLOTS;
	if (!(sc->used[i / 64] & (UINT64_C(1) << (i % 64))) || sc->memo[i].off != off)
		return NULL;
	return &sc->memo[i];
}

static void memo_put(struct scan *sc, const struct suffix *x)
{
	size_t i = x->off % MEMO_SLOTS;
	sc->used[i / 64] |= UINT64_C(1) << (i % 64);
	sc->memo[i] = *x;
}

/* What the suffix starting at off, with hash hash, is listed as (ioc.h). */
static unsigned listed(const struct scan *sc, size_t off, uint64_t hash, uint32_t *slot)
{
	uint8_t key[DNS_NAME_MAXWIRE];
	size_t klen, pos = off;
	if (dns_name_unpack(sc->msg, sc->len, &pos, key, &klen) != DNS_NAME_OK)
		return 0;
	dns_name_lower(key, klen);
	return ioc_suffix_find(sc->set, hash, key, klen, slot);
}

/* The suffix made of the label at off followed by rest. */
static void extend(const struct scan *sc, size_t off, const struct suffix *rest, struct suffix *x)
{
	uint32_t slot;
	x->off = (uint32_t)off;
	x->wlen = rest->wlen + 1 + sc->msg[off];
	x->hash = ioc_probe_label(sc->pr, rest->hash, sc->msg, off);
	x->whole = x->below = rest->below;
	if (!ioc_probe_maybe(sc->pr, x->hash))
		return;
	unsigned kinds = listed(sc, off, x->hash, &slot);
	if (kinds & IOC_DOMAIN)
		x->whole = x->below = (struct ioc_ref){.slot = slot, .kind = IOC_KIND_DOMAIN};
	else if (kinds & IOC_BELOW)
		x->below = (struct ioc_ref){.slot = slot, .kind = IOC_KIND_BELOW};
}

/*
 * Walk the name at pos into x (its whole suffix); false when it is not
 * well formed (dns_name.h's rules) or starts at sc->skip.
 */
static bool name_suffix(struct scan *sc, size_t pos, struct suffix *x)
{
	uint32_t lab[DNS_NAME_MAXWIRE / 2];
	size_t n = 0, octets = 0, p = pos, limit = pos;
	bool first = true;
	const struct suffix *base;
	for (;;) {
		if (p >= sc->len)
			return false;
		uint8_t c = sc->msg[p];
		if ((c & 0xC0) == 0xC0) {
			if (sc->len - p < 2)
				return false;
			size_t t = ((size_t)(c & 0x3F) << 8) | sc->msg[p + 1];
			if (t >= limit)
				return false;
			limit = p = t;
			continue;
		}
		if (c & 0xC0)
			return false;
		if (first && p == sc->skip)
			return false;
		first = false;
		if (c == 0) {
			*x = (struct suffix){.off = (uint32_t)p, .wlen = 1, .hash = ioc_probe_root(sc->pr),
			                     .whole = {.slot = REF_NONE}, .below = {.slot = REF_NONE}};
			break;
		}
		if ((base = memo_get(sc, p)) != NULL) {
			*x = *base;
			break;
		}
		octets += 1 + (size_t)c;
		if (sc->len - p - 1 < c || octets + 1 > DNS_NAME_MAXWIRE)
			return false;
		lab[n++] = (uint32_t)p;
		p += 1 + (size_t)c;
	}
	if (octets + x->wlen > DNS_NAME_MAXWIRE)
		return false;
	while (n > 0) {
		struct suffix rest = *x;
		extend(sc, lab[--n], &rest, x);
		memo_put(sc, x);
	}
	return true;
}

void ioc_hits_init(struct ioc_hits *h, const struct ioc_set *set)
{
	h->set = set;
	h->names = ioc_set_has_names(set);
	h->addrs = ioc_set_has_addrs(set);
	h->n = 0;
	h->more = false;
}

static struct ioc_hit *add_hit(struct ioc_hits *h, struct ioc_ref ref, const char *where,
                               bool reply)
{
	for (size_t i = 0; i < h->n; i++)
		if (ioc_ref_equal(h->hit[i].ref, ref))
			return NULL;
	if (h->n == IOC_MATCH_MAX) {
		h->more = true;
		return NULL;
	}
	struct ioc_hit *x = &h->hit[h->n++];
	x->ref = ref;
	x->where = where;
	x->reply = reply;
	x->label = ioc_ref_label(h->set, ref);
	ioc_ref_text(h->set, ref, x->indicator);
	return x;
}

/* Where the first label of the name at pos is: past the pointers that begin it. */
static size_t first_label(const uint8_t *msg, size_t len, size_t pos)
{
	while (pos + 1 < len && (msg[pos] & 0xC0) == 0xC0) {
		size_t t = ((size_t)(msg[pos] & 0x3F) << 8) | msg[pos + 1];
		if (t >= pos)
			break;
		pos = t;
	}
	return pos;
}

/*
 * Whether the name at pos surely matches nothing, at a glance: the root
 * (OPT records), or a pointer to the question already matched in its query
 * or to a name already looked up with no hit (most owner names).
 */
static inline bool nothing_at(const struct scan *sc, size_t pos)
{
	if (pos >= sc->len || sc->msg[pos] == 0)
		return true;
	if (pos + 1 == sc->len || (sc->msg[pos] & 0xC0) != 0xC0)
		return false;
	size_t t = ((size_t)(sc->msg[pos] & 0x3F) << 8) | sc->msg[pos + 1];
	const struct suffix *seen;
	return t < pos && (t == sc->skip || ((seen = memo_get(sc, t)) && seen->whole.slot == REF_NONE));
}

/* Match the name at pos; where and reply say where it is, for a hit. */
static void match_name_at(struct ioc_hits *h, struct scan *sc, size_t pos, const char *where,
                          bool reply)
{
	struct suffix x;
	if (!name_suffix(sc, pos, &x) || x.whole.slot == REF_NONE)
		return;
	struct ioc_hit *hit = add_hit(h, x.whole, where, reply);
	if (!hit)
		return;
	uint8_t wire[DNS_NAME_MAXWIRE];
	size_t wlen;
	struct tbuf b;
	tbuf_init(&b, hit->matched, sizeof(hit->matched));
	if (dns_name_unpack(sc->msg, sc->len, &pos, wire, &wlen) == DNS_NAME_OK)
		dns_name_render(&b, wire, wlen);
	if (tbuf_finish(&b) < 0)
		hit->matched[0] = '\0';
}

void ioc_match_qname(struct ioc_hits *h, const uint8_t *wire, size_t wlen)
{
	struct ioc_ref ref;
	struct ioc_hit *x;
	if (!h->names || !ioc_lookup_name(h->set, wire, wlen, &ref) ||
	    !(x = add_hit(h, ref, where_names[DNS_SEC_QUESTION][0], false)))
		return;
	struct tbuf b;
	tbuf_init(&b, x->matched, sizeof(x->matched));
	dns_name_render(&b, wire, wlen);
	if (tbuf_finish(&b) < 0)
		x->matched[0] = '\0';
}

/* Offset of the name inside rdata of this type, or -1 if it holds none. */
static int rdata_name_offset(uint16_t type)
{
	switch (type) {
	case 2: case 3: case 4: case 5: case 6: case 7: case 8: case 9: case 12: case 39:
		return 0; /* NS MD MF CNAME SOA(MNAME) MB MG MR PTR DNAME */
	case 15: case 18: case 21: case 36: case 64: case 65:
		return 2; /* MX AFSDB RT KX SVCB HTTPS */
	case 33:
		return 6; /* SRV */
	default:
		return -1;
	}
}

static void match_rdata(struct ioc_hits *h, struct scan *sc, const struct dns_rr *rr,
                        const char *where, bool reply)
{
	size_t end = (size_t)rr->rdata_off + rr->rdlen;
	if (end > sc->len)
		return;
	if ((rr->type == DNS_T_A && rr->rdlen == 4) || (rr->type == DNS_T_AAAA && rr->rdlen == 16)) {
		if (!h->addrs)
			return;
		struct net_addr a;
		if (rr->rdlen == 4)
			net_addr_set4(&a, sc->msg + rr->rdata_off);
		else
			net_addr_set6(&a, sc->msg + rr->rdata_off);
		struct ioc_ref ref;
		struct ioc_hit *x;
		if (ioc_lookup_addr(h->set, &a, &ref) && (x = add_hit(h, ref, where, reply)))
			net_addr_format(&a, x->matched);
		return;
	}
	int off = rdata_name_offset(rr->type);
	if (off >= 0 && h->names && rr->rdlen > off && !nothing_at(sc, rr->rdata_off + (size_t)off))
		match_name_at(h, sc, rr->rdata_off + (size_t)off, where, reply);
}

void ioc_match_msg(struct ioc_hits *h, const struct dns_msg *m, bool reply, bool skip_question)
{
	struct scan sc;
	if (!m->wire)
		return;
	scan_init(&sc, h->set, m->wire, m->wire_len);
	for (size_t i = 0; i < m->nrr; i++) {
		const struct dns_rr *rr = &m->rr[i];
		unsigned sec = (unsigned)rr->section & 3u;
		if (skip_question && i == 0 && sec == DNS_SEC_QUESTION) {
			/* matched in the query: names that are the same need no look-up */
			sc.skip = first_label(m->wire, m->wire_len, rr->name_off);
			continue;
		}
		if (h->names && !nothing_at(&sc, rr->name_off))
			match_name_at(h, &sc, rr->name_off, where_names[sec][0], reply);
		if (sec != DNS_SEC_QUESTION)
			match_rdata(h, &sc, rr, where_names[sec][1], reply);
	}
}

void ioc_match_addr(struct ioc_hits *h, const struct net_addr *a, const char *where)
{
	struct ioc_ref ref;
	struct ioc_hit *x;
	if (h->addrs && ioc_lookup_addr(h->set, a, &ref) && (x = add_hit(h, ref, where, false)))
		net_addr_format(a, x->matched);
}
