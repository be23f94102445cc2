"""Properties over random input (hypothesis): the readers never raise anything but UnreadableFile,
and the detectors never raise and never point outside their input.

The text strategy draws from the characters the detectors react to — numbering markers, brackets,
书名号, 文号 pieces, deontic words, agency names, dates, newlines — mixed with any character, so the
cases reach the rules rather than only the "nothing found" path.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.agencies import load_gazetteer
from extract.measures import find_measures
from extract.obligations import find_obligations
from extract.read import SourceText, UnreadableFile, read_source
from extract.relations import find_citations, find_supersessions

PIECES = ["第一条", "第十二条", "第一千条", "第二章", "一、", "（一）", "（二）", "1.", "（1）", "\n", "。", "；",
          "，", "《", "》", "〔", "〕", "[", "]", "（", "）", "号", "国发〔2021〕7号", "国办发", "2023年4月25日",
          "应当", "不得", "可以", "必须", "禁止", "废止", "同时废止", "修改为", "以本通知为准", "自", "起施行",
          "商务部", "财政部", "海关总署", "牵头", "按职责分工负责", "配合", "企业", "经营者", "的", "规定",
          "关于", "通知", "意见", "办法", "以下简称", "各地区", "部门", "负责", " ", "\u3000", "\t", "\r\n"]
TEXT = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=80).map("".join)
SETTINGS = settings(max_examples=150, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def inside(spans, text):
    return all(0 <= s <= e <= len(text) for s, e in spans)


@SETTINGS
@given(data=st.binary(max_size=4000), suffix=st.sampled_from([".txt", ".pdf", ".docx", ".html", ".htm"]))
def test_read_never_raises_anything_but_unreadable(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("read") / f"random{suffix}"
    path.write_bytes(data)
    try:
        source = read_source(path)
    except UnreadableFile as exc:
        assert exc.reason and exc.path == path  # a clear reason, naming the file
        return
    assert isinstance(source, SourceText) and all(isinstance(line, str) for line in source.lines)


@SETTINGS
@given(text=TEXT)
def test_find_measures_spans_inside(gaz, text):
    items, measures = find_measures(text, gaz)
    assert inside([(i.start, i.end) for i in items], text)
    assert inside([(m.start, m.end) for m in measures], text)
    assert all(0 <= m.item_index < len(items) for m in measures)


@SETTINGS
@given(text=TEXT)
def test_find_obligations_spans_inside(gaz, text):
    found = find_obligations(text, gaz)
    assert inside([(o.start, o.end) for o in found], text)
    assert all(o.article.startswith("第") and o.article.endswith("条") for o in found)


@SETTINGS
@given(text=TEXT)
def test_find_supersessions_and_citations_spans_inside(text):
    assert inside([(s.start, s.end) for s in find_supersessions(text)], text)
    assert inside([(c.start, c.end) for c in find_citations(text)], text)
