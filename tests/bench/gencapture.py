#!/usr/bin/env python3
"""Generate the DNS capture that `make bench` measures (see README.md here).

    gencapture.py [--packets N] [--seed S] [--rate TX_PER_S] OUT.pcap

Writes a pcap (Ethernet, microsecond stamps) of at least N packets (default
1,000,000) and OUT.pcap.json, a summary of what is in it.  The same
arguments always give the same bytes (fixed seed, nothing that depends on
the process's hash order; Python's random module gives the same sequence
on every CPython from 3.9 on).  1,000,000 packets take about 12 s.

The traffic is what a sensor in front of a busy resolver sees: stub
clients asking the resolvers (RD set), and the resolvers asking
authoritative servers (RD clear, AA set in the reply).

- 36,000 clients (30,000 IPv4, 6,000 IPv6) with random source ports; some
  clients much busier than others; each client keeps one EDNS profile
  (no EDNS, 1232 or 4096 bytes, DO, cookies, client subnet).
- A popularity-skewed set of 20,000 registered domains with CNAME chains
  to CDNs, DNSSEC-signed zones (RRSIG with DO), IPv4-only hosts (AAAA
  NODATA, SOA in authority), MX with glue, NS with glue, SPF/DKIM/DMARC
  TXT, SRV, HTTPS, CAA, DS, DNSKEY, PTR.
- NXDOMAIN from DGA-like names, search-list suffixes and unknown
  addresses (SOA in authority); SERVFAIL from broken zones and upstream
  failures (half with an extended DNS error); a few REFUSED.
- About 2 % of UDP queries are never answered; 3 % of transactions run
  over TCP (SYN, SYN-ACK, ACK, 2-byte length framing, delayed ACK, FIN
  from both sides), half of them after a truncated (TC) UDP reply, and
  replies larger than one segment are split at the MSS.
- Names in replies are compressed as real servers do; IPv4, UDP and TCP
  checksums are correct.
"""
import argparse
import base64
import heapq
import json
import os
import random
import struct
import sys

T0 = 1718000000           # 2024-06-10T06:13:20Z, first packet
DEFAULT_RATE = 5000       # new transactions per second (about 10,000 packets/s)

A, NS, CNAME, SOA, PTR, MX, TXT, AAAA, SRV = 1, 2, 5, 6, 12, 15, 16, 28, 33
OPT, DS, RRSIG, DNSKEY, HTTPS, CAA = 41, 43, 46, 48, 65, 257
TYPE_NAMES = {A: "A", NS: "NS", CNAME: "CNAME", SOA: "SOA", PTR: "PTR", MX: "MX",
              TXT: "TXT", AAAA: "AAAA", SRV: "SRV", DS: "DS", DNSKEY: "DNSKEY",
              HTTPS: "HTTPS", CAA: "CAA"}
NOERROR, SERVFAIL, NXDOMAIN, REFUSED = 0, 2, 3, 5
RCODE_NAMES = {NOERROR: "NOERROR", SERVFAIL: "SERVFAIL", NXDOMAIN: "NXDOMAIN",
               REFUSED: "REFUSED"}

# Query types asked by stubs, with their weights (percent).
QTYPES = [(A, 50.0), (AAAA, 28.0), (HTTPS, 7.0), (PTR, 4.0), (TXT, 3.5), (MX, 2.0),
          (SRV, 1.5), (NS, 1.2), (SOA, 1.2), (DS, 0.6), (DNSKEY, 0.5), (CAA, 0.5)]

# ---------------------------------------------------------------- DNS messages


def wire_name(name):
    """Uncompressed wire form of a name written without its trailing dot."""
    out = bytearray()
    for label in name.split(".") if name else []:
        out.append(len(label))
        out += label.encode("ascii")
    out.append(0)
    return bytes(out)


