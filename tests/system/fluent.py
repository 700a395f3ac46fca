#!/usr/bin/env python3
"""The fluentd Forward output against fwd_receiver.py, case by case.

Each case runs dns-gazer -f on a capture and compares what the receiver
got with the -t output of the same capture: the exact multiset of (tag,
record) when nothing may be lost or repeated, a superset without losses
when acks allow repeats (at-least-once), and the lost/dropped counts
dns-gazer reports when delivery cannot happen.

Usage: fluent.py DNS_GAZER SRCDIR SCRATCH   (python3 with msgpack)
Exit 0 if every case passed, 1 otherwise.
"""
import calendar
import collections
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time

GAZER, SRCDIR, TMP = sys.argv[1:4]
RECEIVER = os.path.join(SRCDIR, "tests", "system", "fwd_receiver.py")
PY = sys.executable
failures = 0
procs = []


def check(name, ok, detail=""):
    global failures
    print("%s %s%s" % ("ok  " if ok else "FAIL", name, "" if ok else ": " + detail))
    if not ok:
        failures += 1
    return ok


class Receiver:
    """fwd_receiver.py in a process of its own; restartable on its port."""

    def __init__(self, name, *extra, port=0):
        self.out = os.path.join(TMP, name + ".jsonl")
        self.port_file = os.path.join(TMP, name + ".port")
        self.extra = list(extra)
        self.port = port
        self.proc = None
        self.start()

    def start(self):
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        self.proc = subprocess.Popen([PY, RECEIVER, "--port", str(self.port), "--port-file",
                                      self.port_file, "--out", self.out] + self.extra)
        procs.append(self.proc)
        deadline = time.time() + 10
        while not os.path.exists(self.port_file):
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError("receiver did not start")
            time.sleep(0.05)
        with open(self.port_file) as f:
            self.port = int(f.read())

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def lines(self):
        if not os.path.exists(self.out):
            return []
        with open(self.out) as f:
            text = f.read()
        # the receiver may be writing: a last line without its newline is not there yet
        return [json.loads(l) for l in text.split("\n")[:-1] if l.strip()]

    def events(self):
        return [l for l in self.lines() if "record" in l]

    def errors(self):
        return [l["error"] for l in self.lines() if "error" in l]

    def messages(self):
        return [l for l in self.lines() if "message" in l]

    def settle(self, n, timeout=10):
        """Without acks dns-gazer may exit before the receiver has read
        everything: wait (bounded) for n events or for the count to stop moving."""
        deadline, last, since = time.time() + timeout, -1, time.time()
        while time.time() < deadline:
            k = len(self.events())
            if k >= n:
                return
            if k != last:
                last, since = k, time.time()
            elif time.time() - since > 1.0:
                return
            time.sleep(0.1)

    def addr(self):
        return "127.0.0.1:%d" % self.port


