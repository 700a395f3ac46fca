#!/usr/bin/env python3
"""Compare dns-gazer's transactions with Zeek's own dns.log.

For every Zeek capture of the shared corpus whose btest baseline holds a
dns.log (INDEX.tsv, column expected_output_from_source), run

  dns-gazer -r CAPTURE -t - -q --ports 53,5353,5355 --timeout 86400

map each tx event onto the columns of Zeek's dns.log, pair the lines with
the baseline's, and compare every column both have.  ts and uid are masked
in the baselines (XXXX) and not compared; a baseline cut with zeek-cut
(naptr, dnssec) is compared on the columns it kept.

How a tx event becomes a dns.log line (what a faithful Zeek-format writer
would print; Zeek's vocabulary is used where it is only a spelling):

  id.orig_h/p, id.resp_h/p  client_addr/port, server_addr/port
  proto, trans_id           proto, tx_id
  rtt                       rtt with 6 decimals, '-' without a reply
  query                     first question (zone for UPDATE), no trailing dot
  qclass, qclass_name       its class: number, Zeek's name (C_INTERNET ...)
  qtype, qtype_name         its type: number, mnemonic ('*' for ANY,
                            'query-N' for types Zeek has no name for)
  rcode, rcode_name         the reply's rcode (with EDNS extended bits)
  AA, TC, RA                flags of the reply (F when there is none)
  RD, Z                     flags of the query (of the reply without one);
                            Z is the 3-bit field: z=4, ad=2, cd=1
  answers, TTLs             the reply's answer section (prerequisite and
                            update sections for UPDATE) in Zeek's element
                            rendering, see project()
  rejected                  Zeek's definition: a reply with a non-zero rcode
                            and no question, or with a question and no
                            record at all (OPT included)
  opcode, opcode_name       number, Zeek's name (query, notify, ...)
  auth, addl                (policy/protocols/dns/auth-addl) the rendered
                            authority / additional records, compared as sets
  original_query            (log-original-query-case) the question as sent

Zeek logs one line per query/reply pair, and one per query or reply left
unmatched; lines are paired with dns-gazer's transactions on endpoints,
transaction id and the best agreement of the other columns (Zeek's line
order is its write order, not time order).

Every cell must agree or fall in a category of EXCEPTIONS below, each of
which is a Zeek limitation, never a dns-gazer one; anything else is a
disagreement and fails (exit 1).  Python 3 standard library only.

With --tsv, dns-gazer also writes its Zeek-format tx.log (-w DIR) in the
same run; the log is read back by its own #fields/#types header
(zeeklog.py), every cell of every line is checked against the tx event
it stands for (check_tsv_row: the mapping above, plus dns-gazer's own
columns), and the baseline comparison then uses the log's cells.

  zeekcheck.py --corpus DIR [--gazer BIN] [--tsv] [-v|-vv] [CAPTURE...]
"""

import argparse
import difflib
import ipaddress
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from collections import Counter, OrderedDict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zeeklog  # noqa: E402  (the test suite's own Zeek log reader)

GAZER_ARGS = ["-t", "-", "-q", "--ports", "53,5353,5355", "--timeout", "86400"]
TX_TAG = "dns-gazer.dns.tx"

# Zeek's dns.log columns we can fill; ts and uid are masked in baselines.
SHARED = ["id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "trans_id", "rtt",
          "query", "qclass", "qclass_name", "qtype", "qtype_name", "rcode", "rcode_name",
          "AA", "TC", "RD", "RA", "Z", "answers", "TTLs", "rejected", "opcode", "opcode_name",
          "auth", "addl", "original_query"]
MASKED = {"ts", "uid"}
# Columns Zeek fills only from the request message (event dns_request),
# with the value they keep when it saw none.
REQUEST_DEFAULTS = {"query": "-", "qclass": "-", "qclass_name": "-", "qtype": "-",
                    "qtype_name": "-", "RD": "F", "TC": "F", "Z": "0", "original_query": "-"}
# Columns Zeek fills only while logging an answer record (hook DNS::do_reply).
DO_REPLY_DEFAULTS = {"AA": "F", "RA": "F", "rtt": "-"}

# Oddities of the btest scripts that made a baseline, by baseline directory.
BTEST_QUIRKS = {
    # dnssec.zeek appends DNS::algorithms[alg] to answers after every
    # DNSKEY and RRSIG it sees (to test the algorithm names).
    "scripts.base.protocols.dns.dnssec": {"algorithm-names"},
}
# DNS::algorithms spellings the quirk above needs (only those the corpus uses).
ZEEK_ALGORITHM_NAMES = {15: "Ed25519", 16: "Ed448"}


# ---------------------------------------------------------------- numbers
#
# dns-gazer logs mnemonics; dns.log has numbers and Zeek's own names.

# RR types by number (IANA registry); unknown types are TYPEnnn.
TYPE_NAMES = {
    1: "A", 2: "NS", 3: "MD", 4: "MF", 5: "CNAME", 6: "SOA", 7: "MB", 8: "MG", 9: "MR",
    10: "NULL", 11: "WKS", 12: "PTR", 13: "HINFO", 14: "MINFO", 15: "MX", 16: "TXT", 17: "RP",
    18: "AFSDB", 19: "X25", 20: "ISDN", 21: "RT", 22: "NSAP", 23: "NSAP-PTR", 24: "SIG",
    25: "KEY", 26: "PX", 27: "GPOS", 28: "AAAA", 29: "LOC", 30: "NXT", 31: "EID", 32: "NIMLOC",
    33: "SRV", 34: "ATMA", 35: "NAPTR", 36: "KX", 37: "CERT", 38: "A6", 39: "DNAME", 40: "SINK",
    41: "OPT", 42: "APL", 43: "DS", 44: "SSHFP", 45: "IPSECKEY", 46: "RRSIG", 47: "NSEC",
    48: "DNSKEY", 49: "DHCID", 50: "NSEC3", 51: "NSEC3PARAM", 52: "TLSA", 53: "SMIMEA",
    55: "HIP", 56: "NINFO", 57: "RKEY", 58: "TALINK", 59: "CDS", 60: "CDNSKEY",
    61: "OPENPGPKEY", 62: "CSYNC", 63: "ZONEMD", 64: "SVCB", 65: "HTTPS", 66: "DSYNC",
    99: "SPF", 100: "UINFO", 101: "UID", 102: "GID", 103: "UNSPEC", 104: "NID", 105: "L32",
    106: "L64", 107: "LP", 108: "EUI48", 109: "EUI64", 128: "NXNAME", 249: "TKEY", 250: "TSIG",
    251: "IXFR", 252: "AXFR", 253: "MAILB", 254: "MAILA", 255: "ANY", 256: "URI", 257: "CAA",
    258: "AVC", 259: "DOA", 260: "AMTRELAY", 261: "RESINFO", 262: "WALLET", 263: "CLA",
    264: "IPN", 32768: "TA", 32769: "DLV"}
TYPE_NUMBERS = {v: k for k, v in TYPE_NAMES.items()}
# Registry entries newer than Zeek's DNS::query_types (it prints query-N).
ZEEK_UNNAMED_TYPES = {66, 128} | set(range(258, 265))

CLASS_NUMBERS = {"IN": 1, "CH": 3, "HS": 4, "NONE": 254, "ANY": 255}
ZEEK_CLASS_NAMES = {1: "C_INTERNET", 2: "C_CSNET", 3: "C_CHAOS", 4: "C_HESIOD", 254: "C_NONE",
                    255: "C_ANY"}

RCODE_NUMBERS = {"NOERROR": 0, "FORMERR": 1, "SERVFAIL": 2, "NXDOMAIN": 3, "NOTIMP": 4,
                 "REFUSED": 5, "YXDOMAIN": 6, "YXRRSET": 7, "NXRRSET": 8, "NOTAUTH": 9,
                 "NOTZONE": 10, "DSOTYPENI": 11, "BADVERS": 16, "BADKEY": 17, "BADTIME": 18,
                 "BADMODE": 19, "BADNAME": 20, "BADALG": 21, "BADTRUNC": 22, "BADCOOKIE": 23}
# DNS::base_errors spells these differently from the registry.
ZEEK_RCODE_SPELLING = {8: "NXRRSet", **{n: "unassigned-%d" % n for n in range(11, 16)}}

OPCODE_NUMBERS = {"QUERY": 0, "IQUERY": 1, "STATUS": 2, "NOTIFY": 4, "UPDATE": 5, "DSO": 6}
ZEEK_OPCODE_NAMES = {0: "query", 1: "iquery", 2: "server-status", 4: "notify",
                     5: "dynamic-update", 6: "dso"}
