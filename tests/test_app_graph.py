"""The graph functions the app adds (graph.queries app section, graph.impact, graph.console), on
both stores — same fixture and conventions as tests/test_graph_contract.py."""
from __future__ import annotations

import networkx as nx
import pytest

from graph import console, impact, queries

from conftest_graph import export_dir, loaded, store  # noqa: F401


def test_agency_workload(loaded):
    rows = queries.agency_workload(loaded)
    assert [(r["id"], r["leads"], r["supports"]) for r in rows[:3]] == [
        ("agency:mofcom", 3, 1), ("agency:mof", 1, 1), ("agency:samr", 1, 1)]
    assert {r["id"] for r in rows if r["measures"] == 0} == {"agency:gov-office", "agency:state-council"}


def test_documents_page_lists_filters_and_pages_in_the_database(loaded):
    every = queries.documents_page(loaded, limit=None)
    assert every["total"] == 8 and [r["id"] for r in every["rows"][:3]] == ["doc:notice-2023", "doc:opinion", "doc:plan"]
    opinion = next(r for r in every["rows"] if r["id"] == "doc:opinion")
    assert (opinion["month"], opinion["doc_type"], opinion["in_corpus"], opinion["doc_number"]) == (
        "2022-09", "意见", True, "国办发〔2022〕30号")
    assert [r["date"] is None for r in every["rows"]] == [False] * 5 + [True] * 3  # undated last
    # a page is the slice of the whole, the total counts every one
    page = queries.documents_page(loaded, limit=2, offset=1)
    assert (page["total"], page["rows"]) == (8, every["rows"][1:3])
    assert queries.documents_page(loaded, limit=0)["rows"] == []
    read = queries.documents_page(loaded, limit=None, in_corpus=True)
    assert [r["id"] for r in read["rows"]] == ["doc:notice-2023", "doc:opinion", "doc:plan", "doc:names"]
    cited = queries.documents_page(loaded, limit=None, in_corpus=False)["rows"]
    # the dated one first; the undated by id, from the last (one order on both stores)
    assert [r["id"] for r in cited] == ["doc:notice-2019", "doc:notice-2015", "doc:names-1991", "doc:company-law"]
    # what a timeline cannot place: only cited (dated or not) or undated; cited-only first, by title
    unplaced = queries.documents_page(loaded, limit=None, unplaced=True)["rows"]
    assert [r["title"] for r in unplaced] == sorted(r["title"] for r in cited)
    # words of the title or of the 文号, with the other conditions
    assert [r["id"] for r in queries.documents_page(loaded, limit=None, text="外贸")["rows"]] == [
        "doc:notice-2023", "doc:notice-2019", "doc:notice-2015"]
    assert [r["id"] for r in queries.documents_page(loaded, limit=None, in_corpus=True, text="外贸")["rows"]] == [
        "doc:notice-2023"]
    assert [r["id"] for r in queries.documents_page(loaded, limit=None, text="国办发")["rows"]] == [
        "doc:opinion", "doc:plan"]
    assert queries.documents_page(loaded, text="没有这样的标题")["total"] == 0


def test_document_tallies_count_what_the_overview_shows(loaded):
    tally = queries.document_tallies(loaded)
    assert (tally["in_corpus"], tally["cited"], tally["undated"]) == (4, 4, 0)
    assert tally["types"] == {"意见": 1, "方案": 1, "行政法规": 1, "通知": 1}
    assert tally["months"] == {"2022-09": 1, "2021-07": 1, "2020-12": 1, "2023-04": 1}


def test_document_detail(loaded):
    d = queries.document_detail(loaded, "doc:opinion")
    assert d["document"]["doc_number"] == "国办发〔2022〕30号"
    assert [i["id"] for i in d["issuers"]] == ["agency:gov-office"]
    assert [c["id"] for c in d["cites"]] == ["doc:plan"]
    assert [c["id"] for c in d["cited_by"]] == ["doc:company-law"]
    assert [m["id"] for m in d["measures"]] == ["m:opinion:1", "m:opinion:1.1", "m:opinion:2", "m:opinion:3"]
    first = d["measures"][0]
    assert [a["id"] for a in first["leads"]] == ["agency:mofcom"]
    assert sorted(a["id"] for a in first["supports"]) == ["agency:customs", "agency:mof"]
    names = queries.document_detail(loaded, "doc:names")
    assert [o["id"] for o in names["obligations"]] == ["o:names:4", "o:names:11", "o:names:26"]
    assert [p["id"] for p in names["obligations"][2]["binds"]] == ["agency:samr"]
    assert [a["id"] for a in names["amends"]] == ["doc:names-1991"]
    with pytest.raises(queries.NotFound):
        queries.document_detail(loaded, "agency:mofcom")


