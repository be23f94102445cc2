"""One contract for every store: the same export gives the same answers to every question.

Parametrised over the embedded store and Neo4j (marker `neo4j`; fails in CI when Neo4j is not
reachable, skips elsewhere naming the command that starts it).
"""
from __future__ import annotations


import pytest

import graph
from graph import analysis, queries

from conftest_graph import EXPECTED_COUNTS, F1, export_dir, loaded, open_neo4j, store, wipe_neo4j  # noqa: F401


def test_counts(loaded):
    assert loaded.counts() == EXPECTED_COUNTS


def test_nodes_keep_their_properties_in_stored_form(loaded):
    doc = loaded.get_nodes(["doc:opinion"])["doc:opinion"]
    assert doc["label"] == "Document"
    assert doc["doc_number"] == "国办发〔2022〕30号"
    assert (doc["source_file"], doc["line_start"], doc["line_end"]) == ("000_test_policies.txt", 1, 80)
    assert graph.model.from_stored(doc)["sources"][1]["line_start"] == 400
    assert "date" not in loaded.get_nodes(["doc:names-1991"])["doc:names-1991"]
    agency = loaded.get_nodes(["agency:samr"])["agency:samr"]
    assert agency["aliases"] == ["市场监管总局", "国家市场监督管理总局", "市场监管部门"]


def test_nodes_read_with_some_properties_only(loaded):
    """get_nodes(ids, properties): only those (absent ones None or missing), with id and label."""
    nodes = loaded.get_nodes(["doc:opinion", "agency:samr", "nobody"], ["title", "doc_number", "name"])
    assert set(nodes) == {"doc:opinion", "agency:samr"}
    doc, agency = nodes["doc:opinion"], nodes["agency:samr"]
    assert (doc["label"], doc["doc_number"], agency["label"], agency["name"]) == (
        "Document", "国办发〔2022〕30号", "Agency", "国家市场监督管理总局")
    assert "source_file" not in doc and "aliases" not in agency
    assert {k for k, v in doc.items() if v is not None} == {"id", "label", "title", "doc_number"}


def test_search_finds_agencies_first_and_phrases_inside_text(loaded):
    hits = queries.search(loaded, "商务部")
    assert hits[0] == {"id": "agency:mofcom", "label": "Agency", "name": "商务部", "short_name": "商务部",
                       "exact": True}
    assert [h["id"] for h in hits[1:]] == ["m:opinion:1.1", "m:opinion:2", "m:plan:1", "m:opinion:1"]
    assert [h["id"] for h in queries.search(loaded, "市场监管部门")] == ["agency:samr"]  # an alias
    assert [h["id"] for h in queries.search(loaded, "企业名称登记")] == ["doc:names", "doc:names-1991", "m:opinion:1.1"]
    assert [h["id"] for h in queries.search(loaded, "税")] == ["agency:sta", "m:opinion:3", "m:opinion:1"]
    assert queries.search(loaded, "不存在的词") == []
    assert len(queries.search(loaded, "的", limit=2)) == 2


def test_search_reads_a_docno_typed_with_any_bracket(loaded):
    for typed in ("国办发[2022]30号", "国办发（2022）30号", "国办发(2022)30号", "国办发〔2022〕30号"):
        assert [h["id"] for h in queries.search(loaded, typed)] == ["doc:opinion"], typed


def test_search_page_counts_every_match_and_names_a_measure_s_document(loaded):
    page = queries.search_page(loaded, "商务部", limit=2)
    assert (page["total"], page["counts"]) == (5, {"Agency": 1, "Measure": 4})
    assert [h["id"] for h in page["hits"]] == ["agency:mofcom", "m:opinion:1.1"]
    assert page["hits"][1]["document"]["id"] == "doc:opinion"  # through m:opinion:1 (PART_OF twice)
    rest = queries.search_page(loaded, "商务部", limit=2, offset=4)
    assert [h["id"] for h in rest["hits"]] == ["m:opinion:1"] and rest["total"] == 5
    measures = queries.search_page(loaded, "商务部", label="Measure", limit=10)
    assert measures["total"] == 4 and [h["document"]["id"] for h in measures["hits"]] == [
        "doc:opinion", "doc:opinion", "doc:plan", "doc:opinion"]
    assert queries.search_page(loaded, "  ")["total"] == 0


