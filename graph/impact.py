"""What-if / impact analysis of one agency's duties, on any GraphStore.

    summary = impact.agency_summary(store, "商务部")         # roles, deadlines, documents, clauses: counts
    page = impact.measure_page(store, "商务部", limit=50)    # its first 50 measures, totals counted
    gone = impact.abolish(store, "商务部")                   # its measures, each in one group (counts, pages)
    merged = impact.merge(store, "商务部", into="财政部")      # what the merged agency would carry
    report = impact.agency_report(store, "商务部")           # all of it whole (exports, checks)
    g = impact.duty_subgraph(store, "商务部")                 # networkx graph → to_csv / to_graphml

Written on the store primitives only, like graph.queries, so both stores answer alike: what the
page shows first is counted by the database (`neighbour_counts` with facets, graph/facets.py), and
every list is a page (`neighbours_by_document`), so a ministry with 12,500 measures reads 50.
"""
from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from typing import Any, Optional

import networkx as nx

from . import model
from .facets import AlsoReached, Filter, NamedReaches, Present, Prop, Reaches, Through
from .queries import (PAGE_SIZE, ROLES, brief, co_responsible, inherited_measures, inherited_sources, one_read, partners_of,
                      resolve_agency, role_counts, statutory_counts, statutory_filters, statutory_page,
                      statutory_totals)
from .store import DOCUMENT_PROPERTY, GraphStore

#: the facets of the what-if groups: the agency leads the measure; another agency leads / supports it
LEADS_IT = Through((model.LEADS,))
OTHER_LEADS = AlsoReached((model.LEADS,))
OTHER_SUPPORTS = AlsoReached((model.SUPPORTS,))
OTHER_AGENCY = AlsoReached((model.LEADS, model.SUPPORTS))  # another leads or supports it: one test, not two
SECTOR = Reaches(model.CONCERNS)
DOCUMENT_SECTOR = NamedReaches(DOCUMENT_PROPERTY, model.CONCERNS, model.DOCUMENT)  # its document's sector
DOCUMENT = Prop(DOCUMENT_PROPERTY)
NO_SECTOR = "—"


def _roles(types: tuple[str, ...]) -> str:
    """The agency's role in a measure it reaches through `types`: lead if it leads it."""
    return "lead" if model.LEADS in types else "support"


def _page(store: GraphStore, node: dict[str, Any], where: Optional[Filter], limit: Optional[int], offset: int
          ) -> dict[str, Any]:
    """A page of the agency's measures matching `where` (graph/facets.py; None: all of them), ordered by
    document (none last), then id: `total` (counted by the database), `total_documents`, `offset`
    and the `measures` rows (as in `agency_report`) — only the page's are read."""
    return _parts_page(store, node, [where], limit, offset)


def _parts_page(store: GraphStore, node: dict[str, Any], parts: list[dict], limit: Optional[int], offset: int
                ) -> dict[str, Any]:
    """`_page` over disjoint filters listed one after the other (each counted in the database;
    `total_documents` sums theirs)."""
    total, documents, found = 0, 0, []
    for where in parts:
        room = None if limit is None else max(0, limit - len(found))
        page = store.neighbours_by_document(node["id"], list(ROLES), "out", limit=room,
                                            offset=max(0, offset - total), where=where)
        total += page["total"]
        documents += page["documents"]
        found += page["rows"]
    mine = {m: _roles(types) for m, types, _ in found}
    at = {m: i for i, m in enumerate(mine)}
    return {"agency": brief(node), "total": total, "total_documents": documents, "offset": offset,
            "measures": sorted(_rows_of(store, mine), key=lambda r: at[r["id"]])}


@one_read
def measure_page(store: GraphStore, agency: str, limit: Optional[int] = PAGE_SIZE, offset: int = 0
                 ) -> dict[str, Any]:
    """A page of the agency's measures, rows as in `agency_report`'s `measures`, ordered by document
    (none last), then id: `total` measures, `leads`, `supports`, `total_documents` (counted by the
    database) and the `measures` from `offset`, at most `limit` — only those are read."""
    node = resolve_agency(store, agency)
    return {**_page(store, node, None, limit, offset), **role_counts(store, [node["id"]])[node["id"]]}