def test_agency_report(loaded):
    r = impact.agency_report(loaded, "商务部")
    assert (r["leads"], r["supports"]) == (3, 1)
    assert [(g["document"]["id"], g["leads"], g["supports"]) for g in r["by_document"]] == [
        ("doc:opinion", 2, 1), ("doc:plan", 1, 0)]
    # sectors: the measure's own, else its document's
    assert {s["sector"]: s["measures"] for s in r["by_sector"]} == {"对外贸易": 3, "—": 1}
    assert [(p["id"], p["measures"]) for p in r["partners"]] == [
        ("agency:mof", 2), ("agency:samr", 2), ("agency:customs", 1)]
    assert [o["id"] for o in impact.agency_report(loaded, "市场监管总局")["statutory"]["obligations"]] == ["o:names:26"]


def _ids(rows):
    return [r["id"] for r in rows]


def test_impact_summary_and_tabs_are_counted_and_paged(loaded):
    """What the impact page asks when it opens and per tab: counts from the database equal to the
    whole report's, pages that are slices of the whole, in the order the page lists them."""
    summary = impact.agency_summary(loaded, "商务部")
    assert {k: summary[k] for k in ("leads", "supports", "with_deadline", "total_documents", "obligations")} == {
        "leads": 3, "supports": 1, "with_deadline": 0, "total_documents": 2, "obligations": 0}
    assert impact.agency_summary(loaded, "市场监管总局")["obligations"] == 1
    listed = impact.documents_of(loaded, "商务部")
    assert [(g["document"]["id"], g["leads"], g["supports"], g["measures"]) for g in listed["documents"]] == [
        ("doc:opinion", 2, 1, 3), ("doc:plan", 1, 0, 1)]
    assert (listed["total"], listed["outside"]) == (summary["total_documents"], None)
    for offset in range(3):  # a page is the slice of the whole, its total the same
        page = impact.documents_of(loaded, "商务部", limit=1, offset=offset)
        assert page["documents"] == listed["documents"][offset:offset + 1] and page["total"] == 2
    assert _ids(impact.document_measures(loaded, "商务部", "doc:opinion")["measures"]) == [
        "m:opinion:1", "m:opinion:1.1", "m:opinion:2"]
    sectors = impact.sectors_of(loaded, "商务部")
    assert [(s["sector"], s["leads"], s["supports"]) for s in sectors] == [("对外贸易", 2, 1), ("—", 1, 0)]
    for s in sectors:
        whole = impact.sector_measures(loaded, "商务部", s["id"], limit=None)
        assert whole["total"] == len(whole["measures"]) == s["measures"]
        assert all((s["sector"] in r["sectors"]) if s["id"] else not r["sectors"] for r in whole["measures"])
        for offset in range(s["measures"] + 1):
            page = impact.sector_measures(loaded, "商务部", s["id"], limit=1, offset=offset)
            assert page["measures"] == whole["measures"][offset:offset + 1] and page["total"] == s["measures"]


def test_what_if_groups_are_counted_and_paged(loaded):
    gone = impact.abolish(loaded, "商务部", limit=1)
    assert gone["counts"] == {"no_agency_left": 0, "no_lead_left": 2, "other_leads_remain": 1, "support_dropped": 1}
    assert {g: _ids(rows) for g, rows in gone["groups"].items()} == {
        "no_agency_left": [], "no_lead_left": ["m:opinion:1"], "other_leads_remain": ["m:opinion:2"],
        "support_dropped": ["m:opinion:1.1"]}
    assert _ids(impact.abolish_group(loaded, "商务部", "no_lead_left", limit=1, offset=1)["measures"]) == ["m:plan:1"]
    merged = impact.merge(loaded, "商务部", into="财政部", limit=0)
    assert merged["counts"] == {"gained_lead": 1, "gained_support": 1, "upgraded_to_lead": 1, "already_shared": 1}
    assert all(rows == [] for rows in merged["groups"].values())
    shared = impact.merge_group(loaded, "商务部", "财政部", "already_shared")
    assert [(r["id"], r["role"]) for r in shared["measures"]] == [("m:opinion:2", "lead")]


