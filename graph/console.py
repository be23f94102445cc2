"""Read-only Cypher for the app's console: a row cap, a time limit, writes refused.

On Neo4j the query runs in a READ-mode session inside a read transaction (`execute_read`) with a
server-side transaction timeout, so the server itself refuses writes (CREATE, MERGE, SET, DELETE,
write procedures) and stops a query that runs too long. A keyword check runs first on both stores
to give a clear message early; it is a courtesy, not the protection. On the embedded store
(LadybugDB) the app opens the database read-only, the query runs in a read-only transaction, the
store refuses statements that reach files, extensions or settings, and the database interrupts the
query at the time limit (graph/ladybug_store.py, graph/cypher_dialect.py).
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

from . import model
from .store import CYPHER_STRING, WRITE_CLAUSES, GraphStore, StoreError

DEFAULT_ROW_CAP = 500
DEFAULT_TIMEOUT_S = 10.0

_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)


class WriteRefused(StoreError):
    """The console is read-only: the query would write or administer the database."""


@dataclass
class ConsoleResult:
    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool
    seconds: float
    node_ids: list[str] = field(default_factory=list)  # ids of graph nodes found in the results


def check_read_only(query: str) -> None:
    """Raise WriteRefused naming the first writing construct found outside strings and comments."""
    outside = CYPHER_STRING.sub('""', _COMMENT.sub(" ", query))
    for pattern, name in WRITE_CLAUSES:
        if pattern.search(outside):
            raise WriteRefused(f"the console is read-only: {name} is not allowed")


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
    query = query.strip().rstrip(";")
    if not query:
        raise StoreError("empty query")
    check_read_only(query)
    started = time.monotonic()
    if store.kind == "neo4j":
        raw = _neo4j_read(store, query, row_cap + 1, timeout_s)
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


def _neo4j_read(store: GraphStore, query: str, limit: int, timeout_s: float) -> list[dict[str, Any]]:
    import neo4j

    @neo4j.unit_of_work(timeout=timeout_s)
    def work(tx):
        result = tx.run(query)
        out = []
        for record in result:
            out.append(dict(zip(record.keys(), record.values())))
            if len(out) >= limit:
                break
        return out
    try:
        with store._session(write=False) as session:  # READ access mode: the server refuses writes
            return session.execute_read(work)
    except neo4j.exceptions.Neo4jError as exc:
        code = exc.code or ""
        if "TransactionTimedOut" in code or "Terminated" in code:
            raise StoreError(f"the query ran longer than {timeout_s:g} s and was stopped") from exc
        if "WriteOnReadOnlyAccess" in code or "Forbidden" in code or "AccessMode" in code:
            raise WriteRefused(f"the server refused a write in a read-only transaction: {exc.message}") from exc
        raise StoreError(f"Neo4j rejected the query: {exc.message or exc}") from exc


def _embedded_read(store: GraphStore, query: str, limit: int, timeout_s: float) -> list[dict[str, Any]]:
    # the store refuses file/extension/settings statements, runs the query in a read-only
    # transaction, and the database interrupts it at the time limit (graph/ladybug_store.py)
    return store.run_cypher(query, read_only=True, limit=limit, timeout_s=timeout_s)


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
