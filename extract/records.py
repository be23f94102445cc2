"""The one writer: a finished carrier (`extract.document.DocumentText`) → nodes and edges.

Everything that makes a graph record lives here: the `Records` container, stable ids,
provenance spans (file + original 1-based line span, from `JoinedText.line_span`), agency nodes,
document ids, the placeholder nodes of texts referred to, and the call to reference resolution.
Detectors never build any of these; they return hits with offsets.

Ids are derived from content, so the same input always gives the same ids: documents
`doc:<文号>` or `doc:<sha1(title)>`; measures and obligations a hash of the document id and their
place; agencies `agency:<official name>` (an unverified name: `agency:<name as printed>`);
parties `party:<class name>`.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Iterable

from extract.agencies import Gazetteer, load_successions
from extract.docnumber import norm_docno, norm_key
from extract.document import DocumentText
from extract.events import header_facts
from extract.header import doc_type_of
from extract.references import resolve_references
from extract.relations import strip_brackets
from extract.sectors import load_sectors
from kgcatalogue import (AGENCY, AMENDS, BINDS, CITES, CONCERNS, DOCUMENT, ISSUED_BY, LEADS, MEASURE,
                         OBLIGATION, PART_OF, REGULATED_PARTY, SECTOR, SUCCEEDED_BY, SUPERSEDES, SUPPORTS)
from kgcatalogue.manifest import export_line

__all__ = ["Records", "edge_key", "edge_hash", "node_row", "edge_row", "digest", "span", "document_id", "agency_node", "external_document", "write_document",
           "resolve_references", "write_successions"]


def digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def span(file: str, line_start: int, line_end: int) -> dict:
    """Provenance: the file and the original 1-based line span."""
    return {"file": file, "line_start": line_start, "line_end": line_end}


def document_id(doc_number: str | None, title: str) -> str:
    """Stable id: the 文号 when there is one, else a hash of the normalised title."""
    if doc_number:
        return "doc:" + norm_key(doc_number)
    return "doc:" + digest(norm_key(title))


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

    def keep_nodes(self, rows: Iterable[tuple[str, str, bytes]]) -> None:
        """`node_row`s whose id is not here yet (the first one wins), as `extract.spill.SpilledRecords`."""
        for node_id, _, line in rows:
            if node_id not in self.nodes:
                self.nodes[node_id] = json.loads(line)

    def keep_edges(self, rows: Iterable[tuple]) -> None:
        """`edge_row`s whose key is not here yet."""
        for row in rows:
            if row[1:5] not in self.edges:
                self.edges[row[1:5]] = json.loads(row[5])


def edge_key(edge: dict) -> tuple:
    """What tells edges apart (`Records.edges` keys): source, type, target, evidence."""
    return edge["source"], edge["type"], edge["target"], edge.get("evidence", "")


def node_row(node: dict) -> tuple[str, str, bytes]:
    """A node as the merge keeps it: id, label and its export line."""
    return node["id"], node["label"], export_line(node)


def edge_hash(key: tuple) -> int:
    """A 64-bit hash of an edge key, the same in every process (Python's `hash()` is salted per
    process): the worker that reads a file computes it, the spill indexes edges by it."""
    digest = hashlib.blake2b("\x1f".join(map(str, key)).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def edge_row(edge: dict) -> tuple:
    """An edge as the merge keeps it: the hash of its key (`edge_hash`), the key (`edge_key`) and
    its export line: (hash, source, type, target, evidence, line)."""
    key = edge_key(edge)
    return (edge_hash(key), *key, export_line(edge))


def agency_node(records: Records, surface: str, agency_id: str | None, gaz: Gazetteer) -> str:
    """The Agency node of a gazetteer entry (or of an unverified name); `surface` joins its aliases."""
    if agency_id:
        entry = gaz.get(agency_id)
        node = records.add_node({
            "id": entry.id, "label": AGENCY, "name": entry.name, "short_name": entry.short_name,
            "aliases": list(entry.all_forms()), "kind": entry.kind, "parent": entry.parent,
            "verified": True,
        })
    else:
        node = records.add_node({
            "id": "agency:" + surface, "label": AGENCY, "name": surface, "short_name": surface,
            "aliases": [surface], "kind": "unknown", "parent": None, "verified": False,
        })
        records.unverified[surface] = records.unverified.get(surface, 0) + 1
    if surface not in node["aliases"]:
        node["aliases"].append(surface)
    return node["id"]


def external_document(title: str | None, doc_number: str | None, previous_version: bool = False,
                      date: str | None = None) -> dict:
    """An `in_corpus: false` Document node carrying what was printed.

    A dated text without a 文号 is told apart by its date: several 决定 share the title
    国务院关于修改部分行政法规的决定."""
    no = norm_docno(doc_number)
    if previous_version and not no:
        did = "doc:" + digest(norm_key(title or ""), "previous-version", *([date] if date else []))
    elif date and not no:
        did = "doc:" + digest(norm_key(title or ""), date)
    else:
        did = document_id(no, title or "")
    return {"id": did, "label": DOCUMENT, "title": title, "doc_number": no, "date": date,
            "doc_type": doc_type_of(strip_brackets(title)) if title else "其他", "in_corpus": False,
            "previous_version": previous_version, "source": None, "sources": []}


def _ref_node(records: Records, title, doc_number, previous_version=False, date=None) -> str:
    node = external_document(title, doc_number, previous_version, date)
    existing = records.add_node(node)
    if existing is not node and not existing.get("in_corpus", True):
        if not existing.get("title") and title:
            existing["title"] = title
    return existing["id"]


# --- one document ------------------------------------------------------------------------------------
def write_document(records: Records, doc: DocumentText, gaz: Gazetteer) -> str:
    """Nodes and edges of one finished carrier, in a fixed order (ids and aliases depend on it)."""
    doc_id = _write_header(records, doc)
    _write_issuers(records, doc, doc_id, gaz)
    if not doc.is_policy_text:
        return doc_id
    measure_ids = _write_measures(records, doc, doc_id, gaz)
    for d in doc.deadlines:
        node = records.nodes[measure_ids[d.measure]]
        node["deadline"], node["deadline_text"] = d.deadline, d.deadline_text
    _write_sectors(records, doc, doc_id, measure_ids)
    _write_obligations(records, doc, doc_id, gaz)
    _write_relations(records, doc, doc_id)
    _write_revisions(records, doc, doc_id)
    return doc_id


def _span_of(doc: DocumentText, start: int, end: int) -> dict:
    return span(doc.file, *doc.joined.line_span(start, end))


def _write_header(records: Records, doc: DocumentText) -> str:
    h, lines = doc.header, doc.joined.lines
    doc_number = h.doc_number if h.doc_type != "解读" else None
    doc_id = document_id(doc_number, h.title)
    if h.version_date:  # a revised text: one node per version printed (extract.events)
        doc_id = f"{doc_id}@{h.version_date}"
    if doc_id in records.nodes:  # printed again in the same file: merge() folds it in
        doc_id = f"{doc_id}@{lines[0].no}"
    source = span(doc.file, lines[0].no, lines[-1].no)
    records.add_node({
        "id": doc_id, "label": DOCUMENT, "title": h.title, "doc_number": norm_key(doc_number) or None,
        "date": h.date, "date_kind": h.date_kind, "effective_date": h.effective_date,
        "doc_type": h.doc_type or "其他", "in_corpus": True, "issuers_text": h.issuers_text,
        "source": source, "sources": [source], "text_kind": h.kind,
    })
    if h.version_date:
        records.nodes[doc_id]["version_date"] = h.version_date
        records.nodes[doc_id]["revisions"] = [e.text for e in h.events if e.kind == "revised"]
    return doc_id


def _write_issuers(records: Records, doc: DocumentText, doc_id: str, gaz: Gazetteer) -> None:
    for hit in doc.issuers:
        records.add_edge(doc_id, agency_node(records, hit.surface, hit.agency_id, gaz), ISSUED_BY,
                         evidence=hit.evidence)
    records.nodes[doc_id]["issuers"] = list(dict.fromkeys(gaz.get(h.agency_id).short_name for h in doc.issuers))


def _item_path(items, k: int) -> str:
    parts = []
    while k is not None:
        parts.append(items[k].marker)
        k = items[k].parent
    return "/".join(reversed(parts))


def _write_measures(records: Records, doc: DocumentText, doc_id: str, gaz: Gazetteer) -> list[str]:
    """Measure nodes PART_OF their parent item's first measure (or the document), LEADS/SUPPORTS edges."""
    item_ids: dict[int, str] = {}
    ids = []
    for m in doc.measures:
        where = _span_of(doc, m.start, m.end)
        path = _item_path(doc.items, m.item_index)
        mid = "measure:" + digest(doc_id, path, str(m.part), m.text)
        ids.append(mid)
        if m.part == 1:
            item_ids.setdefault(m.item_index, mid)
        node = {
            "id": mid, "label": MEASURE, "measure_no": m.measure_no, "heading": m.heading, "text": m.text,
            "generic_parties": list(m.assignment.generic) if m.assignment else [],
            "document": doc_id, "part": m.part, "outline_path": path, "source": where,
        }
        if m.assignment and m.assignment.scope:
            node["scope"] = m.assignment.scope
        records.add_node(node)
        parent = item_ids.get(m.parent_item) if m.parent_item is not None else None
        records.add_edge(mid, parent or doc_id, PART_OF)
        if m.assignment:
            for role, parties in ((LEADS, m.assignment.leads), (SUPPORTS, m.assignment.supports)):
                for p in parties:
                    records.add_edge(agency_node(records, p.surface, p.agency_id, gaz), mid, role,
                                     evidence=m.assignment.raw, surface=p.surface, provenance=where)
    return ids


