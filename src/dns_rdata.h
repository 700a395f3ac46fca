/*
 * dns_rdata.h - rdata in presentation form, as zone files and dig print it.
 *
 * Rendered types, each in its RFC presentation form as BIND 9's dig prints
 * it (names with a trailing dot and \DDD / \X escapes, character-strings
 * quoted, base64 and hex without spaces, hex in upper case):
 *   A NS MD MF CNAME SOA MB MG MR WKS PTR HINFO MINFO MX TXT RP AFSDB X25
 *   ISDN RT NSAP NSAP-PTR SIG KEY PX GPOS AAAA LOC NXT SRV ATMA NAPTR KX
 *   CERT A6 DNAME APL DS SSHFP IPSECKEY RRSIG NSEC DNSKEY DHCID NSEC3
 *   NSEC3PARAM TLSA SMIMEA HIP NINFO RKEY TALINK CDS CDNSKEY OPENPGPKEY
 *   CSYNC ZONEMD SVCB HTTPS SPF NID L32 L64 LP EUI48 EUI64 TKEY TSIG URI
 *   CAA AVC AMTRELAY RESINFO WALLET TA DLV.
 * Every other type (NULL, OPT, EID, ... and unassigned numbers), and any
 * rdata of a rendered type that does not parse exactly (cut short, bytes
 * left over, inner lengths that do not add up, values the RFC forbids), is
 * written in the RFC 3597 generic form "\# LEN HEX" so the bytes are never
 * lost nor misread.  The text is printable ASCII only, whatever the bytes.
 *
 * Where this differs from dig on purpose: RRSIG/SIG times are read as
 * 1970-2106 rather than relative to the current time (so the text never
 * depends on the clock); base64 and hex fields are never split by spaces;
 * SVCB keys dig 9.18 does not know (dohpath, ohttp) are shown by name;
 * an NSEC next name may be compressed (multicast DNS does it) and an
 * IPSECKEY may lack its key (RFC 4025 allows it), where BIND refuses both.
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
