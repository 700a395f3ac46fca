/*
 * dns_rdata_sec.c - presentation of the DNSSEC and key types: DS, DNSKEY,
 * RRSIG, NSEC (RFC 4034), NSEC3/NSEC3PARAM (RFC 5155), CDS/CDNSKEY (RFC
 * 7344), CSYNC (RFC 7477), ZONEMD (RFC 8976), their ancestors KEY, SIG and
 * NXT (RFC 2535), CERT (RFC 4398), SSHFP (RFC 4255), IPSECKEY (RFC 4025),
 * DHCID (RFC 4701), TLSA/SMIMEA (RFC 6698, 8162), HIP (RFC 8005),
 * OPENPGPKEY (RFC 7929), TKEY (RFC 2930) and TSIG (RFC 8945).
 * See dns_rdata_impl.h for the renderer contract.
 */
#include "config.h"

#include "dns_rdata_impl.h"
#include "dns_types.h"

/* ---- shared field forms ---- */

static bool is_leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/*
 * A 32-bit time as YYYYMMDDHHMMSS in UTC (RFC 4034 3.2).  The value is
 * read as seconds since 1970 (1970-2106), not in serial arithmetic around
 * the current time as dig does, so the text never depends on the clock.
 */
static void rd_time(struct rd_ctx *c)
{
	static const uint8_t mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	uint32_t t = wire_u32(&c->r);
	uint32_t days = t / 86400, secs = t % 86400;
	unsigned year = 1970, month = 0;
	while (days >= (is_leap(year) ? 366u : 365u))
		days -= is_leap(year++) ? 366 : 365;
	for (;;) {
		unsigned len = mdays[month] + (month == 1 && is_leap(year));
		if (days < len)
			break;
		days -= len;
		month++;
	}
	struct tbuf *b = c->b;
	rd_dec_pad(b, year, 4);
	rd_dec_pad(b, month + 1, 2);
	rd_dec_pad(b, days + 1, 2);
	rd_dec_pad(b, secs / 3600, 2);
	rd_dec_pad(b, secs / 60 % 60, 2);
	rd_dec_pad(b, secs % 60, 2);
}

/* n bytes as upper-case hex, or "-" when there are none (NSEC3 salt). */
static bool rd_hex_or_dash(struct rd_ctx *c, size_t n)
{
	const uint8_t *p = wire_bytes(&c->r, n);
	if (!p)
		return false;
	if (n == 0)
		tbuf_putc(c->b, '-');
	else
		tbuf_hex(c->b, p, n);
	return true;
}

/* n bytes in base32hex (RFC 4648 7), upper case, without padding (RFC 5155 3.3). */
static bool rd_base32hex(struct rd_ctx *c, size_t n)
{
	static const char al[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
	const uint8_t *p = wire_bytes(&c->r, n);
	if (!p)
		return false;
	uint32_t acc = 0;
	unsigned bits = 0;
	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | p[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			tbuf_putc(c->b, al[(acc >> bits) & 31]);
		}
	}
	if (bits > 0)
		tbuf_putc(c->b, al[(acc << (5 - bits)) & 31]);
	return true;
}

/* One type per set bit; type = base + bit index, most significant bit first. */
static void put_bitmap_types(struct tbuf *b, const uint8_t *map, size_t n, unsigned base)
{
	char buf[16];
	for (size_t i = 0; i < n * 8; i++) {
		if (map[i / 8] & (0x80 >> (i % 8))) {
			tbuf_putc(b, ' ');
			tbuf_puts(b, dns_type_str((uint16_t)(base + i), buf));
		}
	}
}

/*
 * The type bitmap of NSEC, NSEC3 and CSYNC (RFC 4034 4.1.2), each type
 * preceded by a space: windows in increasing order, 1-32 octets each,
 * without trailing zero octets.  NSEC lists at least its own type, so only
 * NSEC3 and CSYNC may have an empty one.
 */
