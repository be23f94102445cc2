"""Load and query benchmark of the graph stores; results in bench/results/load.json.

    .venv/bin/python bench/load.py [EXPORT_DIR] [--batch-sizes 500,1000,2000,5000] [--repeat 50]

EXPORT_DIR defaults to out/export (the seed export: `make extract`); without it the corpus is
extracted into a temporary directory, and without the corpus the small test fixture is used.
Neo4j: NEO4J_URI & co. when set — the benchmark EMPTIES that database, so point it at a throwaway
server — otherwise a temporary local server is started on a free port and stopped at the end.

Measures
- batched load (graph.neo4j_store, UNWIND $rows … MERGE per label / type) at several batch sizes;
- a naive loader, one MERGE per row, each its own transaction (defined here, for comparison);
- p50 / p95 latency of every graph.queries function on both stores (and the embedded load), after
  a warm-up; the warm-up's first round is reported too (a server that has just started is slower).
- the embedded store's open time (read-only, as the app opens it), in this process and in a new one.
Targets (issue 3): batched ≥ 20× naive; p95 < 50 ms on Neo4j and < 20 ms embedded.
"""
from __future__ import annotations

import argparse
from collections import Counter
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import graph  # noqa: E402
from graph import analysis, history, impact, model, queries  # noqa: E402
from graph.neo4j_store import Neo4jStore  # noqa: E402
from policykg.localhost import free_port  # noqa: E402


def find_export(arg: str | None, tmp: Path) -> tuple[Path, str]:
    if arg:
        return Path(arg), arg
    seed = ROOT / "out" / "export"
    if (seed / "nodes.jsonl").exists() and (seed / "nodes.jsonl").stat().st_size > 0:
        return seed, "out/export (seed corpus)"
    corpus = ROOT.parent / "shared" / "corpus"
    if corpus.is_dir():
        from policykg.cli import run_extract
        run_extract([str(corpus)], str(tmp / "export"), progress=False)
        return tmp / "export", "seed corpus, extracted now"
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest_graph import write_export
    return write_export(tmp / "export"), "test fixture (no corpus found)"


def wipe(store: Neo4jStore) -> None:
    while store.run_cypher("MATCH (n) WITH n LIMIT 5000 DETACH DELETE n RETURN count(*) AS n",
                           read_only=False)[0]["n"]:
        pass


# -- the naive loader: what the batched one is measured against ----------------------------------------
def naive_load(store: Neo4jStore, export: graph.Export) -> None:
    """One MERGE per row, one transaction per row (the way a first version usually looks)."""
    for node_id, (label, props) in export.nodes.items():
        store.run_cypher(f"MERGE (n:{model.BASE_LABEL} {{id: $id}}) SET n = $props SET n:`{label}`",
                         {"id": node_id, "props": props}, read_only=False)
    for (s, t, o), props in export.edges.items():
        store.run_cypher(f"MATCH (a:{model.BASE_LABEL} {{id: $s}}) MATCH (b:{model.BASE_LABEL} {{id: $o}}) "
                         f"MERGE (a)-[r:`{t}`]->(b) SET r = $props", {"s": s, "o": o, "props": props},
                         read_only=False)


def driver_version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        rust = f"neo4j-rust-ext {version('neo4j-rust-ext')}"
    except PackageNotFoundError:
        rust = "no neo4j-rust-ext"
    return f"neo4j {version('neo4j')} ({rust})"


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def percentiles(samples: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in samples)
    def pct(p):
        return ms[min(len(ms) - 1, int(round(p / 100 * (len(ms) - 1))))]
    return {"p50_ms": round(statistics.median(ms), 2), "p95_ms": round(pct(95), 2), "n": len(ms)}


