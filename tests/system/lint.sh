#!/bin/sh
# Static analysis: cppcheck and clang-tidy over src/, tests/fuzz/ and
# tests/tools/ with the committed configuration (.cppcheck-suppressions,
# .clang-tidy).  Any finding fails.  Skips (77) when either tool is missing,
# and in a release tarball, where a newer tool may know new checks (as
# -Werror is only on in a git checkout); LINT=yes forces a run, LINT=no
# skips.  Needs a configured build tree (its config.h and Makefile flags).
#   make check TESTS=tests/system/lint.sh      (LINT_JOBS=N: clang-tidy jobs)
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
CPPCHECK=${CPPCHECK:-cppcheck}
CLANG_TIDY=${CLANG_TIDY:-clang-tidy}

case ${LINT:-auto} in
no) echo "SKIP: LINT=no"; exit 77 ;;
yes) ;;
*)
    if [ ! -e "$top_srcdir/.git" ]; then
        echo "SKIP: not a git checkout (LINT=yes runs it anyway)"
        exit 77
    fi ;;
esac
for tool in "$CPPCHECK" "$CLANG_TIDY"; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "SKIP: $tool not installed (apt-get install cppcheck clang-tidy)"
        exit 77
    fi
done
if [ ! -f "$top_builddir/config.h" ] || [ ! -f "$top_builddir/Makefile" ]; then
    echo "ERROR: no config.h in $top_builddir: run ./configure first"
    exit 99
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lint.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
start=$(date +%s)
fail=0

# The sources, biggest first so the slowest clang-tidy job starts early.
files=$(cd "$top_srcdir" && ls -S src/*.c tests/fuzz/*.c tests/tools/*.c) || exit 99

# The compiler flags of the build: what configure found for the libraries.
mkvar() { sed -n "s/^$1 = //p" "$top_builddir/Makefile"; }
cflags="-std=gnu11 -DHAVE_CONFIG_H -I$top_builddir -I$top_srcdir/src"
cflags="$cflags $(mkvar PCAP_CFLAGS) $(mkvar MSGPACK_CFLAGS) $(mkvar CJSON_CFLAGS)"

# ------------------------------------------------------------- cppcheck
# Not --enable=unusedFunction: the modules' API (log_warn, *_str helpers)
# is kept whole, and their users in tests/unit are not analysed.  One job:
# cross-file (CTU) checks only run without -j.
set --
for f in $files; do set -- "$@" "$top_srcdir/$f"; done
"$CPPCHECK" --quiet --std=c11 --library=posix \
    --enable=warning,style,performance,portability,information --inconclusive \
    --inline-suppr --suppressions-list="$top_srcdir/.cppcheck-suppressions" \
    -I"$top_builddir" -I"$top_srcdir/src" \
    --template='{file}:{line}: {severity}: {message} [{id}]' \
    --error-exitcode=1 "$@" >"$tmp/cppcheck.out" 2>&1
rc=$?
if [ $rc -ne 0 ] || [ -s "$tmp/cppcheck.out" ]; then
    echo "FAIL cppcheck (exit $rc):"
    sed 's/^/  /' "$tmp/cppcheck.out"
    fail=1
else
    echo "ok   cppcheck: $# files, no findings"
fi

# ----------------------------------------------------------- clang-tidy
# max-nodes: the analyzer's per-function budget, 100000 (default 225000)
# finds the same here at a third of the time.
jobs=${LINT_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
export CLANG_TIDY top_srcdir tmp cflags
printf '%s\n' $files | xargs -P "$jobs" -n 1 sh -c '
    out=$tmp/tidy.$(echo "$1" | tr / _)
    "$CLANG_TIDY" --quiet --config-file="$top_srcdir/.clang-tidy" "$top_srcdir/$1" -- \
        $cflags -Xclang -analyzer-config -Xclang max-nodes=100000 >"$out" 2>&1
    echo $? >"$out.rc"' sh
ntidy=0 tidy_fail=0
for f in $files; do
    out=$tmp/tidy.$(echo "$f" | tr / _)
    ntidy=$((ntidy + 1))
    rc=$(cat "$out.rc" 2>/dev/null || echo missing)
    if [ "$rc" != 0 ] || grep -q -e 'warning:' -e 'error:' "$out"; then
        echo "FAIL clang-tidy $f (exit $rc):"
        sed 's/^/  /' "$out"
        tidy_fail=1 fail=1
    fi
done
[ $tidy_fail -eq 0 ] && echo "ok   clang-tidy: $ntidy files, no findings"
echo "lint: $(($(date +%s) - start)) s"
exit $fail
