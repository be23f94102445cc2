"""Every page of the Streamlit app through streamlit.testing.v1.AppTest, on a small graph built in a
temporary data directory (the contract fixture), with a small corpus file for the document reader."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

import graph  # noqa: E402
import graph.console  # noqa: E402

from conftest_graph import EDGES, F1, F2, NODES, write_export  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
EVIL = "<script>alert('x')</script><img src=x onerror=alert(1)>"
# names from a hostile document: they must show as text wherever the app writes HTML
EVIL_NODES = [{"id": "agency:evil", "label": "Agency", "name": "<script>alert(2)</script>商务总署",
               "short_name": "<b>商务</b>", "aliases": ["<b>商务</b>"]},
              {"id": "doc:evil", "label": "Document", "title": "<img src=x onerror=alert(3)>通知", "in_corpus": False}]
EVIL_EDGES = [{"source": "agency:evil", "target": "m:opinion:1", "type": "SUPPORTS"},
              {"source": "doc:opinion", "target": "doc:evil", "type": "CITES"}]
N_NODES = len(NODES) + len(EVIL_NODES)


def _corpus(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    lines = [f"第{n}行文字" for n in range(1, 501)]
    lines[0] = "国务院办公厅关于进一步优化营商环境降低市场主体制度性交易成本的意见"
    lines[1] = "国办发〔2022〕30号"
    lines[9] = "（一）稳定外贸外资基本盘，优化出口退税服务。"
    lines[10] = "（商务部牵头，财政部、海关总署按职责分工负责）"
    lines[11] = EVIL
    lines[12] = "1.规范企业名称登记管理。（市场监管总局牵头，商务部配合）"
    lines[40] = "按照《全国深化“放管服”改革着力培育和激发市场主体活力电视电话会议重点任务分工方案》要求"
    (directory / F1).write_text("\n".join(lines) + "\n", encoding="utf-8")
    (directory / F2).write_text("\n".join(f"第{n}条" for n in range(1, 100)) + "\n", encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def app_env(tmp_path_factory):
    base = tmp_path_factory.mktemp("app")
    export = write_export(base / "export", nodes=NODES + EVIL_NODES, edges=EDGES + EVIL_EDGES)
    with graph.open_store("embedded", path=base / "data" / "graph.lbdb") as s:
        graph.load_export(s, export)
    return {"POLICYKG_DATA": str(base / "data"), "POLICYKG_CORPUS": str(_corpus(base / "corpus")),
            "POLICYKG_STORE": "embedded"}


@pytest.fixture
def env(app_env, monkeypatch):
    for k, v in app_env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    return app_env


def run(page: str | None = None, lang: str = "en", **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["lang"] = lang
    for k, v in params.items():
        at.query_params[k] = v
    if page:
        at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def text_of(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.title]
    parts += [s.value for s in at.subheader] + [w.value for w in at.warning] + [i.value for i in at.info]
    parts += [e.value for e in at.error]
    parts += [h.proto.body for h in at.get("html")]
    return "\n".join(str(p) for p in parts)


def test_overview(env):
    at = run()
    assert at.title[0].value == "Overview"
    assert "Nodes by label" in text_of(at)
    assert len(at.dataframe) >= 2
    df = at.dataframe[0].value
    assert df["Count"].sum() == N_NODES


def test_language_switch(env):
    at = run(lang="zh")
    assert at.title[0].value == "概览"
    next(b for b in at.get("button_group") if b.key == "lang_switch").set_value("en").run()
    assert at.title[0].value == "Overview"


def test_no_graph_says_how_to_build(tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYKG_DATA", str(tmp_path / "empty"))
    monkeypatch.setenv("POLICYKG_STORE", "embedded")
    monkeypatch.delenv("NEO4J_URI", raising=False)
    at = run()
    body = text_of(at) + "".join(c.value for c in at.code)
    assert "No graph has been built yet" in body or "Cannot open the graph store" in body
    assert "policykg build" in body


def test_search_counts_by_kind_and_names_a_measure_s_document(env):
    at = run("search")
    at.text_input(key="search_q").input("商务部").run()
    assert at.query_params["q"] == "商务部"
    body = text_of(at)
    assert "5 results in all" in body and "Agency: 1–1 of 1" in body
    assert "explorer?node=agency%3Amofcom" in body
    at = run("search", q="商务部", kind="Measure")
    body = text_of(at)
    assert "Measure: 1–4 of 4" in body
    assert body.count("reader?doc=doc%3Aopinion") == 3 and body.count("reader?doc=doc%3Aplan") == 1
    at = run("search", q="国办发[2022]30号")  # square brackets find the 文号 printed with 〔〕
    assert "reader?doc=doc%3Aopinion" in text_of(at) and "Document: 1–1 of 1" in text_of(at)
    at.text_input(key="search_q").input("不存在的词").run()
    assert "Nothing found" in text_of(at)


def test_search_says_when_a_kind_has_more_matches_than_it_reads(env, monkeypatch):
    """Above queries.SEARCH_CAP matches of a kind the page says "more than", counts the kind as
    CAP+ and pages through the CAP it read."""
    from graph import queries
    monkeypatch.setattr(queries, "SEARCH_CAP", 2)
    at = run("search", q="商务部", kind="Measure")
    body = text_of(at)
    assert "More than 3 results: of Measure only the first 2 are read and listed" in body
    assert "Measure: 1–2 of 2+" in body and body.count("reader?doc=") == 2


def test_explorer_expands_and_filters(env):
    at = run("explorer", node="agency:mofcom")
    body = text_of(at)
    assert "商务部" in body and "Showing 6 nodes" in body  # 商务部, its 4 measures and the notice it issued
    # the side panel follows the selection in the address; expanding adds the node's neighbours
    at = run("explorer", node="agency:mofcom", sel="m:opinion:1")
    at.button(key="ex_expand_btn").click().run()
    assert (at.query_params["expand"], at.query_params["sel"]) == ("m:opinion:1", "m:opinion:1")
    assert "Expanded: 1" in text_of(at)
    # evidence: the original lines, escaped
    html = text_of(at)
    assert "稳定外贸外资基本盘" in html and "<script>" not in html and "&lt;script&gt;" in html
    # the selected measure's relationships with the extractor's evidence and where it was read
    relations = next(d.value for d in at.dataframe if "Evidence" in d.value.columns)
    lead = relations[relations["Relationship"] == "← leads"].iloc[0]
    assert (lead["Other end"], lead["Evidence"], lead["Where in the original"]) == (
        "商务部", "商务部牵头", "000_test_policies.txt:10–11")
    # a tiny cap keeps the led measures (the most relevant) and offers the rest per relationship type
    at = run("explorer", node="agency:mofcom", sel="agency:mofcom")
    at.slider(key="ex_cap").set_value(2).run()
    body = text_of(at)
    assert "Showing 3 nodes; 3 more hidden" in body
    buttons = [b.label for b in at.button if b.key and b.key.startswith("ex_more_")]
    assert buttons == ["Show 1 more: leads (1 not shown)", "Show 1 more: supports (1 not shown)",
                       "Show 1 more: issued (1 not shown)"]


def test_explorer_cap_keeps_led_measures_and_shows_more_per_type(env):
    at = run("explorer", node="agency:mofcom", more="agency:mofcom|ISSUED_BY|in|1")
    assert "Showing 6 nodes" in text_of(at)
    at = run("explorer", node="m:opinion:1", expand="agency:mofcom|LEADS")
    assert "Expanded: 1" in text_of(at)


def test_explorer_reports_an_unknown_node(env):
    at = run("explorer", node="agency:nowhere")
    assert "There is no node agency:nowhere in the graph" in text_of(at)
    assert not at.get("neo4j_viz_graph")


def test_explorer_paths_between_agencies(env):
    at = run("explorer", node="agency:mofcom", to="agency:mof")
    body = text_of(at)
    assert "Shortest connections of 商务部 and 财政部 (through measures and documents): 2" in body
    assert "explorer?node=m%3Aopinion%3A2" in body


def test_reader_highlights_and_escapes(env):
    at = run("reader", doc="doc:opinion")
    html = "".join(h.proto.body for h in at.get("html"))
    assert "国办发〔2022〕30号" in html
    assert "class='m'" in html and "explorer?node=m%3Aopinion%3A1" in html       # measure → its node
    assert 'class="ag"' in html and "node=agency%3Amofcom" in html                # agency → its node
    assert "<script>" not in html and "&lt;script&gt;alert" in html              # document text escaped
    assert "<img src=x" not in html
    assert "Cites" in html and "Cited by" in html


def test_reader_missing_corpus_file(env, monkeypatch, tmp_path):
    monkeypatch.setenv("POLICYKG_CORPUS", str(tmp_path / "nowhere"))
    at = run("reader", doc="doc:opinion")
    assert "POLICYKG_CORPUS" in text_of(at)


def test_impact_page(env):
    at = run("impact", agency="agency:mofcom")
    assert [m.value for m in at.metric][:2] == ["3", "1"]
    # only the open tab runs: the first (by document) has its picker, the what-if tab has not run
    assert [s.key for s in at.selectbox if s.key in ("im_doc", "im_scenario")] == ["im_doc"]
    assert not [r for r in at.radio if r.key == "im_scenario"]
    at.session_state["im_tab"] = "What if"
    at.run()
    assert not [s for s in at.selectbox if s.key == "im_doc"]
    body = text_of(at)  # abolished: every measure in one group
    assert "Measures losing their only lead: 2" in body and "Measures other leads carry on: 1" in body
    assert "Measures losing one supporting agency: 1" in body and "Measures left with no agency: 0" in body
    at.radio(key="im_scenario").set_value("merged").run()
    at.selectbox(key="im_target").set_value("agency:mof").run()
    body = text_of(at)
    assert "losing their only lead" not in body and "no agency" not in body
    assert "After the merger 财政部 would carry: 3 led (was 1), 1 supported (was 1)" in body
    assert "Upgraded from support to lead: 1" in body and "Measures gained as lead: 1" in body
    at.session_state["im_tab"] = "Download the duty subgraph"
    at.run()
    downloads = at.get("download_button")
    assert len(downloads) == 2


def test_impact_lists_every_measure_a_page_at_a_time(env, monkeypatch):
    """The all-measures tab shows one page with "a–b of TOTAL" and Next/Previous; each page's rows are
    that slice of the whole answer (impact.measure_page without a limit)."""
    from graph import impact, queries
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    with graph.open_store("embedded", path=Path(env["POLICYKG_DATA"]) / "graph.lbdb", read_only=True) as s:
        whole = impact.measure_page(s, "agency:mofcom", limit=None)["measures"]
    assert len(whole) == 4

    def shown(at):
        return [row for row in at.dataframe[0].value["Measure"]]
    at = run("impact", agency="agency:mofcom")
    at.session_state["im_tab"] = "All measures"
    at.run()
    assert "Measures 1–2 of 4" in text_of(at) and "Page 1 of 2" in text_of(at)
    assert shown(at) == [f"{r['measure_no'] or ''}{r['heading'] or ''}" for r in whole[:2]]
    at.button(key="mp_next").click().run()
    assert "Measures 3–4 of 4" in text_of(at) and at.query_params["mp"] == "2"
    assert shown(at) == [f"{r['measure_no'] or ''}{r['heading'] or ''}" for r in whole[2:]]
    at.button(key="mp_prev").click().run()
    assert "Measures 1–2 of 4" in text_of(at)


def test_impact_lists_documents_a_page_at_a_time(env, monkeypatch):
    """The by-document tab shows one page of documents (most measures first) with "a–b of TOTAL"
    and Next/Previous; the picker offers the page's documents."""
    from graph import queries
    monkeypatch.setattr(queries, "PAGE_SIZE", 1)
    at = run("impact", agency="agency:mofcom")
    assert "Documents 1–1 of 2" in text_of(at) and "Page 1 of 2" in text_of(at)
    assert list(at.dataframe[0].value["Leads"]) == [2] and len(at.selectbox(key="im_doc").options) == 1
    at.button(key="dp_next").click().run()
    assert "Documents 2–2 of 2" in text_of(at) and at.query_params["dp"] == "2"
    assert list(at.dataframe[0].value["Leads"]) == [1]
    at.button(key="dp_prev").click().run()
    assert "Documents 1–1 of 2" in text_of(at)


