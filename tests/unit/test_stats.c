/*
 * Unit tests for stats.c: the summary and the stats event name the same
 * counters, skip the idle ones, and the event is valid JSON whose keys
 * are plain identifiers.
 */
#include "config.h"

#include <check.h>
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "encode_json.h"
#include "obuf.h"
#include "stats.h"
#include "check_run.h"

static struct stats st;
static const struct stats_output outs[] = {
    {"stdout", 12, 0, false, 0, 0, 0},
    {"/var/log/x \"y\".log", 5, 3, false, 0, 0, 0},
    {"fluentd [::1]:24224", 40, 6, true, 9, 25, 6}};

static void fill(void)
{
	memset(&st, 0, sizeof(st));
	st.packets = 100;
	st.bytes = 9000;
	st.pkt[PKT_OK] = 90;
	st.pkt[PKT_IPV4_BAD] = 2;
	st.not_dns_port = 7;
	st.queries = 50;
	st.replies = 40;
	st.dns[DNS_MSG_BAD_RDATA] = 1;
	st.tx[TX_SUCCESS] = 39;
	st.tx[TX_NO_REPLY] = 11;
	st.tx[TX_NO_QUERY] = 1;
	st.evicted = 4;
}

/* The sinks' encoders cache keys by address (emit.h): so does this one. */
static struct json_key_cache key_cache;

static cJSON *event_json(void)
{
	struct obuf out;
	obuf_init(&out);
	struct json_enc je;
	struct emitter e = json_enc_init_cached(&je, &out, &key_cache);
	struct stats_event se = {.stats = &st, .out = outs, .nout = 3};
	stats_emit(&e, &se);
	obuf_putc(&out, '\0');
	ck_assert(!out.oom);
	cJSON *j = cJSON_Parse(out.p);
	ck_assert_msg(j != NULL, "bad JSON: %s", out.p);
	obuf_free(&out);
	return j;
}

static double num(const cJSON *j, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, k);
	ck_assert_msg(cJSON_IsNumber(v), "no number %s", k);
	return v->valuedouble;
}

START_TEST(event_counters)
{
	fill();
	cJSON *j = event_json();
	ck_assert(num(j, "packets") == 100);
	ck_assert(num(j, "payloads") == 90);
	ck_assert(num(j, "skipped_ipv4_bad") == 2);
	ck_assert(num(j, "skipped_not_dns_port") == 7);
	ck_assert(num(j, "dns_queries") == 50);
	ck_assert(num(j, "dns_bad_rdata") == 1);
	ck_assert(num(j, "tx_success") == 39);
	ck_assert(num(j, "tx_no_reply") == 11);
	ck_assert(num(j, "tx_evicted") == 4);
	/* idle counters are left out, as in the summary */
	ck_assert_ptr_null(cJSON_GetObjectItem(j, "skipped_bad_length"));
	ck_assert_ptr_null(cJSON_GetObjectItem(j, "pcap_dropped"));
	ck_assert_ptr_null(cJSON_GetObjectItem(j, "tcp_segments"));
	const cJSON *o = cJSON_GetObjectItem(j, "outputs");
	ck_assert(cJSON_IsArray(o));
	ck_assert_int_eq(cJSON_GetArraySize(o), 3);
	const cJSON *o1 = cJSON_GetArrayItem(o, 1);
	ck_assert_str_eq(cJSON_GetObjectItem(o1, "name")->valuestring, "/var/log/x \"y\".log");
	ck_assert(num(o1, "events") == 5);
	ck_assert(num(o1, "lost") == 3);
	ck_assert_ptr_null(cJSON_GetObjectItem(o1, "queued")); /* no queue: no queue counters */
	const cJSON *o2 = cJSON_GetArrayItem(o, 2);
	ck_assert(num(o2, "events") == 40);
	ck_assert(num(o2, "queued") == 9);
	ck_assert(num(o2, "delivered") == 25);
	ck_assert(num(o2, "dropped") == 6);
	/* every key an identifier */
	for (const cJSON *k = j->child; k; k = k->next)
		ck_assert_msg(strspn(k->string, "abcdefghijklmnopqrstuvwxyz0123456789_") ==
		                  strlen(k->string), "key %s", k->string);
	cJSON_Delete(j);
}
END_TEST

/* A second event through the same key cache names every counter right. */
START_TEST(event_twice)
{
	fill();
	cJSON *j = event_json();
	cJSON_Delete(j);
	j = event_json();
	ck_assert(num(j, "tx_no_reply") == 11);
	ck_assert(num(j, "skipped_not_dns_port") == 7);
	ck_assert(num(j, "dns_bad_rdata") == 1);
	ck_assert_int_eq(cJSON_GetArraySize(j), 13); /* 12 counters and the outputs */
	cJSON_Delete(j);
}
END_TEST

START_TEST(live_counters)
{
	fill();
	st.live = true;
	st.pcap_recv = 1000;
	cJSON *j = event_json();
	ck_assert(num(j, "pcap_received") == 1000);
	ck_assert(num(j, "pcap_dropped") == 0); /* zero drops is worth saying live */
	cJSON_Delete(j);
}
END_TEST

/* The summary names the same counters as the event. */
START_TEST(summary_matches_event)
{
	fill();
	st.live = true;
	st.tcp.segments = 3;
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	stats_write(&st, outs, 3, fp);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(text, "dns-gazer: statistics\n"));
	ck_assert_ptr_nonnull(strstr(text, "\n  output /var/log/x \"y\".log: 5 events, 3 lost\n"));
	ck_assert_ptr_nonnull(strstr(text, "\n  output fluentd [::1]:24224: 40 events, 6 lost "
	                                   "(9 queued, 25 delivered, 6 dropped)\n"));
	cJSON *j = event_json();
	size_t lines = 0;
	for (const cJSON *k = j->child; k; k = k->next) {
		if (strcmp(k->string, "outputs") == 0)
			continue;
		char want[128];
		snprintf(want, sizeof(want), " %.0f\n", k->valuedouble);
		/* "tx_no_reply" is "tx.no_reply" in the summary */
		char dotted[64];
		snprintf(dotted, sizeof(dotted), "  %s", k->string);
		char *u = strchr(dotted, '_');
		if (u && (strncmp(dotted + 2, "skipped", 7) == 0 || strncmp(dotted + 2, "dns", 3) == 0 ||
		          strncmp(dotted + 2, "tx", 2) == 0 || strncmp(dotted + 2, "tcp", 3) == 0 ||
		          strncmp(dotted + 2, "pcap", 4) == 0))
			*u = '.';
		char *at = strstr(text, dotted);
		ck_assert_msg(at != NULL, "summary lacks %s", dotted);
		ck_assert_msg(strncmp(at + strlen(dotted), want, strlen(want)) == 0, "%s", dotted);
		lines++;
	}
	ck_assert_uint_gt(lines, 10);
	cJSON_Delete(j);
	free(text);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, event_counters);
	tcase_add_test(tc, live_counters);
	tcase_add_test(tc, event_twice);
	tcase_add_test(tc, summary_matches_event);
	suite_add_tcase(s, tc);
	return check_run(s);
}
