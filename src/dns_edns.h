/*
 * dns_edns.h - EDNS(0) (RFC 6891): the OPT pseudo-record of a message
 * turned into fields, with its options in presentation form.
 *
 * Options rendered: client subnet (RFC 7871) as "ADDRESS/SOURCE/SCOPE",
 * cookie (RFC 7873), NSID (RFC 5001) and unknown options as hex, extended
 * DNS error (RFC 8914) as `CODE (Name) "text"`, TCP keepalive (RFC 7828)
 * as the timeout in 100 ms units, padding (RFC 7830) as its length.  An
 * option that repeats has its values joined by a space.  All text is
 * printable ASCII.
 */
#ifndef DNS_GAZER_DNS_EDNS_H
#define DNS_GAZER_DNS_EDNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

enum {
	EDNS_OPT_NSID = 3,
	EDNS_OPT_ECS = 8,
	EDNS_OPT_COOKIE = 10,
	EDNS_OPT_KEEPALIVE = 11,
	EDNS_OPT_PADDING = 12,
	EDNS_OPT_EDE = 15,
};

/* Indexes of the rendered option values in struct dns_edns.opt. */
enum edns_field {
	EDNS_F_COOKIE,
	EDNS_F_ECS,
	EDNS_F_EDE,
	EDNS_F_KEEPALIVE,
	EDNS_F_NSID,
	EDNS_F_OTHER,     /* "CODE:HEX" for every other option */
	EDNS_F_PADDING,
	EDNS_F__COUNT
};

struct dns_edns {
	bool present;
	uint16_t udp_size;     /* requestor's payload size (the OPT class) */
	uint8_t ext_rcode;     /* upper 8 bits of the 12-bit rcode */
	uint8_t version;
	bool dnssec_ok;        /* DO bit */
	uint16_t z;            /* the other flag bits */
	const char *opt[EDNS_F__COUNT]; /* rendered values, NULL when absent */
};

/*
 * Fill e from an OPT record's class, TTL and rdata.  Text goes into arena
 * a, rendered through scratch (scratch_len bytes).  Returns 0, 1 when an
 * option was malformed (the rest is kept; e is still usable), or -1 on
 * out-of-memory.
 */
int dns_edns_parse(struct dns_edns *e, uint16_t rclass, uint32_t ttl, const uint8_t *rdata,
                   size_t rdlen, struct arena *a, char *scratch, size_t scratch_len);

/* Key of a field in logs: "cookie", "ecs", "ede", ... */
const char *dns_edns_field_str(enum edns_field f);

/* Name of an extended DNS error info-code ("Blocked"), or NULL. */
const char *dns_edns_ede_str(uint16_t code);

#endif /* DNS_GAZER_DNS_EDNS_H */
