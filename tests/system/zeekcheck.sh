#!/bin/sh
# Compare dns-gazer's transactions with Zeek's own dns.log for every Zeek
# capture of the shared corpus that has a dns.log baseline (zeekcheck.py
# says how, and lists every accepted difference with its reason).
# Skipped without the corpus or python3.
exec sh "$(dirname "$0")/corpus-run.sh" zeekcheck.py "$@"
