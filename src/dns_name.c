/* dns_name.c - name decompression and rendering, see dns_name.h. */
#include "config.h"

#include "dns_name.h"

#include <stdbool.h>
#include <string.h>

enum dns_name_status dns_name_unpack(const uint8_t *msg, size_t len, size_t *pos,
                                     uint8_t out[DNS_NAME_MAXWIRE], size_t *outlen)
{
	size_t p = *pos;
	size_t limit = p; /* a pointer must target an offset below this */
	size_t end = 0;   /* where the name ends at its original place */
	size_t o = 0;

	for (;;) {
		if (p >= len)
			return DNS_NAME_TRUNCATED;
		uint8_t c = msg[p];
		switch (c & 0xC0) {
		case 0xC0: {
			if (len - p < 2)
				return DNS_NAME_TRUNCATED;
			size_t target = ((size_t)(c & 0x3F) << 8) | msg[p + 1];
			if (target >= limit)
				return DNS_NAME_BAD_POINTER;
			if (end == 0)
				end = p + 2;
			limit = target;
			p = target;
			break;
		}
		case 0x00:
			if (c == 0) {
				out[o++] = 0;
				*outlen = o;
				*pos = end ? end : p + 1;
				return DNS_NAME_OK;
			}
			if (len - p - 1 < c)
				return DNS_NAME_TRUNCATED;
			/* room for this label and at least the root label after it */
			if (o + 1 + c + 1 > DNS_NAME_MAXWIRE)
				return DNS_NAME_TOO_LONG;
			memcpy(out + o, msg + p, 1 + (size_t)c);
			o += 1 + (size_t)c;
			p += 1 + (size_t)c;
			break;
		default:
			return DNS_NAME_LABEL_TYPE;
		}
	}
}

/*
 * How a label octet is written: as it is, as \X (the specials that
 * zone-file syntax gives a meaning), or as \DDD (outside 0x21-0x7e).
 */
enum { OCT_PLAIN, OCT_SPECIAL, OCT_DECIMAL };
static const uint8_t octet_form[256] = {
	[0 ... 0x20] = OCT_DECIMAL, [0x7f ... 0xff] = OCT_DECIMAL,
	['.'] = OCT_SPECIAL, ['\\'] = OCT_SPECIAL, ['"'] = OCT_SPECIAL, [';'] = OCT_SPECIAL,
	['('] = OCT_SPECIAL, [')'] = OCT_SPECIAL, ['@'] = OCT_SPECIAL, ['$'] = OCT_SPECIAL,
};

/* Write the presentation of the n label octets at p to o; returns the end. */
static char *put_label(char *o, const uint8_t *p, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		uint8_t c = p[k];
		switch (octet_form[c]) {
		case OCT_PLAIN:
			*o++ = (char)c;
			break;
		case OCT_SPECIAL:
			*o++ = '\\';
			*o++ = (char)c;
			break;
		default:
			*o++ = '\\';
			*o++ = (char)('0' + c / 100);
			*o++ = (char)('0' + c / 10 % 10);
			*o++ = (char)('0' + c % 10);
		}
	}
	return o;
}

/* Write the text of the labels of wire at o (room for 4 * wlen); returns its length. */
static size_t render_labels(char *o, const uint8_t *wire, size_t wlen)
{
	char *start = o;
	size_t i = 0;
	while (i < wlen && wire[i] != 0) {
		size_t n = wire[i++];
		if (n > wlen - i)
			n = wlen - i; /* defensive: never read past wire */
		o = put_label(o, wire + i, n);
		*o++ = '.';
		i += n;
	}
	return (size_t)(o - start);
}

void dns_name_render(struct tbuf *b, const uint8_t *wire, size_t wlen)
{
	if (wlen == 0 || wire[0] == 0) {
		tbuf_putc(b, '.');
		return;
	}
	/*
	 * Each octet takes at most 4 characters (a length octet becomes the
	 * '.'), so the text fits in 4 * wlen: it is written straight into b,
	 * or into a local buffer first when b may be too short.
	 */
	if (!b->overflow && b->cap - 1 - b->len >= 4 * wlen) {
		b->len += render_labels(b->p + b->len, wire, wlen);
		return;
	}
	char local[DNS_NAME_MAXTEXT];
	size_t n = render_labels(local, wire, wlen < DNS_NAME_MAXWIRE ? wlen : DNS_NAME_MAXWIRE);
	tbuf_put(b, local, n);
}

static uint8_t lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/* Read the escape after a backslash at text[*i]; -1 if it is bad. */
static int read_escape(const char *text, size_t len, size_t *i)
{
	if (*i >= len)
		return -1;
	unsigned char c = (unsigned char)text[*i];
	if (c < '0' || c > '9') {
		if (c < 0x21 || c > 0x7E)
			return -1;
		(*i)++;
		return c;
	}
	if (len - *i < 3)
		return -1;
	int v = 0;
	for (int k = 0; k < 3; k++) {
		unsigned char d = (unsigned char)text[*i + (size_t)k];
		if (d < '0' || d > '9')
			return -1;
		v = v * 10 + (d - '0');
	}
	*i += 3;
	return v <= 255 ? v : -1;
}

/* Octets as they may appear in presentation form: plain, '.', '\\', other. */
enum { CH_PLAIN, CH_DOT, CH_ESC, CH_BAD };

