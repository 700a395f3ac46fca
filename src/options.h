/*
 * options.h - the command line (DESIGN.md section 2).
 *
 * options_parse() only reads and validates; it prints nothing and never
 * exits, so it can be unit-tested.  The caller prints the message.
 */
#ifndef DNS_GAZER_OPTIONS_H
#define DNS_GAZER_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OPT_MAX_FILES 256
#define OPT_MAX_PORTS 32
#define OPT_MAX_FLUENTD 8
#define OPT_MAX_OWNED 1024
#define OPT_MAX_IOC 64

struct options {
	/* input */
	const char *files[OPT_MAX_FILES]; /* -r, in order */
	size_t nfiles;
	const char *iface;                /* -i */
	const char *filter;               /* -F, NULL for the default */
	size_t nports;
	uint16_t ports[OPT_MAX_PORTS];    /* --ports */
	int snaplen;                      /* --snaplen */
	int buffer_size;                  /* --buffer-size (bytes) */

	/* outputs */
	const char *text_path;            /* -t */
	const char *msgpack_path;         /* -o */
	const char *tag_prefix;           /* --tag-prefix */
	const char *log_dir;              /* -w */
	const char *rotate_command;       /* --rotate-command */
	uint64_t rotate_size;             /* --rotate-size bytes, 0 = none */
	unsigned rotate_interval;         /* --rotate-interval seconds, 0 = none */

	/* pairing */
	unsigned timeout_sec;             /* --timeout */
	size_t max_pending;               /* --max-pending */

	/* fluentd Forward output (sink_fluent.h) */
	const char *fluentd[OPT_MAX_FLUENTD]; /* -f HOST[:PORT], in failover order */
	size_t nfluentd;
	const char *fluentd_key_file;     /* --fluentd-shared-key-file */
	const char *fluentd_key;          /* fluentd-shared-key (config file only) */
	const char *fluentd_hostname;     /* --fluentd-hostname */
	const char *fluentd_buffer_dir;   /* --fluentd-buffer-dir */
	const char *fluentd_ca;           /* --fluentd-ca */
	size_t fluentd_buffer_size;       /* --fluentd-buffer-size (memory bound, bytes) */
	uint64_t fluentd_disk_size;       /* --fluentd-buffer-disk-size (bytes) */
	unsigned fluentd_batch_size;      /* --fluentd-batch-size (events) */
	unsigned fluentd_flush_ms;        /* --fluentd-flush-interval */
	unsigned fluentd_ack_timeout_ms;  /* --fluentd-ack-timeout */
	unsigned fluentd_retry_max_ms;    /* --fluentd-retry-max */
	unsigned fluentd_drain_ms;        /* --fluentd-drain-timeout */

	/* indicators of compromise */
	const char *ioc_files[OPT_MAX_IOC]; /* --ioc, in order */
	size_t nioc;

	/* running */
	const char *config;               /* -c */
	const char *pid_file;             /* -p */
	unsigned stats_interval_sec;      /* --stats-interval, 0 = never */
	char user[64], group[64];         /* -u USER[:GROUP]; "" for none */

	/* flags */
	bool records;                     /* -R */
	bool quiet;                       /* -q */
	bool no_promisc;                  /* --no-promisc */
	bool log_json;                    /* --log-format json (else zeek) */
	bool log_format_set;              /* --log-format given */
	bool fluentd_ack;                 /* --fluentd-ack */
	bool fluentd_event_time;          /* --fluentd-event-time */
	bool fluentd_forward_mode;        /* --fluentd-mode forward (default packed) */
	bool fluentd_compress;            /* --fluentd-compress */
	bool fluentd_tls;                 /* --fluentd-tls */
	/* --alerts-only: the sinks that forward over a network (fluentd) get
	 * only alert events; whoever opens such a sink sets its alerts_only. */
	bool alerts_only;
	bool daemon;                      /* -d */

	/* Bookkeeping: values read from a config file, and which source
	 * (config file, command line) last named each list. */
	char *owned[OPT_MAX_OWNED];
	size_t nowned;
	unsigned source, files_source, iface_source, fluentd_source;
};

enum options_result {
	OPTIONS_RUN,      /* go ahead */
	OPTIONS_HELP,     /* -h: print usage, exit 0 */
	OPTIONS_VERSION,  /* -v: print version, exit 0 */
	OPTIONS_ERROR,    /* bad usage: print err, exit 2 */
};

/* Fill o with the defaults. */
void options_defaults(struct options *o);

/* Release what o owns (values read from config files). */
void options_free(struct options *o);

/*
 * Parse argv into o (which holds pointers into argv), after the config
 * file named by -c if any, so the command line wins.  On OPTIONS_ERROR,
 * err holds one line naming the problem.
 */
enum options_result options_parse(struct options *o, int argc, char **argv, char *err,
                                  size_t errlen);

/*
 * Apply a config file: one "name value" per line, where name is a long
 * option (no dashes) and value the rest of the line; a flag stands alone;
 * blank lines and lines starting with # are skipped.  A list (-r) named
 * here replaces one named earlier.  On OPTIONS_ERROR, err holds
 * "FILE:LINE: problem".  options_parse() calls it for -c.
 */
enum options_result options_load_config(struct options *o, const char *path, char *err,
                                        size_t errlen);

/* Whether an output goes to stdout (-t - is the default when none is named). */
bool options_writes_stdout(const struct options *o);

/* The usage text for -h. */
const char *options_usage(void);

/*
 * The default BPF filter for the configured ports on a link type: every
 * port, also behind one or two VLAN tags on Ethernet.  Writes into buf.
 */
int options_default_filter(const struct options *o, int linktype, char *buf, size_t len);

#endif /* DNS_GAZER_OPTIONS_H */
