/* packet.c - link, IP and UDP decoding, see packet.h. */
#include "config.h"

#include "packet.h"

#include <pcap/dlt.h>

#include "wire.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86DD
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88A8
#define ETHERTYPE_QINQ_OLD 0x9100

#define PROTO_HOPOPTS 0
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ROUTING 43
#define PROTO_FRAGMENT 44
#define PROTO_AH 51
#define PROTO_DSTOPTS 60
#define PROTO_MOBILITY 135
#define PROTO_HIP 139
#define PROTO_SHIM6 140

#define ETHERTYPE_PPPOE_SESSION 0x8864
#define ETHERTYPE_MPLS 0x8847
#define ETHERTYPE_MPLS_MULTI 0x8848
#define ETHERTYPE_TEB 0x6558        /* transparent Ethernet bridging */
#define ETHERTYPE_ERSPAN_2 0x88BE   /* ERSPAN type I (no sequence) and II */
#define ETHERTYPE_ERSPAN_3 0x22EB
#define ETHERTYPE_PPP 0x880B        /* PPTP's enhanced GRE */

#define PPP_IPV4 0x0021
#define PPP_IPV6 0x0057

#define PROTO_IPIP 4
#define PROTO_IPV6_IN_IP 41
#define PROTO_GRE 47

#define PORT_VXLAN 4789
#define PORT_GENEVE 6081

#define MAX_VLAN_TAGS 8
#define MAX_TUNNELS 4 /* nested encapsulations followed */
#define MAX_MPLS_LABELS 16
#define MAX_IPV6_EXT 16

#ifndef DLT_PPP_SERIAL
#define DLT_PPP_SERIAL 50
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif
#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

/* BSD address family values for IPv6 differ between systems. */
#define BSD_AF_INET 2
#define BSD_AF_INET6_BSD 24
#define BSD_AF_INET6_FREEBSD 28
#define BSD_AF_INET6_DARWIN 30

/*
 * Encapsulation makes the decoders from here to decode_ethernet() mutually
 * recursive.  Every cycle passes an enter_tunnel() check, so the depth
 * stays within MAX_TUNNELS.  NOLINTBEGIN(misc-no-recursion)
 */
static enum pkt_status decode_ethernet(struct wire_rd *r, struct pkt *out);
static enum pkt_status decode_ethertype(struct wire_rd *r, uint16_t type, struct pkt *out);
static enum pkt_status decode_ipv4(struct wire_rd *r, struct pkt *out);
static enum pkt_status decode_ipv6(struct wire_rd *r, struct pkt *out);

/* Count one more encapsulation; false when there are too many. */
static bool enter_tunnel(struct pkt *out)
{
	return ++out->tunnels <= MAX_TUNNELS;
}

/* VXLAN (RFC 7348): 8-byte header, then an Ethernet frame. */
static enum pkt_status decode_vxlan(struct wire_rd *r, struct pkt *out)
{
	uint8_t flags = wire_u8(r);
	wire_skip(r, 7);
	if (!wire_rd_ok(r) || !(flags & 0x08)) /* the I flag: a valid VNI */
		return PKT_TUNNEL_BAD;
	return decode_ethernet(r, out);
}

/* Geneve (RFC 8926): header, options, then the protocol it names. */
static enum pkt_status decode_geneve(struct wire_rd *r, struct pkt *out)
{
	uint8_t verlen = wire_u8(r);
	wire_skip(r, 1);
	uint16_t proto = wire_u16(r);
	wire_skip(r, 4 + (size_t)(verlen & 0x3F) * 4); /* VNI, reserved, options */
	if (!wire_rd_ok(r) || (verlen >> 6) != 0)
		return PKT_TUNNEL_BAD;
	return proto == ETHERTYPE_TEB ? decode_ethernet(r, out) : decode_ethertype(r, proto, out);
}