static const uint8_t char_class[256] = {
#define C1(c) ((c) == '.' ? CH_DOT : (c) == '\\' ? CH_ESC : ((c) < 0x21 || (c) > 0x7E) ? CH_BAD : CH_PLAIN)
#define C4(c) C1(c), C1((c) + 1), C1((c) + 2), C1((c) + 3)
#define C16(c) C4(c), C4((c) + 4), C4((c) + 8), C4((c) + 12)
#define C64(c) C16(c), C16((c) + 16), C16((c) + 32), C16((c) + 48)
	C64(0), C64(64), C64(128), C64(192)
#undef C64
#undef C16
#undef C4
#undef C1
};

/*
 * Parse one label at text[*i] into out[0..room); returns the octets
 * written, or -1 with *why set.  Stops before the '.' that ends it.
 */
static int parse_label(const char *text, size_t len, size_t *i, uint8_t *out, size_t room,
                       const char **why)
{
	size_t n = 0, j = *i; /* j: a local, so out[] stores cannot alias it */
	size_t limit = room < 63 ? room : 63;
	while (j < len) {
		/* a run of plain octets (most names have nothing else), in a tight loop */
		/* cppcheck-suppress knownConditionTrueFalse ; n < limit holds until a label fills */
		while (j < len && n < limit && char_class[(unsigned char)text[j]] == CH_PLAIN)
			out[n++] = (uint8_t)text[j++];
		if (j == len)
			break;
		unsigned char c = (unsigned char)text[j];
		uint8_t k = char_class[c];
		if (k == CH_DOT)
			break;
		j++;
		int v = c;
		if (k != CH_PLAIN) {
			if (k == CH_BAD) {
				*why = "character outside printable ASCII (write IDNs as xn--)";
				return -1;
			}
			v = read_escape(text, len, &j);
			if (v < 0) {
				*why = "bad escape (want \\DDD with DDD <= 255, or \\X)";
				return -1;
			}
		}
		if (n == limit) {
			*why = room < 63 ? "name longer than 255 octets" : "label longer than 63 octets";
			return -1;
		}
		out[n++] = (uint8_t)v;
	}
	*i = j;
	if (n == 0)
		*why = "empty label";
	return n ? (int)n : -1;
}

const char *dns_name_from_text(const char *text, size_t len, uint8_t out[DNS_NAME_MAXWIRE],
                               size_t *outlen)
{
	if (len == 1 && text[0] == '.') {
		out[0] = 0;
		*outlen = 1;
		return NULL;
	}
	if (len == 0)
		return "empty name";
	size_t o = 0, i = 0;
	const char *why = NULL;
	while (i < len) {
		/* room for the length octet, one octet, and the root label after */
		if (o + 3 > DNS_NAME_MAXWIRE)
			return "name longer than 255 octets";
		int n = parse_label(text, len, &i, out + o + 1, DNS_NAME_MAXWIRE - o - 2, &why);
		if (n < 0)
			return why;
		out[o] = (uint8_t)n;
		o += 1 + (size_t)n;
		i++; /* the '.' (or past the end) */
	}
	out[o++] = 0;
	*outlen = o;
	return NULL;
}

/* ASCII lower case of every octet. */
static const uint8_t lower_tab[256] = {
#define L1(c) ((c) >= 'A' && (c) <= 'Z' ? (c) + 32 : (c))
#define L4(c) L1(c), L1((c) + 1), L1((c) + 2), L1((c) + 3)
#define L16(c) L4(c), L4((c) + 4), L4((c) + 8), L4((c) + 12)
#define L64(c) L16(c), L16((c) + 16), L16((c) + 32), L16((c) + 48)
	L64(0), L64(64), L64(128), L64(192)
#undef L64
#undef L16
#undef L4
#undef L1
};

/*
 * Eight octets lowered at once: 0x20 is added to each octet in 'A'..'Z'
 * (adding to the 7 low bits cannot carry into the next octet; octets with
 * the top bit set are left alone).
 */
static uint64_t lower8(uint64_t w)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	uint64_t low7 = w & (ones * 0x7F);
	uint64_t ge_a = low7 + ones * (0x80 - 'A');  /* top bit: >= 'A' */
	uint64_t gt_z = low7 + ones * (0x7F - 'Z');  /* top bit: >  'Z' */
	uint64_t upper = ge_a & ~gt_z & ~w & (ones * 0x80);
	return w | (upper >> 2);
}

void dns_name_lower(uint8_t *wire, size_t wlen)
{
	/* Length octets are < 64, so lowering them is harmless. */
	size_t i = 0;
	for (; wlen - i >= 8; i += 8) {
		uint64_t w;
		memcpy(&w, wire + i, 8);
		w = lower8(w);
		memcpy(wire + i, &w, 8);
	}
	for (; i < wlen; i++)
		wire[i] = lower_tab[wire[i]];
}

int dns_name_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	if (alen != blen)
		return 0;
	/* a reply almost always repeats the question byte for byte */
	if (memcmp(a, b, alen) == 0)
		return 1;
	/* Length octets are < 64, so lowering them is harmless. */
	for (size_t i = 0; i < alen; i++)
		if (lower(a[i]) != lower(b[i]))
			return 0;
	return 1;
}

const char *dns_name_status_str(enum dns_name_status s)
{
	switch (s) {
	case DNS_NAME_OK: return "ok";
	case DNS_NAME_TRUNCATED: return "truncated";
	case DNS_NAME_BAD_POINTER: return "bad_pointer";
	case DNS_NAME_LABEL_TYPE: return "label_type";
	case DNS_NAME_TOO_LONG: return "too_long";
	}
	return "unknown";
}
