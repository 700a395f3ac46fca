#!/bin/sh
# The man pages are clean under mandoc -T lint: no error, no warning.
# (Style notes about cross-references are left out: mandoc looks them up
# in the installed manuals, where dns-gazer's own pages are not yet.)
set -u
: "${top_srcdir:=.}"
command -v mandoc >/dev/null 2>&1 || { echo "SKIP: mandoc is not installed"; exit 77; }
fail=0
for page in man/dns-gazer.8 man/dns-gazer.conf.5; do
    out=$(mandoc -T lint -W warning "$top_srcdir/$page" 2>&1 | grep -v 'outdated mandoc.db')
    if [ -n "$out" ]; then echo "FAIL: $page:"; echo "$out"; fail=1; fi
    # Every page names its neighbours.
    grep -q '^\.Xr dns-gazer' "$top_srcdir/$page" || { echo "FAIL: $page names no other dns-gazer page"; fail=1; }
done
exit $fail
