/* Unit tests for tx_table.c: pairing, expiry, eviction order, growth, ownership. */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx_table.h"
#include "check_run.h"

#define PROTO_UDP 17
#define PROTO_TCP 6

static const struct hash_key test_key = {0x0123456789abcdefULL, 0xfedcba9876543210ULL};

static struct tx_key key4(uint16_t id, uint16_t cport)
{
	static const uint8_t c[4] = {10, 0, 0, 1}, s[4] = {10, 0, 0, 53};
	struct tx_key k;
	memset(&k, 0, sizeof(k));
	net_addr_set4(&k.client, c);
	net_addr_set4(&k.server, s);
	k.client_port = cport;
	k.server_port = 53;
	k.id = id;
	k.proto = PROTO_UDP;
	return k;
}

/* www.example. in wire form, in two spellings */
static const uint8_t qname_lower[] = {3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0};
static const uint8_t qname_mixed[] = {3, 'W', 'w', 'W', 7, 'E', 'X', 'a', 'm', 'P', 'l', 'E', 0};
static const uint8_t qname_other[] = {3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'f', 0};

static struct tx_question question(const uint8_t *name, size_t len, uint16_t type)
{
	struct tx_question q = {.name = name, .name_len = len, .type = type, .rclass = 1};
	return q;
}

/* Add a query whose message is "msg-N" (N = tag). */
static void add(struct tx_table *t, const struct tx_key *k, const struct tx_question *q,
                int64_t ts, unsigned tag)
{
	char msg[32];
	int n = snprintf(msg, sizeof(msg), "msg-%u", tag);
	ck_assert_int_eq(tx_table_add(t, k, q, ts, (const uint8_t *)msg, (size_t)n), 0);
}

/* The tag of an entry's message. */
static unsigned tag_of(const struct tx_entry *e)
{
	char msg[32];
	ck_assert_uint_lt(e->msg_len, sizeof(msg));
	memcpy(msg, tx_entry_msg(e), e->msg_len);
	msg[e->msg_len] = '\0';
	unsigned tag;
	ck_assert_int_eq(sscanf(msg, "msg-%u", &tag), 1);
	return tag;
}

START_TEST(add_take_matching_question)
{
	struct tx_table *t = tx_table_new(10, &test_key);
	ck_assert_ptr_nonnull(t);
	struct tx_key k = key4(0x1234, 5000);
	struct tx_question q = question(qname_lower, sizeof(qname_lower), 1);
	add(t, &k, &q, 1000, 7);
	ck_assert_uint_eq(tx_table_count(t), 1);

	/* the reply's question in other letter case still matches */
	struct tx_question rq = question(qname_mixed, sizeof(qname_mixed), 1);
	struct tx_entry *e = tx_table_take(t, &k, &rq);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(tx_table_count(t), 0);
	ck_assert_uint_eq(tag_of(e), 7);
	ck_assert_int_eq(e->ts_us, 1000);
	ck_assert_uint_eq(e->qtype, 1);
	ck_assert_uint_eq(e->qclass, 1);
	ck_assert_uint_eq(e->qname_len, sizeof(qname_lower));
	ck_assert_mem_eq(e->data + e->msg_len, qname_lower, sizeof(qname_lower));
	ck_assert(e->key.id == 0x1234 && e->key.client_port == 5000);
	tx_entry_free(e);

	/* gone */
	ck_assert_ptr_null(tx_table_take(t, &k, &rq));
	ck_assert_ptr_null(tx_table_take(t, &k, NULL));
	tx_table_free(t);
}
END_TEST

