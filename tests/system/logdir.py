#!/usr/bin/env python3
"""Log directory (-w): formats, rotation, reopen and a full disk.

Every check runs dns-gazer with -t beside -w in the same run and compares
the log files, read back by their own headers (zeeklog.py), with the -t
events: each tx (and record) event must be in exactly one file, whole,
whatever rotated or reopened the files meanwhile.

  logdir.py --gazer BIN --gencapture tests/bench/gencapture.py --work DIR

Python 3 standard library only.  The full-disk check mounts a small tmpfs
and is skipped (with a message) when that is not permitted.
"""

import argparse
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zeeklog  # noqa: E402

FAILURES = []
WAIT = 20  # seconds any wait may take at most


def fail(msg):
    FAILURES.append(msg)
    print("FAIL: " + msg)


def check(cond, msg):
    if not cond:
        fail(msg)
    return cond


def read_text(path):
    """-t output -> (tx events, record events)."""
    tx, rec = [], []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            _, tag, body = line.rstrip("\n").split("\t", 2)
            (tx if tag.endswith(".dns.tx") else rec).append(json.loads(body))
    return tx, rec


def us(t):
    return "%.6f" % t


def tx_key(ev):
    return (ev["client_addr"], ev["client_port"], ev["server_addr"], ev["server_port"],
            ev["tx_id"], ev["status"], us(ev["query_ts"]) if "query_ts" in ev else None,
            us(ev["reply_ts"]) if "reply_ts" in ev else None)


def tsv_tx_key(r):
    return (r["id.orig_h"], r["id.orig_p"], r["id.resp_h"], r["id.resp_p"], r["trans_id"],
            r["status"], r["query_ts"], r["reply_ts"])


def rec_key(ev):
    return (ev["client_addr"], ev["client_port"], ev["tx_id"], us(ev["ts"]), ev["msg_type"],
            ev["section"], ev["name"], ev["type"], ev.get("data"))


def tsv_rec_key(r):
    return (r["id.orig_h"], r["id.orig_p"], r["trans_id"], r["ts"], r["msg_type"], r["section"],
            r["name"], r["type"], r["data"])


def log_files(d, stem):
    """The live file and the rotated ones of a log, oldest first."""
    rotated = sorted(glob.glob(os.path.join(d, stem + ".[0-9]*.log")))
    live = os.path.join(d, stem + ".log")
    return rotated + ([live] if os.path.exists(live) else [])


def read_blocks(paths, what):
    """All blocks of the files; every file must parse and be closed."""
    blocks = []
    for p in paths:
        try:
            bs = zeeklog.read_log(p)
        except (OSError, zeeklog.LogError) as e:
            fail("%s: %s" % (what, e))
            continue
        for b in bs:
            check(b.closed is not None, "%s: %s has a block without #close" % (what, p))
        blocks.extend((p, b) for b in bs)
    return blocks


def same(got, want, what):
    g, w = Counter(got), Counter(want)
    if check(g == w, "%s: %d lines in the logs, %d events from -t; missing %s, extra %s" % (
            what, len(got), len(want), list((w - g).elements())[:3], list((g - w).elements())[:3])):
        print("ok: %s: %d events, each exactly once" % (what, len(want)))


def gazer(args, binary, **kw):
    return subprocess.run([binary] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=120, **kw)


# ---------------------------------------------------------------- checks

RECORD_COLUMNS = {
    # record.log column -> (record event key, its value when the key is absent)
    "id.orig_h": ("client_addr", None), "id.orig_p": ("client_port", None),
    "id.resp_h": ("server_addr", None), "id.resp_p": ("server_port", None),
    "proto": ("proto", None), "trans_id": ("tx_id", None), "msg_type": ("msg_type", None),
    "opcode": ("opcode", None), "rcode": ("rcode", None), "flags": ("flags", None),
    "malformed": ("malformed", None), "section": ("section", None), "name": ("name", None),
    "class": ("class", None), "type": ("type", None), "ttl": ("ttl", None),
    "data": ("data", None), "cache_flush": ("cache_flush", False),
    "unicast_response": ("unicast_response", False),
}


