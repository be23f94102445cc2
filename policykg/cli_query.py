"""`policykg query …`: the questions of graph.queries from the command line.

Each subcommand calls one query function on the configured store (embedded unless --store or
$POLICYKG_STORE says neo4j) and prints a table, or JSON with --json. Exit code 0 with answers,
1 when the store is unreachable or a name is unknown, 2 on bad usage.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Callable

from rich.console import Console
from rich.table import Table

QUESTIONS: dict[str, tuple[str, str, Callable[..., Any] | None]] = {}


def _q(name: str, arg: str, help_: str):
    def deco(fn):
        QUESTIONS[name] = (arg, help_, fn)
        return fn
    return deco


@_q("search", "TEXT", "documents, agencies, measures … whose name or text contains TEXT")
def _search(store, text, limit):
    from graph import queries
    return queries.search(store, text, limit=limit)


@_q("duties", "AGENCY", "measures an agency leads or supports, grouped by document")
def _duties(store, agency, limit):
    from graph import queries
    d = queries.duties_of(store, agency)
    rows = []
    for doc in d["documents"]:
        for m in doc["measures"]:
            rows.append({"document": doc["document"].get("name"), "role": m.get("role"),
                         "measure_no": m.get("measure_no"), "heading": m.get("heading")})
    return rows[:limit] if limit else rows


@_q("partners", "AGENCY", "agencies sharing measures with AGENCY, with counts")
def _partners(store, agency, limit):
    from graph import queries
    return queries.co_responsible(store, agency)[:limit]


@_q("sole-lead", "AGENCY", "measures whose only lead is AGENCY (what loses its lead if it goes)")
def _sole_lead(store, agency, limit):
    from graph import queries
    return queries.sole_lead_measures(store, agency)[:limit]


@_q("supersedes", "DOC_ID", "documents DOC_ID repeals or replaces, transitively (AMENDS too)")
def _supersedes(store, doc_id, limit):
    from graph import queries
    return queries.supersedes_transitive(store, doc_id, include_amends=True)[:limit]


@_q("superseded-by", "DOC_ID", "documents that repeal or replace DOC_ID, transitively")
def _superseded_by(store, doc_id, limit):
    from graph import queries
    return queries.superseded_by_chain(store, doc_id, include_amends=True)[:limit]


@_q("cites", "DOC_ID", "documents DOC_ID cites, transitively")
def _cites(store, doc_id, limit):
    from graph import queries
    return queries.cited_transitive(store, doc_id)[:limit]


@_q("in-force", "DATE", "documents in force on DATE (YYYY-MM-DD): issued, effective and not yet superseded")
def _in_force(store, date, limit):
    from graph import history
    return history.documents_in_force(store, date)[:limit]


@_q("chain", "DOC_ID", "the supersession chain of DOC_ID: older versions and newer ones, in date order")
def _chain(store, doc_id, limit):
    from graph import history
    return history.supersession_chain(store, doc_id)[:limit]


@_q("obligations", "AGENCY_OR_PARTY", "obligations binding an agency or a regulated party (企业, 申请人 …)")
def _obligations(store, party, limit):
    from graph import history
    return history.obligations_of(store, party)[:limit]


def register(subparsers) -> None:
    from policykg.cli_graph import add_store_option

    p = subparsers.add_parser(
        "query", help="ask the graph a question (search, duties, partners, in-force, …)",
        description="Ask the graph store one of the questions below. Document ids look like "
                    "doc:国发〔2021〕4号 (the 文号) — find them with `policykg query search`.")
    sub = p.add_subparsers(dest="question", metavar="QUESTION", required=True)
    for name, (arg, help_, _) in QUESTIONS.items():
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

    _, _, fn = QUESTIONS[args.question]
    err = Console(stderr=True)
    try:
        with graph.open_store(args.store) as store:
            rows = fn(store, args.value, args.limit)
    except graph.StoreError as exc:
        err.print(f"[red]error:[/red] {exc}")
        return 1
    except AttributeError as exc:
        err.print(f"[red]error:[/red] this question is not available in this version ({exc})")
        return 1
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1, default=str)
        print()
    elif not rows:
        err.print("no answers")
    else:
        Console().print(_table(rows))
    return 0
