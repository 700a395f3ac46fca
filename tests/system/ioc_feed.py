#!/usr/bin/env python3
"""Feed a capture to dns-gazer through a FIFO in phases, reloading its
indicator list with SIGHUP between them (tests/system/ioc.sh).

  ioc_feed.py file OUT.pcap                  every phase into a plain file
  ioc_feed.py fifo FIFO PID LIST NEW BAD ERR the same through FIFO to PID,
                                             whose stderr goes to the file ERR

Phase 1 runs with the list dns-gazer started with; before phase 2 the list
becomes NEW and dns-gazer gets a SIGHUP; before phase 3 it becomes BAD (a
reload that must fail and keep NEW's indicators); before phase 4 NEW
again, and phase 4 is streamed with a SIGHUP every few transactions, so
reloads land while traffic flows.  Between phases the feeder waits until
dns-gazer has read everything and sleeps waiting for more, and, since lists
are reloaded in the background, until it has logged the reload's outcome
(the lists in force change as that line is written), so each phase meets
the list it should.

  ioc_feed.py background FIFO PID LIST ERR N   a reload that takes its time
                                               (tests/system/ioc_background.sh)

LIST is a FIFO too, which this script writes: it gives dns-gazer the list
"x.test, label old" at start-up, then phase A (queries below x.test); on
SIGHUP, a list of N lines, "x.test, label new" near its end, of which it
writes all but the end and holds the rest while phase B flows, until
dns-gazer has processed phase B; then the rest, and phase C once the reload
is logged; then a last reload is held while the input ends.  So the
ordering is certain, not a race: phase B was matched while the list was
loading, since the load could not end before phase B was processed.
"""
import fcntl
import json
import os
import shutil
import signal
import struct
import sys
import termios
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pcap", "gen"))
from pcapgen import *  # noqa: E402,F401,F403

T = 1700000000
C4, S4 = "10.0.0.1", "192.0.2.53"
PHASE4_TX = 200
HUP_EVERY = 10


def frame(t, port, mid, qname, reply):
    if reply:
        dns = message(mid, REPLY, qd=[question(qname)], an=[rr(qname, 1, ip4("198.51.100.1"))])
        return (t, ether(udp4(S4, 53, C4, port, dns)))
    return (t, ether(udp4(C4, port, S4, 53, message(mid, QUERY, qd=[question(qname)]))))


def tx(t, mid, qname):
    port = 10000 + mid
    return [frame(t, port, mid, qname, False), frame(t + 0.001, port, mid, qname, True)]


def phases():
    p1 = tx(T + 1, 1, "a.old.test") + tx(T + 2, 2, "a.new.test")
    p1.append(frame(T + 3, 10003, 3, "p.new.test", False))      # answered in phase 2
    p2 = [frame(T + 4, 10003, 3, "p.new.test", True)]
    p2 += tx(T + 5, 4, "b.old.test") + tx(T + 6, 5, "b.new.test")
    p3 = tx(T + 7, 6, "c.old.test") + tx(T + 8, 7, "c.new.test")
    p4 = []
    for i in range(PHASE4_TX):
        p4 += tx(T + 10 + i * 0.01, 100 + i, "d%d.%s.test" % (i, "new" if i % 2 else "old"))
    return [p1, p2, p3, p4]


def header():
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, DLT_EN10MB)


def record(p):
    t, data = p
    sec, usec = int(t), round((t - int(t)) * 1e6)
    return struct.pack("<IIII", sec, usec, len(data), len(data)) + data


def wait_drained(fd, pid, timeout=20.0):
    """Until the pipe is empty and dns-gazer sleeps waiting for more."""
    end = time.monotonic() + timeout
    buf = bytearray(4)
    while time.monotonic() < end:
        fcntl.ioctl(fd, termios.FIONREAD, buf)
        if struct.unpack("i", bytes(buf))[0] == 0:
            with open("/proc/%d/stat" % pid) as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
            try:
                with open("/proc/%d/wchan" % pid) as f:
                    wchan = f.read().strip()
            except OSError:
                wchan = "0"
            # a pipe input is read after poll() says there is data
            if state == "S" and (wchan in ("", "0") or "pipe" in wchan or "poll" in wchan):
                time.sleep(0.05)  # and still asleep: the phase is done
                with open("/proc/%d/stat" % pid) as f:
                    if f.read().rsplit(")", 1)[1].split()[0] == "S":
                        return
        time.sleep(0.02)
    sys.exit("dns-gazer did not drain the pipe in %.0f s" % timeout)


