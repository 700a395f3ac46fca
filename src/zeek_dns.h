/*
 * zeek_dns.h - dns-gazer's tx and record events as rows of Zeek ASCII
 * logs (DESIGN.md section 4).
 *
 * The tx log starts with every column of Zeek's dns.log in Zeek's order,
 * with Zeek's names, types and renderings, so tools written for dns.log
 * read it; dns-gazer's own columns follow.  Record data stays in
 * dns-gazer's presentation form (RFC 1035 escapes included, which the
 * writer's escaping then protects): only names that fill a Zeek column on
 * their own (query; answers of NS, CNAME, PTR, DNAME) lose their trailing
 * dot, as Zeek prints them.  The record log is flat, one row per resource
 * record, with columns of its own.
 */
#ifndef DNS_GAZER_ZEEK_DNS_H
#define DNS_GAZER_ZEEK_DNS_H

#include <stdbool.h>
#include <stddef.h>

#include "event.h"
#include "hash.h"
#include "obuf.h"
#include "zeek_tsv.h"

#define ZEEK_UID_MAX 24

/* The columns of the tx log and of the record log. */
const struct zeek_field *zeek_dns_tx_fields(size_t *n);
const struct zeek_field *zeek_dns_record_fields(size_t *n);

/*
 * A Zeek-like connection uid ("C" and 17 base-62 digits) for the flow of
 * tx: the same for every transaction between the same endpoints over the
 * same transport, keyed by key so it cannot be predicted across runs.
 */
void zeek_dns_uid(const struct hash_key *key, const struct tx_view *tx, char uid[ZEEK_UID_MAX]);

/* Append the tx log row of tx (with its newline). */
void zeek_dns_tx_row(struct obuf *out, const struct tx_view *tx, const char *uid);

/* Append the record log row of record rr of tx's query or reply. */
void zeek_dns_record_row(struct obuf *out, const struct tx_view *tx, bool reply,
                         const struct dns_rr *rr, const char *uid);

#endif /* DNS_GAZER_ZEEK_DNS_H */
