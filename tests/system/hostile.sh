#!/bin/sh
# Replay every hostile capture of tests/pcap/hostile/ (one broken thing
# each, made by tests/pcap/gen/make_hostile.py; the README there lists
# them) and check that dns-gazer
#   - exits 0 (no crash),
#   - writes the expected text (-t) and msgpack (-o, decoded by
#     tests/tools/msgpack2text) output and statistics summary (stderr):
#     tests/expected/hostile/CASE.out, CASE.msgpack and CASE.stats,
#   - writes only valid lines (tests/tools/jsoncheck valid) made of
#     printable ASCII: no raw NUL, tab, newline, DEL or byte >= 0x80 from
#     a name or TXT string gets into any output; they come out as \DDD.
# The BPF filter is off (-F ''): the default filter would keep some of the
# broken frames (VLAN stacks, IPv6 extension headers, IHL < 5) from ever
# reaching the decoder under test.
#
# HOSTILE_UPDATE=1 rewrites the expected files instead: review every
# change by hand, the counters must be the ones each case is made to
# trigger.  DNS_GAZER_WRAPPER runs each dns-gazer under a tool, e.g.
#   make check TESTS=tests/system/hostile.sh \
#     DNS_GAZER_WRAPPER="valgrind -q --leak-check=full --error-exitcode=9"
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${DNS_GAZER:=$top_builddir/dns-gazer}"
pcaps=$top_srcdir/tests/pcap/hostile
expected=$top_srcdir/tests/expected/hostile
tools=$top_builddir/tests/tools
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hostile.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
export TZ=UTC LC_ALL=C
wrap=${DNS_GAZER_WRAPPER:-}
update=${HOSTILE_UPDATE:-0}
fail=0
count=0

# Expected files that record what dns-gazer should do but does not yet
# (a mismatch is reported as xfail; a match as XPASS, which fails so the
# entry gets removed).  HOSTILE_UPDATE leaves them alone.
# (none at present)
known_wrong=''

known_wrong=" $(echo $known_wrong) "
is_known_wrong() {
    case $known_wrong in *" $1 "*) return 0 ;; esac
    return 1
}

# Check the outputs: printable ASCII only (tab and newline aside), and
# three tab-separated fields a line (TIME TAG JSON, TAG TIME RECORD).
check_printable() {
    n=$(cat "$@" | tr -d '\040-\176\t\n' | wc -c)
    if [ $((n)) -ne 0 ]; then
        echo "$((n)) raw control or non-ASCII bytes in the output"; return 1
    fi
    awk -F '\t' 'NF != 3 && FILENAME !~ /stats$/ {
                      print FILENAME ":" FNR ": " NF " tab-separated fields"; bad = 1 }
                  END { exit bad }' "$@"
}

# Run one case: its outputs go to $tmp/CASE.{out,msgpack,stats}.
run_case() {
    c=$1
    $wrap "$DNS_GAZER" -r "$pcaps/$c.pcap" -R -t - --ports 53 -F '' \
        >"$tmp/$c.out" 2>"$tmp/$c.stats"
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "-t run: exit status $rc"; cat "$tmp/$c.stats"; return 1
    fi
    $wrap "$DNS_GAZER" -r "$pcaps/$c.pcap" -R -o - --ports 53 -F '' -q \
        >"$tmp/$c.raw" 2>"$tmp/err"
    rc=$?
    if [ $rc -ne 0 ] || [ -s "$tmp/err" ]; then
        echo "-o run: exit status $rc"; cat "$tmp/err"; return 1
    fi
    "$tools/msgpack2text" "$tmp/$c.raw" >"$tmp/$c.msgpack" || return 1
    "$tools/jsoncheck" valid "$tmp/$c.out" || return 1
    check_printable "$tmp/$c.out" "$tmp/$c.msgpack" "$tmp/$c.stats"
}

# The names and strings with hostile bytes must come out escaped: each
# escape below must be in the text output (JSON doubles the backslash).
check_escapes() {
    c=$1; shift
    for e in "$@"; do
        if ! grep -qF -e "$e" "$tmp/$c.out"; then
            echo "FAIL $c: escape $e not found in the text output"; return 1
        fi
    done
    return 0
}

# Compare one produced file with its expected file.
compare() {
    f=$1
    if is_known_wrong "$f"; then
        if [ -f "$expected/$f" ] && cmp -s "$expected/$f" "$tmp/$f"; then
            echo "XPASS $f: now right, remove it from known_wrong in $0"; return 1
        fi
        echo "xfail $f: known wrong (see known_wrong in $0)"; return 0
    fi
    if [ "$update" = 1 ]; then
        cp "$tmp/$f" "$expected/$f"; return 0
    fi
    if ! diff -u "$expected/$f" "$tmp/$f" >"$tmp/diff" 2>&1; then
        echo "FAIL $f differs from tests/expected/hostile/$f"
        head -40 "$tmp/diff" | sed 's/^/  /'
        return 1
    fi
    return 0
}

[ "$update" = 1 ] && mkdir -p "$expected"
for pcap in "$pcaps"/*.pcap; do
    c=$(basename "$pcap" .pcap)
    count=$((count + 1))
    if ! run_case "$c" >"$tmp/why" 2>&1; then
        echo "FAIL $c: dns-gazer or a check failed:"; sed 's/^/  /' "$tmp/why"
        fail=$((fail + 1)); continue
    fi
    ok=1
    for kind in out msgpack stats; do
        compare "$c.$kind" || ok=0
    done
    case $c in
    name-bytes)
        check_escapes "$c" 'nul\\000x' 'tab\\009x' 'nl\\010x' 'cr\\013x' 'quote\\\"x' \
            'bs\\\\x' 'dot\\.x' 'del\\127x' 'cont\\128x' 'fe\\254\\255x' || ok=0 ;;
    txt-bytes)
        check_escapes "$c" 'nul\\000x' 'tab\\009x' 'nl\\010x' 'quote\\\"x' 'bs\\\\x' \
            'del\\127x' 'cont\\128x' 'fe\\254\\255x' || ok=0 ;;
    esac
    if [ $ok = 1 ]; then
        if [ "$update" = 1 ]; then echo "updated $c"; else echo "ok   $c"; fi
    else
        fail=$((fail + 1))
    fi
done

[ $count -gt 0 ] || { echo "no capture in $pcaps"; exit 99; }
echo "$count cases, $fail failed"
[ $fail -eq 0 ]
