/*
 * fuzz_frame - libFuzzer harness for the whole packet path: a captured
 * frame goes through link/IP/UDP/TCP decoding, DNS parsing, pairing,
 * indicator matching (alerts on queries, replies and addresses) and both
 * encoders.  Input: one byte choosing the link type, two bytes of
 * time step, then the frame.  Several inputs share one pipeline, so
 * pairing and table state are exercised across runs.
 */
#include "config.h"

#include <pcap/dlt.h>
#include <stdint.h>
#include <stdlib.h>

#include "gazer.h"
#include "ioc.h"
#include "sink_stream.h"

static const int linktypes[] = {DLT_EN10MB, DLT_RAW, DLT_LINUX_SLL, 276, DLT_NULL, DLT_LOOP,
                                DLT_PPP};

static struct gazer *g;
static struct sink *sinks[2];
static struct stats st;
static struct sink_tags tags;
static struct ioc_set *ioc;
/* Matches much: top-level domains, names below "arpa", private addresses. */
static const char ioc_list[] = "com\tc\nnet\nexample\n*.arpa\n*.local\n10.0.0.0/8\tnet\n"
                               "192.0.2.0/24\n2001:db8::/32\n";
static int64_t now = 1700000000LL * 1000000;

static void setup(void)
{
	char err[256];
	static const uint16_t ports[] = {53, 5353, 5355};
	sink_tags_init(&tags, "fuzz");
	sinks[0] = sink_stream_open(STREAM_TEXT, "/dev/null", &tags, err, sizeof(err));
	sinks[1] = sink_stream_open(STREAM_MSGPACK, "/dev/null", &tags, err, sizeof(err));
	if (!sinks[0] || !sinks[1])
		abort();
	struct gazer_config cfg = {.timeout_us = 2000000, .max_pending = 64, .records = true,
	                           .ports = ports, .nports = 3, .alert_tag = tags.alert};
	g = gazer_new(&cfg, sinks, 2, &st);
	ioc = ioc_set_new();
	if (!g || !ioc ||
	    ioc_set_add_text(ioc, "fuzz", ioc_list, sizeof(ioc_list) - 1, err, sizeof(err)) < 0)
		abort();
	gazer_set_ioc(g, ioc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!g)
		setup();
	if (size < 3)
		return 0;
	int lt = linktypes[data[0] % (sizeof(linktypes) / sizeof(linktypes[0]))];
	now += ((int64_t)data[1] << 8 | data[2]) * 1000;
	gazer_frame(g, lt, now, data + 3, size - 3, size - 3);
	return 0;
}
