/* ioc_match.c - matching messages against indicators, see ioc_match.h. */
#include "config.h"

#include "ioc_match.h"

#include <string.h>

#include "dns_types.h"
#include "tbuf.h"

/* Names of places: [section][0 = owner name, 1 = in the rdata]. */
static const char *const where_names[4][2] = {
	{"query", "query"},
	{"answer.name", "answer.data"},
	{"authority.name", "authority.data"},
	{"additional.name", "additional.data"},
};

/*
 * The names of one message already looked up, by the offset of their first
 * label and how far into the message they were allowed to run: a name that
 * is a pointer to one of them (most owner names) is the same name, and
 * needs no second look-up if that one could run as far.
 */
#define SEEN_MAX 64

struct seen {
	size_t skip;                 /* the question matched in its query (SIZE_MAX: none) */
	size_t n;
	uint32_t start[SEEN_MAX], cut[SEEN_MAX];
};

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

/* Whether the name starting at start was looked up, cut at cut or later; if not, remember it. */
static bool seen_before(struct seen *sn, size_t start, size_t cut)
{
	if (start == sn->skip)
		return true;
	for (size_t i = 0; i < sn->n; i++)
		if (sn->start[i] == start && sn->cut[i] >= cut)
			return true;
	if (sn->n < SEEN_MAX) {
		sn->start[sn->n] = (uint32_t)start;
		sn->cut[sn->n++] = (uint32_t)cut;
	}
	return false;
}

/* Render the name at pos of msg[0..len) as seen into hit->matched. */
static void render_matched(struct ioc_hit *hit, const uint8_t *msg, size_t len, size_t pos)
{
	uint8_t wire[DNS_NAME_MAXWIRE];
	size_t wlen;
	struct tbuf b;
	tbuf_init(&b, hit->matched, sizeof(hit->matched));
	if (dns_name_unpack(msg, len, &pos, wire, &wlen) == DNS_NAME_OK)
		dns_name_render(&b, wire, wlen);
	if (tbuf_finish(&b) < 0)
		hit->matched[0] = '\0';
}

/*
 * Match the name at pos of m, whose own octets end before cut (its rdata's
 * end, or the message's: pointers reach back before it anyway); where and
 * reply say where it is, for a hit.
 */
static void match_name_at(struct ioc_hits *h, const struct dns_msg *m, struct seen *sn,
                          size_t pos, size_t cut, const char *where, bool reply)
{
	struct ioc_ref ref;
	struct ioc_hit *hit;
	if (pos >= cut || m->wire[pos] == 0 || seen_before(sn, first_label(m->wire, cut, pos), cut))
		return;
	if (ioc_lookup_name_at(h->set, m->wire, cut, pos, &ref) &&
	    (hit = add_hit(h, ref, where, reply)))
		render_matched(hit, m->wire, cut, pos);
}

void ioc_match_qname(struct ioc_hits *h, const uint8_t *wire, size_t wlen)
{
	struct ioc_ref ref;
	struct ioc_hit *hit;
	if (h->names && ioc_lookup_name(h->set, wire, wlen, &ref) &&
	    (hit = add_hit(h, ref, where_names[DNS_SEC_QUESTION][0], false)))
		render_matched(hit, wire, wlen, 0);
}

/*
 * Where the name at pos ends in place: past its pointer or its root; end
 * if it runs off or meets a reserved label type (no name follows then).
 */
static size_t name_end(const uint8_t *msg, size_t end, size_t pos)
{
	while (pos < end) {
		uint8_t c = msg[pos];
		if (c >= 0xC0)
			return pos + 2 <= end ? pos + 2 : end;
		if (c > 63)
			return end;
		if (c == 0)
			return pos + 1;
		pos += 1 + (size_t)c;
	}
	return end;
}

/*
 * Where the names inside the rdata of rr start (at most two), by the
 * layouts of RFC 1035 (NS, MD, MF, CNAME, SOA's two, MB, MG, MR, MINFO's
 * two, PTR, MX), RFC 1183 (AFSDB, RP's two, RT), 2230 (KX), 2782 (SRV),
 * 2915 (NAPTR's replacement), 4034 (NSEC's next name), 6672 (DNAME) and
 * 9460 (SVCB, HTTPS).  Returns how many.  Not RRSIG's signer: it is the
 * zone of the record's owner (RFC 4035 5.3.1), whose name is looked up.
 */
