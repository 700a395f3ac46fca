#!/bin/sh
# corpus-run.sh SCRIPT [ARGS]: run tests/system/SCRIPT (a Python checker
# of dns-gazer against the shared capture corpus) with --corpus and
# --gazer.  The corpus lives outside the project: $DNS_GAZER_CORPUS, else
# the "shared/corpus" directory next to the source tree (or next to the
# git checkout holding it, which also covers make distcheck's nested
# tree).  Exits 77 (skip) when there is no corpus or no python3.
set -u
script=$1
shift
: "${top_srcdir:=.}" "${top_builddir:=.}" "${DNS_GAZER:=$top_builddir/dns-gazer}"
PYTHON3=${PYTHON3:-python3}
command -v "$PYTHON3" >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }

# A corpus has its index, the tshark references and the Zeek baselines.
is_corpus() { [ -f "$1/INDEX.tsv" ] && [ -d "$1/reference" ] && [ -d "$1/pcaps/zeek/expected" ]; }
corpus=
try() { [ -z "$corpus" ] && is_corpus "$1" && corpus=$1; }

if [ -n "${DNS_GAZER_CORPUS:-}" ]; then
    # Asked for explicitly: a wrong path is an error, not a skip.
    is_corpus "$DNS_GAZER_CORPUS" || { echo "ERROR: DNS_GAZER_CORPUS=$DNS_GAZER_CORPUS is not a corpus"; exit 99; }
    corpus=$DNS_GAZER_CORPUS
else
    try "$top_srcdir/../shared/corpus"
    try "$top_srcdir/../../shared/corpus"      # make distcheck: srcdir is one level deeper
    if [ -z "$corpus" ] && command -v git >/dev/null 2>&1; then
        # The git work tree holding the sources, and the main checkout when
        # that is a linked worktree.
        top=$(cd "$top_srcdir" 2>/dev/null && git rev-parse --show-toplevel 2>/dev/null) && try "$top/../shared/corpus"
        main=$(cd "$top_srcdir" 2>/dev/null && gd=$(git rev-parse --git-common-dir 2>/dev/null) &&
            cd "$gd/.." && pwd) &&
            try "$main/../shared/corpus"
    fi
fi
[ -n "$corpus" ] || { echo "SKIP: no shared corpus (set DNS_GAZER_CORPUS)"; exit 77; }
corpus=$(cd "$corpus" && pwd -P) || exit 99

[ -x "$DNS_GAZER" ] || { echo "ERROR: no dns-gazer binary at $DNS_GAZER"; exit 99; }
here=$(dirname "$0")
exec "$PYTHON3" "$here/$script" --corpus "$corpus" --gazer "$DNS_GAZER" "$@"
