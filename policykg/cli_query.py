"""`policykg query …`: the questions of graph.queries from the command line.

Each subcommand calls one query function on the configured store (embedded unless --store or
$POLICYKG_STORE says neo4j) and prints a table, or JSON with --json. Exit code 0 with answers,
1 when the store is unreachable or a name is unknown, 2 on bad usage.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
from typing import Any

from rich.console import Console
from rich.table import Table

def _duty_rows(store, agency, limit=None):
    """duties_of (its first `limit` measures: the database pages them) flattened to one row per (document, measure), then measures printed under a predecessor
    (`inherited`), then the statutory duties: one row per obligation of a regulation binding the agency
    (level, modality; `inherited` from a predecessor)."""
    from graph import queries
    measures = [{"kind": "measure", "document": doc["document"].get("name") if doc["document"] else None,
                 "role": m.get("role"), "measure_no": m.get("measure_no"), "heading": m.get("heading")}
                for doc in queries.duties_of(store, agency, limit=limit)["documents"] for m in doc["measures"]]
    measures += [{"kind": "inherited measure", "document": (m["document"] or {}).get("name"), "role": m["role"],
                  "measure_no": m["measure_no"], "heading": m["heading"],
                  "inherited": f"{m['inherited_from']['agency']['name']}, {m['inherited_from']['year']}"}
                 for m in queries.inherited_measures(store, agency)]
    statutory = queries.statutory_duties(store, agency)["obligations"]
    return measures + [{"kind": "statutory", "document": (o["document"] or {}).get("name"), "role": "binds",
                        "level": o["level"], "measure_no": o["article"], "heading": o["action"],
                        "modality": o["modality"],
                        "inherited": (f"{o['inherited_from']['agency']['name']}, {o['inherited_from']['year']}"
                                      if o["inherited_from"] else None)} for o in statutory]


def _sole_lead_rows(store, agency, limit=None):
    """sole_lead_page: the first `limit` measures whose only lead is the agency (paged by the database)."""
    from graph import queries
    return queries.sole_lead_page(store, agency, limit=limit)["measures"]


def _holder_rows(store, duty_id):
    """holders_today flattened: one row per agency as printed, with today's holder and the way there."""
    from graph import queries
    return [{"role": h["role"], "level": h["level"], "printed": h["printed"]["name"],
             "today": "、".join(t["name"] for t in h["today"]),
             "via": "; ".join(f"{v['from']} → {v['to']} ({v['date']})" for v in h["via"]) or None}
            for h in queries.holders_today(store, duty_id)]


def _path_rows(store, pair):
    """agency_paths of "A/B" as one row per path: its length and the names along it."""
    from graph import queries
    a, sep, b = pair.partition("/")
    if not sep or not a.strip() or not b.strip():
        raise queries.NotFound(f"give two agencies as A/B (e.g. 商务部/海关总署), not {pair!r}")
    found = queries.agency_paths(store, a.strip(), b.strip())
    return [{"hops": found["hops"], "path": " → ".join(n["name"] for n in p["nodes"])} for p in found["paths"]]