# Opcodes Zeek's DNS script logs (others are a weird and no dns.log line).
ZEEK_TRACKED_OPCODES = {0, 4, 5}

# Z field bits of dns-gazer's flags words.
Z_BITS = {"z": 4, "ad": 2, "cd": 1}


def number(text, table, prefix):
    """Mnemonic or PREFIXnnn -> number, None when neither."""
    if text in table:
        return table[text]
    m = re.match(r"^%s(\d+)$" % prefix, text or "")
    return int(m.group(1)) if m else None


def type_number(mnemonic):
    return number(mnemonic, TYPE_NUMBERS, "TYPE")


def zeek_type_name(num):
    if num == 255:
        return "*"
    if num in TYPE_NAMES and num not in ZEEK_UNNAMED_TYPES:
        return TYPE_NAMES[num]
    return "query-%d" % num


def zeek_rcode_name(num):
    if num in ZEEK_RCODE_SPELLING:
        return ZEEK_RCODE_SPELLING[num]
    names = {v: k for k, v in RCODE_NUMBERS.items() if k != "DSOTYPENI"}
    return names.get(num, "rcode-%d" % num)


# ---------------------------------------------------------------- text
#
# Zeek copies label bytes verbatim (no RFC 1035 escaping), lower-cases
# most names, and its ASCII log writer escapes '\' and bytes it cannot
# print as \xNN, and the set separator ',' inside vector/set elements.

def unescape(text, i):
    r"""RFC 1035 escape at text[i] == '\' -> (byte, next index)."""
    ddd = text[i + 1:i + 4]
    if len(ddd) == 3 and ddd.isdigit():
        return int(ddd), i + 4
    if i + 1 >= len(text):
        raise ValueError("dangling backslash")
    return ord(text[i + 1]), i + 2


def parse_name(text):
    """dns-gazer presentation name -> list of label bytes ([] for root)."""
    if text == ".":
        return []
    labels, cur, i = [], bytearray(), 0
    while i < len(text):
        if text[i] == "\\":
            b, i = unescape(text, i)
            cur.append(b)
        elif text[i] == ".":
            labels.append(bytes(cur))
            cur = bytearray()
            i += 1
        else:
            cur.extend(text[i].encode("utf-8"))
            i += 1
    if cur:
        raise ValueError("name %r is not absolute" % text)
    return labels


def zeek_escape(raw, element=False):
    """Bytes as Zeek's ASCII writer prints them (element: inside a vector)."""
    out = []
    for b in raw:
        if b == 0x5C:
            out.append("\\\\")
        elif element and b == 0x2C:
            out.append("\\x2c")
        elif 0x20 <= b < 0x7F:
            out.append(chr(b))
        else:
            out.append("\\x%02x" % b)
    return "".join(out)


def zeek_unescape(text):
    """Zeek's escaped text -> bytes (for the lenient comparison)."""
    out, i = bytearray(), 0
    while i < len(text):
        m = re.match(r"\\x([0-9a-fA-F]{2})", text[i:i + 4])
        if m:
            out.append(int(m.group(1), 16))
            i += 4
        elif text.startswith("\\\\", i):
            out.append(0x5C)
            i += 2
        else:
            out.extend(text[i].encode("utf-8"))
            i += 1
    return bytes(out)


def ascii_lower(raw):
    """Zeek's tolower() in the C locale: A-Z only."""
    return bytes(b + 32 if 0x41 <= b <= 0x5A else b for b in raw)


class Text:
    """A value in Zeek's rendering, kept as bytes so it can be printed
    case-preserved (what dns-gazer knows) and lower-cased (what Zeek
    prints), and compared leniently.  odd: a label holds a '.' or a byte
    Zeek prints ambiguously."""

    def __init__(self, parts=(), odd=False):
        # parts: list of (bytes, lowerable) so only names get lower-cased.
        self.parts = list(parts)
        self.odd = odd

    def __add__(self, other):
        if isinstance(other, str):
            other = lit(other)
        return Text(self.parts + other.parts, self.odd or other.odd)

    def raw(self, lower):
        return b"".join(ascii_lower(p) if lower and low else p for p, low in self.parts)

    def render(self, lower, element=True):
        return zeek_escape(self.raw(lower), element)


def lit(s):
    """Literal text Zeek adds itself (not lower-cased)."""
    return Text([(s.encode("utf-8"), False)])


def zname(text, lower=True):
    """A dns-gazer name as Zeek prints it: labels joined by '.', no trailing
    dot, root as the empty string; lower: Zeek lower-cases this name."""
    labels = parse_name(text)
    odd = any(b"." in lab or any(c < 0x20 or c >= 0x7F or c == 0x5C for c in lab) for lab in labels)
    return Text([(b".".join(labels), lower)], odd)


def tokens(text):
    """Split presentation rdata on spaces outside double quotes."""
    out, cur, quoted, i = [], [], False, 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            cur.append(text[i:i + 2])
            i += 2
            continue
        if c == '"':
            quoted = not quoted
        if c == " " and not quoted:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    out.append("".join(cur))
    return out


def unquote(token):
    """A character-string, quoted or not, -> bytes."""
    body = token[1:-1] if len(token) >= 2 and token[0] == token[-1] == '"' else token
    out, i = bytearray(), 0
    while i < len(body):
        if body[i] == "\\":
            b, i = unescape(body, i)
            out.append(b)
        else:
            out.extend(body[i].encode("utf-8"))
            i += 1
    return bytes(out)


def generic_bytes(data):
    r"""RFC 3597 '\# LEN HEX' -> bytes, None for other renderings."""
    m = re.match(r"^\\# (\d+)((?: [0-9A-Fa-f]+)*)$", data or "")
    if not m:
        return None
    raw = bytes.fromhex(m.group(2).replace(" ", ""))
    return raw if len(raw) == int(m.group(1)) else None


# ---------------------------------------------------------------- rdata
#
# project() turns one record of dns-gazer's into the element Zeek's
# base/protocols/dns script puts in `answers` (or `auth`/`addl`), from the
# rdata dns-gazer rendered.  Where Zeek keeps only part of the rdata the
# element is tagged with the exception category that says what it drops.

class Proj:
    """Zeek's view of one record.

    text: the element (None: nothing enters the vector); category: the
    exception that explains why Zeek's element differs from the full rdata
    (None when Zeek's rendering is lossless); do_reply: Zeek calls
    DNS::do_reply for it (which sets AA, RA, rtt and, without a request,
    query); owner: its owner name in Zeek's rendering."""

    def __init__(self, rec, text, category=None, do_reply=True):
        self.rec, self.text, self.category, self.do_reply = rec, text, category, do_reply
        self.owner = zname(rec["name"])
        self.ttl = "%.6f" % rec.get("ttl", 0)

    def element(self, lower):
        return self.text.render(lower) if self.text is not None else None


# Types Zeek parses and raises an event for that base/protocols/dns does
# not handle, so no answer, no TTL, no do_reply; NIMLOC is NetBIOS' NB.
ZEEK_SILENT_TYPES = {"HINFO", "CAA", "SVCB", "HTTPS", "TKEY", "TSIG", "OPT", "NIMLOC"}
# Types Zeek's analyzer parses at all; any other is dns_unknown_reply.
ZEEK_PARSED_TYPES = {"A", "A6", "AAAA", "NS", "CNAME", "PTR", "SOA", "WKS", "MX", "TXT", "SPF",
                     "SRV", "NAPTR", "RRSIG", "DNSKEY", "NSEC", "NSEC3", "NSEC3PARAM", "DS",
                     "SSHFP", "LOC", "TYPE65534"} | ZEEK_SILENT_TYPES


def loc_precision_byte(metres):
    """'1000m' -> the RFC 1876 size/precision byte (mantissa << 4 | exponent)."""
    cm = round(float(metres.rstrip("m")) * 100)
    exp = 0
    while cm >= 10 and cm % 10 == 0:
        cm //= 10
        exp += 1
    if cm > 9:
        raise ValueError("precision %s not encodable" % metres)
    return cm << 4 | exp


