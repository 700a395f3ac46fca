#!/bin/sh
# End to end with real DNS software: NSD serves a zone on 127.0.0.1 inside
# a network namespace of this test's own; dig asks over UDP and TCP and
# dnsperf sends a steady load, while dns-gazer -i lo in the same namespace
# logs.  Every dig query must appear with the right status, rcode and
# rdata (dig's own answer is the reference), every dnsperf query as a
# transaction, and pcap must report no drop.  No packet leaves the
# namespace.  Needs root, ip netns, nsd, dig and dnsperf; skipped otherwise.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${DNS_GAZER:=$top_builddir/dns-gazer}"
: "${PYTHON3:=python3}"
: "${E2E_RATE:=2000}" "${E2E_SECONDS:=3}"
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root for a network namespace"
for t in ip nsd dig dnsperf "$PYTHON3"; do
    command -v "$t" >/dev/null 2>&1 || skip "$t is not installed"
done
ns=dg-e2e-$$
ip netns add "$ns" 2>/dev/null || skip "cannot create a network namespace"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/e2e.XXXXXX") || exit 99
chmod 755 "$tmp"
nsd_pid= gz_pid=
cleanup() {
    [ -n "$gz_pid" ] && kill "$gz_pid" 2>/dev/null
    [ -n "$nsd_pid" ] && kill "$nsd_pid" 2>/dev/null
    sleep 0.2
    ip netns del "$ns" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
in_ns() { ip netns exec "$ns" "$@"; }
in_ns ip link set lo up || skip "cannot bring up lo in the namespace"

cat >"$tmp/example.test.zone" <<'ZONE'
$ORIGIN example.test.
$TTL 300
@       IN SOA ns1 hostmaster 2026112701 3600 600 86400 60
        IN NS  ns1
        IN MX  10 mail
        IN TXT "v=spf1 -all" "second string"
ns1     IN A   192.0.2.53
www     IN A   192.0.2.80
www     IN A   192.0.2.81
www     IN AAAA 2001:db8::80
mail    IN A   192.0.2.25
alias   IN CNAME www
_sip._udp IN SRV 10 60 5060 sip
sip     IN A   192.0.2.60
caa     IN CAA 0 issue "ca.example"
ZONE
cat >"$tmp/nsd.conf" <<CONF
server:
    ip-address: 127.0.0.1
    port: 53
    username: ""
    chroot: ""
    zonesdir: "$tmp"
    pidfile: "$tmp/nsd.pid"
    database: ""
    xfrdfile: "$tmp/xfrd.state"
    zonelistfile: "$tmp/zone.list"
    logfile: "$tmp/nsd.log"
    server-count: 1
remote-control:
    control-enable: no
zone:
    name: example.test
    zonefile: example.test.zone
CONF
ip netns exec "$ns" nsd -d -c "$tmp/nsd.conf" >"$tmp/nsd.out" 2>&1 &
nsd_pid=$!
i=0
until in_ns dig +time=1 +tries=1 @127.0.0.1 -p 53 example.test SOA >/dev/null 2>&1; do
    i=$((i + 1))
    [ $i -gt 50 ] && { cat "$tmp/nsd.log" "$tmp/nsd.out"; skip "nsd did not start"; }
    sleep 0.1
done

# -u: the capture runs after dropping root, as a sensor should.
ip netns exec "$ns" "$DNS_GAZER" -i lo -u nobody --timeout 5 --stats-interval 1 \
    -t "$tmp/out" 2>"$tmp/err" &
gz_pid=$!
sleep 1
kill -0 "$gz_pid" 2>/dev/null || { cat "$tmp/err"; echo "FAIL dns-gazer did not start"; exit 1; }

# The dig queries: name type transport; dig's answer is kept as reference.
cat >"$tmp/digs" <<'Q'
www.example.test A udp
www.example.test AAAA udp
example.test MX udp
example.test TXT tcp
alias.example.test A udp
_sip._udp.example.test SRV tcp
caa.example.test CAA udp
example.test SOA tcp
nosuch.example.test A udp
nosuch.example.test A tcp
other.invalid A udp
Q
: >"$tmp/dig.ref"
while read -r name type proto; do
    t=+notcp; [ "$proto" = tcp ] && t=+tcp
    in_ns dig @127.0.0.1 $t +norecurse +time=2 +tries=1 "$name" "$type" >"$tmp/dig.out" 2>&1
    rcode=$(sed -n 's/.*status: \([A-Z]*\),.*/\1/p' "$tmp/dig.out")
    # the answer section, as name ttl class type data
    awk '/^;; ANSWER SECTION:/{a=1;next} /^$/{a=0} a' "$tmp/dig.out" >"$tmp/ans"
    printf '%s\t%s\t%s\t%s\n' "$name" "$type" "$proto" "$rcode" >>"$tmp/dig.ref"
    sed 's/^/\t/' "$tmp/ans" >>"$tmp/dig.ref"
done <"$tmp/digs"

# dnsperf: a steady load of queries over UDP.
awk '{print $1, $2}' "$tmp/digs" >"$tmp/perf.q"
in_ns dnsperf -s 127.0.0.1 -d "$tmp/perf.q" -l "$E2E_SECONDS" -Q "$E2E_RATE" -t 2 \
    >"$tmp/perf.out" 2>&1 || { cat "$tmp/perf.out"; echo "FAIL dnsperf"; exit 1; }
sleep 0.5
kill -TERM "$gz_pid"
wait "$gz_pid"; rc=$?
gz_pid=
[ $rc -eq 0 ] || { cat "$tmp/err"; echo "FAIL dns-gazer exit $rc"; exit 1; }

"$PYTHON3" - "$tmp/out" "$tmp/dig.ref" "$tmp/perf.out" "$tmp/err" <<'PY'
import json, re, sys
out, ref, perf, err = sys.argv[1:5]
fail = 0
def bad(msg):
    global fail
    fail += 1
    print("FAIL " + msg)

txs, stats = [], []
for line in open(out):
    t, tag, js = line.rstrip("\n").split("\t", 2)
    if tag == "dns-gazer.dns.tx":
        txs.append(json.loads(js))
    elif tag == "dns-gazer.stats":
        stats.append(json.loads(js))

# dig's presentation forms differ from ours only in quoting-free details;
# compare the data fields as dig prints them.
def norm(s):
    return " ".join(s.split()).lower()

cases, cur = [], None
for line in open(ref):
    if line.startswith("\t"):
        f = line.strip().split(None, 4)
        cur["answers"].append((f[0].lower(), f[3], norm(f[4])))
    else:
        name, typ, proto, rcode = line.rstrip("\n").split("\t")
        cur = {"name": name + ".", "type": typ, "proto": proto, "rcode": rcode, "answers": []}
        cases.append(cur)

def find(c):
    for t in txs:
        q = t.get("query") or t.get("reply") or []
        if (t.get("proto") == c["proto"] and q and q[0]["name"].lower() == c["name"].lower()
                and q[0]["type"] == c["type"] and t.get("client_port") not in perf_ports):
            return t
    return None

# dnsperf's sockets: the client ports of its (repeated) queries; each dig
# query comes from a port of its own
counts = {}
for t in txs:
    counts[t["client_port"]] = counts.get(t["client_port"], 0) + 1
perf_ports = {p for p, n in counts.items() if n > 1}

for c in cases:
    t = find(c)
    what = "%s %s over %s" % (c["name"], c["type"], c["proto"])
    if not t:
        bad(what + ": not logged")
        continue
    if t["status"] != "success":
        bad(what + ": status " + t["status"])
        continue
    if t.get("rcode") != c["rcode"]:
        bad("%s: rcode %s, dig says %s" % (what, t.get("rcode"), c["rcode"]))
    got = sorted((r["name"].lower(), r["type"], norm(r["data"]))
                 for r in t["reply"] if r["section"] == "answer")
    want = sorted(c["answers"])
    if got != want:
        bad("%s: answers %s, dig says %s" % (what, got, want))
    else:
        print("ok   %s: %s, %d answers as dig shows them" % (what, c["rcode"], len(got)))

p = open(perf).read()
sent = int(re.search(r"Queries sent:\s+(\d+)", p).group(1))
done = int(re.search(r"Queries completed:\s+(\d+)", p).group(1))
perf_tx = [t for t in txs if t["client_port"] in perf_ports]
ok = sum(1 for t in perf_tx if t["status"] == "success")
noreply = sum(1 for t in perf_tx if t["status"] == "no_reply")
if ok != done or ok + noreply != sent or any(t["status"] == "no_query" for t in perf_tx):
    bad("dnsperf sent %d, completed %d; dns-gazer logged %d success, %d no_reply"
        % (sent, done, ok, noreply))
else:
    print("ok   dnsperf: %d queries sent, %d answered; dns-gazer logged every one" % (sent, done))

# --stats-interval 1: events while the capture runs, the last one final
if len(stats) < 3 or stats[-1].get("pcap_dropped") != 0 or \
        stats[-1].get("tx_success") != sum(1 for t in txs if t["status"] == "success"):
    bad("stats events: %d, last %s" % (len(stats), stats[-1] if stats else None))
else:
    print("ok   %d stats events; the last counts %d packets, %d transactions"
          % (len(stats), stats[-1]["pcap_received"], len(txs)))

e = open(err).read()
m = re.search(r"pcap\.received (\d+)\n\s+pcap\.dropped (\d+)", e)
if not m or int(m.group(2)) != 0:
    bad("pcap drops: %s" % (m.group(0) if m else e))
else:
    print("ok   pcap received %s packets, dropped 0" % m.group(1))
sys.exit(1 if fail else 0)
PY
