"""What-if / impact analysis of one agency's duties, on any GraphStore.

    report = impact.agency_report(store, "商务部")           # measures by document and sector, partners,
                                                            # obligations binding it
    page = impact.measure_page(store, "商务部", limit=50)    # its first 50 measures, totals counted
    gone = impact.abolish(store, "商务部")                   # its measures, each in one group
    merged = impact.merge(store, "商务部", into="财政部")      # what the merged agency would carry
    g = impact.duty_subgraph(store, "商务部")                 # networkx graph → to_csv / to_graphml

Written on the store primitives only (`expand_with_nodes`, `containing_documents`, …), like
graph.queries, so both stores answer alike.
"""
from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from typing import Any, Optional

import networkx as nx

from . import model
from .queries import (PAGE_SIZE, ROLES, brief, co_responsible, inherited_measures, resolve_agency, role_counts,
                      statutory_duties)
from .store import GraphStore

def _measure_rows(store: GraphStore, agency_id: str) -> tuple[list[dict[str, Any]], dict[str, dict]]:
    """The agency's measures, each with every responsible agency by role, its document and sectors."""
    edges, measures = store.expand_with_nodes([agency_id], list(ROLES), "out")
    mine: dict[str, str] = {}
    for _, t, m in edges:
        if mine.get(m) != "lead":
            mine[m] = "lead" if t == model.LEADS else "support"
    return _rows_of(store, {m: role for m, role in mine.items() if m in measures}, measures)


def measure_page(store: GraphStore, agency: str, limit: Optional[int] = PAGE_SIZE, offset: int = 0
                 ) -> dict[str, Any]:
    """A page of the agency's measures, rows as in `agency_report`'s `measures`, ordered by document
    (none last), then id: `total` measures, `leads`, `supports`, `total_documents` (counted by the
    database) and the `measures` from `offset`, at most `limit` — only those are read."""
    node = resolve_agency(store, agency)
    page = store.neighbours_by_document(node["id"], list(ROLES), "out", limit=limit, offset=offset)
    mine = {m: "lead" if model.LEADS in types else "support" for m, types, _ in page["rows"]}
    rows, _ = _rows_of(store, mine, store.get_nodes(list(mine)))
    at = {m: i for i, m in enumerate(mine)}
    return {"agency": brief(node), **role_counts(store, [node["id"]])[node["id"]], "total": page["total"],
            "total_documents": page["documents"], "offset": offset,
            "measures": sorted(rows, key=lambda r: at[r["id"]])}


def _rows_of(store: GraphStore, mine: dict[str, str], measures: dict[str, dict]
             ) -> tuple[list[dict[str, Any]], dict[str, dict]]:
    """Rows of the measures `mine` (id → the agency's role), with every responsible agency by role,
    its document and sectors."""
    ids = sorted(mine)
    if not ids:
        return [], {}
    resp_edges, agencies = store.expand_with_nodes(ids, list(ROLES), "in")
    leads: dict[str, set] = defaultdict(set)
    supports: dict[str, set] = defaultdict(set)
    for a, t, m in resp_edges:
        (leads if t == model.LEADS else supports)[m].add(a)
    for m in ids:
        supports[m] -= leads[m]
    docs = store.containing_documents(ids)
    sector_edges, sectors = store.expand_with_nodes(ids, [model.CONCERNS], "out")
    doc_ids = sorted({d["id"] for d in docs.values() if d})
    doc_sector_edges, doc_sectors = store.expand_with_nodes(doc_ids, [model.CONCERNS], "out") if doc_ids else ([], {})
    sectors.update(doc_sectors)
    m_sectors: dict[str, set] = defaultdict(set)
    for m, _, s in sector_edges:
        m_sectors[m].add(s)
    d_sectors: dict[str, set] = defaultdict(set)
    for d, _, s in doc_sector_edges:
        d_sectors[d].add(s)
    names = {a: model.display_name(n) for a, n in agencies.items()}
    rows = []
    for m in ids:
        node = measures[m]
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
    return rows, agencies