#: question -> (argument name, help, "module:function" or a callable, keyword arguments)
QUESTIONS: dict[str, tuple[str, str, Any, dict[str, Any]]] = {
    "search": ("TEXT", "documents, agencies, measures … whose name or text contains TEXT",
               "graph.queries:search", {"limit": 1000}),
    "duties": ("AGENCY", "measures an agency leads or supports, grouped by document; those it inherited from a "
                         "predecessor; then its statutory duties (clauses of regulations binding it, with level "
                         "and modality, inherited ones marked)",
               _duty_rows, {}),
    "holder-today": ("DUTY_ID", "who holds a measure or obligation today: its agencies followed through "
                                "reorganisations (银保监会 → 国家金融监督管理总局, 2023)", _holder_rows, {}),
    "partners": ("AGENCY", "agencies sharing measures with AGENCY, with counts", "graph.queries:co_responsible", {}),
    "sole-lead": ("AGENCY", "measures whose only lead is AGENCY (what loses its lead if it goes)",
                  _sole_lead_rows, {}),
    "supersedes": ("DOC_ID", "documents DOC_ID repeals or replaces, transitively (AMENDS too)",
                   "graph.queries:supersedes_transitive", {"include_amends": True}),
    "superseded-by": ("DOC_ID", "documents that repeal or replace DOC_ID, transitively",
                      "graph.queries:superseded_by_chain", {"include_amends": True}),
    "cites": ("DOC_ID", "documents DOC_ID cites, transitively", "graph.queries:cited_transitive", {}),
    "in-force": ("DATE", "documents in force on DATE (YYYY-MM-DD): issued, effective and not yet superseded",
                 "graph.history:documents_in_force", {}),
    "chain": ("DOC_ID", "the supersession chain of DOC_ID: older versions and newer ones, in date order",
              "graph.history:supersession_chain", {}),
    "paths": ("AGENCY/AGENCY", "the shortest connections of two agencies through measures and documents",
              _path_rows, {}),
    "obligations": ("AGENCY_OR_PARTY", "obligations binding an agency or a regulated party (企业, 申请人 …)",
                    "graph.history:obligations_of", {}),
}


#: questions whose answer the database pages: they are asked for `--limit` rows only
PAGED = {"duties", "sole-lead"}


def _answer(question: str, store, value: str, limit: int | None = None) -> list[dict[str, Any]]:
    _, _, target, kwargs = QUESTIONS[question]
    if question in PAGED:
        kwargs = {**kwargs, "limit": limit}
    if isinstance(target, str):  # imported on demand: the CLI starts without the graph layer
        module, _, name = target.partition(":")
        target = getattr(importlib.import_module(module), name)
    return target(store, value, **kwargs)


def register(subparsers) -> None:
    from policykg.cli_graph import add_store_option

    p = subparsers.add_parser(
        "query", help="ask the graph a question (search, duties, partners, in-force, …)",
        description="Ask the graph store one of the questions below. Document ids look like "
                    "doc:国发〔2021〕4号 (the 文号) — find them with `policykg query search`.")
    sub = p.add_subparsers(dest="question", metavar="QUESTION", required=True)
    for name, (arg, help_, _, _) in QUESTIONS.items():
        q = sub.add_parser(name, help=help_, description=help_)
        q.add_argument("value", metavar=arg)
        q.add_argument("--limit", type=int, default=50, help="at most this many rows (default 50)")
        q.add_argument("--json", action="store_true", help="print JSON instead of a table")
        add_store_option(q)
        q.set_defaults(func=cmd_query)


def _table(rows: list[dict[str, Any]]) -> Table:
    cols: list[str] = []
    for r in rows:
        for k, v in r.items():
            if k not in cols and not isinstance(v, (dict, list)):
                cols.append(k)
    table = Table(show_header=True)
    for c in cols:
        table.add_column(c, overflow="fold")
    for r in rows:
        table.add_row(*["" if r.get(c) is None else str(r.get(c)) for c in cols])
    return table


def cmd_query(args: argparse.Namespace) -> int:
    import graph

    err = Console(stderr=True)
    try:
        with graph.open_store(args.store, read_only=True) as store:  # a question reads: also while the app runs
            if not store.counts()["nodes"]:
                err.print("[red]error:[/red] the graph is empty (nothing has been built or loaded yet): run "
                          "`policykg build CORPUS` (or `make run`) first")
                return 1
            rows = _answer(args.question, store, args.value, args.limit)[:args.limit]
    except (graph.StoreError, ValueError) as exc:  # unreachable store, unknown name, malformed date
        err.print(f"[red]error:[/red] {exc}")
        return 1
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1, default=str)
        print()
    elif not rows:
        err.print("no answers")
    else:
        Console().print(_table(rows))
    return 0
