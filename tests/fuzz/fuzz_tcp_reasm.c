/*
 * fuzz_tcp_reasm - libFuzzer harness for TCP stream reassembly.  The input
 * is a sequence of segments, each: 1 byte flags/direction, 1 byte flow
 * selector, 4 bytes sequence number, 2 bytes time step (ms), 1 byte data
 * length, then the data.  Delivered messages are checked to lie within
 * the reassembler's bounds.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "packet.h"
#include "tcp_reasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_message(void *ctx, const struct pkt *p, const uint8_t *msg, size_t len,
                       int64_t ts_us)
{
	(void)p;
	(void)ts_us;
	size_t *total = ctx;
	if (len > 65535)
		abort();
	/* touch every byte so ASan sees a bad pointer */
	for (size_t i = 0; i < len; i++)
		*total += msg[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hash_key key = {1, 2};
	struct tcp_reasm_config cfg = {.max_flows = 4, .max_flow_bytes = 4096,
	                               .idle_timeout_us = 5000000, .gap_timeout_us = 1000000};
	struct tcp_reasm *t = tcp_reasm_new(&cfg, &key);
	if (!t)
		return 0;
	size_t total = 0;
	int64_t now = 1000000;
	size_t i = 0;
	while (size - i >= 9) {
		struct pkt p;
		memset(&p, 0, sizeof(p));
		uint8_t flags = data[i], flow = data[i + 1];
		uint8_t a[4] = {10, 0, 0, (uint8_t)(flow & 3)}, b[4] = {10, 0, 1, 53};
		bool reverse = flags & 0x80;
		net_addr_set4(reverse ? &p.dst : &p.src, a);
		net_addr_set4(reverse ? &p.src : &p.dst, b);
		p.sport = reverse ? 53 : (uint16_t)(1000 + (flow >> 2));
		p.dport = reverse ? (uint16_t)(1000 + (flow >> 2)) : 53;
		p.proto = PKT_PROTO_TCP;
		p.tcp_flags = flags & 0x1F;
		p.tcp_seq = (uint32_t)data[i + 2] << 24 | (uint32_t)data[i + 3] << 16 |
		            (uint32_t)data[i + 4] << 8 | data[i + 5];
		now += ((int64_t)data[i + 6] << 8 | data[i + 7]) * 1000;
		size_t n = data[i + 8];
		i += 9;
		if (n > size - i)
			n = size - i;
		p.payload = data + i;
		p.len = n;
		i += n;
		tcp_reasm_segment(t, &p, now, on_message, &total);
		tcp_reasm_expire(t, now, on_message, &total);
		const struct tcp_reasm_stats *st = tcp_reasm_stats(t);
		if (st->active_flows > 2 * cfg.max_flows)
			abort();
	}
	tcp_reasm_flush(t, on_message, &total);
	tcp_reasm_free(t);
	return 0;
}
