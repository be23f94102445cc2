"""Reprints across files: a document printed again becomes one Document with every printing.

A document printed twice (same 文号, or the same title without its issuer prefix, and no
conflicting date or 文号) keeps the first printing's node, with every printing in `sources`; the
later printing's measures, obligations and issuer edges are dropped (they repeat the first's).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extract.docnumber import norm_key
from extract.records import Records, edge_row, node_row
from extract.references import DOC_RELATIONS, reference_mapping, remap_edge, resolve_references
from kgcatalogue import AGENCY, AMENDS, DOCUMENT, MEASURE, OBLIGATION


@dataclass
class FileRows:
    """One file's records as `CorpusMerge.add` takes them, made by `file_rows` in the worker that
    read the file: documents and agencies as dicts (the steps across files read them), every other
    node and every edge already as its export line, with what the merge decides by. Lines rather than
    dicts take the JSON encoding and most of the unpickling off the one process that merges, which
    with `--jobs 2` on 2 cores shares them with the workers (docs/reliability.md §8)."""

    crossing: list[dict]  # Document and Agency nodes, in the file's order
    nodes: list[tuple]  # (id, label, document of a measure or obligation else None, line)
    edges: list[tuple]  # `edge_row`s: (hash of the key, source, type, target, evidence, line)
    unverified: dict[str, int]


def file_rows(rec: Records) -> FileRows:
    crossing, nodes = [], []
    for node in rec.nodes.values():
        if node["label"] in (DOCUMENT, AGENCY):
            crossing.append(node)
        else:
            node_id, label, line = node_row(node)
            nodes.append((node_id, label, node["document"] if label in (MEASURE, OBLIGATION) else None, line))
    return FileRows(crossing, nodes, [edge_row(e) for e in rec.edges.values()], rec.unverified)


class CorpusMerge:
    """Files merged one at a time, in input order. What steps across files read stays in memory —
    documents (reprints, versions, references) and agencies (aliases gathered from every file) —;
    every other node and every edge goes to `kept` (first one wins) once its file is decided:
    a `Records` for the in-memory `merge`, an `extract.spill.SpilledRecords` for `policykg extract`."""

    def __init__(self, kept) -> None:
        self.kept = kept
        self.documents: dict[str, dict] = {}
        self.agencies: dict[str, dict] = {}
        self.unverified: dict[str, int] = {}
        self.index: dict[str, str] = {}  # 文号 / title key -> canonical document id

    def add(self, rows: FileRows) -> None:
        """One file's records; the later printing's measures and issuer edges are dropped: they repeat
        the first one's."""
        duplicates = self._fold_documents(rows.crossing)
        dropped = set(duplicates)
        for node in rows.crossing:
            if node["label"] == AGENCY:
                existing = self.agencies.get(node["id"])
                if existing is None:
                    self.agencies[node["id"]] = dict(node, aliases=list(node["aliases"]))
                else:
                    existing["aliases"].extend(a for a in node["aliases"] if a not in existing["aliases"])
            elif node["id"] not in dropped:
                self.documents.setdefault(node["id"], node)
        kept = []
        for node_id, label, document, line in rows.nodes:
            if document is not None and document in duplicates:
                dropped.add(node_id)
            else:
                kept.append((node_id, label, line))
        self.kept.keep_nodes(kept)
        self.kept.keep_edges([e for e in rows.edges if e[1] not in dropped and e[3] not in dropped]
                             if dropped else rows.edges)  # most files reprint nothing: their rows as sent
        for name, n in rows.unverified.items():
            self.unverified[name] = self.unverified.get(name, 0) + n

    def _fold_documents(self, crossing: list[dict]) -> dict[str, str]:
        """Add the file's documents; a reprint of one already here adds its source to the first
        printing instead. Returns reprint id -> first printing's id."""
        duplicates: dict[str, str] = {}
        for node in crossing:
            if node["label"] != DOCUMENT or node["doc_type"] == "解读" or node.get("in_corpus") is False:
                continue
            canonical = _find_canonical(node, self.index, self.documents)
            if canonical is not None:
                _add_source(self.documents[canonical], node)
                duplicates[node["id"]] = canonical
                continue
            self.documents[node["id"]] = dict(node, sources=list(node["sources"]))
            for key in _doc_keys(node):
                self.index.setdefault(key, node["id"])
        return duplicates

    def finish(self) -> None:
        """The steps across files, on records kept in an `extract.spill.SpilledRecords`: versions
        linked, references resolved; then documents and agencies join the kept nodes."""
        link_versions(Records(nodes=self.documents), add_edge=self.kept.add_edge)
        mapping, by_title = reference_mapping(self.documents)
        if mapping:
            still_used: set[str] = set()

            def node_of(node_id: str) -> dict | None:
                return self.documents.get(node_id) or self.agencies.get(node_id) or self.kept.node(node_id)
            self.kept.remap_edges(set(mapping) | by_title, lambda key, e: remap_edge(
                key, e, mapping, by_title, node_of, still_used), DOC_RELATIONS)
            for nid in mapping:
                if nid not in still_used:
                    self.documents.pop(nid, None)
        self.kept.keep_nodes(map(node_row, self.documents.values()))
        self.kept.keep_nodes(map(node_row, self.agencies.values()))


