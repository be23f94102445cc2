"""One function per user question, in the caller's terms; each works on any GraphStore.

They are written once, on the store primitives (`get_nodes`, `find_nodes`, `expand`,
`text_matches`, …), so both stores give the same answers by construction — the contract tests check
it. Each primitive is one indexed Cypher read on Neo4j (walks go level by level, which never
enumerates paths) and a dictionary lookup on the embedded store.

Answers are plain dicts/lists, deterministically ordered. An agency can be named by id, canonical
name, short name or any alias; an unknown name raises NotFound.
"""
from __future__ import annotations

import functools
import re
from collections import ChainMap, Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, TypeVar

from extract.docnumber import norm_docno
from extract.numerals import chinese_int

from . import model
from .facets import AlsoReached, EdgeProp, Filter, Label, Prop
from .store import Direction, GraphStore, StoreError, Test

MAX_DEPTH = 3
WALK_LIMIT = 20
#: how many measures a page of `duties_of` / `sole_lead_page` shows in the app
PAGE_SIZE = 50


Question = TypeVar("Question", bound=Callable[..., Any])


def one_read(question: Question) -> Question:
    """Answer a question (a function of the store and its arguments) from one snapshot of the
    store: on Neo4j its primitive calls share one read transaction (`GraphStore.in_one_read`)."""
    @functools.wraps(question)
    def answer(store: GraphStore, *args: Any, **kwargs: Any) -> Any:
        return store.in_one_read(lambda: question(store, *args, **kwargs))
    return answer  # type: ignore[return-value]


class NotFound(StoreError, KeyError):
    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "not found"


def brief(node: dict[str, Any]) -> dict[str, Any]:
    out = {"id": node["id"], "label": node.get("label"), "name": model.display_name(node)}
    for key in model.BRIEF_PROPERTIES:
        if node.get(key) is not None:
            out[key] = node[key]
    return out


# -- search ---------------------------------------------------------------------------------------
SEARCH_ORDER = (model.AGENCY, model.DOCUMENT, model.SECTOR, model.REGULATED_PARTY, model.MEASURE,
                model.OBLIGATION)


#: every match, for honest counts (the page shows a slice); far above any corpus's hits for one word
SEARCH_ALL = 100_000
#: the search page reads at most this many matches of one kind, the first the database finds, and
#: says "more than" above it: a common word is in 25,000 measures of a 100× corpus, and reading them
#: all took 0.5 s; a page lists them in search order among those read (more words narrow it)
SEARCH_CAP = 1000
_BRACKETS = re.compile(r"[\[\]［］()（）﹝﹞【】〔〕]")


def _search_forms(text: str) -> list[str]:
    """The text as typed and, when it has brackets, its 文号 form (国发[2021]24号 and 国发（2021）24号
    read as 国发〔2021〕24号) — the normalisation extraction uses, so search finds what was stored."""
    forms = [text]
    if _BRACKETS.search(text):
        docno = norm_docno(text)
        if docno and docno not in forms:
            forms.append(docno)
    return forms


def _matches(store: GraphStore, text: str, limit: int, label: Optional[str] = None,
             cap: Optional[int] = None) -> list[dict[str, Any]]:
    rank = {label: i for i, label in enumerate(SEARCH_ORDER)}
    best: dict[str, dict[str, Any]] = {}
    for form in _search_forms(text):
        for h in store.text_matches(form, limit, SEARCH_ORDER, labels=[label] if label else None, cap=cap):
            old = best.get(h["id"])
            if old is None or (not h["exact"], h["length"]) < (not old["exact"], old["length"]):
                best[h["id"]] = h
    hits = sorted(best.values(), key=lambda h: (not h["exact"], rank.get(h["label"], len(rank)), h["length"], h["id"]))
    return hits[:limit]


def search(store: GraphStore, text: str, limit: int = 20) -> list[dict[str, Any]]:
    """Nodes whose name, title, aliases or text contain `text` (case-insensitive; a 文号 typed with
    [] or （） also finds it printed with 〔〕). Exact matches first, then agencies, documents,
    sectors, parties, measures, obligations; shorter matching strings first."""
    text = text.strip()
    if not text:
        return []
    return [{**brief(h), "exact": h["exact"]} for h in _matches(store, text, limit)]


@one_read
def search_page(store: GraphStore, text: str, limit: int = 50, offset: int = 0,
                label: Optional[str] = None) -> dict[str, Any]:
    """One page of `search` with honest counts: `counts` by label (of `label` only, if given),
    `total` (their sum), `more` (the labels with more than SEARCH_CAP matches: counted as
    SEARCH_CAP, "more than"), and `hits` — matches offset … offset+limit (of `label` only, if
    given), in search order (a label with more: among the SEARCH_CAP read).
    A measure or obligation hit carries `document`: the document it belongs to."""
    text = text.strip()
    every = _matches(store, text, SEARCH_ALL, label=label, cap=SEARCH_CAP) if text else []
    found = Counter(h["label"] for h in every)
    counts = {lab: min(found[lab], SEARCH_CAP) for lab in SEARCH_ORDER if found[lab]}
    chosen, kept = [], Counter()
    for h in every:  # a label with more: its first SEARCH_CAP in search order
        kept[h["label"]] += 1
        if kept[h["label"]] <= SEARCH_CAP:
            chosen.append(h)
    page = chosen[offset:offset + limit]
    owned = [h["id"] for h in page if h["label"] in model.OWNED_LABELS]
    docs = store.containing_documents(owned) if owned else {}
    hits = []
    for h in page:
        hit = {**brief(h), "exact": h["exact"]}
        if h["id"] in docs:
            hit["document"] = brief(docs[h["id"]]) if docs[h["id"]] else None
        hits.append(hit)
    return {"total": sum(counts.values()), "counts": counts,
            "more": [lab for lab in counts if found[lab] > SEARCH_CAP], "offset": offset, "hits": hits}


