/* net_addr.c - address formatting, see net_addr.h. */
#include "config.h"

#include "net_addr.h"

/* Append the decimal form of v (0-255); returns the end. */
static char *put_byte(char *o, unsigned v)
{
	if (v >= 100)
		*o++ = (char)('0' + v / 100);
	if (v >= 10)
		*o++ = (char)('0' + v / 10 % 10);
	*o++ = (char)('0' + v % 10);
	return o;
}

static char *put_quad(char *o, const uint8_t *p)
{
	for (int i = 0; i < 4; i++) {
		if (i > 0)
			*o++ = '.';
		o = put_byte(o, p[i]);
	}
	return o;
}

/* Append v (a 16-bit group) in lower-case hex without leading zeros. */
static char *put_group(char *o, unsigned v)
{
	static const char hex[] = "0123456789abcdef";
	int shift = 12;
	while (shift > 0 && (v >> shift) == 0)
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		*o++ = hex[(v >> shift) & 15];
	return o;
}

int net_addr_text4(const uint8_t *p, char buf[NET_ADDR_TEXT_MAX])
{
	char *o = put_quad(buf, p);
	*o = '\0';
	return (int)(o - buf);
}

int net_addr_text6(const uint8_t *p, char buf[NET_ADDR_TEXT_MAX])
{
	unsigned g[8];
	for (int i = 0; i < 8; i++)
		g[i] = (unsigned)p[2 * i] << 8 | p[2 * i + 1];

	/* The first longest run of two or more zero groups becomes "::". */
	int best = -1, best_len = 0;
	for (int i = 0; i < 8;) {
		int j = i;
		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > best_len && j - i >= 2) {
			best = i;
			best_len = j - i;
		}
		i = j > i ? j : i + 1;
	}

	char *o = buf;
	for (int i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + best_len) {
			if (i == best)
				*o++ = ':';
			continue;
		}
		if (i > 0)
			*o++ = ':';
		/* ::a.b.c.d and ::ffff:a.b.c.d keep their IPv4 part dotted */
		if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && g[5] == 0xffff))) {
			o = put_quad(o, p + 12);
			*o = '\0';
			return (int)(o - buf);
		}
		o = put_group(o, g[i]);
	}
	if (best >= 0 && best + best_len == 8)
		*o++ = ':';
	*o = '\0';
	return (int)(o - buf);
}

int net_addr_format(const struct net_addr *a, char buf[NET_ADDR_TEXT_MAX])
{
	return a->family == 4 ? net_addr_text4(a->bytes, buf) : net_addr_text6(a->bytes, buf);
}
