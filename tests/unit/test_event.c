/*
 * Unit tests for event.c through both encoders: a tx_view built from real
 * messages parsed with dns_msg_parse(), written as JSON (read back with
 * cJSON) and as msgpack (read back with msgpack-c).  Checks the DESIGN.md
 * section 3 schema, that every msgpack map announces exactly the keys
 * written (a wrong count corrupts a stream), and that both encodings agree.
 */
#include "config.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <msgpack.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_msg.h"
#include "dns_types.h"
#include "encode_json.h"
#include "encode_msgpack.h"
#include "event.h"
#include "wirebuild.h"
#include "check_run.h"

/* ------------------------------------------------------------ messages */

/* An IN record whose owner is a compression pointer to offset name_ptr. */
static void rr_in(struct wb *m, unsigned name_ptr, unsigned type, uint32_t ttl, const void *rd,
                  unsigned rdlen)
{
	wb_u16(m, 0xC000u | name_ptr);
	wb_rr_fixed(m, type, 1, ttl, rdlen);
	wb_bytes(m, rd, rdlen);
}

#define QNAME "bf-pro-front.cloudapp.net."
#define QUERY_US INT64_C(1444531212628222)
#define REPLY_US INT64_C(1444531212643494)

static struct dns_parser parser;
static struct dns_msg query, reply;

/* The example of DESIGN.md section 3: one A query and its answer. */
static void parse_example(uint16_t reply_flags)
{
	struct wb m;
	wb_dns_header(&m, 23904, 0x0100, 1, 0, 0, 0);
	wb_question(&m, QNAME, DNS_T_A, DNS_C_IN);
	ck_assert_int_eq(dns_msg_parse(&parser, m.b, m.n, &query), DNS_MSG_OK);

	wb_dns_header(&m, 23904, reply_flags, 1, 1, 0, 0);
	wb_question(&m, QNAME, DNS_T_A, DNS_C_IN);
	rr_in(&m, 12, DNS_T_A, 10, "\x17\x64\x66\xe7", 4); /* 23.100.102.231 */
	ck_assert_int_eq(dns_msg_parse(&parser, m.b, m.n, &reply), DNS_MSG_OK);
}

static struct tx_view example_tx(void)
{
	struct tx_view tx;
	memset(&tx, 0, sizeof(tx));
	tx.status = TX_SUCCESS;
	tx.proto = 17;
	tx.id = 23904;
	strcpy(tx.client, "10.139.96.169");
	strcpy(tx.server, "210.196.3.183");
	tx.client_port = 53684;
	tx.server_port = 53;
	tx.query = &query;
	tx.reply = &reply;
	tx.query_us = QUERY_US;
	tx.reply_us = REPLY_US;
	return tx;
}

static void setup(void)
{
	ck_assert_int_eq(dns_parser_init(&parser), 0);
	parse_example(0x8180);
}

static void teardown(void)
{
	dns_parser_free(&parser);
}

/* ------------------------------------------------------------ encoding */

struct encoded {
	char *json;          /* NUL-terminated */
	cJSON *j;
	struct obuf mp;
	msgpack_unpacked u;  /* the one msgpack object */
};

enum kind { TX_EVENT, RECORD_EVENT };

static void encode(struct encoded *out, enum kind kind, const struct tx_view *tx, bool rep,
                   const struct dns_rr *rr)
{
	struct obuf jb;
	obuf_init(&jb);
	struct json_enc je;
	struct emitter e = json_enc_init(&je, &jb);
	if (kind == TX_EVENT)
		event_tx(&e, tx);
	else
		event_record(&e, tx, rep, rr);
	ck_assert(!jb.oom);
	out->json = malloc(jb.len + 1);
	memcpy(out->json, jb.p, jb.len);
	out->json[jb.len] = '\0';
	obuf_free(&jb);
	out->j = cJSON_Parse(out->json);
	ck_assert_msg(out->j != NULL, "invalid JSON: %s", out->json);

	obuf_init(&out->mp);
	struct msgpack_enc me;
	e = msgpack_enc_init(&me, &out->mp);
	if (kind == TX_EVENT)
		event_tx(&e, tx);
	else
		event_record(&e, tx, rep, rr);
	ck_assert(!out->mp.oom);
	size_t off = 0;
	msgpack_unpacked_init(&out->u);
	ck_assert_int_eq(msgpack_unpack_next(&out->u, out->mp.p, out->mp.len, &off),
	                 MSGPACK_UNPACK_SUCCESS);
	/* every announced element was written and nothing more */
	ck_assert_uint_eq(off, out->mp.len);
}

