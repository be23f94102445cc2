"""Ports on 127.0.0.1 for the servers this project starts (a local Neo4j, the app)."""
from __future__ import annotations

import socket


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    """Something listens on host:port."""
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def free_port() -> int:
    """A port nothing listens on now (the OS picks it), for a server started right after."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
