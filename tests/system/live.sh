#!/bin/sh
# Live capture on the loopback interface: dns-gazer -i lo (and -i any)
# sees a DNS exchange sent over 127.0.0.1 on a high port, and SIGTERM
# makes it log the pending query as no_reply, flush and exit 0.
# Needs permission to capture (root or CAP_NET_RAW); skipped otherwise.
# Traffic goes to 127.0.0.1 only.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${DNS_GAZER:=$top_builddir/dns-gazer}"
: "${PYTHON3:=python3}"
command -v "$PYTHON3" >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/live.XXXXXX") || exit 99
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
fail=0

# Probe: can we capture at all?
"$DNS_GAZER" -i lo -F "port 1" -q -t /dev/null >/dev/null 2>"$tmp/probe" &
probe=$!
sleep 0.5
if ! kill -0 $probe 2>/dev/null; then
    wait $probe
    echo "SKIP: cannot capture here: $(cat "$tmp/probe")"
    exit 77
fi
kill -TERM $probe; wait $probe

# send.py PORT: a query answered by a tiny server, then an unanswered query.
cat >"$tmp/send.py" <<'PY'
import socket, struct, sys
port = int(sys.argv[1])
def msg(mid, flags, name):
    q = b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", mid, flags, 1, 0, 0, 0) + q + struct.pack("!HH", 1, 1)
srv = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
srv.bind(("127.0.0.1", port))
cli = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
cli.bind(("127.0.0.1", 0))
cli.sendto(msg(0x1234, 0x0100, "live.example"), ("127.0.0.1", port))
data, peer = srv.recvfrom(512)
srv.sendto(data[:2] + b"\x81\x83" + data[4:], peer)   # NXDOMAIN
cli.recvfrom(512)
cli.sendto(msg(0x4321, 0x0100, "unanswered.example"), ("127.0.0.1", port))
print(cli.getsockname()[1])
PY

# run IFACE: capture, send, stop with SIGTERM; check the log.
run() {
    iface=$1
    port=$(( 20000 + $$ % 20000 ))
    "$DNS_GAZER" -i "$iface" --ports $port -F "udp port $port" --timeout 600 -t "$tmp/out" -q 2>"$tmp/err" &
    pid=$!
    sleep 1
    cport=$("$PYTHON3" "$tmp/send.py" $port) || { echo "FAIL $iface: sender failed"; return 1; }
    sleep 0.5
    # SIGUSR1: the statistics now, even with -q, and the capture goes on
    kill -USR1 $pid
    sleep 0.5
    if ! grep -q "^dns-gazer: statistics" "$tmp/err" || ! kill -0 $pid 2>/dev/null; then
        echo "FAIL $iface: SIGUSR1 did not print statistics: $(cat "$tmp/err")"; return 1
    fi
    kill -TERM $pid; wait $pid; rc=$?; pid=
    if [ $rc -ne 0 ]; then echo "FAIL $iface: exit $rc: $(cat "$tmp/err")"; return 1; fi
    ok=1
    grep -q "\"client_port\": $cport,.*\"name\": \"live.example.\".*\"rcode\": \"NXDOMAIN\".*\"server_port\": $port, \"status\": \"success\", \"tx_id\": 4660}" "$tmp/out" || ok=0
    grep -q "\"name\": \"unanswered.example.\".*\"status\": \"no_reply\", \"tx_id\": 17185}" "$tmp/out" || ok=0
    # on "any" a loopback packet may be seen once per direction: at least these
    if [ $ok -eq 1 ]; then echo "ok   -i $iface"; else echo "FAIL -i $iface:"; cat "$tmp/out"; return 1; fi
}
run lo || fail=1
run any || fail=1

# start_on PORT FILE ARGS...: dns-gazer on lo for PORT, writing FILE; then
# the exchange of send.py.  seen PATTERN FILE: up to 5 s for a line of it
# while dns-gazer still runs; i says how many 50 ms steps it took.
start_on() {
    port=$1 out=$2; shift 2
    "$DNS_GAZER" -i lo --ports "$port" -F "udp port $port" -t "$out" -q "$@" 2>"$tmp/err" &
    pid=$!
    sleep 1
    "$PYTHON3" "$tmp/send.py" "$port" >/dev/null
}
seen() {
    i=0
    until grep -q "$1" "$2" 2>/dev/null; do
        i=$((i + 1)); [ $i -gt 100 ] && return 1; sleep 0.05
    done
    kill -0 $pid 2>/dev/null
}

# Timeouts fire on the clock when traffic stops, and the output is flushed
# within a second: the unanswered query shows up as no_reply in the file
# while dns-gazer still runs, with no packet after it.
if start_on $(( 20000 + ($$ + 7) % 20000 )) "$tmp/idle" --timeout 1 &&
    seen '"name": "unanswered.example.".*"status": "no_reply"' "$tmp/idle"; then
    echo "ok   idle capture: a timed-out query is logged and flushed within $((i * 50)) ms"
else
    echo "FAIL idle capture: no no_reply line after 5 s: $(cat "$tmp/idle" "$tmp/err")"; fail=1
fi
kill -TERM $pid; wait $pid; pid=

# A list large enough that frames are held and decoded ahead: the alert
# still goes out as the client asks, with no packet after its query.
{ echo unanswered.example; seq 20000 | sed 's/.*/n&.pad.invalid/'; } >"$tmp/big.txt"
if start_on $(( 20000 + ($$ + 13) % 20000 )) "$tmp/alert" --ioc "$tmp/big.txt" &&
    seen 'dns\.alert.*"unanswered\.example\."' "$tmp/alert"; then
    echo "ok   large list: the alert is out within $((i * 50)) ms of the query"
else
    echo "FAIL large list: no alert after 5 s: $(cat "$tmp/alert" "$tmp/err")"; fail=1
fi
kill -TERM $pid; wait $pid; pid=
[ $fail -eq 0 ]
