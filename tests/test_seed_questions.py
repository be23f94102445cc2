"""Questions on the seed-corpus graph, both stores, checked against what the export says: paths
between two agencies (against NetworkX's all shortest paths over the same edges; graph/queries.py
`agency_paths` searches from both ends), the parties' obligations, search in any letter case."""
from __future__ import annotations

import itertools

import networkx as nx
import pytest

import graph
from graph import model, queries
from conftest_graph import seed, store  # noqa: F401


@pytest.fixture(scope="module")
def projection(corpus_export):
    """The export's measures, documents and agencies joined by the edges a path may follow."""
    export = graph.read_export(corpus_export[0])
    g = nx.Graph()
    g.add_edges_from((s, o) for s, t, o in export.edges if t in queries.PATH_TYPES)
    agencies = {i for i, (label, _) in export.nodes.items() if label == model.AGENCY}
    return g, agencies


def expected(projection, a: str, b: str) -> set[tuple[str, ...]]:
    """Every shortest path of at most PATH_MAX_HOPS hops with no other agency on it."""
    g, agencies = projection
    g = g.subgraph(set(g) - (agencies - {a, b}))
    try:
        paths = {tuple(p) for p in nx.all_shortest_paths(g, a, b)}
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return set()
    return paths if len(next(iter(paths))) - 1 <= queries.PATH_MAX_HOPS else set()


def test_every_shortest_path_between_agencies_is_found(seed, projection):
    busiest = [a["id"] for a in queries.agency_workload(seed)[:9]]
    quiet = [a["id"] for a in queries.agency_workload(seed)[-30::6]]
    checked = 0
    for a, b in itertools.chain(itertools.combinations(busiest, 2), itertools.product(busiest[:3], quiet)):
        found = queries.agency_paths(seed, a, b, limit=100_000)
        want = expected(projection, a, b)
        assert {tuple(n["id"] for n in p["nodes"]) for p in found["paths"]} == want, (a, b)
        assert found["hops"] == (len(next(iter(want))) - 1 if want else None)
        checked += bool(want)
    assert checked >= 30  # most pairs are connected; the comparison is not of empty answers


def test_a_limited_answer_is_the_first_paths_in_id_order(seed):
    a, b = (x["id"] for x in queries.agency_workload(seed)[:2])
    whole = queries.agency_paths(seed, a, b, limit=100_000)["paths"]
    assert len(whole) > 10
    assert queries.agency_paths(seed, a, b, limit=10)["paths"] == whole[:10]


def test_two_hop_paths_asked_of_the_database_equal_the_search_s_in_order(seed, monkeypatch):
    """`_two_hops` (the database joins the two agencies' edges) against the search walking both
    sides hop by hop: the same paths in the same order, limited or whole."""
    busiest = [a["id"] for a in queries.agency_workload(seed)[:6]]
    joined = {}
    for a, b in itertools.permutations(busiest, 2):
        for limit in (3, 10, 100_000):
            joined[a, b, limit] = queries.agency_paths(seed, a, b, limit=limit)
    monkeypatch.setattr(queries, "_two_hops", lambda *args: [])
    two_hops = 0
    for (a, b, limit), found in joined.items():
        assert queries.agency_paths(seed, a, b, limit=limit) == found, (a, b, limit)
        two_hops += found["hops"] == 2
    assert two_hops >= 20  # the busiest agencies mostly share a measure or a document


def test_one_edge_between_two_agencies_is_the_path(store, tmp_path):
    """No two-hop answer hides a direct edge (none of the path types joins agencies in the model,
    but a graph loaded from elsewhere may hold one)."""
    from conftest_graph import write_export
    nodes = [{"id": f"agency:{x}", "label": "Agency", "name": x} for x in "AB"] + [
        {"id": "m:1", "label": "Measure", "heading": "1"}]
    edges = [{"source": s, "target": o, "type": t} for s, t, o in [
        ("agency:A", "LEADS", "m:1"), ("agency:B", "SUPPORTS", "m:1"), ("agency:A", "SUPPORTS", "agency:B")]]
    store.load_export(write_export(tmp_path / "export", nodes=nodes, edges=edges))
    found = queries.agency_paths(store, "agency:A", "agency:B")
    assert found["hops"] == 1 and [[n["id"] for n in p["nodes"]] for p in found["paths"]] == [["agency:A", "agency:B"]]


