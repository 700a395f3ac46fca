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
#define OPT_MAX_IOC 64

struct options {
	const char *files[OPT_MAX_FILES]; /* -r, in order */
	size_t nfiles;
	const char *iface;                /* -i */
	const char *filter;               /* -F, NULL for the default */
	uint16_t ports[OPT_MAX_PORTS];    /* --ports */
	size_t nports;
	const char *text_path;            /* -t */
	const char *msgpack_path;         /* -o */
	bool records;                     /* -R */
	bool quiet;                       /* -q */
	unsigned timeout_sec;             /* --timeout */
	size_t max_pending;               /* --max-pending */
	const char *tag_prefix;           /* --tag-prefix */
	int snaplen;                      /* --snaplen */
	int buffer_size;                  /* --buffer-size (bytes) */
	bool no_promisc;                  /* --no-promisc */
	const char *ioc_files[OPT_MAX_IOC]; /* --ioc, in order */
	size_t nioc;
	/*
	 * --alerts-only: the sinks that forward over a network (fluentd) get
	 * only alert events; whoever opens such a sink sets its alerts_only.
	 */
	bool alerts_only;
};

enum options_result {
	OPTIONS_RUN,      /* go ahead */
	OPTIONS_HELP,     /* -h: print usage, exit 0 */
	OPTIONS_VERSION,  /* -v: print version, exit 0 */
	OPTIONS_ERROR,    /* bad usage: print err, exit 2 */
};

/* Fill o with the defaults. */
void options_defaults(struct options *o);

/*
 * Parse argv into o (which holds pointers into argv).  On OPTIONS_ERROR,
 * err holds one line naming the problem.
 */
enum options_result options_parse(struct options *o, int argc, char **argv, char *err,
                                  size_t errlen);

/* The usage text for -h. */
const char *options_usage(void);

/*
 * The default BPF filter for the configured ports on a link type: every
 * port, also behind one or two VLAN tags on Ethernet.  Writes into buf.
 */
int options_default_filter(const struct options *o, int linktype, char *buf, size_t len);

#endif /* DNS_GAZER_OPTIONS_H */
