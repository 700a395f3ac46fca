/*
 * Unit tests for sink_stream.c: text lines "TIME<TAB>TAG<TAB>JSON\n" and
 * msgpack [tag, time, record] arrays (fluentd Message mode) written to a
 * temporary file and read back; the UTC time format.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <cjson/cJSON.h>
#include <msgpack.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dns_msg.h"
#include "dns_types.h"
#include "sink_stream.h"
#include "check_run.h"

#define QUERY_US INT64_C(1444531212628222) /* 2015-10-11T02:40:12.628222Z */
#define REPLY_US INT64_C(1444531213000001) /* the next second */

static struct dns_parser parser;
static struct dns_msg query, reply;
static char path[64];

/* id 0x1234, www.example. A; the reply answers 192.0.2.1. */
static void parse_pair(void)
{
	static const uint8_t q[] = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
	                            3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
	                            0, 1, 0, 1};
	static const uint8_t r[] = {0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
	                            3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0,
	                            0, 1, 0, 1,
	                            0xC0, 12, 0, 1, 0, 1, 0, 0, 0x0E, 0x10, 0, 4, 192, 0, 2, 1};
	ck_assert_int_eq(dns_msg_parse(&parser, q, sizeof(q), &query), DNS_MSG_OK);
	ck_assert_int_eq(dns_msg_parse(&parser, r, sizeof(r), &reply), DNS_MSG_OK);
}

static struct tx_view make_tx(void)
{
	struct tx_view tx;
	memset(&tx, 0, sizeof(tx));
	tx.status = TX_SUCCESS;
	tx.proto = 17;
	tx.id = 0x1234;
	strcpy(tx.client, "192.0.2.10");
	strcpy(tx.server, "192.0.2.53");
	tx.client_port = 40000;
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
	parse_pair();
	strcpy(path, "/tmp/test_sink_stream.XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void teardown(void)
{
	dns_parser_free(&parser);
	unlink(path);
}

/* The whole file; *len gets its size. Caller frees. */
static char *slurp(size_t *len)
{
	FILE *fp = fopen(path, "rb");
	ck_assert_ptr_nonnull(fp);
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n, fp)) > 0) {
		n += got;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
		}
	}
	fclose(fp);
	buf[n] = '\0';
	*len = n;
	return buf;
}

START_TEST(time_format)
{
	static const struct {
		int64_t sec;
		const char *s;
	} v[] = {
		{1444531212, "2015-10-11T02:40:12+00:00"}, /* DESIGN.md section 4 */
		{0, "1970-01-01T00:00:00+00:00"},
		{-1, "1969-12-31T23:59:59+00:00"},
		{951825600, "2000-02-29T12:00:00+00:00"}, /* leap day */
		{2147483648LL, "2038-01-19T03:14:08+00:00"}, /* past 32-bit time_t */
		{86399, "1970-01-01T23:59:59+00:00"},
		/* year -2147481748 does not fit 32 bytes: the number, terminated */
		{-67768040609740800LL, "-67768040609740800"},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char buf[32];
		sink_stream_time(v[i].sec, buf);
		ck_assert_str_eq(buf, v[i].s);
	}
}
END_TEST

START_TEST(time_is_utc_whatever_tz)
{
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	setenv("TZ", "JST-9", 1); /* POSIX form: no tzdata needed */
	tzset();
	char buf[32];
	sink_stream_time(1444531212, buf);
	ck_assert_str_eq(buf, "2015-10-11T02:40:12+00:00");
	if (saved) {
		setenv("TZ", saved, 1);
		free(saved);
	} else {
		unsetenv("TZ");
	}
	tzset();
}
END_TEST

