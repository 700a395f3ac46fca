/* options.c - command line parsing, see options.h. */
#include "config.h"

#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pcap/dlt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwd_proto.h"
#include "sink_fluent.h"

enum {
	OPT_PORTS = 256,
	OPT_TIMEOUT,
	OPT_MAX_PENDING,
	OPT_TAG_PREFIX,
	OPT_SNAPLEN,
	OPT_BUFFER_SIZE,
	OPT_NO_PROMISC,
	OPT_STATS_INTERVAL,
	OPT_FLUENTD_ACK,
	OPT_FLUENTD_EVENT_TIME,
	OPT_FLUENTD_MODE,
	OPT_FLUENTD_COMPRESS,
	OPT_FLUENTD_KEY_FILE,
	OPT_FLUENTD_KEY,
	OPT_FLUENTD_HOSTNAME,
	OPT_FLUENTD_BUFFER_DIR,
	OPT_FLUENTD_BUFFER_SIZE,
	OPT_FLUENTD_DISK_SIZE,
	OPT_FLUENTD_BATCH_SIZE,
	OPT_FLUENTD_FLUSH,
	OPT_FLUENTD_ACK_TIMEOUT,
	OPT_FLUENTD_RETRY_MAX,
	OPT_FLUENTD_DRAIN,
	OPT_FLUENTD_TLS,
	OPT_FLUENTD_CA,
	OPT_LOG_FORMAT,
	OPT_ROTATE_INTERVAL,
	OPT_ROTATE_SIZE,
	OPT_ROTATE_COMMAND,
	OPT_IOC,
	OPT_ALERTS_ONLY,
};

