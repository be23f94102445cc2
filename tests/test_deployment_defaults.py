"""Safe defaults of the documented ways to run PolicyKG: the app listens on 127.0.0.1 however it is
started; compose ships no usable password and puts none on a command line."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from policykg.localhost import free_port, port_open

ROOT = Path(__file__).resolve().parents[1]


def listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net/tcp*) with a socket listening on `port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def test_plain_streamlit_run_listens_on_loopback_only():
    """`streamlit run app.py`, as documented, with no address given: 127.0.0.1 only."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.headless", "true"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false"))
    try:
        deadline = time.monotonic() + 90
        while not listening_addresses(port) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.3)
        addresses = listening_addresses(port)
        assert addresses == {"0100007F"}, addresses  # 127.0.0.1, and no 0.0.0.0 / :: socket
        assert port_open(port)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_env_example_has_no_usable_password():
    values = dict(re.findall(r"^(\w+)=(.*)$", (ROOT / ".env.example").read_text(), re.M))
    assert values["NEO4J_PASSWORD"].strip() == ""


def test_compose_refuses_a_missing_password_and_keeps_it_off_command_lines():
    compose = (ROOT / "docker-compose.yml").read_text()
    # ${NEO4J_PASSWORD:?…} fails on unset *and* empty, so the empty .env.example value cannot start it
    assert re.search(r"\$\{NEO4J_PASSWORD:\?[^}]+\}", compose)
    assert not re.search(r"\$\{NEO4J_PASSWORD(:?-)", compose)  # no default value
    commands = re.findall(r"^\s*(?:test|command):.*$", compose, re.M)
    assert commands and not any("PASSWORD" in c or " -p " in c for c in commands), commands
