"""The national-database layout (title, dated event lines, articles), repeal lists and versions.

On the sample files of ../shared/samples/national-database and on short texts written here.
"""
from __future__ import annotations

from pathlib import Path

import pytest

import graph
from conftest_graph import open_neo4j, wipe_neo4j
from extract.events import find_events, header_facts, is_event_line
from extract.pipeline import documents_of, extract_source
from extract.read import SourceText, read_source
from extract.relations import find_relations
from graph import history


def _headers(text: str, name: str = "t.txt"):
    return [d.header for d in documents_of(SourceText(name, Path(name), text.split("\n"), "utf-8", "txt"))]


def _records(text: str, name: str = "t.txt"):
    return extract_source(SourceText(name, Path(name), text.split("\n"), "utf-8", "txt"))[1]



# --- event lines, on short texts ----------------------------------------------------------------------
def test_event_lines_of_a_state_council_regulation():
    events = find_events(["2001年6月15日 中华人民共和国国务院令第306号公布".replace(" ", ""),
                          "2011年1月8日《国务院关于废止和修改部分行政法规的决定》第一次修订",
                          "2019年3月2日《国务院关于修改部分行政法规的决定》第二次修订",
                          "第一章总则"])
    assert [(e.date, e.kind, e.ordinal) for e in events] == [
        ("2001-06-15", "promulgated", None), ("2011-01-08", "revised", 1), ("2019-03-02", "revised", 2)]
    assert events[1].by_title == "国务院关于废止和修改部分行政法规的决定"
    # omnibus decisions share titles: the curated table names each by its date (2011-01-08: 国务院令第588号)
    assert (events[1].decree, events[2].decree) == ("国务院令第588号", "国务院令第709号")
    assert find_events(["2099年1月1日《国务院关于修改部分行政法规的决定》第一次修订"])[0].decree is None
    facts = header_facts(events)
    assert (facts.doc_number, facts.date, facts.issuer, facts.doc_type, facts.version_date) == \
        ("国务院令第306号", "2001-06-15", "国务院", "行政法规", "2019-03-02")


def test_ministry_rule_revised_by_a_decree_and_a_law():
    rule = header_facts(find_events(["2008年5月27日公安部令第102号发布", "根据2012年9月12日公安部令第124号修正"]))
    assert (rule.doc_number, rule.issuer, rule.doc_type, rule.version_date) == \
        ("公安部令第102号", "公安部", "部门规章", "2012-09-12")
    law = header_facts(find_events(["1986年4月12日第六届全国人民代表大会第四次会议通过",
                                    "1986年4月12日中华人民共和国主席令第37号公布"]))
    assert (law.doc_number, law.doc_type, law.issuer) == ("主席令第37号", "法律", None)
    approved = find_events(["1985年8月14日国务院批准1985年8月25日原国家工商行政管理局发布"])
    assert [(e.kind, e.issuer) for e in approved] == [("approved", "国务院"), ("promulgated", "国家工商行政管理局")]
    assert header_facts(approved).date == "1985-08-25"


def test_an_article_is_not_an_event_line():
    assert not is_event_line("第三十八条本条例自1988年7月1日起施行。")
    assert not is_event_line("2021年12月31日")  # a signature date
    assert is_event_line("自2024年12月1日起施行")


def test_header_of_a_short_regulation_and_its_revision_edges():
    text = "\n".join(["测试管理条例", "", "2002年9月29日 中华人民共和国国务院令第900号公布",
                      "2016年2月6日 《国务院关于修改部分行政法规的决定》第一次修订", "",
                      "第一章 总则", "第一条 为了测试，制定本条例。", "第二条 本条例自2002年11月15日起施行。"])
    (h,) = _headers(text)
    assert (h.title, h.doc_number, h.date, h.doc_type, h.issuers_text, h.effective_date, h.version_date) == \
        ("测试管理条例", "国务院令第900号", "2002-09-29", "行政法规", "国务院", "2002-11-15", "2016-02-06")
    rec = _records(text)
    amends = [e for e in rec.edges.values() if e["type"] == "AMENDS"]
    assert len(amends) == 1 and amends[0]["date"] == "2016-02-06" and amends[0]["ordinal"] == 1
    decision = rec.nodes[amends[0]["source"]]
    assert (decision["title"], decision["in_corpus"], decision["date"], decision["doc_type"]) == \
        ("国务院关于修改部分行政法规的决定", False, "2016-02-06", "决定")
    assert amends[0]["target"] == "doc:国务院令第900号@2016-02-06"
    assert amends[0]["provenance"]["line_start"] == 4  # the event line of the original file