def test_abolish_puts_each_measure_in_one_group(loaded):
    gone = impact.abolish(loaded, "商务部")
    groups = {g: _ids(rows) for g, rows in gone["groups"].items()}
    assert groups == {"no_agency_left": [], "no_lead_left": ["m:opinion:1", "m:plan:1"],
                      "other_leads_remain": ["m:opinion:2"], "support_dropped": ["m:opinion:1.1"]}
    assert gone["measures"] == sum(len(v) for v in groups.values()) == 4
    assert _ids(impact.abolish(loaded, "税务总局")["groups"]["no_agency_left"]) == ["m:opinion:3"]


def test_merge_carries_the_union_and_loses_no_lead(loaded):
    m = impact.merge(loaded, "商务部", into="财政部")
    assert m["into"]["id"] == "agency:mof" and "no_lead_left" not in m["groups"]
    assert (m["before"], m["after"]) == ({"leads": 1, "supports": 1}, {"leads": 3, "supports": 1})
    assert {g: _ids(rows) for g, rows in m["groups"].items()} == {
        "gained_lead": ["m:plan:1"], "gained_support": ["m:opinion:1.1"],
        "upgraded_to_lead": ["m:opinion:1"], "already_shared": ["m:opinion:2"]}
    assert [(p["id"], p["measures"]) for p in impact.merged_partners(loaded, "商务部", into="财政部")] == [
        ("agency:samr", 2), ("agency:customs", 1)]
    # 市场监管总局 into 商务部: 商务部 already has both of its measures, so the counts are the union
    samr = impact.merge(loaded, "市场监管总局", into="商务部")
    union = {r["id"] for r in impact.agency_report(loaded, "商务部")["measures"]} | {
        r["id"] for r in impact.agency_report(loaded, "市场监管总局")["measures"]}
    assert samr["after"]["leads"] + samr["after"]["supports"] == len(union) == 4
    assert _ids(samr["groups"]["upgraded_to_lead"]) == ["m:opinion:1.1"]
    with pytest.raises(ValueError):
        impact.merge(loaded, "商务部", into="商务部")


def test_duty_subgraph_exports(loaded):
    g = impact.duty_subgraph(loaded, "商务部")
    assert {"agency:mofcom", "m:plan:1", "doc:plan", "agency:samr"} <= set(g)
    assert g.has_edge("agency:mofcom", "m:opinion:1", key="LEADS")
    assert g.has_edge("m:opinion:1.1", "doc:opinion", key="PART_OF")
    csv_text = impact.to_csv(g)
    assert csv_text.splitlines()[0].startswith("source_id,source_label,source_name,type")
    assert "agency:mofcom,Agency,商务部,LEADS,m:opinion:1,Measure" in csv_text
    back = nx.read_graphml(__import__("io").BytesIO(impact.to_graphml(g)))
    assert back.number_of_nodes() == g.number_of_nodes() and back.number_of_edges() == g.number_of_edges()


@pytest.mark.parametrize("query", [
    "CREATE (n:X) RETURN n", "MATCH (n) DETACH DELETE n", "MATCH (n) DELETE n", "MERGE (a:Agency {id: 'x'})",
    "MATCH (n) SET n.name = 'x'", "MATCH (n) REMOVE n.name", "CALL dbms.components()",
    "CALL dbms.security.createUser('a', 'b')", "CALL db.createLabel('X')", "DROP INDEX foo",
    "LOAD CSV FROM 'file:///x' AS row RETURN row", "MATCH (n) FOREACH (x IN [1] | SET n.a = x)",
    "match (n) call { create (m) } return n", "CREATE USER bob SET PASSWORD 'x'", "STOP DATABASE neo4j"])
def test_console_refuses_writes(loaded, query):
    with pytest.raises(console.WriteRefused):
        console.run_read_only(loaded, query)
    assert loaded.counts()["nodes"]["Agency"] == 8


def test_console_reads_with_cap_and_finds_nodes(loaded):
    r = console.run_read_only(loaded, "MATCH (a:Agency)-[:LEADS]->(m:Measure) RETURN a.name AS agency, m.id AS measure "
                              "ORDER BY measure", row_cap=3)
    assert r.columns == ["agency", "measure"] and len(r.rows) == 3 and r.truncated
    g = console.run_read_only(loaded, "MATCH (a:Agency)-[r:LEADS]->(m:Measure) WHERE a.name = '商务部' RETURN a, r, m")
    assert set(g.node_ids) == {"agency:mofcom", "m:opinion:1", "m:opinion:2", "m:plan:1"}
    # words inside strings and comments are not writes
    ok = console.run_read_only(loaded, "MATCH (a:Agency) WHERE a.name = 'CREATE' RETURN a.name")
    assert ok.rows == []


