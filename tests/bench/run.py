#!/usr/bin/env python3
"""make bench: dns-gazer's throughput on one large capture, beside its peers.

    run.py [--gazer ./dns-gazer] [--packets N] [--repeat N] [--dir DIR] [--keep]

Makes (or reuses) the capture of gencapture.py, then runs each dns-gazer
output mode and, on the same file, tshark and dnscap, and prints for each
the wall time, CPU seconds (user + sys), peak RSS, packets per second and
the ratios to `dns-gazer -t FILE`.  See README.md beside this file.
"""
import argparse
import hashlib
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATOR = os.path.join(HERE, "gencapture.py")
IOC_GENERATOR = os.path.join(HERE, "genioc.py")
BASELINE = "dns-gazer -t FILE"

# dns-gazer's modes: label, arguments after -q -r CAPTURE, what the mode
# writes (files or directories made beforehand, in the output directory),
# and the option --help must list for the mode to exist in this build.
GAZER_MODES = [
    ("dns-gazer -t FILE", ["-t", "{out}/tx.txt"], ["tx.txt"], None),
    ("dns-gazer -t /dev/null", ["-t", "/dev/null"], [], None),
    ("dns-gazer -R -t FILE", ["-R", "-t", "{out}/records.txt"], ["records.txt"], None),
    ("dns-gazer -o FILE", ["-o", "{out}/tx.msgpack"], ["tx.msgpack"], None),
    ("dns-gazer -R -o FILE", ["-R", "-o", "{out}/records.msgpack"], ["records.msgpack"], None),
    ("dns-gazer -w DIR (Zeek TSV)", ["-w", "{out}/zeek/", "--log-format", "zeek"], ["zeek/"],
     "--log-dir"),
    ("dns-gazer -w DIR (JSON)", ["-w", "{out}/json/", "--log-format", "json"], ["json/"],
     "--log-dir"),
    ("dns-gazer -f fluentd (local)", ["-f", "127.0.0.1:{port}"], [], "--fluentd"),
    ("dns-gazer -f fluentd --fluentd-ack", ["-f", "127.0.0.1:{ackport}", "--fluentd-ack"], [],
     "--fluentd"),
    ("dns-gazer -t FILE --ioc LIST", ["-t", "{out}/ioc.txt", "--ioc", "{ioc}"], ["ioc.txt"],
     "--ioc"),
]

# tshark: decode every DNS message (TCP reassembled, as by default) and
# print its addresses, ID, flags, question and answer data.
TSHARK_FIELDS = ["frame.time_epoch", "ip.src", "ipv6.src", "udp.srcport", "tcp.srcport",
                 "ip.dst", "ipv6.dst", "udp.dstport", "tcp.dstport", "dns.id",
                 "dns.flags.response", "dns.flags.rcode", "dns.qry.name", "dns.qry.type",
                 "dns.resp.name", "dns.resp.type", "dns.resp.ttl", "dns.a", "dns.aaaa",
                 "dns.cname", "dns.ptr.domain_name", "dns.mx.mail_exchange", "dns.ns",
                 "dns.txt", "dns.soa.mname", "dns.srv.target", "dns.rr.udp_payload_size"]


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def capture(args):
    """The capture's path and summary, made again only when missing or when
    the generator has changed since."""
    path = os.path.join(args.dir, "bench-%d-%d.pcap" % (args.packets, args.seed))
    digest = sha256(GENERATOR)
    try:
        with open(path + ".json") as f:
            summary = json.load(f)
        if os.path.exists(path) and summary.get("generator_sha256") == digest:
            print("capture: %s (cached)" % path)
            return path, summary
    except (OSError, ValueError):
        pass
    print("capture: generating %s (%d packets) ..." % (path, args.packets), flush=True)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, GENERATOR, "--packets", str(args.packets),
                    "--seed", str(args.seed), path], check=True)
    print("capture: generated in %.1f s" % (time.perf_counter() - t0))
    with open(path + ".json") as f:
        summary = json.load(f)
    summary["generator_sha256"] = digest
    with open(path + ".json", "w") as f:
        json.dump(summary, f, indent=1, sort_keys=True)
    return path, summary