def free_port():
    """A loopback port nobody listens on (connections are refused)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def canon(tag, record):
    return (tag, json.dumps(record, sort_keys=True))


def expected_of(pcap, records=True):
    """(tag, record) multiset and times from dns-gazer -t of the capture."""
    args = [GAZER, "-r", pcap, "-t", "-", "-q"] + (["-R"] if records else [])
    out = subprocess.run(args, stdout=subprocess.PIPE, check=True, timeout=60).stdout.decode()
    return parse_text(out)


def expected_of_text(path):
    with open(path) as f:
        return parse_text(f.read())


def parse_text(out):
    evs = []
    for line in out.splitlines():
        t, tag, js = line.split("\t", 2)
        sec = calendar.timegm(time.strptime(t, "%Y-%m-%dT%H:%M:%S+00:00"))
        evs.append((tag, json.loads(js), sec))
    return evs


def run(args, stdin=None, timeout=120):
    p = subprocess.run([GAZER] + args, stdin=stdin or subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return p.returncode, p.stderr.decode()


def compare(name, want, got, exact=True):
    w = collections.Counter(canon(t, r) for t, r, _ in want)
    g = collections.Counter(canon(e["tag"], e["record"]) for e in got)
    missing = w - g
    extra = g - w
    if exact:
        return check(name + ": exactly the %d events" % sum(w.values()), not missing and not extra,
                     "%d missing, %d extra/repeated" % (sum(missing.values()), sum(extra.values())))
    unknown = [k for k in extra if k not in w]
    return check(name + ": every one of %d events at least once (%d repeats)"
                 % (sum(w.values()), sum(extra.values())), not missing and not unknown,
                 "%d missing, %d unknown" % (sum(missing.values()), len(unknown)))


def check_times(name, want, got, event_time):
    """Integer seconds as -t shows them, or EventTime to the microsecond."""
    by_rec = {canon(t, r): s for t, r, s in want}
    bad = 0
    for e in got:
        k = canon(e["tag"], e["record"])
        t = e["time"]
        if event_time:
            rec = e["record"]
            ts = rec.get("query_ts", rec.get("reply_ts", rec.get("ts")))
            ok = (isinstance(t, list) and t[0] == by_rec.get(k) and
                  (ts is None or abs(t[0] + t[1] / 1e9 - ts) < 2e-6))
        else:
            ok = isinstance(t, int) and t == by_rec.get(k)
        bad += not ok
    check(name + ": " + ("EventTime" if event_time else "integer") + " times", bad == 0,
          "%d events with a wrong time" % bad)


def pcap_records(path):
    """The global header and each record of a pcap file, as bytes."""
    with open(path, "rb") as f:
        data = f.read()
    endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    head, off, recs = data[:24], 24, []
    while off + 16 <= len(data):
        incl = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
        recs.append(data[off:off + 16 + incl])
        off += 16 + incl
    return head, recs


def lost_count(stderr):
    m = re.search(r"(\d+) events lost \((\d+) dropped with every buffer full, (\d+) not delivered",
                  stderr)
    return tuple(int(x) for x in m.groups()) if m else None


FAST = ["--fluentd-flush-interval", "0.1", "--fluentd-retry-max", "0.5"]


def case_modes(pcap, want):
    for name, extra, event_time, mode in [
            ("packed", [], False, "packed"),
            ("forward", ["--fluentd-mode", "forward"], False, "forward"),
            ("compressed", ["--fluentd-compress"], False, "compressed"),
            ("packed+ack+event-time", ["--fluentd-ack", "--fluentd-event-time"], True, "packed"),
            ("compressed+ack+event-time", ["--fluentd-compress", "--fluentd-ack",
                                           "--fluentd-event-time"], True, "compressed"),
            ("forward+ack", ["--fluentd-mode", "forward", "--fluentd-ack"], False, "forward")]:
        r = Receiver("mode-" + name)
        rc, err = run(["-r", pcap, "-R", "-q", "-f", r.addr(), "--fluentd-batch-size", "500"]
                      + FAST + extra)
        r.settle(len(want))
        r.stop()
        check(name + ": exit 0, quiet", rc == 0 and err == "", "exit %d: %s" % (rc, err))
        got = r.events()
        compare(name, want, got)
        check_times(name, want, got, event_time)
        msgs = r.messages()
        ack = "--fluentd-ack" in extra
        check(name + ": %s messages of at most 500 events, chunk %s" %
              (mode, "in each, unique" if ack else "in none"),
              msgs and all(m["message"] == mode and m["events"] <= 500 for m in msgs) and
              all(bool(m["chunk"]) == ack for m in msgs) and
              (not ack or len({m["chunk"] for m in msgs}) == len(msgs)),
              repr(msgs[:3]))
        check(name + ": no protocol errors", not r.errors(), repr(r.errors()[:3]))


def case_count_only(pcap, want):
    """The receiver's fast mode, for benchmarks: counts per tag only."""
    r = Receiver("count", "--count-only")
    rc, err = run(["-r", pcap, "-R", "-q", "-f", r.addr(), "--fluentd-ack"] + FAST)
    r.stop()
    with open(r.out) as f:
        got = json.load(f)["counts"]
    wantc = dict(collections.Counter(t for t, _, _ in want))
    check("receiver --count-only: exit 0, counts per tag %r" % wantc, rc == 0 and got == wantc,
          "exit %d, got %r" % (rc, got))


