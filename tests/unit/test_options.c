/*
 * Unit tests for options.c: the command line of DESIGN.md section 2, its
 * errors, and the default BPF filter (compiled with libpcap and run on
 * hand-built frames).
 */
#include "config.h"

#include <check.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "check_run.h"

#define MAX_ARGS 160

static struct options o;
static char err[256];

/* Parse a NULL-terminated list of arguments (after the program name). */
static enum options_result parse_argv(char **args)
{
	static char *argv[MAX_ARGS + 2];
	int argc = 0;
	argv[argc++] = (char *)"dns-gazer";
	for (int i = 0; args[i]; i++) {
		ck_assert_int_lt(argc, MAX_ARGS);
		argv[argc++] = args[i];
	}
	argv[argc] = NULL;
	options_free(&o);
	options_defaults(&o);
	err[0] = '\0';
	return options_parse(&o, argc, argv, err, sizeof(err));
}

#define PARSE(...) parse_argv((char *[]){__VA_ARGS__, NULL})

/* An error whose message mentions what. */
static void assert_error(enum options_result r, const char *what)
{
	ck_assert_int_eq(r, OPTIONS_ERROR);
	ck_assert_msg(err[0] != '\0', "no message");
	ck_assert_ptr_null(strchr(err, '\n')); /* one line */
	if (what)
		ck_assert_msg(strstr(err, what) != NULL, "\"%s\" does not mention %s", err, what);
}

START_TEST(defaults)
{
	options_defaults(&o);
	ck_assert_uint_eq(o.nfiles, 0);
	ck_assert_ptr_null(o.iface);
	ck_assert_ptr_null(o.filter);
	ck_assert_uint_eq(o.nports, 1);
	ck_assert_uint_eq(o.ports[0], 53);
	ck_assert_ptr_null(o.text_path);
	ck_assert_ptr_null(o.msgpack_path);
	ck_assert(!o.records);
	ck_assert(!o.quiet);
	ck_assert_uint_eq(o.timeout_sec, 60); /* as the original */
	ck_assert_uint_gt(o.max_pending, 0);
	ck_assert_str_eq(o.tag_prefix, "dns-gazer");
	ck_assert(!o.no_promisc);

	/* a minimal command line keeps them */
	ck_assert_int_eq(PARSE("-r", "x.pcap"), OPTIONS_RUN);
	ck_assert_uint_eq(o.timeout_sec, 60);
	ck_assert_uint_eq(o.nports, 1);
	ck_assert_uint_eq(o.ports[0], 53);
	ck_assert_str_eq(o.tag_prefix, "dns-gazer");
	ck_assert_int_eq(o.snaplen, 262144); /* libpcap's default: no offloaded segment cut */
}
END_TEST

START_TEST(short_options)
{
	ck_assert_int_eq(PARSE("-r", "a.pcap", "-F", "udp", "-t", "out.txt", "-o", "out.mp", "-R",
	                       "-q"),
	                 OPTIONS_RUN);
	ck_assert_uint_eq(o.nfiles, 1);
	ck_assert_str_eq(o.files[0], "a.pcap");
	ck_assert_str_eq(o.filter, "udp");
	ck_assert_str_eq(o.text_path, "out.txt");
	ck_assert_str_eq(o.msgpack_path, "out.mp");
	ck_assert(o.records);
	ck_assert(o.quiet);

	ck_assert_int_eq(PARSE("-i", "eth0"), OPTIONS_RUN);
	ck_assert_str_eq(o.iface, "eth0");
	ck_assert_uint_eq(o.nfiles, 0);

	/* attached values and grouped flags */
	ck_assert_int_eq(PARSE("-rfile.pcap", "-Rq"), OPTIONS_RUN);
	ck_assert_str_eq(o.files[0], "file.pcap");
	ck_assert(o.records && o.quiet);
}
END_TEST

START_TEST(long_options)
{
	ck_assert_int_eq(PARSE("--read", "a.pcap", "--filter", "port 5353", "--text", "-",
	                       "--msgpack", "m.out", "--records", "--quiet", "--timeout", "5",
	                       "--max-pending", "10", "--tag-prefix", "sensor1", "--ports",
	                       "53,5353"),
	                 OPTIONS_RUN);
	ck_assert_str_eq(o.files[0], "a.pcap");
	ck_assert_str_eq(o.filter, "port 5353");
	ck_assert_str_eq(o.text_path, "-");
	ck_assert_str_eq(o.msgpack_path, "m.out");
	ck_assert(o.records);
	ck_assert(o.quiet);
	ck_assert_uint_eq(o.timeout_sec, 5);
	ck_assert_uint_eq(o.max_pending, 10);
	ck_assert_str_eq(o.tag_prefix, "sensor1");
	ck_assert_uint_eq(o.nports, 2);

	ck_assert_int_eq(PARSE("--interface", "any", "--snaplen", "1500", "--buffer-size",
	                       "1048576", "--no-promisc"),
	                 OPTIONS_RUN);
	ck_assert_str_eq(o.iface, "any");
	ck_assert_int_eq(o.snaplen, 1500);
	ck_assert_int_eq(o.buffer_size, 1048576);
	ck_assert(o.no_promisc);

	/* --name=value */
	ck_assert_int_eq(PARSE("--read=b.pcap", "--timeout=7"), OPTIONS_RUN);
	ck_assert_str_eq(o.files[0], "b.pcap");
	ck_assert_uint_eq(o.timeout_sec, 7);
}
END_TEST

