"""policykg command line: the only place that parses options, sets up logging and exits.

    policykg extract PATH... --out DIR     documents -> nodes.jsonl + edges.jsonl
    policykg load / build / neo4j …        graph stores (see `policykg COMMAND --help`)

Exit codes: 0 every input file was read; 1 some files were skipped (each is named in the
summary with the reason); 2 bad usage (argparse) or nothing to read.
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from extract.export import write_spilled
from extract.merge import CorpusMerge
from extract.spill import SpilledRecords
from extract.read import iter_input_files
from policykg.extract_pool import DEFAULT_FILE_SECONDS, DEFAULT_MAX_MB, FileLimits, default_jobs, extract_files

log = logging.getLogger("policykg")


@dataclass
class ExtractReport:
    """What an extraction run did, for the summary table and the exit code."""

    files_read: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    nodes: Counter = field(default_factory=Counter)  # per label
    edges: Counter = field(default_factory=Counter)  # per type
    unverified: dict[str, int] = field(default_factory=dict)  # agency-like names not in the gazetteer
    seconds: float = 0.0
    bytes_read: int = 0

    @property
    def exit_code(self) -> int:
        return 1 if self.skipped else 0


def run_extract(paths: list[str], out: str | None, console: Console | None = None,
                progress: bool = True, jobs: int | None = None,
                limits: FileLimits | None = None) -> ExtractReport:
    """Read, extract and merge every file under `paths` in `jobs` worker processes (default: all
    cores), each file within `limits`; write the export when `out` is set.

    Memory stays bounded: each file's records are merged as they arrive (in input order) and all but
    documents and agencies are kept on disk (extract/spill.py, a temporary file beside the export,
    removed at the end), then streamed to the export."""
    console = console or Console(stderr=True)
    report = ExtractReport()
    t0 = time.perf_counter()
    files = iter_input_files(paths)
    jobs = min(jobs or default_jobs(), max(1, len(files)))
    made_out = out is not None and not Path(out).exists()
    try:
        with SpilledRecords(_spill_dir(out)) as kept:
            corpus = CorpusMerge(kept)
            _extract_into(corpus, files, jobs, limits or FileLimits(), report, console, progress)
            corpus.finish()
            report.unverified = corpus.unverified
            report.nodes, report.edges = write_spilled(kept, out)
    except BaseException:
        if made_out and not any(Path(out).iterdir()):
            Path(out).rmdir()  # made for this run, which wrote nothing there
        raise
    report.seconds = time.perf_counter() - t0
    return report


def _spill_dir(out: str | None) -> Path | None:
    """Beside the export (a temporary directory may be memory), else the system's temporary one."""
    if out is None:
        return None
    Path(out).mkdir(parents=True, exist_ok=True)
    return Path(out)


def _extract_into(corpus: CorpusMerge, files: list[Path], jobs: int, limits: FileLimits, report: ExtractReport,
                  console: Console, progress: bool) -> None:
    """Every file through the pool, its records merged in input order, with a progress bar."""
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console, disable=not progress, transient=True) as bar:
        task = bar.add_task(f"extracting ({jobs} process{'es' if jobs > 1 else ''})", total=len(files))
        for outcome in extract_files(files, jobs, limits):
            bar.update(task, advance=1, description=f"extracted {outcome.path.name} ({jobs} processes)"
                       if jobs > 1 else f"extracted {outcome.path.name}")
            if outcome.records is None:
                if outcome.traceback:
                    log.debug("extraction failed for %s\n%s", outcome.path, outcome.traceback)
                report.skipped.append((str(outcome.path), outcome.reason or "not read"))
            else:
                corpus.add(outcome.records)
                report.files_read.append(str(outcome.path))
                report.bytes_read += outcome.path.stat().st_size