def case_alerts_only(pcap, lst):
    """--alerts-only: fluentd gets exactly the alert events, local files everything."""
    r = Receiver("alerts")
    local = os.path.join(TMP, "alerts-local.txt")
    rc, err = run(["-r", pcap, "-R", "-q", "--ioc", lst, "--alerts-only", "-t", local,
                   "-f", r.addr(), "--fluentd-ack"] + FAST)
    r.stop()
    everything = expected_of_text(local)
    alerts = [e for e in everything if e[0].endswith(".dns.alert")]
    check("--alerts-only: exit 0, %d alerts among %d local events" % (len(alerts), len(everything)),
          rc == 0 and alerts and len(alerts) < len(everything), "exit %d: %s" % (rc, err))
    compare("--alerts-only: fluentd gets", alerts, r.events())


def case_failover(pcap, want):
    r = Receiver("failover")
    rc, err = run(["-r", pcap, "-R", "-q", "-f", "127.0.0.1:%d" % free_port(), "-f", r.addr(),
                   "--fluentd-ack"] + FAST)
    r.stop()
    check("failover: exit 0", rc == 0, "exit %d: %s" % (rc, err))
    compare("failover: the standby gets", want, r.events())


def case_ipv6(pcap, want):
    try:
        s = socket.socket(socket.AF_INET6)
        s.bind(("::1", 0))
        s.close()
    except OSError:
        print("skip ipv6: no ::1")
        return
    r = Receiver("ipv6", "--bind", "::1")
    rc, err = run(["-r", pcap, "-q", "-f", "[::1]:%d" % r.port, "--fluentd-ack"] + FAST)
    r.stop()
    check("[::1]: exit 0", rc == 0, "exit %d: %s" % (rc, err))
    compare("[::1]", [w for w in want if w[0].endswith(".tx")], r.events())


def case_drops_connection(pcap, want):
    r = Receiver("drop", "--drop-after", "3")
    rc, err = run(["-r", pcap, "-R", "-q", "-f", r.addr(), "--fluentd-ack",
                   "--fluentd-batch-size", "200"] + FAST)
    r.stop()
    check("connection dropped every 3rd message, acks: exit 0", rc == 0,
          "exit %d: %s" % (rc, err))
    compare("connection dropped every 3rd message", want, r.events(), exact=False)