static void release(struct encoded *e)
{
	free(e->json);
	cJSON_Delete(e->j);
	obuf_free(&e->mp);
	msgpack_unpacked_destroy(&e->u);
}

/* The two encodings hold the same tree (msgpack maps: no duplicate keys). */
static void assert_same(const cJSON *j, const msgpack_object *o, const char *path)
{
	switch (o->type) {
	case MSGPACK_OBJECT_MAP:
		ck_assert_msg(cJSON_IsObject(j), "%s: not an object in JSON", path);
		ck_assert_msg(o->via.map.size == (uint32_t)cJSON_GetArraySize(j),
		              "%s: msgpack map of %u, JSON object of %d", path, o->via.map.size,
		              cJSON_GetArraySize(j));
		for (uint32_t i = 0; i < o->via.map.size; i++) {
			const msgpack_object *k = &o->via.map.ptr[i].key;
			ck_assert_int_eq(k->type, MSGPACK_OBJECT_STR);
			char key[64];
			ck_assert_uint_lt(k->via.str.size, sizeof(key));
			memcpy(key, k->via.str.ptr, k->via.str.size);
			key[k->via.str.size] = '\0';
			for (uint32_t x = 0; x < i; x++) {
				const msgpack_object *k2 = &o->via.map.ptr[x].key;
				ck_assert_msg(k2->via.str.size != k->via.str.size ||
				                  memcmp(k2->via.str.ptr, key, k->via.str.size) != 0,
				              "%s: key %s twice", path, key);
			}
			const cJSON *jv = cJSON_GetObjectItemCaseSensitive(j, key);
			ck_assert_msg(jv != NULL, "%s: key %s not in JSON", path, key);
			char sub[256];
			snprintf(sub, sizeof(sub), "%s.%s", path, key);
			assert_same(jv, &o->via.map.ptr[i].val, sub);
		}
		break;
	case MSGPACK_OBJECT_ARRAY:
		ck_assert_msg(cJSON_IsArray(j), "%s: not an array in JSON", path);
		ck_assert_int_eq(o->via.array.size, cJSON_GetArraySize(j));
		for (uint32_t i = 0; i < o->via.array.size; i++) {
			char sub[256];
			snprintf(sub, sizeof(sub), "%s[%u]", path, i);
			assert_same(cJSON_GetArrayItem(j, (int)i), &o->via.array.ptr[i], sub);
		}
		break;
	case MSGPACK_OBJECT_STR:
		ck_assert_msg(cJSON_IsString(j), "%s: not a string in JSON", path);
		ck_assert_uint_eq(strlen(j->valuestring), o->via.str.size);
		ck_assert_int_eq(memcmp(j->valuestring, o->via.str.ptr, o->via.str.size), 0);
		break;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		ck_assert_msg(cJSON_IsNumber(j), "%s: not a number in JSON", path);
		ck_assert(j->valuedouble == (double)o->via.u64);
		break;
	case MSGPACK_OBJECT_FLOAT64:
		ck_assert_msg(cJSON_IsNumber(j), "%s: not a number in JSON", path);
		ck_assert_msg(fabs(j->valuedouble - o->via.f64) < 1e-6, "%s: %f vs %f", path,
		              j->valuedouble, o->via.f64);
		break;
	case MSGPACK_OBJECT_BOOLEAN:
		ck_assert_msg(cJSON_IsBool(j), "%s: not a boolean in JSON", path);
		ck_assert_int_eq(cJSON_IsTrue(j) ? 1 : 0, o->via.boolean ? 1 : 0);
		break;
	default:
		ck_abort_msg("%s: unexpected msgpack type %d", path, (int)o->type);
	}
}