START_TEST(mismatching_question_stays)
{
	struct tx_table *t = tx_table_new(10, &test_key);
	struct tx_key k = key4(1, 5000);
	struct tx_question q = question(qname_lower, sizeof(qname_lower), 1);
	add(t, &k, &q, 1000, 1);

	struct tx_question other_name = question(qname_other, sizeof(qname_other), 1);
	struct tx_question other_type = question(qname_lower, sizeof(qname_lower), 28);
	struct tx_question other_class = question(qname_lower, sizeof(qname_lower), 1);
	other_class.rclass = 3;
	ck_assert_ptr_null(tx_table_take(t, &k, &other_name));
	ck_assert_ptr_null(tx_table_take(t, &k, &other_type));
	ck_assert_ptr_null(tx_table_take(t, &k, &other_class));
	ck_assert_uint_eq(tx_table_count(t), 1);

	/* without a question check it is found */
	struct tx_entry *e = tx_table_take(t, &k, NULL);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(tag_of(e), 1);
	tx_entry_free(e);

	/* a question with no name does not constrain either */
	add(t, &k, &q, 1000, 2);
	struct tx_question noname = {.name = NULL, .name_len = 0, .type = 99, .rclass = 99};
	e = tx_table_take(t, &k, &noname);
	ck_assert_ptr_nonnull(e);
	tx_entry_free(e);
	tx_table_free(t);
}
END_TEST

START_TEST(query_without_question)
{
	struct tx_table *t = tx_table_new(10, &test_key);
	struct tx_key k = key4(9, 5000);
	add(t, &k, NULL, 1, 3);
	struct tx_question q = question(qname_other, sizeof(qname_other), 16);
	struct tx_entry *e = tx_table_take(t, &k, &q);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->qname_len, 0);
	tx_entry_free(e);
	tx_table_free(t);
}
END_TEST

/* Every field of the key takes part in the match. */
START_TEST(key_fields)
{
	struct tx_table *t = tx_table_new(10, &test_key);
	struct tx_key k = key4(0x4242, 33333);
	add(t, &k, NULL, 1, 1);

	struct tx_key v;
	static const uint8_t other4[4] = {10, 0, 0, 2};
	uint8_t v6[16] = {10, 0, 0, 1}; /* same leading bytes as the IPv4 client */

	v = k;
	v.id ^= 1;
	ck_assert_ptr_null(tx_table_take(t, &v, NULL));
	v = k;
	v.client_port ^= 1;
	ck_assert_ptr_null(tx_table_take(t, &v, NULL));
	v = k;
	v.server_port = 5353;
	ck_assert_ptr_null(tx_table_take(t, &v, NULL));
	v = k;
	net_addr_set4(&v.client, other4);
	ck_assert_ptr_null(tx_table_take(t, &v, NULL));
	v = k;
	net_addr_set4(&v.server, other4);
	ck_assert_ptr_null(tx_table_take(t, &v, NULL));
	v = k;
	v.proto = PROTO_TCP;
	ck_assert_ptr_null(tx_table_take(t, &v, NULL));
	v = k;
	net_addr_set6(&v.client, v6);
	ck_assert_ptr_null(tx_table_take(t, &v, NULL));
	/* client and server swapped (the reply's direction) is another key */
	v = k;
	v.client = k.server;
	v.server = k.client;
	v.client_port = k.server_port;
	v.server_port = k.client_port;
	ck_assert_ptr_null(tx_table_take(t, &v, NULL));

	ck_assert_uint_eq(tx_table_count(t), 1);
	struct tx_entry *e = tx_table_take(t, &k, NULL);
	ck_assert_ptr_nonnull(e);
	tx_entry_free(e);
	tx_table_free(t);
}
END_TEST

START_TEST(ipv6_keys)
{
	struct tx_table *t = tx_table_new(10, &test_key);
	uint8_t c[16] = {0x20, 0x01, 0x0d, 0xb8}, s[16] = {0x20, 0x01, 0x0d, 0xb8};
	c[15] = 1;
	s[15] = 0x53;
	struct tx_key k;
	memset(&k, 0, sizeof(k));
	net_addr_set6(&k.client, c);
	net_addr_set6(&k.server, s);
	k.client_port = 1;
	k.server_port = 53;
	k.id = 1;
	k.proto = PROTO_UDP;
	add(t, &k, NULL, 1, 1);
	struct tx_key v = k;
	v.client.bytes[15] = 2;
	ck_assert_ptr_null(tx_table_take(t, &v, NULL));
	struct tx_entry *e = tx_table_take(t, &k, NULL);
	ck_assert_ptr_nonnull(e);
	tx_entry_free(e);
	tx_table_free(t);
}
END_TEST