def test_impact_sector_and_what_if_lists_are_paged(env, monkeypatch):
    """The sector tab lists the picked sector's measures and the what-if tab the picked group's, a
    page at a time, each page the slice of the whole (graph.impact without a limit)."""
    from graph import impact, queries
    monkeypatch.setattr(queries, "PAGE_SIZE", 1)
    with graph.open_store("embedded", path=Path(env["POLICYKG_DATA"]) / "graph.lbdb", read_only=True) as s:
        sector = impact.sectors_of(s, "agency:mofcom")[0]
        in_sector = impact.sector_measures(s, "agency:mofcom", sector["id"], limit=None)["measures"]
        no_lead = impact.abolish_group(s, "agency:mofcom", "no_lead_left", limit=None)["measures"]
    assert len(in_sector) == sector["measures"] >= 2 and len(no_lead) == 2

    def shown(at):
        return list(at.dataframe[-1].value["Measure"])

    def heading(r):
        return f"{r['measure_no'] or ''}{r['heading'] or ''}"
    at = run("impact", agency="agency:mofcom")
    at.session_state["im_tab"] = "By sector"
    at.run()
    assert at.selectbox(key="im_sector").value == sector["sector"]
    assert f"Measures 1–1 of {len(in_sector)}" in text_of(at) and shown(at) == [heading(in_sector[0])]
    at.button(key="sp_next").click().run()
    assert at.query_params["sp"] == "2" and shown(at) == [heading(in_sector[1])]
    at.session_state["im_tab"] = "What if"
    at.run()
    assert at.radio(key="im_group_").value == "no_lead_left"  # the first group that has measures
    assert shown(at) == [heading(no_lead[0])]
    at.button(key="gp_next").click().run()
    assert shown(at) == [heading(no_lead[1])] and "Measures 2–2 of 2" in text_of(at)