def test_an_agency_between_two_others_carries_no_path(store, tmp_path):
    """A (measure m1) and B (measure m2) meet through document D in four hops; A and B also each
    share a measure with X, four hops through X, which is no path (agencies do not relay). m1 is
    also in D2 and D3, so that each side's search finds X before they meet."""
    from conftest_graph import write_export
    nodes = [{"id": f"agency:{x}", "label": "Agency", "name": x} for x in "ABX"] + [
        {"id": f"doc:{d}", "label": "Document", "title": d} for d in ("D", "D2", "D3")] + [
        {"id": f"m:{i}", "label": "Measure", "heading": i} for i in ("1", "2", "3", "4")]
    edges = [{"source": s, "target": o, "type": t} for s, t, o in [
        ("agency:A", "LEADS", "m:1"), ("agency:B", "LEADS", "m:2"), ("m:1", "PART_OF", "doc:D"),
        ("m:2", "PART_OF", "doc:D"), ("m:1", "PART_OF", "doc:D2"), ("m:1", "PART_OF", "doc:D3"), ("agency:A", "LEADS", "m:3"), ("agency:X", "SUPPORTS", "m:3"),
        ("agency:X", "LEADS", "m:4"), ("agency:B", "SUPPORTS", "m:4")]]
    store.load_export(write_export(tmp_path / "export", nodes=nodes, edges=edges))
    for a, b in (("agency:A", "agency:B"), ("agency:B", "agency:A")):
        found = queries.agency_paths(store, a, b)
        assert found["hops"] == 4
        assert [[n["id"] for n in p["nodes"]] for p in found["paths"]] == [
            [a, f"m:{a[-1] == 'A' and 1 or 2}", "doc:D", f"m:{a[-1] == 'A' and 2 or 1}", b]]


def test_party_workload_counts_the_obligations_binding_each_party(seed, corpus_export):
    """The overview's parties: every RegulatedParty of the export with the obligations binding it
    (counted from the export's BINDS edges here), most bound first."""
    from collections import Counter
    from graph import model
    export = graph.read_export(corpus_export[0])
    binds = Counter(o for s, t, o in export.edges if t == model.BINDS)
    want = {p: binds.get(p, 0) for p, (label, _) in export.nodes.items() if label == model.REGULATED_PARTY}
    rows = queries.party_workload(seed)
    assert {r["id"]: r["obligations"] for r in rows} == want
    assert sum(want.values()) > 100 and [r["obligations"] for r in rows] == sorted(want.values(), reverse=True)


def test_search_matches_latin_letters_in_any_case(seed, corpus_export):
    """A word with Latin letters (5G, APP …) finds the nodes whose text has it in any case: every
    measure of the export whose heading or text contains it lower-cased, and no other."""
    export = graph.read_export(corpus_export[0])
    for word in ("5g", "IPv6", "app", "Pdf", "iot"):  # printed 5G, IPv6, APP, PDF and pdf, IoT
        want = {i for i, (label, props) in export.nodes.items() if label == model.MEASURE
                and any(word.lower() in (props.get(p) or "").lower() for p in ("heading", "text"))}
        found = queries.search_page(seed, word.upper(), label=model.MEASURE, limit=10_000)
        assert {h["id"] for h in found["hits"]} == want and want, word
        assert queries.search_page(seed, word.lower(), label=model.MEASURE, limit=10_000)["hits"] == found["hits"]


@pytest.mark.parametrize("scanned_up_to", [0, 10**9])
def test_search_page_finds_what_the_export_holds_through_the_index_or_a_scan(seed, corpus_export, monkeypatch,
                                                                             scanned_up_to):
    """A Chinese word's matches of each kind are those of the export, whether Neo4j picks a kind out
    of the full-text index or reads the kind whole (`SCANNED_UP_TO`; the embedded store reads)."""
    monkeypatch.setattr(type(seed), "SCANNED_UP_TO", scanned_up_to, raising=False)
    export = graph.read_export(corpus_export[0])
    compared = 0
    for word in ("数据", "营商环境", "市场监管总局"):
        for label in (model.DOCUMENT, model.MEASURE, model.OBLIGATION, model.AGENCY):
            props = model.NODE_LABELS[label].text_properties
            want = {i for i, (lab, p) in export.nodes.items() if lab == label and any(
                word in (v if isinstance(v, str) else " ".join(v or [])) for v in (p.get(x) for x in props))}
            found = queries.search_page(seed, word, label=label, limit=10_000)
            assert {h["id"] for h in found["hits"]} == want and found["more"] == [], (word, label)
            compared += len(want)
    assert compared > 300
