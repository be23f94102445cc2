"""Supersession / amendment statements, citations and the document resolver."""
from __future__ import annotations

import json

from extract.docnumber import norm_docno
from extract.references import DocIndex, resolve_references
from extract.relations import find_citations, find_supersessions, title_keys


def _kinds(text):
    return [(s.kind, s.old.title, s.old.doc_number, s.part) for s in find_supersessions(text)]


def test_repeal_of_several_texts_one_record_each():
    t = ("第五十五条本条例自2022年3月1日起施行。《甲登记管理条例》、《乙登记管理办法》、"
         "《丙登记管理规定》同时废止。")
    assert _kinds(t) == [("repeals", "甲登记管理条例", None, None), ("repeals", "乙登记管理办法", None, None),
                         ("repeals", "丙登记管理规定", None, None)]


def test_repeal_with_docno_nested_brackets_and_partial():
    t = ("四、自2021年1月1日起，《财政部 交通运输部关于印发<港口建设费征收使用管理办法>的通知》（财综〔2011〕29 号）、"
         "《财政部关于免征港口建设费的通知》（财综〔2011〕100号）废止。\n"
         "《财政部 税务总局关于实施小微企业普惠性税收减免政策的通知》（财税〔2019〕13 号）第一条同时废止。")
    got = _kinds(t)
    assert got[0] == ("repeals", "财政部交通运输部关于印发<港口建设费征收使用管理办法>的通知", "财综〔2011〕29号", None)
    assert got[1][2] == "财综〔2011〕100号"
    assert got[2] == ("partially_repeals", "财政部税务总局关于实施小微企业普惠性税收减免政策的通知", "财税〔2019〕13号",
                      "第一条")
    assert find_supersessions(t)[2].partial


def test_stop_executing_replaces_and_precedence():
    t = ("自本通知印发之日起，《国务院办公厅关于加大激励支持力度的通知》（国办发〔2018〕117号）停止执行。\n"
         "本办法代替《某某管理暂行办法》（某发〔2010〕1号）。\n"
         "《跨境资金集中运营管理规定》第二十四条等规定与本通知内容不一致的，以本通知为准。")
    got = _kinds(t)
    assert got[0][0] == "repeals" and got[0][2] == "国办发〔2018〕117号"
    assert got[1] == ("replaces", "某某管理暂行办法", "某发〔2010〕1号", None)
    assert got[2] == ("partially_repeals", "跨境资金集中运营管理规定", None, "第二十四条等规定")


def test_amendments_decree_header_and_note():
    t = ("《企业名称登记管理规定》已经2020年12月14日国务院第118次常务会议修订通过，现予公布。\n"
         "企业名称登记管理规定\n"
         "（1991年5月6日中华人民共和国国家工商行政管理局令第7号发布根据2012年11月9日《国务院关于修改和废止部分行政法规的决定》"
         "第一次修订2020年12月14日国务院第118次常务会议修订通过）\n"
         "第一条为了规范企业名称登记管理，制定本规定。")
    recs = find_supersessions(t)
    assert [(r.kind, r.old.title, r.old.doc_number, r.new_title) for r in recs] == [
        ("amends", "企业名称登记管理规定", "中华人民共和国国家工商行政管理局令第7号", None),
        ("amends", "企业名称登记管理规定", "中华人民共和国国家工商行政管理局令第7号", "国务院关于修改和废止部分行政法规的决定")]
    t2 = "根据有关法律法规，我们对《国家科技成果转化引导基金管理暂行办法》（财教〔2011〕289 号）进行了修订。现予印发。"
    assert _kinds(t2) == [("amends", "国家科技成果转化引导基金管理暂行办法", "财教〔2011〕289号", None)]


def test_not_supersession():
    t = ("此前有关规定与本通知不一致的，以本通知为准。\n"
         "现行政策与本通知不符的，以本通知规定为准。\n"
         "对违反公平竞争审查标准的政策措施，应当及时废止或者修改完善。\n"
         "加快修订《中华人民共和国反垄断法》。\n"
         "推动修订《企业信息公示暂行条例》等行政法规。\n"
         "国务院决定在试点城市暂时调整实施《植物检疫条例》等7部行政法规有关规定。\n"
         "业务风险管理等，继续执行《中国人民银行 银保监会关于进一步对中小微企业贷款实施阶段性延期还本付息的通知》有关规定。\n"
         "违规文件得到及时修改废止。")
    assert find_supersessions(t) == []


def test_citations_laws_abbreviations_and_docnos():
    t = ("根据《中华人民共和国网络安全法》和《国务院关于印发“十四五”就业促进规划的通知》（国发〔2021〕14 号，"
         "以下简称《规划》），落实《规划》要求，按照国办发〔2021〕25号要求，打造“专精特新”《样板》。")
    cs = [(c.title, c.doc_number, c.doc_type) for c in find_citations(t)]
    assert ("中华人民共和国网络安全法", None, "法律") in cs
    assert ("国务院关于印发“十四五”就业促进规划的通知", "国发〔2021〕14号", "通知") in cs
    assert (None, "国办发〔2021〕25号", None) in cs
    assert all(c[0] != "规划" for c in cs)


