/*
 * ioc_match.h - match the names and addresses of DNS messages against an
 * indicator set (ioc.h), collecting what matched for the events.
 *
 * Names are matched in wire form, straight from the message bytes
 * (dns_msg.wire), never through their escaped text: every question name,
 * every owner name, the names inside NS, MD, MF, CNAME, SOA (both), MB,
 * MG, MR, MINFO (both), PTR, MX, AFSDB, RP (both), RT, PX (both), NXT,
 * KX, A6 (prefix name), SRV, NAPTR (replacement), DNAME, NSEC (next name),
 * TALINK (both), SVCB, HTTPS, LP and AMTRELAY (a relay's name) rdata, and
 * the addresses of A and AAAA records, in every section.  Each indicator is
 * reported once per collection, at the first place it matched.  Names are
 * looked up where they sit in the message, without a copy.
 */
#ifndef DNS_GAZER_IOC_MATCH_H
#define DNS_GAZER_IOC_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "dns_msg.h"
#include "dns_name.h"
#include "ioc.h"
#include "net_addr.h"

/* At most this many indicators are reported per transaction. */
#define IOC_MATCH_MAX 8

struct ioc_hit {
	struct ioc_ref ref;
	const char *where;   /* "query", "answer.name", "answer.data", ..., "client_addr" */
	bool reply;          /* found in the reply (else in the query or the addresses) */
	const char *label;   /* NULL if none; owned by the set */
	char indicator[IOC_TEXT_MAX];
	char matched[DNS_NAME_MAXTEXT]; /* the name or address as seen, presentation form */
};

struct ioc_hits {
	const struct ioc_set *set; /* borrowed */
	bool names, addrs;         /* whether the set has name / address indicators */
	size_t n;
	bool more;                 /* further indicators matched but were not kept */
	struct ioc_hit hit[IOC_MATCH_MAX];
};

/* Start an empty collection against set. */
void ioc_hits_init(struct ioc_hits *h, const struct ioc_set *set);

/* Empty the collection for the next transaction, against the same set. */
static inline void ioc_hits_clear(struct ioc_hits *h)
{
	h->n = 0;
	h->more = false;
}

/*
 * Match every name and address of m (parsed from m->wire, which must still
 * be valid); reply says which message of the transaction it is.  With
 * skip_question the first question is not matched (the reply's copy of a
 * question already matched in its query: the same name, as pairing makes
 * sure), and qclean is what ioc_match_qname() returned for it then.
 */
void ioc_match_msg(struct ioc_hits *h, const struct dns_msg *m, bool reply, bool skip_question,
                   unsigned qclean);

/*
 * Match the question of a query as it arrives, before the rest of the
 * message is parsed (where: "query").  Returns, when it matched nothing,
 * how many labels has the suffix of it from which nothing listed can
 * match (an ioc_clean's tail), for ioc_match_msg; else 0.
 */
unsigned ioc_match_qname(struct ioc_hits *h, const struct dns_msg *q);

/* ioc_match_addr() for a set with addresses. */
void ioc_match_addr_in(struct ioc_hits *h, const struct net_addr *a, const char *where);

/*
 * Match an endpoint's address; where is "client_addr" or "server_addr".
 * Inline: for the many sets without addresses it costs one test.
 */
static inline void ioc_match_addr(struct ioc_hits *h, const struct net_addr *a, const char *where)
{
	if (h->addrs)
		ioc_match_addr_in(h, a, where);
}

#endif /* DNS_GAZER_IOC_MATCH_H */