START_TEST(help_and_version)
{
	ck_assert_int_eq(PARSE("-h"), OPTIONS_HELP);
	ck_assert_int_eq(PARSE("--help"), OPTIONS_HELP);
	ck_assert_int_eq(PARSE("-v"), OPTIONS_VERSION);
	ck_assert_int_eq(PARSE("--version"), OPTIONS_VERSION);
	/* without an input: -h and -v need none */
	ck_assert_int_eq(PARSE("-q", "-h"), OPTIONS_HELP);
	const char *u = options_usage();
	ck_assert_ptr_nonnull(u);
	static const char *const documented[] = {"--read", "--interface", "--msgpack", "--text",
	                                         "--records", "--version", "--help", "--filter",
	                                         "--ports", "--timeout", "--max-pending",
	                                         "--tag-prefix", "--quiet"};
	for (size_t i = 0; i < sizeof(documented) / sizeof(documented[0]); i++)
		ck_assert_msg(strstr(u, documented[i]) != NULL, "usage lacks %s", documented[i]);
}
END_TEST

START_TEST(repeated_read_order)
{
	ck_assert_int_eq(PARSE("-r", "1.pcap", "--read", "2.pcapng", "-r", "3.pcap", "-r3b",
	                       "--read=4.pcap"),
	                 OPTIONS_RUN);
	ck_assert_uint_eq(o.nfiles, 5);
	ck_assert_str_eq(o.files[0], "1.pcap");
	ck_assert_str_eq(o.files[1], "2.pcapng");
	ck_assert_str_eq(o.files[2], "3.pcap");
	ck_assert_str_eq(o.files[3], "3b");
	ck_assert_str_eq(o.files[4], "4.pcap");

	ck_assert_int_eq(PARSE("-r", "-"), OPTIONS_RUN);
	ck_assert_str_eq(o.files[0], "-");
	assert_error(PARSE("-r", "-", "-r", "-"), NULL); /* stdin read once */
}
END_TEST

START_TEST(too_many_files)
{
	char *argv[2 * (OPT_MAX_FILES + 1) + 2];
	int n = 0;
	argv[n++] = (char *)"dns-gazer";
	for (int i = 0; i <= OPT_MAX_FILES; i++) {
		argv[n++] = (char *)"-r";
		argv[n++] = (char *)"f.pcap";
	}
	argv[n] = NULL;
	options_defaults(&o);
	assert_error(options_parse(&o, n, argv, err, sizeof(err)), NULL);
	/* exactly the maximum is fine */
	options_defaults(&o);
	ck_assert_int_eq(options_parse(&o, n - 2, argv, err, sizeof(err)), OPTIONS_RUN);
	ck_assert_uint_eq(o.nfiles, OPT_MAX_FILES);
}
END_TEST

START_TEST(ports_list)
{
	ck_assert_int_eq(PARSE("-r", "f", "--ports", "53,5353,5355"), OPTIONS_RUN);
	ck_assert_uint_eq(o.nports, 3);
	ck_assert_uint_eq(o.ports[0], 53);
	ck_assert_uint_eq(o.ports[1], 5353);
	ck_assert_uint_eq(o.ports[2], 5355);

	ck_assert_int_eq(PARSE("-r", "f", "--ports", "1,65535"), OPTIONS_RUN);
	ck_assert_uint_eq(o.nports, 2);
	ck_assert_uint_eq(o.ports[0], 1);
	ck_assert_uint_eq(o.ports[1], 65535);

	/* the last --ports wins, it does not add to the default */
	ck_assert_int_eq(PARSE("-r", "f", "--ports", "5353"), OPTIONS_RUN);
	ck_assert_uint_eq(o.nports, 1);
	ck_assert_uint_eq(o.ports[0], 5353);
}
END_TEST

START_TEST(ports_bad)
{
	static const char *const bad[] = {"0", "65536", "-1", "abc", "", ",", "53,abc", "53,0",
	                                  "53;5353", "53 ", " 53", "5x", "99999999999999999999",
	                                  "53,65536", "0x35"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum options_result r = PARSE("-r", "f", "--ports", (char *)bad[i]);
		ck_assert_msg(r == OPTIONS_ERROR, "--ports \"%s\" accepted", bad[i]);
		assert_error(r, "--ports");
	}
	/* more ports than the table holds */
	char many[512] = "";
	for (int i = 0; i <= OPT_MAX_PORTS; i++) {
		char p[16];
		snprintf(p, sizeof(p), "%s%d", i ? "," : "", 1000 + i);
		strcat(many, p);
	}
	assert_error(PARSE("-r", "f", "--ports", many), "--ports");
	/* exactly the maximum is fine */
	char *last = strrchr(many, ',');
	*last = '\0';
	ck_assert_int_eq(PARSE("-r", "f", "--ports", many), OPTIONS_RUN);
	ck_assert_uint_eq(o.nports, OPT_MAX_PORTS);
	ck_assert_uint_eq(o.ports[OPT_MAX_PORTS - 1], 1000 + OPT_MAX_PORTS - 1);
}
END_TEST

