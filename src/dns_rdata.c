/*
 * dns_rdata.c - rdata presentation, see dns_rdata.h: the entry points and
 * the field readers the type renderers share (dns_rdata_impl.h).
 */
#include "config.h"

#include "dns_rdata.h"

#include <sys/socket.h>

#include "dns_name.h"
#include "dns_rdata_impl.h"
#include "dns_types.h"
#include "net_addr.h"
#include "wire.h"

size_t rd_left(const struct rd_ctx *c)
{
	return wire_rd_left(&c->r);
}

void rd_sp(struct rd_ctx *c)
{
	tbuf_putc(c->b, ' ');
}

void rd_u8(struct rd_ctx *c)
{
	tbuf_u64(c->b, wire_u8(&c->r));
}

void rd_u16(struct rd_ctx *c)
{
	tbuf_u64(c->b, wire_u16(&c->r));
}

void rd_u32(struct rd_ctx *c)
{
	tbuf_u64(c->b, wire_u32(&c->r));
}

/*
 * Read a name at the cursor; *flat tells whether it was written out in
 * full (no compression pointer), which is when its wire form is exactly
 * as long as the bytes it occupies in the rdata.
 */
static bool read_name(struct rd_ctx *c, bool *flat)
{
	uint8_t wire[DNS_NAME_MAXWIRE];
	size_t wlen;
	size_t pos = c->r.pos;
	/* The reader's length is the rdata end, so no label can run past it. */
	if (!wire_rd_ok(&c->r) || pos >= c->end ||
	    dns_name_unpack(c->r.base, c->r.len, &pos, wire, &wlen) != DNS_NAME_OK)
		return false;
	*flat = pos - c->r.pos == wlen;
	c->r.pos = pos;
	dns_name_render(c->b, wire, wlen);
	return true;
}

bool rd_name(struct rd_ctx *c)
{
	bool flat;
	return read_name(c, &flat);
}

bool rd_name_flat(struct rd_ctx *c)
{
	bool flat;
	return read_name(c, &flat) && flat;
}

void rd_escape(struct tbuf *b, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = p[i];
		if (ch < 0x20 || ch > 0x7E) {
			tbuf_putc(b, '\\');
			rd_dec_pad(b, ch, 3);
		} else {
			if (ch == '"' || ch == '\\')
				tbuf_putc(b, '\\');
			tbuf_putc(b, (char)ch);
		}
	}
}

void rd_quote(struct tbuf *b, const uint8_t *p, size_t n)
{
	tbuf_putc(b, '"');
	rd_escape(b, p, n);
	tbuf_putc(b, '"');
}

bool rd_charstr(struct rd_ctx *c)
{
	uint8_t n = wire_u8(&c->r);
	const uint8_t *p = wire_bytes(&c->r, n);
	if (!p)
		return false;
	rd_quote(c->b, p, n);
	return true;
}

bool rd_charstrs(struct rd_ctx *c)
{
	if (rd_left(c) == 0)
		return false; /* at least one string, even if empty */
	while (rd_left(c) > 0) {
		if (!rd_charstr(c))
			return false;
		if (rd_left(c) > 0)
			rd_sp(c);
	}
	return true;
}

void rd_put_addr(struct tbuf *b, int family, const uint8_t *p)
{
	char text[NET_ADDR_TEXT_MAX];
	int n = family == AF_INET ? net_addr_text4(p, text) : net_addr_text6(p, text);
	tbuf_put(b, text, (size_t)n);
}

bool rd_ipv4(struct rd_ctx *c)
{
	const uint8_t *p = wire_bytes(&c->r, 4);
	if (p)
		rd_put_addr(c->b, AF_INET, p);
	return p != NULL;
}

bool rd_ipv6(struct rd_ctx *c)
{
	const uint8_t *p = wire_bytes(&c->r, 16);
	if (p)
		rd_put_addr(c->b, AF_INET6, p);
	return p != NULL;
}

bool rd_hex_rest(struct rd_ctx *c)
{
	size_t n = rd_left(c);
	const uint8_t *p = wire_bytes(&c->r, n);
	if (!p || n == 0)
		return false; /* presentation has no token for "no bytes" */
	tbuf_hex(c->b, p, n);
	return true;
}

bool rd_base64_n(struct rd_ctx *c, size_t n)
{
	const uint8_t *p = wire_bytes(&c->r, n);
	if (!p)
		return false;
	tbuf_base64(c->b, p, n);
	return true;
}

bool rd_base64_rest(struct rd_ctx *c)
{
	size_t n = rd_left(c);
	return n > 0 && rd_base64_n(c, n);
}

void rd_type(struct rd_ctx *c)
{
	char buf[16];
	tbuf_puts(c->b, dns_type_str(wire_u16(&c->r), buf));
}

void rd_dec_pad(struct tbuf *b, uint64_t v, unsigned width)
{
	uint64_t lim = 1;
	for (unsigned i = 1; i < width; i++) {
		lim *= 10;
		if (v < lim)
			tbuf_putc(b, '0');
	}
	tbuf_u64(b, v);
}

void rd_hex_lower(struct tbuf *b, const uint8_t *p, size_t n, char sep)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		if (sep && i > 0)
			tbuf_putc(b, sep);
		char two[2] = {digits[p[i] >> 4], digits[p[i] & 15]};
		tbuf_put(b, two, 2);
	}
}

/* Returns -1 when the type has no renderer, else whether it parsed. */
static int render_typed(struct rd_ctx *c, uint16_t type)
{
	int r = rd_render_basic(c, type);
	if (r < 0)
		r = rd_render_sec(c, type);
	if (r < 0)
		r = rd_render_svcb(c, type);
	return r;
}

void dns_rdata_render_generic(struct tbuf *b, const uint8_t *rdata, size_t rdlen)
{
	tbuf_puts(b, "\\# ");
	tbuf_u64(b, rdlen);
	if (rdlen) {
		tbuf_putc(b, ' ');
		tbuf_hex(b, rdata, rdlen);
	}
}

enum dns_rdata_form dns_rdata_render(struct tbuf *b, uint16_t type, const uint8_t *msg,
                                     size_t msglen, size_t off, size_t rdlen)
{
	if (off > msglen || rdlen > msglen - off) {
		tbuf_puts(b, "\\# 0");
		return DNS_RDATA_INVALID;
	}
	size_t start = b->len;
	struct rd_ctx c = {.end = off + rdlen, .b = b};
	/* Reads may look back for compression targets, never past the rdata. */
	wire_rd_init(&c.r, msg, off + rdlen);
	c.r.pos = off;
	int typed = render_typed(&c, type);
	if (typed > 0 && wire_rd_ok(&c.r) && c.r.pos == c.end && !b->overflow)
		return DNS_RDATA_TYPED;
	/* Start again from this rdata's first byte, in the generic form. */
	b->len = start;
	b->overflow = false;
	dns_rdata_render_generic(b, msg + off, rdlen);
	return typed < 0 ? DNS_RDATA_GENERIC : DNS_RDATA_INVALID;
}