/* A key is a plain identifier (emit.h: encoders write keys unescaped). */
static void assert_plain_key(const char *k)
{
	ck_assert_msg(*k != '\0', "empty key");
	for (const char *p = k; *p; p++)
		ck_assert_msg((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_',
		              "key \"%s\" is not a plain identifier", k);
}

/* Keys of every object in alphabetical order (event.h), and plain. */
static void assert_sorted_keys(const cJSON *j)
{
	const cJSON *prev = NULL;
	for (const cJSON *c = j->child; c; c = c->next) {
		if (cJSON_IsObject(j))
			assert_plain_key(c->string);
		if (cJSON_IsObject(j) && prev)
			ck_assert_msg(strcmp(prev->string, c->string) < 0, "%s before %s", prev->string,
			              c->string);
		if (cJSON_IsObject(c) || cJSON_IsArray(c))
			assert_sorted_keys(c);
		prev = c;
	}
}

static const char *jstr(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	ck_assert_msg(cJSON_IsString(v), "%s is not a string", k);
	return v->valuestring;
}

static double jnum(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	ck_assert_msg(cJSON_IsNumber(v), "%s is not a number", k);
	return v->valuedouble;
}

static bool has(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k) != NULL;
}

/* One record of a query/reply array, as DESIGN.md section 3 describes it. */
static void assert_record(const cJSON *r, const char *section, const char *name, const char *type,
                          const char *data)
{
	ck_assert(cJSON_IsObject(r));
	ck_assert_str_eq(jstr(r, "section"), section);
	ck_assert_str_eq(jstr(r, "name"), name);
	ck_assert_str_eq(jstr(r, "type"), type);
	if (data)
		ck_assert_str_eq(jstr(r, "data"), data);
	else
		ck_assert(!has(r, "data"));
}

static void check_encoded(struct encoded *enc)
{
	assert_same(enc->j, &enc->u.data, "$");
	assert_sorted_keys(enc->j);
	/* one line, ASCII only */
	for (const char *p = enc->json; *p; p++)
		ck_assert(*p >= 0x20 && *p < 0x7F);
}

/* ------------------------------------------------------------ tx events */

START_TEST(tx_success)
{
	struct tx_view tx = example_tx();
	struct encoded enc;
	encode(&enc, TX_EVENT, &tx, false, NULL);
	check_encoded(&enc);
	const cJSON *j = enc.j;
	ck_assert_str_eq(jstr(j, "client_addr"), "10.139.96.169");
	ck_assert(jnum(j, "client_port") == 53684);
	ck_assert_str_eq(jstr(j, "server_addr"), "210.196.3.183");
	ck_assert(jnum(j, "server_port") == 53);
	ck_assert(jnum(j, "tx_id") == 23904);
	ck_assert_str_eq(jstr(j, "status"), "success");
	ck_assert_str_eq(jstr(j, "rcode"), "NOERROR");
	if (has(j, "proto"))
		ck_assert_str_eq(jstr(j, "proto"), "udp");
	ck_assert(!has(j, "malformed") || !cJSON_IsTrue(cJSON_GetObjectItem(j, "malformed")));

	/* times with exactly microsecond precision, as numbers */
	ck_assert_ptr_nonnull(strstr(enc.json, "\"query_ts\": 1444531212.628222"));
	ck_assert_ptr_nonnull(strstr(enc.json, "\"reply_ts\": 1444531212.643494"));
	if (has(j, "rtt"))
		ck_assert_ptr_nonnull(strstr(enc.json, "\"rtt\": 0.015272"));

	const cJSON *q = cJSON_GetObjectItem(j, "query");
	ck_assert(cJSON_IsArray(q));
	ck_assert_int_eq(cJSON_GetArraySize(q), 1);
	assert_record(cJSON_GetArrayItem(q, 0), "question", QNAME, "A", NULL);
	const cJSON *r = cJSON_GetObjectItem(j, "reply");
	ck_assert_int_eq(cJSON_GetArraySize(r), 2);
	assert_record(cJSON_GetArrayItem(r, 0), "question", QNAME, "A", NULL);
	assert_record(cJSON_GetArrayItem(r, 1), "answer", QNAME, "A", "23.100.102.231");
	if (has(cJSON_GetArrayItem(r, 1), "ttl"))
		ck_assert(jnum(cJSON_GetArrayItem(r, 1), "ttl") == 10);
	if (has(cJSON_GetArrayItem(r, 1), "class"))
		ck_assert_str_eq(jstr(cJSON_GetArrayItem(r, 1), "class"), "IN");

	/* msgpack: times are float64 seconds, ids and ports integers */
	const msgpack_object *o = &enc.u.data;
	for (uint32_t i = 0; i < o->via.map.size; i++) {
		const msgpack_object *k = &o->via.map.ptr[i].key;
		const msgpack_object *v = &o->via.map.ptr[i].val;
		if (k->via.str.size == 8 && memcmp(k->via.str.ptr, "query_ts", 8) == 0) {
			ck_assert_int_eq(v->type, MSGPACK_OBJECT_FLOAT64);
			ck_assert(fabs(v->via.f64 - 1444531212.628222) < 1e-6);
		}
		if (k->via.str.size == 5 && memcmp(k->via.str.ptr, "tx_id", 5) == 0) {
			ck_assert_int_eq(v->type, MSGPACK_OBJECT_POSITIVE_INTEGER);
			ck_assert_uint_eq(v->via.u64, 23904);
		}
	}
	release(&enc);
}
END_TEST