def case_restart(pcap, want):
    """The receiver goes away mid-stream and comes back on the same port."""
    r = Receiver("restart")
    head, recs = pcap_records(pcap)
    p = subprocess.Popen([GAZER, "-r", "-", "-R", "-q", "-f", r.addr(), "--fluentd-ack",
                          "--fluentd-batch-size", "100", "--fluentd-drain-timeout", "20"] + FAST,
                         stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    procs.append(p)
    p.stdin.write(head)
    n = len(recs)
    for i, rec in enumerate(recs):
        p.stdin.write(rec)
        if i == n // 3:
            p.stdin.flush()
            time.sleep(0.5)
            r.stop()
        if i == 2 * n // 3:
            p.stdin.flush()
            time.sleep(1.0)
            r.start()
    p.stdin.close()
    rc = p.wait(60)
    err = p.stderr.read().decode()
    r.stop()
    check("receiver restarted mid-stream, acks: exit 0", rc == 0, "exit %d: %s" % (rc, err))
    compare("receiver restarted mid-stream", want, r.events(), exact=False)


def case_no_ack(pcap, want):
    r = Receiver("noack", "--no-ack")
    rc, err = run(["-r", pcap, "-q", "-f", r.addr(), "--fluentd-ack", "--fluentd-ack-timeout",
                   "0.3", "--fluentd-drain-timeout", "1.5"] + FAST)
    r.stop()
    ntx = len([w for w in want if w[0].endswith(".tx")])
    lost = lost_count(err)
    check("acks never come: exit 1, all %d events reported lost" % ntx,
          rc == 1 and lost == (ntx, 0, ntx), "exit %d: %s" % (rc, err))
    chunks = collections.Counter(m["chunk"] for m in r.messages())
    sizes = collections.Counter(m["events"] for m in r.messages())
    check("acks never come: batches are sent again", len(r.messages()) > len(chunks) or
          sum(sizes.elements()) > ntx or len(r.events()) > ntx,
          "%d messages, %d events" % (len(r.messages()), len(r.events())))


def case_refused(pcap, want):
    rc, err = run(["-r", pcap, "-R", "-f", "127.0.0.1:%d" % free_port(),
                   "--fluentd-drain-timeout", "0.5"] + FAST)
    n = len(want)
    check("nobody listening, no buffer: exit 1, %d events lost" % n,
          rc == 1 and lost_count(err) == (n, 0, n), "exit %d: %s" % (rc, err))
    check("nobody listening: one warning about the connection",
          len(re.findall(r"Connection refused", err)) == 1, err)


def sanitized():
    with open(GAZER, "rb") as f:
        data = f.read()
    return b"__asan_init" in data or b"AddressSanitizer" in data


def peak_rss_run(args):
    code = ("import resource, subprocess, sys\n"
            "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
            "sys.stderr.buffer.write(p.stderr)\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
            "sys.exit(p.returncode)\n")
    env = dict(os.environ)
    if sanitized():
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=0"
    p = subprocess.run([PY, "-c", code, GAZER] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120, env=env)
    return p.returncode, p.stderr.decode(), int(p.stdout)


def case_never_returns(big, want_big):
    """Memory stays under the bound; what does not fit is dropped and counted."""
    rc0, _, base = peak_rss_run(["-r", big, "-R", "-q", "-t", "/dev/null"])
    rc, err, rss = peak_rss_run(["-r", big, "-R", "-q", "-f", "127.0.0.1:%d" % free_port(),
                                 "--fluentd-buffer-size", "1000000",
                                 "--fluentd-drain-timeout", "0.5"] + FAST)
    n = len(want_big)
    lost = lost_count(err)
    check("receiver never there, 1 MB queue: exit 1, %d events = dropped + not delivered" % n,
          rc == 1 and lost and lost[0] == n and lost[1] > 0 and lost[1] + lost[2] == n,
          "exit %d: %s" % (rc, err))
    # The capture encodes to about 10 MB: an unbounded queue would show.
    # AddressSanitizer (make check's second run) adds its own allocator's
    # slack even with its quarantine off (set in peak_rss_run).
    slack = 6144 if sanitized() else 2048
    check("receiver never there: peak RSS %d KiB within 1 MB + %d KiB of -t's %d KiB"
          % (rss, slack, base), rc0 == 0 and rss <= base + 1000 + slack, "")


def case_disk_outage(big, want_big):
    """Down for longer than memory holds: the buffer directory delivers everything."""
    bdir = os.path.join(TMP, "buf-outage")
    port = free_port()
    p = subprocess.Popen([GAZER, "-r", big, "-R", "-q", "-f", "127.0.0.1:%d" % port,
                          "--fluentd-ack", "--fluentd-buffer-size", "1000000",
                          "--fluentd-buffer-dir", bdir, "--fluentd-drain-timeout", "30"] + FAST,
                         stderr=subprocess.PIPE)
    procs.append(p)
    time.sleep(2.0)
    spooled = len([f for f in os.listdir(bdir) if f.endswith(".fwd")]) if os.path.isdir(bdir) else 0
    r = Receiver("outage", port=port)
    rc = p.wait(60)
    err = p.stderr.read().decode()
    r.stop()
    check("outage longer than the memory queue: batches went to disk (%d files)" % spooled,
          spooled > 0)
    check("outage longer than the memory queue: exit 0", rc == 0, "exit %d: %s" % (rc, err))
    compare("outage longer than the memory queue, disk buffer", want_big, r.events())
    left = [f for f in os.listdir(bdir) if f.endswith(".fwd")]
    check("outage: buffer directory empty afterwards", not left, repr(left[:3]))


def case_sigterm_restart(pcap, empty):
    """SIGTERM during an outage keeps the queue on disk; the next start sends it.

    The capture is fed slowly through a pipe, so dns-gazer is still reading
    when the signal comes; its own -t output of the same run says which
    events it had made by then, and exactly those must arrive later."""
    bdir = os.path.join(TMP, "buf-term")
    text = os.path.join(TMP, "term.txt")
    port = free_port()
    head, recs = pcap_records(pcap)
    p = subprocess.Popen([GAZER, "-r", "-", "-R", "-t", text, "-f", "127.0.0.1:%d" % port,
                          "--fluentd-ack", "--fluentd-buffer-dir", bdir,
                          "--fluentd-drain-timeout", "0.5"] + FAST,
                         stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    procs.append(p)
    p.stdin.write(head)
    t0 = time.time()
    try:
        for i, rec in enumerate(recs):
            p.stdin.write(rec)
            if i % 50 == 0:
                p.stdin.flush()
                time.sleep(0.01)
            if i == len(recs) // 2:
                p.send_signal(signal.SIGTERM)
            if time.time() - t0 > 30:
                break
        p.stdin.close()
    except BrokenPipeError:
        pass
    rc = p.wait(30)
    err = p.stderr.read().decode()
    made = expected_of_text(text)
    m = re.search(r"(\d+) events not yet delivered are kept in", err)
    check("SIGTERM during an outage: exit 0, all %d events made kept on disk" % len(made),
          rc == 0 and m and int(m.group(1)) == len(made) and 0 < len(made),
          "exit %d: %s" % (rc, err))
    r = Receiver("term", port=port)
    rc, err = run(["-r", empty, "-f", r.addr(), "--fluentd-ack", "--fluentd-buffer-dir",
                   bdir] + FAST)
    r.stop()
    check("restart on an empty capture: exit 0", rc == 0, "exit %d: %s" % (rc, err))
    compare("SIGTERM then restart", made, r.events())
    left = [f for f in os.listdir(bdir) if f.endswith(".fwd")]
    check("SIGTERM then restart: buffer directory empty afterwards", not left, repr(left[:3]))


def key_file():
    key = os.path.join(TMP, "key")
    with open(key, "w") as f:
        f.write("s3cret-key\n")
    return key


def case_disk_full(big, want_big, empty):
    """Memory and disk both full: the rest is dropped and counted; what the
    disk kept is delivered by the next start, and the counts add up."""
    bdir = os.path.join(TMP, "buf-full")
    rc, err = run(["-r", big, "-R", "-f", "127.0.0.1:%d" % free_port(), "--fluentd-ack",
                   "--fluentd-buffer-size", "65536", "--fluentd-buffer-dir", bdir,
                   "--fluentd-buffer-disk-size", "300000", "--fluentd-drain-timeout", "0.5"]
                  + FAST)
    lost = lost_count(err)
    files = [f for f in os.listdir(bdir) if f.endswith(".fwd")]
    disk = sum(os.path.getsize(os.path.join(bdir, f)) for f in files)
    # the bound counts events; each file adds a head, the tag and a CRC
    check("every buffer full: exit 1, drops counted, disk under its bound (%d bytes)" % disk,
          rc == 1 and lost and lost[1] > 0 and disk <= 300000 + 64 * len(files),
          "exit %d: %s" % (rc, err))
    r = Receiver("full")
    rc2, err2 = run(["-r", empty, "-f", r.addr(), "--fluentd-ack", "--fluentd-buffer-dir",
                     bdir] + FAST)
    r.stop()
    got = r.events()
    n = len(want_big)
    check("every buffer full: the next start delivers what the disk kept; "
          "%d kept + %d lost = %d" % (len(got), lost[0] if lost else -1, n),
          rc2 == 0 and lost and len(got) + lost[0] == n and len(got) > 0,
          "exit %d: %s" % (rc2, err2))
    keys = collections.Counter(canon(e["tag"], e["record"]) for e in got)
    wantk = collections.Counter(canon(t, r_) for t, r_, _ in want_big)
    check("every buffer full: kept events are events of the capture, none twice",
          not (keys - wantk), "")


def case_handshake(pcap, want):
    key = key_file()
    r = Receiver("auth", "--shared-key", "s3cret-key", "--hostname", "collector")
    rc, err = run(["-r", pcap, "-R", "-f", r.addr(), "--fluentd-ack",
                   "--fluentd-shared-key-file", key, "--fluentd-hostname", "sensor-1"] + FAST)
    r.stop()
    check("shared_key handshake: exit 0, summary: %d delivered" % len(want),
          rc == 0 and "%d events, 0 lost (0 queued, %d delivered, 0 dropped)"
          % (len(want), len(want)) in err, "exit %d: %s" % (rc, err))
    compare("shared_key handshake", want, r.events())
    hs = [l["handshake"] for l in r.lines() if "handshake" in l]
    check("shared_key handshake: client hostname sensor-1", hs and set(hs) == {"sensor-1"}, hs)

    # the key from a config file (-c), the only place it may be written out
    conf = os.path.join(TMP, "gazer.conf")
    with open(conf, "w") as f:
        f.write("fluentd %s\nfluentd-shared-key s3cret-key\nfluentd-ack\n" % r.addr())
    r.start()
    n0 = len(r.events())
    rc, err = run(["-c", conf, "-r", pcap, "-q"] + FAST)
    r.stop()
    ntx = len([w for w in want if w[0].endswith(".tx")])
    check("shared_key from the config file: exit 0, %d events" % ntx,
          rc == 0 and len(r.events()) - n0 == ntx, "exit %d: %s" % (rc, err))

    r = Receiver("auth-bad", "--shared-key", "another-key")
    rc, err = run(["-r", pcap, "-q", "-f", r.addr(), "--fluentd-shared-key-file", key,
                   "--fluentd-drain-timeout", "1.5"] + FAST)
    r.stop()
    n = len([w for w in want if w[0].endswith(".tx")])
    errs = re.findall(r"handshake failed: authentication refused: shared_key mismatch", err)
    check("wrong shared_key: one clear error, retried, exit 1 with %d events lost" % n,
          rc == 1 and len(errs) == 1 and lost_count(err) == (n, 0, n) and
          len([l for l in r.errors() if l == "handshake refused"]) >= 2 and
          not r.events(), "exit %d: %s" % (rc, err))

    r = Receiver("auth-none", "--shared-key", "s3cret-key")
    rc, err = run(["-r", pcap, "-q", "-f", r.addr(), "--fluentd-ack",
                   "--fluentd-drain-timeout", "1"] + FAST)
    r.stop()
    check("server wants a key we do not have: says so, exit 1",
          rc == 1 and "wants shared_key authentication" in err, "exit %d: %s" % (rc, err))


def make_cert(name, cn):
    crt, key = os.path.join(TMP, name + ".crt"), os.path.join(TMP, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=" + cn, "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", key, "-out", crt], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=60)
    return crt, key


def case_tls(pcap, want):
    if not shutil.which("openssl"):
        print("skip tls: no openssl command")
        return
    crt, key = make_cert("server", "localhost")
    other, _ = make_cert("other", "localhost")
    keyfile = key_file()
    r = Receiver("tls", "--tls-cert", crt, "--tls-key", key, "--shared-key", "s3cret-key")
    rc, err = run(["-r", pcap, "-R", "-q", "-f", r.addr(), "--fluentd-tls", "--fluentd-ca", crt,
                   "--fluentd-ack", "--fluentd-shared-key-file", keyfile] + FAST)
    check("TLS (+ handshake, acks): exit 0", rc == 0, "exit %d: %s" % (rc, err))
    compare("TLS", want, r.events())
    rc, err = run(["-r", pcap, "-q", "-f", r.addr(), "--fluentd-tls", "--fluentd-ca", other,
                   "--fluentd-drain-timeout", "1"] + FAST)
    r.stop()
    check("TLS with a certificate from another CA: refused, exit 1",
          rc == 1 and len(re.findall("certificate verify failed", err)) == 1,
          "exit %d: %s" % (rc, err))
    n_before = len(r.events())
    check("TLS refused: nothing sent", n_before == len(want), "%d events" % n_before)


def case_stall(big, want_big):
    """A server that accepts and never reads cannot slow the capture."""
    r = Receiver("stall", "--stall")
    t0 = time.time()
    rc, err = run(["-r", big, "-R", "-q", "-f", r.addr(), "--fluentd-ack",
                   "--fluentd-drain-timeout", "1"] + FAST)
    took = time.time() - t0
    r.stop()
    n = len(want_big)
    check("stalled server: exit 1 with all %d events lost, in %.1f s (drain timeout 1 s)"
          % (n, took), rc == 1 and lost_count(err) == (n, 0, n) and took < 8,
          "exit %d: %s" % (rc, err))


def main():
    gen = os.path.join(SRCDIR, "tests", "bench", "gencapture.py")
    small = os.path.join(TMP, "small.pcap")
    big = os.path.join(TMP, "big.pcap")
    subprocess.run([PY, gen, "--packets", "3000", "--seed", "7", small], check=True,
                   stdout=subprocess.DEVNULL, timeout=120)
    subprocess.run([PY, gen, "--packets", "20000", "--seed", "8", big], check=True,
                   stdout=subprocess.DEVNULL, timeout=300)
    empty = os.path.join(TMP, "empty.pcap")
    with open(small, "rb") as f, open(empty, "wb") as g:
        g.write(f.read(24))
    want = expected_of(small)
    want_big = expected_of(big)
    only = sys.argv[4:]
    cases = [("modes", lambda: case_modes(small, want)),
             ("countonly", lambda: case_count_only(small, want)),
             ("failover", lambda: case_failover(small, want)),
             ("alertsonly", lambda: case_alerts_only(
                 os.path.join(SRCDIR, "tests", "pcap", "ioc", "ioc.pcap"),
                 os.path.join(SRCDIR, "tests", "pcap", "ioc", "list.txt"))),
             ("ipv6", lambda: case_ipv6(small, want)),
             ("drop", lambda: case_drops_connection(small, want)),
             ("restart", lambda: case_restart(small, want)),
             ("noack", lambda: case_no_ack(small, want)),
             ("refused", lambda: case_refused(small, want)),
             ("never", lambda: case_never_returns(big, want_big)),
             ("outage", lambda: case_disk_outage(big, want_big)),
             ("sigterm", lambda: case_sigterm_restart(small, empty)),
             ("diskfull", lambda: case_disk_full(big, want_big, empty)),
             ("handshake", lambda: case_handshake(small, want)),
             ("tls", lambda: case_tls(small, want)),
             ("stall", lambda: case_stall(big, want_big))]
    try:
        for name, fn in cases:
            if not only or name in only:
                fn()
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    print("%d failed" % failures if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