static enum pkt_status decode_udp(struct wire_rd *r, struct pkt *out, bool truncated)
{
	out->sport = wire_u16(r);
	out->dport = wire_u16(r);
	uint16_t ulen = wire_u16(r);
	wire_skip(r, 2); /* checksum: a passive logger cannot verify offloaded sums */
	if (!wire_rd_ok(r) || ulen < 8)
		return PKT_UDP_BAD;
	size_t avail = wire_rd_left(r);
	size_t want = (size_t)ulen - 8;
	if (out->dport == PORT_VXLAN || out->dport == PORT_GENEVE) {
		/*
		 * A resolver may pick 4789 or 6081 as its random client port: what
		 * does not decode as a tunnel is taken as the plain UDP payload it
		 * then is (the port check downstream decides if it is DNS).
		 */
		struct pkt outer = *out;
		struct wire_rd inner = *r;
		inner.len = r->pos + (want < avail ? want : avail);
		if (enter_tunnel(out)) {
			enum pkt_status s = out->dport == PORT_VXLAN ? decode_vxlan(&inner, out)
			                                             : decode_geneve(&inner, out);
			if (s == PKT_OK || s == PKT_FRAGMENT)
				return s;
		}
		*out = outer;
	}
	out->proto = PROTO_UDP;
	out->payload = r->base + r->pos;
	out->truncated = truncated || want > avail;
	out->len = want < avail ? want : avail;
	return PKT_OK;
}

static enum pkt_status decode_tcp(struct wire_rd *r, struct pkt *out, bool truncated)
{
	out->sport = wire_u16(r);
	out->dport = wire_u16(r);
	out->tcp_seq = wire_u32(r);
	out->tcp_ack = wire_u32(r);
	uint8_t off = wire_u8(r);
	out->tcp_flags = wire_u8(r);
	size_t hlen = (size_t)(off >> 4) * 4;
	if (!wire_rd_ok(r) || hlen < 20)
		return PKT_TCP_BAD;
	wire_skip(r, hlen - 14); /* window, checksum, urgent pointer, options */
	if (!wire_rd_ok(r))
		return PKT_TCP_BAD;
	out->proto = PROTO_TCP;
	out->payload = r->base + r->pos;
	out->len = wire_rd_left(r);
	out->truncated = truncated;
	return PKT_OK;
}

/* PPP (RFC 1661): optional address/control, then a 1- or 2-byte protocol. */
static enum pkt_status decode_ppp(struct wire_rd *r, struct pkt *out)
{
	uint16_t proto;
	if (wire_peek_u16(r, r->pos, &proto) && proto == 0xFF03)
		wire_skip(r, 2);
	proto = wire_u8(r);
	if (!(proto & 1)) /* protocol field compression: odd low byte ends it */
		proto = (uint16_t)((proto << 8) | wire_u8(r));
	if (!wire_rd_ok(r))
		return PKT_LINK_SHORT;
	if (proto == PPP_IPV4)
		return decode_ipv4(r, out);
	if (proto == PPP_IPV6)
		return decode_ipv6(r, out);
	return PKT_NOT_IP;
}

/* GRE (RFC 2784, 2890; version 1 as PPTP uses it, RFC 2637) and ERSPAN. */
static enum pkt_status decode_gre(struct wire_rd *r, struct pkt *out)
{
	uint16_t flags = wire_u16(r);
	uint16_t proto = wire_u16(r);
	bool seq = (flags & 0x1000) != 0;
	wire_skip(r, ((flags & 0x8000) ? 4 : 0) + ((flags & 0x2000) ? 4 : 0) + (seq ? 4 : 0) +
	                 ((flags & 7) == 1 && (flags & 0x0080) ? 4 : 0)); /* v1 acknowledgment */
	if (!wire_rd_ok(r) || (flags & 7) > 1)
		return PKT_TUNNEL_BAD;
	switch (proto) {
	case ETHERTYPE_TEB:
		return decode_ethernet(r, out);
	case ETHERTYPE_ERSPAN_2:
		if (seq)
			wire_skip(r, 8); /* type II header; type I has none */
		return decode_ethernet(r, out);
	case ETHERTYPE_ERSPAN_3: {
		wire_skip(r, 11);
		uint8_t last = wire_u8(r);
		if (last & 1) /* O bit: an 8-byte platform sub-header follows */
			wire_skip(r, 8);
		return wire_rd_ok(r) ? decode_ethernet(r, out) : PKT_TUNNEL_BAD;
	}
	case ETHERTYPE_PPP:
		return decode_ppp(r, out);
	default:
		return decode_ethertype(r, proto, out);
	}
}

