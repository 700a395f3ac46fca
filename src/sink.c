/* sink.c - what all sinks share, see sink.h. */
#include "config.h"

#include "sink.h"

#include <stdbool.h>
#include <stdio.h>

/* Write PREFIX SUFFIX into buf; false if it does not fit. */
static bool make_tag(char *buf, size_t len, const char *prefix, const char *suffix)
{
	int n = snprintf(buf, len, "%s%s", prefix, suffix);
	return n >= 0 && (size_t)n < len;
}

int sink_tags_init(struct sink_tags *t, const char *prefix)
{
	bool ok = make_tag(t->tx, sizeof(t->tx), prefix, ".dns.tx") &&
	          make_tag(t->record, sizeof(t->record), prefix, ".dns.record") &&
	          make_tag(t->stats, sizeof(t->stats), prefix, ".stats");
	return ok ? 0 : -1;
}
