/* tx_table.c - pending query table, see tx_table.h. */
#include "config.h"

#include "tx_table.h"

#include <stdlib.h>
#include <string.h>

#include "dns_name.h"

#define KEY_BYTES 40 /* at most: 8 bytes, then two IPv6 addresses */
#define MIN_BUCKETS 1024

struct tx_table {
	struct tx_entry **bucket;
	size_t nbucket;       /* power of two */
	size_t count;
	size_t max;
	size_t bytes;         /* held by the entries */
	size_t max_bytes;
	struct tx_entry *oldest, *newest;
	struct hash_key hkey;
};

/*
 * Serialise a key into bytes with no padding, for hashing; an IPv4 key
 * takes 16 bytes (the family byte tells them apart).  Returns the length.
 */
static size_t key_bytes(const struct tx_key *k, uint8_t out[KEY_BYTES])
{
	size_t alen = k->client.family == 4 ? 4 : 16;
	out[0] = k->proto;
	out[1] = k->client.family;
	out[2] = (uint8_t)(k->id >> 8);
	out[3] = (uint8_t)k->id;
	out[4] = (uint8_t)(k->client_port >> 8);
	out[5] = (uint8_t)k->client_port;
	out[6] = (uint8_t)(k->server_port >> 8);
	out[7] = (uint8_t)k->server_port;
	memcpy(out + 8, k->client.bytes, alen);
	memcpy(out + 8 + alen, k->server.bytes, alen);
	return 8 + 2 * alen;
}

static bool key_equal(const struct tx_key *a, const struct tx_key *b)
{
	return a->id == b->id && a->client_port == b->client_port &&
	       a->server_port == b->server_port && a->proto == b->proto &&
	       net_addr_equal(&a->client, &b->client) && net_addr_equal(&a->server, &b->server);
}

static uint64_t key_hash(const struct tx_table *t, const struct tx_key *k)
{
	uint8_t b[KEY_BYTES];
	return hash_siphash13(&t->hkey, b, key_bytes(k, b));
}

struct tx_table *tx_table_new(size_t max_pending, const struct hash_key *key)
{
	struct tx_table *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->nbucket = MIN_BUCKETS;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	t->bucket = calloc(t->nbucket, sizeof(*t->bucket));
	if (!t->bucket) {
		free(t);
		return NULL;
	}
	t->max = max_pending ? max_pending : 1;
	t->max_bytes = t->max * TX_TABLE_BYTES_PER_ENTRY;
	t->hkey = *key;
	return t;
}

void tx_table_free(struct tx_table *t)
{
	if (!t)
		return;
	struct tx_entry *e = t->oldest;
	while (e) {
		struct tx_entry *next = e->newer;
		free(e);
		e = next;
	}
	free(t->bucket);
	free(t);
}

size_t tx_table_count(const struct tx_table *t)
{
	return t->count;
}

bool tx_table_full(const struct tx_table *t)
{
	return t->count >= t->max || t->bytes >= t->max_bytes;
}

static size_t entry_size(const struct tx_entry *e)
{
	return sizeof(*e) + e->msg_len + e->qname_len;
}

/* Double the bucket array; on out-of-memory keep the old one (chains grow). */
static void grow(struct tx_table *t)
{
	size_t n = t->nbucket * 2;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	struct tx_entry **b = calloc(n, sizeof(*b));
	if (!b)
		return;
	for (size_t i = 0; i < t->nbucket; i++) {
		struct tx_entry *e = t->bucket[i];
		while (e) {
			struct tx_entry *next = e->hnext;
			size_t j = e->hash & (n - 1);
			e->hnext = b[j];
			b[j] = e;
			e = next;
		}
	}
	free(t->bucket);
	t->bucket = b;
	t->nbucket = n;
}

int tx_table_add(struct tx_table *t, const struct tx_key *key, const struct tx_question *q,
                 int64_t ts_us, const uint8_t *msg, size_t len)
{
	size_t qlen = (q && q->name) ? q->name_len : 0;
	if (len > UINT32_MAX || qlen > DNS_NAME_MAXWIRE)
		return -1;
	struct tx_entry *e = malloc(sizeof(*e) + len + qlen);
	if (!e)
		return -1;
	e->key = *key;
	e->hash = key_hash(t, key);
	e->ts_us = ts_us;
	e->qtype = qlen ? q->type : 0;
	e->qclass = qlen ? q->rclass : 0;
	e->qname_len = (uint8_t)qlen;
	e->mark = 0;
	e->msg_len = (uint32_t)len;
	memcpy(e->data, msg, len);
	if (qlen)
		memcpy(e->data + len, q->name, qlen);

	if (t->count >= t->nbucket)
		grow(t);
	size_t i = e->hash & (t->nbucket - 1);
	e->hnext = t->bucket[i];
	t->bucket[i] = e;
	e->newer = NULL;
	e->older = t->newest;
	if (t->newest)
		t->newest->newer = e;
	else
		t->oldest = e;
	t->newest = e;
	t->count++;
	t->bytes += entry_size(e);
	return 0;
}

static bool question_matches(const struct tx_entry *e, const struct tx_question *q)
{
	if (!q || !q->name || e->qname_len == 0)
		return true; /* nothing to check against (e.g. FORMERR without question) */
	return e->qtype == q->type && e->qclass == q->rclass &&
	       dns_name_equal(e->data + e->msg_len, e->qname_len, q->name, q->name_len);
}

static void unlink_entry(struct tx_table *t, struct tx_entry **link, struct tx_entry *e)
{
	*link = e->hnext;
	if (e->older)
		e->older->newer = e->newer;
	else
		t->oldest = e->newer;
	if (e->newer)
		e->newer->older = e->older;
	else
		t->newest = e->older;
	e->hnext = e->older = e->newer = NULL;
	t->count--;
	t->bytes -= entry_size(e);
}

struct tx_entry *tx_table_take(struct tx_table *t, const struct tx_key *key,
                               const struct tx_question *q)
{
	uint64_t h = key_hash(t, key);
	struct tx_entry **link = &t->bucket[h & (t->nbucket - 1)];
	for (struct tx_entry *e = *link; e; link = &e->hnext, e = e->hnext) {
		if (e->hash == h && key_equal(&e->key, key) && question_matches(e, q)) {
			unlink_entry(t, link, e);
			return e;
		}
	}
	return NULL;
}

/* Unlink e, found through its bucket chain. */
static struct tx_entry *remove_entry(struct tx_table *t, struct tx_entry *e)
{
	struct tx_entry **link = &t->bucket[e->hash & (t->nbucket - 1)];
	while (*link != e)
		link = &(*link)->hnext;
	unlink_entry(t, link, e);
	return e;
}

struct tx_entry *tx_table_pop_expired(struct tx_table *t, int64_t now_us, int64_t timeout_us)
{
	struct tx_entry *e = t->oldest;
	if (!e || e->ts_us > now_us - timeout_us)
		return NULL;
	return remove_entry(t, e);
}

struct tx_entry *tx_table_pop_oldest(struct tx_table *t)
{
	return t->oldest ? remove_entry(t, t->oldest) : NULL;
}

void tx_entry_free(struct tx_entry *e)
{
	free(e);
}

struct tx_entry *tx_table_newest(struct tx_table *t)
{
	return t->newest;
}
