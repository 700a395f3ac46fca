/*
 * tx_table.h - pending queries waiting for their replies.
 *
 * A query is keyed on (transport, client address and port, server address
 * and port, DNS ID) and remembered with its question and its raw bytes, so
 * the transaction can be logged in full when the reply comes, when it
 * times out, or at exit.  The table is a keyed hash (hash.h) plus an age
 * list in arrival order; its size is bounded by the caller through
 * tx_table_full() and tx_table_pop_oldest().
 *
 * Ownership: tx_table_add() copies what it is given; an entry taken out of
 * the table (take/pop) belongs to the caller, who frees it with
 * tx_entry_free().
 */
#ifndef DNS_GAZER_TX_TABLE_H
#define DNS_GAZER_TX_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hash.h"
#include "net_addr.h"

struct tx_key {
	struct net_addr client, server;
	uint16_t client_port, server_port;
	uint16_t id;
	uint8_t proto; /* IPPROTO_UDP or IPPROTO_TCP */
};

/* The first question of a message, in wire form, as pairing checks it. */
struct tx_question {
	const uint8_t *name; /* uncompressed wire form; NULL if no question */
	size_t name_len;
	uint16_t type, rclass;
};

struct tx_entry {
	struct tx_entry *hnext;          /* bucket chain */
	struct tx_entry *older, *newer;  /* age list */
	uint64_t hash;
	struct tx_key key;
	int64_t ts_us;                   /* query time, microseconds since the epoch */
	uint16_t qtype, qclass;
	uint8_t qname_len;               /* 0 when the query had no question */
	uint32_t mark;                   /* the caller's (gazer: lists and match, see there); 0 at add */
	uint32_t msg_len;
	uint8_t data[];                  /* msg_len query bytes, then the qname */
};

static inline const uint8_t *tx_entry_msg(const struct tx_entry *e)
{
	return e->data;
}

struct tx_table;

/*
 * Memory the table may hold per pending query, on average: a query of up
 * to about 150 bytes fits; bigger ones (EDNS padding, TCP) lower the count
 * the table holds, so a flood of large queries cannot grow memory past
 * max_pending times this.
 */
#define TX_TABLE_BYTES_PER_ENTRY 256

/*
 * A table of at most max_pending entries holding at most max_pending *
 * TX_TABLE_BYTES_PER_ENTRY bytes; NULL on out-of-memory.
 */
struct tx_table *tx_table_new(size_t max_pending, const struct hash_key *key);

/* Free the table and every entry still in it. */
void tx_table_free(struct tx_table *t);

size_t tx_table_count(const struct tx_table *t);
/* Whether the count or byte bound is reached: the caller evicts first. */
bool tx_table_full(const struct tx_table *t);

/*
 * Remember a query (copies key, question and msg).  The caller has made
 * room (see tx_table_full).  Returns 0, or -1 on out-of-memory.
 */
int tx_table_add(struct tx_table *t, const struct tx_key *key, const struct tx_question *q,
                 int64_t ts_us, const uint8_t *msg, size_t len);

/* The entry added last (NULL when empty); it stays in the table. */
struct tx_entry *tx_table_newest(struct tx_table *t);

/*
 * Unlink and return the pending query with this key.  When q is non-NULL
 * and has a name, the query's question must also match (names compared
 * case-insensitively).  NULL if there is none.
 */
struct tx_entry *tx_table_take(struct tx_table *t, const struct tx_key *key,
                               const struct tx_question *q);

/*
 * Unlink and return the oldest entry if it arrived at or before
 * now_us - timeout_us; NULL otherwise.
 */
struct tx_entry *tx_table_pop_expired(struct tx_table *t, int64_t now_us, int64_t timeout_us);

/* Unlink and return the oldest entry; NULL when empty. */
struct tx_entry *tx_table_pop_oldest(struct tx_table *t);

void tx_entry_free(struct tx_entry *e);

#endif /* DNS_GAZER_TX_TABLE_H */
