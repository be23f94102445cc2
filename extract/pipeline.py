"""The extraction pipeline: one source text in, graph records out.

`extract_source` runs the pure stages over one file (clean → segment → header → measures →
responsibility) and returns node and edge dicts in the export format of
shared/eval/README.md. `merge` combines files: a document printed twice (same 文号, or the
same title) becomes one Document whose `sources` lists every printing, and its measures are
taken from the first printing only. Ids are derived from content, so the same input always
yields the same ids.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from extract.agencies import Gazetteer, load_gazetteer
from extract.docnumber import norm_key
from extract.clean import JoinedText, clean_lines, join_lines, typical_width
from extract.deadlines import add_deadlines
from extract.header import describe, resolve_nested
from extract.measures import find_measures
from extract.obligations import add_obligations, has_articles
from extract.read import SourceText
from extract.relations import add_relations, resolve_references
from extract.responsibility import Party
from extract.sectors import add_sectors
from extract.segment import DocHeader, find_document_starts


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def document_id(doc_number: str | None, title: str) -> str:
    """Stable id: the 文号 when there is one, else a hash of the normalised title."""
    if doc_number:
        return "doc:" + norm_key(doc_number)
    return "doc:" + _digest(norm_key(title))


@dataclass
class Records:
    """Nodes and edges of one file (or of a merged corpus), keyed by id."""

    nodes: dict[str, dict] = field(default_factory=dict)
    edges: dict[tuple, dict] = field(default_factory=dict)
    unverified: dict[str, int] = field(default_factory=dict)

    def add_node(self, node: dict) -> dict:
        existing = self.nodes.get(node["id"])
        if existing is None:
            self.nodes[node["id"]] = node
            return node
        return existing

    def add_edge(self, src: str, target: str, type_: str, **props) -> None:
        key = (src, type_, target, props.get("evidence", ""))
        if key not in self.edges:
            self.edges[key] = {**props, "source": src, "target": target, "type": type_}


def _src(file: str, a: int, b: int) -> dict:
    return {"file": file, "line_start": a, "line_end": b}


def _agency_node(records: Records, party: Party, gaz: Gazetteer) -> str:
    if party.agency_id:
        entry = gaz.get(party.agency_id)
        node = records.add_node({
            "id": entry.id, "label": "Agency", "name": entry.name, "short_name": entry.short_name,
            "aliases": list(entry.all_forms()), "kind": entry.kind, "parent": entry.parent,
            "verified": True,
        })
    else:
        node = records.add_node({
            "id": "agency:" + party.surface, "label": "Agency", "name": party.surface,
            "short_name": party.surface, "aliases": [party.surface], "kind": "unknown", "parent": None,
            "verified": False,
        })
        records.unverified[party.surface] = records.unverified.get(party.surface, 0) + 1
    if party.surface not in node["aliases"]:
        node["aliases"].append(party.surface)
    return node["id"]


def extract_source(source: SourceText, gaz: Gazetteer | None = None) -> tuple[list[DocHeader], Records]:
    """All documents of one file with their measures and assignments."""
    gaz = gaz or load_gazetteer()
    lines = clean_lines(source.lines)
    width = typical_width(lines)
    headers = [describe(lines, h, width) for h in find_document_starts(lines, width)]
    _mark_news_twins(headers)
    resolve_nested(lines, headers, width)
    records = Records()
    for h in headers:
        doc_lines = lines[h.start:h.end]
        if not doc_lines:
            continue
        if not h.title:  # a file holding one untitled text: name it after the file
            h.title = source.file.rsplit(".", 1)[0]
            h.doc_type = h.doc_type or "其他"
        joined = join_lines(doc_lines)  # width of this document's own body lines
        doc_id = document_id(h.doc_number if h.doc_type != "解读" else None, h.title)
        if doc_id in records.nodes:  # printed again in the same file: merge() folds it in
            doc_id = f"{doc_id}@{doc_lines[0].no}"
        source_span = _src(source.file, doc_lines[0].no, doc_lines[-1].no)
        records.add_node({
            "id": doc_id, "label": "Document", "title": h.title,
            "doc_number": norm_key(h.doc_number) or None if h.doc_type != "解读" else None,
            "date": h.date, "date_kind": h.date_kind, "effective_date": h.effective_date,
            "doc_type": h.doc_type or "其他", "in_corpus": True, "issuers_text": h.issuers_text,
            "source": source_span, "sources": [source_span], "text_kind": h.kind,
        })
        issuers = []
        # the title's issuers, else the signature's; "X等九部门" names only one: prefer the signature
        order = (h.signature_text, h.issuers_text) if re.search(r"[等\d一二三四五六七八九十]+部[门委]", h.issuers_text) \
            else (h.issuers_text, h.signature_text)
        for text in order:
            issuers = gaz.find(norm_key(text))
            if issuers:
                break
        for mention in issuers:
            agency = _agency_node(records, Party(mention.surface, mention.entry.id), gaz)
            records.add_edge(doc_id, agency, "ISSUED_BY", evidence=text)
        records.nodes[doc_id]["issuers"] = list(dict.fromkeys(m.entry.short_name for m in issuers))
        if h.kind in ("interpretation", "digest"):
            continue
        _add_measures(records, joined, doc_id, source.file, gaz)
        add_deadlines(records, doc_id)
        add_sectors(records, doc_id, joined.text, gaz)
        if has_articles(joined.text):
            add_obligations(records, joined, doc_id, source.file, gaz)
        add_relations(records, h, joined, doc_id, source.file, gaz)
    resolve_references(records)
    return headers, records


def _mark_news_twins(headers: list[DocHeader]) -> None:
    """A headline with no 文号 right before a notice of the same title is a news item about it."""
    for a, b in zip(headers, headers[1:]):
        if (a.kind == "document" and not a.doc_number and b.doc_number
                and norm_key(a.title) == norm_key(b.title)):
            a.kind, a.doc_type = "interpretation", "解读"


def _add_measures(records: Records, joined: JoinedText, doc_id: str, file: str, gaz: Gazetteer) -> None:
    items, measures = find_measures(joined.text, gaz)
    item_ids: dict[int, str] = {}
    for m in measures:
        a, b = joined.line_span(m.start, m.end)
        path = _item_path(items, m.item_index)
        mid = "measure:" + _digest(doc_id, path, str(m.part), m.text)
        if m.part == 1:
            item_ids.setdefault(m.item_index, mid)
        node = {
            "id": mid, "label": "Measure", "measure_no": m.measure_no, "heading": m.heading, "text": m.text,
            "generic_parties": list(m.assignment.generic) if m.assignment else [],
            "document": doc_id, "part": m.part, "outline_path": path, "source": _src(file, a, b),
        }
        if m.assignment and m.assignment.scope:
            node["scope"] = m.assignment.scope
        records.add_node(node)
        parent = item_ids.get(m.parent_item) if m.parent_item is not None else None
        records.add_edge(mid, parent or doc_id, "PART_OF")
        if m.assignment:
            for role, parties in (("LEADS", m.assignment.leads), ("SUPPORTS", m.assignment.supports)):
                for p in parties:
                    agency = _agency_node(records, p, gaz)
                    records.add_edge(agency, mid, role, evidence=m.assignment.raw, surface=p.surface,
                                     provenance=_src(file, a, b))


def _item_path(items, k: int) -> str:
    parts = []
    while k is not None:
        parts.append(items[k].marker)
        k = items[k].parent
    return "/".join(reversed(parts))


def merge(results: list[Records]) -> Records:
    """Combine per-file records; a document printed again keeps one node with all its sources.

    The later printing's measures and issuer edges are dropped: they repeat the first one's.
    """
    merged = Records()
    index: dict[str, str] = {}  # 文号 / title key -> canonical document id
    for rec in results:
        duplicates: dict[str, str] = {}
        for node in rec.nodes.values():
            if node["label"] != "Document" or node["doc_type"] == "解读" or node.get("in_corpus") is False:
                continue
            canonical = _find_canonical(node, index, merged)
            if canonical is not None:
                _add_source(merged.nodes[canonical], node)
                duplicates[node["id"]] = canonical
                continue
            merged.nodes[node["id"]] = dict(node, sources=list(node["sources"]))
            for key in _doc_keys(node):
                index.setdefault(key, node["id"])
        dropped = set(duplicates)
        for node in rec.nodes.values():
            if node["label"] in ("Measure", "Obligation") and node["document"] in duplicates:
                dropped.add(node["id"])
            elif node["label"] == "Agency":
                existing = merged.nodes.get(node["id"])
                if existing is None:
                    merged.nodes[node["id"]] = dict(node, aliases=list(node["aliases"]))
                else:
                    existing["aliases"].extend(a for a in node["aliases"] if a not in existing["aliases"])
            elif node["id"] not in dropped:
                merged.nodes.setdefault(node["id"], node)
        for key, edge in rec.edges.items():
            if edge["source"] in dropped or edge["target"] in dropped:
                continue
            merged.edges.setdefault(key, edge)
        for name, n in rec.unverified.items():
            merged.unverified[name] = merged.unverified.get(name, 0) + n
    resolve_references(merged)
    return merged


def _doc_keys(node: dict) -> list[str]:
    keys = ["t:" + _title_key(node["title"])] if node.get("title") else []
    if node.get("doc_number"):
        keys.insert(0, "n:" + norm_key(node["doc_number"]))
    return keys


def _find_canonical(node: dict, index: dict[str, str], merged: Records) -> str | None:
    """The first printing of `node`, if any: same 文号 or same title, and nothing contradicting."""
    for key in _doc_keys(node):
        c = index.get(key)
        if c is None:
            continue
        first = merged.nodes[c]
        if node.get("doc_number") and first.get("doc_number") and \
                norm_key(node["doc_number"]) != norm_key(first["doc_number"]):
            continue
        if node.get("date") and first.get("date") and node["date"] != first["date"]:
            continue
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