class Msg:
    """A DNS message under construction, compressing names as RFC 1035
    4.1.4 describes; its 12-byte header is left for the caller to write.

    Rdata is given as parts: bytes are copied, a str is a name that may be
    compressed (only for the types RFC 3597 allows: NS, CNAME, SOA, PTR, MX).
    """

    def __init__(self):
        self.buf = bytearray(12)        # offsets count from the header
        self.counts = [0, 0, 0, 0]
        self.offsets = {}

    def name(self, name):
        buf, offsets = self.buf, self.offsets
        start, end = 0, len(name)
        while start < end:
            off = offsets.get(name[start:])
            if off is not None:
                buf += struct.pack("!H", 0xC000 | off)
                return
            if len(buf) < 0x3FFF:
                offsets[name[start:]] = len(buf)
            dot = name.find(".", start)
            if dot < 0:
                dot = end
            buf.append(dot - start)
            buf += name[start:dot].encode("ascii")
            start = dot + 1
        buf.append(0)

    def question(self, name, qtype):
        self.name(name)
        self.buf += struct.pack("!HH", qtype, 1)
        self.counts[0] += 1

    def rr(self, section, owner, rtype, ttl, parts):
        self.name(owner)
        self.buf += struct.pack("!HHIH", rtype, 1, ttl, 0)
        start = len(self.buf)
        for p in parts:
            if isinstance(p, str):
                self.name(p)
            else:
                self.buf += p
        struct.pack_into("!H", self.buf, start - 2, len(self.buf) - start)
        self.counts[section] += 1


def opt_rr(udp_size, do, options=()):
    """An OPT pseudo-RR (RFC 6891); options are (code, value) pairs."""
    data = b"".join(struct.pack("!HH", code, len(v)) + v for code, v in options)
    return b"\x00" + struct.pack("!HHIH", OPT, udp_size, 0x8000 if do else 0, len(data)) + data


def txt(*strings):
    return b"".join(bytes([len(s)]) + s.encode("ascii") for s in strings)


def soa(mname, rname, serial, minimum=300):
    return [mname, rname, struct.pack("!5I", serial, 7200, 3600, 1209600, minimum)]


def pick(rng, seq):
    """rng.choice, three times faster (the generator picks millions)."""
    return seq[int(rng.random() * len(seq))]


ROOT_SOA = soa("a.root-servers.net", "nstld.verisign-grs.com", 2024060901, 86400)
ARPA_SOA = soa("b.in-addr-servers.arpa", "nstld.iana.org", 2024052811, 3600)
CDN_SUFFIXES = ["edgekey.net", "cloudfront.net", "fastly.net", "azureedge.net",
                "akamaized.net", "cdn.cloudflare.net"]
NS_PROVIDERS = ["awsdns-%02d.org", "awsdns-%02d.net", "domaincontrol.com",
                "cloudflare.com", "nsone.net", "ultradns.net", "dns.jp", "ovh.net"]
PREFIXES = [("www", 30), ("", 14), ("api", 8), ("cdn", 5), ("static", 5), ("mail", 4),
            ("login", 4), ("m", 3), ("img", 3), ("auth", 2), ("ws", 2),
            ("telemetry", 2), ("updates", 2), ("app", 2), ("smtp", 1), ("vpn", 1),
            ("eu-west-1.compute", 1), ("xn--bcher-kva", 0.3)]
CDN_PREFIXES = {"www", "cdn", "static", "img", "m", "app", "updates"}
TLDS = [("com", 50), ("net", 12), ("org", 8), ("de", 5), ("io", 4), ("jp", 4),
        ("co.uk", 3), ("fr", 2), ("ru", 2), ("com.br", 2), ("cn", 2), ("info", 1),
        ("xyz", 1), ("nl", 2), ("it", 1)]
SYLLABLES = ["ka", "zu", "mi", "lo", "ra", "ne", "to", "vi", "sa", "po", "tech", "net",
             "data", "cloud", "shop", "mail", "go", "bit", "ex", "app", "star", "blue",
             "nova", "pix", "link", "hub", "soft", "media", "news", "bank", "play", "max"]


class Domain:
    """A registered domain and the facts its zone answers with."""

    def __init__(self, rng, apex):
        self.apex = apex
        self.signed = rng.random() < 0.12
        self.broken = rng.random() < 0.012          # always SERVFAIL
        self.v6 = rng.random() < 0.6
        self.cdn = pick(rng, CDN_SUFFIXES) if rng.random() < 0.3 else None
        self.https = rng.random() < (0.7 if self.cdn else 0.15)
        self.ttl = pick(rng, [30, 60, 60, 300, 300, 300, 600, 3600, 3600, 86400])
        prov = pick(rng, NS_PROVIDERS)
        if rng.random() < 0.3:
            self.ns = ["ns%d.%s" % (i, apex) for i in (1, 2)]
        elif "%" in prov:
            self.ns = ["ns-%d.%s" % (rng.randrange(2048), prov % rng.randrange(64))
                       for _ in range(4)]
        else:
            self.ns = ["%s.%s" % (pick(rng, ["ns1", "ns2", "dns1", "pdns", "ns"]), prov),
                       "%s.%s" % (pick(rng, ["ns3", "ns4", "dns2", "sdns"]), prov)]
        self.serial = 2024000000 + rng.randrange(600000)


