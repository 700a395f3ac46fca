#!/bin/sh
# Log directory (-w): Zeek and JSON formats, rotation by interval and by
# size (with a rotation command), SIGHUP reopen and a full disk, each
# checked against the -t events of the same run (logdir.py).
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${DNS_GAZER:=$top_builddir/dns-gazer}"
PYTHON3=${PYTHON3:-python3}
command -v "$PYTHON3" >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/logdir.XXXXXX") || exit 99
trap 'umount "$work/full" 2>/dev/null; rm -rf "$work"' EXIT
"$PYTHON3" "$top_srcdir/tests/system/logdir.py" --gazer "$DNS_GAZER" \
    --gencapture "$top_srcdir/tests/bench/gencapture.py" --work "$work"
