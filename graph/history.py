"""Policy history and duties: documents in force on a date, supersession chains, obligations.

Written on the store interface (`projection`, `get_nodes`, `find_nodes`, `expand`), so both stores
answer alike. "In force on D" means: a policy document of the corpus (not an interpretation or a
digest) that was issued on or before D, took effect on or before D when an effective date is
printed, and was not wholly repealed or replaced (SUPERSEDES without `partial`) by a document that
was issued — or, when printed, took effect — on or before D. A revised text held at several
revisions is several versions (`version_date`: the latest revision printed in each); a version
is in force from its revision until a newer version's (AMENDS with `new_version`). Documents with no printed date are
left out and counted as `undated`, since nothing can be said about them.
"""
from __future__ import annotations

from datetime import date as _date
from typing import Any, Optional

from . import model
from .queries import IN_CORPUS, PAGE_SIZE, NotFound, brief, one_read, resolve_agency
from .queries import article_number as _article_no  # 第二十三条 → 23, for ordering
from .store import GraphStore, Test

NOT_POLICIES = {"解读", "导读"}


def _iso(value: str) -> str:
    try:
        return _date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise ValueError(f"not a date (YYYY-MM-DD): {value!r}") from None


#: when a document starts to bind: the revision that made this version (a revised text), else its
#: effective date, else its date
_STARTS = ("version_date", "effective_date", "date")


def _start(node: dict[str, Any]) -> str | None:
    """When a document starts to bind (the first of `_STARTS` it has)."""
    return next((node[k] for k in _STARTS if node.get(k)), None)


def _replaces(kind: str, attrs: dict[str, Any]) -> bool:
    """An edge that ends the older text's force: a whole repeal or replacement, or a newer version
    of the same text (AMENDS with `new_version`, extract.merge.link_versions)."""
    if kind == model.SUPERSEDES:
        return not attrs.get("partial")
    return kind == model.AMENDS and bool(attrs.get("new_version"))


#: what decides whether a relation ends the older text's force (`_replaces`)
_ENDS_FORCE = ("kind", "partial", "new_version")

#: what the questions below read of a document (its brief, and when it binds): not its provenance
_DATED = tuple(dict.fromkeys([*model.BRIEF_READS, *_STARTS, "in_corpus", "doc_type"]))


def documents_in_force(store: GraphStore, on: str) -> list[dict[str, Any]]:
    """Policy documents in force on date `on` (YYYY-MM-DD), oldest first."""
    return in_force_page(store, on, limit=None)["rows"]


@one_read
def in_force_page(store: GraphStore, on: str, limit: Optional[int] = PAGE_SIZE, offset: int = 0) -> dict[str, Any]:
    """`documents_in_force` a page at a time: `total` (in force on `on`), `offset`, `rows` (oldest
    first, from `offset`, at most `limit`; None: all). The relations that end a text's force are
    read here (a few thousand at 100×); the database keeps, counts and pages the documents."""
    on = _iso(on)
    nodes, edges = store.projection_rows(labels=[model.DOCUMENT], rel_types=[model.SUPERSEDES, model.AMENDS],
                                         properties=_STARTS, connected=True, edge_properties=_ENDS_FORCE)
    repealed = set()  # ids of the documents a newer one repealed, replaced or revised by `on`
    for s, k, o, attrs in edges:
        when = _start(nodes[s])
        if _replaces(k, attrs) and when and when <= on:
            repealed.add(o)
    where = [[IN_CORPUS, Test("doc_type", "not in", sorted(NOT_POLICIES), or_null=True), Test("date", "<=", on),
              Test("effective_date", "<=", on, or_null=True),
              Test("version_date", "<=", on, or_null=True),  # this version's revision was made
              Test("id", "not in", sorted(repealed))]]
    total, rows = store.node_page(model.DOCUMENT, where, [("date", False)], limit, offset, _DATED)
    return {"total": total, "offset": offset,
            "rows": [{**brief(a), "date": a.get("date"), "effective_date": a.get("effective_date")} for a in rows]}


def supersession_chain(store: GraphStore, doc_id: str, max_depth: int = 20) -> list[dict[str, Any]]:
    """Every version connected to `doc_id` by SUPERSEDES/AMENDS, in either direction, in date order
    (undated last); each with `relation` to `doc_id` (older / newer / self) and the edges it has."""
    g = store.projection(labels=[model.DOCUMENT], rel_types=[model.SUPERSEDES, model.AMENDS], properties=_DATED,
                         connected=True, edge_properties=_ENDS_FORCE)
    if doc_id not in g:
        if not store.get_nodes([doc_id]):
            raise NotFound(f"no document with id {doc_id!r}")
        return [{**brief(store.get_nodes([doc_id])[doc_id]), "relation": "self", "edges": []}]
    older = _reach(g, doc_id, "out", max_depth)
    newer = _reach(g, doc_id, "in", max_depth)
    members = {doc_id} | older | newer
    rows = []
    for n in members:
        a = g.nodes[n]
        edges = sorted({(k, o) for _, o, k in g.out_edges(n, keys=True) if o in members})
        rows.append({**brief({"id": n, **a}), "date": a.get("date"),
                     "relation": "self" if n == doc_id else ("older" if n in older else "newer"),
                     "edges": [{"type": k, "target": o} for k, o in edges]})
    return sorted(rows, key=lambda r: (r["date"] is None, r["date"] or "", r["id"]))


def _reach(g, start: str, direction: str, max_depth: int) -> set[str]:
    seen, frontier = {start}, [start]
    for _ in range(max_depth):
        nxt = []
        for n in frontier:
            nbrs = g.successors(n) if direction == "out" else g.predecessors(n)
            for m in nbrs:
                if m not in seen:
                    seen.add(m)
                    nxt.append(m)
        if not nxt:
            break
        frontier = nxt
    return seen - {start}


def obligations_of(store: GraphStore, party: str) -> list[dict[str, Any]]:
    """Obligations that BIND an agency (any of its names) or a regulated party (企业, 申请人 …),
    with the document each belongs to; ordered by document and article."""
    ids: list[str] = []
    try:
        ids.append(resolve_agency(store, party)["id"])
    except NotFound:
        pass
    ids += [n["id"] for n in store.find_nodes(model.REGULATED_PARTY, ["name", "aliases"], [party])]
    if not ids:
        raise NotFound(f"no agency or regulated party named {party!r}")
    obligation_ids = sorted({s for s, _, _ in store.expand(ids, [model.BINDS], "in")})
    nodes = store.get_nodes(obligation_ids)
    docs = store.containing_documents(obligation_ids)
    out = []
    for oid in obligation_ids:
        o = nodes[oid]
        doc = docs.get(oid)
        out.append({"id": oid, "document": model.display_name(doc) if doc else None,
                    "document_id": doc["id"] if doc else None, "article": o.get("article"),
                    "modality": o.get("modality"), "subject": o.get("subject"), "action": o.get("action"),
                    "condition": o.get("condition"), "penalty": o.get("penalty")})
    return sorted(out, key=lambda r: (r["document_id"] or "", _article_no(r["article"]), r["id"]))


