#!/bin/sh
# Fuzz smoke run: build the harnesses as libFuzzer targets (clang) from the
# unpacked tarball in $1 and run each for $2 seconds (default 10) from its
# seeds.  Skipped (exit 0 with a note) when clang cannot link libFuzzer.
set -u
src=$1
seconds=${2:-10}
cc=${FUZZ_CC:-clang}
probe=$(mktemp "${TMPDIR:-/tmp}/fuzzprobe.XXXXXX") || exit 1
trap 'rm -f "$probe" "$probe.c"' EXIT
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return d && n ? 0 : 0; }' >"$probe.c"
if ! "$cc" -fsanitize=fuzzer -o "$probe" "$probe.c" >/dev/null 2>&1; then
    echo "fuzz smoke run skipped: $cc cannot link libFuzzer harnesses"
    exit 0
fi
build=$(mktemp -d "${TMPDIR:-/tmp}/fuzzsmoke.XXXXXX") || exit 1
trap 'rm -f "$probe" "$probe.c"; rm -rf "$build"' EXIT
cd "$build" || exit 1
"$src/configure" -q --enable-fuzzing --disable-werror CC="$cc" >/dev/null || exit 1
make -j2 tests/fuzz/fuzz_dns_msg tests/fuzz/fuzz_frame tests/fuzz/fuzz_fwd_reply tests/fuzz/fuzz_ioc_list \
    tests/fuzz/fuzz_ip_defrag tests/fuzz/fuzz_tcp_reasm >build.log 2>&1 || { tail -30 build.log; exit 1; }
for h in fuzz_dns_msg fuzz_frame fuzz_fwd_reply fuzz_ioc_list fuzz_ip_defrag fuzz_tcp_reasm; do
    mkdir -p "corpus/$h"
    if ! ./tests/fuzz/$h -max_total_time="$seconds" -print_final_stats=1 \
            "corpus/$h" "$src/tests/fuzz/seeds/$h" >"$h.log" 2>&1; then
        echo "FAIL fuzz smoke $h:"; grep -A30 -E "ERROR|SUMMARY" "$h.log" | head -60
        exit 1
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$h.log")
    echo "ok   fuzz smoke $h: $runs runs in $seconds s"
done