def _rows_of(store: GraphStore, mine: dict[str, str]) -> list[dict[str, Any]]:
    """Rows of the measures `mine` (id → the agency's role), with every responsible agency by role,
    its document and sectors."""
    ids = sorted(mine)
    if not ids:
        return []
    measures = store.get_nodes(ids)
    # the agencies responsible (in) and the sectors (out), asked together: one look-up of the ids
    edges, ends = store.expand_with_nodes(ids, [*ROLES, model.CONCERNS], "both")
    leads: dict[str, set] = defaultdict(set)
    supports: dict[str, set] = defaultdict(set)
    for a, t, m in edges:
        if t in ROLES and m in mine:
            (leads if t == model.LEADS else supports)[m].add(a)
    for m in ids:
        supports[m] -= leads[m]
    docs = store.containing_documents(ids)
    sector_edges = [e for e in edges if e[1] == model.CONCERNS and e[0] in mine]
    sectors = dict(ends)
    doc_ids = sorted({d["id"] for d in docs.values() if d})
    doc_sector_edges, doc_sectors = store.expand_with_nodes(doc_ids, [model.CONCERNS], "out") if doc_ids else ([], {})
    sectors.update(doc_sectors)
    m_sectors: dict[str, set] = defaultdict(set)
    for m, _, s in sector_edges:
        m_sectors[m].add(s)
    d_sectors: dict[str, set] = defaultdict(set)
    for d, _, s in doc_sector_edges:
        d_sectors[d].add(s)
    names = {a: model.display_name(n) for a, n in ends.items()}
    rows = []
    for m in ids:
        node = measures.get(m)
        if node is None:
            continue
        doc = docs.get(m)
        secs = m_sectors[m] or (d_sectors[doc["id"]] if doc else set())
        rows.append({
            "id": m, "role": mine[m], "measure_no": node.get("measure_no"), "heading": node.get("heading"),
            "text": node.get("text"), "deadline": node.get("deadline"), "deadline_text": node.get("deadline_text"),
            "document": brief(doc) if doc else None,
            "sectors": sorted(model.display_name(sectors[s]) for s in secs if s in sectors),
            "leads": sorted(names.get(a, a) for a in leads[m]),
            "supports": sorted(names.get(a, a) for a in supports[m]),
            "lead_ids": sorted(leads[m]), "support_ids": sorted(supports[m]),
            "source_file": node.get("source_file"), "line_start": node.get("line_start"),
            "line_end": node.get("line_end"),
        })
    return rows


# -- the impact page: counted in the database, listed a page at a time -------------------------------
@one_read
def agency_summary(store: GraphStore, agency: str) -> dict[str, Any]:
    """What the impact page shows first (counted by the database, no measure read): the agency
    (with aliases), `leads`, `supports`, `with_deadline` (measures with a deadline, dated or
    not), `total_documents`, and its statutory duties' `obligations` and `inherited` counts."""
    node = resolve_agency(store, agency)
    aid = node["id"]
    counts = store.neighbour_counts(aid, list(ROLES), "out", by=[Present(("deadline", "deadline_text")), DOCUMENT])
    leads = sum(n for types, _, n in counts if _roles(types) == "lead")
    sources = inherited_sources(store, aid)
    obligations = statutory_totals(store, list(sources))
    return {"agency": brief(node) | {"aliases": node.get("aliases") or []},
            "leads": leads, "supports": sum(n for _, _, n in counts) - leads,
            "with_deadline": sum(n for _, (dated, _), n in counts if dated),
            "total_documents": len({d for _, (_, d), _ in counts if d is not None}),
            "obligations": sum(obligations.values()),
            "inherited": sum(n for a, n in obligations.items() if sources[a] is not None)}


@one_read
def documents_of(store: GraphStore, agency: str, limit: Optional[int] = None, offset: int = 0) -> dict[str, Any]:
    """The documents the agency's measures are in, counted by the database, most measures first
    (then by id), a page of them: `documents` (each `document` (brief), `leads`, `supports`,
    `measures`), `total` (the documents: the summary's `total_documents`), `offset`, and
    `outside` (the same counts for its measures in no document; None when there are none). Only
    the page's documents are read (a ministry's measures at 100× the seed are in 1,500 of them)."""
    node = resolve_agency(store, agency)
    by_doc: dict[Optional[str], Counter] = defaultdict(Counter)
    for types, (doc,), n in store.neighbour_counts(node["id"], list(ROLES), "out", by=[DOCUMENT]):
        by_doc[doc][_roles(types)] += n
    outside = by_doc.pop(None, None)
    order = sorted(by_doc, key=lambda d: (-sum(by_doc[d].values()), d))
    page = order[offset:] if limit is None else order[offset:offset + limit]
    docs = store.get_nodes(page, model.BRIEF_READS)

    def counted(c: Counter) -> dict[str, int]:
        return {"leads": c["lead"], "supports": c["support"], "measures": c["lead"] + c["support"]}
    return {"documents": [{"document": brief(docs[d]) if d in docs else None, **counted(by_doc[d])} for d in page],
            "total": len(order), "offset": offset, "outside": counted(outside) if outside else None}