def test_search_page_reads_a_kind_up_to_the_cap_and_says_there_is_more(loaded, monkeypatch):
    """A kind with more matches than queries.SEARCH_CAP is counted as the cap, named in `more`,
    and paged among those read, exact matches first."""
    every = {h["id"] for h in queries.search_page(loaded, "商务部", label="Measure")["hits"]}
    monkeypatch.setattr(queries, "SEARCH_CAP", 2)
    page = queries.search_page(loaded, "商务部", limit=10)
    assert (page["total"], page["counts"], page["more"]) == (3, {"Agency": 1, "Measure": 2}, ["Measure"])
    assert [h["label"] for h in page["hits"]] == ["Agency", "Measure", "Measure"]
    assert {h["id"] for h in page["hits"][1:]} < every
    second = queries.search_page(loaded, "商务部", label="Measure", limit=1, offset=1)
    assert (second["counts"], second["more"]) == ({"Measure": 2}, ["Measure"])
    assert second["hits"][0]["id"] == page["hits"][2]["id"]
    monkeypatch.setattr(queries, "SEARCH_CAP", 1)  # 国务院 exactly, and 国务院办公厅
    agencies = queries.search_page(loaded, "国务院", label="Agency")
    assert (agencies["counts"], agencies["more"]) == ({"Agency": 1}, ["Agency"])
    monkeypatch.setattr(queries, "SEARCH_CAP", 2)
    agencies = queries.search_page(loaded, "国务院", label="Agency")
    assert ([h["id"] for h in agencies["hits"]], agencies["more"]) == (
        ["agency:state-council", "agency:gov-office"], [])


def test_neighbour_groups_put_led_measures_first(loaded):
    groups = queries.neighbour_groups(loaded, "agency:mofcom")["groups"]
    assert [(g["type"], g["direction"], g["count"]) for g in groups] == [
        ("LEADS", "out", 3), ("SUPPORTS", "out", 1), ("ISSUED_BY", "in", 1)]
    assert [n["id"] for n in groups[0]["nodes"]] == ["m:plan:1", "m:opinion:1", "m:opinion:2"]
    measure = queries.neighbour_groups(loaded, "m:opinion:1", rel_types=["LEADS", "SUPPORTS", "PART_OF"])["groups"]
    assert [(g["type"], g["direction"], [n["id"] for n in g["nodes"]]) for g in measure] == [
        ("PART_OF", "out", ["doc:opinion"]), ("LEADS", "in", ["agency:mofcom"]),
        ("SUPPORTS", "in", ["agency:customs", "agency:mof"]), ("PART_OF", "in", ["m:opinion:1.1"])]
    with pytest.raises(queries.NotFound):
        queries.neighbour_groups(loaded, "nope")


def test_agency_paths_through_measures_and_documents(loaded):
    shared = queries.agency_paths(loaded, "商务部", "财政部")
    assert shared["hops"] == 2
    assert [[n["id"] for n in p["nodes"]] for p in shared["paths"]] == [
        ["agency:mofcom", "m:opinion:1", "agency:mof"], ["agency:mofcom", "m:opinion:2", "agency:mof"]]
    assert shared["paths"][0]["rels"] == [{"source": "agency:mofcom", "type": "LEADS", "target": "m:opinion:1"},
                                          {"source": "agency:mof", "type": "SUPPORTS", "target": "m:opinion:1"}]
    issued = queries.agency_paths(loaded, "商务部", "国办")  # through the documents 国办 issued
    assert issued["hops"] == 3 and [p["nodes"][1]["id"] for p in issued["paths"]] == [
        "m:opinion:1", "m:opinion:2", "m:plan:1"]
    nested = queries.agency_paths(loaded, "市场监管总局", "海关总署")  # a sub-measure of a shared one
    assert [[n["id"] for n in p["nodes"]] for p in nested["paths"]] == [
        ["agency:samr", "m:opinion:1.1", "m:opinion:1", "agency:customs"]]
    # other agencies do not relay a path: 国家发展改革委 and 税务总局 meet only through 国办's documents
    assert queries.agency_paths(loaded, "国家发展改革委", "税务总局")["paths"] == []
    with pytest.raises(queries.NotFound):
        queries.agency_paths(loaded, "商务部", "不存在的部")