/* Dispatch on the transport protocol with r positioned at its header. */
static enum pkt_status decode_transport(struct wire_rd *r, uint8_t proto, struct pkt *out,
                                        bool truncated)
{
	switch (proto) {
	case PROTO_UDP:
		return decode_udp(r, out, truncated);
	case PROTO_TCP:
		return decode_tcp(r, out, truncated);
	case PROTO_GRE:
		return enter_tunnel(out) ? decode_gre(r, out) : PKT_TUNNEL_DEPTH;
	case PROTO_IPIP:
		return enter_tunnel(out) ? decode_ipv4(r, out) : PKT_TUNNEL_DEPTH;
	case PROTO_IPV6_IN_IP:
		return enter_tunnel(out) ? decode_ipv6(r, out) : PKT_TUNNEL_DEPTH;
	default:
		return PKT_OTHER_PROTO;
	}
}

enum pkt_status pkt_decode_transport(uint8_t proto, const uint8_t *data, size_t len,
                                     struct pkt *out)
{
	struct wire_rd r;
	wire_rd_init(&r, data, len);
	out->truncated = false;
	out->tunnels = 0;
	return decode_transport(&r, proto, out, false);
}

/* Describe a fragment whose data starts at r's position. */
static enum pkt_status fragment(struct wire_rd *r, struct pkt *out, uint32_t id,
                                uint32_t offset, bool more, uint8_t proto, bool truncated)
{
	out->frag.id = id;
	out->frag.offset = offset;
	out->frag.more = more;
	out->frag.proto = proto;
	out->payload = r->base + r->pos;
	out->len = wire_rd_left(r);
	out->truncated = truncated;
	return PKT_FRAGMENT;
}

/* Limit r to the first n bytes from its position; note if fewer were captured. */
static void clip(struct wire_rd *r, size_t n, bool *truncated)
{
	size_t left = wire_rd_left(r);
	if (n < left)
		r->len = r->pos + n;
	else if (n > left)
		*truncated = true;
}

static enum pkt_status decode_ipv4(struct wire_rd *r, struct pkt *out)
{
	size_t start = r->pos;
	uint8_t vihl = wire_u8(r);
	wire_skip(r, 1);
	uint16_t total = wire_u16(r);
	uint16_t ident = wire_u16(r);
	uint16_t frag = wire_u16(r);
	wire_skip(r, 1);
	uint8_t proto = wire_u8(r);
	wire_skip(r, 2);
	const uint8_t *src = wire_bytes(r, 4);
	const uint8_t *dst = wire_bytes(r, 4);
	size_t ihl = (size_t)(vihl & 0x0F) * 4;
	if (!wire_rd_ok(r) || (vihl >> 4) != 4 || ihl < 20 || total < ihl)
		return PKT_IPV4_BAD;
	r->pos = start;
	bool truncated = false;
	clip(r, total, &truncated);
	wire_skip(r, ihl); /* options */
	if (!wire_rd_ok(r))
		return PKT_IPV4_BAD;
	net_addr_set4(&out->src, src);
	net_addr_set4(&out->dst, dst);
	if (frag & 0x3FFF) /* MF set or a non-zero offset */
		return fragment(r, out, ident, (uint32_t)(frag & 0x1FFF) * 8, (frag & 0x2000) != 0,
		                proto, truncated);
	return decode_transport(r, proto, out, truncated);
}

/* Whether next-header value h is an extension header with the generic layout. */
static bool ipv6_generic_ext(uint8_t h)
{
	return h == PROTO_HOPOPTS || h == PROTO_ROUTING || h == PROTO_DSTOPTS ||
	       h == PROTO_MOBILITY || h == PROTO_HIP || h == PROTO_SHIM6;
}

static enum pkt_status decode_ipv6(struct wire_rd *r, struct pkt *out)
{
	uint32_t vtcfl = wire_u32(r);
	uint16_t plen = wire_u16(r);
	uint8_t next = wire_u8(r);
	wire_skip(r, 1);
	const uint8_t *src = wire_bytes(r, 16);
	const uint8_t *dst = wire_bytes(r, 16);
	if (!wire_rd_ok(r) || (vtcfl >> 28) != 6)
		return PKT_IPV6_BAD;
	net_addr_set6(&out->src, src);
	net_addr_set6(&out->dst, dst);
	bool truncated = false;
	if (plen != 0) /* 0 is a jumbogram (RFC 2675): take what was captured */
		clip(r, plen, &truncated);

