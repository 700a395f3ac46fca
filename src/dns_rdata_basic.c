/*
 * dns_rdata_basic.c - presentation of the address, name and text types:
 * RFC 1035 and its contemporaries (RFC 1183, 1706, 1712, 1876, 2163, 2874),
 * SRV, NAPTR, APL, ILNP (RFC 6742), EUI48/64, URI, CAA, AMTRELAY and the
 * TXT-shaped types.  See dns_rdata_impl.h for the renderer contract.
 */
#include "config.h"

#include <sys/socket.h>

#include "dns_rdata_impl.h"
#include "dns_types.h"

/* A 16-bit preference, then a name: MX, AFSDB, RT (compressible), KX, LP. */
static bool render_pref_name(struct rd_ctx *c, bool compressible)
{
	rd_u16(c);
	rd_sp(c);
	return compressible ? rd_name(c) : rd_name_flat(c);
}

/* Two names: MINFO and RP (compressible), TALINK. */
static bool render_two_names(struct rd_ctx *c, bool compressible)
{
	bool (*name)(struct rd_ctx *) = compressible ? rd_name : rd_name_flat;
	if (!name(c))
		return false;
	rd_sp(c);
	return name(c);
}

static bool render_soa(struct rd_ctx *c)
{
	if (!render_two_names(c, true))
		return false;
	for (int i = 0; i < 5; i++) {
		rd_sp(c);
		rd_u32(c);
	}
	return true;
}

/* Exactly n <character-string>s: HINFO (2), GPOS (3). */
static bool render_strings(struct rd_ctx *c, int n)
{
	for (int i = 0; i < n; i++) {
		if (i > 0)
			rd_sp(c);
		if (!rd_charstr(c))
			return false;
	}
	return true;
}

/* RFC 1183 3.1: the PSDN address, a DNIC (4 digits) and more digits. */
static bool render_x25(struct rd_ctx *c)
{
	uint8_t n = wire_u8(&c->r);
	const uint8_t *p = wire_bytes(&c->r, n);
	if (!p || n < 4)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	rd_quote(c->b, p, n);
	return true;
}

/* RFC 1183 3.2: ISDN address, then an optional subaddress. */
static bool render_isdn(struct rd_ctx *c)
{
	if (!rd_charstr(c))
		return false;
	if (rd_left(c) == 0)
		return true;
	rd_sp(c);
	return rd_charstr(c);
}

static bool render_srv(struct rd_ctx *c)
{
	for (int i = 0; i < 3; i++) {
		rd_u16(c);
		rd_sp(c);
	}
	return rd_name(c);
}

/* RFC 2163: preference, MAP822, MAPX400. */
static bool render_px(struct rd_ctx *c)
{
	rd_u16(c);
	rd_sp(c);
	return render_two_names(c, true);
}

/* RFC 3403 4.1: order preference "flags" "services" "regexp" replacement. */
static bool render_naptr(struct rd_ctx *c)
{
	rd_u16(c);
	rd_sp(c);
	rd_u16(c);
	for (int i = 0; i < 3; i++) {
		rd_sp(c);
		if (!rd_charstr(c))
			return false;
	}
	rd_sp(c);
	return rd_name(c);
}

/* RFC 1035 3.4.2: address, protocol number, then each port whose bit is set. */
static bool render_wks(struct rd_ctx *c)
{
	if (!rd_ipv4(c))
		return false;
	rd_sp(c);
	rd_u8(c);
	size_t n = rd_left(c);
	const uint8_t *map = wire_bytes(&c->r, n);
	if (!map || n > 65536 / 8)
		return false; /* more bits than ports */
	for (size_t i = 0; i < n * 8; i++) {
		if (map[i / 8] & (0x80 >> (i % 8))) {
			rd_sp(c);
			tbuf_u64(c->b, i);
		}
	}
	return true;
}

/* RFC 1706 5: "0x" and the NSAP in hex. */
static bool render_nsap(struct rd_ctx *c)
{
	size_t n = rd_left(c);
	const uint8_t *p = wire_bytes(&c->r, n);
	if (!p || n == 0)
		return false;
	tbuf_puts(c->b, "0x");
	rd_hex_lower(c->b, p, n, 0);
	return true;
}