START_TEST(bad_numbers)
{
	static const char *const bad[] = {"0", "-5", "abc", "", "10x", "1.5", " 5", "+5",
	                                  "99999999999999999999999"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum options_result r = PARSE("-r", "f", "--timeout", (char *)bad[i]);
		ck_assert_msg(r == OPTIONS_ERROR, "--timeout \"%s\" accepted", bad[i]);
		assert_error(r, "--timeout");
		r = PARSE("-r", "f", "--max-pending", (char *)bad[i]);
		ck_assert_msg(r == OPTIONS_ERROR, "--max-pending \"%s\" accepted", bad[i]);
		assert_error(r, "--max-pending");
	}
	/* the value is named too */
	assert_error(PARSE("-r", "f", "--timeout", "soon"), "soon");
	ck_assert_int_eq(PARSE("-r", "f", "--timeout", "1"), OPTIONS_RUN);
	ck_assert_uint_eq(o.timeout_sec, 1);
	ck_assert_int_eq(PARSE("-r", "f", "--max-pending", "1"), OPTIONS_RUN);
	ck_assert_uint_eq(o.max_pending, 1);
}
END_TEST

START_TEST(unknown_option)
{
	assert_error(PARSE("-r", "f", "--bogus"), "--bogus");
	assert_error(PARSE("-r", "f", "-Z"), "-Z");
	assert_error(PARSE("-Z", "-r", "f"), "-Z");
	assert_error(PARSE("--bogus=1", "-r", "f"), "--bogus");
	/* a stray argument */
	assert_error(PARSE("-r", "f", "extra"), "extra");
}
END_TEST

START_TEST(missing_value)
{
	assert_error(PARSE("-r"), "-r");
	assert_error(PARSE("-r", "f", "-t"), "-t");
	assert_error(PARSE("-r", "f", "--timeout"), "--timeout");
	assert_error(PARSE("-r", "f", "--ports"), "--ports");
	assert_error(PARSE("-i"), "-i");
}
END_TEST

START_TEST(input_combinations)
{
	assert_error(PARSE("-r", "f", "-i", "eth0"), NULL);
	assert_error(PARSE("-i", "eth0", "-r", "f"), NULL);
	assert_error(PARSE("-q"), "input");
	assert_error(parse_argv((char *[]){NULL}), NULL);
	/* -t - and -o - would interleave on stdout */
	assert_error(PARSE("-r", "f", "-t", "-", "-o", "-"), NULL);
	ck_assert_int_eq(PARSE("-r", "f", "-t", "-", "-o", "x.mp"), OPTIONS_RUN);
	ck_assert_int_eq(PARSE("-r", "f", "-t", "x.txt", "-o", "-"), OPTIONS_RUN);
}
END_TEST

/*
 * options_parse() can be called more than once in a process (tests, a
 * configuration reload): leftovers of an earlier call must not leak in,
 * e.g. the rest of a flag group after -h or -v stopped the scan.
 */
START_TEST(parse_twice)
{
	ck_assert_int_eq(PARSE("-hR"), OPTIONS_HELP);
	ck_assert_int_eq(PARSE("-r", "f"), OPTIONS_RUN);
	ck_assert(!o.records);
	ck_assert_uint_eq(o.nfiles, 1);

	ck_assert_int_eq(PARSE("-vqR"), OPTIONS_VERSION);
	ck_assert_int_eq(PARSE("-r", "g", "-t", "-"), OPTIONS_RUN);
	ck_assert(!o.quiet);
	ck_assert(!o.records);
	ck_assert_str_eq(o.files[0], "g");
}
END_TEST

/* ------------------------------------------------------------ config file */

static char conf_path[64];