def ioc_list(args):
    """The --ioc list of the ioc mode (genioc.py), made when missing."""
    path = os.path.join(args.dir, "ioc-%d.txt" % args.ioc_count)
    if not os.path.exists(path):
        print("ioc: generating %s (%d domains) ..." % (path, args.ioc_count), flush=True)
        subprocess.run([sys.executable, IOC_GENERATOR, str(args.ioc_count), path], check=True)
    return path


def describe(path, s):
    tx = s["transactions"]
    pct = lambda n: 100.0 * n / tx  # noqa: E731
    rc = s["rcodes"]
    print("  %d packets, %.0f MiB, %.1f s of traffic; %d transactions: %.1f %% TCP "
          "(%d after a TC reply), %.1f %% unanswered, NXDOMAIN %.1f %%, SERVFAIL %.1f %%;"
          % (s["packets"], os.path.getsize(path) / 2**20, s["duration_s"], tx,
             pct(s["tcp"]), s["tcp_after_tc"], pct(s["unanswered"]),
             pct(rc.get("NXDOMAIN", 0)), pct(rc.get("SERVFAIL", 0))))
    print("  %d clients, %d client ports, EDNS in %.0f %% of queries, IPv6 %.0f %%, "
          "%d distinct questions" % (s["clients"], s["client_ports"], pct(s["edns_queries"]),
                                     pct(s["ipv6"]), s["distinct_questions"]))
    qt = sorted(s["qtypes"].items(), key=lambda kv: -kv[1])
    print("  qtypes: " + ", ".join("%s %.1f%%" % (k, pct(v)) for k, v in qt))


class AckingReceiver:
    """The test suite's Forward receiver (tests/system/fwd_receiver.py) in
    its counting mode: it speaks the protocol and acks every chunk."""

    def __init__(self, out_dir):
        py = next((p for p in ("/usr/bin/python3", sys.executable)
                   if subprocess.run([p, "-c", "import msgpack"], capture_output=True).returncode
                   == 0), None)
        if not py:
            raise RuntimeError("no python3 with msgpack (apt-get install python3-msgpack)")
        port_file = os.path.join(out_dir, "receiver.port")
        self.proc = subprocess.Popen([py, os.path.join(HERE, "..", "system", "fwd_receiver.py"),
                                      "--port", "0", "--port-file", port_file, "--out",
                                      os.path.join(out_dir, "receiver.json"), "--count-only"])
        deadline = time.time() + 10
        while not os.path.exists(port_file) or not open(port_file).read().strip():
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError("the Forward receiver did not start")
            time.sleep(0.05)
        with open(port_file) as f:
            self.port = int(f.read())

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


