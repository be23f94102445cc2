"""Reference resolution: a printed title / 文号 → the in-corpus Document it names, if any.

A text referred to (repealed, amended, cited) is first written as an `in_corpus: false`
Document node carrying what was printed (`extract.records.external_document`). `resolve_references` (run per
file and again after merging files) points edges at in-corpus documents where the 文号 or the
title matches (`DocIndex`: normalised 文号, title without issuer prefix, the enclosed name of a
cover notice, with/without 中华人民共和国) and drops the placeholders it resolved.
"""
from __future__ import annotations

from typing import Callable, Optional

from extract.docnumber import norm_docno
from extract.relations import title_keys
from kgcatalogue import AMENDS, CITES, DOCUMENT, SUPERSEDES

DOC_RELATIONS = (CITES, SUPERSEDES, AMENDS)


class DocIndex:
    """In-corpus Document nodes by normalised 文号 and title keys."""

    def __init__(self, nodes):
        self.by_no: dict[str, str] = {}
        self.by_title: dict[str, str] = {}
        self.dates: dict[str, str] = {}
        for n in nodes:
            if n.get("label") != DOCUMENT or not n.get("in_corpus", True) or n.get("doc_type") == "解读":
                continue
            if n.get("date"):
                self.dates[n["id"]] = n["date"]
            if n.get("doc_number"):
                self.by_no.setdefault(norm_docno(n["doc_number"]), n["id"])
            for k in title_keys(n.get("title")):
                self.by_title.setdefault(k, n["id"])
                if k.startswith("中华人民共和国"):
                    self.by_title.setdefault(k[len("中华人民共和国"):], n["id"])

    def resolve(self, title: str | None, doc_number: str | None, by_title: bool = True,
                date: str | None = None) -> str | None:
        """The in-corpus document a printed 文号 or title names. A title printed with a date names
        another text than an in-corpus one of another date (several 决定 share one title)."""
        if doc_number and norm_docno(doc_number) in self.by_no:
            return self.by_no[norm_docno(doc_number)]
        if doc_number or not by_title:
            return None  # a printed 文号 that is not in the corpus names another text
        for k in title_keys(title):
            if k in self.by_title:
                found = self.by_title[k]
                return None if date and self.dates.get(found) and self.dates[found] != date else found
        return None


def resolve_references(records) -> None:
    """Point edges at in-corpus Document nodes where an `in_corpus: false` node names one.

    A 文号 decides; without one the title keys decide (never for a previous version of a revised
    text). Resolved placeholders disappear; self-references are dropped."""
    mapping, by_title = reference_mapping(records.nodes)
    if not mapping:
        return
    new_edges = {}
    still_used: set[str] = set()
    for key, e in records.edges.items():
        moved = remap_edge(key, e, mapping, by_title, records.nodes.get, still_used)
        if moved is not None:
            new_edges.setdefault(*moved)
    records.edges = new_edges
    for nid in mapping:
        if nid not in still_used:
            records.nodes.pop(nid, None)


def reference_mapping(nodes: dict[str, dict]) -> tuple[dict[str, str], set[str]]:
    """Placeholder id → the node it names (chains followed), and the placeholders resolved by title
    only. Reads Document nodes only, in the order of `nodes` (the first of equal keys wins)."""
    index = DocIndex(nodes.values())
    mapping: dict[str, str] = {}
    by_title: set[str] = set()  # placeholders resolved by title only: check dates per edge
    # a title-only placeholder that names the same text as a numbered one: use the numbered one
    numbered = {}
    for n in nodes.values():
        if n.get("label") == DOCUMENT and n.get("in_corpus") is False and n.get("doc_number") and n.get("title"):
            for k in title_keys(n["title"]):
                numbered.setdefault(k, n["id"])
    placeholders = {title_keys(n["title"])[0]: n["id"] for n in nodes.values()
                    if n.get("label") == DOCUMENT and n.get("in_corpus") is False and n.get("title")
                    and not n.get("doc_number") and not n.get("previous_version") and title_keys(n["title"])}
    for nid, n in list(nodes.items()):
        if n.get("label") != DOCUMENT or n.get("in_corpus") is not False:
            continue
        target = index.resolve(n.get("title"), n.get("doc_number"), by_title=not n.get("previous_version"),
                               date=n.get("date"))
        if target is not None and not n.get("doc_number"):
            by_title.add(nid)
        if target is None and not n.get("doc_number") and n.get("title"):
            full = "中华人民共和国" + title_keys(n["title"])[0] if title_keys(n["title"]) else None
            if full and full in placeholders and placeholders[full] != nid:
                target = placeholders[full]  # 反垄断法 ≡ 中华人民共和国反垄断法
        if target is None and not n.get("doc_number"):
            # 修订了《X》 (previous version) or a title-only mention ≡ a numbered out-of-corpus X
            target = next((numbered[k] for k in title_keys(n.get("title"))
                           if k in numbered and not _dated_apart(n, nodes[numbered[k]])), None)
        if target is not None and target != nid:
            mapping[nid] = target
    for nid in list(mapping):
        seen, t = {nid}, mapping[nid]
        while t in mapping and t not in seen:
            seen.add(t)
            t = mapping[t]
        mapping[nid] = t
    return mapping, by_title


def remap_edge(key: tuple, e: dict, mapping: dict[str, str], by_title: set[str],
               node_of: Callable[[str], Optional[dict]], still_used: set[str]) -> Optional[tuple[tuple, dict]]:
    """One edge (and its key) with its ends moved to the documents the placeholders name; None for a
    document relation that would point at its own source. A placeholder kept as a target (a title
    cited before the in-corpus text of that title was issued) is added to `still_used`."""
    s, t = mapping.get(e["source"], e["source"]), mapping.get(e["target"], e["target"])
    if e["target"] in by_title and _later(node_of(t), node_of(s)):
        t = e["target"]  # a title cited before the in-corpus text of that title was issued: an earlier version
        still_used.add(t)
    if s == t and e["type"] in DOC_RELATIONS:
        return None
    if (s, t) != (e["source"], e["target"]):
        e = dict(e, source=s, target=t)
        key = (s, key[1], t, *key[3:])
    return key, e


def _dated_apart(a: dict, b: dict) -> bool:
    """Two texts of one title printed with different dates are different texts (several 决定 share
    the title 国务院关于修改部分行政法规的决定)."""
    return bool(a.get("date") and b.get("date") and a["date"] != b["date"])


def _later(target: dict | None, source: dict | None) -> bool:
    """Whether `target` was dated after `source` (both dates known)."""
    td, sd = (target or {}).get("date"), (source or {}).get("date")
    return bool(td and sd and td > sd)