static bool rd_type_bitmap(struct rd_ctx *c, bool allow_empty)
{
	int last = -1;
	if (rd_left(c) == 0)
		return allow_empty;
	while (rd_left(c) > 0) {
		uint8_t win = wire_u8(&c->r);
		uint8_t len = wire_u8(&c->r);
		const uint8_t *map = wire_bytes(&c->r, len);
		if (!map || (int)win <= last || len == 0 || len > 32 || map[len - 1] == 0)
			return false;
		last = win;
		put_bitmap_types(c->b, map, len, win * 256u);
	}
	return true;
}

/* ---- DS, keys, signatures ---- */

/* A digest algorithm and the length of its digests. */
struct rd_digest {
	uint8_t alg;
	uint8_t len;
};

/*
 * The rest of the rdata is a digest in hex: of the length its algorithm
 * gives when the table knows it (as BIND checks), else of any non-zero
 * length.
 */
static bool rd_digest_rest(struct rd_ctx *c, uint8_t alg, const struct rd_digest *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].alg == alg && rd_left(c) != t[i].len)
			return false;
	return rd_hex_rest(c);
}

/*
 * DS, CDS, TA, DLV: key tag, algorithm, digest type, digest in hex; the
 * DS digest types of RFC 3658, 4509, 5933, 6605, 9558 and 9563.
 */
static bool render_ds(struct rd_ctx *c)
{
	static const struct rd_digest digests[] = {
		{1, 20}, {2, 32}, {3, 32}, {4, 48}, {5, 32}, {6, 32},
	};
	rd_u16(c);
	rd_sp(c);
	rd_u8(c);
	rd_sp(c);
	uint8_t type = wire_u8(&c->r);
	tbuf_u64(c->b, type);
	rd_sp(c);
	return rd_digest_rest(c, type, digests, sizeof(digests) / sizeof(digests[0]));
}

/*
 * DNSKEY, CDNSKEY, KEY, RKEY: flags protocol algorithm key.  A KEY whose
 * two top flag bits say "no key" (RFC 2535 3.1.2) has no key data; every
 * other key has some.
 */
static bool render_key(struct rd_ctx *c, bool is_key)
{
	uint16_t flags = wire_u16(&c->r);
	tbuf_u64(c->b, flags);
	rd_sp(c);
	rd_u8(c);
	rd_sp(c);
	rd_u8(c);
	if (is_key && (flags & 0xC000) == 0xC000)
		return rd_left(c) == 0;
	rd_sp(c);
	return rd_base64_rest(c);
}

/*
 * RRSIG and SIG: covered algorithm labels ttl expiration inception tag
 * signer signature.  RRSIG's signer is never compressed (RFC 4034 3.1.7),
 * SIG's may be (RFC 3597 4).  A SIG(0) signature may be empty.
 */
static bool render_sig(struct rd_ctx *c, bool is_rrsig)
{
	rd_type(c);
	rd_sp(c);
	rd_u8(c);
	rd_sp(c);
	rd_u8(c);
	rd_sp(c);
	rd_u32(c);
	rd_sp(c);
	rd_time(c);
	rd_sp(c);
	rd_time(c);
	rd_sp(c);
	rd_u16(c);
	rd_sp(c);
	if (!(is_rrsig ? rd_name_flat(c) : rd_name(c)))
		return false;
	rd_sp(c);
	return rd_base64_rest(c);
}

/*
 * NSEC: next owner name and the types present.  RFC 4034 forbids
 * compressing the name, but multicast DNS does compress it (RFC 6762
 * 18.14) and a passive logger sees both, so a pointer is accepted.
 */
static bool render_nsec(struct rd_ctx *c)
{
	return rd_name(c) && rd_type_bitmap(c, false);
}

/*
 * NXT (RFC 2535 5.2): next name, then a bitmap of types 0-127 whose first
 * bit must be zero (a set bit 0 announces some other format), without
 * trailing zero octets.
 */
