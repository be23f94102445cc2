"""Read-only Cypher for the app's console: reads of the graph only, a row cap, a time limit.

What may run is decided by the database, not by keywords. On Neo4j the server first plans the query
(`EXPLAIN`, which runs nothing): the plan must be a read (query type `r`), on the database the app
uses, built only from read operators (READ_OPERATORS — no LoadCSV, no writes, no SHOW/administration
commands), calling no procedure but the few in ALLOWED_PROCEDURES. Then the query runs in a READ
access-mode transaction with a server-side timeout, so the server refuses any write and stops a
query that runs too long. The server itself cannot read files or fetch URLs (policykg/neo4j_server.py
settings), so a query missed by all of this still reaches nothing outside the graph.

A lexical look at the query comes first on both stores (graph.cypher_text: a real tokeniser — strings,
comments, backticks, unicode escapes as the server reads them): it refuses clear cases early with a
clear message, and never a name — `start`, `use`, `set`, `drop` as variables, properties, aliases or
string contents are read as names. On the embedded store it is the rule in front of an engine that
answers reads only: LadybugDB opens the database read-only, runs the query in a read-only
transaction, refuses statements that reach files, extensions or settings, and interrupts the query
at the time limit (graph/ladybug_store.py, graph/cypher_dialect.py).
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from . import model
from .cypher_text import CypherTextError, first_refused_clause, tokens
from .store import GraphStore, QueryPlan, ReadOnlyViolation, StoreError

DEFAULT_ROW_CAP = 500
DEFAULT_TIMEOUT_S = 10.0

#: The procedures a console query may call: the schema's names and the full-text search.
ALLOWED_PROCEDURES = frozenset({
    "db.labels", "db.relationshiptypes", "db.propertykeys", "db.schema.visualization",
    "db.index.fulltext.querynodes", "db.index.fulltext.queryrelationships",
})
#: Operators of read plans (Neo4j 5 Cypher manual, "Execution plan operators"), without their
#: `(All)`/`(Into)` variants and `Partitioned` prefix. Anything else — LoadCSV, Create, Merge,
#: SetProperty, Delete, Foreach, TransactionForeach, ShowSettings, AdministrationCommand … — is refused.
READ_OPERATORS = frozenset("""
    ProduceResults Argument ArgumentTracker EmptyResult AllNodesScan NodeByLabelScan NodeByIdSeek
    NodeByElementIdSeek UnionNodeByLabelsScan IntersectionNodeByLabelsScan SubtractionNodeByLabelsScan
    NodeIndexSeek NodeUniqueIndexSeek NodeIndexSeekByRange NodeUniqueIndexSeekByRange NodeIndexScan
    NodeIndexContainsScan NodeIndexEndsWithScan MultiNodeIndexSeek
    DirectedRelationshipByIdSeek UndirectedRelationshipByIdSeek DirectedRelationshipByElementIdSeek
    UndirectedRelationshipByElementIdSeek DirectedRelationshipIndexSeek UndirectedRelationshipIndexSeek
    DirectedRelationshipUniqueIndexSeek UndirectedRelationshipUniqueIndexSeek
    DirectedRelationshipIndexSeekByRange UndirectedRelationshipIndexSeekByRange
    DirectedRelationshipIndexScan UndirectedRelationshipIndexScan DirectedRelationshipIndexContainsScan
    UndirectedRelationshipIndexContainsScan DirectedRelationshipIndexEndsWithScan
    UndirectedRelationshipIndexEndsWithScan DirectedRelationshipTypeScan UndirectedRelationshipTypeScan
    DirectedAllRelationshipsScan UndirectedAllRelationshipsScan DirectedUnionRelationshipTypesScan
    UndirectedUnionRelationshipTypesScan NodeCountFromCountStore RelationshipCountFromCountStore
    Expand OptionalExpand VarLengthExpand BFSPruningVarLengthExpand ShortestPath StatefulShortestPath
    Trail Repeat NullifyMetadata ProjectEndpoints Filter Projection Limit ExhaustiveLimit Skip Sort
    PartialSort Top Top1WithTies PartialTop Distinct OrderedDistinct EagerAggregation OrderedAggregation
    Apply SemiApply AntiSemiApply LetSemiApply LetAntiSemiApply SelectOrSemiApply SelectOrAntiSemiApply
    LetSelectOrSemiApply LetSelectOrAntiSemiApply RollUpApply ConditionalApply AntiConditionalApply
    Optional Anti CartesianProduct NodeHashJoin NodeLeftOuterHashJoin NodeRightOuterHashJoin
    ValueHashJoin Union OrderedUnion Unwind Eager CacheProperties TriadicSelection TriadicBuild
    TriadicFilter ProcedureCall
