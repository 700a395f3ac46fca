/* progress.c - a progress line on a terminal, see progress.h. */
#include "config.h"

#include "progress.h"

#include <inttypes.h>
#include <unistd.h>

#include "clock.h"

#define REDRAW_US 1000000

void progress_init(struct progress *p, FILE *fp, bool enabled)
{
	p->fp = enabled && fp && isatty(fileno(fp)) ? fp : NULL;
	p->start_us = clock_mono_us();
	p->next_us = p->start_us + REDRAW_US;
	p->drawn = false;
}

void progress_update(struct progress *p, int64_t now_us, const char *name, int64_t done,
                     int64_t total, uint64_t packets)
{
	if (!p->fp || now_us < p->next_us || total <= 0)
		return;
	p->next_us = now_us + REDRAW_US;
	double secs = (double)(now_us - p->start_us) / 1e6;
	double mib = 1024.0 * 1024.0;
	/* \r and erase-to-end: the line is redrawn in place */
	fprintf(p->fp, "\r\033[K%s: %s %5.1f%% (%.1f of %.1f MiB), %.0f packets/s", PACKAGE_NAME,
	        name, 100.0 * (double)done / (double)total, (double)done / mib,
	        (double)total / mib, secs > 0 ? (double)packets / secs : 0.0);
	(void)fflush(p->fp); /* a progress line that fails to show loses nothing */
	p->drawn = true;
}

void progress_end(struct progress *p)
{
	if (p->fp && p->drawn) {
		fputs("\r\033[K", p->fp);
		(void)fflush(p->fp);
	}
	p->drawn = false;
}