/* Two pending queries with one key: the question tells them apart. */
START_TEST(same_key_two_questions)
{
	struct tx_table *t = tx_table_new(10, &test_key);
	struct tx_key k = key4(5, 5000);
	struct tx_question qa = question(qname_lower, sizeof(qname_lower), 1);
	struct tx_question qaaaa = question(qname_lower, sizeof(qname_lower), 28);
	add(t, &k, &qa, 10, 1);
	add(t, &k, &qaaaa, 11, 2);
	struct tx_entry *e = tx_table_take(t, &k, &qaaaa);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(tag_of(e), 2);
	tx_entry_free(e);
	e = tx_table_take(t, &k, &qaaaa);
	ck_assert_ptr_null(e);
	e = tx_table_take(t, &k, &qa);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(tag_of(e), 1);
	tx_entry_free(e);
	ck_assert_uint_eq(tx_table_count(t), 0);
	tx_table_free(t);
}
END_TEST

START_TEST(pop_expired_order_and_boundary)
{
	struct tx_table *t = tx_table_new(10, &test_key);
	struct tx_key a = key4(1, 1), b = key4(2, 2), c = key4(3, 3);
	add(t, &a, NULL, 1000, 1);
	add(t, &b, NULL, 2000, 2);
	add(t, &c, NULL, 3000, 3);
	const int64_t timeout = 500;

	ck_assert_ptr_null(tx_table_pop_expired(t, 1499, timeout));
	/* arrived at or before now - timeout: 1000 <= 1500 - 500 */
	struct tx_entry *e = tx_table_pop_expired(t, 1500, timeout);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(tag_of(e), 1);
	tx_entry_free(e);
	ck_assert_ptr_null(tx_table_pop_expired(t, 1500, timeout));
	ck_assert_ptr_null(tx_table_pop_expired(t, 2499, timeout));
	ck_assert_uint_eq(tx_table_count(t), 2);

	/* far in the future: oldest first, then nothing */
	e = tx_table_pop_expired(t, 1000000, timeout);
	ck_assert_uint_eq(tag_of(e), 2);
	tx_entry_free(e);
	e = tx_table_pop_expired(t, 1000000, timeout);
	ck_assert_uint_eq(tag_of(e), 3);
	tx_entry_free(e);
	ck_assert_ptr_null(tx_table_pop_expired(t, 1000000, timeout));
	ck_assert_uint_eq(tx_table_count(t), 0);

	/* timeout 0: due at its own arrival time */
	add(t, &a, NULL, 5000, 4);
	ck_assert_ptr_null(tx_table_pop_expired(t, 4999, 0));
	e = tx_table_pop_expired(t, 5000, 0);
	ck_assert_ptr_nonnull(e);
	tx_entry_free(e);

	/* negative times (before 1970) behave the same */
	add(t, &a, NULL, -2000000, 5);
	ck_assert_ptr_null(tx_table_pop_expired(t, -1000001, 1000000));
	e = tx_table_pop_expired(t, -1000000, 1000000);
	ck_assert_ptr_nonnull(e);
	tx_entry_free(e);
	tx_table_free(t);
}
END_TEST

START_TEST(take_from_middle_keeps_age_order)
{
	struct tx_table *t = tx_table_new(10, &test_key);
	for (unsigned i = 1; i <= 5; i++) {
		struct tx_key k = key4((uint16_t)i, 100);
		add(t, &k, NULL, (int64_t)i * 10, i);
	}
	struct tx_key k3 = key4(3, 100), k1 = key4(1, 100), k5 = key4(5, 100);
	tx_entry_free(tx_table_take(t, &k3, NULL));
	tx_entry_free(tx_table_take(t, &k1, NULL));
	tx_entry_free(tx_table_take(t, &k5, NULL));
	struct tx_entry *e = tx_table_pop_oldest(t);
	ck_assert_uint_eq(tag_of(e), 2);
	tx_entry_free(e);
	e = tx_table_pop_oldest(t);
	ck_assert_uint_eq(tag_of(e), 4);
	tx_entry_free(e);
	ck_assert_ptr_null(tx_table_pop_oldest(t));
	ck_assert_ptr_null(tx_table_pop_expired(t, INT64_MAX, 0));
	tx_table_free(t);
}
END_TEST

