/* log.c - operator diagnostics, see log.h. */
#include "config.h"

#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

static bool quiet_mode; /* set by log_set_quiet() */
static bool to_syslog;  /* set by log_use_syslog() */

void log_use_syslog(void)
{
	openlog(PACKAGE_NAME, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	to_syslog = true;
}

void log_set_quiet(bool quiet)
{
	quiet_mode = quiet;
}

bool log_is_quiet(void)
{
	return quiet_mode;
}

static void put_line(int prio, const char *level, const char *line)
{
	if (to_syslog)
		syslog(prio, "%s%s", level, line);
	else
		fprintf(stderr, "%s: %s%s\n", PACKAGE_NAME, level, line);
}

static void vlog(int prio, const char *level, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void vlog(int prio, const char *level, const char *fmt, va_list ap)
{
	/* One fprintf-built line so concurrent writers cannot interleave it. */
	char line[1024];
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	put_line(prio, level, line);
}

void log_lines(const char *text)
{
	if (!to_syslog) {
		fputs(text, stderr);
		return;
	}
	char line[1024];
	while (*text) {
		size_t n = strcspn(text, "\n");
		snprintf(line, sizeof(line), "%.*s", (int)n, text);
		syslog(LOG_INFO, "%s", line);
		text += n + (text[n] == '\n');
	}
}

void log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(LOG_ERR, "", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	if (quiet_mode)
		return;
	va_start(ap, fmt);
	vlog(LOG_WARNING, "warning: ", fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;
	if (quiet_mode)
		return;
	va_start(ap, fmt);
	vlog(LOG_INFO, "", fmt, ap);
	va_end(ap);
}