/* Write text to a fresh config file and return its path. */
static char *write_conf(const char *text, size_t len)
{
	snprintf(conf_path, sizeof(conf_path), "/tmp/dg-conf-XXXXXX");
	int fd = mkstemp(conf_path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	return conf_path;
}

#define CONF(text) write_conf(text, sizeof(text) - 1)

START_TEST(config_values)
{
	char *path = CONF("# sensor settings\n"
	                  "\n"
	                  "   interface eth0\n"
	                  "records\n"
	                  "timeout\t30  \r\n"
	                  "filter udp port 53 or tcp port 53\n"
	                  "user dns-gazer:adm\n"
	                  "daemon\n"
	                  "text /var/log/dns-gazer/tx.txt\n"
	                  "pid-file /run/dns-gazer.pid\n"
	                  "stats-interval 300"); /* no final newline */
	ck_assert_int_eq(PARSE("-c", path), OPTIONS_RUN);
	ck_assert_str_eq(o.iface, "eth0");
	ck_assert(o.records);
	ck_assert_uint_eq(o.timeout_sec, 30);
	ck_assert_str_eq(o.filter, "udp port 53 or tcp port 53");
	ck_assert_str_eq(o.user, "dns-gazer");
	ck_assert_str_eq(o.group, "adm");
	ck_assert(o.daemon);
	ck_assert_str_eq(o.pid_file, "/run/dns-gazer.pid");
	ck_assert_uint_eq(o.stats_interval_sec, 300);
	unlink(path);
}
END_TEST

START_TEST(log_dir_options)
{
	ck_assert_int_eq(PARSE("-r", "x.pcap", "-w", "/var/log/dns-gazer"), OPTIONS_RUN);
	ck_assert_str_eq(o.log_dir, "/var/log/dns-gazer");
	ck_assert(!o.log_json);
	ck_assert_uint_eq(o.rotate_interval, 0);
	ck_assert_uint_eq(o.rotate_size, 0);
	ck_assert_ptr_null(o.rotate_command);
	ck_assert_int_eq(PARSE("-r", "x.pcap", "--log-dir", "d", "--log-format", "json",
	                       "--rotate-interval", "3600", "--rotate-size", "100M",
	                       "--rotate-command", "gzip \"$1\""),
	                 OPTIONS_RUN);
	ck_assert_str_eq(o.log_dir, "d");
	ck_assert(o.log_json);
	ck_assert_uint_eq(o.rotate_interval, 3600);
	ck_assert_uint_eq(o.rotate_size, UINT64_C(100) << 20);
	ck_assert_str_eq(o.rotate_command, "gzip \"$1\"");
	ck_assert_int_eq(PARSE("-r", "x", "-w", "d", "--log-format", "zeek", "--rotate-size", "4k"),
	                 OPTIONS_RUN);
	ck_assert(!o.log_json);
	ck_assert_uint_eq(o.rotate_size, 4096);
	ck_assert_int_eq(PARSE("-r", "x", "-w", "d", "--rotate-size", "1G"), OPTIONS_RUN);
	ck_assert_uint_eq(o.rotate_size, UINT64_C(1) << 30);
	ck_assert_int_eq(PARSE("-r", "x", "-w", "d", "--rotate-size", "12345"), OPTIONS_RUN);
	ck_assert_uint_eq(o.rotate_size, 12345);

	assert_error(PARSE("-r", "x", "-w", "d", "--log-format", "csv"), "log-format");
	/* 0 is never, as in the packaged config file's comments */
	ck_assert_int_eq(PARSE("-r", "x", "-w", "d", "--rotate-interval", "0", "--rotate-size", "0"),
	                 OPTIONS_RUN);
	ck_assert_uint_eq(o.rotate_interval, 0);
	ck_assert_uint_eq(o.rotate_size, 0);
	assert_error(PARSE("-r", "x", "-w", "d", "--rotate-interval", "31622401"), "rotate-interval");
	assert_error(PARSE("-r", "x", "-w", "d", "--rotate-interval", "1h"), "rotate-interval");
	assert_error(PARSE("-r", "x", "-w", "d", "--rotate-size", "10T"), "rotate-size");
	assert_error(PARSE("-r", "x", "-w", "d", "--rotate-size", "k"), "rotate-size");
	assert_error(PARSE("-r", "x", "-w", "d", "--rotate-size", "-5"), "rotate-size");
	assert_error(PARSE("-r", "x", "-w", "d", "--rotate-command", ""), "rotate-command");
	assert_error(PARSE("-r", "x", "--rotate-size", "1M"), "-w");
	assert_error(PARSE("-r", "x", "--log-format", "json"), "-w");
	assert_error(PARSE("-r", "x", "-w"), "-w");
}
END_TEST

START_TEST(log_dir_config)
{
	char *path = CONF("interface eth0\n"
	                  "daemon\n"
	                  "log-dir /var/log/dns-gazer\n"
	                  "log-format json\n"
	                  "rotate-interval 3600\n"
	                  "rotate-size 1G\n"
	                  "rotate-command gzip -9 \"$1\"\n");
	/* a daemon writing only log files does not write stdout */
	ck_assert_int_eq(PARSE("-c", path), OPTIONS_RUN);
	ck_assert_str_eq(o.log_dir, "/var/log/dns-gazer");
	ck_assert(o.log_json);
	ck_assert_uint_eq(o.rotate_interval, 3600);
	ck_assert_uint_eq(o.rotate_size, UINT64_C(1) << 30);
	ck_assert_str_eq(o.rotate_command, "gzip -9 \"$1\"");
	ck_assert(!options_writes_stdout(&o));
	unlink(path);
	ck_assert_int_eq(PARSE("-r", "x", "-w", "d", "-t", "-"), OPTIONS_RUN);
	ck_assert(options_writes_stdout(&o));
}
END_TEST

START_TEST(config_command_line_wins)
{
	char *path = CONF("timeout 30\nread a.pcap\nread b.pcap\ntag-prefix site\n");
	ck_assert_int_eq(PARSE("--timeout", "10", "--config", path, "-r", "c.pcap"), OPTIONS_RUN);
	ck_assert_uint_eq(o.timeout_sec, 10);
	ck_assert_uint_eq(o.nfiles, 1); /* the command line's list replaces the file's */
	ck_assert_str_eq(o.files[0], "c.pcap");
	ck_assert_str_eq(o.tag_prefix, "site");

	ck_assert_int_eq(PARSE("-c", path), OPTIONS_RUN);
	ck_assert_uint_eq(o.nfiles, 2);
	ck_assert_str_eq(o.files[1], "b.pcap");
	unlink(path);

	/* the packaged config names an interface; -r on the command line reads a file */
	path = CONF("interface eth0\n");
	ck_assert_int_eq(PARSE("-c", path, "-r", "x.pcap"), OPTIONS_RUN);
	ck_assert_ptr_null(o.iface);
	ck_assert_uint_eq(o.nfiles, 1);
	unlink(path);
	path = CONF("read x.pcap\n");
	ck_assert_int_eq(PARSE("-c", path, "-i", "lo"), OPTIONS_RUN);
	ck_assert_str_eq(o.iface, "lo");
	ck_assert_uint_eq(o.nfiles, 0);
	unlink(path);
}
END_TEST

/* Each bad file gives "FILE:LINE: problem" naming the line. */
static void assert_conf_error(const char *text, size_t len, const char *where, const char *what)
{
	char *path = write_conf(text, len);
	enum options_result r = PARSE("-c", path, "-r", "x");
	unlink(path);
	assert_error(r, what);
	char want[128];
	snprintf(want, sizeof(want), "%s:%s: ", path, where);
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "\"%s\" does not start with %s", err,
	              want);
}