def test_neighbourhood(loaded):
    one = queries.neighbourhood(loaded, "m:opinion:1")
    assert one["centre"]["id"] == "m:opinion:1"
    assert [n["id"] for n in one["nodes"]] == ["agency:customs", "agency:mof", "agency:mofcom",
                                               "doc:opinion", "m:opinion:1.1", "sector:trade"]
    assert {"source": "agency:mofcom", "type": "LEADS", "target": "m:opinion:1"} in one["edges"]
    assert {"source": "doc:opinion", "type": "CONCERNS", "target": "sector:trade"} in one["edges"]
    leads = queries.neighbourhood(loaded, "agency:mofcom", depth=2, rel_types=["LEADS"])
    assert [(n["id"], n["distance"]) for n in leads["nodes"]] == [
        ("m:opinion:1", 1), ("m:opinion:2", 1), ("m:plan:1", 1), ("agency:mof", 2)]
    assert all(e["type"] == "LEADS" for e in leads["edges"])
    limited = queries.neighbourhood(loaded, "agency:mofcom", depth=3, limit=4)
    assert len(limited["nodes"]) == 4 and limited["nodes"][0]["distance"] == 1
    with pytest.raises(queries.NotFound):
        queries.neighbourhood(loaded, "nope")


def test_relationships_of_carry_their_evidence(loaded):
    rels = queries.relationships_of(loaded, "m:opinion:1")
    assert [(r["direction"], r["type"], r["other"]["id"]) for r in rels] == [
        ("out", "CONCERNS", "sector:trade"), ("out", "PART_OF", "doc:opinion"), ("in", "LEADS", "agency:mofcom"), ("in", "PART_OF", "m:opinion:1.1"),
        ("in", "SUPPORTS", "agency:customs"), ("in", "SUPPORTS", "agency:mof")]
    lead = rels[2]
    assert lead["evidence"] == "商务部牵头" and lead["other"]["name"] == "商务部"
    assert lead["provenance"] == {"file": F1, "line_start": 10, "line_end": 11}
    assert [r["type"] for r in queries.relationships_of(loaded, "m:opinion:1", ["LEADS"])] == ["LEADS"]
    with pytest.raises(queries.NotFound):
        queries.relationships_of(loaded, "nope")


def test_duties_of_groups_by_document(loaded):
    for name in ("商务部", "agency:mofcom", "中华人民共和国商务部"):
        duties = queries.duties_of(loaded, name)
        assert duties["agency"]["id"] == "agency:mofcom"
        assert (duties["leads"], duties["supports"]) == (3, 1)
        assert [(g["document"]["id"], [(m["id"], m["role"]) for m in g["measures"]])
                for g in duties["documents"]] == [
            ("doc:opinion", [("m:opinion:1", "lead"), ("m:opinion:1.1", "support"), ("m:opinion:2", "lead")]),
            ("doc:plan", [("m:plan:1", "lead")])]
    with pytest.raises(queries.NotFound, match="no agency named"):
        queries.duties_of(loaded, "外交部")


def test_co_responsible(loaded):
    assert [(a["id"], a["measures"]) for a in queries.co_responsible(loaded, "商务部")] == [
        ("agency:mof", 2), ("agency:samr", 2), ("agency:customs", 1)]
    assert queries.co_responsible(loaded, "税务总局") == []


def test_sole_lead_measures(loaded):
    assert [m["id"] for m in queries.sole_lead_measures(loaded, "商务部")] == ["m:opinion:1", "m:plan:1"]
    assert [m["id"] for m in queries.sole_lead_measures(loaded, "财政部")] == []
    assert [m["id"] for m in queries.sole_lead_measures(loaded, "税务总局")] == ["m:opinion:3"]