def test_console_examples_run(loaded):
    for _, _, q in console.EXAMPLES:
        console.run_read_only(loaded, q, row_cap=5)


@pytest.mark.neo4j
def test_console_neo4j_server_refuses_writes_itself(export_dir):
    """Past the keyword check, the server's plan and the READ-mode transaction protect the database."""
    import graph
    from conftest_graph import open_neo4j, wipe_neo4j
    loaded = open_neo4j()
    wipe_neo4j(loaded)
    graph.load_export(loaded, export_dir)
    with pytest.raises(console.WriteRefused, match="plans this query as a read and write"):
        console.run_planned(loaded, "CREATE (n:Sneaky) RETURN n", 5, 5)
    with pytest.raises(console.StoreError, match="longer than"):
        console.run_planned(loaded, "UNWIND range(1, 1000000000) AS x WITH x WHERE x % 7 = 99 RETURN count(x)", 5, 0.5)
    assert loaded.counts()["nodes"]["Agency"] == 8
    loaded.close()


def test_supersession_edges(loaded):
    rows = queries.supersession_edges(loaded)
    assert [(r["newer"]["id"], r["older"]["id"], r["kind"]) for r in rows] == [
        ("doc:notice-2023", "doc:notice-2019", "repeals"), ("doc:notice-2019", "doc:notice-2015", "replaces")]
    with_amends = queries.supersession_edges(loaded, include_amends=True)
    assert ("doc:names", "doc:names-1991", "AMENDS") in [(r["newer"]["id"], r["older"]["id"], r["type"])
                                                          for r in with_amends]
    # each end says whether its text is here and when it binds (the timeline's "what is known")
    assert [(r["newer"]["in_corpus"], r["older"]["in_corpus"]) for r in rows] == [(True, False), (False, False)]
    assert rows[0]["newer"]["date"] == "2023-04-25" and rows[0]["older"]["name"] == "关于推动外贸稳中提质的通知"
    assert queries.supersession_edges(loaded, limit=1) == rows[:1]


@pytest.mark.parametrize("agency", ["agency:mofcom", "agency:samr", "agency:state-council"])
def test_measure_page_is_a_slice_of_every_measure_with_database_totals(loaded, agency):
    """impact.measure_page: the rows of agency_report (same dicts), ordered by document then id;
    each page the slice of the whole; totals as the report counts them."""
    report = impact.agency_report(loaded, agency)
    whole = impact.measure_page(loaded, agency, limit=None)
    assert whole["measures"] == report["measures"]
    responsible = {m for _, _, m in loaded.expand([report["agency"]["id"]], ["LEADS", "SUPPORTS"], "out")}
    assert [r["id"] for r in whole["measures"]] == [r["id"] for r in sorted(
        report["measures"], key=lambda r: (r["document"] is None, (r["document"] or {}).get("id") or "", r["id"]))]
    assert {r["id"] for r in whole["measures"]} == responsible
    assert (whole["total"], whole["leads"], whole["supports"]) == (
        len(report["measures"]), report["leads"], report["supports"])
    for offset in range(len(whole["measures"]) + 1):
        page = impact.measure_page(loaded, agency, limit=2, offset=offset)
        assert page["measures"] == whole["measures"][offset:offset + 2]
        assert page["total"] == whole["total"]


def test_measures_in_no_document_are_counted_apart_from_the_document_pages(loaded, tmp_path):
    """A measure that is in no document (an export without its PART_OF) is not a document of the
    page: `total` counts documents, `outside` the measures in none, and the whole report lists
    them last."""
    from conftest_graph import NODES, write_export
    mofcom = next(n for n in NODES if n["id"] == "agency:mofcom")
    loose = write_export(tmp_path / "loose", nodes=[mofcom, {"id": "m:loose", "label": "Measure", "heading": "无文件的任务"}],
                         edges=[{"source": "agency:mofcom", "target": "m:loose", "type": "LEADS"}])
    loaded.load_export(loose)
    listed = impact.documents_of(loaded, "商务部", limit=1)
    assert [g["document"]["id"] for g in listed["documents"]] == ["doc:opinion"]
    assert (listed["total"], listed["outside"]) == (2, {"leads": 1, "supports": 0, "measures": 1})
    assert impact.agency_summary(loaded, "商务部")["total_documents"] == 2
    report = impact.agency_report(loaded, "商务部")
    assert [((g["document"] or {}).get("id"), [m["id"] for m in g["measures"]]) for g in report["by_document"]][1:] == [
        ("doc:plan", ["m:plan:1"]), (None, ["m:loose"])]
