"""Graph commands of the CLI: `policykg load` and `policykg neo4j start|stop|status`.

`policykg/cli.py` calls `register(subparsers)`; `python -m policykg.cli_graph …` runs the same
commands on their own (used by .ci/run and the Makefile).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Optional

STORES = ("embedded", "neo4j")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "load", help="load an export (nodes.jsonl + edges.jsonl) into the graph store",
        description="Upsert an export directory into the embedded store (default: a LadybugDB database, "
                    "graph.lbdb in the data directory, $POLICYKG_DATA or ./data) or Neo4j (connection from "
                    "NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE). Loading is idempotent and "
                    "one transaction on the embedded store. An export whose manifest.json is missing or does "
                    "not match its two files (an interrupted `policykg extract`) is refused and nothing is "
                    "loaded. Exit code 0 when everything was loaded, 1 when the store is unreachable, in use "
                    "by another process (the app) or a batch failed, 2 on bad usage.")
    p.add_argument("export_dir", metavar="EXPORT_DIR", help="directory holding nodes.jsonl, edges.jsonl and manifest.json")
    add_store_option(p)
    p.add_argument("--replace", action="store_true",
                   help="re-ingest the export's input files: documents, measures and obligations the store "
                        "holds from those files are replaced (what is no longer extracted goes); without "
                        "it, an upsert that only adds and updates")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress lines")
    p.set_defaults(func=cmd_load)

    n = subparsers.add_parser(
        "neo4j", help="run a local Neo4j 5.26 server without Docker (start|stop|status)",
        description="Fetch Neo4j Community 5.26 with Maven (cached in ~/.m2) and run it on 127.0.0.1 with "
                    "auth on; its data lives under the data directory ($POLICYKG_DATA or ./data).")
    nsub = n.add_subparsers(dest="neo4j_command", metavar="ACTION", required=True)
    for name, helptext in (("start", "start the server (prints the NEO4J_* variables to export)"),
                           ("stop", "stop the server"), ("status", "say whether it runs and answers")):
        q = nsub.add_parser(name, help=helptext)
        q.add_argument("--data-dir", metavar="DIR", help="data directory (default $POLICYKG_DATA or ./data)")
        if name == "start":
            q.add_argument("--port", type=int, default=7687, help="Bolt port on 127.0.0.1 (default 7687)")
            q.add_argument("--timeout", type=float, default=240, help="seconds to wait for it (default 240)")
        if name in ("start", "status"):
            q.add_argument("--env", action="store_true",
                           help="print only `export NEO4J_…=…` lines, for eval \"$(…)\"")
        q.set_defaults(func=cmd_neo4j)


def add_store_option(parser: argparse.ArgumentParser) -> None:
    """`--store embedded|neo4j` (also for the `build` command the extraction side wires)."""
    parser.add_argument("--store", choices=STORES, default=None,
                        help="graph store (default: $POLICYKG_STORE or embedded)")


def _progress_printer(quiet: bool):
    if quiet:
        return None
    last = {"stage": None, "t": 0.0}

    def progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage != last["stage"] or done == total or now - last["t"] > 1:
            print(f"  {stage:<24} {done:>7}/{total}", file=sys.stderr)
            last.update(stage=stage, t=now)
    return progress


def replaced_note(stats: dict) -> str:
    """What a re-ingest removed, for the one-line report of `build` / `load --replace`."""
    if "replaced_files" not in stats:
        return ""
    return (f"; {stats['replaced_files']} file(s) re-ingested: {stats['deleted_nodes']} old measures/obligations "
            f"and {stats['deleted_orphans']} nodes nothing points at any more removed first")


def cmd_load(args) -> int:
    import graph
    started = time.monotonic()
    try:
        with graph.open_store(args.store) as store:
            stats = graph.load_export(store, args.export_dir, progress=_progress_printer(args.quiet),
                                      replace=args.replace)
            counts = store.counts()
    except (graph.StoreError, graph.ExportError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    seconds = time.monotonic() - started
    print(f"loaded {stats['nodes']} nodes and {stats['edges']} edges into the {store.kind} store "
          f"in {seconds:.1f}s; the store now holds {sum(counts['nodes'].values())} nodes and "
          f"{sum(counts['edges'].values())} edges" + replaced_note(stats))
    return 0


def cmd_neo4j(args) -> int:
    from policykg import neo4j_server as server
    try:
        if args.neo4j_command == "start":
            info = server.start(port=args.port, data_dir=args.data_dir, timeout=args.timeout,
                                progress=None if args.env else (lambda m: print(m, file=sys.stderr)))
            if args.env:
                print(info.shell_exports())
            else:
                print(f"Neo4j runs at {info.uri} (pid {info.pid}, data {info.home}). Use it with:")
                print(info.shell_exports())
            return 0
        if args.neo4j_command == "stop":
            info = server.stop(data_dir=args.data_dir)
            print(f"stopped Neo4j (pid {info.pid})" if info.running else "Neo4j was not running")
            return 0
        info = server.status(data_dir=args.data_dir)
        if args.env:
            if not info.running:
                print("error: the local Neo4j is not running (policykg neo4j start)", file=sys.stderr)
                return 1
            print(info.shell_exports())
            return 0
        print(json.dumps(info.as_dict(), indent=2))
        return 0 if info.running and info.reachable else 1
    except server.ServerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policykg.cli_graph")
    register(parser.add_subparsers(dest="command", metavar="COMMAND", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