def test_supersession_and_citation_walks(loaded):
    assert [(d["id"], d["depth"]) for d in queries.supersedes_transitive(loaded, "doc:notice-2023")] == [
        ("doc:notice-2019", 1), ("doc:notice-2015", 2)]
    assert [(d["id"], d["depth"]) for d in queries.superseded_by_chain(loaded, "doc:notice-2015")] == [
        ("doc:notice-2019", 1), ("doc:notice-2023", 2)]
    assert queries.supersedes_transitive(loaded, "doc:names") == []
    assert [d["id"] for d in queries.supersedes_transitive(loaded, "doc:names", include_amends=True)] == [
        "doc:names-1991"]
    # the citation cycle opinion → plan → names → company-law → opinion ends where it started
    assert [(d["id"], d["depth"]) for d in queries.cited_transitive(loaded, "doc:opinion")] == [
        ("doc:plan", 1), ("doc:names", 2), ("doc:company-law", 3)]
    assert [d["id"] for d in queries.cited_transitive(loaded, "doc:opinion", max_depth=1)] == ["doc:plan"]


def test_analysis_over_the_projection(loaded):
    proj = loaded.projection()
    assert proj.number_of_nodes() == 27 and proj.number_of_edges() == 35
    assert proj.nodes["agency:mofcom"]["label"] == "Agency"
    assert proj.has_edge("agency:mofcom", "m:opinion:1", key="LEADS")
    net = analysis.co_responsibility_network(loaded)
    assert net["agency:mofcom"]["agency:mof"] == {"weight": 2, "co_leads": 1}
    central = analysis.agency_centrality(loaded)
    assert central[0]["id"] == "agency:mofcom" and central[0]["partners"] == 3
    assert analysis.connected_components(loaded)[0] == ["agency:customs", "agency:mof", "agency:mofcom",
                                                        "agency:samr"]
    assert len(analysis.connected_components(loaded, network="graph")) == 1


def test_a_projection_of_the_connected_nodes_and_chosen_edge_properties(loaded):
    whole = loaded.projection(labels=["Document"], rel_types=["SUPERSEDES", "AMENDS"])
    part = loaded.projection(labels=["Document"], rel_types=["SUPERSEDES", "AMENDS"], properties=["title", "date"],
                             connected=True, edge_properties=["kind", "partial"])
    assert sorted(part.nodes) == sorted(n for n in whole if whole.degree(n)) == [
        "doc:names", "doc:names-1991", "doc:notice-2015", "doc:notice-2019", "doc:notice-2023"]
    assert sorted(part.edges(keys=True)) == sorted(whole.edges(keys=True))
    assert part.nodes["doc:notice-2019"] == {"id": "doc:notice-2019", "label": "Document",
                                             "title": "关于推动外贸稳中提质的通知", "date": "2019-11-19"}
    assert part.edges["doc:notice-2023", "doc:notice-2019", "SUPERSEDES"] == {"kind": "repeals", "type": "SUPERSEDES"}
    assert whole.edges["doc:names", "doc:names-1991", "AMENDS"]["source_line"] == 7  # what was not asked
    assert part.edges["doc:names", "doc:names-1991", "AMENDS"] == {"type": "AMENDS"}
    # connected across labels: the agencies and measures a LEADS edge joins, nothing else
    leads = loaded.projection(labels=["Agency", "Measure"], rel_types=["LEADS"], properties=[], connected=True)
    assert {leads.nodes[n]["label"] for n in leads} == {"Agency", "Measure"}
    assert all(leads.degree(n) for n in leads) and "agency:gov-office" not in leads