def test_a_file_without_dated_header_keeps_what_its_title_says():
    (h,) = _headers("测试登记规定\n\n第一章 总则\n第一条 为了测试，制定本规定。\n第二条 本规定自2022年5月1日起施行。")
    assert (h.doc_number, h.date, h.doc_type, h.effective_date, h.version_date) == \
        (None, None, "部门规章", "2022-05-01", None)


# --- repeal lists and earlier versions ---------------------------------------------------------------------
def test_a_repeal_list_of_four_texts_gives_four_edges():
    text = ("第五十条 本条例自2024年12月1日起施行。《甲管理条例》、《乙管理条例》、《丙管理办法》和《丁实施细则》同时废止。")
    sup, _ = find_relations(text, None, "测试条例")
    assert [s.old.title for s in sup] == ["甲管理条例", "乙管理条例", "丙管理办法", "丁实施细则"]
    assert {s.kind for s in sup} == {"repeals"}


def test_listed_texts_each_with_its_date_and_issuer():
    text = ("第三十八条 本条例自1988年7月1日起施行。1980年7月26日国务院发布的《甲登记管理办法》，"
            "1982年8月9日国务院发布的《乙登记管理条例》，1985年8月14日国务院批准、1985年8月25日原国家工商行政管理局发布的"
            "《丙登记管理暂行规定》同时废止。")
    sup, _ = find_relations(text, None, "测试条例")
    assert [s.old.title for s in sup] == ["甲登记管理办法", "乙登记管理条例", "丙登记管理暂行规定"]


def test_repealing_an_earlier_text_of_the_same_title_makes_two_documents():
    text = "\n".join(["测试法实施细则", "2001年6月1日 中华人民共和国国务院令第901号公布", "",
                      "第一条 根据测试法，制定本细则。",
                      "第二条 本细则自2001年7月1日起施行。1992年5月12日发布的《测试法实施细则》同时废止。"])
    rec = _records(text)
    (edge,) = [e for e in rec.edges.values() if e["type"] == "SUPERSEDES"]
    new, old = rec.nodes[edge["source"]], rec.nodes[edge["target"]]
    assert new["id"] != old["id"]
    assert (new["title"], new["doc_number"], new["date"]) == ("测试法实施细则", "国务院令第901号", "2001-06-01")
    assert (old["title"], old["in_corpus"], old["previous_version"], old["date"]) == \
        ("测试法实施细则", False, True, "1992-05-12")


# --- the sample files ----------------------------------------------------------------------------------------
SAMPLES = {
    "互联网上网服务营业场所管理条例(2022-03-29).txt": (
        "互联网上网服务营业场所管理条例", "国务院令第363号", "2002-09-29", "2002-11-15", ["国务院"], "行政法规",
        [("2011-01-08", "国务院关于废止和修改部分行政法规的决定", 1), ("2016-02-06", "国务院关于修改部分行政法规的决定", 2),
         ("2019-03-24", "国务院关于修改部分行政法规的决定", 3), ("2022-03-29", "国务院关于修改和废止部分行政法规的决定", 4)]),
    "互联网上网服务营业场所管理条例(2019-03-24).txt": (
        "互联网上网服务营业场所管理条例", "国务院令第363号", "2002-09-29", "2002-11-15", ["国务院"], "行政法规",
        [("2011-01-08", "国务院关于废止和修改部分行政法规的决定", 1), ("2016-02-06", "国务院关于修改部分行政法规的决定", 2)]),
    "企业法人登记管理条例(2019-03-02).txt": (
        "中华人民共和国企业法人登记管理条例", "国务院令第1号", "1988-06-03", "1988-07-01", ["国务院"], "行政法规",
        [("2011-01-08", "国务院关于废止和修改部分行政法规的决定", 1), ("2014-02-19", "国务院关于废止和修改部分行政法规的决定", 2),
         ("2016-02-06", "国务院关于修改部分行政法规的决定", 3)]),
    "两用物项出口管制条例(2024-09-30).txt": (
        "中华人民共和国两用物项出口管制条例", None, None, "2024-12-01", [], "行政法规", []),
    "机动车登记规定(2021-12-17).txt": ("机动车登记规定", None, None, "2022-05-01", [], "部门规章", []),
}
REPEALED = {
    "两用物项出口管制条例(2024-09-30).txt": {
        "中华人民共和国核两用品及相关技术出口管制条例", "中华人民共和国导弹及相关物项和技术出口管制条例",
        "中华人民共和国生物两用品及相关设备和技术出口管制条例", "有关化学品及相关设备和技术出口管制办法"},
    "企业法人登记管理条例(2019-03-02).txt": {"中外合资经营企业登记管理办法", "工商企业登记管理条例", "公司登记管理暂行规定"},
    "机动车登记规定(2021-12-17).txt": {"机动车登记规定", "公安部关于修改<机动车登记规定>的决定"},
    "互联网上网服务营业场所管理条例(2022-03-29).txt": {"互联网上网服务营业场所管理办法"},
    "互联网上网服务营业场所管理条例(2019-03-24).txt": {"互联网上网服务营业场所管理办法"},
}


