"""One interface over the two stores (Neo4j, embedded NetworkX) and the way to open one.

Nothing outside `graph/` knows which store is in use: callers get a `GraphStore` from `open_store`
and ask `graph.queries` / `graph.analysis` their questions.
"""
from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Literal, Mapping, Optional, Sequence

import networkx as nx

from . import model
from .export import Export, from_records, read_export

#: progress(stage, done, total): stage is e.g. "nodes:Measure" or "edges:LEADS"; done/total in rows
Progress = Callable[[str, int, int], None]
Direction = Literal["out", "in", "both"]

#: how many rows a plain `run_cypher` returns unless told otherwise
DEFAULT_CYPHER_LIMIT = 1000
#: the property naming the document a node belongs to, and the labels carrying it: extract/records.py
#: writes the id of the document that the node's PART_OF chain ends at (checked equal to the nearest
#: document through PART_OF on every measure and obligation of the seed, sample, 10× and 100× exports)
DOCUMENT_PROPERTY = "document"
DOCUMENTED_LABELS = (model.MEASURE, model.OBLIGATION)


def two_type_degrees(types: tuple[str, str], per_type: Iterable[tuple[str, str, int]],
                     both: Mapping[str, int]) -> dict[str, dict[tuple[str, ...], int]]:
    """`typed_degrees` for two types from what a database counts cheaply: (node, type, neighbours
    through that type) rows and, per node, the neighbours it reaches through both (each neighbour
    is reached by at most one edge of a type: the loaders key edges by source, type and target)."""
    counts: dict[str, dict[str, int]] = {}
    for node, rel_type, n in per_type:
        counts.setdefault(node, {})[rel_type] = counts.get(node, {}).get(rel_type, 0) + n
    out: dict[str, dict[tuple[str, ...], int]] = {}
    for node, by_type in counts.items():
        shared = both.get(node, 0)
        combos = {(t,): by_type.get(t, 0) - shared for t in types}
        combos[tuple(sorted(types))] = shared
        if any(combos.values()):
            out[node] = {k: n for k, n in combos.items() if n}
    return out


@dataclass(frozen=True)
class Test:
    """A condition on a node's own property, for `node_page` and `property_counts`: `op` one of
    `_TEST_OPS` — `=`, `<>`, `<`, `<=`, `>`, `>=`, `in`, `not in`, `contains`, `contains any case`
    (Latin letters compared lower-cased: "rcep" finds "RCEP"), `null`, `not null` (the last two take
    no value); with `or_null`, a node without the property passes too (a document with no effective
    date printed is not excluded by `effective_date <= D`)."""
    prop: str
    op: str
    value: Any = None
    or_null: bool = False
    __test__ = False  # not a test class when a test module imports it


#: which nodes to keep: any of the groups, each all of its tests (`[[a, b], [c]]` is (a AND b) OR c)
Where = Sequence[Sequence[Test]]
#: each test as the Cypher both stores share: `{col}` the property's column, `{v}` its parameter
#: (`not in` is `IN` negated in `where_cypher`, so that a node without the property passes none)
_TEST_OPS = {**{op: f"{{col}} {op} {{v}}" for op in ("=", "<>", "<", "<=", ">", ">=")},
             "in": "{col} IN {v}", "not in": "{col} IN {v}", "contains": "{col} CONTAINS {v}",
             "contains any case": "toLower({col}) CONTAINS toLower({v})",
             "null": "{col} IS NULL", "not null": "{col} IS NOT NULL"}


#: a store's spelling of "`col` is one of the values in parameter `key`" where it has a quicker one
#: than `IN` a list: (column, key, values) → (expression, the parameter's value), or None
Member = Callable[[str, str, list], Optional[tuple[str, Any]]]


