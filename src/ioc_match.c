/* ioc_match.c - matching messages against indicators, see ioc_match.h. */
#include "config.h"

#include "ioc_match.h"

#include <string.h>

#include "compiler.h"
#include "dns_types.h"
#include "tbuf.h"


/* Names of places: [section][0 = owner name, 1 = in the rdata]. */
static const char *const where_names[4][2] = {
	{"query", "query"},
	{"answer.name", "answer.data"},
	{"authority.name", "authority.data"},
	{"additional.name", "additional.data"},
};

void ioc_hits_init(struct ioc_hits *h, const struct ioc_set *set)
{
	h->set = set;
	h->names = ioc_set_has_names(set);
	h->addrs = ioc_set_has_addrs(set);
	h->n = 0;
	h->more = false;
}

static COLD struct ioc_hit *add_hit(struct ioc_hits *h, struct ioc_ref ref, const char *where,
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

/* Render the name at pos of msg[0..len) as seen into hit->matched. */
static COLD void render_matched(struct ioc_hit *hit, const uint8_t *msg, size_t len, size_t pos)
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

unsigned ioc_match_qname(struct ioc_hits *h, const struct dns_msg *q)
{
	struct ioc_ref ref;
	struct ioc_clean clean;
	if (!h->names || !q->has_question)
		return 0;
	clean.n = 0;
	if (!ioc_lookup_name_at(h->set, q->wire, q->wire_len, DNS_HEADER_LEN, &clean, &ref))
		return clean.tail;
	struct ioc_hit *hit = add_hit(h, ref, where_names[DNS_SEC_QUESTION][0], false);
	if (hit)
		render_matched(hit, q->wire, q->wire_len, DNS_HEADER_LEN);
	return 0;
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
 * Where the names inside rdata start, by type: the layouts of RFC 1035
 * (NS, MD, MF, CNAME, SOA's two, MB, MG, MR, MINFO's two, PTR, MX), RFC
 * 1183 (AFSDB, RP's two, RT), 2163 (PX's two), 2230 (KX), 2535 (NXT's
 * next name), 2782 (SRV), 2874 (A6's prefix name), 2915 (NAPTR's
 * replacement), 4034 (NSEC's next name), 6672 (DNAME), 6742 (LP), 8777
 * (AMTRELAY's relay, when a name), 9460 (SVCB, HTTPS) and TALINK's two
 * (IANA registry).  Not the signer of RRSIG or SIG: it is the zone of the
 * record's owner (RFC 4035 5.3.1), whose name is looked up.  A table, so
 * that the loop over records stays small: what it runs for every record
 * of every message must share the instruction cache with the rest of the
 * packet path.
 */
enum rdata_layout {
	RD_NONE = 0,
	RD_AT0,     /* one name, the whole rdata */
	RD_TWO,     /* two names, one after the other */
	RD_AT2,     /* after a 16-bit preference or priority */
	RD_TWO_AT2, /* two names after a 16-bit preference */
	RD_AT6,     /* after SRV's priority, weight and port */
	RD_NAPTR,   /* after order, preference and three character strings */
	RD_A6,      /* after a prefix length and the address suffix it leaves */
	RD_AMTRELAY /* after precedence and type, when the type is 3 (a name) */
};

#define T_AMTRELAY 260

static const uint8_t rdata_layout[108] = {
	[2] = RD_AT0,    [3] = RD_AT0,   [4] = RD_AT0,      [5] = RD_AT0,   [6] = RD_TWO,
	[7] = RD_AT0,    [8] = RD_AT0,   [9] = RD_AT0,      [12] = RD_AT0,  [14] = RD_TWO,
	[15] = RD_AT2,   [17] = RD_TWO,  [18] = RD_AT2,     [21] = RD_AT2,  [26] = RD_TWO_AT2,
	[30] = RD_AT0,   [33] = RD_AT6,  [35] = RD_NAPTR,   [36] = RD_AT2,  [38] = RD_A6,
	[39] = RD_AT0,   [47] = RD_AT0,  [58] = RD_TWO,     [64] = RD_AT2,  [65] = RD_AT2,
	[107] = RD_AT2,
};

static unsigned layout_of(uint16_t type)
{
	if (type < sizeof(rdata_layout))
		return rdata_layout[type];
	return type == T_AMTRELAY ? RD_AMTRELAY : RD_NONE;
}

/* One message being matched. */
struct msg_match {
	struct ioc_hits *h;
	const struct dns_msg *m;
	bool reply;
	const struct dns_rr *question; /* skipped; what it has clean is not noted yet */
	unsigned qclean;               /* labels of it found clean in the query */
	struct ioc_clean clean;        /* only clean.n entries are read */
};

/*
 * What the look-up of the question in its query found clean holds for the
 * skipped question here too, which is the same name (the caller says so):
 * its suffix of x->qclean labels.  Found where it sits if the question
 * lies flat (no pointer), as questions do.  Noted before the first
 * look-up only: most messages have none.
 */
static void question_clean(struct msg_match *x)
{
	const uint8_t *w = x->m->wire;
	size_t len = x->m->wire_len, p = x->question->name_off;
	unsigned n = 0;
	if (x->qclean == 0 || x->clean.n >= IOC_CLEAN_MAX)
		return;
	while (p < len && w[p] - 1u < 63u) {
		p += 1 + (size_t)w[p];
		n++;
	}
	if (p >= len || w[p] != 0 || n < x->qclean)
		return;
	p = x->question->name_off;
	for (n -= x->qclean; n > 0; n--)
		p += 1 + (size_t)w[p];
	x->clean.off[x->clean.n++] = (uint16_t)p;
}

/*
 * Match the name at pos, whose own octets end before cut (its rdata's
 * end, or the message's: pointers reach back before it anyway); where
 * says where it is, for a hit.  Out of line, as what follows: the loop
 * over records calls them for few records.
 */
static NOINLINE void match_name_at(struct msg_match *x, size_t pos, size_t cut,
                                   const char *where)
{
	struct ioc_ref ref;
	struct ioc_hit *hit;
	const uint8_t *wire = x->m->wire;
	if (pos >= cut || wire[pos] == 0)
		return;
	if (x->question) {
		question_clean(x);
		x->question = NULL;
	}
	if (ioc_lookup_name_at(x->h->set, wire, cut, pos, &x->clean, &ref) &&
	    (hit = add_hit(x->h, ref, where, x->reply)))
		render_matched(hit, wire, cut, pos);
}

/* Where the first name in rdata[rd..end) laid out as layout says starts; end if none. */
static size_t first_name(const uint8_t *msg, size_t rd, size_t end, unsigned layout)
{
	size_t pos;
	switch (layout) {
	case RD_AT2:
	case RD_TWO_AT2:
		return rd + 2;
	case RD_AT6:
		return rd + 6;
	case RD_NAPTR:
		pos = rd + 4;
		for (int k = 0; k < 3 && pos < end; k++)
			pos += 1 + (size_t)msg[pos];
		return pos;
	case RD_A6: /* no name with a prefix length of 0, none valid above 128 */
		if (rd >= end || msg[rd] == 0 || msg[rd] > 128)
			return end;
		return rd + 1 + (128u - msg[rd] + 7) / 8;
	case RD_AMTRELAY:
		return end - rd > 2 && (msg[rd + 1] & 0x7F) == 3 ? rd + 2 : end;
	default:
		return rd;
	}
}

/* The names in the rdata of rr, laid out as layout says. */
static NOINLINE void match_rdata_names(struct msg_match *x, const struct dns_rr *rr,
                                       unsigned layout, const char *where)
{
	const uint8_t *msg = x->m->wire;
	size_t rd = rr->rdata_off, end = rd + rr->rdlen;
	if (end > x->m->wire_len)
		return;
	size_t pos = first_name(msg, rd, end, layout);
	/* a name must start inside its rdata: match_name_at looks */
	match_name_at(x, pos, end, where);
	if (layout == RD_TWO || layout == RD_TWO_AT2)
		match_name_at(x, name_end(msg, end, pos), end, where);
}

/* The address of an A or AAAA record. */
static NOINLINE void match_rdata_addr(struct msg_match *x, const struct dns_rr *rr,
                                      const char *where)
{
	const struct dns_msg *m = x->m;
	struct net_addr a;
	struct ioc_ref ref;
	struct ioc_hit *hit;
	if ((size_t)rr->rdata_off + rr->rdlen > m->wire_len)
		return;
	if (rr->type == DNS_T_A && rr->rdlen == 4)
		net_addr_set4(&a, m->wire + rr->rdata_off);
	else if (rr->type == DNS_T_AAAA && rr->rdlen == 16)
		net_addr_set6(&a, m->wire + rr->rdata_off);
	else
		return;
	if (ioc_lookup_addr(x->h->set, &a, &ref) && (hit = add_hit(x->h, ref, where, x->reply)))
		net_addr_format(&a, hit->matched);
}

/* Whether the name at pos is a compression pointer to target. */
static inline bool points_to(const struct dns_msg *m, size_t pos, size_t target)
{
	return pos + 1 < m->wire_len && m->wire[pos] == (0xC0 | (target >> 8)) &&
	       m->wire[pos + 1] == (target & 0xFF);
}

void ioc_match_msg(struct ioc_hits *h, const struct dns_msg *m, bool reply, bool skip_question,
                   unsigned qclean)
{
	struct msg_match x;
	size_t skip = SIZE_MAX; /* the question matched in the query: where its labels start */
	if (!m->wire || !(h->names || h->addrs))
		return;
	x.h = h;
	x.m = m;
	x.reply = reply;
	x.question = NULL;
	x.qclean = qclean;
	x.clean.n = 0;
	for (size_t i = 0; i < m->nrr; i++) {
		const struct dns_rr *rr = &m->rr[i];
		unsigned sec = (unsigned)rr->section & 3u;
		if (skip_question && i == 0 && sec == DNS_SEC_QUESTION) {
			skip = first_label(m->wire, m->wire_len, rr->name_off);
			x.question = m->has_question ? rr : NULL;
			continue;
		}
		/* most owner names of a reply: a pointer straight to its question;
		 * OPT's: the root (a parsed record's owner is inside the message) */
		if (h->names && m->wire[rr->name_off] != 0 && !points_to(m, rr->name_off, skip))
			match_name_at(&x, rr->name_off, m->wire_len, where_names[sec][0]);
		if (sec == DNS_SEC_QUESTION)
			continue;
		unsigned layout = layout_of(rr->type);
		if (layout != RD_NONE && h->names)
			match_rdata_names(&x, rr, layout, where_names[sec][1]);
		else if (layout == RD_NONE && h->addrs)
			match_rdata_addr(&x, rr, where_names[sec][1]);
	}
}

void ioc_match_addr_in(struct ioc_hits *h, const struct net_addr *a, const char *where)
{
	struct ioc_ref ref;
	struct ioc_hit *x;
	if (ioc_lookup_addr(h->set, a, &ref) && (x = add_hit(h, ref, where, false)))
		net_addr_format(a, x->matched);
}
