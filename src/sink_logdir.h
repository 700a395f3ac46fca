/*
 * sink_logdir.h - events as log files in a directory, as Zeek keeps them:
 * tx.log (and record.log with records), in Zeek's ASCII format or as one
 * JSON object per line, rotated by time and/or size, reopened on demand
 * (SIGHUP from logrotate).
 *
 * Lines are buffered whole and written with write(2) at least once a
 * second of the sink's time (see tick); a write that fails part-way is cut
 * back, so a file never holds half a line.  Events whose bytes could not
 * be written are counted in the sink's errors and taken back from its
 * events; writing is retried, and resumes, at the next flush.
 *
 * Time comes from tick(): packet time when reading captures, the clock
 * when live.  A file's header (#open) carries the time of the first tick
 * or event that starts it; a rotated file is closed (#close), renamed
 * STEM.YYYY-MM-DD-HH-MM-SS.log after its open time (UTC; "-N" is added
 * when that name is taken), and handed to the rotation command.  At exit
 * the files are closed, and rotated too when rotation is configured.  An
 * existing file is appended to, after a new header.
 */
#ifndef DNS_GAZER_SINK_LOGDIR_H
#define DNS_GAZER_SINK_LOGDIR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sink.h"

enum logdir_format {
	LOGDIR_ZEEK, /* Zeek ASCII TSV */
	LOGDIR_JSON, /* one JSON object per line: the -t event with "ts" and "uid" */
	/* (and other events, such as stats, with "ts", when asked for) */
};

struct logdir_config {
	const char *dir;
	enum logdir_format fmt;
	bool records;                /* also record.log */
	bool stats;                  /* JSON format: stats events to stats.log */
	int64_t rotate_interval_us;  /* 0: none; else aligned to multiples since the epoch */
	uint64_t rotate_size;        /* bytes; 0: none */
	/* Run as /bin/sh -c CMD sh PATH for each rotated file; NULL: none. */
	const char *rotate_command;
	/* Tests: the write function (NULL: write(2)). */
	ssize_t (*write_fn)(int fd, const void *buf, size_t n);
};

/*
 * Open tx.log (and record.log) in c->dir, which must exist and be
 * writable.  c's strings must outlive the sink.  Returns the sink, or NULL
 * with a message in err.
 */
struct sink *sink_logdir_open(const struct logdir_config *c, char *err, size_t errlen);

#endif /* DNS_GAZER_SINK_LOGDIR_H */