def test_impact_tables_name_modalities_in_chinese(env):
    """The obligation tables (dataframes: a browser sees them only as a canvas) speak the UI's language."""
    at = run("impact", lang="zh", agency="agency:samr")
    for tab in ("法定职责",):
        at.session_state["im_tab"] = tab
        at.run()
        assert not at.exception
        frames = [d.value for d in at.dataframe]
        cells = {str(v) for f in frames for column in f.columns for v in f[column]}
        assert "应当（义务）" in cells, (tab, cells)
        assert not cells & {"obligation", "prohibition", "permission", "authorization"}, (tab, cells)


def test_impact_says_when_an_agency_is_unknown_or_has_no_measure(env):
    at = run("impact", agency="agency:nonexistent")
    assert "There is no agency “agency:nonexistent”" in text_of(at) and not at.metric
    at = run("impact", agency="agency:state-council")  # issues documents, leads nothing
    assert at.selectbox(key="im_agency").value == "agency:state-council"
    assert [m.value for m in at.metric][:2] == ["0", "0"] and "leads or supports no measure" in text_of(at)
    at = run("impact", agency="市场监管总局")  # a name in a hand-typed link
    assert at.selectbox(key="im_agency").value == "agency:samr"


@pytest.mark.parametrize("query", ["CREATE (n:X) RETURN n", "MATCH (n) DETACH DELETE n", "MERGE (a:A)",
                                   "MATCH (n) SET n.x = 1", "CALL dbms.components()", "CALL dbms.killQuery('x')"])