def check_record_cells(blocks, events):
    """Every cell of record.log, decoded by its #types, against the -t
    record event of the same position."""
    rows = [r for _, b in blocks for r in b.records()]
    if len(rows) != len(events):
        return  # same() reports it
    bad = 0
    for r, e in zip(rows, events):
        want = {"ts": us(e["ts"])}
        for col, (key, absent) in RECORD_COLUMNS.items():
            want[col] = e.get(key, absent)
        for col in r:
            if col.startswith("edns_"):
                want[col] = e.get(col)
        want["uid"] = r["uid"]
        if set(r) != set(want):
            fail("record.log columns %s, expected %s" % (sorted(r), sorted(want)))
            return
        for col in r:
            if r[col] != want[col]:
                bad += 1
                if bad <= 3:
                    fail("record.log %s %r, -t %r (%s %s)" % (col, r[col], want[col], e["name"], e["type"]))
    if not bad:
        print("ok: record.log: every cell of %d lines agrees with its -t event" % len(rows))


def check_formats(a, pcap):
    d = os.path.join(a.work, "formats")
    os.makedirs(d)
    t = os.path.join(d, "out.txt")
    p = gazer(["-r", pcap, "-q", "-R", "-t", t, "-w", d], a.gazer)
    check(p.returncode == 0, "formats: exit %d: %s" % (p.returncode, p.stderr))
    tx, rec = read_text(t)
    txb = read_blocks([os.path.join(d, "tx.log")], "formats tx.log")
    recb = read_blocks([os.path.join(d, "record.log")], "formats record.log")
    if txb and recb:
        check(len(txb) == 1 and txb[0][1].path == "tx", "formats: tx.log: one block, #path tx")
        check(recb[0][1].path == "record", "formats: record.log #path record")
        same([tsv_tx_key(r) for _, b in txb for r in b.records()], [tx_key(e) for e in tx],
             "zeek tx.log")
        same([tsv_rec_key(r) for _, b in recb for r in b.records()], [rec_key(e) for e in rec],
             "zeek record.log")
        check_record_cells(recb, rec)
        uids = {}
        for _, b in txb:
            for r in b.records():
                flow = (r["proto"], r["id.orig_h"], r["id.orig_p"], r["id.resp_h"], r["id.resp_p"])
                check(uids.setdefault(flow, r["uid"]) == r["uid"], "formats: two uids for %s" % (flow,))
        check(len(set(uids.values())) == len(uids), "formats: flows share a uid")

    d = os.path.join(a.work, "json")
    os.makedirs(d)
    p = gazer(["-r", pcap, "-q", "-R", "-w", d, "--log-format", "json", "--stats-interval", "1"],
              a.gazer)
    check(p.returncode == 0, "json: exit %d: %s" % (p.returncode, p.stderr))
    # stats events (at least the one at exit) go to stats.log, with ts
    stats = [json.loads(line) for line in open(os.path.join(d, "stats.log"), encoding="ascii")]
    check(stats and all("ts" in st and "outputs" in st for st in stats)
          and stats[-1]["tx_success"] + stats[-1]["tx_no_reply"] + stats[-1]["tx_no_query"] == len(tx),
          "json: stats.log %r" % stats[-1:])
    for stem, events, ts in (("tx", tx, True), ("record", rec, False)):
        lines = open(os.path.join(d, stem + ".log"), encoding="ascii").read().split("\n")
        check(lines[-1] == "", "json %s.log: last line unterminated" % stem)
        got = []
        for line in lines[:-1]:
            obj = json.loads(line)
            uid = obj.pop("uid")
            check(re.match(r"^C[0-9A-Za-z]{17}$", uid) is not None, "json: uid %r" % uid)
            if ts:
                t0 = obj.pop("ts")
                check(t0 == obj.get("query_ts", obj.get("reply_ts")), "json: tx ts %r" % t0)
            got.append(json.dumps(obj, sort_keys=True))
        same(got, [json.dumps(e, sort_keys=True) for e in events], "json %s.log" % stem)


