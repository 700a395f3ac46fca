/*
 * dns_rdata_svcb.c - presentation of SVCB and HTTPS (RFC 9460):
 * "priority target key=value ...".  The SvcParams must be in strictly
 * increasing key order with well-formed values (RFC 9460 2.2, 7 and 8),
 * otherwise the rdata is invalid and shown in the generic form.  Values
 * print as dig prints them: lists unquoted, alpn and opaque values quoted
 * with zone-file escapes.  See dns_rdata_impl.h for the renderer contract.
 */
#include "config.h"

#include <sys/socket.h>

#include "dns_rdata_impl.h"

enum svc_key {
	SVC_MANDATORY = 0, SVC_ALPN = 1, SVC_NO_DEFAULT_ALPN = 2, SVC_PORT = 3,
	SVC_IPV4HINT = 4, SVC_ECH = 5, SVC_IPV6HINT = 6, SVC_DOHPATH = 7, SVC_OHTTP = 8,
	SVC_KNOWN /* keys from here on print as keyNNNNN */
};

/* One SvcParam as read from the wire; the value lies at val[0..len). */
struct svc_param {
	uint16_t key;
	uint16_t len;
	const uint8_t *val;
};

/* The registered key names (IANA "Service Parameter Keys"), else keyNNNNN. */
static void put_key(struct tbuf *b, uint16_t key)
{
	static const char *const names[] = {
		"mandatory", "alpn", "no-default-alpn", "port", "ipv4hint",
		"ech", "ipv6hint", "dohpath", "ohttp",
	};
	if (key < SVC_KNOWN) {
		tbuf_puts(b, names[key]);
	} else {
		tbuf_puts(b, "key");
		tbuf_u64(b, key);
	}
}

static uint16_t get_u16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

/* Read the next SvcParam; false if it does not fit in the rdata. */
static bool read_param(struct wire_rd *r, struct svc_param *sp)
{
	sp->key = wire_u16(r);
	sp->len = wire_u16(r);
	sp->val = wire_bytes(r, sp->len);
	return sp->val != NULL;
}

/*
 * RFC 9460 8: mandatory lists keys in strictly increasing order, never
 * itself, and each must appear among the params that follow (which are
 * read from a copy of the cursor, so nothing is consumed here).
 */
static bool check_mandatory(const struct svc_param *sp, const struct wire_rd *rest)
{
	struct wire_rd r = *rest;
	struct svc_param next = {.key = SVC_MANDATORY};
	if (sp->len == 0 || sp->len % 2)
		return false;
	for (size_t i = 0; i < sp->len; i += 2) {
		uint16_t k = get_u16(sp->val + i);
		if (k == SVC_MANDATORY || (i > 0 && k <= get_u16(sp->val + i - 2)))
			return false;
		while (next.key < k && wire_rd_left(&r) > 0)
			if (!read_param(&r, &next))
				return false;
		if (next.key != k)
			return false;
	}
	return true;
}

static void put_mandatory(struct tbuf *b, const struct svc_param *sp)
{
	for (size_t i = 0; i < sp->len; i += 2) {
		if (i > 0)
			tbuf_putc(b, ',');
		put_key(b, get_u16(sp->val + i));
	}
}

/*
 * alpn: length-prefixed protocol ids, at least one, none empty, printed
 * as a quoted comma-separated list.  A comma or backslash inside an id is
 * escaped for the list (RFC 9460 A.1) and that backslash again for the
 * quoted string, so "f\oo,bar" becomes f\\\\oo\\,bar.
 */
static bool put_alpn(struct tbuf *b, const struct svc_param *sp)
{
	if (sp->len == 0)
		return false;
	tbuf_putc(b, '"');
	for (size_t i = 0; i < sp->len;) {
		size_t n = sp->val[i++];
		if (n == 0 || n > sp->len - i)
			return false;
		if (i > 1)
			tbuf_putc(b, ',');
		for (size_t k = 0; k < n; k++, i++) {
			uint8_t ch = sp->val[i];
			if (ch == ',' || ch == '\\')
				tbuf_puts(b, "\\\\");
			rd_escape(b, &ch, 1);
		}
	}
	tbuf_putc(b, '"');
	return true;
}

/* Addresses of `size` bytes (4 or 16), at least one, comma separated. */
static bool put_hints(struct tbuf *b, const struct svc_param *sp, size_t size)
{
	if (sp->len == 0 || sp->len % size)
		return false;
	for (size_t i = 0; i < sp->len; i += size) {
		if (i > 0)
			tbuf_putc(b, ',');
		rd_put_addr(b, size == 4 ? AF_INET : AF_INET6, sp->val + i);
	}
	return true;
}

/* "=value" for one SvcParam (nothing for flags); false if malformed. */
static bool put_value(struct tbuf *b, const struct svc_param *sp, const struct wire_rd *rest)
{
	switch (sp->key) {
	case SVC_NO_DEFAULT_ALPN: case SVC_OHTTP:
		return sp->len == 0; /* flags carry no value */
	case SVC_PORT:
		if (sp->len != 2)
			return false;
		tbuf_putc(b, '=');
		tbuf_u64(b, get_u16(sp->val));
		return true;
	case SVC_ECH: /* base64; dig shows an empty one as a bare "ech" */
		if (sp->len > 0) {
			tbuf_putc(b, '=');
			tbuf_base64(b, sp->val, sp->len);
		}
		return true;
	default:
		break;
	}
	if (sp->len == 0 && sp->key >= SVC_KNOWN)
		return true; /* an unknown key may have an empty value: "key65000" */
	tbuf_putc(b, '=');
	switch (sp->key) {
	case SVC_MANDATORY:
		if (!check_mandatory(sp, rest))
			return false;
		put_mandatory(b, sp);
		return true;
	case SVC_ALPN:
		return put_alpn(b, sp);
	case SVC_IPV4HINT:
		return put_hints(b, sp, 4);
	case SVC_IPV6HINT:
		return put_hints(b, sp, 16);
	default: /* dohpath and unknown keys: opaque, as a quoted string */
		rd_quote(b, sp->val, sp->len);
		return true;
	}
}

/* priority target params; the target name is never compressed (RFC 9460 2.2). */
static bool render_svcb(struct rd_ctx *c)
{
	rd_u16(c);
	rd_sp(c);
	if (!rd_name_flat(c))
		return false;
	int last = -1;
	while (rd_left(c) > 0) {
		struct svc_param sp;
		if (!read_param(&c->r, &sp) || (int)sp.key <= last)
			return false; /* cut short, repeated or out of order */
		/* no-default-alpn needs alpn (7.1.1), the key just before it */
		if (sp.key == SVC_NO_DEFAULT_ALPN && last != SVC_ALPN)
			return false;
		last = sp.key;
		rd_sp(c);
		put_key(c->b, sp.key);
		if (!put_value(c->b, &sp, &c->r))
			return false;
	}
	return true;
}

int rd_render_svcb(struct rd_ctx *c, uint16_t type)
{
	if (type != RD_T_SVCB && type != RD_T_HTTPS)
		return -1;
	return render_svcb(c);
}