#define CONF_ERROR(text, where, what) assert_conf_error(text, sizeof(text) - 1, where, what)

START_TEST(config_errors)
{
	CONF_ERROR("records\n\nbogus 1\n", "3", "bogus");
	CONF_ERROR("records yes\n", "1", "takes no value");
	CONF_ERROR("# x\ntimeout\n", "2", "needs a value");
	CONF_ERROR("timeout abc\n", "1", "timeout");
	CONF_ERROR("config /etc/other.conf\n", "1", "config");
	CONF_ERROR("help\n", "1", "help");
	CONF_ERROR("-r x\n", "1", "-r");
	CONF_ERROR("user a:b:c\n", "1", "USER");
	CONF_ERROR("interface e\0th0\n", "1", "NUL");
	char big[5000];
	memset(big, 'a', sizeof(big));
	memcpy(big, "filter ", 7);
	assert_conf_error(big, sizeof(big), "1", "longer");

	assert_error(PARSE("-c", "/nonexistent/dns-gazer.conf"), "/nonexistent/dns-gazer.conf");
	ck_assert_ptr_nonnull(strstr(err, "No such file"));
	assert_error(PARSE("-r", "x", "-c"), "-c");
}
END_TEST

START_TEST(user_and_interval)
{
	ck_assert_int_eq(PARSE("-r", "x", "-u", "nobody"), OPTIONS_RUN);
	ck_assert_str_eq(o.user, "nobody");
	ck_assert_str_eq(o.group, "");
	ck_assert_int_eq(PARSE("-r", "x", "--user", "nobody:nogroup"), OPTIONS_RUN);
	ck_assert_str_eq(o.group, "nogroup");
	assert_error(PARSE("-r", "x", "-u", ""), "for -u");
	assert_error(PARSE("-r", "x", "--user", ":g"), "for --user");
	assert_error(PARSE("-r", "x", "-u", "u:"), "USER:GROUP");
	ck_assert_int_eq(PARSE("-r", "x", "--stats-interval", "0"), OPTIONS_RUN);
	ck_assert_uint_eq(o.stats_interval_sec, 0);
	assert_error(PARSE("-r", "x", "--stats-interval", "-1"), "--stats-interval");
	assert_error(PARSE("-r", "x", "--stats-interval", "86401"), "--stats-interval");
	assert_error(PARSE("-r", "x", "-d"), "stdout");
	assert_error(PARSE("-r", "x", "-d", "-t", "f", "-o", "-"), "stdout");
	assert_error(PARSE("-r", "-", "-d", "-t", "f"), "stdin");
	ck_assert_int_eq(PARSE("-r", "x", "-d", "-p", "/run/x.pid", "-o", "f"), OPTIONS_RUN);
	ck_assert(o.daemon);
	ck_assert_str_eq(o.pid_file, "/run/x.pid");
}
END_TEST

/* ------------------------------------------------------------ default filter */