@pytest.fixture(scope="module")
def national(samples_dir, tmp_path_factory, export_of):
    folder = samples_dir / "national-database"
    return folder, export_of([folder], tmp_path_factory.mktemp("national"))


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_header_and_revisions(national, name):
    _, (nodes, edges) = national
    title, number, date, effective, issuers, doc_type, revisions = SAMPLES[name]
    (doc,) = [n for n in nodes.values() if n["label"] == "Document" and n["in_corpus"] and n["source"]["file"] == name]
    assert (doc["title"], doc["doc_number"], doc["date"], doc["effective_date"], doc["issuers"], doc["doc_type"]) == \
        (title, number, date, effective, issuers, doc_type)
    got = sorted((e["date"], nodes[e["source"]]["title"], e["ordinal"]) for e in edges
                 if e["type"] == "AMENDS" and e["target"] == doc["id"] and not e.get("new_version"))
    assert got == revisions
    assert all(not nodes[e["source"]]["in_corpus"] for e in edges if e["type"] == "AMENDS" and e["target"] == doc["id"]
               and not e.get("new_version"))
    repealed = {nodes[e["target"]]["title"] for e in edges if e["type"] == "SUPERSEDES" and e["source"] == doc["id"]}
    assert repealed == REPEALED.get(name, set())


def test_the_ministry_rule_repeals_its_previous_version_by_number(national):
    _, (nodes, edges) = national
    old = nodes["doc:公安部令第102号"]
    assert (old["title"], old["in_corpus"], old["date"], old["previous_version"]) == \
        ("机动车登记规定", False, "2008-05-27", True)
    assert any(e["type"] == "SUPERSEDES" and e["target"] == old["id"] and nodes[e["source"]]["in_corpus"] for e in edges)


def test_two_revisions_of_one_regulation_are_two_versions(national):
    _, (nodes, edges) = national
    versions = sorted((n for n in nodes.values() if n["label"] == "Document" and n["in_corpus"]
                       and n["doc_number"] == "国务院令第363号"), key=lambda n: n["version_date"])
    assert [v["version_date"] for v in versions] == ["2016-02-06", "2022-03-29"]
    (link,) = [e for e in edges if e.get("new_version")]
    assert (link["source"], link["target"], link["type"]) == (versions[1]["id"], versions[0]["id"], "AMENDS")
    assert "2019年3月24日" in link["evidence"] and "2022年3月29日" in link["evidence"]


