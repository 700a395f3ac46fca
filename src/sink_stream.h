/*
 * sink_stream.h - events as a stream to a file or stdout: text lines
 * "TIME<TAB>TAG<TAB>JSON" (-t) or back-to-back msgpack arrays
 * [tag, time, record] as in fluentd's Message mode (-o).
 */
#ifndef DNS_GAZER_SINK_STREAM_H
#define DNS_GAZER_SINK_STREAM_H

#include <stddef.h>

#include "sink.h"

enum stream_format {
	STREAM_TEXT,
	STREAM_MSGPACK,
};

/*
 * Open a stream sink writing to path ("-" for stdout; a file is created or
 * truncated).  Returns the sink, or NULL with a message in err.
 */
struct sink *sink_stream_open(enum stream_format fmt, const char *path,
                              const struct sink_tags *tags, char *err, size_t errlen);

/* Format epoch seconds as "2015-10-11T02:40:12+00:00" (UTC) into buf. */
void sink_stream_time(int64_t sec, char buf[32]);

#endif /* DNS_GAZER_SINK_STREAM_H */
