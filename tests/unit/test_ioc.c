/* Unit tests for ioc.c: list parsing, errors with line numbers, lookups. */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns_name.h"
#include "ioc.h"
#include "check_run.h"

static char err[512];

/* A set from text, which must load. */
static struct ioc_set *load(const char *text)
{
	struct ioc_set *s = ioc_set_new();
	ck_assert_ptr_nonnull(s);
	int rc = ioc_set_add_text(s, "list", text, strlen(text), err, sizeof(err));
	ck_assert_msg(rc == 0, "%s", err);
	return s;
}

/* The error of text, which must not load. */
static const char *load_error(const char *text)
{
	struct ioc_set *s = ioc_set_new();
	ck_assert_ptr_nonnull(s);
	err[0] = '\0';
	ck_assert_int_eq(ioc_set_add_text(s, "list", text, strlen(text), err, sizeof(err)), -1);
	ioc_set_free(s);
	return err;
}

/*
 * Look a name up (written as the tests' shorthand: dotted, each label
 * taken raw); returns the indicator's text and label, or "-".
 */
static const char *lookup(const struct ioc_set *s, const char *name, const char **label)
{
	static char out[IOC_TEXT_MAX];
	uint8_t w[DNS_NAME_MAXWIRE];
	size_t wlen;
	ck_assert_ptr_null(dns_name_from_text(name, strlen(name), w, &wlen));
	struct ioc_ref ref;
	if (!ioc_lookup_name(s, w, wlen, &ref))
		return "-";
	if (label)
		*label = ioc_ref_label(s, ref);
	return ioc_ref_text(s, ref, out);
}

static const char *lookup_addr(const struct ioc_set *s, const char *text)
{
	static char out[IOC_TEXT_MAX];
	struct net_addr a;
	uint8_t b[16];
	if (strchr(text, ':')) {
		ck_assert_int_eq(inet_pton(AF_INET6, text, b), 1);
		net_addr_set6(&a, b);
	} else {
		ck_assert_int_eq(inet_pton(AF_INET, text, b), 1);
		net_addr_set4(&a, b);
	}
	struct ioc_ref ref;
	if (!ioc_lookup_addr(s, &a, &ref))
		return "-";
	return ioc_ref_text(s, ref, out);
}

START_TEST(domain_matches_itself_and_below)
{
	struct ioc_set *s = load("evil.example\n");
	ck_assert_str_eq(lookup(s, "evil.example", NULL), "evil.example.");
	ck_assert_str_eq(lookup(s, "a.b.evil.example.", NULL), "evil.example.");
	ck_assert_str_eq(lookup(s, "example", NULL), "-");
	ck_assert_str_eq(lookup(s, "notevil.example", NULL), "-"); /* labels, not strings */
	ck_assert_str_eq(lookup(s, "evil.example.com", NULL), "-");
	ck_assert_uint_eq(ioc_set_count(s), 1);
	ioc_set_free(s);
}
END_TEST

START_TEST(wildcard_matches_only_below)
{
	struct ioc_set *s = load("*.dyn.example\tddns\n");
	const char *label = NULL;
	ck_assert_str_eq(lookup(s, "dyn.example", NULL), "-");
	ck_assert_str_eq(lookup(s, "host.dyn.example", &label), "*.dyn.example.");
	ck_assert_str_eq(label, "ddns");
	ck_assert_str_eq(lookup(s, "a.host.dyn.example", NULL), "*.dyn.example.");
	ioc_set_free(s);
}
END_TEST

/*
 * A look-up stops at the first suffix (from the right) below which nothing
 * is listed: deep indicators must still be reached through every level.
 */
START_TEST(deep_indicators_and_single_labels)
{
	struct ioc_set *s = load("a.b.c.d.deep.test\tdeep\n*.zip\n");
	ck_assert_str_eq(lookup(s, "a.b.c.d.deep.test", NULL), "a.b.c.d.deep.test.");
	ck_assert_str_eq(lookup(s, "x.y.A.B.c.d.DEEP.test", NULL), "a.b.c.d.deep.test.");
	ck_assert_str_eq(lookup(s, "b.c.d.deep.test", NULL), "-"); /* above it: not listed */
	ck_assert_str_eq(lookup(s, "deep.test", NULL), "-");
	ck_assert_str_eq(lookup(s, "a.b.c.x.deep.test", NULL), "-");
	ck_assert_str_eq(lookup(s, "files.zip", NULL), "*.zip."); /* one label, below only */
	ck_assert_str_eq(lookup(s, "a.b.files.zip", NULL), "*.zip.");
	ck_assert_str_eq(lookup(s, "zip", NULL), "-");
	ioc_set_free(s);
}
END_TEST

