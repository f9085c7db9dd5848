"""Prints N distinct free TCP ports on 127.0.0.1, one per line.

All sockets stay bound until every port is chosen, so the N ports are distinct; another process could still
take one before the caller binds it, which the caller notices as a failed start.
"""
import socket
import sys

count = int(sys.argv[1]) if len(sys.argv) > 1 else 1
sockets = []
for _ in range(count):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    sockets.append(s)
for s in sockets:
    print(s.getsockname()[1])
    s.close()
