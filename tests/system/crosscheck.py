#!/usr/bin/env python3
"""Cross-check dns-gazer's record decoding against tshark's.

For each capture of the shared corpus, run dns-gazer with record logs and
compare every record it logs of DNS over UDP and TCP (mDNS, LLMNR too)
with tshark's independent decode of the same capture
(corpus/reference/<capture>.tsv, from reference.sh -x).  Messages are
matched on (time, source, destination, ports, DNS id, QR), and their rcode
(with the EDNS extended bits), proto and EDNS fields checked; records
inside a message are aligned on (section, type) and compared on section,
owner name, type, class, TTL and rdata.  Messages only one side has are
counted by reason.

Where dns-gazer prints rdata as RFC 3597 `\\# LEN HEX`, its bytes are
checked against the raw rdata tshark saw (the reference's rdata_hex
column), so types dns-gazer does not render yet are still checked exactly;
where tshark shows only bytes and dns-gazer renders (URI, WKS, TSIG, TKEY,
LOC), the bytes are decoded here.

Every difference must fall in a category of EXCEPTIONS below, which says
why it is not a dns-gazer bug; anything else is a disagreement and fails
(exit 1).  Python 3 standard library only.

  crosscheck.py --corpus DIR [--gazer BIN] [-v|-vv] [CAPTURE...]
"""

import argparse
import base64
import codecs
import difflib
import ipaddress
import json
import os
import re
import shutil
import struct
import subprocess
import sys
from collections import Counter, OrderedDict

SECTIONS = {"QD": "question", "AN": "answer", "NS": "authority", "AR": "additional"}
# Frames checked by hand (tcpdump: "truncated-ip6 - 110 bytes missing") whose
# IP header claims more than the frame holds.
LYING_LENGTH_FRAMES = {("zeek/dns-edns-ecs-bad.pcap", 4)}
UPDATE_SECTIONS = {"zone": "question", "prerequisite": "answer", "update": "authority"}
# Reference messages compared: DNS over UDP and TCP, mDNS and LLMNR
# included (tshark clears the mDNS class top bit as dns-gazer does).
SCOPE = {(t, a) for t in ("udp", "tcp") for a in ("dns", "mdns", "llmnr")}

# Types dns-gazer has always rendered in presentation form: for these a
# generic `\# LEN HEX` is accepted only where tshark could not render the
# rdata either.  Other types may come out either way (bytes are checked).
RENDERED = {"A", "AAAA", "NS", "CNAME", "PTR", "DNAME", "MD", "MF", "MB", "MG", "MR",
            "MX", "SOA", "TXT", "SPF", "SRV"}
NAME_RDATA = {"NS", "CNAME", "PTR", "DNAME", "MD", "MF", "MB", "MG", "MR"}
# Types tshark renders with domain names inside, and which of the rdata's
# space-separated fields those names are.
NAME_FIELDS = {"MX": (1,), "SOA": (0, 1), "SRV": (3,), "NAPTR": (5,), "RRSIG": (7,), "SIG": (7,),
               "NSEC": (0,), "SVCB": (1,), "HTTPS": (1,)}

GENERIC_RE = re.compile(r"^\\# \d+( [0-9A-F]+)?$")


# ---------------------------------------------------------------- exceptions
#
# name -> (reason, predicate).  A predicate gets a Finding (see below) and
# says whether its category explains it; the first match wins.  Each
# predicate checks what it can rather than trusting the category: the OPT
# one recomputes the EDNS fields, the name one re-renders dns-gazer's name
# by tshark's rules, the malformed ones need tshark's own malformed flag.

def _opt_edns_fields(f):
    """OPT: class and TTL hold EDNS fields, which tshark decodes instead.

    tshark prints class and TTL as '-' and the rdata as `udp=... opts=[...]`;
    an OPT record dns-gazer logs as a record has CLASS<udp size>, the raw
    32-bit TTL, and generic rdata (checked byte for byte elsewhere).  The
    values must encode what tshark decoded, so OPT is verified, not skipped.
    """
    if f.kind != "field" or f.ref.get("type") != "OPT" or f.ours.get("type") != "OPT":
        return False
    m = re.match(r"udp=(\d+) ext_rcode=(\d+) version=(\d+) do=([01]) z=0x([0-9a-f]+)", f.ref["rdata"])
    if not m:
        return False
    udp, ext, ver, do, z = (int(m.group(i), 16 if i == 5 else 10) for i in range(1, 6))
    if f.field == "class":
        return f.our_val in ("CLASS%d" % udp, CLASSES.get(udp))
    if f.field == "ttl":
        return f.our_val == (ext << 24) | (ver << 16) | (do << 15) | z
    return False


def _odd_label_name(f):
    """A name with bytes tshark renders lossily, equal under tshark's rules."""
    return f.kind == "field" and f.field in ("name", "rdata") and f.lenient_equal


def _empty_rdata(f):
    """Record with RDLENGTH 0 of a type tshark renders field by field (an
    RFC 2136 prerequisite or delete, or junk in a malformed message):
    reference.sh prints '?' for the name tshark did not find, dns-gazer
    the RFC 3597 empty form."""
    return (f.kind == "field" and f.field == "rdata" and f.ref_val == "?"
            and f.ref["rdata_hex"] == "-" and f.our_val == "\\# 0")


def _malformed_message_tail(f):
    """Records only one side has, at the end of a message tshark flags
    malformed: one decoder stopped at the damage, the other went on.

    tshark gives up at the first record it cannot dissect (e.g. an EDNS
    option longer than its OPT record) or follows the header counts past
    the end; dns-gazer skips a record whose rdata alone is bad, stops at
    the first record it cannot delimit, and flags the message malformed.
    A record missing in the middle of a message is not explained by this.
    """
    return (f.kind in ("missing-record", "extra-record") and f.at_tail
            and "malformed" in f.msg["notes"])


def _unreadable_question(f):
    """A message whose first question tshark cannot read either.

    dns-gazer logs only the header of such a message (its tx event says
    bad_question; there is no record to log), or drops it when even the
    header is short; tshark prints what it can, flagged malformed or with an
    error text as name.
    """
    return f.kind == "missed" and f.msg["first_qd_bad"]