def summary_table(report: ExtractReport, out: str | None) -> Table:
    table = Table(title="policykg extract", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("files read", str(len(report.files_read)))
    table.add_row("files skipped", str(len(report.skipped)))
    for label in sorted(report.nodes):
        table.add_row(f"{label} nodes", str(report.nodes[label]))
    for typ in sorted(report.edges):
        table.add_row(f"{typ} edges", str(report.edges[typ]))
    table.add_row("unverified agency names", str(len(report.unverified)))
    table.add_row("seconds", f"{report.seconds:.2f}")
    return table


def _paths_exist(paths: list[str], console: Console) -> bool:
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        console.print(f"[red]error:[/red] no such file or directory: {', '.join(missing)}")
    return not missing


def cmd_extract(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    if not _paths_exist(args.paths, console):
        return 2
    report = run_extract(args.paths, args.out, console, progress=not args.quiet and console.is_terminal,
                         jobs=args.jobs, limits=limits_of(args))
    if not report.files_read and not report.skipped:
        console.print("[red]error:[/red] no input files found under " + ", ".join(args.paths))
        return 2
    if not args.quiet:
        console.print(summary_table(report, args.out))
        console.print(f"export written to {args.out}/nodes.jsonl and {args.out}/edges.jsonl")
    for path, reason in report.skipped:
        console.print(f"[yellow]skipped[/yellow] {path}: {reason}")
    if args.list_unverified:
        for name, n in sorted(report.unverified.items(), key=lambda kv: (-kv[1], kv[0])):
            console.print(f"unverified agency: {name} ({n}×)")
    elif report.unverified and not args.quiet:
        names = sorted(report.unverified, key=lambda k: -report.unverified[k])
        console.print("unverified agency names (not in the gazetteer): " + "、".join(names[:20])
                      + (" …" if len(names) > 20 else "") + "  (--list-unverified for all)")
    return report.exit_code


def cmd_build(args: argparse.Namespace) -> int:
    """extract + load in one go: the export is kept in DIR (default: the data directory's export/)."""
    import graph

    console = Console(stderr=True)
    if not _paths_exist(args.paths, console):
        return 2
    try:  # opened first: an unreachable Neo4j, a wrong password or a busy store is said before any extraction
        store = graph.open_store(args.store)
        store.counts()
    except graph.StoreError as exc:
        console.print(f"[red]error:[/red] {exc}", soft_wrap=True)  # one line, as `load` says it
        return 1
    with store:
        return _extract_and_load(args, store, console)


def _extract_and_load(args: argparse.Namespace, store, console: Console) -> int:
    import graph
    from policykg import cli_graph

    out = args.out or str(graph.default_data_dir() / "export")
    report = run_extract(args.paths, out, console, progress=not args.quiet and console.is_terminal,
                         jobs=args.jobs, limits=limits_of(args))
    for path, reason in report.skipped:
        console.print(f"[yellow]skipped[/yellow] {path}: {reason}")
    if not report.files_read:
        console.print("[red]error:[/red] nothing was read; the store was not touched")
        return 2 if not report.skipped else 1
    if not args.quiet:
        console.print(summary_table(report, out))
    try:
        stats = cli_graph.load_into(store, out, replace=not args.upsert, quiet=args.quiet, bulk_when_large=True)
    except (graph.StoreError, graph.ExportError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        return 1
    console.print(f"built: {stats['nodes']} nodes and {stats['edges']} edges loaded into the {store.kind} store"
                  f"{' by bulk import (empty local database)' if stats.get('bulk') else ''} "
                  f"(export kept in {out})" + cli_graph.replaced_note(stats))
    graph.record_build(graph.default_data_dir(), args.paths, out, store.kind)
    return report.exit_code


def limits_of(args: argparse.Namespace) -> FileLimits:
    return FileLimits(max_bytes=int(args.max_file_mb * 1048576) if args.max_file_mb > 0 else None,
                      seconds=args.file_timeout if args.file_timeout > 0 else None)


def add_extraction_options(parser: argparse.ArgumentParser) -> None:
    """--jobs and the per-file limits (extract and build)."""
    parser.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                        help=f"worker processes extracting files in parallel (default: all cores, here "
                             f"{default_jobs()}); the export is the same for any N")
    parser.add_argument("--max-file-mb", type=float, default=DEFAULT_MAX_MB, metavar="MB",
                        help=f"skip (and name) any input file larger than this (default {DEFAULT_MAX_MB:g} MB; "
                             "0: no limit)")
    parser.add_argument("--file-timeout", type=float, default=DEFAULT_FILE_SECONDS, metavar="S",
                        help=f"stop extracting a file after S seconds and skip it, naming it "
                             f"(default {DEFAULT_FILE_SECONDS:g}; 0: no limit); the other files are still read")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policykg",
        description="Turn Chinese government policy documents into a knowledge graph of policies, "
                    "agencies, measures and obligations.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debugging detail to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser(
        "extract", help="extract graph records from documents",
        description="Read every .txt (UTF-8/GB18030), .pdf, .docx and .html file under PATH..., split "
                    "compilations into documents, find measures, responsible agencies and relations, and "
                    "write DIR/nodes.jsonl and DIR/edges.jsonl (format: shared/eval/README.md), then "
                    "DIR/manifest.json (both files' rows and SHA-256), which `load` requires. "
                    "Exit code 0 when every file was read, 1 when some were skipped (each is named with "
                    "the reason), 2 on bad usage.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or directories (searched recursively)")
    p.add_argument("--out", "-o", required=True, metavar="DIR", help="directory for nodes.jsonl and edges.jsonl")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no summary table")
    p.add_argument("--list-unverified", action="store_true",
                   help="list every agency-like name that is not in the gazetteer")
    add_extraction_options(p)
    p.set_defaults(func=cmd_extract)
    b = sub.add_parser(
        "build", help="extract PATH... and load the result into the graph store",
        description="Run `extract` over PATH... and load the export into the graph store (embedded by "
                    "default, a file under $POLICYKG_DATA or ./data; Neo4j with --store neo4j and the NEO4J_* "
                    "variables). The store is opened first, so an unreachable Neo4j or a refused login stops "
                    "the run before any extraction. Loading is an idempotent upsert. Exit codes as for "
                    "extract; 1 also when the store cannot be reached. The files read replace what the store "
                    "held from them (a document or measure no longer extracted goes); --upsert only adds and "
                    "updates. Into an EMPTY local Neo4j (`policykg neo4j start`) a large export (96 MB and up, "
                    "$POLICYKG_BULK_MIN_MB) is bulk-imported with neo4j-admin instead (see `policykg load "
                    "--initial`).")
    b.add_argument("paths", nargs="+", metavar="PATH", help="files or directories (searched recursively)")
    b.add_argument("--out", "-o", metavar="DIR", help="where to keep the export (default: DATA_DIR/export)")
    b.add_argument("--quiet", "-q", action="store_true", help="no progress and no summary table")
    b.add_argument("--upsert", action="store_true",
                   help="only add and update (keep what the store holds from these files but the extractor "
                        "no longer finds)")
    add_extraction_options(b)
    b.set_defaults(func=cmd_build)
    from policykg import cli_graph

    cli_graph.add_store_option(b)
    cli_graph.register(sub)
    from policykg import cli_query

    cli_query.register(sub)
    from policykg import cli_app

    cli_app.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
