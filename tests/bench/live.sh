#!/bin/sh
# make bench-live: does live capture keep up?  Replays the bench capture
# with tcpreplay at fixed rates onto one end of a veth pair and runs
# dns-gazer -i on the other, then reports what pcap received and dropped
# (dns-gazer's statistics at exit) and the highest rate with no drop.
#
#   live.sh [-g DNS_GAZER] [-c CAPTURE] [-r RATES] [-s SECONDS] [-o OUTPUT]
#
#   -g  dns-gazer binary (default ./dns-gazer)
#   -c  capture to replay (default tests/bench/cache/bench-1000000-20240610.pcap,
#       made by make bench); looped when a run needs more packets
#   -r  packets per second, comma separated (default
#       50000,100000,200000,400000,max); max is tcpreplay --topspeed, as fast
#       as it can send (MAXCOUNT packets, default 1000000)
#   -s  seconds per rate (default 5): a run sends RATE * SECONDS packets
#   -o  dns-gazer's output: -t FILE (default /dev/null: the capture is
#       measured, not the disk)
#
# The veth pair lives in a network namespace of its own (unshare --net),
# which has no other interface than its loopback: the replayed packets,
# with their addresses from the capture, cannot leave it.  Needs root
# (namespaces, raw sockets), tcpreplay and ip (iproute2); exits 77 with a
# message when one is missing.  Not part of make check: the figures depend
# on the machine and on what else runs on it.
set -u
gazer=./dns-gazer
cap=tests/bench/cache/bench-1000000-20240610.pcap
rates=50000,100000,200000,400000,max
maxcount=${MAXCOUNT:-1000000}
seconds=5
out=/dev/null
while getopts g:c:r:s:o:h opt; do
    case $opt in
    g) gazer=$OPTARG ;;
    c) cap=$OPTARG ;;
    r) rates=$OPTARG ;;
    s) seconds=$OPTARG ;;
    o) out=$OPTARG ;;
    *) sed -n '2,16p' "$0"; exit 2 ;;
    esac
done

skip() { echo "bench-live skipped: $*"; exit 77; }
[ -x "$gazer" ] || { echo "bench-live: $gazer is not an executable (build it first)"; exit 2; }
[ -r "$cap" ] || { echo "bench-live: no capture $cap (make bench makes it)"; exit 2; }
for tool in tcpreplay ip unshare; do
    command -v $tool >/dev/null 2>&1 || skip "$tool is not installed"
done
[ "$(id -u)" -eq 0 ] || skip "needs root (network namespace, raw sockets)"

# Start again inside a new network namespace.
if [ "${DNS_GAZER_BENCH_NETNS:-}" != 1 ]; then
    case $gazer in /*) ;; *) gazer=$(pwd)/$gazer ;; esac
    case $cap in /*) ;; *) cap=$(pwd)/$cap ;; esac
    DNS_GAZER_BENCH_NETNS=1 exec unshare --net -- "$0" -g "$gazer" -c "$cap" -r "$rates" \
        -s "$seconds" -o "$out" || skip "cannot make a network namespace"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-live.XXXXXX") || exit 1
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

ip link set lo up
ip link add gz-send type veth peer name gz-cap || skip "cannot make a veth pair"
ip link set gz-send up
ip link set gz-cap up
# no IPv6 of the namespace's own (router solicitations...) on the pair
sysctl -qw net.ipv6.conf.gz-send.disable_ipv6=1 net.ipv6.conf.gz-cap.disable_ipv6=1 2>/dev/null

echo "live capture: $(basename "$cap") replayed by tcpreplay onto a veth pair in a private"
echo "network namespace; dns-gazer -i on the other end, output to $out; $seconds s per rate"
echo "machine: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %-12s %-12s %-12s %-10s %-9s %s\n' "rate pps" "sent" "sent pps" "received" \
    "dropped" "drop %" "dns-gazer CPU s"
best=0
short=0
for rate in $(echo "$rates" | tr ',' ' '); do
    if [ "$rate" = max ]; then
        count=$maxcount
        speed=--topspeed
    else
        count=$((rate * seconds))
        speed=--pps=$rate
    fi
    "$gazer" -i gz-cap -t "$out" 2>"$tmp/err" &
    pid=$!
    # the capture is open once the process is past its start-up
    sleep 1
    if ! kill -0 $pid 2>/dev/null; then
        echo "bench-live: dns-gazer did not start: $(cat "$tmp/err")"; exit 1
    fi
    # the capture is read into memory first, so the disk does not slow the sender
    timeout $((seconds * 4 + 60)) tcpreplay -q --preload-pcap -i gz-send "$speed" \
        --limit="$count" --loop=0 "$cap" >"$tmp/replay" 2>&1
    sleep 1 # let the capture read what is still in the ring
    cat "/proc/$pid/stat" >"$tmp/stat" 2>/dev/null
    kill -TERM $pid
    wait $pid
    pid=
    cpu=$(awk '{ printf "%.2f", ($14 + $15) / '"$(getconf CLK_TCK)"' }' "$tmp/stat" 2>/dev/null)
    recv=$(awk '$1 == "pcap.received" { print $2 }' "$tmp/err")
    drop=$(awk '$1 == "pcap.dropped" { print $2 }' "$tmp/err")
    sent=$(sed -n 's/.*Actual: \([0-9]*\) packets.*/\1/p' "$tmp/replay" | head -1)
    spps=$(sed -n 's/.*Rated: .* \([0-9.]*\) pps.*/\1/p' "$tmp/replay" | head -1)
    : "${recv:=0}" "${drop:=0}" "${sent:=?}" "${spps:=?}"
    pct=$(awk -v r="$recv" -v d="$drop" 'BEGIN { printf "%.3f", (r + d) ? 100 * d / (r + d) : 0 }')
    printf '%-10s %-12s %-12s %-12s %-10s %-9s %s\n' "$rate" "$sent" "${spps%.*}" "$recv" \
        "$drop" "$pct" "${cpu:--}"
    # what counts is the rate tcpreplay reached, which may be below the one asked
    got=${spps%.*}
    case $got in ''|*[!0-9]*) got=0 ;; esac
    if [ "$recv" -gt 0 ] && [ "$drop" -eq 0 ] && [ "$got" -gt $best ]; then best=$got; fi
    if [ "$rate" != max ] && [ "$got" -lt $((rate * 95 / 100)) ]; then short=1; fi
done
if [ $best -gt 0 ]; then
    echo "highest rate sent with no drop: $best packets/s"
else
    echo "highest rate sent with no drop: none of these"
fi
if [ $short -eq 1 ]; then
    echo "(sent pps below the rate asked: tcpreplay could not send faster on this machine)"
fi
