#!/bin/sh
# The fluentd Forward output against the suite's own receiver
# (fwd_receiver.py): every mode, acks, failover, dropped connections,
# restarts, outages with and without the disk buffer, SIGTERM, the
# shared_key handshake, TLS, a stalled server (fluent.py says how).
# Needs python3 with msgpack (Debian python3-msgpack); skipped without it.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${DNS_GAZER:=$top_builddir/dns-gazer}"
py=
for cand in "${PYTHON3:-}" python3 /usr/bin/python3; do
    if [ -n "$cand" ] && "$cand" -c 'import msgpack' >/dev/null 2>&1; then
        py=$cand
        break
    fi
done
[ -n "$py" ] || { echo "SKIP: no python3 with msgpack (apt-get install python3-msgpack)"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fluent.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
"$py" "$top_srcdir/tests/system/fluent.py" "$DNS_GAZER" "$top_srcdir" "$tmp" "$@"