def where_cypher(where: Optional[Where], column: Callable[[str], str], params: dict[str, Any],
                 member: Optional[Member] = None) -> str:
    """The Cypher both stores share for `where` (an expression, "true" for no condition), its values
    added to `params` as w0, w1 …; `column(p)` spells the node's property `p` in the store (NULL
    when the store has no such column); `member` a store's own spelling of `in` (see Member)."""
    if where is None:
        return "true"
    groups = []
    for group in where:
        tests = []
        for t in group:
            if t.op not in _TEST_OPS:
                raise ValueError(f"unknown test {t.op!r} (one of {', '.join(_TEST_OPS)})")
            col = column(t.prop)
            if t.op in ("null", "not null"):
                expr = _TEST_OPS[t.op].format(col=col)
            else:
                key = f"w{len(params)}"
                params[key] = list(t.value) if t.op in ("in", "not in") else t.value
                expr = _TEST_OPS[t.op].format(col=col, v=f"${key}")
                spelt = member(col, key, params[key]) if member and t.op in ("in", "not in") else None
                if spelt is not None:
                    expr, params[key] = spelt
                # NOT of a NULL is NULL: a node without the property is in no list and passes no `not in`
                expr = f"({col} IS NOT NULL AND NOT ({expr}))" if t.op == "not in" else expr
            tests.append(f"({col} IS NULL OR {expr})" if t.or_null else expr)
        groups.append("(" + " AND ".join(tests) + ")" if tests else "true")
    return " OR ".join(groups) if groups else "false"


def order_cypher(order_by: Sequence[tuple[str, bool]], column: Callable[[str], str]) -> str:
    """ORDER BY keys both stores read alike: each (property, descending) with the nodes lacking
    it after those having it, whichever way (the dialects differ on where NULL sorts)."""
    keys = []
    for prop, descending in order_by:
        col = column(prop)
        keys += [f"CASE WHEN {col} IS NULL THEN 1 ELSE 0 END", f"{col}{' DESC' if descending else ''}"]
    return ", ".join(keys)


