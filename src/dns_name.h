/*
 * dns_name.h - domain names: decompression from the wire and rendering in
 * presentation form (RFC 1035 section 3.1, 4.1.4 and 5.1).
 *
 * Names are untrusted.  Decompression always ends: every compression
 * pointer must point strictly before the previous jump target (so pointer
 * chains strictly decrease), labels are at most 63 octets, whole names at
 * most 255 octets, and the reserved label types 0x40 and 0x80 are refused.
 * No recursion and no static state.
 */
#ifndef DNS_GAZER_DNS_NAME_H
#define DNS_GAZER_DNS_NAME_H

#include <stddef.h>
#include <stdint.h>

#include "tbuf.h"

/* Longest uncompressed name in wire form, root label included. */
#define DNS_NAME_MAXWIRE 255
/*
 * Longest presentation form: each octet may become \DDD (4 chars); label
 * separators fit within the length octets the text no longer needs.
 */
#define DNS_NAME_MAXTEXT (DNS_NAME_MAXWIRE * 4 + 2)

enum dns_name_status {
	DNS_NAME_OK = 0,
	DNS_NAME_TRUNCATED,    /* ran off the end of the message */
	DNS_NAME_BAD_POINTER,  /* pointer not strictly backwards (loop) */
	DNS_NAME_LABEL_TYPE,   /* reserved label type 0x40 or 0x80 */
	DNS_NAME_TOO_LONG,     /* more than 255 octets */
};

/*
 * Read the name starting at msg[*pos] (msg has len bytes: pointers may
 * reach anywhere before the name).  On DNS_NAME_OK, out[0..*outlen) holds
 * the uncompressed wire form (ending with the root label) and *pos is just
 * past the name's bytes at its original place.  On error *pos is unchanged.
 */
enum dns_name_status dns_name_unpack(const uint8_t *msg, size_t len, size_t *pos,
                                     uint8_t out[DNS_NAME_MAXWIRE], size_t *outlen);

/*
 * Append the presentation form of an uncompressed wire name (as produced by
 * dns_name_unpack) to b: labels separated by '.', a trailing '.', the root
 * as ".".  Octets outside 0x21-0x7e become \DDD; the specials . \ " ; ( ) @ $
 * become \X.  The result is printable ASCII only.
 */
void dns_name_render(struct tbuf *b, const uint8_t *wire, size_t wlen);

/*
 * Parse a name in presentation form (RFC 1035 section 5.1), as a person
 * writes it in a file: labels separated by '.', an optional trailing '.',
 * \DDD (three decimal digits, at most 255) and \X (X taken literally)
 * escapes.  Strict: empty labels, a lone or short escape, bytes outside
 * 0x21-0x7e, labels over 63 and names over 255 octets are refused; the
 * root alone is "." .  On success out[0..*outlen) is the uncompressed wire
 * form (case kept) and NULL is returned; otherwise a short reason.
 */
const char *dns_name_from_text(const char *text, size_t len, uint8_t out[DNS_NAME_MAXWIRE],
                               size_t *outlen);

/* Lower-case the ASCII letters A-Z of an uncompressed wire name in place. */
void dns_name_lower(uint8_t *wire, size_t wlen);

/* Case-insensitive (ASCII only) equality of two uncompressed wire names. */
int dns_name_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

/* Name of a status, for counters: "truncated", "bad_pointer", ... */
const char *dns_name_status_str(enum dns_name_status s);

#endif /* DNS_GAZER_DNS_NAME_H */