START_TEST(most_specific_wins)
{
	struct ioc_set *s = load("example\tbroad\n"
	                         "bad.example\tnarrow\n"
	                         "*.bad.example\tbelow\n");
	const char *label = NULL;
	ck_assert_str_eq(lookup(s, "x.bad.example", &label), "bad.example.");
	ck_assert_str_eq(label, "narrow");
	ck_assert_str_eq(lookup(s, "bad.example", &label), "bad.example.");
	ck_assert_str_eq(lookup(s, "good.example", &label), "example.");
	ck_assert_str_eq(label, "broad");
	ck_assert_uint_eq(ioc_set_count(s), 3);
	ioc_set_free(s);
}
END_TEST

START_TEST(case_and_escapes_are_one_name)
{
	/* the list spells it with escapes and capitals, the wire with others */
	struct ioc_set *s = load("Ex\\097mple.COM\n");
	ck_assert_str_eq(lookup(s, "www.EXAMPLE.com", NULL), "example.com.");
	ck_assert_str_eq(lookup(s, "www.e\\120ample.c\\079m", NULL), "example.com.");
	/* a dot inside a label is another name altogether */
	ck_assert_str_eq(lookup(s, "www.example\\.com", NULL), "-");
	ioc_set_free(s);
	/* binary octets in a label: only that exact octet matches */
	s = load("x\\000y.test\n");
	ck_assert_str_eq(lookup(s, "a.x\\000y.test", NULL), "x\\000y.test.");
	ck_assert_str_eq(lookup(s, "a.xy.test", NULL), "-");
	ck_assert_str_eq(lookup(s, "a.x\\032y.test", NULL), "-");
	ioc_set_free(s);
	/* only A-Z fold: a byte 0xC4 is not 0xE4 */
	s = load("\\196.test\n");
	ck_assert_str_eq(lookup(s, "\\228.test", NULL), "-");
	ck_assert_str_eq(lookup(s, "\\196.test", NULL), "\\196.test.");
	ioc_set_free(s);
}
END_TEST

START_TEST(comments_blanks_labels)
{
	struct ioc_set *s = load("# a feed\n"
	                         "\n"
	                         "   \t  \n"
	                         "  # indented comment\n"
	                         "one.test\r\n"                  /* CRLF */
	                         "two.test # trailing comment\n"
	                         "three.test\tCampaign 7 (APT-x)  \n"
	                         "four.test\t# only a comment\n"
	                         "five.test"); /* no final newline */
	const char *label = "unset";
	ck_assert_str_eq(lookup(s, "one.test", &label), "one.test.");
	ck_assert_ptr_null(label);
	ck_assert_str_eq(lookup(s, "two.test", &label), "two.test.");
	ck_assert_ptr_null(label);
	ck_assert_str_eq(lookup(s, "three.test", &label), "three.test.");
	ck_assert_str_eq(label, "Campaign 7 (APT-x)");
	ck_assert_str_eq(lookup(s, "four.test", &label), "four.test.");
	ck_assert_ptr_null(label);
	ck_assert_str_eq(lookup(s, "five.test", &label), "five.test.");
	ck_assert_uint_eq(ioc_set_count(s), 5);
	ioc_set_free(s);
}
END_TEST

START_TEST(first_label_wins_and_labels_are_shared)
{
	struct ioc_set *s = load("dup.test\tfeedA\n"
	                         "DUP.test.\tfeedB\n"
	                         "other.test\tfeedA\n");
	const char *l1 = NULL, *l2 = NULL;
	lookup(s, "dup.test", &l1);
	lookup(s, "other.test", &l2);
	ck_assert_str_eq(l1, "feedA");
	ck_assert_ptr_eq(l1, l2); /* interned */
	ck_assert_uint_eq(ioc_set_count(s), 2);
	ioc_set_free(s);
}
END_TEST

