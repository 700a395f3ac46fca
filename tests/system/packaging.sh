#!/bin/sh
# The packages build from the release tree and are clean: the make dist
# contents give a .deb (dpkg-buildpackage, tests skipped: make check runs
# them already) that lintian passes with no error or warning, and an .rpm
# (rpmbuild --nodeps, %check skipped); both hold the files of DESIGN.md
# section 7, and the launcher installed in them maps the environment as the
# Docker entrypoint must.  About 2 minutes on 2 cores.
# Skipped without dpkg-buildpackage, debhelper, lintian or rpmbuild, in the
# sanitizer build of make check (the plain run builds the packages), and
# outside a git checkout.  Needs no root (Rules-Requires-Root: no), but
# with DNS_GAZER_TEST_INSTALL=yes and root it also installs and purges the
# deb on this machine.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
if [ "${ENABLE_SANITIZERS:-no}" = yes ]; then
    echo "SKIP: sanitizer build; the packages are built by the plain make check"
    exit 77
fi
# In a release tree this runs inside rpmbuild's or dpkg-buildpackage's own
# make check: building packages there again would only be slow.
if [ ! -e "$top_srcdir/.git" ]; then
    echo "SKIP: not a git checkout (a release tree is already being packaged)"
    exit 77
fi
for tool in make dpkg-buildpackage dh lintian rpmbuild rpm dpkg-deb; do
    command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
done
version=$(sed -n 's/^PACKAGE_VERSION = //p' "$top_builddir/Makefile")
[ -n "$version" ] || { echo "FAIL: no PACKAGE_VERSION in $top_builddir/Makefile"; exit 99; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/packaging.XXXXXX") || exit 99
tmp=$(cd "$tmp" && pwd)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# The release tree, as make dist would pack it, made apart from the
# build tree so that nothing here touches it.
src=$tmp/dns-gazer-$version
if ! make -s -C "$top_builddir" distdir distdir="$src" top_distdir="$src" >"$tmp/distdir.log" 2>&1; then
    echo "FAIL: make distdir"; cat "$tmp/distdir.log"; exit 1
fi
tar -C "$tmp" -czf "$tmp/dns-gazer-$version.tar.gz" "dns-gazer-$version"

# ---- deb
echo "building the deb"
(cd "$src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b) >"$tmp/deb.log" 2>&1 || {
    echo "FAIL: dpkg-buildpackage"; tail -40 "$tmp/deb.log"; exit 1; }
arch=$(dpkg --print-architecture)
rev=$(sed -n '1s/.*(\(.*\)).*/\1/p' "$src/debian/changelog")
deb=$tmp/dns-gazer_${rev}_$arch.deb
[ -f "$deb" ] || { echo "FAIL: no $deb"; ls "$tmp"; exit 1; }
lintian --fail-on error,warning "$tmp/dns-gazer_${rev}_$arch.changes" >"$tmp/lintian.log" 2>&1
rc=$?
grep -E '^[EW]: ' "$tmp/lintian.log" && bad "lintian errors or warnings"
[ $rc -eq 0 ] || bad "lintian exit status $rc: $(cat "$tmp/lintian.log")"

dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$tmp/deb.files"
for f in /usr/sbin/dns-gazer /usr/libexec/dns-gazer/dns-gazer-env \
         /etc/dns-gazer/dns-gazer.conf /etc/default/dns-gazer /etc/init.d/dns-gazer \
         /etc/logrotate.d/dns-gazer /lib/systemd/system/dns-gazer.service \
         /usr/lib/sysusers.d/dns-gazer.conf \
         /usr/share/man/man8/dns-gazer.8.gz /usr/share/man/man5/dns-gazer.conf.5.gz; do
    grep -qx "$f" "$tmp/deb.files" || bad "deb lacks $f"
done
dpkg-deb -e "$deb" "$tmp/control"
for f in /etc/dns-gazer/dns-gazer.conf /etc/default/dns-gazer /etc/logrotate.d/dns-gazer; do
    grep -qx "$f" "$tmp/control/conffiles" || bad "deb: $f is not a conffile"
done
grep -q 'adduser --system' "$tmp/control/postinst" || bad "deb postinst creates no user"
grep -q 'update-rc.d dns-gazer' "$tmp/control/postinst" || bad "deb postinst does not register the init script"
grep -q "deb-systemd-helper.*dns-gazer.service" "$tmp/control/postinst" || bad "deb postinst ignores the unit"

# The programs as installed: the version, and the entrypoint's mapping.
dpkg-deb -x "$deb" "$tmp/root"
got=$("$tmp/root/usr/sbin/dns-gazer" -v) || bad "installed dns-gazer -v failed"
case $got in *"$version"*) ;; *) bad "dns-gazer -v says '$got', not $version" ;; esac
printf '#!/bin/sh\nprintf "[%%s]" "$@"\n' >"$tmp/fake"
chmod +x "$tmp/fake"
got=$(env -i PATH="$PATH" DNS_GAZER_BIN="$tmp/fake" DEVICE=eth0 FLUENTD_ADDRESS=fluentd:24224 \
    "$tmp/root/usr/libexec/dns-gazer/dns-gazer-env" -R)
