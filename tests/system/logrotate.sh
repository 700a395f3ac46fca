#!/bin/sh
# logrotate and dns-gazer together lose no line: dns-gazer writes its log
# files (-w) while reading a capture through a FIFO, fed in three parts,
# and a real logrotate -f runs the packaged rules (adapted to a temporary
# directory and to this process) twice in between.  The event lines of the
# current and rotated files, compressed or not, must add up to those of a
# run without rotation, and to the tx events of the capture.
# LOGROTATE_DEBUG=1 shows the files and logrotate -v at each rotation.
# Skipped without logrotate, python3 (to generate the capture), or a
# dns-gazer that has no --log-dir yet.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${DNS_GAZER:=$top_builddir/dns-gazer}"
: "${PYTHON3:=python3}"
LOGROTATE=${LOGROTATE:-$(command -v logrotate || echo /usr/sbin/logrotate)}
[ -x "$LOGROTATE" ] || { echo "SKIP: logrotate is not installed"; exit 77; }
command -v "$PYTHON3" >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
"$DNS_GAZER" --help 2>&1 | grep -q -- --log-dir ||
    { echo "SKIP: this dns-gazer has no --log-dir"; exit 77; }
rules=$top_builddir/src/system/dns-gazer.logrotate
[ -f "$rules" ] || { echo "FAIL: $rules not built (make all)"; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/logrotate.XXXXXX") || exit 99
tmp=$(cd "$tmp" && pwd)
pid=
cleanup() {
    exec 3>&-
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# Event lines of the log files matching a pattern: Zeek's header and
# trailer lines start with '#'; rotated files may be gzipped.
events() {
    n=0
    for f in "$tmp/$1"/$2; do
        [ -f "$f" ] || continue
        c=$(gzip -cdf "$f" | grep -cv '^#')
        n=$((n + c))
    done
    echo $n
}

"$PYTHON3" "$top_srcdir/tests/bench/gencapture.py" --packets 6000 "$tmp/in.pcap" >/dev/null ||
    { echo "FAIL: cannot generate the capture"; exit 99; }
tx_events=$("$DNS_GAZER" -q -r "$tmp/in.pcap" -t - | grep -c '	dns-gazer\.dns\.tx	')
mkdir "$tmp/ref" "$tmp/log"
"$DNS_GAZER" -q -R -r "$tmp/in.pcap" -w "$tmp/ref" || { echo "FAIL: reference run"; exit 1; }
ref_tx=$(events ref 'tx*.log')
ref_rec=$(events ref 'record*.log')
[ "$ref_tx" -gt 100 ] || bad "reference tx.log has $ref_tx events"
[ "$ref_tx" -eq "$tx_events" ] || bad "reference tx.log has $ref_tx events, -t wrote $tx_events tx events"

# The packaged rules, on our directory, signalling our dns-gazer.
pidfile=$tmp/dns-gazer.pid
awk -v dir="$tmp/log" -v pidfile="$pidfile" '
    /\/log\/dns-gazer\/\*\.log \{/ { print dir "/*.log {"; next }
    /^[ \t]*postrotate/ { print; print "\t\tkill -HUP \"$(cat " pidfile ")\""; skip = 1; next }
    /^[ \t]*endscript/ { skip = 0 }
    !skip { print }
' "$rules" >"$tmp/rules"
grep -q "^$tmp/log/\*\.log {" "$tmp/rules" || { echo "FAIL: cannot adapt $rules"; cat "$tmp/rules"; exit 1; }
rotate() {
    [ -n "${LOGROTATE_DEBUG:-}" ] && ls -l "$tmp/log" >&2
    "$LOGROTATE" -v -f -s "$tmp/state" "$tmp/rules" >"$tmp/logrotate.out" 2>&1 ||
        bad "logrotate: $(cat "$tmp/logrotate.out")"
    [ -n "${LOGROTATE_DEBUG:-}" ] && cat "$tmp/logrotate.out" >&2
}

mkfifo "$tmp/fifo" || exit 99
"$DNS_GAZER" -q -R -r "$tmp/fifo" -w "$tmp/log" 2>"$tmp/stderr" &
pid=$!
echo "$pid" >"$pidfile"
exec 3>"$tmp/fifo"
size=$(wc -c <"$tmp/in.pcap")
third=$((size / 3))
# Part 1, rotation, part 2, rotation, part 3.  The pauses let dns-gazer
# read what it was given and write some events before each rotation.
head -c "$third" "$tmp/in.pcap" >&3
sleep 1
rotate
sleep 1
tail -c +"$((third + 1))" "$tmp/in.pcap" | head -c "$third" >&3
sleep 1
rotate
sleep 1
tail -c +"$((2 * third + 1))" "$tmp/in.pcap" >&3
exec 3>&-
n=0
while kill -0 "$pid" 2>/dev/null && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
if kill -0 "$pid" 2>/dev/null; then
    bad "dns-gazer did not end within 30 s of the end of its input"
    kill "$pid"
fi
wait "$pid"; rc=$?
pid=
[ $rc -eq 0 ] || bad "dns-gazer exit status $rc: $(cat "$tmp/stderr")"

ls "$tmp/log" >"$tmp/files"
got_tx=$(events log 'tx*.log*')
got_rec=$(events log 'record*.log*')
[ "$got_tx" -eq "$ref_tx" ] || bad "tx events: $got_tx in the rotated and current files, $ref_tx without rotation"
[ "$got_rec" -eq "$ref_rec" ] || bad "record events: $got_rec in the rotated and current files, $ref_rec without rotation"
# The test means something only if the rotations split the log.
parts=0
for f in "$tmp/log"/tx.log*; do
    [ "$(gzip -cdf "$f" | grep -cv '^#')" -gt 0 ] && parts=$((parts + 1))
done
[ $parts -ge 3 ] || bad "tx events are in $parts files, not 3: $(tr '\n' ' ' <"$tmp/files")"
[ -f "$tmp/log/tx.log.2.gz" ] || bad "the first rotated file was not compressed on the second rotation"
echo "tx events $got_tx, record events $got_rec, files: $(tr '\n' ' ' <"$tmp/files")"
exit $fail