def rand_v4(rng):
    return bytes([pick(rng, [23, 34, 52, 104, 142, 151, 172, 185, 203, 216]),
                  rng.getrandbits(8), rng.getrandbits(8), rng.randrange(1, 255)])


def rand_v6(rng):
    return pick(rng, [b"\x26\x06\x47\x00", b"\x2a\x00\x14\x50", b"\x26\x00\x90\x00",
                      b"\x2a\x04\x4e\x42"]) + bytes(6) + rng.randbytes(6)


def rrsig(covered, owner, ttl, signer, rng):
    return struct.pack("!HBBIIIH", covered, 13, owner.count(".") + 1, ttl, T0 + 1209600,
                       T0 - 86400, rng.getrandbits(16)) + wire_name(signer) + rng.randbytes(64)


def token(rng, nbytes):
    return base64.b64encode(rng.randbytes(nbytes)).decode()


class Answers:
    """The reply to each question, made the first time it is asked and then
    kept, so a name answers the same way each time (as from a cache)."""

    def __init__(self, seed):
        self.rng = random.Random(seed + 1)
        self.cache = {}

    def body(self, q, dnssec):
        """-> (rcode, AD bit, ancount, nscount, arcount, question + sections)."""
        key = (q[1], q[2], q[4], dnssec)
        hit = self.cache.get(key)
        if hit is None:
            hit = self.cache[key] = self.build(q, dnssec)
        return hit

    def build(self, q, dnssec):
        rcode, an, ns, ar, signed = self.sections(q)
        kind, name, qtype, dom, big = q
        m = Msg()
        m.question(name, qtype)
        sign = signed and dnssec and rcode == NOERROR
        for section, rrs in ((1, an), (2, ns), (3, ar)):
            for i, (owner, rtype, ttl, parts) in enumerate(rrs):
                m.rr(section, owner, rtype, ttl, parts)
                # after the last RR of an in-zone RRset of a signed zone
                if sign and section < 3 and (
                        i + 1 == len(rrs) or rrs[i + 1][:2] != (owner, rtype)) and (
                        owner == dom.apex or owner.endswith("." + dom.apex)):
                    m.rr(section, owner, RRSIG, ttl,
                         [rrsig(rtype, owner, ttl, dom.apex, self.rng)])
        _, nan, nns, nar = m.counts
        return rcode, 0x0020 if sign else 0, nan, nns, nar, bytes(m.buf[12:])

    def sections(self, q):
        """q: (kind, name, qtype, domain, big).  -> rcode, an, ns, ar, signed;
        each section a list of (owner, type, ttl, rdata parts)."""
        kind, name, qtype, d, big = q
        rng = self.rng
        if kind == "dga":
            tld = name.rsplit(".", 1)[1]
            return NXDOMAIN, [], [(tld, SOA, 900, soa("a.gtld-servers.net",
                                   "nstld.verisign-grs.com", 1718000000, 900))], [], False
        if kind == "search":
            return NXDOMAIN, [], [("", SOA, 86400, ROOT_SOA)], [], False
        if kind == "ptr_nx":
            zone = name.split(".", 2)[2]
            return NXDOMAIN, [], [(zone, SOA, 3600, ARPA_SOA)], [], False
        if kind == "ptr":
            octets = name.split(".")[:4][::-1]
            host = pick(rng, ["host-%s.example.net", "%s.static.example.net",
                              "ip-%s.ec2.internal", "dyn-%s.pool.example.org"]) % "-".join(octets)
            return NOERROR, [(name, PTR, 3600, [host])], [], [], False
        if d.broken:
            return SERVFAIL, [], [], [], False
        apex, ttl = d.apex, d.ttl
        nodata_ns = [(apex, SOA, min(ttl, 3600), soa(d.ns[0], "hostmaster." + apex, d.serial))]
        an, ar = [], []
        owner = name
        if qtype in (A, AAAA, HTTPS) and d.cdn and name.split(".", 1)[0] in CDN_PREFIXES:
            target = "%s.%s.%s" % (name.split(".", 1)[0], apex.replace(".", "-"), d.cdn)
            an.append((owner, CNAME, ttl, [target]))
            if rng.random() < 0.4:
                edge = "e%d.a.%s" % (rng.randrange(1, 9999), d.cdn)
                an.append((target, CNAME, 20, [edge]))
                target = edge
            owner, ttl = target, min(ttl, 20)
        if qtype == A:
            for _ in range(pick(rng, [1, 1, 1, 2, 2, 4])):
                an.append((owner, A, ttl, [rand_v4(rng)]))
        elif qtype == AAAA:
            if not d.v6:
                return NOERROR, an, nodata_ns, [], d.signed
            for _ in range(pick(rng, [1, 1, 2])):
                an.append((owner, AAAA, ttl, [rand_v6(rng)]))
        elif qtype == HTTPS:
            if not d.https:
                return NOERROR, an, nodata_ns, [], d.signed
            v4 = rand_v4(rng) + rand_v4(rng)
            params = struct.pack("!HH", 1, 6) + b"\x02h2\x02h3" + struct.pack("!HH", 4, 8) + v4
            if d.v6:
                params += struct.pack("!HH", 6, 16) + rand_v6(rng)
            an.append((owner, HTTPS, ttl, [b"\x00\x01\x00" + params]))
        elif qtype == MX:
            r = rng.random()
            if r < 0.5:
                hosts = ["mail." + apex]
            elif r < 0.75:
                hosts = [apex.replace(".", "-") + ".mail.protection.outlook.com"]
            else:
                hosts = ["aspmx.l.google.com", "alt1.aspmx.l.google.com",
                         "alt2.aspmx.l.google.com"]
            for i, h in enumerate(hosts):
                an.append((name, MX, ttl, [struct.pack("!H", 10 * (i + 1)), h]))
                ar.append((h, A, ttl, [rand_v4(rng)]))
        elif qtype == TXT:
            label = name.split(".", 1)[0]
            if label == "_dmarc":
                an.append((name, TXT, ttl, [txt("v=DMARC1; p=%s; rua=mailto:dmarc@%s" % (
                    pick(rng, ["none", "quarantine", "reject"]), apex))]))
            elif label == "selector1":
                key = token(rng, 294)
                an.append((name, TXT, ttl, [txt("v=DKIM1; k=rsa; p=" + key[:200], key[200:])]))
            else:
                strings = ["v=spf1 include:_spf.%s ~all" % pick(
                    rng, ["google.com", "protection.outlook.com", apex])]
                for _ in range(pick(rng, [0, 1, 2]) + (18 if big else 0)):
                    strings.append(pick(rng, ["google-site-verification=", "MS=ms",
                                              "facebook-domain-verification=",
                                              "apple-domain-verification="]) + token(rng, 32))
                for s in strings:
                    an.append((name, TXT, ttl, [txt(s)]))
        elif qtype == SRV:
            if rng.random() < 0.5:
                return NXDOMAIN, [], nodata_ns, [], d.signed
            for i in range(pick(rng, [1, 2])):
                target = wire_name("srv%d.%s" % (i + 1, apex))     # never compressed
                an.append((name, SRV, ttl, [struct.pack("!HHH", 0, 100, pick(
                    rng, [389, 5060, 5222, 443])), target]))
        elif qtype == NS:
            for h in d.ns:
                an.append((apex, NS, 86400, [h]))
            for h in d.ns:
                if h.endswith(apex):
                    ar.append((h, A, 86400, [rand_v4(rng)]))
                    ar.append((h, AAAA, 86400, [rand_v6(rng)]))
        elif qtype == SOA:
            an.append((apex, SOA, 3600, soa(d.ns[0], "hostmaster." + apex, d.serial)))
        elif qtype == DS:
            if not d.signed:
                tld = apex.split(".", 1)[1]
                return NOERROR, [], [(tld, SOA, 900, soa(
                    "a.nic." + tld, "hostmaster.nic." + tld, 1718000000, 900))], [], False
            an.append((apex, DS, 86400, [struct.pack("!HBB", rng.getrandbits(16), 13, 2)
                                          + rng.randbytes(32)]))
        elif qtype == DNSKEY:
            if not d.signed:
                return NOERROR, [], nodata_ns, [], False
            for flags in (257, 256):
                an.append((apex, DNSKEY, 3600, [struct.pack("!HBB", flags, 3, 13)
                                                 + rng.randbytes(64)]))
        elif qtype == CAA:
            if rng.random() < 0.6:
                return NOERROR, [], nodata_ns, [], d.signed
            value = pick(rng, ["letsencrypt.org", "digicert.com", "pki.goog"])
            an.append((apex, CAA, ttl, [b"\x00\x05issue" + value.encode()]))
        return NOERROR, an, [], ar, d.signed