def test_console_refuses_writes(env, query):
    at = run("console")
    at.text_area(key="co_query").input(query)
    at.button(key="co_run").click().run()
    assert at.error and "Refused" in at.error[0].value
    with graph.open_store("embedded", path=Path(env["POLICYKG_DATA"]) / "graph.lbdb", read_only=True) as s:
        assert sum(s.counts()["nodes"].values()) == N_NODES


def test_console_runs_examples_and_explains_the_subset(env):
    at = run("console")
    assert "LadybugDB" in text_of(at)
    at.selectbox(key="co_example").set_value(graph.console.EXAMPLES[1][2]).run()
    assert "LEADS" in at.text_area(key="co_query").value
    at.button(key="co_run").click().run()
    assert not at.error
    assert len(at.dataframe[0].value) == 3
    at.text_area(key="co_query").input("MATCH (a:Agency:Document) RETURN a.name")
    at.button(key="co_run").click().run()
    assert at.warning and "write (n:Agency|Document) for either" in at.warning[0].value


def test_console_says_syntax_error_and_speaks_chinese(env):
    at = run("console", lang="zh")
    at.text_area(key="co_query").input("MATCH (a:Agency RETURN a")
    at.button(key="co_run").click().run()
    assert at.error and at.error[0].value.startswith("查询有语法错误") and "Neo4j" not in at.error[0].value
    at.text_area(key="co_query").input("MATCH (n) DETACH DELETE n")
    at.button(key="co_run").click().run()
    assert at.error[0].value == "已拒绝：控制台是只读的，不允许 DETACH DELETE"


