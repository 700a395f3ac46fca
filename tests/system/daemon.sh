#!/bin/sh
# Running as a service: -d detaches properly, -p refuses a second instance
# and is removed at exit, -u drops every privilege, -c is read, the
# command line wins, and --stats-interval emits stats events while the
# input is still open.  The input is a FIFO the test feeds, so the daemon
# lives exactly as long as the test wants.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${DNS_GAZER:=$top_builddir/dns-gazer}"
pcap=$top_srcdir/tests/pcap/seed-example.pcap
tmp=$(mktemp -d "${TMPDIR:-/tmp}/daemon.XXXXXX") || exit 99
pids=
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    exec 3>&- 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
chmod 755 "$tmp"
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

# wait_for COND SECONDS: poll a shell condition, bounded in time
wait_for() {
    i=0
    while ! eval "$1"; do
        i=$((i + 1)); [ $i -gt $(($2 * 20)) ] && return 1; sleep 0.05
    done
}

# ---------------------------------------------------------------- -d -p
mkfifo "$tmp/in"
# The daemon opens the FIFO (and reads the pcap header) before detaching,
# so the writer end is opened from the background.
# The file header and the first frame (the query): its record is 16 bytes
# of header and incl_len (little-endian, at offset 24 + 8) bytes of data.
incl=$(od -An -tu4 -j32 -N4 "$pcap" | tr -d ' ')
first=$((24 + 16 + incl))
( exec 3>"$tmp/in"; head -c $first "$pcap" >&3; sleep 30 ) &
feeder=$!
pids="$pids $feeder"
if "$DNS_GAZER" -d -p "$tmp/dg.pid" -r "$tmp/in" -t "$tmp/d.out" 2>"$tmp/d.err"; then
    ok "-d returns 0 once the daemon is ready"
else
    bad "-d failed: $(cat "$tmp/d.err")"
fi
wait_for '[ -s "$tmp/dg.pid" ]' 5 || bad "no pid file"
dpid=$(cat "$tmp/dg.pid" 2>/dev/null)
pids="$pids $dpid"
if [ -n "$dpid" ] && kill -0 "$dpid" 2>/dev/null; then
    ok "pid file names the running daemon ($dpid)"
    st=/proc/$dpid/status
    [ "$(readlink "/proc/$dpid/cwd")" = / ] && ok "daemon cwd is /" || bad "daemon cwd"
    [ "$(readlink "/proc/$dpid/fd/1")" = /dev/null ] && [ "$(readlink "/proc/$dpid/fd/2")" = /dev/null ] &&
        ok "daemon stdout and stderr are /dev/null" || bad "daemon stdio not /dev/null"
    grep -q '^Umask:[[:space:]]*0027' "$st" && ok "daemon umask 027" || bad "daemon umask: $(grep Umask "$st")"
    # setsid then a second fork: not a session leader, no terminal
    sid=$(ps -o sid= -p "$dpid" | tr -d ' ')
    tty=$(ps -o tty= -p "$dpid" | tr -d ' ')
    if [ "$sid" != "$dpid" ] && [ "$tty" = "?" ]; then ok "daemon has no terminal and leads no session"
    else bad "daemon sid=$sid tty=$tty"; fi
    [ ! -s "$tmp/d.err" ] && ok "nothing on the starter's stderr" || bad "stderr: $(cat "$tmp/d.err")"
else
    bad "daemon not running (pid '$dpid')"
fi

# A second instance over the live pid file is refused, with the pid.
"$DNS_GAZER" -p "$tmp/dg.pid" -r "$pcap" -t "$tmp/x.out" 2>"$tmp/x.err"
rc=$?
if [ $rc -eq 1 ] && grep -q "already running as pid $dpid" "$tmp/x.err"; then
    ok "second instance refused: $(cat "$tmp/x.err")"
else
    bad "second instance: exit $rc, $(cat "$tmp/x.err")"
fi
[ "$(cat "$tmp/dg.pid")" = "$dpid" ] && ok "refused start left the pid file alone" || bad "pid file changed"

# SIGTERM while the input is idle: the pending query is logged as
# no_reply, the pid file removed, and the daemon exits.
sleep 0.3
kill -TERM "$dpid"
wait_for '! kill -0 "$dpid" 2>/dev/null' 5 || bad "daemon did not exit on SIGTERM"
kill "$feeder" 2>/dev/null
[ ! -e "$tmp/dg.pid" ] && ok "pid file removed at exit" || bad "pid file left behind"
grep -q '"status": "no_reply"' "$tmp/d.out" && [ "$(wc -l <"$tmp/d.out")" -eq 1 ] &&
    ok "SIGTERM logged the pending query as no_reply" || bad "SIGTERM output: $(cat "$tmp/d.out")"

