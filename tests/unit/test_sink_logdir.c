/*
 * Unit tests for sink_logdir.c in a scratch directory: buffering and the
 * one-second flush, a write that fails part-way (no half line, events
 * counted as lost, writing resumes), rotation by size and on the clock,
 * reopen after a move, and the files left at close.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sink_logdir.h"
#include "check_run.h"

#define T0 INT64_C(1444528799000000) /* 2015-10-11 01:59:59 UTC */
#define SEC INT64_C(1000000)

static char dir[64];
static struct dns_rr qrr;
static struct dns_msg query;
static struct tx_view tx;

/* The injected write(2): at most budget bytes more, then ENOSPC. */
static long budget = -1;

static ssize_t limited_write(int fd, const void *p, size_t n)
{
	if (budget < 0)
		return write(fd, p, n);
	if (budget == 0) {
		errno = ENOSPC;
		return -1;
	}
	size_t k = n < (size_t)budget ? n : (size_t)budget;
	ssize_t w = write(fd, p, k);
	if (w > 0)
		budget -= w;
	return w;
}

static void setup(void)
{
	strcpy(dir, "/tmp/test_sink_logdir.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	budget = -1;
	memset(&query, 0, sizeof(query));
	qrr = (struct dns_rr){.section = DNS_SEC_QUESTION, .type = 1, .rclass = 1,
	                      .name = "www.example."};
	query.rr = &qrr;
	query.nrr = 1;
	query.flags = 0x0100;
	memset(&tx, 0, sizeof(tx));
	tx.status = TX_NO_REPLY;
	tx.proto = 17;
	strcpy(tx.client, "192.0.2.1");
	strcpy(tx.server, "192.0.2.53");
	tx.client_port = 1234;
	tx.server_port = 53;
	tx.query = &query;
}

static void teardown(void)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		char p[sizeof(dir) + 256 + 2];
		while ((e = readdir(d)))
			if (e->d_name[0] != '.') {
				snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
				unlink(p);
			}
		closedir(d);
	}
	rmdir(dir);
}

static struct sink *open_sink(uint64_t size, int64_t interval)
{
	struct logdir_config c = {.dir = dir, .fmt = LOGDIR_ZEEK, .rotate_size = size,
	                          .rotate_interval_us = interval, .write_fn = limited_write};
	char err[256];
	struct sink *s = sink_logdir_open(&c, err, sizeof(err));
	ck_assert_msg(s != NULL, "%s", err);
	return s;
}

static void put(struct sink *s, int64_t us, uint16_t id)
{
	tx.query_us = us;
	tx.id = id;
	sink_tx(s, &tx);
}

/* The file's text (static buffer), "" when absent. */
static const char *slurp(const char *name)
{
	static char buf[65536];
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *fp = fopen(p, "r");
	if (!fp)
		return "";
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return buf;
}