def question_set(store, export: graph.Export) -> dict[str, callable]:
    """One call per query function, on the busiest agency and document of the export."""
    lead_count: dict[str, int] = {}
    for (s, t, o) in export.edges:
        if t in (model.LEADS, model.SUPPORTS):
            lead_count[s] = lead_count.get(s, 0) + 1
    agency = max(lead_count, key=lambda a: (lead_count[a], a)) if lead_count else next(
        i for i, (label, _) in export.nodes.items() if label == model.AGENCY)
    name = export.nodes[agency][1].get("name", agency)
    walked = [o for (s, t, o) in export.edges if t in (model.SUPERSEDES, model.AMENDS)]
    cited = [s for (s, t, o) in export.edges if t == model.CITES]
    doc = (walked or cited or [next(i for i, (lab, _) in export.nodes.items() if lab == model.DOCUMENT)])[0]
    citing = (cited or [doc])[0]
    binds = Counter(o for (s, t, o) in export.edges if t == model.BINDS)
    bound = max(binds, key=lambda a: (binds[a], a)) if binds else agency  # the agency most obligations bind

    # the busiest agency's largest sector (what the sector tab opens on), and its first partner (the
    # merger the what-if tab would most likely be asked about)
    sector_id = (impact.sectors_of(store, name) or [{"id": None}])[0]["id"]
    first_doc = next((g["document"]["id"] for g in impact.documents_of(store, name, limit=1)["documents"]
                      if g["document"]), None)
    partner_id = next((p["id"] for p in queries.co_responsible(store, name)), None)
    term = name[:2] if len(name) > 2 else name
    return {
        "search": lambda: queries.search(store, term),
        # the search page: its counts by kind, then a page of one kind (measures: the most text)
        "search_page (counts)": lambda: queries.search_page(store, term, limit=0),
        "search_page (measures, first page)": lambda: queries.search_page(store, term, limit=50,
                                                                          label=model.MEASURE),
        # the overview, reader and timeline pages: the documents counted, listed and filtered a page
        # at a time (the reader's picker, the timeline's two tables), every supersession, the parties
        "document_tallies (overview)": lambda: queries.document_tallies(store),
        "documents_page (reader picker)": lambda: queries.documents_page(store, limit=200, in_corpus=True),
        "documents_page (reader filter)": lambda: queries.documents_page(store, limit=200, in_corpus=True,
                                                                         text=term),
        "documents_page (timeline unplaced)": lambda: queries.documents_page(store, limit=100, unplaced=True),
        "supersession_edges": lambda: queries.supersession_edges(store, include_amends=True),
        "party_workload": lambda: queries.party_workload(store),
        "in_force_page (timeline)": lambda: history.in_force_page(store, "2022-01-01", limit=100),
        "in_force_page (timeline, a later page)": lambda: history.in_force_page(store, "2022-01-01", limit=100,
                                                                                 offset=4000),
        **({"agency_paths (explorer)": lambda: queries.agency_paths(store, agency, partner_id)}
           if partner_id else {}),
        "neighbourhood(depth=2)": lambda: queries.neighbourhood(store, agency, depth=2, limit=100),
        # the explorer: every group counted, the first 12 of each read (its default cap)
        "neighbour_groups (explorer)": lambda: queries.neighbour_groups(store, agency, limit=12),
        "relationships_page (explorer)": lambda: queries.relationships_page(store, agency, limit=200),
        "duties_of": lambda: queries.duties_of(store, name),
        "co_responsible": lambda: queries.co_responsible(store, name),
        "sole_lead_measures": lambda: queries.sole_lead_measures(store, name),
        # what the app and the CLI ask: one page and honest totals (graph.queries PAGE_SIZE)
        "duties_of (first page)": lambda: queries.duties_of(store, name, limit=queries.PAGE_SIZE),
        "duties_of (a later page)": lambda: queries.duties_of(store, name, limit=queries.PAGE_SIZE,
                                                              offset=10 * queries.PAGE_SIZE),
        "sole_lead_page (first page)": lambda: queries.sole_lead_page(store, name, limit=queries.PAGE_SIZE),
        # the impact page: its agency list, what it shows on opening, each tab (lists a page at a time)
        "agency_workload": lambda: queries.agency_workload(store),
        "impact agency_summary": lambda: impact.agency_summary(store, name),
        "impact documents_of (first page)": lambda: impact.documents_of(store, name, limit=queries.PAGE_SIZE),
        # the tab picks its first document and lists that document's measures of the agency
        "impact document_measures (first document)": lambda: impact.document_measures(store, name, first_doc),
        "impact sectors_of": lambda: impact.sectors_of(store, name),
        "impact sector_measures (first page)": lambda: impact.sector_measures(store, name, sector_id,
                                                                              limit=queries.PAGE_SIZE),
        "impact measure_page (first page)": lambda: impact.measure_page(store, name, limit=queries.PAGE_SIZE),
        "impact measure_page (a later page)": lambda: impact.measure_page(store, name, limit=queries.PAGE_SIZE,
                                                                          offset=10 * queries.PAGE_SIZE),
        "impact abolish (counts)": lambda: impact.abolish(store, name, limit=0),
        "impact abolish_group (first page)": lambda: impact.abolish_group(store, name, "support_dropped",
                                                                          limit=queries.PAGE_SIZE),
        **({"impact merge (counts)": lambda: impact.merge(store, name, partner_id, limit=0),
            "impact merged_partners": lambda: impact.merged_partners(store, name, partner_id),
            "impact merge_group (first page)": lambda: impact.merge_group(store, name, partner_id, "already_shared",
                                                                          limit=queries.PAGE_SIZE)}
           if partner_id else {}),
        "impact statutory_report (counts)": lambda: impact.statutory_report(store, bound, limit=0),
        "statutory_page (first page)": lambda: queries.statutory_page(store, bound, limit=queries.PAGE_SIZE),
        "superseded_by_chain": lambda: queries.superseded_by_chain(store, doc, include_amends=True),
        "supersedes_transitive": lambda: queries.supersedes_transitive(store, doc, include_amends=True),
        "cited_transitive": lambda: queries.cited_transitive(store, citing),
        "agency_centrality (analysis)": lambda: analysis.agency_centrality(store),
    }