def render_rdata(rec, update=False):
    """(Text, category) of a record's rdata as Zeek's reply event handler
    renders it.  update: the record sits in an UPDATE message (A/AAAA then
    carry their owner).  Raises ValueError/IndexError on rdata this cannot
    read."""
    t, data = rec["type"], rec.get("data", "")
    raw = generic_bytes(data)
    if t in ("A", "AAAA"):
        if update:
            return lit("%s " % t) + zname(rec["name"]) + " " + data, None
        return lit(data), None
    if t in ("NS", "CNAME", "PTR"):
        return zname(data), None
    toks = tokens(data)
    if t == "SOA":
        return zname(toks[0]), "zeek-soa-mname-only"
    if t == "MX":
        return zname(toks[1]), "zeek-mx-srv-target-only"
    if t == "SRV":
        return zname(toks[3]), "zeek-mx-srv-target-only"
    if t in ("TXT", "SPF"):
        # "TXT <len> <bytes>" per string; the length keeps it unambiguous.
        out = Text()
        for i, tok in enumerate(toks):
            s = unquote(tok)
            out = out + ("" if i == 0 else " ") + ("%s %d " % (t, len(s))) + Text([(s, False)])
        return out, None
    if t == "NAPTR":
        # Strings unquoted; an empty regexp or root replacement left out.
        # The replacement is read without lower-casing.
        order, pref, flags, service, regexp, repl = toks
        tail = Text([(unquote(regexp), False)])
        rname = zname(repl, lower=False)
        if rname.raw(False):
            tail = tail + (" " if unquote(regexp) else "") + rname
        return (lit("NAPTR %s %s " % (order, pref)) + Text([(unquote(flags), False)]) + " "
                + Text([(unquote(service), False)]) + " " + tail), "zeek-naptr-unquoted"
    if t == "RRSIG":
        signer = zname(toks[7])
        return (lit("RRSIG %d " % type_number(toks[0]))
                + (signer if signer.raw(False) else lit("<Root>"))), "zeek-dnssec-summary"
    if t == "DNSKEY":
        alg = raw[3] if raw is not None else int(toks[2])
        return lit("DNSKEY %d" % alg), "zeek-dnssec-summary"
    if t == "DS":
        alg, dig = (raw[2], raw[3]) if raw is not None else (int(toks[1]), int(toks[2]))
        return lit("DS %d %d" % (alg, dig)), "zeek-dnssec-summary"
    if t == "NSEC":
        return lit("NSEC ") + zname(rec["name"]) + " " + zname(toks[0]), "zeek-dnssec-summary"
    if t in ("NSEC3", "NSEC3PARAM"):
        return lit(t), "zeek-dnssec-summary"
    if t == "SSHFP":
        fp = raw[2:].hex() if raw is not None else "".join(toks[2:]).lower()
        return lit("SSHFP: " + fp), "zeek-sshfp-fingerprint-only"
    if t == "LOC":
        if raw is not None:
            size, hp, vp = raw[1], raw[2], raw[3]
        else:
            size, hp, vp = (loc_precision_byte(x) for x in toks[-3:])
        return lit("LOC:  %d %d %d" % (size, hp, vp)), "zeek-loc-precision-only"
    if t == "TYPE65534":
        return lit("BIND9 signing signal"), "zeek-binds-fixed-text"
    if t not in ZEEK_PARSED_TYPES:
        return lit("<unknown type=%d>" % type_number(t)), "zeek-unknown-type-placeholder"
    raise ValueError("no Zeek rendering known for %s" % t)


STOP = "zeek-stops-at-empty-rdata"


def project(rec):
    """Proj of a record of a QUERY/NOTIFY reply (answer, authority or
    additional section)."""
    t = rec["type"]
    if t == "WKS":
        # Handled with an empty reply string: do_reply runs, nothing logged.
        return Proj(rec, None, "zeek-skips-rr-types", do_reply=True)
    if t in ZEEK_SILENT_TYPES:
        return Proj(rec, None, "zeek-skips-rr-types", do_reply=False)
    if rec.get("data") == "\\# 0":
        # Zeek stops reading the message at an empty rdata (DNS_zero_rdlength).
        return Proj(rec, None, STOP, do_reply=False)
    text, cat = render_rdata(rec)
    return Proj(rec, text, cat)


def project_update(rec, zone_class):
    """Proj of a prerequisite or update record of an UPDATE reply, as
    Zeek's dns_dynamic_update_pre/_del handlers and its add: prefix render
    them (RFC 2136 sections 2.4 and 2.5)."""
    cls, ttl, empty = rec.get("class"), rec.get("ttl", 0), rec.get("data") == "\\# 0"
    tname = zeek_type_name(type_number(rec["type"]))
    owner = zname(rec["name"])
    cat = "zeek-update-summary"
    if rec["section"] == "prerequisite":
        if ttl != 0 or not ((cls in ("ANY", "NONE") and empty) or cls == zone_class):
            return Proj(rec, None, cat, do_reply=False)      # a weird in Zeek
        if cls == "NONE" and rec["type"] == "ANY":
            what = lit("NameNotInUse ") + owner
        elif cls == "ANY" and rec["type"] == "ANY":
            what = lit("NameInUse ") + owner
        elif cls == "NONE":
            what = lit("NoRRSet %s " % tname) + owner
        else:
            what = lit("RRSetExists %s " % tname) + owner
        return Proj(rec, lit("pre: ") + what, cat)
    if cls == "ANY" and ttl == 0 and empty:
        # The owner of a deleted RRset is dropped.
        what = lit("RRSet * ") + owner if rec["type"] == "ANY" else lit("RRSet %s" % tname)
        return Proj(rec, lit("del: ") + what, cat)
    if not ((cls == "NONE" and ttl == 0) or cls == zone_class) or empty:
        return Proj(rec, None, cat, do_reply=False)
    # Everything else, deletions of single RRs (class NONE) included, is an "add:".
    text, _ = render_rdata(rec, update=True)
    return Proj(rec, lit("add: ") + text, cat)


# ---------------------------------------------------------------- checksums
#
# Most baselines come from `zeek -C` (checksums ignored), but a few btests
# ran Zeek without it: Zeek then drops packets whose IP or UDP/TCP checksum
# is wrong (checksum offloading on the capturing host), while dns-gazer,
# like other passive loggers, decodes them.  To tell that apart from a
# dns-gazer bug, the query's own packet is found in the capture and its
# checksums recomputed.