	for (int depth = 0;; depth++) {
		bool ext = ipv6_generic_ext(next) || next == PROTO_AH || next == PROTO_FRAGMENT;
		if (ext && depth == MAX_IPV6_EXT) /* a 17th extension header */
			return PKT_IPV6_EXT_DEPTH;
		if (ipv6_generic_ext(next)) {
			uint8_t nh = wire_u8(r);
			uint8_t len8 = wire_u8(r);
			wire_skip(r, (size_t)len8 * 8 + 6);
			next = nh;
		} else if (next == PROTO_AH) {
			uint8_t nh = wire_u8(r);
			uint8_t len4 = wire_u8(r);
			wire_skip(r, ((size_t)len4 + 2) * 4 - 2);
			next = nh;
		} else if (next == PROTO_FRAGMENT) {
			uint8_t nh = wire_u8(r);
			wire_skip(r, 1);
			uint16_t offm = wire_u16(r);
			uint32_t id = wire_u32(r);
			if (wire_rd_ok(r) && (offm & 0xFFF9) != 0) /* not atomic (RFC 6946) */
				return fragment(r, out, id, (uint32_t)(offm & 0xFFF8), (offm & 1) != 0, nh,
				                truncated);
			next = nh;
		} else {
			break;
		}
		if (!wire_rd_ok(r))
			return PKT_IPV6_BAD;
	}
	return decode_transport(r, next, out, truncated);
}

static enum pkt_status decode_ip_version(struct wire_rd *r, struct pkt *out)
{
	uint8_t v;
	if (r->pos >= r->len)
		return PKT_LINK_SHORT;
	v = r->base[r->pos] >> 4;
	if (v == 4)
		return decode_ipv4(r, out);
	if (v == 6)
		return decode_ipv6(r, out);
	return PKT_NOT_IP;
}

/* PPPoE session stage (RFC 2516): 6-byte header, then PPP. */
static enum pkt_status decode_pppoe(struct wire_rd *r, struct pkt *out)
{
	uint8_t vt = wire_u8(r);
	wire_skip(r, 3); /* code, session id */
	uint16_t len = wire_u16(r);
	if (!wire_rd_ok(r) || vt != 0x11)
		return PKT_TUNNEL_BAD;
	bool truncated = false;
	clip(r, len, &truncated);
	return decode_ppp(r, out);
}

/* MPLS (RFC 3032): labels to the bottom of the stack, then IP or a pseudowire. */
static enum pkt_status decode_mpls(struct wire_rd *r, struct pkt *out)
{
	for (int i = 0;; i++) {
		if (i == MAX_MPLS_LABELS)
			return PKT_TUNNEL_DEPTH;
		uint32_t label = wire_u32(r);
		if (!wire_rd_ok(r))
			return PKT_LINK_SHORT;
		if (label & 0x100) /* bottom of stack */
			break;
	}
	if (r->pos >= r->len)
		return PKT_LINK_SHORT;
	switch (r->base[r->pos] >> 4) {
	case 4: return decode_ipv4(r, out);
	case 6: return decode_ipv6(r, out);
	case 0: /* Ethernet pseudowire with a control word (RFC 4448) */
		wire_skip(r, 4);
		return decode_ethernet(r, out);
	default: return PKT_NOT_IP;
	}
}

static enum pkt_status decode_ethertype(struct wire_rd *r, uint16_t type, struct pkt *out)
{
	for (int tags = 0;; tags++) {
		if (type == ETHERTYPE_IPV4)
			return decode_ipv4(r, out);
		if (type == ETHERTYPE_IPV6)
			return decode_ipv6(r, out);
		if (type == ETHERTYPE_PPPOE_SESSION)
			return enter_tunnel(out) ? decode_pppoe(r, out) : PKT_TUNNEL_DEPTH;
		if (type == ETHERTYPE_MPLS || type == ETHERTYPE_MPLS_MULTI)
			return enter_tunnel(out) ? decode_mpls(r, out) : PKT_TUNNEL_DEPTH;
		if (type != ETHERTYPE_VLAN && type != ETHERTYPE_QINQ && type != ETHERTYPE_QINQ_OLD)
			return PKT_NOT_IP;
		if (tags == MAX_VLAN_TAGS)
			return PKT_VLAN_DEPTH;
		wire_skip(r, 2); /* PCP, DEI, VLAN ID */
		type = wire_u16(r);
		if (!wire_rd_ok(r))
			return PKT_LINK_SHORT;
	}
}

static enum pkt_status decode_ethernet(struct wire_rd *r, struct pkt *out)
{
	wire_skip(r, 12); /* destination and source MAC */
	uint16_t type = wire_u16(r);
	if (!wire_rd_ok(r))
		return PKT_LINK_SHORT;
	return decode_ethertype(r, type, out);
}
/* NOLINTEND(misc-no-recursion) */

