#!/usr/bin/env python3
r"""Read Zeek ASCII logs by their header, independently of dns-gazer's code.

A log is one or more blocks, each:

  #separator \x09          (the only header line with a space)
  #set_separator<TAB>,
  #empty_field<TAB>(empty)
  #unset_field<TAB>-
  #path<TAB>NAME
  #open<TAB>YYYY-MM-DD-HH-MM-SS
  #fields<TAB>...
  #types<TAB>...
  data lines, each with exactly one value per field
  #close<TAB>YYYY-MM-DD-HH-MM-SS      (absent while the file is still open)

read_log() checks that structure strictly (every line ends with a newline,
no half line) and returns the blocks; value() decodes one cell by its type:
'-' is None (unset), '(empty)' is '' or [], vectors and sets are split on
',' and each element unescaped (\xHH, \\).  Python 3 standard library only.

  zeeklog.py FILE...     print each file's blocks as JSON lines (a check)
"""

import json
import re
import sys

HEADER = ["#separator", "#set_separator", "#empty_field", "#unset_field", "#path", "#open",
          "#fields", "#types"]
STAMP = re.compile(r"^\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d$")
ESCAPE = re.compile(r"\\(x[0-9a-f]{2}|\\)")


class LogError(Exception):
    pass


class Block:
    def __init__(self, path, opened, fields, types):
        self.path, self.opened, self.fields, self.types = path, opened, fields, types
        self.rows = []          # lists of raw cells
        self.closed = None      # #close stamp, None when open

    def records(self):
        """Rows as {field: decoded value}."""
        return [{f: value(c, t) for f, t, c in zip(self.fields, self.types, row)}
                for row in self.rows]


def unescape(text):
    """A cell or element of a string column -> str (\\xHH and \\\\ decoded)."""
    def sub(m):
        g = m.group(1)
        return "\\" if g == "\\" else chr(int(g[1:], 16))
    # Anything else after a backslash would be a writer bug.
    if re.search(r"\\(?!x[0-9a-f]{2}|\\)", ESCAPE.sub("", text)):
        raise LogError("bad escape in %r" % text)
    return ESCAPE.sub(sub, text)


def value(cell, typ):
    """Decode one cell of Zeek type typ."""
    if cell == "-":
        return None
    container = typ.startswith(("vector[", "set["))
    if cell == "(empty)":
        return [] if container else ""
    if container:
        inner = typ[typ.index("[") + 1:-1]
        return [value(e, inner) if inner != "string" else unescape(e) for e in cell.split(",")]
    if typ == "bool":
        if cell not in ("T", "F"):
            raise LogError("bool %r" % cell)
        return cell == "T"
    if typ in ("count", "port"):
        if not cell.isdigit():
            raise LogError("%s %r" % (typ, cell))
        return int(cell)
    if typ in ("time", "interval"):
        if not re.match(r"^-?\d+\.\d{6}$", cell):
            raise LogError("%s %r (want six decimals)" % (typ, cell))
        return cell
    if "\t" in cell or "\n" in cell:
        raise LogError("raw separator in %r" % cell)
    return unescape(cell)


def read_log(path):
    """The blocks of a Zeek ASCII log file; raises LogError on any
    deviation from the format."""
    with open(path, "rb") as fh:
        data = fh.read()
    if data and not data.endswith(b"\n"):
        raise LogError("%s: last line has no newline (half line)" % path)
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError as e:
        raise LogError("%s: not ASCII: %s" % (path, e)) from None
    lines = text.split("\n")[:-1] if text else []
    blocks, i = [], 0
    while i < len(lines):
        head = lines[i:i + len(HEADER)]
        if len(head) < len(HEADER):
            raise LogError("%s:%d: truncated header" % (path, i + 1))
        if head[0] != "#separator \\x09":
            raise LogError("%s:%d: want '#separator \\x09', got %r" % (path, i + 1, head[0]))
        vals = {}
        for n, (want, line) in enumerate(zip(HEADER[1:], head[1:]), i + 2):
            key, _, val = line.partition("\t")
            if key != want:
                raise LogError("%s:%d: want %s, got %r" % (path, n, want, line))
            vals[want] = val
        for k, v in (("#set_separator", ","), ("#empty_field", "(empty)"), ("#unset_field", "-")):
            if vals[k] != v:
                raise LogError("%s: %s is %r" % (path, k, vals[k]))
        if not STAMP.match(vals["#open"]):
            raise LogError("%s: #open %r" % (path, vals["#open"]))
        fields, types = vals["#fields"].split("\t"), vals["#types"].split("\t")
        if len(fields) != len(types):
            raise LogError("%s: %d fields, %d types" % (path, len(fields), len(types)))
        b = Block(vals["#path"], vals["#open"], fields, types)
        blocks.append(b)
        i += len(HEADER)
        while i < len(lines) and not lines[i].startswith("#"):
            cells = lines[i].split("\t")
            if len(cells) != len(fields):
                raise LogError("%s:%d: %d cells for %d fields" % (path, i + 1, len(cells), len(fields)))
            for c, t in zip(cells, types):
                try:
                    value(c, t)
                except LogError as e:
                    raise LogError("%s:%d: %s" % (path, i + 1, e)) from None
            b.rows.append(cells)
            i += 1
        if i < len(lines) and lines[i].startswith("#close"):
            key, _, stamp = lines[i].partition("\t")
            if key != "#close" or not STAMP.match(stamp):
                raise LogError("%s:%d: bad %r" % (path, i + 1, lines[i]))
            b.closed = stamp
            i += 1
        elif i < len(lines) and not lines[i].startswith("#separator"):
            raise LogError("%s:%d: unexpected %r" % (path, i + 1, lines[i]))
    return blocks


def main():
    rc = 0
    for path in sys.argv[1:]:
        try:
            for b in read_log(path):
                print(json.dumps({"path": b.path, "open": b.opened, "close": b.closed,
                                  "rows": b.records()}))
        except (OSError, LogError) as e:
            print("zeeklog: %s" % e, file=sys.stderr)
            rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main())