def read_frames(path):
    """(timestamp in µs, link type, frame bytes) of a pcap or pcapng file."""
    with open(path, "rb") as fh:
        data = fh.read()
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        return list(_pcapng_frames(data))
    magics = {b"\xd4\xc3\xb2\xa1": ("<", 1), b"\x4d\x3c\xb2\xa1": ("<", 1000),
              b"\xa1\xb2\xc3\xd4": (">", 1), b"\xa1\xb2\x3c\x4d": (">", 1000)}
    if data[:4] not in magics:
        return []
    end, div = magics[data[:4]]
    link = struct.unpack(end + "I", data[20:24])[0] & 0x0FFFFFFF
    out, off = [], 24
    while off + 16 <= len(data):
        sec, frac, caplen = struct.unpack(end + "III", data[off:off + 12])
        out.append((sec * 1000000 + frac // div, link, data[off + 16:off + 16 + caplen]))
        off += 16 + caplen
    return out


def _pcapng_frames(data):
    end, ifaces, off = "<", [], 0
    while off + 12 <= len(data):
        if data[off:off + 4] == b"\x0a\x0d\x0d\x0a":            # section header
            end = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            ifaces = []
        btype, blen = struct.unpack(end + "II", data[off:off + 8])
        if blen < 12:
            return
        body = data[off + 8:off + blen - 4]
        if btype == 1:                                            # interface: link, if_tsresol
            res, o = 6, 8
            while o + 4 <= len(body):
                code, olen = struct.unpack(end + "HH", body[o:o + 4])
                if code == 0:
                    break
                if code == 9 and olen >= 1:
                    res = body[o + 4]
                o += 4 + (olen + 3) // 4 * 4
            ifaces.append((struct.unpack(end + "H", body[:2])[0], res))
        elif btype == 6 and ifaces:                               # enhanced packet
            ifid, hi, lo, caplen = struct.unpack(end + "IIII", body[:16])
            link, res = ifaces[ifid] if ifid < len(ifaces) else ifaces[0]
            ticks = hi << 32 | lo
            us = ticks * 10 ** 6 // (2 ** (res & 0x7F) if res & 0x80 else 10 ** res)
            yield us, link, body[20:20 + caplen]
        off += blen


def _ip_start(link, frame):
    """Offset of the IP header in a frame of the common link types."""
    if link == 1:                                                 # Ethernet, VLAN tags
        off, etype = 14, struct.unpack(">H", frame[12:14])[0]
        while etype in (0x8100, 0x88A8, 0x9100):
            etype, off = struct.unpack(">H", frame[off + 2:off + 4])[0], off + 4
        return off if etype in (0x0800, 0x86DD) else None
    if link == 113:                                               # Linux cooked v1
        return 16
    if link == 276:                                               # Linux cooked v2
        return 20
    if link in (0, 108):                                          # BSD loopback
        return 4
    if link in (12, 14, 101, 228, 229):                           # raw IP
        return 0
    return None


def _sum16(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def packet_checksums_ok(link, frame):
    """(endpoints, ok) of an unfragmented IPv4/IPv6 UDP or TCP packet:
    endpoints ((src, sport), (dst, dport)); ok: the IPv4 header checksum
    and the UDP/TCP checksum (an unset UDP one excepted) are right.  None
    for anything else."""
    off = _ip_start(link, frame)
    if off is None or off >= len(frame):
        return None
    ip = frame[off:]
    try:
        if ip[0] >> 4 == 4:
            ihl, total = (ip[0] & 15) * 4, struct.unpack(">H", ip[2:4])[0]
            if struct.unpack(">H", ip[6:8])[0] & 0x3FFF:           # a fragment
                return None
            proto, src, dst = ip[9], ip[12:16], ip[16:20]
            l4 = ip[ihl:total]
            ok = _sum16(ip[:ihl]) == 0xFFFF
        elif ip[0] >> 4 == 6:
            proto, src, dst = ip[6], ip[8:24], ip[24:40]
            l4 = ip[40:40 + struct.unpack(">H", ip[4:6])[0]]
            ok = True
        else:
            return None
        if proto not in (6, 17) or len(l4) < 8:
            return None
        pseudo = src + dst + struct.pack(">HH", proto, len(l4)) if len(src) == 4 \
            else src + dst + struct.pack(">IxxxB", len(l4), proto)
        if not (proto == 17 and l4[6:8] == b"\0\0"):
            ok = ok and _sum16(pseudo + l4) == 0xFFFF
        sport, dport = struct.unpack(">HH", l4[:4])
        addr = ipaddress.ip_address
        return ((str(addr(src)), sport), (str(addr(dst)), dport)), ok
    except (IndexError, struct.error, ValueError):
        return None


class Capture:
    """A capture's frames, read when first needed."""

    def __init__(self, path):
        self.path, self._frames = path, None

    def query_checksum_bad(self, ev):
        """Whether the packet carrying the transaction's query has a wrong
        checksum (False when it cannot be found or checked)."""
        if "query_ts" not in ev:
            return False
        if self._frames is None:
            self._frames = read_frames(self.path)
        us = round(ev["query_ts"] * 1000000)
        ends = ((ev["client_addr"], ev["client_port"]), (ev["server_addr"], ev["server_port"]))
        for ts, link, frame in self._frames:
            if ts == us:
                got = packet_checksums_ok(link, frame)
                if got is not None and got[0] == ends:
                    return not got[1]
        return False


# ---------------------------------------------------------------- exceptions
#
# name -> (reason, predicate).  A predicate gets a Finding for one cell
# (or for a line only one side has) and says whether its category explains
# it; the first that does wins.  Categories marked `None` are element
# renderings: project() tags the elements of answers/TTLs/auth/addl with
# them, and an element only counts as explained when Zeek's text is
# exactly the projection (lower-cased where Zeek lower-cases).

def on_cell(pred):
    """A predicate that only looks at cell findings (lines have no column)."""
    return lambda f: f.kind == "cell" and pred(f)


def _multicast_reply_originator(f):
    """Zeek keeps the sender of a multicast reply as originator."""
    ev = f.row.ev
    if f.col not in ("id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p") or ev["status"] != "no_query":
        return False
    try:
        if not ipaddress.ip_address(ev["client_addr"]).is_multicast:
            return False
    except ValueError:
        return False
    swapped = {"id.orig_h": ev["server_addr"], "id.orig_p": str(ev["server_port"]),
               "id.resp_h": ev["client_addr"], "id.resp_p": str(ev["client_port"])}
    return f.zeek == swapped[f.col]


def _pairs_oldest_query(f):
    """rtt measured from an older query with the same id that dns-gazer
    logs as unanswered (a retransmission was answered)."""
    if f.col != "rtt" or f.zeek == "-" or "reply_ts" not in f.row.ev:
        return False
    ev = f.row.ev
    for other in f.row.capture_rows:
        o = other.ev
        if (o is not ev and o["status"] == "no_reply" and o.get("tx_id") == ev.get("tx_id")
                and o["client_addr"] == ev["client_addr"] and o["client_port"] == ev["client_port"]
                and o["server_addr"] == ev["server_addr"] and o["server_port"] == ev["server_port"]
                and o["query_ts"] < ev["query_ts"]
                and abs(ev["reply_ts"] - o["query_ts"] - float(f.zeek)) < 1.5e-6):
            return True
    return False


def _rcode_4bit(f):
    """Zeek's rcode is the header's 4 bits; dns-gazer's adds the OPT
    record's extended bits (RFC 6891 6.1.3)."""
    ctx = f.row.ctx
    if ctx.rcode is None or ctx.rcode < 16:
        return False
    low = ctx.rcode & 15
    if f.col == "rcode":
        return f.zeek == str(low)
    if f.col == "rcode_name":
        return f.zeek == zeek_rcode_name(low)
    if f.col == "rejected":
        return f.zeek == ("T" if ctx.rejected_rule(low) else "F")
    return False


def _bad_checksum_query(f):
    """The cell holds what Zeek logs for a reply whose query it dropped."""
    if f.col not in REQUEST_DEFAULTS and f.col != "rtt":
        return False
    if f.zeek != REQUEST_DEFAULTS.get(f.col, "-") or not f.row.ctx.zeek_saw_request:
        return False
    return f.row.capture.query_checksum_bad(f.row.ev)


def _request_fields(f):
    ctx = f.row.ctx
    return not ctx.zeek_saw_request and f.col in REQUEST_DEFAULTS and f.zeek == REQUEST_DEFAULTS[f.col]


def _query_from_answer_owner(f):
    ctx = f.row.ctx
    return (f.col == "query" and not ctx.zeek_saw_request and ctx.first_do_reply is not None
            and f.zeek == ctx.first_do_reply.owner.render(True, element=False))


def _lowercased(f):
    return (f.col == "query" and f.ours != "-" and f.ours != f.zeek
            and f.zeek == f.row.ctx.qname.render(True, element=False))


def _lossy_escaping(f):
    return (f.col in ("query", "original_query") and f.row.ctx.qname is not None
            and f.row.ctx.qname.odd
            and ascii_lower(zeek_unescape(f.zeek)) == f.row.ctx.qname.raw(True))


EXCEPTIONS = OrderedDict([
    # --- how Zeek pairs and orients messages
    ("zeek-multicast-reply-originator",
     ("a multicast reply seen without its query: Zeek's connection originator is the reply's "
      "sender (it never flips a connection towards a multicast address); dns-gazer's client is "
      "the side queries come from, here the group address (DESIGN.md: client is the QR=0 side).",
      on_cell(_multicast_reply_originator))),
    ("zeek-pairs-oldest-query",
     ("several queries with one id on one flow: Zeek answers the oldest pending one (FIFO) and "
      "logs the later one unanswered; dns-gazer pairs the reply with the latest query (the "
      "retransmission it answers). Checked: Zeek's rtt is exactly this reply's time minus the "
      "query dns-gazer logs as no_reply.",
      on_cell(_pairs_oldest_query))),
    ("zeek-netbios-name-service",
     ("line for NetBIOS Name Service (udp/137), which Zeek's DNS analyzer also parses; not DNS, "
      "not dns-gazer's to log.",
      lambda f: f.kind == "zeek-only" and "137" in (f.zline.get("id.orig_p"), f.zline.get("id.resp_p")))),
    ("zeek-untracked-opcode",
     ("transaction with an opcode Zeek's DNS script does not log (only QUERY, NOTIFY and UPDATE).",
      lambda f: f.kind == "gazer-only" and f.row.ctx.opcode not in ZEEK_TRACKED_OPCODES)),
    # --- columns Zeek fills only in some events
    ("zeek-dropped-bad-checksum",
     ("the btest ran Zeek without -C, so it dropped the query, whose packet has a wrong "
      "IP/UDP checksum (checksum offloading where it was captured; checked here), and logged the "
      "reply alone: no query fields, RD/Z F/0, no rtt. dns-gazer, like other passive sensors, "
      "does not drop packets on checksums.",
      on_cell(_bad_checksum_query))),
    ("zeek-request-fields-need-request",
     ("query, qclass, qtype (and their names), RD, TC, Z and original_query are set only by the "
      "dns_request event; a line for a reply whose query Zeek did not see, or for UPDATE (whose "
      "zone Zeek does not parse as a question), keeps '-', F, 0.",
      on_cell(_request_fields))),
    ("zeek-query-from-answer-owner",
     ("without a request Zeek takes `query` from the owner of the first answer it logs (for "
      "UPDATE the first prerequisite/update record), not from the question or zone.",
      on_cell(_query_from_answer_owner))),
    ("zeek-reply-fields-need-answers",
     ("AA, RA and rtt are set only in DNS::do_reply, i.e. while logging an answer record of a "
      "type Zeek handles; a reply without one shows F, F, '-'.",
      on_cell(lambda f: f.col in DO_REPLY_DEFAULTS and f.zeek == DO_REPLY_DEFAULTS[f.col]
              and f.row.ctx.reply_seen and not f.row.ctx.zeek_did_reply))),
    ("zeek-tc-from-request",
     ("Zeek's TC is the request's TC bit (set in dns_request); dns-gazer's is the reply's, the "
      "one a responder sets when it truncates.",
      on_cell(lambda f: f.col == "TC" and f.row.ctx.zeek_saw_request
              and f.zeek == ("T" if "tc" in f.row.ctx.qflags else "F")))),
    ("zeek-4bit-rcode",
     ("Zeek logs the header's 4-bit rcode (and derives rejected from it); dns-gazer's rcode adds "
      "the EDNS extended-rcode bits (RFC 6891), e.g. BADVERS/BADCOOKIE.",
      on_cell(_rcode_4bit))),
    # --- names
    ("zeek-lowercases-names",
     ("Zeek lower-cases every name it logs (question, owners, rdata names) except the "
      "original_query policy column; dns-gazer keeps the case on the wire (0x20 randomisation).",
      on_cell(_lowercased))),
    ("zeek-lossy-escaping",
     ("Zeek copies label bytes verbatim (a '.' inside a label reads as a separator) and its "
      "writer escapes other bytes as \\xNN; equal once both are decoded to bytes.",
      on_cell(_lossy_escaping))),
    # --- element renderings of answers/TTLs/auth/addl (tagged by project())
    ("zeek-soa-mname-only",
     ("SOA: Zeek logs only MNAME (RNAME, serial and timers dropped).", None)),
    ("zeek-mx-srv-target-only",
     ("MX: only the exchange (no preference); SRV: only the target (no priority, weight, port).",
      None)),
    ("zeek-dnssec-summary",
     ("DNSSEC rdata summarised: RRSIG as 'RRSIG <covered type number> <signer>', DNSKEY as "
      "'DNSKEY <algorithm>', DS as 'DS <algorithm> <digest type>', NSEC as 'NSEC <owner> <next>' "
      "(bitmap dropped), NSEC3 and NSEC3PARAM as the bare type name.", None)),
    ("zeek-sshfp-fingerprint-only",
     ("SSHFP: 'SSHFP: <fingerprint hex>' (algorithm and fingerprint type dropped).", None)),
    ("zeek-loc-precision-only",
     ("LOC: 'LOC:  <size> <horiz pre> <vert pre>' as raw RFC 1876 bytes (position dropped).",
      None)),
    ("zeek-binds-fixed-text",
     ("type 65534 (BIND's private signing-state record): the fixed text 'BIND9 signing signal' "
      "(the 5 rdata bytes dropped).", None)),
    ("zeek-naptr-unquoted",
     ("NAPTR: flags, service and regexp unquoted and an empty regexp left out, so strings with "
      "spaces become ambiguous; the replacement keeps its case.", None)),
    ("zeek-unknown-type-placeholder",
     ("a type Zeek's analyzer does not parse: '<unknown type=N>' instead of the rdata.", None)),
    ("zeek-update-summary",
     ("UPDATE (RFC 2136): Zeek lists prerequisites and updates of the reply as 'pre: NoRRSet "
      "CNAME <name>', 'del: RRSet <type>' (owner dropped), 'add: A <name> <addr>' (also for a "
      "class-NONE deletion of one RR), and skips records it thinks invalid.", None)),
    ("zeek-skips-rr-types",
     ("records whose event base/protocols/dns does not handle (HINFO, CAA, SVCB, HTTPS, TKEY, "
      "TSIG, OPT) or handles with an empty string (WKS): neither rdata nor TTL is logged.", None)),
    ("zeek-stops-at-empty-rdata",
     ("a record with RDLENGTH 0 that is not the message's last byte: Zeek stops reading the "
      "message there (weird DNS_zero_rdlength), so it and later records are missing.", None)),
    ("btest-algorithm-names",
     ("not Zeek's log but its btest script (dnssec.zeek) appends the DNSSEC algorithm name to "
      "answers after every DNSKEY and RRSIG.", None)),
])


# ---------------------------------------------------------------- our lines

class Ctx:
    """Facts about one transaction the columns and predicates need."""

    def rejected_rule(self, rcode):
        """Zeek's `rejected` for a reply with this rcode: a non-zero rcode
        without a question (hook set_session), or a question and not a
        single answer, authority or additional record (event dns_rejected;
        not for UPDATE, whose zone Zeek does not parse as a question)."""
        if rcode != 0 and not self.reply_question:
            return True
        return self.opcode != 5 and self.reply_question and not self.reply_records


class Row:
    """One dns-gazer tx event mapped onto dns.log columns (see the module
    docstring); cells hold what a faithful writer prints."""

    def __init__(self, ev, index):
        self.ev, self.index = ev, index
        self.capture_rows = []          # the capture's rows and
        self.capture = None             # its Capture, filled in by the caller
        self.paired = False
        c = self.ctx = Ctx()
        c.query_seen, c.reply_seen = "query_ts" in ev, "reply_ts" in ev
        c.opcode = number(ev.get("opcode"), OPCODE_NUMBERS, "OPCODE")
        c.qflags = set(ev.get("query_flags", "").split())
        c.rflags = set(ev.get("reply_flags", "").split())
        qrecs, rrecs = ev.get("query", []), ev.get("reply", [])
        qsec = ("question", "zone")
        c.question = next((r for r in qrecs if r["section"] in qsec), None) \
            or next((r for r in rrecs if r["section"] in qsec), None)
        c.qname = zname(c.question["name"]) if c.question else None
        # Zeek sees a question only in a QUERY/NOTIFY request it parsed.
        c.zeek_saw_request = (c.query_seen and c.opcode != 5
                              and any(r["section"] == "question" for r in qrecs))
        c.rcode = number(ev.get("rcode"), RCODE_NUMBERS, "RCODE") if c.reply_seen else None
        c.reply_question = any(r["section"] in qsec for r in rrecs)
        c.reply_records = any(r["section"] not in qsec for r in rrecs) or "reply_edns" in ev

        # Records Zeek turns into answers, auth and addl.
        self.errors = []
        zone_class = c.question.get("class") if c.question and c.opcode == 5 else None
        if c.opcode == 5:
            c.answers = self._project([r for r in rrecs if r["section"] in ("prerequisite", "update")],
                                      lambda r: project_update(r, zone_class))
            c.auth, c.addl = [], []
        else:
            sections = ("answer", "authority", "additional")
            recs = [r for r in rrecs if r["section"] in sections]
            projs = self._project(recs, project)
            # Zeek stops reading a message at an empty rdata: the records
            # after it are missing too.
            stop = next((i for i, p in enumerate(projs) if p and p.category == STOP), None)
            if stop is not None:
                projs[stop:] = [Proj(r, None, STOP, do_reply=False) for r in recs[stop:]]
            c.answers, c.auth, c.addl = ([p for r, p in zip(recs, projs) if r["section"] == sec]
                                         for sec in sections)
        c.zeek_did_reply = any(p.do_reply for p in c.answers if p)
        c.first_do_reply = next((p for p in c.answers if p and p.do_reply), None)

        def flag(name, flags):
            return "T" if name in flags else "F"

        # Request-side flags from the query (the reply's copy without one),
        # response-side flags from the reply (TC: the query's without one).
        reqf, respf = (c.qflags if c.query_seen else c.rflags), c.rflags
        qn = type_number(c.question["type"]) if c.question else None
        qc = number(c.question.get("class"), CLASS_NUMBERS, "CLASS") if c.question else None
        self.cells = {
            "id.orig_h": ev["client_addr"], "id.orig_p": str(ev["client_port"]),
            "id.resp_h": ev["server_addr"], "id.resp_p": str(ev["server_port"]),
            "proto": ev.get("proto", "-"), "trans_id": str(ev.get("tx_id")),
            "rtt": "%.6f" % ev["rtt"] if "rtt" in ev else "-",
            "query": (c.qname.render(False, element=False) or "(empty)") if c.qname else "-",
            "qclass": str(qc) if qc is not None else "-",
            "qclass_name": ZEEK_CLASS_NAMES.get(qc, "qclass-%s" % qc) if qc is not None else "-",
            "qtype": str(qn) if qn is not None else "-",
            "qtype_name": zeek_type_name(qn) if qn is not None else "-",
            "rcode": str(c.rcode) if c.rcode is not None else "-",
            "rcode_name": zeek_rcode_name(c.rcode) if c.rcode is not None else "-",
            "AA": flag("aa", respf), "TC": flag("tc", respf if c.reply_seen else c.qflags),
            "RD": flag("rd", reqf), "RA": flag("ra", respf),
            "Z": str(sum(v for k, v in Z_BITS.items() if k in reqf)),
            "rejected": "T" if c.rcode is not None and c.rejected_rule(c.rcode) else "F",
            "opcode": str(c.opcode), "opcode_name": ZEEK_OPCODE_NAMES.get(c.opcode, "opcode-%s" % c.opcode),
            "original_query": (c.qname.render(False, element=False) or "(empty)") if c.qname else "-",
        }

    def _project(self, recs, fn):
        out = []
        for r in recs:
            try:
                out.append(fn(r))
            except (ValueError, IndexError, KeyError, TypeError) as e:
                self.errors.append("cannot render %s %s %r: %s" % (r.get("name"), r.get("type"), r.get("data"), e))
                out.append(None)
        return out

    def vector_cell(self, col):
        """answers, TTLs, auth or addl as Zeek would print dns-gazer's
        records (lower-cased, lossy renderings applied), for messages."""
        projs = {"answers": self.ctx.answers, "TTLs": self.ctx.answers,
                 "auth": self.ctx.auth, "addl": self.ctx.addl}[col]
        kept = [p for p in projs if p is not None and p.text is not None]
        vals = [p.ttl if col == "TTLs" else p.element(True) for p in kept]
        return ",".join(vals) if vals else "-"

    def describe(self):
        ev = self.ev
        return "tx #%d %s %s:%s > %s:%s id %s %s" % (
            self.index + 1, ev["status"], ev["client_addr"], ev["client_port"], ev["server_addr"],
            ev["server_port"], ev.get("tx_id"), self.cells["query"])


# ---------------------------------------------------------------- Zeek's lines

def read_baseline(path):
    """A btest dns.log (full ASCII log or zeek-cut -m output) ->
    (column names, [(line number, {column: value})])."""
    cols, lines = None, []
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if line.startswith("#fields\t"):
                cols = line.split("\t")[1:]
                continue
            if line.startswith("#") or not line:
                continue
            if cols is None:                 # zeek-cut -m: the first line names the columns
                cols = line.split("\t")
                continue
            vals = line.split("\t")
            lines.append((n, {c: v for c, v in zip(cols, vals) if c}))
    return [c for c in (cols or []) if c], lines


def vector(value):
    """A Zeek vector/set cell -> list of elements ('-' is unset)."""
    if value == "-":
        return []
    if value == "(empty)":
        return []
    return value.split(",")


# ---------------------------------------------------------------- comparison

class Finding:
    """One difference: a cell (kind 'cell'), a vector element ('element'),
    or a line only one side has ('zeek-only', 'gazer-only')."""

    def __init__(self, kind, capture, col=None, zeek=None, ours=None, row=None, zline=None,
                 lineno=None, note=""):
        self.kind, self.capture, self.col, self.zeek, self.ours = kind, capture, col, zeek, ours
        self.row, self.zline, self.lineno, self.note = row, zline or {}, lineno, note

    def category(self):
        for name, (_, pred) in EXCEPTIONS.items():
            if pred is not None and pred(self):
                return name
        return None

    def describe(self):
        where = "%s line %s" % (self.capture, self.lineno if self.lineno else "-")
        if self.kind == "gazer-only":
            return "%s: only dns-gazer logs %s" % (self.capture, self.row.describe())
        if self.kind == "zeek-only":
            return "%s: only Zeek logs %s" % (where, "\t".join(self.zline.values()))
        return "%s, %s: Zeek %r, dns-gazer %r (%s)%s" % (
            where, self.col, self.zeek, self.ours, self.row.describe(),
            "; " + self.note if self.note else "")


def match_element(zeek_elem, proj, quirk_extra=False):
    """Categories explaining Zeek's element for our projection, or None
    when it is not explained."""
    if proj is None or proj.text is None:
        return None
    cats = {proj.category} - {None}
    if quirk_extra:
        cats.add("btest-algorithm-names")
    if zeek_elem == proj.element(False):
        return cats
    if zeek_elem == proj.element(True):
        return cats | {"zeek-lowercases-names"}
    if proj.text.odd and ascii_lower(zeek_unescape(zeek_elem)) == proj.text.raw(True):
        return cats | {"zeek-lossy-escaping"}
    return None


def compare_answers(zeek_ans, zeek_ttls, projs, quirks):
    """answers and TTLs cells -> {col: (categories, problem or None)}.

    Zeek's elements are those of our records it renders; records it skips
    explain the missing ones (their category is counted)."""
    skipped = {p.category for p in projs if p is not None and p.text is None}
    kept = [p for p in projs if p is None or p.text is not None]
    bad = [i for i, p in enumerate(kept) if p is None]
    want, ttls = [], []
    for p in kept:
        want.append((p, False))
        if p is not None:
            ttls.append(p.ttl)
            alg = _algorithm(p) if "algorithm-names" in quirks else None
            if alg is not None:
                want.append((Proj(p.rec, lit(ZEEK_ALGORITHM_NAMES.get(alg, "algorithm-%d" % alg))), True))
    result = {}
    zel = vector(zeek_ans)
    cats, problem = set(skipped), None
    if bad:
        problem = "dns-gazer rdata this test cannot read"
    elif len(zel) != len(want):
        ours = [p.element(True) for p, _ in want]
        diff = [d for d in difflib.ndiff(ours, zel) if d[:1] in "+-"]
        problem = "%d elements in Zeek's, %d expected: %s" % (len(zel), len(want), "; ".join(
            ("only Zeek " if d[0] == "+" else "only dns-gazer ") + d[2:] for d in diff))
    else:
        for z, (p, extra) in zip(zel, want):
            m = match_element(z, p, extra)
            if m is None:
                problem = "element %r, dns-gazer %r" % (z, p.element(False))
                break
            cats |= m
    result["answers"] = (cats, problem)
    zt = vector(zeek_ttls)
    if zt == ttls:
        result["TTLs"] = ({c for c in skipped}, None)
    else:
        result["TTLs"] = (set(), "TTLs %s, expected %s" % (zt, ttls))
    return result


def _algorithm(proj):
    t = proj.rec["type"]
    if t not in ("DNSKEY", "RRSIG"):
        return None
    toks = tokens(proj.rec.get("data", ""))
    return int(toks[2] if t == "DNSKEY" else toks[1])


def compare_set(zeek_val, projs):
    """auth/addl (Zeek sets) -> (categories, problem or None)."""
    skipped = {p.category for p in projs if p is not None and p.text is None}
    kept = [p for p in projs if p is not None and p.text is not None]
    if any(p is None for p in projs):
        return set(), "dns-gazer rdata this test cannot read"
    cats, left = set(skipped), list(kept)
    for z in set(vector(zeek_val)):
        for p in left:
            m = match_element(z, p)
            if m is not None:
                cats |= m
                break
        else:
            return set(), "element %r not among dns-gazer's %s" % (z, sorted({p.element(True) for p in kept}))
        # Every record with this rendering is accounted for (a set).
        left = [q for q in left if match_element(z, q) is None]
    if left:
        return set(), "dns-gazer's %s missing" % sorted({p.element(True) for p in left})
    return cats, None


def pair_score(zl, row, cols):
    """None when the line cannot be this transaction, else how many
    columns agree (case-insensitively) - to pair lines with transactions."""
    ev = row.ev
    if "trans_id" in zl and zl["trans_id"] != str(ev.get("tx_id")):
        return None
    ends = {(ev["client_addr"], str(ev["client_port"])), (ev["server_addr"], str(ev["server_port"]))}
    if "id.orig_h" in zl and "id.resp_h" in zl:
        if "id.orig_p" in zl and "id.resp_p" in zl:
            if {(zl["id.orig_h"], zl["id.orig_p"]), (zl["id.resp_h"], zl["id.resp_p"])} != ends:
                return None
        elif {zl["id.orig_h"], zl["id.resp_h"]} != {a for a, _ in ends}:
            return None
    score = 0
    answers = ",".join(p.element(True) or "" for p in row.ctx.answers if p and p.text is not None)
    for c in cols:
        ours = answers if c == "answers" else row.cells.get(c)
        if ours is not None and zl.get(c, "").lower() == ours.lower():
            score += 1
    return score


class Totals:
    def __init__(self):
        self.captures = self.zeek_lines = self.gazer_lines = self.paired = 0
        self.zeek_only = self.gazer_only = 0      # lines only one side has
        self.cells = self.agree = self.explained = self.disagree = 0
        self.category = Counter()           # category -> cells/lines it explains
        self.unexplained = []
        self.errors = []


def run_gazer(gazer, pcap, tsv=False):
    """dns-gazer's tx events of a capture -> (exit status, stderr, events,
    tx.log blocks or None).  tsv: also write tx.log in a scratch directory
    and read it back."""
    with tempfile.TemporaryDirectory(prefix="zeekcheck.") as tmp:
        extra = ["-w", tmp] if tsv else []
        p = subprocess.run([gazer, "-r", pcap] + GAZER_ARGS + extra, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        blocks = zeeklog.read_log(os.path.join(tmp, "tx.log")) if tsv else None
    events = []
    for line in p.stdout.decode("utf-8", "surrogateescape").splitlines():
        parts = line.split("\t", 2)
        if len(parts) == 3 and parts[1] == TX_TAG:
            events.append(json.loads(parts[2]))
    return p.returncode, p.stderr.decode("utf-8", "replace").strip(), events, blocks


# ---------------------------------------------------------------- the TSV log
#
# What dns-gazer's tx.log must hold for a tx event, written out here from
# the event and DESIGN.md, not from dns-gazer's C code.

# Zeek's dns.log columns, in order, with their types.
ZEEK_DNS_LOG = [
    ("ts", "time"), ("uid", "string"), ("id.orig_h", "addr"), ("id.orig_p", "port"),
    ("id.resp_h", "addr"), ("id.resp_p", "port"), ("proto", "enum"), ("trans_id", "count"),
    ("rtt", "interval"), ("query", "string"), ("qclass", "count"), ("qclass_name", "string"),
    ("qtype", "count"), ("qtype_name", "string"), ("rcode", "count"), ("rcode_name", "string"),
    ("AA", "bool"), ("TC", "bool"), ("RD", "bool"), ("RA", "bool"), ("Z", "count"),
    ("answers", "vector[string]"), ("TTLs", "vector[interval]"), ("rejected", "bool"),
    ("opcode", "count"), ("opcode_name", "string")]
EDNS_COLUMNS = ["udp_size", "do", "version", "cookie", "ecs", "ede", "keepalive", "nsid",
                "other", "padding"]
NAME_ONLY_TYPES = {"NS", "CNAME", "PTR", "DNAME"}


def tsv_str(text, element=False):
    """A string as Zeek's ASCII writer escapes it (see the module docstring
    of zeeklog.py); '' is the empty field."""
    if text == "":
        return "(empty)"
    raw = text.encode("utf-8", "surrogateescape")
    out = []
    for i, b in enumerate(raw):
        lookalike = i == 0 and text in ("-", "(empty)")
        if b == 0x5C:
            out.append("\\\\")
        elif b < 0x20 or b >= 0x7F or (element and b == 0x2C) or lookalike:
            out.append("\\x%02x" % b)
        else:
            out.append(chr(b))
    return "".join(out)


def strip_root(name):
    """A presentation name without the root's dot (an escaped dot stays)."""
    if not name.endswith("."):
        return name
    body = name[:-1]
    backslashes = len(body) - len(body.rstrip("\\"))
    return body if backslashes % 2 == 0 else name


def tsv_vector(recs, ttls=False):
    if not recs:
        return "-"
    if ttls:
        return ",".join("%.6f" % r.get("ttl", 0) for r in recs)
    return ",".join(tsv_str(strip_root(r["data"]) if r["type"] in NAME_ONLY_TYPES else r["data"],
                            element=True) for r in recs)


def expected_tsv(row):
    """{column: raw cell} dns-gazer's tx.log must hold for row's event."""
    ev, c = row.ev, row.ctx
    rrecs = ev.get("reply", [])
    if c.opcode == 5:
        answers = [r for r in rrecs if r["section"] in ("prerequisite", "update")]
        auth = []
    else:
        answers = [r for r in rrecs if r["section"] == "answer"]
        auth = [r for r in rrecs if r["section"] == "authority"]
    addl = [r for r in rrecs if r["section"] == "additional"]
    want = dict(row.cells)
    want.pop("original_query", None)
    t = ev.get("query_ts", ev.get("reply_ts"))
    want["ts"] = "%.6f" % t
    want["query"] = tsv_str(strip_root(c.question["name"])) if c.question else "-"
    want["answers"], want["TTLs"] = tsv_vector(answers), tsv_vector(answers, ttls=True)
    want["auth"], want["addl"] = tsv_vector(auth), tsv_vector(addl)
    want["status"] = ev["status"]
    for side in ("query", "reply"):
        seen = side + "_ts" in ev
        want[side + "_ts"] = "%.6f" % ev[side + "_ts"] if seen else "-"
        want[side + "_flags"] = tsv_str(ev[side + "_flags"]) if seen else "-"
        want[side + "_malformed"] = ev.get(side + "_malformed", "-")
        edns = ev.get(side + "_edns")
        for k in EDNS_COLUMNS:
            v = edns.get(k) if edns else None
            want["%s_edns_%s" % (side, k)] = ("-" if v is None else ("T" if v else "F")
                                             if isinstance(v, bool) else str(v) if isinstance(v, int)
                                             else tsv_str(v))
    return want


def check_tsv(rel, rows, blocks, t):
    """Check tx.log against the events; on success put its cells into
    the rows for the baseline comparison."""
    if len(blocks) != 1 or blocks[0].closed is None:
        t.errors.append("%s: tx.log has %d header blocks, #close %s" % (
            rel, len(blocks), blocks[0].closed if blocks else None))
        return
    b = blocks[0]
    if b.path != "tx" or list(zip(b.fields, b.types))[:len(ZEEK_DNS_LOG)] != ZEEK_DNS_LOG:
        t.errors.append("%s: tx.log does not start with Zeek's dns.log columns" % rel)
        return
    if len(b.rows) != len(rows):
        t.errors.append("%s: tx.log has %d lines, -t %d tx events" % (rel, len(b.rows), len(rows)))
        return
    uids = {}
    for row, cells in zip(rows, b.rows):
        got = dict(zip(b.fields, cells))
        want = expected_tsv(row)
        for col in b.fields:
            if col == "uid":
                continue
            if col not in want:
                t.errors.append("%s: tx.log column %s not checked by this test" % (rel, col))
                return
            if got[col] != want[col]:
                t.errors.append("%s: %s: tx.log %s %r, expected %r" % (
                    rel, row.describe(), col, got[col], want[col]))
        ev = row.ev
        flow = (ev["proto"], ev["client_addr"], ev["client_port"], ev["server_addr"], ev["server_port"])
        if not re.match(r"^C[0-9A-Za-z]{17}$", got["uid"]) or uids.setdefault(flow, got["uid"]) != got["uid"]:
            t.errors.append("%s: %s: uid %r is not one per flow" % (rel, row.describe(), got["uid"]))
        row.cells.update({k: v for k, v in got.items() if k in row.cells})
        row.tsv = got
    if len(set(uids.values())) != len(uids):
        t.errors.append("%s: two flows share a uid" % rel)


def check_capture(corpus, gazer, rel, baseline, t, verbose, tsv=False):
    label = "%s (%s)" % (rel, os.path.relpath(baseline, os.path.join(corpus, "pcaps", "zeek", "expected")))
    quirks = BTEST_QUIRKS.get(os.path.basename(os.path.dirname(baseline)), set())
    cols, zlines = read_baseline(baseline)
    compared = [c for c in cols if c in SHARED]
    unknown = [c for c in cols if c not in SHARED and c not in MASKED]
    try:
        rc, err, events, blocks = run_gazer(gazer, os.path.join(corpus, "pcaps", rel), tsv)
    except (OSError, subprocess.TimeoutExpired, zeeklog.LogError) as e:
        t.errors.append("%s: cannot run %s or read its tx.log: %s" % (rel, gazer, e))
        return
    if rc != 0:
        t.errors.append("%s: dns-gazer exit %d: %s" % (rel, rc, err))
    t.captures += 1
    rows = [Row(ev, i) for i, ev in enumerate(events)]
    capture = Capture(os.path.join(corpus, "pcaps", rel))
    for r in rows:
        r.capture_rows, r.capture = rows, capture
        for e in r.errors:
            t.errors.append("%s: %s: %s" % (rel, r.describe(), e))
    if tsv:
        check_tsv(rel, rows, blocks, t)
        # Only the columns the log has are compared with the baseline.
        unknown += [c for c in compared if c not in dict(ZEEK_DNS_LOG) and c not in ("auth", "addl")]
        compared = [c for c in compared if c in dict(ZEEK_DNS_LOG) or c in ("auth", "addl")]
    t.zeek_lines += len(zlines)
    t.gazer_lines += len(rows)

    # Pair: best agreement first, ties in order of appearance.
    scored = []
    for zi, (_, zl) in enumerate(zlines):
        for ri, row in enumerate(rows):
            s = pair_score(zl, row, compared)
            if s is not None:
                scored.append((-s, zi, ri))
    zpaired, pairs = {}, []
    for _, zi, ri in sorted(scored):
        if zi in zpaired or rows[ri].paired:
            continue
        zpaired[zi] = ri
        rows[ri].paired = True
        pairs.append((zi, ri))

    results = []        # (Finding, the categories explaining it; empty: unexplained)
    cells = agree = 0
    for zi, ri in sorted(pairs):
        lineno, zl = zlines[zi]
        row = rows[ri]
        t.paired += 1
        special = compare_answers(zl.get("answers", "-"), zl.get("TTLs", "-"), row.ctx.answers, quirks)
        special["auth"] = compare_set(zl.get("auth", "-"), row.ctx.auth)
        special["addl"] = compare_set(zl.get("addl", "-"), row.ctx.addl)
        for col in compared:
            cells += 1
            if col in special:
                cats, problem = special[col]
                ours = getattr(row, "tsv", {}).get(col, "?") if tsv else row.vector_cell(col)
                if problem is None:
                    if cats:
                        results.append((Finding("element", rel, col, zl[col], ours, row, zl, lineno), cats))
                    else:
                        agree += 1
                else:
                    results.append((Finding("cell", rel, col, zl[col], ours, row, zl, lineno, note=problem), set()))
                continue
            ours = row.cells[col]
            if zl[col] == ours:
                agree += 1
                continue
            f = Finding("cell", rel, col, zl[col], ours, row, zl, lineno)
            c = f.category()
            results.append((f, {c} if c else set()))
    for zi, (lineno, zl) in enumerate(zlines):
        if zi not in zpaired:
            f = Finding("zeek-only", rel, zline=zl, lineno=lineno)
            c = f.category()
            results.append((f, {c} if c else set()))
    for row in rows:
        if not row.paired:
            f = Finding("gazer-only", rel, row=row)
            c = f.category()
            results.append((f, {c} if c else set()))

    explained = 0
    here = Counter()
    for f, cats in results:
        for c in cats:
            t.category[c] += 1
            here[c] += 1
        if cats:
            explained += f.kind in ("cell", "element")
        else:
            t.unexplained.append(f)
        if verbose > 1 or (verbose and not cats):
            print("  %s %s" % ("[%s]" % ",".join(sorted(cats)) if cats else "DISAGREE", f.describe()))
    t.cells += cells
    t.agree += agree
    t.explained += explained
    t.disagree += cells - agree - explained
    zonly = sum(1 for f, _ in results if f.kind == "zeek-only")
    gonly = sum(1 for f, _ in results if f.kind == "gazer-only")
    t.zeek_only += zonly
    t.gazer_only += gonly
    print("%-62s lines %2d/%2d paired %2d; cells %4d: agree %4d, exception %3d, DISAGREE %d; "
          "only Zeek %d, only dns-gazer %d%s" % (
              label, len(zlines), len(rows), len(pairs), cells, agree, explained,
              cells - agree - explained, zonly, gonly,
              "; columns not compared: " + ", ".join(unknown) if unknown else ""))
    if here:
        print("    exceptions: " + ", ".join("%s %d" % kv for kv in sorted(here.items())))


def report(t):
    print("zeekcheck: dns-gazer vs Zeek's dns.log baselines; captures: %d" % t.captures)
    print("  lines: Zeek %d, dns-gazer %d, paired %d; only Zeek %d, only dns-gazer %d"
          % (t.zeek_lines, t.gazer_lines, t.paired, t.zeek_only, t.gazer_only))
    print("  cells compared %d: agree %d, agree within an exception %d, DISAGREE %d"
          % (t.cells, t.agree, t.explained, t.disagree))
    print("  exceptions (cells or lines explained, by category):")
    for name, (reason, _) in EXCEPTIONS.items():
        print("    %-33s %4d  %s" % (name, t.category[name], reason))
    for e in t.errors:
        print("  ERROR: %s" % e)
    if t.unexplained:
        print("  UNEXPLAINED DIFFERENCES: %d; the first %d:" % (len(t.unexplained), min(20, len(t.unexplained))))
        for f in t.unexplained[:20]:
            print("    " + f.describe())
    print("zeekcheck: %s" % ("FAIL" if t.unexplained or t.errors else "ok"))


DNS_LOG_RE = re.compile(r"^dns(\.[A-Za-z0-9_-]+)?\.log(\.cut)?$")


def captures_with_dns_log(corpus):
    """(capture under pcaps/, its dns.log baseline) for every Zeek capture
    whose INDEX.tsv row names a dns.log among its expected outputs.  A
    btest that makes one log per capture (dns.<name>.log) is matched on
    the capture's name."""
    out = []
    with open(os.path.join(corpus, "INDEX.tsv"), encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        col = header.index("expected_output_from_source")
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if not f[0].startswith("pcaps/zeek/"):
                continue
            logs = [p for p in f[col].split() if DNS_LOG_RE.match(os.path.basename(p))]
            if len(logs) > 1:
                stem = os.path.basename(f[0]).split(".")[0]
                logs = [p for p in logs if DNS_LOG_RE.match(os.path.basename(p)).group(1) == "." + stem]
            if len(logs) == 1:
                out.append((f[0][len("pcaps/"):], os.path.join(corpus, logs[0])))
    return out


def main():
    ap = argparse.ArgumentParser(
        description="Compare dns-gazer's transactions with Zeek's dns.log baselines of the corpus.",
        epilog="Exit status: 0 every difference explained, 1 unexplained differences or errors, "
               "2 usage.")
    ap.add_argument("--corpus", default=os.environ.get("DNS_GAZER_CORPUS"),
                    help="the shared corpus directory (default: $DNS_GAZER_CORPUS)")
    ap.add_argument("--gazer", default=os.environ.get("DNS_GAZER", "dns-gazer"),
                    help="the dns-gazer binary (default: $DNS_GAZER, else dns-gazer)")
    ap.add_argument("--tsv", action="store_true",
                    help="also check dns-gazer's Zeek-format tx.log (-w) and compare its cells")
    ap.add_argument("-v", "--verbose", action="count", default=0,
                    help="every disagreement; twice: every exception too")
    ap.add_argument("captures", nargs="*", metavar="CAPTURE",
                    help="name under corpus/pcaps such as zeek/dns53.pcap (default: every Zeek "
                         "capture with a dns.log baseline)")
    args = ap.parse_args()
    if not args.corpus or not os.path.isfile(os.path.join(args.corpus, "INDEX.tsv")):
        ap.error("no corpus with an INDEX.tsv (use --corpus or DNS_GAZER_CORPUS)")
    corpus = os.path.abspath(args.corpus)
    if not shutil.which(args.gazer):
        ap.error("cannot run dns-gazer %s (use --gazer or DNS_GAZER)" % args.gazer)
    todo = captures_with_dns_log(corpus)
    if args.captures:
        want = {c[len("pcaps/"):] if c.startswith("pcaps/") else c for c in args.captures}
        todo = [(c, b) for c, b in todo if c in want]
        missing = want - {c for c, _ in todo}
        if missing:
            ap.error("no dns.log baseline for %s" % ", ".join(sorted(missing)))
    if not todo:
        ap.error("no Zeek capture with a dns.log baseline in %s/INDEX.tsv" % corpus)
    totals = Totals()
    for rel, baseline in todo:
        check_capture(corpus, args.gazer, rel, baseline, totals, args.verbose, args.tsv)
    report(totals)
    return 1 if totals.unexplained or totals.errors else 0


if __name__ == "__main__":
    sys.exit(main())