/* Big queries fill the table by bytes before the count is reached. */
START_TEST(full_by_bytes)
{
	enum { MAX = 10 };
	struct tx_table *t = tx_table_new(MAX, &test_key);
	static uint8_t big[1000];
	size_t added = 0;
	while (!tx_table_full(t)) {
		struct tx_key k = key4((uint16_t)added, 7);
		ck_assert_int_eq(tx_table_add(t, &k, NULL, 1, big, sizeof(big)), 0);
		added++;
	}
	/* 10 * 256 bytes hold two 1000-byte queries and start a third */
	ck_assert_uint_eq(added, 3);
	ck_assert_uint_lt(tx_table_count(t), MAX);
	/* freeing one makes room again */
	tx_entry_free(tx_table_pop_oldest(t));
	ck_assert(!tx_table_full(t));
	/* small ones: the count bound */
	struct tx_table *u = tx_table_new(MAX, &test_key);
	for (unsigned i = 0; i < MAX; i++) {
		ck_assert(!tx_table_full(u));
		struct tx_key k = key4((uint16_t)i, 7);
		add(u, &k, NULL, 1, i);
	}
	ck_assert(tx_table_full(u));
	tx_table_free(u);
	tx_table_free(t);
}
END_TEST

START_TEST(pop_oldest_and_full)
{
	struct tx_table *t = tx_table_new(3, &test_key);
	ck_assert(!tx_table_full(t));
	ck_assert_ptr_null(tx_table_pop_oldest(t));
	for (unsigned i = 1; i <= 3; i++) {
		ck_assert(!tx_table_full(t));
		struct tx_key k = key4((uint16_t)i, 7);
		/* arrival order, whatever the timestamps say */
		add(t, &k, NULL, 100 - (int64_t)i, i);
	}
	ck_assert_uint_eq(tx_table_count(t), 3);
	ck_assert(tx_table_full(t));

	/* the caller makes room by evicting the oldest */
	struct tx_entry *e = tx_table_pop_oldest(t);
	ck_assert_uint_eq(tag_of(e), 1);
	tx_entry_free(e);
	ck_assert(!tx_table_full(t));
	struct tx_key k4 = key4(4, 7);
	add(t, &k4, NULL, 200, 4);
	ck_assert(tx_table_full(t));

	static const unsigned order[] = {2, 3, 4};
	for (int i = 0; i < 3; i++) {
		e = tx_table_pop_oldest(t);
		ck_assert_ptr_nonnull(e);
		ck_assert_uint_eq(tag_of(e), order[i]);
		tx_entry_free(e);
	}
	ck_assert_ptr_null(tx_table_pop_oldest(t));
	ck_assert_uint_eq(tx_table_count(t), 0);
	tx_table_free(t);
}
END_TEST

/* Far more entries than the initial bucket array: every one stays findable. */
START_TEST(many_entries_growth)
{
	enum { N = 20000 };
	struct tx_table *t = tx_table_new(N, &test_key);
	for (unsigned i = 0; i < N; i++) {
		struct tx_key k = key4((uint16_t)(i * 7919), (uint16_t)(1024 + i / 65536));
		k.client.bytes[3] = (uint8_t)(i >> 8);
		add(t, &k, NULL, (int64_t)i, i);
	}
	ck_assert_uint_eq(tx_table_count(t), N);
	ck_assert(tx_table_full(t));
	/* take every other one through the hash */
	for (unsigned i = 0; i < N; i += 2) {
		struct tx_key k = key4((uint16_t)(i * 7919), (uint16_t)(1024 + i / 65536));
		k.client.bytes[3] = (uint8_t)(i >> 8);
		struct tx_entry *e = tx_table_take(t, &k, NULL);
		ck_assert_msg(e != NULL, "entry %u lost", i);
		ck_assert_uint_eq(tag_of(e), i);
		tx_entry_free(e);
	}
	ck_assert_uint_eq(tx_table_count(t), N / 2);
	/* the rest, in arrival order through the age list */
	for (unsigned i = 1; i < N; i += 2) {
		struct tx_entry *e = tx_table_pop_oldest(t);
		ck_assert_ptr_nonnull(e);
		ck_assert_uint_eq(tag_of(e), i);
		tx_entry_free(e);
	}
	ck_assert_ptr_null(tx_table_pop_oldest(t));
	tx_table_free(t);
}
END_TEST