static const struct option long_opts[] = {
	{"read", required_argument, NULL, 'r'},
	{"interface", required_argument, NULL, 'i'},
	{"filter", required_argument, NULL, 'F'},
	{"ports", required_argument, NULL, OPT_PORTS},
	{"text", required_argument, NULL, 't'},
	{"msgpack", required_argument, NULL, 'o'},
	{"records", no_argument, NULL, 'R'},
	{"log-dir", required_argument, NULL, 'w'},
	{"log-format", required_argument, NULL, OPT_LOG_FORMAT},
	{"rotate-interval", required_argument, NULL, OPT_ROTATE_INTERVAL},
	{"rotate-size", required_argument, NULL, OPT_ROTATE_SIZE},
	{"rotate-command", required_argument, NULL, OPT_ROTATE_COMMAND},
	{"quiet", no_argument, NULL, 'q'},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"max-pending", required_argument, NULL, OPT_MAX_PENDING},
	{"tag-prefix", required_argument, NULL, OPT_TAG_PREFIX},
	{"snaplen", required_argument, NULL, OPT_SNAPLEN},
	{"buffer-size", required_argument, NULL, OPT_BUFFER_SIZE},
	{"no-promisc", no_argument, NULL, OPT_NO_PROMISC},
	{"config", required_argument, NULL, 'c'},
	{"daemon", no_argument, NULL, 'd'},
	{"pid-file", required_argument, NULL, 'p'},
	{"user", required_argument, NULL, 'u'},
	{"stats-interval", required_argument, NULL, OPT_STATS_INTERVAL},
	{"ioc", required_argument, NULL, OPT_IOC},
	{"alerts-only", no_argument, NULL, OPT_ALERTS_ONLY},
	{"fluentd", required_argument, NULL, 'f'},
	{"fluentd-ack", no_argument, NULL, OPT_FLUENTD_ACK},
	{"fluentd-event-time", no_argument, NULL, OPT_FLUENTD_EVENT_TIME},
	{"fluentd-mode", required_argument, NULL, OPT_FLUENTD_MODE},
	{"fluentd-compress", no_argument, NULL, OPT_FLUENTD_COMPRESS},
	{"fluentd-shared-key-file", required_argument, NULL, OPT_FLUENTD_KEY_FILE},
	/* config file only: a secret on a command line is visible to every user */
	{"fluentd-shared-key", required_argument, NULL, OPT_FLUENTD_KEY},
	{"fluentd-hostname", required_argument, NULL, OPT_FLUENTD_HOSTNAME},
	{"fluentd-buffer-dir", required_argument, NULL, OPT_FLUENTD_BUFFER_DIR},
	{"fluentd-buffer-size", required_argument, NULL, OPT_FLUENTD_BUFFER_SIZE},
	{"fluentd-buffer-disk-size", required_argument, NULL, OPT_FLUENTD_DISK_SIZE},
	{"fluentd-batch-size", required_argument, NULL, OPT_FLUENTD_BATCH_SIZE},
	{"fluentd-flush-interval", required_argument, NULL, OPT_FLUENTD_FLUSH},
	{"fluentd-ack-timeout", required_argument, NULL, OPT_FLUENTD_ACK_TIMEOUT},
	{"fluentd-retry-max", required_argument, NULL, OPT_FLUENTD_RETRY_MAX},
	{"fluentd-drain-timeout", required_argument, NULL, OPT_FLUENTD_DRAIN},
	{"fluentd-tls", no_argument, NULL, OPT_FLUENTD_TLS},
	{"fluentd-ca", required_argument, NULL, OPT_FLUENTD_CA},
	{"version", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static const char short_opts[] = ":r:i:F:t:o:w:f:Rqvhc:dp:u:";

static const char usage[] =
    "usage: dns-gazer (-r FILE ... | -i IFACE) [options]\n"
    "\n"
    "input:\n"
    "  -r, --read FILE         read a pcap/pcapng file (- = stdin); may repeat\n"
    "  -i, --interface IFACE   capture live on IFACE (any = all interfaces)\n"
    "  -F, --filter EXPR       BPF filter (default: the DNS ports, VLANs included)\n"
    "      --ports LIST        DNS ports, comma separated (default 53)\n"
    "      --snaplen BYTES     live: bytes kept per packet (default 262144)\n"
    "      --buffer-size BYTES live: kernel capture buffer (default 33554432)\n"
    "      --no-promisc        live: do not enable promiscuous mode\n"
    "\n"
    "output (default: -t -):\n"
    "  -t, --text FILE         TIME<TAB>TAG<TAB>JSON lines to FILE (- = stdout)\n"
    "  -o, --msgpack FILE      msgpack [tag, time, record] arrays to FILE (- = stdout)\n"
    "  -R, --records           also emit one record event per resource record\n"
    "  -w, --log-dir DIR       write tx.log (and record.log with -R) in DIR\n"
    "      --log-format FMT    zeek (Zeek ASCII, default) or json\n"
    "      --rotate-interval S rotate the logs every S seconds, on the clock\n"
    "      --rotate-size BYTES rotate a log when it reaches BYTES (k, M, G)\n"
    "      --rotate-command CMD run sh -c CMD sh FILE on each rotated FILE\n"
    "      --tag-prefix PREFIX tag prefix (default dns-gazer)\n"
    "\n"
    "fluentd (Forward protocol):\n"
    "  -f, --fluentd HOST[:PORT]  send to fluentd (port 24224, IPv6 as [::1]:24224);\n"
    "                          repeat for standby servers, tried in order\n"
    "      --fluentd-ack       ask for acks and resend until acked (at-least-once)\n"
    "      --fluentd-event-time  EventTime (nanoseconds) instead of integer seconds\n"
    "      --fluentd-mode forward|packed  batch format (default packed)\n"
    "      --fluentd-compress  gzip each batch (CompressedPackedForward)\n"
    "      --fluentd-batch-size N  events per batch at most (default 1000)\n"
    "      --fluentd-flush-interval SECONDS  send a batch this old (default 1)\n"
    "      --fluentd-shared-key-file FILE  shared_key authentication, key in FILE\n"
    "                          (or fluentd-shared-key KEY in the config file)\n"
    "      --fluentd-hostname NAME  our name in the handshake (default: host name)\n"
    "      --fluentd-tls       TLS, verifying the server's certificate\n"
    "      --fluentd-ca FILE   CA certificates (PEM) for --fluentd-tls\n"
    "      --fluentd-buffer-size BYTES  memory queue bound (default 67108864)\n"
    "      --fluentd-buffer-dir DIR  keep undelivered events on disk in DIR\n"
    "      --fluentd-buffer-disk-size BYTES  bound of DIR (default 1073741824)\n"
    "      --fluentd-ack-timeout SECONDS  resend when the ack is this late (default 30)\n"
    "      --fluentd-retry-max SECONDS  reconnect backoff cap (default 30)\n"
    "      --fluentd-drain-timeout SECONDS  wait for delivery at exit (default 10)\n"
    "indicators of compromise:\n"
    "      --ioc FILE          alert on the domains and addresses in FILE; may repeat\n"
    "                          (reloaded on SIGHUP)\n"
    "      --alerts-only       send only alert events to fluentd\n"
    "\n"
    "pairing:\n"
    "      --timeout SECONDS   log a query as no_reply after this (default 60)\n"
    "      --max-pending N     pending queries kept at most (default 200000)\n"
    "\n"
    "running:\n"
    "  -c, --config FILE       read options from FILE (name value per line)\n"
    "  -d, --daemon            detach and log diagnostics to syslog\n"
    "  -p, --pid-file FILE     write the process id to FILE\n"
    "  -u, --user USER[:GROUP] drop to USER after opening capture and outputs\n"
    "      --stats-interval SECONDS\n"
    "                          also log a stats event this often (default 0: never)\n"
    "  -q, --quiet             print nothing on stderr but errors\n"
    "  -v, --version           print the version and exit\n"
    "  -h, --help              print this help and exit\n";

const char *options_usage(void)
{
	return usage;
}

void options_defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->ports[0] = 53;
	o->nports = 1;
	o->timeout_sec = 60;
	o->max_pending = 200000;
	o->tag_prefix = "dns-gazer";
	/* libpcap's own default: a 64 KiB TCP segment from GRO/TSO is kept whole */
	o->snaplen = 262144;
	o->buffer_size = 32 * 1024 * 1024;
	o->fluentd_buffer_size = FLUENT_DEFAULT_MEM_LIMIT;
	o->fluentd_disk_size = FLUENT_DEFAULT_DISK_LIMIT;
	o->fluentd_batch_size = FLUENT_DEFAULT_BATCH_EVENTS;
	o->fluentd_flush_ms = FLUENT_DEFAULT_FLUSH_MS;
	o->fluentd_ack_timeout_ms = FLUENT_DEFAULT_ACK_TIMEOUT_MS;
	o->fluentd_retry_max_ms = FLUENT_DEFAULT_RETRY_MAX_MS;
	o->fluentd_drain_ms = FLUENT_DEFAULT_DRAIN_MS;
}

