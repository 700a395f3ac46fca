#!/bin/sh
# SIGHUP reloads the --ioc lists in the background: while a large list
# (300,000 lines) loads, traffic goes on being read and matched against
# the old list, which stays in force until the new one has loaded in full.
# The list is a FIFO that the feeder (ioc_feed.py background) holds open
# half-written until the traffic sent meanwhile is processed, so the
# evidence is the order of events, not a race against the clock.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${DNS_GAZER:=$top_builddir/dns-gazer}"
: "${PYTHON3:=python3}"
feed=$top_srcdir/tests/system/ioc_feed.py
tmp=$(mktemp -d "${TMPDIR:-/tmp}/iocbg.XXXXXX") || exit 99
pid=
fpid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    [ -n "$fpid" ] && kill "$fpid" 2>/dev/null
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

lines=300000
mkfifo "$tmp/fifo" "$tmp/list" || exit 99
"$DNS_GAZER" -r "$tmp/fifo" --ioc "$tmp/list" -t "$tmp/out" 2>"$tmp/err" &
pid=$!
timeout 60 "$PYTHON3" "$feed" background "$tmp/fifo" "$pid" "$tmp/list" "$tmp/err" "$lines" &
fpid=$!
wait "$fpid"
frc=$?
fpid=
# bounded wait for dns-gazer to finish the input
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
wait "$pid"
rc=$?
pid=
check "feeder and dns-gazer ran" test "$frc" -eq 0 -a "$rc" -eq 0

# The alerts as (query name, label): phase A before the reload and phase B
# during it meet the old list, phase C after it the new one.
"$PYTHON3" "$feed" alerts "$tmp/out" >"$tmp/alerts"
for p in a b c; do
    l=old; [ $p = c ] && l=new
    for i in 0 1 2 3 4; do echo "$p$i.x.test. $l"; done
done >"$tmp/alerts.want"
check "traffic during the load meets the old list" diff -u "$tmp/alerts.want" "$tmp/alerts"

txs() { [ "$(grep -c '	dns-gazer\.dns\.tx	.*"status": "success"' "$tmp/out")" -eq 15 ]; }
check "no transaction lost" txs

# Start-up, then the reload, logged as it ended (the feeder saw it before
# phase C).  The last reload, which the end of the input cut short, is
# abandoned with no error (it could only be logged had dns-gazer stalled
# between two reads for as long as the rest of the list took to load).
loads() {
    printf 'dns-gazer: 1 indicators from 1 file\ndns-gazer: %s indicators from 1 file\n' \
        "$lines" >"$tmp/loads.want"
    grep -v '^dns-gazer: statistics' "$tmp/err" | grep -v '^  ' >"$tmp/loads"
    [ "$(sed -n 3p "$tmp/loads")" = "dns-gazer: $lines indicators from 1 file" ] &&
        sed -i 3d "$tmp/loads"
    diff -u "$tmp/loads.want" "$tmp/loads"
}
check "each reload is logged as it ends, no error" loads

echo "$fail failed"
[ "$fail" -eq 0 ]