def check_interval(a, pcap, tx):
    d = os.path.join(a.work, "interval")
    os.makedirs(d)
    p = gazer(["-r", pcap, "-q", "-w", d, "--rotate-interval", "600"], a.gazer)
    check(p.returncode == 0, "interval: exit %d: %s" % (p.returncode, p.stderr))
    files = log_files(d, "tx")
    check(not os.path.exists(os.path.join(d, "tx.log")), "interval: tx.log left at exit")
    blocks = read_blocks(files, "interval")
    same([tsv_tx_key(r) for _, b in blocks for r in b.records()], [tx_key(e) for e in tx],
         "interval rotation")
    # One file per 10-minute slot, named after its #open, opened in its slot.
    first = min(min(e.get("query_ts", 1e12), e.get("reply_ts", 1e12)) for e in tx)
    last = max(max(e.get("query_ts", 0), e.get("reply_ts", 0)) for e in tx)
    slots = int(last) // 600 - int(first) // 600 + 1
    check(len(files) == slots, "interval: %d files for %d slots" % (len(files), slots))
    opened = []
    for path, b in blocks:
        check(os.path.basename(path) == "tx.%s.log" % b.opened,
              "interval: %s is not named after its #open %s" % (path, b.opened))
        opened.append(time.mktime(time.strptime(b.opened, "%Y-%m-%d-%H-%M-%S")) - time.timezone)
    check([int(o) // 600 for o in opened] == list(range(int(first) // 600, int(first) // 600 + slots)),
          "interval: files not one per slot: %s" % [b.opened for _, b in blocks])
    print("ok: interval: %d files, one per 10 minutes of packet time" % len(files))


def check_size(a, pcap, tx, command):
    d = os.path.join(a.work, "size-cmd" if command else "size")
    os.makedirs(d)
    args = ["-r", pcap, "-q", "-w", d, "--rotate-size", "20k"]
    if command:
        args += ["--rotate-command", 'mv "$1" "$1.done"']
    p = gazer(args, a.gazer)
    check(p.returncode == 0, "size: exit %d: %s" % (p.returncode, p.stderr))
    if command:
        # The command runs in the background: wait for every rename.
        end = time.time() + WAIT
        while glob.glob(os.path.join(d, "tx.[0-9]*.log")) and time.time() < end:
            time.sleep(0.05)
        files = sorted(glob.glob(os.path.join(d, "tx.[0-9]*.log.done")))
        check(not glob.glob(os.path.join(d, "tx.[0-9]*.log")), "size: command not run on all files")
    else:
        files = log_files(d, "tx")
    check(len(files) > 3, "size: only %d files" % len(files))
    blocks = read_blocks(files, "size")
    for path, b in blocks:
        longest = max((len("\t".join(r)) + 1 for r in b.rows), default=0)
        check(os.path.getsize(path) < 20 * 1024 + longest + 64,
              "size: %s has %d bytes" % (path, os.path.getsize(path)))
    same([tsv_tx_key(r) for _, b in blocks for r in b.records()], [tx_key(e) for e in tx],
         "size rotation%s" % (" with --rotate-command" if command else ""))


def pcap_records(pcap):
    data = open(pcap, "rb").read()
    head, off, out = data[:24], 24, []
    while off + 16 <= len(data):
        n = int.from_bytes(data[off + 8:off + 12], "little")
        out.append(data[off:off + 16 + n])
        off += 16 + n
    return head, out


def wait_for(cond, what):
    end = time.time() + WAIT
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.05)
    fail("timed out waiting for " + what)
    return False