def test_norm_docno_and_title_keys():
    assert norm_docno("工信部企业[2017]156 号") == "工信部企业〔2017〕156号"
    assert norm_docno("的通知工信部联规〔2021〕207号") == "工信部联规〔2021〕207号"
    assert norm_docno("中国人民银行令〔2019〕第 4 号发布") == "中国人民银行令〔2019〕第4号"
    keys = title_keys("市场监管总局等五部门关于印发《公平竞争审查制度实施细则》的通知")
    assert "关于印发公平竞争审查制度实施细则的通知" in keys and "公平竞争审查制度实施细则" in keys
    assert "反垄断法" in title_keys("中华人民共和国反垄断法")


def test_resolver_and_placeholders():
    from extract.records import Records
    from extract.records import external_document

    rec = Records()
    rec.add_node({"id": "doc:国发〔2021〕14号", "label": "Document", "title": "国务院关于印发“十四五”就业促进规划的通知",
                  "doc_number": "国发〔2021〕14号", "doc_type": "通知", "in_corpus": True})
    a = rec.add_node(external_document("关于印发“十四五”就业促进规划的通知", None))
    b = rec.add_node(external_document("反垄断法", None))
    c = rec.add_node(external_document("中华人民共和国反垄断法", None))
    d = rec.add_node(external_document("某规定", None, previous_version=True))
    rec.add_node({"id": "doc:x", "label": "Document", "title": "某规定", "doc_number": None, "doc_type": "其他",
                  "in_corpus": True})
    for t in (a, b, c, d):
        rec.add_edge("doc:x", t["id"], "CITES")
    resolve_references(rec)
    targets = {e["target"] for e in rec.edges.values()}
    assert targets == {"doc:国发〔2021〕14号", c["id"], d["id"]}  # previous version stays apart
    assert c["doc_type"] == "法律" and not c["in_corpus"]
    idx = DocIndex(rec.nodes.values())
    assert idx.resolve(None, "国发〔2021〕14 号") == "doc:国发〔2021〕14号"


# --- corpus integration --------------------------------------------------------------------------
def _export(corpus_export):
    out, _ = corpus_export
    nodes = {n["id"]: n for n in map(json.loads, (out / "nodes.jsonl").open(encoding="utf-8"))}
    edges = [json.loads(l) for l in (out / "edges.jsonl").open(encoding="utf-8")]
    return nodes, edges


def test_corpus_market_entity_regulation_repeals_five(corpus_export):
    nodes, edges = _export(corpus_export)
    olds = {nodes[e["target"]]["title"] for e in edges
            if e["type"] == "SUPERSEDES" and nodes[e["source"]].get("doc_number") == "国务院令第746号"}
    assert olds == {"中华人民共和国公司登记管理条例", "中华人民共和国企业法人登记管理条例",
                    "中华人民共和国合伙企业登记管理办法", "农民专业合作社登记管理条例", "企业法人法定代表人登记管理规定"}


def test_corpus_partial_repeal_and_cites_antimonopoly_law(corpus_export):
    nodes, edges = _export(corpus_export)
    part = [e for e in edges if e["type"] == "SUPERSEDES" and nodes[e["target"]].get("doc_number") == "财税〔2019〕13号"]
    assert len(part) == 1 and part[0]["partial"] and part[0]["part"] == "第一条"
    assert nodes[part[0]["source"]]["doc_number"] == "财政部税务总局公告2021年第11号"
    assert part[0]["provenance"]["line_start"] <= 23203 <= part[0]["provenance"]["line_end"]
    law = [n for n in nodes.values() if n["label"] == "Document" and n.get("title") == "中华人民共和国反垄断法"]
    assert len(law) == 1 and law[0]["doc_type"] == "法律" and law[0]["in_corpus"] is False
    assert any(e["type"] == "CITES" and e["target"] == law[0]["id"] for e in edges)
    # no supersession is read from interpretations or the digest
    for e in edges:
        if e["type"] in ("SUPERSEDES", "AMENDS") and e["source"] in nodes and nodes[e["source"]].get("in_corpus"):
            assert nodes[e["source"]]["doc_type"] not in ("解读", "导读")


def test_title_cited_before_the_in_corpus_text_was_issued_is_an_earlier_version():
    from extract.records import Records
    from extract.records import external_document

    rec = Records()
    rec.add_node({"id": "doc:new", "label": "Document", "title": "关于印发《专项资金管理办法》的通知",
                  "doc_number": "财建〔2021〕148号", "date": "2021-06-01", "doc_type": "通知", "in_corpus": True})
    rec.add_node({"id": "doc:early", "label": "Document", "title": "甲通知", "doc_number": None,
                  "date": "2021-01-20", "doc_type": "通知", "in_corpus": True})
    rec.add_node({"id": "doc:late", "label": "Document", "title": "乙通知", "doc_number": None,
                  "date": "2021-09-01", "doc_type": "通知", "in_corpus": True})
    ph = rec.add_node(external_document("专项资金管理办法", None))
    rec.add_edge("doc:early", ph["id"], "CITES")
    rec.add_edge("doc:late", ph["id"], "CITES")
    resolve_references(rec)
    got = {(e["source"], e["target"]) for e in rec.edges.values()}
    assert got == {("doc:early", ph["id"]), ("doc:late", "doc:new")}
    assert ph["id"] in rec.nodes


def test_amending_decision():
    t = "一、将《某某管理条例》第十条修改为：“……”。\n二、对《另一管理办法》（某发〔2015〕3号）作如下修改：\n加快修订《第三管理办法》。"
    assert _kinds(t) == [("amends", "某某管理条例", None, "第十条"), ("amends", "另一管理办法", "某发〔2015〕3号", None)]