def merge(results: list[Records]) -> Records:
    """Combine per-file records in memory (the reference `CorpusMerge.finish` on disk is held
    byte-identical to); a document printed again keeps one node with all its sources."""
    corpus = CorpusMerge(Records())
    for rec in results:
        corpus.add(file_rows(rec))
    merged = Records(nodes={**corpus.documents, **corpus.agencies, **corpus.kept.nodes}, edges=corpus.kept.edges,
                     unverified=corpus.unverified)
    link_versions(merged)
    resolve_references(merged)
    return merged


def link_versions(records: Records, add_edge=None) -> None:
    """Versions of one revised text (same 文号, or same title without one; told apart by the
    date of their latest revision): each newer version AMENDS the one before it, the evidence
    being the revisions printed in the newer one after the older one's."""
    works: dict[str, list[dict]] = {}
    for node in records.nodes.values():
        if node["label"] == DOCUMENT and node.get("in_corpus", True) and node.get("version_date"):
            key = norm_key(node["doc_number"]) if node.get("doc_number") else "t:" + _title_key(node["title"])
            works.setdefault(key, []).append(node)
    for versions in works.values():
        versions.sort(key=lambda n: (n["version_date"], n["id"]))
        for older, newer in zip(versions, versions[1:]):
            later = [r for r in newer.get("revisions", []) if r not in older.get("revisions", [])]
            (add_edge or records.add_edge)(newer["id"], older["id"], AMENDS, evidence="；".join(later), kind="amends",
                             partial=False, part=None, date=newer["version_date"], new_version=True,
                             provenance=newer["source"])


def _doc_keys(node: dict) -> list[str]:
    keys = ["t:" + _title_key(node["title"])] if node.get("title") else []
    if node.get("doc_number"):
        keys.insert(0, "n:" + norm_key(node["doc_number"]))
    return keys


def _find_canonical(node: dict, index: dict[str, str], documents: dict[str, dict]) -> str | None:
    """The first printing of `node`, if any: same 文号 or same title, and nothing contradicting."""
    for key in _doc_keys(node):
        c = index.get(key)
        if c is None:
            continue
        first = documents[c]
        if node.get("doc_number") and first.get("doc_number") and \
                norm_key(node["doc_number"]) != norm_key(first["doc_number"]):
            continue
        if node.get("date") and first.get("date") and node["date"] != first["date"]:
            continue
        if node.get("version_date") and first.get("version_date") and node["version_date"] != first["version_date"]:
            continue  # the same regulation at another revision: a version, not a reprint
        return c
    return None


def _title_key(title: str) -> str:
    """Title without its issuer prefix: reprints often drop 国务院办公厅 before 关于…."""
    t = norm_key(title)
    m = re.search(r"关于", t)
    return t[m.start():] if m else t


def _add_source(canonical: dict, dup: dict) -> None:
    for s in dup["sources"]:
        if s not in canonical["sources"]:
            canonical["sources"].append(s)
    for k in ("doc_number", "date", "effective_date"):
        if not canonical.get(k) and dup.get(k):
            canonical[k] = dup[k]