# -- neighbourhood --------------------------------------------------------------------------------
@one_read
def neighbourhood(store: GraphStore, node_id: str, depth: int = 1,
                  rel_types: Optional[Iterable[str]] = None, limit: int = 100) -> dict[str, Any]:
    """Nodes within `depth` hops (either direction, only along `rel_types` if given), nearest
    first, at most `limit` besides the centre; and the edges among them."""
    if not 1 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth must be between 1 and {MAX_DEPTH}")
    centre = store.get_nodes([node_id]).get(node_id)
    if centre is None:
        raise NotFound(f"no node with id {node_id!r}")
    types = list(rel_types) if rel_types is not None else None
    distance = {node_id: 0}
    frontier = [node_id]
    for level in range(1, depth + 1):
        # ids only, and no more of them than the answer can hold: a hub's far side is thousands of
        # nodes. The first `room + seen` neighbours in id order hold the `room` smallest new ones.
        room = limit + 1 - len(distance)
        total, first = store.neighbour_page(frontier, types, "both", limit=room + len(distance))
        found = [n for n in first if n not in distance]
        for n in found:
            distance[n] = level
        frontier = found
        if total > len(first) or not frontier or len(distance) > limit + 1:
            break
    chosen = sorted((n for n in distance if n != node_id), key=lambda n: (distance[n], n))[:limit]
    nodes = store.get_nodes(chosen)
    edges = store.edges_among([node_id, *chosen], types)
    return {
        "centre": brief(centre),
        "nodes": [{**brief(nodes[n]), "distance": distance[n]} for n in chosen if n in nodes],
        "edges": [{"source": s, "type": t, "target": o} for s, t, o in edges],
    }


@one_read
def group_sizes(store: GraphStore, node_id: str, rel_types: Optional[Iterable[str]] = None,
                labels: Optional[Iterable[str]] = None) -> Counter:
    """How many neighbours (so edges: one per type and pair) the node has per (type, direction),
    counted by the database; with `labels`, only neighbours with one of them."""
    types = list(rel_types) if rel_types is not None else list(model.REL_TYPES)
    keep = set(labels) if labels is not None else None
    sizes: Counter = Counter()
    for direction in ("out", "in"):
        for combo, (label,), n in store.neighbour_counts(node_id, types, direction, by=[Label()]) if types else ():
            for t in combo if keep is None or label in keep else ():
                sizes[(t, direction)] += n
    return sizes


def relationships_of(store: GraphStore, node_id: str, rel_types: Optional[Iterable[str]] = None
                     ) -> list[dict[str, Any]]:
    """Every relationship of a node with its evidence (`relationships_page` without a limit)."""
    return relationships_page(store, node_id, rel_types)["rows"]


@one_read
def relationships_page(store: GraphStore, node_id: str, rel_types: Optional[Iterable[str]] = None,
                       limit: Optional[int] = None, offset: int = 0) -> dict[str, Any]:
    """A node's relationships with their evidence: `total` (counted by the database), and the rows
    from `offset`, at most `limit` (only those are read) — each with its direction ("out"/"in"),
    type, the node at the other end (brief), and the edge's properties in export form (`evidence`,
    `provenance` {file, line_start, line_end}, `surface`, `kind`, …); outgoing first, then by type
    and other end."""
    if not store.get_nodes([node_id]):
        raise NotFound(f"no node with id {node_id!r}")
    sizes = group_sizes(store, node_id, rel_types)
    edges, seen = [], 0
    for (t, direction) in sorted(sizes, key=lambda k: (k[1] != "out", k[0])):
        start = max(0, offset - seen)
        room = None if limit is None else limit - len(edges)
        if start < sizes[(t, direction)] and room != 0:
            edges += store.relationships([node_id], [t], direction, limit=room, offset=start)
        seen += sizes[(t, direction)]
    others = store.get_nodes(sorted({e["target"] if e["source"] == node_id else e["source"] for e in edges}))
    rows = []
    for edge in edges:
        out = edge["source"] == node_id
        other = edge["target"] if out else edge["source"]
        if other not in others:
            continue
        props = model.from_stored({k: v for k, v in edge.items() if k not in ("source", "type", "target")})
        rows.append({"direction": "out" if out else "in", "type": edge["type"], "other": brief(others[other]),
                     **props})
    return {"total": sum(sizes.values()), "offset": offset, "rows": rows}


# -- agencies -------------------------------------------------------------------------------------
def resolve_agency(store: GraphStore, agency: str) -> dict[str, Any]:
    """The Agency node for an id, canonical name, short name or alias."""
    found = store.find_nodes(model.AGENCY, ("id", "name", "short_name", "aliases"), [agency])
    for prop in ("id", "name", "short_name", "aliases"):  # an id beats a name beats an alias
        hits = sorted((n for n in found if n.get(prop) == agency
                       or (isinstance(n.get(prop), list) and agency in n[prop])), key=lambda n: n["id"])
        if hits:
            return hits[0]
    raise NotFound(f"no agency named {agency!r} (tried id, name, short_name, aliases)")


ROLES = (model.LEADS, model.SUPPORTS)
#: a clause's document and modality, and the level at which it binds (a property of BINDS)
CLAUSE_DOCUMENT, MODALITY, LEVEL = Prop("document"), Prop("modality"), EdgeProp("level")


def role_counts(store: GraphStore, agency_ids: list[str]) -> dict[str, dict[str, int]]:
    """For each agency: how many measures it leads (`leads`) and supports without leading them
    (`supports`) — counted by the database."""
    degrees = store.typed_degrees(agency_ids, list(ROLES), "out")
    out = {}
    for a in agency_ids:
        combos = degrees.get(a, {})
        leads = sum(n for types, n in combos.items() if model.LEADS in types)
        out[a] = {"leads": leads, "supports": sum(combos.values()) - leads}
    return out