/*
 * Parse seconds with up to three decimals ("0.25") in [min_ms, max_ms]
 * milliseconds.
 */
static bool parse_ms(const char *s, unsigned min_ms, unsigned max_ms, unsigned *out)
{
	unsigned long long ms = 0;
	const char *p = s;
	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		ms = ms * 10 + (unsigned)(*p - '0');
		if (ms > max_ms)
			return false;
	}
	ms *= 1000;
	if (*p == '.') {
		unsigned scale = 100;
		p++;
		if (*p < '0' || *p > '9')
			return false;
		for (; *p >= '0' && *p <= '9'; p++, scale /= 10) {
			if (!scale)
				return false;
			ms += (unsigned)(*p - '0') * scale;
		}
	}
	if (*p || ms < min_ms || ms > max_ms)
		return false;
	*out = (unsigned)ms;
	return true;
}


/* Parse an unsigned decimal in [min, max] with nothing after it. */
static bool parse_uint(const char *s, unsigned long long min, unsigned long long max,
                       unsigned long long *out)
{
	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* A byte count with an optional k, M or G suffix (powers of 1024); 0 is none. */
static bool parse_size(const char *s, uint64_t *out)
{
	char num[32];
	size_t n = strlen(s);
	if (n == 0 || n >= sizeof(num))
		return false;
	unsigned shift = 0;
	switch (s[n - 1]) {
	case 'k': case 'K': shift = 10; break;
	case 'M': shift = 20; break;
	case 'G': shift = 30; break;
	default: break;
	}
	memcpy(num, s, n + 1);
	if (shift)
		num[n - 1] = '\0';
	unsigned long long v;
	if (!parse_uint(num, 0, (1ULL << 40) - 1, &v))
		return false;
	*out = (uint64_t)v << shift;
	return true;
}

static bool parse_ports(struct options *o, const char *s)
{
	char tmp[256];
	size_t len = strlen(s);
	if (len >= sizeof(tmp))
		return false;
	memcpy(tmp, s, len + 1);
	o->nports = 0;
	/* strsep, unlike strtok, sees the empty items of "53,,5353" */
	char *rest = tmp;
	for (char *tok = strsep(&rest, ","); tok; tok = strsep(&rest, ",")) {
		unsigned long long v;
		if (o->nports == OPT_MAX_PORTS || !parse_uint(tok, 1, 65535, &v))
			return false;
		o->ports[o->nports++] = (uint16_t)v;
	}
	return o->nports > 0;
}

/* Name of the option being parsed, for messages. */
static const char *opt_name(int c, int idx, char buf[3])
{
	if (idx >= 0)
		return long_opts[idx].name;
	buf[0] = '-';
	buf[1] = (char)c;
	buf[2] = '\0';
	return buf;
}

static enum options_result bad_value(char *err, size_t errlen, const char *name, const char *v,
                                     const char *want)
{
	snprintf(err, errlen, "invalid value \"%s\" for %s%s: %s", v, name[0] == '-' ? "" : "--",
	         name, want);
	return OPTIONS_ERROR;
}

static enum options_result unknown_option(char **argv, char *err, size_t errlen)
{
	if (optopt)
		snprintf(err, errlen, "unknown option -%c (see --help)", optopt);
	else
		snprintf(err, errlen, "unknown option %s (see --help)", argv[optind - 1]);
	return OPTIONS_ERROR;
}

static enum options_result missing_argument(char **argv, char *err, size_t errlen)
{
	snprintf(err, errlen, "option %s needs a value", argv[optind - 1]);
	return OPTIONS_ERROR;
}

bool options_writes_stdout(const struct options *o)
{
	bool named = o->text_path || o->msgpack_path || o->log_dir || o->nfluentd;
	return !named || (o->text_path && strcmp(o->text_path, "-") == 0) ||
	       (o->msgpack_path && strcmp(o->msgpack_path, "-") == 0);
}

static enum options_result check_combination(struct options *o, char *err, size_t errlen)
{
	if (o->nfiles == 0 && !o->iface) {
		snprintf(err, errlen, "no input: give -r FILE or -i IFACE (see --help)");
		return OPTIONS_ERROR;
	}
	/* The command line's -r overrides the config file's interface, and
	 * the other way round. */
	if (o->nfiles > 0 && o->iface && o->files_source != o->iface_source) {
		if (o->files_source < o->iface_source)
			o->nfiles = 0;
		else
			o->iface = NULL;
	}
	if (o->nfiles > 0 && o->iface) {
		snprintf(err, errlen, "-r and -i cannot be used together");
		return OPTIONS_ERROR;
	}
	size_t stdin_reads = 0;
	for (size_t i = 0; i < o->nfiles; i++)
		stdin_reads += strcmp(o->files[i], "-") == 0;
	if (stdin_reads > 1) {
		snprintf(err, errlen, "-r - (stdin) can be given only once");
		return OPTIONS_ERROR;
	}
	if (o->daemon && options_writes_stdout(o)) {
		snprintf(err, errlen, "a daemon cannot write to stdout: name an output file or server");
		return OPTIONS_ERROR;
	}
	if (o->daemon && o->nfiles == 1 && strcmp(o->files[0], "-") == 0) {
		snprintf(err, errlen, "a daemon cannot read stdin: name a capture file or interface");
		return OPTIONS_ERROR;
	}
	if (o->alerts_only && o->nioc == 0) {
		snprintf(err, errlen, "--alerts-only needs --ioc: without indicators there are no alerts");
		return OPTIONS_ERROR;
	}
	if (o->text_path && o->msgpack_path && strcmp(o->text_path, "-") == 0 &&
	    strcmp(o->msgpack_path, "-") == 0) {
		snprintf(err, errlen, "-t - and -o - cannot both write to stdout");
		return OPTIONS_ERROR;
	}
	if (!o->nfluentd && (o->fluentd_ack || o->fluentd_event_time || o->fluentd_compress ||
	                     o->fluentd_key_file || o->fluentd_key || o->fluentd_buffer_dir ||
	                     o->fluentd_tls || o->fluentd_ca || o->fluentd_hostname ||
	                     o->fluentd_forward_mode)) {
		snprintf(err, errlen, "--fluentd-* options need -f HOST[:PORT]");
		return OPTIONS_ERROR;
	}
	if (o->fluentd_ca && !o->fluentd_tls) {
		snprintf(err, errlen, "--fluentd-ca needs --fluentd-tls");
		return OPTIONS_ERROR;
	}
	if (o->fluentd_compress && o->fluentd_forward_mode) {
		snprintf(err, errlen, "--fluentd-compress needs --fluentd-mode packed");
		return OPTIONS_ERROR;
	}
	if (!o->log_dir && (o->log_format_set || o->rotate_interval || o->rotate_size ||
	                    o->rotate_command)) {
		snprintf(err, errlen, "--log-format and --rotate-* need -w DIR");
		return OPTIONS_ERROR;
	}
	return OPTIONS_RUN;
}

/* Keep a copy of a config file value for as long as o lives. */
static const char *keep(struct options *o, const char *v)
{
	if (o->nowned == OPT_MAX_OWNED)
		return NULL;
	char *copy = strdup(v);
	if (copy)
		o->owned[o->nowned++] = copy;
	return copy;
}

void options_free(struct options *o)
{
	for (size_t i = 0; i < o->nowned; i++)
		free(o->owned[i]);
	o->nowned = 0;
}

/* The -r list a later source names replaces the one an earlier source named. */
static bool add_file(struct options *o, const char *path, char *err, size_t errlen)
{
	if (o->files_source != o->source) {
		o->files_source = o->source;
		o->nfiles = 0;
	}
	if (o->nfiles == OPT_MAX_FILES) {
		snprintf(err, errlen, "too many -r files (at most %d)", OPT_MAX_FILES);
		return false;
	}
	o->files[o->nfiles++] = path;
	return true;
}

/* The -f list a later source names replaces the one an earlier source named. */
static enum options_result add_fluentd(struct options *o, const char *name, const char *arg,
                                       char *err, size_t errlen)
{
	struct fwd_server srv;
	char why[128];
	if (o->fluentd_source != o->source) {
		o->fluentd_source = o->source;
		o->nfluentd = 0;
	}
	if (o->nfluentd == OPT_MAX_FLUENTD) {
		snprintf(err, errlen, "too many -f servers (at most %d)", OPT_MAX_FLUENTD);
		return OPTIONS_ERROR;
	}
	if (fwd_server_parse(arg, &srv, why, sizeof(why)) < 0)
		return bad_value(err, errlen, name, arg, why);
	o->fluentd[o->nfluentd++] = arg;
	return OPTIONS_RUN;
}

/* Parse USER[:GROUP]; the names are looked up when privileges are dropped. */
static bool parse_user(struct options *o, const char *arg)
{
	const char *colon = strchr(arg, ':');
	size_t ulen = colon ? (size_t)(colon - arg) : strlen(arg);
	if (ulen == 0 || ulen >= sizeof(o->user) || (colon && (!colon[1] ||
	    strlen(colon + 1) >= sizeof(o->group) || strchr(colon + 1, ':'))))
		return false;
	memcpy(o->user, arg, ulen);
	o->user[ulen] = '\0';
	snprintf(o->group, sizeof(o->group), "%s", colon ? colon + 1 : "");
	return true;
}

/* The --fluentd-* options of apply() (val is "" for flags). */
static enum options_result apply_fluentd(struct options *o, int c, const char *name,
                                         const char *val, char *err, size_t errlen)
{
	unsigned long long v;
	const char *arg = val ? val : "";
	switch (c) {
	case OPT_FLUENTD_ACK: o->fluentd_ack = true; break;
	case OPT_FLUENTD_EVENT_TIME: o->fluentd_event_time = true; break;
	case OPT_FLUENTD_COMPRESS: o->fluentd_compress = true; break;
	case OPT_FLUENTD_TLS: o->fluentd_tls = true; break;
	case OPT_FLUENTD_MODE:
		if (strcmp(arg, "forward") == 0)
			o->fluentd_forward_mode = true;
		else if (strcmp(arg, "packed") == 0)
			o->fluentd_forward_mode = false;
		else
			return bad_value(err, errlen, name, arg, "want forward or packed");
		break;
	case OPT_FLUENTD_KEY_FILE: o->fluentd_key_file = arg; break;
	case OPT_FLUENTD_KEY:
		if (!*arg || strlen(arg) > 1024)
			return bad_value(err, errlen, name, "...", "want 1 to 1024 characters");
		o->fluentd_key = arg;
		break;
	case OPT_FLUENTD_CA: o->fluentd_ca = arg; break;
	case OPT_FLUENTD_BUFFER_DIR: o->fluentd_buffer_dir = arg; break;
	case OPT_FLUENTD_HOSTNAME:
		if (!*arg || strlen(arg) > 255)
			return bad_value(err, errlen, name, arg, "want 1 to 255 characters");
		o->fluentd_hostname = arg;
		break;
	case OPT_FLUENTD_BUFFER_SIZE:
		if (!parse_uint(arg, 65536, SIZE_MAX / 4, &v))
			return bad_value(err, errlen, name, arg, "want 65536 bytes or more");
		o->fluentd_buffer_size = (size_t)v;
		break;
	case OPT_FLUENTD_DISK_SIZE:
		if (!parse_uint(arg, 65536, UINT64_MAX / 2, &v))
			return bad_value(err, errlen, name, arg, "want 65536 bytes or more");
		o->fluentd_disk_size = v;
		break;
	case OPT_FLUENTD_BATCH_SIZE:
		if (!parse_uint(arg, 1, 100000, &v))
			return bad_value(err, errlen, name, arg, "want 1 to 100000 events");
		o->fluentd_batch_size = (unsigned)v;
		break;
	case OPT_FLUENTD_FLUSH:
		if (!parse_ms(arg, 1, 3600000, &o->fluentd_flush_ms))
			return bad_value(err, errlen, name, arg, "want seconds from 0.001 to 3600");
		break;
	case OPT_FLUENTD_ACK_TIMEOUT:
		if (!parse_ms(arg, 100, 3600000, &o->fluentd_ack_timeout_ms))
			return bad_value(err, errlen, name, arg, "want seconds from 0.1 to 3600");
		break;
	case OPT_FLUENTD_RETRY_MAX:
		if (!parse_ms(arg, 250, 3600000, &o->fluentd_retry_max_ms))
			return bad_value(err, errlen, name, arg, "want seconds from 0.25 to 3600");
		break;
	case OPT_FLUENTD_DRAIN:
		if (!parse_ms(arg, 0, 86400000, &o->fluentd_drain_ms))
			return bad_value(err, errlen, name, arg, "want seconds from 0 to 86400");
		break;
	default: break;
	}
	return OPTIONS_RUN;
}

/*
 * Apply option c (long option name for messages) with value arg ("" for
 * a flag), from the command line or a config file.  Values are borrowed:
 * the caller keeps them alive as long as o.
 */
static enum options_result apply(struct options *o, int c, const char *name, const char *arg,
                                 char *err, size_t errlen)
{
	unsigned long long v;
	switch (c) {
	case 'r':
		if (!add_file(o, arg, err, errlen))
			return OPTIONS_ERROR;
		break;
	case 'i':
		o->iface = arg;
		o->iface_source = o->source;
		break;
	case 'F': o->filter = arg; break;
	case 't': o->text_path = arg; break;
	case 'o': o->msgpack_path = arg; break;
	case 'R': o->records = true; break;
	case 'w': o->log_dir = arg; break;
	case 'q': o->quiet = true; break;
	case 'd': o->daemon = true; break;
	case 'p': o->pid_file = arg; break;
	case 'c': o->config = arg; break;
	case 'u':
		if (!parse_user(o, arg))
			return bad_value(err, errlen, name, arg, "want USER or USER:GROUP");
		break;
	case 'v': return OPTIONS_VERSION;
	case 'h': return OPTIONS_HELP;
	case OPT_PORTS:
		if (!parse_ports(o, arg))
			return bad_value(err, errlen, name, arg, "want ports 1-65535 like 53,5353");
		break;
	case OPT_TIMEOUT:
		if (!parse_uint(arg, 1, 86400, &v))
			return bad_value(err, errlen, name, arg, "want seconds from 1 to 86400");
		o->timeout_sec = (unsigned)v;
		break;
	case OPT_MAX_PENDING:
		if (!parse_uint(arg, 1, 100000000, &v))
			return bad_value(err, errlen, name, arg, "want 1 to 100000000");
		o->max_pending = (size_t)v;
		break;
	case OPT_TAG_PREFIX:
		if (!*arg || strlen(arg) > 100)
			return bad_value(err, errlen, name, arg, "want 1 to 100 characters");
		o->tag_prefix = arg;
		break;
	case OPT_SNAPLEN:
		if (!parse_uint(arg, 64, 262144, &v))
			return bad_value(err, errlen, name, arg, "want 64 to 262144 bytes");
		o->snaplen = (int)v;
		break;
	case OPT_BUFFER_SIZE:
		if (!parse_uint(arg, 65536, INT_MAX, &v))
			return bad_value(err, errlen, name, arg, "want 65536 bytes or more");
		o->buffer_size = (int)v;
		break;
	case OPT_NO_PROMISC: o->no_promisc = true; break;
	case OPT_IOC:
		/* lists of indicators add up, from the config file and the command line */
		if (o->nioc == OPT_MAX_IOC) {
			snprintf(err, errlen, "too many --ioc files (at most %d)", OPT_MAX_IOC);
			return OPTIONS_ERROR;
		}
		o->ioc_files[o->nioc++] = arg;
		break;
	case OPT_ALERTS_ONLY: o->alerts_only = true; break;
	case OPT_STATS_INTERVAL:
		if (!parse_uint(arg, 0, 86400, &v))
			return bad_value(err, errlen, name, arg, "want seconds from 0 to 86400");
		o->stats_interval_sec = (unsigned)v;
		break;
	case 'f': return add_fluentd(o, name, arg, err, errlen);
	case OPT_FLUENTD_ACK:
	case OPT_FLUENTD_EVENT_TIME:
	case OPT_FLUENTD_MODE:
	case OPT_FLUENTD_COMPRESS:
	case OPT_FLUENTD_KEY_FILE:
	case OPT_FLUENTD_KEY:
	case OPT_FLUENTD_HOSTNAME:
	case OPT_FLUENTD_BUFFER_DIR:
	case OPT_FLUENTD_BUFFER_SIZE:
	case OPT_FLUENTD_DISK_SIZE:
	case OPT_FLUENTD_BATCH_SIZE:
	case OPT_FLUENTD_FLUSH:
	case OPT_FLUENTD_ACK_TIMEOUT:
	case OPT_FLUENTD_RETRY_MAX:
	case OPT_FLUENTD_DRAIN:
	case OPT_FLUENTD_TLS:
	case OPT_FLUENTD_CA:
		return apply_fluentd(o, c, name, arg, err, errlen);
	case OPT_LOG_FORMAT:
		if (strcmp(arg, "zeek") != 0 && strcmp(arg, "json") != 0)
			return bad_value(err, errlen, name, arg, "want zeek or json");
		o->log_json = strcmp(arg, "json") == 0;
		o->log_format_set = true;
		break;
	case OPT_ROTATE_INTERVAL:
		if (!parse_uint(arg, 0, 31622400, &v))
			return bad_value(err, errlen, name, arg, "want seconds from 0 (never) to 31622400");
		o->rotate_interval = (unsigned)v;
		break;
	case OPT_ROTATE_SIZE:
		if (!parse_size(arg, &o->rotate_size))
			return bad_value(err, errlen, name, arg, "want bytes like 1000000 or 100M");
		break;
	case OPT_ROTATE_COMMAND:
		if (!*arg)
			return bad_value(err, errlen, name, arg, "want a shell command");
		o->rotate_command = arg;
		break;
	default:
		snprintf(err, errlen, "unknown option %s (see --help)", name);
		return OPTIONS_ERROR;
	}
	return OPTIONS_RUN;
}

/* ------------------------------------------------------------ config file */

static const struct option *find_long(const char *name)
{
	for (const struct option *lo = long_opts; lo->name; lo++)
		if (strcmp(lo->name, name) == 0)
			return lo;
	return NULL;
}

/* Options that make no sense in a file. */
static bool file_may_set(int c)
{
	return c != 'c' && c != 'h' && c != 'v';
}

/* Split "name value" (value may be empty) in place; false if no name. */
static bool split_line(char *line, char **name, char **value)
{
	char *p = line + strspn(line, " \t");
	size_t end = strlen(p);
	while (end > 0 && (p[end - 1] == ' ' || p[end - 1] == '\t' || p[end - 1] == '\r'))
		p[--end] = '\0';
	if (!*p || *p == '#')
		return false;
	*name = p;
	p += strcspn(p, " \t");
	if (*p) {
		*p++ = '\0';
		p += strspn(p, " \t");
	}
	*value = p;
	return true;
}

/* Apply one "name value" line of a config file. */
static enum options_result apply_line(struct options *o, char *line, char *err, size_t errlen)
{
	char *name, *value;
	if (!split_line(line, &name, &value))
		return OPTIONS_RUN;
	const struct option *lo = find_long(name);
	if (!lo || !file_may_set(lo->val)) {
		snprintf(err, errlen, "unknown option \"%s\"", name);
		return OPTIONS_ERROR;
	}
	if (lo->has_arg == no_argument) {
		if (*value) {
			snprintf(err, errlen, "%s takes no value", name);
			return OPTIONS_ERROR;
		}
		return apply(o, lo->val, name, "", err, errlen);
	}
	if (!*value) {
		snprintf(err, errlen, "%s needs a value", name);
		return OPTIONS_ERROR;
	}
	const char *copy = keep(o, value);
	if (!copy) {
		snprintf(err, errlen, "too many values (or out of memory)");
		return OPTIONS_ERROR;
	}
	return apply(o, lo->val, name, copy, err, errlen);
}

#define CONFIG_LINE_MAX 4096

/* Read the next line of fp into *buf; -1 at EOF, -2 if too long or with a NUL byte. */
static int read_line(FILE *fp, char **buf, size_t *cap)
{
	ssize_t n = getline(buf, cap, fp);
	if (n < 0)
		return -1;
	if (n > 0 && (*buf)[n - 1] == '\n')
		(*buf)[--n] = '\0';
	if ((size_t)n > CONFIG_LINE_MAX || strlen(*buf) != (size_t)n)
		return -2;
	return 0;
}

enum options_result options_load_config(struct options *o, const char *path, char *err,
                                        size_t errlen)
{
	FILE *fp = fopen(path, "r");
	if (!fp) {
		snprintf(err, errlen, "cannot read config %s: %s", path, strerror(errno));
		return OPTIONS_ERROR;
	}
	char *line = NULL;
	size_t cap = 0;
	char msg[256];
	enum options_result r = OPTIONS_RUN;
	o->source++;
	for (unsigned lineno = 1; r == OPTIONS_RUN; lineno++) {
		int rc = read_line(fp, &line, &cap);
		if (rc == -1)
			break;
		if (rc == -2) {
			snprintf(msg, sizeof(msg), "line longer than %d bytes or holding a NUL byte",
			         CONFIG_LINE_MAX);
			r = OPTIONS_ERROR;
		} else {
			r = apply_line(o, line, msg, sizeof(msg));
		}
		if (r != OPTIONS_RUN)
			snprintf(err, errlen, "%s:%u: %s", path, lineno, msg);
	}
	if (r == OPTIONS_RUN && ferror(fp)) {
		snprintf(err, errlen, "cannot read config %s: %s", path, strerror(errno));
		r = OPTIONS_ERROR;
	}
	free(line);
	(void)fclose(fp); /* read only: nothing to lose */
	return r == OPTIONS_RUN ? OPTIONS_RUN : OPTIONS_ERROR;
}

/* ------------------------------------------------------------ command line */

/* The -c FILE of the command line, if any, without judging the rest. */
static const char *find_config(int argc, char **argv)
{
	const char *path = NULL;
	opterr = 0;
	optind = 0;
	int c;
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1)
		if (c == 'c')
			path = optarg;
	return path;
}