static bool render_nxt(struct rd_ctx *c)
{
	if (!rd_name(c))
		return false;
	size_t n = rd_left(c);
	const uint8_t *map = wire_bytes(&c->r, n);
	if (!map || n > 16 || (n > 0 && ((map[0] & 0x80) || map[n - 1] == 0)))
		return false;
	put_bitmap_types(c->b, map, n, 0);
	return true;
}

/* NSEC3 and NSEC3PARAM start alike: algorithm flags iterations salt. */
static bool nsec3_params(struct rd_ctx *c, uint8_t *alg)
{
	*alg = wire_u8(&c->r);
	tbuf_u64(c->b, *alg);
	rd_sp(c);
	rd_u8(c);
	rd_sp(c);
	rd_u16(c);
	rd_sp(c);
	return rd_hex_or_dash(c, wire_u8(&c->r));
}

static bool render_nsec3param(struct rd_ctx *c)
{
	uint8_t alg;
	return nsec3_params(c, &alg);
}

/*
 * NSEC3: parameters, next hashed owner and the types.  The hash has 1-255
 * octets, and 20 for SHA-1, the one algorithm defined (RFC 5155 11).
 */
static bool render_nsec3(struct rd_ctx *c)
{
	uint8_t alg;
	if (!nsec3_params(c, &alg))
		return false;
	rd_sp(c);
	uint8_t hlen = wire_u8(&c->r);
	if (hlen == 0 || (alg == 1 && hlen != 20))
		return false;
	return rd_base32hex(c, hlen) && rd_type_bitmap(c, true);
}

/* CSYNC: SOA serial, flags, the types to synchronise. */
static bool render_csync(struct rd_ctx *c)
{
	rd_u32(c);
	rd_sp(c);
	rd_u16(c);
	return rd_type_bitmap(c, true);
}

/*
 * ZONEMD: serial scheme algorithm digest; SHA384 and SHA512 digests have
 * their length, others at least 12 octets (RFC 8976 2.2.4).
 */
static bool render_zonemd(struct rd_ctx *c)
{
	static const struct rd_digest digests[] = {{1, 48}, {2, 64}};
	rd_u32(c);
	rd_sp(c);
	rd_u8(c);
	rd_sp(c);
	uint8_t alg = wire_u8(&c->r);
	tbuf_u64(c->b, alg);
	rd_sp(c);
	return rd_left(c) >= 12 && rd_digest_rest(c, alg, digests, 2);
}

/* ---- certificates and keys for other protocols ---- */

/* A mnemonic from a small table, else the number. */
struct rd_mnemonic {
	uint16_t num;
	const char *name;
};

static void put_mnemonic(struct tbuf *b, const struct rd_mnemonic *t, size_t n, uint16_t v)
{
	for (size_t i = 0; i < n; i++) {
		if (t[i].num == v) {
			tbuf_puts(b, t[i].name);
			return;
		}
	}
	tbuf_u64(b, v);
}

/*
 * CERT (RFC 4398 2.2): the type and the algorithm take their mnemonics
 * (RFC 4398 2.1, and the DNSSEC algorithm registry) when they have one.
 */
static bool render_cert(struct rd_ctx *c)
{
	static const struct rd_mnemonic types[] = {
		{1, "PKIX"}, {2, "SPKI"}, {3, "PGP"}, {4, "IPKIX"}, {5, "ISPKI"},
		{6, "IPGP"}, {7, "ACPKIX"}, {8, "IACPKIX"}, {253, "URI"}, {254, "OID"},
	};
	static const struct rd_mnemonic algs[] = {
		{1, "RSAMD5"}, {2, "DH"}, {3, "DSA"}, {5, "RSASHA1"}, {6, "NSEC3DSA"},
		{7, "NSEC3RSASHA1"}, {8, "RSASHA256"}, {10, "RSASHA512"}, {12, "ECCGOST"},
		{13, "ECDSAP256SHA256"}, {14, "ECDSAP384SHA384"}, {15, "ED25519"},
		{16, "ED448"}, {252, "INDIRECT"}, {253, "PRIVATEDNS"}, {254, "PRIVATEOID"},
	};
	put_mnemonic(c->b, types, sizeof(types) / sizeof(types[0]), wire_u16(&c->r));
	rd_sp(c);
	rd_u16(c);
	rd_sp(c);
	put_mnemonic(c->b, algs, sizeof(algs) / sizeof(algs[0]), wire_u8(&c->r));
	rd_sp(c);
	return rd_base64_rest(c);
}