# EDNS of the clients' software: (UDP size, DO, cookie, client subnet), weight.
EDNS_PROFILES = [(None, 12), ((1232, False, False, False), 45), ((1232, True, False, False), 15),
                 ((4096, True, False, False), 10), ((1232, False, True, False), 13),
                 ((4096, False, False, True), 5)]
RESOLVER_EDNS = len(EDNS_PROFILES)      # what the resolvers send: cookie and DO
CLIENT_COOKIE = bytes.fromhex("24a8f1c3b7d2e905")
SERVER_COOKIE = bytes.fromhex("0100000066669cd5a1b2c3d4e5f60718")
EDE_CODES = [22, 6, 23]                # no reachable authority, bogus, network error


def opt_records():
    """For each EDNS profile: the query's OPT, the reply's OPT, and the
    reply's OPT with each extended DNS error (RFC 8914); empty if no EDNS."""
    out = []
    for p in [p for p, _ in EDNS_PROFILES] + [(1232, True, True, False)]:
        if p is None:
            out.append((b"", b"", [b""] * len(EDE_CODES)))
            continue
        size, do, cookie, ecs = p
        qo, ro = [], []
        if cookie:
            qo.append((10, CLIENT_COOKIE))
            ro.append((10, CLIENT_COOKIE + SERVER_COOKIE))
        if ecs:
            qo.append((8, struct.pack("!HBB", 1, 24, 0) + bytes([198, 51, 100])))
            ro.append((8, struct.pack("!HBB", 1, 24, 24) + bytes([198, 51, 100])))
        out.append((opt_rr(size, do, qo), opt_rr(1232, do, ro),
                    [opt_rr(1232, do, ro + [(15, struct.pack("!H", c))]) for c in EDE_CODES]))
    return out


