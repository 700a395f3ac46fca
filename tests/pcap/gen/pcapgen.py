#!/usr/bin/env python3
"""Small library to build DNS test captures by hand (pcap and pcapng).

Written for dns-gazer's tests: every byte of a frame is spelled out here,
so a test can say exactly what is on the wire and what must come out.
"""
import struct

# ---------------------------------------------------------------- DNS


def name(n):
    """Wire form of a dotted name (no compression); '.' is the root."""
    out = b""
    for label in n.strip(".").split(".") if n not in (".", "") else []:
        raw = label.encode("latin-1")
        out += bytes([len(raw)]) + raw
    return out + b"\x00"


def question(qname, qtype=1, qclass=1):
    return name(qname) + struct.pack("!HH", qtype, qclass)


def rr(owner, rtype, rdata, ttl=300, rclass=1, owner_wire=None):
    w = owner_wire if owner_wire is not None else name(owner)
    return w + struct.pack("!HHIH", rtype, rclass, ttl, len(rdata)) + rdata


def message(mid, flags, qd=(), an=(), ns=(), ar=(), counts=None):
    """A DNS message; counts overrides the header counts (to lie)."""
    c = counts if counts is not None else (len(qd), len(an), len(ns), len(ar))
    return struct.pack("!HHHHHH", mid, flags, *c) + b"".join(
        list(qd) + list(an) + list(ns) + list(ar))


QUERY = 0x0100          # RD
REPLY = 0x8180          # QR RD RA, NOERROR

# ---------------------------------------------------------------- IP/UDP


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def ip6(s):
    import ipaddress
    return ipaddress.IPv6Address(s).packed


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def ipv4(src, dst, payload, proto=17, ident=1, frag=0, total=None, ihl=5):
    tl = total if total is not None else 20 + len(payload)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, tl, ident, frag, 64, proto, 0,
                      ip4(src), ip4(dst))
    return hdr + payload


def ipv6(src, dst, payload, nh=17, exts=b""):
    return struct.pack("!IHBB16s16s", 6 << 28, len(exts) + len(payload), nh, 64,
                       ip6(src), ip6(dst)) + exts + payload


def udp4(src, sport, dst, dport, dns):
    return ipv4(src, dst, udp(sport, dport, dns))


def udp6(src, sport, dst, dport, dns):
    return ipv6(src, dst, udp(sport, dport, dns))

# ---------------------------------------------------------------- links

DLT_NULL, DLT_EN10MB, DLT_RAW, DLT_LOOP, DLT_LINUX_SLL, DLT_LINUX_SLL2 = 0, 1, 101, 108, 113, 276

MAC_A = bytes.fromhex("020000000001")
MAC_B = bytes.fromhex("020000000002")


def ether(ip, vlans=(), ethertype=None):
    """Ethernet frame; vlans is a list of (tpid, vid) outermost first."""
    et = ethertype if ethertype is not None else (0x0800 if ip[0] >> 4 == 4 else 0x86DD)
    tags = b""
    for i, (tpid, vid) in enumerate(vlans):
        tags += struct.pack("!H", tpid) + struct.pack("!H", vid)
    # each tag's TPID is written before its TCI; the final ethertype follows
    return MAC_A + MAC_B + tags + struct.pack("!H", et) + ip


def sll(ip):
    et = 0x0800 if ip[0] >> 4 == 4 else 0x86DD
    return struct.pack("!HHH8sH", 0, 1, 6, MAC_A + b"\0\0", et) + ip


def sll2(ip):
    et = 0x0800 if ip[0] >> 4 == 4 else 0x86DD
    return struct.pack("!HHIHBB8s", et, 0, 1, 1, 0, 6, MAC_A + b"\0\0") + ip


def null_le(ip):
    return struct.pack("<I", 2 if ip[0] >> 4 == 4 else 30) + ip


def loop(ip):
    return struct.pack("!I", 2 if ip[0] >> 4 == 4 else 24) + ip

# ---------------------------------------------------------------- files


def write_pcap(path, linktype, packets, snaplen=65535):
    """packets: list of (time_seconds_float_or_(sec,usec), frame[, wirelen])."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype))
        for p in packets:
            t, frame = p[0], p[1]
            wirelen = p[2] if len(p) > 2 else len(frame)
            sec, usec = t if isinstance(t, tuple) else (int(t), round((t - int(t)) * 1e6))
            f.write(struct.pack("<IIII", sec, usec, len(frame), wirelen) + frame)


def write_pcapng(path, linktype, packets):
    """pcapng with one interface, nanosecond resolution (if_tsresol = 9)."""
    def block(btype, body):
        body += b"\0" * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack("<II", btype, n) + body + struct.pack("<I", n)
    shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    opts = struct.pack("<HH", 9, 1) + b"\x09\0\0\0" + struct.pack("<HH", 0, 0)
    idb = block(1, struct.pack("<HHI", linktype, 0, 65535) + opts)
    out = shb + idb
    for t, frame in packets:
        sec, usec = t if isinstance(t, tuple) else (int(t), round((t - int(t)) * 1e6))
        ns = sec * 10**9 + usec * 1000
        out += block(6, struct.pack("<IIIII", 0, ns >> 32, ns & 0xFFFFFFFF, len(frame),
                                    len(frame)) + frame)
    with open(path, "wb") as f:
        f.write(out)