START_TEST(tag_names)
{
	struct sink_tags t;
	ck_assert_int_eq(sink_tags_init(&t, "dns-gazer"), 0);
	ck_assert_str_eq(t.tx, "dns-gazer.dns.tx");
	ck_assert_str_eq(t.record, "dns-gazer.dns.record");
	ck_assert_str_eq(t.stats, "dns-gazer.stats");
	ck_assert_int_eq(sink_tags_init(&t, "sensor"), 0);
	ck_assert_str_eq(t.tx, "sensor.dns.tx");
	char longp[200];
	memset(longp, 'p', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	ck_assert_int_eq(sink_tags_init(&t, longp), -1);
}
END_TEST

/* Split the next "TIME\tTAG\tJSON\n" line off *p. */
static cJSON *next_line(char **p, const char *want_time, const char *want_tag)
{
	char *line = *p;
	char *nl = strchr(line, '\n');
	ck_assert_ptr_nonnull(nl);
	*nl = '\0';
	*p = nl + 1;
	char *tab1 = strchr(line, '\t');
	ck_assert_ptr_nonnull(tab1);
	*tab1 = '\0';
	char *tab2 = strchr(tab1 + 1, '\t');
	ck_assert_ptr_nonnull(tab2);
	*tab2 = '\0';
	ck_assert_str_eq(line, want_time);
	ck_assert_str_eq(tab1 + 1, want_tag);
	ck_assert_ptr_null(strchr(tab2 + 1, '\t')); /* no raw tab inside the JSON */
	cJSON *j = cJSON_Parse(tab2 + 1);
	ck_assert_msg(j != NULL, "bad JSON: %s", tab2 + 1);
	return j;
}

START_TEST(text_lines)
{
	struct sink_tags tags;
	ck_assert_int_eq(sink_tags_init(&tags, "dns-gazer"), 0);
	char err[256] = "";
	struct sink *s = sink_stream_open(STREAM_TEXT, path, &tags, err, sizeof(err));
	ck_assert_msg(s != NULL, "%s", err);
	struct tx_view tx = make_tx();
	ck_assert_int_eq(sink_tx(s, &tx), 0);
	ck_assert_int_eq(sink_record(s, &tx, false, &query.rr[0]), 0);
	ck_assert_int_eq(sink_record(s, &tx, true, &reply.rr[1]), 0);
	struct tx_view nq = make_tx();
	nq.status = TX_NO_QUERY;
	nq.query = NULL;
	ck_assert_int_eq(sink_tx(s, &nq), 0);
	ck_assert_uint_eq(s->events, 4);
	ck_assert_uint_eq(s->errors, 0);
	ck_assert_int_eq(s->ops->close(s), 0);

	size_t len;
	char *text = slurp(&len);
	ck_assert_uint_eq(strlen(text), len);
	ck_assert_int_eq(text[len - 1], '\n');
	char *p = text;

	cJSON *j = next_line(&p, "2015-10-11T02:40:12+00:00", "dns-gazer.dns.tx");
	ck_assert_str_eq(cJSON_GetObjectItem(j, "status")->valuestring, "success");
	ck_assert(cJSON_GetObjectItem(j, "tx_id")->valuedouble == 0x1234);
	cJSON_Delete(j);

	j = next_line(&p, "2015-10-11T02:40:12+00:00", "dns-gazer.dns.record");
	ck_assert_str_eq(cJSON_GetObjectItem(j, "msg_type")->valuestring, "query");
	ck_assert_str_eq(cJSON_GetObjectItem(j, "name")->valuestring, "www.example.");
	cJSON_Delete(j);

	/* a reply record is filed under the reply's time */
	j = next_line(&p, "2015-10-11T02:40:13+00:00", "dns-gazer.dns.record");
	ck_assert_str_eq(cJSON_GetObjectItem(j, "data")->valuestring, "192.0.2.1");
	cJSON_Delete(j);

	/* a reply without query too */
	j = next_line(&p, "2015-10-11T02:40:13+00:00", "dns-gazer.dns.tx");
	ck_assert_str_eq(cJSON_GetObjectItem(j, "status")->valuestring, "no_query");
	cJSON_Delete(j);
	ck_assert_str_eq(p, "");
	free(text);
}
END_TEST

/* The exact shape of a line: the text of DESIGN.md section 4. */
START_TEST(text_line_prefix)
{
	struct sink_tags tags;
	ck_assert_int_eq(sink_tags_init(&tags, "dns-gazer"), 0);
	char err[256];
	struct sink *s = sink_stream_open(STREAM_TEXT, path, &tags, err, sizeof(err));
	ck_assert_ptr_nonnull(s);
	struct tx_view tx = make_tx();
	ck_assert_int_eq(sink_tx(s, &tx), 0);
	ck_assert_int_eq(s->ops->close(s), 0);
	size_t len;
	char *text = slurp(&len);
	const char *want = "2015-10-11T02:40:12+00:00\tdns-gazer.dns.tx\t{\"client_addr\": \"192.0.2.10\", ";
	ck_assert_int_eq(strncmp(text, want, strlen(want)), 0);
	ck_assert_ptr_nonnull(strstr(text, "\"query_ts\": 1444531212.628222"));
	ck_assert_str_eq(text + len - 2, "}\n");
	ck_assert_ptr_eq(strchr(text, '\n'), text + len - 1); /* one line */
	free(text);
}
END_TEST

static void write_other(const struct emitter *e, const void *arg)
{
	e->ops->map_begin(e->ctx, 1);
	e->ops->key(e->ctx, "packets");
	e->ops->uint(e->ctx, *(const uint64_t *)arg);
	e->ops->map_end(e->ctx);
}

/* Other events (stats, alerts) are lines with their own tag and time. */
START_TEST(text_other_event)
{
	struct sink_tags tags;
	ck_assert_int_eq(sink_tags_init(&tags, "dns-gazer"), 0);
	char err[256];
	struct sink *s = sink_stream_open(STREAM_TEXT, path, &tags, err, sizeof(err));
	ck_assert_ptr_nonnull(s);
	uint64_t n = 42;
	struct sink_event ev = {.tag = tags.stats, .ts_us = 1444531212628222, .write = write_other,
	                        .arg = &n};
	ck_assert_int_eq(sink_event(s, &ev), 0);
	ck_assert_uint_eq(s->events, 1);
	ck_assert_int_eq(s->ops->close(s), 0);
	size_t len;
	char *text = slurp(&len);
	ck_assert_str_eq(text, "2015-10-11T02:40:12+00:00\tdns-gazer.stats\t{\"packets\": 42}\n");
	free(text);
}
END_TEST

/* Times before 1970 round down to the second, as the epoch count does. */
START_TEST(text_negative_time)
{
	struct sink_tags tags;
	ck_assert_int_eq(sink_tags_init(&tags, "t"), 0);
	char err[256];
	struct sink *s = sink_stream_open(STREAM_TEXT, path, &tags, err, sizeof(err));
	ck_assert_ptr_nonnull(s);
	struct tx_view tx = make_tx();
	tx.query_us = -1;
	ck_assert_int_eq(sink_tx(s, &tx), 0);
	tx.query_us = 999999;
	ck_assert_int_eq(sink_tx(s, &tx), 0);
	ck_assert_int_eq(s->ops->close(s), 0);
	size_t len;
	char *text = slurp(&len);
	char *p = text;
	cJSON *j = next_line(&p, "1969-12-31T23:59:59+00:00", "t.dns.tx");
	cJSON_Delete(j);
	j = next_line(&p, "1970-01-01T00:00:00+00:00", "t.dns.tx");
	cJSON_Delete(j);
	free(text);
}
END_TEST

static const msgpack_object *map_get(const msgpack_object *m, const char *k)
{
	ck_assert_int_eq(m->type, MSGPACK_OBJECT_MAP);
	for (uint32_t i = 0; i < m->via.map.size; i++) {
		const msgpack_object *key = &m->via.map.ptr[i].key;
		if (key->type == MSGPACK_OBJECT_STR && key->via.str.size == strlen(k) &&
		    memcmp(key->via.str.ptr, k, strlen(k)) == 0)
			return &m->via.map.ptr[i].val;
	}
	ck_abort_msg("key %s missing", k);
	return NULL;
}

static void assert_str(const msgpack_object *o, const char *s)
{
	ck_assert_int_eq(o->type, MSGPACK_OBJECT_STR);
	ck_assert_uint_eq(o->via.str.size, strlen(s));
	ck_assert_int_eq(memcmp(o->via.str.ptr, s, strlen(s)), 0);
}

START_TEST(msgpack_stream)
{
	struct sink_tags tags;
	ck_assert_int_eq(sink_tags_init(&tags, "dns-gazer"), 0);
	char err[256] = "";
	struct sink *s = sink_stream_open(STREAM_MSGPACK, path, &tags, err, sizeof(err));
	ck_assert_msg(s != NULL, "%s", err);
	struct tx_view tx = make_tx();
	ck_assert_int_eq(sink_tx(s, &tx), 0);
	ck_assert_int_eq(sink_record(s, &tx, true, &reply.rr[1]), 0);
	struct tx_view nr = make_tx();
	nr.status = TX_NO_REPLY;
	nr.reply = NULL;
	ck_assert_int_eq(sink_tx(s, &nr), 0);
	ck_assert_uint_eq(s->events, 3);
	ck_assert_int_eq(s->ops->close(s), 0);

	size_t len;
	char *data = slurp(&len);
	/* feed the stream to msgpack-c's streaming unpacker in small pieces */
	msgpack_unpacker up;
	ck_assert(msgpack_unpacker_init(&up, 64));
	msgpack_unpacked u;
	msgpack_unpacked_init(&u);
	static const char *const want_tag[] = {"dns-gazer.dns.tx", "dns-gazer.dns.record",
	                                       "dns-gazer.dns.tx"};
	static const int64_t want_time[] = {1444531212, 1444531213, 1444531212};
	int seen = 0;
	for (size_t off = 0; off < len;) {
		size_t chunk = len - off < 7 ? len - off : 7;
		ck_assert(msgpack_unpacker_reserve_buffer(&up, chunk));
		memcpy(msgpack_unpacker_buffer(&up), data + off, chunk);
		msgpack_unpacker_buffer_consumed(&up, chunk);
		off += chunk;
		msgpack_unpack_return rc;
		while ((rc = msgpack_unpacker_next(&up, &u)) == MSGPACK_UNPACK_SUCCESS) {
			ck_assert_int_lt(seen, 3);
			msgpack_object o = u.data;
			/* [tag, time, record] */
			ck_assert_int_eq(o.type, MSGPACK_OBJECT_ARRAY);
			ck_assert_uint_eq(o.via.array.size, 3);
			assert_str(&o.via.array.ptr[0], want_tag[seen]);
			/* integer seconds, never a float (fluentd Message mode) */
			ck_assert_int_eq(o.via.array.ptr[1].type, MSGPACK_OBJECT_POSITIVE_INTEGER);
			ck_assert_int_eq((int64_t)o.via.array.ptr[1].via.u64, want_time[seen]);
			const msgpack_object *rec = &o.via.array.ptr[2];
			ck_assert_int_eq(rec->type, MSGPACK_OBJECT_MAP);
			if (seen == 0) {
				assert_str(map_get(rec, "status"), "success");
				ck_assert_uint_eq(map_get(rec, "tx_id")->via.u64, 0x1234);
				ck_assert_uint_eq(map_get(rec, "reply")->via.array.size, 2);
			} else if (seen == 1) {
				assert_str(map_get(rec, "data"), "192.0.2.1");
				assert_str(map_get(rec, "msg_type"), "reply");
			} else {
				assert_str(map_get(rec, "status"), "no_reply");
			}
			seen++;
		}
		ck_assert_int_eq(rc, MSGPACK_UNPACK_CONTINUE);
	}
	ck_assert_int_eq(seen, 3);
	/* nothing half-read is left */
	ck_assert_uint_eq(msgpack_unpacker_message_size(&up), 0);
	msgpack_unpacked_destroy(&u);
	msgpack_unpacker_destroy(&up);
	free(data);
}
END_TEST

/*
 * Events are written in batches: many of them (several batches' worth)
 * come out whole, in order, each once; flush writes the rest.
 */
START_TEST(batches_keep_every_line)
{
	struct sink_tags tags;
	ck_assert_int_eq(sink_tags_init(&tags, "dns-gazer"), 0);
	char err[256] = "";
	struct sink *s = sink_stream_open(STREAM_TEXT, path, &tags, err, sizeof(err));
	ck_assert_msg(s != NULL, "%s", err);
	enum { N = 3000 };
	struct tx_view tx = make_tx();
	for (int i = 0; i < N; i++) {
		tx.id = (uint16_t)i;
		ck_assert_int_eq(sink_tx(s, &tx), 0);
	}
	ck_assert_int_eq(s->ops->flush(s), 0);
	size_t len;
	char *text = slurp(&len);
	ck_assert_uint_gt(len, 3 * 64 * 1024); /* more than a few batches */
	char *p = text;
	for (int i = 0; i < N; i++) {
		cJSON *j = next_line(&p, "2015-10-11T02:40:12+00:00", "dns-gazer.dns.tx");
		ck_assert_int_eq((int)cJSON_GetObjectItem(j, "tx_id")->valuedouble, i);
		cJSON_Delete(j);
	}
	ck_assert_str_eq(p, "");
	free(text);
	ck_assert_uint_eq(s->events, N);
	ck_assert_uint_eq(s->errors, 0);
	ck_assert_int_eq(s->ops->close(s), 0);
}
END_TEST

/* A batch that cannot be written: its events count as lost, not written. */
START_TEST(lost_batch_counted)
{
	if (access("/dev/full", W_OK) != 0)
		return; /* no /dev/full here */
	struct sink_tags tags;
	ck_assert_int_eq(sink_tags_init(&tags, "dns-gazer"), 0);
	char err[256] = "";
	struct sink *s = sink_stream_open(STREAM_TEXT, "/dev/full", &tags, err, sizeof(err));
	ck_assert_msg(s != NULL, "%s", err);
	struct tx_view tx = make_tx();
	for (int i = 0; i < 10; i++)
		sink_tx(s, &tx);
	ck_assert_int_eq(s->ops->flush(s), -1);
	ck_assert_uint_eq(s->events, 0);
	ck_assert_uint_eq(s->errors, 10);
	ck_assert_int_eq(s->last_errno, ENOSPC);
	s->ops->close(s);
}
END_TEST

START_TEST(open_failure)
{
	struct sink_tags tags;
	ck_assert_int_eq(sink_tags_init(&tags, "dns-gazer"), 0);
	char err[256] = "";
	const char *bad = "/nonexistent-dir-for-test/out.log";
	struct sink *s = sink_stream_open(STREAM_TEXT, bad, &tags, err, sizeof(err));
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(strstr(err, bad));
	ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

/* Opening truncates an existing file. */
START_TEST(open_truncates)
{
	FILE *fp = fopen(path, "w");
	fputs("old content that must go\n", fp);
	fclose(fp);
	struct sink_tags tags;
	ck_assert_int_eq(sink_tags_init(&tags, "x"), 0);
	char err[256];
	struct sink *s = sink_stream_open(STREAM_TEXT, path, &tags, err, sizeof(err));
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(s->ops->close(s), 0);
	size_t len;
	char *text = slurp(&len);
	ck_assert_uint_eq(len, 0);
	free(text);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sink_stream");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, time_format);
	tcase_add_test(tc, time_is_utc_whatever_tz);
	tcase_add_test(tc, tag_names);
	tcase_add_test(tc, text_lines);
	tcase_add_test(tc, text_line_prefix);
	tcase_add_test(tc, text_negative_time);
	tcase_add_test(tc, text_other_event);
	tcase_add_test(tc, msgpack_stream);
	tcase_add_test(tc, batches_keep_every_line);
	tcase_add_test(tc, lost_batch_counted);
	tcase_add_test(tc, open_failure);
	tcase_add_test(tc, open_truncates);
	suite_add_tcase(s, tc);
	return check_run(s);
}