def test_timeline(env):
    at = run("timeline")
    body = text_of(at)
    assert "Supersession chain" in body
    assert "In force on 2022-01-01:" in body
    import datetime as dt
    at.date_input(key="tl_date").set_value(dt.date(1990, 1, 1)).run()
    assert "In force on 1990-01-01: 0 documents" in text_of(at)
    opts = at.selectbox(key="tl_doc").options
    assert any("关于促进外贸稳规模优结构的通知" in o for o in opts)
    at.selectbox(key="tl_doc").set_value("doc:notice-2019").run()
    html = "".join(h.proto.body for h in at.get("html"))
    assert "关于促进外贸稳规模优结构的通知" in html and "关于加快培育外贸竞争新优势的通知" in html


def test_timeline_lists_undated_and_cited_only_documents_with_what_is_known(env):
    at = run("timeline")
    unplaced = next(d.value for d in at.dataframe if "What is known" in d.value.columns)
    rows = {r["Title"]: r for r in unplaced.to_dict("records")}
    # cited-only, repealed: said so, with the date the repeal took effect
    assert rows["关于推动外贸稳中提质的通知"]["Why"] == "only cited"
    assert rows["关于推动外贸稳中提质的通知"]["What is known"] == "repealed by 关于促进外贸稳规模优结构的通知 (from 2023-04-25)"
    assert rows["中华人民共和国公司法"]["What is known"] == ""
    in_force = at.dataframe[0].value
    assert list(in_force.columns) == ["Date", "Effective", "Doc number", "Title"]
    for frame in at.dataframe:
        assert not frame.value.isin(["None", None]).any().any()


def test_timeline_tables_are_paged_by_the_database(env, monkeypatch):
    """The documents in force and those the timeline cannot place: one page each, with the count
    of all and Previous/Next (`fp`, `up` in the address); each page the slice of the whole answer."""
    from graph import history, queries
    from ui import pager
    monkeypatch.setattr(pager, "TABLE_ROWS", 1)
    with graph.open_store("embedded", path=Path(env["POLICYKG_DATA"]) / "graph.lbdb", read_only=True) as s:
        in_force = [d["name"] for d in history.documents_in_force(s, "2022-01-01")]
        unplaced = [d["title"] for d in queries.documents_page(s, limit=None, unplaced=True)["rows"]]
    assert len(in_force) == 2 and len(unplaced) > 2
    at = run("timeline")
    assert "In force on 2022-01-01: 2 documents · rows 1–1" in text_of(at)
    assert list(at.dataframe[0].value["Title"]) == in_force[:1]
    at.button(key="fp_next").click().run()
    assert at.query_params["fp"] == "2" and list(at.dataframe[0].value["Title"]) == in_force[1:]
    assert f"Documents 1–1 of {len(unplaced)}" in text_of(at)
    at.button(key="up_next").click().run()
    table = next(d.value for d in at.dataframe if "What is known" in d.value.columns)
    assert list(table["Title"]) == unplaced[1:2] and f"Documents 2–2 of {len(unplaced)}" in text_of(at)
    assert at.query_params["fp"] == "2"  # the other table stays on its page


