/*
 * dns_msg.h - parse a DNS message (RFC 1035 section 4) into its header and
 * the records of all four sections, with names and rdata already rendered
 * in presentation form.
 *
 * Counts in the header are never trusted: records are read until a count
 * is reached or the message ends.  A message shorter than its header is
 * rejected; one that breaks later keeps the header and the records read
 * so far and is flagged `malformed` with the reason, so a reply padded
 * with garbage still shows what it answered, and junk sent to a DNS port
 * still shows up.
 */
#ifndef DNS_GAZER_DNS_MSG_H
#define DNS_GAZER_DNS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "dns_edns.h"
#include "dns_name.h"

#define DNS_HEADER_LEN 12
#define DNS_FLAG_QR 0x8000u

enum dns_section {
	DNS_SEC_QUESTION = 0,
	DNS_SEC_ANSWER,
	DNS_SEC_AUTHORITY,
	DNS_SEC_ADDITIONAL,
};

/* Why a message was rejected or flagged; each has a stats counter. */
enum dns_msg_status {
	DNS_MSG_OK = 0,
	DNS_MSG_SHORT_HEADER,   /* fewer than 12 bytes */
	DNS_MSG_BAD_QUESTION,   /* first question unreadable: header kept, flagged */
	DNS_MSG_BAD_NAME,       /* a later owner name unreadable: flagged */
	DNS_MSG_TRUNCATED_RR,   /* RR fixed part or rdata past the end: flagged */
	DNS_MSG_TRAILING,       /* bytes left after the last counted RR: flagged */
	DNS_MSG_BAD_RDATA,      /* rdata did not parse, generic form used: flagged */
	DNS_MSG_NO_MEMORY,
	DNS_MSG__COUNT
};

struct dns_rr {
	enum dns_section section;
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;         /* 0 for questions */
	bool mdns_bit;        /* mDNS: class top bit (QU in questions, cache-flush in RRs) */
	const char *name;     /* presentation form, in the message arena */
	const char *data;     /* presentation form; NULL for questions */
	/* where the record is in the message (see dns_msg.wire) */
	uint32_t name_off;    /* the owner name, as it is on the wire */
	uint32_t rdata_off;   /* the rdata (0 and rdlen 0 for questions) */
	uint16_t rdlen;
	size_t name_len, data_len; /* their strlen(), known when they are made */
};

struct dns_msg {
	uint16_t id;
	uint16_t flags;       /* QR, opcode, AA, TC, RD, RA, Z, AD, CD, rcode */
	uint16_t count[4];    /* header counts as sent (not trusted) */
	struct dns_rr *rr;    /* records in wire order, in the arena */
	size_t nrr;
	enum dns_msg_status status; /* first problem met (OK if none) */
	bool malformed;       /* status != OK but the message was kept */
	struct dns_edns edns; /* from the OPT record, which is not in rr[] */
	/*
	 * The bytes parsed, borrowed from the caller of dns_msg_parse(): valid
	 * only as long as that buffer is (for matching names in wire form).
	 */
	const uint8_t *wire;
	size_t wire_len;
	/* first question in wire form, for pairing */
	bool has_question;
	uint8_t qname[DNS_NAME_MAXWIRE];
	size_t qname_len;
	uint16_t qtype, qclass;
};

static inline bool dns_msg_is_reply(const struct dns_msg *m)
{
	return (m->flags & DNS_FLAG_QR) != 0;
}

/* The full rcode: 4 header bits, extended by EDNS (RFC 6891 6.1.3). */
static inline unsigned dns_msg_rcode(const struct dns_msg *m)
{
	unsigned ext = m->edns.present ? (unsigned)m->edns.ext_rcode << 4 : 0;
	return ext | (m->flags & 0x000Fu);
}

static inline unsigned dns_msg_opcode(const struct dns_msg *m)
{
	return (m->flags >> 11) & 0x0Fu;
}

/*
 * Memory for parsed messages: an arena for names, rdata text and record
 * arrays, and a scratch buffer to render rdata before it is copied.  The
 * caller owns it; messages parsed with it stay valid until
 * dns_parser_reset().
 */
struct dns_parser {
	struct arena arena;
	char *scratch; /* DNS_RDATA_TEXT_MAX bytes */
};

/* Returns 0, or -1 on out-of-memory. */
int dns_parser_init(struct dns_parser *p);
void dns_parser_reset(struct dns_parser *p);
void dns_parser_free(struct dns_parser *p);

/*
 * Parse len bytes at buf into m, allocating from p; buf need not outlive
 * the call.  Returns DNS_MSG_OK or the flagging status when m is usable, or
 * DNS_MSG_SHORT_HEADER / DNS_MSG_BAD_QUESTION / DNS_MSG_NO_MEMORY when it
 * is not (check with dns_msg_usable()).
 */
enum dns_msg_status dns_msg_parse(struct dns_parser *p, const uint8_t *buf, size_t len,
                                  struct dns_msg *m);

/*
 * Read only the header and the first question of a message into m: what
 * pairing needs (id, flags, counts, has_question, qname, qtype, qclass),
 * exactly as dns_msg_parse() would set them; m has no records and no EDNS.
 * Allocates nothing.  Returns DNS_MSG_SHORT_HEADER, else DNS_MSG_OK (the
 * rest is unread: only dns_msg_parse() can tell whether it is malformed).
 */
enum dns_msg_status dns_msg_parse_question(const uint8_t *buf, size_t len, struct dns_msg *m);

/* Whether a status from dns_msg_parse() left a message worth logging. */
static inline bool dns_msg_usable(enum dns_msg_status s)
{
	return s != DNS_MSG_SHORT_HEADER && s != DNS_MSG_NO_MEMORY;
}

/* Counter name of a status ("short_header", "bad_question", ...). */
const char *dns_msg_status_str(enum dns_msg_status s);

/*
 * Section name as logged: "question", "answer", "authority", "additional";
 * in an UPDATE (opcode 5, RFC 2136) "zone", "prerequisite", "update",
 * "additional".
 */
const char *dns_section_str(enum dns_section s, unsigned opcode);

/*
 * The header flags that are set, lower case in header order, separated by
 * spaces: "aa tc rd ra z ad cd" (QR aside; "" when none).  buf >= 24 bytes.
 */
const char *dns_flags_str(uint16_t flags, char buf[24]);

#endif /* DNS_GAZER_DNS_MSG_H */
