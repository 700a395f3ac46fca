/* net_addr.c - address formatting, see net_addr.h. */
#include "config.h"

#include "net_addr.h"

/*
 * The decimal text of each byte value, padded to 4 bytes with its length
 * in the last one: a byte is written with one 4-byte copy.
 */
static const char byte_text[256][4] = {
#define D1(v) {(char)('0' + (v)), 0, 0, 1}
#define D2(v) {(char)('0' + (v) / 10), (char)('0' + (v) % 10), 0, 2}
#define D3(v) {(char)('0' + (v) / 100), (char)('0' + (v) / 10 % 10), (char)('0' + (v) % 10), 3}
#define ROW1(t)                                                                    \
	D1((t) + 0), D1((t) + 1), D1((t) + 2), D1((t) + 3), D1((t) + 4), D1((t) + 5), \
	    D1((t) + 6), D1((t) + 7), D1((t) + 8), D1((t) + 9)
#define ROW2(t)                                                                    \
	D2((t) + 0), D2((t) + 1), D2((t) + 2), D2((t) + 3), D2((t) + 4), D2((t) + 5), \
	    D2((t) + 6), D2((t) + 7), D2((t) + 8), D2((t) + 9)
#define ROW3(t)                                                                    \
	D3((t) + 0), D3((t) + 1), D3((t) + 2), D3((t) + 3), D3((t) + 4), D3((t) + 5), \
	    D3((t) + 6), D3((t) + 7), D3((t) + 8), D3((t) + 9)
	ROW1(0), ROW2(10), ROW2(20), ROW2(30), ROW2(40), ROW2(50), ROW2(60), ROW2(70), ROW2(80),
	ROW2(90), ROW3(100), ROW3(110), ROW3(120), ROW3(130), ROW3(140), ROW3(150), ROW3(160),
	ROW3(170), ROW3(180), ROW3(190), ROW3(200), ROW3(210), ROW3(220), ROW3(230), ROW3(240),
	D3(250), D3(251), D3(252), D3(253), D3(254), D3(255),
#undef D1
#undef D2
#undef D3
#undef ROW1
#undef ROW2
#undef ROW3
};

/* Append a.b.c.d (the output has room for 4 bytes per byte); returns the end. */
static char *put_quad(char *o, const uint8_t *p)
{
	for (int i = 0; i < 4; i++) {
		const char *t = byte_text[p[i]];
		memcpy(o, t, 4);
		o += t[3];
		*o++ = '.';
	}
	return o - 1;
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
