/*
 * dns_rdata.h - rdata in presentation form, as zone files and dig print it.
 *
 * Rendered types: A, AAAA, NS, CNAME, PTR, DNAME (and the obsolete MD, MF,
 * MB, MG, MR), MX, SOA, TXT, SPF, SRV.  Every other type, and any rdata of
 * a rendered type that does not parse exactly, is written in the RFC 3597
 * generic form "\# LEN HEX" so the bytes are never lost nor misread.
 */
#ifndef DNS_GAZER_DNS_RDATA_H
#define DNS_GAZER_DNS_RDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tbuf.h"

/*
 * Scratch space that always holds the generic form of the largest rdata
 * (65535 octets: "\# 65535 " plus 131070 hex digits).
 */
#define DNS_RDATA_TEXT_MAX (2 * 65535 + 64)

/*
 * Append the presentation form of the rdata of an RR of type `type` found
 * at msg[off, off + rdlen) to b.  msg (msglen bytes) is the whole DNS
 * message: names inside the rdata may be compressed.  Returns which form
 * was written.
 */
enum dns_rdata_form {
	DNS_RDATA_TYPED,   /* the type's own presentation form */
	DNS_RDATA_GENERIC, /* the type has no other form: "\# LEN HEX" */
	DNS_RDATA_INVALID, /* the rdata did not parse (or fit): "\# LEN HEX" */
};
enum dns_rdata_form dns_rdata_render(struct tbuf *b, uint16_t type, const uint8_t *msg, size_t msglen,
                      size_t off, size_t rdlen);

/* Append the RFC 3597 generic form "\# LEN HEX" ("\# 0" when empty). */
void dns_rdata_render_generic(struct tbuf *b, const uint8_t *rdata, size_t rdlen);

#endif /* DNS_GAZER_DNS_RDATA_H */