def _write_sectors(records: Records, doc: DocumentText, doc_id: str, measure_ids: list[str]) -> None:
    for hit in doc.sectors:
        source = doc_id if hit.measure is None else measure_ids[hit.measure]
        records.add_edge(source, hit.sector_id, CONCERNS, keywords=list(hit.keywords), score=hit.score)
    used = {hit.sector_id for hit in doc.sectors}
    for s in load_sectors():
        if s.id in used:
            records.add_node({"id": s.id, "label": SECTOR, "name": s.name, "kind": s.kind})


def _write_obligations(records: Records, doc: DocumentText, doc_id: str, gaz: Gazetteer) -> None:
    """Obligation nodes PART_OF the document; BINDS edges to the agencies and parties they bind."""
    ids = []
    for o in doc.obligations:
        oid = "obligation:" + digest(doc_id, o.article, str(o.paragraph), str(o.start), o.trigger, o.modality)
        ids.append(oid)
        records.add_node({
            "id": oid, "label": OBLIGATION, "subject": o.subject, "subject_class": o.subject_class,
            "modality": o.modality, "trigger": o.trigger, "action": o.action, "condition": o.condition,
            "article": o.article, "paragraph": o.paragraph, "penalty": o.penalty,
            "implicit_modality": o.implicit_modality, "subject_implicit": o.subject_implicit,
            "text": o.text, "document": doc_id, "source": _span_of(doc, o.start, o.end),
        })
        records.add_edge(oid, doc_id, PART_OF)
    for b in doc.bindings:
        where = _span_of(doc, b.start, b.end)
        if b.agency_id:
            target = agency_node(records, b.surface, b.agency_id, gaz)
            extra = {"level": b.level}
        else:
            target = "party:" + b.party
            node = records.add_node({"id": target, "label": REGULATED_PARTY, "name": b.party, "aliases": [],
                                     "kind": b.party_kind})
            if b.surface not in node["aliases"]:
                node["aliases"].append(b.surface)
            extra = {}
        if b.defined_as:
            extra["defined_as"] = b.defined_as
        records.add_edge(ids[b.obligation], target, BINDS, surface=b.surface, provenance=where, **extra)