START_TEST(tx_no_reply)
{
	struct tx_view tx = example_tx();
	tx.status = TX_NO_REPLY;
	tx.reply = NULL;
	tx.reply_us = 0;
	struct encoded enc;
	encode(&enc, TX_EVENT, &tx, false, NULL);
	check_encoded(&enc);
	ck_assert_str_eq(jstr(enc.j, "status"), "no_reply");
	ck_assert(has(enc.j, "query"));
	ck_assert(has(enc.j, "query_ts"));
	ck_assert(!has(enc.j, "reply"));
	ck_assert(!has(enc.j, "reply_ts"));
	ck_assert(!has(enc.j, "rtt"));
	ck_assert(!has(enc.j, "rcode"));
	ck_assert(jnum(enc.j, "tx_id") == 23904);
	release(&enc);
}
END_TEST

START_TEST(tx_no_query)
{
	parse_example(0x8183); /* NXDOMAIN */
	struct tx_view tx = example_tx();
	tx.status = TX_NO_QUERY;
	tx.query = NULL;
	tx.query_us = 0;
	struct encoded enc;
	encode(&enc, TX_EVENT, &tx, false, NULL);
	check_encoded(&enc);
	ck_assert_str_eq(jstr(enc.j, "status"), "no_query");
	ck_assert(!has(enc.j, "query"));
	ck_assert(!has(enc.j, "query_ts"));
	ck_assert(!has(enc.j, "rtt"));
	ck_assert(has(enc.j, "reply"));
	ck_assert_str_eq(jstr(enc.j, "rcode"), "NXDOMAIN");
	ck_assert_ptr_nonnull(strstr(enc.json, "\"reply_ts\": 1444531212.643494"));
	/* filed under the reply's time */
	ck_assert_int_eq(tx_view_time(&tx), REPLY_US);
	release(&enc);
}
END_TEST

