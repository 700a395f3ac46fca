#!/usr/bin/env python3
"""Flood each table an attacker can fill and show memory stays bounded.

Three captures are generated into a scratch directory, each aimed at one
table: unanswered queries (the transaction table), TCP flows each holding
a partial message (TCP reassembly), and IP fragments that never complete
(fragment reassembly).  dns-gazer reads each; the test checks the
evictions are counted and that the peak RSS stays under the bound.

Usage: flood.py DNS_GAZER PCAPGEN_DIR SCRATCH_DIR
"""
import os
import re
import struct
import subprocess
import sys

PEAK_RSS_LIMIT_KIB = 64 * 1024


def stats_of(stderr):
    """The statistics summary as {name: value}."""
    out = {}
    for line in stderr.splitlines():
        m = re.match(r"\s+(\S+) (\d+)$", line)
        if m:
            out[m.group(1)] = int(m.group(2))
    return out


# Runs a command and prints its peak RSS: a process of its own per run, so
# RUSAGE_CHILDREN covers that run alone.
MEASURE = ("import resource, subprocess, sys\n"
           "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
           "sys.stderr.buffer.write(p.stderr)\n"
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
           "sys.exit(p.returncode)\n")


def run(gazer, pcap, args):
    """Run dns-gazer on pcap; return (stats, peak RSS in KiB of that run)."""
    p = subprocess.run([sys.executable, "-c", MEASURE, gazer, "-r", pcap, "-t", "/dev/null"] + args,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    if p.returncode != 0:
        raise SystemExit("dns-gazer failed on %s: %s" % (pcap, p.stderr.decode()))
    return stats_of(p.stderr.decode()), int(p.stdout)


def write(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, frame in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000 + i // 10000, i % 10000 * 100,
                                len(frame), len(frame)) + frame)


DEFAULT_MAX_PENDING = 200000


