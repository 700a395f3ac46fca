/*
 * packet.h - decode a captured frame down to its UDP payload: link layer
 * (Ethernet with 802.1Q/802.1ad tags, Linux cooked v1/v2, BSD null and
 * loopback, raw IP), IPv4, IPv6 with its extension headers, and UDP.
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
	PKT_FRAGMENT,         /* IP fragment (not reassembled) */
	PKT_TCP,              /* TCP (not reassembled) */
	PKT_OTHER_PROTO,      /* ICMP, ESP, ... */
	PKT_UDP_BAD,          /* UDP header cut short or length < 8 */
	PKT__COUNT
};

struct pkt {
	struct net_addr src, dst;
	uint16_t sport, dport;
	uint8_t proto;            /* IPPROTO_UDP */
	const uint8_t *payload;   /* into the frame; not owned */
	size_t len;               /* payload bytes available */
	bool truncated;           /* headers claimed more than was captured */
};

/*
 * Decode frame[0..caplen) captured on a link of type linktype (a DLT_*
 * value as pcap_datalink() returns it).  On PKT_OK, out describes the UDP
 * payload; otherwise out is unspecified.
 */
enum pkt_status pkt_decode(int linktype, const uint8_t *frame, size_t caplen, struct pkt *out);

/* Whether pkt_decode() knows this link type. */
bool pkt_linktype_supported(int linktype);

/* Counter name of a status ("ipv4_bad", "fragment", ...). */
const char *pkt_status_str(enum pkt_status s);

#endif /* DNS_GAZER_PACKET_H */