# ---------------------------------------------------------------- frames

MAC_CLIENT_SIDE = bytes.fromhex("0050568a1c01")
MAC_SERVER_SIDE = bytes.fromhex("00163e5d2a02")
ETH = {(4, 0): MAC_SERVER_SIDE + MAC_CLIENT_SIDE + b"\x08\x00",
       (4, 1): MAC_CLIENT_SIDE + MAC_SERVER_SIDE + b"\x08\x00",
       (6, 0): MAC_SERVER_SIDE + MAC_CLIENT_SIDE + b"\x86\xdd",
       (6, 1): MAC_CLIENT_SIDE + MAC_SERVER_SIDE + b"\x86\xdd"}


def csum(total):
    """The Internet checksum of data whose 16-bit words add up to total:
    65536 = 1 (mod 65535), so the one's complement sum is total mod 65535."""
    r = total % 0xFFFF
    return 0xFFFF - r if r else 0


def wsum(data):
    """Sum of data's big-endian 16-bit words, up to a multiple of 65535."""
    return int.from_bytes(data + b"\0" if len(data) & 1 else data, "big")


class Host:
    __slots__ = ("raw", "sum", "v")

    def __init__(self, raw):
        self.raw, self.sum, self.v = raw, wsum(raw), 4 if len(raw) == 4 else 6


def ip_frame(src, dst, proto, l4, rng, back):
    """Ethernet + IPv4/IPv6 around a UDP or TCP segment (its checksum set)."""
    if src.v == 4:
        tot = 20 + len(l4)
        ident = rng.getrandbits(16)
        ttl = 64 if back else 128
        hc = csum(0x4500 + tot + ident + 0x4000 + (ttl << 8 | proto) + src.sum + dst.sum)
        return ETH[4, back] + struct.pack("!BBHHHBBH4s4s", 0x45, 0, tot, ident, 0x4000, ttl,
                                          proto, hc, src.raw, dst.raw) + l4
    return ETH[6, back] + struct.pack("!IHBB16s16s", 0x60000000, len(l4), proto,
                                      64, src.raw, dst.raw) + l4


def udp_frame(src, dst, sport, dport, payload, rng, back):
    ulen = 8 + len(payload)
    c = csum(src.sum + dst.sum + 17 + ulen + sport + dport + ulen + wsum(payload)) or 0xFFFF
    return ip_frame(src, dst, 17, struct.pack("!4H", sport, dport, ulen, c) + payload, rng, back)


SYN_OPTS = b"\x02\x04\x05\xb4\x01\x03\x03\x07\x01\x01\x04\x02"   # MSS 1460, WS 7, SACK ok
FIN, SYN, PSH, ACK = 1, 2, 8, 16


