/* sink.c - what all sinks share, see sink.h. */
#include "config.h"

#include "sink.h"

#include <stdio.h>

int sink_tags_init(struct sink_tags *t, const char *prefix)
{
	/* cppcheck-suppress ctuuninitvar ; false positive: *t is only written */
	int a = snprintf(t->tx, sizeof(t->tx), "%s.dns.tx", prefix);
	int b = snprintf(t->record, sizeof(t->record), "%s.dns.record", prefix);
	return (a < 0 || (size_t)a >= sizeof(t->tx) || b < 0 || (size_t)b >= sizeof(t->record)) ? -1
	                                                                                          : 0;
}