/* FDDI: frame control, two addresses, then LLC/SNAP carrying an ethertype. */
static enum pkt_status decode_fddi(struct wire_rd *r, struct pkt *out)
{
	wire_skip(r, 13);
	uint8_t dsap = wire_u8(r), ssap = wire_u8(r), ctrl = wire_u8(r);
	wire_skip(r, 3); /* SNAP organisation code */
	uint16_t type = wire_u16(r);
	if (!wire_rd_ok(r))
		return PKT_LINK_SHORT;
	if (dsap != 0xAA || ssap != 0xAA || ctrl != 0x03)
		return PKT_NOT_IP;
	return decode_ethertype(r, type, out);
}

static enum pkt_status decode_null(struct wire_rd *r, struct pkt *out, bool loop)
{
	const uint8_t *p = wire_bytes(r, 4);
	if (!p)
		return PKT_LINK_SHORT;
	/* DLT_NULL holds the family in the capturing host's byte order. */
	uint32_t be = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
	uint32_t le = ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) | ((uint32_t)p[1] << 8) | p[0];
	uint32_t af = (loop || be < 256) ? be : le;
	switch (af) {
	case BSD_AF_INET:
		return decode_ipv4(r, out);
	case BSD_AF_INET6_BSD: case BSD_AF_INET6_FREEBSD: case BSD_AF_INET6_DARWIN:
		return decode_ipv6(r, out);
	default:
		return PKT_NOT_IP;
	}
}

enum pkt_status pkt_decode(int linktype, const uint8_t *frame, size_t caplen, struct pkt *out)
{
	struct wire_rd r;
	wire_rd_init(&r, frame, caplen);
	out->truncated = false;
	out->tunnels = 0;
	switch (linktype) {
	case DLT_EN10MB:
		return decode_ethernet(&r, out);
	case DLT_LINUX_SLL: {
		wire_skip(&r, 14); /* packet type, ARPHRD, address length, address */
		uint16_t proto = wire_u16(&r);
		return wire_rd_ok(&r) ? decode_ethertype(&r, proto, out) : PKT_LINK_SHORT;
	}
	case DLT_LINUX_SLL2: {
		uint16_t proto = wire_u16(&r);
		wire_skip(&r, 18); /* reserved, ifindex, ARPHRD, type, address */
		return wire_rd_ok(&r) ? decode_ethertype(&r, proto, out) : PKT_LINK_SHORT;
	}
	case DLT_NULL:
		return decode_null(&r, out, false);
	case DLT_LOOP:
		return decode_null(&r, out, true);
	case DLT_RAW: case DLT_IPV4: case DLT_IPV6:
		return decode_ip_version(&r, out);
	case DLT_PPP: case DLT_PPP_SERIAL:
		return decode_ppp(&r, out);
	case DLT_FDDI:
		return decode_fddi(&r, out);
	default:
		return PKT_LINK_UNSUPPORTED;
	}
}

bool pkt_linktype_supported(int linktype)
{
	switch (linktype) {
	case DLT_EN10MB: case DLT_LINUX_SLL: case DLT_LINUX_SLL2: case DLT_NULL: case DLT_LOOP:
	case DLT_RAW: case DLT_IPV4: case DLT_IPV6: case DLT_PPP: case DLT_PPP_SERIAL: case DLT_FDDI:
		return true;
	default:
		return false;
	}
}

const char *pkt_status_str(enum pkt_status s)
{
	static const char *const names[PKT__COUNT] = {
		[PKT_OK] = "ok",
		[PKT_LINK_UNSUPPORTED] = "link_unsupported",
		[PKT_LINK_SHORT] = "link_short",
		[PKT_NOT_IP] = "not_ip",
		[PKT_VLAN_DEPTH] = "vlan_depth",
		[PKT_IPV4_BAD] = "ipv4_bad",
		[PKT_IPV6_BAD] = "ipv6_bad",
		[PKT_IPV6_EXT_DEPTH] = "ipv6_ext_depth",
		[PKT_FRAGMENT] = "fragment",
		[PKT_TCP_BAD] = "tcp_bad",
		[PKT_OTHER_PROTO] = "other_proto",
		[PKT_UDP_BAD] = "udp_bad",
		[PKT_TUNNEL_BAD] = "tunnel_bad",
		[PKT_TUNNEL_DEPTH] = "tunnel_depth",
	};
	return (unsigned)s < PKT__COUNT ? names[s] : "unknown";
}
