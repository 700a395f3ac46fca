/*
 * dns_rdata_impl.h - internals shared by the files of the dns_rdata module:
 * dns_rdata.c (entry points and shared readers), dns_rdata_basic.c (RFC 1035
 * era, address and text types), dns_rdata_sec.c (DNSSEC, keys, TSIG/TKEY)
 * and dns_rdata_svcb.c (SVCB/HTTPS).  No other module includes this header;
 * the rd_ prefix marks its symbols as private to dns_rdata.
 *
 * A renderer reads one rdata through c->r, whose base is the whole message
 * (so compressed names resolve backwards) and whose length stops at the
 * rdata's end (so nothing past the rdata is ever read).  It appends text to
 * c->b and returns false when the rdata does not parse.  The caller then
 * also checks that the reader has no sticky error and stopped exactly at
 * the rdata's end, rewinds the text and writes the generic form otherwise,
 * so a renderer may print fields as it reads them and leave short reads to
 * that final check.
 */
#ifndef DNS_GAZER_DNS_RDATA_IMPL_H
#define DNS_GAZER_DNS_RDATA_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tbuf.h"
#include "wire.h"

/*
 * Type numbers from the IANA registry that dns_types.h does not name
 * (RD_T_ so they never clash with names that module may add later).
 */
enum {
	RD_T_WKS = 11, RD_T_HINFO = 13, RD_T_MINFO = 14, RD_T_RP = 17, RD_T_AFSDB = 18,
	RD_T_X25 = 19, RD_T_ISDN = 20, RD_T_RT = 21, RD_T_NSAP = 22, RD_T_NSAP_PTR = 23,
	RD_T_SIG = 24, RD_T_KEY = 25, RD_T_PX = 26, RD_T_GPOS = 27, RD_T_LOC = 29,
	RD_T_NXT = 30, RD_T_ATMA = 34, RD_T_NAPTR = 35, RD_T_KX = 36, RD_T_CERT = 37,
	RD_T_A6 = 38, RD_T_APL = 42, RD_T_DS = 43, RD_T_SSHFP = 44, RD_T_IPSECKEY = 45,
	RD_T_RRSIG = 46, RD_T_NSEC = 47, RD_T_DNSKEY = 48, RD_T_DHCID = 49, RD_T_NSEC3 = 50,
	RD_T_NSEC3PARAM = 51, RD_T_TLSA = 52, RD_T_SMIMEA = 53, RD_T_HIP = 55, RD_T_NINFO = 56,
	RD_T_RKEY = 57, RD_T_TALINK = 58, RD_T_CDS = 59, RD_T_CDNSKEY = 60,
	RD_T_OPENPGPKEY = 61, RD_T_CSYNC = 62, RD_T_ZONEMD = 63, RD_T_SVCB = 64,
	RD_T_HTTPS = 65, RD_T_NID = 104, RD_T_L32 = 105, RD_T_L64 = 106, RD_T_LP = 107,
	RD_T_EUI48 = 108, RD_T_EUI64 = 109, RD_T_TKEY = 249, RD_T_TSIG = 250, RD_T_URI = 256,
	RD_T_CAA = 257, RD_T_AVC = 258, RD_T_AMTRELAY = 260, RD_T_RESINFO = 261,
	RD_T_WALLET = 262, RD_T_TA = 32768, RD_T_DLV = 32769,
};

/* One rdata being rendered. */
struct rd_ctx {
	struct wire_rd r; /* base = whole message, len = end */
	size_t end;       /* offset just past the rdata */
	struct tbuf *b;   /* output */
};

/*
 * Group renderers.  Each returns -1 when it has no renderer for `type`,
 * 0 when the rdata did not parse, 1 when it did (the caller still checks
 * that all the rdata was consumed).
 */
int rd_render_basic(struct rd_ctx *c, uint16_t type);
int rd_render_sec(struct rd_ctx *c, uint16_t type);
int rd_render_svcb(struct rd_ctx *c, uint16_t type);

/* ---- readers that print: each reads a field at c->r and appends it. ---- */

/* Bytes of rdata not yet read (0 after a read error). */
size_t rd_left(const struct rd_ctx *c);

/* A single space, the separator between fields. */
void rd_sp(struct rd_ctx *c);

/* Unsigned integers in decimal. */
void rd_u8(struct rd_ctx *c);
void rd_u16(struct rd_ctx *c);
void rd_u32(struct rd_ctx *c);

/*
 * A domain name in presentation form with its trailing dot.  rd_name
 * accepts compression pointers (types of RFC 1035, those RFC 3597 section
 * 4 lists, DNAME and NSEC); rd_name_flat refuses them, as RFC 3597
 * requires of every later type.  False if the name is bad or runs past
 * the rdata.
 */
bool rd_name(struct rd_ctx *c);
bool rd_name_flat(struct rd_ctx *c);

/* One <character-string> (length octet + bytes), quoted as by rd_quote. */
bool rd_charstr(struct rd_ctx *c);

/* One or more <character-string>s to the end, space separated (TXT). */
bool rd_charstrs(struct rd_ctx *c);

/* An IPv4 (4 bytes) or IPv6 (16 bytes, RFC 5952) address. */
bool rd_ipv4(struct rd_ctx *c);
bool rd_ipv6(struct rd_ctx *c);

/* The rest of the rdata as upper-case hex / base64; false if empty. */
bool rd_hex_rest(struct rd_ctx *c);
bool rd_base64_rest(struct rd_ctx *c);

/* n bytes as base64, nothing when n is 0. */
bool rd_base64_n(struct rd_ctx *c, size_t n);

/* A 16-bit type as its mnemonic, or TYPEnnn (RFC 3597). */
void rd_type(struct rd_ctx *c);

/* ---- text helpers on raw bytes already read ---- */

/*
 * Write p[0..n) as the inside of a quoted zone-file string: " and \
 * preceded by \, bytes outside 0x20-0x7e as \DDD.  Printable ASCII only.
 */
void rd_escape(struct tbuf *b, const uint8_t *p, size_t n);

/* The same between double quotes. */
void rd_quote(struct tbuf *b, const uint8_t *p, size_t n);

/* Append v in decimal with at least `width` digits (leading zeros). */
void rd_dec_pad(struct tbuf *b, uint64_t v, unsigned width);

/* Append n bytes as lower-case hex, optionally with sep between bytes. */
void rd_hex_lower(struct tbuf *b, const uint8_t *p, size_t n, char sep);

/* Append an address of family AF_INET or AF_INET6 (4 or 16 bytes at p). */
void rd_put_addr(struct tbuf *b, int family, const uint8_t *p);

#endif /* DNS_GAZER_DNS_RDATA_IMPL_H */
