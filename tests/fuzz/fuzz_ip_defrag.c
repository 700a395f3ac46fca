/*
 * fuzz_ip_defrag - libFuzzer harness for IP fragment reassembly.  The
 * input is a sequence of fragments, each: 1 byte (family, id, more flag),
 * 2 bytes offset in 8-byte units, 2 bytes time step (ms), 1 byte length
 * in 8-byte units, then the data.  The memory bound is checked after
 * every fragment and completed datagrams are decoded like the pipeline.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ip_defrag.h"
#include "packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hash_key key = {3, 4};
	struct ip_defrag_config cfg = {.max_datagrams = 8, .max_bytes = 256 * 1024,
	                               .timeout_us = 2000000};
	struct ip_defrag *d = ip_defrag_new(&cfg, &key);
	if (!d)
		return 0;
	int64_t now = 1000000;
	size_t i = 0;
	while (size - i >= 6) {
		struct pkt p;
		memset(&p, 0, sizeof(p));
		uint8_t sel = data[i];
		uint8_t a[16] = {10, 0, 0, 1}, b[16] = {10, 0, 0, 2};
		if (sel & 0x80) {
			net_addr_set6(&p.src, a);
			net_addr_set6(&p.dst, b);
		} else {
			net_addr_set4(&p.src, a);
			net_addr_set4(&p.dst, b);
		}
		p.frag.id = (sel >> 1) & 7;
		p.frag.more = sel & 1;
		p.frag.proto = (sel & 0x40) ? 6 : 17;
		p.frag.offset = ((uint32_t)data[i + 1] << 8 | data[i + 2]) * 8;
		now += ((int64_t)data[i + 3] << 8 | data[i + 4]) * 1000;
		size_t n = (size_t)data[i + 5] * 8;
		i += 6;
		if (n > size - i)
			n = size - i;
		p.payload = data + i;
		p.len = n;
		i += n;
		const uint8_t *dg;
		size_t len;
		if (ip_defrag_add(d, &p, now, &dg, &len) == 1) {
			struct pkt out = p;
			(void)pkt_decode_transport(p.frag.proto, dg, len, &out);
		}
		if (ip_defrag_stats(d)->bytes > cfg.max_bytes)
			abort();
	}
	ip_defrag_expire(d, INT64_MAX / 2);
	ip_defrag_free(d);
	return 0;
}
