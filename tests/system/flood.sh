#!/bin/sh
# Flood the transaction, TCP and fragment tables; memory stays bounded and
# evictions are counted (flood.py).  Needs python3; skipped without it.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${DNS_GAZER:=$top_builddir/dns-gazer}"
: "${PYTHON3:=python3}"
command -v "$PYTHON3" >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/flood.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
"$PYTHON3" "$top_srcdir/tests/system/flood.py" "$DNS_GAZER" "$top_srcdir/tests/pcap/gen" "$tmp"
