#!/bin/sh
# Replay every fuzz harness's seed corpus (tests/fuzz/seeds/NAME/): inputs
# that once crashed, and inputs that cover the decoders, must run clean.
# Under --enable-fuzzing the harnesses are libFuzzer binaries, which take
# the same arguments with -runs=0.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
fail=0
for name in fuzz_dns_msg fuzz_frame fuzz_fwd_reply fuzz_ioc_list fuzz_ip_defrag fuzz_tcp_reasm; do
    bin=$top_builddir/tests/fuzz/$name
    seeds=$top_srcdir/tests/fuzz/seeds/$name
    if [ ! -d "$seeds" ]; then echo "FAIL $name: no seeds in $seeds"; fail=1; continue; fi
    if "$bin" -help=1 >/dev/null 2>&1; then
        "$bin" -runs=0 "$seeds" >"$name.replay.log" 2>&1
    else
        "$bin" "$seeds" >"$name.replay.log" 2>&1
    fi
    rc=$?
    if [ $rc -ne 0 ]; then echo "FAIL $name (exit $rc)"; tail -20 "$name.replay.log"; fail=1
    else echo "ok   $name: $(tail -1 "$name.replay.log")"; fi
    rm -f "$name.replay.log"
done
exit $fail