def test_reader_lists_the_newest_documents_and_filters_the_rest(env, monkeypatch):
    from ui import pager
    monkeypatch.setattr(pager, "PICKER_ROWS", 2)
    at = run("reader", doc="doc:names")
    assert "Listing the newest 2 of 4 matching documents" in text_of(at)
    picker = at.selectbox(key="rd_doc")
    # the newest two, and the document the address asks for (older than both) kept as an option
    assert picker.options[0].endswith("企业名称登记管理规定") and picker.value == "doc:names"
    assert [o.split(" · ")[0] for o in picker.options[1:]] == ["2023-04-25", "2022-09-07"]
    at.text_input(key="rd_filter").input("国办发").run()
    assert "Listing the newest 2 of 2 matching documents" in text_of(at)
    assert [o.split(" · ")[1] for o in at.selectbox(key="rd_doc").options[1:]] == ["国办发〔2022〕30号", "国办发〔2021〕25号"]
    at.text_input(key="rd_filter").input("没有这样的文件").run()
    assert [o.split(" · ")[1] for o in at.selectbox(key="rd_doc").options] == ["国务院令第734号"]  # the one shown
    assert "企业名称登记管理规定" in text_of(at)


def _no_raw_markup(html: str) -> None:
    for raw in ("<script>alert", "<img src=x", "<b>商务</b>"):
        assert raw not in html, raw


def test_hostile_names_are_escaped_everywhere(env):
    at = run("search")
    at.text_input(key="search_q").input("商务").run()
    html = text_of(at)
    assert "&lt;script&gt;alert(2)&lt;/script&gt;商务总署" in html
    _no_raw_markup(html)
    at = run("reader", doc="doc:opinion")
    html = text_of(at)
    assert "&lt;img src=x onerror=alert(3)&gt;通知" in html  # cited document in the relations
    _no_raw_markup(html)
    at = run("explorer", node="agency:evil")
    _no_raw_markup(text_of(at))
    at = run("timeline")
    _no_raw_markup(text_of(at))


def test_explorer_search_then_open(env):
    at = run("explorer", node="agency:mofcom")
    at.text_input(key="ex_q").input("财政部").run()
    at.selectbox(key="ex_pick").set_value("agency:mof").run()
    at.button(key="ex_open").click().run()
    assert at.query_params["node"] == "agency:mof"
    assert "财政部" in text_of(at)


@pytest.mark.neo4j
def test_every_page_on_neo4j(app_env, monkeypatch, tmp_path):
    """The same pages on the Neo4j store (NEO4J_URI set): they render and answer alike."""
    from conftest_graph import neo4j_uri, open_neo4j, wipe_neo4j
    s = open_neo4j()
    wipe_neo4j(s)
    graph.load_export(s, write_export(tmp_path / "export", nodes=NODES + EVIL_NODES, edges=EDGES + EVIL_EDGES))
    s.close()
    monkeypatch.setenv("NEO4J_URI", neo4j_uri())
    monkeypatch.setenv("POLICYKG_STORE", "neo4j")
    monkeypatch.setenv("POLICYKG_CORPUS", app_env["POLICYKG_CORPUS"])
    at = run()
    assert at.dataframe[0].value["Count"].sum() == N_NODES
    at = run("search")
    at.text_input(key="search_q").input("商务部").run()
    assert "explorer?node=agency%3Amofcom" in text_of(at)
    at = run("explorer", node="agency:mofcom")
    assert "Showing" in text_of(at)
    at = run("reader", doc="doc:opinion")
    assert "explorer?node=m%3Aopinion%3A1" in text_of(at)
    at = run("impact", agency="agency:mofcom")
    assert [m.value for m in at.metric][:2] == ["3", "1"]
    at = run("console")
    assert "READ access mode" in text_of(at)
    at.button(key="co_run").click().run()
    assert not at.error and len(at.dataframe[0].value) >= 1
    at.text_area(key="co_query").input("MATCH (n) DETACH DELETE n")
    at.button(key="co_run").click().run()
    assert at.error and "Refused" in at.error[0].value
    at = run("timeline")
    assert "Supersession chain" in text_of(at)