# ---------------------------------------------------------------- -d -w relative
# A daemon changes to /: a log directory named relative to where it was
# started must still be where it reopens its files after SIGHUP.
mkdir "$tmp/logs"
mkfifo "$tmp/in5"
# (reading a pipe, the reopen happens before the next packet: the feeder
# sends the capture again after the test's SIGHUP)
( exec 3>"$tmp/in5"; cat "$pcap" >&3
  i=0; while [ ! -e "$tmp/go" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
  tail -c +25 "$pcap" >&3; sleep 30 ) &
feeder=$!
pids="$pids $feeder"
( cd "$tmp" && "$DNS_GAZER" -d -p dg5.pid -r in5 -w logs --log-format json ) ||
    bad "-d -w: start failed"
wait_for '[ -s "$tmp/dg5.pid" ]' 5 || bad "-d -w: no pid file"
d5=$(cat "$tmp/dg5.pid" 2>/dev/null)
wait_for '[ -e "$tmp/logs/tx.log" ]' 5
mv "$tmp/logs/tx.log" "$tmp/logs/tx.moved"
kill -HUP "$d5"
sleep 0.2
touch "$tmp/go"
wait_for '[ -e "$tmp/logs/tx.log" ]' 10
sleep 0.2
kill -TERM "$d5"
wait_for '! kill -0 "$d5" 2>/dev/null' 5 || bad "-d -w: no exit"
kill "$feeder" 2>/dev/null
if grep -q '"status": "success"' "$tmp/logs/tx.log" && [ ! -e /logs/tx.log ] &&
   grep -q '"status": "success"' "$tmp/logs/tx.moved"; then
    ok "-d -w with a relative directory: reopened in place after SIGHUP"
else
    bad "-d -w relative: $(ls "$tmp/logs")"
fi

# ---------------------------------------------------------------- -c
cat >"$tmp/dg.conf" <<CONF
# a config file, as the packaged service uses
read $pcap
text $tmp/c.out
records
timeout 30
CONF
if "$DNS_GAZER" -c "$tmp/dg.conf" -q && [ "$(grep -c 'dns-gazer.dns.record' "$tmp/c.out")" -eq 3 ] &&
   [ "$(grep -c 'dns-gazer.dns.tx' "$tmp/c.out")" -eq 1 ]; then
    ok "-c: inputs, outputs and flags from the file"
else
    bad "-c run: $(cat "$tmp/c.out" 2>/dev/null | head -3)"
fi
# the command line wins over the file
if "$DNS_GAZER" -c "$tmp/dg.conf" -q -t "$tmp/c2.out" && [ -s "$tmp/c2.out" ] &&
   [ "$(wc -l <"$tmp/c2.out")" -eq 4 ]; then
    ok "-c: the command line's -t wins"
else
    bad "-c with -t"
fi

# ---------------------------------------------------------------- --stats-interval
mkfifo "$tmp/in2"
"$DNS_GAZER" -r "$tmp/in2" -t "$tmp/s.out" --stats-interval 1 -q &
gpid=$!
pids="$pids $gpid"
exec 3>"$tmp/in2"
cat "$pcap" >&3
sleep 1.2
# the clock is looked at between frames (and every 1024 frames): feed some
for i in 1 2 3 4 5 6 7 8 9 10; do tail -c +25 "$pcap" >&3; done
sleep 1.2
exec 3>&-
wait $gpid
n=$(grep -c '	dns-gazer.stats	{' "$tmp/s.out")
if [ "$n" -ge 1 ] && grep '	dns-gazer.stats	' "$tmp/s.out" | tail -1 |
   grep -q '"tx_success": 11' && grep -q '"outputs": \[{"events": ' "$tmp/s.out"; then
    ok "--stats-interval: $n stats events, the last with the final counts"
else
    bad "--stats-interval: $(grep stats "$tmp/s.out")"
fi

# ---------------------------------------------------------------- -u
if [ "$(id -u)" -ne 0 ]; then
    echo "skip -u tests: not root"
else
    mkfifo "$tmp/in3"
    upid=
    "$DNS_GAZER" -r "$tmp/in3" -t "$tmp/u.out" -u nobody:nogroup -q 2>"$tmp/u.err" &
    upid=$!
    pids="$pids $upid"
    exec 3>"$tmp/in3"
    head -c 24 "$pcap" >&3
    if wait_for 'grep -q "^Uid:[[:space:]]*65534[[:space:]]65534[[:space:]]65534" /proc/$upid/status 2>/dev/null' 5; then
        ok "-u: real, effective and saved uid are nobody's"
        grep -q "^Gid:[[:space:]]*65534[[:space:]]65534[[:space:]]65534" /proc/$upid/status &&
            ok "-u: gids are nogroup's" || bad "-u gids: $(grep Gid /proc/$upid/status)"
        grep -q "^Groups:[[:space:]]*65534[[:space:]]*$" /proc/$upid/status &&
            ok "-u: no supplementary group but nogroup" || bad "-u groups: $(grep Groups /proc/$upid/status)"
        grep -q "^CapEff:[[:space:]]*0*$" /proc/$upid/status &&
            ok "-u: no capabilities left" || bad "-u caps: $(grep CapEff /proc/$upid/status)"
    else
        bad "-u: not running as nobody: $(grep -E '^(Uid|Gid)' /proc/$upid/status 2>&1)"
    fi
    tail -c +25 "$pcap" >&3
    exec 3>&-
    wait $upid; rc=$?
    [ $rc -eq 0 ] && grep -q '"status": "success"' "$tmp/u.out" &&
        ok "-u: output opened as root is written after the drop" || bad "-u run: exit $rc $(cat "$tmp/u.err")"
    # -d with a failing -u: the parent reports the daemon's verdict
    "$DNS_GAZER" -d -r "$pcap" -t "$tmp/du.out" -u no-such-user-dg 2>"$tmp/du.err"
    rc=$?
    [ $rc -eq 1 ] && grep -q 'unknown user "no-such-user-dg"' "$tmp/du.err" &&
        ok "-d -u: the start failure reaches the terminal" || bad "-d -u: exit $rc, $(cat "$tmp/du.err")"
fi

# ---------------------------------------------------------------- syslog
# As a daemon, diagnostics and the summary go to syslog.  A private mount
# namespace gets its own /dev, where /dev/log is a socket of the test's.
syslog_test() {
    # The listener starts first, with the real /dev, on a socket of its own
    # that is then bound over /dev/log.
    "$PYTHON3" - "$tmp/syslog.txt" "$tmp/log.sock" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[2])
s.settimeout(30)
with open(sys.argv[1], "w") as out:
    try:
        while True:
            out.write(s.recv(4096).decode(errors="replace") + "\n")
            out.flush()
    except socket.timeout:
        pass
PY
    lp=$!
    wait_for '[ -S "$tmp/log.sock" ]' 20 || return 1
    mount -t tmpfs none /dev || return 77
    mknod -m 666 /dev/null c 1 3 && : >/dev/log && mount --bind "$tmp/log.sock" /dev/log || return 77
    mkfifo "$tmp/in4"
    ( exec 3>"$tmp/in4"; cat "$pcap" >&3; sleep 30 ) &
    fp=$!
    "$DNS_GAZER" -d -p "$tmp/s.pid" -r "$tmp/in4" -t "$tmp/s4.out" || return 1
    wait_for '[ -s "$tmp/s.pid" ]' 5 || return 1
    spid=$(cat "$tmp/s.pid")
    sleep 0.3
    kill -USR1 "$spid"
    wait_for 'grep -q "tx.success 1" "$tmp/syslog.txt" 2>/dev/null' 15
    kill -TERM "$spid"
    wait_for '! kill -0 "$spid" 2>/dev/null' 5
    kill "$fp" "$lp" 2>/dev/null
    # <30> is facility daemon (3 << 3) at level info (6)
    grep -q "^<30>.*dns-gazer\[$spid\]: dns-gazer: statistics" "$tmp/syslog.txt" &&
        grep -q "^<30>.*dns-gazer\[$spid\]:   tx.success 1" "$tmp/syslog.txt"
}
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null 2>&1 || ! command -v "${PYTHON3:-python3}" >/dev/null 2>&1; then
    echo "skip syslog test: needs root, unshare and python3"
else
    PYTHON3=${PYTHON3:-python3}
    export tmp pcap DNS_GAZER PYTHON3
    unshare -m sh -c "$(sed -n '/^wait_for()/,/^}/p;/^syslog_test()/,/^}/p' "$0"); syslog_test"
    rc=$?
    if [ $rc -eq 0 ]; then ok "-d: statistics on SIGUSR1 go to syslog (daemon facility, info)"
    elif [ $rc -eq 77 ]; then echo "skip syslog test: no private /dev here"
    else bad "-d syslog (status $rc): $(ls "$tmp"; head -5 "$tmp/syslog.txt" 2>/dev/null)"; fi
fi

exit $((fail > 0))
