#!/bin/sh
# Indicator lists (--ioc): start-up errors, an empty list changes nothing,
# and SIGHUP reloads while traffic flows through a FIFO: each phase meets
# the list it should, a bad list keeps the old one with one error line,
# and no transaction is lost or changed beside its ioc key.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${DNS_GAZER:=$top_builddir/dns-gazer}"
: "${PYTHON3:=python3}"
pcaps=$top_srcdir/tests/pcap
feed=$top_srcdir/tests/system/ioc_feed.py
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ioc.XXXXXX") || exit 99
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    [ -n "${IOC_KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
export TZ=UTC LC_ALL=C
fail=0
if ! "$PYTHON3" -c 'import fcntl, termios' 2>/dev/null || [ ! -r /proc/self/stat ]; then
    echo "SKIP: needs python3 and /proc"; exit 77
fi

check() { # check NAME COMMAND...: a test that passes when COMMAND succeeds
    name=$1; shift
    if "$@" >"$tmp/why" 2>&1; then echo "ok   $name"
    else echo "FAIL $name"; sed 's/^/  /' "$tmp/why"; fail=$((fail + 1)); fi
}

# -- start-up: one error line, exit 1, nothing logged
printf 'good.test\n\nbad..test\n' >"$tmp/bad.txt"
expect_error() { # STATUS PATTERN ARGS...
    want=$1 pattern=$2; shift 2
    "$DNS_GAZER" -r "$pcaps/ioc/ioc.pcap" "$@" -t "$tmp/out" >/dev/null 2>"$tmp/err"
    got=$?
    [ "$got" -eq "$want" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q -- "$pattern" "$tmp/err" &&
        [ ! -s "$tmp/out" ] || { echo "exit $got, stderr:"; cat "$tmp/err"; return 1; }
}
check "bad list at start" expect_error 1 "^dns-gazer: $tmp/bad.txt:3: empty label\$" --ioc "$tmp/bad.txt"
check "missing list" expect_error 1 "$tmp/none.txt: No such file or directory" --ioc "$tmp/none.txt"
check "--alerts-only without --ioc" expect_error 2 "needs --ioc" --alerts-only

# -- a list with nothing in it changes nothing
printf '# nothing yet\n\n' >"$tmp/empty.txt"
same_as_without() {
    "$DNS_GAZER" -r "$pcaps/ioc/ioc.pcap" -R -t "$tmp/a" -q &&
    "$DNS_GAZER" -r "$pcaps/ioc/ioc.pcap" -R -t "$tmp/b" -q --ioc "$tmp/empty.txt" &&
    cmp "$tmp/a" "$tmp/b"
}
check "empty list: same output" same_as_without

# -- log files: alert.log holds every alert of the -t run, Zeek or JSON,
# each joined to its transaction in tx.log by uid
alert_log() {
    fmt=$1
    rm -rf "$tmp/logs" && mkdir "$tmp/logs" &&
    "$DNS_GAZER" -r "$pcaps/ioc/ioc.pcap" --ioc "$pcaps/ioc/list.txt" -q -t "$tmp/alerts.out" \
        -w "$tmp/logs" --log-format "$fmt" &&
    "$PYTHON3" - "$tmp/alerts.out" "$tmp/logs" "$fmt" "$top_srcdir/tests/system" <<'PY'
import json, sys
out, logs, fmt, here = sys.argv[1:5]
sys.path.insert(0, here)
import zeeklog
want = []
for line in open(out):
    t, tag, js = line.rstrip("\n").split("\t", 2)
    if tag == "dns-gazer.dns.alert":
        want.append(json.loads(js))
def rows(name):
    if fmt == "json":
        return [json.loads(l) for l in open("%s/%s.log" % (logs, name))]
    blocks = zeeklog.read_log("%s/%s.log" % (logs, name))
    return [r for b in blocks for r in b.records()]
got, txs = rows("alert"), rows("tx")
uids = {t["uid"] for t in txs}
key = {"json": {"indicator": "indicator", "matched": "matched", "where": "where",
                "client_port": "client_port"},
       "zeek": {"indicator": "indicator", "matched": "matched", "where": "where",
                "client_port": "id.orig_p"}}[fmt]
w = sorted(tuple(a[k] for k in key) for a in want)
g = sorted(tuple(r[v] for v in key.values()) for r in got)
assert len(want) == 15, len(want)
assert w == g, (w, g)
assert all(r["uid"] in uids for r in got), "an alert uid not in tx.log"
print("%d alerts in alert.log (%s), each with the uid of its transaction" % (len(got), fmt))
PY
}
check "alert.log, Zeek format" alert_log zeek
check "alert.log, JSON format" alert_log json

# -- a list large enough that frames are decoded ahead in batches (and
# questions prefetched): not a byte of output changes, from a file or a
# pipe, whose waits hand over the frames held
{ cat "$pcaps/ioc/list.txt"; seq 20000 | sed 's/.*/n&.pad.invalid/'; } >"$tmp/big.txt"
same_when_batched() {
    "$DNS_GAZER" -r "$pcaps/ioc/ioc.pcap" -R -t "$tmp/a" -q --ioc "$pcaps/ioc/list.txt" &&
    "$DNS_GAZER" -r "$pcaps/ioc/ioc.pcap" -R -t "$tmp/b" -q --ioc "$tmp/big.txt" &&
    cmp "$tmp/a" "$tmp/b" &&
    cat "$pcaps/ioc/ioc.pcap" | "$DNS_GAZER" -r - -R -t "$tmp/c" -q --ioc "$tmp/big.txt" &&
    cmp "$tmp/a" "$tmp/c" && grep -q alert "$tmp/a"
}
check "large list: same output" same_when_batched

# -- a pipe that never pauses and carries nothing else DNS (what the
# default filter drops): a listed query's alert still comes out at once,
# not when 15 more DNS frames have come
"$PYTHON3" - "$tmp/trickle.py" <<'PY'
import sys
open(sys.argv[1], "w").write(r"""
import struct, sys, time
def frame(sport, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                     bytes([192, 0, 2, 1]), bytes([192, 0, 2, 53]))
    return b"\x00\x01\x02\x03\x04\x05\x0a\x0b\x0c\x0d\x0e\x0f\x08\x00" + ip + udp
def record(t, data):
    return struct.pack("<IIII", int(t), int(t * 1e6) % 1000000, len(data), len(data)) + data
query = struct.pack("!HHHHHH", 0x77, 0x0100, 1, 0, 0, 0) + b"\x01x\x04evil\x07example\x00\x00\x01\x00\x01"
out = sys.stdout.buffer
out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
t = 1700000000.0
out.write(record(t, frame(40000, 53, query)))
out.flush()
for i in range(150):   # 3 s of frames the default filter drops
    t += 0.02
    out.write(record(t, frame(40000, 9999, b"x" * 64)))
    out.flush()
    time.sleep(0.02)
""")
PY
alert_while_fed() {
    : >"$tmp/trickle.out"
    "$PYTHON3" "$tmp/trickle.py" | "$DNS_GAZER" -r - -q --ioc "$tmp/big.txt" \
        -t "$tmp/trickle.out" &
    tpid=$!
    i=0
    until grep -q 'dns\.alert.*"x\.evil\.example\."' "$tmp/trickle.out"; do
        i=$((i + 1)); [ $i -gt 50 ] && break; sleep 0.05
    done
    kill -0 "$tpid" 2>/dev/null; running=$?
    wait "$tpid"
    echo "alert after $((i * 50)) ms; still fed: $([ $running -eq 0 ] && echo yes || echo no)"
    [ $i -le 50 ] && [ $running -eq 0 ]
}
check "large list, busy pipe: the alert is not held" alert_while_fed

# -- reload under traffic
printf 'old.test\tv1\n' >"$tmp/list.txt"
printf '# the second list\nnew.test\tv2\n' >"$tmp/new.txt"
printf 'new.test\tv3\nnewer.test\n*.\n' >"$tmp/broken.txt"
"$PYTHON3" "$feed" file "$tmp/all.pcap" || exit 99
"$DNS_GAZER" -r "$tmp/all.pcap" -t "$tmp/plain.out" -q || exit 99
mkfifo "$tmp/fifo" || exit 99
"$DNS_GAZER" -r "$tmp/fifo" --ioc "$tmp/list.txt" -t "$tmp/reload.out" 2>"$tmp/reload.err" &
pid=$!
timeout 60 "$PYTHON3" "$feed" fifo "$tmp/fifo" "$pid" "$tmp/list.txt" "$tmp/new.txt" "$tmp/broken.txt" \
    "$tmp/reload.err"
frc=$?
# bounded wait for dns-gazer to finish the input
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
wait "$pid"
rc=$?
pid=
check "feeder and dns-gazer ran" test "$frc" -eq 0 -a "$rc" -eq 0

# The alerts, as (query name, label): phase 1 old list, then the new one
"$PYTHON3" "$feed" alerts "$tmp/reload.out" >"$tmp/alerts"
{
    echo "a.old.test. v1"
    echo "p.new.test. v2"
    echo "b.new.test. v2"
    echo "c.new.test. v2"
    i=1
    while [ $i -lt 200 ]; do echo "d$i.new.test. v2"; i=$((i + 2)); done
} >"$tmp/alerts.want"
check "each phase meets its list" diff -u "$tmp/alerts.want" "$tmp/alerts"

# No transaction lost or changed: the tx lines without their ioc key are
# those of a run on the same capture read from a file with no list.
strip_ioc() {
    "$PYTHON3" - "$1" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    t, tag, js = line.rstrip("\n").split("\t")
    if tag.endswith(".dns.tx"):
        d = json.loads(js)
        d.pop("ioc", None)
        print(t, tag, json.dumps(d, sort_keys=True), sep="\t")
PY
}
same_tx() { strip_ioc "$tmp/plain.out" >"$tmp/p" && strip_ioc "$tmp/reload.out" >"$tmp/r" &&
    [ "$(wc -l <"$tmp/p")" -eq 207 ] && diff -u "$tmp/p" "$tmp/r"; }
check "no transaction lost across reloads" same_tx

# The query pending across the first reload was matched when it was seen
# (old list: no match), its question again when it was logged (the lists
# had changed: new list, a match), and the two paired.
pending() { grep -F '"name": "p.new.test."' "$tmp/reload.out" | grep -F '"status": "success"' |
    grep -qF '"ioc": [{"indicator": "new.test.", "label": "v2", "matched": "p.new.test.", "where": "query"}]'; }
check "query pending across a reload pairs" pending

# The bad list: exactly one error line naming file and line; the old list stays
bad_reload() {
    grep -v '^dns-gazer: [0-9]* indicators from' "$tmp/reload.err" | grep -v '^dns-gazer: statistics' |
        grep -v '^  ' >"$tmp/errlines"
    echo "dns-gazer: $tmp/list.txt:3: empty name (not reloaded: the old lists stay)" >"$tmp/errwant"
    diff -u "$tmp/errwant" "$tmp/errlines"
}
check "bad reload: one error line, old list kept" bad_reload
reloads() { [ "$(grep -c '^dns-gazer: 1 indicators from 1 file' "$tmp/reload.err")" -ge 3 ]; }
check "good reloads are reported" reloads

echo "$fail failed"
[ "$fail" -eq 0 ]