enum options_result options_parse(struct options *o, int argc, char **argv, char *err,
                                  size_t errlen)
{
	char sbuf[3];
	/* The config file first, so that the command line wins. */
	const char *config = find_config(argc, argv);
	if (config) {
		enum options_result r = options_load_config(o, config, err, errlen);
		if (r != OPTIONS_RUN)
			return r;
	}
	o->source++;
	opterr = 0;
	/* 0, not 1: a full restart (glibc, musl and the BSDs), so state left by an
	 * earlier call, e.g. the rest of "-hR", cannot leak into this one. */
	optind = 0;
	for (;;) {
		int idx = -1;
		int c = getopt_long(argc, argv, short_opts, long_opts, &idx);
		if (c == -1)
			break;
		if (c == ':')
			return missing_argument(argv, err, errlen);
		if (c == '?')
			return unknown_option(argv, err, errlen);
		if (c == OPT_FLUENTD_KEY) {
			snprintf(err, errlen, "--fluentd-shared-key is read only from a config file (-c), "
			                      "where other users cannot see it; or use "
			                      "--fluentd-shared-key-file");
			return OPTIONS_ERROR;
		}
		const char *arg = optarg ? optarg : "";
		enum options_result r = apply(o, c, opt_name(c, idx, sbuf), arg, err, errlen);
		if (r != OPTIONS_RUN)
			return r;
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument \"%s\" (see --help)", argv[optind]);
		return OPTIONS_ERROR;
	}
	return check_combination(o, err, errlen);
}

