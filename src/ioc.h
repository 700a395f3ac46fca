/*
 * ioc.h - a set of indicators of compromise: domains and addresses that
 * others share, loaded from files and looked up on the packet path.
 *
 * A file has one indicator per line, optionally followed by a TAB and a
 * label (feed or campaign name, printable ASCII).  Blank lines and lines
 * starting with '#' are skipped; after the indicator, blanks then '#'
 * start a comment too.  An indicator is
 *   - a domain name in presentation form (RFC 1035 \DDD and \X escapes
 *     allowed, trailing dot optional): it matches itself and every name
 *     below it;
 *   - "*." and a domain: it matches only the names below that domain;
 *   - an IPv4 or IPv6 address, or a CIDR prefix ADDR/LEN (host bits zero).
 * Names are kept in lower-case wire form and compared with the wire form
 * of names from packets lowered the same way (ASCII A-Z only), so no
 * spelling of a name (case, escapes) hides it.  When an indicator appears
 * twice, the first label wins.
 *
 * Storage: one open-addressing table with a randomly seeded hash, behind
 * a Bloom filter that answers most look-ups of unlisted names from cache.
 * A name's key is its lower-case wire form; the hash of a name is built
 * label by label from the right, so the hashes of all its suffixes come
 * from one pass; a look-up probes the filter from the name's right end and
 * stops at the first suffix no listed name ends in, most often its
 * registered domain.  Address keys are the family, the prefix length and the
 * masked bytes; a look-up probes once per prefix length present in the
 * set, longest first.
 *
 * A set is built once (ioc_set_new, ioc_set_add_*) and then only read;
 * the reader owns it and frees it with ioc_set_free.
 */
#ifndef DNS_GAZER_IOC_H
#define DNS_GAZER_IOC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net_addr.h"

struct ioc_set;

/* Longest indicator text: "*." and a name's presentation form, "/128". */
#define IOC_TEXT_MAX 1040

/* One indicator found by a lookup: valid while its set is. */
struct ioc_ref {
	uint32_t slot;  /* in the set's table */
	uint8_t kind;   /* IOC_KIND_* */
};

enum {
	IOC_KIND_DOMAIN = 0,   /* the name and below */
	IOC_KIND_BELOW = 1,    /* "*.": only below */
	IOC_KIND_ADDR = 2,     /* address or prefix */
};

/* An empty set; NULL on out-of-memory or when no random key can be had. */
struct ioc_set *ioc_set_new(void);

void ioc_set_free(struct ioc_set *s);

/*
 * Add the indicators of a file.  Returns 0, or -1 with err holding one line
 * "PATH:LINE: reason" (or "PATH: reason" when the file cannot be read, or
 * "PATH:LINE: loading cancelled" when *cancel, if cancel is not NULL, was
 * found set: it is looked at every few thousand lines, so a large list
 * read on a thread can be given up at once).  The set keeps what was added
 * before the error: callers that must stay consistent load into a new set
 * and drop it on error.
 */
int ioc_set_add_file(struct ioc_set *s, const char *path, const atomic_bool *cancel, char *err,
                     size_t errlen);

/*
 * Add the indicators of text[0..len), as if read from a file called name
 * (for messages).  Same contract as ioc_set_add_file.
 */
int ioc_set_add_text(struct ioc_set *s, const char *name, const char *text, size_t len,
                     char *err, size_t errlen);

/* Number of distinct indicators (a domain and its "*." count as two). */
size_t ioc_set_count(const struct ioc_set *s);

/*
 * Where names of one message are known to match nothing: the offsets of
 * labels from which a look-up found no indicator and stopped because
 * nothing listed ends in the name from there on.  Any name that reaches
 * one of those labels, even through a compression pointer and after labels
 * of its own, stops there too, with the same answers on the way: nothing.
 * So a look-up that meets one gives up at once (a reply's NS, SOA and
 * CNAME names mostly end in its question's domain).  Start with n = 0 for
 * each message; look-ups fill it.
 */
#define IOC_CLEAN_MAX 32

struct ioc_clean {
	unsigned n;
	unsigned tail;               /* labels of the suffix the last look-up found clean, or 0 */
	uint16_t off[IOC_CLEAN_MAX]; /* that suffix first, then the labels before it (< 0x4000) */
};

/*
 * Look up an uncompressed wire name (any case; wlen <= 255): the most
 * specific indicator matching it, if any.  Returns true and fills *ref.
 */
bool ioc_lookup_name(const struct ioc_set *s, const uint8_t *wire, size_t wlen,
                     struct ioc_ref *ref);

/*
 * The same for the name at msg[pos] of a message of len bytes, followed
 * through its compression pointers where it sits (dns_name.h's rules),
 * without a copy; clean (if not NULL) holds what earlier look-ups in the
 * same message found clean, and gets what this one finds.
 */
bool ioc_lookup_name_at(const struct ioc_set *s, const uint8_t *msg, size_t len, size_t pos,
                        struct ioc_clean *clean, struct ioc_ref *ref);

/*
 * Start fetching from memory what ioc_lookup_name_at() of the same name
 * will read first, so that the work done in between hides the wait: with
 * a million names, a name asked for rarely finds its filter block in no
 * cache.  Only a hint, with no effect on any answer; it does nothing for a
 * name that is malformed, begins with a pointer or has one label, nor in
 * a set small enough to stay cached.
 */
void ioc_prefetch_name_at(const struct ioc_set *s, const uint8_t *msg, size_t len, size_t pos);

/* Whether ioc_prefetch_name_at() does anything: the set has names and is too large to stay cached. */
bool ioc_set_prefetches(const struct ioc_set *s);

/* Look up an address: the longest prefix containing it, if any. */
bool ioc_lookup_addr(const struct ioc_set *s, const struct net_addr *a, struct ioc_ref *ref);

/* Whether the set holds any name / any address indicator. */
bool ioc_set_has_names(const struct ioc_set *s);
bool ioc_set_has_addrs(const struct ioc_set *s);

/*
 * The indicator as text (lower case, "*." for below-only, "/LEN" for a
 * prefix shorter than the address) into buf (IOC_TEXT_MAX bytes).
 */
const char *ioc_ref_text(const struct ioc_set *s, struct ioc_ref ref, char buf[IOC_TEXT_MAX]);

/* The label of the indicator, or NULL when its line had none. */
const char *ioc_ref_label(const struct ioc_set *s, struct ioc_ref ref);

/* Whether two refs name the same indicator. */
static inline bool ioc_ref_equal(struct ioc_ref a, struct ioc_ref b)
{
	return a.slot == b.slot && a.kind == b.kind;
}

#endif /* DNS_GAZER_IOC_H */
