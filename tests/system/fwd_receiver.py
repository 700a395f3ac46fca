#!/usr/bin/env python3
"""A fluentd Forward protocol v1 receiver for the test suite.

It speaks what fluentd's in_forward speaks (Message, Forward, PackedForward
and gzip CompressedPackedForward modes; acks when an option has a chunk;
the shared_key HELO/PING/PONG handshake; TLS) and can misbehave on purpose:
stall (accept and never read), never ack, drop the connection after N
messages.  Every event received is appended to --out as one JSON line
{"tag", "time", "record"} (time: an integer, or [sec, nsec] for EventTime),
and every protocol violation as {"error": ...}, so tests count exactly.
--count-only keeps only the counts (fast, for benchmarks) and writes them to
--out at exit.  Loopback only.
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import signal
import socket
import ssl
import sys
import threading

import msgpack

lock = threading.Lock()
counts = {}
args = None
out = None
messages = 0


def emit(obj):
    with lock:
        out.write(json.dumps(obj, sort_keys=True) + "\n")
        out.flush()


def error(msg):
    emit({"error": msg})


def time_value(t):
    """fluentd accepts integer seconds or EventTime (ext 0, 8 bytes)."""
    if isinstance(t, bool):
        return None
    if isinstance(t, int):
        return t
    if isinstance(t, msgpack.ExtType) and t.code == 0 and len(t.data) == 8:
        return [int.from_bytes(t.data[:4], "big"), int.from_bytes(t.data[4:], "big")]
    return None


def take_events(tag, entries):
    n = 0
    lines = []
    for e in entries:
        if not isinstance(e, (list, tuple)) or len(e) != 2:
            error("bad entry %r" % (e,))
            continue
        t = time_value(e[0])
        if t is None or not isinstance(e[1], dict):
            error("invalid event time=%r" % (e[0],))
            continue
        n += 1
        if not args.count_only:
            lines.append(json.dumps({"tag": tag, "time": t, "record": e[1]}, sort_keys=True))
    with lock:
        counts[tag] = counts.get(tag, 0) + n
        if lines:
            out.write("\n".join(lines) + "\n")
            out.flush()
    return n


def unpack_stream(data):
    u = msgpack.Unpacker(raw=False, strict_map_key=False)
    u.feed(data)
    return list(u)


def count_message(msg):
    """--count-only: count by the size option when there is one (as fluentd
    reads it), decoding the entries only when there is not."""
    option = msg[2] if len(msg) > 2 and isinstance(msg[2], dict) else None
    if option and isinstance(option.get("size"), int) and isinstance(msg[1], (bytes, str, list)):
        n = option["size"]
    elif isinstance(msg[1], list):
        n = len(msg[1])
    elif isinstance(msg[1], (bytes, str)):
        return on_message(msg)
    else:
        n = 1
    with lock:
        counts[msg[0]] = counts.get(msg[0], 0) + n
    return option


def on_message(msg):
    """Handle one Forward message; returns its option map (or None)."""
    if not isinstance(msg, (list, tuple)) or len(msg) < 2 or not isinstance(msg[0], str):
        error("not a message: %r" % (msg,))
        return None
    tag, second = msg[0], msg[1]
    option = msg[2] if len(msg) > 2 and isinstance(msg[2], dict) else None
    mode = "message"
    if isinstance(second, (bytes, str)):
        raw = second.encode() if isinstance(second, str) else second
        if option and option.get("compressed") == "gzip":
            mode = "compressed"
            raw = gzip.GzipFile(fileobj=io.BytesIO(raw)).read()
        else:
            mode = "packed"
        entries = unpack_stream(raw)
    elif isinstance(second, (list, tuple)):
        mode = "forward"
        entries = second
    else:
        entries = [[second, msg[2] if len(msg) > 2 else None]]
        option = msg[3] if len(msg) > 3 and isinstance(msg[3], dict) else None
    n = take_events(tag, entries)
    if option and "size" in option and option["size"] != len(entries):
        error("size %r but %d entries" % (option["size"], len(entries)))
    if not args.count_only:
        emit({"message": mode, "tag": tag, "events": n,
              "chunk": option.get("chunk") if option else None})
    return option


def handshake(conn, unpacker):
    nonce = os.urandom(16)
    conn.sendall(msgpack.packb(["HELO", {"nonce": nonce, "auth": b"", "keepalive": True}],
                               use_bin_type=True))
    while True:
        data = conn.recv(65536)
        if not data:
            return False
        unpacker.feed(data)
        for ping in unpacker:
            ok = (isinstance(ping, (list, tuple)) and len(ping) == 6 and ping[0] == "PING")
            if ok:
                _, host, salt, digest, _user, _pw = ping
                want = hashlib.sha512(salt.encode() + host.encode() + nonce +
                                      args.shared_key.encode()).hexdigest()
                ok = digest == want
            if not ok:
                error("handshake refused")
                conn.sendall(msgpack.packb(["PONG", False, "shared_key mismatch", "", ""]))
                return False
            mine = hashlib.sha512(salt.encode() + args.hostname.encode() + nonce +
                                  args.shared_key.encode()).hexdigest()
            conn.sendall(msgpack.packb(["PONG", True, "", args.hostname, mine]))
            emit({"handshake": host})
            return True


def serve(conn):
    global messages
    try:
        if args.stall:
            threading.Event().wait(3600)
            return
        unpacker = msgpack.Unpacker(raw=False, strict_map_key=False)
        if args.shared_key and not handshake(conn, unpacker):
            return
        seen = 0
        while True:
            data = conn.recv(262144)
            if not data:
                return
            unpacker.feed(data)
            for msg in unpacker:
                seen += 1
                if args.drop_after and seen >= args.drop_after:
                    # the connection breaks before this message is acked
                    return
                if args.count_only and isinstance(msg, (list, tuple)) and len(msg) >= 2:
                    option = count_message(msg)
                else:
                    option = on_message(msg)
                with lock:
                    messages += 1
                if option and option.get("chunk") and not args.no_ack:
                    conn.sendall(msgpack.packb({"ack": option["chunk"]}))
    except (OSError, ValueError, msgpack.UnpackException, ssl.SSLError) as e:
        error("connection: %s" % e)
    finally:
        try:
            conn.close()
        except OSError:
            pass


def write_counts():
    with lock:
        if args.count_only:
            out.seek(0)
            out.truncate()
            out.write(json.dumps({"counts": counts, "messages": messages}) + "\n")
        out.flush()


def main():
    global args, out
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--bind", default="127.0.0.1", help="127.0.0.1 or ::1")
    p.add_argument("--port", type=int, default=0, help="0 = any free port")
    p.add_argument("--port-file", help="write the bound port here once listening")
    p.add_argument("--out", required=True, help="received events, appended")
    p.add_argument("--count-only", action="store_true")
    p.add_argument("--no-ack", action="store_true", help="never send acks")
    p.add_argument("--stall", action="store_true", help="accept, never read")
    p.add_argument("--drop-after", type=int, default=0,
                   help="close each connection on its Nth message, unprocessed")
    p.add_argument("--shared-key")
    p.add_argument("--hostname", default="fwd-receiver")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    args = p.parse_args()
    out = open(args.out, "a+" if not args.count_only else "w")
    ctx = None
    if args.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
    if args.bind not in ("127.0.0.1", "::1"):
        sys.exit("fwd_receiver: loopback only")
    family = socket.AF_INET6 if ":" in args.bind else socket.AF_INET
    ls = socket.socket(family, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((args.bind, args.port))
    ls.listen(16)

    def stop(_sig, _frm):
        write_counts()
        os._exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % ls.getsockname()[1])
        os.rename(tmp, args.port_file)
    while True:
        conn, _ = ls.accept()
        if ctx:
            try:
                conn = ctx.wrap_socket(conn, server_side=True)
            except (ssl.SSLError, OSError) as e:
                error("tls: %s" % e)
                conn.close()
                continue
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