#: String literals and quoted names of a Cypher query (blanked before looking for keywords).
CYPHER_STRING = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|`[^`]*`")


class StoreError(RuntimeError):
    """Base class of the graph layer's errors; the CLI prints the message and exits non-zero."""


class ReadOnlyViolation(StoreError):
    """A read-only query would write, administer, switch database or reach files or the network."""


@dataclass(frozen=True)
class QueryPlan:
    """What a database says a query would do, before running it (Neo4j: EXPLAIN)."""
    query_type: str                     # "r" read, "rw" / "w" write, "s" schema or administration
    database: str                       # the database the query would run on
    home_database: str                  # the database the session's queries go to
    operators: list[tuple[str, str]]    # (operator, details), root first


class StoreUnavailable(StoreError):
    """The store cannot be reached / opened (Neo4j down, wrong password, unreadable file)."""


class LoadError(StoreError):
    """A load did not complete; the message says which batch failed. Nothing is reported as done."""


class UnsupportedQuery(StoreError):
    """The store cannot run this Cypher (the embedded store supports a subset)."""


class GraphStore(ABC):
    """What every store offers. Node dicts are the *stored* form (see graph.model) plus `label`."""

    kind: str = "abstract"

    # -- writing ----------------------------------------------------------------------------------
    def load_export(self, export_dir: str | Path, progress: Optional[Progress] = None) -> dict[str, int]:
        """Upsert a whole export (idempotent: loading it twice changes nothing). Returns row counts."""
        return self.load(read_export(export_dir), progress=progress)

    @abstractmethod
    def load(self, export: Export, progress: Optional[Progress] = None) -> dict[str, int]:
        """Upsert parsed export rows: nodes keyed by id, edges keyed by (source, type, target)."""

    @abstractmethod
    def replace_documents(self, doc_ids: Iterable[str], export: Export,
                          progress: Optional[Progress] = None, prune_orphans: bool = False) -> dict[str, int]:
        """Re-ingest documents: delete what they own (nodes reached through incoming PART_OF, their
        edges, the documents' own outgoing edges), then upsert `export` (their new subgraph).
        Shared nodes (agencies, sectors, parties, other documents) stay — with `prune_orphans`,
        except those (documents apart) that nothing points at afterwards, unless the export lists
        them alone. A listed document missing from `export` stays only as a stub (in_corpus false,
        no source) while something points at it. Stats: deleted_nodes (owned), deleted_orphans."""

    def replace_source(self, source_file: str, nodes: Iterable[Mapping[str, Any]],
                       edges: Iterable[Mapping[str, Any]], progress: Optional[Progress] = None
                       ) -> dict[str, int]:
        """Re-ingest everything that came from one input file, given its new export records."""
        new = from_records(nodes, edges, where=source_file, check_edges=False)
        return self._replace_files([source_file], new, progress, prune_orphans=False)

    def replace_sources(self, export: Export, progress: Optional[Progress] = None) -> dict[str, int]:
        """Re-ingest every input file the export covers: documents the store holds from those files
        are replaced by what the export says now (a document or measure the extractor no longer
        finds goes), in one step (one transaction on Neo4j, one atomic write embedded). Documents
        from files the export does not cover stay; shared nodes stay while something still points at
        them (an agency or party no document mentions any more goes)."""
        sources = sorted({p["source_file"] for label, p in export.nodes.values()
                          if label == model.DOCUMENT and p.get("source_file")})
        stats = self._replace_files(sources, export, progress, prune_orphans=True)
        stats["replaced_files"] = len(sources)
        return stats

    def replace_export(self, export_dir: str | Path, progress: Optional[Progress] = None) -> dict[str, int]:
        """`replace_sources` of an export directory. A store may do it in bounded steps (Neo4j:
        a few documents per transaction, the export streamed); the outcome is the same."""
        return self.replace_sources(read_export(export_dir), progress=progress)

    def _replace_files(self, files: Sequence[str], export: Export, progress: Optional[Progress],
                       prune_orphans: bool) -> dict[str, int]:
        """Replace the documents the store holds from `files`, and those `export` has from them."""
        wanted = set(files)
        old_docs = {d for f in files for d in self.documents_from_source(f)}
        new_docs = {i for i, (label, p) in export.nodes.items()
                    if label == model.DOCUMENT and p.get("source_file") in wanted}
        return self.replace_documents(old_docs | new_docs, export, progress=progress, prune_orphans=prune_orphans)

    # -- reading ----------------------------------------------------------------------------------
    @abstractmethod
    def counts(self) -> dict[str, dict[str, int]]:
        """{"nodes": {label: n}, "edges": {type: n}}"""

    @abstractmethod
    def run_cypher(self, query: str, params: Optional[Mapping[str, Any]] = None, *,
                   read_only: bool = True, limit: int = DEFAULT_CYPHER_LIMIT) -> list[dict[str, Any]]:
        """Run Cypher; rows as dicts (column → value), at most `limit` of them."""

    def projection(self, labels: Optional[Iterable[str]] = None,
                   rel_types: Optional[Iterable[str]] = None,
                   properties: Optional[Iterable[str]] = None, connected: bool = False,
                   edge_properties: Optional[Iterable[str]] = None) -> nx.MultiDiGraph:
        """The graph (or the part with these labels/types) as a NetworkX MultiDiGraph: nodes carry
        `id`, `label` and their properties (only `properties` if given), edges are keyed by type and
        carry `type` and their properties (only `edge_properties` if given: not the evidence and
        provenance of each). With `connected`, only the nodes at an end of one of the edges (the
        1,000 documents of the supersessions of a 100× corpus, not its 11,700)."""
        nodes, edges = self.projection_rows(labels, rel_types, properties, connected, edge_properties)
        graph = nx.MultiDiGraph()
        graph.add_nodes_from(nodes.items())
        graph.add_edges_from((s, o, t, {**props, "type": t}) for s, t, o, props in edges)
        return graph

    @abstractmethod
    def projection_rows(self, labels: Optional[Iterable[str]] = None,
                        rel_types: Optional[Iterable[str]] = None,
                        properties: Optional[Iterable[str]] = None, connected: bool = False,
                        edge_properties: Optional[Iterable[str]] = None
                        ) -> tuple[dict[str, dict[str, Any]], list[tuple[str, str, str, dict[str, Any]]]]:
        """What `projection` holds, as plain rows: nodes (id → properties, with `id` and `label`)
        and edges (source, type, target, properties), the edges only between those nodes. For a
        question that reads the relations without walking them: no graph of dicts is built (at
        100×, ~12,000 fewer objects for the 1,800 supersessions, and the collector's pauses they
        bring in a large process)."""

    # primitives graph.queries is written on (one implementation of every question for both stores)
    @abstractmethod
    def get_nodes(self, ids: Iterable[str], properties: Optional[Sequence[str]] = None
                  ) -> dict[str, dict[str, Any]]:
        """id → node dict for the ids that exist: every property, or only `properties` (with id
        and label; e.g. model.BRIEF_READS for names: a hub's 1,500 documents read in a third of
        the time)."""

    @abstractmethod
    def find_nodes(self, label: str, props: str | Sequence[str], values: Iterable[Any]) -> list[dict[str, Any]]:
        """Nodes of `label` where one of `props` equals one of `values` (or, for a list property,
        contains one)."""

    @abstractmethod
    def expand(self, ids: Iterable[str], rel_types: Optional[Iterable[str]] = None,
               direction: Direction = "out") -> list[tuple[str, str, str]]:
        """Edges (source, type, target) leaving (`out`), entering (`in`) or touching (`both`) `ids`,
        sorted."""

    @abstractmethod
    def edges_among(self, ids: Iterable[str], rel_types: Optional[Iterable[str]] = None
                    ) -> list[tuple[str, str, str]]:
        """Edges (source, type, target) whose two ends are both in `ids`, sorted."""

    @abstractmethod
    def expand_with_nodes(self, ids: Iterable[str], rel_types: Optional[Iterable[str]] = None,
                          direction: Direction = "out"
                          ) -> tuple[list[tuple[str, str, str]], dict[str, dict[str, Any]]]:
        """`expand`, plus the node dicts of the far ends, in one round trip."""

    @abstractmethod
    def relationships(self, ids: Iterable[str], rel_types: Optional[Iterable[str]] = None,
                      direction: Direction = "both", limit: Optional[int] = None, offset: int = 0
                      ) -> list[dict[str, Any]]:
        """Like `expand`, with each edge's stored properties: dicts of source, type, target and
        the properties (evidence, provenance_json, …), sorted by (source, type, target); from
        `offset`, at most `limit` of them (only those are read)."""

    @abstractmethod
    def containing_documents(self, ids: Iterable[str]) -> dict[str, Optional[dict[str, Any]]]:
        """For each id, the Document it is (transitively) PART_OF, nearest first; None if none."""

    @abstractmethod
    def text_matches(self, text: str, limit: int, label_order: Sequence[str], labels: Optional[Sequence[str]] = None,
                     cap: Optional[int] = None) -> list[dict[str, Any]]:
        """The first `limit` nodes whose text properties (model.NODE_LABELS[…].text_properties)
        contain `text` (lower-cased), as dicts of id, label, display and brief properties, plus
        `exact` (some value equals the text) and `length` (of the shortest such value, exact ones
        first) — ordered by exact first, then label in `label_order` (others last), length, id.
        Only nodes of `labels`, if given. With `cap`, each label's matches are read up to `cap + 1`,
        the first the database finds (the embedded store: in table order; Neo4j: Lucene's best
        first): a label answering more than `cap` has more matches than it answers (a word in
        50,000 measures of a large corpus is not read whole), ordered among those read."""

    # aggregating primitives: the database counts, pairs and pages, so that a hub's thousands of
    # neighbours (a ministry leads or supports ~13,000 measures of a 100× corpus) stay in it
    @abstractmethod
    def typed_degrees(self, ids: Iterable[str], rel_types: Sequence[str],
                      direction: Direction = "out") -> dict[str, dict[tuple[str, ...], int]]:
        """For each of `ids` that has such edges: how many distinct neighbours it reaches through
        exactly each combination of `rel_types` (a sorted tuple of types → count). An agency that
        leads 3 measures, supports 5 and both leads and supports 1: {("LEADS",): 3,
        ("SUPPORTS",): 5, ("LEADS", "SUPPORTS"): 1}."""

    @abstractmethod
    def neighbour_page(self, ids: Iterable[str], rel_types: Sequence[str], direction: Direction = "out",
                       limit: Optional[int] = None, offset: int = 0, sole: bool = False,
                       order_by: Sequence[Sequence[str]] = (), labels: Optional[Sequence[str]] = None
                       ) -> tuple[int, list[str]]:
        """(how many distinct neighbours `ids` have through `rel_types`, those of them from
        `offset`, at most `limit`, in id order). With `sole`, only the neighbours that no node
        outside `ids` reaches through `rel_types` in the same direction (measures whose only
        lead is this agency). `order_by`: keys to order by before the id, each the first of its
        properties the neighbour has (missing: empty text); `labels`: only neighbours with one."""

    @abstractmethod
    def neighbour_counts(self, node_id: str, rel_types: Sequence[str], direction: Direction = "out",
                         by: Sequence[Any] = (), where: Optional[Any] = None
                         ) -> list[tuple[tuple[str, ...], tuple, int]]:
        """A node's neighbours through `rel_types`, counted by the database in groups: rows (sorted
        tuple of the types reaching the neighbour, the values of the facets `by`, count), unordered.
        Facets (graph/facets.py): a property or the label of the neighbour, a property of the edge
        reaching it, whether the node or another one also reaches it, the node it reaches through a
        type; `where` keeps only the neighbours whose facets have the given values (a mapping:
        all of them; a list of mappings: any of them). A ministry's 12,500 measures by document:
        2,000 rows."""

    @abstractmethod
    def neighbours_by_document(self, node_id: str, rel_types: Sequence[str], direction: Direction = "out",
                               limit: Optional[int] = None, offset: int = 0,
                               where: Optional[Any] = None, then: Sequence[str] = ()) -> dict[str, Any]:
        """A node's neighbours through `rel_types` ordered by the document each belongs to (see
        `containing_documents`; none last), then by id: `total` (neighbours), `documents` (distinct
        documents, none not counted), `rows` — from `offset`, at most `limit` — as (id, sorted tuple
        of the types reaching it, document id or None). A Measure's or Obligation's document is its
        `document` property (DOCUMENT_PROPERTY: the writer sets it to the document its PART_OF chain
        ends at), read in the database; only nodes without it (an older export) are walked. `where`:
        only the neighbours whose facets (graph/facets.py) have these values; `then`: properties to
        order by within a document, before the id (a clause's line: the order of the articles)."""

    @abstractmethod
    def shared_neighbour_counts(self, rel_types: Sequence[str], strong_type: Optional[str] = None,
                                of: Optional[str | Sequence[str]] = None) -> list[tuple[str, str, int, int]]:
        """Pairs of nodes with an edge of `rel_types` to a common target: (a, b, targets shared,
        those of them both reach through `strong_type`). Without `of`, every pair once with
        a < b; with `of`, the pairs (of, b) for every b; with a list `of` (agencies merged), the
        pairs (its first id, b) for every b outside it, a target counted once however many of the
        list reach it. Unordered (callers sort)."""

    @abstractmethod
    def shared_neighbours(self, a: str, b: str, rel_types: Sequence[str], limit: int) -> list[str]:
        """The nodes both `a` and `b` have an edge of `rel_types` with (either direction): the
        middles of the two-hop paths between them, the first `limit` in id order. The database
        joins the two sides (two ministries of 12,500 measures each: 10 ms at 100×)."""

    # whole-label lists, paged and counted by the database (8,700 documents of a 100× corpus are not
    # read to show 50 of them or to count them by type)
    @abstractmethod
    def node_page(self, label: str, where: Optional[Where] = None, order_by: Sequence[tuple[str, bool]] = (),
                  limit: Optional[int] = None, offset: int = 0, properties: Optional[Sequence[str]] = None
                  ) -> tuple[int, list[dict[str, Any]]]:
        """(how many nodes of `label` pass `where`, those of them from `offset`, at most `limit`, as
        dicts of id, label and `properties` — every property if None), ordered by `order_by`
        ((property, descending) pairs; a node without the property after those with it) then id."""

    @abstractmethod
    def property_counts(self, label: str, properties: Sequence[str], where: Optional[Where] = None
                        ) -> list[tuple[tuple, int]]:
        """Nodes of `label` (passing `where`) counted by the values of `properties`: rows (values,
        count), unordered; a missing property is None."""

    @abstractmethod
    def documents_from_source(self, source_file: str) -> list[str]:
        """Ids of Document nodes whose source_file is this file."""

    def in_one_read(self, work: Callable[[], Any]) -> Any:
        """Run `work` (a function of primitive calls that only read) so that all its reads see one
        snapshot. Neo4j runs them in one read transaction (one BEGIN/COMMIT for the whole question
        instead of one per primitive, and a consistent answer); nested calls join the outer one.
        The embedded store reads one in-memory graph, so this is just `work()`."""
        return work()

    def close(self) -> None:
        pass

    def __enter__(self) -> "GraphStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
