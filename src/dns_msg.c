/* dns_msg.c - DNS message parsing, see dns_msg.h. */
#include "config.h"

#include "dns_msg.h"

#include <stdlib.h>
#include <string.h>

#include "dns_rdata.h"
#include "dns_types.h"
#include "tbuf.h"
#include "wire.h"

/* Smallest question (root name, type, class) and smallest RR on the wire. */
#define MIN_QUESTION 5
#define MIN_RR 11

int dns_parser_init(struct dns_parser *p)
{
	arena_init(&p->arena, 64 * 1024);
	p->scratch = malloc(DNS_RDATA_TEXT_MAX);
	return p->scratch ? 0 : -1;
}

void dns_parser_reset(struct dns_parser *p)
{
	arena_reset(&p->arena);
}

void dns_parser_free(struct dns_parser *p)
{
	arena_free(&p->arena);
	free(p->scratch);
	p->scratch = NULL;
}

static const char *copy_text(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* Names are rendered straight into the arena: their size is bounded. */
static const char *render_name(struct dns_parser *p, const uint8_t *wire, size_t wlen,
                               size_t *textlen)
{
	char *text = arena_reserve(&p->arena, DNS_NAME_MAXTEXT);
	if (!text)
		return NULL;
	struct tbuf b;
	tbuf_init(&b, text, DNS_NAME_MAXTEXT);
	dns_name_render(&b, wire, wlen);
	long n = tbuf_finish(&b);
	if (n < 0)
		return NULL;
	arena_commit(&p->arena, (size_t)n + 1);
	*textlen = (size_t)n;
	return text;
}

/* Rdata text may be long (DNS_RDATA_TEXT_MAX): rendered aside, then copied. */
static const char *render_rdata(struct dns_parser *p, uint16_t type, const uint8_t *msg,
                                size_t len, size_t off, size_t rdlen, enum dns_rdata_form *form,
                                size_t *textlen)
{
	struct tbuf b;
	tbuf_init(&b, p->scratch, DNS_RDATA_TEXT_MAX);
	*form = dns_rdata_render(&b, type, msg, len, off, rdlen);
	long n = tbuf_finish(&b);
	if (n < 0)
		return NULL;
	*textlen = (size_t)n;
	return copy_text(&p->arena, p->scratch, (size_t)n);
}

static void flag(struct dns_msg *m, enum dns_msg_status s)
{
	if (m->status == DNS_MSG_OK)
		m->status = s;
	m->malformed = true;
}

/* Read one question or RR at r->pos into rr; returns a status. */
/*
 * The message's OPT record (RFC 6891 6.1.1: in the additional section,
 * owned by the root, at most one) becomes m->edns instead of a record.
 * Returns a status for the record, or DNS_MSG_OK with *taken set.
 */
static enum dns_msg_status take_opt(struct dns_parser *p, struct dns_msg *m,
                                    const struct dns_rr *rr, const uint8_t *rdata, size_t rdlen,
                                    bool *taken)
{
	int rc = dns_edns_parse(&m->edns, rr->rclass, rr->ttl, rdata, rdlen, &p->arena, p->scratch,
	                        DNS_RDATA_TEXT_MAX);
	*taken = true;
	if (rc < 0)
		return DNS_MSG_NO_MEMORY;
	return rc ? DNS_MSG_BAD_RDATA : DNS_MSG_OK;
}

static enum dns_msg_status parse_one(struct wire_rd *r, struct dns_parser *p, struct dns_msg *m,
                                     enum dns_section sec, struct dns_rr *rr, uint8_t *wire,
                                     size_t *wlen, bool *taken)
{
	size_t pos = r->pos;
	bool bad_rdata = false;
	if (pos == r->len)
		return DNS_MSG_TRUNCATED_RR; /* the header counted more than was sent */
	if (dns_name_unpack(r->base, r->len, &pos, wire, wlen) != DNS_NAME_OK)
		return sec == DNS_SEC_QUESTION ? DNS_MSG_BAD_QUESTION : DNS_MSG_BAD_NAME;
	rr->name_off = (uint32_t)r->pos;
	rr->rdata_off = 0;
	rr->rdlen = 0;
	r->pos = pos;
	rr->section = sec;
	rr->type = wire_u16(r);
	rr->rclass = wire_u16(r);
	rr->ttl = 0;
	rr->data = NULL;
	rr->data_len = 0;
	rr->mdns_bit = false;
	if (sec != DNS_SEC_QUESTION) {
		rr->ttl = wire_u32(r);
		uint16_t rdlen = wire_u16(r);
		size_t off = r->pos;
		rr->rdata_off = (uint32_t)off;
		rr->rdlen = rdlen;
		wire_skip(r, rdlen);
		if (!wire_rd_ok(r))
			return DNS_MSG_TRUNCATED_RR;
		if (rr->type == DNS_T_OPT && sec == DNS_SEC_ADDITIONAL && *wlen == 1 &&
		    !m->edns.present)
			return take_opt(p, m, rr, r->base + off, rdlen, taken);
		enum dns_rdata_form form;
		rr->data = render_rdata(p, rr->type, r->base, r->len, off, rdlen, &form, &rr->data_len);
		if (!rr->data)
			return DNS_MSG_NO_MEMORY;
		/* RFC 2136 2.4, 2.5: empty rdata with class ANY or NONE is how an
		 * UPDATE asks "exists?" or deletes an RRset; not an error. */
		bool update_form = rdlen == 0 && (rr->rclass == 254 || rr->rclass == 255);
		if (form == DNS_RDATA_INVALID && !update_form)
			bad_rdata = true; /* kept, but flagged once the name is done */
	} else if (!wire_rd_ok(r)) {
		return DNS_MSG_BAD_QUESTION;
	}
	rr->name = render_name(p, wire, *wlen, &rr->name_len);
	if (!rr->name)
		return DNS_MSG_NO_MEMORY;
	return bad_rdata ? DNS_MSG_BAD_RDATA : DNS_MSG_OK;
}

/* Clear m and read the header; false if the message is shorter than one. */
static bool read_header(struct wire_rd *r, const uint8_t *buf, size_t len, struct dns_msg *m)
{
	memset(m, 0, offsetof(struct dns_msg, qname));
	m->qname_len = 0;
	m->wire = buf;
	m->wire_len = len;
	wire_rd_init(r, buf, len);
	m->id = wire_u16(r);
	m->flags = wire_u16(r);
	for (int i = 0; i < 4; i++)
		m->count[i] = wire_u16(r);
	return wire_rd_ok(r);
}

enum dns_msg_status dns_msg_parse_question(const uint8_t *buf, size_t len, struct dns_msg *m)
{
	struct wire_rd r;
	if (!read_header(&r, buf, len, m))
		return m->status = DNS_MSG_SHORT_HEADER;
	/* as dns_msg_parse: no room for a question, or none counted */
	if (m->count[DNS_SEC_QUESTION] == 0 || (len - DNS_HEADER_LEN) / MIN_QUESTION == 0)
		return DNS_MSG_OK;
	uint8_t wire[DNS_NAME_MAXWIRE];
	size_t wlen, pos = r.pos;
	if (dns_name_unpack(buf, len, &pos, wire, &wlen) != DNS_NAME_OK)
		return DNS_MSG_OK;
	r.pos = pos;
	uint16_t type = wire_u16(&r), rclass = wire_u16(&r);
	if (!wire_rd_ok(&r))
		return DNS_MSG_OK;
	m->has_question = true;
	memcpy(m->qname, wire, wlen);
	m->qname_len = wlen;
	m->qtype = type;
	m->qclass = rclass;
	return DNS_MSG_OK;
}

enum dns_msg_status dns_msg_parse(struct dns_parser *p, const uint8_t *buf, size_t len,
                                  struct dns_msg *m)
{
	struct wire_rd r;
	if (!read_header(&r, buf, len, m))
		return m->status = DNS_MSG_SHORT_HEADER;

	/* Bound the array by what the message could possibly hold. */
	size_t claimed = (size_t)m->count[0] + m->count[1] + m->count[2] + m->count[3];
	size_t room = (len - DNS_HEADER_LEN) / MIN_QUESTION;
	size_t cap = claimed < room ? claimed : room;
	m->rr = cap ? arena_alloc(&p->arena, cap * sizeof(*m->rr)) : NULL;
	if (cap && !m->rr)
		return m->status = DNS_MSG_NO_MEMORY;

	uint8_t wire[DNS_NAME_MAXWIRE];
	size_t wlen = 0;
	for (int sec = DNS_SEC_QUESTION; sec <= DNS_SEC_ADDITIONAL; sec++) {
		for (unsigned i = 0; i < m->count[sec]; i++) {
			if (m->nrr >= cap) {
				flag(m, sec == DNS_SEC_QUESTION && m->nrr == 0 ? DNS_MSG_BAD_QUESTION
				                                               : DNS_MSG_TRUNCATED_RR);
				goto done;
			}
			struct dns_rr *rr = &m->rr[m->nrr];
			bool taken = false;
			enum dns_msg_status s =
			    parse_one(&r, p, m, (enum dns_section)sec, rr, wire, &wlen, &taken);
			if (s == DNS_MSG_NO_MEMORY)
				return m->status = s;
			if (taken) {
				if (s != DNS_MSG_OK)
					flag(m, s);
				continue;
			}
			if (s != DNS_MSG_OK && s != DNS_MSG_BAD_RDATA) {
				/* a bad first question leaves the header alone to log */
				if (s == DNS_MSG_BAD_QUESTION && m->nrr > 0)
					s = DNS_MSG_BAD_NAME;
				flag(m, s);
				goto done;
			}
			if (s == DNS_MSG_BAD_RDATA)
				flag(m, s);
			if (sec == DNS_SEC_QUESTION && !m->has_question) {
				m->has_question = true;
				memcpy(m->qname, wire, wlen);
				m->qname_len = wlen;
				m->qtype = rr->type;
				m->qclass = rr->rclass;
			}
			m->nrr++;
		}
	}
	if (r.pos != len)
		flag(m, DNS_MSG_TRAILING);
done:
	return m->status;
}

const char *dns_msg_status_str(enum dns_msg_status s)
{
	switch (s) {
	case DNS_MSG_OK: return "ok";
	case DNS_MSG_SHORT_HEADER: return "short_header";
	case DNS_MSG_BAD_QUESTION: return "bad_question";
	case DNS_MSG_BAD_NAME: return "bad_name";
	case DNS_MSG_TRUNCATED_RR: return "truncated_rr";
	case DNS_MSG_TRAILING: return "trailing_bytes";
	case DNS_MSG_BAD_RDATA: return "bad_rdata";
	case DNS_MSG_NO_MEMORY: return "no_memory";
	case DNS_MSG__COUNT: break;
	}
	return "unknown";
}

const char *dns_section_str(enum dns_section s, unsigned opcode)
{
	static const char *const names[] = {"question", "answer", "authority", "additional"};
	static const char *const update[] = {"zone", "prerequisite", "update", "additional"};
	if ((unsigned)s >= 4)
		return "unknown";
	return opcode == 5 ? update[s] : names[s];
}

const char *dns_flags_str(uint16_t flags, char buf[24])
{
	static const struct {
		uint16_t bit;
		const char *name;
	} f[] = {{0x0400, "aa"}, {0x0200, "tc"}, {0x0100, "rd"}, {0x0080, "ra"},
	         {0x0040, "z"},  {0x0020, "ad"}, {0x0010, "cd"}};
	char *o = buf;
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (!(flags & f[i].bit))
			continue;
		if (o != buf)
			*o++ = ' ';
		for (const char *n = f[i].name; *n; n++)
			*o++ = *n;
	}
	*o = '\0';
	return buf;
}