/* Ethernet + optional VLAN tags + IPv4 + UDP to dport, as a frame. */
static size_t build_frame(uint8_t *f, int tags, unsigned sport, unsigned dport, unsigned proto)
{
	size_t n = 0;
	memset(f, 0, 128);
	n = 12;
	for (int i = 0; i < tags; i++) {
		f[n++] = i == 0 && tags == 2 ? 0x88 : 0x81;
		f[n++] = i == 0 && tags == 2 ? 0xA8 : 0x00;
		f[n++] = 0x00;
		f[n++] = (uint8_t)(10 + i);
	}
	f[n++] = 0x08;
	f[n++] = 0x00;
	size_t ip = n;
	f[n++] = 0x45;
	f[n++] = 0;
	f[n++] = 0;
	f[n++] = 20 + 8 + 4;
	n += 4;
	f[n++] = 64;
	f[n++] = (uint8_t)proto;
	n += 2;
	memcpy(f + n, "\xc0\x00\x02\x01\xc0\x00\x02\x35", 8);
	n += 8;
	ck_assert_uint_eq(n - ip, 20);
	f[n++] = (uint8_t)(sport >> 8);
	f[n++] = (uint8_t)sport;
	f[n++] = (uint8_t)(dport >> 8);
	f[n++] = (uint8_t)dport;
	f[n++] = 0;
	f[n++] = 12;
	n += 2;
	n += 4; /* payload */
	return n;
}

/* Compile expr for linktype and run it on frame f. */
static bool filter_matches(const char *expr, int linktype, const uint8_t *f, size_t n)
{
	pcap_t *p = pcap_open_dead(linktype, 65535);
	ck_assert_ptr_nonnull(p);
	struct bpf_program prog;
	ck_assert_msg(pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) == 0,
	              "filter \"%s\": %s", expr, pcap_geterr(p));
	struct pcap_pkthdr h;
	memset(&h, 0, sizeof(h));
	h.caplen = h.len = (bpf_u_int32)n;
	bool m = pcap_offline_filter(&prog, &h, f) != 0;
	pcap_freecode(&prog);
	pcap_close(p);
	return m;
}

START_TEST(default_filter_ethernet)
{
	char buf[4096];
	ck_assert_int_eq(PARSE("-r", "f", "--ports", "53,5353"), OPTIONS_RUN);
	ck_assert_int_eq(options_default_filter(&o, DLT_EN10MB, buf, sizeof(buf)), 0);
	uint8_t f[128];
	for (int tags = 0; tags <= 2; tags++) {
		size_t n = build_frame(f, tags, 40000, 53, 17);
		ck_assert_msg(filter_matches(buf, DLT_EN10MB, f, n), "%d tags, dport 53: %s", tags, buf);
		n = build_frame(f, tags, 5353, 40000, 17);
		ck_assert_msg(filter_matches(buf, DLT_EN10MB, f, n), "%d tags, sport 5353", tags);
		n = build_frame(f, tags, 40000, 80, 17);
		ck_assert_msg(!filter_matches(buf, DLT_EN10MB, f, n), "%d tags, port 80", tags);
		n = build_frame(f, tags, 40000, 5355, 17);
		ck_assert_msg(!filter_matches(buf, DLT_EN10MB, f, n), "%d tags, port 5355", tags);
	}
	/* TCP on a DNS port is captured too (port, not udp port) */
	size_t n = build_frame(f, 0, 40000, 53, 6);
	ck_assert(filter_matches(buf, DLT_EN10MB, f, n));
}
END_TEST