[ "$got" = "[-i][eth0][-f][fluentd:24224][-R]" ] || bad "installed entrypoint maps to $got"
grep -q "^ExecStart=/usr/libexec/dns-gazer/dns-gazer-env -c /etc/dns-gazer/dns-gazer.conf\$" \
    "$tmp/root/lib/systemd/system/dns-gazer.service" || bad "deb unit runs something else"
grep -q '^/var/log/dns-gazer/\*\.log {' "$tmp/root/etc/logrotate.d/dns-gazer" ||
    bad "deb logrotate file does not name /var/log/dns-gazer/*.log"

# Installing and purging it for real changes the system: only when asked
# (DNS_GAZER_TEST_INSTALL=yes, as CI does), as root, and when no dns-gazer
# package is installed already.
if [ "${DNS_GAZER_TEST_INSTALL:-no}" = yes ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "install check skipped: not root"
    elif dpkg-query -W -f '${Status}' dns-gazer 2>/dev/null | grep -q installed; then
        echo "install check skipped: a dns-gazer package is installed already"
    else
        echo "installing the deb"
        if ! dpkg -i "$deb" >"$tmp/install.log" 2>&1; then
            bad "dpkg -i: $(cat "$tmp/install.log")"
        else
            got=$(/usr/sbin/dns-gazer -v 2>&1)
            case $got in *"$version"*) ;; *) bad "installed dns-gazer -v says '$got'" ;; esac
            if command -v man >/dev/null 2>&1; then
                man -w dns-gazer >/dev/null 2>&1 || bad "man dns-gazer finds no page"
                man -w 5 dns-gazer.conf >/dev/null 2>&1 || bad "man 5 dns-gazer.conf finds no page"
            fi
            getent passwd dns-gazer >/dev/null || bad "install created no dns-gazer user"
            [ "$(stat -c %U /var/log/dns-gazer 2>/dev/null)" = dns-gazer ] ||
                bad "/var/log/dns-gazer is not the service user's"
        fi
        dpkg --purge dns-gazer >"$tmp/purge.log" 2>&1 || bad "dpkg --purge: $(cat "$tmp/purge.log")"
        for f in /usr/sbin/dns-gazer /etc/dns-gazer /etc/default/dns-gazer /etc/init.d/dns-gazer \
                 /etc/logrotate.d/dns-gazer /var/log/dns-gazer /var/lib/dns-gazer; do
            [ -e "$f" ] && bad "purge left $f"
        done
        getent passwd dns-gazer >/dev/null && bad "purge left the dns-gazer user"
    fi
fi

# ---- rpm
echo "building the rpm"
rpmbuild -ta --nodeps --without check --define "_topdir $tmp/rpmbuild" \
    "$tmp/dns-gazer-$version.tar.gz" >"$tmp/rpm.log" 2>&1 || {
    echo "FAIL: rpmbuild"; tail -40 "$tmp/rpm.log"; exit 1; }
rpmfile=$(find "$tmp/rpmbuild/RPMS" -name "dns-gazer-$version-*.rpm" ! -name '*debug*' | head -1)
[ -n "$rpmfile" ] || { echo "FAIL: no rpm built"; exit 1; }
rpm -qlp "$rpmfile" >"$tmp/rpm.files" 2>/dev/null
for f in /usr/sbin/dns-gazer /usr/libexec/dns-gazer/dns-gazer-env \
         /etc/dns-gazer/dns-gazer.conf /etc/sysconfig/dns-gazer /etc/logrotate.d/dns-gazer \
         /usr/lib/systemd/system/dns-gazer.service /var/log/dns-gazer; do
    grep -qx "$f" "$tmp/rpm.files" || bad "rpm lacks $f"
done
grep -q '^/usr/share/man/man5/dns-gazer.conf.5' "$tmp/rpm.files" || bad "rpm lacks dns-gazer.conf(5)"
rpm -qp --configfiles "$rpmfile" 2>/dev/null | grep -qx /etc/dns-gazer/dns-gazer.conf ||
    bad "rpm: the config file is not %config"
rpm -qp --scripts "$rpmfile" >"$tmp/rpm.scripts" 2>/dev/null
grep -q 'useradd -r' "$tmp/rpm.scripts" || bad "rpm creates no user"
grep -q 'preset dns-gazer.service' "$tmp/rpm.scripts" || bad "rpm %post lacks the systemd scriptlet"
grep -q 'try-restart dns-gazer.service' "$tmp/rpm.scripts" || bad "rpm %postun lacks the systemd scriptlet"
exit $fail