def test_projection_rows_hold_what_the_projection_holds(loaded):
    """The rows a list question reads are the projection's nodes and edges, without the graph."""
    for args in ({}, {"labels": ["Document"], "rel_types": ["SUPERSEDES", "AMENDS"], "properties": ["title", "date"],
                      "connected": True, "edge_properties": ["kind", "partial"]},
                 {"labels": ["Agency", "Measure"], "rel_types": ["LEADS"], "properties": [], "connected": True}):
        nodes, edges = loaded.projection_rows(**args)
        proj = loaded.projection(**args)
        assert nodes == dict(proj.nodes(data=True))
        assert sorted((s, t, o, sorted(p.items())) for s, t, o, p in edges) == sorted(
            (s, k, o, sorted((a, v) for a, v in p.items() if a != "type")) for s, o, k, p in proj.edges(keys=True, data=True))
    nodes, edges = loaded.projection_rows(labels=["Document"], rel_types=["SUPERSEDES"], properties=["date"],
                                          connected=True, edge_properties=["kind"])
    assert ("doc:notice-2023", "SUPERSEDES", "doc:notice-2019", {"kind": "repeals"}) in edges
    assert nodes["doc:notice-2019"] == {"id": "doc:notice-2019", "label": "Document", "date": "2019-11-19"}
    assert nodes["doc:notice-2015"] == {"id": "doc:notice-2015", "label": "Document"}  # undated: no date, no null
    assert "doc:names" not in nodes  # only AMENDS touches it

def test_node_page_and_property_counts(loaded):
    from graph.store import Test
    total, rows = loaded.node_page("Agency", [[Test("short_name", "contains", "总")]], [("name", True)],
                                   properties=["name"])
    assert total == 3 and [r["name"] for r in rows] == ["海关总署", "国家税务总局", "国家市场监督管理总局"]
    assert rows[-1] == {"id": "agency:samr", "label": "Agency", "name": "国家市场监督管理总局"}
    assert loaded.node_page("Agency", [[Test("short_name", "in", ["财政部", "商务部"])]], limit=1, offset=1)[1][0]["id"] \
        == "agency:mofcom"
    # Latin letters in any case (the reader's filter): "NOTICE-20" finds the three notices; as written, none
    assert loaded.node_page("Document", [[Test("id", "contains any case", "NOTICE-20")]], [("id", False)])[0] == 3
    assert loaded.node_page("Document", [[Test("id", "contains", "NOTICE-20")]])[0] == 0
    none = [[Test("doc_number", "null")], [Test("date", ">=", "2023-01-01")]]
    assert [r["id"] for r in loaded.node_page("Document", none, [("date", False)])[1]] == [
        "doc:notice-2019", "doc:notice-2023", "doc:company-law", "doc:notice-2015"]  # the undated last, by id
    # `not in`: a node without the property is in no list and passes no `not in` (NULL, as in Cypher)
    numbered = [[Test("doc_number", "not in", ["国务院令第734号", "商贸发〔2023〕5号"])]]
    assert loaded.node_page("Document", numbered, properties=[])[1] == [
        {"id": i, "label": "Document"} for i in ("doc:names-1991", "doc:opinion", "doc:plan")]
    nullable = [[Test("doc_number", "not in", ["国务院令第734号"], or_null=True), Test("id", "in", ["doc:names", "doc:company-law"])]]
    assert [r["id"] for r in loaded.node_page("Document", nullable)[1]] == ["doc:company-law"]
    counts = dict(loaded.property_counts("Document", ["in_corpus"]))
    assert counts == {(True,): 4, (False,): 4}
    assert dict(loaded.property_counts("Document", ["doc_type"], [[Test("in_corpus", "=", False)]])) == {
        ("部门规章",): 1, ("通知",): 2, ("法律",): 1}
    assert loaded.property_counts("Document", [], [[Test("no_such_property", "not null")]]) == [((), 0)]
    with pytest.raises(ValueError):
        loaded.node_page("Document", [[Test("date", "like", "2021")]])


def test_cypher_subset_runs_on_both(loaded):
    rows = loaded.run_cypher("MATCH (a:Agency)-[:LEADS]->(m:Measure) WHERE a.name = '商务部' "
                             "RETURN m.id ORDER BY m.id")
    assert [r["m.id"] for r in rows] == ["m:opinion:1", "m:opinion:2", "m:plan:1"]
    rows = loaded.run_cypher("MATCH (d:Document)-[:SUPERSEDES*1..3]->(o:Document) "
                             "WHERE d.id = \"doc:notice-2023\" RETURN DISTINCT o.id ORDER BY o.id")
    assert [r["o.id"] for r in rows] == ["doc:notice-2015", "doc:notice-2019"]
    assert loaded.run_cypher("MATCH (a:Agency) RETURN count(a) AS n") == [{"n": 8}]
    assert len(loaded.run_cypher("MATCH (n:Measure) RETURN n.id", limit=2)) == 2


