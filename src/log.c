/* log.c - operator diagnostics, see log.h. */
#include "config.h"

#include "log.h"

#include <stdarg.h>
#include <stdio.h>

static bool quiet_mode; /* set by log_set_quiet() */

void log_set_quiet(bool quiet)
{
	quiet_mode = quiet;
}

bool log_is_quiet(void)
{
	return quiet_mode;
}

static void vlog(const char *level, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void vlog(const char *level, const char *fmt, va_list ap)
{
	/* One fprintf-built line so concurrent writers cannot interleave it. */
	char line[1024];
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	fprintf(stderr, "%s: %s%s\n", PACKAGE_NAME, level, line);
}

void log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	if (quiet_mode)
		return;
	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

void log_info(const char *fmt, ...)
{
	va_list ap;
	if (quiet_mode)
		return;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}
