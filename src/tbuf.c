/* tbuf.c - text appending, see tbuf.h. */
#include "config.h"

#include "tbuf.h"

#include <string.h>

void tbuf_puts(struct tbuf *b, const char *s)
{
	tbuf_put(b, s, strlen(s));
}

void tbuf_u64(struct tbuf *b, uint64_t v)
{
	char tmp[20];
	size_t n = 0;
	do {
		tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	tbuf_put(b, tmp + sizeof(tmp) - n, n);
}

void tbuf_hex(struct tbuf *b, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";
	if (b->overflow || (b->cap - 1 - b->len) / 2 < n) {
		b->overflow = true;
		return;
	}
	char *o = b->p + b->len;
	for (size_t i = 0; i < n; i++) {
		o[2 * i] = digits[p[i] >> 4];
		o[2 * i + 1] = digits[p[i] & 15];
	}
	b->len += 2 * n;
}

void tbuf_base64(struct tbuf *b, const uint8_t *p, size_t n)
{
	static const char al[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i = 0;
	for (; i + 3 <= n; i += 3) {
		uint32_t v = ((uint32_t)p[i] << 16) | ((uint32_t)p[i + 1] << 8) | p[i + 2];
		char q[4] = {al[v >> 18], al[(v >> 12) & 63], al[(v >> 6) & 63], al[v & 63]};
		tbuf_put(b, q, 4);
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)p[i] << 16;
		char q[4] = {al[v >> 18], al[(v >> 12) & 63], '=', '='};
		tbuf_put(b, q, 4);
	} else if (n - i == 2) {
		uint32_t v = ((uint32_t)p[i] << 16) | ((uint32_t)p[i + 1] << 8);
		char q[4] = {al[v >> 18], al[(v >> 12) & 63], al[(v >> 6) & 63], '='};
		tbuf_put(b, q, 4);
	}
}

void tbuf_quoted(struct tbuf *b, const uint8_t *p, size_t n)
{
	tbuf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = p[i];
		if (ch < 0x20 || ch > 0x7E) {
			char e[4] = {'\\', (char)('0' + ch / 100), (char)('0' + ch / 10 % 10),
			             (char)('0' + ch % 10)};
			tbuf_put(b, e, 4);
		} else {
			if (ch == '"' || ch == '\\')
				tbuf_putc(b, '\\');
			tbuf_putc(b, (char)ch);
		}
	}
	tbuf_putc(b, '"');
}

long tbuf_finish(struct tbuf *b)
{
	if (b->cap == 0)
		return -1;
	b->p[b->len < b->cap ? b->len : b->cap - 1] = '\0';
	return b->overflow ? -1 : (long)b->len;
}