/* ATM Forum af-dans-0152.000: an AESA in hex, or "+" and E.164 digits. */
static bool render_atma(struct rd_ctx *c)
{
	uint8_t format = wire_u8(&c->r);
	size_t n = rd_left(c);
	const uint8_t *p = wire_bytes(&c->r, n);
	if (!p || n == 0)
		return false;
	if (format == 0) {
		rd_hex_lower(c->b, p, n, 0);
		return true;
	}
	if (format != 1)
		return false;
	tbuf_putc(c->b, '+');
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		tbuf_putc(c->b, (char)p[i]);
	}
	return true;
}

/*
 * RFC 2874 3.1: prefix length, the address suffix (the octets below the
 * prefix, its unused high bits zero; none when the prefix has all 128
 * bits), and the prefix name unless the prefix is empty.
 */
static bool render_a6(struct rd_ctx *c)
{
	uint8_t plen = wire_u8(&c->r);
	if (plen > 128)
		return false;
	size_t octets = 16 - plen / 8;
	uint8_t addr[16] = {0};
	const uint8_t *p = wire_bytes(&c->r, octets);
	if (!p)
		return false;
	for (size_t i = 0; i < octets; i++)
		addr[16 - octets + i] = p[i];
	if (plen % 8 && (addr[plen / 8] >> (8 - plen % 8)) != 0)
		return false; /* bits of the prefix sent in the suffix */
	tbuf_u64(c->b, plen);
	if (plen < 128) {
		rd_sp(c);
		rd_put_addr(c->b, AF_INET6, addr);
	}
	if (plen == 0)
		return true;
	rd_sp(c);
	return rd_name_flat(c);
}

/* ---- LOC (RFC 1876) ---- */

/*
 * A size or precision octet: mantissa and power of ten of centimetres,
 * digits 0-9, and (as BIND insists) a zero value written only as 0x00.
 */
static bool loc_size(uint8_t v, unsigned *mant, unsigned *exp)
{
	*mant = v >> 4;
	*exp = v & 15;
	return *mant <= 9 && *exp <= 9 && (*mant > 0 || *exp == 0);
}

/*
 * A size or precision in metres, as dig prints it: whole metres from 1 m
 * (10^2 cm) up, else with two decimals ("10m", "0.05m", "0.00m").
 */
static void loc_put_size(struct tbuf *b, unsigned mant, unsigned exp)
{
	uint64_t cm = mant;
	for (unsigned i = 0; i < exp; i++)
		cm *= 10;
	tbuf_u64(b, cm / 100);
	if (exp < 2) {
		tbuf_putc(b, '.');
		rd_dec_pad(b, cm % 100, 2);
	}
	tbuf_putc(b, 'm');
}

/*
 * One coordinate: thousandths of an arc second offset by 2^31, at most
 * `maxdeg` degrees either way; printed "d m s.fff H".
 */
static bool loc_angle(struct tbuf *b, uint32_t raw, uint32_t maxdeg, const char *hemis)
{
	uint32_t mid = UINT32_C(1) << 31;
	uint32_t v = raw >= mid ? raw - mid : mid - raw;
	if (v > maxdeg * UINT32_C(3600000))
		return false;
	tbuf_u64(b, v / 3600000);
	tbuf_putc(b, ' ');
	tbuf_u64(b, v / 60000 % 60);
	tbuf_putc(b, ' ');
	tbuf_u64(b, v / 1000 % 60);
	tbuf_putc(b, '.');
	rd_dec_pad(b, v % 1000, 3);
	tbuf_putc(b, ' ');
	tbuf_putc(b, hemis[raw >= mid ? 0 : 1]);
	return true;
}

/* Altitude: centimetres above a base 100,000 m below the WGS 84 spheroid. */
static void loc_altitude(struct tbuf *b, uint32_t raw)
{
	int64_t cm = (int64_t)raw - 10000000;
	if (cm < 0)
		tbuf_putc(b, '-');
	uint64_t a = (uint64_t)(cm < 0 ? -cm : cm);
	tbuf_u64(b, a / 100);
	tbuf_putc(b, '.');
	rd_dec_pad(b, a % 100, 2);
	tbuf_putc(b, 'm');
}