class FluentdSink:
    """A local TCP receiver standing in for fluentd's in_forward: it reads
    and throws away everything (no acks), counting the bytes."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.port = self.sock.getsockname()[1]
        self.bytes = 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            conn, _ = self.sock.accept()
            threading.Thread(target=self.drain, args=(conn,), daemon=True).start()

    def drain(self, conn):
        with conn:
            while True:
                data = conn.recv(1 << 20)
                if not data:
                    return
                self.bytes += len(data)


# Linux keeps a process's peak RSS across exec, so a tool started straight
# from this (30 MiB) Python process would report at least that much; GNU
# time, a small process, starts it instead and reports its peak RSS alone.
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def run_once(cmd, out_dir, stdout_name):
    """Run cmd; return (exit code, wall s, user s, sys s, peak RSS KiB).
    Wall time is taken here; CPU time from wait4 (the tool and GNU time,
    whose own share is about a millisecond)."""
    rfile = os.path.join(out_dir, "rusage.txt")
    if GNU_TIME:
        cmd = [GNU_TIME, "-f", "%M", "-o", rfile, "--"] + cmd
    with open(os.path.join(out_dir, stdout_name), "wb") as out, \
            open(os.path.join(out_dir, "stderr.txt"), "wb") as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    rss = ru.ru_maxrss
    if GNU_TIME:
        with open(rfile) as f:
            rss = int(f.read().split()[-1])
    return p.returncode, wall, ru.ru_utime, ru.ru_stime, rss


def remove(path):
    if os.path.isdir(path):
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.unlink(path)


def size_and_lines(paths):
    size = lines = 0
    for p in paths:
        files = [os.path.join(d, f) for d, _, fs in os.walk(p) for f in fs] \
            if os.path.isdir(p) else [p] if os.path.exists(p) else []
        for f in files:
            size += os.path.getsize(f)
            with open(f, "rb") as fh:
                while True:
                    block = fh.read(1 << 22)
                    if not block:
                        break
                    lines += block.count(b"\n")
    return size, lines


def measure(label, cmd, out_dir, repeat, outputs, stdout_name="stdout.txt", text=True,
            keep=False):
    """Best of repeat runs (least wall time), with the size and line count
    of what the best run wrote (outputs: under out_dir; a name ending in /
    is a directory, made empty before each run; all removed after unless
    keep)."""
    best = None
    for _ in range(repeat):
        for p in outputs + [stdout_name]:
            remove(os.path.join(out_dir, p))
            if p.endswith("/"):
                os.makedirs(os.path.join(out_dir, p))
        rc, wall, user, sys_, rss = run_once(cmd, out_dir, stdout_name)
        if rc != 0:
            with open(os.path.join(out_dir, "stderr.txt"), "rb") as f:
                tail = f.read()[-400:].decode(errors="replace").strip()
            print("%s: exit status %d: %s" % (label, rc, tail))
            return {"label": label, "status": "failed (exit %d)" % rc}
        if best is None or wall < best["wall"]:
            size, lines = size_and_lines(
                [os.path.join(out_dir, p) for p in outputs + [stdout_name]])
            best = {"label": label, "status": "ok", "wall": wall, "cpu": user + sys_,
                    "user": user, "sys": sys_, "rss_kib": rss, "out_bytes": size,
                    "out_lines": lines if text else None}
    if not keep:
        for p in outputs + [stdout_name]:
            remove(os.path.join(out_dir, p))
    print("%-32s %7.2f s wall  %7.2f s CPU  %7.1f MiB" % (
        label, best["wall"], best["cpu"], best["rss_kib"] / 1024), flush=True)
    return best


def cpu_split(cmd, marker):
    """Run cmd (stderr read here); return (CPU s when marker first appears
    on its stderr, CPU s when its statistics begin, exit code).  Both are
    the main thread's run time from /proc/PID/schedstat (nanoseconds), read
    as the line arrives; with no marker the first is 0.  The statistics are
    written once the capture is read and the outputs closed, so what comes
    after them (freeing memory, the kernel's unmapping at exit) is left out."""
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)

    def now():
        try:
            with open("/proc/%d/schedstat" % p.pid) as f:
                return int(f.read().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            return float("nan")
    at, end = 0.0, None
    for line in p.stderr:
        if marker and not at and marker in line:
            at = now()
        if end is None and b": statistics" in line:
            end = now()
    _, status, _ = os.wait4(p.pid, 0)
    return at, end if end is not None else float("nan"), os.waitstatus_to_exitcode(status)


def ioc_cost(gazer, pcap, ioc, rounds, out_dir):
    """What matching indicators costs, apart from loading them.  The
    capture is read without and with the list, in turns over `rounds`
    rounds, for two outputs: the benchmark's baseline (-t FILE) and
    /dev/null, whose base is the smallest, so its ratio the least
    flattering.  In the run with the list, the CPU time at the moment it
    says the list is loaded is taken from the kernel, so loading (and the
    memory it touches, whose cost on a virtual machine swings widely) is
    told apart from reading the capture.  Shown: the least of each (a busy
    machine only ever adds time), and the median of the per-round
    differences."""
    out_file = os.path.join(out_dir, "ioc-cost.txt")
    outputs = (("-t FILE", out_file), ("-t /dev/null", "/dev/null"))
    base = {o: [] for o, _ in outputs}
    proc = {o: [] for o, _ in outputs}
    load = []
    for r in range(rounds):
        for label, out in outputs:
            runs = [("base", [gazer, "-r", pcap, "-t", out]),
                    ("ioc", [gazer, "-r", pcap, "-t", out, "--ioc", ioc])]
            for name, cmd in (runs if r % 2 == 0 else runs[::-1]):
                at, end, rc = cpu_split(cmd, b" indicators from " if name == "ioc" else None)
                remove(out_file)
                if rc != 0 or at != at or end != end:
                    print("ioc cost: the %s run failed (exit %d, or no schedstat)" % (name, rc))
                    return None
                if name == "base":
                    base[label].append(end)
                else:
                    proc[label].append(end - at)
                    load.append(at)
    print()
    print("Indicator matching, %d domain indicators, %d rounds (CPU s reading the capture, "
          "the list's loading left out):" % (sum(1 for _ in open(ioc)) - 1, rounds))
    print("  loading the list: least %.3f s, median %.3f s" % (min(load), statistics.median(load)))
    result = {"load": min(load)}
    for label, _ in outputs:
        b, i = base[label], proc[label]
        mb, mp = min(b), min(i)
        med = statistics.median([x - y for x, y in zip(i, b)])
        print("  %s: least %.3f s without the list, %.3f s with it: %+.1f %%; per round, "
              "median %+.3f s, %+.1f %% of the median base"
              % (label, mb, mp, 100.0 * (mp - mb) / mb, med, 100.0 * med / statistics.median(b)))
        result[label] = {"base": mb, "with": mp, "median_diff": med}
    return result


def version(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (r.stdout + r.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gazer", default="./dns-gazer", help="dns-gazer binary")
    ap.add_argument("--packets", type=int, default=int(os.environ.get("BENCH_PACKETS",
                                                                       1000000)))
    ap.add_argument("--seed", type=int, default=20240610)
    ap.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", 3)),
                    help="runs of each dns-gazer mode; the fastest is kept")
    ap.add_argument("--peer-repeat", type=int, default=1,
                    help="runs of each other tool")
    ap.add_argument("--dir", default="tests/bench/cache",
                    help="where the capture is kept and outputs are written")
    ap.add_argument("--keep", action="store_true", help="keep the outputs")
    ap.add_argument("--no-peers", action="store_true", help="skip tshark and dnscap")
    ap.add_argument("--ioc-count", type=int, default=int(os.environ.get("BENCH_IOC", 1000000)),
                    help="domain indicators in the list of the --ioc mode")
    ap.add_argument("--ioc-rounds", type=int, default=int(os.environ.get("BENCH_IOC_ROUNDS", 5)),
                    help="interleaved rounds measuring the cost of matching (0: skip)")
    args = ap.parse_args()

    gazer = os.path.abspath(args.gazer)
    if not os.access(gazer, os.X_OK):
        sys.exit("bench: %s is not an executable (build it first)" % args.gazer)
    os.makedirs(args.dir, exist_ok=True)
    with open(os.path.join(args.dir, ".gitignore"), "w") as f:
        f.write("# made by tests/bench/run.py: nothing here is tracked\n*\n")
    out_dir = os.path.join(args.dir, "out")
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)

    pcap, summary = capture(args)
    describe(pcap, summary)
    packets = summary["packets"]
    with open(pcap, "rb") as f:                 # into the page cache for every tool alike
        while f.read(1 << 24):
            pass

    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print("machine: %s, %d CPUs, Linux %s, Python %s" % (cpu, os.cpu_count(),
                                                         platform.release(),
                                                         platform.python_version()))
    print("dns-gazer: %s (%s)" % (version([gazer, "-v"]), gazer))
    print("dns-gazer runs: best of %d; other tools: best of %d" % (args.repeat,
                                                                   args.peer_repeat))
    print()

    helptext = subprocess.run([gazer, "--help"], capture_output=True, text=True).stdout
    results, notes = [], []
    sink = acker = None
    for label, extra, outputs, needs in GAZER_MODES:
        if needs and needs not in helptext:
            results.append({"label": label, "status": "skipped: %s is not in dns-gazer --help "
                            "(not in this build)" % needs})
            continue
        port = ackport = ""
        if any("{port}" in a for a in extra):
            sink = sink or FluentdSink()
            port = sink.port
        if any("{ackport}" in a for a in extra):
            acker = acker or AckingReceiver(out_dir)
            ackport = acker.port
        ioc = ioc_list(args) if any("{ioc}" in a for a in extra) else ""
        argv = [a.format(out=out_dir, port=port, ackport=ackport, ioc=ioc) for a in extra]
        results.append(measure(label, [gazer, "-q", "-r", pcap] + argv, out_dir,
                               args.repeat, outputs, text="-o" not in extra, keep=args.keep))

    if acker:
        acker.stop()
    if args.no_peers:
        notes.append("tshark and dnscap skipped (--no-peers)")
    else:
        tshark = shutil.which("tshark")
        if tshark:
            cmd = [tshark, "-r", pcap, "-n", "-Y", "dns", "-T", "fields", "-E", "separator=/t",
                   "-E", "occurrence=a", "-E", "aggregator=,"]
            for field in TSHARK_FIELDS:
                cmd += ["-e", field]
            results.append(measure("tshark -Y dns -T fields", cmd, out_dir,
                                   args.peer_repeat, [], keep=args.keep))
            notes.append("tshark: %s" % version([tshark, "--version"]))
        else:
            results.append({"label": "tshark -Y dns -T fields",
                            "status": "skipped: tshark not installed"})
        dnscap = shutil.which("dnscap")
        if dnscap:
            cmd = [dnscap, "-r", pcap, "-g", "-T", "-o", "use_layers=yes",
                   "-o", "reassemble_tcp=yes"]
            # dnscap -g prints each message on stderr: that is its output here.
            r = measure("dnscap -g (TCP reassembly)", cmd, out_dir, args.peer_repeat,
                        ["stderr.txt"], keep=args.keep)
            results.append(r)
            notes.append("dnscap: %s" % version([dnscap, "-V"]))
        else:
            results.append({"label": "dnscap -g (TCP reassembly)",
                            "status": "skipped: dnscap not installed (apt-get install dnscap)"})

    if base := next((r for r in results if r["label"] == BASELINE and r["status"] == "ok"),
                    None):
        notes.insert(0, "%s logged %d transactions; the capture has %d%s" % (
            BASELINE, base["out_lines"], summary["transactions"],
            "" if base["out_lines"] == summary["transactions"] else "  <-- MISMATCH"))
    print()
    table(results, packets)
    for n in notes:
        print(n)
    if sink:
        print("fluentd stand-in received %.1f MiB" % (sink.bytes / 2**20))
    if args.ioc_rounds > 0 and "--ioc" in helptext:
        if ioc_cost(gazer, pcap, ioc_list(args), args.ioc_rounds, out_dir) is None:
            results.append({"label": "ioc cost", "status": "failed"})
    if not args.keep:
        shutil.rmtree(out_dir, ignore_errors=True)
    return 0 if all(r["status"] == "ok" or r["status"].startswith("skipped")
                    for r in results) else 1


def table(results, packets):
    base = next((r for r in results if r["label"] == BASELINE and r["status"] == "ok"), None)
    head = ("mode", "wall s", "CPU s", "user s", "sys s", "peak RSS MiB", "packets/s",
            "pkts/CPU s", "out MiB", "out lines", "wall x", "CPU x", "RSS x")
    rows = []
    for r in results:
        if r["status"] != "ok":
            rows.append((r["label"], r["status"]))
            continue
        ratio = (lambda k: "%.2f" % (r[k] / base[k]) if base and base[k] else "-")
        rows.append((r["label"], "%.2f" % r["wall"], "%.2f" % r["cpu"], "%.2f" % r["user"],
                     "%.2f" % r["sys"], "%.1f" % (r["rss_kib"] / 1024),
                     "{:,.0f}".format(packets / r["wall"]),
                     "{:,.0f}".format(packets / r["cpu"]) if r["cpu"] else "-",
                     "%.0f" % (r["out_bytes"] / 2**20),
                     "-" if r["out_lines"] is None else "{:,}".format(r["out_lines"]),
                     ratio("wall"), ratio("cpu"),
                     ratio("rss_kib")))
    widths = [max(len(row[i]) for row in [head] + [x for x in rows if len(x) == len(head)])
              for i in range(len(head))]
    widths[0] = max(len(row[0]) for row in [head] + rows)
    fmt = lambda row: "  ".join(  # noqa: E731
        c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row))
    print(fmt(head))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(fmt(row) if len(row) == len(head) else
              row[0].ljust(widths[0]) + "  " + row[1])
    print("packets/s = %d packets / wall time; pkts/CPU s = the same per CPU second (user + "
          "sys), the rate on one core of its own when others share the machine; x = ratio to "
          "%s (above 1: slower or bigger)" % (packets, BASELINE))
    if not GNU_TIME:
        print("peak RSS from wait4: each figure includes about 30 MiB of this script's fork "
              "(install GNU time, /usr/bin/time, for exact figures)")


if __name__ == "__main__":
    sys.exit(main())