START_TEST(addresses_and_prefixes)
{
	struct ioc_set *s = load("192.0.2.1\thost\n"
	                         "198.51.100.0/24\n"
	                         "10.0.0.0/8\n"
	                         "10.1.0.0/16\n"
	                         "2001:db8::/32\n"
	                         "2001:DB8:1::5\n"
	                         "::ffff:203.0.113.9\n");
	ck_assert_str_eq(lookup_addr(s, "192.0.2.1"), "192.0.2.1");
	ck_assert_str_eq(lookup_addr(s, "192.0.2.2"), "-");
	ck_assert_str_eq(lookup_addr(s, "198.51.100.77"), "198.51.100.0/24");
	ck_assert_str_eq(lookup_addr(s, "198.51.101.1"), "-");
	ck_assert_str_eq(lookup_addr(s, "10.1.2.3"), "10.1.0.0/16"); /* longest prefix */
	ck_assert_str_eq(lookup_addr(s, "10.2.2.3"), "10.0.0.0/8");
	ck_assert_str_eq(lookup_addr(s, "2001:db8:1::5"), "2001:db8:1::5");
	ck_assert_str_eq(lookup_addr(s, "2001:db8:ffff::1"), "2001:db8::/32");
	ck_assert_str_eq(lookup_addr(s, "2001:db9::1"), "-");
	ck_assert_str_eq(lookup_addr(s, "::ffff:203.0.113.9"), "::ffff:203.0.113.9");
	/* an IPv4 indicator does not match the same bytes in IPv6 */
	ck_assert_str_eq(lookup_addr(s, "c000:201::"), "-");
	ck_assert(!ioc_set_has_names(s));
	ck_assert(ioc_set_has_addrs(s));
	ioc_set_free(s);
}
END_TEST

START_TEST(odd_prefix_lengths)
{
	struct ioc_set *s = load("203.0.113.128/25\n2001:db8:8000::/33\n0.0.0.0/0\tall\n");
	ck_assert_str_eq(lookup_addr(s, "203.0.113.200"), "203.0.113.128/25");
	ck_assert_str_eq(lookup_addr(s, "203.0.113.100"), "0.0.0.0/0");
	ck_assert_str_eq(lookup_addr(s, "2001:db8:8000::1"), "2001:db8:8000::/33");
	ck_assert_str_eq(lookup_addr(s, "2001:db8:7fff::1"), "-");
	ioc_set_free(s);
}
END_TEST

