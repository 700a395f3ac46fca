#!/usr/bin/env python3
"""Generate the captures of tests/pcap/ioc/ (indicator matching, --ioc).

Usage: make_ioc.py OUTDIR.  Each transaction puts a name or address where
one kind of match must find it (see list.txt beside the captures), or
where none must; the expected outputs in tests/expected/ioc-*.out can be
checked by hand against this file.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pcapgen import *  # noqa: E402,F401,F403

T = 1700000000  # 2023-11-14T22:13:20Z
C4, S4 = "10.0.0.1", "192.0.2.53"
C6, S6 = "2001:db8::1", "2001:db8::53"
A, NS, CNAME, SOA, PTR, MX, AAAA, SRV, HTTPS = 1, 2, 5, 6, 12, 15, 28, 33, 65
NXDOMAIN = 0x8183


def q(mid, qname, qtype=A):
    return message(mid, QUERY, qd=[question(qname, qtype)])


def r(mid, qname, qtype=A, an=(), ns=(), ar=(), flags=REPLY, qwire=None):
    qd = [qwire + struct.pack("!HH", qtype, 1)] if qwire else [question(qname, qtype)]
    return message(mid, flags, qd=qd, an=an, ns=ns, ar=ar)


def a(owner, addr):
    return rr(owner, A, ip4(addr))


def wire(*labels):
    """A wire name from raw labels (bytes), so a label may hold a dot."""
    return b"".join(bytes([len(x)]) + x for x in labels) + b"\x00"


def pair(P, t, port, query, reply, c=C4, s=S4, v6=False):
    """A query at t and its reply 10 ms later."""
    mk = udp6 if v6 else udp4
    P.append((t, ether(mk(c, port, s, 53, query))))
    if reply is not None:
        P.append((t + 0.01, ether(mk(s, 53, c, port, reply))))


def transactions():
    P = []
    t = T
    # 1 query name, mixed case, below a listed domain
    pair(P, t, 2001, q(1, "www.EVIL.example"), r(1, "www.EVIL.example", an=[a("www.EVIL.example", "198.51.100.7")]))
    # 2 CNAME chain: the second target is below a "*." indicator, the A is in a listed /24
    pair(P, t + 1, 2002, q(2, "img.good.example"),
         r(2, "img.good.example", an=[rr("img.good.example", CNAME, name("cdn.tracker.example")),
                                      rr("cdn.tracker.example", CNAME, name("edge.bad-cdn.test")),
                                      a("edge.bad-cdn.test", "203.0.113.10")]))
    # 3 the list spells it with escapes (c2.\069vil.test); the wire in other case
    pair(P, t + 2, 2003, q(3, "C2.eViL.TeSt"), r(3, "C2.eViL.TeSt", flags=NXDOMAIN))
    # 4 a label holding a dot, "c2.evil\.test.": not the name c2.evil.test
    dotted = wire(b"c2", b"evil.test")
    pair(P, t + 3, 2004, message(4, QUERY, qd=[dotted + struct.pack("!HH", A, 1)]),
         r(4, "", qwire=dotted, flags=NXDOMAIN))
    # 5 MX target
    pair(P, t + 4, 2005, q(5, "good.example", MX),
         r(5, "good.example", MX, an=[rr("good.example", MX, struct.pack("!H", 10) + name("mail.spam.test"))]))
    # 6 a referral: NS in authority, its glue address in additional
    pair(P, t + 5, 2006, q(6, "x.parked.example"),
         r(6, "x.parked.example", flags=0x8100,
           ns=[rr("parked.example", NS, name("ns1.sinkhole.test"))],
           ar=[a("ns1.sinkhole.test", "192.0.2.99")]))
    # 7 SRV target
    pair(P, t + 6, 2007, q(7, "_ldap._tcp.corp.example", SRV),
         r(7, "_ldap._tcp.corp.example", SRV,
           an=[rr("_ldap._tcp.corp.example", SRV, struct.pack("!HHH", 0, 5, 389) + name("dc.c2.test"))]))
    # 8 PTR target
    pair(P, t + 7, 2008, q(8, "7.100.51.198.in-addr.arpa", PTR),
         r(8, "7.100.51.198.in-addr.arpa", PTR, an=[rr("7.100.51.198.in-addr.arpa", PTR, name("host.evil.example"))]))
    # 9 AAAA answer inside a listed IPv6 prefix, over IPv6
    pair(P, t + 8, 2009, q(9, "safe.example", AAAA),
         r(9, "safe.example", AAAA, an=[rr("safe.example", AAAA, ip6("2001:db8:bad::1"))]), C6, S6, True)
    # 10 the client itself is listed (an infected host)
    pair(P, t + 9, 2010, q(10, "www.good.example"), r(10, "www.good.example"), "10.66.6.6")
    # 11 a beacon that gets no reply: no_reply, alerted on the query
    pair(P, t + 10, 2011, q(11, "beacon.evil.example"), None)
    # 12 "*.dyn.test": the domain itself does not match, a host below does
    pair(P, t + 11, 2012, q(12, "dyn.test"), r(12, "dyn.test"))
    pair(P, t + 12, 2013, q(13, "h1.DYN.test"), r(13, "h1.DYN.test"))
    # 13 HTTPS target name
    pair(P, t + 13, 2014, q(14, "svc.good.example", HTTPS),
         r(14, "svc.good.example", HTTPS, an=[rr("svc.good.example", HTTPS, struct.pack("!H", 1) + name("svc.cdn.c2.test"))]))
    # 14 near misses: a longer label, a suffix that is not a label boundary
    pair(P, t + 14, 2015, q(15, "notevil.example"), r(15, "notevil.example"))
    pair(P, t + 15, 2016, q(16, "evil.example.net"), r(16, "evil.example.net"))
    # 15 a reply whose query was not seen: alerted on the reply
    P.append((t + 16, ether(udp4(S4, 53, C4, 2017, r(17, "late.evil.example")))))
    # 16 SOA MNAME in an NXDOMAIN's authority section
    pair(P, t + 17, 2018, q(18, "nx.good.example"),
         r(18, "nx.good.example", flags=NXDOMAIN,
           ns=[rr("good.example", SOA, name("ns.sinkhole.test") + name("root.good.example") + struct.pack("!IIIII", 1, 2, 3, 4, 5))]))
    return P


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    write_pcap(os.path.join(out, "ioc.pcap"), DLT_EN10MB, transactions())


if __name__ == "__main__":
    main()
