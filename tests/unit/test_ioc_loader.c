/*
 * Unit tests for ioc_loader.c: loading at once and in the background, an
 * error that leaves the caller's set alone, requests made during a load
 * that make exactly one more load, cancelling and freeing during a load.
 *
 * A load is held in the middle, deterministically, by giving the loader a
 * FIFO as a list: its thread blocks opening it until the test opens the
 * other end, and reads until the test closes it.
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ioc_loader.h"
#include "check_run.h"

static char dir[64];
static char path[4][128];
static char err[IOC_LOAD_ERRLEN];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/dg-iocl-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (int i = 0; i < 4; i++)
		snprintf(path[i], sizeof(path[i]), "%s/list%d", dir, i);
}

static void teardown(void)
{
	for (int i = 0; i < 4; i++)
		unlink(path[i]);
	rmdir(dir);
}

static void write_file(const char *p, const char *text)
{
	FILE *fp = fopen(p, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fputs(text, fp) >= 0, 1);
	ck_assert_int_eq(fclose(fp), 0);
}

/* The writing end of a FIFO list: returns once the loader has opened it. */
static int open_fifo_writer(const char *p)
{
	int fd = open(p, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	return fd;
}

static void write_all(int fd, const char *text)
{
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
}

/* Until the running load ends; fails after 5 s. */
static void wait_ended(const struct ioc_loader *l)
{
	struct timespec nap = {0, 1000000};
	for (int i = 0; i < 5000 && !ioc_loader_ended(l); i++)
		nanosleep(&nap, NULL);
	ck_assert_msg(ioc_loader_ended(l), "the load did not end in 5 s");
}

/* Collect a load that must have succeeded; returns its set. */
static struct ioc_set *collect_ok(struct ioc_loader *l)
{
	struct ioc_set *s = NULL;
	err[0] = '\0';
	ck_assert_int_eq(ioc_loader_collect(l, &s, err, sizeof(err)), IOC_LOAD_OK);
	ck_assert_ptr_nonnull(s);
	return s;
}

START_TEST(load_at_once)
{
	write_file(path[0], "a.test\nb.test\n");
	write_file(path[1], "# more\n192.0.2.0/24\tfeed\n");
	const char *files[] = {path[0], path[1]};
	struct ioc_set *s = ioc_load(files, 2, NULL, err, sizeof(err));
	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_uint_eq(ioc_set_count(s), 3);
	ioc_set_free(s);
}
END_TEST

START_TEST(load_at_once_error_names_file_and_line)
{
	write_file(path[0], "good.test\n");
	write_file(path[1], "good.test\n\nbad..test\n");
	const char *files[] = {path[0], path[1]};
	ck_assert_ptr_null(ioc_load(files, 2, NULL, err, sizeof(err)));
	char want[256];
	snprintf(want, sizeof(want), "%s:3: empty label", path[1]);
	ck_assert_str_eq(err, want);

	const char *missing[] = {path[3]};
	ck_assert_ptr_null(ioc_load(missing, 1, NULL, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: No such file or directory", path[3]);
	ck_assert_str_eq(err, want);
}
END_TEST

/* Cancelled before a file is opened: the file is not even looked for. */
START_TEST(load_cancelled_before_a_file)
{
	atomic_bool cancel;
	atomic_init(&cancel, true);
	const char *files[] = {path[3]};
	ck_assert_ptr_null(ioc_load(files, 1, &cancel, err, sizeof(err)));
	ck_assert_str_eq(err, "loading cancelled");
}
END_TEST

START_TEST(background_load)
{
	write_file(path[0], "a.test\n*.b.test\n");
	const char *files[] = {path[0]};
	struct ioc_loader *l = ioc_loader_new(files, 1);
	ck_assert_ptr_nonnull(l);
	ck_assert(!ioc_loader_busy(l));
	struct ioc_set *none = NULL;
	ck_assert_int_eq(ioc_loader_collect(l, &none, err, sizeof(err)), IOC_LOAD_NONE);
	ck_assert(ioc_loader_request(l));
	ck_assert(ioc_loader_busy(l));
	wait_ended(l);
	struct ioc_set *s = collect_ok(l);
	ck_assert_uint_eq(ioc_set_count(s), 2);
	ck_assert(!ioc_loader_busy(l));
	ck_assert(!ioc_loader_ended(l));
	ck_assert_int_eq(ioc_loader_collect(l, &none, err, sizeof(err)), IOC_LOAD_NONE);
	ck_assert_ptr_null(none);
	ioc_set_free(s);
	ioc_loader_free(l);
}
END_TEST

/* A failed load gives one line and no set: the caller's set is untouched. */
START_TEST(background_error_keeps_old)
{
	write_file(path[0], "old.test\n");
	const char *old_files[] = {path[0]};
	struct ioc_set *in_force = ioc_load(old_files, 1, NULL, err, sizeof(err));
	ck_assert_ptr_nonnull(in_force);

	write_file(path[1], "new.test\n*.\n");
	const char *files[] = {path[1]};
	struct ioc_loader *l = ioc_loader_new(files, 1);
	ck_assert_ptr_nonnull(l);
	ck_assert(ioc_loader_request(l));
	wait_ended(l);
	struct ioc_set *s = in_force;
	ck_assert_int_eq(ioc_loader_collect(l, &s, err, sizeof(err)), IOC_LOAD_FAILED);
	ck_assert_ptr_null(s);
	char want[256];
	snprintf(want, sizeof(want), "%s:2: empty name", path[1]);
	ck_assert_str_eq(err, want);
	ck_assert(!ioc_loader_busy(l));
	ck_assert_uint_eq(ioc_set_count(in_force), 1);
	ioc_loader_free(l);
	ioc_set_free(in_force);
}
END_TEST

/*
 * Two requests during a load make one more load, started when the first
 * is collected, which reads the files anew: the newest content wins.
 */
START_TEST(requests_during_a_load_coalesce)
{
	ck_assert_int_eq(mkfifo(path[0], 0600), 0);
	const char *files[] = {path[0]};
	struct ioc_loader *l = ioc_loader_new(files, 1);
	ck_assert_ptr_nonnull(l);
	ck_assert(ioc_loader_request(l));
	int fd = open_fifo_writer(path[0]); /* the first load is reading */
	ck_assert(!ioc_loader_request(l));
	ck_assert(!ioc_loader_request(l));
	ck_assert(ioc_loader_busy(l));
	ck_assert(!ioc_loader_ended(l));
	write_all(fd, "one.test\n");
	close(fd);
	wait_ended(l);
	struct ioc_set *s = collect_ok(l);
	ck_assert_uint_eq(ioc_set_count(s), 1);
	ioc_set_free(s);

	/* the one load the two requests asked for, started by the collect */
	ck_assert(ioc_loader_busy(l));
	fd = open_fifo_writer(path[0]);
	write_all(fd, "two.test\nthree.test\n");
	close(fd);
	wait_ended(l);
	s = collect_ok(l);
	ck_assert_uint_eq(ioc_set_count(s), 2);
	ioc_set_free(s);
	ck_assert(!ioc_loader_busy(l)); /* and no third */
	ioc_loader_free(l);
}
END_TEST

/*
 * Cancelled while reading the first of two lists, the load ends after
 * that file: it never opens the second (a FIFO nobody writes, which would
 * block it for good).
 */
START_TEST(cancel_during_a_load)
{
	ck_assert_int_eq(mkfifo(path[0], 0600), 0);
	ck_assert_int_eq(mkfifo(path[1], 0600), 0);
	const char *files[] = {path[0], path[1]};
	struct ioc_loader *l = ioc_loader_new(files, 2);
	ck_assert_ptr_nonnull(l);
	ck_assert(ioc_loader_request(l));
	int fd = open_fifo_writer(path[0]);
	write_all(fd, "a.test\n");
	ioc_loader_cancel(l);
	ck_assert(!ioc_loader_request(l)); /* ignored: the loader is ending */
	close(fd);
	wait_ended(l);
	struct ioc_set *s = NULL;
	ck_assert_int_eq(ioc_loader_collect(l, &s, err, sizeof(err)), IOC_LOAD_FAILED);
	ck_assert_ptr_null(s);
	ck_assert_str_eq(err, "loading cancelled");
	ck_assert(!ioc_loader_busy(l));
	ioc_loader_free(l);
}
END_TEST

/*
 * Freed with a load running, or ended and not collected, or asked for
 * again: no set or thread is left behind (the sanitizer and valgrind
 * builds check the leaks).
 */
START_TEST(free_during_and_after_a_load)
{
	FILE *fp = fopen(path[0], "w");
	ck_assert_ptr_nonnull(fp);
	for (int i = 0; i < 50000; i++)
		fprintf(fp, "host%d.example.test\tfeed\n", i);
	ck_assert_int_eq(fclose(fp), 0);
	const char *files[] = {path[0], path[0]};

	struct ioc_loader *l = ioc_loader_new(files, 2);
	ck_assert_ptr_nonnull(l);
	ck_assert(ioc_loader_request(l));
	ioc_loader_free(l); /* most likely in the middle of the first file */

	l = ioc_loader_new(files, 2);
	ck_assert_ptr_nonnull(l);
	ck_assert(ioc_loader_request(l));
	wait_ended(l);
	ck_assert(!ioc_loader_request(l));
	ioc_loader_free(l); /* a set never collected, a load asked for */

	ioc_loader_free(NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ioc_loader");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, load_at_once);
	tcase_add_test(tc, load_at_once_error_names_file_and_line);
	tcase_add_test(tc, load_cancelled_before_a_file);
	tcase_add_test(tc, background_load);
	tcase_add_test(tc, background_error_keeps_old);
	tcase_add_test(tc, requests_during_a_load_coalesce);
	tcase_add_test(tc, cancel_during_a_load);
	tcase_add_test(tc, free_during_and_after_a_load);
	suite_add_tcase(s, tc);
	return check_run(s);
}