#: before timing, every question is asked WARM_UP times per round for WARM_UP_ROUNDS rounds: a
#: server that has just started and loaded runs the first reads several times slower (plan cache,
#: page cache, the JVM's JIT compiling the query runtime); the first round is reported separately
WARM_UP = 10
WARM_UP_ROUNDS = 3
#: a question whose first call takes longer than this (an analysis, a whole answer about a hub at
#: 100×) is asked once per warm-up round and max(5, repeat // 5) times timed, which keeps a run bounded
SLOW_S = 0.5


def query_latencies(store, export, repeat: int) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """(warm latencies: `repeat` calls per question after the warm-up; first round: the first
    WARM_UP calls per question on the store as it was handed over)."""
    questions = question_set(store, export)
    first: dict[str, dict[str, float]] = {}
    slow: set[str] = set()
    for round_no in range(WARM_UP_ROUNDS):
        for name, ask in questions.items():
            samples = [timed(ask)]
            if round_no == 0 and samples[0] > SLOW_S:
                slow.add(name)
            samples += [timed(ask) for _ in range(0 if name in slow else WARM_UP - 1)]
            if round_no == 0:
                first[name] = percentiles(samples)
    out = {}
    for name, ask in questions.items():
        n = max(5, repeat // 5) if name in slow else repeat
        out[name] = percentiles([timed(ask) for _ in range(n)])
    return out, first


OPEN_IN_A_NEW_PROCESS = """
import sys, time
started = time.perf_counter()
import graph
with graph.open_store("embedded", path=sys.argv[1], read_only=True) as store:
    store.counts()
print(time.perf_counter() - started)
"""


def embedded_open_times(path: Path, repeat: int = 20) -> dict[str, float]:
    """Opening the embedded database read-only (as the app does) and counting its nodes: in this
    process (the engine already imported), and in a new process (imports included)."""
    def open_and_count():
        with graph.open_store("embedded", path=path, read_only=True) as store:
            store.counts()
    samples = [timed(open_and_count) for _ in range(repeat)]
    import subprocess
    cold = [float(subprocess.run([sys.executable, "-c", OPEN_IN_A_NEW_PROCESS, str(path)], capture_output=True,
                                 text=True, check=True, cwd=str(ROOT)).stdout) for _ in range(3)]
    return {**percentiles(samples), "new_process_s": round(statistics.median(cold), 3)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("export_dir", nargs="?")
    parser.add_argument("--batch-sizes", default="250,1000,2000,5000")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "load.json"))
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="policykg-bench-"))
    export_dir, described = find_export(args.export_dir, tmp)
    export = graph.read_export(export_dir)
    rows = export.rows
    print(f"export: {described}: {len(export.nodes)} nodes, {len(export.edges)} edges")
    results: dict = {"export": described, "nodes": len(export.nodes), "edges": len(export.edges),
                     "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count(),
                                 "neo4j_driver": driver_version()}}

    # embedded
    emb = graph.open_store("embedded", path=tmp / "graph.lbdb")
    t = timed(lambda: emb.load(export))
    results["embedded_load"] = {"seconds": round(t, 3), "rows_per_s": round(rows / t)}
    print(f"embedded load: {t:.2f}s, {rows / t:,.0f} rows/s")
    results["embedded_queries"], results["embedded_queries_first_round"] = query_latencies(emb, export, args.repeat)
    emb.close()
    results["embedded_open"] = embedded_open_times(tmp / "graph.lbdb")
    print(f"embedded open (read-only, + counts): {results['embedded_open']}")

    # neo4j
    server = None
    import os
    if os.environ.get("NEO4J_URI"):
        neo = graph.open_store("neo4j")
        results["neo4j"] = os.environ["NEO4J_URI"]
    else:
        from policykg import neo4j_server
        port = free_port()
        print(f"starting a temporary local Neo4j on port {port} …")
        server = neo4j_server.start(port=port, data_dir=tmp)
        neo = graph.open_store("neo4j", uri=server.uri, password=server.password)
        results["neo4j"] = "temporary local server (policykg.neo4j_server, Neo4j 5.26 Community)"
    try:
        wipe(neo)
        neo.ensure_schema()
        batched = {}
        for size in [int(x) for x in args.batch_sizes.split(",")]:
            wipe(neo)
            neo.batch_size = size
            t = timed(lambda: neo.load(export))
            again = timed(lambda: neo.load(export))  # idempotent re-load: everything MERGEs onto itself
            batched[str(size)] = {"seconds": round(t, 3), "rows_per_s": round(rows / t),
                                  "reload_rows_per_s": round(rows / again)}
            print(f"neo4j batched load, batch {size}: {t:.2f}s, {rows / t:,.0f} rows/s "
                  f"(re-load {rows / again:,.0f} rows/s)")
        best = max(batched, key=lambda k: batched[k]["rows_per_s"])
        wipe(neo)
        t = timed(lambda: naive_load(neo, export))
        naive = {"seconds": round(t, 3), "rows_per_s": round(rows / t)}
        print(f"neo4j naive load (1 MERGE per row and transaction): {t:.2f}s, {rows / t:,.0f} rows/s")
        results["neo4j_load"] = {"batched": batched, "best_batch_size": int(best), "naive": naive,
                                 "ratio_best_batched_over_naive": round(batched[best]["rows_per_s"] / naive["rows_per_s"], 1),
                                 "ratio_default_batch_over_naive": round(
                                     batched.get(str(graph.neo4j_store.DEFAULT_BATCH_SIZE), batched[best])["rows_per_s"]
                                     / naive["rows_per_s"], 1)}
        wipe(neo)
        neo.batch_size = graph.neo4j_store.DEFAULT_BATCH_SIZE
        neo.load(export)
        results["neo4j_queries"], results["neo4j_queries_first_round"] = query_latencies(neo, export, args.repeat)
    finally:
        neo.close()
        if server is not None:
            from policykg import neo4j_server
            neo4j_server.stop(data_dir=tmp)

    write_results(results, args.out, markdown_table(results))
    return 0


