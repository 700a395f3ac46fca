/* dns_edns.c - EDNS(0) fields and options, see dns_edns.h. */
#include "config.h"

#include "dns_edns.h"

#include <string.h>

#include "net_addr.h"
#include "tbuf.h"
#include "wire.h"

const char *dns_edns_field_str(enum edns_field f)
{
	static const char *const names[EDNS_F__COUNT] = {
		[EDNS_F_COOKIE] = "cookie", [EDNS_F_ECS] = "ecs", [EDNS_F_EDE] = "ede",
		[EDNS_F_KEEPALIVE] = "keepalive", [EDNS_F_NSID] = "nsid", [EDNS_F_OTHER] = "other",
		[EDNS_F_PADDING] = "padding",
	};
	return (unsigned)f < EDNS_F__COUNT ? names[f] : "unknown";
}

const char *dns_edns_ede_str(uint16_t code)
{
	/* IANA "Extended DNS Error Codes" registry */
	static const char *const names[] = {
		"Other Error", "Unsupported DNSKEY Algorithm", "Unsupported DS Digest Type",
		"Stale Answer", "Forged Answer", "DNSSEC Indeterminate", "DNSSEC Bogus",
		"Signature Expired", "Signature Not Yet Valid", "DNSKEY Missing", "RRSIGs Missing",
		"No Zone Key Bit Set", "NSEC Missing", "Cached Error", "Not Ready", "Blocked",
		"Censored", "Filtered", "Prohibited", "Stale NXDOMAIN Answer", "Not Authoritative",
		"Not Supported", "No Reachable Authority", "Network Error", "Invalid Data",
		"Signature Expired before Valid", "Too Early", "Unsupported NSEC3 Iterations Value",
		"Unable to conform to policy", "Synthesized", "Invalid Query Type",
	};
	return code < sizeof(names) / sizeof(names[0]) ? names[code] : NULL;
}

/* Client subnet: family, source and scope prefix, then the address cut to the prefix. */
static bool render_ecs(struct tbuf *b, const uint8_t *p, size_t n)
{
	struct wire_rd r;
	wire_rd_init(&r, p, n);
	uint16_t family = wire_u16(&r);
	uint8_t source = wire_u8(&r);
	uint8_t scope = wire_u8(&r);
	size_t alen = family == 1 ? 4 : family == 2 ? 16 : 0;
	size_t got = wire_rd_left(&r);
	if (!wire_rd_ok(&r) || alen == 0 || source > alen * 8 || scope > alen * 8 ||
	    got != ((size_t)source + 7) / 8)
		return false;
	uint8_t addr[16] = {0};
	memcpy(addr, p + 4, got);
	char text[NET_ADDR_TEXT_MAX];
	int tlen = family == 1 ? net_addr_text4(addr, text) : net_addr_text6(addr, text);
	tbuf_put(b, text, (size_t)tlen);
	tbuf_putc(b, '/');
	tbuf_u64(b, source);
	tbuf_putc(b, '/');
	tbuf_u64(b, scope);
	return true;
}

static bool render_ede(struct tbuf *b, const uint8_t *p, size_t n)
{
	if (n < 2)
		return false;
	uint16_t code = (uint16_t)((p[0] << 8) | p[1]);
	const char *name = dns_edns_ede_str(code);
	tbuf_u64(b, code);
	if (name) {
		tbuf_puts(b, " (");
		tbuf_puts(b, name);
		tbuf_putc(b, ')');
	}
	if (n > 2) {
		tbuf_putc(b, ' ');
		tbuf_quoted(b, p + 2, n - 2);
	}
	return true;
}

/* Write one option's value; false when it is malformed (then written as hex). */
static bool render_option(struct tbuf *b, uint16_t code, const uint8_t *p, size_t n)
{
	switch (code) {
	case EDNS_OPT_ECS:
		return render_ecs(b, p, n);
	case EDNS_OPT_EDE:
		return render_ede(b, p, n);
	case EDNS_OPT_KEEPALIVE:
		if (n == 2)
			tbuf_u64(b, (uint64_t)((p[0] << 8) | p[1]));
		return n == 0 || n == 2;
	case EDNS_OPT_PADDING:
		tbuf_u64(b, n);
		return true;
	case EDNS_OPT_COOKIE:
		tbuf_hex(b, p, n);
		return n == 8 || (n >= 16 && n <= 40);
	case EDNS_OPT_NSID:
		tbuf_hex(b, p, n);
		return true;
	default:
		tbuf_u64(b, code);
		tbuf_putc(b, ':');
		tbuf_hex(b, p, n);
		return true;
	}
}

static enum edns_field field_of(uint16_t code)
{
	switch (code) {
	case EDNS_OPT_COOKIE: return EDNS_F_COOKIE;
	case EDNS_OPT_ECS: return EDNS_F_ECS;
	case EDNS_OPT_EDE: return EDNS_F_EDE;
	case EDNS_OPT_KEEPALIVE: return EDNS_F_KEEPALIVE;
	case EDNS_OPT_NSID: return EDNS_F_NSID;
	case EDNS_OPT_PADDING: return EDNS_F_PADDING;
	default: return EDNS_F_OTHER;
	}
}

/* Append "value" to field f, after a space when it already has one. */
static int append(struct dns_edns *e, enum edns_field f, const char *v, size_t n,
                  struct arena *a)
{
	size_t old = e->opt[f] ? strlen(e->opt[f]) : 0;
	char *s = arena_alloc(a, old + (old ? 1 : 0) + n + 1);
	if (!s)
		return -1;
	if (old) {
		memcpy(s, e->opt[f], old);
		s[old++] = ' ';
	}
	memcpy(s + old, v, n);
	s[old + n] = '\0';
	e->opt[f] = s;
	return 0;
}

int dns_edns_parse(struct dns_edns *e, uint16_t rclass, uint32_t ttl, const uint8_t *rdata,
                   size_t rdlen, struct arena *a, char *scratch, size_t scratch_len)
{
	memset(e, 0, sizeof(*e));
	e->present = true;
	e->udp_size = rclass;
	e->ext_rcode = (uint8_t)(ttl >> 24);
	e->version = (uint8_t)(ttl >> 16);
	e->dnssec_ok = (ttl & 0x8000u) != 0;
	e->z = (uint16_t)(ttl & 0x7FFFu);

	struct wire_rd r;
	wire_rd_init(&r, rdata, rdlen);
	int malformed = 0;
	while (wire_rd_left(&r) > 0) {
		uint16_t code = wire_u16(&r);
		uint16_t len = wire_u16(&r);
		const uint8_t *p = wire_bytes(&r, len);
		if (!p)
			return 1; /* option runs past the rdata */
		struct tbuf b;
		tbuf_init(&b, scratch, scratch_len);
		enum edns_field f = field_of(code);
		if (!render_option(&b, code, p, len)) {
			/* keep the bytes, marked as what they claimed to be */
			malformed = 1;
			b.len = 0;
			b.overflow = false;
			tbuf_puts(&b, "\\# ");
			tbuf_u64(&b, len);
			if (len) {
				tbuf_putc(&b, ' ');
				tbuf_hex(&b, p, len);
			}
		}
		if (b.overflow) {
			malformed = 1;
			continue;
		}
		if (append(e, f, b.p, b.len, a) < 0)
			return -1;
	}
	return wire_rd_ok(&r) ? malformed : 1;
}