static int rdata_names(const uint8_t *msg, const struct dns_rr *rr, size_t pos[2])
{
	size_t rd = rr->rdata_off, end = rd + rr->rdlen;
	switch (rr->type) {
	case 2: case 3: case 4: case 5: case 7: case 8: case 9: case 12: case 39: case 47:
		pos[0] = rd; /* NS MD MF CNAME MB MG MR PTR DNAME NSEC */
		return 1;
	case 6: case 14: case 17: /* SOA MINFO RP: two names */
		pos[0] = rd;
		pos[1] = name_end(msg, end, rd);
		return 2;
	case 15: case 18: case 21: case 36: case 64: case 65:
		pos[0] = rd + 2; /* MX AFSDB RT KX SVCB HTTPS */
		return 1;
	case 33:
		pos[0] = rd + 6; /* SRV */
		return 1;
	case 35: { /* NAPTR: order, preference, flags, services, regexp, replacement */
		size_t p = rd + 4;
		for (int k = 0; k < 3 && p < end; k++)
			p += 1 + (size_t)msg[p];
		pos[0] = p;
		return 1;
	}
	default:
		return 0;
	}
}

static void match_rdata(struct ioc_hits *h, const struct dns_msg *m, struct seen *sn,
                        const struct dns_rr *rr, const char *where, bool reply)
{
	size_t end = (size_t)rr->rdata_off + rr->rdlen;
	if (end > m->wire_len)
		return;
	if ((rr->type == DNS_T_A && rr->rdlen == 4) || (rr->type == DNS_T_AAAA && rr->rdlen == 16)) {
		if (!h->addrs)
			return;
		struct net_addr a;
		if (rr->rdlen == 4)
			net_addr_set4(&a, m->wire + rr->rdata_off);
		else
			net_addr_set6(&a, m->wire + rr->rdata_off);
		struct ioc_ref ref;
		struct ioc_hit *x;
		if (ioc_lookup_addr(h->set, &a, &ref) && (x = add_hit(h, ref, where, reply)))
			net_addr_format(&a, x->matched);
		return;
	}
	size_t pos[2];
	int n = h->names ? rdata_names(m->wire, rr, pos) : 0;
	for (int i = 0; i < n; i++)
		if (pos[i] < end) /* a name must start inside its rdata */
			match_name_at(h, m, sn, pos[i], end, where, reply);
}

/* Whether the name at pos is a compression pointer to target. */
static inline bool points_to(const struct dns_msg *m, size_t pos, size_t target)
{
	return pos + 1 < m->wire_len && m->wire[pos] == (0xC0 | (target >> 8)) &&
	       m->wire[pos + 1] == (target & 0xFF);
}

void ioc_match_msg(struct ioc_hits *h, const struct dns_msg *m, bool reply, bool skip_question)
{
	struct seen sn; /* the array is not cleared: only sn.n entries are read */
	if (!m->wire || !(h->names || h->addrs))
		return;
	sn.skip = SIZE_MAX;
	sn.n = 0;
	for (size_t i = 0; i < m->nrr; i++) {
		const struct dns_rr *rr = &m->rr[i];
		unsigned sec = (unsigned)rr->section & 3u;
		if (skip_question && i == 0 && sec == DNS_SEC_QUESTION) {
			/* matched in the query: names that are the same need no look-up */
			sn.skip = first_label(m->wire, m->wire_len, rr->name_off);
			continue;
		}
		/* most owner names of a reply: a pointer straight to its question */
		if (h->names && !points_to(m, rr->name_off, sn.skip))
			match_name_at(h, m, &sn, rr->name_off, m->wire_len, where_names[sec][0], reply);
		if (sec != DNS_SEC_QUESTION)
			match_rdata(h, m, &sn, rr, where_names[sec][1], reply);
	}
}

void ioc_match_addr(struct ioc_hits *h, const struct net_addr *a, const char *where)
{
	struct ioc_ref ref;
	struct ioc_hit *x;
	if (h->addrs && ioc_lookup_addr(h->set, a, &ref) && (x = add_hit(h, ref, where, false)))
		net_addr_format(a, x->matched);
}