def document_groups(listed: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of a `documents_of` page, then — on the page that reaches the end — the agency's
    measures in no document as a row whose `document` is None."""
    at_end = listed["offset"] + len(listed["documents"]) >= listed["total"]
    return listed["documents"] + ([{"document": None, **listed["outside"]}] if listed["outside"] and at_end else [])


@one_read
def document_measures(store: GraphStore, agency: str, doc_id: Optional[str], limit: Optional[int] = None,
                      offset: int = 0) -> dict[str, Any]:
    """The agency's measures in one document (None: in none), rows as in `measure_page`."""
    return _page(store, resolve_agency(store, agency), {DOCUMENT: doc_id}, limit, offset)


def _bare_documents(store: GraphStore, agency_id: str) -> tuple[list, dict[str, set]]:
    """The agency's measures without a sector of their own counted by document, and the sectors
    each of those documents concerns (which such a measure takes)."""
    bare = store.neighbour_counts(agency_id, list(ROLES), "out", by=[DOCUMENT], where={SECTOR: None})
    docs = sorted({d for _, (d,), _ in bare if d is not None})
    doc_sectors: dict[str, set] = defaultdict(set)
    for d, _, s in store.expand(docs, [model.CONCERNS], "out") if docs else ():
        doc_sectors[d].add(s)
    return bare, doc_sectors


@one_read
def sectors_of(store: GraphStore, agency: str) -> list[dict[str, Any]]:
    """The sectors of the agency's measures (a measure's own, else its document's; NO_SECTOR for
    neither), counted by the database: `id` (None for NO_SECTOR), `sector` (name), `leads`,
    `supports`, `measures` — most first. A measure in two sectors counts in both."""
    node = resolve_agency(store, agency)
    counts: dict[Optional[str], Counter] = defaultdict(Counter)
    for types, (s,), n in store.neighbour_counts(node["id"], list(ROLES), "out",
                                                 by=[Reaches(model.CONCERNS, none=False)]):
        counts[s][_roles(types)] += n
    bare, doc_sectors = _bare_documents(store, node["id"])
    for types, (d,), n in bare:
        for s in sorted(doc_sectors.get(d, ())) or [None]:
            counts[s][_roles(types)] += n
    names = {k: model.display_name(v) for k, v in store.get_nodes(sorted(s for s in counts if s),
                                                                  model.BRIEF_READS).items()}
    rows = [{"id": s, "sector": names.get(s, s) if s else NO_SECTOR, "leads": c["lead"], "supports": c["support"],
             "measures": c["lead"] + c["support"]} for s, c in counts.items()]
    return sorted(rows, key=lambda r: (r["id"] is None, -r["measures"], r["sector"]))


@one_read
def sector_measures(store: GraphStore, agency: str, sector_id: Optional[str], limit: Optional[int] = PAGE_SIZE,
                    offset: int = 0) -> dict[str, Any]:
    """A page of the agency's measures in one sector (None: in none), rows as in `measure_page`:
    first those in the sector themselves, then those without one whose document is (each by
    document, then id); `total` counts both."""
    node = resolve_agency(store, agency)
    bare = {DOCUMENT_SECTOR: sector_id, SECTOR: None}  # no sector of its own: its document's
    parts: list[dict] = [{SECTOR: sector_id}, bare] if sector_id else [bare]
    # the parts one after another (they are disjoint): each is a join, an OR of them is not
    return _parts_page(store, node, parts, limit, offset)


@one_read
def agency_report(store: GraphStore, agency: str) -> dict[str, Any]:
    """The impact page's answers whole, every measure read (the page asks for them in parts —
    `agency_summary`, `documents_of`, `sectors_of`, pages of measures — so that a ministry with
    12,500 measures opens at once; this is for exports and checks): the summary, its `measures`
    (rows as in `measure_page`), `by_document` (each with its measures), `by_sector`, `partners`
    (graph.queries.co_responsible), and the statutory part (`statutory_report`)."""
    summary = agency_summary(store, agency)
    aid = summary["agency"]["id"]
    rows = measure_page(store, aid, limit=None)["measures"]
    by_doc: dict[Optional[str], list] = defaultdict(list)
    for r in rows:
        by_doc[(r["document"] or {}).get("id")].append(r)
    documents = [g | {"measures": by_doc[(g["document"] or {}).get("id")]}
                 for g in document_groups(documents_of(store, aid))]
    return {**summary, "measures": rows, "by_document": documents, "by_sector": sectors_of(store, aid),
            "partners": co_responsible(store, aid), **statutory_report(store, aid)}


# -- statutory duties (obligations of regulations) and what reorganisations handed down ------------
def statutory_report(store: GraphStore, agency_id: str, limit: Optional[int] = None) -> dict[str, Any]:
    """The impact page's statutory part: `statutory` (graph.queries.statutory_counts, inherited ones
    included, with the first `limit` clauses in `obligations` — all without a limit) and
    `inherited_measures` (measures printed under a predecessor)."""
    duties = statutory_counts(store, agency_id)
    clauses = statutory_page(store, agency_id, limit=limit)["obligations"] if limit != 0 else []
    return {"statutory": {**duties, "obligations": clauses},
            "inherited_measures": inherited_measures(store, agency_id)}


def statutory_what_if(store: GraphStore, agency_id: str, merge_into_id: Optional[str] = None) -> dict[str, Any]:
    """Statutory duties in the what-if, counted by the database: `total` clauses binding the agency
    (own and inherited); `sole` — how many no other agency is bound by (abolished: no body holds
    them; merged: they pass to the merged agency); `shared_with` — other agencies bound by the
    rest, with counts; when merged, the merged agency's statutory duties `before` and `after`."""
    sources = inherited_sources(store, agency_id)
    mine = tuple(sorted(sources))
    filters = statutory_filters(list(sources))  # a clause binding it and a predecessor counts once
    alone = AlsoReached((model.BINDS,), besides=mine, label=model.AGENCY)
    total = sole = 0
    shared: Counter = Counter()
    for source in sources:
        for _, (other,), n in store.neighbour_counts(source, [model.BINDS], "in", by=[alone], where=filters[source]):
            total += n
            sole += 0 if other else n
        for _, (bound,), n in store.neighbour_counts(source, [model.BINDS], "in", where=filters[source],
                                                     by=[Reaches(model.BINDS, "out", none=False)]):
            shared[bound] += n if bound not in sources else 0
    agencies = {a: n for a, n in store.get_nodes(sorted(a for a in shared if shared[a])).items()
                if n.get("label") == model.AGENCY}
    out: dict[str, Any] = {
        "total": total, "sole": sole,
        "shared_with": [{**brief(agencies[a]), "obligations": shared[a]}
                        for a in sorted(agencies, key=lambda a: (-shared[a], a))],
        "merged": None}
    if merge_into_id is not None:
        theirs = tuple(sorted(inherited_sources(store, merge_into_id)))
        before = statutory_counts(store, merge_into_id)["total"]
        both = sum(n for source in sources for _, (held,), n in store.neighbour_counts(
            source, [model.BINDS], "in", by=[AlsoReached((model.BINDS,), by=theirs)], where=filters[source]) if held)
        out["merged"] = {"before": before, "after": before + total - both}
    return out


# -- what if: abolished, or merged into another agency -------------------------------------------
#: what happens to each of an abolished agency's measures, in the order the page shows them; every
#: measure is in exactly one group. Each group is the measures matching one of its filters (facets:
#: the agency leads it; another agency leads / supports it); a group's filters are disjoint, and its
#: pages list their measures one filter after the other.
ABOLISH_GROUPS: dict[str, list[dict]] = {
    "no_agency_left": [{OTHER_AGENCY: False}],
    "no_lead_left": [{LEADS_IT: True, OTHER_LEADS: False, OTHER_SUPPORTS: True}],
    "other_leads_remain": [{LEADS_IT: True, OTHER_LEADS: True}],
    "support_dropped": [{LEADS_IT: False, OTHER_AGENCY: True}],
}
#: what happens to each measure of an agency merged into another (`into`'s roles are the facets)
MERGE_GROUPS = ("gained_lead", "gained_support", "upgraded_to_lead", "already_shared")


def merge_groups(into_id: str) -> dict[str, list[dict]]:
    """The filters of MERGE_GROUPS for a merger into `into_id`."""
    leads, supports = AlsoReached((model.LEADS,), into_id), AlsoReached((model.SUPPORTS,), into_id)
    return {"gained_lead": [{LEADS_IT: True, leads: False, supports: False}],
            "gained_support": [{LEADS_IT: False, leads: False, supports: False}],
            "upgraded_to_lead": [{LEADS_IT: True, leads: False, supports: True}],
            "already_shared": [{leads: True}, {LEADS_IT: False, leads: False, supports: True}]}


def _single_types(facet: Any) -> list[Any]:
    """An AlsoReached facet of several types is true when one of its one-type facets is: those."""
    if isinstance(facet, AlsoReached) and len(facet.rel_types) > 1:
        return [AlsoReached((t,), facet.by, facet.besides, facet.label) for t in facet.rel_types]
    return [facet]


def _group_counts(store: GraphStore, agency_id: str, groups: dict[str, list[dict]]) -> dict[str, int]:
    """How many of the agency's measures each group holds — one count in the database, grouped by
    every facet the groups name (one of several types through its one-type facets)."""
    named = list(dict.fromkeys(f for parts in groups.values() for where in parts for f in where))
    facets = list(dict.fromkeys(one for f in named for one in _single_types(f)))
    out = dict.fromkeys(groups, 0)
    for types, values, n in store.neighbour_counts(agency_id, list(ROLES), "out", by=facets):
        have = dict(zip(facets, values))
        have.update({f: any(have[one] for one in _single_types(f)) for f in named})
        for name, parts in groups.items():
            if any(all(have[f] == v for f, v in where.items()) for where in parts):
                out[name] += n
    return out


@one_read
def abolish(store: GraphStore, agency: str, limit: Optional[int] = PAGE_SIZE) -> dict[str, Any]:
    """If `agency` were abolished, with nobody taking over: how many of its measures fall in each
    group (`counts`) and the first `limit` of each (`groups`; every one with limit None) —

    - `no_agency_left`: it was the only agency responsible (lead or support);
    - `no_lead_left`: it was the only lead; supporting agencies remain, one must take the lead;
    - `other_leads_remain`: it led together with other leads, who carry on;
    - `support_dropped`: it only supported; the measure keeps its other agencies.
    """
    node = resolve_agency(store, agency)
    counts = _group_counts(store, node["id"], ABOLISH_GROUPS)
    return {"agency": brief(node), "measures": sum(counts.values()), "counts": counts,
            "groups": {g: abolish_group(store, node["id"], g, limit)["measures"] if limit != 0 else []
                       for g in ABOLISH_GROUPS},
            "statutory": statutory_what_if(store, node["id"])}


@one_read
def abolish_group(store: GraphStore, agency: str, group: str, limit: Optional[int] = PAGE_SIZE, offset: int = 0
                  ) -> dict[str, Any]:
    """A page of one `abolish` group (rows as in `measure_page`)."""
    return _parts_page(store, resolve_agency(store, agency), ABOLISH_GROUPS[group], limit, offset)


@one_read
def merge(store: GraphStore, agency: str, into: str, limit: Optional[int] = PAGE_SIZE) -> dict[str, Any]:
    """If `agency` were merged into `into`: the merged agency takes over every measure of both
    (a measure led by either is led after the merger). Nothing loses its lead. Each of the
    absorbed agency's measures is in one group (`counts`; the first `limit` of each in `groups`) —

    - `gained_lead` / `gained_support`: new to `into`, with the absorbed agency's role;
    - `upgraded_to_lead`: both had it; `into` supported it and the absorbed agency led it;
    - `already_shared`: both had it and `into`'s role does not change.

    `before` and `after` count `into`'s measures by role; `after` counts the union of both
    agencies' measures. The merged agency's partners: `merged_partners`."""
    node, target = resolve_agency(store, agency), resolve_agency(store, into)
    aid, tid = node["id"], target["id"]
    if tid == aid:
        raise ValueError("an agency cannot be merged into itself")
    counts = _group_counts(store, aid, merge_groups(tid))
    roles = role_counts(store, [aid, tid])
    before = roles[tid]
    after = {"leads": before["leads"] + counts["gained_lead"] + counts["upgraded_to_lead"],
             "supports": before["supports"] + counts["gained_support"] - counts["upgraded_to_lead"]}
    return {
        "agency": brief(node), "into": brief(target), "counts": counts,
        "groups": {g: merge_group(store, aid, tid, g, limit)["measures"] if limit != 0 else []
                   for g in MERGE_GROUPS},
        "before": before, "absorbed": roles[aid], "after": after,
        "statutory": statutory_what_if(store, aid, tid),
    }


@one_read
def merged_partners(store: GraphStore, agency: str, into: str) -> list[dict[str, Any]]:
    """If `agency` were merged into `into`: the other agencies sharing measures with the merged
    agency (brief, `measures` shared — each counted once), most first (a question of its own: at
    100× the busiest agency's take ~60 ms, as much as the rest of `merge`)."""
    return partners_of(store, [resolve_agency(store, agency)["id"], resolve_agency(store, into)["id"]])


@one_read
def merge_group(store: GraphStore, agency: str, into: str, group: str, limit: Optional[int] = PAGE_SIZE,
                offset: int = 0) -> dict[str, Any]:
    """A page of one `merge` group (rows as in `measure_page`; in `already_shared` the role is the
    merged agency's: lead when either led it; those `into` leads come first)."""
    node, target = resolve_agency(store, agency), resolve_agency(store, into)
    page = _parts_page(store, node, merge_groups(target["id"])[group], limit, offset)
    if group == "already_shared":
        page["measures"] = [r | {"role": "lead" if r["role"] == "lead" or target["id"] in r["lead_ids"]
                                 else "support"} for r in page["measures"]]
    return page


# -- the duty subgraph and its exports --------------------------------------------------------------
def duty_subgraph(store: GraphStore, agency: str) -> nx.MultiDiGraph:
    """The agency, its measures (with LEADS/SUPPORTS of every responsible agency), the documents
    they belong to (PART_OF, direct to the document), and the obligations binding it (BINDS, PART_OF)."""
    node = resolve_agency(store, agency)
    aid = node["id"]
    g = nx.MultiDiGraph()

    def add(n: dict[str, Any]) -> None:
        if n["id"] not in g:
            g.add_node(n["id"], label=n.get("label"), name=model.display_name(n),
                       **{k: v for k, v in n.items() if k in model.BRIEF_PROPERTIES + ("heading", "title")})

    add(node)
    edges, measures = store.expand_with_nodes([aid], list(ROLES), "out")
    ids = sorted({m for _, _, m in edges if m in measures})
    for m in ids:
        add(measures[m])
    if ids:
        resp, agencies = store.expand_with_nodes(ids, list(ROLES), "in")
        for a, t, m in resp:
            if a in agencies:
                add(agencies[a])
                g.add_edge(a, m, key=t, type=t)
        for m, doc in store.containing_documents(ids).items():
            if doc:
                add(doc)
                g.add_edge(m, doc["id"], key=model.PART_OF, type=model.PART_OF)
    bind_edges, obligations = store.expand_with_nodes([aid], [model.BINDS], "in")
    obl = sorted({o for o, _, _ in bind_edges if o in obligations})
    for o in obl:
        add(obligations[o])
        g.add_edge(o, aid, key=model.BINDS, type=model.BINDS)
    if obl:
        for o, doc in store.containing_documents(obl).items():
            if doc:
                add(doc)
                g.add_edge(o, doc["id"], key=model.PART_OF, type=model.PART_OF)
    return g


def to_csv(g: nx.MultiDiGraph) -> str:
    """One row per edge, both ends named: source_id, source_label, source_name, type, target_id,
    target_label, target_name (UTF-8 with a BOM when written to a file, for spreadsheets)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["source_id", "source_label", "source_name", "type", "target_id", "target_label", "target_name"])
    for s, o, t in sorted(g.edges(keys=True)):
        w.writerow([s, g.nodes[s].get("label"), g.nodes[s].get("name"), t, o, g.nodes[o].get("label"),
                    g.nodes[o].get("name")])
    return buf.getvalue()


def to_graphml(g: nx.MultiDiGraph) -> bytes:
    """GraphML (yEd, Gephi, Cytoscape read it); list values become JSON strings."""
    import json
    clean = nx.MultiDiGraph()
    for n, attrs in g.nodes(data=True):
        clean.add_node(n, **{k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)
                             for k, v in attrs.items() if v is not None})
    for s, o, k, attrs in g.edges(keys=True, data=True):
        clean.add_edge(s, o, key=k, **attrs)
    buf = io.BytesIO()
    nx.write_graphml(clean, buf, encoding="utf-8")
    return buf.getvalue()
