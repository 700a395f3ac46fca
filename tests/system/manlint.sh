#!/bin/sh
# The man pages are clean under mandoc -T lint (no error, no warning) and
# under groff's warnings as lintian runs it (a bare "Li" in an author's
# name, for one, is an mdoc macro that breaks groff but not mandoc).
# (Style notes about cross-references are left out: mandoc looks them up
# in the installed manuals, where dns-gazer's own pages are not yet.)
set -u
: "${top_srcdir:=.}"
command -v mandoc >/dev/null 2>&1 || { echo "SKIP: mandoc is not installed"; exit 77; }
fail=0
for page in man/dns-gazer.8 man/dns-gazer.conf.5; do
    out=$(mandoc -T lint -W warning "$top_srcdir/$page" 2>&1 | grep -v 'outdated mandoc.db')
    if [ -n "$out" ]; then echo "FAIL: $page:"; echo "$out"; fail=1; fi
    if command -v man >/dev/null 2>&1 && command -v groff >/dev/null 2>&1; then
        out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z \
            "$top_srcdir/$page" 2>&1 >/dev/null)
        if [ -n "$out" ]; then echo "FAIL: $page, groff:"; echo "$out"; fail=1; fi
    fi
    # Every page names its neighbours.
    grep -q '^\.Xr dns-gazer' "$top_srcdir/$page" || { echo "FAIL: $page names no other dns-gazer page"; fail=1; }
done
# Every long option of options.c is documented in dns-gazer(8), and is a
# key of dns-gazer.conf(5) (help and version excepted: not in a file).
opts=$(sed -n 's/^[[:space:]]*{"\([a-z-]*\)", [a-z_]*_argument.*/\1/p' "$top_srcdir/src/options.c")
[ -n "$opts" ] || { echo "FAIL: no long options found in src/options.c"; fail=1; }
for o in $opts; do
    grep -q "Fl -$o\b" "$top_srcdir/man/dns-gazer.8" ||
        { echo "FAIL: --$o is not in dns-gazer(8)"; fail=1; }
    case $o in help|version|config) continue ;; esac
    grep -q "^\.It Ic $o\b" "$top_srcdir/man/dns-gazer.conf.5" ||
        { echo "FAIL: $o is not a key in dns-gazer.conf(5)"; fail=1; }
done
[ $fail -eq 0 ] && echo "ok   $(echo "$opts" | wc -w) long options, each in both pages"
exit $fail