@one_read
def duties_of(store: GraphStore, agency: str, limit: Optional[int] = None, offset: int = 0) -> dict[str, Any]:
    """The measures the agency leads or supports, grouped by document (documents by id, those in
    none last; measures by id): the measures `offset` … `offset + limit` of that order (all without
    `limit`), with the totals — `leads`, `supports`, `total` measures, `total_documents`."""
    node = resolve_agency(store, agency)
    page = store.neighbours_by_document(node["id"], list(ROLES), "out", limit=limit, offset=offset)
    measures = store.get_nodes([m for m, _, _ in page["rows"]])
    docs = store.get_nodes(sorted({d for _, _, d in page["rows"] if d}))
    out: list[dict[str, Any]] = []
    for m, types, doc in page["rows"]:
        if m not in measures:
            continue
        if not out or out[-1]["id"] != doc:
            out.append({"id": doc, "document": brief(docs[doc]) if doc in docs else None, "measures": []})
        mnode = measures[m]
        out[-1]["measures"].append({"id": m, "role": "lead" if model.LEADS in types else "support",
                                    "measure_no": mnode.get("measure_no"), "heading": mnode.get("heading"),
                                    "text": mnode.get("text")})
    return {"agency": brief(node), **role_counts(store, [node["id"]])[node["id"]],
            "total": page["total"], "total_documents": page["documents"], "offset": offset,
            "documents": [{"document": g["document"], "measures": g["measures"]} for g in out]}


@one_read
def co_responsible(store: GraphStore, agency: str) -> list[dict[str, Any]]:
    """Agencies sharing at least one measure with this one (any role), with how many they share."""
    return partners_of(store, resolve_agency(store, agency)["id"])


def partners_of(store: GraphStore, of: str | Sequence[str]) -> list[dict[str, Any]]:
    """Agencies sharing measures with the agency `of` (or with any of a list, counted once each),
    brief with `measures` shared, most first."""
    shared = {b: n for _, b, n, _ in store.shared_neighbour_counts(list(ROLES), of=of)}
    partners = store.get_nodes(sorted(shared))
    return [{**brief(partners[a]), "measures": n}
            for a, n in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0])) if a in partners]


@one_read
def sole_lead_page(store: GraphStore, agency: str, limit: Optional[int] = None, offset: int = 0
                   ) -> dict[str, Any]:
    """Measures whose only lead is this agency, by id: `total`, and the measures `offset` …
    `offset + limit` (all without `limit`)."""
    node = resolve_agency(store, agency)
    total, ids = store.neighbour_page([node["id"]], [model.LEADS], "out", limit=limit, offset=offset, sole=True)
    measures = store.get_nodes(ids)
    return {"agency": brief(node), "total": total, "offset": offset,
            "measures": [{"id": m, "measure_no": measures[m].get("measure_no"),
                          "heading": measures[m].get("heading"), "text": measures[m].get("text")}
                         for m in ids if m in measures]}


def sole_lead_measures(store: GraphStore, agency: str) -> list[dict[str, Any]]:
    """Measures whose only lead is this agency (every one; `sole_lead_page` pages them)."""
    return sole_lead_page(store, agency)["measures"]


# -- documents ------------------------------------------------------------------------------------
@one_read
def _walk(store: GraphStore, doc_id: str, types: list[str], direction: Direction,
          max_depth: int) -> list[dict[str, Any]]:
    if not store.get_nodes([doc_id]):
        raise NotFound(f"no document with id {doc_id!r}")
    depth = {doc_id: 0}
    frontier = [doc_id]
    level = 0
    while frontier and level < max_depth:
        level += 1
        nxt = set()
        for s, _, o in store.expand(frontier, types, direction):
            n = o if direction == "out" else s
            if n not in depth:
                depth[n] = level
                nxt.add(n)
        frontier = sorted(nxt)
    found = sorted((n for n in depth if n != doc_id), key=lambda n: (depth[n], n))
    nodes = store.get_nodes(found)
    return [{**brief(nodes[n]), "depth": depth[n]} for n in found if n in nodes]


def supersedes_transitive(store: GraphStore, doc_id: str, include_amends: bool = False,
                          max_depth: int = WALK_LIMIT) -> list[dict[str, Any]]:
    """Older documents this one repeals/replaces, directly (depth 1) or through others."""
    types = [model.SUPERSEDES] + ([model.AMENDS] if include_amends else [])
    return _walk(store, doc_id, types, "out", max_depth)


def superseded_by_chain(store: GraphStore, doc_id: str, include_amends: bool = False,
                        max_depth: int = WALK_LIMIT) -> list[dict[str, Any]]:
    """Newer documents that repeal/replace this one, directly or through others (newest last)."""
    types = [model.SUPERSEDES] + ([model.AMENDS] if include_amends else [])
    return _walk(store, doc_id, types, "in", max_depth)


def cited_transitive(store: GraphStore, doc_id: str, max_depth: int = WALK_LIMIT) -> list[dict[str, Any]]:
    """Documents this one cites, directly (depth 1) or through the documents it cites."""
    return _walk(store, doc_id, [model.CITES], "out", max_depth)


# -- app: overview, document detail (added for the Streamlit app) -----------------------------------
def agency_workload(store: GraphStore) -> list[dict[str, Any]]:
    """Every agency with how many measures it leads and supports (a measure counts once, as lead
    if the agency leads it), busiest first; agencies with no measure come last. The database
    counts (`role_counts`): no measure leaves it."""
    agencies, _ = store.projection_rows(labels=[model.AGENCY], rel_types=[], properties=["name", "short_name"])
    counts = role_counts(store, sorted(agencies))
    rows = [{"id": a, "name": attrs.get("name"), "short_name": attrs.get("short_name"), **counts[a],
             "measures": counts[a]["leads"] + counts[a]["supports"]} for a, attrs in agencies.items()]
    rows.sort(key=lambda r: (-r["measures"], -r["leads"], r["id"]))
    return rows