@pytest.mark.parametrize("kind", ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_the_version_in_force_on_a_date(national, tmp_path, export_of, kind):
    folder, _ = national
    out = tmp_path / "export"
    export_of([folder], out)
    if kind == "embedded":
        store = graph.open_store("embedded", path=tmp_path / "graph.json")
    else:
        store = open_neo4j()
        wipe_neo4j(store)
    store.load_export(out)
    try:
        def in_force(day):
            return {d["id"] for d in history.documents_in_force(store, day) if d["id"].startswith("doc:国务院令第363号")}
        assert in_force("2020-01-01") == {"doc:国务院令第363号@2016-02-06"}
        assert in_force("2023-01-01") == {"doc:国务院令第363号@2022-03-29"}
        assert in_force("2001-01-01") == set()
    finally:
        store.close()


def test_export_is_byte_identical_on_a_rerun(samples_dir, tmp_path, export_of):
    a, b = tmp_path / "a", tmp_path / "b"
    export_of([samples_dir], a)
    export_of([samples_dir], b)
    for name in ("nodes.jsonl", "edges.jsonl"):
        assert (a / name).read_bytes() == (b / name).read_bytes()


def test_the_sample_reads_as_one_document_per_file(samples_dir):
    for path in sorted((samples_dir / "national-database").iterdir()):
        docs = documents_of(read_source(path))
        assert len(docs) == 1, path.name


def test_decree_numbers_with_a_year_and_a_bracketed_history_line():
    facts = header_facts(find_events(["2019年6月21日交通运输部令2019年第15号公布"]))
    assert (facts.doc_number, facts.issuer, facts.doc_type) == ("交通运输部令2019年第15号", "交通运输部", "部门规章")
    text = "\n".join(["测试实施条例",
                      "（2002年9月29日中华人民共和国国务院令第902号公布　根据2011年1月8日《国务院关于废止和修改部分行政法规的决定》第一次修订）",
                      "第一条 为了测试，制定本条例。"])
    (h,) = _headers(text)
    assert (h.doc_number, h.date, h.version_date) == ("国务院令第902号", "2002-09-29", "2011-01-08")
    amends = [e for e in _records(text).edges.values() if e["type"] == "AMENDS"]
    assert len(amends) == 1 and amends[0]["date"] == "2011-01-08"  # the 题注 rule does not add a second edge


def test_listed_texts_with_undated_or_partly_dated_clauses():
    text = ("本办法自2001年1月1日起施行。经国务院批准，1990年3月国家计委发布的《甲价格管理办法》和国务院发布的《乙收费管理规定》"
            "同时废止。")
    sup, _ = find_relations(text, None, "测试办法")
    assert [s.old.title for s in sup] == ["甲价格管理办法", "乙收费管理规定"]


def test_markdown_heading_marks_and_comments_of_a_markdown_copy():
    text = "\n".join(["# 测试管理条例", "", "2002年9月29日 中华人民共和国国务院令第903号公布", "", "<!-- INFO END -->", "",
                      "## 第一章 总则", "", "第一条 为了测试，制定本条例。"])
    (h,) = _headers(text)
    assert (h.title, h.doc_number, h.date) == ("测试管理条例", "国务院令第903号", "2002-09-29")


def test_a_text_promulgated_again_by_a_new_decree_is_a_new_text():
    text = "\n".join(["测试名称登记管理规定", "1991年5月6日 国家工商行政管理局令第7号发布",
                      "2012年11月9日 《国务院关于修改和废止部分行政法规的决定》第一次修订",
                      "2020年12月28日 中华人民共和国国务院令第734号第二次修订", "",
                      "第一条 为了测试，制定本规定。"])
    (h,) = _headers(text)
    assert (h.doc_number, h.date, h.issuers_text, h.doc_type, h.version_date) == \
        ("国务院令第734号", "2020-12-28", "国务院", "行政法规", "2020-12-28")
    rec = _records(text)
    amends = sorted((rec.nodes[e["source"]]["title"], rec.nodes[e["source"]]["doc_number"],
                     rec.nodes[e["target"]]["doc_number"], rec.nodes[e["target"]]["in_corpus"])
                    for e in rec.edges.values() if e["type"] == "AMENDS")
    assert amends == [("国务院关于修改和废止部分行政法规的决定", None, "国家工商行政管理局令第7号", False),
                      ("测试名称登记管理规定", "国务院令第734号", "国家工商行政管理局令第7号", False)]


def test_two_decisions_of_one_title_stay_two_texts():
    text = "\n".join(["测试登记管理条例", "1988年6月3日 中华人民共和国国务院令第904号发布",
                      "2011年1月8日 《国务院关于废止和修改部分行政法规的决定》第一次修订",
                      "2014年2月19日 《国务院关于废止和修改部分行政法规的决定》第二次修订", "", "第一条 为了测试，制定本条例。"])
    rec = _records(text)
    sources = sorted((rec.nodes[e["source"]]["date"], rec.nodes[e["source"]]["doc_number"])
                     for e in rec.edges.values() if e["type"] == "AMENDS")
    assert sources == [("2011-01-08", "国务院令第588号"), ("2014-02-19", None)]
