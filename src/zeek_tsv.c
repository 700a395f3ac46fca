/* zeek_tsv.c - Zeek's ASCII log format, see zeek_tsv.h. */
#include "config.h"

#include "zeek_tsv.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dns_types.h"
#include "encode_json.h"

void zeek_tsv_stamp(int64_t us, char buf[32])
{
	int64_t sec = us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
	time_t t = (time_t)sec;
	struct tm tm;
	if (!gmtime_r(&t, &tm) || strftime(buf, 32, "%Y-%m-%d-%H-%M-%S", &tm) == 0)
		snprintf(buf, 32, "%lld", (long long)sec);
}

void zeek_tsv_header(struct obuf *out, const char *path, const struct zeek_field *f, size_t n,
                     int64_t open_us)
{
	char stamp[32];
	zeek_tsv_stamp(open_us, stamp);
	/* The first line is the only one with a space: it names the separator. */
	obuf_puts(out, "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n"
	               "#unset_field\t-\n#path\t");
	obuf_puts(out, path);
	obuf_puts(out, "\n#open\t");
	obuf_puts(out, stamp);
	obuf_puts(out, "\n#fields");
	for (size_t i = 0; i < n; i++) {
		obuf_putc(out, '\t');
		obuf_puts(out, f[i].name);
	}
	obuf_puts(out, "\n#types");
	for (size_t i = 0; i < n; i++) {
		obuf_putc(out, '\t');
		obuf_puts(out, f[i].type);
	}
	obuf_putc(out, '\n');
}

void zeek_tsv_close(struct obuf *out, int64_t close_us)
{
	char stamp[32];
	zeek_tsv_stamp(close_us, stamp);
	obuf_puts(out, "#close\t");
	obuf_puts(out, stamp);
	obuf_putc(out, '\n');
}

static void put_hex_escape(struct obuf *out, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
	obuf_put(out, e, 4);
}

void zeek_tsv_str(struct obuf *out, const char *s, size_t n, bool element)
{
	if (n == 0) {
		obuf_puts(out, "(empty)");
		return;
	}
	/* "-" and "(empty)" as data would read as unset or empty. */
	bool lookalike = (n == 1 && s[0] == '-') || (n == 7 && memcmp(s, "(empty)", 7) == 0);
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool esc = c < 0x20 || c >= 0x7f || c == '\\' || (element && c == ',') ||
		           (i == 0 && lookalike);
		if (!esc)
			continue;
		obuf_put(out, s + run, i - run);
		run = i + 1;
		if (c == '\\')
			obuf_put(out, "\\\\", 2);
		else
			put_hex_escape(out, c);
	}
	obuf_put(out, s + run, n - run);
}

void zeek_tsv_usec(struct obuf *out, int64_t us)
{
	json_put_usec(out, us); /* the same: seconds with exactly six decimals */
}

void zeek_tsv_uint(struct obuf *out, uint64_t v)
{
	json_put_uint(out, v);
}

void zeek_tsv_bool(struct obuf *out, bool v)
{
	obuf_putc(out, v ? 'T' : 'F');
}

void zeek_tsv_unset(struct obuf *out)
{
	obuf_putc(out, '-');
}

const char *zeek_qclass_name(uint16_t c, char buf[24])
{
	switch (c) {
	case 1: return "C_INTERNET";
	case 2: return "C_CSNET";
	case 3: return "C_CHAOS";
	case 4: return "C_HESIOD";
	case 254: return "C_NONE";
	case 255: return "C_ANY";
	default: snprintf(buf, 24, "qclass-%u", c); return buf;
	}
}

const char *zeek_qtype_name(uint16_t t, char buf[24])
{
	char tmp[16];
	/* Types registered after Zeek's table was written have no name there. */
	bool unnamed = t == 66 || t == 128 || (t >= 258 && t <= 264);
	if (t == 255)
		return "*";
	const char *s = dns_type_str(t, tmp);
	if (unnamed || s == tmp) {
		snprintf(buf, 24, "query-%u", t);
		return buf;
	}
	return s;
}

const char *zeek_rcode_name(uint16_t r, char buf[24])
{
	char tmp[16];
	if (r == 8)
		return "NXRRSet";
	if (r >= 11 && r <= 15) {
		snprintf(buf, 24, "unassigned-%u", r);
		return buf;
	}
	const char *s = dns_rcode_str(r, tmp);
	if (s == tmp) {
		snprintf(buf, 24, "rcode-%u", r);
		return buf;
	}
	return s;
}

const char *zeek_opcode_name(uint8_t op, char buf[24])
{
	static const char *const names[] = {"query", "iquery", "server-status", NULL,
	                                    "notify", "dynamic-update", "dso"};
	if (op < sizeof(names) / sizeof(names[0]) && names[op])
		return names[op];
	snprintf(buf, 24, "opcode-%u", op);
	return buf;
}
