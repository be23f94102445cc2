"""`policykg app`: start the Streamlit app with the graph already in memory.

`streamlit run app.py` imports nothing until the first browser connects, so the first visitor waits
for pandas, altair, networkx, the graph viewer and the store to load (~5 s here). This command does
that work first, in the process that will serve the app (Streamlit runs the pages in the same
interpreter, and `st.cache_resource` is process-wide), then hands over to Streamlit's own CLI.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO, Mapping, Optional

from policykg.localhost import free_port

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "app", help="open the Streamlit app on the graph store",
        description="Load the graph store (embedded by default; Neo4j when NEO4J_URI is set or "
                    "POLICYKG_STORE=neo4j) and the app's libraries, then serve app.py with Streamlit. "
                    "Documents for the reader come from $POLICYKG_CORPUS, else the folder the last "
                    "`policykg build` read. Arguments after `--` go to `streamlit run` "
                    "(e.g. `-- --server.headless true`).")
    p.add_argument("--port", type=int, default=8501, help="port to serve on (default 8501)")
    p.add_argument("--address", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; 0.0.0.0 to serve the network)")
    p.add_argument("streamlit_args", nargs=argparse.REMAINDER, metavar="-- STREAMLIT_OPTIONS",
                   help="passed to `streamlit run`")
    p.set_defaults(func=cmd_app)


def cmd_app(args: argparse.Namespace) -> int:
    extra = [a for a in args.streamlit_args if a != "--"]
    if not APP.is_file():
        print(f"error: {APP} not found — run from a checkout installed with `pip install -e .`",
              file=sys.stderr)
        return 2
    started = time.perf_counter()
    print("loading the app's libraries and the graph store …", file=sys.stderr, flush=True)
    import logging

    import streamlit.runtime.caching.cache_data_api  # noqa: F401  (creates the logger silenced next)

    # outside a running server Streamlit warns that st.cache_data has no runtime yet: expected here
    logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)
    import graph
    from ui import state

    try:
        summary = state.warm_up()
    except graph.StoreError as exc:  # the app itself explains (no graph yet, Neo4j down); serve it anyway
        summary = f"the store is not ready ({' '.join(str(exc).split())}); the app will say what to do"
    print(f"{summary} — ready in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return serve(args.port, args.address, extra)


def serve(port: int, address: str, extra: list[str]) -> int:
    """Run Streamlit's CLI in this process (so what `warm_up` loaded stays loaded)."""
    from streamlit.web import cli as streamlit_cli

    os.chdir(ROOT)  # .streamlit/config.toml and app_pages/ are found relative to the project
    # .streamlit/config.toml (read from ROOT) already turns usage stats off and hides the toolbar
    sys.argv = ["streamlit", "run", str(APP), "--server.port", str(port), "--server.address", address, *extra]
    try:
        streamlit_cli.main(prog_name="streamlit")
    except SystemExit as done:
        return int(done.code or 0)
    return 0


def start_in_background(env: Optional[Mapping[str, str]] = None, log: Optional[IO] = None,
                        timeout: float = 120.0, warm: bool = True) -> tuple[subprocess.Popen, str]:
    """Start the app headless on a free port of 127.0.0.1 in a child process; return it and its URL
    once Streamlit answers its health check (for the browser tests and bench/app.py). `warm=False`
    starts it the plain way, `streamlit run app.py`, for comparison. Raises RuntimeError if it does
    not come up."""
    port = free_port()
    if warm:
        cmd = [sys.executable, "-m", "policykg.cli", "app", "--port", str(port), "--",
               "--server.headless", "true"]
    else:
        cmd = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=dict(env if env is not None else os.environ),
                            stdout=log or subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, f"http://127.0.0.1:{port}"
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_background(proc)
            raise RuntimeError(f"the app did not start on port {port} (exit code {proc.poll()})")
        time.sleep(0.2)


def stop_background(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
