#!/usr/bin/env python3
"""Generate the hand-made captures of tests/pcap/core/ (see README there).

Usage: make_core.py OUTDIR.  The captures are committed; this script says
exactly what is in them, so their expected outputs can be checked by hand.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pcapgen import *  # noqa: E402,F401,F403

T = 1700000000  # 2023-11-14T22:13:20Z
C4, S4 = "192.0.2.1", "192.0.2.53"
C6, S6 = "2001:db8::1", "2001:db8::53"

A = 1
AAAA = 28


def a_rr(owner, addr, ttl=300):
    return rr(owner, A, ip4(addr), ttl)


def q(mid, qname, qtype=A):
    return message(mid, QUERY, qd=[question(qname, qtype)])


def r(mid, qname, answers=(), qtype=A, flags=REPLY):
    return message(mid, flags, qd=[question(qname, qtype)], an=answers)


def eth4(sport, dport, dns, src=C4, dst=S4):
    return ether(udp4(src, sport, dst, dport, dns))


def pairing():
    """Every pairing outcome, in time order; run with --timeout 10."""
    P = []
    # 1: plain success
    P.append((T + 0.000001, eth4(1001, 53, q(1, "example.com"))))
    P.append((T + 0.010001, eth4(53, 1001, r(1, "example.com", [a_rr("example.com", "192.0.2.80")]), S4, C4)))
    # 2: reply without query -> no_query
    P.append((T + 1.0, eth4(53, 1002, r(2, "orphan.example"), S4, C4)))
    # 3: same key, other question -> reply no_query, query pending (no_reply later)
    P.append((T + 2.0, eth4(1003, 53, q(3, "a.example"))))
    P.append((T + 2.001, eth4(53, 1003, r(3, "b.example"), S4, C4)))
    # 4: 0x20 case randomisation: question matches case-insensitively
    P.append((T + 3.0, eth4(1004, 53, q(4, "MiXeD.ExAmple"))))
    P.append((T + 3.002, eth4(53, 1004, r(4, "mixed.example"), S4, C4)))
    # 5: retransmitted query: the first is logged no_reply, the second pairs
    P.append((T + 4.0, eth4(1005, 53, q(5, "retry.example"))))
    P.append((T + 4.5, eth4(1005, 53, q(5, "retry.example"))))
    P.append((T + 4.6, eth4(53, 1005, r(5, "retry.example"), S4, C4)))
    # 6: a second reply to the same query -> no_query (spoofing race shows up)
    P.append((T + 4.7, eth4(53, 1005, r(5, "retry.example", [a_rr("retry.example", "203.0.113.66")]), S4, C4)))
    # 7: same ID, other client port: two transactions
    P.append((T + 5.0, eth4(1007, 53, q(7, "port.example"))))
    P.append((T + 5.0001, eth4(1008, 53, q(7, "port.example"))))
    P.append((T + 5.01, eth4(53, 1008, r(7, "port.example"), S4, C4)))
    P.append((T + 5.02, eth4(53, 1007, r(7, "port.example"), S4, C4)))
    # 8: FORMERR reply without a question pairs on the key alone
    P.append((T + 6.0, eth4(1009, 53, q(9, "formerr.example"))))
    P.append((T + 6.01, eth4(53, 1009, message(9, 0x8181), S4, C4)))
    # 9: server to server (53 <-> 53): the QR bit decides who is the client
    P.append((T + 7.0, eth4(53, 53, q(10, "s2s.example"), "192.0.2.10", "192.0.2.20")))
    P.append((T + 7.02, eth4(53, 53, r(10, "s2s.example", flags=0x8183), "192.0.2.20", "192.0.2.10")))
    # 10: the RA bit (0x0080) set on a query does not make it a reply
    P.append((T + 8.0, eth4(1011, 53, message(11, 0x0180, qd=[question("ra.example")]))))
    P.append((T + 8.01, eth4(53, 1011, r(11, "ra.example"), S4, C4)))
    # 11: timeout: query at +9, nothing for it; the packet at +30 expires
    # it (and the pending queries of cases 3) before being handled
    P.append((T + 9.0, eth4(1012, 53, q(12, "late.example"))))
    P.append((T + 30.0, eth4(53, 1012, r(12, "late.example"), S4, C4)))
    # 12: IPv6
    P.append((T + 31.0, ether(udp6(C6, 1013, S6, 53, q(13, "v6.example", AAAA)))))
    P.append((T + 31.001, ether(udp6(S6, 53, C6, 1013, r(13, "v6.example", [rr("v6.example", AAAA, ip6("2001:db8::80"))], AAAA)))))
    # 13: still pending at the end of input -> no_reply at exit
    P.append((T + 32.0, eth4(1014, 53, q(14, "pending.example"))))
    # 14: not a DNS port: ignored
    P.append((T + 33.0, eth4(1015, 5353, q(15, "mdns.example"))))
    return P


def vlans():
    """802.1Q, QinQ (802.1ad outer) and an old 0x9100 stack."""
    P = []
    P.append((T + 0.0, ether(udp4(C4, 2001, S4, 53, q(21, "vlan.example")), [(0x8100, 100)])))
    P.append((T + 0.001, ether(udp4(S4, 53, C4, 2001, r(21, "vlan.example")), [(0x8100, 100)])))
    P.append((T + 1.0, ether(udp4(C4, 2002, S4, 53, q(22, "qinq.example")), [(0x88A8, 10), (0x8100, 20)])))
    P.append((T + 1.001, ether(udp4(S4, 53, C4, 2002, r(22, "qinq.example")), [(0x88A8, 10), (0x8100, 20)])))
    P.append((T + 2.0, ether(udp6(C6, 2003, S6, 53, q(23, "v6vlan.example", AAAA)), [(0x9100, 5), (0x8100, 6)])))
    # nine tags: more than we follow (counted vlan_depth, not logged)
    P.append((T + 3.0, ether(udp4(C4, 2004, S4, 53, q(24, "deep.example")), [(0x8100, i) for i in range(9)])))
    return P


def ipv6_ext():
    """IPv6 with hop-by-hop, destination options and an atomic fragment header."""
    hbh = struct.pack("!BB", 60, 0) + b"\x01\x04\0\0\0\0"          # -> dest opts, PadN
    dst = struct.pack("!BB", 44, 0) + b"\x01\x04\0\0\0\0"          # -> fragment
    frag = struct.pack("!BBHI", 17, 0, 0, 0x1234)                   # atomic: offset 0, M=0
    payload = udp(3001, 53, q(31, "ext.example", AAAA))
    P = [(T + 0.0, ether(ipv6(C6, S6, payload, nh=0, exts=hbh + dst + frag)))]
    P.append((T + 0.001, ether(udp6(S6, 53, C6, 3001, r(31, "ext.example", qtype=AAAA)))))
    return P


def links():
    """The same transaction over each link type we decode."""
    def pair(mid, wrap):
        return [(T + mid, wrap(udp4(C4, 4000 + mid, S4, 53, q(mid, "link%d.example" % mid)))),
                (T + mid + 0.0005, wrap(udp4(S4, 53, C4, 4000 + mid, r(mid, "link%d.example" % mid))))]
    return {
        "link-sll.pcap": (DLT_LINUX_SLL, pair(41, sll)),
        "link-sll2.pcap": (DLT_LINUX_SLL2, pair(42, sll2)),
        "link-null.pcap": (DLT_NULL, pair(43, null_le)),
        "link-loop.pcap": (DLT_LOOP, pair(44, loop)),
        "link-raw.pcap": (DLT_RAW, pair(45, lambda ip: ip)),
    }


def linklocal():
    """LLMNR and mDNS: run with --ports 53,5353,5355."""
    P = []
    # LLMNR: query to the group, unicast reply from the responder -> success
    P.append((T + 0.0, eth4(50000, 5355, q(77, "printer"), C4, "224.0.0.252")))
    P.append((T + 0.002, eth4(5355, 50000, message(77, 0x8000, qd=[question("printer")],
              an=[a_rr("printer", "192.0.2.99", 30)]), "192.0.2.99", C4)))
    # mDNS: ID 0, QU bit in the question class; the answer goes to the group
    # with the cache-flush bit: never paired with the query (Zeek #5389)
    P.append((T + 1.0, eth4(5353, 5353, message(0, 0, qd=[question("host.local", A, 0x8001)]), C4, "224.0.0.251")))
    P.append((T + 1.001, eth4(5353, 5353, message(0, 0x8400, an=[rr("host.local", A, ip4("192.0.2.50"), 120, 0x8001)]), "192.0.2.50", "224.0.0.251")))
    # a second mDNS host answering with the same ID 0
    P.append((T + 1.002, eth4(5353, 5353, message(0, 0x8400, an=[rr("other.local", A, ip4("192.0.2.51"), 120, 0x8001)]), "192.0.2.51", "224.0.0.251")))
    return P


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    write_pcap(os.path.join(out, "pairing.pcap"), DLT_EN10MB, pairing())
    write_pcap(os.path.join(out, "vlan.pcap"), DLT_EN10MB, vlans())
    write_pcap(os.path.join(out, "ipv6-ext.pcap"), DLT_EN10MB, ipv6_ext())
    for fname, (lt, pkts) in links().items():
        write_pcap(os.path.join(out, fname), lt, pkts)
    write_pcap(os.path.join(out, "linklocal.pcap"), DLT_EN10MB, linklocal())
    # a link type dns-gazer does not decode (LINKTYPE_USER0): one clear error
    write_pcap(os.path.join(out, "link-user0.pcap"), 147, pairing()[:1])
    # pcapng with nanosecond timestamps: the same first transaction as pairing
    write_pcapng(os.path.join(out, "pairing-first.pcapng"), DLT_EN10MB, pairing()[:2])


if __name__ == "__main__":
    main()