def write_million(path, g, n):
    """n queries from distinct clients, ports, ids and names, fast: one
    frame template patched in place (no checksums: dns-gazer does not check
    them, as capture offload often leaves them wrong)."""
    t = bytearray(g.ether(g.udp4("10.0.0.0", 1024, "192.0.2.53", 53,
                                 g.message(0, g.QUERY, qd=[g.question("q0000000.flood.example")]))))
    ip, udp, dns = 14, 34, 42
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        rec = struct.Struct("<IIII")
        for i in range(n):
            struct.pack_into("!BBB", t, ip + 13, i >> 16 & 255, i >> 8 & 255, i & 255)
            struct.pack_into("!H", t, udp, 1024 + i % 60000)
            struct.pack_into("!H", t, dns, i & 0xFFFF)
            t[dns + 14:dns + 21] = b"%07d" % i
            f.write(rec.pack(1700000000 + i // 100000, i % 100000 * 10, len(t), len(t)))
            f.write(t)


def main():
    gazer, gen, scratch = sys.argv[1:4]
    # Under AddressSanitizer, shadow memory and quarantine inflate RSS: the
    # counters are still checked, the memory bound is not.
    with open(gazer, "rb") as f:
        data = f.read()
    sanitized = b"__asan_init" in data or b"AddressSanitizer" in data
    limit = PEAK_RSS_LIMIT_KIB * (100 if sanitized else 1)
    sys.path.insert(0, gen)
    import pcapgen as g

    n_queries, n_flows, n_frags = 100000, 1500, 20000
    fail = []

    def addr(i):
        return "10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255)

    # 1. unanswered queries from many clients
    q = os.path.join(scratch, "queries.pcap")
    write(q, (g.ether(g.udp4(addr(i), 1024 + i % 60000, "192.0.2.53", 53,
                             g.message(i & 0xFFFF, g.QUERY, qd=[g.question("flood%d.example" % i)])))
              for i in range(n_queries)))
    st, rss = run(gazer, q, ["--max-pending", "1000"])
    print("queries: %d sent, no_reply %d, evicted %d, peak RSS %d KiB"
          % (n_queries, st.get("tx.no_reply", 0), st.get("tx.evicted", 0), rss))
    if st.get("tx.no_reply") != n_queries or st.get("tx.evicted") != n_queries - 1000:
        fail.append("transaction table: every query must be logged, all but 1000 evicted")
    if rss > limit:
        fail.append("transaction table: peak RSS %d KiB over %d" % (rss, PEAK_RSS_LIMIT_KIB))

    # 2. TCP flows, each sending 44 segments of a 60000-byte message it never
    # finishes: ~62 KiB held per flow, ~90 MiB if nothing bounded the total
    t = os.path.join(scratch, "tcp.pcap")
    chunk = bytes(1400)

    def tcp(i, k):
        """Segment k of flow i; k = -1 is its SYN."""
        data = b"" if k < 0 else (struct.pack("!H", 60000) + chunk[2:]) if k == 0 else chunk
        seg = struct.pack("!HHIIBBHHH", 1024 + i % 60000, 53, 999 if k < 0 else 1000 + 1400 * k,
                          0, 0x50, 0x02 if k < 0 else 0x18, 65535, 0, 0)
        return g.ether(g.ipv4(addr(i), "192.0.2.53", seg + data, proto=6))
    write(t, (tcp(i, k) for k in range(-1, 44) for i in range(n_flows)))
    st, rss = run(gazer, t, [])
    print("tcp: %d flows, evicted %d, partial dropped %d, peak RSS %d KiB"
          % (n_flows, st.get("tcp.evicted_flows", 0) + st.get("tcp.evicted_for_memory", 0),
             st.get("tcp.partial_dropped", 0), rss))
    if st.get("tcp.segments") != 45 * n_flows or \
            st.get("tcp.evicted_flows", 0) + st.get("tcp.evicted_for_memory", 0) == 0:
        fail.append("TCP reassembly: flows must be evicted and counted")
    if rss > limit:
        fail.append("TCP reassembly: peak RSS %d KiB over %d" % (rss, PEAK_RSS_LIMIT_KIB))

    # 3. first fragments of datagrams that never complete
    fr = os.path.join(scratch, "frags.pcap")
    data = struct.pack("!HHHH", 1024, 53, 8 + 2800, 0) + bytes(1472)
    write(fr, (g.ether(g.ipv4(addr(i), "192.0.2.53", data, ident=i & 0xFFFF, frag=0x2000))
               for i in range(n_frags)))
    st, rss = run(gazer, fr, [])
    evicted = st.get("defrag.evicted", 0) + st.get("defrag.evicted_bytes", 0)
    print("fragments: %d, evicted %d, pending at exit %d, peak RSS %d KiB"
          % (n_frags, evicted, st.get("defrag.pending", 0), rss))
    if st.get("defrag.fragments") != n_frags or evicted == 0:
        fail.append("fragment reassembly: datagrams must be evicted and counted")
    if rss > limit:
        fail.append("fragment reassembly: peak RSS %d KiB over %d" % (rss, PEAK_RSS_LIMIT_KIB))

    # 4. a million unanswered queries on distinct keys, with the default
    # --max-pending: the documented bound is the base footprint plus
    # max-pending * 256 bytes (TX_TABLE_BYTES_PER_ENTRY)
    m = os.path.join(scratch, "million.pcap")
    n_million = 1000000
    write_million(m, g, n_million)
    st, rss = run(gazer, m, [])
    bound = 8 * 1024 + DEFAULT_MAX_PENDING * 256 // 1024
    print("million queries: no_reply %d, evicted %d, peak RSS %d KiB (bound %d KiB)"
          % (st.get("tx.no_reply", 0), st.get("tx.evicted", 0), rss, bound))
    if st.get("tx.no_reply") != n_million or \
            st.get("tx.evicted") != n_million - DEFAULT_MAX_PENDING:
        fail.append("a million queries: all logged, all but max-pending evicted")
    if rss > (bound * 100 if sanitized else bound):
        fail.append("a million queries: peak RSS %d KiB over the bound %d" % (rss, bound))
    os.unlink(m)

    for f in fail:
        print("FAIL " + f)
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main())