def test_policykg_app_loads_the_store_the_pages_then_use(env, monkeypatch, tmp_path):
    """`policykg app` warms up in the serving process: the pages get that very store object."""
    from ui import state

    import gc

    state._open.clear()
    gc.unfreeze()
    assert state.warm_up() == f"embedded store: {N_NODES} nodes, {len(EDGES) + len(EVIL_EDGES)} relationships"
    # what the warm-up loaded is out of the collector's full passes (the pages' tail latency)
    assert gc.get_freeze_count() > 10_000
    gc.unfreeze()
    warmed = state.get_store()
    assert warmed.read_only and warmed._shared is not None  # the database is open already, read-only
    at = run("overview")
    assert state.get_store() is warmed and "Most-loaded agencies" in text_of(at)
    monkeypatch.setenv("POLICYKG_DATA", str(tmp_path))
    assert "no graph built yet" in state.warm_up()


def test_names_broken_across_lines_are_marked_on_both_lines():
    from ui.html import mark_lines
    lines = ["（十三）加强生态环境监管。（生态环境", "部牵头，商务部配合）", "", "其他"]
    marked = mark_lines(lines, [("生态环境部", "A:mee"), ("商务部", "A:mofcom")])
    assert marked[0][-1] == ("生态环境", "A:mee") and marked[1][0] == ("部", "A:mee")
    assert ("商务部", "A:mofcom") in marked[1] and marked[2] == [] and marked[3] == [("其他", None)]
    assert ["".join(p for p, _ in pieces) for pieces in marked] == lines


def test_chinese_ui_names_properties_and_relationships_in_chinese(env):
    at = run("explorer", lang="zh", node="agency:mofcom", sel="m:opinion:1")
    props = next(d.value for d in at.dataframe if "属性" in d.value.columns)
    assert {"序号", "标题", "原文文件"} <= set(props["属性"]) and "measure_no" not in set(props["属性"])
    relations = next(d.value for d in at.dataframe if "关系" in d.value.columns)
    assert "← 牵头" in set(relations["关系"]) and not any("LEADS" in r for r in relations["关系"])
    at = run("reader", lang="zh", doc="doc:names")  # obligations: modality in words
    html = text_of(at)
    assert "不得（禁止）" in html and "prohibition" not in html


#: the graph's codes a reader of the Chinese UI must not see (as tests/browser checks on the page's
#: text; here also inside tables, which the browser draws on a canvas)
ENGLISH_CODES = re.compile(r"\b(LEADS|SUPPORTS|PART_OF|ISSUED_BY|SUPERSEDES|AMENDS|CITES|CONCERNS|BINDS|obligation|"
                           r"prohibition|permission|authorization|ministry|national_bureau|sub_unit|regulated_party|"
                           r"source_file|line_start|doc_number|measure_no|effective_date|in_corpus|embedded|None)\b")
ZH_PAGES = [("overview", {}), ("search", {"q": "商务部"}), ("explorer", {"node": "agency:samr"}),
            ("reader", {"doc": "doc:opinion"}), ("console", {}), ("timeline", {})]


def _english_codes(at: AppTest) -> set[str]:
    cells = [str(v) for d in at.dataframe for column in d.value.columns for v in d.value[column]]
    cells += [str(column) for d in at.dataframe for column in d.value.columns]
    return set(ENGLISH_CODES.findall(text_of(at) + "\n" + "\n".join(cells)))


@pytest.mark.parametrize("page,params", ZH_PAGES, ids=[p for p, _ in ZH_PAGES])
def test_chinese_pages_show_no_english_code_in_text_or_tables(env, page, params):
    at = run(page, lang="zh", **params)
    assert not _english_codes(at)


def test_every_impact_tab_in_chinese_shows_no_english_code(env):
    from ui.i18n import t
    at = run("impact", lang="zh", agency="agency:samr")
    for key in ("im_by_doc", "im_by_sector", "im_all", "im_partners", "im_statutory",
                "im_whatif", "im_download"):
        at.session_state["im_tab"] = t(key, "zh")
        at.run()
        assert not at.exception, key
        assert not _english_codes(at), key