/* A reply with every section, names and data that need escaping. */
START_TEST(tx_all_sections_escaped)
{
	struct wb m;
	wb_dns_header(&m, 1, 0x8580, 1, 2, 1, 1);
	wb_u8(&m, 4);
	wb_bytes(&m, "a\tb\"", 4); /* tab and quote in a label */
	wb_question(&m, "example.", DNS_T_TXT, DNS_C_IN);
	/* TXT "x\"y\\" and "\xff" */
	rr_in(&m, 12, DNS_T_TXT, 300, "\x04x\"y\\\x01\xff", 7);
	rr_in(&m, 12, 65280, 300, "\xab", 1);
	rr_in(&m, 17, DNS_T_SOA, 60,
	      "\x02ns\xc0\x11\x01h\xc0\x11\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00\x03"
	      "\x00\x00\x00\x04\x00\x00\x00\x05",
	      29);
	rr_in(&m, 12, DNS_T_AAAA, 5, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	ck_assert_int_eq(dns_msg_parse(&parser, m.b, m.n, &reply), DNS_MSG_OK);
	struct tx_view tx = example_tx();
	tx.status = TX_NO_QUERY;
	tx.query = NULL;
	strcpy(tx.client, "2001:db8::1");
	strcpy(tx.server, "2001:db8::53");
	tx.proto = 6;
	struct encoded enc;
	encode(&enc, TX_EVENT, &tx, false, NULL);
	check_encoded(&enc);
	if (has(enc.j, "proto"))
		ck_assert_str_eq(jstr(enc.j, "proto"), "tcp");
	ck_assert_str_eq(jstr(enc.j, "client_addr"), "2001:db8::1");
	const cJSON *r = cJSON_GetObjectItem(enc.j, "reply");
	ck_assert_int_eq(cJSON_GetArraySize(r), 5);
	const char *owner = "a\\009b\\\".example.";
	assert_record(cJSON_GetArrayItem(r, 0), "question", owner, "TXT", NULL);
	assert_record(cJSON_GetArrayItem(r, 1), "answer", owner, "TXT",
	              "\"x\\\"y\\\\\" \"\\255\"");
	assert_record(cJSON_GetArrayItem(r, 2), "answer", owner, "TYPE65280", "\\# 1 AB");
	assert_record(cJSON_GetArrayItem(r, 3), "authority", "example.", "SOA",
	              "ns.example. h.example. 1 2 3 4 5");
	assert_record(cJSON_GetArrayItem(r, 4), "additional", owner, "AAAA", "2001:db8::1");
	release(&enc);
}
END_TEST

/* A malformed message still gives a well-formed event with right counts. */
START_TEST(tx_malformed)
{
	struct wb m;
	wb_dns_header(&m, 23904, 0x8180, 1, 1, 0, 0);
	wb_question(&m, QNAME, DNS_T_A, DNS_C_IN);
	rr_in(&m, 12, DNS_T_A, 10, "\x17\x64\x66", 3); /* short A */
	wb_bytes(&m, "junk", 4);                         /* trailing bytes */
	enum dns_msg_status s = dns_msg_parse(&parser, m.b, m.n, &reply);
	ck_assert(dns_msg_usable(s));
	ck_assert(reply.malformed);
	for (int variant = 0; variant < 3; variant++) {
		struct tx_view tx = example_tx();
		if (variant == 1) {
			tx.query = NULL;
			tx.status = TX_NO_QUERY;
		}
		if (variant == 2) { /* malformed query, no reply */
			tx.query = &reply;
			tx.reply = NULL;
			tx.status = TX_NO_REPLY;
		}
		struct encoded enc;
		encode(&enc, TX_EVENT, &tx, false, NULL);
		check_encoded(&enc);
		release(&enc);
	}
}
END_TEST

/* Two events back to back in one msgpack stream read back as two. */
START_TEST(tx_stream_of_two)
{
	struct obuf b;
	obuf_init(&b);
	struct msgpack_enc me;
	struct tx_view tx = example_tx();
	struct emitter e = msgpack_enc_init(&me, &b);
	event_tx(&e, &tx);
	tx.reply = NULL;
	tx.status = TX_NO_REPLY;
	e = msgpack_enc_init(&me, &b);
	event_tx(&e, &tx);
	size_t off = 0;
	msgpack_unpacked u;
	msgpack_unpacked_init(&u);
	ck_assert_int_eq(msgpack_unpack_next(&u, b.p, b.len, &off), MSGPACK_UNPACK_SUCCESS);
	ck_assert_int_eq(u.data.type, MSGPACK_OBJECT_MAP);
	ck_assert_int_eq(msgpack_unpack_next(&u, b.p, b.len, &off), MSGPACK_UNPACK_SUCCESS);
	ck_assert_int_eq(u.data.type, MSGPACK_OBJECT_MAP);
	ck_assert_uint_eq(off, b.len);
	msgpack_unpacked_destroy(&u);
	obuf_free(&b);
}
END_TEST

/* ------------------------------------------------------------ record events */

/* DESIGN.md: flat, no arrays or nested objects. */
static void assert_flat(const cJSON *j)
{
	for (const cJSON *c = j->child; c; c = c->next)
		ck_assert_msg(!cJSON_IsObject(c) && !cJSON_IsArray(c), "%s is nested", c->string);
}

START_TEST(record_query_question)
{
	struct tx_view tx = example_tx();
	struct encoded enc;
	encode(&enc, RECORD_EVENT, &tx, false, &query.rr[0]);
	check_encoded(&enc);
	assert_flat(enc.j);
	const cJSON *j = enc.j;
	ck_assert_str_eq(jstr(j, "client_addr"), "10.139.96.169");
	ck_assert(jnum(j, "client_port") == 53684);
	ck_assert_str_eq(jstr(j, "server_addr"), "210.196.3.183");
	ck_assert(jnum(j, "server_port") == 53);
	ck_assert(jnum(j, "tx_id") == 23904);
	ck_assert_str_eq(jstr(j, "msg_type"), "query");
	ck_assert_str_eq(jstr(j, "section"), "question");
	ck_assert_str_eq(jstr(j, "name"), QNAME);
	ck_assert_str_eq(jstr(j, "type"), "A");
	ck_assert(!has(j, "data"));
	ck_assert_ptr_nonnull(strstr(enc.json, "\"ts\": 1444531212.628222"));
	release(&enc);
}
END_TEST

START_TEST(record_reply_answer)
{
	struct tx_view tx = example_tx();
	struct encoded enc;
	encode(&enc, RECORD_EVENT, &tx, true, &reply.rr[1]);
	check_encoded(&enc);
	assert_flat(enc.j);
	const cJSON *j = enc.j;
	ck_assert_str_eq(jstr(j, "msg_type"), "reply");
	ck_assert_str_eq(jstr(j, "section"), "answer");
	ck_assert_str_eq(jstr(j, "name"), QNAME);
	ck_assert_str_eq(jstr(j, "type"), "A");
	ck_assert_str_eq(jstr(j, "data"), "23.100.102.231");
	ck_assert_str_eq(jstr(j, "rcode"), "NOERROR");
	if (has(j, "ttl"))
		ck_assert(jnum(j, "ttl") == 10);
	ck_assert_ptr_nonnull(strstr(enc.json, "\"ts\": 1444531212.643494"));
	release(&enc);

	/* the reply's question record: no data */
	encode(&enc, RECORD_EVENT, &tx, true, &reply.rr[0]);
	check_encoded(&enc);
	ck_assert_str_eq(jstr(enc.j, "section"), "question");
	ck_assert(!has(enc.j, "data"));
	ck_assert_str_eq(jstr(enc.j, "msg_type"), "reply");
	release(&enc);
}
END_TEST

START_TEST(record_of_no_query_tx)
{
	struct tx_view tx = example_tx();
	tx.status = TX_NO_QUERY;
	tx.query = NULL;
	struct encoded enc;
	encode(&enc, RECORD_EVENT, &tx, true, &reply.rr[1]);
	check_encoded(&enc);
	ck_assert_str_eq(jstr(enc.j, "data"), "23.100.102.231");
	release(&enc);
}
END_TEST

START_TEST(status_names)
{
	ck_assert_str_eq(tx_status_str(TX_SUCCESS), "success");
	ck_assert_str_eq(tx_status_str(TX_NO_REPLY), "no_reply");
	ck_assert_str_eq(tx_status_str(TX_NO_QUERY), "no_query");
	struct tx_view tx = example_tx();
	ck_assert_int_eq(tx_view_time(&tx), QUERY_US);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("event");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, tx_success);
	tcase_add_test(tc, tx_no_reply);
	tcase_add_test(tc, tx_no_query);
	tcase_add_test(tc, tx_all_sections_escaped);
	tcase_add_test(tc, tx_malformed);
	tcase_add_test(tc, tx_stream_of_two);
	tcase_add_test(tc, record_query_question);
	tcase_add_test(tc, record_reply_answer);
	tcase_add_test(tc, record_of_no_query_tx);
	tcase_add_test(tc, status_names);
	suite_add_tcase(s, tc);
	return check_run(s);
}