/* "lat lon alt size hp vp", as dig prints it (every field, always). */
static bool render_loc(struct rd_ctx *c)
{
	uint8_t version = wire_u8(&c->r);
	unsigned mant[3], exp[3];
	bool sizes_ok = true;
	for (int i = 0; i < 3; i++)
		sizes_ok &= loc_size(wire_u8(&c->r), &mant[i], &exp[i]);
	uint32_t lat = wire_u32(&c->r), lon = wire_u32(&c->r), alt = wire_u32(&c->r);
	if (!wire_rd_ok(&c->r) || version != 0 || !sizes_ok)
		return false; /* other versions have another layout */
	if (!loc_angle(c->b, lat, 90, "NS"))
		return false;
	rd_sp(c);
	if (!loc_angle(c->b, lon, 180, "EW"))
		return false;
	rd_sp(c);
	loc_altitude(c->b, alt);
	for (int i = 0; i < 3; i++) {
		rd_sp(c);
		loc_put_size(c->b, mant[i], exp[i]);
	}
	return true;
}

/* ---- APL (RFC 3123) ---- */

/*
 * One item: [!]afi:address/prefix.  The address was sent without its
 * trailing zero octets (which RFC 3123 4 forbids sending) and is padded
 * back with zeros.
 */
static bool apl_item(struct rd_ctx *c)
{
	uint16_t afi = wire_u16(&c->r);
	uint8_t prefix = wire_u8(&c->r);
	uint8_t nlen = wire_u8(&c->r);
	size_t len = nlen & 0x7F;
	const uint8_t *p = wire_bytes(&c->r, len);
	uint8_t addr[16] = {0};
	size_t size = afi == 1 ? 4 : afi == 2 ? 16 : 0;
	if (!p || size == 0 || len > size || prefix > size * 8 || (len > 0 && p[len - 1] == 0))
		return false; /* only IPv4 and IPv6 have a presentation */
	for (size_t i = 0; i < len; i++)
		addr[i] = p[i];
	if (nlen & 0x80)
		tbuf_putc(c->b, '!');
	tbuf_u64(c->b, afi);
	tbuf_putc(c->b, ':');
	rd_put_addr(c->b, afi == 1 ? AF_INET : AF_INET6, addr);
	tbuf_putc(c->b, '/');
	tbuf_u64(c->b, prefix);
	return true;
}

/* Zero or more items, space separated (an empty list is valid). */
static bool render_apl(struct rd_ctx *c)
{
	while (rd_left(c) > 0) {
		if (!apl_item(c))
			return false;
		if (rd_left(c) > 0)
			rd_sp(c);
	}
	return true;
}

/* ---- ILNP (RFC 6742), EUI (RFC 7043) ---- */

/* 64 bits as four colon-separated 16-bit groups in hex, dig style "14:4fff:...". */
static bool put_u64_groups(struct rd_ctx *c)
{
	static const char digits[] = "0123456789abcdef";
	for (int g = 0; g < 4; g++) {
		uint16_t v = wire_u16(&c->r);
		if (g > 0)
			tbuf_putc(c->b, ':');
		bool started = false;
		for (int shift = 12; shift >= 0; shift -= 4) {
			unsigned d = (v >> shift) & 15;
			if (d || started || shift == 0) {
				tbuf_putc(c->b, digits[d]);
				started = true;
			}
		}
	}
	return wire_rd_ok(&c->r);
}

/* NID and L64: preference, then a 64-bit Node ID or Locator. */
static bool render_nid(struct rd_ctx *c)
{
	rd_u16(c);
	rd_sp(c);
	return put_u64_groups(c);
}

/* L32: preference, then a 32-bit Locator written as an IPv4 address. */
static bool render_l32(struct rd_ctx *c)
{
	rd_u16(c);
	rd_sp(c);
	return rd_ipv4(c);
}

/* EUI48 / EUI64: hex pairs joined by "-" (RFC 7043 3 and 4). */
static bool render_eui(struct rd_ctx *c, size_t n)
{
	const uint8_t *p = wire_bytes(&c->r, n);
	if (!p)
		return false;
	rd_hex_lower(c->b, p, n, '-');
	return true;
}

/* ---- URI (RFC 7553), CAA (RFC 8659), AMTRELAY (RFC 8777) ---- */

/*
 * priority weight "target": the target is the rest, without a length
 * octet.  An empty target breaks RFC 7553 4.4 but parses; dig shows "".
 */
static bool render_uri(struct rd_ctx *c)
{
	rd_u16(c);
	rd_sp(c);
	rd_u16(c);
	rd_sp(c);
	size_t n = rd_left(c);
	const uint8_t *p = wire_bytes(&c->r, n);
	if (!p)
		return false;
	rd_quote(c->b, p, n);
	return true;
}