/*
 * SSHFP: algorithm type fingerprint, SHA-1 or SHA-256 (RFC 4255, 6594);
 * like dig, a fingerprint of an unknown type may be absent.
 */
static bool render_sshfp(struct rd_ctx *c)
{
	static const struct rd_digest digests[] = {{1, 20}, {2, 32}};
	rd_u8(c);
	rd_sp(c);
	uint8_t type = wire_u8(&c->r);
	tbuf_u64(c->b, type);
	if (rd_left(c) == 0 && type != 1 && type != 2)
		return true;
	rd_sp(c);
	return rd_digest_rest(c, type, digests, 2);
}

/* TLSA/SMIMEA: usage selector matching-type data. */
static bool render_tlsa(struct rd_ctx *c)
{
	for (int i = 0; i < 3; i++) {
		rd_u8(c);
		rd_sp(c);
	}
	return rd_hex_rest(c);
}

/*
 * IPSECKEY (RFC 4025 3): precedence type algorithm gateway [key], the
 * gateway "." (none), an address or a name (never compressed).
 */
static bool render_ipseckey(struct rd_ctx *c)
{
	rd_u8(c);
	rd_sp(c);
	uint8_t gwtype = wire_u8(&c->r);
	tbuf_u64(c->b, gwtype);
	rd_sp(c);
	rd_u8(c);
	rd_sp(c);
	bool ok = false;
	switch (gwtype) {
	case 0:
		tbuf_putc(c->b, '.');
		ok = true;
		break;
	case 1:
		ok = rd_ipv4(c);
		break;
	case 2:
		ok = rd_ipv6(c);
		break;
	case 3:
		ok = rd_name_flat(c);
		break;
	default:
		return false;
	}
	if (!ok || rd_left(c) == 0)
		return ok; /* the key is optional */
	rd_sp(c);
	return rd_base64_rest(c);
}

/*
 * HIP (RFC 8005 3): algorithm HIT(hex) public-key(base64) then any
 * rendezvous servers (names, never compressed).
 */
static bool render_hip(struct rd_ctx *c)
{
	uint8_t hitlen = wire_u8(&c->r);
	uint8_t alg = wire_u8(&c->r);
	uint16_t pklen = wire_u16(&c->r);
	const uint8_t *hit = wire_bytes(&c->r, hitlen);
	if (!hit || hitlen == 0 || pklen == 0)
		return false;
	tbuf_u64(c->b, alg);
	rd_sp(c);
	tbuf_hex(c->b, hit, hitlen);
	rd_sp(c);
	if (!rd_base64_n(c, pklen))
		return false;
	while (rd_left(c) > 0) {
		rd_sp(c);
		if (!rd_name_flat(c))
			return false;
	}
	return true;
}

/* ---- transaction security (meta types, seen in messages only) ---- */

/* An extended (TSIG/TKEY) error: rcode or RFC 8945 mnemonic, else the number. */
static void put_tsig_error(struct tbuf *b, uint16_t err)
{
	static const struct rd_mnemonic errs[] = {
		{0, "NOERROR"}, {1, "FORMERR"}, {2, "SERVFAIL"}, {3, "NXDOMAIN"},
		{4, "NOTIMP"}, {5, "REFUSED"}, {6, "YXDOMAIN"}, {7, "YXRRSET"},
		{8, "NXRRSET"}, {9, "NOTAUTH"}, {10, "NOTZONE"}, {16, "BADSIG"},
		{17, "BADKEY"}, {18, "BADTIME"}, {19, "BADMODE"}, {20, "BADNAME"},
		{21, "BADALG"}, {22, "BADTRUNC"},
	};
	put_mnemonic(b, errs, sizeof(errs) / sizeof(errs[0]), err);
}

