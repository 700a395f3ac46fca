/*
 * Unit tests for progress.c: drawn on a terminal (a pty here) at most once
 * a second, erased at the end, never on anything that is not a terminal.
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"
#include "check_run.h"

/* Everything the slave side received so far (nonblocking read of the master). */
static size_t drain(int master, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;
	while (n < len - 1 && (r = read(master, buf + n, len - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	return n;
}

/* A pseudo-terminal: *master to read what is written to the returned FILE. */
static FILE *open_pty(int *master)
{
	*master = posix_openpt(O_RDWR | O_NOCTTY);
	ck_assert_int_ge(*master, 0);
	ck_assert_int_eq(grantpt(*master), 0);
	ck_assert_int_eq(unlockpt(*master), 0);
	FILE *tty = fopen(ptsname(*master), "w");
	ck_assert_ptr_nonnull(tty);
	fcntl(*master, F_SETFL, O_NONBLOCK);
	return tty;
}

START_TEST(on_a_terminal)
{
	int master;
	FILE *tty = open_pty(&master);

	struct progress p;
	progress_init(&p, tty, true);
	ck_assert_ptr_eq(p.fp, tty);
	char buf[1024];
	/* not before a second has passed */
	progress_update(&p, p.start_us + 500000, "big.pcap", 50, 100, 1000);
	ck_assert_uint_eq(drain(master, buf, sizeof(buf)), 0);
	progress_update(&p, p.start_us + 2000000, "big.pcap", 512 * 1024, 1024 * 1024, 3000000);
	drain(master, buf, sizeof(buf));
	ck_assert_msg(strstr(buf, "big.pcap  50.0% (0.5 of 1.0 MiB), 1500000 packets/s") != NULL,
	              "%s", buf);
	ck_assert_ptr_null(strchr(buf, '\n')); /* redrawn in place */
	/* again only a second later */
	progress_update(&p, p.start_us + 2500000, "big.pcap", 1, 2, 3);
	ck_assert_uint_eq(drain(master, buf, sizeof(buf)), 0);
	progress_end(&p);
	drain(master, buf, sizeof(buf));
	ck_assert_str_eq(buf, "\r\033[K");
	fclose(tty);
	close(master);
}
END_TEST

START_TEST(not_a_terminal)
{
	FILE *fp = tmpfile();
	ck_assert_ptr_nonnull(fp);
	struct progress p;
	progress_init(&p, fp, true);
	ck_assert_ptr_null(p.fp);
	progress_update(&p, p.start_us + 5000000, "x", 1, 2, 3);
	progress_end(&p);
	ck_assert_int_eq(ftell(fp), 0);
	fclose(fp);
}
END_TEST

/* -q, a daemon or a live capture disable it even on a terminal. */
START_TEST(disabled)
{
	int master;
	FILE *tty = open_pty(&master);
	struct progress p;
	progress_init(&p, tty, false);
	ck_assert_ptr_null(p.fp);
	fclose(tty);
	close(master);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("progress");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, on_a_terminal);
	tcase_add_test(tc, not_a_terminal);
	tcase_add_test(tc, disabled);
	suite_add_tcase(s, tc);
	return check_run(s);
}
