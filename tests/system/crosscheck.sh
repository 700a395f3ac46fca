#!/bin/sh
# Cross-check dns-gazer's decoding of every record of DNS over UDP and TCP
# (mDNS and LLMNR included) in the shared capture corpus against tshark's
# decode of it (crosscheck.py says how, and lists every accepted
# difference with its reason).  Skipped without the corpus or python3.
exec sh "$(dirname "$0")/corpus-run.sh" crosscheck.py "$@"