def agency_report(store: GraphStore, agency: str) -> dict[str, Any]:
    """Everything the impact page shows for one agency: its measures (role, deadline, document,
    sectors, co-responsible agencies), grouped by document and by sector; partner agencies with the
    number of shared measures; its statutory duties (obligations binding it or a predecessor)."""
    node = resolve_agency(store, agency)
    rows, _ = _measure_rows(store, node["id"])
    by_doc: dict[Optional[str], list] = defaultdict(list)
    by_sector: dict[str, list] = defaultdict(list)
    docs: dict[str, dict] = {}
    for r in rows:
        d = r["document"]
        if d:
            docs[d["id"]] = d
        by_doc[d["id"] if d else None].append(r)
        for s in r["sectors"] or ["—"]:
            by_sector[s].append(r)
    documents = [{"document": docs.get(d), "leads": sum(r["role"] == "lead" for r in ms),
                  "supports": sum(r["role"] == "support" for r in ms), "measures": ms}
                 for d, ms in sorted(by_doc.items(), key=lambda kv: (kv[0] is None, -len(kv[1]), kv[0] or ""))]
    sectors = [{"sector": s, "leads": sum(r["role"] == "lead" for r in ms),
                "supports": sum(r["role"] == "support" for r in ms), "measures": len(ms)}
               for s, ms in sorted(by_sector.items(), key=lambda kv: (kv[0] == "—", -len(kv[1]), kv[0]))]
    return {"agency": brief(node) | {"aliases": node.get("aliases") or []},
            "leads": sum(r["role"] == "lead" for r in rows),
            "supports": sum(r["role"] == "support" for r in rows),
            "with_deadline": sum(1 for r in rows if r["deadline"] or r["deadline_text"]),
            "measures": rows, "by_document": documents, "by_sector": sectors,
            "partners": co_responsible(store, node["id"]),
            **statutory_report(store, node["id"])}


# -- statutory duties (obligations of regulations) and what reorganisations handed down ------------
def statutory_report(store: GraphStore, agency_id: str) -> dict[str, Any]:
    """The impact page's statutory part: `statutory` (graph.queries.statutory_duties, inherited
    ones included) and `inherited_measures` (measures printed under a predecessor)."""
    return {"statutory": statutory_duties(store, agency_id),
            "inherited_measures": inherited_measures(store, agency_id)}


def statutory_what_if(store: GraphStore, agency_id: str, merge_into_id: Optional[str] = None) -> dict[str, Any]:
    """Statutory duties in the what-if: every obligation binding the agency (own and inherited);
    `sole` — those no other agency is bound by (abolished: no body holds them; merged: they pass to
    the merged agency); `shared_with` — other agencies bound by the rest, with counts; when merged,
    the merged agency's statutory duties before and after."""
    duties = statutory_duties(store, agency_id)
    ids = [r["id"] for r in duties["obligations"]]
    others: dict[str, set] = defaultdict(set)
    bound, agencies = store.expand_with_nodes(ids, [model.BINDS], "out") if ids else ([], {})
    mine = {agency_id} | {r["inherited_from"]["agency"]["id"] for r in duties["obligations"] if r["inherited_from"]}
    for o, _, a in bound:
        if a not in mine and agencies.get(a, {}).get("label") == model.AGENCY:
            others[o].add(a)
    counts = Counter(a for o in others for a in others[o])
    out: dict[str, Any] = {
        "total": duties["total"], "sole": [r for r in duties["obligations"] if not others[r["id"]]],
        "shared_with": [{**brief(agencies[a]), "obligations": n} for a, n in sorted(counts.items(),
                                                                                   key=lambda kv: (-kv[1], kv[0]))],
        "merged": None}
    if merge_into_id is not None:
        target = statutory_duties(store, merge_into_id)
        union = {r["id"] for r in target["obligations"]} | set(ids)
        out["merged"] = {"before": target["total"], "after": len(union)}
    return out