static unsigned count(const char *text, const char *prefix)
{
	unsigned n = 0;
	size_t len = strlen(prefix);
	for (const char *p = text; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		n += strncmp(p, prefix, len) == 0;
	return n;
}

/* Data lines: those not starting with '#'. */
static unsigned rows(const char *text)
{
	unsigned n = 0;
	for (const char *p = text; *p; p = strchr(p, '\n') + 1)
		n += *p != '#';
	return n;
}

static unsigned files(const char *prefix)
{
	DIR *d = opendir(dir);
	unsigned n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

START_TEST(test_flush_each_second)
{
	struct sink *s = open_sink(0, 0);
	sink_tick(s, T0);
	put(s, T0, 1);
	ck_assert_str_eq(slurp("tx.log"), ""); /* buffered */
	sink_tick(s, T0 + SEC / 2);
	ck_assert_str_eq(slurp("tx.log"), "");
	sink_tick(s, T0 + SEC);
	const char *t = slurp("tx.log");
	ck_assert_uint_eq(count(t, "#open\t2015-10-11-01-59-59"), 1);
	ck_assert_uint_eq(rows(t), 1);
	ck_assert_int_eq(s->ops->close(s), 0);
	t = slurp("tx.log");
	ck_assert_uint_eq(count(t, "#close\t2015-10-11-02-00-00"), 1);
	ck_assert_uint_eq(files("tx."), 1); /* no rotation configured: stays */
}
END_TEST

START_TEST(test_partial_write)
{
	struct sink *s = open_sink(0, 0);
	sink_tick(s, T0);
	put(s, T0, 1);
	ck_assert_int_eq(s->ops->flush(s), 0);
	size_t good = strlen(slurp("tx.log"));
	for (uint16_t i = 0; i < 5; i++)
		put(s, T0, (uint16_t)(10 + i));
	budget = 100; /* less than the five lines: part of one is written */
	ck_assert_int_eq(s->ops->flush(s), -1);
	ck_assert(s->failing);
	ck_assert_int_eq(s->last_errno, ENOSPC);
	ck_assert_uint_eq(s->errors, 5);
	ck_assert_uint_eq(s->events, 1);
	ck_assert_uint_eq(strlen(slurp("tx.log")), good); /* cut back: no half line */
	/* space returns: writing resumes */
	budget = -1;
	put(s, T0, 20);
	ck_assert_int_eq(s->ops->flush(s), 0);
	ck_assert(!s->failing);
	ck_assert_uint_eq(s->events, 2);
	ck_assert_uint_eq(rows(slurp("tx.log")), 2);
	ck_assert_uint_eq(count(slurp("tx.log"), "#fields"), 1);
	ck_assert_int_eq(s->ops->close(s), -1); /* events were lost */
}
END_TEST

START_TEST(test_lost_header_comes_again)
{
	struct sink *s = open_sink(0, 0);
	budget = 0;
	sink_tick(s, T0);
	put(s, T0, 1);
	ck_assert_int_eq(s->ops->flush(s), -1);
	ck_assert_str_eq(slurp("tx.log"), "");
	budget = -1;
	put(s, T0, 2);
	ck_assert_int_eq(s->ops->flush(s), 0);
	const char *t = slurp("tx.log");
	ck_assert_uint_eq(count(t, "#separator"), 1);
	ck_assert(strncmp(t, "#separator", 10) == 0);
	ck_assert_uint_eq(rows(t), 1);
	ck_assert_uint_eq(s->errors, 1);
	s->ops->close(s);
}
END_TEST

START_TEST(test_rotate_size)
{
	struct sink *s = open_sink(2500, 0);
	sink_tick(s, T0);
	for (uint16_t i = 0; i < 30; i++)
		put(s, T0, i);
	/* all in one second: names get -1, -2 ... */
	unsigned n = files("tx.2015-10-11-01-59-59");
	ck_assert_uint_gt(n, 3);
	ck_assert_str_ne(slurp("tx.2015-10-11-01-59-59-1.log"), "");
	ck_assert_int_eq(s->ops->close(s), 0);
	ck_assert_uint_eq(files("tx.log"), 0); /* rotated at close too */
	unsigned total = 0;
	char name[64];
	for (unsigned i = 0; i < n + 1; i++) {
		if (i)
			snprintf(name, sizeof(name), "tx.2015-10-11-01-59-59-%u.log", i);
		else
			snprintf(name, sizeof(name), "tx.2015-10-11-01-59-59.log");
		const char *t = slurp(name);
		ck_assert_uint_eq(count(t, "#close"), 1);
		ck_assert_uint_eq(count(t, "#fields"), 1);
		ck_assert_uint_lt(strlen(t), 2500 + 400);
		total += rows(t);
	}
	ck_assert_uint_eq(total, 30);
}
END_TEST

START_TEST(test_rotate_interval)
{
	struct sink *s = open_sink(0, 3600 * SEC);
	sink_tick(s, T0);
	put(s, T0, 1);
	sink_tick(s, T0 + SEC / 2);
	ck_assert_uint_eq(files("tx.2"), 0);
	sink_tick(s, T0 + SEC + 1); /* 02:00:00.000001: on the hour */
	const char *t = slurp("tx.2015-10-11-01-59-59.log");
	ck_assert_uint_eq(rows(t), 1);
	ck_assert_uint_eq(count(t, "#close\t2015-10-11-02-00-00"), 1);
	put(s, T0 + 2 * SEC, 2);
	sink_tick(s, T0 + 3601 * SEC); /* 03:00:00 */
	t = slurp("tx.2015-10-11-02-00-00.log");
	ck_assert_uint_eq(count(t, "#open\t2015-10-11-02-00-00"), 1);
	ck_assert_uint_eq(rows(t), 1);
	ck_assert_int_eq(s->ops->close(s), 0);
	ck_assert_uint_eq(files("tx.2015-10-11-03-00-00.log"), 1); /* empty hour, closed */
	ck_assert_uint_eq(rows(slurp("tx.2015-10-11-03-00-00.log")), 0);
}
END_TEST

START_TEST(test_reopen)
{
	struct sink *s = open_sink(0, 0);
	sink_tick(s, T0);
	put(s, T0, 1);
	char from[128], to[128];
	snprintf(from, sizeof(from), "%s/tx.log", dir);
	snprintf(to, sizeof(to), "%s/tx.log.1", dir);
	ck_assert_int_eq(rename(from, to), 0);
	put(s, T0, 2); /* still for the moved file */
	ck_assert_int_eq(sink_reopen(s), 0);
	put(s, T0, 3);
	ck_assert_int_eq(s->ops->close(s), 0);
	const char *t = slurp("tx.log.1");
	ck_assert_uint_eq(rows(t), 2);
	ck_assert_uint_eq(count(t, "#close"), 1);
	t = slurp("tx.log");
	ck_assert_uint_eq(rows(t), 1);
	ck_assert_uint_eq(count(t, "#fields"), 1);
	ck_assert_uint_eq(count(t, "#close"), 1);
}
END_TEST

START_TEST(test_bad_dir)
{
	struct logdir_config c = {.dir = "/nonexistent/dns-gazer"};
	char err[256];
	ck_assert_ptr_null(sink_logdir_open(&c, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "No such file"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sink_logdir");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_flush_each_second);
	tcase_add_test(tc, test_partial_write);
	tcase_add_test(tc, test_lost_header_comes_again);
	tcase_add_test(tc, test_rotate_size);
	tcase_add_test(tc, test_rotate_interval);
	tcase_add_test(tc, test_reopen);
	tcase_add_test(tc, test_bad_dir);
	suite_add_tcase(s, tc);
	return check_run(s);
}