""".split())
_VARIANT = re.compile(r"\(.*\)$")
_PROCEDURE = re.compile(r"^\s*([\w.`]+)\s*\(")


class WriteRefused(ReadOnlyViolation):
    """The console is read-only: the query would write, administer the database, switch database,
    call a procedure not allowed, or reach files or the network. `what` is the clause as written
    in Cypher (`DETACH DELETE`, `CALL dbms.listConfig`, `LOAD CSV / LOAD FROM`) when the lexical look
    found it, for a message in the reader's language; None when the server's plan refused."""

    def __init__(self, message: str, what: str | None = None):
        super().__init__(message)
        self.what = what


@dataclass
class ConsoleResult:
    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool
    seconds: float
    node_ids: list[str] = field(default_factory=list)  # ids of graph nodes found in the results


def check_read_only(query: str) -> None:
    """The fast lexical look: raise WriteRefused naming the first clause that would write, administer,
    switch database, call a procedure not allowed or read files/URLs. Names are never refused."""
    try:
        found = first_refused_clause(tokens(query), ALLOWED_PROCEDURES)
    except CypherTextError as exc:
        raise StoreError(f"the query cannot be read: {exc}") from None
    if found:
        raise WriteRefused(f"the console is read-only: {found} is not allowed", what=found.split(" (")[0])


def check_plan(plan: QueryPlan) -> None:
    """Raise WriteRefused unless the database's plan is a read of its own graph, from read operators,
    calling only allowed procedures."""
    if plan.query_type != "r":
        kind = {"w": "a write", "rw": "a read and write", "s": "a schema or administration command"}
        raise WriteRefused("the console only reads the graph: the server plans this query as "
                           f"{kind.get(plan.query_type, repr(plan.query_type))}")
    if plan.database != plan.home_database:
        raise WriteRefused(f"the console only reads the graph: the query would run on the database "
                           f"{plan.database!r}, not {plan.home_database!r}")
    for operator, details in plan.operators:
        family = _VARIANT.sub("", operator)
        family = family[len("Partitioned"):] if family.startswith("Partitioned") else family
        if family not in READ_OPERATORS:
            raise WriteRefused(f"the console only reads the graph: the plan uses {operator}, "
                               "which is not a read of the graph")
        if family == "ProcedureCall":
            match = _PROCEDURE.match(details)
            name = match.group(1).replace("`", "") if match else details
            if name.lower() not in ALLOWED_PROCEDURES:
                raise WriteRefused(f"the console only reads the graph: the procedure {name} is not "
                                   f"allowed (only {', '.join(sorted(ALLOWED_PROCEDURES))})")


def _plain(value: Any, ids: list[str]) -> Any:
    """Driver values (Node, Relationship, Path) → plain dicts; collect node ids on the way."""
    try:
        from neo4j.graph import Node, Path, Relationship
    except ImportError:  # pragma: no cover
        Node = Path = Relationship = ()  # type: ignore
    if Node and isinstance(value, Node):
        props = dict(value.items())
        labels = sorted(l for l in value.labels if l != model.BASE_LABEL)
        if "id" in props:
            ids.append(props["id"])
        return {**props, "label": labels[0] if labels else None}
    if Relationship and isinstance(value, Relationship):
        start = value.start_node.get("id") if value.start_node is not None else None
        end = value.end_node.get("id") if value.end_node is not None else None
        return {"type": value.type, "source": start, "target": end, **dict(value.items())}
    if Path and isinstance(value, Path):
        return {"nodes": [_plain(n, ids) for n in value.nodes],
                "relationships": [_plain(r, ids) for r in value.relationships]}
    if isinstance(value, dict):
        if "id" in value and "label" in value and isinstance(value["id"], str):
            ids.append(value["id"])
        return {k: _plain(v, ids) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, ids) for v in value]
    return value


def run_read_only(store: GraphStore, query: str, row_cap: int = DEFAULT_ROW_CAP,
                  timeout_s: float = DEFAULT_TIMEOUT_S) -> ConsoleResult:
    """Run `query` read-only; at most `row_cap` rows (`truncated` says whether there were more),
    at most `timeout_s` seconds. Raises WriteRefused, UnsupportedQuery (embedded subset) or
    StoreError (syntax errors, time-outs, anything the server refuses)."""
    query = query.strip().rstrip(";").strip()
    if not query:
        raise StoreError("empty query")
    check_read_only(query)
    started = time.monotonic()
    if store.kind == "neo4j":
        raw = run_planned(store, query, row_cap + 1, timeout_s)
    else:
        raw = _embedded_read(store, query, row_cap + 1, timeout_s)
    ids: list[str] = []
    rows = [{k: _plain(v, ids) for k, v in r.items()} for r in raw[:row_cap]]
    columns = list(rows[0]) if rows else []
    seen: dict[str, None] = {}
    for i in ids:
        seen.setdefault(i, None)
    return ConsoleResult(columns=columns, rows=rows, truncated=len(raw) > row_cap,
                         seconds=time.monotonic() - started, node_ids=list(seen))


def run_planned(store: Any, query: str, limit: int, timeout_s: float) -> list[dict[str, Any]]:
    """The Neo4j path on its own (no lexical look): the server plans the query, the plan is checked
    (check_plan), then at most `limit` rows are read in a READ transaction; raw driver values."""
    try:
        check_plan(store.plan(query, timeout_s))
        return store.read_rows(query, limit, timeout_s)
    except WriteRefused:
        raise
    except ReadOnlyViolation as exc:
        raise WriteRefused(str(exc)) from exc


def _embedded_read(store: GraphStore, query: str, limit: int, timeout_s: float) -> list[dict[str, Any]]:
    # the store refuses file/extension/settings statements, runs the query in a read-only
    # transaction, and the database interrupts it at the time limit (graph/ladybug_store.py)
    try:
        return store.run_cypher(query, read_only=True, limit=limit, timeout_s=timeout_s)
    except ReadOnlyViolation as exc:
        raise WriteRefused(str(exc)) from exc


#: (title_en, title_zh, query) — each runs on both stores as written
EXAMPLES: list[tuple[str, str, str]] = [
    ("Agencies leading the most measures", "牵头任务最多的部门",
     "MATCH (a:Agency)-[:LEADS]->(m:Measure) RETURN a.name AS agency, count(m) AS measures "
     "ORDER BY measures DESC LIMIT 15"),
    ("Measures 商务部 leads, with their agencies (graph)", "商务部牵头的任务（图）",
     "MATCH (a:Agency)-[r:LEADS]->(m:Measure) WHERE a.name = '商务部' RETURN a, r, m LIMIT 25"),
    ("Documents that repeal or replace others", "废止或替代其他文件的文件",
     "MATCH (new:Document)-[:SUPERSEDES]->(old:Document) RETURN new.title AS newer, new.date AS date, "
     "old.title AS older LIMIT 50"),
    ("Most-cited documents", "被引用最多的文件",
     "MATCH (d:Document)-[:CITES]->(c:Document) RETURN c.title AS cited, count(d) AS citations "
     "ORDER BY citations DESC LIMIT 15"),
    ("Obligations that bind an agency", "约束行政机关的义务条款",
     "MATCH (o:Obligation)-[:BINDS]->(a:Agency) RETURN a.name AS agency, o.article AS article, "
     "o.modality AS modality, o.action AS action LIMIT 50"),
    ("Measures with a deadline, soonest first, with their lead", "有时限的任务（按时限先后）及牵头部门",
     "MATCH (a:Agency)-[:LEADS]->(m:Measure) WHERE m.deadline > '2021' RETURN m.deadline AS deadline, "
     "m.deadline_text AS deadline_text, a.name AS lead, m.measure_no AS no, m.heading AS heading "
     "ORDER BY deadline LIMIT 50"),
    ("Partners of 商务部: agencies sharing its measures", "商务部的合作部门（共同承担的任务数）",
     "MATCH (a:Agency)-[:LEADS|SUPPORTS]->(m:Measure)<-[:LEADS|SUPPORTS]-(b:Agency) WHERE a.name = '商务部' "
     "RETURN b.name AS partner, count(m) AS shared ORDER BY shared DESC LIMIT 20"),
    ("Supersession chains (up to three steps)", "替代链（最多三步）",
     "MATCH (new:Document)-[:SUPERSEDES*1..3]->(old:Document) RETURN new.date AS date, new.title AS newer, "
     "old.title AS older LIMIT 50"),
    ("Prohibitions in regulations", "法规中的禁止性条款",
     "MATCH (o:Obligation)-[:PART_OF]->(d:Document) WHERE o.modality = 'prohibition' RETURN d.title AS document, "
     "o.article AS article, o.subject AS subject, o.text AS text LIMIT 50"),
    ("Documents per sector", "各领域的文件数",
     "MATCH (d:Document)-[:CONCERNS]->(s:Sector) RETURN s.name AS sector, count(d) AS documents "
     "ORDER BY documents DESC LIMIT 20"),
]
