/*
 * log.h - diagnostics for the operator.  Messages go to stderr prefixed
 * with the program name, or to syslog as a daemon; log_info() is silenced
 * by -q.  Never called per
 * packet: per-packet problems are counted (stats.h).
 */
#ifndef DNS_GAZER_LOG_H
#define DNS_GAZER_LOG_H

#include <stdbool.h>

#define LOG_PRINTF(f, a) __attribute__((format(printf, f, a)))

/*
 * Send diagnostics to syslog (daemon facility) instead of stderr, for a
 * daemon whose stderr is /dev/null.
 */
void log_use_syslog(void);

/*
 * Text of several lines (the statistics), each as one line at info level;
 * not silenced by -q, since it is written on request.
 */
void log_lines(const char *text);

/* Silence log_info() (and progress output). */
void log_set_quiet(bool quiet);
bool log_is_quiet(void);

void log_error(const char *fmt, ...) LOG_PRINTF(1, 2);
void log_warn(const char *fmt, ...) LOG_PRINTF(1, 2);
void log_info(const char *fmt, ...) LOG_PRINTF(1, 2);

#endif /* DNS_GAZER_LOG_H */