/* A 16-bit length and that many bytes: "len" or "len base64". */
static bool rd_sized_base64(struct rd_ctx *c)
{
	uint16_t n = wire_u16(&c->r);
	tbuf_u64(c->b, n);
	if (n == 0)
		return wire_rd_ok(&c->r);
	rd_sp(c);
	return rd_base64_n(c, n);
}

/*
 * TSIG (RFC 8945 4.2): algorithm time-signed fudge mac-size mac
 * original-id error other-len other, the time as a decimal 48-bit number.
 */
static bool render_tsig(struct rd_ctx *c)
{
	if (!rd_name_flat(c))
		return false;
	rd_sp(c);
	uint64_t hi = wire_u16(&c->r);
	tbuf_u64(c->b, hi << 32 | wire_u32(&c->r));
	rd_sp(c);
	rd_u16(c);
	rd_sp(c);
	if (!rd_sized_base64(c))
		return false;
	rd_sp(c);
	rd_u16(c);
	rd_sp(c);
	put_tsig_error(c->b, wire_u16(&c->r));
	rd_sp(c);
	return rd_sized_base64(c);
}

/*
 * TKEY (RFC 2930 2): algorithm inception expiration mode error key-size
 * key other-size other, the times as decimal seconds as dig prints them.
 */
static bool render_tkey(struct rd_ctx *c)
{
	if (!rd_name_flat(c))
		return false;
	for (int i = 0; i < 2; i++) {
		rd_sp(c);
		rd_u32(c);
	}
	rd_sp(c);
	rd_u16(c);
	rd_sp(c);
	put_tsig_error(c->b, wire_u16(&c->r));
	rd_sp(c);
	if (!rd_sized_base64(c))
		return false;
	rd_sp(c);
	return rd_sized_base64(c);
}

/* DNSSEC proper. */
static int render_dnssec(struct rd_ctx *c, uint16_t type)
{
	switch (type) {
	case RD_T_DS: case RD_T_CDS: case RD_T_TA: case RD_T_DLV:
		return render_ds(c);
	case RD_T_DNSKEY: case RD_T_CDNSKEY: case RD_T_RKEY:
		return render_key(c, false);
	case RD_T_KEY:
		return render_key(c, true);
	case RD_T_RRSIG:
		return render_sig(c, true);
	case RD_T_SIG:
		return render_sig(c, false);
	case RD_T_NSEC:
		return render_nsec(c);
	case RD_T_NXT:
		return render_nxt(c);
	case RD_T_NSEC3:
		return render_nsec3(c);
	case RD_T_NSEC3PARAM:
		return render_nsec3param(c);
	case RD_T_CSYNC:
		return render_csync(c);
	case RD_T_ZONEMD:
		return render_zonemd(c);
	default:
		return -1;
	}
}

int rd_render_sec(struct rd_ctx *c, uint16_t type)
{
	switch (type) {
	case RD_T_CERT:
		return render_cert(c);
	case RD_T_SSHFP:
		return render_sshfp(c);
	case RD_T_TLSA: case RD_T_SMIMEA:
		return render_tlsa(c);
	case RD_T_IPSECKEY:
		return render_ipseckey(c);
	case RD_T_HIP:
		return render_hip(c);
	case RD_T_DHCID: case RD_T_OPENPGPKEY:
		return rd_base64_rest(c);
	case RD_T_TSIG:
		return render_tsig(c);
	case RD_T_TKEY:
		return render_tkey(c);
	default:
		return render_dnssec(c, type);
	}
}