def write_successions(records: Records, gaz: Gazetteer) -> None:
    """SUCCEEDED_BY edges (predecessor → successor, with date, instrument and the part that moved)
    for every agency in `records` and, transitively, its successors (extract/data/successions.json).
    Two names the gazetteer folds into one node (农业部 → 农业农村部) give no edge."""
    table = load_successions()
    frontier = [n["name"] for n in records.nodes.values() if n["label"] == AGENCY and n.get("verified")]
    seen: set[str] = set()
    while frontier:
        name = frontier.pop()
        if name in seen:
            continue
        seen.add(name)
        for s in table.get(name, ()):
            old, new = gaz.resolve(s["predecessor"]), gaz.resolve(s["successor"])
            if old is None or new is None or old.id == new.id:
                continue
            src = agency_node(records, old.name, old.id, gaz)
            dst = agency_node(records, new.name, new.id, gaz)
            records.add_edge(src, dst, SUCCEEDED_BY, date=s["date"], instrument=s["instrument"], part=s["part"],
                             evidence=s["text"])
            frontier.append(new.name)


def _write_relations(records: Records, doc: DocumentText, doc_id: str) -> None:
    """SUPERSEDES / AMENDS (newer → older) and CITES edges; targets are placeholders until resolved."""
    revised_by = {e.by_title for e in doc.header.events}
    for s in doc.supersessions:
        if s.new_title and s.new_title in revised_by:
            continue  # a 题注 revision also read as a header event: written by _write_revisions
        target = _ref_node(records, s.old.title, s.old.doc_number, s.previous_version,
                           s.old.date if s.previous_version else None)
        source = _ref_node(records, s.new_title, s.new_doc_number) if (s.new_title or s.new_doc_number) else doc_id
        records.add_edge(source, target, AMENDS if s.kind == "amends" else SUPERSEDES, evidence=s.evidence,
                         kind=s.kind, partial=s.partial, part=s.part, provenance=_span_of(doc, s.start, s.end))
    for c in doc.citations:
        if c.title in revised_by:
            continue  # the 决定 of a revision event: an AMENDS edge, not a citation
        target = _ref_node(records, c.title, c.doc_number)
        if target != doc_id:
            records.add_edge(doc_id, target, CITES, evidence=doc.text[c.start:c.end],
                             provenance=_span_of(doc, c.start, c.end))


