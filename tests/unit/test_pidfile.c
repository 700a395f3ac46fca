/*
 * Unit tests for pidfile.c: a live holder is refused, a stale file is
 * taken over, relative paths survive a chdir, symlinks are refused.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pidfile.h"

static char dir[64];
static char path[128];
static char err[512];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/dg-pid-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/dg.pid", dir);
}

static void teardown(void)
{
	unlink(path);
	char link[160];
	snprintf(link, sizeof(link), "%s/link.pid", dir);
	unlink(link);
	rmdir(dir);
}

static long read_pid(void)
{
	FILE *fp = fopen(path, "r");
	if (!fp)
		return -1;
	long pid = 0;
	if (fscanf(fp, "%ld", &pid) != 1)
		pid = 0;
	fclose(fp);
	return pid;
}

START_TEST(write_and_remove)
{
	struct pidfile *pf = pidfile_open(path, err, sizeof(err));
	ck_assert_msg(pf != NULL, "%s", err);
	ck_assert_int_eq(pidfile_write(pf, err, sizeof(err)), 0);
	ck_assert_int_eq(read_pid(), (long)getpid());
	pidfile_remove(pf);
	ck_assert_int_ne(access(path, F_OK), 0);
}
END_TEST

/* A second instance is refused while the first holds the file. */
START_TEST(live_holder_refused)
{
	struct pidfile *pf = pidfile_open(path, err, sizeof(err));
	ck_assert_ptr_nonnull(pf);
	ck_assert_int_eq(pidfile_write(pf, err, sizeof(err)), 0);
	/* flock locks belong to the open file: another open is another holder,
	 * as another process would be */
	pid_t child = fork();
	if (child == 0) {
		struct pidfile *again = pidfile_open(path, err, sizeof(err));
		char want[64];
		snprintf(want, sizeof(want), "already running as pid %ld", (long)getppid());
		_exit(again == NULL && strstr(err, want) != NULL ? 0 : 1);
	}
	int status;
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	pidfile_remove(pf);
}
END_TEST

/* A file left by a crash (nobody holds the lock) does not block a start. */
START_TEST(stale_file_taken_over)
{
	FILE *fp = fopen(path, "w");
	fputs("999999\n", fp);
	fclose(fp);
	struct pidfile *pf = pidfile_open(path, err, sizeof(err));
	ck_assert_msg(pf != NULL, "%s", err);
	ck_assert_int_eq(pidfile_write(pf, err, sizeof(err)), 0);
	ck_assert_int_eq(read_pid(), (long)getpid());
	pidfile_remove(pf);
}
END_TEST

/* The daemon changes to /: a relative name is made absolute first. */
START_TEST(relative_path)
{
	char cwd[4096];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir(dir), 0);
	struct pidfile *pf = pidfile_open("dg.pid", err, sizeof(err));
	ck_assert_int_eq(chdir("/"), 0);
	ck_assert_ptr_nonnull(pf);
	ck_assert_int_eq(pidfile_write(pf, err, sizeof(err)), 0);
	ck_assert_int_eq(read_pid(), (long)getpid());
	pidfile_remove(pf);
	ck_assert_int_ne(access(path, F_OK), 0);
	ck_assert_int_eq(chdir(cwd), 0);
}
END_TEST

START_TEST(errors)
{
	char link[160];
	snprintf(link, sizeof(link), "%s/link.pid", dir);
	ck_assert_int_eq(symlink(path, link), 0);
	ck_assert_ptr_null(pidfile_open(link, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, link));
	ck_assert_int_ne(access(path, F_OK), 0); /* the target was not created */
	ck_assert_ptr_null(pidfile_open("/nonexistent/dir/x.pid", err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "No such file"));
	pidfile_remove(NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pidfile");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, write_and_remove);
	tcase_add_test(tc, live_holder_refused);
	tcase_add_test(tc, stale_file_taken_over);
	tcase_add_test(tc, relative_path);
	tcase_add_test(tc, errors);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
