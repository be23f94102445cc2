"""Graph commands of the CLI: `policykg load` and `policykg neo4j start|stop|status`.

`policykg/cli.py` calls `register(subparsers)`; `python -m policykg.cli_graph …` runs the same
commands on their own (used by .ci/run and the Makefile).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Optional

from policykg import neo4j_bulk as bulk

STORES = ("embedded", "neo4j")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "load", help="load an export (nodes.jsonl + edges.jsonl) into the graph store",
        description="Upsert an export directory into the embedded store (default: a LadybugDB database, "
                    "graph.lbdb in the data directory, $POLICYKG_DATA or ./data) or Neo4j (connection from "
                    "NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE). Loading is idempotent: one "
                    "transaction on the embedded store; on Neo4j the export is streamed in batches, never "
                    "held whole. An export whose manifest.json is missing or does not match its two files "
                    "(an interrupted `policykg extract`) is refused and nothing is loaded. Exit code 0 when "
                    "everything was loaded, 1 when the store is unreachable, in use by another process (the "
                    "app) or a batch failed, 2 on bad usage.")
    p.add_argument("export_dir", metavar="EXPORT_DIR", help="directory holding nodes.jsonl, edges.jsonl and manifest.json")
    add_store_option(p)
    p.add_argument("--replace", action="store_true",
                   help="re-ingest the export's input files: documents, measures and obligations the store "
                        "holds from those files are replaced (what is no longer extracted goes; on Neo4j 20 "
                        "documents per transaction, each document replaced whole or not at all); without "
                        "it, an upsert that only adds and updates")
    p.add_argument("--initial", action="store_true",
                   help="bulk-import into an EMPTY database of the local Neo4j (`policykg neo4j start`, data "
                        "under $POLICYKG_DATA): the export is written as neo4j-admin CSV, the server is "
                        "stopped, `neo4j-admin database import full` fills the database, the server is started "
                        "again (same port and password) and the schema created. Much faster than the driver "
                        "for a large corpus; a remote server or a database that holds anything is refused")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress lines")
    p.set_defaults(func=cmd_load)

    e = subparsers.add_parser(
        "export", help="write the whole graph as neo4j-admin CSV, GraphML or JSONL",
        description="Write the graph the store holds (--store, as for load) — or, with --from-export DIR, an "
                    "export directory, streamed without a store — as neo4j-admin import CSV (header + data "
                    "file per label and type, typed columns, import.json with the options to pass), GraphML "
                    "(graph.graphml; lists as JSON strings) or JSONL (nodes.jsonl + edges.jsonl, the format "
                    "`policykg load` reads). Exit code 0 on success, 1 when the store or export cannot be read.")
    e.add_argument("--format", "-f", choices=("neo4j-admin", "graphml", "jsonl"), required=True)
    e.add_argument("--out", "-o", required=True, metavar="DIR", help="directory to write into (created)")
    e.add_argument("--from-export", metavar="EXPORT_DIR",
                   help="convert this export directory instead of reading a store")
    add_store_option(e)
    e.set_defaults(func=cmd_export)

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
    if "replaced_files" not in stats or not (stats["deleted_nodes"] or stats["deleted_orphans"]):
        return ""  # nothing held from those files before (a first build): nothing to say
    # the stores differ in how (Neo4j deletes and writes back, the embedded store updates what is
    # still there in place), not in what: the measures and obligations the files held are replaced
    return (f"; {stats['replaced_files']} file(s) re-ingested: their {stats['deleted_nodes']} measures/obligations "
            f"replaced by the export's, {stats['deleted_orphans']} nodes nothing points at any more removed")


def cmd_load(args) -> int:
    import graph
    started = time.monotonic()
    try:
        if args.initial:
            if (args.store or os.environ.get("POLICYKG_STORE") or "neo4j") != "neo4j" or args.replace:
                print("error: --initial is a bulk import into Neo4j (use it with --store neo4j, without "
                      "--replace)", file=sys.stderr)
                return 2
            stats = bulk.initial_load(args.export_dir, say=_say(args.quiet))
            kind = "neo4j"
        else:
            with graph.open_store(args.store) as store:
                stats, kind = load_into(store, args.export_dir, replace=args.replace, quiet=args.quiet), store.kind
        with graph.open_store(kind) as store:
            counts = store.counts()
    except (graph.StoreError, graph.ExportError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    seconds = time.monotonic() - started
    print(f"loaded {stats['nodes']} nodes and {stats['edges']} edges into the {kind} store "
          f"in {seconds:.1f}s{' (bulk import)' if stats.get('bulk') else ''}; the store now holds "
          f"{sum(counts['nodes'].values())} nodes and {sum(counts['edges'].values())} edges" + replaced_note(stats))
    return 0


def _say(quiet: bool):
    return (lambda message: None) if quiet else (lambda message: print(message, file=sys.stderr))


def load_into(store, export_dir: str, *, replace: bool, quiet: bool, bulk_when_large: bool = False) -> dict:
    """Load an export into an open `store` through its loader — or, with `bulk_when_large`, by
    bulk import when the store is the local Neo4j, its database is empty and the export is large
    (bulk.worth_bulk; the store's connection is closed first, the import restarts the server)."""
    import graph
    if bulk_when_large and bulk.worth_bulk(store, export_dir):
        store.close()
        return bulk.initial_load(export_dir, say=_say(quiet))
    return graph.load_export(store, export_dir, progress=_progress_printer(quiet), replace=replace)


def cmd_export(args) -> int:
    import graph
    from graph import formats
    started = time.monotonic()
    try:
        if args.from_export:
            counts = formats.write_format(formats.rows_of_export(args.from_export), args.format, Path(args.out))
        else:
            with graph.open_store(args.store, read_only=True) as store:  # reads: also while the app runs
                counts = formats.write_format(formats.rows_of_store(store), args.format, Path(args.out))
    except (graph.StoreError, graph.ExportError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {counts['nodes']} nodes and {counts['edges']} edges as {args.format} to {args.out} "
          f"in {time.monotonic() - started:.1f}s")
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