def party_workload(store: GraphStore) -> list[dict[str, Any]]:
    """Every regulated party (企业, 申请人 …) with how many obligations bind it, most bound first
    (the database counts: no obligation leaves it)."""
    parties, _ = store.projection_rows(labels=[model.REGULATED_PARTY], rel_types=[], properties=["name"])
    bound = store.typed_degrees(sorted(parties), [model.BINDS], "in")
    rows = [{"id": n, "name": a.get("name"), "obligations": sum(bound.get(n, {}).values())}
            for n, a in parties.items()]
    rows.sort(key=lambda r: (-r["obligations"], r["id"]))
    return rows


#: what a listed document shows (and the timeline reads: when it starts to bind)
DOCUMENT_ROW = ("title", "doc_number", "date", "effective_date", "doc_type", "in_corpus")
IN_CORPUS = Test("in_corpus", "<>", False, or_null=True)


def _month(date: Any) -> Optional[str]:
    return date[:7] if isinstance(date, str) and len(date) >= 7 else None


def document_row(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """A document as a listed row: id, title, doc_number, date, effective_date, doc_type,
    in_corpus (True unless it is only cited), month (of its date)."""
    return {"id": attrs["id"], **{k: attrs.get(k) for k in DOCUMENT_ROW},
            "in_corpus": attrs.get("in_corpus", True) is not False, "month": _month(attrs.get("date"))}


@one_read
def documents_page(store: GraphStore, limit: Optional[int] = PAGE_SIZE, offset: int = 0, *,
                   in_corpus: Optional[bool] = None, unplaced: bool = False,
                   text: Optional[str] = None) -> dict[str, Any]:
    """Documents as rows (`document_row`), newest first and undated last, a page at a time: `total`
    (those that qualify), `offset`, `rows` (from `offset`, at most `limit`; None: all). Only those
    `in_corpus` (True) or only cited (False) if asked; `unplaced`: those a timeline cannot place
    (only cited, or undated), cited-only first, then by title; `text`: a title or 文号 containing
    it (in any case: "rcep" finds "RCEP", as search does). The database counts, filters and pages
    (8,700 documents of a 100× corpus are not read to list 50)."""
    groups: list[list[Test]] = [[]]
    if in_corpus is not None:
        groups = [[IN_CORPUS if in_corpus else Test("in_corpus", "=", False)]]
    if unplaced:
        groups = [[*g, t] for g in groups for t in (Test("in_corpus", "=", False), Test("date", "null"))]
    if text and text.strip():
        groups = [[*g, Test(p, "contains any case", text.strip())] for g in groups for p in ("title", "doc_number")]
    order = [("in_corpus", False), ("title", False)] if unplaced else [("date", True), ("id", True)]
    total, rows = store.node_page(model.DOCUMENT, groups if groups != [[]] else None, order, limit, offset,
                                  DOCUMENT_ROW)
    return {"total": total, "offset": offset, "rows": [document_row(r) for r in rows]}


def document_tallies(store: GraphStore) -> dict[str, Any]:
    """What the graph holds of documents, counted by the database: `in_corpus` (documents read),
    `cited` (known only because others cite them), and of those read: `undated`, `types` (doc_type
    → count, None for none) and `months` (YYYY-MM → count)."""
    out: dict[str, Any] = {"in_corpus": 0, "cited": 0, "undated": 0, "types": Counter(), "months": Counter()}
    for (read, doc_type, date), n in store.property_counts(model.DOCUMENT, ["in_corpus", "doc_type", "date"]):
        if read is False:
            out["cited"] += n
            continue
        out["in_corpus"] += n
        out["types"][doc_type] += n
        month = _month(date)
        if month:
            out["months"][month] += n
        else:
            out["undated"] += n
    return out


@one_read
def document_detail(store: GraphStore, doc_id: str) -> dict[str, Any]:
    """A document with everything the reader shows: its properties, issuers, sectors, relations in
    both directions (supersedes, superseded_by, amends, amended_by, cites, cited_by), and the
    measures and obligations it contains (transitively), each with its agencies by role
    (`leads`, `supports`) or the parties it binds (`binds`)."""
    doc = store.get_nodes([doc_id]).get(doc_id)
    if doc is None or doc.get("label") != model.DOCUMENT:
        raise NotFound(f"no document with id {doc_id!r}")
    out_edges, out_nodes = store.expand_with_nodes([doc_id], [model.ISSUED_BY, model.SUPERSEDES, model.AMENDS,
                                                              model.CITES, model.CONCERNS], "out")
    in_edges, in_nodes = store.expand_with_nodes([doc_id], [model.SUPERSEDES, model.AMENDS, model.CITES], "in")
    rel: dict[str, list] = defaultdict(list)
    names = {model.ISSUED_BY: "issuers", model.SUPERSEDES: "supersedes", model.AMENDS: "amends",
             model.CITES: "cites", model.CONCERNS: "sectors"}
    for _, t, o in out_edges:
        if o in out_nodes:
            rel[names[t]].append(brief(out_nodes[o]))
    back = {model.SUPERSEDES: "superseded_by", model.AMENDS: "amended_by", model.CITES: "cited_by"}
    for s, t, _ in in_edges:
        if s in in_nodes:
            rel[back[t]].append(brief(in_nodes[s]))
    # contained items, level by level along incoming PART_OF
    parts: dict[str, dict] = {}
    frontier = [doc_id]
    while frontier:
        _, found = store.expand_with_nodes(frontier, [model.PART_OF], "in")
        frontier = sorted(n for n in found if n not in parts and n != doc_id)
        for n in frontier:
            parts[n] = found[n]
    roles: dict[str, dict[str, list]] = {n: {"leads": [], "supports": [], "binds": []} for n in parts}
    if parts:
        edges, agents = store.expand_with_nodes(sorted(parts), [model.LEADS, model.SUPPORTS], "in")
        for a, t, m in edges:
            if a in agents:
                roles[m]["leads" if t == model.LEADS else "supports"].append(brief(agents[a]))
        edges, bound = store.expand_with_nodes(sorted(parts), [model.BINDS], "out")
        for o, _, p in edges:
            if p in bound:
                roles[o]["binds"].append(brief(bound[p]))
    items = []
    for n, node in parts.items():
        items.append({**node, **roles[n], "name": model.display_name(node)})
    items.sort(key=lambda r: (r.get("line_start") or 0, r.get("line_end") or 0, r["id"]))
    result = {"document": doc}
    for key in ("issuers", "sectors", "supersedes", "superseded_by", "amends", "amended_by", "cites",
                "cited_by"):
        result[key] = sorted(rel.get(key, []), key=lambda r: (r.get("date") or "", r["id"]))
    result["measures"] = [i for i in items if i.get("label") == model.MEASURE]
    result["obligations"] = [i for i in items if i.get("label") == model.OBLIGATION]
    return result


def supersession_edges(store: GraphStore, include_amends: bool = False,
                       limit: Optional[int] = None) -> list[dict[str, Any]]:
    """Every SUPERSEDES (and, if asked, AMENDS) relation as rows: newer, older (brief documents, with
    `in_corpus` and `effective_date`; a document's dict is shared by its rows: read, don't change
    it), type and kind; newest first; the first `limit` if given. The relations and their documents
    only (a few thousand of 11,700 at 100× the seed), read as rows."""
    types = [model.SUPERSEDES] + ([model.AMENDS] if include_amends else [])
    nodes, edges = store.projection_rows(labels=[model.DOCUMENT], rel_types=types, properties=DOCUMENT_ROW,
                                         connected=True, edge_properties=["kind"])
    ends: dict[str, dict[str, Any]] = {}  # one brief per document, shared by its relations' rows

    def end(n: str) -> dict[str, Any]:
        if n not in ends:
            attrs = nodes[n]
            ends[n] = {**brief(attrs), "in_corpus": attrs.get("in_corpus", True) is not False,
                       "effective_date": attrs.get("effective_date")}
        return ends[n]
    rows = [{"newer": end(s), "older": end(o), "type": t, "kind": attrs.get("kind")} for s, t, o, attrs in edges]
    rows.sort(key=lambda r: (r["newer"].get("date") or "", r["newer"]["id"], r["older"]["id"]), reverse=True)
    return rows[:limit] if limit is not None else rows


# -- statutory duties and reorganisations -----------------------------------------------------------
def article_number(article: str | None) -> int:
    """第二十三条 → 23, for ordering (0 when there is none)."""
    return chinese_int(article.strip("第条")) if article else 0


def succession_chain(store: GraphStore, agency_id: str, direction: Direction = "out") -> list[dict[str, Any]]:
    """Whole successions (SUCCEEDED_BY without a `part`) from an agency forward (`out`: to the bodies
    that took its duties over) or backward (`in`: the bodies whose duties it took over), transitively;
    each edge with its `date` and `instrument`, nearest first."""
    chain: list[dict[str, Any]] = []
    seen, frontier = {agency_id}, [agency_id]
    while frontier:
        found = []
        for edge in store.relationships(frontier, [model.SUCCEEDED_BY], direction):
            far = edge["target"] if direction == "out" else edge["source"]
            if edge.get("part") or far in seen:
                continue  # a part of the duties moved: the rest stayed with the predecessor
            seen.add(far)
            found.append(far)
            chain.append(edge)
        frontier = sorted(found)
    return chain


def _today(store: GraphStore, agency_id: str) -> tuple[list[str], list[dict[str, Any]]]:
    """The bodies holding an agency's duties today (itself if it was never succeeded) and the way there."""
    chain = succession_chain(store, agency_id, "out")
    sources = {e["source"] for e in chain}
    return sorted({e["target"] for e in chain if e["target"] not in sources}) or [agency_id], chain


@one_read
def holders_today(store: GraphStore, duty_id: str) -> list[dict[str, Any]]:
    """Who holds a duty today: the agencies leading/supporting a Measure, or bound by an Obligation,
    each followed along whole reorganisations (SUCCEEDED_BY) to the body that holds its duties now.
    One row per agency as printed: role (lead/support/binds), level, printed, today, via."""
    node = store.get_nodes([duty_id]).get(duty_id)
    if node is None or node.get("label") not in (model.MEASURE, model.OBLIGATION):
        raise NotFound(f"no measure or obligation with id {duty_id!r}")
    if node["label"] == model.MEASURE:
        held = [(e["source"], "lead" if e["type"] == model.LEADS else "support", None)
                for e in store.relationships([duty_id], [model.LEADS, model.SUPPORTS], "in")]
    else:
        held = [(e["target"], "binds", e.get("level"))
                for e in store.relationships([duty_id], [model.BINDS], "out")]
    agencies = store.get_nodes(sorted({a for a, _, _ in held}))
    rows = []
    for aid, role, level in held:
        if agencies.get(aid, {}).get("label") != model.AGENCY:
            continue  # a RegulatedParty is not reorganised
        today, chain = _today(store, aid)
        names = store.get_nodes(sorted({aid, *today, *(e["target"] for e in chain)}))
        rows.append({"role": role, "level": level, "printed": brief(agencies[aid]),
                     "today": [brief(names[t]) for t in today if t in names],
                     "via": [{"from": model.display_name(names.get(e["source"], agencies[aid])),
                              "to": model.display_name(names[e["target"]]), "date": e.get("date"),
                              "instrument": e.get("instrument")} for e in chain if e["target"] in names]})
    return sorted(rows, key=lambda r: (r["role"] != "lead", r["role"], r["printed"]["id"]))


def inherited_sources(store: GraphStore, agency_id: str) -> dict[str, Optional[dict[str, Any]]]:
    """The agency (None: its own duties) and every predecessor whose whole duties reached it, with
    the succession that brought them (the predecessor's own edge: from, date)."""
    sources: dict[str, Optional[dict[str, Any]]] = {agency_id: None}
    for edge in succession_chain(store, agency_id, "in"):
        sources[edge["source"]] = edge
    return sources


def _statutory_sources(store: GraphStore, agency: str, inherited: bool
                       ) -> tuple[dict[str, Any], dict[str, Optional[dict[str, Any]]]]:
    """The agency, and the agencies whose BINDS count as its duties: itself (None) first, then —
    with `inherited` — each predecessor whose whole duties it took over, with that succession."""
    node = resolve_agency(store, agency)
    sources = inherited_sources(store, node["id"]) if inherited else {node["id"]: None}
    return node, {a: sources[a] for a in sorted(sources, key=lambda a: (sources[a] is not None, a))}


def statutory_filters(sources: Sequence[str]) -> dict[str, Optional[Filter]]:
    """Per source of an agency's statutory duties (itself first, then its predecessors), which of
    the clauses binding it count: those no source before it is bound by (a clause binding the
    agency and a predecessor is one duty, its own)."""
    return {a: ({AlsoReached((model.BINDS,), by=tuple(sources[:k]), label=model.AGENCY): False} if k else None)
            for k, a in enumerate(sources)}


def statutory_totals(store: GraphStore, sources: Sequence[str]) -> dict[str, int]:
    """How many clauses count as each source's (`statutory_filters`): counted by the database."""
    filters = statutory_filters(sources)
    return {a: sum(n for _, _, n in store.neighbour_counts(a, [model.BINDS], "in", where=filters[a]))
            for a in sources}


@one_read
def statutory_counts(store: GraphStore, agency: str, inherited: bool = True) -> dict[str, Any]:
    """The agency's statutory duties counted by the database (no clause read): `total`,
    `inherited` (binding a predecessor), `by_level`, `by_modality`, and `regulations` — per
    regulation its `document`, `count`, `by_level`, `by_modality`, most clauses first."""
    node, sources = _statutory_sources(store, agency, inherited)
    levels: Counter = Counter()
    modalities: Counter = Counter()
    per_doc: dict[Optional[str], list[Counter]] = defaultdict(lambda: [Counter(), Counter()])
    total = handed_down = 0
    filters = statutory_filters(list(sources))
    for source, via in sources.items():
        for _, (doc, modality, level), n in store.neighbour_counts(source, [model.BINDS], "in", where=filters[source],
                                                                   by=[CLAUSE_DOCUMENT, MODALITY, LEVEL]):
            total += n
            handed_down += n if via is not None else 0
            levels[level or "—"] += n
            modalities[modality or "—"] += n
            per_doc[doc][0][level or "—"] += n
            per_doc[doc][1][modality or "—"] += n
    docs = store.get_nodes(sorted(d for d in per_doc if d))
    regulations = [{"document": brief(docs[d]) if d in docs else None, "count": sum(lv.values()),
                    "by_level": dict(sorted(lv.items())), "by_modality": dict(sorted(md.items()))}
                   for d, (lv, md) in per_doc.items()]
    regulations.sort(key=lambda g: (-g["count"], (g["document"] or {}).get("id") or ""))
    return {"agency": brief(node), "total": total, "inherited": handed_down, "by_level": dict(sorted(levels.items())),
            "by_modality": dict(sorted(modalities.items())), "regulations": regulations}


@one_read
def statutory_page(store: GraphStore, agency: str, inherited: bool = True, limit: Optional[int] = None,
                   offset: int = 0) -> dict[str, Any]:
    """The agency's statutory duties, one row per clause binding it (then those binding each
    predecessor), each part by regulation and the clause's place in it: `total` and the rows from
    `offset`, at most `limit` (only those are read) — id, document, article, modality, level,
    subject, action, penalty, text, `inherited_from` (the predecessor, date, year; None for its own)."""
    node, sources = _statutory_sources(store, agency, inherited)
    picked: list[tuple[str, str]] = []  # (clause, the agency it binds)
    total = 0
    filters = statutory_filters(list(sources))
    for source in sources:
        room = None if limit is None else max(0, limit - len(picked))
        page = store.neighbours_by_document(source, [model.BINDS], "in", limit=room, offset=max(0, offset - total),
                                            where=filters[source], then=("line_start",))
        total += page["total"]
        picked += [(o, source) for o, _, _ in page["rows"]]
    clauses = store.get_nodes(sorted({o for o, _ in picked}))
    levels = {(e["source"], e["target"]): e.get("level") for e in store.relationships(
        sorted(clauses), [model.BINDS], "out")} if clauses else {}
    docs = store.containing_documents(sorted(clauses))
    preds = store.get_nodes(sorted(a for a, e in sources.items() if e))
    rows = []
    for o, source in picked:
        clause, via = clauses.get(o), sources[source]
        if clause is None:
            continue
        rows.append({"id": o, "document": brief(docs[o]) if docs.get(o) else None,
                     "article": clause.get("article"), "modality": clause.get("modality"),
                     "level": levels.get((o, source)), "subject": clause.get("subject"),
                     "action": clause.get("action"), "penalty": clause.get("penalty"), "text": clause.get("text"),
                     "inherited_from": None if via is None else {
                         "agency": brief(preds[source]), "date": via.get("date"),
                         "year": (via.get("date") or "")[:4] or None}})
    return {"agency": brief(node), "total": total, "offset": offset, "obligations": rows}


def statutory_duties(store: GraphStore, agency: str, inherited: bool = True) -> dict[str, Any]:
    """The agency's statutory duties whole (`statutory_counts` and every row of `statutory_page`):
    obligations of regulations that BIND it (at a level), and — with `inherited` — those binding
    predecessors whose duties it took over; `regulations` each with its `obligations`."""
    counts = statutory_counts(store, agency, inherited)
    rows = statutory_page(store, agency, inherited)["obligations"]
    by_doc: dict[Optional[str], list] = defaultdict(list)
    for r in rows:
        by_doc[(r["document"] or {}).get("id")].append(r)
    return {**counts, "obligations": rows,
            "regulations": [g | {"obligations": by_doc[(g["document"] or {}).get("id")]}
                            for g in counts["regulations"]]}


@one_read
def inherited_measures(store: GraphStore, agency: str) -> list[dict[str, Any]]:
    """Measures led or supported by predecessors whose whole duties the agency took over (the
    measure as printed names the predecessor), each with `inherited_from` (agency, date, year)."""
    node = resolve_agency(store, agency)
    sources = {a: e for a, e in inherited_sources(store, node["id"]).items() if e}
    if not sources:
        return []
    edges, measures = store.expand_with_nodes(sorted(sources), [model.LEADS, model.SUPPORTS], "out")
    preds = store.get_nodes(sorted(sources))
    docs = store.containing_documents(sorted({m for _, _, m in edges}))
    rows = []
    for a, t, m in edges:
        if m not in measures:
            continue
        via = sources[a]
        rows.append({"id": m, "role": "lead" if t == model.LEADS else "support",
                     "measure_no": measures[m].get("measure_no"), "heading": measures[m].get("heading"),
                     "document": brief(docs[m]) if docs.get(m) else None,
                     "inherited_from": {"agency": brief(preds[a]), "date": via.get("date"),
                                        "year": (via.get("date") or "")[:4] or None}})
    return sorted(rows, key=lambda r: (r["inherited_from"]["agency"]["id"], r["id"]))


def agencies_with_statutory_duties(store: GraphStore) -> set[str]:
    """Ids of agencies an obligation binds, or that took over a predecessor's duties."""
    nodes, edges = store.projection_rows(labels=[model.AGENCY, model.OBLIGATION],
                                         rel_types=[model.BINDS, model.SUCCEEDED_BY], properties=[], connected=True)
    return {o for _, _, o, _ in edges if nodes[o]["label"] == model.AGENCY}


# -- explorer: neighbours by relevance, paths between agencies ---------------------------------------
#: the order in which a node's neighbours matter to a reader of the graph: (type, direction from the
#: node). An agency's led measures, then supported ones, then the documents it issued …; a measure's
#: document, its leads and supporters …; a document's issuers, measures, relations.
NEIGHBOUR_RELEVANCE: tuple[tuple[str, Direction], ...] = (
    (model.LEADS, "out"), (model.SUPPORTS, "out"), (model.PART_OF, "out"), (model.LEADS, "in"),
    (model.SUPPORTS, "in"), (model.ISSUED_BY, "in"), (model.ISSUED_BY, "out"), (model.SUPERSEDES, "out"),
    (model.SUPERSEDES, "in"), (model.AMENDS, "out"), (model.AMENDS, "in"), (model.PART_OF, "in"),
    (model.BINDS, "in"), (model.BINDS, "out"), (model.CITES, "out"), (model.CITES, "in"),
    (model.CONCERNS, "out"), (model.CONCERNS, "in"))


def reading_order(labels: Iterable[str]) -> list[tuple[str, ...]]:
    """The keys of a group's reading order (date, measure number, the name shown — each label's
    display property, then name/title/id — then the id), for `neighbour_page(order_by=…)`."""
    shown = [model.NODE_LABELS[lab].display for lab in labels if lab in model.NODE_LABELS]
    return [("date",), ("measure_no",), tuple(dict.fromkeys([*shown, "name", "title", "id"]))]


@one_read
def neighbour_groups(store: GraphStore, node_id: str, rel_types: Optional[Iterable[str]] = None,
                     labels: Optional[Iterable[str]] = None, limit: Optional[int] = None) -> dict[str, Any]:
    """A node's neighbours grouped by (relationship type, direction), the groups in
    NEIGHBOUR_RELEVANCE order, each group's nodes in reading order (date / measure number / name,
    then id): `{"centre": brief, "groups": [{"type", "direction", "count", "nodes": [brief …]}]}`.
    `labels`: only neighbours with one of them. `count` counts the group's neighbours in the
    database; `nodes` holds the first `limit` of them (all without) — a hub's 12,000 measures are
    never read. A caller showing at most N neighbours takes them group by group, so the most
    relevant stay."""
    centre = store.get_nodes([node_id]).get(node_id)
    if centre is None:
        raise NotFound(f"no node with id {node_id!r}")
    keep = list(labels) if labels is not None else list(model.NODE_LABELS)
    counts = group_sizes(store, node_id, rel_types, keep)
    rank = {key: i for i, key in enumerate(NEIGHBOUR_RELEVANCE)}
    order = reading_order(keep)
    groups = []
    for (t, d) in sorted(counts, key=lambda k: (rank.get(k, len(rank)), k)):
        _, ids = store.neighbour_page([node_id], [t], d, limit=limit, order_by=order, labels=keep)
        nodes = store.get_nodes(ids)
        groups.append({"type": t, "direction": d, "count": counts[(t, d)],
                       "nodes": [brief(nodes[i]) for i in ids if i in nodes]})
    return {"centre": brief(centre), "groups": groups}


#: what a path between two agencies may pass through: their measures and the documents they sit in
PATH_TYPES = (model.LEADS, model.SUPPORTS, model.PART_OF, model.ISSUED_BY)
PATH_MAX_HOPS = 6


@dataclass
class _Search:
    """One side of the search for paths between two agencies: node → {(its neighbour one hop nearer
    this side's agency, the edge as stored)}, the nodes found last that relay (no agency does), and
    how many hops out it has gone."""
    parents: dict[str, set[tuple[str, str, str, str]]]
    frontier: list[str]
    depth: int = 0
    stuck: set[str] = field(default_factory=set)  # agencies found: they end a path, never relay it


@one_read
def agency_paths(store: GraphStore, a: str, b: str, limit: int = 10,
                 max_hops: int = PATH_MAX_HOPS) -> dict[str, Any]:
    """The shortest ways two agencies are connected through measures and documents (no other
    agency in between): a measure both take part in (2 hops), measures of one document (4 hops),
    a document one issued holding a measure of the other (3 hops) … At most `limit` paths, all of
    the shortest length found within `max_hops`, in id order. Each path: `nodes` (briefs, from `a`
    to `b`) and `rels` ({source, type, target}, as stored). Agencies by id or any name.
    Searched from both ends, the smaller side a hop further each time, until the sides meet: two
    ministries of 12,500 measures each share one in two hops, without walking the 100,000 edges
    of either's measures."""
    start, goal = resolve_agency(store, a)["id"], resolve_agency(store, b)["id"]
    if start == goal:
        raise ValueError("a path needs two different agencies")
    sides = (_Search({start: set()}, [start]), _Search({goal: set()}, [goal]))
    # the agencies, a few hundred, once: what the search finds is otherwise never looked up
    agencies = set(store.projection_rows(labels=[model.AGENCY], rel_types=[], properties=[])[0])
    meeting = _two_hops(store, sides, agencies, limit) if max_hops >= 2 else []
    while not meeting and all(s.frontier for s in sides) and sides[0].depth + sides[1].depth < max_hops:
        near, far = sorted(sides, key=lambda s: len(s.frontier))
        found = _one_hop_further(store, near, agencies, (start, goal))
        meeting = [n for n in found if n in far.parents and n not in far.stuck]
    paths = _paths_back(_toward_start(*sides), start, goal, limit) if meeting else []
    briefs = store.get_nodes(sorted({n for p in paths for n in p[0]}), model.BRIEF_READS)
    return {"from": brief(briefs.get(start) or {"id": start}), "to": brief(briefs.get(goal) or {"id": goal}),
            "hops": len(paths[0][1]) if paths else None,
            "paths": [{"nodes": [brief(briefs[n]) for n in ns],
                       "rels": [{"source": s, "type": t, "target": o} for s, t, o in rs]} for ns, rs in paths]}


def _two_hops(store: GraphStore, sides: tuple[_Search, _Search], agencies: set[str], limit: int) -> list[str]:
    """Where two hops join the agencies (a measure both take part in, a document both issued), the
    database finds the first `limit` middles in id order, and the two sides are set as the search
    would have left them after one hop each — without expanding either agency's 12,500 edges. The
    paths are then the same, in the same order: every path through a middle after the first
    `limit` comes after `limit` paths. Returns the middles ([] when there is no such path, or one
    edge joins the two: the search then goes on from the start)."""
    (start_side, goal_side), (start, goal) = sides, (sides[0].frontier[0], sides[1].frontier[0])
    asked, middles = limit, []
    while True:  # (no type of PATH_TYPES joins two agencies, so an agency is never a middle: a guard)
        found = store.shared_neighbours(start, goal, list(PATH_TYPES), asked)
        middles = [m for m in found if m not in agencies]
        if len(middles) >= limit or len(found) < asked:
            break
        asked *= 2
    # the middles' edges (a few hundred), not the agencies' (tens of thousands); and one joining them
    edges = [e for e in store.expand(middles[:limit], list(PATH_TYPES), "both") if start in e or goal in e]
    if not middles or store.edges_among([start, goal], list(PATH_TYPES)):
        return []
    for side, end in ((start_side, start), (goal_side, goal)):
        for s, t, o in edges:
            if end in (s, o):
                side.parents.setdefault(o if s == end else s, set()).add((end, s, t, o))
        side.depth, side.frontier = 1, []
    return middles[:limit]


def _one_hop_further(store: GraphStore, side: _Search, agencies: set[str], ends: tuple[str, str]) -> list[str]:
    """Walk one hop on from the side's frontier; the nodes found that may end or carry a path
    (no agency carries one; of them only the two `ends` end one)."""
    here = set(side.frontier)
    level: dict[str, set[tuple[str, str, str, str]]] = defaultdict(set)
    for s, t, o in store.expand(side.frontier, list(PATH_TYPES), "both"):
        for near, there in ((s, o), (o, s)):
            if near in here and there not in side.parents:
                level[there].add((near, s, t, o))
    side.parents.update(level)
    side.depth += 1
    side.stuck |= agencies.intersection(level).difference(ends)
    side.frontier = [n for n in level if n not in agencies]
    return [n for n in level if n not in side.stuck]


def _toward_start(start_side: _Search, goal_side: _Search) -> Mapping[str, set[tuple[str, str, str, str]]]:
    """Both sides' finds as one map of node → {(neighbour one hop nearer the start, edge)}: the
    goal side's links turned round (an agency it found carries nothing), then the start side's."""
    turned: dict[str, set[tuple[str, str, str, str]]] = defaultdict(set)
    for node, via in goal_side.parents.items():
        if node not in goal_side.stuck:
            for nearer_goal, s, t, o in via:
                turned[nearer_goal].add((node, s, t, o))
    # a node both sides found is where they meet, found last by one of them at its deepest: no node
    # of the goal side links on to it, so the two maps hold no node in common
    return ChainMap(dict(turned), start_side.parents)


def _paths_back(parents: Mapping[str, set[tuple[str, str, str, str]]], start: str, goal: str,
                limit: int) -> list[tuple[list[str], list[tuple[str, str, str]]]]:
    """Every shortest path from start to goal recorded in `parents` (node → {(parent, edge …)}),
    the first `limit` in order of their node ids (a node without parents ends no path)."""
    out: list[tuple[list[str], list[tuple[str, str, str]]]] = []

    def walk(node: str, nodes: list[str], rels: list[tuple[str, str, str]]) -> None:
        if len(out) >= limit:
            return
        if node == start:
            out.append(([start, *reversed(nodes)], list(reversed(rels))))
            return
        for parent, s, t, o in sorted(parents.get(node, ())):
            walk(parent, [*nodes, node], [*rels, (s, t, o)])
    walk(goal, [], [])
    return out
