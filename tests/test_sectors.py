"""Sector taxonomy and classification."""
from __future__ import annotations

import json

from extract.sectors import classify_sectors, load_sectors


def test_taxonomy_has_gbt4754_sections_and_domains():
    sectors = load_sectors()
    ids = {s.id for s in sectors}
    assert {f"gbt4754:{c}" for c in "ABCDEFGHIJKLMNOPQRST"} <= ids
    names = {s.name for s in sectors}
    assert {"中小企业", "营商环境", "外贸", "知识产权", "信息通信", "绿色低碳", "就业"} <= names
    assert all(s.keywords for s in sectors)
    assert len(ids) == len(sectors)


def _ids(text, **kw):
    return [sid for sid, _, _ in classify_sectors(text, **kw)]


def test_classify_measures():
    got = classify_sectors("加大对中小企业出口信用保险支持力度，扩大跨境电商进出口规模。")
    assert got[0][0] == "domain:foreign_trade" and "跨境电商" in got[0][2]
    assert "domain:sme" in _ids("支持专精特新中小企业发展")
    assert "domain:green_low_carbon" in _ids("推动碳达峰碳中和，提升能效水平")
    ict = _ids("加快5G网络和千兆光网建设")
    assert ict[0] == "domain:ict" and "gbt4754:I" in ict  # one keyword, two sectors


def test_longest_keyword_wins_and_thresholds():
    got = dict((sid, kws) for sid, _, kws in classify_sectors("发展绿色低碳产业"))
    assert got["domain:green_low_carbon"] == ["绿色低碳"]
    assert classify_sectors("加强组织领导，抓好贯彻落实。") == []
    assert classify_sectors("中小企业", min_score=100) == []


def test_corpus_concerns_edges(corpus_export):
    out, _ = corpus_export
    nodes = {n["id"]: n for n in map(json.loads, (out / "nodes.jsonl").open(encoding="utf-8"))}
    edges = [json.loads(l) for l in (out / "edges.jsonl").open(encoding="utf-8")]
    concerns = [e for e in edges if e["type"] == "CONCERNS"]
    assert concerns and all(nodes[e["target"]]["label"] == "Sector" and e["keywords"] and e["score"] > 0
                            for e in concerns)
    ip_plan = next(n for n in nodes.values() if n["label"] == "Document" and n.get("doc_number") == "国发〔2021〕20号")
    assert any(e["source"] == ip_plan["id"] and e["target"] == "domain:ip" for e in concerns)


def test_agency_names_are_not_sector_keywords():
    from extract.agencies import load_gazetteer

    text = "联席会议由市场监管总局、农业农村部组成。"
    assert classify_sectors(text)  # without a gazetteer the names match
    assert classify_sectors(text, gaz=load_gazetteer()) == []


def blank_spans_as_before(text, spans):
    """The old blanking (the whole text rebuilt per mention, quadratic): the reference for equality."""
    for start, end in reversed(spans):
        text = text[:start] + "□" * (end - start) + text[end:]
    return text


def test_blank_spans_handles_overlaps_and_edges():
    from extract.sectors import blank_spans
    assert blank_spans("abcdefgh", [(1, 3), (2, 5), (7, 8)]) == "a□□□□fg□"
    assert blank_spans("abc", []) == "abc" and blank_spans("abc", [(0, 3)]) == "□□□"


def test_linear_blanking_equals_the_old_one_on_the_corpus(corpus_dir):
    """Same blanked text, hence the same sectors, on every corpus document (the speed is in
    bench/sectors.py: linear, where the old one took 0.8 / 3.2 / 14.7 s at 2 / 4 / 8 MB)."""
    import re
    from extract.agencies import load_gazetteer
    from extract.clean import clean_lines, join_lines
    from extract.read import iter_input_files, read_source
    from extract.sectors import blank_spans
    gaz = load_gazetteer()
    compared = 0
    for path in iter_input_files([str(corpus_dir)]):
        text = re.sub(r"\s+", "", join_lines(clean_lines(read_source(path).lines)).text)
        spans = [(m.start, m.end) for m in gaz.find(text)]
        assert blank_spans(text, spans) == blank_spans_as_before(text, spans)
        compared += len(spans)
    assert compared > 1000  # the corpus is dense in agency names: the comparison covered them
