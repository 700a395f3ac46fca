#!/bin/sh
# Bad input from users: one clear line on stderr and the documented exit
# status (2 bad usage, 1 runtime failure), never a crash.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${DNS_GAZER:=$top_builddir/dns-gazer}"
pcap=$top_srcdir/tests/pcap/seed-example.pcap
tmp=$(mktemp -d "${TMPDIR:-/tmp}/errors.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
run_as=

# expect STATUS PATTERN ARGS...: exit status, and one stderr line matching PATTERN
expect() {
    want=$1 pattern=$2; shift 2
    $run_as "$DNS_GAZER" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    got=$?
    lines=$(wc -l <"$tmp/err")
    if [ "$got" -ne "$want" ] || [ "$lines" -ne 1 ] || ! grep -q -- "$pattern" "$tmp/err"; then
        echo "FAIL dns-gazer $*: exit $got (want $want), stderr:"; sed 's/^/  /' "$tmp/err"
        fail=$((fail + 1))
    else
        echo "ok   dns-gazer $*: $(cat "$tmp/err")"
    fi
}

expect 2 "unknown option --no-such-option" --no-such-option
expect 2 "unknown option -Z" -Z
expect 2 "option -r needs a value" -r
expect 2 "option --timeout needs a value" -r "$pcap" --timeout
expect 2 "no input" -t -
expect 2 "cannot be used together" -r "$pcap" -i lo
expect 2 "invalid value \"0\" for --timeout" -r "$pcap" --timeout 0
expect 2 "invalid value \"abc\" for --max-pending" -r "$pcap" --max-pending abc
expect 2 "invalid value \"53,70000\" for --ports" -r "$pcap" --ports 53,70000
expect 2 "invalid value \"53,,\" for --ports" -r "$pcap" --ports 53,,
expect 2 "unexpected argument" -r "$pcap" stray
expect 2 "both write to stdout" -r "$pcap" -t - -o -
expect 2 "bad filter" -r "$pcap" -F "port nonsense"
expect 2 "daemon cannot write to stdout" -r "$pcap" -d
expect 2 "daemon cannot write to stdout" -r "$pcap" -d -o "$tmp/o" -t -
expect 2 "daemon cannot read stdin" -r - -d -t "$tmp/o"
expect 2 "invalid value \"a:b:c\" for -u" -r "$pcap" -u a:b:c
expect 1 "cannot open pid file /nonexistent/dir/x.pid" -r "$pcap" -p /nonexistent/dir/x.pid
expect 1 "unknown user \"no-such-user-dg\"" -r "$pcap" -t "$tmp/o" -u no-such-user-dg
expect 2 "cannot read config /nonexistent/dg.conf" -r "$pcap" -c /nonexistent/dg.conf
printf 'records\n# comment\ntimeout 0\n' >"$tmp/bad.conf"
expect 2 "$tmp/bad.conf:3: invalid value \"0\" for --timeout" -r "$pcap" -c "$tmp/bad.conf"
printf 'records\nno-such-key 1\n' >"$tmp/bad.conf"
expect 2 "$tmp/bad.conf:2: unknown option \"no-such-key\"" -c "$tmp/bad.conf"
expect 1 "cannot read /nonexistent/x.pcap" -r /nonexistent/x.pcap
expect 1 "cannot read" -r "$top_srcdir/tests/system/errors.sh"
expect 1 "cannot read stdin" -r -
expect 1 "cannot open /nonexistent/dir/out" -r "$pcap" -t /nonexistent/dir/out
expect 1 "no such interface" -i no-such-if0
# no permission to capture: as an unprivileged user, when we can become one
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
    run_as="setpriv --reuid=65534 --regid=65534 --clear-groups"
    expect 1 "cannot capture on lo: permission denied" -i lo -t /dev/null
    run_as=
fi
# fluentd output: bad servers are usage errors, files that cannot be used
# fail at start (before any connection is tried)
expect 2 "an IPv6 address needs brackets" -r "$pcap" -f ::1
expect 2 "needs --fluentd-tls" -r "$pcap" -f 127.0.0.1:9 --fluentd-ca /x
expect 1 "cannot read /nonexistent/key" -r "$pcap" -f 127.0.0.1:9 --fluentd-shared-key-file /nonexistent/key
: >"$tmp/emptykey"
expect 1 "want a shared key" -r "$pcap" -f 127.0.0.1:9 --fluentd-shared-key-file "$tmp/emptykey"
expect 1 "cannot create buffer directory /nonexistent/buf" -r "$pcap" -f 127.0.0.1:9 --fluentd-buffer-dir /nonexistent/buf
expect 1 "cannot load CA certificates from /nonexistent/ca" -r "$pcap" -f 127.0.0.1:9 --fluentd-tls --fluentd-ca /nonexistent/ca
expect 1 "link type 147 is not supported" -r "$top_srcdir/tests/pcap/core/link-user0.pcap"
expect 1 "writing to /dev/full failed: No space left on device" -r "$pcap" -t /dev/full

# -q: nothing at all on stderr for a good run
"$DNS_GAZER" -r "$pcap" -q -t "$tmp/x" 2>"$tmp/err"
if [ $? -ne 0 ] || [ -s "$tmp/err" ]; then
    echo "FAIL -q printed on stderr:"; cat "$tmp/err"; fail=$((fail + 1))
else
    echo "ok   -q keeps stderr empty"
fi
# A signal while reading a pipe: SIGUSR1 prints the statistics and the
# read goes on (the handlers restart interrupted reads).
if command -v mkfifo >/dev/null 2>&1 && mkfifo "$tmp/fifo"; then
    "$DNS_GAZER" -r "$tmp/fifo" -t "$tmp/fifo.out" -q 2>"$tmp/fifo.err" &
    pid=$!
    exec 3>"$tmp/fifo"
    head -c 24 "$pcap" >&3
    sleep 0.3
    kill -USR1 $pid
    sleep 0.3
    tail -c +25 "$pcap" >&3
    exec 3>&-
    wait $pid; rc=$?
    if [ $rc -eq 0 ] && grep -q '"status": "success"' "$tmp/fifo.out" &&
       grep -q "^dns-gazer: statistics" "$tmp/fifo.err"; then
        echo "ok   SIGUSR1 while reading a pipe"
    else
        echo "FAIL SIGUSR1 while reading a pipe: exit $rc"; cat "$tmp/fifo.err"; fail=$((fail + 1))
    fi
fi

# -v and -h exit 0 and print on stdout
for o in -v --version -h --help; do
    if "$DNS_GAZER" $o >"$tmp/out" 2>&1 && [ -s "$tmp/out" ]; then
        echo "ok   $o"
    else
        echo "FAIL $o"; fail=$((fail + 1))
    fi
done
grep -q "^dns-gazer [0-9]" "$tmp/out" 2>/dev/null || "$DNS_GAZER" -v | grep -q "^dns-gazer [0-9]" ||
    { echo "FAIL -v format"; fail=$((fail + 1)); }

[ $fail -eq 0 ]