/* flags tag "value": the tag is 1-255 letters and digits (RFC 8659 4.1). */
static bool render_caa(struct rd_ctx *c)
{
	rd_u8(c);
	rd_sp(c);
	uint8_t tlen = wire_u8(&c->r);
	const uint8_t *tag = wire_bytes(&c->r, tlen);
	if (!tag || tlen == 0)
		return false;
	for (size_t i = 0; i < tlen; i++) {
		uint8_t ch = tag[i];
		bool alnum = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
		             (ch >= 'A' && ch <= 'Z');
		if (!alnum)
			return false;
	}
	tbuf_put(c->b, tag, tlen);
	rd_sp(c);
	size_t n = rd_left(c);
	const uint8_t *value = wire_bytes(&c->r, n);
	if (!value)
		return false;
	rd_quote(c->b, value, n);
	return true;
}

/* precedence D-bit type relay; type 0 has no relay and shows "." (4.3). */
static bool render_amtrelay(struct rd_ctx *c)
{
	rd_u8(c);
	rd_sp(c);
	uint8_t dtype = wire_u8(&c->r);
	uint8_t type = dtype & 0x7F;
	tbuf_putc(c->b, dtype & 0x80 ? '1' : '0');
	rd_sp(c);
	tbuf_u64(c->b, type);
	rd_sp(c);
	switch (type) {
	case 0:
		tbuf_putc(c->b, '.');
		return true;
	case 1:
		return rd_ipv4(c);
	case 2:
		return rd_ipv6(c);
	case 3:
		return rd_name_flat(c);
	default:
		return false;
	}
}

/* Types whose rdata is a name, or a preference and a name. */
static int render_name_types(struct rd_ctx *c, uint16_t type)
{
	switch (type) {
	case DNS_T_NS: case DNS_T_MD: case DNS_T_MF: case DNS_T_CNAME: case DNS_T_MB:
	case DNS_T_MG: case DNS_T_MR: case DNS_T_PTR: case DNS_T_DNAME:
		return rd_name(c);
	case RD_T_NSAP_PTR:
		return rd_name_flat(c);
	case DNS_T_SOA:
		return render_soa(c);
	case DNS_T_MX: case RD_T_AFSDB: case RD_T_RT:
		return render_pref_name(c, true);
	case RD_T_KX: case RD_T_LP:
		return render_pref_name(c, false);
	case RD_T_MINFO: case RD_T_RP:
		return render_two_names(c, true);
	case RD_T_TALINK:
		return render_two_names(c, false);
	case DNS_T_SRV:
		return render_srv(c);
	case RD_T_PX:
		return render_px(c);
	case RD_T_NAPTR:
		return render_naptr(c);
	default:
		return -1;
	}
}

/* Types made of character-strings. */
static int render_text_types(struct rd_ctx *c, uint16_t type)
{
	switch (type) {
	case DNS_T_TXT: case DNS_T_SPF: case RD_T_AVC: case RD_T_NINFO: case RD_T_RESINFO:
	case RD_T_WALLET:
		return rd_charstrs(c);
	case RD_T_HINFO:
		return render_strings(c, 2);
	case RD_T_X25:
		return render_x25(c);
	case RD_T_GPOS:
		return render_strings(c, 3);
	case RD_T_ISDN:
		return render_isdn(c);
	case RD_T_URI:
		return render_uri(c);
	case RD_T_CAA:
		return render_caa(c);
	default:
		return -1;
	}
}

/* Types holding addresses of some kind. */
static int render_addr_types(struct rd_ctx *c, uint16_t type)
{
	switch (type) {
	case DNS_T_A:
		return rd_ipv4(c);
	case DNS_T_AAAA:
		return rd_ipv6(c);
	case RD_T_WKS:
		return render_wks(c);
	case RD_T_NSAP:
		return render_nsap(c);
	case RD_T_ATMA:
		return render_atma(c);
	case RD_T_A6:
		return render_a6(c);
	case RD_T_LOC:
		return render_loc(c);
	case RD_T_APL:
		return render_apl(c);
	case RD_T_NID: case RD_T_L64:
		return render_nid(c);
	case RD_T_L32:
		return render_l32(c);
	case RD_T_EUI48:
		return render_eui(c, 6);
	case RD_T_EUI64:
		return render_eui(c, 8);
	case RD_T_AMTRELAY:
		return render_amtrelay(c);
	default:
		return -1;
	}
}

int rd_render_basic(struct rd_ctx *c, uint16_t type)
{
	int r = render_name_types(c, type);
	if (r < 0)
		r = render_text_types(c, type);
	if (r < 0)
		r = render_addr_types(c, type);
	return r;
}