EXCEPTIONS = OrderedDict([
    ("opt-as-edns-fields",
     ("OPT record not logged as a record: dns-gazer logs it as edns_* fields on every record "
      "of the message, each checked against tshark's OPT decode and the raw option bytes.",
      lambda f: (f.kind == "missing-record" and f.ref.get("type") == "OPT"
                 and f.msg.get("edns_as_fields", False)))),
    ("edns-truncated-option",
     ("EDNS option longer than the OPT rdata (tshark flags the message malformed): tshark "
      "shows it cut short, dns-gazer drops it; the options before it are checked.",
      lambda f: (f.kind == "header" and f.field == "edns-truncated-option"
                 and "malformed" in f.msg["notes"]))),
    ("opt-edns-fields",
     ("OPT logged as a plain record (one that is not the message's EDNS, or every OPT in a "
      "dns-gazer without EDNS fields): class = UDP size, TTL = ext-rcode/version/DO/Z where "
      "tshark prints '-'; checked equal to tshark's EDNS decode (rdata checked as bytes).",
      _opt_edns_fields)),
    ("odd-label-name",
     ("name with bytes tshark renders lossily (unescaped '.', space, '\\', '\"'; C escapes; "
      "U+FFFD): equal once dns-gazer's name is rendered by tshark's rules.",
      _odd_label_name)),
    ("empty-rdata",
     ("RDLENGTH 0 in a type tshark renders by fields (UPDATE prerequisite/delete, junk): "
      "tshark prints '?', dns-gazer '\\# 0'.",
      _empty_rdata)),
    ("malformed-message-tail",
     ("records only one side has at the end of a message tshark flags malformed: tshark "
      "stops at the damage or reads on by the header counts; dns-gazer keeps what it can "
      "delimit.",
      _malformed_message_tail)),
    ("unreadable-question",
     ("message whose first question tshark cannot read either (malformed, pointer loop): "
      "dns-gazer logs only its header (tx event, query_malformed/reply_malformed "
      "bad_question) and no record event (stats bad_question), or drops it when even the "
      "12-byte header is missing (short_header).",
      _unreadable_question)),
    ("no-records",
     ("message with no question and no records: a record log has nothing to show for it.",
      lambda f: f.kind == "missed" and not f.msg["records"] and not f.msg["first_qd_bad"])),
    ("tshark-lost-tcp-framing",
     ("DNS over TCP in a stream caught without its start or with a hole (dnscap's nosyn and "
      "bighole captures): tshark loses the framing of that direction, dns-gazer resynchronises; "
      "accepted only when tshark decoded the other half (same id, ends swapped) with the "
      "same question.",
      lambda f: f.kind == "extra" and f.ours.get("proto") == "tcp" and f.counterpart)),
    ("lying-ip-length",
     ("frame whose IP payload length claims more bytes than the frame carried on the wire "
      "(caplen = len, so not a short snap length): a receiving host drops such a datagram, "
      "so dns-gazer counts it (skipped.bad_length) instead of logging a message the client "
      "never accepted; tshark decodes the bytes that are there.  Listed by frame.",
      lambda f: f.kind == "missed" and (f.capture, f.msg["frame"]) in LYING_LENGTH_FRAMES)),
    ("unsupported-link",
     ("capture of a link type dns-gazer does not decode (FDDI): refused with exit 1 and a "
      "message naming the link type, so its messages are not logged.",
      lambda f: f.kind in ("refused", "missed")
      and re.search(r"link type \d+ is not supported", f.note) is not None)),
])


# ---------------------------------------------------------------- names

CLASSES = {1: "IN", 3: "CH", 4: "HS", 254: "NONE", 255: "ANY"}
RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED",
          6: "YXDOMAIN", 7: "YXRRSET", 8: "NXRRSET", 9: "NOTAUTH", 10: "NOTZONE", 11: "DSOTYPENI",
          16: "BADVERS", 17: "BADKEY", 18: "BADTIME", 19: "BADMODE", 20: "BADNAME", 21: "BADALG",
          22: "BADTRUNC", 23: "BADCOOKIE"}