# -- both stores side by side, on the fixture and on the seed corpus ---------------------------------
QUESTIONS = [
    ("search", lambda s: queries.search(s, "外贸")),
    ("neighbourhood", lambda s: queries.neighbourhood(s, "doc:opinion", depth=2)),
    ("duties_of", lambda s: queries.duties_of(s, "市场监管总局")),
    ("co_responsible", lambda s: queries.co_responsible(s, "财政部")),
    ("relationships_of", lambda s: queries.relationships_of(s, "m:opinion:1")),
    ("centrality", lambda s: analysis.agency_centrality(s)),
    ("search_page", lambda s: queries.search_page(s, "外贸", limit=3, offset=1)),
    ("neighbour_groups", lambda s: queries.neighbour_groups(s, "doc:opinion")),
    ("agency_paths", lambda s: queries.agency_paths(s, "商务部", "国务院办公厅")),
]


@pytest.mark.neo4j
def test_both_stores_give_identical_answers(tmp_path, export_dir):
    embedded = graph.open_store("embedded", path=tmp_path / "g.json")
    neo = open_neo4j()
    try:
        wipe_neo4j(neo)
        for s in (embedded, neo):
            s.load_export(export_dir)
        for name, ask in QUESTIONS:
            assert ask(embedded) == ask(neo), name
    finally:
        neo.close()


def _seed_questions(store, export):
    """Questions over the real seed graph, in terms that do not depend on extractor ids."""
    counts = store.counts()
    agencies = sorted(store.find_nodes("Agency", "name", ["商务部", "财政部", "国家发展和改革委员会",
                                                         "国家市场监督管理总局", "海关总署"]),
                      key=lambda n: n["id"])
    answers = {"counts": counts}
    for a in agencies:
        answers[a["name"]] = {
            "duties": queries.duties_of(store, a["id"]),
            "co": queries.co_responsible(store, a["id"]),
            "sole": queries.sole_lead_measures(store, a["id"]),
            "relationships": queries.relationships_of(store, a["id"]),
        }
    docs = sorted(i for i, (label, _) in export.nodes.items() if label == "Document")
    for d in docs[:25]:
        answers[d] = {"supersedes": queries.supersedes_transitive(store, d, include_amends=True),
                      "by": queries.superseded_by_chain(store, d, include_amends=True),
                      "cites": queries.cited_transitive(store, d)}
    answers["search"] = queries.search(store, "商务部", limit=50)
    answers["central"] = analysis.agency_centrality(store, top=20)
    return answers


def test_seed_graph_loads_with_the_catalogue(corpus_export, tmp_path):
    out, _ = corpus_export
    export = graph.read_export(out)
    unknown_labels, unknown_types = graph.model.unknown_names(export.labels(), export.types())
    assert not unknown_labels and not unknown_types, "add them to graph/model.py and docs/data-model.md"
    store = graph.open_store("embedded", path=tmp_path / "seed.json")
    store.load_export(out)
    counts = store.counts()
    assert counts["nodes"] == dict(sorted(
        {label: sum(1 for lab, _ in export.nodes.values() if lab == label) for label in export.labels()}.items()))
    assert sum(counts["edges"].values()) == len(export.edges)
    assert counts["nodes"].get("Measure", 0) > 100 and counts["edges"].get("LEADS", 0) > 100
    duties = queries.duties_of(store, "商务部")
    assert duties["leads"] > 0 and duties["documents"]


@pytest.mark.neo4j
def test_seed_graph_same_answers_in_both_stores(corpus_export, tmp_path):
    out, _ = corpus_export
    export = graph.read_export(out)
    embedded = graph.open_store("embedded", path=tmp_path / "seed.json")
    embedded.load_export(out)
    neo = open_neo4j()
    try:
        wipe_neo4j(neo)
        neo.load_export(out)
        assert _seed_questions(embedded, export) == _seed_questions(neo, export)
    finally:
        neo.close()
