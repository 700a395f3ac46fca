/*
 * packet.h - decode a captured frame down to its UDP or TCP payload: link
 * layer (Ethernet with 802.1Q/802.1ad tags, Linux cooked v1/v2, BSD null
 * and loopback, raw IP, PPP, FDDI), IPv4, IPv6 with its extension headers, UDP
 * and TCP, through the tunnels sensors see (GRE with ERSPAN I/II/III and
 * PPTP's PPP, IP-in-IP, VXLAN, Geneve, PPPoE, MPLS); the addresses
 * reported are the innermost.  IP fragments are described, not reassembled (ip_defrag.h does).
 *
 * Lengths come from the headers but are cut to what was captured: a frame
 * whose headers claim more than caplen is decoded as far as it goes and
 * marked `truncated`.  Ethernet padding after the IP packet is ignored.
 */
#ifndef DNS_GAZER_PACKET_H
#define DNS_GAZER_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net_addr.h"

/* Why a frame yielded no UDP payload; each has a stats counter. */
enum pkt_status {
	PKT_OK = 0,
	PKT_LINK_UNSUPPORTED, /* link type we do not decode */
	PKT_LINK_SHORT,       /* shorter than its link header */
	PKT_NOT_IP,           /* ARP, LLDP, ... */
	PKT_VLAN_DEPTH,       /* more stacked VLAN tags than we follow */
	PKT_IPV4_BAD,         /* IPv4 header invalid or cut short */
	PKT_IPV6_BAD,         /* IPv6 header or extension header invalid */
	PKT_IPV6_EXT_DEPTH,   /* extension header chain too long */
	PKT_FRAGMENT,         /* IP fragment: out->frag describes it */
	PKT_TCP_BAD,          /* TCP header cut short or data offset < 5 */
	PKT_OTHER_PROTO,      /* ICMP, ESP, ... */
	PKT_UDP_BAD,          /* UDP header cut short or length < 8 */
	PKT_TUNNEL_BAD,       /* GRE, VXLAN, Geneve or PPPoE header invalid */
	PKT_TUNNEL_DEPTH,     /* more nested encapsulations than we follow */
	PKT__COUNT
};

#define PKT_PROTO_TCP 6
#define PKT_PROTO_UDP 17

#define PKT_TCP_FIN 0x01
#define PKT_TCP_SYN 0x02
#define PKT_TCP_RST 0x04
#define PKT_TCP_ACK 0x10

/* An IP fragment, as pkt_decode() found it (status PKT_FRAGMENT). */
struct pkt_frag {
	uint32_t id;              /* IPv4: 16-bit identification; IPv6: 32-bit */
	uint32_t offset;          /* bytes from the start of the fragmentable part */
	bool more;                /* more fragments follow */
	uint8_t proto;            /* transport protocol of the datagram */
};

struct pkt {
	struct net_addr src, dst;
	uint16_t sport, dport;
	uint8_t proto;            /* PKT_PROTO_UDP or PKT_PROTO_TCP */
	const uint8_t *payload;   /* into the frame (or a reassembly buffer); not owned */
	size_t len;               /* payload bytes available */
	bool truncated;           /* headers claimed more than was captured */
	uint32_t tcp_seq;         /* TCP: sequence number of payload[0] */
	uint32_t tcp_ack;         /* TCP: acknowledgment number (valid with PKT_TCP_ACK) */
	uint8_t tcp_flags;        /* TCP: PKT_TCP_* bits */
	struct pkt_frag frag;     /* PKT_FRAGMENT: payload/len are the fragment's data */
	uint8_t tunnels;          /* encapsulations crossed; addresses are the innermost */
};

/*
 * Decode frame[0..caplen) captured on a link of type linktype (a DLT_*
 * value as pcap_datalink() returns it).  On PKT_OK, out describes the UDP
 * or TCP payload; on PKT_FRAGMENT, the addresses, out->frag and the
 * fragment's data; otherwise out is unspecified.
 */
enum pkt_status pkt_decode(int linktype, const uint8_t *frame, size_t caplen, struct pkt *out);

/*
 * Decode the transport header at data[0..len) (a reassembled datagram's
 * fragmentable part) for protocol proto; out->src/dst are kept.
 */
enum pkt_status pkt_decode_transport(uint8_t proto, const uint8_t *data, size_t len,
                                     struct pkt *out);

/* Whether pkt_decode() knows this link type. */
bool pkt_linktype_supported(int linktype);

/* Counter name of a status ("ipv4_bad", "fragment", ...). */
const char *pkt_status_str(enum pkt_status s);

#endif /* DNS_GAZER_PACKET_H */