C_ESCAPES = {7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r"}
# The contract's escaping of names: \X for these, \DDD outside 0x21-0x7e,
# every other byte as itself.
NAME_SPECIALS = '.\\";()@$'


def unescape(text, i, specials):
    """RFC 1035 escape at text[i] == '\\' -> (byte value, next index).

    Only the escapes the contract allows: \\DDD for a byte outside
    0x21-0x7e, or \\X for X in specials; anything else raises ValueError."""
    ddd = text[i + 1:i + 4]
    if len(ddd) == 3 and ddd.isdigit():
        b = int(ddd)
        if b > 255 or 0x21 <= b <= 0x7E:
            raise ValueError("needless or bad \\DDD escape")
        return b, i + 4
    if i + 1 >= len(text) or text[i + 1] not in specials:
        raise ValueError("bad escape")
    return ord(text[i + 1]), i + 2


def plain(c, specials):
    """Whether dns-gazer may write character c unescaped."""
    return "\x21" <= c <= "\x7e" and c not in specials


def parse_name(text):
    """dns-gazer's presentation name -> (labels as bytes, had_escapes).

    Raises ValueError unless the name is absolute (ends with an unescaped
    dot) and escaped exactly as the product contract says."""
    if text == ".":
        return [], False
    labels, cur, esc, i = [], bytearray(), False, 0
    while i < len(text):
        if text[i] == "\\":
            b, i = unescape(text, i, NAME_SPECIALS)
            cur.append(b)
            esc = True
        elif text[i] == ".":
            labels.append(bytes(cur))
            cur = bytearray()
            i += 1
        elif plain(text[i], NAME_SPECIALS):
            cur.append(ord(text[i]))
            i += 1
        else:
            raise ValueError("unescaped %r" % text[i])
    if cur or not labels or not all(labels):
        raise ValueError("not an absolute name")
    return labels, esc


def tshark_text(raw):
    """Bytes as tshark shows them in names: printable ASCII unescaped,
    control bytes as C escapes, valid UTF-8 kept, other bytes U+FFFD."""
    out, pending = [], bytearray()

    def flush():
        out.append(codecs.decode(bytes(pending), "utf-8", "replace"))
        pending.clear()

    for b in raw:
        if b >= 0x80:
            pending.append(b)
            continue
        flush()
        out.append(chr(b) if 0x20 <= b < 0x7F else C_ESCAPES.get(b, "\\%03o" % b))
    flush()
    return "".join(out)


def name_as_tshark(text):
    """dns-gazer's name -> (how the reference prints it, lossy?).

    Raises ValueError when it is not the contract's presentation form."""
    if not isinstance(text, str):
        raise ValueError("no name")
    labels, esc = parse_name(text)
    if not labels:
        return ".", False
    return ".".join(tshark_text(lab) for lab in labels), esc


# ---------------------------------------------------------------- rdata
#
# Where tshark renders rdata, dns-gazer's rendering is turned into the
# reference's conventions (names without trailing dot, strings as tshark
# shows them, SvcParam values unquoted) and compared as text.  Where tshark
# shows only bytes, the bytes are decoded here into presentation form for
# the types whose presentation is simple and fixed (decode_rdata).

def tokens(text):
    """Split presentation rdata on unquoted spaces; quotes stay in tokens."""
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
    if quoted:
        raise ValueError("unterminated quote")
    out.append("".join(cur))
    return out


def parse_quoted(token):
    """A quoted character-string of dns-gazer's -> (bytes, had \\DDD escapes).

    Inside quotes only '"' and '\\' take \\X, other bytes outside
    0x20-0x7e are \\DDD, and a space is itself."""
    if len(token) < 2 or token[0] != '"' or token[-1] != '"':
        raise ValueError("not a quoted string")
    body, cur, esc, i = token[1:-1], bytearray(), False, 0
    while i < len(body):
        if body[i] == "\\":
            b, i = unescape(body, i, '"\\')
            esc |= chr(b) not in '"\\'
            cur.append(b)
        elif plain(body[i], '"\\') or body[i] == " ":
            cur.append(ord(body[i]))
            i += 1
        else:
            raise ValueError("unescaped %r" % body[i])
    return bytes(cur), esc


def quote_as_reference(raw):
    """reference.sh quotes tshark's string, escaping only '\\' and '"'."""
    return '"' + tshark_text(raw).replace("\\", "\\\\").replace('"', '\\"') + '"'


def rdata_as_tshark(rtype, data):
    """dns-gazer's rendered rdata -> (the reference's rendering, lossy?).

    Raises ValueError when dns-gazer's text is not valid presentation."""
    if rtype in NAME_RDATA:
        return name_as_tshark(data)
    toks, lossy = tokens(data), False
    for i in NAME_FIELDS.get(rtype, ()):
        if i >= len(toks):
            raise ValueError("too few fields")
        toks[i], name_lossy = name_as_tshark(toks[i])
        lossy |= name_lossy
    for i, tok in enumerate(toks):
        param = re.match(r'^([a-z0-9-]+)=(".*")$', tok) if rtype in ("SVCB", "HTTPS") else None
        if param:
            # RFC 9460 lets a SvcParam value be quoted; tshark never quotes.
            raw, esc = parse_quoted(param.group(2))
            toks[i], lossy = "%s=%s" % (param.group(1), tshark_text(raw)), lossy or esc
        elif tok.startswith('"'):
            raw, esc = parse_quoted(tok)
            toks[i], lossy = quote_as_reference(raw), lossy or esc
    return " ".join(toks), lossy


def present_name(wire, off=0):
    """An uncompressed wire name -> (contract presentation, next offset)."""
    labels = []
    while True:
        n = wire[off]
        if n == 0:
            break
        if n > 63:
            raise ValueError("compressed or bad label")
        lab = "".join("\\" + chr(b) if chr(b) in NAME_SPECIALS else
                      chr(b) if 0x21 <= b <= 0x7E else "\\%03d" % b for b in wire[off + 1:off + 1 + n])
        labels.append(lab)
        off += 1 + n
    return ".".join(labels) + ".", off + 1


def loc_text(raw):
    """RFC 1876 LOC -> presentation as dig prints it, or None."""
    if len(raw) != 16 or raw[0] != 0:
        return None
    size, hp, vp, lat, lon, alt = struct.unpack(">BBBIII", raw[1:])

    def metres(b):
        mant, exp = b >> 4, b & 15
        if mant > 9 or exp > 9:
            raise ValueError("bad precision")
        cm = mant * 10 ** exp
        return "%d%sm" % (cm // 100, ".%02d" % (cm % 100) if cm % 100 else "")

    def angle(v, pos, neg):
        v -= 1 << 31
        hemi, v = (pos if v >= 0 else neg), abs(v)
        return "%d %d %d.%03d %s" % (v // 3600000, v // 60000 % 60, v // 1000 % 60, v % 1000, hemi)

    cm = alt - 10000000
    return "%s %s %s%d.%02dm %s %s %s" % (angle(lat, "N", "S"), angle(lon, "E", "W"), "-" if cm < 0 else "",
                                          abs(cm) // 100, abs(cm) % 100, metres(size), metres(hp), metres(vp))


TSIG_ERRORS = {**RCODES, 16: "BADSIG"}   # RFC 8945: 16 is BADSIG here


def decode_rdata(rtype, hexstr):
    """Presentation form of rdata tshark shows only as bytes, for types
    whose form is simple and fixed; None for the others."""
    if hexstr in ("-", "?"):
        return None
    raw = bytes.fromhex(hexstr)
    try:
        if rtype == "URI":                      # RFC 7553
            prio, weight = struct.unpack(">HH", raw[:4])
            return "%d %d %s" % (prio, weight, quote_bytes(raw[4:]))
        if rtype == "WKS":                      # RFC 1035 3.4.2
            ports = [i * 8 + b for i, byte in enumerate(raw[5:]) for b in range(8) if byte & (0x80 >> b)]
            return " ".join([str(ipaddress.IPv4Address(raw[:4])), str(raw[4])] + [str(p) for p in ports])
        if rtype == "TSIG":                     # RFC 8945, as BIND prints it
            alg, off = present_name(raw)
            hi, lo, fudge, maclen = struct.unpack(">HIHH", raw[off:off + 10])
            mac = raw[off + 10:off + 10 + maclen]
            orig, err, olen = struct.unpack(">HHH", raw[off + 10 + maclen:off + 16 + maclen])
            other = raw[off + 16 + maclen:]
            if len(other) != olen:
                return None
            return " ".join([alg, str(hi << 32 | lo), str(fudge), str(maclen),
                             base64.b64encode(mac).decode(), str(orig),
                             TSIG_ERRORS.get(err, "RCODE%d" % err), str(olen)]
                            + ([base64.b64encode(other).decode()] if olen else []))
        if rtype == "TKEY":                     # RFC 2930, as BIND prints it
            alg, off = present_name(raw)
            inception, expiration, mode, err, keylen = struct.unpack(">IIHHH", raw[off:off + 14])
            key = raw[off + 14:off + 14 + keylen]
            olen = struct.unpack(">H", raw[off + 14 + keylen:off + 16 + keylen])[0]
            other = raw[off + 16 + keylen:]
            if len(key) != keylen or len(other) != olen:
                return None
            return " ".join([alg, str(inception), str(expiration), str(mode),
                             TSIG_ERRORS.get(err, "RCODE%d" % err), str(keylen),
                             base64.b64encode(key).decode(), str(olen)]
                            + ([base64.b64encode(other).decode()] if olen else []))
        if rtype == "LOC":
            return loc_text(raw)
    except (struct.error, IndexError, ValueError):
        return None
    return None


def reference_generic(ref):
    """The reference record's rdata in RFC 3597 form, from its raw bytes."""
    h = ref["rdata_hex"]
    if h in ("-", "?"):
        # reference.sh writes '-' for no bytes; trust it only when tshark's
        # own rendering agrees the rdata is empty.
        return "\\# 0" if ref["rdata"] == "\\# 0" or ref["type"] == "OPT" else None
    return "\\# %d %s" % (len(h) // 2, h)


# ---------------------------------------------------------------- EDNS
#
# dns-gazer turns a message's OPT record into edns_* fields on each of its
# records (DESIGN.md: EDNS fields).  The expected fields are built here
# from tshark's decode of the OPT header and from the raw OPT rdata bytes,
# following the formats dns_edns.h documents.

EDNS_RE = re.compile(r"udp=(\d+) ext_rcode=(\d+) version=(\d+) do=([01]) z=0x([0-9a-f]+) ")
EDNS_FIELDS = {3: "nsid", 8: "ecs", 10: "cookie", 11: "keepalive", 12: "padding", 15: "ede"}


def quote_bytes(raw):
    """A character-string as dns-gazer quotes it: \\DDD outside 0x20-0x7e."""
    out = []
    for b in raw:
        if b < 0x20 or b > 0x7E:
            out.append("\\%03d" % b)
        else:
            out.append(("\\" if chr(b) in '"\\' else "") + chr(b))
    return '"' + "".join(out) + '"'


def edns_option_text(code, data):
    """One option's value, or None when malformed (logged `\\# LEN HEX`)."""
    hexs = data.hex().upper()
    if code == 8:                                   # client subnet, RFC 7871
        if len(data) < 4:
            return None
        family, source, scope = struct.unpack(">HBB", data[:4])
        alen = {1: 4, 2: 16}.get(family)
        if not alen or source > alen * 8 or scope > alen * 8 or len(data) - 4 != (source + 7) // 8:
            return None
        addr = (data[4:] + bytes(alen))[:alen]
        return "%s/%d/%d" % (ipaddress.ip_address(addr), source, scope)
    if code == 15:                                  # extended error, RFC 8914
        if len(data) < 2:
            return None
        return "%d%s" % (struct.unpack(">H", data[:2])[0],
                         " " + quote_bytes(data[2:]) if len(data) > 2 else "")
    if code == 11:                                  # TCP keepalive, RFC 7828
        return {0: "", 2: str(int.from_bytes(data, "big"))}.get(len(data))
    if code == 12:                                  # padding, RFC 7830
        return str(len(data))
    if code == 10:                                  # cookie, RFC 7873
        return hexs if len(data) == 8 or 16 <= len(data) <= 40 else None
    if code == 3:                                   # NSID, RFC 5001
        return hexs
    return "%d:%s" % (code, hexs)


def edns_expected(opt):
    """Reference OPT record -> (expected edns_* fields, truncated option?)."""
    m = EDNS_RE.match(opt["rdata"])
    if not m:
        return None, False
    want = {"edns_udp_size": int(m.group(1)), "edns_version": int(m.group(3)),
            "edns_do": m.group(4) == "1"}
    raw = bytes.fromhex(opt["rdata_hex"]) if opt["rdata_hex"] not in ("-", "?") else b""
    i = 0
    while i < len(raw):
        if i + 4 > len(raw):
            return want, True
        code, n = struct.unpack(">HH", raw[i:i + 4])
        if i + 4 + n > len(raw):
            return want, True
        data = raw[i + 4:i + 4 + n]
        text = edns_option_text(code, data)
        if text is None:
            text = "\\# %d %s" % (n, data.hex().upper())
        key = "edns_" + EDNS_FIELDS.get(code, "other")
        want[key] = want[key] + " " + text if key in want else text
        i += 4 + n
    return want, False


def edns_matches(want, got):
    """Equal, but the name dns-gazer adds to an EDE code is not checked
    (it follows the IANA registry: `CODE (Name) "text"`)."""
    if set(want) != set(got):
        return False
    for k in want:
        w, g = want[k], got[k]
        if k == "edns_ede" and isinstance(g, str):
            g = re.sub(r"^(\d+) \([^()\"]*\)", r"\1", g)
        if w != g or type(w) is not type(g):
            return False
    return True


# ---------------------------------------------------------------- pcap
#
# Diagnostics only: for a message dns-gazer did not log, say what is
# special about its frame (fragment, tunnel, link type), to point at the
# code to look at.  It explains nothing away.

def read_pcap(path):
    """(linktype, frame bytes) of every frame of a pcap or pcapng file."""
    with open(path, "rb") as fh:
        data = fh.read()
    magic = data[:4]
    if magic == b"\x0a\x0d\x0d\x0a":
        return list(_read_pcapng(data))
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        return []
    linktype = struct.unpack(end + "I", data[20:24])[0] & 0x0FFFFFFF
    frames, off = [], 24
    while off + 16 <= len(data):
        caplen = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        frames.append((linktype, data[off + 16:off + 16 + caplen]))
        off += 16 + caplen
    return frames


def _read_pcapng(data):
    end, links, off = "<", [], 0
    while off + 12 <= len(data):
        if data[off:off + 4] == b"\x0a\x0d\x0d\x0a":        # section header
            end = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            links = []
        btype, blen = struct.unpack(end + "II", data[off:off + 8])
        if blen < 12:
            return
        body = data[off + 8:off + blen - 4]
        if btype == 1:                                        # interface
            links.append(struct.unpack(end + "H", body[:2])[0])
        elif btype == 6:                                      # enhanced packet
            ifid, _, _, caplen = struct.unpack(end + "IIII", body[:16])
            yield (links[ifid] if ifid < len(links) else -1), body[20:20 + caplen]
        elif btype == 3:                                      # simple packet
            yield (links[0] if links else -1), body[4:]
        off += blen


def outer_ip(linktype, frame):
    """Walk the common link layers to the first IP header.

    Returns (offset, IP version), or (None, why) for what it cannot decode."""
    try:
        if linktype == 1:                                     # Ethernet, VLAN, QinQ
            off, etype = 14, struct.unpack(">H", frame[12:14])[0]
            while etype in (0x8100, 0x88A8, 0x9100):
                etype = struct.unpack(">H", frame[off + 2:off + 4])[0]
                off += 4
        elif linktype == 113:                                 # Linux cooked v1
            off, etype = 16, struct.unpack(">H", frame[14:16])[0]
        elif linktype == 276:                                 # Linux cooked v2
            off, etype = 20, struct.unpack(">H", frame[0:2])[0]
        elif linktype in (0, 108):                            # BSD null / loop
            fam = struct.unpack("<I", frame[:4])[0]
            if fam > 0xFFFF:
                fam = struct.unpack(">I", frame[:4])[0]
            if fam == 2:
                return 4, 4
            if fam in (10, 24, 28, 30):
                return 4, 6
            return None, "link-null-family%d" % fam
        elif linktype in (12, 14, 101, 228, 229):             # raw IP
            return 0, frame[0] >> 4
        else:
            return None, "link-type%d" % linktype
    except (struct.error, IndexError):
        return None, "link-truncated"
    if etype == 0x0800:
        return off, 4
    if etype == 0x86DD:
        return off, 6
    return None, "link-ethertype-0x%04x" % etype


def classify_frame(linktype, frame, msg):
    """What is special about the frame of a message: 'ip-fragment',
    'tunnel-...', 'link-...', or '' when its outer IP/UDP headers are
    plain and are the ones tshark reports for the message."""
    off, ver = outer_ip(linktype, frame)
    if off is None:
        return ver
    ip = frame[off:]
    if ver == 4 and len(ip) >= 20:
        if struct.unpack(">H", ip[6:8])[0] & 0x3FFF:          # MF or offset
            return "ip-fragment"
        proto, l4 = ip[9], ip[(ip[0] & 0x0F) * 4:]
        src, dst = str(ipaddress.IPv4Address(ip[12:16])), str(ipaddress.IPv4Address(ip[16:20]))
    elif ver == 6 and len(ip) >= 40:
        proto, l4 = ip[6], ip[40:]
        src, dst = str(ipaddress.IPv6Address(ip[8:24])), str(ipaddress.IPv6Address(ip[24:40]))
        while proto in (0, 43, 44, 60) and len(l4) >= 8:      # extension headers
            if proto == 44:
                return "ip-fragment"
            proto, l4 = l4[0], l4[(l4[1] + 1) * 8:]
    else:
        return "link-not-ip"
    if proto == 47:
        return "tunnel-gre"
    if proto in (4, 41):
        return "tunnel-ip-in-ip"
    if proto != 17 or len(l4) < 8:
        return "tunnel-ipproto%d" % proto
    sport, dport = struct.unpack(">HH", l4[:4])
    if 4789 in (sport, dport):
        return "tunnel-vxlan"
    if 6081 in (sport, dport):
        return "tunnel-geneve"
    if (src, str(sport), dst, str(dport)) != (msg["src"], msg["sport"], msg["dst"], msg["dport"]):
        return "tunnel-udp"
    return ""


# ---------------------------------------------------------------- inputs

def load_reference(path, skipped):
    """The in-SCOPE messages of a reference TSV, each a dict with 'records'.

    Messages out of scope are counted in skipped."""
    msgs, cur = [], None
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            col = line.rstrip("\n").split("\t")
            frame, epoch, src, sport, dst, dport, transport, app, mid, qr = col[:10]
            section = col[13]
            if section == "MSG":
                cur = None
                if (transport, app) not in SCOPE:
                    skipped["%s/%s" % (transport, app)] += 1
                    continue
                words = col[18].split(" ")
                cur = {"frame": int(frame), "epoch": epoch, "src": src, "sport": sport, "dst": dst,
                       "dport": dport, "id": mid, "qr": qr, "opcode": col[10], "rcode": col[11],
                       "transport": transport,
                       "notes": set(words[4].split(",")) if len(words) > 4 else set(), "counts": words[:4],
                       "key": (epoch, src, sport, dst, dport, mid, qr), "records": []}
                msgs.append(cur)
            elif cur is not None and section in SECTIONS:
                ext = re.match(r"udp=\d+ ext_rcode=(\d+) ", col[18]) if col[15] == "OPT" else None
                if ext and "ext_rcode" not in cur:
                    cur["ext_rcode"] = int(ext.group(1))
                cur["records"].append({
                    "section": SECTIONS[section], "name": col[14], "type": col[15], "class": col[16],
                    "ttl": col[17], "rdata": col[18], "rdata_hex": col[19] if len(col) > 19 else "-"})
    for m in msgs:
        # The header announces a question but tshark could not read it.
        recs = m["records"]
        m["first_qd_bad"] = m["counts"][0] != "qd=0" and (
            not recs or recs[0]["section"] != "question" or recs[0]["name"].startswith("<"))
    return msgs


def run_gazer(gazer, pcap, ports):
    """dns-gazer's record events for one capture, in output order."""
    cmd = [gazer, "-r", pcap, "-R", "-t", "-", "-q", "--timeout", "86400"]
    if ports:
        cmd += ["--ports", ",".join(str(p) for p in sorted(ports))]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    err = proc.stderr.decode("utf-8", "replace").strip()
    records = []
    for line in proc.stdout.decode("utf-8", "surrogateescape").splitlines():
        parts = line.split("\t", 2)
        if len(parts) == 3 and parts[1] == "dns-gazer.dns.record":
            try:
                # ts kept as printed: it must be the frame time to the microsecond.
                rec = json.loads(parts[2], parse_float=str)
            except ValueError as e:
                return 1, "invalid JSON (%s): %r" % (e, line), records
            # UPDATE (RFC 2136) names its sections zone/prerequisite/update;
            # reference.sh prints them as QD/AN/NS.
            rec["section"] = UPDATE_SECTIONS.get(rec.get("section"), rec.get("section"))
            records.append(rec)
    return proc.returncode, err, records


def gazer_key(rec):
    """The reference's message key for a dns-gazer record (src = sender)."""
    client = (rec.get("client_addr"), str(rec.get("client_port")))
    server = (rec.get("server_addr"), str(rec.get("server_port")))
    if rec.get("msg_type") == "query":
        return (rec.get("ts"),) + client + server + (str(rec.get("tx_id")), "0")
    return (rec.get("ts"),) + server + client + (str(rec.get("tx_id")), "1")


# ---------------------------------------------------------------- compare

class Finding:
    """One difference between tshark's decode and dns-gazer's.

    kind: 'field' (a record pair differs in .field), 'missing-record' /
    'extra-record' (only one side has the record), 'missed' / 'extra'
    (only one side has the message).
    """

    def __init__(self, kind, capture, msg, field=None, ref=None, ours=None,
                 ref_val=None, our_val=None, lenient_equal=False, frame_class="", at_tail=False,
                 note="", counterpart=False):
        self.kind, self.capture, self.msg, self.field = kind, capture, msg, field
        self.ref, self.ours = ref or {}, ours or {}
        self.ref_val, self.our_val = ref_val, our_val
        self.lenient_equal, self.frame_class = lenient_equal, frame_class
        self.at_tail = at_tail  # one-sided record after the last record both have
        self.note = note
        # for 'extra': tshark decoded the message's other half, same question
        self.counterpart = counterpart

    def category(self):
        for name, (_, pred) in EXCEPTIONS.items():
            if pred(self):
                return name
        return None

    def describe(self):
        m = self.msg
        where = "%s frame %s (%s %s:%s > %s:%s id %s qr %s)" % (
            self.capture, m.get("frame", "?"), m.get("epoch"), m.get("src"), m.get("sport"),
            m.get("dst"), m.get("dport"), m.get("id"), m.get("qr"))
        if self.kind == "field":
            return "%s: %s %s %s: %s: expected %r, got %r%s" % (
                where, self.ref["section"], self.ref["name"], self.ref["type"], self.field,
                self.ref_val, self.our_val, " (%s)" % self.note if self.note else "")
        if self.kind == "refused":
            return "%s: dns-gazer failed on the capture: %s" % (self.capture, self.note)
        if self.kind == "header":
            return "%s: message %s: expected %r, got %r" % (where, self.field, self.ref_val, self.our_val)
        if self.kind == "missing-record":
            return "%s: dns-gazer lacks record %s" % (where, record_text(self.ref))
        if self.kind == "extra-record":
            return "%s: dns-gazer has extra record %s" % (where, record_text(self.ours))
        if self.kind == "missed":
            return "%s: message not logged by dns-gazer%s" % (
                where, " (frame: %s)" % self.frame_class if self.frame_class else "")
        return "%s: message logged by dns-gazer, absent from tshark's decode" % where


def record_text(r):
    return " ".join(str(r[k]) for k in ("section", "name", "type", "class", "ttl", "rdata", "data")
                    if r.get(k) not in (None, "", "-"))


def compare_record(capture, msg, ref, ours):
    """Findings for one aligned record pair (empty when they agree)."""
    out = []

    def diff(field, ref_val, our_val, lenient=False, note=""):
        out.append(Finding("field", capture, msg, field, ref, ours, ref_val, our_val, lenient, note=note))

    for field in ("section", "type", "class"):
        if ours.get(field) != ref[field]:
            diff(field, ref[field], ours.get(field))
    try:
        want, lossy = name_as_tshark(ours.get("name"))
        if want != ref["name"] or lossy:
            diff("name", ref["name"], ours.get("name"), lenient=want == ref["name"])
    except ValueError as e:
        diff("name", ref["name"], ours.get("name"), note="not presentation form: %s" % e)

    if ref["section"] == "question":
        for field in ("ttl", "data"):
            if field in ours:
                diff(field, None, ours[field])
        return out
    if ours.get("ttl") is None or str(ours.get("ttl")) != ref["ttl"]:
        diff("ttl", ref["ttl"], ours.get("ttl"))

    data = ours.get("data")
    if not isinstance(data, str):
        diff("rdata", ref["rdata"], data)
    elif GENERIC_RE.match(data):
        # Compare the bytes: tshark renders many types dns-gazer does not
        # yet.  A type dns-gazer renders may only be generic where tshark
        # could not render it either (malformed or empty rdata).
        if data != reference_generic(ref):
            diff("rdata", reference_generic(ref) or ref["rdata"], data)
        elif ours.get("type") in RENDERED and not GENERIC_RE.match(ref["rdata"]):
            diff("rdata", ref["rdata"], data)
    elif GENERIC_RE.match(ref["rdata"]):
        # tshark shows only the bytes (a type it does not render, or rdata
        # it found malformed): decode them here where that is simple.
        want = decode_rdata(ref["type"], ref["rdata_hex"])
        if want != data:
            diff("rdata", want or ref["rdata"], data,
                 note="" if want else "tshark shows only bytes; no decoder here")
    else:
        try:
            want, lossy = rdata_as_tshark(ours.get("type"), data)
            if want != ref["rdata"] or lossy:
                diff("rdata", ref["rdata"], data, lenient=want == ref["rdata"])
        except (ValueError, IndexError) as e:
            diff("rdata", ref["rdata"], data, note="not presentation form: %s" % e)
    return out


def compare_header(capture, msgs, mine):
    """Findings for the message fields every record of a message repeats.

    The rcode of a reply is the 12-bit RFC 6891 value: the header's 4 bits
    plus the OPT record's extended-rcode as the upper 8 bits."""
    out, m = [], msgs[0]
    if any(r.get("proto") != m["transport"] for r in mine):
        out.append(Finding("header", capture, m, "proto", ours=mine[0], ref_val=m["transport"],
                           our_val=sorted({str(r.get("proto")) for r in mine})))
    if m["qr"] == "1" and m["rcode"].isdigit():
        full = (m.get("ext_rcode", 0) << 4) | int(m["rcode"])
        want = RCODES.get(full, "RCODE%d" % full)
        got = sorted({str(r.get("rcode")) for r in mine})
        if got != [want]:
            out.append(Finding("header", capture, m, "rcode", ours=mine[0], ref_val=want, our_val=got))

    # EDNS: the first OPT of the additional section, owned by the root,
    # becomes fields.  A dns-gazer without EDNS fields logs it as a record
    # instead (then compared as one).
    opt = next((r for r in m["records"] if r["type"] == "OPT" and r["section"] == "additional"
                and r["name"] == "."), None)
    got = [{k: v for k, v in r.items() if k.startswith("edns_")} for r in mine]
    for each in msgs:
        each["edns_as_fields"] = any(got)
    if opt is None and any(got):
        out.append(Finding("header", capture, m, "edns", ours=mine[0], ref_val={}, our_val=got[0]))
    elif opt is not None and any(got):
        want, truncated = edns_expected(opt)
        bad = [g for g in got if want is None or not edns_matches(want, g)]
        if bad:
            out.append(Finding("header", capture, m, "edns", ours=mine[0], ref_val=want, our_val=bad[0]))
        if truncated:
            out.append(Finding("header", capture, m, "edns-truncated-option", ours=mine[0],
                               ref_val=opt["rdata"], our_val=got[0]))
    return out


def align(refs, mine):
    """Pair reference and dns-gazer records of one message, in wire order.

    Yields index pairs (i, j) into refs and mine, None for a record only one
    side has.  Only records of the same section and type are paired, so a
    record one side lacks does not shift the others (except inside a run
    of records of one section and type)."""
    sm = difflib.SequenceMatcher(None, [(r["section"], r["type"]) for r in refs],
                                 [(r.get("section"), r.get("type")) for r in mine], autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            for k in range(i2 - i1):
                yield i1 + k, j1 + k
            continue
        for i in range(i1, i2):
            yield i, None
        for j in range(j1, j2):
            yield None, j


class Totals:
    def __init__(self):
        self.captures = 0
        self.pairs = self.agree = self.explained = self.disagree = 0
        self.ref_msgs = self.matched_msgs = 0
        self.headers = self.headers_agree = self.headers_bad = 0   # rcode, proto, EDNS
        self.ref_records = self.missed_records = 0
        self.category = Counter()   # exception -> records or messages it explains
        self.missed = Counter()     # reason -> messages only tshark decodes
        self.extra = Counter()      # reason -> messages only dns-gazer logs
        self.one_sided = Counter()  # 'missing-record'/'extra-record' -> count
        self.refused = Counter()    # reason -> captures dns-gazer exited non-zero on
        self.skipped = Counter()    # out-of-scope reference messages
        self.unexplained = []       # Findings no exception explains
        self.errors = []


def has_counterpart(ref_msgs, msg, recs):
    """Whether tshark decoded the other half of a message only dns-gazer
    logged: opposite QR, same id, ends swapped, and the same questions."""
    ours = [(r.get("name"), r.get("type"), r.get("class")) for r in recs if r.get("section") == "question"]
    try:
        ours = [(name_as_tshark(n)[0], t, c) for n, t, c in ours]
    except ValueError:
        return False
    want = (msg["dst"], msg["dport"], msg["src"], msg["sport"], msg["id"], "1" if msg["qr"] == "0" else "0")
    for m in ref_msgs:
        if (m["src"], m["sport"], m["dst"], m["dport"], m["id"], m["qr"]) == want:
            theirs = [(r["name"], r["type"], r["class"]) for r in m["records"] if r["section"] == "question"]
            if ours and theirs == ours:
                return True
    return False


def server_ports(ref_msgs):
    """--ports for dns-gazer when the reference decodes DNS off port 53
    (made with reference.sh -p PORT), else None for the default."""
    ports = {int(m["dport"] if m["qr"] == "0" else m["sport"]) for m in ref_msgs}
    return ports | {53} if ports - {53} else None


def check_capture(corpus, gazer, rel, t, verbose):
    pcap = os.path.join(corpus, "pcaps", rel)
    ref_path = os.path.join(corpus, "reference", rel + ".tsv")
    if not os.path.exists(ref_path):
        t.errors.append("%s: no reference decode %s" % (rel, ref_path))
        return
    ref_msgs = load_reference(ref_path, t.skipped)
    try:
        rc, err, ours = run_gazer(gazer, pcap, server_ports(ref_msgs))
    except (OSError, subprocess.TimeoutExpired) as e:
        t.errors.append("%s: cannot run %s: %s" % (rel, gazer, e))
        return
    t.captures += 1
    frames = None
    results = []    # (kind, [findings]) per record pair / one-sided record / message
    refusal = "exit %d: %s" % (rc, err) if rc != 0 else ""
    if refusal:
        results.append(("refused", [Finding("refused", rel, {}, note=refusal)]))

    # Messages sharing a key (one packet captured twice in the same
    # microsecond) are compared as one run of records.
    ref_by_key, our_by_key = OrderedDict(), OrderedDict()
    for m in ref_msgs:
        ref_by_key.setdefault(m["key"], []).append(m)
    for r in ours:
        our_by_key.setdefault(gazer_key(r), []).append(r)

    for key, msgs in ref_by_key.items():
        t.ref_msgs += len(msgs)
        t.ref_records += sum(len(m["records"]) for m in msgs)
        if key not in our_by_key:
            if frames is None:
                frames = read_pcap(pcap)
            for m in msgs:
                lt, fr = frames[m["frame"] - 1] if 0 < m["frame"] <= len(frames) else (-1, b"")
                t.missed_records += len(m["records"])
                results.append(("missed", [Finding("missed", rel, m, frame_class=classify_frame(lt, fr, m),
                                                   note=refusal)]))
            continue
        t.matched_msgs += len(msgs)
        owner = [m for m in msgs for _ in m["records"]]
        refs = [r for m in msgs for r in m["records"]]
        mine = our_by_key[key]
        results.append(("header", compare_header(rel, msgs, mine)))
        pairs = list(align(refs, mine))
        last_both = max([n for n, (i, j) in enumerate(pairs) if i is not None and j is not None] or [-1])
        for n, (i, j) in enumerate(pairs):
            if j is None:
                results.append(("missing-record", [Finding("missing-record", rel, owner[i], ref=refs[i],
                                                           at_tail=n > last_both)]))
            elif i is None:
                results.append(("extra-record", [Finding("extra-record", rel, msgs[-1], ours=mine[j],
                                                         at_tail=n > last_both)]))
            else:
                results.append(("pair", compare_record(rel, owner[i], refs[i], mine[j])))
    for key, recs in our_by_key.items():
        if key not in ref_by_key:
            m = dict(zip(("epoch", "src", "sport", "dst", "dport", "id", "qr"), key), notes=set(),
                     frame="?", first_qd_bad=False)
            results.append(("extra", [Finding("extra", rel, m, ours=recs[0],
                                              counterpart=has_counterpart(ref_msgs, m, recs))]))

    bad = 0
    for kind, findings in results:
        cats = [f.category() for f in findings]
        if kind == "pair":
            t.pairs += 1
            if not findings:
                t.agree += 1
            elif None in cats:
                t.disagree += 1
            else:
                t.explained += 1
        elif kind == "header":
            t.headers += 1
            t.headers_agree += not findings
            t.headers_bad += None in cats
        elif kind in ("missing-record", "extra-record"):
            t.one_sided[kind] += 1
        elif kind == "missed":
            t.missed[cats[0] or "UNEXPLAINED"] += 1
        elif kind == "refused":
            t.refused[cats[0] or "UNEXPLAINED"] += 1
        else:
            t.extra[cats[0] or "UNEXPLAINED"] += 1
        # One record (or message) counts once per category explaining it.
        for c in set(cats) - {None}:
            t.category[c] += 1
        for f, c in zip(findings, cats):
            if c is None:
                t.unexplained.append(f)
                bad += 1
            if verbose and (c is None or verbose > 1):
                print("  %s %s" % ("[%s]" % c if c else "DISAGREE", f.describe()))
    if verbose:
        pairs = sum(1 for k, _ in results if k == "pair")
        print("%s: %d messages, %d records compared, %d unexplained differences"
              % (rel, len(ref_msgs), pairs, bad))


def report(t):
    print("crosscheck: dns-gazer vs tshark, DNS over UDP and TCP; captures: %d" % t.captures)
    print("  messages in tshark's decode: %d; matched %d; not logged by dns-gazer %d; "
          "logged only by dns-gazer %d" % (t.ref_msgs, t.matched_msgs, sum(t.missed.values()),
                                           sum(t.extra.values())))
    print("  out of scope, not compared: %s" % (", ".join(
        "%d %s messages" % (n, k) for k, n in sorted(t.skipped.items())) or "none"))
    print("  message fields of matched messages (rcode with EDNS extended bits, proto, EDNS): "
          "agree %d, agree within an exception %d, DISAGREE %d"
          % (t.headers_agree, t.headers - t.headers_agree - t.headers_bad, t.headers_bad))
    print("  records in tshark's decode %d; compared %d: agree %d, agree within an exception %d, "
          "DISAGREE %d" % (t.ref_records, t.pairs, t.agree, t.explained, t.disagree))
    print("  records only in tshark's decode %d, only in dns-gazer's %d; in messages dns-gazer "
          "did not log %d" % (t.one_sided["missing-record"], t.one_sided["extra-record"], t.missed_records))
    print("  exceptions (records or messages explained, by category):")
    for name, (reason, _) in EXCEPTIONS.items():
        print("    %-26s %5d  %s" % (name, t.category[name], reason))
    for label, counter in (("messages tshark decodes that dns-gazer does not log", t.missed),
                           ("messages dns-gazer logs that tshark does not decode", t.extra),
                           ("captures dns-gazer exits non-zero on", t.refused)):
        print("  %s, by reason: %s" % (label, ", ".join(
            "%s %d" % kv for kv in sorted(counter.items())) or "none"))
    for e in t.errors:
        print("  ERROR: %s" % e)
    if t.unexplained:
        print("  UNEXPLAINED DIFFERENCES: %d; the first %d:" % (len(t.unexplained), min(10, len(t.unexplained))))
        for f in t.unexplained[:10]:
            print("    " + f.describe())
    print("crosscheck: %s" % ("FAIL" if t.unexplained or t.errors else "ok"))


def captures_from_index(corpus):
    with open(os.path.join(corpus, "INDEX.tsv"), encoding="utf-8") as fh:
        return [line.split("\t", 1)[0][len("pcaps/"):] for line in fh if line.startswith("pcaps/")]


def capture_name(corpus, arg):
    """A capture given as a path, or relative to the corpus or to its
    pcaps/ directory -> its name relative to pcaps/ (None if not one)."""
    base = os.path.realpath(os.path.join(corpus, "pcaps"))
    for path in (arg, os.path.join(corpus, arg), os.path.join(base, arg)):
        full = os.path.realpath(path)
        if os.path.isfile(full) and full.startswith(base + os.sep):
            return full[len(base) + 1:]
    return None


def main():
    ap = argparse.ArgumentParser(
        description="Cross-check dns-gazer's DNS records against tshark's decode of the corpus.",
        epilog="Exit status: 0 every difference explained, 1 unexplained differences or errors, "
               "2 usage.")
    ap.add_argument("--corpus", default=os.environ.get("DNS_GAZER_CORPUS"),
                    help="the shared corpus directory (default: $DNS_GAZER_CORPUS)")
    ap.add_argument("--gazer", default=os.environ.get("DNS_GAZER", "dns-gazer"),
                    help="the dns-gazer binary (default: $DNS_GAZER, else dns-gazer)")
    ap.add_argument("-v", "--verbose", action="count", default=0,
                    help="a line per capture and every disagreement; twice: every exception too")
    ap.add_argument("captures", nargs="*", metavar="CAPTURE",
                    help="pcap path, or name under corpus/pcaps such as zeek/dns-caa.pcap "
                         "(default: every capture in INDEX.tsv)")
    args = ap.parse_args()
    if not args.corpus or not os.path.isdir(os.path.join(args.corpus, "reference")):
        ap.error("no corpus with a reference/ directory (use --corpus or DNS_GAZER_CORPUS)")
    corpus = os.path.abspath(args.corpus)
    if not shutil.which(args.gazer):
        ap.error("cannot run dns-gazer %s (use --gazer or DNS_GAZER)" % args.gazer)
    captures = [capture_name(corpus, c) for c in args.captures] or captures_from_index(corpus)
    for arg, name in zip(args.captures, captures):
        if name is None:
            ap.error("%s is not a capture under %s/pcaps (it needs a tshark reference)" % (arg, corpus))
    totals = Totals()
    for rel in captures:
        check_capture(corpus, args.gazer, rel, totals, args.verbose)
    report(totals)
    return 1 if totals.unexplained or totals.errors else 0


if __name__ == "__main__":
    sys.exit(main())