/* tx_table_add copies the message and the question. */
START_TEST(add_copies)
{
	struct tx_table *t = tx_table_new(4, &test_key);
	struct tx_key k = key4(1, 1);
	uint8_t name[sizeof(qname_lower)];
	memcpy(name, qname_lower, sizeof(name));
	uint8_t *msg = malloc(70000);
	for (size_t i = 0; i < 70000; i++)
		msg[i] = (uint8_t)(i * 31);
	struct tx_question q = question(name, sizeof(name), 1);
	ck_assert_int_eq(tx_table_add(t, &k, &q, 5, msg, 70000), 0);
	memset(msg, 0, 70000);
	memset(name, 'z', sizeof(name));
	free(msg);
	struct tx_question rq = question(qname_lower, sizeof(qname_lower), 1);
	struct tx_entry *e = tx_table_take(t, &k, &rq);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->msg_len, 70000);
	for (size_t i = 0; i < 70000; i++)
		ck_assert_uint_eq(tx_entry_msg(e)[i], (uint8_t)(i * 31));
	tx_entry_free(e);

	/* an empty message */
	ck_assert_int_eq(tx_table_add(t, &k, NULL, 5, (const uint8_t *)"", 0), 0);
	e = tx_table_take(t, &k, NULL);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->msg_len, 0);
	tx_entry_free(e);
	tx_table_free(t);
}
END_TEST

START_TEST(oversized_question_refused)
{
	struct tx_table *t = tx_table_new(4, &test_key);
	struct tx_key k = key4(1, 1);
	uint8_t big[300];
	memset(big, 1, sizeof(big));
	struct tx_question q = question(big, sizeof(big), 1);
	ck_assert_int_eq(tx_table_add(t, &k, &q, 1, (const uint8_t *)"x", 1), -1);
	ck_assert_uint_eq(tx_table_count(t), 0);
	tx_table_free(t);
}
END_TEST

/* Entries left in the table are freed with it (valgrind reports any leak). */
START_TEST(free_with_entries_left)
{
	struct tx_table *t = tx_table_new(5000, &test_key);
	struct tx_question q = question(qname_lower, sizeof(qname_lower), 1);
	for (unsigned i = 0; i < 3000; i++) {
		struct tx_key k = key4((uint16_t)i, 9);
		add(t, &k, &q, i, i);
	}
	struct tx_key k = key4(17, 9);
	tx_entry_free(tx_table_take(t, &k, &q));
	ck_assert_uint_eq(tx_table_count(t), 2999);
	tx_table_free(t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tx_table");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, add_take_matching_question);
	tcase_add_test(tc, mismatching_question_stays);
	tcase_add_test(tc, query_without_question);
	tcase_add_test(tc, key_fields);
	tcase_add_test(tc, ipv6_keys);
	tcase_add_test(tc, same_key_two_questions);
	tcase_add_test(tc, pop_expired_order_and_boundary);
	tcase_add_test(tc, take_from_middle_keeps_age_order);
	tcase_add_test(tc, pop_oldest_and_full);
	tcase_add_test(tc, full_by_bytes);
	tcase_add_test(tc, many_entries_growth);
	tcase_add_test(tc, add_copies);
	tcase_add_test(tc, oversized_question_refused);
	tcase_add_test(tc, free_with_entries_left);
	suite_add_tcase(s, tc);
	return check_run(s);
}