def tcp_frame(src, dst, sport, dport, seq, ack, flags, data, rng, back):
    opts = SYN_OPTS if flags & SYN else b""
    hlen = 20 + len(opts)
    win = 64240 if flags & SYN else 502
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, hlen << 2, flags, win, 0, 0) + opts
    tlen = hlen + len(data)
    c = csum(src.sum + dst.sum + 6 + tlen + wsum(hdr) + wsum(data))
    seg = hdr[:16] + struct.pack("!H", c) + hdr[18:] + data
    return ip_frame(src, dst, 6, seg, rng, back)


# ---------------------------------------------------------------- the capture


class Capture:
    def __init__(self, path, seed, rate):
        self.rng = random.Random(seed)
        self.answers = Answers(seed)
        self.opts = opt_records()
        self.rate = rate
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        self.out = []
        self.heap = []
        self.seq = 0
        self.stats = {"transactions": 0, "udp": 0, "tcp": 0, "tcp_after_tc": 0,
                      "unanswered": 0, "recursive_to_authoritative": 0, "ipv6": 0,
                      "edns_queries": 0, "rcodes": {}, "qtypes": {}}
        self.world()
        self.ports_seen = bytearray(65536)
        self.clients_seen = bytearray(len(self.clients))

    def world(self):
        rng = self.rng
        v4 = set()
        while len(v4) < 30000:
            v4.add(bytes([10, rng.getrandbits(8), rng.getrandbits(8), rng.randrange(1, 255)]))
        v6 = set()
        while len(v6) < 6000:
            v6.add(b"\x20\x01\x0d\xb8" + rng.randbytes(4) + bytes(4) + rng.randbytes(4))
        self.v4_clients = sorted(v4)
        self.clients = [Host(a) for a in self.v4_clients] + [Host(a) for a in sorted(v6)]
        rng.shuffle(self.clients)
        self.client_edns = rng.choices(range(len(EDNS_PROFILES)),
                                       [w for _, w in EDNS_PROFILES], k=len(self.clients))
        self.resolvers4 = [Host(bytes([10, 255, 255, n])) for n in (1, 2, 3, 4)]
        self.resolvers6 = [Host(b"\xfd\x00" + bytes(13) + bytes([n])) for n in (0x53, 0x54)]
        self.auth4 = [Host(rand_v4(rng)) for _ in range(3000)]
        self.auth6 = [Host(rand_v6(rng)) for _ in range(500)]
        tlds, weights = zip(*TLDS)
        names = set()
        self.domains = []
        while len(self.domains) < 20000:
            label = "".join(pick(rng, SYLLABLES) for _ in range(pick(rng, [2, 2, 3])))
            if rng.random() < 0.1:
                label += str(rng.randrange(100))
            apex = label + "." + rng.choices(tlds, weights)[0]
            if apex not in names:
                names.add(apex)
                self.domains.append(Domain(rng, apex))
        # Weighted picks by table lookup: 1000 slots shared out by weight.
        self.qtype_slots = self.slots(QTYPES)
        self.prefix_slots = self.slots(PREFIXES)

    @staticmethod
    def slots(weighted):
        total = sum(w for _, w in weighted)
        out = []
        for value, w in weighted:
            out += [value] * max(1, round(1000 * w / total))
        return out

    def domain(self):
        """A domain, the popular ones much more often (Zipf-like)."""
        return self.domains[int(len(self.domains) * self.rng.random() ** 5)]

    def question(self, big):
        """(kind, name, qtype, domain, big) of a new query."""
        rng = self.rng
        if big:              # a TCP exchange: often a large TXT set
            return self.domain_question(TXT, True)
        r = rng.random()
        if r < 0.03:         # a bot's domain generation algorithm
            label = "".join(pick(rng, "abcdefghijklmnopqrstuvwxyz")
                            for _ in range(rng.randrange(8, 20)))
            return ("dga", label + pick(rng, [".com", ".net", ".biz", ".info"]), A, None, False)
        if r < 0.05:         # a search-list suffix appended to a name
            return ("search", pick(rng, ["www.", "", "wpad."]) + self.domain().apex + pick(
                rng, [".corp.example.internal", ".lan", ".home", ".localdomain"]),
                pick(rng, [A, AAAA]), None, False)
        qtype = pick(rng, self.qtype_slots)
        if qtype == PTR:
            if rng.random() < 0.3:
                a = rand_v4(rng)
                kind = "ptr_nx"
            else:
                a = pick(rng, self.v4_clients)
                kind = "ptr"
            return (kind, "%d.%d.%d.%d.in-addr.arpa" % (a[3], a[2], a[1], a[0]), PTR, None,
                    False)
        return self.domain_question(qtype, False)

    def domain_question(self, qtype, big):
        rng = self.rng
        d = self.domain()
        if qtype in (A, AAAA, HTTPS):
            p = pick(rng, self.prefix_slots)
            name = p + "." + d.apex if p else d.apex
        elif qtype == TXT and not big:
            name = pick(rng, ["", "", "", "_dmarc.", "selector1._domainkey."]) + d.apex
        elif qtype == SRV:
            name = pick(rng, ["_sip._tls.", "_ldap._tcp.dc._msdcs.", "_xmpp-client._tcp.",
                              "_autodiscover._tcp."]) + d.apex
        else:
            name = d.apex
        return ("dom", name, qtype, d, big)

    def messages(self, q, rd, edns, tc):
        """The query and the reply, both with ID 0, and the reply's rcode."""
        rng = self.rng
        qopt, ropt, ropt_ede = self.opts[edns]
        profile = (EDNS_PROFILES[edns][0] if edns < RESOLVER_EDNS else (1232, True))
        dnssec = bool(profile and profile[1] and q[3] is not None and q[3].signed)
        rcode, ad, nan, nns, nar, body = self.answers.body(q, dnssec)
        qlen = len(q[1]) + 6 if q[1] else 5
        rflags = 0x8180 if rd else 0x8400
        r = rng.random()
        if tc:
            rflags |= 0x0200
            ad = nan = nns = nar = 0
            body = body[:qlen]
        elif rd and r < 0.011:           # upstream trouble: SERVFAIL or REFUSED
            rcode = SERVFAIL if r < 0.009 else REFUSED
            ad = nan = nns = nar = 0
            body = body[:qlen]
        if rcode == SERVFAIL and ropt and rng.random() < 0.5:
            ropt = pick(rng, ropt_ede)
        query = struct.pack("!6H", 0, 0x0100 if rd else 0, 1, 0, 0, 1 if qopt else 0) \
            + body[:qlen] + qopt
        reply = struct.pack("!6H", 0, rflags | rcode | (ad if rd else 0), 1, nan, nns,
                            nar + (1 if ropt else 0)) + body + ropt
        return query, reply, rcode

    def push(self, t, frame):
        self.seq += 1
        heapq.heappush(self.heap, (t, self.seq, frame))

    def flush_until(self, t):
        heap, out = self.heap, self.out
        while heap and heap[0][0] <= t:
            ts, _, frame = heapq.heappop(heap)
            n = len(frame)
            out.append(struct.pack("<IIII", ts // 1000000, ts % 1000000, n, n))
            out.append(frame)
        if len(out) > 20000:
            self.f.write(b"".join(out))
            out.clear()

    def count(self, field, key):
        d = self.stats[field]
        d[key] = d.get(key, 0) + 1

    def transaction(self, t):
        rng, st = self.rng, self.stats
        tcp = rng.random() < 0.03
        if rng.random() < 0.15:           # a resolver asking an authoritative server
            v6 = rng.random() < 0.12
            client = pick(rng, self.resolvers6 if v6 else self.resolvers4)
            server = pick(rng, self.auth6 if v6 else self.auth4)
            rd, edns = False, RESOLVER_EDNS
            st["recursive_to_authoritative"] += 1
        else:
            ci = int(len(self.clients) * rng.random() ** 2)     # some clients are busier
            self.clients_seen[ci] = 1
            client = self.clients[ci]
            server = pick(rng, self.resolvers4 if client.v == 4 else self.resolvers6)
            rd, edns = True, self.client_edns[ci]
        q = self.question(tcp and rng.random() < 0.5)
        if rng.random() < 0.7 or not rd:      # answered from the cache, or authoritative
            rtt = rng.randrange(150, 2000)
        else:
            rtt = int(rng.lognormvariate(10.3, 0.9)) + 1000
        if tcp and rng.random() < 0.5:        # truncated over UDP first, then TCP
            qw, rw, rcode = self.messages(q, rd, edns, True)
            self.udp_exchange(t, client, server, qw, rw, rtt)
            self.tally(q, client, edns, "udp", rcode)
            st["tcp_after_tc"] += 1
            t += rtt + rng.randrange(100, 400)
            rtt = rng.randrange(150, 2000)
        qw, rw, rcode = self.messages(q, rd, edns, False)
        if tcp:
            self.tcp_exchange(t, client, server, qw, rw, rtt)
        else:
            if rng.random() < 0.02:
                rw = None
                st["unanswered"] += 1
            self.udp_exchange(t, client, server, qw, rw, rtt)
        self.tally(q, client, edns, "tcp" if tcp else "udp", rcode if rw else None)

    def tally(self, q, client, edns, proto, rcode):
        st = self.stats
        st["transactions"] += 1
        st[proto] += 1
        st["ipv6"] += client.v == 6
        st["edns_queries"] += EDNS_PROFILES[edns][0] is not None if edns < RESOLVER_EDNS else 1
        self.count("qtypes", TYPE_NAMES[q[2]])
        if rcode is not None:
            self.count("rcodes", RCODE_NAMES[rcode])

    def udp_exchange(self, t, client, server, qw, rw, rtt):
        rng = self.rng
        qid = rng.getrandbits(16).to_bytes(2, "big")
        cport = rng.randrange(1024, 65536)
        self.ports_seen[cport] = 1
        self.push(t, udp_frame(client, server, cport, 53, qid + qw[2:], rng, 0))
        if rw is not None:
            self.push(t + rtt, udp_frame(server, client, 53, cport, qid + rw[2:], rng, 1))

    def tcp_exchange(self, t, client, server, qw, rw, rtt):
        rng = self.rng
        qid = rng.getrandbits(16).to_bytes(2, "big")
        cport = rng.randrange(1024, 65536)
        self.ports_seen[cport] = 1
        cs, ss = rng.getrandbits(32), rng.getrandbits(32)
        hs = rng.randrange(80, 1500)          # network round trip
        m32 = 0xFFFFFFFF

        def c2s(at, seq, ack, flags, data=b""):
            self.push(at, tcp_frame(client, server, cport, 53, seq & m32, ack & m32, flags,
                                    data, rng, 0))

        def s2c(at, seq, ack, flags, data=b""):
            self.push(at, tcp_frame(server, client, 53, cport, seq & m32, ack & m32, flags,
                                    data, rng, 1))
        c2s(t, cs, 0, SYN)
        t += hs
        s2c(t, ss, cs + 1, SYN | ACK)
        t += 30
        c2s(t, cs + 1, ss + 1, ACK)
        t += 20
        query = len(qw).to_bytes(2, "big") + qid + qw[2:]
        c2s(t, cs + 1, ss + 1, PSH | ACK, query)
        cs += 1 + len(query)
        ss += 1
        if rtt > 40000:                        # delayed ACK while the resolver works
            s2c(t + 40000, ss, cs, ACK)
        t += rtt
        reply = len(rw).to_bytes(2, "big") + qid + rw[2:]
        for off in range(0, len(reply), 1448):  # MSS segments
            seg = reply[off:off + 1448]
            last = off + 1448 >= len(reply)
            s2c(t, ss, cs, ACK | (PSH if last else 0), seg)
            ss += len(seg)
            t += 5
        t += 40
        c2s(t, cs, ss, ACK)
        t += rng.randrange(50, 2000)
        c2s(t, cs, ss, FIN | ACK)
        t += hs
        s2c(t, ss, cs + 1, FIN | ACK)
        t += 30
        c2s(t, cs + 1, ss + 1, ACK)

    def run(self, n_packets):
        t = T0 * 1000000
        rng = self.rng
        mean_gap = 1e6 / self.rate
        while self.seq < n_packets:
            t += int(rng.expovariate(1.0) * mean_gap) + 1
            self.flush_until(t - 1)
            self.transaction(t)
        self.flush_until(1 << 62)
        self.f.write(b"".join(self.out))
        self.f.close()
        st = self.stats
        st["packets"] = self.seq
        st["clients"] = sum(self.clients_seen) + len(self.resolvers4) + len(self.resolvers6)
        st["client_ports"] = sum(self.ports_seen)
        st["distinct_questions"] = len(self.answers.cache)
        st["duration_s"] = round(t / 1e6 - T0, 3)
        return st


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--packets", type=int, default=1000000)
    ap.add_argument("--seed", type=int, default=20240610)
    ap.add_argument("--rate", type=int, default=DEFAULT_RATE,
                    help="new transactions per second of capture time")
    args = ap.parse_args()
    tmp = args.out + ".tmp"
    st = Capture(tmp, args.seed, args.rate).run(args.packets)
    st.update(seed=args.seed, rate=args.rate, requested_packets=args.packets)
    with open(args.out + ".json.tmp", "w") as f:
        json.dump(st, f, indent=1, sort_keys=True)
    os.replace(tmp, args.out)
    os.replace(args.out + ".json.tmp", args.out + ".json")


if __name__ == "__main__":
    sys.exit(main())
