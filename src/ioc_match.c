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

/* Message offsets of names already matched, so a name is looked up once. */
struct seen {
	uint32_t pos[64];
	size_t n;
};

void ioc_hits_init(struct ioc_hits *h, const struct ioc_set *set)
{
	h->set = set;
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

/*
 * Where the bytes of the name at pos really start: past the compression
 * pointers that begin it (each strictly backwards, so this ends).
 */
static uint32_t name_start(const uint8_t *msg, size_t len, size_t pos)
{
	while (pos + 1 < len && (msg[pos] & 0xC0) == 0xC0) {
		size_t t = ((size_t)(msg[pos] & 0x3F) << 8) | msg[pos + 1];
		if (t >= pos)
			break;
		pos = t;
	}
	return (uint32_t)pos;
}

static bool seen_before(const struct seen *s, uint32_t start)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->pos[i] == start)
			return true;
	return false;
}

static void remember(struct seen *s, uint32_t start)
{
	if (s->n < sizeof(s->pos) / sizeof(s->pos[0]))
		s->pos[s->n++] = start;
}

/* Add a hit for wire (a name found at where), rendered as seen. */
static void hit_name(struct ioc_hits *h, const uint8_t *wire, size_t wlen, const char *where,
                     bool reply)
{
	struct ioc_ref ref;
	if (wlen < 2 || !ioc_lookup_name(h->set, wire, wlen, &ref))
		return;
	struct ioc_hit *x = add_hit(h, ref, where, reply);
	if (x) {
		struct tbuf b;
		tbuf_init(&b, x->matched, sizeof(x->matched));
		dns_name_render(&b, wire, wlen);
		if (tbuf_finish(&b) < 0)
			x->matched[0] = '\0';
	}
}

void ioc_match_qname(struct ioc_hits *h, const uint8_t *wire, size_t wlen)
{
	if (ioc_set_has_names(h->set))
		hit_name(h, wire, wlen, where_names[DNS_SEC_QUESTION][0], false);
}

/* Match the name at pos of the message cut at len (the end of its rdata). */
static void match_name_at(struct ioc_hits *h, const struct dns_msg *m, size_t len, size_t pos,
                          struct seen *seen, const char *where, bool reply)
{
	if (pos >= len)
		return;
	uint32_t start = name_start(m->wire, len, pos);
	if (seen_before(seen, start))
		return;
	uint8_t wire[DNS_NAME_MAXWIRE];
	size_t wlen;
	/* remembered only once read whole: cut at an rdata's end it may not be */
	if (dns_name_unpack(m->wire, len, &pos, wire, &wlen) != DNS_NAME_OK)
		return;
	remember(seen, start);
	hit_name(h, wire, wlen, where, reply);
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

static void match_rdata(struct ioc_hits *h, const struct dns_msg *m, const struct dns_rr *rr,
                        struct seen *seen, const char *where, bool reply)
{
	size_t end = (size_t)rr->rdata_off + rr->rdlen;
	if (end > m->wire_len)
		return;
	if ((rr->type == DNS_T_A && rr->rdlen == 4) || (rr->type == DNS_T_AAAA && rr->rdlen == 16)) {
		if (!ioc_set_has_addrs(h->set))
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
	int off = rdata_name_offset(rr->type);
	if (off >= 0 && ioc_set_has_names(h->set) && rr->rdlen > off)
		match_name_at(h, m, end, rr->rdata_off + (size_t)off, seen, where, reply);
}

void ioc_match_msg(struct ioc_hits *h, const struct dns_msg *m, bool reply, bool skip_question)
{
	struct seen seen = {.n = 0};
	bool names = ioc_set_has_names(h->set);
	if (!m->wire)
		return;
	for (size_t i = 0; i < m->nrr; i++) {
		const struct dns_rr *rr = &m->rr[i];
		unsigned sec = (unsigned)rr->section & 3u;
		if (skip_question && i == 0 && sec == DNS_SEC_QUESTION) {
			/* matched in the query: the names that point to it need no look-up */
			remember(&seen, name_start(m->wire, m->wire_len, rr->name_off));
			continue;
		}
		if (names)
			match_name_at(h, m, m->wire_len, rr->name_off, &seen, where_names[sec][0], reply);
		if (sec != DNS_SEC_QUESTION)
			match_rdata(h, m, rr, &seen, where_names[sec][1], reply);
	}
}

void ioc_match_addr(struct ioc_hits *h, const struct net_addr *a, const char *where)
{
	struct ioc_ref ref;
	struct ioc_hit *x;
	if (ioc_set_has_addrs(h->set) && ioc_lookup_addr(h->set, a, &ref) &&
	    (x = add_hit(h, ref, where, false)))
		net_addr_format(a, x->matched);
}
