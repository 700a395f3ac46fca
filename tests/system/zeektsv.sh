#!/bin/sh
# dns-gazer's Zeek-format tx.log (-w) against Zeek's own dns.log for every
# Zeek capture of the shared corpus with a dns.log baseline: the log is
# read back by its #fields header (zeeklog.py), each line checked against
# the tx event of the same run, and its cells compared with the baseline
# (zeekcheck.py --tsv lists every accepted difference with its reason).
# Skipped without the corpus or python3.
exec sh "$(dirname "$0")/corpus-run.sh" zeekcheck.py --tsv "$@"