def write_results(results: dict, out: str, table: str) -> None:
    """The benchmark's JSON to `out`, and its Markdown table (for the README) to stdout."""
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print()
    print(table)
    print(f"\nwritten to {out}")


def markdown_table(results: dict) -> str:
    lines = ["| query | embedded p50 / p95 (ms) | Neo4j p50 / p95 (ms) | Neo4j first round after start, p50 / p95 |",
             "|---|---|---|---|"]
    for name, e in results["embedded_queries"].items():
        n = results.get("neo4j_queries", {}).get(name, {})
        f = results.get("neo4j_queries_first_round", {}).get(name, {})
        lines.append(f"| {name} | {e['p50_ms']} / {e['p95_ms']} | {n.get('p50_ms', '–')} / {n.get('p95_ms', '–')} "
                     f"| {f.get('p50_ms', '–')} / {f.get('p95_ms', '–')} |")
    load = results.get("neo4j_load")
    if load:
        lines += ["", "| loader | rows/s |", "|---|---|"]
        for size, r in load["batched"].items():
            lines.append(f"| Neo4j batched, batch {size} | {r['rows_per_s']:,} |")
        lines.append(f"| Neo4j naive, 1 MERGE per row | {load['naive']['rows_per_s']:,} |")
        lines.append(f"| embedded (LadybugDB: one transaction, COPY from Parquet) | {results['embedded_load']['rows_per_s']:,} |")
        lines.append(f"\nbatched (best, batch {load['best_batch_size']}) / naive = "
                     f"**{load['ratio_best_batched_over_naive']}×**")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