def feed_run(a, pcap, d, out, err, between):
    """Run -r - on a pipe: feed half of the capture, call between(), feed
    the rest.  Returns the exit status."""
    head, recs = pcap_records(pcap)
    half = len(recs) // 2
    with open(err, "wb") as ef:
        proc = subprocess.Popen([a.gazer, "-r", "-", "-t", out, "-w", d], stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=ef)
        try:
            proc.stdin.write(head + b"".join(recs[:half]))
            proc.stdin.flush()
            between(proc)
            proc.stdin.write(b"".join(recs[half:]))
            proc.stdin.close()
            return proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def data_rows(path):
    try:
        return sum(1 for line in open(path, encoding="ascii") if not line.startswith("#"))
    except OSError:
        return 0


def check_reopen(a, pcap, tx):
    d = os.path.join(a.work, "reopen")
    os.makedirs(d)
    out, err = os.path.join(d, "out.txt"), os.path.join(d, "err.txt")
    live, moved = os.path.join(d, "tx.log"), os.path.join(d, "tx.log.1")

    def rotate(proc):
        # Lines reach the file within a second (of packet time here).
        wait_for(lambda: data_rows(live) > 0, "lines in tx.log before the move")
        os.rename(live, moved)
        # Acted on at the next packet (a read from a pipe resumes after it).
        proc.send_signal(signal.SIGHUP)

    rc = feed_run(a, pcap, d, out, err, rotate)
    check(rc == 0, "reopen: exit %d: %s" % (rc, open(err).read()))
    events, _ = read_text(out)
    blocks = read_blocks([moved, live], "reopen")
    check(all(b.rows for _, b in blocks) and len(blocks) == 2,
          "reopen: want lines in both the moved and the new file")
    same([tsv_tx_key(r) for _, b in blocks for r in b.records()], [tx_key(e) for e in events],
         "SIGHUP reopen")


def check_full_disk(a, pcap):
    d = os.path.join(a.work, "full")
    os.makedirs(d)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", d],
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
        print("SKIP: full disk: cannot mount a tmpfs here (needs root)")
        return
    try:
        filler = os.path.join(d, "filler")
        st = os.statvfs(d)
        with open(filler, "wb") as fh:
            fh.write(b"\0" * (st.f_bavail * st.f_frsize - 16 * 1024))
        out, err = os.path.join(a.work, "full.txt"), os.path.join(a.work, "full.err")

        def free_space(proc):
            wait_for(lambda: b"No space left" in open(err, "rb").read(), "the disk-full error")
            os.unlink(filler)

        rc = feed_run(a, pcap, d, out, err, free_space)
        msg = open(err, encoding="utf-8", errors="replace").read()
        print("full disk: dns-gazer said:\n  " + msg.strip().replace("\n", "\n  "))
        check(rc == 1, "full disk: exit %d, want 1 (events were lost)" % rc)
        check("works again" in msg, "full disk: no message when writing resumed")
        m = re.search(r"\((\d+) events lost, or more\)", msg)
        lost = int(m.group(1)) if m else -1
        events, _ = read_text(out)
        blocks = read_blocks([os.path.join(d, "tx.log")], "full disk")
        rows = [tsv_tx_key(r) for _, b in blocks for r in b.records()]
        check(0 < lost < len(events), "full disk: %d events lost of %d" % (lost, len(events)))
        check(len(rows) + lost == len(events), "full disk: %d written + %d lost != %d events" % (
            len(rows), lost, len(events)))
        check(not Counter(rows) - Counter(tx_key(e) for e in events),
              "full disk: lines that are not -t events")
        if not FAILURES:
            print("ok: full disk: %d events written, %d lost and counted, writing resumed"
                  % (len(rows), lost))
    finally:
        subprocess.run(["umount", d])


def dns_msg(mid, flags, name):
    q = b"".join(bytes([len(x)]) + x.encode() for x in name.split(".")) + b"\0"
    return (mid.to_bytes(2, "big") + flags.to_bytes(2, "big") + b"\0\1\0\0\0\0\0\0" + q
            + b"\0\1\0\1")