def count_loads(errlog):
    """The outcomes of loads of the lists dns-gazer has logged, good or bad."""
    with open(errlog, errors="replace") as f:
        return sum(1 for line in f if " indicators from " in line or "(not reloaded" in line)


def wait_loads(errlog, n, timeout=20.0):
    """Until dns-gazer has logged the outcome of n loads of its lists (the
    one at start-up included)."""
    end = time.monotonic() + timeout
    got = 0
    while time.monotonic() < end:
        got = count_loads(errlog)
        if got >= n:
            return
        time.sleep(0.02)
    sys.exit("dns-gazer logged %d loads of its lists in %.0f s, not %d" % (got, timeout, n))


def replace(src, dst):
    shutil.copyfile(src, dst + ".tmp")
    os.replace(dst + ".tmp", dst)


def bg_phase(t, name, n):
    out = []
    for i in range(n):
        out += tx(T + t + i * 0.01, (t * 100 + i) % 65536, "%s%d.x.test" % (name, i))
    return out


def bg_write(fd, phase):
    os.write(fd, b"".join(record(p) for p in phase))


def background(fifo, pid, lst, errlog, nlines):
    fd = os.open(fifo, os.O_WRONLY)                    # dns-gazer opens its input,
    os.write(fd, header())                             # reads the header
    with open(lst, "w") as f:                          # and loads its list at start
        f.write("x.test\told\n")
    bg_write(fd, bg_phase(1, "a", 5))
    wait_drained(fd, pid)
    wait_loads(errlog, 1)
    big = "".join("h%d.bulk.test\tbulk\n" % i for i in range(nlines - 1)).encode()
    head, tail = big[:len(big) // 2], big[len(big) // 2:] + b"x.test\tnew\n"

    os.kill(pid, signal.SIGHUP)
    lf = os.open(lst, os.O_WRONLY)                     # the reload is reading the list
    os.write(lf, head)                                 # returns once most of it is read
    bg_write(fd, bg_phase(2, "b", 5))
    wait_drained(fd, pid, 10.0)                        # phase B processed, load unfinished
    if count_loads(errlog) != 1:
        sys.exit("the reload ended before its list did")
    os.write(lf, tail)
    os.close(lf)
    wait_loads(errlog, 2)
    bg_write(fd, bg_phase(3, "c", 5))
    wait_drained(fd, pid)

    # the input ends during a reload: dns-gazer gives the load up (within a
    # few thousand lines), so it may close the list before all is written
    os.kill(pid, signal.SIGHUP)
    lf = os.open(lst, os.O_WRONLY)
    for data in (head, None, tail):
        if data is None:
            os.close(fd)
            continue
        try:
            os.write(lf, data)
        except BrokenPipeError:
            pass
    os.close(lf)


def alerts(path):
    """Print the alerts of a -t log as (query name, label) lines."""
    for line in open(path):
        _, tag, js = line.rstrip("\n").split("\t")
        if tag.endswith(".dns.alert"):
            d = json.loads(js)
            print(d["query"], d.get("label", "-"))


def main():
    if sys.argv[1] == "alerts":
        alerts(sys.argv[2])
        return
    if sys.argv[1] == "background":
        background(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], int(sys.argv[6]))
        return
    ph = phases()
    if sys.argv[1] == "file":
        with open(sys.argv[2], "wb") as f:
            f.write(header() + b"".join(record(p) for phase in ph for p in phase))
        return
    fifo, pid, lst, new, bad, errlog = sys.argv[2], int(sys.argv[3]), *sys.argv[4:8]
    fd = os.open(fifo, os.O_WRONLY)
    os.write(fd, header() + b"".join(record(p) for p in ph[0]))
    for n, src in ((1, new), (2, bad), (3, new)):
        wait_drained(fd, pid)
        replace(src, lst)
        os.kill(pid, signal.SIGHUP)
        wait_loads(errlog, 1 + n)
        if n < 3:
            os.write(fd, b"".join(record(p) for p in ph[n]))
    # phase 4: reloads while the packets flow
    for i in range(0, len(ph[3]), HUP_EVERY * 2):
        os.write(fd, b"".join(record(p) for p in ph[3][i:i + HUP_EVERY * 2]))
        os.kill(pid, signal.SIGHUP)
    # at least one more load started during phase 4: its outcome is logged
    # before the end of the input, which abandons a load still running
    wait_loads(errlog, 5)
    os.close(fd)


if __name__ == "__main__":
    main()
