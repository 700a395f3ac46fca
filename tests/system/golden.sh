#!/bin/sh
# Run dns-gazer on every case of golden.list and compare with tests/expected.
# GOLDEN_UPDATE=1 rewrites the expected files instead (review the diff!).
# DNS_GAZER_WRAPPER runs each dns-gazer under a tool, e.g.
#   make check TESTS=tests/system/golden.sh \
#     DNS_GAZER_WRAPPER="valgrind -q --leak-check=full --error-exitcode=9"
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${DNS_GAZER:=$top_builddir/dns-gazer}"
pcaps=$top_srcdir/tests/pcap
expected=$top_srcdir/tests/expected
tools=$top_builddir/tests/tools
tmp=$(mktemp -d "${TMPDIR:-/tmp}/golden.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
export TZ=UTC LC_ALL=C
wrap=${DNS_GAZER_WRAPPER:-}
fail=0
count=0

# Run one case; its output goes to $tmp/out.
run_case() {
    kind=$1; shift
    case $kind in
    text|msgpack) (cd "$pcaps" && $wrap "$DNS_GAZER" "$@" -q) >"$tmp/raw" 2>"$tmp/err" ;;
    stats) (cd "$pcaps" && $wrap "$DNS_GAZER" "$@") >/dev/null 2>"$tmp/raw" ;;
    stdin)
        file=$2; shift 2
        (cd "$pcaps" && $wrap "$DNS_GAZER" -r - "$@" -q <"$file") >"$tmp/raw" 2>"$tmp/err" ;;
    *) echo "golden.list: unknown kind $kind"; return 2 ;;
    esac
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "exit status $rc"; cat "$tmp/err" 2>/dev/null
        return 1
    fi
    if [ "$kind" = msgpack ]; then
        "$tools/msgpack2text" "$tmp/raw" >"$tmp/out" || return 1
    else
        cp "$tmp/raw" "$tmp/out"
    fi
    if [ "$kind" = text ] || [ "$kind" = stdin ]; then
        "$tools/jsoncheck" valid "$tmp/out" || return 1
    fi
    return 0
}

while read -r kind name args; do
    case $kind in ''|'#'*) continue ;; esac
    count=$((count + 1))
    eval "set -- $args"
    if ! run_case "$kind" "$@" >"$tmp/why" 2>&1; then
        echo "FAIL $name: dns-gazer or a check failed:"; sed 's/^/  /' "$tmp/why"
        fail=$((fail + 1)); continue
    fi
    if [ "${GOLDEN_UPDATE:-0}" = 1 ]; then
        cp "$tmp/out" "$expected/$name.out"; echo "updated $name"; continue
    fi
    if ! diff -u "$expected/$name.out" "$tmp/out" >"$tmp/diff"; then
        echo "FAIL $name: output differs from tests/expected/$name.out"
        head -40 "$tmp/diff" | sed 's/^/  /'
        fail=$((fail + 1)); continue
    fi
    echo "ok   $name"
done <"$top_srcdir/tests/system/golden.list"

# The product contract: the seed example carries every key of the fixture
# with the same value (more keys allowed).
check_contract() {
    contract=$1; shift
    count=$((count + 1))
    (cd "$pcaps" && "$DNS_GAZER" -r seed-example.pcap "$@" -t - -q) >"$tmp/out"
    if "$tools/jsoncheck" subset "$expected/$contract" "$tmp/out" >"$tmp/why" 2>&1; then
        echo "ok   contract $contract"
    else
        echo "FAIL contract $contract:"; sed 's/^/  /' "$tmp/why"; fail=$((fail + 1))
    fi
}
check_contract seed-example.contract.txt
check_contract seed-example.records.contract.txt -R

echo "$count cases, $fail failed"
[ $fail -eq 0 ]
