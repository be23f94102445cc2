"""The embedded store: a NetworkX MultiDiGraph persisted to one file, no server needed.

Format: node-link JSON (`networkx.node_link_data`, edges under "edges"), UTF-8, one file —
default `data/graph.json` in the project or `$POLICYKG_DATA/graph.json`. JSON because it is
portable (readable by `networkx.node_link_graph`, d3, jq, any language), diffable and safe to open;
pickle would be faster but executes code on load and breaks across library versions.

- Loaded lazily on first use, and re-read when the file changed on disk since (another process loaded).
- Written atomically: the whole graph goes to a temporary file in the same directory, is fsynced,
  then `os.replace`d over the old file, so a crash leaves either the old or the new graph, never
  half of one. Writers take an advisory lock (`graph.json.lock`) so two loads do not interleave.
- Edges are keyed by type: at most one edge of a type between two nodes, as in the Neo4j store.
- Cypher runs through grand-cypher for the subset it supports (MATCH with labels and types, WHERE,
  COUNT, ORDER BY, LIMIT, DISTINCT, variable-length paths); anything else raises UnsupportedQuery.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Optional, Sequence

import networkx as nx

from . import model
from .datadir import default_data_dir
from .export import Export
from .cypher_text import CypherTextError, first_refused_clause, tokens, without_comments
from .store import (CYPHER_STRING, DEFAULT_CYPHER_LIMIT, Direction, GraphStore, Progress, ReadOnlyViolation,
                    StoreUnavailable, UnsupportedQuery)

FORMAT = "policykg-node-link"
FORMAT_VERSION = 1
_LABELS = "__labels__"  # grand-cypher reads node labels / edge types from this attribute


class EmbeddedStore(GraphStore):
    kind = "embedded"

    def __init__(self, path: str | Path | None = None):
        if path is None:
            path = default_data_dir() / "graph.json"
        self.path = Path(path)
        self._graph: Optional[nx.MultiDiGraph] = None
        self._stamp: Optional[tuple[int, int]] = None

    # -- file -------------------------------------------------------------------------------------
    def _file_stamp(self) -> Optional[tuple[int, int]]:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size)

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The in-memory graph (read it, do not change it: writes go through load/replace)."""
        stamp = self._file_stamp()
        if self._graph is None or stamp != self._stamp:
            self._graph = self._read() if stamp else nx.MultiDiGraph()
            self._stamp = stamp
        return self._graph

    def _read(self) -> nx.MultiDiGraph:
        try:
            with self.path.open(encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError) as exc:
            raise StoreUnavailable(f"cannot read the embedded store {self.path}: {exc}") from exc
        if data.get("graph", {}).get("format") != FORMAT:
            raise StoreUnavailable(f"{self.path} is not a PolicyKG graph file")
        graph = nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
        for node_id, attrs in graph.nodes(data=True):
            attrs["id"] = node_id  # node-link keeps the id only as the node key
            attrs[_LABELS] = {attrs.get("label")}
        for _, _, attrs in graph.edges(data=True):
            attrs[_LABELS] = {attrs.get("type")}
        return graph

    def _write(self, graph: nx.MultiDiGraph) -> None:
        graph.graph.update(format=FORMAT, version=FORMAT_VERSION)
        data = nx.node_link_data(graph, edges="edges")
        for item in data["nodes"]:
            item.pop(_LABELS, None)
        for item in data["edges"]:
            item.pop(_LABELS, None)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=self.path.name + ".", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        with contextlib.suppress(OSError):
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        self._graph = graph
        self._stamp = self._file_stamp()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[nx.MultiDiGraph]:
        """Lock, give a copy of the current graph to change, write it atomically on success."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(str(self.path) + ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                # a temporary file seen under the lock is left over from a writer that was killed
                for stale in self.path.parent.glob(self.path.name + ".*.tmp"):
                    with contextlib.suppress(OSError):
                        stale.unlink()
                self._graph = None  # re-read under the lock: another process may have written
                graph = self.graph.copy()
                yield graph
                self._write(graph)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    # -- writing ----------------------------------------------------------------------------------
    @staticmethod
    def _upsert(graph: nx.MultiDiGraph, export: Export, progress: Optional[Progress]) -> dict[str, int]:
        total = len(export.nodes)
        for done, (node_id, (label, props)) in enumerate(export.nodes.items(), 1):
            if node_id in graph:
                graph.nodes[node_id].clear()
            graph.add_node(node_id, **props, label=label, **{_LABELS: {label}})
            if progress and (done % 1000 == 0 or done == total):
                progress("nodes", done, total)
        total = len(export.edges)
        for done, ((s, t, o), props) in enumerate(export.edges.items(), 1):
            if s not in graph or o not in graph:
                from .store import LoadError
                raise LoadError(f"edge {s} -{t}-> {o}: endpoint missing from the store and the export")
            if graph.has_edge(s, o, key=t):
                graph.remove_edge(s, o, key=t)
            graph.add_edge(s, o, key=t, **props, type=t, **{_LABELS: {t}})
            if progress and (done % 1000 == 0 or done == total):
                progress("edges", done, total)
        return {"nodes": len(export.nodes), "edges": len(export.edges)}

    def load(self, export: Export, progress: Optional[Progress] = None) -> dict[str, int]:
        with self._writing() as graph:
            return self._upsert(graph, export, progress)

    def replace_documents(self, doc_ids: Iterable[str], export: Export,
                          progress: Optional[Progress] = None, prune_orphans: bool = False) -> dict[str, int]:
        doc_ids = set(doc_ids)
        with self._writing() as graph:
            owned: set[str] = set()
            stack = [d for d in doc_ids if d in graph]
            while stack:
                node = stack.pop()
                for child, _, key in graph.in_edges(node, keys=True):
                    if key == model.PART_OF and child not in owned and child not in doc_ids:
                        owned.add(child)
                        stack.append(child)
            graph.remove_nodes_from(owned)
            for doc in doc_ids & set(graph.nodes):
                graph.remove_edges_from(list(graph.out_edges(doc, keys=True)))
            for doc in doc_ids - set(export.nodes):
                if doc in graph:  # no longer in its file: keep it only as a cited stub
                    attrs = graph.nodes[doc]
                    for key in _PRINTING_PROPERTIES:
                        attrs.pop(key, None)
                    attrs["in_corpus"] = False
            stats = self._upsert(graph, export, progress)
            _drop_orphan_stubs(graph)
            keep = export.isolated_nodes()
            orphans = [n for n, a in graph.nodes(data=True) if a.get("label") != model.DOCUMENT
                       and graph.degree(n) == 0 and n not in keep] if prune_orphans else []
            graph.remove_nodes_from(orphans)
            stats.update(deleted_nodes=len(owned), deleted_orphans=len(orphans))
            return stats

    # -- reading ----------------------------------------------------------------------------------
    def counts(self) -> dict[str, dict[str, int]]:
        nodes: dict[str, int] = {}
        edges: dict[str, int] = {}
        g = self.graph
        for _, label in g.nodes(data="label"):
            nodes[label] = nodes.get(label, 0) + 1
        for _, _, key in g.edges(keys=True):
            edges[key] = edges.get(key, 0) + 1
        return {"nodes": dict(sorted(nodes.items())), "edges": dict(sorted(edges.items()))}

    def _node(self, node_id: str) -> dict[str, Any]:
        return _public(self.graph.nodes[node_id])

    def get_nodes(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        g = self.graph
        return {i: self._node(i) for i in ids if i in g}

    def find_nodes(self, label: str, props: str | Sequence[str], values: Iterable[Any]) -> list[dict[str, Any]]:
        wanted = set(values)
        props = [props] if isinstance(props, str) else list(props)
        out = []
        for node_id, attrs in self.graph.nodes(data=True):
            if attrs.get("label") != label:
                continue
            for prop in props:
                value = attrs.get(prop)
                if bool(wanted & set(value)) if isinstance(value, list) else value in wanted:
                    out.append(_public(attrs))
                    break
        return out

    def expand(self, ids: Iterable[str], rel_types: Optional[Iterable[str]] = None,
               direction: Direction = "out") -> list[tuple[str, str, str]]:
        g = self.graph
        types = set(rel_types) if rel_types is not None else None
        out: set[tuple[str, str, str]] = set()
        for node in ids:
            if node not in g:
                continue
            if direction in ("out", "both"):
                out.update((node, k, o) for _, o, k in g.out_edges(node, keys=True)
                           if types is None or k in types)
            if direction in ("in", "both"):
                out.update((s, k, node) for s, _, k in g.in_edges(node, keys=True)
                           if types is None or k in types)
        return sorted(out)

    def relationships(self, ids: Iterable[str], rel_types: Optional[Iterable[str]] = None,
                      direction: Direction = "both") -> list[dict[str, Any]]:
        g = self.graph
        return [{**_public(g.edges[s, o, t]), "source": s, "type": t, "target": o}
                for s, t, o in self.expand(ids, rel_types, direction)]

    def edges_among(self, ids: Iterable[str], rel_types: Optional[Iterable[str]] = None
                    ) -> list[tuple[str, str, str]]:
        keep = set(ids)
        return [e for e in self.expand(keep, rel_types, "out") if e[2] in keep]

    def expand_with_nodes(self, ids: Iterable[str], rel_types: Optional[Iterable[str]] = None,
                          direction: Direction = "out"
                          ) -> tuple[list[tuple[str, str, str]], dict[str, dict[str, Any]]]:
        ids = list(ids)
        edges = self.expand(ids, rel_types, direction)
        start = set(ids)
        far = {n for s, _, o in edges for n in (s, o) if n not in start}
        return edges, self.get_nodes(sorted(far))

    def containing_documents(self, ids: Iterable[str]) -> dict[str, Optional[dict[str, Any]]]:
        g = self.graph
        out: dict[str, Optional[dict[str, Any]]] = {}
        for start in ids:
            seen, level, found = {start}, [start], None
            while level and found is None:
                nxt = []
                for node in sorted(level):
                    if node not in g:
                        continue
                    for _, parent, key in sorted(g.out_edges(node, keys=True)):
                        if key != model.PART_OF or parent in seen:
                            continue
                        if g.nodes[parent].get("label") == model.DOCUMENT:
                            found = parent if found is None else min(found, parent)
                        seen.add(parent)
                        nxt.append(parent)
                level = nxt
            out[start] = self._node(found) if found is not None else None
        return out

    def _text_index(self) -> list[tuple[str, list[str]]]:
        """(node id, lower-cased text values) for every node, built once per graph version."""
        g = self.graph
        if getattr(self, "_text_index_for", None) is not g:
            index = []
            for node_id, attrs in g.nodes(data=True):
                label = model.NODE_LABELS.get(attrs.get("label"))
                if label is None:
                    continue
                values = []
                for prop in label.text_properties:
                    value = attrs.get(prop)
                    values.extend(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str))
                index.append((node_id, [v.lower() for v in values]))
            self._text_index_cache, self._text_index_for = index, g
        return self._text_index_cache

    def text_matches(self, text: str, limit: int, label_order: Sequence[str]) -> list[dict[str, Any]]:
        needle = text.strip().lower()
        rank = {label: i for i, label in enumerate(label_order)}
        out = []
        g = self.graph
        for node_id, values in self._text_index():
            keys = [(v != needle, len(v)) for v in values if needle in v]
            if keys:
                inexact, length = min(keys)
                attrs = g.nodes[node_id]
                hit = {k: attrs[k] for k in _MATCH_FIELDS if attrs.get(k) is not None}
                hit.update(exact=not inexact, length=length)
                out.append(hit)
        out.sort(key=lambda h: (not h["exact"], rank.get(h["label"], len(rank)), h["length"], h["id"]))
        return out[:limit]

    def documents_from_source(self, source_file: str) -> list[str]:
        return sorted(n for n, attrs in self.graph.nodes(data=True)
                      if attrs.get("label") == model.DOCUMENT and attrs.get("source_file") == source_file)

    def projection(self, labels: Optional[Iterable[str]] = None,
                   rel_types: Optional[Iterable[str]] = None,
                   properties: Optional[Iterable[str]] = None) -> nx.MultiDiGraph:
        g = self.graph
        labels = set(labels) if labels is not None else None
        types = set(rel_types) if rel_types is not None else None
        keep = None if properties is None else set(properties) | {"id", "label"}
        out = nx.MultiDiGraph()
        out.add_nodes_from((n, _public(a) if keep is None else {k: v for k, v in a.items() if k in keep})
                           for n, a in g.nodes(data=True) if labels is None or a.get("label") in labels)
        out.add_edges_from((s, o, k, _public(a)) for s, o, k, a in g.edges(keys=True, data=True)
                           if (types is None or k in types) and s in out and o in out)
        return out

    def run_cypher(self, query: str, params: Optional[Mapping[str, Any]] = None, *,
                   read_only: bool = True, limit: int = DEFAULT_CYPHER_LIMIT) -> list[dict[str, Any]]:
        if params:
            raise UnsupportedQuery(
                "the embedded store cannot take query parameters ($name): write the values into the "
                "query, or use the Neo4j store (--store neo4j)")
        query = _check_cypher(query)
        from grandcypher import GrandCypher
        try:
            result = GrandCypher(self.graph).run(query)
        except Exception as exc:  # grand-cypher raises lark errors for what it cannot parse
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise UnsupportedQuery(
                f"the embedded store (grand-cypher) cannot run this query: {first}. It supports MATCH "
                "with labels and types, WHERE, COUNT, ORDER BY, LIMIT, DISTINCT and variable-length "
                "paths; for full Cypher use the Neo4j store (--store neo4j)") from exc
        columns = [str(c) for c in result]
        values = [result[c] for c in result]
        rows = [dict(zip(columns, (_public(v) if isinstance(v, dict) else v for v in row)))
                for row in zip(*values)]
        return rows[:limit]


def _public(attrs: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in attrs.items() if k != _LABELS}


_MATCH_FIELDS = ("id", "label", *sorted({label.display for label in model.NODE_LABELS.values()}
                                       | {"name", "title"}), *model.BRIEF_PROPERTIES)
_PRINTING_PROPERTIES = ("source_file", "line_start", "line_end", "sources_json")


def _drop_orphan_stubs(graph: nx.MultiDiGraph) -> None:
    """A document known only because a replaced document cited it, and now cited by nothing, goes."""
    stubs = [n for n, a in graph.nodes(data=True)
             if a.get("label") == model.DOCUMENT and a.get("in_corpus") is False and graph.degree(n) == 0]
    graph.remove_nodes_from(stubs)


# --- the Cypher subset ----------------------------------------------------------------------------
#: not after `AS`, `.` or `:` (an alias, property or label of that name) in the space-joined tokens
_KEYWORD = r"(?<!\bAS )(?<!\. )(?<!: )\b"
_UNSUPPORTED = [
    (re.compile(_KEYWORD + r"OPTIONAL\s+MATCH\b", re.I), "OPTIONAL MATCH"),
    (re.compile(_KEYWORD + r"(?<!\bSTARTS )(?<!\bENDS )WITH\b", re.I), "WITH"),
    (re.compile(_KEYWORD + r"UNWIND\b", re.I), "UNWIND"),
    (re.compile(_KEYWORD + r"UNION\b", re.I), "UNION"),
    (re.compile(_KEYWORD + r"CALL\b", re.I), "CALL (procedures, subqueries)"),
    (re.compile(r"\$\w+"), "parameters ($name)"),
]
_AGGREGATES = re.compile(r"\b(count|sum|avg|min|max|collect)\s*\(", re.I)


def _check_cypher(query: str) -> str:
    """Refuse what grand-cypher does not support, naming it; smooth over two spelling differences
    (single-quoted strings, lower-case aggregate names) that it does not accept but Cypher does."""
    try:
        query_tokens = tokens(query)
    except CypherTextError as exc:
        raise UnsupportedQuery(f"the query cannot be read: {exc}") from None
    refused = first_refused_clause(query_tokens, frozenset())
    if refused:
        raise ReadOnlyViolation(f"the embedded store answers reads only: {refused} is not allowed")
    # keywords are looked for outside strings, names and comments
    outside = " ".join('""' if t.kind in ("string", "name") else ("$" if t.kind == "param" else "") + t.text
                       for t in query_tokens)
    query = without_comments(query)  # grand-cypher reads no comments
    for pattern, name in _UNSUPPORTED:
        if pattern.search(outside):
            raise UnsupportedQuery(
                f"the embedded store does not support {name} in Cypher; run this query on the Neo4j "
                "store (--store neo4j / open_store('neo4j'))")

    def requote(match: re.Match) -> str:
        s = match.group(0)
        if s.startswith("'"):
            return '"' + s[1:-1].replace("\\'", "'").replace('"', '\\"') + '"'
        return s

    pieces, last = [], 0
    for m in CYPHER_STRING.finditer(query):
        pieces.append(_AGGREGATES.sub(lambda a: a.group(1).upper() + "(", query[last:m.start()]))
        pieces.append(requote(m))
        last = m.end()
    pieces.append(_AGGREGATES.sub(lambda a: a.group(1).upper() + "(", query[last:]))
    return "".join(pieces)
