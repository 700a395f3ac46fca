#!/usr/bin/env python3
"""Build the seed corpora of the fuzz harnesses from the test captures.

Usage: make_seeds.py TESTS_PCAP_DIR SEEDS_DIR
- fuzz_frame:    every distinct frame of the captures, with the harness's
                 3-byte prefix (link type index, time step);
- fuzz_dns_msg:  every distinct UDP payload on port 53 / 5353 / 5355;
- fuzz_tcp_reasm, fuzz_ip_defrag: a few hand-made sequences in the
                 harnesses' input formats;
- fuzz_ioc_list: the indicator lists beside the captures (*.txt under
                 ioc/) and a few hand-made ones.
Crashes found by fuzzing are added by hand as crash-<id> files.
"""
import glob
import hashlib
import os
import struct
import sys

LINK_INDEX = {1: 0, 101: 1, 12: 1, 113: 2, 276: 3, 0: 4, 108: 5, 9: 6}


def frames(path):
    data = open(path, "rb").read()
    if len(data) < 24 or struct.unpack("<I", data[:4])[0] not in (0xA1B2C3D4, 0xA1B23C4D):
        return
    lt = struct.unpack("<I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack("<I", data[off + 8:off + 12])[0]
        yield lt, data[off + 16:off + 16 + incl]
        off += 16 + incl


def udp_payload(lt, f):
    """The UDP payload of an untunnelled Ethernet or raw IPv4/IPv6 frame."""
    if lt == 1:
        et, f = struct.unpack("!H", f[12:14])[0], f[14:]
        while et == 0x8100 and len(f) >= 4:
            et, f = struct.unpack("!H", f[2:4])[0], f[4:]
    if not f:
        return None
    if f[0] >> 4 == 4 and len(f) >= 20 and f[9] == 17:
        f = f[(f[0] & 15) * 4:]
    elif f[0] >> 4 == 6 and len(f) >= 40 and f[6] == 17:
        f = f[40:]
    else:
        return None
    if len(f) < 8 or not ({53, 5353, 5355} & set(struct.unpack("!HH", f[:4]))):
        return None
    return f[8:]


def save(d, blob, prefix="seed"):
    os.makedirs(d, exist_ok=True)
    name = prefix + "-" + hashlib.sha1(blob).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as fp:
        fp.write(blob)


def main():
    src, out = sys.argv[1], sys.argv[2]
    for path in sorted(glob.glob(os.path.join(src, "**", "*.pcap"), recursive=True)):
        for lt, f in frames(path):
            if lt in LINK_INDEX:
                save(os.path.join(out, "fuzz_frame"), bytes([LINK_INDEX[lt], 0, 10]) + f)
                p = udp_payload(lt, f)
                if p:
                    save(os.path.join(out, "fuzz_dns_msg"), p)
    for path in sorted(glob.glob(os.path.join(src, "ioc", "*.txt"))):
        with open(path, "rb") as fp:
            save(os.path.join(out, "fuzz_ioc_list"), fp.read())
    for text in (b"Ex\\097mple.COM\tfeed\n*.dyn.test\n192.0.2.0/24\tnet\n2001:db8::/32\n",
                 b"a\\000\\255.test\n", b"ok.test\nbad..test\n",
                 b"x.test # c\r\n# only\n\n  y.test\tl\n"):
        save(os.path.join(out, "fuzz_ioc_list"), text)
    # TCP: a query split over two segments, then the reply in one (harness format)
    msg = bytes.fromhex("1234010000010000000000000161000001" "0001")
    stream = struct.pack("!H", len(msg)) + msg
    def seg(flags, flow, seq, dt, data):
        return bytes([flags, flow]) + struct.pack("!IH", seq, dt) + bytes([len(data)]) + data
    tcp = seg(0x02, 1, 1000, 0, b"") + seg(0x10, 1, 1001, 1, stream[:5]) + \
        seg(0x10, 1, 1006, 1, stream[5:]) + seg(0x90, 1, 5000, 2, stream)
    save(os.path.join(out, "fuzz_tcp_reasm"), tcp)
    save(os.path.join(out, "fuzz_tcp_reasm"), seg(0x10, 2, 7, 0, stream * 3) + seg(0x11, 2, 7 + 3 * len(stream), 0, b""))
    # fragments: an 8+8+4 byte datagram in three pieces, out of order, v4 and v6
    def frag(sel, off8, dt, data):
        return bytes([sel]) + struct.pack("!HH", off8, dt) + bytes([(len(data) + 7) // 8]) + data
    body = struct.pack("!HHHH", 1000, 53, 8 + 12, 0) + bytes(12)
    for fam in (0x00, 0x80):
        save(os.path.join(out, "fuzz_ip_defrag"),
             frag(fam | 1, 1, 0, body[8:16]) + frag(fam, 2, 1, body[16:] + bytes(4)) + frag(fam | 1, 0, 1, body[:8]))


if __name__ == "__main__":
    main()