START_TEST(bad_lines_name_their_line)
{
	static const struct {
		const char *text, *err;
	} bad[] = {
		{"ok.test\nbad..test\n", "list:2: empty label"},
		{"# c\n\nbad\\999.test\n", "list:3: bad escape"},
		{"a.test\n\n\n.\n", "list:4: the root would match every name"},
		{"evil.test campaign\n", "list:1: text after the indicator"},
		{"evil.test\tlabel\tmore\n", "list:1: more than one TAB-separated label"},
		{"evil.test\tbad\x01label\n", "list:1: label is not printable ASCII"},
		{"http://evil.test/x\n", "list:1: a URL is not an indicator"},
		{"evil.test/x\n", "list:1: '/' in a domain"},
		{"192.0.2.1/24\n", "list:1: host bits set"},
		{"192.0.2.0/33\n", "list:1: prefix length too long"},
		{"192.0.2.0/\n", "list:1: bad prefix length"},
		{"192.0.2.0/2a4\n", "list:1: '/' in a domain"},
		{"1.2.3\n", "list:1: bad IPv4 address"},
		{"999.1.1.1\n", "list:1: bad IPv4 address"},
		{"2001:db8::1/129\n", "list:1: prefix length too long"},
		{"2001:db8::1/64\n", "list:1: host bits set"},
		{"2001:db8:::1\n", "list:1: bad IPv6 address"},
		{"\xc3\xa9t\xc3\xa9.fr\n", "list:1: character outside printable ASCII"},
		{"*.\n", "list:1: empty name"},
		{"a.test\nb\0c.test\n", "list:2: NUL byte in line"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* the NUL case needs its real length */
		size_t len = i == sizeof(bad) / sizeof(bad[0]) - 1 ? 16 : strlen(bad[i].text);
		struct ioc_set *s = ioc_set_new();
		ck_assert_int_eq(ioc_set_add_text(s, "list", bad[i].text, len, err, sizeof(err)), -1);
		ck_assert_msg(strncmp(err, bad[i].err, strlen(bad[i].err)) == 0, "case %zu: %s", i, err);
		ioc_set_free(s);
	}
	ck_assert_str_eq(load_error("x\n\n    \n#\ny.test\nz..test"), "list:6: empty label");
}
END_TEST

START_TEST(files)
{
	char path[] = "/tmp/test_ioc.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	static const char text[] = "# feed\nfile.test\tfromfile\n192.0.2.0/24\nbad..x\n";
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	struct ioc_set *s = ioc_set_new();
	ck_assert_int_eq(ioc_set_add_file(s, path, NULL, err, sizeof(err)), -1);
	char want[600];
	snprintf(want, sizeof(want), "%s:4: empty label", path);
	ck_assert_str_eq(err, want);
	ioc_set_free(s);

	/* without the bad line it loads; the lines before were there too */
	ck_assert_int_eq(truncate(path, (off_t)(sizeof(text) - 1 - strlen("bad..x\n"))), 0);
	s = ioc_set_new();
	ck_assert_int_eq(ioc_set_add_file(s, path, NULL, err, sizeof(err)), 0);
	const char *label = NULL;
	ck_assert_str_eq(lookup(s, "a.file.test", &label), "file.test.");
	ck_assert_str_eq(label, "fromfile");
	ck_assert_str_eq(lookup_addr(s, "192.0.2.99"), "192.0.2.0/24");
	ioc_set_free(s);
	unlink(path);

	s = ioc_set_new();
	ck_assert_int_eq(ioc_set_add_file(s, "/nonexistent/ioc.txt", NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "/nonexistent/ioc.txt: No such file or directory");
	ioc_set_free(s);
}
END_TEST

/* A byte order mark before the first line (Windows tools) is no indicator's part. */
START_TEST(byte_order_mark)
{
	struct ioc_set *s = load("\xEF\xBB\xBF" "bom.test\r\nnext.test\r\n");
	ck_assert_str_eq(lookup(s, "bom.test", NULL), "bom.test.");
	ck_assert_str_eq(lookup(s, "next.test", NULL), "next.test.");
	ioc_set_free(s);

	char path[] = "/tmp/test_ioc.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	static const char text[] = "\xEF\xBB\xBF" "# feed\nfile.test\n\xEF\xBB\xBFlater.test\n";
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	s = ioc_set_new();
	/* only before the first line: elsewhere it is a bad character */
	ck_assert_int_eq(ioc_set_add_file(s, path, NULL, err, sizeof(err)), -1);
	char want[600];
	snprintf(want, sizeof(want), "%s:3: character outside printable ASCII (write IDNs as xn--)",
	         path);
	ck_assert_str_eq(err, want);
	ck_assert_str_eq(lookup(s, "file.test", NULL), "file.test.");
	ioc_set_free(s);
	unlink(path);
}
END_TEST

/* A load on a thread can be given up in the middle of a large file. */
START_TEST(cancel_inside_a_file)
{
	char path[] = "/tmp/test_ioc.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *fp = fdopen(fd, "w");
	ck_assert_ptr_nonnull(fp);
	for (int i = 0; i < 10000; i++)
		fprintf(fp, "n%d.cancel.test\n", i);
	ck_assert_int_eq(fclose(fp), 0);
	atomic_bool cancel;
	atomic_init(&cancel, true);
	struct ioc_set *s = ioc_set_new();
	ck_assert_int_eq(ioc_set_add_file(s, path, &cancel, err, sizeof(err)), -1);
	char want[600];
	snprintf(want, sizeof(want), "%s:4096: loading cancelled", path);
	ck_assert_str_eq(err, want);
	ck_assert_uint_eq(ioc_set_count(s), 4095);
	ioc_set_free(s);
	atomic_store(&cancel, false);
	s = ioc_set_new();
	ck_assert_int_eq(ioc_set_add_file(s, path, &cancel, err, sizeof(err)), 0);
	ck_assert_uint_eq(ioc_set_count(s), 10000);
	ioc_set_free(s);
	unlink(path);
}
END_TEST

/* Add n names nI.grow.test and n prefixes 10.X.Y.0/24 to s. */
static void add_many(struct ioc_set *s, int n)
{
	char line[64];
	for (int i = 0; i < n; i++) {
		int k = snprintf(line, sizeof(line), "n%d.grow.test\n10.%d.%d.0/24\n", i, i / 256,
		                 i % 256);
		ck_assert_int_eq(ioc_set_add_text(s, "gen", line, (size_t)k, err, sizeof(err)), 0);
	}
}

START_TEST(many_indicators)
{
	/* enough to grow the table several times; every one stays findable */
	struct ioc_set *s = ioc_set_new();
	add_many(s, 20000);
	ck_assert_uint_eq(ioc_set_count(s), 40000);
	for (int i = 0; i < 20000; i += 997) {
		char name[64], want[64];
		snprintf(name, sizeof(name), "x.n%d.grow.test", i);
		snprintf(want, sizeof(want), "n%d.grow.test.", i);
		ck_assert_str_eq(lookup(s, name, NULL), want);
		snprintf(name, sizeof(name), "10.%d.%d.7", i / 256, i % 256);
		snprintf(want, sizeof(want), "10.%d.%d.0/24", i / 256, i % 256);
		ck_assert_str_eq(lookup_addr(s, name), want);
	}
	ck_assert_str_eq(lookup(s, "n20000.grow.test", NULL), "-");
	ioc_set_free(s);
}
END_TEST

/* Prefetch for the name in a heap copy of w[0..n): valgrind and ASan see any read past it. */
static void prefetch_copy(const struct ioc_set *s, const uint8_t *w, size_t n, size_t pos)
{
	uint8_t *copy = malloc(n);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, w, n);
	ioc_prefetch_name_at(s, copy, n, pos);
	free(copy);
}

START_TEST(malformed_wire_names_do_not_match)
{
	struct ioc_set *s = load("a.test\n");
	struct ioc_ref ref;
	static const uint8_t no_root[] = {1, 'a', 4, 't', 'e', 's', 't'};
	static const uint8_t overrun[] = {1, 'a', 9, 't', 'e', 's', 't', 0};
	static const uint8_t trailing[] = {1, 'a', 4, 't', 'e', 's', 't', 0, 0};
	ck_assert(!ioc_lookup_name(s, no_root, sizeof(no_root), &ref));
	ck_assert(!ioc_lookup_name(s, overrun, sizeof(overrun), &ref));
	ck_assert(!ioc_lookup_name(s, trailing, sizeof(trailing), &ref));
	ck_assert(!ioc_lookup_name(s, trailing, 0, &ref));
	/* nor does prefetching them read past their end (the ASan build checks),
	 * nor one of a single label, one ending in a pointer or a reserved type;
	 * in a set large enough to prefetch for */
	add_many(s, 20000);
	ck_assert(ioc_set_prefetches(s));
	static const uint8_t one[] = {4, 't', 'e', 's', 't', 0};
	static const uint8_t ptr[] = {1, 'a', 0xC0, 0};
	static const uint8_t reserved[] = {1, 'a', 0x41, 't'};
	prefetch_copy(s, no_root, sizeof(no_root), 0);
	prefetch_copy(s, overrun, sizeof(overrun), 0);
	prefetch_copy(s, one, sizeof(one), 0);
	prefetch_copy(s, ptr, sizeof(ptr), 0);
	prefetch_copy(s, reserved, sizeof(reserved), 0);
	prefetch_copy(s, trailing, sizeof(trailing), sizeof(trailing));
	prefetch_copy(s, trailing, sizeof(trailing) - 1, 0);
	ck_assert(ioc_lookup_name(s, trailing, sizeof(trailing) - 1, &ref));
	ioc_set_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ioc");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, domain_matches_itself_and_below);
	tcase_add_test(tc, wildcard_matches_only_below);
	tcase_add_test(tc, most_specific_wins);
	tcase_add_test(tc, case_and_escapes_are_one_name);
	tcase_add_test(tc, comments_blanks_labels);
	tcase_add_test(tc, deep_indicators_and_single_labels);
	tcase_add_test(tc, byte_order_mark);
	tcase_add_test(tc, cancel_inside_a_file);
	tcase_add_test(tc, first_label_wins_and_labels_are_shared);
	tcase_add_test(tc, addresses_and_prefixes);
	tcase_add_test(tc, odd_prefix_lengths);
	tcase_add_test(tc, bad_lines_name_their_line);
	tcase_add_test(tc, files);
	tcase_add_test(tc, many_indicators);
	tcase_add_test(tc, malformed_wire_names_do_not_match);
	suite_add_tcase(s, tc);
	return check_run(s);
}
