/*
 * zeek_tsv.h - Zeek's ASCII log format: the header and trailer, and the
 * rendering of each value type as Zeek's ASCII writer prints it.
 *
 * Separator TAB, set separator ',', empty field "(empty)", unset field
 * "-".  Times and intervals have six decimals, booleans are T/F.  Text is
 * escaped: '\' as "\\", the separator, control bytes and bytes >= 0x7f as
 * \xHH, inside a vector also ',' as \x2c; a string that reads like the
 * unset or empty field has its first byte escaped, so a reader can always
 * tell them apart.  Every function appends to a caller-owned obuf.
 */
#ifndef DNS_GAZER_ZEEK_TSV_H
#define DNS_GAZER_ZEEK_TSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "obuf.h"

/* One column: its name and its Zeek type ("time", "vector[string]" ...). */
struct zeek_field {
	const char *name;
	const char *type;
};

/*
 * Append the header block of a log: #separator ... #types, with #path
 * path and #open at open_us (UTC).
 */
void zeek_tsv_header(struct obuf *out, const char *path, const struct zeek_field *f, size_t n,
                     int64_t open_us);

/* Append the "#close" trailer line for close_us (UTC). */
void zeek_tsv_close(struct obuf *out, int64_t close_us);

/* Write "YYYY-MM-DD-HH-MM-SS" (UTC) of us into buf, as #open and rotated names use. */
void zeek_tsv_stamp(int64_t us, char buf[32]);

/* Append a string value (n bytes); element: it is inside a vector or set. */
void zeek_tsv_str(struct obuf *out, const char *s, size_t n, bool element);

/* Append a time or interval: seconds with six decimals. */
void zeek_tsv_usec(struct obuf *out, int64_t us);

void zeek_tsv_uint(struct obuf *out, uint64_t v);
void zeek_tsv_bool(struct obuf *out, bool v);

/* The unset field "-". */
void zeek_tsv_unset(struct obuf *out);

/* The column separator (TAB) and the element separator (','). */
static inline void zeek_tsv_sep(struct obuf *out)
{
	obuf_putc(out, '\t');
}

static inline void zeek_tsv_set_sep(struct obuf *out)
{
	obuf_putc(out, ',');
}

/*
 * Zeek's names of DNS numbers as its dns.log writes them (DNS::classes,
 * DNS::query_types, DNS::base_errors, DNS::opcodes with their &default):
 * "C_INTERNET"/"qclass-N", "A"/"*"/"query-N", "NOERROR"/"rcode-N",
 * "query"/"opcode-N".  Each writes into buf (>= 24 bytes) and returns it
 * or a literal.
 */
const char *zeek_qclass_name(uint16_t c, char buf[24]);
const char *zeek_qtype_name(uint16_t t, char buf[24]);
const char *zeek_rcode_name(uint16_t r, char buf[24]);
const char *zeek_opcode_name(uint8_t op, char buf[24]);

#endif /* DNS_GAZER_ZEEK_TSV_H */