START_TEST(default_filter_other_links)
{
	char buf[4096];
	ck_assert_int_eq(PARSE("-r", "f", "--ports", "53,5353"), OPTIONS_RUN);
	ck_assert_int_eq(options_default_filter(&o, DLT_RAW, buf, sizeof(buf)), 0);
	/* no VLAN branches off Ethernet */
	ck_assert_ptr_null(strstr(buf, "vlan"));
	uint8_t f[128];
	size_t n = build_frame(f, 0, 40000, 5353, 17);
	ck_assert(filter_matches(buf, DLT_RAW, f + 14, n - 14));
	n = build_frame(f, 0, 40000, 54, 17);
	ck_assert(!filter_matches(buf, DLT_RAW, f + 14, n - 14));
	ck_assert_int_eq(options_default_filter(&o, DLT_LINUX_SLL, buf, sizeof(buf)), 0);
	ck_assert_ptr_null(strstr(buf, "vlan"));
	pcap_t *p = pcap_open_dead(DLT_LINUX_SLL, 65535);
	struct bpf_program prog;
	ck_assert_int_eq(pcap_compile(p, &prog, buf, 1, PCAP_NETMASK_UNKNOWN), 0);
	pcap_freecode(&prog);
	pcap_close(p);

	/* the default configuration: port 53, and what may carry DNS inside */
	options_defaults(&o);
	ck_assert_int_eq(options_default_filter(&o, DLT_NULL, buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(strstr(buf, "port 53"));
	ck_assert_ptr_null(strstr(buf, "port 5353"));
	ck_assert_ptr_nonnull(strstr(buf, "ip proto 47"));
}
END_TEST

START_TEST(default_filter_buffer_too_small)
{
	char buf[8];
	options_defaults(&o);
	ck_assert_int_eq(options_default_filter(&o, DLT_EN10MB, buf, sizeof(buf)), -1);
	/* all 32 five-digit ports fit a reasonable buffer */
	o.nports = OPT_MAX_PORTS;
	for (size_t i = 0; i < OPT_MAX_PORTS; i++)
		o.ports[i] = (uint16_t)(60000 + i);
	char big[16384];
	ck_assert_int_eq(options_default_filter(&o, DLT_EN10MB, big, sizeof(big)), 0);
	ck_assert_ptr_nonnull(strstr(big, "60031"));
}
END_TEST

START_TEST(ioc_files)
{
	ck_assert_int_eq(PARSE("-r", "x.pcap", "--ioc", "a.txt", "--ioc", "b.txt", "--alerts-only"),
	                 OPTIONS_RUN);
	ck_assert_uint_eq(o.nioc, 2);
	ck_assert_str_eq(o.ioc_files[0], "a.txt");
	ck_assert_str_eq(o.ioc_files[1], "b.txt");
	ck_assert(o.alerts_only);
	ck_assert_int_eq(PARSE("-r", "x.pcap"), OPTIONS_RUN);
	ck_assert_uint_eq(o.nioc, 0);
	ck_assert(!o.alerts_only);
	assert_error(PARSE("-r", "x.pcap", "--alerts-only"), "--ioc");
	assert_error(PARSE("-r", "x.pcap", "--ioc"), "--ioc");
	/* a bounded number of lists */
	char *args[2 * (OPT_MAX_IOC + 1) + 3]; /* -r x.pcap, 65 --ioc pairs, NULL */
	int n = 0;
	args[n++] = (char *)"-r";
	args[n++] = (char *)"x.pcap";
	for (int i = 0; i <= OPT_MAX_IOC; i++) {
		args[n++] = (char *)"--ioc";
		args[n++] = (char *)"l.txt";
	}
	args[n] = NULL;
	assert_error(parse_argv(args), "too many --ioc");
}
END_TEST

START_TEST(fluentd_options)
{
	options_defaults(&o);
	ck_assert_uint_eq(o.nfluentd, 0);
	ck_assert_uint_eq(o.fluentd_buffer_size, 64u << 20);
	ck_assert_uint_eq(o.fluentd_drain_ms, 10000);
	ck_assert_uint_eq(o.fluentd_batch_size, 1000);
	ck_assert_uint_eq(o.fluentd_flush_ms, 1000);
	ck_assert_int_eq(PARSE("-r", "x", "-f", "localhost", "--fluentd", "[::1]:24225", "-f",
	                       "10.0.0.1:1", "--fluentd-ack", "--fluentd-event-time",
	                       "--fluentd-shared-key-file", "/k", "--fluentd-hostname", "s1",
	                       "--fluentd-buffer-dir", "/b", "--fluentd-buffer-size", "65536",
	                       "--fluentd-buffer-disk-size", "1000000", "--fluentd-batch-size", "10",
	                       "--fluentd-flush-interval", "0.25", "--fluentd-ack-timeout", "2.5",
	                       "--fluentd-retry-max", "3", "--fluentd-drain-timeout", "0",
	                       "--fluentd-tls", "--fluentd-ca", "/ca", "--fluentd-compress"),
	                 OPTIONS_RUN);
	ck_assert_uint_eq(o.nfluentd, 3);
	ck_assert_str_eq(o.fluentd[0], "localhost");
	ck_assert_str_eq(o.fluentd[1], "[::1]:24225");
	ck_assert_str_eq(o.fluentd[2], "10.0.0.1:1");
	ck_assert(o.fluentd_ack && o.fluentd_event_time && o.fluentd_tls && o.fluentd_compress);
	ck_assert_str_eq(o.fluentd_key_file, "/k");
	ck_assert_str_eq(o.fluentd_hostname, "s1");
	ck_assert_str_eq(o.fluentd_buffer_dir, "/b");
	ck_assert_str_eq(o.fluentd_ca, "/ca");
	ck_assert_uint_eq(o.fluentd_buffer_size, 65536);
	ck_assert_uint_eq(o.fluentd_disk_size, 1000000);
	ck_assert_uint_eq(o.fluentd_batch_size, 10);
	ck_assert_uint_eq(o.fluentd_flush_ms, 250);
	ck_assert_uint_eq(o.fluentd_ack_timeout_ms, 2500);
	ck_assert_uint_eq(o.fluentd_retry_max_ms, 3000);
	ck_assert_uint_eq(o.fluentd_drain_ms, 0);
	ck_assert_int_eq(PARSE("-r", "x", "-f", "h", "--fluentd-mode", "forward"), OPTIONS_RUN);
	ck_assert(o.fluentd_forward_mode);
	ck_assert_int_eq(PARSE("-r", "x", "-f", "h", "--fluentd-mode", "packed"), OPTIONS_RUN);
	ck_assert(!o.fluentd_forward_mode);
}
END_TEST

START_TEST(fluentd_bad)
{
	assert_error(PARSE("-r", "x", "-f", "::1"), "brackets");
	assert_error(PARSE("-r", "x", "-f", "h:0"), "invalid value \"h:0\" for -f");
	assert_error(PARSE("-r", "x", "--fluentd", "[::1"), "--fluentd");
	assert_error(PARSE("-r", "x", "-f", "1", "-f", "2", "-f", "3", "-f", "4", "-f", "5", "-f",
	                   "6", "-f", "7", "-f", "8", "-f", "9"), "too many -f");
	assert_error(PARSE("-r", "x", "--fluentd-ack"), "need -f");
	assert_error(PARSE("-r", "x", "--fluentd-buffer-dir", "/b"), "need -f");
	assert_error(PARSE("-r", "x", "-f", "h", "--fluentd-ca", "/ca"), "needs --fluentd-tls");
	assert_error(PARSE("-r", "x", "-f", "h", "--fluentd-mode", "forward", "--fluentd-compress"),
	             "--fluentd-compress");
	assert_error(PARSE("-r", "x", "-f", "h", "--fluentd-mode", "message"), "forward or packed");
	assert_error(PARSE("-r", "x", "-f", "h", "--fluentd-buffer-size", "1000"), "65536");
	assert_error(PARSE("-r", "x", "-f", "h", "--fluentd-batch-size", "0"), "--fluentd-batch-size");
	static const char *bad_secs[] = {"", ".5", "1.", "0.0001", "-1", "1e3", "1,5", "x",
	                                 "3601", "0"};
	for (size_t i = 0; i < sizeof(bad_secs) / sizeof(bad_secs[0]); i++)
		assert_error(PARSE("-r", "x", "-f", "h", "--fluentd-flush-interval", (char *)bad_secs[i]),
		             "--fluentd-flush-interval");
	assert_error(PARSE("-r", "x", "-f", "h", "--fluentd-drain-timeout", "86401"),
	             "--fluentd-drain-timeout");
	assert_error(PARSE("-r", "x", "-f", "h", "--fluentd-hostname", ""), "--fluentd-hostname");
}
END_TEST

/* The shared key only from a config file; -f lists replace each other by source. */
START_TEST(fluentd_config)
{
	char *path = CONF("fluentd collector-a\nfluentd collector-b:24225\n"
	                  "fluentd-shared-key s3cret key\nfluentd-ack\n");
	ck_assert_int_eq(PARSE("-r", "x", "-c", path), OPTIONS_RUN);
	ck_assert_uint_eq(o.nfluentd, 2);
	ck_assert_str_eq(o.fluentd[1], "collector-b:24225");
	ck_assert_str_eq(o.fluentd_key, "s3cret key");
	ck_assert(o.fluentd_ack);
	options_free(&o);
	ck_assert_int_eq(PARSE("-r", "x", "-c", path, "-f", "[::1]"), OPTIONS_RUN);
	ck_assert_uint_eq(o.nfluentd, 1);
	ck_assert_str_eq(o.fluentd[0], "[::1]");
	options_free(&o);
	unlink(path);
	assert_error(PARSE("-r", "x", "-f", "h", "--fluentd-shared-key", "s3cret"), "config file");
	ck_assert_ptr_null(strstr(err, "s3cret")); /* the secret is not echoed */
	path = CONF("fluentd ::1\n");
	assert_error(PARSE("-r", "x", "-c", path), "brackets");
	options_free(&o);
	unlink(path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, short_options);
	tcase_add_test(tc, long_options);
	tcase_add_test(tc, help_and_version);
	tcase_add_test(tc, repeated_read_order);
	tcase_add_test(tc, too_many_files);
	tcase_add_test(tc, ports_list);
	tcase_add_test(tc, ports_bad);
	tcase_add_test(tc, bad_numbers);
	tcase_add_test(tc, unknown_option);
	tcase_add_test(tc, missing_value);
	tcase_add_test(tc, input_combinations);
	tcase_add_test(tc, parse_twice);
	tcase_add_test(tc, fluentd_options);
	tcase_add_test(tc, fluentd_bad);
	tcase_add_test(tc, fluentd_config);
	tcase_add_test(tc, config_values);
	tcase_add_test(tc, config_command_line_wins);
	tcase_add_test(tc, config_errors);
	tcase_add_test(tc, user_and_interval);
	tcase_add_test(tc, log_dir_options);
	tcase_add_test(tc, log_dir_config);
	tcase_add_test(tc, ioc_files);
	tcase_add_test(tc, default_filter_ethernet);
	tcase_add_test(tc, default_filter_other_links);
	tcase_add_test(tc, default_filter_buffer_too_small);
	suite_add_tcase(s, tc);
	return check_run(s);
}
