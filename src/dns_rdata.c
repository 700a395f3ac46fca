/* dns_rdata.c - rdata presentation, see dns_rdata.h. */
#include "config.h"

#include "dns_rdata.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include "dns_name.h"
#include "dns_types.h"
#include "wire.h"

/*
 * A renderer reads rdata through r (whose base is the whole message, so
 * compressed names resolve) and must consume exactly up to `end`.
 */
struct rd_ctx {
	struct wire_rd r;
	size_t end; /* offset just past the rdata */
	struct tbuf *b;
};

static bool rd_at_end(const struct rd_ctx *c)
{
	return wire_rd_ok(&c->r) && c->r.pos == c->end;
}

/* A name inside rdata; may be compressed, must not run past the rdata. */
static bool rd_name(struct rd_ctx *c)
{
	uint8_t wire[DNS_NAME_MAXWIRE];
	size_t wlen;
	size_t pos = c->r.pos;
	if (!wire_rd_ok(&c->r) || pos >= c->end)
		return false;
	/* Only the bytes up to the rdata end belong to this name's labels. */
	if (dns_name_unpack(c->r.base, c->r.len, &pos, wire, &wlen) != DNS_NAME_OK || pos > c->end)
		return false;
	c->r.pos = pos;
	dns_name_render(c->b, wire, wlen);
	return true;
}

static void rd_u32(struct rd_ctx *c)
{
	tbuf_u64(c->b, wire_u32(&c->r));
}

static void rd_u16(struct rd_ctx *c)
{
	tbuf_u64(c->b, wire_u16(&c->r));
}

static bool render_addr(struct rd_ctx *c, int family, size_t n)
{
	char text[INET6_ADDRSTRLEN];
	const uint8_t *p = wire_bytes(&c->r, n);
	if (!p || c->r.pos != c->end || !inet_ntop(family, p, text, sizeof(text)))
		return false;
	tbuf_puts(c->b, text);
	return true;
}

/* One <character-string>, quoted, with " and \ escaped and non-printables as \DDD. */
static bool rd_charstr(struct rd_ctx *c)
{
	uint8_t n = wire_u8(&c->r);
	const uint8_t *p = wire_bytes(&c->r, n);
	if (!p || c->r.pos > c->end)
		return false;
	tbuf_putc(c->b, '"');
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = p[i];
		if (ch < 0x20 || ch > 0x7E) {
			char e[4] = {'\\', (char)('0' + ch / 100), (char)('0' + ch / 10 % 10),
			             (char)('0' + ch % 10)};
			tbuf_put(c->b, e, 4);
		} else {
			if (ch == '"' || ch == '\\')
				tbuf_putc(c->b, '\\');
			tbuf_putc(c->b, (char)ch);
		}
	}
	tbuf_putc(c->b, '"');
	return true;
}

static bool render_txt(struct rd_ctx *c)
{
	if (c->r.pos == c->end)
		return false; /* TXT holds one or more strings */
	while (c->r.pos < c->end) {
		if (!rd_charstr(c))
			return false;
		if (c->r.pos < c->end)
			tbuf_putc(c->b, ' ');
	}
	return true;
}

static bool render_mx(struct rd_ctx *c)
{
	rd_u16(c);
	tbuf_putc(c->b, ' ');
	return rd_name(c);
}

static bool render_soa(struct rd_ctx *c)
{
	if (!rd_name(c))
		return false;
	tbuf_putc(c->b, ' ');
	if (!rd_name(c))
		return false;
	for (int i = 0; i < 5; i++) {
		tbuf_putc(c->b, ' ');
		rd_u32(c);
	}
	return true;
}

static bool render_srv(struct rd_ctx *c)
{
	for (int i = 0; i < 3; i++) {
		rd_u16(c);
		tbuf_putc(c->b, ' ');
	}
	return rd_name(c);
}

/* Returns -1 when the type has no renderer, else whether it parsed. */
static int render_typed(struct rd_ctx *c, uint16_t type)
{
	switch (type) {
	case DNS_T_A:
		return render_addr(c, AF_INET, 4);
	case DNS_T_AAAA:
		return render_addr(c, AF_INET6, 16);
	case DNS_T_NS: case DNS_T_MD: case DNS_T_MF: case DNS_T_CNAME: case DNS_T_MB:
	case DNS_T_MG: case DNS_T_MR: case DNS_T_PTR: case DNS_T_DNAME:
		return rd_name(c);
	case DNS_T_MX:
		return render_mx(c);
	case DNS_T_SOA:
		return render_soa(c);
	case DNS_T_TXT: case DNS_T_SPF:
		return render_txt(c);
	case DNS_T_SRV:
		return render_srv(c);
	default:
		return -1;
	}
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
	if (typed > 0 && rd_at_end(&c) && !b->overflow)
		return DNS_RDATA_TYPED;
	/* Start again from this rdata's first byte, in the generic form. */
	b->len = start;
	b->overflow = false;
	dns_rdata_render_generic(b, msg + off, rdlen);
	return typed < 0 ? DNS_RDATA_GENERIC : DNS_RDATA_INVALID;
}
