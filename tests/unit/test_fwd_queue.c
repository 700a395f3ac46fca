/*
 * Unit tests for fwd_queue.c: FIFO order and byte accounting of the queue,
 * and spool files in a scratch directory: round trip, order across a
 * restart, damaged and half-written files, the directory lock.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fwd_queue.h"
#include "check_run.h"

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test_fwd_queue.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	DIR *d = opendir(dir);
	if (d) {
		const struct dirent *de;
		char p[512];
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(dir);
}

static struct fwd_item *item(const char *tag, const char *text, uint32_t count)
{
	size_t n = strlen(text);
	char *d = malloc(n);
	memcpy(d, text, n);
	struct fwd_item *it = fwd_item_new(tag, d, n, count);
	ck_assert_ptr_nonnull(it);
	return it;
}

static bool exists(const char *name)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

START_TEST(fifo_and_accounting)
{
	struct fwd_queue q;
	fwd_queue_init(&q);
	struct fwd_item *a = item("t.a", "aaaa", 2), *b = item("t.b", "bbbbbb", 3);
	fwd_queue_push(&q, a);
	fwd_queue_push(&q, b);
	ck_assert_uint_eq(q.items, 2);
	ck_assert_uint_eq(q.events, 5);
	ck_assert_uint_eq(q.mem_bytes, 10);
	ck_assert_ptr_eq(fwd_queue_next(&q), a);
	a->state = FWD_ITEM_INFLIGHT;
	strcpy(a->chunk, "c1");
	ck_assert_ptr_eq(fwd_queue_next(&q), b);
	ck_assert_ptr_eq(fwd_queue_find_chunk(&q, "c1", 2), a);
	ck_assert_ptr_null(fwd_queue_find_chunk(&q, "c", 1));
	ck_assert_ptr_null(fwd_queue_find_chunk(&q, "c1x", 3));
	/* an inflight batch may still go to disk: its message is built */
	ck_assert_ptr_eq(fwd_queue_spillable(&q), a);
	fwd_queue_requeue(&q);
	ck_assert_ptr_eq(fwd_queue_next(&q), a);
	ck_assert_ptr_null(fwd_queue_find_chunk(&q, "c1", 2));
	fwd_queue_remove(&q, a);
	ck_assert_uint_eq(q.items, 1);
	ck_assert_uint_eq(q.events, 3);
	ck_assert_uint_eq(q.mem_bytes, 6);
	fwd_queue_free(&q);
	ck_assert_uint_eq(q.items, 0);
	ck_assert_ptr_null(q.head);
	ck_assert_ptr_null(q.tail);
}
END_TEST

START_TEST(spool_round_trip)
{
	char err[256];
	int lock = fwd_spool_open(dir, err, sizeof(err));
	ck_assert_int_ge(lock, 0);
	/* a second sensor on the same directory is refused */
	ck_assert_int_lt(fwd_spool_open(dir, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "in use"));

	struct fwd_queue q;
	fwd_queue_init(&q);
	struct fwd_item *a = item("dg.dns.tx", "first", 1), *b = item("dg.dns.record", "second!", 2);
	fwd_queue_push(&q, a);
	fwd_queue_push(&q, b);
	/* written out of order: the sequence number is the order */
	ck_assert_int_eq(fwd_spool_write(dir, 7, b), 0);
	ck_assert_int_eq(fwd_spool_write(dir, 3, a), 0);
	fwd_queue_spooled(&q, a, 3);
	ck_assert_uint_eq(q.mem_bytes, 7);
	ck_assert_uint_eq(q.disk_bytes, 5);
	ck_assert_ptr_null(a->data);
	ck_assert_ptr_eq(fwd_queue_spillable(&q), b);
	fwd_queue_free(&q);
	close(lock);

	/* a write a crash cut short */
	char p[256];
	snprintf(p, sizeof(p), "%s/0000000000000009.tmp", dir);
	FILE *f = fopen(p, "w");
	fputs("half", f);
	fclose(f);

	/* the next start */
	fwd_queue_init(&q);
	uint64_t bad = 0;
	ck_assert_int_eq(fwd_spool_load(dir, &q, &bad, err, sizeof(err)), 0);
	ck_assert_uint_eq(bad, 0);
	ck_assert_uint_eq(q.items, 2);
	ck_assert_uint_eq(q.events, 3);
	ck_assert_uint_eq(q.disk_bytes, 12);
	ck_assert_uint_eq(q.mem_bytes, 0);
	ck_assert_uint_eq(q.next_seq, 8);
	ck_assert(!exists("0000000000000009.tmp"));
	struct fwd_item *x = q.head;
	ck_assert_str_eq(x->tag, "dg.dns.tx");
	ck_assert_uint_eq(x->seq, 3);
	char *data;
	ck_assert_int_eq(fwd_spool_read(dir, x, &data), 0);
	ck_assert_mem_eq(data, "first", 5);
	free(data);
	ck_assert_str_eq(x->next->tag, "dg.dns.record");
	ck_assert_uint_eq(x->next->count, 2);
	fwd_spool_remove(dir, 3);
	ck_assert(!exists("0000000000000003.fwd"));
	ck_assert(exists("0000000000000007.fwd"));
	fwd_queue_free(&q);
}
END_TEST

/* Flip one byte of a spool file. */
static void corrupt(const char *name, long off)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	int fd = open(p, O_RDWR);
	ck_assert_int_ge(fd, 0);
	unsigned char c;
	ck_assert_int_eq(pread(fd, &c, 1, off), 1);
	c ^= 0x40;
	ck_assert_int_eq(pwrite(fd, &c, 1, off), 1);
	close(fd);
}

START_TEST(spool_damage)
{
	char err[256];
	struct fwd_item *a = item("t", "payload-a", 1), *b = item("t", "payload-b", 1);
	ck_assert_int_eq(fwd_spool_write(dir, 1, a), 0);
	ck_assert_int_eq(fwd_spool_write(dir, 2, b), 0);
	/* a file that is not ours at all */
	char p[256];
	snprintf(p, sizeof(p), "%s/0000000000000005.fwd", dir);
	FILE *f = fopen(p, "w");
	fputs("DGFWD1\n", f);
	fclose(f);
	struct fwd_queue q;
	fwd_queue_init(&q);
	fwd_queue_push(&q, a);
	fwd_queue_push(&q, b);
	fwd_queue_free(&q);

	corrupt("0000000000000002.fwd", 30); /* in the entries: only the CRC sees it */
	fwd_queue_init(&q);
	uint64_t bad = 0;
	ck_assert_int_eq(fwd_spool_load(dir, &q, &bad, err, sizeof(err)), 0);
	ck_assert_uint_eq(bad, 1);
	ck_assert(exists("0000000000000005.bad"));
	ck_assert_uint_eq(q.items, 2);
	char *data;
	ck_assert_int_eq(fwd_spool_read(dir, q.head, &data), 0);
	free(data);
	ck_assert_int_eq(fwd_spool_read(dir, q.head->next, &data), -1);
	ck_assert(exists("0000000000000002.bad"));
	ck_assert(!exists("0000000000000002.fwd"));
	fwd_queue_free(&q);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fwd_queue");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, fifo_and_accounting);
	tcase_add_test(tc, spool_round_trip);
	tcase_add_test(tc, spool_damage);
	suite_add_tcase(s, tc);
	return check_run(s);
}