/*
 * Besides the DNS ports, the filter keeps what may carry DNS further in,
 * for dns-gazer's own decoder to look inside and check the ports of the
 * inner packet: IPv4 fragments (later ones have no ports), GRE, IP-in-IP,
 * VXLAN, Geneve, every IPv6 packet whose first header is neither UDP, TCP
 * nor ICMPv6 (extension headers, fragments, tunnels: an attacker must not
 * hide DNS behind one destination-options header) and, on Ethernet,
 * PPPoE, MPLS and frames with three or more VLAN tags.  BPF's "vlan"
 * shifts every offset after it, so the tagged branches come last.
 */
int options_default_filter(const struct options *o, int linktype, char *buf, size_t len)
{
	char ports[OPT_MAX_PORTS * 16] = "";
	size_t n = 0;
	for (size_t i = 0; i < o->nports; i++)
		n += (size_t)snprintf(ports + n, sizeof(ports) - n, "%sport %u", i ? " or " : "",
		                      o->ports[i]);
	char level[OPT_MAX_PORTS * 16 + 512];
	snprintf(level, sizeof(level),
	         "%s or (ip[6:2] & 0x3fff != 0)"
	         " or (ip and (ip proto 47 or ip proto 4 or ip proto 41))"
	         " or (ip6 and ip6[6] != 6 and ip6[6] != 17 and ip6[6] != 58)"
	         " or (udp and (udp dst port 4789 or udp dst port 6081))%s",
	         ports, linktype == DLT_EN10MB ? " or ether proto 0x8864 or ether proto 0x8847"
	                                         " or ether proto 0x8848" : "");
	int w;
	if (linktype == DLT_EN10MB)
		w = snprintf(buf, len, "%s or (vlan and (%s or (vlan and (%s or vlan))))", level, level,
		             level);
	else
		w = snprintf(buf, len, "%s", level);
	return (w < 0 || (size_t)w >= len) ? -1 : 0;
}