def check_live(a):
    """Live on lo: rotation every second of the clock while queries flow
    over 127.0.0.1, and each line in the file within a second."""
    import socket
    d = os.path.join(a.work, "live")
    os.makedirs(d)
    port = 20000 + os.getpid() % 20000
    out, err = os.path.join(d, "out.txt"), os.path.join(d, "err.txt")
    with open(err, "wb") as ef:
        proc = subprocess.Popen([a.gazer, "-i", "lo", "--ports", str(port), "-F", "udp port %d" % port,
                                 "--timeout", "600", "-q", "-t", out, "-w", d,
                                 "--rotate-interval", "1"], stdout=subprocess.DEVNULL, stderr=ef)
    try:
        time.sleep(1)
        if proc.poll() is not None:
            print("SKIP: live: cannot capture here: %s" % open(err).read().strip())
            return
        srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        srv.bind(("127.0.0.1", port))
        cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        cli.bind(("127.0.0.1", 0))
        srv.settimeout(5)
        cli.settimeout(5)
        sent = 0
        end = time.time() + 3.5
        while time.time() < end:
            cli.sendto(dns_msg(sent, 0x0100, "n%d.live.example" % sent), ("127.0.0.1", port))
            data, peer = srv.recvfrom(512)
            srv.sendto(data[:2] + b"\x81\x80" + data[4:], peer)
            cli.recvfrom(512)
            sent += 1
            if sent == 1:
                # tail -f: the first transaction is in a file within about a second
                wait_for(lambda: any("n0.live.example" in open(f).read()
                                     for f in log_files(d, "tx")), "the first line in tx.log")
            time.sleep(0.05)
        time.sleep(0.5)  # the last packets reach the capture before the stop
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=WAIT)
        check(rc == 0, "live: exit %d: %s" % (rc, open(err).read()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    events, _ = read_text(out)
    check(len(events) == sent, "live: %d tx events for %d exchanges" % (len(events), sent))
    files = log_files(d, "tx")
    blocks = read_blocks(files, "live")
    check(len(files) >= 3, "live: %d files in 4 s of 1-second rotation" % len(files))
    stamps = [b.opened for _, b in blocks]
    check(len(set(stamps)) == len(stamps), "live: two files opened in one second: %s" % stamps)
    same([tsv_tx_key(r) for _, b in blocks for r in b.records()], [tx_key(e) for e in events],
         "live rotation every second (%d files)" % len(files))


def check_errors(a, pcap):
    p = gazer(["-r", pcap, "-w", os.path.join(a.work, "no", "such")], a.gazer)
    check(p.returncode == 1 and p.stderr.count(b"\n") == 1 and b"No such file" in p.stderr,
          "missing directory: exit %d, %r" % (p.returncode, p.stderr))
    p = gazer(["-r", pcap, "-w", pcap], a.gazer)
    check(p.returncode == 1 and b"not a directory" in p.stderr,
          "file as directory: exit %d, %r" % (p.returncode, p.stderr))
    p = gazer(["-r", pcap, "--rotate-size", "1M"], a.gazer)
    check(p.returncode == 2 and b"need -w" in p.stderr, "--rotate-size without -w: %r" % p.stderr)
    print("ok: errors")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gazer", required=True)
    ap.add_argument("--gencapture", required=True)
    ap.add_argument("--work", required=True)
    a = ap.parse_args()
    pcap = os.path.join(a.work, "flow.pcap")
    # About 30 minutes of packet time, 1,800 transactions with TCP and EDNS.
    subprocess.run([sys.executable, a.gencapture, "--packets", "4000", "--rate", "1", pcap],
                   check=True, stdout=subprocess.DEVNULL, timeout=120)
    check_formats(a, pcap)
    tx, _ = read_text(os.path.join(a.work, "formats", "out.txt"))
    check_interval(a, pcap, tx)
    check_size(a, pcap, tx, command=False)
    check_size(a, pcap, tx, command=True)
    check_reopen(a, pcap, tx)
    check_errors(a, pcap)
    check_full_disk(a, pcap)
    check_live(a)
    print("logdir: %s" % ("FAIL (%d)" % len(FAILURES) if FAILURES else "ok"))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