def _write_revisions(records: Records, doc: DocumentText, doc_id: str) -> None:
    """Each revision event of the header (extract.events): AMENDS from the amending text (a 决定,
    or a 令 by its number) to the text it revised, with the revision's date and ordinal. A text
    promulgated again by a new 令 (修订) AMENDS its previous version, the text first promulgated
    (an `in_corpus: false` node with that 令), which the revisions before it amended."""
    h = doc.header
    facts = header_facts(h.events)
    previous = None
    if facts.previous is not None:
        previous = _ref_node(records, h.title, facts.previous.decree, previous_version=True, date=facts.previous.date)
        _amends_edge(records, doc, doc_id, previous, facts.own)
    for e in h.events:
        if e.kind != "revised" or not (e.by_title or e.decree):
            continue
        target = previous if previous is not None and e.date < facts.own.date else doc_id
        _amends_edge(records, doc, _ref_node(records, e.by_title, e.decree, date=e.date), target, e)


def _amends_edge(records: Records, doc: DocumentText, source: str, target: str, e) -> None:
    no = doc.joined.lines[e.line - doc.header.start].no
    records.add_edge(source, target, AMENDS, evidence=e.text, kind="amends", partial=False, part=None,
                     date=e.date, ordinal=e.ordinal, provenance=span(doc.file, no, no))
