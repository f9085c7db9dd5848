#!/usr/bin/env python3
"""Connection workloads for scripts/bench-proxy.sh (BENCH_WORKLOAD=connect), written against the MariaDB protocol
directly so that the client's own cost stays small and the same for every target.

  connect.py rate PORT SECONDS PROCESSES   full logins (handshake, mysql_native_password, OK, COM_QUIT) as fast as
                                           PROCESSES processes can do them; prints "connects N failures F seconds S"
  connect.py hold PORT COUNT               opens COUNT logged-in connections, each runs SELECT 1 once, prints
                                           "holding COUNT", then keeps them idle until stdin closes

User app, password apppwd, database test: the accounts the test kit's ClusterMain creates.
"""
import hashlib
import multiprocessing
import resource
import socket
import struct
import sys
import time

USER, PASSWORD, DATABASE = b"app", b"apppwd", b"test"
CAPS = 0x00000001 | 0x00000008 | 0x00000200 | 0x00002000 | 0x00008000 | 0x00080000  # long pw, db, 4.1, trx, sc, plugin


def read_packet(sock):
    header = read_exact(sock, 4)
    length = header[0] | header[1] << 8 | header[2] << 16
    return header[3], read_exact(sock, length)


def read_exact(sock, n):
    data = bytearray()
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("connection closed by the server")
        data += chunk
    return bytes(data)


def send_packet(sock, seq, payload):
    sock.sendall(struct.pack("<I", len(payload))[:3] + bytes([seq & 0xFF]) + payload)


def native_scramble(seed):
    stage1 = hashlib.sha1(PASSWORD).digest()
    stage2 = hashlib.sha1(stage1).digest()
    mix = hashlib.sha1(seed + stage2).digest()
    return bytes(a ^ b for a, b in zip(stage1, mix))


def login(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    seq, hello = read_packet(sock)
    if hello[0] == 0xFF:
        raise ConnectionError("handshake error: %r" % hello[3:])
    pos = hello.index(b"\0", 1) + 1 + 4
    seed = hello[pos:pos + 8]
    pos += 8 + 1 + 2 + 1 + 2 + 2
    seed_len = hello[pos]
    pos += 1 + 10
    seed += hello[pos:pos + max(13, seed_len - 8) - 1]
    auth = native_scramble(seed)
    payload = (struct.pack("<IIB", CAPS, 1 << 24, 33) + b"\0" * 23 + USER + b"\0" + bytes([len(auth)]) + auth
               + DATABASE + b"\0" + b"mysql_native_password\0")
    send_packet(sock, seq + 1, payload)
    seq, reply = read_packet(sock)
    if reply[0] == 0xFE:  # authentication switch: answer with the new seed
        plugin_end = reply.index(b"\0", 1)
        if reply[1:plugin_end] != b"mysql_native_password":
            raise ConnectionError("unsupported plugin %r" % reply[1:plugin_end])
        send_packet(sock, seq + 1, native_scramble(reply[plugin_end + 1:plugin_end + 21]))
        seq, reply = read_packet(sock)
    if reply[0] != 0x00:
        raise ConnectionError("login refused: %r" % reply[3:])
    return sock


def query_one(sock):
    send_packet(sock, 0, b"\x03SELECT 1")
    eofs = 0
    while True:
        _, p = read_packet(sock)
        if p[0] == 0xFF:
            raise ConnectionError("query failed: %r" % p[3:])
        if p[0] == 0xFE and len(p) < 9:
            eofs += 1
            if eofs == 2:
                return


def rate_worker(port, deadline, out):
    done = failed = 0
    while time.monotonic() < deadline:
        try:
            sock = login(port)
            send_packet(sock, 0, b"\x01")  # COM_QUIT
            sock.close()
            done += 1
        except (OSError, ConnectionError):
            failed += 1
    out.put((done, failed))


def rate(port, seconds, processes):
    out = multiprocessing.Queue()
    start = time.monotonic()
    deadline = start + seconds
    workers = [multiprocessing.Process(target=rate_worker, args=(port, deadline, out)) for _ in range(processes)]
    for w in workers:
        w.start()
    results = [out.get() for _ in workers]
    for w in workers:
        w.join()
    elapsed = time.monotonic() - start
    print("connects %d failures %d seconds %.2f" % (sum(r[0] for r in results), sum(r[1] for r in results), elapsed))


def hold(port, count):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, count + 64)), hard))
    held = []
    for _ in range(count):
        sock = login(port)
        query_one(sock)
        held.append(sock)
    print("holding %d" % len(held), flush=True)
    sys.stdin.read()
    for sock in held:
        sock.close()


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "rate":
        rate(int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]))
    elif len(sys.argv) == 4 and sys.argv[1] == "hold":
        hold(int(sys.argv[2]), int(sys.argv[3]))
    else:
        sys.exit(__doc__)