# -- what if: abolished, or merged into another agency -------------------------------------------
#: what happens to each of an abolished agency's measures, in the order the page shows them; every
#: measure is in exactly one group
ABOLISH_GROUPS = ("no_agency_left", "no_lead_left", "other_leads_remain", "support_dropped")
#: what happens to each measure of an agency merged into another; every measure is in exactly one
MERGE_GROUPS = ("gained_lead", "gained_support", "upgraded_to_lead", "already_shared")


def abolish(store: GraphStore, agency: str) -> dict[str, Any]:
    """If `agency` were abolished, with nobody taking over: each of its measures in one group —

    - `no_agency_left`: it was the only agency responsible (lead or support);
    - `no_lead_left`: it was the only lead; supporting agencies remain, one must take the lead;
    - `other_leads_remain`: it led together with other leads, who carry on;
    - `support_dropped`: it only supported; the measure keeps its other agencies.
    """
    node = resolve_agency(store, agency)
    aid = node["id"]
    rows, _ = _measure_rows(store, aid)
    groups: dict[str, list] = {g: [] for g in ABOLISH_GROUPS}
    for r in rows:
        others_lead = [a for a in r["lead_ids"] if a != aid]
        others = others_lead + [a for a in r["support_ids"] if a != aid]
        if not others:
            groups["no_agency_left"].append(r)
        elif aid in r["lead_ids"]:
            groups["other_leads_remain" if others_lead else "no_lead_left"].append(r)
        else:
            groups["support_dropped"].append(r)
    return {"agency": brief(node), "measures": len(rows), "groups": groups,
            "statutory": statutory_what_if(store, aid)}


def merge(store: GraphStore, agency: str, into: str) -> dict[str, Any]:
    """If `agency` were merged into `into`: the merged agency takes over every measure of both
    (a measure led by either is led after the merger). Nothing loses its lead. Each of the
    absorbed agency's measures is in one group —

    - `gained_lead` / `gained_support`: new to `into`, with the absorbed agency's role;
    - `upgraded_to_lead`: both had it; `into` supported it and the absorbed agency led it;
    - `already_shared`: both had it and `into`'s role does not change.

    `before` and `after` count `into`'s measures by role; `after` counts the union of both
    agencies' measures. `partners`: other agencies sharing measures with the merged agency."""
    node = resolve_agency(store, agency)
    target = resolve_agency(store, into)
    aid, tid = node["id"], target["id"]
    if tid == aid:
        raise ValueError("an agency cannot be merged into itself")
    rows, _ = _measure_rows(store, aid)
    trows, _ = _measure_rows(store, tid)
    a_roles = {r["id"]: r["role"] for r in rows}
    t_roles = {r["id"]: r["role"] for r in trows}
    combined = {m: ("lead" if "lead" in (a_roles.get(m), t_roles.get(m)) else "support")
                for m in set(a_roles) | set(t_roles)}
    groups: dict[str, list] = {g: [] for g in MERGE_GROUPS}
    for r in rows:  # sorted by id already
        if r["id"] not in t_roles:
            groups["gained_" + r["role"]].append(r)
        elif t_roles[r["id"]] == "support" and r["role"] == "lead":
            groups["upgraded_to_lead"].append(r)
        else:
            groups["already_shared"].append(r | {"role": combined[r["id"]]})
    by_id = {r["id"]: r for r in trows} | {r["id"]: r for r in rows}
    partners: Counter = Counter()
    for m in combined:
        for p in set(by_id[m]["lead_ids"]) | set(by_id[m]["support_ids"]):
            if p not in (aid, tid):
                partners[p] += 1
    pnodes = store.get_nodes(list(partners))
    return {
        "agency": brief(node), "into": brief(target), "groups": groups,
        "before": _role_counts(t_roles), "absorbed": _role_counts(a_roles), "after": _role_counts(combined),
        "partners": [{**brief(pnodes[p]), "measures": n}
                     for p, n in sorted(partners.items(), key=lambda kv: (-kv[1], kv[0])) if p in pnodes],
        "statutory": statutory_what_if(store, aid, tid),
    }


def _role_counts(roles: dict[str, str]) -> dict[str, int]:
    return {"leads": sum(r == "lead" for r in roles.values()),
            "supports": sum(r == "support" for r in roles.values())}


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
